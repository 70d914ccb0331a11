--- bench/verify_policies.lua POLICY - one first export_bpf of the example
--- policy POLICY (a policy file, an OCI profile .json, or a script that
--- builds its filter with seccomp.filter{...}), as bench/verify_policies.sh
--- runs it under callgrind (collecting only inside l_export_bpf): the
--- default compiler's choice and its checks.  Prints what was chosen.
local seccomp = require "seccomp"
local path = assert(arg[1], "usage: verify_policies.lua POLICY")

local function build()
  if path:match("%.json$") then
    local fh = assert(io.open(path, "rb"))
    local text = fh:read("a")
    fh:close()
    return (seccomp.oci.filter(text))
  end
  local src = assert(io.open(path, "rb")):read("a")
  if src:match("^%s*%-%-[^\n]*\n") and src:match("\nreturn%s*{") then
    return seccomp.load_policy(path)
  end
  -- a script: run it with seccomp.filter{...} captured, nothing loaded
  local captured
  local fake = setmetatable({ filter = function(t)
    -- under valgrind, which lacks seccomp(2), kill_process is unsupported:
    -- kill_thread makes the same program but for the value returned
    if t.default == "kill_process" and not seccomp.supports("kill_process") then t.default = "kill_thread" end
    captured = seccomp.filter(t)
    return { load = function() end }
  end }, { __index = seccomp })
  local env = setmetatable({ require = function(m) return m == "seccomp" and fake or require(m) end,
    io = { read = function() return nil end, write = function() end, lines = function() return function() end end,
      stdin = io.stdin, stdout = io.stdout, stderr = io.stderr } }, { __index = _G })
  pcall(assert(load(src, "=" .. path, "t", env)))
  return assert(captured, path .. " built no filter")
end

local f = build()
-- the syscall tables, built once per process: outside the measured call
local warm = seccomp.filter("allow")
for _, a in ipairs { "x86", "x32" } do warm:add_arch(a) end
warm:add_rule("errno(EPERM)", "ptrace")
warm:verify()
f:export_bpf() -- the measured call
local ok, report = f:verify()
local arches = {}
for _, a in ipairs { "x86_64", "x86", "x32", "aarch64", "arm" } do
  if f:has_arch(a) then arches[#arches + 1] = a end
end
print(("%s: %d rules, arches %s; compiler used %s; verify %s, %s, %d vectors%s"):format(path, #f:rules(),
  table.concat(arches, "+"), f:get_attr("compiler_used"), tostring(ok),
  report.exhaustive and "exhaustive" or "not exhaustive", report.vectors,
  report.capped and #report.capped > 0 and (": " .. report.capped[1].message) or ""))
