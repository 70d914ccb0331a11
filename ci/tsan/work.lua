-- One round of ci/tsan/host.c (and of ci/tsan/luv.lua's threads): build,
-- simulate, verify and export filters, and reach every piece of the
-- module's process-wide state: the per-arch syscall tables (filled by
-- syscall lookups on foreign arches and by verify), the notification sizes
-- (asked by any notifier), the feature checks.  THREAD and ROUND vary the
-- order of the arches, so that threads fill different tables at once.
local seccomp = require "seccomp"
local T, R = THREAD or 1, ROUND or 1
local ARCHES = { "x86", "x32", "aarch64", "arm", "mips", "mipsel64", "ppc64le", "s390x", "riscv64", "x86_64" }
local function at(i) return ARCHES[(i + T + R) % #ARCHES + 1] end

for i = 1, #ARCHES do
  local a = at(i)
  assert(#seccomp.syscalls(a) > 100, a)
  assert(seccomp.syscall("read", a))
  seccomp.syscall("socket", a) -- a multiplexed call: looked up in the arch's table
end
assert(seccomp.supports("tskip"))

local f = seccomp.filter("errno(EPERM)")
f:add_arch("x86")
f:add_arch("x32")
f:add_rule("allow", "read")
f:add_rule("allow", "write", { 0, "<=", 2 })
f:add_rule("errno(EACCES)", "openat", { 2, "&=", 3, 1 })
f:add_rule("allow", "socket", { 0, "==", 1 })
f:set_priority("read", 100)
assert(f:simulate("read") == seccomp.ACT_ALLOW)
assert(f:simulate("socket", { 1 }, "x86") == seccomp.ACT_ALLOW)
assert(f:simulate("openat", { 0, 0, 1 }, "x32") == seccomp.errno("EACCES"))
assert(f:verify())
assert(#f:export_bpf() > 0)
f:remove_arch("x32")
f:transaction(function(g) g:add_rule("trap", "ptrace") end)
pcall(f.transaction, f, function(g) g:reset("allow"); error("undo") end)
assert(f:simulate("ptrace") == seccomp.ACT_TRAP)
assert(f:verify())
f:set_attr("compiler", "libseccomp")
assert(#f:export_pfc() > 0)
f:release()

-- a foreign arch's filter, verified (its table is filled by verify)
local g = seccomp.filter("allow")
g:remove_arch("native")
g:add_arch(at(T))
g:add_rule("errno(EPERM)", "read")
assert(g:verify())
assert(#seccomp.disasm(g:export_bpf()) > 0)

-- the notification sizes (stdin is no listener: the argument error comes after)
assert(not pcall(seccomp.notifier, 0))
collectgarbage()
