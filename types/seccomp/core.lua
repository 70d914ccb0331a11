---@meta seccomp.core

-- LuaCATS definitions of the C core, `seccomp.core` (lua-language-server).
-- Not loadable code: add this directory (`types/`) to `workspace.library`.
-- It lives outside `lua/` so that `require "seccomp.core"` can never find it
-- instead of the C module.  The aliases used here (seccomp.Action,
-- seccomp.Arch, seccomp.Syscall, seccomp.Condition, seccomp.Op,
-- seccomp.Errno) and the policy classes are declared in
-- `lua/seccomp/init.lua`, the public module.

---@class seccomp.core
---@field _VERSION string the binding's own version
---@field ACT_ALLOW integer
---@field ACT_KILL integer
---@field ACT_KILL_THREAD integer
---@field ACT_KILL_PROCESS integer?
---@field ACT_TRAP integer
---@field ACT_LOG integer?
---@field ACT_NOTIFY integer?
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
local core = {}

-- ---------------------------------------------------------------------------
-- Module functions

---Major, minor, micro of the libseccomp in use at run time.
---@return integer major
---@return integer minor
---@return integer micro
function core.version() end

---Major, minor, micro of the libseccomp headers the module was built against.
---@return integer major
---@return integer minor
---@return integer micro
function core.compiled_version() end

---libseccomp's API level (0 where the library has none).
---@return integer
function core.api() end

---Set libseccomp's API level; raises where it cannot be set.
---@param level integer 1..255
---@return true
function core.set_api(level) end

---Whether a feature is usable: it counts as present only when
---min(compiled, runtime) version, the API level and the kernel all allow it.
---@param feature string a name from `core.features()`: "notify", "log", "kill_process", ...
---@return boolean ok
---@return string? missing what is missing, when not ok
function core.supports(feature) end

---The feature names `supports` knows.
---@return string[]
function core.features() end

---The native arch's number.
---@return integer
function core.native_arch() end

---An arch's number; raises on an unknown arch.
---@param arch seccomp.Arch
---@return integer
function core.arch(arch) end

---libseccomp's name of an arch (`"x86_64"`); raises on an unknown arch.
---@param arch seccomp.Arch
---@return string
function core.arch_name(arch) end

---A syscall's number on an arch (default native), as the kernel sees a
---direct call; nil and a message where the name is unknown or the arch
---lacks it.
---@param name string
---@param arch? seccomp.Arch
---@return integer? nr
---@return string? message
function core.syscall(name, arch) end

---A syscall's name on an arch (default native); nil and a message where none.
---@param nr integer
---@param arch? seccomp.Arch
---@return string? name
---@return string? message
function core.syscall_name(nr, arch) end

---Every syscall name the arch (default native) has.
---@param arch? seccomp.Arch
---@return string[]
function core.syscalls(arch) end

---The action number of `errno(x)`.
---@param x seccomp.Errno a name or 0..4095
---@return integer
function core.errno(x) end

---The action number of `trace(n)`.
---@param n integer 0..65535
---@return integer
function core.trace(n) end

---An action's canonical text: `"allow"`, `"errno(EPERM)"`, `"trace(3)"`.
---@param action seccomp.Action
---@return string
function core.action_name(action) end

---The core's parsers, without raising: the normalized value (an integer, or
---a `seccomp.cond` for "cond"), or nil and the message the core would raise.
---@param kind "action"|"arch"|"syscall"|"errno"|"op"|"cond"
---@param value any
---@return any value
---@return string? message
function core.parse(kind, value) end

---A condition builder for syscall argument n.
---@param n integer 0..5
---@return seccomp.arg
function core.arg(n) end

