#!/usr/bin/env bash
# The full test suite: build the module, run every spec through ctest, then
# the whole suite again with the module under ASan/UBSan.
#
#   ci/test.sh                      Lua 5.4, the system libseccomp
#   LUA_VERSION=5.3 ci/test.sh      Lua 5.3
#   LIBSECCOMP_PREFIX=/p ci/test.sh build against /p/usr/include, run with /p's library
#   RUNTIME_PREFIX=/p ci/test.sh    build against the system headers, run with /p's library
#   SANITIZE=0 ci/test.sh           skip the ASan/UBSan pass
#
# Prints busted's own summary (successes, failures, errors, pending) summed
# over the spec files, and ends with a line
# "specs (TAG): N passed, N failed, N pending" counting busted cases.
set -euo pipefail
cd "$(dirname "$0")/.."
bash ci/deps-ci.sh

LUA_VERSION=${LUA_VERSION:-5.4}
SANITIZE=${SANITIZE:-1}
tag="lua${LUA_VERSION}"
cmake_args=(-DLUA_VERSION="$LUA_VERSION" -DCMAKE_BUILD_TYPE=RelWithDebInfo)
if [ -n "${LIBSECCOMP_PREFIX:-}" ]; then
  libdir=$(dirname "$(find "$LIBSECCOMP_PREFIX" -name 'libseccomp.so*' | head -n 1)")
  cmake_args+=(-DLIBSECCOMP_INCDIR="$LIBSECCOMP_PREFIX/usr/include" -DLIBSECCOMP_LIBDIR="$libdir")
  export LD_LIBRARY_PATH="$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  tag="$tag-$(basename "$LIBSECCOMP_PREFIX")"
fi
if [ -n "${RUNTIME_PREFIX:-}" ]; then
  libdir=$(dirname "$(find "$RUNTIME_PREFIX" -name 'libseccomp.so*' | head -n 1)")
  export LD_LIBRARY_PATH="$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  tag="$tag-run-$(basename "$RUNTIME_PREFIX")"
fi
B="build-test-$tag"

count() { # sum busted's "N successes / N failures / N errors / N pending" lines of a log
  awk '/successes? \/ [0-9]+ failures? \/ [0-9]+ errors? \/ [0-9]+ pending/ { p += $1; f += $4; e += $7; q += $10 }
       END { printf "%d %d %d %d\n", p, f, e, q }' "$1"
}

cmake -S . -B "$B" -DSECCOMP_WERROR=ON "${cmake_args[@]}" >/dev/null
cmake --build "$B" -j2 >/dev/null
status=0
(cd "$B" && ctest --output-on-failure) || status=1
read -r passed failures errors pending < <(count "$B/Testing/Temporary/LastTest.log")
failed=$((failures + errors))
echo "busted ($tag): $passed successes / $failures failures / $errors errors / $pending pending"
# a pending spec names what it lacks: list them, so a gate that closes is seen
grep -E '^Pending -> ' -A1 "$B/Testing/Temporary/LastTest.log" | grep -vE '^(Pending -> |--$)' | sed 's/^/  pending: /' || true

if [ "$SANITIZE" = 1 ] && [ "$LUA_VERSION" = 5.4 ]; then
  echo "== ASan/UBSan pass"
  log=$(mktemp)
  if bash ci/asan.sh >"$log" 2>&1; then echo "ASan/UBSan: clean"; else echo "ASan/UBSan: FAILED"; tail -n 60 "$log"; status=1; fi
  tail -n 1 "$log"
  rm -f "$log"
fi
echo "specs ($tag): $passed passed, $failed failed, $pending pending"
exit $status
