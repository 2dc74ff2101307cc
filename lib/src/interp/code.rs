//! The interpreter's execution format: [`Op`], a compact instruction that execution runs
//! without ever looking at wasmparser types.
//!
//! Branch targets are absolute op indices, resolved at translation, with the stack adjustment
//! precomputed: a branch keeps the top `keep` values, drops the `drop` values below them and
//! jumps. Calls name functions and globals by their address in the store, so that execution
//! needs no per-instance index lookup.

use super::atomic::AtomicKind;
use super::simd::SimdOp;
use super::threaded;
use super::value::{Cell, HeapType};

/// Calls `$callback! { (extra tokens) table }` with the one table of the numeric instructions,
/// loads and stores: each entry names the operator (as wasmparser's `Operator`), the `Op`
/// variants it translates to and what it computes. The `Op` enum, the translator's lookup and
/// the interpreter's arms are all generated from it.
///
/// Every register op reads its operands from frame cells (`a`, `b`: cell indices from the frame
/// base, which may be a local or an operand's cell) and writes its result to cell `dst`:
/// - `binary_imm`: integer binary operators, with a form whose right operand is an `i32`
///   immediate (sign-extended for `i64`); `comm` marks the commutative ones.
/// - `compare`: integer comparisons, also with the forms fused with a conditional branch (jump
///   to `target` when the comparison holds) and the branch forms of their negation (for `if`).
/// - `binary`: the floating-point binary operators, with a form whose right operand is a
///   constant (its cell's bits) and whose cells are 16-bit.
/// - `unary`: the other operators (floating point, conversions).
/// - `load`, `store`: memory 0 with a 32-bit offset; stores also with an immediate value; the
///   `Idx` forms take the address as the sum of two cells (`base + index`, an `i32.add` fused
///   into the access).
///
/// `pure` marks an operation that cannot trap, `trap` one returning `Result<_, TrapKind>`.
macro_rules! for_each_numeric {
    ($callback:ident ($($extra:tt)*)) => {
        $callback! {
            ($($extra)*)
            binary_imm {
                I32Add I32AddImm comm pure u32 => |a, b| a.wrapping_add(b);
                I32Sub I32SubImm nc pure u32 => |a, b| a.wrapping_sub(b);
                I32Mul I32MulImm comm pure u32 => |a, b| a.wrapping_mul(b);
                I32DivS I32DivSImm nc trap i32 => |a, b| num::i32_div_s(a, b);
                I32DivU I32DivUImm nc trap u32 => |a, b| num::i32_div_u(a, b);
                I32RemS I32RemSImm nc trap i32 => |a, b| num::i32_rem_s(a, b);
                I32RemU I32RemUImm nc trap u32 => |a, b| num::i32_rem_u(a, b);
                I32And I32AndImm comm pure u32 => |a, b| a & b;
                I32Or I32OrImm comm pure u32 => |a, b| a | b;
                I32Xor I32XorImm comm pure u32 => |a, b| a ^ b;
                I32Shl I32ShlImm nc pure u32 => |a, b| a.wrapping_shl(b);
                I32ShrS I32ShrSImm nc pure i32 => |a, b| a.wrapping_shr(b as u32);
                I32ShrU I32ShrUImm nc pure u32 => |a, b| a.wrapping_shr(b);
                I32Rotl I32RotlImm nc pure u32 => |a, b| a.rotate_left(b % 32);
                I32Rotr I32RotrImm nc pure u32 => |a, b| a.rotate_right(b % 32);
                I64Add I64AddImm comm pure u64 => |a, b| a.wrapping_add(b);
                I64Sub I64SubImm nc pure u64 => |a, b| a.wrapping_sub(b);
                I64Mul I64MulImm comm pure u64 => |a, b| a.wrapping_mul(b);
                I64DivS I64DivSImm nc trap i64 => |a, b| num::i64_div_s(a, b);
                I64DivU I64DivUImm nc trap u64 => |a, b| num::i64_div_u(a, b);
                I64RemS I64RemSImm nc trap i64 => |a, b| num::i64_rem_s(a, b);
                I64RemU I64RemUImm nc trap u64 => |a, b| num::i64_rem_u(a, b);
                I64And I64AndImm comm pure u64 => |a, b| a & b;
                I64Or I64OrImm comm pure u64 => |a, b| a | b;
                I64Xor I64XorImm comm pure u64 => |a, b| a ^ b;
                I64Shl I64ShlImm nc pure u64 => |a, b| a.wrapping_shl(b as u32);
                I64ShrS I64ShrSImm nc pure i64 => |a, b| a.wrapping_shr(b as u32);
                I64ShrU I64ShrUImm nc pure u64 => |a, b| a.wrapping_shr(b as u32);
                I64Rotl I64RotlImm nc pure u64 => |a, b| a.rotate_left((b % 64) as u32);
                I64Rotr I64RotrImm nc pure u64 => |a, b| a.rotate_right((b % 64) as u32);
            }
            compare {
                I32Eq I32EqImm BrI32Eq BrI32EqImm ! BrI32Ne BrI32NeImm comm u32 => |a, b| a == b;
                I32Ne I32NeImm BrI32Ne BrI32NeImm ! BrI32Eq BrI32EqImm comm u32 => |a, b| a != b;
                I32LtS I32LtSImm BrI32LtS BrI32LtSImm ! BrI32GeS BrI32GeSImm nc i32 => |a, b| a < b;
                I32LtU I32LtUImm BrI32LtU BrI32LtUImm ! BrI32GeU BrI32GeUImm nc u32 => |a, b| a < b;
                I32GtS I32GtSImm BrI32GtS BrI32GtSImm ! BrI32LeS BrI32LeSImm nc i32 => |a, b| a > b;
                I32GtU I32GtUImm BrI32GtU BrI32GtUImm ! BrI32LeU BrI32LeUImm nc u32 => |a, b| a > b;
                I32LeS I32LeSImm BrI32LeS BrI32LeSImm ! BrI32GtS BrI32GtSImm nc i32 => |a, b| a <= b;
                I32LeU I32LeUImm BrI32LeU BrI32LeUImm ! BrI32GtU BrI32GtUImm nc u32 => |a, b| a <= b;
                I32GeS I32GeSImm BrI32GeS BrI32GeSImm ! BrI32LtS BrI32LtSImm nc i32 => |a, b| a >= b;
                I32GeU I32GeUImm BrI32GeU BrI32GeUImm ! BrI32LtU BrI32LtUImm nc u32 => |a, b| a >= b;
                I64Eq I64EqImm BrI64Eq BrI64EqImm ! BrI64Ne BrI64NeImm comm u64 => |a, b| a == b;
                I64Ne I64NeImm BrI64Ne BrI64NeImm ! BrI64Eq BrI64EqImm comm u64 => |a, b| a != b;
                I64LtS I64LtSImm BrI64LtS BrI64LtSImm ! BrI64GeS BrI64GeSImm nc i64 => |a, b| a < b;
                I64LtU I64LtUImm BrI64LtU BrI64LtUImm ! BrI64GeU BrI64GeUImm nc u64 => |a, b| a < b;
                I64GtS I64GtSImm BrI64GtS BrI64GtSImm ! BrI64LeS BrI64LeSImm nc i64 => |a, b| a > b;
                I64GtU I64GtUImm BrI64GtU BrI64GtUImm ! BrI64LeU BrI64LeUImm nc u64 => |a, b| a > b;
                I64LeS I64LeSImm BrI64LeS BrI64LeSImm ! BrI64GtS BrI64GtSImm nc i64 => |a, b| a <= b;
                I64LeU I64LeUImm BrI64LeU BrI64LeUImm ! BrI64GtU BrI64GtUImm nc u64 => |a, b| a <= b;
                I64GeS I64GeSImm BrI64GeS BrI64GeSImm ! BrI64LtS BrI64LtSImm nc i64 => |a, b| a >= b;
                I64GeU I64GeUImm BrI64GeU BrI64GeUImm ! BrI64LtU BrI64LtUImm nc u64 => |a, b| a >= b;
            }
            binary {
                F32Eq F32EqImm pure f32 => |a, b| a == b;
                F32Ne F32NeImm pure f32 => |a, b| a != b;
                F32Lt F32LtImm pure f32 => |a, b| a < b;
                F32Gt F32GtImm pure f32 => |a, b| a > b;
                F32Le F32LeImm pure f32 => |a, b| a <= b;
                F32Ge F32GeImm pure f32 => |a, b| a >= b;
                F64Eq F64EqImm pure f64 => |a, b| a == b;
                F64Ne F64NeImm pure f64 => |a, b| a != b;
                F64Lt F64LtImm pure f64 => |a, b| a < b;
                F64Gt F64GtImm pure f64 => |a, b| a > b;
                F64Le F64LeImm pure f64 => |a, b| a <= b;
                F64Ge F64GeImm pure f64 => |a, b| a >= b;
                F32Add F32AddImm pure f32 => |a, b| a + b;
                F32Sub F32SubImm pure f32 => |a, b| a - b;
                F32Mul F32MulImm pure f32 => |a, b| a * b;
                F32Div F32DivImm pure f32 => |a, b| a / b;
                F32Min F32MinImm pure f32 => |a, b| num::f32_min(a, b);
                F32Max F32MaxImm pure f32 => |a, b| num::f32_max(a, b);
                F32Copysign F32CopysignImm pure u32 => |a, b| num::f32_copysign(a, b);
                F64Add F64AddImm pure f64 => |a, b| a + b;
                F64Sub F64SubImm pure f64 => |a, b| a - b;
                F64Mul F64MulImm pure f64 => |a, b| a * b;
                F64Div F64DivImm pure f64 => |a, b| a / b;
                F64Min F64MinImm pure f64 => |a, b| num::f64_min(a, b);
                F64Max F64MaxImm pure f64 => |a, b| num::f64_max(a, b);
                F64Copysign F64CopysignImm pure u64 => |a, b| num::f64_copysign(a, b);
            }
            unary {
                I32Eqz pure u32 => |a| a == 0;
                I64Eqz pure u64 => |a| a == 0;
                I32Clz pure u32 => |a| a.leading_zeros();
                I32Ctz pure u32 => |a| a.trailing_zeros();
                I32Popcnt pure u32 => |a| a.count_ones();
                I64Clz pure u64 => |a| u64::from(a.leading_zeros());
                I64Ctz pure u64 => |a| u64::from(a.trailing_zeros());
                I64Popcnt pure u64 => |a| u64::from(a.count_ones());
                F32Abs pure u32 => |a| a & 0x7fff_ffff;
                F32Neg pure u32 => |a| a ^ 0x8000_0000;
                F32Ceil pure f32 => |a| num::quiet(a.ceil());
                F32Floor pure f32 => |a| num::quiet(a.floor());
                F32Trunc pure f32 => |a| num::quiet(a.trunc());
                F32Nearest pure f32 => |a| num::f32_nearest(a);
                F32Sqrt pure f32 => |a| a.sqrt();
                F64Abs pure u64 => |a| a & 0x7fff_ffff_ffff_ffff;
                F64Neg pure u64 => |a| a ^ 0x8000_0000_0000_0000;
                F64Ceil pure f64 => |a| num::quiet(a.ceil());
                F64Floor pure f64 => |a| num::quiet(a.floor());
                F64Trunc pure f64 => |a| num::quiet(a.trunc());
                F64Nearest pure f64 => |a| num::f64_nearest(a);
                F64Sqrt pure f64 => |a| a.sqrt();
                I32WrapI64 pure u64 => |a| a as u32;
                I32TruncF32S trap f32 => |a| num::i32_trunc_s(f64::from(a));
                I32TruncF32U trap f32 => |a| num::i32_trunc_u(f64::from(a));
                I32TruncF64S trap f64 => |a| num::i32_trunc_s(a);
                I32TruncF64U trap f64 => |a| num::i32_trunc_u(a);
                I64ExtendI32S pure i32 => |a| i64::from(a);
                I64ExtendI32U pure u32 => |a| u64::from(a);
                I64TruncF32S trap f32 => |a| num::i64_trunc_s(f64::from(a));
                I64TruncF32U trap f32 => |a| num::i64_trunc_u(f64::from(a));
                I64TruncF64S trap f64 => |a| num::i64_trunc_s(a);
                I64TruncF64U trap f64 => |a| num::i64_trunc_u(a);
                F32ConvertI32S pure i32 => |a| a as f32;
                F32ConvertI32U pure u32 => |a| a as f32;
                F32ConvertI64S pure i64 => |a| a as f32;
                F32ConvertI64U pure u64 => |a| a as f32;
                F32DemoteF64 pure f64 => |a| a as f32;
                F64ConvertI32S pure i32 => |a| f64::from(a);
                F64ConvertI32U pure u32 => |a| f64::from(a);
                F64ConvertI64S pure i64 => |a| a as f64;
                F64ConvertI64U pure u64 => |a| a as f64;
                F64PromoteF32 pure f32 => |a| f64::from(a);
                I32Extend8S pure u32 => |a| i32::from(a as i8);
                I32Extend16S pure u32 => |a| i32::from(a as i16);
                I64Extend8S pure u64 => |a| i64::from(a as i8);
                I64Extend16S pure u64 => |a| i64::from(a as i16);
                I64Extend32S pure u64 => |a| i64::from(a as i32);
                I32TruncSatF32S pure f32 => |a| a as i32;
                I32TruncSatF32U pure f32 => |a| a as u32;
                I32TruncSatF64S pure f64 => |a| a as i32;
                I32TruncSatF64U pure f64 => |a| a as u32;
                I64TruncSatF32S pure f32 => |a| a as i64;
                I64TruncSatF32U pure f32 => |a| a as u64;
                I64TruncSatF64S pure f64 => |a| a as i64;
                I64TruncSatF64U pure f64 => |a| a as u64;
            }
            load {
                I32Load I32LoadIdx I32LoadAdd 4 => |b| u32::from_le_bytes(b);
                I64Load I64LoadIdx I64LoadAdd 8 => |b| u64::from_le_bytes(b);
                F32Load F32LoadIdx F32LoadAdd 4 => |b| u32::from_le_bytes(b);
                F64Load F64LoadIdx F64LoadAdd 8 => |b| f64::from_le_bytes(b);
                I32Load8S I32Load8SIdx I32Load8SAdd 1 => |b| i32::from(b[0] as i8);
                I32Load8U I32Load8UIdx I32Load8UAdd 1 => |b| u32::from(b[0]);
                I32Load16S I32Load16SIdx I32Load16SAdd 2 => |b| i32::from(i16::from_le_bytes(b));
                I32Load16U I32Load16UIdx I32Load16UAdd 2 => |b| u32::from(u16::from_le_bytes(b));
                I64Load8S I64Load8SIdx I64Load8SAdd 1 => |b| i64::from(b[0] as i8);
                I64Load8U I64Load8UIdx I64Load8UAdd 1 => |b| u64::from(b[0]);
                I64Load16S I64Load16SIdx I64Load16SAdd 2 => |b| i64::from(i16::from_le_bytes(b));
                I64Load16U I64Load16UIdx I64Load16UAdd 2 => |b| u64::from(u16::from_le_bytes(b));
                I64Load32S I64Load32SIdx I64Load32SAdd 4 => |b| i64::from(i32::from_le_bytes(b));
                I64Load32U I64Load32UIdx I64Load32UAdd 4 => |b| u64::from(u32::from_le_bytes(b));
            }
            store {
                I32Store I32StoreImm I32StoreIdx I32StoreImmIdx I32StoreAdd u32 => |v| v.to_le_bytes();
                I64Store I64StoreImm I64StoreIdx I64StoreImmIdx I64StoreAdd u64 => |v| v.to_le_bytes();
                F32Store F32StoreImm F32StoreIdx F32StoreImmIdx F32StoreAdd u32 => |v| v.to_le_bytes();
                F64Store F64StoreImm F64StoreIdx F64StoreImmIdx F64StoreAdd u64 => |v| v.to_le_bytes();
                I32Store8 I32Store8Imm I32Store8Idx I32Store8ImmIdx I32Store8Add u32 => |v| [v as u8];
                I32Store16 I32Store16Imm I32Store16Idx I32Store16ImmIdx I32Store16Add u32 => |v| (v as u16).to_le_bytes();
                I64Store8 I64Store8Imm I64Store8Idx I64Store8ImmIdx I64Store8Add u64 => |v| [v as u8];
                I64Store16 I64Store16Imm I64Store16Idx I64Store16ImmIdx I64Store16Add u64 => |v| (v as u16).to_le_bytes();
                I64Store32 I64Store32Imm I64Store32Idx I64Store32ImmIdx I64Store32Add u64 => |v| (v as u32).to_le_bytes();
            }
        }
    };
}
pub(crate) use for_each_numeric;

