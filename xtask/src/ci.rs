//! `cargo xtask ci`: everything CI checks, in the order a failure is cheapest to find.
//!
//! Formatting, lints (warnings are errors), the corpus download, every test with the corpus
//! required and snapshots never rewritten, the interpreter's tests again in an optimized build,
//! the docs with warnings as errors, and a check that the library and the CLI hold one version
//! of each wasm crate.

use anyhow::{Context, bail};
use std::process::Command;

/// Runs every check; stops at the first failure.
pub fn run() -> anyhow::Result<()> {
    let root = crate::workspace_root();
    step(
        "cargo fmt --check",
        cargo(&["fmt", "--all", "--", "--check"]),
    )?;
    step(
        "cargo clippy",
        cargo(&[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]),
    )?;
    eprintln!("==> cargo xtask corpus");
    crate::corpus::download_all(
        &crate::corpus::default_list_path(),
        &crate::corpus::corpus_dir(),
    )?;
    let mut test = cargo(&["test", "--workspace"]);
    test.env("WASM_TOOL_REQUIRE_CORPUS", "1")
        .env("INSTA_UPDATE", "no");
    step("cargo test", test)?;
    // Optimized builds run the interpreter's register ops as threaded tail calls
    // (`lib/src/interp/threaded.rs`), which debug builds replace by a loop: run the spec
    // suites and the WASI programs that way too.
    step(
        "cargo clippy --release (threaded interpreter)",
        cargo(&[
            "clippy",
            "--release",
            "-p",
            "wasm-tool-lib",
            "--",
            "-D",
            "warnings",
        ]),
    )?;
    step(
        "cargo test --release (interpreter)",
        cargo(&[
            "test",
            "--release",
            "-p",
            "wasm-tool-lib",
            "--test",
            "interp_spec",
            "--test",
            "interp",
        ]),
    )?;
    step(
        "cargo test --release (wasm-tool run)",
        cargo(&["test", "--release", "-p", "wasm-tool", "--test", "run"]),
    )?;
    let mut doc = cargo(&["doc", "--workspace", "--no-deps"]);
    doc.env("RUSTDOCFLAGS", "-D warnings");
    step("cargo doc", doc)?;
    eprintln!("==> one version of each wasm crate");
    let out = cargo(&[
        "tree",
        "--duplicates",
        "--edges",
        "normal",
        "-p",
        "wasm-tool-lib",
        "-p",
        "wasm-tool",
    ])
    .current_dir(&root)
    .output()
    .context("failed to run cargo tree")?;
    let tree = String::from_utf8_lossy(&out.stdout);
    let twice: Vec<&str> = tree
        .lines()
        .filter(|l| l.starts_with("wasm") || l.starts_with("wat ") || l.starts_with("wast "))
        .collect();
    if !out.status.success() || !twice.is_empty() {
        bail!("wasm crates appear in more than one version:\n{tree}");
    }
    eprintln!("==> ci passed");
    Ok(())
}

fn cargo(args: &[&str]) -> Command {
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.args(args).current_dir(crate::workspace_root());
    cmd
}

fn step(name: &str, mut cmd: Command) -> anyhow::Result<()> {
    eprintln!("==> {name}");
    let status = cmd
        .status()
        .with_context(|| format!("failed to start {name}"))?;
    if !status.success() {
        bail!("{name} failed ({status})");
    }
    Ok(())
}
