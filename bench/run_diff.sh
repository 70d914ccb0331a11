#!/bin/sh
# bench/run_diff.sh [ROUNDS] - build what bench/diff.lua needs and run it:
# seccomp.diff of the two programs of examples/policies/container.lua
# (libseccomp's and the module's, x86_64 + x86 + x32), its CPU time, and
# its ratio to f:verify() of the same filter and to a C fork+exec of
# /bin/true, measured in the same run.
# BUILD (default build-bench) is the CMake build dir of the module, built Release.
. "$(dirname "$0")/common.sh"
make_bin
${CC:-cc} -O2 -std=c99 -Wall -Wextra -Werror -o "$BIN/verify_c" bench/verify_c.c
with_module lua5.4 bench/diff.lua "$BIN/verify_c" "${1:-7}"
