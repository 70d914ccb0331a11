-- Enforcement: filters loaded in real child processes, checked by what the
-- child saw (errno, exit status, signal).
local H = require "helper"

-- A child that loads a filter denying openat with `action` (optionally
-- under conditions), then opens /dev/null for reading and for writing and
-- prints what each open gave: "ok" or the errno.
local function run(action, conds)
  return H.child(([[
    local seccomp = require "seccomp"
    local f = seccomp.filter("allow")
    f:add_rule(%q, "openat" %s)
    f:load()
    local function try(mode)
      local fh, _, e = io.open("/dev/null", mode)
      if fh then fh:close() return "ok" end
      return tostring(e)
    end
    io.write(try("r"), " ", try("w"), "\n")
    io.stdout:flush()
    os.exit(7)
  ]]):format(action, conds and ", " .. conds or ""))
end

-- run() for a child that must get to its os.exit(7): what it printed.
local function ran(action, conds)
  local out, ok, how, code = run(action, conds)
  assert.are.same({ nil, "exit", 7 }, { ok, how, code }, "the child's exit status")
  return out
end

describe("a loaded filter", function()
  it("allow lets the call run", function()
    local out, ok, how, code = H.child([[
      local seccomp = require "seccomp"
      local f = seccomp.filter("allow")
      f:add_rule("errno(EPERM)", "getcwd") -- something unrelated, so the filter is not empty
      f:load()
      local fh = assert(io.open("/dev/null", "r"))
      print("opened")
    ]])
    assert.are.equal("opened\n", out)
    assert.are.same({ true, "exit", 0 }, { ok, how, code })
  end)

  it("errno(N) makes the call fail with N", function()
    local out, _, how, code = run("errno(EACCES)")
    assert.are.equal("13 13\n", out)
    assert.are.same({ "exit", 7 }, { how, code })
    out = ran("errno(1234)")
    assert.are.equal("1234 1234\n", out)
  end)

  it("errno(0) makes the call return success without running it", function()
    -- the open "succeeds" with return value 0, which io.open sees as fd 0
    local out = ran("errno(0)")
    assert.are.equal("ok ok\n", out)
  end)

  for _, case in ipairs {
    { "kill_process", "kills the process with SIGSYS" },
    { "kill_thread", "kills the (only) thread with SIGSYS" },
    { "trap", "delivers SIGSYS" },
  } do
    it(case[1] .. " " .. case[2], function()
      local out, ok, how, code = run(case[1])
      assert.are.equal("", out)
      assert.are.same({ nil, "signal", H.SIGSYS }, { ok, how, code })
    end)
  end

  it("log lets the call run", function()
    local out, _, how, code = run("log")
    assert.are.equal("ok ok\n", out)
    assert.are.same({ "exit", 7 }, { how, code })
  end)

  it("trace(N) without a tracer fails the call with ENOSYS", function()
    local out = ran("trace(5)")
    assert.are.equal("38 38\n", out)
  end)

  it("argument conditions deny openat only when opened for writing", function()
    -- O_ACCMODE is 3: write-only is 1, read-write is 2
    local out = ran("errno(EACCES)", [["arg2 & 3 == 1"]])
    assert.are.equal("ok 13\n", out)
  end)

  it("conditions in the builder and table forms enforce the same", function()
    assert.are.equal("ok 13\n", ran("errno(EACCES)", [[seccomp.arg(2):masked_eq(3, 1)]]))
    assert.are.equal("ok 13\n", ran("errno(EACCES)", [[{2, "&=", 3, 1}]]))
    assert.are.equal("13 ok\n", ran("errno(EACCES)", [[{2, "&=", 3, 0}]]))
  end)

  it("the default action applies to everything without a rule", function()
    local out, ok, how, code = H.child([[
      local seccomp = require "seccomp"
      local f = seccomp.filter("kill_process")
      for _, name in ipairs(seccomp.syscalls()) do
        if name ~= "openat" and name ~= "open" then pcall(f.add_rule, f, "allow", name) end
      end
      f:load()
      print("loaded")
      io.stdout:flush()
      io.open("/dev/null", "r")
      print("not reached")
    ]])
    assert.are.equal("loaded\n", out)
    assert.are.same({ nil, "signal", H.SIGSYS }, { ok, how, code })
  end)

  it("a load the kernel refuses raises the error object (fail closed)", function()
    -- without NO_NEW_PRIVS and without CAP_SYS_ADMIN the kernel refuses the filter
    local out, ok, how, code = H.child([[
      local seccomp = require "seccomp"
      local f = seccomp.filter("allow")
      f:add_rule("errno(EPERM)", "getcwd")
      f:set_attr("nnp", false)
      local ok, e = pcall(f.load, f)
      print(ok, e.op, e.ename, e.errno, e.message)
      print(tostring(e))
    ]], { nobody = true })
    assert.are.same({ true, "exit", 0 }, { ok, how, code })
    local lines = {}
    for l in out:gmatch("[^\n]+") do lines[#lines + 1] = l end
    assert.matches("^false\tload\tEACCES\t13\tthe kernel refused the filter: NO_NEW_PRIVS is off", lines[1])
    assert.matches("^[^\t]+:%d+: seccomp%.load: the kernel refused the filter: .* %(EACCES%)$", lines[2])
  end)
end)
