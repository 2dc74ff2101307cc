//! The size report in a real browser: headless Chromium loads pages written by
//! `size::report::render_html` and the DOM it dumps after the scripts ran must show a drawn
//! treemap, filled tables, the dominator tree and the diff, with no script error.
//!
//! The browser is `$WASM_TOOL_CHROMIUM`, else `/usr/bin/chromium` (Debian's `chromium` package,
//! which `.ci/run` installs). Without one the tests print `chromium absent: skipping browser test`
//! and pass, unless `WASM_TOOL_REQUIRE_BROWSER=1` (as in CI), which makes that a failure.
//!
//! To look at the page, have the test save screenshots of every view and the page itself:
//!
//! ```sh
//! WASM_TOOL_SCREENSHOT=/tmp/report.png cargo test -p wasm-tool-lib --test report_browser
//! ```
//!
//! writes `/tmp/report.png` (treemap), `/tmp/report-zoom.png` (zoomed into the code section),
//! `/tmp/report-table.png`, `/tmp/report-dominators.png`, `/tmp/report-diff.png` and
//! `/tmp/report.html`.

use regex::Regex;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use wasm_tool_lib::size::report::{
    DiffData, DiffRow, DominatorNode, ReportData, ReportNode, ReportRow, render_html,
};

/// Overrides the browser binary.
const BROWSER_ENV: &str = "WASM_TOOL_CHROMIUM";
/// Set to `1` to make a missing browser a test failure.
const REQUIRE_ENV: &str = "WASM_TOOL_REQUIRE_BROWSER";
/// Set to a `.png` path to save screenshots of the views.
const SCREENSHOT_ENV: &str = "WASM_TOOL_SCREENSHOT";
/// How long one browser run may take.
const TIMEOUT: Duration = Duration::from_secs(120);

const EVIL: &str = "</script><script>alert(1)</script>";

/// The browser, or `None` after printing the notice when it is absent and not required.
fn browser() -> Option<PathBuf> {
    let path = match std::env::var_os(BROWSER_ENV) {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => PathBuf::from("/usr/bin/chromium"),
    };
    if path.is_file() {
        return Some(path);
    }
    if std::env::var(REQUIRE_ENV).is_ok_and(|v| v == "1") {
        panic!(
            "{REQUIRE_ENV}=1 but there is no browser at {}: install it with \
             `apt-get install -y chromium chromium-driver` or set {BROWSER_ENV}",
            path.display()
        );
    }
    println!("chromium absent: skipping browser test");
    None
}

/// A small deterministic pseudo-random generator, so the data is the same on every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    /// Sizes with a long tail, like real function sizes.
    fn size(&mut self) -> u64 {
        let r = self.next() % 1000;
        match r {
            0..=4 => 20_000 + self.next() % 60_000,
            5..=60 => 1_000 + self.next() % 8_000,
            61..=400 => 100 + self.next() % 900,
            _ => 4 + self.next() % 120,
        }
    }
}

fn node(name: &str, kind: &str, size: u64, children: Vec<ReportNode>) -> ReportNode {
    ReportNode {
        name: name.into(),
        kind: kind.into(),
        size,
        children,
    }
}

