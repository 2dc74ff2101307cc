//! The `paths` view: who keeps an item alive (its referrers, up to the roots), or with
//! `descending`, what it keeps alive.
//!
//! The tree is walked depth first from each matching item, and each item is expanded once per
//! report: a later meeting prints it with `seen` and goes no further. With a depth and a row cap
//! the work is bounded by the rows printed, whatever the number of paths (which can be
//! exponential); no path is ever materialised.

use super::rows::ItemRow;
use super::{Profile, SCHEMA_VERSION};
use serde::Serialize;

/// Options of [`paths`].
#[derive(Debug, Clone)]
pub struct PathsOptions {
    /// Matches item names.
    pub pattern: Pattern,
    /// Show what the items keep alive instead of what keeps them alive.
    pub descending: bool,
    /// How many levels below each matching item to show.
    pub depth: usize,
    /// At most this many rows.
    pub rows: usize,
}

/// How item names are matched.
#[derive(Debug, Clone)]
pub enum Pattern {
    /// The whole name.
    Exact(String),
    /// A regular expression anywhere in the name.
    Regex(regex::Regex),
}

impl Pattern {
    fn is_match(&self, name: &str) -> bool {
        match self {
            Pattern::Exact(s) => s == name,
            Pattern::Regex(re) => re.is_match(name),
        }
    }
}

/// The trees of referrers (or referents) of the matching items.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PathsReport {
    /// [`SCHEMA_VERSION`].
    pub schema: u32,
    /// `ascending` (referrers) or `descending` (referents).
    pub direction: &'static str,
    /// How many items matched.
    pub matched: u64,
    /// Whether rows were left out by the depth or row limit.
    pub truncated: bool,
    /// The trees, depth first; a matching item is at depth 0.
    pub rows: Vec<PathRow>,
}

/// One node of a tree.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PathRow {
    /// Depth below the matching item.
    pub depth: u32,
    /// `root` for an item kept by definition (an export, the start function, an active
    /// segment, …), `seen` for an item expanded earlier in the report, `cycle` for an item on
    /// the current path, `unreachable` for a matching item nothing reachable refers to; none
    /// otherwise.
    pub note: Option<&'static str>,
    /// The item.
    #[serde(flatten)]
    pub item: ItemRow,
}

/// Computes the `paths` view.
pub fn paths(profile: &Profile, options: &PathsOptions) -> PathsReport {
    let graph = &profile.graph;
    let root = graph.root();
    let doms = profile.dominators();
    let mut targets: Vec<u32> = (0..profile.items.len() as u32)
        .filter(|&i| options.pattern.is_match(&profile.items[i as usize].name))
        .collect();
    targets.sort_by(|&a, &b| {
        let key = |i: u32| profile.items[i as usize].size;
        key(b).cmp(&key(a)).then(a.cmp(&b))
    });
    let next = |v: u32| -> &[u32] {
        if options.descending {
            graph.succ(v)
        } else {
            graph.pred(v)
        }
    };
    let mut expanded = vec![false; graph.len()];
    let mut on_path = vec![false; graph.len()];
    let mut rows = Vec::new();
    let mut truncated = false;
    // Frames of the depth-first walk: (node, depth, position in its neighbour list).
    let mut stack: Vec<(u32, u32, usize)> = Vec::new();
    'targets: for &t in &targets {
        stack.push((t, 0, 0));
        while let Some(frame) = stack.last_mut() {
            let (v, depth, pos) = *frame;
            if pos == 0 {
                if rows.len() >= options.rows {
                    truncated = true;
                    break 'targets;
                }
                let is_root = !options.descending && graph.pred(v).contains(&root);
                let note = if on_path[v as usize] {
                    Some("cycle")
                } else if expanded[v as usize] {
                    Some("seen")
                } else if is_root {
                    Some("root")
                } else if depth == 0 && !doms.is_reachable(v) {
                    Some("unreachable")
                } else {
                    None
                };
                rows.push(PathRow {
                    depth,
                    note,
                    item: ItemRow::new(profile, v),
                });
                if matches!(note, Some("cycle" | "seen")) {
                    stack.pop();
                    continue;
                }
                expanded[v as usize] = true;
                on_path[v as usize] = true;
                if depth as usize + 1 >= options.depth && next(v).iter().any(|&w| w != root) {
                    truncated = true;
                    on_path[v as usize] = false;
                    stack.pop();
                    continue;
                }
            }
            let neighbours = next(v);
            match neighbours[pos..].iter().position(|&w| w != root) {
                Some(skip) => {
                    let w = neighbours[pos + skip];
                    frame.2 = pos + skip + 1;
                    stack.push((w, depth + 1, 0));
                }
                None => {
                    on_path[v as usize] = false;
                    stack.pop();
                }
            }
        }
    }
    for (v, _, _) in stack.drain(..) {
        on_path[v as usize] = false;
    }
    PathsReport {
        schema: SCHEMA_VERSION,
        direction: if options.descending {
            "descending"
        } else {
            "ascending"
        },
        matched: targets.len() as u64,
        truncated,
        rows,
    }
}
