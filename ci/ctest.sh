#!/usr/bin/env bash
# The README's other way to run the specs: `ctest` in a CMake build
# directory, one test per spec file.  Checks that CMake registers every
# spec/*_spec.lua as a test and that each passes, counting ctest's tests from
# its JUnit report (`ctest --output-junit`, CMake >= 3.21; ci/lib.sh).
#
#   ci/ctest.sh [BUILD_DIR]       default build-ctest
#   VERIFY_SETS=N ci/ctest.sh     verify_spec's differential (default 100 here)
#   SCFAULT_MAX=N ci/ctest.sh     fault_spec's calls failed per point (default 3 here)
#
# This checks the way of running, not the randomized specs again: their
# full runs are ci/test.sh's and ci/fault.sh's (DIFF_PAIRS, EXPLAIN_SETS
# and VERIFY_WIDE_SETS are reduced here too).
#
# Ends with "ctest: N passed, N failed, N pending" (one case per spec file).
set -uo pipefail
. "$(dirname "$0")/lib.sh"
B=${1:-build-ctest}
export VERIFY_SETS=${VERIFY_SETS:-100} SCFAULT_MAX=${SCFAULT_MAX:-3} DIFF_PAIRS=${DIFF_PAIRS:-30} \
  EXPLAIN_SETS=${EXPLAIN_SETS:-30} VERIFY_WIDE_SETS=${VERIFY_WIDE_SETS:-2}
ci_section "build ($B)"
if ! ci_build "$B" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSECCOMP_WERROR=ON; then
  ci_fail 1 "the build"
  ci_summary ctest
  exit 1
fi
ci_section "ctest in $B (VERIFY_SETS=$VERIFY_SETS, SCFAULT_MAX=$SCFAULT_MAX)"
report="$PWD/$B/ctest-junit.xml"
rm -f "$report"
(cd "$B" && ctest --output-on-failure --output-junit "$report")
ci_junit ctest "$report" "ctest: "
# every spec file is a registered test, and nothing else is
want=$(for f in spec/*_spec.lua; do basename "$f" .lua; done | sort)
got=$(lua5.4 - "$report" 2>&1 <<'LUA' | sort
local xml = require "pl.xml"
for _, c in ipairs(xml.parse(arg[1], true)) do
  if type(c) == "table" and c.tag == "testcase" then print(c.attr.name) end
end
LUA
)
if [ "$want" == "$got" ]; then
  ci_pass
  echo "ctest ran one test per spec file ($(wc -l <<<"$want") files)"
else
  ci_fail 1 "ctest's tests are not the spec files:"
  diff <(echo "$want") <(echo "$got") | sed 's/^/    /'
fi
ci_summary ctest
