//! Building a [`ReportData`] from a [`Profile`]: the treemap from the attributed byte ranges
//! (so every section's children add up to the section exactly), the top items by retained size,
//! the dominator tree, and the diff against an older build.
//!
//! The page is meant to open quickly on the largest modules, so the data is bounded: beyond
//! [`TREE_CHILDREN`] items a section's smallest items are summed into one "others" node, the
//! table holds the [`TOP_ROWS`] items that retain the most, and the dominator tree keeps
//! [`DOMINATOR_CHILDREN`] children per node down to [`DOMINATOR_DEPTH`] levels, the rest summed
//! into one node per parent.

use super::{DiffData, DiffRow, DominatorNode, ReportData, ReportNode, ReportRow};
use crate::size::{ItemKind, Profile, diff};
use std::collections::BTreeMap;

/// Items per section in the treemap before the rest are summed into "others".
pub const TREE_CHILDREN: usize = 10_000;
/// Rows of the top-items table.
pub const TOP_ROWS: usize = 5000;
/// Children per node of the dominator tree before the rest are summed.
pub const DOMINATOR_CHILDREN: usize = 100;
/// Levels of the dominator tree.
pub const DOMINATOR_DEPTH: usize = 12;

impl ReportData {
    /// The report of one module, titled `title` (usually its file name).
    pub fn new(profile: &Profile, title: &str) -> ReportData {
        ReportData {
            title: title.to_string(),
            file_size: profile.file_size,
            tree: tree(profile, title),
            top: top(profile),
            dominators: dominator_tree(profile, title),
            diff: None,
        }
    }

    /// The report of `new`, with the diff from `old` (titled `old_title`).
    pub fn with_diff(old: &Profile, old_title: &str, new: &Profile, new_title: &str) -> ReportData {
        let mut data = ReportData::new(new, new_title);
        let d = diff(old, new, None);
        let row = |r: &crate::size::DiffRow| DiffRow {
            name: r.name.clone(),
            kind: page_kind_name(r.kind, &r.name).to_string(),
            old: r.old,
            new: r.new,
        };
        data.diff = Some(DiffData {
            old_title: old_title.to_string(),
            new_title: new_title.to_string(),
            old_file_size: old.file_size,
            new_file_size: new.file_size,
            sections: d.sections.iter().map(row).collect(),
            items: d.rows.iter().map(row).collect(),
        });
        data
    }
}

/// The page's kind for an item: its colours use these words.
fn page_kind(kind: ItemKind, name: &str) -> &'static str {
    page_kind_name(kind.name(), name)
}

