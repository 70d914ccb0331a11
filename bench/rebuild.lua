-- bench/rebuild.lua MODE CASE N: one side of bench/run_rebuild.sh, run under
-- callgrind.  MODE "start" loads the module only, "build" also builds N
-- filters of CASE (bench/compiler.lua's two: "allow", the 300-syscall
-- allow-list with 50 conditional rules, and "container",
-- examples/policies/container.lua on x86_64), "export" also exports
-- libseccomp's program of each (compiler "libseccomp", verify off).
local seccomp = require "seccomp"
local MODE, CASE, N = arg[1], arg[2], tonumber(arg[3] or 5)

local filters = dofile((arg[0]:match("^(.*)/") or ".") .. "/filters.lua")
-- kill_process in bench/compiler.lua; valgrind reports API level 1
local function allow_list() return filters.allow_list("libseccomp", "kill") end
local function container() return filters.container("libseccomp") end

if MODE == "start" then return end
local make = CASE == "allow" and allow_list or container
local fs = {}
for i = 1, N do fs[i] = make() end
if MODE == "export" then
  for i = 1, N do assert(#fs[i]:export_bpf() > 0) end
end
