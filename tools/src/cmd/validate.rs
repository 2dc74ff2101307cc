//! `wasm-tool validate`.

use crate::io::InputArg;
use anyhow::Result;

/// Not implemented yet.
#[derive(clap::Parser)]
pub struct Opts {
    #[clap(flatten)]
    input: InputArg,
}

/// Runs the subcommand.
pub fn run(opts: Opts) -> Result<()> {
    let _ = opts.input.read()?;
    anyhow::bail!("`validate` is not implemented yet")
}
