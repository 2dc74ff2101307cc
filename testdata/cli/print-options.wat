;; The printing options: folded instructions, skeleton, byte offsets, synthesized names, and the
;; indentation cap.
;; RUN: print --fold %
;; RUN: print --skeleton %
;; RUN: print --print-offsets %
;; RUN: print --name-unnamed %
;; RUN: print --max-indent 1 %
(module
  (memory 1)
  (data (i32.const 0) "abc")
  (func (param i32) (result i32)
    block
      block
        local.get 0
        br_if 1
      end
    end
    local.get 0
    i32.const 2
    i32.mul)
)
