//! `wasm-tool size`: where the bytes of a module go, as text, JSON or CSV.
//!
//! The views are computed by `wasm_tool_lib::size`; this file parses arguments and renders the
//! reports. JSON is the report as serialised (data rows only, with a `schema` field); text and
//! CSV are tables built by the `*_table` functions below.

use crate::io::{InputArg, OutputArg, read_path};
use anyhow::{Context, Result};
use regex::Regex;
use std::path::PathBuf;
use wasm_tool_lib::size::{
    self, DiffReport, DominatorsOptions, DominatorsReport, GarbageReport, GrowthLimit, ItemRow,
    MonosOptions, MonosReport, PathsOptions, PathsReport, Pattern, Profile, SectionsReport,
    TopOptions, TopReport, report::ReportData,
};

/// Exit status of `size diff` when `--fail-if-growth` is exceeded.
const GROWTH_EXIT: i32 = 3;

/// Show where the bytes of a module go: per section, per item, in the dominator tree, as
/// garbage, or as generic instantiations; and compare two builds.
///
/// Every byte of the file belongs to exactly one item: a function (its body, size prefix and
/// function-section entry), an import or export entry, a type (rec group), a table, memory,
/// global or tag, an element or data segment, a custom section (header included), or overhead
/// (the 8-byte preamble, and each section's id, size and count). Shallow sizes add up to the
/// file size exactly.
///
/// The roots are the exports, the start function, active segments, custom sections and
/// overhead; an item's retained size is what removing it would save (its dominator subtree).
/// Names come from the name section (Rust and C++ symbols demangled), else from an export, else
/// `func[N]`. Components are not profiled (exit 1).
#[derive(clap::Parser)]
#[command(after_help = "Examples:
  wasm-tool size sections app.wasm            Bytes per section
  wasm-tool size top -n 20 --retained app.wasm
                                              The 20 items that keep the most bytes alive
  wasm-tool size dominators --depth 3 app.wasm
  wasm-tool size paths 'core::fmt::write' app.wasm
                                              Who keeps this function in the binary
  wasm-tool size paths --regex --descending '^main$' app.wasm
  wasm-tool size garbage app.wasm             Items nothing reachable uses
  wasm-tool size monos app.wasm               Generic instantiations by family
  wasm-tool size diff old.wasm new.wasm --fail-if-growth 2%
  wasm-tool size top --format json app.wasm | jq '.rows[0]'
  wasm-tool size report app.wasm -o report.html
                                              Treemap, top items and dominators in one page
  wasm-tool size report old.wasm new.wasm -o report.html
                                              The same for the new build, with the diff

Exit status:
  0  the report was written
  1  an input could not be read, is malformed, or is a component
  2  usage error
  3  `size diff --fail-if-growth`: the file grew by more than the limit (the report is still
     written)")]
pub struct Opts {
    #[command(subcommand)]
    view: View,
}

#[derive(clap::Subcommand)]
enum View {
    /// Bytes per section, each custom section on its own row.
    Sections(Common),
    /// Items by shallow size (or retained size with `--retained`).
    Top(TopArgs),
    /// The dominator tree with retained sizes, largest first.
    Dominators(DominatorsArgs),
    /// What keeps the matching items alive (or, with `--descending`, what they keep alive).
    Paths(PathsArgs),
    /// Items unreachable from the roots, with their total size.
    Garbage(GarbageArgs),
    /// Generic instantiations grouped by generic name, with the bloat of each family.
    Monos(MonosArgs),
    /// Growth and shrinkage per item and per section between two builds.
    Diff(DiffArgs),
    /// A self-contained HTML page: zoomable treemap, top items, dominator tree, and with two
    /// inputs the diff between them. It needs no network to open.
    Report(ReportArgs),
}

/// Output format.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// Aligned columns.
    Text,
    /// Pretty-printed JSON: the data rows and a `schema` field.
    Json,
    /// Comma-separated values with a header line.
    Csv,
}

