//! The interpreter's execution format: [`Op`], a compact instruction that execution runs
//! without ever looking at wasmparser types.
//!
//! Branch targets are absolute op indices, resolved at translation, with the stack adjustment
//! precomputed: a branch keeps the top `keep` values, drops the `drop` values below them and
//! jumps. Calls name functions and globals by their address in the store, so that execution
//! needs no per-instance index lookup.

use super::atomic::AtomicKind;
use super::simd::SimdOp;
use super::value::HeapType;

/// Calls `$callback!` with the list of operators that take no immediate and map one to one
/// from wasmparser's `Operator` (same names): the numeric instructions, `drop` and `select`.
macro_rules! for_each_simple_op {
    ($callback:ident) => {
        $callback! {
            Drop Select
            I32Eqz I32Eq I32Ne I32LtS I32LtU I32GtS I32GtU I32LeS I32LeU I32GeS I32GeU
            I64Eqz I64Eq I64Ne I64LtS I64LtU I64GtS I64GtU I64LeS I64LeU I64GeS I64GeU
            F32Eq F32Ne F32Lt F32Gt F32Le F32Ge
            F64Eq F64Ne F64Lt F64Gt F64Le F64Ge
            I32Clz I32Ctz I32Popcnt I32Add I32Sub I32Mul I32DivS I32DivU I32RemS I32RemU
            I32And I32Or I32Xor I32Shl I32ShrS I32ShrU I32Rotl I32Rotr
            I64Clz I64Ctz I64Popcnt I64Add I64Sub I64Mul I64DivS I64DivU I64RemS I64RemU
            I64And I64Or I64Xor I64Shl I64ShrS I64ShrU I64Rotl I64Rotr
            F32Abs F32Neg F32Ceil F32Floor F32Trunc F32Nearest F32Sqrt
            F32Add F32Sub F32Mul F32Div F32Min F32Max F32Copysign
            F64Abs F64Neg F64Ceil F64Floor F64Trunc F64Nearest F64Sqrt
            F64Add F64Sub F64Mul F64Div F64Min F64Max F64Copysign
            I32WrapI64 I32TruncF32S I32TruncF32U I32TruncF64S I32TruncF64U
            I64ExtendI32S I64ExtendI32U I64TruncF32S I64TruncF32U I64TruncF64S I64TruncF64U
            F32ConvertI32S F32ConvertI32U F32ConvertI64S F32ConvertI64U F32DemoteF64
            F64ConvertI32S F64ConvertI32U F64ConvertI64S F64ConvertI64U F64PromoteF32
            I32Extend8S I32Extend16S I64Extend8S I64Extend16S I64Extend32S
            I32TruncSatF32S I32TruncSatF32U I32TruncSatF64S I32TruncSatF64U
            I64TruncSatF32S I64TruncSatF32U I64TruncSatF64S I64TruncSatF64U
        }
    };
}
pub(crate) use for_each_simple_op;

