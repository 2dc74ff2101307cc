//! Instantiation: validate the module section by section, resolve imports, allocate functions,
//! tables, memories and globals in the store, translate the bodies, initialize active segments
//! and run the start function.

use super::translate::{self, Env};
use super::value::{self, FuncType, HeapType, ValType};
use super::{
    Extern, FuncInst, Global, Instance, InstanceData, InstantiateError, Linker, Memory, Store,
    Table, TrapKind,
};
use crate::error::FuncContext;
use std::collections::BTreeMap;
use wasmparser::{
    ConstExpr, DataKind, ElementItems, ElementKind, ExternalKind, FunctionBody, Operator, Parser,
    Payload, RefType, TypeRef, ValidPayload, Validator,
};

fn unsupported(what: impl Into<String>) -> InstantiateError {
    InstantiateError::Unsupported(what.into())
}

/// Converts a value type; `sigs` gives the store signature id of each module type index (for
/// concrete reference types).
fn val_type(vt: wasmparser::ValType, sigs: &[u32]) -> Result<ValType, InstantiateError> {
    Ok(match vt {
        wasmparser::ValType::I32 => ValType::I32,
        wasmparser::ValType::I64 => ValType::I64,
        wasmparser::ValType::F32 => ValType::F32,
        wasmparser::ValType::F64 => ValType::F64,
        wasmparser::ValType::V128 => ValType::V128,
        wasmparser::ValType::Ref(r) => ValType::Ref(ref_type(r, sigs)?),
    })
}

/// Converts a reference type; a concrete heap type becomes the store signature id of its type
/// (`sigs` by module type index), so that equal function types match across modules.
fn ref_type(r: RefType, sigs: &[u32]) -> Result<value::RefType, InstantiateError> {
    use wasmparser::AbstractHeapType as A;
    let heap = match r.heap_type() {
        wasmparser::HeapType::Abstract { shared: false, ty } => match ty {
            A::Func => HeapType::Func,
            A::NoFunc => HeapType::NoFunc,
            A::Extern => HeapType::Extern,
            A::NoExtern => HeapType::NoExtern,
            A::Any => HeapType::Any,
            A::Eq => HeapType::Eq,
            A::I31 => HeapType::I31,
            A::Struct => HeapType::Struct,
            A::Array => HeapType::Array,
            A::None => HeapType::None,
            A::Exn => HeapType::Exn,
            A::NoExn => HeapType::NoExn,
            A::Cont => HeapType::Cont,
            A::NoCont => HeapType::NoCont,
        },
        wasmparser::HeapType::Abstract { shared: true, .. } => {
            return Err(unsupported(
                "shared_everything_threads shared reference type",
            ));
        }
        wasmparser::HeapType::Concrete(index) => {
            match index.as_module_index().and_then(|i| sigs.get(i as usize)) {
                Some(id) => HeapType::Concrete(*id),
                None => {
                    return Err(unsupported(format!(
                        "gc reference type {r} (not to an earlier type)"
                    )));
                }
            }
        }
        _ => {
            return Err(unsupported(format!(
                "custom_descriptors exact reference type {r}"
            )));
        }
    };
    Ok(value::RefType {
        nullable: r.is_nullable(),
        heap,
    })
}

fn table_type(ty: &wasmparser::TableType) -> Result<(u32, Option<u32>), InstantiateError> {
    if ty.element_type != RefType::FUNCREF || ty.table64 || ty.shared {
        return Err(unsupported(format!(
            "reference_types table of {}",
            ty.element_type
        )));
    }
    Ok((ty.initial as u32, ty.maximum.map(|m| m as u32)))
}

fn memory_type(ty: &wasmparser::MemoryType) -> Result<(u32, Option<u32>), InstantiateError> {
    if ty.memory64 || ty.shared || ty.page_size_log2.is_some() {
        return Err(unsupported("memory64, threads or custom_page_sizes memory"));
    }
    Ok((ty.initial as u32, ty.maximum.map(|m| m as u32)))
}

/// Evaluates a constant expression: a constant or a `global.get`.
fn eval_const(
    store: &Store,
    globals: &[u32],
    expr: &ConstExpr<'_>,
) -> Result<u64, InstantiateError> {
    let mut reader = expr.get_operators_reader();
    let mut value = None;
    while !reader.eof() {
        match reader.read()? {
            Operator::I32Const { value: v } => value = Some(u64::from(v as u32)),
            Operator::I64Const { value: v } => value = Some(v as u64),
            Operator::F32Const { value: v } => value = Some(u64::from(v.bits())),
            Operator::F64Const { value: v } => value = Some(v.bits()),
            Operator::GlobalGet { global_index } => {
                let addr = globals[global_index as usize];
                value = Some(store.globals[addr as usize].value as u64);
            }
            Operator::End => {}
            other => {
                return Err(unsupported(format!(
                    "constant expression operator {other:?}"
                )));
            }
        }
    }
    value.ok_or_else(|| unsupported("empty constant expression"))
}

