//! Tests of the profile: exact byte accounting, names, the graph and the views.

use super::*;

fn profile(wat: &str) -> (Vec<u8>, Profile) {
    let wasm = wat::parse_str(wat).unwrap();
    let p = Profile::new(&wasm).unwrap();
    check_accounting(&wasm, &p);
    (wasm, p)
}

/// The spans tile the file exactly and each item's size is the sum of its spans.
pub(crate) fn check_accounting(wasm: &[u8], p: &Profile) {
    let total: u64 = p.items.iter().map(|i| i.size).sum();
    assert_eq!(
        total,
        wasm.len() as u64,
        "item sizes add up to the file size"
    );
    let sections: u64 = p.sections.iter().map(|s| s.size).sum();
    assert_eq!(
        sections,
        wasm.len() as u64,
        "sections add up to the file size"
    );
    let mut spans = p.spans().to_vec();
    spans.sort_by_key(|s| s.start);
    let mut at = 0;
    let mut per_item = vec![0u64; p.items.len()];
    for s in &spans {
        assert_eq!(s.start, at, "spans are contiguous");
        assert!(s.end > s.start);
        at = s.end;
        per_item[s.item as usize] += s.end - s.start;
    }
    assert_eq!(at, wasm.len() as u64);
    for (item, size) in p.items.iter().zip(per_item) {
        assert_eq!(item.size, size, "{}", item.name);
    }
}

fn find<'p>(p: &'p Profile, name: &str) -> (u32, &'p Item) {
    let (i, item) = p
        .items
        .iter()
        .enumerate()
        .find(|(_, i)| i.name == name)
        .unwrap_or_else(|| panic!("no item {name}"));
    (i as u32, item)
}

const SAMPLE: &str = r#"(module
    (type $t (func (param i32) (result i32)))
    (import "env" "log" (func $log (param i32)))
    (import "env" "mem" (memory 1))
    (table 4 funcref)
    (global $g (mut i32) (i32.const 0))
    (func $main (export "main") (param i32) (result i32)
        local.get 0
        call $helper
        global.get $g
        i32.add)
    (func $helper (type $t)
        local.get 0
        call $log
        local.get 0
        i32.const 0
        call_indirect (type $t))
    (func $in_table (type $t) local.get 0)
    (func $dead (param i32) (result i32) local.get 0 call $dead2)
    (func $dead2 (param i32) (result i32) local.get 0 i32.const 1 i32.add)
    (func (param i32) (result i32) local.get 0)
    (elem (i32.const 0) func $in_table)
    (data (i32.const 16) "hello")
    (data "passive, unused")
    (@custom "extra" "0123456789")
)"#;

#[test]
fn accounting_on_assorted_modules() {
    for wat in [
        "(module)",
        SAMPLE,
        "(module (func) (func) (start 0))",
        r#"(module (memory 1) (data (i32.const 0) "abc") (data "xyz") (func (data.drop 1)))"#,
        r#"(module (type (struct (field i32))) (rec (type (array i8)) (type (func)))
            (func (type 2)) (tag (param i32)) (func (throw 0 (i32.const 1))))"#,
        r#"(module (table 1 funcref) (elem declare func 0) (func (drop (ref.func 0)))
            (elem (table 0) (i32.const 0) funcref (ref.func 0)))"#,
    ] {
        profile(wat);
    }
}

#[test]
fn accounting_with_non_canonical_lebs() {
    // A type section whose size and count use padded LEBs, and a body with a padded size.
    let wasm: Vec<u8> = [
        b"\0asm\x01\0\0\0".as_slice(),
        &[1, 0x85, 0x80, 0x80, 0x80, 0, 0x81, 0, 0x60, 0, 0], // type section, 1 type
        &[3, 2, 1, 0],                                        // function section
        &[10, 6, 1, 0x82, 0x80, 0, 0, 0x0b],                  // code, padded body size
    ]
    .concat();
    let p = Profile::new(&wasm).unwrap();
    check_accounting(&wasm, &p);
    let (_, f) = find(&p, "func[0]");
    // Body: 3 size bytes + locals + end, plus its 1-byte function-section entry.
    assert_eq!(f.size, 3 + 2 + 1);
}

#[test]
fn names_fall_back_to_exports_then_indices() {
    let wat = r#"(module
        (func $named)
        (func (export "exported"))
        (func)
        (func $_ZN4core3ptr13drop_in_place17h0123456789abcdefE)
        (global (export "g") i32 (i32.const 0)))"#;
    let (_, p) = profile(wat);
    let funcs: Vec<&str> = p
        .items
        .iter()
        .filter(|i| i.kind == ItemKind::Func)
        .map(|i| i.name.as_str())
        .collect();
    assert_eq!(
        funcs,
        ["named", "exported", "func[2]", "core::ptr::drop_in_place"]
    );
    find(&p, "g");
    find(&p, "export \"exported\"");
}

