#!/usr/bin/env bash
# First-time set-up on Debian bookworm: install what a user needs
# (ci/deps.sh), build and install the module with LuaRocks into ./tree,
# install tree/bin/busted (busted on Lua 5.4 with this tree's modules
# first), and run the demo from outside the source tree with only that tree
# on the path.  Prints what it does as it goes (apt's and LuaRocks' own
# output).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
echo "== packages (ci/deps.sh)"
bash ci/deps.sh
echo "== build and install into $PWD/tree (luarocks --lua-version=5.4 make)"
mkdir -p tree/bin
ci_ticking "luarocks make" luarocks --lua-version=5.4 make --tree="$PWD/tree" rockspec/lua-seccomp-scm-1.rockspec
install -m 0755 ci/busted.lua tree/bin/busted
echo "installed tree/bin/busted (busted on Lua 5.4, this tree's modules first)"
eval "$(luarocks --lua-version=5.4 --tree="$PWD/tree" path)"
echo "== the demo, run from / with only the tree on the path (examples/demo.lua)"
demo="$PWD/examples/demo.lua"
(cd / && lua5.4 "$demo")
echo
echo "Installed into $PWD/tree. To use it from any directory:"
echo "  eval \"\$(luarocks --lua-version=5.4 --tree=$PWD/tree path)\""
echo "then run a script with: lua5.4 script.lua"
echo "and a spec of yours with: busted my_spec.lua"
