-- Rules mean what they say: the rule ledger, f:verify(), and the fail-closed
-- checks in load, spawn and export_bpf.  The differential part has its own
-- evaluator of the rule semantics, written here and not taken from the core.
local seccomp = require "seccomp"
local H = require "helper"

local A = seccomp.action_name
local NATIVE = seccomp.arch_name(seccomp.native_arch())
local EPERM, ENOENT = seccomp.errno("EPERM"), seccomp.errno("ENOENT")

-- The probe: makes one raw system call with the given arguments.
local PROBE
local function probe_build()
  if PROBE then return PROBE end
  local out = os.tmpname()
  assert(os.execute(("env -u LD_PRELOAD cc -O1 -static -o %s spec/support/probe.c"):format(H.shellquote(out))), "cc spec/support/probe.c")
  PROBE = out
  return out
end

local function hex(v) return ("0x%x"):format(v) end

-- Run the probe under f (spawn, verify off as set by the caller): "result errno".
local function probe_under(f, nr, args)
  local argv = { probe_build(), tostring(nr) }
  for i = 1, 6 do argv[#argv + 1] = hex(args[i] or 0) end
  local out = assert(io.tmpfile())
  local child = f:spawn(argv, { stdout = out })
  local ok, how, code = child:wait()
  assert.are.same({ true, "exit", 0 }, { ok, how, code })
  out:seek("set")
  local r, e = out:read("a"):match("^(%-?%d+) (%d+)")
  out:close()
  return tonumber(r), tonumber(e)
end

-- The two rule sets of the issue, both wrong in libseccomp 2.5.4 .. 2.6.1.
local function example1()
  return H.example1("libseccomp")
end

local function example2()
  local f = seccomp.filter("allow")
  f:set_attr("compiler", "libseccomp")
  f:add_rule("errno(EPERM)", "read", { 0, "<=", 7 }, { 1, "==", 1 })
  f:add_rule("errno(ENOENT)", "read", { 0, ">=", 1 })
  f:add_rule("errno(ESRCH)", "read", { 1, "&=", 0xff, 1 })
  return f
end

describe("the rule ledger", function()
  it("lists every rule as given, in order", function()
    local f = seccomp.filter("allow")
    f:add_rule("errno(EPERM)", "openat", "arg2 & 3 == 1")
    f:add_rule_exact("kill", "ptrace")
    f:add_rule("errno(1)", seccomp.syscall("getppid"), { 0, ">", -1 })
    local r = f:rules()
    assert.are.equal(3, #r)
    assert.are.same({ action = EPERM, syscall = "openat", args = { { 2, "&=", 3, 1 } }, exact = false,
      arches = { NATIVE } }, r[1])
    assert.are.same({ action = seccomp.ACT_KILL_THREAD, syscall = "ptrace", args = {}, exact = true,
      arches = { NATIVE } }, r[2])
    assert.are.equal(seccomp.syscall("getppid"), r[3].syscall)
    assert.are.same({ { 0, ">", -1 } }, r[3].args)
  end)

  it("is emptied by reset and keeps its arches through merge", function()
    local f = seccomp.filter("allow")
    f:add_rule("errno(EPERM)", "ptrace")
    f:reset()
    assert.are.same({}, f:rules())
    if not seccomp.arch("x86") then return pending("no x86 arch in this libseccomp") end
    f:add_rule("errno(EPERM)", "ptrace")
    local g = seccomp.filter("allow")
    g:remove_arch("native")
    g:add_arch("x86")
    g:add_rule("errno(EACCES)", "getppid")
    f:merge(g)
    local r = f:rules()
    assert.are.same({ NATIVE }, r[1].arches)
    assert.are.same({ "x86" }, r[2].arches)
    assert.is_true((f:verify()))
    assert.are.equal(seccomp.errno("EACCES"), f:simulate("getppid", nil, "x86"))
    assert.are.equal(seccomp.ACT_ALLOW, f:simulate("getppid"))
  end)

  it("gives an arch added after the rules every rule (libseccomp alone does not)", function()
    if not seccomp.arch("x86") then return pending("no x86 arch in this libseccomp") end
    local f = seccomp.filter("allow")
    f:add_rule("errno(EPERM)", "ptrace")
    f:add_arch("x86")
    assert.are.equal(EPERM, f:simulate("ptrace", nil, "x86"))
    assert.is_true((f:verify()))
    f:remove_arch("x86")
    assert.are.same({ NATIVE }, f:rules()[1].arches)
  end)

  H.gated(it, pending, H.feature("transactions"))("forgets a rejected transaction's rules (libseccomp >= 2.6)", function()
    local f = seccomp.filter("allow")
    f:add_rule("errno(EPERM)", "ptrace")
    assert.has_error(function()
      f:transaction(function(t) t:add_rule("errno(EPERM)", "getppid"); error("no") end)
    end)
    assert.are.equal(1, #f:rules())
    f:transaction(function(t) t:add_rule("errno(EPERM)", "getppid") end)
    assert.are.equal(2, #f:rules())
  end)

  it("names a policy rule's location", function()
    local f = seccomp.filter{ default = "allow", allow = {},
      rules = { { action = "errno(EPERM)", syscall = "ptrace" }, { "errno(1)", "getppid", { 0, ">", 1 } } } }
    local r = f:rules()
    assert.are.equal("rules[1]", r[1].origin)
    assert.are.equal("rules[2]", r[2].origin)
    assert.are.equal("getppid", r[2].syscall)
  end)
end)

describe("verify", function()
  it("finds the first example of the issue: 0x300000000 satisfies only the first rule", function()
    local f = example1()
    local ok, report = f:verify()
    assert.is_false(ok)
    assert.is_true(report.exhaustive)
    assert.is_true(report.vectors > 0)
    local seen = false
    for _, c in ipairs(report) do
      assert.are.equal("getppid", c.syscall)
      if c.args[1] == 0x300000000 then
        seen = true
        assert.are.equal("allow", A(c.got))
        assert.are.same({ EPERM }, c.expected)
        assert.are.same({ 1 }, c.rules)
      end
    end
    assert.is_true(seen, "the counterexample arg0 = 0x300000000")
  end)

  it("finds the second example of the issue", function()
    local f = example2()
    local ok, report = f:verify()
    assert.is_false(ok)
    -- libseccomp's program answers read(5, 0, 0) with allow; only the ENOENT rule matches
    assert.are.equal("allow", A(f:simulate("read", { 5, 0, 0 })))
    assert.are.equal(ENOENT, f:simulate("read", { 0, 2, 0 }))
    assert.is_true(report.total >= #report and #report >= 1)
  end)

  it("accepts a right program, and says how many vectors it ran", function()
    local f = seccomp.filter("kill")
    f:add_rule("allow", "read", { 0, "==", 0 })
    f:add_rule("allow", "write", { 0, "<=", 2 }, { 2, "<", 4096 })
    f:add_rule("errno(EPERM)", "openat", { 2, "&=", 3, 1 })
    local ok, report = f:verify()
    assert.is_true(ok)
    assert.is_true(report.exhaustive)
    assert.is_true(report.vectors > 300, tostring(report.vectors))
    assert.are.same({}, report.unplaced)
  end)

  it("reports a rule that lands on none of the filter's arches", function()
    local f = seccomp.filter("allow")
    if seccomp.syscall("socketcall") then return pending("the native arch has socketcall") end
    f:add_rule("errno(EPERM)", "socketcall")
    local ok, report = f:verify()
    assert.is_true(ok)
    assert.are.same({ 1 }, report.unplaced)
  end)

  it("checks its options", function()
    local f = seccomp.filter("allow")
    assert.matches("unknown option 'budge'", H.message(f.verify, f, { budge = 1 }))
    assert.matches("opts.budget must be a positive integer", H.message(f.verify, f, { budget = 0 }))
    assert.matches("opts.seed must be an integer", H.message(f.verify, f, { seed = "1" }))
  end)

  it("still tries every value of a lone argument when the budget is tiny", function()
    local ok, report = example1():verify({ budget = 1 })
    assert.is_false(ok)
    assert.is_false(report.exhaustive)
  end)

  it("samples when the product is over the budget, and says so", function()
    local f = seccomp.filter("allow")
    f:add_rule("errno(EPERM)", "getppid", { 0, ">", 5 }, { 1, "<", 9 }, { 2, "!=", 7 }, { 3, ">=", 1 })
    local ok, report = f:verify({ budget = 1000, seed = 42 })
    assert.is_true(ok)
    assert.is_false(report.exhaustive)
  end)
end)

describe("fail closed", function()
  it("export_bpf raises the error object with the counterexample", function()
    local err = H.raises(function() return example1():export_bpf() end)
    assert.are.equal("export_bpf", err.op)
    assert.are.equal("getppid", err.counterexample.syscall)
    local v = seccomp.version()
    assert.matches("the program libseccomp " .. v .. "%.%d+%.%d+ generated contradicts the rules: getppid%(", err.message)
    assert.matches("returns allow, but rule #1 %(errno%(EPERM%)%) matches it", err.message)
  end)

  it("load raises in a child, which stays unfiltered", function()
    local out, ok, how, code = H.child([[
      local seccomp = require "seccomp"
      local f = seccomp.filter("allow")
      f:set_attr("compiler", "libseccomp")
      f:add_rule("errno(1)", "getppid", { 0, ">", 0x200000000 })
      f:add_rule("errno(2)", "getppid", { 0, "<", 0x300000000 })
      local ok, err = pcall(f.load, f)
      print(ok, err.op, err.counterexample and err.counterexample.syscall)
      print(io.open("/dev/null") ~= nil)
    ]])
    assert.are.same({ true, "exit", 0 }, { ok, how, code })
    assert.are.equal("false\tload\tgetppid\ntrue\n", out)
  end)

  it("spawn raises and runs nothing", function()
    local err = H.raises(function() return example2():spawn({ "true" }) end)
    assert.are.equal("spawn", err.op)
    assert.are.equal("read", err.counterexample.syscall)
  end)

  -- These two document the library bug: they fail the day libseccomp
  -- compiles the examples right (then drop them, and say so in the README).
  -- the kernel runs the program: not under valgrind, which does not emulate seccomp(2)
  local kernel_it = H.gated(it, pending, H.all(H.NOT_VALGRIND, H.CC))
  kernel_it("with verify = false, loads the first example and the kernel lets the denied call through", function()
    local f = example1()
    f:set_attr("verify", false)
    local r, e = probe_under(f, seccomp.syscall("getppid"), { 0x300000000 })
    assert.are.equal(0, e)
    assert.is_true(r > 0, "getppid ran: " .. r)
    local _, e2 = probe_under(f, seccomp.syscall("getppid"), { 0x250000000 })
    assert.is_true(e2 == 1 or e2 == 2, "the overlap gets one of the two errnos")
  end)

  kernel_it("with verify = false, loads the second example and the kernel answers wrong twice", function()
    local f = example2()
    f:set_attr("verify", false)
    local _, e = probe_under(f, seccomp.syscall("read"), { 5, 0, 0 })
    assert.are.equal(9, e) -- EBADF: read ran, where the ENOENT rule matches
    local _, e2 = probe_under(f, seccomp.syscall("read"), { 0, 2, 0 })
    assert.are.equal(2, e2) -- ENOENT, where no rule matches and the default allows
  end)
end)

-- The differential part: random rule sets through the module, judged by
-- this file's own evaluator.  DIFF hands its set generator to the next part.
local DIFF = {}
describe("verify against an independent evaluator", function()
  local OPS = { "==", "!=", "<", "<=", ">", ">=", "&=" }
  local SMALL = { 0, 1, 2, 3, 7, 0xff, 0x100, 0x7fffffff, 0x80000000, 0xffffffff }
  local BIG = { 0x100000000, 0x200000000, 0x300000000, 0xffffffff00000000, -1, -2, 0x7fffffffffffffff,
    0x8000000000000000, 0x1ffffffff }

  local function u_lt(a, b) return math.ult(a, b) end
  local function holds(c, v)
    local op, a, b = c[2], c[3], c[4]
    if op == "==" then return v == a
    elseif op == "!=" then return v ~= a
    elseif op == "<" then return u_lt(v, a)
    elseif op == "<=" then return v == a or u_lt(v, a)
    elseif op == ">" then return u_lt(a, v)
    elseif op == ">=" then return v == a or u_lt(a, v)
    else return (v & a) == (b & a) end
  end
  -- the actions a call may get: any action of a matching rule, or the default
  local function expected(set, args)
    local acts = {}
    for _, r in ipairs(set.rules) do
      local ok = true
      for _, c in ipairs(r.conds) do
        if not holds(c, args[c[1] + 1]) then ok = false break end
      end
      if ok then acts[r.action] = true end
    end
    if next(acts) == nil then acts[set.default] = true end
    return acts
  end
  local function rank(a) -- lower is more restrictive (the kernel's order)
    a = a & 0xffff0000
    return a >= 0x80000000 and a - 0x100000000 or a
  end

  local function random_value()
    local v = math.random(2) == 1 and SMALL[math.random(#SMALL)] or BIG[math.random(#BIG)]
    local d = math.random(5)
    if d == 1 then v = v - 1 elseif d == 2 then v = v + 1 end
    return v
  end

  local function random_set()
    local set = { rules = {} }
    local deny_default = math.random(2) == 1
    set.default = deny_default and seccomp.ACT_TRAP or seccomp.ACT_ALLOW
    local actions = deny_default and { seccomp.ACT_ALLOW, seccomp.errno(1), seccomp.errno(2) }
      or { seccomp.errno(1), seccomp.errno(2), seccomp.errno(3), seccomp.ACT_KILL_THREAD }
    local nargs = math.random(1, 6)
    local multi = false
    for _ = 1, math.random(2, 4) do
      local r = { action = actions[math.random(#actions)], conds = {} }
      -- libseccomp hangs on some pairs of multi-condition rules: one per set
      local ncond = multi and 1 or math.random(1, math.min(3, nargs))
      multi = multi or ncond > 1
      local used = {}
      for _ = 1, ncond do
        local arg
        repeat arg = math.random(0, nargs - 1) until not used[arg]
        used[arg] = true
        local op = OPS[math.random(#OPS)]
        local c = { arg, op, random_value() }
        if op == "&=" then
          c[3] = ({ 0xff, 3, 0xffffffff, 0xffffffff00000000, -1, 0x100000001 })[math.random(6)]
          c[4] = random_value()
        end
        r.conds[#r.conds + 1] = c
      end
      set.rules[#set.rules + 1] = r
    end
    return set
  end

  -- this file's own vectors: per tested argument, every datum and its
  -- neighbours word by word, 0 and all ones; masked witnesses by sampling
  local function vectors(set)
    local per = {}
    for _, r in ipairs(set.rules) do
      for _, c in ipairs(r.conds) do
        local vs = per[c[1]] or { 0, -1, 0xffffffff, 0x100000000 }
        per[c[1]] = vs
        local d = c[2] == "&=" and (c[4] & c[3]) or c[3]
        local hi, lo = d >> 32, d & 0xffffffff
        for dh = -1, 1 do
          for dl = -1, 1 do
            vs[#vs + 1] = (((hi + dh) & 0xffffffff) << 32) | ((lo + dl) & 0xffffffff)
          end
        end
        if c[2] == "&=" then
          for _ = 1, 4 do vs[#vs + 1] = (c[4] & c[3]) | (math.random(0, 0x7fffffff) * 0x100000001 & ~c[3]) end
        end
      end
    end
    local args, list = {}, {}
    for a in pairs(per) do args[#args + 1] = a end
    table.sort(args)
    local function rec(i, cur)
      if #list >= 1500 then return end
      if i > #args then
        local v = { 0, 0, 0, 0, 0, 0 }
        for k, a in ipairs(args) do v[a + 1] = cur[k] end
        list[#list + 1] = v
        return
      end
      for _, x in ipairs(per[args[i]]) do
        cur[i] = x
        rec(i + 1, cur)
      end
    end
    rec(1, {})
    return list
  end

  DIFF.random_set, DIFF.vectors = random_set, vectors
  local SETS = tonumber(os.getenv("VERIFY_SETS")) or 2000
  local SEED = tonumber(os.getenv("VERIFY_SEED")) or 20261129

  it(("finds every set libseccomp gets wrong, with no false counterexample (%d sets, seed %d)")
    :format(SETS, SEED), function()
    math.randomseed(SEED)
    local sets_wrong, vec_total, vec_wrong, fail_open, misses, sampled = 0, 0, 0, 0, 0, 0
    local auto_wrong, binding_wrong, switched = 0, 0, 0
    for n = 1, SETS do
      local set = random_set()
      local f = seccomp.filter(set.default)
      f:set_attr("compiler", "libseccomp")
      local kept = {}
      for _, r in ipairs(set.rules) do
        -- libseccomp refuses some pairs (EEXIST: the same conditions with
        -- another action); the set is what it accepted
        if pcall(f.add_rule, f, r.action, "getppid", table.unpack(r.conds)) then kept[#kept + 1] = r end
      end
      set.rules = kept
      local wrong = false
      for _, v in ipairs(vectors(set)) do
        vec_total = vec_total + 1
        local got = f:simulate("getppid", v)
        local exp = expected(set, v)
        if not exp[got] then
          wrong = true
          vec_wrong = vec_wrong + 1
          local less = true
          for a in pairs(exp) do if rank(got) <= rank(a) then less = false end end
          if less then fail_open = fail_open + 1 end
        end
      end
      local ok, report = f:verify({ seed = n })
      if not report.exhaustive then sampled = sampled + 1 end
      for _, c in ipairs(report) do
        -- every counterexample is real
        assert.are.equal("getppid", c.syscall, ("set %d"):format(n))
        assert.is_nil(expected(set, c.args)[c.got], ("set %d: false counterexample"):format(n))
      end
      if wrong then
        sets_wrong = sets_wrong + 1
        if report.exhaustive then
          assert.is_false(ok, ("set %d: libseccomp is wrong and verify said nothing"):format(n))
        elseif ok then
          misses = misses + 1
        end
      end
      -- the default compiler ("auto") and the module's own: no wrong vector;
      -- under "binding" an overlap gets the most restrictive action (the
      -- earlier rule between two of one kind)
      local fa, fb = seccomp.filter(set.default), seccomp.filter(set.default)
      fb:set_attr("compiler", "binding")
      for _, r in ipairs(set.rules) do
        fa:add_rule(r.action, "getppid", table.unpack(r.conds))
        fb:add_rule(r.action, "getppid", table.unpack(r.conds))
      end
      for _, v in ipairs(vectors(set)) do
        local exp = expected(set, v)
        local got = fa:simulate("getppid", v)
        if not exp[got] then auto_wrong = auto_wrong + 1 end
        local best, best_rank = nil, nil
        for _, r in ipairs(set.rules) do
          local ok = true
          for _, c in ipairs(r.conds) do
            if not holds(c, v[c[1] + 1]) then ok = false break end
          end
          if ok and (best == nil or rank(r.action) < best_rank) then best, best_rank = r.action, rank(r.action) end
        end
        if fb:simulate("getppid", v) ~= (best or set.default) then binding_wrong = binding_wrong + 1 end
      end
      assert.is_true((fa:verify()), ("set %d: auto"):format(n))
      assert.is_true((fb:verify()), ("set %d: binding"):format(n))
      if fa:get_attr("compiler_used") == "binding" then switched = switched + 1 end
      fa:release()
      fb:release()
      f:release()
    end
    print(("verify differential: under \"auto\" %d wrong vectors (%d sets took the module's program), "
      .. "under \"binding\" %d wrong vectors"):format(auto_wrong, switched, binding_wrong))
    assert.are.equal(0, auto_wrong)
    assert.are.equal(0, binding_wrong)
    print(("\nverify differential (libseccomp %s, %d sets, seed %d): %d sets wrong (%.1f %%), "
      .. "%d of %d vectors wrong, %d of them fail open; %d sampled reports, %d misses")
      :format(table.concat({ seccomp.version() }, "."), SETS, SEED, sets_wrong, 100 * sets_wrong / SETS,
        vec_wrong, vec_total, fail_open, sampled, misses))
    assert.is_true(vec_total > SETS)
  end)
end)

-- The same random sets, three ways, in every cell the spec enumerates, on
-- x86_64 and x86: (a) libseccomp's own rule database, read back from its
-- PFC text (spec/support/pfc.lua); (b) the one meaning of the rules
-- (spec/support/meaning.lua, docs/compiler.md "Overlapping rules: the one
-- meaning"); (c) libseccomp's program, through simulate.  a against b is
-- where libseccomp's database departs from the one meaning: every such
-- cell must be one of the departures docs/compiler.md lists
-- (spec/support/lsquirks.lua states them).  b against c counts
-- libseccomp's generator bugs as well; it is printed, not asserted.
describe("libseccomp's database, the one meaning and libseccomp's program", function()
  local PFC = require "support.pfc"
  local MN = require "support.meaning"
  local LQ = require "support.lsquirks"
  local SETS = tonumber(os.getenv("VERIFY_SETS")) or 2000
  local SEED = tonumber(os.getenv("VERIFY_SEED")) or 20261129
  local ARCHES = { "x86_64", "x86" }

  it(("agree but for libseccomp's listed departures (%d sets, seed %d)"):format(SETS, SEED), function()
    if not (seccomp.arch("x86") and seccomp.arch("x86_64")) then return pending("no x86 or x86_64 arch") end
    local random_set, vectors = DIFF.random_set, DIFF.vectors
    math.randomseed(SEED)
    local st = {}
    for _, arch in ipairs(ARCHES) do
      st[arch] = { cells = 0, ab = 0, bc = 0, ac = 0, why = {}, refused = 0 }
    end
    local unexplained = {}
    for n = 1, SETS do
      local set = random_set()
      local f = seccomp.filter(set.default)
      f:remove_arch("native")
      f:add_arch("x86_64")
      f:add_arch("x86")
      f:set_attr("compiler", "libseccomp")
      f:set_attr("verify", false)
      local kept = {}
      for _, r in ipairs(set.rules) do
        if pcall(f.add_rule, f, r.action, "getppid", table.unpack(r.conds)) then kept[#kept + 1] = r end
      end
      local refused = #set.rules - #kept
      set.rules = kept
      local cells = vectors(set)
      vectors(set) -- as many draws as the differential above takes, so the sets are the same
      local pfc = PFC.parse(f:export_pfc())
      local rules = f:rules()
      for _, arch in ipairs(ARCHES) do
        local s = st[arch]
        s.refused = s.refused + refused
        local nr = seccomp.syscall("getppid", arch)
        local m = MN.compile(rules, arch, set.default)
        local variants
        for _, v in ipairs(cells) do
          local a = PFC.eval(pfc, { arch = arch, nr = nr, args = v })
          local b = m(nr, v)
          local c = f:simulate(nr, v, arch)
          s.cells = s.cells + 1
          if b ~= c then s.bc = s.bc + 1 end
          if a ~= c then s.ac = s.ac + 1 end
          if a ~= b then
            s.ab = s.ab + 1
            if not variants then
              variants = {}
              for _, k in ipairs { "dropped", "hi_tie", "both", "words" } do
                variants[k] = MN.compile(rules, arch, set.default, { variant = LQ.variants[k] })
              end
            end
            local why
            for _, k in ipairs { "dropped", "hi_tie", "both", "words" } do
              if variants[k](nr, v) == a then why = k break end
            end
            if why then
              s.why[why] = (s.why[why] or 0) + 1
            else
              unexplained[#unexplained + 1] = ("set %d, %s, args %s"):format(n, arch, table.concat(v, ","))
            end
          end
        end
      end
      f:release()
    end
    print(("\nlibseccomp %s's database (a: its PFC), the one meaning (b) and its program (c), %d sets, seed %d:")
      :format(table.concat({ seccomp.version() }, "."), SETS, SEED))
    for _, arch in ipairs(ARCHES) do
      local s = st[arch]
      print(("  %s: %d cells; a = b in %d (%d differ: %d D1 dropped rule, %d W1 high-word tie, %d D1+W1, "
        .. "%d D2/W2/W3 shared test, %d unexplained); b = c in %d (%d differ); a = c in %d (%d differ)")
        :format(arch, s.cells, s.cells - s.ab, s.ab, s.why.dropped or 0, s.why.hi_tie or 0, s.why.both or 0,
          s.why.words or 0, s.ab - (s.why.dropped or 0) - (s.why.hi_tie or 0) - (s.why.both or 0) - (s.why.words or 0),
          s.cells - s.bc, s.bc, s.cells - s.ac, s.ac))
    end
    for i = 1, math.min(#unexplained, 5) do print("  unexplained: " .. unexplained[i]) end
    assert.are.same({}, { table.unpack(unexplained, 1, math.min(#unexplained, 5)) })
    assert.is_true(st.x86.cells > SETS)
  end)
end)

describe("the README's example", function()
  it("runs and shows what it says", function()
    local readme = assert(io.open("README.md")):read("a")
    local section = readme:match("## Rules mean what they say\n(.-)\n## ")
    local code = assert(section and section:match("```lua\n(.-)```"), "the example")
    local out = {}
    local env = setmetatable({ seccomp = seccomp, print = function(...)
      local t = table.pack(...)
      for i = 1, t.n do t[i] = tostring(t[i]) end
      out[#out + 1] = table.concat(t, "\t")
    end }, { __index = _G })
    assert(load(code, "README", "t", env))()
    assert.are.equal("allow", out[1])
    assert.matches("^false\ttable: ", out[2])
  end)
end)
