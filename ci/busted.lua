#!/usr/bin/env lua5.4
-- busted on Lua 5.4, whatever Debian's `lua` points to, with the modules of
-- the LuaRocks tree it is installed in found first: `require "seccomp"` is
-- that tree's module, in any directory.  ci/setup.sh installs this file as
-- tree/bin/busted; the README's `luarocks path` line puts tree/bin first on
-- PATH.  Arguments are busted's own.
local tree = (arg and arg[0] or ""):match("^(.*)/bin/[^/]+$")
if tree then
  local v = _VERSION:match("%d+%.%d+")
  package.path = ("%s/share/lua/%s/?.lua;%s/share/lua/%s/?/init.lua;"):format(tree, v, tree, v)
    .. package.path
  package.cpath = ("%s/lib/lua/%s/?.so;"):format(tree, v) .. package.cpath
end
require "busted.runner"({ standalone = false })
