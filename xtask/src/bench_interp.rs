//! `cargo xtask bench interp`: our interpreter (`wasm-tool run`) next to wasmi's CLI and native
//! code on CPU-bound C programs, plus the startup time of large corpus modules.
//!
//! The programs live in `testdata/bench/` as C sources with their prebuilt `.wasm` (built by
//! `clang --target=wasm32-wasi -O2`, see the README there), so the bench needs no clang;
//! `--rebuild` recompiles them. Each is a WASI command that runs one kernel for a fixed work size
//! and prints one checksum line; every runtime's output must equal the line recorded in
//! [`PROGRAMS`], or its cell says `wrong output`. A runtime that reports `unsupported` (our
//! interpreter on SIMD, until it has it) gets an `unsupported` cell and is left out of the
//! geometric mean. wasmi is used when `wasmi` is on `PATH` or in `~/.cargo/bin`
//! (`cargo install wasmi_cli`); the native column, when `gcc` is on `PATH`, is the same source
//! built with `gcc -O2` into `target/bench-interp/native/`.
//!
//! Every figure is the best of `--iters` runs of the whole process: wall time, and CPU time
//! (user + system) from the children's totals in `/proc/self/stat`, whose unit is the kernel's
//! clock tick (10 ms). ours/wasmi is given for both; the `x native` ratios use wall time, as the
//! native runs are too short for 10 ms ticks. On a loaded machine the CPU ratio is the steadier.
//!
//! The startup figure runs corpus modules ([`STARTUP_MODULES`]) rewritten by [`stub`] into WASI
//! commands that do nothing: every import defined locally, an empty `_start`. Running one
//! measures what a runtime does before the first instruction: read, parse, validate, translate
//! (wasmi translates lazily by default, so its eager mode is shown too), allocate memory and
//! copy the data segments. A one-function module gives the fixed cost of starting a process.

mod stub;

use crate::bench::{ms, shorten};
use anyhow::{Context, bail};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use stub::{empty_command, stub_imports};

/// One benchmark program of `testdata/bench/`.
pub struct Program {
    /// The file stem of the `.c` and `.wasm` files.
    pub name: &'static str,
    /// clang flags beyond `--target=wasm32-wasi -O2`.
    pub clang_flags: &'static [&'static str],
    /// The line the program prints, without the newline.
    pub expected: &'static str,
}

/// The programs, in table order. The expected lines come from `gcc -O2` builds of the same sources
/// and agree with the wasm builds under wasmi.
pub const PROGRAMS: [Program; 9] = [
    Program {
        name: "fib",
        clang_flags: &[],
        expected: "fib 3607765785",
    },
    Program {
        name: "sieve",
        clang_flags: &[],
        expected: "sieve 1785056 1157694972",
    },
    Program {
        name: "matmul",
        clang_flags: &[],
        expected: "matmul 544310693 81211.097296",
    },
    Program {
        name: "hash",
        clang_flags: &[],
        expected: "hash 6e9516a1 57b0da95",
    },
    Program {
        name: "nbody",
        clang_flags: &[],
        expected: "nbody -0.666445236 -0.666553118",
    },
    Program {
        name: "mandel",
        clang_flags: &[],
        expected: "mandel 33934479 2136083.258875",
    },
    Program {
        name: "memops",
        clang_flags: &["-mbulk-memory"],
        expected: "memops 958265603",
    },
    Program {
        name: "vm",
        clang_flags: &[],
        expected: "vm 262580620",
    },
    Program {
        name: "simd",
        clang_flags: &["-msimd128"],
        expected: "simd 942319712 5898.841",
    },
];

/// Corpus modules for the startup figure: large ones that use no proposal wasmi lacks
/// (exceptions, GC, threads).
pub const STARTUP_MODULES: [&str; 3] = ["sqlite3", "lightningcss", "duckdb-mvp"];

