#!/usr/bin/env lua5.4
--- examples/redirect_open.lua - run a command that, when it opens FROM, gets TO
--- instead.
---
--- usage: lua5.4 examples/redirect_open.lua FROM TO COMMAND [ARG...]
---   e.g. lua5.4 examples/redirect_open.lua /etc/hostname /tmp/other cat /etc/hostname
---
--- Every openat of the command comes to this supervisor.  For FROM, the
--- supervisor opens TO itself and installs that fd in the command, answering
--- the call with its number in one step (addfd with SEND).  Every other path
--- is let through with "allow".
---
--- A redirect is a convenience, not a security boundary: "allow" lets the
--- call run with whatever the path memory holds by then, and another thread
--- of the command could change it after we read it.  (The installed fd,
--- though, is always TO: the supervisor opened it.)  And FROM is matched as
--- a string, not as a file: `cd /etc; cat hostname`, a dirfd-relative open,
--- /etc/./hostname, a symlink or /proc/self/fd/N reach the same file by
--- another string and are let through.
local seccomp = require "seccomp"

local from, to = arg[1], arg[2]
local cmd = table.move(arg, 3, #arg, 1, {})
if not from or not to or #cmd == 0 then
  io.stderr:write("usage: lua5.4 examples/redirect_open.lua FROM TO COMMAND [ARG...]\n")
  os.exit(2)
end

local O_CLOEXEC = 0x80000 -- <fcntl.h> on x86_64, aarch64, riscv64 and most others

local filter = seccomp.filter("allow"):add_rule("notify", "openat")
local child = filter:spawn(cmd)
child.notifier:serve {
  openat = function(req)
    if req:read_string(req.args[2]) ~= from then
      return "allow"
    end
    local fh = io.open(to, "rb")
    if not fh then
      return "ENOENT"
    end
    -- installed in the command, the call returns its number; ours is closed
    return { fd = fh, close = true, cloexec = req.args[3] & O_CLOEXEC ~= 0 }
  end,
}
local _, how, code = child:wait()
os.exit(how == "exit" and code or 128 + code)
