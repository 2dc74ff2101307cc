//! Builds a [`Profile`]: walks the sections with wasmparser's readers, attributes every byte to
//! an item by the readers' offsets, and records the references between items.
//!
//! An entry of a vector section owns the bytes from its own offset to the next entry's (the last
//! one to the end of the section), so entries tile their section whatever their encoding; the
//! bytes before the first entry (the count) and the section's id and size go to the section's
//! header item. Function bodies are scanned for references in parallel once every index space is
//! known; the per-body results are collected in function order.

use super::graph::Graph;
use super::items::{Item, ItemKind, Section, section_kind};
use super::names;
use super::refs::{self, Ref, Space};
use super::{Profile, Span};
use crate::{Error, ErrorKind, FuncContext, Result};
use rayon::prelude::*;
use std::ops::Range;
use wasmparser::{
    BinaryReader, CustomSectionReader, DataKind, ElementItems, ElementKind, Encoding, ExternalKind,
    FromReader, FunctionBody, Imports, Parser, Payload, SectionLimited, TableInit, TypeRef,
};

/// Builds the profile of a binary module.
pub fn build(wasm: &[u8]) -> Result<Profile> {
    let mut b = Builder::new(wasm);
    for payload in Parser::new(0).parse_all(wasm) {
        b.payload(payload?)?;
    }
    b.finish()
}

/// Item ids per index space: `space[index]` is the item that defines or imports it.
#[derive(Default)]
pub(super) struct Spaces {
    pub funcs: Vec<u32>,
    pub globals: Vec<u32>,
    pub tables: Vec<u32>,
    pub memories: Vec<u32>,
    pub tags: Vec<u32>,
    pub types: Vec<u32>,
    pub elems: Vec<u32>,
    pub datas: Vec<u32>,
}

impl Spaces {
    /// The item a reference points to; `None` for an index out of range.
    fn resolve(&self, (space, index): Ref) -> Option<u32> {
        let v = match space {
            Space::Func => &self.funcs,
            Space::Global => &self.globals,
            Space::Table => &self.tables,
            Space::Memory => &self.memories,
            Space::Tag => &self.tags,
            Space::Type => &self.types,
            Space::Elem => &self.elems,
            Space::Data => &self.datas,
        };
        v.get(index as usize).copied()
    }
}

