//! `cargo xtask miri`: runs the interpreter's unit tests under Miri, which checks the `unsafe`
//! of `interp/exec.rs` and `interp/threaded.rs` (unchecked stack-cell, op and memory access)
//! for undefined behaviour on every access the tests make. Miri needs the nightly toolchain with its `miri` and `rust-src`
//! components; without them this says how to install them and fails.

use anyhow::{Context, bail};
use std::process::Command;

/// The tests run under Miri: the interpreter's unit tests (small modules through translation
/// and execution; Miri is about a thousand times slower than native code).
const FILTER: &str = "interp::";

/// Runs the interpreter's unit tests under Miri.
pub fn run() -> anyhow::Result<()> {
    let probe = Command::new("cargo")
        .args(["+nightly", "miri", "--version"])
        .output()
        .context("cannot run cargo")?;
    if !probe.status.success() {
        bail!(
            "Miri is not installed: `rustup toolchain install nightly --component miri rust-src`"
        );
    }
    let status = Command::new("cargo")
        .current_dir(super::workspace_root())
        .args([
            "+nightly",
            "miri",
            "test",
            "-p",
            "wasm-tool-lib",
            "--lib",
            "--",
            FILTER,
        ])
        .status()
        .context("cannot run cargo miri")?;
    if !status.success() {
        bail!("tests failed under Miri ({status})");
    }
    Ok(())
}
