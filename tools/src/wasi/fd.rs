//! The `fd_*` calls: reading, writing, seeking and inspecting open descriptors.

use super::Args;
use super::ctx::{DirEntry, FdEntry, Handle, WasiCtx, fdflags, filetype, rights};
use super::errno::{Errno, WasiResult};
use super::mem::{GuestMem, IoVec, total_len};
use super::stat::{self, Filestat};
use std::io::{IsTerminal, Read, Seek, SeekFrom, Write};

/// The most bytes one read or write moves, however large the guest's buffers: iovecs may
/// overlap, so their total can exceed memory. A program sees a short count and goes on.
const MAX_IO: usize = 16 << 20;

/// A zeroed buffer for a read into `iovs`.
fn read_buffer(iovs: &[IoVec]) -> Vec<u8> {
    vec![0; total_len(iovs).min(MAX_IO)]
}

/// `fd_read(fd, iovs, iovs_len, nread)`.
pub fn fd_read(ctx: &mut WasiCtx, mem: &mut GuestMem<'_>, a: &Args<'_>) -> WasiResult {
    let iovs = mem.iovecs(a.u32(1), a.u32(2))?;
    let mut buf = read_buffer(&iovs);
    let n = match &mut ctx.get(a.u32(0))?.handle {
        Handle::File(file) => file.read(&mut buf)?,
        Handle::Stdin => {
            let _ = ctx.flush_stdout();
            std::io::stdin().lock().read(&mut buf)?
        }
        Handle::Dir { .. } => return Err(Errno::Isdir),
        Handle::Stdout | Handle::Stderr => return Err(Errno::Badf),
    };
    mem.scatter(&iovs, &buf[..n])?;
    mem.write_u32(a.u32(3), n as u32)
}

/// `fd_write(fd, iovs, iovs_len, nwritten)`.
pub fn fd_write(ctx: &mut WasiCtx, mem: &mut GuestMem<'_>, a: &Args<'_>) -> WasiResult {
    let iovs = mem.iovecs(a.u32(1), a.u32(2))?;
    let bytes = mem.gather(&iovs, MAX_IO)?;
    let entry = ctx.get(a.u32(0))?;
    let append = entry.flags & fdflags::APPEND != 0;
    match &mut entry.handle {
        Handle::Stdout => ctx.write_stdout(&bytes)?,
        Handle::Stderr => ctx.write_stderr(&bytes)?,
        Handle::File(file) => {
            if append {
                file.seek(SeekFrom::End(0))?;
            }
            file.write_all(&bytes)?;
        }
        Handle::Dir { .. } => return Err(Errno::Isdir),
        Handle::Stdin => return Err(Errno::Badf),
    }
    mem.write_u32(a.u32(3), bytes.len() as u32)
}

/// The open regular file of `fd`: `spipe` for a stream, `isdir` for a directory.
fn file(ctx: &mut WasiCtx, fd: u32) -> WasiResult<&mut std::fs::File> {
    match &mut ctx.get(fd)?.handle {
        Handle::File(file) => Ok(file),
        Handle::Dir { .. } => Err(Errno::Isdir),
        Handle::Stdin | Handle::Stdout | Handle::Stderr => Err(Errno::Spipe),
    }
}

#[cfg(unix)]
fn read_at(file: &std::fs::File, buf: &mut [u8], offset: u64) -> std::io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(file, buf, offset)
}

