//! A WASI preview1 host (`wasi_snapshot_preview1`) for the interpreter: the functions a program
//! compiled with `--target=wasm32-wasi` imports, defined as host functions of a
//! [`Store`].
//!
//! The state ([`WasiCtx`]: arguments, environment, descriptor table) sits behind one mutex
//! shared by every host function. Each call reads its arguments, works on the calling
//! instance's memory through [`mem::GuestMem`] (every pointer bounds-checked: `fault`, never a
//! panic) and returns an errno. Files are reached only through preopened directories, with
//! cap-std doing the path resolution (see `path.rs`).
//!
//! Code map: `ctx.rs` the state and descriptor table, `errno.rs` error numbers, `mem.rs` guest
//! memory access, `args.rs` arguments and environment, `fd.rs` the `fd_*` calls, `path.rs` the
//! `path_*` calls, `stat.rs` file metadata, `clock.rs` clocks, random and `poll_oneoff`.

mod args;
mod clock;
mod ctx;
mod errno;
mod fd;
mod mem;
mod path;
mod stat;

pub use ctx::{WasiConfig, WasiCtx};
pub use errno::Errno;

use errno::WasiResult;
use mem::GuestMem;
use std::sync::{Arc, Mutex, MutexGuard};
use wasm_tool_lib::interp::{FuncType, Linker, Store, TrapKind, Val, ValType};

/// The module name WASI preview1 functions are imported from.
pub const MODULE: &str = "wasi_snapshot_preview1";

/// A call's arguments, read as the unsigned integers WASI passes.
pub struct Args<'a>(&'a [Val]);

impl Args<'_> {
    /// Argument `i` as a `u32` (pointers, lengths, descriptors, flags).
    pub fn u32(&self, i: usize) -> u32 {
        match self.0.get(i) {
            Some(Val::I32(v)) => *v as u32,
            Some(Val::I64(v)) => *v as u32,
            _ => 0,
        }
    }

    /// Argument `i` as a `u64` (offsets, sizes, timestamps).
    pub fn u64(&self, i: usize) -> u64 {
        match self.0.get(i) {
            Some(Val::I64(v)) => *v as u64,
            Some(Val::I32(v)) => u64::from(*v as u32),
            _ => 0,
        }
    }
}

/// A WASI call: works on the state and the caller's memory, returns an errno.
type Handler = fn(&mut WasiCtx, &mut GuestMem<'_>, &Args<'_>) -> WasiResult;

/// The calls returning an errno: name, parameter types (`i` for i32, `I` for i64), handler.
const FUNCS: &[(&str, &str, Handler)] = &[
    ("args_get", "ii", args::args_get),
    ("args_sizes_get", "ii", args::args_sizes_get),
    ("environ_get", "ii", args::environ_get),
    ("environ_sizes_get", "ii", args::environ_sizes_get),
    ("clock_res_get", "ii", clock::clock_res_get),
    ("clock_time_get", "iIi", clock::clock_time_get),
    ("fd_advise", "iIIi", fd::fd_advise),
    ("fd_allocate", "iII", fd::fd_allocate),
    ("fd_close", "i", fd::fd_close),
    ("fd_datasync", "i", fd::fd_datasync),
    ("fd_fdstat_get", "ii", fd::fd_fdstat_get),
    ("fd_fdstat_set_flags", "ii", fd::fd_fdstat_set_flags),
    ("fd_fdstat_set_rights", "iII", fd::fd_fdstat_set_rights),
    ("fd_filestat_get", "ii", fd::fd_filestat_get),
    ("fd_filestat_set_size", "iI", fd::fd_filestat_set_size),
    ("fd_filestat_set_times", "iIIi", fd::fd_filestat_set_times),
    ("fd_pread", "iiiIi", fd::fd_pread),
    ("fd_prestat_get", "ii", fd::fd_prestat_get),
    ("fd_prestat_dir_name", "iii", fd::fd_prestat_dir_name),
    ("fd_pwrite", "iiiIi", fd::fd_pwrite),
    ("fd_read", "iiii", fd::fd_read),
    ("fd_readdir", "iiiIi", fd::fd_readdir),
    ("fd_renumber", "ii", fd::fd_renumber),
    ("fd_seek", "iIii", fd::fd_seek),
    ("fd_sync", "i", fd::fd_sync),
    ("fd_tell", "ii", fd::fd_tell),
    ("fd_write", "iiii", fd::fd_write),
    ("path_create_directory", "iii", path::path_create_directory),
    ("path_filestat_get", "iiiii", path::path_filestat_get),
    (
        "path_filestat_set_times",
        "iiiiIIi",
        path::path_filestat_set_times,
    ),
    ("path_link", "iiiiiii", path::path_link),
    ("path_open", "iiiiiIIii", path::path_open),
    ("path_readlink", "iiiiii", path::path_readlink),
    ("path_remove_directory", "iii", path::path_remove_directory),
    ("path_rename", "iiiiii", path::path_rename),
    ("path_symlink", "iiiii", path::path_symlink),
    ("path_unlink_file", "iii", path::path_unlink_file),
    ("poll_oneoff", "iiii", clock::poll_oneoff),
    ("proc_raise", "i", proc_raise),
    ("random_get", "ii", clock::random_get),
    ("sched_yield", "", clock::sched_yield),
    ("sock_accept", "iii", sock),
    ("sock_recv", "iiiiii", sock),
    ("sock_send", "iiiii", sock),
    ("sock_shutdown", "ii", sock),
];

