;; A small module touching several proposals, for trying `wasm-tool info` by hand.
(module
  (import "env" "memory" (memory 1 100 shared))
  (import "env" "log" (func $log (param i32 i64)))
  (import "env" "counter" (global $counter (mut i32)))
  (tag $oops (param i32))
  (table 2 funcref)
  (global $base i32 (i32.add (i32.const 1024) (i32.const 16)))
  (func $add4 (export "add4") (param v128 v128) (result v128)
    local.get 0
    local.get 1
    i32x4.add)
  (func $tail (export "tail") (param i32) (result i32)
    local.get 0
    return_call $helper)
  (func $helper (param i32) (result i32)
    try (result i32)
      local.get 0
      i32.atomic.load
    catch $oops
    end)
  (func $pair (result i32 i64)
    i32.const 1
    i64.const 2)
  (elem (i32.const 0) $add4 $tail)
  (data (i32.const 16) "hello, world")
  (@producers (language "Rust" "1.80") (processed-by "rustc" "1.80.0"))
  (@custom "target_features" "\02+\07simd128+\07atomics")
  (@custom "sourceMappingURL" "\0emixed.wasm.map"))
