//! `wasm-tool run`: runs a module with the built-in interpreter, as a WASI preview1 command
//! (or calls one export with `--invoke`), following Wasmtime's CLI conventions.

use crate::io::read_path;
use crate::wasi::{Wasi, WasiConfig, WasiCtx};
use anyhow::{Context, Result, anyhow, bail};
use std::fmt;
use std::path::PathBuf;

use wasm_tool_lib::interp::memory::PAGE_SIZE;
use wasm_tool_lib::interp::{
    Config, Extern, Instance, InstantiateError, Linker, Ref, Store, Trap, TrapKind, Val, ValType,
};

/// Run a WebAssembly module with the built-in interpreter.
///
/// The module runs as a WASI preview1 command: its `_initialize` (if a reactor exports it) and
/// then its `_start` are called, with FILE and ARGS as its arguments. It sees only the
/// directories given with `--dir` and the variables given with `--env`; standard input, output
/// and error are its descriptors 0, 1 and 2. With `--invoke NAME`, the export NAME is called
/// instead, ARGS are parsed by its parameter types, and its results are printed one per line.
///
/// A trap prints `error: trap: <kind>` and the wasm backtrace (function names from the name
/// section) on standard error. Options go before FILE: everything after it is passed to the
/// program.
#[derive(clap::Parser)]
#[command(
    override_usage = "wasm-tool run [OPTIONS] <FILE> [ARGS]...",
    after_help = "\
Examples:
  wasm-tool run hello.wasm
  wasm-tool run --dir data::/data wc.wasm /data/book.txt
  wasm-tool run --env HOME=/ --env PATH app.wasm --verbose   # `--verbose` goes to the program
  wasm-tool run --fuel 1000000 --max-memory 64M untrusted.wasm
  wasm-tool run --invoke add math.wat 1 2
  cat app.wasm | wasm-tool run -

Exit status:
  N    the program's own status: `proc_exit(N)`, or 0 when `_start` returns
  1    the module could not be read, validated, linked or run (an unknown import, an
       unsupported feature, a bad `--invoke` argument), or `proc_exit` with a status outside
       WASI's range 0..126
  2    usage error
  134  the program trapped (also out of fuel and call stack exhausted), as with Wasmtime:
       128 + SIGABRT (3 on Windows)"
)]
pub struct Opts {
    /// Call this export instead of running `_start`, with ARGS as its arguments (`i32`/`i64`
    /// in decimal or `0x` hex, floats as decimals, `inf` or `nan`), and print its results.
    #[arg(long, value_name = "NAME")]
    invoke: Option<String>,

    /// Give the program a host directory, seen as GUEST (default: HOST as written). The program
    /// reaches nothing outside its preopened directories: `..`, absolute paths and symlinks
    /// cannot leave them. Repeatable.
    #[arg(long = "dir", value_name = "HOST[::GUEST]")]
    dirs: Vec<String>,

    /// Set an environment variable of the program; `--env NAME` passes the host's value. The
    /// program sees no other variable. Repeatable.
    #[arg(long = "env", value_name = "NAME[=VALUE]")]
    envs: Vec<String>,

    /// Trap with "out of fuel" after this many executed instructions (per call from the
    /// host: `_initialize` and `_start` each get this much).
    #[arg(long, value_name = "N")]
    fuel: Option<u64>,

    /// The most linear memory the program may have, in bytes, with an optional K, M or G
    /// suffix (powers of 1024), rounded down to 64 KiB pages. Growing past it fails as
    /// `memory.grow` does (`malloc` returns NULL); a module whose initial memory is larger
    /// does not start.
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    max_memory: Option<u64>,

    /// The most nested wasm calls; deeper recursion traps with "call stack exhausted".
    #[arg(long, value_name = "N", default_value_t = Config::default().max_call_depth)]
    max_stack: u32,

    /// The module (`.wat` or `.wasm`, detected by content, or `-` for standard input), then the
    /// program's arguments.
    #[arg(
        value_name = "FILE",
        required = true,
        num_args = 1..,
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    file_and_args: Vec<String>,
}