---A condition builder for syscall argument n whose data are truncated to 32
---bits (libseccomp's SCMP_CMP32), for `int` arguments compared with negative
---values.
---@param n integer 0..5
---@return seccomp.arg
function core.arg32(n) end

---A new, empty filter with a default action.
---@param default_action seccomp.Action
---@return seccomp.filter
function core.filter(default_action) end

---A notifier over a notification fd received from elsewhere (the notifier
---keeps its own close-on-exec dup of it).
---@param fd integer
---@return seccomp.notifier
function core.notifier(fd) end

---One dispatch loop over several notifiers or children (see `notifier:serve`);
---the list may grow while it runs; ends when every member has hung up.
---@param handlers seccomp.Handlers
---@param list (seccomp.notifier|seccomp.child)[]
---@param opts? seccomp.ServeOpts
---@return "closed"|"timeout"
function core.serve(handlers, list, opts) end

---The action a BPF program (as `f:export_bpf()` gives it) returns for one
---call, from the core's classic-BPF interpreter. `data.syscall` is a name or
---number, `args` up to 6 integers, `arch` defaults to native, `endian`
---("big"|"little") to the arch's byte order (for program and data alike).
---@param bpf string
---@param data { syscall: seccomp.Syscall, args?: integer[], arch?: seccomp.Arch, ip?: integer, endian?: "big"|"little" }
---@return integer action
function core.simulate_bpf(bpf, data) end

---A BPF program as text, one instruction a line (each ending in "\n");
---the byte order is "big", "little" or that of an arch (default native).
---@param bpf string
---@param arch_or_endian? seccomp.Arch|"big"|"little"
---@return string
function core.disasm(bpf, arch_or_endian) end

-- ---------------------------------------------------------------------------
-- Looking inside (docs/inspect.md)

---A process's seccomp state from /proc/PID/status (no privilege needed):
---`mode` ("disabled", "strict", "filter"), `filters` (Linux >= 5.9),
---`no_new_privs`.  Raises the error object (ESRCH) for no such process.
---@param pid integer
---@return { mode: "disabled"|"strict"|"filter"|integer, filters?: integer, no_new_privs: boolean }
function core.status(pid) end

---The BPF programs of a process's filters, oldest first, each as
---`export_bpf` gives a program; read with ptrace (needs CAP_SYS_ADMIN and a
---caller not itself under seccomp); the process is left as it was.
---@param pid integer
---@return string[]
function core.dump(pid) end

---Where two filters, BPF programs or stacks (lists, oldest first) answer a
---call differently, over every cell of their joint partition: the first 64
---cells, and `vectors`, `exhaustive`, `verdict`, `total`, `capped`, `arches`.
---@param a seccomp.filter|string|(seccomp.filter|string)[]
---@param b seccomp.filter|string|(seccomp.filter|string)[]
---@param opts? { arches?: seccomp.Arch[], endian?: "big"|"little"|seccomp.Arch, budget?: integer, seed?: integer }
---@return seccomp.DiffReport
function core.diff(a, b, opts) end

-- ---------------------------------------------------------------------------
-- Conditions

---Builds conditions on one syscall argument.
---@class seccomp.arg
local arg = {}

---@param v integer
---@return seccomp.cond
function arg:eq(v) end

---@param v integer
---@return seccomp.cond
function arg:ne(v) end

---@param v integer
---@return seccomp.cond
function arg:lt(v) end

---@param v integer
---@return seccomp.cond
function arg:le(v) end

---@param v integer
---@return seccomp.cond
function arg:gt(v) end

---@param v integer
---@return seccomp.cond
function arg:ge(v) end

---`(arg & mask) == value`
---@param mask integer
---@param value integer
---@return seccomp.cond
function arg:masked_eq(mask, value) end

---A condition (`tostring`: `"arg2 == 0x1"`).
---@class seccomp.cond
---@field arg integer 0..5
---@field op string "==", "!=", "<", "<=", ">", ">=", "&="
---@field a integer the value (the mask for "&=")
---@field b integer the value of a masked comparison, else 0

-- ---------------------------------------------------------------------------
-- Errors

---What every libseccomp or kernel failure raises.
---`tostring(err)` reads `script.lua:12: seccomp.load: Permission denied (EACCES)`.
---@class seccomp.error
---@field op string the operation: "load", "add_rule", ...
---@field errno integer positive
---@field ename string "EACCES"
---@field message string plain words
---@field where? string "file.lua:12": the first caller outside the module's own Lua files (for a policy file, the policy's line); nil when there is none
---@field path? string set when the failure happened while building a policy table: "rules[2]"

-- ---------------------------------------------------------------------------
-- Filters

---A libseccomp filter context.  Methods that change the filter return it,
---so calls chain.  Released by `release()`, `__gc` and `__close`.
---@class seccomp.filter
local filter = {}

---Add a rule (libseccomp rewrites it for other arches where needed).
---@param action seccomp.Action
---@param syscall seccomp.Syscall
---@param ... seccomp.Condition up to 6, one per argument
---@return seccomp.filter self
function filter:add_rule(action, syscall, ...) end

---Add a rule exactly as given, or fail.
---@param action seccomp.Action
---@param syscall seccomp.Syscall
---@param ... seccomp.Condition up to 6, one per argument
---@return seccomp.filter self
function filter:add_rule_exact(action, syscall, ...) end

