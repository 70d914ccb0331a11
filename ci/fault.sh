#!/usr/bin/env bash
# Fault injection (spec/fault_spec.lua): every call the module makes that can
# fail is made to fail in turn by an LD_PRELOAD interposer
# (spec/fault/interpose.c), and each failure must become a clean Lua error
# with no fd, child or half-loaded filter left behind.  Run twice: with the
# plain module, and with the module under ASan/UBSan, where LeakSanitizer
# checks every run's memory at exit (the malloc points).
#
#   ci/fault.sh                 both passes
#   SCFAULT_MAX=N ci/fault.sh   fail up to N calls of each point in turn (default 400)
#
# Ends with a line "fault: N passed, N failed" (busted cases over both passes).
set -uo pipefail
cd "$(dirname "$0")/.."
bash ci/deps.sh || exit 1
export SCFAULT_MAX=${SCFAULT_MAX:-400}

passed=0 failed=0 rc=0
tally() { # add busted's "N successes / N failures / N errors / N pending" line of a log
  local line
  line=$(grep -E '[0-9]+ successes? / [0-9]+ failures? / [0-9]+ errors? / [0-9]+ pending' "$1" | tail -n 1)
  echo "${line:-no busted summary}"
  if [ -z "$line" ]; then failed=$((failed + 1)); return; fi
  read -r p _ _ f _ _ e _ _ q _ <<<"$line"
  passed=$((passed + p)) failed=$((failed + f + e))
  # the interposer must be there: a pending fault spec counts as a failure here
  if [ "$q" != 0 ]; then echo "fault: $q pending (is the interposer built?)"; failed=$((failed + q)); fi
}

echo "=== fault injection, plain build"
B=build-fault
cmake -S . -B "$B" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSECCOMP_WERROR=ON -DSECCOMP_FAULT=ON >/dev/null
cmake --build "$B" -j2 >/dev/null || exit 1
log=$(mktemp)
if lua5.4 /usr/bin/busted --lpath='lua/?.lua;lua/?/init.lua;spec/?.lua' --cpath="$B/?.so" spec/fault_spec.lua >"$log" 2>&1; then
  echo "--- plain: green"
else
  echo "--- plain: RED"; grep -E -A14 '^(Failure|Error) ->' "$log" | head -n 80; rc=1
fi
tally "$log"
rm -f "$log"

echo "=== fault injection, ASan/UBSan build (LeakSanitizer in every run)"
B=build-fault-asan
cmake -S . -B "$B" -DCMAKE_BUILD_TYPE=Debug -DSECCOMP_SANITIZE=ON -DSECCOMP_FAULT=ON >/dev/null
cmake --build "$B" -j2 >/dev/null || exit 1
LIBASAN=$(gcc -print-file-name=libasan.so)
LIBUBSAN=$(gcc -print-file-name=libubsan.so)
log=$(mktemp)
# busted itself runs without leak checks (its own children get them: the
# spec sets detect_leaks in each run)
if ASAN_OPTIONS=detect_leaks=0:abort_on_error=0:exitcode=86 \
   UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=87 \
   LSAN_OPTIONS=suppressions="$PWD/ci/lsan.supp":print_suppressions=0 \
   LD_PRELOAD="$LIBASAN $LIBUBSAN" \
   lua5.4 /usr/bin/busted --lpath='lua/?.lua;lua/?/init.lua;spec/?.lua' --cpath="$B/?.so" spec/fault_spec.lua >"$log" 2>&1; then
  echo "--- ASan: green"
else
  echo "--- ASan: RED"; grep -E -A14 '^(Failure|Error) ->' "$log" | head -n 80; rc=1
fi
tally "$log"
rm -f "$log"

echo "fault: $passed passed, $failed failed"
[ "$rc" = 0 ] && [ "$failed" = 0 ]
