//! The translator's peephole: fuses the op being emitted with the one or two ops just before
//! it into one of the fused instructions of `code.rs` (a binary operator with a local or
//! constant operand, a compare with the `br_if` or `if` that consumes it, …), so that a stack
//! machine does the work of several ops in one dispatch and keeps operands out of the stack.
//!
//! Fusing is sound only when nothing can jump between the fused ops: the translator keeps a
//! fence, the op index of the latest label (a loop start, an `else`, an `end`, a catch), and
//! only ops at or after the fence are fused. A fused op replaces the last ops in place, so op
//! indices recorded before it (labels, handlers, pending branch patches) stay valid; a branch
//! is only ever the newest op of a fusion, and [`Translator::emit`] returns where it landed
//! for its patch.

use super::{Op, Translator};

impl Translator<'_> {
    /// Appends `op`, fused with the ops before it when possible; returns its op index.
    pub(super) fn emit(&mut self, op: Op) -> usize {
        let ops = &mut self.code.ops;
        let n = ops.len();
        let free = n.saturating_sub(self.fence).min(2);
        match fuse(&ops[n - free..], op) {
            Some((fused, take)) => {
                ops.truncate(n - take);
                ops.push(fused);
            }
            None => ops.push(op),
        }
        ops.len() - 1
    }
}

/// The fused op for `op` following `window` (the last fusable ops, at most two), and how many
/// of them it replaces.
fn fuse(window: &[Op], op: Op) -> Option<(Op, usize)> {
    let last = *window.last()?;
    if let Op::JumpIfNonZero(target) | Op::JumpIfZero(target) = op {
        // `br_if` jumps when the condition holds, `if` (to its `else`) when it does not.
        let invert = matches!(op, Op::JumpIfZero(_));
        let fused = match (last, invert) {
            (Op::I32Eqz, false) => Op::JumpIfZero(target),
            (Op::I32Eqz, true) => Op::JumpIfNonZero(target),
            (Op::LocalGet(local), false) => Op::JumpIfLocalNonZero { local, target },
            (Op::LocalGet(local), true) => Op::JumpIfLocalZero { local, target },
            (Op::LocalTee(local), false) => Op::TeeJumpIfNonZero { local, target },
            (Op::LocalTee(local), true) => Op::TeeJumpIfZero { local, target },
            _ => branch_form(last, invert, target)?,
        };
        return Some((fused, 1));
    }
    if let Op::LocalSet(d) = op {
        return set_form(last, d).map(|f| (f, 1));
    }
    if let [Op::LocalGet(x), second] = *window {
        let fused = match second {
            Op::LocalGet(y) => locals_form(op, x, y),
            c => local_const_form(op, x, c),
        };
        if let Some(fused) = fused {
            return Some((fused, 2));
        }
    }
    let fused = match last {
        Op::LocalGet(l) => local_form(op, l),
        c => const_form(op, c),
    };
    fused.map(|f| (f, 1))
}

