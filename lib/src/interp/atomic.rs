//! The threads proposal's atomic memory instructions, run with single-threaded semantics: this
//! interpreter runs one thread, so every access is trivially atomic and sequentially consistent.
//!
//! An atomic access must be naturally aligned: its effective address (address plus offset) must
//! be a multiple of its width, else it traps with "unaligned atomic" (checked before the bounds,
//! as the reference interpreter and Wasmtime do). Narrow loads and read-modify-writes
//! zero-extend; the value operands are wrapped to the access width. Whether an instruction is an
//! `i32` or an `i64` one does not matter here: an `i32` stack cell is zero-extended, so every
//! operation works on the low `width` bytes of a `u64`.
//!
//! `memory.atomic.notify` wakes nobody: no other thread can be waiting, so it returns 0 (after
//! checking its address like a 4-byte access). `memory.atomic.wait32/64` trap on an unshared
//! memory; on a shared one they return 1 ("not-equal") when memory holds another value than the
//! expected one, and otherwise 2 ("timed-out") at once for a finite timeout, as no other thread
//! could notify the waiter before it runs out. An infinite wait (negative timeout) on the
//! expected value could never end and traps instead.

use super::memory::Memory;
use super::trap::TrapKind;
use wasmparser::{MemArg, Operator};

/// What an [`Op::Atomic`](super::code::Op::Atomic) does; its width is the op's `bytes`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AtomicKind {
    /// `*.atomic.load*`: address → value.
    Load,
    /// `*.atomic.store*`: address, value → ().
    Store,
    /// `*.atomic.rmw*.add`: address, value → old value.
    Add,
    /// `*.atomic.rmw*.sub`.
    Sub,
    /// `*.atomic.rmw*.and`.
    And,
    /// `*.atomic.rmw*.or`.
    Or,
    /// `*.atomic.rmw*.xor`.
    Xor,
    /// `*.atomic.rmw*.xchg`.
    Xchg,
    /// `*.atomic.rmw*.cmpxchg`: address, expected, replacement → old value.
    Cmpxchg,
    /// `memory.atomic.notify`: address, count → woken waiters (always 0).
    Notify,
    /// `memory.atomic.wait32/64`: address, expected, timeout → 0, 1 or 2.
    Wait,
}

