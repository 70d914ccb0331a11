-- bench/rebuild.lua MODE CASE N: one side of bench/run_rebuild.sh, run under
-- callgrind.  MODE "start" loads the module only, "build" also builds N
-- filters of CASE (bench/compiler.lua's two: "allow", the 300-syscall
-- allow-list with 50 conditional rules, and "container",
-- examples/policies/container.lua on x86_64), "export" also exports
-- libseccomp's program of each (compiler "libseccomp", verify off).
local seccomp = require "seccomp"
local MODE, CASE, N = arg[1], arg[2], tonumber(arg[3] or 5)

local function allow_list()
  -- kill_process in bench/compiler.lua; valgrind reports API level 1
  local f = seccomp.filter("kill")
  f:set_attr("compiler", "libseccomp")
  f:set_attr("verify", false)
  local names, n = seccomp.syscalls(), 0
  for _, name in ipairs(names) do
    if n >= 300 then break end
    if name ~= "getppid" then
      n = n + 1
      if n <= 50 then f:add_rule("allow", name, { 0, "<=", 1000 + n }) else f:add_rule("allow", name) end
    end
  end
  for _, name in ipairs({ "getppid", "execve", "exit_group", "write", "brk", "mmap", "munmap",
    "arch_prctl", "clock_gettime", "newfstatat", "fstat", "close", "openat", "read", "mprotect",
    "access", "pread64", "set_tid_address", "set_robust_list", "rseq", "prlimit64", "getrandom" }) do
    pcall(f.add_rule, f, "allow", name)
  end
  return f
end

local function container()
  local f = seccomp.load_policy("examples/policies/container.lua")
  for _, a in ipairs({ "x86", "x32" }) do f:remove_arch(a) end
  f:set_attr("compiler", "libseccomp")
  f:set_attr("verify", false)
  return f
end

if MODE == "start" then return end
local make = CASE == "allow" and allow_list or container
local fs = {}
for i = 1, N do fs[i] = make() end
if MODE == "export" then
  for i = 1, N do assert(#fs[i]:export_bpf() > 0) end
end
