//! CLI golden tests: every `testdata/cli/*.wat` runs `wasm-tool` as its leading comments say, and
//! the output is compared with `<name>.stdout` and `<name>.stderr` beside it.
//!
//! Directives, in the comment lines at the top of a file (see `testdata/cli/readme.wat`):
//!
//! * `;; RUN: <args>` expects exit status 0, `;; FAIL: <args>` expects 1, `;; USAGE: <args>`
//!   expects 2, `;; TRAP: <args>` expects 134 (`run` when the program traps). Several
//!   directives run in order and share one temporary directory.
//! * In the arguments, `%` is the `.wat` file (tests run in `testdata/cli`, so paths in messages
//!   are stable), `%.wasm` is a binary made from it, `%.cut-N.wasm` is that binary cut to its
//!   first N bytes, and `%t` is the temporary directory, also shown as `%t` in the output.
//! * A final `< FILE` feeds FILE (after the substitutions above) to standard input.
//!
//! Output that is not UTF-8 (a binary) is shown as a hex dump. With several directives, each
//! command's output is headed by `$ wasm-tool <args>`. `BLESS=1 cargo test -p wasm-tool --test
//! cli` rewrites the goldens; review them with `git diff`.
//!
//! The other tests here check what goldens cannot show: files left behind after a failure.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/cli")
}

fn wasm_tool() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_wasm-tool"));
    // Help text wraps at the terminal width: pin it.
    cmd.env("COLUMNS", "100").env_remove("RUST_BACKTRACE");
    cmd
}

/// One `RUN`/`FAIL`/`USAGE` line.
struct Directive {
    expected_status: i32,
    args: String,
}

fn directives(text: &str) -> Vec<Directive> {
    let mut out = Vec::new();
    for line in text.lines() {
        let Some(comment) = line.trim_start().strip_prefix(";;") else {
            break;
        };
        let comment = comment.trim();
        for (prefix, expected_status) in [("RUN:", 0), ("FAIL:", 1), ("USAGE:", 2), ("TRAP:", 134)]
        {
            if let Some(args) = comment.strip_prefix(prefix) {
                out.push(Directive {
                    expected_status,
                    args: args.trim().to_string(),
                });
            }
        }
    }
    out
}

