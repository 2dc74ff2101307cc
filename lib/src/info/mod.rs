//! `info`: a summary of a module's layout and contents, like `wasm-objdump -h` and more.
//!
//! [`module_info`] reads a binary once, decoding only what the report needs: the section table,
//! imports, exports, memories, tables, counts, custom sections, and every function body's
//! operators (scanned in parallel) to find the [`Feature`]s the module actually uses. The result,
//! [`ModuleInfo`], is plain data that serialises with serde; rendering it is up to the caller.
//!
//! For a component, only the top-level section table is reported ([`InputKind::Component`]).

mod custom;
mod features;
mod report;
#[cfg(test)]
mod tests;

pub use custom::{CustomInfo, NameSectionInfo, NameSubsection};
pub use features::{Evidence, Feature, FeatureUse};
pub use report::*;

use crate::{Error, ErrorKind, FuncContext, Result};
use features::FeatureScan;
use rayon::prelude::*;
use std::collections::BTreeMap;
use wasmparser::{
    CompositeInnerType, DataKind, ElementItems, ElementKind, Encoding, ExternalKind, FuncType,
    FunctionBody, Imports, MemoryType, Parser, Payload, RefType, StorageType, TableInit, TableType,
    TypeRef,
};

/// Computes the report for a binary module or component.
///
/// Errors are malformed binaries (with the offset, and the function for errors in a body).
/// Validation is not performed: an invalid but well-formed module is reported as it is.
pub fn module_info(wasm: &[u8], options: &InfoOptions) -> Result<ModuleInfo> {
    let mut b = Builder::new(wasm.len() as u64);
    for payload in Parser::new(0).parse_all(wasm) {
        b.payload(payload?)?;
    }
    b.finish(options)
}

/// Accumulates the report while walking the payloads.
struct Builder<'a> {
    info: ModuleInfo,
    /// Nesting depth inside a component (only depth 0 is reported).
    depth: u32,
    /// End of the previous top-level section, where the next one's header starts.
    prev_end: u64,
    func_types: Vec<Option<FuncType>>,
    /// Type index of every function (imports first).
    func_type_of: Vec<u32>,
    global_mutable: Vec<bool>,
    bodies: Vec<FunctionBody<'a>>,
    code_size: u64,
    scan: FeatureScan,
    custom: custom::CustomScan<'a>,
}

impl<'a> Builder<'a> {
    fn new(size: u64) -> Self {
        Builder {
            info: ModuleInfo {
                schema: SCHEMA_VERSION,
                kind: InputKind::Module,
                size,
                version: 0,
                sections: Vec::new(),
                types: TypeCounts::default(),
                imports: Vec::new(),
                exports: Vec::new(),
                functions: ItemCounts::default(),
                memories: Vec::new(),
                tables: Vec::new(),
                globals: GlobalCounts::default(),
                tags: ItemCounts::default(),
                data: DataCounts::default(),
                elements: ElementCounts::default(),
                start: None,
                features: Vec::new(),
                custom: CustomInfo::default(),
                largest_functions: Vec::new(),
            },
            depth: 0,
            prev_end: 8,
            func_types: Vec::new(),
            func_type_of: Vec::new(),
            global_mutable: Vec::new(),
            bodies: Vec::new(),
            code_size: 0,
            scan: FeatureScan::default(),
            custom: custom::CustomScan::default(),
        }
    }

    fn payload(&mut self, payload: Payload<'a>) -> Result<()> {
        if let Payload::Version { num, encoding, .. } = &payload {
            if self.depth == 0 && self.info.version == 0 {
                self.info.version = *num;
                if *encoding == Encoding::Component {
                    self.info.kind = InputKind::Component;
                }
            }
            return Ok(());
        }
        if let Payload::End(_) = payload {
            self.depth = self.depth.saturating_sub(1);
            return Ok(());
        }
        if self.depth > 0 {
            if matches!(
                payload,
                Payload::ModuleSection { .. } | Payload::ComponentSection { .. }
            ) {
                self.depth += 1;
            }
            return Ok(());
        }
        if let Some((id, range)) = payload.as_section() {
            self.section(id, range, &payload);
        }
        if self.info.kind == InputKind::Component {
            if matches!(
                payload,
                Payload::ModuleSection { .. } | Payload::ComponentSection { .. }
            ) {
                self.depth += 1;
            }
            return Ok(());
        }
        self.module_payload(payload)
    }

