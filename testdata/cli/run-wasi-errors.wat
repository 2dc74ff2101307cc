;; WASI calls made directly, bypassing libc, with escaping paths and bad pointers: each returns
;; the witx errno (printed by `--invoke`), never a crash or a panic. 76 notcapable is not used:
;; escapes give 63 perm, bad pointers 21 fault, a closed descriptor 8 badf, a non-UTF-8 path 25
;; ilseq, a missing file 44 noent, reading a directory 31 isdir; "." opens (0).
;; RUN: run --dir %t::sandbox --invoke open % 100 11
;; RUN: run --dir %t::sandbox --invoke open % 200 4
;; RUN: run --dir %t::sandbox --invoke open % 300 3
;; RUN: run --dir %t::sandbox --invoke open % 400 7
;; RUN: run --dir %t::sandbox --invoke open % 65530 100
;; RUN: run --dir %t::sandbox --invoke open % 500 1
;; RUN: run --dir %t::sandbox --invoke prestat_name %
;; RUN: run --invoke write_iovec % 65535 1
;; RUN: run --invoke write_iovec % 0 0x7fffffff
;; RUN: run --invoke write_to % 99
;; RUN: run --invoke write_to % 0
;; RUN: run --invoke sizes_at % 65533
;; RUN: run --invoke sizes_at % 0
;; RUN: run --invoke clock % 9
;; RUN: run --invoke raise %
;; RUN: run --dir %t::sandbox --invoke dir_as_file %
(module
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_prestat_get"
    (func $fd_prestat_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get"
    (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_time_get"
    (func $clock_time_get (param i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_raise" (func $proc_raise (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read"
    (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (memory 1)
  (data (i32.const 100) "/etc/passwd")
  (data (i32.const 200) "../x")
  (data (i32.const 300) "a\ffb")
  (data (i32.const 400) "missing")
  (data (i32.const 500) ".")
  ;; path_open(fd 3, follow symlinks, path, len, no oflags, read rights) -> errno
  (func (export "open") (param $path i32) (param $len i32) (result i32)
    (call $path_open (i32.const 3) (i32.const 1) (local.get $path) (local.get $len)
      (i32.const 0) (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 1000)))
  ;; The preopen's name length (7, "sandbox") read back, or an errno + 100.
  (func (export "prestat_name") (result i32)
    (local $errno i32)
    (local.set $errno (call $fd_prestat_get (i32.const 3) (i32.const 1000)))
    (if (result i32) (local.get $errno)
      (then (i32.add (local.get $errno) (i32.const 100)))
      (else (i32.load (i32.const 1004)))))
  (func (export "write_iovec") (param $iovs i32) (param $count i32) (result i32)
    (call $fd_write (i32.const 1) (local.get $iovs) (local.get $count) (i32.const 1000)))
  ;; An empty write to a descriptor: 8 badf when it is not open or not writable.
  (func (export "write_to") (param $fd i32) (result i32)
    (call $fd_write (local.get $fd) (i32.const 0) (i32.const 0) (i32.const 1000)))
  (func (export "sizes_at") (param $ptr i32) (result i32)
    (call $args_sizes_get (local.get $ptr) (i32.const 1000)))
  (func (export "clock") (param $id i32) (result i32)
    (call $clock_time_get (local.get $id) (i64.const 0) (i32.const 1000)))
  (func (export "raise") (result i32)
    (call $proc_raise (i32.const 6)))
  ;; Open "." then read it as a file: 31 isdir (an open failure shows as its errno + 100).
  (func (export "dir_as_file") (result i32)
    (local $errno i32)
    (local.set $errno (call $path_open (i32.const 3) (i32.const 1) (i32.const 500) (i32.const 1)
      (i32.const 0) (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 1000)))
    (if (local.get $errno) (then (return (i32.add (local.get $errno) (i32.const 100)))))
    (i32.store (i32.const 0) (i32.const 2000))
    (i32.store (i32.const 4) (i32.const 16))
    (call $fd_read (i32.load (i32.const 1000)) (i32.const 0) (i32.const 1) (i32.const 1004))))
