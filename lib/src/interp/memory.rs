//! Linear memory: a byte vector grown in 64 KiB pages up to a maximum, with bounds-checked
//! access.

use super::trap::TrapKind;

/// The size of a WebAssembly page.
pub const PAGE_SIZE: usize = 65536;

/// A linear memory.
#[derive(Clone, Debug)]
pub struct Memory {
    pub(crate) data: Vec<u8>,
    /// The most pages it may grow to: the declared maximum capped by the store's limit.
    pub(crate) max_pages: u32,
    /// The declared maximum, for import matching.
    pub(crate) declared_max: Option<u32>,
}

impl Memory {
    /// A memory of `min` pages that may grow to `max` (capped at `limit`); `None` when `min`
    /// exceeds the limit.
    pub fn new(min: u32, max: Option<u32>, limit: u32) -> Option<Memory> {
        if min > limit {
            return None;
        }
        Some(Memory {
            data: vec![0; min as usize * PAGE_SIZE],
            max_pages: max.unwrap_or(65536).min(limit),
            declared_max: max,
        })
    }

    /// The current size in pages.
    pub fn pages(&self) -> u32 {
        (self.data.len() / PAGE_SIZE) as u32
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
    pub fn grow(&mut self, delta: u32) -> Option<u32> {
        let old = self.pages();
        let new = old.checked_add(delta)?;
        if new > self.max_pages {
            return None;
        }
        self.data.resize(new as usize * PAGE_SIZE, 0);
        Some(old)
    }

    /// Copies `bytes` to `offset`, or fails without writing when they do not fit.
    pub fn write(&mut self, offset: u64, bytes: &[u8]) -> Result<(), TrapKind> {
        let range = checked_range(offset, bytes.len() as u64, self.data.len())?;
        self.data[range].copy_from_slice(bytes);
        Ok(())
    }

    /// `memory.fill`.
    pub(crate) fn fill(&mut self, dst: u32, value: u8, len: u32) -> Result<(), TrapKind> {
        let range = checked_range(u64::from(dst), u64::from(len), self.data.len())?;
        self.data[range].fill(value);
        Ok(())
    }

    /// `memory.copy`, overlapping ranges allowed.
    pub(crate) fn copy(&mut self, dst: u32, src: u32, len: u32) -> Result<(), TrapKind> {
        let dst = checked_range(u64::from(dst), u64::from(len), self.data.len())?;
        let src = checked_range(u64::from(src), u64::from(len), self.data.len())?;
        self.data.copy_within(src, dst.start);
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

/// Reads `N` bytes at `addr + offset`.
#[inline(always)]
pub(crate) fn load<const N: usize>(
    data: &[u8],
    addr: u32,
    offset: u32,
) -> Result<[u8; N], TrapKind> {
    let start = u64::from(addr) + u64::from(offset);
    let start = usize::try_from(start).map_err(|_| TrapKind::MemoryOutOfBounds)?;
    match data.get(start..).and_then(|rest| rest.first_chunk::<N>()) {
        Some(bytes) => Ok(*bytes),
        None => Err(TrapKind::MemoryOutOfBounds),
    }
}

/// Writes `N` bytes at `addr + offset`.
#[inline(always)]
pub(crate) fn store<const N: usize>(
    data: &mut [u8],
    addr: u32,
    offset: u32,
    bytes: [u8; N],
) -> Result<(), TrapKind> {
    let start = u64::from(addr) + u64::from(offset);
    let start = usize::try_from(start).map_err(|_| TrapKind::MemoryOutOfBounds)?;
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
}
