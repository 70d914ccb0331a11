-- The filter userdata: every method, its error paths, and that bad input
-- leaves a filter exactly as it was.
local seccomp = require "seccomp"
local H = require "helper"

local function snapshot(f)
  return f:export_pfc() .. "\n--\n" .. f:export_bpf()
end

describe("seccomp.filter", function()
  it("creates filters from any action form", function()
    local actions = { "allow", "kill", "errno(EPERM)", seccomp.ACT_TRAP, "trace(1)" }
    if seccomp.supports("log") then actions[#actions + 1] = "SCMP_ACT_LOG" end
    if seccomp.supports("kill_process") then actions[#actions + 1] = "kill_process" end
    for _, a in ipairs(actions) do
      local f = seccomp.filter(a)
      assert.are.equal(seccomp.parse("action", a), f:get_attr("default_action"))
      assert.is_true(f:is_valid())
      f:release()
    end
  end)

  it("rejects a bad default action, naming it", function()
    assert.matches("bad argument #1 to '[%w.]*filter' %(unknown action 'alow' %(did you mean 'allow'%?%)%)", H.message(seccomp.filter, "alow"))
    assert.matches("action name or number expected, got no value", H.message(seccomp.filter))
  end)

  describe("add_rule", function()
    it("adds rules by name or number and chains", function()
      local f = seccomp.filter("allow")
      assert.are.equal(f, f:add_rule("errno(EPERM)", "read"):add_rule("trap", seccomp.syscall("write")))
      local pfc = f:export_pfc()
      assert.matches('syscall "read"', pfc)
      assert.matches("action ERRNO%(1%);", pfc)
      assert.matches('syscall "write"', pfc)
      assert.matches("action TRAP;", pfc)
    end)

    it("accepts a syscall the native arch lacks (libseccomp places it on arches that have it)", function()
      local f = seccomp.filter("allow")
      f:add_arch("x86")
      f:add_rule("errno(EPERM)", "socketcall")
      assert.matches('syscall "socketcall"', f:export_pfc())
    end)

    it("accepts the same rule twice", function()
      local f = seccomp.filter("allow")
      f:add_rule("errno(EPERM)", "read")
      assert.has_no.errors(function() f:add_rule("errno(EPERM)", "read") end)
    end)

    it("refuses a rule whose action is the default, in plain words", function()
      local f = seccomp.filter("errno(EPERM)")
      local e = H.raises(f.add_rule, f, "errno(1)", "read")
      assert.are.equal("add_rule", e.op)
      assert.are.equal("EACCES", e.ename)
      assert.are.equal(13, e.errno)
      assert.matches("is the filter's default action", e.message)
      assert.matches("^spec/helper%.lua:%d+$", e.where) -- H.raises' pcall: the caller
      assert.are.equal(e.where .. ": seccomp.add_rule: " .. e.message .. " (EACCES)", tostring(e))
    end)

    it("add_rule_exact refuses a call that needs rewriting, in plain words", function()
      local f = seccomp.filter("allow")
      f:add_arch("x86")
      local e = H.raises(f.add_rule_exact, f, "errno(EPERM)", "socketcall")
      assert.are.equal("add_rule_exact", e.op)
      assert.matches("syscall 'socketcall' cannot be added exactly", e.message)
      local g = seccomp.filter("allow")
      e = H.raises(g.add_rule_exact, g, "errno(EPERM)", "socketcall") -- not on x86_64 at all
      assert.matches("syscall 'socketcall' cannot be added exactly", e.message)
      assert.are.equal(g, g:add_rule_exact("errno(EPERM)", "read", "arg0 == 0"))
      assert.matches('syscall "read"', g:export_pfc())
    end)

    it("raises for syscall numbers libseccomp rejects", function()
      local f = seccomp.filter("allow"):add_arch("x86")
      local e = H.raises(f.add_rule, f, "errno(EPERM)", 100000)
      assert.are.equal("add_rule", e.op)
      assert.matches("100000", e.message)
    end)
  end)

  describe("bad input", function()
    local f
    before_each(function()
      f = seccomp.filter("allow")
      f:add_arch("x86")
      f:add_rule("errno(EPERM)", "read", "arg0 == 3")
    end)

    local cases = {
      { "add_rule", "unknown action 'alow'", "alow", "read" },
      { "add_rule", "unknown syscall 'opne'", "errno(EPERM)", "opne" },
      { "add_rule", "syscall name or number expected, got table", "errno(EPERM)", {} },
      { "add_rule", "bad syscall number 1.5", "errno(EPERM)", 1.5 },
      { "add_rule", "bad syscall number 4294967296", "errno(EPERM)", 1 << 32 },
      { "add_rule", "unknown operator '=<'", "errno(EPERM)", "read", { 0, "=<", 1 } },
      { "add_rule", "argument index must be 0..5, got 6", "errno(EPERM)", "read", { 6, "==", 1 } },
      { "add_rule", "must start with arg0..arg5", "errno(EPERM)", "read", "arg6 == 1" },
      { "add_rule", "too many conditions %(7%); at most 6", "errno(EPERM)", "read",
        "arg0 == 1", "arg1 == 1", "arg2 == 1", "arg3 == 1", "arg4 == 1", "arg5 == 1", "arg0 == 2" },
      { "add_rule", "a second condition on arg1", "errno(EPERM)", "read", "arg1 == 1", "arg1 == 2" },
      { "add_rule", "value must be an integer, got 1.5", "errno(EPERM)", "read", { 0, "==", 1.5 } },
      { "add_rule", "value must be an integer, got '1'", "errno(EPERM)", "read", { 0, "==", "1" } },
      { "add_rule", "errno 70000 out of range", "errno(70000)", "read" },
      { "add_rule", "condition expected", "errno(EPERM)", "read", true },
      { "add_rule_exact", "unknown syscall 'wrtie'", "errno(EPERM)", "wrtie" },
      { "set_priority", "256 out of range 0..255", "read", 256 },
      { "set_priority", "%-1 out of range 0..255", "read", -1 },
      { "set_priority", "integer expected, got '3'", "read", "3" },
      { "set_priority", "number has no integer representation: 1.5", "read", 1.5 },
      { "set_priority", "unknown syscall 'raed'", "raed", 1 },
      { "add_arch", "unknown arch 'x87'", "x87" },
      { "remove_arch", "arch name or number expected, got no value" },
      { "has_arch", "unknown arch 7", 7 },
      { "get_attr", "unknown attribute 'colour'", "colour" },
      { "set_attr", "unknown attribute 'nnpp'", "nnpp", true },
      { "set_attr", "attribute 'nnp' takes a boolean, got 1", "nnp", 1 },
      { "set_attr", "attribute 'default_action' is read%-only", "default_action", "allow" },
      { "set_attr", "unknown action 'bogus'", "badarch_action", "bogus" },
      { "reset", "unknown action 'nope'", "nope" },
      { "merge", "seccomp.filter expected, got table", {} },
      { "merge", "cannot merge a filter into itself", "SELF" },
      { "export_pfc", "file handle expected, got 'out.txt'", "out.txt" },
      { "export_bpf", "file handle expected, got 1", 1 },
    }
    if seccomp.supports("optimize") then
      cases[#cases + 1] = { "set_attr", "3 out of range 1..2", "optimize", 3 }
    end

    for _, case in ipairs(cases) do
      it(case[1] .. ": " .. case[2], function()
        local before = snapshot(f)
        local args = { table.unpack(case, 3) }
        for i, v in ipairs(args) do if v == "SELF" then args[i] = f end end
        local msg = H.method_message(f, case[1], table.unpack(args, 1, #case - 2))
        assert.matches("bad argument #%d+ to '" .. case[1] .. "'", msg)
        assert.matches(case[2], msg)
        assert.are.equal(before, snapshot(f))
      end)
    end

    it("a nil self is an argument error", function()
      assert.matches("seccomp.filter expected, got nil", H.message(f.add_rule, nil, "allow", "read"))
      assert.matches("seccomp.filter expected, got no value", H.message(f.export_pfc))
    end)

    it("a closed Lua file handle is an argument error", function()
      local fh = io.tmpfile()
      fh:close()
      local before = snapshot(f)
      assert.matches("attempt to use a closed file", H.message(f.export_pfc, f, fh))
      assert.matches("attempt to use a closed file", H.message(f.export_bpf, f, fh))
      assert.are.equal(before, snapshot(f))
    end)
  end)

  describe("priorities", function()
    it("sets a syscall's priority", function()
      local f = seccomp.filter("allow")
      f:add_rule("errno(EPERM)", "read")
      f:set_priority("read", 200)
      assert.matches("%[priority: %d+%]", f:export_pfc())
      local g = seccomp.filter("allow")
      g:add_rule("errno(EPERM)", "read")
      assert.are_not.equal(g:export_pfc(), f:export_pfc())
    end)
  end)

  describe("arches", function()
    it("adds, tests and removes arches", function()
      local f = seccomp.filter("allow")
      assert.is_true(f:has_arch("native"))
      assert.is_false(f:has_arch("aarch64"))
      assert.are.equal(f, f:add_arch("aarch64"))
      assert.is_true(f:has_arch("arm64"))
      assert.are.equal(f, f:remove_arch("native"))
      assert.is_false(f:has_arch(seccomp.native_arch()))
      assert.matches("arches aarch64%)$", tostring(f))
    end)

    it("raises in plain words for a duplicate, a missing and a wrong-endian arch", function()
      local f = seccomp.filter("allow")
      local e = H.raises(f.add_arch, f, "native")
      assert.are.equal("add_arch", e.op)
      assert.are.equal("EEXIST", e.ename)
      assert.matches("is already in the filter", e.message)
      e = H.raises(f.remove_arch, f, "arm")
      assert.are.equal("remove_arch", e.op)
      assert.matches("arch 'arm' is not in the filter", e.message)
      e = H.raises(f.add_arch, f, "s390x")
      assert.are.equal("EDOM", e.ename)
      assert.matches("byte order", e.message)
      assert.is_false(f:has_arch("s390x"))
    end)
  end)

  describe("attributes", function()
    it("reads and writes every attribute by name", function()
      local f = seccomp.filter("errno(EPERM)")
      assert.are.equal(seccomp.errno("EPERM"), f:get_attr("default_action"))
      assert.are.equal(seccomp.ACT_KILL_THREAD, f:get_attr("badarch_action"))
      f:set_attr("badarch_action", "trap")
      assert.are.equal(seccomp.ACT_TRAP, f:get_attr("badarch_action"))
      local flags = { "nnp", "tsync", "tskip", "log", "ssb", "raw_rc", "wait_kill" }
      for _, name in ipairs(flags) do
        if name == "tsync" and seccomp.api() < 2 then
          local e = H.raises(f.set_attr, f, name, true)
          assert.are.equal("EOPNOTSUPP", e.ename)
          assert.matches("libseccomp refused attribute 'tsync' = true: the library or kernel", e.message)
        elseif name == "nnp" or name == "tsync" or seccomp.supports(name) then
          f:set_attr(name, true)
          assert.is_true(f:get_attr(name), name)
          f:set_attr(name, false)
          assert.is_false(f:get_attr(name), name)
        else
          local e = H.raises(f.get_attr, f, name)
          assert.are.equal("EOPNOTSUPP", e.ename)
          assert.matches("feature '" .. name .. "' needs libseccomp", e.message)
        end
      end
      if seccomp.supports("optimize") then
        f:set_attr("optimize", 2)
        assert.are.equal(2, f:get_attr("optimize"))
      end
    end)

    it("nnp is on by default", function()
      assert.is_true(seccomp.filter("allow"):get_attr("nnp"))
    end)
  end)

  describe("reset", function()
    it("keeps the default action when given none, or takes a new one", function()
      local f = seccomp.filter("errno(EPERM)")
      f:add_rule("allow", "read")
      f:add_arch("x86")
      f:reset()
      assert.are.equal(seccomp.errno("EPERM"), f:get_attr("default_action"))
      assert.are.equal(seccomp.filter("errno(EPERM)"):export_pfc(), f:export_pfc())
      f:reset("trap")
      assert.are.equal(seccomp.ACT_TRAP, f:get_attr("default_action"))
    end)
  end)

  describe("merge", function()
    it("consumes the source on success", function()
      local a = seccomp.filter("allow"):add_rule("errno(EPERM)", "read")
      local b = seccomp.filter("allow"):remove_arch("native"):add_arch("x86")
      b:add_rule("errno(EPERM)", "write")
      assert.are.equal(a, a:merge(b))
      assert.is_false(b:is_valid())
      assert.matches("filter has been released", H.message(b.export_pfc, b))
      assert.are.equal("seccomp.filter (released)", tostring(b))
      assert.is_true(a:has_arch("x86"))
      assert.matches('syscall "write"', a:export_pfc())
      b:release() -- still harmless
    end)

    it("leaves both filters valid and unchanged when it fails", function()
      local a = seccomp.filter("allow"):add_rule("errno(EPERM)", "read")
      local b = seccomp.filter("allow"):add_rule("errno(EPERM)", "write")
      local sa, sb = snapshot(a), snapshot(b)
      local e = H.raises(a.merge, a, b)
      assert.are.equal("merge", e.op)
      assert.are.equal("EEXIST", e.ename)
      assert.matches("share an arch", e.message)
      assert.is_true(b:is_valid())
      assert.are.equal(sa, snapshot(a))
      assert.are.equal(sb, snapshot(b))
      local c = seccomp.filter("kill"):remove_arch("native"):add_arch("x86")
      e = H.raises(a.merge, a, c)
      assert.are.equal("EINVAL", e.ename)
      assert.matches("attributes differ", e.message)
      assert.is_true(c:is_valid())
    end)

    it("refuses a released source", function()
      local a, b = seccomp.filter("allow"), seccomp.filter("allow")
      b:release()
      assert.matches("filter has been released", H.message(a.merge, a, b))
    end)
  end)

  describe("export", function()
    it("returns PFC and BPF strings", function()
      local f = seccomp.filter("allow"):add_rule("errno(EPERM)", "read")
      local pfc = f:export_pfc()
      assert.matches("^#\n# pseudo filter code start", pfc)
      local bpf = f:export_bpf()
      assert.are.equal(0, #bpf % 8)
      assert.is_true(#bpf >= 8 * 5)
    end)

    it("writes the same bytes to a Lua file handle, in order with buffered writes", function()
      local f = seccomp.filter("allow"):add_rule("errno(EPERM)", "read", "arg0 == 1")
      for _, kind in ipairs { "export_pfc", "export_bpf" } do
        local fh = io.tmpfile()
        fh:write("<")
        assert.are.equal(f, f[kind](f, fh))
        fh:write(">")
        fh:seek("set")
        assert.are.equal("<" .. f[kind](f) .. ">", fh:read("a"))
        fh:close()
      end
    end)

    it("raises an error object when the fd cannot be written", function()
      local f = seccomp.filter("allow"):add_rule("errno(EPERM)", "read")
      local fh = assert(io.open("/dev/null", "r"))
      local e = H.raises(f.export_bpf, f, fh)
      fh:close()
      assert.are.equal("export_bpf", e.op)
      assert.is_true(e.errno > 0)
    end)
  end)

  describe("release", function()
    it("is idempotent and every method raises afterwards", function()
      local f = seccomp.filter("allow")
      f:release()
      f:release()
      assert.is_false(f:is_valid())
      for _, m in ipairs { "add_rule", "add_rule_exact", "set_priority", "add_arch", "remove_arch",
        "has_arch", "get_attr", "set_attr", "reset", "merge", "export_pfc", "export_bpf", "load",
        "precompute", "transaction_start", "transaction_commit", "transaction_reject" } do
        assert.matches("filter has been released", H.message(f[m], f, "allow", "read"), m)
      end
    end)

    H.gated(it, pending, H.LUA54)("closes a to-be-closed filter", function()
      assert.is_false(H.closed_filter():is_valid())
    end)

    it("has __close exactly on Lua 5.4", function()
      local mt = getmetatable(seccomp.filter("allow"))
      assert.are.equal(H.is54, mt.__close ~= nil)
      assert.is_function(mt.__gc)
    end)

    it("survives garbage collection in any state", function()
      local weak = setmetatable({}, { __mode = "v" })
      for i = 1, 200 do
        local f = seccomp.filter("allow"):add_rule("errno(EPERM)", "read")
        if i % 2 == 0 then
          f:release()
          assert.is_false(f:is_valid())
        else
          assert.is_true(f:is_valid())
        end
        weak[i] = f
      end
      collectgarbage()
      collectgarbage()
      assert.is_nil(next(weak)) -- every one collected, released or not
    end)
  end)

  describe("tostring", function()
    it("shows the default action and the arches", function()
      local f = seccomp.filter("errno(EACCES)")
      assert.are.equal("seccomp.filter (default errno(EACCES); arches " .. seccomp.arch_name(seccomp.native_arch()) .. ")", tostring(f))
    end)
  end)

  describe("precompute", function()
    H.gated(it, pending, H.without(H.feature("precompute")))("raises naming the missing feature", function()
      local f = seccomp.filter("allow")
      local e = H.raises(f.precompute, f)
      assert.are.equal("precompute", e.op)
      assert.are.equal("EOPNOTSUPP", e.ename)
      assert.matches("feature 'precompute' needs libseccomp >= 2.6.0", e.message)
    end)
  end)
end)

describe("fail closed (the filter itself)", function()
  it("merge refuses filters whose attributes differ, and leaves both as they were", function()
    local checks = { { "badarch_action", "trap", "badarch_action" }, { "verify", false, "verify" } }
    if seccomp.supports("log") then checks[#checks + 1] = { "log", true, "log" } end
    if seccomp.supports("ssb") then checks[#checks + 1] = { "ssb", true, "ssb" } end
    if seccomp.supports("optimize") then checks[#checks + 1] = { "optimize", 2, "optimize" } end
    for _, c in ipairs(checks) do
      local f, g = seccomp.filter("allow"), seccomp.filter("allow")
      g:remove_arch("native")
      g:add_arch(seccomp.native_arch() == seccomp.ARCH_X86_64 and "aarch64" or "x86_64")
      g:add_rule("errno(EPERM)", "ptrace")
      g:set_attr(c[1], c[2])
      local err = H.raises(f.merge, f, g)
      assert.are.equal("merge", err.op)
      assert.matches("'" .. c[3] .. "' attributes differ", err.message)
      assert.is_true(g:is_valid())
      assert.are.equal(1, #g:rules())
      assert.are.equal(0, #f:rules())
    end
  end)

  it("says in plain words why libseccomp refuses a second action for the same conditions", function()
    local f = seccomp.filter("allow")
    f:add_rule("errno(EPERM)", "getppid", { 0, "==", 1 })
    local err = H.raises(f.add_rule, f, "errno(EACCES)", "getppid", { 0, "==", 1 })
    assert.are.equal("EEXIST", err.ename)
    assert.matches("already has a rule with these conditions", err.message)
    assert.matches("refuses a shorter rule after a longer one", err.message)
    assert.are.equal(1, #f:rules())
  end)

  local plain_malloc = H.gate(not (os.getenv("LD_PRELOAD") or ""):find("asan", 1, true) and H.NOT_VALGRIND.ok,
    "not under ASan or valgrind (they keep freed memory, so RSS says nothing)")
  H.gated(it, pending, plain_malloc)("tells the collector what dropped filters hold, even next to a large Lua heap", function()
    local function rss()
      local h = assert(io.open("/proc/self/statm"))
      local t = h:read("a")
      h:close()
      return tonumber(t:match("%d+ (%d+)")) * 4096
    end
    -- the collector paces itself on Lua's own heap: make it large
    local ballast = {}
    for i = 1, 2000000 do ballast[i] = {} end
    collectgarbage()
    local before = rss()
    for _ = 1, 20000 do
      local f = seccomp.filter("allow")
      f:add_rule("errno(EPERM)", "read")
    end
    local grown = rss() - before
    ballast = nil
    collectgarbage()
    -- without the module's steps: about 96 MB here
    assert.is_true(grown < 50 * 2 ^ 20, ("RSS grew by %d MB"):format(grown // 2 ^ 20))
  end)

  it("refuses a rule on a number no arch knows, which would deny nothing", function()
    local f = seccomp.filter("allow")
    for _, n in ipairs({ -200, -2147483648 }) do
      local msg = H.method_message(f, "add_rule", "errno(EPERM)", n)
      assert.is_truthy(msg:find("syscall number " .. n .. " exists on no arch libseccomp knows", 1, true), msg)
    end
    assert.matches("needs set_attr%(\"tskip\", true%)", H.method_message(f, "add_rule", "errno(EPERM)", -1))
    assert.are.equal(0, #f:rules())
  end)

end)
