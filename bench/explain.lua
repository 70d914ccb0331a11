--- bench/explain.lua - what seccomp.explain and seccomp.audit cost: the
--- container profile's program (examples/policies/container.lua: x86_64,
--- x86 and x32, the module's compiler), read back into a policy, and audited.
---
--- usage: lua5.4 bench/explain.lua VERIFY_C [ROUNDS]
--- (bench/run_explain.sh builds VERIFY_C and the module, then runs this)
---        lua5.4 bench/explain.lua inner MODE M   (one timed side)
---
--- Lua has no sub-second clock, so VERIFY_C times each side from outside:
--- an interpreter that does the work M times, minus one that does it 0
--- times (start-up, building and compiling the filter, the syscall tables);
--- in wall-clock and in CPU time.  The sides:
---   explain  M x seccomp.explain(the program)
---   audit    M x seccomp.audit(the program)
---   diff     M x seccomp.diff(the program, the program): the partition's
---            own cost, the check explain and audit read
---   C        M x (fork, execve /bin/true, waitpid) in C: the baseline
--- The side order rotates each round; each figure is the median over rounds
--- of the per-round ratio.
local seccomp = require "seccomp"

local PROFILE = "examples/policies/container.lua"

local function program()
  local f = seccomp.load_policy(PROFILE)
  return f:export_bpf() -- the program the filter loads (the default compiler's)
end

if arg[1] == "inner" then
  local mode, m = arg[2], tonumber(arg[3])
  local bpf = program()
  local _, report = seccomp.explain(bpf) -- warm: the syscall tables built
  assert(report.total == 0)
  if mode == "explain" then
    for _ = 1, m do seccomp.explain(bpf) end
  elseif mode == "audit" then
    for _ = 1, m do seccomp.audit(bpf) end
  elseif mode == "diff" then
    for _ = 1, m do seccomp.diff(bpf, bpf) end
  else
    error("unknown mode " .. tostring(mode))
  end
  os.exit(0)
end

local bin, ROUNDS = arg[1], tonumber(arg[2] or 7)
assert(bin, "usage: lua5.4 bench/explain.lua VERIFY_C [ROUNDS]")
local lua = arg[-1] or "lua5.4"
local self = arg[0]
local stats = dofile((self:match("^(.*)/") or ".") .. "/stats.lua")
local median = stats.median

-- Seconds per operation, { wall, cpu }: (M runs - 0 runs) / M.
local function per_op(mode, m)
  return stats.per_op(bin, ("%s %s inner %s"):format(lua, self, mode), m)
end

local M = { explain = 10, audit = 10, diff = 20, C = 100 }
local sides = {
  { key = "explain", run = function() return per_op("explain", M.explain) end },
  { key = "audit", run = function() return per_op("audit", M.audit) end },
  { key = "diff", run = function() return per_op("diff", M.diff) end },
  { key = "C", run = function()
      local t = stats.measure(bin, "fork " .. M.C)
      return { t[1] / M.C, t[2] / M.C }
    end },
}
local EXPLAIN, AUDIT, DIFF, C = 1, 2, 3, 4

local function sh(cmd)
  local p = io.popen(cmd)
  local s = p and p:read("a") or ""
  if p then p:close() end
  return (s:gsub("%s+$", ""))
end

print(("lua-seccomp explain/audit bench, %s; %s CPUs, Linux %s, libseccomp %s, %s"):format(
  sh("date -u '+%Y-%m-%d %H:%M UTC'"), sh("nproc"), sh("uname -r"),
  table.concat({ seccomp.version() }, "."), _VERSION))
print("load average at start: " .. sh("cut -d' ' -f1-3 /proc/loadavg"))
do
  local bpf = program()
  local policy, report = seccomp.explain(bpf)
  local findings = seccomp.audit(bpf)
  local nrules = #(policy.rules or {}) + #(policy.allow or {})
  print(("%s: %d BPF instructions; explain: %d rules and allow entries, %d cells unexplained, %d vectors; "
    .. "audit: %d findings"):format(PROFILE, #bpf // 8, nrules, report.total, report.vectors, #findings))
end
print(("%d rounds, sides rotating; per round: %d explains, %d audits, %d diffs, %d C fork+exec"):format(
  ROUNDS, M.explain, M.audit, M.diff, M.C))

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
  print(("  %s:"):format(clock))
  for _, side in ipairs { { "explain", EXPLAIN }, { "audit", AUDIT } } do
    local x, xd, xc = {}, {}, {}
    for r = 1, ROUNDS do
      x[r] = t[side[2]][r][k]
      xd[r] = t[side[2]][r][k] / t[DIFF][r][k]
      xc[r] = t[side[2]][r][k] / t[C][r][k]
    end
    print(("    one %-8s              %8.3f ms  (min %.3f, max %.3f)"):format(side[1] .. ":", median(x) * 1e3,
      select(1, minmax(x)) * 1e3, select(2, minmax(x)) * 1e3))
    print(("    %-8s / diff:           %8.2fx    (min %.2f, max %.2f)"):format(side[1], median(xd), minmax(xd)))
    print(("    %-8s / C fork+exec:    %8.2fx    (min %.2f, max %.2f)"):format(side[1], median(xc), minmax(xc)))
    if k == 2 then
      print(("    %-8s under 1 s of CPU:  %s"):format(side[1], median(x) < 1 and "yes" or "NO"))
    end
  end
end
