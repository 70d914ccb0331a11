#!/usr/bin/env bash
# Fault injection (spec/fault_spec.lua): every call the module makes that can
# fail is made to fail in turn by an LD_PRELOAD interposer
# (spec/fault/interpose.c), and each failure must become a clean Lua error
# with no fd, child or half-loaded filter left behind.  Run twice: with the
# plain module, and with the module under ASan/UBSan, where LeakSanitizer
# checks every run's memory at exit (the malloc points).
#
#   ci/fault.sh                 both passes
#   SCFAULT_MAX=N ci/fault.sh   fail up to N calls of each point in turn (default 150)
#   SCFAULT_ASAN_MAX=N          in the ASan pass, fail up to N calls of each point
#                               (default 1: every point's first call, where the
#                               paths differ; the plain pass goes to SCFAULT_MAX)
#   SCFAULT_ASAN_STRIDE=N       in the ASan pass, fail every Nth call of the long
#                               pieces of work (default 8; the plain pass fails each)
#
# Here the interposer must be there: a pending fault case counts as failed.
# Ends with a line "fault: N passed, N failed, 0 pending" (busted cases over
# both passes, from busted's JUnit reports through ci/lib.sh).
set -uo pipefail
. "$(dirname "$0")/lib.sh"
bash ci/deps.sh >/dev/null || { ci_fail 1 "ci/deps.sh"; ci_summary fault; exit 1; }
export SCFAULT_MAX=${SCFAULT_MAX:-150}

# pass LABEL BUILD_DIR CMAKE_ARGS...: build the module with the fault points
# into BUILD_DIR and run spec/fault_spec.lua against it (environment: the
# array CI_BUSTED_ENV).
pass() {
  local label=$1 B=$2 pending0=$CI_PENDING
  shift 2
  ci_section "fault injection, $label build ($B, SCFAULT_MAX=$SCFAULT_MAX)"
  if ! ci_build "$B" -DSECCOMP_FAULT=ON "$@"; then
    ci_fail 1 "the $label build"
    return
  fi
  ci_busted "fault $label" lua5.4 "$B" spec/fault_spec.lua
  if [ "$CI_PENDING" -ne "$pending0" ]; then
    ci_fail $((CI_PENDING - pending0)) "fault $label: cases pending (is the interposer built?)"
  fi
}

CI_BUSTED_ENV=()
pass plain build-fault -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSECCOMP_WERROR=ON

# busted itself runs without leak checks (its own children get them: the
# spec sets detect_leaks in each run)
CI_BUSTED_ENV=(SCFAULT_MAX="${SCFAULT_ASAN_MAX:-1}" SCFAULT_STRIDE="${SCFAULT_ASAN_STRIDE:-8}" ASAN_OPTIONS=detect_leaks=0:abort_on_error=0:exitcode=86
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=87
  LSAN_OPTIONS=suppressions="$PWD/ci/lsan.supp":print_suppressions=0
  LD_PRELOAD="$(gcc -print-file-name=libasan.so) $(gcc -print-file-name=libubsan.so)")
SCFAULT_MAX=${SCFAULT_ASAN_MAX:-1} pass ASan build-fault-asan -DCMAKE_BUILD_TYPE=Debug -DSECCOMP_SANITIZE=ON

ci_summary fault
