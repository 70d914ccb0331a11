-- examples/policies/container.lua: the container-sized default profile.
-- It builds with every name known to the linked libseccomp, answers what its
-- rules say on each of its arches (simulate), f:verify() finds the two places
-- where libseccomp's program contradicts the rules (socket through x86's
-- socketcall, allowed; SysV calls through ipc with a version, denied), and a
-- child runs under it in the kernel.
local seccomp = require "seccomp"
local H = require "helper"

local PROFILE = "examples/policies/container.lua"
local A = seccomp.action_name
local ALLOW = seccomp.ACT_ALLOW
local EPERM, ENOSYS = seccomp.errno("EPERM"), seccomp.errno("ENOSYS")
local ARCHES = { "x86_64", "x86", "x32" }

-- The profile's table, read as load_policy reads it (text, empty environment).
local function profile_table()
  local fh = assert(io.open(PROFILE, "rb"))
  local src = fh:read("a")
  fh:close()
  return assert(load(src, "=" .. PROFILE, "t", {}))()
end

-- The profile's filter with libseccomp's compiler (what these specs are about).
local function profile(widen)
  local f = seccomp.load_policy(PROFILE)
  f:set_attr("compiler", "libseccomp")
  if widen then f:set_attr("widen_multiplexed", true) end
  return f
end

local x86_64_it = seccomp.native_arch() == seccomp.ARCH_X86_64 and it or pending