/// `op` with its right operand the constant op `c`.
fn const_form(op: Op, c: Op) -> Option<Op> {
    Some(match (op, c) {
        (Op::I32Add, Op::I32Const(c)) => Op::I32AddC(c),
        (Op::I32Sub, Op::I32Const(c)) => Op::I32SubC(c),
        (Op::I32Mul, Op::I32Const(c)) => Op::I32MulC(c),
        (Op::I32And, Op::I32Const(c)) => Op::I32AndC(c),
        (Op::I32Or, Op::I32Const(c)) => Op::I32OrC(c),
        (Op::I32Xor, Op::I32Const(c)) => Op::I32XorC(c),
        (Op::I32Shl, Op::I32Const(c)) => Op::I32ShlC(c),
        (Op::I32ShrS, Op::I32Const(c)) => Op::I32ShrSC(c),
        (Op::I32ShrU, Op::I32Const(c)) => Op::I32ShrUC(c),
        (Op::I32Eq, Op::I32Const(c)) => Op::I32EqC(c),
        (Op::I32Ne, Op::I32Const(c)) => Op::I32NeC(c),
        (Op::I32LtS, Op::I32Const(c)) => Op::I32LtSC(c),
        (Op::I32LtU, Op::I32Const(c)) => Op::I32LtUC(c),
        (Op::I32GtS, Op::I32Const(c)) => Op::I32GtSC(c),
        (Op::I32GtU, Op::I32Const(c)) => Op::I32GtUC(c),
        (Op::I32LeS, Op::I32Const(c)) => Op::I32LeSC(c),
        (Op::I32LeU, Op::I32Const(c)) => Op::I32LeUC(c),
        (Op::I32GeS, Op::I32Const(c)) => Op::I32GeSC(c),
        (Op::I32GeU, Op::I32Const(c)) => Op::I32GeUC(c),
        (Op::I64Add, Op::I64Const(c)) => Op::I64AddC(c),
        (Op::I64Sub, Op::I64Const(c)) => Op::I64SubC(c),
        (Op::I64Mul, Op::I64Const(c)) => Op::I64MulC(c),
        (Op::I64And, Op::I64Const(c)) => Op::I64AndC(c),
        (Op::I64Or, Op::I64Const(c)) => Op::I64OrC(c),
        (Op::I64Xor, Op::I64Const(c)) => Op::I64XorC(c),
        (Op::I64Shl, Op::I64Const(c)) => Op::I64ShlC(c),
        (Op::I64ShrS, Op::I64Const(c)) => Op::I64ShrSC(c),
        (Op::I64ShrU, Op::I64Const(c)) => Op::I64ShrUC(c),
        (Op::F64Add, Op::F64Const(c)) => Op::F64AddC(c),
        (Op::F64Sub, Op::F64Const(c)) => Op::F64SubC(c),
        (Op::F64Mul, Op::F64Const(c)) => Op::F64MulC(c),
        (Op::F64Div, Op::F64Const(c)) => Op::F64DivC(c),
        _ => return None,
    })
}

/// `op` with its right operand local `l`.
fn local_form(op: Op, l: u32) -> Option<Op> {
    Some(match op {
        Op::I32Add => Op::I32AddL(l),
        Op::I32Sub => Op::I32SubL(l),
        Op::I32Mul => Op::I32MulL(l),
        Op::I32And => Op::I32AndL(l),
        Op::I32Or => Op::I32OrL(l),
        Op::I32Xor => Op::I32XorL(l),
        Op::I32Shl => Op::I32ShlL(l),
        Op::I32ShrS => Op::I32ShrSL(l),
        Op::I32ShrU => Op::I32ShrUL(l),
        Op::I64Add => Op::I64AddL(l),
        Op::I64Sub => Op::I64SubL(l),
        Op::I64Mul => Op::I64MulL(l),
        Op::I64And => Op::I64AndL(l),
        Op::I64Or => Op::I64OrL(l),
        Op::I64Xor => Op::I64XorL(l),
        Op::I64Shl => Op::I64ShlL(l),
        Op::I64ShrS => Op::I64ShrSL(l),
        Op::I64ShrU => Op::I64ShrUL(l),
        Op::F64Add => Op::F64AddL(l),
        Op::F64Sub => Op::F64SubL(l),
        Op::F64Mul => Op::F64MulL(l),
        Op::F64Div => Op::F64DivL(l),
        _ => return None,
    })
}

/// `op` of local `local` and the constant op `c`.
fn local_const_form(op: Op, local: u32, c: Op) -> Option<Op> {
    Some(match (op, c) {
        (Op::I32Add, Op::I32Const(c)) => Op::I32AddLC { local, c },
        (Op::I32Sub, Op::I32Const(c)) => Op::I32SubLC { local, c },
        (Op::I32Mul, Op::I32Const(c)) => Op::I32MulLC { local, c },
        (Op::I32And, Op::I32Const(c)) => Op::I32AndLC { local, c },
        (Op::I32Or, Op::I32Const(c)) => Op::I32OrLC { local, c },
        (Op::I32Xor, Op::I32Const(c)) => Op::I32XorLC { local, c },
        (Op::I32Shl, Op::I32Const(c)) => Op::I32ShlLC { local, c },
        (Op::I32ShrS, Op::I32Const(c)) => Op::I32ShrSLC { local, c },
        (Op::I32ShrU, Op::I32Const(c)) => Op::I32ShrULC { local, c },
        (Op::I32Eq, Op::I32Const(c)) => Op::I32EqLC { local, c },
        (Op::I32Ne, Op::I32Const(c)) => Op::I32NeLC { local, c },
        (Op::I32LtS, Op::I32Const(c)) => Op::I32LtSLC { local, c },
        (Op::I32LtU, Op::I32Const(c)) => Op::I32LtULC { local, c },
        (Op::I32GtS, Op::I32Const(c)) => Op::I32GtSLC { local, c },
        (Op::I32GtU, Op::I32Const(c)) => Op::I32GtULC { local, c },
        (Op::I32LeS, Op::I32Const(c)) => Op::I32LeSLC { local, c },
        (Op::I32LeU, Op::I32Const(c)) => Op::I32LeULC { local, c },
        (Op::I32GeS, Op::I32Const(c)) => Op::I32GeSLC { local, c },
        (Op::I32GeU, Op::I32Const(c)) => Op::I32GeULC { local, c },
        (Op::I64Add, Op::I64Const(c)) => Op::I64AddLC { local, c },
        (Op::I64Sub, Op::I64Const(c)) => Op::I64SubLC { local, c },
        (Op::I64Mul, Op::I64Const(c)) => Op::I64MulLC { local, c },
        (Op::I64And, Op::I64Const(c)) => Op::I64AndLC { local, c },
        (Op::I64Or, Op::I64Const(c)) => Op::I64OrLC { local, c },
        (Op::I64Xor, Op::I64Const(c)) => Op::I64XorLC { local, c },
        (Op::I64Shl, Op::I64Const(c)) => Op::I64ShlLC { local, c },
        (Op::I64ShrS, Op::I64Const(c)) => Op::I64ShrSLC { local, c },
        (Op::I64ShrU, Op::I64Const(c)) => Op::I64ShrULC { local, c },
        _ => return None,
    })
}

