//! Reading a binary into a [`Module`].
//!
//! Sections are read in order with wasmparser. Every item gets the id equal to its index, so an
//! unmodified module maps ids to themselves. Function bodies are not decoded: each keeps a slice
//! of the input, and only its locals are read, in parallel.

pub(crate) mod code;
mod names;

use crate::ir::*;
use crate::{Error, ErrorKind, Result};
use rayon::prelude::*;
use std::sync::Arc;
use wasmparser::{Parser, Payload};

impl Module {
    /// Parses a binary core module, copying `bytes`.
    pub fn parse(bytes: &[u8]) -> Result<Module> {
        Self::from_vec(bytes.to_vec())
    }

    /// Parses a binary core module, taking ownership of the buffer (function bodies, data
    /// segments and custom sections point into it instead of being copied).
    ///
    /// The module is not validated: use [`crate::validate`] first when the input is untrusted
    /// and a pass needs a valid module.
    pub fn from_vec(bytes: Vec<u8>) -> Result<Module> {
        crate::input::ensure_core_module(&bytes, "the module IR")?;
        parse(Arc::new(bytes))
    }
}

fn parse(src: Arc<Vec<u8>>) -> Result<Module> {
    let mut m = Module::new();
    let mut after: Option<SectionId> = None;
    let mut local_func_types: Vec<(TypeId, usize)> = Vec::new();
    let mut bodies: Vec<(std::ops::Range<usize>, usize)> = Vec::new();
    let mut code_section_offset = 0;
    // Sections are contiguous: each starts where the previous one ended.
    let mut section_start = 8;

    for payload in Parser::new(0).parse_all(&src) {
        let payload = payload?;
        let payload_end = match &payload {
            Payload::CodeSectionStart {
                unchecked_range, ..
            } => Some(unchecked_range.end as usize),
            other => other.as_section().map(|(_, r)| r.end as usize),
        };
        let section = match payload {
            Payload::Version {
                encoding: wasmparser::Encoding::Component,
                ..
            } => {
                return Err(Error::new(ErrorKind::Component {
                    what: "the module IR",
                }));
            }
            Payload::Version { .. } => None,
            Payload::TypeSection(reader) => {
                for group in reader {
                    let group = group?;
                    let explicit = group.is_explicit_rec_group();
                    let types = group
                        .into_types()
                        .map(|sub| Ok(m.types.push(SubType::from_wp(&sub)?)))
                        .collect::<Result<Vec<_>>>()?;
                    m.rec_groups.push(RecGroup { explicit, types });
                }
                Some(SectionId::Type)
            }
            Payload::ImportSection(reader) => {
                for imports in reader {
                    match imports? {
                        wasmparser::Imports::Single(_, import) => {
                            add_import(&mut m, import.module, import.name, import.ty)?
                        }
                        wasmparser::Imports::Compact1 { module, items } => {
                            for item in items {
                                let item = item?;
                                add_import(&mut m, module, item.name, item.ty)?;
                            }
                        }
                        wasmparser::Imports::Compact2 { module, ty, names } => {
                            for name in names {
                                add_import(&mut m, module, name?, ty)?;
                            }
                        }
                    }
                }
                Some(SectionId::Import)
            }
            Payload::FunctionSection(reader) => {
                for ty in reader.into_iter_with_offsets() {
                    let (offset, ty) = ty?;
                    local_func_types.push((TypeId::from_index(ty), offset as usize));
                }
                Some(SectionId::Function)
            }
            Payload::TableSection(reader) => {
                for table in reader {
                    let table = table?;
                    let init = match table.init {
                        wasmparser::TableInit::RefNull => None,
                        wasmparser::TableInit::Expr(e) => Some(const_expr(&e)?),
                    };
                    m.tables.push(Table {
                        ty: TableType::from_wp(table.ty)?,
                        init,
                        import: None,
                    });
                }
                Some(SectionId::Table)
            }
            Payload::MemorySection(reader) => {
                for ty in reader {
                    m.memories.push(Memory {
                        ty: ty?,
                        import: None,
                    });
                }
                Some(SectionId::Memory)
            }
            Payload::TagSection(reader) => {
                for ty in reader {
                    m.tags.push(Tag {
                        ty: TagType {
                            func_type: TypeId::from_index(ty?.func_type_idx),
                        },
                        import: None,
                    });
                }
                Some(SectionId::Tag)
            }
            Payload::GlobalSection(reader) => {
                for global in reader {
                    let global = global?;
                    m.globals.push(Global {
                        ty: GlobalType::from_wp(global.ty)?,
                        kind: GlobalKind::Local(const_expr(&global.init_expr)?),
                    });
                }
                Some(SectionId::Global)
            }
            Payload::ExportSection(reader) => {
                for export in reader {
                    let export = export?;
                    let i = export.index;
                    let item = match export.kind {
                        wasmparser::ExternalKind::Func => ExportItem::Func {
                            func: FuncId::from_index(i),
                            exact: false,
                        },
                        wasmparser::ExternalKind::FuncExact => ExportItem::Func {
                            func: FuncId::from_index(i),
                            exact: true,
                        },
                        wasmparser::ExternalKind::Table => {
                            ExportItem::Table(TableId::from_index(i))
                        }
                        wasmparser::ExternalKind::Memory => {
                            ExportItem::Memory(MemoryId::from_index(i))
                        }
                        wasmparser::ExternalKind::Global => {
                            ExportItem::Global(GlobalId::from_index(i))
                        }
                        wasmparser::ExternalKind::Tag => ExportItem::Tag(TagId::from_index(i)),
                    };
                    m.exports.push(Export {
                        name: export.name.to_string(),
                        item,
                    });
                }
                Some(SectionId::Export)
            }
            Payload::StartSection { func, .. } => {
                m.start = Some(FuncId::from_index(func));
                Some(SectionId::Start)
            }
            Payload::ElementSection(reader) => {
                for elem in reader {
                    m.elems.push(element(elem?)?);
                }
                Some(SectionId::Element)
            }
            Payload::DataCountSection { .. } => Some(SectionId::DataCount),
            Payload::DataSection(reader) => {
                for data in reader {
                    let data = data?;
                    let kind = match data.kind {
                        wasmparser::DataKind::Passive => DataKind::Passive,
                        wasmparser::DataKind::Active {
                            memory_index,
                            offset_expr,
                        } => DataKind::Active {
                            memory: MemoryId::from_index(memory_index),
                            offset: const_expr(&offset_expr)?,
                        },
                    };
                    let end = data.range.end as usize;
                    let start = end - data.data.len();
                    m.datas.push(Data {
                        kind,
                        bytes: Bytes::shared(&src, start..end),
                    });
                }
                Some(SectionId::Data)
            }
            Payload::CodeSectionStart {
                unchecked_range: range,
                count,
                ..
            } => {
                let range = range.start as usize..range.end as usize;
                code_section_offset = range.start;
                bodies.reserve(count as usize);
                Some(SectionId::Code)
            }
            Payload::CodeSectionEntry(body) => {
                let range = body.range();
                bodies.push((
                    range.start as usize..range.end as usize,
                    range.start as usize,
                ));
                None
            }
            Payload::CustomSection(reader) => {
                let start = reader.data_offset() as usize;
                let data = Bytes::shared(&src, start..start + reader.data().len());
                if reader.name() == "name" && !m.names.parsed {
                    m.names = names::parse(reader.data(), reader.data_offset());
                }
                let end = start + reader.data().len();
                m.customs.push(CustomSection {
                    name: reader.name().to_string(),
                    data,
                    after,
                    original: Some(section_start..end),
                });
                section_start = end;
                None
            }
            Payload::UnknownSection { id, range, .. } => {
                return Err(Error::malformed(
                    range.start,
                    format!("unknown section id {id}"),
                ));
            }
            Payload::End(_) => break,
            other => {
                let offset = other.as_section().map(|(_, r)| r.start).unwrap_or(0);
                return Err(Error::malformed(
                    offset,
                    "unexpected component section in a core module",
                ));
            }
        };
        if let Some(id) = section {
            after = Some(id);
            let end = payload_end.unwrap_or(section_start);
            m.present.push((id, section_start..end));
            section_start = end;
        }
    }

    if local_func_types.len() != bodies.len() {
        return Err(Error::malformed(
            code_section_offset as u64,
            format!(
                "function and code section have inconsistent lengths: {} declarations, {} bodies",
                local_func_types.len(),
                bodies.len()
            ),
        ));
    }

    // Read every body's locals in parallel; the operators stay undecoded.
    let imported = m.funcs.len() as u32;
    let decoded: Vec<LocalFunc> = bodies
        .par_iter()
        .enumerate()
        .map(|(i, (range, _))| {
            read_locals(&src, range.clone())
                .map_err(|e| in_func(&m, FuncId::from_index(imported + i as u32), e))
        })
        .collect::<Result<_>>()?;
    for ((ty, _), func) in local_func_types.into_iter().zip(decoded) {
        m.funcs.push(Func {
            ty,
            kind: FuncKind::Local(func),
        });
    }
    let local_funcs = bodies.len();
    m.source = Some(Source {
        bytes: src,
        local_funcs,
    });
    Ok(m)
}

