;; How these tests work: each `.wat` file here starts with comment lines. `;; RUN: <args>` runs
;; `wasm-tool <args>` and expects exit status 0, `;; FAIL:` expects 1, `;; USAGE:` expects 2 and
;; `;; TRAP:` expects 134 (a program run by `run` trapped).
;; In the arguments `%` is this file, `%.wasm` a binary made from it, `%.cut-N.wasm` that binary
;; cut to N bytes, and `%t` a temporary directory; a final `< FILE` feeds standard input.
;; Standard output and error are compared with `<name>.stdout` and `<name>.stderr`; refresh them
;; with `BLESS=1 cargo test -p wasm-tool --test cli` and review the diff.
;;
;; RUN: print %
(module
  (func $answer (export "answer") (result i32)
    i32.const 42)
)