macro_rules! define_op {
    ($($simple:ident)*) => {
        /// One instruction of the execution format.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        #[allow(missing_docs, reason = "the simple variants are the wasm instructions of the same name")]
        pub enum Op {
            $($simple,)*
            /// Trap with "unreachable".
            Unreachable,
            /// Jump to an op index.
            Jump(u32),
            /// Pop an i32; jump when it is zero (the `if` of an `if … else`).
            JumpIfZero(u32),
            /// Pop an i32; jump when it is not zero (a `br_if` needing no stack adjustment).
            JumpIfNonZero(u32),
            /// Keep the top `keep` values, drop the `drop` below them, jump to `target`.
            Br { target: u32, drop: u32, keep: u32 },
            /// Pop an i32; when not zero, do as [`Op::Br`].
            BrIf { target: u32, drop: u32, keep: u32 },
            /// Pop an index; branch as `targets[start + min(index, len - 1)]` of the function's
            /// branch table ([`FuncCode::br_targets`]).
            BrTable { start: u32, len: u32 },
            /// Return from the function: its results are the top values.
            Return,
            /// Call the function at this store address.
            Call(u32),
            /// Pop a table index and call through table `table` (store address), checking the
            /// callee has signature `sig` (store signature id).
            CallIndirect { sig: u32, table: u32 },
            /// Push a copy of a local (its cell, from the frame base).
            LocalGet(u32),
            /// Pop into a local.
            LocalSet(u32),
            /// Copy the top value into a local.
            LocalTee(u32),
            /// Push a global (store address).
            GlobalGet(u32),
            /// Pop into a global (store address).
            GlobalSet(u32),
            /// Drop a two-cell value (`v128`).
            Drop2,
            /// `select` of two-cell values.
            Select2,
            /// [`Op::LocalGet`] of a two-cell local (its first cell).
            LocalGet2(u32),
            /// [`Op::LocalSet`] of a two-cell local.
            LocalSet2(u32),
            /// [`Op::LocalTee`] of a two-cell local.
            LocalTee2(u32),
            /// [`Op::GlobalGet`] of a `v128` global.
            GlobalGet2(u32),
            /// [`Op::GlobalSet`] of a `v128` global.
            GlobalSet2(u32),
            I32Const(i32),
            I64Const(i64),
            /// An `f32.const`, as bits.
            F32Const(u32),
            /// An `f64.const`, as bits.
            F64Const(u64),
            I32Load { offset: u32 },
            I64Load { offset: u32 },
            F32Load { offset: u32 },
            F64Load { offset: u32 },
            I32Load8S { offset: u32 },
            I32Load8U { offset: u32 },
            I32Load16S { offset: u32 },
            I32Load16U { offset: u32 },
            I64Load8S { offset: u32 },
            I64Load8U { offset: u32 },
            I64Load16S { offset: u32 },
            I64Load16U { offset: u32 },
            I64Load32S { offset: u32 },
            I64Load32U { offset: u32 },
            I32Store { offset: u32 },
            I64Store { offset: u32 },
            F32Store { offset: u32 },
            F64Store { offset: u32 },
            I32Store8 { offset: u32 },
            I32Store16 { offset: u32 },
            I64Store8 { offset: u32 },
            I64Store16 { offset: u32 },
            I64Store32 { offset: u32 },
            MemorySize,
            MemoryGrow,
            MemoryFill,
            MemoryCopy,

            // ---- refs: tables, element and data segments, multi-memory, memory64 ----
            // Tables, memories and segments are named by store address. `ref.null`,
            // `ref.is_null` and `ref.func` need no ops of their own: they are `I64Const(0)`,
            // `I64Eqz` and `I64Const` of the reference's bits.
            /// Pop an index; push the entry of a table.
            TableGet(u32),
            /// Pop a reference and an index; set the entry.
            TableSet(u32),
            /// Push the size of a table.
            TableSize(u32),
            /// Pop a count and an initial reference; push the old size, or -1.
            TableGrow(u32),
            /// Pop a count, a reference and an index; fill.
            TableFill(u32),
            /// Pop a count, a source and a destination index; copy between tables.
            TableCopy { dst: u32, src: u32 },
            /// Pop a count, a source and a destination index; copy from an element segment.
            TableInit { table: u32, elem: u32 },
            /// Empty an element segment.
            ElemDrop(u32),
            /// Pop a count, a source and a destination address; copy from a data segment.
            MemoryInit { mem: u32, data: u32 },
            /// Empty a data segment.
            DataDrop(u32),
            /// `memory.size` of a memory other than the instance's first.
            MemorySizeAt(u32),
            /// `memory.grow` of a memory other than the instance's first.
            MemoryGrowAt(u32),
            /// `memory.fill` of a memory other than the instance's first.
            MemoryFillAt(u32),
            /// `memory.copy` between memories other than the instance's first alone.
            MemoryCopyAt { dst: u32, src: u32 },
            /// A load from any memory with a 64-bit offset (64-bit addresses, other memories).
            Load { kind: LoadKind, mem: u32, offset: u64 },
            /// A store to any memory with a 64-bit offset.
            Store { kind: StoreKind, mem: u32, offset: u64 },
            // SIMD (`simd.rs`): a v128 takes two stack cells, low half first.
            /// Push the `v128` at this index of [`FuncCode::v128_consts`].
            V128Const(u32),
            /// `i8x16.shuffle` with the lane indices at this index of
            /// [`FuncCode::v128_consts`] (one per byte).
            I8x16Shuffle(u32),
            /// A SIMD instruction without immediates.
            Simd(SimdOp),
            /// A SIMD `extract_lane` or `replace_lane` of lane `lane`.
            SimdLane { op: SimdOp, lane: u8 },
            /// A SIMD load or store at `offset`, of lane `lane` for the lane loads and stores.
            SimdMem { op: SimdOp, lane: u8, offset: u32 },
            // ---- Control (helper "ctrl"): tail calls, function references, exceptions,
            // wide arithmetic. ----
            /// Tail-call the function at this store address: its arguments replace the frame.
            ReturnCall(u32),
            /// Pop a table index and tail-call through table `table`, checking signature `sig`.
            ReturnCallIndirect { sig: u32, table: u32 },
            /// Pop a function reference and call it (trap on null).
            CallRef,
            /// Pop a function reference and tail-call it (trap on null).
            ReturnCallRef,
            /// Trap when the top reference is null.
            RefAsNonNull,
            /// When the top reference is null, pop it and branch as [`Op::Br`].
            BrOnNull { target: u32, drop: u32, keep: u32 },
            /// When the top reference is not null, branch as [`Op::Br`] (keeping it); else pop it.
            BrOnNonNull { target: u32, drop: u32, keep: u32 },
            /// Throw a new exception of tag `tag` (store address) with the tag's parameters as
            /// payload.
            Throw(u32),
            /// Pop an exception reference and throw it again (trap on null).
            ThrowRef,
            /// Throw again the exception a legacy `catch` stored in the frame cell `slot`.
            Rethrow(u32),
            I64Add128,
            I64Sub128,
            I64MulWideS,
            I64MulWideU,
            // ---- Atomics (helper "atomics", atomic.rs): threads with single-threaded
            // semantics, and SIMD memory ops on any memory. ----
            /// An atomic access of `bytes` bytes to memory `mem` (store address) at a 64-bit
            /// offset (see [`AtomicKind`]); `atomic.fence` needs no op.
            Atomic { kind: AtomicKind, bytes: u8, mem: u32, offset: u64 },
            /// [`Op::SimdMem`] on any memory (store address) with a 64-bit offset: 64-bit
            /// addresses, memories other than the instance's first.
            SimdMemAt { op: SimdOp, lane: u8, mem: u32, offset: u64 },
            // ---- GC (helper "gc", `gc/`): structs, arrays, `i31`, casts. Types are store
            // type ids, fields cell offsets (a `v128` takes two cells); `ref.eq` is `I64Eq`. ----
            /// Pop `cells` field cells; push a new struct of type `ty` holding them.
            StructNew { ty: u32, cells: u32 },
            /// Push a new struct of type `ty` of `cells` zero cells.
            StructNewDefault { ty: u32, cells: u32 },
            /// Pop a struct reference (trap on null); push its field at cell `offset`.
            StructGet { kind: FieldKind, offset: u32 },
            /// Pop a value (two cells when `wide`) and a struct reference; set the field.
            StructSet { wide: bool, offset: u32 },
            /// Pop a length and an initial value; push a new array of type `ty`.
            ArrayNew { ty: u32, wide: bool },
            /// Pop a length; push a new array of type `ty` of zeros.
            ArrayNewDefault { ty: u32, wide: bool },
            /// Pop `len` values; push a new array of type `ty` holding them.
            ArrayNewFixed { ty: u32, len: u32, wide: bool },
            /// Pop a size and an offset; push a new array of type `ty` read from data segment
            /// `data` (store address).
            ArrayNewData { ty: u32, data: u32 },
            /// Pop a size and an offset; push a new array of type `ty` from element segment
            /// `elem` (store address).
            ArrayNewElem { ty: u32, elem: u32 },
            /// Pop an index and an array reference; push the element.
            ArrayGet(FieldKind),
            /// Pop a value, an index and an array reference; set the element.
            ArraySet { wide: bool },
            /// Pop an array reference; push its length.
            ArrayLen,
            /// Pop a size, a value, an offset and an array reference; fill.
            ArrayFill { wide: bool },
            /// Pop a size, a source offset and array, a destination offset and array; copy.
            ArrayCopy { wide: bool },
            /// Pop a size, a segment offset, an array offset and an array of type `ty`; copy
            /// from data segment `data`.
            ArrayInitData { ty: u32, data: u32 },
            /// Pop a size, a segment offset, an array offset and an array; copy from element
            /// segment `elem`.
            ArrayInitElem { elem: u32 },
            /// Pop an `i32`; push an `i31ref` of its low 31 bits.
            RefI31,
            /// Pop an `i31ref` (trap on null); push its value sign-extended.
            I31GetS,
            /// Pop an `i31ref` (trap on null); push its value zero-extended.
            I31GetU,
            /// Test the top reference against `(ref null? heap)` and do as `mode` says.
            RefCast {
                heap: HeapType,
                nullable: bool,
                mode: CastMode,
            },
            /// `any.convert_extern` and `extern.convert_any` ([`Ref::convert`](super::Ref)).
            RefConvert,
            // ---- Speed (helper "speed"): fused instructions, chosen by the translator's
            // peephole (`translate/fuse.rs`) when no branch target lies inside the sequence.
            // Suffixes name where the operands come from: `C` a constant right operand (the
            // left one popped), `L` a local right operand, `LC` a local and a constant, `LL` two
            // locals (these push the result). `Br…` forms are a compare fused with the
            // `br_if` (or, inverted, the `if`) that consumes it: they jump to `target` when the
            // comparison holds, with no stack adjustment (`S`: both operands popped).
            /// `local.get; br_if`: jump when the local is not zero.
            JumpIfLocalNonZero { local: u32, target: u32 },
            /// `local.get; if`: jump when the local is zero.
            JumpIfLocalZero { local: u32, target: u32 },
            /// `local.tee; br_if`: pop into the local, jump when not zero.
            TeeJumpIfNonZero { local: u32, target: u32 },
            /// `local.tee; if`: pop into the local, jump when zero.
            TeeJumpIfZero { local: u32, target: u32 },
            I32AddC(i32),
            I32AddL(u32),
            I32AddLC { local: u32, c: i32 },
            I32AddLL(u32, u32),
            I32SubC(i32),
            I32SubL(u32),
            I32SubLC { local: u32, c: i32 },
            I32SubLL(u32, u32),
            I32MulC(i32),
            I32MulL(u32),
            I32MulLC { local: u32, c: i32 },
            I32MulLL(u32, u32),
            I32AndC(i32),
            I32AndL(u32),
            I32AndLC { local: u32, c: i32 },
            I32AndLL(u32, u32),
            I32OrC(i32),
            I32OrL(u32),
            I32OrLC { local: u32, c: i32 },
            I32OrLL(u32, u32),
            I32XorC(i32),
            I32XorL(u32),
            I32XorLC { local: u32, c: i32 },
            I32XorLL(u32, u32),
            I32ShlC(i32),
            I32ShlL(u32),
            I32ShlLC { local: u32, c: i32 },
            I32ShlLL(u32, u32),
            I32ShrSC(i32),
            I32ShrSL(u32),
            I32ShrSLC { local: u32, c: i32 },
            I32ShrSLL(u32, u32),
            I32ShrUC(i32),
            I32ShrUL(u32),
            I32ShrULC { local: u32, c: i32 },
            I32ShrULL(u32, u32),
            I32EqC(i32),
            I32EqLC { local: u32, c: i32 },
            I32EqLL(u32, u32),
            BrI32Eq(u32),
            BrI32EqC { c: i32, target: u32 },
            BrI32EqLC { local: u32, c: i32, target: u32 },
            BrI32EqLL { a: u32, b: u32, target: u32 },
            I32NeC(i32),
            I32NeLC { local: u32, c: i32 },
            I32NeLL(u32, u32),
            BrI32Ne(u32),
            BrI32NeC { c: i32, target: u32 },
            BrI32NeLC { local: u32, c: i32, target: u32 },
            BrI32NeLL { a: u32, b: u32, target: u32 },
            I32LtSC(i32),
            I32LtSLC { local: u32, c: i32 },
            I32LtSLL(u32, u32),
            BrI32LtS(u32),
            BrI32LtSC { c: i32, target: u32 },
            BrI32LtSLC { local: u32, c: i32, target: u32 },
            BrI32LtSLL { a: u32, b: u32, target: u32 },
            I32LtUC(i32),
            I32LtULC { local: u32, c: i32 },
            I32LtULL(u32, u32),
            BrI32LtU(u32),
            BrI32LtUC { c: i32, target: u32 },
            BrI32LtULC { local: u32, c: i32, target: u32 },
            BrI32LtULL { a: u32, b: u32, target: u32 },
            I32GtSC(i32),
            I32GtSLC { local: u32, c: i32 },
            I32GtSLL(u32, u32),
            BrI32GtS(u32),
            BrI32GtSC { c: i32, target: u32 },
            BrI32GtSLC { local: u32, c: i32, target: u32 },
            BrI32GtSLL { a: u32, b: u32, target: u32 },
            I32GtUC(i32),
            I32GtULC { local: u32, c: i32 },
            I32GtULL(u32, u32),
            BrI32GtU(u32),
            BrI32GtUC { c: i32, target: u32 },
            BrI32GtULC { local: u32, c: i32, target: u32 },
            BrI32GtULL { a: u32, b: u32, target: u32 },
            I32LeSC(i32),
            I32LeSLC { local: u32, c: i32 },
            I32LeSLL(u32, u32),
            BrI32LeS(u32),
            BrI32LeSC { c: i32, target: u32 },
            BrI32LeSLC { local: u32, c: i32, target: u32 },
            BrI32LeSLL { a: u32, b: u32, target: u32 },
            I32LeUC(i32),
            I32LeULC { local: u32, c: i32 },
            I32LeULL(u32, u32),
            BrI32LeU(u32),
            BrI32LeUC { c: i32, target: u32 },
            BrI32LeULC { local: u32, c: i32, target: u32 },
            BrI32LeULL { a: u32, b: u32, target: u32 },
            I32GeSC(i32),
            I32GeSLC { local: u32, c: i32 },
            I32GeSLL(u32, u32),
            BrI32GeS(u32),
            BrI32GeSC { c: i32, target: u32 },
            BrI32GeSLC { local: u32, c: i32, target: u32 },
            BrI32GeSLL { a: u32, b: u32, target: u32 },
            I32GeUC(i32),
            I32GeULC { local: u32, c: i32 },
            I32GeULL(u32, u32),
            BrI32GeU(u32),
            BrI32GeUC { c: i32, target: u32 },
            BrI32GeULC { local: u32, c: i32, target: u32 },
            BrI32GeULL { a: u32, b: u32, target: u32 },
            I64AddC(i64),
            I64AddL(u32),
            I64AddLC { local: u32, c: i64 },
            I64AddLL(u32, u32),
            I64SubC(i64),
            I64SubL(u32),
            I64SubLC { local: u32, c: i64 },
            I64SubLL(u32, u32),
            I64MulC(i64),
            I64MulL(u32),
            I64MulLC { local: u32, c: i64 },
            I64MulLL(u32, u32),
            I64AndC(i64),
            I64AndL(u32),
            I64AndLC { local: u32, c: i64 },
            I64AndLL(u32, u32),
            I64OrC(i64),
            I64OrL(u32),
            I64OrLC { local: u32, c: i64 },
            I64OrLL(u32, u32),
            I64XorC(i64),
            I64XorL(u32),
            I64XorLC { local: u32, c: i64 },
            I64XorLL(u32, u32),
            I64ShlC(i64),
            I64ShlL(u32),
            I64ShlLC { local: u32, c: i64 },
            I64ShlLL(u32, u32),
            I64ShrSC(i64),
            I64ShrSL(u32),
            I64ShrSLC { local: u32, c: i64 },
            I64ShrSLL(u32, u32),
            I64ShrUC(i64),
            I64ShrUL(u32),
            I64ShrULC { local: u32, c: i64 },
            I64ShrULL(u32, u32),
            BrI64Eq(u32),
            BrI64Ne(u32),
            BrI64LtS(u32),
            BrI64LtU(u32),
            BrI64GtS(u32),
            BrI64GtU(u32),
            BrI64LeS(u32),
            BrI64LeU(u32),
            BrI64GeS(u32),
            BrI64GeU(u32),
            // `…S`: the result goes to local `dst` (a fused `local.set`) instead of the stack.
            I32AddS(u32),
            I32AddLCS { local: u32, c: i32, dst: u32 },
            I32SubS(u32),
            I32SubLCS { local: u32, c: i32, dst: u32 },
            I32MulS(u32),
            I32MulLCS { local: u32, c: i32, dst: u32 },
            I32AndS(u32),
            I32AndLCS { local: u32, c: i32, dst: u32 },
            I32OrS(u32),
            I32OrLCS { local: u32, c: i32, dst: u32 },
            I32XorS(u32),
            I32XorLCS { local: u32, c: i32, dst: u32 },
            I32ShlS(u32),
            I32ShlLCS { local: u32, c: i32, dst: u32 },
            I32ShrSS(u32),
            I32ShrSLCS { local: u32, c: i32, dst: u32 },
            I32ShrUS(u32),
            I32ShrULCS { local: u32, c: i32, dst: u32 },
            I64AddS(u32),
            I64SubS(u32),
            I64MulS(u32),
            I64AndS(u32),
            I64OrS(u32),
            I64XorS(u32),
            I64ShlS(u32),
            I64ShrSS(u32),
            I64ShrUS(u32),
            F64AddS(u32),
            F64AddC(u64),
            F64AddL(u32),
            F64AddLL(u32, u32),
            F64SubS(u32),
            F64SubC(u64),
            F64SubL(u32),
            F64SubLL(u32, u32),
            F64MulS(u32),
            F64MulC(u64),
            F64MulL(u32),
            F64MulLL(u32, u32),
            F64DivS(u32),
            F64DivC(u64),
            F64DivL(u32),
            F64DivLL(u32, u32),
        }
    };
}
for_each_simple_op!(define_op);

