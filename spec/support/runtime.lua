-- spec/support/runtime.lua: containers under a real runtime, for the specs
-- that compare the module's filter with the one runc installs.
--
--   local R = require "support.runtime"
--   local ok, why = R.available()                 -- root, podman, runc, busybox-static
--   R.with_container({ profile = path_or_json, caps = { "CAP_SYS_ADMIN" } or "all" [, name = ...] },
--     function(c) ... c.pid, c.id, c.caps (the bounding set) ... end)
--   R.with_bundle({ seccomp = linux_seccomp_table, caps = {...} }, function(c) ... c.pid ... end)
--   local ok, out = R.run({ profile = ..., argv = { "/bin/busybox", "true" } })
--   R.with_docker({ host = "unix:///.../docker.sock", profile = path or nil, caps = { "SYS_ADMIN" } }, fn)
--   R.bounding(pid)                               -- a process's bounding set
--
-- with_container runs `podman --runtime /usr/sbin/runc run -d` with the
-- profile (--security-opt seccomp=FILE) and the capabilities, its init
-- process `/bin/busybox sleep 60` in a rootfs holding busybox-static;
-- with_bundle does the same with `runc run -d` on a config.json bundle (the
-- bare OCI form).  Both call fn with the container's host pid while it runs
-- and remove the container, and every file they made, on every path,
-- re-raising fn's error afterwards.  Podman's crun fails on hybrid cgroup
-- machines; runc works, so runc is the runtime here.
local oci = require "seccomp.oci"

local R = {}

R.RUNC = "/usr/sbin/runc"
R.BUSYBOX = "/bin/busybox"

local function q(s)
  return "'" .. tostring(s):gsub("'", "'\\''") .. "'"
end

-- Run a shell command; returns ok, stdout, stderr.  It runs without the
-- test's LD_LIBRARY_PATH and LD_PRELOAD (another libseccomp, the
-- sanitizers): the runtimes run as installed.
local function sh(cmd)
  local err = os.tmpname()
  local p = assert(io.popen("env -u LD_LIBRARY_PATH -u LD_PRELOAD sh -c " .. q(cmd) .. " 2>" .. q(err)))
  local out = p:read("a")
  local ok = p:close()
  local fh = io.open(err)
  local e = fh and fh:read("a") or ""
  if fh then fh:close() end
  os.remove(err)
  return ok == true, out, e
end
R.sh = sh

local function exists(path)
  local fh = io.open(path)
  if fh then fh:close() end
  return fh ~= nil
end

--- Can containers run here?  true, or false and what is missing.
function R.available()
  local _, uid = sh("id -u")
  if uid:match("^%s*(%d+)") ~= "0" then
    return false, "needs root (podman and runc run containers as root here)"
  end
  for _, prog in ipairs { "podman", R.RUNC } do
    if not sh("command -v " .. q(prog) .. " >/dev/null") then
      return false, prog .. " is not installed (apt-get install podman runc)"
    end
  end
  local ok, out = sh("file -L " .. q(R.BUSYBOX))
  if not ok or not out:match("statically linked") then
    return false, R.BUSYBOX .. " is not busybox-static (apt-get install busybox-static)"
  end
  return true
end

-- A temporary directory, removed by the returned function.
local function tempdir()
  local path = os.tmpname()
  os.remove(path)
  assert(sh("mkdir -m 700 " .. q(path)))
  return path, function() sh("rm -rf " .. q(path)) end
end

-- A root filesystem holding /bin/busybox, in dir.
local function rootfs(dir)
  local root = dir .. "/rootfs"
  assert(sh(("mkdir -p %s/bin %s/proc %s/dev %s/sys %s/tmp && cp %s %s/bin/busybox")
    :format(q(root), q(root), q(root), q(root), q(root), q(R.BUSYBOX), q(root))))
  return root
end
R.rootfs = rootfs

-- The profile as a file in dir: a path, JSON text or a table.
local function profile_file(dir, profile)
  if type(profile) == "string" and not profile:match("^%s*{") then
    return profile
  end
  local path = dir .. "/profile.json"
  local fh = assert(io.open(path, "w"))
  fh:write(type(profile) == "table" and oci.encode(profile) or profile)
  fh:close()
  return path
