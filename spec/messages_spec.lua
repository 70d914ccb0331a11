-- Errors that say what to do: did-you-mean for every kind of name, names
-- parsed case-insensitively where the kernel's names are (actions, arches,
-- attributes), the caller's line on error objects, and the message for a
-- released filter.
local seccomp = require "seccomp"
local H = require "helper"

local THIS = "spec/messages_spec%.lua"

describe("did you mean", function()
  local f = seccomp.filter("allow")

  it("answers a misspelt syscall with the closest name", function()
    assert.matches("%(unknown syscall 'scoket' %(did you mean 'socket'%?%)%)$",
      H.message(f.add_rule, f, "errno(EPERM)", "scoket"))
    assert.are.equal("unknown syscall 'scoket' (did you mean 'socket'?)", select(2, seccomp.syscall("scoket")))
    assert.matches("unknown syscall 'reed' %(did you mean 'read'%?%)", H.message(f.simulate, f, "reed"))
  end)

  it("answers a syscall or errno name in the wrong case with the right spelling", function()
    assert.are.equal("unknown syscall 'SOCKET' (did you mean 'socket'?)", select(2, seccomp.parse("syscall", "SOCKET")))
    assert.are.equal("unknown errno 'eperm' (did you mean 'EPERM'?)", select(2, seccomp.parse("errno", "eperm")))
    assert.are.equal("unknown errno 'eacces' (did you mean 'EACCES'?) in action 'errno(eacces)'",
      select(2, seccomp.parse("action", "errno(eacces)")))
  end)

  it("lists the actions when nothing is close, and suggests when something is", function()
    assert.are.equal("unknown action 'deny' (one of: allow, errno(ENAME|N), kill_process, kill_thread, kill, "
      .. "trap, log, notify, trace(N))", select(2, seccomp.parse("action", "deny")))
    assert.are.equal("unknown action 'kill-process' (did you mean 'kill_process'?)",
      select(2, seccomp.parse("action", "kill-process")))
    assert.are.equal("unknown action 'erno(EPERM)' (did you mean 'errno(EPERM)'?)",
      select(2, seccomp.parse("action", "erno(EPERM)")))
  end)

  it("answers an operator written another way, in every condition form", function()
    local function parse_msg(c) return select(2, seccomp.parse("cond", c)) end
    -- the table form, through parse and through add_rule
    assert.are.equal("unknown operator '=' (did you mean '=='?)", parse_msg { 0, "=", 5 })
    assert.are.equal("unknown operator '=>' (did you mean '>='?)", parse_msg { 0, "=>", 5 })
    assert.are.equal("unknown operator '=<' (did you mean '<='?)", parse_msg { 0, "=<", 5 })
    assert.are.equal("unknown operator '~=' (did you mean '!='?)", parse_msg { 0, "~=", 5 })
    assert.are.equal("unknown operator '<>' (did you mean '!='?)", parse_msg { 0, "<>", 5 })
    assert.are.equal("unknown operator 'lte' (did you mean 'le'?)", parse_msg { 0, "lte", 5 })
    assert.are.equal("unknown operator 'eqq' (did you mean 'eq'?)", parse_msg { 0, "eqq", 5 })
    assert.are.equal("unknown operator '=!='", parse_msg { 0, "=!=", 5 }) -- nothing close: no guess
    local g = seccomp.filter("allow")
    assert.matches(":1: bad argument #3 to 'add_rule' %(unknown operator '=' %(did you mean '=='%?%)%)$",
      H.method_message(g, "add_rule", "errno(EPERM)", "read", { 0, "=", 5 }))
    -- the string form
    assert.are.equal("unknown operator '=' (did you mean '=='?) in condition 'arg0 = 5'", parse_msg "arg0 = 5")
    assert.are.equal("unknown operator '=>' (did you mean '>='?) in condition 'arg1 => 2'", parse_msg "arg1 => 2")
    assert.are.equal("unknown operator '=<' (did you mean '<='?) in condition 'arg2=<3'", parse_msg "arg2=<3")
    assert.are.equal("unknown operator '~=' (did you mean '!='?) in condition 'arg0 ~= 0'", parse_msg "arg0 ~= 0")
    assert.matches(":1: bad argument #3 to 'add_rule' %(unknown operator '=' %(did you mean '=='%?%) in condition "
      .. "'arg0 = 5'%)$", H.method_message(g, "add_rule", "errno(EPERM)", "read", "arg0 = 5"))
    -- the builders: a method that is not there
    assert.matches("^spec/messages_spec%.lua:%d+: seccomp%.arg%(1%) has no method 'lte' %(did you mean 'le'%?%)$",
      H.message(function() return seccomp.arg(1):lte(3) end))
    assert.matches("^spec/messages_spec%.lua:%d+: seccomp%.arg32%(0%) has no method 'equal' %(did you mean 'eq'%?%)$",
      H.message(function() return seccomp.arg32(0):equal(3) end))
    assert.matches("^spec/messages_spec%.lua:%d+: seccomp%.arg%(2%) has no method 'foo' %(the methods are eq, ne, "
      .. "lt, le, gt, ge, masked_eq%)$", H.message(function() return seccomp.arg(2):foo(3) end))
    assert.are.equal("arg1 <= 0x3", tostring(seccomp.arg(1):le(3))) -- the methods themselves still work
    -- a policy table, located
    local ok, err = pcall(seccomp.filter, { default = "allow",
      rules = { { action = "errno(EPERM)", syscall = "read", args = { "arg0 => 5" } } } })
    assert.is_false(ok)
    assert.are.equal("rules[1].args[1]: unknown operator '=>' (did you mean '>='?) in condition 'arg0 => 5'", err)
    ok, err = pcall(seccomp.filter, { default = "allow", rules = { { "errno(EPERM)", "read", { 1, "=<", 2 } } } })
    assert.is_false(ok)
    assert.are.equal("rules[1][3]: unknown operator '=<' (did you mean '<='?)", err)
    -- the right spellings are still taken, with the same meaning
    assert.are.equal("arg0 >= 0x5", tostring(seccomp.parse("cond", "arg0 >= 5")))
    assert.are.equal("arg0 >= 0x5", tostring(seccomp.parse("cond", { 0, ">=", 5 })))
    assert.are.equal("arg2 <= 0x3", tostring(seccomp.parse("cond", "arg2 <= 3")))
  end)

  it("answers an action written with a space or an errno name alone", function()
    local function msg(a) return select(2, seccomp.parse("action", a)) end
    assert.are.equal("unknown action 'kill process' (did you mean 'kill_process'?)", msg "kill process")
    assert.are.equal("unknown action 'Kill Process' (did you mean 'kill_process'?)", msg "Kill Process")
    assert.are.equal("unknown action 'kill thread' (did you mean 'kill_thread'?)", msg "kill thread")
    assert.are.equal("unknown action 'allow ' (did you mean 'allow'?)", msg "allow ")
    assert.are.equal("unknown action 'errno (EPERM)' (did you mean 'errno(EPERM)'?)", msg "errno (EPERM)")
    assert.are.equal("unknown action 'EPERM' (did you mean 'errno(EPERM)'?)", msg "EPERM")
    assert.are.equal("unknown action 'enosys' (did you mean 'errno(ENOSYS)'?)", msg "enosys")
    assert.are.equal("unknown errno 'eperm' (did you mean 'EPERM'?) in action 'errno(eperm)'", msg "errno(eperm)")
    local f = seccomp.filter("allow")
    assert.matches(":1: bad argument #1 to 'add_rule' %(unknown action 'kill process' %(did you mean "
      .. "'kill_process'%?%)%)$", H.method_message(f, "add_rule", "kill process", "read"))
    -- accepted as they are: the name's case and OCI's prefix (action names are case-insensitive)
    assert.are.equal("errno(EPERM)", seccomp.action_name("ERRNO(EPERM)"))
    assert.are.equal("kill_process", seccomp.action_name("SCMP_ACT_KILL_PROCESS"))
  end)

  it("answers other spellings of attributes, and lists them otherwise", function()
    assert.matches("unknown attribute 'no_new_privs' %(did you mean 'nnp'%?%)", H.message(f.set_attr, f, "no_new_privs", true))
    assert.matches("unknown attribute 'SCMP_FLTATR_CTL_TSYNC' %(did you mean 'tsync'%?%)",
      H.message(f.get_attr, f, "SCMP_FLTATR_CTL_TSYNC"))
    assert.matches("unknown attribute 'tsyn' %(did you mean 'tsync'%?%)", H.message(f.get_attr, f, "tsyn"))
    assert.matches("unknown attribute 'colour' %(one of: default_action, badarch_action, nnp, tsync,",
      H.message(f.get_attr, f, "colour"))
  end)

  it("answers a misspelt arch", function()
    assert.are.equal("unknown arch 'x86-64' (did you mean 'x86_64'?)", select(2, seccomp.parse("arch", "x86-64")))
    assert.matches("^unknown arch 'vax' %(one of: x86, x86_64, ", select(2, seccomp.parse("arch", "vax")))
    -- the list holds exactly the arches the libseccomp in use knows
    local list = select(2, seccomp.parse("arch", "vax")):match("%(one of: (.*)%)$")
    local n = 0
    for name in list:gmatch("[^, ]+") do
      assert.are.equal(name, seccomp.arch_name(name))
      assert.is_number(seccomp["ARCH_" .. name:upper()], name)
      n = n + 1
    end
    local consts = 0
    for k in pairs(seccomp) do
      if k:match("^ARCH_") and k ~= "ARCH_NATIVE" then consts = consts + 1 end
    end
    assert.are.equal(consts, n)
  end)

  it("reaches the policy layer's located messages", function()
    local ok, err = pcall(seccomp.filter, { default = "errno(EPERM)", allow = { "read", "scoket" } })
    assert.is_false(ok)
    assert.are.equal("allow[2]: unknown syscall 'scoket' (did you mean 'socket'?)", err)
  end)
end)

