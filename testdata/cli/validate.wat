;; `validate` prints nothing for a valid module; an invalid function is named, by its name from
;; the name section, with the byte offset; `--json` gives the same facts for scripts; a feature
;; spec can turn a proposal off.
;; RUN: validate %
;; RUN: validate -v %.wasm
;; FAIL: validate --features mvp %.wasm
;; FAIL: validate --json --features mvp %.wasm
;; USAGE: validate --features +nonsense %.wasm
(module
  (func $ok (result i32) i32.const 1)
  (func $uses_simd (result v128) v128.const i32x4 1 2 3 4))
