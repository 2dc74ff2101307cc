;; Printing a binary, and text (which is parsed first); standard input works for both.
;; RUN: print %.wasm
;; RUN: print - < %.wasm
;; RUN: print %.wasm -o %t/out.wat
;; RUN: print %t/out.wat
(module
  (type $pair (func (param i32 i64)))
  (import "env" "log" (func $log (type $pair)))
  (global $g (mut i32) (i32.const 0))
  (memory 1 2)
  (data (i32.const 8) "hi\00")
  (table 1 funcref)
  (elem (i32.const 0) $main)
  (func $main (export "main") (param $x i32) (result i32)
    (local $tmp i64)
    block $out
      local.get $x
      br_if $out
      i32.const 0
      i64.const 7
      call $log
    end
    local.get $x
    global.set $g
    i32.const 1)
)
