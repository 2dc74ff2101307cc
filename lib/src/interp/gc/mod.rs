//! The GC proposal: the type registry with iso-recursive canonicalization and subtyping
//! ([`types`]), the heap of structs and arrays ([`heap`]), and the execution of the GC ops
//! ([`exec`]): everything from [`Op::StructNew`] to [`Op::RefConvert`].
//!
//! Execution reaches this module through one arm of the interpreter loop, so the GC ops cost
//! the hot numeric, branch and call paths nothing.

pub(crate) mod heap;
pub(crate) mod types;

use super::code::{CastMode, FieldKind, Op};
use super::instance::ref_type_with;
use super::trap::TrapKind;
use super::value::{FuncType, HeapType, Ref, RefKind, Val, ValType};
use super::{FuncInst, InstantiateError};
pub(crate) use heap::Heap;
pub(crate) use types::{Composite, Field, REC, Storage, SubType, Types};

/// What the GC ops read and write besides the value stack.
pub(crate) struct Ctx<'a> {
    pub(crate) heap: &'a mut Heap,
    pub(crate) types: &'a Types,
    pub(crate) funcs: &'a [FuncInst],
    pub(crate) elems: &'a [Vec<u64>],
    pub(crate) datas: &'a [Vec<u8>],
}

/// Converts a recursion group of a module's type section into its canonical key: references
/// to earlier types become their store ids (`ids`, by module type index), references into the
/// group `REC | index` (the group starts at module type index `ids.len()`).
pub(crate) fn group_key(
    group: &wasmparser::RecGroup,
    ids: &[u32],
) -> Result<Vec<SubType>, InstantiateError> {
    let start = ids.len() as u32;
    let resolve = |idx: wasmparser::PackedIndex| match idx.unpack() {
        wasmparser::UnpackedIndex::Module(i) if i < start => ids.get(i as usize).copied(),
        wasmparser::UnpackedIndex::Module(i) => Some(REC | (i - start)),
        wasmparser::UnpackedIndex::RecGroup(i) => Some(REC | i),
        wasmparser::UnpackedIndex::Id(_) => None,
    };
    let unsupported = |what: &str| InstantiateError::Unsupported(what.to_string());
    let val = |t: wasmparser::ValType| -> Result<ValType, InstantiateError> {
        Ok(match t {
            wasmparser::ValType::I32 => ValType::I32,
            wasmparser::ValType::I64 => ValType::I64,
            wasmparser::ValType::F32 => ValType::F32,
            wasmparser::ValType::F64 => ValType::F64,
            wasmparser::ValType::V128 => ValType::V128,
            wasmparser::ValType::Ref(r) => ValType::Ref(ref_type_with(r, &resolve)?),
        })
    };
    let field = |f: &wasmparser::FieldType| -> Result<Field, InstantiateError> {
        Ok(Field {
            storage: match f.element_type {
                wasmparser::StorageType::I8 => Storage::I8,
                wasmparser::StorageType::I16 => Storage::I16,
                wasmparser::StorageType::Val(v) => Storage::Val(val(v)?),
            },
            mutable: f.mutable,
        })
    };
    let mut key = Vec::with_capacity(group.types().len());
    for sub in group.types() {
        let ct = &sub.composite_type;
        if ct.shared {
            return Err(unsupported("shared_everything_threads shared type"));
        }
        if ct.descriptor_idx.is_some() || ct.describes_idx.is_some() {
            return Err(unsupported("custom_descriptors type descriptors"));
        }
        let comp = match &ct.inner {
            wasmparser::CompositeInnerType::Func(f) => Composite::Func(FuncType::new(
                f.params()
                    .iter()
                    .map(|t| val(*t))
                    .collect::<Result<Vec<_>, _>>()?,
                f.results()
                    .iter()
                    .map(|t| val(*t))
                    .collect::<Result<Vec<_>, _>>()?,
            )),
            wasmparser::CompositeInnerType::Struct(s) => {
                Composite::Struct(s.fields.iter().map(field).collect::<Result<_, _>>()?)
            }
            wasmparser::CompositeInnerType::Array(a) => Composite::Array(field(&a.0)?),
            wasmparser::CompositeInnerType::Cont(_) => {
                return Err(unsupported("stack_switching continuation type"));
            }
        };
        let sup = match sub.supertype_idxs.first() {
            Some(idx) => Some(resolve(*idx).ok_or_else(|| unsupported("supertype index"))?),
            None => None,
        };
        key.push(SubType {
            is_final: sub.is_final,
            sup,
            comp,
        });
    }
    Ok(key)
}

