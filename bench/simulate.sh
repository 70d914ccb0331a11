#!/bin/sh
# bench/simulate.sh [ROUNDS] - f:simulate calls per second from Lua for a
# 300-syscall allow-list with 50 conditional rules, and the cost per call
# against the kernel running the same filter (see bench/simulate.lua).
# Builds an optimised module in $BUILD (default build-bench/) first.
. "$(dirname "$0")/common.sh"
B=$BUILD
${CC:-cc} -O2 -std=c99 -Wall -Wextra -Werror bench/simulate_kernel.c -o "$B/simulate_kernel"
exec lua5.4 bench/simulate.lua "$B" "${1:-11}"
