;; A truncated binary: one line naming the problem and the offset. An empty file and a header
;; alone are handled too.
;; FAIL: print %.cut-30.wasm
;; FAIL: print %.cut-5.wasm
;; RUN: print %.cut-8.wasm
;; FAIL: print %.cut-0.wasm
(module
  (func (export "f") (result i32)
    i32.const 1)
)
