//! The dominator tree of the reference graph and the retained size of every item.
//!
//! Item `d` dominates item `i` when every path from the roots to `i` goes through `d`: removing
//! `d` would make `i` unreachable. The retained size of `d` is its own size plus the sizes of
//! everything it dominates, i.e. what removing it would save. The tree is computed with the
//! iterative algorithm of Cooper, Harvey and Kennedy ("A Simple, Fast Dominance Algorithm",
//! 2001) over a reverse postorder from the virtual root; items the root cannot reach have no
//! dominator and are garbage.

use super::graph::Graph;

/// Marks an unreachable node (and the root's own immediate dominator slot).
const NONE: u32 = u32::MAX;

/// Immediate dominators and retained sizes.
#[derive(Debug, Clone)]
pub struct Dominators {
    /// Immediate dominator per node; [`Graph::root`] for the items the root alone keeps alive;
    /// `u32::MAX` for unreachable items and for the root itself.
    idom: Vec<u32>,
    /// Retained size per node (the root's is the reachable total).
    retained: Vec<u64>,
    /// Reachable nodes in reverse postorder, the root first.
    rpo: Vec<u32>,
}

impl Dominators {
    /// Computes the dominator tree of `graph`, with `sizes[i]` the shallow size of item `i`.
    pub fn compute(graph: &Graph, sizes: &[u64]) -> Dominators {
        let n = graph.len();
        let root = graph.root();
        let rpo = reverse_postorder(graph);
        // Position in the postorder: higher is closer to the root.
        let mut po = vec![NONE; n];
        for (i, &v) in rpo.iter().enumerate() {
            po[v as usize] = (rpo.len() - 1 - i) as u32;
        }
        let mut idom = vec![NONE; n];
        idom[root as usize] = root;
        let mut changed = true;
        while changed {
            changed = false;
            for &v in &rpo[1..] {
                let mut new = NONE;
                for &p in graph.pred(v) {
                    if idom[p as usize] == NONE {
                        continue;
                    }
                    new = if new == NONE {
                        p
                    } else {
                        intersect(&idom, &po, p, new)
                    };
                }
                if new != NONE && idom[v as usize] != new {
                    idom[v as usize] = new;
                    changed = true;
                }
            }
        }
        idom[root as usize] = NONE;
        let mut retained: Vec<u64> = (0..n).map(|i| sizes.get(i).copied().unwrap_or(0)).collect();
        for &v in rpo[1..].iter().rev() {
            let d = idom[v as usize];
            retained[d as usize] += retained[v as usize];
        }
        for (i, r) in retained.iter_mut().enumerate() {
            if po[i] == NONE {
                *r = 0;
            }
        }
        Dominators {
            idom,
            retained,
            rpo,
        }
    }

    /// The immediate dominator of `node`; `None` for the root and for unreachable items.
    pub fn idom(&self, node: u32) -> Option<u32> {
        match self.idom[node as usize] {
            NONE => None,
            d => Some(d),
        }
    }

    /// Whether the root reaches `node`.
    pub fn is_reachable(&self, node: u32) -> bool {
        self.idom[node as usize] != NONE || self.rpo.first() == Some(&node)
    }

    /// The retained size of `node`: 0 for unreachable items.
    pub fn retained(&self, node: u32) -> u64 {
        self.retained[node as usize]
    }

    /// The children of every node in the dominator tree, each list in node order.
    pub fn children(&self) -> Vec<Vec<u32>> {
        let mut children = vec![Vec::new(); self.idom.len()];
        for (v, &d) in self.idom.iter().enumerate() {
            if d != NONE {
                children[d as usize].push(v as u32);
            }
        }
        children
    }
}

/// Walks up from `a` and `b` to their nearest common dominator.
fn intersect(idom: &[u32], po: &[u32], mut a: u32, mut b: u32) -> u32 {
    while a != b {
        while po[a as usize] < po[b as usize] {
            a = idom[a as usize];
        }
        while po[b as usize] < po[a as usize] {
            b = idom[b as usize];
        }
    }
    a
}

