//! SIMD (`v128`) and relaxed SIMD: the lane semantics as pure functions on `u128` (lane 0 in the
//! low bits), and their execution on the value stack, where a `v128` takes two 64-bit cells, low
//! half first.
//!
//! [`SimdOp`] names every SIMD operator after wasmparser's `for_each_visit_simd_operator!`. The
//! translator makes most of them register ops on cell pairs ([`Op::SimdR`] and its siblings,
//! see `translate/vector.rs`); `simd::translate` gives the stack form of every one, for the
//! rest: [`Op::Simd`] (no immediate), [`Op::SimdLane`] (a lane index) or [`Op::SimdMem`] (a
//! memory offset and maybe a lane). The 16-byte immediates of `v128.const` and `i8x16.shuffle` are kept
//! in [`FuncCode::v128_consts`](super::code::FuncCode::v128_consts).
//!
//! Floats follow the scalar rules of [`numeric`](super::numeric): arithmetic on the host's IEEE
//! operations (which give a canonical NaN from non-NaN operands and an arithmetic NaN otherwise),
//! `min`/`max` with the NaN and signed-zero rules, rounding with signalling NaNs made quiet.
//! `pmin`/`pmax` return one of their operands bit for bit, as the spec defines them by `<`.
//!
//! Relaxed SIMD lets an implementation pick among a few results; this interpreter always picks
//! the same one, so that a program gives the same answer on every host:
//! - `i8x16.relaxed_swizzle` is `i8x16.swizzle` (an index of 16 or more selects 0);
//! - `i32x4.relaxed_trunc_*` are the saturating `i32x4.trunc_sat_*` (NaN gives 0);
//! - `f32x4/f64x2.relaxed_madd` is `a * b + c` and `relaxed_nmadd` is `-(a * b) + c`, both
//!   UNFUSED (two roundings), as the plain multiply and add instructions compute them;
//! - `*.relaxed_laneselect` is `v128.bitselect` (every bit of the mask selects on its own);
//! - `f32x4/f64x2.relaxed_min/max` are `fNxM.min/max` (NaN wins, -0 is below +0);
//! - `i16x8.relaxed_q15mulr_s` is `i16x8.q15mulr_sat_s` (`-32768 * -32768` saturates to 32767);
//! - `i16x8.relaxed_dot_i8x16_i7x16_s` reads both operands as signed and wraps the pairwise sum
//!   to 16 bits; `i32x4.relaxed_dot_i8x16_i7x16_add_s` adds those 16-bit sums pairwise,
//!   sign-extended, to the accumulator, wrapping.

use super::InstantiateError;
use super::code::Op;
use super::memory;
use super::numeric as num;
use super::trap::TrapKind;
use wasmparser::{MemArg, Operator};

macro_rules! define_simd_op {
    ($( @$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*) )*) => {
        /// A SIMD or relaxed SIMD instruction, named as wasmparser's `Operator` variant; its
        /// immediates, if any, are carried by the [`Op`](super::code::Op) that holds it.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        #[allow(missing_docs, reason = "the variants are the wasm instructions of the same name")]
        pub enum SimdOp {
            $($op,)*
        }

        /// The [`SimdOp`] of a SIMD operator, `None` for any other.
        pub(crate) fn simd_op(op: &Operator<'_>) -> Option<SimdOp> {
            match op {
                $(Operator::$op { .. } => Some(SimdOp::$op),)*
                _ => None,
            }
        }
    };
}
wasmparser::for_each_visit_simd_operator!(define_simd_op);

/// Where a SIMD memory instruction accesses memory, as the translator resolves its [`MemArg`].
pub(crate) enum MemAt {
    /// The instance's first memory, 32-bit, at a 32-bit offset: [`Op::SimdMem`].
    First(u32),
    /// Any memory (store address) at a 64-bit offset: [`Op::SimdMemAt`].
    Any { mem: u32, offset: u64 },
}

/// Translates a SIMD operator (`s` is its [`SimdOp`]): `v128.const` and `i8x16.shuffle` put
/// their 16 bytes in `consts`, the memory instructions take their memory and offset from `at`
/// (which refuses what this interpreter cannot run).
pub(crate) fn translate(
    op: &Operator<'_>,
    s: SimdOp,
    consts: &mut Vec<u128>,
    at: impl Fn(&MemArg) -> Result<MemAt, InstantiateError>,
) -> Result<Op, InstantiateError> {
    let mut push = |v: u128| {
        consts.push(v);
        (consts.len() - 1) as u32
    };
    let mem_op = |memarg: &MemArg, lane: u8| -> Result<Op, InstantiateError> {
        Ok(match at(memarg)? {
            MemAt::First(offset) => Op::SimdMem {
                op: s,
                lane,
                offset,
            },
            MemAt::Any { mem, offset } => Op::SimdMemAt {
                op: s,
                lane,
                mem,
                offset,
            },
        })
    };
    Ok(match *op {
        Operator::V128Const { value } => Op::V128Const(push(u128::from_le_bytes(*value.bytes()))),
        Operator::I8x16Shuffle { lanes } => Op::I8x16Shuffle(push(u128::from_le_bytes(lanes))),
        Operator::I8x16ExtractLaneS { lane }
        | Operator::I8x16ExtractLaneU { lane }
        | Operator::I8x16ReplaceLane { lane }
        | Operator::I16x8ExtractLaneS { lane }
        | Operator::I16x8ExtractLaneU { lane }
        | Operator::I16x8ReplaceLane { lane }
        | Operator::I32x4ExtractLane { lane }
        | Operator::I32x4ReplaceLane { lane }
        | Operator::I64x2ExtractLane { lane }
        | Operator::I64x2ReplaceLane { lane }
        | Operator::F32x4ExtractLane { lane }
        | Operator::F32x4ReplaceLane { lane }
        | Operator::F64x2ExtractLane { lane }
        | Operator::F64x2ReplaceLane { lane } => Op::SimdLane { op: s, lane },
        Operator::V128Load { ref memarg }
        | Operator::V128Load8x8S { ref memarg }
        | Operator::V128Load8x8U { ref memarg }
        | Operator::V128Load16x4S { ref memarg }
        | Operator::V128Load16x4U { ref memarg }
        | Operator::V128Load32x2S { ref memarg }
        | Operator::V128Load32x2U { ref memarg }
        | Operator::V128Load8Splat { ref memarg }
        | Operator::V128Load16Splat { ref memarg }
        | Operator::V128Load32Splat { ref memarg }
        | Operator::V128Load64Splat { ref memarg }
        | Operator::V128Load32Zero { ref memarg }
        | Operator::V128Load64Zero { ref memarg }
        | Operator::V128Store { ref memarg } => mem_op(memarg, 0)?,
        Operator::V128Load8Lane { ref memarg, lane }
        | Operator::V128Load16Lane { ref memarg, lane }
        | Operator::V128Load32Lane { ref memarg, lane }
        | Operator::V128Load64Lane { ref memarg, lane }
        | Operator::V128Store8Lane { ref memarg, lane }
        | Operator::V128Store16Lane { ref memarg, lane }
        | Operator::V128Store32Lane { ref memarg, lane }
        | Operator::V128Store64Lane { ref memarg, lane } => mem_op(memarg, lane)?,
        _ => Op::Simd(s),
    })
}

/// A lane type: its width, and its bits in and out of a `u128`.
trait Lane: Copy + Default {
    /// The lane width in bits.
    const BITS: u32;
    /// All the lanes of a `v128`, lane 0 first: an array, which the lane-wise helpers work on
    /// so that the compiler can use the host's vector instructions.
    type Lanes: Copy + Default + AsRef<[Self]> + AsMut<[Self]>;
    /// The lane held in the low `BITS` bits of `v` (higher bits ignored).
    fn from_bits(v: u128) -> Self;
    /// The lane's bits, zero-extended.
    fn bits(self) -> u128;
    /// The lanes of `v`.
    fn split(v: u128) -> Self::Lanes;
    /// The `v128` of these lanes.
    fn join(lanes: Self::Lanes) -> u128;
}

