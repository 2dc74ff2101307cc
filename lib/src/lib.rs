//! The library behind `wasm-tool`: a module IR with typed ids, parsing and emitting, validation,
//! stripping and inspection. It does no I/O: callers hand it bytes and get bytes or data back.

pub mod error;
pub mod info;
pub mod input;
pub mod ir;

pub use error::{Error, ErrorKind, FuncContext, Result};
pub use ir::Module;
