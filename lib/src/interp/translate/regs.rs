//! Register allocation for the translator: wasm's operand stack becomes frame cells.
//!
//! Every operand has a home cell, fixed at translation: the frame base plus the cells of the
//! parameters, locals and the operands below it. A register op reads its operands from cells
//! and writes its result to the home cell of the operand it produces, so most wasm
//! instructions become one op that moves nothing. Two deferrals save the copies a stack
//! machine makes:
//! - `local.get` and the constants push no op: the operand is recorded as a *provider* (the
//!   local's cell, or the constant, which an op with an immediate form takes as its immediate).
//!   A provider is *materialized* (copied to its home cell) before anything could observe the
//!   difference: when its local is about to be written, at every block boundary and branch,
//!   and before a stack op.
//! - `local.set` and `local.tee` of the result of the op just emitted rewrite that op's
//!   destination to the local's cell.
//!
//! A comparison, `i32.eqz` or `i32.and` consumed by the `br_if` or `if` right after it is fused
//! with it into a compare-and-branch op, and an `i32.add` whose result is the address of the
//! load or store right after it into the access's `base + index` form (also of a cell and a
//! constant: `cell + imm`, wrapping as the add does). No rewrite crosses a label (the
//! translator's fence).
//!
//! SIMD follows the same scheme with two-cell operands ([`vector`](super::vector)).
//!
//! The stack ops (the other SIMD memory instructions, GC, tables, bulk memory, exceptions,
//! atomics, `v128` globals and `select`, branches that move values) still run at the stack
//! pointer: before one, every provider is
//! materialized and, when register ops have moved the height since the stack pointer was last
//! right, an [`Op::SetSp`] puts it there (see [`Translator::sync`]).

use super::super::code::{AddTo, Cmp, for_each_numeric};
use super::{Op, Translator};
use wasmparser::{MemArg, Operator};

/// A deferred operand: where its value is until it is materialized.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Src {
    /// The current value of the local at this cell.
    Local(u32),
    /// A constant, as the bits of its cell.
    Const(u64),
}

/// The operands of an `i32.add` folded into an address ([`Translator::take_add`]), each
/// cell `scaled` (shifted left by log2 of the access size) when an `i32.shl` by that much
/// computed it just before the add.
#[derive(Clone, Copy)]
enum Addend {
    /// Two cells: `base + index`.
    Cell { base: u16, index: u16, scaled: bool },
    /// A cell (as `to` says) and an immediate.
    Imm { addr: u16, to: AddTo, imm: i32 },
}

/// How a numeric operator translates ([`numeric`]).
#[derive(Clone, Copy)]
pub(super) enum Numeric {
    /// A binary operator: its form on two cells, its form with an immediate right operand
    /// (integers) or with a constant right operand's bits and 16-bit cells (floating point),
    /// whether it is commutative and whether it works on 64-bit integers.
    Binary {
        rr: fn(u32, u32, u32) -> Op,
        ri: Option<fn(u32, u32, i32) -> Op>,
        bits: Option<fn(u16, u16, u64) -> Op>,
        comm: bool,
        wide: bool,
    },
    /// A unary operator.
    Unary(fn(u32, u32) -> Op),
    /// A load: its form on memory 0, its forms on the sum of two cells and on a cell plus
    /// an immediate (whose result cell is 16-bit), its access size and its memory argument.
    Load {
        r: fn(u32, u32, u32) -> Op,
        idx: fn(u32, u16, u16, bool, u32) -> Op,
        add: fn(u16, u16, AddTo, i32, u32) -> Op,
        size: u32,
        memarg: MemArg,
    },
    /// A store: its form on memory 0, its form with an immediate value, their forms on the
    /// sum of two cells, its form on a cell plus an immediate, whether the value is 64-bit,
    /// its access size and its memory argument.
    Store {
        rr: fn(u32, u32, u32) -> Op,
        ri: fn(u32, i32, u32) -> Op,
        rr_idx: fn(u16, u16, bool, u32, u32) -> Op,
        ri_idx: fn(u16, u16, bool, i32, u32) -> Op,
        add: fn(u16, u16, AddTo, i32, u32) -> Op,
        wide: bool,
        size: u32,
        memarg: MemArg,
    },
}