---@param syscall seccomp.Syscall
---@param priority integer 0..255
---@return seccomp.filter self
function filter:set_priority(syscall, priority) end

---@param arch seccomp.Arch
---@return seccomp.filter self
function filter:add_arch(arch) end

---@param arch seccomp.Arch
---@return seccomp.filter self
function filter:remove_arch(arch) end

---@param arch seccomp.Arch
---@return boolean
function filter:has_arch(arch) end

---An attribute: an action number for `default_action` and `badarch_action`,
---a boolean for flags, an integer for `optimize`.
---@param name "default_action"|"badarch_action"|"nnp"|"tsync"|"tskip"|"log"|"ssb"|"optimize"|"raw_rc"|"wait_kill"
---@return integer|boolean
function filter:get_attr(name) end

---@param name "badarch_action"|"nnp"|"tsync"|"tskip"|"log"|"ssb"|"optimize"|"raw_rc"|"wait_kill"
---@param value seccomp.Action|boolean|integer
---@return seccomp.filter self
function filter:set_attr(name, value) end

---Remove every rule; no action: keep the current default action.
---@param action? seccomp.Action
---@return seccomp.filter self
function filter:reset(action) end

---Merge `other` into this filter; `other` is consumed (released) on success,
---left valid and unchanged on failure.
---@param other seccomp.filter
---@return seccomp.filter self
function filter:merge(other) end

---The filter as libseccomp's pseudo-filter code: a string, or written to a file.
---@param file? file*
---@return string|seccomp.filter
function filter:export_pfc(file) end

---The filter as a BPF program: a string, or written to a file.
---@param file? file*
---@return string|seccomp.filter
function filter:export_bpf(file) end

---Load the filter into the kernel for this process (irreversible).
---@return seccomp.filter self
function filter:load() end

---Precompute the BPF program (libseccomp >= 2.6).
---@return seccomp.filter self
function filter:precompute() end

---Run fn(self) in a transaction: committed when fn returns, rejected (and fn's
---own error re-raised) when it raises.  The module's own: any libseccomp; a
---rejection restores rules, arches, attributes and a reset made inside.
---@param fn fun(f: seccomp.filter): ...
---@return any ...
function filter:transaction(fn) end

---@return seccomp.filter self
function filter:transaction_start() end

---@return seccomp.filter self
function filter:transaction_commit() end

---@return seccomp.filter self
function filter:transaction_reject() end

---The action the filter returns for a call, from an in-process classic-BPF
---interpreter over the exported program; never loads anything.
---@param syscall seccomp.Syscall
---@param args? integer[] up to 6
---@param arch? seccomp.Arch
---@param ip? integer
---@return integer action use `seccomp.action_name` for its text
function filter:simulate(syscall, args, arch, ip) end

---The notification fd libseccomp keeps for this process (after `load`).
---@return integer
function filter:notify_fd() end

---A notifier over the filter's notification fd (after `load`).
---@return seccomp.notifier
function filter:notifier() end

---Run a program as a child under this filter; returns once the child has
---exec'd (or made a notified call before that).
---@param argv string[] the program (found on PATH) and its arguments
---@param opts? { env?: table<string|integer, string>, cwd?: string, stdin?: file*, stdout?: file*, stderr?: file*, nnp?: boolean, close_fds?: boolean, fdpass?: "auto"|"socket", explain?: boolean }
---@return seccomp.child
function filter:spawn(argv, opts) end

---Release the context; idempotent, never raises.
function filter:release() end

---false after `release` or after being merged into another filter.
---@return boolean
function filter:is_valid() end

---@class seccomp.LedgerRule
---@field action integer the action number
---@field syscall string|integer the syscall as given (a name, or the number when given by number)
---@field args {[1]: integer, [2]: string, [3]: integer, [4]: integer?}[] conditions `{arg, op, a [, b]}`
---@field exact boolean added with `add_rule_exact`
---@field arches string[] the names of the filter's arches the rule applies to
---@field origin string? where a policy table gave the rule (`"rules[3]"`)

---The rule ledger: every rule as given, in order.
---@return seccomp.LedgerRule[]
function filter:rules() end

---@class seccomp.Note
---@field kind string what the note is about (`"unplaced"`, ...: docs/api.md)
---@field message string what will not happen as it seems to, in words
---@field origin string? where a policy table or profile gave the thing noted

---What the module accepted that will not do what it seems to, in order.
---@return seccomp.Note[]
function filter:notes() end

