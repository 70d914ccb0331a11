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
-- here and installs it in the child just before exec.  Two of the three
-- children are meant to fail: that is the policy at work, and each line says
-- what was expected.  The demo exits 1 if anything else happens.
local unexpected = 0
local function run(argv, expect, why)
  local shown = {}
  for i, a in ipairs(argv) do shown[i] = a:find("[%s>]") and "'" .. a .. "'" or a end
  print(("$ %s    -- expected: %s (%s)"):format(table.concat(shown, " "), expect, why))
  io.stdout:flush()
  local ok, how, code, signame = f:spawn(argv):wait()
  local got = ok and "exit 0" or how == "exit" and "exit " .. code or "killed by " .. (signame or "signal " .. code)
  local as_expected = got == expect or (expect == "exit non-zero" and how == "exit" and not ok)
  if not as_expected then unexpected = unexpected + 1 end
  print(("  -> %s%s"):format(got, as_expected and ", as expected" or ", NOT AS EXPECTED"))
end

print("-- children under it:")
run({ "cat", "/etc/hostname" }, "exit 0", "reading is allowed")
run({ "sh", "-c", "echo hi > /tmp/demo-seccomp.txt" }, "exit non-zero",
  "opening for writing fails with EACCES: sh says 'Permission denied'")
run({ "mkdir", "/tmp/demo-seccomp-dir" }, "killed by SIGSYS", "mkdir is kill_process")
if unexpected > 0 then
  os.exit(1)
end