/// How the process should end when it is not an error of ours: the program's exit status, or
/// the trap status. `main` turns it into the process's exit code.
#[derive(Debug)]
pub struct ExitStatus(pub u8);

impl fmt::Display for ExitStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "exit status {}", self.0)
    }
}

impl std::error::Error for ExitStatus {}

/// The exit status of a trap: Wasmtime's, which is that of a process killed by `SIGABRT`.
const TRAP_STATUS: u8 = if cfg!(windows) { 3 } else { 128 + 6 };

/// Parses a byte size: digits with an optional K, M or G suffix (an optional `B` or `iB` may
/// follow).
fn parse_size(text: &str) -> Result<u64, String> {
    let lower = text.trim().to_ascii_lowercase();
    let lower = lower
        .strip_suffix("ib")
        .or_else(|| lower.strip_suffix('b'))
        .unwrap_or(&lower);
    let (digits, shift) = match lower.as_bytes().last() {
        Some(b'k') => (&lower[..lower.len() - 1], 10),
        Some(b'm') => (&lower[..lower.len() - 1], 20),
        Some(b'g') => (&lower[..lower.len() - 1], 30),
        _ => (lower, 0),
    };
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("`{text}` is not a size (bytes, with an optional K, M or G)"))?;
    n.checked_mul(1 << shift)
        .ok_or_else(|| format!("`{text}` is too large"))
}

/// `HOST[::GUEST]`.
fn parse_dir(spec: &str) -> (PathBuf, String) {
    match spec.split_once("::") {
        Some((host, guest)) => (PathBuf::from(host), guest.to_string()),
        None => (PathBuf::from(spec), spec.to_string()),
    }
}

/// `NAME=VALUE`, or `NAME` for the host's value (skipped when the host has none).
fn parse_env(spec: &str) -> Option<(String, String)> {
    match spec.split_once('=') {
        Some((name, value)) => Some((name.to_string(), value.to_string())),
        None => std::env::var(spec).ok().map(|v| (spec.to_string(), v)),
    }
}

/// Runs the subcommand.
pub fn run(opts: Opts) -> Result<()> {
    let (file, args) = opts
        .file_and_args
        .split_first()
        .ok_or_else(|| anyhow!("no module given"))?;
    let input = read_path(std::path::Path::new(file))?;
    let wasm = wasm_tool_lib::input::to_binary(&input.bytes, &input.name)?;

    let mut config = Config {
        fuel: opts.fuel,
        max_call_depth: opts.max_stack.max(1),
        ..Config::default()
    };
    if let Some(bytes) = opts.max_memory {
        let pages = (bytes / PAGE_SIZE as u64).min(u64::from(config.max_memory_pages));
        config.max_memory_pages = pages as u32;
    }

    let mut wasi_config = WasiConfig {
        args: Vec::new(),
        env: opts.envs.iter().filter_map(|e| parse_env(e)).collect(),
        preopens: opts.dirs.iter().map(|d| parse_dir(d)).collect(),
    };
    if opts.invoke.is_none() {
        wasi_config.args.push(file.clone());
        wasi_config.args.extend(args.iter().cloned());
    }
    let ctx = WasiCtx::new(&wasi_config)?;
    let wasi = Wasi::new(ctx);
    let mut store = Store::new(config);
    let mut linker = Linker::new();
    wasi.define(&mut store, &mut linker);

    let outcome = match store.instantiate(&wasm, &linker) {
        Ok(instance) => execute(&mut store, instance, opts.invoke.as_deref(), args),
        Err(InstantiateError::Trap(trap)) => Err(Failure::Trap(trap)),
        Err(InstantiateError::Link(what)) if what.starts_with("unknown import") => {
            Err(Failure::Error(anyhow!(
                "{what} (`run` provides only `wasi_snapshot_preview1`)"
            )))
        }
        Err(err) => Err(Failure::Error(anyhow!("{err}"))),
    };
    // Standard output is flushed before anything is said about the outcome. A reader that
    // went away (`| head`) is not an error, and the program's status still stands.
    let flushed = wasi.flush().or_else(|e| match e.kind() {
        std::io::ErrorKind::BrokenPipe => Ok(()),
        _ => Err(e),
    });
    match outcome {
        Ok(results) => {
            flushed.context("failed to write standard output")?;
            for value in results {
                println!("{}", show(value));
            }
            Ok(())
        }
        Err(Failure::Trap(trap)) => match trap.kind {
            TrapKind::Exit(code) if (0..126).contains(&code) => {
                flushed.context("failed to write standard output")?;
                Err(ExitStatus(code as u8).into())
            }
            TrapKind::Exit(code) => {
                bail!("exit with invalid exit status {code} outside of [0..126)")
            }
            _ => {
                eprint!("{}", report(&trap));
                Err(ExitStatus(TRAP_STATUS).into())
            }
        },
        Err(Failure::Error(err)) => Err(err),
    }
}