/// The most precise heap type of a non-null reference's value (a function's type, an
/// object's type, `i31`, …), in the hierarchy it is seen from.
pub(crate) fn dynamic_type(r: Ref, heap: &Heap, funcs: &[FuncInst]) -> HeapType {
    let converted = r.is_converted();
    match r.kind() {
        None => HeapType::None,
        Some(RefKind::Func) => match funcs.get(r.payload() as usize) {
            Some(FuncInst::Wasm { sig, .. } | FuncInst::Host { sig, .. }) => {
                HeapType::Concrete(*sig)
            }
            None => HeapType::Func,
        },
        Some(RefKind::Host) if converted => HeapType::Any,
        Some(RefKind::Host) => HeapType::Extern,
        Some(RefKind::I31 | RefKind::Object) if converted => HeapType::Extern,
        Some(RefKind::I31) => HeapType::I31,
        Some(RefKind::Object) => HeapType::Concrete(heap.type_of(r)),
        Some(RefKind::Exn) => HeapType::Exn,
    }
}

/// Whether a value from outside wasm (the embedder, a host function) is of type `ty`: numeric
/// types equal, references of a matching type and referring to something that exists.
pub(crate) fn val_fits(
    types: &Types,
    heap: &Heap,
    funcs: &[FuncInst],
    value: Val,
    ty: ValType,
) -> bool {
    let (Val::Ref(r), ValType::Ref(t)) = (value, ty) else {
        return value.matches(ty);
    };
    let exists = match r.kind() {
        None => return t.nullable,
        Some(RefKind::Func) => (r.payload() as usize) < funcs.len(),
        Some(RefKind::Object) => heap.is_object(r),
        Some(RefKind::Host | RefKind::I31 | RefKind::Exn) => true,
    };
    exists && types.heap_subtype(dynamic_type(r, heap, funcs), t.heap)
}

/// Whether a reference is a value of `(ref null? heap)`.
pub(crate) fn ref_matches(ctx: &Ctx<'_>, r: Ref, heap: HeapType, nullable: bool) -> bool {
    if r.is_null() {
        return nullable;
    }
    let dynamic = dynamic_type(r, ctx.heap, ctx.funcs);
    ctx.types.heap_subtype(dynamic, heap)
}

/// Reads element or field cells at `at` onto the stack at `sp` as `kind`; the new `sp`.
#[inline]
fn read(cells: &[u64], at: usize, kind: FieldKind, stack: &mut [u64], sp: usize) -> usize {
    let v = cells[at];
    stack[sp] = match kind {
        FieldKind::Cell => v,
        FieldKind::Wide => {
            stack[sp + 1] = cells[at + 1];
            v
        }
        FieldKind::S8 => u64::from(v as i8 as i32 as u32),
        FieldKind::U8 => v & 0xff,
        FieldKind::S16 => u64::from(v as i16 as i32 as u32),
        FieldKind::U16 => v & 0xffff,
    };
    sp + 1 + usize::from(kind == FieldKind::Wide)
}

/// `start..start + len` as element indices of an array of `size` elements.
fn range(start: u64, len: u64, size: u64) -> Result<(usize, usize), TrapKind> {
    match start.checked_add(len) {
        Some(end) if end <= size => Ok((start as usize, end as usize)),
        _ => Err(TrapKind::ArrayOutOfBounds),
    }
}

