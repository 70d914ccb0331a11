--- bench/diff.lua - what seccomp.diff costs: the two programs of the
--- container profile (examples/policies/container.lua: x86_64, x86 and x32,
--- 348 syscalls), libseccomp's and the module's, compared exhaustively.
---
--- usage: lua5.4 bench/diff.lua VERIFY_C [ROUNDS]
--- (bench/run_diff.sh builds VERIFY_C and the module, then runs this)
---        lua5.4 bench/diff.lua inner MODE M   (one timed side)
---
--- Lua has no sub-second clock, so VERIFY_C times each side from outside:
--- an interpreter that does the work M times, minus one that does it 0
--- times (start-up, building and compiling both filters, the syscall
--- tables); in wall-clock and in CPU time.  The sides:
---   diff     M x seccomp.diff(libseccomp's program, the module's)
---   verify   M x f:verify() of the same filter (libseccomp's program): the
---            check diff is to be compared with
---   C        M x (fork, execve /bin/true, waitpid) in C: the baseline
--- The side order rotates each round; each figure is the median over rounds
--- of the per-round ratio.  Both filters have widen_multiplexed on (as in
--- bench/verify.lua).  libseccomp's program is still wrong for this profile
--- (x86's ipc with a version in its call number's high bits: docs/verify.md),
--- so its verify returns false with those cells: it checks every cell all
--- the same, and the bench asserts that it finds them.
local seccomp = require "seccomp"

local PROFILE = "examples/policies/container.lua"

local function filters()
  local fl = seccomp.load_policy(PROFILE)
  fl:set_attr("widen_multiplexed", true)
  fl:set_attr("compiler", "libseccomp")
  fl:set_attr("verify", false) -- its program is exported to count it (never loaded)
  local fb = seccomp.load_policy(PROFILE)
  fb:set_attr("widen_multiplexed", true)
  fb:set_attr("compiler", "binding")
  local ok, report = fl:verify()
  assert(not ok and report.exhaustive and #report > 0, "libseccomp's program verifies: see the header")
  assert(fb:verify(), "the module's program does not verify")
  return fl, fb
end

if arg[1] == "inner" then
  local mode, m = arg[2], tonumber(arg[3])
  local fl, fb = filters() -- compiled, the tables built: both sides start warm
  seccomp.diff(fl, fb)
  if mode == "diff" then
    for _ = 1, m do seccomp.diff(fl, fb) end
  elseif mode == "verify" then
    for _ = 1, m do assert(not fl:verify()) end
  else
    error("unknown mode " .. tostring(mode))
  end
  os.exit(0)
end

local bin, ROUNDS = arg[1], tonumber(arg[2] or 7)
assert(bin, "usage: lua5.4 bench/diff.lua VERIFY_C [ROUNDS]")
local lua = arg[-1] or "lua5.4"
local self = arg[0]
local stats = dofile((self:match("^(.*)/") or ".") .. "/stats.lua")
local median = stats.median

-- Seconds per operation, { wall, cpu }: (M runs - 0 runs) / M.
local function per_op(mode, m)
  return stats.per_op(bin, ("%s %s inner %s"):format(lua, self, mode), m)
end

local M = { diff = 50, verify = 200, C = 100 }
local sides = {
  { key = "diff", run = function() return per_op("diff", M.diff) end },
  { key = "verify", run = function() return per_op("verify", M.verify) end },
  { key = "C", run = function()
      local t = stats.measure(bin, "fork " .. M.C)
      return { t[1] / M.C, t[2] / M.C }
    end },
}
local DIFF, VERIFY, C = 1, 2, 3

local function sh(cmd)
  local p = io.popen(cmd)
  local s = p and p:read("a") or ""
  if p then p:close() end
  return (s:gsub("%s+$", ""))
end

print(("lua-seccomp diff bench, %s; %s CPUs, Linux %s, libseccomp %s, %s"):format(
  sh("date -u '+%Y-%m-%d %H:%M UTC'"), sh("nproc"), sh("uname -r"),
  table.concat({ seccomp.version() }, "."), _VERSION))
print("load average at start: " .. sh("cut -d' ' -f1-3 /proc/loadavg"))
do
  local fl, fb = filters()
  local d = seccomp.diff(fl, fb)
  local _, report = fl:verify()
  print(("%s: %d + %d BPF instructions; diff runs %d vectors (%s, %s, arches %s), verify %d"):format(
    PROFILE, #fl:export_bpf() // 8, #fb:export_bpf() // 8, d.vectors,
    d.exhaustive and "exhaustive" or "not exhaustive", d.verdict, table.concat(d.arches, " "), report.vectors))
end
print(("%d rounds, sides rotating; per round: %d diffs, %d verifies, %d C fork+exec"):format(
  ROUNDS, M.diff, M.verify, M.C))

local t = {}
for i = 1, #sides do t[i] = {} end
for r = 1, ROUNDS do
  for k = 0, #sides - 1 do
    local i = (r + k - 1) % #sides + 1
    t[i][r] = sides[i].run()
  end
  local line = { ("  round %d:"):format(r) }
  for i = 1, #sides do
    line[#line + 1] = ("%s %.3f/%.3f ms"):format(sides[i].key, t[i][r][1] * 1e3, t[i][r][2] * 1e3)
  end
  print(table.concat(line, "  "))
end

local function minmax(v) return math.min(table.unpack(v)), math.max(table.unpack(v)) end
for k, clock in ipairs { "wall clock", "CPU time" } do
  local d, dv, dc = {}, {}, {}
  for r = 1, ROUNDS do
    d[r] = t[DIFF][r][k]
    dv[r] = t[DIFF][r][k] / t[VERIFY][r][k]
    dc[r] = t[DIFF][r][k] / t[C][r][k]
  end
  print(("  %s:"):format(clock))
  print(("    one diff:                 %8.3f ms  (min %.3f, max %.3f)"):format(median(d) * 1e3,
    select(1, minmax(d)) * 1e3, select(2, minmax(d)) * 1e3))
  print(("    diff / verify:            %8.2fx    (min %.2f, max %.2f)"):format(median(dv), minmax(dv)))
  print(("    diff / C fork+exec:       %8.2fx    (min %.2f, max %.2f)"):format(median(dc), minmax(dc)))
  if k == 2 then
    print(("    under 1 s of CPU:         %s"):format(median(d) < 1 and "yes" or "NO"))
  end
end
