#!/usr/bin/env lua5.4
--- examples/connect_to.lua - run a command whose every connect(2) reaches the
--- unix socket SOCKET instead of the address it asked for.
---
--- usage: lua5.4 examples/connect_to.lua SOCKET COMMAND [ARG...]
---   e.g. lua5.4 examples/connect_to.lua /run/proxy.sock curl http://example.com/
---
--- The call is emulated: the supervisor connects a socket of its own to
--- SOCKET, installs it over the command's socket fd (addfd with newfd: the
--- kernel's SETFD), and answers the connect with 0.  The command then talks
--- to SOCKET through the fd it had.  Needs LuaSocket (Debian: lua-socket).
---
--- Nothing the command wrote decides where it connects: the address it
--- passed is only logged, so a thread changing it proves nothing.
local seccomp = require "seccomp"
local unix = require "socket.unix"

local path = arg[1]
local cmd = table.move(arg, 2, #arg, 1, {})
if not path or #cmd == 0 then
  io.stderr:write("usage: lua5.4 examples/connect_to.lua SOCKET COMMAND [ARG...]\n")
  os.exit(2)
end

local filter = seccomp.filter("allow"):add_rule("notify", "connect")
local child = filter:spawn(cmd)
child.notifier:serve {
  connect = function(req)
    local s = unix()
    local ok, err = s:connect(path)
    if not ok then
      io.stderr:write(("connect_to: %s: %s\n"):format(path, err))
      s:close()
      return "ECONNREFUSED"
    end
    local fd = math.tointeger(s:getfd())
    s:setfd(-1) -- the fd is ours to hand over now; LuaSocket forgets it
    -- over the command's socket (its fd is the call's first argument), then 0
    return { fd = fd, newfd = req.args[1] & 0xffffffff, value = 0, close = true }
  end,
}
local _, how, code = child:wait()
os.exit(how == "exit" and code or 128 + code)