/// Reads `n` elements of `storage` from a data segment's bytes at `src` into cells.
fn data_cells(
    data: &[u8],
    storage: Storage,
    src: u64,
    n: u64,
    out: &mut [u64],
) -> Result<(), TrapKind> {
    let b = u64::from(storage.bytes());
    let bytes = n
        .checked_mul(b)
        .and_then(|len| src.checked_add(len))
        .filter(|end| *end <= data.len() as u64)
        .map(|end| &data[src as usize..end as usize])
        .ok_or(TrapKind::MemoryOutOfBounds)?;
    let per = storage.cells() as usize;
    for (chunk, cells) in bytes
        .chunks_exact(b as usize)
        .zip(out.chunks_exact_mut(per))
    {
        let mut word = [0u8; 8];
        let lo = chunk.len().min(8);
        word[..lo].copy_from_slice(&chunk[..lo]);
        cells[0] = u64::from_le_bytes(word);
        if per == 2 {
            word.copy_from_slice(&chunk[8..16]);
            cells[1] = u64::from_le_bytes(word);
        }
    }
    Ok(())
}

/// The element storage of array type `ty`.
fn elem_of(types: &Types, ty: u32) -> Storage {
    types
        .get(ty)
        .array_elem()
        .map_or(Storage::Val(ValType::I64), |f| f.storage)
}

/// Allocates an array of type `ty` and `len` elements of `per` cells; its reference and
/// the index of its first element cell.
fn new_array(heap: &mut Heap, ty: u32, len: u64, per: u64) -> Result<(Ref, usize), TrapKind> {
    let len32 = u32::try_from(len).map_err(|_| TrapKind::HeapExhausted)?;
    let addr = heap.alloc(ty, len32, len * per)?;
    let r = Ref::object(addr as u32);
    Ok((r, Heap::fields(r)))
}

/// The array reference at stack cell `at`, trapping on null, with its length.
#[inline]
fn array_at(heap: &Heap, stack: &[u64], at: usize) -> Result<(Ref, u64), TrapKind> {
    let r = Ref::from_bits(stack[at]);
    if r.is_null() {
        return Err(TrapKind::NullArrayReference);
    }
    Ok((r, u64::from(heap.header(r).1)))
}

