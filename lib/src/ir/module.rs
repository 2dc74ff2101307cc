//! [`Module`]: every item of a core module, in arenas addressed by typed ids.

use super::bytes::Bytes;
use super::func::Func;
use super::ids::*;
use super::instr::Instr;
use super::names::Names;
use super::types::{GlobalType, MemoryType, RefType, SubType, TableType, TagType};
use std::sync::Arc;

/// A core WebAssembly module.
///
/// Items live in [`Arena`]s: an id stays valid when other items are added or removed, and
/// indices are assigned only by [`Module::emit`]. Imported functions, tables, memories, globals
/// and tags live in the same arena as defined ones, with an [`ImportId`] pointing back to the
/// import entry.
#[derive(Clone, Debug, Default)]
pub struct Module {
    /// Type definitions, by id. Their grouping and order is in `rec_groups`.
    pub types: Arena<TypeId, SubType>,
    /// The type section's recursion groups, in order.
    pub rec_groups: Vec<RecGroup>,
    /// Import entries, in import section order.
    pub imports: Arena<ImportId, Import>,
    /// Functions, imported and defined.
    pub funcs: Arena<FuncId, Func>,
    /// Tables, imported and defined.
    pub tables: Arena<TableId, Table>,
    /// Memories, imported and defined.
    pub memories: Arena<MemoryId, Memory>,
    /// Globals, imported and defined.
    pub globals: Arena<GlobalId, Global>,
    /// Exception tags, imported and defined.
    pub tags: Arena<TagId, Tag>,
    /// Exports, in export section order.
    pub exports: Arena<ExportId, Export>,
    /// The start function.
    pub start: Option<FuncId>,
    /// Element segments.
    pub elems: Arena<ElemId, Elem>,
    /// Data segments.
    pub datas: Arena<DataId, Data>,
    /// The name section, parsed.
    pub names: Names,
    /// Custom sections (the name section included, as a placeholder), with their places.
    pub customs: Vec<CustomSection>,
    /// Standard sections present in the input, with their whole encoding's place in it
    /// (header included), so that empty ones are kept and unchanged ones keep their bytes.
    pub(crate) present: Vec<(SectionId, std::ops::Range<usize>)>,
    /// The input, when the module was parsed: the code section's place in it.
    pub(crate) source: Option<Source>,
}

/// Where a parsed module came from.
#[derive(Clone, Debug)]
pub(crate) struct Source {
    /// The input buffer.
    pub(crate) bytes: Arc<Vec<u8>>,
    /// The number of function bodies in the input.
    pub(crate) local_funcs: usize,
}

/// A recursion group in the type section.
#[derive(Clone, Debug)]
pub struct RecGroup {
    /// Whether it was written as an explicit `rec` group (a lone type without `rec` is not).
    pub explicit: bool,
    /// Its types, in order.
    pub types: Vec<TypeId>,
}

/// An import entry.
#[derive(Clone, Debug)]
pub struct Import {
    /// The module name.
    pub module: String,
    /// The item name.
    pub name: String,
    /// The imported item.
    pub item: ImportItem,
}

/// A module item as an import provides it or an export exposes it.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ExternItem {
    /// A function; `exact` for an exact function import or export (custom descriptors).
    Func {
        /// The function.
        func: FuncId,
        /// Whether the import or export is of the exact type.
        exact: bool,
    },
    /// A table.
    Table(TableId),
    /// A memory.
    Memory(MemoryId),
    /// A global.
    Global(GlobalId),
    /// A tag.
    Tag(TagId),
}

/// What an import provides.
pub type ImportItem = ExternItem;

/// What an export exposes.
pub type ExportItem = ExternItem;

impl ExternItem {
    /// The function, if this is one.
    pub fn func(&self) -> Option<FuncId> {
        match *self {
            ImportItem::Func { func, .. } => Some(func),
            _ => None,
        }
    }

    /// The table, if this is one.
    pub fn table(&self) -> Option<TableId> {
        match *self {
            ImportItem::Table(t) => Some(t),
            _ => None,
        }
    }

    /// The memory, if this is one.
    pub fn memory(&self) -> Option<MemoryId> {
        match *self {
            ImportItem::Memory(m) => Some(m),
            _ => None,
        }
    }

    /// The global, if this is one.
    pub fn global(&self) -> Option<GlobalId> {
        match *self {
            ImportItem::Global(g) => Some(g),
            _ => None,
        }
    }

    /// The tag, if this is one.
    pub fn tag(&self) -> Option<TagId> {
        match *self {
            ImportItem::Tag(t) => Some(t),
            _ => None,
        }
    }
}

/// A table.
#[derive(Clone, Debug)]
pub struct Table {
    /// Its type.
    pub ty: TableType,
    /// The initializer for its elements, if given (function references).
    pub init: Option<ConstExpr>,
    /// The import entry, if imported.
    pub import: Option<ImportId>,
}

/// A linear memory.
#[derive(Clone, Debug)]
pub struct Memory {
    /// Its type.
    pub ty: MemoryType,
    /// The import entry, if imported.
    pub import: Option<ImportId>,
}