/// Whether a table entry's commutativity mark says commutative.
macro_rules! is_comm {
    (comm) => {
        true
    };
    (nc) => {
        false
    };
}

macro_rules! define_lookup {
    (
        ()
        binary_imm { $($bi:ident $bi_imm:ident $bi_c:ident $bi_k:ident $bi_t:ty => |$bi_a:ident, $bi_b:ident| $bi_e:expr;)* }
        compare { $($c:ident $c_imm:ident $c_br:ident $c_bri:ident ! $c_nbr:ident $c_nbri:ident $c_c:ident $c_t:ty => |$c_a:ident, $c_b:ident| $c_e:expr;)* }
        binary { $($b:ident $b_imm:ident $b_k:ident $b_t:ty => |$b_a:ident, $b_b:ident| $b_e:expr;)* }
        unary { $($u:ident $u_k:ident $u_t:ty => |$u_a:ident| $u_e:expr;)* }
        load { $($l:ident $l_idx:ident $l_add:ident $l_n:literal => |$l_b:ident| $l_e:expr;)* }
        store { $($s:ident $s_imm:ident $s_idx:ident $s_imm_idx:ident $s_add:ident $s_t:ty => |$s_v:ident| $s_e:expr;)* }
    ) => {
        /// How a numeric operator, load or store translates, if it is one.
        pub(super) fn numeric(op: &Operator<'_>) -> Option<Numeric> {
            Some(match op {
                $(Operator::$bi => Numeric::Binary {
                    rr: |dst, a, b| Op::$bi { dst, a, b },
                    ri: Some(|dst, a, imm| Op::$bi_imm { dst, a, imm }),
                    bits: None,
                    comm: is_comm!($bi_c),
                    wide: size_of::<$bi_t>() == 8,
                },)*
                $(Operator::$c => Numeric::Binary {
                    rr: |dst, a, b| Op::$c { dst, a, b },
                    ri: Some(|dst, a, imm| Op::$c_imm { dst, a, imm }),
                    bits: None,
                    comm: is_comm!($c_c),
                    wide: size_of::<$c_t>() == 8,
                },)*
                $(Operator::$b => Numeric::Binary {
                    rr: |dst, a, b| Op::$b { dst, a, b },
                    ri: None,
                    // Not commutative, to the bit: of two NaN operands the first one's
                    // payload is the result's.
                    bits: Some(|dst, a, imm| Op::$b_imm { dst, a, imm }),
                    comm: false,
                    wide: false,
                },)*
                $(Operator::$u => Numeric::Unary(|dst, a| Op::$u { dst, a }),)*
                $(Operator::$l { memarg } => Numeric::Load {
                    r: |dst, addr, offset| Op::$l { dst, addr, offset },
                    idx: |dst, base, index, scaled, offset| Op::$l_idx { scaled, dst, base, index, offset },
                    add: |dst, addr, to, imm, offset| Op::$l_add { addr, dst, to, imm, offset },
                    size: $l_n,
                    memarg: *memarg,
                },)*
                $(Operator::$s { memarg } => Numeric::Store {
                    rr: |addr, value, offset| Op::$s { addr, value, offset },
                    ri: |addr, imm, offset| Op::$s_imm { addr, imm, offset },
                    rr_idx: |base, index, scaled, value, offset| Op::$s_idx { base, index, scaled, value, offset },
                    ri_idx: |base, index, scaled, imm, offset| Op::$s_imm_idx { base, index, scaled, imm, offset },
                    add: |addr, value, to, imm, offset| Op::$s_add { addr, value, to, imm, offset },
                    wide: size_of::<$s_t>() == 8,
                    size: {
                        let $s_v: $s_t = Default::default();
                        ($s_e).len() as u32
                    },
                    memarg: *memarg,
                },)*
                _ => return None,
            })
        }

        /// The compare-and-branch op for a comparison op (jumping when it holds, or when it
        /// does not if `negate`), and the conditional jumps for `eqz` and `and`.
        fn branch_form(op: Op, target: u32, negate: bool) -> Option<Op> {
            Some(match (op, negate) {
                $(
                    (Op::$c { a, b, .. }, false) => Op::$c_br { a, b, target },
                    (Op::$c { a, b, .. }, true) => Op::$c_nbr { a, b, target },
                    (Op::$c_imm { a, imm, .. }, false) => Op::$c_bri { a, imm, target },
                    (Op::$c_imm { a, imm, .. }, true) => Op::$c_nbri { a, imm, target },
                )*
                (Op::I32Eqz { a, .. }, false) => Op::BrIfZero { cond: a, target },
                (Op::I32Eqz { a, .. }, true) => Op::BrIfNonZero { cond: a, target },
                (Op::I32And { a, b, .. }, false) => Op::BrI32AndNonZero { a, b, target },
                (Op::I32And { a, b, .. }, true) => Op::BrI32AndZero { a, b, target },
                (Op::I32AndImm { a, imm, .. }, false) => Op::BrI32AndImmNonZero { a, imm, target },
                (Op::I32AndImm { a, imm, .. }, true) => Op::BrI32AndImmZero { a, imm, target },
                _ => return None,
            })
        }

        /// Makes an op that writes exactly one cell and nothing else write `cell` instead;
        /// false (and `op` unchanged) for another op, or when its field cannot hold `cell`.
        fn redirect(op: &mut Op, cell: u32) -> bool {
            // The forms whose result cell is 16-bit.
            let set16 = |dst: &mut u16| {
                u16::try_from(cell).is_ok_and(|cell| {
                    *dst = cell;
                    true
                })
            };
            let dst = match op {
                $(Op::$l_add { dst, .. } => return set16(dst),)*
                $(Op::$b_imm { dst, .. } => return set16(dst),)*
                $(Op::$bi { dst, .. } | Op::$bi_imm { dst, .. } => dst,)*
                $(Op::$c { dst, .. } | Op::$c_imm { dst, .. } => dst,)*
                $(Op::$b { dst, .. } => dst,)*
                $(Op::$u { dst, .. } => dst,)*
                $(Op::$l { dst, .. } | Op::$l_idx { dst, .. } => dst,)*
                Op::Copy { dst, .. }
                | Op::Const { dst, .. }
                | Op::GlobalGet { dst, .. }
                | Op::Copy2 { dst, .. }
                | Op::SimdR { dst, .. }
                | Op::SimdTestR { dst, .. }
                | Op::SimdExtractR { dst, .. }
                | Op::SimdReplaceR { dst, .. }
                | Op::V128ConstR { dst, .. }
                | Op::ShuffleR { dst, .. }
                | Op::V128LoadR { dst, .. } => dst,
                _ => return false,
            };
            *dst = cell;
            true
        }

        /// The branch target of a conditional branch op, to patch.
        pub(super) fn target_mut(op: &mut Op) -> Option<&mut u32> {
            match op {
                $(
                    Op::$c_br { target, .. } | Op::$c_bri { target, .. } => Some(target),
                )*
                Op::Jump(target)
                | Op::JumpIfNonZero(target)
                | Op::BrIfZero { target, .. }
                | Op::BrIfNonZero { target, .. }
                | Op::BrI32AndNonZero { target, .. }
                | Op::BrI32AndZero { target, .. }
                | Op::BrI32AndImmNonZero { target, .. }
                | Op::BrI32AndImmZero { target, .. }
                | Op::BrIf { target, .. }
                | Op::BrOnNull { target, .. }
                | Op::BrOnNonNull { target, .. }
                | Op::AddImmBr { target, .. }
                | Op::AddImmBrImm { target, .. }
                | Op::AddBr { target, .. } => Some(target),
                _ => None,
            }
        }
    };
}
for_each_numeric!(define_lookup());

