//! Value, reference, composite and entity types, with type references held as [`TypeId`]s.
//!
//! These mirror wasmparser's types one for one; the difference is that a reference to a type
//! definition is a [`TypeId`], so types survive the removal or insertion of other types. The
//! `from_wp`/`to_wp` conversions translate to and from wasmparser's types: parsing gives each
//! type the id equal to its index, and emitting maps ids to final indices through the reencoder.

use super::ids::TypeId;
use crate::{Error, Result};
pub use wasmparser::{AbstractHeapType, MemoryType, Ordering};

/// A value type.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum ValType {
    /// `i32`
    I32,
    /// `i64`
    I64,
    /// `f32`
    F32,
    /// `f64`
    F64,
    /// `v128`
    V128,
    /// A reference type.
    Ref(RefType),
}

/// A heap type: what a reference points to.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum HeapType {
    /// A built-in heap type such as `func` or `any`.
    Abstract {
        /// Whether the type is shared (shared-everything threads).
        shared: bool,
        /// Which built-in type.
        ty: AbstractHeapType,
    },
    /// A defined type.
    Concrete(TypeId),
    /// Exactly a defined type, not a subtype (custom descriptors).
    Exact(TypeId),
}

/// A reference type, packed into 32 bits so that instructions stay small.
///
/// Layout: bit 31 nullable, bits 29–30 the heap type's kind (abstract, concrete, exact), bit 28
/// shared, bits 0–27 the type id or the abstract heap type.
#[derive(Copy, Clone, PartialEq, Eq, Hash)]
pub struct RefType(u32);

const NULLABLE_BIT: u32 = 1 << 31;
const KIND_SHIFT: u32 = 29;
const SHARED_BIT: u32 = 1 << 28;
const PAYLOAD_MASK: u32 = (1 << 28) - 1;

/// The abstract heap types, in the order used for packing.
const ABSTRACT_HEAP_TYPES: [AbstractHeapType; 14] = {
    use AbstractHeapType::*;
    [
        Func, Extern, Any, None, NoExtern, NoFunc, Eq, Struct, Array, I31, Exn, NoExn, Cont, NoCont,
    ]
};

impl RefType {
    /// `funcref`
    pub const FUNCREF: RefType = RefType::abstract_(true, false, 0);
    /// `externref`
    pub const EXTERNREF: RefType = RefType::abstract_(true, false, 1);

    const fn abstract_(nullable: bool, shared: bool, ty: u32) -> RefType {
        let mut bits = ty;
        if nullable {
            bits |= NULLABLE_BIT;
        }
        if shared {
            bits |= SHARED_BIT;
        }
        RefType(bits)
    }

    /// A reference to `heap`, nullable or not.
    pub fn new(nullable: bool, heap: HeapType) -> RefType {
        let null = if nullable { NULLABLE_BIT } else { 0 };
        let id_bits = |id: TypeId| {
            assert!(
                id.index() <= PAYLOAD_MASK,
                "bug: type id {} too large for a RefType",
                id.index()
            );
            id.index()
        };
        match heap {
            HeapType::Abstract { shared, ty } => {
                let code = ABSTRACT_HEAP_TYPES
                    .iter()
                    .position(|t| *t == ty)
                    .expect("bug: unknown abstract heap type") as u32;
                RefType::abstract_(nullable, shared, code)
            }
            HeapType::Concrete(id) => RefType(null | (1 << KIND_SHIFT) | id_bits(id)),
            HeapType::Exact(id) => RefType(null | (2 << KIND_SHIFT) | id_bits(id)),
        }
    }

    /// Whether the reference may be null.
    pub fn is_nullable(self) -> bool {
        self.0 & NULLABLE_BIT != 0
    }

    /// What the reference points to.
    pub fn heap_type(self) -> HeapType {
        let payload = self.0 & PAYLOAD_MASK;
        match (self.0 >> KIND_SHIFT) & 3 {
            0 => HeapType::Abstract {
                shared: self.0 & SHARED_BIT != 0,
                ty: ABSTRACT_HEAP_TYPES[payload as usize],
            },
            1 => HeapType::Concrete(TypeId::from_index(payload)),
            _ => HeapType::Exact(TypeId::from_index(payload)),
        }
    }
}

impl std::fmt::Debug for RefType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RefType")
            .field("nullable", &self.is_nullable())
            .field("heap", &self.heap_type())
            .finish()
    }
}

