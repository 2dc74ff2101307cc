//! Instantiation: validate the module section by section, resolve imports, allocate functions,
//! tables, memories and globals in the store, translate the bodies, initialize active segments
//! and run the start function.

use super::gc;
use super::translate::{self, Env};
use super::value::{self, FuncType, HeapType, Ref, ValType};
use super::{
    Extern, FuncInst, Global, Instance, InstanceData, InstantiateError, Linker, Memory, Store,
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
pub(crate) fn val_type(vt: wasmparser::ValType, sigs: &[u32]) -> Result<ValType, InstantiateError> {
    Ok(match vt {
        wasmparser::ValType::I32 => ValType::I32,
        wasmparser::ValType::I64 => ValType::I64,
        wasmparser::ValType::F32 => ValType::F32,
        wasmparser::ValType::F64 => ValType::F64,
        wasmparser::ValType::V128 => ValType::V128,
        wasmparser::ValType::Ref(r) => ValType::Ref(ref_type(r, sigs)?),
    })
}

/// Converts a reference type; a concrete heap type becomes the store type id of its type
/// (`sigs` by module type index), so that equal types match across modules.
fn ref_type(r: RefType, sigs: &[u32]) -> Result<value::RefType, InstantiateError> {
    ref_type_with(r, &|idx| {
        idx.as_module_index()
            .and_then(|i| sigs.get(i as usize).copied())
    })
}

/// Converts a heap type as [`ref_type`] does.
pub(crate) fn heap_type(
    hty: wasmparser::HeapType,
    sigs: &[u32],
) -> Result<HeapType, InstantiateError> {
    let r = RefType::new(true, hty)
        .ok_or_else(|| unsupported(format!("heap type {hty:?} (index too large)")))?;
    Ok(ref_type(r, sigs)?.heap)
}

/// Converts a reference type, a concrete heap type resolved by `resolve` to a store type id
/// (or `gc::REC | index` inside a recursion group's key).
pub(crate) fn ref_type_with(
    r: RefType,
    resolve: &dyn Fn(wasmparser::PackedIndex) -> Option<u32>,
) -> Result<value::RefType, InstantiateError> {
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
        wasmparser::HeapType::Concrete(_) => match r.type_index().and_then(resolve) {
            Some(id) => HeapType::Concrete(id),
            None => return Err(unsupported(format!("reference type {r}"))),
        },
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

/// A table's type, from its declaration.
#[derive(Clone, Copy)]
struct TableDesc {
    ty: value::RefType,
    table64: bool,
    min: u64,
    max: Option<u64>,
}

fn table_type(ty: &wasmparser::TableType, sigs: &[u32]) -> Result<TableDesc, InstantiateError> {
    if ty.shared {
        return Err(unsupported("shared_everything_threads shared table"));
    }
    Ok(TableDesc {
        ty: ref_type(ty.element_type, sigs)?,
        table64: ty.table64,
        min: ty.initial,
        max: ty.maximum,
    })
}

/// A memory's type, from its declaration.
#[derive(Clone, Copy)]
struct MemoryDesc {
    memory64: bool,
    shared: bool,
    page_log2: u32,
    min: u64,
    max: Option<u64>,
}

fn memory_type(ty: &wasmparser::MemoryType) -> Result<MemoryDesc, InstantiateError> {
    Ok(MemoryDesc {
        memory64: ty.memory64,
        shared: ty.shared,
        page_log2: ty.page_size_log2.unwrap_or(16),
        min: ty.initial,
        max: ty.maximum,
    })
}

/// Evaluates a constant expression to a global slot ([`super::Val::to_slot`]): constants,
/// `global.get`, `ref.null`, `ref.func`, the extended-const `i32`/`i64` `add`, `sub` and
/// `mul`, and the GC allocations and conversions (`struct.new`, `array.new*`, `ref.i31`,
/// `any.convert_extern`, `extern.convert_any`), whose types are store ids by module type index
/// in `types`.
fn eval_const(
    store: &mut Store,
    types: &[u32],
    globals: &[u32],
    funcs: &[u32],
    expr: &ConstExpr<'_>,
) -> Result<u128, InstantiateError> {
    let mut reader = expr.get_operators_reader();
    let mut stack: Vec<u128> = Vec::new();
    let underflow = || unsupported("constant expression stack underflow");
    while !reader.eof() {
        let op = reader.read()?;
        let value = match op {
            Operator::I32Const { value: v } => u128::from(v as u32),
            Operator::I64Const { value: v } => u128::from(v as u64),
            Operator::F32Const { value: v } => u128::from(v.bits()),
            Operator::F64Const { value: v } => u128::from(v.bits()),
            Operator::V128Const { value: v } => v.i128() as u128,
            Operator::GlobalGet { global_index } => {
                let addr = globals[global_index as usize];
                store.globals[addr as usize].value
            }
            Operator::RefNull { .. } => 0,
            Operator::RefFunc { function_index } => {
                u128::from(Ref::func(funcs[function_index as usize]).to_bits())
            }
            Operator::I32Add | Operator::I32Sub | Operator::I32Mul => {
                let b = stack.pop().ok_or_else(underflow)? as u32;
                let a = stack.pop().ok_or_else(underflow)? as u32;
                u128::from(match op {
                    Operator::I32Add => a.wrapping_add(b),
                    Operator::I32Sub => a.wrapping_sub(b),
                    _ => a.wrapping_mul(b),
                })
            }
            Operator::I64Add | Operator::I64Sub | Operator::I64Mul => {
                let b = stack.pop().ok_or_else(underflow)? as u64;
                let a = stack.pop().ok_or_else(underflow)? as u64;
                u128::from(match op {
                    Operator::I64Add => a.wrapping_add(b),
                    Operator::I64Sub => a.wrapping_sub(b),
                    _ => a.wrapping_mul(b),
                })
            }
            Operator::RefI31 => {
                let v = stack.pop().ok_or_else(underflow)? as u32;
                u128::from(Ref::i31(v).to_bits())
            }
            Operator::AnyConvertExtern | Operator::ExternConvertAny => {
                let v = stack.pop().ok_or_else(underflow)? as u64;
                u128::from(Ref::from_bits(v).convert().to_bits())
            }
            Operator::StructNew { struct_type_index }
            | Operator::StructNewDefault { struct_type_index } => {
                let ty = types[struct_type_index as usize];
                let def = store.types.get(ty);
                let mut cells = vec![0u64; def.cells as usize];
                if matches!(op, Operator::StructNew { .. }) {
                    let fields = def.struct_fields().len();
                    let values =
                        stack.split_off(stack.len().checked_sub(fields).ok_or_else(underflow)?);
                    for ((value, field), at) in
                        values.iter().zip(def.struct_fields()).zip(&def.offsets)
                    {
                        let at = *at as usize;
                        cells[at] = *value as u64;
                        if field.storage.cells() == 2 {
                            cells[at + 1] = (*value >> 64) as u64;
                        }
                    }
                }
                u128::from(alloc_const(store, ty, cells.len() as u32, &cells)?.to_bits())
            }
            Operator::ArrayNew { array_type_index }
            | Operator::ArrayNewDefault { array_type_index }
            | Operator::ArrayNewFixed {
                array_type_index, ..
            } => {
                let ty = types[array_type_index as usize];
                let per = store
                    .types
                    .get(ty)
                    .array_elem()
                    .map_or(1, |f| f.storage.cells() as usize);
                let values = match op {
                    Operator::ArrayNewFixed { array_size, .. } => {
                        let at = stack
                            .len()
                            .checked_sub(array_size as usize)
                            .ok_or_else(underflow)?;
                        stack.split_off(at)
                    }
                    _ => {
                        let len = stack.pop().ok_or_else(underflow)? as u32;
                        let init = match op {
                            Operator::ArrayNew { .. } => stack.pop().ok_or_else(underflow)?,
                            _ => 0,
                        };
                        // Checked before the vector is built: a huge length is a trap.
                        if u64::from(len) * per as u64 * 8 > store.config.max_gc_heap_bytes {
                            return Err(InstantiateError::Trap(
                                super::TrapKind::HeapExhausted.into(),
                            ));
                        }
                        vec![init; len as usize]
                    }
                };
                let mut cells = Vec::with_capacity(values.len() * per);
                for v in &values {
                    cells.push(*v as u64);
                    if per == 2 {
                        cells.push((*v >> 64) as u64);
                    }
                }
                u128::from(alloc_const(store, ty, values.len() as u32, &cells)?.to_bits())
            }
            Operator::End => continue,
            other => {
                return Err(unsupported(format!(
                    "constant expression operator {other:?}"
                )));
            }
        };
        stack.push(value);
    }
    stack
        .pop()
        .ok_or_else(|| unsupported("empty constant expression"))
}

/// Allocates a GC object of type `ty` and length `len` holding `cells` for a constant
/// expression.
fn alloc_const(
    store: &mut Store,
    ty: u32,
    len: u32,
    cells: &[u64],
) -> Result<Ref, InstantiateError> {
    let addr = store
        .heap
        .alloc(ty, len, cells.len() as u64)
        .map_err(|kind| InstantiateError::Trap(kind.into()))?;
    store.heap.cells[addr + 1..addr + 1 + cells.len()].copy_from_slice(cells);
    Ok(Ref::object(addr as u32))
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
    let mut sig_ids: Vec<u32> = Vec::new();
    let mut tags: Vec<u32> = Vec::new();

    for payload in Parser::new(0).parse_all(wasm) {
        let payload = payload?;
        let valid = validator.payload(&payload)?;
        match &payload {
            Payload::TypeSection(reader) => {
                // Each recursion group is interned whole (iso-recursive equality, `gc/types.rs`).
                for group in reader.clone() {
                    let key = gc::group_key(&group?, &sig_ids)?;
                    let n = key.len() as u32;
                    let first = store.intern_group(key);
                    for id in first..first + n {
                        sig_ids.push(id);
                        types.push(store.sigs[id as usize].clone());
                    }
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
                    let init = match table.init {
                        wasmparser::TableInit::RefNull => None,
                        wasmparser::TableInit::Expr(expr) => Some(expr),
                    };
                    tables.push((table_type(&table.ty, &sig_ids)?, init));
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
                if !store.types.is_subtype(sig, sig_ids[ty as usize]) {
                    return Err(incompatible());
                }
                func_addrs.push(addr);
            }
            (TypeRef::Table(ty), Extern::Table(addr)) => {
                let want = table_type(&ty, &sig_ids)?;
                let t = &store.tables[addr as usize];
                if t.ty != want.ty
                    || t.table64 != want.table64
                    || t.size() < want.min
                    || !max_fits(t.max, want.max)
                {
                    return Err(incompatible());
                }
                table_addrs.push(addr);
            }
            (TypeRef::Memory(ty), Extern::Memory(addr)) => {
                let want = memory_type(&ty)?;
                let m = &store.memories[addr as usize];
                if m.memory64 != want.memory64
                    || m.shared != want.shared
                    || m.page_log2 != want.page_log2
                    || m.pages() < want.min
                    || !max_fits(m.declared_max, want.max)
                {
                    return Err(incompatible());
                }
                memory_addrs.push(addr);
            }
            (TypeRef::Global(ty), Extern::Global(addr)) => {
                let vt = val_type(ty.content_type, &sig_ids)?;
                let g = &store.globals[addr as usize];
                let fits = if ty.mutable {
                    g.ty == vt
                } else {
                    store.types.val_subtype(g.ty, vt)
                };
                if !fits || g.mutable != ty.mutable {
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
    for (desc, init) in &tables {
        if desc.min > u64::from(store.config.max_table_elements) {
            return Err(InstantiateError::Limit(format!(
                "table of {} elements (the limit is {})",
                desc.min, store.config.max_table_elements
            )));
        }
        let init = match init {
            Some(expr) => eval_const(store, &sig_ids, &global_addrs, &func_addrs, expr)? as u64,
            None => 0,
        };
        let Extern::Table(addr) = store.add_table_typed(
            desc.ty,
            desc.table64,
            desc.min,
            desc.max,
            Ref::from_bits(init),
        ) else {
            unreachable!("add_table_typed gives a table")
        };
        table_addrs.push(addr);
    }
    for desc in &memories {
        let limit = u64::from(store.config.max_memory_pages);
        let Some(mut memory) =
            Memory::with_type(desc.memory64, desc.page_log2, desc.min, desc.max, limit)
        else {
            return Err(InstantiateError::Limit(format!(
                "memory of {} {} (the limit is {} KiB)",
                desc.min,
                if desc.page_log2 == 0 {
                    "bytes"
                } else {
                    "pages of 64 KiB"
                },
                limit * 64
            )));
        };
        memory.shared = desc.shared;
        store.memories.push(memory);
        memory_addrs.push((store.memories.len() - 1) as u32);
    }
    for ty in &tags {
        // The tag's type is its declared type (a tag import must name an equal one).
        store.tags.push(super::exception::Tag {
            sig: sig_ids[*ty as usize],
            cells: types[*ty as usize].param_cells(),
        });
        tag_addrs.push((store.tags.len() - 1) as u32);
    }
    for (ty, mutable, init) in &globals {
        let value = eval_const(store, &sig_ids, &global_addrs, &func_addrs, init)?;
        store.globals.push(Global {
            ty: *ty,
            mutable: *mutable,
            value,
        });
        global_addrs.push((store.globals.len() - 1) as u32);
    }

    // Segments: element items are evaluated now; active and declared segments are dropped once
    // applied, so only passive ones keep their contents.
    let mut elem_addrs: Vec<u32> = Vec::with_capacity(elements.len());
    let mut active_elems = Vec::new();
    for element in &elements {
        let mut items = Vec::new();
        match &element.items {
            ElementItems::Functions(reader) => {
                for f in reader.clone() {
                    items.push(Ref::func(func_addrs[f? as usize]).to_bits());
                }
            }
            ElementItems::Expressions(_, exprs) => {
                for expr in exprs.clone() {
                    items.push(
                        eval_const(store, &sig_ids, &global_addrs, &func_addrs, &expr?)? as u64,
                    );
                }
            }
        }
        elem_addrs.push(store.elems.len() as u32);
        match &element.kind {
            ElementKind::Passive => store.elems.push(items),
            ElementKind::Declared => store.elems.push(Vec::new()),
            ElementKind::Active {
                table_index,
                offset_expr,
            } => {
                store.elems.push(Vec::new());
                let offset =
                    eval_const(store, &sig_ids, &global_addrs, &func_addrs, offset_expr)? as u64;
                let table = table_addrs[table_index.unwrap_or(0) as usize];
                active_elems.push((table, offset, items));
            }
        }
    }
    let mut data_addrs: Vec<u32> = Vec::with_capacity(datas.len());
    for data in &datas {
        data_addrs.push(store.datas.len() as u32);
        store.datas.push(match data.kind {
            DataKind::Passive => data.data.to_vec(),
            DataKind::Active { .. } => Vec::new(),
        });
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
                .any(|t| t.params.contains(&ValType::V128) || t.results.contains(&ValType::V128))
            || sig_ids.iter().any(|id| {
                let def = store.types.get(*id);
                let wide = |f: &gc::Field| f.storage.cells() == 2;
                def.struct_fields().iter().any(wide) || def.array_elem().is_some_and(|f| wide(&f))
            }),
        gc_types: &store.types,
        tables: &table_addrs,
        memories: &memory_addrs,
        fast_memory0: memory_addrs
            .first()
            .is_some_and(|m| !store.memories[*m as usize].memory64),
        elems: &elem_addrs,
        datas: &data_addrs,
        tags: &tag_addrs,
    };
    // Bodies are validated and translated independently: in parallel when there is enough
    // code to pay for it. The first error in function order is reported, whatever the thread
    // count.
    let bodies: Vec<(_, FunctionBody<'_>)> = bodies;
    let code_bytes: usize = bodies.iter().map(|(_, b)| b.as_bytes().len()).sum();
    let translate_one =
        |(i, (func, body)): (usize, (wasmparser::FuncToValidate<_>, FunctionBody<'_>))| {
            let index = imported_funcs + i as u32;
            let ty = &types[func_types[i] as usize];
            let context = FuncContext {
                index,
                name: names.get(&index).cloned(),
            };
            let validator = func.into_validator(Default::default());
            translate::translate(&env, validator, &body, ty, &context)
        };
    const PARALLEL_BYTES: usize = 256 * 1024;
    let codes: Vec<Result<_, _>> = if code_bytes >= PARALLEL_BYTES {
        use rayon::prelude::*;
        bodies
            .into_par_iter()
            .enumerate()
            .map(translate_one)
            .collect()
    } else {
        bodies.into_iter().enumerate().map(translate_one).collect()
    };
    for (i, code) in codes.into_iter().enumerate() {
        let code = code?;
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

    // Active segments, in order: each checked in full before it is written (`table.init` and
    // `memory.init` semantics), the first that does not fit trapping.
    for (table, offset, items) in &active_elems {
        let len = items.len() as u64;
        store.tables[*table as usize]
            .init(*offset, items, 0, len)
            .map_err(|kind| InstantiateError::Trap(kind.into()))?;
    }
    for data in &datas {
        let DataKind::Active {
            memory_index,
            offset_expr,
        } = &data.kind
        else {
            continue;
        };
        let offset = eval_const(store, &sig_ids, &global_addrs, &func_addrs, offset_expr)? as u64;
        let memory: &mut Memory =
            &mut store.memories[memory_addrs[*memory_index as usize] as usize];
        memory
            .write(offset, data.data)
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
fn max_fits(provided: Option<u64>, required: Option<u64>) -> bool {
    match (provided, required) {
        (_, None) => true,
        (Some(p), Some(r)) => p <= r,
        (None, Some(_)) => false,
    }
}
