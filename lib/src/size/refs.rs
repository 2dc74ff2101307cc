//! References made by code: which functions, globals, tables, memories, tags, types and segments
//! a function body or a constant expression names.
//!
//! The visitor is generated from wasmparser's operator list: an immediate is classified by its
//! argument name (`function_index`, `global_index`, `memarg`, `table`, `type_index`, …), so no
//! operator is listed here by hand. Unknown argument names are ignored; a reference whose index
//! is out of range is dropped when it is resolved to an item.

use wasmparser::{
    BlockType, FunctionBody, HeapType, MemArg, MemArgTarget, OperatorsReader, RefType, TryTable,
    ValType, VisitOperator, VisitSimdOperator,
};

/// An index space that code refers into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Space {
    /// Functions (imported first).
    Func,
    /// Globals.
    Global,
    /// Tables.
    Table,
    /// Memories.
    Memory,
    /// Tags.
    Tag,
    /// Types.
    Type,
    /// Element segments.
    Elem,
    /// Data segments.
    Data,
}

/// One reference: an index in a space.
pub type Ref = (Space, u32);

/// Collects the references of one body: its locals' types and every operator's immediates.
pub fn body_refs(body: &FunctionBody<'_>, out: &mut Vec<Ref>) -> wasmparser::Result<()> {
    let mut v = RefVisitor { out };
    for local in body.get_locals_reader()? {
        let (_, ty) = local?;
        v.val_type(ty);
    }
    let mut reader = body.get_operators_reader()?;
    while !reader.eof() {
        reader.visit_operator(&mut v)?;
    }
    reader.finish()
}

/// Collects the references of a constant expression.
pub fn expr_refs(reader: OperatorsReader<'_>, out: &mut Vec<Ref>) -> wasmparser::Result<()> {
    let mut reader = reader;
    let mut v = RefVisitor { out };
    while !reader.eof() {
        reader.visit_operator(&mut v)?;
    }
    Ok(())
}

/// Appends references to a vector.
struct RefVisitor<'o> {
    out: &'o mut Vec<Ref>,
}

impl RefVisitor<'_> {
    #[inline]
    fn push(&mut self, space: Space, index: u32) {
        self.out.push((space, index));
    }

    fn memarg(&mut self, m: &MemArg) {
        match m.target {
            MemArgTarget::Memory(index) => self.push(Space::Memory, index),
            MemArgTarget::Array(ty) => self.push(Space::Type, ty),
        }
    }

    fn blockty(&mut self, ty: BlockType) {
        match ty {
            BlockType::Empty => {}
            BlockType::Type(t) => self.val_type(t),
            BlockType::FuncType(index) => self.push(Space::Type, index),
        }
    }

    fn val_type(&mut self, ty: ValType) {
        if let ValType::Ref(r) = ty {
            self.ref_type(r);
        }
    }

    fn ref_type(&mut self, r: RefType) {
        self.heap_type(r.heap_type());
    }

    fn heap_type(&mut self, h: HeapType) {
        match h {
            HeapType::Concrete(index) | HeapType::Exact(index) => {
                if let Some(index) = index.as_module_index() {
                    self.push(Space::Type, index);
                }
            }
            HeapType::Abstract { .. } => {}
        }
    }

    fn try_table(&mut self, t: &TryTable) {
        self.blockty(t.ty);
        for catch in &t.catches {
            use wasmparser::Catch;
            match *catch {
                Catch::One { tag, .. } | Catch::OneRef { tag, .. } => self.push(Space::Tag, tag),
                Catch::All { .. } | Catch::AllRef { .. } => {}
            }
        }
    }

    fn resume_table(&mut self, t: &wasmparser::ResumeTable) {
        for handle in &t.handlers {
            match *handle {
                wasmparser::Handle::OnLabel { tag, .. } | wasmparser::Handle::OnSwitch { tag } => {
                    self.push(Space::Tag, tag)
                }
            }
        }
    }
}

