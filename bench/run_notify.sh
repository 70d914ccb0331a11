#!/bin/sh
# bench/run_notify.sh [N [ROUNDS]] - build what bench/notify.lua needs and run it.
# BUILD (default build-bench) is the CMake build dir of the module, built Release.
. "$(dirname "$0")/common.sh"
make_bin
${CC:-cc} -O2 -o "$BIN/notify_c" bench/notify_c.c -lseccomp
# PIN=n runs every side (supervisor and target) on CPU n: on a shared,
# loaded machine the rate otherwise swings with where the scheduler puts the
# two processes; pinned, every side has the same placement.
with_module ${PIN:+taskset -c "$PIN"} lua5.4 bench/notify.lua "$BIN/notify_c" "${1:-20000}" "${2:-7}"
