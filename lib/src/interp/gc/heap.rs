//! The GC heap: structs and arrays as runs of 64-bit cells in one growable arena.
//!
//! An object at address `a` (its [`Ref::object`] payload) is a header cell, `type id | length
//! << 32` (the length counts an array's elements, a struct's cells), followed by its fields or
//! elements, one cell each (two for a `v128`; packed `i8`/`i16` values are kept in the low bits
//! of a cell). There is no collector yet: objects live until the store is dropped, and
//! allocation past the limit traps with [`TrapKind::HeapExhausted`].

use super::super::trap::TrapKind;
use super::super::value::Ref;

/// Every GC object of a store.
#[derive(Debug)]
pub(crate) struct Heap {
    pub(crate) cells: Vec<u64>,
    /// One bit per cell, set where an object starts: references from outside wasm (the
    /// embedder, host functions) are checked against it.
    starts: Vec<u64>,
    /// The most cells the arena may hold (at most `u32::MAX`, so addresses fit a reference).
    limit: usize,
}

impl Heap {
    /// An empty heap of at most `max_bytes` bytes.
    pub(crate) fn new(max_bytes: u64) -> Heap {
        let limit = (max_bytes / 8).min(u64::from(u32::MAX)) as usize;
        Heap {
            cells: Vec::new(),
            starts: Vec::new(),
            limit,
        }
    }

    /// Allocates an object of type `ty` with length `len` and `cells` zeroed cells; its address.
    pub(crate) fn alloc(&mut self, ty: u32, len: u32, cells: u64) -> Result<usize, TrapKind> {
        let addr = self.cells.len();
        let end = cells
            .checked_add(1 + addr as u64)
            .filter(|end| *end <= self.limit as u64)
            .ok_or(TrapKind::HeapExhausted)? as usize;
        self.cells
            .try_reserve(end - addr)
            .map_err(|_| TrapKind::HeapExhausted)?;
        self.cells.push(u64::from(ty) | (u64::from(len) << 32));
        self.cells.resize(end, 0);
        self.starts.resize(end.div_ceil(64), 0);
        self.starts[addr / 64] |= 1 << (addr % 64);
        Ok(addr)
    }

    /// Whether an object reference's address is where an object starts.
    pub(crate) fn is_object(&self, r: Ref) -> bool {
        let addr = r.payload() as usize;
        self.starts
            .get(addr / 64)
            .is_some_and(|bits| bits & (1 << (addr % 64)) != 0)
    }

    /// The type id and length of the object `r` refers to.
    #[inline]
    pub(crate) fn header(&self, r: Ref) -> (u32, u32) {
        let h = self.cells[r.payload() as usize];
        (h as u32, (h >> 32) as u32)
    }

    /// The type id of an object reference (`u32::MAX`, no type, for an address outside the
    /// heap).
    pub(crate) fn type_of(&self, r: Ref) -> u32 {
        self.cells
            .get(r.payload() as usize)
            .map_or(u32::MAX, |h| *h as u32)
    }

    /// The cell index of an object's first field.
    #[inline]
    pub(crate) fn fields(r: Ref) -> usize {
        r.payload() as usize + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allocation_respects_the_limit() {
        let mut heap = Heap::new(64);
        let a = heap.alloc(3, 2, 2).unwrap();
        assert_eq!(heap.header(Ref::object(a as u32)), (3, 2));
        assert_eq!(heap.alloc(0, 5, 5), Err(TrapKind::HeapExhausted));
        assert_eq!(heap.alloc(0, 0, u64::MAX), Err(TrapKind::HeapExhausted));
        assert_eq!(heap.cells.len(), 3);
        assert!(heap.is_object(Ref::object(0)));
        assert!(!heap.is_object(Ref::object(1)));
        assert!(!heap.is_object(Ref::object(1000)));
    }
}
