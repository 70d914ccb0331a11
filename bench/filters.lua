-- bench/filters.lua: the two filters bench/compiler.lua and bench/rebuild.lua
-- measure, made fresh for each call, with verify off:
--   allow_list(compiler [, default]): a 300-syscall allow-list with 50
--     conditional rules (default action kill_process);
--   container(compiler): examples/policies/container.lua, x86_64 only
--     (libseccomp's program for its x86 part widens socketcall and does not
--     verify).
local seccomp = require "seccomp"
local M = {}

function M.allow_list(compiler, default)
  local f = seccomp.filter(default or "kill_process")
  f:set_attr("compiler", compiler)
  f:set_attr("verify", false)
  local names, n = seccomp.syscalls(), 0
  for _, name in ipairs(names) do
    if n >= 300 then break end
    if name ~= "getppid" then
      n = n + 1
      if n <= 50 then
        f:add_rule("allow", name, { 0, "<=", 1000 + n })
      else
        f:add_rule("allow", name)
      end
    end
  end
  for _, name in ipairs({ "getppid", "execve", "exit_group", "write", "brk", "mmap", "munmap",
    "arch_prctl", "clock_gettime", "newfstatat", "fstat", "close", "openat", "read", "mprotect",
    "access", "pread64", "set_tid_address", "set_robust_list", "rseq", "prlimit64", "getrandom" }) do
    pcall(f.add_rule, f, "allow", name)
  end
  return f
end

function M.container(compiler)
  local f = seccomp.load_policy("examples/policies/container.lua")
  for _, a in ipairs({ "x86", "x32" }) do f:remove_arch(a) end
  f:set_attr("compiler", compiler)
  f:set_attr("verify", false)
  return f
end

return M
