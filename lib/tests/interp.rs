//! The interpreter's embedding API: calls, traps with backtraces, limits, host functions,
//! memory and globals, and a timing of a CPU-bound program.

use std::time::Instant;
use wasm_tool_lib::interp::{Config, Extern, FuncType, Linker, Store, TrapKind, Val, ValType};

const FIB: &str = r#"(module
    (func $fib (export "fib") (param i32) (result i32)
        (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
            (then (local.get 0))
            (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                           (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
    (func $boom (export "boom") (param i32) (result i32)
        (i32.div_u (i32.const 1) (local.get 0)))
    (func $deep (export "deep") (call $deep))
    (func $spin (export "spin") (loop $l (br $l)))
    (func $outer (export "outer") (param i32) (result i32)
        (i32.add (call $boom (local.get 0)) (i32.const 1))))"#;

fn instance(config: Config) -> (Store, wasm_tool_lib::interp::Instance) {
    let wasm = wat::parse_str(FIB).unwrap();
    let mut store = Store::new(config);
    let instance = store.instantiate(&wasm, &Linker::new()).unwrap();
    (store, instance)
}

#[test]
fn fib_and_timing() {
    let (mut store, i) = instance(Config::default());
    assert_eq!(
        store.call(i, "fib", &[Val::I32(20)]).unwrap(),
        [Val::I32(6765)]
    );
    let start = Instant::now();
    assert_eq!(
        store.call(i, "fib", &[Val::I32(27)]).unwrap(),
        [Val::I32(196_418)]
    );
    println!("fib(27): {:?}", start.elapsed());
}

#[test]
fn traps_carry_kind_and_backtrace() {
    let (mut store, i) = instance(Config::default());
    let trap = store.call(i, "boom", &[Val::I32(0)]).unwrap_err();
    assert_eq!(trap.kind, TrapKind::IntegerDivideByZero);
    assert_eq!(trap.backtrace[0].name.as_deref(), Some("boom"));
    assert_eq!(
        trap.to_string(),
        "trap: integer divide by zero (in func 1 `boom`)"
    );
    // A trap in a callee reached by a call the threaded code made names both frames.
    let trap = store.call(i, "outer", &[Val::I32(0)]).unwrap_err();
    assert_eq!(trap.kind, TrapKind::IntegerDivideByZero);
    let names: Vec<_> = trap.backtrace.iter().map(|f| f.name.as_deref()).collect();
    assert_eq!(names, [Some("boom"), Some("outer")]);
    assert_eq!(
        store.call(i, "outer", &[Val::I32(1)]).unwrap(),
        [Val::I32(2)]
    );
    let trap = store.call(i, "deep", &[]).unwrap_err();
    assert_eq!(trap.kind, TrapKind::CallStackExhausted);
    assert_eq!(trap.backtrace.len(), 10_000);
    assert!(
        trap.to_string().ends_with("func 2 `deep` <- 9990 more)"),
        "{trap}"
    );
}

#[test]
fn fuel_bounds_execution() {
    let (mut store, i) = instance(Config {
        fuel: Some(1_000),
        ..Config::default()
    });
    let trap = store.call(i, "spin", &[]).unwrap_err();
    assert_eq!(trap.kind, TrapKind::OutOfFuel);
    assert_eq!(store.fuel_left(), Some(0));
    assert_eq!(store.call(i, "fib", &[Val::I32(3)]).unwrap(), [Val::I32(2)]);
}

#[test]
fn host_functions_memory_and_globals() {
    let wasm = wat::parse_str(
        r#"(module
            (import "env" "double" (func $double (param i32) (result i32)))
            (import "env" "g" (global $g (mut i32)))
            (memory (export "mem") 1 2)
            (global (export "counter") (mut i64) (i64.const 5))
            (func (export "run") (param i32) (result i32)
                (i32.store (i32.const 8) (call $double (local.get 0)))
                (global.set $g (i32.load (i32.const 8)))
                (memory.grow (i32.const 1))))"#,
    )
    .unwrap();
    let mut store = Store::new(Config::default());
    let mut linker = Linker::new();
    let double = store.add_host_func(FuncType::new([ValType::I32], [ValType::I32]), |_, args| {
        let Val::I32(x) = args[0] else { unreachable!() };
        Ok(vec![Val::I32(x * 2)])
    });
    linker.define("env", "double", double);
    let g = store.add_global(Val::I32(0), true);
    linker.define("env", "g", g);
    let i = store.instantiate(&wasm, &linker).unwrap();
    assert_eq!(
        store.call(i, "run", &[Val::I32(21)]).unwrap(),
        [Val::I32(1)]
    );
    let Extern::Global(g) = g else { unreachable!() };
    assert_eq!(store.global(g), Some(Val::I32(42)));
    let Some(Extern::Memory(m)) = store.export(i, "mem") else {
        panic!("no memory")
    };
    assert_eq!(store.memory(m).unwrap().data()[8], 42);
    assert_eq!(store.memory(m).unwrap().pages(), 2);
    assert_eq!(
        store.call(i, "run", &[Val::I32(1)]).unwrap(),
        [Val::I32(-1)]
    );
    let Some(Extern::Global(counter)) = store.export(i, "counter") else {
        panic!("no global")
    };
    assert!(store.set_global(counter, Val::I64(7)));
    assert!(!store.set_global(counter, Val::I32(7)));
    assert_eq!(store.global(counter), Some(Val::I64(7)));
    let err = store.call(i, "run", &[Val::I64(1)]).unwrap_err();
    assert!(matches!(err.kind, TrapKind::BadInvocation(_)));
}

#[test]
fn bad_input_is_an_error_not_a_panic() {
    let wasm = wat::parse_str(FIB).unwrap();
    // Cut at a section boundary the module may still be valid; elsewhere it is an error.
    let mut errors = 0;
    for len in 0..wasm.len() {
        let mut store = Store::new(Config::default());
        errors += usize::from(store.instantiate(&wasm[..len], &Linker::new()).is_err());
    }
    assert!(
        errors + 5 >= wasm.len(),
        "{errors} errors for {} cuts",
        wasm.len()
    );
    for i in 8..wasm.len() {
        let mut bytes = wasm.clone();
        bytes[i] ^= 0x41;
        let mut store = Store::new(Config {
            fuel: Some(100_000),
            max_call_depth: 200,
            ..Config::default()
        });
        if let Ok(instance) = store.instantiate(&bytes, &Linker::new()) {
            for name in ["fib", "boom", "deep", "spin"] {
                let _ = store.call(instance, name, &[Val::I32(20)]);
                let _ = store.call(instance, name, &[]);
            }
        }
    }
    let huge = wat::parse_str("(module (table 4000000000 funcref))").unwrap();
    let mut store = Store::new(Config::default());
    let err = store.instantiate(&huge, &Linker::new()).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("limit exceeded: table of 4000000000 elements"),
        "{err}"
    );
}

#[test]
fn loop_timing() {
    let wasm = wat::parse_str(
        r#"(module (func (export "sum") (param $n i32) (result i64) (local $acc i64)
            (loop $l
                (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (local.get $n))))
                (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
            (local.get $acc)))"#,
    )
    .unwrap();
    let mut store = Store::new(Config::default());
    let i = store.instantiate(&wasm, &Linker::new()).unwrap();
    let start = Instant::now();
    let n = 10_000_000i64;
    assert_eq!(
        store.call(i, "sum", &[Val::I32(n as i32)]).unwrap(),
        [Val::I64(n * (n + 1) / 2)]
    );
    println!("sum loop of 10M iterations: {:?}", start.elapsed());
}

