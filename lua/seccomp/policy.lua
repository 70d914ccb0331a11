--- seccomp.policy: policy tables and the small Lua additions to filters.
---
--- Private to the binding: use it through `require "seccomp"`
--- (`seccomp.filter{...}`, `seccomp.load_policy`, `seccomp.load_policy_string`,
--- `f:allow`, `f:deny`).
---
--- Nothing here parses a name or a condition: every value goes through
--- `seccomp.core.parse`, the core's own parsers, and every change through
--- the core's filter methods.  What this file adds is the walk over the table,
--- the location of each mistake (`rules[3].args[1]`, and the file and line
--- when the policy came from a file), and atomicity: a policy either builds
--- completely or the half-built filter is released and the error raised.
local core = require "seccomp.core"

local parse = core.parse
local private = core._private -- the core's helpers for lua/seccomp: call, unknown_key
local type, pairs, ipairs, select, tostring, error, pcall =
      type, pairs, ipairs, select, tostring, error, pcall
local getmetatable, setmetatable, next = getmetatable, setmetatable, next
local mathtype = math.type
local sort, concat = table.sort, table.concat

local P = {}

local MAX_CONDS = 6 -- libseccomp: one comparison per syscall argument

-- The filter userdata's metatable and method table (the core's own), where
-- the Lua additions go.
local filter_mt
do
  local probe = core.filter("allow")
  filter_mt = getmetatable(probe)
  probe:release()
end
local methods = filter_mt.__index
local add_rule, add_rule_exact = methods.add_rule, methods.add_rule_exact
local set_priority, set_attr = methods.set_priority, methods.set_attr
local add_arch, remove_arch, release = methods.add_arch, methods.remove_arch, methods.release
local set_origin = methods._set_origin

-- ---------------------------------------------------------------------------
-- Where a filter came from: tostring(f) names the policy file.

local origins = setmetatable({}, { __mode = "k" })

do
  local c_tostring = filter_mt.__tostring
  filter_mt.__tostring = function(f)
    local s = c_tostring(f)
    local origin = origins[f]
    if origin and s:sub(-1) == ")" then
      s = s:sub(1, -2) .. "; from " .. origin .. ")"
    end
    return s
  end
end

-- ---------------------------------------------------------------------------
-- Locations and failures

-- A located failure while walking a policy (seccomp.located): raised as a
-- string with its place when it is a bad value, as the core's error object
-- when it is a libseccomp failure.
local located = require "seccomp.located"
local Failure, fail, call, argument_error = located.Failure, located.fail, located.call, located.argument_error

local function keyrepr(k)
  if type(k) == "string" then
    return ("%q"):format(k)
  end
  return tostring(k)
end

-- A key as a message quotes it: 'alow', 1.
local function quote(k)
  if type(k) == "string" then
    return ("'%s'"):format(k)
  end
  return tostring(k)
end

local function subpath(path, key)
  if type(key) == "string" and key:match("^[%a_][%w_]*$") then
    return path == "" and key or path .. "." .. key
  end
  return path .. "[" .. keyrepr(key) .. "]"
end

