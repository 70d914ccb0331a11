#!/usr/bin/env bash
# Debian's clang-tidy over every src/*.c, each part on its own (src/core.h
# makes that possible; the check list and its reasons are in .clang-tidy).
# Run on every core; zero findings: a finding is fixed, or suppressed in place with a NOLINT
# comment that says why.
#
#   ci/tidy.sh                 clang-tidy-14 (CLANG_TIDY=... to pick another)
#   LUA_VERSION=5.3 ci/tidy.sh
#
# Ends with a line "tidy: N passed, N failed, 0 pending" (one case per file).
set -uo pipefail
. "$(dirname "$0")/lib.sh"
TIDY=${CLANG_TIDY:-}
if [ -z "$TIDY" ]; then
  for t in clang-tidy-14 clang-tidy; do
    if command -v "$t" >/dev/null 2>&1; then TIDY=$t; break; fi
  done
fi
if [ -z "$TIDY" ]; then
  ci_fail 1 "clang-tidy not found (apt-get install clang-tidy; CI's packages: bash ci/deps-ci.sh)"
  ci_summary tidy
  exit 1
fi
LUA_VERSION=${LUA_VERSION:-5.4}
# one clang-tidy a core at a time (each file on its own), then counted in order
outdir=$(mktemp -d)
trap 'rm -rf "$outdir"' EXIT
export TIDY LUA_VERSION outdir
printf '%s\n' src/*.c | xargs -P "$(nproc)" -I{} sh -c \
  '"$TIDY" --quiet "$1" -- -std=c99 -D_GNU_SOURCE -I"/usr/include/lua$LUA_VERSION" >"$outdir/$(basename "$1").out" 2>&1; echo $? >"$outdir/$(basename "$1").rc"' _ {}
for f in src/*.c; do
  b=$(basename "$f")
  out=$(cat "$outdir/$b.out" 2>/dev/null)
  rc=$(cat "$outdir/$b.rc" 2>/dev/null || echo 1)
  if [ "$rc" -eq 0 ] && ! grep -qE '(warning|error):' <<<"$out"; then
    ci_pass
  else
    ci_fail 1 "$f"
    grep -E '(warning|error):' -A3 <<<"$out" | head -n 40
  fi
done
echo "tidy: $TIDY over ${CI_PASSED} + ${CI_FAILED} files"
ci_summary tidy
