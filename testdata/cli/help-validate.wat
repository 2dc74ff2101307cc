;; The help text of `validate`.
;; RUN: validate --help
(module)
