//! Execution of the table, segment and general memory ops ([`Op::TableGet`](super::code::Op)
//! and the ops after it): bounds are checked in full before anything is written, and copies
//! are native `copy_within`/`copy_from_slice`.

use super::code::{LoadKind, StoreKind};
use super::memory::{self, Memory};
use super::table::Table;
use super::trap::TrapKind;

/// Two distinct elements of a slice, mutable and shared.
fn pair<T>(items: &mut [T], a: usize, b: usize) -> (&mut T, &T) {
    if a < b {
        let (lo, hi) = items.split_at_mut(b);
        (&mut lo[a], &hi[0])
    } else {
        let (lo, hi) = items.split_at_mut(a);
        (&mut hi[0], &lo[b])
    }
}

/// `table.copy` from table `src` to table `dst` (store addresses).
pub(crate) fn table_copy(
    tables: &mut [Table],
    dst: u32,
    src: u32,
    d: u64,
    s: u64,
    n: u64,
) -> Result<(), TrapKind> {
    if dst == src {
        tables[dst as usize].copy_within(d, s, n)
    } else {
        let (to, from) = pair(tables, dst as usize, src as usize);
        to.copy_from(d, from, s, n)
    }
}

/// `memory.copy` from memory `src` to memory `dst` (store addresses).
pub(crate) fn memory_copy(
    memories: &mut [Memory],
    dst: u32,
    src: u32,
    d: u64,
    s: u64,
    n: u64,
) -> Result<(), TrapKind> {
    if dst == src {
        memories[dst as usize].copy(d, s, n)
    } else {
        let (to, from) = pair(memories, dst as usize, src as usize);
        to.copy_from(d, from, s, n)
    }
}

/// A general load: the value's stack cell.
#[inline]
pub(crate) fn load(data: &[u8], kind: LoadKind, addr: u64, offset: u64) -> Result<u64, TrapKind> {
    use memory::load_at;
    Ok(match kind {
        LoadKind::I32 | LoadKind::F32 | LoadKind::I64U32 => {
            u64::from(u32::from_le_bytes(load_at::<4>(data, addr, offset)?))
        }
        LoadKind::I64 | LoadKind::F64 => u64::from_le_bytes(load_at::<8>(data, addr, offset)?),
        LoadKind::I32S8 => u64::from(i32::from(load_at::<1>(data, addr, offset)?[0] as i8) as u32),
        LoadKind::I32U8 | LoadKind::I64U8 => u64::from(load_at::<1>(data, addr, offset)?[0]),
        LoadKind::I32S16 => {
            u64::from(i32::from(i16::from_le_bytes(load_at::<2>(data, addr, offset)?)) as u32)
        }
        LoadKind::I32U16 | LoadKind::I64U16 => {
            u64::from(u16::from_le_bytes(load_at::<2>(data, addr, offset)?))
        }
        LoadKind::I64S8 => i64::from(load_at::<1>(data, addr, offset)?[0] as i8) as u64,
        LoadKind::I64S16 => i64::from(i16::from_le_bytes(load_at::<2>(data, addr, offset)?)) as u64,
        LoadKind::I64S32 => i64::from(i32::from_le_bytes(load_at::<4>(data, addr, offset)?)) as u64,
    })
}

/// A general store of the low bytes of a stack cell.
#[inline]
pub(crate) fn store(
    data: &mut [u8],
    kind: StoreKind,
    addr: u64,
    offset: u64,
    value: u64,
) -> Result<(), TrapKind> {
    use memory::store_at;
    match kind {
        StoreKind::B1 => store_at(data, addr, offset, [value as u8]),
        StoreKind::B2 => store_at(data, addr, offset, (value as u16).to_le_bytes()),
        StoreKind::B4 => store_at(data, addr, offset, (value as u32).to_le_bytes()),
        StoreKind::B8 => store_at(data, addr, offset, value.to_le_bytes()),
    }
}
