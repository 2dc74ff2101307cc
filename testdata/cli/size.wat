;; Every view of `size` on a small module: an export calls a helper that calls an import; a dead
;; function and a passive segment nobody uses are garbage; two generic instantiations share a
;; family. Shallow sizes add up to the file size.
;; RUN: size sections %
;; RUN: size top -n 6 %
;; RUN: size top --retained -n 4 --format csv %
;; RUN: size top --filter '^drop' --format json %
;; RUN: size dominators --depth 3 --rows 8 %
;; RUN: size dominators --filter helper --format csv %
;; RUN: size paths env::log %
;; RUN: size paths --regex --descending '^main$' --depth 2 %
;; RUN: size paths nothing-has-this-name %
;; RUN: size garbage %
;; RUN: size garbage --format json %
;; RUN: size monos %
(module
  (import "env" "log" (func $log (param i32)))
  (memory 1)
  (func $main (export "main") (param i32) (result i32)
    local.get 0
    call $helper
    call $drop<u8>
    call $drop<u16>
    local.get 0)
  (func $helper (param i32) local.get 0 call $log)
  (func $drop<u8> nop nop nop nop)
  (func $drop<u16> nop)
  (func $dead (param i32) local.get 0 call $helper)
  (data (i32.const 8) "active")
  (data "passive and unused")
  (@custom "extra" "0123456789"))
