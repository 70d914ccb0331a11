-- Policy tables (seccomp.filter{...}, seccomp.load_policy[_string]), the
-- filter sugar (f:allow, f:deny), tostring naming a policy file, and the
-- LuaCATS annotations of the public module.
local seccomp = require "seccomp"
local core = require "seccomp.core"
local H = require "helper"

local NATIVE = seccomp.arch_name(seccomp.native_arch())

-- The message a call raises (as a string), failing when it does not raise.
local function message(fn, ...)
  return tostring(H.raises(fn, ...))
end

local function policy_message(policy)
  return message(seccomp.filter, policy)
end

-- Write `text` to a fresh temporary file named *.lua; returns its path.
local function tmpfile(text)
  return H.file_with(text, ".lua")
end

-- The filter the core builds from calls; `fn(f)` makes them.
local function by_hand(default, fn)
  local f = core.filter(default)
  if fn then
    fn(f)
  end
  return f
end

local function same_bpf(a, b)
  assert.are.equal(b:export_bpf(), a:export_bpf())
  assert.are.equal(b:export_pfc(), a:export_pfc())
end

teardown(H.remove_files)

describe("seccomp.filter", function()
  it("still takes a default action, as the core does", function()
    same_bpf(seccomp.filter("errno(EPERM)"), core.filter("errno(EPERM)"))
    same_bpf(seccomp.filter(seccomp.ACT_ALLOW), core.filter("allow"))
    assert.matches("bad argument #1 to '[%w.]*filter' %(unknown action 'alow' %(did you mean 'allow'%?%)%)", message(seccomp.filter, "alow"))
    assert.matches("action name or number expected, got no value", message(seccomp.filter))
  end)

  it("names the caller's line in an argument error", function()
    local err = message(function() seccomp.filter("alow") end)
    assert.matches("^spec/policy_spec%.lua:%d+: bad argument #1", err)
    err = message(function() seccomp.filter{ default = "alow" } end)
    assert.matches("^spec/policy_spec%.lua:%d+: default: unknown action 'alow' %(did you mean 'allow'%?%)$", err)
  end)
end)

