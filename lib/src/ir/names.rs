//! The name section, parsed: names keyed by ids, so that they follow their items through edits.

use super::ids::*;
use std::collections::BTreeMap;

/// Names from the `name` custom section.
#[derive(Clone, Debug, Default)]
pub struct Names {
    /// Whether the input had a name section that parsed (emitted in its place if so).
    pub(crate) parsed: bool,
    /// The module's name.
    pub module: Option<String>,
    /// Function names.
    pub funcs: BTreeMap<FuncId, String>,
    /// Local names, per function, by local index.
    pub locals: BTreeMap<FuncId, BTreeMap<u32, String>>,
    /// Label names, per function, by label index.
    pub labels: BTreeMap<FuncId, BTreeMap<u32, String>>,
    /// Type names.
    pub types: BTreeMap<TypeId, String>,
    /// Table names.
    pub tables: BTreeMap<TableId, String>,
    /// Memory names.
    pub memories: BTreeMap<MemoryId, String>,
    /// Global names.
    pub globals: BTreeMap<GlobalId, String>,
    /// Element segment names.
    pub elems: BTreeMap<ElemId, String>,
    /// Data segment names.
    pub datas: BTreeMap<DataId, String>,
    /// Struct field names, per type, by field index.
    pub fields: BTreeMap<TypeId, BTreeMap<u32, String>>,
    /// Tag names.
    pub tags: BTreeMap<TagId, String>,
    /// Parameter names, per function, by parameter index.
    pub params: BTreeMap<FuncId, BTreeMap<u32, String>>,
    /// Tag parameter names, per tag, by parameter index.
    pub tag_params: BTreeMap<TagId, BTreeMap<u32, String>>,
    /// Subsections we do not understand: (id, contents), kept in place by id.
    pub unknown: Vec<(u8, Vec<u8>)>,
}
