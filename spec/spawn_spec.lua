-- filter:spawn: running a program as a child under a filter, and the child
-- object.  The supervising busted process never loads a filter itself.
local seccomp = require "seccomp"
local H = require "helper"

local ENOENT, EACCES, ESRCH = 2, 13, 3

local contents = H.contents

local function run(f, argv, opts)
  local out = io.tmpfile()
  opts = opts or {}
  opts.stdout = opts.stdout or out
  local child = f:spawn(argv, opts)
  local ok, how, code = child:wait()
  assert.are.same({ true, "exit", 0 }, { ok, how, code }, "the child's exit status")
  return contents(opts.stdout), ok, how, code
end

local allow = seccomp.filter("allow")

-- Specs that need notify rules go pending where the feature is missing (as
-- under valgrind, which does not emulate seccomp(2)).
local it_notify = H.gated(it, pending, H.feature("notify"))
local it_root = H.gated(it, pending, H.ROOT)
local it_not_valgrind = H.gated(it, pending, H.NOT_VALGRIND)

describe("spawn", function()
  describe("runs the program", function()
    it("after exec, with its pid; wait returns what os.execute returns", function()
      local child = allow:spawn { "sh", "-c", "exit 0" }
      assert.are.equal("integer", math.type(child.pid))
      assert.is_true(child.pid > 0)
      assert.is_nil(child.notifier)
      assert.matches("^seccomp%.child %(pid %d+%)$", tostring(child))
      assert.are.same({ true, "exit", 0 }, { child:wait() })
      assert.are.same({ true, "exit", 0 }, { child:wait() }) -- cached
      assert.matches("waited for", tostring(child))
      assert.are.same({ nil, "exit", 3 }, { allow:spawn({ "sh", "-c", "exit 3" }):wait() })
      assert.are.same({ nil, "signal", 9, "SIGKILL" }, { allow:spawn({ "sh", "-c", "kill -9 $$" }):wait() })
      assert.are.same({ os.execute("exit 5") }, { allow:spawn({ "sh", "-c", "exit 5" }):wait() })
    end)

    it("under the filter: errno actions, kill actions, the seccomp mode", function()
      local f = seccomp.filter("allow"):add_rule("errno(EROFS)", "mkdir"):add_rule("errno(EROFS)", "mkdirat")
      local dir = os.tmpname()
      os.remove(dir)
      local out, ok = run(f, { "sh", "-c", "mkdir " .. dir .. " 2>&1; echo $?" })
      assert.matches("Read%-only file system\n1\n$", out)
      assert.is_true(ok)
      assert.are.same({ nil, "signal", H.SIGSYS, "SIGSYS" },
        { seccomp.filter("allow"):add_rule("kill", "getppid"):spawn({ "sh", "-c", ":" }):wait() })
      out = run(allow, { "grep", "-E", "^(Seccomp|NoNewPrivs):", "/proc/self/status" })
      assert.are.equal("NoNewPrivs:\t1\nSeccomp:\t2\n", out)
    end)

    it("uses the filter as it is at each spawn (a change after a spawn counts)", function()
      local f = seccomp.filter("allow")
      local cmd = { "sh", "-c", "echo $PPID" }
      assert.matches("^%d+\n$", (run(f, cmd)))
      f:add_rule("kill", "getppid")
      assert.are.same({ nil, "signal", H.SIGSYS, "SIGSYS" }, { f:spawn(cmd):wait() })
      f:reset()
      assert.matches("^%d+\n$", (run(f, cmd)))
    end)

    it("searches PATH (the caller's, or opts.env's), as execvp", function()
      assert.are.equal("hi\n", (run(allow, { "echo", "hi" })))
      assert.are.equal("x\n", (run(allow, { "echo", "x" }, { env = { PATH = "/nonexistent:/bin" } })))
      local err = H.raises(allow.spawn, allow, { "echo" }, { env = { PATH = "/nonexistent" } })
      assert.are.same({ "spawn", ENOENT, "ENOENT" }, { err.op, err.errno, err.ename })
      assert.matches("cannot run 'echo': not found in PATH", err.message)
    end)

    it("redirects stdin, stdout and stderr to Lua file handles", function()
      local input = H.file_with("line 1\nline 2\n")
      local inh, out, errh = assert(io.open(input)), io.tmpfile(), io.tmpfile()
      out:write("before\n") -- buffered in Lua: must come before the child's output
      local child = allow:spawn({ "sh", "-c", "cat; echo oops >&2" }, { stdin = inh, stdout = out, stderr = errh })
      assert.are.same({ true, "exit", 0 }, { child:wait() })
      assert.are.equal("before\nline 1\nline 2\n", contents(out))
      assert.are.equal("oops\n", contents(errh))
      -- any permutation of the three works
      local a, b = io.tmpfile(), io.tmpfile()
      assert.are.same({ true, "exit", 0 },
        { allow:spawn({ "sh", "-c", "echo to-out; echo to-err >&2" }, { stdout = b, stderr = a }):wait() })
      assert.are.equal("to-out\n", contents(b))
      assert.are.equal("to-err\n", contents(a))
      inh:close()
      os.remove(input)
    end)

    it("sets env (a map or a list), cwd and NO_NEW_PRIVS", function()
      assert.are.equal("bar baz\n", (run(allow, { "sh", "-c", "echo $FOO $QUX" },
        { env = { FOO = "bar", "QUX=baz", PATH = "/bin:/usr/bin" } })))
      assert.are.equal("\n", (run(allow, { "sh", "-c", "echo $HOME" }, { env = {} })))
      assert.are.equal("/tmp\n", (run(allow, { "pwd" }, { cwd = "/tmp" })))
      -- a relative program is found from the child's directory
      assert.are.equal("yes\n", (run(allow, { "./sh", "-c", "echo yes" }, { cwd = "/bin" })))
      assert.are.equal("NoNewPrivs:\t1\n", (run(allow, { "grep", "NoNewPrivs", "/proc/self/status" })))
    end)

    it_root("leaves NO_NEW_PRIVS off with nnp = false (opts or attribute)", function()
      assert.are.equal("NoNewPrivs:\t0\n", (run(allow, { "grep", "NoNewPrivs", "/proc/self/status" }, { nnp = false })))
      local g = seccomp.filter("allow"):set_attr("nnp", false)
      assert.are.equal("NoNewPrivs:\t0\n", (run(g, { "grep", "NoNewPrivs", "/proc/self/status" })))
      assert.are.equal("NoNewPrivs:\t1\n", (run(g, { "grep", "NoNewPrivs", "/proc/self/status" }, { nnp = true })))
    end)

    it("does not pass on the caller's other fds unless close_fds = false", function()
      local keep = io.tmpfile() -- an fd without close-on-exec
      local function fds(opts)
        local out = run(allow, { "sh", "-c", "ls /proc/$$/fd" }, opts)
        local n = 0
        for _ in out:gmatch("%d+") do n = n + 1 end
        return n
      end
      assert.are.equal(3, fds())
      assert.is_true(fds { close_fds = false } > 3)
      keep:close()
    end)

    it_notify("honours the filter's attributes as seccomp(2) flags", function()
      local f = seccomp.filter("allow"):add_rule("notify", "getppid")
      if seccomp.supports("log") then f:set_attr("log", true) end
      if seccomp.supports("ssb") then f:set_attr("ssb", true) end
      if seccomp.supports("wait_kill") then f:set_attr("wait_kill", true) end
      local out = io.tmpfile()
      local child = f:spawn({ "sh", "-c", "echo $PPID" }, { stdout = out })
      for req in child.notifier:requests(10) do req:reply(5) end
      assert.are.same({ true, "exit", 0 }, { child:wait() })
      assert.are.equal("5\n", contents(out))
    end)
  end)

  describe("with notify rules", function()
    it_notify("gives child.notifier", function()
      local child = seccomp.filter("allow"):add_rule("notify", "getppid"):spawn({ "sh", "-c", "echo $PPID" },
        { stdout = io.tmpfile() })
      assert.matches("^seccomp%.notifier", tostring(child.notifier))
      for req in child.notifier:requests(10) do req:allow() end
      assert.are.same({ true, "exit", 0 }, { child:wait() })
    end)

    it_notify("returns with the request waiting when the filter notifies execve itself", function()
      local f = seccomp.filter("allow"):add_rule("notify", "execve")
      local child = f:spawn { "/bin/sh", "-c", "exit 7" }
      local req = assert(child.notifier:receive(0)) -- already queued when spawn returned
      assert.are.equal("execve", req.name)
      assert.are.equal(child.pid, req.pid)
      req:allow()
      for r in child.notifier:requests(10) do r:allow() end
      assert.are.same({ nil, "exit", 7 }, { child:wait() })
      -- denied: the exec fails in the child, which exits 127 (spawn has returned already)
      child = f:spawn { "/bin/sh", "-c", "exit 7" }
      for r in child.notifier:requests(10) do r:deny("EACCES") end
      assert.are.same({ nil, "exit", 127 }, { child:wait() })
    end)

    it_notify("works when every call is notified (the child makes no call to hand over the listener)", function()
      local out = io.tmpfile()
      local child = seccomp.filter("notify"):spawn({ "/bin/echo", "hi" }, { stdout = out })
      local n = 0
      for req in child.notifier:requests(10) do
        n = n + 1
        req:allow()
      end
      assert.are.same({ true, "exit", 0 }, { child:wait() })
      assert.are.equal("hi\n", contents(out))
      assert.is_true(n > 10)
    end)

    it_notify("can pass the listener over a socket instead (fdpass = \"socket\")", function()
      local out = io.tmpfile()
      local child = seccomp.filter("allow"):add_rule("notify", "getppid"):spawn({ "sh", "-c", "echo $PPID" },
        { stdout = out, fdpass = "socket" })
      for req in child.notifier:requests(10) do req:reply(11) end
      assert.are.same({ true, "exit", 0 }, { child:wait() })
      assert.are.equal("11\n", contents(out))
    end)

    it("when the caller has fds 0-2 closed: its own fds stay at 3 and above", function()
      local errfile, result = os.tmpname(), os.tmpname()
      local _, ok, how, code = H.child(([[
local seccomp = require "seccomp"
local err = assert(io.open(%q, "w"))      -- fd 0: the lowest free
local f = seccomp.filter("allow"):add_rule("notify", "ptrace")
local okc, child = pcall(f.spawn, f, { "sh", "-c", "echo to-stderr >&2; exit 3" }, { stderr = err })
local res = { tostring(okc), okc and tostring(child.notifier ~= nil) or tostring(child) }
if okc then
  local st = table.pack(child:wait())
  for i = 1, st.n do res[#res + 1] = tostring(st[i]) end
end
err:close()
local out = assert(io.open(%q, "w"))
out:write(table.concat(res, " "))
out:close()
]]):format(errfile, result), { close_stdio = true })
      assert.are.same({ true, "exit", 0 }, { ok, how, code })
      local fh = assert(io.open(result))
      local got = fh:read("a")
      fh:close()
      fh = assert(io.open(errfile))
      local stderr = fh:read("a")
      fh:close()
      os.remove(errfile)
      os.remove(result)
      assert.are.equal("true true nil exit 3", got)
      assert.are.equal("to-stderr\n", stderr)
    end)
  end)

  describe("reports failure", function()
    it("of the exec as an error object with the child's errno", function()
      local path = H.file_with("not a program") -- mode 0600: EACCES
      local err = H.raises(allow.spawn, allow, { path })
      assert.are.same({ "spawn", EACCES, "EACCES" }, { err.op, err.errno, err.ename })
      assert.are.equal(err.where .. ": seccomp.spawn: cannot run '" .. path .. "': Permission denied (EACCES)", tostring(err))
      assert(os.execute("chmod +x " .. path))
      assert.are.equal("ENOEXEC", H.raises(allow.spawn, allow, { path }).ename)
      os.remove(path)
      assert.are.equal("EACCES", H.raises(allow.spawn, allow, { "/tmp" }).ename)
    end)

    -- valgrind dies when an execve it let through fails, before the child can report
    it_not_valgrind("of an execve the filter denies, as an exec failure", function()
      local f = seccomp.filter("allow"):add_rule("errno(EPERM)", "execve")
      local err = H.raises(f.spawn, f, { "/bin/true" })
      assert.are.same({ "spawn", "EPERM" }, { err.op, err.ename })
    end)

    local function refuses_exec(cases)
      for _, case in ipairs(cases) do
        local err = H.raises(case[1].spawn, case[1], { "/bin/true" })
        assert.are.same({ "spawn", "EPERM" }, { err.op, err.ename })
        assert.are.equal("cannot run '/bin/true': the filter does not allow execve/execveat (its action for "
          .. "execve is " .. case[2] .. "): the child would die of SIGSYS before the program runs", err.message)
      end
    end

    it("of a filter that kills or traps execve, before forking, naming SIGSYS", function()
      refuses_exec {
        { seccomp.filter("allow"):add_rule("kill", "execve"), "kill_thread" },
        { seccomp.filter("allow"):add_rule("trap", "execve"), "trap" },
        { seccomp.filter("kill"):add_rule("allow", "exit_group"), "kill_thread" },
      }
      -- execveat killed, execve allowed: the program runs
      local f = seccomp.filter("allow"):add_rule("kill", "execveat")
      assert.are.same({ true, "exit", 0 }, { f:spawn({ "/bin/true" }):wait() })
    end)

    H.gated(it, pending, H.feature("kill_process"))("of a filter that kills the process at execve", function()
      refuses_exec {
        { seccomp.filter("allow"):add_rule("kill_process", "execve"), "kill_process" },
        { seccomp.filter("kill_process"):add_rule("allow", "exit_group"), "kill_process" },
      }
    end)

    it("of a missing program before forking", function()
      local err = H.raises(allow.spawn, allow, { "/nonexistent/prog" })
      assert.are.same({ "spawn", ENOENT, "ENOENT" }, { err.op, err.errno, err.ename })
      assert.are.equal(err.where .. ": seccomp.spawn: cannot run '/nonexistent/prog': No such file or directory (ENOENT)",
        tostring(err))
      assert.matches("not found in PATH", H.raises(allow.spawn, allow, { "no-such-program-x" }).message)
    end)

    it("of the setup in the child (cwd)", function()
      local err = H.raises(allow.spawn, allow, { "/bin/true" }, { cwd = "/nonexistent" })
      assert.are.same({ "spawn", "ENOENT" }, { err.op, err.ename })
      assert.matches("cannot change to directory '/nonexistent'", err.message)
    end)

    it("of bad arguments, before forking", function()
      local closed = io.tmpfile()
      closed:close()
      local cases = {
        { nil, "argv must be a table of strings, got nil" },
        { "sh", "argv must be a table of strings, got 'sh'" },
        { {}, "argv is empty" },
        { { "sh", 1 }, "argv%[2%] must be a string, got 1" },
        { { "" }, "argv%[1%] %(the program%) is empty" },
        { { "sh\0x" }, "argv%[1%] contains a NUL byte" },
        { { "sh" }, "table expected, got string", "x" },
        { { "sh" }, "unknown option 'bogus'", { bogus = 1 } },
        { { "sh" }, "opts%.stdout must be an open Lua file handle, got 'x'", { stdout = "x" } },
        { { "sh" }, "opts%.stdin must be an open Lua file handle", { stdin = closed } },
        { { "sh" }, "opts%.stderr must be an open Lua file handle", { stderr = 2 } },
        { { "sh" }, "env: the value of a variable must be a string, got 1", { env = { FOO = 1 } } },
        { { "sh" }, "env: a list entry must be a \"NAME=value\" string", { env = { "NOEQUALS" } } },
        { { "sh" }, "env: a list entry must be a \"NAME=value\" string, got '=x'", { env = { "=x" } } },
        { { "sh" }, "env: bad variable name 'A=B'", { env = { ["A=B"] = "c" } } },
        { { "sh" }, "opts%.env must be a table", { env = "PATH=/bin" } },
        { { "sh" }, "opts%.cwd must be a string, got 5", { cwd = 5 } },
        { { "sh" }, "opts%.nnp must be a boolean, got 'yes'", { nnp = "yes" } },
        { { "sh" }, "opts%.fdpass must be \"auto\" or \"socket\"", { fdpass = "pigeon" } },
      }
      for _, c in ipairs(cases) do
        local msg = H.message(function() return allow:spawn(c[1], c[3]) end)
        assert.matches("bad argument #%d to 'spawn' %(" .. c[2], msg)
      end
      local f = seccomp.filter("allow")
      f:release()
      assert.matches("filter has been released", H.message(function() return f:spawn { "sh" } end))
    end)
  end)

  describe("the child", function()
    it("kill([sig]) signals it; after wait it reports ESRCH", function()
      local child = allow:spawn { "sleep", "10" }
      assert.is_true(child:kill())
      assert.are.same({ nil, "signal", 15, "SIGTERM" }, { child:wait() })
      local ok, msg, e = child:kill("KILL")
      assert.are.same({ nil, ESRCH }, { ok, e })
      assert.matches("already been waited for", msg)
      child = allow:spawn { "sleep", "10" }
      assert.is_true(child:kill("SIGINT"))
      assert.are.same({ nil, "signal", 2, "SIGINT" }, { child:wait() })
      child = allow:spawn { "sleep", "10" }
      assert.matches("unknown signal 'FOO'", H.message(child.kill, child, "FOO"))
      assert.is_true(child:kill(9))
      assert.are.same({ nil, "signal", 9, "SIGKILL" }, { child:wait() })
    end)

    it("is killed and reaped by __gc when nobody waited for it: no zombie", function()
      local pid
      do
        local child = allow:spawn { "sleep", "30" }
        pid = child.pid
      end
      collectgarbage()
      collectgarbage()
      assert.is_nil(io.open("/proc/" .. pid .. "/stat")) -- a zombie would still be there
    end)

    H.gated(it, pending, H.LUA54)("is killed and reaped by __close", function()
      local pid = assert(load [[
        local allow = ...
        local child <close> = allow:spawn { "sleep", "30" }
        return child.pid
      ]])(allow)
      assert.is_nil(io.open("/proc/" .. pid .. "/stat"))
    end)

    it("leaks no fd", function()
      local function nfds()
        collectgarbage()
        collectgarbage()
        -- counted from inside (a popen'd `ls` would see popen's own pipe,
        -- once or twice depending on when it looks)
        local n = 0
        for fd = 0, 1023 do
          local h = io.open("/proc/self/fdinfo/" .. fd)
          if h then
            n = n + 1
            h:close()
          end
        end
        return n
      end
      local f = seccomp.filter("allow")
      if H.feature("notify").ok then f:add_rule("notify", "getppid") end
      local out = io.tmpfile()
      local before = nfds()
      for _ = 1, 20 do
        local child = f:spawn({ "sh", "-c", "echo $PPID" }, { stdout = out })
        if child.notifier then
          for req in child.notifier:requests(10) do req:allow() end
        end
        assert.are.same({ true, "exit", 0 }, { child:wait() })
        -- a dead local can stay in its register through a collection: let
        -- this one go for certain, so that its pidfd and notifier are freed
        child = nil -- luacheck: ignore 311
        assert.is_false(pcall(allow.spawn, allow, { "/nonexistent" }))
        assert.is_false(pcall(allow.spawn, allow, { "/bin/true" }, { cwd = "/nonexistent" }))
      end
      assert.are.equal(before, nfds())
      out:close()
    end)
  end)
end)