const _: () = assert!(std::mem::size_of::<Op>() <= 16);

/// What a general [`Op::Load`] reads and how it extends it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(missing_docs, reason = "named as the wasm loads")]
pub enum LoadKind {
    I32,
    I64,
    F32,
    F64,
    I32S8,
    I32U8,
    I32S16,
    I32U16,
    I64S8,
    I64U8,
    I64S16,
    I64U16,
    I64S32,
    I64U32,
}

/// How a GC field or array element is read onto the stack.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldKind {
    /// One cell as is.
    Cell,
    /// Two cells (`v128`).
    Wide,
    /// A packed `i8`, sign-extended.
    S8,
    /// A packed `i8`, zero-extended.
    U8,
    /// A packed `i16`, sign-extended.
    S16,
    /// A packed `i16`, zero-extended.
    U16,
}

/// What an [`Op::RefCast`] does with the result of its test.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CastMode {
    /// `ref.test`: replace the reference by the result (`i32`).
    Test,
    /// `ref.cast`: trap with "cast failure" when it fails, else keep the reference.
    Cast,
    /// `br_on_cast`: keep the reference, push 1 when it matches (for a following branch).
    Branch,
    /// `br_on_cast_fail`: keep the reference, push 1 when it does not match.
    BranchFail,
}

