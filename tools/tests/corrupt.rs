//! Truncated and corrupted inputs never crash: every command exits with 0 or 1, and an error is
//! one line starting with `error:`.
//!
//! Seeds are the binaries built from `testdata/cli/*.wat`, a feature-rich module written below,
//! and the real-world corpus when it is present (`corpus/` at the workspace root, or the
//! directory in `$WASM_TOOL_CORPUS`; fetch it with `cargo xtask corpus`). Each seed is cut at
//! every offset in its first 64 bytes and at 200 offsets spread over the rest, and has single
//! bytes flipped at pseudo-random positions from a fixed seed.
//!
//! The bulk of the cases call the library in this process, under `catch_unwind`; a sample runs
//! the real binary for each subcommand, as a user would.

use std::collections::BTreeSet;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::process::Command;
use wasm_tool_lib::print::{PrintOptions, print};
use wasm_tool_lib::strip::{StripOptions, strip};

/// The subcommands run through the binary, and whether each writes output (to `-o`).
const COMMANDS: &[(&[&str], bool)] = &[
    (&["print"], true),
    (&["validate"], false),
    (&["strip"], true),
    (&["info"], false),
    (&["parse"], true),
    (&["size", "top", "--retained"], false),
    (&["size", "report"], true),
];

/// How many mutated inputs per seed go through the binary (each through every command).
const BINARY_CASES_PER_SEED: usize = 20;

/// Inputs larger than this only run in process: printing a large corpus file through the binary
/// hundreds of times would take minutes.
const BINARY_MAX_INPUT: usize = 256 << 10;

/// Bytes of input a seed may feed to one library call in total, to bound the time spent on
/// large corpus files.
const BYTES_PER_SEED: usize = 8 << 20;

/// Exercises many wasm proposals at once, so that corruption hits their decoders too.
const FEATURE_RICH: &str = r#"
(module
  (type $point (struct (field $x (mut i32)) (field $y f64)))
  (type $arr (array (mut i8)))
  (rec (type $node (struct (field (ref null $node)))))
  (import "env" "f" (func $imported (param i32) (result i32)))
  (tag $e (param i32))
  (memory $m32 1 2 shared)
  (memory $m64 i64 1)
  (table $t 2 funcref)
  (global $g (mut i64) (i64.const 0))
  (data (memory $m32) (i32.const 0) "hello")
  (elem (table $t) (i32.const 0) func $simd $gc)
  (func $simd (export "simd") (param v128) (result v128)
    local.get 0
    v128.const i32x4 1 2 3 4
    i32x4.add
    f32x4.splat (f32.const 1.5)
    i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15)
  (func $gc (export "gc") (result i32)
    (struct.new $point (i32.const 1) (f64.const 2))
    struct.get $point $x
    (array.new_default $arr (i32.const 4))
    array.len
    i32.add)
  (func $exceptions (param i32) (result i32)
    block $h (result i32)
      try_table (catch $e $h)
        local.get 0
        throw $e
      end
      i32.const 0
    end)
  (func $atomics (param i32) (result i32)
    (i32.atomic.rmw.add $m32 (local.get 0) (i32.const 1))
    (i64.load $m64 (i64.const 8))
    global.set $g
    (call_indirect $t (param i32) (result i32) (i32.const 3) (i32.const 0))
    i32.add
    (call $imported))
)
"#;

/// A deterministic xorshift generator: the same cases on every run, without a `rand` crate.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

struct Seed {
    name: String,
    wasm: Vec<u8>,
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn seeds() -> Vec<Seed> {
    let mut seeds = vec![Seed {
        name: "feature-rich".into(),
        wasm: wat::parse_str(FEATURE_RICH).expect("the feature-rich module parses"),
    }];
    let mut wats: Vec<PathBuf> = std::fs::read_dir(workspace().join("testdata/cli"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "wat"))
        .collect();
    wats.sort();
    let mut seen = BTreeSet::new();
    for path in wats {
        // Some test inputs are deliberately bad text; help tests are all `(module)`.
        let Ok(wasm) = wat::parse_file(&path) else {
            continue;
        };
        if seen.insert(wasm.clone()) {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            seeds.push(Seed { name, wasm });
        }
    }
    let corpus = std::env::var_os("WASM_TOOL_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("corpus"));
    match std::fs::read_dir(&corpus) {
        Ok(dir) => {
            let mut files: Vec<PathBuf> = dir
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|e| e == "wasm"))
                .collect();
            files.sort();
            for path in files {
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                seeds.push(Seed {
                    name,
                    wasm: std::fs::read(&path).unwrap(),
                });
            }
        }
        Err(_) => println!(
            "corpus absent: run cargo xtask corpus ({})",
            corpus.display()
        ),
    }
    seeds
}

