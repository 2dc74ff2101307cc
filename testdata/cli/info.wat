;; `info` on a small module that uses SIMD, tail calls and a shared memory: the section table,
;; the features found in the code, and the largest functions by name; then the same as JSON.
;; RUN: info %.wasm
;; RUN: objdump %.wasm -n 1 --json
(module
  (import "env" "print" (func $print (param i32)))
  (memory (export "mem") 1 2 shared)
  (func $splat (export "splat") (param i32) (result v128)
    local.get 0
    i32x4.splat)
  (func $loop (param i32) (result i32)
    local.get 0
    return_call $loop)
  (func $store (param i32)
    local.get 0
    i32.const 1
    i32.atomic.store))
