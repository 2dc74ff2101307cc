//! Writing a [`Module`] back to a binary.
//!
//! Indices are assigned here: in each index space imported items come first, in import order,
//! then defined items in id order. [`IndexMaps`] records the id → index mapping and whether it is
//! the identity, which it is for a module nobody changed. The reencoder ([`Remap`]) maps every
//! index met while encoding.
//!
//! Function bodies nobody changed are copied from the input; when no body changed and no index
//! moved, the whole code section is. Bodies are encoded in parallel and joined in order, so the
//! output does not depend on the thread count. Custom sections keep their place; those that
//! describe code offsets or indices (DWARF, source maps, linking, relocations, code metadata)
//! are kept only while the code section is byte-for-byte the input's, and dropped otherwise.

mod code;
mod names;

use crate::ir::*;
use crate::{Error, ErrorKind, Result};
use rayon::prelude::*;
use std::borrow::Cow;
use wasm_encoder::reencode::Reencode;
use wasm_encoder::{Encode, Section};

/// What [`Module::emit_with_report`] did beyond writing the module.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EmitReport {
    /// Custom sections dropped because the code they describe changed.
    pub dropped_sections: Vec<String>,
    /// The number of function bodies copied from the input.
    pub copied_bodies: usize,
    /// The number of function bodies encoded from instructions.
    pub encoded_bodies: usize,
}

impl Module {
    /// Writes the module as a binary.
    pub fn emit(&self) -> Result<Vec<u8>> {
        Ok(self.emit_with_report()?.0)
    }

    /// Writes the module as a binary, and says which sections were dropped.
    pub fn emit_with_report(&self) -> Result<(Vec<u8>, EmitReport)> {
        Emitter::new(self).run()
    }

    /// Decodes every function body for change, in parallel, so that [`Module::emit`] encodes
    /// each from its instructions instead of copying its original bytes. For tests and
    /// benchmarks of the full decode/encode path.
    pub fn touch_all_bodies(&mut self) -> Result<()> {
        let results: Vec<Result<()>> = self
            .funcs
            .slots_mut()
            .par_iter_mut()
            .map(|slot| match slot.as_mut().and_then(|f| f.local_mut()) {
                Some(local) => local.instrs_mut().map(|_| ()),
                None => Ok(()),
            })
            .collect();
        for (i, r) in results.into_iter().enumerate() {
            r.map_err(|e| crate::parse::in_func(self, FuncId::from_index(i as u32), e))?;
        }
        Ok(())
    }
}

/// The id → index mapping of one index space.
pub(crate) struct SpaceMap {
    map: Vec<u32>,
    identity: bool,
}

const REMOVED: u32 = u32::MAX;

impl SpaceMap {
    fn build(slots: usize, order: impl IntoIterator<Item = u32>) -> SpaceMap {
        let mut map = vec![REMOVED; slots];
        let mut next = 0u32;
        for id in order {
            // An id beyond the arena (an import naming a missing item) gets no index: the
            // emitter reports the reference.
            if let Some(slot) = map.get_mut(id as usize) {
                *slot = next;
                next += 1;
            }
        }
        let identity =
            next as usize == slots && map.iter().enumerate().all(|(i, &x)| x == i as u32);
        SpaceMap { map, identity }
    }

    /// The index of the item with id `id`, or `None` if it was removed or never existed.
    pub(crate) fn lookup(&self, id: u32) -> Option<u32> {
        if self.identity {
            return Some(id);
        }
        self.map.get(id as usize).copied().filter(|&i| i != REMOVED)
    }
}

/// Id → index mappings for every index space.
pub(crate) struct IndexMaps {
    pub(crate) funcs: SpaceMap,
    pub(crate) types: SpaceMap,
    pub(crate) tables: SpaceMap,
    pub(crate) memories: SpaceMap,
    pub(crate) globals: SpaceMap,
    pub(crate) tags: SpaceMap,
    pub(crate) elems: SpaceMap,
    pub(crate) datas: SpaceMap,
}

