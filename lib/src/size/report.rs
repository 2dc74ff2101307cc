//! The visual size report: one self-contained HTML page (`wasm-tool size report`).
//!
//! [`render_html`] turns a [`ReportData`] into a single page with inline CSS and JavaScript and
//! no external resources, so it opens offline and can be mailed or attached to a CI run. The page
//! shows a zoomable squarified treemap (sections → items, coloured by kind, sized by bytes), a
//! sortable and filterable table of the top items, the dominator tree as an expandable list, and,
//! when [`ReportData::diff`] is set, the growth and shrinkage between two builds.
//!
//! The data is embedded as JSON in a `<script type="application/json">` block. Every `<`, `>` and
//! `&` in it is written as a `\u00XX` escape, so no item name can close the block or open
//! another element, whatever it contains. The page only ever inserts names as text, never as
//! markup. The template lives beside this file in `report/` (`page.html`, `report.css`,
//! `report.js`); the output depends only on the data, so equal data gives equal bytes.

mod data;

pub use data::{DOMINATOR_CHILDREN, DOMINATOR_DEPTH, TOP_ROWS, TREE_CHILDREN};
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;

const TEMPLATE: &str = include_str!("report/page.html");
const STYLE: &str = include_str!("report/report.css");
const SCRIPT: &str = include_str!("report/report.js");

/// Everything the report page shows. Field names are the keys of the embedded JSON.
///
/// Kinds are free-form lowercase words; the page has fixed colours for `section`, `function`,
/// `import`, `export`, `type`, `global`, `table`, `memory`, `element`, `data`, `custom`, `debug`,
/// `name`, `header` and `overhead`, and gives any other kind a colour of its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportData {
    /// What the report is about, usually the input file name; shown in the heading.
    pub title: String,
    /// Size of the whole binary in bytes; percentages are relative to it.
    pub file_size: u64,
    /// The module as a tree: the root (the module) holds sections, sections hold items. A node's
    /// `size` may exceed the sum of its children's (section headers, vector counts): the page
    /// shows the difference as an `(own bytes)` child.
    pub tree: ReportNode,
    /// The items for the table, in any order (the page sorts them).
    pub top: Vec<ReportRow>,
    /// The dominator tree: each node retains the bytes that would go away with it.
    pub dominators: DominatorNode,
    /// The comparison with another build, for `size report OLD NEW`.
    pub diff: Option<DiffData>,
}

/// One node of the treemap: the module, a section, an item, or a group of items.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportNode {
    /// Display name, e.g. `code`, `custom "name"` or a function's (demangled) name.
    pub name: String,
    /// Kind of node, which picks its colour, e.g. `section`, `function` or `data`.
    pub kind: String,
    /// Bytes this node covers, including its children's.
    pub size: u64,
    /// The parts of this node; empty for a leaf.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<ReportNode>,
}

/// One row of the items table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportRow {
    /// Display name.
    pub name: String,
    /// Kind of item, as in [`ReportNode::kind`].
    pub kind: String,
    /// Bytes of the item itself.
    pub shallow: u64,
    /// Bytes that would go away with the item (itself and everything only it keeps alive).
    pub retained: u64,
}

/// One node of the dominator tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DominatorNode {
    /// Display name; the root is the module (or a synthetic root above the roots).
    pub name: String,
    /// Kind of item, as in [`ReportNode::kind`].
    pub kind: String,
    /// Bytes of the item itself.
    pub shallow: u64,
    /// Bytes retained: the shallow sizes of this node and all its descendants.
    pub retained: u64,
    /// The nodes this one immediately dominates, in any order (the page sorts by `retained`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<DominatorNode>,
}

/// The comparison of two builds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiffData {
    /// Name of the old build, usually its file name.
    pub old_title: String,
    /// Name of the new build.
    pub new_title: String,
    /// Size of the old binary in bytes.
    pub old_file_size: u64,
    /// Size of the new binary in bytes.
    pub new_file_size: u64,
    /// Per-section sizes, matched by name.
    pub sections: Vec<DiffRow>,
    /// Per-item sizes, matched by name; an item only in one build has 0 in the other.
    pub items: Vec<DiffRow>,
}

