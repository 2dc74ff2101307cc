//! `wasm-tool info`: a summary of a module's sections and contents, as text or JSON.
//!
//! The report is computed by `wasm_tool_lib::info::module_info`; this file only renders it.

use crate::io::{InputArg, OutputArg};
use anyhow::Result;
use std::fmt::Write as _;
use wasm_tool_lib::info::{InfoOptions, InputKind, ModuleInfo, module_info};

/// Show a module's section table, imports, exports, memories, the features it uses, custom
/// sections (names, DWARF, producers, …) and its largest functions.
///
/// Features are found from the contents: every function body is scanned and each operator is
/// attributed to the proposal it comes from, and types, memories, tables and segments are
/// checked too. The `target_features` section, when present, is listed separately.
///
/// For a component only the top-level section table is shown.
#[derive(clap::Parser)]
#[command(after_help = "Examples:
  wasm-tool info app.wasm               Report on a module
  wasm-tool objdump app.wasm -n 20      The same, listing the 20 largest functions
  wasm-tool info --json app.wasm | jq .features
                                        Machine-readable report (schema 1)
  wasm-tool info module.wat             Text input is parsed first

Exit status:
  0  the report was written
  1  the input could not be read or is malformed (the error names the offset)
  2  usage error")]
pub struct Opts {
    #[clap(flatten)]
    input: InputArg,

    #[clap(flatten)]
    output: OutputArg,

    /// Print JSON instead of text (pretty-printed, with a `"schema": 1` field).
    #[arg(long)]
    json: bool,

    /// How many of the largest functions to list.
    #[arg(short = 'n', long = "largest", value_name = "N", default_value_t = 10)]
    largest: usize,

    /// List every import and export in the text report (by default the first 20 of each; JSON
    /// always has them all).
    #[arg(long)]
    all: bool,
}

/// How many imports and exports the text report lists without `--all`.
const LIST_LIMIT: usize = 20;

/// Runs the subcommand.
pub fn run(opts: Opts) -> Result<()> {
    let input = opts.input.read_binary()?;
    let info = module_info(
        &input.bytes,
        &InfoOptions {
            largest_functions: opts.largest,
        },
    )?;
    if opts.json {
        let mut json = serde_json::to_string_pretty(&info)?;
        json.push('\n');
        opts.output.write_text(&json)
    } else {
        let limit = if opts.all { usize::MAX } else { LIST_LIMIT };
        opts.output.write_text(&render(&input.name, &info, limit))
    }
}

/// Renders the report as aligned text.
/// Imports and exports beyond `limit` are summarised in one line.
fn render(name: &str, info: &ModuleInfo, limit: usize) -> String {
    let mut out = String::new();
    let kind = match info.kind {
        InputKind::Module => "module",
        InputKind::Component => "component",
    };
    let _ = writeln!(
        out,
        "{name}: {kind}, version {}, {} bytes",
        info.version, info.size
    );
    sections(&mut out, info);
    if info.kind == InputKind::Component {
        return out;
    }
    contents(&mut out, info);
    imports_exports(&mut out, info, limit);
    features(&mut out, info);
    custom(&mut out, info);
    largest(&mut out, info);
    out
}

/// Column alignment for [`table`].
#[derive(Clone, Copy)]
enum Align {
    Left,
    Right,
}

