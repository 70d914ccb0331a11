-- Against a real runtime: profiles run by runc under Podman (and by runc
-- itself, the bare OCI form), through spec/support/runtime.lua.  Needs root,
-- podman, runc and busybox-static (CI installs them); pending otherwise.
local seccomp = require "seccomp"
local oci = require "seccomp.oci"
local H = require "helper"
local R = require "support.runtime"

local have, why = R.available()
local RUNTIME = H.gate(have, "needs a container runtime: " .. tostring(why))
local it_rt = H.gated(it, pending, RUNTIME)
local DUMP = H.gate(seccomp.dump ~= nil and seccomp.diff ~= nil,
  "needs seccomp.dump and seccomp.diff to read the installed filter back and compare it")
local it_diff = H.gated(it, pending, H.all(RUNTIME, DUMP))

-- the tool on the spec's own module paths (ctest's cpath is its build directory)
local CLI = ("LUA_PATH=%s LUA_CPATH=%s %s bin/lua-seccomp")
  :format(H.shellquote(package.path), H.shellquote(package.cpath), H.lua)

describe("against podman and runc", function()
  it_rt("lua-seccomp export --oci writes a profile Podman accepts, and runc enforces it", function()
    -- the container profile's own allow list, as a policy, and back out as OCI
    local p = oci.decode(H.read("spec/data/profiles/docker-20.10.24-default.json"))
    local names = { "arch_prctl" }
    for _, n in ipairs(p.syscalls[1].names) do
      if n ~= "mkdir" and n ~= "mkdirat" then names[#names + 1] = n end
    end
    -- a Lua policy: busybox's calls allowed, mkdir denied with EACCES
    local policy = H.file_with(("return { default = \"errno(EPERM)\", allow = { %s},\n"
      .. "  rules = { { action = \"errno(EACCES)\", syscalls = { \"mkdir\", \"mkdirat\" } } } }\n")
      :format(("%q, "):rep(#names):format(table.unpack(names))), ".lua")
    local json = os.tmpname()
    local ok = os.execute(CLI .. " export " .. H.shellquote(policy) .. " --oci -o " .. H.shellquote(json))
    assert.is_true(ok)
    local ok2, out, err = R.run({ profile = json, argv = { "/bin/busybox", "sh", "-c", "echo up; mkdir /tmp/x" } })
    os.remove(json)
    assert.is_false(ok2, out .. err)                  -- mkdir fails ...
    assert.matches("^up\n", out)                      -- ... after the container ran
    assert.matches("Permission denied", err)          -- EACCES, the policy's
    H.remove_files()
  end)

  it_rt("runs Podman's default profile with its default capabilities, one filter installed", function()
    local name = R.with_container({ profile = "spec/data/profiles/containers-common-0.50.1-seccomp.json" }, function(c)
      assert.are.same({ 2, 1 }, { R.status(c.pid) })
      assert.is_true(#c.caps >= 10)
      assert.is_true(R.left_behind(c.name))
      return c.name
    end)
    assert.is_false(R.left_behind(name))
  end)

  it_rt("a profile runc refuses, the module refuses, and no container is left behind", function()
    local p = { defaultAction = "SCMP_ACT_ERRNO", syscalls = {
      { names = { "getpriority" }, action = "SCMP_ACT_ALLOW", args = { { index = 0, value = 1, op = "SCMP_CMP_EQ" } } },
      { names = { "getpriority" }, action = "SCMP_ACT_ERRNO", errnoRet = 13, args = { { index = 0, value = 1, op = "SCMP_CMP_EQ" } } } } }
    local name = "lua-seccomp-eexist-" .. os.time() .. "-" .. math.random(1e6)
    local ok, err = pcall(R.with_container, { profile = p, name = name }, function() error("ran") end)
    assert.is_false(ok)
    assert.matches("podman refused the container: .*error adding seccomp rule for syscall getpriority: file exists", err)
    assert.is_false(R.left_behind(name))
    local e = H.raises(oci.filter, p, { runtime = "podman" })
    assert.are.equal("EEXIST", e.ename)
  end)

  it_diff("the profile export --oci writes gives back the same filter under Podman", function()
    local json = os.tmpname()
    assert.is_true(os.execute(CLI .. " export examples/policies/container.json --oci -o " .. H.shellquote(json)))
    R.with_container({ profile = json }, function(c)
      local f = oci.filter(H.read(json), { runtime = "podman", caps = c.caps })
      local d = seccomp.diff(f, seccomp.dump(c.pid)[1])
      assert.are.equal(0, d.total)
      assert.are.equal("equal", d.verdict)
      assert.is_true(d.exhaustive)
    end)
    os.remove(json)
  end)

  it_diff("the module's filter for Podman's default profile is the one runc installed", function()
    for _, caps in ipairs { {}, { "CAP_SYS_ADMIN" }, "all" } do
      R.with_container({ profile = "spec/data/profiles/containers-common-0.50.1-seccomp.json", caps = caps }, function(c)
        local installed = seccomp.dump(c.pid)
        assert.are.equal(1, #installed)
        local f = oci.filter(H.read("spec/data/profiles/containers-common-0.50.1-seccomp.json"),
          { runtime = "podman", caps = c.caps })
        local d = seccomp.diff(f, installed[1])
        assert.are.equal(0, d.total)
        assert.are.equal("equal", d.verdict)
        assert.is_true(d.exhaustive)
      end)
    end
  end)
end)