macro_rules! lane_type {
    ($($t:ty => $u:ty, $n:literal, |$x:ident| $to:expr, |$y:ident| $from:expr;)*) => {$(
        impl Lane for $t {
            const BITS: u32 = <$u>::BITS;
            type Lanes = [$t; $n];
            #[inline(always)]
            fn from_bits(v: u128) -> Self {
                let $y = v as $u;
                $from
            }
            #[inline(always)]
            fn bits(self) -> u128 {
                let $x = self;
                u128::from($to)
            }
            #[inline(always)]
            fn split(v: u128) -> [$t; $n] {
                #[cfg(target_endian = "little")]
                {
                    bytemuck::cast(v)
                }
                #[cfg(not(target_endian = "little"))]
                {
                    const W: usize = size_of::<$u>();
                    let bytes = v.to_le_bytes();
                    std::array::from_fn(|i| {
                        let mut lane = [0u8; W];
                        lane.copy_from_slice(&bytes[i * W..(i + 1) * W]);
                        let $y = <$u>::from_le_bytes(lane);
                        $from
                    })
                }
            }
            #[inline(always)]
            fn join(lanes: [$t; $n]) -> u128 {
                #[cfg(target_endian = "little")]
                {
                    bytemuck::cast(lanes)
                }
                #[cfg(not(target_endian = "little"))]
                {
                    const W: usize = size_of::<$u>();
                    let mut bytes = [0u8; 16];
                    for (i, &$x) in lanes.iter().enumerate() {
                        let bits: $u = $to;
                        bytes[i * W..(i + 1) * W].copy_from_slice(&bits.to_le_bytes());
                    }
                    u128::from_le_bytes(bytes)
                }
            }
        }
    )*};
}
lane_type! {
    i8 => u8, 16, |x| x as u8, |y| y as i8;
    u8 => u8, 16, |x| x, |y| y;
    i16 => u16, 8, |x| x as u16, |y| y as i16;
    u16 => u16, 8, |x| x, |y| y;
    i32 => u32, 4, |x| x as u32, |y| y as i32;
    u32 => u32, 4, |x| x, |y| y;
    i64 => u64, 2, |x| x as u64, |y| y as i64;
    u64 => u64, 2, |x| x, |y| y;
    f32 => u32, 4, |x| x.to_bits(), |y| f32::from_bits(y);
    f64 => u64, 2, |x| x.to_bits(), |y| f64::from_bits(y);
}

/// All ones in the low `bits` bits.
#[inline(always)]
fn ones(bits: u32) -> u128 {
    u128::MAX >> (128 - bits)
}

/// Lane `i` of `v` seen as lanes of `T`.
#[inline(always)]
fn lane<T: Lane>(v: u128, i: u32) -> T {
    T::from_bits(v >> (i * T::BITS))
}

/// `v` with lane `i` replaced by `x`.
#[inline(always)]
fn with_lane<T: Lane>(v: u128, i: u32, x: T) -> u128 {
    let shift = i * T::BITS;
    (v & !(ones(T::BITS) << shift)) | (x.bits() << shift)
}

/// The number of `T` lanes in a `v128`.
#[inline(always)]
fn count<T: Lane>() -> u32 {
    128 / T::BITS
}

/// Applies `f` to each lane; `R` has the width of `T`.
#[inline(always)]
fn map1<T: Lane, R: Lane>(a: u128, f: impl Fn(T) -> R) -> u128 {
    let x = T::split(a);
    let mut r = R::Lanes::default();
    for (r, &x) in r.as_mut().iter_mut().zip(x.as_ref()) {
        *r = f(x);
    }
    R::join(r)
}

/// Applies `f` to each pair of lanes.
#[inline(always)]
fn map2<T: Lane>(a: u128, b: u128, f: impl Fn(T, T) -> T) -> u128 {
    let (x, y) = (T::split(a), T::split(b));
    let mut r = T::Lanes::default();
    for ((r, &x), &y) in r.as_mut().iter_mut().zip(x.as_ref()).zip(y.as_ref()) {
        *r = f(x, y);
    }
    T::join(r)
}

/// Applies `f` to each triple of lanes.
#[inline(always)]
fn map3<T: Lane>(a: u128, b: u128, c: u128, f: impl Fn(T, T, T) -> T) -> u128 {
    let (x, y, z) = (T::split(a), T::split(b), T::split(c));
    let mut r = T::Lanes::default();
    let xyz = x.as_ref().iter().zip(y.as_ref()).zip(z.as_ref());
    for (r, ((&x, &y), &z)) in r.as_mut().iter_mut().zip(xyz) {
        *r = f(x, y, z);
    }
    T::join(r)
}

/// A lane-wise comparison: all ones where `f` holds, zeros elsewhere.
#[inline(always)]
fn cmp<T: Lane>(a: u128, b: u128, f: impl Fn(T, T) -> bool) -> u128 {
    let (x, y) = (T::split(a), T::split(b));
    let mut r = [0u8; 16];
    let w = (T::BITS / 8) as usize;
    for (i, (&x, &y)) in x.as_ref().iter().zip(y.as_ref()).enumerate() {
        r[i * w..(i + 1) * w].fill(if f(x, y) { 0xff } else { 0 });
    }
    u128::from_le_bytes(r)
}

/// Every lane `x`.
#[inline(always)]
fn splat<T: Lane>(x: T) -> u128 {
    (0..count::<T>()).fold(0, |r, i| r | (x.bits() << (i * T::BITS)))
}

/// Whether no lane is zero.
#[inline(always)]
fn all_true<T: Lane>(a: u128) -> bool {
    (0..count::<T>()).all(|i| (a >> (i * T::BITS)) & ones(T::BITS) != 0)
}

/// The top bit of every lane, lane `i` in bit `i`.
#[inline(always)]
fn bitmask<T: Lane>(a: u128) -> u32 {
    (0..count::<T>()).fold(0, |r, i| {
        r | ((((a >> ((i + 1) * T::BITS - 1)) & 1) as u32) << i)
    })
}

/// Widens the low (`high == false`) or high half of the `N` lanes with `f` into `W` lanes.
#[inline(always)]
fn extend<N: Lane, W: Lane>(a: u128, high: bool, f: impl Fn(N) -> W) -> u128 {
    let base = if high { count::<W>() } else { 0 };
    (0..count::<W>()).fold(0, |r, i| r | (f(lane(a, base + i)).bits() << (i * W::BITS)))
}

/// Widens the low or high half of both operands' `N` lanes and combines them with `f`.
#[inline(always)]
fn extend2<N: Lane, W: Lane>(a: u128, b: u128, high: bool, f: impl Fn(N, N) -> W) -> u128 {
    let base = if high { count::<W>() } else { 0 };
    (0..count::<W>()).fold(0, |r, i| {
        r | (f(lane(a, base + i), lane(b, base + i)).bits() << (i * W::BITS))
    })
}

/// Combines adjacent `N` lanes `2i` and `2i + 1` of `a` and `b` into `W` lane `i`.
#[inline(always)]
fn pairwise<N: Lane, W: Lane>(a: u128, b: u128, f: impl Fn(N, N, N, N) -> W) -> u128 {
    (0..count::<W>()).fold(0, |r, i| {
        let x = f(
            lane(a, 2 * i),
            lane(a, 2 * i + 1),
            lane(b, 2 * i),
            lane(b, 2 * i + 1),
        );
        r | (x.bits() << (i * W::BITS))
    })
}

/// Narrows the `W` lanes of `a` then `b` with `f` into the `N` lanes of the result.
#[inline(always)]
fn narrow<W: Lane, N: Lane>(a: u128, b: u128, f: impl Fn(W) -> N) -> u128 {
    let half = count::<W>();
    let lo = (0..half).fold(0, |r, i| r | (f(lane(a, i)).bits() << (i * N::BITS)));
    (0..half).fold(lo, |r, i| {
        r | (f(lane(b, i)).bits() << ((half + i) * N::BITS))
    })
}

/// Converts each `W` lane with `f` into the low `N` lanes, zeroing the rest (`*_zero`).
#[inline(always)]
fn narrow_zero<W: Lane, N: Lane>(a: u128, f: impl Fn(W) -> N) -> u128 {
    (0..count::<W>()).fold(0, |r, i| r | (f(lane(a, i)).bits() << (i * N::BITS)))
}

/// `v128.bitselect`: bits of `a` where `mask` is set, of `b` elsewhere.
#[inline(always)]
fn bitselect(a: u128, b: u128, mask: u128) -> u128 {
    (a & mask) | (b & !mask)
}

/// `i8x16.swizzle`: lane `i` is lane `s[i]` of `a`, or 0 when that index is 16 or more.
#[inline]
pub fn swizzle(a: u128, s: u128) -> u128 {
    let bytes = a.to_le_bytes();
    let sel = s.to_le_bytes();
    u128::from_le_bytes(sel.map(|i| bytes.get(usize::from(i)).copied().unwrap_or(0)))
}

/// `i8x16.shuffle`: lane `i` is lane `lanes[i]` of the 32 lanes of `a` then `b`. Validation
/// keeps the indices below 32; the index is taken modulo 32 all the same.
#[inline]
pub fn shuffle(a: u128, b: u128, lanes: u128) -> u128 {
    let mut both = [0u8; 32];
    both[..16].copy_from_slice(&a.to_le_bytes());
    both[16..].copy_from_slice(&b.to_le_bytes());
    u128::from_le_bytes(lanes.to_le_bytes().map(|i| both[usize::from(i & 31)]))
}

/// `i16x8.q15mulr_sat_s` on one lane: `(a * b + 0x4000) >> 15`, saturated.
#[inline(always)]
fn q15mulr(a: i16, b: i16) -> i16 {
    let p = (i32::from(a) * i32::from(b) + 0x4000) >> 15;
    p.clamp(i32::from(i16::MIN), i32::from(i16::MAX)) as i16
}

/// `fN.pmin`: `b < a ? b : a`.
#[inline(always)]
fn pmin<T: PartialOrd>(a: T, b: T) -> T {
    if b < a { b } else { a }
}

