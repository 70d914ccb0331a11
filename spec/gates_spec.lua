-- Every gate is real.  Each optional part of libseccomp the core uses is
-- compiled in under one gate (src/compat.h SC_GATE_*, the arch table's in
-- src/core.h), and each gate has one spec here, "gate NAME: ...", which
-- asserts what the gate brings wherever the compiled headers, the running
-- library and the API level say it must be there, and is pending (naming
-- what is missing) where they say it cannot.  ci/gates.sh builds the module
-- once per gate with -DSC_FORCE_OFF_<NAME> and checks that the gate's spec
-- fails there: a gate compiled out by mistake (an #ifdef on an enum
-- constant, say) is caught.  docs/api.md lists the gates.
local seccomp = require "seccomp"
local H = require "helper"

local ver, dotted = H.ver, H.dotted
local lib = H.libseccomp()
local compiled, running, usable, api = lib.compiled, lib.running, lib.usable, lib.api

-- The `it` of a gate that must be in where the libseccomp version in use
-- (min of compiled and running) reaches `v` and the API level `level`.
local function gate(v, level)
  return H.gated(it, pending, H.gate(usable >= v and api >= (level or 0),
    ("needs libseccomp >= %s%s; compiled against %s, running %s, API level %d"):format(dotted(v),
      level and level > 0 and (" and API level >= " .. level) or "", dotted(compiled), dotted(running), api)))
end

-- A boolean or integer attribute set and read back, on a filter that still
-- exports and verifies.
local function round_trip(name, value)
  local f = seccomp.filter("allow")
  assert.are.equal(f, f:set_attr(name, value))
  assert.are.equal(value, f:get_attr(name))
  f:add_rule("errno(EPERM)", "ptrace")
  f:set_attr("compiler", "libseccomp")
  assert.are.equal(seccomp.errno("EPERM"), f:simulate("ptrace"))
  assert.is_true((f:verify()))
end

