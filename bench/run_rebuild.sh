#!/bin/sh
# bench/run_rebuild.sh [N] - what building libseccomp's context anew from the
# ledger for every program would cost (src/filter.c builds it anew only
# after remove_arch, a failed libseccomp call and a rejected transaction).
# Two builds of the module, without and with -DSC_MEASURE_REBUILD_ALWAYS
# (a new context before every export of libseccomp's program), each run
# under callgrind on bench/compiler.lua's two filters (bench/rebuild.lua).
# Prints instruction counts (deterministic, so a busy machine does not
# matter) and the ratios: the rebuild against the export alone (what
# bench/compiler.lua calls compile) and against building and exporting.
set -eu
cd "$(dirname "$0")/.."
N=${1:-5}
for v in plain always; do
  flags=""
  [ "$v" = always ] && flags="-DSC_MEASURE_REBUILD_ALWAYS"
  cmake -S . -B "build-bench-$v" -DCMAKE_BUILD_TYPE=Release -DSECCOMP_FAULT=OFF \
    -DCMAKE_C_FLAGS="$flags" >/dev/null
  cmake --build "build-bench-$v" >/dev/null
done
ir() { # BUILD MODE CASE -> instructions
  LUA_PATH="lua/?.lua;lua/?/init.lua;;" LUA_CPATH="$1/?.so;;" \
    valgrind --tool=callgrind --callgrind-out-file=/dev/null lua5.4 bench/rebuild.lua "$2" "$3" "$N" 2>&1 |
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
for c in allow container; do
  b0=$(ir build-bench-plain build "$c"); e0=$(ir build-bench-plain export "$c")
  b1=$(ir build-bench-always build "$c"); e1=$(ir build-bench-always export "$c")
  s=$(ir build-bench-plain start "$c")
  awk -v c="$c" -v n="$N" -v s="$s" -v b0="$b0" -v e0="$e0" -v b1="$b1" -v e1="$e1" 'BEGIN {
    exp0 = e0 - b0; exp1 = e1 - b1; build = b0 - s
    printf "%s (%d filters): build %.1fM, export %.1fM instructions; a new context per export adds %.1fM: " \
      "%.3fx the export, %.3fx building and exporting\n", c, n, build / 1e6, exp0 / 1e6, (exp1 - exp0) / 1e6,
      exp1 / exp0, (build + exp1) / (build + exp0)
  }'
done
