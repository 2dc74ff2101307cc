//! A WebAssembly interpreter: each function is translated once into a compact internal code
//! ([`code::Op`]), validating in the same walk, and run by one loop over a flat value stack.
//!
//! It runs WebAssembly 3.0 whole — SIMD and relaxed SIMD, reference types, bulk memory,
//! multi-value, tail calls, exceptions (legacy and exnref), function references, GC, memory64,
//! multi-memory, extended-const — plus wide arithmetic, custom page sizes and atomics (with
//! single-threaded semantics). What it does not run (shared-everything threads, stack
//! switching, custom descriptors) makes instantiation fail with
//! [`InstantiateError::Unsupported`] naming what was met. Execution is bounded: fuel (one unit
//! per executed op, [`Config::fuel`]), a maximum call depth and value stack, and a maximum memory
//! size. A trap is a [`Trap`] value with a backtrace, never a panic.
//!
//! ```
//! use wasm_tool_lib::interp::{Config, Linker, Store, Val};
//!
//! let wasm = wat::parse_str(r#"(module
//!     (func (export "add") (param i32 i32) (result i32)
//!         (i32.add (local.get 0) (local.get 1))))"#)?;
//! let mut store = Store::new(Config::default());
//! let instance = store.instantiate(&wasm, &Linker::new())?;
//! assert_eq!(store.call(instance, "add", &[Val::I32(2), Val::I32(40)])?, [Val::I32(42)]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod atomic;
mod bulk;
pub mod code;
mod exception;
mod exec;
mod gc;
mod instance;
pub mod memory;
pub mod numeric;
pub mod simd;
pub mod table;
mod threaded;
mod translate;
pub mod trap;
pub mod value;
pub mod wast;

pub use memory::Memory;
pub use table::Table;
pub use trap::{BacktraceFrame, Trap, TrapKind};
pub use value::{FuncType, HeapType, Ref, RefKind, RefType, Val, ValType};

use code::FuncCode;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use wasmparser::WasmFeatures;

/// Limits and settings of a [`Store`].
#[derive(Clone, Debug)]
pub struct Config {
    /// The features modules are validated with. Validating features this interpreter does not run
    /// is harmless: a module that uses them fails with [`InstantiateError::Unsupported`].
    pub features: WasmFeatures,
    /// The instruction budget of every call from the embedder, `None` for unlimited.
    pub fuel: Option<u64>,
    /// The most nested wasm calls.
    pub max_call_depth: u32,
    /// The value stack's size in 64-bit cells (parameters, locals and operands of every frame).
    pub max_stack_cells: u32,
    /// The most pages a memory may have.
    pub max_memory_pages: u32,
    /// The most entries a table may have.
    pub max_table_elements: u32,
    /// The most bytes of GC objects (structs and arrays, 8 bytes a field or element plus 8 an
    /// object) a store may allocate; past it allocation traps. Objects are not collected:
    /// they live until the store is dropped.
    pub max_gc_heap_bytes: u64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            features: WasmFeatures::all(),
            fuel: None,
            max_call_depth: 10_000,
            max_stack_cells: 1 << 20,
            max_memory_pages: 65536,
            max_table_elements: 10_000_000,
            max_gc_heap_bytes: 1 << 30,
        }
    }
}

/// Why a module could not be instantiated.
#[derive(Debug)]
#[non_exhaustive]
pub enum InstantiateError {
    /// The module is malformed or invalid.
    Invalid(crate::Error),
    /// The module uses something this interpreter does not run yet.
    Unsupported(String),
    /// An import is missing or has the wrong type.
    Link(String),
    /// A limit of the [`Config`] was exceeded (a memory or table too large).
    Limit(String),
    /// Initialization (a segment, the start function) trapped.
    Trap(Trap),
}

impl fmt::Display for InstantiateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InstantiateError::Invalid(err) => write!(f, "{err}"),
            InstantiateError::Unsupported(what) => write!(f, "unsupported: {what}"),
            InstantiateError::Link(what) => write!(f, "{what}"),
            InstantiateError::Limit(what) => write!(f, "limit exceeded: {what}"),
            InstantiateError::Trap(trap) => write!(f, "{trap}"),
        }
    }
}

impl std::error::Error for InstantiateError {}

impl From<crate::Error> for InstantiateError {
    fn from(err: crate::Error) -> Self {
        InstantiateError::Invalid(err)
    }
}

impl From<wasmparser::BinaryReaderError> for InstantiateError {
    fn from(err: wasmparser::BinaryReaderError) -> Self {
        InstantiateError::Invalid(err.into())
    }
}

