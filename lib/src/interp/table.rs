//! Tables of references: each entry is the one stack cell of a [`Ref`](super::Ref) (`0` is null),
//! indexed by `i32` or, for a `table64`, by `i64`.

use super::trap::TrapKind;
use super::value::RefType;

/// A table of references of one type.
#[derive(Clone, Debug)]
pub struct Table {
    /// The entries, as [`Ref::to_bits`](super::Ref::to_bits).
    pub(crate) elems: Vec<u64>,
    /// The declared maximum.
    pub(crate) max: Option<u64>,
    /// The element type.
    pub(crate) ty: RefType,
    /// Whether it is indexed by `i64`.
    pub(crate) table64: bool,
}

impl Table {
    /// A `funcref` table of `min` null entries with an optional maximum.
    pub fn new(min: u32, max: Option<u32>) -> Table {
        Table::with_type(
            RefType::FUNCREF,
            false,
            u64::from(min),
            max.map(u64::from),
            0,
        )
    }

    /// A table of `min` entries holding `init` (a reference's bits), of element type `ty`.
    pub fn with_type(ty: RefType, table64: bool, min: u64, max: Option<u64>, init: u64) -> Table {
        Table {
            elems: vec![init; min as usize],
            max,
            ty,
            table64,
        }
    }

    /// The current size.
    pub fn size(&self) -> u64 {
        self.elems.len() as u64
    }

    /// The element type.
    pub fn ty(&self) -> RefType {
        self.ty
    }

    /// Whether it is indexed by `i64`.
    pub fn is_table64(&self) -> bool {
        self.table64
    }

    /// The declared maximum.
    pub fn max(&self) -> Option<u64> {
        self.max
    }

    /// The entry at `index`.
    pub fn get(&self, index: u64) -> Result<u64, TrapKind> {
        usize::try_from(index)
            .ok()
            .and_then(|i| self.elems.get(i).copied())
            .ok_or(TrapKind::TableOutOfBounds)
    }

    /// Sets the entry at `index`.
    pub fn set(&mut self, index: u64, value: u64) -> Result<(), TrapKind> {
        let slot = usize::try_from(index)
            .ok()
            .and_then(|i| self.elems.get_mut(i))
            .ok_or(TrapKind::TableOutOfBounds)?;
        *slot = value;
        Ok(())
    }

    /// Grows by `delta` entries holding `init`, up to the declared maximum and `limit`; the old
    /// size, or `None` when it cannot grow that much.
    pub fn grow(&mut self, delta: u64, init: u64, limit: u64) -> Option<u64> {
        let old = self.size();
        let new = old.checked_add(delta)?;
        if new > self.max.unwrap_or(u64::MAX).min(limit) {
            return None;
        }
        let new = usize::try_from(new).ok()?;
        self.elems.try_reserve(new - self.elems.len()).ok()?;
        self.elems.resize(new, init);
        Some(old)
    }

    /// `table.fill`: `len` entries from `dst` set to `value`.
    pub fn fill(&mut self, dst: u64, value: u64, len: u64) -> Result<(), TrapKind> {
        let range = table_range(dst, len, self.elems.len())?;
        self.elems[range].fill(value);
        Ok(())
    }

    /// `table.copy` within one table, overlapping ranges allowed.
    pub fn copy_within(&mut self, dst: u64, src: u64, len: u64) -> Result<(), TrapKind> {
        let dst = table_range(dst, len, self.elems.len())?;
        let src = table_range(src, len, self.elems.len())?;
        self.elems.copy_within(src, dst.start);
        Ok(())
    }

    /// `table.copy` from another table.
    pub fn copy_from(
        &mut self,
        dst: u64,
        from: &Table,
        src: u64,
        len: u64,
    ) -> Result<(), TrapKind> {
        let dst = table_range(dst, len, self.elems.len())?;
        let src = table_range(src, len, from.elems.len())?;
        self.elems[dst].copy_from_slice(&from.elems[src]);
        Ok(())
    }

    /// `table.init` (and active element segments): `len` entries of `segment` from `src`, to `dst`.
    pub fn init(&mut self, dst: u64, segment: &[u64], src: u64, len: u64) -> Result<(), TrapKind> {
        let dst = table_range(dst, len, self.elems.len())?;
        let src = table_range(src, len, segment.len())?;
        self.elems[dst].copy_from_slice(&segment[src]);
        Ok(())
    }
}

/// `start..start + len` when it lies within `size` entries.
fn table_range(start: u64, len: u64, size: usize) -> Result<std::ops::Range<usize>, TrapKind> {
    match start.checked_add(len) {
        Some(end) if end <= size as u64 => Ok(start as usize..end as usize),
        _ => Err(TrapKind::TableOutOfBounds),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grow_fails_past_the_maximum_or_limit() {
        let mut t = Table::new(1, Some(3));
        assert_eq!(t.grow(2, 7, 100), Some(1));
        assert_eq!(t.get(2), Ok(7));
        assert_eq!(t.grow(1, 0, 100), None);
        let mut t = Table::with_type(RefType::EXTERNREF, true, 0, None, 0);
        assert_eq!(t.grow(5, 0, 4), None);
        assert_eq!(t.grow(u64::MAX, 0, u64::MAX), None);
        assert_eq!(t.grow(0, 0, 0), Some(0));
    }

    #[test]
    fn bulk_ranges_are_checked_before_writing() {
        let mut t = Table::new(4, None);
        assert_eq!(t.fill(2, 9, 3), Err(TrapKind::TableOutOfBounds));
        assert_eq!(t.elems, [0; 4]);
        assert_eq!(t.fill(4, 9, 0), Ok(()));
        assert_eq!(t.fill(5, 9, 0), Err(TrapKind::TableOutOfBounds));
        t.elems = vec![1, 2, 3, 4];
        assert_eq!(t.copy_within(1, 0, 3), Ok(()));
        assert_eq!(t.elems, [1, 1, 2, 3]);
        assert_eq!(t.copy_within(0, 1, 3), Ok(()));
        assert_eq!(t.elems, [1, 2, 3, 3]);
        assert_eq!(
            t.copy_within(u64::MAX, 0, 2),
            Err(TrapKind::TableOutOfBounds)
        );
        assert_eq!(t.init(3, &[8, 9], 1, 1), Ok(()));
        assert_eq!(t.elems, [1, 2, 3, 9]);
        assert_eq!(t.init(0, &[8, 9], 1, 2), Err(TrapKind::TableOutOfBounds));
    }
}
