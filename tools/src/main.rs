//! `wasm-tool`: one binary for the whole suite.
//!
//! Each subcommand lives in `cmd/<name>.rs` with an `Opts` struct (its arguments, whose doc
//! comment is its help) and a `run` function. The `subcommands!` table below is the one list of
//! them, with their aliases.

use anyhow::Result;
use clap::Parser;
use std::io::ErrorKind;
use std::process::ExitCode;

mod cmd;
mod io;
mod wasi;

macro_rules! subcommands {
    ($( $(#[$attr:meta])* ($module:ident, $name:literal $(, alias = $alias:literal)?) )*) => {
        /// A toolkit for WebAssembly binaries.
        #[derive(Parser)]
        #[command(version, about, long_about = None, propagate_version = true)]
        #[command(after_help = "Every command reads `.wat` or `.wasm` (detected by content) from a path, or `-` for standard input.\n\nExit status: 0 on success, 1 on bad input, 2 on a usage error.")]
        enum Command {
            $(
                $(#[$attr])*
                #[command(name = $name $(, alias = $alias)?)]
                #[allow(non_camel_case_types, reason = "variants are named after their modules")]
                $module(cmd::$module::Opts),
            )*
        }

        impl Command {
            fn run(self) -> Result<()> {
                match self {
                    $(Command::$module(opts) => cmd::$module::run(opts),)*
                }
            }
        }
    };
}

subcommands! {
    (parse, "parse", alias = "wat2wasm")
    (print, "print", alias = "wasm2wat")
    (validate, "validate")
    (strip, "strip")
    (info, "info", alias = "objdump")
    (size, "size")
    (run, "run")
    (wast, "wast")
}

fn main() -> ExitCode {
    let command = <Command as Parser>::parse();
    match command.run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            // `run`: the program's own exit status, or a trap already reported.
            if let Some(status) = err.downcast_ref::<cmd::run::ExitStatus>() {
                return ExitCode::from(status.0);
            }
            // One line: the context chain joined with ": ", and any line break inside a
            // message (some wasmparser messages have them) folded into a space.
            let message = format!("{err:#}");
            let message: Vec<&str> = message
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect();
            eprintln!("error: {}", message.join(" "));
            ExitCode::from(1)
        }
    }
}

/// A closed pipe (`wasm-tool print x.wasm | head`) is not an error worth reporting.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain()
        .filter_map(|e| e.downcast_ref::<std::io::Error>())
        .any(|e| e.kind() == ErrorKind::BrokenPipe)
}
