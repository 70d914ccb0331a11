-- seccomp.oci: profiles read as Docker, Podman and runc read them
-- (ctx.runtime), and built as runc builds them.  Each expectation comes from
-- the runtimes' code (docs/oci.md names the function): moby's
-- profiles/seccomp setupSeccomp, containers/common 0.50.1's pkg/seccomp
-- setupSeccomp, runc 1.1.5's specconv SetupSeccomp, InitSeccomp and
-- patchbpf.  The world's default profiles are in spec/data/profiles.
-- Filters are checked with simulate: nothing is loaded.
local seccomp = require "seccomp"
local oci = require "seccomp.oci"
local H = require "helper"

local NATIVE = seccomp.arch_name(seccomp.native_arch())
local RUNTIMES = { "docker", "podman", "runc" }
local X86_64 = H.gate(NATIVE == "x86_64", "the profiles' x86 arches need an x86_64 host")
local x86_it = H.gated(it, pending, X86_64)

local function act(f, ...)
  return seccomp.action_name(f:simulate(...))
end

local function err_of(p, ctx)
  return H.message(oci.filter, p, ctx)
end

local function data(name)
  return H.read("spec/data/profiles/" .. name .. ".json")
end

-- a profile allowing getppid, plus what the test adds
local profile = H.oci_profile

local with = H.with

