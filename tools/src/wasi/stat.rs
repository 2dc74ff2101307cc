//! `filestat`: file metadata as WASI lays it out in guest memory, from host metadata.

use super::ctx::filetype;
use super::errno::WasiResult;
use super::mem::GuestMem;

/// The witx `filestat` record (64 bytes).
#[derive(Clone, Copy, Debug, Default)]
pub struct Filestat {
    /// Device id.
    pub dev: u64,
    /// Inode number.
    pub ino: u64,
    /// `filetype`.
    pub filetype: u8,
    /// Number of hard links.
    pub nlink: u64,
    /// Size in bytes.
    pub size: u64,
    /// Last access, in nanoseconds since the epoch.
    pub atim: u64,
    /// Last modification.
    pub mtim: u64,
    /// Last status change.
    pub ctim: u64,
}

impl Filestat {
    /// Writes the record at `ptr`.
    pub fn write(&self, mem: &mut GuestMem<'_>, ptr: u32) -> WasiResult {
        let mut bytes = [0u8; 64];
        bytes[0..8].copy_from_slice(&self.dev.to_le_bytes());
        bytes[8..16].copy_from_slice(&self.ino.to_le_bytes());
        bytes[16] = self.filetype;
        bytes[24..32].copy_from_slice(&self.nlink.to_le_bytes());
        bytes[32..40].copy_from_slice(&self.size.to_le_bytes());
        bytes[40..48].copy_from_slice(&self.atim.to_le_bytes());
        bytes[48..56].copy_from_slice(&self.mtim.to_le_bytes());
        bytes[56..64].copy_from_slice(&self.ctim.to_le_bytes());
        mem.write(ptr, &bytes)
    }
}

/// Seconds and nanoseconds since the epoch as WASI's `timestamp` (0 before the epoch).
#[cfg(unix)]
fn timestamp(secs: i64, nsecs: i64) -> u64 {
    let ns = i128::from(secs) * 1_000_000_000 + i128::from(nsecs);
    u64::try_from(ns.max(0)).unwrap_or(u64::MAX)
}

/// A `SystemTime` as WASI's `timestamp`.
pub fn system_time_ns(time: std::time::SystemTime) -> u64 {
    time.duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
}

/// Defines a function giving the WASI `filetype` of a file type: std's and cap-std's have the
/// same methods but are distinct types.
macro_rules! filetype_fn {
    ($(#[$doc:meta])* $name:ident, $ty:ty, $ext:path) => {
        $(#[$doc])*
        pub fn $name(ty: $ty) -> u8 {
            if ty.is_dir() {
                return filetype::DIRECTORY;
            }
            if ty.is_file() {
                return filetype::REGULAR_FILE;
            }
            if ty.is_symlink() {
                return filetype::SYMBOLIC_LINK;
            }
            #[cfg(unix)]
            {
                use $ext;
                if ty.is_block_device() {
                    return filetype::BLOCK_DEVICE;
                }
                if ty.is_char_device() {
                    return filetype::CHARACTER_DEVICE;
                }
                if ty.is_socket() {
                    return filetype::SOCKET_STREAM;
                }
            }
            filetype::UNKNOWN
        }
    };
}

filetype_fn!(
    /// The WASI `filetype` of a host file type.
    std_filetype,
    std::fs::FileType,
    std::os::unix::fs::FileTypeExt
);
filetype_fn!(
    /// The WASI `filetype` of a cap-std file type.
    cap_filetype,
    cap_std::fs::FileType,
    cap_std::fs::FileTypeExt
);

/// The `filestat` of an open file.
pub fn from_std(meta: &std::fs::Metadata) -> Filestat {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Filestat {
            dev: meta.dev(),
            ino: meta.ino(),
            filetype: std_filetype(meta.file_type()),
            nlink: meta.nlink(),
            size: meta.len(),
            atim: timestamp(meta.atime(), meta.atime_nsec()),
            mtim: timestamp(meta.mtime(), meta.mtime_nsec()),
            ctim: timestamp(meta.ctime(), meta.ctime_nsec()),
        }
    }
    #[cfg(not(unix))]
    {
        let time = |t: std::io::Result<std::time::SystemTime>| t.map_or(0, system_time_ns);
        Filestat {
            dev: 0,
            ino: 0,
            filetype: std_filetype(meta.file_type()),
            nlink: 1,
            size: meta.len(),
            atim: time(meta.accessed()),
            mtim: time(meta.modified()),
            ctim: time(meta.modified()),
        }
    }
}

/// The `filestat` of a path reached through a directory capability.
pub fn from_cap(meta: &cap_std::fs::Metadata) -> Filestat {
    #[cfg(unix)]
    {
        use cap_std::fs::MetadataExt;
        Filestat {
            dev: meta.dev(),
            ino: meta.ino(),
            filetype: cap_filetype(meta.file_type()),
            nlink: meta.nlink(),
            size: meta.len(),
            atim: timestamp(meta.atime(), meta.atime_nsec()),
            mtim: timestamp(meta.mtime(), meta.mtime_nsec()),
            ctim: timestamp(meta.ctime(), meta.ctime_nsec()),
        }
    }
    #[cfg(not(unix))]
    {
        let time = |t: std::io::Result<cap_std::time::SystemTime>| {
            t.map_or(0, |t| system_time_ns(t.into_std()))
        };
        Filestat {
            dev: 0,
            ino: 0,
            filetype: cap_filetype(meta.file_type()),
            nlink: 1,
            size: meta.len(),
            atim: time(meta.accessed()),
            mtim: time(meta.modified()),
            ctim: time(meta.modified()),
        }
    }
}
