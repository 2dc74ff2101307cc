//! `cargo xtask bench size`: our size profiler's `top`, `dominators` and `paths` views next to
//! twiggy's, on every corpus module, in one run: wall time (median of the iterations) and peak
//! memory.
//!
//! Both tools run as the commands a user types, so they are measured the same way: wall time
//! around the child process, and peak RSS from `/usr/bin/time -f %M` when that program exists
//! (`n/a` otherwise). twiggy is used when it is on `PATH` (`cargo install twiggy`); the table
//! says so when it is not. The `paths` query asks for the module's largest function, found with
//! our own `size top` (the largest that has a name, not `func[N]`).

use crate::bench::{Opts, corpus_files, ms, shorten};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// One measured run: wall time, and peak RSS in KiB when known; or why it failed.
type Run = Result<(Duration, Option<u64>), String>;

/// Runs the benchmark and prints the table.
pub fn size(opts: &Opts) -> anyhow::Result<()> {
    let root = crate::workspace_root();
    let ours = crate::bench::build_wasm_tool(&root)?;
    let twiggy = find_on_path("twiggy");
    let time = Path::new("/usr/bin/time")
        .exists()
        .then(|| PathBuf::from("/usr/bin/time"));
    let files = corpus_files(&crate::corpus::corpus_dir(), opts.filter())?;

    println!(
        "size profiler, median of {} run(s), {} file(s)",
        opts.iters(),
        files.len()
    );
    println!(
        "ours = {}; twiggy = {}; peak RSS {}",
        ours.display(),
        twiggy
            .as_ref()
            .map_or("not installed (cargo install twiggy)".into(), |p| p
                .display()
                .to_string()),
        if time.is_some() {
            "from /usr/bin/time"
        } else {
            "n/a (no /usr/bin/time)"
        }
    );
    println!();
    println!(
        "{:<18} {:<11} {:>10} {:>10} {:>8} {:>10} {:>10}  notes",
        "file", "view", "ours ms", "twiggy ms", "tw/ours", "ours MiB", "twiggy MiB"
    );
    for (name, path, _) in &files {
        let target = largest_function(&ours, path).unwrap_or_default();
        let file = path.to_string_lossy().into_owned();
        let views: [(&str, Vec<&str>, Vec<&str>); 3] = [
            (
                "top",
                vec!["size", "top", "-n", "30", &file],
                vec!["top", "-n", "30", &file],
            ),
            (
                "dominators",
                vec!["size", "dominators", "--depth", "4", "--rows", "100", &file],
                vec!["dominators", "-d", "4", "-r", "100", &file],
            ),
            (
                "paths",
                vec!["size", "paths", &target, &file],
                vec!["paths", &file, &target],
            ),
        ];
        for (view, our_args, twiggy_args) in views {
            let ours_run = measure(time.as_deref(), &ours, &our_args, opts.iters());
            let twiggy_run = match &twiggy {
                Some(t) => measure(time.as_deref(), t, &twiggy_args, opts.iters()),
                None => Err("not installed".into()),
            };
            let cell_ms = |r: &Run| r.as_ref().map_or("error".to_string(), |(d, _)| ms(*d));
            let cell_mib = |r: &Run| match r {
                Ok((_, Some(kib))) => format!("{:.1}", *kib as f64 / 1024.0),
                Ok((_, None)) => "n/a".into(),
                Err(_) => "error".into(),
            };
            let ratio = match (&ours_run, &twiggy_run) {
                (Ok((a, _)), Ok((b, _))) => {
                    format!("{:.2}", b.as_secs_f64() / a.as_secs_f64().max(1e-9))
                }
                _ => "-".into(),
            };
            let notes: Vec<String> = [("ours", &ours_run), ("twiggy", &twiggy_run)]
                .iter()
                .filter_map(|(who, r)| {
                    r.as_ref()
                        .err()
                        .map(|e| format!("{who}: {}", shorten(e, 60)))
                })
                .collect();
            println!(
                "{:<18} {:<11} {:>10} {:>10} {:>8} {:>10} {:>10}  {}",
                shorten(name, 18),
                view,
                cell_ms(&ours_run),
                cell_ms(&twiggy_run),
                ratio,
                cell_mib(&ours_run),
                cell_mib(&twiggy_run),
                notes.join("; ")
            );
        }
    }
    Ok(())
}

/// The largest function in `file` that has a real name (so that both tools can find it), from
/// our `size top`.
fn largest_function(ours: &Path, file: &Path) -> Option<String> {
    let out = Command::new(ours)
        .args(["size", "top", "-n", "0", "--format", "json"])
        .arg(file)
        .output()
        .ok()?;
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).ok()?;
    report["rows"].as_array()?.iter().find_map(|row| {
        let name = row["name"].as_str()?;
        (row["kind"] == "func" && !name.starts_with("func[")).then(|| name.to_string())
    })
}

/// Runs `exe args` `iters` times: the median wall time, and the last run's peak RSS.
fn measure(time: Option<&Path>, exe: &Path, args: &[&str], iters: usize) -> Run {
    let mut times = Vec::with_capacity(iters);
    let mut peak = None;
    for _ in 0..iters {
        let mut cmd = match time {
            Some(time) => {
                let mut c = Command::new(time);
                c.args(["-f", "%M"]).arg(exe);
                c
            }
            None => Command::new(exe),
        };
        cmd.args(args).stdout(Stdio::null()).stderr(Stdio::piped());
        let start = Instant::now();
        let out = cmd
            .output()
            .map_err(|e| format!("cannot run {}: {e}", exe.display()))?;
        times.push(start.elapsed());
        let stderr = String::from_utf8_lossy(&out.stderr);
        if !out.status.success() {
            let first = stderr.lines().next().unwrap_or("failed").to_string();
            return Err(first);
        }
        if time.is_some() {
            peak = stderr.lines().last().and_then(|l| l.trim().parse().ok());
        }
    }
    times.sort();
    Ok((times[times.len() / 2], peak))
}

fn find_on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}