-- The ledger indices of the profile's rules on one syscall.
local function rules_on(f, name)
  local t = {}
  for i, r in ipairs(f:rules()) do
    if r.syscall == name then t[#t + 1] = i end
  end
  return t
end

local function describe_cex(c)
  local args = {}
  for i, v in ipairs(c.args) do args[i] = ("0x%x"):format(v) end
  local exp = {}
  for i, e in ipairs(c.expected) do exp[i] = A(e) end
  return ("%s (nr %d) on %s, args {%s}: got %s, expected %s, rules {%s}"):format(c.syscall, c.nr, c.arch,
    table.concat(args, ", "), A(c.got), table.concat(exp, " or "), table.concat(c.rules, ", "))
end

describe(PROFILE, function()
  x86_64_it("builds, with about 350 syscalls allowed on x86_64, x86 and x32", function()
    local f = profile()
    assert.are.equal("errno(EPERM)", A(f:get_attr("default_action")))
    for _, a in ipairs(ARCHES) do assert.is_true(f:has_arch(a), a) end
    assert.is_false(f:has_arch("aarch64"))
    local allowed = {}
    local n = 0
    for _, r in ipairs(f:rules()) do
      if r.action == ALLOW and not allowed[r.syscall] then
        allowed[r.syscall] = true
        n = n + 1
      end
      local arches = { table.unpack(r.arches) }
      table.sort(arches)
      assert.are.same({ "x32", "x86", "x86_64" }, arches)
    end
    assert.is_true(n >= 330 and n <= 370, tostring(n) .. " syscalls allowed")
  end)

  x86_64_it("names only syscalls the linked libseccomp knows, each on one of its arches at least", function()
    local t = profile_table()
    local names = {}
    for _, name in ipairs(t.allow) do names[#names + 1] = name end
    for _, r in ipairs(t.rules) do names[#names + 1] = r.syscall end
    for _, name in ipairs(names) do
      local somewhere = false
      for _, a in ipairs(ARCHES) do
        somewhere = somewhere or seccomp.syscall(name, a) ~= nil
      end
      assert.is_true(somewhere, name)
    end
    -- and no name twice (a duplicate would hide a typo's effect)
    local seen = {}
    for _, name in ipairs(t.allow) do
      assert.is_nil(seen[name], "allowed twice: " .. name)
      seen[name] = true
    end
    local _, report = profile(true):verify()
    assert.are.same({}, report.unplaced)
  end)
end)

describe("the profile's answers (simulate)", function()
  local f
  setup(function() f = profile() end)

  local function answer(name, args, arch)
    return A(f:simulate(name, args or {}, arch))
  end

  x86_64_it("allows the calls of ordinary programs on every arch", function()
    for _, a in ipairs(ARCHES) do
      for _, name in ipairs { "read", "write", "openat", "close", "execve", "mmap", "futex", "exit_group",
                              "rt_sigaction", "epoll_wait", "getrandom", "connect", "sendmsg", "wait4", "prlimit64" } do
        assert.are.equal("allow", answer(name, nil, a), name .. " on " .. a)
      end
    end
    assert.are.equal("allow", answer("arch_prctl", nil, "x86_64"))
    for _, name in ipairs { "mmap2", "fstat64", "_llseek", "getuid32", "set_thread_area" } do
      assert.are.equal("allow", answer(name, nil, "x86"), name .. " on x86")
    end
    -- x86's multiplexers pass what the calls behind them are allowed
    assert.are.equal("allow", answer("ipc", { 23 --[[SHMGET]] }, "x86"))
    assert.are.equal("allow", answer("socketcall", { 3 --[[SYS_CONNECT]] }, "x86"))
    assert.are.equal("errno(EPERM)", answer("socketcall", { 0 }, "x86"))
    -- x32 calls come as x86_64 with the x32 bit set
    assert.are.equal(ALLOW, f:simulate(0x40000000 | seccomp.syscall("write", "x32") & 0x3fffffff, {}, "x86_64"))
  end)

  x86_64_it("denies what reaches past the container with EPERM", function()
    for _, a in ipairs(ARCHES) do
      for _, name in ipairs { "mount", "umount2", "pivot_root", "unshare", "setns", "ptrace", "bpf",
                              "perf_event_open", "init_module", "finit_module", "kexec_load", "reboot",
                              "swapon", "keyctl", "add_key", "clock_settime", "settimeofday",
                              "open_by_handle_at", "io_uring_setup", "userfaultfd", "process_vm_readv",
                              "fsopen", "syslog", "acct", "sethostname" } do
        assert.are.equal("errno(EPERM)", answer(name, nil, a), name .. " on " .. a)
      end
    end
    for _, name in ipairs { "vm86", "vm86old", "modify_ldt", "iopl", "stime" } do
      assert.are.equal("errno(EPERM)", answer(name, nil, "x86"), name .. " on x86")
    end
  end)

  x86_64_it("gives numbers no rule names the default action, and other arches the bad-arch one", function()
    assert.are.equal("errno(EPERM)", answer(4000, nil, "x86_64"))
    assert.are.equal("errno(EPERM)", answer(-1, nil, "x86_64"))
    assert.are.equal("kill_thread", answer("read", nil, "aarch64"))
    assert.are.equal("kill_thread", answer("read", nil, "arm"))
  end)

  x86_64_it("lets clone make threads and processes but no namespace", function()
    local SIGCHLD, THREAD = 17, 0x3d0f00 -- glibc's pthread_create flags
    local ns = { CLONE_NEWNS = 0x20000, CLONE_NEWCGROUP = 0x02000000, CLONE_NEWUTS = 0x04000000,
                 CLONE_NEWIPC = 0x08000000, CLONE_NEWUSER = 0x10000000, CLONE_NEWPID = 0x20000000,
                 CLONE_NEWNET = 0x40000000 }
    for _, a in ipairs(ARCHES) do
      assert.are.equal("allow", answer("clone", { SIGCHLD }, a), a)
      assert.are.equal("allow", answer("clone", { THREAD }, a), a)
      for flag, bit in pairs(ns) do
        assert.are.equal("errno(EPERM)", answer("clone", { SIGCHLD | bit }, a), flag .. " on " .. a)
        assert.are.equal("errno(EPERM)", answer("clone", { THREAD | bit }, a), flag .. " on " .. a)
      end
    end
    -- the upper half: flags of 64 bits on x86_64, ignored on x86
    assert.are.equal("allow", answer("clone", { 0x100000000 | SIGCHLD }, "x86_64"))
    assert.are.equal("errno(EPERM)", answer("clone", { 0x100000000 | ns.CLONE_NEWUSER }, "x86_64"))
    assert.are.equal("errno(EPERM)", answer("clone", { 0x100000000 | ns.CLONE_NEWUSER }, "x86"))
    assert.are.equal("allow", answer("clone", { 0x100000000 | SIGCHLD }, "x86"))
    -- clone3 hides its flags from the filter: ENOSYS, so that libc falls back to clone
    for _, a in ipairs(ARCHES) do
      assert.are.equal(ENOSYS, f:simulate("clone3", {}, a), a)
    end
  end)

  x86_64_it("lets personality select Linux and Linux32, or query, and nothing else", function()
    for _, a in ipairs(ARCHES) do
      for _, p in ipairs { 0, 8, 0xffffffff, 0x700000000 | 8 } do
        assert.are.equal("allow", answer("personality", { p }, a), ("0x%x on %s"):format(p, a))
      end
      for _, p in ipairs { 0x0040000 --[[ADDR_NO_RANDOMIZE]], 0x0040008, 0x0400000 --[[READ_IMPLIES_EXEC]],
                           0x20000 --[[UNAME26]], 1, 0xfffffffe } do
        assert.are.equal("errno(EPERM)", answer("personality", { p }, a), ("0x%x on %s"):format(p, a))
      end
    end
  end)

  x86_64_it("lets socket open unix, inet, inet6 and netlink sockets, and no other family", function()
    for _, a in ipairs(ARCHES) do
      for _, family in ipairs { 1, 2, 10, 16 } do
        assert.are.equal("allow", answer("socket", { family, 1, 0 }, a), family .. " on " .. a)
      end
      for _, family in ipairs { 0, 3, 9, 11, 15, 17 --[[packet]], 31 --[[bluetooth]], 40 --[[vsock]], -1 } do
        assert.are.equal("errno(EPERM)", answer("socket", { family, 1, 0 }, a), family .. " on " .. a)
      end
    end
    -- the conditions compare 64 bits on x86_64, the lower 32 on x86 and x32
    assert.are.equal("errno(EPERM)", answer("socket", { 0x100000002, 1, 0 }, "x86_64"))
    assert.are.equal("allow", answer("socket", { 0x100000002, 1, 0 }, "x86"))
    assert.are.equal("allow", answer("socket", { 0x100000002, 1, 0 }, "x32"))
  end)

  x86_64_it("lets every family through x86's socketcall: what libseccomp does with such rules", function()
    -- socketcall(SYS_SOCKET, args): the family is in memory, out of the
    -- filter's reach, and libseccomp's program allows the call.  This is
    -- the widening that verify reports below.
    assert.are.equal("allow", answer("socketcall", { 1, 0x1000 }, "x86"))
    assert.are.equal("allow", answer("socketcall", { 3 --[[SYS_CONNECT]], 0x1000 }, "x86"))
  end)
end)

describe("the profile and verify", function()
  -- x86's ipc with a version in the high half of its call number: the
  -- kernel runs the SysV call of the low half, which the profile allows,
  -- while libseccomp's program compares the whole number and denies it
  local SYSV = { semop = 1, semget = 2, semctl = 3, semtimedop = 4, msgsnd = 11, msgrcv = 12, msgget = 13,
    msgctl = 14, shmat = 21, shmdt = 22, shmget = 23, shmctl = 24 }
  local function versioned_ipc(f, c)
    assert.are.equal("ipc", c.syscall)
    assert.are.equal("x86", c.arch)
    assert.is_true(c.args[1] > 0xffff, describe_cex(c))
    local call = c.args[1] & 0xffff
    local name
    for n, v in pairs(SYSV) do if v == call then name = n end end
    assert.is_not_nil(name, describe_cex(c))
    assert.are.equal(EPERM, c.got)
    assert.are.same({ ALLOW }, c.expected)
    assert.are.same(rules_on(f, name), c.rules)
  end

  x86_64_it("is rejected as libseccomp compiles it: socketcall(SYS_SOCKET) allows every family on x86", function()
    local f = profile()
    local ok, report = f:verify()
    -- This is libseccomp's program saying more than the rules: the day it
    -- compiles socketcall(SYS_SOCKET) to the default action, this fails.
    assert.is_false(ok)
    assert.is_true(report.exhaustive)
    assert.are.equal(#report, report.total)
    assert.is_true(#report >= 1)
    local socket_rules = rules_on(f, "socket")
    assert.are.equal(4, #socket_rules)
    local sockets = 0
    for _, c in ipairs(report) do
      print("  verify: " .. describe_cex(c))
      if c.syscall == "socketcall" then
        sockets = sockets + 1
        assert.are.equal("x86", c.arch)
        assert.are.equal(1, c.args[1]) -- SYS_SOCKET
        assert.are.equal(ALLOW, c.got)
        assert.are.same({ EPERM }, c.expected)
        assert.are.same(socket_rules, c.rules)
      else
        versioned_ipc(f, c)
      end
      -- and the program does answer so
      assert.are.equal(c.got, f:simulate(c.nr, c.args, c.arch))
    end
    assert.is_true(sockets >= 1)
  end)

  x86_64_it("is still rejected with that widening accepted (widen_multiplexed): ipc with a version is denied", function()
    local f = profile(true)
    local ok, report = f:verify()
    assert.is_false(ok)
    assert.is_true(report.exhaustive)
    assert.is_true(report.vectors > 1000, tostring(report.vectors))
    for _, c in ipairs(report) do versioned_ipc(f, c) end
    -- the kernel would run it: ipc(0x10017) is shmget
    assert.are.equal("errno(EPERM)", A(f:simulate("ipc", { 0x10017 }, "x86")))
  end)

  x86_64_it("verifies without x86 (no socketcall to widen)", function()
    local t = profile_table()
    t.arches = { "x86_64", "x32" }
    local f = seccomp.filter(t)
    f:set_attr("compiler", "libseccomp")
    assert.is_true((f:verify()))
  end)
end)

describe("the profile under the default compiler", function()
  x86_64_it("is compiled by the module, whose program verifies and keeps socketcall to the rules", function()
    local f = seccomp.load_policy(PROFILE)
    assert.are.equal("auto", f:get_attr("compiler"))
    -- libseccomp's program widens socketcall (above), so "auto" takes the module's
    assert.are.equal("binding", f:get_attr("compiler_used"))
    local ok, report = f:verify()
    assert.is_true(ok)
    assert.is_true(report.exhaustive)
    -- no family can be seen through socketcall: SYS_SOCKET gets the default
    assert.are.equal(EPERM, f:simulate("socketcall", { 1, 0x1000 }, "x86"))
    assert.are.equal(ALLOW, f:simulate("socketcall", { 3, 0x1000 }, "x86"))
    assert.are.equal(ALLOW, f:simulate("socket", { 1 }, "x86"))
    assert.are.equal(EPERM, f:simulate("socket", { 40 }, "x86"))
    assert.are.equal(ENOSYS, f:simulate("clone3", {}, "x32"))
    assert.are.same({ true, "exit", 0 }, { f:spawn({ "/bin/true" }, { env = { PATH = "/usr/bin:/bin" } }):wait() })
  end)
end)

describe("running under the profile", function()
  x86_64_it("refuses to spawn or export libseccomp's program (fail closed)", function()
    local f = profile()
    local err = H.raises(f.spawn, f, { "/bin/true" })
    assert.are.equal("spawn", err.op)
    assert.are.equal("socketcall", err.counterexample.syscall)
    assert.are.equal("x86", err.counterexample.arch)
    assert.matches("contradicts the rules: socketcall%(1, 0, 0, 0, 0, 0%) on x86 returns allow", err.message)
    assert.matches("so the answer must be errno%(EPERM%)", err.message)
    err = H.raises(f.export_bpf, f)
    assert.are.equal("export_bpf", err.op)
  end)

  -- The children's environment: without the sanitizer run's preload (its
  -- leak checker at exit needs ptrace, which the profile rightly denies).
  local ENV = { PATH = "/usr/bin:/bin" }

  -- the widening accepted, under the default compiler (which takes the
  -- module's program: libseccomp's denies ipc with a version, above)
  local function widened()
    local f = seccomp.load_policy(PROFILE)
    f:set_attr("widen_multiplexed", true)
    assert.are.equal("binding", f:get_attr("compiler_used"))
    return f
  end

  x86_64_it("runs /bin/true with the widening accepted", function()
    local f = widened()
    assert.are.same({ true, "exit", 0 }, { f:spawn({ "/bin/true" }, { env = ENV }):wait() })
    assert.are.same({ true, "exit", 0 }, { f:spawn({ "/bin/sh", "-c", "exit 0" }, { env = ENV }):wait() })
    assert.are.same({ nil, "exit", 3 }, { f:spawn({ "/bin/sh", "-c", "exit 3" }, { env = ENV }):wait() })
  end)

  -- The kernel's answers, through a static probe that makes one raw call.
  local PROBE
  local function probe(f, nr, ...)
    if not PROBE then
      PROBE = os.tmpname()
      assert(os.execute(("env -u LD_PRELOAD cc -O1 -static -o %s spec/support/probe.c"):format(H.shellquote(PROBE))),
        "cc spec/support/probe.c")
    end
    local argv = { PROBE, tostring(nr) }
    for _, v in ipairs { ... } do argv[#argv + 1] = ("0x%x"):format(v) end
    local out = assert(io.tmpfile())
    assert.are.same({ true, "exit", 0 }, { f:spawn(argv, { stdout = out, env = ENV }):wait() })
    out:seek("set")
    local r, e = out:read("a"):match("^(%-?%d+) (%d+)")
    out:close()
    return tonumber(r), tonumber(e)
  end
  teardown(function() if PROBE then os.remove(PROBE) end end)

  x86_64_it("gets the kernel's answers the rules give", function()
    local f = widened()
    local nr = function(name) return assert(seccomp.syscall(name, "x86_64")) end
    local EPERM_N, ENOSYS_N = 1, 38
    -- socket(AF_UNIX, SOCK_STREAM, 0) opens; AF_VSOCK and AF_PACKET do not
    local fd = probe(f, nr("socket"), 1, 1, 0)
    assert.is_true(fd >= 0, tostring(fd))
    assert.are.same({ -1, EPERM_N }, { probe(f, nr("socket"), 40, 1, 0) })
    assert.are.same({ -1, EPERM_N }, { probe(f, nr("socket"), 17, 3, 0) })
    -- clone with a namespace flag, and clone3
    assert.are.same({ -1, EPERM_N }, { probe(f, nr("clone"), 0x10000000 | 17) })
    assert.are.same({ -1, EPERM_N }, { probe(f, nr("clone"), 0x40000000 | 17) })
    assert.are.same({ -1, ENOSYS_N }, { probe(f, nr("clone3"), 0, 0) })
    -- personality: the query answers, turning off randomisation does not
    assert.are.same({ 0, 0 }, { probe(f, nr("personality"), 0xffffffff) })
    assert.are.same({ -1, EPERM_N }, { probe(f, nr("personality"), 0x0040000) })
    -- and what is left out
    assert.are.same({ -1, EPERM_N }, { probe(f, nr("mount"), 0, 0, 0) })
    assert.are.same({ -1, EPERM_N }, { probe(f, nr("unshare"), 0x10000000) })
    assert.are.same({ -1, EPERM_N }, { probe(f, nr("bpf"), 0, 0, 0) })
    -- the control: without the profile, clone3 is no ENOSYS (EFAULT or EINVAL for a null
    -- struct) and an AF_UNIX socket opens too
    local plain = seccomp.filter("allow")
    local r, e = probe(plain, nr("clone3"), 0, 0)
    assert.are.equal(-1, r)
    assert.are_not.equal(ENOSYS_N, e)
    assert.is_true((probe(plain, nr("socket"), 1, 1, 0)) >= 0)
  end)
end)
