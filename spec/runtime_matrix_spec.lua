-- The differential matrix: for each profile and capability set, a container
-- runs under a real runtime, the filter runc installed in it is read back
-- (seccomp.dump) and compared with the module's filter for the same profile,
-- capabilities and runtime (seccomp.diff: every syscall number of x86_64,
-- x86 and x32, the cells of every argument either program tests; asserted
-- exhaustive).  Zero differences and zero refusals, but for the one
-- documented case (two conditional socket rules, below); under Podman the
-- module's filter with compiler = "binding" too.
--
-- Runtimes: Podman with runc (ctx.runtime = "podman"); runc alone on a
-- config.json bundle (the bare OCI form, "runc"); dockerd, when
-- LUA_SECCOMP_DOCKER_HOST names its socket (ci/dockerd.sh starts a private
-- one; "docker-20.10" for Docker 20.10).  Needs root, podman, runc and
-- busybox-static (pending otherwise, naming what is missing), and the module
-- on the libseccomp runc was built with (the filters of two libseccomp
-- versions differ where the libraries' syscall tables do).
--
-- LUA_SECCOMP_RUNTIMES=full (ci/runtimes.sh) runs every profile with each
-- capability set (Podman's default, + CAP_SYS_ADMIN, all) and every bundle;
-- without it, each profile runs once, with the default capabilities, and two
-- bundles.  At the end one line per runtime:
--   runtimes: podman N runs, N vectors, 0 differences, 0 refusals
local seccomp = require "seccomp"
local oci = require "seccomp.oci"
local H = require "helper"
local R = require "support.runtime"

local FULL = os.getenv("LUA_SECCOMP_RUNTIMES") == "full"
local DOCKER_HOST = os.getenv("LUA_SECCOMP_DOCKER_HOST")
-- wall-clock seconds, to the millisecond
local function now()
  local p = assert(io.popen("date +%s.%N"))
  local t = tonumber(p:read("a"))
  p:close()
  return t
end
local started = now()

local have, why = R.available()
local RUNTIME = H.gate(have, "needs a container runtime: " .. tostring(why))
local SAME_LIB = (function()
  if not have then return RUNTIME end
  local mine = ("%d.%d.%d"):format(seccomp.version())
  local runc = R.runc_libseccomp()
  return H.gate(runc == mine, ("needs the module on runc's libseccomp: the module runs %s, runc %s (their "
    .. "filters differ where the two libraries' syscall tables do)"):format(mine, tostring(runc)))
end)()
local MATRIX = H.all(H.X86_64, RUNTIME, H.DUMP, SAME_LIB)

local DOCKER_VERSION, docker_why
if not DOCKER_HOST or DOCKER_HOST == "" then
  docker_why = "needs a dockerd: LUA_SECCOMP_DOCKER_HOST=unix:///PATH/docker.sock (ci/dockerd.sh start runs a "
    .. "private one; needs docker.io)"
elseif MATRIX.ok then
  DOCKER_VERSION, docker_why = R.docker_version(DOCKER_HOST)
end
local DOCKER = H.all(MATRIX, H.gate(DOCKER_VERSION, docker_why))
-- Docker 20.10 reads profiles as Docker 20.10 does (docs/oci.md)
local DOCKER_RUNTIME = DOCKER_VERSION and DOCKER_VERSION:match("^20%.10%.") and "docker-20.10" or "docker"

-- The profiles: the world's defaults, and one per reading rule
-- (spec/data/profiles/cases/README.md says what each covers).
local P, C = "spec/data/profiles/", "spec/data/profiles/cases/"
local PODMAN_INSTALLED = "/usr/share/containers/seccomp.json"
local PROFILES = {
  { PODMAN_INSTALLED },
  { P .. "containers-common-0.50.1-seccomp.json" },
  { P .. "containers-common-seccomp.json" },
  { P .. "docker-20.10.24-default.json" },
  { P .. "moby-profiles-default.json" },
  { "examples/policies/container.json" },
  { C .. "loong.json" },
  { C .. "words.json" },
  { C .. "defaulterrno.json" },
  { C .. "unknown-allow.json" },
  -- runc skips the unknown names of a deny rule, letting those calls
  -- through; the module refuses that unless told to do the same
  { C .. "unknown-deny.json", ctx = { skip_unknown = true }, refused_without = "skip_unknown" },
  { C .. "minkernel.json" },
  { C .. "excludes-caps.json" },
  { C .. "socket-one-socketcall.json" },
  { C .. "socket-one-nosocketcall.json" },
  { C .. "repeated-index.json" },
  { C .. "overlap.json" },
  { C .. "default-rule.json" },
  { C .. "kill-default.json" },
  { C .. "x86_64-only.json" },
  { C .. "x32-only.json" },
  { C .. "x86-listed.json" },
  { C .. "noarch.json" },
}

-- Capability sets: Podman's (and Docker's) default, + CAP_SYS_ADMIN, and
-- all.  Docker 20.10 refuses the capabilities newer than it (CAP_PERFMON,
-- CAP_BPF, CAP_CHECKPOINT_RESTORE: "unknown capability"), and a
-- capability the machine's bounding set lacks makes runc fail ("unable to
-- apply caps"), so its "all" is the others this process holds.
local function docker_all()
  local newer = { CAP_PERFMON = true, CAP_BPF = true, CAP_CHECKPOINT_RESTORE = true }
  local caps = {}
  for _, c in ipairs(R.host_caps()) do
    if DOCKER_RUNTIME ~= "docker-20.10" or not newer[c] then caps[#caps + 1] = c:sub(5) end
  end
  return caps
end
local CAPSETS = {
  { name = "default caps" },
  { name = "+CAP_SYS_ADMIN", podman = { "CAP_SYS_ADMIN" }, docker = { "SYS_ADMIN" } },
  { name = "all caps", podman = "all", docker = "all" },
}
local capsets = FULL and CAPSETS or { CAPSETS[1] }

-- What was run and found, per runtime, for the closing lines.
local TOTALS = {}
local ORDER = { "podman", "binding", "runc", "docker", "documented" }
for _, rt in ipairs(ORDER) do TOTALS[rt] = { runs = 0, vectors = 0, differences = 0, refusals = 0, seconds = 0 } end

local function short(path)
  return path:match("[^/]*$")
end

-- The first cells of a diff, for a failure's message.
local function cells(d, n)
  local A = seccomp.action_name
  local out = {}
  for i = 1, math.min(n or 6, #d) do
    local c = d[i]
    local args = {}
    for k = 1, 6 do args[k] = ("0x%x"):format(c.args[k]) end
    out[#out + 1] = ("%s %s(%s): module %s, runc %s"):format(c.arch, tostring(c.syscall or c.nr),
      table.concat(args, ","), A(c.a), A(c.b))
  end
  return table.concat(out, "; ")
end

local with = H.with

-- The module's filter for the profile, diffed with what runc installed
-- (by a run that started at t0); asserts zero differences, exhaustively.
local function compare(rt, label, t0, progs, profile, ctx, compiler)
  local total = TOTALS[rt]
  total.runs = total.runs + 1
  local ok, f = pcall(oci.filter, profile, ctx)
  if not ok then
    total.refusals = total.refusals + 1
    error(("%s: runc ran it, the module refused it: %s"):format(label, tostring(f)), 0)
  end
  if compiler then f:set_attr("compiler", compiler) end
  local d = seccomp.diff(f, progs)
  total.vectors = total.vectors + d.vectors
  total.differences = total.differences + d.total
  total.seconds = total.seconds + (now() - t0)
  assert.are.equal(1, #progs, label .. ": one filter installed")
  assert.is_true(d.exhaustive, label .. ": not exhaustive: " .. table.concat(d.capped, "; "))
  assert(d.total == 0, ("%s: %d cells differ (%s): %s"):format(label, d.total, d.verdict, cells(d)))
  assert.are.equal("equal", d.verdict)
  return d, f
end

-- A profile that must be refused without its ctx extra (unknown-deny).
local function check_refusal(entry, text, ctx)
  if entry.refused_without then
    local plain = with(ctx)
    plain[entry.refused_without] = nil
    local ok, err = pcall(oci.filter, text, plain)
    assert.is_false(ok, short(entry[1]) .. " must be refused without ctx." .. entry.refused_without)
    assert.matches("runc skips it, which lets the call through", tostring(err))
  end
end

-- A block of specs that all need `gate`: where it is closed, one pending
-- spec naming the block and what is missing, instead of one per run.
local function block(gate, title, fn)
  if gate.ok then
    fn()
  else
    pending(title .. " [" .. gate.why .. "]")
  end
end

local function sorted(list)
  local t = { table.unpack(list) }
  table.sort(t)
  return t
end

describe("against real runtimes: the module's filter is the one runc installed", function()
  teardown(function()
    local lines = { "" }
    local why_pending = {
      podman = not MATRIX.ok and MATRIX.why, binding = not MATRIX.ok and MATRIX.why, runc = not MATRIX.ok and MATRIX.why,
      docker = not DOCKER.ok and DOCKER.why, documented = not MATRIX.ok and MATRIX.why,
    }
    for _, rt in ipairs(ORDER) do
      local t = TOTALS[rt]
      local name = rt == "documented" and "documented (two conditional socket rules)"
        or rt == "binding" and "podman, compiler = \"binding\"," or rt
      if why_pending[rt] then
        lines[#lines + 1] = ("runtimes: %s pending: %s"):format(name, why_pending[rt])
      elseif rt == "documented" then
        lines[#lines + 1] = ("runtimes: %s %d runs, %d vectors, %d differences (the documented cells), %.1f s")
          :format(name, t.runs, t.vectors, t.differences, t.seconds)
      else
        lines[#lines + 1] = ("runtimes: %s %d runs, %d vectors, %d differences, %d refusals, %.1f s")
          :format(name, t.runs, t.vectors, t.differences, t.refusals, t.seconds)
      end
    end
    lines[#lines + 1] = ("runtimes: %s matrix, %.1f s in all"):format(
      FULL and "full" or "reduced (LUA_SECCOMP_RUNTIMES=full for all)", now() - started)
    io.stdout:write(table.concat(lines, "\n"), "\n")
  end)

  describe("Podman " .. (have and R.versions() or ""), function() block(MATRIX, "podman: every profile", function()
    for _, entry in ipairs(PROFILES) do
      for _, capset in ipairs(capsets) do
        local label = ("podman: %s, %s"):format(short(entry[1]), capset.name)
        local gate = MATRIX
        if entry[1] == PODMAN_INSTALLED and not R.exists(PODMAN_INSTALLED) then
          gate = H.gate(false, "needs " .. PODMAN_INSTALLED .. " (golang-github-containers-common, podman's)")
        end
        H.gated(it, pending, gate)(label .. ": zero differences", function()
          local t0, progs, caps = now()
          R.with_container({ profile = entry[1], caps = capset.podman }, function(c)
            progs = seccomp.dump(c.pid)
            caps = R.bounding(c.pid)
            -- what Podman compared the profile's caps with is the bounding set
            assert.are.same(sorted(c.caps), sorted(caps))
          end)
          local text = H.read(entry[1])
          local ctx = with({ runtime = "podman", caps = caps, name = short(entry[1]) }, entry.ctx)
          check_refusal(entry, text, ctx)
          compare("podman", label, t0, progs, text, ctx)
          -- the module's own compiler gives the same filter: overlapping
          -- rules have one meaning, libseccomp's (docs/compiler.md)
          compare("binding", label .. ", compiler = \"binding\"", now(), progs, text, ctx, "binding")
        end)
      end
    end

    it("podman: eexist.json: runc refuses it (EEXIST), and so does the module", function()
      local name = "lua-seccomp-matrix-eexist-" .. os.time() .. "-" .. math.random(1e6)
      local ok, err = pcall(R.with_container, { profile = C .. "eexist.json", name = name }, function() error("ran") end)
      assert.is_false(ok)
      assert.matches("error adding seccomp rule for syscall getpriority: file exists", err)
      assert.is_false(R.left_behind(name))
      local e = H.raises(oci.filter, H.read(C .. "eexist.json"), { runtime = "podman" })
      assert.are.equal("EEXIST", e.ename)
      assert.matches("runc refuses the profile too", e.message)
    end)
  end) end)

  -- The bare OCI form: runc run on a config.json whose linux.seccomp is the
  -- profile as is (runc reads none of archMap, includes, excludes: every
  -- entry applies, no arch but the native one), or with the x86 family
  -- listed as `architectures` instead of an archMap.
  describe("runc alone, on a config.json bundle", function() block(MATRIX, "runc: the bundles", function()
    local BUNDLES = {
      { "examples/policies/container.json" },
      { P .. "containers-common-0.50.1-seccomp.json" },
      { C .. "repeated-index.json" },
      { C .. "unknown-allow.json" },
      { C .. "socket-one-socketcall.json" },
      { C .. "kill-default.json" },
      { C .. "x32-only.json" },
    }
    local VARIANTS = { "as is", "x86 family" }
    local RUNC_CAPS = { { name = "runc spec's caps" }, { name = "all caps", runc = "all" } }
    for i, entry in ipairs(BUNDLES) do
      for _, variant in ipairs(VARIANTS) do
        for _, capset in ipairs(RUNC_CAPS) do
          if FULL or (i == 1 and capset.runc == nil) then
            local label = ("runc: %s %s, %s"):format(short(entry[1]), variant, capset.name)
            it(label .. ": zero differences", function()
              local t0 = now()
              local p = oci.decode(H.read(entry[1]))
              if variant == "x86 family" then
                p.archMap = nil
                p.architectures = { "SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32" }
              end
              local progs, caps
              R.with_bundle({ seccomp = p, caps = capset.runc }, function(c)
                progs = seccomp.dump(c.pid)
                caps = R.bounding(c.pid)
              end)
              compare("runc", label, t0, progs, p, { runtime = "runc", caps = caps, name = short(entry[1]) })
            end)
          end
        end
      end
    end

    it("runc: eexist.json: runc refuses it, and so does the module", function()
      local ok, err = pcall(R.with_bundle, { seccomp = oci.decode(H.read(C .. "eexist.json")) }, function()
        error("ran")
      end)
      assert.is_false(ok)
      assert.matches("runc refused the container: .*getpriority.*file exists", err)
      local e = H.raises(oci.filter, H.read(C .. "eexist.json"), { runtime = "runc" })
      assert.are.equal("EEXIST", e.ename)
    end)
  end) end)

  describe("dockerd " .. tostring(DOCKER_VERSION or ""), function() block(DOCKER, "docker: the profiles", function()
    local remove_image = function() end
    setup(function() remove_image = R.docker_image(DOCKER_HOST) end)
    teardown(function() remove_image() end)

    -- Docker's and Podman's defaults and container.json with each
    -- capability set; the daemon's built-in profile (no --security-opt),
    -- which is Docker 20.10.24's default.json; and the profiles of the rules
    -- Docker reads its own way (arch words, minKernel, archMap entries, no
    -- defaultErrno), with the default capabilities.
    local DOCKER_PROFILES = {
      { P .. "docker-20.10.24-default.json", all = true },
      { P .. "containers-common-0.50.1-seccomp.json", all = true },
      { "examples/policies/container.json", all = true },
      { P .. "docker-20.10.24-default.json", builtin = true, all = true },
      { P .. "moby-profiles-default.json" },
      { C .. "words.json" },
      { C .. "minkernel.json" },
      { C .. "loong.json" },
      { C .. "defaulterrno.json" },
      { C .. "excludes-caps.json", all = true },
      { C .. "unknown-deny.json", ctx = { skip_unknown = true }, refused_without = "skip_unknown" },
    }
    for _, entry in ipairs(DOCKER_PROFILES) do
      for _, capset in ipairs(entry.all and CAPSETS or { CAPSETS[1] }) do
        local label = ("docker: %s%s, %s"):format(entry.builtin and "the built-in profile, as " or "", short(entry[1]),
          capset.name)
        it(label .. ": zero differences", function()
          local t0, progs, caps = now()
          local dcaps = capset.docker == "all" and docker_all() or capset.docker
          R.with_docker({ host = DOCKER_HOST, profile = not entry.builtin and entry[1] or nil, caps = dcaps },
            function(c)
              progs = seccomp.dump(c.pid)
              caps = R.bounding(c.pid)
            end)
          local text = H.read(entry[1])
          local ctx = with({ runtime = DOCKER_RUNTIME, caps = caps, name = short(entry[1]) }, entry.ctx)
          check_refusal(entry, text, ctx)
          compare("docker", label, t0, progs, text, ctx)
        end)
      end
    end

    it("docker: eexist.json: runc refuses it under dockerd, and so does the module", function()
      local name = "lua-seccomp-matrix-eexist-" .. os.time() .. "-" .. math.random(1e6)
      local ok, err = pcall(R.with_docker, { host = DOCKER_HOST, profile = C .. "eexist.json", name = name },
        function() error("ran") end)
      assert.is_false(ok)
      assert.matches("docker refused the container: .*getpriority.*file exists", err)
      assert.is_false(R.docker_left_behind(DOCKER_HOST, name))
      local e = H.raises(oci.filter, H.read(C .. "eexist.json"), { runtime = DOCKER_RUNTIME })
      assert.are.equal("EEXIST", e.ename)
    end)
  end) end)

  -- Two conditional socket rules, both allow under an errno default:
  -- socket(arg0 == 1) and socket(arg0 != 16 && arg2 != 9).  socket(1, x, 9)
  -- matches the first, so the rules allow it; libseccomp 2.5.4's program,
  -- which runc installs, answers errno(EPERM): its code for the second
  -- rule's arg0 != 16 goes on to the arg2 test and never comes back to the
  -- arg0 == 1 one.  The module's verify rejects that program, so its filter
  -- is the module's own compiler's, which allows the call.  This is the one
  -- difference from runc under the default settings (docs/oci.md, "Checked
  -- against runc"); the matrix above has the same profiles with one socket
  -- rule, with zero differences.
  describe("the documented difference: two conditional socket rules", function() block(MATRIX, "the documented difference", function()
    for _, file in ipairs { "socket-socketcall.json", "socket-nosocketcall.json" } do
      it("podman: " .. file .. ": exactly socket(1, x, 9) on x86_64, x86 and x32, which runc's filter refuses", function()
        local t0, progs, caps = now()
        R.with_container({ profile = C .. file }, function(c)
          progs = seccomp.dump(c.pid)
          caps = R.bounding(c.pid)
        end)
        local text = H.read(C .. file)
        local ctx = { runtime = "podman", caps = caps, name = file }
        local f = oci.filter(text, ctx)
        -- libseccomp's program was rejected: the module's own is in use
        assert.are.equal("binding", f:get_attr("compiler_used"))
        local d = seccomp.diff(f, progs)
        local t = TOTALS.documented
        t.runs, t.vectors, t.differences = t.runs + 1, t.vectors + d.vectors, t.differences + d.total
        t.seconds = t.seconds + (now() - t0)
        assert.is_true(d.exhaustive)
        assert.are.equal("b stricter", d.verdict)   -- runc's filter (b) refuses what the rules allow
        local seen = {}
        for _, c in ipairs(d) do
          assert.are.equal("socket", c.syscall)
          assert.are.equal(1, c.args[1])             -- AF_UNIX: the first rule holds
          assert.are.equal(9, c.args[3])             -- and the second does not
          assert.are.equal("allow", seccomp.action_name(c.a))
          assert.are.equal("errno(EPERM)", seccomp.action_name(c.b))
          seen[#seen + 1] = c.arch
        end
        assert.are.same({ "x32", "x86", "x86_64" }, sorted(seen))
        assert.are.equal(3, d.total)
        -- the cause: runc's filter is libseccomp's program for these rules,
        -- which contradicts them at socket(1, x, 9)
        local lib = oci.filter(text, ctx)
        lib:set_attr("compiler", "libseccomp")
        lib:set_attr("verify", false)
        assert.are.equal(0, seccomp.diff(lib, progs).total)
        local good, report = lib:verify()
        assert.is_false(good)
        for _, c in ipairs(report) do
          assert.are.equal("socket", c.syscall)
          assert.are.equal(1, c.args[1])
          assert.are.equal(9, c.args[3])
          assert.are.equal("errno(EPERM)", seccomp.action_name(c.got))
        end
      end)
    end
  end) end)
end)