/// Options of `bench interp`.
pub struct Opts {
    /// Timed runs per program and runtime; the best is reported.
    iters: usize,
    /// Only programs and startup modules whose name contains this.
    filter: Option<String>,
    /// Recompile the `.wasm` files with clang first.
    rebuild: bool,
}

impl Opts {
    /// Parses `[--iters N] [--filter NAME | NAME] [--rebuild]`.
    pub fn parse(args: &[&str]) -> anyhow::Result<Opts> {
        let mut opts = Opts {
            iters: 3,
            filter: None,
            rebuild: false,
        };
        let mut args = args.iter();
        while let Some(&arg) = args.next() {
            match arg {
                "--iters" => opts.iters = crate::bench::iters_value(args.next().copied())?,
                "--rebuild" => opts.rebuild = true,
                "--filter" => {
                    let name = args.next().context("`--filter` needs a value")?;
                    if opts.filter.replace((*name).to_owned()).is_some() {
                        bail!("only one filter is allowed");
                    }
                }
                _ if arg.starts_with('-') => bail!("unknown option `{arg}`"),
                _ if opts.filter.is_none() => opts.filter = Some(arg.to_owned()),
                _ => bail!("unexpected argument `{arg}`"),
            }
        }
        Ok(opts)
    }

    fn wants(&self, name: &str) -> bool {
        self.filter.as_deref().is_none_or(|f| name.contains(f))
    }
}

/// The directory of the programs.
fn bench_dir() -> PathBuf {
    crate::workspace_root().join("testdata/bench")
}

