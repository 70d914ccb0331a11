#!/usr/bin/env bash
# Every part of the core must parse on its own, as an editor, ctags or
# clang-tidy sees it (src/module.c #includes them all into one translation
# unit; each part #includes src/core.h, or src/plain.h for the plain-C ones).
#
#   ci/parse-alone.sh          gcc -fsyntax-only on every src/*.c
#   CC=clang ci/parse-alone.sh
#   LUA_VERSION=5.3 ci/parse-alone.sh
#
# Ends with a line "parse: N passed, N failed, 0 pending" (one case per file).
set -uo pipefail
. "$(dirname "$0")/lib.sh"
CC=${CC:-gcc}
LUA_VERSION=${LUA_VERSION:-5.4}
for f in src/*.c; do
  if out=$("$CC" -fsyntax-only -std=c99 -D_GNU_SOURCE -I"/usr/include/lua$LUA_VERSION" "$f" 2>&1) &&
     ! grep -q 'error:' <<<"$out"; then
    ci_pass
  else
    ci_fail 1 "$f does not parse alone"
    grep -E 'error:' <<<"$out" | head -n 20
  fi
done
ci_summary parse
