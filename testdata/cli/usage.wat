;; Usage errors exit with status 2.
;; USAGE: print --bogus %
;; USAGE: strip --all --debug-only %
;; USAGE: parse
;; FAIL: print %t/missing.wasm
(module)
