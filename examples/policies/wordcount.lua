-- examples/policies/wordcount.lua: a Lua script that confines itself.
-- Usage: lua5.4 wordcount.lua < some-file
local seccomp = require "seccomp"

-- Everything the script needs from the system after this point: read its
-- input, write its output, allocate memory, exit.  Any other call kills it.
seccomp.filter{
  default = "kill_process",
  allow = {
    "read", "write",                     -- stdin, stdout
    "fstat", "newfstatat", "lseek",      -- stdio sizing its buffers
    "brk", "mmap", "munmap", "mremap",   -- malloc
    "rt_sigaction", "rt_sigreturn",      -- the lua interpreter's SIGINT handler
    "exit_group",
  },
  rules = {
    -- stdio asks whether stdout is a terminal: ioctl(fd, TCGETS)
    { "allow", "ioctl", "arg1 == 0x5401" },
  },
}:load()

local text = io.read("a")
local lines, words = 0, 0
for _ in text:gmatch("\n") do lines = lines + 1 end
for _ in text:gmatch("%S+") do words = words + 1 end
print(("%d lines, %d words, %d bytes"):format(lines, words, #text))
