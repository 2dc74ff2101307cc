//! `cargo xtask`: project automation (corpus download, benchmarks, CI).
//!
//! Run it through the alias in `.cargo/config.toml`, which builds it with `--release`:
//! `cargo xtask corpus`, `cargo xtask bench roundtrip [--iters N] [FILTER]`,
//! `cargo xtask bench interp [--iters N] [--filter NAME] [--rebuild]`.

mod bench;
mod bench_interp;
mod bench_size;
mod ci;
mod corpus;
mod miri;

use anyhow::{Context, anyhow, bail};
use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  ci                                      fmt, clippy, corpus, tests, docs: what CI runs
  corpus [--list PATH]                    download the real-world corpus into corpus/
  miri                                    the interpreter's unit tests under Miri (nightly)
  bench roundtrip [--iters N] [FILTER]    time parse+emit on the corpus against baselines
  bench size [--iters N] [FILTER]         size profiler views against twiggy (when installed)
  bench interp [--iters N] [--filter NAME] [--rebuild]
                                          `wasm-tool run` against wasmi and gcc -O2 on the C
                                          programs of testdata/bench, and startup time

environment:
  WASM_TOOL_CORPUS   corpus directory (default: <workspace>/corpus)";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["ci"] => ci::run(),
        ["miri"] => miri::run(),
        ["corpus", rest @ ..] => {
            let list = match rest {
                [] => corpus::default_list_path(),
                ["--list", path] => PathBuf::from(path),
                _ => bail!("bad arguments to `corpus`\n\n{USAGE}"),
            };
            corpus::download_all(&list, &corpus::corpus_dir())
        }
        ["bench", "size", rest @ ..] => {
            let opts = bench::Opts::parse(rest).map_err(|e| anyhow!("{e}\n\n{USAGE}"))?;
            bench_size::size(&opts)
        }
        ["bench", "interp", rest @ ..] => {
            let opts = bench_interp::Opts::parse(rest).map_err(|e| anyhow!("{e}\n\n{USAGE}"))?;
            bench_interp::interp(&opts)
        }
        ["bench", "roundtrip", rest @ ..] => {
            let opts = bench::Opts::parse(rest).map_err(|e| anyhow!("{e}\n\n{USAGE}"))?;
            bench::roundtrip(&opts)
        }
        // Hidden: one measurement in a fresh process, so that its peak RSS is its own.
        ["bench-child", tool, file, iters] => {
            let iters = iters.parse().context("bad iteration count")?;
            bench::child(tool, file.as_ref(), iters)
        }
        ["help" | "--help" | "-h"] => {
            println!("{USAGE}");
            Ok(())
        }
        _ => bail!("unknown or missing command\n\n{USAGE}"),
    }
}

/// The workspace root: the parent of this crate's manifest directory.
fn workspace_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map_or(manifest.clone(), PathBuf::from)
}
