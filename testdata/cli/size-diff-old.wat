;; The old build for `size-diff.wat`; diffing a module with itself shows no change.
;; RUN: size diff % %
(module
  (func $kept (export "kept") nop)
  (func $removed (export "removed") nop nop))