describe("gates", function()
  -- libseccomp's tests/35-sim-negative_one (its vectors; our own port):
  -- rules on syscall -1, the call a tracer skips, with API_TSKIP set.
  gate(ver(2, 3, 2))("gate TSKIP: libseccomp's 35-sim-negative_one, under both compilers", function()
    assert.is_true((seccomp.supports("tskip")))
    for _, compiler in ipairs { "libseccomp", "binding" } do
      local f = seccomp.filter("kill")
      f:set_attr("compiler", compiler)
      f:remove_arch("native")
      f:add_arch("x86")
      f:add_arch("x86_64")
      f:set_attr("tskip", true)
      assert.is_true(f:get_attr("tskip"))
      f:set_priority(-1, 100)
      f:add_rule("allow", -1)
      for _, arch in ipairs { "x86", "x86_64", "x32" } do
        assert.are.equal(seccomp.ACT_ALLOW, f:simulate(-1, nil, arch), compiler .. " " .. arch)
      end
      assert.are.equal(compiler, f:get_attr("compiler_used"))
      assert.is_true((f:verify()))
    end
    -- and it must be asked for
    local g = seccomp.filter("allow")
    assert.matches('needs set_attr%("tskip", true%)', H.method_message(g, "add_rule", "errno(EPERM)", -1))
  end)

  H.gated(gate(ver(2, 3, 2)), pending, H.all(H.CC, H.NOT_VALGRIND))(
    "gate TSKIP: the kernel answers a call to -1 as the rule on it says", function()
    local probe = os.tmpname()
    assert(os.execute(("env -u LD_PRELOAD cc -O1 -static -o %s spec/support/probe.c"):format(H.shellquote(probe))))
    local function run(f)
      local out = io.tmpfile()
      local child = f:spawn({ probe, "-1" }, { stdout = out })
      assert.are.same({ true, "exit", 0 }, { child:wait() })
      return H.contents(out)
    end
    local f = seccomp.filter("allow")
    f:set_attr("tskip", true)
    f:add_rule("errno(EACCES)", -1)
    assert.are.equal("-1 13\n", run(f))                                  -- the rule's errno
    assert.are.equal("-1 38\n", run(seccomp.filter("allow"):add_rule("errno(EACCES)", "getppid"))) -- ENOSYS
    os.remove(probe)
  end)

  gate(ver(2, 4, 0))("gate API_LEVEL: api() reports the library's level, set_api sets it", function()
    local level = seccomp.api()
    assert.is_true(level >= 1, "api() = " .. level)
    assert.is_true(seccomp.set_api(level)) -- the level it has: nothing changes for anyone
    assert.are.equal(level, seccomp.api())
  end)

  gate(ver(2, 4, 0), 3)("gate LOG: the log attribute and action", function()
    assert.is_true((seccomp.supports("log")))
    assert.is_number(seccomp.ACT_LOG)
    assert.are.equal("log", seccomp.action_name("log"))
    round_trip("log", true)
  end)

  gate(ver(2, 4, 0), 3)("gate KILL_PROCESS: the kill_process action", function()
    assert.is_true((seccomp.supports("kill_process")))
    assert.is_number(seccomp.ACT_KILL_PROCESS)
    local f = seccomp.filter("allow"):add_rule("kill_process", "ptrace")
    assert.are.equal(seccomp.ACT_KILL_PROCESS, f:simulate("ptrace"))
  end)

  gate(ver(2, 5, 0), 4)("gate SSB: the ssb attribute", function()
    assert.is_true((seccomp.supports("ssb")))
    round_trip("ssb", true)
  end)

  gate(ver(2, 5, 0))("gate OPTIMIZE: the optimize attribute", function()
    assert.is_true((seccomp.supports("optimize")))
    round_trip("optimize", 2)
  end)

  gate(ver(2, 5, 0))("gate RAW_RC: the raw_rc attribute", function()
    assert.is_true((seccomp.supports("raw_rc")))
    round_trip("raw_rc", true)
  end)

  H.gated(gate(ver(2, 5, 0), 5), pending, H.NOT_VALGRIND)("gate NOTIFY: a notify rule supervises a child", function()
    assert.is_true((seccomp.supports("notify")))
    assert.is_number(seccomp.ACT_NOTIFY)
    local f = H.notifying("getppid")
    local out = io.tmpfile()
    local child = f:spawn({ "sh", "-c", "echo $PPID" }, { stdout = out })
    for req in child.notifier:requests(10) do
      assert.are.equal("getppid", req.name)
      req:reply(4242)
    end
    assert.are.same({ true, "exit", 0 }, { child:wait() })
    assert.are.equal("4242\n", H.contents(out))
  end)

  gate(ver(2, 6, 0), 7)("gate WAIT_KILL: the wait_kill attribute", function()
    assert.is_true((seccomp.supports("wait_kill")))
    round_trip("wait_kill", true)
  end)

  gate(ver(2, 6, 0))("gate PRECOMPUTE: precompute", function()
    assert.is_true((seccomp.supports("precompute")))
    local f = seccomp.filter("allow"):add_rule("errno(EPERM)", "ptrace")
    assert.are.equal(f, f:precompute())
    assert.are.equal(seccomp.errno("EPERM"), f:simulate("ptrace"))
  end)

  gate(ver(2, 6, 0))("gate EXPORT_BPF_MEM: libseccomp's program comes straight into memory, with no fd", function()
    assert.is_true((seccomp.supports("export_bpf_mem")))
    local out, ok, how, code = H.child([[
      local seccomp = require "seccomp"
      local f = seccomp.filter("allow"):add_rule("errno(EPERM)", "ptrace")
      f:set_attr("compiler", "libseccomp")
    ]] .. H.TAKE_ALL_FDS .. [[
      print(#f:export_bpf() > 0)
    ]])
    assert.are.same({ true, "exit", 0 }, { ok, how, code }, out)
    assert.are.equal("true\n", out)
  end)

  -- The arches newer than some headers: each is in the module's table where
  -- the headers define its SCMP_ARCH_* (and the running library knows it).
  local ARCHES = {
    { "PPC", "ppc", ver(2, 3, 1) }, { "PPC64", "ppc64", ver(2, 3, 1) }, { "PPC64LE", "ppc64le", ver(2, 3, 1) },
    { "S390", "s390", ver(2, 3, 1) }, { "S390X", "s390x", ver(2, 3, 1) },
    { "PARISC", "parisc", ver(2, 4, 0) }, { "PARISC64", "parisc64", ver(2, 4, 0) },
    { "RISCV64", "riscv64", ver(2, 5, 0) }, { "LOONGARCH64", "loongarch64", ver(2, 6, 0) },
    { "M68K", "m68k", ver(2, 6, 0) }, { "SH", "sh", ver(2, 6, 0) }, { "SHEB", "sheb", ver(2, 6, 0) },
  }
  for _, a in ipairs(ARCHES) do
    local macro, name, since = a[1], a[2], a[3]
    gate(since)(("gate ARCH_%s: the %s arch"):format(macro, name), function()
      assert.is_number(seccomp["ARCH_" .. macro])
      assert.are.equal(name, seccomp.arch_name(seccomp.arch(name)))
      local f = seccomp.filter("allow")
      f:remove_arch("native")
      f:add_arch(name)
      f:add_rule("errno(EPERM)", "read")
      assert.are.equal(seccomp.errno("EPERM"), f:simulate("read", nil, name))
      assert.are.equal(seccomp.ACT_ALLOW, f:simulate("write", nil, name))
      assert.is_true((f:verify()))
    end)
  end
end)