/// A host function: takes the caller's context and the arguments, returns the results or a
/// trap.
pub type HostFunc = Arc<dyn Fn(&mut Caller<'_>, &[Val]) -> Result<Vec<Val>, Trap> + Send + Sync>;

/// What a host function sees of the store while it runs: the memories, and which of them is
/// the calling instance's first memory (the one WASI-style APIs read and write).
pub struct Caller<'a> {
    memories: &'a mut [Memory],
    memory: Option<u32>,
}

impl<'a> Caller<'a> {
    pub(crate) fn new(memories: &'a mut [Memory], memory: Option<u32>) -> Self {
        Caller { memories, memory }
    }

    /// The calling instance's first memory, if it has one.
    pub fn memory(&mut self) -> Option<&mut Memory> {
        let addr = self.memory?;
        self.memories.get_mut(addr as usize)
    }

    /// The store address of the calling instance's first memory, if it has one.
    pub fn memory_addr(&self) -> Option<u32> {
        self.memory
    }

    /// Any memory of the store by its address.
    pub fn memory_at(&mut self, addr: u32) -> Option<&mut Memory> {
        self.memories.get_mut(addr as usize)
    }
}

/// Something an instance exports or a module imports, by its address in the [`Store`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Extern {
    /// A function.
    Func(u32),
    /// A table.
    Table(u32),
    /// A memory.
    Memory(u32),
    /// A global.
    Global(u32),
    /// An exception tag.
    Tag(u32),
}

/// An instance in a [`Store`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Instance(u32);

/// Definitions that imports are resolved against, by module and field name.
#[derive(Clone, Debug, Default)]
pub struct Linker {
    defs: BTreeMap<(String, String), Extern>,
}

impl Linker {
    /// An empty linker.
    pub fn new() -> Self {
        Linker::default()
    }

    /// Defines `module`.`name`.
    pub fn define(&mut self, module: &str, name: &str, item: Extern) {
        self.defs
            .insert((module.to_string(), name.to_string()), item);
    }

    /// Defines every export of `instance` under the module name `module` (the spec scripts'
    /// `register`).
    pub fn define_instance(&mut self, store: &Store, module: &str, instance: Instance) {
        for (name, item) in &store.instances[instance.0 as usize].exports {
            self.define(module, name, *item);
        }
    }

    /// Looks up `module`.`name`.
    pub fn get(&self, module: &str, name: &str) -> Option<Extern> {
        self.defs
            .get(&(module.to_string(), name.to_string()))
            .copied()
    }
}

/// A function in the store.
pub(crate) enum FuncInst {
    /// A translated wasm function.
    Wasm {
        code: FuncCode,
        /// Its instance, for its memory and its names.
        instance: u32,
        /// Its index in its module.
        index: u32,
        sig: u32,
    },
    /// A host function.
    Host { sig: u32, func: HostFunc },
}

/// A global's state.
#[derive(Clone, Debug)]
pub(crate) struct Global {
    pub(crate) ty: ValType,
    pub(crate) mutable: bool,
    /// The value's cells ([`Val::to_slot`]): the low 64 bits for every type but `v128`.
    pub(crate) value: u128,
}

/// What an instance keeps after instantiation.
#[derive(Debug, Default)]
pub(crate) struct InstanceData {
    pub(crate) exports: BTreeMap<String, Extern>,
    pub(crate) memory: Option<u32>,
    pub(crate) names: BTreeMap<u32, String>,
}

/// Owns every function, memory, table, global and instance, and runs calls.
pub struct Store {
    pub(crate) config: Config,
    pub(crate) funcs: Vec<FuncInst>,
    /// Every defined type's function signature by store type id (empty for struct and array
    /// types): the ids are [`Store::types`]'.
    pub(crate) sigs: Vec<FuncType>,
    /// The type registry (GC): every defined type, canonicalized, with its supertypes.
    pub(crate) types: gc::Types,
    /// The GC heap of structs and arrays.
    pub(crate) heap: gc::Heap,
    pub(crate) memories: Vec<Memory>,
    pub(crate) tables: Vec<Table>,
    pub(crate) globals: Vec<Global>,
    /// Element segments as reference cells, by store address; dropped ones are empty.
    pub(crate) elems: Vec<Vec<u64>>,
    /// Data segments' bytes, by store address; dropped (and active) ones are empty.
    pub(crate) datas: Vec<Vec<u8>>,
    pub(crate) instances: Vec<InstanceData>,
    pub(crate) tags: Vec<exception::Tag>,
    pub(crate) exceptions: exception::Exceptions,
    pub(crate) stack: Vec<u64>,
    pub(crate) fuel_left: Option<u64>,
}

