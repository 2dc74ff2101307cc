//! Linear memory: a byte vector grown in pages (64 KiB, or the custom page size of the
//! custom-page-sizes proposal) up to a maximum, with bounds-checked access. A memory is indexed
//! by `i32`, or by `i64` for a `memory64`; addresses reach here as `u64` either way (an `i32`
//! stack cell is zero-extended), so the checks never overflow.

use super::code::AddTo;
use super::trap::TrapKind;

/// The size of a default WebAssembly page.
pub const PAGE_SIZE: usize = 65536;

/// A linear memory.
#[derive(Clone, Debug)]
pub struct Memory {
    pub(crate) data: Vec<u8>,
    /// The most pages it may grow to: the declared maximum capped by the store's limit and the
    /// address space.
    pub(crate) max_pages: u64,
    /// The declared maximum, for import matching.
    pub(crate) declared_max: Option<u64>,
    /// Whether it is indexed by `i64`.
    pub(crate) memory64: bool,
    /// The page size's log2: 16, or 0 for one-byte pages.
    pub(crate) page_log2: u32,
    /// Whether it is shared between threads (threads proposal): only a shared memory may be
    /// waited on, and imports must match it.
    pub(crate) shared: bool,
}

impl Memory {
    /// A memory of `min` 64 KiB pages that may grow to `max` (capped at `limit` 64 KiB pages);
    /// `None` when `min` exceeds the limit.
    pub fn new(min: u32, max: Option<u32>, limit: u32) -> Option<Memory> {
        Memory::with_type(
            false,
            16,
            u64::from(min),
            max.map(u64::from),
            u64::from(limit),
        )
    }

    /// A memory of `min` pages of `1 << page_log2` bytes that may grow to `max`, indexed by
    /// `i64` when `memory64`; `None` when `min` exceeds `limit` (counted in 64 KiB pages) or the
    /// address space.
    pub fn with_type(
        memory64: bool,
        page_log2: u32,
        min: u64,
        max: Option<u64>,
        limit: u64,
    ) -> Option<Memory> {
        let page_log2 = page_log2.min(16);
        let limit_bytes = limit.saturating_mul(PAGE_SIZE as u64);
        let address_bits = if memory64 { 64 } else { 32 };
        let space = 1u64
            .checked_shl(address_bits - page_log2)
            .unwrap_or(u64::MAX);
        let cap = (limit_bytes >> page_log2)
            .min(space)
            .min((isize::MAX as u64) >> page_log2);
        if min > cap {
            return None;
        }
        Some(Memory {
            data: vec![0; usize::try_from(min << page_log2).ok()?],
            max_pages: max.unwrap_or(u64::MAX).min(cap),
            declared_max: max,
            memory64,
            page_log2,
            shared: false,
        })
    }

    /// The current size in pages.
    pub fn pages(&self) -> u64 {
        (self.data.len() >> self.page_log2) as u64
    }

    /// The page size in bytes.
    pub fn page_size(&self) -> u64 {
        1 << self.page_log2
    }

    /// Whether it is indexed by `i64`.
    pub fn is_memory64(&self) -> bool {
        self.memory64
    }

    /// Whether it is shared between threads.
    pub fn is_shared(&self) -> bool {
        self.shared
    }

    /// The declared maximum in pages.
    pub fn declared_max(&self) -> Option<u64> {
        self.declared_max
    }

    /// The contents.
    pub fn data(&self) -> &[u8] {
        &self.data
    }

    /// The contents, writable.
    pub fn data_mut(&mut self) -> &mut [u8] {
        &mut self.data
    }

    /// Grows by `delta` pages; the old size, or `None` when that would pass the maximum.
    pub fn grow(&mut self, delta: u64) -> Option<u64> {
        let old = self.pages();
        let new = old.checked_add(delta)?;
        if new > self.max_pages {
            return None;
        }
        let bytes = usize::try_from(new << self.page_log2).ok()?;
        self.data.try_reserve(bytes - self.data.len()).ok()?;
        self.data.resize(bytes, 0);
        Some(old)
    }

    /// `memory.grow`'s result: the old size, or -1 of the index type on failure.
    pub(crate) fn grow_or_minus_one(&mut self, delta: u64) -> u64 {
        match self.grow(delta) {
            Some(old) => old,
            None if self.memory64 => u64::MAX,
            None => u64::from(u32::MAX),
        }
    }

    /// Copies `bytes` to `offset`, or fails without writing when they do not fit.
    pub fn write(&mut self, offset: u64, bytes: &[u8]) -> Result<(), TrapKind> {
        let range = checked_range(offset, bytes.len() as u64, self.data.len())?;
        self.data[range].copy_from_slice(bytes);
        Ok(())
    }

