//! The interpreter's atomics (threads with single-threaded semantics) and SIMD memory
//! instructions on memory64 and on memories other than the first, through the embedding API:
//! what the spec scripts do not reach (the threads scripts use only a 32-bit first memory).

use wasm_tool_lib::interp::{Config, Instance, InstantiateError, Linker, Store, TrapKind, Val};

fn instantiate(wat: &str) -> (Store, Instance) {
    let wasm = wat::parse_str(wat).unwrap();
    let mut store = Store::new(Config::default());
    let instance = store.instantiate(&wasm, &Linker::new()).unwrap();
    (store, instance)
}

fn call(store: &mut Store, instance: Instance, name: &str, args: &[Val]) -> Vec<Val> {
    store.call(instance, name, args).unwrap()
}

fn trap(store: &mut Store, instance: Instance, name: &str, args: &[Val]) -> TrapKind {
    store.call(instance, name, args).unwrap_err().kind
}

#[test]
fn atomics_on_memory64_and_a_second_memory() {
    let (mut s, i) = instantiate(
        r#"(module
            (memory $a 1 1 shared)
            (memory $b i64 1 2 shared)
            (func (export "add64") (param i64 i64) (result i64)
                (i64.atomic.rmw.add $b (local.get 0) (local.get 1)))
            (func (export "load64") (param i64) (result i64)
                (i64.atomic.load $b offset=8 (local.get 0)))
            (func (export "cmpxchg16") (param i64 i32 i32) (result i32)
                (i32.atomic.rmw16.cmpxchg_u $b (local.get 0) (local.get 1) (local.get 2)))
            (func (export "load_a") (param i32) (result i32)
                (i32.atomic.load $a (local.get 0)))
            (func (export "wait64") (param i64 i64 i64) (result i32)
                (memory.atomic.wait64 $b (local.get 0) (local.get 1) (local.get 2)))
            (func (export "notify") (param i64) (result i32)
                atomic.fence
                (memory.atomic.notify $b (local.get 0) (i32.const 5))))"#,
    );
    assert_eq!(
        call(&mut s, i, "add64", &[Val::I64(8), Val::I64(-2)]),
        [Val::I64(0)]
    );
    assert_eq!(call(&mut s, i, "load64", &[Val::I64(0)]), [Val::I64(-2)]);
    assert_eq!(call(&mut s, i, "load_a", &[Val::I32(8)]), [Val::I32(0)]);
    // Memory $b holds 0xfffe at 8: a 16-bit cmpxchg compares the expected value's low bits.
    let args = [Val::I64(8), Val::I32(0x1_fffe), Val::I32(0x1234_5678)];
    assert_eq!(call(&mut s, i, "cmpxchg16", &args), [Val::I32(0xfffe)]);
    assert_eq!(
        call(&mut s, i, "load64", &[Val::I64(0)]),
        [Val::I64(-65536 | 0x5678)]
    );
    let args = [Val::I64(8), Val::I64(-65536 | 0x5678), Val::I64(10)];
    assert_eq!(call(&mut s, i, "wait64", &args), [Val::I32(2)]);
    let args = [Val::I64(8), Val::I64(0), Val::I64(-1)];
    assert_eq!(call(&mut s, i, "wait64", &args), [Val::I32(1)]);
    let args = [Val::I64(8), Val::I64(-65536 | 0x5678), Val::I64(-1)];
    assert_eq!(trap(&mut s, i, "wait64", &args), TrapKind::WaitForever);
    assert_eq!(call(&mut s, i, "notify", &[Val::I64(4)]), [Val::I32(0)]);
    // Alignment first, then bounds, with 64-bit addresses that do not wrap.
    assert_eq!(
        trap(&mut s, i, "add64", &[Val::I64(65532), Val::I64(1)]),
        TrapKind::UnalignedAtomic
    );
    assert_eq!(
        trap(&mut s, i, "add64", &[Val::I64(65536), Val::I64(1)]),
        TrapKind::MemoryOutOfBounds
    );
    assert_eq!(
        trap(&mut s, i, "load64", &[Val::I64(-8)]),
        TrapKind::MemoryOutOfBounds
    );
    assert_eq!(
        trap(&mut s, i, "notify", &[Val::I64(2)]),
        TrapKind::UnalignedAtomic
    );
}