impl IndexMaps {
    fn new(m: &Module) -> IndexMaps {
        let types = m.rec_groups.iter().flat_map(|g| {
            g.types
                .iter()
                .filter(|t| m.types.contains(**t))
                .map(|t| t.index())
        });
        IndexMaps {
            types: SpaceMap::build(m.types.slots(), types),
            funcs: space(m, &m.funcs, ImportItem::func, |f| f.local().is_none()),
            tables: space(m, &m.tables, ImportItem::table, |t| t.import.is_some()),
            memories: space(m, &m.memories, ImportItem::memory, |t| t.import.is_some()),
            globals: space(m, &m.globals, ImportItem::global, |g| {
                matches!(g.kind, GlobalKind::Import(_))
            }),
            tags: space(m, &m.tags, ImportItem::tag, |t| t.import.is_some()),
            elems: SpaceMap::build(m.elems.slots(), m.elems.iter().map(|(id, _)| id.index())),
            datas: SpaceMap::build(m.datas.slots(), m.datas.iter().map(|(id, _)| id.index())),
        }
    }

    fn all_identity(&self) -> bool {
        [
            &self.funcs,
            &self.types,
            &self.tables,
            &self.memories,
            &self.globals,
            &self.tags,
            &self.elems,
            &self.datas,
        ]
        .iter()
        .all(|s| s.identity)
    }
}

/// The index space of one kind of item: imported items first, in import order, then the
/// defined ones in id order.
fn space<I: ArenaId, T>(
    m: &Module,
    arena: &Arena<I, T>,
    imported: fn(&ImportItem) -> Option<I>,
    is_import: fn(&T) -> bool,
) -> SpaceMap {
    let imports = m.imports.iter().filter_map(|(_, imp)| imported(&imp.item));
    let defined = arena
        .iter()
        .filter(|(_, t)| !is_import(t))
        .map(|(id, _)| id);
    SpaceMap::build(arena.slots(), imports.chain(defined).map(|id| id.index()))
}

/// A reference to a removed or unknown item, met while encoding.
#[derive(Debug)]
pub(crate) struct RemapError {
    what: &'static str,
    id: u32,
}

impl std::fmt::Display for RemapError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "reference to a removed or unknown {} (id {})",
            self.what, self.id
        )
    }
}

/// The reencoder that maps ids (as wasmparser indices) to emitted indices.
pub(crate) struct Remap<'a>(&'a IndexMaps);

impl Remap<'_> {
    fn map(
        space: &SpaceMap,
        what: &'static str,
        id: u32,
    ) -> Result<u32, wasm_encoder::reencode::Error<RemapError>> {
        space
            .lookup(id)
            .ok_or(wasm_encoder::reencode::Error::UserError(RemapError {
                what,
                id,
            }))
    }
}

type ReResult = Result<u32, wasm_encoder::reencode::Error<RemapError>>;

impl Reencode for Remap<'_> {
    type Error = RemapError;

    fn function_index(&mut self, i: u32) -> ReResult {
        Self::map(&self.0.funcs, "function", i)
    }
    fn type_index(&mut self, i: u32) -> ReResult {
        Self::map(&self.0.types, "type", i)
    }
    fn table_index(&mut self, i: u32) -> ReResult {
        Self::map(&self.0.tables, "table", i)
    }
    fn memory_index(&mut self, i: u32) -> ReResult {
        Self::map(&self.0.memories, "memory", i)
    }
    fn global_index(&mut self, i: u32) -> ReResult {
        Self::map(&self.0.globals, "global", i)
    }
    fn tag_index(&mut self, i: u32) -> ReResult {
        Self::map(&self.0.tags, "tag", i)
    }
    fn element_index(&mut self, i: u32) -> ReResult {
        Self::map(&self.0.elems, "element segment", i)
    }
    fn data_index(&mut self, i: u32) -> ReResult {
        Self::map(&self.0.datas, "data segment", i)
    }
}

pub(crate) fn reencode_error(e: wasm_encoder::reencode::Error<RemapError>) -> Error {
    match e {
        wasm_encoder::reencode::Error::ParseError(e) => Error::from(e),
        other => Error::new(ErrorKind::Emit(other.to_string())),
    }
}

