//! Functions: imported ones, and defined ones with their locals and body.
//!
//! A defined function's body starts as a slice of the input and is decoded only when asked for.
//! [`LocalFunc::instrs`] decodes without keeping the result; [`LocalFunc::instrs_mut`] decodes,
//! keeps the instructions, and marks the body changed so that the emitter re-encodes it. A body
//! that nobody asked to change is emitted from its original bytes.

use super::bytes::Bytes;
use super::ids::{ImportId, TypeId};
use super::instr::Instr;
use super::types::ValType;
use crate::Result;
use std::borrow::Cow;

/// A function: its signature and whether it is imported or defined here.
#[derive(Clone, Debug)]
pub struct Func {
    /// The function's type.
    pub ty: TypeId,
    /// Imported or defined.
    pub kind: FuncKind,
}

/// Where a function comes from.
#[derive(Clone, Debug)]
pub enum FuncKind {
    /// Imported: the import entry.
    Import(ImportId),
    /// Defined in this module.
    Local(LocalFunc),
}

impl Func {
    /// The definition, if the function is defined here.
    pub fn local(&self) -> Option<&LocalFunc> {
        match &self.kind {
            FuncKind::Local(l) => Some(l),
            FuncKind::Import(_) => None,
        }
    }

    /// The definition, mutably, if the function is defined here.
    pub fn local_mut(&mut self) -> Option<&mut LocalFunc> {
        match &mut self.kind {
            FuncKind::Local(l) => Some(l),
            FuncKind::Import(_) => None,
        }
    }
}

/// A function defined in the module.
#[derive(Clone, Debug)]
pub struct LocalFunc {
    /// Local declarations after the parameters, as (count, type) runs in binary order.
    pub locals: Vec<(u32, ValType)>,
    body: Body,
}

#[derive(Clone, Debug)]
enum Body {
    /// Not decoded: the operators' bytes in the input, and their offset there.
    Raw {
        code: Bytes,
        offset: u64,
        body: Bytes,
    },
    /// Decoded, and possibly changed: emitted by re-encoding.
    Decoded(Vec<Instr>),
}

impl LocalFunc {
    /// A new function with the given locals and instructions (ending with `end`).
    pub fn new(locals: Vec<(u32, ValType)>, instrs: Vec<Instr>) -> LocalFunc {
        LocalFunc {
            locals,
            body: Body::Decoded(instrs),
        }
    }

    /// A function whose body is still in the input: `body` is the whole body (locals and
    /// operators) and `code` its operators, at input offset `offset`.
    pub(crate) fn from_raw(
        locals: Vec<(u32, ValType)>,
        body: Bytes,
        code: Bytes,
        offset: u64,
    ) -> LocalFunc {
        LocalFunc {
            locals,
            body: Body::Raw { code, offset, body },
        }
    }

    /// The instructions, decoded now if the body was never decoded.
    pub fn instrs(&self) -> Result<Cow<'_, [Instr]>> {
        match &self.body {
            Body::Raw { code, offset, .. } => {
                Ok(Cow::Owned(crate::parse::code::decode_body(code, *offset)?))
            }
            Body::Decoded(instrs) => Ok(Cow::Borrowed(instrs)),
        }
    }

    /// The instructions, for changing. The body will be re-encoded when the module is emitted.
    pub fn instrs_mut(&mut self) -> Result<&mut Vec<Instr>> {
        if let Body::Raw { code, offset, .. } = &self.body {
            let instrs = crate::parse::code::decode_body(code, *offset)?;
            self.body = Body::Decoded(instrs);
        }
        match &mut self.body {
            Body::Decoded(instrs) => Ok(instrs),
            Body::Raw { .. } => unreachable!("bug: body was just decoded"),
        }
    }

    /// Whether the body was decoded for change (and so will be re-encoded).
    pub fn is_modified(&self) -> bool {
        matches!(self.body, Body::Decoded(_))
    }

    /// The original encoding of the whole body (locals and operators), when unchanged.
    pub fn original_bytes(&self) -> Option<&[u8]> {
        match &self.body {
            Body::Raw { body, .. } => Some(body),
            Body::Decoded(_) => None,
        }
    }

    /// The offset of the operators in the input, when unchanged.
    pub fn original_offset(&self) -> Option<u64> {
        match &self.body {
            Body::Raw { offset, .. } => Some(*offset),
            Body::Decoded(_) => None,
        }
    }
}
