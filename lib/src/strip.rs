//! Removing custom sections from a module or component without touching anything else.
//!
//! Stripping works on the raw section framing: every section that is kept is copied byte for
//! byte, so the output is exactly the input minus the removed custom sections. Nothing else is
//! decoded, which makes stripping fast and independent of which proposals the module uses.
//! Components are walked recursively: custom sections of nested core modules and components are
//! stripped too, and only their enclosing section sizes are rewritten.
//!
//! What is removed is decided per custom section name by [`StripOptions`]:
//!
//! * [`StripMode::Default`] removes sections that never affect behaviour: DWARF (`.debug_*`),
//!   `sourceMappingURL`, `external_debug_info`, `name`, `component-name` and `producers`. Every
//!   other custom section (`dylink.0`, `target_features`, `component-type*`, `linking`,
//!   `reloc.*`, and sections unknown to us) is kept, because a tool downstream may rely on it.
//! * [`StripMode::DebugOnly`] removes only debug information: `.debug_*`, `sourceMappingURL` and
//!   `external_debug_info`.
//! * [`StripMode::All`] removes every custom section except `dylink.0`, which a dynamic loader
//!   needs to load the module at all.
//!
//! On top of the mode, a section whose name matches a `delete` pattern is removed, and a section
//! whose name matches a `keep` pattern is kept; `keep` wins over everything else.

use crate::{Error, Result, bail};
use wasmparser::BinaryReader;

/// Which custom sections are removed before `keep` and `delete` patterns apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StripMode {
    /// Debug information, names and producers (see the module documentation).
    #[default]
    Default,
    /// Debug information only: `.debug_*`, `sourceMappingURL`, `external_debug_info`.
    DebugOnly,
    /// Every custom section except `dylink.0`.
    All,
    /// No section is removed by the mode; only `delete` patterns remove sections.
    None,
}

/// A section name pattern: a literal name, or a regular expression that must match the whole
/// name.
#[derive(Debug, Clone)]
pub struct NamePattern {
    literal: String,
    regex: regex::Regex,
}

impl NamePattern {
    /// Compiles `pattern`. A name matches when it equals `pattern` or when `pattern`, read as a
    /// regular expression, matches the whole name.
    pub fn new(pattern: &str) -> Result<Self> {
        let regex = regex::Regex::new(&format!("^(?:{pattern})$"))
            .map_err(|_| Error::usage(format!("invalid section name pattern `{pattern}`")))?;
        Ok(NamePattern {
            literal: pattern.to_string(),
            regex,
        })
    }

    /// Whether `name` matches.
    pub fn matches(&self, name: &str) -> bool {
        name == self.literal || self.regex.is_match(name)
    }
}

/// What to strip.
#[derive(Debug, Clone, Default)]
pub struct StripOptions {
    /// The base selection.
    pub mode: StripMode,
    /// Sections matching any of these are kept, whatever the mode and `delete` say.
    pub keep: Vec<NamePattern>,
    /// Sections matching any of these are removed (unless a `keep` pattern matches).
    pub delete: Vec<NamePattern>,
}

impl StripOptions {
    /// Whether the custom section called `name` is removed.
    pub fn removes(&self, name: &str) -> bool {
        if self.keep.iter().any(|p| p.matches(name)) {
            return false;
        }
        if self.delete.iter().any(|p| p.matches(name)) {
            return true;
        }
        match self.mode {
            StripMode::Default => is_debug_info(name) || is_metadata(name),
            StripMode::DebugOnly => is_debug_info(name),
            StripMode::All => name != "dylink.0",
            StripMode::None => false,
        }
    }
}

/// Debug information: DWARF sections and references to external debug data.
fn is_debug_info(name: &str) -> bool {
    name.starts_with(".debug_") || name == "sourceMappingURL" || name == "external_debug_info"
}

/// Metadata that never affects behaviour: names and the producers section.
fn is_metadata(name: &str) -> bool {
    matches!(name, "name" | "component-name" | "producers")
}

/// A custom section that was removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemovedSection {
    /// The section's name.
    pub name: String,
    /// The offset of the section's id byte in the input.
    pub offset: u64,
    /// The section's whole size in the input: id byte, size field and contents.
    pub size: u64,
    /// How many modules or components enclose it (0 at the top level).
    pub depth: u32,
}

