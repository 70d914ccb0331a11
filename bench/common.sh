# bench/common.sh - sourced by the bench scripts: go to the top of the
# checkout and build the module, optimised, into $BUILD (default build-bench).
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build-bench}
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$BUILD" >/dev/null

# make_bin: BIN, a temporary directory for the C sides, removed at exit.
make_bin() {
  BIN=$(mktemp -d)
  trap 'rm -rf "$BIN"' EXIT
}

# with_module CMD...: run CMD with this checkout's Lua files and $BUILD's core
# first in Lua's paths.
with_module() {
  LUA_PATH="lua/?.lua;lua/?/init.lua;;" LUA_CPATH="$BUILD/?.so;;" "$@"
}
