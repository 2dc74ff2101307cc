//! Tables of function references.

/// The entry of a null reference.
pub(crate) const NULL: u32 = u32::MAX;

/// A `funcref` table: store addresses of functions, `NULL` for empty entries.
#[derive(Clone, Debug)]
pub struct Table {
    pub(crate) elems: Vec<u32>,
    pub(crate) max: Option<u32>,
}

impl Table {
    /// A table of `min` null entries with an optional maximum.
    pub fn new(min: u32, max: Option<u32>) -> Table {
        Table {
            elems: vec![NULL; min as usize],
            max,
        }
    }

    /// The current size.
    pub fn size(&self) -> u32 {
        self.elems.len() as u32
    }
}
