//! The `sections` view: bytes per section, each custom section on its own row.

use super::{Profile, SCHEMA_VERSION};
use serde::Serialize;

/// Bytes per section; the rows add up to the file size.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SectionsReport {
    /// [`SCHEMA_VERSION`].
    pub schema: u32,
    /// The file's size.
    pub file_size: u64,
    /// One row per section, in file order, the preamble first.
    pub rows: Vec<SectionRow>,
}

/// One section.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SectionRow {
    /// `type`, `code`, …, or `custom "name"`; `preamble` for the magic number and version.
    pub section: String,
    /// The section id; none for the preamble.
    pub id: Option<u8>,
    /// Offset of its first byte.
    pub offset: u64,
    /// Size, header included.
    pub size: u64,
    /// `size` as a percentage of the file.
    pub percent: f64,
    /// How many items it holds, its header not counted.
    pub items: u32,
}

/// Computes the `sections` view.
pub fn sections(profile: &Profile) -> SectionsReport {
    let mut counts = vec![0u32; profile.sections.len()];
    for item in &profile.items {
        if !item.kind.is_overhead()
            && let Some(c) = counts.get_mut(item.section as usize)
        {
            *c += 1;
        }
    }
    let rows = profile
        .sections
        .iter()
        .zip(counts)
        .map(|(s, items)| SectionRow {
            section: s.label(),
            id: s.id,
            offset: s.offset,
            size: s.size,
            percent: profile.percent(s.size),
            items,
        })
        .collect();
    SectionsReport {
        schema: SCHEMA_VERSION,
        file_size: profile.file_size,
        rows,
    }
}