/// `op` of locals `x` and `y`.
fn locals_form(op: Op, x: u32, y: u32) -> Option<Op> {
    Some(match op {
        Op::I32Add => Op::I32AddLL(x, y),
        Op::I32Sub => Op::I32SubLL(x, y),
        Op::I32Mul => Op::I32MulLL(x, y),
        Op::I32And => Op::I32AndLL(x, y),
        Op::I32Or => Op::I32OrLL(x, y),
        Op::I32Xor => Op::I32XorLL(x, y),
        Op::I32Shl => Op::I32ShlLL(x, y),
        Op::I32ShrS => Op::I32ShrSLL(x, y),
        Op::I32ShrU => Op::I32ShrULL(x, y),
        Op::I32Eq => Op::I32EqLL(x, y),
        Op::I32Ne => Op::I32NeLL(x, y),
        Op::I32LtS => Op::I32LtSLL(x, y),
        Op::I32LtU => Op::I32LtULL(x, y),
        Op::I32GtS => Op::I32GtSLL(x, y),
        Op::I32GtU => Op::I32GtULL(x, y),
        Op::I32LeS => Op::I32LeSLL(x, y),
        Op::I32LeU => Op::I32LeULL(x, y),
        Op::I32GeS => Op::I32GeSLL(x, y),
        Op::I32GeU => Op::I32GeULL(x, y),
        Op::I64Add => Op::I64AddLL(x, y),
        Op::I64Sub => Op::I64SubLL(x, y),
        Op::I64Mul => Op::I64MulLL(x, y),
        Op::I64And => Op::I64AndLL(x, y),
        Op::I64Or => Op::I64OrLL(x, y),
        Op::I64Xor => Op::I64XorLL(x, y),
        Op::I64Shl => Op::I64ShlLL(x, y),
        Op::I64ShrS => Op::I64ShrSLL(x, y),
        Op::I64ShrU => Op::I64ShrULL(x, y),
        Op::F64Add => Op::F64AddLL(x, y),
        Op::F64Sub => Op::F64SubLL(x, y),
        Op::F64Mul => Op::F64MulLL(x, y),
        Op::F64Div => Op::F64DivLL(x, y),
        _ => return None,
    })
}

