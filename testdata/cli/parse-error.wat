;; Bad text is reported with file:line:column, and nothing is written.
;; FAIL: parse % -o %t/out.wasm
;; FAIL: print %
(module
  (func
    i32.const 1
    i32.bogus))
