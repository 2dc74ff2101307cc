//! The store's type registry: every defined type (function, struct, array) of every module,
//! canonicalized iso-recursively, with its supertype chain.
//!
//! A recursion group is interned as a whole: its types, with references to types of the same
//! group written as `REC | index in the group` and references to earlier types as their store
//! ids, form the group's key. Two modules that declare structurally equal groups get the same
//! ids, so type equality across modules is id equality. Each type keeps its supertype chain
//! (root first, itself last), which makes a subtype test one comparison: `a <: b` when `a`'s
//! chain holds `b` at `b`'s depth.

use super::super::value::{FuncType, HeapType, ValType};
use std::collections::BTreeMap;

/// Marks, in a group's key, a reference to the type of the same group at the low bits' index.
pub(crate) const REC: u32 = 1 << 31;

/// How a struct field or an array element is stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Storage {
    /// A packed `i8`.
    I8,
    /// A packed `i16`.
    I16,
    /// A value type.
    Val(ValType),
}

impl Storage {
    /// The stack (and heap) cells a value takes: two for `v128`, else one.
    pub(crate) fn cells(self) -> u32 {
        match self {
            Storage::Val(ValType::V128) => 2,
            _ => 1,
        }
    }

    /// The bytes an element takes in a data segment (`array.new_data`); 0 for references.
    pub(crate) fn bytes(self) -> u32 {
        match self {
            Storage::I8 => 1,
            Storage::I16 => 2,
            Storage::Val(ValType::I32 | ValType::F32) => 4,
            Storage::Val(ValType::I64 | ValType::F64) => 8,
            Storage::Val(ValType::V128) => 16,
            Storage::Val(ValType::Ref(_)) => 0,
        }
    }
}

/// A struct field or the element of an array.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Field {
    pub(crate) storage: Storage,
    pub(crate) mutable: bool,
}

/// What a type defines.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Composite {
    Func(FuncType),
    Struct(Vec<Field>),
    Array(Field),
}

/// A defined type: its composite type, finality and declared supertype (a store id, or
/// `REC | index` inside a group's key).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct SubType {
    pub(crate) is_final: bool,
    pub(crate) sup: Option<u32>,
    pub(crate) comp: Composite,
}

impl SubType {
    /// A final function type without supertype (what `(type (func …))` declares).
    pub(crate) fn func(ty: FuncType) -> SubType {
        SubType {
            is_final: true,
            sup: None,
            comp: Composite::Func(ty),
        }
    }
}

/// A registered type.
#[derive(Clone, Debug)]
pub(crate) struct TypeDef {
    /// The type, references resolved to store ids.
    pub(crate) sub: SubType,
    /// Its supertype chain: the root first, itself last.
    pub(crate) supers: Vec<u32>,
    /// A struct's field offsets in cells (a `v128` takes two) and its size in cells.
    pub(crate) offsets: Vec<u32>,
    /// A struct's size in cells.
    pub(crate) cells: u32,
}

impl TypeDef {
    /// The element of an array type.
    pub(crate) fn array_elem(&self) -> Option<Field> {
        match &self.sub.comp {
            Composite::Array(f) => Some(*f),
            _ => None,
        }
    }

    /// The fields of a struct type.
    pub(crate) fn struct_fields(&self) -> &[Field] {
        match &self.sub.comp {
            Composite::Struct(f) => f,
            _ => &[],
        }
    }

    /// The abstract heap type just above it: `func`, `struct` or `array`.
    pub(crate) fn kind(&self) -> HeapType {
        match self.sub.comp {
            Composite::Func(_) => HeapType::Func,
            Composite::Struct(_) => HeapType::Struct,
            Composite::Array(_) => HeapType::Array,
        }
    }
}

/// Every type of a store, by id.
#[derive(Debug, Default)]
pub(crate) struct Types {
    defs: Vec<TypeDef>,
    /// Canonical group keys to the id of the group's first type.
    groups: BTreeMap<Vec<SubType>, u32>,
}

/// Replaces `REC | i` in a value type by `base + i`.
fn resolve_val(ty: ValType, base: u32) -> ValType {
    match ty {
        ValType::Ref(mut r) => {
            if let HeapType::Concrete(id) = r.heap
                && id & REC != 0
            {
                r.heap = HeapType::Concrete(base + (id & !REC));
            }
            ValType::Ref(r)
        }
        other => other,
    }
}

fn resolve_field(f: Field, base: u32) -> Field {
    Field {
        storage: match f.storage {
            Storage::Val(v) => Storage::Val(resolve_val(v, base)),
            packed => packed,
        },
        mutable: f.mutable,
    }
}

impl Types {
    /// The number of registered types.
    pub(crate) fn len(&self) -> u32 {
        self.defs.len() as u32
    }

    /// A type by id.
    pub(crate) fn get(&self, id: u32) -> &TypeDef {
        &self.defs[id as usize]
    }