macro_rules! define_op {
    (
        ()
        binary_imm { $($bi:ident $bi_imm:ident $bi_c:ident $bi_k:ident $bi_t:ty => |$bi_a:ident, $bi_b:ident| $bi_e:expr;)* }
        compare { $($c:ident $c_imm:ident $c_br:ident $c_bri:ident ! $c_nbr:ident $c_nbri:ident $c_c:ident $c_t:ty => |$c_a:ident, $c_b:ident| $c_e:expr;)* }
        binary { $($b:ident $b_imm:ident $b_k:ident $b_t:ty => |$b_a:ident, $b_b:ident| $b_e:expr;)* }
        unary { $($u:ident $u_k:ident $u_t:ty => |$u_a:ident| $u_e:expr;)* }
        load { $($l:ident $l_idx:ident $l_add:ident $l_n:literal => |$l_b:ident| $l_e:expr;)* }
        store { $($s:ident $s_imm:ident $s_idx:ident $s_imm_idx:ident $s_add:ident $s_t:ty => |$s_v:ident| $s_e:expr;)* }
    ) => {
        /// One instruction of the execution format.
        ///
        /// Two kinds share it. Register ops (the numeric table `for_each_numeric!` and the
        /// core block below) name their operands and result by frame cell, an index from the
        /// frame base that is a local's cell or an operand's: the translator knows every
        /// operand's cell statically. Stack ops (every block after the core one) pop and
        /// push at the stack pointer `sp`, which the translator sets with [`Op::SetSp`] before
        /// them when register ops have left it behind.
        /// A comparison of the numeric table, for the ops that fuse one with something else.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        #[repr(u8)]
        #[allow(missing_docs, reason = "named after the comparison's op")]
        pub enum Cmp {
            $($c,)*
        }

        impl Cmp {
            /// The comparison of a compare-and-branch op, its first operand's cell and its
            /// second operand (a cell or an immediate), if it compares `i32`s.
            pub(super) fn of_i32_branch(op: &Op) -> Option<(Cmp, u32, Result<u32, i32>)> {
                match *op {
                    $(
                        Op::$c_br { a, b, .. } if is_i32::<$c_t>() => Some((Cmp::$c, a, Ok(b))),
                        Op::$c_bri { a, imm, .. } if is_i32::<$c_t>() => Some((Cmp::$c, a, Err(imm))),
                    )*
                    _ => None,
                }
            }

            /// Whether cells `a` and `b` compare so.
            #[inline(always)]
            pub(super) fn holds(self, a: u64, b: u64) -> bool {
                match self {
                    $(Cmp::$c => {
                        let ($c_a, $c_b) = (<$c_t as Cell>::from_cell(a), <$c_t as Cell>::from_cell(b));
                        $c_e
                    })*
                }
            }
        }

        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        #[repr(u16)]
        #[allow(missing_docs, reason = "the table's variants are the wasm instructions of the same name")]
        pub enum Op {
            $(
                $bi { dst: u32, a: u32, b: u32 },
                $bi_imm { dst: u32, a: u32, imm: i32 },
            )*
            $(
                $c { dst: u32, a: u32, b: u32 },
                $c_imm { dst: u32, a: u32, imm: i32 },
                $c_br { a: u32, b: u32, target: u32 },
                $c_bri { a: u32, imm: i32, target: u32 },
            )*
            $(
                $b { dst: u32, a: u32, b: u32 },
                $b_imm { dst: u16, a: u16, imm: u64 },
            )*
            $($u { dst: u32, a: u32 },)*
            $(
                $l { dst: u32, addr: u32, offset: u32 },
                $l_idx { scaled: bool, dst: u32, base: u16, index: u16, offset: u32 },
                $l_add { addr: u16, dst: u16, to: AddTo, imm: i32, offset: u32 },
            )*
            $(
                $s { addr: u32, value: u32, offset: u32 },
                $s_imm { addr: u32, imm: i32, offset: u32 },
                $s_idx { base: u16, index: u16, scaled: bool, value: u32, offset: u32 },
                $s_imm_idx { base: u16, index: u16, scaled: bool, imm: i32, offset: u32 },
                $s_add { addr: u16, value: u16, to: AddTo, imm: i32, offset: u32 },
            )*

            // ---- Core register ops: moves, control, calls. ----
            /// Trap with "unreachable".
            Unreachable,
            /// Copy cell `src` to cell `dst`.
            Copy { dst: u32, src: u32 },
            /// Set cell `dst` to a constant (any one-cell value, as bits).
            Const { dst: u32, bits: u64 },
            /// Set the stack pointer to this cell (for the stack ops that follow).
            SetSp(u32),
            /// `x += imm` (`i32`, wrapping), then jump to `target` when `x cmp b` holds (cell
            /// `b`): a loop's increment fused with its `i32` compare-and-branch.
            AddImmBr { x: u16, imm: i16, b: u16, cmp: Cmp, target: u32 },
            /// `x += imm`, then jump to `target` when `x cmp k` holds.
            AddImmBrImm { x: u16, imm: i16, cmp: Cmp, k: i32, target: u32 },
            /// `x += c` (cell), then jump to `target` when `x cmp b` holds.
            AddBr { x: u16, c: u16, b: u16, cmp: Cmp, target: u32 },
            /// Jump to an op index.
            Jump(u32),
            /// Jump to `target` when cell `cond` is not zero.
            BrIfNonZero { cond: u32, target: u32 },
            /// Jump to `target` when cell `cond` is zero.
            BrIfZero { cond: u32, target: u32 },
            /// Jump to `target` when cells `a & b` is not zero (an `i32.and` fused with the
            /// `br_if` that tests it).
            BrI32AndNonZero { a: u32, b: u32, target: u32 },
            /// Jump to `target` when cells `a & b` is zero (the `if` form).
            BrI32AndZero { a: u32, b: u32, target: u32 },
            /// Jump to `target` when cell `a & imm` is not zero.
            BrI32AndImmNonZero { a: u32, imm: i32, target: u32 },
            /// Jump to `target` when cell `a & imm` is zero.
            BrI32AndImmZero { a: u32, imm: i32, target: u32 },
            /// Jump to `targets[start + min(cell index, len - 1)].target` of the function's
            /// branch table ([`FuncCode::br_targets`]); no target moves values.
            BrTableAt { index: u32, start: u32, len: u32 },
            /// Return from the function: its results are in the cells from this one.
            Return(u32),
            /// Call the function at store address `func`: its arguments are the cells below
            /// `top`, where its frame starts; its results are left there.
            Call { func: u32, top: u32 },
            /// Call through table `table` (store address) with the index in cell `top - 1`
            /// and the arguments below it, checking the callee has signature `sig` (store
            /// signature id).
            CallIndirect { sig: u32, table: u32, top: u32 },
            /// `select` of the cells `at` (first value), `at + 1` (second) and `at + 2`
            /// (condition); the result goes to `at`.
            Select(u32),
            /// Set cell `dst` to a one-cell global (store address).
            GlobalGet { dst: u32, global: u32 },
            /// Set a one-cell global (store address) to cell `src`.
            GlobalSet { src: u32, global: u32 },

            // ---- Stack ops: branches that move values, two-cell (`v128`) values. ----
            /// Pop an i32; jump when it is not zero.
            JumpIfNonZero(u32),
            /// Pop an i32; when not zero, keep the top `keep` values, drop the `drop` below
            /// them and jump to `target`.
            BrIf { target: u32, drop: u32, keep: u32 },
            /// Pop an index; branch as `targets[start + min(index, len - 1)]` of the function's
            /// branch table ([`FuncCode::br_targets`]).
            BrTable { start: u32, len: u32 },
            /// `select` of two-cell values.
            Select2,
            /// Push a `v128` global (store address).
            GlobalGet2(u32),
            /// Pop into a `v128` global (store address).
            GlobalSet2(u32),
            MemorySize,
            MemoryGrow,
            MemoryFill,
            MemoryCopy,
            // ---- refs: tables, element and data segments, multi-memory, memory64 ----
            // Tables, memories and segments are named by store address. `ref.null`,
            // `ref.is_null` and `ref.func` need no ops of their own: they are a constant 0,
            // `I64Eqz` and a constant of the reference's bits.
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
            // SIMD register ops: operands and results in cells, a `v128` in two (`a`, `a + 1`).
            /// Copy the `v128` in cells `src`, `src + 1` to `dst`, `dst + 1`.
            Copy2 { dst: u32, src: u32 },
            /// A SIMD instruction without immediates whose result is a `v128`
            /// (a `simd::Shape` other than `Test`), on its operands in
            /// cells `a`, `b`, `c` (those it has).
            SimdR { op: SimdOp, dst: u32, a: u16, b: u16, c: u16 },
            /// A SIMD test (`v128 -> i32`: `any_true`, `all_true`, `bitmask`).
            SimdTestR { op: SimdOp, dst: u32, a: u32 },
            /// `extract_lane` of lane `lane` of the `v128` at `a` into the one cell `dst`.
            SimdExtractR { op: SimdOp, lane: u8, dst: u32, a: u32 },
            /// `replace_lane` of lane `lane` of the `v128` at `a` with the scalar at `x`.
            SimdReplaceR { op: SimdOp, lane: u8, dst: u32, a: u16, x: u16 },
            /// Set the `v128` at `dst` to the constant at this index of
            /// [`FuncCode::v128_consts`].
            V128ConstR { dst: u32, index: u32 },
            /// `i8x16.shuffle` of the `v128`s at `a` and `b` with the lane indices at index
            /// `lanes` of [`FuncCode::v128_consts`].
            ShuffleR { dst: u32, a: u16, b: u16, lanes: u32 },
            /// `v128.load` from memory 0 at the address in cell `addr` plus `offset`.
            V128LoadR { dst: u32, addr: u32, offset: u32 },
            /// `v128.store` of the `v128` at `value` to memory 0.
            V128StoreR { addr: u32, value: u32, offset: u32 },
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
            /// When the top reference is null, pop it and branch as [`Op::BrIf`] does.
            BrOnNull { target: u32, drop: u32, keep: u32 },
            /// When the top reference is not null, branch as [`Op::BrIf`] does (keeping it); else
            /// pop it.
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
        }
    };
}
for_each_numeric!(define_op());

