//! The interpreter's control features: tail calls in constant space, function references,
//! exceptions (exnref and legacy) across frames and to the embedder, wide arithmetic.

use wasm_tool_lib::interp::{
    Config, Extern, FuncType, Instance, Linker, Ref, RefKind, Store, TrapKind, Val, ValType,
};

fn instantiate(store: &mut Store, wat: &str) -> Instance {
    let wasm = wat::parse_str(wat).unwrap();
    store.instantiate(&wasm, &Linker::new()).unwrap()
}

fn run(wat: &str, name: &str, args: &[Val]) -> Result<Vec<Val>, wasm_tool_lib::interp::Trap> {
    let mut store = Store::new(Config::default());
    let i = instantiate(&mut store, wat);
    store.call(i, name, args)
}

#[test]
fn tail_recursion_of_ten_million_calls_runs_in_constant_space() {
    // A small call depth and value stack: only tail calls can count this far.
    let config = Config {
        max_call_depth: 100,
        max_stack_cells: 1024,
        ..Config::default()
    };
    let mut store = Store::new(config);
    let i = instantiate(
        &mut store,
        r#"(module
            (type $t (func (param i64 i64) (result i64)))
            (table funcref (elem $odd))
            (func $count (export "count") (param $n i64) (param $acc i64) (result i64)
                (if (result i64) (i64.eqz (local.get $n))
                    (then (local.get $acc))
                    (else (return_call $count (i64.sub (local.get $n) (i64.const 1))
                                              (i64.add (local.get $acc) (i64.const 2))))))
            (func $even (export "even") (param $n i64) (param $acc i64) (result i64)
                (if (result i64) (i64.eqz (local.get $n))
                    (then (local.get $acc))
                    (else (return_call_indirect (type $t)
                            (i64.sub (local.get $n) (i64.const 1)) (local.get $acc)
                            (i32.const 0)))))
            (func $odd (param $n i64) (param $acc i64) (result i64)
                (return_call $even (local.get $n) (i64.add (local.get $acc) (i64.const 1)))))"#,
    );
    assert_eq!(
        store.call(i, "count", &[Val::I64(10_000_000), Val::I64(0)]),
        Ok(vec![Val::I64(20_000_000)])
    );
    assert_eq!(
        store.call(i, "even", &[Val::I64(1_000_000), Val::I64(0)]),
        Ok(vec![Val::I64(1_000_000)])
    );
}

#[test]
fn tail_call_to_a_host_function_returns_its_results() {
    let mut store = Store::new(Config::default());
    let double = store.add_host_func(FuncType::new([ValType::I32], [ValType::I32]), |_, args| {
        let Val::I32(v) = args[0] else {
            return Ok(vec![]);
        };
        Ok(vec![Val::I32(v * 2)])
    });
    let mut linker = Linker::new();
    linker.define("host", "double", double);
    let wasm = wat::parse_str(
        r#"(module
            (import "host" "double" (func $double (param i32) (result i32)))
            (func $f (param i32) (result i32) (return_call $double (local.get 0)))
            (func (export "g") (param i32) (result i32)
                (i32.add (call $f (local.get 0)) (i32.const 1))))"#,
    )
    .unwrap();
    let i = store.instantiate(&wasm, &linker).unwrap();
    assert_eq!(store.call(i, "g", &[Val::I32(20)]), Ok(vec![Val::I32(41)]));
}

#[test]
fn call_ref_and_null_checks() {
    let wat = r#"(module
        (type $t (func (param i32) (result i32)))
        (func $inc (type $t) (i32.add (local.get 0) (i32.const 1)))
        (elem declare func $inc)
        (func (export "apply") (param i32) (result i32)
            (call_ref $t (local.get 0) (ref.func $inc)))
        (func (export "null") (result i32)
            (call_ref $t (i32.const 0) (ref.null $t)))
        (func (export "as_non_null") (result i32)
            (drop (ref.as_non_null (ref.null func))) (i32.const 0))
        (func (export "on_null") (param i32) (result i32)
            (local $r (ref null $t))
            (if (local.get 0) (then (local.set $r (ref.func $inc))))
            (block $null
                (return (call_ref $t (i32.const 10) (br_on_null $null (local.get $r)))))
            (i32.const -1))
        (func (export "on_non_null") (param i32) (result i32)
            (local $r (ref null $t))
            (if (local.get 0) (then (local.set $r (ref.func $inc))))
            (block $some (result (ref $t))
                (br_on_non_null $some (local.get $r))
                (return (i32.const -1)))
            (local.set $r)
            (return_call_ref $t (i32.const 20) (local.get $r))))"#;
    assert_eq!(run(wat, "apply", &[Val::I32(4)]), Ok(vec![Val::I32(5)]));
    let trap = run(wat, "null", &[]).unwrap_err();
    assert_eq!(trap.kind, TrapKind::NullFunctionReference);
    let trap = run(wat, "as_non_null", &[]).unwrap_err();
    assert_eq!(trap.kind, TrapKind::NullReference);
    assert_eq!(run(wat, "on_null", &[Val::I32(1)]), Ok(vec![Val::I32(11)]));
    assert_eq!(run(wat, "on_null", &[Val::I32(0)]), Ok(vec![Val::I32(-1)]));
    assert_eq!(
        run(wat, "on_non_null", &[Val::I32(1)]),
        Ok(vec![Val::I32(21)])
    );
    assert_eq!(
        run(wat, "on_non_null", &[Val::I32(0)]),
        Ok(vec![Val::I32(-1)])
    );
}