/// A named mutation of a seed.
struct Case {
    what: String,
    bytes: Vec<u8>,
}

fn cases(seed: &Seed, rng: &mut Rng) -> Vec<Case> {
    let len = seed.wasm.len();
    // Large seeds get fewer cases so that each seed costs about the same.
    let budget = (BYTES_PER_SEED / len.max(1)).clamp(2, 200);
    let mut cuts: BTreeSet<usize> = (0..len.min(64)).collect();
    cuts.extend((0..budget).map(|i| i * len / budget));
    let mut out: Vec<Case> = cuts
        .into_iter()
        .map(|at| Case {
            what: format!("cut at {at}"),
            bytes: seed.wasm[..at].to_vec(),
        })
        .collect();
    for _ in 0..budget {
        let at = rng.below(len);
        let flip = 1 + rng.below(255) as u8;
        let mut bytes = seed.wasm.clone();
        bytes[at] ^= flip;
        out.push(Case {
            what: format!("byte {at} xor 0x{flip:02x}"),
            bytes,
        });
    }
    out
}

/// Runs the library entry points on one input; returns a problem, if any.
fn check_in_process(bytes: &[u8]) -> Option<String> {
    let binary_input = bytes.starts_with(b"\0asm");
    let result = catch_unwind(AssertUnwindSafe(|| {
        let mut errors = Vec::new();
        let wasm = match wasm_tool_lib::input::to_binary(bytes, "input") {
            Ok(wasm) => wasm.into_owned(),
            Err(e) => {
                // Text errors give a line and column instead of an offset.
                let offset = if binary_input { e.offset() } else { Some(0) };
                errors.push(("parse", e.to_string(), offset));
                return errors;
            }
        };
        if let Err(e) = print(&wasm, &PrintOptions::default(), &mut std::io::sink()) {
            let e = e
                .into_inner()
                .unwrap()
                .downcast::<wasm_tool_lib::Error>()
                .unwrap();
            errors.push(("print", e.to_string(), e.offset()));
        }
        if let Err(e) = strip(&wasm, &StripOptions::default()) {
            errors.push(("strip", e.to_string(), e.offset()));
        }
        if let Err(e) = wasm_tool_lib::validate::validate(&wasm, wasmparser::WasmFeatures::all()) {
            errors.push(("validate", e.to_string(), e.offset()));
        }
        // The IR reads without validating: a corrupted but well-formed module may refer to
        // items that do not exist, which `emit` reports without an offset. Only panics and
        // multi-line messages are problems here.
        match wasm_tool_lib::Module::parse(&wasm) {
            Ok(mut m) => {
                let emitted = m
                    .emit()
                    .and_then(|_| m.touch_all_bodies())
                    .and_then(|_| m.emit());
                if let Err(e) = emitted {
                    errors.push(("ir", e.to_string(), Some(e.offset().unwrap_or(0))));
                }
            }
            Err(e) if matches!(e.kind(), wasm_tool_lib::ErrorKind::Component { .. }) => {}
            Err(e) => errors.push(("ir", e.to_string(), e.offset())),
        }
        match wasm_tool_lib::size::Profile::new(&wasm) {
            Ok(profile) => {
                let data = wasm_tool_lib::size::report::ReportData::new(&profile, "input");
                let _ = wasm_tool_lib::size::report::render_html(&data);
            }
            Err(e) if matches!(e.kind(), wasm_tool_lib::ErrorKind::Component { .. }) => {}
            Err(e) => errors.push(("size", e.to_string(), e.offset())),
        }
        let _ = wasm_tool_lib::print::func_at(&wasm, (wasm.len() / 2) as u64);
        // The interpreter: instantiate (with a fuel and memory budget, no imports) and call every
        // exported function with zero arguments. Errors and traps are values with one-line
        // messages; only panics and multi-line messages are problems. Large corpus modules
        // would only repeat the translation of megabytes of code per case.
        if wasm.len() <= BINARY_MAX_INPUT {
            interpret(&wasm, &mut errors);
        }
        errors
    }));
    match result {
        Err(panic) => {
            let msg = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            Some(format!("panicked: {msg}"))
        }
        Ok(errors) => errors.into_iter().find_map(|(what, msg, offset)| {
            if msg.contains('\n') {
                Some(format!("{what}: error is not one line: {msg}"))
            } else if offset.is_none() {
                Some(format!("{what}: error has no offset: {msg}"))
            } else {
                None
            }
        }),
    }
}

