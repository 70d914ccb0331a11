#!/usr/bin/env lua5.4
--- examples/exec_log.lua - run a command and log every execve of it and of
--- its descendants, with the program's arguments, to stderr.
---
--- usage: lua5.4 examples/exec_log.lua COMMAND [ARG...]
---   e.g. lua5.4 examples/exec_log.lua sh -c 'ls | wc -l'
---
--- The path and argv are read from the caller's memory (req:read_string,
--- req:read), then the exec is let through ("allow").  The log is what the
--- memory held when we read it: another thread of the caller could change it
--- before the exec runs, so this is an audit trail, not a gate.
local seccomp = require "seccomp"

if #arg == 0 then
  io.stderr:write("usage: lua5.4 examples/exec_log.lua COMMAND [ARG...]\n")
  os.exit(2)
end

-- pointer size by the caller's arch (a 64-bit kernel runs 32-bit programs too)
local narrow = {}
for _, a in ipairs { "ARCH_X86", "ARCH_X32", "ARCH_ARM", "ARCH_MIPS", "ARCH_MIPSEL", "ARCH_PPC" } do
  if seccomp[a] then narrow[seccomp[a]] = true end
end

local function argv_of(req, addr)
  local size = narrow[req.arch] and 4 or 8
  local fmt = size == 4 and "=I4" or "=I8"
  local argv = {}
  for i = 0, 4095 do
    local raw = req:read(addr + i * size, size)
    local p = raw and string.unpack(fmt, raw)
    if not p or p == 0 then break end
    argv[#argv + 1] = ("%q"):format(req:read_string(p) or "?")
  end
  return table.concat(argv, " ")
end

local function log_exec(path_arg, argv_arg)
  return function(req)
    local path = req:read_string(req.args[path_arg]) or "?"
    local argv = argv_of(req, req.args[argv_arg])
    if req:valid() then -- what we read was this request's target's
      io.stderr:write(("[exec] pid %d: %s %s\n"):format(req.pid, path, argv))
    end
    return "allow"
  end
end

local filter = seccomp.filter("allow"):add_rule("notify", "execve")
local handlers = { execve = log_exec(1, 2) }
if seccomp.syscall("execveat") then
  filter:add_rule("notify", "execveat")
  handlers.execveat = log_exec(2, 3)
end
local child = filter:spawn(arg)
child.notifier:serve(handlers)
local _, how, code = child:wait()
os.exit(how == "exit" and code or 128 + code)