/// Generates one `visit_*` method per operator; each immediate is classified by its name.
macro_rules! define_visit {
    ($( @$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*) )*) => {
        $(
            #[inline]
            fn $visit(&mut self $($(, $arg: $argty)*)?) {
                $($( define_visit!(@arg self $arg $arg); )*)?
            }
        )*
    };

    (@arg $s:ident function_index $v:ident) => { $s.push(Space::Func, $v) };
    (@arg $s:ident global_index $v:ident) => { $s.push(Space::Global, $v) };
    (@arg $s:ident memarg $v:ident) => { $s.memarg(&$v) };
    (@arg $s:ident mem $v:ident) => { $s.push(Space::Memory, $v) };
    (@arg $s:ident dst_mem $v:ident) => { $s.push(Space::Memory, $v) };
    (@arg $s:ident src_mem $v:ident) => { $s.push(Space::Memory, $v) };
    (@arg $s:ident table $v:ident) => { $s.push(Space::Table, $v) };
    (@arg $s:ident table_index $v:ident) => { $s.push(Space::Table, $v) };
    (@arg $s:ident dst_table $v:ident) => { $s.push(Space::Table, $v) };
    (@arg $s:ident src_table $v:ident) => { $s.push(Space::Table, $v) };
    (@arg $s:ident tag_index $v:ident) => { $s.push(Space::Tag, $v) };
    (@arg $s:ident data_index $v:ident) => { $s.push(Space::Data, $v) };
    (@arg $s:ident array_data_index $v:ident) => { $s.push(Space::Data, $v) };
    (@arg $s:ident elem_index $v:ident) => { $s.push(Space::Elem, $v) };
    (@arg $s:ident array_elem_index $v:ident) => { $s.push(Space::Elem, $v) };
    (@arg $s:ident type_index $v:ident) => { $s.push(Space::Type, $v) };
    (@arg $s:ident struct_type_index $v:ident) => { $s.push(Space::Type, $v) };
    (@arg $s:ident array_type_index $v:ident) => { $s.push(Space::Type, $v) };
    (@arg $s:ident array_type_index_dst $v:ident) => { $s.push(Space::Type, $v) };
    (@arg $s:ident array_type_index_src $v:ident) => { $s.push(Space::Type, $v) };
    (@arg $s:ident cont_type_index $v:ident) => { $s.push(Space::Type, $v) };
    (@arg $s:ident argument_index $v:ident) => { $s.push(Space::Type, $v) };
    (@arg $s:ident result_index $v:ident) => { $s.push(Space::Type, $v) };
    (@arg $s:ident blockty $v:ident) => { $s.blockty($v) };
    (@arg $s:ident ty $v:ident) => { $s.val_type($v) };
    (@arg $s:ident tys $v:ident) => { for t in $v { $s.val_type(t) } };
    (@arg $s:ident hty $v:ident) => { $s.heap_type($v) };
    (@arg $s:ident from_ref_type $v:ident) => { $s.ref_type($v) };
    (@arg $s:ident to_ref_type $v:ident) => { $s.ref_type($v) };
    (@arg $s:ident try_table $v:ident) => { $s.try_table(&$v) };
    (@arg $s:ident resume_table $v:ident) => { $s.resume_table(&$v) };
    (@arg $s:ident $other:ident $v:ident) => { let _ = &$v; };
}

impl<'a> VisitOperator<'a> for RefVisitor<'_> {
    type Output = ();

    fn simd_visitor(&mut self) -> Option<&mut dyn VisitSimdOperator<'a, Output = Self::Output>> {
        Some(self)
    }

    wasmparser::for_each_visit_operator!(define_visit);
}

impl<'a> VisitSimdOperator<'a> for RefVisitor<'_> {
    wasmparser::for_each_visit_simd_operator!(define_visit);
}

/// Collects the type a reference type names, if it is concrete.
pub fn expr_refs_of_type(r: RefType, out: &mut Vec<Ref>) {
    RefVisitor { out }.ref_type(r);
}