/// How many bytes a general [`Op::Store`] writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StoreKind {
    /// One byte.
    B1,
    /// Two bytes.
    B2,
    /// Four bytes.
    B4,
    /// Eight bytes.
    B8,
}

/// A precomputed branch of a `br_table`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BrTarget {
    /// The op index to jump to.
    pub target: u32,
    /// How many values below the kept ones to remove.
    pub drop: u32,
    /// How many values on top of the stack to keep.
    pub keep: u32,
}

/// A translated function body.
#[derive(Clone, Debug, Default)]
pub struct FuncCode {
    /// The instructions; the last is always [`Op::Return`].
    pub ops: Vec<Op>,
    /// The branches of every `br_table`, indexed by [`Op::BrTable`].
    pub br_targets: Vec<BrTarget>,
    /// The cells the parameters take (a `v128` takes two, any other value one).
    pub params: u32,
    /// The cells the results take.
    pub results: u32,
    /// The cells of the declared locals beyond the parameters, zeroed on entry.
    pub locals: u32,
    /// Exception handlers, innermost first (see [`Handler`]); searched only when something
    /// is thrown.
    pub handlers: Vec<Handler>,
    /// The catch clauses of [`FuncCode::handlers`].
    pub catches: Vec<Catch>,
    /// The most stack cells the body ever uses above its frame base (parameters and locals
    /// included).
    pub max_height: u32,
    /// The 128-bit immediates of `v128.const` and `i8x16.shuffle`, indexed by
    /// [`Op::V128Const`] and [`Op::I8x16Shuffle`].
    pub v128_consts: Vec<u128>,
    /// The store address of the instance's first memory ([`usize::MAX`] when it has none),
    /// which the fast loads and stores use: a call reads it here, with no instance lookup.
    pub memory: usize,
}