---@class seccomp.Counterexample
---@field syscall string? the call's name on that arch
---@field nr integer the syscall number the program saw
---@field arch string|integer the arch (its number when the library has no name for it)
---@field args integer[] the six arguments
---@field got integer the action the program returns
---@field expected integer[] the actions the rules allow (any of them is right)
---@field rules integer[] ledger indices of the rules that match the call

---@class seccomp.VerifyReport: seccomp.Counterexample[]
---@field vectors integer how many calls were run
---@field exhaustive boolean every cell of the partition was covered
---@field total integer how many wrong answers were found (the list keeps the first 64)
---@field unplaced integer[] ledger indices of rules that land on none of the filter's arches

---Check the program that `load` would install against the rule ledger, in
---the in-process interpreter: `true, report`, or `false, report`.
---@param opts? {budget?: integer, seed?: integer}
---@return boolean ok
---@return seccomp.VerifyReport report
function filter:verify(opts) end

---Internal (the policy layer): the rules added since the last call came from `origin`.
---@param origin string
---@return seccomp.filter
function filter:_set_origin(origin) end

---Added by the Lua layer (`require "seccomp"`): allow the syscall(s), under
---the conditions if any.
---@param syscalls seccomp.Syscall|seccomp.Syscall[]
---@param ... seccomp.Condition
---@return seccomp.filter self
function filter:allow(syscalls, ...) end

---Added by the Lua layer (`require "seccomp"`): make the syscall(s) fail
---with `errno`, under the conditions if any.
---@param errno seccomp.Errno
---@param syscalls seccomp.Syscall|seccomp.Syscall[]
---@param ... seccomp.Condition
---@return seccomp.filter self
function filter:deny(errno, syscalls, ...) end

-- ---------------------------------------------------------------------------
-- Notification (issue 4: kept in step with src/notify.c and src/spawn.c)

---A notification listener: owns a close-on-exec dup of the listener fd.
---@class seccomp.notifier
local notifier = {}

---Iterate over requests: each step waits up to `timeout` seconds; the loop
---ends when none comes in that time, or when no task uses the filter any
---more.  `for req in n:requests() do ... end`
---@param timeout? number seconds; nil or math.huge waits forever
---@return fun(): seccomp.request?
function notifier:requests(timeout) end

---The next request; nil and "timeout", or nil and "closed" when no task uses
---the filter any more.
---@param timeout? number seconds; nil or math.huge waits forever
---@return seccomp.request|nil
---@return "timeout"|"closed"|nil
function notifier:receive(timeout) end

---Answer a request.  errno: a name or a number of either sign (the kernel
---gets -abs(e)); flags: 1 or "continue" (then no value and no errno).
---@param id integer
---@param value? integer
---@param errno? seccomp.Errno
---@param flags? integer|"continue"
---@return true|nil ok
---@return string? message
---@return integer? errno
function notifier:respond(id, value, errno, flags) end

---Is the request still waiting?
---@param id integer
---@return boolean
function notifier:id_valid(id) end

---The notifier's own fd (closed with the notifier).
---@return integer
function notifier:fd() end

---Whether synchronous wake-ups (kernel >= 6.6) are on; a boolean sets them
---(raises where the kernel lacks them). On by default for listeners this
---process created.
---@param on? boolean
---@return boolean
function notifier:sync_wakeup(on) end

---Idempotent, never raises; also `__gc` and `__close`.
function notifier:close() end

---What a handler returns (or is): `"allow"` (CONTINUE), an errno name or
---number (deny), `{ value = n }` (reply n), `{ fd = f }` (install f and answer
---with its number, atomically where the kernel has SEND), `{ fd = f, value = n }`
---(install f, then reply n); `nil` when the handler answered the request itself.
---@alias seccomp.Answer "allow"|seccomp.Errno|seccomp.AnswerTable|nil

---@class seccomp.AnswerTable
---@field value? integer the call's return value (never -4095..-1: answer with the errno)
---@field fd? integer|file* an fd (or open file) to install in the target
---@field newfd? integer install it at this number, replacing what is there (SETFD)
---@field cloexec? boolean close-on-exec in the target
---@field close? boolean close `fd` in the supervisor once it is installed

---A handler: a function of the request returning an answer, or the answer itself.
---@alias seccomp.Handler fun(req: seccomp.request): seccomp.Answer|seccomp.Answer

---Handlers by syscall name; `default` for every call without its own.  A call
---with neither is denied with ENOSYS.
---@alias seccomp.Handlers table<string, seccomp.Handler>