    /// Adds a row to the section table.
    fn section(&mut self, id: u8, range: std::ops::Range<u64>, payload: &Payload<'_>) {
        use Payload as P;
        let count = match payload {
            P::TypeSection(s) => Some(s.count()),
            P::ImportSection(s) => Some(s.count()),
            P::FunctionSection(s) => Some(s.count()),
            P::TableSection(s) => Some(s.count()),
            P::MemorySection(s) => Some(s.count()),
            P::TagSection(s) => Some(s.count()),
            P::GlobalSection(s) => Some(s.count()),
            P::ExportSection(s) => Some(s.count()),
            P::ElementSection(s) => Some(s.count()),
            P::DataSection(s) => Some(s.count()),
            P::DataCountSection { count, .. } | P::CodeSectionStart { count, .. } => Some(*count),
            P::InstanceSection(s) => Some(s.count()),
            P::CoreTypeSection(s) => Some(s.count()),
            P::ComponentInstanceSection(s) => Some(s.count()),
            P::ComponentAliasSection(s) => Some(s.count()),
            P::ComponentTypeSection(s) => Some(s.count()),
            P::ComponentCanonicalSection(s) => Some(s.count()),
            P::ComponentImportSection(s) => Some(s.count()),
            P::ComponentExportSection(s) => Some(s.count()),
            _ => None,
        };
        let name = match payload {
            P::CustomSection(c) => Some(c.name().to_string()),
            _ => None,
        };
        let kind = if self.info.kind == InputKind::Component {
            component_section_kind(id)
        } else {
            module_section_kind(id)
        };
        self.info.sections.push(SectionInfo {
            id,
            kind,
            name,
            offset: self.prev_end,
            payload_offset: range.start,
            size: range.end - range.start,
            count,
        });
        self.prev_end = range.end;
    }

    fn module_payload(&mut self, payload: Payload<'a>) -> Result<()> {
        match payload {
            Payload::TypeSection(reader) => {
                for group in reader {
                    let group = group?;
                    self.info.types.rec_groups += 1;
                    if group.is_explicit_rec_group() {
                        self.scan.note(Evidence::RecGroup);
                    }
                    for sub in group.types() {
                        self.sub_type(sub);
                    }
                }
            }
            Payload::ImportSection(reader) => {
                for group in reader {
                    let group = group?;
                    if !matches!(group, Imports::Single(..)) {
                        self.scan.note(Evidence::CompactImportGroup);
                    }
                    match group {
                        Imports::Single(_, import) => {
                            self.import(import.module, import.name, import.ty)
                        }
                        Imports::Compact1 { module, items } => {
                            for item in items {
                                let item = item?;
                                self.import(module, item.name, item.ty);
                            }
                        }
                        Imports::Compact2 { module, ty, names } => {
                            for name in names {
                                self.import(module, name?, ty);
                            }
                        }
                    }
                }
            }
            Payload::FunctionSection(reader) => {
                for ty in reader {
                    self.func_type_of.push(ty?);
                    self.info.functions.defined += 1;
                }
            }
            Payload::TableSection(reader) => {
                for table in reader {
                    let table = table?;
                    self.table(table.ty, false);
                    if let TableInit::Expr(expr) = table.init {
                        self.scan.note(Evidence::TableInitExpr);
                        self.scan.const_expr(expr.get_operators_reader())?;
                    }
                }
            }
            Payload::MemorySection(reader) => {
                for memory in reader {
                    self.memory(memory?, false);
                }
            }
            Payload::TagSection(reader) => {
                for tag in reader {
                    tag?;
                    self.info.tags.defined += 1;
                    self.scan.note(Evidence::Tags);
                }
            }
            Payload::GlobalSection(reader) => {
                for global in reader {
                    let global = global?;
                    self.global(global.ty, false);
                    self.scan
                        .const_expr(global.init_expr.get_operators_reader())?;
                }
            }
            Payload::ExportSection(reader) => {
                for export in reader {
                    let export = export?;
                    if export.kind == ExternalKind::Global
                        && self.global_mutable.get(export.index as usize) == Some(&true)
                    {
                        self.scan.note(Evidence::MutableGlobalExport);
                    }
                    if export.kind == ExternalKind::FuncExact {
                        self.scan.note(Evidence::Exact);
                    }
                    self.info.exports.push(ExportInfo {
                        name: export.name.to_string(),
                        kind: external_kind_name(export.kind),
                        index: export.index,
                        function_name: None,
                    });
                }
            }
            Payload::StartSection { func, .. } => {
                self.info.start = Some(FuncRef {
                    index: func,
                    name: None,
                });
            }
            Payload::ElementSection(reader) => {
                for element in reader {
                    let element = element?;
                    match element.kind {
                        ElementKind::Passive => {
                            self.info.elements.passive += 1;
                            self.scan.note(Evidence::PassiveElements);
                        }
                        ElementKind::Declared => {
                            self.info.elements.declared += 1;
                            self.scan.note(Evidence::DeclaredElements);
                        }
                        ElementKind::Active {
                            table_index,
                            offset_expr,
                        } => {
                            self.info.elements.active += 1;
                            if table_index.is_some_and(|t| t != 0) {
                                self.scan.note(Evidence::NonZeroTableIndex);
                            }
                            self.scan.const_expr(offset_expr.get_operators_reader())?;
                        }
                    }
                    match element.items {
                        ElementItems::Functions(f) => {
                            self.info.elements.items += u64::from(f.count())
                        }
                        ElementItems::Expressions(ty, exprs) => {
                            self.info.elements.items += u64::from(exprs.count());
                            if ty != RefType::FUNCREF {
                                self.scan.ref_type(ty);
                            }
                            for expr in exprs {
                                self.scan.const_expr(expr?.get_operators_reader())?;
                            }
                        }
                    }
                }
            }
            Payload::DataCountSection { .. } => self.scan.note(Evidence::DataCountSection),
            Payload::DataSection(reader) => {
                for data in reader {
                    let data = data?;
                    self.info.data.bytes += data.data.len() as u64;
                    match data.kind {
                        DataKind::Passive => {
                            self.info.data.passive += 1;
                            self.scan.note(Evidence::PassiveData);
                        }
                        DataKind::Active {
                            memory_index,
                            offset_expr,
                        } => {
                            self.info.data.active += 1;
                            if memory_index != 0 {
                                self.scan.note(Evidence::NonZeroMemoryIndex);
                            }
                            self.scan.const_expr(offset_expr.get_operators_reader())?;
                        }
                    }
                }
            }
            Payload::CodeSectionStart {
                count,
                unchecked_range,
                ..
            } => {
                self.code_size = unchecked_range.end - unchecked_range.start;
                self.bodies.reserve(count as usize);
            }
            Payload::CodeSectionEntry(body) => self.bodies.push(body),
            Payload::CustomSection(reader) => self.custom.section(&reader),
            _ => {}
        }
        Ok(())
    }

