-- demo.lua: build a policy, print it as PFC, and run a child under it.
--
--   lua5.4 examples/demo.lua
--
-- The policy lets everything run except: opening files for writing fails
-- with EACCES, and creating a directory kills the process.
local seccomp = require "seccomp"

local f <close> = seccomp.filter {
  default = "allow",
  rules = {
    { action = "errno(EACCES)", syscall = "openat", args = { "arg2 & 3 == 1" } }, -- O_WRONLY
    { action = "errno(EACCES)", syscall = "openat", args = { "arg2 & 3 == 2" } }, -- O_RDWR
    { action = "kill_process", syscalls = { "mkdir", "mkdirat" } },
  },
}

print("-- the policy, as libseccomp's pseudo filter code:")
io.write(f:export_pfc())

-- What the policy does, answered without loading it:
print("-- simulated: openat for writing ->",
  seccomp.action_name(f:simulate("openat", { -100, 0, 1 })))

-- Loading is irreversible, so the policy goes on a child: spawn compiles it
-- here and installs it in the child just before exec.
local function run(argv)
  local child = f:spawn(argv)
  return child:wait()
end

print("-- a child under it:")
print("cat /etc/hostname:", run { "cat", "/etc/hostname" })
print("sh -c 'echo hi > /tmp/demo-seccomp.txt':", run { "sh", "-c", "echo hi > /tmp/demo-seccomp.txt" })
print("mkdir /tmp/demo-seccomp-dir:", run { "mkdir", "/tmp/demo-seccomp-dir" })
