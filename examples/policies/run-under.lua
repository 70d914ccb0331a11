-- examples/policies/run-under.lua: run a shell command under a policy file.
-- Usage: lua5.4 run-under.lua POLICY.lua 'COMMAND'
local seccomp = require "seccomp"

local policy, command = arg[1], arg[2]
local f = seccomp.load_policy(policy)
io.stderr:write(tostring(f), "\n")
f:load() -- this process, and every process it starts from now on

local _, how, code = os.execute(command)
os.exit(how == "exit" and code or 128 + code)
