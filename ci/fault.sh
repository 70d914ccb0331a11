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
#   SCFAULT_ASAN_STRIDE=N       in the ASan pass, fail every Nth call of the long
#                               pieces of work (default 8; the plain pass fails each)
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

# pass LABEL BUILD_DIR CMAKE_ARGS...: build the module with the fault points
# into BUILD_DIR and run spec/fault_spec.lua against it, with the variables
# of the array run_env set.
pass() {
  local label=$1 B=$2 log
  shift 2
  cmake -S . -B "$B" -DSECCOMP_FAULT=ON "$@" >/dev/null
  cmake --build "$B" -j2 >/dev/null || exit 1
  log=$(mktemp)
  if env "${run_env[@]}" lua5.4 /usr/bin/busted --lpath='lua/?.lua;lua/?/init.lua;spec/?.lua' --cpath="$B/?.so" \
      spec/fault_spec.lua >"$log" 2>&1; then
    echo "--- $label: green"
  else
    echo "--- $label: RED"; grep -E -A14 '^(Failure|Error) ->' "$log" | head -n 80; rc=1
  fi
  tally "$log"
  rm -f "$log"
}

echo "=== fault injection, plain build"
run_env=()
pass plain build-fault -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSECCOMP_WERROR=ON

echo "=== fault injection, ASan/UBSan build (LeakSanitizer in every run)"
# busted itself runs without leak checks (its own children get them: the
# spec sets detect_leaks in each run)
run_env=(SCFAULT_STRIDE="${SCFAULT_ASAN_STRIDE:-8}" ASAN_OPTIONS=detect_leaks=0:abort_on_error=0:exitcode=86
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=87
  LSAN_OPTIONS=suppressions="$PWD/ci/lsan.supp":print_suppressions=0
  LD_PRELOAD="$(gcc -print-file-name=libasan.so) $(gcc -print-file-name=libubsan.so)")
pass ASan build-fault-asan -DCMAKE_BUILD_TYPE=Debug -DSECCOMP_SANITIZE=ON

echo "fault: $passed passed, $failed failed"
[ "$rc" = 0 ] && [ "$failed" = 0 ]