    /// Interns a recursion group given as its key; returns the id of its first type and
    /// whether the group is new (its types were appended).
    pub(crate) fn intern(&mut self, key: Vec<SubType>) -> (u32, bool) {
        if let Some(first) = self.groups.get(&key) {
            return (*first, false);
        }
        let base = self.len();
        for (i, sub) in key.iter().enumerate() {
            let sup = sub
                .sup
                .map(|s| if s & REC != 0 { base + (s & !REC) } else { s });
            let comp = match &sub.comp {
                Composite::Func(f) => Composite::Func(FuncType::new(
                    f.params
                        .iter()
                        .map(|t| resolve_val(*t, base))
                        .collect::<Vec<_>>(),
                    f.results
                        .iter()
                        .map(|t| resolve_val(*t, base))
                        .collect::<Vec<_>>(),
                )),
                Composite::Struct(fields) => {
                    Composite::Struct(fields.iter().map(|f| resolve_field(*f, base)).collect())
                }
                Composite::Array(f) => Composite::Array(resolve_field(*f, base)),
            };
            let id = base + i as u32;
            let mut supers = sup
                .and_then(|s| self.defs.get(s as usize))
                .map_or_else(Vec::new, |d| d.supers.clone());
            supers.push(id);
            let mut offsets = Vec::new();
            let mut cells = 0;
            if let Composite::Struct(fields) = &comp {
                for f in fields {
                    offsets.push(cells);
                    cells += f.storage.cells();
                }
            }
            self.defs.push(TypeDef {
                sub: SubType {
                    is_final: sub.is_final,
                    sup,
                    comp,
                },
                supers,
                offsets,
                cells,
            });
        }
        self.groups.insert(key, base);
        (base, true)
    }

    /// Whether type `a` is type `b` or one of its declared subtypes.
    #[inline]
    pub(crate) fn is_subtype(&self, a: u32, b: u32) -> bool {
        if a == b {
            return true;
        }
        let (Some(da), Some(db)) = (self.defs.get(a as usize), self.defs.get(b as usize)) else {
            return false;
        };
        da.supers.get(db.supers.len() - 1) == Some(&b)
    }

    /// The abstract heap type above `h` (`None` at a top).
    fn parent(&self, h: HeapType) -> Option<HeapType> {
        use HeapType as H;
        match h {
            H::Eq => Some(H::Any),
            H::I31 | H::Struct | H::Array => Some(H::Eq),
            H::Concrete(id) => self.defs.get(id as usize).map(TypeDef::kind),
            _ => None,
        }
    }

    /// The top of `h`'s hierarchy.
    fn top(&self, h: HeapType) -> HeapType {
        use HeapType as H;
        match h {
            H::None => H::Any,
            H::NoFunc => H::Func,
            H::NoExtern => H::Extern,
            H::NoExn => H::Exn,
            H::NoCont => H::Cont,
            mut h => {
                while let Some(p) = self.parent(h) {
                    h = p;
                }
                h
            }
        }
    }

    /// Whether heap type `a` matches heap type `b`.
    pub(crate) fn heap_subtype(&self, a: HeapType, b: HeapType) -> bool {
        use HeapType as H;
        if a == b {
            return true;
        }
        match (a, b) {
            (H::None | H::NoFunc | H::NoExtern | H::NoExn | H::NoCont, _) => {
                self.top(a) == self.top(b)
            }
            (H::Concrete(x), H::Concrete(y)) => self.is_subtype(x, y),
            (_, H::Concrete(_)) => false,
            (mut a, b) => {
                while let Some(p) = self.parent(a) {
                    if p == b {
                        return true;
                    }
                    a = p;
                }
                false
            }
        }
    }

    /// Whether value type `a` matches value type `b`.
    pub(crate) fn val_subtype(&self, a: ValType, b: ValType) -> bool {
        match (a, b) {
            (ValType::Ref(a), ValType::Ref(b)) => {
                (b.nullable || !a.nullable) && self.heap_subtype(a.heap, b.heap)
            }
            (a, b) => a == b,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interp::value::RefType;

    fn ref_to(id: u32) -> ValType {
        ValType::Ref(RefType {
            nullable: true,
            heap: HeapType::Concrete(id),
        })
    }

    #[test]
    fn equal_groups_share_ids_and_subtypes_chain() {
        let mut types = Types::default();
        // (rec (type $a (sub (struct (field (ref null $b))))) (type $b (sub $a (struct …))))
        let group = vec![
            SubType {
                is_final: false,
                sup: None,
                comp: Composite::Struct(vec![Field {
                    storage: Storage::Val(ref_to(REC | 1)),
                    mutable: false,
                }]),
            },
            SubType {
                is_final: false,
                sup: Some(REC),
                comp: Composite::Struct(vec![Field {
                    storage: Storage::Val(ref_to(REC | 1)),
                    mutable: false,
                }]),
            },
        ];
        assert_eq!(types.intern(group.clone()), (0, true));
        assert_eq!(types.intern(group), (0, false));
        assert!(types.is_subtype(1, 0));
        assert!(!types.is_subtype(0, 1));
        assert_eq!(
            types.get(0).struct_fields()[0].storage,
            Storage::Val(ref_to(1))
        );
        assert!(types.heap_subtype(HeapType::Concrete(1), HeapType::Eq));
        assert!(types.heap_subtype(HeapType::None, HeapType::Concrete(1)));
        assert!(!types.heap_subtype(HeapType::NoFunc, HeapType::Concrete(1)));
        assert!(!types.heap_subtype(HeapType::Concrete(1), HeapType::Array));
        let (f, new) = types.intern(vec![SubType::func(FuncType::new([], []))]);
        assert_eq!((f, new), (2, true));
        assert!(types.heap_subtype(HeapType::Concrete(2), HeapType::Func));
        assert!(!types.heap_subtype(HeapType::Concrete(2), HeapType::Any));
    }
}
