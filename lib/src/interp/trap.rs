//! Traps: how a WebAssembly execution stops abnormally. A [`Trap`] is a value with its
//! [`TrapKind`] and a wasm backtrace, never a panic.

use super::value::Ref;
use std::fmt;

/// Why execution trapped. [`TrapKind::message`] is the spec interpreter's wording, which
/// `assert_trap` in spec test scripts matches by prefix.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TrapKind {
    /// `unreachable` was executed.
    Unreachable,
    /// Integer division or remainder by zero.
    IntegerDivideByZero,
    /// Signed division overflow, or a float→int conversion out of range.
    IntegerOverflow,
    /// A float→int conversion of a NaN.
    InvalidConversionToInteger,
    /// A load or store outside linear memory, or a bulk memory operation out of bounds.
    MemoryOutOfBounds,
    /// An element segment did not fit its table at instantiation.
    TableOutOfBounds,
    /// `call_indirect` with an index outside the table.
    UndefinedElement,
    /// `call_indirect` through a null table entry.
    UninitializedElement,
    /// `call_indirect` to a function of another signature.
    IndirectCallTypeMismatch,
    /// The maximum call depth or value stack size was reached.
    CallStackExhausted,
    /// The fuel (instruction budget) ran out.
    OutOfFuel,
    /// `call_ref` or `return_call_ref` of a null reference.
    NullFunctionReference,
    /// `ref.as_non_null` of a null reference.
    NullReference,
    /// `throw_ref` of a null reference.
    NullExceptionReference,
    /// An exception was thrown and no handler caught it: the exception (see
    /// [`crate::interp::Store::exception`] for its tag and payload).
    Exception(Ref),
    // GC (helper "gc").
    /// `struct.get`/`struct.set` of a null reference.
    NullStructReference,
    /// An array instruction on a null reference.
    NullArrayReference,
    /// `i31.get_s`/`i31.get_u` of a null reference.
    NullI31Reference,
    /// An array index or range outside the array.
    ArrayOutOfBounds,
    /// `ref.cast` of a reference that is not of the target type.
    CastFailure,
    /// An allocation would pass the store's GC heap limit ([`crate::interp::Config`]).
    HeapExhausted,
    /// An invocation from the embedder was wrong: unknown export, wrong argument types.
    BadInvocation(String),
    /// A host function reported an error.
    Host(String),
    /// A host function ended the program with an exit status (WASI's `proc_exit`): not an
    /// error of the program, but it unwinds like a trap.
    Exit(i32),
    /// An atomic access whose address is not a multiple of its width.
    UnalignedAtomic,
    /// `memory.atomic.wait32/64` on a memory that is not shared.
    ExpectedSharedMemory,
    /// `memory.atomic.wait32/64` with no timeout on the value expected: on one thread nothing
    /// could ever wake it.
    WaitForever,
}

impl TrapKind {
    /// The message the spec test suite expects for this trap.
    pub fn message(&self) -> &str {
        match self {
            TrapKind::Unreachable => "unreachable",
            TrapKind::IntegerDivideByZero => "integer divide by zero",
            TrapKind::IntegerOverflow => "integer overflow",
            TrapKind::InvalidConversionToInteger => "invalid conversion to integer",
            TrapKind::MemoryOutOfBounds => "out of bounds memory access",
            TrapKind::TableOutOfBounds => "out of bounds table access",
            TrapKind::UndefinedElement => "undefined element",
            TrapKind::UninitializedElement => "uninitialized element",
            TrapKind::IndirectCallTypeMismatch => "indirect call type mismatch",
            TrapKind::CallStackExhausted => "call stack exhausted",
            TrapKind::OutOfFuel => "out of fuel",
            TrapKind::NullFunctionReference => "null function reference",
            TrapKind::NullReference => "null reference",
            TrapKind::NullExceptionReference => "null exception reference",
            TrapKind::Exception(_) => "uncaught exception",
            TrapKind::NullStructReference => "null structure reference",
            TrapKind::NullArrayReference => "null array reference",
            TrapKind::NullI31Reference => "null i31 reference",
            TrapKind::ArrayOutOfBounds => "out of bounds array access",
            TrapKind::CastFailure => "cast failure",
            TrapKind::HeapExhausted => "out of gc heap memory",
            TrapKind::BadInvocation(message) | TrapKind::Host(message) => message,
            TrapKind::Exit(_) => "exit",
            TrapKind::UnalignedAtomic => "unaligned atomic",
            TrapKind::ExpectedSharedMemory => "expected shared memory",
            TrapKind::WaitForever => "atomic wait without timeout would never end",
        }
    }
}

/// One frame of a trap's backtrace: a function index and its name from the name section.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BacktraceFrame {
    /// The function's index in its module.
    pub func_index: u32,
    /// The function's name, when the module's name section gives one.
    pub name: Option<String>,
}

/// A trap: its kind and the wasm call stack at the time, innermost frame first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trap {
    /// What happened.
    pub kind: TrapKind,
    /// The wasm frames active when it happened, innermost first.
    pub backtrace: Vec<BacktraceFrame>,
}

impl Trap {
    /// A trap with no backtrace.
    pub fn new(kind: TrapKind) -> Self {
        Trap {
            kind,
            backtrace: Vec::new(),
        }
    }
}

impl From<TrapKind> for Trap {
    fn from(kind: TrapKind) -> Self {
        Trap::new(kind)
    }
}

impl fmt::Display for Trap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "trap: {}", self.kind.message())?;
        if !self.backtrace.is_empty() {
            f.write_str(" (in ")?;
            // Deep recursion gives thousands of frames: show the innermost ones.
            const SHOWN: usize = 10;
            for (i, frame) in self.backtrace.iter().take(SHOWN).enumerate() {
                if i > 0 {
                    f.write_str(" <- ")?;
                }
                match &frame.name {
                    Some(name) => write!(f, "func {} `{name}`", frame.func_index)?,
                    None => write!(f, "func {}", frame.func_index)?,
                }
            }
            if self.backtrace.len() > SHOWN {
                write!(f, " <- {} more", self.backtrace.len() - SHOWN)?;
            }
            f.write_str(")")?;
        }
        Ok(())
    }
}

impl std::error::Error for Trap {}
