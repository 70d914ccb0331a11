#!/usr/bin/env bash
# The spec suite with the module built under AddressSanitizer + UBSan.
# Usage: ci/asan.sh [spec files...]   (default: every spec)
set -euo pipefail
cd "$(dirname "$0")/.."
B=build-asan
cmake -S . -B "$B" -DCMAKE_BUILD_TYPE=Debug -DSECCOMP_SANITIZE=ON >/dev/null
cmake --build "$B" >/dev/null
LIBASAN=$(gcc -print-file-name=libasan.so)
LIBUBSAN=$(gcc -print-file-name=libubsan.so)
# Leaks are checked in the interpreter that runs busted; children forked
# from it inherit the preload.
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=86
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=87
export LSAN_OPTIONS=suppressions="$PWD/ci/lsan.supp":print_suppressions=0
export VERIFY_SETS=${VERIFY_SETS:-200} # the full differential run is in the plain pass
export DIFF_PAIRS=${DIFF_PAIRS:-50}    # likewise diff's random pairs (spec/inspect_spec.lua)
export VERIFY_WIDE_SETS=${VERIFY_WIDE_SETS:-3} # (and its sets above the caps and the budget)
specs=("$@")
[ ${#specs[@]} -gt 0 ] || specs=(spec)
LD_PRELOAD="$LIBASAN $LIBUBSAN" lua5.4 /usr/bin/busted --cpath="$B/?.so" "${specs[@]}"