/// One section or item in both builds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiffRow {
    /// Display name.
    pub name: String,
    /// Kind, as in [`ReportNode::kind`].
    pub kind: String,
    /// Bytes in the old build (0 when added).
    pub old: u64,
    /// Bytes in the new build (0 when removed).
    pub new: u64,
}

/// Renders the report as one self-contained HTML page (inline CSS and JavaScript, no network).
pub fn render_html(data: &ReportData) -> String {
    let json = embedded_json(data);
    let title = escape_html(&data.title);
    let mut out = String::with_capacity(TEMPLATE.len() + STYLE.len() + SCRIPT.len() + json.len());
    // One pass over the template, so substituted text is never scanned for placeholders.
    let mut rest = TEMPLATE;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after
            .find("}}")
            .expect("bug: unclosed placeholder in the report template");
        match &after[..end] {
            "title" => out.push_str(&title),
            "style" => out.push_str(STYLE),
            "script" => out.push_str(SCRIPT),
            "data" => out.push_str(&json),
            other => panic!("bug: unknown placeholder {other:?} in the report template"),
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

/// The data as JSON that is safe inside a `<script>` element: `<`, `>` and `&` only occur in
/// JSON strings, where `\u003c` and friends mean the same characters.
fn embedded_json(data: &ReportData) -> String {
    let json = serde_json::to_string(data).expect("bug: report data always serialises");
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                write!(out, "\\u{:04x}", u32::from(c)).expect("bug: writing to a String");
            }
            c => out.push(c),
        }
    }
    out
}

