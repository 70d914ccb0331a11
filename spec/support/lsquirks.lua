-- What libseccomp's rule database does differently from the one meaning
-- (docs/compiler.md, "Overlapping rules: the one meaning", the list of
-- libseccomp's departures), as variants of spec/support/meaning.lua, so a
-- spec can say which departure explains a cell where libseccomp's
-- database (its PFC) and the one meaning differ.  Each variant is the
-- stated departure, not a copy of libseccomp's code.
local MN = require "support.meaning"

local Q = {}

-- The test a condition makes, whatever its polarity: `<` and `>=` on one
-- datum are one test (true for one, false for the other), so are `<=` and
-- `>`, and `==` and `!=`.
local PAIR = { ["=="] = "eq", ["!="] = "eq", ["<"] = "ge", [">="] = "ge", ["<="] = "gt", [">"] = "gt", ["&="] = "m" }
local function same_test(c, d)
  return c.arg == d.arg and c.datum == d.datum and c.mask == d.mask and PAIR[c.op] == PAIR[d.op]
end
Q.same_test = same_test

local EQFAMILY = { ["=="] = true, ["!="] = true, ["&="] = true }

-- D1, the dropped rule: a new rule N is left out of the database when the
-- conditions of an earlier rule E (kept, and the last of its path: no
-- kept rule goes on after E's last test) are, in order, N's conditions
-- k+1 .. k+m for some k >= 1, all the same but the last, which need only
-- make the same test (its polarity may differ).  On 64-bit arches only
-- when E's conditions are ==, != or &= (the others are three word tests).
local function covers(E, N, kept, is32)
  local m, n = #E.conds, #N.conds
  if m == 0 then return false end
  if not is32 then
    for _, c in ipairs(E.conds) do if not EQFAMILY[c.op] then return false end end
  end
  for k = 1, n - m do
    local ok = true
    for i = 1, m - 1 do
      if not MN.same(E.conds[i], N.conds[k + i]) then ok = false break end
    end
    if ok and same_test(E.conds[m], N.conds[k + m]) then
      -- E's last test is a leaf: no kept rule continues after it
      for _, R in ipairs(kept) do
        if R ~= E and #R.conds > m then
          local prefix = true
          for i = 1, m - 1 do
            if not MN.same(R.conds[i], E.conds[i]) then prefix = false break end
          end
          if prefix and same_test(R.conds[m], E.conds[m]) then return false end
        end
      end
      return true
    end
  end
  return false
end

function Q.drop(list, is32)
  local kept = {}
  for _, N in ipairs(list) do
    local dropped = false
    if #N.conds > 0 then
      for _, E in ipairs(kept) do
        if covers(E, N, kept, is32) then dropped = true break end
      end
    end
    if not dropped then kept[#kept + 1] = N end
  end
  return kept
end

-- W1, the high-word tie (64-bit arches): two conditions on one argument,
-- of one class, whose data have the same high word but whose high-word
-- tests differ (== against &=, or &= with masks of other high words) are
-- ordered by which came first, not by their low words.
local function nodeop(c)
  if c.op == "&=" then return "m" elseif c.op == "==" or c.op == "!=" then return "eq" end
  return "gt"
end
function Q.hi_tie(c, d, is32)
  if c.arg ~= d.arg then return c.arg > d.arg end
  local kc, kd = c.class or MN.CLASS[c.op], d.class or MN.CLASS[d.op]
  if kc ~= kd then return kc > kd end
  if is32 then
    if c.datum == d.datum then return nil end
    if kc == 2 then return math.ult(c.datum, d.datum) end
    return math.ult(d.datum, c.datum)
  end
  local hc, hd = c.datum >> 32, d.datum >> 32
  local function dir(x, y)
    if kc == 2 then return math.ult(x, y) end
    return math.ult(y, x)
  end
  if hc ~= hd then return dir(hc, hd) end
  if nodeop(c) ~= nodeop(d) or (c.mask >> 32) ~= (d.mask >> 32) then return nil end
  local lkc, lkd = c.loclass or MN.CLASS[c.op], d.loclass or MN.CLASS[d.op]
  if lkc ~= lkd then return lkc > lkd end
  local lc, ld = c.datum & 0xffffffff, d.datum & 0xffffffff
  if lc ~= ld then
    if lkc == 2 then return math.ult(lc, ld) end
    return math.ult(ld, lc)
  end
  return nil
end

-- W2 and W3, the shared high-word test (64-bit arches), per call: a
-- condition whose argument's high word already decides it (differs from
-- the datum's high word; for &=, under the mask) is, for that call, its
-- high-word test, shared by every condition of that argument, position and
-- earlier conditions that makes the same high-word test with the same
-- outcome.  Rules whose conditions are then the same order by what follows
-- (their own order at the shared test is lost); two that end there give,
-- for > and >=, the action of the one with the greater datum, otherwise
-- the action of the one added first (libseccomp 2.5.4; 2.6.1 takes the
-- smaller datum's for < and <=).  And a rule with > or >= whose high-word
-- test an earlier rule ending there shares loses its low-word path: it
-- matches no call whose high word equals its datum's.
local function hi_decides(c, v)
  local hv, hd = v >> 32, c.datum >> 32
  if c.op == "&=" then return (hv & (c.mask >> 32)) ~= hd end
  return hv ~= hd
end
local GTGE = { [">"] = true, [">="] = true }

-- late_tie: libseccomp 2.6.1's tie at a shared test (Q.cell64_late);
-- the variants call cell64 with three arguments, so it is nil there.
function Q.cell64(list, args, is32, late_tie)
  for _, r in ipairs(list) do
    if #r.conds == 0 then return r.action end
  end
  local cand = {}
  for _, r in ipairs(list) do
    local cc, ok = {}, true
    for i, c in ipairs(r.conds) do
      local v = args[c.arg + 1] or 0
      if is32 then v = v & 0xffffffff end
      if not MN.holds(c, args, is32) then ok = false break end
      if not is32 and hi_decides(c, v) then
        cc[i] = { arg = c.arg, op = c.op, datum = c.datum, mask = c.mask, hd = true, node = nodeop(c),
          hi = c.datum >> 32, himask = c.mask >> 32, orig = c }
      else
        cc[i] = c
      end
    end
    if ok then cand[#cand + 1] = { r = r, cc = cc } end
  end
  local function same(c, d)
    if c.hd or d.hd then
      return c.hd and d.hd and c.arg == d.arg and c.node == d.node and c.hi == d.hi and c.himask == d.himask
    end
    return MN.same(c, d)
  end
  -- W3: a > or >= rule whose low-word path was lost
  local function lost(x, args)
    if is32 then return false end
    local N = x.r
    for i, c in ipairs(N.conds) do
      if GTGE[c.op] and not x.cc[i].hd and #N.conds > i then
        for _, E in ipairs(list) do
          if E.index >= N.index then break end
          local e = E.conds[i]
          if #E.conds == i and GTGE[e.op] and e.arg == c.arg and (e.datum >> 32) == (c.datum >> 32) then
            local prefix = true
            for k = 1, i - 1 do if not MN.same(E.conds[k], N.conds[k]) then prefix = false break end end
            if prefix then return true end
          end
        end
      end
    end
    return false
  end
  local live = {}
  for _, x in ipairs(cand) do if not lost(x, args) then live[#live + 1] = x end end
  -- D2: a shared test keeps the place of the condition that made it
  -- first; on 64-bit arches <, <=, >, >= on data of one high word share
  -- their high-word test (class), and the low-word test is shared by the
  -- conditions making the same low-word test (loclass)
  local GT4 = { ["<"] = true, ["<="] = true, [">"] = true, [">="] = true }
  local function creator(x, i, shares)
    for _, q in ipairs(list) do
      local e = q.conds[i]
      if e and e.arg == x.r.conds[i].arg then
        local prefix = true
        for k = 1, i - 1 do if not MN.same(q.conds[k], x.r.conds[k]) then prefix = false break end end
        if prefix and shares(e) then return MN.CLASS[e.op] end
      end
    end
  end
  for _, x in ipairs(live) do
    for i, c in ipairs(x.cc) do
      local o = x.r.conds[i]
      local class, loclass
      if c.hd then
        class = creator(x, i, function(e) return nodeop(e) == c.node and (e.datum >> 32) == c.hi and (e.mask >> 32) == c.himask end)
      elseif not is32 and GT4[o.op] then
        class = creator(x, i, function(e) return GT4[e.op] and (e.datum >> 32) == (o.datum >> 32) end)
        loclass = creator(x, i, function(e) return same_test(e, o) end)
      else
        class = creator(x, i, function(e) return same_test(e, o) end)
      end
      if (class and class ~= MN.CLASS[o.op]) or (loclass and loclass ~= MN.CLASS[o.op]) then
        local copy = {}
        for k, v in pairs(c) do copy[k] = v end
        copy.class, copy.loclass = class, loclass
        x.cc[i] = copy
      end
    end
  end
  local function first(x, i)
    for _, y in ipairs(cand) do
      local ok = #y.cc >= i
      for k = 1, i do if not ok then break end ok = same(y.cc[k], x.cc[k]) end
      if ok then return y.r.index end
    end
    return x.r.index
  end
  local function before(x, y)
    local i = 1
    while true do
      local c, d = x.cc[i], y.cc[i]
      if not c or not d then
        if c == d then
          -- both end at the same (shared) test
          local lc, ld = x.r.conds[#x.r.conds], y.r.conds[#y.r.conds]
          if x.cc[#x.cc].hd and GTGE[lc.op] and GTGE[ld.op] and lc.datum ~= ld.datum then
            return math.ult(ld.datum, lc.datum)
          end
          if late_tie and x.cc[#x.cc].hd and not GTGE[lc.op] and not GTGE[ld.op] and lc.datum ~= ld.datum then
            return math.ult(lc.datum, ld.datum) -- 2.6.1: the smaller datum's
          end
          return x.r.index < y.r.index
        end
        return c == nil
      end
      if not same(c, d) then
        local k = Q.hi_tie(c, d, is32)
        if k ~= nil then return k end
        return first(x, i) < first(y, i)
      end
      i = i + 1
    end
  end
  table.sort(live, before)
  return live[1] and live[1].r.action or nil
end

-- libseccomp 2.6.1: two rules that end at one shared high-word test with
-- !=, < or <= give the action of the smaller datum's (2.5.4 and 2.6.0:
-- the first added); the verify spec's set 231 of seed 20261129: != 0x80000000
-- then != 0x7fffffff answer -1 with the second's
function Q.cell64_late(list, args, is32)
  return Q.cell64(list, args, is32, true)
end

Q.variants = {
  words = { drop = Q.drop, cell = Q.cell64 },
  words_late = { drop = Q.drop, cell = Q.cell64_late },
  dropped = { drop = Q.drop },
  hi_tie = { key_before = Q.hi_tie },
  both = { drop = Q.drop, key_before = Q.hi_tie },
}

return Q
