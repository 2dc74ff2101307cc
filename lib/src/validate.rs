//! Validation of modules and components with [`wasmparser::Validator`], function bodies in
//! parallel.
//!
//! The payloads are walked once, in order, on the calling thread: the validator checks every
//! section and hands back one [`FuncToValidate`] per function body. The bodies are then checked
//! on rayon's pool, and the first failure *in function order* is reported, so the error does not
//! depend on thread count or scheduling. When a section error comes after the code section, the
//! bodies seen so far are checked first: the reported error is always the first one in the file.
//!
//! Components are validated too (with the `component-model` feature on): every core module nested
//! in them is checked the same way. A function in an error message is then numbered within its
//! own core module.
//!
//! An error inside a body names the function, with its name from the module's `name` section when
//! there is one. The name section is read only after a failure, and a malformed one is ignored so
//! that it can never hide the real error.

use crate::{Error, ErrorKind, FuncContext, Result};
use rayon::prelude::*;
use wasmparser::{
    CustomSectionReader, Encoding, FuncToValidate, FuncValidator, FuncValidatorAllocations,
    FunctionBody, Parser, Payload, ValType, ValidPayload, Validator, ValidatorResources,
    WasmFeatures,
};

/// What was validated, for `--verbose` and `--json` output.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ValidationSummary {
    /// Whether the input is a component (otherwise a core module).
    pub component: bool,
    /// Core modules validated: 1 for a module, the nested ones for a component.
    pub modules: usize,
    /// Function bodies validated, over all core modules.
    pub functions: usize,
    /// Size of those function bodies in bytes.
    pub code_bytes: u64,
    /// Size of the whole input in bytes.
    pub bytes: u64,
}

/// A function body waiting to be checked, with the core module it belongs to.
struct Body<'a> {
    /// Index of the core module in [`Walk::name_sections`].
    module: usize,
    func: FuncToValidate<ValidatorResources>,
    body: FunctionBody<'a>,
}

/// Why a body failed: a decoding error or a validation error, both with wasmparser's offset.
enum BodyError {
    Malformed(wasmparser::BinaryReaderError),
    Invalid(wasmparser::BinaryReaderError),
}

/// Validates a module or component in binary form with the given features.
///
/// Returns counts on success. On failure the error is the first one in the file: a malformed
/// section ([`ErrorKind::Binary`]), an invalid section ([`ErrorKind::Invalid`] without a function),
/// or a function body that is malformed ([`ErrorKind::BinaryInFunc`]) or invalid
/// ([`ErrorKind::Invalid`] naming the function).
///
/// ```
/// use wasm_tool_lib::validate::validate;
/// let wasm = wat::parse_str(r#"(module (func $f (result i32) i64.const 0))"#).unwrap();
/// let err = validate(&wasm, wasmparser::WasmFeatures::all()).unwrap_err();
/// assert!(err.to_string().starts_with("func 0 `f` failed to validate: type mismatch"));
/// ```
pub fn validate(bytes: &[u8], features: WasmFeatures) -> Result<ValidationSummary> {
    let mut walk = Walk::default();
    let mut validator = Validator::new_with_features(features);
    let mut parser = Parser::new(0);
    parser.set_features(features);
    let mut failure = None;
    for payload in parser.parse_all(bytes) {
        let payload = match payload {
            Ok(payload) => payload,
            Err(err) => {
                failure.get_or_insert(Error::from(err));
                break;
            }
        };
        walk.track(&payload);
        if failure.is_none() {
            failure = walk.step(&mut validator, &payload).err();
        }
        // After a failure the walk goes on, tracking only the `name` sections, so that a body
        // that fails earlier in the file can still be named.
    }
    if let Some(err) = failure {
        // A body before the failing section may fail too, and it comes first in the file.
        walk.check_bodies()?;
        return Err(err);
    }
    let summary = ValidationSummary {
        component: walk.component,
        modules: walk.name_sections.len(),
        functions: walk.bodies.len(),
        code_bytes: walk
            .bodies
            .iter()
            .map(|b| b.body.range().end - b.body.range().start)
            .sum(),
        bytes: bytes.len() as u64,
    };
    walk.check_bodies()?;
    Ok(summary)
}

