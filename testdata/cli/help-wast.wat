;; The help text of `wast`.
;; RUN: wast --help
(module)
