-- lua-luv's threads (uv.new_thread: a new lua_State on a new thread each)
-- running ci/tsan/work.lua at once, as an application using luv would.
--   lua5.4 ci/tsan/luv.lua WORK.lua THREADS ROUNDS LPATH CPATH
-- Each thread writes "ok" to its own file when its rounds ran to the end.
local uv = require "luv"
local work, n, rounds, lpath, cpath = arg[1], tonumber(arg[2]), tonumber(arg[3]), arg[4], arg[5]
local threads, files = {}, {}
for i = 1, n do
  files[i] = os.tmpname()
  threads[i] = assert(uv.new_thread(function(w, lp, cp, t, r, out)
    package.path, package.cpath = lp, cp
    for k = 1, r do
      THREAD, ROUND = t, k
      dofile(w)
    end
    local fh = assert(io.open(out, "w"))
    fh:write("ok")
    fh:close()
  end, work, lpath, cpath, i, rounds, files[i]))
end
local failed = 0
for i = 1, n do
  uv.thread_join(threads[i])
  local fh = io.open(files[i])
  local s = fh and fh:read("a")
  if fh then fh:close() end
  os.remove(files[i])
  if s ~= "ok" then
    failed = failed + 1
    io.stderr:write(("luv thread %d did not finish its rounds\n"):format(i))
  end
end
print(("luv: %d threads x %d rounds, %d failed"):format(n, rounds, failed))
os.exit(failed == 0 and 0 or 1)
