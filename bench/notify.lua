--- bench/notify.lua - notified round trips per second: a C supervisor over
--- libseccomp, the Lua iterator with reply(), and python3-seccomp.
---
--- usage: lua5.4 bench/notify.lua NOTIFY_C [N [ROUNDS]]
--- (bench/run_notify.sh builds NOTIFY_C and the module, then runs this)
---
--- The target ("NOTIFY_C target N") makes N getppid calls under a filter that
--- notifies getppid, checks every answer, and times its own loop: every
--- supervisor is measured by the same clock, from the target's side.
---
--- Sides:
---   C          NOTIFY_C supervise: libseccomp, blocking receive
---   C+sync     the same with the listener's synchronous wake-ups on
---              (kernel >= 6.6), which lua-seccomp's notifiers set by default
---   C+poll     receive only after poll(2) reports a request, as the Lua
---              iterator must (it never blocks in a receive that cannot
---              complete): what that design costs, in C
---   C+poll+sync  both, as the Lua iterator does by default: like for like
---   Lua        for req in child.notifier:requests() do req:reply(4242) end
---   Lua-serve  child.notifier:serve { getppid = function() return { value = 4242 } end }
---   Lua-serve-const  child.notifier:serve { getppid = { value = 4242 } } (a fixed answer)
---   Lua-nosync the same after child.notifier:sync_wakeup(false)
---   Python     python3-seccomp (receive_notify/respond_notify), when installed
---
--- The machine is noisy: the sides run one after the other, ROUNDS times, the
--- order rotating each round; each figure is the median over rounds of the
--- ratio of two sides measured in the same round.
local seccomp = require "seccomp"

local bin, N, ROUNDS = arg[1], tonumber(arg[2] or 20000), tonumber(arg[3] or 7)
assert(bin, "usage: lua5.4 bench/notify.lua NOTIFY_C [N [ROUNDS]]")
local here = arg[0]:match("^(.*)/[^/]*$") or "."
local python = os.getenv("PYTHON")
if not python then
  local fh = io.open("/usr/bin/python3")
  python = fh and "/usr/bin/python3" or "python3"
  if fh then fh:close() end
end

local filter = seccomp.filter("allow"):add_rule("notify", "getppid")

-- One run of the target under the filter, its requests answered by
-- answer(notifier); returns the seconds the target printed.
local function target_run(answer)
  local out = io.tmpfile()
  local child = filter:spawn({ bin, "target", tostring(N) }, { stdout = out })
  answer(child.notifier)
  assert(child:wait(), "the target failed")
  out:seek("set")
  return assert(tonumber(out:read("a")))
end

local function lua_side(sync)
  return function()
    return target_run(function(notifier)
      if not sync then
        notifier:sync_wakeup(false)
      end
      for req in notifier:requests() do
        req:reply(4242)
      end
    end)
  end
end

-- notifier:serve with a handler function answering { value = 4242 }, or
-- (const) with that answer as the handler
local function serve_side(const)
  return function()
    return target_run(function(notifier)
      if const then
        notifier:serve { getppid = { value = 4242 } }
      else
        notifier:serve { getppid = function() return { value = 4242 } end }
      end
    end)
  end
end

local function command_side(cmd)
  return function()
    local p = assert(io.popen(cmd))
    local s = p:read("a")
    local ok = p:close()
    return ok and assert(tonumber(s), "no timing from: " .. cmd) or nil
  end
end

local only = os.getenv("SIDES") -- e.g. SIDES="C+poll+sync Lua Lua-serve"
local sides = {
  { key = "C", name = "C over libseccomp (blocking receive)", run = command_side(bin .. " supervise " .. N) },
  { key = "C+sync", name = "C over libseccomp + sync wake-ups", run = command_side(bin .. " supervise-sync " .. N .. " 2>/dev/null") },
  { key = "C+poll", name = "C, poll(2) before each receive", run = command_side(bin .. " supervise-poll " .. N) },
  { key = "C+poll+sync", name = "C, poll(2) first + sync wake-ups", run = command_side(bin .. " supervise-poll-sync " .. N .. " 2>/dev/null") },
  { key = "Lua", name = "Lua requests() + reply (default)", run = lua_side(true) },
  { key = "Lua-serve", name = "Lua serve, handler returns {value=}", run = serve_side() },
  { key = "Lua-serve-const", name = "Lua serve, the answer {value=} fixed", run = serve_side(true) },
  { key = "Lua-nosync", name = "Lua, sync wake-ups off", run = lua_side(false) },
  { key = "Python", name = "Python python3-seccomp",
    run = command_side(("%s %s/notify.py %s %d 2>/dev/null"):format(python, here, bin, N)) },
}
if only then
  local keep = {}
  for _, s in ipairs(sides) do
    if (" " .. only .. " "):find(" " .. s.key .. " ", 1, true) then keep[#keep + 1] = s end
  end
  sides = keep
end

-- drop the sides this machine cannot run
local usable = {}
for _, s in ipairs(sides) do
  local ok, t = pcall(s.run)
  if ok and t then
    usable[#usable + 1] = s
  else
    print(("(%s: not available here%s)"):format(s.name, ok and "" or ": " .. tostring(t)))
  end
end
sides = usable
local by = {}
for i, s in ipairs(sides) do by[s.key] = i end

local median = dofile((arg[0]:match("^(.*)/") or ".") .. "/stats.lua").median

print(("%d notified getppid round trips per run, %d rounds, order rotating"):format(N, ROUNDS))
local times = {}
for i = 1, #sides do times[i] = {} end
for r = 1, ROUNDS do
  for k = 0, #sides - 1 do
    local i = (r + k - 1) % #sides + 1
    times[i][r] = assert(sides[i].run(), sides[i].name .. " failed")
  end
  local line = { ("round %d:"):format(r) }
  for i = 1, #sides do
    line[#line + 1] = ("%s %.0f/s"):format(sides[i].key, N / times[i][r])
  end
  print(table.concat(line, "  "))
end

print()
for i = 1, #sides do
  local rates = {}
  for r = 1, ROUNDS do rates[r] = N / times[i][r] end
  print(("%-40s median %7.0f round trips/s"):format(sides[i].name, median(rates)))
end

-- rate of a relative to b, paired by round
local function ratio(a, b)
  if not (by[a] and by[b]) then return end
  local rs = {}
  for r = 1, ROUNDS do rs[r] = times[by[b]][r] / times[by[a]][r] end
  print(("%-10s / %-10s median %.3fx  (min %.3f, max %.3f)"):format(a, b, median(rs),
    math.min(table.unpack(rs)), math.max(table.unpack(rs))))
end
print()
ratio("Lua", "C+poll+sync")  -- like for like: the same loop in C (target >= 0.95)
ratio("Lua-serve", "Lua")    -- serve against requests() (target >= 1.0)
ratio("Lua-serve-const", "Lua")
ratio("Lua-serve", "C+poll+sync")
ratio("Lua-serve-const", "C+poll+sync") -- no Lua object nor Lua code per request: the module's floor
ratio("Lua", "C")            -- the binding as shipped vs plain C
ratio("Lua", "C+sync")       -- like for like, sync wake-ups on both sides
ratio("Lua-nosync", "C")     -- like for like, sync wake-ups off on both sides
ratio("C+poll", "C")         -- what the poll-before-receive design costs by itself
ratio("Lua-nosync", "C+poll") -- the binding's own overhead over the same loop in C
ratio("Python", "C")