/// The type of a struct field or array element.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum StorageType {
    /// A packed 8-bit integer.
    I8,
    /// A packed 16-bit integer.
    I16,
    /// A value type.
    Val(ValType),
}

/// A struct field or array element type.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct FieldType {
    /// What is stored.
    pub element_type: StorageType,
    /// Whether it can be written.
    pub mutable: bool,
}

/// A function signature.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FuncType {
    /// Parameter types.
    pub params: Box<[ValType]>,
    /// Result types.
    pub results: Box<[ValType]>,
}

/// The body of a type definition.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum CompositeInnerType {
    /// A function type.
    Func(FuncType),
    /// An array type.
    Array(FieldType),
    /// A struct type.
    Struct(Box<[FieldType]>),
    /// A continuation type (stack switching).
    Cont(TypeId),
}

/// A composite type with its attributes.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CompositeType {
    /// The type itself.
    pub inner: CompositeInnerType,
    /// Whether the type is shared (shared-everything threads).
    pub shared: bool,
    /// The descriptor type (custom descriptors).
    pub descriptor: Option<TypeId>,
    /// The type this type describes (custom descriptors).
    pub describes: Option<TypeId>,
}

/// A type definition: a composite type with its place in the subtype hierarchy.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SubType {
    /// Whether no type may declare this one as its supertype.
    pub is_final: bool,
    /// The declared supertype, if any.
    pub supertype: Option<TypeId>,
    /// The type's structure.
    pub composite: CompositeType,
}

impl SubType {
    /// The function type, if this is a function type definition.
    pub fn as_func(&self) -> Option<&FuncType> {
        match &self.composite.inner {
            CompositeInnerType::Func(f) => Some(f),
            _ => None,
        }
    }
}

/// The type of a block, loop, if or try.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum BlockType {
    /// No parameters, no results.
    Empty,
    /// No parameters, one result.
    Type(ValType),
    /// A function type gives the parameters and results.
    FuncType(TypeId),
}

/// The type of a table.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct TableType {
    /// The type of the table's elements.
    pub element_type: RefType,
    /// Whether the table is indexed with 64-bit integers.
    pub table64: bool,
    /// Initial size in elements.
    pub initial: u64,
    /// Maximum size in elements.
    pub maximum: Option<u64>,
    /// Whether the table is shared.
    pub shared: bool,
}

/// The type of a global.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct GlobalType {
    /// The value type.
    pub content_type: ValType,
    /// Whether it can be written.
    pub mutable: bool,
    /// Whether it is shared.
    pub shared: bool,
}

/// The type of an exception tag.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct TagType {
    /// The function type giving the tag's parameters.
    pub func_type: TypeId,
}

// ---- Conversions from and to wasmparser's types. ----

/// The type id for a wasmparser type reference read from a binary.
pub(crate) fn type_id_from_wp(index: wasmparser::UnpackedIndex) -> Result<TypeId> {
    match index.as_module_index() {
        Some(i) => Ok(TypeId::from_index(i)),
        None => Err(Error::malformed(
            0,
            "unexpected canonicalized type reference",
        )),
    }
}

fn packed_from_wp(index: wasmparser::PackedIndex) -> Result<TypeId> {
    type_id_from_wp(index.unpack())
}

fn packed_to_wp(id: TypeId) -> wasmparser::PackedIndex {
    wasmparser::PackedIndex::from_module_index(id.index())
        .unwrap_or_else(|| panic!("bug: type id {} too large to encode", id.index()))
}

impl HeapType {
    pub(crate) fn from_wp(h: wasmparser::HeapType) -> Result<Self> {
        Ok(match h {
            wasmparser::HeapType::Abstract { shared, ty } => HeapType::Abstract { shared, ty },
            wasmparser::HeapType::Concrete(i) => HeapType::Concrete(type_id_from_wp(i)?),
            wasmparser::HeapType::Exact(i) => HeapType::Exact(type_id_from_wp(i)?),
        })
    }

    pub(crate) fn to_wp(self) -> wasmparser::HeapType {
        let idx = |id: TypeId| wasmparser::UnpackedIndex::Module(id.index());
        match self {
            HeapType::Abstract { shared, ty } => wasmparser::HeapType::Abstract { shared, ty },
            HeapType::Concrete(id) => wasmparser::HeapType::Concrete(idx(id)),
            HeapType::Exact(id) => wasmparser::HeapType::Exact(idx(id)),
        }
    }
}