/// Why a run did not complete.
enum Failure {
    /// The program trapped or exited.
    Trap(Trap),
    /// Something about the module or the invocation was wrong.
    Error(anyhow::Error),
}

impl From<Trap> for Failure {
    fn from(trap: Trap) -> Self {
        Failure::Trap(trap)
    }
}

/// Calls `_initialize` when exported, then `_start` or the invoked export.
fn execute(
    store: &mut Store,
    instance: Instance,
    invoke: Option<&str>,
    args: &[String],
) -> Result<Vec<Val>, Failure> {
    let has =
        |store: &Store, name: &str| matches!(store.export(instance, name), Some(Extern::Func(_)));
    if has(store, "_initialize") && invoke != Some("_initialize") {
        store.call(instance, "_initialize", &[])?;
    }
    let Some(name) = invoke else {
        if has(store, "_start") {
            store.call(instance, "_start", &[])?;
        }
        return Ok(Vec::new());
    };
    let Some(Extern::Func(func)) = store.export(instance, name) else {
        let funcs: Vec<String> = store
            .exports(instance)
            .filter(|(_, item)| matches!(item, Extern::Func(_)))
            .map(|(name, _)| format!("`{name}`"))
            .collect();
        let known = if funcs.is_empty() {
            "the module exports no function".to_string()
        } else {
            format!("exported functions: {}", funcs.join(", "))
        };
        return Err(Failure::Error(anyhow!(
            "no exported function `{name}` ({known})"
        )));
    };
    let ty = store
        .func_type(func)
        .cloned()
        .ok_or_else(|| Failure::Error(anyhow!("no exported function `{name}`")))?;
    if args.len() != ty.params.len() {
        let types: Vec<String> = ty.params.iter().map(ValType::to_string).collect();
        return Err(Failure::Error(anyhow!(
            "`{name}` takes {} argument(s) ({}), {} given",
            ty.params.len(),
            types.join(" "),
            args.len()
        )));
    }
    let values = args
        .iter()
        .zip(&ty.params)
        .enumerate()
        .map(|(i, (arg, ty))| {
            parse_val(arg, *ty)
                .ok_or_else(|| anyhow!("argument {i} of `{name}`: `{arg}` is not a valid {ty}"))
        })
        .collect::<Result<Vec<_>>>()
        .map_err(Failure::Error)?;
    Ok(store.call_func(func, &values)?)
}

/// An integer in decimal or `0x` hex, optionally negative.
fn parse_int(text: &str) -> Option<i128> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let digits = digits.replace('_', "");
    let value = match digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"))
    {
        Some(hex) => i128::from_str_radix(hex, 16).ok()?,
        None => digits.parse::<i128>().ok()?,
    };
    Some(if negative { -value } else { value })
}