#[test]
fn element_expressions_fill_the_table() {
    let wasm = wat::parse_str(
        r#"(module
            (type $t (func (result i32)))
            (table 3 funcref)
            (elem (i32.const 0) funcref (ref.func $a) (ref.null func) (ref.func $b))
            (func $a (result i32) (i32.const 1))
            (func $b (result i32) (i32.const 2))
            (func (export "call") (param i32) (result i32)
                (call_indirect (type $t) (local.get 0))))"#,
    )
    .unwrap();
    let mut store = Store::new(Config::default());
    let i = store.instantiate(&wasm, &Linker::new()).unwrap();
    assert_eq!(
        store.call(i, "call", &[Val::I32(0)]).unwrap(),
        [Val::I32(1)]
    );
    assert_eq!(
        store.call(i, "call", &[Val::I32(2)]).unwrap(),
        [Val::I32(2)]
    );
    let trap = store.call(i, "call", &[Val::I32(1)]).unwrap_err();
    assert_eq!(trap.kind, TrapKind::UninitializedElement);
    let trap = store.call(i, "call", &[Val::I32(3)]).unwrap_err();
    assert_eq!(trap.kind, TrapKind::UndefinedElement);
}

#[test]
fn host_functions_read_and_write_the_callers_memory() {
    let wasm = wat::parse_str(
        r#"(module
            (import "env" "upcase" (func $upcase (param i32 i32)))
            (import "env" "exit" (func $exit (param i32)))
            (memory (export "mem") 1)
            (data (i32.const 16) "hello")
            (func (export "run") (result i32)
                (call $upcase (i32.const 16) (i32.const 5))
                (i32.load8_u (i32.const 16)))
            (func (export "quit") (call $exit (i32.const 7)) unreachable))"#,
    )
    .unwrap();
    let mut store = Store::new(Config::default());
    let mut linker = Linker::new();
    let upcase = store.add_host_func(
        FuncType::new([ValType::I32, ValType::I32], []),
        |caller, args| {
            let (Val::I32(ptr), Val::I32(len)) = (args[0], args[1]) else {
                unreachable!()
            };
            let memory = caller.memory().expect("the caller has a memory");
            let bytes = &mut memory.data_mut()[ptr as usize..(ptr + len) as usize];
            bytes.make_ascii_uppercase();
            Ok(Vec::new())
        },
    );
    linker.define("env", "upcase", upcase);
    let exit = store.add_host_func(FuncType::new([ValType::I32], []), |_, args| {
        let Val::I32(code) = args[0] else {
            unreachable!()
        };
        Err(TrapKind::Exit(code).into())
    });
    linker.define("env", "exit", exit);
    let i = store.instantiate(&wasm, &linker).unwrap();
    assert_eq!(
        store.call(i, "run", &[]).unwrap(),
        [Val::I32(i32::from(b'H'))]
    );
    let Some(Extern::Memory(m)) = store.export(i, "mem") else {
        panic!("no memory")
    };
    assert_eq!(&store.memory(m).unwrap().data()[16..21], b"HELLO");
    let trap = store.call(i, "quit", &[]).unwrap_err();
    assert_eq!(trap.kind, TrapKind::Exit(7));
}

