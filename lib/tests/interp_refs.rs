//! The interpreter's reference types, tables, bulk memory, multi-memory and memory64, through
//! the embedding API: the edge cases of bounds and growth that the spec scripts touch only in
//! passing.

use wasm_tool_lib::interp::{Config, Extern, Instance, Linker, Ref, Store, TrapKind, Val};

fn instantiate(wat: &str) -> (Store, Instance) {
    let wasm = wat::parse_str(wat).unwrap();
    let mut store = Store::new(Config::default());
    let instance = store.instantiate(&wasm, &Linker::new()).unwrap();
    (store, instance)
}

fn trap(store: &mut Store, instance: Instance, name: &str, args: &[Val]) -> TrapKind {
    store.call(instance, name, args).unwrap_err().kind
}

#[test]
fn table_grow_returns_minus_one_past_the_maximum() {
    let (mut store, i) = instantiate(
        r#"(module
            (table $t 1 3 externref)
            (table $t64 i64 0 funcref)
            (func (export "grow") (param externref i32) (result i32)
                (table.grow $t (local.get 0) (local.get 1)))
            (func (export "grow64") (param i64) (result i64)
                (table.grow $t64 (ref.null func) (local.get 0)))
            (func (export "get") (param i32) (result externref) (table.get $t (local.get 0)))
            (func (export "size") (result i32) (table.size $t)))"#,
    );
    let host = Val::Ref(Ref::host(7));
    assert_eq!(
        store.call(i, "grow", &[host, Val::I32(2)]).unwrap(),
        [Val::I32(1)]
    );
    assert_eq!(
        store.call(i, "grow", &[host, Val::I32(1)]).unwrap(),
        [Val::I32(-1)]
    );
    assert_eq!(store.call(i, "size", &[]).unwrap(), [Val::I32(3)]);
    assert_eq!(store.call(i, "get", &[Val::I32(2)]).unwrap(), [host]);
    assert_eq!(
        store.call(i, "get", &[Val::I32(0)]).unwrap(),
        [Val::Ref(Ref::NULL)]
    );
    assert_eq!(
        trap(&mut store, i, "get", &[Val::I32(3)]),
        TrapKind::TableOutOfBounds
    );
    assert_eq!(
        store.call(i, "grow64", &[Val::I64(-1)]).unwrap(),
        [Val::I64(-1)]
    );
    assert_eq!(
        store.call(i, "grow64", &[Val::I64(2)]).unwrap(),
        [Val::I64(0)]
    );
}

#[test]
fn function_references_round_trip_and_call_indirect_through_any_table() {
    let (mut store, i) = instantiate(
        r#"(module
            (type $r (func (result i32)))
            (table $a 2 funcref)
            (table $b 2 funcref (ref.func $seven))
            (func $seven (type $r) (i32.const 7))
            (func (export "ref") (result funcref) (ref.func $seven))
            (func (export "is_null") (param funcref) (result i32) (ref.is_null (local.get 0)))
            (func (export "set") (param i32 funcref) (table.set $a (local.get 0) (local.get 1)))
            (func (export "call_a") (param i32) (result i32)
                (call_indirect $a (type $r) (local.get 0)))
            (func (export "call_b") (param i32) (result i32)
                (call_indirect $b (type $r) (local.get 0))))"#,
    );
    let f = store.call(i, "ref", &[]).unwrap()[0];
    let Val::Ref(r) = f else {
        panic!("not a reference: {f}")
    };
    assert!(r.as_func().is_some());
    assert_eq!(store.call(i, "is_null", &[f]).unwrap(), [Val::I32(0)]);
    assert_eq!(
        store.call(i, "is_null", &[Val::Ref(Ref::NULL)]).unwrap(),
        [Val::I32(1)]
    );
    assert_eq!(
        store.call(i, "call_b", &[Val::I32(1)]).unwrap(),
        [Val::I32(7)]
    );
    assert_eq!(
        trap(&mut store, i, "call_a", &[Val::I32(1)]),
        TrapKind::UninitializedElement
    );
    store.call(i, "set", &[Val::I32(1), f]).unwrap();
    assert_eq!(
        store.call(i, "call_a", &[Val::I32(1)]).unwrap(),
        [Val::I32(7)]
    );
    assert_eq!(
        trap(&mut store, i, "call_a", &[Val::I32(2)]),
        TrapKind::UndefinedElement
    );
}

