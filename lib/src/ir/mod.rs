//! The module IR. (Stub: replaced by the real IR in a following commit.)

use crate::Result;
use wasm_encoder::reencode::{Reencode, RoundtripReencoder};

/// A parsed core module.
pub struct Module {
    bytes: Vec<u8>,
}

impl Module {
    /// Parses a binary module, copying `bytes`.
    pub fn parse(bytes: &[u8]) -> Result<Module> {
        Self::from_vec(bytes.to_vec())
    }

    /// Parses a binary module, taking ownership of the buffer (no copy).
    pub fn from_vec(bytes: Vec<u8>) -> Result<Module> {
        crate::input::ensure_core_module(&bytes, "the module IR")?;
        Ok(Module { bytes })
    }

    /// Decodes every function body into IR instructions and marks it changed, so that `emit`
    /// re-encodes it instead of copying its original bytes. For benchmarks and tests.
    pub fn touch_all_bodies(&mut self) -> Result<()> {
        Ok(())
    }

    /// Writes the module out as a binary.
    pub fn emit(&self) -> Result<Vec<u8>> {
        let mut module = wasm_encoder::Module::new();
        RoundtripReencoder
            .parse_core_module(&mut module, wasmparser::Parser::new(0), &self.bytes)
            .map_err(|e| match e {
                wasm_encoder::reencode::Error::ParseError(e) => crate::Error::from(e),
                other => crate::Error::malformed(0, other.to_string()),
            })?;
        Ok(module.finish())
    }
}
