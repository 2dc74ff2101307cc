;; The help text of `run`.
;; RUN: run --help
(module)