/// The result of [`strip`].
#[derive(Debug, Clone)]
pub struct Stripped {
    /// The stripped binary.
    pub wasm: Vec<u8>,
    /// The sections removed, in input order.
    pub removed: Vec<RemovedSection>,
}

/// How deep components may nest modules and components before we give up.
const MAX_NESTING: u32 = 100;

/// Core module section id inside a component.
const COMPONENT_CORE_MODULE_SECTION: u8 = 1;
/// Nested component section id inside a component.
const COMPONENT_COMPONENT_SECTION: u8 = 4;

/// Removes the custom sections `opts` selects from the module or component `wasm`.
///
/// Fails when the header or the section framing is malformed (a truncated section, a bad size, a
/// custom section name that is not UTF-8); the contents of non-custom sections are not checked.
pub fn strip(wasm: &[u8], opts: &StripOptions) -> Result<Stripped> {
    let mut out = Vec::with_capacity(wasm.len());
    let mut removed = Vec::new();
    strip_into(wasm, 0, 0, opts, &mut out, &mut removed)?;
    Ok(Stripped { wasm: out, removed })
}

/// Strips the binary `wasm`, which starts at `offset` in the outermost input, appending the
/// result to `out`.
fn strip_into(
    wasm: &[u8],
    offset: u64,
    depth: u32,
    opts: &StripOptions,
    out: &mut Vec<u8>,
    removed: &mut Vec<RemovedSection>,
) -> Result<()> {
    if depth > MAX_NESTING {
        bail!(
            offset,
            "modules and components nest more than {MAX_NESTING} levels deep"
        );
    }
    let Some(header) = wasm.get(..8) else {
        bail!(
            offset,
            "unexpected end-of-file: a WebAssembly binary starts with an 8-byte header"
        );
    };
    if !crate::input::is_binary(header) {
        bail!(
            offset,
            "magic header not detected: bad magic number (expected `\\0asm`)"
        );
    }
    let component = if wasmparser::Parser::is_core_wasm(header) {
        false
    } else if wasmparser::Parser::is_component(header) {
        true
    } else {
        bail!(
            offset + 4,
            "unknown binary version and encoding: {:02x?}",
            &header[4..8]
        );
    };
    out.extend_from_slice(header);

    let mut reader = BinaryReader::new(&wasm[8..], offset + 8);
    while !reader.eof() {
        let start = reader.original_position();
        let start_in_wasm = reader.current_position();
        let id = reader.read_u8()?;
        let size = reader.read_var_u32()?;
        let contents_offset = reader.original_position();
        if size as usize > reader.bytes_remaining() {
            bail!(
                start,
                "unexpected end-of-file: {} declares {size} bytes but only {} remain",
                section_name(id, component),
                reader.bytes_remaining()
            );
        }
        let contents = reader.read_bytes(size as usize)?;
        let end_in_wasm = reader.current_position();
        let whole = &wasm[8 + start_in_wasm..8 + end_in_wasm];
        match id {
            0 => {
                let name = BinaryReader::new(contents, contents_offset).read_unlimited_string()?;
                if opts.removes(name) {
                    removed.push(RemovedSection {
                        name: name.to_string(),
                        offset: start,
                        size: whole.len() as u64,
                        depth,
                    });
                } else {
                    out.extend_from_slice(whole);
                }
            }
            COMPONENT_CORE_MODULE_SECTION | COMPONENT_COMPONENT_SECTION if component => {
                let mut inner = Vec::with_capacity(contents.len());
                strip_into(
                    contents,
                    contents_offset,
                    depth + 1,
                    opts,
                    &mut inner,
                    removed,
                )?;
                out.push(id);
                write_var_u32(out, inner.len());
                out.extend_from_slice(&inner);
            }
            _ => out.extend_from_slice(whole),
        }
    }
    Ok(())
}

