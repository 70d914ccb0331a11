#!/usr/bin/env bash
# Many Lua states on many threads, under ThreadSanitizer.  The module is
# built with -fsanitize=thread (build-tsan/module), and so is a small C host
# (ci/tsan/host.c) that runs several lua_States on several threads, each
# requiring seccomp and building, simulating, verifying and exporting
# filters at once (ci/tsan/work.lua), closing its state and starting another;
# then lua-luv's threads (uv.new_thread, a lua_State each) run the same work
# in the stock lua5.4 with the sanitizer's runtime preloaded
# (ci/tsan/luv.lua).  A run passes when every round ran to its end and
# ThreadSanitizer reported nothing.  libseccomp and liblua are not
# instrumented: races inside them are not seen (docs/api.md, "Threads").
#
#   ci/tsan.sh                  every run
#   TSAN_ROUNDS=N ci/tsan.sh    rounds per thread (default 3)
#
# Installs lua-luv (a CI-only package) when it is missing.  Ends with a line
# "tsan: N passed, N failed" (one case per run).
set -uo pipefail
cd "$(dirname "$0")/.."
B=build-tsan
ROUNDS=${TSAN_ROUNDS:-3}
LIBTSAN=$(gcc -print-file-name=libtsan.so)
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=0:exitcode=66:second_deadlock_stack=1}
LPATH="$PWD/lua/?.lua;$PWD/lua/?/init.lua"
CPATH="$PWD/$B/module/?.so"
mkdir -p "$B"
passed=0 failed=0

cmake -S . -B "$B/module" -DCMAKE_BUILD_TYPE=Debug -DSECCOMP_WERROR=ON -DSECCOMP_FAULT=OFF \
  "-DCMAKE_C_FLAGS=-fsanitize=thread -O1 -g" "-DCMAKE_MODULE_LINKER_FLAGS=-fsanitize=thread" >"$B/build.log" 2>&1 &&
  cmake --build "$B/module" -j2 >>"$B/build.log" 2>&1 &&
  gcc -std=c99 -Wall -Wextra -Werror -fsanitize=thread -O1 -g -I/usr/include/lua5.4 \
    -o "$B/host" ci/tsan/host.c -llua5.4 -lpthread >>"$B/build.log" 2>&1 ||
  { tail -n 30 "$B/build.log"; echo "tsan: 0 passed, 1 failed"; exit 1; }

# run TITLE COMMAND...: one case
run() {
  local title=$1 log rc
  shift
  log=$(mktemp)
  "$@" >"$log" 2>&1
  rc=$?
  if [ "$rc" = 0 ] && ! grep -q "WARNING: ThreadSanitizer" "$log"; then
    echo "--- $title: green ($(tail -n 1 "$log"))"
    passed=$((passed + 1))
  else
    echo "--- $title: RED (exit $rc)"
    grep -A 24 "WARNING: ThreadSanitizer" "$log" | head -n 120
    tail -n 5 "$log"
    failed=$((failed + 1))
  fi
  rm -f "$log"
}

run "C host, 4 states on 4 threads x $ROUNDS rounds" "$B/host" ci/tsan/work.lua 4 "$ROUNDS" "$LPATH" "$CPATH"
run "C host, 8 states on 8 threads x $ROUNDS rounds" "$B/host" ci/tsan/work.lua 8 "$ROUNDS" "$LPATH" "$CPATH"

LUV=$(lua5.4 -e 'print(package.searchpath("luv", package.cpath) or "")')
if [ -z "$LUV" ]; then
  apt-get install -y lua-luv >/dev/null 2>&1 || true
  LUV=$(lua5.4 -e 'print(package.searchpath("luv", package.cpath) or "")')
fi
if [ -n "$LUV" ]; then
  run "lua-luv, 4 uv.new_thread states x $ROUNDS rounds" env LD_PRELOAD="$LIBTSAN" \
    lua5.4 ci/tsan/luv.lua ci/tsan/work.lua 4 "$ROUNDS" "$LPATH" "$CPATH"
else
  echo "--- lua-luv for Lua 5.4 is not installed and could not be: RED"
  failed=$((failed + 1))
fi

echo "tsan: $passed passed, $failed failed"
[ "$failed" = 0 ]
