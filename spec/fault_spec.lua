-- Fault injection: every call the module makes that can fail is made to
-- fail, one at a time, through an LD_PRELOAD interposer
-- (spec/fault/interpose.c, built as <build>/fault/libscfault.so).  Each run
-- is a fresh interpreter doing one piece of work; after the injected
-- failure it must report a clean Lua error (a string or the module's error
-- object) or carry on correctly, and leave no fd open, no child behind and
-- no filter half loaded.  Under ci/asan.sh (ci/fault.sh) LeakSanitizer
-- checks each run's memory at exit as well, which is how the malloc points
-- are checked: a leak makes the run exit non-zero.
--
-- SCFAULT_MAX (default 40) bounds how many calls of one point are failed in
-- turn per piece of work; ci/fault.sh raises it to cover every call.
-- SCFAULT_STRIDE (default 1) fails only every Nth call (the 1st, the
-- 1+Nth, ...) in the pieces of work marked `strided` (the long ones):
-- ci/fault.sh's ASan pass uses it, its plain pass fails every call.
local seccomp = require "seccomp"
local H = require "helper"

local core_so = assert(package.searchpath("seccomp.core", package.cpath))
local builddir = core_so:gsub("/seccomp/core%.so$", "")
local LIB = builddir .. "/fault/libscfault.so"
local MAX = tonumber(os.getenv("SCFAULT_MAX")) or 40
local STRIDE = math.max(1, tonumber(os.getenv("SCFAULT_STRIDE")) or 1)
local SUPP = (debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "fault/lsan.supp"

local have_lib = io.open(LIB) ~= nil
local it_fault = H.gated(it, pending, H.all(
  H.gate(have_lib, "needs the fault interposer " .. LIB .. " (cmake -DSECCOMP_FAULT=ON)"),
  H.NOT_VALGRIND))

-- The checks every run makes after its work: what it printed is the result.
local PRELUDE = [=[
local seccomp
io.stdout:setvbuf("no")
local function fds()
  -- popen's own pipe shows twice until its second end is closed: left out
  local p = io.popen([[me=$(readlink /proc/$$/fd/1); for fd in /proc/$PPID/fd/*; do
    l=$(readlink "$fd") && [ -n "$l" ] && [ "$l" != "$me" ] && echo "${fd##*/}=$l"; done]])
  local set = {}
  for l in p:read("a"):gmatch("[^\n]+") do set[l] = true end
  p:close()
  return set
end
local function fd_diff(a, b) -- what b has that a lacks, and the reverse
  local d = {}
  for k in pairs(b) do if not a[k] then d[#d + 1] = "+" .. k end end
  for k in pairs(a) do if not b[k] then d[#d + 1] = "-" .. k end end
  table.sort(d)
  return #d == 0 and "0" or table.concat(d, " ")
end
local function children()
  local p = io.popen([[for s in /proc/[0-9]*/stat; do
    read -r pid comm state ppid rest 2>/dev/null < "$s" || continue
    [ "$ppid" = "$PPID" ] && [ "$pid" != "$$" ] && echo "$pid $comm $state"; done]])
  local list = p:read("a")
  p:close()
  return list == "" and "none" or (list:gsub("\n", "; "))
end
local function mode()
  for line in io.lines("/proc/self/status") do
    local m = line:match("^Seccomp:%s*(%d+)")
    if m then return m end
  end
end
-- the work's own checks: a wrong result is not a clean error
local function check(cond, what)
  if not cond then
    print("WRONG " .. what)
    os.exit(3)
  end
end
local function describe(e)
  if type(e) == "string" then return "string" end
  if type(e) == "table" and type(e.op) == "string" and math.type(e.errno) == "integer"
     and type(e.message) == "string" then
    return "object " .. e.op .. " " .. tostring(e.ename)
  end
  return "UNCLEAN " .. type(e) .. " " .. tostring(e)
end
local before_fds, before_mode = fds(), mode()
local ok, err = pcall(function()
seccomp = require "seccomp" -- it makes a filter too: a failure there is an error like any
]=]

local POSTLUDE = [=[
end)
collectgarbage()
collectgarbage()
print(ok and "result ok" or ("result error " .. describe(err) .. " | " .. tostring(err):gsub("\n", " ")))
print("fds " .. fd_diff(before_fds, fds()))
print("children " .. children())
print("seccomp " .. before_mode .. " " .. mode())
]=]

-- The pieces of work and the points each one reaches.
local WORK = {
  {
    name = "build, merge, export and simulate a filter",
    points = { "seccomp_init", "seccomp_rule_add_array", "seccomp_attr_set", "seccomp_merge",
      "seccomp_export_bpf", "seccomp_export_pfc", "seccomp_export_bpf_mem", "malloc" },
    loads = false,
    code = [[
      local f = seccomp.filter{
        default = "errno(EPERM)",
        attrs = { nnp = true },
        allow = { "read", "write", "close" },
        rules = {
          { action = "errno(EACCES)", syscall = "openat", args = { "arg2 & 3 == 1" } },
          { action = "trap", syscalls = { "ptrace", "kill" } },
        },
      }
      local g = seccomp.filter("errno(EPERM)")
      g:remove_arch("native")
      g:add_arch("x86")
      g:add_rule("allow", "getpid")
      f:merge(g)
      check(not g:is_valid(), "merge left the source valid")
      local bpf = f:export_bpf()
      check(#bpf > 0 and #bpf % 8 == 0, "export_bpf size")
      local fh = io.tmpfile()
      f:export_bpf(fh)
      fh:seek("set")
      check(fh:read("a") == bpf, "export_bpf to a file differs")
      fh:close()
      check(f:export_pfc():find("getpid", 1, true) ~= nil, "export_pfc lacks getpid")
      check(f:simulate("read") == seccomp.ACT_ALLOW, "simulate read")
      check(f:simulate("openat", { 0, 0, 1 }) == seccomp.errno(13), "simulate openat")
      check(f:simulate("ptrace") == seccomp.ACT_TRAP, "simulate ptrace")
      check(f:simulate("getpid", nil, "x86") == seccomp.ACT_ALLOW, "simulate getpid on x86 (merged)")
      check(f:simulate("getpid") == seccomp.errno(1), "simulate getpid (not merged on native)")
      f:release()
    ]],
  },
  {
    -- Every libseccomp call the module makes on a filter, failing in turn:
    -- a failed call leaves the filter as it was (its rules, arches and
    -- attributes, and what it answers), and the next verify passes.
    name = "a failed call changes nothing",
    strided = true,
    points = { "seccomp_init", "seccomp_rule_add_array", "seccomp_attr_set", "seccomp_attr_get",
      "seccomp_arch_add", "seccomp_arch_remove", "seccomp_merge", "seccomp_reset",
      "seccomp_syscall_priority", "seccomp_export_bpf", "seccomp_export_bpf_mem", "seccomp_precompute",
      "malloc", "libseccomp_malloc" },
    loads = false,
    code = [[
      local ARCHES = { "x86_64", "x86", "x32", "aarch64", "arm" }
      local ATTRS = { "default_action", "badarch_action", "nnp", "tsync", "tskip", "log", "ssb",
        "optimize", "raw_rc", "verify", "compiler", "widen_multiplexed", "unknown" }
      local function show(v)
        if type(v) ~= "table" then return tostring(v) end
        local keys, out = {}, {}
        for k in pairs(v) do keys[#keys + 1] = k end
        table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
        for _, k in ipairs(keys) do out[#out + 1] = tostring(k) .. "=" .. show(v[k]) end
        return "{" .. table.concat(out, ",") .. "}"
      end
      -- what the module says the filter is (a read that met the one
      -- injected failure is made again)
      local function state(f)
        local t = { rules = f:rules(), text = tostring(f), arches = {}, attrs = {} }
        for _, a in ipairs(ARCHES) do t.arches[a] = f:has_arch(a) end
        for _, name in ipairs(ATTRS) do
          local ok, v = pcall(f.get_attr, f, name)
          if not ok and type(v) == "table" then ok, v = pcall(f.get_attr, f, name) end
          t.attrs[name] = ok and v or "absent"
        end
        return show(t)
      end
      local CALLS = { { "read" }, { "close" }, { "getppid" }, { "openat", { 0, 0, 1 } }, { "ptrace" } }
      local function answers(f)
        local t = {}
        for _, a in ipairs(ARCHES) do
          if f:has_arch(a) then
            for _, c in ipairs(CALLS) do t[#t + 1] = a .. " " .. c[1] .. " " .. f:simulate(c[1], c[2], a) end
          end
        end
        return show(t)
      end
      -- one call on the filter f (and g, for a merge): on failure, both
      -- are as they were and answer as they did
      local function step(what, f, g, fn)
        local fb, gb = state(f), g and g:is_valid() and state(g)
        local sok, sims = pcall(answers, f) -- may meet the injected failure itself
        local ok, e = pcall(fn)
        if ok then return true end
        check(type(e) == "table" or type(e) == "string", what .. ": an unclean error " .. tostring(e))
        check(state(f) == fb, what .. " failed and changed the filter: " .. tostring(e))
        if gb then check(g:is_valid() and state(g) == gb, what .. " failed and changed the other filter") end
        if sok then
          local ok2, sims2 = pcall(answers, f)
          if not ok2 then ok2, sims2 = pcall(answers, f) end
          check(ok2 and sims2 == sims, what .. " failed and changed the answers")
        end
        return false
      end
      -- libseccomp's own program: what it answers, and the final verify,
      -- are libseccomp's context checked against the record
      local f = seccomp.filter("errno(EPERM)"):set_attr("compiler", "libseccomp")
      step("add_arch x86", f, nil, function() f:add_arch("x86") end)
      local has_read = step("add_rule", f, nil, function() f:add_rule("allow", "read") end)
      step("set_attr", f, nil, function() f:set_attr("badarch_action", "trap") end)
      -- (a priority on a call with no rule: libseccomp 2.5.4 then leaves the
      -- syscall number unloaded in its program, a miscompile verify reports)
      if has_read then step("set_priority", f, nil, function() f:set_priority("read", 200) end) end
      step("add_rule (conditions)", f, nil, function() f:add_rule("errno(EACCES)", "openat", { 2, "&=", 3, 1 }) end)
      step("add_arch x32", f, nil, function() f:add_arch("x32") end)
      step("set_attr nnp", f, nil, function() f:set_attr("nnp", false) end)
      step("remove_arch x32", f, nil, function() f:remove_arch("x32") end)
      local g = seccomp.filter("errno(EPERM)"):set_attr("compiler", "libseccomp")
      step("g:remove_arch", g, nil, function() g:remove_arch("native") end)
      step("g:add_arch", g, nil, function() g:add_arch("aarch64") end)
      step("g:add_rule", g, nil, function() g:add_rule("allow", "close") end)
      step("g:set_attr badarch", g, nil, function() g:set_attr("badarch_action", "trap") end)
      step("g:set_attr nnp", g, nil, function() g:set_attr("nnp", false) end)
      step("merge", f, g, function() f:merge(g) end)
      step("transaction", f, nil, function()
        f:transaction(function(t) t:add_rule("trap", "ptrace"); t:remove_arch("native") end)
      end)
      local before_tx = state(f)
      if step("transaction_start", f, nil, function() f:transaction_start() end) then
        step("reset", f, nil, function() f:reset("allow") end)
        step("add_rule in a transaction", f, nil, function() f:add_rule("errno(EPERM)", "ptrace") end)
        step("transaction_reject", f, nil, function() f:transaction_reject() end)
        check(state(f) == before_tx, "a rejected transaction left the filter changed")
      end
      step("add_rule after", f, nil, function() f:add_rule("trap", "getppid") end)
      if seccomp.supports("precompute") then step("precompute", f, nil, function() f:precompute() end) end
      -- the next verify passes (a verify that met the injected failure is made again)
      local ok, v = pcall(f.verify, f)
      if not ok then ok, v = pcall(f.verify, f) end
      check(ok and v == true, "verify after the calls: " .. tostring(v))
      f:release()
    ]],
  },
  {
    name = "load a filter",
    points = { "seccomp_load", "syscall:seccomp", "prctl", "seccomp_export_bpf", "seccomp_export_bpf_mem",
      "malloc" },
    loads = true,
    code = [[
      local f = seccomp.filter("allow")
      f:add_rule("errno(EPERM)", "unlink")
      f:add_rule("errno(EPERM)", "unlinkat")
      f:load()
      local e = select(3, os.remove("/nonexistent/file"))
      check(e == 1, "unlink not denied: errno " .. tostring(e))
      f:release()
    ]],
  },
  {
    name = "spawn a child (no listener)",
    points = { "clone", "pipe2", "poll", "prctl", "syscall:seccomp", "syscall:pidfd_open",
      "syscall:close_range", "seccomp_export_bpf", "seccomp_export_bpf_mem", "malloc" },
    -- an error names the failure that was injected, not another one
    errnos = { clone = "EAGAIN", pipe2 = "EMFILE", poll = "ENOMEM", prctl = "EINVAL",
      ["syscall:seccomp"] = "EINVAL" },
    loads = false,
    code = [[
      local f = seccomp.filter("allow"):add_rule("errno(EPERM)", "getcwd")
      local out = io.tmpfile()
      local child = f:spawn({ "sh", "-c", "echo run" }, { stdout = out })
      local a, b, c = child:wait()
      check(a == true and b == "exit" and c == 0, "wait: " .. tostring(a) .. " " .. tostring(b) .. " " .. tostring(c))
      out:seek("set")
      check(out:read("a") == "run\n", "the child's output")
      out:close()
    ]],
  },
  {
    name = "spawn a child under notify rules and answer it",
    points = { "fork", "pipe2", "socketpair", "poll", "ioctl", "prctl", "syscall:seccomp",
      "syscall:pidfd_open", "syscall:pidfd_getfd", "syscall:close_range", "malloc" },
    errnos = { fork = "EAGAIN", pipe2 = "EMFILE", socketpair = "EMFILE", poll = "ENOMEM", ioctl = "EIO",
      prctl = "EINVAL", ["syscall:seccomp"] = "EINVAL" },
    loads = false,
    code = [[
      local f = seccomp.filter("allow"):add_rule("notify", "getppid")
      local out = io.tmpfile()
      local child = f:spawn({ "sh", "-c", "echo $PPID" }, { stdout = out })
      local ok2, e2 = pcall(function()
        for req in child.notifier:requests(10) do
          local r, msg = req:reply(4242)
          check(r or msg, "reply said nothing")
        end
      end)
      if not ok2 then
        -- a failed wait or answer is an error; the child is then killed
        child:kill("KILL")
        child:wait()
        error(e2, 0)
      end
      local a, b, c = child:wait()
      check(a == true and b == "exit" and c == 0, "wait: " .. tostring(a) .. " " .. tostring(b) .. " " .. tostring(c))
      out:seek("set")
      check(out:read("a") == "4242\n", "the child's answer")
      out:close()
    ]],
  },
}

-- Run one piece of work with the Nth call of `point` failing.  Returns
-- whether the failure was injected, and the run's report.
local function run(work, point, n)
  local log = os.tmpname()
  local env = {
    SCFAULT_POINT = point, SCFAULT_NTH = tostring(n), SCFAULT_LOG = log,
    LD_PRELOAD = LIB .. (os.getenv("LD_PRELOAD") and " " .. os.getenv("LD_PRELOAD") or ""),
    -- under ASan the interposer comes first, so that it sees the module's calls
    ASAN_OPTIONS = (os.getenv("ASAN_OPTIONS") and os.getenv("ASAN_OPTIONS") .. ":" or "")
      .. "verify_asan_link_order=0:detect_leaks=1",
    LSAN_OPTIONS = "print_suppressions=0:suppressions=" .. SUPP,
  }
  local out, ok, how, code = H.child(PRELUDE .. work.code .. POSTLUDE, { env = env, leaks = true })
  local fh = io.open(log)
  local fired = fh and fh:read("a") or ""
  if fh then fh:close() end
  os.remove(log)
  return fired:find("fired " .. point .. " ", 1, true) ~= nil, out, { ok, how, code }
end

local function report(work, point, n, out)
  return ("%s, %s call %d failing:\n%s"):format(work.name, point, n, out)
end

describe("fault injection", function()
  local fired_anywhere = {}

  for _, work in ipairs(WORK) do
    it_fault(work.name .. ": without a fault (the control)", function()
      local fired, out, status = run(work, "none", 1)
      assert.is_false(fired)
      assert.are.same({ true, "exit", 0 }, status, out)
      assert.matches("result ok\nfds 0\nchildren none\nseccomp 0 " .. (work.loads and 2 or 0) .. "\n$", out)
    end)

    for _, point in ipairs(work.points) do
      it_fault(work.name .. ": every " .. point .. " failing in turn", function()
        local n, step = 0, work.strided and STRIDE or 1
        while n < MAX do
          n = n == 0 and 1 or n + step
          H.progress("    fault: %s, %s call %d failing", work.name, point, n)
          local fired, out, status = run(work, point, n)
          local what = report(work, point, n, out)
          -- the interpreter survived and ran its checks to the end (and,
          -- under ASan, leaked nothing)
          assert.are.same({ true, "exit", 0 }, status, what)
          assert.is_nil(out:find("WRONG", 1, true), what)
          assert.is_nil(out:find("UNCLEAN", 1, true), what)
          local result = out:match("result (%a+)")
          assert.is_truthy(result, what)
          local ename = out:match("result error object spawn (%S+)")
          if fired and ename and work.errnos and work.errnos[point] then
            assert.are.equal(work.errnos[point], ename, what)
          end
          assert.is_truthy(out:find("\nfds 0\n", 1, true), what)
          assert.is_truthy(out:find("\nchildren none\n", 1, true), what)
          local loaded = out:match("seccomp 0 (%d)")
          if work.loads then
            -- fail closed: a load that raised left no filter; one that
            -- returned left it in force
            assert.are.equal(result == "ok" and "2" or "0", loaded, what)
          else
            assert.are.equal("0", loaded, what)
          end
          if not fired then break end
          fired_anywhere[point] = true
        end
      end)
    end
  end

  it_fault("reaches every point it injects at", function()
    -- each listed point failed at least once in some piece of work (the
    -- module loads with seccomp(2) itself: seccomp_load is reached only
    -- through libseccomp builds that use it; the module exports libseccomp's
    -- BPF with export_bpf_mem where the library has it (2.6), else with
    -- export_bpf into a memfd)
    local mem = seccomp.supports("export_bpf_mem")
    local optional = { seccomp_load = true, seccomp_export_bpf_mem = not mem, seccomp_export_bpf = mem,
      seccomp_precompute = not seccomp.supports("precompute") }
    for _, work in ipairs(WORK) do
      for _, point in ipairs(work.points) do
        if not optional[point] then
          assert.is_true(fired_anywhere[point] == true, point .. " was never reached")
        end
      end
    end
  end)

  -- The interposer also reports a kernel release: the version is packed so
  -- that a patch level past 99 stays below the next minor.
  it_fault("counts kernel 5.4.100 as 5.4 (notify_continue needs 5.5)", function()
    local out, ok, how, code = H.child([[
      local seccomp = require "seccomp"
      print(seccomp.supports("notify_continue"))
    ]], { env = { SCFAULT_POINT = "uname:5.4.100", LD_PRELOAD = LIB .. (os.getenv("LD_PRELOAD") and " "
      .. os.getenv("LD_PRELOAD") or ""), ASAN_OPTIONS = "verify_asan_link_order=0:detect_leaks=0" } })
    assert.are.same({ true, "exit", 0 }, { ok, how, code })
    if seccomp.supports("notify") then
      assert.are.equal("false\tfeature 'notify_continue' needs kernel >= 5.5; running 5.4\n", out)
    else
      assert.matches("^false\t", out)
    end
  end)
end)
