#!/bin/sh
# bench/run_explain.sh [ROUNDS] - build what bench/explain.lua needs and run
# it: seccomp.explain and seccomp.audit of the container profile's program
# (examples/policies/container.lua, x86_64 + x86 + x32), their CPU time, and
# their ratios to seccomp.diff of the same program with itself and to a C
# fork+exec of /bin/true, measured in the same run.
# BUILD (default build-bench) is the CMake build dir of the module, built Release.
. "$(dirname "$0")/common.sh"
make_bin
${CC:-cc} -O2 -std=c99 -Wall -Wextra -Werror -o "$BIN/verify_c" bench/verify_c.c
with_module lua5.4 bench/explain.lua "$BIN/verify_c" "${1:-7}"
