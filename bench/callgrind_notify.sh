#!/bin/sh
# bench/callgrind_notify.sh [N1 [N2]] - the supervisor's own instructions per
# notified round trip, counted by valgrind's callgrind (user space only: the
# kernel's share, the same for every side, is not in them).  Deterministic,
# so it can be compared on a loaded machine where bench/run_notify.sh's
# rates cannot.
#
# Each side answers getppid calls from "notify_c target N", over a listener
# made outside valgrind (notify_c handover): the C+poll+sync loop
# (notify_c serve-fd), Lua requests() + reply, Lua serve (a handler
# returning { value = 4242 }) and serve with that answer fixed, as
# bench/notify.lua runs them (bench/notify_fd.lua).  A side runs
# with N1 and with N2 requests; (instructions at N2 - at N1) / (N2 - N1) is
# its cost per request, with start-up and exit taken out.
# BUILD (default build-bench) is the module's build dir, built Release.
. "$(dirname "$0")/common.sh"
make_bin
${CC:-cc} -O2 -o "$BIN/notify_c" bench/notify_c.c -lseccomp
N1=${1:-2000}
N2=${2:-4000}
SIDES=${SIDES:-"C Lua Lua-serve Lua-serve-const"}

# irefs SIDE N: the instructions callgrind counted for SIDE answering N requests
irefs() {
  n=$2
  if [ "$1" = C ]; then
    set -- "$BIN/notify_c" serve-fd "$n"
  else
    set -- lua5.4 bench/notify_fd.lua "$1" "$n"
  fi
  with_module "$BIN/notify_c" handover "$n" valgrind --tool=callgrind \
    --callgrind-out-file="$BIN/cg.out" "$@" >/dev/null 2>"$BIN/cg.err" ||
    { cat "$BIN/cg.err" >&2; echo "callgrind_notify: $* failed" >&2; exit 1; }
  sed -n 's/^\(summary\|totals\): *//p' "$BIN/cg.out" | head -n 1
}

echo "supervisor instructions per request (callgrind; $N2 - $N1 requests)"
for side in $SIDES; do
  a=$(irefs "$side" "$N1")
  b=$(irefs "$side" "$N2")
  echo "$side $(( (b - a) / (N2 - N1) ))"
done | awk '{ per[$1] = $2; order[NR] = $1 }
  END {
    for (i = 1; i <= NR; i++)
      printf "  %-16s %6d%s\n", order[i], per[order[i]],
        (order[i] != "C" && per["C"] > 0) ? sprintf("  (%d more than C)", per[order[i]] - per["C"]) : ""
  }'
