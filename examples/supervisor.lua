#!/usr/bin/env lua5.4
--- examples/supervisor.lua - run a command under a supervisor that lets it
--- read (and open) files but denies every connect(2), and logs each decision.
---
--- usage: lua5.4 examples/supervisor.lua COMMAND [ARG...]
---   e.g. lua5.4 examples/supervisor.lua python3 -c \
---          "print(open('/etc/hostname').read()); import socket; socket.create_connection(('127.0.0.1', 80))"
---
--- The decisions go to stderr, one line each; the command keeps its own
--- stdin/stdout/stderr, and the supervisor exits with the command's status.
---
--- How it works: the filter lets every call run except the ones it hands to
--- this process (SECCOMP_RET_USER_NOTIF): the opens, so that we can log what
--- is read, and connect, which is always refused.  The command and all its
--- descendants inherit the filter; the loop ends when the last of them exits.
---
--- The supervisor is one notifier:serve loop; the path of each open and the
--- address of each connect are read with req:read_string / req:read.
---
--- A word on safety: the path of an open is read from the target's memory
--- for the log only.  The target could change that memory after we read it,
--- so a decision that depends on it (allow this path, refuse that one) would
--- not be a security boundary with "allow" (the call then runs with whatever
--- the memory holds by then).  Refusing connect outright does not depend on
--- the target's memory, so that part is sound.
local seccomp = require "seccomp"

if #arg == 0 then
  io.stderr:write("usage: lua5.4 examples/supervisor.lua COMMAND [ARG...]\n")
  os.exit(2)
end

local function log(fmt, ...)
  io.stderr:write(("[supervisor] " .. fmt .. "\n"):format(...))
end

local AF_UNIX, AF_INET, AF_INET6 = 1, 2, 10

local function describe_sockaddr(req, addr, len)
  local sa = req:read(addr, math.min(len, 128))
  if not sa or #sa < 2 then return "?" end
  local family = string.unpack("=I2", sa) -- sa_family_t, native byte order
  if family == AF_INET and #sa >= 8 then
    local port, a, b, c, d = string.unpack(">I2BBBB", sa, 3)
    return ("%d.%d.%d.%d:%d"):format(a, b, c, d, port)
  elseif family == AF_INET6 and #sa >= 24 then
    local port = string.unpack(">I2", sa, 3)
    local words = { string.unpack(">I2I2I2I2I2I2I2I2", sa, 9) }
    words[9] = nil
    for i = 1, 8 do words[i] = ("%x"):format(words[i]) end
    return ("[%s]:%d"):format(table.concat(words, ":"), port)
  elseif family == AF_UNIX then
    local path = sa:sub(3):gsub("%z.*", "")
    return "unix:" .. (path ~= "" and path or "(abstract)")
  end
  return "family " .. family
end

-- ---------------------------------------------------------------------------
-- The filter.

local O_ACCMODE, O_WRONLY, O_RDWR, O_CREAT = 3, 1, 2, 0x40

local filter = seccomp.filter("allow")
for _, name in ipairs { "open", "openat", "openat2", "connect" } do
  if seccomp.syscall(name) then
    filter:add_rule("notify", name)
  end
end

-- what each open-like call has where: path argument, flags argument (1-based)
local opens = { open = { 1, 2 }, openat = { 2, 3 }, openat2 = { 2, nil } }

local ok, child = pcall(filter.spawn, filter, arg)
if not ok then
  log("cannot start %s: %s", arg[1], tostring(child))
  os.exit(127)
end
log("started %s (pid %d)", arg[1], child.pid)

-- what we read is logged only if the request is still waiting afterwards
-- (req:valid()): then it was this request's target's memory
local handlers = {
  connect = function(req)
    local where = describe_sockaddr(req, req.args[2], req.args[3])
    if req:valid() then
      log("pid %d: deny connect(%s): EACCES", req.pid, where)
    end
    return "EACCES"
  end,
  default = "allow", -- every other call the filter hands us
}
for name, where in pairs(opens) do
  handlers[name] = function(req)
    local path = req:read_string(req.args[where[1]])
    local flags = where[2] and req.args[where[2]] or 0
    local mode = flags & O_ACCMODE
    local how = mode == O_WRONLY and "write" or mode == O_RDWR and "read/write" or "read"
    if flags & O_CREAT ~= 0 then how = how .. ", create" end
    if req:valid() then
      log("pid %d: allow %s(%q, %s)", req.pid, name, path or "?", how)
    end
    return "allow"
  end
end

child.notifier:serve(handlers)

local _, how, code = child:wait()
log("%s %s %d", arg[1], how == "exit" and "exited with" or "killed by signal", code)
os.exit(how == "exit" and code or 128 + code)
