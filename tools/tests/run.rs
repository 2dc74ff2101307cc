//! `wasm-tool run` on WASI C programs: the prebuilt `testdata/wasi/*.wasm` (sources beside them,
//! rebuilt by `testdata/wasi/build.sh`) run as a user would run them, checking standard
//! streams, exit statuses, files in preopened directories, escapes from them, and traps.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn wasi_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/wasi")
}

/// `wasm-tool run` in `testdata/wasi`, so that program names are stable.
fn run(args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_wasm-tool"));
    cmd.arg("run").args(args).current_dir(wasi_dir());
    cmd.env_remove("RUST_BACKTRACE");
    cmd
}

fn output(args: &[&str]) -> Output {
    run(args).stdin(Stdio::null()).output().unwrap()
}

fn with_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child = run(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    out
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Asserts the exit status, showing the streams when it differs.
fn assert_status(out: &Output, status: i32) {
    assert_eq!(
        out.status.code(),
        Some(status),
        "stdout:\n{}\nstderr:\n{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert!(
        !text(&out.stderr).contains("panicked"),
        "{}",
        text(&out.stderr)
    );
}

const TRAP: i32 = 134;

#[test]
fn hello_writes_both_streams_and_exits_with_its_status() {
    let out = output(&["hello.wasm"]);
    assert_status(&out, 3);
    assert_eq!(text(&out.stdout), "hello from wasi\nstdout again\n");
    assert_eq!(text(&out.stderr), "this goes to stderr\n");
}

#[test]
fn args_and_environment() {
    let out = run(&[
        "--env",
        "GREETING=hi there",
        "--env",
        "FROM_HOST",
        "--env",
        "NOT_ON_HOST",
        "args.wasm",
        "one",
        "two words",
        "--env",
        "X=1",
    ])
    .env("FROM_HOST", "inherited")
    .env_remove("NOT_ON_HOST")
    .env("HOME", "/should/not/leak")
    .output()
    .unwrap();
    assert_status(&out, 0);
    assert_eq!(
        text(&out.stdout),
        "argc=5\nargv[0]=args.wasm\nargv[1]=one\nargv[2]=two words\nargv[3]=--env\n\
         argv[4]=X=1\nenv GREETING=hi there\nenv FROM_HOST=inherited\nHOME=(unset)\n"
    );
}

#[test]
fn cat_copies_stdin_exactly() {
    // Every byte value, and more than any one buffer holds.
    let input: Vec<u8> = (0..300_000u32).map(|i| (i * 7 + i / 251) as u8).collect();
    let out = with_stdin(&["cat.wasm"], &input);
    assert_status(&out, 0);
    assert_eq!(out.stdout.len(), input.len());
    assert!(out.stdout == input);
    // Empty input.
    let out = with_stdin(&["cat.wasm"], b"");
    assert_status(&out, 0);
    assert!(out.stdout.is_empty());
}

#[test]
fn module_from_stdin() {
    let wasm = std::fs::read(wasi_dir().join("hello.wasm")).unwrap();
    let out = with_stdin(&["-"], &wasm);
    assert_status(&out, 3);
    assert_eq!(text(&out.stdout), "hello from wasi\nstdout again\n");
}

#[test]
fn files_in_a_preopened_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = format!("{}::/sandbox", tmp.path().display());
    let out = output(&["--dir", &dir, "files.wasm", "/sandbox"]);
    assert_status(&out, 0);
    let stdout = text(&out.stdout);
    assert!(!stdout.contains("FAIL"), "{stdout}");
    assert!(
        stdout.contains("readdir: . .. b.txt f0 f1 f2\n"),
        "{stdout}"
    );
    assert!(stdout.ends_with("done\n"), "{stdout}");
    // It cleaned up after itself, on the host.
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0);

    // Under its host name as the guest name too, and with a relative host path.
    let tmp = tempfile::tempdir_in(wasi_dir()).unwrap();
    let name = tmp
        .path()
        .file_name()
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    let out = output(&["--dir", &name, "files.wasm", &name]);
    assert_status(&out, 0);
}

#[test]
fn cat_reads_files_and_reports_missing_ones() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("a.txt"), "first\n").unwrap();
    std::fs::write(tmp.path().join("b.txt"), "second\n").unwrap();
    let dir = format!("{}::data", tmp.path().display());
    let out = output(&[
        "--dir",
        &dir,
        "cat.wasm",
        "data/a.txt",
        "data/nope",
        "data/b.txt",
    ]);
    assert_status(&out, 1);
    assert_eq!(text(&out.stdout), "first\nsecond\n");
    assert_eq!(text(&out.stderr), "data/nope: No such file or directory\n");
    // Without `--dir` nothing is reachable.
    let out = output(&["cat.wasm", "data/a.txt"]);
    assert_status(&out, 1);
    assert!(text(&out.stdout).is_empty());
}

