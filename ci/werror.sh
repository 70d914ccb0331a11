#!/usr/bin/env bash
# The module must build warning-free with gcc and clang at every usual
# optimisation level: -Werror is CI's (SECCOMP_WERROR=ON), not the users'
# (it is off by default, so a user's compiler or CFLAGS cannot break an
# install on a new warning).
#
#   ci/werror.sh            gcc and clang at -O0 -O1 -O2 -O3 -Os, Lua 5.4
#   LUA_VERSION=5.3 ci/werror.sh
#
# Ends with a line "werror: N passed, N failed, 0 pending" (one case per
# compiler and level).
set -uo pipefail
. "$(dirname "$0")/lib.sh"
LUA_VERSION=${LUA_VERSION:-5.4}
ci_need clang || { ci_fail 1 "clang is CI's (ci/deps-ci.sh)"; ci_summary werror; exit 1; }
for cc in gcc clang; do
  for opt in -O0 -O1 -O2 -O3 -Os; do
    B="build-werror-$cc$opt"
    rm -rf "$B"
    log=$(mktemp)
    t0=$EPOCHREALTIME
    # CMAKE_BUILD_TYPE empty: the level comes from CFLAGS alone, as in a
    # `luarocks install` with the user's CFLAGS
    if CC=$cc CFLAGS="$opt" cmake -S . -B "$B" -DLUA_VERSION="$LUA_VERSION" -DCMAKE_BUILD_TYPE= \
         -DSECCOMP_WERROR=ON >"$log" 2>&1 &&
       cmake --build "$B" -j2 >>"$log" 2>&1; then
      echo "  $cc $opt: clean ($(ci__secs "$t0") s)"
      ci_pass
    else
      ci_fail 1 "$cc $opt"
      grep -E "(warning|error):" -A3 "$log" | head -n 40
    fi
    rm -f "$log"
    rm -rf "$B"
  done
done
ci_summary werror
