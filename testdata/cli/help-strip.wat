;; The help text of `strip`.
;; RUN: strip --help
(module)