const _: () = assert!(std::mem::size_of::<Op>() <= 16);

/// Whether `T` is a 32-bit integer type (the `i32` comparisons' operand types).
fn is_i32<T: 'static>() -> bool {
    use std::any::TypeId;
    [TypeId::of::<u32>(), TypeId::of::<i32>()].contains(&TypeId::of::<T>())
}

/// What the immediate of an access's `cell + imm` form is added to, for its address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum AddTo {
    /// The cell's value.
    Cell,
    /// The cell's value shifted left by log2 of the access size (an `i32.shl` fused in).
    Scaled,
    /// Nothing, the cell is not read: a constant address.
    Nothing,
}

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

/// An op together with the threaded handler that runs it (`threaded.rs`), so that going on
/// with the next op is one load of its handler and a jump, with no table lookup between them.
#[derive(Clone, Copy, Debug)]
#[repr(C)]
pub struct Slot {
    pub(super) op: Op,
    pub(super) handler: threaded::Handler,
}

/// A translated function body.
#[derive(Clone, Debug, Default)]
pub struct FuncCode {
    /// The instructions, each with its threaded handler; the last is always an
    /// [`Op::Return`].
    pub(super) slots: Box<[Slot]>,
    /// The branches of every `br_table`, indexed by [`Op::BrTable`] and [`Op::BrTableAt`].
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

impl FuncCode {
    /// The instructions.
    pub fn ops(&self) -> Vec<Op> {
        self.slots.iter().map(|s| s.op).collect()
    }
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