-- the notes of one kind, as "origin: message"
local function notes(f, kind)
  local out = {}
  for _, n in ipairs(f:notes()) do
    if n.kind == kind then out[#out + 1] = tostring(n.origin) .. ": " .. n.message end
  end
  return out
end

local X86_ARCHMAP = { { architecture = "SCMP_ARCH_X86_64", subArchitectures = { "SCMP_ARCH_X86", "SCMP_ARCH_X32" } } }

describe("the world's default profiles", function()
  local files = { "docker-20.10.24-default", "moby-profiles-default", "containers-common-0.50.1-seccomp",
                  "containers-common-seccomp" }
  for _, name in ipairs(files) do
    it(name .. " loads with no option", function()
      local f = oci.filter(data(name))
      assert.are.equal("allow", act(f, "read"))
    end)
    for _, runtime in ipairs(RUNTIMES) do
      it(name .. " loads with no option under runtime " .. runtime, function()
        local f = oci.filter(data(name), { runtime = runtime, name = name })
        assert.are.equal("allow", act(f, "read"))
        assert.are.equal("errno(EPERM)", act(f, "kexec_load"))
      end)
    end
  end

  x86_it("Docker's current profile: the loongarch64 archMap entry plays no part on x86_64", function()
    -- its archMap has an SCMP_ARCH_LOONGARCH64 entry, an arch libseccomp 2.5.4 does not know
    local f = oci.filter(data("moby-profiles-default"), { kernel = "6.1" })
    assert.is_true(f:has_arch("x86") and f:has_arch("x32"))
    assert.are.equal("allow", act(f, "arch_prctl"))
    assert.are.equal("allow", act(f, "modify_ldt", nil, "x86")) -- includes.arches amd64, x32, x86
    assert.are.equal("errno(ENOSYS)", act(f, "clone3"))         -- errnoRet 38 without CAP_SYS_ADMIN
    -- and a minimal one
    local g = oci.filter(profile { archMap = { X86_ARCHMAP[1],
      { architecture = "SCMP_ARCH_LOONGARCH64", subArchitectures = oci.null } } })
    assert.are.equal("allow", act(g, "getppid", nil, "x32"))
  end)

  x86_it("Docker 20.10's profile: x32, x86 and mips3l64n32 are words, true or not", function()
    local f = oci.filter(data("docker-20.10.24-default"), { kernel = "6.1" })
    assert.are.equal("allow", act(f, "modify_ldt"))                      -- amd64 holds
    local x86 = oci.filter(data("docker-20.10.24-default"), { kernel = "6.1", arch = "x86" })
    assert.are.equal("allow", act(x86, "modify_ldt", nil, "x86"))        -- Docker's word on 386 is x86
    assert.are.equal("errno(EPERM)", act(x86, "arch_prctl", nil, "x86")) -- amd64, x32: not on 386
    -- a minimal one
    local g = oci.filter(profile { syscalls = {
      { names = { "getppid" }, action = "SCMP_ACT_ALLOW", includes = { arches = { "x32", "x86" } } },
      { names = { "getpid" }, action = "SCMP_ACT_ALLOW", includes = { arches = { "amd64" } } } } })
    assert.are.same({ "errno(EPERM)", "allow" }, { act(g, "getppid"), act(g, "getpid") })
  end)

  x86_it("Podman's profile: defaultErrno and errno", function()
    for _, name in ipairs { "containers-common-0.50.1-seccomp", "containers-common-seccomp" } do
      for _, ctx in ipairs { {}, { runtime = "podman" } } do -- Docker reads the same from errnoRet
        local f = oci.filter(data(name), ctx)
        assert.are.equal("errno(ENOSYS)", act(f, "create_module")) -- defaultErrno ENOSYS: a call no rule names
        assert.are.equal("errno(EPERM)", act(f, "kexec_load"))     -- errno EPERM
        assert.are.equal("allow", act(f, "socket", { 2, 1, 0 }))
        assert.are.equal("errno(EINVAL)", act(f, "socket", { 16, 3, 9 })) -- NETLINK_AUDIT without CAP_AUDIT_WRITE
      end
    end
  end)
end)

describe("ctx.runtime", function()
  it("is docker, podman or runc", function()
    assert.matches("ctx%.runtime: \"docker\", \"podman\", \"runc\" or \"docker%-20%.10\" expected, got string \"dokcer\" %(did you mean 'docker'%?%)",
      err_of(profile {}, { runtime = "dokcer" }))
  end)

  it("keys: one another runtime reads is ignored, noted; one none reads is an error unless strict = false", function()
    local p = profile { defaultErrno = "EACCES", syscalls = {
      { names = { "getppid" }, action = "SCMP_ACT_ALLOW", comment = "c" },
      { names = { "getpid" }, action = "SCMP_ACT_ERRNO", errno = "ENOENT", includes = { minKernel = "99.0" } } } }
    -- Podman: its errno keys, not Docker's minKernel
    local pod = oci.filter(p, { runtime = "podman" })
    assert.are.same({ "errno(EACCES)", "errno(ENOENT)" }, { act(pod, "uname"), act(pod, "getpid") })
    assert.are.same({ "syscalls[2].includes.minKernel: key 'minKernel' is read by Docker only: Podman ignores it" },
      notes(pod, "ignored_key"))
    -- Docker: its minKernel (the entry is left out), not Podman's errno keys
    local dock = oci.filter(p, { runtime = "docker" })
    assert.are.same({ "errno(EPERM)", "errno(EPERM)" }, { act(dock, "uname"), act(dock, "getpid") })
    assert.are.same({ "defaultErrno: key 'defaultErrno' is read by Podman only: Docker ignores it",
                      "syscalls[2].errno: key 'errno' is read by Podman only: Docker ignores it" },
      notes(dock, "ignored_key"))
    -- runc: neither, nor comments and includes; the ignored keys noted once each
    local runc = oci.filter(p, { runtime = "runc" })
    assert.are.equal("allow", act(runc, "getppid"))
    assert.are.equal(4, #notes(runc, "ignored_key"))
    -- a key no runtime reads: the error names the object's keys
    local bad = profile { syscalls = { { names = { "getppid" }, action = "SCMP_ACT_ALLOW", exclude = { caps = { "CAP_SYS_ADMIN" } } } } }
    assert.matches("^syscalls%[1%]: unknown key 'exclude' %(did you mean 'excludes'%?%)", err_of(bad))
    local f = oci.filter(bad, { strict = false })
    assert.are.equal("allow", act(f, "getppid"))
    assert.matches("^syscalls%[1%]%.exclude: unknown key 'exclude' %(did you mean 'excludes'%?%).*no runtime reads it",
      notes(f, "ignored_key")[1])
    assert.matches("ctx%.strict: boolean expected", err_of(p, { strict = "no" }))
  end)

  it("keys: the runtimes' JSON decoder matches them whatever their case", function()
    local f = oci.filter('{"DefaultAction": "SCMP_ACT_ERRNO", "Syscalls": [{"NAMES": ["getppid"], "action": "SCMP_ACT_ALLOW"}]}')
    assert.are.equal("allow", act(f, "getppid"))
    assert.are.equal("errno(EPERM)", act(f, "getpid"))
    assert.matches("syscalls%[1%]%.names: keys 'Names' and 'names' are one field",
      err_of('{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["a"], "Names": ["b"], "action": "SCMP_ACT_ALLOW"}]}'))
  end)

  it("numbers: the decoder takes plain non-negative integers for its unsigned fields", function()
    local function bad(args)
      return err_of('{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["getppid"], "action": "SCMP_ACT_ALLOW", '
        .. '"args": [' .. args .. ']}]}')
    end
    assert.matches("args%[1%]%.value: negative number %-1: the field is unsigned",
      bad '{"index": 0, "value": -1, "op": "SCMP_CMP_EQ"}')
    assert.matches("args%[1%]%.index: integer expected, got number 0%.0",
      bad '{"index": 0.0, "value": 1, "op": "SCMP_CMP_EQ"}')
    -- 2^64 - 1 is written as such
    local f = oci.filter('{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["getppid"], "action": '
      .. '"SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 18446744073709551615, "op": "SCMP_CMP_EQ"}]}]}')
    assert.are.equal("allow", act(f, "getppid", { -1 }))
  end)

  x86_it("archMap: the entry for ctx.arch only, where the runtime reads archMap at all", function()
    local map = { X86_ARCHMAP[1], { architecture = "SCMP_ARCH_X86", subArchitectures = { "SCMP_ARCH_NOPE" } },
                  { architecture = "SCMP_ARCH_Z80" } }
    for _, runtime in ipairs { "docker", "podman" } do
      local f = oci.filter(profile { archMap = map }, { runtime = runtime })
      assert.is_true(f:has_arch("x86") and f:has_arch("x32"), runtime)
    end
    -- on 386, Docker reads the SCMP_ARCH_X86 entry (and refuses its word); Podman reads no archMap there
    assert.matches("^archMap%[2%]%.subArchitectures%[1%]: arch 'SCMP_ARCH_NOPE' is not one of runc's",
      err_of(profile { archMap = map }, { runtime = "docker", arch = "x86" }))
    local pod = oci.filter(profile { archMap = map }, { runtime = "podman", arch = "x86" })
    assert.are.same({ true, false }, { pod:has_arch("x86"), pod:has_arch("x86_64") })
    -- runc reads no archMap
    local runc = oci.filter(profile { archMap = map }, { runtime = "runc" })
    assert.are.same({ true, false }, { runc:has_arch("x86_64"), runc:has_arch("x86") })
    assert.matches("key 'archMap' is read by Docker and Podman only: runc ignores it", notes(runc, "ignored_key")[1])
  end)

  it("includes and excludes: caps compared as written, all of includes, any of excludes", function()
    local p = profile { syscalls = {
      { names = { "getppid" }, action = "SCMP_ACT_ALLOW", includes = { caps = { "CAP_SYS_ADMIN", "CAP_BPF" } } },
      { names = { "getpid" }, action = "SCMP_ACT_ALLOW", excludes = { caps = { "CAP_SYS_ADMIN", "CAP_BPF" } } } } }
    for _, runtime in ipairs { "docker", "podman" } do
      local f = oci.filter(p, { runtime = runtime, caps = { "CAP_BPF" } })
      assert.are.same({ "errno(EPERM)", "errno(EPERM)" }, { act(f, "getppid"), act(f, "getpid") }, runtime)
      local g = oci.filter(p, { runtime = runtime, caps = { "CAP_BPF", "CAP_SYS_ADMIN" } })
      assert.are.same({ "allow", "errno(EPERM)" }, { act(g, "getppid"), act(g, "getpid") }, runtime)
    end
    -- runc reads neither: both rules, whatever the caps
    local r = oci.filter(p, { runtime = "runc" })
    assert.are.same({ "allow", "allow" }, { act(r, "getppid"), act(r, "getpid") })
    -- a word that is no capability never holds: an error unless strict = false
    local q = profile { syscalls = { { names = { "getppid" }, action = "SCMP_ACT_ALLOW", excludes = { caps = { "CAP_SYS_ADMN" } } } } }
    assert.matches("'CAP_SYS_ADMN' is no capability %(did you mean 'CAP_SYS_ADMIN'%?%)", err_of(q))
    local f = oci.filter(q, { strict = false, caps = { "CAP_SYS_ADMIN" } })
    assert.are.equal("allow", act(f, "getppid"))
    assert.matches("^syscalls%[1%]%.excludes%.caps%[1%]: 'CAP_SYS_ADMN' is no capability", notes(f, "never_holds")[1])
  end)

  it("includes and excludes: minKernel is Docker's", function()
    local p = profile { syscalls = {
      { names = { "getppid" }, action = "SCMP_ACT_ALLOW", includes = { minKernel = "5.10" } },
      { names = { "getpid" }, action = "SCMP_ACT_ALLOW", excludes = { minKernel = "" } } } } -- "" is 0.0
    local f = oci.filter(p, { kernel = "5.4" })
    assert.are.same({ "errno(EPERM)", "errno(EPERM)" }, { act(f, "getppid"), act(f, "getpid") })
    local g = oci.filter(p, { runtime = "podman", kernel = "5.4" })
    assert.are.same({ "allow", "allow" }, { act(g, "getppid"), act(g, "getpid") })
    for _, v in ipairs { "5.10.1", "0.0", "256.1", "5" } do
      assert.matches("invalid kernel version", err_of(profile { syscalls = { { names = { "getppid" },
        action = "SCMP_ACT_ALLOW", includes = { minKernel = v } } } }))
      oci.filter(profile { syscalls = { { names = { "getppid" }, action = "SCMP_ACT_ALLOW", includes = { minKernel = v } } } },
        { runtime = "podman" })
    end
  end)

  it("name and names: Docker refuses both in any entry, Podman in one it keeps; runc reads names only", function()
    local p = profile { syscalls = {
      { name = "getppid", names = { "getpid" }, action = "SCMP_ACT_ALLOW", includes = { caps = { "CAP_SYS_ADMIN" } } },
      { name = "gettid", action = "SCMP_ACT_ALLOW" } } }
    assert.matches("^syscalls%[1%]: both 'name' and 'names' are given: Docker refuses", err_of(p))
    local pod = oci.filter(p, { runtime = "podman" })
    assert.are.same({ "errno(EPERM)", "allow" }, { act(pod, "getppid"), act(pod, "gettid") })
    assert.matches("Podman refuses", err_of(p, { runtime = "podman", caps = { "CAP_SYS_ADMIN" } }))
    local runc = oci.filter(p, { runtime = "runc" })
    assert.are.same({ "errno(EPERM)", "allow", "errno(EPERM)" }, { act(runc, "getppid"), act(runc, "getpid"), act(runc, "gettid") })
  end)

  x86_it("docker-20.10: Docker 20.10 reads no defaultErrnoRet, flags or listener keys, and checks name/names in kept entries only", function()
    -- Podman's profile under Docker 20.10: its default is EPERM, not ENOSYS
    local f = oci.filter(data("containers-common-0.50.1-seccomp"), { runtime = "docker-20.10" })
    assert.are.equal("errno(EPERM)", act(f, "create_module"))
    assert.matches("key 'defaultErrnoRet' is read by Docker, Podman and runc only: Docker 20%.10 ignores it",
      notes(f, "ignored_key")[2])
    assert.are.equal("errno(ENOSYS)", act(oci.filter(data("containers-common-0.50.1-seccomp")), "create_module"))
    -- flags are not read, so runc never sees them
    assert.are.equal("allow", act(oci.filter(profile { flags = { "SECCOMP_FILTER_FLAG_LOG" } }, { runtime = "docker-20.10" }), "getppid"))
    local p = profile { syscalls = { { name = "getppid", names = { "getpid" }, action = "SCMP_ACT_ALLOW",
      includes = { caps = { "CAP_SYS_ADMIN" } } } } }
    assert.are.equal("errno(EPERM)", act(oci.filter(p, { runtime = "docker-20.10" }), "getppid"))
    assert.matches("Docker 20%.10 refuses", err_of(p, { runtime = "docker-20.10", caps = { "CAP_SYS_ADMIN" } }))
  end)

  it("Podman's errno names are its own table's", function()
    local p = profile { syscalls = { { names = { "getppid" }, action = "SCMP_ACT_ERRNO", errno = "EINTR" } } }
    assert.matches("^syscalls%[1%]%.errno: unknown errno EINTR.*Podman refuses", err_of(p, { runtime = "podman" }))
    assert.are.equal("errno(EPERM)", act(oci.filter(p), "getppid")) -- Docker does not read it
    local q = profile { syscalls = { { names = { "getppid" }, action = "SCMP_ACT_ERRNO", errno = "13", errnoRet = 5 } } }
    assert.are.equal("errno(EACCES)", act(oci.filter(q, { runtime = "podman" }), "getppid"))
    assert.are.equal("errno(EIO)", act(oci.filter(q, { runtime = "docker" }), "getppid"))
  end)

  it("args: an index given twice makes every condition a rule of its own, as runc adds them", function()
    -- index 0 twice and index 1 once: three rules, any of which allows
    local f = oci.filter(profile { syscalls = { { names = { "getppid" }, action = "SCMP_ACT_ALLOW", args = {
      { index = 0, value = 0, op = "SCMP_CMP_EQ" }, { index = 0, value = 8, op = "SCMP_CMP_EQ" },
      { index = 1, value = 5, op = "SCMP_CMP_GT" } } } } })
    assert.are.equal(3, #f:rules())
    assert.are.equal("allow", act(f, "getppid", { 8, 0 }))
    assert.are.equal("allow", act(f, "getppid", { 3, 6 }))   -- arg1 > 5 alone
    assert.are.equal("errno(EPERM)", act(f, "getppid", { 3, 5 }))
    -- distinct indexes: one rule, all of them
    local g = oci.filter(profile { syscalls = { { names = { "getppid" }, action = "SCMP_ACT_ALLOW", args = {
      { index = 0, value = 8, op = "SCMP_CMP_EQ" }, { index = 1, value = 5, op = "SCMP_CMP_GT" } } } } })
    assert.are.equal(1, #g:rules())
    assert.are.equal("errno(EPERM)", act(g, "getppid", { 3, 6 }))
  end)

  it("a rule libseccomp refuses, runc refuses: the profile is refused with runc's reason", function()
    local p = profile { syscalls = {
      { names = { "getppid" }, action = "SCMP_ACT_ALLOW", args = { { index = 0, value = 1, op = "SCMP_CMP_EQ" } } },
      { names = { "getppid" }, action = "SCMP_ACT_ERRNO", errnoRet = 13, args = { { index = 0, value = 1, op = "SCMP_CMP_EQ" } } } } }
    local e = H.raises(oci.filter, p)
    assert.are.equal("EEXIST", e.ename)
    assert.are.equal("syscalls[2].names[1]", e.where)
    assert.matches("runc refuses the profile too %(\"error adding seccomp rule for syscall getppid\"%)", e.message)
    -- the same rule twice is no conflict
    local q = profile { syscalls = { p.syscalls[1], p.syscalls[1] } }
    assert.are.equal("allow", act(oci.filter(q), "getppid", { 1 }))
  end)

  x86_it("socket through x86's socketcall: widened as runc's filter is, noted; widen_multiplexed = false keeps it strict", function()
    local p = profile { archMap = X86_ARCHMAP, syscalls = {
      { names = { "read", "process_mrelease" }, action = "SCMP_ACT_ALLOW" }, -- (above socketcall: runc's stub)
      { names = { "socket" }, action = "SCMP_ACT_ALLOW", args = { { index = 0, value = 1, op = "SCMP_CMP_EQ" } } } } }
    local f = oci.filter(p)
    assert.are.equal("allow", act(f, "socketcall", { 1 }, "x86"))         -- any family
    assert.are.equal("errno(EPERM)", act(f, "socket", { 2 }, "x86"))      -- the direct call keeps its condition
    assert.are.equal("errno(EPERM)", act(f, "socketcall", { 3 }, "x86"))  -- connect: no rule
    local w = notes(f, "widened")
    assert.are.equal(1, #w)
    assert.matches("^syscalls%[2%]: rule #3 %(allow on 'socket' with conditions%) is widened on x86", w[1])
    local g = oci.filter(p, { widen_multiplexed = false })
    assert.are.equal("errno(EPERM)", act(g, "socketcall", { 1 }, "x86"))
    assert.are.same({}, notes(g, "widened"))
    -- with its own socketcall rule the profile allows socketcall outright
    local q = with(p, { syscalls = { p.syscalls[1], p.syscalls[2], { names = { "socketcall" }, action = "SCMP_ACT_ALLOW" } } })
    assert.are.equal("allow", act(oci.filter(q), "socketcall", { 1 }, "x86"))
  end)

  x86_it("socket through x86's socketcall: the widened rule keeps its conditions on the other arguments, "
    .. "tested on socketcall's own, as libseccomp puts it there", function()
    -- libseccomp 2.5.4-2.6.x (abi_rule_add) puts the call's number in place
    -- of the rule's arg0 condition and keeps the others: runc's filter tests
    -- socketcall's third argument against 9 here (found by
    -- spec/runtime_matrix_spec.lua against runc)
    local p = profile { archMap = X86_ARCHMAP, syscalls = {
      { names = { "read", "process_mrelease" }, action = "SCMP_ACT_ALLOW" },
      { names = { "socket" }, action = "SCMP_ACT_ALLOW", args = {
        { index = 0, value = 16, op = "SCMP_CMP_NE" }, { index = 2, value = 9, op = "SCMP_CMP_NE" } } } } }
    local f = oci.filter(p)
    assert.are.equal("allow", act(f, "socketcall", { 1, 0, 0 }, "x86"))
    assert.are.equal("allow", act(f, "socketcall", { 1, 0, 16 }, "x86"))         -- arg0's condition is gone
    assert.are.equal("errno(EPERM)", act(f, "socketcall", { 1, 0, 9 }, "x86"))   -- arg2's stays
    assert.are.equal("errno(EPERM)", act(f, "socket", { 16, 0, 0 }, "x86"))      -- the direct call: both
    -- libseccomp's program verifies under that meaning, so it is the one in use,
    -- and the module's own compiler gives the same answers everywhere
    assert.is_true((f:verify()))
    assert.are.equal("libseccomp", f:get_attr("compiler_used"))
    local b = oci.filter(p)
    b:set_attr("compiler", "binding")
    local d = seccomp.diff(b, f)
    assert.are.equal(0, d.total)
    assert.is_true(d.exhaustive)
    local w = notes(f, "widened")
    assert.are.equal(1, #w)
    assert.matches("that path gets allow whenever its arguments meet the rule's conditions on arg2 %(its own", w[1])
  end)
end)

describe("runc's ENOSYS stub", function()
  x86_it("numbers above the highest the profile names, per listed arch, x32 by its bit", function()
    local f = oci.filter(profile { archMap = X86_ARCHMAP, syscalls = {
      { names = { "read", "openat", "process_mrelease" }, action = "SCMP_ACT_ALLOW" } } })
    assert.are.equal("runc", f:get_attr("unknown"))
    local top = seccomp.syscall("process_mrelease")
    assert.are.equal("errno(EPERM)", act(f, top - 1))
    assert.are.equal("errno(ENOSYS)", act(f, top + 1))
    assert.are.equal("errno(ENOSYS)", act(f, -1))
    assert.are.equal("errno(ENOSYS)", act(f, seccomp.syscall("process_mrelease", "x86") + 1, nil, "x86"))
    assert.are.equal("errno(ENOSYS)", act(f, seccomp.syscall("process_mrelease", "x32") + 1, nil, "x32"))
    assert.are.equal("errno(EPERM)", act(f, "close", nil, "x32"))
    assert.is_true((f:verify()))
    assert.matches("^#\n# runc's ENOSYS stub", f:export_pfc())
  end)

  x86_it("only on the arches listed: none without architectures, x32's limit decides -1", function()
    local function stubbed(arches)
      local f = oci.filter(profile { architectures = arches, syscalls = { { names = { "getppid" }, action = "SCMP_ACT_ALLOW" } } })
      return act(f, 1000), act(f, -1), f:has_arch("x32") and act(f, 0x40000000 + 1000, nil, "x32") or "-"
    end
    assert.are.same({ "errno(EPERM)", "errno(EPERM)", "-" }, { stubbed(nil) })
    assert.are.same({ "errno(ENOSYS)", "errno(EPERM)", "-" }, { stubbed { "SCMP_ARCH_X86_64" } })
    assert.are.same({ "errno(EPERM)", "errno(ENOSYS)", "errno(ENOSYS)" }, { stubbed { "SCMP_ARCH_X32" } })
  end)

  it("counts the names of rules runc skips, not those of entries left out", function()
    local p = profile { syscalls = {
      { names = { "read" }, action = "SCMP_ACT_ALLOW" },
      { names = { "process_mrelease" }, action = "SCMP_ACT_ERRNO" },  -- the default action: no rule
      { names = { "futex_waitv" }, action = "SCMP_ACT_ALLOW", includes = { caps = { "CAP_SYS_ADMIN" } } } } }
    local f = oci.filter(with(p, { architectures = { "SCMP_ARCH_" .. NATIVE:upper() } }))
    assert.are.equal("errno(EPERM)", act(f, "process_mrelease"))
    assert.are.equal("errno(ENOSYS)", act(f, seccomp.syscall("process_mrelease") + 1))
    assert.are.equal(1, #f:rules())
  end)

  it("is an attribute: set_attr replaces it, merge needs the same stub", function()
    local p = profile { architectures = { "SCMP_ARCH_" .. NATIVE:upper() }, syscalls = {
      { names = { "getppid" }, action = "SCMP_ACT_ALLOW" } } }
    local top = seccomp.syscall("getppid")
    local f = oci.filter(p)
    assert.are.equal("errno(ENOSYS)", act(f, top + 1))
    f:set_attr("unknown", "default")
    assert.are.same({ "default", "errno(EPERM)" }, { f:get_attr("unknown"), act(f, top + 1) })
    -- two filters with runc's stub merge when their limits are the same
    local a, b = oci.filter(p), oci.filter(p)
    b:add_arch(NATIVE == "aarch64" and "arm" or "x86")
    b:remove_arch("native")
    assert.are.equal("kill_thread", act(b, top + 1, nil, NATIVE)) -- an arch it no longer has: no limit
    assert.is_true((b:verify()))
    a:merge(b)
    assert.are.equal("errno(ENOSYS)", act(a, top + 1))
    local c = oci.filter(profile { architectures = { "SCMP_ARCH_" .. NATIVE:upper() }, syscalls = {
      { names = { "getppid", "gettid" }, action = "SCMP_ACT_ALLOW" } } })
    local d = oci.filter(p)
    d:add_arch(NATIVE == "aarch64" and "arm" or "x86")
    d:remove_arch("native")
    assert.matches("'unknown' attributes differ", H.method_message(c, "merge", d))
  end)

  it("not under an allow, log or trace default; ctx.unknown chooses", function()
    for _, word in ipairs { "SCMP_ACT_ALLOW", "SCMP_ACT_LOG", "SCMP_ACT_TRACE" } do
      local f = oci.filter(profile { defaultAction = word, architectures = { "SCMP_ARCH_" .. NATIVE:upper() },
        syscalls = { { names = { "getppid" }, action = "SCMP_ACT_KILL" } } })
      assert.are.equal("default", f:get_attr("unknown"), word)
    end
    local p = profile { architectures = { "SCMP_ARCH_" .. NATIVE:upper() } }
    assert.are.equal("default", oci.filter(p, { unknown = "default" }):get_attr("unknown"))
    assert.are.equal("runc", oci.filter(p, { unknown = "runc" }):get_attr("unknown"))
    assert.matches("unknown = \"runc\" is set by seccomp%.oci%.filter",
      H.method_message(seccomp.filter("allow"), "set_attr", "unknown", "runc"))
  end)
end)

-- docs/oci.md's table of unknown arches and syscalls, row by row
describe("unknown arches and syscalls (docs/oci.md)", function()
  local function each(fn)
    for _, runtime in ipairs(RUNTIMES) do fn(runtime) end
  end

  it("an architectures word runc does not know: refused", function()
    each(function(runtime)
      assert.matches("^architectures%[1%]: arch 'SCMP_ARCH_LOONGARCH64' is not one of runc's",
        err_of(profile { architectures = { "SCMP_ARCH_LOONGARCH64" } }, { runtime = runtime }), runtime)
    end)
  end)

  it("an architectures word runc knows that libseccomp cannot add here: refused", function()
    -- s390x is big-endian: libseccomp refuses it beside a little-endian native arch
    local other = seccomp.parse("arch", "s390x") and NATIVE ~= "s390x" and "SCMP_ARCH_S390X" or "SCMP_ARCH_X86_64"
    each(function(runtime)
      local e = H.raises(oci.filter, profile { architectures = { other } }, { runtime = runtime })
      assert.are.equal("architectures[1]", e.where, runtime)
    end)
  end)

  x86_it("a word in the archMap entry for ctx.arch: as in architectures (Docker, Podman); runc reads no archMap", function()
    local p = profile { archMap = { { architecture = "SCMP_ARCH_X86_64", subArchitectures = { "SCMP_ARCH_LOONGARCH64" } } } }
    assert.matches("^archMap%[1%]%.subArchitectures%[1%]: arch 'SCMP_ARCH_LOONGARCH64' is not one of runc's", err_of(p))
    assert.matches("not one of runc's", err_of(p, { runtime = "podman" }))
    assert.are.equal("allow", act(oci.filter(p, { runtime = "runc" }), "getppid"))
  end)

  x86_it("a word in another archMap entry: not read", function()
    local p = profile { archMap = { X86_ARCHMAP[1],
      { architecture = "SCMP_ARCH_LOONGARCH64", subArchitectures = { "SCMP_ARCH_NOSUCH" } }, { architecture = "nonsense" } } }
    each(function(runtime)
      assert.are.equal("allow", act(oci.filter(p, { runtime = runtime }), "getppid"), runtime)
    end)
  end)

  it("a word in includes/excludes arches: true when it is the runtime's word for ctx.arch, else never", function()
    local p = profile { syscalls = {
      { names = { "getppid" }, action = "SCMP_ACT_ALLOW", includes = { arches = { "loong64" } } },        -- Podman's
      { names = { "getpid" }, action = "SCMP_ACT_ALLOW", includes = { arches = { "loongarch64" } } } } } -- Docker's
    local function on(runtime)
      local f = oci.filter(p, { runtime = runtime, arch = "loongarch64", kernel = "6.1" })
      return act(f, "getppid", nil, "loongarch64"), act(f, "getpid", nil, "loongarch64")
    end
    if seccomp.parse("arch", "loongarch64") then
      assert.are.same({ "errno(EPERM)", "allow" }, { on "docker" })
      assert.are.same({ "allow", "errno(EPERM)" }, { on "podman" })
      assert.are.same({ "allow", "allow" }, { on "runc" }) -- not read
    else
      assert.matches("ctx%.arch", err_of(p, { arch = "loongarch64" }))
    end
    -- a word no runtime has: an error unless strict = false, and then never true
    local q = profile { syscalls = { { names = { "getppid" }, action = "SCMP_ACT_ALLOW", includes = { arches = { "x86-64" } } } } }
    assert.matches("'x86%-64' is no runtime's arch word", err_of(q))
    assert.are.equal("errno(EPERM)", act(oci.filter(q, { strict = false }), "getppid"))
  end)

  it("an unknown syscall in a rule no more restrictive than the default: skipped, listed; above the profile's calls runc's stub answers ENOSYS", function()
    local p = profile { architectures = { "SCMP_ARCH_" .. NATIVE:upper() }, syscalls = {
      { names = { "getppid", "no_such_call", "mseal_2099" }, action = "SCMP_ACT_ALLOW" } } }
    each(function(runtime)
      local f, skipped = oci.filter(p, { runtime = runtime })
      assert.are.same({ "no_such_call", "mseal_2099" }, skipped, runtime)
      assert.are.equal("allow", act(f, "getppid"))
      assert.are.equal("errno(ENOSYS)", act(f, 1000))
    end)
  end)

  it("an unknown syscall in a rule more restrictive than the default: runc skips it (the call passes); refused unless skip_unknown", function()
    local p = profile { defaultAction = "SCMP_ACT_ALLOW", syscalls = {
      { names = { "getppid", "mkdri" }, action = "SCMP_ACT_ERRNO" } } }
    each(function(runtime)
      assert.matches("^syscalls%[1%]%.names%[2%]: unknown syscall 'mkdri' %(did you mean 'mkdir'%?%) in a rule more restrictive",
        err_of(p, { runtime = runtime }), runtime)
      local f, skipped = oci.filter(p, { runtime = runtime, skip_unknown = true })
      assert.are.same({ "mkdri" }, skipped)
      assert.are.equal("errno(EPERM)", act(f, "getppid"))
    end)
  end)

  it("an unknown syscall in a rule of the default action: never looked up", function()
    local p = profile { syscalls = { { names = { "getppid" }, action = "SCMP_ACT_ALLOW" },
      { names = { "no_such_call" }, action = "SCMP_ACT_ERRNO" } } }
    each(function(runtime)
      local _, skipped = oci.filter(p, { runtime = runtime })
      assert.are.same({}, skipped, runtime)
    end)
  end)

  it("an unknown syscall in an entry left out: never looked up (Docker, Podman); runc reads every entry", function()
    local p = profile { defaultAction = "SCMP_ACT_ALLOW", syscalls = {
      { names = { "no_such_call" }, action = "SCMP_ACT_KILL", includes = { caps = { "CAP_SYS_ADMIN" } } } } }
    assert.are.same({}, select(2, oci.filter(p, { runtime = "docker" })))
    assert.are.same({}, select(2, oci.filter(p, { runtime = "podman" })))
    assert.matches("unknown syscall 'no_such_call'", err_of(p, { runtime = "runc" }))
  end)

  it("an empty syscall name: runc refuses the profile", function()
    each(function(runtime)
      assert.matches("^syscalls%[1%]%.names%[2%]: runc refuses the profile: \"empty string is not a valid syscall\"",
        err_of(profile { syscalls = { { names = { "getppid", "" }, action = "SCMP_ACT_ALLOW" } } }, { runtime = runtime }))
    end)
  end)
end)
