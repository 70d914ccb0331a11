-- Version gating: what supports() answers must follow from the compiled
-- version, the running version and the API level; every supported feature
-- must work and every unsupported one must raise with the promised message.
local seccomp = require "seccomp"
local H = require "helper"

local ver, dotted = H.ver, H.dotted
local lib = H.libseccomp()
local compiled, running, usable, api = lib.compiled, lib.running, lib.usable, lib.api

-- The spec's own statement of what each feature needs (libseccomp version,
-- API level); kernel-gated ones are checked only against the library side.
local needs = {
  log = { ver(2, 4, 0), 3 }, kill_process = { ver(2, 4, 0), 3 }, tskip = { ver(2, 3, 2), 0 },
  ssb = { ver(2, 5, 0), 4 }, optimize = { ver(2, 5, 0), 0 }, raw_rc = { ver(2, 5, 0), 0 },
  notify = { ver(2, 5, 0), 5 }, tsync_notify = { ver(2, 5, 0), 6 },
  notify_continue = { ver(2, 5, 0), 5 }, notify_addfd = { ver(2, 5, 0), 5 },
  notify_addfd_send = { ver(2, 5, 0), 5 },
  wait_kill = { ver(2, 6, 0), 7 }, transactions = { ver(2, 3, 1), 0 }, -- the module's own
  precompute = { ver(2, 6, 0), 0 }, export_bpf_mem = { ver(2, 6, 0), 0 },
}