/// Splits on whitespace, honouring single and double quotes.
fn split_args(args: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote = None;
    let mut in_word = false;
    for c in args.chars() {
        match (quote, c) {
            (None, '\'' | '"') => {
                quote = Some(c);
                in_word = true;
            }
            (Some(q), c) if c == q => quote = None,
            (None, c) if c.is_whitespace() => {
                if in_word {
                    out.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            (_, c) => {
                cur.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        out.push(cur);
    }
    out
}

/// Replaces `%t`, `%.wasm`, `%.cut-N.wasm` and `%` in one argument, creating binaries as needed.
fn substitute(arg: &str, wat: &Path, tmp: &Path) -> String {
    let stem = wat.file_stem().unwrap().to_str().unwrap();
    let wat_name = wat.file_name().unwrap().to_str().unwrap();
    let mut arg = arg.replace("%t", &tmp.display().to_string());
    if arg.contains("%.wasm") || arg.contains("%.cut-") {
        let full = tmp.join(format!("{stem}.wasm"));
        if !full.exists() {
            let wasm = wat::parse_file(wat).unwrap_or_else(|e| panic!("{e}"));
            std::fs::write(&full, wasm).unwrap();
        }
        arg = arg.replace("%.wasm", &full.display().to_string());
        while let Some(start) = arg.find("%.cut-") {
            let rest = &arg[start + "%.cut-".len()..];
            let digits = rest.find(".wasm").expect("`%.cut-N.wasm`");
            let len: usize = rest[..digits]
                .parse()
                .expect("`%.cut-N.wasm` with a number");
            let cut = tmp.join(format!("{stem}.cut-{len}.wasm"));
            let bytes = std::fs::read(&full).unwrap();
            std::fs::write(&cut, &bytes[..len.min(bytes.len())]).unwrap();
            let end = start + "%.cut-".len() + digits + ".wasm".len();
            arg.replace_range(start..end, &cut.display().to_string());
        }
    }
    arg.replace('%', wat_name)
}

/// Shows bytes as text, or as a hex dump when they are a binary module or not UTF-8.
fn render(bytes: &[u8]) -> String {
    if let (false, Ok(text)) = (bytes.starts_with(b"\0asm"), std::str::from_utf8(bytes)) {
        return text.to_string();
    }
    let mut out = format!("binary output, {} bytes:\n", bytes.len());
    for (i, chunk) in bytes.chunks(16).enumerate() {
        let hex: Vec<_> = chunk.iter().map(|b| format!("{b:02x}")).collect();
        writeln!(out, "{:06x}: {}", i * 16, hex.join(" ")).unwrap();
    }
    out
}

/// Runs one test file; returns a description of each mismatch.
fn run_file(wat: &Path, bless: bool) -> Vec<String> {
    let text = std::fs::read_to_string(wat).unwrap();
    let directives = directives(&text);
    let name = wat.file_name().unwrap().to_string_lossy().to_string();
    if directives.is_empty() {
        return vec![format!(
            "{name}: no `;; RUN:`, `;; FAIL:`, `;; USAGE:` or `;; TRAP:` directive"
        )];
    }
    let tmp = tempfile::tempdir().unwrap();
    let tmp_str = tmp.path().display().to_string();
    let mut failures = Vec::new();
    let (mut stdout, mut stderr) = (String::new(), String::new());
    for d in &directives {
        let mut args: Vec<String> = split_args(&d.args)
            .iter()
            .map(|a| substitute(a, wat, tmp.path()))
            .collect();
        let mut stdin = Stdio::null();
        if args.len() >= 2 && args[args.len() - 2] == "<" {
            let file = args.pop().unwrap();
            args.pop();
            stdin = Stdio::from(std::fs::File::open(testdata().join(&file)).unwrap());
        }
        let output = wasm_tool()
            .args(&args)
            .current_dir(testdata())
            .stdin(stdin)
            .output()
            .unwrap();
        let status = output.status.code();
        if status != Some(d.expected_status) {
            failures.push(format!(
                "{name}: `wasm-tool {}` exited with {status:?}, expected {}\nstderr:\n{}",
                d.args,
                d.expected_status,
                String::from_utf8_lossy(&output.stderr)
            ));
        }
        if directives.len() > 1 {
            let header = format!("$ wasm-tool {}\n", d.args);
            stdout.push_str(&header);
            stderr.push_str(&header);
        }
        stdout.push_str(&render(&output.stdout).replace(&tmp_str, "%t"));
        stderr.push_str(&render(&output.stderr).replace(&tmp_str, "%t"));
    }
    for (ext, actual) in [("stdout", &stdout), ("stderr", &stderr)] {
        let golden = wat.with_extension(ext);
        if bless {
            if actual.is_empty() {
                let _ = std::fs::remove_file(&golden);
            } else {
                std::fs::write(&golden, actual).unwrap();
            }
            continue;
        }
        let expected = std::fs::read_to_string(&golden).unwrap_or_default();
        if expected != *actual {
            failures.push(format!(
                "{name}: {ext} differs from {} (BLESS=1 to update)\n--- expected\n{expected}\n+++ actual\n{actual}",
                golden.file_name().unwrap().to_string_lossy()
            ));
        }
    }
    failures
}

#[test]
fn verify_cli() {
    let bless = std::env::var_os("BLESS").is_some_and(|v| v != "0");
    let mut files: Vec<PathBuf> = std::fs::read_dir(testdata())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "wat"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 10,
        "testdata/cli holds too few tests: {}",
        files.len()
    );
    let failures: Vec<String> = files.iter().flat_map(|f| run_file(f, bless)).collect();
    assert!(
        failures.is_empty(),
        "{} failure(s):\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn every_subcommand_has_a_help_golden() {
    let help = wasm_tool().arg("--help").output().unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    let commands: Vec<&str> = help
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        // A command's line starts with two spaces; wrapped descriptions are indented further.
        .filter(|l| !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .collect();
    assert!(commands.contains(&"print"), "{help}");
    for cmd in commands {
        let file = testdata().join(format!("help-{cmd}.wat"));
        assert!(file.exists(), "missing {}", file.display());
    }
}

fn truncated_module(dir: &Path) -> PathBuf {
    let wasm = wat::parse_str("(module (func (export \"f\") (result i32) i32.const 1))").unwrap();
    let path = dir.join("truncated.wasm");
    std::fs::write(&path, &wasm[..wasm.len() - 3]).unwrap();
    path
}

fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn failure_leaves_no_output_file() {
    let tmp = tempfile::tempdir().unwrap();
    let input = truncated_module(tmp.path());
    for cmd in ["print", "strip"] {
        let out = tmp.path().join(format!("out-{cmd}"));
        let status = wasm_tool()
            .arg(cmd)
            .arg(&input)
            .arg("-o")
            .arg(&out)
            .status()
            .unwrap();
        assert_eq!(status.code(), Some(1), "{cmd}");
        assert!(!out.exists(), "{cmd} left {}", out.display());
    }
    // No temporary file is left behind either.
    assert_eq!(entries(tmp.path()), ["truncated.wasm"]);
}

#[test]
fn failure_leaves_existing_output_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let input = truncated_module(tmp.path());
    let out = tmp.path().join("out");
    for cmd in ["print", "strip", "parse"] {
        std::fs::write(&out, b"previous contents").unwrap();
        let bad = if cmd == "parse" {
            let bad = tmp.path().join("bad.wat");
            std::fs::write(&bad, "(module (func (i32.bogus)))").unwrap();
            bad
        } else {
            input.clone()
        };
        let status = wasm_tool()
            .arg(cmd)
            .arg(&bad)
            .arg("-o")
            .arg(&out)
            .status()
            .unwrap();
        assert_eq!(status.code(), Some(1), "{cmd}");
        assert_eq!(std::fs::read(&out).unwrap(), b"previous contents", "{cmd}");
        let _ = std::fs::remove_file(tmp.path().join("bad.wat"));
    }
    assert_eq!(entries(tmp.path()), ["out", "truncated.wasm"]);
}

#[test]
fn strip_in_place_replaces_the_input() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("m.wasm");
    let wasm = wat::parse_str("(module (func $f) (@custom \"producers\" \"x\"))").unwrap();
    std::fs::write(&path, &wasm).unwrap();
    let status = wasm_tool()
        .arg("strip")
        .arg(&path)
        .arg("-o")
        .arg(&path)
        .status()
        .unwrap();
    assert!(status.success());
    let stripped = std::fs::read(&path).unwrap();
    let expected = wat::parse_str("(module (func))").unwrap();
    assert_eq!(stripped, expected);
    assert_eq!(entries(tmp.path()), ["m.wasm"]);
}
