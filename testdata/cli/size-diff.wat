;; `size diff`: the new build (this file) against `size-diff-old.wat`. Growth gates that pass
;; exit 0; a bad limit is a usage error (exit 3 for a failed gate is tested in tests/size.rs).
;; RUN: size diff size-diff-old.wat %
;; RUN: size diff size-diff-old.wat % --format csv -n 2
;; RUN: size diff size-diff-old.wat % --format json --fail-if-growth 1KB
;; RUN: size diff size-diff-old.wat % -n 1 --fail-if-growth 0
;; USAGE: size diff size-diff-old.wat % --fail-if-growth lots
(module
  (func $kept (export "kept") nop nop nop nop nop)
  (func $added (export "added") nop))