/// Parses an `--invoke` argument as a value of `ty`. Integers may be given signed or
/// unsigned (`4294967295` is the `i32` -1).
fn parse_val(text: &str, ty: ValType) -> Option<Val> {
    Some(match ty {
        ValType::I32 => {
            let v = parse_int(text)?;
            if v < i128::from(i32::MIN) || v > i128::from(u32::MAX) {
                return None;
            }
            Val::I32(v as u32 as i32)
        }
        ValType::I64 => {
            let v = parse_int(text)?;
            if v < i128::from(i64::MIN) || v > i128::from(u64::MAX) {
                return None;
            }
            Val::I64(v as u64 as i64)
        }
        ValType::F32 => Val::f32(text.parse().ok()?),
        ValType::F64 => Val::f64(text.parse().ok()?),
        ValType::V128 => {
            let digits = text.replace('_', "");
            Val::V128(match digits.strip_prefix("0x") {
                Some(hex) => u128::from_str_radix(hex, 16).ok()?,
                None => digits.parse().ok()?,
            })
        }
        // Only the null reference can be written on a command line.
        ValType::Ref(_) if text == "null" => Val::Ref(Ref::NULL),
        ValType::Ref(_) => return None,
    })
}

/// A result as `--invoke` prints it (as Wasmtime does): integers in signed decimal, floats in
/// their shortest decimal form.
fn show(value: Val) -> String {
    match value {
        Val::I32(v) => v.to_string(),
        Val::I64(v) => v.to_string(),
        Val::F32(bits) => f32::from_bits(bits).to_string(),
        Val::F64(bits) => f64::from_bits(bits).to_string(),
        Val::V128(v) => format!("0x{v:032x}"),
        Val::Ref(r) => r.to_string(),
    }
}

/// The innermost frames shown of a long backtrace, and the outermost.
const INNER_FRAMES: usize = 20;
const OUTER_FRAMES: usize = 5;

/// `error: trap: <kind>` and the wasm backtrace, one frame a line, innermost first.
fn report(trap: &Trap) -> String {
    let mut out = format!("error: trap: {}\n", trap.kind.message());
    if trap.backtrace.is_empty() {
        return out;
    }
    out.push_str("wasm backtrace:\n");
    let frames = &trap.backtrace;
    let line = |i: usize| {
        let frame = &frames[i];
        match &frame.name {
            Some(name) => format!("  {i:>4}: func {} `{name}`\n", frame.func_index),
            None => format!("  {i:>4}: func {}\n", frame.func_index),
        }
    };
    if frames.len() <= INNER_FRAMES + OUTER_FRAMES {
        (0..frames.len()).for_each(|i| out.push_str(&line(i)));
    } else {
        (0..INNER_FRAMES).for_each(|i| out.push_str(&line(i)));
        let hidden = frames.len() - INNER_FRAMES - OUTER_FRAMES;
        out.push_str(&format!("        … {hidden} more frames …\n"));
        (frames.len() - OUTER_FRAMES..frames.len()).for_each(|i| out.push_str(&line(i)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("65536"), Ok(65536));
        assert_eq!(parse_size("64K"), Ok(65536));
        assert_eq!(parse_size("2m"), Ok(2 << 20));
        assert_eq!(parse_size("1GiB"), Ok(1 << 30));
        assert_eq!(parse_size("4GB"), Ok(4 << 30));
        assert!(parse_size("lots").is_err());
        assert!(parse_size("99999999999999999999G").is_err());
    }

    #[test]
    fn invoke_arguments() {
        assert_eq!(parse_val("-1", ValType::I32), Some(Val::I32(-1)));
        assert_eq!(parse_val("4294967295", ValType::I32), Some(Val::I32(-1)));
        assert_eq!(parse_val("0x10", ValType::I64), Some(Val::I64(16)));
        assert_eq!(parse_val("4294967296", ValType::I32), None);
        assert_eq!(parse_val("1.5", ValType::F64), Some(Val::f64(1.5)));
        assert_eq!(parse_val("x", ValType::F32), None);
        assert_eq!(show(Val::f32(-0.5)), "-0.5");
        assert_eq!(show(Val::I64(-3)), "-3");
    }

    #[test]
    fn dirs_and_env() {
        assert_eq!(parse_dir("a/b"), (PathBuf::from("a/b"), "a/b".to_string()));
        assert_eq!(
            parse_dir("data::/d"),
            (PathBuf::from("data"), "/d".to_string())
        );
        assert_eq!(parse_env("A=b=c"), Some(("A".into(), "b=c".into())));
    }
}
