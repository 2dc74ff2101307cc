//! `cargo xtask bench roundtrip`: times parse + emit on every corpus module, side by side with
//! the baselines, and measures each tool's peak memory.
//!
//! Four tools run on the same bytes: our IR's lazy path (`Module::from_vec` + `emit`), our full
//! path (`touch_all_bodies` before `emit`, so every body is decoded and re-encoded),
//! `wasm_encoder`'s `RoundtripReencoder`, and walrus. Each (tool, file) pair runs in a fresh
//! child process (`xtask bench-child`) so that the peak RSS it reports is that tool's alone.

use anyhow::{Context, bail};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// Options of `bench roundtrip`.
pub struct Opts {
    /// Timed iterations per tool and file; the median is reported.
    iters: usize,
    /// Only files whose name contains this.
    filter: Option<String>,
}

impl Opts {
    /// Timed iterations per tool and file.
    pub fn iters(&self) -> usize {
        self.iters
    }

    /// Only files whose name contains this.
    pub fn filter(&self) -> Option<&str> {
        self.filter.as_deref()
    }

    /// Parses `[--iters N] [FILTER]`.
    pub fn parse(args: &[&str]) -> anyhow::Result<Opts> {
        let mut opts = Opts {
            iters: 5,
            filter: None,
        };
        let mut args = args.iter();
        while let Some(&arg) = args.next() {
            match arg {
                "--iters" => opts.iters = iters_value(args.next().copied())?,
                _ if arg.starts_with('-') => bail!("unknown option `{arg}`"),
                _ if opts.filter.is_none() => opts.filter = Some(arg.to_owned()),
                _ => bail!("unexpected argument `{arg}`"),
            }
        }
        Ok(opts)
    }
}

/// A tool under measurement.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Tool {
    Lazy,
    Full,
    Reencoder,
    Walrus,
}

const TOOLS: [Tool; 4] = [Tool::Lazy, Tool::Full, Tool::Reencoder, Tool::Walrus];

impl Tool {
    fn name(self) -> &'static str {
        match self {
            Tool::Lazy => "lazy",
            Tool::Full => "full",
            Tool::Reencoder => "reencoder",
            Tool::Walrus => "walrus",
        }
    }

    fn from_name(name: &str) -> Option<Tool> {
        TOOLS.into_iter().find(|t| t.name() == name)
    }

    /// One parse + emit of `bytes`; returns the output's length.
    fn run_once(self, bytes: Vec<u8>) -> anyhow::Result<usize> {
        Ok(match self {
            Tool::Lazy => wasm_tool_lib::Module::from_vec(bytes)?.emit()?.len(),
            Tool::Full => {
                let mut module = wasm_tool_lib::Module::from_vec(bytes)?;
                module.touch_all_bodies()?;
                module.emit()?.len()
            }
            Tool::Reencoder => {
                use wasm_encoder::reencode::{Reencode, RoundtripReencoder};
                let mut module = wasm_encoder::Module::new();
                RoundtripReencoder
                    .parse_core_module(&mut module, wasmparser::Parser::new(0), &bytes)
                    .map_err(anyhow::Error::new)?;
                module.finish().len()
            }
            Tool::Walrus => walrus::Module::from_buffer(&bytes)?.emit_wasm().len(),
        })
    }
}

/// The hidden `bench-child TOOL FILE ITERS` command: runs one tool `iters` times on one file and
/// prints `ok <median ns> <peak RSS KiB> <RSS KiB before reading the input>`.
pub fn child(tool: &str, file: &Path, iters: usize) -> anyhow::Result<()> {
    let tool = Tool::from_name(tool).with_context(|| format!("unknown tool `{tool}`"))?;
    let base_kib = proc_status_kib("VmHWM").unwrap_or(0);
    let mut times = Vec::with_capacity(iters);
    for _ in 0..iters.max(1) {
        // A fresh read each time (from the page cache), outside the timer, so that only one
        // copy of the input is alive at once.
        let bytes =
            std::fs::read(file).with_context(|| format!("failed to read {}", file.display()))?;
        let start = Instant::now();
        let len = tool.run_once(black_box(bytes))?;
        times.push(start.elapsed());
        black_box(len);
    }
    times.sort();
    let median = times[times.len() / 2];
    let peak_kib = proc_status_kib("VmHWM").unwrap_or(0);
    println!("ok {} {peak_kib} {base_kib}", median.as_nanos());
    Ok(())
}

/// A `kB` field of `/proc/self/status` (Linux only).
fn proc_status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status
        .lines()
        .find(|l| l.starts_with(field) && l[field.len()..].starts_with(':'))?;
    line[field.len() + 1..]
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

/// What one child reported.
enum Outcome {
    Ok { time: Duration, extra_rss: u64 },
    Failed(String),
}

