-- The container runtimes' packaged seccomp profiles installed here, read
-- through seccomp.oci.filter: Docker's (docker.io 20.10's default.json, as
-- Debian ships its source) and Podman's (containers-common's
-- /usr/share/containers/seccomp.json).
--
-- seccomp.oci.filter refuses a few of their entries on this branch (Docker's
-- arch words "x32", "x86" and the mips words of includes/excludes, Podman's
-- "defaultErrno" and per-rule "errno" keys): those are taken out of a copy,
-- one at a time, as the error names them, and listed in `removed`; every
-- other entry is read as the module reads it.
local oci = require "seccomp.oci"

local M = {}

M.PATHS = {
  docker = "/work/ref/deb/x/usr/share/gocode/src/github.com/docker/docker/profiles/seccomp/default.json",
  podman = "/usr/share/containers/seccomp.json",
}

local function read(path)
  local fh = io.open(path, "rb")
  if not fh then return nil end
  local s = fh:read("a")
  fh:close()
  return s
end

--- The gate of a profile: present on this machine.
function M.gate(name)
  local ok = read(M.PATHS[name]) ~= nil
  return { ok = ok, why = "needs " .. M.PATHS[name] }
end

--- The filter of profile `name`, and the list of what was taken out.
function M.filter(name, ctx)
  local prof = oci.decode(assert(read(M.PATHS[name])))
  local removed = {}
  for _ = 1, 200 do
    local ok, f = pcall(oci.filter, prof, ctx or {})
    if ok then return f, removed end
    local msg = tostring(f)
    local i, key, j = msg:match("syscalls%[(%d+)%]%.(%w+)%.arches%[(%d+)%]: unknown arch")
    local top = msg:match("profile: unknown key '([%w_]+)'")
    local ri, rk = msg:match("syscalls%[(%d+)%]: unknown key '([%w_]+)'")
    if i then
      local word = table.remove(prof.syscalls[tonumber(i)][key].arches, tonumber(j))
      removed[#removed + 1] = ("syscalls[%s].%s.arches: %s"):format(i, key, word)
    elseif top then
      prof[top] = nil
      removed[#removed + 1] = top
    elseif ri then
      prof.syscalls[tonumber(ri)][rk] = nil
      removed[#removed + 1] = ("syscalls[%s].%s"):format(ri, rk)
    else
      error(msg, 0)
    end
  end
  error("profile " .. name .. ": too many entries refused")
end

return M