end

-- Run fn(...) and then cleanup(), whatever happens; re-raise fn's error.
local function finally(cleanup, fn, ...)
  local res = table.pack(pcall(fn, ...))
  cleanup()
  if not res[1] then
    error(res[2], 0)
  end
  return table.unpack(res, 2, res.n)
end

-- Wait (up to 3 s) until pid has exec'd the container's program: runc's
-- init may die after loading the filter (a profile that forbids a call it
-- still makes), leaving a zombie behind a successful `run -d`.
local function wait_started(pid, who)
  for _ = 1, 60 do
    local fh = io.open("/proc/" .. pid .. "/stat")
    local stat = fh and fh:read("a") or ""
    if fh then fh:close() end
    local comm, state = stat:match("^%d+ %((.*)%) (%a)")
    if state == "Z" or state == "X" or not comm then
      error(who .. ": the container's init died before running its program (the profile forbids a call runc "
        .. "makes after installing it?)", 0)
    end
    if not comm:match("^runc") then
      return
    end
    sh("sleep 0.05")
  end
  error(who .. ": the container's init did not run its program within 3 s", 0)
end

local PODMAN_LIMITS = "--net=none --ulimit nofile=20000:20000 --ulimit nproc=1000:1000"

local function cap_options(caps)
  if caps == nil then
    return ""
  elseif caps == "all" then
    return " --cap-add all"
  end
  local o = {}
  for _, c in ipairs(caps) do o[#o + 1] = " --cap-add " .. q(c) end
  return table.concat(o)
end

-- A container name of our own: a container whose start fails stays behind
-- ("Created") unless it is removed by name.
local function name_of(dir, opts)
  return opts and opts.name or "lua-seccomp-" .. dir:match("[^/]*$"):gsub("[^%w]", "")
end

local function podman_cmd(dir, opts, detach)
  return ("podman --runtime %s run --name %s %s %s --security-opt seccomp=%s%s --rootfs %s %s")
    :format(q(R.RUNC), q(name_of(dir, opts)), detach and "-d" or "--rm", PODMAN_LIMITS, q(profile_file(dir, opts.profile)),
      cap_options(opts.caps), q(rootfs(dir)), table.concat((function()
        local a = {}
        for i, w in ipairs(opts.argv or { R.BUSYBOX, "sleep", "60" }) do a[i] = q(w) end
        return a
      end)(), " "))
end

--- podman run --rm: returns ok, stdout, stderr.
function R.run(opts)
  local dir, rm = tempdir()
  local function cleanup()
    sh("podman rm -f -t 0 " .. q(name_of(dir, opts)) .. " >/dev/null")
    rm()
  end
  return finally(cleanup, function()
    return sh(podman_cmd(dir, opts, false))
  end)
end

--- A container under podman + runc; fn(c) runs while its init process
--- (busybox sleep 60) does: c.id, c.pid (on the host), c.caps (its
--- bounding set, as podman hands it to the profile's includes/excludes).
function R.with_container(opts, fn)
  local dir, rm = tempdir()
  local id
  local function cleanup()
    sh("podman rm -f -t 0 " .. q(id or name_of(dir, opts)) .. " >/dev/null")
    rm()
  end
  return finally(cleanup, function()
    local ok, out, err = sh(podman_cmd(dir, opts, true))
    id = out:match("^%s*(%x+)")
    if not ok or not id then
      error("podman refused the container: " .. (err ~= "" and err or out), 0)
    end
    local _, info = sh("podman inspect -f '{{.State.Pid}} {{.BoundingCaps}}' " .. q(id))
    local pid, caps = info:match("^%s*(%d+)(.*)")
    local c = { id = id, name = name_of(dir, opts), pid = pid and math.tointeger(tonumber(pid)), caps = {} }
    for cap in (caps or ""):gmatch("CAP_[%u_]+") do c.caps[#c.caps + 1] = cap end
    assert(c.pid and c.pid > 0, "podman inspect gave no pid")
    wait_started(c.pid, "podman")
    return fn(c)
  end)
end

local ALL_CAPS = {
  "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID",
  "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
  "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO",
  "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
  "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE",
  "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM",
  "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
}
R.ALL_CAPS = ALL_CAPS -- in capability.h's order: ALL_CAPS[n + 1] is capability n

--- The capabilities in a process's bounding set (CapBnd of
--- /proc/PID/status), in capability.h's order: what Docker and Podman
--- compare a profile's includes/excludes caps with.
function R.bounding(pid)
  local fh = assert(io.open("/proc/" .. pid .. "/status"))
  local bnd = tonumber(fh:read("a"):match("\nCapBnd:%s*(%x+)"), 16)
  fh:close()
  local caps = {}
  for n, cap in ipairs(ALL_CAPS) do
    if (bnd >> (n - 1)) & 1 == 1 then caps[#caps + 1] = cap end
  end
  return caps
end

--- The capabilities in this process's bounding set (what "all" can give
--- a container here).
function R.host_caps()
  return R.bounding("self")
end

--- A container run by runc itself from a config.json bundle whose
--- linux.seccomp is opts.seccomp (a LinuxSeccomp table or JSON text), with
--- capabilities opts.caps (a list, "all" for every one this process has,
--- or nil for runc spec's); fn(c)
--- runs while it does: c.id, c.pid.
function R.with_bundle(opts, fn)
  local dir, rm = tempdir()
  local id = "lua-seccomp-" .. dir:match("[^/]*$"):gsub("[^%w]", "")
  local started = false
  local function cleanup()
    if started then sh(("%s delete -f %s >/dev/null"):format(q(R.RUNC), q(id))) end
    rm()
  end
  return finally(cleanup, function()
    local root = rootfs(dir)
    assert(sh(("cd %s && %s spec"):format(q(dir), q(R.RUNC))))
    local fh = assert(io.open(dir .. "/config.json"))
    local config = oci.decode(fh:read("a"))
    fh:close()
    config.root = { path = root, readonly = true }
    config.process.terminal = false
    config.process.args = opts.argv or { R.BUSYBOX, "sleep", "60" }
    local seccomp = opts.seccomp
    config.linux.seccomp = type(seccomp) == "string" and oci.decode(seccomp) or seccomp
    if opts.caps then
      local caps = opts.caps == "all" and R.host_caps() or opts.caps
      for _, set in ipairs { "bounding", "effective", "permitted" } do
        config.process.capabilities[set] = caps
      end
    end
    fh = assert(io.open(dir .. "/config.json", "w"))
    fh:write(oci.encode(config))
    fh:close()
    local pidfile = dir .. "/pid"
    started = true
    local ok, _, err = sh(("%s run -d --pid-file %s -b %s %s </dev/null >/dev/null")
      :format(q(R.RUNC), q(pidfile), q(dir), q(id)))
    if not ok then
      error("runc refused the container: " .. err, 0)
    end
    fh = assert(io.open(pidfile))
    local pid = math.tointeger(tonumber(fh:read("a"):match("%d+")))
    fh:close()
    assert(pid and pid > 0, "runc gave no pid")
    wait_started(pid, "runc")
    return fn({ id = id, pid = pid, bundle = dir, name = id, caps = opts.caps == "all" and R.host_caps() or opts.caps })
  end)
end

--- The libseccomp version runc was built with (`runc --version`), "2.5.4";
--- nil when runc does not say.
function R.runc_libseccomp()
  local _, out = sh(q(R.RUNC) .. " --version")
  return out:match("\nlibseccomp:%s*([%d.]+)")
end

--- The version of runc and of Podman, for the record: "runc 1.1.5, Podman 4.3.1".
function R.versions()
  local _, runc = sh(q(R.RUNC) .. " --version")
  local _, podman = sh("podman --version")
  return ("runc %s, Podman %s"):format(runc:match("^runc version (%d[%w.]*)") or "?",
    podman:match("(%d+%.%d+%.%d+)") or "?")
end

-- Docker ---------------------------------------------------------------------
--
-- A dockerd given by its socket (R.with_docker's opts.host, as `docker -H`
-- takes it: "unix:///tmp/lsd.X/docker.sock"); ci/dockerd.sh runs a private
-- one.  The client is Debian's /usr/bin/docker where there is one (the
-- daemon's own version), else the `docker` on PATH.

R.DOCKER_IMAGE = "lua-seccomp-busybox"

local function docker_cli(host)
  local client = exists("/usr/bin/docker") and "/usr/bin/docker" or "docker"
  return ("%s -H %s"):format(q(client), q(host))
end

--- The daemon's version ("20.10.24+dfsg1"), or nil and why not.
function R.docker_version(host)
  local ok, out, err = sh(docker_cli(host) .. " version -f '{{.Server.Version}}'")
  if not ok then
    return nil, "no dockerd answers on " .. host .. ": " .. (err ~= "" and err or out)
  end
  return (out:gsub("%s+$", ""))
end

--- Make sure the daemon has the image R.DOCKER_IMAGE (/bin/busybox in an
--- image of its own, imported from a rootfs); returns a function that
--- removes it again when this call imported it.
function R.docker_image(host)
  local cli = docker_cli(host)
  if sh(cli .. " image inspect " .. q(R.DOCKER_IMAGE) .. " >/dev/null") then
    return function() end
  end
  local dir, rm = tempdir()
  local ok, _, err = finally(rm, function()
    return sh(("tar -C %s -c . | %s import - %s >/dev/null"):format(q(rootfs(dir)), cli, q(R.DOCKER_IMAGE)))
  end)
  if not ok then
    error("docker import failed: " .. err, 0)
  end
  return function() sh(cli .. " rmi -f " .. q(R.DOCKER_IMAGE) .. " >/dev/null") end
end

--- A container under dockerd: `docker run -d --network none` of
--- R.DOCKER_IMAGE's `/bin/busybox sleep 60`, with --security-opt
--- seccomp=FILE when opts.profile is given (else the daemon's built-in
--- profile) and a --cap-add for each of opts.caps (Docker's words,
--- "SYS_ADMIN"); fn(c) runs while it does: c.id, c.name, c.pid.  The
--- container is removed on every path.
function R.with_docker(opts, fn)
  local dir, rm = tempdir()
  local cli = docker_cli(opts.host)
  local name = name_of(dir, opts)
  local function cleanup()
    sh(cli .. " rm -f " .. q(name) .. " >/dev/null")
    rm()
  end
  return finally(cleanup, function()
    local o = { cli, "run -d --name", q(name), "--network none" }
    if opts.profile then
      o[#o + 1] = "--security-opt seccomp=" .. q(profile_file(dir, opts.profile))
    end
    for _, c in ipairs(opts.caps or {}) do o[#o + 1] = "--cap-add " .. q(c) end
    o[#o + 1] = q(R.DOCKER_IMAGE)
    for _, w in ipairs(opts.argv or { R.BUSYBOX, "sleep", "60" }) do o[#o + 1] = q(w) end
    local ok, out, err = sh(table.concat(o, " "))
    local id = out:match("^%s*(%x+)")
    if not ok or not id then
      error("docker refused the container: " .. (err ~= "" and err or out), 0)
    end
    local _, info = sh(cli .. " inspect -f '{{.State.Pid}}' " .. q(id))
    local pid = info:match("%d+")
    local c = { id = id, name = name, pid = pid and math.tointeger(tonumber(pid)) }
    assert(c.pid and c.pid > 0, "docker inspect gave no pid")
    wait_started(c.pid, "docker")
    return fn(c)
  end)
end

--- Is a container of that name left under that dockerd (docker ps -a)?
function R.docker_left_behind(host, name)
  local _, out = sh(docker_cli(host) .. " ps -a --format '{{.Names}}'")
  for n in out:gmatch("[^\n]+") do
    if n == name then return true end
  end
  return false
end

--- Is a container of that name left (podman ps -a)?
function R.left_behind(name)
  local _, out = sh("podman ps -a --format '{{.Names}}'")
  for n in out:gmatch("[^\n]+") do
    if n == name then return true end
  end
  return false
end

--- The process's seccomp lines of /proc/PID/status: mode and filter count.
function R.status(pid)
  local fh = assert(io.open("/proc/" .. pid .. "/status"))
  local s = fh:read("a")
  fh:close()
  return tonumber(s:match("\nSeccomp:%s*(%d+)")), tonumber(s:match("\nSeccomp_filters:%s*(%d+)"))
end

R.exists = exists

return R
