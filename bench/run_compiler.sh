#!/bin/sh
# bench/run_compiler.sh [ROUNDS] - the module's compiler against libseccomp's:
# compile time, program size and the kernel's time per call (bench/compiler.lua),
# then the instructions the interpreter executes per call
# (fuzz/test_gen.c --compare, an optimised build).
# BUILD (default build-bench) is the CMake build dir of the module, built Release.
. "$(dirname "$0")/common.sh"
make_bin
${CC:-cc} -O2 -std=c99 -Wall -Wextra -Werror -o "$BIN/getppid_loop" bench/getppid_loop.c
with_module lua5.4 bench/compiler.lua "$BIN/getppid_loop" "${1:-9}"
${CC:-cc} -O2 -std=c99 -D_GNU_SOURCE -o "$BIN/test_gen" fuzz/test_gen.c -lseccomp
"$BIN/test_gen" --sets 0 --kernel 0 --hang 0 --compare 600 | grep -E "executed|compile time|ratio" | tail -n 12
