//! `size`: where the bytes of a module go, like twiggy, and more.
//!
//! [`Profile::new`] reads a binary module once and attributes every byte of the file to exactly
//! one [`Item`] (functions, data and element segments, globals, tables, types, import and export
//! entries, custom sections) or to an overhead item (the preamble, and each section's id, size
//! and count), so that the items' shallow sizes add up to the file size exactly. It also records
//! the references between items (calls, `ref.func`, global, table, memory, tag and segment uses,
//! types, element segments, exports, the start function, active segments), scanning function
//! bodies in parallel.
//!
//! On top of the profile, each view is a function returning plain serde data: [`sections`],
//! [`top`], [`dominators`] (with retained sizes from the [`Dominators`] tree), [`paths`],
//! [`garbage`], [`monos`] and [`diff`]. Every report has a `schema` field ([`SCHEMA_VERSION`])
//! and lists only data rows: totals and omitted counts are separate fields. [`report`] renders
//! a self-contained HTML page (treemap, top items, dominator tree, diff) from [`report::ReportData`].
//!
//! Components are not profiled: [`Profile::new`] fails with [`crate::ErrorKind::Component`].
//!
//! ```
//! use wasm_tool_lib::size::{Profile, TopOptions, garbage, top};
//!
//! let wasm = wat::parse_str(r#"(module
//!     (func $used (export "run") call $helper)
//!     (func $helper)
//!     (func $unused))"#)?;
//! let profile = Profile::new(&wasm)?;
//! let total: u64 = profile.items.iter().map(|i| i.size).sum();
//! assert_eq!(total, wasm.len() as u64);
//!
//! // `run` keeps `helper` alive; nothing keeps `unused`.
//! let report = top(&profile, &TopOptions { limit: None, retained: true, filter: None });
//! let run = report.rows.iter().find(|r| r.name == "used").unwrap();
//! let helper = report.rows.iter().find(|r| r.name == "helper").unwrap();
//! assert!(run.retained >= run.size + helper.size);
//! let dead = garbage(&profile, None);
//! assert_eq!(dead.rows[0].name, "unused");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod build;
mod diff;
mod dominators;
mod garbage;
mod graph;
mod items;
mod monos;
mod names;
mod paths;
mod refs;
pub mod report;
mod rows;
mod sections;
#[cfg(test)]
mod tests;
mod top;
mod tree;

pub use diff::{DiffReport, DiffRow, GrowthLimit, diff};
pub use dominators::Dominators;
pub use garbage::{GarbageReport, garbage};
pub use graph::Graph;
pub use items::{Item, ItemKind, Section};
pub use monos::{MonoMember, MonoRow, MonosOptions, MonosReport, generic_name, monos};
pub use names::demangle;
pub use paths::{PathRow, PathsOptions, PathsReport, Pattern, paths};
pub use rows::ItemRow;
pub use sections::{SectionRow, SectionsReport, sections};
pub use top::{TopOptions, TopReport, top};
pub use tree::{DominatorRow, DominatorsOptions, DominatorsReport, dominators};

use crate::Result;
use std::sync::OnceLock;

/// The version of the JSON reports' layout; bumped when a field changes meaning or goes away.
pub const SCHEMA_VERSION: u32 = 1;

/// A byte range of the file and the item it belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// First byte.
    pub start: u64,
    /// One past the last byte.
    pub end: u64,
    /// The item's position in [`Profile::items`].
    pub item: u32,
}

/// A module's items, sections and reference graph.
#[derive(Debug)]
pub struct Profile {
    /// The file's size in bytes.
    pub file_size: u64,
    /// Every item, in file order of first appearance (an item's id is its position here).
    pub items: Vec<Item>,
    /// Every section, the preamble first.
    pub sections: Vec<Section>,
    /// References between items, with a virtual root for what is kept by definition.
    pub graph: Graph,
    spans: Vec<Span>,
    dominators: OnceLock<Dominators>,
}

impl Profile {
    /// Profiles a binary module. Errors are malformed binaries (with the offset, and the function
    /// for a malformed body) and components. The module is not validated: an index out of range
    /// is a reference to nothing.
    pub fn new(wasm: &[u8]) -> Result<Profile> {
        build::build(wasm)
    }

    /// Every attributed byte range, in file order of attribution. They never overlap and cover
    /// the file (the `size` tests check this on every module they see).
    pub fn spans(&self) -> &[Span] {
        &self.spans
    }

    /// The dominator tree and retained sizes, computed on first use.
    pub fn dominators(&self) -> &Dominators {
        self.dominators.get_or_init(|| {
            let sizes: Vec<u64> = self.items.iter().map(|i| i.size).collect();
            Dominators::compute(&self.graph, &sizes)
        })
    }

    /// The percentage of the file that `size` bytes are.
    pub fn percent(&self, size: u64) -> f64 {
        if self.file_size == 0 {
            0.0
        } else {
            size as f64 * 100.0 / self.file_size as f64
        }
    }
}
