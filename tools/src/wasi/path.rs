//! The `path_*` calls. Every path is resolved by cap-std beneath the directory descriptor it
//! is relative to: an absolute path, a `..` above that directory, or a symlink leading out of
//! it fails (`perm`), so a program reaches only what was preopened for it.

use super::Args;
use super::ctx::{FdEntry, Handle, WasiCtx, fdflags, rights};
use super::errno::{Errno, WasiResult};
use super::fd::{TimeSet, times_to_set};
use super::mem::GuestMem;
use super::stat;
use cap_fs_ext::{DirExt, FollowSymlinks, OpenOptionsFollowExt, OpenOptionsMaybeDirExt};

/// `lookupflags.symlink_follow`.
const SYMLINK_FOLLOW: u32 = 1;

/// `oflags` of `path_open`.
mod oflags {
    /// Create the file if it does not exist.
    pub const CREAT: u32 = 1 << 0;
    /// Fail unless it is a directory.
    pub const DIRECTORY: u32 = 1 << 1;
    /// Fail if it exists.
    pub const EXCL: u32 = 1 << 2;
    /// Truncate it to size 0.
    pub const TRUNC: u32 = 1 << 3;
}

/// The path argument at `ptr`, `len`.
fn path(mem: &GuestMem<'_>, ptr: u32, len: u32) -> WasiResult<String> {
    let path = mem.str(ptr, len)?;
    if path.contains('\0') {
        return Err(Errno::Ilseq);
    }
    Ok(path.to_string())
}

/// `path_open(fd, dirflags, path, path_len, oflags, rights_base, rights_inheriting, fdflags,
/// opened_fd)`. Read or write access follows the rights asked for, as wasi-libc derives them
/// from `O_RDONLY`/`O_WRONLY`/`O_RDWR`; a directory opened without `O_DIRECTORY` becomes a
/// directory descriptor all the same.
pub fn path_open(ctx: &mut WasiCtx, mem: &mut GuestMem<'_>, a: &Args<'_>) -> WasiResult {
    let follow = a.u32(1) & SYMLINK_FOLLOW != 0;
    let path = path(mem, a.u32(2), a.u32(3))?;
    let oflags = a.u32(4);
    let base = a.u64(5);
    let flags = (a.u32(7) as u16) & (fdflags::APPEND | fdflags::NONBLOCK);
    let dir = ctx.dir(a.u32(0))?;
    let follow_symlinks = if follow {
        FollowSymlinks::Yes
    } else {
        FollowSymlinks::No
    };

    let handle = if oflags & oflags::DIRECTORY != 0 {
        if oflags & (oflags::CREAT | oflags::TRUNC) != 0 {
            return Err(Errno::Inval);
        }
        let opened = if follow {
            dir.open_dir(&path)?
        } else {
            dir.open_dir_nofollow(&path)?
        };
        Handle::Dir {
            dir: opened,
            listing: None,
        }
    } else {
        let read = base & (rights::FD_READ | rights::FD_READDIR) != 0;
        let write = base
            & (rights::FD_WRITE
                | rights::FD_DATASYNC
                | rights::FD_ALLOCATE
                | rights::FD_FILESTAT_SET_SIZE)
            != 0
            || oflags & (oflags::CREAT | oflags::TRUNC) != 0;
        let mut options = cap_std::fs::OpenOptions::new();
        options
            .read(read || !write)
            .write(write)
            .create(oflags & oflags::CREAT != 0)
            .create_new(oflags & oflags::CREAT != 0 && oflags & oflags::EXCL != 0)
            .truncate(oflags & oflags::TRUNC != 0)
            .follow(follow_symlinks)
            .maybe_dir(!write);
        let file = dir.open_with(&path, &options)?.into_std();
        if file.metadata()?.is_dir() {
            Handle::Dir {
                dir: cap_std::fs::Dir::from_std_file(file),
                listing: None,
            }
        } else {
            Handle::File(file)
        }
    };
    let fd = ctx.insert(FdEntry {
        handle,
        preopen: None,
        flags,
    })?;
    mem.write_u32(a.u32(8), fd)
}

