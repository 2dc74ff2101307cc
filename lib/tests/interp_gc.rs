//! The interpreter's GC support: structs and arrays on the heap, packed fields, casts, type
//! equality across modules (iso-recursive), subtyping in `call_indirect`, GC constant
//! expressions, and the heap limit.

use wasm_tool_lib::interp::{
    Config, HeapType, Instance, InstantiateError, Linker, Ref, RefKind, Store, TrapKind, Val,
};

fn instantiate(
    store: &mut Store,
    linker: &Linker,
    wat: &str,
) -> Result<Instance, InstantiateError> {
    let wasm = wat::parse_str(wat).unwrap();
    store.instantiate(&wasm, linker)
}

fn run(wat: &str, name: &str, args: &[Val]) -> Result<Vec<Val>, wasm_tool_lib::interp::Trap> {
    let mut store = Store::new(Config::default());
    let i = instantiate(&mut store, &Linker::new(), wat).unwrap();
    store.call(i, name, args)
}

#[test]
fn linked_list_of_structs_is_built_and_summed() {
    let wat = r#"(module
        (type $node (struct (field $value i64) (field $next (ref null $node))))
        (func $build (param $n i64) (result (ref null $node))
            (local $list (ref null $node))
            (block $done
                (loop $next
                    (br_if $done (i64.eqz (local.get $n)))
                    (local.set $list (struct.new $node (local.get $n) (local.get $list)))
                    (local.set $n (i64.sub (local.get $n) (i64.const 1)))
                    (br $next)))
            (local.get $list))
        (func (export "sum") (param $n i64) (result i64)
            (local $list (ref null $node)) (local $sum i64)
            (local.set $list (call $build (local.get $n)))
            (block $done
                (loop $next
                    (br_if $done (ref.is_null (local.get $list)))
                    (local.set $sum (i64.add (local.get $sum)
                        (struct.get $node $value (local.get $list))))
                    (local.set $list (struct.get $node $next (local.get $list)))
                    (br $next)))
            (local.get $sum))
        (func (export "second") (result i64)
            (struct.get $node $value
                (struct.get $node $next (call $build (i64.const 5))))))"#;
    assert_eq!(
        run(wat, "sum", &[Val::I64(10_000)]),
        Ok(vec![Val::I64(10_000 * 10_001 / 2)])
    );
    assert_eq!(run(wat, "second", &[]), Ok(vec![Val::I64(2)]));
    // Walking past the end reads a null: a trap, not a crash.
    let wat = r#"(module
        (type $node (struct (field i64) (field (ref null $node))))
        (func (export "f") (result i64)
            (struct.get $node 0 (struct.get $node 1
                (struct.new $node (i64.const 1) (ref.null $node))))))"#;
    assert_eq!(
        run(wat, "f", &[]).unwrap_err().kind,
        TrapKind::NullStructReference
    );
}

#[test]
fn packed_fields_extend_by_sign_or_zero() {
    let wat = r#"(module
        (type $s (struct (field (mut i8)) (field (mut i16)) (field v128)))
        (type $a (array (mut i8)))
        (func (export "s") (result i32 i32 i32 i32 i64)
            (local $r (ref null $s))
            (local.set $r (struct.new $s (i32.const 0x1ff) (i32.const 0x18000)
                (v128.const i64x2 7 9)))
            (struct.get_s $s 0 (local.get $r))
            (struct.get_u $s 0 (local.get $r))
            (struct.get_s $s 1 (local.get $r))
            (struct.get_u $s 1 (local.get $r))
            (i64x2.extract_lane 1 (struct.get $s 2 (local.get $r))))
        (func (export "a") (result i32 i32)
            (local $r (ref null $a))
            (local.set $r (array.new $a (i32.const 0x80) (i32.const 3)))
            (array.get_s $a (local.get $r) (i32.const 2))
            (array.get_u $a (local.get $r) (i32.const 2))))"#;
    assert_eq!(
        run(wat, "s", &[]),
        Ok(vec![
            Val::I32(-1),
            Val::I32(0xff),
            Val::I32(-32768),
            Val::I32(0x8000),
            Val::I64(9)
        ])
    );
    assert_eq!(run(wat, "a", &[]), Ok(vec![Val::I32(-128), Val::I32(0x80)]));
}

