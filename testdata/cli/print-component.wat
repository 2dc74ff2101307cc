;; Components print too.
;; RUN: print %
(component
  (core module $m
    (func (export "f")))
  (core instance (instantiate $m))
)
