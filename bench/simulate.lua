-- bench/simulate.lua - f:simulate calls per second, and their cost against
-- the kernel running the same filter.  Run by bench/simulate.sh:
--   lua5.4 bench/simulate.lua BUILD_DIR [ROUNDS]
--
-- The filter: default errno(EPERM); 300 syscalls allowed unconditionally;
-- 50 conditional rules on 50 other syscalls (allow / errno / trap, on one
-- or two arguments).  Default layout (libseccomp's linear, priority order).
--
-- Each round measures, alternating sides:
--   simulate: N calls in a loop, per case (os.clock, this process);
--   kernel:   a child (bench/simulate_kernel) timing the same syscall
--             without a filter and under the loaded filter.
-- Reported: the median over rounds of each figure, and the median of the
-- per-round (paired) ratios simulate / kernel.
local build, ROUNDS = arg[1] or "build-bench", tonumber(arg[2]) or 11
package.cpath = build .. "/?.so;" .. package.cpath
package.path = "lua/?.lua;lua/?/init.lua;" .. package.path
local seccomp = require "seccomp"

local N = 1000000          -- simulate calls per case per round
local KITERS = 200000      -- kernel calls per timed run (best of 5 runs)

-- ---------------------------------------------------------------------------
-- The policy.

local allowlist = dofile((arg[0]:match("^(.*)/") or ".") .. "/allowlist.lua")
local essential = { "getppid", "write", "exit_group", "exit", "clock_gettime", "brk", "mmap",
  "munmap", "rt_sigreturn", "read", "close", "fstat", "newfstatat" }
-- getpriority, timed, comes first: allowed when arg0 == 0 and arg1 == 0
local allowed, conditional, unlisted = allowlist.names(essential, { "getpriority" })
assert(unlisted, "not enough syscalls on this arch")
local f = allowlist.filter(allowed, conditional, function(g, i, n)
  if i == 1 then
    g:add_rule("allow", n, { 0, "==", 0 }, { 1, "==", 0 })
  else
    allowlist.conditional_rule(g, i, n)
  end
end)
local bpf = f:export_bpf()
local bpf_path = os.tmpname()
local fh = assert(io.open(bpf_path, "wb"))
fh:write(bpf)
fh:close()

-- ---------------------------------------------------------------------------
-- Measurements.

local getppid, getpriority = seccomp.syscall("getppid"), seccomp.syscall("getpriority")
local ALLOW = seccomp.ACT_ALLOW
assert(f:simulate(getppid) == ALLOW and f:simulate("getpriority", { 0, 0 }) == ALLOW)
assert(f:simulate(unlisted) == seccomp.errno("EPERM"))

local args00 = { 0, 0 }
local data = { syscall = getppid }
local cases = {
  { "simulate(nr)            allowed, unconditional", function(n) for _ = 1, n do f:simulate(getppid) end end },
  { "simulate(\"getppid\")     allowed, by name", function(n) for _ = 1, n do f:simulate("getppid") end end },
  { "simulate(\"getpriority\", {0, 0})  conditional rule", function(n)
    for _ = 1, n do f:simulate("getpriority", args00) end end },
  { "simulate(nr)            not in the filter (default)", function(n)
    local nr = seccomp.syscall(unlisted) for _ = 1, n do f:simulate(nr) end end },
  { "simulate(nr, nil, \"x86_64\")  arch given", function(n)
    for _ = 1, n do f:simulate(getppid, nil, "x86_64") end end },
  { "simulate_bpf(bpf, {syscall = nr})", function(n) for _ = 1, n do seccomp.simulate_bpf(bpf, data) end end },
}
if seccomp.arch_name(seccomp.native_arch()) ~= "x86_64" then table.remove(cases, 5) end

local function time_ns(fn, n)
  local t0 = os.clock()
  fn(n)
  return (os.clock() - t0) * 1e9 / n
end

local exe = build .. "/simulate_kernel"
local function kernel(nr, ...)
  local cmd = table.concat({ exe, bpf_path, KITERS, nr, ... }, " ")
  local p = assert(io.popen(cmd))
  local out = p:read("a")
  assert(p:close(), "simulate_kernel failed: " .. out)
  local base, filtered = out:match("^(%S+) (%S+)")
  return tonumber(base), tonumber(filtered)
end

local median = dofile((arg[0]:match("^(.*)/") or ".") .. "/stats.lua").median

local sim = {}
for i = 1, #cases do sim[i] = {} end
local k = { ppid_base = {}, ppid_filt = {}, prio_base = {}, prio_filt = {} }
local ratio = { ppid_filt = {}, ppid_over = {}, prio_filt = {}, prio_over = {} }

for _, c in ipairs(cases) do c[2](N // 10) end -- warm up
io.stderr:write(("bench/simulate: %d rounds"):format(ROUNDS))
for r = 1, ROUNDS do
  -- alternate which side goes first
  local function simulate_side()
    for i, c in ipairs(cases) do sim[i][r] = time_ns(c[2], N) end
  end
  local function kernel_side()
    k.ppid_base[r], k.ppid_filt[r] = kernel(getppid)
    k.prio_base[r], k.prio_filt[r] = kernel(getpriority, 0, 0)
  end
  if r % 2 == 1 then simulate_side() kernel_side() else kernel_side() simulate_side() end
  ratio.ppid_filt[r] = sim[1][r] / k.ppid_filt[r]
  ratio.ppid_over[r] = sim[1][r] / math.max(k.ppid_filt[r] - k.ppid_base[r], 1)
  ratio.prio_filt[r] = sim[3][r] / k.prio_filt[r]
  ratio.prio_over[r] = sim[3][r] / math.max(k.prio_filt[r] - k.prio_base[r], 1)
  io.stderr:write(".")
end
io.stderr:write("\n")
os.remove(bpf_path)

-- ---------------------------------------------------------------------------
-- Report.

local _, lib_minor, lib_micro = seccomp.version()
print(("filter: 300 syscalls allowed + 50 conditional rules, default errno(EPERM); %d BPF instructions"
  .. " (libseccomp 2.%d.%d, linear layout); %s"):format(#bpf // 8, lib_minor, lib_micro, seccomp.arch_name(seccomp.native_arch())))
print(("medians of %d rounds; simulate: %d calls per case per round (os.clock); kernel: best of 5 x %d calls per child"):format(ROUNDS, N, KITERS))
print()
print("simulate from Lua                                       ns/call   calls/s")
for i, c in ipairs(cases) do
  local ns = median(sim[i])
  print(("  %-52s %7.1f   %5.2f M"):format(c[1], ns, 1e3 / ns))
end
print()
print("kernel, same filter loaded (C child)                ns/call")
print(("  getppid       without filter / with filter       %7.1f / %.1f  (filter: +%.1f)"):format(
  median(k.ppid_base), median(k.ppid_filt), median(k.ppid_filt) - median(k.ppid_base)))
print(("  getpriority(0, 0) without / with                 %7.1f / %.1f  (filter: +%.1f)"):format(
  median(k.prio_base), median(k.prio_filt), median(k.prio_filt) - median(k.prio_base)))
print()
print("paired ratios (median of per-round ratios)")
print(("  simulate(nr) / kernel getppid under the filter          %.2f"):format(median(ratio.ppid_filt)))
print(("  simulate(nr) / the filter's share of that syscall       %.2f"):format(median(ratio.ppid_over)))
print(("  simulate(\"getpriority\", {0,0}) / kernel getpriority     %.2f"):format(median(ratio.prio_filt)))
print(("  simulate(\"getpriority\", {0,0}) / the filter's share     %.2f"):format(median(ratio.prio_over)))