#[test]
fn array_copy_handles_overlap_in_both_directions() {
    let wat = r#"(module
        (type $a (array (mut i32)))
        (type $w (array (mut v128)))
        (func $iota (result (ref $a))
            (array.new_fixed $a 6 (i32.const 0) (i32.const 1) (i32.const 2) (i32.const 3)
                (i32.const 4) (i32.const 5)))
        (func $digits (param $r (ref $a)) (result i32)
            (local $i i32) (local $acc i32)
            (loop $l
                (local.set $acc (i32.add (i32.mul (local.get $acc) (i32.const 10))
                    (array.get $a (local.get $r) (local.get $i))))
                (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1)))
                    (array.len (local.get $r)))))
            (local.get $acc))
        (func (export "forward") (result i32)
            (local $r (ref $a))
            (local.set $r (call $iota))
            (array.copy $a $a (local.get $r) (i32.const 2) (local.get $r) (i32.const 0)
                (i32.const 4))
            (call $digits (local.get $r)))
        (func (export "backward") (result i32)
            (local $r (ref $a))
            (local.set $r (call $iota))
            (array.copy $a $a (local.get $r) (i32.const 0) (local.get $r) (i32.const 2)
                (i32.const 4))
            (call $digits (local.get $r)))
        (func (export "wide") (result i64)
            (local $r (ref $w))
            (local.set $r (array.new $w (v128.const i64x2 1 2) (i32.const 4)))
            (array.set $w (local.get $r) (i32.const 0) (v128.const i64x2 5 6))
            (array.copy $w $w (local.get $r) (i32.const 1) (local.get $r) (i32.const 0)
                (i32.const 3))
            ;; Now (5 6) (5 6) (1 2) (1 2): element 1 is the old 0, element 3 the old 2.
            (i64.add
                (i64.mul (i64x2.extract_lane 1 (array.get $w (local.get $r) (i32.const 1)))
                    (i64.const 10))
                (i64x2.extract_lane 1 (array.get $w (local.get $r) (i32.const 3)))))
        (func (export "oob") (param i32)
            (local $r (ref $a))
            (local.set $r (call $iota))
            (array.copy $a $a (local.get $r) (local.get 0) (local.get $r) (i32.const 0)
                (i32.const 4))))"#;
    assert_eq!(run(wat, "forward", &[]), Ok(vec![Val::I32(10123)]));
    assert_eq!(run(wat, "backward", &[]), Ok(vec![Val::I32(234545)]));
    assert_eq!(run(wat, "wide", &[]), Ok(vec![Val::I64(62)]));
    assert_eq!(run(wat, "oob", &[Val::I32(2)]), Ok(vec![]));
    assert_eq!(
        run(wat, "oob", &[Val::I32(3)]).unwrap_err().kind,
        TrapKind::ArrayOutOfBounds
    );
}

#[test]
fn failed_cast_traps_and_tests_follow_subtyping() {
    let wat = r#"(module
        (type $base (sub (struct (field i32))))
        (type $derived (sub $base (struct (field i32) (field i64))))
        (type $other (struct (field i32)))
        (func (export "cast_other") (result i32)
            (struct.get $other 0 (ref.cast (ref $other)
                (struct.new $derived (i32.const 1) (i64.const 2)))))
        (func (export "cast_base") (result i32)
            (struct.get $base 0 (ref.cast (ref $base)
                (struct.new $derived (i32.const 7) (i64.const 2)))))
        (func (export "tests") (result i32 i32 i32 i32 i32)
            (ref.test (ref $derived) (struct.new $base (i32.const 1)))
            (ref.test (ref struct) (struct.new $base (i32.const 1)))
            (ref.test (ref i31) (ref.i31 (i32.const 5)))
            (ref.test (ref null $other) (ref.null none))
            (ref.test (ref $other) (ref.null none)))
        (func (export "branch") (param i32) (result i32)
            (block $is_i31 (result (ref i31))
                (br_on_cast $is_i31 anyref (ref i31)
                    (select (result anyref) (ref.i31 (i32.const -3))
                        (struct.new $other (i32.const 9)) (local.get 0)))
                (return (i32.const 100)))
            (i31.get_s)))"#;
    let trap = run(wat, "cast_other", &[]).unwrap_err();
    assert_eq!(trap.kind, TrapKind::CastFailure);
    assert_eq!(trap.kind.message(), "cast failure");
    assert_eq!(run(wat, "cast_base", &[]), Ok(vec![Val::I32(7)]));
    assert_eq!(
        run(wat, "tests", &[]),
        Ok(vec![
            Val::I32(0),
            Val::I32(1),
            Val::I32(1),
            Val::I32(1),
            Val::I32(0)
        ])
    );
    assert_eq!(run(wat, "branch", &[Val::I32(1)]), Ok(vec![Val::I32(-3)]));
    assert_eq!(run(wat, "branch", &[Val::I32(0)]), Ok(vec![Val::I32(100)]));
}

