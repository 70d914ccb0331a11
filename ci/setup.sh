#!/usr/bin/env bash
# First-time set-up on Debian bookworm: install what a user needs, build and
# install the module with LuaRocks into ./tree, install tree/bin/busted
# (busted on Lua 5.4 with this tree's modules first), and run the demo from
# outside the source tree with only that tree on the path.
set -euo pipefail
cd "$(dirname "$0")/.."
bash ci/deps.sh
mkdir -p tree/bin
luarocks --lua-version=5.4 make --tree="$PWD/tree" rockspec/lua-seccomp-scm-1.rockspec >/dev/null
install -m 0755 ci/busted.lua tree/bin/busted
eval "$(luarocks --lua-version=5.4 --tree="$PWD/tree" path)"
demo="$PWD/examples/demo.lua"
(cd / && lua5.4 "$demo")
echo
echo "Installed into $PWD/tree. To use it from any directory:"
echo "  eval \"\$(luarocks --lua-version=5.4 --tree=$PWD/tree path)\""
echo "and run a spec of yours with: busted my_spec.lua"