/// State gathered while walking the payloads.
#[derive(Default)]
struct Walk<'a> {
    /// Whether the outermost binary is a component.
    component: bool,
    /// One entry per core module, in order: its `name` section, if it has one.
    name_sections: Vec<Option<CustomSectionReader<'a>>>,
    /// The open modules and components, innermost last: the core module's index in
    /// `name_sections`, or `None` for a component.
    open: Vec<Option<usize>>,
    /// The bodies to check, in file order.
    bodies: Vec<Body<'a>>,
}

impl<'a> Walk<'a> {
    /// Follows the nesting of modules and components and records `name` sections.
    fn track(&mut self, payload: &Payload<'a>) {
        match payload {
            Payload::Version { encoding, .. } => {
                let module = match encoding {
                    Encoding::Module => {
                        self.name_sections.push(None);
                        Some(self.name_sections.len() - 1)
                    }
                    Encoding::Component => None,
                };
                if self.open.is_empty() {
                    self.component = module.is_none();
                }
                self.open.push(module);
            }
            Payload::CustomSection(reader) if reader.name() == "name" => {
                if let Some(&Some(module)) = self.open.last() {
                    self.name_sections[module] = Some(reader.clone());
                }
            }
            Payload::End(_) => {
                self.open.pop();
            }
            _ => {}
        }
    }

    /// Validates one payload and keeps the function body it holds, if any.
    fn step(&mut self, validator: &mut Validator, payload: &Payload<'a>) -> Result<()> {
        match validator.payload(payload) {
            Ok(ValidPayload::Func(func, body)) => {
                let Some(&Some(module)) = self.open.last() else {
                    panic!("bug: a function body outside a core module")
                };
                self.bodies.push(Body { module, func, body });
                Ok(())
            }
            Ok(_) => Ok(()),
            Err(source) => Err(Error::new(ErrorKind::Invalid { func: None, source })),
        }
    }

    /// Checks every body gathered so far in parallel and reports the first failure in function
    /// order. The bodies are consumed.
    fn check_bodies(&mut self) -> Result<()> {
        let bodies = std::mem::take(&mut self.bodies);
        let failure = bodies
            .into_par_iter()
            .map_init(FuncValidatorAllocations::default, |allocs, body| {
                let index = body.func.index;
                let mut validator = body.func.into_validator(std::mem::take(allocs));
                let result = check_body(&mut validator, &body.body);
                *allocs = validator.into_allocations();
                result.map_err(|err| (body.module, index, err))
            })
            .find_map_first(|result| result.err());
        let Some((module, index, err)) = failure else {
            return Ok(());
        };
        let func = FuncContext::lookup(index, self.name_sections[module].as_ref());
        Err(Error::new(match err {
            BodyError::Malformed(source) => ErrorKind::BinaryInFunc { func, source },
            BodyError::Invalid(source) => ErrorKind::Invalid {
                func: Some(func),
                source,
            },
        }))
    }
}

