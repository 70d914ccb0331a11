--- bench/notify_fd.lua - the Lua supervisors of bench/notify.lua over a
--- listener made elsewhere, for bench/callgrind_notify.sh.
---
--- usage: notify_c handover N lua5.4 bench/notify_fd.lua SIDE N
--- SIDE: Lua (requests() + reply) or Lua-serve (serve, a handler returning
--- { value = 4242 }), as in bench/notify.lua, until the target exits;
--- the count answered must be N.
---
--- valgrind does not emulate seccomp(2), so under it libseccomp reports API
--- level 1; the listener was made outside valgrind, and NOTIFY_API is the
--- level libseccomp reported there, set back here.
local seccomp = require "seccomp"

local side, N = arg[1], tonumber(arg[2])
local fd, api = tonumber(os.getenv("NOTIFY_FD")), tonumber(os.getenv("NOTIFY_API"))
assert(side and N and fd and api, "usage: notify_c handover N lua5.4 bench/notify_fd.lua SIDE N")
if seccomp.api() < api then seccomp.set_api(api) end
local n = seccomp.notifier(fd)
n:sync_wakeup(true) -- as child.notifier has it (the C side set it on the listener already)

local count = 0
if side == "Lua" then
  for req in n:requests() do -- ends when the target has exited
    req:reply(4242)
    count = count + 1
  end
elseif side == "Lua-serve" then
  n:serve { getppid = function()
    count = count + 1
    return { value = 4242 }
  end }
else
  error("unknown side " .. side)
end
assert(count == N, "answered " .. count)
