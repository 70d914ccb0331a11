--- seccomp.inspect: seccomp.explain and seccomp.audit (docs/inspect.md).
---
--- Both read the partition seccomp.diff checks (the core's
--- _private.partition: every arch cell, number cell and argument cell of a
--- program, each with its answer) and nothing else: no second walker, no
--- second interpreter.
---
--- explain turns it back into a policy table: per arch, per syscall, the
--- fewest disjoint rules this file can find (cells merged where the answer
--- allows it, ranges as <=, >=, ==, != and &= conditions), so that the rules
--- mean the same whatever order overlapping rules would be taken in: they
--- never overlap.  Where a call's rules also land on socketcall/ipc, the
--- one meaning's order there is used (mux_rules).  What rules cannot say is
--- counted in `unexplained`.
---
--- audit reads the same partition for weaknesses (the kinds and their
--- severities: docs/inspect.md).
---
--- Private to the binding: lua/seccomp/init.lua exports explain and audit.
local core = require "seccomp.core"

local private = core._private
local ult, mathtype = math.ult, math.type
local concat, sort = table.concat, table.sort
local pairs, ipairs, type, error, tostring, getmetatable = pairs, ipairs, type, error, tostring, getmetatable
local action_name = core.action_name

local M = {}

local U32 = 0xffffffff
local X32_BIT = 0x40000000
local ENOSYS = core.errno("ENOSYS")
local ALLOW = core.ACT_ALLOW
local MAX_PIECES = 256       -- conditions one class of values may take (an interval takes up to 126)
local MAX_TERNARIES = 4096 -- patterns a class is read from
local MAX_UNEXPLAINED = 64 -- cells kept in a report (all counted)

-- ===========================================================================
-- The partition

-- The core's argument error as _private.call gives it, raised as `fname`'s.
local function partition(fname, p, opts, level)
  if opts ~= nil and type(opts) ~= "table" then
    error(("bad argument #2 to '%s' (table expected, got %s)"):format(fname, type(opts)), level)
  end
  local ok, P = private.call(private.partition, p, opts)
  if ok then
    return P
  end
  if type(P) == "table" and getmetatable(P) == nil and mathtype(P.argument) == "integer" then
    -- a filter inside a stack is checked at the top of the stack (-1): it is argument 1
    error(("bad argument #%d to '%s' (%s)"):format(P.argument < 1 and 1 or P.argument, fname, P.message), level)
  end
  error(P, level)
end

-- The kernel's order of actions: lower is stricter.
local function rank(a)
  a = a & 0xffff0000
  return a >= 0x80000000 and a - 0x100000000 or a
end

-- The answer as the kernel acts on it (as seccomp.diff compares answers):
-- the data counts for errno (capped at 4095, as the kernel caps it), trace
-- and trap, not for allow, log, notify and the kills.
local RET_DATA_IGNORED = { [0x80000000] = true, [0] = true, [0x7fc00000] = true, [0x7ffc0000] = true,
                           [0x7fff0000] = true }
local function norm(a)
  local act, data = a & 0xffff0000, a & 0xffff
  if act == 0x00050000 then
    return act | (data > 4095 and 4095 or data)
  elseif RET_DATA_IGNORED[act] then
    return act
  end
  return a
end

-- ===========================================================================
-- Sets of argument values
--
-- A word's cell is a union of leaves (F, V): the 32-bit values x with
-- x & F == V.  An argument's class is a list of boxes: a set of its low
-- word's cells times a set of its high word's (nil: the word is not tested,
-- any value).  A class is read as disjoint intervals of the argument's
-- values where it can be, or as disjoint ternary patterns (&= conditions);
-- the form that needs fewer conditions is taken.

-- The free bits of a leaf that fixes a prefix of the bits, or nil.
local function prefix_free(F)
  local free = ~F & U32
  if free & (free + 1) == 0 then
    return free
  end
end

local function cellset(list)
  local s = {}
  for _, c in ipairs(list) do s[c] = true end
  return s
end

