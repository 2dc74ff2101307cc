;; A reactor: `_initialize` runs first, then the invoked export (or nothing, without `--invoke`:
;; a module without `_start` just instantiates).
;; RUN: run --invoke counter %
;; RUN: run %
(module
  (global $n (mut i32) (i32.const 0))
  (func (export "_initialize")
    (global.set $n (i32.add (global.get $n) (i32.const 41))))
  (func (export "counter") (result i32)
    (global.set $n (i32.add (global.get $n) (i32.const 1)))
    (global.get $n)))