/// The op `last` with its result going to local `d` instead of the stack.
fn set_form(last: Op, d: u32) -> Option<Op> {
    Some(match (last, d) {
        (Op::I32Add, d) => Op::I32AddS(d),
        (Op::I32Sub, d) => Op::I32SubS(d),
        (Op::I32Mul, d) => Op::I32MulS(d),
        (Op::I32And, d) => Op::I32AndS(d),
        (Op::I32Or, d) => Op::I32OrS(d),
        (Op::I32Xor, d) => Op::I32XorS(d),
        (Op::I32Shl, d) => Op::I32ShlS(d),
        (Op::I32ShrS, d) => Op::I32ShrSS(d),
        (Op::I32ShrU, d) => Op::I32ShrUS(d),
        (Op::I64Add, d) => Op::I64AddS(d),
        (Op::I64Sub, d) => Op::I64SubS(d),
        (Op::I64Mul, d) => Op::I64MulS(d),
        (Op::I64And, d) => Op::I64AndS(d),
        (Op::I64Or, d) => Op::I64OrS(d),
        (Op::I64Xor, d) => Op::I64XorS(d),
        (Op::I64Shl, d) => Op::I64ShlS(d),
        (Op::I64ShrS, d) => Op::I64ShrSS(d),
        (Op::I64ShrU, d) => Op::I64ShrUS(d),
        (Op::F64Add, d) => Op::F64AddS(d),
        (Op::F64Sub, d) => Op::F64SubS(d),
        (Op::F64Mul, d) => Op::F64MulS(d),
        (Op::F64Div, d) => Op::F64DivS(d),
        (Op::I32AddLC { local, c }, dst) => Op::I32AddLCS { local, c, dst },
        (Op::I32SubLC { local, c }, dst) => Op::I32SubLCS { local, c, dst },
        (Op::I32MulLC { local, c }, dst) => Op::I32MulLCS { local, c, dst },
        (Op::I32AndLC { local, c }, dst) => Op::I32AndLCS { local, c, dst },
        (Op::I32OrLC { local, c }, dst) => Op::I32OrLCS { local, c, dst },
        (Op::I32XorLC { local, c }, dst) => Op::I32XorLCS { local, c, dst },
        (Op::I32ShlLC { local, c }, dst) => Op::I32ShlLCS { local, c, dst },
        (Op::I32ShrSLC { local, c }, dst) => Op::I32ShrSLCS { local, c, dst },
        (Op::I32ShrULC { local, c }, dst) => Op::I32ShrULCS { local, c, dst },
        _ => return None,
    })
}

