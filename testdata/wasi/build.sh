#!/bin/sh
# Rebuilds every testdata/wasi/*.wasm from its .c source (see README.md). Needs clang, lld and
# wasi-libc (Debian: clang lld wasi-libc libclang-rt-14-dev-wasm32).
set -eu
cd "$(dirname "$0")"
CC=${CC:-clang}
for src in *.c; do
    out=${src%.c}.wasm
    $CC --target=wasm32-wasi -O2 -o "$out" "$src" -Wl,--strip-debug
    echo "built $out ($(wc -c < "$out") bytes)"
done
