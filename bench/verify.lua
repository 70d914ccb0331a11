--- bench/verify.lua - what f:verify() costs, as a ratio to one spawn of
--- /bin/true (spawn + wait) under the same filter.
---
--- usage: lua5.4 bench/verify.lua VERIFY_C [ROUNDS]
--- (bench/run_verify.sh builds VERIFY_C and the module, then runs this)
---        lua5.4 bench/verify.lua inner MODE FILTER M   (one timed side)
---
--- Three filters:
---   a  default errno(EPERM), 300 syscalls allowed, 50 conditional rules on
---      50 other syscalls (allow / errno / trap, on one or two arguments),
---      the native arch only;
---   b  examples/policies/container.lua (x86_64 + x86 + x32, 348 syscalls),
---      compiled by the module, as the default compiler does: libseccomp's
---      program for it widens x86's socketcall and denies x86's ipc with a
---      version in its call number, so verify rejects it, and a rejected
---      program cannot be spawned or exported at all.
---   c  examples/policies/container.json, the OCI profile (the same three
---      arches), through seccomp.oci.filter, compiled by libseccomp: the
---      profile allows ipc itself, so libseccomp's program is right for it.
--- (a is compiled by libseccomp, whose program is right for it.)
---
--- Lua has no sub-second clock, so VERIFY_C times each side from outside: an
--- interpreter that does the work M times, minus one that does it 0 times
--- (start-up, building the filter, warming); both in wall-clock time and in
--- CPU time (the interpreter's and its children's: on a loaded machine the
--- wall clock also counts the waits for a CPU).  The sides, per filter:
---   spawn    M x (spawn /bin/true, wait): the unit; the filter verified
---            once before the loop, so every spawn takes the cached path
---   compile  M x (a fresh filter from the rules, export_bpf with verify
---            off): building and compiling, no verification
---   verify   M x (a fresh filter, f:verify()): the same plus verifying;
---            verify - compile is what a first verification costs
---   again    M x f:verify() of one compiled filter: f:verify() always
---            runs the whole check (only load, spawn and export_bpf take
---            the cached result), so this is the first verification's own
---            work without the noise of building and compiling
---   cached   M x f:export_bpf() of a verified filter: the cached path
---            that load, spawn and export_bpf take after the first check
---            (the whole call, copying the program out included)
---   tables   the syscall tables of the filter's arches (and x32's, for
---            the bad-arch check) are built once per process, at its first
---            use: a fresh interpreter's first verify minus the same
---            verify again, in CPU time (os.clock: pure computation in
---            that process), over REPS interpreters; the first verify in
---            a process costs the check plus this.  Filter a is built
---            there from the names this process picked (VERIFY_NAMES):
---            picking them calls seccomp.syscalls(), which builds the
---            native table (as a user's program that calls it does)
---   C        M x (fork, execve /bin/true, waitpid) in C: for reference
--- The side order rotates each round; each figure is the median over rounds
--- of the per-round ratio to that round's spawn.
local seccomp = require "seccomp"

local PROFILE = "examples/policies/container.lua"
local OCI = "examples/policies/container.json"

-- Calls /bin/true and the dynamic loader make: allowed in filter a.
local NEEDED = [[execve brk arch_prctl mmap munmap mprotect access openat newfstatat fstat close
  read pread64 set_tid_address set_robust_list rseq prlimit64 getrandom exit_group exit
  rt_sigaction rt_sigprocmask rt_sigreturn futex getpid]]

local allowlist = dofile((arg[0]:match("^(.*)/") or ".") .. "/allowlist.lua")
local needed = {}
for n in NEEDED:gmatch("%S+") do needed[#needed + 1] = n end

local function filter_a()
  local allowed, conditional
  local given = os.getenv("VERIFY_NAMES")
  if given then -- "allowed... | conditional...": no table built here
    local al, co = given:match("^(.-)|(.*)$")
    allowed, conditional = {}, {}
    for n in al:gmatch("%S+") do allowed[#allowed + 1] = n end
    for n in co:gmatch("%S+") do conditional[#conditional + 1] = n end
  else
    allowed, conditional = allowlist.names(needed)
  end
  return allowlist.filter(allowed, conditional)
end

local function filter_b()
  return seccomp.load_policy(PROFILE)
end

local function filter_c()
  local fh = assert(io.open(OCI, "rb"))
  local text = fh:read("a")
  fh:close()
  return (seccomp.oci.filter(text))
end

local FILTERS = { a = filter_a, b = filter_b, c = filter_c }
-- the compiler whose program each side checks
local COMPILER = { a = "libseccomp", b = "binding", c = "libseccomp" }

-- Build the per-arch tables of every arch the filters use.
local function warm_tables()
  local f = seccomp.filter("allow")
  for _, a in ipairs { "x86", "x32" } do f:add_arch(a) end
  f:add_rule("errno(EPERM)", "ptrace")
  assert(f:verify())
end

if arg[1] == "inner" then
  local mode, which, m = arg[2], arg[3], tonumber(arg[4])
  local new = FILTERS[which]
  local compiler = COMPILER[which]
  local function fresh()
    local f = new()
    f:set_attr("compiler", compiler)
    return f
  end
  if mode == "spawn" then
    local f = fresh()
    assert(f:verify())
    for _ = 1, m do
      local ok, how, code = f:spawn({ "/bin/true" }):wait()
      assert(ok, ("/bin/true: %s %s"):format(how, code))
    end
  elseif mode == "compile" or mode == "verify" then
    warm_tables()
    for _ = 1, m do
      local f = fresh()
      if mode == "verify" then
        assert(f:verify())
      else
        f:set_attr("verify", false)
        f:export_bpf()
      end
      f:release()
    end
  elseif mode == "again" then
    warm_tables()
    local f = fresh()
    f:set_attr("verify", false)
    f:export_bpf() -- compiled: the record every later call uses
    for _ = 1, m do assert(f:verify()) end
  elseif mode == "cached" then
    local f = fresh()
    f:export_bpf() -- the first: verifies
    for _ = 1, m do f:export_bpf() end
  elseif mode == "tables" then
    -- pure CPU work in this process, so os.clock times it: the first
    -- verify of the process (cold tables) minus the same verify again
    local f = fresh()
    f:set_attr("verify", false)
    f:export_bpf()
    local t0 = os.clock()
    assert(f:verify())
    local t1 = os.clock()
    assert(f:verify())
    local t2 = os.clock()
    io.write(("%.9f\n"):format((t1 - t0) - (t2 - t1)))
  else
    error("unknown mode " .. tostring(mode))
  end
  os.exit(0)
end

local bin, ROUNDS = arg[1], tonumber(arg[2] or 9)
assert(bin, "usage: lua5.4 bench/verify.lua VERIFY_C [ROUNDS]")
local lua = arg[-1] or "lua5.4"
local self = arg[0]
local stats = dofile((self:match("^(.*)/") or ".") .. "/stats.lua")
local median = stats.median

-- Seconds per operation, { wall, cpu }: (M runs - 0 runs) / M.
local function per_op(mode, which, m)
  return stats.per_op(bin, ("%s %s inner %s %s"):format(lua, self, mode, which), m)
end

-- The cold-table cost: CPU seconds, the mean over REPS interpreters.
local REPS = 6
local NAMES
do
  local allowed, conditional = allowlist.names(needed)
  NAMES = table.concat(allowed, " ") .. "|" .. table.concat(conditional, " ")
end
local function tables(which)
  local d = 0
  for _ = 1, REPS do
    local cmd = ("VERIFY_NAMES='%s' %s %s inner tables %s 0"):format(NAMES, lua, self, which)
    local p = assert(io.popen(cmd))
    local s = p:read("a")
    assert(p:close(), "failed: " .. cmd)
    d = d + assert(tonumber(s))
  end
  return { d / REPS, d / REPS }
end

local M = { spawn = 100, compile = 20, verify = 20, again = 100, cached = 20000, C = 100 }
local sides = {
  { key = "spawn", run = function(w) return per_op("spawn", w, M.spawn) end },
  { key = "compile", run = function(w) return per_op("compile", w, M.compile) end },
  { key = "verify", run = function(w) return per_op("verify", w, M.verify) end },
  { key = "again", run = function(w) return per_op("again", w, M.again) end },
  { key = "cached", run = function(w) return per_op("cached", w, M.cached) end },
  { key = "tables", run = tables },
  { key = "C", run = function()
      local t = stats.measure(bin, "fork " .. M.C)
      return { t[1] / M.C, t[2] / M.C }
    end },
}
local SPAWN, COMPILE, VERIFY, AGAIN, CACHED, TABLES, C = 1, 2, 3, 4, 5, 6, 7

local function sh(cmd)
  local p = io.popen(cmd)
  local s = p and p:read("a") or ""
  if p then p:close() end
  return (s:gsub("%s+$", ""))
end

print(("lua-seccomp verify bench, %s; %s CPUs, Linux %s, libseccomp %s, %s"):format(
  sh("date -u '+%Y-%m-%d %H:%M UTC'"), sh("nproc"), sh("uname -r"),
  table.concat({ seccomp.version() }, "."), _VERSION))
print("load average at start: " .. sh("cut -d' ' -f1-3 /proc/loadavg"))
local WHICH = { "a", "b", "c" }
for _, which in ipairs(WHICH) do
  local f = FILTERS[which]()
  f:set_attr("compiler", COMPILER[which])
  local ok, report = f:verify()
  assert(ok, "filter " .. which .. " does not verify")
  local arches = 0
  for _, a in ipairs { "x86_64", "x86", "x32" } do
    if f:has_arch(a) then arches = arches + 1 end
  end
  print(("filter %s: %d rules, %d arch(es), %d BPF instructions; verify runs %d vectors (%s)"):format(
    which, #f:rules(), arches, #f:export_bpf() // 8, report.vectors,
    report.exhaustive and "exhaustive" or "sampled"))
end
print(("%d rounds, sides rotating; per round and filter: %d spawns, %d fresh filters compiled and %d "
  .. "verified, %d verify of one compiled filter, %d cached export_bpf calls, %d interpreters for the "
  .. "tables, %d C fork+exec"):format(ROUNDS, M.spawn, M.compile, M.verify, M.again, M.cached, REPS, M.C))

local function minmax(t) return math.min(table.unpack(t)), math.max(table.unpack(t)) end

local summary = {}
for _, which in ipairs(WHICH) do
  print()
  print(("filter %s (wall ms / cpu ms)"):format(which))
  local t = {}
  for i = 1, #sides do t[i] = {} end
  for r = 1, ROUNDS do
    for k = 0, #sides - 1 do
      local i = (r + k - 1) % #sides + 1
      t[i][r] = sides[i].run(which)
    end
    local line = { ("  round %d:"):format(r) }
    for i = 1, #sides do
      if i == TABLES then
        line[#line + 1] = ("%s -/%.3f"):format(sides[i].key, t[i][r][2] * 1e3)
      else
        line[#line + 1] = ("%s %.3f/%.3f"):format(sides[i].key, t[i][r][1] * 1e3, t[i][r][2] * 1e3)
      end
    end
    print(table.concat(line, "  "))
  end
  for k, clock in ipairs { "wall clock", "CPU time" } do
    local unit, first, cost, cached, cachedr, tab, tabr, c = {}, {}, {}, {}, {}, {}, {}, {}
    local again, againr, comp, compr = {}, {}, {}, {}
    for r = 1, ROUNDS do
      local sp = t[SPAWN][r][k]
      unit[r] = sp
      cost[r] = t[VERIFY][r][k] - t[COMPILE][r][k]
      first[r] = cost[r] / sp
      cached[r] = t[CACHED][r][k]
      cachedr[r] = cached[r] / sp
      tab[r] = t[TABLES][r][k]
      tabr[r] = tab[r] / sp
      c[r] = t[C][r][k] / sp
      again[r] = t[AGAIN][r][k]
      againr[r] = again[r] / sp
      comp[r] = t[COMPILE][r][k]
      compr[r] = comp[r] / sp
    end
    print(("  %s:"):format(clock))
    print(("    spawn + wait of /bin/true:          %8.3f ms  (the unit; C fork+exec+wait: %.2fx)")
      :format(median(unit) * 1e3, median(c)))
    print(("    building + compiling (no verify):   %8.3f ms  %6.3fx a spawn (min %.3f, max %.3f)")
      :format(median(comp) * 1e3, median(compr), minmax(compr)))
    print(("    first verify, fresh - compile:      %8.3f ms  %6.3fx a spawn (min %.3f, max %.3f)")
      :format(median(cost) * 1e3, median(first), minmax(first)))
    print(("    first verify, the check alone:      %8.3f ms  %6.3fx a spawn (min %.3f, max %.3f)")
      :format(median(again) * 1e3, median(againr), minmax(againr)))
    print(("    cached (export_bpf of a verified):  %8.4f ms  %6.4fx a spawn (min %.4f, max %.4f)")
      :format(median(cached) * 1e3, median(cachedr), minmax(cachedr)))
    if k == 2 then
      local whole = {}
      for r = 1, ROUNDS do whole[r] = againr[r] + tabr[r] end
      print(("    syscall tables, once per process:   %8.3f ms  %6.3fx a spawn (min %.3f, max %.3f)")
        :format(median(tab) * 1e3, median(tabr), minmax(tabr)))
      print(("    a process's first verify (check + tables):     %6.3fx a spawn (min %.3f, max %.3f)")
        :format(median(whole), minmax(whole)))
      summary[#summary + 1] = ("  %s  check %.3fx  check + tables %.3fx  cached %.4fx   (spawn %.3f ms CPU)")
        :format(which, median(againr), median(whole), median(cachedr), median(unit) * 1e3)
    end
  end
end
print()
print(("first verify / spawn of /bin/true, CPU time, median of %d paired rounds (target <= 1):"):format(ROUNDS))
for _, line in ipairs(summary) do print(line) end
