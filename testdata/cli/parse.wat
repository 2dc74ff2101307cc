;; Text becomes a binary: written to standard output (a hex dump here) or to `-o`; a binary input
;; passes through unchanged; `-` reads standard input.
;; RUN: parse %
;; RUN: parse % -o %t/out.wasm
;; RUN: print %t/out.wasm
;; RUN: parse %.wasm
;; RUN: parse - < %
(module
  (memory 1)
  (func $inc (export "inc") (param i32) (result i32)
    local.get 0
    i32.const 1
    i32.add)
)