#[test]
fn v128_values_take_two_cells_through_locals_branches_and_calls() {
    let wasm = wat::parse_str(
        r#"(module
            (func $pick (export "pick") (param v128 v128 i32) (result v128)
                (select (local.get 0) (local.get 1) (local.get 2)))
            (func (export "br") (param v128 i32) (result i64 v128)
                (local v128 i64)
                (local.set 3 (i64.const 9))
                (local.set 2 (local.get 0))
                (block (result v128)
                    (i32.const 5)
                    (block (param i32) (result v128)
                        drop
                        (i64.const 1)
                        (local.get 2)
                        (br_if 1 (local.get 1))
                        (local.tee 2)
                        drop
                        drop
                        (br 0 (call $pick (local.get 2) (local.get 2) (i32.const 0)))))
                (local.set 2)
                (local.get 3)
                (local.get 2)))"#,
    )
    .unwrap();
    let mut store = Store::new(Config::default());
    let i = store.instantiate(&wasm, &Linker::new()).unwrap();
    let a = 0x0011_2233_4455_6677_8899_aabb_ccdd_eeffu128;
    let b = 0xffee_ddcc_bbaa_9988_7766_5544_3322_1100u128;
    assert_eq!(
        store
            .call(i, "pick", &[Val::V128(a), Val::V128(b), Val::I32(1)])
            .unwrap(),
        [Val::V128(a)]
    );
    assert_eq!(
        store
            .call(i, "pick", &[Val::V128(a), Val::V128(b), Val::I32(0)])
            .unwrap(),
        [Val::V128(b)]
    );
    for cond in [0, 1] {
        assert_eq!(
            store
                .call(i, "br", &[Val::V128(a), Val::I32(cond)])
                .unwrap(),
            [Val::I64(9), Val::V128(a)],
            "br_if taken: {cond}"
        );
    }
}

#[test]
fn large_modules_translate_in_parallel_and_report_the_first_error() {
    // Enough code (> 256 KiB) for the parallel path; two invalid bodies, of which the first
    // must be reported whatever the thread count.
    let body = "(drop (i32.add (local.get 0) (i32.const 1)))".repeat(40);
    let mut wat = String::from("(module\n");
    for i in 0..1200 {
        let bad = if i == 700 || i == 1100 {
            "(i64.const 0) (i32.eqz) drop"
        } else {
            ""
        };
        wat.push_str(&format!(
            "(func (export \"f{i}\") (param i32) (result i32) {body} {bad} (local.get 0))\n"
        ));
    }
    wat.push(')');
    let mut wasm = wat::parse_str(&wat).unwrap();
    let err = Store::new(Config::default())
        .instantiate(&wasm, &Linker::new())
        .unwrap_err();
    assert!(err.to_string().contains("func 700"), "{err}");
    // Without the bad bodies it runs.
    wat = wat.replace("(i64.const 0) (i32.eqz) drop", "");
    wasm = wat::parse_str(&wat).unwrap();
    assert!(wasm.len() > 256 * 1024);
    let mut store = Store::new(Config::default());
    let i = store.instantiate(&wasm, &Linker::new()).unwrap();
    assert_eq!(
        store.call(i, "f1199", &[Val::I32(41)]).unwrap(),
        [Val::I32(41)]
    );
}