#[cfg(unix)]
fn write_at(file: &std::fs::File, buf: &[u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::write_all_at(file, buf, offset)
}

#[cfg(not(unix))]
fn read_at(mut file: &std::fs::File, buf: &mut [u8], offset: u64) -> std::io::Result<usize> {
    let pos = file.stream_position()?;
    file.seek(SeekFrom::Start(offset))?;
    let n = file.read(buf);
    file.seek(SeekFrom::Start(pos))?;
    n
}

#[cfg(not(unix))]
fn write_at(mut file: &std::fs::File, buf: &[u8], offset: u64) -> std::io::Result<()> {
    let pos = file.stream_position()?;
    file.seek(SeekFrom::Start(offset))?;
    let r = file.write_all(buf);
    file.seek(SeekFrom::Start(pos))?;
    r
}

/// `fd_pread(fd, iovs, iovs_len, offset, nread)`: reads at an offset, leaving the position.
pub fn fd_pread(ctx: &mut WasiCtx, mem: &mut GuestMem<'_>, a: &Args<'_>) -> WasiResult {
    let iovs = mem.iovecs(a.u32(1), a.u32(2))?;
    let mut buf = read_buffer(&iovs);
    let file = file(ctx, a.u32(0))?;
    let n = read_at(file, &mut buf, a.u64(3))?;
    mem.scatter(&iovs, &buf[..n])?;
    mem.write_u32(a.u32(4), n as u32)
}

/// `fd_pwrite(fd, iovs, iovs_len, offset, nwritten)`.
pub fn fd_pwrite(ctx: &mut WasiCtx, mem: &mut GuestMem<'_>, a: &Args<'_>) -> WasiResult {
    let iovs = mem.iovecs(a.u32(1), a.u32(2))?;
    let bytes = mem.gather(&iovs, MAX_IO)?;
    let file = file(ctx, a.u32(0))?;
    write_at(file, &bytes, a.u64(3))?;
    mem.write_u32(a.u32(4), bytes.len() as u32)
}

/// `fd_seek(fd, offset, whence, newoffset)`.
pub fn fd_seek(ctx: &mut WasiCtx, mem: &mut GuestMem<'_>, a: &Args<'_>) -> WasiResult {
    let offset = a.u64(1) as i64;
    let from = match a.u32(2) {
        0 => SeekFrom::Start(u64::try_from(offset).map_err(|_| Errno::Inval)?),
        1 => SeekFrom::Current(offset),
        2 => SeekFrom::End(offset),
        _ => return Err(Errno::Inval),
    };
    let pos = file(ctx, a.u32(0))?.seek(from)?;
    mem.write_u64(a.u32(3), pos)
}

/// `fd_tell(fd, offset)`.
pub fn fd_tell(ctx: &mut WasiCtx, mem: &mut GuestMem<'_>, a: &Args<'_>) -> WasiResult {
    let pos = file(ctx, a.u32(0))?.stream_position()?;
    mem.write_u64(a.u32(1), pos)
}

/// `fd_close(fd)`.
pub fn fd_close(ctx: &mut WasiCtx, _mem: &mut GuestMem<'_>, a: &Args<'_>) -> WasiResult {
    ctx.fds.remove(&a.u32(0)).map(|_| ()).ok_or(Errno::Badf)
}

/// A host file handle for a directory, for the calls `std` offers only on files.
fn dir_as_file(dir: &cap_std::fs::Dir) -> WasiResult<std::fs::File> {
    Ok(dir.try_clone()?.into_std_file())
}

/// `fd_sync(fd)`.
pub fn fd_sync(ctx: &mut WasiCtx, _mem: &mut GuestMem<'_>, a: &Args<'_>) -> WasiResult {
    match &ctx.get(a.u32(0))?.handle {
        Handle::File(file) => file.sync_all()?,
        Handle::Dir { dir, .. } => dir_as_file(dir)?.sync_all()?,
        _ => {}
    }
    Ok(())
}

/// `fd_datasync(fd)`.
pub fn fd_datasync(ctx: &mut WasiCtx, _mem: &mut GuestMem<'_>, a: &Args<'_>) -> WasiResult {
    match &ctx.get(a.u32(0))?.handle {
        Handle::File(file) => file.sync_data()?,
        Handle::Dir { dir, .. } => dir_as_file(dir)?.sync_data()?,
        _ => {}
    }
    Ok(())
}

/// The filetype and rights of a standard stream: a terminal is a character device without
/// seek (so that wasi-libc's `isatty` says yes), anything else is of unknown type.
fn stream_stat(is_terminal: bool, io_right: u64) -> (u8, u64) {
    let ty = if is_terminal {
        filetype::CHARACTER_DEVICE
    } else {
        filetype::UNKNOWN
    };
    let base = io_right
        | rights::FD_FDSTAT_SET_FLAGS
        | rights::FD_FILESTAT_GET
        | rights::POLL_FD_READWRITE;
    (ty, base)
}

/// `fd_fdstat_get(fd, stat)`: filetype, flags and rights (24 bytes).
pub fn fd_fdstat_get(ctx: &mut WasiCtx, mem: &mut GuestMem<'_>, a: &Args<'_>) -> WasiResult {
    let entry = ctx.get(a.u32(0))?;
    let (ty, base, inheriting) = match &entry.handle {
        Handle::Stdin => {
            let (ty, base) = stream_stat(std::io::stdin().is_terminal(), rights::FD_READ);
            (ty, base, 0)
        }
        Handle::Stdout => {
            let (ty, base) = stream_stat(std::io::stdout().is_terminal(), rights::FD_WRITE);
            (ty, base, 0)
        }
        Handle::Stderr => {
            let (ty, base) = stream_stat(std::io::stderr().is_terminal(), rights::FD_WRITE);
            (ty, base, 0)
        }
        Handle::File(file) => {
            let ty = stat::std_filetype(file.metadata()?.file_type());
            (ty, rights::FILE, 0)
        }
        Handle::Dir { .. } => (filetype::DIRECTORY, rights::DIR, rights::DIR | rights::FILE),
    };
    let mut bytes = [0u8; 24];
    bytes[0] = ty;
    bytes[2..4].copy_from_slice(&entry.flags.to_le_bytes());
    bytes[8..16].copy_from_slice(&base.to_le_bytes());
    bytes[16..24].copy_from_slice(&inheriting.to_le_bytes());
    mem.write(a.u32(1), &bytes)
}

/// `fd_fdstat_set_flags(fd, flags)`: `append` and `nonblock` can change; the synchronous
/// write flags cannot (`notsup`).
pub fn fd_fdstat_set_flags(ctx: &mut WasiCtx, _mem: &mut GuestMem<'_>, a: &Args<'_>) -> WasiResult {
    let flags = a.u32(1);
    let flags = u16::try_from(flags).map_err(|_| Errno::Inval)?;
    if flags & !(fdflags::APPEND | fdflags::NONBLOCK) != 0 {
        return Err(Errno::Notsup);
    }
    ctx.get(a.u32(0))?.flags = flags;
    Ok(())
}

/// `fd_fdstat_set_rights(fd, base, inheriting)`: rights are not enforced beyond what the
/// host allows, so dropping them is accepted and changes nothing.
pub fn fd_fdstat_set_rights(
    ctx: &mut WasiCtx,
    _mem: &mut GuestMem<'_>,
    a: &Args<'_>,
) -> WasiResult {
    ctx.get(a.u32(0)).map(|_| ())
}

/// `fd_filestat_get(fd, buf)`.
pub fn fd_filestat_get(ctx: &mut WasiCtx, mem: &mut GuestMem<'_>, a: &Args<'_>) -> WasiResult {
    let stat = match &ctx.get(a.u32(0))?.handle {
        Handle::File(file) => stat::from_std(&file.metadata()?),
        Handle::Dir { dir, .. } => stat::from_cap(&dir.dir_metadata()?),
        Handle::Stdin => stream_filestat(std::io::stdin().is_terminal()),
        Handle::Stdout => stream_filestat(std::io::stdout().is_terminal()),
        Handle::Stderr => stream_filestat(std::io::stderr().is_terminal()),
    };
    stat.write(mem, a.u32(1))
}

fn stream_filestat(is_terminal: bool) -> Filestat {
    Filestat {
        filetype: stream_stat(is_terminal, 0).0,
        nlink: 1,
        ..Filestat::default()
    }
}

/// `fd_filestat_set_size(fd, size)`.
pub fn fd_filestat_set_size(
    ctx: &mut WasiCtx,
    _mem: &mut GuestMem<'_>,
    a: &Args<'_>,
) -> WasiResult {
    file(ctx, a.u32(0))?.set_len(a.u64(1))?;
    Ok(())
}

/// A time to set: now, or nanoseconds since the epoch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeSet {
    /// The current time.
    Now,
    /// An absolute time.
    At(u64),
}

