//! Printing a binary module or component in the text format, streamed to a writer.
//!
//! The text comes from `wasmprinter`; this file adds two things around it. Indentation is capped
//! at [`PrintOptions::max_indent`] levels, because real binaries (Go's, for one) nest blocks
//! thousands deep and would otherwise print megabytes of spaces per line. And errors become our
//! [`Error`], with the function named when the problem is inside a function body.
//!
//! The cap works through `wasmprinter`'s indentation hook: the printer is configured to indent
//! with a control character that its escaping never lets through anywhere else, and the
//! [`wasmprinter::Print`] sink below turns each one into two spaces, up to the cap, counting from
//! the last newline.

use crate::{Error, ErrorKind, FuncContext};
use std::io;
use wasmparser::{BinaryReaderError, Parser, Payload, TypeRef};

/// The default cap on indentation levels.
pub const DEFAULT_MAX_INDENT: u32 = 32;

/// What `wasmprinter` is told to indent with: a control character, which it escapes in every
/// string and name, so that a write of exactly this string is always one level of indentation.
const INDENT_MARK: &str = "\u{1}";

/// One level of indentation in the output.
const INDENT: &str = "  ";

/// How to print.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PrintOptions {
    /// Print only the outline: function bodies and segment contents are elided.
    pub skeleton: bool,
    /// Print instructions in folded (s-expression) form where possible.
    pub fold: bool,
    /// Prefix each line with its byte offset in the binary, as a comment.
    pub offsets: bool,
    /// Give every unnamed item a synthesized name such as `$#func3`.
    pub name_unnamed: bool,
    /// Lines are indented at most this many levels.
    pub max_indent: u32,
}

impl Default for PrintOptions {
    fn default() -> Self {
        PrintOptions {
            skeleton: false,
            fold: false,
            offsets: false,
            name_unnamed: false,
            max_indent: DEFAULT_MAX_INDENT,
        }
    }
}

/// Prints the binary module or component `wasm` as text to `out`.
///
/// Output is streamed: on error, `out` may already hold part of the text. Errors writing to
/// `out` are returned as they are; an error in the binary is returned as an
/// [`io::ErrorKind::InvalidData`] error whose inner error is our [`Error`] (retrieve it with
/// [`io::Error::into_inner`] and `downcast`).
pub fn print(wasm: &[u8], opts: &PrintOptions, out: &mut dyn io::Write) -> io::Result<()> {
    let mut config = wasmprinter::Config::new();
    config
        .print_skeleton(opts.skeleton)
        .fold_instructions(opts.fold)
        .print_offsets(opts.offsets)
        .name_unnamed(opts.name_unnamed)
        .indent_text(INDENT_MARK);
    let mut sink = CappedIndent {
        out,
        max_indent: opts.max_indent,
        level: 0,
        last_offset: None,
    };
    let result = config.print(wasm, &mut sink);
    let last_offset = sink.last_offset;
    match result {
        Ok(()) => Ok(()),
        Err(err) => {
            // Write errors come back as they were raised by the sink.
            let err = match err.downcast::<io::Error>() {
                Ok(io) => return Err(io),
                Err(err) => err,
            };
            let err = match err.downcast::<BinaryReaderError>() {
                Ok(source) => reader_error(wasm, source),
                // The printer's own checks carry no offset. They fail on bad section framing,
                // which the framing walk reports precisely; failing that, point at the last
                // line printed.
                Err(other) => match framing_error(wasm) {
                    Some(framing) => framing,
                    None => Error::malformed(last_offset.unwrap_or(0), format!("{other:#}")),
                },
            };
            Err(io::Error::new(io::ErrorKind::InvalidData, err))
        }
    }
}

/// Our error for a decoding error from the printer, naming the function when it is in a body.
fn reader_error(wasm: &[u8], source: BinaryReaderError) -> Error {
    if source.message().contains('\n') {
        // A few wasmparser messages (a nested module's bad magic number) print arrays over
        // several lines. The framing walk explains those on one line; failing that, squeeze the
        // message.
        if let Some(framing) = framing_error(wasm) {
            return framing;
        }
        let message = source
            .message()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        return Error::malformed(source.offset(), message);
    }
    match func_at(wasm, source.offset()) {
        Some(func) => Error::new(ErrorKind::BinaryInFunc { func, source }),
        None => Error::from(source),
    }
}