---@class seccomp.ServeOpts
---@field timeout? number end after this many seconds without a request (default: never)
---@field error_errno? seccomp.Errno the errno of a call whose handler failed (default EPERM)
---@field on_error? fun(err: any, req: seccomp.request) told of each failed handler (default: a line on stderr); an error it raises ends the loop

---The dispatch loop: each request goes to `handlers[req.name]` (else
---`handlers.default`, else ENOSYS), whose return value answers it.  A handler
---that raises, yields or returns an unknown answer has its call denied with
---`opts.error_errno` and the error reported to `opts.on_error`; the loop
---goes on.  Ends when no task uses the filter any more ("closed"), the
---notifier is closed by a handler ("closed"), or after `opts.timeout` seconds
---without a request ("timeout").
---@param handlers seccomp.Handlers
---@param opts? seccomp.ServeOpts
---@return "closed"|"timeout"
function notifier:serve(handlers, opts) end

---A notification request.
---@class seccomp.request
---@field id integer
---@field pid integer
---@field flags integer
---@field syscall integer
---@field name string? the syscall's name on the request's arch
---@field arch integer the raw AUDIT_ARCH number
---@field ip integer
---@field args integer[] six 64-bit integers
---@field answered boolean
---@field notifier seccomp.notifier
local request = {}

---Let the call run (the CONTINUE flag).
---@return true|nil ok
---@return string? message
---@return integer? errno
function request:allow() end

---Fail the call with an errno (default EPERM; a name or a number, either sign).
---@param errno? seccomp.Errno
---@return true|nil ok
---@return string? message
---@return integer? errno
function request:deny(errno) end

---Make the call return `value` without running it.
---@param value integer
---@return true|nil ok
---@return string? message
---@return integer? errno
function request:reply(value) end

---Is the target still waiting for an answer?
---@return boolean
function request:valid() end

---Install an fd into the target (kernel >= 5.9).  opts: newfd (install at
---that number), cloexec, send (also answer with the new fd: kernel >= 5.14).
---@param fd integer|file*
---@param opts? { newfd?: integer, cloexec?: boolean, send?: boolean }
---@return integer|nil target_fd
---@return string? message
---@return integer? errno
function request:addfd(fd, opts) end

---`len` bytes of the target's memory at `addr` (len 0..1048576).  The
---request is checked after the read: nil, message, ENOENT when its target
---died or was replaced meanwhile; EFAULT when the range is not all mapped.
---@param addr integer
---@param len integer
---@return string|nil data
---@return string? message
---@return integer? errno
function request:read(addr, len) end

---The NUL-terminated string at `addr`, looking at most `max` bytes (NUL
---included; default 4096, 1..1048576).  ENAMETOOLONG when there is no NUL
---within max; otherwise as `read`.
---@param addr integer
---@param max? integer
---@return string|nil s
---@return string? message
---@return integer? errno
function request:read_string(addr, max) end

---Write `data` (at most 1048576 bytes) into the target's memory at `addr`.
---EFAULT unless the whole range is mapped writable; ENOENT when the request
---is gone.
---@param addr integer
---@param data string
---@return true|nil ok
---@return string? message
---@return integer? errno
function request:write(addr, data) end

---A child started by `filter:spawn`.
---@class seccomp.child
---@field pid integer
---@field notifier seccomp.notifier? nil when the filter has no notify rules
---@field killed seccomp.killed? with spawn's `explain`: the first call the filter killed
local child = {}

---The call a kill action killed (spawn's `explain`, docs/notify.md).
---@class seccomp.killed
---@field syscall string|integer the call's name on its arch (its number where it has none)
---@field nr integer
---@field arch string|integer
---@field args integer[] the six arguments, as the kernel reported them
---@field pid integer the thread that made the call
---@field process integer its process
---@field action string "kill_process" or "kill_thread"
---@field by "rule"|"default"|"badarch"|"unknown"
---@field rule integer? the rule's index in `f:rules()`
---@field origin string? the rule's place in its policy table or profile
---@field message string all of it in one line
---@field signal "SIGSYS"|"SIGKILL" the signal sent
---@field sigkill_because string? why SIGKILL stood in for SIGSYS
---@field count integer calls killed in all

---Wait for the child; returns what `os.execute` returns.
---@return true|nil ok
---@return "exit"|"signal" how
---@return integer code
function child:wait() end

---Send a signal (default SIGTERM): a number, or a name with or without "SIG".
---@param sig? integer|string
---@return true|nil ok
---@return string? message
---@return integer? errno
function child:kill(sig) end

return core
