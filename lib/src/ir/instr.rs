//! The IR instruction: one enum variant per WebAssembly operator, generated from wasmparser's
//! operator list (`for_each_operator!`), so there is no opcode table to keep in sync by hand.
//!
//! A function body is a flat `Vec<Instr>` in the binary's order, `end` and `else` included:
//! structured control flow is implicit, as in the binary. Immediates that name module items hold
//! typed ids ([`FuncId`], [`TypeId`], …); relative branch depths, locals and lanes stay numbers.
//! Large immediates (`br_table` targets, `v128.const`, shuffles, catch tables) are boxed so that
//! an instruction takes 16 bytes.

use super::ids::{DataId, ElemId, FuncId, GlobalId, MemoryId, TableId, TagId, TypeId};
use super::types::{BlockType, HeapType, RefType, ValType};
use crate::Result;
pub use wasmparser::{Ieee32, Ieee64, Ordering, V128};

/// A memory access immediate, packed to 13 bytes.
///
/// `target` packs the accessed memory (or, for GC array accesses, the array type) with the
/// acquire-release ordering: bits 0–27 the index, bit 28 set for an array target, bits 29–31 the
/// ordering (0 none, then `Op(AcqRel)`, `Op(SeqCst)`, `Rmw(AcqRel)`, `Rmw(SeqCst)`).
#[derive(Copy, Clone, PartialEq, Eq, Hash)]
#[repr(C, packed)]
pub struct MemArg {
    offset: u64,
    target: u32,
    align: u8,
}

/// What a memory instruction accesses.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum MemArgTarget {
    /// A linear memory.
    Memory(MemoryId),
    /// The payload of a GC array of this type.
    Array(TypeId),
}

pub use wasmparser::MemArgOrdering;

const TARGET_INDEX_MASK: u32 = (1 << 28) - 1;
const TARGET_ARRAY_BIT: u32 = 1 << 28;
const TARGET_ORDERING_SHIFT: u32 = 29;

impl MemArg {
    /// A plain memory argument: static offset, memory, alignment as a power of two.
    pub fn new(offset: u64, memory: MemoryId, align: u8) -> MemArg {
        Self::with_target(offset, MemArgTarget::Memory(memory), align, None)
    }

    /// A memory argument with every field given.
    ///
    /// # Panics
    ///
    /// If the memory or type id does not fit in 28 bits (no valid module has that many).
    pub fn with_target(
        offset: u64,
        target: MemArgTarget,
        align: u8,
        ordering: Option<MemArgOrdering>,
    ) -> MemArg {
        let (index, array) = match target {
            MemArgTarget::Memory(m) => (m.index(), 0),
            MemArgTarget::Array(t) => (t.index(), TARGET_ARRAY_BIT),
        };
        assert!(
            index <= TARGET_INDEX_MASK,
            "bug: memarg index {index} out of range"
        );
        let ord = match ordering {
            None => 0,
            Some(MemArgOrdering::Op(Ordering::AcqRel)) => 1,
            Some(MemArgOrdering::Op(Ordering::SeqCst)) => 2,
            Some(MemArgOrdering::Rmw(Ordering::AcqRel)) => 3,
            Some(MemArgOrdering::Rmw(Ordering::SeqCst)) => 4,
        };
        MemArg {
            offset,
            target: index | array | (ord << TARGET_ORDERING_SHIFT),
            align,
        }
    }

    /// The static offset added to the address.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// What is accessed.
    pub fn target(&self) -> MemArgTarget {
        let t = self.target;
        if t & TARGET_ARRAY_BIT != 0 {
            MemArgTarget::Array(TypeId::from_index(t & TARGET_INDEX_MASK))
        } else {
            MemArgTarget::Memory(MemoryId::from_index(t & TARGET_INDEX_MASK))
        }
    }

    /// The accessed memory, when the target is a linear memory.
    pub fn memory(&self) -> Option<MemoryId> {
        match self.target() {
            MemArgTarget::Memory(m) => Some(m),
            MemArgTarget::Array(_) => None,
        }
    }

    /// The acquire-release ordering, if given.
    pub fn ordering(&self) -> Option<MemArgOrdering> {
        let t = self.target;
        match t >> TARGET_ORDERING_SHIFT {
            0 => None,
            1 => Some(MemArgOrdering::Op(Ordering::AcqRel)),
            2 => Some(MemArgOrdering::Op(Ordering::SeqCst)),
            3 => Some(MemArgOrdering::Rmw(Ordering::AcqRel)),
            _ => Some(MemArgOrdering::Rmw(Ordering::SeqCst)),
        }
    }

