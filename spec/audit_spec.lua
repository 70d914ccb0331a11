-- seccomp.audit: the weaknesses of a program, read off the partition
-- seccomp.diff checks.  Each kind is found in a policy (or a hand-written
-- program) written to have it, with cells that show it (each checked with
-- simulate_bpf), and not in one written without it; the findings on the
-- container runtimes' defaults are the ones docs/inspect.md lists.
local seccomp = require "seccomp"
local H = require "helper"
local inspect = require "seccomp.inspect"

local A = seccomp.action_name
local it_x86_64 = H.gated(it, pending, H.X86_64)

local function kinds(findings)
  local t = {}
  for _, f in ipairs(findings) do
    t[#t + 1] = f.kind .. "/" .. f.severity
  end
  table.sort(t)
  return t
end

local function of_kind(findings, kind)
  local out = {}
  for _, f in ipairs(findings) do
    if f.kind == kind then out[#out + 1] = f end
  end
  return out
end

-- Every cell of a finding is a call the program answers as the cell says.
local function check_cells(p, findings, opts)
  local bpf = type(p) == "string" and p or p:export_bpf()
  for _, f in ipairs(findings) do
    assert.is_string(f.message)
    assert.is_true(#f.cells > 0 or f.kind == "arch-unchecked", f.kind)
    for _, c in ipairs(f.cells) do
      if type(c.arch) == "string" then
        local got = seccomp.simulate_bpf(bpf, { syscall = c.nr, arch = c.arch, args = c.args,
                                                endian = opts and opts.endian })
        assert.are.equal(A(c.action), A(got), ("%s: %s %s"):format(f.kind, c.arch, tostring(c.syscall or c.nr)))
      end
    end
  end
end

local function filter(policy, compiler)
  local f = seccomp.filter(policy)
  if compiler then
    f:set_attr("compiler", compiler)
    f:set_attr("verify", false)
  end
  return f
end

-- hand-written programs (the native byte order)
local LD, JEQ, RET = 0x20, 0x15, 0x06
local function prog(insns)
  local out = {}
  for _, i in ipairs(insns) do out[#out + 1] = string.pack("=I2BBI4", i[1], i[2] or 0, i[3] or 0, i[4] or 0) end
  return table.concat(out)
end

describe("seccomp.audit", function()
  it("finds nothing in a strict allow-list of the arches it names", function()
    local f = filter { default = "kill_thread", arches = { "native" },
                       allow = { "read", "write", "exit_group", "execve", "execveat", "rt_sigreturn" } }
    assert.are.same({}, seccomp.audit(f))
    assert.are.same({}, seccomp.audit(f:export_bpf()))
  end)

  it_x86_64("arch-unchecked: a program that reads the number before (or without) the arch", function()
    -- getppid is refused, everything else allowed, on every arch value
    local p = prog { { LD, 0, 0, 0 }, { JEQ, 0, 1, seccomp.syscall("getppid") },
                     { RET, 0, 0, seccomp.errno("EPERM") }, { RET, 0, 0, seccomp.ACT_ALLOW } }
    local F = of_kind(seccomp.audit(p), "arch-unchecked")
    assert.are.equal(1, #F)
    assert.are.equal("high", F[1].severity)
    assert.matches("does not check the arch", F[1].message)
    assert.is_true(#F[1].cells > 0)
    -- and where the bad-arch action lets every call through
    local g = filter { default = "errno(EPERM)", attrs = { badarch_action = "allow" }, allow = { "read" } }
    local G = of_kind(seccomp.audit(g), "arch-unchecked")
    assert.are.equal(1, #G)
    assert.matches("every arch passes", G[1].message)
    -- without: the arch checked first, other arches killed
    assert.are.same({}, of_kind(seccomp.audit(filter { default = "errno(EPERM)", allow = { "read" } }),
      "arch-unchecked"))
  end)

  it_x86_64("x32-guard: x32 numbers answered apart from the x86_64 rules", function()
    -- the arch is checked, the x32 bit is not: execve (59) is refused,
    -- x32's execve (0x40000208) falls to the default and is allowed
    local p = prog { { LD, 0, 0, 4 }, { JEQ, 1, 0, 0xc000003e }, { RET, 0, 0, 0 }, { LD, 0, 0, 0 },
                     { JEQ, 0, 1, 59 }, { RET, 0, 0, 0x80000000 }, { RET, 0, 0, seccomp.ACT_ALLOW } }
    local findings = seccomp.audit(p)
    local F = of_kind(findings, "x32-guard")
    assert.are.equal(1, #F)
    assert.are.equal("high", F[1].severity)
    assert.matches("execve", F[1].message)
    check_cells(p, F)
    -- without: libseccomp's program guards the x32 bit; and a policy with
    -- x32 that refuses it there too
    for _, policy in ipairs {
      { default = "allow", arches = { "x86_64" }, rules = { { action = "kill_thread", syscall = "execve" } } },
      { default = "allow", arches = { "x86_64", "x32" }, rules = { { action = "kill_thread", syscall = "execve" } } },
    } do
      assert.are.same({}, of_kind(seccomp.audit(filter(policy)), "x32-guard"))
    end
  end)

  it("permissive-default: a deny-list", function()
    local f = filter { default = "allow", rules = { { action = "errno(EPERM)", syscall = "ptrace" } } }
    local F = of_kind(seccomp.audit(f), "permissive-default")
    assert.are.equal(1, #F)
    assert.are.equal("medium", F[1].severity)
    check_cells(f, F)
    assert.are.same({}, of_kind(seccomp.audit(filter { default = "errno(EPERM)", allow = { "read" } }),
      "permissive-default"))
    -- log lets calls through too (the program's answer, whatever the API level)
    local p = prog { { LD, 0, 0, 4 }, { JEQ, 1, 0, seccomp.native_arch() }, { RET, 0, 0, 0 },
                     { RET, 0, 0, 0x7ffc0000 } }
    local L = of_kind(seccomp.audit(p), "permissive-default")
    assert.are.equal(1, #L)
    assert.matches("the default action is log", L[1].message)
  end)

  it("syscall-alt-gap: a call refused while its twin is allowed", function()
    local f = filter { default = "allow", rules = { { action = "errno(EPERM)", syscall = "execve" },
                                                    { action = "errno(ENOSYS)", syscall = "clone3" } } }
    local F = of_kind(seccomp.audit(f), "syscall-alt-gap")
    assert.are.equal(2, #F)
    assert.are.equal("medium", F[1].severity)
    assert.matches("^execve is refused while execveat is allowed", F[1].message)
    -- a refusal with ENOSYS is how callers are sent to the twin: low
    assert.are.equal("low", F[2].severity)
    assert.matches("^clone3 is refused while clone, fork, vfork are allowed", F[2].message)
    check_cells(f, F)
    -- without: both refused; or only partly refused (the twin may not do
    -- what the conditions refuse)
    for _, policy in ipairs {
      { default = "allow", rules = { { action = "errno(EPERM)", syscalls = { "execve", "execveat" } } } },
      { default = "allow", rules = { { action = "errno(EPERM)", syscall = "execve", args = { "arg0 == 0" } } } },
    } do
      assert.are.same({}, of_kind(seccomp.audit(filter(policy)), "syscall-alt-gap"))
    end
  end)

  it("io-uring-bypass: a ring allowed while what its operations do is refused", function()
    local f = filter { default = "errno(EPERM)", allow = { "io_uring_setup", "io_uring_enter", "read", "write" } }
    local F = of_kind(seccomp.audit(f), "io-uring-bypass")
    assert.are.equal(1, #F)
    assert.are.equal("high", F[1].severity)
    assert.matches("openat %(IORING_OP_OPENAT%)", F[1].message)
    assert.matches("socket %(IORING_OP_SOCKET%)", F[1].message)
    assert.is_nil(F[1].message:find("read (IORING_OP_READ)", 1, true)) -- allowed here
    check_cells(f, F)
    -- partly refused counts too: a ring's socket takes any family
    local g = filter { default = "allow", rules = { { action = "errno(EPERM)", syscall = "socket",
                                                      args = { "arg0 == 40" } } } }
    assert.are.equal(1, #of_kind(seccomp.audit(g), "io-uring-bypass"))
    -- without: io_uring_setup refused
    local h = filter { default = "allow", rules = { { action = "errno(EPERM)", syscall = "socket",
                                                      args = { "arg0 == 40" } },
                                                    { action = "errno(ENOSYS)", syscall = "io_uring_setup" } } }
    assert.are.same({}, of_kind(seccomp.audit(h), "io-uring-bypass"))
  end)

  it("io-uring-bypass: its table holds every IORING_OP_* of <linux/io_uring.h>", function()
    local fh = io.open("/usr/include/linux/io_uring.h")
    if not fh then
      pending("needs /usr/include/linux/io_uring.h (linux-libc-dev)")
      return
    end
    local text = fh:read("a")
    fh:close()
    local enum = assert(text:match("enum io_uring_op {(.-)};"))
    local ops = {}
    for op in enum:gmatch("IORING_OP_([%w_]+)") do
      if op ~= "LAST" then ops[#ops + 1] = op end
    end
    assert.is_true(#ops >= 40)
    for _, op in ipairs(ops) do
      assert.is_not_nil(inspect.IORING_OPS[op], "IORING_OP_" .. op .. " is not in the table")
    end
    local n = 0
    for op, call in pairs(inspect.IORING_OPS) do
      n = n + 1
      if call then assert.is_not_nil(seccomp.syscall(call), op .. ": " .. call) end
    end
    assert.are.equal(#ops, n)
  end)

  it("multiplexed-widening: socketcall wider than socket's own rules (x86)", function()
    local policy = { default = "errno(EPERM)", arches = { "x86" },
                     rules = { { action = "allow", syscall = "socket", args = { "arg0 == 1" } } } }
    -- libseccomp's program widens socketcall(SYS_SOCKET, ...) to every family
    local f = filter(policy, "libseccomp")
    local F = of_kind(seccomp.audit(f), "multiplexed-widening")
    assert.are.equal(1, #F)
    assert.are.equal("medium", F[1].severity)
    assert.matches("socketcall%(1, %.%.%.%)", F[1].message)
    check_cells(f, F)
    -- the module's program keeps it refused (widen_multiplexed off)
    assert.are.same({}, of_kind(seccomp.audit(filter(policy, "binding")), "multiplexed-widening"))
    -- ipc dispatches on arg0's low 16 bits: libseccomp's program refuses
    -- ipc(23, ...) with shmget and lets ipc(0x10017, ...), shmget too, by
    -- the default; the module's program refuses both
    policy = { default = "allow", arches = { "x86" }, rules = { { action = "errno(EACCES)", syscall = "shmget" } } }
    f = filter(policy, "libseccomp")
    F = of_kind(seccomp.audit(f), "multiplexed-widening")
    assert.are.equal(1, #F)
    assert.matches("shmget is refused in some cells on x86, but ipc%(0x10017, %.%.%.%)", F[1].message)
    check_cells(f, F)
    assert.are.same({}, of_kind(seccomp.audit(filter(policy, "binding")), "multiplexed-widening"))
  end)

  it_x86_64("finds in Docker's and Podman's defaults, as runc installs them, what docs/inspect.md lists", function()
    local md = H.read("docs/inspect.md")
    for _, c in ipairs { { "docker.builtin-default.default.bpf", "Docker" },
                         { "podman-default.default.bpf", "Podman" } } do
      local p = H.read("spec/data/runc-captures/" .. c[1])
      local findings = seccomp.audit(p)
      check_cells(p, findings)
      -- the docs' list: "- **kind** (severity): message"
      local section = assert(md:match("\n### " .. c[2] .. "[^\n]*\n(.-)\n#")
        or md:match("\n### " .. c[2] .. "[^\n]*\n(.*)$"), "no section for " .. c[2])
      local listed = {}
      for kind, severity, message in section:gmatch("\n%- %*%*([%w%-]+)%*%* %((%w+)%): ([^\n]+)") do
        listed[#listed + 1] = { kind, severity, message }
      end
      assert.are.equal(#findings, #listed, c[2])
      for i, f in ipairs(findings) do
        assert.are.same({ f.kind, f.severity, f.message }, listed[i])
      end
    end
  end)

  it("takes filters, programs and stacks, and checks its arguments", function()
    local f = filter { default = "allow", rules = { { action = "errno(EPERM)", syscall = "ptrace" } } }
    assert.are.same(kinds(seccomp.audit(f)), kinds(seccomp.audit(f:export_bpf())))
    assert.are.same(kinds(seccomp.audit(f)), kinds(seccomp.audit({ f:export_bpf(), f })))
    assert.matches("bad argument #1 to 'audit' %(filter, BPF program", H.message(seccomp.audit, 42))
    assert.matches("bad argument #2 to 'audit' %(unknown option 'severity'",
      H.message(seccomp.audit, f, { severity = "high" }))
  end)
end)

describe("lua-seccomp audit", function()
  teardown(H.remove_files)
  local q = H.shellquote
  -- the tool's audit command with `args`: stdout, stderr, exit status
  local function tool(args) return H.cli("audit " .. args) end

  it("prints the findings and exits 1 where one reaches the severity asked, else 0", function()
    local out, err, code = tool("examples/policies/stdout-only.lua")
    assert.are.equal(1, code, err)
    assert.matches("^high    io%-uring%-bypass: io_uring_setup is allowed on ", out)
    assert.matches("\nmedium  permissive%-default: the default action is allow", out)
    assert.matches("\n        x86_64  write%(0, 0, 0, 0, 0, 0%)  errno%(EPERM%)\n", out)
    assert.matches("\n2 findings, 2 of severity low or above\n$", out)
    local _, _, code_high = tool("examples/policies/stdout-only.lua --severity high")
    assert.are.equal(1, code_high)
    -- the container profile: a low finding only (clone3's ENOSYS)
    local out2, _, code2 = tool("examples/policies/container.lua --severity medium")
    assert.are.equal(0, code2)
    assert.matches("\n1 finding, 0 of severity medium or above\n$", out2)
    local out3 = tool(q(H.file_with(seccomp.load_policy("examples/policies/container.lua"):export_bpf(), ".bpf")))
    assert.matches("^low     syscall%-alt%-gap: clone3 is refused", out3)
  end)

  it("refuses what it cannot run, with status 2", function()
    H.refused("audit ", 2, "audit: a program is missing")
    H.refused("audit examples/policies/container.lua --severity urgent", 2,
      "%-%-severity: one of high, medium, low expected, got 'urgent'")
    H.refused("audit /nonexistent.bpf", 2, "cannot open")
  end)
end)
