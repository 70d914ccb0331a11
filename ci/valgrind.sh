#!/usr/bin/env bash
# The spec suite under valgrind: fails on any definite leak or memory error.
# Usage: ci/valgrind.sh [spec files...]   (default: every spec)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "valgrind is not installed (apt-get install valgrind; CI's packages: bash ci/deps-ci.sh)"; exit 1; }
B=build
cmake -S . -B "$B" -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build "$B" >/dev/null
export DIFF_PAIRS=${DIFF_PAIRS:-20} # the full run of diff's random pairs is in the plain pass
export EXPLAIN_SETS=${EXPLAIN_SETS:-10} # and of explain's random rule sets
specs=("$@")
[ ${#specs[@]} -gt 0 ] || specs=(spec)
valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=1 \
  --suppressions="$PWD/ci/valgrind.supp" \
  lua5.4 /usr/bin/busted --cpath="$B/?.so" "${specs[@]}"
