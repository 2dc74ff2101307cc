;; Malformed framing: a truncated section, a bad header, an empty file.
;; FAIL: strip %.cut-20.wasm -o %t/out.wasm
;; FAIL: strip %.cut-4.wasm -o %t/out.wasm
;; FAIL: strip %.cut-0.wasm -o %t/out.wasm
;; RUN: strip %.cut-8.wasm -o %t/out.wasm
(module
  (func $f (export "f"))
  (@custom "producers" "p")
)
