;; `size` on bad input: truncated modules, a component, a missing file, a bad pattern.
;; FAIL: size top %.cut-30.wasm
;; FAIL: size sections %.cut-9.wasm
;; FAIL: size sections strip-component.wat
;; FAIL: size garbage no-such-file.wasm
;; FAIL: size top --filter '(' %
;; USAGE: size nonsense %
(module (func (export "f") (result i32) i32.const 1) (func))
