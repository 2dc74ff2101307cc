//! Parsing the `name` custom section into [`Names`].
//!
//! A name section that does not parse is not an error (names never affect behaviour): the
//! result is then marked unparsed and the emitter passes the original section through.

use crate::ir::*;
use std::collections::BTreeMap;
use wasmparser::{BinaryReader, IndirectNameMap, Name, NameMap, NameSectionReader};

/// Parses a name section's contents, found at `offset` in the input.
pub(super) fn parse(data: &[u8], offset: u64) -> Names {
    try_parse(data, offset).unwrap_or_default()
}

fn try_parse(data: &[u8], offset: u64) -> wasmparser::Result<Names> {
    let mut names = Names::default();
    for sub in NameSectionReader::new(BinaryReader::new(data, offset)) {
        match sub? {
            Name::Module { name, .. } => names.module = Some(name.to_string()),
            Name::Function(map) => names.funcs = name_map(map, FuncId::from_index)?,
            Name::Local(map) => names.locals = indirect(map, FuncId::from_index)?,
            Name::Label(map) => names.labels = indirect(map, FuncId::from_index)?,
            Name::Type(map) => names.types = name_map(map, TypeId::from_index)?,
            Name::Table(map) => names.tables = name_map(map, TableId::from_index)?,
            Name::Memory(map) => names.memories = name_map(map, MemoryId::from_index)?,
            Name::Global(map) => names.globals = name_map(map, GlobalId::from_index)?,
            Name::Element(map) => names.elems = name_map(map, ElemId::from_index)?,
            Name::Data(map) => names.datas = name_map(map, DataId::from_index)?,
            Name::Field(map) => names.fields = indirect(map, TypeId::from_index)?,
            Name::Tag(map) => names.tags = name_map(map, TagId::from_index)?,
            Name::Parameter(map) => names.params = indirect(map, FuncId::from_index)?,
            Name::TagParameter(map) => names.tag_params = indirect(map, TagId::from_index)?,
            Name::Unknown { ty, data, .. } => names.unknown.push((ty, data.to_vec())),
        }
    }
    names.parsed = true;
    Ok(names)
}

fn name_map<I: Ord>(map: NameMap<'_>, id: fn(u32) -> I) -> wasmparser::Result<BTreeMap<I, String>> {
    map.into_iter()
        .map(|n| n.map(|n| (id(n.index), n.name.to_string())))
        .collect()
}

fn indirect<I: Ord>(
    map: IndirectNameMap<'_>,
    id: fn(u32) -> I,
) -> wasmparser::Result<BTreeMap<I, BTreeMap<u32, String>>> {
    map.into_iter()
        .map(|n| {
            let n = n?;
            Ok((id(n.index), name_map(n.names, |i| i)?))
        })
        .collect()
}
