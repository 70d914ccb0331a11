-- An evaluator of the one meaning of a filter's rules (docs/compiler.md,
-- "Overlapping rules: the one meaning"), written from that section alone,
-- for the specs: it takes the rules as f:rules() lists them and answers
-- which action a call gets.  It does not look at any program.
local M = {}

-- Arches whose conditions compare the low 32 bits only.
local ARCH32 = {
  x86 = true, x32 = true, arm = true, mips = true, mipsel = true, mips64n32 = true,
  mipsel64n32 = true, ppc = true, s390 = true, parisc = true, m68k = true, sh = true, sheb = true,
}
M.ARCH32 = ARCH32
-- Arches on which the socket and System V IPC calls are also reached
-- through a multiplexer (socketcall, ipc), and the calls' numbers there.
local MUX = { x86 = true, s390 = true, s390x = true, ppc = true, ppc64 = true, ppc64le = true,
  mips = true, mipsel = true }
local SUB = {
  socket = { "socketcall", 1 }, bind = { "socketcall", 2 }, connect = { "socketcall", 3 },
  listen = { "socketcall", 4 }, accept = { "socketcall", 5 }, getsockname = { "socketcall", 6 },
  getpeername = { "socketcall", 7 }, socketpair = { "socketcall", 8 }, send = { "socketcall", 9 },
  recv = { "socketcall", 10 }, sendto = { "socketcall", 11 }, recvfrom = { "socketcall", 12 },
  shutdown = { "socketcall", 13 }, setsockopt = { "socketcall", 14 }, getsockopt = { "socketcall", 15 },
  sendmsg = { "socketcall", 16 }, recvmsg = { "socketcall", 17 }, accept4 = { "socketcall", 18 },
  recvmmsg = { "socketcall", 19 }, sendmmsg = { "socketcall", 20 },
  semop = { "ipc", 1 }, semget = { "ipc", 2 }, semctl = { "ipc", 3 }, semtimedop = { "ipc", 4 },
  msgsnd = { "ipc", 11 }, msgrcv = { "ipc", 12 }, msgget = { "ipc", 13 }, msgctl = { "ipc", 14 },
  shmat = { "ipc", 21 }, shmdt = { "ipc", 22 }, shmget = { "ipc", 23 }, shmctl = { "ipc", 24 },
}

local LOW = 0xffffffff

-- The operator classes of the order: ==, != and &= first, then < and <=,
-- then > and >=.
local CLASS = { ["=="] = 3, ["!="] = 3, ["&="] = 3, ["<"] = 2, ["<="] = 2, [">"] = 1, [">="] = 1 }

-- A condition as the order sees it on one arch: { arg, op, datum, mask },
-- the datum of &= masked; nil when it always holds (a mask of 0).
local function normalize(c, is32)
  local arg, op, a, b = c[1], c[2], c[3], c[4]
  local mask, datum = -1, a
  if op == "&=" then mask, datum = a, b & a end
  if is32 then mask, datum = mask & LOW, datum & LOW end
  if op == "&=" and mask == 0 then return nil end
  return { arg = arg, op = op, datum = datum, mask = mask }
end

local function holds(c, args, is32)
  local v = args[c.arg + 1] or 0
  if is32 then v = v & LOW end
  local op, d = c.op, c.datum
  if op == "==" then return v == d
  elseif op == "!=" then return v ~= d
  elseif op == "<" then return math.ult(v, d)
  elseif op == "<=" then return not math.ult(d, v)
  elseif op == ">" then return math.ult(d, v)
  elseif op == ">=" then return not math.ult(v, d)
  else return v & c.mask == d end
end
M.holds = holds

local function same(c, d)
  return c.arg == d.arg and c.op == d.op and c.datum == d.datum and c.mask == d.mask
end

-- true when condition c comes before d (they are not the same condition)
-- by the keys of the order; nil when their keys are equal.
local function key_before(c, d)
  if c.arg ~= d.arg then return c.arg > d.arg end
  local kc, kd = CLASS[c.op], CLASS[d.op]
  if kc ~= kd then return kc > kd end
  if c.datum == d.datum then return nil end
  if kc == 2 then return math.ult(c.datum, d.datum) end
  return math.ult(d.datum, c.datum)
end

