//! Helpers shared by the integration tests: finding the real-world corpus.
//!
//! The corpus is downloaded by `cargo xtask corpus` and is never committed. It lives in
//! `$WASM_TOOL_CORPUS` if that is set, else in `<workspace>/corpus`. When it is absent, tests
//! that need it print `corpus absent: run cargo xtask corpus` and pass, unless
//! `WASM_TOOL_REQUIRE_CORPUS=1` (as in CI), which makes a missing corpus, or a module missing
//! from it, a failure.

#![allow(dead_code, reason = "each test crate uses only some of these helpers")]

use std::io::Write;
use std::path::{Path, PathBuf};

/// Overrides the corpus directory.
pub const CORPUS_ENV: &str = "WASM_TOOL_CORPUS";
/// Set to `1` to make a missing corpus a test failure.
pub const REQUIRE_ENV: &str = "WASM_TOOL_REQUIRE_CORPUS";

/// The workspace root (the parent of `lib/`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The corpus directory: `$WASM_TOOL_CORPUS` if set, else `<workspace>/corpus`.
pub fn corpus_dir() -> PathBuf {
    match std::env::var_os(CORPUS_ENV) {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => workspace_root().join("corpus"),
    }
}

/// Whether a missing corpus must fail the tests.
fn corpus_required() -> bool {
    std::env::var(REQUIRE_ENV).is_ok_and(|v| v == "1")
}

/// One corpus module: its name (the file stem) and path.
pub struct CorpusModule {
    /// File stem, the name used in `shared/corpus.tsv`.
    pub name: String,
    /// Full path of the `.wasm` file.
    pub path: PathBuf,
}

/// The corpus modules sorted by name, or `None` after printing the notice when the corpus is
/// absent and not required.
///
/// # Panics
///
/// When `WASM_TOOL_REQUIRE_CORPUS=1` and the corpus is absent, or lacks a module listed in
/// `shared/corpus.tsv` beside the workspace.
pub fn corpus_modules() -> Option<Vec<CorpusModule>> {
    let dir = corpus_dir();
    let mut modules: Vec<CorpusModule> = std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .filter_map(|entry| {
            let path = entry.ok()?.path();
            if path.extension()? != "wasm" {
                return None;
            }
            let name = path.file_stem()?.to_string_lossy().into_owned();
            Some(CorpusModule { name, path })
        })
        .collect();
    modules.sort_by(|a, b| a.name.cmp(&b.name));

    if corpus_required() {
        assert!(
            !modules.is_empty(),
            "corpus absent: run cargo xtask corpus (looked in {}; {REQUIRE_ENV}=1 makes this a failure)",
            dir.display()
        );
        let missing: Vec<String> = listed_names()
            .into_iter()
            .filter(|name| !modules.iter().any(|m| &m.name == name))
            .collect();
        assert!(
            missing.is_empty(),
            "corpus incomplete: {} missing from {}; run cargo xtask corpus",
            missing.join(", "),
            dir.display()
        );
    } else if modules.is_empty() {
        // Written to the real stderr rather than with `eprintln!`, which the test harness
        // captures and hides for passing tests: the skip must show in every run.
        let _ = writeln!(
            std::io::stderr(),
            "corpus absent: run cargo xtask corpus (looked in {})",
            dir.display()
        );
        return None;
    }
    Some(modules)
}

/// Module names listed in `shared/corpus.tsv` beside the workspace, if that file is there.
fn listed_names() -> Vec<String> {
    let list = workspace_root().join("../shared/corpus.tsv");
    let Ok(text) = std::fs::read_to_string(list) else {
        return Vec::new();
    };
    text.lines()
        .enumerate()
        .filter(|(i, line)| !(*i == 0 && line.starts_with("name\t")))
        .filter_map(|(_, line)| line.split('\t').next())
        .map(str::trim)
        .filter(|name| !name.is_empty() && !name.starts_with('#'))
        .map(str::to_owned)
        .collect()
}