/// The kind, width and memory argument of an atomic memory access (a threads operator other
/// than `atomic.fence`), `None` for any other operator.
pub(crate) fn atomic_op<'a>(op: &'a Operator<'_>) -> Option<(AtomicKind, u8, &'a MemArg)> {
    use AtomicKind as K;
    use Operator as O;
    Some(match op {
        O::I32AtomicLoad { memarg } | O::I64AtomicLoad32U { memarg } => (K::Load, 4, memarg),
        O::I64AtomicLoad { memarg } => (K::Load, 8, memarg),
        O::I32AtomicLoad8U { memarg } | O::I64AtomicLoad8U { memarg } => (K::Load, 1, memarg),
        O::I32AtomicLoad16U { memarg } | O::I64AtomicLoad16U { memarg } => (K::Load, 2, memarg),
        O::I32AtomicStore { memarg } | O::I64AtomicStore32 { memarg } => (K::Store, 4, memarg),
        O::I64AtomicStore { memarg } => (K::Store, 8, memarg),
        O::I32AtomicStore8 { memarg } | O::I64AtomicStore8 { memarg } => (K::Store, 1, memarg),
        O::I32AtomicStore16 { memarg } | O::I64AtomicStore16 { memarg } => (K::Store, 2, memarg),
        O::I32AtomicRmwAdd { memarg } | O::I64AtomicRmw32AddU { memarg } => (K::Add, 4, memarg),
        O::I64AtomicRmwAdd { memarg } => (K::Add, 8, memarg),
        O::I32AtomicRmw8AddU { memarg } | O::I64AtomicRmw8AddU { memarg } => (K::Add, 1, memarg),
        O::I32AtomicRmw16AddU { memarg } | O::I64AtomicRmw16AddU { memarg } => (K::Add, 2, memarg),
        O::I32AtomicRmwSub { memarg } | O::I64AtomicRmw32SubU { memarg } => (K::Sub, 4, memarg),
        O::I64AtomicRmwSub { memarg } => (K::Sub, 8, memarg),
        O::I32AtomicRmw8SubU { memarg } | O::I64AtomicRmw8SubU { memarg } => (K::Sub, 1, memarg),
        O::I32AtomicRmw16SubU { memarg } | O::I64AtomicRmw16SubU { memarg } => (K::Sub, 2, memarg),
        O::I32AtomicRmwAnd { memarg } | O::I64AtomicRmw32AndU { memarg } => (K::And, 4, memarg),
        O::I64AtomicRmwAnd { memarg } => (K::And, 8, memarg),
        O::I32AtomicRmw8AndU { memarg } | O::I64AtomicRmw8AndU { memarg } => (K::And, 1, memarg),
        O::I32AtomicRmw16AndU { memarg } | O::I64AtomicRmw16AndU { memarg } => (K::And, 2, memarg),
        O::I32AtomicRmwOr { memarg } | O::I64AtomicRmw32OrU { memarg } => (K::Or, 4, memarg),
        O::I64AtomicRmwOr { memarg } => (K::Or, 8, memarg),
        O::I32AtomicRmw8OrU { memarg } | O::I64AtomicRmw8OrU { memarg } => (K::Or, 1, memarg),
        O::I32AtomicRmw16OrU { memarg } | O::I64AtomicRmw16OrU { memarg } => (K::Or, 2, memarg),
        O::I32AtomicRmwXor { memarg } | O::I64AtomicRmw32XorU { memarg } => (K::Xor, 4, memarg),
        O::I64AtomicRmwXor { memarg } => (K::Xor, 8, memarg),
        O::I32AtomicRmw8XorU { memarg } | O::I64AtomicRmw8XorU { memarg } => (K::Xor, 1, memarg),
        O::I32AtomicRmw16XorU { memarg } | O::I64AtomicRmw16XorU { memarg } => (K::Xor, 2, memarg),
        O::I32AtomicRmwXchg { memarg } | O::I64AtomicRmw32XchgU { memarg } => (K::Xchg, 4, memarg),
        O::I64AtomicRmwXchg { memarg } => (K::Xchg, 8, memarg),
        O::I32AtomicRmw8XchgU { memarg } | O::I64AtomicRmw8XchgU { memarg } => (K::Xchg, 1, memarg),
        O::I32AtomicRmw16XchgU { memarg } | O::I64AtomicRmw16XchgU { memarg } => {
            (K::Xchg, 2, memarg)
        }
        O::I32AtomicRmwCmpxchg { memarg } | O::I64AtomicRmw32CmpxchgU { memarg } => {
            (K::Cmpxchg, 4, memarg)
        }
        O::I64AtomicRmwCmpxchg { memarg } => (K::Cmpxchg, 8, memarg),
        O::I32AtomicRmw8CmpxchgU { memarg } | O::I64AtomicRmw8CmpxchgU { memarg } => {
            (K::Cmpxchg, 1, memarg)
        }
        O::I32AtomicRmw16CmpxchgU { memarg } | O::I64AtomicRmw16CmpxchgU { memarg } => {
            (K::Cmpxchg, 2, memarg)
        }
        O::MemoryAtomicNotify { memarg } => (K::Notify, 4, memarg),
        O::MemoryAtomicWait32 { memarg } => (K::Wait, 4, memarg),
        O::MemoryAtomicWait64 { memarg } => (K::Wait, 8, memarg),
        _ => return None,
    })
}

/// The low `bytes` bytes of `v`.
#[inline]
fn wrap(v: u64, bytes: u8) -> u64 {
    if bytes >= 8 {
        v
    } else {
        v & ((1u64 << (8 * u32::from(bytes))) - 1)
    }
}

