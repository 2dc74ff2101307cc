//! `wasm-tool print`: a binary to the text format.

use crate::io::{InputArg, OutputArg};
use anyhow::Result;
use wasm_tool_lib::print::{DEFAULT_MAX_INDENT, PrintOptions};

/// Print a module or component in the text format (`.wat`).
///
/// Text input is parsed first, so this also normalises hand-written text. Indentation is capped
/// (see `--max-indent`) so that deeply nested code stays readable and small.
#[derive(clap::Parser)]
#[command(after_help = "Examples:
  wasm-tool print app.wasm
  wasm-tool print --skeleton app.wasm | less
  wasm-tool print --fold --name-unnamed app.wasm -o app.wat

Exit status: 0 on success, 1 when the input is malformed (the message names the byte offset and,
inside code, the function), 2 on a usage error.")]
pub struct Opts {
    #[clap(flatten)]
    input: InputArg,
    #[clap(flatten)]
    output: OutputArg,
    /// Print only the outline: function bodies and segment contents are elided.
    #[arg(long)]
    skeleton: bool,
    /// Print instructions in folded (s-expression) form.
    #[arg(long)]
    fold: bool,
    /// Prefix each line with its byte offset in the binary, as a comment.
    #[arg(long)]
    print_offsets: bool,
    /// Give every unnamed item a synthesized name such as `$#func3`.
    #[arg(long)]
    name_unnamed: bool,
    /// Indent lines at most this many levels (two spaces each).
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_INDENT)]
    max_indent: u32,
}

/// Runs the subcommand.
pub fn run(opts: Opts) -> Result<()> {
    let input = opts.input.read_binary()?;
    let print_opts = PrintOptions {
        skeleton: opts.skeleton,
        fold: opts.fold,
        offsets: opts.print_offsets,
        name_unnamed: opts.name_unnamed,
        max_indent: opts.max_indent,
    };
    opts.output.write_with(|out| {
        wasm_tool_lib::print::print(&input.bytes, &print_opts, out).map_err(into_anyhow)
    })
}

/// Unwraps the library error that `print` carries inside an `io::Error`, so the message is the
/// library's own; write errors stay `io::Error`s (so a closed pipe is recognised).
fn into_anyhow(err: std::io::Error) -> anyhow::Error {
    if !err
        .get_ref()
        .is_some_and(|inner| inner.is::<wasm_tool_lib::Error>())
    {
        return err.into();
    }
    match err
        .into_inner()
        .map(|inner| inner.downcast::<wasm_tool_lib::Error>())
    {
        Some(Ok(lib)) => anyhow::Error::new(*lib),
        _ => unreachable!("bug: the inner error was just checked to be ours"),
    }
}