/// State kept while walking the payloads.
struct Builder<'a> {
    wasm: &'a [u8],
    items: Vec<Item>,
    spans: Vec<Span>,
    sections: Vec<Section>,
    /// End of the previous section: where the next one's id byte is.
    prev_end: u64,
    spaces: Spaces,
    /// References found outside bodies: (from item, reference).
    refs: Vec<(u32, Ref)>,
    /// Items reachable by definition: exports, the start function, active segments, custom
    /// sections and overhead.
    roots: Vec<u32>,
    /// Function bodies with their function's item.
    bodies: Vec<(u32, FunctionBody<'a>)>,
    /// How many function bodies were seen.
    code_index: u32,
    /// Where the next function body's size prefix starts.
    code_next: u64,
    /// The header item of the current section.
    header: u32,
    imported_funcs: u32,
    /// Exports as (space, index, name), for naming.
    exports: Vec<(Space, u32, &'a str)>,
    name_section: Option<CustomSectionReader<'a>>,
}

impl<'a> Builder<'a> {
    fn new(wasm: &'a [u8]) -> Self {
        Builder {
            wasm,
            items: Vec::new(),
            spans: Vec::new(),
            sections: Vec::new(),
            prev_end: 0,
            spaces: Spaces::default(),
            refs: Vec::new(),
            roots: Vec::new(),
            bodies: Vec::new(),
            code_index: 0,
            code_next: 0,
            header: 0,
            imported_funcs: 0,
            exports: Vec::new(),
            name_section: None,
        }
    }

    /// Adds an item with no bytes yet; returns its id.
    fn item(&mut self, kind: ItemKind, index: u32, offset: u64) -> u32 {
        let id = self.items.len() as u32;
        self.items.push(Item {
            kind,
            index,
            name: String::new(),
            size: 0,
            offset,
            section: self.sections.len().saturating_sub(1) as u32,
        });
        id
    }

    /// Attributes a byte range to an item.
    fn attribute(&mut self, item: u32, range: Range<u64>) {
        if range.end > range.start {
            self.items[item as usize].size += range.end - range.start;
            self.spans.push(Span {
                start: range.start,
                end: range.end,
                item,
            });
        }
    }

    fn payload(&mut self, payload: Payload<'a>) -> Result<()> {
        if let Payload::Version {
            encoding, range, ..
        } = &payload
        {
            if *encoding == Encoding::Component {
                return Err(Error::new(ErrorKind::Component { what: "size" }));
            }
            self.sections.push(Section {
                kind: "preamble",
                name: None,
                id: None,
                offset: range.start,
                size: range.end - range.start,
            });
            let id = self.item(ItemKind::Preamble, 0, range.start);
            self.items[id as usize].name = "preamble".to_string();
            self.attribute(id, range.clone());
            self.roots.push(id);
            self.prev_end = range.end;
            return Ok(());
        }
        // `CodeSectionEntry` payloads are parts of the code section, not sections.
        if let Payload::CodeSectionEntry(body) = payload {
            return self.body(body);
        }
        let Some((id, range)) = payload.as_section() else {
            return Ok(());
        };
        let section_start = self.prev_end;
        self.prev_end = range.end;
        self.sections.push(Section {
            kind: section_kind(id),
            name: match &payload {
                Payload::CustomSection(c) => Some(c.name().to_string()),
                _ => None,
            },
            id: Some(id),
            offset: section_start,
            size: range.end - section_start,
        });
        if let Payload::CustomSection(c) = &payload {
            let item = self.item(
                ItemKind::Custom,
                self.sections.len() as u32 - 1,
                section_start,
            );
            self.items[item as usize].name = format!("custom section {:?}", c.name());
            self.attribute(item, section_start..range.end);
            self.roots.push(item);
            if c.name() == "name" && self.name_section.is_none() {
                self.name_section = Some(c.clone());
            }
            return Ok(());
        }
        let header = self.item(
            ItemKind::SectionHeader,
            self.sections.len() as u32 - 1,
            section_start,
        );
        self.items[header as usize].name = format!("{} section header", section_kind(id));
        self.roots.push(header);
        self.header = header;
        self.attribute(header, section_start..range.start);
        self.section(payload, range)
    }

    /// Reads every entry of a vector section with the range it owns, and gives the count's
    /// bytes to the section header.
    fn entries<T: FromReader<'a>>(
        &mut self,
        reader: SectionLimited<'a, T>,
        range: &Range<u64>,
    ) -> Result<Vec<(Range<u64>, T)>> {
        let mut out: Vec<(Range<u64>, T)> = Vec::with_capacity(reader.count() as usize);
        for entry in reader.into_iter_with_offsets() {
            let (offset, value) = entry?;
            if let Some(last) = out.last_mut() {
                last.0.end = offset;
            }
            out.push((offset..range.end, value));
        }
        let first = out.first().map_or(range.end, |e| e.0.start);
        self.attribute(self.header, range.start..first);
        Ok(out)
    }

    fn section(&mut self, payload: Payload<'a>, range: Range<u64>) -> Result<()> {
        match payload {
            Payload::TypeSection(reader) => {
                for (r, group) in self.entries(reader, &range)? {
                    let first = self.spaces.types.len() as u32;
                    let item = self.item(ItemKind::Type, first, r.start);
                    self.attribute(item, r);
                    let mut refs = Vec::new();
                    for sub in group.types() {
                        self.spaces.types.push(item);
                        sub_type_refs(sub, &mut refs);
                    }
                    let n = self.spaces.types.len() as u32 - first;
                    self.items[item as usize].name = if n == 1 {
                        String::new()
                    } else {
                        format!("rec[{first}..{}]", first + n)
                    };
                    self.refs.extend(refs.into_iter().map(|r| (item, r)));
                }
            }
            Payload::ImportSection(reader) => {
                for (i, (r, group)) in self.entries(reader, &range)?.into_iter().enumerate() {
                    let item = self.item(ItemKind::Import, i as u32, r.start);
                    self.attribute(item, r);
                    let (module, names): (&str, Vec<(&str, TypeRef)>) = match group {
                        Imports::Single(_, import) => {
                            (import.module, vec![(import.name, import.ty)])
                        }
                        Imports::Compact1 { module, items } => {
                            let mut v = Vec::new();
                            for it in items {
                                let it = it?;
                                v.push((it.name, it.ty));
                            }
                            (module, v)
                        }
                        Imports::Compact2 { module, ty, names } => {
                            let mut v = Vec::new();
                            for name in names {
                                v.push((name?, ty));
                            }
                            (module, v)
                        }
                    };
                    let label = match names.as_slice() {
                        [(name, _)] => format!("{module}::{name}"),
                        [(name, _), ..] => format!("{module}::{name} (+{} more)", names.len() - 1),
                        [] => format!("{module}::"),
                    };
                    self.items[item as usize].name = label;
                    for (_, ty) in names {
                        match ty {
                            TypeRef::Func(t) | TypeRef::FuncExact(t) => {
                                self.spaces.funcs.push(item);
                                self.imported_funcs += 1;
                                self.refs.push((item, (Space::Type, t)));
                            }
                            TypeRef::Table(_) => self.spaces.tables.push(item),
                            TypeRef::Memory(_) => self.spaces.memories.push(item),
                            TypeRef::Global(_) => self.spaces.globals.push(item),
                            TypeRef::Tag(t) => {
                                self.spaces.tags.push(item);
                                self.refs.push((item, (Space::Type, t.func_type_idx)));
                            }
                        }
                    }
                }
            }
            Payload::FunctionSection(reader) => {
                for (r, ty) in self.entries(reader, &range)? {
                    let index = self.spaces.funcs.len() as u32;
                    let item = self.item(ItemKind::Func, index, r.start);
                    self.attribute(item, r);
                    self.spaces.funcs.push(item);
                    self.refs.push((item, (Space::Type, ty)));
                }
            }
            Payload::TableSection(reader) => {
                for (r, table) in self.entries(reader, &range)? {
                    let item = self.item(ItemKind::Table, self.spaces.tables.len() as u32, r.start);
                    self.attribute(item, r);
                    self.spaces.tables.push(item);
                    let mut refs = Vec::new();
                    refs::expr_refs_of_type(table.ty.element_type, &mut refs);
                    if let TableInit::Expr(e) = table.init {
                        refs::expr_refs(e.get_operators_reader(), &mut refs)?;
                    }
                    self.refs.extend(refs.into_iter().map(|r| (item, r)));
                }
            }
            Payload::MemorySection(reader) => {
                for (r, _) in self.entries(reader, &range)? {
                    let index = self.spaces.memories.len() as u32;
                    let item = self.item(ItemKind::Memory, index, r.start);
                    self.attribute(item, r);
                    self.spaces.memories.push(item);
                }
            }
            Payload::TagSection(reader) => {
                for (r, tag) in self.entries(reader, &range)? {
                    let item = self.item(ItemKind::Tag, self.spaces.tags.len() as u32, r.start);
                    self.attribute(item, r);
                    self.spaces.tags.push(item);
                    self.refs.push((item, (Space::Type, tag.func_type_idx)));
                }
            }
            Payload::GlobalSection(reader) => {
                for (r, global) in self.entries(reader, &range)? {
                    let index = self.spaces.globals.len() as u32;
                    let item = self.item(ItemKind::Global, index, r.start);
                    self.attribute(item, r);
                    self.spaces.globals.push(item);
                    let mut refs = Vec::new();
                    refs::expr_refs_of_type(
                        match global.ty.content_type {
                            wasmparser::ValType::Ref(r) => r,
                            _ => wasmparser::RefType::FUNCREF,
                        },
                        &mut refs,
                    );
                    refs::expr_refs(global.init_expr.get_operators_reader(), &mut refs)?;
                    self.refs.extend(refs.into_iter().map(|r| (item, r)));
                }
            }
            Payload::ExportSection(reader) => {
                for (i, (r, export)) in self.entries(reader, &range)?.into_iter().enumerate() {
                    let item = self.item(ItemKind::Export, i as u32, r.start);
                    self.attribute(item, r);
                    self.items[item as usize].name = format!("export {:?}", export.name);
                    self.roots.push(item);
                    let space = match export.kind {
                        ExternalKind::Func | ExternalKind::FuncExact => Space::Func,
                        ExternalKind::Table => Space::Table,
                        ExternalKind::Memory => Space::Memory,
                        ExternalKind::Global => Space::Global,
                        ExternalKind::Tag => Space::Tag,
                    };
                    self.refs.push((item, (space, export.index)));
                    self.exports.push((space, export.index, export.name));
                }
            }
            Payload::StartSection { func, range } => {
                let item = self.item(ItemKind::Start, 0, range.start);
                self.items[item as usize].name = "start".to_string();
                self.attribute(item, range);
                self.roots.push(item);
                self.refs.push((item, (Space::Func, func)));
            }
            Payload::ElementSection(reader) => {
                for (r, elem) in self.entries(reader, &range)? {
                    let index = self.spaces.elems.len() as u32;
                    let item = self.item(ItemKind::Elem, index, r.start);
                    self.attribute(item, r);
                    self.spaces.elems.push(item);
                    let mut refs = Vec::new();
                    if let ElementKind::Active {
                        table_index,
                        offset_expr,
                    } = elem.kind
                    {
                        self.roots.push(item);
                        refs.push((Space::Table, table_index.unwrap_or(0)));
                        refs::expr_refs(offset_expr.get_operators_reader(), &mut refs)?;
                    }
                    match elem.items {
                        ElementItems::Functions(funcs) => {
                            for f in funcs {
                                refs.push((Space::Func, f?));
                            }
                        }
                        ElementItems::Expressions(ty, exprs) => {
                            refs::expr_refs_of_type(ty, &mut refs);
                            for e in exprs {
                                refs::expr_refs(e?.get_operators_reader(), &mut refs)?;
                            }
                        }
                    }
                    self.refs.extend(refs.into_iter().map(|r| (item, r)));
                }
            }
            Payload::DataCountSection { range, .. } => {
                self.attribute(self.header, range);
            }
            Payload::DataSection(reader) => {
                for (r, data) in self.entries(reader, &range)? {
                    let index = self.spaces.datas.len() as u32;
                    let item = self.item(ItemKind::Data, index, r.start);
                    self.attribute(item, r);
                    self.spaces.datas.push(item);
                    if let DataKind::Active {
                        memory_index,
                        offset_expr,
                    } = data.kind
                    {
                        self.roots.push(item);
                        let mut refs = vec![(Space::Memory, memory_index)];
                        refs::expr_refs(offset_expr.get_operators_reader(), &mut refs)?;
                        self.refs.extend(refs.into_iter().map(|r| (item, r)));
                    }
                }
            }
            Payload::CodeSectionStart { .. } => {
                let start = range.start as usize;
                let end = (range.end as usize).min(self.wasm.len()).max(start);
                let mut reader = BinaryReader::new(&self.wasm[start..end], range.start);
                reader.read_var_u32()?;
                let after_count = reader.original_position();
                self.attribute(self.header, range.start..after_count);
                self.code_next = after_count;
            }
            _ => {}
        }
        Ok(())
    }

    fn body(&mut self, body: FunctionBody<'a>) -> Result<()> {
        let index = self.imported_funcs + self.code_index;
        self.code_index += 1;
        let end = body.range().end;
        let item = match self.spaces.funcs.get(index as usize) {
            Some(&item) if self.items[item as usize].kind == ItemKind::Func => item,
            // More bodies than function-section entries: the body still gets an item.
            _ => self.item(ItemKind::Func, index, self.code_next),
        };
        let start = self.code_next;
        // A function is shown where its body is.
        let section = self.sections.len().saturating_sub(1) as u32;
        let f = &mut self.items[item as usize];
        f.offset = start;
        f.section = section;
        self.attribute(item, start..end);
        self.code_next = end;
        self.bodies.push((item, body));
        Ok(())
    }

    fn finish(mut self) -> Result<Profile> {
        let file_size = self.wasm.len() as u64;
        // Body references, in parallel, collected in function order.
        let spaces = &self.spaces;
        let scanned: Vec<std::result::Result<Vec<u32>, wasmparser::BinaryReaderError>> = self
            .bodies
            .par_iter()
            .with_min_len(32)
            .map_init(Vec::new, |scratch: &mut Vec<Ref>, (_, body)| {
                scratch.clear();
                refs::body_refs(body, scratch)?;
                let mut targets: Vec<u32> =
                    scratch.iter().filter_map(|&r| spaces.resolve(r)).collect();
                targets.sort_unstable();
                targets.dedup();
                Ok(targets)
            })
            .collect();
        let mut edges: Vec<(u32, u32)> = Vec::new();
        for ((item, _), result) in self.bodies.iter().zip(scanned) {
            match result {
                Ok(targets) => edges.extend(targets.into_iter().map(|t| (*item, t))),
                Err(source) => {
                    let index = self.items[*item as usize].index;
                    return Err(Error::new(ErrorKind::BinaryInFunc {
                        func: FuncContext::lookup(index, self.name_section.as_ref()),
                        source,
                    }));
                }
            }
        }
        for &(from, r) in &self.refs {
            if let Some(to) = self.spaces.resolve(r) {
                edges.push((from, to));
            }
        }
        let graph = Graph::new(self.items.len() as u32, edges, &self.roots);
        names::assign(
            &mut self.items,
            &self.spaces,
            &self.exports,
            self.name_section.as_ref(),
        );
        Ok(Profile {
            file_size,
            items: self.items,
            sections: self.sections,
            graph,
            spans: self.spans,
            dominators: std::sync::OnceLock::new(),
        })
    }
}

