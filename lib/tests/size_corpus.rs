//! The size profiler on the real-world corpus: every byte of every module is attributed to
//! exactly one item, and every view runs.

mod support;

use wasm_tool_lib::size::{self, Profile};

#[test]
fn every_corpus_module_is_fully_accounted() {
    let Some(modules) = support::corpus_modules() else {
        return;
    };
    for m in modules {
        let wasm = std::fs::read(&m.path).unwrap();
        let p = match Profile::new(&wasm) {
            Ok(p) => p,
            Err(e) if matches!(e.kind(), wasm_tool_lib::ErrorKind::Component { .. }) => continue,
            Err(e) => panic!("{}: {e}", m.name),
        };
        let total: u64 = p.items.iter().map(|i| i.size).sum();
        assert_eq!(total, wasm.len() as u64, "{}", m.name);
        let mut spans = p.spans().to_vec();
        spans.sort_by_key(|s| s.start);
        let mut at = 0;
        for s in &spans {
            assert_eq!(s.start, at, "{}: gap or overlap", m.name);
            at = s.end;
        }
        assert_eq!(at, wasm.len() as u64, "{}", m.name);
        // Reachable plus garbage is the whole file.
        let garbage = size::garbage(&p, Some(0));
        let root = p.graph.root();
        assert_eq!(
            p.dominators().retained(root) + garbage.total_size,
            wasm.len() as u64,
            "{}",
            m.name
        );
    }
}