#[test]
fn graph_garbage_and_retained_sizes() {
    let (_, p) = profile(SAMPLE);
    let (main, _) = find(&p, "main");
    let (helper, helper_item) = find(&p, "helper");
    let (dead, dead_item) = find(&p, "dead");
    let (dead2, dead2_item) = find(&p, "dead2");
    let (in_table, _) = find(&p, "in_table");
    let (log, _) = find(&p, "env::log");
    assert!(p.graph.succ(main).contains(&helper));
    assert!(p.graph.succ(helper).contains(&log));
    let doms = p.dominators();
    assert!(doms.is_reachable(in_table), "kept by the active segment");
    assert!(!doms.is_reachable(dead));
    assert!(!doms.is_reachable(dead2));
    assert_eq!(doms.idom(helper), Some(main));
    // helper alone keeps env::log alive; the type is shared with others.
    assert_eq!(doms.idom(log), Some(helper));
    assert!(doms.retained(helper) >= helper_item.size + p.items[log as usize].size);

    let g = garbage(&p, None);
    let names: Vec<&str> = g.rows.iter().map(|r| r.name.as_str()).collect();
    assert!(names.contains(&"dead") && names.contains(&"dead2") && names.contains(&"func[6]"));
    assert!(
        names.contains(&"data[1]"),
        "the unused passive segment: {names:?}"
    );
    assert!(!names.contains(&"main"));
    assert_eq!(g.total_items, g.rows.len() as u64);
    assert_eq!(g.total_size, g.rows.iter().map(|r| r.size).sum::<u64>());
    assert!(g.total_size >= dead_item.size + dead2_item.size);
    // The reachable total plus garbage is the whole file.
    let root = p.graph.root();
    assert_eq!(doms.retained(root) + g.total_size, p.file_size);
}

#[test]
fn views_are_consistent() {
    let (wasm, p) = profile(SAMPLE);
    let s = sections(&p);
    assert_eq!(
        s.rows.iter().map(|r| r.size).sum::<u64>(),
        wasm.len() as u64
    );
    assert_eq!(s.rows[0].section, "preamble");
    assert!(s.rows.iter().any(|r| r.section == "custom \"extra\""));

    let t = top(
        &p,
        &TopOptions {
            limit: Some(3),
            retained: false,
            filter: None,
        },
    );
    assert_eq!(t.rows.len(), 3);
    assert!(t.rows.windows(2).all(|w| w[0].size >= w[1].size));
    assert_eq!(
        t.rows.iter().map(|r| r.size).sum::<u64>() + t.omitted_size,
        wasm.len() as u64
    );
    let t = top(
        &p,
        &TopOptions {
            limit: None,
            retained: true,
            filter: Some(regex::Regex::new("^main$").unwrap()),
        },
    );
    assert_eq!(t.rows.len(), 1);
    assert!(t.rows[0].retained > t.rows[0].size);

    let d = dominators(&p, &DominatorsOptions::default());
    assert!(
        d.rows
            .iter()
            .any(|r| r.item.name == "helper" && r.depth >= 1)
    );
    assert!(d.rows.iter().all(|r| r.item.retained >= r.item.size));
    let d1 = dominators(
        &p,
        &DominatorsOptions {
            depth: 1,
            rows: 2,
            filter: None,
        },
    );
    assert_eq!(d1.rows.len(), 2);
    assert!(d1.truncated);
    assert!(d1.rows.iter().all(|r| r.depth == 0));
}

#[test]
fn paths_up_and_down() {
    let (_, p) = profile(SAMPLE);
    let up = paths(
        &p,
        &PathsOptions {
            pattern: Pattern::Exact("env::log".into()),
            descending: false,
            depth: 10,
            rows: 100,
        },
    );
    let chain: Vec<(u32, &str, Option<&str>)> = up
        .rows
        .iter()
        .map(|r| (r.depth, r.item.name.as_str(), r.note))
        .collect();
    assert_eq!(
        chain,
        [
            (0, "env::log", None),
            (1, "helper", None),
            (2, "main", None),
            (3, "export \"main\"", Some("root")),
        ]
    );
    let down = paths(
        &p,
        &PathsOptions {
            pattern: Pattern::Regex(regex::Regex::new("^dead$").unwrap()),
            descending: true,
            depth: 10,
            rows: 100,
        },
    );
    assert_eq!(down.rows[0].note, Some("unreachable"));
    assert!(
        down.rows
            .iter()
            .any(|r| r.item.name == "dead2" && r.depth == 1)
    );
    // Recursion is cut: helper's call_indirect type edge and the dead2 chain end.
    let capped = paths(
        &p,
        &PathsOptions {
            pattern: Pattern::Regex(regex::Regex::new(".").unwrap()),
            descending: false,
            depth: 3,
            rows: 5,
        },
    );
    assert_eq!(capped.rows.len(), 5);
    assert!(capped.truncated);
}

