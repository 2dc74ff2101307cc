//! The WASI state of one program: its arguments and environment, and the file descriptor
//! table (standard streams, preopened directories, and what the program opened).

use super::errno::{Errno, WasiResult};
use anyhow::Context;
use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::Instant;

/// `filetype` values of the witx.
pub mod filetype {
    /// Unknown (a pipe, or a redirected standard stream).
    pub const UNKNOWN: u8 = 0;
    /// A block device.
    pub const BLOCK_DEVICE: u8 = 1;
    /// A character device (a terminal).
    pub const CHARACTER_DEVICE: u8 = 2;
    /// A directory.
    pub const DIRECTORY: u8 = 3;
    /// A regular file.
    pub const REGULAR_FILE: u8 = 4;
    /// A stream socket.
    pub const SOCKET_STREAM: u8 = 6;
    /// A symbolic link.
    pub const SYMBOLIC_LINK: u8 = 7;
}

/// `rights` bits of the witx that matter to programs: wasi-libc's `isatty` checks that a
/// character device lacks `fd_seek` and `fd_tell`.
pub mod rights {
    /// `fd_datasync`.
    pub const FD_DATASYNC: u64 = 1 << 0;
    /// `fd_read`.
    pub const FD_READ: u64 = 1 << 1;
    /// `fd_seek`.
    pub const FD_SEEK: u64 = 1 << 2;
    /// `fd_fdstat_set_flags`.
    pub const FD_FDSTAT_SET_FLAGS: u64 = 1 << 3;
    /// `fd_sync`.
    pub const FD_SYNC: u64 = 1 << 4;
    /// `fd_tell`.
    pub const FD_TELL: u64 = 1 << 5;
    /// `fd_write`.
    pub const FD_WRITE: u64 = 1 << 6;
    /// `fd_advise`.
    pub const FD_ADVISE: u64 = 1 << 7;
    /// `fd_allocate`.
    pub const FD_ALLOCATE: u64 = 1 << 8;
    /// Every `path_*` right and `fd_readdir` (bits 9 to 20, 24 to 26).
    pub const DIR_OPS: u64 = (0xfff << 9) | (0b111 << 24);
    /// `fd_readdir`.
    pub const FD_READDIR: u64 = 1 << 14;
    /// `fd_filestat_get`.
    pub const FD_FILESTAT_GET: u64 = 1 << 21;
    /// `fd_filestat_set_size`.
    pub const FD_FILESTAT_SET_SIZE: u64 = 1 << 22;
    /// `fd_filestat_set_times`.
    pub const FD_FILESTAT_SET_TIMES: u64 = 1 << 23;
    /// `poll_fd_readwrite`.
    pub const POLL_FD_READWRITE: u64 = 1 << 27;

    /// What an open regular file allows.
    pub const FILE: u64 = FD_DATASYNC
        | FD_READ
        | FD_SEEK
        | FD_FDSTAT_SET_FLAGS
        | FD_SYNC
        | FD_TELL
        | FD_WRITE
        | FD_ADVISE
        | FD_ALLOCATE
        | FD_FILESTAT_GET
        | FD_FILESTAT_SET_SIZE
        | FD_FILESTAT_SET_TIMES
        | POLL_FD_READWRITE;
    /// What an open directory allows.
    pub const DIR: u64 = FD_DATASYNC
        | FD_FDSTAT_SET_FLAGS
        | FD_SYNC
        | DIR_OPS
        | FD_FILESTAT_GET
        | FD_FILESTAT_SET_TIMES;
}

/// `fdflags` of the witx.
pub mod fdflags {
    /// Writes go to the end of the file.
    pub const APPEND: u16 = 1 << 0;
    /// Non-blocking mode (recorded, not acted on).
    pub const NONBLOCK: u16 = 1 << 2;
}

/// What a program gets: its arguments, environment and preopened directories.
#[derive(Clone, Debug, Default)]
pub struct WasiConfig {
    /// `argv`, the program name first.
    pub args: Vec<String>,
    /// Environment variables, in order.
    pub env: Vec<(String, String)>,
    /// Directories the program may reach: the host path, and the name the program sees.
    pub preopens: Vec<(PathBuf, String)>,
}

/// One entry of a directory listing, as `fd_readdir` returns them.
#[derive(Clone, Debug)]
pub struct DirEntry {
    /// The name.
    pub name: String,
    /// The inode number (0 when unknown).
    pub ino: u64,
    /// Its `filetype`.
    pub filetype: u8,
}