    /// The alignment hint, as a power of two.
    pub fn align(&self) -> u8 {
        self.align
    }
}

impl std::fmt::Debug for MemArg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemArg")
            .field("offset", &self.offset())
            .field("target", &self.target())
            .field("align", &self.align())
            .field("ordering", &self.ordering())
            .finish()
    }
}

/// The targets of a `br_table`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct BrTable {
    /// Relative depths, by index.
    pub targets: Box<[u32]>,
    /// The relative depth taken when the index is out of range.
    pub default: u32,
}

/// A `try_table` block type and its catch clauses.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TryTable {
    /// The block type.
    pub ty: BlockType,
    /// The catch clauses, in order.
    pub catches: Vec<Catch>,
}

/// A `try_table` catch clause.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Catch {
    /// `catch $tag $label`
    One {
        /// The tag caught.
        tag: TagId,
        /// The relative depth branched to.
        label: u32,
    },
    /// `catch_ref $tag $label`
    OneRef {
        /// The tag caught.
        tag: TagId,
        /// The relative depth branched to.
        label: u32,
    },
    /// `catch_all $label`
    All {
        /// The relative depth branched to.
        label: u32,
    },
    /// `catch_all_ref $label`
    AllRef {
        /// The relative depth branched to.
        label: u32,
    },
}

/// The handlers of a `resume` (stack switching).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ResumeTable {
    /// The handlers, in order.
    pub handlers: Vec<Handle>,
}

/// A `resume` handler clause.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Handle {
    /// `(on $tag $label)`
    OnLabel {
        /// The tag handled.
        tag: TagId,
        /// The relative depth branched to.
        label: u32,
    },
    /// `(on $tag switch)`
    OnSwitch {
        /// The tag handled.
        tag: TagId,
    },
}

/// Markers for the index space an immediate refers to, chosen from the immediate's name in
/// wasmparser's operator list.
pub mod space {
    /// Not an index into a module item space.
    pub struct Plain;
    /// A function index.
    pub struct Func;
    /// A type index.
    pub struct Type;
    /// A table index.
    pub struct Table;
    /// A memory index.
    pub struct Memory;
    /// A global index.
    pub struct Global;
    /// A tag index.
    pub struct Tag;
    /// A data segment index.
    pub struct Data;
    /// An element segment index.
    pub struct Elem;
}

/// The index space an immediate named `$arg` lives in.
macro_rules! imm_space {
    (function_index) => {
        space::Func
    };
    (type_index) => {
        space::Type
    };
    (struct_type_index) => {
        space::Type
    };
    (array_type_index) => {
        space::Type
    };
    (array_type_index_dst) => {
        space::Type
    };
    (array_type_index_src) => {
        space::Type
    };
    (cont_type_index) => {
        space::Type
    };
    (argument_index) => {
        space::Type
    };
    (result_index) => {
        space::Type
    };
    (table) => {
        space::Table
    };
    (table_index) => {
        space::Table
    };
    (dst_table) => {
        space::Table
    };
    (src_table) => {
        space::Table
    };
    (mem) => {
        space::Memory
    };
    (dst_mem) => {
        space::Memory
    };
    (src_mem) => {
        space::Memory
    };
    (global_index) => {
        space::Global
    };
    (tag_index) => {
        space::Tag
    };
    (data_index) => {
        space::Data
    };
    (array_data_index) => {
        space::Data
    };
    (elem_index) => {
        space::Elem
    };
    (array_elem_index) => {
        space::Elem
    };
    ($other:ident) => {
        space::Plain
    };
}

/// The IR type of the immediate named `$arg`, of wasmparser type `$ty`, of operator `$op`.
macro_rules! imm_ty {
    // `BrTable<'a>` borrows the binary: the IR owns its targets instead.
    ($op:ident targets $ty:ty) => { Box<BrTable> };
    // The only operator with three immediates too large to fit: its tag moves into the box.
    (ResumeThrow tag_index $ty:ty) => { () };
    (ResumeThrow resume_table $ty:ty) => { Box<(TagId, ResumeTable)> };
    ($op:ident $arg:ident $ty:ty) => { <$ty as Immediate<imm_space!($arg)>>::Ir };
}
pub(crate) use imm_space;

