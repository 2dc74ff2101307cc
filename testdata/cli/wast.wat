;; `wast` on a small script: a failing assertion is reported with its line, a command using an
;; unsupported feature is skipped (shown with -v), and the exit status is 1.
;; FAIL: wast -v %
;; RUN: wast --features mvp help-wast.wat
(module $m
  (func $fib (export "fib") (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
      (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                     (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
  (func (export "div") (param i32 i32) (result i32)
    (i32.div_s (local.get 0) (local.get 1)))
  (func (export "nan") (result f32) (f32.div (f32.const 0) (f32.const 0))))
(assert_return (invoke "fib" (i32.const 10)) (i32.const 55))
(assert_return (invoke "fib" (i32.const 10)) (i32.const 56))
(assert_return (invoke "nan") (f32.const nan:canonical))
(assert_trap (invoke "div" (i32.const 1) (i32.const 0)) "integer divide by zero")
(assert_trap (invoke "div" (i32.const 0x80000000) (i32.const -1)) "integer overflow")
(assert_invalid (module (func (result i32) (i64.const 0))) "type mismatch")
(module (func (export "splat") (result v128) (v128.const i32x4 1 2 3 4)))
(assert_return (invoke "splat") (v128.const i32x4 1 2 3 4))