    fn sub_type(&mut self, sub: &wasmparser::SubType) {
        self.info.types.total += 1;
        if !sub.is_final || !sub.supertype_idxs.is_empty() {
            self.scan.note(Evidence::Subtyping);
        }
        let ct = &sub.composite_type;
        if ct.shared {
            self.scan.note(Evidence::SharedItem);
        }
        if ct.descriptor_idx.is_some() || ct.describes_idx.is_some() {
            self.scan.note(Evidence::Descriptor);
        }
        let field = |scan: &mut FeatureScan, st: StorageType| {
            if let StorageType::Val(v) = st {
                scan.val_type(v);
            }
        };
        match &ct.inner {
            CompositeInnerType::Func(f) => {
                self.info.types.func += 1;
                if f.results().len() > 1 {
                    self.scan.note(Evidence::MultiResultFuncType);
                }
                for &t in f.params().iter().chain(f.results()) {
                    self.scan.val_type(t);
                }
                self.func_types.push(Some(f.clone()));
                return;
            }
            CompositeInnerType::Struct(s) => {
                self.info.types.r#struct += 1;
                self.scan.note(Evidence::StructType);
                for f in &s.fields {
                    field(&mut self.scan, f.element_type);
                }
            }
            CompositeInnerType::Array(a) => {
                self.info.types.array += 1;
                self.scan.note(Evidence::ArrayType);
                field(&mut self.scan, a.0.element_type);
            }
            CompositeInnerType::Cont(_) => {
                self.info.types.cont += 1;
                self.scan.note(Evidence::ContType);
            }
        }
        self.func_types.push(None);
    }

    fn import(&mut self, module: &str, name: &str, ty: TypeRef) {
        let (kind, index, summary) = match ty {
            TypeRef::Func(t) | TypeRef::FuncExact(t) => {
                if matches!(ty, TypeRef::FuncExact(_)) {
                    self.scan.note(Evidence::Exact);
                }
                let index = self.info.functions.imported;
                self.info.functions.imported += 1;
                self.func_type_of.push(t);
                ("func", index, self.func_type_summary(t))
            }
            TypeRef::Table(t) => ("table", self.table(t, true), table_summary(&t)),
            TypeRef::Memory(m) => ("memory", self.memory(m, true), memory_summary(&m)),
            TypeRef::Global(g) => {
                if g.mutable {
                    self.scan.note(Evidence::MutableGlobalImport);
                }
                let index = self.global(g, true);
                let summary = if g.mutable {
                    format!("(mut {})", g.content_type)
                } else {
                    g.content_type.to_string()
                };
                ("global", index, summary)
            }
            TypeRef::Tag(t) => {
                self.scan.note(Evidence::Tags);
                let index = self.info.tags.imported;
                self.info.tags.imported += 1;
                ("tag", index, self.func_type_summary(t.func_type_idx))
            }
        };
        self.info.imports.push(ImportInfo {
            module: module.to_string(),
            name: name.to_string(),
            kind,
            index,
            r#type: summary,
        });
    }

