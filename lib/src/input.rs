//! Recognising what the caller handed us: binary or text, core module or component.
//!
//! Every command accepts `.wat` and `.wasm` alike; the format is decided by content, never by the
//! file name: a binary starts with the `\0asm` magic, anything else is parsed as text.

use crate::{Error, ErrorKind, Result};
use std::borrow::Cow;

/// The 4-byte magic number every WebAssembly binary starts with.
pub const WASM_MAGIC: &[u8; 4] = b"\0asm";

/// Whether `bytes` look like a WebAssembly binary (module or component).
pub fn is_binary(bytes: &[u8]) -> bool {
    bytes.starts_with(WASM_MAGIC)
}

/// Whether `bytes` is a binary component rather than a core module.
pub fn is_component(bytes: &[u8]) -> bool {
    wasmparser::Parser::is_component(bytes)
}

/// Returns the binary form of `bytes`: binaries are borrowed as they are, text is parsed.
///
/// `name` is used in text error messages (usually the file name, or `-` for standard input).
pub fn to_binary<'a>(bytes: &'a [u8], name: &str) -> Result<Cow<'a, [u8]>> {
    if is_binary(bytes) {
        return Ok(Cow::Borrowed(bytes));
    }
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Error::malformed(
            0,
            "empty input: expected a WebAssembly binary or text module",
        ));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        Error::malformed(
            e.valid_up_to() as u64,
            "input is neither a WebAssembly binary (no `\\0asm` magic) nor UTF-8 text",
        )
    })?;
    Ok(Cow::Owned(parse_text(text, name)?))
}

/// Parses the text format into a binary. Errors are one line: `name:line:column: message`.
fn parse_text(text: &str, name: &str) -> Result<Vec<u8>> {
    let error = |e: wast::Error| {
        let (line, column) = e.span().linecol_in(text);
        Error::new(ErrorKind::Text {
            path: name.to_string(),
            line: line + 1,
            column: column + 1,
            message: e.message(),
        })
    };
    let buf = wast::parser::ParseBuffer::new(text).map_err(error)?;
    let mut wat: wast::Wat<'_> = wast::parser::parse(&buf).map_err(error)?;
    let mut wasm = wat.encode().map_err(error)?;
    wasm.shrink_to_fit();
    Ok(wasm)
}

/// Fails with a one-line error when `bytes` is a component and `what` handles modules only.
pub fn ensure_core_module(bytes: &[u8], what: &'static str) -> Result<()> {
    if is_component(bytes) {
        return Err(Error::new(ErrorKind::Component { what }));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_is_borrowed() {
        let bin = b"\0asm\x01\0\0\0";
        assert!(matches!(to_binary(bin, "x").unwrap(), Cow::Borrowed(_)));
    }

    #[test]
    fn text_is_parsed() {
        let bin = to_binary(b"(module (func))", "x").unwrap();
        assert!(is_binary(&bin));
        wasmparser::Validator::new().validate_all(&bin).unwrap();
    }

    #[test]
    fn bad_text_names_line_and_column() {
        let err = to_binary(b"(module\n  (func (i32.bogus)))", "in.wat").unwrap_err();
        let msg = err.to_string();
        assert_eq!(msg, "in.wat:2:10: unknown operator or unexpected token");
        assert!(!msg.contains('\n'));
    }

    #[test]
    fn empty_input_says_so() {
        let err = to_binary(b"  \n", "x").unwrap_err();
        assert!(err.to_string().starts_with("empty input"), "{err}");
    }

    #[test]
    fn non_utf8_non_binary_is_an_error() {
        let err = to_binary(&[0xff, 0xfe, 0x00], "x").unwrap_err();
        assert!(err.to_string().contains("neither a WebAssembly binary"));
    }

    #[test]
    fn component_is_detected() {
        let component = wat::parse_str("(component)").unwrap();
        assert!(is_component(&component));
        let err = ensure_core_module(&component, "strip").unwrap_err();
        assert!(err.to_string().contains("component"), "{err}");
    }
}
