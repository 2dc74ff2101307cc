;; An invalid body: the error names the function `bad` and the offset of the bad instruction.
;; FAIL: validate %
;; FAIL: validate %.cut-30.wasm
(module
  (func $good (result i32) i32.const 0)
  (func $bad (result i32) i64.const 0))