/// The first error in the section framing of `wasm`, found by walking it as a strip that removes
/// nothing.
fn framing_error(wasm: &[u8]) -> Option<Error> {
    let keep_all = crate::strip::StripOptions {
        mode: crate::strip::StripMode::None,
        ..Default::default()
    };
    crate::strip::strip(wasm, &keep_all).err()
}

/// A `wasmprinter` sink that caps indentation and forwards everything else to a writer.
struct CappedIndent<'a> {
    out: &'a mut dyn io::Write,
    max_indent: u32,
    /// Indentation levels requested since the last newline.
    level: u32,
    /// The binary offset of the last line that had one.
    last_offset: Option<u64>,
}

impl wasmprinter::Print for CappedIndent<'_> {
    fn write_str(&mut self, s: &str) -> io::Result<()> {
        if s == INDENT_MARK {
            self.level = self.level.saturating_add(1);
            if self.level <= self.max_indent {
                self.out.write_all(INDENT.as_bytes())?;
            }
            return Ok(());
        }
        self.out.write_all(s.as_bytes())
    }

    fn newline(&mut self) -> io::Result<()> {
        self.level = 0;
        self.out.write_all(b"\n")
    }

    fn start_line(&mut self, binary_offset: Option<u64>) {
        if binary_offset.is_some() {
            self.last_offset = binary_offset;
        }
    }
}

