-- bench/stats.lua: what every benchmark here reports.
local M = {}

--- The median of a list of numbers (the list is not changed).
function M.median(t)
  local s = {}
  for i, v in ipairs(t) do s[i] = v end
  table.sort(s)
  local n = #s
  return n % 2 == 1 and s[(n + 1) // 2] or (s[n // 2] + s[n // 2 + 1]) / 2
end

--- { wall, cpu } seconds of `cmd` timed by the timer program `bin` (as
--- bench/verify_c.c's `time` and `fork` print them).
function M.measure(bin, cmd)
  local p = assert(io.popen(bin .. " " .. cmd))
  local s = p:read("a")
  assert(p:close(), "failed: " .. cmd)
  local wall, cpu = s:match("^(%S+) (%S+)")
  return { assert(tonumber(wall)), assert(tonumber(cpu)) }
end

--- Seconds per operation, { wall, cpu }, of the work `cmd` does M times
--- (`cmd` takes the count as its last word; here an interpreter running a
--- benchmark's inner mode): `cmd M` minus `cmd 0` (start-up and set-up),
--- over M; both timed by `bin` as M.measure does.
function M.per_op(bin, cmd, m)
  local a = M.measure(bin, ("time %s %d"):format(cmd, m))
  local b = M.measure(bin, ("time %s 0"):format(cmd))
  return { (a[1] - b[1]) / m, (a[2] - b[2]) / m }
end

return M
