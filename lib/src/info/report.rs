//! The data `info` reports: [`ModuleInfo`] and its parts, all plain serialisable values.
//!
//! Field names are the JSON keys of `wasm-tool info --json`; renaming one is a schema change.

use super::{CustomInfo, FeatureUse};
use serde::Serialize;

/// The version of the [`ModuleInfo`] layout; bumped when a field changes meaning or goes away.
pub const SCHEMA_VERSION: u32 = 1;

/// What to compute.
#[derive(Debug, Clone)]
pub struct InfoOptions {
    /// How many of the largest functions to list.
    pub largest_functions: usize,
}

impl Default for InfoOptions {
    fn default() -> Self {
        InfoOptions {
            largest_functions: 10,
        }
    }
}

/// Whether the input is a core module or a component.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum InputKind {
    /// A core WebAssembly module.
    Module,
    /// A component (component model); only its section table is reported.
    Component,
}

/// Everything `info` reports about a module.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModuleInfo {
    /// Always [`SCHEMA_VERSION`].
    pub schema: u32,
    /// Module or component.
    pub kind: InputKind,
    /// Size of the binary in bytes.
    pub size: u64,
    /// The binary format version from the header.
    pub version: u16,
    /// Every top-level section, in order.
    pub sections: Vec<SectionInfo>,
    /// Type section summary.
    pub types: TypeCounts,
    /// Imports in order.
    pub imports: Vec<ImportInfo>,
    /// Exports in order.
    pub exports: Vec<ExportInfo>,
    /// Function counts.
    pub functions: ItemCounts,
    /// Every memory, imported ones first.
    pub memories: Vec<MemoryInfo>,
    /// Every table, imported ones first.
    pub tables: Vec<TableInfo>,
    /// Global counts.
    pub globals: GlobalCounts,
    /// Tag counts.
    pub tags: ItemCounts,
    /// Data segment summary.
    pub data: DataCounts,
    /// Element segment summary.
    pub elements: ElementCounts,
    /// The start function.
    pub start: Option<FuncRef>,
    /// Features the module uses, found from its contents, in [`Feature::ALL`](super::Feature::ALL) order.
    pub features: Vec<FeatureUse>,
    /// Custom section contents.
    pub custom: CustomInfo,
    /// The largest function bodies, largest first (ties by index).
    pub largest_functions: Vec<FuncSize>,
}

/// One section of the binary.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SectionInfo {
    /// The section id byte.
    pub id: u8,
    /// The section kind: `type`, `import`, …, `custom`; for components the component section
    /// names (`core-module`, `component`, `canon`, …).
    pub kind: String,
    /// A custom section's name.
    pub name: Option<String>,
    /// Offset of the section's id byte.
    pub offset: u64,
    /// Offset of the payload (after the id and size).
    pub payload_offset: u64,
    /// Payload size in bytes.
    pub size: u64,
    /// The number of items the section declares, for sections that have one.
    pub count: Option<u32>,
}

/// Type section counts.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct TypeCounts {
    /// All types.
    pub total: u32,
    /// Recursion groups (equal to `total` without GC `rec` groups).
    pub rec_groups: u32,
    /// Function types.
    pub func: u32,
    /// Struct types.
    pub r#struct: u32,
    /// Array types.
    pub array: u32,
    /// Continuation types.
    pub cont: u32,
}

/// Counts of an item kind that can be imported or defined.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ItemCounts {
    /// Imported.
    pub imported: u32,
    /// Defined in the module.
    pub defined: u32,
}

/// Global counts.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct GlobalCounts {
    /// Imported.
    pub imported: u32,
    /// Defined in the module.
    pub defined: u32,
    /// Mutable globals among all of them.
    pub mutable: u32,
}

/// One import.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImportInfo {
    /// Module name.
    pub module: String,
    /// Field name.
    pub name: String,
    /// `func`, `table`, `memory`, `global` or `tag`.
    pub kind: &'static str,
    /// Index in the index space of its kind.
    pub index: u32,
    /// Its type in text-format syntax, e.g. `(func (param i32) (result i32))`.
    pub r#type: String,
}

/// One export.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExportInfo {
    /// Export name.
    pub name: String,
    /// `func`, `table`, `memory`, `global` or `tag`.
    pub kind: &'static str,
    /// Index in the index space of its kind.
    pub index: u32,
    /// The function's name from the name section, for function exports.
    pub function_name: Option<String>,
}

/// One memory.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MemoryInfo {
    /// Memory index.
    pub index: u32,
    /// Whether it is imported.
    pub imported: bool,
    /// Initial size in pages.
    pub min: u64,
    /// Maximum size in pages.
    pub max: Option<u64>,
    /// 64-bit addresses.
    pub memory64: bool,
    /// Shared between threads.
    pub shared: bool,
    /// Page size in bytes (65536 unless custom).
    pub page_size: u64,
}

/// One table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TableInfo {
    /// Table index.
    pub index: u32,
    /// Whether it is imported.
    pub imported: bool,
    /// Element type, e.g. `funcref`.
    pub element_type: String,
    /// Initial size in elements.
    pub min: u64,
    /// Maximum size in elements.
    pub max: Option<u64>,
    /// 64-bit indices.
    pub table64: bool,
    /// Shared between threads.
    pub shared: bool,
}

/// Data segment summary.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DataCounts {
    /// Active segments.
    pub active: u32,
    /// Passive segments.
    pub passive: u32,
    /// Total bytes of initialisation data.
    pub bytes: u64,
}

/// Element segment summary.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ElementCounts {
    /// Active segments.
    pub active: u32,
    /// Passive segments.
    pub passive: u32,
    /// Declarative segments.
    pub declared: u32,
    /// Total items in all segments.
    pub items: u64,
}

/// A function, by index and name.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FuncRef {
    /// Function index.
    pub index: u32,
    /// Its name from the name section.
    pub name: Option<String>,
}

/// A function body's size.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FuncSize {
    /// Function index (imports included).
    pub index: u32,
    /// Its name from the name section, raw (not demangled).
    pub name: Option<String>,
    /// The first name it is exported under, if any (useful when there is no name section).
    pub export: Option<String>,
    /// Body size in bytes (locals and code, without the size prefix).
    pub size: u64,
    /// Percentage of the code section payload.
    pub percent: f64,
}

/// A named byte count.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NamedSize {
    /// Section name.
    pub name: String,
    /// Payload size in bytes.
    pub size: u64,
}

/// One field of the `producers` section.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProducerField {
    /// `language`, `processed-by` or `sdk`.
    pub name: String,
    /// The tools, with versions.
    pub values: Vec<ProducerValue>,
}

/// A tool and its version.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProducerValue {
    /// Tool name.
    pub name: String,
    /// Version string (may be empty).
    pub version: String,
}

/// One entry of the `target_features` section.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetFeature {
    /// `+` (used), `-` (disallowed) or `=` (required).
    pub prefix: String,
    /// Feature name as the toolchain spells it, e.g. `simd128`.
    pub name: String,
}

/// A custom section that could not be decoded.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CustomSectionError {
    /// The section's name.
    pub section: String,
    /// Where it went wrong.
    pub offset: u64,
    /// What went wrong.
    pub message: String,
}
