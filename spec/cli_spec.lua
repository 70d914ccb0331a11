-- bin/lua-seccomp, end to end: every subcommand runs in a child process
-- (the tool itself), and what it wrote and its exit status are asserted.
local seccomp = require "seccomp"
local oci = require "seccomp.oci"
local H = require "helper"

local q = H.shellquote

-- The tool with `args`: stdout, stderr, exit status (spec/helper.lua);
-- refused asserts a status and what stderr says. Commands under learn and
-- run get no sanitizer preload (it would add calls of its own): plain.
local cli, refused = H.cli, H.refused

-- a command line for learn and run, without the sanitizer preload
local function plain(cmd)
  return "-- env -u LD_PRELOAD " .. cmd
end

local file_with = H.file_with

local deny_mkdir = file_with([[
return {
  default = "allow",
  rules = {
    { action = "errno(EACCES)", syscalls = { "mkdir", "mkdirat" } },
    { action = "kill_process", syscall = "uname" },
  },
}
]])

describe("lua-seccomp", function()
  it("--help for the tool and each command; usage errors exit 2", function()
    local out, _, code = cli("--help")
    assert.are.equal(0, code)
    assert.matches("Usage: lua%-seccomp COMMAND", out)
    for _, c in ipairs { "run", "export", "check", "disasm", "learn", "status", "dump", "diff" } do
      local o, _, k = cli(c .. " --help")
      assert.are.equal(0, k, c)
      assert.matches("Usage: lua%-seccomp " .. c, o)
      local o2, _, k2 = cli("help " .. c)
      assert.are.equal(0, k2)
      assert.are.equal(o, o2)
    end
    local _, err, code2 = cli("")
    assert.are.equal(2, code2, err)
    refused("frobnicate", 2, "lua%-seccomp: no command 'frobnicate'")
    local _, err4, code4 = cli("export " .. q(deny_mkdir) .. " --xml")
    assert.are.equal(2, code4)
    assert.matches("export: unknown option '%-%-xml'", err4)
    assert.matches("Try 'lua%-seccomp export %-%-help'", err4)
  end)

  describe("export", function()
    it("writes PFC (default), BPF and OCI JSON of a Lua policy", function()
      local pfc, _, code = cli("export " .. q(deny_mkdir))
      assert.are.equal(0, code)
      assert.matches("pseudo filter code start", pfc)
      assert.are.equal(seccomp.load_policy(deny_mkdir):export_pfc(), pfc)
      local path = os.tmpname()
      local out, _, code2 = cli("export " .. q(deny_mkdir) .. " --bpf -o " .. q(path))
      assert.are.equal(0, code2)
      assert.are.equal("", out)
      local bpf = assert(io.open(path, "rb")):read("a")
      os.remove(path)
      assert.are.equal(seccomp.load_policy(deny_mkdir):export_bpf(), bpf)
      assert.are.equal(seccomp.errno("EACCES"), seccomp.simulate_bpf(bpf, { syscall = "mkdir" }))
      local json, _, code3 = cli("export " .. q(deny_mkdir) .. " --oci")
      assert.are.equal(0, code3)
      local p = oci.decode(json)
      assert.are.equal("SCMP_ACT_ALLOW", p.defaultAction)
      assert.are.same({ "mkdir", "mkdirat" }, p.syscalls[1].names)
      assert.are.equal(13, p.syscalls[1].errnoRet)
    end)

    it("reads OCI profiles, with --cap", function()
      local pfc = cli("export examples/policies/container.json")
      local pfc_admin, _, code = cli("export examples/policies/container.json --cap CAP_SYS_ADMIN")
      assert.are.equal(0, code)
      assert.are_not.equal(pfc, pfc_admin)
      local f = oci.filter(io.open("examples/policies/container.json"):read("a"), { caps = { "CAP_SYS_ADMIN" } })
      assert.are.equal(f:export_pfc(), pfc_admin)
    end)

    it("refuses two formats", function()
      refused("export " .. q(deny_mkdir) .. " --bpf --oci", 2, "give one of")
    end)
  end)

  describe("check", function()
    it("prints the action simulate gives", function()
      local cases = {
        { "mkdir", "errno(EACCES)" }, { "read", "allow" }, { "uname", "kill_process" },
        { "read --arch aarch64", "kill_thread" }, -- not the policy's arch
      }
      for _, c in ipairs(cases) do
        local out, err, code = cli("check " .. q(deny_mkdir) .. " " .. c[1])
        assert.are.equal(0, code, err)
        assert.are.equal(c[2] .. "\n", out, c[1])
      end
    end)

    it("takes arguments, and evaluates a profile for the arch asked", function()
      local prof = "examples/policies/container.json"
      local function check(args)
        local out, err, code = cli("check " .. prof .. " " .. args)
        assert.are.equal(0, code, err)
        return out:gsub("\n$", "")
      end
      assert.are.equal("allow", check("clone 0x1200011"))
      assert.are.equal("errno(EPERM)", check("clone 0x10000000"))
      assert.are.equal("errno(EPERM)", check("clone 0x10000000 --arch aarch64"))
      assert.are.equal("allow", check("set_tls --arch arm"))
      assert.are.equal("errno(EPERM)", check("socket 16 3 9"))
      assert.are.equal("allow", check("socket 16 3 9 --cap CAP_AUDIT_WRITE"))
      assert.are.equal("errno(EPERM)", check("personality 18446744073709551615")) -- 64-bit: not 0xffffffff
      assert.are.equal("allow", check("personality 0xffffffff"))
      assert.are.equal("errno(ENOSYS)", check("clone3"))
    end)

    it("reads a profile as --runtime reads it; --no-strict ignores what no runtime reads, with a warning", function()
      local prof = file_with([[{"defaultAction": "SCMP_ACT_ERRNO", "defaultErrno": "EACCES", "syscalls": [
        {"names": ["getppid"], "action": "SCMP_ACT_ALLOW", "includes": {"minKernel": "99.0"}},
        {"names": ["getpid"], "action": "SCMP_ACT_ALLOW", "excludes": {"capz": ["CAP_SYS_ADMIN"]}}]}]], ".json")
      local function check(args)
        local out, err, code = cli("check " .. q(prof) .. " " .. args)
        return out:gsub("\n$", ""), err, code
      end
      -- a key no runtime reads: refused, naming the option
      local _, err, code = check("getpid")
      assert.are.equal(1, code)
      assert.matches("syscalls%[2%]%.excludes: unknown key 'capz' %(did you mean 'caps'%?%).*; %-%-no%-strict ignores it", err)
      -- Docker: minKernel 99.0 leaves getppid out, defaultErrno is Podman's
      local out, err2, code2 = check("getppid --no-strict")
      assert.are.same({ "errno(EPERM)", 0 }, { out, code2 })
      assert.matches("warning: defaultErrno: key 'defaultErrno' is read by Podman only: Docker ignores it", err2)
      assert.matches("warning: syscalls%[2%]%.excludes%.capz: unknown key 'capz'", err2)
      -- each said once (the profile's notes are not printed again as the filter's)
      assert.are.equal(1, select(2, err2:gsub("is read by Podman only", "")), err2)
      assert.are.equal(1, select(2, err2:gsub("unknown key 'capz'", "")), err2)
      -- Podman: no minKernel, its defaultErrno
      assert.are.same({ "allow", 0 }, { (check("getppid --no-strict --runtime podman")), 0 })
      assert.are.equal("errno(EACCES)", (check("uname --no-strict --runtime podman")))
      refused("check " .. q(prof) .. " getpid --runtime dokcer", 1, "%-%-runtime: \"docker\", \"podman\", \"runc\" or \"docker%-20%.10\" expected")
      refused("check " .. q(prof) .. " getpid --strict --no-strict", 2, "give one of %-%-strict, %-%-no%-strict")
    end)

    it("a profile runc refuses: runc's reason, located once", function()
      local prof = file_with([[{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [
        {"names": ["getppid"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}]},
        {"names": ["getppid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13, "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}]}]}]], ".json")
      local _, err, code = cli("check " .. q(prof) .. " getppid")
      assert.are.equal(1, code)
      assert.matches("^lua%-seccomp: [^\n]*:3: syscalls%[2%]%.names%[1%]: runc refuses the profile too %(\"error adding seccomp "
        .. "rule for syscall getppid\"%): [^\n]* %(EEXIST%)\n$", err)
      assert.are.equal(1, select(2, err:gsub("syscalls%[2%]", "")))
    end)

    it("names unknown syscalls with the closest known one", function()
      local prof = file_with([[{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
        {"names": ["getppid", "mkdri"], "action": "SCMP_ACT_ERRNO"}]}]], ".json")
      refused("check " .. q(prof) .. " getppid", 1,
        "unknown syscall 'mkdri' %(did you mean 'mkdir'%?%) in a rule more restrictive .* give %-%-skip%-unknown to skip it")
      local out, err, code = cli("check " .. q(prof) .. " getppid --skip-unknown")
      assert.are.same({ "errno(EPERM)\n", 0 }, { out, code })
      assert.matches("skipped syscalls this libseccomp does not know: mkdri %(did you mean 'mkdir'%?%)", err)
    end)

    it("errors: unknown syscall, bad number, bad arch", function()
      refused("check " .. q(deny_mkdir) .. " mkdri", 1, "unknown syscall 'mkdri'")
      refused("check " .. q(deny_mkdir) .. " read 12x", 2, "argument 1: an integer expected, got '12x'")
      refused("check " .. q(deny_mkdir) .. " read --arch z80", 2, "%-%-arch")
    end)
  end)

  it('a policy with unknown = "enosys": check answers ENOSYS past its calls; no PFC, BPF and disasm instead', function()
    local probe = seccomp.filter("kill_process")
    probe:add_rule("allow", "read")
    local have = pcall(probe.set_attr, probe, "unknown", "enosys")
    probe:release()
    if not have then return pending("needs the filter attribute 'unknown'") end
    local p = file_with('return { default = "kill_process", unknown = "enosys", allow = { "read", "write", "openat" } }\n')
    local function check(args)
      local out, err, code = cli("check " .. q(p) .. " " .. args)
      assert.are.equal(0, code, err)
      return (out:gsub("\n$", ""))
    end
    assert.are.equal("allow", check("openat"))
    assert.are.equal("kill_process", check("close"))
    assert.are.equal("errno(ENOSYS)", check("clone3"))
    assert.are.equal("errno(ENOSYS)", check(tostring(seccomp.syscall("openat") + 1)))
    refused("export " .. q(p), 1, "seccomp%.export_pfc: .*%(EOPNOTSUPP%); 'lua%-seccomp export %-%-bpf' and 'lua%-seccomp disasm' show the program")
    local path = os.tmpname()
    local _, err2, code2 = cli("export " .. q(p) .. " --bpf -o " .. q(path))
    assert.are.equal(0, code2, err2)
    local out3, _, code3 = cli("disasm " .. q(path))
    assert.are.equal(0, code3)
    assert.matches("errno%(ENOSYS%)", out3)
    os.remove(path)
    os.remove(p)
  end)

  it("disasm prints an exported program", function()
    local path = os.tmpname()
    assert.are.equal(0, select(3, cli("export " .. q(deny_mkdir) .. " --bpf -o " .. q(path))))
    local out, err, code = cli("disasm " .. q(path))
    assert.are.equal(0, code, err)
    assert.are.equal(seccomp.disasm(seccomp.load_policy(deny_mkdir):export_bpf()), out)
    assert.matches("errno%(EACCES%)", out)
    local odd = file_with("1234567")
    refused("disasm " .. q(odd), 1, odd:gsub("%p", "%%%0") .. ": ")
    os.remove(path)
    os.remove(odd)
  end)

  describe("run", function()
    it("runs a command under a policy and exits with its status", function()
      local dir = os.tmpname()
      os.remove(dir)
      local out, err, code = cli("run " .. q(deny_mkdir) .. " " .. plain("mkdir " .. q(dir)))
      assert.are.equal(1, code, err)                           -- mkdir's own status
      assert.matches("Permission denied", err)
      assert.is_nil(io.open(dir))
      local _, _, code2 = cli("run " .. q(deny_mkdir) .. " " .. plain("sh -c 'exit 7'"))
      assert.are.equal(7, code2)
      out, err, code = cli("run " .. q(deny_mkdir) .. " " .. plain("echo hi"))
      assert.are.equal(0, code, err)
      assert.are.equal("hi\n", out)
    end)

    it("exits 128 + N for a signal, and says so for SIGSYS", function()
      local _, err, code = cli("run " .. q(deny_mkdir) .. " " .. plain("uname"))
      assert.are.equal(128 + H.SIGSYS, code)
      assert.matches("killed by SIGSYS", err)
      local _, _, code2 = cli("run " .. q(deny_mkdir) .. " " .. plain("sh -c 'kill -TERM $$'"))
      assert.are.equal(128 + 15, code2)
    end)

    describe("--explain", function()
      local CALLS, why = H.support_program("calls")
      local it_explain = H.gated(it, pending, H.all(H.feature("notify"), H.gate(CALLS, why)))
      local NATIVE = seccomp.arch_name(seccomp.native_arch())
      local GETPPID, GETPID = seccomp.syscall("getppid"), seccomp.syscall("getpid")
      local policy = file_with([[
return {
  default = "allow",
  rules = {
    { action = "errno(EACCES)", syscall = "getpid" },
    { action = "kill_process", syscall = "getppid", args = { "arg0 == 5" } },
  },
}
]])

      it_explain("names the call a rule kills, with its arguments, and exits as without it", function()
        -- CALLS is static: no sanitizer preload reaches it, no need for plain()
        local call = ("-- %s %d,5,6"):format(q(CALLS), GETPPID)
        local out, err, code = cli("run " .. q(policy) .. " " .. call)
        assert.are.equal(128 + H.SIGSYS, code)
        assert.are.equal("", out)
        assert.are.equal(("lua-seccomp: %s was killed by SIGSYS: it made a call the policy kills; run it again with "
          .. "--explain to name the call\n"):format(CALLS), err)
        local out2, err2, code2 = cli("run --explain " .. q(policy) .. " " .. call)
        assert.are.equal(128 + H.SIGSYS, code2)
        assert.are.equal("", out2)
        local pid = assert(err2:match("pid (%d+):"))
        assert.are.equal(("lua-seccomp: %s was killed by SIGSYS: getppid(5, 6, 0, 0, 0, 0) on %s, pid %s: "
          .. "kill_process, by rules[2] (rule #2)\n"):format(CALLS, NATIVE, pid), err2)
      end)

      it_explain("names the default action", function()
        local allow = {}
        for _, name in ipairs(seccomp.syscalls()) do
          if name ~= "getppid" then allow[#allow + 1] = ("%q"):format(name) end
        end
        local strict = file_with("return { default = 'kill_process', allow = { " .. table.concat(allow, ", ") .. " } }\n")
        local out, err, code = cli("run " .. q(strict) .. " --explain -- " .. ("%s %d %d,7"):format(q(CALLS), GETPID, GETPPID))
        assert.are.equal(128 + H.SIGSYS, code)
        assert.matches("^%d+ 0\n$", out) -- getpid ran
        local pid = assert(err:match("pid (%d+):"))
        assert.are.equal(("lua-seccomp: %s was killed by SIGSYS: getppid(7, 0, 0, 0, 0, 0) on %s, pid %s: "
          .. "kill_process, by the default action\n"):format(CALLS, NATIVE, pid), err)
      end)

      it_explain("lets every call the policy does not kill go on as the policy says", function()
        local out, err, code = cli("run --explain " .. q(policy) .. " -- " .. ("%s %d %d,4"):format(q(CALLS), GETPID, GETPPID))
        assert.are.equal(0, code)
        assert.are.equal("", err)
        assert.matches("^%-1 13\n%d+ 0\n$", out) -- EACCES for getpid; getppid(4) allowed
      end)

      it_explain("names a call that killed a process the command started", function()
        local out, err, code = cli("run --explain " .. q(policy) .. " "
          .. plain(("sh -c %s"):format(q(("%s %d,5; echo status $?"):format(q(CALLS), GETPPID)))))
        assert.are.equal(0, code)
        assert.are.equal("status 159\n", out)
        local pid = assert(err:match("process (%d+), which"))
        assert.matches(("lua%%-seccomp: env: process %s, which it started, was killed by SIGSYS: getppid%%(5, 0, 0, 0, 0, "
          .. "0%%) on %s, pid %s: kill_process, by rules%%[2%%] %%(rule #2%%)\n$"):format(pid, NATIVE, pid), err)
      end)
    end)

    it("runs under an OCI profile", function()
      local out, err, code = cli("run examples/policies/container.json " .. plain("sh -c 'echo ok; unshare -U true || echo no-userns'"))
      assert.are.equal(0, code, err)
      assert.matches("ok\nno%-userns", out)
    end)

    it("127 for a command not found, 126 for one that cannot run", function()
      refused("run " .. q(deny_mkdir) .. " -- no-such-command-here", 127, "no%-such%-command%-here")
      local _, err2, code2 = cli("run " .. q(deny_mkdir) .. " -- /etc/hostname")
      assert.are.equal(126, code2, err2)
    end)

    it("reports a bad policy with its location, and runs nothing", function()
      local bad = file_with('return {\n  default = "allow",\n  rules = {\n    { action = "errno(EPERM)", syscall = "mkdri" },\n  },\n}\n')
      local marker = os.tmpname()
      os.remove(marker)
      refused("run " .. q(bad) .. " -- touch " .. q(marker), 1, bad:gsub("%p", "%%%0") .. ":4: rules%[1%]%.syscall: unknown syscall 'mkdri'")
      assert.is_nil(io.open(marker))
      local json = file_with('{\n  "defaultAction": "SCMP_ACT_ALLOW",\n  "syscalls": [\n    {"names": ["mkdir"] "action": 1}\n  ]\n}\n')
      refused("run " .. q(json) .. " -- touch " .. q(marker), 1, json:gsub("%p", "%%%0") .. ": line 4, column 25: expected ',' or '}'")
      local json2 = file_with('{"defaultAction": "SCMP_ACT_ALLOW",\n "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO",\n "args": [{"index": 6, "op": "SCMP_CMP_EQ"}]}]}')
      refused("run " .. q(json2) .. " -- touch " .. q(marker), 1, json2:gsub("%p", "%%%0") .. ":3: syscalls%[1%]%.args%[1%]%.index: argument index 6 out of range")
      assert.is_nil(io.open(marker))
      os.remove(bad)
      os.remove(json)
      os.remove(json2)
    end)

    H.gated(it, pending, H.feature("notify"))("refuses a policy with notify rules unless told how to answer", function()
      local p = file_with('return { default = "allow", rules = { { action = "notify", syscalls = { "mkdir", "mkdirat" } } } }\n')
      local dir = os.tmpname()
      os.remove(dir)
      refused("run " .. q(p) .. " " .. plain("mkdir " .. q(dir)), 1, "the policy notifies .* nobody would answer")
      assert.is_nil(io.open(dir))
      refused("run " .. q(p) .. " --notify EPERM " .. plain("mkdir " .. q(dir)), 1, "Operation not permitted")
      assert.is_nil(io.open(dir))
      local _, err3, code3 = cli("run " .. q(p) .. " --notify allow " .. plain("mkdir " .. q(dir)))
      assert.are.equal(0, code3, err3)
      assert.is_true(os.remove(dir))
      os.remove(p)
    end)
  end)

  describe("warnings", function()
    -- every command that builds a filter prints its notes (f:notes()) on
    -- stderr, one "warning: <message> (<origin>)" line each, and goes on
    local odd = file_with([[
return {
  default = "allow",
  arches = { "aarch64" },
  rules = {
    { "errno", "open" },
    { "errno(ENOENT)", "openat" },
  },
}
]])
    local want = "lua-seccomp: warning: rule #1 on 'open': 'errno' without a value is taken as errno(EPERM) (rules[1])\n"
      .. "lua-seccomp: warning: rule #1 (errno(EPERM) on 'open') applies on none of the filter's arches (aarch64): "
      .. "none of them has the call, so the rule does nothing (rules[1])\n"

    -- Runs the tool with `args`; asserts that it exits 0 and writes exactly
    -- `warnings` on stderr ("" for none); returns its stdout.
    local function goes_on(args, warnings)
      local out, err, code = cli(args)
      assert.are.equal(0, code)
      assert.are.equal(warnings, err)
      return out
    end

    it("from export, check and run, for a Lua policy", function()
      assert.matches("pseudo filter code start", goes_on("export " .. q(odd), want))
      assert.are.equal("errno(ENOENT)\n", goes_on("check " .. q(odd) .. " openat --arch aarch64", want))
      local clean = file_with('return { default = "allow", rules = { { "errno(EPERM)", "mkdir" } } }\n')
      -- nothing to say: no warning
      assert.are.equal("hi\n", goes_on("run " .. q(clean) .. " " .. plain("echo hi"), ""))
      local bare = file_with('return { default = "allow", rules = { { "errno", "mkdir" } } }\n')
      assert.are.equal("hi\n", goes_on("run " .. q(bare) .. " " .. plain("echo hi"),
        "lua-seccomp: warning: rule #1 on 'mkdir': 'errno' without a value is taken as errno(EPERM) (rules[1])\n"))
    end)

    it("for a rule that never decides a call (shadowed)", function()
      local dead = file_with('return { default = "allow", rules = { { "errno(EPERM)", "getppid" }, '
        .. '{ "kill_process", "getppid", { 0, "==", 1 } } } }\n')
      assert.are.equal("errno(EPERM)\n", goes_on("check " .. q(dead) .. " getppid 1",
        "lua-seccomp: warning: rule #2 (kill_process on 'getppid') never decides a call: rule #1 "
        .. "(errno(EPERM) on 'getppid'), without conditions, decides every call of it (the first rule without "
        .. "conditions on a call decides it: conditional rules before it are erased, rules after it change "
        .. "nothing) (rules[2])\n"))
    end)

    it("for an OCI profile", function()
      local json = file_with('{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read", "write", "exit_group"], '
        .. '"action": "SCMP_ACT_ALLOW"}]}\n')
      assert.are.equal("errno(EPERM)\n", goes_on("check " .. q(json) .. " getppid",
        "lua-seccomp: warning: SCMP_ACT_ERRNO without defaultErrnoRet is taken as errno(EPERM), as runc "
        .. "does (defaultAction)\n"))
    end)
  end)

  describe("learn", function()
    local it_learn = H.gated(it, pending, H.all(H.feature("notify"), H.feature("notify_continue")))

    local function learn(cmd, extra)
      local path = os.tmpname()
      local out, err, code = cli("learn -o " .. q(path) .. " " .. (extra or "") .. " " .. plain(cmd))
      local fh = io.open(path)
      local text = fh and fh:read("a")
      if fh then fh:close() end
      os.remove(path)
      return text, out, err, code
    end

    -- the policy without the line allowing `name`
    local function without(text, name)
      local kept, n = text:gsub('\n    "' .. name .. '",[^\n]*', "")
      assert.are.equal(1, n, name)
      return kept
    end

    it_learn("learns `ls /`: the policy runs it, and without getdents64 it is killed", function()
      local text, out, err, code = learn("ls /", "--args 2")
      assert.are.equal(0, code, err)
      assert.matches("\nusr\n", "\n" .. out)                  -- ls wrote its listing
      assert.matches('default = "kill_process"', text)
      assert.matches('\n    "getdents64", +%-%- %d+ calls?', text)
      assert.matches("\n    \"execve\", +%-%- %d+ calls", text)            -- env, then ls (PATH search)
      assert.matches('%-%-   getdents64%(0x', text)              -- --args: the arguments as comments
      if select(1, pcall(function()
        local f = seccomp.filter("kill_process")
        f:add_rule("allow", "read")
        f:set_attr("unknown", "enosys")
      end)) then
        assert.matches('\n  unknown = "enosys",', text)
      else
        assert.matches('\n  %-%- unknown = "enosys" .* is left\n  %-%- out', text)
      end
      local f = assert(seccomp.load_policy_string(text, "learned.lua"))
      assert.are.equal("kill_process", seccomp.action_name(f:simulate("mount")))

      local policy = file_with(text)
      local out2, err2, code2 = cli("run " .. q(policy) .. " " .. plain("ls /"))
      assert.are.equal(0, code2, err2)
      assert.are.equal(out, out2)
      local cut = file_with(without(text, "getdents64"))
      local out3, err3, code3 = cli("run " .. q(cut) .. " " .. plain("ls /"))
      assert.are.equal(128 + H.SIGSYS, code3, err3)
      assert.are.equal("", out3)
      os.remove(policy)
      os.remove(cut)
    end)

    it_learn("learns a shell pipeline with children", function()
      local cmd = "sh -c 'ls / | sort -r | head -n 3; echo done'"
      local text, out, err, code = learn(cmd)
      assert.are.equal(0, code, err)
      assert.matches("done\n$", out)
      for _, name in ipairs { "wait4", "execve", "getdents64", "dup2" } do
        assert.matches('\n    "' .. name .. '",', text, 1, false)
      end
      local pipe = text:match('\n    "(pipe2?)",')
      assert.is_not_nil(pipe, text)
      local policy = file_with(text)
      local out2, err2, code2 = cli("run " .. q(policy) .. " " .. plain(cmd))
      assert.are.equal(0, code2, err2)
      assert.are.equal(out, out2)
      local cut = file_with(without(text, pipe))
      local out3, _, code3 = cli("run " .. q(cut) .. " " .. plain(cmd))
      assert.are.equal(128 + H.SIGSYS, code3)
      assert.is_nil(out3:match("done"))
      os.remove(policy)
      os.remove(cut)
    end)

    H.gated(it_learn, pending, H.gate(io.open("/usr/bin/python3"), "needs /usr/bin/python3"))("learns the calls of threads", function()
      local py = "/usr/bin/python3"
      -- getppid is made by the thread alone
      local cmd = py .. [[ -c 'import threading, os; t = threading.Thread(target=os.getppid); t.start(); t.join(); print("joined")']]
      local text, out, err, code = learn(cmd)
      assert.are.equal(0, code, err)
      assert.are.equal("joined\n", out)
      assert.matches('\n    "getppid", +%-%- 1 call\n', text)
      local policy = file_with(text)
      local out2, err2, code2 = cli("run " .. q(policy) .. " " .. plain(cmd))
      assert.are.equal(0, code2, err2)
      assert.are.equal("joined\n", out2)
      local cut = file_with(without(text, "getppid"))
      local out3, _, code3 = cli("run " .. q(cut) .. " " .. plain(cmd))
      assert.are.equal(128 + H.SIGSYS, code3)
      assert.are.equal("", out3)
      os.remove(policy)
      os.remove(cut)
    end)

    it_learn("writes to stdout without -o, the command's output going to stderr", function()
      local out, err, code = cli("learn " .. plain("echo hello"))
      assert.are.equal(0, code, err)
      assert.matches("^%-%- Learned by `lua%-seccomp learn` from: env %-u LD_PRELOAD echo hello\n", out)
      assert.matches("hello\n", err)
      assert.is_not_nil(seccomp.load_policy_string(out))
    end)

    it_learn("exits with the command's status; writes nothing for a command not found or killed", function()
      local text, _, _, code = learn("sh -c 'exit 3'")
      assert.are.equal(3, code)
      assert.matches("exiting with status 3", text)
      local path = os.tmpname()
      os.remove(path)
      refused("learn -o " .. q(path) .. " -- no-such-command-here", 127, "no%-such%-command%-here")
      assert.is_nil(io.open(path))
      local _, err3, code3 = cli("learn -o " .. q(path) .. " " .. plain("sh -c 'kill -KILL $$'"))
      assert.are.equal(128 + 9, code3)
      assert.matches("killed by signal 9 %(SIGKILL%): no policy written", err3)
      assert.is_nil(io.open(path))
      refused("learn -o " .. q(path) .. " --args x -- true", 2, "%-%-args: a count expected")
    end)
  end)
  describe("status, dump and diff", function()
    local it_dump = H.gated(it, pending, H.DUMP)
    local old = file_with('return { default = "allow", rules = { { action = "errno(EPERM)", syscall = "ptrace" } } }',
      ".lua")
    local new = file_with([[
return { default = "allow", rules = {
  { action = "errno(EPERM)", syscall = "ptrace" },
  { action = "errno(EPERM)", syscall = "personality", args = { "arg0 != 0" } },
} }
]], ".lua")
    local function sleeper()
      return seccomp.load_policy(old):spawn({ "sleep", "30" })
    end

    it("status prints a process's mode, filters and no_new_privs", function()
      local child = sleeper()
      local out, err, code = cli("status " .. child.pid)
      assert.are.equal(0, code, err)
      assert.are.equal("mode: filter\nfilters: 1\nno_new_privs: yes\n", out)
      child:kill()
      child:wait()
      refused("status " .. child.pid, 1, "seccomp%.status: no process " .. child.pid .. " %(ESRCH%)")
      refused("status x", 2, "status: a process id expected, got 'x'")
      refused("status", 2, "status: PID missing")
    end)

    it_dump("dump prints a process's programs disassembled, or writes them with -o, oldest first", function()
      local child = sleeper()
      local bpf = seccomp.load_policy(old):export_bpf()
      local out, err, code = cli("dump " .. child.pid)
      assert.are.equal(0, code, err)
      assert.are.equal(("# filter 1 of 1 (the oldest), %d instructions\n"):format(#bpf // 8) .. seccomp.disasm(bpf), out)
      local dir = os.tmpname()
      os.remove(dir)
      assert(os.execute("mkdir " .. q(dir)))
      local out2, err2, code2 = cli("dump " .. child.pid .. " -o " .. q(dir))
      assert.are.equal(0, code2, err2)
      assert.are.equal("", out2)
      assert.matches("filter%-01%.bpf: %d+ instructions", err2)
      assert.are.equal(bpf, H.read(dir .. "/filter-01.bpf"))
      -- diff takes the file and the process itself
      local out3, err3, code3 = cli("diff " .. q(dir .. "/filter-01.bpf") .. " pid:" .. child.pid)
      assert.are.equal(0, code3, err3)
      assert.matches("^equal %(no call differs; %d+ vectors, exhaustive%)\n$", out3)
      local _, _, code4 = cli("diff pid:" .. child.pid .. " " .. q(new))
      assert.are.equal(1, code4)
      os.execute("rm -rf " .. q(dir))
      child:kill()
      child:wait()
      refused("dump " .. child.pid, 1, "seccomp%.dump: no process")
      refused("diff pid:" .. child.pid .. " " .. q(new), 2, "pid:%d+: seccomp%.dump: no process")
    end)

    it("diff prints the cells and the verdict; exits 0 when equal, 1 when not, 2 on an error", function()
      local out, err, code = cli("diff " .. q(old) .. " " .. q(new))
      assert.are.equal(1, code, err)
      local lines = H.lines_of(out)
      assert.are.equal(5, #lines)
      assert.matches("^ARCH +CALL +A: .- +B: ", lines[1])
      assert.matches("^" .. seccomp.arch_name(seccomp.native_arch()) .. " +personality%(1, 0, 0, 0, 0, 0%) +allow +errno%(EPERM%)$",
        lines[2])
      assert.matches("personality%(0x100000001, 0, 0, 0, 0, 0%)", lines[4])
      assert.matches("^b stricter %(3 calls differ; %d+ vectors, exhaustive%)$", lines[5])
      local out2, _, code2 = cli("diff " .. q(new) .. " " .. q(old))
      assert.are.equal(1, code2)
      assert.matches("\na stricter %(3 calls differ", out2)
      -- a .bpf file, and a profile
      local bpf = os.tmpname() .. ".bpf"
      local _, _, c3 = cli("export " .. q(new) .. " --bpf -o " .. q(bpf))
      assert.are.equal(0, c3)
      local out4, _, code4 = cli("diff " .. q(bpf) .. " " .. q(new))
      os.remove(bpf)
      assert.are.equal(0, code4)
      assert.matches("^equal %(no call differs", out4)
      local _, _, code5 = cli("diff examples/policies/container.json examples/policies/container.json --cap CAP_SYS_ADMIN")
      assert.are.equal(0, code5)
      -- --arch: on an arch neither filter has, both kill
      local out6, _, code6 = cli("diff " .. q(old) .. " " .. q(new) .. " --arch aarch64")
      assert.are.equal(0, code6, out6)
      -- errors exit 2 (1 means "different")
      refused("diff " .. q(old), 2, "diff: two filters expected")
      refused("diff " .. q(old) .. " /no/such/file.lua", 2, "cannot open /no/such/file%.lua")
      refused("diff " .. q(old) .. " pid:x", 2, "diff: a process id expected, got 'x'")
      refused("diff " .. q(old) .. " " .. q(new) .. " --arch z80", 2, "diff: %-%-arch: unknown arch 'z80'")
      refused("diff " .. q(old) .. " " .. q(file_with("return { default = 'allo' }", ".lua")), 2, "allo")
    end)
  end)
end)