/// A tag address meaning "any tag" in a [`Catch`] (`catch_all`, `catch_all_ref`).
pub const CATCH_ALL: u32 = u32::MAX;

/// A slot meaning "no slot" in a [`Catch`].
pub const NO_SLOT: u32 = u32::MAX;

/// The code range of a `try_table` or legacy `try` body, and what happens to an exception
/// thrown from it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Handler {
    /// First op index of the body.
    pub start: u32,
    /// One past the last op index of the body.
    pub end: u32,
    /// The block's nesting depth in its function (the function body is 0).
    pub depth: u32,
    /// Its catch clauses: `catches[first..first + len]`, tried in order.
    pub first: u32,
    /// How many catch clauses.
    pub len: u32,
    /// A legacy `delegate`: the exception goes on to the handlers at this depth or outside
    /// ([`u32::MAX`] when not a delegate).
    pub delegate: u32,
}

/// One catch clause.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Catch {
    /// The tag's store address, or [`CATCH_ALL`].
    pub tag: u32,
    /// Where execution goes on.
    pub target: u32,
    /// The stack height (cells above the frame base) the payload is pushed at.
    pub height: u32,
    /// Whether the tag's payload is pushed.
    pub payload: bool,
    /// Whether the exception reference is pushed (after the payload).
    pub push_ref: bool,
    /// A legacy `catch`: the frame cell that keeps the exception for `rethrow`, or
    /// [`NO_SLOT`].
    pub slot: u32,
}
