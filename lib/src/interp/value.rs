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
    /// A `v128`, lane 0 in the low bits.
    V128(u128),
    /// A reference of any reference type.
    Ref(Ref),
}

/// A reference value, as the one stack cell that holds it. `0` is null, so that zeroed locals
/// and table entries are null; otherwise the top four bits say what it refers to ([`RefKind`])
/// and the rest is an address or a payload. Bit 59 marks a reference converted between the
/// `extern` and `any` hierarchies (`any.convert_extern` / `extern.convert_any` toggle it), so a
/// round trip gives back the same bits.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Ref(pub(crate) u64);

/// What a non-null [`Ref`] refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RefKind {
    /// A function, by store address.
    Func,
    /// A host value (`externref` made by the embedder), by the embedder's number.
    Host,
    /// An `i31ref`.
    I31,
    /// A GC object (struct or array), by heap address.
    Object,
    /// An exception, by its address in the store.
    Exn,
}

impl Ref {
    const SHIFT: u32 = 60;
    const PAYLOAD: u64 = (1 << 59) - 1;
    /// The bit `any.convert_extern` and `extern.convert_any` toggle.
    pub(crate) const CONVERTED: u64 = 1 << 59;

    /// The null reference.
    pub const NULL: Ref = Ref(0);

    fn tagged(kind: RefKind, payload: u64) -> Ref {
        let tag = match kind {
            RefKind::Func => 1,
            RefKind::Host => 2,
            RefKind::I31 => 3,
            RefKind::Object => 4,
            RefKind::Exn => 5,
        };
        Ref((tag << Self::SHIFT) | (payload & Self::PAYLOAD))
    }

    /// A reference to the function at a store address.
    pub fn func(addr: u32) -> Ref {
        Ref::tagged(RefKind::Func, u64::from(addr))
    }

    /// A host reference (`externref`) carrying the embedder's number.
    pub fn host(value: u32) -> Ref {
        Ref::tagged(RefKind::Host, u64::from(value))
    }

    /// An `i31ref` of the low 31 bits of `value`.
    pub fn i31(value: u32) -> Ref {
        Ref::tagged(RefKind::I31, u64::from(value & 0x7fff_ffff))
    }

    /// A reference to a GC object by heap address.
    pub fn object(addr: u32) -> Ref {
        Ref::tagged(RefKind::Object, u64::from(addr))
    }

    /// A reference to an exception by its address.
    pub fn exn(addr: u32) -> Ref {
        Ref::tagged(RefKind::Exn, u64::from(addr))
    }

    /// Whether this is the null reference.
    pub fn is_null(self) -> bool {
        self.0 == 0
    }

    /// What it refers to; `None` for null.
    pub fn kind(self) -> Option<RefKind> {
        Some(match self.0 >> Self::SHIFT {
            0 => return None,
            1 => RefKind::Func,
            2 => RefKind::Host,
            3 => RefKind::I31,
            4 => RefKind::Object,
            _ => RefKind::Exn,
        })
    }

    /// The address or payload (an `i31`'s 31 bits unsigned, a host number, an address).
    pub fn payload(self) -> u32 {
        (self.0 & Self::PAYLOAD) as u32
    }

    /// Whether it was converted between the `extern` and `any` hierarchies.
    pub fn is_converted(self) -> bool {
        self.0 & Self::CONVERTED != 0
    }

    /// The function address of a function reference.
    pub fn as_func(self) -> Option<u32> {
        (self.kind() == Some(RefKind::Func)).then(|| self.payload())
    }

    /// The embedder's number of a host reference.
    pub fn as_host(self) -> Option<u32> {
        (self.kind() == Some(RefKind::Host)).then(|| self.payload())
    }

    /// The reference seen from the other hierarchy (`any.convert_extern`,
    /// `extern.convert_any`); null stays null.
    pub fn convert(self) -> Ref {
        if self.is_null() {
            self
        } else {
            Ref(self.0 ^ Self::CONVERTED)
        }
    }

    /// The stack cell holding this reference.
    pub fn to_bits(self) -> u64 {
        self.0
    }

    /// A reference from a stack cell.
    pub fn from_bits(bits: u64) -> Ref {
        Ref(bits)
    }
}

impl fmt::Debug for Ref {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for Ref {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.kind() {
            None => return f.write_str("null"),
            Some(RefKind::Func) => "func",
            Some(RefKind::Host) => "host",
            Some(RefKind::I31) => "i31",
            Some(RefKind::Object) => "object",
            Some(RefKind::Exn) => "exn",
        };
        let converted = if self.is_converted() {
            "converted "
        } else {
            ""
        };
        write!(f, "{converted}{kind} {}", self.payload())
    }
}