/// `fN.pmax`: `a < b ? b : a`.
#[inline(always)]
fn pmax<T: PartialOrd>(a: T, b: T) -> T {
    if a < b { b } else { a }
}

/// The stack ops on two-cell (`v128`) values, shared by the interpreter loop and the threaded
/// handlers: each takes the stack and its pointer `sp` and returns the new pointer.
pub(crate) mod stack2 {
    use super::{get, put, shuffle};

    /// `select` of two `v128`s (and the `i32` condition above them).
    #[inline(always)]
    pub(crate) fn select(stack: &mut [u64], sp: usize) -> usize {
        let sp = sp - 3;
        if stack[sp + 2] as u32 == 0 {
            stack.copy_within(sp..sp + 2, sp - 2);
        }
        sp
    }

    /// Pushes a `v128` constant.
    #[inline(always)]
    pub(crate) fn push(stack: &mut [u64], sp: usize, v: u128) -> usize {
        put(stack, sp, v);
        sp + 2
    }

    /// Pops a `v128`.
    #[inline(always)]
    pub(crate) fn pop(stack: &[u64], sp: usize) -> (u128, usize) {
        (get(stack, sp - 2), sp - 2)
    }

    /// `i8x16.shuffle` of the two `v128`s on top with these lane indices.
    #[inline(always)]
    pub(crate) fn shuffle2(stack: &mut [u64], sp: usize, lanes: u128) -> usize {
        let b = get(stack, sp - 2);
        let a = get(stack, sp - 4);
        put(stack, sp - 4, shuffle(a, b, lanes));
        sp - 2
    }
}

/// The `v128` in cells `at` (low half) and `at + 1`.
#[inline(always)]
pub(crate) fn get(stack: &[u64], at: usize) -> u128 {
    u128::from(stack[at]) | (u128::from(stack[at + 1]) << 64)
}

/// Writes a `v128` into cells `at` and `at + 1`.
#[inline(always)]
pub(crate) fn put(stack: &mut [u64], at: usize, v: u128) {
    stack[at] = v as u64;
    stack[at + 1] = (v >> 64) as u64;
}

/// How a SIMD instruction without immediates takes its operands and gives its result.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Shape {
    /// `v128 -> v128`.
    Un,
    /// `v128 v128 -> v128`.
    Bin,
    /// `v128 v128 v128 -> v128`.
    Tern,
    /// `v128 -> i32`.
    Test,
    /// `v128 i32 -> v128`: a shift, its count taken modulo the lane width.
    Shift,
    /// A scalar (one cell) `-> v128`.
    Splat,
}