/// Executes a GC op on the stack whose top is at `sp`; the new `sp`.
pub(crate) fn exec(
    op: Op,
    ctx: &mut Ctx<'_>,
    stack: &mut [u64],
    sp: usize,
) -> Result<usize, TrapKind> {
    let w = |wide: bool| 1 + usize::from(wide);
    Ok(match op {
        Op::StructNew { ty, cells } => {
            let n = cells as usize;
            let sp = sp - n;
            let addr = ctx.heap.alloc(ty, cells, u64::from(cells))?;
            ctx.heap.cells[addr + 1..addr + 1 + n].copy_from_slice(&stack[sp..sp + n]);
            stack[sp] = Ref::object(addr as u32).to_bits();
            sp + 1
        }
        Op::StructNewDefault { ty, cells } => {
            let addr = ctx.heap.alloc(ty, cells, u64::from(cells))?;
            stack[sp] = Ref::object(addr as u32).to_bits();
            sp + 1
        }
        Op::StructGet { kind, offset } => {
            let r = Ref::from_bits(stack[sp - 1]);
            if r.is_null() {
                return Err(TrapKind::NullStructReference);
            }
            read(
                &ctx.heap.cells,
                Heap::fields(r) + offset as usize,
                kind,
                stack,
                sp - 1,
            )
        }
        Op::StructSet { wide, offset } => {
            let n = w(wide);
            let r = Ref::from_bits(stack[sp - n - 1]);
            if r.is_null() {
                return Err(TrapKind::NullStructReference);
            }
            let at = Heap::fields(r) + offset as usize;
            ctx.heap.cells[at..at + n].copy_from_slice(&stack[sp - n..sp]);
            sp - n - 1
        }
        Op::ArrayNew { ty, wide } => {
            let n = w(wide);
            let len = u64::from(stack[sp - 1] as u32);
            let sp = sp - 1 - n;
            let (r, first) = new_array(ctx.heap, ty, len, n as u64)?;
            let init = [stack[sp], stack[sp + n - 1]];
            for elem in ctx.heap.cells[first..first + len as usize * n].chunks_exact_mut(n) {
                elem.copy_from_slice(&init[..n]);
            }
            stack[sp] = r.to_bits();
            sp + 1
        }
        Op::ArrayNewDefault { ty, wide } => {
            let len = u64::from(stack[sp - 1] as u32);
            let (r, _) = new_array(ctx.heap, ty, len, w(wide) as u64)?;
            stack[sp - 1] = r.to_bits();
            sp
        }
        Op::ArrayNewFixed { ty, len, wide } => {
            let cells = len as usize * w(wide);
            let sp = sp - cells;
            let (r, first) = new_array(ctx.heap, ty, u64::from(len), w(wide) as u64)?;
            ctx.heap.cells[first..first + cells].copy_from_slice(&stack[sp..sp + cells]);
            stack[sp] = r.to_bits();
            sp + 1
        }
        Op::ArrayNewData { ty, data } => {
            let n = u64::from(stack[sp - 1] as u32);
            let src = u64::from(stack[sp - 2] as u32);
            let storage = elem_of(ctx.types, ty);
            let bytes = &ctx.datas[data as usize];
            // Bounds first: a segment too short traps before anything is allocated.
            let end = n
                .checked_mul(u64::from(storage.bytes()))
                .and_then(|len| src.checked_add(len));
            if end.is_none_or(|end| end > bytes.len() as u64) {
                return Err(TrapKind::MemoryOutOfBounds);
            }
            let per = u64::from(storage.cells());
            let (r, first) = new_array(ctx.heap, ty, n, per)?;
            let out = &mut ctx.heap.cells[first..first + (n * per) as usize];
            data_cells(bytes, storage, src, n, out)?;
            stack[sp - 2] = r.to_bits();
            sp - 1
        }
        Op::ArrayNewElem { ty, elem } => {
            let n = u64::from(stack[sp - 1] as u32);
            let src = u64::from(stack[sp - 2] as u32);
            let segment = &ctx.elems[elem as usize];
            let (s, e) =
                range(src, n, segment.len() as u64).map_err(|_| TrapKind::TableOutOfBounds)?;
            let (r, first) = new_array(ctx.heap, ty, n, 1)?;
            ctx.heap.cells[first..first + (e - s)].copy_from_slice(&segment[s..e]);
            stack[sp - 2] = r.to_bits();
            sp - 1
        }
        Op::ArrayGet(kind) => {
            let (r, len) = array_at(ctx.heap, stack, sp - 2)?;
            let i = u64::from(stack[sp - 1] as u32);
            if i >= len {
                return Err(TrapKind::ArrayOutOfBounds);
            }
            let per = 1 + usize::from(kind == FieldKind::Wide);
            let at = Heap::fields(r) + i as usize * per;
            read(&ctx.heap.cells, at, kind, stack, sp - 2)
        }
        Op::ArraySet { wide } => {
            let n = w(wide);
            let (r, len) = array_at(ctx.heap, stack, sp - n - 2)?;
            let i = u64::from(stack[sp - n - 1] as u32);
            if i >= len {
                return Err(TrapKind::ArrayOutOfBounds);
            }
            let at = Heap::fields(r) + i as usize * n;
            ctx.heap.cells[at..at + n].copy_from_slice(&stack[sp - n..sp]);
            sp - n - 2
        }
        Op::ArrayLen => {
            let (_, len) = array_at(ctx.heap, stack, sp - 1)?;
            stack[sp - 1] = len;
            sp
        }
        Op::ArrayFill { wide } => {
            let n = w(wide);
            let base = sp - n - 3;
            let (r, len) = array_at(ctx.heap, stack, base)?;
            let start = u64::from(stack[base + 1] as u32);
            let count = u64::from(stack[sp - 1] as u32);
            let (s, e) = range(start, count, len)?;
            let value = [stack[base + 2], stack[base + 1 + n]];
            let first = Heap::fields(r);
            for elem in ctx.heap.cells[first + s * n..first + e * n].chunks_exact_mut(n) {
                elem.copy_from_slice(&value[..n]);
            }
            base
        }
        Op::ArrayCopy { wide } => {
            let n = w(wide);
            let base = sp - 5;
            let (dst, dst_len) = array_at(ctx.heap, stack, base)?;
            let (src, src_len) = array_at(ctx.heap, stack, base + 2)?;
            let count = u64::from(stack[base + 4] as u32);
            let (d, _) = range(u64::from(stack[base + 1] as u32), count, dst_len)?;
            let (s, e) = range(u64::from(stack[base + 3] as u32), count, src_len)?;
            let from = Heap::fields(src) + s * n..Heap::fields(src) + e * n;
            // One arena: `copy_within` is a memmove, right for overlapping ranges too.
            ctx.heap.cells.copy_within(from, Heap::fields(dst) + d * n);
            base
        }
        Op::ArrayInitData { ty, data } => {
            let base = sp - 4;
            let (r, len) = array_at(ctx.heap, stack, base)?;
            let count = u64::from(stack[base + 3] as u32);
            let (d, e) = range(u64::from(stack[base + 1] as u32), count, len)?;
            let storage = elem_of(ctx.types, ty);
            let per = storage.cells() as usize;
            let first = Heap::fields(r);
            let out = &mut ctx.heap.cells[first + d * per..first + e * per];
            let src = u64::from(stack[base + 2] as u32);
            data_cells(&ctx.datas[data as usize], storage, src, count, out)?;
            base
        }
        Op::ArrayInitElem { elem } => {
            let base = sp - 4;
            let (r, len) = array_at(ctx.heap, stack, base)?;
            let count = u64::from(stack[base + 3] as u32);
            let (d, e) = range(u64::from(stack[base + 1] as u32), count, len)?;
            let segment = &ctx.elems[elem as usize];
            let (s, _) = range(
                u64::from(stack[base + 2] as u32),
                count,
                segment.len() as u64,
            )
            .map_err(|_| TrapKind::TableOutOfBounds)?;
            let first = Heap::fields(r);
            ctx.heap.cells[first + d..first + e].copy_from_slice(&segment[s..s + (e - d)]);
            base
        }
        Op::RefI31 => {
            stack[sp - 1] = Ref::i31(stack[sp - 1] as u32).to_bits();
            sp
        }
        Op::I31GetS | Op::I31GetU => {
            let r = Ref::from_bits(stack[sp - 1]);
            if r.is_null() {
                return Err(TrapKind::NullI31Reference);
            }
            let v = r.payload();
            stack[sp - 1] = u64::from(if op == Op::I31GetS {
                (((v << 1) as i32) >> 1) as u32
            } else {
                v
            });
            sp
        }
        Op::RefCast {
            heap,
            nullable,
            mode,
        } => {
            let ok = ref_matches(ctx, Ref::from_bits(stack[sp - 1]), heap, nullable);
            match mode {
                CastMode::Test => {
                    stack[sp - 1] = u64::from(ok);
                    sp
                }
                CastMode::Cast if ok => sp,
                CastMode::Cast => return Err(TrapKind::CastFailure),
                CastMode::Branch | CastMode::BranchFail => {
                    stack[sp] = u64::from(ok == (mode == CastMode::Branch));
                    sp + 1
                }
            }
        }
        Op::RefConvert => {
            stack[sp - 1] = Ref::from_bits(stack[sp - 1]).convert().to_bits();
            sp
        }
        _ => unreachable!("bug: {op:?} is not a gc op"),
    })
}
