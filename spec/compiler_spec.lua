-- The compiler attribute and the module's own BPF compiler, on the filters
-- the examples build: both programs verify, so outside the cells where
-- rules of different actions overlap they give the same answers (each
-- gives the one action the rules allow there).
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

  it("gives the most restrictive action where rules overlap, the earlier rule between two of one kind", function()
    local f = seccomp.filter("allow")
    f:set_attr("compiler", "binding")
    f:add_rule("errno(2)", "getppid", { 0, ">", 5 })
    f:add_rule("errno(1)", "getppid", { 0, ">", 3 })
    f:add_rule("trap", "getppid", { 1, "==", 7 })
    assert.are.equal(seccomp.errno(2), f:simulate("getppid", { 9 }))
    assert.are.equal(seccomp.errno(1), f:simulate("getppid", { 4 }))
    assert.are.equal(seccomp.ACT_TRAP, f:simulate("getppid", { 9, 7 }))
    assert.are.equal(seccomp.ACT_ALLOW, f:simulate("getppid", { 1 }))
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
