//! Exceptions: tags and exception objects in the store, and the handler search that runs when
//! something is thrown.
//!
//! A tag is a store object (its address is its identity across instances). An exception is a
//! tag and a payload of stack cells, kept in the store and referred to by `exnref` values
//! ([`Ref::exn`]). Handlers are code ranges recorded per function at translation
//! ([`FuncCode::handlers`], innermost first): normal execution never looks at them, a throw
//! searches them frame by frame.

use super::code::{CATCH_ALL, Catch, FuncCode};
use super::value::Ref;

/// A tag: the store signature id of its parameters and how many cells they take.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Tag {
    pub(crate) sig: u32,
    pub(crate) cells: u32,
}

/// An exception object: its tag and where its payload is in [`Exceptions::cells`].
#[derive(Clone, Copy, Debug)]
struct Exn {
    tag: u32,
    start: usize,
    len: usize,
}

/// Every exception thrown in a store. Exceptions are never freed (there is no collector):
/// their payloads share one buffer, so throwing does not allocate once the buffer has grown.
#[derive(Debug, Default)]
pub(crate) struct Exceptions {
    exns: Vec<Exn>,
    cells: Vec<u64>,
}

impl Exceptions {
    /// A new exception of store tag `tag` with `payload`.
    pub(crate) fn alloc(&mut self, tag: u32, payload: &[u64]) -> Ref {
        let start = self.cells.len();
        self.cells.extend_from_slice(payload);
        self.exns.push(Exn {
            tag,
            start,
            len: payload.len(),
        });
        Ref::exn((self.exns.len() - 1) as u32)
    }

    /// The tag of an exception reference (`CATCH_ALL` for a reference that is none).
    pub(crate) fn tag(&self, exn: Ref) -> u32 {
        self.exns
            .get(exn.payload() as usize)
            .map_or(CATCH_ALL, |e| e.tag)
    }

    /// The payload cells of an exception reference.
    pub(crate) fn payload(&self, exn: Ref) -> &[u64] {
        self.exns
            .get(exn.payload() as usize)
            .map_or(&[], |e| &self.cells[e.start..e.start + e.len])
    }
}

/// The catch clause that takes an exception of store tag `tag` thrown at op `at` of `code`,
/// following legacy `delegate`s; `None` when it leaves the function.
pub(crate) fn find(code: &FuncCode, at: u32, tag: u32) -> Option<Catch> {
    let mut limit = u32::MAX;
    for h in &code.handlers {
        if h.depth > limit || at < h.start || at >= h.end {
            continue;
        }
        if h.delegate != u32::MAX {
            limit = h.delegate;
            continue;
        }
        let catches = code
            .catches
            .get(h.first as usize..(h.first + h.len) as usize)
            .unwrap_or(&[]);
        if let Some(c) = catches.iter().find(|c| c.tag == CATCH_ALL || c.tag == tag) {
            return Some(*c);
        }
    }
    None
}