#[test]
fn recursive_functions_are_cycles_not_loops() {
    let (_, p) = profile(r#"(module (func $a (export "a") call $b) (func $b call $a call $b))"#);
    let r = paths(
        &p,
        &PathsOptions {
            pattern: Pattern::Exact("b".into()),
            descending: false,
            depth: 50,
            rows: 50,
        },
    );
    let rows: Vec<(u32, &str, Option<&str>)> = r
        .rows
        .iter()
        .map(|r| (r.depth, r.item.name.as_str(), r.note))
        .collect();
    assert_eq!(
        rows,
        [
            (0, "b", None),
            (1, "a", None),
            (2, "b", Some("cycle")),
            (2, "export \"a\"", Some("root")),
        ]
    );
}

#[test]
fn monos_group_instantiations() {
    let (_, p) = profile(
        r#"(module
        (func $_ZN4core3ptr13drop_in_place17h0000000000000001E (export "a"))
        (func $drop_in_place<u8> (export "b") nop nop nop)
        (func $drop_in_place<u16> (export "c") nop)
        (func $drop_in_place<u32> (export "d"))
        (func $other<T> (export "e")))"#,
    );
    let m = monos(&p, &MonosOptions::default());
    assert_eq!(m.rows.len(), 1);
    let row = &m.rows[0];
    assert_eq!(row.generic, "drop_in_place<…>");
    assert_eq!(row.instantiations, 3);
    assert_eq!(row.members[0].name, "drop_in_place<u8>");
    assert_eq!(row.bloat, row.total_size - row.members[0].size);
    assert_eq!(m.total_bloat, row.bloat);
}

#[test]
fn diff_matches_items_by_name() {
    let (_, old) = profile(r#"(module (func $a (export "a") nop) (func $gone))"#);
    let (_, new) =
        profile(r#"(module (func $a (export "a") nop nop nop) (func $added (export "b")))"#);
    let d = diff(&old, &new, None);
    assert_eq!(d.delta, new.file_size as i64 - old.file_size as i64);
    let find = |name: &str| d.rows.iter().find(|r| r.name == name).unwrap();
    assert_eq!(find("a").delta, 2);
    assert_eq!(find("gone").new, 0);
    assert_eq!(find("added").old, 0);
    assert!(d.sections.iter().any(|s| s.name == "code"));
    assert!(
        d.rows
            .windows(2)
            .all(|w| w[0].delta.abs() >= w[1].delta.abs())
    );
    // Items plus sections explain the whole change.
    assert_eq!(d.rows.iter().map(|r| r.delta).sum::<i64>(), d.delta);
    assert_eq!(d.sections.iter().map(|r| r.delta).sum::<i64>(), d.delta);
}

#[test]
fn components_and_bad_input_are_errors() {
    let component = wat::parse_str("(component)").unwrap();
    let e = Profile::new(&component).unwrap_err();
    assert!(e.to_string().contains("component"), "{e}");
    let wasm = wat::parse_str(SAMPLE).unwrap();
    // Every prefix either fails or, when it ends on a section boundary, is fully accounted.
    for cut in 0..wasm.len() {
        if let Ok(p) = Profile::new(&wasm[..cut]) {
            check_accounting(&wasm[..cut], &p);
        }
    }
    assert!(Profile::new(&wasm[..wasm.len() - 1]).is_err());
}

#[test]
fn output_does_not_depend_on_thread_count() {
    let wat: String = (0..300)
        .map(|i| {
            format!(
                "(func $f{i} (export \"f{i}\") call $f{})",
                (i * 7 + 1) % 300
            )
        })
        .collect();
    let wasm = wat::parse_str(format!("(module {wat})")).unwrap();
    let run = |threads| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            let p = Profile::new(&wasm).unwrap();
            let d = dominators(&p, &DominatorsOptions::default());
            (p.items.clone(), d)
        })
    };
    assert_eq!(run(1), run(4));
}