/// Instantiates `wasm` in the interpreter and calls its exported functions, recording any error
/// whose message is not one line.
fn interpret(wasm: &[u8], errors: &mut Vec<(&'static str, String, Option<u64>)>) {
    use wasm_tool_lib::interp::{Config, Extern, Linker, Store, Val};
    let mut store = Store::new(Config {
        fuel: Some(100_000),
        max_memory_pages: 256,
        max_stack_cells: 1 << 16,
        max_call_depth: 1000,
        ..Config::default()
    });
    let instance = match store.instantiate(wasm, &Linker::new()) {
        Ok(instance) => instance,
        Err(e) => {
            errors.push(("interp", e.to_string(), Some(0)));
            return;
        }
    };
    let funcs: Vec<u32> = store
        .exports(instance)
        .filter_map(|(_, item)| match item {
            Extern::Func(f) => Some(f),
            _ => None,
        })
        .collect();
    for func in funcs {
        let Some(ty) = store.func_type(func) else {
            continue;
        };
        let args: Vec<Val> = ty.params.iter().map(|t| Val::default_for(*t)).collect();
        if let Err(trap) = store.call_func(func, &args) {
            errors.push(("interp", trap.to_string(), Some(0)));
        }
    }
}

/// Runs every subcommand on one input through the binary; returns a problem, if any.
fn check_binary(bytes: &[u8], dir: &Path) -> Option<String> {
    let input = dir.join("input.wasm");
    std::fs::write(&input, bytes).unwrap();
    for &(name, writes) in COMMANDS {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_wasm-tool"));
        cmd.args(name).arg(&input).env_remove("RUST_BACKTRACE");
        if writes {
            cmd.arg("-o").arg(dir.join("out"));
        }
        let output = cmd.output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        match output.status.code() {
            Some(0) => {}
            Some(1) => {
                let one_line = stderr.starts_with("error: ") && stderr.lines().count() == 1;
                if !one_line {
                    return Some(format!(
                        "{}: stderr is not one `error:` line:\n{stderr}",
                        name.join(" ")
                    ));
                }
            }
            status => {
                return Some(format!(
                    "{}: exit status {status:?}\n{stderr}",
                    name.join(" ")
                ));
            }
        }
    }
    None
}

#[test]
fn corrupted_inputs_never_crash() {
    let seeds = seeds();
    let dir = tempfile::tempdir().unwrap();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut failures = Vec::new();
    let (mut library_runs, mut binary_runs) = (0, 0);
    for seed in &seeds {
        let start = std::time::Instant::now();
        let cases = cases(seed, &mut rng);
        for case in &cases {
            library_runs += 1;
            if let Some(problem) = check_in_process(&case.bytes) {
                failures.push(format!("{} ({}): {problem}", seed.name, case.what));
            }
        }
        // A spread-out sample through the binary, always including the shortest cuts.
        let small: Vec<&Case> = cases
            .iter()
            .filter(|c| c.bytes.len() <= BINARY_MAX_INPUT)
            .collect();
        let step = (small.len() / BINARY_CASES_PER_SEED).max(1);
        for case in small.into_iter().step_by(step).take(BINARY_CASES_PER_SEED) {
            binary_runs += 1;
            if let Some(problem) = check_binary(&case.bytes, dir.path()) {
                failures.push(format!("{} ({}): binary: {problem}", seed.name, case.what));
            }
        }
        println!(
            "{}: {} cases in {:.1?}",
            seed.name,
            cases.len(),
            start.elapsed()
        );
    }
    println!(
        "{} seeds, {library_runs} library cases, {binary_runs} binary cases",
        seeds.len()
    );
    assert!(library_runs > 1000, "too few cases: {library_runs}");
    let shown: Vec<_> = failures.iter().take(20).collect();
    assert!(
        failures.is_empty(),
        "{} failure(s), first ones:\n{shown:#?}",
        failures.len()
    );
}

#[test]
fn the_generator_is_deterministic() {
    let seed = Seed {
        name: "x".into(),
        wasm: wat::parse_str(FEATURE_RICH).unwrap(),
    };
    let a: Vec<_> = cases(&seed, &mut Rng(1))
        .into_iter()
        .map(|c| c.bytes)
        .collect();
    let b: Vec<_> = cases(&seed, &mut Rng(1))
        .into_iter()
        .map(|c| c.bytes)
        .collect();
    assert_eq!(a, b);
    assert!(
        a.iter().any(|bytes| bytes.len() == seed.wasm.len()),
        "no flips"
    );
    assert!(a.iter().any(|bytes| bytes.is_empty()), "no cut at 0");
}