/// What a file descriptor refers to.
pub enum Handle {
    /// Standard input.
    Stdin,
    /// Standard output.
    Stdout,
    /// Standard error.
    Stderr,
    /// An open regular file (or another non-directory). A file handle grants no path access,
    /// so it is kept as a plain `std` file.
    File(std::fs::File),
    /// An open directory: a capability, through which only paths beneath it are reached.
    Dir {
        /// The directory handle.
        dir: cap_std::fs::Dir,
        /// The listing `fd_readdir` pages through, taken when it starts over (cookie 0).
        listing: Option<Vec<DirEntry>>,
    },
}

/// One slot of the file descriptor table.
pub struct FdEntry {
    /// What it refers to.
    pub handle: Handle,
    /// For a preopened directory, the name the program sees.
    pub preopen: Option<String>,
    /// The `fdflags` set at open or by `fd_fdstat_set_flags`.
    pub flags: u16,
}

/// The state of a running WASI program.
pub struct WasiCtx {
    /// `argv`.
    pub args: Vec<String>,
    /// `environ`, as `KEY=VALUE`.
    pub env: Vec<String>,
    /// The file descriptor table.
    pub fds: BTreeMap<u32, FdEntry>,
    /// Standard output, buffered unless it is a terminal.
    stdout: std::io::BufWriter<std::io::Stdout>,
    stdout_is_terminal: bool,
    /// When the program started: the origin of the clock fallbacks where the host has no
    /// CPU-time clock.
    #[cfg_attr(unix, expect(dead_code, reason = "unix hosts have CPU-time clocks"))]
    pub start: Instant,
}

impl WasiCtx {
    /// The state for a program: fds 0–2 are the standard streams and the preopened directories
    /// follow from fd 3 in order. Fails when a preopen cannot be opened.
    pub fn new(config: &WasiConfig) -> anyhow::Result<Self> {
        let mut fds = BTreeMap::new();
        for (fd, handle) in [Handle::Stdin, Handle::Stdout, Handle::Stderr]
            .into_iter()
            .enumerate()
        {
            fds.insert(
                fd as u32,
                FdEntry {
                    handle,
                    preopen: None,
                    flags: 0,
                },
            );
        }
        for (i, (host, guest)) in config.preopens.iter().enumerate() {
            let dir = cap_std::fs::Dir::open_ambient_dir(host, cap_std::ambient_authority())
                .with_context(|| format!("failed to open directory `{}`", host.display()))?;
            fds.insert(
                3 + i as u32,
                FdEntry {
                    handle: Handle::Dir { dir, listing: None },
                    preopen: Some(guest.clone()),
                    flags: 0,
                },
            );
        }
        let stdout = std::io::stdout();
        Ok(WasiCtx {
            args: config.args.clone(),
            env: config.env.iter().map(|(k, v)| format!("{k}={v}")).collect(),
            fds,
            stdout_is_terminal: stdout.is_terminal(),
            stdout: std::io::BufWriter::with_capacity(1 << 16, stdout),
            start: Instant::now(),
        })
    }

    /// The entry of `fd`, or `badf`.
    pub fn get(&mut self, fd: u32) -> WasiResult<&mut FdEntry> {
        self.fds.get_mut(&fd).ok_or(Errno::Badf)
    }

    /// The directory `fd` refers to: `badf` when closed, `notdir` when it is not a directory.
    pub fn dir(&self, fd: u32) -> WasiResult<&cap_std::fs::Dir> {
        match &self.fds.get(&fd).ok_or(Errno::Badf)?.handle {
            Handle::Dir { dir, .. } => Ok(dir),
            _ => Err(Errno::Notdir),
        }
    }

    /// Adds an entry at the lowest free descriptor.
    pub fn insert(&mut self, entry: FdEntry) -> WasiResult<u32> {
        let mut fd = 0;
        for used in self.fds.keys() {
            if *used != fd {
                break;
            }
            fd = fd.checked_add(1).ok_or(Errno::Mfile)?;
        }
        self.fds.insert(fd, entry);
        Ok(fd)
    }

    /// Writes to standard output.
    pub fn write_stdout(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.stdout.write_all(bytes)?;
        if self.stdout_is_terminal {
            self.stdout.flush()?;
        }
        Ok(())
    }

    /// Writes to standard error, after what standard output holds so that the two keep their
    /// order.
    pub fn write_stderr(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        let _ = self.stdout.flush();
        let mut stderr = std::io::stderr().lock();
        stderr.write_all(bytes)?;
        stderr.flush()
    }

    /// Flushes standard output: at exit, before a trap is reported, and before the program
    /// reads standard input (so that a prompt shows).
    pub fn flush_stdout(&mut self) -> std::io::Result<()> {
        self.stdout.flush()
    }
}
