;; The top-level help lists the subcommands.
;; RUN: --help
(module)