impl Store {
    /// An empty store.
    pub fn new(config: Config) -> Self {
        let heap = gc::Heap::new(config.max_gc_heap_bytes);
        Store {
            config,
            funcs: Vec::new(),
            sigs: Vec::new(),
            types: gc::Types::default(),
            heap,
            memories: Vec::new(),
            tables: Vec::new(),
            globals: Vec::new(),
            elems: Vec::new(),
            datas: Vec::new(),
            instances: Vec::new(),
            tags: Vec::new(),
            exceptions: exception::Exceptions::default(),
            stack: Vec::new(),
            fuel_left: None,
        }
    }

    /// The store's configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The fuel left after the last call, when fuel is limited.
    pub fn fuel_left(&self) -> Option<u64> {
        self.fuel_left
    }

    /// The type id of a signature (a final function type alone in its recursion group, as
    /// `(type (func …))` declares it), the same for equal signatures.
    pub(crate) fn intern_sig(&mut self, ty: FuncType) -> u32 {
        self.intern_group(vec![gc::SubType::func(ty)])
    }

    /// Interns a recursion group given as its canonical key ([`gc::types`]); the type id of its
    /// first type (the others follow).
    pub(crate) fn intern_group(&mut self, key: Vec<gc::SubType>) -> u32 {
        let (first, new) = self.types.intern(key);
        if new {
            for id in first..self.types.len() {
                self.sigs.push(match &self.types.get(id).sub.comp {
                    gc::Composite::Func(f) => f.clone(),
                    _ => FuncType::new([], []),
                });
            }
        }
        first
    }

    /// The most precise heap type of a reference's value: `Concrete` with the type of a
    /// function or a GC object (as [`HeapType::Concrete`] ids of this store), `I31`, `Extern`
    /// for a host reference or a value converted by `extern.convert_any`, `Any` for a host
    /// reference converted by `any.convert_extern`, `Exn`; `None` for null.
    pub fn ref_type_of(&self, r: Ref) -> Option<HeapType> {
        if r.is_null() {
            return None;
        }
        Some(gc::dynamic_type(r, &self.heap, &self.funcs))
    }

    /// Whether a reference is a GC struct (`Some(false)`: an array), `None` when it is not an
    /// object.
    pub fn is_struct(&self, r: Ref) -> Option<bool> {
        match self.ref_type_of(r)? {
            HeapType::Concrete(id) if r.kind() == Some(RefKind::Object) => {
                Some(self.types.get(id).kind() == HeapType::Struct)
            }
            _ => None,
        }
    }

    /// Adds a host function.
    pub fn add_host_func(
        &mut self,
        ty: FuncType,
        func: impl Fn(&mut Caller<'_>, &[Val]) -> Result<Vec<Val>, Trap> + Send + Sync + 'static,
    ) -> Extern {
        let sig = self.intern_sig(ty);
        self.funcs.push(FuncInst::Host {
            sig,
            func: Arc::new(func),
        });
        Extern::Func((self.funcs.len() - 1) as u32)
    }

    /// Adds a memory of `min` pages (at most `max`); `None` when `min` passes the store's limit.
    pub fn add_memory(&mut self, min: u32, max: Option<u32>) -> Option<Extern> {
        let memory = Memory::new(min, max, self.config.max_memory_pages)?;
        self.memories.push(memory);
        Some(Extern::Memory((self.memories.len() - 1) as u32))
    }

    /// Adds a shared memory (threads) of `min` pages, at most `max`; `None` when `min` passes
    /// the store's limit.
    pub fn add_shared_memory(&mut self, min: u32, max: u32) -> Option<Extern> {
        let mut memory = Memory::new(min, Some(max), self.config.max_memory_pages)?;
        memory.shared = true;
        self.memories.push(memory);
        Some(Extern::Memory((self.memories.len() - 1) as u32))
    }

    /// Adds a `funcref` table of `min` null entries.
    pub fn add_table(&mut self, min: u32, max: Option<u32>) -> Extern {
        self.tables.push(Table::new(min, max));
        Extern::Table((self.tables.len() - 1) as u32)
    }

    /// Adds a table of `min` entries holding `init`, of element type `ty`, indexed by `i64`
    /// when `table64`.
    pub fn add_table_typed(
        &mut self,
        ty: RefType,
        table64: bool,
        min: u64,
        max: Option<u64>,
        init: Ref,
    ) -> Extern {
        self.tables
            .push(Table::with_type(ty, table64, min, max, init.to_bits()));
        Extern::Table((self.tables.len() - 1) as u32)
    }

    /// A table by its store address.
    pub fn table(&self, table: u32) -> Option<&Table> {
        self.tables.get(table as usize)
    }

    /// A table entry by its store address and index.
    pub fn table_get(&self, table: u32, index: u64) -> Option<Ref> {
        let t = self.tables.get(table as usize)?;
        t.get(index).ok().map(Ref::from_bits)
    }

    /// Sets a table entry; `false` when the table or the index does not exist, or the
    /// reference is not of the table's element type.
    pub fn table_set(&mut self, table: u32, index: u64, value: Ref) -> bool {
        let Some(ty) = self.tables.get(table as usize).map(|t| t.ty) else {
            return false;
        };
        gc::val_fits(
            &self.types,
            &self.heap,
            &self.funcs,
            Val::Ref(value),
            ValType::Ref(ty),
        ) && self.tables[table as usize]
            .set(index, value.to_bits())
            .is_ok()
    }

    /// Adds a global holding `value`.
    pub fn add_global(&mut self, value: Val, mutable: bool) -> Extern {
        self.globals.push(Global {
            ty: value.ty(),
            mutable,
            value: value.to_slot(),
        });
        Extern::Global((self.globals.len() - 1) as u32)
    }

    /// Validates, translates and instantiates a module, resolving its imports with `linker`,
    /// initializing its segments and running its start function.
    pub fn instantiate(
        &mut self,
        wasm: &[u8],
        linker: &Linker,
    ) -> Result<Instance, InstantiateError> {
        instance::instantiate(self, wasm, linker)
    }

    /// An export of an instance.
    pub fn export(&self, instance: Instance, name: &str) -> Option<Extern> {
        self.instances
            .get(instance.0 as usize)?
            .exports
            .get(name)
            .copied()
    }

    /// The exports of an instance, by name in sorted order.
    pub fn exports(&self, instance: Instance) -> impl Iterator<Item = (&str, Extern)> + '_ {
        self.instances
            .get(instance.0 as usize)
            .into_iter()
            .flat_map(|data| {
                data.exports
                    .iter()
                    .map(|(name, item)| (name.as_str(), *item))
            })
    }