#[test]
fn equal_recursion_groups_are_one_type_across_modules() {
    let mut store = Store::new(Config::default());
    let mut linker = Linker::new();
    let group = r#"(rec
            (type $list (struct (field i32) (field (ref null $list))))
            (type $f (func (param (ref null $list)) (result i32))))"#;
    let a = instantiate(
        &mut store,
        &linker,
        &format!(
            r#"(module {group}
            (table (export "table") 1 funcref)
            (func $head (export "head") (type $f) (struct.get $list 0 (local.get 0)))
            (elem (table 0) (i32.const 0) func $head))"#
        ),
    )
    .unwrap();
    linker.define_instance(&store, "a", a);
    // The same group, declared again: its types are equal, so imports link and
    // `call_indirect` through the other module's table passes its signature check.
    let b = instantiate(
        &mut store,
        &linker,
        &format!(
            r#"(module {group}
            (import "a" "head" (func $head (type $f)))
            (import "a" "table" (table 1 funcref))
            (func (export "call") (result i32)
                (call_indirect (type $f)
                    (struct.new $list (i32.const 42) (ref.null $list)) (i32.const 0))))"#
        ),
    )
    .unwrap();
    assert_eq!(store.call(b, "call", &[]), Ok(vec![Val::I32(42)]));
    // A group of another shape (the list type alone) makes a different `$f`.
    let other = instantiate(
        &mut store,
        &linker,
        r#"(module
            (rec (type $list (struct (field i32) (field (ref null $list)))))
            (type $f (func (param (ref null $list)) (result i32)))
            (import "a" "head" (func (type $f))))"#,
    );
    assert!(matches!(other, Err(InstantiateError::Link(_))), "{other:?}");
    let other = instantiate(
        &mut store,
        &linker,
        r#"(module
            (rec
                (type $list (struct (field i32) (field (ref null $list))))
                (type $f (func (param (ref null $list)) (result i32))))
            (type $g (func (param (ref null $list)) (result i32)))
            (import "a" "table" (table 1 funcref))
            (func (export "call") (result i32)
                (call_indirect (type $g) (ref.null $list) (i32.const 0))))"#,
    )
    .unwrap();
    assert_eq!(
        store.call(other, "call", &[]).unwrap_err().kind,
        TrapKind::IndirectCallTypeMismatch
    );
}

#[test]
fn call_indirect_accepts_a_declared_subtype() {
    let wat = r#"(module
        (type $super (sub (func (result i32))))
        (type $sub (sub final $super (func (result i32))))
        (type $plain (func (result i32)))
        (table 2 funcref)
        (func $f (type $sub) (i32.const 11))
        (func $g (type $plain) (i32.const 12))
        (elem (i32.const 0) func $f $g)
        (func (export "super") (param i32) (result i32)
            (call_indirect (type $super) (local.get 0))))"#;
    assert_eq!(run(wat, "super", &[Val::I32(0)]), Ok(vec![Val::I32(11)]));
    assert_eq!(
        run(wat, "super", &[Val::I32(1)]).unwrap_err().kind,
        TrapKind::IndirectCallTypeMismatch
    );
}