/// Runs one measurement in a child process.
fn measure(exe: &Path, tool: Tool, file: &Path, iters: usize) -> Outcome {
    let output = Command::new(exe)
        .arg("bench-child")
        .arg(tool.name())
        .arg(file)
        .arg(iters.to_string())
        .output();
    let output = match output {
        Ok(output) => output,
        Err(err) => return Outcome::Failed(format!("failed to start the child: {err}")),
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    let fields: Vec<&str> = stdout
        .lines()
        .last()
        .unwrap_or("")
        .split_whitespace()
        .collect();
    if let (true, ["ok", ns, peak, base]) = (output.status.success(), fields.as_slice())
        && let (Ok(ns), Ok(peak), Ok(base)) = (ns.parse(), peak.parse::<u64>(), base.parse::<u64>())
    {
        return Outcome::Ok {
            time: Duration::from_nanos(ns),
            extra_rss: peak.saturating_sub(base) * 1024,
        };
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let reason = stderr
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && *l != "Caused by:")
        .map_or_else(
            || format!("child exited with {}", output.status),
            |l| l.trim_start_matches("error: ").to_owned(),
        );
    Outcome::Failed(shorten(&reason, 50))
}

/// Cuts `text` to at most `max` characters, marking the cut.
pub(crate) fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let cut: String = text.chars().take(max - 1).collect();
        format!("{cut}…")
    }
}

/// The `.wasm` files of the corpus directory that match `filter`, smallest first.
pub(crate) fn corpus_files(
    dir: &Path,
    filter: Option<&str>,
) -> anyhow::Result<Vec<(String, PathBuf, u64)>> {
    let read = std::fs::read_dir(dir);
    let Ok(read) = read else {
        bail!(
            "corpus absent: run cargo xtask corpus (looked in {})",
            dir.display()
        );
    };
    let mut files = Vec::new();
    for entry in read {
        let path = entry?.path();
        if path.extension().is_none_or(|e| e != "wasm") {
            continue;
        }
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        if filter.is_some_and(|f| !name.contains(f)) {
            continue;
        }
        let size = std::fs::metadata(&path)?.len();
        files.push((name, path, size));
    }
    files.sort_by(|a, b| (a.2, &a.0).cmp(&(b.2, &b.0)));
    Ok(files)
}

pub(crate) fn ms(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms >= 100.0 {
        format!("{ms:.0}")
    } else {
        format!("{ms:.2}")
    }
}

/// Per-tool sums for the total row.
#[derive(Default, Clone, Copy)]
struct Sums {
    time: Duration,
    extra_rss: u64,
    size: u64,
    /// Reencoder time over the same files, for the ratio.
    reencoder_time: Duration,
    files: usize,
}

const COLS: [(&str, usize); 13] = [
    ("file", 18),
    ("size", 11),
    ("lazy ms", 10),
    ("full ms", 10),
    ("reenc ms", 10),
    ("walrus ms", 11),
    ("lazy/re", 9),
    ("full/re", 9),
    ("walrus/re", 11),
    ("rss lazy", 10),
    ("rss full", 10),
    ("rss reenc", 11),
    ("rss walrus", 12),
];

fn print_row(cells: &[String], notes: &str) {
    let mut line = String::new();
    for (i, (cell, (_, width))) in cells.iter().zip(COLS).enumerate() {
        if i == 0 {
            line += &format!("{cell:<width$}");
        } else {
            line += &format!("{cell:>width$}");
        }
    }
    if !notes.is_empty() {
        line += "  ";
        line += notes;
    }
    println!("{}", line.trim_end());
}