/// An abstract or concrete heap type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HeapType {
    /// `func`.
    Func,
    /// `nofunc`.
    NoFunc,
    /// `extern`.
    Extern,
    /// `noextern`.
    NoExtern,
    /// `any`.
    Any,
    /// `eq`.
    Eq,
    /// `i31`.
    I31,
    /// `struct`.
    Struct,
    /// `array`.
    Array,
    /// `none`.
    None,
    /// `exn`.
    Exn,
    /// `noexn`.
    NoExn,
    /// `cont` (stack switching; validated, not run).
    Cont,
    /// `nocont`.
    NoCont,
    /// A defined type, by its id in the store's type registry (the same id for equal types
    /// across modules).
    Concrete(u32),
}

/// A reference type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RefType {
    /// Whether null is a value of the type.
    pub nullable: bool,
    /// The heap type.
    pub heap: HeapType,
}

impl RefType {
    /// `funcref`.
    pub const FUNCREF: RefType = RefType {
        nullable: true,
        heap: HeapType::Func,
    };
    /// `externref`.
    pub const EXTERNREF: RefType = RefType {
        nullable: true,
        heap: HeapType::Extern,
    };
}

/// The type of a value.
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
    /// `v128`.
    V128,
    /// A reference type.
    Ref(RefType),
}

impl ValType {
    /// How many 64-bit stack cells a value of this type takes: two for `v128`, else one.
    pub fn cells(self) -> u32 {
        match self {
            ValType::V128 => 2,
            _ => 1,
        }
    }
}

/// The number of stack cells a sequence of values of these types takes.
pub fn cells_of(types: &[ValType]) -> u32 {
    types.iter().map(|t| t.cells()).sum()
}

impl Val {
    /// The value's type; a reference reports the most general type of its kind (a function
    /// reference `funcref`, a null reference `externref` unless told otherwise by context).
    pub fn ty(self) -> ValType {
        match self {
            Val::I32(_) => ValType::I32,
            Val::I64(_) => ValType::I64,
            Val::F32(_) => ValType::F32,
            Val::F64(_) => ValType::F64,
            Val::V128(_) => ValType::V128,
            Val::Ref(r) => ValType::Ref(match r.kind() {
                Some(RefKind::Func) => RefType::FUNCREF,
                Some(RefKind::Exn) => RefType {
                    nullable: true,
                    heap: HeapType::Exn,
                },
                Some(RefKind::I31 | RefKind::Object) if !r.is_converted() => RefType {
                    nullable: true,
                    heap: HeapType::Any,
                },
                Some(RefKind::Host) if r.is_converted() => RefType {
                    nullable: true,
                    heap: HeapType::Any,
                },
                _ => RefType::EXTERNREF,
            }),
        }
    }

    /// Whether the value may be passed where `ty` is expected: numeric types must be equal; a
    /// reference must be a reference, and not null where `ty` is not nullable (finer checks are
    /// the wasm code's own, as casts).
    pub fn matches(self, ty: ValType) -> bool {
        match (self, ty) {
            (Val::Ref(r), ValType::Ref(t)) => t.nullable || !r.is_null(),
            (v, t) => v.ty() == t,
        }
    }

    /// The zero of a type (null for references).
    pub fn default_for(ty: ValType) -> Val {
        Val::from_cells(ty, &[0, 0])
    }

    /// An `f32` value.
    pub fn f32(value: f32) -> Val {
        Val::F32(value.to_bits())
    }

    /// An `f64` value.
    pub fn f64(value: f64) -> Val {
        Val::F64(value.to_bits())
    }

    /// Writes the value into its stack cells (`ty().cells()` of them): integers zero-extended
    /// from their bits, floats as bits, `v128` low half first, references as [`Ref::to_bits`].
    pub(crate) fn write_cells(self, cells: &mut [u64]) {
        match self {
            Val::I32(v) => cells[0] = u64::from(v as u32),
            Val::I64(v) => cells[0] = v as u64,
            Val::F32(v) => cells[0] = u64::from(v),
            Val::F64(v) => cells[0] = v,
            Val::V128(v) => {
                cells[0] = v as u64;
                cells[1] = (v >> 64) as u64;
            }
            Val::Ref(r) => cells[0] = r.0,
        }
    }

    /// Reads a value of type `ty` from its stack cells.
    pub(crate) fn from_cells(ty: ValType, cells: &[u64]) -> Val {
        match ty {
            ValType::I32 => Val::I32(cells[0] as u32 as i32),
            ValType::I64 => Val::I64(cells[0] as i64),
            ValType::F32 => Val::F32(cells[0] as u32),
            ValType::F64 => Val::F64(cells[0]),
            ValType::V128 => Val::V128(u128::from(cells[0]) | (u128::from(cells[1]) << 64)),
            ValType::Ref(_) => Val::Ref(Ref(cells[0])),
        }
    }

    /// The value as a 128-bit global slot (see [`Val::write_cells`]).
    pub(crate) fn to_slot(self) -> u128 {
        let mut cells = [0; 2];
        self.write_cells(&mut cells);
        u128::from(cells[0]) | (u128::from(cells[1]) << 64)
    }

    /// Reads a value of type `ty` from a 128-bit global slot.
    pub(crate) fn from_slot(ty: ValType, slot: u128) -> Val {
        Val::from_cells(ty, &[slot as u64, (slot >> 64) as u64])
    }
}