describe("compatibility", function()
  it("answers supports() from min(compiled, running) and the API level", function()
    for name, need in pairs(needs) do
      local ok, why = seccomp.supports(name)
      local lib_ok = usable >= need[1] and api >= need[2]
      if not lib_ok then
        assert.is_false(ok, name)
        assert.matches("needs libseccomp >= " .. dotted(need[1]):gsub("%.", "%%."), why)
        assert.matches("compiled against " .. dotted(compiled):gsub("%.", "%%.") .. ", running "
          .. dotted(running):gsub("%.", "%%.") .. ", API level " .. api, why)
      elseif not (name == "notify_continue" or name == "notify_addfd" or name == "notify_addfd_send") then
        assert.is_true(ok, name .. ": " .. tostring(why))
      end
    end
  end)

  local it_newer_runtime = H.gated(it, pending, H.gate(compiled < ver(2, 6, 0) and running >= ver(2, 6, 0),
    "needs a build against headers < 2.6 running libseccomp >= 2.6"))
  it_newer_runtime("caps features at the compiled version even when the running library is newer", function()
    local ok, why = seccomp.supports("precompute")
    assert.is_false(ok)
    assert.matches("compiled against " .. dotted(compiled), why)
    local e = H.raises(seccomp.filter("allow").precompute, seccomp.filter("allow"))
    assert.are.equal("EOPNOTSUPP", e.ename)
  end)

  it("has the 2.6 arches exactly when the library in use knows them", function()
    for _, a in ipairs { "loongarch64", "m68k", "sh", "sheb" } do
      local have = usable >= ver(2, 6, 0)
      assert.are.equal(have, seccomp["ARCH_" .. a:upper()] ~= nil, a)
      if have then
        assert.are.equal(a, seccomp.arch_name(a))
        local f = seccomp.filter("allow")
        f:remove_arch("native")
        f:add_arch(a)
        assert.is_true(f:has_arch(a))
        assert.is_true(#seccomp.syscalls(a) > 200, a)
      else
        assert.matches("unknown arch", H.message(seccomp.arch, a))
      end
    end
  end)

  describe("libseccomp 2.6 features", function()
    local PRE, WAIT_KILL = H.feature("precompute"), H.feature("wait_kill")
    local it_pre, it_no_pre = H.gated(it, pending, PRE), H.gated(it, pending, H.without(PRE))
    local it_wait_kill, it_no_wait_kill = H.gated(it, pending, WAIT_KILL), H.gated(it, pending, H.without(WAIT_KILL))

    -- without export_bpf_mem both sides go through the fd: nothing to compare
    H.gated(it, pending, H.feature("export_bpf_mem"))("export_bpf through memory equals export through an fd", function()
      local f = seccomp.filter("allow")
      f:add_rule("errno(EPERM)", "read", "arg0 == 3"):add_rule("trap", "write")
      local fh = io.tmpfile()
      f:export_bpf(fh)
      fh:seek("set")
      assert.are.equal(fh:read("a"), f:export_bpf())
      fh:close()
    end)

    it("commits a transaction when fn returns, returning its results", function()
      local f = seccomp.filter("allow")
      local a, b = f:transaction(function(g)
        assert.are.equal(f, g)
        g:add_rule("errno(EPERM)", "read")
        return 1, 2
      end)
      assert.are.same({ 1, 2 }, { a, b })
      assert.matches('syscall "read"', f:export_pfc())
    end)

    it("rejects a transaction when fn raises, and re-raises", function()
      local f = seccomp.filter("allow")
      local before = f:export_pfc()
      local e = H.raises(f.transaction, f, function(g)
        g:add_rule("errno(EPERM)", "read")
        error({ mine = true })
      end)
      assert.is_true(e.mine)
      assert.are.equal(before, f:export_pfc())
    end)

    it("nests transactions and rejects with the raw calls", function()
      local f = seccomp.filter("allow")
      f:transaction_start()
      f:add_rule("errno(EPERM)", "read")
      f:transaction(function(g) g:add_rule("errno(EPERM)", "write") end)
      f:transaction_reject()
      assert.is_nil(f:export_pfc():find('syscall "read"'))
      assert.is_nil(f:export_pfc():find('syscall "write"'))
      f:transaction_start()
      f:add_rule("errno(EPERM)", "close")
      f:transaction_commit()
      assert.matches('syscall "close"', f:export_pfc())
    end)

    it_pre("precomputes, then loads in a child", function()
      local out, ok, how, code = H.child([[
        local seccomp = require "seccomp"
        local f = seccomp.filter("allow")
        f:add_rule("errno(EACCES)", "openat")
        f:precompute()
        f:load()
        local _, _, e = io.open("/dev/null")
        print(e)
      ]])
      assert.are.equal("13\n", out)
      assert.are.same({ true, "exit", 0 }, { ok, how, code })
    end)

    it_no_pre("raises the feature error when unsupported", function()
      local f = seccomp.filter("allow")
      local e = H.raises(f.precompute, f)
      assert.are.equal("precompute", e.op)
      assert.matches("feature 'precompute' needs libseccomp >= 2.6.0", e.message)
    end)

    it_wait_kill("sets wait_kill, and a filter with it and a notify rule supervises a child", function()
      local f = seccomp.filter("allow")
      f:set_attr("wait_kill", true)
      assert.is_true(f:get_attr("wait_kill"))
      f:add_rule("notify", "getcwd")
      local out = io.tmpfile()
      local child = f:spawn({ "/bin/pwd", "-P" }, { cwd = "/", stdout = out })
      local seen = 0
      for req in child.notifier:requests(10) do
        assert.are.equal("getcwd", req.name)
        seen = seen + 1
        req:allow()
      end
      assert.are.same({ true, "exit", 0 }, { child:wait() })
      out:seek("set")
      assert.are.equal("/\n", out:read("a"))
      assert.is_true(seen >= 1)
    end)

    it_no_wait_kill("refuses wait_kill, naming the feature", function()
      local f = seccomp.filter("allow")
      local e = H.raises(f.set_attr, f, "wait_kill", true)
      assert.are.equal("EOPNOTSUPP", e.ename)
      assert.matches("feature 'wait_kill' needs libseccomp >= 2.6.0 and API level >= 7", e.message)
    end)
  end)
end)