describe("case", function()
  it("does not matter in action, arch and attribute names, which print in lower case", function()
    assert.are.equal(seccomp.ACT_ALLOW, seccomp.parse("action", "ALLOW"))
    assert.are.equal("kill_process", seccomp.action_name("Kill_Process"))
    assert.are.equal("x86_64", seccomp.arch_name("X86_64"))
    local f = seccomp.filter("allow")
    f:set_attr("NNP", false)
    assert.is_false(f:get_attr("nnp"))
    assert.is_false(f:get_attr("Nnp"))
    f:set_attr("BadArch_Action", "TRAP")
    assert.are.equal(seccomp.ACT_TRAP, f:get_attr("badarch_action"))
    assert.matches("attribute 'default_action' is read%-only", H.message(f.set_attr, f, "DEFAULT_ACTION", 0))
  end)
end)

describe("an error object", function()
  it("names the caller's file and line as `where`, and in tostring", function()
    local f = seccomp.filter("errno(EPERM)")
    local ok, err = pcall(function()
      f:add_rule("errno(EPERM)", "read") -- the default action: libseccomp refuses it
    end)
    local line = debug.getinfo(1, "l").currentline - 2
    assert.is_false(ok)
    assert.are.equal("seccomp.error", getmetatable(err).__name)
    assert.are.equal("spec/messages_spec.lua:" .. line, err.where)
    assert.are.equal(err.where .. ": seccomp.add_rule: " .. err.message .. " (EACCES)", tostring(err))
  end)

  it("names the user's line, not the module's, through the sugar and the policy layer", function()
    local f = seccomp.filter("allow")
    local ok, err = pcall(function()
      f:allow("read") -- allow on an allow filter: refused, raised from inside policy.lua
    end)
    local line = debug.getinfo(1, "l").currentline - 2
    assert.is_false(ok)
    assert.are.equal("add_rule", err.op)
    assert.are.equal("spec/messages_spec.lua:" .. line, err.where)

    ok, err = pcall(function()
      local _ = seccomp.filter{ default = "allow", rules = { { action = "allow", syscall = "read" } } }
    end)
    line = debug.getinfo(1, "l").currentline - 2 -- the line of the call
    assert.is_false(ok)
    assert.are.equal("spec/messages_spec.lua:" .. line, err.where)
    assert.are.equal("rules[1]", err.path)
    assert.matches("^" .. THIS .. ":%d+: seccomp%.add_rule: rules%[1%]: ", tostring(err))
  end)

  it("names the policy file's line for a policy file", function()
    local path = os.tmpname()
    local fh = assert(io.open(path, "w"))
    fh:write("return {\n  default = 'allow',\n  rules = {\n    { action = 'allow', syscall = 'read' },\n  },\n}\n")
    fh:close()
    local err = H.raises(seccomp.load_policy, path)
    os.remove(path)
    assert.are.equal(path .. ":4", err.where)
    assert.are.equal("rules[1]", err.path)
    assert.are.equal(path .. ":4: seccomp.add_rule: rules[1]: ", tostring(err):sub(1, #path + 32))
  end)
end)

describe("a released filter", function()
  it("says so, in the message the docs show", function()
    local f = seccomp.filter("allow")
    f:release()
    local ok, err = pcall(function() f:add_rule("errno(EPERM)", "read") end)
    assert.is_false(ok)
    assert.matches("^" .. THIS .. ":%d+: calling 'add_rule' on bad self %(filter has been released%)$", err)
    -- called as a plain function: argument #1 (pcall hides the name)
    assert.matches("bad argument #1 to '[^']*' %(filter has been released%)$", H.message(f.export_pfc, f))
  end)

  H.gated(it, pending, H.LUA54)("says when a <close> variable released it", function()
    local g = H.closed_filter()
    assert.is_false(g:is_valid())
    local ok, err = pcall(function() g:load() end)
    assert.is_false(ok)
    assert.matches("calling 'load' on bad self %(filter has been released: its <close> variable went out of scope%)$", err)
  end)
end)

describe("examples/demo.lua", function()
  H.gated(it, pending, H.LUA54)("says which failures are the point, and exits 0 when each outcome is the expected one", function()
    local fh = assert(io.open("examples/demo.lua"))
    local demo = fh:read("a")
    fh:close()
    local out, ok, how, code = H.child(demo)
    assert.are.same({ true, "exit", 0 }, { ok, how, code }, out)
    assert.matches("%$ cat /etc/hostname    %-%- expected: exit 0 %(reading is allowed%)\n", out)
    assert.matches("\n  %-> exit 0, as expected\n", out)
    assert.matches("expected: exit non%-zero %(opening for writing fails with EACCES: sh says 'Permission denied'%)\n"
      .. "[^\n]*Permission denied\n  %-> exit 2, as expected\n", out)
    assert.matches("expected: killed by SIGSYS %(mkdir is kill_process%)\n  %-> killed by SIGSYS, as expected\n", out)
    assert.is_nil(out:find("NOT AS EXPECTED", 1, true))
  end)
end)
