#!/usr/bin/env lua5.4
--- examples/readonly_view.lua - run a command in DIR with a read-only view of
--- DIR and of the system directories, and nothing else.
---
--- usage: lua5.4 examples/readonly_view.lua DIR COMMAND [ARG...]
---   e.g. lua5.4 examples/readonly_view.lua ~/photos python3 -c 'print(open("a.txt").read())'
---
--- Every open of the command is emulated: this supervisor reads the path,
--- decides, opens the file itself read-only and installs that fd in the
--- command (addfd with SEND).  A path under DIR or under /usr, /lib, /lib64,
--- /bin or /etc is served read-only; an open for writing there fails with
--- EROFS; anything else with EACCES.  Calls that change the file system
--- (unlink, rename, mkdir, ...) fail with EROFS.
---
--- Why emulate instead of answering "allow" after checking the path: the
--- command (another of its threads) can change the path in its memory after
--- we read it, and "allow" runs the call with whatever is there by then.
--- Here the file opened is the one this supervisor checked, whatever the
--- command does to its memory.
---
--- Limits: a relative path is taken from DIR (the command starts there; a
--- later chdir is not followed), and relative to another directory fd it
--- is refused (EACCES).  ".." is resolved by name.  Symbolic links inside
--- the allowed trees are followed, so the view trusts their contents.  The
--- supervisor opens with its own credentials.
local seccomp = require "seccomp"

local dir = arg[1]
local cmd = table.move(arg, 2, #arg, 1, {})
if not dir or #cmd == 0 then
  io.stderr:write("usage: lua5.4 examples/readonly_view.lua DIR COMMAND [ARG...]\n")
  os.exit(2)
end

-- <fcntl.h> values on x86_64, aarch64, riscv64 and most other arches
local O_ACCMODE, O_CREAT, O_TRUNC, O_CLOEXEC = 3, 0x40, 0x200, 0x80000
local AT_FDCWD = -100

-- An absolute path without ".", ".." or repeated slashes; nil if ".." climbs above "/".
local function normalize(path)
  local parts = {}
  for name in path:gmatch("[^/]+") do
    if name == ".." then
      if #parts == 0 then return nil end
      parts[#parts] = nil
    elseif name ~= "." then
      parts[#parts + 1] = name
    end
  end
  return "/" .. table.concat(parts, "/")
end

dir = assert(normalize(dir:sub(1, 1) == "/" and dir or os.getenv("PWD") .. "/" .. dir))
local roots = { dir, "/usr", "/lib", "/lib64", "/bin", "/etc" }

local function allowed(path)
  for _, root in ipairs(roots) do
    if path == root or path:sub(1, #root + 1) == root .. "/" or root == "/" then
      return true
    end
  end
  return false
end

-- openat(dirfd, path, flags, mode); open(path, flags, mode)
local function serve_open(dirfd_arg, path_arg, flags_arg)
  return function(req)
    local path = req:read_string(req.args[path_arg])
    if not path then return "EFAULT" end
    local flags = req.args[flags_arg]
    if path:sub(1, 1) ~= "/" then
      local dirfd = dirfd_arg and req.args[dirfd_arg] & 0xffffffff or AT_FDCWD
      if dirfd ~= AT_FDCWD and dirfd ~= AT_FDCWD & 0xffffffff then
        return "EACCES"
      end
      path = dir .. "/" .. path
    end
    path = normalize(path)
    if not path or not allowed(path) then
      return "EACCES"
    end
    if flags & O_ACCMODE ~= 0 or flags & (O_CREAT | O_TRUNC) ~= 0 then
      return "EROFS"
    end
    local fh, _, errno = io.open(path, "rb")
    if not fh then
      return errno
    end
    return { fd = fh, close = true, cloexec = flags & O_CLOEXEC ~= 0 }
  end
end

local filter = seccomp.filter("allow")
local handlers = { openat = serve_open(1, 2, 3), open = serve_open(nil, 1, 2),
                   openat2 = "ENOSYS" } -- callers fall back to openat
for name in pairs(handlers) do
  if seccomp.syscall(name) then filter:add_rule("notify", name) end
end
for _, name in ipairs { "unlink", "unlinkat", "rename", "renameat", "renameat2", "mkdir", "mkdirat",
                        "rmdir", "link", "linkat", "symlink", "symlinkat", "truncate", "chmod",
                        "fchmodat", "chown", "lchown", "fchownat", "mknod", "mknodat", "utimensat" } do
  if seccomp.syscall(name) then filter:add_rule("errno(EROFS)", name) end
end

local child = filter:spawn(cmd, { cwd = dir })
child.notifier:serve(handlers)
local _, how, code = child:wait()
os.exit(how == "exit" and code or 128 + code)
