# bench/common.sh - sourced by the bench scripts: go to the top of the
# checkout and build the module, optimised, into $BUILD (default build-bench).
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build-bench}
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$BUILD" >/dev/null
