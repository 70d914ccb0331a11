-- f:spawn(argv, {explain = true}): the first call the filter kills is named
-- (call, arch, arguments, and the rule or default action that kills it),
-- and the child dies of it as without explain.  The calls are made by
-- spec/support/calls.c, with arguments the specs choose; every child's exit
-- status is asserted, with and without explain.
local seccomp = require "seccomp"
local H = require "helper"

local CALLS, why = H.support_program("calls")
local it_explain = H.gated(it, pending, H.all(H.feature("notify"), H.gate(CALLS, why)))
local NATIVE = seccomp.arch_name(seccomp.native_arch())
local GETPPID, GETPID, SYNCFS = seccomp.syscall("getppid"), seccomp.syscall("getpid"), seccomp.syscall("syncfs")

-- Run `calls` with `args` under f (opts: spawn's, stdout captured); returns
-- what it printed, wait()'s results as a list, and the child.
local function run(f, args, opts)
  local out = io.tmpfile()
  opts = opts or {}
  opts.stdout = out
  local argv = { CALLS }
  for i, a in ipairs(args) do argv[i + 1] = a end
  local child = f:spawn(argv, opts)
  local st = { child:wait() }
  return H.contents(out), st, child
end

local SIGSYS_DEATH = { nil, "signal", H.SIGSYS, "SIGSYS" }

teardown(H.remove_files)

describe("spawn's explain option", function()
  it_explain("names the call a rule kills, with its arguments, its rule and the rule's place", function()
    local f = seccomp.filter{ default = "allow", rules = {
      { action = "errno(EACCES)", syscall = "getpid" },
      { action = "kill_process", syscall = "getppid", args = { "arg0 == 5" } },
    } }
    local call = ("%d,5,0x100000000,0,0,0,7"):format(GETPPID)
    -- without explain: the same death, nothing named
    local out0, st0, c0 = run(f, { call })
    assert.are.same(SIGSYS_DEATH, st0)
    assert.are.equal("", out0)
    assert.is_nil(c0.killed)
    local out, st, child = run(f, { call }, { explain = true })
    assert.are.same(SIGSYS_DEATH, st) -- as the filter kills it
    assert.are.equal("", out) -- the call never returned
    assert.is_nil(child.notifier) -- the filter has no notify rules: explain's listener is its own
    local k = child.killed
    assert.are.same({
      syscall = "getppid", nr = GETPPID, arch = NATIVE, args = { 5, 0x100000000, 0, 0, 0, 7 },
      pid = child.pid, process = child.pid, action = "kill_process", by = "rule", rule = 2, origin = "rules[2]",
      signal = "SIGSYS", count = 1,
      message = ("getppid(5, 0x100000000, 0, 0, 0, 7) on %s, pid %d: kill_process, by rules[2] (rule #2)")
        :format(NATIVE, child.pid),
    }, k)
    -- the rule's index is the one f:rules() gives
    assert.are.equal("getppid", f:rules()[k.rule].syscall)
  end)

  it_explain("names the rule that decides the call in the rules' order, where several kill it", function()
    -- both rules hold for getppid(5, 7): the one on the higher argument
    -- comes first (docs/compiler.md, "Overlapping rules: the one meaning")
    for _, compiler in ipairs { "libseccomp", "binding" } do
      local f = seccomp.filter{ default = "allow", attrs = { compiler = compiler }, rules = {
        { action = "kill_process", syscall = "getppid", args = { "arg0 == 5" } },
        { action = "kill_process", syscall = "getppid", args = { "arg1 == 7" } },
      } }
      local _, st, child = run(f, { ("%d,5,7"):format(GETPPID) }, { explain = true })
      assert.are.same(SIGSYS_DEATH, st)
      assert.are.equal(2, child.killed.rule, compiler)
      assert.are.equal("rules[2]", child.killed.origin, compiler)
      _, st, child = run(f, { ("%d,5,6"):format(GETPPID) }, { explain = true })
      assert.are.same(SIGSYS_DEATH, st)
      assert.are.equal(1, child.killed.rule, compiler)
    end
  end)

  it_explain("names the default action when no rule kills the call", function()
    local allow = {}
    for _, name in ipairs(seccomp.syscalls()) do
      if name ~= "getppid" then allow[#allow + 1] = name end
    end
    local f = seccomp.filter{ default = "kill_process", allow = allow }
    local call = ("%d,0x2a"):format(GETPPID)
    assert.are.same(SIGSYS_DEATH, select(2, run(f, { call })))
    local _, st, child = run(f, { ("%d"):format(GETPID), call }, { explain = true })
    assert.are.same(SIGSYS_DEATH, st)
    local k = child.killed
    assert.are.equal("default", k.by)
    assert.is_nil(k.rule)
    assert.is_nil(k.origin)
    assert.are.equal(("getppid(0x2a, 0, 0, 0, 0, 0) on %s, pid %d: kill_process, by the default action")
      :format(NATIVE, child.pid), k.message)
  end)

  it_explain("leaves every call the filter does not kill as the filter answers it", function()
    local f = seccomp.filter{ default = "allow", rules = {
      { action = "errno(EACCES)", syscall = "getpid" },
      { action = "kill_thread", syscall = "getppid", args = { "arg0 == 5" } },
    } }
    local calls = { ("%d"):format(GETPID), ("%d,4"):format(GETPPID) }
    local out0, st0 = run(f, calls)
    assert.are.same({ true, "exit", 0 }, st0)
    local out, st, child = run(f, calls, { explain = true })
    assert.are.same({ true, "exit", 0 }, st)
    assert.are.equal(out0, out)
    assert.matches("^%-1 13\n%d+ 0\n$", out) -- getpid refused with EACCES, getppid(4) runs
    assert.is_nil(child.killed)
    -- kill_thread, named as such, in a process of one thread: the process dies
    local _, st2, c2 = run(f, { ("%d,5"):format(GETPPID) }, { explain = true })
    assert.are.same(SIGSYS_DEATH, st2)
    assert.are.equal("kill_thread", c2.killed.action)
    assert.are.equal(2, c2.killed.rule)
  end)

  it_explain("stands in SIGKILL where the program catches or blocks SIGSYS, and wait still reports SIGSYS", function()
    local f = seccomp.filter("allow")
    f:add_rule("kill_process", "getppid")
    for _, flag in ipairs { "-catch", "-block" } do
      local call = ("%d,3"):format(GETPPID)
      local out0, st0 = run(f, { flag, call })
      assert.are.same(SIGSYS_DEATH, st0, flag) -- the kernel's kill is not caught or blocked
      assert.are.equal("", out0)
      local out, st, child = run(f, { flag, call }, { explain = true })
      assert.are.same(SIGSYS_DEATH, st, flag)
      assert.are.equal("", out, flag) -- no handler ran: the process never saw a SIGSYS
      assert.are.equal("SIGKILL", child.killed.signal)
      assert.are.equal("the program catches, blocks or ignores SIGSYS", child.killed.sigkill_because)
      assert.are.equal("rule", child.killed.by)
    end
  end)

  it_explain("names a call of a process the child started, which goes on as it would", function()
    local f = seccomp.filter("allow")
    f:add_rule("kill_process", "syncfs")
    local script = ("%s %d,9; echo status $?"):format(H.shellquote(CALLS), SYNCFS)
    local out0 = io.tmpfile()
    local st0 = { f:spawn({ "sh", "-c", script }, { stdout = out0, stderr = io.tmpfile() }):wait() }
    assert.are.same({ true, "exit", 0 }, st0)
    assert.are.equal("status 159\n", H.contents(out0))
    local out = io.tmpfile()
    local child = f:spawn({ "sh", "-c", script }, { stdout = out, stderr = io.tmpfile(), explain = true })
    assert.are.same({ true, "exit", 0 }, { child:wait() })
    assert.are.equal("status 159\n", H.contents(out))
    local k = child.killed
    assert.are_not.equal(child.pid, k.process)
    assert.are.equal(k.pid, k.process)
    assert.are.equal(("syncfs(9, 0, 0, 0, 0, 0) on %s, pid %d: kill_process, by rule #1"):format(NATIVE, k.pid),
      k.message)
  end)

  it_explain("leaves the filter's own notify rules to the caller, whose loop never sees the killed call", function()
    local f = seccomp.filter("allow")
    f:add_rule("notify", "getpid")
    f:add_rule("kill_process", "getppid")
    local out = io.tmpfile()
    local child = f:spawn({ CALLS, tostring(GETPID), ("%d,1"):format(GETPPID) }, { stdout = out, explain = true })
    local seen = {}
    for req in child.notifier:requests() do
      seen[#seen + 1] = req.name
      req:deny("EROFS")
    end
    assert.are.same({ "getpid" }, seen)
    assert.are.same(SIGSYS_DEATH, { child:wait() })
    assert.are.equal("-1 30\n", H.contents(out))
    assert.are.equal("getppid", child.killed.syscall)
  end)

  H.gated(it, pending, H.all(H.feature("notify"), H.gate(CALLS, why), H.X86_64))(
    "names the bad-arch action for a call from an arch the filter lacks", function()
      local f = seccomp.filter("allow")
      f:add_rule("errno(EPERM)", "getppid")
      local x32_getpid = ("0x%x,1,2"):format(0x40000000 | 39)
      assert.are.same(SIGSYS_DEATH, select(2, run(f, { x32_getpid })))
      local _, st, child = run(f, { x32_getpid }, { explain = true })
      assert.are.same(SIGSYS_DEATH, st)
      assert.are.equal("badarch", child.killed.by)
      assert.are.equal("x32", child.killed.arch)
      assert.are.equal("kill_thread", child.killed.action)
      assert.matches("^getpid%(1, 2, .*%) on x32, pid %d+: kill_thread, by the bad%-arch action %(x32 is not one of "
        .. "the filter's arches%)$", child.killed.message)
    end)

  it("changes nothing for a filter that kills nothing, and takes only a boolean", function()
    local f = seccomp.filter("allow")
    f:add_rule("errno(EPERM)", "mkdir")
    local child = f:spawn({ "sh", "-c", "exit 3" }, { explain = true })
    assert.is_nil(child.notifier)
    assert.are.same({ nil, "exit", 3 }, { child:wait() })
    assert.is_nil(child.killed)
    assert.matches("bad argument #2 to 'spawn' %(opts%.explain must be a boolean, got 1%)$",
      H.method_message(f, "spawn", { "true" }, { explain = 1 }))
  end)
end)
