//! Encoding [`Instr`]s: each instruction becomes wasmparser's `Operator` (a mechanical match
//! generated from the same operator list as the IR) and the reencoder turns that into
//! wasm-encoder's `Instruction`, mapping every index through the emitter's [`Remap`].

use super::Remap;
use crate::Result;
use crate::ir::instr::{Immediate, space};
use crate::ir::{ConstExpr, Instr, LocalFunc};
use std::borrow::Cow;
use wasm_encoder::reencode::Reencode;
use wasm_encoder::{Function, Instruction};

/// Builds wasmparser's operator for an IR instruction whose fields are bound by reference.
macro_rules! to_operator {
    // `br_table` is converted directly (wasmparser's `BrTable` borrows a binary).
    (BrTable { $($rest:tt)* }) => {
        unreachable!("bug: br_table is converted directly")
    };
    (ResumeThrow { $ct:ident: $ctt:ty, $tag:ident: $tagt:ty, $rt:ident: $rtt:ty }) => {
        wasmparser::Operator::ResumeThrow { $ct: $ct.index(), $tag: $rt.0.index(), $rt: $rt.1.to_wp() }
    };
    ($op:ident { $($arg:ident: $argty:ty),* }) => {
        wasmparser::Operator::$op { $($arg: <$argty as Immediate<crate::ir::instr::imm_space!($arg)>>::from_ir($arg)),* }
    };
    ($op:ident) => {
        wasmparser::Operator::$op
    };
}

macro_rules! define_to_instruction {
    ($( @$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*) )*) => {
        /// Converts one instruction, mapping ids to indices.
        #[allow(unreachable_patterns, unreachable_code, unused_variables, reason = "the generated match repeats the special cases")]
        pub(crate) fn to_instruction<'i>(instr: &'i Instr, re: &mut Remap<'_>) -> Result<Instruction<'i>> {
            if let Instr::BrTable { targets } = instr {
                let depths: &'i [u32] = &targets.targets;
                return Ok(Instruction::BrTable(Cow::Borrowed(depths), targets.default));
            }
            let op = match instr {
                $( Instr::$op $({ $($arg),* })? => to_operator!($op $({ $($arg: $argty),* })?), )*
            };
            re.instruction(op).map_err(super::reencode_error)
        }
    };
}
wasmparser::for_each_operator!(define_to_instruction);

/// Encodes a function body: locals and instructions (the final `end` included).
pub(crate) fn encode_body(
    func: &LocalFunc,
    instrs: &[Instr],
    re: &mut Remap<'_>,
) -> Result<Vec<u8>> {
    let locals = func
        .locals
        .iter()
        .map(|(n, t)| Ok((*n, re.val_type(t.to_wp()).map_err(super::reencode_error)?)))
        .collect::<Result<Vec<_>>>()?;
    let mut f = Function::new(locals);
    for instr in instrs {
        f.instruction(&to_instruction(instr, re)?);
    }
    Ok(f.into_raw_body())
}

/// Encodes a constant expression.
pub(crate) fn encode_const_expr(
    expr: &ConstExpr,
    re: &mut Remap<'_>,
) -> Result<wasm_encoder::ConstExpr> {
    let instrs = expr
        .instrs
        .iter()
        .map(|i| to_instruction(i, re))
        .collect::<Result<Vec<_>>>()?;
    Ok(wasm_encoder::ConstExpr::extended(instrs))
}
