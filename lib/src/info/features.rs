//! Which WebAssembly proposals a module actually uses, found from its contents.
//!
//! Operators are classified by the `@proposal` group wasmparser files them under in
//! `for_each_operator!`: the visitor below is generated from that list, so there is no opcode
//! table here. Everything else (shared memories, GC types, passive segments, …) is an
//! [`Evidence`] found while walking types, imports, sections and operator immediates, and each
//! kind of evidence belongs to exactly one [`Feature`].

use serde::Serialize;
use wasmparser::{
    AbstractHeapType, BlockType, FunctionBody, HeapType, MemArg, MemArgTarget, OperatorsReader,
    RefType, ValType, VisitOperator, VisitSimdOperator,
};

/// Defines [`Feature`] with its kebab-case names, and the mapping from wasmparser's proposal
/// identifiers to it.
macro_rules! features {
    ($( $(#[$doc:meta])* $variant:ident = $name:literal $(, proposal = $proposal:ident)?; )*) => {
        /// A WebAssembly proposal beyond the 1.0 (MVP) core.
        ///
        /// Names follow the feature names of `wasm-tools validate --features`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        pub enum Feature {
            $( $(#[$doc])* #[serde(rename = $name)] $variant, )*
        }

        impl Feature {
            /// Every feature, in report order.
            pub const ALL: &'static [Feature] = &[$(Feature::$variant),*];

            /// The feature's kebab-case name.
            pub fn name(self) -> &'static str {
                match self {
                    $(Feature::$variant => $name,)*
                }
            }
        }

        /// The feature of a wasmparser `@proposal` group; `None` for the MVP.
        ///
        /// A proposal wasmparser adds later fails to compile here until it is given a feature.
        macro_rules! proposal_feature {
            (mvp) => { None };
            $($( ($proposal) => { Some(Feature::$variant) }; )?)*
        }
    };
}

features! {
    /// Importing and exporting mutable globals.
    MutableGlobal = "mutable-global";
    /// Non-trapping float-to-int conversions.
    SaturatingFloatToInt = "saturating-float-to-int", proposal = saturating_float_to_int;
    /// Sign-extension operators.
    SignExtension = "sign-extension", proposal = sign_extension;
    /// `funcref`/`externref` values, several tables, `table.*` operators.
    ReferenceTypes = "reference-types", proposal = reference_types;
    /// Several results, block parameters.
    MultiValue = "multi-value";
    /// Passive segments and `memory.copy`/`fill`/`init`.
    BulkMemory = "bulk-memory", proposal = bulk_memory;
    /// 128-bit SIMD.
    Simd = "simd", proposal = simd;
    /// Relaxed SIMD.
    RelaxedSimd = "relaxed-simd", proposal = relaxed_simd;
    /// Shared memories and atomic operators.
    Threads = "threads", proposal = threads;
    /// Shared globals, tables, types and their operators.
    SharedEverythingThreads = "shared-everything-threads", proposal = shared_everything_threads;
    /// `return_call` and friends.
    TailCall = "tail-call", proposal = tail_call;
    /// Several memories.
    MultiMemory = "multi-memory";
    /// Exception handling with `try_table` and `exnref`.
    Exceptions = "exceptions", proposal = exceptions;
    /// The legacy (phase 1) exception handling with `try`/`catch`/`delegate`.
    LegacyExceptions = "legacy-exceptions", proposal = legacy_exceptions;
    /// 64-bit memories and tables.
    Memory64 = "memory64";
    /// Arithmetic in constant expressions.
    ExtendedConst = "extended-const";
    /// Typed function references.
    FunctionReferences = "function-references", proposal = function_references;
    /// Memory control operators.
    MemoryControl = "memory-control", proposal = memory_control;
    /// Garbage collection: structs, arrays, subtyping, `i31`.
    Gc = "gc", proposal = gc;
    /// Memories with a page size other than 64 KiB.
    CustomPageSizes = "custom-page-sizes";
    /// Continuations.
    StackSwitching = "stack-switching", proposal = stack_switching;
    /// 128-bit arithmetic operators.
    WideArithmetic = "wide-arithmetic", proposal = wide_arithmetic;
    /// Descriptors and exact references.
    CustomDescriptors = "custom-descriptors", proposal = custom_descriptors;
    /// The `pause` operator and acquire/release orderings.
    AcquireReleaseAtomics = "acquire-release-atomics", proposal = acquire_release_atomics;
    /// The compact import section encodings.
    CompactImports = "compact-imports";
    /// Memory access operators on GC arrays.
    MultibyteArrayAccess = "multibyte-array-access";
}

/// Defines [`Evidence`] and the feature each kind belongs to.
macro_rules! evidence {
    ($( $(#[$doc:meta])* $variant:ident = $name:literal => $feature:ident; )*) => {
        /// Something other than an operator that shows a feature is used.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
        pub enum Evidence {
            $( $(#[$doc])* #[serde(rename = $name)] $variant, )*
        }

        impl Evidence {
            /// Every kind of evidence, in report order.
            pub const ALL: &'static [Evidence] = &[$(Evidence::$variant),*];

            /// The feature this evidence shows.
            pub fn feature(self) -> Feature {
                match self {
                    $(Evidence::$variant => Feature::$feature,)*
                }
            }

            /// The kebab-case name.
            pub fn name(self) -> &'static str {
                match self {
                    $(Evidence::$variant => $name,)*
                }
            }
        }
    };
}

evidence! {
    /// A mutable global is imported.
    MutableGlobalImport = "mutable-global-import" => MutableGlobal;
    /// A mutable global is exported.
    MutableGlobalExport = "mutable-global-export" => MutableGlobal;
    /// A `funcref` or `externref` value type (local, parameter, global, block).
    RefValueType = "ref-value-type" => ReferenceTypes;
    /// More than one table.
    MultipleTables = "multiple-tables" => ReferenceTypes;
    /// An operator or segment names a table other than 0.
    NonZeroTableIndex = "non-zero-table-index" => ReferenceTypes;
    /// A table of something other than `funcref`.
    NonFuncrefTable = "non-funcref-table" => ReferenceTypes;
    /// A declarative element segment.
    DeclaredElements = "declared-elements" => ReferenceTypes;
    /// A function type with more than one result.
    MultiResultFuncType = "multi-result-func-type" => MultiValue;
    /// A block, loop or if typed by a type index.
    BlockTypeIndex = "block-type-index" => MultiValue;
    /// A passive data segment.
    PassiveData = "passive-data" => BulkMemory;
    /// A passive element segment.
    PassiveElements = "passive-elements" => BulkMemory;
    /// A data count section.
    DataCountSection = "data-count-section" => BulkMemory;
    /// A `v128` value type.
    V128Type = "v128-type" => Simd;
    /// A shared memory.
    SharedMemory = "shared-memory" => Threads;
    /// A shared type, global, table or reference.
    SharedItem = "shared-item" => SharedEverythingThreads;
    /// More than one memory.
    MultipleMemories = "multiple-memories" => MultiMemory;
    /// An operator or segment names a memory other than 0.
    NonZeroMemoryIndex = "non-zero-memory-index" => MultiMemory;
    /// A tag (imported or defined).
    Tags = "tags" => Exceptions;
    /// An `exnref` value type.
    ExnRef = "exnref" => Exceptions;
    /// A 64-bit memory.
    Memory64Memory = "memory64-memory" => Memory64;
    /// A 64-bit table.
    Table64 = "table64" => Memory64;
    /// `add`, `sub` or `mul` in a constant expression.
    ConstArithmetic = "const-arithmetic" => ExtendedConst;
    /// A non-nullable or concrete reference type.
    TypedRef = "typed-ref" => FunctionReferences;
    /// A table with an initialiser expression.
    TableInitExpr = "table-init-expr" => FunctionReferences;
    /// A struct type.
    StructType = "struct-type" => Gc;
    /// An array type.
    ArrayType = "array-type" => Gc;
    /// An explicit `rec` group.
    RecGroup = "rec-group" => Gc;
    /// A non-final type or one with a supertype.
    Subtyping = "subtyping" => Gc;
    /// A GC reference type (`anyref`, `eqref`, `i31ref`, `structref`, `arrayref`, bottom types).
    GcRefType = "gc-ref-type" => Gc;
    /// A memory with a custom page size.
    CustomPageSize = "custom-page-size" => CustomPageSizes;
    /// A continuation type or reference.
    ContType = "cont-type" => StackSwitching;
    /// A descriptor or describes clause on a type.
    Descriptor = "descriptor" => CustomDescriptors;
    /// An exact reference type or exact function import/export.
    Exact = "exact" => CustomDescriptors;
    /// An import group in a compact encoding.
    CompactImportGroup = "compact-import-group" => CompactImports;
    /// A memory operator whose immediate targets a GC array.
    ArrayMemArg = "array-memarg" => MultibyteArrayAccess;
    /// A memory operator with an explicit memory ordering.
    MemArgOrdering = "memarg-ordering" => AcquireReleaseAtomics;
}

/// Feature usage gathered over some function bodies and module items; merged deterministically.
#[derive(Debug, Clone)]
pub struct FeatureScan {
    /// Operator occurrences per feature.
    pub ops: Vec<u64>,
    /// Function bodies using each feature (by operator, local or block type).
    pub funcs: Vec<u32>,
    /// The first operator per feature, as (function index or `u32::MAX` for constant
    /// expressions, operator name).
    pub first: Vec<Option<(u32, &'static str)>>,
    /// Bit set of [`Evidence`] found, by position in [`Evidence::ALL`].
    pub evidence: u64,
}

impl Default for FeatureScan {
    fn default() -> Self {
        let n = Feature::ALL.len();
        FeatureScan {
            ops: vec![0; n],
            funcs: vec![0; n],
            first: vec![None; n],
            evidence: 0,
        }
    }
}

impl FeatureScan {
    /// Records a piece of evidence.
    pub fn note(&mut self, e: Evidence) {
        self.evidence |= 1 << e as u32;
    }

    /// Whether a piece of evidence was recorded.
    pub fn has(&self, e: Evidence) -> bool {
        self.evidence & (1 << e as u32) != 0
    }

    /// Adds `other` into `self`. Commutative and associative, so the result does not depend on
    /// how work was split between threads.
    pub fn merge(&mut self, other: &FeatureScan) {
        for i in 0..self.ops.len() {
            self.ops[i] += other.ops[i];
            self.funcs[i] += other.funcs[i];
            self.first[i] = match (self.first[i], other.first[i]) {
                (Some(a), Some(b)) => Some(if b.0 < a.0 { b } else { a }),
                (a, b) => a.or(b),
            };
        }
        self.evidence |= other.evidence;
    }

    /// Notes the features a value type needs.
    pub fn val_type(&mut self, ty: ValType) {
        match ty {
            ValType::V128 => self.note(Evidence::V128Type),
            ValType::Ref(r) => self.ref_type(r),
            ValType::I32 | ValType::I64 | ValType::F32 | ValType::F64 => {}
        }
    }

    /// Notes the features a reference type needs.
    pub fn ref_type(&mut self, r: RefType) {
        if !r.is_nullable() {
            self.note(Evidence::TypedRef);
        }
        self.heap_type(r.heap_type());
    }

    /// Notes the features a heap type needs.
    pub fn heap_type(&mut self, h: HeapType) {
        match h {
            HeapType::Abstract { shared, ty } => {
                if shared {
                    self.note(Evidence::SharedItem);
                }
                use AbstractHeapType as A;
                self.note(match ty {
                    A::Func | A::Extern => Evidence::RefValueType,
                    A::Exn | A::NoExn => Evidence::ExnRef,
                    A::Cont | A::NoCont => Evidence::ContType,
                    A::Any
                    | A::Eq
                    | A::I31
                    | A::Struct
                    | A::Array
                    | A::None
                    | A::NoFunc
                    | A::NoExtern => Evidence::GcRefType,
                });
            }
            HeapType::Concrete(_) => self.note(Evidence::TypedRef),
            HeapType::Exact(_) => self.note(Evidence::Exact),
        }
    }

    /// Scans a constant expression (global initialiser, segment offset or item).
    pub fn const_expr(&mut self, reader: OperatorsReader<'_>) -> wasmparser::Result<()> {
        let mut reader = reader;
        let mut v = OpVisitor {
            scan: self,
            func: u32::MAX,
            body_mask: 0,
            in_const: true,
        };
        while !reader.eof() {
            reader.visit_operator(&mut v)?;
        }
        Ok(())
    }

    /// Scans one function body: its locals and every operator.
    pub fn body(&mut self, func: u32, body: &FunctionBody<'_>) -> wasmparser::Result<()> {
        for local in body.get_locals_reader()? {
            let (_, ty) = local?;
            self.val_type(ty);
        }
        let mut reader = body.get_operators_reader()?;
        let mut v = OpVisitor {
            scan: self,
            func,
            body_mask: 0,
            in_const: false,
        };
        while !reader.eof() {
            reader.visit_operator(&mut v)?;
        }
        reader.finish()?;
        let mask = v.body_mask;
        for (i, n) in self.funcs.iter_mut().enumerate() {
            if mask & (1 << i) != 0 {
                *n += 1;
            }
        }
        Ok(())
    }
}

/// Visits operators and records their proposals into a [`FeatureScan`].
struct OpVisitor<'s> {
    scan: &'s mut FeatureScan,
    /// The function being scanned, `u32::MAX` in a constant expression.
    func: u32,
    /// Features used in this body, by position in [`Feature::ALL`].
    body_mask: u64,
    in_const: bool,
}

impl OpVisitor<'_> {
    #[inline]
    fn op(&mut self, feature: Feature, name: &'static str) {
        let i = feature as usize;
        self.scan.ops[i] += 1;
        self.body_mask |= 1 << i;
        if self.scan.first[i].is_none_or(|(f, _)| self.func < f) {
            self.scan.first[i] = Some((self.func, name));
        }
    }

    /// Evidence found in an operator's immediates also counts for the body.
    fn note(&mut self, e: Evidence) {
        self.scan.note(e);
        self.body_mask |= 1 << e.feature() as usize;
    }

    fn memarg(&mut self, m: &MemArg) {
        match m.target {
            MemArgTarget::Memory(index) => self.memory_index(index),
            MemArgTarget::Array(_) => self.note(Evidence::ArrayMemArg),
        }
        if m.ordering.is_some() {
            self.note(Evidence::MemArgOrdering);
        }
    }

    fn memory_index(&mut self, index: u32) {
        if index != 0 {
            self.note(Evidence::NonZeroMemoryIndex);
        }
    }

    fn table_index(&mut self, index: u32) {
        if index != 0 {
            self.note(Evidence::NonZeroTableIndex);
        }
    }

    fn blockty(&mut self, ty: BlockType) {
        match ty {
            BlockType::Empty => {}
            BlockType::Type(t) => self.val_type(t),
            BlockType::FuncType(_) => self.note(Evidence::BlockTypeIndex),
        }
    }

    fn val_type(&mut self, ty: ValType) {
        let before = self.scan.evidence;
        self.scan.val_type(ty);
        self.mark_new_evidence(before);
    }

    fn heap_type(&mut self, h: HeapType) {
        let before = self.scan.evidence;
        self.scan.heap_type(h);
        self.mark_new_evidence(before);
    }

    /// Adds to the body mask the features of evidence that was just recorded.
    fn mark_new_evidence(&mut self, before: u64) {
        let new = self.scan.evidence & !before;
        if new != 0 {
            for (i, e) in Evidence::ALL.iter().enumerate() {
                if new & (1 << i) != 0 {
                    self.body_mask |= 1 << e.feature() as usize;
                }
            }
        }
    }
}

/// Generates one `visit_*` method per operator from wasmparser's list: the `@proposal` gives the
/// feature, and immediates are checked by their argument names (`memarg`, `blockty`, `table`, …).
macro_rules! define_visit {
    ($( @$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*) )*) => {
        $(
            #[inline]
            fn $visit(&mut self $($(, $arg: $argty)*)?) {
                define_visit!(@feature self $proposal $op);
                $($( define_visit!(@arg self $arg $arg); )*)?
                define_visit!(@ann self $proposal $op $($ann)*);
            }
        )*
    };

    (@feature $s:ident mvp $op:ident) => {};
    (@feature $s:ident $proposal:ident $op:ident) => {
        if let Some(f) = proposal_feature!($proposal) {
            $s.op(f, stringify!($op));
        }
    };

    (@arg $s:ident memarg $v:ident) => { $s.memarg(&$v) };
    (@arg $s:ident blockty $v:ident) => { $s.blockty($v) };
    (@arg $s:ident mem $v:ident) => { $s.memory_index($v) };
    (@arg $s:ident dst_mem $v:ident) => { $s.memory_index($v) };
    (@arg $s:ident src_mem $v:ident) => { $s.memory_index($v) };
    (@arg $s:ident table $v:ident) => { $s.table_index($v) };
    (@arg $s:ident table_index $v:ident) => { $s.table_index($v) };
    (@arg $s:ident dst_table $v:ident) => { $s.table_index($v) };
    (@arg $s:ident src_table $v:ident) => { $s.table_index($v) };
    (@arg $s:ident ty $v:ident) => { $s.val_type($v) };
    (@arg $s:ident tys $v:ident) => { for t in $v { $s.val_type(t) } };
    (@arg $s:ident hty $v:ident) => { $s.heap_type($v) };
    (@arg $s:ident $other:ident $v:ident) => { let _ = &$v; };

    // In a constant expression the only MVP binary operators allowed are the extended-const
    // `add`, `sub` and `mul`.
    (@ann $s:ident mvp $op:ident arity 2 -> 1) => {
        if $s.in_const {
            $s.note(Evidence::ConstArithmetic);
        }
    };
    (@ann $s:ident $proposal:ident $op:ident $($rest:tt)*) => {};
}

impl<'a> VisitOperator<'a> for OpVisitor<'_> {
    type Output = ();

    fn simd_visitor(&mut self) -> Option<&mut dyn VisitSimdOperator<'a, Output = Self::Output>> {
        Some(self)
    }

    wasmparser::for_each_visit_operator!(define_visit);
}

impl<'a> VisitSimdOperator<'a> for OpVisitor<'_> {
    wasmparser::for_each_visit_simd_operator!(define_visit);
}

