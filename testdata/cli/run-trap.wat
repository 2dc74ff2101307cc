;; A trap: `error: trap: <kind>` and the wasm backtrace with names from the name section, exit
;; status 134 as with Wasmtime. What the program wrote before is flushed first.
;; TRAP: run %
;; TRAP: run --invoke divide % 1 0
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "before the trap\n")
  (func $inner
    unreachable)
  (func $outer
    call $inner)
  (func (export "_start")
    ;; iovec at 0: 16 bytes at 16.
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 16))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
    call $outer)
  (func $divide (export "divide") (param i32 i32) (result i32)
    (i32.div_s (local.get 0) (local.get 1))))
