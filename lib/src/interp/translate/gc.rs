//! Translation of the GC operators (helper area "gc"): struct and array types are resolved to
//! store type ids and fields to cell offsets here, so that execution (`gc/mod.rs`) never looks
//! a type up for a field access. `ref.eq` is `I64Eq` of the references' bits; `br_on_cast`
//! is a [`CastMode::Branch`] test followed by a conditional branch.

use super::super::InstantiateError;
use super::super::code::{CastMode, FieldKind, Op};
use super::super::gc::{Field, Storage};
use super::super::instance::heap_type;
use super::Translator;
use wasmparser::Operator;

impl Translator<'_> {
    /// The store type id of module type `index`.
    fn type_id(&self, index: u32) -> u32 {
        self.env.sigs[index as usize]
    }

    /// The field `field` of struct type `index`: its storage and cell offset.
    fn field(&self, index: u32, field: u32) -> (Field, u32) {
        let def = self.env.gc_types.get(self.type_id(index));
        let f = def.struct_fields()[field as usize];
        (f, def.offsets[field as usize])
    }

    /// Whether the elements of array type `index` take two cells.
    fn wide_elem(&self, index: u32) -> bool {
        let def = self.env.gc_types.get(self.type_id(index));
        def.array_elem().is_some_and(|f| f.storage.cells() == 2)
    }

    /// How `struct.get`/`array.get` (`signed`: `None`; the `_s`/`_u` forms: `Some`) reads a
    /// field of `storage`.
    fn read_kind(storage: Storage, signed: Option<bool>) -> FieldKind {
        match (storage, signed) {
            (Storage::I8, Some(true)) => FieldKind::S8,
            (Storage::I8, _) => FieldKind::U8,
            (Storage::I16, Some(true)) => FieldKind::S16,
            (Storage::I16, _) => FieldKind::U16,
            (s, _) if s.cells() == 2 => FieldKind::Wide,
            _ => FieldKind::Cell,
        }
    }

    /// Translates a GC operator; `false` when `op` is not one. `height` is the operand height
    /// in cells before the operator.
    pub(super) fn gc_op(
        &mut self,
        op: &Operator<'_>,
        live: bool,
        height: u32,
    ) -> Result<bool, InstantiateError> {
        let op = match *op {
            Operator::StructNew { struct_type_index }
            | Operator::StructNewDefault { struct_type_index } => {
                let ty = self.type_id(struct_type_index);
                let cells = self.env.gc_types.get(ty).cells;
                if matches!(op, Operator::StructNew { .. }) {
                    Op::StructNew { ty, cells }
                } else {
                    Op::StructNewDefault { ty, cells }
                }
            }
            Operator::StructGet {
                struct_type_index,
                field_index,
            }
            | Operator::StructGetS {
                struct_type_index,
                field_index,
            }
            | Operator::StructGetU {
                struct_type_index,
                field_index,
            } => {
                let (f, offset) = self.field(struct_type_index, field_index);
                let signed = match op {
                    Operator::StructGetS { .. } => Some(true),
                    Operator::StructGetU { .. } => Some(false),
                    _ => None,
                };
                Op::StructGet {
                    kind: Self::read_kind(f.storage, signed),
                    offset,
                }
            }
            Operator::StructSet {
                struct_type_index,
                field_index,
            } => {
                let (f, offset) = self.field(struct_type_index, field_index);
                Op::StructSet {
                    wide: f.storage.cells() == 2,
                    offset,
                }
            }
            Operator::ArrayNew { array_type_index } => Op::ArrayNew {
                ty: self.type_id(array_type_index),
                wide: self.wide_elem(array_type_index),
            },
            Operator::ArrayNewDefault { array_type_index } => Op::ArrayNewDefault {
                ty: self.type_id(array_type_index),
                wide: self.wide_elem(array_type_index),
            },
            Operator::ArrayNewFixed {
                array_type_index,
                array_size,
            } => Op::ArrayNewFixed {
                ty: self.type_id(array_type_index),
                len: array_size,
                wide: self.wide_elem(array_type_index),
            },
            Operator::ArrayNewData {
                array_type_index,
                array_data_index,
            } => Op::ArrayNewData {
                ty: self.type_id(array_type_index),
                data: self.env.datas[array_data_index as usize],
            },
            Operator::ArrayNewElem {
                array_type_index,
                array_elem_index,
            } => Op::ArrayNewElem {
                ty: self.type_id(array_type_index),
                elem: self.env.elems[array_elem_index as usize],
            },
            Operator::ArrayGet { array_type_index }
            | Operator::ArrayGetS { array_type_index }
            | Operator::ArrayGetU { array_type_index } => {
                let def = self.env.gc_types.get(self.type_id(array_type_index));
                let storage = def.array_elem().map_or(Storage::I8, |f| f.storage);
                let signed = match op {
                    Operator::ArrayGetS { .. } => Some(true),
                    Operator::ArrayGetU { .. } => Some(false),
                    _ => None,
                };
                Op::ArrayGet(Self::read_kind(storage, signed))
            }
            Operator::ArraySet { array_type_index } => Op::ArraySet {
                wide: self.wide_elem(array_type_index),
            },
            Operator::ArrayLen => Op::ArrayLen,
            Operator::ArrayFill { array_type_index } => Op::ArrayFill {
                wide: self.wide_elem(array_type_index),
            },
            Operator::ArrayCopy {
                array_type_index_dst,
                ..
            } => Op::ArrayCopy {
                wide: self.wide_elem(array_type_index_dst),
            },
            Operator::ArrayInitData {
                array_type_index,
                array_data_index,
            } => Op::ArrayInitData {
                ty: self.type_id(array_type_index),
                data: self.env.datas[array_data_index as usize],
            },
            Operator::ArrayInitElem {
                array_elem_index, ..
            } => Op::ArrayInitElem {
                elem: self.env.elems[array_elem_index as usize],
            },
            Operator::RefTestNonNull { hty }
            | Operator::RefTestNullable { hty }
            | Operator::RefCastNonNull { hty }
            | Operator::RefCastNullable { hty } => Op::RefCast {
                heap: heap_type(hty, self.env.sigs)?,
                nullable: matches!(
                    op,
                    Operator::RefTestNullable { .. } | Operator::RefCastNullable { .. }
                ),
                mode: match op {
                    Operator::RefTestNonNull { .. } | Operator::RefTestNullable { .. } => {
                        CastMode::Test
                    }
                    _ => CastMode::Cast,
                },
            },
            Operator::BrOnCast {
                relative_depth,
                to_ref_type,
                ..
            }
            | Operator::BrOnCastFail {
                relative_depth,
                to_ref_type,
                ..
            } => {
                if live {
                    let mode = if matches!(op, Operator::BrOnCast { .. }) {
                        CastMode::Branch
                    } else {
                        CastMode::BranchFail
                    };
                    self.emit(Op::RefCast {
                        heap: heap_type(to_ref_type.heap_type(), self.env.sigs)?,
                        nullable: to_ref_type.is_nullable(),
                        mode,
                    });
                    // The test's result sits above the reference until the branch pops it.
                    self.max_operands = self.max_operands.max(height + 1);
                    // The reference goes along with the branch (it is the label's last value).
                    self.emit_br_if_stack(relative_depth, height);
                }
                return Ok(true);
            }
            Operator::AnyConvertExtern | Operator::ExternConvertAny => Op::RefConvert,
            Operator::RefI31 => Op::RefI31,
            Operator::I31GetS => Op::I31GetS,
            Operator::I31GetU => Op::I31GetU,
            _ => return Ok(false),
        };
        self.emit_if(live, op);
        Ok(true)
    }
}