/// Evaluates an element expression of a `funcref` table: `ref.func` or `ref.null`.
fn eval_ref(funcs: &[u32], expr: &ConstExpr<'_>) -> Result<u32, InstantiateError> {
    let mut reader = expr.get_operators_reader();
    let mut value = None;
    while !reader.eof() {
        match reader.read()? {
            Operator::RefFunc { function_index } => value = Some(funcs[function_index as usize]),
            Operator::RefNull { .. } => value = Some(super::table::NULL),
            Operator::End => {}
            other => {
                return Err(unsupported(format!(
                    "element expression operator {other:?}"
                )));
            }
        }
    }
    value.ok_or_else(|| unsupported("empty element expression"))
}

/// Instantiates `wasm` into `store`.
pub(crate) fn instantiate(
    store: &mut Store,
    wasm: &[u8],
    linker: &Linker,
) -> Result<Instance, InstantiateError> {
    let mut validator = Validator::new_with_features(store.config.features);
    let mut types: Vec<FuncType> = Vec::new();
    let mut func_types: Vec<u32> = Vec::new();
    let mut imports = Vec::new();
    let mut tables = Vec::new();
    let mut memories = Vec::new();
    let mut globals = Vec::new();
    let mut exports = Vec::new();
    let mut start = None;
    let mut elements = Vec::new();
    let mut datas = Vec::new();
    let mut bodies = Vec::new();
    let mut names = BTreeMap::new();
    let mut type_error = None;
    let mut sig_ids: Vec<u32> = Vec::new();
    let mut tags: Vec<u32> = Vec::new();

    for payload in Parser::new(0).parse_all(wasm) {
        let payload = payload?;
        let valid = validator.payload(&payload)?;
        match &payload {
            Payload::TypeSection(reader) => {
                for group in reader.clone().into_iter_err_on_gc_types() {
                    let ty =
                        group.map_err(|_| unsupported("gc types (recursion groups, subtyping)"))?;
                    let params: Result<Vec<_>, _> =
                        ty.params().iter().map(|t| val_type(*t, &sig_ids)).collect();
                    let results: Result<Vec<_>, _> = ty
                        .results()
                        .iter()
                        .map(|t| val_type(*t, &sig_ids))
                        .collect();
                    match (params, results) {
                        (Ok(p), Ok(r)) => types.push(FuncType::new(p, r)),
                        (Err(e), _) | (_, Err(e)) => {
                            // Kept until a function of this type is met: declaring it is harmless.
                            type_error.get_or_insert(e);
                            types.push(FuncType::new(vec![], vec![]));
                        }
                    }
                    if let Some(ty) = types.last() {
                        sig_ids.push(store.intern_sig(ty.clone()));
                    }
                }
                if type_error.is_some() {
                    return Err(type_error.take().unwrap_or_else(|| unsupported("type")));
                }
            }
            Payload::ImportSection(reader) => {
                for import in reader.clone().into_imports() {
                    imports.push(import?);
                }
            }
            Payload::FunctionSection(reader) => {
                for ty in reader.clone() {
                    func_types.push(ty?);
                }
            }
            Payload::TableSection(reader) => {
                for table in reader.clone() {
                    let table = table?;
                    if !matches!(table.init, wasmparser::TableInit::RefNull) {
                        return Err(unsupported("function_references table initializer"));
                    }
                    tables.push(table_type(&table.ty)?);
                }
            }
            Payload::MemorySection(reader) => {
                for memory in reader.clone() {
                    memories.push(memory_type(&memory?)?);
                }
            }
            Payload::TagSection(reader) => {
                for tag in reader.clone() {
                    tags.push(tag?.func_type_idx);
                }
            }
            Payload::GlobalSection(reader) => {
                for global in reader.clone() {
                    let global = global?;
                    let ty = val_type(global.ty.content_type, &sig_ids)?;
                    if global.ty.shared {
                        return Err(unsupported("shared_everything_threads shared global"));
                    }
                    globals.push((ty, global.ty.mutable, global.init_expr));
                }
            }
            Payload::ExportSection(reader) => {
                for export in reader.clone() {
                    exports.push(export?);
                }
            }
            Payload::StartSection { func, .. } => start = Some(*func),
            Payload::ElementSection(reader) => {
                for element in reader.clone() {
                    elements.push(element?);
                }
            }
            Payload::DataSection(reader) => {
                for data in reader.clone() {
                    datas.push(data?);
                }
            }
            Payload::CustomSection(reader) => {
                if let wasmparser::KnownCustom::Name(name_reader) = reader.as_known() {
                    for subsection in name_reader {
                        let Ok(wasmparser::Name::Function(map)) = subsection else {
                            continue;
                        };
                        for naming in map.into_iter().flatten() {
                            names.insert(naming.index, naming.name.to_string());
                        }
                    }
                }
            }
            Payload::Version {
                encoding: wasmparser::Encoding::Component,
                ..
            } => {
                return Err(InstantiateError::Invalid(crate::Error::new(
                    crate::ErrorKind::Component {
                        what: "the interpreter",
                    },
                )));
            }
            _ => {}
        }
        match valid {
            ValidPayload::Func(func, body) => bodies.push((func, body)),
            ValidPayload::End(_) => break,
            _ => {}
        }
    }

    // Resolve imports.
    let mut func_addrs: Vec<u32> = Vec::new();
    let mut table_addrs: Vec<u32> = Vec::new();
    let mut memory_addrs: Vec<u32> = Vec::new();
    let mut global_addrs: Vec<u32> = Vec::new();
    let mut tag_addrs: Vec<u32> = Vec::new();
    for import in &imports {
        let found = linker.get(import.module, import.name);
        let incompatible = || {
            InstantiateError::Link(format!(
                "incompatible import type for `{}.{}`",
                import.module, import.name
            ))
        };
        let Some(found) = found else {
            return Err(InstantiateError::Link(format!(
                "unknown import `{}.{}`",
                import.module, import.name
            )));
        };
        match (import.ty, found) {
            (TypeRef::Func(ty) | TypeRef::FuncExact(ty), Extern::Func(addr)) => {
                let sig = match &store.funcs[addr as usize] {
                    FuncInst::Wasm { sig, .. } | FuncInst::Host { sig, .. } => *sig,
                };
                if sig != sig_ids[ty as usize] {
                    return Err(incompatible());
                }
                func_addrs.push(addr);
            }
            (TypeRef::Table(ty), Extern::Table(addr)) => {
                let (min, max) = table_type(&ty)?;
                let t = &store.tables[addr as usize];
                if t.size() < min || !max_fits(t.max, max) {
                    return Err(incompatible());
                }
                table_addrs.push(addr);
            }
            (TypeRef::Memory(ty), Extern::Memory(addr)) => {
                let (min, max) = memory_type(&ty)?;
                let m = &store.memories[addr as usize];
                if m.pages() < min || !max_fits(m.declared_max, max) {
                    return Err(incompatible());
                }
                memory_addrs.push(addr);
            }
            (TypeRef::Global(ty), Extern::Global(addr)) => {
                let vt = val_type(ty.content_type, &sig_ids)?;
                let g = &store.globals[addr as usize];
                if g.ty != vt || g.mutable != ty.mutable {
                    return Err(incompatible());
                }
                global_addrs.push(addr);
            }
            (TypeRef::Tag(ty), Extern::Tag(addr)) => {
                if store.tags[addr as usize].sig != sig_ids[ty.func_type_idx as usize] {
                    return Err(incompatible());
                }
                tag_addrs.push(addr);
            }
            _ => return Err(incompatible()),
        }
    }

    // Allocate.
    let instance = store.instances.len() as u32;
    let imported_funcs = func_addrs.len() as u32;
    let first_func = store.funcs.len() as u32;
    for (i, ty) in func_types.iter().enumerate() {
        func_addrs.push(first_func + i as u32);
        store.funcs.push(FuncInst::Wasm {
            code: Default::default(),
            instance,
            index: imported_funcs + i as u32,
            sig: sig_ids[*ty as usize],
        });
    }
    for (min, max) in &tables {
        if *min > store.config.max_table_elements {
            return Err(InstantiateError::Limit(format!(
                "table of {min} elements (the limit is {})",
                store.config.max_table_elements
            )));
        }
        let Extern::Table(addr) = store.add_table(*min, *max) else {
            unreachable!("add_table gives a table")
        };
        table_addrs.push(addr);
    }
    for (min, max) in &memories {
        let Some(Extern::Memory(addr)) = store.add_memory(*min, *max) else {
            return Err(InstantiateError::Limit(format!(
                "memory of {min} pages (the limit is {})",
                store.config.max_memory_pages
            )));
        };
        memory_addrs.push(addr);
    }
    for ty in &tags {
        let Extern::Tag(addr) = store.add_tag(types[*ty as usize].params.clone()) else {
            unreachable!("add_tag gives a tag")
        };
        tag_addrs.push(addr);
    }
    for (ty, mutable, init) in &globals {
        let value = u128::from(eval_const(store, &global_addrs, init)?);
        store.globals.push(Global {
            ty: *ty,
            mutable: *mutable,
            value,
        });
        global_addrs.push((store.globals.len() - 1) as u32);
    }

    // Translate.
    let global_v128: Vec<bool> = global_addrs
        .iter()
        .map(|g| store.globals[*g as usize].ty == ValType::V128)
        .collect();
    let env = Env {
        types: &types,
        sigs: &sig_ids,
        funcs: &func_addrs,
        globals: &global_addrs,
        global_v128: &global_v128,
        has_v128: global_v128.contains(&true)
            || types
                .iter()
                .any(|t| t.params.contains(&ValType::V128) || t.results.contains(&ValType::V128)),
        tables: &table_addrs,
        tags: &tag_addrs,
    };
    let bodies: Vec<(_, FunctionBody<'_>)> = bodies;
    for (i, (func, body)) in bodies.into_iter().enumerate() {
        let index = imported_funcs + i as u32;
        let ty = &types[func_types[i] as usize];
        let context = FuncContext {
            index,
            name: names.get(&index).cloned(),
        };
        let validator = func.into_validator(Default::default());
        let code = translate::translate(&env, validator, &body, ty, &context)?;
        if let FuncInst::Wasm { code: slot, .. } =
            &mut store.funcs[(first_func + i as u32) as usize]
        {
            *slot = code;
        }
    }

    let mut export_map = BTreeMap::new();
    for export in &exports {
        let item = match export.kind {
            ExternalKind::Func | ExternalKind::FuncExact => {
                Extern::Func(func_addrs[export.index as usize])
            }
            ExternalKind::Table => Extern::Table(table_addrs[export.index as usize]),
            ExternalKind::Memory => Extern::Memory(memory_addrs[export.index as usize]),
            ExternalKind::Global => Extern::Global(global_addrs[export.index as usize]),
            ExternalKind::Tag => Extern::Tag(tag_addrs[export.index as usize]),
        };
        export_map.insert(export.name.to_string(), item);
    }
    store.instances.push(InstanceData {
        exports: export_map,
        memory: memory_addrs.first().copied(),
        names,
    });

    // Active segments, in order: each checked before it is written.
    for element in &elements {
        let ElementKind::Active {
            table_index,
            offset_expr,
        } = &element.kind
        else {
            continue;
        };
        let mut funcs = Vec::new();
        match &element.items {
            ElementItems::Functions(items) => {
                for f in items.clone() {
                    funcs.push(func_addrs[f? as usize]);
                }
            }
            ElementItems::Expressions(_, exprs) => {
                for expr in exprs.clone() {
                    funcs.push(eval_ref(&func_addrs, &expr?)?);
                }
            }
        }
        let offset = eval_const(store, &global_addrs, offset_expr)? as u32;
        let table_addr = table_addrs[table_index.unwrap_or(0) as usize];
        let table: &mut Table = &mut store.tables[table_addr as usize];
        let end = u64::from(offset) + funcs.len() as u64;
        if end > u64::from(table.size()) {
            return Err(InstantiateError::Trap(TrapKind::TableOutOfBounds.into()));
        }
        table.elems[offset as usize..end as usize].copy_from_slice(&funcs);
    }
    for data in &datas {
        let DataKind::Active {
            memory_index,
            offset_expr,
        } = &data.kind
        else {
            continue;
        };
        let offset = eval_const(store, &global_addrs, offset_expr)? as u32;
        let memory: &mut Memory =
            &mut store.memories[memory_addrs[*memory_index as usize] as usize];
        memory
            .write(u64::from(offset), data.data)
            .map_err(|kind| InstantiateError::Trap(kind.into()))?;
    }
    if let Some(start) = start {
        store
            .call_func(func_addrs[start as usize], &[])
            .map_err(InstantiateError::Trap)?;
    }
    Ok(Instance(instance))
}

/// Whether a provided maximum satisfies an import's: none required, or one at most as large.
fn max_fits(provided: Option<u32>, required: Option<u32>) -> bool {
    match (provided, required) {
        (_, None) => true,
        (Some(p), Some(r)) => p <= r,
        (None, Some(_)) => false,
    }
}
