//! Values as the embedding API sees them ([`Val`]), and the untyped 64-bit cells of the value
//! stack that execution works on.

use std::fmt;

/// A WebAssembly value passed to or returned from the interpreter. Floats are kept as their bit
/// patterns so that NaN payloads survive the trip.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Val {
    /// An `i32`.
    I32(i32),
    /// An `i64`.
    I64(i64),
    /// An `f32`, as its IEEE 754 bits.
    F32(u32),
    /// An `f64`, as its IEEE 754 bits.
    F64(u64),
}

/// The type of a [`Val`]: the numeric value types this interpreter runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ValType {
    /// `i32`.
    I32,
    /// `i64`.
    I64,
    /// `f32`.
    F32,
    /// `f64`.
    F64,
}

impl Val {
    /// The value's type.
    pub fn ty(self) -> ValType {
        match self {
            Val::I32(_) => ValType::I32,
            Val::I64(_) => ValType::I64,
            Val::F32(_) => ValType::F32,
            Val::F64(_) => ValType::F64,
        }
    }

    /// The zero of a type.
    pub fn default_for(ty: ValType) -> Val {
        Val::from_cell(ty, 0)
    }

    /// An `f32` value.
    pub fn f32(value: f32) -> Val {
        Val::F32(value.to_bits())
    }

    /// An `f64` value.
    pub fn f64(value: f64) -> Val {
        Val::F64(value.to_bits())
    }

    /// The stack cell holding this value: integers zero-extended from their bits, floats as bits.
    pub(crate) fn to_cell(self) -> u64 {
        match self {
            Val::I32(v) => u64::from(v as u32),
            Val::I64(v) => v as u64,
            Val::F32(v) => u64::from(v),
            Val::F64(v) => v,
        }
    }

    /// Reads a stack cell as a value of type `ty`.
    pub(crate) fn from_cell(ty: ValType, cell: u64) -> Val {
        match ty {
            ValType::I32 => Val::I32(cell as u32 as i32),
            ValType::I64 => Val::I64(cell as i64),
            ValType::F32 => Val::F32(cell as u32),
            ValType::F64 => Val::F64(cell),
        }
    }
}

impl fmt::Debug for Val {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for Val {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Val::I32(v) => write!(f, "i32:{v}"),
            Val::I64(v) => write!(f, "i64:{v}"),
            Val::F32(v) => write!(f, "f32:{} (0x{v:08x})", f32::from_bits(v)),
            Val::F64(v) => write!(f, "f64:{} (0x{v:016x})", f64::from_bits(v)),
        }
    }
}

impl fmt::Display for ValType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ValType::I32 => "i32",
            ValType::I64 => "i64",
            ValType::F32 => "f32",
            ValType::F64 => "f64",
        })
    }
}

/// A function signature over [`ValType`]s.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FuncType {
    /// Parameter types.
    pub params: Vec<ValType>,
    /// Result types.
    pub results: Vec<ValType>,
}

impl FuncType {
    /// A signature from parameter and result types.
    pub fn new(params: impl Into<Vec<ValType>>, results: impl Into<Vec<ValType>>) -> Self {
        FuncType {
            params: params.into(),
            results: results.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_round_trip() {
        for v in [
            Val::I32(-1),
            Val::I64(i64::MIN),
            Val::F32(0x7fc0_0001),
            Val::F64(0xfff8_0000_0000_0001),
        ] {
            assert_eq!(Val::from_cell(v.ty(), v.to_cell()), v);
        }
        assert_eq!(Val::I32(-1).to_cell(), 0xffff_ffff);
    }
}