/// The semantics of every SIMD instruction without immediates, one arm each: `$op` matched
/// against the [`SimdOp`]s, each arm one of the shape macros `un!`, `bin!`, `tern!`, `test!`,
/// `shift!` and `splat_op!` (for [`Shape::Un`] and so on), which the caller defines, applied
/// to the instruction's function. The instructions with immediates give `$other`. [`shape`]
/// and [`apply`] are its two consumers.
macro_rules! no_immediates {
    ($op:expr, $other:expr) => {{
        use SimdOp as S;
        match $op {
            S::I8x16Splat => splat_op!(|x| splat(x as u8)),
            S::I16x8Splat => splat_op!(|x| splat(x as u16)),
            S::I32x4Splat | S::F32x4Splat => splat_op!(|x| splat(x as u32)),
            S::I64x2Splat | S::F64x2Splat => splat_op!(|x: u64| splat(x)),

            S::V128Not => un!(|a: u128| !a),
            S::V128And => bin!(|a, b| a & b),
            S::V128AndNot => bin!(|a: u128, b: u128| a & !b),
            S::V128Or => bin!(|a, b| a | b),
            S::V128Xor => bin!(|a, b| a ^ b),
            S::V128Bitselect
            | S::I8x16RelaxedLaneselect
            | S::I16x8RelaxedLaneselect
            | S::I32x4RelaxedLaneselect
            | S::I64x2RelaxedLaneselect => tern!(bitselect),
            S::V128AnyTrue => test!(|a: u128| a != 0),

            S::I8x16Swizzle | S::I8x16RelaxedSwizzle => bin!(swizzle),

            S::I8x16Eq => bin!(|a, b| cmp(a, b, |x: u8, y| x == y)),
            S::I8x16Ne => bin!(|a, b| cmp(a, b, |x: u8, y| x != y)),
            S::I8x16LtS => bin!(|a, b| cmp(a, b, |x: i8, y| x < y)),
            S::I8x16LtU => bin!(|a, b| cmp(a, b, |x: u8, y| x < y)),
            S::I8x16GtS => bin!(|a, b| cmp(a, b, |x: i8, y| x > y)),
            S::I8x16GtU => bin!(|a, b| cmp(a, b, |x: u8, y| x > y)),
            S::I8x16LeS => bin!(|a, b| cmp(a, b, |x: i8, y| x <= y)),
            S::I8x16LeU => bin!(|a, b| cmp(a, b, |x: u8, y| x <= y)),
            S::I8x16GeS => bin!(|a, b| cmp(a, b, |x: i8, y| x >= y)),
            S::I8x16GeU => bin!(|a, b| cmp(a, b, |x: u8, y| x >= y)),
            S::I16x8Eq => bin!(|a, b| cmp(a, b, |x: u16, y| x == y)),
            S::I16x8Ne => bin!(|a, b| cmp(a, b, |x: u16, y| x != y)),
            S::I16x8LtS => bin!(|a, b| cmp(a, b, |x: i16, y| x < y)),
            S::I16x8LtU => bin!(|a, b| cmp(a, b, |x: u16, y| x < y)),
            S::I16x8GtS => bin!(|a, b| cmp(a, b, |x: i16, y| x > y)),
            S::I16x8GtU => bin!(|a, b| cmp(a, b, |x: u16, y| x > y)),
            S::I16x8LeS => bin!(|a, b| cmp(a, b, |x: i16, y| x <= y)),
            S::I16x8LeU => bin!(|a, b| cmp(a, b, |x: u16, y| x <= y)),
            S::I16x8GeS => bin!(|a, b| cmp(a, b, |x: i16, y| x >= y)),
            S::I16x8GeU => bin!(|a, b| cmp(a, b, |x: u16, y| x >= y)),
            S::I32x4Eq => bin!(|a, b| cmp(a, b, |x: u32, y| x == y)),
            S::I32x4Ne => bin!(|a, b| cmp(a, b, |x: u32, y| x != y)),
            S::I32x4LtS => bin!(|a, b| cmp(a, b, |x: i32, y| x < y)),
            S::I32x4LtU => bin!(|a, b| cmp(a, b, |x: u32, y| x < y)),
            S::I32x4GtS => bin!(|a, b| cmp(a, b, |x: i32, y| x > y)),
            S::I32x4GtU => bin!(|a, b| cmp(a, b, |x: u32, y| x > y)),
            S::I32x4LeS => bin!(|a, b| cmp(a, b, |x: i32, y| x <= y)),
            S::I32x4LeU => bin!(|a, b| cmp(a, b, |x: u32, y| x <= y)),
            S::I32x4GeS => bin!(|a, b| cmp(a, b, |x: i32, y| x >= y)),
            S::I32x4GeU => bin!(|a, b| cmp(a, b, |x: u32, y| x >= y)),
            S::I64x2Eq => bin!(|a, b| cmp(a, b, |x: u64, y| x == y)),
            S::I64x2Ne => bin!(|a, b| cmp(a, b, |x: u64, y| x != y)),
            S::I64x2LtS => bin!(|a, b| cmp(a, b, |x: i64, y| x < y)),
            S::I64x2GtS => bin!(|a, b| cmp(a, b, |x: i64, y| x > y)),
            S::I64x2LeS => bin!(|a, b| cmp(a, b, |x: i64, y| x <= y)),
            S::I64x2GeS => bin!(|a, b| cmp(a, b, |x: i64, y| x >= y)),
            S::F32x4Eq => bin!(|a, b| cmp(a, b, |x: f32, y| x == y)),
            S::F32x4Ne => bin!(|a, b| cmp(a, b, |x: f32, y| x != y)),
            S::F32x4Lt => bin!(|a, b| cmp(a, b, |x: f32, y| x < y)),
            S::F32x4Gt => bin!(|a, b| cmp(a, b, |x: f32, y| x > y)),
            S::F32x4Le => bin!(|a, b| cmp(a, b, |x: f32, y| x <= y)),
            S::F32x4Ge => bin!(|a, b| cmp(a, b, |x: f32, y| x >= y)),
            S::F64x2Eq => bin!(|a, b| cmp(a, b, |x: f64, y| x == y)),
            S::F64x2Ne => bin!(|a, b| cmp(a, b, |x: f64, y| x != y)),
            S::F64x2Lt => bin!(|a, b| cmp(a, b, |x: f64, y| x < y)),
            S::F64x2Gt => bin!(|a, b| cmp(a, b, |x: f64, y| x > y)),
            S::F64x2Le => bin!(|a, b| cmp(a, b, |x: f64, y| x <= y)),
            S::F64x2Ge => bin!(|a, b| cmp(a, b, |x: f64, y| x >= y)),

            S::I8x16Abs => un!(|a| map1(a, |x: i8| x.wrapping_abs())),
            S::I8x16Neg => un!(|a| map1(a, |x: i8| x.wrapping_neg())),
            S::I8x16Popcnt => un!(|a| map1(a, |x: u8| x.count_ones() as u8)),
            S::I8x16AllTrue => test!(all_true::<u8>),
            S::I8x16Bitmask => test!(bitmask::<u8>),
            S::I8x16NarrowI16x8S => bin!(|a, b| narrow(a, b, |x: i16| {
                x.clamp(i16::from(i8::MIN), i16::from(i8::MAX)) as i8
            })),
            S::I8x16NarrowI16x8U => bin!(|a, b| narrow(a, b, |x: i16| x.clamp(0, 255) as u8)),
            S::I8x16Shl => shift!(u8, |x: u8, s| x << s),
            S::I8x16ShrS => shift!(i8, |x: i8, s| x >> s),
            S::I8x16ShrU => shift!(u8, |x: u8, s| x >> s),
            S::I8x16Add => bin!(|a, b| map2(a, b, u8::wrapping_add)),
            S::I8x16AddSatS => bin!(|a, b| map2(a, b, i8::saturating_add)),
            S::I8x16AddSatU => bin!(|a, b| map2(a, b, u8::saturating_add)),
            S::I8x16Sub => bin!(|a, b| map2(a, b, u8::wrapping_sub)),
            S::I8x16SubSatS => bin!(|a, b| map2(a, b, i8::saturating_sub)),
            S::I8x16SubSatU => bin!(|a, b| map2(a, b, u8::saturating_sub)),
            S::I8x16MinS => bin!(|a, b| map2(a, b, std::cmp::min::<i8>)),
            S::I8x16MinU => bin!(|a, b| map2(a, b, std::cmp::min::<u8>)),
            S::I8x16MaxS => bin!(|a, b| map2(a, b, std::cmp::max::<i8>)),
            S::I8x16MaxU => bin!(|a, b| map2(a, b, std::cmp::max::<u8>)),
            S::I8x16AvgrU => bin!(|a, b| map2(a, b, |x: u8, y: u8| {
                ((u16::from(x) + u16::from(y) + 1) >> 1) as u8
            })),

            S::I16x8ExtAddPairwiseI8x16S => {
                un!(|a| pairwise(a, a, |x: i8, y: i8, _, _| { i16::from(x) + i16::from(y) }))
            }
            S::I16x8ExtAddPairwiseI8x16U => {
                un!(|a| pairwise(a, a, |x: u8, y: u8, _, _| { u16::from(x) + u16::from(y) }))
            }
            S::I16x8Abs => un!(|a| map1(a, |x: i16| x.wrapping_abs())),
            S::I16x8Neg => un!(|a| map1(a, |x: i16| x.wrapping_neg())),
            S::I16x8Q15MulrSatS | S::I16x8RelaxedQ15mulrS => bin!(|a, b| map2(a, b, q15mulr)),
            S::I16x8AllTrue => test!(all_true::<u16>),
            S::I16x8Bitmask => test!(bitmask::<u16>),
            S::I16x8NarrowI32x4S => bin!(|a, b| narrow(a, b, |x: i32| {
                x.clamp(i32::from(i16::MIN), i32::from(i16::MAX)) as i16
            })),
            S::I16x8NarrowI32x4U => bin!(|a, b| narrow(a, b, |x: i32| x.clamp(0, 65535) as u16)),
            S::I16x8ExtendLowI8x16S => un!(|a| extend(a, false, |x: i8| i16::from(x))),
            S::I16x8ExtendHighI8x16S => un!(|a| extend(a, true, |x: i8| i16::from(x))),
            S::I16x8ExtendLowI8x16U => un!(|a| extend(a, false, |x: u8| u16::from(x))),
            S::I16x8ExtendHighI8x16U => un!(|a| extend(a, true, |x: u8| u16::from(x))),
            S::I16x8Shl => shift!(u16, |x: u16, s| x << s),
            S::I16x8ShrS => shift!(i16, |x: i16, s| x >> s),
            S::I16x8ShrU => shift!(u16, |x: u16, s| x >> s),
            S::I16x8Add => bin!(|a, b| map2(a, b, u16::wrapping_add)),
            S::I16x8AddSatS => bin!(|a, b| map2(a, b, i16::saturating_add)),
            S::I16x8AddSatU => bin!(|a, b| map2(a, b, u16::saturating_add)),
            S::I16x8Sub => bin!(|a, b| map2(a, b, u16::wrapping_sub)),
            S::I16x8SubSatS => bin!(|a, b| map2(a, b, i16::saturating_sub)),
            S::I16x8SubSatU => bin!(|a, b| map2(a, b, u16::saturating_sub)),
            S::I16x8Mul => bin!(|a, b| map2(a, b, u16::wrapping_mul)),
            S::I16x8MinS => bin!(|a, b| map2(a, b, std::cmp::min::<i16>)),
            S::I16x8MinU => bin!(|a, b| map2(a, b, std::cmp::min::<u16>)),
            S::I16x8MaxS => bin!(|a, b| map2(a, b, std::cmp::max::<i16>)),
            S::I16x8MaxU => bin!(|a, b| map2(a, b, std::cmp::max::<u16>)),
            S::I16x8AvgrU => bin!(|a, b| map2(a, b, |x: u16, y: u16| {
                ((u32::from(x) + u32::from(y) + 1) >> 1) as u16
            })),
            S::I16x8ExtMulLowI8x16S => {
                bin!(|a, b| extend2(a, b, false, |x: i8, y: i8| { i16::from(x) * i16::from(y) }))
            }
            S::I16x8ExtMulHighI8x16S => {
                bin!(|a, b| extend2(a, b, true, |x: i8, y: i8| { i16::from(x) * i16::from(y) }))
            }
            S::I16x8ExtMulLowI8x16U => {
                bin!(|a, b| extend2(a, b, false, |x: u8, y: u8| { u16::from(x) * u16::from(y) }))
            }
            S::I16x8ExtMulHighI8x16U => {
                bin!(|a, b| extend2(a, b, true, |x: u8, y: u8| { u16::from(x) * u16::from(y) }))
            }
            S::I16x8RelaxedDotI8x16I7x16S => bin!(|a, b| pairwise(a, b, |a0: i8, a1, b0, b1| {
                (i16::from(a0) * i16::from(b0)).wrapping_add(i16::from(a1) * i16::from(b1))
            })),

            S::I32x4ExtAddPairwiseI16x8S => {
                un!(|a| pairwise(a, a, |x: i16, y: i16, _, _| { i32::from(x) + i32::from(y) }))
            }
            S::I32x4ExtAddPairwiseI16x8U => {
                un!(|a| pairwise(a, a, |x: u16, y: u16, _, _| { u32::from(x) + u32::from(y) }))
            }
            S::I32x4Abs => un!(|a| map1(a, |x: i32| x.wrapping_abs())),
            S::I32x4Neg => un!(|a| map1(a, |x: i32| x.wrapping_neg())),
            S::I32x4AllTrue => test!(all_true::<u32>),
            S::I32x4Bitmask => test!(bitmask::<u32>),
            S::I32x4ExtendLowI16x8S => un!(|a| extend(a, false, |x: i16| i32::from(x))),
            S::I32x4ExtendHighI16x8S => un!(|a| extend(a, true, |x: i16| i32::from(x))),
            S::I32x4ExtendLowI16x8U => un!(|a| extend(a, false, |x: u16| u32::from(x))),
            S::I32x4ExtendHighI16x8U => un!(|a| extend(a, true, |x: u16| u32::from(x))),
            S::I32x4Shl => shift!(u32, |x: u32, s| x << s),
            S::I32x4ShrS => shift!(i32, |x: i32, s| x >> s),
            S::I32x4ShrU => shift!(u32, |x: u32, s| x >> s),
            S::I32x4Add => bin!(|a, b| map2(a, b, u32::wrapping_add)),
            S::I32x4Sub => bin!(|a, b| map2(a, b, u32::wrapping_sub)),
            S::I32x4Mul => bin!(|a, b| map2(a, b, u32::wrapping_mul)),
            S::I32x4MinS => bin!(|a, b| map2(a, b, std::cmp::min::<i32>)),
            S::I32x4MinU => bin!(|a, b| map2(a, b, std::cmp::min::<u32>)),
            S::I32x4MaxS => bin!(|a, b| map2(a, b, std::cmp::max::<i32>)),
            S::I32x4MaxU => bin!(|a, b| map2(a, b, std::cmp::max::<u32>)),
            S::I32x4DotI16x8S => bin!(|a, b| pairwise(a, b, |a0: i16, a1, b0, b1| {
                (i32::from(a0) * i32::from(b0)).wrapping_add(i32::from(a1) * i32::from(b1))
            })),
            S::I32x4ExtMulLowI16x8S => bin!(|a, b| extend2(a, b, false, |x: i16, y: i16| {
                i32::from(x) * i32::from(y)
            })),
            S::I32x4ExtMulHighI16x8S => {
                bin!(|a, b| extend2(a, b, true, |x: i16, y: i16| { i32::from(x) * i32::from(y) }))
            }
            S::I32x4ExtMulLowI16x8U => bin!(|a, b| extend2(a, b, false, |x: u16, y: u16| {
                u32::from(x) * u32::from(y)
            })),
            S::I32x4ExtMulHighI16x8U => {
                bin!(|a, b| extend2(a, b, true, |x: u16, y: u16| { u32::from(x) * u32::from(y) }))
            }
            S::I32x4RelaxedDotI8x16I7x16AddS => tern!(|a, b, c| {
                let dot = exec_pure_dot16(a, b);
                let sums = pairwise(dot, dot, |x: i16, y: i16, _, _| i32::from(x) + i32::from(y));
                map2(sums, c, i32::wrapping_add)
            }),

            S::I64x2Abs => un!(|a| map1(a, |x: i64| x.wrapping_abs())),
            S::I64x2Neg => un!(|a| map1(a, |x: i64| x.wrapping_neg())),
            S::I64x2AllTrue => test!(all_true::<u64>),
            S::I64x2Bitmask => test!(bitmask::<u64>),
            S::I64x2ExtendLowI32x4S => un!(|a| extend(a, false, |x: i32| i64::from(x))),
            S::I64x2ExtendHighI32x4S => un!(|a| extend(a, true, |x: i32| i64::from(x))),
            S::I64x2ExtendLowI32x4U => un!(|a| extend(a, false, |x: u32| u64::from(x))),
            S::I64x2ExtendHighI32x4U => un!(|a| extend(a, true, |x: u32| u64::from(x))),
            S::I64x2Shl => shift!(u64, |x: u64, s| x << s),
            S::I64x2ShrS => shift!(i64, |x: i64, s| x >> s),
            S::I64x2ShrU => shift!(u64, |x: u64, s| x >> s),
            S::I64x2Add => bin!(|a, b| map2(a, b, u64::wrapping_add)),
            S::I64x2Sub => bin!(|a, b| map2(a, b, u64::wrapping_sub)),
            S::I64x2Mul => bin!(|a, b| map2(a, b, u64::wrapping_mul)),
            S::I64x2ExtMulLowI32x4S => bin!(|a, b| extend2(a, b, false, |x: i32, y: i32| {
                i64::from(x) * i64::from(y)
            })),
            S::I64x2ExtMulHighI32x4S => {
                bin!(|a, b| extend2(a, b, true, |x: i32, y: i32| { i64::from(x) * i64::from(y) }))
            }
            S::I64x2ExtMulLowI32x4U => bin!(|a, b| extend2(a, b, false, |x: u32, y: u32| {
                u64::from(x) * u64::from(y)
            })),
            S::I64x2ExtMulHighI32x4U => {
                bin!(|a, b| extend2(a, b, true, |x: u32, y: u32| { u64::from(x) * u64::from(y) }))
            }

            S::F32x4Ceil => un!(|a| map1(a, |x: f32| num::quiet(x.ceil()))),
            S::F32x4Floor => un!(|a| map1(a, |x: f32| num::quiet(x.floor()))),
            S::F32x4Trunc => un!(|a| map1(a, |x: f32| num::quiet(x.trunc()))),
            S::F32x4Nearest => un!(|a| map1(a, num::f32_nearest)),
            S::F32x4Abs => un!(|a| map1(a, |x: u32| x & 0x7fff_ffff)),
            S::F32x4Neg => un!(|a| map1(a, |x: u32| x ^ 0x8000_0000)),
            S::F32x4Sqrt => un!(|a| map1(a, f32::sqrt)),
            S::F32x4Add => bin!(|a, b| map2(a, b, |x: f32, y| x + y)),
            S::F32x4Sub => bin!(|a, b| map2(a, b, |x: f32, y| x - y)),
            S::F32x4Mul => bin!(|a, b| map2(a, b, |x: f32, y| x * y)),
            S::F32x4Div => bin!(|a, b| map2(a, b, |x: f32, y| x / y)),
            S::F32x4Min | S::F32x4RelaxedMin => bin!(|a, b| map2(a, b, num::f32_min)),
            S::F32x4Max | S::F32x4RelaxedMax => bin!(|a, b| map2(a, b, num::f32_max)),
            S::F32x4PMin => bin!(|a, b| map2(a, b, pmin::<f32>)),
            S::F32x4PMax => bin!(|a, b| map2(a, b, pmax::<f32>)),
            S::F32x4RelaxedMadd => tern!(|a, b, c| map3(a, b, c, |x: f32, y, z| x * y + z)),
            S::F32x4RelaxedNmadd => tern!(|a, b, c| map3(a, b, c, |x: f32, y, z| -(x * y) + z)),
            S::F64x2Ceil => un!(|a| map1(a, |x: f64| num::quiet(x.ceil()))),
            S::F64x2Floor => un!(|a| map1(a, |x: f64| num::quiet(x.floor()))),
            S::F64x2Trunc => un!(|a| map1(a, |x: f64| num::quiet(x.trunc()))),
            S::F64x2Nearest => un!(|a| map1(a, num::f64_nearest)),
            S::F64x2Abs => un!(|a| map1(a, |x: u64| x & 0x7fff_ffff_ffff_ffff)),
            S::F64x2Neg => un!(|a| map1(a, |x: u64| x ^ 0x8000_0000_0000_0000)),
            S::F64x2Sqrt => un!(|a| map1(a, f64::sqrt)),
            S::F64x2Add => bin!(|a, b| map2(a, b, |x: f64, y| x + y)),
            S::F64x2Sub => bin!(|a, b| map2(a, b, |x: f64, y| x - y)),
            S::F64x2Mul => bin!(|a, b| map2(a, b, |x: f64, y| x * y)),
            S::F64x2Div => bin!(|a, b| map2(a, b, |x: f64, y| x / y)),
            S::F64x2Min | S::F64x2RelaxedMin => bin!(|a, b| map2(a, b, num::f64_min)),
            S::F64x2Max | S::F64x2RelaxedMax => bin!(|a, b| map2(a, b, num::f64_max)),
            S::F64x2PMin => bin!(|a, b| map2(a, b, pmin::<f64>)),
            S::F64x2PMax => bin!(|a, b| map2(a, b, pmax::<f64>)),
            S::F64x2RelaxedMadd => tern!(|a, b, c| map3(a, b, c, |x: f64, y, z| x * y + z)),
            S::F64x2RelaxedNmadd => tern!(|a, b, c| map3(a, b, c, |x: f64, y, z| -(x * y) + z)),

            // Rust's float-to-int `as` saturates and maps NaN to 0: exactly `trunc_sat`.
            S::I32x4TruncSatF32x4S | S::I32x4RelaxedTruncF32x4S => {
                un!(|a| map1(a, |x: f32| x as i32))
            }
            S::I32x4TruncSatF32x4U | S::I32x4RelaxedTruncF32x4U => {
                un!(|a| map1(a, |x: f32| x as u32))
            }
            S::I32x4TruncSatF64x2SZero | S::I32x4RelaxedTruncF64x2SZero => {
                un!(|a| narrow_zero(a, |x: f64| x as i32))
            }
            S::I32x4TruncSatF64x2UZero | S::I32x4RelaxedTruncF64x2UZero => {
                un!(|a| narrow_zero(a, |x: f64| x as u32))
            }
            S::F32x4ConvertI32x4S => un!(|a| map1(a, |x: i32| x as f32)),
            S::F32x4ConvertI32x4U => un!(|a| map1(a, |x: u32| x as f32)),
            S::F64x2ConvertLowI32x4S => un!(|a| extend(a, false, |x: i32| f64::from(x))),
            S::F64x2ConvertLowI32x4U => un!(|a| extend(a, false, |x: u32| f64::from(x))),
            S::F32x4DemoteF64x2Zero => un!(|a| narrow_zero(a, |x: f64| x as f32)),
            S::F64x2PromoteLowF32x4 => un!(|a| extend(a, false, |x: f32| f64::from(x))),
            S::V128Const
            | S::I8x16Shuffle
            | S::I8x16ExtractLaneS
            | S::I8x16ExtractLaneU
            | S::I8x16ReplaceLane
            | S::I16x8ExtractLaneS
            | S::I16x8ExtractLaneU
            | S::I16x8ReplaceLane
            | S::I32x4ExtractLane
            | S::I32x4ReplaceLane
            | S::I64x2ExtractLane
            | S::I64x2ReplaceLane
            | S::F32x4ExtractLane
            | S::F32x4ReplaceLane
            | S::F64x2ExtractLane
            | S::F64x2ReplaceLane
            | S::V128Load
            | S::V128Load8x8S
            | S::V128Load8x8U
            | S::V128Load16x4S
            | S::V128Load16x4U
            | S::V128Load32x2S
            | S::V128Load32x2U
            | S::V128Load8Splat
            | S::V128Load16Splat
            | S::V128Load32Splat
            | S::V128Load64Splat
            | S::V128Load32Zero
            | S::V128Load64Zero
            | S::V128Store
            | S::V128Load8Lane
            | S::V128Load16Lane
            | S::V128Load32Lane
            | S::V128Load64Lane
            | S::V128Store8Lane
            | S::V128Store16Lane
            | S::V128Store32Lane
            | S::V128Store64Lane => $other,
        }
    }};
}

