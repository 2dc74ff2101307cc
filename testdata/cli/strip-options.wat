;; `--debug-only`, `--all` (which keeps `dylink.0`), `--keep` and `--delete` with names and
;; whole-name regular expressions; `--keep` wins.
;; RUN: strip -v --debug-only %.wasm -o %t/out.wasm
;; RUN: strip -v --all %.wasm -o %t/out.wasm
;; RUN: strip -v --all --keep name --keep 'my-tool\..*' %.wasm -o %t/out.wasm
;; RUN: strip -v --delete 'my-.*' --delete target_features --keep 'my-tool.keep' %.wasm -o %t/out.wasm
;; RUN: print %t/out.wasm
;; USAGE: strip --keep
;; FAIL: strip --delete '(' %.wasm -o %t/out.wasm
(module
  (func $f (export "f"))
  (@custom ".debug_info" "dwarf")
  (@custom "producers" "p")
  (@custom "dylink.0" (before first) "")
  (@custom "target_features" "\00")
  (@custom "my-tool.metadata" "m")
  (@custom "my-tool.keep" "k")
)