impl TimeSet {
    /// As a `SystemTime`.
    pub fn to_system_time(self) -> std::time::SystemTime {
        match self {
            TimeSet::Now => std::time::SystemTime::now(),
            TimeSet::At(ns) => std::time::UNIX_EPOCH + std::time::Duration::from_nanos(ns),
        }
    }
}

/// The access and modification times a `fstflags` asks for (`atim`, `atim_now`, `mtim`,
/// `mtim_now`); both forms for one time is `inval`.
pub fn times_to_set(
    atim: u64,
    mtim: u64,
    fst_flags: u32,
) -> WasiResult<(Option<TimeSet>, Option<TimeSet>)> {
    let pick = |set: u32, now: u32, value: u64| match (fst_flags & set != 0, fst_flags & now != 0) {
        (true, true) => Err(Errno::Inval),
        (true, false) => Ok(Some(TimeSet::At(value))),
        (false, true) => Ok(Some(TimeSet::Now)),
        (false, false) => Ok(None),
    };
    if fst_flags & !0xf != 0 {
        return Err(Errno::Inval);
    }
    Ok((pick(1, 2, atim)?, pick(4, 8, mtim)?))
}

/// `fd_filestat_set_times(fd, atim, mtim, fst_flags)`.
pub fn fd_filestat_set_times(
    ctx: &mut WasiCtx,
    _mem: &mut GuestMem<'_>,
    a: &Args<'_>,
) -> WasiResult {
    let (atime, mtime) = times_to_set(a.u64(1), a.u64(2), a.u32(3))?;
    let mut times = std::fs::FileTimes::new();
    if let Some(t) = atime {
        times = times.set_accessed(t.to_system_time());
    }
    if let Some(t) = mtime {
        times = times.set_modified(t.to_system_time());
    }
    match &ctx.get(a.u32(0))?.handle {
        Handle::File(file) => file.set_times(times)?,
        Handle::Dir { dir, .. } => dir_as_file(dir)?.set_times(times)?,
        _ => return Err(Errno::Badf),
    }
    Ok(())
}