    fn func_type_summary(&self, index: u32) -> String {
        match self.func_types.get(index as usize) {
            Some(Some(f)) => f.to_string(),
            _ => format!("(type {index})"),
        }
    }

    fn table(&mut self, t: TableType, imported: bool) -> u32 {
        let index = self.info.tables.len() as u32;
        if index == 1 {
            self.scan.note(Evidence::MultipleTables);
        }
        // A table of `funcref` is MVP; anything else needs at least reference types.
        if t.element_type != RefType::FUNCREF {
            self.scan.note(Evidence::NonFuncrefTable);
            self.scan.ref_type(t.element_type);
        }
        if t.table64 {
            self.scan.note(Evidence::Table64);
        }
        if t.shared {
            self.scan.note(Evidence::SharedItem);
        }
        self.info.tables.push(TableInfo {
            index,
            imported,
            element_type: t.element_type.to_string(),
            min: t.initial,
            max: t.maximum,
            table64: t.table64,
            shared: t.shared,
        });
        index
    }

    fn memory(&mut self, m: MemoryType, imported: bool) -> u32 {
        let index = self.info.memories.len() as u32;
        if index == 1 {
            self.scan.note(Evidence::MultipleMemories);
        }
        if m.shared {
            self.scan.note(Evidence::SharedMemory);
        }
        if m.memory64 {
            self.scan.note(Evidence::Memory64Memory);
        }
        if m.page_size_log2.is_some() {
            self.scan.note(Evidence::CustomPageSize);
        }
        self.info.memories.push(MemoryInfo {
            index,
            imported,
            min: m.initial,
            max: m.maximum,
            memory64: m.memory64,
            shared: m.shared,
            page_size: page_size(&m),
        });
        index
    }

    fn global(&mut self, g: wasmparser::GlobalType, imported: bool) -> u32 {
        let index = self.global_mutable.len() as u32;
        self.global_mutable.push(g.mutable);
        if imported {
            self.info.globals.imported += 1;
        } else {
            self.info.globals.defined += 1;
        }
        if g.mutable {
            self.info.globals.mutable += 1;
        }
        if g.shared {
            self.scan.note(Evidence::SharedItem);
        }
        self.scan.val_type(g.content_type);
        index
    }

    fn finish(mut self, options: &InfoOptions) -> Result<ModuleInfo> {
        let imported = self.info.functions.imported;

        // Names are needed for the largest functions, exported functions, the start function,
        // and a function whose body turns out to be malformed.
        let mut largest: Vec<(u32, u64)> = self
            .bodies
            .iter()
            .enumerate()
            .map(|(i, b)| {
                (imported + i as u32, {
                    let r = b.range();
                    r.end - r.start
                })
            })
            .collect();
        let n = options.largest_functions.min(largest.len());
        let by_size = |a: &(u32, u64), b: &(u32, u64)| b.1.cmp(&a.1).then(a.0.cmp(&b.0));
        if n > 0 && n < largest.len() {
            largest.select_nth_unstable_by(n - 1, by_size);
        }
        largest.truncate(n);
        largest.sort_by(by_size);

        let scan = scan_bodies(&self.bodies, imported);
        let mut wanted: BTreeMap<u32, Option<String>> = BTreeMap::new();
        wanted.extend(largest.iter().map(|&(i, _)| (i, None)));
        wanted.extend(
            self.info
                .exports
                .iter()
                .filter(|e| e.kind == "func")
                .map(|e| (e.index, None)),
        );
        wanted.extend(self.info.start.iter().map(|s| (s.index, None)));
        if let Err((func, _)) = &scan {
            wanted.insert(*func, None);
        }
        self.custom.resolve_function_names(&mut wanted);
        let name_of = |i: u32| wanted.get(&i).cloned().flatten();

        let body_scan = scan.map_err(|(index, source)| {
            Error::new(ErrorKind::BinaryInFunc {
                func: FuncContext {
                    index,
                    name: name_of(index),
                },
                source,
            })
        })?;
        self.scan.merge(&body_scan);

        for e in &mut self.info.exports {
            if e.kind == "func" {
                e.function_name = name_of(e.index);
            }
        }
        if let Some(start) = &mut self.info.start {
            start.name = name_of(start.index);
        }
        let code_size = self.code_size.max(1) as f64;
        let mut first_export: BTreeMap<u32, &str> = BTreeMap::new();
        for e in self.info.exports.iter().filter(|e| e.kind == "func") {
            first_export.entry(e.index).or_insert(&e.name);
        }
        let export_of = |i: u32| first_export.get(&i).map(|s| s.to_string());
        self.info.largest_functions = largest
            .into_iter()
            .map(|(index, size)| FuncSize {
                index,
                name: name_of(index),
                export: export_of(index),
                size,
                percent: size as f64 * 100.0 / code_size,
            })
            .collect();
        self.info.features = self.scan.report();
        self.info.custom = self.custom.info;
        Ok(self.info)
    }
}

