-- An evaluator of libseccomp's PFC text (what f:export_pfc() prints), for
-- the specs: the rule database libseccomp built, read back and run on a
-- call, independently of the BPF program libseccomp generates from it.
--
-- The text is libseccomp's "pseudo filter code" (its src/gen_pfc.c, the
-- same in 2.5.4 and 2.6.x): nested `if` statements, two spaces of
-- indentation a level, an `else` at the indentation of its `if`, and
-- `action X;` leaves:
--
--   if ($arch == TOKEN)              an arch block (TOKEN: the audit arch)
--   if ($syscall == N)               a syscall block
--   if ($syscall > N) / else # ...   the binary tree of optimize = 2
--   if ($aK OP N)                    a test of argument K (32-bit arches)
--   if ($aK.hi32 OP N) / .lo32       a test of one word (64-bit arches)
--     OP: ==, >=, >, & 0xMASK ==     (unsigned 32-bit compares)
--   action ALLOW; KILL; KILL_PROCESS; TRAP; LOG; ERRNO(n); TRACE(n); 0xHEX;
--   # ...                            comments
--
-- A statement list runs in order: an action ends the evaluation; an `if`
-- runs its true or its false branch, and when that branch ends without an
-- action, the statement after the `if` runs next (libseccomp's tree: a
-- node whose branch has no action or sub-level falls through to the next
-- node of its level, and the end of a level to the node after its
-- parent). That is also what libseccomp's BPF generator (gen_bpf.c) does
-- with the tree, so where the program and this evaluator differ, the
-- generator departed from its own database -- but for one thing the
-- printer does: it lists rules on pseudo syscall numbers (<= -10000, a
-- name the arch lacks), which the program leaves out.
local M = {}

local ACTIONS = {
  ALLOW = 0x7fff0000, KILL = 0x00000000, KILL_PROCESS = 0x80000000,
  TRAP = 0x00030000, LOG = 0x7ffc0000,
}

local function parse_action(s, ln)
  local name, n = s:match("^(%u+)%((%d+)%)$")
  if name == "ERRNO" then return 0x00050000 | tonumber(n) end
  if name == "TRACE" then return 0x7ff00000 | tonumber(n) end
  if ACTIONS[s] then return ACTIONS[s] end
  local hex = s:match("^0x(%x+)$")
  if hex then return tonumber(hex, 16) end
  error(("pfc line %d: unknown action '%s'"):format(ln, s))
end

-- A test: { what = "arch"|"syscall"|"arg", arg = K, word = "hi"|"lo"|nil,
-- op = "=="|">"|">="|"&", mask = M, datum = N }
local function parse_test(s, ln)
  local what, rest = s:match("^%$(%a+)%s+(.*)$")
  local t = {}
  if what == "arch" or what == "syscall" then
    t.what = what
  else
    local k, word
    k, word, rest = s:match("^%$a(%d)%.?(%l*%d*)%s+(.*)$")
    if not k then error(("pfc line %d: cannot read the test '%s'"):format(ln, s)) end
    t.what, t.arg = "arg", tonumber(k)
    if word == "hi32" then t.word = "hi" elseif word == "lo32" then t.word = "lo"
    elseif word ~= "" then error(("pfc line %d: unknown word '%s'"):format(ln, word)) end
  end
  local mask, datum = rest:match("^& 0x(%x+) == (%d+)$")
  if mask then
    t.op, t.mask, t.datum = "&", tonumber(mask, 16), tonumber(datum)
    return t
  end
  local op, n = rest:match("^([=<>!?]+) (%d+)$")
  if op ~= "==" and op ~= ">" and op ~= ">=" then
    error(("pfc line %d: unknown comparison '%s'"):format(ln, rest))
  end
  t.op, t.datum = op, tonumber(n)
  return t
end

--- Parse PFC text into a statement list: each statement is
--- { action = A } or { test = T, yes = {...}, no = {...} or nil }.
function M.parse(text)
  local lines, arches = {}, {}
  local ln = 0
  for line in (text .. "\n"):gmatch("(.-)\n") do
    ln = ln + 1
    local sp, body = line:match("^( *)(.-)%s*$")
    local name, token = body:match("^# filter for arch (%S+) %((%d+)%)$")
    if name then arches[name] = tonumber(token) end
    if body ~= "" and body:sub(1, 1) ~= "#" then
      if #sp % 2 ~= 0 then error(("pfc line %d: odd indentation"):format(ln)) end
      body = body:gsub("%s*#.*$", "") -- "else # ($syscall <= N)"
      lines[#lines + 1] = { depth = #sp // 2, body = body, ln = ln }
    end
  end
  local pos = 1
  local function block(depth)
    local list = {}
    while pos <= #lines and lines[pos].depth >= depth do
      local l = lines[pos]
      if l.depth > depth then error(("pfc line %d: unexpected indentation"):format(l.ln)) end
      local act = l.body:match("^action (.-);$")
      local cond = l.body:match("^if %((.*)%)$")
      if act then
        pos = pos + 1
        list[#list + 1] = { action = parse_action(act, l.ln) }
      elseif cond then
        pos = pos + 1
        local st = { test = parse_test(cond, l.ln) }
        st.yes = block(depth + 1)
        if pos <= #lines and lines[pos].depth == depth and lines[pos].body == "else" then
          pos = pos + 1
          st.no = block(depth + 1)
        end
        list[#list + 1] = st
      else
        error(("pfc line %d: cannot read '%s'"):format(l.ln, l.body))
      end
    end
    return list
  end
  local top = block(0)
  if pos <= #lines then error(("pfc line %d: unexpected indentation"):format(lines[pos].ln)) end
  top.arches = arches -- arch name (as libseccomp prints it) -> token
  return top
end

local function holds(t, call)
  local v
  if t.what == "arch" then v = call.arch
  elseif t.what == "syscall" then v = call.nr & 0xffffffff
  else
    local a = call.args[t.arg + 1] or 0
    v = t.word == "hi" and (a >> 32) & 0xffffffff or a & 0xffffffff
  end
  if t.op == "==" then return v == t.datum
  elseif t.op == ">" then return v > t.datum
  elseif t.op == ">=" then return v >= t.datum
  else return v & t.mask == t.datum end
end

local function run(list, call)
  for _, st in ipairs(list) do
    if st.action then return st.action end
    local branch
    if holds(st.test, call) then branch = st.yes else branch = st.no end
    if branch then
      local a = run(branch, call)
      if a then return a end
    end
  end
  return nil
end

--- Evaluate a parsed PFC (or its text) for call = { arch = <audit arch
--- token, or an arch name the text has a block for>, nr = <syscall
--- number>, args = { six integers } }: the action, an integer (nil only
--- for a text with no final action).
function M.eval(pfc, call)
  if type(pfc) == "string" then pfc = M.parse(pfc) end
  if type(call.arch) == "string" then
    call = { arch = assert(pfc.arches[call.arch], "no block for that arch"), nr = call.nr, args = call.args }
  end
  return run(pfc, call)
end

return M
