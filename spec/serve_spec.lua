-- The supervisor's toolkit: reading and writing the target's memory
-- (req:read, req:read_string, req:write) and the dispatch loops
-- (notifier:serve, seccomp.serve).  Every target is a real child spawned
-- under a filter; the busted process itself never loads one.
local seccomp = require "seccomp"
local H = require "helper"

local ENOENT, EFAULT, ENAMETOOLONG, EPERM, ENOSYS, EALREADY = 2, 14, 36, 1, 38, 114

local notifying, lua, contents = H.notifying, H.lua_argv, H.contents

local devnull = assert(io.open("/dev/null", "w"))

-- Asserts that `r`, a call's results in a list, is the failure triplet:
-- nil, a message matching `pattern`, `errno`.
local function failed(r, pattern, errno)
  assert.is_nil(r[1])
  assert.matches(pattern, r[2])
  assert.are.equal(errno, r[3])
end

describe("the target's memory", function()
  -- every spec here needs notify rules: pending, each naming why, without them
  local it = H.gated(it, pending, H.feature("notify")) -- luacheck: ignore 431

  -- Run `code` in a Lua child whose unlink calls are notified; `fn(req)` is
  -- called for each (then the call is denied with EROFS unless answered).
  local function with_unlinks(code, fn)
    local out = io.tmpfile()
    local child = notifying("unlink"):spawn(lua(code), { stdout = out })
    local n = 0
    for req in child.notifier:requests(10) do
      n = n + 1
      fn(req, child)
      if not req.answered then req:deny("EROFS") end
    end
    return n, child, contents(out)
  end

  it("read_string reads a path the target passed; read reads bytes", function()
    local seen, bytes
    local n, child = with_unlinks([[os.remove("/nonexistent/hello there")]], function(req)
      seen = req:read_string(req.args[1])
      bytes = req:read(req.args[1], 4)
    end)
    assert.are.equal(1, n)
    assert.are.same({ true, "exit", 0 }, { child:wait() })
    assert.are.equal("/nonexistent/hello there", seen)
    assert.are.equal("/non", bytes)
  end)

  it("read of length 0 is the empty string; a length over the cap is an argument error", function()
    with_unlinks([[os.remove("/x")]], function(req)
      assert.are.equal("", req:read(req.args[1], 0))
      assert.matches("bad argument #2 to 'read' %(1048577 out of range 0%.%.1048576%)",
        H.method_message(req, "read", req.args[1], 1048577))
      assert.matches("bad argument #2 to 'read'", H.method_message(req, "read", req.args[1], -1))
      assert.matches("bad argument #1 to 'read' %(integer expected, got 'x'%)",
        H.method_message(req, "read", "x", 1))
      assert.matches("bad argument #2 to 'read_string' %(0 out of range",
        H.method_message(req, "read_string", req.args[1], 0))
      assert.matches("bad argument #2 to 'write' %(1048577 bytes is over the limit of 1048576%)",
        H.method_message(req, "write", req.args[1], ("x"):rep(1048577)))
      assert.matches("bad argument #2 to 'write' %(string expected",
        H.method_message(req, "write", req.args[1], {}))
    end)
  end)

  it("a bad pointer is nil, message, EFAULT, and the loop goes on", function()
    local results = {}
    local n, child = with_unlinks([[os.remove("/a") os.remove("/b")]], function(req)
      results[#results + 1] = { req:read(0, 8) }
      results[#results + 1] = { req:read_string(0) }
      results[#results + 1] = { req:read(-4096, 8) } -- the top of the address space
      results[#results + 1] = { req:write(0, "x") }
    end)
    assert.are.equal(2, n)
    assert.are.same({ true, "exit", 0 }, { child:wait() })
    for _, r in ipairs(results) do
      failed(r, "not mapped", EFAULT)
    end
  end)

  it("a read that runs off the end of a mapping is EFAULT, not a short string", function()
    with_unlinks([[os.remove("/a")]], function(req)
      -- the path lies in the heap: reading 1 MiB from there crosses its end
      local s, msg, e = req:read(req.args[1], 1048576)
      if s == nil then
        assert.are.equal(EFAULT, e)
        assert.matches("cannot read 1048576 bytes at 0x%x+", msg)
      else
        assert.are.equal(1048576, #s) -- never a short string
      end
    end)
  end)

  it("no NUL within max is nil, message, ENAMETOOLONG", function()
    local r1, r2, r3
    with_unlinks([[os.remove(("a"):rep(5000)) os.remove("abcdef")]], function(req)
      if not r1 then
        r1 = { req:read_string(req.args[1]) }         -- default max 4096
        r2 = { req:read_string(req.args[1], 6000) }
      else
        r3 = { req:read_string(req.args[1], 6) }      -- "abcdef" + NUL needs 7
        assert.are.equal("abcdef", req:read_string(req.args[1], 7))
      end
    end)
    assert.are.same({ nil, "request " .. "", ENAMETOOLONG }, { r1[1], r1[2]:sub(1, 8), r1[3] })
    assert.matches("no NUL within 4096 bytes", r1[2])
    assert.are.equal(("a"):rep(5000), r2[1])
    assert.are.equal(ENAMETOOLONG, r3[3])
    assert.matches("no NUL within 6 bytes", r3[2])
  end)

  it("write changes the target's memory; a read-only mapping is EFAULT and stays unchanged", function()
    local ro
    local n, child, out = with_unlinks([[
      local p = "/tmp/" .. ("q"):rep(20)
      print(os.remove(p))]], function(req)
      assert.is_true(req:write(req.args[1] + 5, "zz"))
      assert.are.equal("/tmp/zzqq", req:read_string(req.args[1], 64):sub(1, 9))
      -- the code the target runs is mapped read-only (and executable)
      local before = req:read(req.ip, 2)
      ro = { req:write(req.ip, "\0\0") }
      assert.are.equal(before, req:read(req.ip, 2))
      assert.is_true(req:write(req.args[1], ""))
    end)
    assert.are.equal(1, n)
    assert.are.same({ true, "exit", 0 }, { child:wait() })
    failed(ro, "cannot write 2 bytes at 0x%x+: not mapped writable in the target", EFAULT)
    assert.matches("^nil\t/tmp/zzq+: Read%-only file system", out)
  end)

  it("a dead target is nil, message, ENOENT", function()
    local child = notifying("unlink"):spawn(lua([[os.remove("/x")]]))
    local req = assert(child.notifier:receive(10))
    child:kill("KILL")
    assert.are.same({ nil, "signal", 9, "SIGKILL" }, { child:wait() })
    for _, r in ipairs { { req:read(req.args[1], 2) }, { req:read_string(req.args[1]) },
                         { req:write(req.args[1], "y") } } do
      failed(r, "is gone", ENOENT)
    end
  end)

  it("a target replaced under the same pid is ENOENT, never the new process's memory", function()
    -- pid reuse, made to happen: after the target died, ns_last_pid is set so
    -- that the next process gets its pid (needs CAP_SYS_ADMIN; retried, since
    -- other processes on the machine can take the pid first).
    local ns = io.open("/proc/sys/kernel/ns_last_pid", "w")
    if not ns then
      pending("cannot write /proc/sys/kernel/ns_last_pid (needs CAP_SYS_ADMIN)")
      return
    end
    ns:close()
    local plain = seccomp.filter("allow")
    for _ = 1, 20 do
      local child = notifying("unlink"):spawn(lua([[os.remove("/the-target's-path")]]))
      local req = assert(child.notifier:receive(10))
      local pid = req.pid
      assert.are.equal("/the-target's-path", req:read_string(req.args[1]))
      child:kill("KILL")
      assert.are.same({ nil, "signal", 9, "SIGKILL" }, { child:wait() })
      local stdin = io.popen("sleep 5")
      ns = assert(io.open("/proc/sys/kernel/ns_last_pid", "w"))
      ns:write(tostring(pid - 1))
      ns:close()
      -- the same Lua program: the string would be at a similar address
      local other = plain:spawn(lua([[os.remove("/the-target's-path") io.read()]]), { stdin = stdin })
      if other.pid == pid then
        local r = { req:read_string(req.args[1]) }
        other:kill("KILL")
        assert.are.same({ nil, "signal", 9, "SIGKILL" }, { other:wait() })
        failed(r, "is gone", ENOENT)
        return
      end
      other:kill("KILL")
      assert.are.same({ nil, "signal", 9, "SIGKILL" }, { other:wait() })
    end
    pending("could not get the pid reused in 20 tries (a busy machine)")
  end)
end)

describe("serve", function()
  -- every spec here needs notify rules: pending, each naming why, without them
  local it = H.gated(it, pending, H.feature("notify")) -- luacheck: ignore 431

  -- A Lua target that removes the paths in `paths` and prints what each
  -- os.remove returned (errno or "ok").
  local function remover(paths)
    local list = {}
    for i, p in ipairs(paths) do list[i] = ("%q"):format(p) end
    return lua(([[
      for _, p in ipairs { %s } do
        local ok, _, code = os.remove(p)
        io.write(ok and "ok" or tostring(code), " ")
      end]]):format(table.concat(list, ", ")))
  end

  local function run(handlers, paths, opts, filter)
    local out = io.tmpfile()
    local child = (filter or notifying("unlink")):spawn(remover(paths), { stdout = out })
    local why = child.notifier:serve(handlers, opts)
    return why, contents(out), { child:wait() }
  end

  local function by_path(t)
    return function(req)
      local p = req:read_string(req.args[1])
      local a = t[p]
      if type(a) == "function" then return a(req) end
      return a
    end
  end

  it("answers with errno names and numbers, { value = n } and the handler's own answer", function()
    local why, out, st = run({ unlink = by_path {
      ["/a"] = "EROFS", ["/b"] = 13, ["/c"] = -30, ["/d"] = { value = 0 },
      ["/e"] = function(req) assert(req:deny("EBUSY")) end,
    } }, { "/a", "/b", "/c", "/d", "/e" })
    assert.are.equal("closed", why)
    assert.are.same({ true, "exit", 0 }, st)
    assert.are.equal("30 13 30 ok 16 ", out)
  end)

  H.gated(it, pending, H.feature("notify_continue"))("\"allow\" lets the call run", function()
    local path = H.file_with("x")
    local why, out, st = run({ unlink = function() return "allow" end }, { path })
    assert.are.equal("closed", why)
    assert.are.same({ true, "exit", 0 }, st)
    assert.are.equal("ok ", out)
    assert.is_nil(io.open(path))
  end)

  it("dispatches by name, then default; a call with neither is ENOSYS", function()
    local names = {}
    local why, out, st = run({ unlink = function() return "EROFS" end }, { "/a" },
      nil, notifying("unlink", "rmdir"))
    assert.are.equal("30 ", out)
    local out2 = io.tmpfile()
    local child = notifying("unlink", "rmdir"):spawn(lua([[
      local _, _, a = os.remove("/nonexistent-dir-x")  -- unlink, then rmdir (on EISDIR)
      io.write(tostring(a))]]), { stdout = out2 })
    assert.are.equal("closed", child.notifier:serve {
      unlink = function(req) names[#names + 1] = req.name return "EISDIR" end,
      default = function(req) names[#names + 1] = "default:" .. req.name return "EXDEV" end,
    })
    assert.are.same({ true, "exit", 0 }, { child:wait() })
    assert.are.same({ "unlink", "default:rmdir" }, names)
    assert.are.equal("18", contents(out2))
    -- no handler, no default
    why, out, st = run({}, { "/a" })
    assert.are.equal("closed", why)
    assert.are.same({ true, "exit", 0 }, st)
    assert.are.equal(tostring(ENOSYS) .. " ", out)
  end)

  it("hands each handler its request alone; kept, it stays intact after the loop; on_error gets it", function()
    local kept, nargs, reported = {}, {}, {}
    local why, out, st = run({ unlink = function(...)
      local req = ...
      nargs[#nargs + 1] = select("#", ...)
      kept[#kept + 1] = req
      collectgarbage()
      if #kept == 2 then error("second") end
      return "EROFS"
    end }, { "/a", "/b", "/c" }, { on_error = function(_, req) reported[#reported + 1] = req end })
    assert.are.equal("closed", why)
    assert.are.same({ true, "exit", 0 }, st)
    assert.are.equal("30 1 30 ", out)
    assert.are.same({ 1, 1, 1 }, nargs)
    assert.are.equal(1, #reported)
    assert.is_true(rawequal(kept[2], reported[1]))
    local ids = {}
    for _, req in ipairs(kept) do
      assert.are.same({ "unlink", true, false }, { req.name, req.answered, req:valid() })
      assert.is_false(req.notifier:id_valid(req.id))
      ids[req.id] = true
      local err = H.raises(req.reply, req, 0)
      assert.are.same({ "reply", EALREADY }, { err.op, err.errno })
    end
    local distinct = 0
    for _ in pairs(ids) do distinct = distinct + 1 end
    assert.are.same({ 3, 3 }, { #kept, distinct })
  end)

  it("uses the handlers as they are when each request comes (a handler may change them)", function()
    local handlers = {}
    handlers.unlink = function()
      handlers.unlink = "EXDEV" -- a fixed answer from now on
      return "EROFS"
    end
    local _, out = run(handlers, { "/a", "/b", "/c" })
    assert.are.equal("30 18 18 ", out)
    handlers = {}
    handlers.unlink = function()
      handlers.unlink = nil -- the next one goes to default...
      handlers.default = function()
        handlers.default = nil -- ...and the one after has neither: ENOSYS
        return "EBUSY"
      end
      return "EROFS"
    end
    _, out = run(handlers, { "/a", "/b", "/c" })
    assert.are.equal("30 16 " .. ENOSYS .. " ", out)
  end)

  it("a handler may be the answer itself", function()
    local why, out = run({ unlink = "EROFS" }, { "/a", "/b" })
    assert.are.equal("closed", why)
    assert.are.equal("30 30 ", out)
    why, out = run({ unlink = { value = 0 } }, { "/a" })
    assert.are.equal("ok ", out)
    why, out = run({ default = -30 }, { "/a" })
    assert.are.equal("30 ", out)
  end)

  it("a bad fixed answer is reported with its request, which is then denied", function()
    local reports = {}
    local why, out, st = run({ unlink = "EWHAT" }, { "/a", "/b" },
      { error_errno = "EXDEV", on_error = function(err, req)
          reports[#reports + 1] = { err = err, req = req, name = req.name, valid = req:valid(),
            answered = req.answered, path = req:read_string(req.args[1]) }
        end })
    assert.are.equal("closed", why)
    assert.are.same({ true, "exit", 0 }, st)
    assert.are.equal("18 18 ", out)
    assert.are.equal(2, #reports)
    for i, r in ipairs(reports) do
      assert.matches("unknown answer 'EWHAT'", r.err)
      assert.are.same({ "unlink", true, false, ({ "/a", "/b" })[i] }, { r.name, r.valid, r.answered, r.path })
      assert.is_true(r.req.answered) -- the denial that followed
      assert.is_false(r.req:valid())
    end
    assert.are_not.equal(reports[1].req.id, reports[2].req.id)
    -- the default report names the call
    local text, ok = H.child([[
      local seccomp = require "seccomp"
      local c = seccomp.filter("allow"):add_rule("notify", "unlink"):spawn{ "]] .. H.lua .. [[", "-e", "os.remove('/a')" }
      print(c.notifier:serve { unlink = { value = -1 } })
      print(c:wait())]])
    assert.is_true(ok, text)
    assert.matches("seccomp.serve: handler for unlink %(pid %d+%) failed: answer.value %-1 would read as errno 1", text)
    assert.matches("closed\ntrue\texit\t0\n$", text)
  end)

  it("an error, a yield or a bad answer denies that call, is reported, and the loop goes on", function()
    local reports = {}
    local why, out, st = run({ unlink = by_path {
      ["/raise"] = function() error("boom") end,
      ["/raise-table"] = function() error({ code = 7 }) end,
      ["/yield"] = function() coroutine.yield(1) end,
      ["/unknown"] = "EWHATEVER",
      ["/zero"] = 0,
      ["/float"] = 1.5,
      ["/bool"] = true,
      ["/badkey"] = { value = 0, vlaue = 1 },
      ["/errno-value"] = { value = -13 },
      ["/nothing"] = function() end,
      ["/twice"] = function(req) req:deny("EBUSY") return "EROFS" end,
      ["/fine"] = "EXDEV",
    } }, { "/raise", "/raise-table", "/yield", "/unknown", "/zero", "/float", "/bool", "/badkey",
           "/errno-value", "/nothing", "/twice", "/fine" },
      { on_error = function(err, req)
          -- /twice was answered by its handler: its memory is no longer readable
          reports[#reports + 1] = { err = err, path = req:read_string(req.args[1]) or "/twice",
            valid = req:valid() }
        end })
    assert.are.equal("closed", why)
    assert.are.same({ true, "exit", 0 }, st)
    -- every bad one denied with EPERM, except /twice (the handler's EBUSY stands)
    assert.are.equal("1 1 1 1 1 1 1 1 1 1 16 18 ", out)
    local msgs = {}
    for _, r in ipairs(reports) do
      msgs[r.path] = r.err
      if r.path ~= "/twice" then assert.is_true(r.valid, r.path) end -- reported before the denial
    end
    assert.matches("boom", msgs["/raise"])
    assert.matches("stack traceback", msgs["/raise"])
    assert.are.same({ code = 7 }, msgs["/raise-table"])
    assert.matches("yield", msgs["/yield"])
    assert.matches("unknown answer 'EWHATEVER'", msgs["/unknown"])
    assert.matches("answer 0 is not an errno", msgs["/zero"])
    assert.matches("answer 1.5 is not an errno", msgs["/float"])
    assert.matches("unknown answer true", msgs["/bool"])
    assert.matches("unknown key 'vlaue' %(did you mean 'value'%?%)", msgs["/badkey"])
    assert.matches("would read as errno 13", msgs["/errno-value"])
    assert.matches("neither answered the request nor returned an answer", msgs["/nothing"])
    assert.matches("answered the request and also returned 'EROFS'", msgs["/twice"])
    assert.is_nil(msgs["/fine"])
  end)

  it("an integer that is no errno is the handler's error: the call is denied, never faked", function()
    -- 4095 and -4095 are the edges of an errno; past them, and at the ends
    -- of Lua's integers (whose negation overflows), the call must fail with
    -- opts.error_errno (EACCES here) and on_error hears of it
    local answers = {
      ["/min"] = math.mininteger, ["/max"] = math.maxinteger, ["/4096"] = 4096, ["/-4096"] = -4096,
      ["/min+1"] = math.mininteger + 1, ["/4095"] = 4095, ["/-4095"] = -4095,
    }
    local paths = { "/min", "/max", "/4096", "/-4096", "/min+1", "/4095", "/-4095" }
    local reports = {}
    local why, out, st = run({ unlink = by_path(answers) }, paths,
      { error_errno = "EACCES", on_error = function(err, req) reports[req:read_string(req.args[1])] = err end })
    assert.are.equal("closed", why)
    assert.are.same({ true, "exit", 0 }, st)
    assert.are.equal("13 13 13 13 13 4095 4095 ", out)
    for _, p in ipairs { "/min", "/max", "/4096", "/-4096", "/min+1" } do
      assert.is_truthy(reports[p]:find("answer " .. math.tointeger(answers[p]) .. " is not an errno (1..4095 or -4095..-1",
        1, true), p .. ": " .. tostring(reports[p]))
    end
    assert.is_nil(reports["/4095"])
    assert.is_nil(reports["/-4095"])
  end)

  it("deny and respond refuse an errno past 4095 either way, math.mininteger too", function()
    local child = notifying("unlink"):spawn(remover { "/a" }, { stdout = devnull })
    local n = child.notifier
    local req = assert(n:receive(10))
    for _, e in ipairs { math.mininteger, math.maxinteger, 4096, -4096 } do
      local want = "errno " .. e .. " out of range -4095..4095"
      assert.is_truthy(H.message(req.deny, req, e):find(want, 1, true), want)
      assert.is_truthy(H.message(n.respond, n, req.id, 0, e):find(want, 1, true), want)
    end
    assert.is_true(req:valid()) -- none of that reached the kernel
    assert.is_true(req:deny(-4095))
    assert.are.same({ true, "exit", 0 }, { child:wait() })
  end)

  it("opts.error_errno is the errno of a failed handler; on_error's own error ends the loop", function()
    local why, out = run({ unlink = function() error("x") end }, { "/a" },
      { error_errno = "EACCES", on_error = function() end })
    assert.are.equal("closed", why)
    assert.are.equal("13 ", out)
    local child = notifying("unlink"):spawn(remover { "/a" }, { stdout = devnull })
    local ok, err = pcall(child.notifier.serve, child.notifier, { unlink = function() error("x") end },
      { on_error = function() error("stop here") end })
    assert.is_false(ok)
    assert.matches("stop here", err)
    child:kill("KILL")
    assert.are.same({ nil, "signal", 9, "SIGKILL" }, { child:wait() })
  end)

  it("reports to stderr by default", function()
    local out, ok = H.child([[
      local seccomp = require "seccomp"
      local c = seccomp.filter("allow"):add_rule("notify", "unlink"):spawn{ "]] .. H.lua .. [[", "-e", "os.remove('/a')" }
      print(c.notifier:serve { unlink = function() error("kaput") end })
      print(c:wait())]])
    assert.is_true(ok, out)
    assert.matches("seccomp.serve: handler for unlink %(pid %d+%) failed: .-kaput", out)
    assert.matches("closed\ntrue\texit\t0\n$", out)
  end)

  it("ends after opts.timeout seconds without a request", function()
    -- the child makes no call until it is killed (a read from a pipe that
    -- closes after a few seconds was too short under ASan on a loaded machine)
    local child = notifying("unlink"):spawn(lua([[while true do end]]))
    assert.are.equal("timeout", child.notifier:serve({}, { timeout = 0.2 }))
    child:kill("KILL")
    assert.are.same({ nil, "signal", 9, "SIGKILL" }, { child:wait() })
  end)

  H.gated(it, pending, H.feature("notify_addfd"))("fd answers: addfd with SEND, and addfd then a value", function()
    local src = H.file_with("from the supervisor")
    local out = io.tmpfile()
    local child = notifying("openat"):spawn(lua([[
      local fh = io.open("/nonexistent/file")
      io.write(fh and fh:read("a") or "no file")]]), { stdout = out })
    local seen = {}
    assert.are.equal("closed", child.notifier:serve {
      openat = function(req)
        local path = req:read_string(req.args[2])
        if path == "/nonexistent/file" then
          seen[#seen + 1] = path
          return { fd = assert(io.open(src)), cloexec = true, close = true }
        end
        return "allow"
      end,
    })
    assert.are.same({ true, "exit", 0 }, { child:wait() })
    assert.are.same({ "/nonexistent/file" }, seen)
    assert.are.equal("from the supervisor", contents(out))
    -- fd + value: installed at newfd, then the call returns the value
    out = io.tmpfile()
    child = notifying("unlink"):spawn(lua([[
      local ok = os.remove("/x")
      local fh = io.open("/proc/self/fd/9")
      io.write(tostring(ok), " ", fh and fh:read("a") or "no fd 9")]]), { stdout = out })
    local fh = assert(io.open(src))
    assert.are.equal("closed", child.notifier:serve { unlink = { fd = fh, newfd = 9, value = 0 } })
    assert.are.same({ true, "exit", 0 }, { child:wait() })
    assert.are.equal("true from the supervisor", contents(out))
    assert.are.equal(io.type(fh), "file") -- not closed without close = true
    fh:close()
    os.remove(src)
  end)

  it("a bad fd answer is reported and denied", function()
    local reports = {}
    local closed = io.tmpfile()
    closed:close()
    local why, out = run({ unlink = by_path {
      ["/closed"] = { fd = closed }, ["/str"] = { fd = "3" }, ["/newfd"] = { fd = 0, newfd = -1 },
      ["/stray"] = { value = 0, newfd = 3 }, ["/empty"] = {},
    } }, { "/closed", "/str", "/newfd", "/stray", "/empty" },
      { on_error = function(err) reports[#reports + 1] = err end })
    assert.are.equal("closed", why)
    assert.are.equal("1 1 1 1 1 ", out)
    assert.matches("closed file", reports[1])
    assert.matches("answer.fd must be an fd or an open file, got '3'", reports[2])
    assert.matches("answer.newfd must be a non%-negative integer, got %-1", reports[3])
    assert.matches("newfd, cloexec and close go with fd", reports[4])
    assert.matches("needs value or fd", reports[5])
  end)

  it("bad arguments and a closed notifier are argument errors", function()
    local child = notifying("unlink"):spawn(lua([[os.remove("/a")]]))
    local n = child.notifier
    assert.matches("bad argument #1 to 'serve' %(table expected, got no value%)", H.method_message(n, "serve"))
    assert.matches("bad argument #2 to 'serve' %(unknown option 'timout' %(did you mean 'timeout'%?%)%)",
      H.method_message(n, "serve", {}, { timout = 1 }))
    assert.matches("opts.timeout must be a non%-negative number of seconds, got %-1",
      H.method_message(n, "serve", {}, { timeout = -1 }))
    assert.matches("opts.error_errno: unknown errno 'EWHAT'",
      H.method_message(n, "serve", {}, { error_errno = "EWHAT" }))
    assert.matches("opts.error_errno: 0 is not an errno",
      H.method_message(n, "serve", {}, { error_errno = 0 }))
    assert.matches("opts.on_error must be a function, got 'x'",
      H.method_message(n, "serve", {}, { on_error = "x" }))
    assert.matches("bad argument #2 to '[%w.]*serve' %(table expected",
      H.message(seccomp.serve, {}, nil))
    n:close()
    assert.matches("notifier has been closed", H.method_message(n, "serve", {}))
    child:kill("KILL")
    -- closing the notifier fails the waiting unlink (ENOSYS): the child may
    -- exit by itself before the kill arrives
    local st = { child:wait() }
    assert.is_true((st[1] == true and st[2] == "exit" and st[3] == 0) or
      (st[1] == nil and st[2] == "signal" and st[3] == 9 and st[4] == "SIGKILL"), table.concat({ tostring(st[1]),
      tostring(st[2]), tostring(st[3]) }, " "))
  end)

  it("a handler that closes the notifier ends the loop", function()
    local child = notifying("unlink"):spawn(remover { "/a", "/b" }, { stdout = devnull })
    local calls = 0
    assert.are.equal("closed", child.notifier:serve { unlink = function(req)
      calls = calls + 1
      req:deny("EROFS")
      req.notifier:close()
    end })
    assert.are.equal(1, calls)
    -- the second unlink fails with ENOSYS once the listener is gone
    assert.are.same({ true, "exit", 0 }, { child:wait() })
    -- closed without answering, then an answer returned: nothing to answer it on
    child = notifying("unlink"):spawn(remover { "/a" }, { stdout = devnull })
    assert.are.equal("closed", child.notifier:serve { unlink = function(req)
      req.notifier:close()
      return "EROFS"
    end })
    assert.are.same({ true, "exit", 0 }, { child:wait() })
  end)

  describe("seccomp.serve", function()
    it("serves several children with one loop; the list grows from a handler", function()
      local f = notifying("unlink")
      local outs, list = {}, {}
      local function start(i)
        outs[i] = io.tmpfile()
        list[#list + 1] = f:spawn(remover { "/" .. i }, { stdout = outs[i] })
      end
      start(1)
      start(2)
      local seen = {}
      assert.are.equal("closed", seccomp.serve({
        unlink = function(req)
          local p = req:read_string(req.args[1])
          seen[#seen + 1] = p
          if p == "/1" then start(3) end -- a handler spawns a child and appends it
          return "EROFS"
        end,
      }, list))
      table.sort(seen)
      assert.are.same({ "/1", "/2", "/3" }, seen)
      for i, c in ipairs(list) do
        assert.are.same({ true, "exit", 0 }, { c:wait() })
        assert.are.equal("30 ", contents(outs[i]))
      end
    end)

    it("takes notifiers too; a list entry that is neither is an error", function()
      local c = notifying("unlink"):spawn(remover { "/a" }, { stdout = devnull })
      assert.are.equal("closed", seccomp.serve({ unlink = "EROFS" }, { c.notifier }))
      assert.are.same({ true, "exit", 0 }, { c:wait() })
      assert.matches("list%[1%] is 'x'; notifiers or children with one expected",
        H.message(seccomp.serve, {}, { "x" }))
      local plain = seccomp.filter("allow"):spawn { "true" }
      assert.matches("list%[1%] is a child without a notifier",
        H.message(seccomp.serve, {}, { plain }))
      assert.are.same({ true, "exit", 0 }, { plain:wait() })
      assert.are.equal("closed", seccomp.serve({}, {}))
    end)
  end)
end)
