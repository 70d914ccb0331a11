--- seccomp.located: a mistake located in a table the Lua layer walks (a
--- policy table, an OCI profile), and calls into the core whose failures
--- are located there.
---
--- Private to the binding: seccomp.policy and seccomp.oci use it.
local core = require "seccomp.core"

local type, error, setmetatable, getmetatable = type, error, setmetatable, getmetatable
local mathtype = math.type
local private = core._private

local M = {}

-- A located failure: `path` names the place ("rules[3].args[1]",
-- "syscalls[2].names[1]"), `node` is the innermost table involved (for its
-- line, where the table came from a file), and either `msg` (a bad value) or
-- `obj` (a libseccomp failure: the core's error object, kept as it is).
M.Failure = {}

function M.fail(path, node, msg)
  error(setmetatable({ path = path, node = node, msg = msg }, M.Failure), 0)
end

-- The core's argument error as core._private.call gives it: the argument's
-- position (self is 1) and the message; nil for any other error.
function M.argument_error(err)
  if type(err) == "table" and getmetatable(err) == nil and mathtype(err.argument) == "integer" then
    return err.argument, err.message
  end
end

-- Call a core function, locating its failure: an argument error is its
-- message at locs[n] (n the argument's position), or at locs.at; a
-- libseccomp failure (the core's error object) keeps the object, at
-- locs.at; anything else is its text at locs.at.  Returns fn's first result.
function M.call(locs, fn, ...)
  local ok, err = private.call(fn, ...)
  if ok then
    return err
  end
  local at = locs.at
  if type(err) == "table" and err.errno ~= nil and err.message ~= nil then
    error(setmetatable({ path = at[1], node = at[2], obj = err }, M.Failure), 0)
  end
  local n, msg = M.argument_error(err)
  if n then
    local loc = locs[n] or at
    M.fail(loc[1], loc[2], msg)
  end
  M.fail(at[1], at[2], type(err) == "string" and err or tostring(err))
end

return M
