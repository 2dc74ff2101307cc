//! SIMD as register ops: the `v128` instructions that take their operands from cells and write
//! their result to a cell pair, like the numeric ones ([`regs`](super::regs)). A `v128`
//! operand's home is two cells; a `v128` local is a provider as a one-cell local is.
//!
//! Taken here: the instructions without immediates ([`simd::shape`]), `extract_lane` and
//! `replace_lane`, `v128.const`, `i8x16.shuffle`, and `v128.load`/`v128.store` on memory 0.
//! The forms that hold cells in 16 bits are taken only while the frame's cells fit. Every
//! other SIMD instruction (the other loads and stores, other memories) is a stack op.

use super::super::code::Op;
use super::super::simd::{self, Shape, SimdOp};
use super::Translator;
use wasmparser::Operator;

/// How a SIMD operator translates as a register op.
#[derive(Clone, Copy)]
pub(super) enum Vector {
    /// Without immediates, of this shape.
    Plain(SimdOp, Shape),
    /// `extract_lane` or `replace_lane` of a lane.
    Lane(SimdOp, u8),
    /// `v128.const`.
    Const(u128),
    /// `i8x16.shuffle` with these lane indices.
    Shuffle(u128),
    /// `v128.load` at this offset.
    Load(u32),
    /// `v128.store` at this offset.
    Store(u32),
}

impl Translator<'_> {
    /// How `op`, the SIMD operator `s`, translates as a register op, if it can.
    pub(super) fn vector(&self, op: &Operator<'_>, s: SimdOp) -> Option<Vector> {
        // Room for the 16-bit cell fields: the operands and the result are below this.
        let fits = self.base + self.height() + 4 <= u32::from(u16::MAX);
        Some(match *op {
            Operator::V128Const { value } => Vector::Const(u128::from_le_bytes(*value.bytes())),
            Operator::I8x16Shuffle { lanes } if fits => Vector::Shuffle(u128::from_le_bytes(lanes)),
            Operator::V128Load { ref memarg } => Vector::Load(self.fast_memarg(memarg)?),
            Operator::V128Store { ref memarg } => Vector::Store(self.fast_memarg(memarg)?),
            // `extract_lane` has only 32-bit cell fields; `replace_lane` has 16-bit ones.
            Operator::I8x16ExtractLaneS { lane }
            | Operator::I8x16ExtractLaneU { lane }
            | Operator::I16x8ExtractLaneS { lane }
            | Operator::I16x8ExtractLaneU { lane }
            | Operator::I32x4ExtractLane { lane }
            | Operator::I64x2ExtractLane { lane }
            | Operator::F32x4ExtractLane { lane }
            | Operator::F64x2ExtractLane { lane }
            | Operator::I8x16ReplaceLane { lane }
            | Operator::I16x8ReplaceLane { lane }
            | Operator::I32x4ReplaceLane { lane }
            | Operator::I64x2ReplaceLane { lane }
            | Operator::F32x4ReplaceLane { lane }
            | Operator::F64x2ReplaceLane { lane }
                if fits || simd::is_extract(s) =>
            {
                Vector::Lane(s, lane)
            }
            _ => match simd::shape(s)? {
                Shape::Test => Vector::Plain(s, Shape::Test),
                shape if fits => Vector::Plain(s, shape),
                _ => return None,
            },
        })
    }

    /// Emits a SIMD register op whose operands are the top of a stack of `values` values.
    pub(super) fn emit_vector(&mut self, v: Vector, values: u32) {
        // A cell field that `vector` checked to fit in 16 bits.
        let narrow = |cell: u32| cell as u16;
        match v {
            Vector::Const(value) => {
                let index = self.push_v128_const(value);
                let dst = self.home(values);
                self.emit_result(Op::V128ConstR { dst, index }, values);
            }
            Vector::Shuffle(lanes) => {
                let (pa, pb) = (values - 2, values - 1);
                let lanes = self.push_v128_const(lanes);
                let (a, b) = (self.slot(pa), self.slot(pb));
                let dst = self.home(pa);
                self.pop_operands(pa, 2);
                let (a, b) = (narrow(a), narrow(b));
                self.emit_result(Op::ShuffleR { dst, a, b, lanes }, pa);
            }
            Vector::Load(offset) => {
                let pa = values - 1;
                let (addr, dst) = (self.slot(pa), self.home(pa));
                self.pop_operands(pa, 1);
                self.emit_result(Op::V128LoadR { dst, addr, offset }, pa);
            }
            Vector::Store(offset) => {
                let (pa, pv) = (values - 2, values - 1);
                let (addr, value) = (self.slot(pa), self.slot(pv));
                self.pop_operands(pa, 2);
                self.emit(Op::V128StoreR {
                    addr,
                    value,
                    offset,
                });
            }
            Vector::Lane(op, lane) if simd::is_extract(op) => {
                let pa = values - 1;
                let (a, dst) = (self.slot(pa), self.home(pa));
                self.pop_operands(pa, 1);
                self.emit_result(Op::SimdExtractR { op, lane, dst, a }, pa);
            }
            Vector::Lane(op, lane) => {
                let (pa, px) = (values - 2, values - 1);
                let (a, x) = (self.slot(pa), self.slot(px));
                let dst = self.home(pa);
                self.pop_operands(pa, 2);
                let (a, x) = (narrow(a), narrow(x));
                self.emit_result(
                    Op::SimdReplaceR {
                        op,
                        lane,
                        dst,
                        a,
                        x,
                    },
                    pa,
                );
            }
            Vector::Plain(op, Shape::Test) => {
                let pa = values - 1;
                let (a, dst) = (self.slot(pa), self.home(pa));
                self.pop_operands(pa, 1);
                self.emit_result(Op::SimdTestR { op, dst, a }, pa);
            }
            Vector::Plain(op, shape) => {
                let n = match shape {
                    Shape::Un | Shape::Splat | Shape::Test => 1,
                    Shape::Bin | Shape::Shift => 2,
                    Shape::Tern => 3,
                };
                let pa = values - n;
                let mut cells = [0u16; 3];
                for (i, pos) in (pa..values).enumerate() {
                    cells[i] = narrow(self.slot(pos));
                }
                // The handler reads all three: an absent operand repeats the first.
                let [a, b, c] = match n {
                    1 => [cells[0]; 3],
                    2 => [cells[0], cells[1], cells[0]],
                    _ => cells,
                };
                let dst = self.home(pa);
                self.pop_operands(pa, n);
                self.emit_result(Op::SimdR { op, dst, a, b, c }, pa);
            }
        }
    }

    /// Forgets the providers of the `n` operands from `pos` up, which an op consumed.
    fn pop_operands(&mut self, pos: u32, n: u32) {
        for p in pos..pos + n {
            self.remove_provider(p);
        }
    }

    /// Adds a `v128` immediate to the body's table; returns its index.
    fn push_v128_const(&mut self, value: u128) -> u32 {
        self.code.v128_consts.push(value);
        (self.code.v128_consts.len() - 1) as u32
    }
}
