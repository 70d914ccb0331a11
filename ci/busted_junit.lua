-- A busted output handler for ci/lib.sh: busted's own JUnit handler (the
-- report goes to the file given with -Xoutput), plus a progress line for a
-- spec file that runs long: after each case, when 5 s or more have passed
-- since the file started or since the last such line, one line saying how
-- far along the file is.  The lines go to the file SPEC_PROGRESS names
-- (ci/lib.sh shows that file's lines as they come), else to stderr.  And the
-- name of the case running is kept in the file SPEC_CURRENT names, if any
-- (empty between cases): ci/lib.sh says which case it is when one runs long.
--
--   lua5.4 /usr/bin/busted -o ci/busted_junit.lua -Xoutput report.xml spec/x_spec.lua
return function(options)
  local busted = require "busted"
  local handler = require "busted.outputHandlers.junit"(options)
  local every = 5
  local started, last = os.time(), os.time()
  local done, failed, pending, file = 0, 0, 0, nil

  local function say(line)
    local path = os.getenv("SPEC_PROGRESS")
    local fh = path and io.open(path, "a") or io.stderr
    fh:write(line, "\n")
    fh:flush()
    if fh ~= io.stderr then fh:close() end
  end

  local current = os.getenv("SPEC_CURRENT")
  local function set_current(text)
    local fh = current and io.open(current, "w")
    if fh then
      fh:write(text)
      fh:close()
    end
  end

  busted.subscribe({ "test", "start" }, function(element)
    set_current(handler.getFullName(element))
    return nil, true
  end)

  busted.subscribe({ "test", "end" }, function(element, _, status)
    set_current("")
    done = done + 1
    if status == "failure" or status == "error" then failed = failed + 1 end
    if status == "pending" then pending = pending + 1 end
    file = file or (element.trace and element.trace.short_src or "?"):match("[^/]*$")
    local now = os.time()
    if now - last >= every then
      last = now
      say(("    %s: %d done (%d failed, %d pending), %d s"):format(file, done, failed, pending, now - started))
    end
    return nil, true
  end)

  return handler
end
