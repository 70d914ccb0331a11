-- bench/compiler.lua LOOP ROUNDS: the module's compiler ("binding") against
-- libseccomp's, for a 300-syscall allow-list with 50 conditional rules and
-- for examples/policies/container.lua (x86_64 only: libseccomp's program
-- for its x86 part widens socketcall and does not verify):
--   compile: building the program (f:export_bpf() on a fresh filter, verify
--            off, so only the compiler runs), binding / libseccomp;
--   size:    instructions, binding / libseccomp;
--   kernel:  the time of a getppid loop in a child under each program,
--            binding / libseccomp (getppid is allowed, the last number of
--            the allow-list order, so libseccomp's linear program tests
--            every number before it).
-- Sides alternate; each figure is the median of the paired ratios.
local seccomp = require "seccomp"
local median = dofile((arg[0]:match("^(.*)/") or ".") .. "/stats.lua").median
local LOOP, ROUNDS = arg[1], tonumber(arg[2] or 9)
local N = 200000

local filters = dofile((arg[0]:match("^(.*)/") or ".") .. "/filters.lua")
local allow_list, container = filters.allow_list, filters.container

local function clock() return os.clock() end

local function compile_time(make, compiler)
  local filters = {}
  for i = 1, 20 do filters[i] = make(compiler) end
  local t0 = clock()
  for i = 1, 20 do filters[i]:export_bpf() end
  return (clock() - t0) / 20
end

local function kernel_time(f)
  local out = assert(io.tmpfile())
  local child = f:spawn({ LOOP, tostring(N) }, { stdout = out })
  local ok, how, code = child:wait()
  assert(ok and how == "exit" and code == 0, "the loop under the filter failed: " .. tostring(how) .. " " .. tostring(code))
  out:seek("set")
  local ns = tonumber(out:read("a"))
  out:close()
  return ns / N
end

local h = io.popen("nproc; uname -r; date -u +%Y-%m-%dT%H:%MZ")
local nproc, kernel, date = h:read("l"), h:read("l"), h:read("l")
h:close()
print(("machine: %s CPUs, Linux %s, libseccomp %s, %s; %d rounds"):format(nproc, kernel,
  table.concat({ seccomp.version() }, "."), date, ROUNDS))

for _, case in ipairs({ { "300 syscalls, 50 conditional", allow_list }, { "container profile (x86_64)", container } }) do
  local name, make = case[1], case[2]
  local b, l = make("binding"), make("libseccomp")
  assert(b:verify(), name .. ": the module's program does not verify")
  local lok = l:verify()
  local size = (#b:export_bpf() // 8) / (#l:export_bpf() // 8)
  local comp, kern, bns, lns = {}, {}, {}, {}
  for r = 1, ROUNDS do
    local tb, tl
    if r % 2 == 1 then tb = compile_time(make, "binding") tl = compile_time(make, "libseccomp")
    else tl = compile_time(make, "libseccomp") tb = compile_time(make, "binding") end
    comp[#comp + 1] = tb / tl
    local kb, kl
    if r % 2 == 1 then kb = kernel_time(b) kl = kernel_time(l) else kl = kernel_time(l) kb = kernel_time(b) end
    kern[#kern + 1] = kb / kl
    bns[#bns + 1], lns[#lns + 1] = kb, kl
  end
  print(("%s: compile %.3fx libseccomp's; size %d / %d instructions (%.3fx; libseccomp's %s); "
    .. "kernel getppid %.0f ns vs %.0f ns (%.3fx)"):format(name, median(comp), #b:export_bpf() // 8,
    #l:export_bpf() // 8, size, lok and "verifies" or "does not verify", median(bns), median(lns), median(kern)))
end
