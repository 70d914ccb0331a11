-- f:notes(): what the module accepted that will not do what it seems to.
-- The kinds are recorded by the parts that find them; this spec checks the
-- list itself: what it holds, and that it follows the filter through
-- reset, merge and rejected transactions.
local seccomp = require "seccomp"
local core = require "seccomp.core"
local H = require "helper"

local note = core._private.note

describe("f:notes()", function()
  it("is empty for a filter with nothing to say", function()
    local f <close> = seccomp.filter("allow")
    f:add_rule("errno(EPERM)", "read")
    assert.are.same({}, f:notes())
  end)

  it("lists the notes taken, in order, each {kind, message, origin}", function()
    local f <close> = seccomp.filter("allow")
    note(f, "ignored_key", "key 'foo' is Podman's; ignored under docker", "profile.foo")
    f:add_rule("errno(EPERM)", "read")
    note(f, "widened", "socket's conditions cannot be checked through socketcall")
    local n = f:notes()
    assert.are.same({
      { kind = "ignored_key", message = "key 'foo' is Podman's; ignored under docker", origin = "profile.foo" },
      { kind = "widened", message = "socket's conditions cannot be checked through socketcall" },
    }, n)
    -- a copy: changing it changes nothing
    n[1].kind = "x"
    assert.are.equal("ignored_key", f:notes()[1].kind)
  end)

  it("name a rule that lands on none of the filter's arches (unplaced), with its place", function()
    local f <close> = seccomp.filter{ default = "allow", arches = { "aarch64" },
      rules = { { "errno(1)", "open" }, { "errno(2)", "openat" } } }
    local n = f:notes()
    assert.are.equal(1, #n)
    assert.are.equal("unplaced", n[1].kind)
    assert.are.equal("rules[1]", n[1].origin)
    assert.are.equal("rule #1 (errno(EPERM) on 'open') applies on none of the filter's arches (aarch64): "
      .. "none of them has the call, so the rule does nothing", n[1].message)
    -- the same rules on x86_64, which has open: nothing to say
    local g <close> = seccomp.filter{ default = "allow", rules = { { "errno(1)", "open" }, { "errno(2)", "openat" } } }
    assert.are.same({}, g:notes())
    -- socketcall exists on x86 only: a rule on it in an x86_64 filter does nothing
    local h <close> = seccomp.filter("allow")
    h:add_rule("errno(EPERM)", "socketcall")
    assert.are.same({ { kind = "unplaced", message = "rule #1 (errno(EPERM) on 'socketcall') applies on none of "
      .. "the filter's arches (x86_64): none of them has the call, so the rule does nothing" } }, h:notes())
    h:add_arch("x86")
    assert.are.same({}, h:notes())
  end)

  it("refuses an unknown kind, naming it", function()
    local f <close> = seccomp.filter("allow")
    assert.matches("invalid option 'shadow'", H.message(note, f, "shadow", "m"))
    assert.matches("string expected", H.message(note, f, "widened", 1))
    assert.are.same({}, f:notes())
  end)

  it("are dropped by reset", function()
    local f <close> = seccomp.filter("allow")
    note(f, "unplaced", "m")
    f:reset()
    assert.are.same({}, f:notes())
  end)

  it("follow the source's rules through merge, origins included", function()
    local a <close> = seccomp.filter{ default = "allow", rules = { { "errno(1)", "getppid" }, { "errno(2)", "getpid" } } }
    local b = seccomp.filter{ default = "allow", arches = { "x86" },
      rules = { { "errno(3)", "read" }, { "errno(4)", "write" }, { "errno(5)", "close" } } }
    note(a, "unplaced", "from a")
    note(b, "widened", "from b", "rules[3]")
    a:merge(b)
    assert.are.same({ { kind = "unplaced", message = "from a" },
                      { kind = "widened", message = "from b", origin = "rules[3]" } }, a:notes())
    local origins = {}
    for i, r in ipairs(a:rules()) do origins[i] = r.syscall .. "@" .. tostring(r.origin) end
    -- each merged rule keeps its own place in its own policy table
    assert.are.same({ "getppid@rules[1]", "getpid@rules[2]", "read@rules[1]", "write@rules[2]", "close@rules[3]" }, origins)
  end)

  it("are left as they were by a merge that fails", function()
    local a <close> = seccomp.filter("allow")
    local b <close> = seccomp.filter("allow") -- same arch: the merge fails
    note(b, "widened", "from b")
    assert.has_error(function() a:merge(b) end)
    assert.are.same({}, a:notes())
    assert.are.equal(1, #b:notes())
  end)

  it("taken inside a rejected transaction go with it, and stay after a committed one", function()
    if not seccomp.supports("transactions") then
      pending("transactions: " .. select(2, seccomp.supports("transactions")))
      return
    end
    local f <close> = seccomp.filter("allow")
    note(f, "unplaced", "kept")
    local ok, err = pcall(f.transaction, f, function()
      note(f, "widened", "gone, taken before any rule")
      f:add_rule("errno(EPERM)", "read")
      note(f, "widened", "gone")
      error("abandon")
    end)
    assert.is_false(ok)
    assert.matches("abandon", tostring(err))
    assert.are.same({ { kind = "unplaced", message = "kept" } }, f:notes())
    f:add_rule("errno(EPERM)", "read") -- a later rule does not bring them back
    f:transaction(function() note(f, "widened", "committed") end)
    assert.are.same({ { kind = "unplaced", message = "kept" }, { kind = "widened", message = "committed" } }, f:notes())
  end)
end)
