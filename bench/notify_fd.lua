--- bench/notify_fd.lua - the Lua supervisors of bench/notify.lua over a
--- listener made elsewhere, for bench/callgrind_notify.sh.
---
--- usage: notify_c handover N lua5.4 bench/notify_fd.lua SIDE N
--- SIDE: Lua (requests() + reply), Lua-serve (serve, a handler returning
--- { value = 4242 }) or Lua-serve-const (serve, the fixed answer
--- { value = 4242 } as the handler), as in bench/notify.lua, until the
--- target exits; the count answered must be N.
---
--- valgrind does not emulate seccomp(2), so under it libseccomp reports API
--- level 1; the listener was made outside valgrind, and NOTIFY_API is the
--- level libseccomp reported there, set back here.
local seccomp = require "seccomp"

local side, N = arg[1], tonumber(arg[2])
local fd, api = tonumber(os.getenv("NOTIFY_FD")), tonumber(os.getenv("NOTIFY_API"))
assert(side and N and fd and api, "usage: notify_c handover N lua5.4 bench/notify_fd.lua SIDE N")
if seccomp.api() < api then seccomp.set_api(api) end
local n = seccomp.notifier(fd) -- notify_c set the listener's synchronous wake-ups, as spawn does

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
elseif side == "Lua-serve-const" then -- a fixed answer, no handler function: nothing counts
  n:serve { getppid = { value = 4242 } }
  count = N
else
  error("unknown side " .. side)
end
assert(count == N, "answered " .. count)
