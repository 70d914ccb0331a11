-- seccomp.oci: OCI / Docker seccomp profiles.  Every profile here is written
-- by hand for the field it tests; every filter is checked with simulate
-- (nothing is loaded).
local seccomp = require "seccomp"
local oci = require "seccomp.oci"
local H = require "helper"

local NATIVE = seccomp.arch_name(seccomp.native_arch())
local X86_64 = NATIVE == "x86_64"

local function act(f, ...)
  return seccomp.action_name(f:simulate(...))
end

-- Asserts that g acts as f on every syscall of each of `arches` with each
-- of the argument lists `arg_sets`; returns how many calls it compared.
local function same_actions(f, g, arches, arg_sets)
  local n = 0
  for _, arch in ipairs(arches) do
    for _, name in ipairs(seccomp.syscalls(arch)) do
      for _, args in ipairs(arg_sets) do
        assert.are.equal(act(f, name, args, arch), act(g, name, args, arch), arch .. " " .. name)
        n = n + 1
      end
    end
  end
  return n
end

-- a profile allowing getppid, plus what the test adds
local profile = H.oci_profile

local function err_of(p, ctx)
  return H.message(oci.filter, p, ctx)
end

-- Is the filter attribute 'unknown' (the module's compiler) available?
local function have_unknown()
  local f = seccomp.filter("kill_process")
  f:add_rule("allow", "read")
  local ok, msg = pcall(f.set_attr, f, "unknown", "enosys")
  f:release()
  return ok, msg
end

describe("oci JSON", function()
  it("keeps 64-bit integers exact", function()
    local v = oci.decode("[9007199254740993, 18446744073709551615, -9223372036854775808, 9223372036854775807, 0]")
    assert.are.equal(math.tointeger(2 ^ 53) + 1, v[1])
    assert.are.equal("integer", math.type(v[1]))
    assert.are.equal(-1, v[2]) -- 2^64 - 1: all 64 bits
    assert.are.equal(math.mininteger, v[3])
    assert.are.equal(math.maxinteger, v[4])
    assert.are.equal('[9007199254740993, 18446744073709551615, 9223372036854775808, 9223372036854775807, 0]',
      oci.encode(v))
    -- and through a round trip
    local text = '{"value": 18446744073709551615, "valueTwo": 9007199254740993}'
    local back = oci.decode(oci.encode(oci.decode(text)))
    assert.are.equal(-1, back.value)
    assert.are.equal(9007199254740993, back.valueTwo)
    assert.are.equal("[-1]", oci.encode({ -1 }, { signed = true, indent = false }))
  end)

  it("decodes the rest of JSON", function()
    local v = oci.decode(' { "s": "a\\"b\\\\c\\/\\n\\u00e9\\ud83d\\ude00", "f": 1.5, "e": 1e3, "t": true, "n": null, "a": [] } ')
    assert.are.equal('a"b\\c/\né\240\159\152\128', v.s)
    assert.are.equal(1.5, v.f)
    assert.are.equal("float", math.type(v.e))
    assert.is_true(v.t)
    assert.are.equal(oci.null, v.n)
    assert.are.same({}, v.a)
  end)

  it("names the position of a malformed document", function()
    local cases = {
      { '{"a": 1,}', "line 1, column 9: expected a string" },
      { '{\n  "a" 1\n}', "line 2, column 7: expected ':'" },
      { '[1, 2', "line 1, column 6: expected ',' or ']'" },
      { '{"a": 01}', "line 1, column 7: bad number %(leading zero%)" },
      { '18446744073709551616', "line 1, column 1: integer 18446744073709551616 out of range" },
      { '-9223372036854775809', "out of range" },
      { '{"a": 1, "a": 2}', "line 1, column 10: duplicate key \"a\"" },
      { '"\\q"', "bad escape" },
      { '"\\ud800"', "lone high surrogate" },
      { '"a\nb"', "control character 0x0a" },
      { '{\n "x": tru\n}', "line 2, column 7: unexpected 't'" },
      { '[1] 2', "line 1, column 5: unexpected '2' after the JSON value" },
      { '', "line 1, column 1: unexpected end of text" },
      { ('['):rep(300), "nested more than 200 levels" },
    }
    for _, c in ipairs(cases) do
      local msg = H.message(oci.decode, c[1], "p.json")
      assert.matches("^p%.json: ", msg)
      assert.matches(c[2], msg)
    end
  end)

  it("refuses what JSON cannot hold", function()
    assert.matches("has no JSON form", H.message(oci.encode, { 0 / 0 }))
    local t = {}
    t.self = t
    assert.matches("contains itself", H.message(oci.encode, t))
    assert.matches("both list entries and string keys", H.message(oci.encode, { 1, a = 2 }))
    assert.matches("bad argument #1 to 'decode'", H.message(oci.decode, 42))
  end)
end)

describe("oci.filter", function()
  it("takes JSON text or a table, and is seccomp.oci", function()
    assert.are.equal(oci, seccomp.oci)
    local f = oci.filter('{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["getppid"], "action": "SCMP_ACT_ALLOW"}]}')
    assert.are.equal("allow", act(f, "getppid"))
    assert.are.equal("errno(EPERM)", act(f, "getpid"))
    local g = oci.filter(profile {})
    assert.are.equal("allow", act(g, "getppid"))
  end)

  it("defaultAction: every OCI action", function()
    local want = {
      SCMP_ACT_KILL = "kill_thread", SCMP_ACT_KILL_THREAD = "kill_thread", SCMP_ACT_KILL_PROCESS = "kill_process",
      SCMP_ACT_TRAP = "trap", SCMP_ACT_ERRNO = "errno(EPERM)", SCMP_ACT_TRACE = "trace(1)",
      SCMP_ACT_LOG = "log",
    }
    for word, name in pairs(want) do
      local f = oci.filter(profile { defaultAction = word, syscalls = { { names = { "getppid" }, action = "SCMP_ACT_ALLOW" } } })
      assert.are.equal(name, act(f, "getpid"), word)
    end
    local f = oci.filter(profile { defaultAction = "SCMP_ACT_ALLOW", syscalls = { { names = { "getppid" }, action = "SCMP_ACT_KILL" } } })
    assert.are.equal("allow", act(f, "getpid"))
    assert.are.equal("kill_thread", act(f, "getppid"))
    assert.matches("^defaultAction: unknown action 'SCMP_ACT_ALLOWW' %(did you mean 'SCMP_ACT_ALLOW'%?%)",
      err_of(profile { defaultAction = "SCMP_ACT_ALLOWW" }))
    assert.matches("unknown action 'allow'", err_of(profile { defaultAction = "allow" }))
    assert.matches("^defaultAction: missing key 'defaultAction': runc refuses",
      err_of { syscalls = { { names = { "read" }, action = "SCMP_ACT_ALLOW" } } })
    -- the runtimes run a container with neither without seccomp: no filter to build
    assert.matches("^profile: no defaultAction and no syscalls", err_of { syscalls = {} })
    -- runc: notify needs its agent, never the default action
    assert.matches("^defaultAction: runc refuses the profile: \"SCMP_ACT_NOTIFY cannot be used as default action\"",
      err_of(profile { defaultAction = "SCMP_ACT_NOTIFY" }))
    assert.matches("^syscalls%[1%]%.action: runc refuses the profile: \"listenerPath is not set\"",
      err_of(profile { defaultAction = "SCMP_ACT_ALLOW", syscalls = { { names = { "mkdir" }, action = "SCMP_ACT_NOTIFY" } } }))
    assert.matches("^syscalls%[1%]%.names%[1%]: runc refuses the profile: \"SCMP_ACT_NOTIFY cannot be used for the write",
      err_of(profile { defaultAction = "SCMP_ACT_ALLOW", syscalls = { { names = { "write" }, action = "SCMP_ACT_NOTIFY" } } }))
    -- a default action alone is a filter (a profile that logs every call)
    local g = oci.filter { defaultAction = "SCMP_ACT_LOG" }
    assert.are.equal("log", act(g, "getpid"))
  end)

  it("defaultErrnoRet and errnoRet", function()
    local f = oci.filter(profile { defaultErrnoRet = 38, syscalls = {
      { names = { "getppid" }, action = "SCMP_ACT_ERRNO", errnoRet = 13 },
      { names = { "getpid" }, action = "SCMP_ACT_ERRNO" },         -- EPERM
      { names = { "gettid" }, action = "SCMP_ACT_TRACE", errnoRet = 7 },
    } })
    assert.are.equal("errno(ENOSYS)", act(f, "uname"))
    assert.are.equal("errno(EACCES)", act(f, "getppid"))
    assert.are.equal("errno(EPERM)", act(f, "getpid"))
    assert.are.equal("trace(7)", act(f, "gettid"))
    -- with another action runc ignores it: noted
    local g = oci.filter(profile { defaultAction = "SCMP_ACT_ALLOW", defaultErrnoRet = 1, syscalls = {
      { names = { "getppid" }, action = "SCMP_ACT_KILL", errnoRet = 3 } } })
    assert.are.equal("allow", act(g, "getpid"))
    assert.are.equal("kill_thread", act(g, "getppid"))
    local notes = g:notes()
    assert.are.same({ "ignored_key", "ignored_key" }, { notes[1].kind, notes[2].kind })
    assert.matches("defaultErrnoRet is ignored with SCMP_ACT_ALLOW, as runc ignores it", notes[1].message)
    assert.are.same({ "defaultErrnoRet", "syscalls[1].errnoRet" }, { notes[1].origin, notes[2].origin })
    assert.matches("^syscalls%[1%]%.errnoRet: 5000 out of range %(0%.%.4095%)", err_of(profile { syscalls = {
      { names = { "getppid" }, action = "SCMP_ACT_ERRNO", errnoRet = 5000 } } }))
    assert.matches("^syscalls%[1%]%.errnoRet: integer expected, got string", err_of(profile { syscalls = {
      { names = { "getppid" }, action = "SCMP_ACT_ERRNO", errnoRet = "13" } } }))
  end)

  it("architectures: the listed arches, and the runtime's own", function()
    local f = oci.filter(profile { architectures = { "SCMP_ARCH_X86", "SCMP_ARCH_AARCH64" } })
    assert.is_true(f:has_arch("native"))
    assert.is_true(f:has_arch("x86"))
    assert.is_true(f:has_arch("aarch64"))
    assert.is_false(f:has_arch("arm"))
    assert.are.equal("allow", act(f, "getppid", nil, "aarch64"))
    assert.are.equal("kill_thread", act(f, "getppid", nil, "arm")) -- not in the filter: bad arch
    -- evaluated for another arch's runtime, the native arch is not kept
    local g = oci.filter(profile { architectures = { "SCMP_ARCH_AARCH64" } }, { arch = "arm64" })
    assert.is_true(g:has_arch("aarch64"))
    assert.are.equal(NATIVE == "aarch64", g:has_arch("native"))
    assert.matches("^architectures%[2%]: arch 'x86_64' is not one of runc's %(did you mean 'SCMP_ARCH_X86_64'%?%): "
      .. "runc refuses the profile", err_of(profile { architectures = { "SCMP_ARCH_X86", "x86_64" } }))
    assert.matches("^architectures%[1%]: arch 'SCMP_ARCH_Z80' is not one of runc's",
      err_of(profile { architectures = { "SCMP_ARCH_Z80" } }))
    -- a word libseccomp knows and runc 1.1.5 does not
    assert.matches("^architectures%[1%]: arch 'SCMP_ARCH_RISCV64' is not one of runc's",
      err_of(profile { architectures = { "SCMP_ARCH_RISCV64" } }))
  end)

  it("archMap: the runtime's arch and its subArchitectures", function()
    local map = {
      { architecture = "SCMP_ARCH_X86_64", subArchitectures = { "SCMP_ARCH_X86", "SCMP_ARCH_X32" } },
      { architecture = "SCMP_ARCH_AARCH64", subArchitectures = { "SCMP_ARCH_ARM" } },
    }
    local f = oci.filter(profile { archMap = map }, { arch = "amd64" })
    for _, a in ipairs { "x86_64", "x86", "x32" } do assert.is_true(f:has_arch(a), a) end
    assert.is_false(f:has_arch("aarch64"))
    local g = oci.filter(profile { archMap = map }, { arch = "aarch64" })
    assert.is_true(g:has_arch("aarch64"))
    assert.is_true(g:has_arch("arm"))
    assert.is_false(g:has_arch("x86"))
    assert.are.equal("allow", act(g, "getppid", nil, "arm"))
    -- no entry for the arch: the arch alone
    local h = oci.filter(profile { archMap = map }, { arch = "riscv64" })
    assert.is_true(h:has_arch("riscv64"))
    assert.is_false(h:has_arch("aarch64"))
    assert.matches("^archMap: both 'architectures' and 'archMap' are given",
      err_of(profile { archMap = map, architectures = { "SCMP_ARCH_X86" } }))
    assert.matches("^archMap%[1%]%.subArchitectures%[2%]: arch 'SCMP_ARCH_NOPE' is not one of runc's",
      err_of(profile { archMap = { { architecture = "SCMP_ARCH_X86_64", subArchitectures = { "SCMP_ARCH_X86", "SCMP_ARCH_NOPE" } } } },
        { arch = "x86_64" }))
    -- an entry for no arch is no arch's
    local e = oci.filter(profile { archMap = { { subArchitectures = { "SCMP_ARCH_NOPE" } } } }, { arch = "x86_64" })
    assert.are.same({ true, false }, { e:has_arch("x86_64"), e:has_arch("x86") })
  end)

  it("syscalls: names, the old single name, and the skip rules", function()
    local f, skipped = oci.filter(profile { defaultAction = "SCMP_ACT_ERRNO", syscalls = {
      { names = { "getppid", "no_such_call", "gettid" }, action = "SCMP_ACT_ALLOW" },
      { name = "getpid", action = "SCMP_ACT_ALLOW" },
      { names = { "uname", "another_unknown" }, action = "SCMP_ACT_ERRNO" }, -- = default: skipped, names too
      { names = { "no_such_call" }, action = "SCMP_ACT_LOG" },
    } })
    assert.are.equal("allow", act(f, "getppid"))
    assert.are.equal("allow", act(f, "gettid"))
    assert.are.equal("allow", act(f, "getpid"))
    assert.are.equal("errno(EPERM)", act(f, "uname"))
    assert.are.same({ "no_such_call" }, skipped)
    local rules = f:rules()
    assert.are.equal(3, #rules)
    -- the ledger names each rule's syscall as written and the entry it came from
    assert.are.same({ "getppid", "gettid", "getpid" }, { rules[1].syscall, rules[2].syscall, rules[3].syscall })
    assert.are.same({ "syscalls[1]", "syscalls[1]", "syscalls[2]" }, { rules[1].origin, rules[2].origin, rules[3].origin })
  end)

  it("an unknown name in a rule more restrictive than the default raises unless skip_unknown", function()
    local p = profile { defaultAction = "SCMP_ACT_ALLOW", syscalls = {
      { names = { "ptrace", "no_such_call" }, action = "SCMP_ACT_ERRNO" } } }
    assert.matches("^syscalls%[1%]%.names%[2%]: unknown syscall 'no_such_call' in a rule more restrictive "
      .. "%(errno%(EPERM%)%) than the default action %(allow%)", err_of(p))
    local f, skipped = oci.filter(p, { skip_unknown = true })
    assert.are.same({ "no_such_call" }, skipped)
    assert.are.equal("errno(EPERM)", act(f, "ptrace"))
    -- a kill rule under an errno default is more restrictive too
    assert.matches("unknown syscall 'nope'", err_of(profile { syscalls = {
      { names = { "nope" }, action = "SCMP_ACT_KILL_PROCESS" } } }))
  end)

  it("args: the seven operators", function()
    local function one(op, value, two)
      return oci.filter(profile { syscalls = { { names = { "getppid" }, action = "SCMP_ACT_ALLOW",
        args = { { index = 1, value = value, valueTwo = two, op = op } } } } })
    end
    local cases = {
      { "SCMP_CMP_EQ", 5, nil, { [5] = true, [4] = false, [6] = false } },
      { "SCMP_CMP_NE", 5, nil, { [5] = false, [4] = true, [-1] = true } },
      { "SCMP_CMP_LT", 5, nil, { [4] = true, [5] = false, [-1] = false } }, -- unsigned: -1 is 2^64-1
      { "SCMP_CMP_LE", 5, nil, { [5] = true, [6] = false } },
      { "SCMP_CMP_GT", 5, nil, { [6] = true, [5] = false, [-1] = true } },
      { "SCMP_CMP_GE", 5, nil, { [5] = true, [4] = false } },
      -- MASKED_EQ: value is the mask, valueTwo the datum
      { "SCMP_CMP_MASKED_EQ", 0xf0, 0x30, { [0x30] = true, [0x3f] = true, [0x130] = true, [0x20] = false } },
    }
    for _, c in ipairs(cases) do
      local f = one(c[1], c[2], c[3])
      for v, allowed in pairs(c[4]) do
        assert.are.equal(allowed and "allow" or "errno(EPERM)", act(f, "getppid", { 0, v }), c[1] .. " " .. v)
      end
    end
    -- 2^64 - 1 from JSON is the full 64-bit datum
    local f = oci.filter([[{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["getppid"],
      "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 18446744073709551615, "op": "SCMP_CMP_EQ"}]}]}]])
    assert.are.equal("allow", act(f, "getppid", { -1 }))
    assert.are.equal("errno(EPERM)", act(f, "getppid", { 0xffffffff }))
  end)

  it("args: several conditions are all required; one index twice means any of them, as runc", function()
    local f = oci.filter(profile { syscalls = { { names = { "getppid" }, action = "SCMP_ACT_ALLOW", args = {
      { index = 0, value = 1, op = "SCMP_CMP_EQ" }, { index = 2, value = 3, op = "SCMP_CMP_EQ" } } } } })
    assert.are.equal("allow", act(f, "getppid", { 1, 0, 3 }))
    assert.are.equal("errno(EPERM)", act(f, "getppid", { 1, 0, 4 }))
    local g = oci.filter(profile { syscalls = { { names = { "getppid" }, action = "SCMP_ACT_ALLOW", args = {
      { index = 0, value = 1, op = "SCMP_CMP_EQ" }, { index = 0, value = 8, op = "SCMP_CMP_EQ" } } } } })
    assert.are.equal("allow", act(g, "getppid", { 1 }))
    assert.are.equal("allow", act(g, "getppid", { 8 }))
    assert.are.equal("errno(EPERM)", act(g, "getppid", { 2 }))
  end)

  it("args: bad conditions", function()
    local function bad(arg)
      return err_of(profile { syscalls = { { names = { "getppid" }, action = "SCMP_ACT_ALLOW", args = { arg } } } })
    end
    assert.matches("^syscalls%[1%]%.args%[1%]%.index: argument index 6 out of range %(0%.%.5%): runc refuses",
      bad { index = 6, value = 0, op = "SCMP_CMP_EQ" })
    assert.matches("index: argument index 18446744073709551615 out of range", bad { index = -1, value = 0, op = "SCMP_CMP_EQ" })
    assert.matches("^syscalls%[1%]%.args%[1%]%.op: unknown operator 'SCMP_CMP_EQQ' %(did you mean 'SCMP_CMP_EQ'%?%)",
      bad { index = 0, value = 0, op = "SCMP_CMP_EQQ" })
    -- an operator as the module spells it, where runc reads only its SCMP_CMP_ word
    assert.matches("^syscalls%[1%]%.args%[1%]%.op: unknown operator '==' %(did you mean 'SCMP_CMP_EQ'%?%): runc refuses the profile$",
      bad { index = 0, value = 0, op = "==" })
    assert.matches("^syscalls%[1%]%.args%[1%]%.op: unknown operator 'SCMP_CMP_ge' %(did you mean 'SCMP_CMP_GE'%?%): runc refuses the profile$",
      bad { index = 0, value = 0, op = "SCMP_CMP_ge" })
    assert.matches("missing key 'op'", bad { index = 0, value = 0 })
    assert.matches("args%[1%]: unknown key 'vaule' %(did you mean 'value'%?%)", bad { index = 0, vaule = 0, op = "SCMP_CMP_EQ" })
    assert.matches("value: integer expected, got number 1%.5", bad { index = 0, value = 1.5, op = "SCMP_CMP_EQ" })
  end)

  it("includes and excludes: caps (all of includes, any of excludes)", function()
    local p = profile { syscalls = {
      { names = { "getppid" }, action = "SCMP_ACT_ALLOW", includes = { caps = { "CAP_SYS_ADMIN", "CAP_NET_ADMIN" } } },
      { names = { "getpid" }, action = "SCMP_ACT_ALLOW", excludes = { caps = { "CAP_SYS_ADMIN", "CAP_NET_ADMIN" } } },
    } }
    local function with(caps)
      local f = oci.filter(p, { caps = caps })
      return act(f, "getppid"), act(f, "getpid")
    end
    assert.are.same({ "errno(EPERM)", "allow" }, { with {} })
    assert.are.same({ "errno(EPERM)", "errno(EPERM)" }, { with { "CAP_SYS_ADMIN" } })
    assert.are.same({ "allow", "errno(EPERM)" }, { with { "sys_admin", "CAP_NET_ADMIN" } })
    assert.matches("ctx%.caps%[1%]: unknown capability 'CAP_SYS_ADMN' %(did you mean 'CAP_SYS_ADMIN'%?%)",
      err_of(p, { caps = { "CAP_SYS_ADMN" } }))
    assert.matches("^syscalls%[1%]%.includes%.caps%[1%]: 'SYS_ADMIN' is no capability %(did you mean 'CAP_SYS_ADMIN'%?%)",
      err_of(profile { syscalls = { { names = { "getppid" }, action = "SCMP_ACT_ALLOW", includes = { caps = { "SYS_ADMIN" } } } } }))
  end)

  it("includes and excludes: arches in the runtime's words", function()
    local p = profile { syscalls = {
      { names = { "getppid" }, action = "SCMP_ACT_ALLOW", includes = { arches = { "amd64", "x86" } } },
      { names = { "getpid" }, action = "SCMP_ACT_ALLOW", excludes = { arches = { "arm64" } } },
    } }
    local f = oci.filter(p, { arch = "x86_64" })
    assert.are.same({ "allow", "allow" }, { act(f, "getppid", nil, "x86_64"), act(f, "getpid", nil, "x86_64") })
    local g = oci.filter(p, { arch = "arm64" })
    assert.are.same({ "errno(EPERM)", "errno(EPERM)" }, { act(g, "getppid", nil, "aarch64"), act(g, "getpid", nil, "aarch64") })
    local h = oci.filter(p, { arch = "386" })
    assert.are.equal("allow", act(h, "getppid", nil, "x86"))
    assert.matches("^syscalls%[1%]%.includes%.arches%[1%]: 'x86_64' is no runtime's arch word %(did you mean 'amd64'%?%)",
      err_of(profile { syscalls = { { names = { "getppid" }, action = "SCMP_ACT_ALLOW", includes = { arches = { "x86_64" } } } } }))
    -- Go's 386 is no runtime's word: Docker's is x86
    assert.matches("'386' is no runtime's arch word %(did you mean 'x86'%?%)",
      err_of(profile { syscalls = { { names = { "getppid" }, action = "SCMP_ACT_ALLOW", includes = { arches = { "386" } } } } }))
    assert.matches("ctx%.arch: ", err_of(p, { arch = "z80" }))
  end)

  it("includes and excludes: minKernel, compared as numbers", function()
    local p = profile { syscalls = {
      { names = { "getppid" }, action = "SCMP_ACT_ALLOW", includes = { minKernel = "5.10" } },
      { names = { "getpid" }, action = "SCMP_ACT_ALLOW", excludes = { minKernel = "5.10" } },
    } }
    local function on(k)
      local f = oci.filter(p, { kernel = k })
      return act(f, "getppid"), act(f, "getpid")
    end
    assert.are.same({ "errno(EPERM)", "allow" }, { on "5.9" })   -- 5.9 < 5.10
    assert.are.same({ "allow", "errno(EPERM)" }, { on "5.10.0-13-amd64" })
    assert.are.same({ "allow", "errno(EPERM)" }, { on "6.1" })
    assert.are.same({ "errno(EPERM)", "allow" }, { on "4.19" })
    -- default: the running kernel
    local running = io.open("/proc/sys/kernel/osrelease"):read("l")
    local maj, min = running:match("^(%d+)%.(%d+)")
    local newer = tonumber(maj) > 5 or (tonumber(maj) == 5 and tonumber(min) >= 10)
    assert.are.equal(newer and "allow" or "errno(EPERM)", act(oci.filter(p), "getppid"))
    assert.matches("minKernel: invalid kernel version \"5\", expected \"<kernel>%.<major>\"",
      err_of(profile { syscalls = { { names = { "getppid" }, action = "SCMP_ACT_ALLOW", includes = { minKernel = "5" } } } }))
    assert.matches("ctx%.kernel: a version", err_of(p, { kernel = "six" }))
  end)

  it("flags: refused, as runc 1.1.5 refuses them", function()
    for _, w in ipairs { "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_TSYNC" } do
      assert.matches("^flags: runc 1%.1%.5 refuses any flag %(\"seccomp flags are not yet supported by runc\"",
        err_of(profile { flags = { w } }))
    end
    assert.are.equal("allow", act(oci.filter(profile { flags = {} }), "getppid")) -- none is fine
  end)

  it("refuses listenerPath and listenerMetadata; a rule's comment is Docker's and Podman's", function()
    assert.matches("^listenerPath: not supported", err_of(profile { listenerPath = "/run/agent.sock" }))
    assert.matches("^listenerMetadata: not supported", err_of(profile { listenerMetadata = "x" }))
    local f = oci.filter(profile { syscalls = { { names = { "getppid" }, action = "SCMP_ACT_ALLOW", comment = "why" } } })
    assert.are.equal("allow", act(f, "getppid"))
    assert.matches("^syscalls%[1%]%.comment: string expected, got number 1",
      err_of(profile { syscalls = { { names = { "getppid" }, action = "SCMP_ACT_ALLOW", comment = 1 } } }))
    -- no runtime reads a comment beside defaultAction
    assert.matches("^profile: unknown key 'comment'", err_of(profile { comment = "top" }))
  end)

  it("refuses bad profiles with a located message, never a partial filter", function()
    assert.matches("^profile: unknown key 'defaultActon' %(did you mean 'defaultAction'%?%)",
      err_of { defaultActon = "SCMP_ACT_ALLOW", syscalls = {} })
    assert.matches("^syscalls%[1%]%.action: missing key 'action'", err_of(profile { syscalls = { { names = { "read" } } } }))
    assert.matches("^syscalls: list of syscall rules expected %(an array%), got an object",
      err_of(profile { syscalls = { read = "SCMP_ACT_ALLOW" } }))
    assert.matches("bad argument #1 to 'filter' %(profile expected", H.message(oci.filter, 42))
    assert.matches("^JSON:1: profile: a seccomp profile expected %(an object%), got an array", err_of("[1, 2]"))
    assert.matches("^syscalls%[1%]: a syscall rule expected %(an object%), got string",
      err_of(profile { syscalls = { "read" } }))
    assert.matches("ctx: unknown key 'cap' %(did you mean 'caps'%?%)", err_of(profile {}, { cap = {} }))
    -- JSON: the document's name and the line of the object at fault
    local text = '{\n  "defaultAction": "SCMP_ACT_ERRNO",\n  "syscalls": [\n    {"names": ["read"],\n'
      .. '     "action": "SCMP_ACT_ALLOW", "args": [{"index": 9, "value": 0, "op": "SCMP_CMP_EQ"}]}\n  ]\n}'
    assert.matches("^my%.json:5: syscalls%[1%]%.args%[1%]%.index: argument index 9 out of range %(0%.%.5%): runc refuses",
      err_of(text, { name = "my.json" }))
    assert.matches("^JSON:5: syscalls", err_of(text))
    assert.matches("^my%.json: line 1, column 2: expected a string", err_of("{,}", { name = "my.json" }))
  end)

  it("a libseccomp failure is the core's error object, located", function()
    -- x86_64 and aarch64 are both little-endian; s390x is big-endian: libseccomp refuses the mix
    local e = H.raises(oci.filter, profile { architectures = { "SCMP_ARCH_S390X" } })
    assert.are.equal("table", type(e))
    assert.are.equal("architectures[1]", e.where)
    assert.matches("^architectures%[1%]: ", e.message)
  end)
end)

describe("oci.profile and oci.encode", function()
  local policy = {
    default = "errno(EPERM)",
    arches = { "native", "x86" },
    attrs = { log = true },
    allow = { "read", "write", "exit_group" },
    rules = {
      { action = "allow", syscall = "openat", args = { "arg2 & 3 == 0" } },
      { action = "errno(EACCES)", syscalls = { "kill", "tkill" } },
      { action = "allow", syscall = "getppid", args = { { 0, "==", -1 } } },
      { action = "kill_process", syscall = "ptrace" },
    },
  }

  it("turns a policy into a profile", function()
    local p = oci.profile(policy)
    assert.are.equal("SCMP_ACT_ERRNO", p.defaultAction)
    assert.are.equal(1, p.defaultErrnoRet)
    assert.is_nil(p.flags) -- runc 1.1.5 takes none: log is not carried
    assert.are.same({ "SCMP_ARCH_" .. NATIVE:upper(), "SCMP_ARCH_X86" }, p.architectures)
    assert.are.same({ names = { "read", "write", "exit_group" }, action = "SCMP_ACT_ALLOW" }, p.syscalls[1])
    assert.are.same({ names = { "openat" }, action = "SCMP_ACT_ALLOW",
                      args = { { index = 2, op = "SCMP_CMP_MASKED_EQ", value = 3, valueTwo = 0 } } }, p.syscalls[2])
    assert.are.same({ names = { "kill", "tkill" }, action = "SCMP_ACT_ERRNO", errnoRet = 13 }, p.syscalls[3])
    assert.are.equal("SCMP_ACT_KILL_PROCESS", p.syscalls[5].action)
    assert.matches('"value": 18446744073709551615', oci.encode(p))
  end)

  it("round-trips: policy -> profile -> JSON -> filter acts as the policy", function()
    local f = seccomp.filter(policy)
    local g = oci.filter(oci.encode(oci.profile(f)))
    local calls = {
      { "read" }, { "openat", { 0, 0, 0 } }, { "openat", { 0, 0, 1 } }, { "kill", { 1, 9 } }, { "getppid", { -1 } },
      { "getppid", { 0xffffffff } }, { "ptrace" }, { "uname" }, { "read", nil, "x86" }, { "kill", nil, "x86" },
    }
    for _, c in ipairs(calls) do
      assert.are.equal(act(f, c[1], c[2], c[3]), act(g, c[1], c[2], c[3]), c[1])
    end
  end)

  it("carries examples/policies/container.lua over, call for call", function()
    local f = seccomp.load_policy("examples/policies/container.lua")
    local p = oci.profile(f)
    local arches = { table.unpack(p.architectures) }
    table.sort(arches)
    assert.are.same({ "SCMP_ARCH_X32", "SCMP_ARCH_X86", "SCMP_ARCH_X86_64" }, arches)
    -- the policy does not widen socketcall, nor return ENOSYS past its calls
    local g = oci.filter(oci.encode(p), { widen_multiplexed = false, unknown = "default" })
    local n = same_actions(f, g, { "x86_64", "x86", "x32" },
      { {}, { 0x10000000 }, { 1, 1, 0 }, { 16, 3, 9 }, { 8 }, { 0xffffffff } })
    assert.is_true(n > 5000)
  end)

  it("refuses what is not a policy or a filter, and raises the policy's own errors", function()
    assert.matches("bad argument #1 to 'profile'", H.message(oci.profile, 42))
    assert.matches("allow%[1%]: unknown syscall 'raed'", H.message(oci.profile, { default = "allow", allow = { "raed" } }))
  end)
end)

describe("a container runtime's profile (examples/policies/container.json)", function()
  local text = assert(io.open("examples/policies/container.json")):read("a")
  local doc = oci.decode(text)

  it("is large, and every name in it is known", function()
    local names = {}
    for _, s in ipairs(doc.syscalls) do
      for _, n in ipairs(s.names) do names[n] = true end
    end
    local n = 0
    for _ in pairs(names) do n = n + 1 end
    assert.is_true(n >= 350, n)
    local _, skipped = oci.filter(text, { arch = "amd64" })
    assert.are.same({}, skipped)
  end)

  for _, arch in ipairs { "x86_64", "aarch64" } do
    describe("on " .. arch, function()
      local function build(caps)
        return oci.filter(text, { arch = arch, caps = caps, kernel = "6.1", name = "container.json" })
      end
      local f = build()
      local function a(name, args, on) return act(f, name, args, on or arch) end

      it("has the arch and its sub-arches", function()
        assert.is_true(f:has_arch(arch))
        if arch == "x86_64" then
          assert.is_true(f:has_arch("x86"))
          assert.is_true(f:has_arch("x32"))
          assert.is_false(f:has_arch("aarch64"))
        else
          assert.is_true(f:has_arch("arm"))
          assert.is_false(f:has_arch("x86"))
        end
      end)

      it("allows what programs need", function()
        for _, name in ipairs { "read", "write", "openat", "mmap", "execve", "futex", "exit_group", "wait4",
                                "getdents64", "pipe2", "ptrace" } do
          assert.are.equal("allow", a(name), name)
        end
        local compat = arch == "x86_64" and "x86" or "arm"
        for _, name in ipairs { "read", "_llseek", "fcntl64", "mmap2" } do
          assert.are.equal("allow", a(name, nil, compat), compat .. " " .. name)
        end
      end)

      it("denies the privileged calls", function()
        for _, name in ipairs { "mount", "umount2", "reboot", "kexec_load", "init_module", "unshare", "setns",
                                "swapon", "bpf", "perf_event_open", "chroot", "settimeofday", "open_by_handle_at" } do
          assert.are.equal("errno(EPERM)", a(name), name)
        end
        for _, name in ipairs { "keyctl", "add_key", "clone3" } do
          assert.are.equal("errno(ENOSYS)", a(name), name)
        end
      end)

      it("allows them with the capabilities", function()
        local g = build { "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_CHROOT" }
        for _, name in ipairs { "mount", "unshare", "setns", "reboot", "chroot", "clone3" } do
          assert.are.equal("allow", act(g, name, nil, arch), name)
        end
        assert.are.equal("allow", act(g, "clone", { 0x10000000 }, arch)) -- CLONE_NEWUSER
        assert.are.equal("errno(EPERM)", act(g, "init_module", nil, arch))
      end)

      it("clone: threads and processes, no new namespaces", function()
        local CLONE_THREAD_FLAGS = 0x3d0f00 -- what a C library passes for a thread
        assert.are.equal("allow", a("clone", { CLONE_THREAD_FLAGS }))
        assert.are.equal("allow", a("clone", { 0x01200011 }))             -- fork: CHILD_SETTID|CHILD_CLEARTID|SIGCHLD
        assert.are.equal("errno(EPERM)", a("clone", { 0x10000000 }))      -- CLONE_NEWUSER
        assert.are.equal("errno(EPERM)", a("clone", { 0x40000011 }))      -- CLONE_NEWNET|SIGCHLD
        assert.are.equal("errno(EPERM)", a("clone", { 0x00020000 }))      -- CLONE_NEWNS
      end)

      it("personality: the listed personas only", function()
        for _, v in ipairs { 0, 8, 0x20000, 0x20008, 0xffffffff } do
          assert.are.equal("allow", a("personality", { v }), v)
        end
        assert.are.equal("errno(EPERM)", a("personality", { 0x0040000 })) -- ADDR_NO_RANDOMIZE
      end)

      it("socket: everything but the audit netlink socket, unless CAP_AUDIT_WRITE", function()
        assert.are.equal("allow", a("socket", { 2, 1, 0 }))   -- AF_INET, SOCK_STREAM
        assert.are.equal("allow", a("socket", { 16, 3, 0 }))  -- AF_NETLINK, NETLINK_ROUTE
        assert.are.equal("errno(EPERM)", a("socket", { 16, 3, 9 })) -- NETLINK_AUDIT
        local g = build { "CAP_AUDIT_WRITE" }
        assert.are.equal("allow", act(g, "socket", { 16, 3, 9 }, arch))
      end)

      it("arch-specific calls follow the arch", function()
        if arch == "x86_64" then
          assert.are.equal("allow", a("arch_prctl"))
          assert.are.equal("allow", a("modify_ldt"))
          assert.are.equal("errno(EPERM)", a("iopl"))          -- needs CAP_SYS_RAWIO too
          local g = build { "CAP_SYS_RAWIO" }
          assert.are.equal("allow", act(g, "iopl", nil, arch))
        else
          assert.are.equal("allow", a("set_tls", nil, "arm"))
          assert.are.equal("allow", a("cacheflush", nil, "arm"))
          -- the x86 rule is not in an arm64 runtime's filter
          assert.are.same({}, (function()
            local r = {}
            for _, rule in ipairs(f:rules()) do
              if rule.syscall == "arch_prctl" or rule.syscall == seccomp.parse("syscall", "arch_prctl") then
                r[#r + 1] = rule
              end
            end
            return r
          end)())
        end
      end)

      it("ptrace from kernel 4.8 on, or with CAP_SYS_PTRACE", function()
        local old = oci.filter(text, { arch = arch, kernel = "4.4" })
        assert.are.equal("errno(EPERM)", act(old, "ptrace", nil, arch))
        local cap = oci.filter(text, { arch = arch, kernel = "4.4", caps = { "CAP_SYS_PTRACE" } })
        assert.are.equal("allow", act(cap, "ptrace", nil, arch))
      end)
    end)
  end

  it("survives filter -> profile -> JSON -> filter, call for call", function()
    local f = oci.filter(text, { caps = { "CAP_SYS_PTRACE" }, kernel = "6.1" })
    local g = oci.filter(oci.encode(oci.profile(f)))  -- as f: runc's ENOSYS stub from the same names
    local n = same_actions(f, g, { NATIVE, X86_64 and "x86" or nil }, { {}, { 0x10000000 }, { 16, 3, 9 }, { 8 } })
    assert.is_true(n > 1000)
  end)

  it("runs a program, in a child", function()
    local out, ok, how, code = H.child([[
      local seccomp = require "seccomp"
      local f = seccomp.oci.filter(io.open("examples/policies/container.json"):read("a"))
      local c = f:spawn({ "sh", "-c", "echo hello | tr a-z A-Z; unshare -U true || echo denied" }, { stdout = io.stdout })
      print(c:wait())
    ]])
    assert.are.equal("exit", how, out)
    assert.is_true(ok, out)
    assert.matches("HELLO", out)
    assert.matches("denied", out)
    assert.matches("true\texit\t0", out)
  end)
end)

describe('unknown = "enosys"', function()
  local have, why = have_unknown()
  local UNKNOWN = H.gate(have, "needs the filter attribute 'unknown' (the module's own compiler): " .. tostring(why))
  local it_unknown = H.gated(it, pending, UNKNOWN)

  it_unknown("makes calls above the highest named one ENOSYS (policies)", function()
    local f = seccomp.filter { default = "kill_process", allow = { "read", "write", "openat" }, unknown = "enosys" }
    local top = seccomp.syscall("openat")
    assert.are.equal("allow", act(f, "openat"))
    assert.are.equal("kill_process", act(f, "close"))             -- below the highest: the default
    assert.are.equal("errno(ENOSYS)", act(f, top + 1))
    assert.are.equal("errno(ENOSYS)", act(f, "clone3"))
  end)

  it_unknown("makes calls above the highest named one ENOSYS (OCI, per arch)", function()
    local f = oci.filter(profile { defaultAction = "SCMP_ACT_KILL_PROCESS", architectures = { "SCMP_ARCH_X86" },
      syscalls = { { names = { "read", "openat" }, action = "SCMP_ACT_ALLOW" } } }, { unknown = "enosys" })
    assert.are.equal("errno(ENOSYS)", act(f, seccomp.syscall("openat") + 1))
    assert.are.equal("errno(ENOSYS)", act(f, seccomp.syscall("openat", "x86") + 1, nil, "x86"))
    assert.are.equal("kill_process", act(f, "close", nil, "x86"))
  end)

  it("takes only \"enosys\"", function()
    assert.matches("^unknown: \"enosys\" expected, got string 'ENOSYS'",
      H.message(seccomp.filter, { default = "kill_process", allow = { "read" }, unknown = "ENOSYS" }))
    assert.matches("ctx%.unknown: \"runc\", \"enosys\" or \"default\" expected", err_of(profile {}, { unknown = true }))
  end)
end)

describe("docs/oci.md", function()
  -- every `lua` block runs in a child and prints what its `-->` comments say
  local md = H.read("docs/oci.md")
  local n = 0
  for code in md:gmatch("```lua\n(.-)```") do
    n = n + 1
    local want = H.expected_output(code)
    if #want > 0 then
      it("block " .. n .. " prints what it says", function()
        local out, ok, how, code_ = H.child(code)
        assert.are.equal("exit", how, out)
        assert.are.equal(0, code_, out)
        assert.is_true(ok, out)
        assert.are.same(want, H.lines_of(out))
      end)
    end
  end
  it("has examples", function()
    assert.is_true(n >= 3)
  end)
end)