#[derive(clap::Args)]
struct Common {
    #[clap(flatten)]
    input: InputArg,
    #[clap(flatten)]
    output: OutputArg,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(clap::Args)]
struct TopArgs {
    #[clap(flatten)]
    common: Common,
    /// How many items to list (0 for all).
    #[arg(short = 'n', value_name = "N", default_value_t = 30)]
    n: usize,
    /// Sort by retained size: the bytes removing the item would save.
    #[arg(long)]
    retained: bool,
    /// Only items whose name matches this regular expression.
    #[arg(long, value_name = "REGEX")]
    filter: Option<String>,
}

#[derive(clap::Args)]
struct DominatorsArgs {
    #[clap(flatten)]
    common: Common,
    /// Levels of the tree to show (0 for all).
    #[arg(long, value_name = "N", default_value_t = 4)]
    depth: usize,
    /// At most this many rows (0 for all).
    #[arg(long, value_name = "N", default_value_t = 100)]
    rows: usize,
    /// Start from the items whose name matches this regular expression.
    #[arg(long, value_name = "REGEX")]
    filter: Option<String>,
}

#[derive(clap::Args)]
struct PathsArgs {
    /// The item's name (as `top` shows it), or a regular expression with `--regex`.
    #[arg(value_name = "NAME|REGEX")]
    pattern: String,
    #[clap(flatten)]
    common: Common,
    /// Treat the pattern as a regular expression matched anywhere in the name.
    #[arg(long)]
    regex: bool,
    /// Show what the items keep alive instead of what keeps them alive.
    #[arg(long)]
    descending: bool,
    /// Levels to show below each matching item (0 for all).
    #[arg(long, value_name = "N", default_value_t = 10)]
    depth: usize,
    /// At most this many rows (0 for all).
    #[arg(long, value_name = "N", default_value_t = 100)]
    rows: usize,
}

#[derive(clap::Args)]
struct GarbageArgs {
    #[clap(flatten)]
    common: Common,
    /// How many items to list (0 for all).
    #[arg(short = 'n', value_name = "N", default_value_t = 30)]
    n: usize,
}

#[derive(clap::Args)]
struct MonosArgs {
    #[clap(flatten)]
    common: Common,
    /// How many families to list (0 for all).
    #[arg(short = 'n', value_name = "N", default_value_t = 20)]
    n: usize,
    /// How many instantiations to list per family.
    #[arg(long, value_name = "N", default_value_t = 5)]
    members: usize,
    /// Only families whose generic name matches this regular expression.
    #[arg(long, value_name = "REGEX")]
    filter: Option<String>,
}

#[derive(clap::Args)]
struct DiffArgs {
    /// The old module.
    #[arg(value_name = "OLD")]
    old: PathBuf,
    /// The new module.
    #[arg(value_name = "NEW")]
    new: PathBuf,
    #[clap(flatten)]
    output: OutputArg,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// How many changed items to list (0 for all).
    #[arg(short = 'n', value_name = "N", default_value_t = 30)]
    n: usize,
    /// Exit with status 3 when the file grew by more than SIZE bytes (`4096`, `10KB`, `2MB`)
    /// or PERCENT of the old size (`2%`).
    #[arg(long, value_name = "SIZE|PERCENT", value_parser = parse_growth)]
    fail_if_growth: Option<GrowthLimit>,
}

#[derive(clap::Args)]
struct ReportArgs {
    /// The module (with NEW given: the old build).
    #[arg(value_name = "INPUT")]
    input: PathBuf,
    /// A newer build: the report shows it, with the diff from INPUT.
    #[arg(value_name = "NEW")]
    new: Option<PathBuf>,
    #[clap(flatten)]
    output: OutputArg,
}

fn parse_growth(s: &str) -> Result<GrowthLimit, String> {
    GrowthLimit::parse(s).map_err(|e| e.to_string())
}

/// `0` means no limit.
fn limit(n: usize) -> Option<usize> {
    (n != 0).then_some(n)
}