-- "string 'read'", "number 3", "boolean": the value a message complains about.
local function describe(v)
  local t = type(v)
  if t == "string" then
    return ("string '%s'"):format(#v > 40 and v:sub(1, 40) .. "..." or v)
  elseif t == "number" then
    return "number " .. tostring(v)
  end
  return t
end

local function sorted_keys(set)
  local list = {}
  for k in pairs(set) do
    list[#list + 1] = k
  end
  sort(list, function(a, b)
    if type(a) == type(b) and (type(a) == "string" or type(a) == "number") then
      return a < b
    end
    return type(a) < type(b)
  end)
  return list
end

-- A table of the policy must be a plain one.  A table with a metatable (a
-- read-only proxy whose __index reads another table, or one whose __pairs
-- hides keys) can show indexing and pairs() something other than what it
-- holds: walking it could build fewer rules than the user sees, or let a
-- misspelled key past check_keys.  Condition objects from seccomp.arg are
-- userdata, not tables, and are not concerned.
local function plain(t, path, node, what)
  if type(t) == "table" and getmetatable(t) ~= nil then
    fail(path, node or t, ("%s is a table with a metatable (a proxy or read-only table?): "
      .. "refused, since what it holds may differ from what indexing and pairs() show; "
      .. "give a plain table"):format(what))
  end
end

-- Every key of `t` must be one of `names` (a sorted list); the first
-- unknown one (in sorted order, so the message does not depend on pairs())
-- is the error.
local function check_keys(t, path, names, what)
  plain(t, path, nil, (what:gsub("^an? ", "the ")))
  local k, msg = private.unknown_key(t, names, "key", what .. " has the keys")
  if k == nil then
    return
  end
  local node = type(t[k]) == "table" and t[k] or t -- a table's line is the key's line
  if type(k) ~= "string" then
    fail(path, node, ("unexpected entry [%s] (%s has the keys %s)"):format(
      quote(k), what, concat(names, ", ")))
  end
  fail(path, node, msg)
end

-- A list: keys 1..n and nothing else. Returns n.
local function check_list(v, path, node, what)
  if type(v) ~= "table" then
    local hint = ""
    if type(v) == "string" or type(v) == "number" then
      hint = (" (a list, even of one: { %s })"):format(type(v) == "string" and ("%q"):format(v) or tostring(v))
    end
    fail(path, node, ("%s expected, got %s%s"):format(what, describe(v), hint))
  end
  plain(v, path, node, "the " .. what)
  local n, max, bad = 0, 0, {}
  for k in pairs(v) do
    if mathtype(k) == "integer" and k >= 1 then
      n = n + 1
      if k > max then
        max = k
      end
    else
      bad[k] = true
    end
  end
  local k = sorted_keys(bad)[1]
  if k ~= nil then
    fail(path, v, ("unexpected key %s in a %s"):format(quote(k), what))
  end
  if n ~= max then
    for i = 1, max do
      if v[i] == nil then
        fail(subpath(path, i), v, ("nil in the middle of a %s (a misspelled variable?)"):format(what))
      end
    end
  end
  return max
end

-- ---------------------------------------------------------------------------
-- The walk

local TOP_KEYS = { "allow", "arches", "attrs", "default", "rules", "unknown" }
local RULE_KEYS = { "action", "args", "exact", "priority", "syscall", "syscalls" }

local function parsed(kind, v, path, node)
  local r, msg = parse(kind, v)
  if r == nil then
    fail(path, node, msg)
  end
  return r
end

local function apply_attrs(f, attrs)
  if type(attrs) ~= "table" then
    fail("attrs", nil, ("table of attributes expected, got %s"):format(describe(attrs)))
  end
  plain(attrs, "attrs", nil, "the table of attributes")
  for _, k in ipairs(sorted_keys(attrs)) do
    local p = subpath("attrs", k)
    if type(k) ~= "string" then
      fail(p, attrs, ("attribute names are strings (nnp = true), got %s"):format(describe(k)))
    end
    if k == "default_action" then
      fail(p, attrs, "the default action is set by the policy's 'default' key")
    end
    local loc = { p, attrs }
    call({ at = loc, [2] = loc, [3] = loc }, set_attr, f, k, attrs[k])
  end
end

local function apply_arches(f, arches)
  local n = check_list(arches, "arches", nil, "list of arches")
  if n == 0 then
    fail("arches", arches, "empty list: a filter needs at least one arch "
      .. "(leave 'arches' out for the native arch alone)")
  end
  local tokens, seen = {}, {}
  for i = 1, n do
    local p = subpath("arches", i)
    local tok = parsed("arch", arches[i], p, arches)
    if seen[tok] then
      local v = arches[i]
      local what = v == core.arch_name(tok) and quote(v) or ("%s (%s)"):format(quote(v), core.arch_name(tok))
      fail(p, arches, ("duplicate arch: %s is already listed as arches[%d]"):format(what, seen[tok]))
    end
    seen[tok], tokens[i] = i, tok
  end
  -- `arches` is the complete set: native goes first when it is not listed,
  -- so that an arch of the other byte order can then be added.
  local native = core.native_arch()
  if not seen[native] then
    call({ at = { "arches", arches } }, remove_arch, f, native)
  end
  for i = 1, n do
    if tokens[i] ~= native then
      local loc = { subpath("arches", i), arches }
      call({ at = loc, [2] = loc }, add_arch, f, tokens[i])
    end
  end
end

local function apply_allow(f, allow)
  local n = check_list(allow, "allow", nil, "list of syscalls")
  local allow_action = core.ACT_ALLOW
  for i = 1, n do
    local loc = { subpath("allow", i), allow }
    local sys = parsed("syscall", allow[i], loc[1], allow)
    -- the name as given, so that the rule ledger lists it by name
    call({ at = loc, [3] = loc }, add_rule, f, allow_action, type(allow[i]) == "string" and allow[i] or sys)
    set_origin(f, loc[1])
  end
end

local function apply_rule(f, rule, path)
  if type(rule) ~= "table" then
    fail(path, nil, ("rule expected (a table), got %s"):format(describe(rule)))
  end
  plain(rule, path, nil, "the rule")
  local action_loc, syscalls, syscalls_path, conds_v, conds_paths, exact, priority
  if rule[1] ~= nil then
    -- positional: { action, syscall, cond... }
    for k in pairs(rule) do
      if type(k) == "string" then
        fail(path, rule, ("mixes positional entries with the key '%s': write a rule either as "
          .. "{ action, syscall, cond... } or with keys"):format(k))
      end
    end
    local n = check_list(rule, path, nil, "positional rule { action, syscall, cond... }")
    if n < 2 then
      fail(subpath(path, 2), rule, "syscall missing (a positional rule is { action, syscall, cond... })")
    end
    if n - 2 > MAX_CONDS then
      fail(path, rule, ("%d conditions; a rule takes at most %d (one per syscall argument)"):format(
        n - 2, MAX_CONDS))
    end
    action_loc = { subpath(path, 1), rule }
    syscalls, syscalls_path = { rule[2] }, { subpath(path, 2) }
    conds_v, conds_paths = {}, {}
    for i = 3, n do
      conds_v[i - 2], conds_paths[i - 2] = rule[i], subpath(path, i)
    end
  else
    check_keys(rule, path, RULE_KEYS, "a keyed rule")
    if rule.action == nil then
      fail(path, rule, "missing key 'action'")
    end
    action_loc = { subpath(path, "action"), rule }
    if rule.syscall ~= nil and rule.syscalls ~= nil then
      fail(path, rule, "has both 'syscall' and 'syscalls': use one")
    elseif rule.syscall ~= nil then
      syscalls, syscalls_path = { rule.syscall }, { subpath(path, "syscall") }
    elseif rule.syscalls ~= nil then
      local sp = subpath(path, "syscalls")
      local n = check_list(rule.syscalls, sp, rule, "list of syscalls")
      if n == 0 then
        fail(sp, rule.syscalls, "empty list: a rule needs at least one syscall")
      end
      syscalls, syscalls_path = {}, {}
      for i = 1, n do
        syscalls[i], syscalls_path[i] = rule.syscalls[i], subpath(sp, i)
      end
    else
      fail(path, rule, "missing key 'syscall' (or 'syscalls', a list)")
    end
    conds_v, conds_paths = {}, {}
    if rule.args ~= nil then
      local ap = subpath(path, "args")
      local n = check_list(rule.args, ap, rule, "list of conditions")
      if n > MAX_CONDS then
        fail(ap, rule.args, ("%d conditions; a rule takes at most %d (one per syscall argument)"):format(
          n, MAX_CONDS))
      end
      for i = 1, n do
        conds_v[i], conds_paths[i] = rule.args[i], subpath(ap, i)
      end
    end
    if rule.exact ~= nil and type(rule.exact) ~= "boolean" then
      fail(subpath(path, "exact"), rule, ("boolean expected, got %s"):format(describe(rule.exact)))
    end
    exact, priority = rule.exact, rule.priority
  end

  -- checked here, located; given to add_rule as written (a bare "errno" is noted)
  local action = rule[1] == nil and rule.action or rule[1]
  parsed("action", action, action_loc[1], rule)
  local conds_node = rule[1] == nil and rule.args or rule
  local conds, locs = {}, { [2] = action_loc }
  for i = 1, #conds_v do
    plain(conds_v[i], conds_paths[i], conds_node, "the condition")
    local c, msg = parse("cond", conds_v[i])
    if c == nil then
      if rule[1] == nil and i == 1 and mathtype(conds_v[1]) == "integer" then
        msg = msg .. " (args is a list of conditions: args = { { 1, '==', 2 } })"
      end
      fail(conds_paths[i], conds_node, msg)
    end
    conds[i] = c
    locs[3 + i] = { conds_paths[i], conds_node }
  end
  local add = exact and add_rule_exact or add_rule
  local syscalls_node = rule[1] == nil and rule.syscalls or rule
  for i = 1, #syscalls do
    local sloc = { syscalls_path[i], syscalls_node }
    local sys = parsed("syscall", syscalls[i], sloc[1], sloc[2])
    locs.at, locs[3] = { path, rule }, sloc
    call(locs, add, f, action, type(syscalls[i]) == "string" and syscalls[i] or sys,
      table.unpack(conds, 1, #conds_v))
    set_origin(f, path)
    if priority ~= nil then
      local ploc = { subpath(path, "priority"), rule }
      call({ at = ploc, [2] = sloc, [3] = ploc }, set_priority, f, sys, priority)
    end
  end
end

local function apply_rules(f, rules)
  local n = check_list(rules, "rules", nil, "list of rules")
  for i = 1, n do
    apply_rule(f, rules[i], subpath("rules", i))
  end
end

-- unknown = "enosys": numbers above the highest syscall the policy names
-- return ENOSYS; the filter attribute 'unknown' does it.
local function apply_unknown(f, v)
  if v ~= "enosys" then
    fail("unknown", nil, ("\"enosys\" expected, got %s"):format(describe(v)))
  end
  call({ at = { "unknown", nil } }, set_attr, f, "unknown", v)
end

-- Build the filter of a policy table; `ctx.f` holds it as soon as it exists,
-- so that the caller can release it on error.
local function build(policy, ctx)
  check_keys(policy, "", TOP_KEYS, "a policy")
  if policy.default == nil then
    fail("", policy, "missing key 'default' (the action for every syscall no rule matches, "
      .. "e.g. default = \"kill_process\")")
  end
  parsed("action", policy.default, "default", policy)
  local loc = { "default", policy }
  -- the action as written, so that a bare "errno" is noted (f:notes()) as at "default"
  local f = call({ at = loc, [1] = loc }, core.filter, policy.default)
  ctx.f = f
  set_origin(f, "default")
  if policy.attrs ~= nil then
    apply_attrs(f, policy.attrs)
  end
  if policy.arches ~= nil then
    apply_arches(f, policy.arches)
  end
  if policy.allow ~= nil then
    apply_allow(f, policy.allow)
  end
  if policy.rules ~= nil then
    apply_rules(f, policy.rules)
  end
  if policy.unknown ~= nil then
    apply_unknown(f, policy.unknown)
  end
  return f
end

-- The line a table of the policy was written on (ctx.lines, when the policy
-- came from a chunk), or that of the nearest enclosing table.
local function line_of(ctx, policy, failure)
  local lines = ctx.lines
  if not lines then
    return nil
  end
  if failure.node and lines[failure.node] then
    return lines[failure.node]
  end
  -- not a table of its own: find the innermost table on the failure's path
  local t, best = policy, lines[policy]
  for key in failure.path:gmatch("[^.%[%]]+") do
    if type(t) ~= "table" then
      break
    end
    local k = tonumber(key) or key:match('^"(.*)"$') or key
    t = t[k]
    if type(t) == "table" and lines[t] then
      best = lines[t]
    end
  end
  return best
end

-- The value to raise for a failure: "name:line: path: message" (a string),
-- or the core's error object with `path` set and its message prefixed with
-- it; for a policy file its `where` becomes the policy's "name:line" (for a
-- table it stays the core's: the caller's line).
local function located(ctx, policy, failure)
  local prefix = ""
  if ctx.name then
    local line = line_of(ctx, policy, failure)
    prefix = ctx.name .. (line and ":" .. line or "") .. ": "
  end
  local path = failure.path
  if path == "" and not ctx.name then
    path = "policy"
  end
  local where = prefix .. (path ~= "" and path .. ": " or "")
  if failure.obj then
    local obj = failure.obj
    obj.path = path ~= "" and path or nil
    if prefix ~= "" then
      obj.where = prefix:gsub(": $", "")
    end
    obj.message = (path ~= "" and path .. ": " or "") .. tostring(obj.message)
    return obj
  end
  return where .. failure.msg
end

--- Build the filter of a policy table.  Returns the filter, or nil and the
--- error to raise (a located string, or the core's error object).
---@param policy table
---@param ctx? { name?: string, lines?: table }
---@return seccomp.filter|nil
---@return any
function P.build(policy, ctx)
  ctx = ctx or {}
  local ok, f = pcall(build, policy, ctx)
  if ok then
    if ctx.name then
      origins[f] = ctx.name
    end
    return f
  end
  local err = f
  if ctx.f then
    release(ctx.f)
  end
  if getmetatable(err) == Failure then
    return nil, located(ctx, policy, err)
  end
  return nil, err
end

-- ---------------------------------------------------------------------------
-- Policy files

-- The loader's bounds (documented in docs/policy.md).  A policy is data:
-- it needs thousands of instructions and kilobytes, so the defaults stop a
-- runaway one (`while true do end`, a table that grows forever) within a
-- second or two and long before it matters to the machine.
P.MAX_INSTRUCTIONS = 50000000
P.MAX_MEMORY = 64 * 1024 * 1024

local COUNT_STEP = 1000         -- the count hook's period, in VM instructions
local MAX_LINE_EVENTS = 200000  -- line tracking stops after this many lines run

local LIMIT_KEYS = { "max_instructions", "max_memory" }

-- The limits table of load_policy (argument `argn` of `fname`): a table
-- with max_instructions and/or max_memory, each a positive integer or
-- math.huge.  Returns { max_instructions =, max_memory = }, or nil and the
-- argument error.
local function check_limits(limits, fname, argn)
  local out = { max_instructions = P.MAX_INSTRUCTIONS, max_memory = P.MAX_MEMORY }
  if limits == nil then
    return out
  end
  local function bad(msg)
    return nil, ("bad argument #%d to '%s' (%s)"):format(argn, fname, msg)
  end
  if type(limits) ~= "table" or getmetatable(limits) ~= nil then
    return bad(("limits expected (a plain table: { max_instructions =, max_memory = }), got %s"):format(
      type(limits) == "table" and "a table with a metatable" or describe(limits)))
  end
  local unknown, msg = private.unknown_key(limits, LIMIT_KEYS, "limit", "the limits are")
  if unknown ~= nil then
    return bad(msg)
  end
  for _, k in ipairs(LIMIT_KEYS) do
    local v = limits[k]
    if v == math.huge then
      v = math.maxinteger
    elseif mathtype(v) == "float" and v == math.floor(v) and v >= 1 and v < 2 ^ 63 then
      v = math.tointeger(v)
    end
    if v ~= nil and (mathtype(v) ~= "integer" or v < 1) then
      return bad(("%s must be a positive integer or math.huge, got %s"):format(k, describe(limits[k])))
    end
    out[k] = v or out[k]
  end
  return out
end

-- Run a policy chunk within `limits`, noting the line each table was
-- written on.  The chunk runs in a coroutine of its own, so the hooks set
-- here concern it alone (a debugger's hook on the caller's thread stays as
-- it was), under core._loader.memory_capped (every allocation counted, C calls
-- included), with a count hook for the instruction budget, and with the
-- string methods refused: an empty environment still reaches them through
-- the string metatable, and one pattern match can run for hours between two
-- hooks.  Returns lines (or nil), then the results as table.pack gives them
-- (res[1] false: res[2] is the error, already worded for the limits).
--
-- Lines: a line hook looks at the running function's registers at every
-- new line and files each table it sees for the first time: Lua created it
-- while running the previous line P, so its `{` is on P (`rules = {`) --
-- unless the table is still empty and a line after P, up to the current
-- one, starts with `{`: a list element on a line of its own, whose creation
-- Lua files under the line before.  A heuristic for messages only: its worst
-- is an outer list filed under the line of its first element; a table it
-- never sees has no line, and messages use the enclosing table's.  It stops
-- after MAX_LINE_EVENTS lines (a policy that loops that long has its lines
-- filed up to there).
local function run_chunk(chunk, text, limits, name)
  local dbg = debug
  if not (dbg and dbg.sethook and dbg.getinfo and dbg.getlocal) then
    return nil, { false, name .. ": the policy loader needs the debug library (its instruction budget "
      .. "is a count hook)", n = 2 }
  end
  local getinfo, getlocal, sethook = dbg.getinfo, dbg.getlocal, dbg.sethook
  local running, smatch, sformat, floor = coroutine.running, string.match, string.format, math.floor
  local co = coroutine.create(chunk)
  local src = {}
  for l in (text .. "\n"):gmatch("([^\n]*)\n") do
    src[#src + 1] = l
  end
  local lines = setmetatable({}, { __mode = "k" })
  local last = setmetatable({}, { __mode = "k" })
  local executed, line_events, over = 0, 0, false
  local max_instructions = limits.max_instructions
  local step = math.min(COUNT_STEP, max_instructions)
  local function hook(event, line)
    if event == "count" then
      executed = executed + step
      if executed > max_instructions then
        over = true
        error("instruction budget exceeded", 0)
      end
      return
    end
    line_events = line_events + 1
    if line_events > MAX_LINE_EVENTS then
      sethook(co, hook, "", step) -- the budget goes on; the lines stop here
      return
    end
    local info = getinfo(2, "f")
    local fn = info and info.func
    if not fn or (event ~= "line" and fn ~= chunk) then
      return
    end
    local prev = last[fn]
    if prev then
      local brace -- a line after prev that starts with `{`
      for l = prev + 1, line or prev do
        if src[l] and smatch(src[l], "^%s*{") then
          brace = l
          break
        end
      end
      local i = 1
      while true do
        local lname, v = getlocal(2, i)
        if lname == nil then
          break
        end
        if type(v) == "table" and lines[v] == nil then
          -- still empty: its fields are yet to come, after a `{` that
          -- starts a later line; filled: it was built on prev
          lines[v] = next(v) == nil and brace or prev
        end
        i = i + 1
      end
    end
    if event == "line" then
      last[fn] = line
    end
  end
  sethook(co, hook, "lr", step)
  local smt = getmetatable("")
  local sindex = smt and smt.__index
  if smt then
    smt.__index = function(s, k)
      if running() == co then
        error(sformat("a policy file runs in an empty environment: no string methods either ('%s')",
          tostring(k)), 2)
      end
      if type(sindex) == "function" then
        return sindex(s, k)
      end
      return sindex[k]
    end
  end
  local res = table.pack(pcall(core._loader.memory_capped, limits.max_memory, coroutine.resume, co))
  if smt then
    smt.__index = sindex
  end
  if not res[1] then
    return nil, { false, res[2], n = 2 }
  end
  -- res: true, hit, pcall ok, resume ok, values...
  local hit = res[2]
  if hit then
    return nil, { false, ("%s: the policy needed more than max_memory (%d bytes)"):format(
      name, limits.max_memory), n = 2 }
  end
  if not res[3] then
    return nil, { false, res[4], n = 2 }
  end
  if over then
    return nil, { false, ("%s: the policy ran more than max_instructions (%d) instructions "
      .. "(an endless loop?)"):format(name, floor(max_instructions)), n = 2 }
  end
  return lines, table.pack(table.unpack(res, 4, res.n))
end

-- An empty environment that says so when a policy reads a name: in a policy
-- file `read` (unquoted) is a mistake, not nil.  (No string methods here:
-- this runs inside the policy's coroutine, where they are refused.)
local function policy_env()
  local format = string.format
  return setmetatable({}, {
    __index = function(_, name)
      local hint
      if type(name) == "string" and (parse("syscall", name) or parse("action", name)) then
        hint = format("write it as a string: \"%s\"", name)
      else
        hint = "a policy file runs in an empty environment: no globals, no libraries"
      end
      error(format("undefined name '%s' (%s)", tostring(name), hint), 2)
    end,
  })
end

-- Load, run and build a policy chunk within `limits`.  Returns the filter,
-- or nil, the error and the level to raise it at.
local function from_chunk(text, chunkname, name, limits)
  local ok, hit, lok, chunk, err = pcall(core._loader.memory_capped, limits.max_memory, load, text, chunkname, "t",
    policy_env())
  if not ok then
    return nil, hit, 0
  end
  if hit then
    return nil, ("%s: compiling the policy needed more than max_memory (%d bytes)"):format(
      name, limits.max_memory), 0
  end
  if not lok then
    return nil, chunk, 0
  end
  if not chunk then
    if not err:find(name, 1, true) then
      err = name .. ": " .. err
    end
    return nil, err, 0
  end
  local lines, res = run_chunk(chunk, text, limits, name)
  if not res[1] then
    local e = res[2]
    if type(e) ~= "string" then
      e = ("%s: the policy raised a %s value%s"):format(name, type(e),
        (getmetatable(e) or {}).__tostring and ": " .. tostring(e) or "")
    end
    return nil, e, 0
  end
  local policy = res[2]
  if type(policy) ~= "table" then
    local got = res.n < 2 and "nothing" or describe(policy)
    return nil, ("%s: the policy returned %s; it must return a policy table "
      .. "(return { default = ..., ... })"):format(name, got), 0
  end
  local f, e = P.build(policy, { name = name, lines = lines })
  if not f then
    return nil, e, 0
  end
  return f
end

--- Build the filter of a policy file (see seccomp.load_policy).
---@param path string
---@param limits? { max_instructions?: integer, max_memory?: integer }
---@return seccomp.filter|nil, any, integer?
function P.load_file(path, limits)
  if type(path) ~= "string" then
    return nil, ("bad argument #1 to 'load_policy' (file name expected, got %s)"):format(describe(path)), 2
  end
  local lim, lerr = check_limits(limits, "load_policy", 2)
  if not lim then
    return nil, lerr, 2
  end
  local text, err = core._loader.read_policy_file(path, lim.max_memory)
  if not text then
    return nil, err, 2
  end
  return from_chunk(text, "@" .. path, path, lim)
end

--- Build the filter of a policy chunk given as a string (see
--- seccomp.load_policy_string).
---@param src string
---@param name? string
---@param limits? { max_instructions?: integer, max_memory?: integer }
---@return seccomp.filter|nil, any, integer?
function P.load_string(src, name, limits)
  if type(src) ~= "string" then
    return nil, ("bad argument #1 to 'load_policy_string' (string expected, got %s)"):format(describe(src)), 2
  end
  if name ~= nil and type(name) ~= "string" then
    return nil, ("bad argument #2 to 'load_policy_string' (string expected, got %s)"):format(describe(name)), 2
  end
  local lim, lerr = check_limits(limits, "load_policy_string", 3)
  if not lim then
    return nil, lerr, 2
  end
  local f, err, level = from_chunk(src, "=" .. (name or "policy"), name or "policy", lim)
  if f and not name then
    origins[f] = nil
  end
  return f, err, level
end

-- ---------------------------------------------------------------------------
-- Sugar on filters: f:allow(syscalls, cond...), f:deny(errno, syscalls, cond...)

local function argerror(fname, n, msg)
  if n == 0 then
    return ("calling '%s' on bad self (%s)"):format(fname, msg)
  end
  return ("bad argument #%d to '%s' (%s)"):format(n, fname, msg)
end

-- Add one rule per syscall of `syscalls` (a name, a number or a list of
-- them), with the same action and conditions.  Everything is parsed before
-- anything is added.  `argn` is the position of `syscalls` among the
-- method's arguments (self not counted).  Returns nil, message on a bad
-- argument; raises the core's error object on a libseccomp failure.
local function add_each(self, fname, action, argn, syscalls, ...)
  if getmetatable(self) ~= filter_mt then
    return nil, argerror(fname, 0, "seccomp.filter expected, got " .. describe(self))
  end
  local list, n = { syscalls }, 1
  if type(syscalls) == "table" then
    local ok, len = pcall(check_list, syscalls, "", nil, "list of syscalls")
    if not ok then
      return nil, argerror(fname, argn, (len.path ~= "" and len.path .. ": " or "") .. len.msg)
    end
    if len == 0 then
      return nil, argerror(fname, argn, "empty list of syscalls")
    end
    list, n = syscalls, len
  end
  local nums = {}
  for i = 1, n do
    local sys, msg = parse("syscall", list[i])
    if sys == nil then
      return nil, argerror(fname, argn, type(syscalls) == "table" and ("[%d]: %s"):format(i, msg) or msg)
    end
    nums[i] = sys
  end
  local nconds = select("#", ...)
  if nconds > MAX_CONDS then
    return nil, argerror(fname, argn + MAX_CONDS + 1,
      ("too many conditions (%d); at most %d"):format(nconds, MAX_CONDS))
  end
  local conds = {}
  for i = 1, nconds do
    local v = select(i, ...)
    local ok, perr = pcall(plain, v, "", nil, "the condition")
    if not ok then
      return nil, argerror(fname, argn + i, perr.msg)
    end
    local c, msg = parse("cond", v)
    if c == nil then
      return nil, argerror(fname, argn + i, msg)
    end
    conds[i] = c
  end
  for i = 1, #nums do
    local ok, err = private.call(add_rule, self, action, nums[i], table.unpack(conds, 1, nconds))
    if not ok then
      local n, msg = argument_error(err)
      if n then
        -- add_rule's arguments: self, action, syscall, cond...
        return nil, argerror(fname, n == 1 and 0 or n == 3 and argn or argn + n - 3, msg)
      end
      error(err, 0)
    end
  end
  return self
end

--- f:allow(syscalls, cond...) -> f: allow the syscall(s), under the
--- conditions if any.  `syscalls` is a name, a number or a list of them.
---@param self seccomp.filter
---@param syscalls seccomp.Syscall|seccomp.Syscall[]
---@param ... seccomp.Condition
---@return seccomp.filter
function methods.allow(self, syscalls, ...)
  local f, err = add_each(self, "allow", core.ACT_ALLOW, 1, syscalls, ...)
  if not f then
    error(err, 2)
  end
  return f
end

--- f:deny(errno, syscalls, cond...) -> f: make the syscall(s) fail with
--- `errno` (a name or a number), under the conditions if any.
---@param self seccomp.filter
---@param errno seccomp.Errno
---@param syscalls seccomp.Syscall|seccomp.Syscall[]
---@param ... seccomp.Condition
---@return seccomp.filter
function methods.deny(self, errno, syscalls, ...)
  local e, msg = parse("errno", errno)
  if e == nil then
    error(argerror("deny", 1, msg), 2)
  end
  local f, err = add_each(self, "deny", core.errno(e), 2, syscalls, ...)
  if not f then
    error(err, 2)
  end
  return f
end

return P