    /// `memory.fill`.
    pub(crate) fn fill(&mut self, dst: u64, value: u8, len: u64) -> Result<(), TrapKind> {
        let range = checked_range(dst, len, self.data.len())?;
        self.data[range].fill(value);
        Ok(())
    }

    /// `memory.copy` within one memory, overlapping ranges allowed.
    pub(crate) fn copy(&mut self, dst: u64, src: u64, len: u64) -> Result<(), TrapKind> {
        let dst = checked_range(dst, len, self.data.len())?;
        let src = checked_range(src, len, self.data.len())?;
        self.data.copy_within(src, dst.start);
        Ok(())
    }

    /// `memory.copy` from another memory.
    pub(crate) fn copy_from(
        &mut self,
        dst: u64,
        from: &Memory,
        src: u64,
        len: u64,
    ) -> Result<(), TrapKind> {
        let dst = checked_range(dst, len, self.data.len())?;
        let src = checked_range(src, len, from.data.len())?;
        self.data[dst].copy_from_slice(&from.data[src]);
        Ok(())
    }

    /// `memory.init`: `len` bytes of `segment` from `src`, to `dst`.
    pub(crate) fn init(
        &mut self,
        dst: u64,
        segment: &[u8],
        src: u64,
        len: u64,
    ) -> Result<(), TrapKind> {
        let dst = checked_range(dst, len, self.data.len())?;
        let src = checked_range(src, len, segment.len())?;
        self.data[dst].copy_from_slice(&segment[src]);
        Ok(())
    }
}

/// `offset..offset + len` when it lies within `size` bytes.
fn checked_range(offset: u64, len: u64, size: usize) -> Result<std::ops::Range<usize>, TrapKind> {
    match offset.checked_add(len) {
        Some(end) if end <= size as u64 => Ok(offset as usize..end as usize),
        _ => Err(TrapKind::MemoryOutOfBounds),
    }
}

/// The index of a `base + index` address, as its access of `size` bytes takes it: scaled by
/// `size` (an `i32.shl` by log2 `size` fused into the access: `a[i]` of an array of
/// `size`-byte elements) or not. Wraps as the `i32.shl` does. `size` is a constant at every
/// call, so the shift is one.
#[inline(always)]
pub(crate) fn index(index: u32, scaled: bool, size: usize) -> u32 {
    if scaled {
        index << size.trailing_zeros()
    } else {
        index
    }
}

/// The base of a `cell + imm` address of an access of `size` bytes: `cell` as `to` says
/// (read only when it is needed).
#[inline(always)]
pub(crate) fn add_base(cell: impl FnOnce() -> u32, to: AddTo, size: usize) -> u32 {
    match to {
        AddTo::Cell => cell(),
        AddTo::Scaled => index(cell(), true, size),
        AddTo::Nothing => 0,
    }
}

/// Reads `N` bytes at `addr + offset`.
#[inline(always)]
pub(crate) fn load<const N: usize>(
    data: &[u8],
    addr: u32,
    offset: u32,
) -> Result<[u8; N], TrapKind> {
    let range = range32::<N>(addr, offset, data.len())?;
    let mut bytes = [0; N];
    bytes.copy_from_slice(&data[range]);
    Ok(bytes)
}

/// `addr + offset..addr + offset + N` when it lies within `size` bytes: one add and one
/// compare (the sum of two `u32`s and `N` cannot overflow a `u64`), after which the compiler
/// knows the range is in bounds.
#[inline(always)]
fn range32<const N: usize>(
    addr: u32,
    offset: u32,
    size: usize,
) -> Result<std::ops::Range<usize>, TrapKind> {
    let end = u64::from(addr) + u64::from(offset) + N as u64;
    if end > size as u64 {
        return Err(TrapKind::MemoryOutOfBounds);
    }
    // `end <= size`, so both fit a `usize`.
    let end = end as usize;
    Ok(end - N..end)
}

/// Writes `N` bytes at `addr + offset`.
#[inline(always)]
pub(crate) fn store<const N: usize>(
    data: &mut [u8],
    addr: u32,
    offset: u32,
    bytes: [u8; N],
) -> Result<(), TrapKind> {
    let range = range32::<N>(addr, offset, data.len())?;
    data[range].copy_from_slice(&bytes);
    Ok(())
}