/// A module with `functions` functions, data segments, imports, exports and custom sections.
/// With `diff`, a comparison with an "older build" where sizes differ and some items are new.
fn sample(functions: usize, diff: bool) -> ReportData {
    let mut rng = Lcg(0x5eed);
    let mut sections = Vec::new();
    let mut top = Vec::new();
    let mut section = |name: &str, kind: &str, count: usize, prefix: &str, rng: &mut Lcg| {
        let mut items = Vec::new();
        for i in 0..count {
            let mut size = rng.size();
            let name = if i == 7 && kind == "function" {
                // Large, so that it shows in the treemap and at the top of the table.
                size = 90_000;
                EVIL.to_string()
            } else {
                format!("{prefix}{i}")
            };
            top.push(ReportRow {
                name: name.clone(),
                kind: kind.into(),
                shallow: size,
                retained: size + if i % 5 == 0 { rng.size() } else { 0 },
            });
            items.push(node(&name, kind, size, Vec::new()));
        }
        let sum: u64 = items.iter().map(|n| n.size).sum();
        sections.push(node(name, "section", sum + 5, items));
    };
    section("type", "type", 40, "type ", &mut rng);
    section("import", "import", 60, "env.import_", &mut rng);
    section(
        "code",
        "function",
        functions,
        "my_crate::module::function_",
        &mut rng,
    );
    section("data", "data", 30, "data segment ", &mut rng);
    section("export", "export", 80, "export ", &mut rng);
    section("custom \"name\"", "name", 3, "names ", &mut rng);
    section(
        "custom \".debug_info\"",
        "debug",
        1,
        ".debug_info",
        &mut rng,
    );
    let total: u64 = sections.iter().map(|s| s.size).sum::<u64>() + 8;
    let tree = node("app.wasm", "module", total, sections);

    // A dominator tree: the exports dominate chains of functions.
    let mut roots = Vec::new();
    for (e, chunk) in top.chunks(40).enumerate() {
        let children: Vec<DominatorNode> = chunk
            .iter()
            .map(|r| DominatorNode {
                name: r.name.clone(),
                kind: r.kind.clone(),
                shallow: r.shallow,
                retained: r.shallow,
                children: Vec::new(),
            })
            .collect();
        let retained = children.iter().map(|c| c.retained).sum::<u64>() + 3;
        roots.push(DominatorNode {
            name: format!("export \"entry_{e}\""),
            kind: "export".into(),
            shallow: 3,
            retained,
            children,
        });
    }
    let dominators = DominatorNode {
        name: "app.wasm".into(),
        kind: "module".into(),
        shallow: 8,
        retained: total,
        children: roots,
    };

    let diff = diff.then(|| {
        let grown = |new: u64, i: usize| match i % 7 {
            0 => new + new / 3,
            1 => new.saturating_sub(new / 4),
            _ => new,
        };
        let items: Vec<DiffRow> = top
            .iter()
            .enumerate()
            .map(|(i, r)| DiffRow {
                name: r.name.clone(),
                kind: r.kind.clone(),
                old: if i % 23 == 0 { 0 } else { grown(r.shallow, i) },
                new: if i % 29 == 0 { 0 } else { r.shallow },
            })
            .collect();
        let sections = tree
            .children
            .iter()
            .enumerate()
            .map(|(i, s)| DiffRow {
                name: s.name.clone(),
                kind: s.kind.clone(),
                old: grown(s.size, i),
                new: s.size,
            })
            .collect::<Vec<_>>();
        DiffData {
            old_title: "app.old.wasm".into(),
            new_title: "app.wasm".into(),
            old_file_size: sections.iter().map(|s| s.old).sum::<u64>() + 8,
            new_file_size: total,
            sections,
            items,
        }
    });

    ReportData {
        title: "app.wasm".into(),
        file_size: total,
        tree,
        top,
        dominators,
        diff,
    }
}

