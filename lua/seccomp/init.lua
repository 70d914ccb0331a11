--- lua-seccomp: the public module.
--- The C core (`seccomp.core`) does everything that touches libseccomp or the
--- kernel; this file builds the public table from it, name by name, so the
--- public API reads as one list.
local core = require "seccomp.core"

local M = {}

M._VERSION = core._VERSION

-- versions, API level and features
M.version = core.version
M.compiled_version = core.compiled_version
M.api = core.api
M.set_api = core.set_api
M.supports = core.supports
M.features = core.features

-- names
M.native_arch = core.native_arch
M.arch = core.arch
M.arch_name = core.arch_name
M.syscall = core.syscall
M.syscall_name = core.syscall_name
M.syscalls = core.syscalls
M.errno = core.errno
M.trace = core.trace
M.action_name = core.action_name
M.parse = core.parse

-- conditions
M.arg = core.arg
M.arg32 = core.arg32

-- filters
M.filter = core.filter

-- constants: ACT_*, ARCH_*, CMP_* (only those the running libseccomp knows)
for name, value in pairs(core) do
  if type(value) == "number" and (name:match "^ACT_" or name:match "^ARCH_" or name:match "^CMP_") then
    M[name] = value
  end
end

return M