/// Reads `N` bytes at `addr + offset` with 64-bit operands (any memory, memory64 included).
#[inline]
pub(crate) fn load_at<const N: usize>(
    data: &[u8],
    addr: u64,
    offset: u64,
) -> Result<[u8; N], TrapKind> {
    let start = addr
        .checked_add(offset)
        .and_then(|s| usize::try_from(s).ok())
        .ok_or(TrapKind::MemoryOutOfBounds)?;
    match data.get(start..).and_then(|rest| rest.first_chunk::<N>()) {
        Some(bytes) => Ok(*bytes),
        None => Err(TrapKind::MemoryOutOfBounds),
    }
}

/// Writes `N` bytes at `addr + offset` with 64-bit operands.
#[inline]
pub(crate) fn store_at<const N: usize>(
    data: &mut [u8],
    addr: u64,
    offset: u64,
    bytes: [u8; N],
) -> Result<(), TrapKind> {
    let start = addr
        .checked_add(offset)
        .and_then(|s| usize::try_from(s).ok())
        .ok_or(TrapKind::MemoryOutOfBounds)?;
    match data
        .get_mut(start..)
        .and_then(|rest| rest.first_chunk_mut::<N>())
    {
        Some(slot) => {
            *slot = bytes;
            Ok(())
        }
        None => Err(TrapKind::MemoryOutOfBounds),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_and_growth() {
        let mut mem = Memory::new(1, Some(2), 65536).unwrap();
        assert_eq!(load::<4>(&mem.data, 65532, 0), Ok([0; 4]));
        assert_eq!(
            load::<4>(&mem.data, 65533, 0),
            Err(TrapKind::MemoryOutOfBounds)
        );
        assert_eq!(
            load::<1>(&mem.data, u32::MAX, u32::MAX),
            Err(TrapKind::MemoryOutOfBounds)
        );
        assert_eq!(mem.grow(1), Some(1));
        assert_eq!(mem.grow(1), None);
        assert!(store(&mut mem.data, 65536, 4, [1u8, 2]).is_ok());
        assert_eq!(load::<2>(&mem.data, 65540, 0), Ok([1, 2]));
        assert!(Memory::new(3, None, 2).is_none());
    }

    #[test]
    fn memory64_offsets_do_not_overflow() {
        let mem = Memory::with_type(true, 16, 1, None, 65536).unwrap();
        assert_eq!(load_at::<1>(&mem.data, 65535, 0), Ok([0]));
        assert_eq!(
            load_at::<1>(&mem.data, u64::MAX, 1),
            Err(TrapKind::MemoryOutOfBounds)
        );
        assert_eq!(
            load_at::<4>(&mem.data, 1, u64::MAX - 2),
            Err(TrapKind::MemoryOutOfBounds)
        );
        assert_eq!(
            load_at::<2>(&mem.data, 65535, 0),
            Err(TrapKind::MemoryOutOfBounds)
        );
    }

    #[test]
    fn custom_page_sizes_count_pages_in_bytes() {
        let mut mem = Memory::with_type(false, 0, 3, Some(5), 65536).unwrap();
        assert_eq!(mem.pages(), 3);
        assert_eq!(mem.grow_or_minus_one(2), 3);
        assert_eq!(mem.data.len(), 5);
        assert_eq!(mem.grow_or_minus_one(1), u64::from(u32::MAX));
        let mut mem64 = Memory::with_type(true, 16, 0, Some(1), 65536).unwrap();
        assert_eq!(mem64.grow_or_minus_one(2), u64::MAX);
        // A 32-bit memory of one-byte pages holds at most 4 GiB.
        assert!(Memory::with_type(false, 0, (1 << 32) + 1, None, 1 << 32).is_none());
    }

    #[test]
    fn bulk_copy_overlaps_and_checks_both_ranges_first() {
        let mut mem = Memory::new(1, None, 65536).unwrap();
        mem.data[..4].copy_from_slice(&[1, 2, 3, 4]);
        assert_eq!(mem.copy(1, 0, 4), Ok(()));
        assert_eq!(&mem.data[..5], [1, 1, 2, 3, 4]);
        assert_eq!(mem.copy(0, 1, 4), Ok(()));
        assert_eq!(&mem.data[..5], [1, 2, 3, 4, 4]);
        assert_eq!(mem.copy(0, 65535, 2), Err(TrapKind::MemoryOutOfBounds));
        assert_eq!(mem.copy(65535, 0, 2), Err(TrapKind::MemoryOutOfBounds));
        assert_eq!(&mem.data[..2], [1, 2]);
        assert_eq!(mem.copy(65536, 65536, 0), Ok(()));
        assert_eq!(mem.fill(65537, 0, 0), Err(TrapKind::MemoryOutOfBounds));
        assert_eq!(mem.init(0, &[9, 8], 2, 0), Ok(()));
        assert_eq!(mem.init(0, &[9, 8], 3, 0), Err(TrapKind::MemoryOutOfBounds));
    }
}
