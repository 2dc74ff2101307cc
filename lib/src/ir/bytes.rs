//! [`Bytes`]: a byte string that is either a slice of the parsed input or owned.
//!
//! Function bodies, data segments and custom sections point into the input buffer instead of
//! copying it, which keeps peak memory for a read-modify-write cycle near twice the file size.

use std::ops::{Deref, Range};
use std::sync::Arc;

/// Bytes shared with the module's input buffer, or owned.
#[derive(Clone)]
pub struct Bytes(Repr);

#[derive(Clone)]
enum Repr {
    Shared {
        source: Arc<Vec<u8>>,
        start: usize,
        end: usize,
    },
    Owned(Vec<u8>),
}

impl Bytes {
    /// A slice of a shared buffer.
    ///
    /// # Panics
    ///
    /// If `range` is out of bounds (a bug in the caller).
    pub(crate) fn shared(source: &Arc<Vec<u8>>, range: Range<usize>) -> Bytes {
        assert!(
            range.start <= range.end && range.end <= source.len(),
            "bug: byte range out of bounds"
        );
        Bytes(Repr::Shared {
            source: Arc::clone(source),
            start: range.start,
            end: range.end,
        })
    }

    /// Where these bytes sit in the input, if they are a slice of it.
    pub fn source_range(&self) -> Option<Range<usize>> {
        match &self.0 {
            Repr::Shared { start, end, .. } => Some(*start..*end),
            Repr::Owned(_) => None,
        }
    }
}

impl From<Vec<u8>> for Bytes {
    fn from(v: Vec<u8>) -> Bytes {
        Bytes(Repr::Owned(v))
    }
}

impl Deref for Bytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match &self.0 {
            Repr::Shared { source, start, end } => &source[*start..*end],
            Repr::Owned(v) => v,
        }
    }
}

impl std::fmt::Debug for Bytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Bytes({} bytes)", self.len())
    }
}

impl PartialEq for Bytes {
    fn eq(&self, other: &Bytes) -> bool {
        **self == **other
    }
}