/// Runs the benchmark and prints both tables.
pub fn interp(opts: &Opts) -> anyhow::Result<()> {
    let root = crate::workspace_root();
    if opts.rebuild {
        rebuild(&bench_dir())?;
    }
    let ours = crate::bench::build_wasm_tool(&root)?;
    let ours_has_run = Command::new(&ours)
        .args(["run", "--help"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    let wasmi = find_wasmi();
    let work = root.join("target/bench-interp");

    let mut runtimes = vec![Runtime {
        name: "ours",
        kind: if ours_has_run {
            Kind::Ours(ours.clone())
        } else {
            Kind::Absent("this wasm-tool has no `run` command")
        },
    }];
    runtimes.push(Runtime {
        name: "wasmi",
        kind: wasmi.clone().map_or(
            Kind::Absent("not installed (cargo install wasmi_cli)"),
            |p| Kind::Wasmi(p, None),
        ),
    });
    let native = find_on_path("gcc").map(|gcc| (gcc, work.join("native")));
    runtimes.push(Runtime {
        name: "native",
        kind: native
            .as_ref()
            .map_or(Kind::Absent("no gcc on PATH"), |(_, dir)| {
                Kind::Native(dir.clone())
            }),
    });

    println!(
        "interpreter speed, best of {} run(s); wall ms and CPU ms (user+sys, 10 ms ticks)",
        opts.iters
    );
    for rt in &runtimes {
        println!("  {:<7}{}", rt.name, rt.describe());
    }
    println!();

    let programs: Vec<&Program> = PROGRAMS.iter().filter(|p| opts.wants(p.name)).collect();
    if !programs.is_empty() {
        if let Some((gcc, dir)) = &native {
            build_native(gcc, dir, &programs)?;
        }
        speed_table(&programs, &runtimes, opts.iters);
    }

    let startup: Vec<&str> = STARTUP_MODULES
        .into_iter()
        .filter(|m| opts.wants(m))
        .collect();
    if !startup.is_empty() {
        println!();
        let mut runtimes = vec![runtimes.swap_remove(0)];
        if let Some(wasmi) = wasmi {
            runtimes.push(Runtime {
                name: "wasmi",
                kind: Kind::Wasmi(wasmi.clone(), None),
            });
            runtimes.push(Runtime {
                name: "wasmi eager",
                kind: Kind::Wasmi(wasmi, Some("eager")),
            });
        } else {
            runtimes.push(Runtime {
                name: "wasmi",
                kind: Kind::Absent("not installed"),
            });
        }
        startup_table(&startup, &runtimes, &work.join("startup"), opts.iters)?;
    }
    Ok(())
}

/// Recompiles every program's `.wasm` with clang.
fn rebuild(dir: &Path) -> anyhow::Result<()> {
    let clang = find_on_path("clang").context("`--rebuild` needs clang on PATH")?;
    for p in &PROGRAMS {
        let out = dir.join(format!("{}.wasm", p.name));
        let status = Command::new(&clang)
            .args(["--target=wasm32-wasi", "-O2", "-Wl,--strip-debug"])
            .args(p.clang_flags)
            .arg("-o")
            .arg(&out)
            .arg(dir.join(format!("{}.c", p.name)))
            .status()
            .context("failed to run clang")?;
        if !status.success() {
            bail!("clang failed on {}.c", p.name);
        }
        eprintln!("rebuilt {}", out.display());
    }
    Ok(())
}

/// Builds the native programs that are missing or older than their source.
fn build_native(gcc: &Path, dir: &Path, programs: &[&Program]) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    for p in programs {
        let src = bench_dir().join(format!("{}.c", p.name));
        let exe = dir.join(p.name);
        let modified = |path: &Path| std::fs::metadata(path).and_then(|m| m.modified()).ok();
        if let (Some(e), Some(s)) = (modified(&exe), modified(&src))
            && e >= s
        {
            continue;
        }
        // A failed build leaves no binary, and that program's native cell says so.
        let _ = Command::new(gcc)
            .args(["-O2", "-o"])
            .arg(&exe)
            .arg(&src)
            .arg("-lm")
            .status();
    }
    Ok(())
}

/// A runtime under measurement.
struct Runtime {
    name: &'static str,
    kind: Kind,
}

enum Kind {
    /// `wasm-tool run FILE`.
    Ours(PathBuf),
    /// `wasmi [--compilation-mode MODE] FILE`.
    Wasmi(PathBuf, Option<&'static str>),
    /// `DIR/NAME`, the gcc build.
    Native(PathBuf),
    /// Not available, and why.
    Absent(&'static str),
}

impl Runtime {
    fn describe(&self) -> String {
        match &self.kind {
            Kind::Ours(exe) => format!("{} run", exe.display()),
            Kind::Wasmi(exe, mode) => match mode {
                Some(mode) => format!("{} --compilation-mode {mode}", exe.display()),
                None => exe.display().to_string(),
            },
            Kind::Native(dir) => format!("gcc -O2, in {}", dir.display()),
            Kind::Absent(why) => format!("absent: {why}"),
        }
    }

    /// The command that runs `wasm` (or the native build of `name`).
    fn command(&self, wasm: &Path, name: &str) -> Result<Command, Cell> {
        Ok(match &self.kind {
            Kind::Ours(exe) => {
                let mut cmd = Command::new(exe);
                cmd.arg("run").arg(wasm);
                cmd
            }
            Kind::Wasmi(exe, mode) => {
                let mut cmd = Command::new(exe);
                if let Some(mode) = mode {
                    cmd.args(["--compilation-mode", mode]);
                }
                cmd.arg(wasm);
                cmd
            }
            Kind::Native(dir) => {
                let exe = dir.join(name);
                if !exe.is_file() {
                    return Err(Cell::Failed("gcc build failed".into()));
                }
                Command::new(exe)
            }
            Kind::Absent(_) => return Err(Cell::Absent),
        })
    }
}

/// One (program, runtime) result.
#[derive(Debug, Clone, PartialEq)]
enum Cell {
    /// Best wall time and best CPU time.
    Time(Duration, Duration),
    /// The runtime said `unsupported`: the message.
    Unsupported(String),
    /// It failed otherwise: why.
    Failed(String),
    /// The runtime is not available.
    Absent,
}

impl Cell {
    /// The CPU or wall time, when the run succeeded.
    fn time(&self, cpu: bool) -> Option<Duration> {
        match self {
            Cell::Time(wall, c) => Some(if cpu { *c } else { *wall }),
            _ => None,
        }
    }

    fn text(&self, cpu: bool) -> String {
        match self {
            Cell::Time(wall, c) => ms(if cpu { *c } else { *wall }),
            Cell::Unsupported(_) => "unsupported".into(),
            Cell::Failed(_) => "error".into(),
            Cell::Absent => "-".into(),
        }
    }

    fn note(&self) -> Option<&str> {
        match self {
            Cell::Unsupported(msg) | Cell::Failed(msg) => Some(msg),
            _ => None,
        }
    }
}

/// Runs `cmd` `iters` times, checking its output against `expected` when given.
fn measure(rt: &Runtime, wasm: &Path, name: &str, expected: Option<&str>, iters: usize) -> Cell {
    let mut best: Option<(Duration, Duration)> = None;
    for i in 0..iters {
        if std::io::stderr().is_terminal() {
            eprint!("\r\x1b[K{name}: {} {}/{iters}", rt.name, i + 1);
        }
        let mut cmd = match rt.command(wasm, name) {
            Ok(cmd) => cmd,
            Err(cell) => return cell,
        };
        let result = run_timed(&mut cmd);
        if std::io::stderr().is_terminal() {
            eprint!("\r\x1b[K");
        }
        let (wall, cpu, out) = match result {
            Ok(r) => r,
            Err(err) => return Cell::Failed(format!("cannot start: {err}")),
        };
        if let Some(cell) = check(&out, expected) {
            return cell;
        }
        best = Some(best.map_or((wall, cpu), |(w, c)| (w.min(wall), c.min(cpu))));
    }
    best.map_or(Cell::Absent, |(w, c)| Cell::Time(w, c))
}

/// Classifies a finished run: `None` when it succeeded with the expected output.
fn check(out: &std::process::Output, expected: Option<&str>) -> Option<Cell> {
    let stderr = String::from_utf8_lossy(&out.stderr);
    let first = stderr
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("")
        .trim_start_matches("error: ")
        .trim_start_matches("Error: ");
    if !out.status.success() {
        if stderr.contains("unsupported") {
            return Some(Cell::Unsupported(shorten(first, 60)));
        }
        let why = if first.is_empty() {
            format!("exited with {}", out.status)
        } else {
            first.to_owned()
        };
        return Some(Cell::Failed(shorten(&why, 60)));
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    match expected {
        Some(want) if stdout.trim_end() != want => Some(Cell::Failed(shorten(
            &format!("wrong output `{}`", stdout.trim_end()),
            60,
        ))),
        _ => None,
    }
}

/// Runs `cmd` to completion: wall time, CPU time (user + system) and its output.
fn run_timed(cmd: &mut Command) -> std::io::Result<(Duration, Duration, std::process::Output)> {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let before = children_cpu();
    let start = Instant::now();
    let out = cmd.output()?;
    let wall = start.elapsed();
    let cpu = children_cpu().saturating_sub(before);
    Ok((wall, cpu, out))
}

/// CPU time (user + system) of this process's finished children so far, from the `cutime` and
/// `cstime` fields of `/proc/self/stat` (zero where that file does not exist).
fn children_cpu() -> Duration {
    /// Linux reports these fields in units of `USER_HZ`, which is 100 on every architecture.
    const TICKS_PER_SEC: u64 = 100;
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The command name (field 2) may contain spaces, so count from the `)` that ends it: the
    // state is field 3, `cutime` field 16 and `cstime` field 17.
    let rest = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<u64> = rest
        .split_whitespace()
        .skip(13)
        .take(2)
        .filter_map(|f| f.parse().ok())
        .collect();
    let ticks: u64 = fields.iter().sum();
    Duration::from_millis(ticks * 1000 / TICKS_PER_SEC)
}

/// Prints one table row: the first cell left-aligned, the others right-aligned.
fn print_row(cells: &[String], widths: &[usize], notes: &str) {
    let mut line = String::new();
    for (i, (cell, &width)) in cells.iter().zip(widths).enumerate() {
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

/// `a / b` as text, or `-` when either is missing.
fn ratio(a: Option<Duration>, b: Option<Duration>) -> String {
    match (a, b) {
        (Some(a), Some(b)) => format!("{:.2}", a.as_secs_f64() / b.as_secs_f64().max(1e-9)),
        _ => "-".into(),
    }
}

/// The geometric mean of `values`, or `None` when there are none.
fn geomean(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    #[expect(clippy::cast_precision_loss, reason = "a handful of values")]
    let n = values.len() as f64;
    Some((values.iter().map(|v| v.ln()).sum::<f64>() / n).exp())
}

/// The ratio columns of the speed table: header, numerator and denominator runtime, and whether
/// they divide CPU times (else wall times).
const RATIOS: [(&str, usize, usize, bool); 4] = [
    ("ours/wasmi", 0, 1, false),
    ("cpu o/w", 0, 1, true),
    ("ours/nat", 0, 2, false),
    ("wasmi/nat", 1, 2, false),
];

/// The speed table: runtimes are `[ours, wasmi, native]`.
fn speed_table(programs: &[&Program], runtimes: &[Runtime], iters: usize) {
    let mut header: Vec<String> = [
        "program",
        "ours ms",
        "wasmi ms",
        "native ms",
        "ours cpu",
        "wasmi cpu",
    ]
    .map(String::from)
    .to_vec();
    header.extend(RATIOS.iter().map(|r| r.0.to_owned()));
    // Time columns are wide enough for `unsupported`.
    let mut widths = vec![10];
    widths.extend(header[1..].iter().enumerate().map(|(i, h)| {
        let min = if i < header.len() - 1 - RATIOS.len() {
            11
        } else {
            6
        };
        h.len().max(min) + 2
    }));
    print_row(&header, &widths, "notes");
    // Per ratio column: the values that went into it, and the programs left out.
    let mut logs: [(Vec<f64>, Vec<String>); RATIOS.len()] = Default::default();
    for p in programs {
        let wasm = bench_dir().join(format!("{}.wasm", p.name));
        let cells: Vec<Cell> = runtimes
            .iter()
            .map(|rt| measure(rt, &wasm, p.name, Some(p.expected), iters))
            .collect();
        let mut row = vec![p.name.to_owned()];
        row.extend(cells.iter().map(|c| c.text(false)));
        row.push(cells[0].text(true));
        row.push(cells[1].text(true));
        for (k, &(_, a, b, cpu)) in RATIOS.iter().enumerate() {
            let (ta, tb) = (cells[a].time(cpu), cells[b].time(cpu));
            row.push(ratio(ta, tb));
            match (ta, tb) {
                (Some(ta), Some(tb)) => {
                    logs[k]
                        .0
                        .push(ta.as_secs_f64() / tb.as_secs_f64().max(1e-9));
                }
                _ if cells[a] != Cell::Absent && cells[b] != Cell::Absent => {
                    logs[k].1.push(p.name.to_owned());
                }
                _ => {}
            }
        }
        let notes: Vec<String> = runtimes
            .iter()
            .zip(&cells)
            .filter_map(|(rt, c)| c.note().map(|n| format!("{}: {n}", rt.name)))
            .collect();
        print_row(&row, &widths, &notes.join("; "));
    }
    let mut row = vec![String::new(); header.len() - RATIOS.len()];
    row[0] = "geomean".to_owned();
    // Footnotes: the columns that left programs out, grouped by what they left out.
    let mut footnotes: Vec<(String, Vec<&str>)> = Vec::new();
    for (k, (values, left_out)) in logs.iter().enumerate() {
        let mark = if left_out.is_empty() { "" } else { "*" };
        row.push(geomean(values).map_or("-".into(), |g| format!("{g:.2}{mark}")));
        if !left_out.is_empty() {
            let what = format!(
                "over {} program(s), without {}",
                values.len(),
                left_out.join(", ")
            );
            match footnotes.iter_mut().find(|(w, _)| *w == what) {
                Some((_, columns)) => columns.push(RATIOS[k].0),
                None => footnotes.push((what, vec![RATIOS[k].0])),
            }
        }
    }
    print_row(&row, &widths, "");
    for (what, columns) in footnotes {
        println!("* {} {what}", columns.join(", "));
    }
}

/// The startup table: runtimes are `[ours, wasmi…]`; the first wasmi one gives the ratio.
fn startup_table(
    modules: &[&str],
    runtimes: &[Runtime],
    dir: &Path,
    iters: usize,
) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    println!(
        "startup: a corpus module with its imports defined locally and an empty `_start` (read, \
         validate, translate, instantiate); `empty` is a one-function module"
    );
    let mut widths = vec![14, 10];
    let mut header = vec!["module".to_owned(), "size".to_owned()];
    for rt in runtimes {
        header.push(format!("{} ms", rt.name));
        widths.push(rt.name.len().max(8) + 5);
    }
    for rt in &runtimes[1..] {
        header.push(format!("ours/{}", rt.name));
        widths.push(rt.name.len() + 7);
    }
    print_row(&header, &widths, "notes");

    let corpus = crate::corpus::corpus_dir();
    let mut inputs = vec![("empty".to_owned(), Ok(empty_command()))];
    for name in modules {
        let path = corpus.join(format!("{name}.wasm"));
        let stub = std::fs::read(&path)
            .map_err(|e| format!("corpus absent ({}: {e})", path.display()))
            .and_then(|bytes| stub_imports(&bytes).map_err(|e| format!("{e:#}")));
        inputs.push(((*name).to_owned(), stub));
    }
    for (name, stub) in inputs {
        let bytes = match stub {
            Ok(bytes) => bytes,
            Err(why) => {
                println!("{name:<14}  skipped: {}", shorten(&why, 100));
                continue;
            }
        };
        let file = dir.join(format!("{name}.wasm"));
        std::fs::write(&file, &bytes)
            .with_context(|| format!("cannot write {}", file.display()))?;
        let cells: Vec<Cell> = runtimes
            .iter()
            .map(|rt| measure(rt, &file, &name, None, iters))
            .collect();
        let mut row = vec![name.clone(), crate::corpus::human_size(bytes.len() as u64)];
        row.extend(cells.iter().map(|c| c.text(false)));
        for c in &cells[1..] {
            row.push(ratio(cells[0].time(false), c.time(false)));
        }
        let notes: Vec<String> = runtimes
            .iter()
            .zip(&cells)
            .filter_map(|(rt, c)| c.note().map(|n| format!("{}: {n}", rt.name)))
            .collect();
        print_row(&row, &widths, &notes.join("; "));
    }
    Ok(())
}

/// wasmi's CLI: `wasmi` on `PATH`, else in `~/.cargo/bin`.
fn find_wasmi() -> Option<PathBuf> {
    find_on_path("wasmi").or_else(|| {
        let home = std::env::var_os("HOME")?;
        let path = Path::new(&home).join(".cargo/bin/wasmi");
        path.is_file().then_some(path)
    })
}

fn find_on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::process::ExitStatusExt;
    use std::process::{ExitStatus, Output};

    #[test]
    fn options() {
        let opts = Opts::parse(&["--iters", "2", "--filter", "fib", "--rebuild"]).unwrap();
        assert_eq!(
            (opts.iters, opts.filter.as_deref(), opts.rebuild),
            (2, Some("fib"), true)
        );
        assert!(opts.wants("fib") && !opts.wants("vm"));
        let opts = Opts::parse(&["sieve"]).unwrap();
        assert_eq!((opts.iters, opts.filter.as_deref()), (3, Some("sieve")));
        let opts = Opts::parse(&[]).unwrap();
        assert!(opts.wants("anything") && !opts.rebuild);
        for bad in [
            &["--iters"][..],
            &["--iters", "0"],
            &["--filter"],
            &["--filter", "a", "b"],
            &["-v"],
        ] {
            assert!(Opts::parse(bad).is_err(), "{bad:?}");
        }
    }

    /// Every program has its source and prebuilt module, and every source is listed.
    #[test]
    fn programs_match_testdata() {
        let dir = bench_dir();
        let mut sources: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "c"))
            .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
            .collect();
        sources.sort();
        let mut listed: Vec<String> = PROGRAMS.iter().map(|p| p.name.to_owned()).collect();
        listed.sort();
        assert_eq!(sources, listed);
        for p in &PROGRAMS {
            assert!(
                p.expected.starts_with(&format!("{} ", p.name)),
                "{}",
                p.expected
            );
            let wasm = std::fs::read(dir.join(format!("{}.wasm", p.name))).unwrap();
            wasmparser::Validator::new()
                .validate_all(&wasm)
                .unwrap_or_else(|e| panic!("{}.wasm: {e}", p.name));
            // A WASI command: only WASI imports, `_start` and `memory` exported.
            let mut exports = Vec::new();
            for payload in wasmparser::Parser::new(0).parse_all(&wasm) {
                match payload.unwrap() {
                    wasmparser::Payload::ImportSection(r) => {
                        for import in r.into_imports() {
                            assert_eq!(import.unwrap().module, "wasi_snapshot_preview1");
                        }
                    }
                    wasmparser::Payload::ExportSection(r) => {
                        exports.extend(r.into_iter().map(|e| e.unwrap().name.to_owned()));
                    }
                    _ => {}
                }
            }
            assert!(
                exports.contains(&"_start".to_owned()),
                "{}: {exports:?}",
                p.name
            );
            assert!(
                exports.contains(&"memory".to_owned()),
                "{}: {exports:?}",
                p.name
            );
        }
    }

    fn output(code: i32, stdout: &str, stderr: &str) -> Output {
        Output {
            status: ExitStatus::from_raw(code << 8),
            stdout: stdout.as_bytes().to_vec(),
            stderr: stderr.as_bytes().to_vec(),
        }
    }

    #[test]
    fn classifies_runs() {
        assert_eq!(check(&output(0, "fib 1\n", ""), Some("fib 1")), None);
        assert_eq!(check(&output(0, "anything", ""), None), None);
        assert_eq!(
            check(&output(0, "fib 2\n", ""), Some("fib 1")),
            Some(Cell::Failed("wrong output `fib 2`".into()))
        );
        assert_eq!(
            check(&output(1, "", "error: unsupported: simd\n"), Some("x")),
            Some(Cell::Unsupported("unsupported: simd".into()))
        );
        assert_eq!(
            check(&output(1, "", "\nError: call stack exhausted\n"), Some("x")),
            Some(Cell::Failed("call stack exhausted".into()))
        );
        let Some(Cell::Failed(why)) = check(&output(3, "", ""), None) else {
            panic!("a failure with no message is a failure");
        };
        assert!(why.starts_with("exited with"), "{why}");
    }

    #[test]
    fn ratios_and_geomean() {
        let ms = Duration::from_millis;
        assert_eq!(ratio(Some(ms(300)), Some(ms(200))), "1.50");
        assert_eq!(ratio(None, Some(ms(200))), "-");
        assert_eq!(geomean(&[]), None);
        let g = geomean(&[2.0, 8.0]).unwrap();
        assert!((g - 4.0).abs() < 1e-12, "{g}");
        assert_eq!(Cell::Time(ms(1500), ms(1400)).text(false), "1500");
        assert_eq!(Cell::Time(ms(1500), ms(1400)).text(true), "1400");
        assert_eq!(Cell::Unsupported("x".into()).text(false), "unsupported");
    }

    #[test]
    fn children_cpu_is_monotonic() {
        let before = children_cpu();
        let (_, cpu, out) =
            run_timed(Command::new(std::env::current_exe().unwrap()).arg("--list")).unwrap();
        assert!(out.status.success());
        assert!(children_cpu() >= before + cpu);
    }
}