/// The compare `cmp` fused with a branch to `target` taken when it holds (when it does not,
/// if `invert`: integer compares invert exactly).
fn branch_form(cmp: Op, invert: bool, target: u32) -> Option<Op> {
    Some(match (cmp, invert) {
        (Op::I32Eq, false) => Op::BrI32Eq(target),
        (Op::I32EqC(c), false) => Op::BrI32EqC { c, target },
        (Op::I32EqLC { local, c }, false) => Op::BrI32EqLC { local, c, target },
        (Op::I32EqLL(a, b), false) => Op::BrI32EqLL { a, b, target },
        (Op::I32Eq, true) => Op::BrI32Ne(target),
        (Op::I32EqC(c), true) => Op::BrI32NeC { c, target },
        (Op::I32EqLC { local, c }, true) => Op::BrI32NeLC { local, c, target },
        (Op::I32EqLL(a, b), true) => Op::BrI32NeLL { a, b, target },
        (Op::I32Ne, false) => Op::BrI32Ne(target),
        (Op::I32NeC(c), false) => Op::BrI32NeC { c, target },
        (Op::I32NeLC { local, c }, false) => Op::BrI32NeLC { local, c, target },
        (Op::I32NeLL(a, b), false) => Op::BrI32NeLL { a, b, target },
        (Op::I32Ne, true) => Op::BrI32Eq(target),
        (Op::I32NeC(c), true) => Op::BrI32EqC { c, target },
        (Op::I32NeLC { local, c }, true) => Op::BrI32EqLC { local, c, target },
        (Op::I32NeLL(a, b), true) => Op::BrI32EqLL { a, b, target },
        (Op::I32LtS, false) => Op::BrI32LtS(target),
        (Op::I32LtSC(c), false) => Op::BrI32LtSC { c, target },
        (Op::I32LtSLC { local, c }, false) => Op::BrI32LtSLC { local, c, target },
        (Op::I32LtSLL(a, b), false) => Op::BrI32LtSLL { a, b, target },
        (Op::I32LtS, true) => Op::BrI32GeS(target),
        (Op::I32LtSC(c), true) => Op::BrI32GeSC { c, target },
        (Op::I32LtSLC { local, c }, true) => Op::BrI32GeSLC { local, c, target },
        (Op::I32LtSLL(a, b), true) => Op::BrI32GeSLL { a, b, target },
        (Op::I32LtU, false) => Op::BrI32LtU(target),
        (Op::I32LtUC(c), false) => Op::BrI32LtUC { c, target },
        (Op::I32LtULC { local, c }, false) => Op::BrI32LtULC { local, c, target },
        (Op::I32LtULL(a, b), false) => Op::BrI32LtULL { a, b, target },
        (Op::I32LtU, true) => Op::BrI32GeU(target),
        (Op::I32LtUC(c), true) => Op::BrI32GeUC { c, target },
        (Op::I32LtULC { local, c }, true) => Op::BrI32GeULC { local, c, target },
        (Op::I32LtULL(a, b), true) => Op::BrI32GeULL { a, b, target },
        (Op::I32GtS, false) => Op::BrI32GtS(target),
        (Op::I32GtSC(c), false) => Op::BrI32GtSC { c, target },
        (Op::I32GtSLC { local, c }, false) => Op::BrI32GtSLC { local, c, target },
        (Op::I32GtSLL(a, b), false) => Op::BrI32GtSLL { a, b, target },
        (Op::I32GtS, true) => Op::BrI32LeS(target),
        (Op::I32GtSC(c), true) => Op::BrI32LeSC { c, target },
        (Op::I32GtSLC { local, c }, true) => Op::BrI32LeSLC { local, c, target },
        (Op::I32GtSLL(a, b), true) => Op::BrI32LeSLL { a, b, target },
        (Op::I32GtU, false) => Op::BrI32GtU(target),
        (Op::I32GtUC(c), false) => Op::BrI32GtUC { c, target },
        (Op::I32GtULC { local, c }, false) => Op::BrI32GtULC { local, c, target },
        (Op::I32GtULL(a, b), false) => Op::BrI32GtULL { a, b, target },
        (Op::I32GtU, true) => Op::BrI32LeU(target),
        (Op::I32GtUC(c), true) => Op::BrI32LeUC { c, target },
        (Op::I32GtULC { local, c }, true) => Op::BrI32LeULC { local, c, target },
        (Op::I32GtULL(a, b), true) => Op::BrI32LeULL { a, b, target },
        (Op::I32LeS, false) => Op::BrI32LeS(target),
        (Op::I32LeSC(c), false) => Op::BrI32LeSC { c, target },
        (Op::I32LeSLC { local, c }, false) => Op::BrI32LeSLC { local, c, target },
        (Op::I32LeSLL(a, b), false) => Op::BrI32LeSLL { a, b, target },
        (Op::I32LeS, true) => Op::BrI32GtS(target),
        (Op::I32LeSC(c), true) => Op::BrI32GtSC { c, target },
        (Op::I32LeSLC { local, c }, true) => Op::BrI32GtSLC { local, c, target },
        (Op::I32LeSLL(a, b), true) => Op::BrI32GtSLL { a, b, target },
        (Op::I32LeU, false) => Op::BrI32LeU(target),
        (Op::I32LeUC(c), false) => Op::BrI32LeUC { c, target },
        (Op::I32LeULC { local, c }, false) => Op::BrI32LeULC { local, c, target },
        (Op::I32LeULL(a, b), false) => Op::BrI32LeULL { a, b, target },
        (Op::I32LeU, true) => Op::BrI32GtU(target),
        (Op::I32LeUC(c), true) => Op::BrI32GtUC { c, target },
        (Op::I32LeULC { local, c }, true) => Op::BrI32GtULC { local, c, target },
        (Op::I32LeULL(a, b), true) => Op::BrI32GtULL { a, b, target },
        (Op::I32GeS, false) => Op::BrI32GeS(target),
        (Op::I32GeSC(c), false) => Op::BrI32GeSC { c, target },
        (Op::I32GeSLC { local, c }, false) => Op::BrI32GeSLC { local, c, target },
        (Op::I32GeSLL(a, b), false) => Op::BrI32GeSLL { a, b, target },
        (Op::I32GeS, true) => Op::BrI32LtS(target),
        (Op::I32GeSC(c), true) => Op::BrI32LtSC { c, target },
        (Op::I32GeSLC { local, c }, true) => Op::BrI32LtSLC { local, c, target },
        (Op::I32GeSLL(a, b), true) => Op::BrI32LtSLL { a, b, target },
        (Op::I32GeU, false) => Op::BrI32GeU(target),
        (Op::I32GeUC(c), false) => Op::BrI32GeUC { c, target },
        (Op::I32GeULC { local, c }, false) => Op::BrI32GeULC { local, c, target },
        (Op::I32GeULL(a, b), false) => Op::BrI32GeULL { a, b, target },
        (Op::I32GeU, true) => Op::BrI32LtU(target),
        (Op::I32GeUC(c), true) => Op::BrI32LtUC { c, target },
        (Op::I32GeULC { local, c }, true) => Op::BrI32LtULC { local, c, target },
        (Op::I32GeULL(a, b), true) => Op::BrI32LtULL { a, b, target },
        (Op::I64Eq, false) => Op::BrI64Eq(target),
        (Op::I64Eq, true) => Op::BrI64Ne(target),
        (Op::I64Ne, false) => Op::BrI64Ne(target),
        (Op::I64Ne, true) => Op::BrI64Eq(target),
        (Op::I64LtS, false) => Op::BrI64LtS(target),
        (Op::I64LtS, true) => Op::BrI64GeS(target),
        (Op::I64LtU, false) => Op::BrI64LtU(target),
        (Op::I64LtU, true) => Op::BrI64GeU(target),
        (Op::I64GtS, false) => Op::BrI64GtS(target),
        (Op::I64GtS, true) => Op::BrI64LeS(target),
        (Op::I64GtU, false) => Op::BrI64GtU(target),
        (Op::I64GtU, true) => Op::BrI64LeU(target),
        (Op::I64LeS, false) => Op::BrI64LeS(target),
        (Op::I64LeS, true) => Op::BrI64GtS(target),
        (Op::I64LeU, false) => Op::BrI64LeU(target),
        (Op::I64LeU, true) => Op::BrI64GtU(target),
        (Op::I64GeS, false) => Op::BrI64GeS(target),
        (Op::I64GeS, true) => Op::BrI64LtS(target),
        (Op::I64GeU, false) => Op::BrI64GeU(target),
        (Op::I64GeU, true) => Op::BrI64LtU(target),
        _ => return None,
    })
}