/// Scans every body in parallel. Each thread folds its share into one [`FeatureScan`]; merging
/// is order-independent and the error kept is the one in the lowest-numbered function, so the
/// result does not depend on the thread count.
fn scan_bodies(
    bodies: &[FunctionBody<'_>],
    first_index: u32,
) -> std::result::Result<FeatureScan, (u32, wasmparser::BinaryReaderError)> {
    type Acc = std::result::Result<FeatureScan, (u32, wasmparser::BinaryReaderError)>;
    fn join(a: Acc, b: Acc) -> Acc {
        match (a, b) {
            (Ok(mut a), Ok(b)) => {
                a.merge(&b);
                Ok(a)
            }
            (Err(a), Err(b)) => Err(if b.0 < a.0 { b } else { a }),
            (Err(e), Ok(_)) | (Ok(_), Err(e)) => Err(e),
        }
    }
    bodies
        .par_iter()
        .enumerate()
        .with_min_len(64)
        .fold(
            || Ok(FeatureScan::default()),
            |acc: Acc, (i, body)| {
                let func = first_index + i as u32;
                match acc {
                    Ok(mut scan) => match scan.body(func, body) {
                        Ok(()) => Ok(scan),
                        Err(e) => Err((func, e)),
                    },
                    // Functions are visited in increasing order within a fold, so the first error
                    // kept is already this share's lowest.
                    Err(e) => Err(e),
                }
            },
        )
        .reduce(|| Ok(FeatureScan::default()), join)
}

fn page_size(m: &MemoryType) -> u64 {
    match m.page_size_log2 {
        Some(log2) => 1u64.checked_shl(log2).unwrap_or(0),
        None => 65536,
    }
}

fn limits(min: u64, max: Option<u64>) -> String {
    match max {
        Some(max) => format!("{min} {max}"),
        None => min.to_string(),
    }
}

fn table_summary(t: &TableType) -> String {
    let mut s = String::new();
    if t.shared {
        s.push_str("shared ");
    }
    if t.table64 {
        s.push_str("i64 ");
    }
    s.push_str(&limits(t.initial, t.maximum));
    s.push(' ');
    s.push_str(&t.element_type.to_string());
    s
}

fn memory_summary(m: &MemoryType) -> String {
    let mut s = String::new();
    if m.memory64 {
        s.push_str("i64 ");
    }
    s.push_str(&limits(m.initial, m.maximum));
    if m.shared {
        s.push_str(" shared");
    }
    if let Some(log2) = m.page_size_log2 {
        s.push_str(&format!(
            " (pagesize {})",
            1u64.checked_shl(log2).unwrap_or(0)
        ));
    }
    s
}

fn external_kind_name(kind: ExternalKind) -> &'static str {
    match kind {
        ExternalKind::Func | ExternalKind::FuncExact => "func",
        ExternalKind::Table => "table",
        ExternalKind::Memory => "memory",
        ExternalKind::Global => "global",
        ExternalKind::Tag => "tag",
    }
}

fn module_section_kind(id: u8) -> String {
    match crate::ir::section_name(id) {
        Some(name) => name.to_string(),
        None => format!("unknown-{id}"),
    }
}

fn component_section_kind(id: u8) -> String {
    match id {
        0 => "custom",
        1 => "core-module",
        2 => "core-instance",
        3 => "core-type",
        4 => "component",
        5 => "instance",
        6 => "alias",
        7 => "type",
        8 => "canon",
        9 => "start",
        10 => "import",
        11 => "export",
        12 => "value",
        _ => return format!("unknown-{id}"),
    }
    .to_string()
}
