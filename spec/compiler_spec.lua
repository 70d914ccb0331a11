-- The compiler attribute and the module's own BPF compiler, on the filters
-- the examples build, and overlapping rules: one meaning (docs/compiler.md,
-- "Overlapping rules: the one meaning"), whichever compiler.
local seccomp = require "seccomp"
local H = require "helper"

-- the policy files among the examples (the others are scripts)
local function examples()
  return { "examples/policies/no-network.lua", "examples/policies/stdout-only.lua",
    "examples/policies/container.lua" }
end

local function insns(f) return #f:export_bpf() // 8 end

describe("the compiler attribute", function()
  it("is \"auto\" by default and names the compiler it used", function()
    local f = seccomp.filter("allow")
    assert.are.equal("auto", f:get_attr("compiler"))
    f:add_rule("errno(EPERM)", "ptrace")
    assert.are.equal("libseccomp", f:get_attr("compiler_used"))
    f:set_attr("compiler", "binding")
    assert.are.equal("binding", f:get_attr("compiler_used"))
    assert.matches("compiler must be \"auto\", \"binding\" or \"libseccomp\", got 'gcc'",
      H.method_message(f, "set_attr", "compiler", "gcc"))
    assert.matches("read%-only", H.method_message(f, "set_attr", "compiler_used", "binding"))
  end)

  it("switches to the module's program where libseccomp's is wrong, and says why export_pfc cannot follow", function()
    local f = H.example1()
    assert.are.equal("binding", f:get_attr("compiler_used"))
    assert.are.equal(seccomp.errno(1), f:simulate("getppid", { 0x300000000 }))
    assert.is_true((f:verify()))
    assert.matches("the module's own", H.method_message(f, "export_pfc"))
    -- the program that is exported is the one simulate ran
    assert.are.equal(seccomp.errno(1), seccomp.simulate_bpf(f:export_bpf(), { syscall = "getppid", args = { 0x300000000 } }))
  end)

  it("raises a clear error when a policy needs more than the kernel's 4096 instructions", function()
    local f = seccomp.filter("allow")
    f:set_attr("compiler", "binding")
    for i = 0, 1200 do f:add_rule("errno(EPERM)", "getppid", { 0, "==", i * 3 }, { 1, "!=", i }) end
    local err = H.raises(f.export_bpf, f)
    assert.are.equal("E2BIG", err.ename)
    assert.matches("kernel's limit is 4096", err.message)
  end)
end)

-- Overlapping rules on getppid (default allow): the rules, calls and the
-- answer each must get, under every compiler.
local E, ALLOW, KILL = seccomp.errno, seccomp.ACT_ALLOW, seccomp.ACT_KILL_PROCESS
local OVERLAPS = {
  { "R1: an unconditional rule erases the conditional rules before it",
    { { "errno(EACCES)", { 0, "==", 1 } }, { "errno(EPERM)" } }, { { { 1 }, E("EPERM") }, { { 2 }, E("EPERM") } } },
  { "R1: an unconditional rule decides, a later conditional one changes nothing (not even a kill)",
    { { "errno(EPERM)" }, { "kill_process", { 0, "==", 1 } } }, { { { 1 }, E("EPERM") }, { { 2 }, E("EPERM") } } },
  { "R2: bounds grade, the tighter first (libseccomp's 43-sim-a2_order)",
    { { "errno(5)", { 2, ">", 128 } }, { "errno(6)", { 2, ">", 256 } } },
    { { { 0, 0, 257 }, E(6) }, { { 0, 0, 200 }, E(5) }, { { 0, 0, 100 }, ALLOW } } },
  { "R2: < bounds ascending",
    { { "errno(5)", { 2, "<", 128 } }, { "errno(6)", { 2, "<", 256 } } },
    { { { 0, 0, 65 }, E(5) }, { { 0, 0, 200 }, E(6) } } },
  { "R2: the higher argument first, whatever the actions",
    { { "errno(1)", { 1, ">", 5 } }, { "kill_process", { 0, "==", 3 } } },
    { { { 3, 9 }, E(1) }, { { 3, 1 }, KILL } } },
  { "R2: ==, != and &= before < and <=, before > and >=",
    { { "errno(1)", { 0, ">", 5 } }, { "errno(2)", { 0, "<", 10 } }, { "errno(3)", { 0, "==", 7 } } },
    { { { 7 }, E(3) }, { { 8 }, E(2) }, { { 11 }, E(1) } } },
  { "R2: equal keys, the first added first",
    { { "errno(1)", { 0, "<", 5 } }, { "errno(2)", { 0, "<=", 5 } } },
    { { { 3 }, E(1) }, { { 5 }, E(2) }, { { 6 }, ALLOW } } },
  { "R2: a rule whose conditions begin another's covers it",
    { { "errno(1)", { 0, "==", 1 } }, { "kill_process", { 0, "==", 1 }, { 1, "==", 2 } } },
    { { { 1, 2 }, E(1) } } },
}

