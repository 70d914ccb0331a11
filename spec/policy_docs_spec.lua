-- docs/policy.md runs: every `lua` block is either one of the example files
-- (examples/policies/*.lua, verbatim) or a snippet run in a child process,
-- whose `-->` comments are the output it must print; every `text` block that
-- shows a shell session is run, and must print what it shows; and the three
-- worked examples are enforced in real child processes.
local seccomp = require "seccomp"
local H = require "helper"
-- Under ci/asan.sh a child inherits the libasan preload, whose allocator
-- makes calls of its own (madvise) that an example's tight policy kills:
-- the cases that run a confined example are the plain run's.
local PLAIN = H.gate(not (os.getenv("LD_PRELOAD") or ""):find("libasan"),
  "under ASan the sanitizer's allocator makes calls (madvise) the example's policy kills; the plain run checks it")
local it_plain = H.gated(it, pending, PLAIN)

local NATIVE = seccomp.arch_name(seccomp.native_arch())
local DOC = "docs/policy.md"

local read = H.read

local blocks = H.md_blocks(read(DOC), DOC)

-- The example file a block is ("-- examples/policies/x.lua: ..." on its first line).
local function file_of(block)
  return block.text:match("^%-%- (examples/policies/[%w_%-]+%.lua)")
end

-- Whitespace collapsed; and bash's "line 1: " (present or not depending on
-- how bash was started) dropped.
local function normalize(s)
  return (H.squeeze(s):gsub("^bash: line %d+: ", "bash: "))
end

local function lines_of(s)
  return H.lines_of(s, normalize)
end

local tmpfile = H.file_with
teardown(H.remove_files)

-- Run a shell command with this build's modules; returns stdout, stderr and
-- what os.execute returns.  Under the sanitizer run (ci/asan.sh) the
-- commands here do without LeakSanitizer: it reports the leaks of programs
-- that are not ours (bash, python3), and its exit-time thread is a syscall
-- that example 1's kill-by-default filter rightly kills.  Leaks are checked
-- in the interpreter that runs busted.
local function sh(command)
  local out, err = os.tmpname(), os.tmpname()
  local env = ("LUA_PATH=%s LUA_CPATH=%s "):format(H.shellquote(package.path), H.shellquote(package.cpath))
  if os.getenv("ASAN_OPTIONS") then
    env = env .. "ASAN_OPTIONS=" .. H.shellquote(os.getenv("ASAN_OPTIONS") .. ":detect_leaks=0") .. " "
  end
  local ok, how, code = os.execute(env .. "exec sh -c " .. H.shellquote(command) .. " >" .. out .. " 2>" .. err .. " </dev/null")
  local o, e = read(out), read(err)
  os.remove(out)
  os.remove(err)
  return o, e, ok, how, code
end

-- Run a Lua chunk as a script with arguments and stdin; same returns as sh.
local function run_script(text, args, stdin)
  local path = tmpfile(text)
  local command = "exec " .. H.lua .. " " .. H.shellquote(path)
  for _, a in ipairs(args or {}) do
    command = command .. " " .. H.shellquote(a)
  end
  if stdin == false then
    command = command .. " <&-" -- stdin closed: the next file opened is fd 0
  elseif stdin then
    command = command .. " <" .. H.shellquote(tmpfile(stdin))
  end
  return sh(command)
end

local function block_for(file)
  for _, b in ipairs(blocks) do
    if file_of(b) == file then
      return b
    end
  end
  error(file .. " is not shown in " .. DOC)
end

describe(DOC, function()
  it("has code blocks to check", function()
    assert.is_true(#blocks >= 10)
  end)

  it("shows each example file verbatim, and every file of examples/policies", function()
    local shown = {}
    for _, b in ipairs(blocks) do
      local file = file_of(b)
      if b.lang == "lua" and file then
        assert.are.equal(read(file), b.text, file .. " differs from the block at " .. DOC .. ":" .. b.line)
        shown[file] = true
      end
    end
    local p = assert(io.popen("ls examples/policies/*.lua"))
    local n = 0
    for file in p:lines() do
      -- the container profile is too long to show; spec/profile_spec.lua checks it
      if file ~= "examples/policies/container.lua" then
        assert.is_true(shown[file] == true, file .. " is not shown in " .. DOC)
        n = n + 1
      end
    end
    p:close()
    assert.are.equal(5, n)
  end)

  it("runs every other lua block, which prints what its --> comments say", function()
    local n = 0
    for _, b in ipairs(blocks) do
      if b.lang == "lua" and not file_of(b) then
        local out, ok, how, code = H.child(b.text)
        local where = DOC .. ":" .. b.line
        assert.are.same({ true, "exit", 0 }, { ok, how, code }, where .. " failed:\n" .. out)
        assert.are.same(H.expected_output(b.text, normalize), lines_of(out), where)
        n = n + 1
      end
    end
    assert.is_true(n >= 5)
  end)

  it_plain("shows shell sessions that print what they show", function()
    local n = 0
    for _, b in ipairs(blocks) do
      if b.lang == "text" and b.text:match("^%$ ") then
        -- "$ command" (with "\" continuations), then its output
        local command, expected = {}, {}
        local continuing = false
        for l in b.text:gmatch("[^\n]+") do
          if l:match("^%$ ") or continuing then
            local part = l:gsub("^%$ ", "")
            continuing = part:match("\\$") ~= nil
            command[#command + 1] = part:gsub("\\$", "")
          else
            expected[#expected + 1] = normalize((l:gsub("x86_64", NATIVE)))
          end
        end
        local cmd = table.concat(command, " "):gsub("lua5%.4", H.lua)
        local out, err = sh(cmd)
        -- stdout and stderr are captured apart, so compare the lines as sets
        local got = lines_of(out .. err)
        table.sort(got)
        table.sort(expected)
        assert.are.same(expected, got, DOC .. ":" .. b.line .. ": " .. cmd)
        n = n + 1
      end
    end
    assert.are.equal(3, n)
  end)
end)

describe("finding a script's calls", function()
  local it_learn = H.gated(it, pending, H.all(PLAIN, H.feature("notify"), H.feature("notify_continue")))
  it_learn("with lua-seccomp learn, as shown: a policy the script then runs under, from another directory", function()
    local block
    for _, b in ipairs(blocks) do
      if b.lang == "sh" and b.text:find("lua-seccomp learn", 1, true) then block = b end
    end
    assert.is_table(block, "no sh block running lua-seccomp learn in " .. DOC)
    local root = assert(io.popen("pwd")):read("l")
    local function abs(paths) -- a search path with this checkout's relative entries made absolute
      return (paths:gsub("[^;]+", function(e) return e:sub(1, 1) == "/" and e or root .. "/" .. e end))
    end
    local dir = os.tmpname()
    os.remove(dir)
    assert.is_true(os.execute("mkdir " .. H.shellquote(dir)))
    local input = tmpfile("a b\n")
    local esc = function(x) return (x:gsub("%%", "%%%%")) end
    local cmd = block.text:gsub("lua%-seccomp", esc(H.lua .. " " .. root .. "/bin/lua-seccomp"))
      :gsub("lua5%.4 examples/", esc(H.lua .. " " .. root .. "/examples/"))
      :gsub("some%-file%.txt", esc(input))
    local out, err = os.tmpname(), os.tmpname()
    local ok, how, code = os.execute(("cd %s && env LUA_PATH=%s LUA_CPATH=%s "
      .. "ASAN_OPTIONS=\"${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0\" sh -ec %s >%s 2>%s </dev/null")
      :format(H.shellquote(dir), H.shellquote(abs(package.path)), H.shellquote(abs(package.cpath)),
        H.shellquote(cmd), out, err))
    local o, e = read(out), read(err)
    local learned = io.open(dir .. "/learned.lua") and read(dir .. "/learned.lua") or ""
    os.remove(out)
    os.remove(err)
    os.execute("rm -rf " .. H.shellquote(dir))
    assert.are.same({ true, "exit", 0 }, { ok, how, code }, o .. e)
    assert.are.equal("2 lines, 3 words, 14 bytes\n1 lines, 2 words, 4 bytes\n", o)
    assert.matches('default = "kill_process"', learned)
    assert.matches('\n%s+"read",', learned)
    assert.matches("written to learned%.lua", e)
  end)
end)

describe("example 1: a script that confines itself", function()
  local script = block_for("examples/policies/wordcount.lua").text
  local input = "one two\nthree\nfour five six\n"

  it_plain("does its work under the filter", function()
    local out, err, ok = run_script(script, {}, input)
    assert.are.equal("", err)
    assert.is_true(ok)
    assert.are.equal("3 lines, 6 words, 28 bytes\n", out)
  end)

  for _, forbidden in ipairs { 'os.execute("true")', 'io.open("/etc/passwd")', 'os.remove("/nonexistent")' } do
    it("is killed by SIGSYS when it does anything else: " .. forbidden, function()
      local out, _, ok, how, code = run_script(script .. forbidden .. '\nprint("not reached")\n', {}, input)
      assert.are.equal("3 lines, 6 words, 28 bytes\n", out)
      assert.are.same({ nil, "signal", H.SIGSYS }, { ok, how, code })
    end)
  end

  it("could do those things without the filter (the control)", function()
    local unconfined = script:gsub("}:load%(%)", "}")
    assert.are_not.equal(script, unconfined)
    local out, _, ok = run_script(unconfined .. 'print(io.open("/etc/passwd") ~= nil)\n', {}, input)
    assert.is_true(ok)
    assert.are.equal("3 lines, 6 words, 28 bytes\ntrue\n", out)
  end)
end)

describe("example 2: no network", function()
  local policy = tmpfile(block_for("examples/policies/no-network.lua").text)
  local runner = block_for("examples/policies/run-under.lua").text
  local connect = "bash -c 'exec 3<>/dev/tcp/127.0.0.1/9'"

  it("builds the filter the table describes", function()
    local f = seccomp.load_policy(policy)
    local g = seccomp.filter("allow")
      :add_rule("errno(EACCES)", "socket", "arg0 != 1")
      :add_rule("errno(ENOSYS)", "io_uring_setup"):add_rule("errno(ENOSYS)", "io_uring_enter")
      :add_rule("errno(ENOSYS)", "io_uring_register")
    assert.are.equal(g:export_bpf(), f:export_bpf())
  end)

  it("denies a tool its network sockets with EACCES", function()
    local out, err, ok, how, code = run_script(runner, { policy, connect })
    assert.are.equal("", out)
    assert.matches("from " .. policy:gsub("%p", "%%%0"), err)
    assert.matches("socket: Permission denied", err)
    assert.are.same({ nil, "exit", 1 }, { ok, how, code })
  end)

  it("lets the connection attempt through without the policy (the control)", function()
    local _, err = sh(connect)
    assert.matches("Connection refused", err)
    assert.not_matches("Permission denied", err)
  end)

  it("leaves the tool everything else", function()
    local out, _, ok = run_script(runner, { policy, "echo hello; ls " .. H.shellquote(policy) })
    assert.is_true(ok)
    assert.are.equal("hello\n" .. policy .. "\n", out)
  end)

  local PYTHON3 = H.gate(os.execute("python3 -c 'import socket' >/dev/null 2>&1"),
    "needs python3 to open an AF_UNIX socket")
  H.gated(it, pending, PYTHON3)("keeps local (AF_UNIX) sockets", function()
    local probe = "python3 -c 'import socket; socket.socket(socket.AF_UNIX); print(\"unix ok\")'"
    assert.are.equal("unix ok\n", sh(probe)) -- without the policy
    local out, _, ok = run_script(runner, { policy, probe })
    assert.is_true(ok)
    assert.are.equal("unix ok\n", out)
    local _, err, ok2 = run_script(runner, { policy, "python3 -c 'import socket; socket.socket(socket.AF_INET)'" })
    assert.is_nil(ok2)
    assert.matches("PermissionError", err)
  end)
end)

describe("example 3: writes only to stdout and stderr", function()
  local demo = block_for("examples/policies/stdout-only-demo.lua").text

  it("builds the filter the table describes", function()
    local f = seccomp.load_policy("examples/policies/stdout-only.lua")
    local g = seccomp.filter("allow")
    for _, cond in ipairs { "arg0 == 0", { 0, ">", 2 } } do
      for _, s in ipairs { "write", "writev", "pwrite64", "pwritev", "pwritev2" } do
        g:add_rule("errno(EPERM)", s, cond)
      end
    end
    assert.are.equal(g:export_bpf(), f:export_bpf())
  end)

  it("lets stdout and stderr through and fails a file write with EPERM", function()
    local out, err, ok = run_script(demo)
    assert.is_true(ok)
    assert.are.equal("stdout is fine\nnil\tOperation not permitted\t1\n", out)
    assert.are.equal("so is stderr\n", err)
  end)

  it("fails a write to fd 0, and to a pipe, too", function()
    local path = tmpfile("")
    local out, _, ok = run_script(([[
local seccomp = require "seccomp"
seccomp.load_policy("examples/policies/stdout-only.lua"):load()
io.stdout:setvbuf("no")
local fh = assert(io.open(%q, "w")) -- fd 0: stdin is closed
print(select(3, fh:write("x"):close()))
local p = io.popen("cat >/dev/null", "w")
p:setvbuf("no")
print(select(3, p:write("to a pipe")))
]]):format(path), {}, false)
    assert.is_true(ok)
    assert.are.equal("1\n1\n", out)
  end)

  it("writes to fd 0 without the policy (the control)", function()
    local path = tmpfile("")
    local out, _, ok = run_script(([[
io.stdout:setvbuf("no")
local fh = assert(io.open(%q, "w"))
print(fh:write("x"):close())
]]):format(path), {}, false)
    assert.is_true(ok)
    assert.are.equal("true\n", out)
    assert.are.equal("x", read(path))
  end)

  it("writes the file without the policy (the control)", function()
    local unconfined = demo:gsub('seccomp%.load_policy%(".-"%):load%(%)', "")
    assert.are_not.equal(demo, unconfined)
    local out, _, ok = run_script(unconfined)
    assert.is_true(ok)
    assert.are.equal("stdout is fine\ntrue\n", out)
  end)
end)