fn page_kind_name(kind: &'static str, name: &str) -> &'static str {
    match kind {
        "func" => "function",
        "elem" => "element",
        "section-header" => "header",
        "preamble" => "overhead",
        "custom" if name.starts_with(".debug_") || name.contains("sourceMappingURL") => "debug",
        "custom" if name == "name" || name.ends_with("\"name\"") => "name",
        other => other,
    }
}

/// Module → sections → items, each section's children summing to its size.
fn tree(profile: &Profile, title: &str) -> ReportNode {
    let starts: Vec<u64> = profile.sections.iter().map(|s| s.offset).collect();
    // Bytes of each item within each section.
    let mut per_section: Vec<BTreeMap<u32, u64>> = vec![BTreeMap::new(); profile.sections.len()];
    for span in profile.spans() {
        let mut start = span.start;
        while start < span.end {
            let section = starts.partition_point(|&s| s <= start).saturating_sub(1);
            let section_end = profile
                .sections
                .get(section)
                .map_or(span.end, |s| s.offset + s.size);
            let end = span.end.min(section_end.max(start + 1));
            *per_section[section].entry(span.item).or_default() += end - start;
            start = end;
        }
    }
    let children = profile
        .sections
        .iter()
        .zip(per_section)
        .map(|(section, items)| {
            let mut nodes: Vec<ReportNode> = items
                .into_iter()
                .map(|(item, size)| {
                    let item = &profile.items[item as usize];
                    ReportNode {
                        name: item.name.clone(),
                        kind: page_kind(item.kind, &item.name).to_string(),
                        size,
                        children: Vec::new(),
                    }
                })
                .collect();
            nodes.sort_by(|a, b| b.size.cmp(&a.size).then_with(|| a.name.cmp(&b.name)));
            if nodes.len() > TREE_CHILDREN {
                let rest = nodes.split_off(TREE_CHILDREN - 1);
                nodes.push(ReportNode {
                    name: format!("{} others", rest.len()),
                    kind: "others".to_string(),
                    size: rest.iter().map(|n| n.size).sum(),
                    children: Vec::new(),
                });
            }
            let label = section.label();
            ReportNode {
                kind: page_kind_name("section", &label).to_string(),
                name: label,
                size: nodes.iter().map(|n| n.size).sum(),
                children: nodes,
            }
        })
        .collect();
    ReportNode {
        name: title.to_string(),
        kind: "module".to_string(),
        size: profile.file_size,
        children,
    }
}

/// The items that retain the most, largest first.
fn top(profile: &Profile) -> Vec<ReportRow> {
    let dom = profile.dominators();
    let mut rows: Vec<(u32, ReportRow)> = profile
        .items
        .iter()
        .enumerate()
        .filter(|(_, item)| !item.kind.is_overhead())
        .map(|(i, item)| {
            let i = i as u32;
            let row = ReportRow {
                name: item.name.clone(),
                kind: page_kind(item.kind, &item.name).to_string(),
                shallow: item.size,
                retained: if dom.is_reachable(i) {
                    dom.retained(i)
                } else {
                    item.size
                },
            };
            (i, row)
        })
        .collect();
    rows.sort_by(|(ai, a), (bi, b)| {
        b.retained
            .cmp(&a.retained)
            .then(b.shallow.cmp(&a.shallow))
            .then(ai.cmp(bi))
    });
    rows.truncate(TOP_ROWS);
    rows.into_iter().map(|(_, r)| r).collect()
}

/// The dominator tree from the virtual root, children by retained size.
fn dominator_tree(profile: &Profile, title: &str) -> DominatorNode {
    let dom = profile.dominators();
    let children = dom.children();
    let root = profile.graph.root();
    let build = |node: u32| node_of(profile, &children, node, 0);
    let mut top: Vec<u32> = children[root as usize].clone();
    sort_by_retained(profile, &mut top);
    DominatorNode {
        name: title.to_string(),
        kind: "module".to_string(),
        shallow: 0,
        retained: dom.retained(root),
        children: bounded(profile, top, build),
    }
}

fn sort_by_retained(profile: &Profile, nodes: &mut [u32]) {
    let dom = profile.dominators();
    nodes.sort_by(|&a, &b| dom.retained(b).cmp(&dom.retained(a)).then(a.cmp(&b)));
}

/// The first [`DOMINATOR_CHILDREN`] nodes built with `build`, the rest summed into one node.
fn bounded(
    profile: &Profile,
    nodes: Vec<u32>,
    build: impl Fn(u32) -> DominatorNode,
) -> Vec<DominatorNode> {
    let dom = profile.dominators();
    let mut out: Vec<DominatorNode> = nodes
        .iter()
        .take(DOMINATOR_CHILDREN)
        .map(|&n| build(n))
        .collect();
    if nodes.len() > DOMINATOR_CHILDREN {
        let rest = &nodes[DOMINATOR_CHILDREN..];
        let shallow = rest.iter().map(|&n| profile.items[n as usize].size).sum();
        out.push(DominatorNode {
            name: format!("{} more", rest.len()),
            kind: "others".to_string(),
            shallow,
            retained: rest.iter().map(|&n| dom.retained(n)).sum(),
            children: Vec::new(),
        });
    }
    out
}

fn node_of(profile: &Profile, children: &[Vec<u32>], node: u32, depth: usize) -> DominatorNode {
    let item = &profile.items[node as usize];
    let mut kids = children[node as usize].clone();
    let kids = if depth + 1 >= DOMINATOR_DEPTH {
        Vec::new()
    } else {
        sort_by_retained(profile, &mut kids);
        bounded(profile, kids, |n| node_of(profile, children, n, depth + 1))
    };
    DominatorNode {
        name: item.name.clone(),
        kind: page_kind(item.kind, &item.name).to_string(),
        shallow: item.size,
        retained: profile.dominators().retained(node),
        children: kids,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(wat: &str) -> (Vec<u8>, Profile) {
        let wasm = wat::parse_str(wat).unwrap();
        let p = Profile::new(&wasm).unwrap();
        (wasm, p)
    }

    const MODULE: &str = r#"(module
        (func $main (export "main") call $helper)
        (func $helper i32.const 1 drop)
        (func $unused)
        (data (i32.const 0) "hello")
        (memory 1))"#;

    #[test]
    fn treemap_sections_add_up_to_the_file() {
        let (wasm, p) = profile(MODULE);
        let data = ReportData::new(&p, "m.wasm");
        assert_eq!(data.tree.size, wasm.len() as u64);
        let sections: u64 = data.tree.children.iter().map(|s| s.size).sum();
        assert_eq!(sections, wasm.len() as u64);
        for s in &data.tree.children {
            assert_eq!(
                s.size,
                s.children.iter().map(|c| c.size).sum::<u64>(),
                "{}",
                s.name
            );
        }
        let code = data
            .tree
            .children
            .iter()
            .find(|s| s.name == "code")
            .unwrap();
        assert!(
            code.children
                .iter()
                .any(|c| c.name == "helper" && c.kind == "function")
        );
    }

    #[test]
    fn top_and_dominators_follow_retained_sizes() {
        let (_, p) = profile(MODULE);
        let data = ReportData::new(&p, "m.wasm");
        let main = data.top.iter().find(|r| r.name == "main").unwrap();
        let helper = data.top.iter().find(|r| r.name == "helper").unwrap();
        assert!(main.retained >= main.shallow + helper.shallow);
        assert!(data.top.windows(2).all(|w| w[0].retained >= w[1].retained));
        // `helper` hangs below `main` in the dominator tree.
        fn find<'a>(n: &'a DominatorNode, name: &str) -> Option<&'a DominatorNode> {
            if n.name == name {
                return Some(n);
            }
            n.children.iter().find_map(|c| find(c, name))
        }
        let main_node = find(&data.dominators, "main").unwrap();
        assert!(main_node.children.iter().any(|c| c.name == "helper"));
        assert!(find(&data.dominators, "unused").is_none());
    }

    #[test]
    fn diff_lists_changed_items() {
        let (_, old) = profile(MODULE);
        let (_, new) =
            profile(&MODULE.replace("i32.const 1 drop", "i32.const 1 drop i32.const 2 drop"));
        let data = ReportData::with_diff(&old, "old.wasm", &new, "new.wasm");
        let diff = data.diff.unwrap();
        let helper = diff.items.iter().find(|r| r.name == "helper").unwrap();
        assert_eq!(helper.new, helper.old + 3);
        assert_eq!(helper.kind, "function");
        assert!(diff.new_file_size > diff.old_file_size);
    }
}
