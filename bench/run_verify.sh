#!/bin/sh
# bench/run_verify.sh [ROUNDS] - build what bench/verify.lua needs and run it:
# f:verify()'s cost (first and cached) as a ratio to one spawn of /bin/true
# under the same filter, for a 300-syscall allow-list with 50 conditional
# rules, examples/policies/container.lua and examples/policies/container.json;
# ROUNDS (default 9) paired rounds, the sides alternated, medians of ratios.
# BUILD (default build-bench) is the CMake build dir of the module, built Release.
. "$(dirname "$0")/common.sh"
make_bin
${CC:-cc} -O2 -std=c99 -Wall -Wextra -Werror -o "$BIN/verify_c" bench/verify_c.c
with_module lua5.4 bench/verify.lua "$BIN/verify_c" "${1:-9}"