/// The shape of a SIMD instruction without immediates; `None` for one with immediates.
pub(crate) fn shape(op: SimdOp) -> Option<Shape> {
    macro_rules! un {
        ($e:expr) => {
            Some(Shape::Un)
        };
    }
    macro_rules! bin {
        ($e:expr) => {
            Some(Shape::Bin)
        };
    }
    macro_rules! tern {
        ($e:expr) => {
            Some(Shape::Tern)
        };
    }
    macro_rules! test {
        ($e:expr) => {
            Some(Shape::Test)
        };
    }
    macro_rules! shift {
        ($t:ty, $e:expr) => {
            Some(Shape::Shift)
        };
    }
    macro_rules! splat_op {
        ($e:expr) => {
            Some(Shape::Splat)
        };
    }
    no_immediates!(op, None)
}

/// Runs a SIMD instruction without immediates (see [`shape`]) on its operands `a`, `b`, `c`
/// (those it has, in order; a scalar in the low bits). A [`Shape::Test`] result is an `i32` in
/// the low bits. An instruction with immediates gives 0 (the translator never sends one).
///
/// The operands come first: the six halves fill the six argument registers of the x86-64
/// and AArch64 calling conventions (an operand passed in memory would be read back as one
/// 16-byte load of a value its caller wrote as two 8-byte cells, which the CPU does not
/// forward from the stores: a stall of some 15 cycles).
#[inline(never)]
pub(crate) fn apply(a: u128, b: u128, c: u128, op: SimdOp) -> u128 {
    apply_inline(a, b, c, op)
}