/// `path_create_directory(fd, path, path_len)`.
pub fn path_create_directory(
    ctx: &mut WasiCtx,
    mem: &mut GuestMem<'_>,
    a: &Args<'_>,
) -> WasiResult {
    let path = path(mem, a.u32(1), a.u32(2))?;
    ctx.dir(a.u32(0))?.create_dir(path)?;
    Ok(())
}

/// `path_remove_directory(fd, path, path_len)`.
pub fn path_remove_directory(
    ctx: &mut WasiCtx,
    mem: &mut GuestMem<'_>,
    a: &Args<'_>,
) -> WasiResult {
    let path = path(mem, a.u32(1), a.u32(2))?;
    ctx.dir(a.u32(0))?.remove_dir(path)?;
    Ok(())
}

/// `path_unlink_file(fd, path, path_len)`.
pub fn path_unlink_file(ctx: &mut WasiCtx, mem: &mut GuestMem<'_>, a: &Args<'_>) -> WasiResult {
    let path = path(mem, a.u32(1), a.u32(2))?;
    ctx.dir(a.u32(0))?.remove_file_or_symlink(path)?;
    Ok(())
}

/// `path_rename(fd, old_path, old_len, new_fd, new_path, new_len)`.
pub fn path_rename(ctx: &mut WasiCtx, mem: &mut GuestMem<'_>, a: &Args<'_>) -> WasiResult {
    let old = path(mem, a.u32(1), a.u32(2))?;
    let new = path(mem, a.u32(4), a.u32(5))?;
    let from = ctx.dir(a.u32(0))?;
    let to = ctx.dir(a.u32(3))?;
    from.rename(old, to, new)?;
    Ok(())
}

/// `path_link(old_fd, old_flags, old_path, old_len, new_fd, new_path, new_len)`: a hard link;
/// the source is never followed if it is a symlink.
pub fn path_link(ctx: &mut WasiCtx, mem: &mut GuestMem<'_>, a: &Args<'_>) -> WasiResult {
    let old = path(mem, a.u32(2), a.u32(3))?;
    let new = path(mem, a.u32(5), a.u32(6))?;
    let from = ctx.dir(a.u32(0))?;
    let to = ctx.dir(a.u32(4))?;
    from.hard_link(old, to, new)?;
    Ok(())
}

/// `path_symlink(old_path, old_len, fd, new_path, new_len)`: the target must be relative.
pub fn path_symlink(ctx: &mut WasiCtx, mem: &mut GuestMem<'_>, a: &Args<'_>) -> WasiResult {
    let target = path(mem, a.u32(0), a.u32(1))?;
    let link = path(mem, a.u32(3), a.u32(4))?;
    let dir = ctx.dir(a.u32(2))?;
    #[cfg(unix)]
    dir.symlink(target, link)?;
    #[cfg(not(unix))]
    {
        let _ = (dir, target, link);
        return Err(Errno::Notsup);
    }
    #[cfg_attr(
        not(unix),
        expect(unreachable_code, reason = "symlinks are unix-only here")
    )]
    Ok(())
}

/// `path_readlink(fd, path, path_len, buf, buf_len, bufused)`: the link's contents, cut to the
/// buffer.
pub fn path_readlink(ctx: &mut WasiCtx, mem: &mut GuestMem<'_>, a: &Args<'_>) -> WasiResult {
    let path = path(mem, a.u32(1), a.u32(2))?;
    let target = ctx.dir(a.u32(0))?.read_link_contents(path)?;
    let target = target.to_string_lossy();
    let bytes = target.as_bytes();
    let n = bytes.len().min(a.u32(4) as usize);
    mem.write(a.u32(3), &bytes[..n])?;
    mem.write_u32(a.u32(5), n as u32)
}