const THROWING: &str = r#"
    (tag $e (param i32 i64))
    (tag $other (param f64))
    (func $deep (param i32)
        (if (i32.eqz (local.get 0))
            (then (throw $e (i32.const 7) (i64.const 8))))
        (call $deep (i32.sub (local.get 0) (i32.const 1))))
"#;

#[test]
fn an_exception_crosses_several_frames_and_is_caught() {
    let wat = format!(
        r#"(module {THROWING}
            (func (export "catch") (param i32) (result i32)
                (local $y i64)
                (i32.const 100) ;; below the try_table: kept
                (block $h (result i32 i64)
                    (block $o (result f64)
                        (try_table (catch $other $o) (catch $e $h)
                            (call $deep (local.get 0)))
                        (return (i32.const -1)))
                    (drop)
                    (return (i32.const -2)))
                (local.set $y)
                (i32.add)))"#
    );
    assert_eq!(run(&wat, "catch", &[Val::I32(5)]), Ok(vec![Val::I32(107)]));
}

#[test]
fn a_caught_exnref_is_thrown_again_and_caught_outside() {
    let wat = format!(
        r#"(module {THROWING}
            (func $keep_ref (param i32 i64 exnref) (result exnref) (local.get 2))
            (func $inner (param i32) (result exnref)
                (block $h (result i32 i64 exnref)
                    (try_table (catch_ref $e $h) (call $deep (local.get 0)))
                    (return (ref.null exn)))
                (call $keep_ref))
            (func $rethrow (param i32) (throw_ref (call $inner (local.get 0))))
            (func (export "outer") (param i32) (result i64)
                (local $y i64)
                (block $h (result i32 i64)
                    (try_table (catch $e $h) (call $rethrow (local.get 0)))
                    (return (i64.const -1)))
                (local.set $y)
                (i64.extend_i32_u)
                (i64.add (local.get $y))))"#
    );
    // The payload survives the second throw: 7 + 8.
    assert_eq!(run(&wat, "outer", &[Val::I32(3)]), Ok(vec![Val::I64(15)]));
}

#[test]
fn an_uncaught_exception_reaches_the_embedder() {
    let mut store = Store::new(Config::default());
    let i = instantiate(
        &mut store,
        &format!(
            r#"(module {THROWING}
                (export "e" (tag $e))
                (func (export "f") (call $deep (i32.const 3))))"#
        ),
    );
    let trap = store.call(i, "f", &[]).unwrap_err();
    let TrapKind::Exception(exn) = trap.kind else {
        panic!("not an exception: {trap}");
    };
    assert_eq!(exn.kind(), Some(RefKind::Exn));
    assert!(trap.to_string().starts_with("trap: uncaught exception"));
    let Some(Extern::Tag(tag)) = store.export(i, "e") else {
        panic!("no tag export");
    };
    assert_eq!(
        store.exception(exn),
        Some((tag, vec![Val::I32(7), Val::I64(8)]))
    );
    assert_eq!(store.exception(Ref::NULL), None);
}

#[test]
fn tags_are_shared_across_instances() {
    let mut store = Store::new(Config::default());
    let a = instantiate(
        &mut store,
        r#"(module (tag $e (export "e") (param i32))
            (func (export "throw") (param i32) (throw $e (local.get 0))))"#,
    );
    let mut linker = Linker::new();
    linker.define_instance(&store, "a", a);
    let wasm = wat::parse_str(
        r#"(module
            (import "a" "e" (tag $e (param i32)))
            (import "a" "throw" (func $throw (param i32)))
            (tag $mine (param i32))
            (func (export "catch") (param i32) (result i32)
                (block $h (result i32)
                    (try_table (catch $mine $h) (catch $e $h) (call $throw (local.get 0)))
                    (i32.const -1))))"#,
    )
    .unwrap();
    let b = store.instantiate(&wasm, &linker).unwrap();
    assert_eq!(
        store.call(b, "catch", &[Val::I32(9)]),
        Ok(vec![Val::I32(9)])
    );
}

