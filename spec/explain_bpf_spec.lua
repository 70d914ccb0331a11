-- seccomp.explain: a program turned back into a policy table, judged by
-- seccomp.diff of the filter built from that policy and the program itself
-- ("equal": every call, on every arch, answered the same), over the
-- example policies, the container runtimes' packaged profiles, random rule
-- sets, every arch libseccomp supports, and runc's ENOSYS stub in front of
-- libseccomp's program.  Where a program says what no rule can, the cells
-- are in report.unexplained, and every cell where the round trip differs is
-- one of them.  (spec/explain_spec.lua is spawn's explain option.)
local seccomp = require "seccomp"
local H = require "helper"
local RS = require "support.rulesets"
local PR = require "support.profiles"
local STUB = require "support.enosys_stub"

local A = seccomp.action_name
local NATIVE = seccomp.arch_name(seccomp.native_arch())
local it_x86_64 = H.gated(it, pending, H.X86_64)

-- The filter a policy or per-arch result of explain builds (per arch: each
-- arch's policy built and merged).
local function build(policy, report, compiler)
  local f
  if report.per_arch then
    local names = {}
    for k in pairs(policy) do
      if k ~= "badarch_action" then names[#names + 1] = k end
    end
    table.sort(names)
    for _, k in ipairs(names) do
      local g = seccomp.filter(policy[k])
      if compiler then g:set_attr("compiler", compiler) end
      if f then f:merge(g) else f = g end
    end
  else
    f = seccomp.filter(policy)
    if compiler then f:set_attr("compiler", compiler) end
  end
  return f
end

local partition = require("seccomp.core")._private.partition

-- The answer as the kernel acts on it (as seccomp.diff compares answers).
local function norm(a)
  local act = a & 0xffff0000
  if act == 0x00050000 then return act | math.min(a & 0xffff, 4095) end
  if act == 0x80000000 or act == 0 or act == 0x7fc00000 or act == 0x7ffc0000 or act == 0x7fff0000 then
    return act
  end
  return a
end

-- The arguments of vector pos of a partition's call: the cells' values,
-- the first word's cell varying fastest.
local function vector_args(call, pos)
  local args, r = { 0, 0, 0, 0, 0, 0 }, pos - 1
  for _, w in ipairs(call.words) do
    local W = call.cells[w + 1]
    local v = W.rep[r % #W.rep + 1]
    r = r // #W.rep
    if w < 12 then
      args[w // 2 + 1] = args[w // 2 + 1] | (v << (32 * (w % 2)))
    end
  end
  return args
end

-- Where diff cannot be exhaustive (its walk of a program of hundreds of
-- masked tests runs out of states), f is checked on every cell of p's own
-- partition instead: one call of each, every known arch.  The number of
-- cells where they differ.
local function differs_on_partition(f, p, opts)
  local P = partition(p, opts)
  local fp, n = f:export_bpf(), 0
  for _, A in ipairs(P.arches) do
    if A.name and not A.answer then
      for nr, call in pairs(A.calls) do
        local arch = A.name == "x86_64" and nr & 0xffffffff >= 0x40000000 and nr ~= -1 and "x32" or A.name
        local function check(args, a)
          local b = seccomp.simulate_bpf(fp, { syscall = nr, arch = arch, args = args })
          if norm(a) ~= norm(b) then n = n + 1 end
        end
        if math.type(call) == "integer" then
          check({}, call)
        else
          for pos, a in ipairs(call.answers) do
            check(vector_args(call, pos), a)
          end
        end
      end
    end
  end
  return n
end

-- Is diff's cell c one of the cells explain listed?  The same arch and
-- number, or a number of the same cell of p's partition (x86_64 and x32
-- share their arch value; values no arch has are all one).
local function covered(P, report, c)
  local function data(arch)
    return arch == "x32" and "x86_64" or arch
  end
  local function cellof(arch, nr)
    for _, A in ipairs(P.arches) do
      if (A.name or A.data) == data(arch) and A.nrword then
        local W = A.nrword
        for i = 1, #W.F do
          if nr & 0xffffffff & W.F[i] == W.V[i] then return W.C[i] end
        end
      end
    end
  end
  for _, e in ipairs(report.unexplained) do
    if type(e.arch) == "number" and type(c.arch) == "number" then return true end
    if data(e.arch) == data(c.arch) and (e.nr == nil or e.nr == c.nr
        or (e.nr and cellof(e.arch, e.nr) ~= nil and cellof(e.arch, e.nr) == cellof(c.arch, c.nr))) then
      return true
    end
  end
  return false
end

local exhaustive_diffs, partition_checks = 0, 0

-- The round trip: the filter the policy builds answers every call as p
-- does, where explain listed no cell; where it listed some, the calls that
-- differ are in them.  Returns the diff report, the policy and the report.
local function round_trip(p, opts, compiler)
  local policy, report = seccomp.explain(p, opts)
  local f = build(policy, report, compiler)
  local d = seccomp.diff(f, p, opts)
  if d.exhaustive then
    exhaustive_diffs = exhaustive_diffs + 1
  else
    partition_checks = partition_checks + 1
  end
  if report.total == 0 then
    if d.exhaustive then
      assert.are.equal("equal", d.verdict, ("%d cells differ, the first %s %s %s: %s against %s"):format(d.total,
        tostring(d[1] and d[1].arch), tostring(d[1] and d[1].syscall), tostring(d[1] and d[1].nr),
        d[1] and A(d[1].a) or "", d[1] and tostring(d[1].b) or ""))
    else
      assert.are.equal(0, d.total)
      assert.are.equal(0, differs_on_partition(f, p, opts))
    end
  elseif report.total <= #report.unexplained then
    local P = partition(p, opts)
    for _, c in ipairs(d) do
      assert.is_true(covered(P, report, c), ("%s %s %s (%s): differs, and explain did not list it"):format(
        tostring(c.arch), tostring(c.nr), tostring(c.syscall), table.concat(c.args, ", ")))
    end
  end
  return d, policy, report
end

-- Do two conditions (as explain writes them) hold for a common value?
-- Each is read as unsigned intervals (==, !=, <=, >=, >) or as a ternary
-- pattern (x & M == V); `low`: as an arch whose rules compare low words only
-- reads them (data cut to 32 bits, values too).
local ult = math.ult

local function read_cond(cond, low)
  local maxv = low and 0xffffffff or -1
  local op, a = cond:match("^arg%d (%S+) (%S+)$")
  if not op then
    local m, v = cond:match("^arg%d & (%S+) == (%S+)$")
    return { pattern = { math.tointeger(tonumber(m)) & maxv, math.tointeger(tonumber(v)) & maxv } }
  end
  a = math.tointeger(tonumber(a)) & maxv
  if op == "==" then return { { a, a } } end
  if op == "<=" then return { { 0, a } } end
  if op == ">=" then return { { a, maxv } } end
  if op == ">" then return a == maxv and {} or { { a + 1, maxv } } end
  assert(op == "!=", "unexpected condition " .. cond)
  local out = {}
  if a ~= 0 then out[#out + 1] = { 0, a - 1 } end
  if a ~= maxv then out[#out + 1] = { a + 1, maxv } end
  return out
end

-- The greatest x <= h with x & M == V (unsigned 64-bit), or nil.
local function pattern_max_le(M, V, h)
  if h & M == V then return h end
  for i = 0, 63 do
    local bit = 1 << i
    local above = i == 63 and 0 or ~((bit << 1) - 1)
    if (M & above) & (V ~ h) == 0 and h & bit ~= 0 and (M & bit == 0 or V & bit == 0) then
      local below = bit - 1
      return (h & above) | (V & below) | (~M & below)
    end
  end
end

local function meet(c1, c2, low)
  local x, y = read_cond(c1, low), read_cond(c2, low)
  if x.pattern and y.pattern then
    return (x.pattern[2] ~ y.pattern[2]) & x.pattern[1] & y.pattern[1] == 0
  end
  if y.pattern then x, y = y, x end
  if x.pattern then
    for _, iv in ipairs(y) do
      local m = pattern_max_le(x.pattern[1], x.pattern[2], iv[2])
      if m and not ult(m, iv[1]) then return true end
    end
    return false
  end
  for _, i in ipairs(x) do
    for _, j in ipairs(y) do
      if not (ult(i[2], j[1]) or ult(j[2], i[1])) then return true end
    end
  end
  return false
end

local LOW = {}
for _, a in ipairs { "x86", "x32", "arm", "mips", "mipsel", "mips64n32", "mipsel64n32", "ppc", "s390", "parisc",
                     "m68k", "sh", "sheb" } do LOW[a] = true end

-- No two rules of one syscall hold for one call, as every arch of the
-- policy reads them.
local function assert_disjoint(policy)
  local by = {}
  for _, r in ipairs(policy.rules or {}) do
    for _, s in ipairs(r.syscalls or { r.syscall }) do
      by[s] = by[s] or {}
      table.insert(by[s], r)
    end
  end
  for _, s in ipairs(policy.allow or {}) do
    by[s] = by[s] or {}
    table.insert(by[s], { action = "allow" })
  end
  for s, rules in pairs(by) do
    local readings = {}
    for _, a in ipairs(policy.arches or {}) do
      if seccomp.syscall(s, a) then readings[LOW[a] and "low" or "full"] = true end
    end
    for i = 1, #rules do
      for j = i + 1, #rules do
        for reading in pairs(readings) do
          local all = true
          local ci, cj = {}, {}
          for _, c in ipairs(rules[i].args or {}) do ci[c:match("^arg(%d)")] = c end
          for _, c in ipairs(rules[j].args or {}) do cj[c:match("^arg(%d)")] = c end
          for arg, c in pairs(ci) do
            if cj[arg] and not meet(c, cj[arg], reading == "low") then all = false end
          end
          assert.is_false(all, ("%s: rules %d and %d overlap (%s words)"):format(s, i, j, reading))
        end
      end
    end
  end
end

local function policy_filter(path, compiler)
  local f
  if path:match("%.json$") then
    f = seccomp.oci.filter(H.read(path), { name = path })
  else
    f = seccomp.load_policy(path)
  end
  f:set_attr("compiler", compiler)
  f:set_attr("verify", false)
  return f
end

-- hand-written programs: what no rule can say
local LD, JEQ, RET = 0x20, 0x15, 0x06
local RET_A = 0x16
local function prog(insns)
  local out = {}
  for _, i in ipairs(insns) do out[#out + 1] = string.pack("=I2BBI4", i[1], i[2] or 0, i[3] or 0, i[4] or 0) end
  return table.concat(out)
end
local AUDIT = { x86_64 = 0xc000003e }
local function on_native(body)
  local p = { { LD, 0, 0, 4 }, { JEQ, 1, 0, AUDIT[NATIVE] }, { RET, 0, 0, 0 } }
  for _, i in ipairs(body) do p[#p + 1] = i end
  return prog(p)
end
local read, getppid = seccomp.syscall("read"), seccomp.syscall("getppid")

describe("seccomp.explain", function()
  teardown(H.remove_files)

  it("gives a policy that reproduces every example policy, under both compilers", function()
    local n = 0
    for _, path in ipairs { "examples/policies/container.lua", "examples/policies/container.json",
                            "examples/policies/no-network.lua", "examples/policies/stdout-only.lua" } do
      for _, compiler in ipairs { "libseccomp", "binding" } do
        local f = policy_filter(path, compiler)
        -- the filter, and the program it exports (a string), the same
        for _, p in ipairs { f, f:export_bpf() } do
          local d, policy, report = round_trip(p)
          assert.are.equal(0, report.total, path .. ": " .. tostring(report.unexplained[1] and report.unexplained[1].reason))
          assert.are.equal("equal", d.verdict)
          assert.is_true(report.exhaustive)
          assert.is_nil(report.per_arch)
          assert_disjoint(policy)
          n = n + 1
        end
      end
    end
    assert.are.equal(16, n)
  end)

  it("writes the container profile's conditions back as the rules that made them", function()
    local f = policy_filter("examples/policies/container.lua", "binding")
    local policy = seccomp.explain(f)
    assert.are.same({ "x86_64", "x86", "x32" }, policy.arches)
    assert.are.equal("errno(EPERM)", policy.default)
    assert.are.equal("kill_thread", policy.attrs.badarch_action)
    local got = {}
    for _, r in ipairs(policy.rules) do
      got[#got + 1] = ("%s %s %s"):format(r.action, r.syscall or table.concat(r.syscalls, ","),
        table.concat(r.args or {}, "; "))
    end
    table.sort(got)
    assert.are.same({
      "allow clone arg0 & 0x7e020000 == 0",
      "allow personality arg0 & 0xfffffff7 == 0", -- PER_LINUX and PER_LINUX32 in one
      "allow personality arg0 & 0xffffffff == 0xffffffff",
      "allow socket arg0 & 0xfffffffffffffff7 == 2", -- AF_INET and AF_INET6 (10) in one
      "allow socket arg0 == 0x10",
      "allow socket arg0 == 1",
      "errno(ENOSYS) clone3 ",
    }, got)
    -- and it is a policy file: load_policy reads its source
    local path = H.file_with(require("seccomp.inspect").source(policy), ".lua")
    assert.are.equal("equal", seccomp.diff(seccomp.load_policy(path), f).verdict)
  end)

  it("reproduces Docker's and Podman's packaged profiles", function()
    for _, name in ipairs { "docker", "podman" } do
      if not PR.gate(name).ok then
        pending(PR.gate(name).why)
      else
        local f, removed = PR.filter(name)
        print(("\n%s: %d entries seccomp.oci.filter refuses on this branch taken out: %s"):format(name, #removed,
          table.concat(removed, ", ")))
        for _, compiler in ipairs { "libseccomp", "binding" } do
          f:set_attr("compiler", compiler)
          f:set_attr("verify", false)
          local d, policy, report = round_trip(f)
          assert_disjoint(policy)
          print(("  %s, %s's program: %s, %d cells unexplained"):format(name, compiler, d.verdict, report.total))
          assert.are.equal(0, report.total)
          assert.are.equal("equal", d.verdict)
          if name == "podman" then
            -- socket's rules overlap (an errno for AF_NETLINK/NETLINK_AUDIT
            -- over two allows), and on x86 they land on socketcall's path
            -- SYS_SOCKET too; socketcall's own unconditional rule decides
            -- every call of it there (R1 of the one meaning), as libseccomp's
            -- and the module's programs answer it
            local allowed = {}
            for _, s in ipairs(policy.allow) do allowed[s] = true end
            assert.is_true(allowed.socketcall)
          end
        end
      end
    end
  end)

  -- 50: the 60th set's policy (98 masked tests of 64-bit values on one
  -- argument) takes libseccomp minutes to add (docs/inspect.md, known limit)
  local SETS = tonumber(os.getenv("EXPLAIN_SETS")) or 50
  local SEED = tonumber(os.getenv("EXPLAIN_SEED")) or 20261129
  it(("reproduces the verify spec's random rule sets (%d sets, seed %d)"):format(SETS, SEED), function()
    math.randomseed(SEED)
    local c = { verified = 0, equal = 0, other = 0, other_equal = 0, unexplained_sets = 0, unexplained_cells = 0,
                too_many = 0 }
    local TOO_MANY = "a set of argument values that takes more than"
    for _ = 1, SETS do
      local set = RS.random_set()
      local f = seccomp.filter(set.default)
      f:set_attr("compiler", "libseccomp")
      for _, r in ipairs(set.rules) do
        pcall(f.add_rule, f, r.action, "getppid", table.unpack(r.conds))
      end
      local verified = f:verify()
      f:set_attr("verify", false)
      -- the round trip's filter is the module's compiler's: libseccomp
      -- takes minutes over the hundred masked rules some of these need
      local d, policy, report = round_trip(f, nil, "binding")
      assert_disjoint(policy)
      if verified then
        c.verified = c.verified + 1
        if report.total == 0 then
          c.equal = c.equal + 1
        else
          -- only where one set of an argument's values (a mask and a range
          -- on one argument, from rules that overlap) takes more disjoint
          -- conditions than explain writes for one: listed, not guessed
          for reason in pairs(report.reasons) do
            assert.are.equal(TOO_MANY, reason:sub(1, #TOO_MANY))
          end
          c.too_many = c.too_many + 1
        end
      else
        c.other = c.other + 1
        if d.verdict == "equal" then c.other_equal = c.other_equal + 1 end
      end
      if report.total > 0 then
        c.unexplained_sets = c.unexplained_sets + 1
        c.unexplained_cells = c.unexplained_cells + report.total
      end
    end
    print(("\n%d sets: verify passes on %d, %d of them reproduced (diff equal), %d with a set of argument values "
      .. "that takes more disjoint conditions than explain writes (listed); of the %d libseccomp gets wrong, %d "
      .. "reproduced; %d sets with cells no rule says (%d cells)"):format(SETS, c.verified, c.equal, c.too_many,
      c.other, c.other_equal, c.unexplained_sets, c.unexplained_cells))
    assert.is_true(c.verified > SETS // 2)
    assert.is_true(c.too_many <= c.verified // 20)
  end)

  it("explains programs of every arch libseccomp supports, both layouts, both compilers", function()
    local base = dofile("examples/policies/container.lua")
    local count, unexplained, lines = 0, 0, {}
    for _, arch in ipairs { "x86", "x86_64", "x32", "arm", "aarch64", "loongarch64", "m68k", "mips", "mips64",
                            "mips64n32", "mipsel", "mipsel64", "mipsel64n32", "ppc", "ppc64", "ppc64le", "s390",
                            "s390x", "parisc", "parisc64", "riscv64", "sh", "sheb" } do
      if seccomp.parse("arch", arch) then
        for _, v in ipairs { { "libseccomp", 1 }, { "libseccomp", 2 }, { "binding", 1 } } do
          local pol = {}
          for k, x in pairs(base) do pol[k] = x end
          pol.arches, pol.attrs = { arch }, { optimize = v[2] }
          local ok, f = pcall(seccomp.filter, pol)
          if ok then
            f:set_attr("compiler", v[1])
            f:set_attr("verify", false)
            -- as a string in the arch's byte order
            local bpf = f:export_bpf()
            local d, _, report = round_trip(bpf, { arches = { arch } })
            count = count + 1
            if report.total > 0 then
              unexplained = unexplained + 1
              lines[#lines + 1] = ("%s (%s, optimize %d): %d cells unexplained (%s), %d differ"):format(arch, v[1],
                v[2], report.total, next(report.reasons), d.total)
              -- only libseccomp's binary trees of big-endian arches, whose
              -- programs return some actions in the wrong byte order
              assert.are.equal("libseccomp", v[1])
              assert.are.equal(2, v[2])
            end
          else
            lines[#lines + 1] = ("%s: the container profile does not build (%s)"):format(arch,
              tostring(f):match("[^\n]*"))
          end
        end
      end
    end
    print(("\n%d programs explained, %d with cells no rule says:\n  %s"):format(count, unexplained,
      table.concat(lines, "\n  ")))
    assert.is_true(count >= 40)
  end)

  -- the stub as this spec builds it (spec/support/enosys_stub.lua), in
  -- front of programs of this module's policies; the programs runc really
  -- installed are explained below
  it_x86_64("explains runc's ENOSYS stub in front of libseccomp's program as unknown = \"enosys\"", function()
    local inputs = { { "examples/policies/container.lua", {} } }
    if PR.gate("docker").ok then inputs[#inputs + 1] = { "docker", {} } end
    -- a profile naming a call above every call it allows, with the default
    -- action (runc counts it; libseccomp has no rule for it)
    inputs[#inputs + 1] = { "examples/policies/no-network.lua", { "futex_requeue" }, "errno(EPERM)" }
    for _, input in ipairs(inputs) do
      local f
      if input[1] == "docker" then
        f = PR.filter("docker")
      else
        local pol = dofile(input[1])
        pol.arches = { "x86_64", "x86", "x32" }
        if input[3] then
          pol.default = input[3]
          pol.rules = { { action = "allow", syscalls = { "read", "write", "exit_group" } } }
        end
        f = seccomp.filter(pol)
      end
      f:set_attr("compiler", "libseccomp")
      f:set_attr("verify", false)
      local names = STUB.names(f)
      for _, n in ipairs(input[2]) do names[#names + 1] = n end
      local t = STUB.thresholds(names, { "x86_64", "x86", "x32" })
      local prog = STUB.prepend(t, f:export_bpf(), false)
      -- the stub answers as runc's does: ENOSYS above the highest number
      -- named, per arch, x32 and -1 too; the filter below it
      assert.are.equal(seccomp.errno("ENOSYS"), seccomp.simulate_bpf(prog, { syscall = t.x86_64 + 1 }))
      assert.are.equal(seccomp.errno("ENOSYS"), seccomp.simulate_bpf(prog, { syscall = -1 }))
      assert.are.equal(seccomp.errno("ENOSYS"), seccomp.simulate_bpf(prog, { syscall = t.x32 + 1, arch = "x32" }))
      assert.are.equal(seccomp.errno("ENOSYS"), seccomp.simulate_bpf(prog, { syscall = t.x86 + 1, arch = "x86" }))
      assert.are.equal(f:simulate("read"), seccomp.simulate_bpf(prog, { syscall = "read" }))
      local d, policy, report = round_trip(prog)
      assert.are.equal(0, report.total)
      assert.are.equal("equal", d.verdict)
      assert.are.equal("enosys", policy.unknown)
      assert_disjoint(policy)
      if input[3] then
        -- the threshold's call has no rule of its own: one that never holds names it
        local marker
        for _, r in ipairs(policy.rules) do
          if r.syscall == "futex_requeue" then marker = r end
        end
        assert.are.same({ "arg0 > 0xffffffffffffffff" }, marker.args)
      end
    end
  end)

  it_x86_64("explains the programs runc installed in real containers (read back from them)", function()
    local dir = "spec/data/runc-captures/"
    -- what no rule can say in each: with x86_64 alone runc's stub sends -1 and the
    -- x32 bit's numbers to libseccomp's program, and answers ENOSYS to the
    -- numbers with the sign bit but not the x32 bit; with x32 alone it puts
    -- no stub in front of the x86_64 numbers libseccomp still has
    -- (Podman's default action is ENOSYS itself: no unknown = "enosys")
    -- (x32 alone: 11 cells with libseccomp 2.5.4's tables; a newer table
    -- names more of the x86_64 numbers above the threshold, so more cells)
    local x32_cells = select(2, seccomp.version()) < 6 and 11 or nil
    local expect = { ["docker.builtin-default.default.bpf"] = { 0, "enosys" },
                     ["container-json.default.bpf"] = { 0, "enosys" }, ["podman-default.default.bpf"] = { 0 },
                     ["x86_64-only.default.bpf"] = { 2, "enosys" }, ["x32-only.default.bpf"] = { x32_cells, "enosys" } }
    local X32_REASONS = { ["numbers no syscall name stands for"] = true,
      ["calls above the highest one the rules name on this arch, answered otherwise than ENOSYS"] = true }
    for name, e in pairs(expect) do
      local bpf = H.read(dir .. name)
      local d, policy, report = round_trip(bpf)
      local n = e[1]
      if n == nil then -- every cell the round trip differs in is listed, for these reasons
        n = report.total
        assert.is_true(n > 11, name)
        for reason in pairs(report.reasons) do assert.is_true(X32_REASONS[reason], reason) end
      end
      assert.are.equal(n, report.total, name)
      assert.are.equal(n, d.total, name)
      assert.are.equal(e[2], policy.unknown, name)
      assert_disjoint(policy)
    end
  end)

  -- libseccomp compares ipc's arg0 whole (ipc(23) is shmget's path, not
  -- ipc(0x10017)); the module's compiler, by the one meaning, on the low 16
  -- bits the kernel dispatches on
  it("states libseccomp's ipc paths (arg0 == the number alone) by a rule of ipc before the call's", function()
    local function x86(pol)
      pol.arches = { "x86" }
      return pol
    end
    for _, compiler in ipairs { "libseccomp", "binding" } do
      local f = seccomp.filter(x86 { default = "errno(EPERM)", allow = { "shmget" } })
      f:set_attr("compiler", compiler)
      f:set_attr("verify", false)
      local policy, report = seccomp.explain(f)
      assert.are.equal(0, report.total)
      assert.are.equal("equal", seccomp.diff(seccomp.filter(policy), f).verdict)
      if compiler == "libseccomp" then
        assert.are.same({ { action = "allow", syscall = "ipc", args = { "arg0 == 0x17" } },
                          { action = "allow", syscall = "shmget", args = { "arg0 >= 0" } } }, policy.rules)
      else
        assert.are.same({ "shmget" }, policy.allow)
        assert.is_nil(policy.rules)
      end
    end
    -- a deny-list: ipc(0x10017) would need a rule with the default action
    local f = seccomp.filter(x86 { default = "allow", rules = { { action = "errno(EACCES)", syscall = "shmget" } } })
    f:set_attr("compiler", "libseccomp")
    f:set_attr("verify", false)
    local policy, report = seccomp.explain(f)
    assert.are.equal(1, report.total)
    local u = report.unexplained[1]
    assert.are.same({ "x86", "ipc", 23 }, { u.arch, u.syscall, u.args[1] })
    local d = seccomp.diff(seccomp.filter(policy), f)
    assert.are.equal(1, d.total)
    assert.are.same({ "ipc", 0x10017 }, { d[1].syscall, d[1].args[1] })
  end)

  it("gives one policy per arch where the arches answer differently, each built and merged", function()
    local f = seccomp.filter { default = "errno(EPERM)", arches = { "x86_64" }, allow = { "read", "write" } }
    local g = seccomp.filter { default = "errno(EPERM)", arches = { "x86" }, allow = { "read" } }
    f:merge(g)
    local policy, report = seccomp.explain(f)
    assert.is_true(report.per_arch)
    assert.are.equal(0, report.total)
    assert.are.equal("kill_thread", policy.badarch_action)
    assert.are.same({ "read", "write" }, policy.x86_64.allow)
    assert.are.same({ "read" }, policy.x86.allow)
    assert.are.same({ "x86" }, policy.x86.arches)
    assert.are.equal("equal", seccomp.diff(build(policy, report), f).verdict)
  end)

  it_x86_64("lists what no rule can say: the instruction pointer, an answer in the accumulator, numbers "
    .. "without names, answers no action names, arches answered by number", function()
    local ERRNO = seccomp.errno("EPERM")
    local cases = {
      { "a test of the instruction pointer", on_native {
          { LD, 0, 0, 0 }, { JEQ, 0, 3, getppid }, { LD, 0, 0, 8 }, { JEQ, 0, 1, 0x1000 },
          { RET, 0, 0, seccomp.ACT_ALLOW }, { RET, 0, 0, ERRNO } } },
      { "a branch on a value no test describes", on_native {
          { LD, 0, 0, 0 }, { JEQ, 0, 2, getppid }, { LD, 0, 0, 16 }, { RET_A }, { RET, 0, 0, ERRNO } } },
      { "numbers no syscall name stands for", on_native {
          { LD, 0, 0, 0 }, { JEQ, 0, 1, 1000 }, { RET, 0, 0, seccomp.ACT_ALLOW }, { RET, 0, 0, ERRNO } } },
      { "an answer no action names", on_native {
          { LD, 0, 0, 0 }, { JEQ, 0, 1, read }, { RET, 0, 0, 0x01000500 }, { RET, 0, 0, ERRNO } } },
      -- no arch check: calls of any arch value are answered by their number
      { "an arch value no arch has, answered by the number", prog {
          { LD, 0, 0, 0 }, { JEQ, 0, 1, getppid }, { RET, 0, 0, seccomp.ACT_ALLOW }, { RET, 0, 0, ERRNO } } },
    }
    for _, case in ipairs(cases) do
      local policy, report = seccomp.explain(case[2])
      assert.is_true(report.total > 0, case[1])
      local found = false
      for reason in pairs(report.reasons) do
        if reason:find(case[1], 1, true) then found = true end
      end
      assert.is_true(found, case[1] .. ": " .. table.concat((function()
        local t = {}
        for r in pairs(report.reasons) do t[#t + 1] = r end
        return t
      end)(), "; "))
      assert.is_string(report.unexplained[1].reason)
      -- the rest is said: where the round trip differs, it is in those cells
      local f = build(policy, report)
      assert.is_true(seccomp.diff(f, case[2]).total <= report.total, case[1])
    end
  end)

  it("checks its arguments and says which", function()
    assert.matches("bad argument #1 to 'explain' %(filter, BPF program", H.message(seccomp.explain, 42))
    assert.matches("bad argument #1 to 'explain' %(bad BPF program", H.message(seccomp.explain, "abc"))
    assert.matches("bad argument #2 to 'explain' %(table expected, got number%)",
      H.message(seccomp.explain, seccomp.filter("allow"), 5))
    assert.matches("bad argument #2 to 'explain' %(unknown option 'foo'",
      H.message(seccomp.explain, seccomp.filter("allow"), { foo = 1 }))
    assert.matches("bad argument #1 to 'explain' %(filter has been released",
      H.message(seccomp.explain, (function() local g = seccomp.filter("allow") g:release() return g end)()))
    local ok, err = pcall(function() seccomp.explain(42) end)
    assert.is_false(ok)
    assert.matches("^spec/explain_bpf_spec%.lua:%d+: bad argument", err)
  end)
end)

describe("lua-seccomp explain", function()
  teardown(H.remove_files)
  local q = H.shellquote
  -- the tool's explain command with `args`: stdout, stderr, exit status
  local function tool(args) return H.cli("explain " .. args) end

  it("prints the policy a program means as a Lua policy file, or an OCI profile", function()
    local f = seccomp.load_policy("examples/policies/no-network.lua")
    local bpf = H.file_with(f:export_bpf(), ".bpf")
    local out, err, code = tool(q(bpf))
    assert.are.equal(0, code, err)
    assert.are.equal("", err)
    local path = H.file_with(out, ".lua")
    assert.are.equal("equal", seccomp.diff(seccomp.load_policy(path), f).verdict)
    assert.matches('errno%(EACCES%)", syscall = "socket", args = { "arg0 != 1" }', out)
    -- from the policy file itself, and as an OCI profile
    local out2 = tool("examples/policies/no-network.lua")
    assert.are.equal(out:gsub("^[^\n]*\n", ""), (out2:gsub("^[^\n]*\n", "")))
    local json, err3, code3 = tool("examples/policies/no-network.lua --oci")
    assert.are.equal(0, code3, err3)
    assert.are.equal("equal", seccomp.diff(seccomp.oci.filter(json), f).verdict)
  end)

  it_x86_64("lists the cells no rule can say at the end, and exits 1", function()
    local p = on_native { { LD, 0, 0, 0 }, { JEQ, 0, 1, 1000 }, { RET, 0, 0, seccomp.ACT_ALLOW },
      { RET, 0, 0, seccomp.errno("EPERM") } }
    local out, err, code = tool(q(H.file_with(p, ".bpf")))
    assert.are.equal(1, code)
    assert.matches("1 cell no rule can say", err)
    assert.matches("\n%-%-   x86_64  syscall 1000%(0, 0, 0, 0, 0, 0%)  allow: numbers no syscall name stands for\n", out)
    -- the policy is printed all the same, and loads
    assert.is_true(pcall(seccomp.load_policy, H.file_with(out, ".lua")))
  end)

  it("asks for --arch where the arches answer differently, and explains one with it", function()
    local f = seccomp.filter { default = "errno(EPERM)", arches = { "x86_64" }, allow = { "read", "write" } }
    f:merge(seccomp.filter { default = "errno(EPERM)", arches = { "x86" }, allow = { "read" } })
    local bpf = q(H.file_with(f:export_bpf(), ".bpf"))
    local _, err, code = tool(bpf)
    assert.are.equal(1, code)
    assert.matches("explain one with %-%-arch %(x86, x86_64%)", err)
    local out, err2, code2 = tool(bpf .. " --arch x86")
    assert.are.equal(0, code2, err2)
    assert.matches('arches = { "x86" }', out)
    assert.matches('allow = {\n    "read",\n  }', out)
  end)

  it("refuses what it cannot run, with status 2", function()
    H.refused("explain ", 2, "explain: a program is missing")
    H.refused("explain a.bpf --arch nosucharch", 2, "%-%-arch: ")
  end)
end)