/// The function whose body contains `offset` in the core module `wasm`, named from the name
/// section when it has a name. Best effort: anything unreadable yields what was found so far.
pub fn func_at(wasm: &[u8], offset: u64) -> Option<FuncContext> {
    if crate::input::is_component(wasm) {
        return None;
    }
    let mut imported = 0u32;
    let mut index = None;
    let mut body = 0u32;
    for payload in Parser::new(0).parse_all(wasm) {
        let Ok(payload) = payload else { break };
        match payload {
            Payload::ImportSection(reader) => {
                for import in reader.into_imports() {
                    let Ok(import) = import else { break };
                    if matches!(import.ty, TypeRef::Func(_) | TypeRef::FuncExact(_)) {
                        imported += 1;
                    }
                }
            }
            Payload::CodeSectionEntry(entry) => {
                if entry.range().contains(&offset) {
                    index = Some(imported + body);
                }
                body += 1;
            }
            Payload::CustomSection(custom) if custom.name() == "name" => {
                if let Some(index) = index {
                    return Some(FuncContext::lookup(index, Some(&custom)));
                }
            }
            _ => {}
        }
    }
    index.map(|index| FuncContext { index, name: None })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn print_str(wasm: &[u8], opts: &PrintOptions) -> Result<String, Error> {
        let mut out = Vec::new();
        match print(wasm, opts, &mut out) {
            Ok(()) => Ok(String::from_utf8(out).unwrap()),
            Err(e) => Err(*e.into_inner().unwrap().downcast::<Error>().unwrap()),
        }
    }

    #[test]
    fn prints_a_module() {
        let wasm = wat::parse_str(
            "(module (func $add (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))",
        )
        .unwrap();
        let text = print_str(&wasm, &PrintOptions::default()).unwrap();
        assert!(
            text.contains("(func $add (;0;) (type 0) (param i32 i32) (result i32)"),
            "{text}"
        );
        assert!(text.contains("\n    local.get 0\n"), "{text}");
        assert!(!text.contains('\u{1}'));
        // The text parses back to the same binary.
        assert_eq!(wat::parse_str(&text).unwrap(), wasm);
    }

    #[test]
    fn options_reach_the_printer() {
        let wasm =
            wat::parse_str("(module (func (result i32) i32.const 1 i32.const 2 i32.add))").unwrap();
        let folded = print_str(
            &wasm,
            &PrintOptions {
                fold: true,
                ..Default::default()
            },
        )
        .unwrap();
        assert!(folded.contains("(i32.add"), "{folded}");
        let skeleton = print_str(
            &wasm,
            &PrintOptions {
                skeleton: true,
                ..Default::default()
            },
        )
        .unwrap();
        assert!(!skeleton.contains("i32.const"), "{skeleton}");
        let offsets = print_str(
            &wasm,
            &PrintOptions {
                offsets: true,
                ..Default::default()
            },
        )
        .unwrap();
        assert!(offsets.contains("(;@"), "{offsets}");
        let named = print_str(
            &wasm,
            &PrintOptions {
                name_unnamed: true,
                ..Default::default()
            },
        )
        .unwrap();
        assert!(named.contains("$#func0"), "{named}");
    }

    #[test]
    fn indentation_is_capped() {
        let depth = 10_000;
        let text = format!(
            "(module (func {} {}))",
            "block\n".repeat(depth),
            "end\n".repeat(depth)
        );
        let wasm = wat::parse_str(&text).unwrap();
        let opts = PrintOptions {
            max_indent: 5,
            ..Default::default()
        };
        let out = print_str(&wasm, &opts).unwrap();
        let widest = out
            .lines()
            .map(|l| l.len() - l.trim_start().len())
            .max()
            .unwrap();
        assert_eq!(widest, 10);
        assert_eq!(
            out.lines()
                .filter(|l| l.trim_start().starts_with("block"))
                .count(),
            depth
        );
        let out = print_str(&wasm, &PrintOptions::default()).unwrap();
        let widest = out
            .lines()
            .map(|l| l.len() - l.trim_start().len())
            .max()
            .unwrap();
        assert_eq!(widest, 2 * DEFAULT_MAX_INDENT as usize);
        // Without the cap this would be about 100 MB.
        assert!(
            out.len() < 2 * depth * (2 * DEFAULT_MAX_INDENT as usize + 30),
            "{}",
            out.len()
        );
        let folded = print_str(
            &wasm,
            &PrintOptions {
                fold: true,
                ..Default::default()
            },
        )
        .unwrap();
        let widest = folded
            .lines()
            .map(|l| l.len() - l.trim_start().len())
            .max()
            .unwrap();
        assert_eq!(widest, 2 * DEFAULT_MAX_INDENT as usize);
    }

    #[test]
    fn strings_with_control_characters_are_not_mistaken_for_indentation() {
        let wasm = wat::parse_str(
            r#"(module (memory 1) (data (i32.const 0) "\01") (func (export "\01") nop))"#,
        )
        .unwrap();
        let out = print_str(&wasm, &PrintOptions::default()).unwrap();
        assert!(out.contains(r#"(export "\u{1}" (func 0))"#), "{out}");
        assert!(out.contains(r#""\01""#), "{out}");
        assert!(!out.contains('\u{1}'));
    }

    #[test]
    fn errors_in_bodies_name_the_function() {
        let wasm = wat::parse_str(
            "(module (func $first) (func $second (result i32) i32.const 1 i32.const 2 i32.add))",
        )
        .unwrap();
        // Break an opcode inside the second body; the name section is intact.
        let code = wasm
            .windows(3)
            .position(|w| w == [0x41, 0x01, 0x41])
            .unwrap();
        let mut broken = wasm.clone();
        broken[code + 4] = 0xff; // i32.add -> an invalid opcode
        let err = print_str(&broken, &PrintOptions::default()).unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("in func 1 `second`: "), "{msg}");
        assert!(msg.contains("(at offset 0x"), "{msg}");
        assert!(matches!(err.kind(), ErrorKind::BinaryInFunc { .. }));
    }

    #[test]
    fn truncated_input_is_an_error() {
        let wasm =
            wat::parse_str("(module (func (export \"f\") (result i32) i32.const 7))").unwrap();
        for len in 0..wasm.len() {
            let _ = print_str(&wasm[..len], &PrintOptions::default());
        }
        let err = print_str(&wasm[..wasm.len() - 2], &PrintOptions::default()).unwrap_err();
        assert!(err.offset().is_some(), "{err}");
    }

    #[test]
    fn write_errors_come_back_unchanged() {
        struct Full;
        impl io::Write for Full {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::Error::new(io::ErrorKind::BrokenPipe, "closed"))
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let wasm = wat::parse_str("(module)").unwrap();
        let err = print(&wasm, &PrintOptions::default(), &mut Full).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::BrokenPipe);
    }
}
