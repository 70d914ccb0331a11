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
--- opts.close_stdio: start it with fds 0, 1 and 2 closed (it prints nothing).
--- opts.nofile: run it with that limit on open files (ulimit -n).
--- opts.env: a table of environment variables to set for it.
--- opts.leaks: let LeakSanitizer check it at exit (under ci/asan.sh).
--- opts.timeout: kill it (SIGKILL) after that many seconds, for the specs
--- whose way of failing would be a hang.
--- opts.setpriv: run it through setpriv with these options (a string, e.g.
--- "--bounding-set -sys_admin": root without CAP_SYS_ADMIN).
function H.child(code, opts)
  local path = os.tmpname()
  local lpath, cpath, copy = package.path, package.cpath, nil
  -- Under ASan (ci/asan.sh) a child must not run LeakSanitizer at exit: its
  -- stop-the-world thread is a clone() the child's filter may forbid, and
  -- then LSan spins forever. Leaks are checked in the spec process itself.
  local prefix = "ulimit -c 0; ASAN_OPTIONS=\"${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0\" exec "
  if opts and opts.leaks then
    -- the child checks its own leaks (its filters, if any, allow clone)
    prefix = "ulimit -c 0; exec "
  end
  if opts and opts.env then
    local names = {}
    for k in pairs(opts.env) do names[#names + 1] = k end
    table.sort(names)
    local assigns = {}
    for _, k in ipairs(names) do assigns[#assigns + 1] = k .. "=" .. shellquote(opts.env[k]) end
    prefix = prefix:gsub("exec $", function() return table.concat(assigns, " ") .. " exec " end)
  end
  if opts and opts.nofile then
    prefix = ("ulimit -n %d; "):format(opts.nofile) .. prefix
  end
  if opts and opts.nobody then
    -- nobody may not be able to read the build tree: give it a readable copy
    -- laid out as <copy>/seccomp/{core.so,init.lua,...}
    copy = os.tmpname()
    os.remove(copy)
    local core = assert(package.searchpath("seccomp.core", package.cpath))
    local init = assert(package.searchpath("seccomp", package.path))
    local luadir = init:gsub("/init%.lua$", "")
    assert(os.execute(("mkdir -p %s && cp -r %s %s/seccomp && cp %s %s/seccomp/core.so && chmod -R a+rX %s")
      :format(copy, shellquote(luadir), copy, shellquote(core), copy, copy)))
    lpath, cpath = copy .. "/?.lua;" .. copy .. "/?/init.lua", copy .. "/?.so"
    prefix = prefix .. "setpriv --reuid=65534 --regid=65534 --clear-groups "
  end
  local fh = assert(io.open(path, "w"))
  fh:write(("package.path = %q\npackage.cpath = %q\n"):format(lpath, cpath))
  fh:write(code)
  fh:close()
  if copy then assert(os.execute("chmod 644 " .. shellquote(path))) end
  local redirect = " 2>&1"
  if opts and opts.close_stdio then
    redirect = " 0<&- 1>&- 2>&-" -- the child starts with fds 0, 1 and 2 closed
  end
  if opts and opts.timeout then
    prefix = prefix .. ("timeout -s KILL %d "):format(opts.timeout)
  end
  if opts and opts.setpriv then
    prefix = prefix .. "setpriv " .. opts.setpriv .. " "
  end
  local p = assert(io.popen(prefix .. H.lua .. " " .. shellquote(path) .. redirect))
  local out = p:read("a")
  local ok, how, status = p:close()
  os.remove(path)
  if copy then os.execute("rm -rf " .. shellquote(copy)) end
  return out, ok, how, status
end

--- Lua source for a child's code (H.child): opens /dev/null until no fd is
--- left, the files kept in a local `hold`, so that whatever needs a new fd
--- next fails with EMFILE.
H.TAKE_ALL_FDS = [[
local hold = {}
while true do
  local fh = io.open("/dev/null")
  if not fh then break end
  hold[#hold + 1] = fh
end
]]

--- A Lua program as a spawn argv: this interpreter running `code`.
function H.lua_argv(code)
  return { H.lua, "-e", code }
end

--- A filter that allows everything but hands each named syscall to its
--- notifier.
function H.notifying(...)
  local f = require("seccomp").filter("allow")
  for _, name in ipairs { ... } do
    f:add_rule("notify", name)
  end
  return f
end

--- All that was written to `fh` (an io.tmpfile()), from its start.
function H.contents(fh)
  fh:seek("set")
  return fh:read("a")
end

--- A filter released by its to-be-closed variable going out of scope (Lua
--- 5.4 only: the syntax is loaded as text, so this file still loads on 5.3).
function H.closed_filter()
  return assert(load([[
    local seccomp = require "seccomp"
    local keep
    do
      local f <close> = seccomp.filter("allow")
      keep = f
    end
    return keep
  ]]))()
end

--- A new table with the keys of `t`, then those of `more` (if any) set
--- over them: a shallow copy, the values are shared.
function H.with(t, more)
  local r = {}
  for k, v in pairs(t) do r[k] = v end
  for k, v in pairs(more or {}) do r[k] = v end
  return r
end

--- An OCI seccomp profile (a table, as seccomp.oci.decode gives one) that
--- returns errno by default and allows getppid, with the keys of `t` set
--- over it (t's values are shared, not copied): the base of the profiles
--- the oci and runtimes specs write by hand.
function H.oci_profile(t)
  local base = { defaultAction = "SCMP_ACT_ERRNO", syscalls = { { names = { "getppid" }, action = "SCMP_ACT_ALLOW" } } }
  return H.with(base, t)
end

--- The first example of docs/verify.md: two rules on getppid's 64-bit
--- argument that libseccomp 2.5.4 .. 2.6.1 compiles into a program that
--- contradicts them; with `compiler`, that compiler attribute set.
function H.example1(compiler)
  local f = require("seccomp").filter("allow")
  if compiler then
    f:set_attr("compiler", compiler)
  end
  f:add_rule("errno(1)", "getppid", { 0, ">", 0x200000000 })
  f:add_rule("errno(2)", "getppid", { 0, "<", 0x300000000 })
  return f
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

local made, built = {}, {}

--- A new temporary file holding `text`; returns its path, which ends with
--- `suffix` when one is given.  H.remove_files() removes them all.
function H.file_with(text, suffix)
  local path = os.tmpname()
  made[#made + 1] = path
  if suffix then
    path = path .. suffix -- next to the name os.tmpname reserved
    made[#made + 1] = path
  end
  local fh = assert(io.open(path, "wb"))
  fh:write(text)
  fh:close()
  return path
end

--- Remove every file H.file_with made (for a spec file's teardown).
function H.remove_files()
  for _, path in ipairs(made) do
    os.remove(path)
  end
  made = {}
  built = {}
end

H.SIGSYS = 31

-- ---------------------------------------------------------------------------
-- Gates: what a spec needs from the machine, declared at its `it`.
--
-- A gate is { ok = boolean, why = "what is missing" }.  `H.gated(it,
-- pending, gate)` gives an `it` that runs where the gate is open and is
-- visibly pending (with the reason) where it is not, in the manner of
-- luasystem's nix_it/win_it:
--
--   local it_pre = H.gated(it, pending, H.feature("precompute"))
--   it_pre("precomputes", function() ... end)
--
-- A spec never passes without asserting because its feature is absent.

--- The gate of a feature of seccomp.supports.
function H.feature(name)
  local ok, why = require("seccomp").supports(name)
  return { ok = ok, why = ok and ("has feature '" .. name .. "'") or why }
end

--- The gate that is open where `gate` is closed (for the specs of the error
--- an absent feature raises); `why` says what is there instead when closed.
function H.without(gate, why)
  return { ok = not gate.ok, why = why or gate.why }
end

--- A gate from a condition and the reason for when it is false.
function H.gate(ok, why)
  return { ok = not not ok, why = why }
end

--- Every gate open.
function H.all(...)
  for i = 1, select("#", ...) do
    local g = select(i, ...)
    if not g.ok then
      return g
    end
  end
  return { ok = true, why = "" }
end

--- libseccomp versions as comparable integers (2.5.4 is 20504), and back.
function H.ver(a, b, c) return a * 10000 + b * 100 + c end
function H.dotted(v) return ("%d.%d.%d"):format(v // 10000, v // 100 % 100, v % 100) end

--- The libseccomp in play: the headers the module was built with, the
--- library it runs with, the lower of the two (what a feature needs), and the
--- API level.
function H.libseccomp()
  local seccomp = require("seccomp")
  local compiled, running = H.ver(seccomp.compiled_version()), H.ver(seccomp.version())
  return { compiled = compiled, running = running, usable = math.min(compiled, running), api = seccomp.api() }
end

--- The gate of arches the linked libseccomp knows.
function H.arches(...)
  local seccomp = require("seccomp")
  for i = 1, select("#", ...) do
    local a = select(i, ...)
    if not pcall(seccomp.arch, a) then
      return { ok = false, why = ("needs arch %s, unknown to this libseccomp"):format(a) }
    end
  end
  return { ok = true, why = "" }
end

local function sh_ok(cmd)
  local ok = os.execute(cmd .. " >/dev/null 2>&1")
  return ok == true or ok == 0
end

H.LUA54 = H.gate(H.is54, "needs Lua 5.4 (to-be-closed variables)")
H.ROOT = H.gate(sh_ok("test \"$(id -u)\" = 0"), "needs root (CAP_SYS_ADMIN: a filter without NO_NEW_PRIVS)")
H.X86_64 = H.gate(require("seccomp").arch_name(require("seccomp").native_arch()) == "x86_64",
  "needs an x86_64 machine")
H.CC = H.gate(sh_ok("command -v cc"), "needs a C compiler (cc)")

--- The pid of this process (the interpreter running the specs).
function H.own_pid()
  local fh = assert(io.open("/proc/self/stat"))
  local pid = math.tointeger(fh:read("n"))
  fh:close()
  return pid
end

--- seccomp.dump's needs: root (CAP_SYS_ADMIN) and a caller not itself under
--- seccomp (a container runtime's filter would be).
H.DUMP = H.all(H.ROOT, H.gate(require("seccomp").status(H.own_pid()).mode == "disabled",
  "needs a test process that is not itself under seccomp (a container's filter)"))
H.NOT_VALGRIND = H.gate(not (os.getenv("LD_PRELOAD") or ""):find("vgpreload", 1, true),
  "not under valgrind (it does not emulate this)")

--- An `it` for `gate`: `it` itself where it is open, else one that
--- registers the spec as pending, naming what is missing.
function H.gated(it, pending, gate)
  if gate.ok then
    return it
  end
  return function(name)
    pending(name .. " [" .. gate.why .. "]")
  end
end

--- spec/support/NAME.c built (static, without the sanitizer preload) into a
--- temporary file, once per process: its path, or nil and why not (the
--- gate of the specs that run it: H.gate(path, why)).
function H.support_program(name)
  if built[name] == nil then
    local path = os.tmpname()
    local ok = os.execute(("env -u LD_PRELOAD cc -O1 -static -o %s spec/support/%s.c >/dev/null 2>&1")
      :format(shellquote(path), name))
    built[name] = (ok == true or ok == 0) and path or false
    made[#made + 1] = path -- H.remove_files removes it
  end
  return built[name] or nil, "needs a C compiler and a static C library (cc -static spec/support/" .. name .. ".c)"
end

--- The whole contents of a file.
function H.read(path)
  local fh = assert(io.open(path, "rb"))
  local s = fh:read("a")
  fh:close()
  return s
end

--- Runs bin/lua-seccomp with `args` (a shell word list, already quoted) in
--- a child process, stdin from the file `stdin` or /dev/null; returns its
--- stdout, stderr and exit status (128+N for a signal, as a shell reports).
--- The tool uses the spec's own module paths; it must not run LeakSanitizer
--- (see H.child).
function H.cli(args, stdin)
  local out, err = os.tmpname(), os.tmpname()
  local cmd = ("ASAN_OPTIONS=\"${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0\" LUA_PATH=%s LUA_CPATH=%s %s %s %s >%s 2>%s%s")
    :format(shellquote(package.path), shellquote(package.cpath), H.lua, "bin/lua-seccomp", args, out, err,
      stdin and " <" .. stdin or " </dev/null")
  local ok, how, code = os.execute(cmd)
  local function slurp(p)
    local s = H.read(p)
    os.remove(p)
    return s
  end
  local status = how == "signal" and 128 + code or code
  assert(ok ~= nil or status ~= 0)
  return slurp(out), slurp(err), status
end

--- Asserts that bin/lua-seccomp run with `args` exits with `status` and
--- says what matches `pattern` on stderr.
function H.refused(args, status, pattern)
  local luassert = require "luassert" -- busted's assert (a failure, not an error)
  local _, err, code = H.cli(args)
  luassert.are.equal(status, code)
  luassert.matches(pattern, err)
end

--- The fenced blocks of a markdown text: a list of { lang, text, line };
--- `name` names it in the error for an unclosed block.
function H.md_blocks(md, name)
  local blocks, cur = {}, nil
  local n = 0
  for line in (md .. "\n"):gmatch("([^\n]*)\n") do
    n = n + 1
    if cur then
      if line:match("^```%s*$") then
        cur.text = table.concat(cur.lines, "\n") .. "\n"
        blocks[#blocks + 1] = cur
        cur = nil
      else
        cur.lines[#cur.lines + 1] = line
      end
    else
      local lang = line:match("^```(%S*)")
      if lang then
        cur = { lang = lang, lines = {}, line = n }
      end
    end
  end
  assert(cur == nil, "unclosed code block in " .. name)
  return blocks
end

--- `s` with its runs of white space made one space, and none at either end.
function H.squeeze(s)
  return (s:gsub("%s+", " "):gsub("^ ", ""):gsub(" $", ""))
end

-- The captures of `pattern` in the non-empty lines of `s` that it matches,
-- each passed through `norm` (if given).
local function matches(s, pattern, norm)
  local t = {}
  for l in s:gmatch("[^\n]+") do
    local e = l:match(pattern)
    if e then
      t[#t + 1] = norm and norm(e) or e
    end
  end
  return t
end

--- The non-empty lines of `s`, each passed through `norm` (default: as they are).
function H.lines_of(s, norm)
  return matches(s, "^.*$", norm)
end

--- What a doc's code block says it prints: the text after each `-->` in it,
--- in order, passed through `norm` (default: as it is).
function H.expected_output(text, norm)
  return matches(text, "%-%->%s?(.*)$", norm)
end

--- A progress line for a long case, so that a run is never silent for long:
--- appended to the file SPEC_PROGRESS names (ci/test.sh shows its lines as
--- they come), else written to stderr.  `H.progress` writes at most one
--- line every 5 seconds (call it as often as you like); `H.say` always writes.
local progress_last = os.time()
function H.say(fmt, ...)
  local path = os.getenv("SPEC_PROGRESS")
  local fh = path and io.open(path, "a") or io.stderr
  fh:write(fmt:format(...), "\n")
  fh:flush()
  if fh ~= io.stderr then fh:close() end
  progress_last = os.time()
end

function H.progress(fmt, ...)
  if os.time() - progress_last >= 5 then H.say(fmt, ...) end
end

return H