#[test]
fn bulk_memory_traps_before_writing_and_copies_overlapping_ranges() {
    let (mut store, i) = instantiate(
        r#"(module
            (memory (export "mem") 1)
            (data $d "\01\02\03\04")
            (func (export "init") (param i32 i32 i32)
                (memory.init $d (local.get 0) (local.get 1) (local.get 2)))
            (func (export "drop") (data.drop $d))
            (func (export "copy") (param i32 i32 i32)
                (memory.copy (local.get 0) (local.get 1) (local.get 2)))
            (func (export "fill") (param i32 i32 i32)
                (memory.fill (local.get 0) (local.get 1) (local.get 2))))"#,
    );
    let Some(Extern::Memory(m)) = store.export(i, "mem") else {
        panic!("no memory")
    };
    let call = |store: &mut Store, name: &str, a: i32, b: i32, c: i32| {
        store.call(i, name, &[Val::I32(a), Val::I32(b), Val::I32(c)])
    };
    call(&mut store, "init", 0, 0, 4).unwrap();
    call(&mut store, "copy", 1, 0, 4).unwrap();
    assert_eq!(store.memory(m).unwrap().data()[..5], [1, 1, 2, 3, 4]);
    call(&mut store, "copy", 0, 1, 4).unwrap();
    assert_eq!(store.memory(m).unwrap().data()[..5], [1, 2, 3, 4, 4]);
    // Partly out of bounds: nothing is written.
    let err = call(&mut store, "fill", 65534, 9, 3).unwrap_err();
    assert_eq!(err.kind, TrapKind::MemoryOutOfBounds);
    assert_eq!(store.memory(m).unwrap().data()[65534..], [0, 0]);
    let err = call(&mut store, "init", 65534, 0, 3).unwrap_err();
    assert_eq!(err.kind, TrapKind::MemoryOutOfBounds);
    assert_eq!(store.memory(m).unwrap().data()[65534..], [0, 0]);
    // Zero-length accesses at the very end are fine; one past it is not.
    call(&mut store, "copy", 65536, 65536, 0).unwrap();
    assert!(call(&mut store, "copy", 65537, 0, 0).is_err());
    // A dropped segment has length zero.
    store.call(i, "drop", &[]).unwrap();
    call(&mut store, "init", 0, 0, 0).unwrap();
    assert!(call(&mut store, "init", 0, 0, 1).is_err());
}

#[test]
fn memory64_and_multi_memory_addresses() {
    let (mut store, i) = instantiate(
        r#"(module
            (memory $m0 1)
            (memory $m64 i64 1 2)
            (func (export "load64") (param i64) (result i32)
                (i32.load8_u $m64 offset=0xffff_ffff_ffff_fff0 (local.get 0)))
            (func (export "store1") (param i32 i32)
                (i32.store $m64 (i64.extend_i32_u (local.get 0)) (local.get 1)))
            (func (export "load0") (param i32) (result i32) (i32.load $m0 (local.get 0)))
            (func (export "load1") (param i64) (result i32) (i32.load $m64 (local.get 0)))
            (func (export "grow") (param i64) (result i64) (memory.grow $m64 (local.get 0)))
            (func (export "size") (result i64) (memory.size $m64)))"#,
    );
    // Address + offset overflows 64 bits: a trap, not a wrap-around to address 0.
    assert_eq!(
        trap(&mut store, i, "load64", &[Val::I64(0x20)]),
        TrapKind::MemoryOutOfBounds
    );
    assert_eq!(
        trap(&mut store, i, "load64", &[Val::I64(0x10)]),
        TrapKind::MemoryOutOfBounds
    );
    store
        .call(i, "store1", &[Val::I32(8), Val::I32(0x0102_0304)])
        .unwrap();
    assert_eq!(
        store.call(i, "load1", &[Val::I64(8)]).unwrap(),
        [Val::I32(0x0102_0304)]
    );
    assert_eq!(
        store.call(i, "load0", &[Val::I32(8)]).unwrap(),
        [Val::I32(0)]
    );
    assert_eq!(
        store.call(i, "grow", &[Val::I64(2)]).unwrap(),
        [Val::I64(-1)]
    );
    assert_eq!(
        store.call(i, "grow", &[Val::I64(1)]).unwrap(),
        [Val::I64(1)]
    );
    assert_eq!(store.call(i, "size", &[]).unwrap(), [Val::I64(2)]);
}

#[test]
fn extended_constant_expressions_and_table_initializers() {
    let (mut store, i) = instantiate(
        r#"(module
            (global $a i32 (i32.const 6))
            (global $b i32 (i32.mul (global.get $a) (i32.sub (i32.const 10) (i32.const 3))))
            (global $f (export "f") funcref (ref.func $g))
            (global $n (export "n") externref (ref.null extern))
            (func $g)
            (func (export "b") (result i32) (global.get $b)))"#,
    );
    assert_eq!(store.call(i, "b", &[]).unwrap(), [Val::I32(42)]);
    let Some(Extern::Global(n)) = store.export(i, "n") else {
        panic!("no global")
    };
    assert_eq!(store.global(n), Some(Val::Ref(Ref::NULL)));
    let Some(Extern::Global(f)) = store.export(i, "f") else {
        panic!("no global")
    };
    assert!(matches!(store.global(f), Some(Val::Ref(r)) if r.as_func().is_some()));
}
