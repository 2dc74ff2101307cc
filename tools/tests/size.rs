//! `size diff --fail-if-growth`: the exit status of the CI gate, which the golden harness (exit
//! 0, 1 and 2 only) cannot express.

use std::process::Command;

fn wasm_tool() -> Command {
    Command::new(env!("CARGO_BIN_EXE_wasm-tool"))
}

#[test]
fn growth_gate_exits_3_and_still_reports() {
    let tmp = tempfile::tempdir().unwrap();
    let old = tmp.path().join("old.wasm");
    let new = tmp.path().join("new.wasm");
    std::fs::write(
        &old,
        wat::parse_str("(module (func (export \"f\")))").unwrap(),
    )
    .unwrap();
    std::fs::write(
        &new,
        wat::parse_str("(module (func (export \"f\") nop nop nop nop) (func (export \"g\")))")
            .unwrap(),
    )
    .unwrap();
    let old_len = std::fs::metadata(&old).unwrap().len();
    let growth = std::fs::metadata(&new).unwrap().len() - old_len;

    let run = |limit: &str| {
        wasm_tool()
            .args(["size", "diff"])
            .arg(&old)
            .arg(&new)
            .args(["--fail-if-growth", limit])
            .output()
            .unwrap()
    };
    // Exactly the growth is allowed; one byte less is not.
    let ok = run(&growth.to_string());
    assert_eq!(ok.status.code(), Some(0));
    let fail = run(&(growth - 1).to_string());
    assert_eq!(fail.status.code(), Some(3));
    let stdout = String::from_utf8(fail.stdout).unwrap();
    assert!(stdout.contains(&format!("(+{growth})")), "{stdout}");
    let stderr = String::from_utf8(fail.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with(&format!("error: size grew by {growth} bytes")),
        "{stderr}"
    );
    // Percentages: the growth is well over 1% of a tiny module.
    assert_eq!(run("1%").status.code(), Some(3));
    assert_eq!(run("1000%").status.code(), Some(0));
    // Shrinking never fails the gate.
    let shrink = wasm_tool()
        .args(["size", "diff"])
        .arg(&new)
        .arg(&old)
        .args(["--fail-if-growth", "0"])
        .status()
        .unwrap();
    assert_eq!(shrink.code(), Some(0));
}

#[test]
fn report_writes_one_self_contained_page() {
    let tmp = tempfile::tempdir().unwrap();
    let old = tmp.path().join("old.wasm");
    let new = tmp.path().join("new.wasm");
    let html = tmp.path().join("report.html");
    std::fs::write(
        &old,
        wat::parse_str("(module (func $keep (export \"f\")))").unwrap(),
    )
    .unwrap();
    std::fs::write(
        &new,
        wat::parse_str("(module (func $keep (export \"f\") call $grown) (func $grown nop nop))")
            .unwrap(),
    )
    .unwrap();
    let out = wasm_tool()
        .args(["size", "report"])
        .arg(&old)
        .arg(&new)
        .arg("-o")
        .arg(&html)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(
        page.starts_with("<!DOCTYPE html>"),
        "{}",
        &page[..page.len().min(200)]
    );
    // The items and the diff are in the embedded data; nothing is loaded from elsewhere.
    assert!(
        page.contains("\"grown\""),
        "the new function is in the data"
    );
    assert!(page.contains("\"old_title\""), "two inputs give a diff");
    for reference in ["src=\"http", "href=\"http", "url(http", "@import"] {
        assert!(!page.contains(reference), "the page loads `{reference}…`");
    }
}
