;; The help text of `print`.
;; RUN: print --help
(module)
