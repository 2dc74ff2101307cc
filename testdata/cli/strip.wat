;; The default strip removes debug information, names and producers and keeps every other custom
;; section; `-v` lists what was removed.
;; RUN: strip -v %.wasm -o %t/out.wasm
;; RUN: print %t/out.wasm
(module
  (func $f (export "f"))
  (@custom ".debug_info" "dwarf")
  (@custom ".debug_line" "lines")
  (@custom "sourceMappingURL" "f.map")
  (@custom "external_debug_info" "f.debug.wasm")
  (@custom "producers" "p")
  (@custom "dylink.0" (before first) "")
  (@custom "target_features" "\00")
  (@custom "component-type:world" "t")
  (@custom "my-tool.metadata" "m")
)