/// Custom sections whose contents refer to code offsets or function indices.
fn describes_code(name: &str) -> bool {
    name.starts_with(".debug_")
        || name.starts_with("reloc.")
        || name.starts_with("metadata.code.")
        || matches!(name, "sourceMappingURL" | "external_debug_info" | "linking")
}

struct Emitter<'m> {
    m: &'m Module,
    maps: IndexMaps,
    out: Vec<u8>,
    report: EmitReport,
}

impl<'m> Emitter<'m> {
    fn new(m: &'m Module) -> Self {
        // The output is about the input's size: reserving it up front saves the copies (and
        // the doubled peak memory) of growing the buffer.
        let mut out = Vec::with_capacity(m.source.as_ref().map_or(0, |s| s.bytes.len()));
        out.extend_from_slice(b"\0asm\x01\0\0\0");
        Emitter {
            m,
            maps: IndexMaps::new(m),
            out,
            report: EmitReport::default(),
        }
    }

    fn re(&self) -> Remap<'_> {
        Remap(&self.maps)
    }

    fn run(mut self) -> Result<(Vec<u8>, EmitReport)> {
        let code_unchanged = self.code_unchanged();
        self.customs(None, code_unchanged)?;
        for id in SectionId::ALL {
            self.section(id)?;
            self.customs(Some(id), code_unchanged)?;
        }
        Ok((self.out, self.report))
    }

    /// Whether the code section will be the input's, byte for byte.
    fn code_unchanged(&self) -> bool {
        let Some(src) = &self.m.source else {
            return false;
        };
        let locals: Vec<&LocalFunc> = self.m.funcs.iter().filter_map(|(_, f)| f.local()).collect();
        self.maps.all_identity()
            && locals.len() == src.local_funcs
            && locals.iter().all(|f| !f.is_modified())
    }

    fn present(&self, id: SectionId) -> bool {
        self.original(id).is_some()
    }

    /// The input's encoding of standard section `id`, if it had one.
    fn original(&self, id: SectionId) -> Option<std::ops::Range<usize>> {
        self.m
            .present
            .iter()
            .find(|(s, _)| *s == id)
            .map(|(_, r)| r.clone())
    }

    /// Appends a section. When its contents equal those of the input's section `original`, the
    /// input's bytes are copied instead, so that a non-minimal size field survives too.
    fn write(&mut self, section: &impl Section, original: Option<std::ops::Range<usize>>) {
        self.write_with(section.id(), original, |out| section.encode(out));
    }

    /// Appends section `id`, whose size field and contents `encode` writes straight into the
    /// output. When the contents equal those of the input's section `original`, the input's
    /// bytes replace them, so that a non-minimal size field survives too.
    fn write_with(
        &mut self,
        id: u8,
        original: Option<std::ops::Range<usize>>,
        encode: impl FnOnce(&mut Vec<u8>),
    ) {
        let start = self.out.len();
        self.out.push(id);
        encode(&mut self.out);
        let (Some(range), Some(src)) = (original, &self.m.source) else {
            return;
        };
        let old = &src.bytes[range];
        let new = &self.out[start..];
        if old == new {
            return;
        }
        let same_contents = match (section_contents(&old[1..]), section_contents(&new[1..])) {
            (Some(old_contents), Some(new_contents)) => {
                old[0] == id && old_contents == new_contents
            }
            _ => false,
        };
        if same_contents {
            self.out.truncate(start);
            self.out.extend_from_slice(old);
        }
    }

    fn customs(&mut self, after: Option<SectionId>, code_unchanged: bool) -> Result<()> {
        for c in self.m.customs.iter().filter(|c| c.after == after) {
            if c.name == "name" && self.m.names.parsed {
                let names = names::encode(&self.m.names, &self.maps);
                self.write(&names, c.original.clone());
                continue;
            }
            let stale = describes_code(&c.name) || c.name == "name";
            if stale && !code_unchanged {
                self.report.dropped_sections.push(c.name.clone());
                continue;
            }
            let section = wasm_encoder::CustomSection {
                name: Cow::Borrowed(&c.name),
                data: Cow::Borrowed(&c.data),
            };
            self.write(&section, c.original.clone());
        }
        Ok(())
    }

    fn push(&mut self, id: SectionId, nonempty: bool, section: &impl Section) {
        if nonempty || self.present(id) {
            self.write(section, self.original(id));
        }
    }

    fn section(&mut self, id: SectionId) -> Result<()> {
        let m = self.m;
        let err = reencode_error;
        match id {
            SectionId::Type => {
                let mut s = wasm_encoder::TypeSection::new();
                for group in &m.rec_groups {
                    let live: Vec<_> = group.types.iter().filter_map(|t| m.types.get(*t)).collect();
                    if live.is_empty() && !group.types.is_empty() {
                        // Every type of the group was removed.
                        continue;
                    }
                    let subs = live
                        .iter()
                        .map(|t| self.re().sub_type(t.to_wp()).map_err(err))
                        .collect::<Result<Vec<_>>>()?;
                    match subs.as_slice() {
                        [one] if !group.explicit => s.ty().subtype(one),
                        _ => s.ty().rec(subs),
                    };
                }
                self.push(id, !s.is_empty(), &s);
            }
            SectionId::Import => {
                let mut s = wasm_encoder::ImportSection::new();
                for (_, imp) in m.imports.iter() {
                    let ty = match imp.item {
                        ImportItem::Func { func, exact } => {
                            let ty = m
                                .funcs
                                .get(func)
                                .ok_or_else(|| missing("imported function", func.index()))?
                                .ty
                                .index();
                            if exact {
                                wasmparser::TypeRef::FuncExact(ty)
                            } else {
                                wasmparser::TypeRef::Func(ty)
                            }
                        }
                        ImportItem::Table(t) => wasmparser::TypeRef::Table(
                            m.tables
                                .get(t)
                                .ok_or_else(|| missing("imported table", t.index()))?
                                .ty
                                .to_wp(),
                        ),
                        ImportItem::Memory(t) => wasmparser::TypeRef::Memory(
                            m.memories
                                .get(t)
                                .ok_or_else(|| missing("imported memory", t.index()))?
                                .ty,
                        ),
                        ImportItem::Global(t) => wasmparser::TypeRef::Global(
                            m.globals
                                .get(t)
                                .ok_or_else(|| missing("imported global", t.index()))?
                                .ty
                                .to_wp(),
                        ),
                        ImportItem::Tag(t) => wasmparser::TypeRef::Tag(wasmparser::TagType {
                            kind: wasmparser::TagKind::Exception,
                            func_type_idx: m
                                .tags
                                .get(t)
                                .ok_or_else(|| missing("imported tag", t.index()))?
                                .ty
                                .func_type
                                .index(),
                        }),
                    };
                    let ty = self.re().entity_type(ty).map_err(err)?;
                    s.import(&imp.module, &imp.name, ty);
                }
                self.push(id, !s.is_empty(), &s);
            }
            SectionId::Function => {
                let mut s = wasm_encoder::FunctionSection::new();
                for (_, f) in m.funcs.iter().filter(|(_, f)| f.local().is_some()) {
                    s.function(self.re().type_index(f.ty.index()).map_err(err)?);
                }
                self.push(id, !s.is_empty(), &s);
            }
            SectionId::Table => {
                let mut s = wasm_encoder::TableSection::new();
                for (_, t) in m.tables.iter().filter(|(_, t)| t.import.is_none()) {
                    let ty = self.re().table_type(t.ty.to_wp()).map_err(err)?;
                    match &t.init {
                        None => s.table(ty),
                        Some(init) => {
                            s.table_with_init(ty, &code::encode_const_expr(init, &mut self.re())?)
                        }
                    };
                }
                self.push(id, !s.is_empty(), &s);
            }
            SectionId::Memory => {
                let mut s = wasm_encoder::MemorySection::new();
                for (_, mem) in m.memories.iter().filter(|(_, t)| t.import.is_none()) {
                    s.memory(self.re().memory_type(mem.ty).map_err(err)?);
                }
                self.push(id, !s.is_empty(), &s);
            }
            SectionId::Tag => {
                let mut s = wasm_encoder::TagSection::new();
                for (_, t) in m.tags.iter().filter(|(_, t)| t.import.is_none()) {
                    s.tag(wasm_encoder::TagType {
                        kind: wasm_encoder::TagKind::Exception,
                        func_type_idx: self.re().type_index(t.ty.func_type.index()).map_err(err)?,
                    });
                }
                self.push(id, !s.is_empty(), &s);
            }
            SectionId::Global => {
                let mut s = wasm_encoder::GlobalSection::new();
                for (_, g) in m.globals.iter() {
                    if let GlobalKind::Local(init) = &g.kind {
                        let ty = self.re().global_type(g.ty.to_wp()).map_err(err)?;
                        s.global(ty, &code::encode_const_expr(init, &mut self.re())?);
                    }
                }
                self.push(id, !s.is_empty(), &s);
            }
            SectionId::Export => {
                let mut s = wasm_encoder::ExportSection::new();
                for (_, e) in m.exports.iter() {
                    let mut re = self.re();
                    let (kind, index) = match e.item {
                        // wasm-encoder has no exact export kind (nor does its reencoder): such
                        // exports are written as plain function exports.
                        ExportItem::Func { func, .. } => (
                            wasm_encoder::ExportKind::Func,
                            re.function_index(func.index()),
                        ),
                        ExportItem::Table(t) => {
                            (wasm_encoder::ExportKind::Table, re.table_index(t.index()))
                        }
                        ExportItem::Memory(t) => {
                            (wasm_encoder::ExportKind::Memory, re.memory_index(t.index()))
                        }
                        ExportItem::Global(t) => {
                            (wasm_encoder::ExportKind::Global, re.global_index(t.index()))
                        }
                        ExportItem::Tag(t) => {
                            (wasm_encoder::ExportKind::Tag, re.tag_index(t.index()))
                        }
                    };
                    s.export(&e.name, kind, index.map_err(err)?);
                }
                self.push(id, !s.is_empty(), &s);
            }
            SectionId::Start => {
                if let Some(f) = m.start {
                    let function_index = self.re().function_index(f.index()).map_err(err)?;
                    self.write(
                        &wasm_encoder::StartSection { function_index },
                        self.original(id),
                    );
                }
            }
            SectionId::Element => {
                let mut s = wasm_encoder::ElementSection::new();
                for (_, e) in m.elems.iter() {
                    let mut re = self.re();
                    let items = match &e.items {
                        ElemItems::Functions(fs) => wasm_encoder::Elements::Functions(Cow::Owned(
                            fs.iter()
                                .map(|f| re.function_index(f.index()).map_err(err))
                                .collect::<Result<_>>()?,
                        )),
                        ElemItems::Expressions(ty, exprs) => wasm_encoder::Elements::Expressions(
                            re.ref_type(ty.to_wp()).map_err(err)?,
                            Cow::Owned(
                                exprs
                                    .iter()
                                    .map(|x| code::encode_const_expr(x, &mut re))
                                    .collect::<Result<_>>()?,
                            ),
                        ),
                    };
                    match &e.kind {
                        ElemKind::Passive => s.passive(items),
                        ElemKind::Declared => s.declared(items),
                        ElemKind::Active {
                            table,
                            implicit_table,
                            offset,
                        } => {
                            let t = re.table_index(table.index()).map_err(err)?;
                            let t = if *implicit_table && t == 0 {
                                None
                            } else {
                                Some(t)
                            };
                            s.active(t, &code::encode_const_expr(offset, &mut re)?, items)
                        }
                    };
                }
                self.push(id, !s.is_empty(), &s);
            }
            SectionId::DataCount => {
                if self.present(id) || self.needs_data_count()? {
                    self.write(
                        &wasm_encoder::DataCountSection {
                            count: m.datas.len() as u32,
                        },
                        self.original(id),
                    );
                }
            }
            SectionId::Code => self.code()?,
            SectionId::Data => self.data()?,
        }
        Ok(())
    }

    /// Writes the data section segment by segment, each segment's bytes straight from the
    /// input into the output (wasm-encoder's `DataSection` would hold a second copy).
    fn data(&mut self) -> Result<()> {
        let m = self.m;
        if m.datas.is_empty() && !self.present(SectionId::Data) {
            return Ok(());
        }
        // Each segment's header: its flags, memory, offset expression and length.
        let mut headers = Vec::with_capacity(m.datas.len());
        for (_, d) in m.datas.iter() {
            let mut header = Vec::new();
            match &d.kind {
                DataKind::Passive => header.push(1),
                DataKind::Active { memory, offset } => {
                    let mut re = self.re();
                    let mem = re.memory_index(memory.index()).map_err(reencode_error)?;
                    if mem == 0 {
                        header.push(0);
                    } else {
                        header.push(2);
                        mem.encode(&mut header);
                    }
                    code::encode_const_expr(offset, &mut re)?.encode(&mut header);
                }
            }
            d.bytes.len().encode(&mut header);
            headers.push(header);
        }
        let mut count = Vec::new();
        m.datas.len().encode(&mut count);
        let size = count.len()
            + headers.iter().map(Vec::len).sum::<usize>()
            + m.datas.iter().map(|(_, d)| d.bytes.len()).sum::<usize>();
        let original = self.original(SectionId::Data);
        self.write_with(wasm_encoder::SectionId::Data as u8, original, |out| {
            size.encode(out);
            out.extend_from_slice(&count);
            for (header, (_, d)) in headers.iter().zip(m.datas.iter()) {
                out.extend_from_slice(header);
                out.extend_from_slice(&d.bytes);
            }
        });
        Ok(())
    }

    /// Whether a changed body uses `memory.init` or `data.drop`, which need a data count section.
    fn needs_data_count(&self) -> Result<bool> {
        for (_, f) in self.m.funcs.iter() {
            if let Some(local) = f.local().filter(|l| l.is_modified()) {
                let instrs = local.instrs()?;
                if instrs
                    .iter()
                    .any(|i| matches!(i, Instr::MemoryInit { .. } | Instr::DataDrop { .. }))
                {
                    return Ok(true);
                }
            }
        }
        Ok(false)
    }

    fn code(&mut self) -> Result<()> {
        let m = self.m;
        if self.code_unchanged() {
            if let (Some(range), Some(src)) = (self.original(SectionId::Code), &m.source) {
                self.out.extend_from_slice(&src.bytes[range]);
                self.report.copied_bodies = src.local_funcs;
            }
            return Ok(());
        }
        let identity = self.maps.all_identity();
        let funcs: Vec<(FuncId, &LocalFunc)> = m
            .funcs
            .iter()
            .filter_map(|(id, f)| Some((id, f.local()?)))
            .collect();
        let maps = &self.maps;
        let bodies: Vec<Result<Cow<'_, [u8]>>> = funcs
            .par_iter()
            .map(|(id, f)| {
                let mut re = Remap(maps);
                let r = match f.original_bytes() {
                    Some(bytes) if identity => Ok(Cow::Borrowed(bytes)),
                    _ => f
                        .instrs()
                        .and_then(|instrs| code::encode_body(f, &instrs, &mut re).map(Cow::Owned)),
                };
                r.map_err(|e| crate::parse::in_func(m, *id, e))
            })
            .collect();
        let mut s = wasm_encoder::CodeSection::new();
        for body in bodies {
            let body = body?;
            s.raw(&body);
        }
        self.report.copied_bodies = funcs.iter().filter(|(_, f)| !f.is_modified()).count();
        self.report.encoded_bodies = funcs.len()
            - if identity {
                self.report.copied_bodies
            } else {
                0
            };
        self.push(SectionId::Code, !s.is_empty(), &s);
        Ok(())
    }
}

/// The contents of an encoded section after its size field, if the size field is well formed.
fn section_contents(sized: &[u8]) -> Option<&[u8]> {
    let mut reader = wasmparser::BinaryReader::new(sized, 0);
    let len = reader.read_var_u32().ok()? as usize;
    let start = reader.original_position() as usize;
    sized.get(start..start.checked_add(len)?)
}

fn missing(what: &str, id: u32) -> Error {
    Error::new(ErrorKind::Emit(format!(
        "reference to a removed or unknown {what} (id {id})"
    )))
}