/// [`apply`], inlined: the threaded handler of each instruction (`threaded.rs`) calls it with
/// that instruction as a constant, which folds the `match` to its one arm.
#[inline(always)]
pub(crate) fn apply_inline(a: u128, b: u128, c: u128, op: SimdOp) -> u128 {
    macro_rules! un {
        ($e:expr) => {
            $e(a)
        };
    }
    macro_rules! bin {
        ($e:expr) => {
            $e(a, b)
        };
    }
    macro_rules! tern {
        ($e:expr) => {
            $e(a, b, c)
        };
    }
    macro_rules! test {
        ($e:expr) => {
            u128::from($e(a) as u32)
        };
    }
    macro_rules! shift {
        ($t:ty, $e:expr) => {{
            let s = (b as u32) % <$t>::BITS;
            map1(a, |x: $t| $e(x, s))
        }};
    }
    macro_rules! splat_op {
        ($e:expr) => {
            $e(a as u64)
        };
    }
    no_immediates!(op, 0)
}

/// Runs a SIMD instruction without immediates on the operands below `sp`; returns the new
/// stack pointer. The instructions with immediates (handled by [`exec_lane`] and [`exec_mem`],
/// and `v128.const`/`i8x16.shuffle` by the main loop) never reach it.
#[inline(never)]
pub(crate) fn exec(op: SimdOp, stack: &mut [u64], sp: usize) -> usize {
    let Some(shape) = shape(op) else {
        panic!("bug: simd instruction {op:?} with immediates sent to simd::exec")
    };
    let cell = |at: usize| u128::from(stack[at]);
    match shape {
        Shape::Un => {
            let r = apply(get(stack, sp - 2), 0, 0, op);
            put(stack, sp - 2, r);
            sp
        }
        Shape::Bin => {
            let r = apply(get(stack, sp - 4), get(stack, sp - 2), 0, op);
            put(stack, sp - 4, r);
            sp - 2
        }
        Shape::Tern => {
            let (a, b, c) = (get(stack, sp - 6), get(stack, sp - 4), get(stack, sp - 2));
            put(stack, sp - 6, apply(a, b, c, op));
            sp - 4
        }
        Shape::Test => {
            stack[sp - 2] = apply(get(stack, sp - 2), 0, 0, op) as u64;
            sp - 1
        }
        Shape::Shift => {
            let r = apply(get(stack, sp - 3), cell(sp - 1), 0, op);
            put(stack, sp - 3, r);
            sp - 1
        }
        Shape::Splat => {
            let r = apply(cell(sp - 1), 0, 0, op);
            put(stack, sp - 1, r);
            sp + 1
        }
    }
}

/// The 16-bit pairwise dot product of `i16x8.relaxed_dot_i8x16_i7x16_s`.
#[inline(always)]
fn exec_pure_dot16(a: u128, b: u128) -> u128 {
    pairwise(a, b, |a0: i8, a1, b0, b1| {
        (i16::from(a0) * i16::from(b0)).wrapping_add(i16::from(a1) * i16::from(b1))
    })
}

/// Whether a lane instruction is an `extract_lane` (`v128 -> scalar`) rather than a
/// `replace_lane` (`v128 scalar -> v128`).
pub(crate) fn is_extract(op: SimdOp) -> bool {
    use SimdOp as S;
    matches!(
        op,
        S::I8x16ExtractLaneS
            | S::I8x16ExtractLaneU
            | S::I16x8ExtractLaneS
            | S::I16x8ExtractLaneU
            | S::I32x4ExtractLane
            | S::F32x4ExtractLane
            | S::I64x2ExtractLane
            | S::F64x2ExtractLane
    )
}

/// Runs a lane instruction on lane `lane_index` (validated to be in range) of `a`: an
/// `extract_lane` gives the scalar's cell in the low bits, a `replace_lane` puts the scalar
/// `x` (a cell) in that lane.
#[inline(never)]
pub(crate) fn lane_op(op: SimdOp, lane_index: u8, a: u128, x: u64) -> u128 {
    use SimdOp as S;
    let i = u32::from(lane_index);
    let r = match op {
        S::I8x16ExtractLaneS => u64::from(i32::from(lane::<i8>(a, i)) as u32),
        S::I8x16ExtractLaneU => u64::from(lane::<u8>(a, i)),
        S::I16x8ExtractLaneS => u64::from(i32::from(lane::<i16>(a, i)) as u32),
        S::I16x8ExtractLaneU => u64::from(lane::<u16>(a, i)),
        S::I32x4ExtractLane | S::F32x4ExtractLane => u64::from(lane::<u32>(a, i)),
        S::I64x2ExtractLane | S::F64x2ExtractLane => lane::<u64>(a, i),
        S::I8x16ReplaceLane => return with_lane(a, i, x as u8),
        S::I16x8ReplaceLane => return with_lane(a, i, x as u16),
        S::I32x4ReplaceLane | S::F32x4ReplaceLane => return with_lane(a, i, x as u32),
        S::I64x2ReplaceLane | S::F64x2ReplaceLane => return with_lane(a, i, x),
        _ => panic!("bug: {op:?} is not a lane instruction"),
    };
    u128::from(r)
}

/// Runs a lane instruction (`extract_lane`, `replace_lane`) with lane index `lane` on the
/// stack; returns the new stack pointer.
#[inline(never)]
pub(crate) fn exec_lane(op: SimdOp, lane_index: u8, stack: &mut [u64], sp: usize) -> usize {
    if is_extract(op) {
        stack[sp - 2] = lane_op(op, lane_index, get(stack, sp - 2), 0) as u64;
        sp - 1
    } else {
        let r = lane_op(op, lane_index, get(stack, sp - 3), stack[sp - 1]);
        put(stack, sp - 3, r);
        sp - 1
    }
}

