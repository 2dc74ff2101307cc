//! Decoding operators into [`Instr`]s: a `VisitOperator` implementation generated from
//! wasmparser's operator list.

use crate::Result;
use crate::ir::instr::{Immediate, space};
use crate::ir::{Instr, TagId, TypeId};
use wasmparser::{BinaryReader, OperatorsReader, VisitOperator, VisitSimdOperator};

/// Decodes the operators of a function body (after its locals), `end` included.
pub(crate) fn decode_body(code: &[u8], offset: u64) -> Result<Vec<Instr>> {
    let mut reader = OperatorsReader::new(BinaryReader::new(code, offset));
    // Instructions average between two and three bytes.
    let mut decoder = Decoder {
        out: Vec::with_capacity(code.len() / 2 + 1),
    };
    while !reader.eof() {
        reader.visit_operator(&mut decoder)??;
    }
    reader.finish()?;
    Ok(decoder.out)
}

/// Decodes a constant expression, dropping its final `end`.
pub(crate) fn decode_const_expr(expr: &wasmparser::ConstExpr<'_>) -> Result<Vec<Instr>> {
    let mut reader = expr.get_operators_reader();
    let mut decoder = Decoder { out: Vec::new() };
    while !reader.eof() {
        reader.visit_operator(&mut decoder)??;
    }
    reader.finish()?;
    if let Some(Instr::End) = decoder.out.last() {
        decoder.out.pop();
    }
    Ok(decoder.out)
}

struct Decoder {
    out: Vec<Instr>,
}

/// Builds the IR instruction for operator `$op` from the visitor's arguments.
macro_rules! build_instr {
    // See `imm_ty!`: `resume_throw`'s tag lives in the box with its handlers.
    (ResumeThrow { $ct:ident: $ctt:ty, $tag:ident: $tagt:ty, $rt:ident: $rtt:ty }) => {
        Instr::ResumeThrow {
            $ct: TypeId::from_index($ct),
            $tag: (),
            $rt: Box::new((TagId::from_index($tag), crate::ir::instr::ResumeTable::from_wp($rt))),
        }
    };
    ($op:ident { $($arg:ident: $argty:ty),* }) => {
        Instr::$op { $($arg: <$argty as Immediate<crate::ir::instr::imm_space!($arg)>>::to_ir($arg)?),* }
    };
    ($op:ident) => {
        Instr::$op
    };
}

macro_rules! define_decode {
    ($( @$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*) )*) => {
        $(
            #[inline]
            fn $visit(&mut self $($(, $arg: $argty)*)?) -> Result<()> {
                self.out.push(build_instr!($op $({ $($arg: $argty),* })?));
                Ok(())
            }
        )*
    };
}

impl<'a> VisitOperator<'a> for Decoder {
    type Output = Result<()>;

    fn simd_visitor(&mut self) -> Option<&mut dyn VisitSimdOperator<'a, Output = Self::Output>> {
        Some(self)
    }

    wasmparser::for_each_visit_operator!(define_decode);
}

impl<'a> VisitSimdOperator<'a> for Decoder {
    wasmparser::for_each_visit_simd_operator!(define_decode);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{BlockType, FuncId, MemArgTarget, MemoryId};

    fn body_of(wat: &str) -> Vec<Instr> {
        let wasm = wat::parse_str(wat).unwrap();
        for payload in wasmparser::Parser::new(0).parse_all(&wasm) {
            if let wasmparser::Payload::CodeSectionEntry(body) = payload.unwrap() {
                let ops = body.get_operators_reader().unwrap();
                let start = ops.original_position() as usize;
                let end = body.range().end as usize;
                return decode_body(&wasm[start..end], start as u64).unwrap();
            }
        }
        panic!("no code");
    }

    #[test]
    fn decodes_ids_and_immediates() {
        let instrs = body_of(
            r#"(module (memory 1) (func $f (param i32) (result i32)
                 local.get 0 i32.load offset=8 call $f
                 block (result i32) i32.const 7 end i32.add))"#,
        );
        assert_eq!(instrs[0], Instr::LocalGet { local_index: 0 });
        match &instrs[1] {
            Instr::I32Load { memarg } => {
                assert_eq!(memarg.offset(), 8);
                assert_eq!(
                    memarg.target(),
                    MemArgTarget::Memory(MemoryId::from_index(0))
                );
                assert_eq!(memarg.align(), 2);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            instrs[2],
            Instr::Call {
                function_index: FuncId::from_index(0)
            }
        );
        assert_eq!(
            instrs[3],
            Instr::Block {
                blockty: BlockType::Type(crate::ir::ValType::I32)
            }
        );
        assert_eq!(instrs.last(), Some(&Instr::End));
    }

    #[test]
    fn decodes_br_table_and_simd() {
        let instrs = body_of(
            r#"(module (func (param i32)
                 block block local.get 0 br_table 0 1 0 end end
                 v128.const i64x2 1 2 i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 drop))"#,
        );
        let bt = instrs.iter().find_map(|i| match i {
            Instr::BrTable { targets } => Some(targets.clone()),
            _ => None,
        });
        let bt = bt.unwrap();
        assert_eq!(&*bt.targets, &[0, 1]);
        assert_eq!(bt.default, 0);
        assert!(
            instrs
                .iter()
                .any(|i| matches!(i, Instr::I8x16Shuffle { .. }))
        );
    }

    #[test]
    fn truncated_body_is_an_error() {
        let err = decode_body(&[0x41], 100).unwrap_err();
        assert!(err.to_string().contains("offset"), "{err}");
    }
}
