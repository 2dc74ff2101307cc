;; A body holding an unknown opcode: the error names the function (from the name section) and
;; the offset. Strip does not decode code, so it succeeds; without the name section the error
;; gives the function's index only.
;; FAIL: print %.wasm
;; RUN: strip %.wasm -o %t/out.wasm
;; FAIL: print %t/out.wasm
(module binary
  "\00\61\73\6d\01\00\00\00\01\08\02\60\00\00\60\00\01\7f\03\03"
  "\02\00\01\0a\0c\02\02\00\0b\07\00\41\01\41\02\ff\0b\00\17\04"
  "\6e\61\6d\65\01\10\02\00\05\66\69\72\73\74\01\06\73\65\63\6f"
  "\6e\64"
)
