//! The reference graph between items, in compressed sparse row form.
//!
//! Node `i` is item `i`; one more node, [`Graph::root`], stands for the module's outside: it
//! points at the items that are kept by definition (exports, the start function, active
//! segments, custom sections and overhead). Successors and predecessors are both stored, each
//! list sorted and free of duplicates.

/// A directed graph over items plus a virtual root.
#[derive(Debug, Clone)]
pub struct Graph {
    succ_start: Vec<u32>,
    succ: Vec<u32>,
    pred_start: Vec<u32>,
    pred: Vec<u32>,
}

impl Graph {
    /// Builds the graph of `items` nodes from `(from, to)` edges and the root set. Self edges are
    /// dropped (they matter to no view).
    pub fn new(items: u32, mut edges: Vec<(u32, u32)>, roots: &[u32]) -> Graph {
        let root = items;
        edges.extend(roots.iter().map(|&r| (root, r)));
        edges.retain(|&(a, b)| a != b && a <= root && b < root);
        edges.sort_unstable();
        edges.dedup();
        let n = items as usize + 1;
        let (succ_start, succ) = csr(n, edges.iter().copied());
        let mut reversed: Vec<(u32, u32)> = edges.into_iter().map(|(a, b)| (b, a)).collect();
        reversed.sort_unstable();
        let (pred_start, pred) = csr(n, reversed.into_iter());
        Graph {
            succ_start,
            succ,
            pred_start,
            pred,
        }
    }

    /// The virtual root's node id (one past the last item).
    pub fn root(&self) -> u32 {
        self.succ_start.len() as u32 - 2
    }

    /// Number of nodes, the virtual root included.
    pub fn len(&self) -> usize {
        self.succ_start.len() - 1
    }

    /// Whether the graph has no items (the root is always there).
    pub fn is_empty(&self) -> bool {
        self.len() <= 1
    }

    /// What `node` refers to.
    pub fn succ(&self, node: u32) -> &[u32] {
        let n = node as usize;
        &self.succ[self.succ_start[n] as usize..self.succ_start[n + 1] as usize]
    }

    /// What refers to `node` (the root included for root items).
    pub fn pred(&self, node: u32) -> &[u32] {
        let n = node as usize;
        &self.pred[self.pred_start[n] as usize..self.pred_start[n + 1] as usize]
    }

    /// Number of edges, root edges included.
    pub fn edge_count(&self) -> usize {
        self.succ.len()
    }
}

/// Packs sorted `(from, to)` pairs into start offsets and targets.
fn csr(n: usize, edges: impl Iterator<Item = (u32, u32)>) -> (Vec<u32>, Vec<u32>) {
    let mut start = vec![0u32; n + 1];
    let mut targets = Vec::new();
    for (from, to) in edges {
        start[from as usize + 1] += 1;
        targets.push(to);
    }
    for i in 0..n {
        start[i + 1] += start[i];
    }
    (start, targets)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csr_both_ways() {
        let g = Graph::new(3, vec![(0, 1), (0, 2), (1, 2), (0, 1), (2, 2)], &[0]);
        assert_eq!(g.root(), 3);
        assert_eq!(g.len(), 4);
        assert_eq!(g.succ(0), &[1, 2]);
        assert_eq!(g.succ(2), &[] as &[u32]);
        assert_eq!(g.succ(3), &[0]);
        assert_eq!(g.pred(2), &[0, 1]);
        assert_eq!(g.pred(0), &[3]);
        assert_eq!(g.edge_count(), 4);
    }
}
