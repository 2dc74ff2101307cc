;; The help text of `size` and of one of its views.
;; RUN: size --help
;; RUN: size paths --help
(module)