-- Sorted, merged 32-bit intervals of cells `cells` (a list) of word W; nil
-- where a leaf is not a block of consecutive values.
local function word_intervals(W, cells)
  if W == nil or cells == nil then
    return { { 0, U32 } }
  end
  local set, iv = cellset(cells), {}
  for i = 1, #W.F do
    if set[W.C[i]] then
      local free = prefix_free(W.F[i])
      if not free then
        return nil
      end
      iv[#iv + 1] = { W.V[i], W.V[i] | free }
    end
  end
  sort(iv, function(a, b) return a[1] < b[1] end)
  local out = {}
  for _, x in ipairs(iv) do
    local last = out[#out]
    if last and last[2] + 1 == x[1] then
      last[2] = x[2]
    else
      out[#out + 1] = { x[1], x[2] }
    end
  end
  return out
end

local function ult_first(a, b) return ult(a[1], b[1]) end

-- Merge sorted 64-bit intervals that touch.
local function merge_intervals(iv)
  sort(iv, ult_first)
  local out = {}
  for _, x in ipairs(iv) do
    local last = out[#out]
    if last and last[2] ~= -1 and last[2] + 1 == x[1] then
      if ult(last[2], x[2]) then last[2] = x[2] end
    else
      out[#out + 1] = { x[1], x[2] }
    end
  end
  return out
end

-- A cell list as a key; nil (any value) where it holds every cell of W.
local function cells_key(W, cells)
  if W == nil or cells == nil then return "*" end
  local seen, list = {}, {}
  for _, c in ipairs(cells) do
    if not seen[c] then seen[c] = true list[#list + 1] = c end
  end
  if #list == #W.rep then return "*" end
  sort(list)
  return concat(list, ",")
end

local function union_cells(a, b)
  if a == nil or b == nil then return nil end
  local c = {}
  for _, x in ipairs(a) do c[#c + 1] = x end
  for _, x in ipairs(b) do c[#c + 1] = x end
  return c
end

-- The class with its boxes joined where they share a side: boxes with the
-- same high cells take the union of their low cells, and the other way,
-- until none do (so that "hi != 0 or lo != 1" reads as one interval pair).
local function simplify(class)
  if class.simple then return class.simple end
  local boxes = {}
  for i, b in ipairs(class) do
    boxes[i] = { lo = cells_key(b.loW, b.lo) ~= "*" and b.lo or nil,
                 hi = cells_key(b.hiW, b.hi) ~= "*" and b.hi or nil, loW = b.loW, hiW = b.hiW }
  end
  local changed = true
  while changed and #boxes > 1 do
    changed = false
    for _, side in ipairs { { "hi", "lo" }, { "lo", "hi" } } do
      local key_side, join_side = side[1], side[2]
      local by, out = {}, {}
      for _, b in ipairs(boxes) do
        local k = cells_key(b[key_side .. "W"], b[key_side])
        local e = by[k]
        if e then
          e[join_side] = union_cells(e[join_side], b[join_side])
          if cells_key(e[join_side .. "W"], e[join_side]) == "*" then e[join_side] = nil end
          changed = true
        else
          e = { lo = b.lo, hi = b.hi, loW = b.loW, hiW = b.hiW }
          by[k] = e
          out[#out + 1] = e
        end
      end
      boxes = out
    end
  end
  class.simple = boxes
  return boxes
end

-- The class as intervals of the argument's values, or nil.
local function class_intervals(class, low_only)
  local all = {}
  for _, box in ipairs(simplify(class)) do
    local L = word_intervals(box.loW, box.lo)
    if not L then return nil end
    if low_only then
      for _, l in ipairs(L) do all[#all + 1] = l end
    else
      local H = word_intervals(box.hiW, box.hi)
      if not H then return nil end
      if #L == 1 and L[1][1] == 0 and L[1][2] == U32 then
        for _, h in ipairs(H) do all[#all + 1] = { h[1] << 32, (h[2] << 32) | U32 } end
      else
        local points = 0
        for _, h in ipairs(H) do
          points = points + (h[2] - h[1] + 1)
          if points > MAX_PIECES then return nil end
        end
        for _, h in ipairs(H) do
          for x = h[1], h[2] do
            for _, l in ipairs(L) do all[#all + 1] = { (x << 32) | l[1], (x << 32) | l[2] } end
          end
        end
      end
    end
    if #all > MAX_TERNARIES then return nil end
  end
  return merge_intervals(all)
end

local function word_leaves(W, cells)
  if W == nil or cells == nil then
    return { { 0, 0 } }
  end
  local set, out = cellset(cells), {}
  for i = 1, #W.F do
    if set[W.C[i]] then out[#out + 1] = { W.F[i], W.V[i] } end
  end
  return out
end

-- Merge ternary patterns {M, V} (x & M == V) that differ in one fixed bit,
-- until none do.
local function merge_ternaries(t)
  local changed = true
  while changed do
    changed = false
    local seen, out, gone = {}, {}, {}
    for i, p in ipairs(t) do
      local m, bits = p[1], p[1]
      while bits ~= 0 and not gone[i] do
        local b = bits & -bits
        bits = bits & ~b
        local key = (m & ~b) .. ":" .. (p[2] & ~b)
        local j = seen[key]
        if j and not gone[j] and (t[j][2] & b) ~= (p[2] & b) then
          gone[i], gone[j] = true, true
          out[#out + 1] = { m & ~b, p[2] & ~b }
          changed = true
        elseif not j then
          seen[key] = i
        end
      end
    end
    for i, p in ipairs(t) do
      if not gone[i] then out[#out + 1] = p end
    end
    t = out
  end
  return t
end

-- The class as disjoint ternary patterns {M, V}, merged, or nil.
local function class_ternaries(class, low_only)
  local t = {}
  for _, box in ipairs(simplify(class)) do
    local L = word_leaves(box.loW, box.lo)
    local H = low_only and { { 0, 0 } } or word_leaves(box.hiW, box.hi)
    if #L * #H + #t > MAX_TERNARIES then return nil end
    for _, h in ipairs(H) do
      for _, l in ipairs(L) do
        t[#t + 1] = { (h[1] << 32) | l[1], (h[2] << 32) | l[2] }
      end
    end
  end
  return merge_ternaries(t)
end

-- [a, b] (unsigned, within the domain) as aligned blocks {mask, value}.
local function blocks(a, b, maxv, out)
  while true do
    local k = 0
    while k < 63 do
      local size = 1 << (k + 1)
      local last = a + size - 1
      if a & (size - 1) ~= 0 or ult(b, last) or ult(last, a) then break end
      k = k + 1
    end
    out[#out + 1] = { ~((1 << k) - 1) & maxv, a }
    local last = a + (1 << k) - 1
    if last == b then return out end
    a = last + 1
  end
end

local ALL = {} -- the piece "any value": no condition

-- The pieces of a class: disjoint conditions {op, a [, b]} whose union is
-- the class (ALL alone: every value); nil where there would be too many.
local PIECES -- the pieces found for one call's classes, by the classes' key

-- A class's key: its boxes' cells (the same class built twice has one key).
local function class_key(class)
  if class.key then return class.key end
  local parts = {}
  for _, b in ipairs(class) do
    parts[#parts + 1] = tostring(b.loW) .. cells_key(b.loW, b.lo) .. "/" .. tostring(b.hiW) .. cells_key(b.hiW, b.hi)
  end
  sort(parts)
  class.key = concat(parts, " ")
  return class.key
end

local pieces_uncached

local function pieces_of(class, low_only)
  if class.pieces ~= nil then return class.pieces or nil end
  local key = PIECES and class_key(class)
  if key and PIECES[key] ~= nil then
    class.pieces = PIECES[key]
    return class.pieces or nil
  end
  local p = pieces_uncached(class, low_only)
  class.pieces = p or false
  if key then PIECES[key] = p or false end
  return p
end

function pieces_uncached(class, low_only)
  local maxv = low_only and U32 or -1
  local best
  local I = class_intervals(class, low_only)
  if I then
    if #I == 1 and I[1][1] == 0 and I[1][2] == maxv then
      return { ALL }
    end
    if #I == 2 and I[1][1] == 0 and I[2][2] == maxv and I[2][1] == I[1][2] + 2 then
      return { { "!=", I[1][2] + 1 } }
    end
    local out = {}
    for _, iv in ipairs(I) do
      local a, b = iv[1], iv[2]
      if a == b then
        out[#out + 1] = { "==", a }
      elseif a == 0 then
        out[#out + 1] = { "<=", b }
      elseif b == maxv then
        out[#out + 1] = { ">=", a }
      else
        local bl = blocks(a, b, maxv, {})
        if not ult(#bl, b - a + 1) then
          for x = a, b do out[#out + 1] = { "==", x } end
        else
          for _, blk in ipairs(bl) do
            out[#out + 1] = blk[1] == maxv and { "==", blk[2] } or { "&=", blk[1], blk[2] }
          end
        end
      end
      if #out > MAX_PIECES then out = nil break end
    end
    best = out
  end
  if not best or #best > 1 then
    local T = class_ternaries(class, low_only)
    if T and (not best or #T < #best) and #T <= MAX_PIECES then
      local out = {}
      for _, p in ipairs(T) do
        if p[1] & maxv == 0 then
          out = { ALL }
          break
        elseif p[1] & maxv == maxv then
          out[#out + 1] = { "==", p[2] & maxv }
        else
          out[#out + 1] = { "&=", p[1] & maxv, p[2] & maxv }
        end
      end
      best = out
    end
  end
  return best
end

-- ===========================================================================
-- Functions over a grid of classes
--
-- F = { dims = { { n =, classes = { class... }, ... } }, tab = { ... } }:
-- the answer for every combination of the dimensions' classes, the first
-- dimension varying fastest.

-- Merge, along every dimension, the classes whose slices are equal; drop
-- the dimensions left with one class.  `join(a, b)` merges two classes.
local function reduce(F, join)
  local dims, tab = F.dims, F.tab
  local size = #tab
  local stride, newdims, reps = 1, {}, {}
  for d, dim in ipairs(dims) do
    local n = dim.n
    local slices = {}
    for j = 1, n do slices[j] = {} end
    for p = 0, size - 1 do
      local s = slices[(p // stride) % n + 1]
      s[#s + 1] = tab[p + 1]
    end
    local bykey, classes, rep = {}, {}, {}
    for j = 1, n do
      local key = concat(slices[j], ",")
      local c = bykey[key]
      if not c then
        c = #classes + 1
        bykey[key] = c
        classes[c] = dim.classes[j]
        rep[c] = j
      else
        classes[c] = join(classes[c], dim.classes[j])
      end
    end
    reps[d] = { stride = stride, rep = rep }
    if #classes > 1 then
      local nd = {}
      for k, v in pairs(dim) do nd[k] = v end
      nd.n, nd.classes, nd.old = #classes, classes, d
      newdims[#newdims + 1] = nd
    end
    stride = stride * n
  end
  -- the new table: each cell from a representative of its classes
  local newtab, nsize = {}, 1
  for _, nd in ipairs(newdims) do nsize = nsize * nd.n end
  for q = 0, nsize - 1 do
    local p, r = 0, q
    for _, nd in ipairs(newdims) do
      local c = r % nd.n + 1
      r = r // nd.n
      local info = reps[nd.old]
      p = p + (info.rep[c] - 1) * info.stride
    end
    newtab[q + 1] = tab[p + 1]
  end
  if nsize == 1 and #newdims == 0 then newtab[1] = tab[1] end
  for _, nd in ipairs(newdims) do nd.old = nil end
  return { dims = newdims, tab = newtab }
end

-- F with dimension d fixed to class j.
local function restrict(F, d, j)
  local dims, tab = F.dims, F.tab
  local newdims, stride = {}, 1
  for e, dim in ipairs(dims) do
    if e == d then break end
    stride = stride * dim.n
  end
  for e, dim in ipairs(dims) do
    if e ~= d then newdims[#newdims + 1] = dim end
  end
  local n = dims[d].n
  local newtab, size = {}, #tab // n
  for q = 0, size - 1 do
    local low, high = q % stride, q // stride
    newtab[q + 1] = tab[low + (j - 1) * stride + high * stride * n + 1]
  end
  return { dims = newdims, tab = newtab }
end

local function any_but(tab, default)
  for _, v in ipairs(tab) do
    if v ~= default then return true end
  end
  return false
end

local function join_lists(a, b)
  local c = {}
  for _, x in ipairs(a) do c[#c + 1] = x end
  for _, x in ipairs(b) do c[#c + 1] = x end
  return c
end

-- How many rules F needs at least, splitting on `d` first, then the best
-- way down (estimated where the table is large).
local cost

local function split_cost(F, d, default, low_only, memo, bound)
  local total = 0
  for j = 1, F.dims[d].n do
    local sub = reduce(restrict(F, d, j), join_lists)
    if any_but(sub.tab, default) then
      local pcs = pieces_of(F.dims[d].classes[j], low_only)
      if not pcs then return math.huge end
      total = total + #pcs * cost(sub, default, low_only, memo)
      if total >= bound then return total end
    end
  end
  return total
end

function cost(F, default, low_only, memo)
  if #F.dims == 0 then
    return F.tab[1] ~= default and 1 or 0
  end
  if #F.tab > 256 then -- estimate: every distinct non-default answer a rule
    local seen, n = {}, 0
    for _, v in ipairs(F.tab) do
      if v ~= default and not seen[v] then seen[v] = true n = n + 1 end
    end
    return n * #F.dims
  end
  local key = {}
  for _, dim in ipairs(F.dims) do
    key[#key + 1] = dim.arg .. "/" .. dim.n
    for _, c in ipairs(dim.classes) do
      local p = pieces_of(c, low_only)
      key[#key + 1] = p and #p or "x"
    end
  end
  key[#key + 1] = concat(F.tab, ",")
  key = concat(key, ";")
  if memo[key] then return memo[key] end
  local best = math.huge
  for d = 1, #F.dims do
    local c = split_cost(F, d, default, low_only, memo, best)
    if c < best then best = c end
  end
  memo[key] = best
  return best
end

-- The rules of F: { action =, conds = { [arg] = piece } } appended to out.
-- false where a class cannot be said in few enough conditions.
local function synth(F, default, low_only, conds, out, memo)
  F = reduce(F, join_lists)
  if #F.dims == 0 then
    if F.tab[1] ~= default then
      local c = {}
      for k, v in pairs(conds) do c[k] = v end
      out[#out + 1] = { action = F.tab[1], conds = c }
    end
    return true
  end
  local best, bestd = math.huge, 1
  for d = 1, #F.dims do
    local c = split_cost(F, d, default, low_only, memo, best)
    if c < best then best, bestd = c, d end
  end
  if best == math.huge then
    return false
  end
  local dim = F.dims[bestd]
  for j = 1, dim.n do
    local sub = restrict(F, bestd, j)
    if any_but(sub.tab, default) then
      for _, piece in ipairs(pieces_of(dim.classes[j], low_only)) do
        conds[dim.arg] = piece ~= ALL and piece or nil
        if not synth(sub, default, low_only, conds, out, memo) then return false end
      end
      conds[dim.arg] = nil
    end
  end
  return true
end

-- ===========================================================================
-- One call: its rules

-- The argument values of vector `pos` (1-based) of call K, and its ip.
local function vector_args(K, pos)
  local args, ip = { 0, 0, 0, 0, 0, 0 }, 0
  local r = pos - 1
  for _, w in ipairs(K.words) do
    local W = K.cells[w + 1]
    local n = #W.rep
    local v = W.rep[r % n + 1]
    r = r // n
    if w >= 12 then
      ip = ip | (v << (32 * (w - 12)))
    else
      local a = w // 2 + 1
      args[a] = args[a] | (v << (32 * (w % 2)))
    end
  end
  return args, ip
end

-- The rules of call K (action or partition table) under `default`: a list
-- of { action =, conds = { [arg] = piece } }, or nil and why not.
local function call_rules(K, default, low_only)
  if mathtype(K) == "integer" then
    if K == default then return {} end
    return { { action = K, conds = {} } }
  end
  if K.lost then return nil, "a branch on a value no test describes (computed, or in X or memory)" end
  if not K.answers then return nil, "more vectors than the budget" end
  local dims = {}
  for i, w in ipairs(K.words) do
    local W = K.cells[w + 1]
    local classes = {}
    for c = 1, #W.rep do classes[c] = { c } end
    dims[i] = { word = w, n = #W.rep, classes = classes, W = W }
  end
  local F = reduce({ dims = dims, tab = K.answers }, join_lists)
  for _, dim in ipairs(F.dims) do
    if dim.word >= 12 then return nil, "a test of the instruction pointer" end
    if low_only and dim.word % 2 == 1 then
      return nil, "a test of an argument's high word on an arch whose rules compare low words only"
    end
  end
  -- the arguments: low word and high word together, the low one fastest
  local adims, i = {}, 1
  while i <= #F.dims do
    local lo, hi = F.dims[i], nil
    if lo.word % 2 == 1 then
      lo, hi = nil, lo
    elseif F.dims[i + 1] and F.dims[i + 1].word == lo.word + 1 then
      hi = F.dims[i + 1]
      i = i + 1
    end
    i = i + 1
    local nlo, nhi = lo and lo.n or 1, hi and hi.n or 1
    local classes = {}
    for h = 1, nhi do
      for l = 1, nlo do
        classes[#classes + 1] = { { lo = lo and lo.classes[l], hi = hi and hi.classes[h],
                                    loW = lo and lo.W, hiW = hi and hi.W } }
      end
    end
    adims[#adims + 1] = { arg = ((lo or hi).word) // 2, n = nlo * nhi, classes = classes }
  end
  local out = {}
  PIECES = {}
  local ok = synth({ dims = adims, tab = F.tab }, default, low_only, {}, out, {})
  PIECES = nil
  if not ok then
    return nil, "a set of argument values that takes more than " .. MAX_PIECES .. " conditions"
  end
  return out
end

-- ===========================================================================
-- Conditions and rules as the policy writes them

local function num(v)
  if v >= 0 and v < 10 then return tostring(v) end
  return ("0x%x"):format(v)
end

-- "arg2 & 0x3 == 0", "arg0 != 40"
local function cond_text(arg, piece)
  if piece[1] == "&=" then
    return ("arg%d & %s == %s"):format(arg, num(piece[2]), num(piece[3]))
  end
  return ("arg%d %s %s"):format(arg, piece[1], num(piece[2]))
end

-- A rule's conditions as policy strings, by argument; and its key.
local function rule_conds(r)
  local args, texts = {}, {}
  for a in pairs(r.conds) do args[#args + 1] = a end
  sort(args)
  for _, a in ipairs(args) do texts[#texts + 1] = cond_text(a, r.conds[a]) end
  return texts
end

local function rule_key(r)
  return action_name(r.action) .. "|" .. concat(rule_conds(r), ";")
end

-- The rules of one syscall as a sorted list of keys, joined.
local function rules_key(rules)
  local keys = {}
  for _, r in ipairs(rules) do keys[#keys + 1] = rule_key(r) end
  sort(keys)
  return concat(keys, "\n")
end

-- The same rules as a 32-bit arch reads them: data cut to the low word.
local function rules_low(rules)
  local out = {}
  for _, r in ipairs(rules) do
    local c = {}
    for a, p in pairs(r.conds) do
      local q = {}
      for k, v in ipairs(p) do q[k] = k == 1 and v or v & U32 end
      if q[1] == "&=" and q[2] == U32 then q = { "==", q[3] } end
      c[a] = q
    end
    out[#out + 1] = { action = r.action, conds = c }
  end
  return out
end

-- ===========================================================================
-- Number cells, within a range of numbers

local function popcount(x)
  local n = 0
  while x ~= 0 do
    x = x & (x - 1)
    n = n + 1
  end
  return n
end

-- How many values x of leaf (F, V) have x <= h (32-bit).
local function count_le(F, V, h)
  local total = 0
  for i = 31, 0, -1 do
    local bit = 1 << i
    local above = ~((bit << 1) - 1) & U32
    if (F & above) & (V ~ h) ~= 0 then return total end
    if h & bit ~= 0 and (F & bit == 0 or V & bit == 0) then
      total = total + (1 << popcount(~F & (bit - 1)))
    end
  end
  if h & F == V then total = total + 1 end
  return total
end

-- The greatest value of leaf (F, V) that is <= h, or nil.
local function max_le(F, V, h)
  if h & F == V then return h end
  for i = 0, 31 do
    local bit = 1 << i
    local above = ~((bit << 1) - 1) & U32
    if (F & above) & (V ~ h) == 0 and h & bit ~= 0 and (F & bit == 0 or V & bit == 0) then
      local below = bit - 1
      return (h & above) | (V & below) | (~F & below)
    end
  end
end

-- The least value of leaf (F, V) that is >= l, or nil.
local function min_ge(F, V, l)
  local x = max_le(F, ~V & F & U32, ~l & U32)
  return x and (~x & U32)
end

-- Every cell of W within [lo, hi]: { size =, min =, max = } (size 0: none).
local function cell_stats(W, lo, hi)
  local st = {}
  for c = 1, #W.rep do st[c] = { size = 0 } end
  for i = 1, #W.F do
    local F, V, s = W.F[i], W.V[i], st[W.C[i]]
    local n = count_le(F, V, hi) - (lo > 0 and count_le(F, V, lo - 1) or 0)
    if n > 0 then
      s.size = s.size + n
      local a, b = min_ge(F, V, lo), max_le(F, V, hi)
      if not s.min or a < s.min then s.min = a end
      if not s.max or b > s.max then s.max = b end
    end
  end
  return st
end

-- ===========================================================================
-- The calls of each arch

local function u32(nr) return nr & U32 end

-- The numbers each arch of a policy owns on the arch value that carries
-- it: x86_64's value carries x32's calls too (the numbers with the x32 bit,
-- but -1, which the kernel and the module count as x86_64's).
local RANGES = {
  x86_64 = { { 0, X32_BIT - 1 }, { U32, U32 } },
  x32 = { { X32_BIT, U32 - 1 } },
}
local ALL_NUMBERS = { { 0, U32 } }

local function in_ranges(ranges, nr)
  local u = u32(nr)
  for _, r in ipairs(ranges) do
    if u >= r[1] and u <= r[2] then return true end
  end
  return false
end

-- Every answer a call gives: a list (an action alone, or K's answers), normalized.
local function answers_of(call)
  if mathtype(call) == "integer" then return { norm(call) } end
  local out = {}
  for i, a in ipairs(call.answers or {}) do out[i] = norm(a) end
  return out
end

local function all_equal(call, x)
  if mathtype(call) == "integer" then return norm(call) == x end
  if not call.answers or call.lost then return false end
  for _, a in ipairs(call.answers) do
    if norm(a) ~= x then return false end
  end
  return true
end

-- A copy of call K with its answers normalized.
local function normalized(call)
  if mathtype(call) == "integer" then return norm(call) end
  local k = {}
  for key, v in pairs(call) do k[key] = v end
  k.answers = call.answers and answers_of(call) or nil
  return k
end

local NAMEABLE = {}

-- Does the module have a name for action a (so a rule can give it)?
local function nameable(a)
  local v = NAMEABLE[a]
  if v == nil then
    v = pcall(action_name, a)
    NAMEABLE[a] = v
  end
  return v
end

local UNNAMED_ACTION = "an answer no action names (the kernel kills the process)"

-- Call with its answers normalized, those no action names read as
-- `default`; where `note` is given, note(pos) for each of them (pos nil: the
-- call's one answer).
local function clean(call, default, note)
  local K = normalized(call)
  if mathtype(K) == "integer" then
    if nameable(K) then return K end
    if note then note(nil) end
    return default
  end
  for i, a in ipairs(K.answers or {}) do
    if not nameable(a) then
      if note then note(i) end
      K.answers[i] = default
    end
  end
  return K
end

-- The policy arches: { name =, A =, low =, ranges =, calls = { [nr] = call },
-- names = { [nr] = name }, cells = { [c] = { size, min, max, named, call } } }.
local function policy_arch(P, A, name, ranges)
  local pa = { name = name, A = A, low = P.low_words[name] or false, ranges = ranges,
               calls = {}, names = {}, byname = {}, cells = {}, mux = A.mux or {} }
  if A.answer then
    pa.constant = norm(A.answer)
    return pa
  end
  for nr, call in pairs(A.calls) do
    if in_ranges(ranges, nr) then
      pa.calls[nr] = call
      local n = A.names and A.names[nr]
      if n then
        pa.names[nr] = n
        pa.byname[n] = nr
      end
    end
  end
  local W = A.nrword
  local stats = {}
  for c = 1, #W.rep do stats[c] = { size = 0, named = 0 } end
  for _, r in ipairs(ranges) do
    for c, st in ipairs(cell_stats(W, r[1], r[2])) do
      local s = stats[c]
      if st.size > 0 then
        s.size = s.size + st.size
        if not s.min or st.min < s.min then s.min = st.min end
        if not s.max or st.max > s.max then s.max = st.max end
      end
    end
  end
  -- the greatest number of each cell but -1 (unknown = "enosys" gives -1
  -- ENOSYS whatever the highest number named is)
  for _, r in ipairs(ranges) do
    local hi = r[2] == U32 and U32 - 1 or r[2]
    if r[1] <= hi then
      for c, st in ipairs(cell_stats(W, r[1], hi)) do
        local s = stats[c]
        if st.size > 0 and (not s.below or st.max > s.below) then s.below = st.max end
      end
    end
  end
  for c = 1, #W.rep do stats[c].unnamed = {} end
  for nr, call in pairs(A.calls) do
    local s = stats[A.cellof[nr]]
    if pa.names[nr] then s.named = s.named + 1 end
    if not pa.names[nr] and in_ranges(ranges, nr) then s.unnamed[#s.unnamed + 1] = nr end
    if s.size > 0 and (not s.call or in_ranges(ranges, nr)) then
      s.call, s.nr = call, nr
    end
  end
  for _, st in ipairs(stats) do
    sort(st.unnamed, function(a, b) return ult(a, b) end)
  end
  pa.cells = stats
  return pa
end

local X86_64_ONLY = { { 0, X32_BIT - 1 } }
local X32_AND_MINUS_1 = { { X32_BIT, U32 } }
local X32_NUMBERS = { { X32_BIT, 0x7fffffff } }

-- Does some call of the policy arch get another answer than `badarch`?
local function differs_from(pa, badarch)
  if pa.constant then return pa.constant ~= badarch end
  for _, st in pairs(pa.cells) do
    if st.size > 0 and not all_equal(st.call, badarch) then return true end
  end
  return false
end

-- Is this arch (a name) in the program's byte order?
local function same_order(P, name)
  return (P.big_arches[name] or false) == P.big_endian
end

-- ===========================================================================
-- explain

local function count_votes(votes, a, n)
  votes[a] = (votes[a] or 0) + (n or 1)
end

local function most_common(votes)
  local best, bn
  for a, n in pairs(votes) do
    if not best or n > bn or (n == bn and (rank(a) < rank(best) or (rank(a) == rank(best) and a < best))) then
      best, bn = a, n
    end
  end
  return best
end

-- The report's list of what rules cannot say.
local function unexplained_list()
  return { total = 0, kinds = {} }
end

local function note_unexplained(U, entry, count)
  count = count or 1
  U.total = U.total + count
  U.kinds[entry.reason] = (U.kinds[entry.reason] or 0) + count
  if #U < MAX_UNEXPLAINED then
    entry.count = count
    U[#U + 1] = entry
  end
end

local function call_entry(pa, nr, call, why, pos)
  local e = { arch = pa.name or pa, nr = nr, syscall = type(pa) == "table" and pa.names and pa.names[nr] or nil,
              reason = why }
  if type(call) == "table" and call.words and pos then
    e.args, e.ip = vector_args(call, pos)
    e.action = call.answers and call.answers[pos]
  elseif mathtype(call) == "integer" then
    e.action = call
    e.args = { 0, 0, 0, 0, 0, 0 } -- any arguments: the call tests none
  end
  if e.ip == 0 then e.ip = nil end
  return e
end

-- Note every vector of call whose answer is not `expected` (all of them
-- where expected is nil).
local function note_call(U, pa, nr, call, expected, why)
  if mathtype(call) == "integer" then
    if expected == nil or norm(call) ~= expected then note_unexplained(U, call_entry(pa, nr, call, why)) end
    return
  end
  if not call.answers then
    note_unexplained(U, call_entry(pa, nr, call, why))
    return
  end
  for i, a in ipairs(call.answers) do
    if expected == nil or norm(a) ~= expected then
      note_unexplained(U, call_entry(pa, nr, call, why, i))
    end
  end
end

-- A copy of K's words and cells for split_pattern to change (K itself
-- is left as it is), and w's cells W and position pos among the words.
-- A word K does not test is inserted in order, the whole range one cell
-- whose stand-in is `rep`: the table gains a dimension of size 1, so K's
-- answers are unchanged.  The caller stores the split W in cells[w + 1].
local function with_word(K, w, rep)
  local words, cells = {}, {}
  for i, v in ipairs(K.words) do words[i] = v end
  for k, v in pairs(K.cells) do cells[k] = v end
  local W = cells[w + 1]
  local pos
  for i, v in ipairs(words) do if v == w then pos = i end end
  if not W then
    W = { rep = { rep }, F = { 0 }, V = { 0 }, C = { 1 } }
    pos = #words + 1
    for i, v in ipairs(words) do if v > w then pos = i break end end
    table.insert(words, pos, w)
  end
  return words, cells, W, pos
end

-- K with the cells of word w split along the pattern {v : v & mask == x}
-- (32-bit): every cell lies wholly inside it or wholly outside (a word K
-- does not test is added, one cell).  Cells keep their numbers; the part
-- of a cell that was on both sides inside it gets a new one.
local function split_pattern(K, w, mask, x)
  x = x & mask
  local answers = K.answers
  local words, cells, W, pos = with_word(K, w, x)
  local function meets(i) return (W.V[i] ~ x) & W.F[i] & mask == 0 end
  local function within(i) return meets(i) and mask & ~W.F[i] == 0 end
  local inside, outside = {}, {}
  for i = 1, #W.F do
    if meets(i) then inside[W.C[i]] = true end
    if not within(i) then outside[W.C[i]] = true end
  end
  local n = #W.rep
  local nw, map = { rep = {}, F = {}, V = {}, C = {} }, {}
  for c = 1, n do nw.rep[c], map[c] = W.rep[c], c end
  local new = {}
  for c = 1, n do
    if inside[c] and outside[c] then
      map[#map + 1] = c
      new[c] = #map
    end
  end
  local function leaf(F, V, C)
    nw.F[#nw.F + 1], nw.V[#nw.V + 1], nw.C[#nw.C + 1] = F, V & F, C
  end
  for i = 1, #W.F do
    local F, V, C = W.F[i], W.V[i] & W.F[i], W.C[i]
    if not meets(i) then
      leaf(F, V, C)
    elseif within(i) then
      leaf(F, V, new[C] or C)
    else
      -- the part outside, one leaf per bit of the mask the leaf leaves
      -- free (the highest first), then the part inside
      local free, fixed, val = mask & ~F & U32, F, V
      while free ~= 0 do
        local b = 0x80000000
        while b & free == 0 do b = b >> 1 end
        free = free & ~b
        leaf(fixed | b, (val & fixed) | (~x & b), C)
        fixed, val = fixed | b, (val & fixed) | (x & b)
      end
      leaf(fixed, val, new[C])
    end
  end
  -- each cell's stand-in: a value of its own
  for c = 1, #map do
    local ok = false
    for i = 1, #nw.F do
      if nw.C[i] == c and nw.rep[c] and nw.rep[c] & nw.F[i] == nw.V[i] then ok = true break end
    end
    if not ok then
      for i = 1, #nw.F do
        if nw.C[i] == c then nw.rep[c] = nw.V[i] break end
      end
    end
  end
  cells[w + 1] = nw
  -- the table: dimension pos grows from n to #map, a new index a copy of its cell's
  local stride = 1
  for i = 1, pos - 1 do stride = stride * #cells[words[i] + 1].rep end
  local m = #map
  local newtab, size = {}, #answers // n * m
  for q = 0, size - 1 do
    local low, j, high = q % stride, (q // stride) % m, q // (stride * m)
    newtab[q + 1] = answers[low + (map[j + 1] - 1) * stride + high * stride * n + 1]
  end
  return { words = words, cells = cells, answers = newtab }
end

-- The cells of word W (nil: K does not test it, one cell) inside the
-- pattern {v : v & mask == x}, after split_pattern: { [c] = true }.
local function cells_in(W, mask, x)
  if not W then return { true } end
  local set = {}
  for i = 1, #W.F do
    if (W.V[i] ~ x) & W.F[i] & mask == 0 then set[W.C[i]] = true end
  end
  return set
end

-- Does vector q of K (words of cells `fixed`: { [w] = cell or { [cell] = true } }) lie there?
local function slicer(K, fixed)
  local strides, size, ns = {}, 1, {}
  for _, w in ipairs(K.words) do
    strides[w], ns[w] = size, #K.cells[w + 1].rep
    size = size * ns[w]
  end
  return size, function(q)
    for w, c in pairs(fixed) do
      if strides[w] then
        local here = (q // strides[w]) % ns[w] + 1
        if type(c) == "table" then
          if not c[here] then return false end
        elseif here ~= c then
          return false
        end
      end
    end
    return true
  end
end

-- Set every answer of K in the cells `fixed` to `a`.
local function set_slice(K, fixed, a)
  local size, hit = slicer(K, fixed)
  for q = 0, size - 1 do
    if hit(q) then K.answers[q + 1] = a end
  end
end

-- The answers of K in the cells `fixed` (but those in the cells `but`).
local function slice_answers(K, fixed, but)
  local size, hit = slicer(K, fixed)
  local _, out_of = slicer(K, but or { [-1] = 0 })
  local out = {}
  for q = 0, size - 1 do
    if hit(q) and not (but and out_of(q)) then out[#out + 1] = K.answers[q + 1] end
  end
  return out
end

local function all_are(list, a)
  for _, x in ipairs(list) do
    if x ~= a then return false end
  end
  return a ~= nil
end

-- What the rules R of a multiplexed call give on its socketcall/ipc path
-- (arg0 & mask == the call's number) under the one meaning
-- (docs/compiler.md, "Multiplexed calls"): one action, or nil where that
-- is not one action.  explain's rules of a call never overlap, so an
-- unconditional one is the call's only rule.
--   widened: each rule with its own action and its conditions on arg1..5:
--     the action of a rule that tests none of arg1..5 (it comes first),
--     else nil (the answer depends on arg1..5);
--   not widened: R1's action where the call has an unconditional rule,
--     else the most restrictive of the default and the rules' actions (a
--     rule's before the default's among actions of one kind; nil where two
--     rules' of one kind differ: the ledger's order would decide).
local function induced(R, default, widen)
  for _, r in ipairs(R) do
    if next(r.conds) == nil then return r.action end
  end
  if widen then
    -- a rule that tests none of arg1..5 is arg0 == sub alone there, which
    -- comes before the others (its conditions begin theirs); two such with
    -- other actions collide (mux_conflict)
    local act
    for _, r in ipairs(R) do
      local only0 = true
      for a in pairs(r.conds) do
        if a ~= 0 then only0 = false end
      end
      if only0 then
        if act and act ~= r.action then return nil end
        act = r.action
      end
    end
    return act
  end
  local best, from_rule = default, false
  for _, r in ipairs(R) do
    local a, b = rank(r.action), rank(best)
    if a < b or (a == b and not from_rule) then
      best, from_rule = r.action, true
    elseif a == b and r.action ~= best then
      return nil
    end
  end
  return best
end

-- The multiplexers of a policy arch: { [nr] = { name =, subs = { [sub] = name }, mask = } }.
local function multiplexers(pa)
  local m = {}
  for name, e in pairs(pa.mux) do
    local x = m[e.nr]
    if not x then
      x = { name = pa.names[e.nr], subs = {}, mask = e.mask or U32 }
      m[e.nr] = x
    end
    x.subs[e.sub] = name
  end
  return m
end

-- An unconditional rule made conditional by a condition that always holds
-- (arg0 >= 0): on the multiplexed path it then takes the most restrictive
-- action (not widened) instead of deciding it (R1).
local function always(r)
  if next(r.conds) ~= nil then return r end
  return { action = r.action, conds = { [0] = { ">=", 0 } } }
end

-- The rules of the multiplexers of `pa` given the rules `rules` (by name)
-- the policy has: { [name] = rules }; the cells where the program's
-- socketcall/ipc answers are not what the rules give there; and the names
-- whose rules must be conditional (always) for the rules to give them.
--
-- Under the one meaning a rule on a call lands on the multiplexer's path
-- arg0 & mask == its number (mask: the bits the kernel dispatches on), in
-- the multiplexer's order among its own rules.  That path must answer as
-- the call's rules give it (induced); where the program answers the call's
-- number itself (arg0 == sub, as libseccomp compares it) as the widened
-- rules do and the rest of the path as the clamped ones, a rule of the
-- multiplexer on arg0 == sub, added before the call's (equal conditions:
-- the earlier in the ledger first), gives the number its answer, and the
-- call's rules, made conditional where they are not, the rest.  Elsewhere
-- the multiplexer's own rules never meet a path, so their order does not
-- matter.
local function mux_rules(pa, rules, default, widen)
  local out, bad, conditional = {}, {}, {}
  for nr, m in pairs(multiplexers(pa)) do
    local K = clean(pa.calls[nr], default)
    if mathtype(K) == "integer" then
      K = { words = {}, cells = {}, answers = { K } }
    end
    local one = K.answers and not K.lost and K.answers[1]
    for _, a in ipairs(K.answers or {}) do
      if a ~= one then one = nil end
    end
    if not K.answers or K.lost then
      bad[#bad + 1] = { nr = nr, call = pa.calls[nr], why = "multiplexed" }
    elseif one and one ~= default then
      -- one answer: an unconditional rule of the multiplexer decides it
      -- all, the calls' paths too (R1)
      out[m.name] = { { action = one, conds = {} } }
    else
      local subs = {}
      for sub, name in pairs(m.subs) do
        if rules[name] and #rules[name] > 0 then subs[#subs + 1] = sub end
      end
      sort(subs)
      -- every path and its number its own cells
      for _, sub in ipairs(subs) do
        K = split_pattern(K, 0, m.mask, sub)
        K = split_pattern(K, 0, U32, sub)
      end
      if not pa.low and #subs > 0 then K = split_pattern(K, 1, U32, 0) end
      local function path(sub)
        return { [0] = cells_in(K.cells[1], m.mask, sub) }
      end
      local function point(sub)
        local f = { [0] = cells_in(K.cells[1], U32, sub) }
        if not pa.low then f[1] = cells_in(K.cells[2], U32, 0) end
        return f
      end
      local wrong, right, points = {}, {}, {}
      for _, sub in ipairs(subs) do
        local name = m.subs[sub]
        local R = rules[name]
        local I = induced(R, default, widen)
        if all_are(slice_answers(K, path(sub)), I) then
          right[#right + 1] = sub
        else
          -- libseccomp's way: the widened answer on the number alone
          local Wd, Rc = induced(R, default, true), {}
          for i, r in ipairs(R) do Rc[i] = always(r) end
          local C = induced(Rc, default, false)
          local onpoint = slice_answers(K, point(sub))
          local others = slice_answers(K, path(sub), point(sub))
          if not widen and Wd and C and Wd ~= C and all_are(onpoint, Wd) and (#others == 0 or all_are(others, C)) then
            points[#points + 1] = { sub = sub, action = Wd }
            for _, r in ipairs(R) do
              if next(r.conds) == nil then conditional[name] = true end
            end
          else
            wrong[#wrong + 1] = { sub = sub, name = name, I = I }
          end
        end
      end
      for _, w in ipairs(wrong) do
        local fixed = path(w.sub)
        bad[#bad + 1] = { nr = nr, call = K, fixed = fixed, expected = w.I, name = w.name, sub = w.sub,
                          answers = slice_answers(K, fixed) }
        set_slice(K, fixed, default)
      end
      for _, p in ipairs(points) do set_slice(K, path(p.sub), default) end
      -- the paths the calls' rules answer right: covered by the
      -- multiplexer's rules too (the same answer there: their order does
      -- not matter), or left to the default, whichever takes fewer rules
      local R, why = call_rules(K, default, pa.low)
      if R and #right > 0 then
        local K2 = { words = K.words, cells = K.cells, answers = {} }
        for i, a in ipairs(K.answers) do K2.answers[i] = a end
        for _, sub in ipairs(right) do set_slice(K2, path(sub), default) end
        local R2 = call_rules(K2, default, pa.low)
        if R2 and #R2 < #R then R = R2 end
      end
      if R then
        for _, p in ipairs(points) do
          R[#R + 1] = { action = p.action, conds = { [0] = { "==", p.sub } }, first = true }
        end
        out[m.name] = R
      else
        bad[#bad + 1] = { nr = nr, call = pa.calls[nr], why = why }
        out[m.name] = {}
      end
    end
  end
  return out, bad, conditional
end

-- The greatest number the rules (by name) name on policy arch pa, as the
-- module counts them for unknown = "enosys": direct numbers and the
-- socketcall/ipc numbers where the call is multiplexed.
local function policy_max(pa, rules)
  local max
  for name, R in pairs(rules) do
    if #R > 0 then
      local nr = pa.byname[name]
      if nr and in_ranges(pa.ranges, nr) and (not max or u32(nr) > max) then max = u32(nr) end
      local m = pa.mux[name]
      if m and (not max or m.nr > max) then max = m.nr end
    end
  end
  return max
end

-- The rules every policy arch in `group` has on each name, if they agree:
-- { [name] = rules } (the 64-bit arches' version where the low-word ones
-- read it the same), or nil and the name that differs.
local function agree(group, field)
  local names, out = {}, {}
  for _, pa in ipairs(group) do
    for name, R in pairs(pa[field]) do
      if #R > 0 then names[name] = true end
    end
  end
  for name in pairs(names) do
    local ref
    for _, pa in ipairs(group) do
      local R = pa[field][name]
      if R and (not ref or (ref.pa.low and not pa.low)) then ref = { pa = pa, R = R } end
    end
    for _, pa in ipairs(group) do
      local mine = pa[field][name]
      local has = pa.byname[name] and in_ranges(pa.ranges, pa.byname[name])
      if has or mine then
        if not mine then return nil, name end -- in its tail: the rules would move its threshold
        local theirs = (pa.low and not ref.pa.low) and rules_low(ref.R) or ref.R
        if rules_key(theirs) ~= rules_key(mine) then return nil, name end
      end
    end
    out[name] = ref.R
  end
  return out
end

-- Would libseccomp refuse the rules R of a call that pa also routes through
-- socketcall/ipc?  There it puts every rule with arg0 == the call's number
-- in place of the rule's own test of arg0: two rules alike but for arg0,
-- with different actions, collide (EEXIST).
local function mux_conflict(R)
  local seen = {}
  for _, r in ipairs(R) do
    local rest = {}
    for a, c in pairs(r.conds) do
      if a ~= 0 then rest[#rest + 1] = cond_text(a, c) end
    end
    sort(rest)
    local key = concat(rest, ";")
    if seen[key] and seen[key] ~= r.action then return true end
    seen[key] = r.action
  end
  return false
end

-- explain's work: the policies of the program, and the report.
local function explain(p, opts, level, fname)
  local P = partition(fname or "explain", p, opts, level + 1)
  local U = unexplained_list()
  -- the bad-arch action: what values no arch has get
  local votes, foreign = {}, {}
  for _, A in ipairs(P.arches) do
    if A.foreign then
      foreign[#foreign + 1] = A
      if A.answer and nameable(norm(A.answer)) then count_votes(votes, norm(A.answer)) end
    end
  end
  local badarch = most_common(votes) or core.ACT_KILL_THREAD
  for _, A in ipairs(foreign) do
    local where = { name = A.data }
    if A.answer then
      note_call(U, where, -1, A.answer, badarch, "an arch value no arch has, answered otherwise")
    else
      for nr, call in pairs(A.calls) do
        note_call(U, where, nr, call, badarch, "an arch value no arch has, answered by the number")
      end
    end
  end
  -- the policy arches: those whose calls are not all answered as bad arches
  local pas = {}
  for _, A in ipairs(P.arches) do
    if not A.foreign then
      -- x86_64's value carries x32's calls; -1 is x86_64's where the
      -- policy has x86_64, else x32's (as libseccomp's programs and the
      -- module's place it)
      local list = A.name == "x86_64" and { { "x86_64", X86_64_ONLY }, { "x32", RANGES.x32 } }
        or { { A.name, ALL_NUMBERS } }
      local has_x86_64 = false
      for _, d in ipairs(list) do
        local ranges, test = d[2], d[2]
        if d[1] == "x86_64" then
          has_x86_64 = differs_from(policy_arch(P, A, "x86_64", ranges), badarch)
          if has_x86_64 then ranges = RANGES.x86_64 end
        elseif d[1] == "x32" then
          -- x32 is there when its own numbers (the x32 bit, not the sign
          -- bit) get other answers than bad-arch ones
          test = X32_NUMBERS
          if not has_x86_64 then ranges = X32_AND_MINUS_1 end
        end
        local differs = differs_from(policy_arch(P, A, d[1], test), badarch)
        local pa = policy_arch(P, A, d[1], ranges)
        if differs and not same_order(P, pa.name) then
          if pa.constant then
            note_call(U, pa, -1, pa.constant, badarch, "an arch of the other byte order")
          else
            for nr, call in pairs(pa.calls) do
              note_call(U, pa, nr, call, badarch, "an arch of the other byte order")
            end
          end
        elseif differs then
          pas[#pas + 1] = pa
        elseif not pa.constant then
          -- left out: every number it owns must get the bad-arch action
          for nr, call in pairs(pa.calls) do
            note_call(U, pa, nr, call, badarch, "numbers of an arch the policy leaves out, answered otherwise")
          end
        end
      end
    end
  end
  -- this machine's arch first, then in the module's order
  local native, order = core.arch_name(core.native_arch()), {}
  for i, name in ipairs(P.order) do order[name] = i end
  order[native] = 0
  sort(pas, function(a, b) return order[a.name] < order[b.name] end)
  -- the greatest number not answered ENOSYS, per arch: above it, unknown = "enosys"
  for _, pa in ipairs(pas) do
    if not pa.constant then
      for _, st in pairs(pa.cells) do
        if st.below and not all_equal(st.call, ENOSYS) and (not pa.M or st.below > pa.M) then pa.M = st.below end
      end
    end
  end
  -- the default action: what the numbers no syscall has get, below that
  votes = {}
  for _, pa in ipairs(pas) do
    if pa.constant then
      count_votes(votes, pa.constant)
    else
      for _, st in pairs(pa.cells) do
        if st.size > st.named and pa.M and st.min <= pa.M then
          local v = {}
          for _, a in ipairs(answers_of(st.call)) do
            if nameable(a) then count_votes(v, a) end
          end
          local a = most_common(v)
          if a then count_votes(votes, a) end
        end
      end
    end
  end
  local default = most_common(votes)
  if not default then
    for _, pa in ipairs(pas) do
      for _, call in pairs(pa.calls) do
        for _, a in ipairs(answers_of(call)) do
          if nameable(a) then count_votes(votes, a) end
        end
      end
    end
    default = most_common(votes) or badarch
  end
  local unknown = false
  if default ~= ENOSYS then
    for _, pa in ipairs(pas) do
      for _, st in pairs(pa.cells) do
        if st.size > st.named and (not pa.M or st.min > pa.M) and all_equal(st.call, ENOSYS) then unknown = true end
      end
    end
  end
  -- every syscall's rules, per arch (the multiplexers' later)
  for _, pa in ipairs(pas) do
    pa.rules = {}
    local muxnr = {}
    for _, e in pairs(pa.mux) do muxnr[e.nr] = true end
    if pa.constant then
      for _, name in ipairs(core.syscalls(pa.name)) do
        local nr = core.syscall(name, pa.name)
        if nr then pa.byname[name], pa.names[nr] = nr, name end
      end
      for _, name in pairs(pa.names) do
        pa.rules[name] = pa.constant ~= default and { { action = pa.constant, conds = {} } } or {}
      end
      if pa.constant ~= default then
        note_unexplained(U, { arch = pa.name, reason = "numbers no syscall name stands for", action = pa.constant })
      end
    else
      for nr, name in pairs(pa.names) do
        local call = pa.calls[nr]
        if not muxnr[nr] and not (unknown and pa.M and u32(nr) > pa.M) then
          local K = clean(call, default, function(pos)
            note_unexplained(U, call_entry(pa, nr, call, UNNAMED_ACTION, pos))
          end)
          local R, why = call_rules(K, default, pa.low)
          if not R then
            note_call(U, pa, nr, call, nil, why)
            R = {}
          end
          pa.rules[name] = R
        end
      end
    end
  end
  -- one policy for every arch, where their rules agree; else one each
  local groups
  local function try(gs, widen)
    local bad = 0
    for _, g in ipairs(gs) do
      local rules, name = agree(g, "rules")
      if not rules then return nil, name end
      g.rules = rules
      g.mux_bad = {}
      g.dropped = {}
      for _, pa in ipairs(g) do
        for mname in pairs(pa.mux) do
          if rules[mname] and #rules[mname] > 0 and mux_conflict(rules[mname]) then
            rules[mname] = {}
            g.dropped[mname] = true
          end
        end
      end
      -- the multiplexers' rules; where a call's unconditional rule must be
      -- made conditional for them, once more with it (every arch's paths
      -- of that call change)
      local function mux_pass()
        local more, nbad = false, 0
        g.mux_bad = {}
        for _, pa in ipairs(g) do
          local mr, mb, cond = mux_rules(pa, rules, default, widen)
          pa.muxrules = mr
          for _, b in ipairs(mb) do
            b.pa = pa
            g.mux_bad[#g.mux_bad + 1] = b
            nbad = nbad + 1
          end
          for name in pairs(cond) do
            local R = {}
            for i, r in ipairs(rules[name]) do R[i] = always(r) end
            rules[name] = R
            more = true
          end
        end
        return more, nbad
      end
      local more, nbad = mux_pass()
      if more then more, nbad = mux_pass() end
      if more then return nil, "multiplexed" end
      bad = bad + nbad
      local mrules, mname = agree(g, "muxrules")
      if not mrules then return nil, mname end
      for name, R in pairs(mrules) do g.rules[name] = R end
      -- unknown = "enosys": the greatest number each arch's rules name is
      -- the one the program's threshold stands at (a rule that never
      -- matches names it where no rule does)
      if unknown then
        g.markers = {}
        for _, pa in ipairs(g) do
          local max = policy_max(pa, g.rules)
          if pa.M and (not max or max < pa.M) and pa.names[pa.M] then
            local name = pa.names[pa.M]
            g.markers[name] = true
            g.rules[name] = { { action = ENOSYS, conds = { [0] = { ">", -1 } }, marker = true } }
          end
        end
        for _, pa in ipairs(g) do
          local max = policy_max(pa, g.rules)
          if #g > 1 and pa.M and max and max > pa.M then return nil, "unknown" end
          pa.max = max
        end
      end
    end
    return bad
  end
  local function singles()
    local gs = {}
    for i, pa in ipairs(pas) do gs[i] = { pa } end
    return gs
  end
  local widen = false
  groups = { pas }
  local bad = try(groups, false)
  if bad == nil then
    groups = singles()
    bad = try(groups, false)
  end
  if bad and bad > 0 then
    local g2 = #groups == 1 and #pas > 1 and { pas } or singles()
    local bad2 = try(g2, true)
    if bad2 and bad2 < bad then
      groups, widen = g2, true
    else
      try(groups, false)
    end
  end
  -- the calls whose rules libseccomp would refuse on a multiplexer
  for _, g in ipairs(groups) do
    for name in pairs(g.dropped or {}) do
      for _, pa in ipairs(g) do
        local nr = pa.byname[name]
        if nr and pa.calls[nr] ~= nil then
          note_call(U, pa, nr, clean(pa.calls[nr], default), default, ("rules on %s that differ only in arg0 "
            .. "collide on the socketcall/ipc path (libseccomp refuses them there: EEXIST)"):format(name))
        end
      end
    end
  end
  -- what the multiplexed paths answer that the rules do not say
  for _, g in ipairs(groups) do
    for _, b in ipairs(g.mux_bad or {}) do
      if b.fixed then
        local answers = b.answers
        local why = ("a rule on %s also decides this %s path (arg0 == %d)"):format(b.name, b.pa.names[b.nr] or "multiplexer", b.sub)
        for _, a in ipairs(answers) do
          if a ~= b.expected then
            note_unexplained(U, { arch = b.pa.name, nr = b.nr, syscall = b.pa.names[b.nr], args = { b.sub, 0, 0, 0, 0, 0 },
                                  action = a, reason = why })
          end
        end
      else
        note_call(U, b.pa, b.nr, b.call, nil, b.why)
      end
    end
  end
  -- the multiplexers' answers no action names
  for _, pa in ipairs(pas) do
    for nr in pairs(multiplexers(pa)) do
      clean(pa.calls[nr], default, function(pos)
        note_unexplained(U, call_entry(pa, nr, pa.calls[nr], UNNAMED_ACTION, pos))
      end)
    end
  end
  -- the numbers no syscall name stands for
  for _, g in ipairs(groups) do
    for _, pa in ipairs(g) do
      if not pa.constant then
        local max = pa.max
        for _, st in pairs(pa.cells) do
          -- each number of the cell that no name stands for and that diff
          -- checks (-1, the one past the table, one of each cell)
          for _, nr in ipairs(st.unnamed) do
            local expected = default
            if unknown and (not max or u32(nr) > max) then expected = ENOSYS end
            if not all_equal(pa.calls[nr], expected) then
              note_call(U, pa, nr, pa.calls[nr], expected, "numbers no syscall name stands for")
            end
          end
        end
        -- named calls no rule names, above the highest number the rules
        -- name: unknown = "enosys" gives them ENOSYS
        if unknown then
          for nr, name in pairs(pa.names) do
            local R = g.rules and g.rules[name]
            if (not R or #R == 0) and (not max or u32(nr) > max) and not all_equal(pa.calls[nr], ENOSYS) then
              note_call(U, pa, nr, pa.calls[nr], ENOSYS, "calls above the highest one the rules name on "
                .. "this arch, answered otherwise than ENOSYS")
            end
          end
        end
      end
    end
  end
  return { groups = groups, default = default, badarch = badarch, unknown = unknown, widen = widen,
           U = U, P = P, pas = pas }
end

-- One group's policy table.
local function policy_table(g, X)
  local pol = { default = action_name(X.default), arches = {},
                attrs = { badarch_action = action_name(X.badarch) } }
  for _, pa in ipairs(g) do pol.arches[#pol.arches + 1] = pa.name end
  if X.widen then pol.attrs.widen_multiplexed = true end
  if X.unknown then pol.unknown = "enosys" end
  local names = {}
  for name, R in pairs(g.rules or {}) do
    if #R > 0 then names[#names + 1] = name end
  end
  sort(names)
  local allow, order, bykey = {}, {}, {}
  for _, name in ipairs(names) do
    for _, r in ipairs(g.rules[name]) do
      local args = rule_conds(r)
      local act = action_name(r.action)
      if #args == 0 and r.action == ALLOW then
        allow[#allow + 1] = name
      else
        local key = (r.first and "first|" or "") .. act .. "|" .. concat(args, ";")
        local e = bykey[key]
        if not e then
          e = { action = act, args = #args > 0 and args or nil, syscalls = {}, marker = r.marker, first = r.first }
          bykey[key] = e
          order[#order + 1] = e
        end
        e.syscalls[#e.syscalls + 1] = name
      end
    end
  end
  -- a multiplexer's rules on a call's own number (mux_rules) before every
  -- other: the calls' rules on that path come after them in the ledger
  sort(order, function(a, b)
    if (a.first or false) ~= (b.first or false) then return a.first or false end
    if (a.args == nil) ~= (b.args == nil) then return a.args == nil end
    if a.action ~= b.action then return a.action < b.action end
    return a.syscalls[1] < b.syscalls[1]
  end)
  local rules = {}
  for _, e in ipairs(order) do
    local r = { action = e.action, args = e.args }
    if #e.syscalls == 1 then r.syscall = e.syscalls[1] else r.syscalls = e.syscalls end
    rules[#rules + 1] = r
  end
  if #allow > 0 then pol.allow = allow end
  if #rules > 0 then pol.rules = rules end
  return pol
end

---@param p seccomp.filter|string|(seccomp.filter|string)[]
---@param opts? table
function M.explain(p, opts)
  local X = explain(p, opts, 3)
  local U = X.U
  local list = {}
  for i = 1, #U do list[i] = U[i] end
  local report = { unexplained = list, total = U.total, reasons = U.kinds, exhaustive = X.P.exhaustive,
                   capped = X.P.capped, vectors = X.P.vectors }
  if #X.groups == 0 then -- every call answered as a bad arch
    local native = core.arch_name(core.native_arch())
    return { default = action_name(X.badarch), arches = { native }, attrs = { badarch_action = action_name(X.badarch) } }, report
  end
  if #X.groups == 1 then
    return policy_table(X.groups[1], X), report
  end
  local t = { badarch_action = action_name(X.badarch) }
  report.per_arch = true
  for _, g in ipairs(X.groups) do t[g[1].name] = policy_table(g, X) end
  return t, report
end

-- ===========================================================================
-- audit

-- The call runs (allow, log) / is refused (the kills, trap, errno); trace
-- and notify are neither: someone else decides.
local OPEN = { [0x7fff0000] = true, [0x7ffc0000] = true }
local DENIED = { [0x80000000] = true, [0] = true, [0x00030000] = true, [0x00050000] = true }
local function is_open(a) return OPEN[a & 0xffff0000] or false end
local function is_denied(a) return DENIED[a & 0xffff0000] or false end
local function is_enosys(a) return norm(a) == ENOSYS end

--- Calls that do what another does: a filter that refuses one while it
--- allows its twin refuses nothing (docs/inspect.md says why each is here).
M.TWINS = {
  { "execve", "execveat", why = "both run a program" },
  { "open", "openat", "openat2", "creat", why = "all open a file by its path (creat: open with O_CREAT|O_WRONLY|O_TRUNC)" },
  { "clone", "clone3", "fork", "vfork", why = "all create a process (clone, clone3: or a thread)" },
  { "socket", "socketcall", why = "socketcall(SYS_SOCKET, ...) is socket on the arches that multiplex it" },
  { "ptrace", "process_vm_readv", "process_vm_writev", why = "all read or write another process's memory" },
  { "mmap", "mmap2", why = "both map memory (mmap2 on 32-bit arches, offset in pages)" },
  { "rename", "renameat", "renameat2", why = "all rename a file" },
  { "unlink", "unlinkat", why = "both remove a file (unlinkat with flags 0)" },
  { "rmdir", "unlinkat", why = "both remove a directory (unlinkat with AT_REMOVEDIR)" },
  { "dup2", "dup3", why = "both put a copy of a descriptor on a chosen number" },
  { "pipe", "pipe2", why = "both create a pipe" },
  { "link", "linkat", why = "both make a hard link" },
  { "symlink", "symlinkat", why = "both make a symbolic link" },
  { "mkdir", "mkdirat", why = "both make a directory" },
  { "mknod", "mknodat", why = "both make a device node or FIFO" },
  { "chmod", "fchmod", "fchmodat", "fchmodat2", why = "all change a file's mode" },
  { "chown", "lchown", "fchown", "fchownat", "chown32", "lchown32", "fchown32", why = "all change a file's owner" },
  { "kill", "tkill", "tgkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo", "pidfd_send_signal",
    why = "all send a signal to another process" },
  { "setuid", "setreuid", "setresuid", "setuid32", "setreuid32", "setresuid32", why = "all change the user ids" },
  { "setgid", "setregid", "setresgid", "setgid32", "setregid32", "setresgid32", why = "all change the group ids" },
  { "mount", "move_mount", why = "both attach a file system to the tree (move_mount: the new mount API's last step)" },
  { "umount", "umount2", why = "both detach a file system" },
  { "kexec_load", "kexec_file_load", why = "both load a kernel to boot into" },
  { "init_module", "finit_module", why = "both load a kernel module" },
}

--- What each io_uring operation (IORING_OP_* of <linux/io_uring.h>, Linux
--- 6.1's list) does as a system call would; false: nothing a filter
--- decides (the ring's own bookkeeping, or no system call does it).
M.IORING_OPS = {
  NOP = false, READV = "readv", WRITEV = "writev", FSYNC = "fsync", READ_FIXED = "pread64",
  WRITE_FIXED = "pwrite64", POLL_ADD = "poll", POLL_REMOVE = false, SYNC_FILE_RANGE = "sync_file_range",
  SENDMSG = "sendmsg", RECVMSG = "recvmsg", TIMEOUT = false, TIMEOUT_REMOVE = false, ACCEPT = "accept4",
  ASYNC_CANCEL = false, LINK_TIMEOUT = false, CONNECT = "connect", FALLOCATE = "fallocate",
  OPENAT = "openat", CLOSE = "close", FILES_UPDATE = false, STATX = "statx", READ = "read",
  WRITE = "write", FADVISE = "fadvise64", MADVISE = "madvise", SEND = "sendto", RECV = "recvfrom",
  OPENAT2 = "openat2", EPOLL_CTL = "epoll_ctl", SPLICE = "splice", PROVIDE_BUFFERS = false,
  REMOVE_BUFFERS = false, TEE = "tee", SHUTDOWN = "shutdown", RENAMEAT = "renameat2",
  UNLINKAT = "unlinkat", MKDIRAT = "mkdirat", SYMLINKAT = "symlinkat", LINKAT = "linkat",
  MSG_RING = false, FSETXATTR = "fsetxattr", SETXATTR = "setxattr", FGETXATTR = "fgetxattr",
  GETXATTR = "getxattr", SOCKET = "socket", URING_CMD = "ioctl", SEND_ZC = "sendto",
  SENDMSG_ZC = "sendmsg",
}

--- The severities, most severe first.
M.SEVERITIES = { "high", "medium", "low" }

-- A finding's cell: { arch, nr, syscall, args, action } of vector pos.
local function finding_cell(pa, nr, call, pos)
  local e = call_entry(pa, nr, call, nil, pos)
  e.reason = nil
  if e.action then e.action = norm(e.action) end
  return e
end

-- The answers of a policy arch's call by name: { nr =, call = } or nil
-- where the arch has no such call.
local function named_call(pa, name)
  local nr = pa.byname[name]
  if not nr or not in_ranges(pa.ranges, nr) then return nil end
  if pa.constant then return { nr = nr, call = pa.constant } end
  local call = pa.calls[nr]
  if call == nil then return nil end
  return { nr = nr, call = call }
end

-- The cells of call c (named_call's) whose answer satisfies pred: the
-- first `max` as finding cells, and how many.
local function cells_where(pa, c, pred, max)
  local out, n = {}, 0
  if mathtype(c.call) == "integer" then
    if pred(norm(c.call)) then
      out[1] = finding_cell(pa, c.nr, c.call)
      n = 1
    end
    return out, n
  end
  for i, a in ipairs(c.call.answers or {}) do
    if pred(norm(a)) then
      n = n + 1
      if #out < max then out[#out + 1] = finding_cell(pa, c.nr, c.call, i) end
    end
  end
  return out, n
end

local function every(c, pred)
  if mathtype(c.call) == "integer" then return pred(norm(c.call)) end
  if not c.call.answers then return false end
  for _, a in ipairs(c.call.answers) do
    if not pred(norm(a)) then return false end
  end
  return true
end

local function some(c, pred)
  local _, n = cells_where({ name = "" }, c, pred, 0)
  return n > 0
end

local function add_cells(dst, src)
  for _, c in ipairs(src) do dst[#dst + 1] = c end
end

local function audit(p, opts, level)
  local X = explain(p, opts, level + 1, "audit")
  local F = {}
  local function finding(kind, severity, message, cells)
    F[#F + 1] = { kind = kind, severity = severity, message = message, cells = cells or {} }
  end
  -- arch-unchecked: values no arch has reach the rules, or pass
  for _, A in ipairs(X.P.arches) do
    if A.foreign and not A.answer then
      local cells, n = {}, 0
      for nr, call in pairs(A.calls) do
        local c, k = cells_where({ name = A.data }, { nr = nr, call = call }, function(a) return a ~= X.badarch end, 4)
        add_cells(cells, c)
        n = n + k
      end
      local known = {}
      for _, B in ipairs(X.P.arches) do
        if B.name and B.cell == A.cell then known[#known + 1] = B.name end
      end
      finding("arch-unchecked", "high",
        ("calls from arch 0x%08x, which no arch has, are answered by their number, as the program's own arches' calls: "
          .. "it does not check the arch%s (%d cells)"):format(A.data,
          #known > 0 and (" (" .. concat(known, ", ") .. " take the same path)") or "", n), cells)
    end
  end
  if is_open(X.badarch) then
    finding("arch-unchecked", "high", ("calls from arches the filter does not have get %s: every arch passes"):format(
      action_name(X.badarch)), {})
  end
  -- x32-guard: x32 numbers answered other than the x86_64 call of the same name
  local by = {}
  for _, pa in ipairs(X.pas) do by[pa.name] = pa end
  if by.x86_64 and by.x32 then
    local cells, names = {}, {}
    local list = {}
    for name in pairs(by.x32.byname) do list[#list + 1] = name end
    sort(list)
    for _, name in ipairs(list) do
      local c64, c32 = named_call(by.x86_64, name), named_call(by.x32, name)
      if c64 and c32 and some(c64, is_denied) and some(c32, is_open) then
        local r64, r32 = by.x86_64.rules[name], by.x32.rules[name]
        if not (r64 and r32 and rules_key(rules_low(r64)) == rules_key(r32)) then
          names[#names + 1] = name
          add_cells(cells, (cells_where(by.x32, c32, is_open, 1)))
          add_cells(cells, (cells_where(by.x86_64, c64, is_denied, 1)))
        end
      end
    end
    if #names > 0 then
      finding("x32-guard", "high", ("x32 calls are answered apart from the x86_64 rules: %s %s refused on x86_64 "
        .. "but allowed by %s x32 number%s"):format(concat(names, ", "), #names == 1 and "is" or "are",
        #names == 1 and "its" or "their", #names == 1 and "" or "s"), cells)
    end
  end
  -- permissive-default
  if is_open(X.default) then
    local cells = {}
    for _, pa in ipairs(X.pas) do
      for _, st in pairs(pa.cells) do
        if st.size > st.named and #cells < 4 then
          add_cells(cells, (cells_where(pa, { nr = st.nr, call = st.call }, is_open, 1)))
        end
      end
    end
    finding("permissive-default", "medium", ("the default action is %s: every call no rule names, and every call "
      .. "a newer kernel adds, is let through (a deny-list)"):format(action_name(X.default)), cells)
  end
  -- syscall-alt-gap
  for _, group in ipairs(M.TWINS) do
    local denied, open, cells, arches = {}, {}, {}, {}
    for _, pa in ipairs(X.pas) do
      local d, o = {}, {}
      for _, name in ipairs(group) do
        local c = named_call(pa, name)
        if c and every(c, is_denied) then d[#d + 1] = { name, c } end
        if c and every(c, is_open) then o[#o + 1] = { name, c } end
      end
      if #d > 0 and #o > 0 then
        arches[#arches + 1] = pa.name
        for _, x in ipairs(d) do
          if denied[x[1]] ~= false then denied[x[1]] = every(x[2], is_enosys) end
          add_cells(cells, (cells_where(pa, x[2], is_denied, 1)))
        end
        for _, x in ipairs(o) do
          open[x[1]] = true
          add_cells(cells, (cells_where(pa, x[2], is_open, 1)))
        end
      end
    end
    if #arches > 0 then
      local dn, on, fallback = {}, {}, true
      for n, enosys in pairs(denied) do
        dn[#dn + 1] = n
        fallback = fallback and enosys
      end
      for n in pairs(open) do on[#on + 1] = n end
      sort(dn)
      sort(on)
      finding("syscall-alt-gap", fallback and "low" or "medium",
        ("%s %s refused while %s %s allowed (on %s): %s%s"):format(concat(dn, ", "), #dn == 1 and "is" or "are",
          concat(on, ", "), #on == 1 and "is" or "are", concat(arches, ", "), group.why,
          fallback and "; the refusal is ENOSYS, which makes callers fall back to the twin" or ""), cells)
    end
  end
  -- io-uring-bypass
  local ops = {}
  for op in pairs(M.IORING_OPS) do ops[#ops + 1] = op end
  sort(ops)
  for _, pa in ipairs(X.pas) do
    local setup = named_call(pa, "io_uring_setup")
    if setup and some(setup, is_open) then
      local cells, what = {}, {}
      add_cells(cells, (cells_where(pa, setup, is_open, 1)))
      for _, op in ipairs(ops) do
        local name = M.IORING_OPS[op]
        local c = name and named_call(pa, name)
        if c and some(c, is_denied) then
          what[#what + 1] = ("%s (IORING_OP_%s)"):format(name, op)
          add_cells(cells, (cells_where(pa, c, is_denied, 1)))
        end
      end
      if #what > 0 then
        finding("io-uring-bypass", "high", ("io_uring_setup is allowed on %s, and a ring's operations pass no "
          .. "filter: %s, refused here (in some or all of their cells), can be done through one"):format(pa.name, concat(what, ", ")), cells)
      end
    end
  end
  -- multiplexed-widening: socketcall/ipc wider than the call's own number
  for _, pa in ipairs(X.pas) do
    local names = {}
    for name in pairs(pa.mux) do names[#names + 1] = name end
    sort(names)
    for _, name in ipairs(names) do
      local e = pa.mux[name]
      local direct, mux = named_call(pa, name), pa.calls[e.nr]
      if direct and mux and some(direct, is_denied) then
        -- the multiplexer's answers on the call's path: arg0 & mask == its
        -- number, the bits the kernel dispatches on (ipc(0x10017, ...) is
        -- shmget), whatever the high word; the first open one shown
        local open_at
        if mathtype(mux) == "integer" then
          if is_open(norm(mux)) then open_at = { args = { e.sub, 0, 0, 0, 0, 0 }, action = norm(mux) } end
        elseif mux.answers then
          local K = split_pattern(normalized(mux), 0, e.mask or U32, e.sub)
          local size, hit = slicer(K, { [0] = cells_in(K.cells[1], e.mask or U32, e.sub) })
          for q = 0, size - 1 do
            if hit(q) and is_open(K.answers[q + 1]) then
              open_at = { args = (vector_args(K, q + 1)), action = K.answers[q + 1] }
              break
            end
          end
        end
        if open_at then
          local cells = cells_where(pa, direct, is_denied, 2)
          cells[#cells + 1] = { arch = pa.name, nr = e.nr, syscall = pa.names[e.nr], args = open_at.args,
                                action = open_at.action }
          finding("multiplexed-widening", "medium", ("%s is refused in some cells on %s, but %s(%s, ...), which "
            .. "does the same call with its arguments in memory no filter can read, is allowed"):format(name,
            pa.name, pa.names[e.nr] or "the multiplexer",
            open_at.args[1] == e.sub and tostring(e.sub) or ("0x%x"):format(open_at.args[1])), cells)
        end
      end
    end
  end
  local order = {}
  for i, sv in ipairs(M.SEVERITIES) do order[sv] = i end
  sort(F, function(a, b)
    if a.severity ~= b.severity then return order[a.severity] < order[b.severity] end
    if a.kind ~= b.kind then return a.kind < b.kind end
    return a.message < b.message
  end)
  return F, X
end

---@param p seccomp.filter|string|(seccomp.filter|string)[]
---@param opts? table
function M.audit(p, opts)
  local F = audit(p, opts, 3)
  return F
end

-- ===========================================================================
-- A policy as Lua source

local MARKER = "arg0 > 0xffffffffffffffff"

local function quote_list(items, indent, width, trailing)
  local lines, line = {}, indent
  for i, v in ipairs(items) do
    local item = ("%q"):format(v) .. ((trailing or i < #items) and "," or "")
    if #line > #indent and #line + 1 + #item > width then
      lines[#lines + 1] = line
      line = indent .. item
    else
      line = line .. (#line > #indent and " " or "") .. item
    end
  end
  if #line > #indent then lines[#lines + 1] = line end
  return lines
end

--- Lua source that returns `policy` (a policy table as explain gives it),
--- as seccomp.load_policy reads it.  `header`: comment lines put first.
function M.source(policy, header)
  local L = {}
  for _, h in ipairs(header or {}) do L[#L + 1] = "-- " .. h end
  L[#L + 1] = "return {"
  L[#L + 1] = ("  default = %q,"):format(policy.default)
  if policy.arches then
    L[#L + 1] = "  arches = { " .. concat(quote_list(policy.arches, "", 1e9), "") .. " },"
  end
  if policy.attrs then
    local keys, parts = {}, {}
    for k in pairs(policy.attrs) do keys[#keys + 1] = k end
    sort(keys)
    for _, k in ipairs(keys) do
      local v = policy.attrs[k]
      parts[#parts + 1] = ("%s = %s"):format(k, type(v) == "string" and ("%q"):format(v) or tostring(v))
    end
    L[#L + 1] = "  attrs = { " .. concat(parts, ", ") .. " },"
  end
  if policy.unknown then
    L[#L + 1] = "  -- numbers above the highest one the rules name (per arch) return ENOSYS"
    L[#L + 1] = ("  unknown = %q,"):format(policy.unknown)
  end
  if policy.allow then
    L[#L + 1] = "  allow = {"
    for _, l in ipairs(quote_list(policy.allow, "    ", 100, true)) do L[#L + 1] = l end
    L[#L + 1] = "  },"
  end
  if policy.rules then
    L[#L + 1] = "  rules = {"
    for _, r in ipairs(policy.rules) do
      local parts = { ("action = %q"):format(r.action) }
      if r.syscall then
        parts[#parts + 1] = ("syscall = %q"):format(r.syscall)
      else
        parts[#parts + 1] = "syscalls = { " .. concat(quote_list(r.syscalls, "", 1e9), "") .. " }"
      end
      if r.args then
        parts[#parts + 1] = "args = { " .. concat(quote_list(r.args, "", 1e9), "") .. " }"
      end
      local line = "    { " .. concat(parts, ", ") .. " },"
      if r.args and #r.args == 1 and r.args[1] == MARKER then
        line = line .. " -- never holds: names the call so that the numbers above it return ENOSYS"
      end
      L[#L + 1] = line
    end
    L[#L + 1] = "  },"
  end
  L[#L + 1] = "}"
  return concat(L, "\n") .. "\n"
end

return M