/// `proc_raise(signal)`: signals are not supported.
fn proc_raise(_ctx: &mut WasiCtx, _mem: &mut GuestMem<'_>, _a: &Args<'_>) -> WasiResult {
    Err(Errno::Nosys)
}

/// `sock_*`: no descriptor is a socket here (sockets cannot be preopened).
fn sock(ctx: &mut WasiCtx, _mem: &mut GuestMem<'_>, a: &Args<'_>) -> WasiResult {
    ctx.get(a.u32(0))?;
    Err(Errno::Notsup)
}

fn param_types(spec: &str) -> Vec<ValType> {
    spec.chars()
        .map(|c| if c == 'I' { ValType::I64 } else { ValType::I32 })
        .collect()
}

/// The state shared by the host functions of one program.
#[derive(Clone)]
pub struct Wasi(Arc<Mutex<WasiCtx>>);

impl Wasi {
    /// Wraps the state of a program.
    pub fn new(ctx: WasiCtx) -> Self {
        Wasi(Arc::new(Mutex::new(ctx)))
    }

    /// The state (a host function that panicked cannot have left it half-changed in a way
    /// that matters here, so a poisoned lock is taken over).
    pub fn lock(&self) -> MutexGuard<'_, WasiCtx> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Adds every `wasi_snapshot_preview1` function to `store` and defines it in `linker`.
    pub fn define(&self, store: &mut Store, linker: &mut Linker) {
        for &(name, params, handler) in FUNCS {
            let state = self.clone();
            let ty = FuncType::new(param_types(params), [ValType::I32]);
            let func = store.add_host_func(ty, move |caller, args| {
                let mut ctx = state.lock();
                let mut none: [u8; 0] = [];
                let data = match caller.memory() {
                    Some(memory) => memory.data_mut(),
                    None => &mut none,
                };
                let errno = match handler(&mut ctx, &mut GuestMem::new(data), &Args(args)) {
                    Ok(()) => 0,
                    Err(errno) => errno as u16,
                };
                Ok(vec![Val::I32(i32::from(errno))])
            });
            linker.define(MODULE, name, func);
        }
        // `proc_exit(code)` unwinds the program; the embedder turns the code into the
        // process's exit status.
        let exit = store.add_host_func(FuncType::new([ValType::I32], []), |_caller, args| {
            let code = Args(args).u32(0) as i32;
            Err(TrapKind::Exit(code).into())
        });
        linker.define(MODULE, "proc_exit", exit);
    }

    /// Flushes standard output.
    pub fn flush(&self) -> std::io::Result<()> {
        self.lock().flush_stdout()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_tool_lib::interp::Config;

    #[test]
    fn every_call_is_defined_once() {
        let mut names: Vec<&str> = FUNCS.iter().map(|f| f.0).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), FUNCS.len());
        let ctx = WasiCtx::new(&WasiConfig::default()).unwrap();
        let mut store = Store::new(Config::default());
        let mut linker = Linker::new();
        Wasi::new(ctx).define(&mut store, &mut linker);
        for name in names.iter().chain(&["proc_exit"]) {
            assert!(linker.get(MODULE, name).is_some(), "{name}");
        }
    }
}
