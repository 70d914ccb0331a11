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

return M
