;; Limits: `--fuel` stops a runaway loop with "out of fuel"; `--max-stack` bounds recursion
;; ("call stack exhausted", the long backtrace shortened); `--max-memory` caps `memory.grow`
;; (which then returns -1) and refuses a module whose initial memory is larger.
;; TRAP: run --fuel 1000 --invoke spin %
;; TRAP: run --max-stack 100 --invoke recurse % 0
;; RUN: run --invoke grow % 15
;; RUN: run --max-memory 1M --invoke grow % 15
;; RUN: run --max-memory 1M --invoke grow % 16
;; FAIL: run --max-memory 64K %
;; USAGE: run --max-memory lots %
(module
  (memory 2)
  (func $spin (export "spin")
    (loop $l (br $l)))
  (func $recurse (export "recurse") (param i32) (result i32)
    (call $recurse (i32.add (local.get 0) (i32.const 1))))
  (func (export "grow") (param i32) (result i32)
    (memory.grow (local.get 0))))
