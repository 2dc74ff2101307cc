//! Round-trips every module of the real-world corpus (`cargo xtask corpus`) through the IR.
//!
//! For each module: parse + emit without changes must give the input bytes back exactly; and
//! after `touch_all_bodies` (every body decoded and re-encoded) the output must validate with
//! all features on, keep the function count and the export list, and be the input byte for
//! byte when the input is canonically encoded. Modules run in parallel;
//! a failure names the module.

mod support;

use rayon::prelude::*;
use std::time::Instant;
use wasm_tool_lib::Module;
use wasmparser::{ExternalKind, Parser, Payload, TypeRef, Validator, WasmFeatures};

/// What must survive a round-trip unchanged.
#[derive(Debug, PartialEq, Eq)]
struct Summary {
    imported_funcs: u32,
    defined_funcs: u32,
    exports: Vec<(String, ExternalKind, u32)>,
}

fn summarize(bytes: &[u8]) -> Result<Summary, String> {
    let mut summary = Summary {
        imported_funcs: 0,
        defined_funcs: 0,
        exports: Vec::new(),
    };
    for payload in Parser::new(0).parse_all(bytes) {
        match payload.map_err(|e| format!("summary: {e}"))? {
            Payload::ImportSection(reader) => {
                for import in reader.into_imports() {
                    let import = import.map_err(|e| format!("summary: {e}"))?;
                    if matches!(import.ty, TypeRef::Func(_) | TypeRef::FuncExact(_)) {
                        summary.imported_funcs += 1;
                    }
                }
            }
            Payload::FunctionSection(reader) => summary.defined_funcs = reader.count(),
            Payload::ExportSection(reader) => {
                for export in reader {
                    let export = export.map_err(|e| format!("summary: {e}"))?;
                    summary
                        .exports
                        .push((export.name.to_owned(), export.kind, export.index));
                }
            }
            _ => {}
        }
    }
    Ok(summary)
}

/// The first offset where `a` and `b` differ.
fn first_difference(a: &[u8], b: &[u8]) -> usize {
    a.iter()
        .zip(b)
        .position(|(x, y)| x != y)
        .unwrap_or(a.len().min(b.len()))
}

/// Names the section of `bytes` that holds `offset`, for error messages.
fn section_at(bytes: &[u8], offset: usize) -> String {
    let offset = u64::try_from(offset).unwrap_or(u64::MAX);
    for payload in Parser::new(0).parse_all(bytes) {
        let Ok(payload) = payload else { break };
        if let Payload::CustomSection(reader) = &payload
            && reader.range().contains(&offset)
        {
            return format!("custom section `{}`", reader.name());
        }
        // The range excludes the section header (id and size, at most 6 bytes).
        if let Some((id, range)) = payload.as_section()
            && range.start.saturating_sub(6) <= offset
            && offset < range.end
        {
            return format!("section id {id}");
        }
    }
    "no section".to_owned()
}

/// Whether wasm-encoder's `RoundtripReencoder` gives `bytes` back exactly.
fn is_canonical(bytes: &[u8]) -> bool {
    use wasm_encoder::reencode::{Reencode, RoundtripReencoder};
    let mut module = wasm_encoder::Module::new();
    RoundtripReencoder
        .parse_core_module(&mut module, Parser::new(0), bytes)
        .is_ok()
        && module.finish() == bytes
}

fn check(bytes: &[u8]) -> Result<(), String> {
    let original = summarize(bytes)?;

    let lazy = Module::from_vec(bytes.to_vec())
        .and_then(|m| m.emit())
        .map_err(|e| format!("lazy parse+emit: {e}"))?;
    if lazy != bytes {
        return Err(format!(
            "lazy parse+emit changed the bytes: first difference at offset 0x{:x} in {} (input {} bytes, output {} bytes)",
            first_difference(bytes, &lazy),
            section_at(bytes, first_difference(bytes, &lazy)),
            bytes.len(),
            lazy.len()
        ));
    }
    drop(lazy);

    let mut module = Module::from_vec(bytes.to_vec()).map_err(|e| format!("parse: {e}"))?;
    module
        .touch_all_bodies()
        .map_err(|e| format!("touch_all_bodies: {e}"))?;
    let full = module.emit().map_err(|e| format!("full emit: {e}"))?;
    drop(module);
    // Re-encoding every body reproduces the input exactly when the input's encoding is
    // canonical (wasm-encoder's reencoder gives it back): then nothing at all may differ.
    if full != bytes && is_canonical(bytes) {
        let at = first_difference(bytes, &full);
        return Err(format!(
            "re-encoding every body changed a canonical module: first difference at offset 0x{at:x} in {}",
            section_at(bytes, at)
        ));
    }
    Validator::new_with_features(WasmFeatures::all())
        .validate_all(&full)
        .map_err(|e| format!("full emit output does not validate: {e}"))?;
    let after = summarize(&full)?;
    if after.imported_funcs != original.imported_funcs
        || after.defined_funcs != original.defined_funcs
    {
        return Err(format!(
            "full emit changed the function count: {}+{} before, {}+{} after (imported+defined)",
            original.imported_funcs,
            original.defined_funcs,
            after.imported_funcs,
            after.defined_funcs
        ));
    }
    if after.exports != original.exports {
        let i = original
            .exports
            .iter()
            .zip(&after.exports)
            .position(|(a, b)| a != b);
        return Err(format!(
            "full emit changed the exports ({} before, {} after; first difference: {:?} vs {:?})",
            original.exports.len(),
            after.exports.len(),
            i.map(|i| &original.exports[i]),
            i.map(|i| &after.exports[i]),
        ));
    }
    Ok(())
}

#[test]
fn corpus_roundtrips() {
    let Some(modules) = support::corpus_modules() else {
        return;
    };
    let results: Vec<(String, Result<(), String>)> = modules
        .par_iter()
        .map(|m| {
            let start = Instant::now();
            let result = std::fs::read(&m.path)
                .map_err(|e| format!("cannot read {}: {e}", m.path.display()))
                .and_then(|bytes| check(&bytes));
            eprintln!(
                "{:<20} {:>8.2?}  {}",
                m.name,
                start.elapsed(),
                if result.is_ok() { "ok" } else { "FAILED" }
            );
            (m.name.clone(), result)
        })
        .collect();
    let failures: Vec<String> = results
        .into_iter()
        .filter_map(|(name, result)| result.err().map(|e| format!("{name}: {e}")))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} corpus modules failed:\n  {}",
        failures.len(),
        modules.len(),
        failures.join("\n  ")
    );
}