/// Names a section id in messages: `code section (id 10)`.
fn section_name(id: u8, component: bool) -> String {
    const CORE: [&str; 14] = [
        "custom",
        "type",
        "import",
        "function",
        "table",
        "memory",
        "global",
        "export",
        "start",
        "element",
        "code",
        "data",
        "data count",
        "tag",
    ];
    const COMPONENT: [&str; 12] = [
        "custom",
        "core module",
        "core instance",
        "core type",
        "component",
        "instance",
        "alias",
        "type",
        "canonical function",
        "start",
        "import",
        "export",
    ];
    let names: &[&str] = if component { &COMPONENT } else { &CORE };
    match names.get(usize::from(id)) {
        Some(name) => format!("{name} section (id {id})"),
        None => format!("section with unknown id {id}"),
    }
}

/// Appends `value` as an unsigned LEB128 number.
fn write_var_u32(out: &mut Vec<u8>, value: usize) {
    // A nested binary only shrinks, so its size still fits the u32 it was read from.
    let mut value = u32::try_from(value).expect("bug: a stripped section grew past u32::MAX");
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn custom(name: &str, data: &[u8]) -> Vec<u8> {
        let mut contents = Vec::new();
        write_var_u32(&mut contents, name.len());
        contents.extend_from_slice(name.as_bytes());
        contents.extend_from_slice(data);
        let mut section = vec![0];
        write_var_u32(&mut section, contents.len());
        section.extend_from_slice(&contents);
        section
    }

    /// A module with a function (so a type, function and code section) and the given custom
    /// sections after the code section.
    fn module_with(customs: &[&str]) -> Vec<u8> {
        let mut wasm =
            wat::parse_str("(module (func (export \"f\") (result i32) i32.const 7))").unwrap();
        for name in customs {
            wasm.extend_from_slice(&custom(name, b"payload"));
        }
        wasm
    }

    fn names(wasm: &[u8]) -> Vec<String> {
        let mut names = Vec::new();
        for payload in wasmparser::Parser::new(0).parse_all(wasm) {
            if let wasmparser::Payload::CustomSection(c) = payload.unwrap() {
                names.push(c.name().to_string());
            }
        }
        names
    }

    fn opts(mode: StripMode, keep: &[&str], delete: &[&str]) -> StripOptions {
        StripOptions {
            mode,
            keep: keep.iter().map(|p| NamePattern::new(p).unwrap()).collect(),
            delete: delete
                .iter()
                .map(|p| NamePattern::new(p).unwrap())
                .collect(),
        }
    }

    const ALL: &[&str] = &[
        ".debug_info",
        "name",
        "producers",
        "sourceMappingURL",
        "external_debug_info",
        "dylink.0",
        "target_features",
        "component-type:foo",
        "my-section",
    ];

    #[test]
    fn default_removes_debug_info_names_and_producers() {
        let wasm = module_with(ALL);
        let stripped = strip(&wasm, &StripOptions::default()).unwrap();
        assert_eq!(
            names(&stripped.wasm),
            [
                "dylink.0",
                "target_features",
                "component-type:foo",
                "my-section"
            ]
        );
        let removed: Vec<_> = stripped.removed.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(
            removed,
            [
                ".debug_info",
                "name",
                "producers",
                "sourceMappingURL",
                "external_debug_info"
            ]
        );
        wasmparser::Validator::new()
            .validate_all(&stripped.wasm)
            .unwrap();
    }

    #[test]
    fn output_is_input_minus_removed_sections() {
        let base = module_with(&[]);
        let wasm = module_with(&[".debug_line", "keep-me", "name"]);
        let stripped = strip(&wasm, &StripOptions::default()).unwrap();
        let mut expected = base.clone();
        expected.extend_from_slice(&custom("keep-me", b"payload"));
        assert_eq!(stripped.wasm, expected);
        let total: u64 = stripped.removed.iter().map(|r| r.size).sum();
        assert_eq!(total as usize, wasm.len() - expected.len());
        assert_eq!(stripped.removed[0].offset as usize, base.len());
    }

    #[test]
    fn nothing_to_strip_gives_identical_bytes() {
        let wasm = module_with(&["dylink.0", "unknown"]);
        let stripped = strip(&wasm, &StripOptions::default()).unwrap();
        assert_eq!(stripped.wasm, wasm);
        assert!(stripped.removed.is_empty());
    }

    #[test]
    fn debug_only_keeps_names() {
        let stripped = strip(&module_with(ALL), &opts(StripMode::DebugOnly, &[], &[])).unwrap();
        assert_eq!(
            names(&stripped.wasm),
            [
                "name",
                "producers",
                "dylink.0",
                "target_features",
                "component-type:foo",
                "my-section"
            ]
        );
    }

    #[test]
    fn all_keeps_only_dylink() {
        let stripped = strip(&module_with(ALL), &opts(StripMode::All, &[], &[])).unwrap();
        assert_eq!(names(&stripped.wasm), ["dylink.0"]);
    }

    #[test]
    fn keep_wins_over_delete_and_mode() {
        let o = opts(StripMode::All, &["name", "component-type:.*"], &["name"]);
        let stripped = strip(&module_with(ALL), &o).unwrap();
        assert_eq!(
            names(&stripped.wasm),
            ["name", "dylink.0", "component-type:foo"]
        );
    }

    #[test]
    fn delete_patterns_match_whole_names() {
        let o = opts(StripMode::None, &[], &["my", "target_.*", "dylink.0"]);
        let stripped = strip(&module_with(ALL), &o).unwrap();
        let removed: Vec<_> = stripped.removed.iter().map(|r| r.name.as_str()).collect();
        // `my` is not a whole-name match for `my-section`.
        assert_eq!(removed, ["dylink.0", "target_features"]);
    }

    #[test]
    fn literal_names_match_even_with_regex_characters() {
        let p = NamePattern::new("a+b").unwrap();
        assert!(p.matches("a+b"));
        assert!(p.matches("aab"));
        assert!(!p.matches("xa+b"));
        assert!(NamePattern::new("(").is_err());
    }

    #[test]
    fn truncated_input_is_an_error_with_offset() {
        let wasm = module_with(&["name"]);
        for len in 0..wasm.len() {
            match strip(&wasm[..len], &StripOptions::default()) {
                // Cutting exactly between sections leaves a well-framed binary.
                Ok(_) => {}
                Err(e) => assert!(e.offset().is_some(), "{e}"),
            }
        }
        let err = strip(&wasm[..wasm.len() - 1], &StripOptions::default()).unwrap_err();
        assert!(
            err.to_string()
                .contains("custom section (id 0) declares 12 bytes but only 11 remain"),
            "{err}"
        );
        let err = strip(b"\0asm\x02\0\0\0", &StripOptions::default()).unwrap_err();
        assert!(err.to_string().contains("unknown binary version"), "{err}");
    }

    #[test]
    fn components_are_stripped_recursively() {
        let component = wat::parse_str(
            r#"(component
                 (core module (func))
                 (core module)
               )"#,
        )
        .unwrap();
        // Add debug info inside the first core module by rebuilding it by hand.
        let inner = {
            let mut m = wat::parse_str("(module (func))").unwrap();
            m.extend_from_slice(&custom(".debug_info", b"dwarf"));
            m.extend_from_slice(&custom("keep", b"k"));
            m
        };
        let mut wasm = component[..8].to_vec();
        wasm.push(COMPONENT_CORE_MODULE_SECTION);
        write_var_u32(&mut wasm, inner.len());
        wasm.extend_from_slice(&inner);
        wasm.extend_from_slice(&custom("producers", b"p"));
        let stripped = strip(&wasm, &StripOptions::default()).unwrap();
        let removed: Vec<_> = stripped
            .removed
            .iter()
            .map(|r| (r.name.as_str(), r.depth))
            .collect();
        assert_eq!(removed, [(".debug_info", 1), ("producers", 0)]);
        wasmparser::Validator::new()
            .validate_all(&stripped.wasm)
            .unwrap();
        let mut expected_inner = wat::parse_str("(module (func))").unwrap();
        expected_inner.extend_from_slice(&custom("keep", b"k"));
        assert!(
            stripped
                .wasm
                .windows(expected_inner.len())
                .any(|w| w == expected_inner)
        );
        // The original component with its own custom section strips fine too.
        strip(&component, &StripOptions::default()).unwrap();
    }
}
