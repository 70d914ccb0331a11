#!/usr/bin/env bash
# First-time set-up on Debian bookworm: install the dependencies, build and
# install the module with LuaRocks into ./tree, and run the demo from
# outside the source tree with only that tree on the path.
set -euo pipefail
cd "$(dirname "$0")/.."
bash ci/deps.sh
luarocks --lua-version=5.4 make --tree="$PWD/tree" rockspec/lua-seccomp-scm-1.rockspec >/dev/null
eval "$(luarocks --lua-version=5.4 --tree="$PWD/tree" path)"
demo="$PWD/examples/demo.lua"
(cd / && lua5.4 "$demo")
echo
echo "Installed into $PWD/tree. To use it from any directory:"
echo "  eval \"\$(luarocks --lua-version=5.4 --tree=$PWD/tree path)\""