/// The SIMD operators without immediates, as wasmparser names them.
macro_rules! plain_simd {
    ($( @$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*) )*) => {
        [$(plain_simd_one!($op $({ $($arg)* })?)),*]
    };
}
macro_rules! plain_simd_one {
    ($op:ident) => {
        Some(wasmparser::Operator::$op)
    };
    ($op:ident { $($arg:tt)* }) => {
        None
    };
}

/// The module of one loop running `op` `n` times on parameters of `params`, its result kept
/// in a local; `None` if `op` does not take these parameters and give one result.
fn simd_loop(op: &wasmparser::Operator<'static>, params: &[ValType], n: i32) -> Option<Vec<u8>> {
    use wasm_encoder::reencode::{Reencode, RoundtripReencoder};
    use wasm_encoder::{
        BlockType, CodeSection, ExportKind, ExportSection, Function, FunctionSection, Instruction,
        Module, TypeSection, ValType as T,
    };
    let ty = |t: &ValType| match t {
        ValType::I32 => T::I32,
        ValType::I64 => T::I64,
        ValType::F32 => T::F32,
        ValType::F64 => T::F64,
        _ => T::V128,
    };
    let instr = RoundtripReencoder.instruction(op.clone()).ok()?;
    [T::V128, T::I32].into_iter().find_map(|result| {
        let mut types = TypeSection::new();
        types.ty().function(params.iter().map(ty), []);
        let mut f = Function::new([(1, T::I32), (1, result)]);
        let (counter, out) = (params.len() as u32, params.len() as u32 + 1);
        f.instruction(&Instruction::I32Const(n));
        f.instruction(&Instruction::LocalSet(counter));
        f.instruction(&Instruction::Loop(BlockType::Empty));
        for i in 0..params.len() as u32 {
            f.instruction(&Instruction::LocalGet(i));
        }
        f.instruction(&instr);
        f.instruction(&Instruction::LocalSet(out));
        f.instruction(&Instruction::LocalGet(counter));
        f.instruction(&Instruction::I32Const(1));
        f.instruction(&Instruction::I32Sub);
        f.instruction(&Instruction::LocalTee(counter));
        f.instruction(&Instruction::BrIf(0));
        f.instruction(&Instruction::End);
        f.instruction(&Instruction::End);
        let mut funcs = FunctionSection::new();
        funcs.function(0);
        let mut exports = ExportSection::new();
        exports.export("f", ExportKind::Func, 0);
        let mut code = CodeSection::new();
        code.function(&f);
        let mut module = Module::new();
        module
            .section(&types)
            .section(&funcs)
            .section(&exports)
            .section(&code);
        let wasm = module.finish();
        wasmparser::Validator::new_with_features(wasmparser::WasmFeatures::all())
            .validate_all(&wasm)
            .is_ok()
            .then_some(wasm)
    })
}

#[test]
fn every_simd_operator_runs_long_loops_in_constant_host_stack() {
    // In optimized builds each SIMD instruction has its own threaded handler, which must end
    // in a tail call: one that did not would grow the host stack by a frame per execution, and
    // these loops would overflow it. (CI runs this file in release; in debug the handlers
    // return to a loop, and fewer iterations check the values flow.)
    let n = if cfg!(debug_assertions) { 100 } else { 300_000 };
    let v = ValType::V128;
    let shapes: [&[ValType]; 9] = [
        &[v],
        &[v, v],
        &[v, v, v],
        &[v, ValType::I32],
        &[ValType::I32],
        &[ValType::I64],
        &[ValType::F32],
        &[ValType::F64],
        &[v, ValType::I64],
    ];
    let ops = wasmparser::for_each_visit_simd_operator!(plain_simd);
    let mut ran = 0;
    for op in ops.iter().flatten() {
        let Some((wasm, params)) = shapes
            .iter()
            .find_map(|p| simd_loop(op, p, n).map(|w| (w, *p)))
        else {
            continue;
        };
        let mut store = Store::new(Config::default());
        let i = store.instantiate(&wasm, &Linker::new()).unwrap();
        let args: Vec<Val> = params
            .iter()
            .map(|t| match t {
                ValType::I32 => Val::I32(3),
                ValType::I64 => Val::I64(3),
                ValType::F32 => Val::F32(1.5f32.to_bits()),
                ValType::F64 => Val::F64(1.5f64.to_bits()),
                _ => Val::V128(0x0102_0304_0506_0708_090a_0b0c_0d0e_0f10),
            })
            .collect();
        let result = store.call(i, "f", &args);
        assert!(result.is_ok(), "{op:?}: {result:?}");
        ran += 1;
    }
    // Every SIMD instruction without immediates has one of these shapes.
    assert!(ran > 200, "only {ran} operators ran");
}