impl RefType {
    pub(crate) fn from_wp(r: wasmparser::RefType) -> Result<Self> {
        Ok(RefType::new(
            r.is_nullable(),
            HeapType::from_wp(r.heap_type())?,
        ))
    }

    pub(crate) fn to_wp(self) -> wasmparser::RefType {
        wasmparser::RefType::new(self.is_nullable(), self.heap_type().to_wp())
            .unwrap_or_else(|| panic!("bug: reference type {self:?} cannot be encoded"))
    }
}

impl ValType {
    pub(crate) fn from_wp(v: wasmparser::ValType) -> Result<Self> {
        Ok(match v {
            wasmparser::ValType::I32 => ValType::I32,
            wasmparser::ValType::I64 => ValType::I64,
            wasmparser::ValType::F32 => ValType::F32,
            wasmparser::ValType::F64 => ValType::F64,
            wasmparser::ValType::V128 => ValType::V128,
            wasmparser::ValType::Ref(r) => ValType::Ref(RefType::from_wp(r)?),
        })
    }

    pub(crate) fn to_wp(self) -> wasmparser::ValType {
        match self {
            ValType::I32 => wasmparser::ValType::I32,
            ValType::I64 => wasmparser::ValType::I64,
            ValType::F32 => wasmparser::ValType::F32,
            ValType::F64 => wasmparser::ValType::F64,
            ValType::V128 => wasmparser::ValType::V128,
            ValType::Ref(r) => wasmparser::ValType::Ref(r.to_wp()),
        }
    }
}

impl StorageType {
    fn from_wp(s: wasmparser::StorageType) -> Result<Self> {
        Ok(match s {
            wasmparser::StorageType::I8 => StorageType::I8,
            wasmparser::StorageType::I16 => StorageType::I16,
            wasmparser::StorageType::Val(v) => StorageType::Val(ValType::from_wp(v)?),
        })
    }

    fn to_wp(self) -> wasmparser::StorageType {
        match self {
            StorageType::I8 => wasmparser::StorageType::I8,
            StorageType::I16 => wasmparser::StorageType::I16,
            StorageType::Val(v) => wasmparser::StorageType::Val(v.to_wp()),
        }
    }
}

impl FieldType {
    fn from_wp(f: wasmparser::FieldType) -> Result<Self> {
        Ok(FieldType {
            element_type: StorageType::from_wp(f.element_type)?,
            mutable: f.mutable,
        })
    }

    fn to_wp(self) -> wasmparser::FieldType {
        wasmparser::FieldType {
            element_type: self.element_type.to_wp(),
            mutable: self.mutable,
        }
    }
}

fn val_types_from_wp(tys: &[wasmparser::ValType]) -> Result<Box<[ValType]>> {
    tys.iter().map(|t| ValType::from_wp(*t)).collect()
}

impl FuncType {
    pub(crate) fn from_wp(f: &wasmparser::FuncType) -> Result<Self> {
        Ok(FuncType {
            params: val_types_from_wp(f.params())?,
            results: val_types_from_wp(f.results())?,
        })
    }

    pub(crate) fn to_wp(&self) -> wasmparser::FuncType {
        wasmparser::FuncType::new(
            self.params.iter().map(|t| t.to_wp()),
            self.results.iter().map(|t| t.to_wp()),
        )
    }
}

impl SubType {
    pub(crate) fn from_wp(s: &wasmparser::SubType) -> Result<Self> {
        let c = &s.composite_type;
        let inner = match &c.inner {
            wasmparser::CompositeInnerType::Func(f) => {
                CompositeInnerType::Func(FuncType::from_wp(f)?)
            }
            wasmparser::CompositeInnerType::Array(a) => {
                CompositeInnerType::Array(FieldType::from_wp(a.0)?)
            }
            wasmparser::CompositeInnerType::Struct(st) => CompositeInnerType::Struct(
                st.fields
                    .iter()
                    .map(|f| FieldType::from_wp(*f))
                    .collect::<Result<_>>()?,
            ),
            wasmparser::CompositeInnerType::Cont(ct) => {
                CompositeInnerType::Cont(packed_from_wp(ct.0)?)
            }
        };
        let supertype = match s.supertype_idxs.as_slice() {
            [] => None,
            [one] => Some(packed_from_wp(*one)?),
            _ => return Err(Error::malformed(0, "a type has more than one supertype")),
        };
        Ok(SubType {
            is_final: s.is_final,
            supertype,
            composite: CompositeType {
                inner,
                shared: c.shared,
                descriptor: c.descriptor_idx.map(packed_from_wp).transpose()?,
                describes: c.describes_idx.map(packed_from_wp).transpose()?,
            },
        })
    }

