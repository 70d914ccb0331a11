--- lua-seccomp: the public module.
--- The C core (`seccomp.core`) does everything that touches libseccomp or the
--- kernel; this file builds the public table from it, name by name, so the
--- public API reads as one list.  Policy tables (`seccomp.filter{...}`,
--- `seccomp.load_policy`) and the filter sugar (`f:allow`, `f:deny`) are in
--- `seccomp/policy.lua`.
---
--- The annotations are LuaCATS (lua-language-server).  The core's own types
--- (the filter, condition and error objects) are in `types/seccomp/core.lua`:
--- add `types/` to `workspace.library`.
local core = require "seccomp.core"
local P = require "seccomp.policy"
local inspect = require "seccomp.inspect"

-- ---------------------------------------------------------------------------
-- Names a function accepts.

---An action: a name, `errno(N|ENAME)`, `trace(N)`, or an action number
---(`seccomp.ACT_*`, `seccomp.errno(x)`, `seccomp.trace(n)`).  OCI spellings
---(`"SCMP_ACT_ALLOW"`) are accepted too.
---@alias seccomp.Action
---| "allow"        # let the call run
---| "kill_process" # kill the whole process (SIGSYS)
---| "kill_thread"  # kill the calling thread
---| "kill"         # = kill_thread, as in libseccomp
---| "trap"         # send SIGSYS to the thread
---| "log"          # let the call run and log it
---| "notify"       # ask the supervisor holding the notification fd
---| "errno(EPERM)" # fail the call with an errno: "errno(EACCES)", "errno(13)", ...
---| "trace(0)"     # notify a ptrace tracer: "trace(N)"
---| string
---| integer

---An arch: `"native"`, libseccomp's names, the OCI names (`"SCMP_ARCH_X86_64"`)
---and the common aliases (`amd64`, `arm64`, `i386`, `loong64`), or an
---`seccomp.ARCH_*` number.
---@alias seccomp.Arch
---| "native"
---| "x86_64" | "x86" | "x32"
---| "aarch64" | "arm"
---| "riscv64" | "loongarch64" | "m68k"
---| "mips" | "mipsel" | "mips64" | "mipsel64" | "mips64n32" | "mipsel64n32"
---| "ppc" | "ppc64" | "ppc64le" | "s390" | "s390x"
---| "parisc" | "parisc64" | "sh" | "sheb"
---| "amd64" | "arm64" | "i386" | "loong64"
---| string
---| integer

---A syscall: its name (resolved for the native arch) or a native number.
---@alias seccomp.Syscall string|integer

---A comparison operator, or a `seccomp.CMP_*` number.  `"&="` is masked
---equality: `{ arg, "&=", mask, value }`.
---@alias seccomp.Op "=="|"!="|"<"|"<="|">"|">="|"&="|integer

---An errno: its name (`"EPERM"`) or its number (0..4095).
---@alias seccomp.Errno string|integer

---A condition on a syscall argument, in any of three forms:
---`{ arg, op, value [, value2] }` (`{ 2, "&=", 3, 0 }` for a masked one);
---the string `"argN OP value"` or `"argN & mask == value"`; or what
---`seccomp.arg(n)` builds (`seccomp.arg(2):eq(1)`).
---@alias seccomp.Condition seccomp.CondTable|string|seccomp.cond

---`{ arg, op, value [, value2] }`: arg is 0..5; values are 64-bit integers.
---@alias seccomp.CondTable [integer, seccomp.Op, integer, integer?]

-- ---------------------------------------------------------------------------
-- Policy tables (seccomp.filter{...}).

---A whole filter as a table.  Arches are applied first, then `allow`, then
---`rules` in order.  Unknown keys are errors.
---@class seccomp.Policy
---@field default seccomp.Action the action for every syscall no rule matches (required)
---@field arches? seccomp.Arch[] the complete set of arches; native is removed when not listed (default: native only)
---@field attrs? seccomp.Attrs filter attributes, as `f:set_attr(name, value)`
---@field allow? seccomp.Syscall[] syscalls allowed without conditions
---@field rules? (seccomp.Rule|seccomp.PositionalRule)[] rules, added in order
---@field unknown? "enosys" syscall numbers above the highest one the policy names return ENOSYS (docs/oci.md)