/// Writes rows as columns separated by two spaces, indented by two. The last column is never
/// padded, so no line ends in spaces.
fn table(out: &mut String, header: Option<&[&str]>, align: &[Align], rows: &[Vec<String>]) {
    let mut widths = vec![0; align.len()];
    let header_row: Option<Vec<String>> = header.map(|h| h.iter().map(|s| s.to_string()).collect());
    for row in header_row.iter().chain(rows) {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    for row in header_row.iter().chain(rows) {
        let last = row.iter().rposition(|c| !c.is_empty()).unwrap_or(0);
        let mut line = String::from("  ");
        for (i, cell) in row.iter().enumerate().take(last + 1) {
            if i > 0 {
                line.push_str("  ");
            }
            let pad = widths[i] - cell.chars().count();
            match align[i] {
                Align::Right => {
                    line.extend(std::iter::repeat_n(' ', pad));
                    line.push_str(cell);
                }
                Align::Left => {
                    line.push_str(cell);
                    if i < last {
                        line.extend(std::iter::repeat_n(' ', pad));
                    }
                }
            }
        }
        out.push_str(&line);
        out.push('\n');
    }
}

fn heading(out: &mut String, title: &str) {
    let _ = writeln!(out, "\n{title}:");
}

fn sections(out: &mut String, info: &ModuleInfo) {
    heading(out, "Sections");
    let rows: Vec<Vec<String>> = info
        .sections
        .iter()
        .map(|s| {
            vec![
                s.id.to_string(),
                s.kind.clone(),
                format!("{:#010x}", s.offset),
                format!("{:#010x}", s.payload_offset + s.size),
                s.size.to_string(),
                s.count.map(|c| c.to_string()).unwrap_or_default(),
                s.name
                    .as_deref()
                    .map(|n| format!("\"{}\"", n.escape_debug()))
                    .unwrap_or_default(),
            ]
        })
        .collect();
    use Align::*;
    table(
        out,
        Some(&["id", "kind", "start", "end", "size", "count", "name"]),
        &[Right, Left, Left, Left, Right, Right, Left],
        &rows,
    );
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn contents(out: &mut String, info: &ModuleInfo) {
    heading(out, "Contents");
    let t = &info.types;
    let mut type_kinds = vec![format!("func {}", t.func)];
    for (n, what) in [(t.r#struct, "struct"), (t.array, "array"), (t.cont, "cont")] {
        if n > 0 {
            type_kinds.push(format!("{what} {n}"));
        }
    }
    let mut types = format!("{} ({})", t.total, type_kinds.join(", "));
    if t.rec_groups != t.total {
        let _ = write!(
            types,
            " in {}",
            plural(u64::from(t.rec_groups), "rec group", "rec groups")
        );
    }
    let counts = |imported: u32, defined: u32| format!("{defined} defined, {imported} imported");
    let g = &info.globals;
    let d = &info.data;
    let e = &info.elements;
    let mut rows = vec![
        vec!["types".to_string(), types],
        vec![
            "functions".into(),
            counts(info.functions.imported, info.functions.defined),
        ],
        vec![
            "tables".into(),
            counts(
                info.tables.iter().filter(|t| t.imported).count() as u32,
                info.tables.iter().filter(|t| !t.imported).count() as u32,
            ),
        ],
        vec![
            "memories".into(),
            counts(
                info.memories.iter().filter(|m| m.imported).count() as u32,
                info.memories.iter().filter(|m| !m.imported).count() as u32,
            ),
        ],
        vec![
            "globals".into(),
            format!("{}, {} mutable", counts(g.imported, g.defined), g.mutable),
        ],
        vec!["tags".into(), counts(info.tags.imported, info.tags.defined)],
        vec![
            "data".into(),
            format!(
                "{} ({} active, {} passive), {}",
                plural(u64::from(d.active + d.passive), "segment", "segments"),
                d.active,
                d.passive,
                plural(d.bytes, "byte", "bytes")
            ),
        ],
        vec![
            "elements".into(),
            format!(
                "{} ({} active, {} passive, {} declared), {}",
                plural(
                    u64::from(e.active + e.passive + e.declared),
                    "segment",
                    "segments"
                ),
                e.active,
                e.passive,
                e.declared,
                plural(e.items, "item", "items")
            ),
        ],
    ];
    if let Some(start) = &info.start {
        rows.push(vec![
            "start".into(),
            func_label(start.index, start.name.as_deref()),
        ]);
    }
    table(out, None, &[Align::Left, Align::Left], &rows);

    use Align::*;
    if !info.memories.is_empty() {
        heading(out, "Memories");
        let rows: Vec<Vec<String>> = info
            .memories
            .iter()
            .map(|m| {
                let detail = format!("page {}", m.page_size);
                limits_row(
                    m.index, m.imported, m.memory64, m.min, m.max, detail, m.shared,
                )
            })
            .collect();
        table(
            out,
            None,
            &[Right, Left, Left, Right, Right, Right, Left],
            &rows,
        );
    }
    if !info.tables.is_empty() {
        heading(out, "Tables");
        let rows: Vec<Vec<String>> = info
            .tables
            .iter()
            .map(|t| {
                let detail = t.element_type.clone();
                limits_row(
                    t.index, t.imported, t.table64, t.min, t.max, detail, t.shared,
                )
            })
            .collect();
        table(
            out,
            None,
            &[Right, Left, Left, Right, Right, Left, Left],
            &rows,
        );
    }
}

/// One row of the memories or tables list: index, origin, index type, limits, the kind's own
/// detail (page size, element type), and whether it is shared.
fn limits_row(
    index: u32,
    imported: bool,
    is64: bool,
    min: u64,
    max: Option<u64>,
    detail: String,
    shared: bool,
) -> Vec<String> {
    vec![
        index.to_string(),
        if imported { "imported" } else { "defined" }.into(),
        if is64 { "i64" } else { "i32" }.into(),
        format!("min {min}"),
        max.map_or_else(|| "no max".into(), |x| format!("max {x}")),
        detail,
        if shared { "shared" } else { "" }.into(),
    ]
}

fn func_label(index: u32, name: Option<&str>) -> String {
    match name {
        Some(name) => format!("func {index} `{name}`"),
        None => format!("func {index}"),
    }
}

/// Writes the line that stands for the rows left out of a list.
fn more(out: &mut String, total: usize, limit: usize) {
    if total > limit {
        let _ = writeln!(out, "  ... and {} more (--all lists them)", total - limit);
    }
}

fn imports_exports(out: &mut String, info: &ModuleInfo, limit: usize) {
    use Align::*;
    if !info.imports.is_empty() {
        heading(out, &format!("Imports ({})", info.imports.len()));
        let rows: Vec<Vec<String>> = info
            .imports
            .iter()
            .take(limit)
            .map(|i| {
                vec![
                    i.kind.to_string(),
                    i.index.to_string(),
                    format!("{}.{}", i.module, i.name),
                    i.r#type.clone(),
                ]
            })
            .collect();
        table(out, None, &[Left, Right, Left, Left], &rows);
        more(out, info.imports.len(), limit);
    }
    if !info.exports.is_empty() {
        heading(out, &format!("Exports ({})", info.exports.len()));
        let rows: Vec<Vec<String>> = info
            .exports
            .iter()
            .take(limit)
            .map(|e| {
                vec![
                    e.kind.to_string(),
                    e.index.to_string(),
                    format!("\"{}\"", e.name.escape_debug()),
                    e.function_name
                        .as_deref()
                        .map(|n| format!("`{n}`"))
                        .unwrap_or_default(),
                ]
            })
            .collect();
        table(out, None, &[Left, Right, Left, Left], &rows);
        more(out, info.exports.len(), limit);
    }
}

fn features(out: &mut String, info: &ModuleInfo) {
    heading(out, "Features used");
    if info.features.is_empty() {
        out.push_str("  none beyond WebAssembly 1.0\n");
    } else {
        let rows: Vec<Vec<String>> = info
            .features
            .iter()
            .map(|f| {
                let first = match (&f.first_operator, f.first_operator_function) {
                    (Some(op), Some(func)) => format!("{op} (func {func})"),
                    (Some(op), None) => format!("{op} (const expr)"),
                    (None, _) => String::new(),
                };
                vec![
                    f.feature.name().to_string(),
                    f.operators.to_string(),
                    f.functions.to_string(),
                    first,
                    f.evidence
                        .iter()
                        .map(|e| e.name())
                        .collect::<Vec<_>>()
                        .join(", "),
                ]
            })
            .collect();
        use Align::*;
        table(
            out,
            Some(&["feature", "ops", "funcs", "first op", "other evidence"]),
            &[Left, Right, Right, Left, Left],
            &rows,
        );
    }
    if let Some(tf) = &info.custom.target_features {
        let list: Vec<String> = tf
            .iter()
            .map(|t| format!("{}{}", t.prefix, t.name))
            .collect();
        let _ = writeln!(
            out,
            "  target_features section: {}",
            if list.is_empty() {
                "empty".into()
            } else {
                list.join(" ")
            }
        );
    }
}

fn custom(out: &mut String, info: &ModuleInfo) {
    let c = &info.custom;
    let mut rows: Vec<Vec<String>> = Vec::new();
    let sizes = |list: &[wasm_tool_lib::info::NamedSize]| {
        list.iter()
            .map(|s| format!("{} {}", s.name, s.size))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if let Some(n) = &c.name_section {
        let subs: Vec<String> = n
            .subsections
            .iter()
            .map(|s| match s.count {
                Some(count) => format!("{} {count}", s.kind),
                None => s.kind.clone(),
            })
            .collect();
        rows.push(vec![
            "name".into(),
            plural(n.size, "byte", "bytes"),
            subs.join(", "),
        ]);
    }
    if !c.dwarf.is_empty() {
        rows.push(vec![
            "DWARF".into(),
            plural(c.dwarf_size, "byte", "bytes"),
            sizes(&c.dwarf),
        ]);
    }
    if let Some(url) = &c.source_mapping_url {
        rows.push(vec!["sourceMappingURL".into(), url.clone(), String::new()]);
    }
    if let Some(url) = &c.external_debug_info {
        rows.push(vec![
            "external_debug_info".into(),
            url.clone(),
            String::new(),
        ]);
    }
    if let Some(size) = c.dylink0 {
        rows.push(vec![
            "dylink.0".into(),
            plural(size, "byte", "bytes"),
            String::new(),
        ]);
    }
    if let Some(size) = c.linking {
        rows.push(vec![
            "linking".into(),
            plural(size, "byte", "bytes"),
            String::new(),
        ]);
    }
    for (label, list) in [
        ("reloc", &c.reloc),
        ("code metadata", &c.code_metadata),
        ("component-type", &c.component_type),
    ] {
        if !list.is_empty() {
            let total: u64 = list.iter().map(|s| s.size).sum();
            rows.push(vec![
                label.into(),
                plural(total, "byte", "bytes"),
                sizes(list),
            ]);
        }
    }
    if !rows.is_empty() {
        heading(out, "Debug and toolchain sections");
        table(out, None, &[Align::Left, Align::Right, Align::Left], &rows);
    }
    if let Some(producers) = &c.producers {
        heading(out, "Producers");
        let rows: Vec<Vec<String>> = producers
            .iter()
            .map(|f| {
                let values: Vec<String> = f
                    .values
                    .iter()
                    .map(|v| {
                        if v.version.is_empty() {
                            v.name.clone()
                        } else {
                            format!("{} {}", v.name, v.version)
                        }
                    })
                    .collect();
                vec![f.name.clone(), values.join(", ")]
            })
            .collect();
        table(out, None, &[Align::Left, Align::Left], &rows);
    }
    if !c.errors.is_empty() {
        heading(out, "Undecodable custom sections");
        for e in &c.errors {
            let _ = writeln!(
                out,
                "  \"{}\": {} (at offset {:#x})",
                e.section.escape_debug(),
                e.message,
                e.offset
            );
        }
    }
}

fn largest(out: &mut String, info: &ModuleInfo) {
    if info.largest_functions.is_empty() {
        return;
    }
    heading(
        out,
        &format!(
            "Largest functions ({} of {})",
            info.largest_functions.len(),
            info.functions.defined
        ),
    );
    let rows: Vec<Vec<String>> = info
        .largest_functions
        .iter()
        .map(|f| {
            vec![
                f.index.to_string(),
                f.size.to_string(),
                format!("{:.1}%", f.percent),
                // Without a name section, the export name still tells what the function is.
                match (&f.name, &f.export) {
                    (Some(name), _) => name.clone(),
                    (None, Some(export)) => format!("(export \"{}\")", export.escape_debug()),
                    (None, None) => String::new(),
                },
            ]
        })
        .collect();
    use Align::*;
    table(
        out,
        Some(&["func", "size", "code", "name"]),
        &[Right, Right, Right, Left],
        &rows,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_aligns_and_never_ends_in_spaces() {
        let mut out = String::new();
        let rows = vec![
            vec!["a".into(), "1".into(), String::new()],
            vec!["bbb".into(), "22".into(), "x".into()],
        ];
        table(
            &mut out,
            None,
            &[Align::Left, Align::Right, Align::Left],
            &rows,
        );
        assert_eq!(out, "  a     1\n  bbb  22  x\n");
    }

    #[test]
    fn text_report_lists_sections_and_features() {
        let wasm = wat::parse_str(
            r#"(module (memory 1) (func $f (export "run") (result v128) v128.const i64x2 0 0))"#,
        )
        .unwrap();
        let info = module_info(&wasm, &InfoOptions::default()).unwrap();
        let text = render("t.wasm", &info, usize::MAX);
        assert!(
            text.starts_with(&format!(
                "t.wasm: module, version 1, {} bytes\n",
                wasm.len()
            )),
            "{text}"
        );
        assert!(text.contains("\n  simd "), "{text}");
        assert!(text.contains("\"run\"  `f`"), "{text}");
        assert!(!text.lines().any(|l| l.ends_with(' ')), "{text}");
    }

    #[test]
    fn json_has_schema_and_data() {
        let wasm = wat::parse_str(
            "(module (func $f (export \"f\") (result i32) i32.const 1 return_call $f))",
        )
        .unwrap();
        let info = module_info(&wasm, &InfoOptions::default()).unwrap();
        let json: serde_json::Value =
            serde_json::from_str(&serde_json::to_string_pretty(&info).unwrap()).unwrap();
        assert_eq!(json["schema"], 1);
        assert_eq!(json["kind"], "module");
        assert_eq!(json["features"][0]["feature"], "tail-call");
        assert_eq!(json["features"][0]["first_operator"], "ReturnCall");
        assert_eq!(json["exports"][0]["function_name"], "f");
        assert_eq!(json["sections"][0]["kind"], "type");
    }

    #[test]
    fn long_lists_are_cut_unless_asked() {
        let mut wat = String::from("(module (func $f)");
        for i in 0..25 {
            wat.push_str(&format!("(export \"e{i}\" (func $f))"));
        }
        wat.push(')');
        let info = module_info(&wat::parse_str(&wat).unwrap(), &InfoOptions::default()).unwrap();
        let cut = render("t.wasm", &info, LIST_LIMIT);
        assert!(cut.contains("\"e19\"") && !cut.contains("\"e20\""), "{cut}");
        assert!(
            cut.contains("  ... and 5 more (--all lists them)\n"),
            "{cut}"
        );
        let all = render("t.wasm", &info, usize::MAX);
        assert!(
            all.contains("\"e24\"") && !all.contains("more (--all"),
            "{all}"
        );
    }
}
