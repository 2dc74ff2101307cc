;; The help text of `parse`.
;; RUN: parse --help
(module)