/// Reads values of `types` from consecutive stack cells.
pub(crate) fn vals_from_cells(types: &[ValType], cells: &[u64]) -> Vec<Val> {
    let mut at = 0;
    types
        .iter()
        .map(|t| {
            let v = Val::from_cells(*t, &cells[at..]);
            at += t.cells() as usize;
            v
        })
        .collect()
}

/// Writes values into consecutive stack cells; returns the number of cells written.
pub(crate) fn vals_to_cells(vals: &[Val], cells: &mut [u64]) -> usize {
    let mut at = 0;
    for v in vals {
        v.write_cells(&mut cells[at..]);
        at += v.ty().cells() as usize;
    }
    at
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
            Val::V128(v) => write!(f, "v128:0x{v:032x}"),
            Val::Ref(r) => write!(f, "ref:{r}"),
        }
    }
}

impl fmt::Display for HeapType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            HeapType::Func => "func",
            HeapType::NoFunc => "nofunc",
            HeapType::Extern => "extern",
            HeapType::NoExtern => "noextern",
            HeapType::Any => "any",
            HeapType::Eq => "eq",
            HeapType::I31 => "i31",
            HeapType::Struct => "struct",
            HeapType::Array => "array",
            HeapType::None => "none",
            HeapType::Exn => "exn",
            HeapType::NoExn => "noexn",
            HeapType::Cont => "cont",
            HeapType::NoCont => "nocont",
            HeapType::Concrete(id) => return write!(f, "type {id}"),
        };
        f.write_str(name)
    }
}

impl fmt::Display for ValType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ValType::I32 => f.write_str("i32"),
            ValType::I64 => f.write_str("i64"),
            ValType::F32 => f.write_str("f32"),
            ValType::F64 => f.write_str("f64"),
            ValType::V128 => f.write_str("v128"),
            ValType::Ref(r) => {
                let null = if r.nullable { "null " } else { "" };
                write!(f, "(ref {null}{})", r.heap)
            }
        }
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

    /// The stack cells the parameters take.
    pub fn param_cells(&self) -> u32 {
        cells_of(&self.params)
    }

    /// The stack cells the results take.
    pub fn result_cells(&self) -> u32 {
        cells_of(&self.results)
    }
}

/// A scalar as the bits of its 64-bit stack cell (an `i32` zero-extended), for the
/// interpreter loop and the threaded handlers.
pub(crate) trait Cell: Sized {
    fn from_cell(cell: u64) -> Self;
    fn to_cell(self) -> u64;
}

macro_rules! cell_int {
    ($($t:ty => $u:ty),*) => {$(
        impl Cell for $t {
            #[inline(always)]
            fn from_cell(cell: u64) -> Self { cell as $u as $t }
            #[inline(always)]
            fn to_cell(self) -> u64 { self as $u as u64 }
        }
    )*};
}
cell_int!(i32 => u32, u32 => u32, i64 => u64, u64 => u64);

impl Cell for f32 {
    #[inline(always)]
    fn from_cell(cell: u64) -> Self {
        f32::from_bits(cell as u32)
    }
    #[inline(always)]
    fn to_cell(self) -> u64 {
        u64::from(self.to_bits())
    }
}

impl Cell for f64 {
    #[inline(always)]
    fn from_cell(cell: u64) -> Self {
        f64::from_bits(cell)
    }
    #[inline(always)]
    fn to_cell(self) -> u64 {
        self.to_bits()
    }
}

impl Cell for bool {
    #[inline(always)]
    fn from_cell(cell: u64) -> Self {
        cell != 0
    }
    #[inline(always)]
    fn to_cell(self) -> u64 {
        u64::from(self)
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
            Val::V128(0x0123_4567_89ab_cdef_fedc_ba98_7654_3210),
            Val::Ref(Ref::func(7)),
            Val::Ref(Ref::NULL),
        ] {
            let mut cells = [0; 2];
            v.write_cells(&mut cells);
            assert_eq!(Val::from_cells(v.ty(), &cells), v);
            assert_eq!(Val::from_slot(v.ty(), v.to_slot()), v);
        }
        let mut cells = [0; 2];
        Val::I32(-1).write_cells(&mut cells);
        assert_eq!(cells[0], 0xffff_ffff);
    }

    #[test]
    fn references_encode_kind_and_payload() {
        assert!(Ref::NULL.is_null());
        assert_eq!(Ref::NULL.kind(), None);
        assert_eq!(Ref::func(3).as_func(), Some(3));
        assert_eq!(Ref::host(9).as_host(), Some(9));
        assert_eq!(Ref::host(9).as_func(), None);
        assert_eq!(Ref::i31(u32::MAX).payload(), 0x7fff_ffff);
        let any = Ref::host(4).convert();
        assert!(any.is_converted());
        assert_eq!(any.convert(), Ref::host(4));
        assert_eq!(Ref::NULL.convert(), Ref::NULL);
    }
}