/// `fd_advise(fd, offset, len, advice)`: checked, then ignored (advice is a hint).
pub fn fd_advise(ctx: &mut WasiCtx, _mem: &mut GuestMem<'_>, a: &Args<'_>) -> WasiResult {
    if a.u32(3) > 5 {
        return Err(Errno::Inval);
    }
    file(ctx, a.u32(0)).map(|_| ())
}

/// `fd_allocate(fd, offset, len)`: makes the file at least `offset + len` bytes long.
pub fn fd_allocate(ctx: &mut WasiCtx, _mem: &mut GuestMem<'_>, a: &Args<'_>) -> WasiResult {
    let end = a.u64(1).checked_add(a.u64(2)).ok_or(Errno::Fbig)?;
    let file = file(ctx, a.u32(0))?;
    if end > file.metadata()?.len() {
        file.set_len(end)?;
    }
    Ok(())
}

/// `fd_prestat_get(fd, buf)`: the preopened directory's name length; `badf` past the last
/// preopen, which is how wasi-libc finds them all.
pub fn fd_prestat_get(ctx: &mut WasiCtx, mem: &mut GuestMem<'_>, a: &Args<'_>) -> WasiResult {
    let name = ctx.get(a.u32(0))?.preopen.as_ref().ok_or(Errno::Badf)?;
    let len = name.len() as u32;
    // `prestat`: tag 0 (a directory), then the name length at offset 4.
    let mut bytes = [0u8; 8];
    bytes[4..].copy_from_slice(&len.to_le_bytes());
    mem.write(a.u32(1), &bytes)
}

