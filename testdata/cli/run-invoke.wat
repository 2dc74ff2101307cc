;; `run --invoke`: arguments are parsed by the export's parameter types (signed, unsigned or hex
;; integers; floats) and results printed one per line, as Wasmtime does. A wrong count, a bad
;; value or a missing export is a one-line error; a module can also come from standard input.
;; RUN: run --invoke add % 2 40
;; RUN: run --invoke add % 4294967295 0x10
;; RUN: run --invoke div % 1 0
;; RUN: run --invoke div % -0 3
;; RUN: run --invoke wide % -9223372036854775808
;; RUN: run --invoke answer - < %
;; RUN: run --invoke nothing %
;; FAIL: run --invoke add % 1
;; FAIL: run --invoke add % 1 2.5
;; FAIL: run --invoke add % 1 4294967296
;; FAIL: run --invoke missing %
(module
  (func (export "add") (param i32 i32) (result i32)
    (i32.add (local.get 0) (local.get 1)))
  (func (export "div") (param f64 f64) (result f64 f32)
    (f64.div (local.get 0) (local.get 1))
    (f32.const 1.5))
  (func (export "wide") (param i64) (result i64 i64)
    (local.get 0)
    (i64.sub (local.get 0) (i64.const 1)))
  (func (export "answer") (result i32) (i32.const 42))
  (func (export "nothing")))