-- The rules of one syscall on one arch, in ledger order: each
-- { action, conds = normalized conditions sorted by argument, index }.
-- Returns the decision procedure: function(args) -> action or nil.
local function decide(list, is32, variant)
  local key_cmp = variant and variant.key_before or key_before
  for _, r in ipairs(list) do
    if #r.conds == 0 then
      local act = r.action
      return function() return act end -- R1: the first unconditional rule
    end
  end
  -- first(i, r): the ledger index of the first rule with r's first i conditions
  local function first(r, i)
    for _, q in ipairs(list) do
      if #q.conds >= i then
        local ok = true
        for k = 1, i do if not same(q.conds[k], r.conds[k]) then ok = false break end end
        if ok then return q.index end
      end
    end
    error("unreachable")
  end
  local function before(r, s)
    local i = 1
    while true do
      local c, d = r.conds[i], s.conds[i]
      if not c or not d then
        if c == d then return r.index < s.index end
        return c == nil -- a rule whose conditions begin the other's comes first
      end
      if not same(c, d) then
        local k = key_cmp(c, d, is32)
        if k ~= nil then return k end
        return first(r, i) < first(s, i)
      end
      i = i + 1
    end
  end
  local order = {}
  for _, r in ipairs(list) do order[#order + 1] = r end
  table.sort(order, before)
  return function(args)
    for _, r in ipairs(order) do
      local ok = true
      for _, c in ipairs(r.conds) do
        if not holds(c, args, is32) then ok = false break end
      end
      if ok then return r.action end
    end
    return nil
  end, order
end

local function has_arch(r, arch)
  for _, a in ipairs(r.arches) do if a == arch then return true end end
  return false
end

-- One rule as the order reads it: { action, conds, index }, its conditions
-- normalized for the arch's size (a masked test with mask 0, which always
-- holds, left out) and sorted by argument; index is its place in the ledger.
local function entry(action, conds, index, is32)
  local cs = {}
  for _, c in ipairs(conds) do
    local n = normalize(c, is32)
    if n then cs[#cs + 1] = n end
  end
  table.sort(cs, function(x, y) return x.arg < y.arg end)
  return { action = action, conds = cs, index = index }
end

--- The rules of one arch, per syscall number there: { [nr] = list } in
--- ledger order.  opts.resolve(name, arch) -> number or nil (the direct
--- call); opts.name(nr) -> the native name of a number.
local function per_syscall(rules, arch, opts)
  local is32 = ARCH32[arch] or false
  local by = {}
  local function push(nr, r, i, conds)
    local list = by[nr] or {}
    by[nr] = list
    list[#list + 1] = entry(r.action, conds, i, is32)
  end
  for i, r in ipairs(rules) do
    if has_arch(r, arch) then
      local name = r.syscall
      if type(name) == "number" then name = opts.name(name) or name end
      local sub = type(name) == "string" and MUX[arch] and SUB[name]
      if sub then
        -- the multiplexed path: arg0 == the call's number, the rule's
        -- conditions on arguments 1 to 5 (libseccomp's widening)
        local conds = { { 0, "==", sub[2] } }
        for _, c in ipairs(r.args) do if c[1] ~= 0 then conds[#conds + 1] = c end end
        push(assert(opts.resolve(sub[1], arch)), r, i, conds)
      end
      local nr = type(name) == "string" and opts.resolve(name, arch) or (type(name) == "number" and name)
      if nr then push(nr, r, i, r.args) end
    end
  end
  return by, is32
end

--- A compiled view of a filter's rules on one arch:
--- M.compile(rules, arch, default, opts) -> function(nr, args) -> action.
--- opts.resolve and opts.name default to the module's resolvers.
function M.compile(rules, arch, default, opts)
  opts = opts or {}
  if not opts.resolve or not opts.name then
    local seccomp = require "seccomp"
    opts.resolve = opts.resolve or function(name, a) return (seccomp.syscall(name, a)) end
    opts.name = opts.name or function(nr) return (seccomp.syscall_name(nr)) end
  end
  local by, is32 = per_syscall(rules, arch, opts)
  local deciders = {}
  for nr, list in pairs(by) do
    if opts.variant and opts.variant.drop then list = opts.variant.drop(list, is32) end
    if opts.variant and opts.variant.cell then
      local l = list
      deciders[nr] = function(args) return opts.variant.cell(l, args, is32) end
    else
      deciders[nr] = decide(list, is32, opts.variant)
    end
  end
  return function(nr, args)
    local d = deciders[nr]
    return d and d(args or {}) or default
  end
end

--- The order itself, for one syscall's rules given as { action, args }
--- (tables in f:rules() form) on an arch of that size: the list of rule
--- indices, first first; and whether an unconditional rule decides.
function M.order(rules, is32)
  local list = {}
  for i, r in ipairs(rules) do
    list[#list + 1] = entry(r.action, r.args, i, is32)
  end
  local _, order = decide(list, is32)
  local out = {}
  for _, r in ipairs(order or {}) do out[#out + 1] = r.index end
  return out
end

M.same = same
M.key_before = key_before
M.CLASS = CLASS

--- One call: M.eval(rules, arch, default, nr, args [, opts]).
function M.eval(rules, arch, default, nr, args, opts)
  return M.compile(rules, arch, default, opts)(nr, args)
end

return M