/// Conversion of one kind of operator immediate between wasmparser and the IR.
///
/// `S` is the index space the immediate refers to (see [`space`]): a `u32` named
/// `function_index` becomes a [`FuncId`], a `u32` named `relative_depth` stays a `u32`.
pub trait Immediate<S>: Sized {
    /// The IR's representation.
    type Ir;
    /// Converts wasmparser's representation to the IR's.
    fn to_ir(self) -> Result<Self::Ir>;
    /// Converts the IR's representation to wasmparser's. Ids become their arena index; the emitter maps
    /// them to final indices.
    fn from_ir(ir: &Self::Ir) -> Self;
}

macro_rules! plain_immediates {
    ($($ty:ty),*) => {$(
        impl Immediate<space::Plain> for $ty {
            type Ir = $ty;
            #[inline]
            fn to_ir(self) -> Result<$ty> {
                Ok(self)
            }
            #[inline]
            fn from_ir(ir: &$ty) -> $ty {
                *ir
            }
        }
    )*};
}
plain_immediates!(u32, u8, i32, i64, Ieee32, Ieee64, Ordering);

macro_rules! id_immediates {
    ($($space:ident => $id:ident),*) => {$(
        impl Immediate<space::$space> for u32 {
            type Ir = $id;
            #[inline]
            fn to_ir(self) -> Result<$id> {
                Ok($id::from_index(self))
            }
            #[inline]
            fn from_ir(ir: &$id) -> u32 {
                ir.index()
            }
        }
    )*};
}
id_immediates!(Func => FuncId, Type => TypeId, Table => TableId, Memory => MemoryId,
    Global => GlobalId, Tag => TagId, Data => DataId, Elem => ElemId);

impl Immediate<space::Plain> for wasmparser::MemArg {
    type Ir = MemArg;
    #[inline]
    fn to_ir(self) -> Result<MemArg> {
        let (index, target) = match self.target {
            wasmparser::MemArgTarget::Memory(m) => {
                (m, MemArgTarget::Memory(MemoryId::from_index(m)))
            }
            wasmparser::MemArgTarget::Array(t) => (t, MemArgTarget::Array(TypeId::from_index(t))),
        };
        if index > TARGET_INDEX_MASK {
            return Err(crate::Error::malformed(
                0,
                format!("memory or type index {index} out of range"),
            ));
        }
        Ok(MemArg::with_target(
            self.offset,
            target,
            self.align,
            self.ordering,
        ))
    }
    fn from_ir(ir: &MemArg) -> Self {
        wasmparser::MemArg {
            align: ir.align(),
            max_align: ir.align(),
            offset: ir.offset(),
            target: match ir.target() {
                MemArgTarget::Memory(m) => wasmparser::MemArgTarget::Memory(m.index()),
                MemArgTarget::Array(t) => wasmparser::MemArgTarget::Array(t.index()),
            },
            ordering: ir.ordering(),
        }
    }
}

impl Immediate<space::Plain> for wasmparser::BlockType {
    type Ir = BlockType;
    #[inline]
    fn to_ir(self) -> Result<BlockType> {
        BlockType::from_wp(self)
    }
    fn from_ir(ir: &BlockType) -> Self {
        ir.to_wp()
    }
}

impl Immediate<space::Plain> for wasmparser::ValType {
    type Ir = ValType;
    fn to_ir(self) -> Result<ValType> {
        ValType::from_wp(self)
    }
    fn from_ir(ir: &ValType) -> Self {
        ir.to_wp()
    }
}

impl Immediate<space::Plain> for wasmparser::RefType {
    type Ir = RefType;
    fn to_ir(self) -> Result<RefType> {
        RefType::from_wp(self)
    }
    fn from_ir(ir: &RefType) -> Self {
        ir.to_wp()
    }
}

impl Immediate<space::Plain> for wasmparser::HeapType {
    type Ir = HeapType;
    fn to_ir(self) -> Result<HeapType> {
        HeapType::from_wp(self)
    }
    fn from_ir(ir: &HeapType) -> Self {
        ir.to_wp()
    }
}

impl Immediate<space::Plain> for V128 {
    type Ir = Box<V128>;
    fn to_ir(self) -> Result<Box<V128>> {
        Ok(Box::new(self))
    }
    fn from_ir(ir: &Box<V128>) -> Self {
        **ir
    }
}

impl Immediate<space::Plain> for [u8; 16] {
    type Ir = Box<[u8; 16]>;
    fn to_ir(self) -> Result<Box<[u8; 16]>> {
        Ok(Box::new(self))
    }
    fn from_ir(ir: &Box<[u8; 16]>) -> Self {
        **ir
    }
}

