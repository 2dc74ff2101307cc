;; The help text of `info`.
;; RUN: info --help
(module)
