//! The item model: every byte of a module belongs to exactly one [`Item`].
//!
//! Items are the things a person can remove or shrink: functions (their body, its size prefix
//! and their entry in the function section), imports, types (one item per rec group), tables,
//! memories, globals, tags, exports, the start function, element and data segments, and custom
//! sections (header included). The framing left over is attributed to overhead items: the
//! 8-byte preamble, and for each section its id, its size and its entry count.

use serde::Serialize;

/// What an item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ItemKind {
    /// The magic number and version (8 bytes).
    Preamble,
    /// A section's id, size and entry count.
    SectionHeader,
    /// A rec group of types (one type in modules without GC).
    Type,
    /// An import entry (for compact encodings, one group of imports).
    Import,
    /// A defined function: its body with its size prefix, and its function-section entry.
    Func,
    /// A defined table.
    Table,
    /// A defined memory.
    Memory,
    /// A defined global.
    Global,
    /// A defined tag.
    Tag,
    /// An export entry.
    Export,
    /// The start section's payload.
    Start,
    /// An element segment.
    Elem,
    /// A data segment.
    Data,
    /// A custom section, header included.
    Custom,
}

impl ItemKind {
    /// The kebab-case name used in reports.
    pub fn name(self) -> &'static str {
        match self {
            ItemKind::Preamble => "preamble",
            ItemKind::SectionHeader => "section-header",
            ItemKind::Type => "type",
            ItemKind::Import => "import",
            ItemKind::Func => "func",
            ItemKind::Table => "table",
            ItemKind::Memory => "memory",
            ItemKind::Global => "global",
            ItemKind::Tag => "tag",
            ItemKind::Export => "export",
            ItemKind::Start => "start",
            ItemKind::Elem => "elem",
            ItemKind::Data => "data",
            ItemKind::Custom => "custom",
        }
    }

    /// Whether this is framing rather than content.
    pub fn is_overhead(self) -> bool {
        matches!(self, ItemKind::Preamble | ItemKind::SectionHeader)
    }
}

/// One attributable piece of a module.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Item {
    /// What it is.
    pub kind: ItemKind,
    /// Its index in its own index space (function index counting imports, global index, …);
    /// for imports, exports and section headers, its position among its kind.
    pub index: u32,
    /// A readable name: from the name section (demangled), else from an export, else
    /// `kind[index]`.
    pub name: String,
    /// Bytes attributed to it.
    pub size: u64,
    /// The offset of its first byte in the file.
    pub offset: u64,
    /// The position, in [`Section`] order, of the section holding it.
    pub section: u32,
}

/// One section of the file (the preamble counts as a section here, so that sections add up to
/// the file size).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Section {
    /// `preamble`, `type`, `import`, …, or `custom`.
    pub kind: &'static str,
    /// A custom section's name.
    pub name: Option<String>,
    /// The section id; none for the preamble.
    pub id: Option<u8>,
    /// Offset of the section's first byte (its id).
    pub offset: u64,
    /// Total size, header included.
    pub size: u64,
}

impl Section {
    /// `code`, or `custom "name"` for a custom section.
    pub fn label(&self) -> String {
        match &self.name {
            Some(name) => format!("custom {name:?}"),
            None => self.kind.to_string(),
        }
    }
}

/// The name of a module section id.
pub fn section_kind(id: u8) -> &'static str {
    crate::ir::section_name(id).unwrap_or("unknown")
}