/// How features were used, for the report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FeatureUse {
    /// The feature.
    pub feature: Feature,
    /// How many operators of this feature occur (in bodies and constant expressions).
    pub operators: u64,
    /// How many function bodies use it (operators, immediates, locals).
    pub functions: u32,
    /// The first such operator, by wasmparser's `Operator` variant name.
    pub first_operator: Option<String>,
    /// The function holding `first_operator`; `None` when it is in a constant expression.
    pub first_operator_function: Option<u32>,
    /// Non-operator evidence.
    pub evidence: Vec<Evidence>,
}

impl FeatureScan {
    /// The used features, in [`Feature::ALL`] order.
    pub fn report(&self) -> Vec<FeatureUse> {
        Feature::ALL
            .iter()
            .map(|&feature| {
                let i = feature as usize;
                let evidence: Vec<Evidence> = Evidence::ALL
                    .iter()
                    .copied()
                    .filter(|&e| e.feature() == feature && self.has(e))
                    .collect();
                let (first_operator_function, first_operator) = match self.first[i] {
                    Some((f, name)) => ((f != u32::MAX).then_some(f), Some(name.to_string())),
                    None => (None, None),
                };
                FeatureUse {
                    feature,
                    operators: self.ops[i],
                    functions: self.funcs[i],
                    first_operator,
                    first_operator_function,
                    evidence,
                }
            })
            .filter(|u| u.operators > 0 || !u.evidence.is_empty())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_fit() {
        assert!(Feature::ALL.len() <= 64);
        assert!(Evidence::ALL.len() <= 64);
        for (i, f) in Feature::ALL.iter().enumerate() {
            assert_eq!(*f as usize, i);
        }
        for (i, e) in Evidence::ALL.iter().enumerate() {
            assert_eq!(*e as usize, i);
        }
    }

    #[test]
    fn merge_keeps_earliest_first_operator() {
        let mut a = FeatureScan::default();
        a.first[Feature::Simd as usize] = Some((7, "I32x4Add"));
        a.ops[Feature::Simd as usize] = 2;
        let mut b = FeatureScan::default();
        b.first[Feature::Simd as usize] = Some((3, "F32x4Mul"));
        b.ops[Feature::Simd as usize] = 1;
        b.note(Evidence::SharedMemory);
        let mut ab = a.clone();
        ab.merge(&b);
        let mut ba = b.clone();
        ba.merge(&a);
        assert_eq!(ab.report(), ba.report());
        let simd = &ab.report()[0];
        assert_eq!(simd.operators, 3);
        assert_eq!(simd.first_operator.as_deref(), Some("F32x4Mul"));
        assert_eq!(simd.first_operator_function, Some(3));
    }
}