/// Checks one body, telling decoding errors from validation errors.
fn check_body(
    validator: &mut FuncValidator<ValidatorResources>,
    body: &FunctionBody<'_>,
) -> Result<(), BodyError> {
    let mut reader = body.get_binary_reader();
    reader.set_features(*validator.features());
    let groups = reader.read_var_u32().map_err(BodyError::Malformed)?;
    for _ in 0..groups {
        let offset = reader.original_position();
        let count: u32 = reader.read().map_err(BodyError::Malformed)?;
        let ty: ValType = reader.read().map_err(BodyError::Malformed)?;
        validator
            .define_locals(offset, count, ty)
            .map_err(BodyError::Invalid)?;
    }
    while !reader.eof() {
        let offset = reader.original_position();
        reader
            .visit_operator(&mut validator.visitor(offset))
            .map_err(BodyError::Malformed)?
            .map_err(BodyError::Invalid)?;
    }
    reader
        .finish_expression(&validator.visitor(reader.original_position()))
        .map_err(BodyError::Malformed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wasm(text: &str) -> Vec<u8> {
        wat::parse_str(text).unwrap()
    }

    fn all() -> WasmFeatures {
        WasmFeatures::all()
    }

    #[test]
    fn valid_module_counts_functions() {
        let bin = wasm("(module (func (result i32) i32.const 1) (func) (func (param i64)))");
        let summary = validate(&bin, all()).unwrap();
        assert_eq!(summary.functions, 3);
        assert_eq!(summary.modules, 1);
        assert!(!summary.component);
        assert_eq!(summary.bytes, bin.len() as u64);
        assert!(summary.code_bytes > 0 && summary.code_bytes < summary.bytes);
    }

    #[test]
    fn invalid_function_is_named() {
        let bin = wasm(
            r#"(module
                (func $ok (result i32) i32.const 0)
                (func $bad (result i32) i64.const 0))"#,
        );
        let err = validate(&bin, all()).unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.starts_with("func 1 `bad` failed to validate: type mismatch"),
            "{msg}"
        );
        assert!(msg.contains("(at offset 0x"), "{msg}");
        match err.kind() {
            ErrorKind::Invalid {
                func: Some(func), ..
            } => {
                assert_eq!(
                    func,
                    &FuncContext {
                        index: 1,
                        name: Some("bad".into())
                    }
                );
            }
            other => panic!("unexpected error kind: {other:?}"),
        }
    }

    #[test]
    fn imports_count_in_the_function_index() {
        let bin = wasm(r#"(module (import "m" "f" (func)) (func (result i32) i64.const 0))"#);
        let msg = validate(&bin, all()).unwrap_err().to_string();
        assert!(msg.starts_with("func 1 failed to validate:"), "{msg}");
    }

    #[test]
    fn first_error_in_function_order() {
        // Many bodies so that they spread over threads; every fifth one is invalid.
        let mut text = String::from("(module");
        for i in 0..200 {
            if i % 5 == 3 {
                text.push_str(&format!("(func $f{i} (result i32) f32.const 0)"));
            } else {
                text.push_str(&format!("(func $f{i} (result i32) i32.const {i})"));
            }
        }
        text.push(')');
        let bin = wasm(&text);
        for _ in 0..5 {
            let msg = validate(&bin, all()).unwrap_err().to_string();
            assert!(msg.starts_with("func 3 `f3` failed"), "{msg}");
        }
    }

    /// Appends a custom section named `name` holding `payload`.
    fn push_name_section(bin: &mut Vec<u8>, payload: &[u8]) {
        let contents = [&b"\x04name"[..], payload].concat();
        bin.push(0);
        bin.push(u8::try_from(contents.len()).unwrap());
        bin.extend_from_slice(&contents);
    }

    #[test]
    fn bad_name_section_does_not_hide_the_error() {
        let text = "(module (func (result i32) i64.const 0))";
        // A function subsection that claims more bytes than there are.
        let mut bin = wasm(text);
        push_name_section(&mut bin, &[0x01, 0x7f, 0x01]);
        let msg = validate(&bin, all()).unwrap_err().to_string();
        assert!(
            msg.starts_with("func 0 failed to validate: type mismatch"),
            "{msg}"
        );
        // A good function subsection naming func 0 `f`, then a broken locals subsection.
        let mut bin = wasm(text);
        push_name_section(
            &mut bin,
            &[0x01, 0x04, 0x01, 0x00, 0x01, b'f', 0x02, 0x7f, 0x00],
        );
        let msg = validate(&bin, all()).unwrap_err().to_string();
        assert!(
            msg.starts_with("func 0 `f` failed to validate: type mismatch"),
            "{msg}"
        );
    }

    #[test]
    fn malformed_input_keeps_the_parser_message() {
        let err = validate(b"\0asm\x02\0\0\0", all()).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::Binary(_)), "{err:?}");
        let msg = err.to_string();
        assert!(
            msg.contains("unknown binary version") && msg.contains("(at offset 0x4)"),
            "{msg}"
        );
        let err = validate(b"not wasm", all()).unwrap_err();
        assert!(err.to_string().contains("magic header"), "{err}");
    }

    #[test]
    fn malformed_body_names_the_function() {
        let mut bin = wasm("(module (func $g i32.const 7 drop))");
        // Replace `drop` (0x1a) by a byte that is no opcode.
        let drop = bin.iter().rposition(|&b| b == 0x1a).unwrap();
        bin[drop] = 0xff;
        let err = validate(&bin, all()).unwrap_err();
        assert!(
            matches!(err.kind(), ErrorKind::BinaryInFunc { .. }),
            "{err:?}"
        );
        let msg = err.to_string();
        assert!(msg.starts_with("in func 0 `g`: "), "{msg}");
    }

    #[test]
    fn every_truncation_is_an_error_not_a_panic() {
        let bin = wasm(
            r#"(module (memory 1) (global $g (mut i32) (i32.const 0))
                 (func $f (export "f") (param i32) (result i32)
                   local.get 0 global.get $g i32.add)
                 (data (i32.const 0) "hello"))"#,
        );
        validate(&bin, all()).unwrap();
        let mut complete = 0;
        for len in 0..bin.len() {
            let prefix = &bin[..len];
            // A cut at a section boundary can leave a valid module: agree with wasmparser's own
            // sequential validator on which prefixes are valid.
            let reference = wasmparser::Validator::new_with_features(all()).validate_all(prefix);
            match validate(prefix, all()) {
                Ok(_) => {
                    assert!(reference.is_ok(), "prefix of {len} bytes accepted");
                    complete += 1;
                }
                Err(err) => {
                    assert!(reference.is_err(), "prefix of {len} bytes rejected: {err}");
                    assert!(err.offset().is_some(), "prefix of {len} bytes: {err}");
                }
            }
        }
        // The empty module (the header alone) and the cuts after the type section, at least.
        assert!((2..10).contains(&complete), "{complete} prefixes valid");
    }

    #[test]
    fn section_error_after_code_reports_the_earlier_body() {
        // The body is invalid and the data segment names a memory that does not exist.
        let bin =
            wasm(r#"(module (func $early (result i32) i64.const 0) (data (i32.const 0) "x"))"#);
        let msg = validate(&bin, all()).unwrap_err().to_string();
        assert!(
            msg.starts_with("func 0 `early` failed to validate"),
            "{msg}"
        );
    }

    #[test]
    fn features_are_respected() {
        let bin = wasm("(module (func (result v128) v128.const i64x2 0 0))");
        validate(&bin, all()).unwrap();
        let msg = validate(&bin, WasmFeatures::WASM1).unwrap_err().to_string();
        assert!(msg.contains("SIMD"), "{msg}");
    }

    #[test]
    fn components_are_validated() {
        let bin = wasm(
            r#"(component
                 (core module (func))
                 (core module (func $inner (result i32) i64.const 0)))"#,
        );
        let msg = validate(&bin, all()).unwrap_err().to_string();
        assert!(
            msg.starts_with("func 0 `inner` failed to validate"),
            "{msg}"
        );
        let ok = wasm("(component (core module (func) (func)) (core module (func)))");
        let summary = validate(&ok, all()).unwrap();
        assert!(summary.component);
        assert_eq!((summary.modules, summary.functions), (2, 3));
    }
}
