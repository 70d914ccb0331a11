--- seccomp.oci: OCI runtime-spec seccomp profiles (the JSON of Docker,
--- Podman, runc, crun and Kubernetes) to filters and back.
---
--- `require "seccomp.oci"`, or `seccomp.oci` (loaded on first use).
---
---   oci.filter(profile [, ctx]) -> filter, skipped   a profile (table or JSON text) to a filter
---   oci.profile(policy_or_filter) -> table           a policy table or a filter to a profile
---   oci.encode(value [, opts]) -> string             JSON text
---   oci.decode(text [, name]) -> value               JSON text, 64-bit integers kept exact
---   oci.null                                         what JSON's null decodes to
---
--- Nothing here parses a syscall, an arch or an action number itself: names
--- go through the core's parsers and every change through the filter's own
--- methods.  What this file adds is the JSON, the OCI words, Docker's
--- includes/excludes, and the location of every mistake in the profile.
--- See docs/oci.md.
local core = require "seccomp.core"
local private = core._private -- the core's helpers for lua/seccomp: guess, unknown_key

local type, pairs, ipairs, tostring, error, pcall =
      type, pairs, ipairs, tostring, error, pcall
local setmetatable, getmetatable = setmetatable, getmetatable
local mathtype, tointeger, ult = math.type, math.tointeger, math.ult
local concat, sort = table.concat, table.sort
local byte, char, sub, find, format = string.byte, string.char, string.sub, string.find, string.format

---@class seccomp.oci
local O = {}

-- ===========================================================================
-- JSON

---What JSON's `null` decodes to (and encodes from).
O.null = setmetatable({}, {
  __name = "seccomp.oci.null",
  __tostring = function() return "null" end,
  __newindex = function() error("seccomp.oci.null is read-only", 2) end,
})
local null = O.null

local MAX_DEPTH = 200

-- Line and column (1-based, columns in bytes) of byte position `pos`.
local function line_col(text, pos)
  local line, start = 1, 1
  while true do
    local nl = find(text, "\n", start, true)
    if not nl or nl >= pos then
      break
    end
    line, start = line + 1, nl + 1
  end
  return line, pos - start + 1
end

local function utf8_char(cp)
  if cp < 0x80 then
    return char(cp)
  elseif cp < 0x800 then
    return char(0xC0 | (cp >> 6), 0x80 | (cp & 0x3F))
  elseif cp < 0x10000 then
    return char(0xE0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3F), 0x80 | (cp & 0x3F))
  end
  return char(0xF0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3F), 0x80 | ((cp >> 6) & 0x3F), 0x80 | (cp & 0x3F))
end

local ESCAPES = { ['"'] = '"', ["\\"] = "\\", ["/"] = "/", b = "\b", f = "\f", n = "\n", r = "\r", t = "\t" }

-- A decimal integer as a 64-bit two's-complement Lua integer, or nil when it
-- does not fit (below -2^63 or above 2^64 - 1).
local function exact_integer(digits, negative)
  local acc = 0
  for i = 1, #digits do
    local d = byte(digits, i) - 48
    -- acc * 10 + d must stay below 2^64 (unsigned)
    if ult(0x1999999999999999, acc) or (acc == 0x1999999999999999 and d > 5) then
      return nil
    end
    acc = acc * 10 + d
  end
  if negative then
    if ult(0x8000000000000000, acc) then
      return nil
    end
    return -acc
  end
  return acc
end