---A rule with keys.  Give `syscall` or `syscalls`, not both.
---@class seccomp.Rule
---@field action seccomp.Action
---@field syscall? seccomp.Syscall
---@field syscalls? seccomp.Syscall[] one rule per syscall, all with the same action and conditions
---@field args? seccomp.Condition[] at most 6, at most one per argument
---@field exact? boolean add with `add_rule_exact` (no rewriting for other arches)
---@field priority? integer 0..255, for `set_priority` on each of the rule's syscalls

---A positional rule: `{ action, syscall, cond... }`.
---@alias seccomp.PositionalRule (seccomp.Action|seccomp.Syscall|seccomp.Condition)[]

---Filter attributes, as `f:set_attr` takes them.
---@class seccomp.Attrs
---@field badarch_action? seccomp.Action the action for a call from an arch the filter lacks
---@field nnp? boolean set NO_NEW_PRIVS when loading (libseccomp's default: true)
---@field tsync? boolean synchronize all threads when loading
---@field tskip? boolean allow rules on syscall -1
---@field log? boolean log every action but allow
---@field ssb? boolean disable speculative store bypass mitigation
---@field optimize? 1|2 1: priority order, 2: binary tree
---@field raw_rc? boolean return libseccomp's raw return codes
---@field wait_kill? boolean wait killable in notify (libseccomp >= 2.6)

---A cell where two programs answer differently (seccomp.diff).
---@class seccomp.DiffCell
---@field arch string|integer the arch's name (x32 for x32 numbers), or its number where the module knows no name
---@field nr integer the syscall number as seccomp_data holds it
---@field syscall? string its name on that arch
---@field args integer[] the 6 arguments
---@field ip? integer the instruction pointer, where a program tests it
---@field a integer what a answers (an action number)
---@field b integer what b answers

---seccomp.diff's report: a list of (the first 64) cells, and what was checked.
---@class seccomp.DiffReport: seccomp.DiffCell[]
---@field vectors integer calls checked
---@field exhaustive boolean every cell of the joint partition was checked
---@field verdict "equal"|"a stricter"|"b stricter"|"incomparable"
---@field total integer cells found (all counted, 64 kept)
---@field capped string[] what made the report less than exhaustive
---@field arches (string|integer)[] the arches checked

---A call explain could not turn into rules (seccomp.explain's report).
---@class seccomp.UnexplainedCell
---@field arch string|integer the arch's name, or the arch value where no arch has it
---@field nr? integer the syscall number as seccomp_data holds it
---@field syscall? string its name on that arch
---@field args? integer[] the 6 arguments of one call of the cell
---@field ip? integer the instruction pointer, where the program tests it
---@field action? integer what the program answers there
---@field reason string why no rule can say it
---@field count integer how many cells this entry stands for

---seccomp.explain's report: what the policy could not say, and what was checked.
---@class seccomp.ExplainReport
---@field unexplained seccomp.UnexplainedCell[] the first 64 entries
---@field total integer every cell no rule says, counted (0: the policy reproduces the program)
---@field reasons table<string, integer> cells by reason
---@field per_arch? true the program's arches answer differently: one policy per arch
---@field exhaustive boolean every cell of the partition was read
---@field capped string[] what made it less than exhaustive
---@field vectors integer calls run

---One call of a finding (seccomp.audit).
---@class seccomp.FindingCell
---@field arch string|integer
---@field nr integer
---@field syscall? string
---@field args integer[]
---@field action integer what the program answers

---A weakness seccomp.audit found.
---@class seccomp.Finding
---@field kind "arch-unchecked"|"x32-guard"|"permissive-default"|"syscall-alt-gap"|"io-uring-bypass"|"multiplexed-widening"
---@field severity "high"|"medium"|"low"
---@field message string
---@field cells seccomp.FindingCell[] calls that show it

-- ---------------------------------------------------------------------------
-- The module.

---@class seccomp
---@field ACT_ALLOW integer
---@field ACT_KILL integer kill_thread
---@field ACT_KILL_THREAD integer
---@field ACT_KILL_PROCESS integer? nil where the libseccomp in use lacks it
---@field ACT_TRAP integer
---@field ACT_LOG integer? nil where the libseccomp in use lacks it
---@field ACT_NOTIFY integer? nil where the libseccomp in use lacks it
---@field ARCH_NATIVE integer
---@field ARCH_X86 integer?
---@field ARCH_X86_64 integer?
---@field ARCH_X32 integer?
---@field ARCH_ARM integer?
---@field ARCH_AARCH64 integer?
---@field ARCH_LOONGARCH64 integer?
---@field ARCH_M68K integer?
---@field ARCH_MIPS integer?
---@field ARCH_MIPS64 integer?
---@field ARCH_MIPS64N32 integer?
---@field ARCH_MIPSEL integer?
---@field ARCH_MIPSEL64 integer?
---@field ARCH_MIPSEL64N32 integer?
---@field ARCH_PPC integer?
---@field ARCH_PPC64 integer?
---@field ARCH_PPC64LE integer?
---@field ARCH_S390 integer?
---@field ARCH_S390X integer?
---@field ARCH_PARISC integer?
---@field ARCH_PARISC64 integer?
---@field ARCH_RISCV64 integer?
---@field ARCH_SH integer?
---@field ARCH_SHEB integer?
---@field CMP_NE integer
---@field CMP_LT integer
---@field CMP_LE integer
---@field CMP_EQ integer
---@field CMP_GE integer
---@field CMP_GT integer
---@field CMP_MASKED_EQ integer
---@field simulate_bpf fun(bpf: string, ...): integer the action a BPF program (as `export_bpf` gives it) returns for one call, from the core's interpreter
---@field disasm fun(bpf: string, arch_or_endian?: seccomp.Arch|"big"|"little"): string a BPF program as text, one instruction a line
---@field oci seccomp.oci OCI / Docker seccomp profiles (`require "seccomp.oci"`, loaded on first use)
local M = {}

---The binding's own version string.
---@type string
M._VERSION = core._VERSION

-- versions, API level and features

---Major, minor, micro of the libseccomp in use at run time.
---@type fun(): integer, integer, integer
M.version = core.version

---Major, minor, micro of the libseccomp headers the module was built against.
---@type fun(): integer, integer, integer
M.compiled_version = core.compiled_version

---libseccomp's API level (0 where the library has none).
---@type fun(): integer
M.api = core.api

---Set the API level; raises where it cannot be set.
---@type fun(level: integer): true
M.set_api = core.set_api

---true, or false and a message naming what is missing (compiled version,
---runtime version, API level or kernel).  Features: see `seccomp.features()`.
---@type fun(feature: string): boolean, string?
M.supports = core.supports

---The names `seccomp.supports` knows.
---@type fun(): string[]
M.features = core.features

-- names

---The native arch's number.
---@type fun(): integer
M.native_arch = core.native_arch

---An arch's number; raises on an unknown arch.
---@type fun(arch: seccomp.Arch): integer
M.arch = core.arch

---libseccomp's name of an arch (`"x86_64"`); raises on an unknown arch.
---@type fun(arch: seccomp.Arch): string
M.arch_name = core.arch_name

---A syscall's number on an arch (default native), as the kernel sees a
---direct call; nil and a message where the name is unknown or the arch lacks it.
---@type fun(name: string, arch?: seccomp.Arch): integer?, string?
M.syscall = core.syscall

---A syscall's name on an arch (default native); nil and a message where none.
---@type fun(nr: integer, arch?: seccomp.Arch): string?, string?
M.syscall_name = core.syscall_name

---Every syscall name the arch (default native) has.
---@type fun(arch?: seccomp.Arch): string[]
M.syscalls = core.syscalls

---The action number of `errno(x)`; x is a name or 0..4095.
---@type fun(x: seccomp.Errno): integer
M.errno = core.errno

---The action number of `trace(n)`; n is 0..65535.
---@type fun(n: integer): integer
M.trace = core.trace

---An action's canonical text: `"allow"`, `"errno(EPERM)"`, `"trace(3)"`.
---@type fun(action: seccomp.Action): string
M.action_name = core.action_name

---The core's parsers, without raising: the normalized value (a number, or a
---`seccomp.cond` for "cond"), or nil and the message the core would raise.
---@type fun(kind: "action"|"arch"|"syscall"|"errno"|"op"|"cond", value: any): any, string?
M.parse = core.parse

-- conditions

---A condition builder for syscall argument n (0..5): `seccomp.arg(2):eq(1)`.
---@type fun(n: integer): seccomp.arg
M.arg = core.arg

---As `seccomp.arg`, with the datum truncated to 32 bits (for `int` arguments
---compared with negative values).
---@type fun(n: integer): seccomp.arg
M.arg32 = core.arg32

-- filters

---A new filter: from a default action, or from a whole policy table.
---
---A policy either builds completely or raises: a bad value raises a string
---that names its place in the table (`rules[3].args[1]: unknown operator
---'=<'`); a libseccomp failure raises the core's error object, its message
---located the same way.  The half-built filter is released first.
---
---```lua
---local f = seccomp.filter("errno(EPERM)")
---local g = seccomp.filter{ default = "kill_process", allow = { "read", "write", "exit_group" } }
---```
---@param ... seccomp.Policy|seccomp.Action a policy table, or the default action
---@return seccomp.filter
---@overload fun(default_action: seccomp.Action): seccomp.filter
---@overload fun(policy: seccomp.Policy): seccomp.filter
function M.filter(...)
  local policy = ...
  local ok, f, err
  if type(policy) == "table" then
    f, err = P.build(policy)
    ok = f ~= nil
  else
    -- called through pcall so that an argument error names the caller's line
    ok, f = pcall(core.filter, ...)
    err = f
  end
  if not ok then
    error(err, 2)
  end
  return f
end

---A new filter from a policy file: Lua source that returns a policy table.
---The file is loaded as text only (never a binary chunk), must be a regular
---file (a FIFO or a device is refused), and runs in an empty environment
---(no globals, no libraries, no string methods; reading an undefined name is
---an error) within `limits`: `max_instructions` (default 50,000,000 Lua VM
---instructions, about a second) and `max_memory` (default 64 MiB, counting
---every allocation the policy makes; the file itself may not be larger).
---Each is a positive integer or `math.huge`.  Errors name the file, the line
---of the table, and the place in it:
---`no-net.lua:7: rules[2].syscalls[1]: unknown syscall 'sokcet' (did you mean 'socket'?)`.
---`tostring` of the filter names the file.
---@param path string
---@param limits? seccomp.PolicyLimits
---@return seccomp.filter
function M.load_policy(path, limits)
  local f, err, level = P.load_file(path, limits)
  if not f then
    error(err, level)
  end
  return f
end

---The bounds of a policy file's run (`seccomp.load_policy`): Lua VM
---instructions (default 50,000,000) and bytes allocated (default 64 MiB).
---@class seccomp.PolicyLimits
---@field max_instructions? integer
---@field max_memory? integer

---As `seccomp.load_policy`, for policy source held in a string; `name`
---(default "policy") stands for the file name in messages and, when given,
---in `tostring` of the filter.  `limits` as for `seccomp.load_policy`.
---@param src string Lua source returning a policy table
---@param name? string
---@param limits? seccomp.PolicyLimits
---@return seccomp.filter
function M.load_policy_string(src, name, limits)
  local f, err, level = P.load_string(src, name, limits)
  if not f then
    error(err, level)
  end
  return f
end

-- simulation (docs/simulate.md); f:simulate is a filter method

---The action a BPF program (as `f:export_bpf()` gives it) returns for one
---call, from the core's classic-BPF interpreter.  `data`: `syscall` (name or
---number), `args` (up to 6 integers), `arch` (default native), `ip`, and
---`endian` ("big"|"little", default: the arch's byte order).
---@param bpf string
---@param data { syscall: string|integer, args?: integer[], arch?: seccomp.Arch, ip?: integer, endian?: "big"|"little" }
---@return integer action use `seccomp.action_name` for its text
M.simulate_bpf = core.simulate_bpf

---A BPF program as text, one instruction a line; the byte order is "big",
---"little" or an arch's (default native).
---@param bpf string
---@param arch_or_endian? seccomp.Arch|"big"|"little"
---@return string
M.disasm = core.disasm

-- looking inside (docs/inspect.md)

---What /proc/PID/status says of a process's seccomp state: `mode`
---("disabled", "strict" or "filter"), `filters` (how many; nil before
---Linux 5.9) and `no_new_privs`.  Needs no privilege; raises the error object
---(ESRCH) when there is no such process.
---@type fun(pid: integer): { mode: "disabled"|"strict"|"filter"|integer, filters?: integer, no_new_privs: boolean }
M.status = core.status

---The BPF programs of a process's filters, oldest first, read back with
---ptrace (PTRACE_SECCOMP_GET_FILTER); each is a string as `export_bpf`
---gives a program.  Needs CAP_SYS_ADMIN and a caller that is not itself
---under seccomp; leaves the process running (or stopped) as it was.
---@type fun(pid: integer): string[]
M.dump = core.dump

---Where two filters, BPF programs or stacks of programs (lists, oldest
---first, answered as the kernel answers a stack) give a call different
---answers: a list of the first 64 cells `{arch, nr, syscall, args, a, b}`
---with `vectors`, `exhaustive`, `verdict` ("equal", "a stricter",
---"b stricter", "incomparable"), `total`, `capped` and `arches`.
---@type fun(a: seccomp.filter|string|(seccomp.filter|string)[], b: seccomp.filter|string|(seccomp.filter|string)[], opts?: { arches?: seccomp.Arch[], endian?: "big"|"little"|seccomp.Arch, budget?: integer, seed?: integer }): seccomp.DiffReport
M.diff = core.diff

---A policy table that reproduces a program (`seccomp.diff` of the filter
---built from it and the program is "equal"), and a report.  Where the
---program's arches answer differently the first value is one policy per
---arch, `{ [arch] = policy, badarch_action = action }` (build each, and
---`merge` them).  What no rule can say is counted in `report.unexplained`.
---`opts` as for `seccomp.diff`: `arches`, `endian`, `budget` (vectors a
---call, default 2^16), `seed`.
---@type fun(p: seccomp.filter|string|(seccomp.filter|string)[], opts?: { arches?: seccomp.Arch[], endian?: "big"|"little"|seccomp.Arch, budget?: integer, seed?: integer }): seccomp.Policy|table<string, seccomp.Policy|string>, seccomp.ExplainReport
M.explain = inspect.explain

---Weaknesses of a filter, a BPF program or a stack, read off the same
---partition: a list of findings `{ kind, severity, message, cells }`, the
---most severe first (docs/inspect.md lists the kinds).
---@type fun(p: seccomp.filter|string|(seccomp.filter|string)[], opts?: { arches?: seccomp.Arch[], endian?: "big"|"little"|seccomp.Arch, budget?: integer, seed?: integer }): seccomp.Finding[]
M.audit = inspect.audit

-- notification

---A notifier over a notification fd received from elsewhere (it keeps its
---own close-on-exec dup of the fd).
---@type fun(fd: integer): seccomp.notifier
M.notifier = core.notifier

---One dispatch loop over several notifiers, or children with one (see
---`notifier:serve`): one poll(2) for all of them.  The list may grow while
---the loop runs (a handler can `spawn` a child and append it); the loop ends
---when every member has hung up ("closed"), or after `opts.timeout` seconds
---without a request ("timeout").
---@type fun(handlers: seccomp.Handlers, list: (seccomp.notifier|seccomp.child)[], opts?: seccomp.ServeOpts): "closed"|"timeout"
M.serve = core.serve

-- constants: ACT_*, ARCH_*, CMP_* (only those the running libseccomp knows)
for name, value in pairs(core) do
  if type(value) == "number" and (name:match "^ACT_" or name:match "^ARCH_" or name:match "^CMP_") then
    M[name] = value
  end
end

-- seccomp.oci (OCI / Docker profiles, docs/oci.md) is loaded on first use
setmetatable(M, {
  __index = function(t, k)
    if k == "oci" then
      local oci = require "seccomp.oci"
      rawset(t, "oci", oci)
      return oci
    end
  end,
})

return M