describe("policy tables", function()
  describe("default", function()
    it("is the filter's default action, in every form", function()
      for _, a in ipairs { "allow", "errno(EACCES)", "errno(13)", seccomp.errno("EPERM"), "trap",
                           seccomp.ACT_KILL, "SCMP_ACT_ALLOW", "trace(7)" } do
        same_bpf(seccomp.filter{ default = a }, core.filter(a))
      end
      if seccomp.supports("kill_process") then -- not under valgrind: API level 1
        same_bpf(seccomp.filter{ default = "kill_process" }, core.filter("kill_process"))
      end
    end)

    local LOWER_API = H.gate(seccomp.api() >= 3 and (function()
      local level = seccomp.api()
      local ok = pcall(seccomp.set_api, 1)
      seccomp.set_api(level)
      return ok
    end)(), "cannot lower the API level below 3 here")
    H.gated(it, pending, LOWER_API)("says where an action the library or kernel lacks is", function()
      local level = seccomp.api()
      assert(pcall(seccomp.set_api, 1))
      local ok, err = pcall(seccomp.filter, { default = "kill_process" })
      local ok2, err2 = pcall(seccomp.filter, { default = "allow", rules = { { action = "log", syscall = "read" } } })
      seccomp.set_api(level)
      assert.is_false(ok)
      assert.matches("^default: action .* unavailable: feature 'kill_process' needs", err)
      assert.is_false(ok2)
      assert.matches("^rules%[1%]%.action: action .* unavailable: feature 'log' needs", err2)
    end)

    it("is required and parsed by the core", function()
      assert.are.equal("policy: missing key 'default' (the action for every syscall no rule matches, "
        .. "e.g. default = \"kill_process\")", policy_message{ allow = { "read" } })
      assert.are.equal("default: unknown action 'kil' (did you mean 'kill'?)", policy_message{ default = "kil" })
      assert.are.equal("default: unknown errno 'EPRM' (did you mean 'EPERM'?) in action 'errno(EPRM)'", policy_message{ default = "errno(EPRM)" })
      assert.are.equal("default: action name or number expected, got table", policy_message{ default = {} })
    end)
  end)

  describe("arches", function()
    it("is native alone when absent", function()
      local f = seccomp.filter{ default = "allow" }
      assert.is_true(f:has_arch("native"))
      same_bpf(f, core.filter("allow"))
    end)

    it("adds the arches listed", function()
      local f = seccomp.filter{ default = "kill", arches = { "native", "x86" } }
      assert.is_true(f:has_arch("native"))
      assert.is_true(f:has_arch("x86"))
      same_bpf(f, by_hand("kill", function(g) g:add_arch("x86") end))
    end)

    it("removes native when it is not listed", function()
      local f = seccomp.filter{ default = "kill", arches = { "x86", "x32" } }
      assert.is_false(f:has_arch("native"))
      assert.is_true(f:has_arch("x86"))
      assert.is_true(f:has_arch("x32"))
    end)

    it("takes names, aliases, OCI names and numbers", function()
      local f = seccomp.filter{ default = "kill", arches = { "amd64", "SCMP_ARCH_X86", seccomp.ARCH_X32 } }
      for _, a in ipairs { "x86_64", "x86", "x32" } do
        assert.is_true(f:has_arch(a))
      end
    end)

    it("can replace native with an arch of the other byte order", function()
      local f = seccomp.filter{ default = "kill", arches = { "ppc64" }, allow = { "read" } }
      assert.is_true(f:has_arch("ppc64"))
      assert.is_false(f:has_arch("native"))
    end)

    it("applies arches before any rule, so every arch gets the rules", function()
      local f = seccomp.filter{ default = "kill", arches = { "native", "x86" }, allow = { "read" } }
      local g = by_hand("kill", function(g) g:add_arch("x86"):add_rule("allow", "read") end)
      same_bpf(f, g)
      assert.are.equal(seccomp.ACT_ALLOW, f:simulate("read", nil, "x86"))
    end)

    it("gives an arch added after the rules those rules too (libseccomp alone does not)", function()
      local late = by_hand("kill", function(w) w:add_rule("allow", "read"):add_arch("x86") end)
      assert.are.equal(seccomp.ACT_ALLOW, late:simulate("read", nil, "x86"))
      assert.is_true((late:verify()))
      local arches = late:rules()[1].arches
      table.sort(arches)
      assert.are.same({ "x86", "x86_64" }, arches)
    end)

    it("reports bad arches where they are", function()
      assert.are.equal("arches[2]: unknown arch 'x87' (did you mean 'x86'?)", policy_message{ default = "kill", arches = { "x86", "x87" } })
      assert.are.equal("arches[2]: duplicate arch: 'amd64' (x86_64) is already listed as arches[1]",
        policy_message{ default = "kill", arches = { "x86_64", "amd64" } })
      assert.are.equal("arches[3]: duplicate arch: 'x86' is already listed as arches[1]",
        policy_message{ default = "kill", arches = { "x86", "x32", "x86" } })
      assert.matches("^arches%[2%]: duplicate arch: 'native' %(" .. NATIVE .. "%) is already listed as arches%[1%]$",
        policy_message{ default = "kill", arches = { NATIVE, "native" } })
      assert.are.equal("arches: empty list: a filter needs at least one arch (leave 'arches' out for the native "
        .. "arch alone)", policy_message{ default = "kill", arches = {} })
      assert.are.equal("arches: list of arches expected, got string 'x86' (a list, even of one: { \"x86\" })",
        policy_message{ default = "kill", arches = "x86" })
      assert.are.equal("arches[1]: arch name or number expected, got table",
        policy_message{ default = "kill", arches = { {} } })
    end)

    it("raises libseccomp's refusal as the error object, located", function()
      local err = H.raises(seccomp.filter, { default = "kill", arches = { "native", "ppc64" } })
      assert.are.equal("table", type(err))
      assert.are.equal("add_arch", err.op)
      assert.are.equal("EDOM", err.ename)
      assert.are.equal("arches[2]", err.path)
      assert.matches("^spec/helper%.lua:%d+$", err.where) -- the caller's line (H.raises' pcall)
      assert.matches("^arches%[2%]: arch 'ppc64' has the other byte order", err.message)
      assert.matches("^spec/helper%.lua:%d+: seccomp%.add_arch: arches%[2%]: ", tostring(err))
    end)
  end)

  describe("attrs", function()
    it("sets each attribute", function()
      local f = seccomp.filter{ default = "kill", attrs = { nnp = false, tskip = true, badarch_action = "errno(EPERM)" } }
      assert.is_false(f:get_attr("nnp"))
      assert.is_true(f:get_attr("tskip"))
      assert.are.equal(seccomp.errno("EPERM"), f:get_attr("badarch_action"))
      same_bpf(f, by_hand("kill", function(g)
        g:set_attr("nnp", false):set_attr("tskip", true):set_attr("badarch_action", "errno(EPERM)")
      end))
    end)

    it("sets optimize and the newer flags where the library has them", function()
      if seccomp.supports("optimize") then
        local f = seccomp.filter{ default = "kill", attrs = { optimize = 2 }, allow = { "read", "write" } }
        assert.are.equal(2, f:get_attr("optimize"))
        same_bpf(f, by_hand("kill", function(g) g:set_attr("optimize", 2):add_rule("allow", "read"):add_rule("allow", "write") end))
      end
      if not seccomp.supports("wait_kill") then
        local err = H.raises(seccomp.filter, { default = "kill", attrs = { wait_kill = true } })
        assert.are.equal("attrs.wait_kill", err.path)
        assert.matches("^attrs%.wait_kill: ", err.message)
      else
        assert.is_true(seccomp.filter{ default = "kill", attrs = { wait_kill = true } }:get_attr("wait_kill"))
      end
    end)

    it("reports bad attributes where they are", function()
      assert.are.equal("attrs.nnp: attribute 'nnp' takes a boolean, got 1", policy_message{ default = "kill", attrs = { nnp = 1 } })
      assert.are.equal("attrs.optimize: 3 out of range 1..2", policy_message{ default = "kill", attrs = { optimize = 3 } })
      assert.matches("^attrs%.bogus: unknown attribute 'bogus' %(one of: default_action, badarch_action, nnp, tsync, ",
        policy_message{ default = "kill", attrs = { bogus = true } })
      assert.are.equal("attrs.badarch_action: unknown action 'nope' (one of: allow, errno(ENAME|N), kill_process, kill_thread, kill, trap, log, notify, trace(N))",
        policy_message{ default = "kill", attrs = { badarch_action = "nope" } })
      assert.are.equal("attrs.default_action: the default action is set by the policy's 'default' key",
        policy_message{ default = "kill", attrs = { default_action = "allow" } })
      assert.are.equal("attrs[1]: attribute names are strings (nnp = true), got number 1",
        policy_message{ default = "kill", attrs = { "nnp" } })
      assert.are.equal("attrs: table of attributes expected, got boolean", policy_message{ default = "kill", attrs = true })
    end)
  end)

  describe("allow", function()
    it("allows each syscall, by name or number", function()
      local nr = assert(seccomp.syscall("close"))
      same_bpf(seccomp.filter{ default = "trap", allow = { "read", "write", nr } },
        by_hand("trap", function(g) g:add_rule("allow", "read"):add_rule("allow", "write"):add_rule("allow", "close") end))
    end)

    it("takes a name the native arch lacks, as add_rule does", function()
      assert.is_true(seccomp.filter{ default = "kill", allow = { "socketcall" } }:is_valid())
    end)

    it("may be empty", function()
      same_bpf(seccomp.filter{ default = "kill", allow = {} }, core.filter("kill"))
    end)

    it("reports bad entries where they are", function()
      assert.are.equal("allow[2]: unknown syscall 'wrtie' (did you mean 'write'?)", policy_message{ default = "kill", allow = { "read", "wrtie" } })
      assert.are.equal("allow[1]: syscall name or number expected, got table", policy_message{ default = "kill", allow = { {} } })
      assert.are.equal("allow[1]: bad syscall number 1.5", policy_message{ default = "kill", allow = { 1.5 } })
      assert.are.equal("allow: list of syscalls expected, got string 'read' (a list, even of one: { \"read\" })",
        policy_message{ default = "kill", allow = "read" })
      assert.are.equal("allow[2]: nil in the middle of a list of syscalls (a misspelled variable?)",
        policy_message{ default = "kill", allow = { "read", nil, "write" } })
      assert.are.equal("allow: unexpected key 'x' in a list of syscalls", policy_message{ default = "kill", allow = { "read", x = 1 } })
    end)
  end)

  describe("rules", function()
    it("adds keyed rules: action, syscall, args", function()
      local f = seccomp.filter{ default = "kill", rules = {
        { action = "allow", syscall = "openat", args = { "arg2 & 3 == 0" } },
        { action = "errno(EACCES)", syscall = "write", args = { { 0, ">", 2 }, seccomp.arg(2):lt(100) } },
        { action = "trap", syscall = "read" },
      } }
      same_bpf(f, by_hand("kill", function(g)
        g:add_rule("allow", "openat", "arg2 & 3 == 0")
         :add_rule("errno(EACCES)", "write", { 0, ">", 2 }, seccomp.arg(2):lt(100))
         :add_rule("trap", "read")
      end))
    end)

    it("adds one rule per entry of syscalls", function()
      local f = seccomp.filter{ default = "allow", rules = {
        { action = "errno(EPERM)", syscalls = { "kill", "tkill", "tgkill" }, args = { "arg1 == 9" } },
      } }
      same_bpf(f, by_hand("allow", function(g)
        for _, s in ipairs { "kill", "tkill", "tgkill" } do
          g:add_rule("errno(EPERM)", s, "arg1 == 9")
        end
      end))
    end)

    it("adds positional rules: { action, syscall, cond... }", function()
      local f = seccomp.filter{ default = "kill", rules = {
        { "allow", "fcntl", { 1, "==", 1 } },
        { "allow", "read", "arg0 == 0", seccomp.arg32(2):ge(-1), { 1, "&=", 0xf, 0 } },
        { "errno(EPERM)", seccomp.syscall("close") },
      } }
      same_bpf(f, by_hand("kill", function(g)
        g:add_rule("allow", "fcntl", { 1, "==", 1 })
         :add_rule("allow", "read", "arg0 == 0", seccomp.arg32(2):ge(-1), { 1, "&=", 0xf, 0 })
         :add_rule("errno(EPERM)", "close")
      end))
    end)

    it("adds exact rules with add_rule_exact", function()
      local f = seccomp.filter{ default = "kill",
        rules = { { action = "allow", syscall = "read", exact = true }, { action = "allow", syscall = "write", exact = false } } }
      same_bpf(f, by_hand("kill", function(g) g:add_rule_exact("allow", "read"):add_rule("allow", "write") end))
      local err = H.raises(seccomp.filter, { default = "kill", rules = {
        { action = "allow", syscall = "read" }, { action = "allow", syscall = "socketcall", exact = true } } })
      assert.are.equal("add_rule_exact", err.op)
      assert.are.equal("rules[2]", err.path)
    end)

    it("sets the priority of each of a rule's syscalls", function()
      local f = seccomp.filter{ default = "kill", allow = { "read" }, rules = {
        { action = "allow", syscalls = { "write", "close" }, priority = 255 },
        { action = "allow", syscall = "fcntl", priority = 0 },
      } }
      same_bpf(f, by_hand("kill", function(g)
        g:add_rule("allow", "read")
         :add_rule("allow", "write"):set_priority("write", 255)
         :add_rule("allow", "close"):set_priority("close", 255)
         :add_rule("allow", "fcntl"):set_priority("fcntl", 0)
      end))
      -- and the priority is not lost: without it, the program differs
      assert.are_not.equal(seccomp.filter{ default = "kill", allow = { "read", "write", "close", "fcntl" } }:export_bpf(),
        f:export_bpf())
    end)

    it("adds allow before rules: libseccomp keeps the first unconditional rule of a syscall", function()
      local f = seccomp.filter{ default = "kill", allow = { "read" }, rules = { { "errno(EPERM)", "read" }, { "trap", "write" },
        { "errno(EACCES)", "write" } } }
      same_bpf(f, by_hand("kill", function(g)
        g:add_rule("allow", "read"):add_rule("errno(EPERM)", "read"):add_rule("trap", "write"):add_rule("errno(EACCES)", "write")
      end))
      assert.matches("read.-ALLOW", f:export_pfc())
      assert.matches("write.-TRAP", f:export_pfc())
    end)

    it("adds allow before rules, and rules in order", function()
      local policy = { default = "kill", allow = { "read" }, rules = {
        { action = "errno(EPERM)", syscall = "write", args = { "arg0 == 1" } },
        { action = "errno(EACCES)", syscall = "write", args = { "arg0 == 2" } },
        { action = "trace(1)", syscall = "close" },
      } }
      same_bpf(seccomp.filter(policy), by_hand("kill", function(g)
        g:add_rule("allow", "read")
         :add_rule("errno(EPERM)", "write", "arg0 == 1")
         :add_rule("errno(EACCES)", "write", "arg0 == 2")
         :add_rule("trace(1)", "close")
      end))
    end)

    it("builds a policy with every kind of key as the same calls would", function()
      local f = seccomp.filter{
        default = "errno(EPERM)",
        arches  = { "native", "x86" },
        attrs   = { nnp = true, optimize = seccomp.supports("optimize") and 2 or nil },
        allow   = { "read", "write", "exit_group", "rt_sigreturn" },
        rules   = {
          { action = "allow", syscall = "openat", args = { "arg2 & 3 == 0" } },
          { action = "errno(EACCES)", syscalls = { "kill", "tkill" } },
          { "allow", "fcntl", { 1, "==", 1 } },
        },
      }
      same_bpf(f, by_hand("errno(EPERM)", function(g)
        g:set_attr("nnp", true)
        if seccomp.supports("optimize") then
          g:set_attr("optimize", 2)
        end
        g:add_arch("x86")
        for _, s in ipairs { "read", "write", "exit_group", "rt_sigreturn" } do
          g:add_rule("allow", s)
        end
        g:add_rule("allow", "openat", "arg2 & 3 == 0")
         :add_rule("errno(EACCES)", "kill"):add_rule("errno(EACCES)", "tkill")
         :add_rule("allow", "fcntl", { 1, "==", 1 })
      end))
    end)

    it("reports bad rules where they are", function()
      local cases = {
        { { "allow" }, "rules[1]: rule expected (a table), got string 'allow'" },
        { { {} }, "rules[1]: missing key 'action'" },
        { { { action = "allow" } }, "rules[1]: missing key 'syscall' (or 'syscalls', a list)" },
        { { { action = "alow", syscall = "read" } }, "rules[1].action: unknown action 'alow' (did you mean 'allow'?)" },
        { { { action = "allow", syscall = "read", syscalls = { "write" } } }, "rules[1]: has both 'syscall' and 'syscalls': use one" },
        { { { action = "allow", syscall = { "read" } } }, "rules[1].syscall: syscall name or number expected, got table" },
        { { { action = "allow", syscall = "raed" } }, "rules[1].syscall: unknown syscall 'raed' (did you mean 'read'?)" },
        { { { action = "allow", syscalls = {} } }, "rules[1].syscalls: empty list: a rule needs at least one syscall" },
        { { { action = "allow", syscalls = "read" } },
          "rules[1].syscalls: list of syscalls expected, got string 'read' (a list, even of one: { \"read\" })" },
        { { { action = "allow", syscall = "read" }, { action = "allow", syscalls = { "write", "tkil" } } },
          "rules[2].syscalls[2]: unknown syscall 'tkil' (did you mean 'tkill'?)" },
        { { { action = "allow", syscall = "read", sycall = "write" } }, "rules[1]: unknown key 'sycall' (did you mean 'syscall'?)" },
        { { { action = "allow", syscall = "read", exct = true } }, "rules[1]: unknown key 'exct' (did you mean 'exact'?)" },
        { { { action = "allow", syscall = "read", when = 1 } },
          "rules[1]: unknown key 'when' (a keyed rule has the keys action, args, exact, priority, syscall, syscalls)" },
        { { { action = "allow", syscall = "read", exact = "yes" } }, "rules[1].exact: boolean expected, got string 'yes'" },
        { { { action = "allow", syscall = "read", priority = 256 } }, "rules[1].priority: 256 out of range 0..255" },
        { { { action = "allow", syscall = "read", priority = "5" } }, "rules[1].priority: integer expected, got '5'" },
        { { { action = "allow", syscall = "read", args = "arg0 == 1" } },
          "rules[1].args: list of conditions expected, got string 'arg0 == 1' (a list, even of one: { \"arg0 == 1\" })" },
        { { { action = "allow", syscall = "read" }, { action = "allow", syscall = "write" },
            { action = "allow", syscall = "close", args = { { 1, "=<", 2 } } } },
          "rules[3].args[1]: unknown operator '=<' (did you mean '<='?)" },
        { { { action = "allow", syscall = "read", args = { "arg0 == 1", "arg7 == 1" } } },
          "rules[1].args[2]: condition 'arg7 == 1' must start with arg0..arg5" },
        { { { action = "allow", syscall = "read", args = { 1, "==", 2 } } },
          "rules[1].args[1]: condition expected (table, string or seccomp.arg), got 1 (args is a list of conditions: "
          .. "args = { { 1, '==', 2 } })" },
        { { { action = "allow", syscall = "read", args = { { 1, "==", "2" } } } },
          "rules[1].args[1]: value must be an integer, got '2'" },
        { { { action = "allow", syscall = "read", args = { "arg0 == 0", "arg1 == 0", "arg2 == 0", "arg3 == 0", "arg4 == 0",
            "arg5 == 0", "arg5 == 1" } } },
          "rules[1].args: 7 conditions; a rule takes at most 6 (one per syscall argument)" },
        { { { "allow", "read", "arg0 == 0", "arg1 == 0", "arg2 == 0", "arg3 == 0", "arg4 == 0", "arg5 == 0", "arg5 == 1" } },
          "rules[1]: 7 conditions; a rule takes at most 6 (one per syscall argument)" },
        { { { "allow" } }, "rules[1][2]: syscall missing (a positional rule is { action, syscall, cond... })" },
        { { { "allow", "read", action = "allow" } },
          "rules[1]: mixes positional entries with the key 'action': write a rule either as { action, syscall, cond... } or with keys" },
        { { { "allow", "read", { 0, "=<", 1 } } }, "rules[1][3]: unknown operator '=<' (did you mean '<='?)" },
        { { { "kil", "read" } }, "rules[1][1]: unknown action 'kil' (did you mean 'kill'?)" },
        { { { "allow", "raed" } }, "rules[1][2]: unknown syscall 'raed' (did you mean 'read'?)" },
        { "allow", "rules: list of rules expected, got string 'allow' (a list, even of one: { \"allow\" })" },
        { { [2] = { "allow", "read" } }, "rules[1]: nil in the middle of a list of rules (a misspelled variable?)" },
      }
      for _, case in ipairs(cases) do
        assert.are.equal(case[2], policy_message{ default = "kill", rules = case[1] })
      end
    end)

    it("says in plain words, and where, that two conditions are on one argument", function()
      assert.are.equal("rules[1].args[2]: a second condition on arg1: libseccomp allows one comparison per argument in a rule "
        .. "(use separate rules, or a masked comparison)",
        policy_message{ default = "kill", rules = { { action = "allow", syscall = "read", args = { { 1, "==", 2 }, "arg1 == 3" } } } })
      assert.matches("^rules%[1%]%[4%]: a second condition on arg0",
        policy_message{ default = "kill", rules = { { "allow", "read", "arg0 == 1", "arg0 == 2" } } })
    end)

    it("says in plain words, and where, that a rule equals the default action", function()
      for _, case in ipairs {
        { { default = "allow", rules = { { action = "errno(EPERM)", syscall = "read" }, { action = "allow", syscall = "write" } } }, "rules[2]" },
        { { default = "allow", allow = { "read" } }, "allow[1]" },
        { { default = "errno(EPERM)", rules = { { "errno(1)", "read" } } }, "rules[1]" },
      } do
        local err = H.raises(seccomp.filter, case[1])
        assert.are.equal("table", type(err))
        assert.are.equal("EACCES", err.ename)
        assert.are.equal(case[2], err.path)
        assert.are.equal(case[2] .. ": ", err.message:sub(1, #case[2] + 2))
        assert.matches("is the filter's default action", err.message)
        assert.matches("^spec/helper%.lua:%d+: seccomp%.add_rule: " .. case[2]:gsub("[%[%]]", "%%%0") .. ": ", tostring(err))
      end
    end)
  end)

  describe("the policy table itself", function()
    it("refuses unknown keys, suggesting the one meant", function()
      assert.are.equal("policy: unknown key 'alow' (did you mean 'allow'?)", policy_message{ default = "kill", alow = { "read" } })
      assert.are.equal("policy: unknown key 'rule' (did you mean 'rules'?)", policy_message{ default = "kill", rule = {} })
      assert.are.equal("policy: unknown key 'defualt' (did you mean 'default'?)", policy_message{ defualt = "kill" })
      assert.are.equal("policy: unknown key 'zzz' (a policy has the keys allow, arches, attrs, default, rules, unknown)",
        policy_message{ default = "kill", zzz = 1 })
      assert.are.equal("policy: unexpected entry [1] (a policy has the keys allow, arches, attrs, default, rules, unknown)",
        policy_message{ "kill", default = "kill" })
    end)

    it("reports the first unknown key in sorted order, whatever pairs() does", function()
      for _ = 1, 5 do
        assert.are.equal("policy: unknown key 'aaa' (a policy has the keys allow, arches, attrs, default, rules, unknown)",
          policy_message{ default = "kill", zzz = 1, aaa = 2, mmm = 3 })
      end
    end)
  end)

  describe("tables with a metatable", function()
    -- the common read-only idiom: an empty table whose __index reads another
    local function readonly(t)
      return setmetatable({}, { __index = t, __newindex = function() error("read-only", 2) end })
    end
    local refused = "is a table with a metatable %(a proxy or read%-only table%?%): refused"

    it("are refused wherever a plain table is expected, naming the place", function()
      local ptrace = { action = "errno(EPERM)", syscall = "ptrace" }
      local cases = {
        { "policy", readonly{ default = "allow" } },
        { "rules", { default = "allow", rules = readonly{ ptrace } } },
        { "rules%[1%]", { default = "allow", rules = { readonly(ptrace) } } },
        { "rules%[1%]", { default = "allow", rules = { readonly{ "errno(EPERM)", "ptrace" } } } },
        { "allow", { default = "kill", allow = readonly{ "read" } } },
        { "arches", { default = "allow", arches = readonly{ "native", "x86" } } },
        { "attrs", { default = "allow", attrs = readonly{ nnp = false } } },
        { "rules%[1%]%.syscalls", { default = "allow",
          rules = { { action = "errno(EPERM)", syscalls = readonly{ "ptrace" } } } } },
        { "rules%[1%]%.args", { default = "allow",
          rules = { { action = "errno(EPERM)", syscall = "ptrace", args = readonly{ { 0, "==", 16 } } } } } },
        { "rules%[1%]%.args%[1%]", { default = "allow",
          rules = { { action = "errno(EPERM)", syscall = "ptrace", args = { readonly{ 0, "==", 16 } } } } } },
        { "rules%[1%]%[3%]", { default = "allow", rules = { { "errno(EPERM)", "ptrace", readonly{ 0, "==", 16 } } } } },
      }
      for _, case in ipairs(cases) do
        local msg = policy_message(case[2])
        assert.matches("^" .. case[1] .. ": ", msg)
        assert.matches(refused, msg)
      end
    end)

    it("cannot hide a misspelled key behind __pairs", function()
      local rule = setmetatable({ action = "errno(EPERM)", syscall = "ptrace", prority = 3 }, {
        __pairs = function(t)
          return function(_, k)
            local nk, v = next(t, k)
            if nk == "prority" then nk, v = next(t, nk) end
            return nk, v
          end, t, nil
        end,
      })
      assert.matches("^rules%[1%]: the rule " .. refused, policy_message{ default = "allow", rules = { rule } })
    end)

    it("are refused by f:allow and f:deny too", function()
      local f = seccomp.filter("errno(EPERM)")
      assert.matches("^bad argument #1 to 'allow' %(the list of syscalls " .. refused,
        H.method_message(f, "allow", readonly{ "read" }))
      assert.matches("^bad argument #3 to 'deny' %(the condition " .. refused,
        H.method_message(f, "deny", "EACCES", "openat", readonly{ 2, "&=", 3, 1 }))
    end)

    it("do not concern condition objects from seccomp.arg", function()
      local f = seccomp.filter{ default = "allow",
        rules = { { action = "errno(EPERM)", syscall = "ptrace", args = { seccomp.arg(0):eq(16) } } } }
      assert.are.equal(1, #f:rules())
      assert.are.equal(seccomp.errno(1), f:simulate("ptrace", { 16 }))
      assert.are.equal(seccomp.ACT_ALLOW, f:simulate("ptrace", { 0 }))
    end)

    it("in a policy file are refused too", function()
      local msg = message(seccomp.load_policy_string, [[
local function readonly(t) return setmetatable({}, { __index = t }) end
return { default = "allow", rules = readonly{ { action = "errno(EPERM)", syscall = "ptrace" } } }
]], "ro.lua")
      -- a policy file has no setmetatable: it cannot build one at all
      assert.matches("^ro%.lua:1: undefined name 'setmetatable'", msg)
    end)
  end)

  describe("atomicity", function()
    -- the builder creates its filter with core.filter: spy on it
    local created, real_filter
    before_each(function()
      created, real_filter = {}, core.filter
      core.filter = function(...)
        local f = real_filter(...)
        created[#created + 1] = f
        return f
      end
    end)
    after_each(function()
      core.filter = real_filter
    end)

    it("releases the half-built filter when a value is wrong", function()
      H.raises(seccomp.filter, { default = "kill", allow = { "read", "write" }, rules = { { "allow", "raed" } } })
      assert.are.equal(1, #created)
      assert.is_false(created[1]:is_valid())
    end)

    it("releases the half-built filter when libseccomp fails", function()
      H.raises(seccomp.filter, { default = "allow", rules = { { "errno(EPERM)", "read" }, { "allow", "write" } } })
      assert.are.equal(1, #created)
      assert.is_false(created[1]:is_valid())
    end)

    it("creates nothing when the policy is wrong before the default", function()
      H.raises(seccomp.filter, { defualt = "kill" })
      H.raises(seccomp.filter, { default = "kil" })
      assert.are.equal(0, #created)
    end)

    it("keeps the filter it returns", function()
      local f = seccomp.filter{ default = "kill", allow = { "read" } }
      assert.are.equal(created[1], f)
      assert.is_true(f:is_valid())
    end)
  end)
end)

describe("policy files", function()
  it("build the filter their table describes", function()
    local src = [[
-- a policy file
local io_calls = { "read", "write" }
return {
  default = "trap",
  allow = io_calls,
  rules = {
    { action = "allow", syscall = "openat", args = { "arg2 & 3 == 0" } },
    { "allow", "fcntl", { 1, "==", 1 } },
  },
}
]]
    local path = tmpfile(src)
    local f = seccomp.load_policy(path)
    local g = seccomp.load_policy_string(src)
    local h = seccomp.filter{ default = "trap", allow = { "read", "write" }, rules = {
      { action = "allow", syscall = "openat", args = { "arg2 & 3 == 0" } }, { "allow", "fcntl", { 1, "==", 1 } } } }
    same_bpf(f, h)
    same_bpf(g, h)
  end)

  it("name the file in tostring, and otherwise keep the core's tostring", function()
    local path = tmpfile("return { default = 'allow' }")
    local f = seccomp.load_policy(path)
    local plain = tostring(core.filter("allow"))
    assert.matches("^seccomp%.filter %(default allow; arches [%w_, ]+%)$", plain)
    assert.are.equal(plain:sub(1, -2) .. "; from " .. path .. ")", tostring(f))
    assert.are.equal(plain, tostring(seccomp.filter{ default = "allow" }))
    assert.are.equal(plain, tostring(seccomp.load_policy_string("return { default = 'allow' }")))
    assert.are.equal(plain:sub(1, -2) .. "; from mine)", tostring(seccomp.load_policy_string("return { default = 'allow' }", "mine")))
    f:release()
    assert.are.equal("seccomp.filter (released; from " .. path .. ")", tostring(f))
  end)

  it("name the file and the line of the table that is wrong", function()
    local cases = {
      { [[
return {
  default = "trap",
  allow = {
    "read",
    "wrtie",
  },
}]], ":3: allow[2]: unknown syscall 'wrtie' (did you mean 'write'?)" },
      { [[
return {
  default = "trap",
  allow = { "read" },
  rules = {
    { action = "allow", syscall = "openat" },
    { action = "allow", syscall = "close" },
    {
      action = "allow",
      syscall = "fcntl",
      args = { { 1, "=<", 1 } },
    },
  },
}]], ":10: rules[3].args[1]: unknown operator '=<' (did you mean '<='?)" },
      { [[
return {
  default = "trap",
  rules = {
    {
      action = "allow",
      syscall = "read",
    },
    {
      action = "allow",
      syscall = "raed",
    },
  },
}]], ":8: rules[2].syscall: unknown syscall 'raed' (did you mean 'read'?)" },
      { [[
return {
  default = "trap",
  alow = { "read" },
}]], ":3: unknown key 'alow' (did you mean 'allow'?)" },
      { [[
local function deny(name) return { action = "errno(EPERM)", syscall = name } end
return {
  default = "allow",
  rules = {
    deny("ptrace"),
    deny("sokcet"),
    { action = "errno(EPERM)", syscall = "read" },
  },
}]], ":6: rules[2].syscall: unknown syscall 'sokcet' (did you mean 'socket'?)" },
      { [[
local writes = { "write", "wirtev" }
return {
  default = "allow",
  rules = { { action = "errno(EPERM)", syscalls = writes } },
}]], ":1: rules[1].syscalls[2]: unknown syscall 'wirtev' (did you mean 'writev'?)" },
      { [[
return {
  default = "allow",
  arches = { "x86_64", "amd64" },
}]], ":3: arches[2]: duplicate arch: 'amd64' (x86_64) is already listed as arches[1]" },
      { [[
return {
  default = "kil",
}]], ":1: default: unknown action 'kil' (did you mean 'kill'?)" },
    }
    for _, case in ipairs(cases) do
      local path = tmpfile(case[1])
      assert.are.equal(path .. case[2], message(seccomp.load_policy, path))
      assert.are.equal("p.lua" .. case[2], message(seccomp.load_policy_string, case[1], "p.lua"))
    end
  end)

  it("locate libseccomp's failures with the file and line too", function()
    local path = tmpfile([[
return {
  default = "allow",
  rules = {
    { action = "errno(EPERM)", syscall = "ptrace" },
    { action = "allow", syscall = "read" },
  },
}]])
    local err = H.raises(seccomp.load_policy, path)
    assert.are.equal("EACCES", err.ename)
    assert.are.equal(path .. ":5", err.where)
    assert.are.equal("rules[2]", err.path)
    assert.are.equal(path .. ":5: seccomp.add_rule: rules[2]: ", tostring(err):sub(1, #path + 32))
  end)

  it("run in an empty environment", function()
    local victim = tmpfile("keep me")
    local path = tmpfile(("os.remove(%q)\nreturn { default = 'allow' }"):format(victim))
    assert.are.equal(path .. ":1: undefined name 'os' (a policy file runs in an empty environment: no globals, no libraries)",
      message(seccomp.load_policy, path))
    assert.is_truthy(io.open(victim)) -- still there
    for _, name in ipairs { "require", "io", "load", "dofile", "print", "_G", "error", "setmetatable" } do
      assert.are.equal(("p:1: undefined name '%s' (a policy file runs in an empty environment: no globals, no libraries)"):format(name),
        message(seccomp.load_policy_string, ("return %s"):format(name), "p"))
    end
  end)

  it("say so when a name is left unquoted", function()
    assert.are.equal("p:2: undefined name 'kill_process' (write it as a string: \"kill_process\")",
      message(seccomp.load_policy_string, "return {\n  default = kill_process,\n}", "p"))
    assert.are.equal("p:1: undefined name 'read' (write it as a string: \"read\")",
      message(seccomp.load_policy_string, "return { default = 'kill', allow = { read } }", "p"))
  end)

  it("are text only", function()
    local path = tmpfile(string.dump(function() return { default = "allow" } end))
    assert.are.equal(path .. ": attempt to load a binary chunk (mode is 't')", message(seccomp.load_policy, path))
    assert.are.equal("policy: attempt to load a binary chunk (mode is 't')",
      message(seccomp.load_policy_string, string.dump(function() return { default = "allow" } end)))
  end)

  it("report a file that does not compile, raises, or returns no table", function()
    local path = tmpfile("return {\n  default = 'allow',\n  rules = {\n")
    assert.matches("^" .. path:gsub("%p", "%%%0") .. ":4: .*expected", message(seccomp.load_policy, path))
    path = tmpfile("local x = nil\nreturn { default = x + 1 }")
    assert.matches("^" .. path:gsub("%p", "%%%0") .. ":2: attempt to perform arithmetic on a nil value",
      message(seccomp.load_policy, path))
    path = tmpfile("return 42")
    assert.are.equal(path .. ": the policy returned number 42; it must return a policy table (return { default = ..., ... })",
      message(seccomp.load_policy, path))
    path = tmpfile("")
    assert.are.equal(path .. ": the policy returned nothing; it must return a policy table (return { default = ..., ... })",
      message(seccomp.load_policy, path))
    path = tmpfile("return nil")
    assert.are.equal(path .. ": the policy returned nil; it must return a policy table (return { default = ..., ... })",
      message(seccomp.load_policy, path))
  end)

  it("report a path that cannot be read, and a bad argument, at the caller", function()
    local missing = os.tmpname() .. "-missing.lua"
    assert.are.equal("cannot open policy file " .. missing .. ": No such file or directory",
      message(seccomp.load_policy, missing))
    assert.matches("^spec/policy_spec%.lua:%d+: cannot open policy file",
      message(function() seccomp.load_policy(missing) end))
    assert.are.equal("bad argument #1 to 'load_policy' (file name expected, got nil)", message(seccomp.load_policy))
    assert.are.equal("bad argument #1 to 'load_policy' (file name expected, got number 1)", message(seccomp.load_policy, 1))
    assert.are.equal("bad argument #1 to 'load_policy_string' (string expected, got nil)", message(seccomp.load_policy_string))
    assert.are.equal("bad argument #2 to 'load_policy_string' (string expected, got number 1)",
      message(seccomp.load_policy_string, "return {}", 1))
  end)

  describe("run within bounds", function()
    local ok_policy = "return { default = 'allow' }"

    it("stop an endless loop at max_instructions (default and given)", function()
      assert.are.equal("p: the policy ran more than max_instructions (50000000) instructions (an endless loop?)",
        message(seccomp.load_policy_string, "while true do end", "p"))
      local path = tmpfile("local n = 0\nwhile true do n = n + 1 end")
      assert.are.equal(path .. ": the policy ran more than max_instructions (10000) instructions (an endless loop?)",
        message(seccomp.load_policy, path, { max_instructions = 10000 }))
      assert.are.equal("p: the policy ran more than max_instructions (10) instructions (an endless loop?)",
        message(seccomp.load_policy_string, "local x = 0 for i = 1, 10 do x = x + i end " .. ok_policy, "p",
          { max_instructions = 10 }))
      -- the same policy within a budget large enough
      assert.is_true(seccomp.load_policy_string("local x = 0 for i = 1, 10 do x = x + i end " .. ok_policy, "p",
        { max_instructions = 1000 }):is_valid())
    end)

    it("stop a policy that allocates without end at max_memory (default and given)", function()
      assert.are.equal("p: the policy needed more than max_memory (67108864 bytes)",
        message(seccomp.load_policy_string, "local t = {} local i = 0 while true do i = i + 1 t[i] = {} end", "p",
          { max_instructions = math.huge }))
      -- one concatenation can ask for gigabytes between two hooks: counted all the same
      assert.are.equal("p: the policy needed more than max_memory (1048576 bytes)",
        message(seccomp.load_policy_string, "local s = 'x' for i = 1, 40 do s = s .. s end", "p",
          { max_memory = 1024 * 1024 }))
      assert.are.equal("p: compiling the policy needed more than max_memory (100 bytes)",
        message(seccomp.load_policy_string, ok_policy, "p", { max_memory = 100 }))
      local path = tmpfile(ok_policy .. (" "):rep(2000))
      assert.are.equal(path .. ": the policy file is larger than max_memory (1000 bytes)",
        message(seccomp.load_policy, path, { max_memory = 1000 }))
    end)

    it("without string methods (one pattern match could run for hours)", function()
      assert.are.equal("p:1: a policy file runs in an empty environment: no string methods either ('rep')",
        message(seccomp.load_policy_string, "local s = ('a'):rep(100000) return s:find('.-.-.-.-.-b')", "p"))
      -- and only while the policy runs
      assert.are.equal("aa", ("a"):rep(2))
    end)

    it("refuse what is not a regular file: a FIFO, a device, a directory", function()
      local fifo = os.tmpname()
      os.remove(fifo)
      assert(os.execute("mkfifo " .. H.shellquote(fifo)))
      local writer = assert(io.open(fifo, "r+")) -- a FIFO with a writer that never closes
      for _, path in ipairs { fifo, "/dev/zero", "/tmp" } do
        assert.are.equal(path .. ": not a regular file (a policy file must be one: a FIFO or a device "
          .. "could block or never end)", message(seccomp.load_policy, path))
      end
      writer:close()
      os.remove(fifo)
    end)

    it("take the limits as a checked table", function()
      local cases = {
        { "x", "limits expected (a plain table: { max_instructions =, max_memory = }), got string 'x'" },
        { setmetatable({}, { __index = { max_memory = 1 } }),
          "limits expected (a plain table: { max_instructions =, max_memory = }), got a table with a metatable" },
        { { max_instrs = 1 }, "unknown limit 'max_instrs' (the limits are max_instructions, max_memory)" },
        { { max_memory = 0 }, "max_memory must be a positive integer or math.huge, got number 0" },
        { { max_memory = "1" }, "max_memory must be a positive integer or math.huge, got string '1'" },
        { { max_instructions = 1.5 }, "max_instructions must be a positive integer or math.huge, got number 1.5" },
      }
      for _, case in ipairs(cases) do
        assert.are.equal("bad argument #2 to 'load_policy' (" .. case[2] .. ")",
          message(seccomp.load_policy, "/nonexistent", case[1]))
        assert.are.equal("bad argument #3 to 'load_policy_string' (" .. case[2] .. ")",
          message(seccomp.load_policy_string, ok_policy, nil, case[1]))
      end
      assert.is_true(seccomp.load_policy_string(ok_policy, nil,
        { max_instructions = math.huge, max_memory = math.huge }):is_valid())
      assert.is_true(seccomp.load_policy_string(ok_policy, nil, {}):is_valid())
    end)
  end)

  it("leave no hook behind, and leave another's hook alone", function()
    seccomp.load_policy_string("return { default = 'allow' }")
    assert.is_nil(debug.gethook())
    H.raises(seccomp.load_policy_string, "return { default = 'kil' }")
    assert.is_nil(debug.gethook())
    local calls = 0
    local function counter() calls = calls + 1 end
    debug.sethook(counter, "", 1000000)
    -- the policy runs in a coroutine of its own: another hook on this
    -- thread stays, and the lines are there all the same
    local err = message(seccomp.load_policy_string, "return {\n default = 'kil' }", "p")
    local hook = debug.gethook()
    debug.sethook()
    assert.are.equal(counter, hook)
    assert.are.equal("p:1: default: unknown action 'kil' (did you mean 'kill'?)", err)
  end)
end)

describe("filter sugar", function()
  it("f:allow adds allow rules for one syscall or a list", function()
    local f = seccomp.filter("kill"):allow({ "read", "write" }):allow("openat", "arg2 & 3 == 0", seccomp.arg(1):ne(0))
    same_bpf(f, by_hand("kill", function(g)
      g:add_rule("allow", "read"):add_rule("allow", "write"):add_rule("allow", "openat", "arg2 & 3 == 0", seccomp.arg(1):ne(0))
    end))
  end)

  it("f:deny adds errno rules", function()
    local f = seccomp.filter("allow"):deny("EACCES", "kill"):deny(13, { "tkill", "tgkill" }, { 0, "==", 1 }):deny(0, "close")
    same_bpf(f, by_hand("allow", function(g)
      g:add_rule("errno(EACCES)", "kill"):add_rule("errno(EACCES)", "tkill", { 0, "==", 1 })
       :add_rule("errno(EACCES)", "tgkill", { 0, "==", 1 }):add_rule(seccomp.errno(0), "close")
    end))
  end)

  it("checks every argument before adding anything", function()
    local f = seccomp.filter("kill")
    local before = f:export_bpf()
    local cases = {
      { function() f:allow({ "read", "wrtie" }) end, "bad argument #1 to 'allow' ([2]: unknown syscall 'wrtie' (did you mean 'write'?))" },
      { function() f:allow("wrtie") end, "bad argument #1 to 'allow' (unknown syscall 'wrtie' (did you mean 'write'?))" },
      { function() f:allow({}) end, "bad argument #1 to 'allow' (empty list of syscalls)" },
      { function() f:allow({ "read", x = 1 }) end, "bad argument #1 to 'allow' (unexpected key 'x' in a list of syscalls)" },
      { function() f:allow(nil) end, "bad argument #1 to 'allow' (syscall name or number expected, got nil)" },
      { function() f:allow("read", "arg0 =< 1") end,
        "bad argument #2 to 'allow' (unknown operator '=<' (did you mean '<='?) in condition 'arg0 =< 1')" },
      { function() f:allow("read", "arg0 == 1", "arg0 == 2") end,
        "bad argument #3 to 'allow' (a second condition on arg0: libseccomp allows one comparison per argument in a rule "
        .. "(use separate rules, or a masked comparison))" },
      { function() f:deny("EPRM", "read") end, "bad argument #1 to 'deny' (unknown errno 'EPRM' (did you mean 'EPERM'?))" },
      { function() f:deny("read") end, "bad argument #1 to 'deny' (unknown errno 'read')" },
      { function() f:deny("EPERM", { "read", 1.5 }) end, "bad argument #2 to 'deny' ([2]: bad syscall number 1.5)" },
      { function() f:deny("EPERM", "read", 1, 2, 3, 4, 5, 6, 7) end, "bad argument #9 to 'deny' (too many conditions (7); at most 6)" },
      { function() f.allow(42, "read") end, "calling 'allow' on bad self (seccomp.filter expected, got number 42)" },
    }
    for _, case in ipairs(cases) do
      local err = message(case[1])
      assert.matches("^spec/policy_spec%.lua:%d+: ", err)
      assert.are.equal(case[2], err:gsub("^spec/policy_spec%.lua:%d+: ", ""))
    end
    assert.are.equal(before, f:export_bpf())
  end)

  it("raises libseccomp's failures as the error object", function()
    local err = H.raises(function() seccomp.filter("allow"):allow("read") end)
    assert.are.equal("EACCES", err.ename)
    assert.are.equal("add_rule", err.op)
  end)

  it("refuses a released filter", function()
    local f = seccomp.filter("kill")
    f:release()
    assert.matches("calling 'allow' on bad self %(filter has been released%)", message(function() f:allow("read") end))
    assert.matches("filter has been released", message(function() f:deny("EPERM", "read") end))
  end)
end)

describe("policies in force", function()
  local prelude = "local seccomp = require 'seccomp'\nio.stdout:setvbuf('no')\n"

  it("kill by default, allow what is listed", function()
    local out, ok, how, code = H.child(prelude .. [[
seccomp.filter{
  default = "kill_process",
  allow = { "write", "exit_group", "brk", "mmap", "munmap", "rt_sigreturn", "rt_sigaction", "fstat", "newfstatat" },
  rules = { { "allow", "ioctl", "arg1 == 0x5401" } },
}:load()
io.write("alive\n")
os.remove("/nonexistent/file")
io.write("not reached\n")
]])
    assert.are.equal("alive\n", out)
    assert.are.same({ nil, "signal", H.SIGSYS }, { ok, how, code })
  end)

  it("fail denied calls with their errno, and only under their conditions", function()
    local dir = os.tmpname()
    local out, ok, how, code = H.child(prelude .. ([[
local dir = %q
seccomp.filter{
  default = "allow",
  rules = {
    { action = "errno(EACCES)", syscall = "openat", args = { "arg2 & 3 == 1" } },  -- O_WRONLY
    { action = "errno(ENOTDIR)", syscall = "unlink" },
  },
}:load()
print(select(3, io.open(dir, "w")))
print(io.open(dir, "r") ~= nil)
print(select(3, os.remove(dir)))
]]):format(dir))
    os.remove(dir)
    assert.are.same({ true, "exit", 0 }, { ok, how, code })
    assert.are.equal("13\ntrue\n20\n", out)
  end)

  it("load from a file in the child", function()
    local path = tmpfile([[
return {
  default = "allow",
  rules = { { action = "errno(EPERM)", syscall = "unlink" } },
}]])
    local out, ok, how, code = H.child(prelude .. ([[
local f = seccomp.load_policy(%q)
f:load()
print(select(3, os.remove("/nonexistent/file")))
]]):format(path))
    assert.are.same({ true, "exit", 0 }, { ok, how, code })
    assert.are.equal("1\n", out)
  end)

  it("fail without a filter otherwise (the control)", function()
    local out, ok, how, code = H.child(prelude .. [[
print(select(3, os.remove("/nonexistent/file")))
]])
    assert.are.same({ true, "exit", 0 }, { ok, how, code })
    assert.are.equal("2\n", out)
  end)
end)

describe("LuaCATS annotations", function()
  local fh = assert(io.open("lua/seccomp/init.lua"))
  local src = fh:read("a")
  fh:close()
  local lines = {}
  for l in (src .. "\n"):gmatch("([^\n]*)\n") do
    lines[#lines + 1] = l
  end

  -- the doc comment block right above line i
  local function docs_above(i)
    local block = {}
    i = i - 1
    while i > 0 and lines[i]:match("^%-%-%-") do
      table.insert(block, 1, lines[i])
      i = i - 1
    end
    return table.concat(block, "\n")
  end

  local class_fields = {}
  for name in src:gmatch("%-%-%-@field ([%w_]+)") do
    class_fields[name] = true
  end

  it("annotate every public name of seccomp", function()
    local missing = {}
    for name, value in pairs(seccomp) do
      local annotated = false
      for i, l in ipairs(lines) do
        if l:match("^M%." .. name .. " = ") or l:match("^function M%." .. name .. "%(") then
          local block = docs_above(i)
          if type(value) == "function" then
            annotated = block:match("@type fun%(") ~= nil or (block:match("@param") ~= nil and block:match("@return") ~= nil)
          else
            annotated = block:match("@type ") ~= nil
          end
        end
      end
      if not annotated and not class_fields[name] then
        missing[#missing + 1] = name
      end
    end
    table.sort(missing)
    assert.are.same({}, missing)
  end)

  it("declare the aliases for actions, arches and conditions, and the policy classes", function()
    for _, decl in ipairs { "@alias seccomp.Action", "@alias seccomp.Arch", "@alias seccomp.Condition", "@alias seccomp.Syscall",
                            "@alias seccomp.Op", "@alias seccomp.Errno", "@class seccomp.Policy", "@class seccomp.Rule",
                            "@class seccomp.Attrs", "@class seccomp\n" } do
      assert.is_truthy(src:find("---" .. decl, 1, true), decl)
    end
  end)

  it("have a meta file for the core that require cannot find", function()
    local meta = assert(io.open("types/seccomp/core.lua")):read("a")
    assert.matches("^%-%-%-@meta seccomp%.core\n", meta)
    assert.is_nil(package.searchpath("seccomp.core", package.path))
    for name, value in pairs(core) do
      if type(value) == "function" then
        assert.is_truthy(meta:find("function core." .. name .. "(", 1, true), name)
      end
    end
    local methods = getmetatable(core.filter("allow")).__index
    for name in pairs(methods) do
      assert.is_truthy(meta:find("function filter:" .. name .. "(", 1, true), name)
    end
  end)

  it("are valid Lua, so the meta file loads as a chunk", function()
    assert.is_function(loadfile("types/seccomp/core.lua", "t", {}))
  end)
end)