#[test]
fn constant_expressions_allocate_and_the_embedder_sees_objects() {
    let mut store = Store::new(Config::default());
    let i = instantiate(
        &mut store,
        &Linker::new(),
        r#"(module
        (type $pair (struct (field i32) (field f64)))
        (type $bytes (array i8))
        (global $p (export "p") (ref $pair) (struct.new $pair (i32.const 3) (f64.const 0.5)))
        (global $b (export "b") (ref $bytes) (array.new_fixed $bytes 2 (i32.const 1) (i32.const 2)))
        (global (export "i") (ref i31) (ref.i31 (i32.const -1)))
        (global (export "e") externref (extern.convert_any (ref.i31 (i32.const 4))))
        (data $d "\01\02\03\04\05\06")
        (func (export "sum") (result f64)
            (f64.add (f64.convert_i32_s (struct.get $pair 0 (global.get $p)))
                (struct.get $pair 1 (global.get $p))))
        (func (export "data") (result i32)
            (array.get_u $bytes (array.new_data $bytes $d (i32.const 2) (i32.const 3))
                (i32.const 2))))"#,
    )
    .unwrap();
    assert_eq!(store.call(i, "sum", &[]), Ok(vec![Val::f64(3.5)]));
    assert_eq!(store.call(i, "data", &[]), Ok(vec![Val::I32(5)]));
    let global = |store: &Store, name| match store.export(i, name) {
        Some(wasm_tool_lib::interp::Extern::Global(g)) => match store.global(g) {
            Some(Val::Ref(r)) => r,
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    };
    let p = global(&store, "p");
    assert_eq!(p.kind(), Some(RefKind::Object));
    assert_eq!(store.is_struct(p), Some(true));
    assert_eq!(store.is_struct(global(&store, "b")), Some(false));
    let i31 = global(&store, "i");
    assert_eq!(store.ref_type_of(i31), Some(HeapType::I31));
    assert_eq!(i31, Ref::i31(0x7fff_ffff));
    let e = global(&store, "e");
    assert_eq!(store.ref_type_of(e), Some(HeapType::Extern));
    assert_eq!(e.convert(), Ref::i31(4));
}

#[test]
fn unbounded_allocation_traps_at_the_heap_limit() {
    let mut store = Store::new(Config {
        max_gc_heap_bytes: 1 << 20,
        ..Config::default()
    });
    let i = instantiate(
        &mut store,
        &Linker::new(),
        r#"(module
        (type $a (array (mut i64)))
        (global $keep (mut (ref null $a)) (ref.null $a))
        (func (export "grow") (loop $l
            (global.set $keep (array.new_default $a (i32.const 1000)))
            (br $l)))
        (func (export "huge") (result i32)
            (array.len (array.new_default $a (i32.const -1)))))"#,
    )
    .unwrap();
    assert_eq!(
        store.call(i, "grow", &[]).unwrap_err().kind,
        TrapKind::HeapExhausted
    );
    assert_eq!(
        store.call(i, "huge", &[]).unwrap_err().kind,
        TrapKind::HeapExhausted
    );
    // A constant expression past the limit fails instantiation with the trap.
    let err = instantiate(
        &mut store,
        &Linker::new(),
        r#"(module (type $a (array i64))
            (global (ref $a) (array.new_default $a (i32.const 1000000))))"#,
    )
    .unwrap_err();
    assert!(
        matches!(&err, InstantiateError::Trap(t) if t.kind == TrapKind::HeapExhausted),
        "{err}"
    );
}

#[test]
fn references_from_the_embedder_are_checked_against_the_parameter_types() {
    let mut store = Store::new(Config::default());
    let i = instantiate(
        &mut store,
        &Linker::new(),
        r#"(module
        (type $s (struct (field i32)))
        (type $t (struct (field i64)))
        (func (export "make") (result (ref $s)) (struct.new $s (i32.const 8)))
        (func (export "make_t") (result (ref $t)) (struct.new $t (i64.const 1)))
        (func (export "get") (param (ref null $s)) (result i32)
            (struct.get $s 0 (local.get 0))))"#,
    )
    .unwrap();
    let s = store.call(i, "make", &[]).unwrap()[0];
    assert_eq!(store.call(i, "get", &[s]), Ok(vec![Val::I32(8)]));
    let t = store.call(i, "make_t", &[]).unwrap()[0];
    for bad in [
        t,
        Val::Ref(Ref::object(12_345)),
        Val::Ref(Ref::host(1)),
        Val::Ref(Ref::i31(1)),
    ] {
        let trap = store.call(i, "get", &[bad]).unwrap_err();
        assert!(
            matches!(trap.kind, TrapKind::BadInvocation(_)),
            "{bad}: {trap}"
        );
    }
}