/// `fd_prestat_dir_name(fd, path, path_len)`.
pub fn fd_prestat_dir_name(ctx: &mut WasiCtx, mem: &mut GuestMem<'_>, a: &Args<'_>) -> WasiResult {
    let name = ctx.get(a.u32(0))?.preopen.as_ref().ok_or(Errno::Badf)?;
    if name.len() > a.u32(2) as usize {
        return Err(Errno::Nametoolong);
    }
    mem.write(a.u32(1), name.as_bytes())
}

/// `fd_renumber(from, to)`: moves `from` onto `to`, closing what `to` held.
pub fn fd_renumber(ctx: &mut WasiCtx, _mem: &mut GuestMem<'_>, a: &Args<'_>) -> WasiResult {
    let (from, to) = (a.u32(0), a.u32(1));
    if !ctx.fds.contains_key(&to) {
        return Err(Errno::Badf);
    }
    let entry: FdEntry = ctx.fds.remove(&from).ok_or(Errno::Badf)?;
    ctx.fds.insert(to, entry);
    Ok(())
}

/// A directory's entries, `.` and `..` first, then by name (so listings are deterministic).
fn listing(dir: &cap_std::fs::Dir) -> WasiResult<Vec<DirEntry>> {
    let ino =
        |meta: std::io::Result<cap_std::fs::Metadata>| meta.map_or(0, |m| stat::from_cap(&m).ino);
    let mut entries = vec![
        DirEntry {
            name: ".".into(),
            ino: ino(dir.dir_metadata()),
            filetype: filetype::DIRECTORY,
        },
        DirEntry {
            name: "..".into(),
            ino: 0,
            filetype: filetype::DIRECTORY,
        },
    ];
    let mut rest = Vec::new();
    for entry in dir.entries()? {
        let entry = entry?;
        let filetype = entry
            .file_type()
            .map_or(filetype::UNKNOWN, stat::cap_filetype);
        rest.push(DirEntry {
            name: entry.file_name().to_string_lossy().into_owned(),
            ino: ino(entry.metadata()),
            filetype,
        });
    }
    rest.sort_by(|a, b| a.name.cmp(&b.name));
    entries.extend(rest);
    Ok(entries)
}

/// `fd_readdir(fd, buf, buf_len, cookie, bufused)`: entries from `cookie` (an index into the
/// listing) as `dirent` headers (24 bytes) each followed by the name, the last one cut at the
/// end of the buffer as the witx says.
pub fn fd_readdir(ctx: &mut WasiCtx, mem: &mut GuestMem<'_>, a: &Args<'_>) -> WasiResult {
    let (buf, buf_len, cookie) = (a.u32(1), a.u32(2), a.u64(3));
    mem.slice(buf, buf_len)?;
    let Handle::Dir {
        dir,
        listing: cache,
    } = &mut ctx.get(a.u32(0))?.handle
    else {
        return Err(Errno::Notdir);
    };
    if cookie == 0 || cache.is_none() {
        *cache = Some(listing(dir)?);
    }
    let entries = cache.as_deref().unwrap_or_default();
    let mut out = Vec::new();
    let start = usize::try_from(cookie).unwrap_or(usize::MAX);
    for (i, entry) in entries.iter().enumerate().skip(start) {
        if out.len() >= buf_len as usize {
            break;
        }
        out.extend_from_slice(&(i as u64 + 1).to_le_bytes());
        out.extend_from_slice(&entry.ino.to_le_bytes());
        out.extend_from_slice(&(entry.name.len() as u32).to_le_bytes());
        out.extend_from_slice(&[entry.filetype, 0, 0, 0]);
        out.extend_from_slice(entry.name.as_bytes());
    }
    out.truncate(buf_len as usize);
    mem.write(buf, &out)?;
    mem.write_u32(a.u32(4), out.len() as u32)
}