/// The byte range of an access of `bytes` bytes at `addr + offset`, checked for alignment first
/// and bounds second.
fn range(
    memory: &Memory,
    addr: u64,
    offset: u64,
    bytes: u8,
) -> Result<std::ops::Range<usize>, TrapKind> {
    // The low bits of the wrapped sum are those of the true one.
    if !addr.wrapping_add(offset).is_multiple_of(u64::from(bytes)) {
        return Err(TrapKind::UnalignedAtomic);
    }
    let start = addr
        .checked_add(offset)
        .and_then(|s| usize::try_from(s).ok())
        .ok_or(TrapKind::MemoryOutOfBounds)?;
    match start.checked_add(usize::from(bytes)) {
        Some(end) if end <= memory.data.len() => Ok(start..end),
        _ => Err(TrapKind::MemoryOutOfBounds),
    }
}

/// Reads `bytes.len()` (at most 8) little-endian bytes, zero-extended.
fn read(bytes: &[u8]) -> u64 {
    let mut buf = [0u8; 8];
    buf[..bytes.len()].copy_from_slice(bytes);
    u64::from_le_bytes(buf)
}

/// Writes the low `bytes.len()` bytes of `v`, little-endian.
fn write(bytes: &mut [u8], v: u64) {
    let n = bytes.len();
    bytes.copy_from_slice(&v.to_le_bytes()[..n]);
}

