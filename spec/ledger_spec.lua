-- The ledger is the filter: the module records every rule, arch and
-- attribute of a filter and builds libseccomp's context from that record,
-- so that no failed call, arch change or transaction can leave libseccomp's
-- context saying something else than the filter (docs/api.md, "The ledger
-- is the filter").  libseccomp 2.5.4 and 2.6.1 restore a stale snapshot
-- when a rule add fails after an arch was removed, added or merged in, and
-- 2.5.4 reads past an array (and crashes) on the next add after a removal.
local seccomp = require "seccomp"
local H = require "helper"

local EPERM, EACCES = seccomp.errno("EPERM"), seccomp.errno("EACCES")
-- x86 and x32 next to the native x86_64 (the arches of the reports)
local it_x86 = H.gated(it, pending, H.X86_64)

-- What the module says a filter is, and what it answers: the same source
-- here and in the children (a spec that crashed libseccomp 2.5.4 runs in one).
local PROBES = [==[
local ARCH_NAMES = { "x86_64", "x86", "x32", "aarch64", "arm", "mips", "mipsel", "mips64", "mipsel64",
  "ppc", "ppc64", "ppc64le", "s390", "s390x", "riscv64", "parisc", "parisc64", "loongarch64", "m68k" }
local ATTRS = { "default_action", "badarch_action", "nnp", "tsync", "tskip", "log", "ssb", "optimize",
  "raw_rc", "wait_kill", "verify", "compiler", "widen_multiplexed", "unknown" }

-- Everything the module says the filter is.
local function state(f)
  local arches, attrs = {}, {}
  for _, a in ipairs(ARCH_NAMES) do
    if pcall(seccomp.arch, a) and f:has_arch(a) then arches[#arches + 1] = a end
  end
  for _, name in ipairs(ATTRS) do
    local ok, v = pcall(f.get_attr, f, name)
    if ok then attrs[name] = v end
  end
  return { arches = arches, rules = f:rules(), attrs = attrs, text = tostring(f) }
end

-- What the filter answers for a few calls on each of its arches.
local CALLS = { { "read" }, { "write" }, { "getppid" }, { "openat", { 0, 0, 1 } }, { "ptrace" } }
local function answers(f)
  local t = {}
  for _, a in ipairs(ARCH_NAMES) do
    if pcall(seccomp.arch, a) then
      for _, c in ipairs(CALLS) do
        if seccomp.syscall(c[1], a) then
          t[#t + 1] = ("%s %s -> %s"):format(a, c[1], seccomp.action_name(f:simulate(c[1], c[2], a)))
        end
      end
    end
  end
  return t
end

-- A plain rendering of a value, to compare two in a child.
local function show(v)
  if type(v) ~= "table" then return tostring(v) end
  local keys = {}
  for k in pairs(v) do keys[#keys + 1] = k end
  table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
  local out = {}
  for _, k in ipairs(keys) do out[#out + 1] = tostring(k) .. "=" .. show(v[k]) end
  return "{" .. table.concat(out, ",") .. "}"
end
return state, answers, show
]==]
local state, answers = assert(load(PROBES, "=probes", "t", setmetatable({ seccomp = seccomp }, { __index = _G })))()

-- A failing add of each kind: libseccomp refuses it (not the module's own
-- argument checks, which run before libseccomp is called).
local FAILING = {
  { "an exact rule libseccomp cannot place on every arch", function(f)
      return f:add_rule_exact("trap", "socket", { 0, "==", 2 })
    end },
  { "a rule that conflicts with an earlier one (EEXIST)", function(f)
      return f:add_rule("errno(EACCES)", "write", { 0, "==", 7 })
    end },
}

describe("the ledger is the filter", function()
  it_x86("a removed arch stays out after a failed add, its calls get the bad-arch action", function()
    -- the first report: Debian's 2.5.4 brought x86_64 back, open
    local f = seccomp.filter("allow")
    f:add_arch("x86")
    f:add_rule("errno(EPERM)", "read")
    f:remove_arch("native")
    assert.is_false(f:has_arch("native"))
    local before, sims = state(f), answers(f)
    local e = H.raises(f.add_rule_exact, f, "trap", "socket", { 0, "==", 2 })
    assert.are.equal("add_rule_exact", e.op)
    assert.is_false(f:has_arch("native"))
    assert.are.same(before, state(f))
    assert.are.same(sims, answers(f))
    assert.are.equal(f:get_attr("badarch_action"), f:simulate("getppid", nil, "x86_64"))
    assert.are.equal(EPERM, f:simulate("read", nil, "x86"))
    assert.is_true((f:verify()))
  end)

  it_x86("adding a rule after removing an arch from three does not crash (in a child)", function()
    -- the second report: 2.5.4's commit of the next add released the
    -- snapshot's filters past the end of its array (SEGV, ASan, valgrind)
    local out, ok, how, code = H.child([[
      local seccomp = require "seccomp"
      local f = seccomp.filter("allow")
      f:add_arch("x86"); f:add_arch("x32")
      f:add_rule("errno(EPERM)", "read")
      f:remove_arch("native")
      f:add_rule("errno(EPERM)", "execve")
      print(f:has_arch("native"), f:has_arch("x86"), f:has_arch("x32"), #f:rules())
      for _, a in ipairs { "x86", "x32" } do
        print(a, seccomp.action_name(f:simulate("read", nil, a)), seccomp.action_name(f:simulate("execve", nil, a)),
          seccomp.action_name(f:simulate("getppid", nil, a)))
      end
      print(f:simulate("read", nil, "x86_64") == f:get_attr("badarch_action"), (f:verify()))
      f:release()
    ]], { leaks = true })
    assert.are.same({ true, "exit", 0 }, { ok, how, code }, out)
    assert.are.equal("false\ttrue\ttrue\t2\n"
      .. "x86\terrno(EPERM)\terrno(EPERM)\tallow\n"
      .. "x32\terrno(EPERM)\terrno(EPERM)\tallow\n"
      .. "true\ttrue\n", out)
  end)

  -- Each call that changes the arches, followed by a failing add: the
  -- filter, and what it answers, are what they were before the add (each in
  -- a child: after remove_arch, 2.5.4 crashed on such adds).
  local ARCH_CHANGES = {
    remove_arch = { [[
      f:add_arch("x86"); f:add_arch("x32")
      f:add_rule("errno(EPERM)", "read")
      f:remove_arch("x32")]], { "x86_64", "x86" } },
    -- 2.6.1 put x86_64 back and dropped aarch64 here (2.5.4 crashed)
    ["remove_arch and an add"] = { [[
      f:add_arch("x86"); f:add_arch("aarch64")
      f:add_rule("errno(EPERM)", "read")
      f:remove_arch("native")
      f:add_rule("errno(EACCES)", "execve")]], { "x86", "aarch64" } },
    add_arch = { [[
      f:add_rule("errno(EPERM)", "read")
      f:add_arch("x86")]], { "x86_64", "x86" } },
    merge = { [[
      f:add_rule("errno(EPERM)", "read")
      local g = seccomp.filter("allow")
      g:remove_arch("native"):add_arch("x86"):add_rule("errno(EACCES)", "read")
      f:merge(g)]], { "x86_64", "x86" } },
  }
  -- A failing add of each kind: libseccomp refuses it (not the module's own
  -- argument checks, which run before libseccomp is called).
  local FAILING = {
    ["an exact rule libseccomp cannot place on every arch"] = [[f:add_rule_exact("trap", "socket", { 0, "==", 2 })]],
    ["a rule that conflicts with an earlier one (EEXIST)"] = [[f:add_rule("errno(EACCES)", "write", { 0, "==", 7 })]],
  }
  for change, c in pairs(ARCH_CHANGES) do
    local change_code, arches = c[1], c[2]
    for failing, failing_code in pairs(FAILING) do
      it_x86(("after %s, %s changes nothing"):format(change, failing), function()
        local out, ok, how, code = H.child(([[
          local seccomp = require "seccomp"
          local state, answers, show = assert(load(%q, "=probes", "t", setmetatable({ seccomp = seccomp }, { __index = _G })))()
          local f = seccomp.filter("allow")
          f:add_rule("errno(EPERM)", "write", { 0, "==", 7 })
          %s
          local before, sims = state(f), answers(f)
          local ok, e = pcall(function() %s end)
          print("failed:", not ok and type(e) == "table" and e.op)
          print("same:", show(before) == show(state(f)), show(sims) == show(answers(f)))
          print("verify:", (f:verify()))
          -- and the filter goes on: the next rule lands on every arch it has
          f:add_rule("errno(EACCES)", "ptrace")
          for _, a in ipairs(before.arches) do
            print(a, seccomp.action_name(f:simulate("ptrace", nil, a)))
          end
        ]]):format(PROBES, change_code, failing_code), { leaks = true })
        assert.are.same({ true, "exit", 0 }, { ok, how, code }, out)
        local expect = { "failed:\tadd_rule" .. (failing:find("exact") and "_exact" or ""),
          "same:\ttrue\ttrue", "verify:\ttrue" }
        for _, a in ipairs(arches) do expect[#expect + 1] = a .. "\terrno(EACCES)" end
        assert.are.equal(table.concat(expect, "\n") .. "\n", out)
      end)
    end
  end

  it_x86("remove_arch keeps the rules on the arches left, as a filter built without the arch", function()
    local function build(with_x86)
      local f = seccomp.filter("errno(EPERM)")
      f:set_attr("badarch_action", "trap")
      f:set_attr("compiler", "libseccomp")
      f:set_attr("verify", false)
      if with_x86 then f:add_arch("x86") end
      f:add_rule("allow", "read")
      f:add_rule("allow", "openat", "arg2 & 3 == 0")
      f:add_rule("errno(EACCES)", "write", { 0, ">", 2 })
      f:set_priority("write", 200)
      f:add_arch("x32")
      f:add_rule("allow", "close")
      if with_x86 then f:remove_arch("x86") end
      return f
    end
    local a, b = build(true), build(false)
    assert.are.same(state(b), state(a))
    assert.are.equal(b:export_pfc(), a:export_pfc())
    assert.are.equal(b:export_bpf(), a:export_bpf())
  end)

  it_x86("a priority stays on the arches it was set on when the context is rebuilt", function()
    -- libseccomp 2.5.4 miscompiles a priority on a call with no rule in a
    -- filter of two arches or more: a rebuilt context must not put one
    -- where the filter never had it (here: on the merged aarch64 part)
    local function build(rebuilt)
      local f = seccomp.filter("errno(EPERM)")
      f:set_attr("compiler", "libseccomp")
      f:set_attr("verify", false)
      if rebuilt then f:add_arch("x86") else f:remove_arch("native"):add_arch("x86") end
      f:add_rule("allow", "read")
      f:set_priority("read", 200)
      local g = seccomp.filter("errno(EPERM)")
      g:set_attr("compiler", "libseccomp")
      g:set_attr("verify", false)
      g:remove_arch("native"):add_arch("aarch64"):add_rule("allow", "close")
      f:merge(g)
      if rebuilt then f:remove_arch("native") end
      return f
    end
    local a, b = build(true), build(false)
    assert.are.equal(b:export_bpf(), a:export_bpf())
    a:set_attr("verify", true)
    assert.is_true((a:verify()))
    assert.are.equal(seccomp.ACT_ALLOW, a:simulate("close", nil, "aarch64"))
  end)

  it_x86("an arch removed and added again gets the filter's rules", function()
    local f = seccomp.filter("allow")
    f:add_arch("x86")
    f:add_rule("errno(EPERM)", "read")
    f:remove_arch("x86")
    assert.are.same({ "x86_64" }, f:rules()[1].arches)
    f:add_arch("x86")
    assert.are.same({ "x86", "x86_64" }, f:rules()[1].arches)
    assert.are.equal(EPERM, f:simulate("read", nil, "x86"))
    assert.is_true((f:verify()))
  end)

  it_x86("merged rules keep their own arches when the context is rebuilt", function()
    local f = seccomp.filter("allow")
    f:add_arch("x32")
    f:add_rule("errno(EPERM)", "read")
    local g = seccomp.filter("allow")
    g:remove_arch("native"):add_arch("x86"):add_rule("errno(EACCES)", "write")
    f:merge(g)
    f:remove_arch("x32") -- rebuilds the context from the record
    assert.are.same({ "x86_64", "x86" }, state(f).arches)
    assert.are.same({ "x86_64" }, f:rules()[1].arches)
    assert.are.same({ "x86" }, f:rules()[2].arches)
    assert.are.equal(EPERM, f:simulate("read"))
    assert.are.equal(seccomp.ACT_ALLOW, f:simulate("write"))
    assert.are.equal(seccomp.ACT_ALLOW, f:simulate("read", nil, "x86"))
    assert.are.equal(EACCES, f:simulate("write", nil, "x86"))
    assert.is_true((f:verify()))
  end)

  it("a filter whose every arch was removed has none, and gets one back", function()
    local f = seccomp.filter("allow")
    f:add_rule("errno(EPERM)", "read")
    f:remove_arch("native")
    assert.are.same({}, state(f).arches)
    assert.matches("no arches", H.message(f.export_bpf, f))
    f:add_arch("native")
    assert.are.equal(EPERM, f:simulate("read"))
  end)

  it("refuses an arch it has, and one it lacks, leaving the filter as it was", function()
    local f = seccomp.filter("allow"):add_rule("errno(EPERM)", "read")
    local before = state(f)
    local e = H.raises(f.add_arch, f, "native")
    assert.are.same({ "add_arch", "EEXIST" }, { e.op, e.ename })
    assert.matches("already in the filter", e.message)
    e = H.raises(f.remove_arch, f, seccomp.native_arch() == seccomp.ARCH_ARM and "x86" or "arm")
    assert.are.same({ "remove_arch", "EEXIST" }, { e.op, e.ename })
    assert.matches("is not in the filter", e.message)
    assert.are.same(before, state(f))
  end)
end)

describe("transactions", function()
  it("are the module's own: every libseccomp has them", function()
    assert.is_true((seccomp.supports("transactions")))
  end)

  -- A filter with something of each kind, to see it all come back.
  local function busy()
    local f = seccomp.filter("errno(EPERM)")
    f:add_rule("allow", "read")
    f:add_rule("errno(EACCES)", "openat", { 2, "&=", 3, 1 })
    f:set_attr("badarch_action", "trap")
    f:set_attr("nnp", false)
    f:set_priority("read", 100)
    return f
  end

  it("a rejection undoes a reset, and the caller gets the function's own error", function()
    local f = busy()
    local before, sims = state(f), answers(f)
    local ok, err = pcall(f.transaction, f, function()
      f:reset("allow")
      error("abandon", 0)
    end)
    assert.is_false(ok)
    assert.are.equal("abandon", err)
    assert.are.same(before, state(f))
    assert.are.same(sims, answers(f))
    assert.is_true((f:verify()))
  end)

  it("a commit keeps a reset made inside", function()
    local f = busy()
    f:transaction(function(g) g:reset("allow"); g:add_rule("errno(EPERM)", "ptrace") end)
    assert.are.equal(seccomp.ACT_ALLOW, f:get_attr("default_action"))
    assert.are.equal(1, #f:rules())
    assert.are.equal(EPERM, f:simulate("ptrace"))
    assert.are.equal(seccomp.ACT_ALLOW, f:simulate("read"))
  end)

  it("a rejection rolls back the attributes set inside, libseccomp's and the module's", function()
    local f = busy()
    local before = state(f)
    f:transaction_start()
    f:set_attr("badarch_action", "errno(EPERM)")
    f:set_attr("nnp", true)
    if seccomp.api() >= 2 then f:set_attr("tsync", true) end -- (valgrind reports level 1)
    if seccomp.supports("optimize") then f:set_attr("optimize", 2) end
    f:set_attr("verify", false)
    f:set_attr("compiler", "binding")
    f:set_attr("widen_multiplexed", true)
    f:set_attr("unknown", "enosys")
    assert.are_not.same(before, state(f))
    f:transaction_reject()
    assert.are.same(before, state(f))
    -- and the context has them back: a rebuilt one exports what a new one does
    f:set_attr("compiler", "libseccomp")
    local g = busy()
    g:set_attr("compiler", "libseccomp")
    assert.are.equal(g:export_pfc(), f:export_pfc())
  end)

  it_x86("a rejection rolls back arches added, removed and merged in", function()
    local f = busy()
    f:add_arch("x86")
    local before, sims = state(f), answers(f)
    local g = busy()
    g:remove_arch("native")
    g:add_arch("x32")
    f:transaction_start()
    f:remove_arch("x86")
    f:add_arch("arm")
    f:remove_arch("native")
    f:add_arch("native")
    f:merge(g)
    f:add_rule("trap", "getppid")
    f:transaction_reject()
    assert.are.same(before, state(f))
    assert.are.same(sims, answers(f))
    assert.is_false(g:is_valid()) -- merged: released, as the merge said
    assert.is_true((f:verify()))
  end)

  it("the function's own error, whatever it did to the transaction", function()
    local f = busy()
    local before = state(f)
    local mine = {}
    -- it rejected the transaction itself, then failed
    local ok, err = pcall(f.transaction, f, function(g)
      g:add_rule("trap", "ptrace")
      g:transaction_reject()
      error(mine)
    end)
    assert.is_false(ok)
    assert.are.equal(mine, err)
    assert.are.same(before, state(f))
    -- it committed it, then failed: what it committed stays
    ok, err = pcall(f.transaction, f, function(g)
      g:add_rule("trap", "ptrace")
      g:transaction_commit()
      error(mine)
    end)
    assert.is_false(ok)
    assert.are.equal(mine, err)
    assert.are.equal(#before.rules + 1, #f:rules())
    -- it opened more and failed: every one is rejected
    ok, err = pcall(f.transaction, f, function(g)
      g:add_rule("trap", "getppid")
      g:transaction_start()
      g:transaction_start()
      g:add_rule("trap", "kill")
      error(mine)
    end)
    assert.is_false(ok)
    assert.are.equal(mine, err)
    assert.are.equal(#before.rules + 1, #f:rules())
    assert.matches("no transaction is open", H.message(f.transaction_commit, f))
  end)

  it("a function that ends the transaction itself, or leaves one open, is told so", function()
    local f = busy()
    local n = #f:rules()
    local e = H.raises(f.transaction, f, function(g) g:add_rule("trap", "ptrace"); g:transaction_commit() end)
    assert.are.same({ "transaction", "EINVAL" }, { e.op, e.ename })
    assert.matches("ended the transaction itself", e.message)
    assert.are.equal(n + 1, #f:rules())
    e = H.raises(f.transaction, f, function(g) g:transaction_start(); g:add_rule("trap", "kill") end)
    assert.matches("1 transaction it started still open: the whole transaction was rejected", e.message)
    assert.are.equal(n + 1, #f:rules())
    assert.matches("no transaction is open", H.message(f.transaction_reject, f))
  end)

  it("nest: an inner commit is undone by the outer rejection", function()
    local f = busy()
    local before = state(f)
    f:transaction_start()
    f:add_rule("trap", "ptrace")
    f:transaction(function(g) g:add_rule("trap", "kill") end)
    f:transaction_start()
    f:reset("allow")
    f:transaction_commit()
    assert.are.equal(0, #f:rules())
    f:transaction_reject()
    assert.are.same(before, state(f))
  end)

  it("refuses a commit or rejection with none open, and more than 32 nested", function()
    local f = seccomp.filter("allow")
    for _, m in ipairs { "transaction_commit", "transaction_reject" } do
      local e = H.raises(f[m], f)
      assert.are.same({ m, "ENOENT" }, { e.op, e.ename })
    end
    for _ = 1, 32 do f:transaction_start() end
    local e = H.raises(f.transaction_start, f)
    assert.are.same({ "transaction_start", "EOVERFLOW" }, { e.op, e.ename })
    for _ = 1, 32 do f:transaction_reject() end
  end)

  it("a filter released inside its transaction: an error, nothing left behind", function()
    local f = busy()
    f:transaction_start()
    local e = H.message(f.transaction, f, function(g) g:release() end)
    assert.matches("released inside the transaction", e)
    assert.is_false(f:is_valid())
    local g = busy()
    local ok, err = pcall(g.transaction, g, function(h) h:release(); error("gone", 0) end)
    assert.is_false(ok)
    assert.are.equal("gone", err)
  end)
end)