    /// The signature of a function by its store address.
    pub fn func_type(&self, func: u32) -> Option<&FuncType> {
        match self.funcs.get(func as usize)? {
            FuncInst::Wasm { sig, .. } | FuncInst::Host { sig, .. } => self.sigs.get(*sig as usize),
        }
    }

    /// Calls the exported function `name` of `instance`.
    pub fn call(&mut self, instance: Instance, name: &str, args: &[Val]) -> Result<Vec<Val>, Trap> {
        match self.export(instance, name) {
            Some(Extern::Func(func)) => self.call_func(func, args),
            _ => Err(Trap::new(TrapKind::BadInvocation(format!(
                "no exported function `{name}`"
            )))),
        }
    }

    /// Calls a function by its store address.
    pub fn call_func(&mut self, func: u32, args: &[Val]) -> Result<Vec<Val>, Trap> {
        exec::invoke(self, func, args)
    }

    /// The value of a global by its store address.
    pub fn global(&self, global: u32) -> Option<Val> {
        let g = self.globals.get(global as usize)?;
        Some(Val::from_slot(g.ty, g.value))
    }

    /// Sets a mutable global; `false` when it does not exist, is immutable or has another type.
    pub fn set_global(&mut self, global: u32, value: Val) -> bool {
        match self.globals.get_mut(global as usize) {
            Some(g)
                if g.mutable && gc::val_fits(&self.types, &self.heap, &self.funcs, value, g.ty) =>
            {
                g.value = value.to_slot();
                true
            }
            _ => false,
        }
    }

    /// The tag (store address) and payload of an exception, such as the one of an uncaught
    /// [`TrapKind::Exception`]; `None` when `exn` is not an exception reference.
    pub fn exception(&self, exn: Ref) -> Option<(u32, Vec<Val>)> {
        if exn.kind() != Some(RefKind::Exn) {
            return None;
        }
        let tag = self.exceptions.tag(exn);
        let sig = self.tags.get(tag as usize)?.sig;
        let payload = self.exceptions.payload(exn);
        Some((
            tag,
            value::vals_from_cells(&self.sigs[sig as usize].params, payload),
        ))
    }

    /// Adds an exception tag whose payload has the types `params`.
    pub fn add_tag(&mut self, params: Vec<ValType>) -> Extern {
        let ty = FuncType::new(params, []);
        let cells = ty.param_cells();
        let sig = self.intern_sig(ty);
        self.tags.push(exception::Tag { sig, cells });
        Extern::Tag((self.tags.len() - 1) as u32)
    }

    /// A memory by its store address.
    pub fn memory(&self, memory: u32) -> Option<&Memory> {
        self.memories.get(memory as usize)
    }

    /// A memory by its store address, writable.
    pub fn memory_mut(&mut self, memory: u32) -> Option<&mut Memory> {
        self.memories.get_mut(memory as usize)
    }
}
