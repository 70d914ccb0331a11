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
--- value, a table mapping each decoded table to its line, and one mapping
--- each decoded table to the keys whose numbers were written negative.
---@param text string
---@param name? string names the document in messages (default "JSON")
---@return any value
---@return table lines
---@return table negative
local function decode(text, name)
  name = name or "JSON"
  local pos = 1
  local lines = setmetatable({}, { __mode = "k" })
  -- negative[t][k]: the number at t[k] was written with a minus sign
  local negative = setmetatable({}, { __mode = "k" })
  local minus = false -- the last value read was a negative integer

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
      local neg = sub(int, 1, 1) == "-"
      local n = exact_integer(neg and sub(int, 2) or int, neg)
      if n == nil then
        fail(format("integer %s out of range (-2^63 .. 2^64-1)", int), start)
      end
      minus = neg
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
    minus = false
    t[k] = value(depth + 1)
    if minus then
      negative[t] = negative[t] or {}
      negative[t][k] = true
    end
  end

  local function array_element(t, depth)
    minus = false
    t[#t + 1] = value(depth + 1)
    if minus then
      negative[t] = negative[t] or {}
      negative[t][#t] = true
    end
  end

  function value(depth)
    if depth > MAX_DEPTH then
      fail(format("nested more than %d levels deep", MAX_DEPTH))
    end
    skip()
    local c = sub(text, pos, pos)
    if c == "{" then
      local t = container("}", "an object", object_member, depth)
      minus = false
      return t
    elseif c == "[" then
      local t = container("]", "an array", array_element, depth)
      minus = false
      return t
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
  return v, lines, negative
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


-- Go's GOARCH words, for ctx.arch, and libseccomp's name for each
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

local function set_of(words)
  local t = {}
  for w in words:gmatch("%S+") do t[w] = true end
  return t
end

-- ===========================================================================
-- The runtimes (docs/oci.md, "How each runtime reads a profile")
--
-- Each runtime's reading, from its code: "docker" is moby's
-- profiles/seccomp (setupSeccomp), "podman" containers/common's
-- pkg/seccomp (setupSeccomp, 0.50.1), "runc" the bare OCI LinuxSeccomp as
-- runc reads a config.json.  All three hand the result to runc 1.1.5
-- (libcontainer/specconv SetupSeccomp, libcontainer/seccomp InitSeccomp and
-- patchbpf), whose reading follows them all.

-- The keys of each object, and the runtimes whose decoder reads each.
local ALL = "docker docker-20.10 podman runc"
local DP = "docker docker-20.10 podman"  -- Docker's and Podman's own format
local CURRENT = "docker podman runc"      -- Docker 20.10's struct lacks these
local KEYS = {
  profile = { defaultAction = ALL, defaultErrnoRet = CURRENT, defaultErrno = "podman", architectures = ALL,
              archMap = DP, syscalls = ALL, flags = CURRENT, listenerPath = CURRENT, listenerMetadata = CURRENT },
  syscall = { names = ALL, name = DP, action = ALL, errnoRet = ALL, errno = "podman", args = ALL,
              comment = DP, includes = DP, excludes = DP },
  arg = { index = ALL, value = ALL, valueTwo = ALL, op = ALL },
  condition = { caps = DP, arches = DP, minKernel = "docker docker-20.10" },
  archmap = { architecture = DP, subArchitectures = DP },
}
-- the same keys folded to lower case: Go's decoder matches keys without
-- regard to case
local FOLDED = {}
for kind, keys in pairs(KEYS) do
  FOLDED[kind] = {}
  for k, who in pairs(keys) do
    KEYS[kind][k] = set_of(who)
    FOLDED[kind][k:lower()] = k
  end
end

-- runc 1.1.5's arch words (libcontainer/seccomp/config.go archs), and the
-- libseccomp name of each
local RUNC_ARCHES = {}
for w in ("X86 X86_64 X32 ARM AARCH64 MIPS MIPS64 MIPS64N32 MIPSEL MIPSEL64 MIPSEL64N32 PPC PPC64 PPC64LE "
          .. "S390 S390X"):gmatch("%S+") do
  RUNC_ARCHES["SCMP_ARCH_" .. w] = w:lower()
end

-- Each runtime's word for the arch it runs on, by libseccomp's name of
-- ctx.arch (includes/excludes `arches` are compared with it), and the
-- archMap entry it reads there (none: archMap is not read on that arch).
-- Docker: moby's goToNative of GOARCH, then nativeToSeccomp of that word
-- (which has no entry for "loongarch64" nor "mipsel", so archMap is not
-- read there).  Podman: libseccomp-golang's name of libseccomp's native
-- arch, and its own nativeToSeccomp.
local DOCKER_WORD = {
  x86 = "x86", x86_64 = "amd64", arm = "arm", aarch64 = "arm64", loongarch64 = "loongarch64",
  mips64 = "mips64", mips64n32 = "mips64n32", mipsel64 = "mipsel64", mipsel64n32 = "mips3l64n32",
  mipsel = "mipsel", ppc = "ppc", ppc64 = "ppc64", ppc64le = "ppc64le", riscv64 = "riscv64",
  s390 = "s390", s390x = "s390x",
}
local DOCKER_ARCHMAP = set_of("x86 x86_64 arm aarch64 mips64 mips64n32 mipsel64 mipsel64n32 ppc ppc64 ppc64le "
                              .. "riscv64 s390 s390x")
-- Docker 20.10's tables lack loong64 and riscv64
local DOCKER20_WORD, DOCKER20_ARCHMAP = {}, {}
for k, v in pairs(DOCKER_WORD) do
  if k ~= "loongarch64" and k ~= "riscv64" then DOCKER20_WORD[k] = v end
end
for k in pairs(DOCKER_ARCHMAP) do
  if k ~= "riscv64" then DOCKER20_ARCHMAP[k] = true end
end
local PODMAN_WORD = {
  x86 = "x86", x86_64 = "amd64", x32 = "x32", arm = "arm", aarch64 = "arm64", mips = "mips",
  mips64 = "mips64", mips64n32 = "mips64n32", mipsel = "mipsel", mipsel64 = "mipsel64",
  mipsel64n32 = "mipsel64n32", ppc = "ppc", ppc64 = "ppc64", ppc64le = "ppc64le", s390 = "s390",
  s390x = "s390x", parisc = "parisc", parisc64 = "parisc64", riscv64 = "riscv64", loongarch64 = "loong64",
  m68k = "m68k", sh = "sh", sheb = "sheb",
}
local PODMAN_ARCHMAP = set_of("x86_64 aarch64 mips64 mips64n32 mipsel64 mipsel64n32 s390x")
-- every word one of them has (a word in includes/excludes outside these
-- is a likely mistake)
local ARCH_WORDS = {}
for _, t in ipairs { DOCKER_WORD, PODMAN_WORD } do
  for _, w in pairs(t) do ARCH_WORDS[w] = true end
end

-- The errno names Podman's errno and defaultErrno take (containers/common
-- 0.50.1, errno_list.go): a subset of Linux's
local PODMAN_ERRNOS = set_of(
  "E2BIG EACCES EADDRINUSE EADDRNOTAVAIL EAFNOSUPPORT EAGAIN EALREADY EBADF EBADMSG EBUSY ECANCELED ECHILD "
  .. "ECONNABORTED ECONNREFUSED ECONNRESET EDEADLK EDESTADDRREQ EDOM EDQUOT EEXIST EFAULT EFBIG EHOSTDOWN "
  .. "EHOSTUNREACH EIDRM EILSEQ EINPROGRESS EINVAL EIO EISCONN EISDIR ELOOP EMEDIUMTYPE EMFILE EMLINK "
  .. "EMSGSIZE ENAMETOOLONG ENETDOWN ENETRESET ENETUNREACH ENFILE ENOBUFS ENODEV ENOENT ENOEXEC ENOLCK "
  .. "ENOMEDIUM ENOMEM ENOMSG ENOPROTOOPT ENOSPC ENOSYS ENOTBLK ENOTCONN ENOTDIR ENOTEMPTY ENOTRECOVERABLE "
  .. "ENOTSOCK ENOTSUP ENOTTY ENXIO EOPNOTSUPP EOVERFLOW EOWNERDEAD EPERM EPFNOSUPPORT EPIPE EPROTONOSUPPORT "
  .. "EPROTOTYPE ERANGE EREMOTE EROFS ESHUTDOWN ESOCKTNOSUPPORT ESPIPE ESRCH ESTALE ETIMEDOUT ETOOMANYREFS "
  .. "ETXTBSY EUSERS EXDEV")

local RUNTIMES = set_of("docker docker-20.10 podman runc")
local WHO = { docker = "Docker", ["docker-20.10"] = "Docker 20.10", podman = "Podman", runc = "runc" }
-- each runtime's word for ctx.arch, and the arches it reads archMap on
local WORD = { docker = DOCKER_WORD, ["docker-20.10"] = DOCKER20_WORD, podman = PODMAN_WORD, runc = {} }
local READS_ARCHMAP = { docker = DOCKER_ARCHMAP, ["docker-20.10"] = DOCKER20_ARCHMAP, podman = PODMAN_ARCHMAP,
                        runc = {} }

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

local function sorted_keys(t)
  local list = {}
  for k in pairs(t) do list[#list + 1] = k end
  sort(list)
  return list
end

-- "Docker and Podman": the runtimes that read a key (Docker 20.10 only
-- named when the current Docker does not)
local function who_reads(set)
  local w = {}
  for _, r in ipairs { "docker", "docker-20.10", "podman", "runc" } do
    if set[r] and not (r == "docker-20.10" and set.docker) then w[#w + 1] = WHO[r] end
  end
  return #w == 1 and w[1] or concat(w, ", ", 1, #w - 1) .. " and " .. w[#w]
end

-- Take a note for the filter (added once it is built), one per key and
-- message: `n` more places are counted, not repeated.
local function note(rd, kind, key, origin, message)
  local k = kind .. "\0" .. key
  local seen = rd.noted[k]
  if seen then
    seen.more = seen.more + 1
    return
  end
  seen = { kind = kind, origin = origin, message = message, more = 0 }
  rd.noted[k] = seen
  rd.notes[#rd.notes + 1] = seen
end

-- An object of kind `kind` (KEYS), as the runtime's decoder reads it:
-- returns a table of the keys it reads (by their canonical name) and their
-- paths.  A key none of the runtimes defines is an error (ctx.strict) or
-- noted; one only another runtime reads is noted.
local function read_object(rd, t, path, node, kind, what)
  if type(t) ~= "table" or t == null then
    fail(path, node, format("%s expected (an object), got %s", what, describe(t)))
  end
  if t[1] ~= nil then
    fail(path, node or t, format("%s expected (an object), got an array", what))
  end
  local keys, runtime = KEYS[kind], rd.runtime
  local view, paths = {}, {}
  for _, k in ipairs(sorted_keys(t)) do
    if type(k) ~= "string" then
      fail(path, t, format("%s has a non-string key %s", what, tostring(k)))
    end
    local canon = keys[k] and k or FOLDED[kind][k:lower()]
    local kp = sub_path(path, k)
    if not canon then
      local msg = format("unknown key '%s'%s (%s has %s)", k, did_you_mean(k, keys), what,
        concat(sorted_keys(keys), ", "))
      if rd.strict then
        fail(path, t, msg .. "; ctx.strict = false ignores it")
      end
      note(rd, "ignored_key", kind .. "." .. k, kp, msg .. ": no runtime reads it, ignored (ctx.strict = false)")
    elseif not keys[canon][runtime] then
      note(rd, "ignored_key", kind .. "." .. canon, kp, format("key '%s' is read by %s only: %s ignores it",
        canon, who_reads(keys[canon]), WHO[runtime]))
    else
      if view[canon] ~= nil then
        fail(kp, t, format("keys '%s' and '%s' are one field for the runtimes' JSON decoder (it matches keys "
          .. "whatever their case): give one", paths[canon]:match("[^.]*$"), k))
      end
      view[canon], paths[canon] = t[k], kp
    end
  end
  view[0] = paths
  return view
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

-- A string field: absent (or null) is "", as for the runtimes' decoder.
local function check_string(v, path, node)
  if absent(v) then
    return ""
  end
  if type(v) ~= "string" then
    fail(path, node, "string expected, got " .. describe(v))
  end
  return v
end

-- An unsigned integer field of node[key] (Go's uint, uint64): JSON text
-- must give a plain non-negative integer, as Go's decoder takes no other;
-- a Lua table may give any integer (its 64 bits).
local function check_uint(rd, v, path, node, key)
  local i = mathtype(v) == "integer" and v or (not rd.json and mathtype(v) == "float" and tointeger(v))
  if not i then
    fail(path, node, "integer expected, got " .. describe(v)
      .. (mathtype(v) == "float" and " (the runtimes' JSON decoder takes no fraction or exponent here)" or ""))
  end
  if rd.json and rd.negative[node] and rd.negative[node][key] then
    fail(path, node, format("negative number %d: the field is unsigned, and the runtimes' JSON decoder "
      .. "refuses it", i))
  end
  return i
end

-- A list of strings; absent is the empty list.
local function string_list(v, path, node, what)
  local out = {}
  for i = 1, check_array(v, path, node, what) do
    out[i] = check_string(v[i], sub_path(path, i), v)
  end
  return out
end

-- An action number from an OCI word and the errno (or trace) data, as
-- runc's getAction: the data is for SCMP_ACT_ERRNO and SCMP_ACT_TRACE
-- (EPERM without it) and ignored otherwise (noted).
local function action_of(rd, word, ret, path, node, ret_path)
  local kind = ACTIONS[word]
  if word == "" then
    fail(path, node, "missing key '" .. path:match("[^.]*$") .. "': runc refuses the profile (\"string  is not a "
      .. "valid action for seccomp\")")
  end
  if not kind then
    fail(path, node, format("unknown action '%s'%s: runc refuses the profile (\"string %s is not a valid "
      .. "action for seccomp\")", word, did_you_mean(word, ACTIONS), word))
  end
  if kind == "errno" or kind == "trace" then
    local n = ret or 1 -- EPERM, as runc
    local hi = kind == "errno" and 4095 or 65535
    if n < 0 or n > hi then
      fail(ret_path, node, format("%d out of range (0..%d): runc would pass its low 16 bits on (%s), "
        .. "which %s", n, hi, kind == "errno" and "errno data above 4095 is no errno the kernel returns"
        or "as the trace data", kind == "errno" and "no program can read as an errno" or "is not what it says"))
    end
    local a = kind == "errno" and core.errno(n) or core.trace(n)
    if ret == nil then -- second: what to note where the action is used
      return a, format("%s without %s is taken as %s, as runc does", word, ret_path:match("[%w]+$"),
        core.action_name(a))
    end
    return a
  end
  if ret ~= nil then
    note(rd, "ignored_key", "errnoRet." .. ret_path, ret_path, format("%s is ignored with %s, as runc ignores it "
      .. "(it is for SCMP_ACT_ERRNO and SCMP_ACT_TRACE)", ret_path:match("[^.]*$"), word))
  end
  local a, msg = core.parse("action", kind)
  if a == nil then
    fail(path, node, format("%s: %s", word, msg))
  end
  return a
end

-- The running kernel's version, "6.1.0-13-amd64".
local function running_kernel()
  local fh = io.open("/proc/sys/kernel/osrelease", "r")
  local v = fh and fh:read("l")
  if fh then fh:close() end
  return v
end

-- "major.minor..." as Docker reads a kernel release (Sscanf "%d.%d")
local function major_minor(s)
  local a, b = tostring(s):match("^(%d+)%.(%d+)")
  return a and { tonumber(a), tonumber(b) }
end

local function kernel_at_least(have, want)
  return have[1] > want[1] or (have[1] == want[1] and have[2] >= want[2])
end

-- ctx, checked and completed: caps (a set), arch (libseccomp's name),
-- kernel ({major, minor} or a function giving it), runtime, strict,
-- skip_unknown, unknown, widen_multiplexed.
local CTX_KEYS = { "arch", "caps", "kernel", "name", "runtime", "skip_unknown", "strict", "unknown",
                   "widen_multiplexed" }

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
  local c = { caps = {}, skip_unknown = ctx.skip_unknown, unknown = ctx.unknown, name = ctx.name,
              runtime = ctx.runtime or "docker", strict = ctx.strict, widen = ctx.widen_multiplexed }
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
    local tok, amsg = core.parse("arch", arch)
    if tok == nil then
      argerr("filter", 2, "ctx.arch: " .. amsg)
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
  if type(c.runtime) ~= "string" or not RUNTIMES[c.runtime] then
    argerr("filter", 2, format("ctx.runtime: \"docker\", \"podman\", \"runc\" or \"docker-20.10\" expected, got %s%s",
      describe(c.runtime), type(c.runtime) == "string" and did_you_mean(c.runtime, RUNTIMES) or ""))
  end
  for _, k in ipairs { "skip_unknown", "strict", "widen" } do
    if c[k] ~= nil and type(c[k]) ~= "boolean" then
      argerr("filter", 2, format("ctx.%s: boolean expected, got %s", k == "widen" and "widen_multiplexed" or k,
        describe(c[k])))
    end
  end
  c.strict = c.strict ~= false
  c.widen = c.widen ~= false
  if c.unknown ~= nil and c.unknown ~= "enosys" and c.unknown ~= "runc" and c.unknown ~= "default" then
    argerr("filter", 2, format("ctx.unknown: \"runc\", \"enosys\" or \"default\" expected, got %s",
      describe(c.unknown)))
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

-- A capability word of includes/excludes: any string (the runtimes
-- compare it with the container's capabilities as written); one that is
-- no capability is an error (ctx.strict) or never holds, noted.
local function cap_word(rd, w, path, node)
  if not CAPS[w] then
    local hint = CAPS["CAP_" .. w:upper()] and format(" (did you mean 'CAP_%s'?)", w:upper()) or did_you_mean(w, CAPS)
    local msg = format("'%s' is no capability%s: the runtimes compare the words as written, so it never holds",
      w, hint)
    if rd.strict then
      fail(path, node, msg .. "; ctx.strict = false accepts it")
    end
    note(rd, "never_holds", "cap." .. w, path, msg)
  end
  return w
end

-- An arch word of includes/excludes: any string, compared with the
-- runtime's word for ctx.arch; one that no runtime uses is an error
-- (ctx.strict) or never holds, noted.
local function arch_word(rd, w, path, node)
  if not ARCH_WORDS[w] then
    local hint = did_you_mean(w, ARCH_WORDS)
    local tok = core.parse("arch", w)
    if tok then -- libseccomp's name of an arch: the runtimes' word for it
      local word = DOCKER_WORD[core.arch_name(tok)] or PODMAN_WORD[core.arch_name(tok)]
      if word then hint = format(" (did you mean '%s'?)", word) end
    end
    local msg = format("'%s' is no runtime's arch word%s: Docker's are amd64, x86, arm64, arm, loongarch64, "
      .. "mips3l64n32, ppc64le, s390x, ...; Podman's amd64, x86, x32, arm64, loong64, mipsel64n32, ...: "
      .. "it never holds", w, hint)
    if rd.strict then
      fail(path, node, msg .. "; ctx.strict = false accepts it")
    end
    note(rd, "never_holds", "arch." .. w, path, msg)
  end
  return w
end

-- Docker's kernel version of minKernel (moby's KernelVersion): "" is 0.0,
-- which every kernel is at least; otherwise exactly "major.minor", each
-- 0..255, not 0.0.
local function min_kernel(v, path, node)
  if type(v) ~= "string" then
    fail(path, node, format("invalid kernel version %s, expected \"<kernel>.<major>\": Docker refuses the "
      .. "profile", describe(v)))
  end
  if v == "" then
    return { 0, 0 }
  end
  local a, b = v:match("^(%d+)%.(%d+)$")
  local ka, kb = tonumber(a), tonumber(b)
  if not a or ka > 255 or kb > 255 or (ka == 0 and kb == 0) then
    fail(path, node, format("invalid kernel version \"%s\", expected \"<kernel>.<major>\" (each 0..255, not "
      .. "0.0): Docker refuses the profile", v))
  end
  return { ka, kb }
end

-- includes/excludes, as the runtime decodes it: { caps =, arches =,
-- min = } (nil where the runtime does not read the object).
local function read_condition(rd, t, path, node, what)
  if absent(t) then
    return nil
  end
  local o = read_object(rd, t, path, node, "condition", what)
  local paths = o[0]
  local c = { caps = {}, arches = {} }
  for i, w in ipairs(string_list(o.caps, paths.caps, t, "list of capabilities")) do
    c.caps[i] = cap_word(rd, w, sub_path(paths.caps, i), o.caps)
  end
  for i, w in ipairs(string_list(o.arches, paths.arches, t, "list of arches")) do
    c.arches[i] = arch_word(rd, w, sub_path(paths.arches, i), o.arches)
  end
  if not absent(o.minKernel) then
    c.min, c.min_path = min_kernel(o.minKernel, paths.minKernel, t), paths.minKernel
  end
  return c
end

local function contains(list, w)
  for _, x in ipairs(list) do
    if x == w then return true end
  end
  return false
end

-- Is the entry kept, as the runtime filters it (moby's and Podman's
-- setupSeccomp: excludes' arches, caps, minKernel, then includes')?
local function kept(rd, inc, exc, node)
  local ctx, word = rd.ctx, rd.word
  if exc then
    if #exc.arches > 0 and contains(exc.arches, word) then return false end
    for _, cap in ipairs(exc.caps) do
      if ctx.caps[cap] then return false end
    end
    if exc.min and kernel_at_least(ctx_kernel(ctx, exc.min_path, node), exc.min) then return false end
  end
  if inc then
    if #inc.arches > 0 and not contains(inc.arches, word) then return false end
    for _, cap in ipairs(inc.caps) do
      if not ctx.caps[cap] then return false end
    end
    if inc.min and not kernel_at_least(ctx_kernel(ctx, inc.min_path, node), inc.min) then return false end
  end
  return true
end

-- Podman's errno and defaultErrno (getErrno): a decimal number or one of
-- its errno names; "" keeps errnoRet.
local function podman_errno(v, path, node, ret)
  local s = check_string(v, path, node)
  if s == "" then
    return ret
  end
  if s:match("^%d+$") then
    local n = math.tointeger(tonumber(s))
    if not n or n > 0xffffffff then
      fail(path, node, format("errno \"%s\" out of range: Podman refuses the profile", s))
    end
    return n
  end
  if not PODMAN_ERRNOS[s] then
    fail(path, node, format("unknown errno %s%s: Podman refuses the profile (its names are a subset of "
      .. "Linux's)", s, did_you_mean(s, PODMAN_ERRNOS)))
  end
  return (core.parse("errno", s))
end

-- An arch word of architectures or of the archMap entry read: runc's word,
-- then libseccomp's arch.
local function runc_arch(w, path, node)
  if not RUNC_ARCHES[w] then
    local hint = did_you_mean(w, RUNC_ARCHES)
    local tok = core.parse("arch", w) -- libseccomp's name of one: runc's word for it
    if tok and RUNC_ARCHES["SCMP_ARCH_" .. core.arch_name(tok):upper()] then
      hint = format(" (did you mean 'SCMP_ARCH_%s'?)", core.arch_name(tok):upper())
    end
    fail(path, node, format("arch '%s' is not one of runc's%s: runc refuses the profile (\"string %s is not a "
      .. "valid arch for seccomp\"; runc 1.1.5 knows %s)", w, hint, w,
      concat(sorted_keys(RUNC_ARCHES), ", ")))
  end
  local tok, msg = core.parse("arch", RUNC_ARCHES[w])
  if tok == nil then
    fail(path, node, msg)
  end
  return core.arch_name(tok)
end

-- The entries of `syscalls`, as the runtime hands them to runc: a list of
-- { names = {{name, path, node}...}, action =, ret =, args = {...}, path =,
-- node = }.
local function read_syscalls(rd, p, top)
  local runtime, paths = rd.runtime, top[0]
  local out = {}
  local sp = paths.syscalls or "syscalls"
  for i = 1, check_array(top.syscalls, sp, p, "list of syscall rules") do
    local path, s = sub_path(sp, i), top.syscalls[i]
    local o = read_object(rd, s, path, top.syscalls, "syscall", "a syscall rule")
    local op = o[0]
    local e = { path = path, node = s, names = {}, args = {} }
    local name = check_string(o.name, op.name, s)
    local names = {}
    for j = 1, check_array(o.names, op.names, s, "list of syscall names") do
      names[j] = { check_string(o.names[j], sub_path(op.names, j), o.names), sub_path(op.names, j), o.names }
    end
    if not absent(o.comment) then
      check_string(o.comment, op.comment, s)
    end
    e.action = check_string(o.action, op.action or sub_path(path, "action"), s)
    if not absent(o.errnoRet) then
      e.ret = check_uint(rd, o.errnoRet, op.errnoRet, s, op.errnoRet:match("[^.]*$"))
    end
    e.ret_path = op.errnoRet or sub_path(path, "errnoRet")
    if runtime == "podman" and not absent(o.errno) then
      e.errno, e.errno_path = o.errno, op.errno
      check_string(o.errno, op.errno, s)
    end
    for j = 1, check_array(o.args, op.args, s, "list of argument conditions") do
      local cp, a = sub_path(op.args, j), o.args[j]
      local ao = read_object(rd, a, cp, o.args, "arg", "an argument condition")
      local ap = ao[0]
      local c = { path = cp, node = a, op = check_string(ao.op, ap.op or sub_path(cp, "op"), a) }
      c.index = absent(ao.index) and 0 or check_uint(rd, ao.index, ap.index, a, ap.index:match("[^.]*$"))
      c.value = absent(ao.value) and 0 or check_uint(rd, ao.value, ap.value, a, ap.value:match("[^.]*$"))
      c.two = absent(ao.valueTwo) and 0 or check_uint(rd, ao.valueTwo, ap.valueTwo, a, ap.valueTwo:match("[^.]*$"))
      c.index_path = ap.index or sub_path(cp, "index")
      e.args[j] = c
    end
    local inc = read_condition(rd, o.includes, op.includes, s, "includes")
    local exc = read_condition(rd, o.excludes, op.excludes, s, "excludes")
    local both = name ~= "" and #names > 0
    if both and runtime == "docker" then -- Docker 20.10 checks the entries it keeps only
      fail(path, s, "both 'name' and 'names' are given: Docker refuses the profile (use one)")
    end
    if kept(rd, inc, exc, s) then
      if both then
        fail(path, s, format("both 'name' and 'names' are given: %s refuses the profile (use one)", WHO[runtime]))
      end
      if e.errno ~= nil then
        e.ret = podman_errno(e.errno, e.errno_path, s, e.ret)
        e.ret_path = e.errno_path
      end
      e.names = name ~= "" and { { name, op.name, s } } or names
      out[#out + 1] = e
    end
  end
  return out
end

-- The arches the runtime hands to runc (architectures, or the archMap
-- entry for ctx.arch), as libseccomp names with their places.
local function read_arches(rd, p, top)
  local paths, runtime, ctx = top[0], rd.runtime, rd.ctx
  local list = {}
  local ap = paths.architectures or "architectures"
  local na = check_array(top.architectures, ap, p, "list of arches")
  for i = 1, na do
    list[i] = { check_string(top.architectures[i], sub_path(ap, i), top.architectures), sub_path(ap, i),
                top.architectures }
  end
  local mp = paths.archMap or "archMap"
  local nm = check_array(top.archMap, mp, p, "list of arch maps")
  if na > 0 and nm > 0 then
    fail(mp, p, format("both 'architectures' and 'archMap' are given: %s refuses the profile (use one)",
      WHO[runtime]))
  end
  -- the entry for the runtime's own arch, if it reads archMap there: its
  -- words go to runc; the other entries are not interpreted
  local want = nil
  if READS_ARCHMAP[runtime][ctx.arch] then
    want = "SCMP_ARCH_" .. ctx.arch:upper()
  end
  local found = false
  for i = 1, nm do
    local path, m = sub_path(mp, i), top.archMap[i]
    local o = read_object(rd, m, path, top.archMap, "archmap", "an arch map")
    local op = o[0]
    local main = check_string(o.architecture, op.architecture or sub_path(path, "architecture"), m)
    local subs = string_list(o.subArchitectures, op.subArchitectures, m, "list of arches")
    if not found and want and main == want then
      found = true
      list[#list + 1] = { main, op.architecture or path, m }
      for j, w in ipairs(subs) do
        list[#list + 1] = { w, sub_path(op.subArchitectures, j), o.subArchitectures }
      end
    end
  end
  for i, a in ipairs(list) do
    list[i] = { runc_arch(a[1], a[2], a[3]), a[2], a[3] }
  end
  return list
end

-- Read the whole profile into a plan, as the runtime reads it and hands it
-- to runc, and as runc builds its filter; nothing is built yet.
local function plan_of(p, ctx, negative)
  local runtime = ctx.runtime
  local rd = { ctx = ctx, runtime = runtime, strict = ctx.strict, notes = {}, noted = {},
               json = negative ~= nil, negative = negative or {} }
  rd.word = WORD[runtime][ctx.arch] or ""
  local top = read_object(rd, p, "", nil, "profile", "a seccomp profile")
  local paths = top[0]
  local default_word = check_string(top.defaultAction, paths.defaultAction or "defaultAction", p)
  local nsys = check_array(top.syscalls, paths.syscalls or "syscalls", p, "list of syscall rules")
  if default_word == "" and nsys == 0 then
    fail("", p, "no defaultAction and no syscalls: Docker, Podman and runc run the container without seccomp "
      .. "for such a profile, so there is no filter to build")
  end
  local plan = { rules = {}, skipped = {}, notes = rd.notes, stub_names = {} }

  -- flags, the listener: runc 1.1.5 takes no flags, and this module no agent
  local nf = check_array(top.flags, paths.flags, p, "list of flags")
  if nf > 0 then
    local fw = check_string(top.flags[1], sub_path(paths.flags, 1), top.flags)
    fail(paths.flags, p, format("runc 1.1.5 refuses any flag (\"seccomp flags are not yet supported by runc\"; "
      .. "runc 1.2 and later take SECCOMP_FILTER_FLAG_LOG, _SPEC_ALLOW and _WAIT_KILLABLE_RECV, and ignore "
      .. "_TSYNC): remove '%s'", fw))
  end
  for _, k in ipairs { "listenerPath", "listenerMetadata" } do
    if check_string(top[k], paths[k], p) ~= "" then
      fail(paths[k], p, format("not supported: %s hands notifications to a seccomp agent, which this module does not "
        .. "implement; a filter without it would not do what the profile says", k))
    end
  end

  -- the default action
  local dret, dret_path = nil, paths.defaultErrnoRet or "defaultErrnoRet"
  if not absent(top.defaultErrnoRet) then
    dret = check_uint(rd, top.defaultErrnoRet, paths.defaultErrnoRet, p, paths.defaultErrnoRet)
  end
  if not absent(top.defaultErrno) then
    dret = podman_errno(top.defaultErrno, paths.defaultErrno, p, dret)
    dret_path = paths.defaultErrno
  end
  plan.arches = read_arches(rd, p, top)
  local entries = read_syscalls(rd, p, top)
  local defaulted
  plan.default, defaulted = action_of(rd, default_word, dret, paths.defaultAction or "defaultAction", p, dret_path)
  if defaulted then
    note(rd, "defaulted", "defaulted.", paths.defaultAction or "defaultAction", defaulted)
  end
  plan.default_word = default_word

  -- runc: every entry's action and operators (specconv), then the
  -- listener's conditions (InitSeccomp), then the rules (matchCall)
  local notify = nil
  for _, e in ipairs(entries) do
    e.act, e.defaulted = action_of(rd, e.action, e.ret, sub_path(e.path, "action"), e.node, e.ret_path)
    if e.action == "SCMP_ACT_NOTIFY" and #e.names > 0 then
      notify = notify or e
      for _, n in ipairs(e.names) do
        if n[1] == "write" then
          fail(n[2], n[3], "runc refuses the profile: \"SCMP_ACT_NOTIFY cannot be used for the write syscall\"")
        end
      end
    end
    if #e.names > 0 then
      for _, c in ipairs(e.args) do
        if c.op == "" then
          fail(c.path, c.node, "missing key 'op': runc refuses the profile (\"string  is not a valid operator "
            .. "for seccomp\")")
        end
        if not OPS[c.op] then
          local hint, n = did_you_mean(c.op, OPS), core.parse("op", c.op)
          if n then hint = format(" (did you mean '%s'?)", OP_OF[n]) end -- "==" where runc reads SCMP_CMP_EQ
          fail(sub_path(c.path, "op"), c.node, format("unknown operator '%s'%s: runc refuses the profile",
            c.op, hint))
        end
      end
    end
  end
  if default_word == "SCMP_ACT_NOTIFY" then
    fail(paths.defaultAction, p, "runc refuses the profile: \"SCMP_ACT_NOTIFY cannot be used as default action\"")
  end
  if notify then
    fail(sub_path(notify.path, "action"), notify.node, "runc refuses the profile: \"listenerPath is not set\" "
      .. "(runc hands the listener of SCMP_ACT_NOTIFY rules to a seccomp agent at listenerPath, which this "
      .. "module does not implement)")
  end
  local skipped_seen = {}
  for _, e in ipairs(entries) do
    -- conditions on one argument more than once: one rule per condition
    -- (any of them), as runc adds them; otherwise one rule, all of them
    local by_index, repeated = {}, false
    for _, c in ipairs(e.args) do
      if by_index[c.index] then repeated = true end
      by_index[c.index] = true
    end
    local conds = {}
    for j, c in ipairs(e.args) do
      conds[j] = c.op == "SCMP_CMP_MASKED_EQ" and { c.index, "&=", c.value, c.two } or { c.index, OPS[c.op], c.value }
    end
    local sets = { conds }
    if repeated then
      sets = {}
      for j, c in ipairs(conds) do sets[j] = { c } end
    end
    for _, nm in ipairs(e.names) do
      local name, npath, nnode = nm[1], nm[2], nm[3]
      if name == "" then
        fail(npath, nnode, "runc refuses the profile: \"empty string is not a valid syscall\"")
      end
      plan.stub_names[#plan.stub_names + 1] = name
      if e.act ~= plan.default then
        if core.parse("syscall", name) == nil then
          if rank(e.act) < rank(plan.default) and not ctx.skip_unknown then
            fail(npath, nnode, format("unknown syscall '%s'%s in a rule more restrictive (%s) than the default "
              .. "action (%s): runc skips it, which lets the call through; set ctx.skip_unknown = true to skip "
              .. "it anyway", name, did_you_mean(name, core.syscalls()), core.action_name(e.act),
              core.action_name(plan.default)))
          end
          if not skipped_seen[name] then
            skipped_seen[name] = true
            plan.skipped[#plan.skipped + 1] = name
          end
        else
          for _, c in ipairs(e.args) do
            if ult(5, c.index) then
              fail(c.index_path, c.node, format("argument index %s out of range (0..5): runc refuses the profile "
                .. "(\"syscalls only have up to 6 arguments\")", unsigned(c.index)))
            end
          end
          for _, set in ipairs(sets) do
            plan.rules[#plan.rules + 1] = { action = e.act, name = name, conds = set, path = npath, node = nnode,
                                            rule_path = e.path }
          end
          e.made = true
        end
      end
    end
    if e.defaulted and e.made then -- once, where the entry gave a rule
      note(rd, "defaulted", "defaulted." .. e.path, e.path, e.defaulted)
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

-- Does the runtime's default action get runc's ENOSYS stub (patchbpf: not
-- for allow, log and trace)?
local function stubbed(word)
  return word ~= "SCMP_ACT_ALLOW" and word ~= "SCMP_ACT_LOG" and word ~= "SCMP_ACT_TRACE"
end

local function build(plan, ctx, holder)
  local m = filter_methods()
  local f = call({ "defaultAction", nil }, core.filter, plan.default)
  holder.f = f
  -- The runtime's arch (ctx.arch, native unless cross-evaluating) and the
  -- listed ones, as runc keeps libseccomp's native arch.
  local native = core.arch_name(core.native_arch())
  local want = { [ctx.arch] = true }
  for _, a in ipairs(plan.arches) do want[a[1]] = true end
  if not want[native] then
    call({ "", nil }, m.remove_arch, f, native)
  end
  local done = { [native] = true }
  for _, a in ipairs({ { ctx.arch, "", nil }, table.unpack(plan.arches) }) do
    if not done[a[1]] then
      done[a[1]] = true
      call({ a[2], a[3] }, m.add_arch, f, a[1])
    end
  end
  call({ "ctx.widen_multiplexed", nil }, m.set_attr, f, "widen_multiplexed", ctx.widen)
  for _, r in ipairs(plan.rules) do
    local args = {}
    for j, c in ipairs(r.conds) do args[j] = c end
    -- the name as written, so that the rule ledger lists it by name, and
    -- the entry it came from as the rule's origin
    local ok, err = pcall(call, { r.path, r.node }, m.add_rule, f, r.action, r.name, table.unpack(args))
    if not ok then
      if getmetatable(err) == Failure and err.obj and err.obj.errno then
        -- runc adds the same rule and gets the same failure
        err.obj.message = "runc refuses the profile too (\"error adding seccomp rule for syscall " .. r.name
          .. "\"): " .. tostring(err.obj.message)
      end
      error(err, 0)
    end
    m._set_origin(f, r.rule_path)
  end
  if ctx.unknown == "enosys" or ctx.unknown == "default" then
    call({ "ctx.unknown", nil }, m.set_attr, f, "unknown", ctx.unknown)
  elseif stubbed(plan.default_word) then
    local arches = {}
    for i, a in ipairs(plan.arches) do arches[i] = a[1] end
    private.runc_stub(f, arches, plan.stub_names)
  end
  for _, n in ipairs(plan.notes) do
    local msg = n.message
    if n.more > 0 then
      msg = format("%s (and %d more place%s)", msg, n.more, n.more == 1 and "" or "s")
    end
    private.note(f, n.kind, msg, n.origin)
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

---A filter from an OCI `LinuxSeccomp` object (a Lua table, or JSON text),
---read as `ctx.runtime` reads it ("docker", default; "podman"; "runc" for
---the bare OCI form; "docker-20.10") and built as runc builds it.  Returns the filter and
---the list of syscall names skipped because the linked libseccomp does not
---know them.  A profile either builds completely or raises: a located
---message ("NAME:LINE: syscalls[3].args[1].op: unknown operator
---'SCMP_CMP_EQQ'"), or the core's error object for a libseccomp failure.
---What it accepted but will not do what it seems to is in `f:notes()`.
---See docs/oci.md.
---@param profile table|string
---@param ctx? { caps?: string[], arch?: string, kernel?: string, runtime?: "docker"|"podman"|"runc"|"docker-20.10", strict?: boolean, skip_unknown?: boolean, unknown?: "runc"|"enosys"|"default", widen_multiplexed?: boolean, name?: string }
---@return seccomp.filter, string[]
function O.filter(profile, ctx)
  local ok, c = pcall(check_ctx, ctx)
  if not ok then
    error(c, 2)
  end
  local lines, negative
  if type(profile) == "string" then
    local ok2, v, l, neg = pcall(decode, profile, c.name or "JSON")
    if not ok2 then
      error(v, 2)
    end
    profile, lines, negative = v, l, neg
  elseif type(profile) ~= "table" then
    error(format("bad argument #1 to 'filter' (profile expected (a table or JSON text), got %s)", describe(profile)), 2)
  end
  local holder = {}
  local ok3, res = pcall(function()
    local plan = plan_of(profile, c, negative)
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
