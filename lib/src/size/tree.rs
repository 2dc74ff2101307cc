//! The `dominators` view: the dominator tree, largest retained size first, cut at a depth and a
//! number of rows.

use super::rows::ItemRow;
use super::{Profile, SCHEMA_VERSION};
use serde::Serialize;

/// Options of [`dominators`].
#[derive(Debug, Clone)]
pub struct DominatorsOptions {
    /// How many levels below each starting node to show (1 shows the starting nodes only).
    pub depth: usize,
    /// At most this many rows.
    pub rows: usize,
    /// Start from the items whose name matches instead of from the root's children.
    pub filter: Option<regex::Regex>,
}

impl Default for DominatorsOptions {
    fn default() -> Self {
        DominatorsOptions {
            depth: 4,
            rows: 100,
            filter: None,
        }
    }
}

/// The dominator tree, flattened in depth-first order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DominatorsReport {
    /// [`SCHEMA_VERSION`].
    pub schema: u32,
    /// The file's size.
    pub file_size: u64,
    /// Bytes reachable from the roots (the file size minus garbage).
    pub reachable_size: u64,
    /// Whether rows were left out by the depth or row limit.
    pub truncated: bool,
    /// The tree, parents before children, siblings by retained size.
    pub rows: Vec<DominatorRow>,
}

/// One node of the tree.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DominatorRow {
    /// Depth below the starting nodes (which are at 0).
    pub depth: u32,
    /// The immediate dominator's item id; none when the roots alone keep the item.
    pub dominator: Option<u32>,
    /// How many items it immediately dominates.
    pub children: u32,
    /// The item.
    #[serde(flatten)]
    pub item: ItemRow,
}

/// Computes the `dominators` view.
pub fn dominators(profile: &Profile, options: &DominatorsOptions) -> DominatorsReport {
    let doms = profile.dominators();
    let root = profile.graph.root();
    let children = doms.children();
    let by_retained = |v: &mut Vec<u32>| {
        v.sort_by(|&a, &b| doms.retained(b).cmp(&doms.retained(a)).then(a.cmp(&b)));
    };
    let mut starts: Vec<u32> = match &options.filter {
        None => children[root as usize].clone(),
        Some(re) => (0..profile.items.len() as u32)
            .filter(|&i| doms.is_reachable(i) && re.is_match(&profile.items[i as usize].name))
            .collect(),
    };
    by_retained(&mut starts);
    let mut rows = Vec::new();
    let mut truncated = false;
    // Depth-first with an explicit stack of (node, depth), children pushed in reverse.
    let mut stack: Vec<(u32, u32)> = starts.iter().rev().map(|&s| (s, 0)).collect();
    while let Some((v, depth)) = stack.pop() {
        if rows.len() >= options.rows {
            truncated = true;
            break;
        }
        let kids = &children[v as usize];
        rows.push(DominatorRow {
            depth,
            dominator: doms.idom(v).filter(|&d| d != root),
            children: kids.len() as u32,
            item: ItemRow::new(profile, v),
        });
        if kids.is_empty() {
            continue;
        }
        if (depth as usize + 1) < options.depth {
            let mut kids = kids.clone();
            by_retained(&mut kids);
            stack.extend(kids.iter().rev().map(|&k| (k, depth + 1)));
        } else {
            truncated = true;
        }
    }
    DominatorsReport {
        schema: SCHEMA_VERSION,
        file_size: profile.file_size,
        reachable_size: doms.retained(root),
        truncated,
        rows,
    }
}
