-- User notification: the notifier, its iterator, requests and their
-- answers.  Real children only: every target is a program spawned under a
-- filter (the supervising busted process never loads one), except where the
-- filter's own listener is the subject, which runs in a fresh interpreter.
local seccomp = require "seccomp"
local H = require "helper"

local ENOENT, EALREADY = 2, 114

-- Run Lua code in a fresh interpreter that is killed after `secs`: for the
-- specs whose way of failing would be a hang.  Asserts that it exited 0.
local function sub(code, secs)
  local out, ok, how, status = H.child(code, { timeout = secs or 30 })
  assert.are.same({ true, "exit", 0 }, { ok, how, status }, "the interpreter's exit status; it printed:\n" .. out)
  return out, ok, how, status
end

local notifying, lua, contents = H.notifying, H.lua_argv, H.contents

local function exists(path)
  local fh = io.open(path)
  if fh then fh:close() end
  return fh ~= nil
end

local devnull = assert(io.open("/dev/null", "w"))

describe("notification", function()
  -- every spec here needs notify rules: pending, each naming why, without them
  local it = H.gated(it, pending, H.feature("notify")) -- luacheck: ignore 431
  local it_addfd = H.gated(it, pending, H.feature("notify_addfd"))

  describe("answers", function()
    it("deny: the target sees the errno, given as a name or a number of either sign", function()
      local path = H.file_with("x")
      local out = io.tmpfile()
      local child = notifying("unlink"):spawn(lua(([[
        for i = 1, 4 do
          local ok, err, code = os.remove(%q)
          io.write(tostring(code), " ")
        end]]):format(path)), { stdout = out })
      local errnos, i = { "EROFS", 30, -30, "EACCES" }, 0
      for req in child.notifier:requests(10) do
        i = i + 1
        assert.are.equal("unlink", req.name)
        assert.is_true(req:deny(errnos[i]))
      end
      assert.are.equal(4, i)
      assert.are.same({ true, "exit", 0 }, { child:wait() })
      assert.are.equal("30 30 30 13 ", contents(out))
      assert.is_true(exists(path))
      os.remove(path)
    end)

    it("deny without an errno is EPERM", function()
      local out = io.tmpfile()
      local child = notifying("unlink"):spawn(lua [[
        local ok, err, code = os.remove("/nonexistent-lua-seccomp")
        io.write(code)]], { stdout = out })
      for req in child.notifier:requests(10) do
        req:deny()
      end
      assert.are.same({ true, "exit", 0 }, { child:wait() })
      assert.are.equal("1", contents(out))
    end)

    it("allow: the call really happens", function()
      local path = H.file_with("x")
      local out = io.tmpfile()
      local child = notifying("unlink"):spawn(lua(("io.write(tostring(os.remove(%q)))"):format(path)),
        { stdout = out })
      local n = 0
      for req in child.notifier:requests(10) do
        n = n + 1
        assert.is_true(req:allow())
      end
      assert.are.equal(1, n)
      assert.are.same({ true, "exit", 0 }, { child:wait() })
      assert.are.equal("true", contents(out))
      assert.is_false(exists(path))
    end)

    it("reply: the target sees the value and the call does not happen", function()
      local out = io.tmpfile()
      local child = notifying("getppid"):spawn({ "sh", "-c", "echo $PPID" }, { stdout = out })
      for req in child.notifier:requests(10) do
        assert.is_true(req:reply(4242))
      end
      assert.are.same({ true, "exit", 0 }, { child:wait() })
      assert.are.equal("4242\n", contents(out))

      local path = H.file_with("x")
      out = io.tmpfile()
      child = notifying("unlink"):spawn(lua(("io.write(tostring(os.remove(%q)))"):format(path)),
        { stdout = out })
      for req in child.notifier:requests(10) do
        req:reply(0)
      end
      assert.are.same({ true, "exit", 0 }, { child:wait() })
      assert.are.equal("true", contents(out)) -- the target was told it worked...
      assert.is_true(exists(path))             -- ...and nothing happened
      os.remove(path)
    end)

    it("raw respond(id, value, errno, flags) does the same", function()
      local out = io.tmpfile()
      local child = notifying("getppid"):spawn({ "sh", "-c", "echo $PPID" }, { stdout = out })
      local n = child.notifier
      for req in n:requests(10) do
        assert.is_true(n:respond(req.id, 77))
      end
      assert.are.same({ true, "exit", 0 }, { child:wait() })
      assert.are.equal("77\n", contents(out))

      local path = H.file_with("x")
      out = io.tmpfile()
      child = notifying("unlink"):spawn(lua(([[
        local _, _, code = os.remove(%q)
        io.write(tostring(code), " ", tostring(os.remove(%q)))]]):format(path, path)), { stdout = out })
      n = child.notifier
      local req = assert(n:receive(10))
      assert.is_true(n:respond(req.id, 0, "EROFS"))
      req = assert(n:receive(10))
      assert.is_true(n:respond(req.id, 0, 0, "continue"))
      assert.are.same({ true, "exit", 0 }, { child:wait() })
      assert.are.equal("30 true", contents(out))
      assert.is_false(exists(path))
    end)

    it_addfd("addfd: the target reads a file the supervisor opened for it", function()
      local secret = H.file_with("from the supervisor")
      local out = io.tmpfile()
      -- the target's unlink("trigger") is the cue: an fd is installed at 42
      local child = notifying("unlink"):spawn(lua [[
        os.remove("trigger")
        local fh = assert(io.open("/proc/self/fd/42"))
        io.write(fh:read("a"))]], { stdout = out })
      for req in child.notifier:requests(10) do
        local src = assert(io.open(secret))
        assert.are.equal(42, req:addfd(src, { newfd = 42 }))
        src:close()
        assert.is_false(req.answered)
        req:reply(0)
      end
      assert.are.same({ true, "exit", 0 }, { child:wait() })
      assert.are.equal("from the supervisor", contents(out))
      os.remove(secret)
    end)

    it_addfd("addfd with send answers the call with the new fd (openat emulated)", function()
      local secret = H.file_with("emulated open")
      local out = io.tmpfile()
      -- only fopen(.., "r")'s openat has flags exactly O_RDONLY; the loader's carry O_CLOEXEC
      local f = seccomp.filter("allow"):add_rule("notify", "openat", { 2, "==", 0 })
      local child = f:spawn(lua [[
        local fh = assert(io.open("/nonexistent/secret"))
        io.write(fh:read("a"))]], { stdout = out })
      local n = 0
      for req in child.notifier:requests(10) do
        n = n + 1
        local src = assert(io.open(secret))
        local ok2, msg = pcall(req.addfd, req, src, { send = true, cloexec = true })
        src:close()
        if not ok2 and type(msg) == "table" and msg.ename == "EOPNOTSUPP" then
          req:deny("ENOSYS")
          assert.are.same({ nil, "exit", 1 }, { child:wait() })
          pending(msg.message)
          return
        end
        assert.is_true(ok2, tostring(msg))
        assert.are.equal("integer", math.type(msg))
        assert.is_true(req.answered)
        assert.are.equal("EALREADY", H.raises(req.deny, req).ename)
      end
      assert.are.equal(1, n)
      assert.are.same({ true, "exit", 0 }, { child:wait() })
      assert.are.equal("emulated open", contents(out))
      os.remove(secret)
    end)
  end)

  describe("requests", function()
    it("carry id, pid, flags, syscall, name, arch, ip, args", function()
      local child = notifying("getppid"):spawn({ "sh", "-c", "echo $PPID" }, { stdout = devnull })
      local n = child.notifier
      local req = assert(n:receive(10))
      assert.are.equal("integer", math.type(req.id))
      assert.are.equal(child.pid, req.pid)
      assert.are.equal(0, req.flags)
      assert.are.equal(seccomp.syscall("getppid"), req.syscall)
      assert.are.equal("getppid", req.name)
      assert.are.equal(seccomp.native_arch(), req.arch)
      assert.are.equal("integer", math.type(req.ip))
      assert.are_not.equal(0, req.ip)
      assert.are.equal(6, #req.args)
      for i = 1, 6 do
        assert.are.equal("integer", math.type(req.args[i]))
      end
      assert.are.equal(n, req.notifier)
      assert.is_false(req.answered)
      assert.is_nil(req.nonsense)
      assert.matches("^seccomp%.request %-?%d+ %(pid " .. child.pid .. ": getppid on "
        .. seccomp.arch_name(seccomp.native_arch()) .. "%)$", tostring(req))
      assert.is_true(req:valid())
      assert.is_true(n:id_valid(req.id))
      assert.is_true(req:reply(1))
      assert.is_true(req.answered)
      assert.is_false(req:valid())
      assert.is_false(n:id_valid(req.id))
      assert.are.same({ true, "exit", 0 }, { child:wait() })
    end)

    it("kept past their reply keep their values and their answered state", function()
      -- four lseeks with offsets of their own; every request is kept, and
      -- the collector runs between them
      local child = notifying("lseek"):spawn(lua [[
        local fh = io.open("/dev/null")
        for i = 1, 4 do fh:seek("set", i * 4096) end]])
      local n = child.notifier
      local kept, ids = {}, {}
      for req in n:requests(10) do
        if req.args[3] == 0 and req.args[2] % 4096 == 0 and req.args[2] > 0 then -- SEEK_SET: ours
          kept[#kept + 1] = req
        end
        assert.is_true(req:allow())
        collectgarbage()
      end
      assert.are.same({ true, "exit", 0 }, { child:wait() })
      assert.are.equal(4, #kept)
      for i, req in ipairs(kept) do
        assert.are.same({ "lseek", seccomp.syscall("lseek"), child.pid, seccomp.native_arch(), 0, i * 4096, 0 },
          { req.name, req.syscall, child.pid, req.arch, req.flags, req.args[2], req.args[3] })
        assert.are.equal(n, req.notifier)
        assert.is_nil(ids[req.id], "ids are distinct")
        ids[req.id] = true
        assert.is_truthy(tostring(req):find(("seccomp.request %d (pid %d: lseek on "):format(req.id, child.pid),
          1, true), tostring(req))
        assert.is_true(req.answered)
        assert.is_false(req:valid())
        assert.is_false(n:id_valid(req.id))
        local err = H.raises(req.reply, req, 0)
        assert.are.same({ "reply", EALREADY }, { err.op, err.errno })
        err = H.raises(n.respond, n, req.id, 0)
        assert.are.same({ "respond", EALREADY }, { err.op, err.errno })
      end
    end)

    it("still waiting when the next one arrives keep their own values", function()
      local out = io.tmpfile()
      -- the outer shell asks first; then two shells ask at the same time
      local child = notifying("getppid"):spawn({ "sh", "-c",
        [[sh -c 'echo $$ $PPID' & sh -c 'echo $$ $PPID'; wait]] }, { stdout = out })
      local n = child.notifier
      local first = assert(n:receive(10))
      assert.are.equal(child.pid, first.pid)
      assert.is_true(first:reply(1))
      local a = assert(n:receive(10))
      local b = assert(n:receive(10))
      local apid, aid, aip = a.pid, a.id, a.ip
      assert.are_not.equal(a.id, b.id)
      assert.are_not.equal(a.pid, b.pid)
      assert.is_true(b:reply(200))
      collectgarbage()
      assert.are.same({ apid, aid, aip, false, "getppid" }, { a.pid, a.id, a.ip, a.answered, a.name })
      assert.is_true(a:valid())
      assert.is_true(n:id_valid(aid))
      assert.is_true(a:reply(100))
      assert.are.same({ true, true, false }, { a.answered, b.answered, first:valid() })
      assert.are.same({ true, "exit", 0 }, { child:wait() })
      local got = {}
      for pid, v in contents(out):gmatch("(%d+) (%d+)") do got[tonumber(pid)] = tonumber(v) end
      assert.are.same({ [apid] = 100, [b.pid] = 200 }, got)
    end)

    it("read after their target died keep their values; answers are ENOENT", function()
      local child = notifying("getppid"):spawn({ "sh", "-c", "echo $PPID" }, { stdout = devnull })
      local n = child.notifier
      local req = assert(n:receive(10))
      local id, args = req.id, req.args
      assert.is_true(child:kill("KILL"))
      assert.are.same({ nil, "signal", 9, "SIGKILL" }, { child:wait() })
      collectgarbage()
      assert.are.same({ id, child.pid, "getppid", false }, { req.id, req.pid, req.name, req.answered })
      assert.are.same(args, req.args)
      assert.is_false(req:valid())
      assert.is_false(n:id_valid(id))
      for _ = 1, 2 do -- a failed answer leaves it unanswered: the second is ENOENT again
        local r = { req:reply(5) }
        assert.are.equal(3, #r)
        assert.is_nil(r[1])
        assert.matches("^request %-?%d+ is gone", r[2])
        assert.are.equal(ENOENT, r[3])
        assert.is_false(req.answered)
      end
      assert.are.same({ nil, "closed" }, { n:receive(1) })
      n:close()
      -- with the notifier closed: the fields still read, the methods refuse
      assert.are.same({ id, child.pid, "getppid", false, n }, { req.id, req.pid, req.name, req.answered, req.notifier })
      assert.matches("the request's notifier has been closed", H.message(req.reply, req, 0))
      assert.matches("the request's notifier has been closed", H.message(req.valid, req))
    end)

    it("have args as a new list on each read, with the same values", function()
      local child = notifying("lseek"):spawn(lua [[
        local fh = io.open("/dev/null")
        fh:seek("set", 40960)]]) -- glibc seeks in whole blocks
      local seen = 0
      for req in child.notifier:requests(10) do
        local a1, a2 = req.args, req.args
        assert.are_not.equal(a1, a2)
        assert.are.same(a1, a2)
        assert.are.same({ 6, 6 }, { #a1, select("#", table.unpack(a1)) })
        if a1[2] == 40960 then seen = seen + 1 end
        a1[2] = -1
        assert.are.same(a2, req.args)
        req:allow()
      end
      assert.are.same({ true, "exit", 0 }, { child:wait() })
      assert.are.equal(1, seen)
    end)

    it("refuse what is not a request, and notifiers what is not a notifier", function()
      local child = notifying("getppid"):spawn({ "sh", "-c", "echo $PPID" }, { stdout = devnull })
      local n = child.notifier
      local req = assert(n:receive(10))
      local function msg(fn, ...)
        local ok, err = pcall(fn, ...)
        assert.is_false(ok)
        return err
      end
      local index = getmetatable(req).__index
      assert.are.equal("bad argument #1 to '?' (seccomp.request expected, got table)", msg(req.reply, {}, 0))
      assert.are.equal("bad argument #1 to '?' (seccomp.request expected, got seccomp.notifier)", msg(req.reply, n, 0))
      assert.are.equal("bad argument #1 to '?' (seccomp.request expected, got FILE*)", msg(req.deny, io.stdout))
      assert.are.equal("bad argument #1 to '?' (seccomp.request expected, got FILE*)", msg(index, io.stdout, "id"))
      -- a method is found without reading argument 1; calling it checks it
      assert.are.equal(req.reply, index({}, "reply"))
      assert.are.equal("bad argument #1 to '?' (seccomp.request expected, got table)", msg(index({}, "reply"), {}, 0))
      assert.are.equal("bad argument #1 to '?' (seccomp.request expected, got table)", msg(index, {}, "pid"))
      assert.are.equal("bad argument #1 to '?' (seccomp.request expected, got seccomp.notifier)", msg(index, n, "id"))
      assert.are.equal("bad argument #1 to '?' (seccomp.notifier expected, got seccomp.request)", msg(n.receive, req))
      assert.are.equal("bad argument #1 to '?' (seccomp.notifier expected, got seccomp.request)", msg(n.id_valid, req, 1))
      assert.are.equal("bad argument #1 to '?' (seccomp.notifier expected, got seccomp.request)", msg(n.serve, req, {}))
      local step = n:requests()
      assert.are.equal("bad argument #1 to '?' (seccomp.notifier expected, got seccomp.request)", msg(step, req))
      assert.are.equal("bad argument #1 to '?' (seccomp.notifier expected, got table)", msg(step, {}))
      assert.are.equal("bad argument #1 to '?' (seccomp.request expected, got table)",
        msg(tostring, setmetatable({}, { __tostring = getmetatable(req).__tostring })))
      assert.is_true(req:valid()) -- none of that reached the kernel
      assert.is_true(req:reply(1))
      assert.are.same({ true, "exit", 0 }, { child:wait() })
    end)

    it("carry full 64-bit arguments", function()
      -- lseek(fd, offset, whence): Lua's f:seek passes the offset through unchanged
      local child = notifying("lseek"):spawn(lua [[
        local fh = io.open("/dev/null")
        fh:seek("set", 0x7fffffffffff0000)]])
      local offsets = {}
      for req in child.notifier:requests(10) do
        assert.are.equal("lseek", req.name)
        offsets[req.args[2]] = true
        req:allow()
      end
      assert.are.same({ true, "exit", 0 }, { child:wait() })
      assert.is_true(offsets[0x7fffffffffff0000])
    end)

    -- A small C program making the odd calls: x86_64 only, and it needs cc.
    local CALLS = H.all(H.X86_64, H.CC)
    local calls_dir, calls_bin, ia32
    if CALLS.ok then
      calls_dir = os.tmpname()
      os.remove(calls_dir)
      assert(os.execute("mkdir " .. calls_dir))
      local src = calls_dir .. "/calls.c"
      calls_bin = calls_dir .. "/calls"
      local fh = assert(io.open(src, "w"))
      fh:write [[
        #include <unistd.h>
        #include <sys/syscall.h>
        int main(int argc, char **argv) {
          long r = 20;
          (void)argc;
          if (argv[1][0] == 'u') r = syscall(999);                    /* no such call */
          if (argv[1][0] == 'x') r = syscall(0x40000000 | 39);        /* x32 getpid */
          if (argv[1][0] == 'i') __asm__ volatile("int $0x80" : "+a"(r)); /* i386 getpid */
          return r == 77 ? 0 : 1;
        }]]
      fh:close()
      if os.execute(("env -u LD_PRELOAD cc -o %s %s 2>/dev/null"):format(calls_bin, src)) then
        -- i386 through int $0x80 needs the kernel's IA-32 emulation: the
        -- program runs and gets the real pid back (exit 1, not a signal)
        local probe = io.popen("env -u LD_PRELOAD " .. calls_bin .. " i >/dev/null 2>&1; echo $?")
        ia32 = probe:read("a") == "1\n"
        probe:close()
      else
        CALLS = H.gate(false, "cc could not build the test program")
      end
    end
    teardown(function()
      if calls_dir then os.execute("rm -rf " .. calls_dir) end
    end)
    local it_calls = H.gated(it, pending, CALLS)
    local it_ia32 = H.gated(it, pending, H.all(CALLS, H.gate(ia32, "needs the kernel's IA-32 emulation (int $0x80)")))

    -- every call is notified; the test call is answered with 77
    local function run_calls(mode, arches)
      local f = seccomp.filter("notify")
      for _, a in ipairs(arches) do f:add_arch(a) end
      local child = f:spawn { calls_bin, mode }
      local seen
      for req in child.notifier:requests(10) do
        if req.syscall == 999 or req.syscall == (0x40000000 | 39) or req.arch ~= seccomp.ARCH_X86_64 then
          seen = { arch = req.arch, syscall = req.syscall, name = req.name, text = tostring(req) }
          req:reply(77)
        else
          req:allow()
        end
      end
      assert.are.same({ true, "exit", 0 }, { child:wait() })
      return seen
    end

    it_calls("are decoded for the arch they come from; an unknown call has no name", function()
      local seen = run_calls("u", {})
      assert.are.same({ arch = seccomp.ARCH_X86_64, syscall = 999, name = nil }, { arch = seen.arch, syscall = seen.syscall, name = seen.name })
      assert.matches("syscall 999 on x86_64", seen.text)
    end)

    it_calls("are decoded for x32: x86_64 with the x32 bit set, named from the x32 table", function()
      local seen = run_calls("x", { "x32" })
      assert.are.same({ seccomp.ARCH_X86_64, 0x40000000 | 39, "getpid" }, { seen.arch, seen.syscall, seen.name })
    end)

    it_ia32("are decoded for i386 (int $0x80)", function()
      local seen = run_calls("i", { "x86" })
      assert.are.same({ seccomp.ARCH_X86, 20, "getpid" }, { seen.arch, seen.syscall, seen.name })
    end)

    it("refuse a second answer, and a misreadable one, before any ioctl", function()
      local child = notifying("getppid"):spawn({ "sh", "-c", "echo $PPID" }, { stdout = devnull })
      local n = child.notifier
      local req = assert(n:receive(10))
      assert.matches("would read as errno 1", H.message(req.reply, req, -1))
      assert.matches("would read as errno 4095", H.message(n.respond, n, req.id, -4095))
      assert.matches("cannot carry a value or an errno", H.message(n.respond, n, req.id, 5, nil, "continue"))
      assert.matches("cannot carry a value or an errno", H.message(n.respond, n, req.id, 0, "EPERM", 1))
      assert.matches("non%-zero errno", H.message(req.deny, req, 0))
      assert.matches("unknown errno 'EWHAT'", H.message(req.deny, req, "EWHAT"))
      assert.matches("out of range", H.message(req.deny, req, 5000))
      assert.matches("integer expected", H.message(n.respond, n, req.id, "1"))
      assert.matches("integer expected", H.message(n.respond, n, "1"))
      assert.matches("out of range", H.message(n.respond, n, req.id, 0, 0, 2))
      assert.matches("unknown response flag 'go'", H.message(n.respond, n, req.id, 0, 0, "go"))
      assert.matches("fd or file handle expected", H.message(req.addfd, req, "x"))
      assert.is_true(req:valid()) -- none of that reached the kernel
      assert.is_true(req:deny("EPERM"))
      for _, m in ipairs { "allow", "deny", "reply", "addfd" } do
        local err = H.raises(req[m], req, m == "addfd" and 0 or nil)
        assert.are.equal(m, err.op)
        assert.are.equal(EALREADY, err.errno)
        assert.are.equal("EALREADY", err.ename)
        assert.matches("already been answered", tostring(err))
      end
      -- the notifier remembers what it answered: the raw form refuses too
      local err = H.raises(n.respond, n, req.id, 0)
      assert.are.same({ "respond", "EALREADY" }, { err.op, err.ename })
      assert.are.same({ true, "exit", 0 }, { child:wait() })
    end)
    it("have one answered state: one answered through n:respond refuses req:deny (EALREADY)", function()
      local child = notifying("getppid"):spawn({ "sh", "-c", "echo $PPID" }, { stdout = devnull })
      local n = child.notifier
      local req = assert(n:receive(10))
      assert.is_false(req.answered)
      assert.is_true(n:respond(req.id, 7))
      assert.is_true(req.answered)
      assert.is_false(req:valid())
      for _, m in ipairs { "allow", "deny", "reply", "addfd" } do
        local err = H.raises(req[m], req, m == "addfd" and 0 or nil)
        assert.are.same({ m, EALREADY, "EALREADY" }, { err.op, err.errno, err.ename })
      end
      assert.are.same({ true, "exit", 0 }, { child:wait() })
    end)

    it("addfd checks its options before anything (unknown keys, booleans)", function()
      local child = notifying("getppid"):spawn({ "sh", "-c", "echo $PPID" }, { stdout = devnull })
      local req = assert(child.notifier:receive(10))
      local function msg(opts)
        return (H.method_message(req, "addfd", 0, opts):gsub("^.-:1: ", ""))
      end
      assert.are.equal("bad argument #2 to 'addfd' (unknown option 'sned' (did you mean 'send'?))",
        msg { sned = true })
      assert.are.equal("bad argument #2 to 'addfd' (unknown option 'fd' (the options are newfd, cloexec, send))",
        msg { fd = 3 })
      assert.are.equal("bad argument #2 to 'addfd' (unknown option 1 (the options are newfd, cloexec, send))",
        msg { true })
      assert.are.equal("bad argument #2 to 'addfd' (opts.send must be a boolean, got 1)", msg { send = 1 })
      assert.are.equal("bad argument #2 to 'addfd' (opts.cloexec must be a boolean, got 'yes')",
        msg { cloexec = "yes" })
      assert.is_true(req:valid()) -- none of that reached the kernel
      assert.is_true(req:reply(5))
      assert.are.same({ true, "exit", 0 }, { child:wait() })
    end)
  end)

  describe("the iterator", function()
    it("ends by itself when the last task using the filter exits", function()
      local out = sub [[
        local seccomp = require "seccomp"
        local f = seccomp.filter("allow"):add_rule("notify", "getppid")
        -- a grandchild inherits the filter: the loop ends when both are gone
        local child = f:spawn({ "sh", "-c", "echo $PPID; sh -c 'sleep 0.2; echo $PPID'" },
                              { stdout = io.open("/dev/null", "w") })
        local n = 0
        for req in child.notifier:requests() do
          n = n + 1
          req:allow()
        end
        print("ended", n >= 2, child:wait())
        print(child.notifier:receive())
      ]]
      assert.are.equal("ended\ttrue\ttrue\texit\t0\nnil\tclosed\n", out)
    end)

    it("ends when the timeout passes, and receive reports a timeout", function()
      local child = notifying("getppid"):spawn { "sleep", "10" }
      local n = child.notifier
      assert.are.same({ nil, "timeout" }, { n:receive(0) })
      assert.are.same({ nil, "timeout" }, { n:receive(0.05) })
      local count = 0
      for _ in n:requests(0.1) do
        count = count + 1
      end
      assert.are.equal(0, count)
      assert.is_true(child:kill()) -- still running: the timeout ended the loop
      assert.are.same({ nil, "signal", 15, "SIGTERM" }, { child:wait() })
      assert.matches("non%-negative", H.message(n.receive, n, -1))
      assert.matches("non%-negative", H.message(n.requests, n, 0 / 0))
      assert.matches("timeout in seconds expected", H.message(n.receive, n, "1"))
      assert.are.equal("function", type(n:requests(math.huge)))
    end)

    it("ends when the notifier is closed inside the loop", function()
      local child = notifying("getppid"):spawn({ "sh", "-c", "echo $PPID; echo $PPID" }, { stdout = devnull })
      local n, count = child.notifier, 0
      for req in n:requests(10) do
        count = count + 1
        req:reply(1)
        n:close()
      end
      assert.are.equal(1, count)
      assert.are.same({ true, "exit", 0 }, { child:wait() })
    end)

    it("goes on after a target died between receive and respond (ENOENT)", function()
      local child = notifying("getppid"):spawn({ "sh", "-c", "echo $PPID" }, { stdout = devnull })
      local n = child.notifier
      local count = 0
      for req in n:requests(10) do
        count = count + 1
        assert.is_true(child:kill("KILL"))
        assert.are.same({ nil, "signal", 9, "SIGKILL" }, { child:wait() })
        assert.is_false(req:valid())
        local ok, msg, e = req:deny("EPERM")
        assert.is_nil(ok)
        assert.matches("^request %-?%d+ is gone", msg)
        assert.are.equal(ENOENT, e)
        assert.is_false(req.answered)
        ok, msg, e = n:respond(req.id, 0, 0, "continue")
        assert.are.same({ nil, ENOENT }, { ok, e })
      end
      assert.are.equal(1, count)
      assert.are.same({ nil, "closed" }, { n:receive(1) })
    end)

    it("does not hang when the target is SIGKILLed mid-request, 1000 times in a row", function()
      -- the filter notifies execve, so each child waits in its own execve
      local f = notifying("execve")
      for i = 1, 1000 do
        H.progress("    notify: %d of 1000 killed mid-request", i - 1)
        local child = f:spawn { "/bin/true" }
        local n = child.notifier
        local seen = 0
        for req in n:requests(10) do
          seen = seen + 1
          child:kill("KILL")
          if i % 2 == 0 then
            child:wait() -- certainly gone: the answer must say so
            local ok, _, e = req:allow()
            assert(ok == nil and e == ENOENT, "expected ENOENT")
          else          -- racing the kill: either answer is fine
            local ok, _, e = req:allow()
            assert(ok or e == ENOENT, "expected true or ENOENT")
          end
        end
        assert(seen == 1, "expected one request")
        local ok, how, code = child:wait()
        assert(ok == nil and how == "signal" and code == 9, "expected SIGKILL")
        n:close()
      end
    end)

    it("retries a wait interrupted by a signal", function()
      -- lua.c's SIGINT handler is the one handler a plain interpreter has: it
      -- sets a hook on the main thread that raises "interrupted!".  The wait
      -- runs in a coroutine, so the hook can only fire after it: the wait
      -- must survive the EINTR and return the request that comes later.
      local out = sub [[
        local seccomp = require "seccomp"
        local f = seccomp.filter("allow"):add_rule("notify", "sync")
        local child = f:spawn { "sh", "-c", "sleep 0.6; sync" }
        assert(os.execute("(sleep 0.2; kill -INT $PPID) &"))
        local got
        local ok, err = pcall(coroutine.wrap(function()
          local req, why = child.notifier:receive(10)
          got = req and req.name or why
          req:allow()
        end))
        print(got, ok, err)
        print(child:wait())
      ]]
      assert.matches("^sync\tfalse\t[^\n]*interrupted!\ntrue\texit\t0\n$", out)
    end)

    it("lets Ctrl-C (SIGINT) interrupt a wait in the main thread", function()
      local out = sub [[
        local seccomp = require "seccomp"
        local child = seccomp.filter("allow"):add_rule("notify", "sync"):spawn { "sleep", "5" }
        assert(os.execute("(sleep 0.2; kill -INT $PPID) &"))
        print(pcall(child.notifier.receive, child.notifier))
        child:kill("KILL")
      ]]
      assert.matches("^false\t[^\n]*interrupted!\n$", out)
    end)
  end)

  describe("notifiers", function()
    it("come from the filter's own listener after load (notify_fd, notifier)", function()
      local out = sub [[
        local seccomp = require "seccomp"
        local f = seccomp.filter("allow"):add_rule("notify", "sync")
        local ok, err = pcall(f.notifier, f)
        print(ok, err.op, err.ename)
        f:load()
        local fd = f:notify_fd()
        local n1, n2 = f:notifier(), seccomp.notifier(fd)
        print(math.type(fd), n1:fd() ~= fd, n2:fd() ~= fd, n1:fd() ~= n2:fd())
        n1:close()                       -- a dup: libseccomp's fd stays open
        local p = io.popen("sync; echo $?")
        local req = assert(n2:receive(5))
        print(req.name, req:deny("EPERM"))
        print(p:read("a"):gsub("\n", ""), p:close())
        print(f:notify_fd() == fd, f:notifier())
        -- the supervisor itself uses the filter: no POLLHUP, only the timeout ends a wait
        print(n2:receive(0.05))
      ]]
      assert.matches("^false\tnotifier\tENOENT\ninteger\ttrue\ttrue\ttrue\nsync\ttrue\n"
        .. "0\ttrue\texit\t0\ntrue\tseccomp%.notifier %(fd %d+%)\nnil\ttimeout\n$", out)
    end)

    it("seccomp.notifier(fd) takes a listener from elsewhere and owns a dup of it", function()
      local child = notifying("getppid"):spawn({ "sh", "-c", "echo $PPID" }, { stdout = devnull })
      local orig = child.notifier
      local n = seccomp.notifier(orig:fd())
      assert.are_not.equal(orig:fd(), n:fd())
      assert.matches("^seccomp%.notifier %(fd %d+%)$", tostring(n))
      local req = assert(n:receive(10))
      assert.are.equal(n, req.notifier)
      n:close()
      n:close() -- idempotent
      assert.are.equal("seccomp.notifier (closed)", tostring(n))
      assert.matches("notifier has been closed", H.message(n.receive, n))
      assert.matches("notifier has been closed", H.message(n.fd, n))
      assert.matches("the request's notifier has been closed", H.message(req.reply, req, 0))
      -- the original is untouched: it answers the same request
      assert.is_true(orig:respond(req.id, 0))
      assert.are.same({ true, "exit", 0 }, { child:wait() })
    end)

    it("ask for synchronous wake-ups on listeners this process created (kernel >= 6.6)", function()
      local p = io.popen("uname -r")
      local major, minor = p:read("a"):match("^(%d+)%.(%d+)")
      p:close()
      local has = tonumber(major) * 100 + tonumber(minor) >= 606
      local child = notifying("getppid"):spawn { "sleep", "10" }
      local n = child.notifier
      assert.are.equal(has, n:sync_wakeup())
      if has then
        assert.is_false(n:sync_wakeup(false))
        assert.is_false(n:sync_wakeup())
        assert.is_true(n:sync_wakeup(true))
      else
        assert.matches("need kernel >= 6%.6", H.message(n.sync_wakeup, n, true))
      end
      -- a listener from elsewhere is someone else's: its flags are left alone
      local other = seccomp.notifier(n:fd())
      assert.is_false(other:sync_wakeup())
      assert.matches("boolean expected", H.message(n.sync_wakeup, n, "yes"))
      child:kill("KILL")
      assert.are.same({ nil, "signal", 9, "SIGKILL" }, { child:wait() })
    end)

    it("give a clear error on a closed or non-seccomp fd", function()
      assert.matches("fd 987654 is not open", H.message(seccomp.notifier, 987654))
      assert.matches("fd 2 is not a seccomp notification fd", H.message(seccomp.notifier, 2))
      assert.matches("out of range", H.message(seccomp.notifier, -1))
      assert.matches("integer expected", H.message(seccomp.notifier, "3"))
    end)

    H.gated(it, pending, H.LUA54)("are closed by __close", function()
      local child = notifying("getppid"):spawn { "sleep", "10" }
      local n = assert(load [[
        local seccomp, fd = ...
        local n <close> = seccomp.notifier(fd)
        return n
      ]])(seccomp, child.notifier:fd())
      assert.are.equal("seccomp.notifier (closed)", tostring(n))
      child:kill("KILL")
      assert.are.same({ nil, "signal", 9, "SIGKILL" }, { child:wait() })
    end)
  end)
end)
