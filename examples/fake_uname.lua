#!/usr/bin/env lua5.4
--- examples/fake_uname.lua - run a command that sees RELEASE as the kernel
--- release in uname(2).
---
--- usage: lua5.4 examples/fake_uname.lua RELEASE COMMAND [ARG...]
---   e.g. lua5.4 examples/fake_uname.lua 2.6.32-retro uname -r
---
--- The call is emulated: it never runs.  The supervisor writes a whole
--- struct utsname into the command's buffer (req:write) and answers 0.
local seccomp = require "seccomp"

local release = arg[1]
local cmd = table.move(arg, 2, #arg, 1, {})
if not release or #cmd == 0 then
  io.stderr:write("usage: lua5.4 examples/fake_uname.lua RELEASE COMMAND [ARG...]\n")
  os.exit(2)
end

local function sysctl(name)
  local fh = io.open("/proc/sys/kernel/" .. name)
  local s = fh and fh:read("l") or ""
  if fh then fh:close() end
  return s
end

-- struct utsname: six char[65] fields, NUL-padded (the machine field is
-- what `uname -m` prints: libseccomp's name of the native arch is the same
-- on x86_64 and aarch64)
local function field(s)
  s = s:sub(1, 64)
  return s .. ("\0"):rep(65 - #s)
end
local utsname = field(sysctl("ostype")) .. field(sysctl("hostname")) .. field(release)
  .. field(sysctl("version")) .. field(seccomp.arch_name(seccomp.native_arch()))
  .. field(sysctl("domainname"))

local filter = seccomp.filter("allow"):add_rule("notify", "uname")
local child = filter:spawn(cmd)
child.notifier:serve {
  uname = function(req)
    local ok, _, errno = req:write(req.args[1], utsname)
    if not ok then
      return errno -- EFAULT for a bad buffer, as the kernel would answer
    end
    return { value = 0 }
  end,
}
local _, how, code = child:wait()
os.exit(how == "exit" and code or 128 + code)
