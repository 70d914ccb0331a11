#!/bin/sh
# bench/run_spawn.sh [M [ROUNDS]] - build what bench/spawn.lua needs and run it.
# BUILD (default build-bench) is the CMake build dir of the module, built Release.
. "$(dirname "$0")/common.sh"
make_bin
${CC:-cc} -O2 -o "$BIN/spawn_c" bench/spawn_c.c
with_module lua5.4 bench/spawn.lua "$BIN/spawn_c" "${1:-200}" "${2:-7}"