/// References from a sub type to other types (GC fields, supertypes, function signatures).
fn sub_type_refs(sub: &wasmparser::SubType, out: &mut Vec<Ref>) {
    use wasmparser::{CompositeInnerType, StorageType};
    let val = |t: wasmparser::ValType, out: &mut Vec<Ref>| {
        if let wasmparser::ValType::Ref(r) = t {
            refs::expr_refs_of_type(r, out);
        }
    };
    let c = &sub.composite_type;
    for idx in sub
        .supertype_idxs
        .iter()
        .chain(&c.descriptor_idx)
        .chain(&c.describes_idx)
    {
        if let Some(i) = idx.as_module_index() {
            out.push((Space::Type, i));
        }
    }
    match &sub.composite_type.inner {
        CompositeInnerType::Func(f) => {
            for &t in f.params().iter().chain(f.results()) {
                val(t, out);
            }
        }
        CompositeInnerType::Array(a) => {
            if let StorageType::Val(t) = a.0.element_type {
                val(t, out);
            }
        }
        CompositeInnerType::Struct(s) => {
            for field in s.fields.iter() {
                if let StorageType::Val(t) = field.element_type {
                    val(t, out);
                }
            }
        }
        CompositeInnerType::Cont(c) => {
            if let Some(i) = c.0.as_module_index() {
                out.push((Space::Type, i));
            }
        }
    }
}