/// Runs the benchmark and prints the table.
pub fn roundtrip(opts: &Opts) -> anyhow::Result<()> {
    let dir = crate::corpus::corpus_dir();
    let files = corpus_files(&dir, opts.filter.as_deref())?;
    if files.is_empty() {
        bail!(
            "no corpus file matches (looked in {}); run cargo xtask corpus",
            dir.display()
        );
    }
    let exe = std::env::current_exe().context("cannot find the xtask binary")?;
    println!(
        "roundtrip (parse + emit), median of {} run(s), {} file(s) in {}",
        opts.iters,
        files.len(),
        dir.display()
    );
    println!(
        "lazy = Module::from_vec+emit, full = +touch_all_bodies, reenc = wasm-encoder RoundtripReencoder, walrus = walrus 0.28"
    );
    println!(
        "rss = (peak RSS - RSS before reading the input) / file size, each tool in its own process\n"
    );
    let header: Vec<String> = COLS.iter().map(|(h, _)| (*h).to_owned()).collect();
    print_row(&header, "notes");

    let mut sums = [Sums::default(); 4];
    for (name, path, size) in &files {
        let outcomes: Vec<Outcome> = TOOLS
            .iter()
            .map(|&t| measure(&exe, t, path, opts.iters))
            .collect();
        let reenc_time = match outcomes[2] {
            Outcome::Ok { time, .. } => Some(time),
            Outcome::Failed(_) => None,
        };
        let mut times = Vec::new();
        let mut ratios = Vec::new();
        let mut rss = Vec::new();
        let mut notes = Vec::new();
        for (i, outcome) in outcomes.iter().enumerate() {
            match outcome {
                Outcome::Ok { time, extra_rss } => {
                    times.push(ms(*time));
                    #[expect(clippy::cast_precision_loss, reason = "display only")]
                    rss.push(format!("{:.1}x", *extra_rss as f64 / *size as f64));
                    if let Some(re) = reenc_time {
                        let s = &mut sums[i];
                        s.time += *time;
                        s.reencoder_time += re;
                        s.extra_rss += extra_rss;
                        s.size += size;
                        s.files += 1;
                    }
                }
                Outcome::Failed(reason) => {
                    times.push("error".to_owned());
                    rss.push("error".to_owned());
                    notes.push(format!("{}: {reason}", TOOLS[i].name()));
                }
            }
        }
        for (i, outcome) in outcomes.iter().enumerate() {
            if i == 2 {
                continue;
            }
            ratios.push(match (outcome, reenc_time) {
                (Outcome::Ok { time, .. }, Some(re)) => {
                    format!("{:.2}", time.as_secs_f64() / re.as_secs_f64())
                }
                _ => "-".to_owned(),
            });
        }
        let mut cells = vec![name.clone(), crate::corpus::human_size(*size)];
        cells.extend(times);
        cells.extend(ratios);
        cells.extend(rss);
        print_row(&cells, &notes.join("; "));
    }

    // Totals: each tool over the files where it and the reencoder both succeeded.
    let total_size: u64 = files.iter().map(|f| f.2).sum();
    let mut cells = vec!["total".to_owned(), crate::corpus::human_size(total_size)];
    let mut partial = Vec::new();
    let mark = |s: &Sums| if s.files < files.len() { "*" } else { "" };
    for s in &sums {
        cells.push(format!("{}{}", ms(s.time), mark(s)));
    }
    for (i, s) in sums.iter().enumerate() {
        if i == 2 {
            continue;
        }
        let ratio = if s.files == 0 {
            "-".to_owned()
        } else {
            format!(
                "{:.2}{}",
                s.time.as_secs_f64() / s.reencoder_time.as_secs_f64(),
                mark(s)
            )
        };
        cells.push(ratio);
    }
    for (i, s) in sums.iter().enumerate() {
        #[expect(clippy::cast_precision_loss, reason = "display only")]
        let ratio = if s.size == 0 {
            "-".to_owned()
        } else {
            format!("{:.1}x{}", s.extra_rss as f64 / s.size as f64, mark(s))
        };
        cells.push(ratio);
        if s.files < files.len() {
            partial.push(format!(
                "{} over {}/{} files",
                TOOLS[i].name(),
                s.files,
                files.len()
            ));
        }
    }
    print_row(&cells, "");
    if !partial.is_empty() {
        println!("* {}", partial.join(", "));
    }
    Ok(())
}

/// The value of an `--iters` option: a count of at least 1.
pub fn iters_value(value: Option<&str>) -> anyhow::Result<usize> {
    let n = value.context("`--iters` needs a value")?;
    let iters: usize = n
        .parse()
        .with_context(|| format!("bad iteration count `{n}`"))?;
    if iters == 0 {
        bail!("`--iters` must be at least 1");
    }
    Ok(iters)
}

/// Builds `wasm-tool` with `--release` in the workspace at `root`; returns the binary's path.
pub fn build_wasm_tool(root: &Path) -> anyhow::Result<PathBuf> {
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["build", "--quiet", "--release", "-p", "wasm-tool"])
        .current_dir(root)
        .status()
        .context("failed to run cargo build")?;
    if !status.success() {
        bail!("building wasm-tool failed");
    }
    Ok(root.join("target/release/wasm-tool"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options() {
        let opts = Opts::parse(&["--iters", "3", "sql"]).unwrap();
        assert_eq!((opts.iters, opts.filter.as_deref()), (3, Some("sql")));
        let opts = Opts::parse(&[]).unwrap();
        assert_eq!((opts.iters, opts.filter), (5, None));
        for bad in [
            &["--iters"][..],
            &["--iters", "0"],
            &["--iters", "x"],
            &["-v"],
            &["a", "b"],
        ] {
            assert!(Opts::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn shorten_marks_the_cut() {
        assert_eq!(shorten("short", 10), "short");
        assert_eq!(shorten("0123456789abc", 10), "012345678…");
    }

    #[test]
    fn reads_peak_rss() {
        let peak = proc_status_kib("VmHWM");
        if cfg!(target_os = "linux") {
            assert!(peak.is_some_and(|kib| kib > 0), "{peak:?}");
        }
    }

    #[test]
    fn every_tool_roundtrips_a_small_module() {
        // (module (func (export "f") (result i32) i32.const 7))
        let wasm = b"\0asm\x01\0\0\0\x01\x05\x01\x60\0\x01\x7f\x03\x02\x01\0\x07\x05\x01\x01f\0\0\x0a\x06\x01\x04\0\x41\x07\x0b";
        for tool in TOOLS {
            let len = tool
                .run_once(wasm.to_vec())
                .unwrap_or_else(|e| panic!("{}: {e:#}", tool.name()));
            assert!(len >= 8, "{}: {len}", tool.name());
        }
        assert!(Tool::Lazy.run_once(b"junk".to_vec()).is_err());
    }
}
