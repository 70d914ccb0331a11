#!/usr/bin/env bash
# The spec suite with the module built under AddressSanitizer + UBSan (gcc's
# libasan and libubsan preloaded into lua5.4; LeakSanitizer checks each
# busted run at its exit), one line per spec file.
#
#   ci/asan.sh [SPEC_FILE...]     default: every spec/*_spec.lua
#   VERIFY_SETS=N ci/asan.sh      verify_spec's differential (default 100 here)
#   SCFAULT_MAX=N ci/asan.sh      fault_spec's calls failed per point (default 1
#                                 here: each point's first call; ci/fault.sh
#                                 runs the ASan pass with 1 and the plain one
#                                 with 150)
#
# Ends with "asan: N passed, N failed, N pending".
set -uo pipefail
. "$(dirname "$0")/lib.sh"
B=build-asan
ci_section "build ($B: Debug, -fsanitize=address,undefined)"
if ! ci_build "$B" -DCMAKE_BUILD_TYPE=Debug -DSECCOMP_SANITIZE=ON; then
  ci_fail 1 "the ASan/UBSan build"
  ci_summary asan
  exit 1
fi
specs=("$@")
# (every spec but the runtime matrix, whose C paths, dump and diff, the
# container and inspect specs take; ci/runtimes.sh runs the matrix in full)
[ ${#specs[@]} -gt 0 ] || mapfile -t specs < <(ls spec/*_spec.lua | grep -v '/runtime_matrix_spec.lua$')
# Leaks are checked in the interpreter that runs busted; children forked
# from it inherit the preload.  The full differential is the plain pass's.
CI_BUSTED_ENV=(
  LD_PRELOAD="$(gcc -print-file-name=libasan.so) $(gcc -print-file-name=libubsan.so)"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=86
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=87
  LSAN_OPTIONS=suppressions="$PWD/ci/lsan.supp":print_suppressions=0
  VERIFY_SETS="${VERIFY_SETS:-100}" SCFAULT_MAX="${SCFAULT_MAX:-1}" SCFAULT_STRIDE="${SCFAULT_STRIDE:-8}"
  DIFF_PAIRS="${DIFF_PAIRS:-50}" VERIFY_WIDE_SETS="${VERIFY_WIDE_SETS:-3}" EXPLAIN_SETS="${EXPLAIN_SETS:-20}")
ci_section "specs under ASan/UBSan (${#specs[@]} files, VERIFY_SETS=${VERIFY_SETS:-100}, SCFAULT_MAX=${SCFAULT_MAX:-1})"
ci_busted ASan lua5.4 "$B" "${specs[@]}"
ci_summary asan
