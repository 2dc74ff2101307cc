//! `wasm-tool validate`: checks a module or component against the WebAssembly spec.

use crate::io::{FeaturesArg, InputArg};
use anyhow::Result;

use wasm_tool_lib::validate::{ValidationSummary, validate};
use wasm_tool_lib::{Error, ErrorKind};

/// Check that a WebAssembly module or component is valid.
///
/// The input may be binary or text. Sections are checked in order and function bodies in
/// parallel; the first error in the file is reported on one line, with its byte offset and, for
/// an error inside a function, the function's index and name. Nothing is printed on success
/// unless `-v` or `--json` is given.
#[derive(clap::Parser)]
#[command(after_help = "\
Examples:
  wasm-tool validate app.wasm
  wasm-tool validate --features wasm2 app.wasm      # only what WebAssembly 2.0 allows
  wasm-tool validate --features mvp,+simd app.wat   # 1.0 plus SIMD
  wasm-tool validate --features -threads app.wasm   # everything but threads
  cat app.wasm | wasm-tool validate --json -

Exit status:
  0  the input is valid
  1  the input is malformed or invalid (or could not be read)
  2  usage error, such as an unknown feature name")]
pub struct Opts {
    #[clap(flatten)]
    input: InputArg,

    /// Features to enable: comma-separated presets (`mvp`, `wasm2`, `wasm3`, `all`, …) and
    /// feature names, each optionally prefixed with `+` (add) or `-` (remove). A spec starting
    /// with `+` or `-` edits `all`.
    #[clap(flatten)]
    features: FeaturesArg,

    /// On success, print what was validated.
    #[arg(short, long)]
    verbose: bool,

    /// Print the outcome as one JSON object on standard output: `{"valid":true,...}`, or
    /// `{"valid":false,"error":...,"offset":...,"function":...}` (the exit status is still 1, and
    /// the error is also printed on standard error).
    #[arg(long)]
    json: bool,
}

/// Runs the subcommand.
pub fn run(opts: Opts) -> Result<()> {
    let outcome = opts.input.read_binary().and_then(|input| {
        let summary = validate(&input.bytes, opts.features.features)?;
        Ok((input.name, summary))
    });
    match outcome {
        Ok((name, summary)) => {
            if opts.json {
                println!("{}", success_json(&summary));
            } else if opts.verbose {
                println!("{name}: {}", describe(&summary));
            }
            Ok(())
        }
        Err(err) => {
            // A verdict on the input (malformed text or binary, invalid module) goes to JSON
            // too; a file that cannot be read gets no verdict.
            if let (true, Some(lib_err)) = (opts.json, err.downcast_ref::<Error>()) {
                println!("{}", failure_json(lib_err));
            }
            Err(err)
        }
    }
}

/// The `-v` line: what was found valid.
fn describe(summary: &ValidationSummary) -> String {
    let what = if summary.component {
        let plural = if summary.modules == 1 { "" } else { "s" };
        format!(
            "valid component with {} core module{plural}",
            summary.modules
        )
    } else {
        "valid module".to_string()
    };
    let plural = if summary.functions == 1 { "" } else { "s" };
    format!(
        "{what}, {} function{plural} ({} of {} bytes in function bodies)",
        summary.functions, summary.code_bytes, summary.bytes
    )
}

/// `{"valid":true, ...counts}`, with `valid` first.
fn success_json(summary: &ValidationSummary) -> String {
    #[derive(serde::Serialize)]
    struct Success<'a> {
        valid: bool,
        #[serde(flatten)]
        summary: &'a ValidationSummary,
    }
    json(&Success {
        valid: true,
        summary,
    })
}

/// `{"valid":false,"error":...,"offset":...,"function":...}`; `offset` and `function` are
/// `null` when the error has none.
fn failure_json(err: &Error) -> String {
    #[derive(serde::Serialize)]
    struct Failure<'a> {
        valid: bool,
        error: String,
        offset: Option<u64>,
        function: Option<&'a FuncContextJson<'a>>,
    }
    #[derive(serde::Serialize)]
    struct FuncContextJson<'a> {
        index: u32,
        name: Option<&'a str>,
    }
    let func = match err.kind() {
        ErrorKind::Invalid {
            func: Some(func), ..
        }
        | ErrorKind::BinaryInFunc { func, .. } => Some(FuncContextJson {
            index: func.index,
            name: func.name.as_deref(),
        }),
        _ => None,
    };
    json(&Failure {
        valid: false,
        error: err.to_string(),
        offset: err.offset(),
        function: func.as_ref(),
    })
}

/// Serializes a value that cannot fail to serialize.
fn json(value: &impl serde::Serialize) -> String {
    serde_json::to_string(value)
        .unwrap_or_else(|err| panic!("bug: JSON serialization failed: {err}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;
    use wasm_tool_lib::features::WasmFeatures;

    fn opts(args: &[&str]) -> Result<Opts, clap::Error> {
        Opts::try_parse_from(std::iter::once("validate").chain(args.iter().copied()))
    }

    #[test]
    fn features_default_to_all() {
        assert_eq!(
            opts(&["x.wasm"]).unwrap().features.features,
            WasmFeatures::all()
        );
        assert_eq!(
            opts(&["--features", "wasm2", "x.wasm"])
                .unwrap()
                .features
                .features,
            WasmFeatures::WASM2
        );
    }

    #[test]
    fn unknown_feature_is_a_usage_error() {
        let without_all = opts(&["--features", "-simd,-threads", "x.wasm"])
            .unwrap()
            .features
            .features;
        assert!(!without_all.simd() && !without_all.threads() && without_all.gc());
        let err = opts(&["--features", "mvp,+bogus", "x.wasm"]).err().unwrap();
        assert_eq!(err.exit_code(), 2);
        let msg = err.to_string();
        assert!(
            msg.contains("unknown feature `bogus`") && msg.contains("relaxed-simd"),
            "{msg}"
        );
    }

    #[test]
    fn json_for_an_invalid_function() {
        let wasm = wat::parse_str("(module (func $f (result i32) i64.const 0))").unwrap();
        let err = validate(&wasm, WasmFeatures::all()).unwrap_err();
        let json: serde_json::Value = serde_json::from_str(&failure_json(&err)).unwrap();
        assert_eq!(json["valid"], false);
        assert_eq!(json["function"]["index"], 0);
        assert_eq!(json["function"]["name"], "f");
        assert_eq!(json["offset"].as_u64(), err.offset());
        assert!(
            json["error"].as_str().unwrap().contains("type mismatch"),
            "{json}"
        );
    }

    #[test]
    fn json_for_a_valid_module() {
        let wasm = wat::parse_str("(module (func) (func))").unwrap();
        let summary = validate(&wasm, WasmFeatures::all()).unwrap();
        let text = success_json(&summary);
        assert!(text.starts_with(r#"{"valid":true,"#), "{text}");
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(json["valid"], true);
        assert_eq!(json["functions"], 2);
        assert_eq!(json["bytes"].as_u64(), Some(wasm.len() as u64));
        assert_eq!(
            describe(&summary),
            format!(
                "valid module, 2 functions (4 of {} bytes in function bodies)",
                wasm.len()
            )
        );
    }
}
