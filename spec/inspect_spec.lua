-- Looking inside: seccomp.status, seccomp.dump (a process's filters read
-- back with ptrace) and seccomp.diff (where two filters, programs or stacks
-- answer differently, exhaustively).  The dump cases run real targets
-- (spawned children blocked on a FIFO) and check they go on afterwards; the
-- diff cases check every reported cell with simulate_bpf and the verdicts
-- against the kernel (stacked filters) and against random pairs of rule
-- sets with one change.
local seccomp = require "seccomp"
local H = require "helper"
local RS = require "support.rulesets"

local A = seccomp.action_name
local NATIVE = seccomp.arch_name(seccomp.native_arch())
local q = H.shellquote

local function sh_ok(cmd)
  local ok = os.execute(cmd .. " >/dev/null 2>&1")
  return ok == true or ok == 0
end

local DUMP = H.DUMP
local it_dump = H.gated(it, pending, DUMP)

-- ---------------------------------------------------------------------------
-- Targets: processes blocked until the spec lets them go on.

local made = {}

local function fifo()
  local path = os.tmpname()
  os.remove(path)
  assert(os.execute("mkfifo " .. q(path)))
  made[#made + 1] = path
  return path
end

-- Let a target blocked reading `path` go on: write a line into the FIFO.
local function release(path, line)
  local fh = assert(io.open(path, "w"))
  fh:write(line, "\n")
  fh:close()
end

local function sleep(s)
  os.execute("sleep " .. s)
end

-- Wait until fn() is true (at most 10 s).
local function wait_until(fn, what)
  for _ = 1, 500 do
    if fn() then return end
    sleep(0.02)
  end
  error("timed out waiting for " .. what)
end

local function proc_field(pid, key)
  local fh = io.open(("/proc/%d/status"):format(pid))
  if not fh then return nil end
  local s = fh:read("a")
  fh:close()
  return s:match(key .. ":%s*(%S+)")
end

-- A filter that allows everything but ptrace and getppid(7).
local function filter_f()
  local f = seccomp.filter("allow")
  f:add_rule("errno(EPERM)", "ptrace")
  f:add_rule("errno(EACCES)", "getppid", { 0, "==", 7 })
  return f
end

-- A second one, of another shape.
local function filter_g()
  local g = seccomp.filter("allow")
  g:add_rule("errno(ENOENT)", "getppid", { 0, ">", 9 })
  g:add_rule("kill", "kexec_load")
  return g
end

-- spawn `f` running sh, which waits for a line on a FIFO and prints it.
local function spawn_waiting(f)
  local path = fifo()
  local out = assert(io.tmpfile())
  local child = f:spawn({ "sh", "-c", "read x < " .. q(path) .. "; echo got $x" }, { stdout = out })
  return child, path, out
end

-- A process without a filter (sleep), and the function that ends it.
local function unfiltered()
  local p = assert(io.popen("echo $$; exec sleep 30"))
  local pid = math.tointeger(p:read("n"))
  return pid, function()
    os.execute("kill " .. pid)
    p:close()
  end
end

local function finish(child, path, out)
  release(path, "hello")
  assert.are.same({ true, "exit", 0 }, { child:wait() })
  assert.are.equal("got hello\n", H.contents(out))
  out:close()
end

-- The probe: makes one raw system call and prints "result errno".
local PROBE
local function probe_build()
  if PROBE then return PROBE end
  PROBE = os.tmpname()
  made[#made + 1] = PROBE
  assert(os.execute(("env -u LD_PRELOAD cc -O1 -static -o %s spec/support/probe.c"):format(q(PROBE))),
    "cc spec/support/probe.c")
  return PROBE
end

teardown(function()
  for _, p in ipairs(made) do os.remove(p) end
  H.remove_files()
end)

-- ---------------------------------------------------------------------------

describe("seccomp.status", function()
  it("says what /proc/PID/status says, without privilege", function()
    local f = filter_f()
    local child, path, out = spawn_waiting(f)
    local st = seccomp.status(child.pid)
    assert.are.same({ mode = "filter", filters = 1, no_new_privs = true }, st)
    finish(child, path, out)
    local pid, stop = unfiltered()
    assert.are.same({ mode = "disabled", filters = 0, no_new_privs = false }, seccomp.status(pid))
    stop()
  end)

  it("works for an unprivileged caller", function()
    local f = filter_f()
    local child, path, out = spawn_waiting(f)
    local code = ("local s = require('seccomp').status(%d); print(s.mode, s.filters, s.no_new_privs)"):format(child.pid)
    local text, ok, how, status = H.child(code, { nobody = true })
    assert.are.same({ true, "exit", 0 }, { ok, how, status }, text)
    assert.are.equal("filter\t1\ttrue\n", text)
    finish(child, path, out)
  end)

  H.gated(it, pending, H.CC)("names strict mode", function()
    local bin = os.tmpname()
    made[#made + 1] = bin
    assert(os.execute(("env -u LD_PRELOAD cc -O1 -static -o %s spec/support/strict.c"):format(q(bin))))
    local log = os.tmpname()
    made[#made + 1] = log
    local p = assert(io.popen(q(bin) .. " > " .. q(log), "w"))
    local pid
    wait_until(function()
      local s = H.read(log)
      pid = math.tointeger(tonumber(s:match("^(%d+)\n")))
      return s:match("\nstrict\n") ~= nil
    end, "the strict-mode target")
    assert.are.same({ mode = "strict", filters = 0, no_new_privs = false }, seccomp.status(pid))
    if DUMP.ok then
      local err = H.raises(seccomp.dump, pid)
      assert.are.equal("EINVAL", err.ename)
      assert.matches("process %d+ is in strict mode: it has no filter program", err.message)
    end
    p:write("x")
    assert.are.same({ true, "exit", 0 }, { p:close() })
  end)

  it("raises ESRCH for no such process, and checks its argument", function()
    local child = seccomp.filter("allow"):spawn({ "true" })
    local pid = child.pid
    child:wait()
    local err = H.raises(seccomp.status, pid)
    assert.are.equal("status", err.op)
    assert.are.equal("ESRCH", err.ename)
    assert.are.equal(("no process %d"):format(pid), err.message)
    assert.matches("bad argument #1 to '[%w.]*status' %(integer expected, got '1'%)", H.message(seccomp.status, "1"))
    assert.matches("bad argument #1 to '[%w.]*status' %(0 out of range", H.message(seccomp.status, 0))
  end)
end)

describe("seccomp.dump", function()
  it_dump("returns byte for byte the program spawn installed, and the target goes on", function()
    local f = filter_f()
    local child, path, out = spawn_waiting(f)
    local progs = seccomp.dump(child.pid)
    assert.are.equal(1, #progs)
    assert.are.equal(f:export_bpf(), progs[1])
    assert.are.equal("equal", seccomp.diff(progs, f).verdict)
    assert.are.equal("equal", seccomp.diff(progs[1], f).verdict)
    -- it is not left stopped or traced: it answers on its FIFO
    assert.are.equal("0", proc_field(child.pid, "TracerPid"))
    finish(child, path, out)
  end)

  it_dump("returns stacked filters, the oldest first: spawn's, then the one load installed", function()
    local f, g = filter_f(), filter_g()
    local path = fifo()
    local out = assert(io.tmpfile())
    local code = ([[
      package.path, package.cpath = %q, %q
      local seccomp = require "seccomp"
      local g = seccomp.filter("allow")
      g:add_rule("errno(ENOENT)", "getppid", { 0, ">", 9 })
      g:add_rule("kill", "kexec_load")
      g:load()
      local fh = assert(io.open(%q))
      print("got " .. fh:read("l"))
    ]]):format(package.path, package.cpath, path)
    -- (under ci/asan.sh the child must not run LeakSanitizer: it ptraces, which f refuses)
    local child = f:spawn({ "sh", "-c", 'ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" exec "$0" -e "$1"',
      H.lua, code }, { stdout = out })
    wait_until(function() return seccomp.status(child.pid).filters == 2 end, "the second filter")
    local progs = seccomp.dump(child.pid)
    assert.are.equal(2, #progs)
    assert.are.equal(f:export_bpf(), progs[1])
    assert.are.equal(g:export_bpf(), progs[2])
    -- the stack as a whole, as diff answers it
    assert.are.equal("equal", seccomp.diff(progs, { f, g }).verdict)
    local d = seccomp.diff(progs, f)
    assert.are.equal("a stricter", d.verdict)
    for _, c in ipairs(d) do
      assert.is_true(c.syscall == "getppid" or c.syscall == "kexec_load", tostring(c.syscall))
    end
    finish(child, path, out)
  end)

  it_dump("leaves a stopped process stopped", function()
    local f = filter_f()
    local child, path, out = spawn_waiting(f)
    assert.is_true(child:kill("SIGSTOP"))
    wait_until(function() return (proc_field(child.pid, "State") or "") == "T" end, "the stop")
    assert.are.equal(1, #seccomp.dump(child.pid))
    sleep(0.1)
    assert.are.equal("T", proc_field(child.pid, "State"))
    assert.are.equal("0", proc_field(child.pid, "TracerPid"))
    assert.is_true(child:kill("SIGCONT"))
    finish(child, path, out)
  end)

  it_dump("raises ESRCH for no such process, ENOENT for one without a filter", function()
    local child = seccomp.filter("allow"):spawn({ "true" })
    local pid = child.pid
    child:wait()
    local err = H.raises(seccomp.dump, pid)
    assert.are.same({ "dump", "ESRCH", ("no process %d"):format(pid) }, { err.op, err.ename, err.message })
    local other, stop = unfiltered()
    err = H.raises(seccomp.dump, other)
    assert.are.equal("ENOENT", err.ename)
    assert.are.equal(("process %d has no seccomp filter (seccomp.status: mode \"disabled\")"):format(other),
      err.message)
    stop()
  end)

  it_dump("refuses its own process, and checks its argument", function()
    local err = H.raises(seccomp.dump, H.own_pid())
    assert.are.equal("EINVAL", err.ename)
    assert.matches("a process cannot read its own filters", err.message)
    assert.matches("bad argument #1 to '[%w.]*dump' %(integer expected, got 'x'%)", H.message(seccomp.dump, "x"))
    assert.matches("bad argument #1 to '[%w.]*dump' %(%-1 out of range", H.message(seccomp.dump, -1))
  end)

  -- the caller of the dump spawns its own target and tries
  local function dump_own_target(prelude)
    return ([[
      local seccomp = require "seccomp"
      %s
      local f = seccomp.filter("allow")
      f:add_rule("errno(EPERM)", "ptrace")
      local child = f:spawn({ "sleep", "30" })
      local ok, err = pcall(seccomp.dump, child.pid)
      child:kill()
      child:wait()
      print(ok, err.ename, err.message)
    ]]):format(prelude)
  end

  it_dump("raises EACCES, saying why, when the caller is itself under seccomp", function()
    local out, ok, how, code = H.child(dump_own_target([[
      local own = seccomp.filter("allow")
      own:add_rule("errno(EPERM)", "kexec_load")
      own:load()]]))
    assert.are.same({ true, "exit", 0 }, { ok, how, code }, out)
    assert.matches("^false\tEACCES\tthis process is itself under seccomp %(mode 2%): the kernel hands "
      .. "filters only to a caller without one", out)
  end)

  H.gated(it, pending, H.all(DUMP, H.gate(sh_ok("command -v setpriv"), "needs setpriv (util-linux)")))(
    "raises EACCES, saying why, without CAP_SYS_ADMIN", function()
    local out, ok, how, code = H.child(dump_own_target(""),
      { setpriv = "--bounding-set -sys_admin --inh-caps -sys_admin" })
    assert.are.same({ true, "exit", 0 }, { ok, how, code }, out)
    assert.matches("^false\tEACCES\treading process %d+'s filters needs CAP_SYS_ADMIN", out)
  end)

  H.gated(it, pending, H.all(DUMP, H.gate(sh_ok("command -v strace"), "needs strace")))(
    "raises EPERM naming the tracer of a target already traced, and works once it is gone", function()
    local f = filter_f()
    local child, path, out = spawn_waiting(f)
    local p = assert(io.popen(("strace -qq -o /dev/null -p %d 2>/dev/null & echo $!"):format(child.pid)))
    local tracer = math.tointeger(p:read("n"))
    wait_until(function() return proc_field(child.pid, "TracerPid") == tostring(tracer) end, "strace")
    local err = H.raises(seccomp.dump, child.pid)
    assert.are.equal("EPERM", err.ename)
    assert.are.equal(("process %d is already traced by process %d (a debugger, strace): a process has one "
      .. "tracer at a time; detach that one first"):format(child.pid, tracer), err.message)
    os.execute("kill " .. tracer)
    p:close()
    wait_until(function() return proc_field(child.pid, "TracerPid") == "0" end, "strace to detach")
    assert.are.equal(f:export_bpf(), seccomp.dump(child.pid)[1])
    finish(child, path, out)
  end)
end)

-- ---------------------------------------------------------------------------

-- A raw program in this machine's byte order: { code, jt, jf, k }...
local function bpf(...)
  local t = {}
  for i, ins in ipairs { ... } do
    t[i] = string.pack("=I2BBI4", ins[1], ins[2], ins[3], ins[4])
  end
  return table.concat(t)
end
local LD, JEQ, RET, ADD = 0x20, 0x15, 0x06, 0x04
local ALLOW = seccomp.ACT_ALLOW

-- Every cell of a report is a real difference: each side, run by
-- simulate_bpf (a stack: the kernel's rule, here in Lua), answers as the
-- cell says.
local function rank(a)
  a = a & 0xffff0000
  return a >= 0x80000000 and a - 0x100000000 or a
end
local function answer(x, data)
  if type(x) == "table" then
    local ret = ALLOW
    for i = #x, 1, -1 do
      local cur = answer(x[i], data)
      if rank(cur) < rank(ret) then ret = cur end
    end
    return ret
  elseif type(x) == "string" then
    return seccomp.simulate_bpf(x, data)
  end
  return x:simulate(data.syscall, data.args, data.arch, data.ip)
end
local function check_cells(a, b, d)
  for _, c in ipairs(d) do
    local data = { syscall = c.nr, args = c.args, arch = c.arch, ip = c.ip }
    assert.are.equal(c.a, answer(a, data))
    assert.are.equal(c.b, answer(b, data))
    assert.are_not.equal(c.a, c.b)
  end
end

describe("seccomp.diff", function()
  it("finds where two filters differ, with the verdict", function()
    local a = seccomp.filter("allow")
    a:add_rule("errno(1)", "getppid", { 0, ">", 5 })
    local b = seccomp.filter("allow")
    b:add_rule("errno(1)", "getppid", { 0, ">", 6 })
    local d = seccomp.diff(a, b)
    assert.are.equal("a stricter", d.verdict)
    assert.is_true(d.exhaustive)
    assert.are.same({}, d.capped)
    assert.are.equal(1, d.total)
    assert.are.same({ arch = NATIVE, nr = seccomp.syscall("getppid"), syscall = "getppid",
      args = { 6, 0, 0, 0, 0, 0 }, a = seccomp.errno(1), b = ALLOW }, d[1])
    assert.is_true(d.vectors > #seccomp.syscalls())
    assert.are.same({ NATIVE }, d.arches)
    local r = seccomp.diff(b, a)
    assert.are.equal("b stricter", r.verdict)
    assert.are.equal(1, r.total)
    assert.are.equal("equal", seccomp.diff(a, a).verdict)
    -- two errnos: incomparable
    local c = seccomp.filter("allow")
    c:add_rule("errno(2)", "getppid", { 0, ">", 5 })
    d = seccomp.diff(a, c)
    assert.are.equal("incomparable", d.verdict)
    check_cells(a, c, d)
    for _, cell in ipairs(d) do
      assert.is_true(cell.args[1] > 5)
    end
    -- differences both ways
    local e = seccomp.filter("allow")
    e:add_rule("trap", "getppid", { 1, "&=", 0xf0, 0x30 })
    d = seccomp.diff(a, e)
    assert.are.equal("incomparable", d.verdict)
    check_cells(a, e, d)
  end)

  it("covers every arch the programs check, x32 numbers included, or opts.arches", function()
    if not seccomp.arch("x86") or NATIVE ~= "x86_64" then return pending("needs x86_64 with x86 and x32") end
    local a = seccomp.filter("allow")
    a:add_arch("x86")
    a:add_arch("x32")
    a:add_rule("errno(1)", "getppid")
    local b = seccomp.filter("allow")
    b:add_rule("errno(1)", "getppid")
    -- b kills what a lets through on x86 and x32 (its bad-arch action)
    local d = seccomp.diff(a, b)
    assert.are.same({ "x86_64", "x86" }, d.arches)
    assert.are.equal("b stricter", d.verdict)
    assert.is_true(d.exhaustive)
    check_cells(a, b, d)
    local x86 = seccomp.diff(a, b, { arches = { "x86" } })
    assert.are.same({ "x86" }, x86.arches)
    local x32 = seccomp.diff(a, b, { arches = { "x32" } }) -- x32 calls are x86_64 calls with the x32 bit
    assert.are.same({ "x86_64" }, x32.arches)
    assert.are.equal(d.total, x86.total + x32.total)
    assert.is_true(x86.total > #seccomp.syscalls("x86") and x32.total > #seccomp.syscalls("x32"))
    for _, c in ipairs(x86) do assert.are.equal("x86", c.arch) end
    for _, c in ipairs(x32) do
      assert.are.equal("x32", c.arch)
      assert.is_true(c.nr >= 0x40000000)
    end
    check_cells(a, b, x86)
    check_cells(a, b, x32)
    assert.are.equal(seccomp.ACT_KILL_THREAD, x32[1].b)
  end)

  it("answers a stack as the kernel does: the lowest action, the newest between equal ones", function()
    local e1, e2, k = seccomp.filter("allow"), seccomp.filter("allow"), seccomp.filter("allow")
    e1:add_rule("errno(1)", "getppid")
    e2:add_rule("errno(2)", "getppid")
    k:add_rule("kill", "getppid")
    local b1, b2, bk = e1:export_bpf(), e2:export_bpf(), k:export_bpf()
    assert.are.equal("equal", seccomp.diff({ b1, b2 }, b2).verdict)
    assert.are.equal("incomparable", seccomp.diff({ b1, b2 }, b1).verdict)
    assert.are.equal("equal", seccomp.diff({ b2, b1 }, e1).verdict)
    assert.are.equal("equal", seccomp.diff({ bk, b2 }, k).verdict)
    assert.are.equal("equal", seccomp.diff({ b2, bk }, { bk }).verdict)
    local d = seccomp.diff({ b1, b2 }, { b2, b1 })
    check_cells({ b1, b2 }, { b2, b1 }, d)
  end)

  H.gated(it, pending, H.CC)("agrees with the kernel on a stack of two filters", function()
    local probe = probe_build()
    local code = ([[
      local seccomp = require "seccomp"
      local e1, e2 = seccomp.filter("allow"), seccomp.filter("allow")
      e1:add_rule("errno(1)", "getppid")
      e2:add_rule("errno(2)", "getppid")
      e1:load()
      e2:load()
      io.stdout:write(io.popen(%q):read("a"))
    ]]):format("env -u LD_PRELOAD " .. probe .. " " .. seccomp.syscall("getppid"))
    local out, ok, how, status = H.child(code)
    assert.are.same({ true, "exit", 0 }, { ok, how, status }, out)
    assert.are.equal("-1 2\n", out) -- errno(2): the newer filter's, between two errnos
  end)

  it("compares answers as the kernel acts on them", function()
    local function ret(k) return bpf({ RET, 0, 0, k }) end
    -- errno data past 4095 is 4095; allow, log, notify and the kills carry no data
    assert.are.equal("equal", seccomp.diff(ret(0x00051388), ret(0x00050fff)).verdict)
    assert.are.equal("equal", seccomp.diff(ret(0x7fff0001), ret(0x7fff0000)).verdict)
    assert.are.equal("equal", seccomp.diff(ret(0x80000005), ret(0x80000000)).verdict)
    -- trap and trace keep theirs
    assert.are.equal("incomparable", seccomp.diff(ret(0x00030001), ret(0x00030002)).verdict)
    assert.are.equal("incomparable", seccomp.diff(ret(0x7ff00001), ret(0x7ff00002)).verdict)
    -- the kernel's numeric order: log before allow, notify before trace
    assert.are.equal("a stricter", seccomp.diff(ret(0x7ffc0000), ret(0x7fff0000)).verdict)
    assert.are.equal("a stricter", seccomp.diff(ret(0x7fc00000), ret(0x7ff00000)).verdict)
    assert.are.equal("b stricter", seccomp.diff(ret(0x00050001), ret(0x80000000)).verdict)
    local d = seccomp.diff(ret(0x00050001), ret(0x00000000))
    assert.are.equal("b stricter", d.verdict)
    check_cells(ret(0x00050001), ret(0x00000000), d)
  end)

  it("tests the instruction pointer where a program does", function()
    local nr = seccomp.syscall("getppid")
    local p = bpf({ LD, 0, 0, 0 }, { JEQ, 0, 3, nr }, { LD, 0, 0, 8 }, { JEQ, 0, 1, 0x1000 },
      { RET, 0, 0, seccomp.errno(1) }, { RET, 0, 0, ALLOW })
    local d = seccomp.diff(p, bpf({ RET, 0, 0, ALLOW }))
    assert.is_true(d.exhaustive)
    assert.are.equal("a stricter", d.verdict)
    assert.are.equal(1, d.total)
    assert.are.equal(0x1000, d[1].ip)
    assert.are.equal("getppid", d[1].syscall)
    check_cells(p, bpf({ RET, 0, 0, ALLOW }), d)
  end)

  it("says when it cannot be exhaustive, and why", function()
    -- a test on a value computed from an argument
    local p = bpf({ LD, 0, 0, 16 }, { ADD, 0, 0, 1 }, { JEQ, 0, 1, 5 }, { RET, 0, 0, seccomp.errno(1) },
      { RET, 0, 0, ALLOW })
    local d = seccomp.diff(p, bpf({ RET, 0, 0, ALLOW }))
    assert.is_false(d.exhaustive)
    assert.matches("branches on a value no test describes", d.capped[1])
    -- a budget
    local a = seccomp.filter("allow")
    a:add_rule("errno(1)", "getppid", { 0, ">", 5 }, { 1, ">", 5 }, { 2, "==", 3 })
    d = seccomp.diff(a, seccomp.filter("allow"), { budget = 4 })
    assert.is_false(d.exhaustive)
    assert.matches("^budget: 1 call%(s%) have more vectors than the budget of 4 %(the first, getppid on "
      .. NATIVE, d.capped[1])
    d = seccomp.diff(a, seccomp.filter("allow"))
    assert.is_true(d.exhaustive)
    assert.are.equal("a stricter", d.verdict)
  end)

  it("takes a program in the byte order of opts.endian or opts.arches", function()
    if not seccomp.arch("s390x") then return pending("needs arch s390x in this libseccomp") end
    local function be_filter(errno)
      local f = seccomp.filter("allow")
      f:remove_arch("native")
      f:add_arch("s390x")
      f:add_rule(errno, "getppid", { 0, "==", 3 })
      return f
    end
    local a, b = be_filter("errno(1)"), be_filter("errno(2)")
    local d = seccomp.diff(a:export_bpf(), b:export_bpf(), { endian = "big" })
    assert.are.equal("incomparable", d.verdict)
    assert.are.same({ "s390x" }, d.arches)
    assert.are.equal(1, d.total)
    assert.are.same({ 3, 0, 0, 0, 0, 0 }, d[1].args)
    assert.are.equal("s390x", d[1].arch)
    local d2 = seccomp.diff(a:export_bpf(), b, { arches = { "s390x" } })
    assert.are.equal(1, d2.total)
    assert.are.equal("equal", seccomp.diff(a, a:export_bpf(), { endian = "s390x" }).verdict)
  end)

  it("checks its arguments", function()
    local f = seccomp.filter("allow")
    assert.matches("bad argument #1 to '[%w.]*diff' %(filter, BPF program %(a string%) or list of them %(a stack, "
      .. "oldest first%) expected, got 42%)", H.message(seccomp.diff, 42, f))
    assert.matches("bad argument #2 to '[%w.]*diff' %(an empty list", H.message(seccomp.diff, f, {}))
    assert.matches("bad argument #2 to '[%w.]*diff' %(%[2%]: filter or BPF program %(a string%) expected, got 1%)",
      H.message(seccomp.diff, f, { "", 1 }))
    assert.matches("bad argument #1 to '[%w.]*diff' %(bad BPF program", H.message(seccomp.diff, "xyz", f))
    assert.matches("bad argument #2 to '[%w.]*diff' %(%[1%]: bad BPF program", H.message(seccomp.diff, f, { "xyz" }))
    assert.matches("bad argument #3 to '[%w.]*diff' %(unknown option 'arch'", H.message(seccomp.diff, f, f, { arch = 1 }))
    assert.matches("opts%.budget must be a positive integer, got 0", H.message(seccomp.diff, f, f, { budget = 0 }))
    assert.matches("opts%.seed must be an integer, got 'x'", H.message(seccomp.diff, f, f, { seed = "x" }))
    assert.matches("opts%.arches must be a list of arches, got 'x86'", H.message(seccomp.diff, f, f, { arches = "x86" }))
    assert.matches("opts%.arches%[1%]: unknown arch 'x86%-64'", H.message(seccomp.diff, f, f, { arches = { "x86-64" } }))
    assert.matches("opts%.endian: byte order", H.message(seccomp.diff, f, f, { endian = "middle" }))
    f:release()
    assert.matches("filter has been released", H.message(seccomp.diff, f, "x"))
  end)
end)

-- ---------------------------------------------------------------------------
-- Random pairs: a rule set on getppid, and the same with one rule's action
-- or one condition's datum changed.

describe("seccomp.diff on random pairs", function()
  local PAIRS = tonumber(os.getenv("DIFF_PAIRS")) or 500
  local SEED = tonumber(os.getenv("DIFF_SEED")) or 20261130
  local OTHER = { ALLOW, seccomp.errno(1), seccomp.errno(2), seccomp.errno(3), seccomp.ACT_KILL_THREAD,
    seccomp.ACT_TRAP }

  -- the one meaning of a filter's rules, on the native arch
  local MN = require "support.meaning"
  local function meaning(f)
    local m, nr = MN.compile(f:rules(), NATIVE, f:get_attr("default_action")), seccomp.syscall("getppid")
    return function(args) return m(nr, args) end
  end

  -- the set's filter under `compiler`, or nil where libseccomp refuses a rule
  local function build(set, compiler)
    local f = seccomp.filter(set.default)
    f:set_attr("compiler", compiler)
    for _, r in ipairs(set.rules) do
      if not pcall(f.add_rule, f, r.action, "getppid", table.unpack(r.conds)) then
        f:release()
        return nil
      end
    end
    return f
  end

  local function copy(set)
    local t = { default = set.default, rules = {} }
    for i, r in ipairs(set.rules) do
      local conds = {}
      for j, c in ipairs(r.conds) do conds[j] = { c[1], c[2], c[3], c[4] } end
      t.rules[i] = { action = r.action, conds = conds }
    end
    return t
  end

  -- the changed set and what changed
  local function mutate(set)
    local b = copy(set)
    local ri = math.random(#b.rules)
    local r = b.rules[ri]
    if math.random(2) == 1 then
      local choices = {}
      for _, act in ipairs(OTHER) do
        if act ~= r.action and act ~= set.default then choices[#choices + 1] = act end
      end
      local from = r.action
      r.action = choices[math.random(#choices)]
      return b, { kind = "action", rule = r, from = from, to = r.action }
    end
    local c = r.conds[math.random(#r.conds)]
    local old = { c[1], c[2], c[3], c[4] }
    local slot = c[2] == "&=" and 4 or 3
    repeat c[slot] = RS.random_value() until c[slot] ~= old[slot]
    return b, { kind = "datum", old = old, new = c }
  end

  local function verdict_of(dirs)
    if not (dirs.a or dirs.b or dirs.x) then return "equal" end
    if dirs.a and not (dirs.b or dirs.x) then return "a stricter" end
    if dirs.b and not (dirs.a or dirs.x) then return "b stricter" end
    return "incomparable"
  end
  local function dir(a, b)
    return rank(a) < rank(b) and "a" or rank(a) > rank(b) and "b" or "x"
  end
  local ALLOWS = { ["equal"] = {}, ["a stricter"] = { a = true }, ["b stricter"] = { b = true },
    ["incomparable"] = { a = true, b = true, x = true } }

  it(("finds what was changed, with the verdict, every cell real (%d pairs, seed %d)"):format(PAIRS, SEED), function()
    math.randomseed(SEED)
    local stats = { differ = 0, sampled = 0, only_diff = 0, action = 0, datum = 0, vectors = 0 }
    local verdicts = {}
    local n = 0
    while n < PAIRS do
      local set = RS.random_set()
      local set_b, change = mutate(set)
      local fa, fb = build(set, "binding"), build(set_b, "binding")
      if fa and fb then
        n = n + 1
        local ba, bb = fa:export_bpf(), fb:export_bpf()
        local d = seccomp.diff(fa, fb)
        local where = ("pair %d (%s change)"):format(n, change.kind)
        stats[change.kind] = stats[change.kind] + 1
        stats.vectors = stats.vectors + d.vectors
        assert.is_true(d.exhaustive, where)
        assert.are.same({}, d.capped, where)
        verdicts[d.verdict] = (verdicts[d.verdict] or 0) + 1
        -- every cell is real, says what the one meaning of each set says
        -- (spec/support/meaning.lua) and shows the change: the changed
        -- rule holds there (an action changed), or the changed condition
        -- holds on one side at least (it changed its truth, or its rule's
        -- place in the order)
        check_cells(ba, bb, d)
        local ma, mb = meaning(fa), meaning(fb)
        local dirs = {}
        for _, c in ipairs(d) do
          assert.are.equal("getppid", c.syscall, where)
          assert.are.equal(ma(c.args), c.a, where .. ": a's answer is the one meaning's")
          assert.are.equal(mb(c.args), c.b, where .. ": b's answer is the one meaning's")
          if change.kind == "action" then
            for _, cond in ipairs(change.rule.conds) do
              assert.is_true(RS.holds(cond, c.args[cond[1] + 1]), where .. ": the changed rule matches")
            end
          else
            local v = c.args[change.old[1] + 1]
            assert.is_true(RS.holds(change.old, v) or RS.holds(change.new, v), where .. ": the condition holds")
          end
          dirs[dir(c.a, c.b)] = true
        end
        if d.total > 0 then
          stats.differ = stats.differ + 1
        end
        -- this file's own vectors: whatever they find, diff found
        local sample = {}
        local both = { rules = {} }
        for _, r in ipairs(set.rules) do both.rules[#both.rules + 1] = r end
        for _, r in ipairs(set_b.rules) do both.rules[#both.rules + 1] = r end
        for _, v in ipairs(RS.vectors(both)) do
          local x = seccomp.simulate_bpf(ba, { syscall = "getppid", args = v })
          local y = seccomp.simulate_bpf(bb, { syscall = "getppid", args = v })
          if x ~= y then sample[dir(x, y)] = true end
        end
        if next(sample) then
          stats.sampled = stats.sampled + 1
          assert.is_true(d.total > 0, where .. ": the sample finds a difference diff does not")
          for k in pairs(sample) do
            assert.is_true(ALLOWS[d.verdict][k], where .. ": a difference the verdict excludes")
            dirs[k] = true
          end
        elseif d.total > 0 then
          stats.only_diff = stats.only_diff + 1
        end
        -- the verdict: every direction diff reports or the sample saw, and
        -- (all cells reported) no other
        if d.total <= #d then
          assert.are.equal(verdict_of(dirs), d.verdict, where)
        else
          for k in pairs(dirs) do assert.is_true(ALLOWS[d.verdict][k], where) end
        end
        -- the mirror
        local r = seccomp.diff(fb, fa)
        assert.are.equal(d.total, r.total, where)
        assert.are.equal(({ ["a stricter"] = "b stricter", ["b stricter"] = "a stricter" })[d.verdict] or d.verdict,
          r.verdict, where)
        -- a policy against itself, compiled again, under both compilers
        local fl, fl2 = build(set, "libseccomp"), build(set, "libseccomp")
        assert.are.equal("equal", seccomp.diff(fl, fl2).verdict, where)
        assert.are.equal("equal", seccomp.diff(fa, build(set, "binding")).verdict, where)
      end
    end
    local vs = {}
    for k, v in pairs(verdicts) do vs[#vs + 1] = ("%s %d"):format(k, v) end
    table.sort(vs)
    print(("\ndiff on random pairs (%d pairs, seed %d: %d action changes, %d datum changes): %d differ (%s); "
      .. "the spec's own sample found a difference in %d, diff alone in %d more; %d vectors in all")
      :format(PAIRS, SEED, stats.action, stats.datum, stats.differ, table.concat(vs, ", "), stats.sampled,
        stats.only_diff, stats.vectors))
    assert.is_true(stats.differ > PAIRS / 4)
  end)
end)

-- ---------------------------------------------------------------------------
-- libseccomp's program and the module's, for the example policies.

describe("seccomp.diff of libseccomp's program and the module's", function()
  local function load(path, compiler)
    local f
    if path:match("%.json$") then
      f = seccomp.oci.filter(H.read(path), { name = path })
    else
      local ok, g = pcall(seccomp.load_policy, path)
      if not ok then return nil end -- a script, not a policy
      f = g
    end
    f:set_attr("compiler", compiler)
    return f
  end

  it("finds them equal exactly where libseccomp's program verifies", function()
    local p = assert(io.popen("ls examples/policies"))
    local checked, lines = 0, {}
    for name in p:lines() do
      local path = "examples/policies/" .. name
      local fl, fb = load(path, "libseccomp"), load(path, "binding")
      if fl then
        checked = checked + 1
        local ok, report = fl:verify()
        assert.is_true((fb:verify()), path)
        local d = seccomp.diff(fl, fb)
        assert.is_true(d.exhaustive, path)
        check_cells(fl, fb, d)
        -- verify holds both programs to one meaning: where libseccomp's
        -- verifies (every cell checked), the two are equal
        assert.is_true(report.exhaustive, path)
        assert.are.equal(ok and "equal" or "not equal", d.verdict == "equal" and "equal" or "not equal", path)
        if not ok then
          -- where verify finds libseccomp's program wrong, diff finds that call
          local c = report[1]
          local seen = false
          for _, cell in ipairs(d) do
            seen = seen or (cell.arch == c.arch and cell.nr == c.nr)
          end
          assert.is_true(seen or d.total > #d, path .. ": verify's counterexample is among diff's cells")
        end
        local first = d[1] and ("; first %s(%s) on %s: %s / %s"):format(d[1].syscall, d[1].args[1], d[1].arch,
          A(d[1].a), A(d[1].b)) or ""
        lines[#lines + 1] = ("  %-20s verify %-5s diff %-12s %d cells, %d vectors%s"):format(name, tostring(ok),
          d.verdict, d.total, d.vectors, first)
      end
    end
    p:close()
    print("\nlibseccomp's program against the module's:\n" .. table.concat(lines, "\n"))
    assert.is_true(checked >= 4, "example policies checked: " .. checked)
  end)
end)
