-- f:notes(): what the module accepted that will not do what it seems to.
-- The kinds are recorded by the parts that find them; this spec checks the
-- list itself: what it holds, and that it follows the filter through
-- reset, merge and rejected transactions.
local seccomp = require "seccomp"
local core = require "seccomp.core"
local H = require "helper"
-- cases with a kill_process rule (libseccomp's API level 3; valgrind, which
-- does not know seccomp(2), makes libseccomp read level 1)
local it_kp = H.gated(it, pending, H.feature("kill_process"))

local note = core._private.note
local it_tx = H.gated(it, pending, H.feature("transactions"))

describe("f:notes()", function()
  it("is empty for a filter with nothing to say", function()
    local f = seccomp.filter("allow")
    f:add_rule("errno(EPERM)", "read")
    assert.are.same({}, f:notes())
  end)

  it("lists the notes taken, in order, each {kind, message, origin}", function()
    local f = seccomp.filter("allow")
    note(f, "ignored_key", "key 'foo' is Podman's; ignored under docker", "profile.foo")
    f:add_rule("errno(EPERM)", "read")
    note(f, "widened", "socket's conditions cannot be checked through socketcall")
    local n = f:notes()
    assert.are.same({
      { kind = "ignored_key", message = "key 'foo' is Podman's; ignored under docker", origin = "profile.foo" },
      { kind = "widened", message = "socket's conditions cannot be checked through socketcall" },
    }, n)
    -- a copy: changing it changes nothing
    n[1].kind = "x"
    assert.are.equal("ignored_key", f:notes()[1].kind)
  end)

  it("name a rule that lands on none of the filter's arches (unplaced), with its place", function()
    local f = seccomp.filter{ default = "allow", arches = { "aarch64" },
      rules = { { "errno(1)", "open" }, { "errno(2)", "openat" } } }
    local n = f:notes()
    assert.are.equal(1, #n)
    assert.are.equal("unplaced", n[1].kind)
    assert.are.equal("rules[1]", n[1].origin)
    assert.are.equal("rule #1 (errno(EPERM) on 'open') applies on none of the filter's arches (aarch64): "
      .. "none of them has the call, so the rule does nothing", n[1].message)
    -- the same rules on x86_64, which has open: nothing to say
    local g = seccomp.filter{ default = "allow", rules = { { "errno(1)", "open" }, { "errno(2)", "openat" } } }
    assert.are.same({}, g:notes())
    -- socketcall exists on x86 only: a rule on it in an x86_64 filter does nothing
    local h = seccomp.filter("allow")
    h:add_rule("errno(EPERM)", "socketcall")
    assert.are.same({ { kind = "unplaced", message = "rule #1 (errno(EPERM) on 'socketcall') applies on none of "
      .. "the filter's arches (x86_64): none of them has the call, so the rule does nothing" } }, h:notes())
    h:add_arch("x86")
    assert.are.same({}, h:notes())
  end)

  describe("of kind 'defaulted'", function()
    local function note_list(f)
      local t = {}
      for i, n in ipairs(f:notes()) do t[i] = (n.origin and n.origin .. ": " or "") .. n.message end
      return t
    end

    it("name a bare 'errno' or 'trace' in add_rule, in a filter's default action and in reset", function()
      local f = seccomp.filter("allow")
      f:add_rule("errno", "getppid")
      f:add_rule("TRACE", "getpid")
      f:add_rule("errno(EPERM)", "read") -- said in full: nothing to note
      f:add_rule_exact("SCMP_ACT_ERRNO", "write")
      assert.are.same({
        { kind = "defaulted", message = "rule #1 on 'getppid': 'errno' without a value is taken as errno(EPERM)" },
        { kind = "defaulted", message = "rule #2 on 'getpid': 'TRACE' without a value is taken as trace(1)" },
        { kind = "defaulted", message = "rule #4 on 'write': 'SCMP_ACT_ERRNO' without a value is taken as errno(EPERM)" },
      }, f:notes())
      -- what the note says is what the filter does
      assert.are.equal(seccomp.errno("EPERM"), f:simulate("getppid"))
      assert.are.equal(seccomp.trace(1), f:simulate("getpid"))
      local g = seccomp.filter("Errno")
      assert.are.same({ "the default action: 'Errno' without a value is taken as errno(EPERM)" }, note_list(g))
      g:add_rule("allow", "read")
      g:reset() -- keeps the default action, and its note
      assert.are.same({ "the default action: 'Errno' without a value is taken as errno(EPERM)" }, note_list(g))
      g:reset("trace")
      assert.are.same({ "the default action: 'trace' without a value is taken as trace(1)" }, note_list(g))
      g:reset("errno(EACCES)")
      assert.are.same({}, g:notes())
      local h = seccomp.filter("errno(EPERM)")
      h:add_rule("allow", "read")
      assert.are.same({}, h:notes())
    end)

    it("carry the place in a policy table", function()
      local f = seccomp.filter{ default = "errno",
        rules = { { "allow", "read" }, { "trace", "getppid" }, { action = "TRACE", syscalls = { "getpid", "getuid" } },
                  { action = "errno(EACCES)", syscall = "write" } } }
      assert.are.same({
        "default: the default action: 'errno' without a value is taken as errno(EPERM)",
        "rules[2]: rule #2 on 'getppid': 'trace' without a value is taken as trace(1)",
        "rules[3]: rule #3 on 'getpid': 'TRACE' without a value is taken as trace(1)",
        "rules[3]: rule #4 on 'getuid': 'TRACE' without a value is taken as trace(1)",
      }, note_list(f))
      for _, n in ipairs(f:notes()) do assert.are.equal("defaulted", n.kind) end
    end)

    it_kp("name an OCI profile's SCMP_ACT_ERRNO or SCMP_ACT_TRACE without its errnoRet, as runc takes it", function()
      local f = seccomp.oci.filter{ defaultAction = "SCMP_ACT_ERRNO", syscalls = {
        { names = { "read", "write" }, action = "SCMP_ACT_ALLOW" },
        { names = { "getppid", "getpid" }, action = "SCMP_ACT_TRACE" },
        { names = { "close" }, action = "SCMP_ACT_ERRNO" }, -- the default action: no rule, nothing to note
        { names = { "getuid" }, action = "SCMP_ACT_KILL_PROCESS" },
        { names = { "dup" }, action = "SCMP_ACT_TRACE", errnoRet = 3 },
      } }
      assert.are.same({
        "defaultAction: SCMP_ACT_ERRNO without defaultErrnoRet is taken as errno(EPERM), as runc does",
        "syscalls[2]: SCMP_ACT_TRACE without errnoRet is taken as trace(1), as runc does",
      }, note_list(f))
      assert.are.equal(seccomp.trace(1), f:simulate("getpid"))
      assert.are.equal(seccomp.errno("EPERM"), f:simulate("close"))
      local g = seccomp.oci.filter{ defaultAction = "SCMP_ACT_ERRNO", defaultErrnoRet = 1,
        syscalls = { { names = { "read" }, action = "SCMP_ACT_ALLOW" } } }
      assert.are.same({}, g:notes())
    end)

    it_tx("go with a rejected transaction", function()
      local f = seccomp.filter("allow")
      pcall(f.transaction, f, function()
        f:add_rule("errno", "getppid")
        error("abandon")
      end)
      assert.are.same({}, f:notes())
    end)
  end)

  describe("of kind 'shadowed'", function()
    local function shadowed(f)
      local t = {}
      for _, n in ipairs(f:notes()) do
        if n.kind == "shadowed" then t[#t + 1] = (n.origin and n.origin .. ": " or "") .. n.message end
      end
      return t
    end
    local function rules_of(list)
      local t = {}
      for _, s in ipairs(list) do t[#t + 1] = tonumber(s:match("rule #(%d+)")) end
      return t
    end

    it_kp("name a rule an unconditional rule makes dead, before it or after it (R1)", function()
      local f = seccomp.filter("allow")
      f:add_rule("errno(EACCES)", "getpriority", { 0, "==", 1 })
      f:add_rule("errno(EPERM)", "getpriority")
      f:add_rule("errno(EPERM)", "setns")
      f:add_rule("kill_process", "setns", { 1, "==", 0 })
      f:add_rule("errno(EPERM)", "setns") -- the same again: changes nothing, and seems to change nothing
      local rule_of = " without conditions, decides every call of it (the first rule without conditions on a "
        .. "call decides it: conditional rules before it are erased, rules after it change nothing)"
      assert.are.same({
        "rule #1 (errno(EACCES) on 'getpriority') never decides a call: rule #2 (errno(EPERM) on 'getpriority'),"
          .. rule_of,
        "rule #4 (kill_process on 'setns') never decides a call: rule #3 (errno(EPERM) on 'setns'),"
          .. rule_of,
      }, shadowed(f))
      -- what the note says is what the filter does, whichever compiler
      for _, compiler in ipairs { "libseccomp", "binding" } do
        f:set_attr("compiler", compiler)
        assert.are.equal(seccomp.errno("EPERM"), f:simulate("getpriority", { 1 }))
        assert.are.equal(seccomp.errno("EPERM"), f:simulate("setns", { 0, 0 }))
        local ok, report = f:verify()
        assert.is_true(ok)
        assert.are.same({ 1, 4 }, report.shadowed)
      end
    end)

    it_kp("name a rule covered by one before it in the order, or shadowed in every cell by several (R2)", function()
      local f = seccomp.filter("allow")
      f:add_rule("errno(1)", "read", { 0, "==", 1 })
      f:add_rule("errno(2)", "read", { 0, "==", 1 }, { 1, "==", 2 }) -- covered by #1
      f:add_rule("errno(3)", "getppid", { 2, ">", 64 })
      f:add_rule("errno(4)", "getppid", { 2, ">", 128 }) -- the tighter bound first: alive
      f:add_rule("errno(1)", "write", { 0, "==", 7 })
      f:add_rule("errno(2)", "write", { 0, "!=", 7 })
      f:add_rule("kill_process", "write", { 0, "<", 10 }) -- == and != first: 7 and the rest
      f:add_rule("errno(1)", "close", { 0, "==", 1 }, { 1, "==", 1 }) -- same action as #1's cover: nothing to say
      f:add_rule("errno(1)", "close", { 0, "==", 1 })
      assert.are.same({
        "rule #2 (errno(ENOENT) on 'read') never decides a call: wherever its conditions hold, rule #1 "
          .. "(errno(EPERM) on 'read') decides first (the order of overlapping rules, docs/compiler.md)",
        "rule #7 (kill_process on 'write') never decides a call: wherever its conditions hold, rules that come "
          .. "before it in the order of overlapping rules decide (docs/compiler.md)",
      }, shadowed(f))
      assert.are.same({ 2, 7 }, select(2, f:verify()).shadowed)
      assert.are.equal(seccomp.errno(4), f:simulate("getppid", { 0, 0, 200 }))
      assert.are.equal(seccomp.errno(3), f:simulate("getppid", { 0, 0, 100 }))
    end)

    it("do not name a rule that is dead on one arch only, and do on every arch", function()
      if not seccomp.arch("x86") then return pending("no x86 arch in this libseccomp") end
      local f = seccomp.filter("allow")
      f:add_arch("x86")
      -- on x86 the mask has no low bits: rule #1 is unconditional there, and #2 dead
      f:add_rule("errno(1)", "getppid", { 1, "&=", 0x100000000, 0x100000000 })
      f:add_rule("errno(2)", "getppid", { 0, "==", 5 })
      assert.are.same({}, shadowed(f))
      f:add_rule("errno(3)", "getpid")
      f:add_rule("errno(4)", "getpid", { 0, "==", 5 })
      assert.are.same({ 4 }, rules_of(shadowed(f)))
    end)

    it("say nothing they cannot prove: a call with more cells than the budget, but for R1", function()
      local f = seccomp.filter("allow")
      f:add_rule("errno(1)", "getppid", { 0, "==", 5 }, { 1, "==", 6 }, { 2, "==", 7 }, { 3, "==", 8 },
        { 4, "==", 9 }, { 5, "==", 10 })
      f:add_rule("errno(2)", "getppid", { 0, "==", 5 }, { 1, "==", 6 }, { 2, "==", 7 }, { 3, "==", 8 },
        { 4, "==", 9 }, { 5, "!=", 10 })
      f:add_rule("errno(3)", "getppid", { 0, "==", 5 }, { 1, "==", 6 }, { 2, "==", 7 }, { 3, "==", 8 },
        { 4, "==", 9 }, { 5, "&=", 1, 0 })
      assert.are.same({}, shadowed(f))
      local ok, report = f:verify()
      assert.is_true(ok)
      assert.is_false(report.exhaustive)
      assert.are.same({}, report.shadowed)
      f:add_rule("errno(4)", "getppid")
      assert.are.same({ 1, 2, 3 }, rules_of(shadowed(f)))
    end)

    it("come from policy tables and OCI profiles through the same list, with the rule's place", function()
      local p = seccomp.filter{ default = "errno(EACCES)", rules = {
        { "allow", "getppid" }, { "errno(EPERM)", "getppid", { 0, "==", 1 } } } }
      assert.are.same({ "rules[2]: rule #2 (errno(EPERM) on 'getppid') never decides a call: rule #1 (allow on "
        .. "'getppid'), without conditions, decides every call of it (the first rule without conditions on a call "
        .. "decides it: conditional rules before it are erased, rules after it change nothing)" }, shadowed(p))
      -- Podman's default allows setns in its main list and denies it again
      -- without CAP_SYS_ADMIN: runc's filter allows it, and so does this one
      local f = seccomp.oci.filter({ defaultAction = "SCMP_ACT_ERRNO", defaultErrnoRet = 38, syscalls = {
        { names = { "setns", "read" }, action = "SCMP_ACT_ALLOW" },
        { names = { "setns" }, action = "SCMP_ACT_ERRNO", errnoRet = 1, excludes = { caps = { "CAP_SYS_ADMIN" } } },
      } }, { runtime = "podman" })
      local n = shadowed(f)
      assert.are.equal(1, #n)
      assert.matches("^syscalls%[2%]: rule #3 %(errno%(EPERM%) on 'setns'%) never decides a call: rule #1 %(allow "
        .. "on 'setns'%), without conditions", n[1])
      assert.are.equal(seccomp.ACT_ALLOW, f:simulate("setns"))
    end)
  end)

  it("refuses an unknown kind, naming it", function()
    local f = seccomp.filter("allow")
    assert.matches("invalid option 'shadow'", H.message(note, f, "shadow", "m"))
    assert.matches("string expected", H.message(note, f, "widened", 1))
    assert.are.same({}, f:notes())
  end)

  it("are dropped by reset", function()
    local f = seccomp.filter("allow")
    note(f, "unplaced", "m")
    f:reset()
    assert.are.same({}, f:notes())
  end)

  it("follow the source's rules through merge, origins included", function()
    local a = seccomp.filter{ default = "allow", rules = { { "errno(1)", "getppid" }, { "errno(2)", "getpid" } } }
    local b = seccomp.filter{ default = "allow", arches = { "x86" },
      rules = { { "errno(3)", "read" }, { "errno(4)", "write" }, { "errno(5)", "close" } } }
    note(a, "unplaced", "from a")
    note(b, "widened", "from b", "rules[3]")
    a:merge(b)
    assert.are.same({ { kind = "unplaced", message = "from a" },
                      { kind = "widened", message = "from b", origin = "rules[3]" } }, a:notes())
    local origins = {}
    for i, r in ipairs(a:rules()) do origins[i] = r.syscall .. "@" .. tostring(r.origin) end
    -- each merged rule keeps its own place in its own policy table
    assert.are.same({ "getppid@rules[1]", "getpid@rules[2]", "read@rules[1]", "write@rules[2]", "close@rules[3]" }, origins)
  end)

  it("are left as they were by a merge that fails", function()
    local a = seccomp.filter("allow")
    local b = seccomp.filter("allow") -- same arch: the merge fails
    note(b, "widened", "from b")
    assert.has_error(function() a:merge(b) end)
    assert.are.same({}, a:notes())
    assert.are.equal(1, #b:notes())
  end)

  it_tx("taken inside a rejected transaction go with it, and stay after a committed one", function()
    local f = seccomp.filter("allow")
    note(f, "unplaced", "kept")
    local ok, err = pcall(f.transaction, f, function()
      note(f, "widened", "gone, taken before any rule")
      f:add_rule("errno(EPERM)", "read")
      note(f, "widened", "gone")
      error("abandon")
    end)
    assert.is_false(ok)
    assert.matches("abandon", tostring(err))
    assert.are.same({ { kind = "unplaced", message = "kept" } }, f:notes())
    f:add_rule("errno(EPERM)", "read") -- a later rule does not bring them back
    f:transaction(function() note(f, "widened", "committed") end)
    assert.are.same({ { kind = "unplaced", message = "kept" }, { kind = "widened", message = "committed" } }, f:notes())
  end)
end)
