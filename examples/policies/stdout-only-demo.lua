-- examples/policies/stdout-only-demo.lua: a script under stdout-only.lua.
local seccomp = require "seccomp"

seccomp.load_policy("examples/policies/stdout-only.lua"):load()

print("stdout is fine")
io.stderr:write("so is stderr\n")
local path = os.tmpname()
local fh = assert(io.open(path, "w")) -- opening a file is allowed...
fh:write("but writing to it is not\n")
print(fh:close()) -- the buffered write fails when the file is flushed
os.remove(path)