#[test]
fn wait_needs_a_shared_memory_and_notify_does_not() {
    let (mut s, i) = instantiate(
        r#"(module
            (memory 1)
            (func (export "wait32") (param i32 i32) (result i32)
                (memory.atomic.wait32 (local.get 0) (local.get 1) (i64.const 0)))
            (func (export "notify") (param i32) (result i32)
                (memory.atomic.notify (local.get 0) (i32.const 1))))"#,
    );
    assert_eq!(
        trap(&mut s, i, "wait32", &[Val::I32(0), Val::I32(1)]),
        TrapKind::ExpectedSharedMemory
    );
    // Alignment and bounds come before the sharing check.
    assert_eq!(
        trap(&mut s, i, "wait32", &[Val::I32(65536), Val::I32(1)]),
        TrapKind::MemoryOutOfBounds
    );
    assert_eq!(call(&mut s, i, "notify", &[Val::I32(0)]), [Val::I32(0)]);
}

#[test]
fn shared_memory_imports_match_sharing_exactly() {
    let mut store = Store::new(Config::default());
    let shared = store.add_shared_memory(1, 2).unwrap();
    let plain = store.add_memory(1, Some(2)).unwrap();
    let importer = |shared: bool| {
        let ty = if shared { "1 2 shared" } else { "1 2" };
        wat::parse_str(format!(r#"(module (import "m" "mem" (memory {ty})))"#)).unwrap()
    };
    for (given, name) in [(shared, "shared"), (plain, "plain")] {
        let mut linker = Linker::new();
        linker.define("m", "mem", given);
        for want in [true, false] {
            let result = store.instantiate(&importer(want), &linker);
            let ok = want == (name == "shared");
            match result {
                Ok(_) => assert!(ok, "{name} memory linked to shared={want}"),
                Err(InstantiateError::Link(_)) => assert!(!ok, "{name} memory refused"),
                Err(other) => panic!("unexpected error {other}"),
            }
        }
    }
}

#[test]
fn simd_memory_ops_on_memory64_and_a_second_memory() {
    let (mut s, i) = instantiate(
        r#"(module
            (memory $a 1)
            (memory $b i64 1)
            (func (export "store64") (param i64 v128) (v128.store $b offset=16 (local.get 0) (local.get 1)))
            (func (export "load64") (param i64) (result v128) (v128.load $b offset=16 (local.get 0)))
            (func (export "lane64") (param i64 v128) (result v128)
                (v128.load32_lane $b 3 (local.get 0) (local.get 1)))
            (func (export "splat_a") (param i32) (result v128) (v128.load16_splat $a (local.get 0)))
            (func (export "store_lane_a") (param i32 v128) (v128.store8_lane $a 15 (local.get 0) (local.get 1))))"#,
    );
    let v = 0x0f0e0d0c_0b0a0908_07060504_03020100u128;
    assert!(call(&mut s, i, "store64", &[Val::I64(0), Val::V128(v)]).is_empty());
    assert_eq!(call(&mut s, i, "load64", &[Val::I64(0)]), [Val::V128(v)]);
    assert_eq!(
        call(&mut s, i, "lane64", &[Val::I64(20), Val::V128(0)]),
        [Val::V128(0x07060504u128 << 96)]
    );
    assert!(call(&mut s, i, "store_lane_a", &[Val::I32(3), Val::V128(v)]).is_empty());
    assert_eq!(
        call(&mut s, i, "splat_a", &[Val::I32(2)]),
        [Val::V128(0x0f00_0f00_0f00_0f00_0f00_0f00_0f00_0f00)]
    );
    // The last 16 bytes of memory $b are in bounds, one more is not; a 64-bit address plus the
    // offset must not wrap around.
    assert_eq!(
        call(&mut s, i, "load64", &[Val::I64(65536 - 32)]),
        [Val::V128(0)]
    );
    assert_eq!(
        trap(&mut s, i, "load64", &[Val::I64(65536 - 31)]),
        TrapKind::MemoryOutOfBounds
    );
    assert_eq!(
        trap(&mut s, i, "load64", &[Val::I64(-16)]),
        TrapKind::MemoryOutOfBounds
    );
    assert_eq!(
        trap(&mut s, i, "lane64", &[Val::I64(65533), Val::V128(0)]),
        TrapKind::MemoryOutOfBounds
    );
}
