//! `wasm-tool parse`: the text format to a binary.

use crate::io::{InputArg, OutputArg};
use anyhow::Result;
use std::borrow::Cow;

/// Translate the text format (`.wat`) to a binary module or component.
///
/// Input that is already a binary is written out unchanged, without any check.
#[derive(clap::Parser)]
#[command(after_help = "Examples:
  wasm-tool parse hello.wat -o hello.wasm
  echo '(module)' | wasm-tool parse - > empty.wasm

Exit status: 0 on success, 1 when the text does not parse (the message names file:line:column),
2 on a usage error.")]
pub struct Opts {
    #[clap(flatten)]
    input: InputArg,
    #[clap(flatten)]
    output: OutputArg,
}

/// Runs the subcommand.
pub fn run(opts: Opts) -> Result<()> {
    let input = opts.input.read()?;
    let wasm: Cow<'_, [u8]> = wasm_tool_lib::input::to_binary(&input.bytes, &input.name)?;
    opts.output.write_binary(&wasm)
}
