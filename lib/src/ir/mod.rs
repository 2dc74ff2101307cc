//! The module IR: a [`Module`] of items in arenas addressed by typed ids, with function bodies
//! decoded on demand into compact [`Instr`]s.

pub mod bytes;
pub mod func;
pub mod ids;
pub mod instr;
pub mod module;
pub mod names;
pub mod types;

pub use bytes::Bytes;
pub use func::{Func, FuncKind, LocalFunc};
pub use ids::*;
pub use instr::{Instr, MemArg, MemArgTarget};
pub use module::*;
pub use names::Names;
pub use types::*;
