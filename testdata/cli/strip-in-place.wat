;; `-o` may name the input; standard input works, and the binary goes to standard output (a hex
;; dump here) when there is no `-o`.
;; RUN: strip %.wasm -o %.wasm
;; RUN: print %.wasm
;; RUN: strip - < %.wasm
(module
  (func $f (export "f"))
  (@custom "producers" "p")
)
