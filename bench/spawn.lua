--- bench/spawn.lua - filter:spawn of /bin/true under a 300-rule filter, against
--- C doing the same work: fork, seccomp(2) of the same BPF program, execve
--- (and, with a notify rule, the listener handed to the parent first).
---
--- usage: lua5.4 bench/spawn.lua SPAWN_C [M [ROUNDS]]
--- (bench/run_spawn.sh builds SPAWN_C and the module, then runs this)
---        lua5.4 bench/spawn.lua inner M RULES   (the timed Lua side)
---
--- Lua has no sub-second clock, so SPAWN_C times the Lua side from outside:
--- an interpreter that builds the filter and spawns M times, minus one that
--- builds it and spawns 0 times.  Sides: a bare C fork+exec (reference), C
--- fork + seccomp(2) of the 300-rule program + exec, Lua spawn with those 300
--- rules, C with the program plus a notify rule (NEW_LISTENER, the listener
--- taken by the parent with pidfd_getfd before the exec), and Lua with the
--- same (/bin/true never makes the notified call, but a listener makes spawn
--- fork instead of starting the child vfork-like).  The order rotates each
--- round; each figure is the median over rounds of a ratio of two sides
--- measured in the same round.
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

local prog300 = os.tmpname()
local prog300n = os.tmpname()
for path, f in pairs { [prog300] = build_filter(300), [prog300n] = build_filter(300, true) } do
  local fh = assert(io.open(path, "wb"))
  fh:write(f:export_bpf())
  fh:close()
end

local function c_side(how, prog)
  return function() return measure(("%s %s %d %s"):format(bin, how, M, prog or "")) end
end

-- the first side is the reference of the "cost vs C fork" column
local sides = {
  { key = "C", name = "C fork + execve + waitpid", run = c_side("fork") },
  { key = "Cseccomp", name = "C fork + seccomp(2) + execve", run = c_side("seccomp", prog300) },
  { key = "Lua300", name = "Lua spawn + wait, 300 rules", run = lua_side(300) },
  { key = "Cnotify", name = "C fork + listener handover + execve", run = c_side("notify", prog300n) },
  { key = "Lua300n", name = "Lua, 300 rules + notify", run = lua_side(300, true) },
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
  print(("%-36s median %.2f ms per spawn   cost vs C fork: median %.3fx (min %.3f, max %.3f)"):format(
    sides[i].name, median(per), median(ratios), math.min(table.unpack(ratios)), math.max(table.unpack(ratios))))
end

-- like for like: the cost of a Lua side over the C side doing the same work,
-- paired by round (lower is better)
local by = {}
for i, s in ipairs(sides) do by[s.key] = i end
local function ratio(a, b, target)
  local rs = {}
  for r = 1, ROUNDS do rs[r] = times[by[a]][r] / times[by[b]][r] end
  print(("%-8s / %-9s median %.3fx  (min %.3f, max %.3f; target <= %.2f)"):format(a, b, median(rs),
    math.min(table.unpack(rs)), math.max(table.unpack(rs)), target))
end
print()
ratio("Lua300", "Cseccomp", 1.1)
ratio("Lua300n", "Cnotify", 1.3)
os.remove(prog300)
os.remove(prog300n)
