;; Components are stripped recursively: nested core modules lose their names too.
;; RUN: strip -v %.wasm -o %t/out.wasm
;; RUN: print %t/out.wasm
(component
  (core module $m
    (func $inner (export "f")))
  (core instance $i (instantiate $m))
)