/// Escapes text for an HTML element or attribute value.
fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const EVIL: &str = "</script><script>alert(1)</script>";

    fn leaf(name: &str, kind: &str, size: u64) -> ReportNode {
        ReportNode {
            name: name.into(),
            kind: kind.into(),
            size,
            children: Vec::new(),
        }
    }

    fn sample() -> ReportData {
        let code = ReportNode {
            name: "code".into(),
            kind: "section".into(),
            size: 70,
            children: vec![leaf("main", "function", 40), leaf(EVIL, "function", 25)],
        };
        let data = ReportNode {
            name: "data".into(),
            kind: "section".into(),
            size: 22,
            children: vec![leaf("<!-- &amp; -->", "data", 20)],
        };
        ReportData {
            title: "a<b>&\"c\".wasm".into(),
            file_size: 100,
            tree: ReportNode {
                name: "a.wasm".into(),
                kind: "module".into(),
                size: 100,
                children: vec![code, data],
            },
            top: vec![
                ReportRow {
                    name: "main".into(),
                    kind: "function".into(),
                    shallow: 40,
                    retained: 65,
                },
                ReportRow {
                    name: EVIL.into(),
                    kind: "function".into(),
                    shallow: 25,
                    retained: 25,
                },
            ],
            dominators: DominatorNode {
                name: "a.wasm".into(),
                kind: "module".into(),
                shallow: 8,
                retained: 100,
                children: vec![DominatorNode {
                    name: "main".into(),
                    kind: "function".into(),
                    shallow: 40,
                    retained: 65,
                    children: vec![DominatorNode {
                        name: EVIL.into(),
                        kind: "function".into(),
                        shallow: 25,
                        retained: 25,
                        children: Vec::new(),
                    }],
                }],
            },
            diff: Some(DiffData {
                old_title: "old.wasm".into(),
                new_title: "new.wasm".into(),
                old_file_size: 90,
                new_file_size: 100,
                sections: vec![DiffRow {
                    name: "code".into(),
                    kind: "section".into(),
                    old: 60,
                    new: 70,
                }],
                items: vec![DiffRow {
                    name: EVIL.into(),
                    kind: "function".into(),
                    old: 0,
                    new: 25,
                }],
            }),
        }
    }

    /// The text of the JSON block.
    fn json_block(html: &str) -> &str {
        let open = r#"<script type="application/json" id="report-data">"#;
        let start = html.find(open).expect("data block") + open.len();
        let len = html[start..].find("</script>").expect("end of data block");
        &html[start..start + len]
    }

    #[test]
    fn page_is_one_self_contained_document() {
        let html = render_html(&sample());
        assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
        assert!(html.trim_end().ends_with("</html>"));
        assert_eq!(html.matches("<html").count(), 1);
        assert_eq!(html.matches("<body").count(), 1);
        assert!(!html.contains("{{"), "every placeholder is filled");
        // The error catcher, the data and the program: three scripts, all inline.
        assert_eq!(html.matches("<script").count(), 3);
        assert_eq!(html.matches("</script>").count(), 3);
        assert!(html.contains("<style>") && html.matches("</style>").count() == 1);
        for external in [
            "src=", "href=", "<link", "@import", "fetch(", "XMLHttp", "://",
        ] {
            let allowed = usize::from(external == "://"); // the SVG namespace name
            assert_eq!(
                html.matches(external).count(),
                allowed,
                "page refers outside itself: {external}"
            );
        }
        // The only `url(...)` is the treemap's own hatch pattern.
        assert_eq!(html.matches("url(").count(), html.matches("url(#").count());
        // Headings and the views' landmarks.
        for id in [
            "treemap-box",
            "top-table",
            "dom-tree",
            "diff-body",
            "errors",
        ] {
            assert!(html.contains(&format!("id=\"{id}\"")), "missing #{id}");
        }
        assert!(html.contains("<h1"));
        assert!(html.contains("<meta charset=\"utf-8\">"));
    }

    #[test]
    fn names_cannot_break_out_of_the_data_block() {
        let data = sample();
        let html = render_html(&data);
        // The evil name appears nowhere raw, not even in the heading.
        assert!(!html.contains("<script>alert"));
        assert!(!html.contains("<!-- &amp;"));
        assert!(html.contains("<title>a&lt;b&gt;&amp;&quot;c&quot;.wasm"));
        let block = json_block(&html);
        assert!(!block.contains('<') && !block.contains('>') && !block.contains('&'));
        assert!(block.contains(r"\u003c/script\u003e\u003cscript\u003ealert(1)"));
        // The block is the data, unchanged.
        let back: ReportData = serde_json::from_str(block).expect("block is JSON");
        assert_eq!(back, data);
    }

    #[test]
    fn line_separators_are_escaped() {
        let mut data = sample();
        data.title = "a\u{2028}b\u{2029}c".into();
        let html = render_html(&data);
        let block = json_block(&html);
        assert!(block.contains(r#""title":"a\u2028b\u2029c""#));
        let back: ReportData = serde_json::from_str(block).expect("block is JSON");
        assert_eq!(back.title, data.title);
    }

    #[test]
    fn output_is_deterministic() {
        let data = sample();
        let first = render_html(&data);
        assert_eq!(first, render_html(&data.clone()));
        let mut no_diff = data;
        no_diff.diff = None;
        let other = render_html(&no_diff);
        assert_ne!(first, other);
        assert!(json_block(&other).ends_with(r#""diff":null}"#));
    }

    #[test]
    fn empty_report_renders() {
        let data = ReportData {
            title: String::new(),
            file_size: 0,
            tree: leaf("", "module", 0),
            top: Vec::new(),
            dominators: DominatorNode {
                name: String::new(),
                kind: "module".into(),
                shallow: 0,
                retained: 0,
                children: Vec::new(),
            },
            diff: None,
        };
        let html = render_html(&data);
        let back: ReportData = serde_json::from_str(json_block(&html)).expect("JSON");
        assert_eq!(back, data);
    }

    #[test]
    fn template_placeholders_are_not_expanded_from_data() {
        let mut data = sample();
        data.title = "{{script}}".into();
        data.top[0].name = "{{style}}".into();
        let html = render_html(&data);
        assert!(html.contains("<title>{{script}}"));
        assert_eq!(html.matches("<style>").count(), 1);
    }
}