/// A global.
#[derive(Clone, Debug)]
pub struct Global {
    /// Its type.
    pub ty: GlobalType,
    /// Imported, or defined with an initializer.
    pub kind: GlobalKind,
}

/// Where a global comes from.
#[derive(Clone, Debug)]
pub enum GlobalKind {
    /// Imported.
    Import(ImportId),
    /// Defined, with its initializer.
    Local(ConstExpr),
}

/// An exception tag.
#[derive(Clone, Debug)]
pub struct Tag {
    /// Its type.
    pub ty: TagType,
    /// The import entry, if imported.
    pub import: Option<ImportId>,
}

/// An export entry.
#[derive(Clone, Debug)]
pub struct Export {
    /// The export name.
    pub name: String,
    /// The exported item.
    pub item: ExportItem,
}

/// A constant expression, without its final `end`.
#[derive(Clone, Debug, PartialEq)]
pub struct ConstExpr {
    /// Its instructions.
    pub instrs: Vec<Instr>,
}

/// An element segment.
#[derive(Clone, Debug)]
pub struct Elem {
    /// Active, passive or declared.
    pub kind: ElemKind,
    /// Its contents.
    pub items: ElemItems,
}

/// How an element segment is used.
#[derive(Clone, Debug)]
pub enum ElemKind {
    /// Copied into a table at instantiation.
    Active {
        /// The table.
        table: TableId,
        /// Whether the binary left the table implicit (the MVP encoding for table 0).
        implicit_table: bool,
        /// Where in the table.
        offset: ConstExpr,
    },
    /// Available to `table.init`.
    Passive,
    /// Only declares functions as referenceable.
    Declared,
}

/// The contents of an element segment.
#[derive(Clone, Debug)]
pub enum ElemItems {
    /// Function references, by function.
    Functions(Vec<FuncId>),
    /// References computed by constant expressions.
    Expressions(RefType, Vec<ConstExpr>),
}

/// A data segment.
#[derive(Clone, Debug)]
pub struct Data {
    /// Active or passive.
    pub kind: DataKind,
    /// The bytes.
    pub bytes: Bytes,
}

/// How a data segment is used.
#[derive(Clone, Debug)]
pub enum DataKind {
    /// Copied into a memory at instantiation.
    Active {
        /// The memory.
        memory: MemoryId,
        /// Where in the memory.
        offset: ConstExpr,
    },
    /// Available to `memory.init`.
    Passive,
}

/// A custom section and where it sits among the standard sections.
#[derive(Clone, Debug)]
pub struct CustomSection {
    /// The section name.
    pub name: String,
    /// The contents; for the name section, the original contents (the emitter writes
    /// [`Module::names`] instead when they parsed).
    pub data: Bytes,
    /// The last standard section before this one, or `None` if it comes before all of them.
    pub after: Option<SectionId>,
    /// The whole section's place in the input (header included), if it came from there.
    pub(crate) original: Option<std::ops::Range<usize>>,
}

impl CustomSection {
    /// A new custom section placed after the standard section `after`.
    pub fn new(
        name: impl Into<String>,
        data: impl Into<Bytes>,
        after: Option<SectionId>,
    ) -> CustomSection {
        CustomSection {
            name: name.into(),
            data: data.into(),
            after,
            original: None,
        }
    }
}

/// The standard sections, in the order the binary format requires.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[allow(missing_docs, reason = "named after the sections")]
pub enum SectionId {
    Type,
    Import,
    Function,
    Table,
    Memory,
    Tag,
    Global,
    Export,
    Start,
    Element,
    DataCount,
    Code,
    Data,
}

/// The name of a core module section id (`custom` for 0), or `None` for an unknown id.
pub fn section_name(id: u8) -> Option<&'static str> {
    Some(match id {
        0 => "custom",
        1 => "type",
        2 => "import",
        3 => "function",
        4 => "table",
        5 => "memory",
        6 => "global",
        7 => "export",
        8 => "start",
        9 => "element",
        10 => "code",
        11 => "data",
        12 => "datacount",
        13 => "tag",
        _ => return None,
    })
}

impl SectionId {
    /// Every standard section, in binary order.
    pub const ALL: [SectionId; 13] = [
        SectionId::Type,
        SectionId::Import,
        SectionId::Function,
        SectionId::Table,
        SectionId::Memory,
        SectionId::Tag,
        SectionId::Global,
        SectionId::Export,
        SectionId::Start,
        SectionId::Element,
        SectionId::DataCount,
        SectionId::Code,
        SectionId::Data,
    ];
}

impl Module {
    /// An empty module.
    pub fn new() -> Module {
        Module::default()
    }

    /// The name of a function from the name section, if it has one.
    pub fn func_name(&self, id: FuncId) -> Option<&str> {
        self.names.funcs.get(&id).map(|s| s.as_str())
    }

    /// The number of imported functions.
    pub fn num_imported_funcs(&self) -> usize {
        self.funcs
            .iter()
            .filter(|(_, f)| f.local().is_none())
            .count()
    }
}