/// The branch target of a fused branch op, for patching.
pub(super) fn target_mut(op: &mut Op) -> Option<&mut u32> {
    match op {
        Op::JumpIfLocalNonZero { target, .. }
        | Op::JumpIfLocalZero { target, .. }
        | Op::TeeJumpIfNonZero { target, .. }
        | Op::TeeJumpIfZero { target, .. }
        | Op::BrI32Eq(target)
        | Op::BrI32EqC { target, .. }
        | Op::BrI32EqLC { target, .. }
        | Op::BrI32EqLL { target, .. }
        | Op::BrI32Ne(target)
        | Op::BrI32NeC { target, .. }
        | Op::BrI32NeLC { target, .. }
        | Op::BrI32NeLL { target, .. }
        | Op::BrI32LtS(target)
        | Op::BrI32LtSC { target, .. }
        | Op::BrI32LtSLC { target, .. }
        | Op::BrI32LtSLL { target, .. }
        | Op::BrI32LtU(target)
        | Op::BrI32LtUC { target, .. }
        | Op::BrI32LtULC { target, .. }
        | Op::BrI32LtULL { target, .. }
        | Op::BrI32GtS(target)
        | Op::BrI32GtSC { target, .. }
        | Op::BrI32GtSLC { target, .. }
        | Op::BrI32GtSLL { target, .. }
        | Op::BrI32GtU(target)
        | Op::BrI32GtUC { target, .. }
        | Op::BrI32GtULC { target, .. }
        | Op::BrI32GtULL { target, .. }
        | Op::BrI32LeS(target)
        | Op::BrI32LeSC { target, .. }
        | Op::BrI32LeSLC { target, .. }
        | Op::BrI32LeSLL { target, .. }
        | Op::BrI32LeU(target)
        | Op::BrI32LeUC { target, .. }
        | Op::BrI32LeULC { target, .. }
        | Op::BrI32LeULL { target, .. }
        | Op::BrI32GeS(target)
        | Op::BrI32GeSC { target, .. }
        | Op::BrI32GeSLC { target, .. }
        | Op::BrI32GeSLL { target, .. }
        | Op::BrI32GeU(target)
        | Op::BrI32GeUC { target, .. }
        | Op::BrI32GeULC { target, .. }
        | Op::BrI32GeULL { target, .. }
        | Op::BrI64Eq(target)
        | Op::BrI64Ne(target)
        | Op::BrI64LtS(target)
        | Op::BrI64LtU(target)
        | Op::BrI64GtS(target)
        | Op::BrI64GtU(target)
        | Op::BrI64LeS(target)
        | Op::BrI64LeU(target)
        | Op::BrI64GeS(target)
        | Op::BrI64GeU(target) => Some(target),
        _ => None,
    }
}
