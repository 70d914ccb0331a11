-- Module-level functions, constants and the name parsers behind them.
local seccomp = require "seccomp"
local core = require "seccomp.core"
local H = require "helper"

describe("seccomp module", function()
  it("re-exports every core function under the same name", function()
    for name, value in pairs(core) do
      if type(value) == "function" and name ~= "filter" then
        assert.are.equal(value, seccomp[name], name)
      end
    end
    assert.is_string(seccomp._VERSION)
    assert.are.equal(core._VERSION, seccomp._VERSION)
  end)

  describe("the core's helpers for the Lua layer (core._private)", function()
    local private = core._private

    it("call gives the core's argument errors as { argument, message }, and only inside it", function()
      local f = core.filter("allow")
      local ok, err = private.call(f.set_attr, f, "nnp", "yes")
      assert.is_false(ok)
      assert.are.same({ argument = 3, message = "attribute 'nnp' takes a boolean, got 'yes'" }, err)
      -- a plain call afterwards raises Lua's usual text: the mode ended with the call
      assert.matches("^bad argument #2 to 'set_attr' %(attribute 'nnp' takes a boolean, got 'yes'%)$",
        H.method_message(f, "set_attr", "nnp", "yes"):gsub("^.-:1: ", ""))
      -- only the function call runs gets the table: what that function calls raises as usual
      local ok1, e1 = private.call(function() return f:set_attr("nnp", "yes") end)
      assert.is_false(ok1)
      assert.matches("bad argument #2 to 'set_attr' %(attribute 'nnp' takes a boolean, got 'yes'%)$", e1)
      -- results pass through; other errors (the core's error object, Lua's own) are kept
      assert.are.same({ true, f }, { private.call(f.set_attr, f, "nnp", true) })
      local ok2, e2 = private.call(f.add_rule, f, "kill", "read", { 0, "==", 1 }, { 1, "==", 2 })
      assert.is_true(ok2, tostring(e2))
      local ok3, e3 = private.call(error, "plain")
      assert.is_false(ok3)
      assert.are.equal("plain", e3)
      local ok4, e4 = private.call(f.add_arch, f, "x86_64")
      assert.is_false(ok4)
      assert.are.equal("add_arch", e4.op)
      assert.is_nil(e4.argument)
      f:release()
    end)

    it("unknown_key finds the first unknown key whatever order pairs() gives, with did-you-mean", function()
      local keys = { "budget", "seed" }
      assert.is_nil(private.unknown_key({ budget = 1, seed = 2 }, keys, "option", "the options are"))
      for _ = 1, 20 do
        local t = { budget = 1, zz = 1, aa = 1, mm = 1, [1] = 0 }
        local k, msg = private.unknown_key(t, keys, "option", "the options are")
        assert.are.equal(1, k)
        assert.are.equal("unknown option 1 (the options are budget, seed)", msg)
        t[1] = nil
        assert.are.same({ "aa", "unknown option 'aa' (the options are budget, seed)" },
          { private.unknown_key(t, keys, "option", "the options are") })
      end
      assert.are.same({ "sede", "unknown option 'sede' (did you mean 'seed'?)" },
        { private.unknown_key({ sede = 1 }, keys, "option", "the options are") })
      assert.are.equal("seed", private.guess("SEED", keys))
      assert.is_nil(private.guess("seed", keys))
      assert.is_nil(private.guess("zzzzzz", keys))
    end)
  end)

  describe("versions", function()
    it("reports the running and the compiled libseccomp", function()
      local a, b, c = seccomp.version()
      assert.are.equal(2, a)
      assert.is_true(b >= 3 and c >= 0)
      local x, y, z = seccomp.compiled_version()
      assert.are.equal(2, x)
      assert.is_true(y >= 3 and z >= 0)
    end)

    it("reports an API level and sets a valid one", function()
      local level = seccomp.api()
      assert.is_true(math.type(level) == "integer" and level >= 0)
      if seccomp.supports("log") then
        assert.is_true(seccomp.set_api(level))
        assert.are.equal(level, seccomp.api())
      end
    end)

    it("refuses API levels libseccomp does not know, as an error object", function()
      local e = H.raises(seccomp.set_api, 200)
      assert.are.equal("set_api", e.op)
      assert.are.equal(22, e.errno)
      assert.are.equal("EINVAL", e.ename)
      assert.matches("bad argument #1 to '[%w.]*set_api'", H.message(seccomp.set_api, 0))
      assert.matches("integer expected, got '3'", H.message(seccomp.set_api, "3"))
    end)
  end)

  describe("supports", function()
    it("answers every feature of the README's compatibility table", function()
      local names = { "notify", "log", "kill_process", "ssb", "optimize", "raw_rc", "tskip",
        "wait_kill", "transactions", "precompute", "export_bpf_mem", "tsync_notify",
        "notify_continue", "notify_addfd", "notify_addfd_send" }
      local listed = {}
      for _, n in ipairs(seccomp.features()) do listed[n] = true end
      for _, n in ipairs(names) do
        assert.is_true(listed[n], n)
        local ok, why = seccomp.supports(n)
        assert.is_boolean(ok)
        if not ok then
          assert.matches("feature '" .. n .. "' needs ", why)
        else
          assert.is_nil(why)
        end
      end
    end)

    it("names compiled, running and API level when a feature is missing", function()
      local maj, min, mic = seccomp.version()
      local cmaj, cmin, cmic = seccomp.compiled_version()
      local ok, why = seccomp.supports("precompute")
      if math.min(min, cmin) < 6 then
        assert.is_false(ok)
        assert.are.equal(("feature 'precompute' needs libseccomp >= 2.6.0; compiled against %d.%d.%d, running %d.%d.%d, API level %d")
          :format(cmaj, cmin, cmic, maj, min, mic, seccomp.api()), why)
      else
        assert.is_true(ok)
      end
    end)

    it("rejects an unknown feature", function()
      assert.matches("unknown feature 'teleport'", H.message(seccomp.supports, "teleport"))
    end)
  end)

  describe("arches", function()
    it("resolves libseccomp, OCI and alias names to the same number", function()
      local x = seccomp.ARCH_X86_64
      assert.are.equal("integer", math.type(x))
      for _, n in ipairs { "x86_64", "amd64", "SCMP_ARCH_X86_64", x } do
        assert.are.equal(x, seccomp.arch(n), tostring(n))
      end
      assert.are.equal(seccomp.ARCH_AARCH64, seccomp.arch("arm64"))
      assert.are.equal(seccomp.ARCH_X86, seccomp.arch("i386"))
      assert.are.equal(seccomp.ARCH_S390X, seccomp.arch("SCMP_ARCH_S390X"))
      assert.are.equal(seccomp.native_arch(), seccomp.arch("native"))
      assert.are.equal(seccomp.native_arch(), seccomp.arch(0))
      if seccomp.ARCH_LOONGARCH64 then
        assert.are.equal(seccomp.ARCH_LOONGARCH64, seccomp.arch("loong64"))
      else
        assert.matches("unknown arch 'loong64'", H.message(seccomp.arch, "loong64"))
      end
    end)

    it("names arches both ways", function()
      for _, n in ipairs { "x86", "x86_64", "x32", "arm", "aarch64", "mips", "mipsel64n32",
        "ppc64le", "s390x", "riscv64" } do
        assert.are.equal(n, seccomp.arch_name(seccomp.arch(n)))
        assert.are.equal(seccomp["ARCH_" .. n:upper()], seccomp.arch(n))
      end
    end)

    it("raises on unknown arches, naming the value", function()
      assert.matches("bad argument #1 to '[%w.]*arch' %(unknown arch 'x87' %(did you mean 'x86'%?%)%)", H.message(seccomp.arch, "x87"))
      assert.matches("unknown arch 12345", H.message(seccomp.arch_name, 12345))
      assert.matches("arch name or number expected, got table", H.message(seccomp.arch, {}))
      assert.matches("unknown arch", H.message(seccomp.arch, "x86_64\0junk"))
    end)

    it("has ARCH_NATIVE", function()
      assert.are.equal(0, seccomp.ARCH_NATIVE)
    end)
  end)

  describe("syscalls", function()
    it("resolves names and numbers for the native and foreign arches", function()
      assert.are.equal(0, seccomp.syscall("read", "x86_64"))
      assert.are.equal(3, seccomp.syscall("read", "x86"))
      assert.are.equal(359, seccomp.syscall("socket", "x86")) -- the direct call, not socketcall
      assert.are.equal(102, seccomp.syscall("socketcall", "x86"))
      assert.are.equal(63, seccomp.syscall("read", "aarch64"))
      assert.are.equal("read", seccomp.syscall_name(63, "aarch64"))
      assert.are.equal("socket", seccomp.syscall_name(359, "x86"))
      assert.are.equal(seccomp.syscall("openat"), seccomp.syscall("openat", "native"))
    end)

    it("answers nil plus a message where a name is unknown", function()
      local nr, msg = seccomp.syscall("wrtie")
      assert.is_nil(nr)
      assert.are.equal("unknown syscall 'wrtie' (did you mean 'write'?)", msg)
      nr, msg = seccomp.syscall("socketcall", "x86_64")
      assert.is_nil(nr)
      assert.are.equal("syscall 'socketcall' does not exist on x86_64", msg)
      local name, why = seccomp.syscall_name(99999)
      assert.is_nil(name)
      assert.matches("no syscall 99999 on", why)
    end)

    it("refuses a name with a NUL byte, as add_rule does", function()
      assert.are.same({ nil, "unknown syscall 'read\\0x'" }, { seccomp.syscall("read\0x") })
      assert.are.same({ nil, "unknown syscall 'read\\0'" }, { seccomp.syscall("read\0", "x86") })
      assert.matches("unknown syscall 'read\\0x'", H.message(seccomp.filter("allow").add_rule,
        seccomp.filter("allow"), "kill", "read\0x"))
    end)

    it("raises on wrong argument types", function()
      assert.matches("syscall name expected", H.message(seccomp.syscall, 5))
      assert.matches("integer expected, got '0'", H.message(seccomp.syscall_name, "0"))
      assert.matches("unknown arch 'vax'", H.message(seccomp.syscall, "read", "vax"))
    end)

    it("lists every syscall of an arch", function()
      for _, arch in ipairs { "native", "x86", "x32", "aarch64", "mips", "mips64n32", "arm", "s390x" } do
        local list = seccomp.syscalls(arch)
        assert.is_true(#list > 250, arch .. " " .. #list)
        local seen = {}
        for _, n in ipairs(list) do
          assert.is_nil(seen[n], arch .. " lists " .. n .. " twice")
          seen[n] = true
        end
        assert.is_true(seen.read and seen.close and seen.exit_group, arch)
      end
      local x86 = {}
      for _, n in ipairs(seccomp.syscalls("x86")) do x86[n] = true end
      assert.is_true(x86.socketcall and x86.socket and x86.waitpid)
      assert.matches("unknown arch", H.message(seccomp.syscalls, "pdp11"))
    end)

    -- The per-arch tables (behind syscalls(), verify's and diff's number
    -- partitions, syscall(name, arch) of a multiplexed call) scan only the
    -- number range of the arch's own base: the same names, in the same
    -- order, as a scan of every number any arch uses, through syscall_name.
    it("lists what a scan of every number range finds, on every arch", function()
      local ranges = { { 0, 7999 }, { 0x0f0000, 0x0f0fff }, { 0x40000000, 0x40000fff } }
      for _, arch in ipairs { "x86", "x86_64", "x32", "arm", "aarch64", "mips", "mips64", "mips64n32",
        "mipsel", "mipsel64", "mipsel64n32", "ppc", "ppc64", "ppc64le", "s390", "s390x", "parisc",
        "parisc64", "riscv64" } do
        if pcall(seccomp.arch, arch) then
          -- mips and x32 also resolve the bare numbers below their range,
          -- which the kernel never sees: the scan starts at read's range
          local read = assert(seccomp.syscall("read", arch))
          local base = read >= 0x40000000 and 0x40000000 or read >= 4000 and read // 1000 * 1000 or 0
          local want, seen = {}, {}
          for _, r in ipairs(ranges) do
            for nr = math.max(r[1], base), r[2] do
              local name = seccomp.syscall_name(nr, arch)
              if name and not seen[name] then
                seen[name] = true
                want[#want + 1] = name
              end
            end
          end
          assert.are.same(want, seccomp.syscalls(arch), arch)
        end
      end
    end)
  end)

  describe("actions", function()
    it("builds errno and trace actions", function()
      assert.are.equal(0x00050001, seccomp.errno("EPERM"))
      assert.are.equal(0x00050001, seccomp.errno(1))
      assert.are.equal(0x00050000, seccomp.errno(0))
      assert.are.equal(0x00050000 + 4095, seccomp.errno(4095))
      assert.are.equal(0x7ff00007, seccomp.trace(7))
    end)

    it("knows the whole errno table of the C library", function()
      for name, value in pairs { EPERM = 1, ENOENT = 2, EACCES = 13, ENOSYS = 38, EWOULDBLOCK = 11,
        EDEADLOCK = 35, ENOTSUP = 95, EHWPOISON = 133, ERFKILL = 132, EKEYREJECTED = 129,
        ENOTRECOVERABLE = 131, EREMOTEIO = 121, ECANCELED = 125, ENOMEDIUM = 123 } do
        assert.are.equal(0x00050000 + value, seccomp.errno(name), name)
      end
    end)

    it("names actions canonically", function()
      local cases = {
        allow = "allow", ALLOW = "allow", SCMP_ACT_ALLOW = "allow", kill = "kill_thread",
        kill_thread = "kill_thread", kill_process = "kill_process", SCMP_ACT_KILL_PROCESS = "kill_process",
        trap = "trap", log = "log", notify = "notify", ["errno(EPERM)"] = "errno(EPERM)",
        ["errno(1)"] = "errno(EPERM)", ["errno( EACCES )"] = "errno(EACCES)", ["errno(0)"] = "errno(0)",
        ["errno(0x2)"] = "errno(ENOENT)", ["trace(3)"] = "trace(3)", SCMP_ACT_ERRNO = "errno(EPERM)",
        ["SCMP_ACT_ERRNO(EIO)"] = "errno(EIO)", ["errno(4000)"] = "errno(4000)",
      }
      for input, want in pairs(cases) do
        assert.are.equal(want, seccomp.action_name(input), input)
      end
      assert.are.equal("allow", seccomp.action_name(seccomp.ACT_ALLOW))
      assert.are.equal("errno(EACCES)", seccomp.action_name(seccomp.errno("EACCES")))
      assert.are.equal("kill_thread", seccomp.action_name(seccomp.ACT_KILL))
    end)

    it("has the ACT_ and CMP_ constants", function()
      assert.are.equal(0x7fff0000, seccomp.ACT_ALLOW)
      assert.are.equal(0, seccomp.ACT_KILL_THREAD)
      assert.are.equal(0x00030000, seccomp.ACT_TRAP)
      -- present exactly when usable
      assert.are.equal(seccomp.supports("kill_process") and 0x80000000 or nil, seccomp.ACT_KILL_PROCESS)
      assert.are.equal(seccomp.supports("log") and 0x7ffc0000 or nil, seccomp.ACT_LOG)
      assert.are.equal(seccomp.supports("notify") and 0x7fc00000 or nil, seccomp.ACT_NOTIFY)
      assert.are.same({ 1, 2, 3, 4, 5, 6, 7 }, { seccomp.CMP_NE, seccomp.CMP_LT, seccomp.CMP_LE,
        seccomp.CMP_EQ, seccomp.CMP_GE, seccomp.CMP_GT, seccomp.CMP_MASKED_EQ })
    end)

    it("rejects bad actions and errnos, naming the value", function()
      local bad = {
        ["unknown action 'alow' %(did you mean 'allow'%?%)"] = { seccomp.action_name, "alow" },
        ["unknown errno 'EPREM' %(did you mean 'EPERM'%?%) in action 'errno%(EPREM%)'"] = { seccomp.action_name, "errno(EPREM)" },
        ["errno 70000 out of range 0..4095"] = { seccomp.errno, 70000 },
        ["errno %-1 out of range"] = { seccomp.errno, -1 },
        ["unknown errno 'EPREM'"] = { seccomp.errno, "EPREM" },
        ["errno 1.5 is not an integer"] = { seccomp.errno, 1.5 },
        ["65536 out of range 0..65535"] = { seccomp.trace, 65536 },
        ["unknown action 305419896"] = { seccomp.action_name, 0x12345678 },
        ["unknown action 'errno%(%)'"] = { seccomp.action_name, "errno()" },
        ["bad trace value 'x'"] = { seccomp.action_name, "trace(x)" },
        ["errno 5000 out of range"] = { seccomp.action_name, "errno(5000)" },
        ["action name or number expected, got boolean"] = { seccomp.action_name, true },
        ["unknown action 'allow\\0x'"] = { seccomp.action_name, "allow\0x" },
      }
      for want, call in pairs(bad) do
        local msg = H.message(call[1], call[2])
        assert.matches("bad argument #1", msg, want)
        assert.matches(want, msg:gsub("\0", "\\0"), 1)
      end
    end)
  end)

  describe("parse", function()
    it("returns the normalized value or nil plus the same message the core raises", function()
      assert.are.equal(seccomp.errno("EPERM"), seccomp.parse("action", "errno(EPERM)"))
      assert.are.equal(seccomp.ARCH_X86, seccomp.parse("arch", "i386"))
      assert.are.equal(seccomp.syscall("read"), seccomp.parse("syscall", "read"))
      assert.are.equal(13, seccomp.parse("errno", "EACCES"))
      assert.are.equal(seccomp.CMP_MASKED_EQ, seccomp.parse("op", "&="))
      assert.are.equal("arg2 & 0x3 == 0x1", tostring(seccomp.parse("cond", "arg2 & 3 == 1")))
      local v, msg = seccomp.parse("syscall", "wrtie")
      assert.is_nil(v)
      assert.are.equal("unknown syscall 'wrtie' (did you mean 'write'?)", msg)
      v, msg = seccomp.parse("cond", { 1, "=<", 2 })
      assert.is_nil(v)
      assert.are.equal("unknown operator '=<' (did you mean '<='?)", msg)
      assert.matches("bad argument #1 to '[%w.]*parse' %(invalid option 'color'%)", H.message(seccomp.parse, "color", 1))
    end)
  end)
end)