--- Decode JSON text.  Objects and arrays become tables, null becomes
--- `oci.null`; an integer (no fraction, no exponent) becomes a Lua integer,
--- exact from -2^63 to 2^64 - 1 (above 2^63 - 1 as its two's-complement
--- bits, as the core takes 64-bit data); other numbers become floats.
--- Raises "NAME: line L, column C: message" on malformed text.  Returns the
--- value and a table mapping each decoded table to its line.
---@param text string
---@param name? string names the document in messages (default "JSON")
---@return any value
---@return table lines
local function decode(text, name)
  name = name or "JSON"
  local pos = 1
  local lines = setmetatable({}, { __mode = "k" })

  local function fail(msg, at)
    local l, c = line_col(text, at or pos)
    error(format("%s: line %d, column %d: %s", name, l, c, msg), 0)
  end

  local function skip()
    pos = find(text, "[^ \t\r\n]", pos) or #text + 1
  end

  local function what_is(at)
    local c = sub(text, at, at)
    if c == "" then
      return "end of text"
    end
    if byte(c) < 32 or byte(c) > 126 then
      return format("byte 0x%02x", byte(c))
    end
    return "'" .. c .. "'"
  end

  local value

  local function string_value()
    local start = pos
    pos = pos + 1
    local parts = {}
    while true do
      local s, e = find(text, '["\\%c]', pos)
      if not s then
        fail("unterminated string", start)
      end
      parts[#parts + 1] = sub(text, pos, s - 1)
      local c = sub(text, s, s)
      if c == '"' then
        pos = s + 1
        return concat(parts)
      elseif c == "\\" then
        local esc = sub(text, s + 1, s + 1)
        if ESCAPES[esc] then
          parts[#parts + 1] = ESCAPES[esc]
          pos = s + 2
        elseif esc == "u" then
          local hex = text:match("^%x%x%x%x", s + 2)
          if not hex then
            fail("bad \\u escape (four hex digits expected)", s)
          end
          local cp = tonumber(hex, 16)
          pos = s + 6
          if cp >= 0xD800 and cp <= 0xDBFF then
            local lo = text:match("^\\u(%x%x%x%x)", pos)
            lo = lo and tonumber(lo, 16)
            if not lo or lo < 0xDC00 or lo > 0xDFFF then
              fail("lone high surrogate in \\u escape", s)
            end
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00)
            pos = pos + 6
          elseif cp >= 0xDC00 and cp <= 0xDFFF then
            fail("lone low surrogate in \\u escape", s)
          end
          parts[#parts + 1] = utf8_char(cp)
        else
          fail(format("bad escape '\\%s' in a string", esc), s)
        end
      else
        fail(format("control character 0x%02x in a string (write it as an escape)", byte(c)), s)
      end
    end
  end

  local function number_value()
    local start = pos
    local int = text:match("^-?0", pos) or text:match("^-?[1-9]%d*", pos)
    if not int then
      fail("bad number")
    end
    pos = pos + #int
    if text:match("^%d", pos) then
      fail("bad number (leading zero)", start)
    end
    local frac = text:match("^%.%d+", pos) or ""
    if frac == "" and sub(text, pos, pos) == "." then
      fail("bad number (digits expected after '.')", start)
    end
    pos = pos + #frac
    local exp = text:match("^[eE][+-]?%d+", pos) or ""
    if exp == "" and text:match("^[eE]", pos) then
      fail("bad number (digits expected in the exponent)", start)
    end
    pos = pos + #exp
    if frac == "" and exp == "" then
      local negative = sub(int, 1, 1) == "-"
      local n = exact_integer(negative and sub(int, 2) or int, negative)
      if n == nil then
        fail(format("integer %s out of range (-2^63 .. 2^64-1)", int), start)
      end
      return n
    end
    return tonumber(sub(text, start, pos - 1)) + 0.0
  end

  local function literal(word, v)
    if sub(text, pos, pos + #word - 1) ~= word then
      fail("unexpected " .. what_is(pos))
    end
    pos = pos + #word
    return v
  end

  -- An object or an array, its opening character at pos: `member(t, depth,
  -- at)` reads each member into t (`at`: where the container opens), the
  -- members separated by commas up to `close`.
  local function container(close, kind, member, depth)
    local t, at = {}, pos
    lines[t] = (line_col(text, pos))
    pos = pos + 1
    skip()
    if sub(text, pos, pos) == close then
      pos = pos + 1
      return t
    end
    while true do
      member(t, depth, at)
      skip()
      local c = sub(text, pos, pos)
      pos = pos + 1
      if c == close then
        return t
      elseif c ~= "," then
        fail("expected ',' or '" .. close .. "' in " .. kind .. ", got " .. what_is(pos - 1), pos - 1)
      end
    end
  end

  -- "key": value, into t (no value decodes to nil: a key already in t is a
  -- duplicate)
  local function object_member(t, depth, at)
    skip()
    if sub(text, pos, pos) ~= '"' then
      fail("expected a string (an object key), got " .. what_is(pos))
    end
    local kat = pos
    local k = string_value()
    if t[k] ~= nil then
      fail(format("duplicate key \"%s\" in the object at line %d", k, (line_col(text, at))), kat)
    end
    skip()
    if sub(text, pos, pos) ~= ":" then
      fail("expected ':' after an object key, got " .. what_is(pos))
    end
    pos = pos + 1
    t[k] = value(depth + 1)
  end

  local function array_element(t, depth)
    t[#t + 1] = value(depth + 1)
  end

  function value(depth)
    if depth > MAX_DEPTH then
      fail(format("nested more than %d levels deep", MAX_DEPTH))
    end
    skip()
    local c = sub(text, pos, pos)
    if c == "{" then
      return container("}", "an object", object_member, depth)
    elseif c == "[" then
      return container("]", "an array", array_element, depth)
    elseif c == '"' then
      return string_value()
    elseif c == "-" or find(c, "^%d") then
      return number_value()
    elseif c == "t" then
      return literal("true", true)
    elseif c == "f" then
      return literal("false", false)
    elseif c == "n" then
      return literal("null", null)
    end
    fail("unexpected " .. what_is(pos) .. " (a JSON value expected)")
  end

  local v = value(1)
  skip()
  if pos <= #text then
    fail("unexpected " .. what_is(pos) .. " after the JSON value")
  end
  return v, lines
end

---Decode JSON text (see docs/oci.md).  Integers are exact 64-bit values;
---`null` is `oci.null`.  Raises "NAME: line L, column C: message".
---@param text string
---@param name? string
---@return any
function O.decode(text, name)
  if type(text) ~= "string" then
    error(format("bad argument #1 to 'decode' (string expected, got %s)", type(text)), 2)
  end
  if name ~= nil and type(name) ~= "string" then
    error(format("bad argument #2 to 'decode' (string expected, got %s)", type(name)), 2)
  end
  local ok, v = pcall(decode, text, name)
  if not ok then
    error(v, 2)
  end
  return v
end

-- An integer as the unsigned 64-bit value of its bits.
local function unsigned(n)
  if n >= 0 then
    return format("%d", n)
  end
  local q = (n >> 1) // 5 -- floor(u / 10), u the unsigned value
  return format("%d%d", q, n - q * 10)
end

-- Keys of OCI objects, in the order the runtime spec lists them; others
-- follow in byte order.
local KEY_ORDER = {}
for i, k in ipairs {
  "defaultAction", "defaultErrnoRet", "architectures", "archMap", "architecture",
  "subArchitectures", "flags", "listenerPath", "listenerMetadata", "syscalls", "names",
  "name", "action", "errnoRet", "args", "index", "value", "valueTwo", "op", "comment",
  "includes", "excludes", "caps", "arches", "minKernel",
} do
  KEY_ORDER[k] = i
end

local function key_less(a, b)
  local ia, ib = KEY_ORDER[a], KEY_ORDER[b]
  if ia and ib then
    return ia < ib
  elseif ia or ib then
    return ia ~= nil
  end
  return a < b
end

local function quote_string(s)
  return '"' .. s:gsub('[%c"\\]', function(c)
    local esc = ({ ['"'] = '\\"', ["\\"] = "\\\\", ["\n"] = "\\n", ["\r"] = "\\r", ["\t"] = "\\t",
                   ["\b"] = "\\b", ["\f"] = "\\f" })[c]
    return esc or format("\\u%04x", byte(c))
  end) .. '"'
end

local function is_scalar(v)
  return type(v) ~= "table" or v == null
end

-- Encode; `path` names the value in messages.
local function encode(v, opts, indent, path, seen)
  local t = type(v)
  if v == null then
    return "null"
  elseif t == "string" then
    return quote_string(v)
  elseif t == "boolean" then
    return tostring(v)
  elseif t == "number" then
    if mathtype(v) == "integer" then
      return opts.signed and format("%d", v) or unsigned(v)
    end
    if v ~= v or v == math.huge or v == -math.huge then
      error(format("%s: %s has no JSON form", path, tostring(v)), 0)
    end
    local i = tointeger(v)
    if i then
      return opts.signed and format("%d", i) or unsigned(i)
    end
    return format("%.17g", v)
  elseif t ~= "table" then
    error(format("%s: a %s has no JSON form", path, t), 0)
  end
  if seen[v] then
    error(format("%s: a table that contains itself has no JSON form", path), 0)
  end
  seen[v] = true
  local n, max, strings = 0, 0, {}
  for k in pairs(v) do
    if mathtype(k) == "integer" and k >= 1 then
      n = n + 1
      if k > max then max = k end
    elseif type(k) == "string" then
      strings[#strings + 1] = k
    else
      error(format("%s: key %s has no JSON form (object keys are strings)", path, tostring(k)), 0)
    end
  end
  local inner = indent .. (opts.indent or "")
  local nl = opts.indent and "\n" or ""
  local sep = opts.indent and ": " or ":"
  local out
  if #strings == 0 and n == max then
    -- an array (an empty table too)
    local items, scalars = {}, true
    for i = 1, max do
      items[i] = encode(v[i], opts, inner, path .. "[" .. i .. "]", seen)
      scalars = scalars and is_scalar(v[i])
    end
    if max == 0 then
      out = "[]"
    elseif not opts.indent then
      out = "[" .. concat(items, ",") .. "]"
    elseif scalars then
      out = "[" .. concat(items, ", ") .. "]"
      if #out + #indent > 100 then
        -- a long list of names: filled lines
        local lines_, line = {}, ""
        for _, item in ipairs(items) do
          if line ~= "" and #inner + #line + #item + 2 > 100 then
            lines_[#lines_ + 1] = line
            line = ""
          end
          line = line == "" and item or line .. ", " .. item
        end
        lines_[#lines_ + 1] = line
        out = "[" .. nl .. inner .. concat(lines_, "," .. nl .. inner) .. nl .. indent .. "]"
      end
    else
      out = "[" .. nl .. inner .. concat(items, "," .. nl .. inner) .. nl .. indent .. "]"
    end
  elseif n == 0 then
    sort(strings, key_less)
    local items, scalars = {}, true
    for i, k in ipairs(strings) do
      items[i] = quote_string(k) .. sep .. encode(v[k], opts, inner, path .. "." .. k, seen)
      scalars = scalars and is_scalar(v[k])
    end
    if scalars and opts.indent and #strings <= 4 then
      -- a small object of scalars (an argument condition) on one line
      out = "{ " .. concat(items, ", ") .. " }"
    else
      out = "{" .. nl .. inner .. concat(items, "," .. nl .. inner) .. nl .. indent .. "}"
    end
  else
    error(format("%s: a table with both list entries and string keys has no JSON form", path), 0)
  end
  seen[v] = nil
  return out
end

---JSON text of a value: tables with keys 1..n (and empty tables) are arrays,
---tables with string keys are objects (OCI's keys first, in the runtime
---spec's order, then the others sorted), `oci.null` is null.  Integers are
---written as unsigned 64-bit values, as every integer of an OCI profile is
---(`-1` is 18446744073709551615); `opts.signed = true` writes them signed.
---`opts.indent` (default two spaces; `false` for one line).
---@param v any
---@param opts? { indent?: string|false, signed?: boolean }
---@return string
function O.encode(v, opts)
  if opts ~= nil and type(opts) ~= "table" then
    error(format("bad argument #2 to 'encode' (table expected, got %s)", type(opts)), 2)
  end
  opts = opts or {}
  local o = { signed = opts.signed, indent = opts.indent }
  if o.indent == nil then
    o.indent = "  "
  elseif o.indent == false then
    o.indent = nil
  elseif type(o.indent) ~= "string" then
    error(format("bad argument #2 to 'encode' (indent: string or false expected, got %s)", type(o.indent)), 2)
  end
  local ok, s = pcall(encode, v, o, "", "value", {})
  if not ok then
    error("bad argument #1 to 'encode' (" .. tostring(s) .. ")", 2)
  end
  return s
end

-- ===========================================================================
-- OCI words

local ACTIONS = {
  SCMP_ACT_KILL = "kill_thread", -- as runc: the thread
  SCMP_ACT_KILL_THREAD = "kill_thread",
  SCMP_ACT_KILL_PROCESS = "kill_process",
  SCMP_ACT_TRAP = "trap",
  SCMP_ACT_ERRNO = "errno",
  SCMP_ACT_TRACE = "trace",
  SCMP_ACT_ALLOW = "allow",
  SCMP_ACT_LOG = "log",
  SCMP_ACT_NOTIFY = "notify",
}

local OPS = {
  SCMP_CMP_NE = "!=", SCMP_CMP_LT = "<", SCMP_CMP_LE = "<=", SCMP_CMP_EQ = "==",
  SCMP_CMP_GE = ">=", SCMP_CMP_GT = ">", SCMP_CMP_MASKED_EQ = "&=",
}
local OP_WORD, OP_OF = {}, {}
for k, v in pairs(OPS) do
  OP_WORD[v] = k
  OP_OF[core.parse("op", v)] = k -- the word for an operator the core reads ("==", "eq")
end

-- seccomp(2) flags and the filter attribute each one is
local FLAGS = {
  SECCOMP_FILTER_FLAG_TSYNC = "tsync",
  SECCOMP_FILTER_FLAG_LOG = "log",
  SECCOMP_FILTER_FLAG_SPEC_ALLOW = "ssb",
  SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV = "wait_kill",
}
local FLAG_WORD = {}
for k, v in pairs(FLAGS) do FLAG_WORD[v] = k end

-- Go's GOARCH words (Docker's includes/excludes arches) and libseccomp's
-- name for each
local GOARCH = {
  ["386"] = "x86", amd64 = "x86_64", arm = "arm", arm64 = "aarch64",
  loong64 = "loongarch64", mips = "mips", mipsle = "mipsel", mips64 = "mips64",
  mips64le = "mipsel64", mips64p32 = "mips64n32", mips64p32le = "mipsel64n32",
  ppc = "ppc", ppc64 = "ppc64", ppc64le = "ppc64le", riscv64 = "riscv64",
  s390 = "s390", s390x = "s390x",
}

-- Linux capabilities (capability.h), for checking names in profiles and ctx
local CAPS = {}
for _, c in ipairs {
  "CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID",
  "SETPCAP", "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW",
  "IPC_LOCK", "IPC_OWNER", "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT",
  "SYS_ADMIN", "SYS_BOOT", "SYS_NICE", "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD",
  "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP", "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG",
  "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF", "CHECKPOINT_RESTORE",
} do
  CAPS["CAP_" .. c] = true
end

-- How restrictive an action is: kill_process, kill_thread, trap, errno,
-- notify, trace, log, allow (lower is more restrictive).
local function rank(action)
  local base = action & 0xffff0000
  if action & 0x80000000 ~= 0 then return 0 end -- kill_process
  return ({ [0] = 1, [0x00030000] = 2, [0x00050000] = 3, [0x7fc00000] = 4,
            [0x7ff00000] = 5, [0x7ffc0000] = 6, [0x7fff0000] = 7 })[base] or 3
end

-- ===========================================================================
-- Profile -> filter

-- A located mistake in a profile (seccomp.located).
local located = require "seccomp.located"
local Failure, fail = located.Failure, located.fail

local function sub_path(path, key)
  if type(key) == "number" then
    return path .. "[" .. key .. "]"
  end
  return path == "" and key or path .. "." .. key
end

local function describe(v)
  if v == null then
    return "null"
  elseif type(v) == "string" then
    return format("string \"%s\"", #v > 40 and v:sub(1, 40) .. "..." or v)
  elseif type(v) == "number" then
    return "number " .. tostring(v)
  end
  return type(v)
end

-- " (did you mean 'X'?)" for the closest of `names`, or ""
-- (`names`: a set or a list; the guess is the core's, as for every name)
local function did_you_mean(word, names)
  local list = {}
  for k, v in pairs(names) do list[#list + 1] = type(k) == "string" and k or v end
  sort(list)
  local best = private.guess(word, list)
  return best and format(" (did you mean '%s'?)", best) or ""
end

local function absent(v)
  return v == nil or v == null
end

local function check_object(t, path, node, keys, what)
  if type(t) ~= "table" or t == null then
    fail(path, node, format("%s expected (an object), got %s", what, describe(t)))
  end
  if t[1] ~= nil then
    fail(path, node or t, format("%s expected (an object), got an array", what))
  end
  local bad = {}
  for k in pairs(t) do
    if type(k) ~= "string" then
      fail(path, t, format("%s has a non-string key %s", what, tostring(k)))
    end
    if not keys[k] then bad[#bad + 1] = k end
  end
  sort(bad)
  if bad[1] then
    local list = {}
    for k in pairs(keys) do list[#list + 1] = k end
    sort(list)
    fail(path, t, format("unknown key '%s'%s (%s has %s)", bad[1], did_you_mean(bad[1], keys), what,
      concat(list, ", ")))
  end
end

-- A list (keys 1..n); absent is the empty list.  Returns its length.
local function check_array(v, path, node, what)
  if absent(v) then
    return 0
  end
  if type(v) ~= "table" then
    fail(path, node, format("%s expected (an array), got %s", what, describe(v)))
  end
  local n = 0
  for k in pairs(v) do
    if mathtype(k) ~= "integer" or k < 1 then
      fail(path, v, format("%s expected (an array), got an object (key '%s')", what, tostring(k)))
    end
    n = math.max(n, k)
  end
  for i = 1, n do
    if v[i] == nil then
      fail(sub_path(path, i), v, "nil in the middle of a list")
    end
  end
  return n
end

local function check_string(v, path, node)
  if type(v) ~= "string" then
    fail(path, node, "string expected, got " .. describe(v))
  end
  return v
end

local function check_integer(v, path, node, lo, hi)
  local i = mathtype(v) == "integer" and v or (mathtype(v) == "float" and tointeger(v))
  if not i then
    fail(path, node, "integer expected, got " .. describe(v))
  end
  if lo and (i < lo or i > hi) then
    fail(path, node, format("%d out of range (%d..%d)", i, lo, hi))
  end
  return i
end

-- An OCI action word (+ errnoRet) to an action number; second, when the
-- errno or trace value was left out and taken as EPERM, the note to say so.
local function action_of(word, ret, path, node, ret_path)
  check_string(word, path, node)
  local kind = ACTIONS[word]
  if not kind then
    fail(path, node, format("unknown action '%s'%s", word, did_you_mean(word, ACTIONS)))
  end
  if kind == "errno" or kind == "trace" then
    local n, note = 1, nil -- EPERM, as runc
    if not absent(ret) then
      n = check_integer(ret, ret_path, node, 0, kind == "errno" and 4095 or 65535)
    end
    local a = kind == "errno" and core.errno(n) or core.trace(n)
    if absent(ret) then
      note = format("%s without %s is taken as %s, as runc does", word, ret_path:match("[%w]+$"), core.action_name(a))
    end
    return a, note
  end
  if not absent(ret) then
    fail(ret_path, node, format("errnoRet is for SCMP_ACT_ERRNO and SCMP_ACT_TRACE, not %s", word))
  end
  local a, msg = core.parse("action", kind)
  if a == nil then
    fail(path, node, format("%s: %s", word, msg))
  end
  return a
end

-- A libseccomp arch name from an OCI word "SCMP_ARCH_X86_64".
local function oci_arch(word, path, node)
  check_string(word, path, node)
  if not word:match("^SCMP_ARCH_") then
    fail(path, node, format("unknown arch '%s' (OCI arch names are SCMP_ARCH_X86_64, SCMP_ARCH_AARCH64, ...)", word))
  end
  local tok, msg = core.parse("arch", word)
  if tok == nil then
    fail(path, node, msg)
  end
  return core.arch_name(tok)
end

-- The running kernel's version, "6.1.0-13-amd64".
local function running_kernel()
  local fh = io.open("/proc/sys/kernel/osrelease", "r")
  local v = fh and fh:read("l")
  if fh then fh:close() end
  return v
end

local function major_minor(s)
  local a, b = tostring(s):match("^(%d+)%.(%d+)")
  return a and { tonumber(a), tonumber(b) }
end

local function kernel_at_least(have, want)
  return have[1] > want[1] or (have[1] == want[1] and have[2] >= want[2])
end

-- ctx, checked and completed: caps (a set), arch (libseccomp's name),
-- kernel ({major, minor} or a function giving it), skip_unknown, unknown.
local CTX_KEYS = { "arch", "caps", "kernel", "name", "skip_unknown", "unknown" }

local function argerr(fname, n, msg)
  error(format("bad argument #%d to '%s' (%s)", n, fname, msg), 0)
end

local function check_ctx(ctx)
  if ctx == nil then ctx = {} end
  if type(ctx) ~= "table" then
    argerr("filter", 2, "ctx: table expected, got " .. describe(ctx))
  end
  local unknown, msg = private.unknown_key(ctx, CTX_KEYS, "key", "ctx has the keys")
  if unknown ~= nil then
    argerr("filter", 2, "ctx: " .. msg)
  end
  local c = { caps = {}, skip_unknown = ctx.skip_unknown, unknown = ctx.unknown, name = ctx.name }
  if ctx.caps ~= nil then
    if type(ctx.caps) ~= "table" then
      argerr("filter", 2, "ctx.caps: list of capability names expected, got " .. describe(ctx.caps))
    end
    for i, cap in ipairs(ctx.caps) do
      if type(cap) ~= "string" then
        argerr("filter", 2, format("ctx.caps[%d]: capability name expected, got %s", i, describe(cap)))
      end
      local name = cap:upper()
      if not name:match("^CAP_") then name = "CAP_" .. name end
      if not CAPS[name] then
        argerr("filter", 2, format("ctx.caps[%d]: unknown capability '%s'%s", i, cap, did_you_mean(name, CAPS)))
      end
      c.caps[name] = true
    end
  end
  local arch = ctx.arch == nil and "native" or ctx.arch
  if type(arch) == "string" and GOARCH[arch] then
    c.arch = GOARCH[arch]
  else
    local tok, msg = core.parse("arch", arch)
    if tok == nil then
      argerr("filter", 2, "ctx.arch: " .. msg)
    end
    c.arch = core.arch_name(tok)
  end
  if ctx.kernel ~= nil then
    local mm = type(ctx.kernel) == "string" and major_minor(ctx.kernel)
    if not mm then
      argerr("filter", 2, format("ctx.kernel: a version \"major.minor\" expected, got %s", describe(ctx.kernel)))
    end
    c.kernel = mm
  end
  if c.skip_unknown ~= nil and type(c.skip_unknown) ~= "boolean" then
    argerr("filter", 2, "ctx.skip_unknown: boolean expected, got " .. describe(c.skip_unknown))
  end
  if c.unknown ~= nil and c.unknown ~= "enosys" then
    argerr("filter", 2, format("ctx.unknown: \"enosys\" expected, got %s", describe(c.unknown)))
  end
  if c.name ~= nil and type(c.name) ~= "string" then
    argerr("filter", 2, "ctx.name: string expected, got " .. describe(c.name))
  end
  return c
end

local function ctx_kernel(ctx, path, node)
  if not ctx.kernel then
    local k = running_kernel()
    ctx.kernel = k and major_minor(k)
    if not ctx.kernel then
      fail(path, node, "cannot read the running kernel's version (/proc/sys/kernel/osrelease): give ctx.kernel")
    end
  end
  return ctx.kernel
end

local SYSCALL_KEYS = { names = true, name = true, action = true, errnoRet = true, args = true,
                       comment = true, includes = true, excludes = true }
local ARG_KEYS = { index = true, value = true, valueTwo = true, op = true }
local COND_KEYS = { caps = true, arches = true, minKernel = true }
local TOP_KEYS = { defaultAction = true, defaultErrnoRet = true, architectures = true, archMap = true,
                   syscalls = true, flags = true, listenerPath = true, listenerMetadata = true,
                   comment = true }

-- Docker's includes/excludes object, checked; returns a predicate
-- matches(ctx) -> bool: includes need every cap and one of the arches and
-- kernel >= minKernel; excludes hold when any cap, any arch, or kernel >=
-- minKernel.
local function check_cond(t, path, node, ctx, is_exclude)
  if absent(t) then return nil end
  check_object(t, path, node, COND_KEYS, is_exclude and "excludes" or "includes")
  local caps, arches, min = {}, {}, nil
  local p = sub_path(path, "caps")
  for i = 1, check_array(t.caps, p, t, "list of capabilities") do
    local cap = check_string(t.caps[i], sub_path(p, i), t.caps)
    if not CAPS[cap] then
      fail(sub_path(p, i), t.caps, format("unknown capability '%s'%s", cap, did_you_mean(cap, CAPS)))
    end
    caps[#caps + 1] = cap
  end
  p = sub_path(path, "arches")
  for i = 1, check_array(t.arches, p, t, "list of arches") do
    local a = check_string(t.arches[i], sub_path(p, i), t.arches)
    if not GOARCH[a] then
      local hint = did_you_mean(a, GOARCH)
      local tok = core.parse("arch", a)
      for go, name in pairs(GOARCH) do
        if tok and name == core.arch_name(tok) then
          hint = format(" (did you mean '%s'?)", go) -- libseccomp's name of a Go arch
        end
      end
      fail(sub_path(p, i), t.arches, format("unknown arch '%s'%s (Docker's arches here are Go's words: amd64, arm64, 386, ...)",
        a, hint))
    end
    arches[#arches + 1] = GOARCH[a]
  end
  if not absent(t.minKernel) then
    p = sub_path(path, "minKernel")
    local s = check_string(t.minKernel, p, t)
    local a, b = s:match("^(%d+)%.(%d+)$")
    if not a then
      fail(p, t, format("kernel version \"major.minor\" expected, got %s", describe(s)))
    end
    min = { tonumber(a), tonumber(b) }
  end
  local function holds()
    if is_exclude then
      for _, cap in ipairs(caps) do
        if ctx.caps[cap] then return true end
      end
      for _, a in ipairs(arches) do
        if a == ctx.arch then return true end
      end
      return min ~= nil and kernel_at_least(ctx_kernel(ctx, path, t), min)
    end
    for _, cap in ipairs(caps) do
      if not ctx.caps[cap] then return false end
    end
    if #arches > 0 then
      local any = false
      for _, a in ipairs(arches) do
        if a == ctx.arch then any = true end
      end
      if not any then return false end
    end
    return min == nil or kernel_at_least(ctx_kernel(ctx, path, t), min)
  end
  return holds
end

-- Read and check the whole profile into a plan; nothing is built yet.
local function plan_of(p, ctx)
  check_object(p, "", nil, TOP_KEYS, "a seccomp profile")
  for _, k in ipairs { "listenerPath", "listenerMetadata" } do
    if not absent(p[k]) and p[k] ~= "" then
      fail(k, p, format("not supported: %s hands notifications to a seccomp agent, which this module does not "
        .. "implement; a filter without it would not do what the profile says", k))
    end
  end
  if absent(p.defaultAction) then
    fail("", p, "missing key 'defaultAction'")
  end
  local plan = { arches = nil, flags = {}, rules = {}, notes = {} }
  local default_note
  plan.default, default_note = action_of(p.defaultAction, p.defaultErrnoRet, "defaultAction", p, "defaultErrnoRet")
  if default_note then
    plan.notes[1] = { "defaulted", default_note, "defaultAction" }
  end

  -- arches
  local na = check_array(p.architectures, "architectures", p, "list of arches")
  local nm = check_array(p.archMap, "archMap", p, "list of arch maps")
  if na > 0 and nm > 0 then
    fail("archMap", p, "both 'architectures' and 'archMap' are given: use one")
  end
  if na > 0 then
    plan.arches = {}
    for i = 1, na do
      plan.arches[i] = oci_arch(p.architectures[i], sub_path("architectures", i), p.architectures)
    end
  end
  for i = 1, nm do
    local path, m = sub_path("archMap", i), p.archMap[i]
    check_object(m, path, p.archMap, { architecture = true, subArchitectures = true }, "an arch map")
    if absent(m.architecture) then
      fail(path, m, "missing key 'architecture'")
    end
    local main = oci_arch(m.architecture, sub_path(path, "architecture"), m)
    local subs = {}
    local sp = sub_path(path, "subArchitectures")
    for j = 1, check_array(m.subArchitectures, sp, m, "list of arches") do
      subs[j] = oci_arch(m.subArchitectures[j], sub_path(sp, j), m.subArchitectures)
    end
    if main == ctx.arch and not plan.arches then
      plan.arches = { main, table.unpack(subs) }
    end
  end

  -- flags
  local fp = "flags"
  for i = 1, check_array(p.flags, fp, p, "list of flags") do
    local w = check_string(p.flags[i], sub_path(fp, i), p.flags)
    if not FLAGS[w] then
      fail(sub_path(fp, i), p.flags, format("unknown flag '%s'%s", w, did_you_mean(w, FLAGS)))
    end
    plan.flags[#plan.flags + 1] = { FLAGS[w], sub_path(fp, i), p.flags }
  end

  -- syscalls
  local n = check_array(p.syscalls, "syscalls", p, "list of syscall rules")
  if n == 0 then
    fail("syscalls", p, "no syscall rules: a profile with a default action alone is almost certainly "
      .. "a mistake (give at least one entry in 'syscalls')")
  end
  plan.skipped = {}
  local skipped_seen = {}
  for i = 1, n do
    local path, s = sub_path("syscalls", i), p.syscalls[i]
    check_object(s, path, p.syscalls, SYSCALL_KEYS, "a syscall rule")
    local names = {}
    if not absent(s.name) then
      names[1] = { check_string(s.name, sub_path(path, "name"), s), sub_path(path, "name"), s }
    end
    local np = sub_path(path, "names")
    for j = 1, check_array(s.names, np, s, "list of syscall names") do
      names[#names + 1] = { check_string(s.names[j], sub_path(np, j), s.names), sub_path(np, j), s.names }
    end
    if #names == 0 then
      fail(path, s, "no syscall names (give 'names', a list)")
    end
    if absent(s.action) then
      fail(path, s, "missing key 'action'")
    end
    local action, note = action_of(s.action, s.errnoRet, sub_path(path, "action"), s, sub_path(path, "errnoRet"))
    local conds, by_index = {}, {}
    local ap = sub_path(path, "args")
    for j = 1, check_array(s.args, ap, s, "list of argument conditions") do
      local cp, a = sub_path(ap, j), s.args[j]
      check_object(a, cp, s.args, ARG_KEYS, "an argument condition")
      if absent(a.index) then fail(cp, a, "missing key 'index'") end
      if absent(a.op) then fail(cp, a, "missing key 'op'") end
      local index = check_integer(a.index, sub_path(cp, "index"), a)
      if index < 0 or index > 5 then
        fail(sub_path(cp, "index"), a, format("argument index %d out of range (0..5: a syscall has six arguments)", index))
      end
      local op = check_string(a.op, sub_path(cp, "op"), a)
      if not OPS[op] then
        local hint, n = did_you_mean(op, OPS), core.parse("op", op)
        if n then hint = format(" (did you mean '%s'?)", OP_OF[n]) end -- "==" where runc reads SCMP_CMP_EQ
        fail(sub_path(cp, "op"), a, format("unknown operator '%s'%s", op, hint))
      end
      local value = absent(a.value) and 0 or check_integer(a.value, sub_path(cp, "value"), a)
      local two = absent(a.valueTwo) and 0 or check_integer(a.valueTwo, sub_path(cp, "valueTwo"), a)
      local c = OPS[op] == "&=" and { index, "&=", value, two } or { index, OPS[op], value }
      conds[j] = { c, cp, a }
      by_index[index] = (by_index[index] or 0) + 1
    end
    local repeated = false
    for _, count in pairs(by_index) do
      if count > 1 then repeated = true end
    end
    local inc = check_cond(s.includes, sub_path(path, "includes"), s, ctx, false)
    local exc = check_cond(s.excludes, sub_path(path, "excludes"), s, ctx, true)
    local wanted = (not inc or inc()) and not (exc and exc())
    if wanted and action ~= plan.default then
      -- conditions on one argument more than once: one rule per condition
      -- (any of them), as runc does; libseccomp takes one per argument
      local sets = { conds }
      if repeated then
        sets = {}
        for j, c in ipairs(conds) do sets[j] = { c } end
      end
      for _, nm3 in ipairs(names) do
        local name, npath, nnode = nm3[1], nm3[2], nm3[3]
        local sys = core.parse("syscall", name)
        if sys == nil then
          if rank(action) < rank(plan.default) and not ctx.skip_unknown then
            fail(npath, nnode, format("unknown syscall '%s' in a rule more restrictive (%s) than the default "
              .. "action (%s): skipping it would let the call through; set ctx.skip_unknown = true to skip it anyway",
              name, core.action_name(action), core.action_name(plan.default)))
          end
          if not skipped_seen[name] then
            skipped_seen[name] = true
            plan.skipped[#plan.skipped + 1] = name
          end
        else
          for _, set in ipairs(sets) do
            plan.rules[#plan.rules + 1] = { action = action, name = name, conds = set, path = npath, node = nnode,
                                            rule_path = path, rule = s }
          end
          if note then
            plan.notes[#plan.notes + 1] = { "defaulted", note, path }
            note = nil
          end
        end
      end
    end
  end
  return plan
end

local methods
local function filter_methods()
  if not methods then
    local probe = core.filter("allow")
    methods = getmetatable(probe).__index
    probe:release()
  end
  return methods
end

-- Call a core function, locating its failure at { path, node }: an argument
-- error becomes a located message, a libseccomp failure keeps the core's
-- error object.
local function call(loc, fn, ...)
  return located.call({ at = loc }, fn, ...)
end


local function build(plan, ctx, holder)
  local m = filter_methods()
  local f = call({ "defaultAction", nil }, core.filter, plan.default)
  holder.f = f
  for _, n in ipairs(plan.notes) do -- what the profile left out, in the order it was read
    private.note(f, n[1], n[2], n[3])
  end
  for _, fl in ipairs(plan.flags) do
    call({ fl[2], fl[3] }, m.set_attr, f, fl[1], true)
  end
  if plan.arches then
    -- The listed arches, and the runtime's own (native) arch when the
    -- profile is evaluated for it, as runtimes keep it.
    local want, native = {}, core.arch_name(core.native_arch())
    for _, a in ipairs(plan.arches) do want[a] = true end
    if ctx.arch == native then want[native] = true end
    if not want[native] then
      call({ "architectures", nil }, m.remove_arch, f, native)
    end
    local done = { [native] = true }
    for _, a in ipairs(plan.arches) do
      if not done[a] then
        done[a] = true
        call({ "architectures", nil }, m.add_arch, f, a)
      end
    end
  elseif ctx.arch ~= core.arch_name(core.native_arch()) then
    call({ "", nil }, m.add_arch, f, ctx.arch)
    call({ "", nil }, m.remove_arch, f, "native")
  end
  for _, r in ipairs(plan.rules) do
    local args = {}
    for j, c in ipairs(r.conds) do args[j] = c[1] end
    -- the name as written, so that the rule ledger lists it by name, and
    -- the entry it came from as the rule's origin
    call({ r.path, r.node }, m.add_rule, f, r.action, r.name, table.unpack(args))
    if m._set_origin then
      m._set_origin(f, r.rule_path)
    end
  end
  if ctx.unknown then
    call({ "ctx.unknown", nil }, m.set_attr, f, "unknown", ctx.unknown)
  end
  return f
end

local function located(name, lines, failure)
  local line = lines and failure.node and lines[failure.node]
  local prefix = ""
  if name then
    prefix = name .. (line and ":" .. line or "") .. ": "
  end
  local path = failure.path ~= "" and failure.path or "profile"
  if failure.obj then
    local obj = failure.obj
    obj.where = prefix .. path
    obj.message = prefix .. path .. ": " .. tostring(obj.message)
    return obj
  end
  return prefix .. path .. ": " .. failure.msg
end

---A filter from an OCI `LinuxSeccomp` object (a Lua table, or JSON text).
---Returns the filter and the list of syscall names skipped because the
---linked libseccomp does not know them.  A profile either builds completely
---or raises: a located message ("NAME:LINE: syscalls[3].args[1].op: unknown
---operator 'SCMP_CMP_EQQ'"), or the core's error object for a libseccomp
---failure.  See docs/oci.md.
---@param profile table|string
---@param ctx? { caps?: string[], arch?: string, kernel?: string, skip_unknown?: boolean, unknown?: "enosys", name?: string }
---@return seccomp.filter, string[]
function O.filter(profile, ctx)
  local ok, c = pcall(check_ctx, ctx)
  if not ok then
    error(c, 2)
  end
  local lines
  if type(profile) == "string" then
    local ok2, v, l = pcall(decode, profile, c.name or "JSON")
    if not ok2 then
      error(v, 2)
    end
    profile, lines = v, l
  elseif type(profile) ~= "table" then
    error(format("bad argument #1 to 'filter' (profile expected (a table or JSON text), got %s)", describe(profile)), 2)
  end
  local holder = {}
  local ok3, res = pcall(function()
    local plan = plan_of(profile, c)
    return { build(plan, c, holder), plan.skipped }
  end)
  if ok3 then
    return res[1], res[2]
  end
  if holder.f then
    holder.f:release()
  end
  if getmetatable(res) == Failure then
    local name = c.name or (lines and "JSON") or nil
    error(located(name, lines, res), 2)
  end
  error(res, 2)
end

-- ===========================================================================
-- Filter or policy -> profile

local function oci_action(a)
  local base = a & 0xffff0000
  if a & 0x80000000 ~= 0 then
    return "SCMP_ACT_KILL_PROCESS"
  elseif base == 0x00050000 then
    return "SCMP_ACT_ERRNO", a & 0xffff
  elseif base == 0x7ff00000 then
    return "SCMP_ACT_TRACE", a & 0xffff
  end
  local w = ({ [0] = "SCMP_ACT_KILL_THREAD", [0x00030000] = "SCMP_ACT_TRAP", [0x7fc00000] = "SCMP_ACT_NOTIFY",
               [0x7ffc0000] = "SCMP_ACT_LOG", [0x7fff0000] = "SCMP_ACT_ALLOW" })[base]
  if not w then
    error(format("action 0x%08x has no OCI name", a), 0)
  end
  return w
end

local function oci_arch_word(name)
  return "SCMP_ARCH_" .. name:upper()
end

local function args_key(args)
  local parts = {}
  for i, c in ipairs(args) do
    parts[i] = concat({ c[1], c[2], c[3], c[4] or "" }, " ")
  end
  return concat(parts, ";")
end

local function profile_of_filter(f)
  local m = filter_methods()
  local p = {}
  p.defaultAction, p.defaultErrnoRet = oci_action(m.get_attr(f, "default_action"))
  local native = core.arch_name(core.native_arch())
  -- every arch libseccomp knows that the filter has
  local all = {}
  for name, v in pairs(core) do
    if type(v) == "number" and name:match("^ARCH_") and name ~= "ARCH_NATIVE" then
      all[#all + 1] = core.arch_name(v)
    end
  end
  sort(all)
  local have = {}
  local arches = { native }
  have[native] = true
  if not m.has_arch(f, native) then
    arches, have = {}, {}
  end
  for _, a in ipairs(all) do
    if not have[a] and m.has_arch(f, a) then
      have[a] = true
      arches[#arches + 1] = a
    end
  end
  local words = {}
  for i, a in ipairs(arches) do words[i] = oci_arch_word(a) end
  -- a filter of the native arch alone needs no list, but say it
  p.architectures = words
  local flags = {}
  for _, attr in ipairs { "tsync", "log", "ssb", "wait_kill" } do
    local ok, v = pcall(m.get_attr, f, attr)
    if ok and v == true then
      flags[#flags + 1] = FLAG_WORD[attr]
    end
  end
  if #flags > 0 then
    p.flags = flags
  end
  local rules = m.rules(f)
  local syscalls, last, last_key = {}, nil, nil
  for i, r in ipairs(rules) do
    -- rules that came in through merge with fewer arches cannot be said in OCI
    local ra = {}
    for _, a in ipairs(r.arches or {}) do ra[a] = true end
    for a in pairs(have) do
      if r.arches and not ra[a] then
        error(format("rule %d (%s) applies to %s only, not to %s: an OCI profile has no per-rule arches", i,
          tostring(r.syscall), concat(r.arches, ", "), a), 0)
      end
    end
    local name = r.syscall
    if type(name) == "number" then
      local n, msg = core.syscall_name(name)
      if not n then
        error(format("rule %d: syscall number %d has no name (%s)", i, name, tostring(msg)), 0)
      end
      name = n
    end
    local action, ret = oci_action(r.action)
    local key = format("%d|%s", r.action, args_key(r.args or {}))
    if last and key == last_key then
      last.names[#last.names + 1] = name
    else
      last = { names = { name }, action = action, errnoRet = ret }
      if r.args and #r.args > 0 then
        last.args = {}
        for j, c in ipairs(r.args) do
          local arg = { index = c[1], op = OP_WORD[c[2]] }
          if c[2] == "&=" then
            arg.value, arg.valueTwo = c[3], c[4]
          else
            arg.value = c[3]
          end
          last.args[j] = arg
        end
      end
      syscalls[#syscalls + 1] = last
      last_key = key
    end
  end
  p.syscalls = syscalls
  return p
end

---The OCI profile of a policy table or a filter (its rule ledger): a table
---for `oci.encode`.  Rules are grouped into one entry per run of rules with
---the same action and conditions.  Raises where the filter says something
---OCI cannot (a rule with arches of its own, an action with no OCI name).
---@param x seccomp.Policy|seccomp.filter
---@return table
function O.profile(x)
  local f, own
  if type(x) == "table" then
    local seccomp = require "seccomp"
    local ok, g = pcall(seccomp.filter, x)
    if not ok then
      error(g, 2)
    end
    f, own = g, true
  elseif getmetatable(x) ~= nil and getmetatable(x).__index == filter_methods() then
    f = x
  else
    error(format("bad argument #1 to 'profile' (policy table or seccomp.filter expected, got %s)", describe(x)), 2)
  end
  local ok, p = pcall(profile_of_filter, f)
  if own then
    f:release()
  end
  if not ok then
    error(type(p) == "string" and "profile: " .. p or p, 2)
  end
  return p
end

return O