/// `path_filestat_get(fd, flags, path, path_len, buf)`.
pub fn path_filestat_get(ctx: &mut WasiCtx, mem: &mut GuestMem<'_>, a: &Args<'_>) -> WasiResult {
    let path = path(mem, a.u32(2), a.u32(3))?;
    let dir = ctx.dir(a.u32(0))?;
    let meta = if a.u32(1) & SYMLINK_FOLLOW != 0 {
        dir.metadata(path)?
    } else {
        dir.symlink_metadata(path)?
    };
    stat::from_cap(&meta).write(mem, a.u32(4))
}

/// `path_filestat_set_times(fd, flags, path, path_len, atim, mtim, fst_flags)`.
pub fn path_filestat_set_times(
    ctx: &mut WasiCtx,
    mem: &mut GuestMem<'_>,
    a: &Args<'_>,
) -> WasiResult {
    let path = path(mem, a.u32(2), a.u32(3))?;
    let (atime, mtime) = times_to_set(a.u64(4), a.u64(5), a.u32(6))?;
    let spec = |t: TimeSet| match t {
        TimeSet::Now => cap_fs_ext::SystemTimeSpec::SymbolicNow,
        at => cap_fs_ext::SystemTimeSpec::Absolute(cap_std::time::SystemTime::from_std(
            at.to_system_time(),
        )),
    };
    let dir = ctx.dir(a.u32(0))?;
    if a.u32(1) & SYMLINK_FOLLOW != 0 {
        dir.set_times(path, atime.map(spec), mtime.map(spec))?;
    } else {
        dir.set_symlink_times(path, atime.map(spec), mtime.map(spec))?;
    }
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use crate::wasi::ctx::WasiConfig;
    use wasm_tool_lib::interp::Val;

    /// Calls `path_open` on the preopen (fd 3) with `path` and read rights; the errno, or the
    /// new descriptor.
    fn open(ctx: &mut WasiCtx, path: &str, follow: bool) -> Result<u32, Errno> {
        let mut data = vec![0u8; 4096];
        data[1024..1024 + path.len()].copy_from_slice(path.as_bytes());
        let mut mem = GuestMem::new(&mut data);
        let args = [
            Val::I32(3),
            Val::I32(i32::from(follow)),
            Val::I32(1024),
            Val::I32(path.len() as i32),
            Val::I32(0),
            Val::I64(rights::FD_READ as i64),
            Val::I64(0),
            Val::I32(0),
            Val::I32(8),
        ];
        path_open(ctx, &mut mem, &Args(&args))?;
        Ok(mem.read_u32(8).unwrap())
    }

    #[test]
    fn paths_stay_inside_the_preopen() {
        use std::os::unix::fs::symlink;
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("outside.txt"), "secret").unwrap();
        let sandbox = tmp.path().join("box");
        std::fs::create_dir_all(sandbox.join("sub")).unwrap();
        std::fs::write(sandbox.join("sub/in.txt"), "ok").unwrap();
        symlink("/", sandbox.join("root")).unwrap();
        symlink("..", sandbox.join("up")).unwrap();
        symlink("up", sandbox.join("up2")).unwrap();
        symlink(tmp.path().join("outside.txt"), sandbox.join("abs")).unwrap();
        symlink("sub/in.txt", sandbox.join("in")).unwrap();
        let config = WasiConfig {
            preopens: vec![(sandbox, "/".into())],
            ..WasiConfig::default()
        };
        let mut ctx = WasiCtx::new(&config).unwrap();
        for path in [
            "/etc/passwd",
            "../outside.txt",
            "sub/../../outside.txt",
            "root/etc/passwd",
            "up/outside.txt",
            "up2/outside.txt",
            "abs",
        ] {
            assert_eq!(open(&mut ctx, path, true), Err(Errno::Perm), "{path}");
        }
        // Inside the tree, through `..` and symlinks, is fine; a final symlink is not followed
        // without `symlink_follow`.
        assert!(open(&mut ctx, "sub/../sub/in.txt", true).is_ok());
        assert!(open(&mut ctx, "in", true).is_ok());
        assert_eq!(open(&mut ctx, "in", false), Err(Errno::Loop));
        assert_eq!(open(&mut ctx, "missing", true), Err(Errno::Noent));
    }
}
