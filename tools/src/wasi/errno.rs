//! WASI preview1 error numbers (`errno` in the witx), and the mapping from host I/O errors.

use std::io;

/// A WASI preview1 `errno`: what a WASI call returns to the guest when it fails.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u16)]
#[allow(dead_code, reason = "the full witx list, not every value is produced")]
pub enum Errno {
    /// Argument list too long.
    TooBig = 1,
    /// Permission denied.
    Acces = 2,
    /// Resource unavailable, or operation would block.
    Again = 6,
    /// Bad file descriptor.
    Badf = 8,
    /// Device or resource busy.
    Busy = 10,
    /// File exists.
    Exist = 20,
    /// Bad address: a guest pointer or length outside its memory.
    Fault = 21,
    /// File too large.
    Fbig = 22,
    /// Illegal byte sequence (a path that is not UTF-8).
    Ilseq = 25,
    /// Interrupted function.
    Intr = 27,
    /// Invalid argument.
    Inval = 28,
    /// I/O error.
    Io = 29,
    /// Is a directory.
    Isdir = 31,
    /// Too many levels of symbolic links.
    Loop = 32,
    /// File descriptor value too large.
    Mfile = 33,
    /// Too many links.
    Mlink = 34,
    /// Filename too long.
    Nametoolong = 37,
    /// Too many files open in system.
    Nfile = 41,
    /// No such device.
    Nodev = 43,
    /// No such file or directory.
    Noent = 44,
    /// Not enough space.
    Nomem = 48,
    /// No space left on device.
    Nospc = 51,
    /// Function not supported.
    Nosys = 52,
    /// Not a directory or a symbolic link to a directory.
    Notdir = 54,
    /// Directory not empty.
    Notempty = 55,
    /// Not supported.
    Notsup = 58,
    /// Inappropriate I/O control operation.
    Notty = 59,
    /// No such device or address.
    Nxio = 60,
    /// Value too large to be stored in the data type.
    Overflow = 61,
    /// Operation not permitted.
    Perm = 63,
    /// Broken pipe.
    Pipe = 64,
    /// Result too large.
    Range = 68,
    /// Read-only file system.
    Rofs = 69,
    /// Invalid seek.
    Spipe = 70,
    /// Connection timed out.
    Timedout = 73,
    /// Text file busy.
    Txtbsy = 74,
    /// Cross-device link.
    Xdev = 75,
    /// Capabilities insufficient.
    Notcapable = 76,
}

/// The result of a WASI call: success (errno 0) or an [`Errno`].
pub type WasiResult<T = ()> = Result<T, Errno>;

impl From<io::Error> for Errno {
    fn from(err: io::Error) -> Self {
        #[cfg(unix)]
        if err.raw_os_error().is_some() {
            return from_host_errno(rustix::io::Errno::from_io_error(&err));
        }
        from_kind(err.kind())
    }
}

/// The WASI errno of a host errno.
#[cfg(unix)]
fn from_host_errno(errno: Option<rustix::io::Errno>) -> Errno {
    use rustix::io::Errno as E;
    let Some(errno) = errno else {
        return Errno::Io;
    };
    match errno {
        E::TOOBIG => Errno::TooBig,
        E::ACCESS => Errno::Acces,
        E::AGAIN => Errno::Again,
        E::BADF => Errno::Badf,
        E::BUSY => Errno::Busy,
        E::EXIST => Errno::Exist,
        E::FAULT => Errno::Fault,
        E::FBIG => Errno::Fbig,
        E::ILSEQ => Errno::Ilseq,
        E::INTR => Errno::Intr,
        E::INVAL => Errno::Inval,
        E::ISDIR => Errno::Isdir,
        E::LOOP => Errno::Loop,
        E::MFILE => Errno::Mfile,
        E::MLINK => Errno::Mlink,
        E::NAMETOOLONG => Errno::Nametoolong,
        E::NFILE => Errno::Nfile,
        E::NODEV => Errno::Nodev,
        E::NOENT => Errno::Noent,
        E::NOMEM => Errno::Nomem,
        E::NOSPC => Errno::Nospc,
        E::NOSYS => Errno::Nosys,
        E::NOTDIR => Errno::Notdir,
        E::NOTEMPTY => Errno::Notempty,
        E::NOTSUP => Errno::Notsup,
        E::NOTTY => Errno::Notty,
        E::NXIO => Errno::Nxio,
        E::OVERFLOW => Errno::Overflow,
        E::PERM => Errno::Perm,
        E::PIPE => Errno::Pipe,
        E::RANGE => Errno::Range,
        E::ROFS => Errno::Rofs,
        E::SPIPE => Errno::Spipe,
        E::TIMEDOUT => Errno::Timedout,
        E::TXTBSY => Errno::Txtbsy,
        E::XDEV => Errno::Xdev,
        _ => Errno::Io,
    }
}

/// The WASI errno of an error without a host errno (made by std or cap-std themselves). cap-std
/// reports a path that would leave its directory as `PermissionDenied`, which becomes `perm`.
fn from_kind(kind: io::ErrorKind) -> Errno {
    use io::ErrorKind as K;
    match kind {
        K::NotFound => Errno::Noent,
        K::PermissionDenied => Errno::Perm,
        K::AlreadyExists => Errno::Exist,
        K::WouldBlock => Errno::Again,
        K::InvalidInput | K::InvalidData => Errno::Inval,
        K::Interrupted => Errno::Intr,
        K::BrokenPipe => Errno::Pipe,
        K::NotADirectory => Errno::Notdir,
        K::IsADirectory => Errno::Isdir,
        K::DirectoryNotEmpty => Errno::Notempty,
        K::ReadOnlyFilesystem => Errno::Rofs,
        K::StorageFull => Errno::Nospc,
        K::FileTooLarge => Errno::Fbig,
        K::Unsupported => Errno::Notsup,
        K::OutOfMemory => Errno::Nomem,
        K::TimedOut => Errno::Timedout,
        _ => Errno::Io,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_errors_map_to_witx_values() {
        assert_eq!(
            Errno::from(io::Error::from(io::ErrorKind::NotFound)) as u16,
            44
        );
        let escape = io::Error::new(io::ErrorKind::PermissionDenied, "outside");
        assert_eq!(Errno::from(escape), Errno::Perm);
        #[cfg(unix)]
        {
            let eloop: io::Error = rustix::io::Errno::LOOP.into();
            assert_eq!(Errno::from(eloop) as u16, 32);
            let enotempty: io::Error = rustix::io::Errno::NOTEMPTY.into();
            assert_eq!(Errno::from(enotempty) as u16, 55);
        }
        assert_eq!(Errno::Notcapable as u16, 76);
    }
}