/// Runs an [`Op::Atomic`](super::code::Op::Atomic) on `memory` with the operands on top of `stack` (height `sp`);
/// returns the new height.
pub(crate) fn exec(
    kind: AtomicKind,
    bytes: u8,
    memory: &mut Memory,
    offset: u64,
    stack: &mut [u64],
    sp: usize,
) -> Result<usize, TrapKind> {
    use AtomicKind as K;
    match kind {
        K::Load => {
            let r = range(memory, stack[sp - 1], offset, bytes)?;
            stack[sp - 1] = read(&memory.data[r]);
            Ok(sp)
        }
        K::Store => {
            let r = range(memory, stack[sp - 2], offset, bytes)?;
            write(&mut memory.data[r], stack[sp - 1]);
            Ok(sp - 2)
        }
        K::Add | K::Sub | K::And | K::Or | K::Xor | K::Xchg => {
            let r = range(memory, stack[sp - 2], offset, bytes)?;
            let value = stack[sp - 1];
            let slot = &mut memory.data[r];
            let old = read(slot);
            let new = match kind {
                K::Add => old.wrapping_add(value),
                K::Sub => old.wrapping_sub(value),
                K::And => old & value,
                K::Or => old | value,
                K::Xor => old ^ value,
                _ => value,
            };
            write(slot, new);
            stack[sp - 2] = old;
            Ok(sp - 1)
        }
        K::Cmpxchg => {
            let r = range(memory, stack[sp - 3], offset, bytes)?;
            let (expected, replacement) = (stack[sp - 2], stack[sp - 1]);
            let slot = &mut memory.data[r];
            let old = read(slot);
            if old == wrap(expected, bytes) {
                write(slot, replacement);
            }
            stack[sp - 3] = old;
            Ok(sp - 2)
        }
        K::Notify => {
            range(memory, stack[sp - 2], offset, bytes)?;
            stack[sp - 2] = 0;
            Ok(sp - 1)
        }
        K::Wait => {
            let r = range(memory, stack[sp - 3], offset, bytes)?;
            if !memory.shared {
                return Err(TrapKind::ExpectedSharedMemory);
            }
            let (expected, timeout) = (stack[sp - 2], stack[sp - 1] as i64);
            stack[sp - 3] = if read(&memory.data[r]) != wrap(expected, bytes) {
                1
            } else if timeout >= 0 {
                2
            } else {
                return Err(TrapKind::WaitForever);
            };
            Ok(sp - 2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shared_memory() -> Memory {
        let mut m = Memory::new(1, Some(1), 65536).unwrap();
        m.shared = true;
        m
    }

    #[test]
    fn narrow_rmw_wraps_and_zero_extends() {
        let mut m = shared_memory();
        m.data[..8].copy_from_slice(&0x11_22_33_44_55_66_77_ffu64.to_le_bytes());
        // rmw8.add_u of 0x102 at 0: 0xff + 0x02 wraps to 0x01, the old byte comes back.
        let mut stack = [0, 0x102];
        assert_eq!(exec(AtomicKind::Add, 1, &mut m, 0, &mut stack, 2), Ok(1));
        assert_eq!(stack[0], 0xff);
        assert_eq!(m.data[0], 0x01);
        assert_eq!(m.data[1], 0x77);
        // rmw16.sub_u at 2: 0x5566 - 0x5567 wraps to 0xffff.
        let mut stack = [2, 0x5567];
        exec(AtomicKind::Sub, 2, &mut m, 0, &mut stack, 2).unwrap();
        assert_eq!(stack[0], 0x5566);
        assert_eq!(&m.data[2..4], [0xff, 0xff]);
    }

    #[test]
    fn cmpxchg_compares_the_wrapped_expected_value() {
        let mut m = shared_memory();
        m.data[0] = 0x11;
        let mut stack = [0, 0xff11, 0x4242];
        assert_eq!(
            exec(AtomicKind::Cmpxchg, 1, &mut m, 0, &mut stack, 3),
            Ok(1)
        );
        assert_eq!((stack[0], m.data[0], m.data[1]), (0x11, 0x42, 0));
        let mut stack = [0, 0x11, 0x99];
        exec(AtomicKind::Cmpxchg, 1, &mut m, 0, &mut stack, 3).unwrap();
        assert_eq!((stack[0], m.data[0]), (0x42, 0x42));
    }

    #[test]
    fn alignment_is_checked_before_bounds() {
        let mut m = shared_memory();
        let mut stack = [u64::MAX - 62];
        let err = exec(AtomicKind::Load, 4, &mut m, 0, &mut stack, 1);
        assert_eq!(err, Err(TrapKind::UnalignedAtomic));
        let mut stack = [65536];
        let err = exec(AtomicKind::Load, 4, &mut m, 0, &mut stack, 1);
        assert_eq!(err, Err(TrapKind::MemoryOutOfBounds));
        // An offset that overflows the address space is out of bounds, not a panic.
        let mut stack = [8];
        let err = exec(AtomicKind::Load, 8, &mut m, u64::MAX - 7, &mut stack, 1);
        assert_eq!(err, Err(TrapKind::MemoryOutOfBounds));
    }

    #[test]
    fn wait_and_notify_on_one_thread() {
        let mut m = shared_memory();
        m.data[..4].copy_from_slice(&7u32.to_le_bytes());
        let mut stack = [0, 8, 0];
        exec(AtomicKind::Wait, 4, &mut m, 0, &mut stack, 3).unwrap();
        assert_eq!(stack[0], 1, "not-equal");
        let mut stack = [0, 7, 1000];
        exec(AtomicKind::Wait, 4, &mut m, 0, &mut stack, 3).unwrap();
        assert_eq!(stack[0], 2, "timed-out");
        let mut stack = [0, 7, u64::MAX];
        let err = exec(AtomicKind::Wait, 4, &mut m, 0, &mut stack, 3);
        assert_eq!(err, Err(TrapKind::WaitForever));
        let mut stack = [4, 1];
        exec(AtomicKind::Notify, 4, &mut m, 0, &mut stack, 2).unwrap();
        assert_eq!(stack[0], 0);
        m.shared = false;
        let mut stack = [0, 7, 0];
        let err = exec(AtomicKind::Wait, 4, &mut m, 0, &mut stack, 3);
        assert_eq!(err, Err(TrapKind::ExpectedSharedMemory));
    }
}