/// Runs a SIMD memory instruction at `offset` (and lane `lane_index` for the lane loads and
/// stores) on memory `data`; returns the new stack pointer or the trap.
#[inline(never)]
pub(crate) fn exec_mem(
    op: SimdOp,
    lane_index: u8,
    offset: u64,
    data: &mut [u8],
    stack: &mut [u64],
    sp: usize,
) -> Result<usize, TrapKind> {
    use SimdOp as S;
    let i = u32::from(lane_index);
    // i32 -> v128: a load of N bytes, turned into a v128 by `f`.
    macro_rules! load {
        ($n:literal, $e:expr) => {{
            let addr = stack[sp - 1];
            let bytes = memory::load_at::<$n>(data, addr, offset)?;
            put(stack, sp - 1, $e(bytes));
            Ok(sp + 1)
        }};
    }
    // i32 v128 -> v128: a load of N bytes into one lane.
    macro_rules! load_lane {
        ($n:literal, $e:expr) => {{
            let v = get(stack, sp - 2);
            let addr = stack[sp - 3];
            let bytes = memory::load_at::<$n>(data, addr, offset)?;
            put(stack, sp - 3, $e(v, bytes));
            Ok(sp - 1)
        }};
    }
    // i32 v128 -> (): a store of the bytes `f` takes from the v128.
    macro_rules! store {
        ($e:expr) => {{
            let v = get(stack, sp - 2);
            let addr = stack[sp - 3];
            memory::store_at(data, addr, offset, $e(v))?;
            Ok(sp - 3)
        }};
    }
    match op {
        S::V128Load => load!(16, u128::from_le_bytes),
        S::V128Load8x8S => load!(8, |b| extend(
            u128::from(u64::from_le_bytes(b)),
            false,
            |x: i8| i16::from(x)
        )),
        S::V128Load8x8U => load!(8, |b| extend(
            u128::from(u64::from_le_bytes(b)),
            false,
            |x: u8| u16::from(x)
        )),
        S::V128Load16x4S => load!(8, |b| extend(
            u128::from(u64::from_le_bytes(b)),
            false,
            |x: i16| i32::from(x)
        )),
        S::V128Load16x4U => load!(8, |b| extend(
            u128::from(u64::from_le_bytes(b)),
            false,
            |x: u16| u32::from(x)
        )),
        S::V128Load32x2S => load!(8, |b| extend(
            u128::from(u64::from_le_bytes(b)),
            false,
            |x: i32| i64::from(x)
        )),
        S::V128Load32x2U => load!(8, |b| extend(
            u128::from(u64::from_le_bytes(b)),
            false,
            |x: u32| u64::from(x)
        )),
        S::V128Load8Splat => load!(1, |b: [u8; 1]| splat(b[0])),
        S::V128Load16Splat => load!(2, |b| splat(u16::from_le_bytes(b))),
        S::V128Load32Splat => load!(4, |b| splat(u32::from_le_bytes(b))),
        S::V128Load64Splat => load!(8, |b| splat(u64::from_le_bytes(b))),
        S::V128Load32Zero => load!(4, |b| u128::from(u32::from_le_bytes(b))),
        S::V128Load64Zero => load!(8, |b| u128::from(u64::from_le_bytes(b))),
        S::V128Load8Lane => load_lane!(1, |v, b: [u8; 1]| with_lane(v, i, b[0])),
        S::V128Load16Lane => load_lane!(2, |v, b| with_lane(v, i, u16::from_le_bytes(b))),
        S::V128Load32Lane => load_lane!(4, |v, b| with_lane(v, i, u32::from_le_bytes(b))),
        S::V128Load64Lane => load_lane!(8, |v, b| with_lane(v, i, u64::from_le_bytes(b))),
        S::V128Store => store!(u128::to_le_bytes),
        S::V128Store8Lane => store!(|v| [lane::<u8>(v, i)]),
        S::V128Store16Lane => store!(|v| lane::<u16>(v, i).to_le_bytes()),
        S::V128Store32Lane => store!(|v| lane::<u32>(v, i).to_le_bytes()),
        S::V128Store64Lane => store!(|v| lane::<u64>(v, i).to_le_bytes()),
        _ => panic!("bug: {op:?} is not a simd memory instruction"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs a no-immediate instruction on v128 operands.
    fn run(op: SimdOp, args: &[u128]) -> u128 {
        let mut stack = [0u64; 8];
        for (i, a) in args.iter().enumerate() {
            put(&mut stack, 2 * i, *a);
        }
        let sp = exec(op, &mut stack, 2 * args.len());
        assert_eq!(sp, 2, "{op:?} leaves one v128");
        get(&stack, 0)
    }

    fn i8s(l: [i8; 16]) -> u128 {
        u128::from_le_bytes(l.map(|x| x as u8))
    }
    fn i16s(l: [i16; 8]) -> u128 {
        (0..8).fold(0, |r, i| r | (u128::from(l[i] as u16) << (16 * i)))
    }
    fn i32s(l: [i32; 4]) -> u128 {
        (0..4).fold(0, |r, i| r | (u128::from(l[i] as u32) << (32 * i)))
    }
    fn f32s(l: [u32; 4]) -> u128 {
        (0..4).fold(0, |r, i| r | (u128::from(l[i]) << (32 * i)))
    }
    fn f64s(l: [u64; 2]) -> u128 {
        u128::from(l[0]) | (u128::from(l[1]) << 64)
    }

    #[test]
    fn lanes_are_little_endian() {
        let v = i32s([1, -2, 3, -4]);
        assert_eq!(lane::<i32>(v, 1), -2);
        assert_eq!(lane::<u8>(v, 4), 0xfe);
        assert_eq!(with_lane(v, 3, 7u32), i32s([1, -2, 3, 7]));
        assert_eq!(bitmask::<u32>(v), 0b1010);
        assert!(all_true::<u32>(v));
        assert!(all_true::<u64>(i32s([1, 0, 0, 0]) | (1 << 64)));
        assert!(!all_true::<u8>(v));
    }

    #[test]
    fn saturating_arithmetic() {
        let a = i8s([127, -128, 100, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1]);
        let b = i8s([1, -1, 100, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1]);
        assert_eq!(
            run(SimdOp::I8x16AddSatS, &[a, b]),
            i8s([127, -128, 127, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -2])
        );
        // Unsigned: -1 is 255, 100 + 100 fits in 200.
        assert_eq!(
            run(SimdOp::I8x16AddSatU, &[a, b]),
            i8s([-128, -1, -56, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1])
        );
        assert_eq!(
            run(SimdOp::I8x16SubSatU, &[b, a]),
            i8s([0, 127, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
        );
        assert_eq!(
            run(
                SimdOp::I8x16NarrowI16x8S,
                &[i16s([300, -300, 5, 0, 0, 0, 0, 0]), i16s([-1; 8])]
            ),
            i8s([127, -128, 5, 0, 0, 0, 0, 0, -1, -1, -1, -1, -1, -1, -1, -1])
        );
        assert_eq!(
            run(
                SimdOp::I8x16NarrowI16x8U,
                &[i16s([300, -300, 5, 0, 0, 0, 0, 0]), i16s([-1; 8])]
            ),
            i8s([-1, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
        );
    }

    #[test]
    fn q15mulr_saturates_only_at_min_times_min() {
        let a = i16s([i16::MIN, i16::MIN, 16384, -16384, 1, 0, 0, 0]);
        let b = i16s([i16::MIN, i16::MAX, 16384, 16384, 16384, 0, 0, 0]);
        let want = i16s([i16::MAX, -32767, 8192, -8192, 1, 0, 0, 0]);
        assert_eq!(run(SimdOp::I16x8Q15MulrSatS, &[a, b]), want);
        assert_eq!(run(SimdOp::I16x8RelaxedQ15mulrS, &[a, b]), want);
    }

    #[test]
    fn shift_counts_wrap_at_the_lane_width() {
        let mut stack = [0u64; 3];
        put(&mut stack, 0, i16s([-4, 4, 0, 0, 0, 0, 0, 0x4000]));
        stack[2] = 17; // 17 mod 16 = 1
        assert_eq!(exec(SimdOp::I16x8ShrS, &mut stack, 3), 2);
        assert_eq!(get(&stack, 0), i16s([-2, 2, 0, 0, 0, 0, 0, 0x2000]));
        stack[2] = 0xffff_ffff_0000_0041; // i32 65, mod 64 = 1
        assert_eq!(exec(SimdOp::I64x2Shl, &mut stack, 3), 2);
        assert_eq!(
            lane::<u64>(get(&stack, 0), 0),
            (lane::<u64>(i16s([-2, 2, 0, 0, 0, 0, 0, 0]), 0)) << 1
        );
    }

    #[test]
    fn swizzle_and_shuffle_indices() {
        let a = u128::from_le_bytes(std::array::from_fn(|i| i as u8 + 100));
        let b = u128::from_le_bytes(std::array::from_fn(|i| i as u8 + 200));
        let mut sel = [0u8; 16];
        sel[0] = 15;
        sel[1] = 16; // out of range: 0
        sel[2] = 255;
        sel[3] = 3;
        let s = u128::from_le_bytes(sel);
        let got = run(SimdOp::I8x16Swizzle, &[a, s]).to_le_bytes();
        assert_eq!(&got[..4], &[115, 0, 0, 103]);
        assert_eq!(
            run(SimdOp::I8x16RelaxedSwizzle, &[a, s]),
            run(SimdOp::I8x16Swizzle, &[a, s])
        );
        let lanes = u128::from_le_bytes(std::array::from_fn(|i| (31 - i) as u8));
        let got = shuffle(a, b, lanes).to_le_bytes();
        assert_eq!(got[0], 215);
        assert_eq!(got[15], 200);
        assert_eq!(shuffle(a, b, 16).to_le_bytes()[0], 200);
    }

    #[test]
    fn float_nan_rules() {
        let nan = 0x7fc0_0000u32;
        let snan = 0x7fa0_0000u32;
        let neg0 = 0x8000_0000u32;
        let one = 1.0f32.to_bits();
        // min: NaN wins, -0 below +0; the result NaN is quiet.
        let got = run(
            SimdOp::F32x4Min,
            &[f32s([snan, 0, neg0, one]), f32s([one, neg0, 0, nan])],
        );
        assert_eq!(lane::<u32>(got, 0) & 0x7fc0_0000, 0x7fc0_0000);
        assert_eq!(lane::<u32>(got, 1), neg0);
        assert_eq!(lane::<u32>(got, 2), neg0);
        assert!(lane::<f32>(got, 3).is_nan());
        // pmin returns the first operand unless the second is smaller: NaNs pass bit for bit.
        let got = run(
            SimdOp::F32x4PMin,
            &[f32s([snan, 0, neg0, one]), f32s([one, neg0, 0, nan])],
        );
        assert_eq!(got, f32s([snan, 0, neg0, one]));
        let got = run(
            SimdOp::F32x4PMax,
            &[f32s([one, 0, neg0, 0]), f32s([snan, neg0, 0, one])],
        );
        assert_eq!(got, f32s([one, 0, neg0, one]));
        // Rounding quiets a signalling NaN: the result is an arithmetic NaN (quiet bit set; the
        // payload is the host's choice, which Rust does not pin down and Miri randomizes).
        let got = run(
            SimdOp::F64x2Nearest,
            &[f64s([0x7ff4_0000_0000_0000, 2.5f64.to_bits()])],
        );
        let quiet = 0x7ff8_0000_0000_0000u64;
        assert_eq!(got as u64 & quiet, quiet);
        assert_eq!((got >> 64) as u64, 2.0f64.to_bits());
        // Neg and abs only touch the sign bit, even of a NaN.
        let got = run(SimdOp::F32x4Neg, &[f32s([snan, 0, one, nan | neg0])]);
        assert_eq!(got, f32s([snan | neg0, neg0, (-1.0f32).to_bits(), nan]));
    }

    #[test]
    fn conversions_saturate_and_zero() {
        let a = f32s([
            f32::NAN.to_bits(),
            3e9f32.to_bits(),
            (-3e9f32).to_bits(),
            (-1.5f32).to_bits(),
        ]);
        assert_eq!(
            run(SimdOp::I32x4TruncSatF32x4S, &[a]),
            i32s([0, i32::MAX, i32::MIN, -1])
        );
        assert_eq!(
            run(SimdOp::I32x4TruncSatF32x4U, &[a]),
            i32s([0, 3_000_000_000u32 as i32, 0, 0])
        );
        assert_eq!(
            run(SimdOp::I32x4RelaxedTruncF32x4S, &[a]),
            run(SimdOp::I32x4TruncSatF32x4S, &[a])
        );
        let d = f64s([(-7.9f64).to_bits(), 1e300f64.to_bits()]);
        assert_eq!(
            run(SimdOp::I32x4TruncSatF64x2SZero, &[d]),
            i32s([-7, i32::MAX, 0, 0])
        );
        assert_eq!(
            run(SimdOp::F32x4DemoteF64x2Zero, &[d]),
            f32s([(-7.9f32).to_bits(), f32::INFINITY.to_bits(), 0, 0])
        );
        assert_eq!(
            run(SimdOp::F64x2ConvertLowI32x4U, &[i32s([-1, 2, 9, 9])]),
            f64s([4_294_967_295.0f64.to_bits(), 2.0f64.to_bits()])
        );
    }

    #[test]
    fn widening_products_and_dots() {
        let a = i16s([i16::MIN, i16::MIN, 2, 3, 0, 0, 0, -1]);
        let b = i16s([i16::MIN, i16::MIN, 4, 5, 0, 0, 0, -1]);
        // The only overflow of i32x4.dot: 2 * 2^30 wraps to i32::MIN.
        assert_eq!(
            run(SimdOp::I32x4DotI16x8S, &[a, b]),
            i32s([i32::MIN, 23, 0, 1])
        );
        assert_eq!(
            run(SimdOp::I32x4ExtMulHighI16x8U, &[a, b]),
            i32s([0, 0, 0, (65535u32 * 65535) as i32])
        );
        assert_eq!(
            run(SimdOp::I16x8ExtAddPairwiseI8x16U, &[i8s([-1; 16])]),
            i16s([510; 8])
        );
        let x = i8s([-128, -128, -128, -128, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        let y = i8s([-127, -127, -127, -127, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(
            run(SimdOp::I16x8RelaxedDotI8x16I7x16S, &[x, y]),
            i16s([32512, 32512, 0, 0, 0, 0, 0, 0])
        );
        assert_eq!(
            run(
                SimdOp::I32x4RelaxedDotI8x16I7x16AddS,
                &[x, y, i32s([1, 2, 3, 4])]
            ),
            i32s([65025, 2, 3, 4])
        );
    }

    #[test]
    fn relaxed_madd_is_unfused() {
        let a = f32s([0x3f80_0002; 4]); // 0x1.000004p+0
        let b = f32s([0x3f80_0100; 4]); // 0x1.0002p+0
        let c = f32s([0xbf80_0102; 4]); // -0x1.000204p+0
        assert_eq!(run(SimdOp::F32x4RelaxedMadd, &[a, b, c]), 0);
        let na = f32s([0xbf80_0002; 4]);
        assert_eq!(run(SimdOp::F32x4RelaxedNmadd, &[na, b, c]), 0);
    }

    #[test]
    fn lanes_and_memory() {
        let mut stack = [0u64; 4];
        put(
            &mut stack,
            0,
            i8s([0, -5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
        );
        assert_eq!(exec_lane(SimdOp::I8x16ExtractLaneS, 1, &mut stack, 2), 1);
        assert_eq!(stack[0], 0xffff_fffb);
        put(&mut stack, 0, 0);
        stack[2] = 0x1_2345_6789;
        assert_eq!(exec_lane(SimdOp::I32x4ReplaceLane, 2, &mut stack, 3), 2);
        assert_eq!(get(&stack, 0), 0x2345_6789u128 << 64);

        let mut data = vec![0u8; 32];
        data[8..16].copy_from_slice(&[0xff, 1, 0x80, 0, 1, 2, 3, 4]);
        let mut stack = [8u64, 0, 0, 0];
        assert_eq!(
            exec_mem(SimdOp::V128Load8x8S, 0, 0, &mut data, &mut stack, 1),
            Ok(2)
        );
        assert_eq!(get(&stack, 0), i16s([-1, 1, -128, 0, 1, 2, 3, 4]));
        let mut stack = [3u64, 0, 0, 0];
        assert_eq!(
            exec_mem(SimdOp::V128Load32Zero, 0, 9, &mut data, &mut stack, 1),
            Ok(2)
        );
        assert_eq!(get(&stack, 0), 0x0403_0201);
        let mut stack = [17u64, 0, 0, 0];
        assert_eq!(
            exec_mem(SimdOp::V128Load, 0, 0, &mut data, &mut stack, 1),
            Err(TrapKind::MemoryOutOfBounds)
        );
        // store64_lane 1 of (1, 2) at 24: writes 2.
        let mut stack = [24u64, 1, 2, 0];
        assert_eq!(
            exec_mem(SimdOp::V128Store64Lane, 1, 0, &mut data, &mut stack, 3),
            Ok(0)
        );
        assert_eq!(&data[24..], &2u64.to_le_bytes());
        let mut stack = [8u64, 0, 0xffff, 0];
        assert_eq!(
            exec_mem(SimdOp::V128Load16Lane, 7, 1, &mut data, &mut stack, 3),
            Ok(2)
        );
        assert_eq!(get(&stack, 0), (0xffffu128 << 64) | (0x8001u128 << 112));
    }

    #[test]
    fn v128_through_params_locals_globals_and_memory() {
        use super::super::{Config, Extern, Linker, Store, Val};
        let wasm = wat::parse_str(
            r#"(module
                (import "host" "g" (global $g (mut v128)))
                (memory 1)
                (func (export "f") (param v128 i32) (result v128 i32)
                    (local v128)
                    (local.set 2 (i8x16.shuffle 16 1 2 3 4 5 6 7 8 9 10 11 12 13 14 31
                        (local.get 0) (v128.const i8x16 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -2)))
                    (v128.store offset=16 (local.get 1) (local.get 2))
                    (global.set $g (v128.load offset=16 (local.get 1)))
                    (i32x4.add (global.get $g) (v128.const i32x4 1 0 0 0))
                    (i8x16.extract_lane_u 15 (local.get 2))))"#,
        )
        .unwrap();
        let mut store = Store::new(Config::default());
        let g = store.add_global(Val::V128(0), true);
        let mut linker = Linker::new();
        linker.define("host", "g", g);
        let Extern::Global(g) = g else {
            panic!("add_global gives a global")
        };
        let i = store.instantiate(&wasm, &linker).unwrap();
        let arg = u128::from_le_bytes(std::array::from_fn(|i| i as u8));
        let got = store
            .call(i, "f", &[Val::V128(arg), Val::I32(100)])
            .unwrap();
        let mut want = arg.to_le_bytes();
        want[0] = 0xff;
        want[15] = 0xfe;
        let shuffled = u128::from_le_bytes(want);
        // Lane-wise add: 0x030201ff + 1 stays in lane 0.
        let sum = (shuffled & !0xffff_ffff) | 0x0302_0200;
        assert_eq!(got, [Val::V128(sum), Val::I32(0xfe)]);
        assert_eq!(store.global(g), Some(Val::V128(shuffled)));
    }
}
