-- bench/allowlist.lua: the filter bench/simulate.lua and bench/verify.lua
-- measure, for the native arch: default errno(EPERM); 300 syscalls allowed
-- unconditionally; 50 conditional rules on 50 other syscalls (allow / errno
-- / trap, on one or two arguments).
local seccomp = require "seccomp"
local M = {}

--- The syscalls of the filter.  Allowed: those of `first` the arch has,
--- then the arch's others in the order of seccomp.syscalls(), 300 in all.
--- Conditional: `conditional` (a list, default none), then the next others,
--- 50 in all.  Returns the two lists and the first syscall in neither (nil
--- where there is none).
function M.names(first, conditional)
  local allowed, cond, used = {}, {}, {}
  for _, n in ipairs(conditional or {}) do
    cond[#cond + 1] = n; used[n] = true
  end
  for _, n in ipairs(first) do
    if seccomp.syscall(n) and not used[n] then allowed[#allowed + 1] = n; used[n] = true end
  end
  local unlisted
  for _, n in ipairs(seccomp.syscalls()) do
    if not used[n] then
      if #allowed < 300 then
        allowed[#allowed + 1] = n
      elseif #cond < 50 then
        cond[#cond + 1] = n
      elseif not unlisted then
        unlisted = n
      end
      used[n] = true
    end
  end
  assert(#allowed == 300 and #cond == 50, "not enough syscalls on this arch")
  return allowed, cond, unlisted
end

--- The rule of the i-th conditional syscall `n`: by turns allow when arg 0
--- is i, errno(EACCES) on args 1 and 2, trap when arg 0 is not 0.
function M.conditional_rule(f, i, n)
  local k = i % 3
  if k == 0 then
    f:add_rule("allow", n, { 0, "==", i })
  elseif k == 1 then
    f:add_rule("errno(EACCES)", n, { 1, ">", 0x100000000 + i }, { 2, "&=", 0xff, i })
  else
    f:add_rule("trap", n, { 0, "!=", 0 })
  end
end

--- The filter of the lists M.names gives: the allowed syscalls' rules, then
--- rule(f, i, n) (default M.conditional_rule) for each conditional one.
function M.filter(allowed, conditional, rule)
  rule = rule or M.conditional_rule
  local f = seccomp.filter("errno(EPERM)")
  for _, n in ipairs(allowed) do f:add_rule("allow", n) end
  for i, n in ipairs(conditional) do rule(f, i, n) end
  return f
end

return M
