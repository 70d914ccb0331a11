-- examples/policies/stdout-only.lua: writes go to stdout and stderr only.
-- Everything else is allowed; a write to any other fd (a file, a socket, a
-- pipe the program opened) fails with EPERM.
local writes = { "write", "writev", "pwrite64", "pwritev", "pwritev2" }

return {
  default = "allow",
  rules = {
    -- fd 0 (stdin) ...
    { action = "errno(EPERM)", syscalls = writes, args = { "arg0 == 0" } },
    -- ... and every fd above 2
    { action = "errno(EPERM)", syscalls = writes, args = { { 0, ">", 2 } } },
  },
}
