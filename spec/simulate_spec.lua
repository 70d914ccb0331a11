-- f:simulate, seccomp.simulate_bpf and seccomp.disasm: the in-process
-- classic-BPF interpreter over exported filters.
--
--  * native arch: random filters are loaded in children that make the same
--    calls; what the kernel did must be what simulate predicted, every time;
--  * foreign arches: expectations reasoned from each arch's PFC (64-bit
--    arches compare both words of an argument, 32-bit ones only the low
--    word; big-endian arches lay everything out in big-endian);
--  * the decoded program is cached in the filter and every change is seen;
--  * every bad input is a clear argument error, never a crash.
local seccomp = require "seccomp"
local H = require "helper"

local A = seccomp.action_name
local EPERM, EACCES, EINVAL = seccomp.errno("EPERM"), seccomp.errno("EACCES"), seccomp.errno("EINVAL")
local KILL = seccomp.supports("kill_process") and "kill_process" or "kill_thread"
local has = function(arch) return (pcall(seccomp.arch, arch)) end

-- Assemble classic BPF: { {code, jt, jf, k}, ... } in a byte order.
local function asm(prog, big)
  local out = {}
  for i, ins in ipairs(prog) do
    out[i] = string.pack(big and ">I2BBI4" or "<I2BBI4", ins[1], ins[2] or 0, ins[3] or 0, ins[4] or 0)
  end
  return table.concat(out)
end
local LD_ABS, RET_K, RET_A, JEQ_K, JA = 0x20, 0x06, 0x16, 0x15, 0x05

describe("filter:simulate", function()
  it("returns the filter's action for a call, by name or number", function()
    local f = seccomp.filter("errno(EPERM)")
    f:add_rule("allow", "read")
    f:add_rule("errno(EACCES)", "openat", { 2, "&=", 3, 1 })
    assert.are.equal(seccomp.ACT_ALLOW, f:simulate("read"))
    assert.are.equal(seccomp.ACT_ALLOW, f:simulate(seccomp.syscall("read")))
    assert.are.equal(EPERM, f:simulate("write"))
    assert.are.equal("errno(EACCES)", A(f:simulate("openat", { -100, 0, 1 })))
    assert.are.equal("errno(EPERM)", A(f:simulate("openat", { -100, 0, 2 })))
    -- missing args are 0; an explicit nil args, arch and ip are the defaults
    assert.are.equal(EPERM, f:simulate("openat"))
    assert.are.equal(EACCES, f:simulate("openat", { nil, nil, 1 }, nil, nil))
    assert.are.equal(EACCES, f:simulate("openat", { 0, 0, 1 }, "native", 0x7fff12345678))
    assert.are.equal(EACCES, f:simulate("openat", { 0, 0, 1 }, seccomp.native_arch()))
    assert.are.equal(EACCES, f:simulate("openat", { 0, 0, 1 }, 0))
    -- exact-integer floats are integers
    assert.are.equal(EACCES, f:simulate("openat", { 0, 0, 1.0 }))
  end)

  it("takes 64-bit arguments as two's-complement bits", function()
    local f = seccomp.filter("allow")
    f:add_rule("errno(EINVAL)", "lseek", { 1, "==", -1 })
    f:add_rule("errno(EACCES)", "dup3", { 0, ">=", 0x100000005 }, { 1, ">", 7 })
    assert.are.equal(EINVAL, f:simulate("lseek", { 0, -1 }))
    assert.are.equal(EINVAL, f:simulate("lseek", { 0, 0xffffffffffffffff }))
    assert.are.equal(seccomp.ACT_ALLOW, f:simulate("lseek", { 0, 0xffffffff }))
    assert.are.equal(seccomp.ACT_ALLOW, f:simulate("lseek", { 0, 0xffffffff00000000 }))
    assert.are.equal(EACCES, f:simulate("dup3", { 0x100000005, 8 }))
    assert.are.equal(EACCES, f:simulate("dup3", { 0x200000000, 0x100000000 }))
    assert.are.equal(seccomp.ACT_ALLOW, f:simulate("dup3", { 0x100000004, 8 }))
    assert.are.equal(seccomp.ACT_ALLOW, f:simulate("dup3", { 0x100000005, 7 }))
    assert.are.equal(seccomp.ACT_ALLOW, f:simulate("dup3", { 5, 8 }))
    assert.are.equal(EACCES, f:simulate("dup3", { -1, 8 })) -- -1 is 0xffffffffffffffff
  end)

  it("answers every action kind", function()
    local f = seccomp.filter("allow")
    f:add_rule("trap", "mount")
    f:add_rule("trace(7)", "getuid")
    f:add_rule("kill_thread", "ptrace")
    f:add_rule("errno(0)", "getppid")
    if seccomp.supports("kill_process") then f:add_rule("kill_process", "reboot") end
    if seccomp.supports("log") then f:add_rule("log", "getpid") end
    if seccomp.supports("notify") then f:add_rule("notify", "getcwd") end
    assert.are.equal("trap", A(f:simulate("mount")))
    assert.are.equal("trace(7)", A(f:simulate("getuid")))
    assert.are.equal("kill_thread", A(f:simulate("ptrace")))
    assert.are.equal("errno(0)", A(f:simulate("getppid")))
    assert.are.equal("allow", A(f:simulate("read")))
    if seccomp.supports("kill_process") then assert.are.equal("kill_process", A(f:simulate("reboot"))) end
    if seccomp.supports("log") then assert.are.equal("log", A(f:simulate("getpid"))) end
    if seccomp.supports("notify") then assert.are.equal("notify", A(f:simulate("getcwd"))) end
  end)

  it("never loads anything: the process can still make every call", function()
    local f = seccomp.filter("kill_process" == KILL and "kill_process" or "kill")
    f:add_rule("allow", "exit_group")
    assert.are.equal(KILL, A(f:simulate("openat")))
    local fh = assert(io.open("/dev/null", "r"))
    fh:close()
  end)
end)

-- ---------------------------------------------------------------------------
-- The native arch against the kernel.

-- What glibc's fopen passes to openat for each io.open mode (seen with
-- strace): flags in arg2, the creation mode in arg3 (0 without O_CREAT).
local O = { r = { 0, 0 }, w = { 0x241, 438 }, ["r+"] = { 2, 0 }, ["w+"] = { 0x242, 438 } }
-- AT_FDCWD (-100) is an int: glibc loads it into a 64-bit register with a
-- 32-bit move, so the kernel sees 0xffffff9c, not the sign-extended
-- 0xffffffffffffff9c (that is what seccomp.arg32 is for).  Which one this
-- libc passes is measured once, by a child (setup below).
local AT_FDCWD = nil
-- Values the steps use, and condition values drawn near them.
local OFFSETS = { 0, 1, 5, 7, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000, 0x100000005,
  0x1ffffffff, 0x123456789a }
local COUNTS = { 1, 2, 3, 5, 8, 64, 100, 255, 256 }
local OPS = { "==", "!=", "<", "<=", ">", ">=", "&=" }

