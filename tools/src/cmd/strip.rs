//! `wasm-tool strip`: remove custom sections.

use crate::io::{InputArg, OutputArg};
use anyhow::Result;
use wasm_tool_lib::strip::{NamePattern, StripMode, StripOptions};

/// Remove custom sections that do not affect behaviour.
///
/// By default this removes debug information (`.debug_*`, `sourceMappingURL`,
/// `external_debug_info`), names (`name`, `component-name`) and `producers`. Every other custom
/// section is kept, including `dylink.0`, `target_features`, `component-type*` and sections this
/// tool does not know. Everything that is kept is copied byte for byte: the output is exactly the
/// input minus the removed sections. Nested modules and components are stripped too.
///
/// A NAME|REGEX pattern matches a section whose name equals it, or which it matches in full as a
/// regular expression. `--keep` wins over `--delete`, which wins over the default selection.
#[derive(clap::Parser)]
#[command(after_help = "Examples:
  wasm-tool strip app.wasm -o app.stripped.wasm
  wasm-tool strip --debug-only app.wasm -o app.wasm
  wasm-tool strip --all --keep target_features -v app.wasm -o out.wasm
  wasm-tool strip --delete 'my-tool\\..*' app.wasm -o out.wasm

Exit status: 0 on success, 1 when the input is malformed, 2 on a usage error.")]
pub struct Opts {
    #[clap(flatten)]
    input: InputArg,
    #[clap(flatten)]
    output: OutputArg,
    /// Remove every custom section except `dylink.0` (which dynamic loaders need).
    #[arg(long, conflicts_with = "debug_only")]
    all: bool,
    /// Remove only debug information: `.debug_*`, `sourceMappingURL`, `external_debug_info`.
    #[arg(long)]
    debug_only: bool,
    /// Keep custom sections matching NAME|REGEX (repeatable); wins over every other option.
    #[arg(long, value_name = "NAME|REGEX")]
    keep: Vec<String>,
    /// Also remove custom sections matching NAME|REGEX (repeatable).
    #[arg(long, value_name = "NAME|REGEX")]
    delete: Vec<String>,
    /// List the removed sections on standard error.
    #[arg(short, long)]
    verbose: bool,
}

/// Runs the subcommand.
pub fn run(opts: Opts) -> Result<()> {
    let mode = if opts.all {
        StripMode::All
    } else if opts.debug_only {
        StripMode::DebugOnly
    } else {
        StripMode::Default
    };
    let patterns = |list: &[String]| {
        list.iter()
            .map(|p| NamePattern::new(p))
            .collect::<Result<Vec<_>, _>>()
    };
    let strip_opts = StripOptions {
        mode,
        keep: patterns(&opts.keep)?,
        delete: patterns(&opts.delete)?,
    };
    let input = opts.input.read_binary()?;
    let stripped = wasm_tool_lib::strip::strip(&input.bytes, &strip_opts)?;
    opts.output.write_binary(&stripped.wasm)?;
    if opts.verbose {
        for removed in &stripped.removed {
            let nested = if removed.depth > 0 {
                " (in a nested module)"
            } else {
                ""
            };
            eprintln!(
                "removed custom section `{}`: {} bytes at offset 0x{:x}{nested}",
                removed.name, removed.size, removed.offset
            );
        }
        let total: u64 = stripped.removed.iter().map(|r| r.size).sum();
        eprintln!(
            "{} bytes -> {} bytes ({} sections, {total} bytes removed)",
            input.bytes.len(),
            stripped.wasm.len(),
            stripped.removed.len()
        );
    }
    Ok(())
}
