//! `wasm-tool wast`: runs WebAssembly spec test scripts with the built-in interpreter.

use crate::io::{FeaturesArg, read_path};
use anyhow::{Context, Result, bail};
use std::path::PathBuf;

use wasm_tool_lib::interp::wast::{Outcome, run_script};

/// Run WebAssembly spec test scripts (`.wast`) with the built-in interpreter.
///
/// Every command of each script is run: modules are instantiated (with the `spectest` host
/// module available), `invoke`/`get` are called, and the assertions (`assert_return` with NaN
/// patterns, `assert_trap`, `assert_exhaustion`, `assert_invalid`, `assert_malformed`,
/// `assert_unlinkable`, `assert_uninstantiable`, `assert_exception`) are checked. Failures are
/// printed with the script's line; each file ends with a `N passed, N failed, N skipped` line
/// and several files with a total. Commands using what the interpreter does not run (e.g.
/// stack switching, shared-everything threads) are skipped, with the reason shown by `-v`.
#[derive(clap::Parser)]
#[command(after_help = "\
Examples:
  wasm-tool wast i32.wast
  wasm-tool wast --features mvp testsuite/*.wast
  wasm-tool wast -v memory.wast        # also list skipped commands and why

Exit status:
  0  every command passed or was skipped
  1  a command failed, or a script could not be read or parsed")]
pub struct Opts {
    /// The scripts to run.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,

    #[clap(flatten)]
    features: FeaturesArg,

    /// Also print each skipped command with its reason.
    #[arg(short, long)]
    verbose: bool,
}

/// Runs the subcommand.
pub fn run(opts: Opts) -> Result<()> {
    let (mut passed, mut failed, mut skipped) = (0, 0, 0);
    for path in &opts.files {
        let input = read_path(path)?;
        let text = String::from_utf8(input.bytes)
            .with_context(|| format!("`{}` is not UTF-8 text", input.name))?;
        let report = run_script(&input.name, &text, opts.features.features)?;
        for command in &report.commands {
            match &command.outcome {
                Outcome::Passed => {}
                Outcome::Failed(why) => println!("{}:{}: FAILED: {why}", input.name, command.line),
                Outcome::Skipped(why) if opts.verbose => {
                    println!("{}:{}: skipped: {why}", input.name, command.line);
                }
                Outcome::Skipped(_) => {}
            }
        }
        println!(
            "{}: {} passed, {} failed, {} skipped",
            input.name,
            report.passed(),
            report.failed(),
            report.skipped()
        );
        passed += report.passed();
        failed += report.failed();
        skipped += report.skipped();
    }
    if opts.files.len() > 1 {
        println!("total: {passed} passed, {failed} failed, {skipped} skipped");
    }
    if failed > 0 {
        bail!("{failed} command(s) failed");
    }
    Ok(())
}