    pub(crate) fn to_wp(&self) -> wasmparser::SubType {
        let c = &self.composite;
        let inner = match &c.inner {
            CompositeInnerType::Func(f) => wasmparser::CompositeInnerType::Func(f.to_wp()),
            CompositeInnerType::Array(a) => {
                wasmparser::CompositeInnerType::Array(wasmparser::ArrayType(a.to_wp()))
            }
            CompositeInnerType::Struct(fields) => {
                wasmparser::CompositeInnerType::Struct(wasmparser::StructType {
                    fields: fields.iter().map(|f| f.to_wp()).collect(),
                })
            }
            CompositeInnerType::Cont(id) => {
                wasmparser::CompositeInnerType::Cont(wasmparser::ContType(packed_to_wp(*id)))
            }
        };
        wasmparser::SubType {
            is_final: self.is_final,
            supertype_idxs: self.supertype.map(packed_to_wp).into_iter().collect(),
            composite_type: wasmparser::CompositeType {
                inner,
                shared: c.shared,
                descriptor_idx: c.descriptor.map(packed_to_wp),
                describes_idx: c.describes.map(packed_to_wp),
            },
        }
    }
}

impl BlockType {
    pub(crate) fn from_wp(b: wasmparser::BlockType) -> Result<Self> {
        Ok(match b {
            wasmparser::BlockType::Empty => BlockType::Empty,
            wasmparser::BlockType::Type(t) => BlockType::Type(ValType::from_wp(t)?),
            wasmparser::BlockType::FuncType(i) => BlockType::FuncType(TypeId::from_index(i)),
        })
    }

    pub(crate) fn to_wp(self) -> wasmparser::BlockType {
        match self {
            BlockType::Empty => wasmparser::BlockType::Empty,
            BlockType::Type(t) => wasmparser::BlockType::Type(t.to_wp()),
            BlockType::FuncType(id) => wasmparser::BlockType::FuncType(id.index()),
        }
    }
}

impl TableType {
    pub(crate) fn from_wp(t: wasmparser::TableType) -> Result<Self> {
        Ok(TableType {
            element_type: RefType::from_wp(t.element_type)?,
            table64: t.table64,
            initial: t.initial,
            maximum: t.maximum,
            shared: t.shared,
        })
    }

    pub(crate) fn to_wp(self) -> wasmparser::TableType {
        wasmparser::TableType {
            element_type: self.element_type.to_wp(),
            table64: self.table64,
            initial: self.initial,
            maximum: self.maximum,
            shared: self.shared,
        }
    }
}

impl GlobalType {
    pub(crate) fn from_wp(g: wasmparser::GlobalType) -> Result<Self> {
        Ok(GlobalType {
            content_type: ValType::from_wp(g.content_type)?,
            mutable: g.mutable,
            shared: g.shared,
        })
    }

    pub(crate) fn to_wp(self) -> wasmparser::GlobalType {
        wasmparser::GlobalType {
            content_type: self.content_type.to_wp(),
            mutable: self.mutable,
            shared: self.shared,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_are_compact() {
        assert_eq!(std::mem::size_of::<RefType>(), 4);
        assert_eq!(std::mem::size_of::<ValType>(), 8);
        assert_eq!(std::mem::size_of::<BlockType>(), 8);
        assert_eq!(std::mem::size_of::<HeapType>(), 8);
    }

    #[test]
    fn ref_type_packing_round_trips() {
        let cases = [
            (
                true,
                HeapType::Abstract {
                    shared: false,
                    ty: AbstractHeapType::Func,
                },
            ),
            (
                false,
                HeapType::Abstract {
                    shared: true,
                    ty: AbstractHeapType::NoCont,
                },
            ),
            (true, HeapType::Concrete(TypeId::from_index(12345))),
            (false, HeapType::Exact(TypeId::from_index(0))),
        ];
        for (nullable, heap) in cases {
            let r = RefType::new(nullable, heap);
            assert_eq!(r.is_nullable(), nullable);
            assert_eq!(r.heap_type(), heap);
            assert_eq!(RefType::from_wp(r.to_wp()).unwrap(), r);
        }
        assert_eq!(RefType::FUNCREF.to_wp(), wasmparser::RefType::FUNCREF);
        assert_eq!(RefType::EXTERNREF.to_wp(), wasmparser::RefType::EXTERNREF);
    }
}