/// Reads a body's locals and keeps its operators as a slice of the input.
fn read_locals(src: &Arc<Vec<u8>>, range: std::ops::Range<usize>) -> Result<LocalFunc> {
    let body = wasmparser::FunctionBody::new(wasmparser::BinaryReader::new(
        &src[range.clone()],
        range.start as u64,
    ));
    let mut reader = body.get_locals_reader()?;
    let mut locals = Vec::with_capacity(reader.get_count() as usize);
    for _ in 0..reader.get_count() {
        let (count, ty) = reader.read()?;
        locals.push((count, ValType::from_wp(ty)?));
    }
    let code_start = reader.original_position() as usize;
    Ok(LocalFunc::from_raw(
        locals,
        Bytes::shared(src, range.clone()),
        Bytes::shared(src, code_start..range.end),
        code_start as u64,
    ))
}

/// Adds the function's name and index to an error from inside its body.
pub(crate) fn in_func(m: &Module, func: FuncId, err: Error) -> Error {
    let ctx = crate::FuncContext {
        index: func.index(),
        name: m.func_name(func).map(str::to_string),
    };
    match err.kind() {
        ErrorKind::Binary(source) => Error::new(ErrorKind::BinaryInFunc {
            func: ctx,
            source: source.clone(),
        }),
        _ => err,
    }
}