/// The fused op of an in-place `i32` add `add` (`x += imm` or `x += c`) followed by the
/// compare-and-branch `branch` on `x` (as its first operand), when the cells fit 16 bits and
/// the immediate 16 bits.
fn add_branch_form(add: Op, branch: Op) -> Option<Op> {
    let (cmp, a, second) = Cmp::of_i32_branch(&branch)?;
    let target = *target_mut(&mut branch.clone())?;
    let cell = |c: u32| u16::try_from(c).ok();
    match add {
        Op::I32AddImm { dst, a: src, imm } if dst == src && dst == a => {
            let (x, imm) = (cell(dst)?, i16::try_from(imm).ok()?);
            Some(match second {
                Ok(b) => Op::AddImmBr {
                    x,
                    imm,
                    b: cell(b)?,
                    cmp,
                    target,
                },
                Err(k) => Op::AddImmBrImm {
                    x,
                    imm,
                    cmp,
                    k,
                    target,
                },
            })
        }
        Op::I32Add { dst, a: p, b: q } if dst == a && (p == dst || q == dst) => {
            let c = if p == dst { q } else { p };
            let b = second.ok()?;
            Some(Op::AddBr {
                x: cell(dst)?,
                c: cell(c)?,
                b: cell(b)?,
                cmp,
                target,
            })
        }
        _ => None,
    }
}

