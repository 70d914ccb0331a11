-- Random rule sets on one syscall, for the differential specs (verify_spec,
-- inspect_spec): 2 to 4 rules of random actions, each with 1 to 3
-- conditions of random operators on random arguments, data near the
-- boundaries of 32 and 64 bits.  Drawn with math.random: seed it first.
local seccomp = require "seccomp"

local M = {}

M.OPS = { "==", "!=", "<", "<=", ">", ">=", "&=" }
M.SMALL = { 0, 1, 2, 3, 7, 0xff, 0x100, 0x7fffffff, 0x80000000, 0xffffffff }
M.BIG = { 0x100000000, 0x200000000, 0x300000000, 0xffffffff00000000, -1, -2, 0x7fffffffffffffff,
  0x8000000000000000, 0x1ffffffff }
M.MASKS = { 0xff, 3, 0xffffffff, 0xffffffff00000000, -1, 0x100000001 }

function M.random_value()
  local v = math.random(2) == 1 and M.SMALL[math.random(#M.SMALL)] or M.BIG[math.random(#M.BIG)]
  local d = math.random(5)
  if d == 1 then v = v - 1 elseif d == 2 then v = v + 1 end
  return v
end

--- A set { default = action, actions = {...} (those its rules draw from),
--- rules = { { action =, conds = { {arg, op, datum [, datum2]}... } }... } }.
--- opts (verify_spec's sets above the caps): nargs, the arguments the
--- conditions use; single, one condition per rule.
function M.random_set(opts)
  local set = { rules = {} }
  local deny_default = math.random(2) == 1
  set.default = deny_default and seccomp.ACT_TRAP or seccomp.ACT_ALLOW
  local actions = deny_default and { seccomp.ACT_ALLOW, seccomp.errno(1), seccomp.errno(2) }
    or { seccomp.errno(1), seccomp.errno(2), seccomp.errno(3), seccomp.ACT_KILL_THREAD }
  set.actions = actions
  local nargs = opts and opts.nargs or math.random(1, 6)
  local multi = opts and opts.single or false
  for _ = 1, math.random(2, 4) do
    local r = { action = actions[math.random(#actions)], conds = {} }
    -- libseccomp hangs on some pairs of multi-condition rules: one per set
    local ncond = multi and 1 or math.random(1, math.min(3, nargs))
    multi = multi or ncond > 1
    local used = {}
    for _ = 1, ncond do
      local arg
      repeat arg = math.random(0, nargs - 1) until not used[arg]
      used[arg] = true
      local op = M.OPS[math.random(#M.OPS)]
      local c = { arg, op, M.random_value() }
      if op == "&=" then
        c[3] = M.MASKS[math.random(#M.MASKS)]
        c[4] = M.random_value()
      end
      r.conds[#r.conds + 1] = c
    end
    set.rules[#set.rules + 1] = r
  end
  return set
end

--- Does condition c = {arg, op, datum [, datum2]} hold for value v (64-bit,
--- unsigned comparisons; "&=" with the datum masked too)?
function M.holds(c, v)
  local op, a, b = c[2], c[3], c[4]
  if op == "==" then return v == a
  elseif op == "!=" then return v ~= a
  elseif op == "<" then return math.ult(v, a)
  elseif op == "<=" then return v == a or math.ult(v, a)
  elseif op == ">" then return math.ult(a, v)
  elseif op == ">=" then return v == a or math.ult(a, v)
  else return (v & a) == (b & a) end
end

--- Argument vectors for a set, this module's own (not the core's): per
--- tested argument, every datum and its neighbours word by word, 0 and all
--- ones, masked witnesses by sampling; their cross product, at most 1500.
function M.vectors(set)
  local per = {}
  for _, r in ipairs(set.rules) do
    for _, c in ipairs(r.conds) do
      local vs = per[c[1]] or { 0, -1, 0xffffffff, 0x100000000 }
      per[c[1]] = vs
      local d = c[2] == "&=" and (c[4] & c[3]) or c[3]
      local hi, lo = d >> 32, d & 0xffffffff
      for dh = -1, 1 do
        for dl = -1, 1 do
          vs[#vs + 1] = (((hi + dh) & 0xffffffff) << 32) | ((lo + dl) & 0xffffffff)
        end
      end
      if c[2] == "&=" then
        for _ = 1, 4 do vs[#vs + 1] = (c[4] & c[3]) | (math.random(0, 0x7fffffff) * 0x100000001 & ~c[3]) end
      end
    end
  end
  local args, list = {}, {}
  for a in pairs(per) do args[#args + 1] = a end
  table.sort(args)
  local function rec(i, cur)
    if #list >= 1500 then return end
    if i > #args then
      local v = { 0, 0, 0, 0, 0, 0 }
      for k, a in ipairs(args) do v[a + 1] = cur[k] end
      list[#list + 1] = v
      return
    end
    for _, x in ipairs(per[args[i]]) do
      cur[i] = x
      rec(i + 1, cur)
    end
  end
  rec(1, {})
  return list
end

return M