fn add_import(m: &mut Module, module: &str, name: &str, ty: wasmparser::TypeRef) -> Result<()> {
    let import = ImportId::from_index(m.imports.slots() as u32);
    let item = match ty {
        wasmparser::TypeRef::Func(t) | wasmparser::TypeRef::FuncExact(t) => {
            let exact = matches!(ty, wasmparser::TypeRef::FuncExact(_));
            let func = m.funcs.push(Func {
                ty: TypeId::from_index(t),
                kind: FuncKind::Import(import),
            });
            ImportItem::Func { func, exact }
        }
        wasmparser::TypeRef::Table(t) => ImportItem::Table(m.tables.push(Table {
            ty: TableType::from_wp(t)?,
            init: None,
            import: Some(import),
        })),
        wasmparser::TypeRef::Memory(t) => ImportItem::Memory(m.memories.push(Memory {
            ty: t,
            import: Some(import),
        })),
        wasmparser::TypeRef::Global(t) => ImportItem::Global(m.globals.push(Global {
            ty: GlobalType::from_wp(t)?,
            kind: GlobalKind::Import(import),
        })),
        wasmparser::TypeRef::Tag(t) => ImportItem::Tag(m.tags.push(Tag {
            ty: TagType {
                func_type: TypeId::from_index(t.func_type_idx),
            },
            import: Some(import),
        })),
    };
    m.imports.push(Import {
        module: module.to_string(),
        name: name.to_string(),
        item,
    });
    Ok(())
}

fn const_expr(e: &wasmparser::ConstExpr<'_>) -> Result<ConstExpr> {
    Ok(ConstExpr {
        instrs: code::decode_const_expr(e)?,
    })
}

fn element(elem: wasmparser::Element<'_>) -> Result<Elem> {
    let kind = match elem.kind {
        wasmparser::ElementKind::Passive => ElemKind::Passive,
        wasmparser::ElementKind::Declared => ElemKind::Declared,
        wasmparser::ElementKind::Active {
            table_index,
            offset_expr,
        } => ElemKind::Active {
            table: TableId::from_index(table_index.unwrap_or(0)),
            implicit_table: table_index.is_none(),
            offset: const_expr(&offset_expr)?,
        },
    };
    let items = match elem.items {
        wasmparser::ElementItems::Functions(r) => ElemItems::Functions(
            r.into_iter()
                .map(|f| Ok(FuncId::from_index(f?)))
                .collect::<Result<_>>()?,
        ),
        wasmparser::ElementItems::Expressions(ty, r) => ElemItems::Expressions(
            RefType::from_wp(ty)?,
            r.into_iter()
                .map(|e| const_expr(&e?))
                .collect::<Result<_>>()?,
        ),
    };
    Ok(Elem { kind, items })
}
