//! `args_*` and `environ_*`: the program's arguments and environment, as NUL-terminated
//! strings in a guest buffer with an array of pointers to them.

use super::Args;
use super::ctx::WasiCtx;
use super::errno::{Errno, WasiResult};
use super::mem::GuestMem;

/// Writes `strings` as pointers at `ptrs` and NUL-terminated bytes from `buf`.
fn write_strings(mem: &mut GuestMem<'_>, strings: &[String], ptrs: u32, buf: u32) -> WasiResult {
    let mut cursor = buf;
    for (i, s) in strings.iter().enumerate() {
        let slot = ptrs.checked_add(4 * i as u32).ok_or(Errno::Fault)?;
        mem.write_u32(slot, cursor)?;
        mem.write(cursor, s.as_bytes())?;
        let end = cursor.checked_add(s.len() as u32).ok_or(Errno::Fault)?;
        mem.write(end, &[0])?;
        cursor = end.checked_add(1).ok_or(Errno::Fault)?;
    }
    Ok(())
}

/// Writes the count and the total size (with NULs) of `strings`.
fn write_sizes(mem: &mut GuestMem<'_>, strings: &[String], count: u32, size: u32) -> WasiResult {
    let total: usize = strings.iter().map(|s| s.len() + 1).sum();
    mem.write_u32(count, strings.len() as u32)?;
    mem.write_u32(size, u32::try_from(total).map_err(|_| Errno::Overflow)?)
}

/// `args_get(argv, argv_buf)`.
pub fn args_get(ctx: &mut WasiCtx, mem: &mut GuestMem<'_>, a: &Args<'_>) -> WasiResult {
    write_strings(mem, &ctx.args, a.u32(0), a.u32(1))
}

/// `args_sizes_get(argc, argv_buf_size)`.
pub fn args_sizes_get(ctx: &mut WasiCtx, mem: &mut GuestMem<'_>, a: &Args<'_>) -> WasiResult {
    write_sizes(mem, &ctx.args, a.u32(0), a.u32(1))
}

/// `environ_get(environ, environ_buf)`.
pub fn environ_get(ctx: &mut WasiCtx, mem: &mut GuestMem<'_>, a: &Args<'_>) -> WasiResult {
    write_strings(mem, &ctx.env, a.u32(0), a.u32(1))
}

/// `environ_sizes_get(count, buf_size)`.
pub fn environ_sizes_get(ctx: &mut WasiCtx, mem: &mut GuestMem<'_>, a: &Args<'_>) -> WasiResult {
    write_sizes(mem, &ctx.env, a.u32(0), a.u32(1))
}