local function overlap_filter(case, compiler)
  local f = seccomp.filter("allow")
  f:set_attr("compiler", compiler)
  for _, r in ipairs(case[2]) do f:add_rule(r[1], "getppid", table.unpack(r, 2)) end
  return f
end

describe("overlapping rules: one meaning, whichever compiler", function()
  local KP = H.feature("kill_process")
  for _, case in ipairs(OVERLAPS) do
    local uses_kp = false
    for _, r in ipairs(case[2]) do uses_kp = uses_kp or r[1] == "kill_process" end
    H.gated(it, pending, uses_kp and KP or { ok = true })(case[1], function()
      for _, compiler in ipairs { "libseccomp", "binding", "auto" } do
        local f = overlap_filter(case, compiler)
        for _, call in ipairs(case[3]) do
          assert.are.equal(seccomp.action_name(call[2]), seccomp.action_name(f:simulate("getppid", call[1])),
            ("%s: getppid(%s)"):format(compiler, table.concat(call[1], ", ")))
        end
        local ok, report = f:verify()
        assert.is_true(ok, compiler)
        assert.is_true(report.exhaustive, compiler)
        assert.are.equal(compiler == "binding" and "binding" or "libseccomp", f:get_attr("compiler_used"))
      end
    end)
  end

  H.gated(it, pending, H.all(H.gate(H.support_program("probe")), H.NOT_VALGRIND))(
    "are what the kernel answers: the higher argument first, an unconditional rule first", function()
    local probe = H.support_program("probe")
    local nr = seccomp.syscall("getppid")
    for _, compiler in ipairs { "libseccomp", "binding", "auto" } do
      for _, k in ipairs { 2, 5 } do
        local case = OVERLAPS[k]
        for _, call in ipairs(case[3]) do
          local f = overlap_filter(case, compiler)
          local argv = { probe, tostring(nr) }
          for i = 1, 6 do argv[#argv + 1] = tostring(call[1][i] or 0) end
          local out = io.tmpfile()
          local child = f:spawn(argv, { stdout = out })
          local got = { child:wait() }
          local want = call[2]
          local what = ("%s, %s: getppid(%s)"):format(compiler, case[1], table.concat(call[1], ", "))
          if want == KILL then
            assert.are.same({ nil, "signal", H.SIGSYS, "SIGSYS" }, got, what)
          else
            assert.are.same({ true, "exit", 0 }, got, what)
            local e = tonumber(H.contents(out):match("^%-?%d+ (%d+)"))
            assert.are.equal(seccomp.action_name(want), seccomp.action_name(e == 0 and ALLOW or seccomp.errno(e)), what)
          end
          out:close()
        end
      end
    end
  end)

  it("R3: libseccomp's refusals, under every compiler, and for a rule libseccomp never sees", function()
    for _, compiler in ipairs { "libseccomp", "binding", "auto" } do
      local f = seccomp.filter("allow")
      f:set_attr("compiler", compiler)
      f:add_rule("errno(1)", "getppid", { 0, "==", 1 }, { 1, "==", 2 })
      -- the same conditions with another action
      assert.are.equal("EEXIST", H.raises(f.add_rule, f, "errno(2)", "getppid", { 1, "==", 2 }, { 0, "==", 1 }).ename)
      -- a shorter rule after a longer one, with another action
      assert.are.equal("EEXIST", H.raises(f.add_rule, f, "errno(2)", "getppid", { 0, "==", 1 }).ename)
      -- the same rule again, and a shorter one of the same action: accepted
      f:add_rule("errno(1)", "getppid", { 0, "==", 1 }, { 1, "==", 2 })
      f:add_rule("errno(1)", "getppid", { 0, "==", 1 })
      -- a longer rule after a shorter one: accepted, and covered
      f:add_rule("errno(3)", "getppid", { 0, "==", 1 }, { 2, "==", 3 })
      assert.are.equal(seccomp.errno(1), f:simulate("getppid", { 1, 0, 3 }))
      assert.are.equal(4, #f:rules())
    end
    -- rules held back from libseccomp (it would never return from them):
    -- the module refuses what libseccomp would, both ways
    local g = seccomp.filter("allow")
    g:add_rule("errno(13)", "write", { 0, ">", 2 }, { 2, "<=", 256 })
    g:add_rule("errno(1)", "write", { 0, ">", 2 }, { 2, "&=", 3, 0 }) -- held back
    assert.are.equal("binding", g:get_attr("compiler_used"))
    assert.are.equal("EEXIST", H.raises(g.add_rule, g, "errno(2)", "write", { 0, ">", 2 }).ename)
    assert.are.equal("EEXIST", H.raises(g.add_rule, g, "errno(2)", "write", { 2, "&=", 3, 0 }, { 0, ">", 2 }).ename)
    g:add_rule("errno(1)", "write", { 0, ">", 2 }, { 2, "&=", 3, 0 }, { 4, "==", 1 })
    assert.are.equal(3, #g:rules())
    -- after an unconditional rule nothing is refused (R1)
    g:add_rule("errno(7)", "write")
    g:add_rule("errno(2)", "write", { 0, ">", 2 })
    assert.are.equal(seccomp.errno(7), g:simulate("write", { 3, 0, 4 }))
    assert.is_true((g:verify()))
  end)

  it("on x86 too, where the high word is cut first: a mask with no low bits makes a rule unconditional", function()
    if not seccomp.arch("x86") then return pending("no x86 arch in this libseccomp") end
    for _, compiler in ipairs { "libseccomp", "binding", "auto" } do
      local f = seccomp.filter("allow")
      f:add_arch("x86")
      f:set_attr("compiler", compiler)
      f:add_rule("errno(1)", "getppid", { 0, "==", 5 })
      f:add_rule("errno(2)", "getppid", { 1, "&=", 0x100000000, 0x100000000 })
      -- x86_64: the higher argument first; x86: the second rule has no condition left (R1)
      assert.are.equal(seccomp.errno(2), f:simulate("getppid", { 5, 0x100000000 }, "x86_64"), compiler)
      assert.are.equal(seccomp.errno(1), f:simulate("getppid", { 5, 0 }, "x86_64"), compiler)
      assert.are.equal(seccomp.errno(2), f:simulate("getppid", { 5, 0 }, "x86"), compiler)
      assert.is_true((f:verify()), compiler)
    end
  end)
end)

describe("the examples under both compilers", function()
  for _, path in ipairs(examples()) do
    it(path .. ": the module's program verifies; where libseccomp's does too, both agree", function()
      local b = seccomp.load_policy(path)
      b:set_attr("compiler", "binding")
      local ok, report = b:verify()
      assert.is_true(ok, path)
      local l = seccomp.load_policy(path)
      l:set_attr("compiler", "libseccomp")
      local lok = l:verify()
      l:set_attr("verify", false) -- its length is measured either way
      if lok then
        -- one action per cell outside overlaps: the same answers, and a
        -- program of at most 1.1 times libseccomp's length
        assert.is_true(insns(b) <= math.max(insns(l) * 1.1, insns(l) + 8),
          ("%s: %d instructions against libseccomp's %d"):format(path, insns(b), insns(l)))
      end
      local d = seccomp.load_policy(path) -- the default: auto
      assert.are.equal(lok and "libseccomp" or "binding", d:get_attr("compiler_used"))
      print(("\n%s: binding %d instructions (%d vectors), libseccomp %d (%s)"):format(path, insns(b),
        report.vectors, insns(l), lok and "verifies" or "does not verify"))
    end)
  end

  it("keeps the container profile under the kernel's limit", function()
    local f = seccomp.load_policy("examples/policies/container.lua")
    f:set_attr("compiler", "binding")
    assert.is_true(insns(f) < 4096)
  end)
end)

describe("libseccomp's endless loop in rule_add", function()
  -- in a child under timeout(1): were the guard to miss, the spec would fail, not hang
  local function in_child(code)
    local path = H.file_with(("package.path = %q\npackage.cpath = %q\n"):format(package.path, package.cpath) .. code)
    local p = assert(io.popen("ASAN_OPTIONS=detect_leaks=0 timeout -s KILL 30 " .. H.lua .. " " .. path .. " 2>&1"))
    local out = p:read("a")
    local ok, how, code_ = p:close()
    os.remove(path)
    return out, ok, how, code_
  end

  it("is never entered: the rule is compiled by the module under \"auto\"", function()
    local out, ok, how, code = in_child([[
      local seccomp = require "seccomp"
      local f = seccomp.filter("allow")
      f:add_rule("errno(13)", "write", { 0, ">", 2 }, { 2, "<=", 256 })
      f:add_rule("errno(1)", "write", { 0, ">", 2 }, { 2, "&=", 3, 0 })
      print(f:get_attr("compiler_used"), (f:verify()), #f:rules())
      print(seccomp.action_name(f:simulate("write", { 3, 0, 5 })), seccomp.action_name(f:simulate("write", { 3, 0, 260 })))
      print(pcall(f.export_pfc, f))
    ]])
    assert.are.same({ true, "exit", 0 }, { ok, how, code }, out)
    local lines = {}
    for l in out:gmatch("[^\n]+") do lines[#lines + 1] = l end
    assert.are.equal("binding\ttrue\t2", lines[1])
    assert.are.equal("errno(EACCES)\terrno(EPERM)", lines[2])
    assert.matches("^false\t.*the module's own", lines[3])
  end)

  it("raises a clear error under \"libseccomp\", and keeps the checks libseccomp would make", function()
    local f = seccomp.filter("allow")
    f:set_attr("compiler", "libseccomp")
    f:add_rule("errno(13)", "write", { 0, ">", 2 }, { 2, "<=", 256 })
    local err = H.raises(f.add_rule, f, "errno(1)", "write", { 0, ">", 2 }, { 2, "&=", 3, 0 })
    assert.are.equal("EDEADLK", err.ename)
    assert.matches("would never return", err.message)
    assert.are.equal(1, #f:rules())
    local g = seccomp.filter("allow")
    g:add_rule("errno(13)", "write", { 0, ">", 2 }, { 2, "<=", 256 })
    assert.are.equal("EACCES", H.raises(g.add_rule, g, "allow", "write", { 0, ">", 2 }, { 2, "&=", 3, 0 }).ename)
    g:add_rule("errno(1)", "write", { 0, ">", 2 }, { 2, "&=", 3, 0 })
    assert.are.equal("EEXIST", H.raises(g.add_rule, g, "errno(2)", "write", { 2, "&=", 3, 0 }, { 0, ">", 2 }).ename)
    assert.matches("would never return from %(held back from it%)", H.method_message(g, "set_attr", "compiler", "libseccomp"))
  end)
end)
