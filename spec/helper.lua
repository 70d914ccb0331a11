-- Shared by the specs: run Lua code in a child process (a filter, once
-- loaded, cannot be removed, so every spec that loads one does it in a child)
-- and report what the child saw.
local H = {}

H.lua = "lua" .. _VERSION:match("%d+%.%d+")
H.is54 = _VERSION == "Lua 5.4"

local function shellquote(s)
  return "'" .. s:gsub("'", "'\\''") .. "'"
end
H.shellquote = shellquote

--- Run `code` (a Lua chunk) in a fresh interpreter that can require seccomp.
--- Returns stdout, then what os.execute returns: ok, "exit"|"signal", code.
--- opts.nobody: run as user nobody (no capabilities), via setpriv.
function H.child(code, opts)
  local path = os.tmpname()
  local fh = assert(io.open(path, "w"))
  fh:write(("package.path = %q\npackage.cpath = %q\n"):format(package.path, package.cpath))
  fh:write(code)
  fh:close()
  local prefix = "ulimit -c 0; exec "
  if opts and opts.nobody then
    assert(os.execute("chmod 644 " .. shellquote(path)))
    prefix = prefix .. "setpriv --reuid=65534 --regid=65534 --clear-groups "
  end
  local p = assert(io.popen(prefix .. H.lua .. " " .. shellquote(path) .. " 2>&1"))
  local out = p:read("a")
  local ok, how, status = p:close()
  os.remove(path)
  return out, ok, how, status
end

--- The error value a function raises (fails the spec when it does not raise).
function H.raises(fn, ...)
  local ok, err = pcall(fn, ...)
  assert(not ok, "expected an error, got none")
  return err
end

--- The message a function raises, as a string.
function H.message(fn, ...)
  return tostring(H.raises(fn, ...))
end

--- The message raised by `obj:name(...)`, called as a method as a user would
--- (so the error names the method and counts arguments after self).
function H.method_message(obj, name, ...)
  local call = assert(load("local o = ...; return function(...) return o:" .. name .. "(...) end"))(obj)
  return H.message(call, ...)
end

H.SIGSYS = 31

return H