fn regex(pattern: &Option<String>) -> Result<Option<Regex>> {
    pattern
        .as_deref()
        .map(|p| Regex::new(p).with_context(|| format!("bad regular expression `{p}`")))
        .transpose()
}

fn load(path: &std::path::Path) -> Result<Profile> {
    let input = read_path(path)?;
    let bytes = wasm_tool_lib::input::to_binary(&input.bytes, &input.name)?;
    Profile::new(&bytes).with_context(|| format!("cannot profile `{}`", input.name))
}

/// Runs the subcommand.
pub fn run(opts: Opts) -> Result<()> {
    match opts.view {
        View::Sections(c) => {
            let p = load(&c.input.input)?;
            let r = size::sections(&p);
            emit(&c.output, c.format, &r, || sections_table(&r))
        }
        View::Top(a) => {
            let p = load(&a.common.input.input)?;
            let r = size::top(
                &p,
                &TopOptions {
                    limit: limit(a.n),
                    retained: a.retained,
                    filter: regex(&a.filter)?,
                },
            );
            emit(&a.common.output, a.common.format, &r, || top_table(&r))
        }
        View::Dominators(a) => {
            let p = load(&a.common.input.input)?;
            let r = size::dominators(
                &p,
                &DominatorsOptions {
                    depth: limit(a.depth).unwrap_or(usize::MAX),
                    rows: limit(a.rows).unwrap_or(usize::MAX),
                    filter: regex(&a.filter)?,
                },
            );
            emit(&a.common.output, a.common.format, &r, || {
                dominators_table(&r)
            })
        }
        View::Paths(a) => {
            let pattern = if a.regex {
                Pattern::Regex(regex(&Some(a.pattern.clone()))?.expect("a pattern was given"))
            } else {
                Pattern::Exact(a.pattern.clone())
            };
            let p = load(&a.common.input.input)?;
            let r = size::paths(
                &p,
                &PathsOptions {
                    pattern,
                    descending: a.descending,
                    depth: limit(a.depth).unwrap_or(usize::MAX),
                    rows: limit(a.rows).unwrap_or(usize::MAX),
                },
            );
            emit(&a.common.output, a.common.format, &r, || paths_table(&r))
        }
        View::Garbage(a) => {
            let p = load(&a.common.input.input)?;
            let r = size::garbage(&p, limit(a.n));
            emit(&a.common.output, a.common.format, &r, || garbage_table(&r))
        }
        View::Monos(a) => {
            let p = load(&a.common.input.input)?;
            let r = size::monos(
                &p,
                &MonosOptions {
                    limit: limit(a.n),
                    members: a.members,
                    filter: regex(&a.filter)?,
                },
            );
            emit(&a.common.output, a.common.format, &r, || monos_table(&r))
        }
        View::Report(a) => {
            let title = |p: &std::path::Path| p.display().to_string();
            let data = match &a.new {
                None => ReportData::new(&load(&a.input)?, &title(&a.input)),
                Some(new) => ReportData::with_diff(
                    &load(&a.input)?,
                    &title(&a.input),
                    &load(new)?,
                    &title(new),
                ),
            };
            a.output.write_text(&size::report::render_html(&data))
        }
        View::Diff(a) => {
            let old = load(&a.old)?;
            let new = load(&a.new)?;
            let r = size::diff(&old, &new, limit(a.n));
            emit(&a.output, a.format, &r, || diff_table(&r))?;
            if let Some(gate) = a.fail_if_growth
                && gate.exceeded(r.old_size, r.new_size)
            {
                let limit = match gate {
                    GrowthLimit::Bytes(b) => format!("{b} bytes"),
                    GrowthLimit::Percent(p) => format!("{p}%"),
                };
                eprintln!(
                    "error: size grew by {} bytes ({:.2}%), more than the limit of {limit}",
                    r.delta,
                    r.delta as f64 * 100.0 / r.old_size.max(1) as f64
                );
                std::process::exit(GROWTH_EXIT);
            }
            Ok(())
        }
    }
}