#[cfg(unix)]
#[test]
fn escapes_from_the_preopened_directory_fail() {
    use std::os::unix::fs::symlink;
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    std::fs::write(root.join("outside.txt"), "secret").unwrap();
    let sandbox = root.join("box");
    std::fs::create_dir_all(sandbox.join("sub")).unwrap();
    std::fs::write(sandbox.join("sub/inside.txt"), "inside").unwrap();
    symlink("/", sandbox.join("to-root")).unwrap();
    symlink("..", sandbox.join("to-parent")).unwrap();
    symlink("chain2", sandbox.join("chain1")).unwrap();
    symlink("sub/../to-parent", sandbox.join("chain2")).unwrap();
    symlink("sub/inside.txt", sandbox.join("inside-link")).unwrap();

    for guest in ["/box", "box", "/"] {
        let dir = format!("{}::{guest}", sandbox.display());
        let out = output(&["--dir", &dir, "escape.wasm", guest]);
        assert_status(&out, 0);
        let stdout = text(&out.stdout);
        assert!(!stdout.contains("ESCAPED"), "{stdout}");
        assert_eq!(stdout.matches("blocked").count(), 8, "{stdout}");
        assert!(
            stdout.contains("symlink within the tree: opened"),
            "{stdout}"
        );
    }
    // Nothing was created outside.
    let mut names: Vec<_> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["box", "outside.txt"]);
}

#[test]
fn clocks_and_random() {
    let out = output(&["clock.wasm"]);
    assert_status(&out, 0);
    assert!(!text(&out.stdout).contains(": no"), "{}", text(&out.stdout));
}

#[test]
fn traps_report_kind_and_backtrace_after_flushing_stdout() {
    for (how, kind, frame) in [
        ("unreachable", "unreachable", "`crash_unreachable`"),
        ("abort", "unreachable", "`abort`"),
        ("null", "out of bounds memory access", "`main`"),
        ("div0", "integer divide by zero", "`divide`"),
    ] {
        let out = output(&["trap.wasm", how]);
        assert_status(&out, TRAP);
        assert_eq!(text(&out.stdout), format!("about to trap: {how}\n"));
        let stderr = text(&out.stderr);
        assert!(
            stderr.starts_with(&format!(
                "error: trap: {kind}\nwasm backtrace:\n     0: func "
            )),
            "{how}: {stderr}"
        );
        assert!(
            stderr.lines().nth(2).unwrap().ends_with(frame),
            "{how}: {stderr}"
        );
        assert!(stderr.contains("`_start`"), "{stderr}");
    }
}

#[test]
fn proc_exit_status_becomes_the_exit_status() {
    let out = output(&["trap.wasm", "exit", "7"]);
    assert_status(&out, 7);
    assert_eq!(text(&out.stdout), "about to trap: exit\n");
    assert!(out.stderr.is_empty());
    assert_status(&output(&["trap.wasm", "exit", "0"]), 0);
    // Like Wasmtime, a status outside WASI's range is an error.
    let out = output(&["trap.wasm", "exit", "200"]);
    assert_status(&out, 1);
    assert_eq!(
        text(&out.stderr),
        "error: exit with invalid exit status 200 outside of [0..126)\n"
    );
}

#[test]
fn deep_recursion_is_a_trap() {
    let out = output(&["recurse.wasm"]);
    assert_status(&out, TRAP);
    assert_eq!(text(&out.stdout), "recursing\n");
    let stderr = text(&out.stderr);
    assert!(
        stderr.starts_with("error: trap: call stack exhausted\n"),
        "{stderr}"
    );
    // 20 innermost frames, a summary line, the 5 outermost.
    assert_eq!(stderr.lines().count(), 2 + 20 + 1 + 5, "{stderr}");
    assert!(stderr.contains("… 9975 more frames …"), "{stderr}");
    // A smaller limit is honoured.
    let out = output(&["--max-stack", "50", "recurse.wasm"]);
    assert_status(&out, TRAP);
    assert!(text(&out.stderr).contains("… 25 more frames …"));
}

#[test]
fn fuel_stops_an_infinite_loop() {
    let start = std::time::Instant::now();
    let out = output(&["--fuel", "2000000", "loop.wasm"]);
    assert_status(&out, TRAP);
    assert_eq!(text(&out.stdout), "looping\n");
    assert!(text(&out.stderr).starts_with("error: trap: out of fuel\n"));
    assert!(start.elapsed().as_secs() < 30);
}

#[test]
fn word_count_of_a_file() {
    let tmp = tempfile::tempdir().unwrap();
    let mut book = String::new();
    for i in 0..2000 {
        book.push_str(&format!("line {i} has  some\twords in it\n"));
    }
    std::fs::write(tmp.path().join("book.txt"), &book).unwrap();
    let dir = format!("{}::/data", tmp.path().display());
    let out = output(&["--dir", &dir, "wc.wasm", "/data/book.txt"]);
    assert_status(&out, 0);
    let words = book.split_whitespace().count();
    assert_eq!(
        text(&out.stdout),
        format!(
            "{:7} {words:7} {:7} /data/book.txt\n",
            book.lines().count(),
            book.len()
        )
    );
    let out = with_stdin(&["wc.wasm"], b"a b\nc\n");
    assert_status(&out, 0);
    assert_eq!(text(&out.stdout), "      2       3       6\n");
}

#[test]
fn cut_modules_are_errors_not_crashes() {
    let wasm = std::fs::read(wasi_dir().join("hello.wasm")).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("cut.wasm");
    for len in (0..wasm.len()).step_by(97) {
        std::fs::write(&path, &wasm[..len]).unwrap();
        let out = output(&[path.to_str().unwrap()]);
        assert_status(&out, 1);
        assert_eq!(
            text(&out.stderr).lines().count(),
            1,
            "{}",
            text(&out.stderr)
        );
    }
}

#[test]
fn a_missing_preopen_is_an_error() {
    let out = output(&["--dir", "/no/such/dir", "hello.wasm"]);
    assert_status(&out, 1);
    assert!(
        text(&out.stderr).starts_with("error: failed to open directory `/no/such/dir`"),
        "{}",
        text(&out.stderr)
    );
}
