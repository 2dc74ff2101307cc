;; A module importing something `run` does not provide fails to link, naming the import; so does
;; a WASI function imported with the wrong type. A cut module is the usual one-line error.
;; FAIL: run %
;; FAIL: run %.cut-20.wasm
(module
  (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
  (import "env" "log" (func (param i32)))
  (func (export "_start")))
