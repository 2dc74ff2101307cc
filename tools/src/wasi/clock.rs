//! Clocks, randomness, `poll_oneoff` and `sched_yield`.

use super::Args;
use super::ctx::{Handle, WasiCtx};
use super::errno::{Errno, WasiResult};
use super::mem::GuestMem;
use std::io::Seek;
use std::time::{Duration, Instant, SystemTime};

/// The witx `clockid`s.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ClockId {
    Realtime,
    Monotonic,
    ProcessCputime,
    ThreadCputime,
}

impl ClockId {
    fn from_raw(id: u32) -> WasiResult<ClockId> {
        Ok(match id {
            0 => ClockId::Realtime,
            1 => ClockId::Monotonic,
            2 => ClockId::ProcessCputime,
            3 => ClockId::ThreadCputime,
            _ => return Err(Errno::Inval),
        })
    }

    #[cfg(unix)]
    fn host(self) -> rustix::time::ClockId {
        use rustix::time::ClockId as C;
        match self {
            ClockId::Realtime => C::Realtime,
            ClockId::Monotonic => C::Monotonic,
            ClockId::ProcessCputime => C::ProcessCPUTime,
            ClockId::ThreadCputime => C::ThreadCPUTime,
        }
    }
}

#[cfg(unix)]
fn nanos(ts: rustix::time::Timespec) -> u64 {
    let ns = i128::from(ts.tv_sec) * 1_000_000_000 + i128::from(ts.tv_nsec);
    u64::try_from(ns.max(0)).unwrap_or(u64::MAX)
}

/// The current value of a clock in nanoseconds.
fn now(ctx: &WasiCtx, clock: ClockId) -> u64 {
    if clock == ClockId::Realtime {
        return super::stat::system_time_ns(SystemTime::now());
    }
    #[cfg(unix)]
    {
        let _ = ctx;
        nanos(rustix::time::clock_gettime(clock.host()))
    }
    #[cfg(not(unix))]
    {
        // Without a CPU-time clock, time since the start stands in for all three.
        u64::try_from(ctx.start.elapsed().as_nanos()).unwrap_or(u64::MAX)
    }
}

/// `clock_res_get(id, resolution)`.
pub fn clock_res_get(_ctx: &mut WasiCtx, mem: &mut GuestMem<'_>, a: &Args<'_>) -> WasiResult {
    let clock = ClockId::from_raw(a.u32(0))?;
    #[cfg(unix)]
    let res = nanos(rustix::time::clock_getres(clock.host())).max(1);
    #[cfg(not(unix))]
    let res = {
        let _ = clock;
        1_000
    };
    mem.write_u64(a.u32(1), res)
}

/// `clock_time_get(id, precision, time)`.
pub fn clock_time_get(ctx: &mut WasiCtx, mem: &mut GuestMem<'_>, a: &Args<'_>) -> WasiResult {
    let clock = ClockId::from_raw(a.u32(0))?;
    mem.write_u64(a.u32(2), now(ctx, clock))
}

/// `random_get(buf, buf_len)`: bytes from the host's secure random source.
pub fn random_get(_ctx: &mut WasiCtx, mem: &mut GuestMem<'_>, a: &Args<'_>) -> WasiResult {
    let buf = mem.slice_mut(a.u32(0), a.u32(1))?;
    getrandom::fill(buf).map_err(|_| Errno::Io)
}

/// `sched_yield()`.
pub fn sched_yield(_ctx: &mut WasiCtx, _mem: &mut GuestMem<'_>, _a: &Args<'_>) -> WasiResult {
    std::thread::yield_now();
    Ok(())
}

/// The size of a `subscription` and of an `event`.
const SUBSCRIPTION_SIZE: u32 = 48;
const EVENT_SIZE: u32 = 32;

/// One event to report.
struct Event {
    userdata: u64,
    error: u16,
    kind: u8,
    nbytes: u64,
}

/// `poll_oneoff(in, out, nsubscriptions, nevents)`: clock subscriptions sleep until the
/// earliest deadline; descriptor subscriptions are reported ready at once (reads and writes on
/// this host block rather than fail), with the bytes left for a file read.
pub fn poll_oneoff(ctx: &mut WasiCtx, mem: &mut GuestMem<'_>, a: &Args<'_>) -> WasiResult {
    let (input, output, count) = (a.u32(0), a.u32(1), a.u32(2));
    if count == 0 {
        return Err(Errno::Inval);
    }
    mem.slice(
        input,
        count.checked_mul(SUBSCRIPTION_SIZE).ok_or(Errno::Fault)?,
    )?;
    mem.slice(output, count.checked_mul(EVENT_SIZE).ok_or(Errno::Fault)?)?;

    let start = Instant::now();
    let mut ready = Vec::new();
    // Clock subscriptions: userdata and the time left until each fires.
    let mut timers: Vec<(u64, Duration)> = Vec::new();
    for i in 0..count {
        let sub = input + i * SUBSCRIPTION_SIZE;
        let userdata = mem.read_u64(sub)?;
        let tag = mem.slice(sub + 8, 1)?[0];
        match tag {
            0 => {
                let timeout = mem.read_u64(sub + 24)?;
                let flags = mem.read_u16(sub + 40)?;
                let clock = match ClockId::from_raw(mem.read_u32(sub + 16)?) {
                    Ok(clock) => clock,
                    Err(error) => {
                        ready.push(Event {
                            userdata,
                            error: error as u16,
                            kind: 0,
                            nbytes: 0,
                        });
                        continue;
                    }
                };
                let wait = if flags & 1 != 0 {
                    // Absolute: a deadline on that clock.
                    Duration::from_nanos(timeout.saturating_sub(now(ctx, clock)))
                } else {
                    Duration::from_nanos(timeout)
                };
                timers.push((userdata, wait));
            }
            1 | 2 => {
                let fd = mem.read_u32(sub + 16)?;
                let (error, nbytes) = match ctx.fds.get_mut(&fd).map(|e| &mut e.handle) {
                    None => (Errno::Badf as u16, 0),
                    Some(Handle::File(file)) if tag == 1 => {
                        let len = file.metadata().map_or(0, |m| m.len());
                        let pos = file.stream_position().unwrap_or(len);
                        (0, len.saturating_sub(pos))
                    }
                    Some(_) => (0, 0),
                };
                ready.push(Event {
                    userdata,
                    error,
                    kind: tag,
                    nbytes,
                });
            }
            _ => return Err(Errno::Inval),
        }
    }
    if ready.is_empty()
        && let Some(first) = timers.iter().map(|t| t.1).min()
    {
        let _ = ctx.flush_stdout();
        let elapsed = start.elapsed();
        if first > elapsed {
            std::thread::sleep(first - elapsed);
        }
    }
    let elapsed = start.elapsed();
    for (userdata, wait) in timers {
        if wait <= elapsed {
            ready.push(Event {
                userdata,
                error: 0,
                kind: 0,
                nbytes: 0,
            });
        }
    }
    for (i, event) in ready.iter().enumerate() {
        let mut bytes = [0u8; EVENT_SIZE as usize];
        bytes[0..8].copy_from_slice(&event.userdata.to_le_bytes());
        bytes[8..10].copy_from_slice(&event.error.to_le_bytes());
        bytes[10] = event.kind;
        bytes[16..24].copy_from_slice(&event.nbytes.to_le_bytes());
        mem.write(output + i as u32 * EVENT_SIZE, &bytes)?;
    }
    mem.write_u32(a.u32(3), ready.len() as u32)
}
