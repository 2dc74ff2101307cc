//! The library behind `wasm-tool`: a module IR with typed ids, parsing and emitting, validation,
//! stripping and inspection. It does no I/O: callers hand it bytes and get bytes or data back.
//!
//! ```
//! use wasm_tool_lib::{Module, ir::{FuncId, Instr}};
//!
//! let wasm = wat::parse_str(r#"(module
//!     (func $unused)
//!     (func $answer (export "answer") (result i32) i32.const 42))"#)?;
//! let mut module = Module::parse(&wasm)?;
//!
//! // An unmodified module is written back byte for byte.
//! assert_eq!(module.emit()?, wasm);
//!
//! // Items are addressed by ids that stay valid when other items go away.
//! let unused = FuncId::from_index(0);
//! let answer = FuncId::from_index(1);
//! module.funcs.remove(unused);
//! let body = module.funcs[answer].local_mut().unwrap().instrs_mut()?;
//! assert_eq!(body[0], Instr::I32Const { value: 42 });
//! body[0] = Instr::I32Const { value: 43 };
//!
//! let out = module.emit()?;
//! wasmparser::Validator::new().validate_all(&out)?;
//! assert!(wasmprinter::print_bytes(&out)?.contains("(func $answer (;0;)"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod emit;
pub mod error;
pub mod features;
pub mod info;
pub mod input;
pub mod interp;
pub mod ir;
mod parse;
pub mod print;
pub mod size;
pub mod strip;
pub mod validate;

pub use emit::EmitReport;
pub use error::{Error, ErrorKind, FuncContext, Result};
pub use ir::Module;
