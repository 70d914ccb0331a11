#!/usr/bin/env bash
# The test command: build the module, run every spec file with busted (a
# line per file: its cases and time), then every spec file again with the
# module under ASan/UBSan (ci/asan.sh).  It installs nothing the set-up
# (ci/setup.sh) did not: it calls the same ci/deps.sh, and never changes what
# `lua`, `luac`, `busted` or `luarocks` mean.  Specs that need something the
# machine lacks (python3, lua-socket, a newer libseccomp, ...) are pending,
# naming it.
#
#   ci/test.sh                      Lua 5.4, the system libseccomp
#   LUA_VERSION=5.3 ci/test.sh      Lua 5.3 (needs lua5.3 and liblua5.3-dev,
#                                   which this command does not install)
#   LIBSECCOMP_PREFIX=/p ci/test.sh build against /p/usr/include, run with /p's library
#   RUNTIME_PREFIX=/p ci/test.sh    build against the system headers, run with /p's library
#   SANITIZE=0 ci/test.sh           skip the ASan/UBSan pass
#   VERIFY_SETS=N ci/test.sh        verify_spec's differential: N random rule sets (2000)
#   SCFAULT_MAX=N ci/test.sh        fault_spec: calls failed per point (10; ASan pass 1;
#                                   ci/fault.sh runs 150)
#
# The pending cases are listed under a heading "pending (N ...):"; the last
# line is "specs (TAG): N passed, N failed, N pending", counting busted cases
# (from busted's JUnit reports, ci/lib.sh).
set -uo pipefail
. "$(dirname "$0")/lib.sh"

LUA_VERSION=${LUA_VERSION:-5.4}
SANITIZE=${SANITIZE:-1}
tag="lua${LUA_VERSION}"
cmake_args=(-DLUA_VERSION="$LUA_VERSION" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSECCOMP_WERROR=ON)
libseccomp="the system's libseccomp"
if [ -n "${LIBSECCOMP_PREFIX:-}" ]; then
  libdir=$(dirname "$(find "$LIBSECCOMP_PREFIX" -name 'libseccomp.so*' | head -n 1)")
  cmake_args+=(-DLIBSECCOMP_INCDIR="$LIBSECCOMP_PREFIX/usr/include" -DLIBSECCOMP_LIBDIR="$libdir")
  export LD_LIBRARY_PATH="$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  tag="$tag-$(basename "$LIBSECCOMP_PREFIX")"
  libseccomp="libseccomp in $LIBSECCOMP_PREFIX"
fi
if [ -n "${RUNTIME_PREFIX:-}" ]; then
  libdir=$(dirname "$(find "$RUNTIME_PREFIX" -name 'libseccomp.so*' | head -n 1)")
  export LD_LIBRARY_PATH="$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  tag="$tag-run-$(basename "$RUNTIME_PREFIX")"
  libseccomp="the system's libseccomp headers, running the library in $RUNTIME_PREFIX"
fi
B="build-test-$tag"
ci_section "ci/test.sh: Lua $LUA_VERSION, $libseccomp"

ci_section "packages (ci/deps.sh: the set-up's, nothing more)"
bash ci/deps.sh || { ci_fail 1 "ci/deps.sh"; ci_summary "specs ($tag)"; exit 1; }
if [ "$LUA_VERSION" != 5.4 ]; then
  ci_need "lua$LUA_VERSION" "liblua$LUA_VERSION-dev" ||
    { ci_fail 1 "LUA_VERSION=$LUA_VERSION: this command does not install Lua $LUA_VERSION (it would become Debian's lua)"
      ci_summary "specs ($tag)"; exit 1; }
fi

ci_section "build ($B)"
if ! ci_build "$B" "${cmake_args[@]}"; then
  ci_fail 1 "the build"
  ci_summary "specs ($tag)"
  exit 1
fi

specs=(spec/*_spec.lua)
ci_section "specs (${#specs[@]} files, Lua $LUA_VERSION, VERIFY_SETS=${VERIFY_SETS:-2000})"
CI_BUSTED_ENV=(SCFAULT_MAX="${SCFAULT_MAX:-10}")
ci_busted "$tag" "lua$LUA_VERSION" "$B" "${specs[@]}"
CI_BUSTED_ENV=()

if [ "$SANITIZE" = 1 ] && [ "$LUA_VERSION" = 5.4 ]; then
  ci_counted "ASan/UBSan pass (ci/asan.sh)" bash ci/asan.sh
fi
ci_summary "specs ($tag)"