/// A rendered table: the header, the alignment of each column, the data rows, and text-only
/// notes printed after the table (totals, omitted rows).
struct Table {
    header: Vec<&'static str>,
    right: Vec<bool>,
    rows: Vec<Vec<String>>,
    notes: Vec<String>,
}

/// Writes the report in the chosen format.
fn emit<R: serde::Serialize>(
    output: &OutputArg,
    format: Format,
    report: &R,
    table: impl FnOnce() -> Table,
) -> Result<()> {
    let text = match format {
        Format::Json => {
            let mut json = serde_json::to_string_pretty(report)?;
            json.push('\n');
            json
        }
        Format::Text => render_text(&table()),
        Format::Csv => render_csv(&table()),
    };
    output.write_text(&text)
}

fn render_text(t: &Table) -> String {
    let mut widths: Vec<usize> = t.header.iter().map(|h| h.chars().count()).collect();
    for row in &t.rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let header: Vec<String> = t.header.iter().map(|h| h.to_string()).collect();
    for row in std::iter::once(&header).chain(&t.rows) {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            if i > 0 {
                line.push_str("  ");
            }
            let pad = widths[i].saturating_sub(cell.chars().count());
            if t.right[i] {
                line.extend(std::iter::repeat_n(' ', pad));
                line.push_str(cell);
            } else {
                line.push_str(cell);
                if i + 1 < row.len() {
                    line.extend(std::iter::repeat_n(' ', pad));
                }
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    for note in &t.notes {
        out.push_str(note);
        out.push('\n');
    }
    out
}

fn render_csv(t: &Table) -> String {
    let field = |s: &str| {
        if s.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_string()
        }
    };
    let mut out = t.header.join(",");
    out.push('\n');
    for row in &t.rows {
        // Percentages are plain numbers in CSV.
        let cells: Vec<String> = row
            .iter()
            .zip(&t.header)
            .map(|(c, h)| match h.ends_with('%') || *h == "percent" {
                true => field(c.trim_end_matches('%')),
                false => field(c.trim_start()),
            })
            .collect();
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out
}

fn pct(p: f64) -> String {
    format!("{p:.2}%")
}

fn sections_table(r: &SectionsReport) -> Table {
    Table {
        header: vec!["bytes", "percent", "items", "section"],
        right: vec![true, true, true, false],
        rows: r
            .rows
            .iter()
            .map(|s| {
                vec![
                    s.size.to_string(),
                    pct(s.percent),
                    s.items.to_string(),
                    s.section.clone(),
                ]
            })
            .collect(),
        notes: vec![format!("total: {} bytes", r.file_size)],
    }
}

fn item_cells(r: &ItemRow, name: String) -> Vec<String> {
    vec![
        r.size.to_string(),
        pct(r.size_percent),
        r.retained.to_string(),
        pct(r.retained_percent),
        r.kind.name().to_string(),
        name,
    ]
}

const ITEM_HEADER: [&str; 6] = [
    "shallow",
    "shallow%",
    "retained",
    "retained%",
    "kind",
    "item",
];
const ITEM_RIGHT: [bool; 6] = [true, true, true, true, false, false];

fn top_table(r: &TopReport) -> Table {
    let mut notes = Vec::new();
    if r.omitted_items > 0 {
        notes.push(format!(
            "... and {} more items, {} bytes",
            r.omitted_items, r.omitted_size
        ));
    }
    notes.push(format!("total: {} bytes", r.file_size));
    Table {
        header: ITEM_HEADER.to_vec(),
        right: ITEM_RIGHT.to_vec(),
        rows: r
            .rows
            .iter()
            .map(|row| item_cells(row, row.name.clone()))
            .collect(),
        notes,
    }
}

/// Indents a name by tree depth.
fn indented(depth: u32, name: &str) -> String {
    if depth == 0 {
        name.to_string()
    } else {
        format!("{}⤷ {name}", "  ".repeat(depth as usize - 1))
    }
}

fn dominators_table(r: &DominatorsReport) -> Table {
    let mut notes = vec![format!(
        "reachable: {} of {} bytes",
        r.reachable_size, r.file_size
    )];
    if r.truncated {
        notes.push("(cut at --depth or --rows)".to_string());
    }
    Table {
        header: vec!["retained", "retained%", "shallow", "depth", "kind", "item"],
        right: vec![true, true, true, true, false, false],
        rows: r
            .rows
            .iter()
            .map(|row| {
                vec![
                    row.item.retained.to_string(),
                    pct(row.item.retained_percent),
                    row.item.size.to_string(),
                    row.depth.to_string(),
                    row.item.kind.name().to_string(),
                    indented(row.depth, &row.item.name),
                ]
            })
            .collect(),
        notes,
    }
}

fn paths_table(r: &PathsReport) -> Table {
    let mut notes = Vec::new();
    if r.matched == 0 {
        notes.push("no item matches".to_string());
    }
    if r.truncated {
        notes.push("(cut at --depth or --rows)".to_string());
    }
    Table {
        header: vec!["shallow", "retained", "depth", "kind", "note", "item"],
        right: vec![true, true, true, false, false, false],
        rows: r
            .rows
            .iter()
            .map(|row| {
                vec![
                    row.item.size.to_string(),
                    row.item.retained.to_string(),
                    row.depth.to_string(),
                    row.item.kind.name().to_string(),
                    row.note.unwrap_or("").to_string(),
                    indented(row.depth, &row.item.name),
                ]
            })
            .collect(),
        notes,
    }
}

fn garbage_table(r: &GarbageReport) -> Table {
    let mut notes = Vec::new();
    if r.omitted_items > 0 {
        notes.push(format!("... and {} more items", r.omitted_items));
    }
    notes.push(format!(
        "garbage: {} items, {} bytes ({:.2}% of {} bytes)",
        r.total_items,
        r.total_size,
        r.total_size as f64 * 100.0 / r.file_size.max(1) as f64,
        r.file_size
    ));
    Table {
        header: vec!["bytes", "percent", "kind", "item"],
        right: vec![true, true, false, false],
        rows: r
            .rows
            .iter()
            .map(|row| {
                vec![
                    row.size.to_string(),
                    pct(row.size_percent),
                    row.kind.name().to_string(),
                    row.name.clone(),
                ]
            })
            .collect(),
        notes,
    }
}

fn monos_table(r: &MonosReport) -> Table {
    let mut rows = Vec::new();
    for family in &r.rows {
        rows.push(vec![
            family.bloat.to_string(),
            pct(family.bloat_percent),
            family.total_size.to_string(),
            family.instantiations.to_string(),
            family.generic.clone(),
        ]);
    }
    Table {
        header: vec!["bloat", "bloat%", "total", "copies", "generic"],
        right: vec![true, true, true, true, false],
        rows,
        notes: vec![format!(
            "{} families, {} bytes of bloat in all",
            r.total_families, r.total_bloat
        )],
    }
}

fn diff_table(r: &DiffReport) -> Table {
    let rows: Vec<Vec<String>> = r
        .rows
        .iter()
        .chain(&r.sections)
        .map(|row| {
            vec![
                format!("{:+}", row.delta),
                row.old.to_string(),
                row.new.to_string(),
                row.kind.to_string(),
                row.name.clone(),
            ]
        })
        .collect();
    let mut notes = Vec::new();
    if r.omitted_items > 0 {
        notes.push(format!(
            "... and {} more changed items, {:+} bytes",
            r.omitted_items, r.omitted_delta
        ));
    }
    notes.push(format!(
        "total: {} -> {} bytes ({:+})",
        r.old_size, r.new_size, r.delta
    ));
    Table {
        header: vec!["delta", "old", "new", "kind", "item"],
        right: vec![true, true, true, false, false],
        rows,
        notes,
    }
}
