-- demo.lua: build a policy, print it as PFC, and run a child under it.
--
--   lua5.4 examples/demo.lua
--
-- The policy denies opening files for writing (EACCES) and kills the
-- process on mkdir; everything else is allowed.
local seccomp = require "seccomp"

local f = seccomp.filter("allow")
f:add_rule("errno(EACCES)", "openat", "arg2 & 3 == 1") -- O_WRONLY
f:add_rule("errno(EACCES)", "openat", "arg2 & 3 == 2") -- O_RDWR
f:add_rule("kill_process", "mkdir")
f:add_rule("kill_process", "mkdirat")

print("-- the policy, as libseccomp's pseudo filter code:")
io.write(f:export_pfc())

-- The child loads the same policy (loading is irreversible, so never in the
-- process that wants to stay unconfined), then tries a read, a write and a
-- mkdir. Running it with `exec` lets the shell report a signal death as such.
local child = [[
  local seccomp = require "seccomp"
  local f = seccomp.filter("allow")
  f:add_rule("errno(EACCES)", "openat", "arg2 & 3 == 1")
  f:add_rule("errno(EACCES)", "openat", "arg2 & 3 == 2")
  f:add_rule("kill_process", "mkdir")
  f:add_rule("kill_process", "mkdirat")
  f:load()
  local r = io.open("/etc/hostname", "r")
  print("child: open for reading: " .. (r and "allowed" or "denied"))
  local w, err = io.open("/tmp/demo-seccomp.txt", "w")
  print("child: open for writing: " .. (w and "allowed" or err))
  io.stdout:flush()
  os.execute("mkdir /tmp/demo-seccomp-dir") -- a new process, under the same filter
  print("child: still alive after mkdir's child was killed")
]]
local lua = "lua" .. _VERSION:match("%d+%.%d+")
local cmd = ("exec %s -e %q"):format(lua, ("package.path=%q package.cpath=%q "):format(package.path, package.cpath) .. child)
print("-- running a child under it:")
local p = assert(io.popen(cmd))
io.write(p:read("a"))
print("-- child finished:", p:close())