impl Translator<'_> {
    /// Appends `op`; returns its op index.
    pub(super) fn emit(&mut self, op: Op) -> usize {
        self.ops.push(op);
        self.last = None;
        self.ops.len() - 1
    }

    /// Appends `op`, which writes operand `pos`'s home cell and nothing else: a following
    /// `local.set` may redirect it.
    pub(super) fn emit_result(&mut self, op: Op, pos: u32) {
        let at = self.emit(op);
        self.last = Some((at, pos));
    }

    /// The home cell of the operand at `pos` (counted in values from the bottom).
    pub(super) fn home(&self, pos: u32) -> u32 {
        let popped = pos
            .checked_sub(self.popped_from)
            .and_then(|i| self.popped.get(i as usize));
        self.base + popped.copied().unwrap_or_else(|| self.cells_below(pos))
    }

    // The providers are kept sorted by position (pushes happen at the top of the stack).

    pub(super) fn provider_at(&self, pos: u32) -> Option<Src> {
        self.providers
            .iter()
            .rev()
            .find(|(p, _)| *p == pos)
            .map(|(_, s)| *s)
    }

    pub(super) fn push_provider(&mut self, pos: u32, src: Src) {
        while self.providers.last().is_some_and(|(p, _)| *p >= pos) {
            self.providers.pop();
        }
        self.providers.push((pos, src));
    }

    pub(super) fn remove_provider(&mut self, pos: u32) {
        if let Some(i) = self.providers.iter().rposition(|(p, _)| *p == pos) {
            self.providers.remove(i);
        }
    }

    /// Whether the operand at `pos` is a `v128` (two cells).
    pub(super) fn is_wide(&self, pos: u32) -> bool {
        self.home(pos + 1) - self.home(pos) == 2
    }

    /// The copy of a local (`v128` if `wide`) at cell `src` to cell `dst`.
    fn copy(dst: u32, src: u32, wide: bool) -> Op {
        if wide {
            Op::Copy2 { dst, src }
        } else {
            Op::Copy { dst, src }
        }
    }

    /// Emits the copy of a deferred operand to its home cell.
    fn emit_materialize(&mut self, pos: u32, src: Src) {
        let dst = self.home(pos);
        match src {
            Src::Local(cell) => self.emit(Self::copy(dst, cell, self.is_wide(pos))),
            Src::Const(bits) => self.emit(Op::Const { dst, bits }),
        };
    }

    /// Copies a deferred operand to its home cell.
    pub(super) fn materialize(&mut self, pos: u32) {
        if let Some(src) = self.provider_at(pos) {
            self.remove_provider(pos);
            self.emit_materialize(pos, src);
        }
    }

    /// Materializes every operand below `pos`.
    pub(super) fn flush_below(&mut self, pos: u32) {
        let n = self.providers.partition_point(|(p, _)| *p < pos);
        for i in 0..n {
            let (p, src) = self.providers[i];
            self.emit_materialize(p, src);
        }
        self.providers.drain(..n);
    }

    /// Materializes every operand.
    pub(super) fn flush(&mut self) {
        self.flush_below(u32::MAX);
    }

    /// Makes the stack real before a stack op at operand height `height` (cells): every
    /// operand in its home cell and the stack pointer above the top one.
    pub(super) fn sync(&mut self, height: u32) {
        self.flush();
        if !self.synced {
            self.emit(Op::SetSp(self.base + height));
            self.synced = true;
        }
    }

    /// The cell an op reads operand `pos` from: a local's, or its home cell (a constant is
    /// materialized there).
    pub(super) fn slot(&mut self, pos: u32) -> u32 {
        match self.provider_at(pos) {
            Some(Src::Local(cell)) => cell,
            Some(Src::Const(_)) => {
                self.materialize(pos);
                self.home(pos)
            }
            None => self.home(pos),
        }
    }

    /// The constant operand at `pos` as an immediate of a 32-bit (`wide` false) or 64-bit
    /// integer operator, if it is a constant that fits.
    fn imm(&self, pos: u32, wide: bool) -> Option<i32> {
        match self.provider_at(pos)? {
            Src::Const(bits) if !wide => Some(bits as u32 as i32),
            Src::Const(bits) => i32::try_from(bits as i64).ok(),
            Src::Local(_) => None,
        }
    }

    /// Emits a numeric operator whose operands are the top of a stack of `values` values.
    pub(super) fn emit_numeric(&mut self, n: Numeric, values: u32, offset: u32) {
        match n {
            Numeric::Binary {
                rr,
                ri,
                bits,
                comm,
                wide,
            } => {
                let (pa, pb) = (values - 2, values - 1);
                let dst = self.home(pa);
                let op = match (ri, self.imm(pb, wide), self.imm(pa, wide)) {
                    (Some(ri), Some(imm), _) => ri(dst, self.slot(pa), imm),
                    (Some(ri), None, Some(imm)) if comm => ri(dst, self.slot(pb), imm),
                    _ => {
                        let a = self.slot(pa);
                        match (bits, self.provider_at(pb)) {
                            (Some(bits), Some(Src::Const(k)))
                                if let (Ok(dst), Ok(a)) =
                                    (u16::try_from(dst), u16::try_from(a)) =>
                            {
                                bits(dst, a, k)
                            }
                            _ => rr(dst, a, self.slot(pb)),
                        }
                    }
                };
                self.remove_provider(pa);
                self.remove_provider(pb);
                self.emit_result(op, pa);
            }
            Numeric::Unary(un) => {
                let pa = values - 1;
                let op = un(self.home(pa), self.slot(pa));
                self.remove_provider(pa);
                self.emit_result(op, pa);
            }
            Numeric::Load {
                r, idx, add, size, ..
            } => {
                let pa = values - 1;
                let dst = self.home(pa);
                // The form with an immediate addend has a 16-bit result cell.
                let dst16 = u16::try_from(dst).ok();
                let op = match (self.take_add(pa, dst16.is_some(), size), dst16) {
                    (
                        Some(Addend::Cell {
                            base,
                            index,
                            scaled,
                        }),
                        _,
                    ) => idx(dst, base, index, scaled, offset),
                    (Some(Addend::Imm { addr, to, imm }), Some(dst)) => {
                        add(dst, addr, to, imm, offset)
                    }
                    _ => r(dst, self.slot(pa), offset),
                };
                self.remove_provider(pa);
                self.emit_result(op, pa);
            }
            Numeric::Store {
                rr,
                ri,
                rr_idx,
                ri_idx,
                add,
                wide,
                size,
                ..
            } => {
                let (pa, pv) = (values - 2, values - 1);
                let imm = self.imm(pv, wide);
                // A constant value without an immediate form is materialized into a cell the
                // `i32.add` may read: no fusion then.
                let materializes =
                    imm.is_none() && matches!(self.provider_at(pv), Some(Src::Const(_)));
                // The cell of a value that is not an immediate, if it fits the form with an
                // immediate addend (which has no room for an immediate value as well).
                let value16 = match (imm, self.provider_at(pv)) {
                    (None, Some(Src::Local(cell))) => u16::try_from(cell).ok(),
                    (None, None) => u16::try_from(self.home(pv)).ok(),
                    _ => None,
                };
                let fused = if materializes {
                    None
                } else {
                    self.take_add(pa, value16.is_some(), size)
                };
                let op = match (fused, imm) {
                    (
                        Some(Addend::Cell {
                            base,
                            index,
                            scaled,
                        }),
                        Some(imm),
                    ) => ri_idx(base, index, scaled, imm, offset),
                    (
                        Some(Addend::Cell {
                            base,
                            index,
                            scaled,
                        }),
                        None,
                    ) => rr_idx(base, index, scaled, self.slot(pv), offset),
                    (Some(Addend::Imm { addr, to, imm }), _) => {
                        // `take_add` gives an immediate addend only with `value16`.
                        add(addr, value16.unwrap_or_default(), to, imm, offset)
                    }
                    (None, Some(imm)) => ri(self.slot(pa), imm, offset),
                    (None, None) => {
                        let addr = self.slot(pa);
                        rr(addr, self.slot(pv), offset)
                    }
                };
                self.remove_provider(pa);
                self.remove_provider(pv);
                self.emit(op);
            }
        }
    }

    /// When the operand at `pos` is the result of an `i32.add` emitted just before (and used
    /// by nothing else) of two cells or, if `imm`, of a cell and an immediate, removes that op
    /// and returns its operands, for an access of `size` bytes whose address is their
    /// (wrapping) sum. An `i32.shl` by log2 `size` just before the add, of one of its operands,
    /// goes too: that operand is then the shift's, `scaled`.
    ///
    /// A constant address, with `imm`, is an immediate added to nothing.
    fn take_add(&mut self, pos: u32, imm: bool, size: u32) -> Option<Addend> {
        if let (true, Some(Src::Const(bits))) = (imm, self.provider_at(pos)) {
            return Some(Addend::Imm {
                addr: 0,
                to: AddTo::Nothing,
                imm: bits as u32 as i32,
            });
        }
        let last = self.ops.len().checked_sub(1)?;
        if self.last != Some((last, pos)) || last < self.fence {
            return None;
        }
        // The shift's result cell `s` and operand: `s` must be one nothing reads after the
        // access, a cell of the address's operand or above (the access writes or pops them
        // all), and no label may lie between the shift and the add.
        let home = self.home(pos);
        let shl = match last.checked_sub(1).map(|i| self.ops[i]) {
            Some(Op::I32ShlImm { dst: s, a, imm: k })
                if last > self.fence && k as u32 == size.trailing_zeros() && s >= home =>
            {
                u16::try_from(a).ok().map(|a| (s, a))
            }
            _ => None,
        };
        let cell = |c: u32| u16::try_from(c).ok();
        let (addend, shifted) = match (self.ops[last], shl) {
            // The shift's result is one operand (not both): the other is the base.
            (Op::I32Add { a, b, .. }, Some((s, x))) if (a == s) != (b == s) => {
                let base = cell(if a == s { b } else { a })?;
                (
                    Addend::Cell {
                        base,
                        index: x,
                        scaled: true,
                    },
                    true,
                )
            }
            (Op::I32Add { a, b, .. }, _) => {
                let (base, index) = (cell(a)?, cell(b)?);
                (
                    Addend::Cell {
                        base,
                        index,
                        scaled: false,
                    },
                    false,
                )
            }
            (Op::I32AddImm { a, imm: k, .. }, Some((s, x))) if imm && a == s => (
                Addend::Imm {
                    addr: x,
                    to: AddTo::Scaled,
                    imm: k,
                },
                true,
            ),
            (Op::I32AddImm { a, imm: k, .. }, _) if imm => (
                Addend::Imm {
                    addr: cell(a)?,
                    to: AddTo::Cell,
                    imm: k,
                },
                false,
            ),
            _ => return None,
        };
        self.ops.pop();
        if shifted {
            self.ops.pop();
        }
        self.last = None;
        Some(addend)
    }

    /// `local.set` (or, with `tee`, `local.tee`) of the local at `cell`, with the value the
    /// top of a stack of `values` values.
    pub(super) fn emit_local_set(&mut self, cell: u32, values: u32, tee: bool) {
        let pos = values - 1;
        let wide = self.is_wide(pos);
        // Operands deferred to this local must keep the value it has now.
        let stale = |&(p, s): &(u32, Src)| p != pos && s == Src::Local(cell);
        if self.providers.iter().any(stale) {
            let stale: Vec<u32> = self
                .providers
                .iter()
                .filter(|e| stale(e))
                .map(|(p, _)| *p)
                .collect();
            // When the value is the result of the op just emitted, the copies go before that op
            // (which reads only cells above them or locals, and writes none they read), so
            // that it can still be redirected to the local below. Not when a label is bound
            // at that op: the copies would land before the label's target.
            let last = self.ops.len().wrapping_sub(1);
            let hoist = self.provider_at(pos).is_none()
                && self.last == Some((last, pos))
                && (last > self.fence || !self.fenced)
                && redirect(&mut self.ops[last].clone(), cell);
            let result = if hoist { self.ops.pop() } else { None };
            for p in stale {
                self.materialize(p);
            }
            if let Some(op) = result {
                let at = self.emit(op);
                self.last = Some((at, pos));
            }
        }
        match self.provider_at(pos) {
            Some(Src::Local(src)) if src == cell => {}
            Some(Src::Local(src)) => {
                self.emit(Self::copy(cell, src, wide));
            }
            Some(Src::Const(bits)) => {
                self.emit(Op::Const { dst: cell, bits });
            }
            None => {
                let last = self.ops.len().wrapping_sub(1);
                let may_redirect = self.last == Some((last, pos)) && last >= self.fence;
                if may_redirect && redirect(&mut self.ops[last], cell) {
                    self.last = None;
                } else {
                    let src = self.home(pos);
                    self.emit(Self::copy(cell, src, wide));
                }
            }
        }
        self.remove_provider(pos);
        if tee {
            self.push_provider(pos, Src::Local(cell));
        }
    }

    /// Emits a jump to `target` taken when the condition at `pos` (the top operand) holds,
    /// or, with `negate`, when it does not; returns its op index, for a patch. A comparison
    /// emitted just before is fused with it.
    pub(super) fn emit_cond_jump(&mut self, pos: u32, target: u32, negate: bool) -> usize {
        self.flush_below(pos);
        let last = self.ops.len().wrapping_sub(1);
        if self.last == Some((last, pos))
            && last >= self.fence
            && self.provider_at(pos).is_none()
            && let Some(fused) = branch_form(self.ops[last], target, negate)
        {
            self.ops[last] = fused;
            self.last = None;
            // A loop's increment just before (no label between) goes into the branch too.
            if last > self.fence
                && let Some(with_add) = add_branch_form(self.ops[last - 1], fused)
            {
                self.ops.pop();
                self.ops[last - 1] = with_add;
                return last - 1;
            }
            return last;
        }
        let cond = self.slot(pos);
        self.remove_provider(pos);
        if negate {
            self.emit(Op::BrIfZero { cond, target })
        } else {
            self.emit(Op::BrIfNonZero { cond, target })
        }
    }
}