#[test]
fn legacy_try_catch_rethrow_and_delegate() {
    // The text parser takes the legacy instructions in flat form only.
    let wat = r#"(module
        (tag $e (param i32))
        (tag $f)
        (func $throw (param i32) (throw $e (local.get 0)))
        (func (export "catch") (param i32) (result i32)
            try (result i32)
                (call $throw (local.get 0)) (i32.const -1)
            catch $f
                (i32.const -2)
            catch $e
                (i32.add (i32.const 1))
            end)
        (func (export "catch_all") (result i32)
            try (result i32)
                (throw $f)
            catch_all
                (i32.const 3)
            end)
        (func (export "rethrow") (param i32) (result i32)
            try (result i32)
                try (result i32)
                    (call $throw (local.get 0)) (i32.const -1)
                catch $e
                    drop
                    rethrow 0
                end
            catch $e
                (i32.mul (i32.const 10))
            end)
        (func (export "delegate") (result i32)
            try $outer (result i32)
                try (result i32)
                    try (result i32)
                        (throw $f)
                    delegate $outer
                catch_all
                    (i32.const 2)
                end
            catch $f
                (i32.const 3)
            end)
        (func (export "delegate_out") (result i32)
            try (result i32)
                try (result i32)
                    (throw $f)
                delegate 1
            catch_all
                (i32.const 4)
            end)
        (func (export "br_out") (param i32) (result i32)
            (block $b (result i32)
                try (result i32)
                    (br $b (i32.const 5))
                catch_all
                    (i32.const 6)
                end)))"#;
    let features = wasmparser::WasmFeatures::all();
    let mut store = Store::new(Config {
        features,
        ..Config::default()
    });
    let i = instantiate(&mut store, wat);
    assert_eq!(
        store.call(i, "catch", &[Val::I32(4)]),
        Ok(vec![Val::I32(5)])
    );
    assert_eq!(store.call(i, "catch_all", &[]), Ok(vec![Val::I32(3)]));
    assert_eq!(
        store.call(i, "rethrow", &[Val::I32(4)]),
        Ok(vec![Val::I32(40)])
    );
    assert_eq!(store.call(i, "delegate", &[]), Ok(vec![Val::I32(3)]));
    let trap = store.call(i, "delegate_out", &[]).unwrap_err();
    assert!(matches!(trap.kind, TrapKind::Exception(_)), "{trap}");
    assert_eq!(
        store.call(i, "br_out", &[Val::I32(0)]),
        Ok(vec![Val::I32(5)])
    );
}

#[test]
fn traps_are_not_caught() {
    let wat = r#"(module
        (func (export "f") (result i32)
            (block $h
                (try_table (catch_all $h) unreachable))
            (i32.const 1)))"#;
    assert_eq!(run(wat, "f", &[]).unwrap_err().kind, TrapKind::Unreachable);
}

#[test]
fn wide_arithmetic() {
    let wat = r#"(module
        (func (export "add") (param i64 i64 i64 i64) (result i64 i64)
            (i64.add128 (local.get 0) (local.get 1) (local.get 2) (local.get 3)))
        (func (export "sub") (param i64 i64 i64 i64) (result i64 i64)
            (i64.sub128 (local.get 0) (local.get 1) (local.get 2) (local.get 3)))
        (func (export "mul_s") (param i64 i64) (result i64 i64)
            (i64.mul_wide_s (local.get 0) (local.get 1)))
        (func (export "mul_u") (param i64 i64) (result i64 i64)
            (i64.mul_wide_u (local.get 0) (local.get 1))))"#;
    let i = |v: i64| Val::I64(v);
    assert_eq!(
        run(wat, "add", &[i(-1), i(0), i(1), i(0)]),
        Ok(vec![i(0), i(1)])
    );
    assert_eq!(
        run(wat, "sub", &[i(0), i(1), i(1), i(0)]),
        Ok(vec![i(-1), i(0)])
    );
    assert_eq!(run(wat, "mul_s", &[i(-2), i(3)]), Ok(vec![i(-6), i(-1)]));
    assert_eq!(run(wat, "mul_u", &[i(-1), i(2)]), Ok(vec![i(-2), i(1)]));
}

#[test]
fn exception_payloads_carry_v128_and_references() {
    let wat = r#"(module
        (tag $t (param v128 funcref i32))
        (func $throw (param v128 funcref i32) (throw $t (local.get 0) (local.get 1) (local.get 2)))
        (func (export "f") (param v128 funcref i32) (result v128 funcref i32)
            (block $h (result v128 funcref i32)
                (try_table (catch $t $h)
                    (call $throw (local.get 0) (local.get 1) (local.get 2)))
                (unreachable))))"#;
    let v = Val::V128(0x0123_4567_89ab_cdef_fedc_ba98_7654_3210);
    let r = Val::Ref(Ref::func(0));
    assert_eq!(
        run(wat, "f", &[v, r, Val::I32(-5)]),
        Ok(vec![v, r, Val::I32(-5)])
    );
}