impl Immediate<space::Plain> for Vec<wasmparser::ValType> {
    type Ir = Box<Vec<ValType>>;
    fn to_ir(self) -> Result<Box<Vec<ValType>>> {
        Ok(Box::new(
            self.into_iter()
                .map(ValType::from_wp)
                .collect::<Result<_>>()?,
        ))
    }
    fn from_ir(ir: &Box<Vec<ValType>>) -> Self {
        ir.iter().map(|t| t.to_wp()).collect()
    }
}

impl Immediate<space::Plain> for wasmparser::TryTable {
    type Ir = Box<TryTable>;
    fn to_ir(self) -> Result<Box<TryTable>> {
        let catches = self
            .catches
            .into_iter()
            .map(|c| match c {
                wasmparser::Catch::One { tag, label } => Catch::One {
                    tag: TagId::from_index(tag),
                    label,
                },
                wasmparser::Catch::OneRef { tag, label } => Catch::OneRef {
                    tag: TagId::from_index(tag),
                    label,
                },
                wasmparser::Catch::All { label } => Catch::All { label },
                wasmparser::Catch::AllRef { label } => Catch::AllRef { label },
            })
            .collect();
        Ok(Box::new(TryTable {
            ty: BlockType::from_wp(self.ty)?,
            catches,
        }))
    }
    fn from_ir(ir: &Box<TryTable>) -> Self {
        let catches = ir
            .catches
            .iter()
            .map(|c| match *c {
                Catch::One { tag, label } => wasmparser::Catch::One {
                    tag: tag.index(),
                    label,
                },
                Catch::OneRef { tag, label } => wasmparser::Catch::OneRef {
                    tag: tag.index(),
                    label,
                },
                Catch::All { label } => wasmparser::Catch::All { label },
                Catch::AllRef { label } => wasmparser::Catch::AllRef { label },
            })
            .collect();
        wasmparser::TryTable {
            ty: ir.ty.to_wp(),
            catches,
        }
    }
}

impl Immediate<space::Plain> for wasmparser::ResumeTable {
    type Ir = Box<ResumeTable>;
    fn to_ir(self) -> Result<Box<ResumeTable>> {
        Ok(Box::new(ResumeTable::from_wp(self)))
    }
    fn from_ir(ir: &Box<ResumeTable>) -> Self {
        ir.to_wp()
    }
}

impl ResumeTable {
    pub(crate) fn from_wp(table: wasmparser::ResumeTable) -> ResumeTable {
        let handlers = table
            .handlers
            .into_iter()
            .map(|h| match h {
                wasmparser::Handle::OnLabel { tag, label } => Handle::OnLabel {
                    tag: TagId::from_index(tag),
                    label,
                },
                wasmparser::Handle::OnSwitch { tag } => Handle::OnSwitch {
                    tag: TagId::from_index(tag),
                },
            })
            .collect();
        ResumeTable { handlers }
    }

    pub(crate) fn to_wp(&self) -> wasmparser::ResumeTable {
        let handlers = self
            .handlers
            .iter()
            .map(|h| match *h {
                Handle::OnLabel { tag, label } => wasmparser::Handle::OnLabel {
                    tag: tag.index(),
                    label,
                },
                Handle::OnSwitch { tag } => wasmparser::Handle::OnSwitch { tag: tag.index() },
            })
            .collect();
        wasmparser::ResumeTable { handlers }
    }
}

impl<'a> Immediate<space::Plain> for wasmparser::BrTable<'a> {
    type Ir = Box<BrTable>;
    fn to_ir(self) -> Result<Box<BrTable>> {
        let targets = self
            .targets()
            .collect::<std::result::Result<Box<[u32]>, _>>()?;
        Ok(Box::new(BrTable {
            targets,
            default: self.default(),
        }))
    }
    fn from_ir(_: &Box<BrTable>) -> Self {
        unreachable!("bug: br_table is encoded directly, never through wasmparser")
    }
}

macro_rules! define_instr {
    ($( @$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*) )*) => {
        /// One instruction. Variants and field names follow wasmparser's `Operator`.
        #[derive(Clone, Debug, PartialEq)]
        #[allow(missing_docs, reason = "variants are named after wasmparser's operators, documented there")]
        pub enum Instr {
            $( $op $({ $($arg: imm_ty!($op $arg $argty)),* })?, )*
        }
    };
}
wasmparser::for_each_operator!(define_instr);

// Keep instructions compact: a function body is a `Vec<Instr>`.
const _: () = assert!(std::mem::size_of::<Instr>() <= 16);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instr_is_16_bytes() {
        assert_eq!(std::mem::size_of::<Instr>(), 16);
    }
}
