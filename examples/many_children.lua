#!/usr/bin/env lua5.4
--- examples/many_children.lua - supervise N children (default 50) with one
--- loop: seccomp.serve over the list of children.
---
--- usage: lua5.4 examples/many_children.lua [N]
---
--- Each child is a Lua interpreter that tries to remove /nonexistent/<i>.
--- Every unlink comes to this supervisor, which refuses it with EROFS and
--- counts it per pid; the loop ends when the last child has exited.
local seccomp = require "seccomp"

local n = tonumber(arg[1] or 50)
local lua = arg[-1] or "lua5.4"
local filter = seccomp.filter("allow"):add_rule("notify", "unlink")
local children, calls, served = {}, {}, 0

for i = 1, n do
  children[i] = filter:spawn { lua, "-e", ("os.exit(select(3, os.remove('/nonexistent/%d')) == 30)"):format(i) }
end
seccomp.serve({
  unlink = function(req)
    served = served + 1
    calls[req.pid] = (calls[req.pid] or 0) + 1
    return "EROFS"
  end,
}, children)

local ok = 0
for _, c in ipairs(children) do
  if c:wait() then ok = ok + 1 end -- each child exits 0 when it saw EROFS
end
local pids = 0
for _ in pairs(calls) do pids = pids + 1 end
print(("served %d unlink calls from %d children; %d of %d saw EROFS"):format(served, pids, ok, n))
os.exit(ok == n and 0 or 1)