/// The nodes reachable from the root in reverse postorder, with an explicit stack (call graphs
/// are deep enough to overflow a recursive walk).
fn reverse_postorder(graph: &Graph) -> Vec<u32> {
    let n = graph.len();
    let root = graph.root();
    let mut seen = vec![false; n];
    let mut post = Vec::with_capacity(n);
    let mut stack: Vec<(u32, usize)> = vec![(root, 0)];
    seen[root as usize] = true;
    while let Some(top) = stack.last_mut() {
        let (v, next) = *top;
        let succ = graph.succ(v);
        if next < succ.len() {
            top.1 += 1;
            let w = succ[next];
            if !seen[w as usize] {
                seen[w as usize] = true;
                stack.push((w, 0));
            }
        } else {
            post.push(v);
            stack.pop();
        }
    }
    post.reverse();
    post
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Builds a graph of `n` items with the root pointing at `roots`.
    fn doms(n: u32, edges: &[(u32, u32)], roots: &[u32], sizes: &[u64]) -> (Graph, Dominators) {
        let g = Graph::new(n, edges.to_vec(), roots);
        let d = Dominators::compute(&g, sizes);
        (g, d)
    }

    #[test]
    fn chain_and_diamond() {
        // 0 -> 1 -> {2, 3} -> 4; 5 is unreachable and points into the graph.
        let edges = [(0, 1), (1, 2), (1, 3), (2, 4), (3, 4), (5, 4)];
        let (g, d) = doms(6, &edges, &[0], &[1, 10, 100, 1000, 10000, 7]);
        let root = g.root();
        assert_eq!(d.idom(0), Some(root));
        assert_eq!(d.idom(1), Some(0));
        assert_eq!(d.idom(2), Some(1));
        assert_eq!(d.idom(3), Some(1));
        // Two ways reach 4: only 1 dominates it.
        assert_eq!(d.idom(4), Some(1));
        assert_eq!(d.idom(5), None);
        assert!(!d.is_reachable(5));
        assert!(d.is_reachable(root));
        assert_eq!(d.retained(2), 100);
        assert_eq!(d.retained(1), 11110);
        assert_eq!(d.retained(0), 11111);
        assert_eq!(d.retained(root), 11111);
        assert_eq!(d.retained(5), 0);
    }

    #[test]
    fn two_roots_share_a_callee() {
        // Roots 0 and 1 both call 2: only the root dominates it.
        let (g, d) = doms(3, &[(0, 2), (1, 2)], &[0, 1], &[1, 1, 5]);
        assert_eq!(d.idom(2), Some(g.root()));
        assert_eq!(d.retained(0), 1);
        assert_eq!(d.retained(g.root()), 7);
    }

    #[test]
    fn loops_and_cycles() {
        // 0 -> 1 -> 2 -> 3 -> 1 (cycle), 2 -> 4, 3 -> 4.
        let edges = [(0, 1), (1, 2), (2, 3), (3, 1), (2, 4), (3, 4)];
        let (_, d) = doms(5, &edges, &[0], &[1, 1, 1, 1, 1]);
        assert_eq!(d.idom(1), Some(0));
        assert_eq!(d.idom(2), Some(1));
        assert_eq!(d.idom(3), Some(2));
        assert_eq!(d.idom(4), Some(2));
        assert_eq!(d.retained(1), 4);
        let children = d.children();
        assert_eq!(children[2], vec![3, 4]);
    }

    #[test]
    fn classic_irreducible_graph() {
        // The example of Cooper, Harvey and Kennedy's figure 4: 5 -> {4, 3}, 4 -> 1, 3 -> 2,
        // 1 <-> 2. Renumbered: a=0 (entry) -> {1, 2}, 1 -> 3, 2 -> 4, 3 <-> 4.
        let edges = [(0, 1), (0, 2), (1, 3), (2, 4), (3, 4), (4, 3)];
        let (_, d) = doms(5, &edges, &[0], &[1; 5]);
        for v in 1..5 {
            assert_eq!(d.idom(v), Some(0), "node {v}");
        }
    }
}
