--- bench/spawn.lua - filter:spawn of /bin/true under a 300-rule filter, against
--- a bare fork + execve + waitpid in C.
---
--- usage: lua5.4 bench/spawn.lua SPAWN_C [M [ROUNDS]]
--- (bench/run_spawn.sh builds SPAWN_C and the module, then runs this)
---        lua5.4 bench/spawn.lua inner M RULES   (the timed Lua side)
---
--- Lua has no sub-second clock, so SPAWN_C times the Lua side from outside:
--- an interpreter that builds the filter and spawns M times, minus one that
--- builds it and spawns 0 times.  Sides: C fork+exec (the baseline), Lua
--- with 300 rules, Lua with no rules, Lua with 300 rules plus one notify rule
--- (/bin/true never makes that call, but a listener makes spawn fork instead
--- of starting the child vfork-like), and C vfork+exec for reference.  The
--- order rotates each round; each figure is the median over rounds of the
--- per-round cost ratio to C.
local seccomp = require "seccomp"

-- Syscalls /bin/true (and the dynamic loader) make: never given a rule.
local needed = {}
for name in ([[execve brk arch_prctl mmap munmap mprotect access openat newfstatat fstat close
  read pread64 set_tid_address set_robust_list rseq prlimit64 getrandom exit_group exit
  rt_sigaction rt_sigprocmask rt_sigreturn]]):gmatch("%S+") do
  needed[name] = true
end

local function build_filter(nrules, notify)
  local f = seccomp.filter("allow")
  local n = 0
  if notify then
    f:add_rule("notify", "sync")
    needed.sync = true
  end
  for _, name in ipairs(seccomp.syscalls()) do
    if n == nrules then break end
    if not needed[name] and seccomp.syscall(name) then
      if pcall(f.add_rule, f, "errno(EPERM)", name) then n = n + 1 end
    end
  end
  local k = 0
  while n < nrules do -- more rules than syscalls left: conditional ones on ioctl
    f:add_rule("errno(EPERM)", "ioctl", { 1, "==", 0x5400 + k })
    k, n = k + 1, n + 1
  end
  return f
end

if arg[1] == "inner" then
  local m, nrules = tonumber(arg[2]), tonumber(arg[3])
  local f = build_filter(nrules, arg[4] == "notify")
  for _ = 1, m do
    local child = f:spawn { "/bin/true" }
    assert(child:wait(), "/bin/true failed")
  end
  os.exit(0)
end

local bin, M, ROUNDS = arg[1], tonumber(arg[2] or 200), tonumber(arg[3] or 7)
assert(bin, "usage: lua5.4 bench/spawn.lua SPAWN_C [M [ROUNDS]]")
local lua = arg[-1] or "lua5.4"
local self = arg[0]

local function measure(cmd)
  local p = assert(io.popen(cmd))
  local s = p:read("a")
  assert(p:close(), "failed: " .. cmd)
  return assert(tonumber(s))
end

local function lua_side(nrules, notify)
  return function()
    local inner = ("%s time %s %s inner %%d %d %s"):format(bin, lua, self, nrules, notify and "notify" or "")
    return measure(inner:format(M)) - measure(inner:format(0))
  end
end

local sides = {
  { key = "C", name = "C fork + execve + waitpid", run = function() return measure(("%s fork %d"):format(bin, M)) end },
  { key = "Lua300", name = "Lua spawn + wait, 300 rules", run = lua_side(300) },
  { key = "Lua0", name = "Lua spawn + wait, no rules", run = lua_side(0) },
  { key = "Lua300n", name = "Lua, 300 rules + notify (fork)", run = lua_side(300, true) },
  { key = "Cvfork", name = "C vfork + execve + waitpid", run = function() return measure(("%s vfork %d"):format(bin, M)) end },
}

local median = dofile((arg[0]:match("^(.*)/") or ".") .. "/stats.lua").median

local prog = build_filter(300):export_bpf()
print(("%d spawns of /bin/true per run, %d rounds, order rotating; the 300-rule filter is %d BPF instructions")
  :format(M, ROUNDS, #prog // 8))
local times = {}
for i = 1, #sides do times[i] = {} end
for r = 1, ROUNDS do
  for k = 0, #sides - 1 do
    local i = (r + k - 1) % #sides + 1
    times[i][r] = sides[i].run()
  end
  local line = { ("round %d:"):format(r) }
  for i = 1, #sides do
    line[#line + 1] = ("%s %.2f ms"):format(sides[i].key, times[i][r] / M * 1000)
  end
  print(table.concat(line, "  "))
end
print()
for i = 1, #sides do
  local per, ratios = {}, {}
  for r = 1, ROUNDS do
    per[r] = times[i][r] / M * 1000
    ratios[r] = times[i][r] / times[1][r]
  end
  print(("%-30s median %.2f ms per spawn   cost vs C: median %.3fx (min %.3f, max %.3f)"):format(
    sides[i].name, median(per), median(ratios), math.min(table.unpack(ratios)), math.max(table.unpack(ratios))))
end