/// Runs the browser on `url` with `args`, returning its standard output and error.
fn run_browser(browser: &Path, args: &[String], url: &str) -> (String, String) {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--hide-scrollbars",
            "--window-size=1400,1000",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", browser.display()));
    let mut stdout = child.stdout.take().expect("piped");
    let mut stderr = child.stderr.take().expect("piped");
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        stdout.read_to_string(&mut s).map(|_| s)
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        stderr.read_to_string(&mut s).map(|_| s)
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for the browser") {
            break status;
        }
        if start.elapsed() > TIMEOUT {
            child.kill().expect("kill the browser");
            child.wait().expect("reap the browser");
            panic!("the browser took more than {TIMEOUT:?} on {url}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let out = out.join().expect("reader").expect("browser stdout");
    let err = err.join().expect("reader").expect("browser stderr");
    assert!(
        status.success(),
        "browser failed ({status}) on {url}:\n{err}"
    );
    (out, err)
}

/// The DOM after the page's scripts ran, checked for script errors.
fn dump_dom(browser: &Path, page: &Path, fragment: &str) -> String {
    let url = format!("file://{}{fragment}", page.display());
    let (dom, log) = run_browser(browser, &["--dump-dom".into()], &url);
    assert!(
        dom.contains("<body"),
        "no DOM from the browser; its log:\n{log}"
    );
    assert!(
        dom.contains(r#"<ul id="errors" role="alert"></ul>"#),
        "script errors on the page:\n{}",
        section(&dom, r#"<ul id="errors""#, "</ul>")
    );
    // Console errors (logged ones, not only uncaught exceptions) reach the browser's log.
    for line in log.lines().filter(|l| l.contains("CONSOLE")) {
        assert!(
            !line.contains("Uncaught") && !line.contains("Error"),
            "console error: {line}"
        );
    }
    dom
}

/// The text from `start` to the next `end` (inclusive), or "" when absent.
fn section<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let Some(i) = text.find(start) else {
        return "";
    };
    let len = text[i..]
        .find(end)
        .map_or(text.len() - i, |j| j + end.len());
    &text[i..i + len]
}

/// The number in `attr="N"` within `text`.
fn number(text: &str, attr: &str) -> u64 {
    let re = Regex::new(&format!(r#"{attr}="(\d+)""#)).expect("regex");
    let caps = re
        .captures(text)
        .unwrap_or_else(|| panic!("no {attr} in {}", &text[..text.len().min(2000)]));
    caps[1].parse().expect("number")
}

fn write_page(dir: &Path, data: &ReportData) -> PathBuf {
    let page = dir.join("report.html");
    std::fs::write(&page, render_html(data)).expect("write the page");
    page
}

#[test]
fn report_renders_in_chromium() {
    let Some(browser) = browser() else { return };
    let dir = tempfile::tempdir().expect("temp dir");
    let data = sample(3000, true);
    let page = write_page(dir.path(), &data);
    let dom = dump_dom(&browser, &page, "");

    let body = section(&dom, "<body", ">");
    assert!(body.contains(r#"data-rendered="ok""#), "{body}");

    // The treemap: sections as groups, items inside, tiny ones folded into "others".
    let treemap = section(&dom, r#"<div id="treemap-box""#, "</svg>");
    let rects = number(treemap, "data-rects");
    assert!(
        (100..20_000).contains(&rects),
        "{rects} rectangles in the treemap"
    );
    assert_eq!(
        treemap.matches("<rect").count() as u64,
        rects + 1,
        "every box plus the hatch pattern"
    );
    assert!(treemap.contains(">code  "), "the code section is labelled");
    assert!(
        treemap.contains(r#"fill="url(#others-hatch)""#),
        "small items are grouped"
    );
    let legend = section(&dom, r#"<div id="legend""#, "</div>");
    for kind in ["function", "data", "import", "export", "others"] {
        assert!(legend.contains(kind), "legend lacks {kind}: {legend}");
    }

    // The table: capped at 1000 rows, largest retained first, names as text.
    let table = section(&dom, r#"<div id="top-table""#, "</table>");
    assert_eq!(number(table, "data-rows"), 1000);
    assert_eq!(table.matches("<tr>").count(), 1001, "header and 1000 rows");
    assert!(table.contains(r#"aria-sort="descending""#));
    let largest = data.top.iter().map(|r| r.retained).max().expect("rows");
    let first_row = section(table, "<tbody", "</tr>");
    assert!(
        first_row.contains(&commas(largest)),
        "first row is the largest ({largest}): {first_row}"
    );
    assert!(
        dom.contains("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;"),
        "the evil name is shown as text"
    );
    assert!(!dom.contains("<script>alert"));
    let status = section(&dom, r#"<span id="table-status""#, "</span>");
    let all = commas(data.top.len() as u64);
    assert!(
        status.contains(&format!("{all} of {all} items match")),
        "{status}"
    );

    // The dominator tree: the root and its children are open.
    let tree = section(&dom, r#"<ul id="dom-tree""#, ">");
    let items = number(tree, "data-items");
    assert_eq!(items, 1 + data.dominators.children.len().min(100) as u64);
    assert!(dom.contains(r#"aria-expanded="true""#));

    // The diff: its tab is shown and both tables are filled, biggest change first.
    assert!(
        !dom.contains(r#"data-view="diff" hidden"#),
        "diff tab shown"
    );
    let diff = data.diff.as_ref().expect("diff");
    let sections = section(
        &dom,
        r#"<div class="table-wrap" id="diff-sections""#,
        "</table>",
    );
    assert_eq!(number(sections, "data-rows"), diff.sections.len() as u64);
    let items = section(
        &dom,
        r#"<div class="table-wrap" id="diff-items""#,
        "</table>",
    );
    let changed = diff.items.iter().filter(|r| r.old != r.new).count();
    assert_eq!(number(items, "data-rows"), changed.min(1000) as u64);
    let biggest = diff
        .items
        .iter()
        .map(|r| r.new.abs_diff(r.old))
        .max()
        .expect("items");
    let first_row = section(items, "<tbody", "</tr>");
    assert!(
        first_row.contains(&commas(biggest)),
        "first diff row is the biggest change ({biggest}): {first_row}"
    );
    assert!(items.contains("class=\"delta grow\"") && items.contains("class=\"delta shrink\""));

    if let Some(png) = std::env::var_os(SCREENSHOT_ENV).filter(|p| !p.is_empty()) {
        screenshots(&browser, &page, Path::new(&png));
    }
}

/// Saves a screenshot of each view next to `png`, and the page itself.
fn screenshots(browser: &Path, page: &Path, png: &Path) {
    let stem = png.with_extension("");
    let html = png.with_extension("html");
    std::fs::copy(page, &html).expect("copy the page");
    for (view, fragment) in [
        ("treemap", "#treemap"),
        ("zoom", "#treemap/code"),
        ("table", "#table"),
        ("dominators", "#dominators"),
        ("diff", "#diff"),
    ] {
        let out = if view == "treemap" {
            png.to_path_buf()
        } else {
            PathBuf::from(format!("{}-{view}.png", stem.display()))
        };
        let url = format!("file://{}{fragment}", page.display());
        run_browser(browser, &[format!("--screenshot={}", out.display())], &url);
        assert!(out.is_file(), "no screenshot at {}", out.display());
        println!("screenshot: {}", out.display());
    }
    println!("page: {}", html.display());
}

/// Thousands separators, as the page writes them.
fn commas(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[test]
fn large_report_stays_fast() {
    let Some(browser) = browser() else { return };
    let dir = tempfile::tempdir().expect("temp dir");
    let data = sample(60_000, false);
    let page = write_page(dir.path(), &data);
    let dom = dump_dom(&browser, &page, "");
    let body = section(&dom, "<body", ">");
    assert!(body.contains(r#"data-rendered="ok""#), "{body}");
    // Tiny items are folded into "others", so the drawing stays small whatever the item count.
    let rects = number(section(&dom, r#"<div id="treemap-box""#, ">"), "data-rects");
    assert!((100..20_000).contains(&rects), "{rects} rectangles");
    assert_eq!(
        number(
            section(&dom, r#"<div id="top-table""#, "</table>"),
            "data-rows"
        ),
        1000
    );
    // Generous for a shared CI machine; a laptop takes a fraction of this.
    let ms = number(body, "data-render-ms");
    assert!(ms < 10_000, "rendering took {ms} ms");
    println!("60k items: {rects} rectangles, rendered in {ms} ms");
    assert!(
        dom.contains(r#"data-view="diff" hidden"#),
        "no diff tab without a diff"
    );
}

#[test]
fn treemap_zooms_from_a_link() {
    let Some(browser) = browser() else { return };
    let dir = tempfile::tempdir().expect("temp dir");
    let data = sample(3000, false);
    let page = write_page(dir.path(), &data);
    // `#treemap/<name>/...` opens the treemap zoomed in, as clicking the box does.
    let dom = dump_dom(&browser, &page, "#treemap/code");
    let crumbs = section(&dom, r#"<nav id="breadcrumb""#, "</nav>");
    assert!(
        crumbs.contains(r#"<button type="button" title="app.wasm">app.wasm</button>"#),
        "the root is a link back up: {crumbs}"
    );
    assert!(
        crumbs.contains(r#"title="code" aria-current="page">code</button>"#),
        "{crumbs}"
    );
    let code = &data.tree.children[2];
    assert!(
        crumbs.contains(&format!("{} items", commas(code.children.len() as u64 + 1))),
        "the items and the section's own bytes: {crumbs}"
    );
    let treemap = section(&dom, r#"<div id="treemap-box""#, "</svg>");
    assert!(number(treemap, "data-rects") > 100);
    assert!(
        !treemap.contains("t-head"),
        "no section headers when zoomed into one"
    );
    // A path that stops matching zooms as far as it matches.
    let dom = dump_dom(&browser, &page, "#treemap/code/no%20such%20item/x");
    let crumbs = section(&dom, r#"<nav id="breadcrumb""#, "</nav>");
    assert!(
        crumbs.contains(r#"aria-current="page">code</button>"#),
        "{crumbs}"
    );
}

#[path = "support/mod.rs"]
mod support;

/// The report of real modules, built by the size profiler as `wasm-tool size report` builds it:
/// a module written here (with a diff from an older build of it), and the largest and a
/// mid-sized corpus module when the corpus is present.
#[test]
fn real_module_reports_render() {
    let Some(browser) = browser() else { return };
    let dir = tempfile::tempdir().expect("temp dir");
    let old = wat::parse_str(
        r#"(module (memory 1) (func $main (export "main") call $work)
             (func $work i32.const 1 drop) (data (i32.const 0) "v1"))"#,
    )
    .unwrap();
    let new = wat::parse_str(
        r#"(module (memory 1) (func $main (export "main") call $work call $more)
             (func $work i32.const 1 drop) (func $more i32.const 2 drop)
             (data (i32.const 0) "version two"))"#,
    )
    .unwrap();
    let profile = |bytes: &[u8]| wasm_tool_lib::size::Profile::new(bytes).expect("profile");
    let mut reports = vec![(
        "wat".to_string(),
        ReportData::with_diff(&profile(&old), "old.wasm", &profile(&new), "new.wasm"),
    )];
    for module in support::corpus_modules().unwrap_or_default() {
        if module.name == "duckdb-mvp" || module.name == "photon" {
            let bytes = std::fs::read(&module.path).unwrap();
            reports.push((
                module.name.clone(),
                ReportData::new(&profile(&bytes), &module.name),
            ));
        }
    }
    for (name, data) in reports {
        let page = write_page(dir.path(), &data);
        let dom = dump_dom(&browser, &page, "");
        let body = section(&dom, "<body", ">");
        assert!(body.contains(r#"data-rendered="ok""#), "{name}: {body}");
        let rects = number(section(&dom, r#"<div id="treemap-box""#, ">"), "data-rects");
        assert!(rects > 0, "{name}: no treemap");
        let rows = number(
            section(&dom, r#"<div id="top-table""#, "</table>"),
            "data-rows",
        );
        assert!(rows > 0, "{name}: empty table");
        if data.diff.is_some() {
            assert!(
                !dom.contains(r#"data-view="diff" hidden"#),
                "{name}: the diff tab is hidden"
            );
        }
        println!("{name}: {rects} rectangles, {rows} table rows");
    }
}