-- A child runs steps under a filter, one syscall each, and reports each
-- outcome as it happens: "i ok" or "i errno N".  A step killed by SIGSYS
-- reports nothing; the parent then restarts from the next step.  Before
-- loading, it finds the fds of its two files through /proc/self/fdinfo
-- (position markers), so inherited fds cannot shift them.
local CHILD = [==[
local seccomp = require "seccomp"
local dir, spec, start = ...
local function build(spec)
  local f = seccomp.filter(spec.default)
  -- libseccomp's own programs, right or wrong: this compares the
  -- interpreter with the kernel (verify would refuse the wrong ones)
  f:set_attr("compiler", "libseccomp")
  f:set_attr("verify", false)
  if spec.optimize then f:set_attr("optimize", 2) end
  for _, a in ipairs(spec.arches) do f:add_arch(a) end
  for _, r in ipairs(spec.rules) do
    local conds = {}
    for i, c in ipairs(r.conds) do
      if c.bits32 then
        local b = seccomp.arg32(c[1])
        conds[i] = c[2] == "&=" and b:masked_eq(c[3], c[4]) or b[({ ["=="] = "eq", ["!="] = "ne",
          ["<"] = "lt", ["<="] = "le", [">"] = "gt", [">="] = "ge" })[c[2]]](b, c[3])
      else
        conds[i] = { c[1], c[2], c[3], c[4] }
      end
    end
    pcall(f.add_rule, f, r.action, r.syscall, table.unpack(conds))
  end
  return f
end
if spec == nil then return build end
local fr = assert(io.open(dir .. "/r", "r"))
local fw = assert(io.open(dir .. "/w", "w"))
fr:setvbuf("no")
fw:setvbuf("no")
fr:seek("set", 987654321)
fw:seek("set", 123456789)
local rfd, wfd
for fd = 3, 255 do
  local h = io.open("/proc/self/fdinfo/" .. fd, "r")
  if h then
    local pos = tonumber(h:read("a"):match("pos:%s*(%d+)"))
    h:close()
    if pos == 987654321 then rfd = fd elseif pos == 123456789 then wfd = fd end
  end
end
fr:seek("set", 0)
fw:seek("set", 0)
local f = build(spec)
if f:export_bpf() ~= spec.bpf then print("EXPORT MISMATCH") os.exit(3) end
io.stdout:write("fds ", rfd, " ", wfd, "\n")
io.stdout:flush()
local ok, err = pcall(f.load, f)
if not ok then print("LOAD FAILED " .. tostring(err)) os.exit(4) end
local keep = {}
for i = start, #spec.steps do
  local s = spec.steps[i]
  local r, e, _
  if s[1] == "open" then
    r, _, e = io.open(dir .. "/o", s[2])
    keep[#keep + 1] = r
  elseif s[1] == "seek" then
    r, _, e = fr:seek("set", s[2])
  else
    r, _, e = fw:write(string.rep("x", s[2]))
  end
  io.stdout:write(i, r and " ok\n" or (" errno " .. tostring(e) .. "\n"))
  io.stdout:flush()
end
os.exit(0)
]==]

local function serialize(v)
  if type(v) == "table" then
    local parts = {}
    for k, x in pairs(v) do
      parts[#parts + 1] = "[" .. serialize(k) .. "]=" .. serialize(x)
    end
    return "{" .. table.concat(parts, ",") .. "}"
  elseif type(v) == "string" then
    return ("%q"):format(v)
  elseif math.type(v) == "integer" then
    return v == math.mininteger and "math.mininteger" or tostring(v)
  else
    return tostring(v)
  end
end

local function pick(t) return t[math.random(#t)] end

local function random_cond(arg, values)
  local op, v = pick(OPS), pick(values)
  if math.random(4) == 1 then v = v + math.random(-1, 1) end
  local c = { arg, op, v }
  if op == "&=" then
    c[3] = pick { 0xff, 0x3, 0x40, 0x200, 0xffffffff, 0xffffffff00000000, -1, 0x100000000 }
    c[4] = v & c[3]
    if math.random(3) == 1 then c[4] = pick(values) & c[3] end
  end
  if math.random(8) == 1 then c.bits32 = true end
  return c
end

-- A random filter over openat, lseek and write; write rules always test
-- arg0 so that the child's reports on fd 1 are never caught.
local function random_spec(actions)
  local spec = { default = "allow", arches = {}, rules = {}, steps = {} }
  if seccomp.supports("log") and math.random(5) == 1 then spec.default = "log" end
  if seccomp.supports("optimize") and math.random(3) == 1 then spec.optimize = true end
  if math.random(4) == 1 and has("x86") then spec.arches[#spec.arches + 1] = "x86" end
  if math.random(4) == 1 and has("x32") then spec.arches[#spec.arches + 1] = "x32" end
  -- libseccomp 2.5.4 loops forever adding a second two-condition rule
  -- whose first condition equals the first rule's (seen with an ordering
  -- operator second): at most one two-condition rule per syscall.
  local two = {}
  for _ = 1, math.random(1, 7) do
    local sys = pick { "openat", "lseek", "write" }
    local r = { action = pick(actions), syscall = sys, conds = {} }
    local args
    if sys == "openat" then
      args = { [0] = { -100, 0xffffff9c, 0xffffff9b, 0, 3, -1 }, [2] = { 0, 2, 0x241, 0x242, 0x40, 0x200 },
        [3] = { 0, 438, 0x100 } }
    elseif sys == "lseek" then
      args = { [0] = { 3, 4, 5 }, [1] = OFFSETS, [2] = { 0, 1 } }
    else
      args = { [2] = COUNTS }
      r.conds[1] = pick { { 0, ">=", 3 }, { 0, ">", 2 }, { 0, "==", 3 }, { 0, "==", 4 }, { 0, ">=", 4 } }
    end
    local used = { [0] = r.conds[1] ~= nil }
    for _ = 1, math.random(0, 2) do
      if #r.conds == 1 and two[sys] then break end
      local keys = {}
      for k in pairs(args) do if not used[k] then keys[#keys + 1] = k end end
      if #keys == 0 then break end
      table.sort(keys)
      local k = pick(keys)
      used[k] = true
      r.conds[#r.conds + 1] = random_cond(k, args[k])
    end
    two[sys] = two[sys] or #r.conds > 1
    spec.rules[#spec.rules + 1] = r
  end
  for _ = 1, math.random(6, 12) do
    local kind = math.random(3)
    if kind == 1 then
      spec.steps[#spec.steps + 1] = { "open", pick { "r", "w", "r+", "w+" } }
    elseif kind == 2 then
      spec.steps[#spec.steps + 1] = { "seek", pick(OFFSETS) }
    else
      spec.steps[#spec.steps + 1] = { "write", pick(COUNTS) }
    end
  end
  return spec
end

-- The call a step makes, as seccomp sees it.
local function step_call(step, rfd, wfd)
  if step[1] == "open" then
    return "openat", { AT_FDCWD, 0, O[step[2]][1], O[step[2]][2] }
  elseif step[1] == "seek" then
    return "lseek", { rfd, step[2], 0 }
  else
    return "write", { wfd, 0, step[2] }
  end
end

-- What the child should see for an action.
local function outcome(action)
  local name = A(action)
  if name == "allow" or name == "log" then return "ok" end
  local e = name:match("^errno%((.-)%)$")
  if e then return "errno " .. (tonumber(e) or seccomp.parse("errno", e)) end
  if name:match("^trace") then return "errno 38" end -- no tracer: ENOSYS
  return "sigsys"
end

describe("simulate against the kernel (native arch)", function()
  local SEED = tonumber(os.getenv("SIMULATE_SEED")) or 20240605
  local dir

  setup(function()
    dir = os.tmpname()
    os.remove(dir)
    assert(os.execute("mkdir -p " .. H.shellquote(dir)))
    for _, name in ipairs { "r", "w", "o" } do
      assert(io.open(dir .. "/" .. name, "w")):close()
    end
    local out, ok, how, status = H.child([[
      local seccomp = require "seccomp"
      local f = seccomp.filter("allow")
      f:add_rule("errno(71)", "openat", { 0, "==", 0xffffff9c })
      f:add_rule("errno(72)", "openat", { 0, "==", -100 })
      f:load()
      local _, _, e = io.open("/dev/null", "r")
      print(e)
    ]])
    assert(ok and how == "exit" and status == 0, "AT_FDCWD probe: " .. out)
    AT_FDCWD = assert(({ ["71\n"] = 0xffffff9c, ["72\n"] = -100 })[out], "AT_FDCWD probe: " .. out)
  end)

  teardown(function()
    os.execute("rm -rf " .. H.shellquote(dir))
  end)

  it("predicts what the kernel does for random filters and calls (seed " .. SEED .. ")", function()
    math.randomseed(SEED)
    local actions = { "allow", "errno(EPERM)", "errno(EACCES)", "errno(77)", "errno(4095)", "errno(1234)",
      "trap", "kill_thread", "trace(3)" }
    if seccomp.supports("kill_process") then actions[#actions + 1] = "kill_process" end
    if seccomp.supports("log") then actions[#actions + 1] = "log" end
    local build = assert(load(CHILD))(nil, nil)
    local NFILTERS = tonumber(os.getenv("SIMULATE_FILTERS")) or 100
    local compared, children, seen = 0, 0, {}
    for n = 1, NFILTERS do
      H.progress("    simulate against the kernel: %d of %d filters, %d children", n - 1, NFILTERS, children)
      local spec = random_spec(actions)
      local f = build(spec)
      spec.bpf = f:export_bpf()
      local got, start, fds = {}, 1, nil
      while start <= #spec.steps do
        local code = ("local spec = %s\nlocal f = assert(load(%q))\nf(%q, spec, %d)\n")
          :format(serialize(spec), CHILD, dir, start)
        local out, _, how, status = H.child(code)
        children = children + 1
        local last = start - 1
        for line in out:gmatch("[^\n]+") do
          local a, b = line:match("^fds (%d+) (%d+)$")
          if a then
            fds = { tonumber(a), tonumber(b) }
          else
            local i, what = line:match("^(%d+) (.*)$")
            assert(i, ("filter %d (seed %d): child said %q (%s %s)"):format(n, SEED, out, how, status))
            got[tonumber(i)] = what
            last = tonumber(i)
          end
        end
        if how == "signal" then
          assert.are.equal(H.SIGSYS, status, "child died of signal " .. status)
          got[last + 1] = "sigsys"
          start = last + 2
        else
          assert(how == "exit" and status == 0 and last == #spec.steps,
            ("filter %d (seed %d): child ended %s %s after step %d: %q"):format(n, SEED, how, status, last, out))
          start = last + 1
        end
      end
      for i, step in ipairs(spec.steps) do
        local sys, args = step_call(step, fds[1], fds[2])
        local action = f:simulate(sys, args)
        local want = outcome(action)
        assert.are.equal(want, got[i], ("filter %d step %d (seed %d): %s%s simulated %s\n%s"):format(
          n, i, SEED, sys, serialize(args), A(action), f:export_pfc()))
        seen[want:match("^%S+")] = true
        compared = compared + 1
      end
      f:release()
    end
    -- the generator must have produced every kind of outcome
    assert.is_true(seen.ok and seen.errno and seen.sigsys, "outcomes seen: " .. serialize(seen))
    print(("\nsimulate_spec: %d calls under %d filters agreed with the kernel (%d children, seed %d)")
      :format(compared, NFILTERS, children, SEED))
  end)
end)

-- ---------------------------------------------------------------------------
-- Foreign arches, reasoned from their PFC.

-- The same policy on every arch: read allowed; openat EACCES when arg2 has
-- bit 0x40; dup3 allowed when arg0 >= 0x100000005 and arg1 > 7; lseek
-- EINVAL unless arg1 == 0xffffffff00000000; ptrace killed; everything
-- else EPERM; a call from an arch not in the filter traps.
local function policy(arches)
  local f = seccomp.filter("errno(EPERM)")
  f:remove_arch("native")
  for _, a in ipairs(arches) do f:add_arch(a) end
  f:set_attr("badarch_action", "trap")
  f:add_rule("allow", "read")
  f:add_rule("errno(EACCES)", "openat", { 2, "&=", 0x40, 0x40 })
  f:add_rule("allow", "dup3", { 0, ">=", 0x100000005 }, { 1, ">", 7 })
  f:add_rule("errno(EINVAL)", "lseek", { 1, "!=", 0xffffffff00000000 })
  f:add_rule(KILL, "ptrace")
  return f
end

-- libseccomp compares both 32-bit words of an argument on 64-bit arches,
-- and only the low word (the datum truncated) on 32-bit ones: the PFC
-- reads "$a0.hi32 == 1 ... $a0.lo32 >= 5" there, "$a0 >= 5" here.
local function expectations(bits)
  local ALLOW = seccomp.ACT_ALLOW
  local t = {
    { "read", {}, ALLOW },
    { "write", {}, EPERM },
    { "openat", { 0, 0, 0x41 }, EACCES },
    { "openat", { 0, 0, 0x1 }, EPERM },
    { "openat", { 0, 0, 0x100000040 }, EACCES },  -- the mask's high word is 0
    { "dup3", { 0x100000005, 8 }, ALLOW },
    { "dup3", { 0x100000005, 7 }, EPERM },
    { "ptrace", {}, seccomp.parse("action", KILL) },
    { "lseek", { 0, 1 }, EINVAL },
    { "lseek", { 0, 0xffffffff00000001 }, EINVAL },
  }
  local extra = bits == 64 and {
    { "dup3", { 0x100000004, 8 }, EPERM },
    { "dup3", { 5, 8 }, EPERM },                     -- the high word decides
    { "dup3", { 0x200000000, 0x100000000 }, ALLOW }, -- hi 2 > 1; a1 hi 1 > 0
    { "dup3", { 0x200000000, 0 }, EPERM },
    { "lseek", { 0, 0xffffffff00000000 }, EPERM },
    { "lseek", { 0, 0 }, EINVAL },                   -- low word equal, high word not
    { "lseek", { 0, 0xffffffff }, EINVAL },
  } or {
    { "dup3", { 5, 8 }, ALLOW },                     -- only the low word is compared
    { "dup3", { 0x100000004, 8 }, EPERM },
    { "dup3", { 0x200000005, 0x100000008 }, ALLOW },
    { "lseek", { 0, 0xffffffff00000000 }, EPERM },
    { "lseek", { 0, 0 }, EPERM },                    -- the low word 0 is all that counts
    { "lseek", { 0, 0xffffffff }, EINVAL },
  }
  for _, e in ipairs(extra) do t[#t + 1] = e end
  return t
end

local FOREIGN = {
  -- arch, bits, big-endian, another arch of the same byte order not in the filter
  { "x86", 32, false, "aarch64" },
  { "x32", 32, false, "x86" },
  { "aarch64", 64, false, "x86_64" },
  { "arm", 32, false, "aarch64" },
  { "riscv64", 64, false, "arm" },
  { "s390x", 64, true, "s390" },
  { "s390", 32, true, "s390x" },
  { "ppc64", 64, true, "ppc" },
  { "mips", 32, true, "mips64" },
  { "mips64", 64, true, "mips" },
}

describe("simulate on foreign arches", function()
  for _, case in ipairs(FOREIGN) do
    local arch, bits, big, other = case[1], case[2], case[3], case[4]
    H.gated(it, pending, H.arches(arch))(("gives %s's actions (%d-bit, %s-endian)"):format(arch, bits,
      big and "big" or "little"), function()
      local f = policy { arch }
      local bpf = f:export_bpf()
      for _, e in ipairs(expectations(bits)) do
        local sys, args, want = e[1], e[2], e[3]
        assert.are.equal(A(want), A(f:simulate(sys, args, arch)),
          ("%s %s(%s)\n%s"):format(arch, sys, table.concat(args, ", "), f:export_pfc()))
        -- the same through simulate_bpf, with the byte order from the arch
        assert.are.equal(want, seccomp.simulate_bpf(bpf, { syscall = sys, args = args, arch = arch }))
        -- and by the arch's number as the kernel reports it
        assert.are.equal(want, f:simulate(seccomp.syscall(sys, arch), args, arch))
      end
      -- an arch not in the filter: the bad-arch action, not an error
      assert.are.equal("trap", A(f:simulate("read", nil, other)))
      assert.are.equal("trap", A(f:simulate("read", nil, "native")))
      -- read in the other byte order, the program is not a valid one
      assert.matches("bad BPF program: instruction 0: opcode 0x2000 is not allowed", H.message(
        seccomp.simulate_bpf, bpf, { syscall = "read", arch = arch, endian = big and "little" or "big" }))
      -- the program itself is in the arch's byte order
      local first = big and "\0\32" or "\32\0"
      assert.are.equal(first, bpf:sub(1, 2))
      assert.matches("^0000: ld  %[4%] +; arch\n", seccomp.disasm(bpf, arch))
    end)
  end

  H.gated(it, pending, H.arches("x32"))("sees x32 calls as the kernel reports them: AUDIT_ARCH_X86_64, nr | 0x40000000", function()
    local f = seccomp.filter("errno(EPERM)")
    f:remove_arch("native")
    f:add_arch("x32")
    f:set_attr("badarch_action", "trap")
    f:add_rule("allow", "read")
    -- PFC: if ($arch == 3221225534) ... if ($syscall == 1073741824) ALLOW
    assert.matches("%$arch == 3221225534", f:export_pfc())
    assert.are.equal(0x40000000, seccomp.syscall("read", "x32"))
    assert.are.equal("allow", A(f:simulate("read", nil, "x32")))
    assert.are.equal("allow", A(f:simulate(0x40000000, nil, "x32")))
    assert.are.equal("errno(EPERM)", A(f:simulate("write", nil, "x32")))
    -- an x86_64 call (no x32 bit) on an x32-only filter is a bad arch
    assert.are.equal("trap", A(f:simulate("read", nil, "x86_64")))
    assert.are.equal("trap", A(f:simulate(0, nil, "x32"))) -- the number is used as given
    -- simulate_bpf: the x32 bit and the x86_64 arch word, as simulate does
    local bpf = f:export_bpf()
    assert.are.equal(seccomp.ACT_ALLOW, seccomp.simulate_bpf(bpf, { syscall = "read", arch = "x32" }))
    assert.are.equal(seccomp.ACT_ALLOW, seccomp.simulate_bpf(bpf, { syscall = 0x40000000, arch = "x86_64" }))
    -- an x86_64 filter refuses x32 numbers (libseccomp checks nr >= 0x40000000)
    local g = policy { "x86_64" }
    assert.are.equal("allow", A(g:simulate("read", nil, "x86_64")))
    assert.are.equal("trap", A(g:simulate("read", nil, "x32")))
  end)

  H.gated(it, pending, H.arches("x86"))("resolves a name as a direct call on the arch (x86 socket is 359, not socketcall)", function()
    local f = seccomp.filter("errno(EPERM)")
    f:set_attr("compiler", "libseccomp")
    f:add_arch("x86")
    f:add_rule("allow", "socket", { 0, "==", 2 })
    -- PFC for x86: socket (359) if a0 == 2; socketcall (102) if a0 == 1 (SYS_SOCKET)
    local pfc = f:export_pfc()
    assert.matches('syscall "socket" %(359%)', pfc)
    assert.matches('syscall "socketcall" %(102%)', pfc)
    assert.are.equal("allow", A(f:simulate("socket", { 2 }, "x86")))
    assert.are.equal("allow", A(f:simulate(359, { 2 }, "x86")))
    assert.are.equal("errno(EPERM)", A(f:simulate("socket", { 10 }, "x86")))
    -- libseccomp widens: every socket() through socketcall passes, and
    -- verify says so
    assert.are.equal("allow", A(f:simulate("socketcall", { 1 }, "x86")))
    assert.are.equal("errno(EPERM)", A(f:simulate("socketcall", { 3 }, "x86")))
    local ok, report = f:verify()
    assert.is_false(ok)
    assert.are.equal("socketcall", report[1].syscall)
    assert.are.equal("allow", A(f:simulate("socket", { 2 }, "x86_64")))
    assert.are.equal("errno(EPERM)", A(f:simulate("socket", { 10 }, "x86_64")))
    -- the default compiler ("auto") takes the module's program: nothing widens
    f:set_attr("compiler", "auto")
    assert.are.equal("binding", f:get_attr("compiler_used"))
    assert.are.equal("allow", A(f:simulate("socket", { 2 }, "x86")))
    assert.are.equal("errno(EPERM)", A(f:simulate("socketcall", { 1 }, "x86")))
    f:set_attr("widen_multiplexed", true) -- for old x86 programs that must work
    assert.are.equal("allow", A(f:simulate("socketcall", { 1 }, "x86")))
  end)

  for _, pair in ipairs { { "x86_64", "x86", "aarch64" }, { "s390x", "s390", "ppc64" } } do
    H.gated(it, pending, H.arches(pair[1], pair[2], pair[3]))(("runs multi-arch filters (%s + %s) and their "
      .. "per-arch numbers"):format(pair[1], pair[2]), function()
      local f = policy { pair[1], pair[2] }
      for _, a in ipairs { pair[1], pair[2] } do
        assert.are.equal("allow", A(f:simulate("read", nil, a)))
        assert.are.equal("errno(EACCES)", A(f:simulate("openat", { 0, 0, 0x40 }, a)))
        assert.are.equal("errno(EPERM)", A(f:simulate("write", nil, a)))
      end
      -- 64-bit compare on the 64-bit arch, low word on the 32-bit one
      assert.are.equal("errno(EPERM)", A(f:simulate("dup3", { 5, 8 }, pair[1])))
      assert.are.equal("allow", A(f:simulate("dup3", { 5, 8 }, pair[2])))
      assert.are.equal("trap", A(f:simulate("read", nil, pair[3])))
    end)
  end

  it("passes the instruction pointer in both byte orders", function()
    -- ld [8]/[12] are ip's two words: low word first on little-endian
    for _, big in ipairs { false, true } do
      local lo, hi = big and 12 or 8, big and 8 or 12
      local bpf = asm({
        { LD_ABS, 0, 0, lo }, { JEQ_K, 0, 3, 0x9abcdef0 },
        { LD_ABS, 0, 0, hi }, { JEQ_K, 0, 1, 0x12345678 },
        { RET_K, 0, 0, seccomp.ACT_ALLOW }, { RET_K, 0, 0, EPERM },
      }, big)
      local endian = big and "big" or "little"
      assert.are.equal(seccomp.ACT_ALLOW, seccomp.simulate_bpf(bpf, { syscall = 0, ip = 0x123456789abcdef0, endian = endian }))
      assert.are.equal(EPERM, seccomp.simulate_bpf(bpf, { syscall = 0, ip = 0x9abcdef012345678, endian = endian }))
      assert.are.equal(EPERM, seccomp.simulate_bpf(bpf, { syscall = 0, endian = endian }))
      -- f:simulate takes ip as its fourth argument (libseccomp never tests it)
      local f = seccomp.filter("allow")
      f:add_rule("errno(EPERM)", "read")
      assert.are.equal(EPERM, f:simulate("read", nil, nil, 0x123456789abcdef0))
    end
  end)
end)

-- ---------------------------------------------------------------------------
-- Cache.

describe("the cached program", function()
  it("sees every change to the filter", function()
    local f = seccomp.filter("errno(EPERM)")
    assert.are.equal(EPERM, f:simulate("read"))
    f:add_rule("allow", "read")
    assert.are.equal(seccomp.ACT_ALLOW, f:simulate("read"))
    f:add_rule("errno(EACCES)", "openat", { 2, "==", 1 })
    assert.are.equal(EACCES, f:simulate("openat", { 0, 0, 1 }))
    f:add_rule_exact("errno(EINVAL)", "close")
    assert.are.equal(EINVAL, f:simulate("close"))
    if has("x86") and has("aarch64") then
      assert.are.equal("kill_thread", A(f:simulate("read", nil, "x86")))
      f:set_attr("badarch_action", "trap")
      assert.are.equal("trap", A(f:simulate("read", nil, "x86")))
      f:add_arch("x86") -- the module replays the rules on a new arch
      assert.are.equal(seccomp.ACT_ALLOW, f:simulate("read", nil, "x86"))
      f:add_rule("allow", "write")
      assert.are.equal(seccomp.ACT_ALLOW, f:simulate("write", nil, "x86"))
      f:remove_arch("x86")
      assert.are.equal("trap", A(f:simulate("write", nil, "x86")))
      -- merge: the other filter's arch and rules
      local g = seccomp.filter("errno(EPERM)")
      g:remove_arch("native")
      g:add_arch("aarch64")
      g:set_attr("badarch_action", "trap")
      g:add_rule("allow", "getpid")
      assert.are.equal(g:simulate("getpid", nil, "aarch64"), seccomp.ACT_ALLOW)
      f:merge(g)
      assert.are.equal(seccomp.ACT_ALLOW, f:simulate("getpid", nil, "aarch64"))
      assert.has_error(function() g:simulate("getpid") end)
    end
    if seccomp.supports("optimize") then
      f:set_attr("optimize", 2)
      assert.are.equal(seccomp.ACT_ALLOW, f:simulate("read"))
    end
    f:reset()
    assert.are.equal(EPERM, f:simulate("read"))
    f:reset("allow")
    assert.are.equal(seccomp.ACT_ALLOW, f:simulate("read"))
    -- a failed change leaves the filter (and the answers) as they were
    f:add_rule("errno(EPERM)", "read")
    assert.has_error(function() f:add_rule("allow", "write") end) -- the default action
    assert.are.equal(EPERM, f:simulate("read"))
    assert.are.equal(seccomp.ACT_ALLOW, f:simulate("write"))
  end)

  it("sees changes made inside a transaction, and their rejection", function()
    local f = seccomp.filter("allow")
    f:transaction_start()
    f:add_rule("errno(EPERM)", "read")
    assert.are.equal(EPERM, f:simulate("read"))
    f:transaction_reject()
    assert.are.equal(seccomp.ACT_ALLOW, f:simulate("read"))
  end)

  -- Observed without a clock: once every fd is taken, an export through a
  -- memfd fails (EMFILE), so a simulate that still answers did not export.
  -- Where the library exports straight into memory there is no fd to miss.
  H.gated(it, pending, H.without(H.feature("export_bpf_mem")))(
    "is not re-exported by a loop of simulate calls, only after a change", function()
    local out, ok, how, code = H.child([[
      local seccomp = require "seccomp"
      local f = seccomp.filter("errno(EPERM)"):add_rule("allow", "read")
      print(f:simulate("read") == seccomp.ACT_ALLOW)
    ]] .. H.TAKE_ALL_FDS .. [[
      local answers = 0
      for _ = 1, 100 do
        if f:simulate("read") == seccomp.ACT_ALLOW and f:simulate("write") == seccomp.errno(1) then
          answers = answers + 1
        end
      end
      print(answers)
      f:set_attr("badarch_action", "trap")
      local ok, e = pcall(f.simulate, f, "read")
      print(ok, type(e) == "table" and e.ename or tostring(e))
      hold[1]:close()
      hold[2]:close()
      print(f:simulate("read") == seccomp.ACT_ALLOW)
    ]], { nofile = 64 })
    assert.are.same({ true, "exit", 0 }, { ok, how, code })
    assert.are.equal("true\n100\nfalse\tEMFILE\ntrue\n", out)
  end)

  it("is freed with the filter: release, then simulate raises", function()
    local f = seccomp.filter("allow")
    f:add_rule("errno(EPERM)", "read")
    assert.are.equal(EPERM, f:simulate("read"))
    f:release()
    assert.matches("filter has been released", H.method_message(f, "simulate", "read"))
    f:release()
    assert.matches("filter has been released", H.method_message(f, "simulate", "read"))
  end)

  H.gated(it, pending, H.arches("x86", "aarch64"))("keeps its name memo per arch (a name on one arch is not the number on another)", function()
    local f = seccomp.filter("errno(EPERM)")
    f:add_arch("x86")
    f:add_arch("aarch64")
    f:add_rule("allow", "openat")
    for _ = 1, 3 do
      for _, a in ipairs { "x86_64", "x86", "aarch64" } do
        assert.are.equal("allow", A(f:simulate("openat", nil, a)))
        assert.are.equal("errno(EPERM)", A(f:simulate("close", nil, a)))
        assert.are.equal(seccomp.ACT_ALLOW, f:simulate(seccomp.syscall("openat", a), nil, a))
      end
    end
  end)
end)

-- ---------------------------------------------------------------------------
-- simulate_bpf and disasm.

describe("seccomp.simulate_bpf", function()
  it("runs a program from anywhere, e.g. a file", function()
    local f = seccomp.filter("errno(EPERM)")
    f:add_rule("allow", "read")
    f:add_rule("errno(EACCES)", "openat", { 2, "&=", 3, 1 })
    local path = os.tmpname()
    local fh = assert(io.open(path, "wb"))
    f:export_bpf(fh)
    fh:close()
    fh = assert(io.open(path, "rb"))
    local bpf = fh:read("a")
    fh:close()
    os.remove(path)
    assert.are.equal(seccomp.ACT_ALLOW, seccomp.simulate_bpf(bpf, { syscall = "read" }))
    assert.are.equal(EACCES, seccomp.simulate_bpf(bpf, { syscall = "openat", args = { 0, 0, 1 } }))
    assert.are.equal(EPERM, seccomp.simulate_bpf(bpf, { syscall = seccomp.syscall("openat") }))
    assert.are.equal(EACCES, seccomp.simulate_bpf(bpf, { syscall = "openat", args = { 0, 0, 5 }, arch = "native", ip = 1 }))
    assert.are.equal(EACCES, seccomp.simulate_bpf(bpf, { syscall = "openat", args = { 0, 0, 5 }, endian = "little" }))
  end)

  it("alternates between programs correctly (it keeps the last one decoded)", function()
    local f, g = seccomp.filter("allow"), seccomp.filter("allow")
    f:add_rule("errno(EPERM)", "read")
    g:add_rule("errno(EACCES)", "read")
    local bf, bg = f:export_bpf(), g:export_bpf()
    for _ = 1, 3 do
      assert.are.equal(EPERM, seccomp.simulate_bpf(bf, { syscall = "read" }))
      assert.are.equal(EACCES, seccomp.simulate_bpf(bg, { syscall = "read" }))
      -- the same bytes in another string object, and the same one in another byte order
      assert.are.equal(EPERM, seccomp.simulate_bpf(bf .. "", { syscall = "read" }))
      assert.has_error(function() seccomp.simulate_bpf(bf, { syscall = "read", endian = "big" }) end)
    end
  end)

  it("follows the kernel on hand-written programs (alu, scratch memory, ret a)", function()
    -- A = nr; M[0] = A; A = arg0 lo; A += M[0]; A &= 0xffff; ret errno(A)
    local ST, ADD_X, LDX_MEM, AND_K, OR_K = 0x02, 0x0c, 0x61, 0x54, 0x44
    local bpf = asm {
      { LD_ABS, 0, 0, 0 }, { ST, 0, 0, 0 }, { LD_ABS, 0, 0, 16 }, { LDX_MEM, 0, 0, 0 },
      { ADD_X }, { AND_K, 0, 0, 0xfff }, { OR_K, 0, 0, 0x50000 }, { RET_A },
    }
    assert.are.equal(seccomp.errno(30), seccomp.simulate_bpf(bpf, { syscall = 10, args = { 20 } }))
    assert.are.equal(seccomp.errno(0xfff), seccomp.simulate_bpf(bpf, { syscall = 0, args = { -1 } }))
    -- division by X == 0 at run time: the kernel's filter returns 0 (kill)
    local DIV_X, LDX_IMM = 0x3c, 0x01
    local div = asm { { LD_ABS, 0, 0, 0 }, { LDX_IMM, 0, 0, 0 }, { DIV_X }, { RET_K, 0, 0, seccomp.ACT_ALLOW } }
    assert.are.equal(seccomp.ACT_KILL, seccomp.simulate_bpf(div, { syscall = 1 }))
  end)
end)

describe("seccomp.disasm", function()
  it("prints one line per instruction, with seccomp_data fields and actions named", function()
    local f = seccomp.filter("errno(EPERM)")
    f:add_rule("allow", "read")
    f:add_rule("errno(EACCES)", "lseek", { 1, "==", 0x100000005 })
    local bpf = f:export_bpf()
    local text = seccomp.disasm(bpf)
    local lines = {}
    for line in text:gmatch("([^\n]*)\n") do lines[#lines + 1] = line end
    assert.are.equal(#bpf // 8, #lines)
    assert.are.equal(text, table.concat(lines, "\n") .. "\n")
    assert.matches("^0000: ld  %[4%] +; arch$", lines[1])
    assert.matches("; x86_64$", lines[2])
    for i, line in ipairs(lines) do assert.matches(("^%04d: "):format(i - 1), line) end
    assert.matches("; arg1 hi\n", text)
    assert.matches("; arg1 lo\n", text)
    assert.matches("ret #0x7fff0000 +; allow\n", text)
    assert.matches("ret #0x0005000d +; errno%(EACCES%)\n", text)
    assert.are.equal(text, seccomp.disasm(bpf, "little"))
    assert.are.equal(text, seccomp.disasm(bpf, "x86_64"))
  end)

  H.gated(it, pending, H.arches("x86"))("names arches and actions as arch_name and action_name do", function()
    local f = seccomp.filter("errno(EPERM)")
    f:remove_arch("native")
    f:add_arch("x86")
    f:add_rule("trace(7)", "read")
    local text = seccomp.disasm(f:export_bpf(), "x86")
    assert.matches("\n0001: jeq #0x40000003, %d+, %d+ +; " .. seccomp.arch_name(seccomp.ARCH_X86) .. "\n", text)
    assert.are.equal("x86", seccomp.arch_name(seccomp.ARCH_X86))
    assert.matches("ret #0x00050001 +; " .. seccomp.action_name(seccomp.errno(1)):gsub("%p", "%%%0") .. "\n", text)
    assert.are.equal("errno(EPERM)", seccomp.action_name(seccomp.errno(1)))
    assert.matches("ret #0x7ff00007 +; trace%(7%)\n", text)
    -- an action the kernel would not take as written keeps the interpreter's words
    assert.matches("; unknown action, kills process\n",
      seccomp.disasm(string.pack("<I2BBI4", 0x06, 0, 0, 0x12345678)))
  end)

  H.gated(it, pending, H.arches("s390x"))("reads big-endian programs given the byte order or an arch", function()
    local f = seccomp.filter("errno(EPERM)")
    f:remove_arch("native")
    f:add_arch("s390x")
    f:add_rule("allow", "dup3", { 0, "==", 0x100000005 })
    local bpf = f:export_bpf()
    local text = seccomp.disasm(bpf, "s390x")
    assert.are.equal(text, seccomp.disasm(bpf, "big"))
    assert.matches("; s390x\n", text)
    -- on big-endian the word at the lower offset is the high half
    assert.matches("ld  %[16%] +; arg0 hi\n", text)
    assert.matches("ld  %[20%] +; arg0 lo\n", text)
    -- read in the wrong order, it is not seccomp code at all
    assert.matches("%.word", seccomp.disasm(bpf, "little"))
  end)

  it("shows what seccomp would refuse instead of raising", function()
    local text = seccomp.disasm(asm { { 0x28, 0, 0, 2 }, { LD_ABS, 0, 0, 64 }, { JA, 0, 0, 9 }, { 0x0e } })
    assert.matches("^0000: %.word 0x0028", text)
    assert.matches("\n0001: ld  %[64%] +; invalid offset\n", text)
    assert.matches("\n0002: ja  12\n", text)
    assert.matches("\n0003: %.word 0x000e", text)
  end)
end)

-- ---------------------------------------------------------------------------
-- Bad input.

describe("bad input", function()
  local f = seccomp.filter("allow")
  f:add_rule("errno(EPERM)", "read")
  local bpf = f:export_bpf()
  local function sim(...) return H.method_message(f, "simulate", ...) end
  local function arg(n, fn, msg)
    return ("bad argument #%d to .%s. %%(%s"):format(n, fn, msg)
  end

  it("f:simulate: syscall", function()
    assert.matches(arg(1, "simulate", "syscall name or number expected, got no value"), sim())
    assert.matches(arg(1, "simulate", "syscall name or number expected, got nil"), sim(nil))
    assert.matches(arg(1, "simulate", "syscall name or number expected, got true"), sim(true))
    assert.matches(arg(1, "simulate", "unknown syscall 'opne'"), sim("opne"))
    assert.matches(arg(1, "simulate", "unknown syscall ''"), sim(""))
    assert.matches(arg(1, "simulate", "unknown syscall 'read\\0x'"), sim("read\0x"))
    assert.matches(arg(1, "simulate", "unknown syscall '1'"), sim("1"))
    assert.matches(arg(1, "simulate", "syscall 'socketcall' does not exist on x86_64"), sim("socketcall"))
    if has("aarch64") then
      assert.matches(arg(1, "simulate", "syscall 'open' does not exist on aarch64"), sim("open", nil, "aarch64"))
    end
    assert.matches(arg(1, "simulate", "bad syscall number 2147483648"), sim(0x80000000))
    assert.matches(arg(1, "simulate", "bad syscall number 1.5"), sim(1.5))
    -- a negative number is what the kernel would report for syscall(-1)
    assert.are.equal(seccomp.ACT_ALLOW, f:simulate(-1))
  end)

  it("f:simulate: args", function()
    assert.matches(arg(2, "simulate", "args must be a table of up to 6 integers, got 5"), sim("read", 5))
    assert.matches(arg(2, "simulate", "args must be a table of up to 6 integers, got '1'"), sim("read", "1"))
    assert.matches(arg(2, "simulate", "args%[2%] must be an integer, got '2'"), sim("read", { 1, "2" }))
    assert.matches(arg(2, "simulate", "args%[1%] must be an integer, got 1.5"), sim("read", { 1.5 }))
    assert.matches(arg(2, "simulate", "args%[6%] must be an integer, got true"), sim("read", { 0, 0, 0, 0, 0, true }))
    assert.matches(arg(2, "simulate", "args%[3%] must be an integer, got a table"), sim("read", { 0, 0, {} }))
    assert.matches(arg(2, "simulate", "args has more than 6 values %(7%)"), sim("read", { 1, 2, 3, 4, 5, 6, 7 }))
    assert.matches(arg(2, "simulate", "args has more than 6 values"), sim("read", { 1, 2, 3, 4, 5, 6, [7] = 0 }))
    assert.matches(arg(2, "simulate", "args%[1%] must be an integer, got 1e%+20"), sim("read", { 1e20 }))
  end)

  it("f:simulate: arch and ip", function()
    assert.matches(arg(3, "simulate", "unknown arch 'vax'"), sim("read", nil, "vax"))
    assert.matches(arg(3, "simulate", "unknown arch 12345"), sim("read", nil, 12345))
    assert.matches(arg(3, "simulate", "arch name or number expected, got table"), sim("read", nil, {}))
    assert.matches(arg(4, "simulate", "ip must be an integer, got 'x'"), sim("read", nil, nil, "x"))
    assert.matches(arg(4, "simulate", "ip must be an integer, got 0.5"), sim("read", nil, nil, 0.5))
    -- not a filter
    assert.matches("bad argument #1 to '.-' %(seccomp.filter expected, got number%)",
      H.message(f.simulate, 42, "read"))
  end)

  it("f:simulate: a filter libseccomp cannot export raises the error object", function()
    local g = seccomp.filter("allow")
    g:remove_arch("native")
    local e = H.raises(g.simulate, g, "read")
    assert.are.equal("simulate", e.op)
    assert.matches("no arches", e.message)
  end)

  it("simulate_bpf: bad programs", function()
    local function bad(prog, msg)
      assert.matches(arg(1, "[%w.]*simulate_bpf", "bad BPF program: " .. msg),
        H.message(seccomp.simulate_bpf, prog, { syscall = 0 }))
    end
    bad("1234567", "program length 7 is not a multiple of 8")
    bad(bpf .. "x", "program length %d+ is not a multiple of 8")
    bad("", "empty program")
    bad(("\6\0\0\0\0\0\255\127"):rep(4097), "program has 4097 instructions; the limit is 4096")
    bad(asm { { 0xffff } , { RET_K } }, "instruction 0: opcode 0xffff is not allowed in seccomp filters")
    bad(asm { { 0x94, 0, 0, 3 }, { RET_K } }, "instruction 0: opcode 0x94 %(mod%) is not allowed")
    bad(asm { { JA, 0, 0, 1 }, { RET_K } }, "instruction 0: jump out of range %(ja %+1%)")
    bad(asm { { JEQ_K, 0, 5, 0 }, { RET_K } }, "instruction 0: jump out of range %(false branch %+5%)")
    bad(asm { { JEQ_K, 1, 0, 0 }, { RET_K } }, "instruction 0: jump out of range %(true branch %+1%)")
    bad(asm { { LD_ABS, 0, 0, 64 }, { RET_K } }, "instruction 0: load offset 64 is outside seccomp_data")
    bad(asm { { LD_ABS, 0, 0, 2 }, { RET_K } }, "instruction 0: load offset 2 is not 4%-byte aligned")
    bad(asm { { 0x34, 0, 0, 0 }, { RET_K } }, "instruction 0: division by constant zero")
    bad(asm { { 0x64, 0, 0, 32 }, { RET_K } }, "instruction 0: shift by 32")
    bad(asm { { 0x60, 0, 0, 16 }, { RET_K } }, "instruction 0: scratch memory index 16 out of range")
    bad(asm { { 0x60, 0, 0, 3 }, { RET_K } }, "instruction 0: reads scratch memory M%[3%] which may not have been written")
    bad(asm { { RET_K }, { LD_ABS } }, "instruction 1: program does not end with a ret")
    assert.matches(arg(1, "[%w.]*simulate_bpf", "BPF program %(a string%) expected, got no value"),
      H.message(seccomp.simulate_bpf))
    assert.matches(arg(1, "[%w.]*simulate_bpf", "BPF program %(a string%) expected, got 12"),
      H.message(seccomp.simulate_bpf, 12, { syscall = 0 }))
  end)

  it("simulate_bpf: bad data", function()
    local function bad(data, msg)
      assert.matches(arg(2, "[%w.]*simulate_bpf", msg), H.message(seccomp.simulate_bpf, bpf, data))
    end
    bad(nil, "data table { syscall = ..., args = ..., arch = ... } expected, got nil")
    bad("read", "data table .* expected, got 'read'")
    bad({}, "data.syscall: syscall name or number expected, got nil")
    bad({ syscall = "opne" }, "data.syscall: unknown syscall 'opne'")
    bad({ syscall = "socketcall" }, "data.syscall: syscall 'socketcall' does not exist on x86_64")
    bad({ syscall = 2 ^ 31 }, "data.syscall: bad syscall number 2147483648%.0")
    bad({ syscall = 0x80000000 }, "data.syscall: bad syscall number 2147483648")
    bad({ sycall = "read" }, "data has an unknown field 'sycall' %(fields: syscall, args, arch, ip, endian%)")
    bad({ syscall = "read", [1] = 2 }, "data has an unknown field 1")
    bad({ syscall = "read", args = 3 }, "data.args must be a table of up to 6 integers, got 3")
    bad({ syscall = "read", args = { "x" } }, "data.args%[1%] must be an integer, got 'x'")
    bad({ syscall = "read", args = { 1, 2, 3, 4, 5, 6, 7 } }, "data.args has more than 6 values")
    bad({ syscall = "read", arch = "vax" }, "data.arch: unknown arch 'vax'")
    bad({ syscall = "read", ip = "0" }, "data.ip must be an integer, got '0'")
    bad({ syscall = "read", endian = "middle" }, "data.endian: byte order 'big' or 'little', or an arch, expected, got 'middle'")
  end)

  it("disasm: bad input", function()
    local function bad(n, msg, ...)
      assert.matches(arg(n, "[%w.]*disasm", msg), H.message(seccomp.disasm, ...))
    end
    bad(1, "BPF program %(a string%) expected, got no value")
    bad(1, "bad BPF program: program length 9 is not a multiple of 8", ("\0"):rep(9))
    bad(1, "bad BPF program: empty program", "")
    bad(1, "bad BPF program: program has 4097 instructions; the limit is 4096", ("\0"):rep(8 * 4097))
    bad(2, "byte order 'big' or 'little', or an arch, expected, got 'vax'", bpf, "vax")
  end)

  it("never crashes on random bytes", function()
    math.randomseed(7)
    local ok_runs, errors = 0, 0
    for i = 1, 3000 do
      local n = math.random(0, 12) * 8 + (i % 10 == 0 and math.random(1, 7) or 0)
      local t = {}
      for j = 1, n do
        t[j] = string.char(math.random(0, 255))
      end
      -- bias towards real opcodes so some programs pass the checks
      local s = table.concat(t)
      if i % 2 == 0 and n >= 8 then
        s = s:sub(1, n - 8) .. string.pack("<I2BBI4", RET_K, 0, 0, seccomp.ACT_ALLOW)
      end
      local ok = pcall(seccomp.simulate_bpf, s, { syscall = math.random(0, 400), args = { math.random(0, 3) },
        endian = i % 3 == 0 and "big" or "little" })
      if ok then ok_runs = ok_runs + 1 else errors = errors + 1 end
      if n % 8 == 0 and n > 0 then
        local text = seccomp.disasm(s, i % 3 == 0 and "big" or "little")
        assert.are.equal(n // 8, select(2, text:gsub("\n", "")))
      end
    end
    assert.is_true(ok_runs > 0 and errors > 0)
  end)
end)

-- ---------------------------------------------------------------------------
-- docs/simulate.md runs: each `lua` block is either a snippet, whose `-->`
-- comments are what it prints, or a busted spec (it starts with
-- "-- spec/"), which must pass.

describe("docs/simulate.md", function()
  local function blocks()
    local fh = assert(io.open("docs/simulate.md", "rb"))
    local md = fh:read("a")
    fh:close()
    local out = {}
    for lang, body in md:gmatch("\n```(%w*)\n(.-)\n```") do
      if lang == "lua" then out[#out + 1] = body .. "\n" end
    end
    return out
  end

  it("has examples that run and print what they show", function()
    local snippets, specs = 0, 0
    for _, code in ipairs(blocks()) do
      if code:match("^%-%- spec/") then
        -- busted runs only files named like specs, even when given by path
        local tmp = os.tmpname()
        local path = tmp .. "_spec.lua"
        os.remove(tmp)
        local fh = assert(io.open(path, "w"))
        fh:write(code)
        fh:close()
        local cmd = ("%s /usr/bin/busted --lpath=%s --cpath=%s %s 2>&1"):format(H.lua,
          H.shellquote(package.path), H.shellquote(package.cpath), H.shellquote(path))
        local p = assert(io.popen(cmd))
        local out = p:read("a")
        local ok = p:close()
        os.remove(path)
        local passed = tonumber(out:match("(%d+) successes? / 0 failures / 0 errors"))
        assert(ok and passed and passed > 0, out) -- "0 successes" is a spec that ran nothing
        specs = specs + 1
      else
        local want = {}
        for line in code:gmatch("[^\n]+") do
          local shown = line:match("%-%->%s*(.-)%s*$")
          if shown then want[#want + 1] = shown end
        end
        local out, ok, how, status = H.child(code)
        assert.are.same({ true, "exit", 0 }, { ok, how, status }, out)
        assert.are.equal(table.concat(want, "\n") .. "\n", out)
        snippets = snippets + 1
      end
    end
    assert.is_true(snippets >= 1 and specs >= 1)
  end)
end)
