/*
 * module.c - seccomp.core: the module table, its functions and constants.
 *
 * The core is built as one translation unit: this file includes the others,
 * so every helper is static and the only exported symbol is
 * luaopen_seccomp_core.  Read the parts in this order:
 *
 *   core.h      the internal header every part includes: shared types, prototypes;
 *               with compat.h (version gates, libseccomp 2.3.1 .. 2.6, Lua 5.3 / 5.4),
 *               kabi.h (the kernel ABI) and plain.h (the plain-C parts' types)
 *   errors.c    argument errors and the error object; the errno table
 *   util.c      general helpers: the fd guard, the hook runner, file handle
 *               arguments, methods added to another part's type
 *   features.c  the one table of optional features (seccomp.supports)
 *   ledger.c    the rule ledger (every rule as given) and per-arch syscall tables (plain C)
 *   meaning.c   the one meaning of overlapping rules: their order, the rule that decides (plain C)
 *   names.c     parsing of arch, action, syscall, errno and operator names
 *   cond.c      argument conditions and the seccomp.arg builders
 *   filter.c    the filter userdata
 *   notes.c     f:notes(): what the module accepted that will not do what it seems to
 *   notify.c    user notification: notifier and request userdata
 *   spawn.c     filter:spawn and the child userdata
 *   explain.c   spawn's explain option: the call a kill action would kill, named
 *   inspect.c   seccomp.status and seccomp.dump: a process's filters, read back
 *   serve.c     notifier:serve and seccomp.serve, the dispatch loop (on notify.c)
 *   bpf.c       classic-BPF decoder, checker, interpreter, disassembler (kernel semantics)
 *   gen.c       the module's own BPF code generator (plain C, on ledger.c and bpf.c)
 *   simulate.c  f:simulate, seccomp.simulate_bpf, seccomp.disasm (on bpf.c)
 *   walk.c      what a program tests on the paths one call can take (verify, diff)
 *   verify.c    f:verify: the compiled program checked against the rule ledger
 *   diff.c      seccomp.diff: where two programs or stacks answer differently (on walk.c)
 *   partition.c diff's partition as data, cell by cell, for seccomp.explain and
 *               seccomp.audit (lua/seccomp/inspect.lua; not spawn's explain.c)
 *   program.c   the one compiled program per filter: load, export_bpf, verify
 *   loader.c    the policy loader's bounds: a regular file of bounded size, a memory cap
 */
#define _GNU_SOURCE 1
#include "core.h"

#include "errors.c"
#include "util.c"
#include "features.c"
#include "ledger.c"
#include "meaning.c"
#include "names.c"
#include "cond.c"
#include "filter.c"
#include "notes.c"
/* seccomp.disasm names arches and actions as arch_name and action_name do */
#define BPF_DISASM_ARCH_NAME(arch) sc_disasm_arch_name(arch)
#define BPF_DISASM_RET_NAME(k, buf, len)                                                  \
    do {                                                                                   \
        if (!sc_disasm_action_name((k), (buf), (len)))                                     \
            bpf_ret_name((k), (buf), (len));                                               \
    } while (0)
#include "bpf.c"
#include "gen.c"
#include "stub.c"
#include "simulate.c"
#include "walk.c"
#include "verify.c"
#include "diff.c"
#include "partition.c"
#include "program.c"
#include "notify.c"
#include "explain.c"
#include "spawn.c"
#include "inspect.c"
#include "loader.c"
#include "serve.c"

#define SC_BINDING_VERSION "0.1.0"

/* seccomp.version() -> major, minor, micro of the running libseccomp */
static int l_version(lua_State *L)
{
    const struct scmp_version *v = seccomp_version();
    if (v == NULL)
        return sc_raise(L, "version", EINVAL, "seccomp_version() returned nothing");
    lua_pushinteger(L, v->major);
    lua_pushinteger(L, v->minor);
    lua_pushinteger(L, v->micro);
    return 3;
}

/* seccomp.compiled_version() -> major, minor, micro of the headers we were built with */
static int l_compiled_version(lua_State *L)
{
    lua_pushinteger(L, SCMP_VER_MAJOR);
    lua_pushinteger(L, SCMP_VER_MINOR);
    lua_pushinteger(L, SCMP_VER_MICRO);
    return 3;
}

/* seccomp.api() -> API level (0 where the library has no API levels) */
static int l_api(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)sc_api_level());
    return 1;
}

/* seccomp.set_api(level) -> true; raises where it cannot be set */
static int l_set_api(lua_State *L)
{
    lua_Integer level = sc_checkrange(L, 1, 1, 255);
    int rc = -EOPNOTSUPP;
#if SC_GATE_API_LEVEL
    if (seccomp_api_set != NULL && sc_runtime_version() >= SC_VER(2, 4, 0))
        rc = seccomp_api_set((unsigned)level);
#endif
    if (rc < 0)
        return sc_raise(L, "set_api", rc, rc == -EOPNOTSUPP
                        ? "API levels need libseccomp >= 2.4.0"
                        : lua_pushfstring(L, "libseccomp refused API level %d", (int)level));
    lua_pushboolean(L, 1);
    return 1;
}

/* seccomp.native_arch() -> arch number */
static int l_native_arch(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)seccomp_arch_native());
    return 1;
}

/* seccomp.arch(name_or_number) -> arch number; raises on an unknown arch */
static int l_arch(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)sc_check_arch(L, 1));
    return 1;
}

/* seccomp.arch_name(arch) -> libseccomp's name ("x86_64"); raises on an unknown arch */
static int l_arch_name(lua_State *L)
{
    lua_pushstring(L, sc_arch_name(sc_check_arch(L, 1)));
    return 1;
}

/* seccomp.syscall(name [, arch]) -> number for that arch | nil, message */
static int l_syscall(lua_State *L)
{
    const char *name;
    size_t len;
    uint32_t arch;
    int nr;
    if (lua_type(L, 1) != LUA_TSTRING)
        return sc_argerror_value(L, 1, "syscall name expected, got");
    name = lua_tolstring(L, 1, &len);
    if (strlen(name) != len) { /* "read\0x" is no name, as add_rule says */
        lua_pushfstring(L, "unknown syscall %s", sc_repr(L, 1));
        lua_pushnil(L);
        lua_insert(L, -2);
        return 2;
    }
    arch = lua_isnoneornil(L, 2) ? seccomp_arch_native() : sc_check_arch(L, 2);
    nr = sc_syscall_on_arch(arch, name);
    if (nr < 0) {
        const char *msg;
        if (seccomp_syscall_resolve_name(name) == __NR_SCMP_ERROR)
            msg = sc_push_unknown_syscall(L, 1);
        else
            msg = lua_pushfstring(L, "syscall '%s' does not exist on %s", name, sc_arch_name(arch));
        lua_pushnil(L);
        lua_pushstring(L, msg);
        return 2;
    }
    lua_pushinteger(L, nr);
    return 1;
}

/* seccomp.syscall_name(nr [, arch]) -> name | nil, message */
static int l_syscall_name(lua_State *L)
{
    lua_Integer nr = sc_checkrange(L, 1, INT32_MIN, INT32_MAX);
    uint32_t arch = lua_isnoneornil(L, 2) ? seccomp_arch_native() : sc_check_arch(L, 2);
    char buf[64];
    if (!sc_syscall_name(arch, (int)nr, buf, sizeof buf)) {
        lua_pushnil(L);
        lua_pushfstring(L, "no syscall %d on %s", (int)nr, sc_arch_name(arch));
        return 2;
    }
    lua_pushstring(L, buf);
    return 1;
}

/* seccomp.syscalls([arch]) -> list of every syscall name of the arch, by number */
static int l_syscalls(lua_State *L)
{
    uint32_t arch = lua_isnoneornil(L, 1) ? seccomp_arch_native() : sc_check_arch(L, 1);
    const sc_nrtab *t = sc_arch_table(arch);
    lua_Integer n = 0;
    size_t i;
    if (t == NULL)
        sc_raise(L, "syscalls", ENOMEM, NULL);
    lua_newtable(L); /* the list */
    lua_newtable(L); /* names seen: some arches resolve a call under two numbers */
    for (i = 0; i < t->n; i++) {
        lua_pushstring(L, t->name[i]);
        if (lua_rawget(L, -2) == LUA_TNIL) {
            lua_pushstring(L, t->name[i]);
            lua_pushboolean(L, 1);
            lua_rawset(L, -4);
            lua_pushstring(L, t->name[i]);
            lua_rawseti(L, -4, ++n);
        }
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    return 1;
}

/* seccomp.errno(name_or_number) -> action number of errno(x) */
static int l_errno(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)(BPF_SC_RET_ERRNO | (uint32_t)sc_check_errno(L, 1, 0)));
    return 1;
}

/* seccomp.trace(n) -> action number of trace(n) */
static int l_trace(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)(BPF_SC_RET_TRACE | (uint32_t)sc_checkrange(L, 1, 0, 0xffff)));
    return 1;
}

/* seccomp.action_name(action) -> canonical string ("errno(EPERM)") */
static int l_action_name(lua_State *L)
{
    sc_push_action_name(L, sc_check_action(L, 1));
    return 1;
}

/* seccomp.parse(kind, value) -> normalized value | nil, message
 * kind: "action", "arch", "syscall", "errno", "op", "cond".  The same parsers
 * every entry point uses, without raising: for callers that want to report
 * a mistake with their own context (the policy-table layer). */
static int l_parse(lua_State *L)
{
    static const char *const kinds[] = {"action", "arch", "syscall", "errno", "op", "cond", NULL};
    int kind = luaL_checkoption(L, 1, NULL, kinds);
    const char *msg = NULL;
    uint32_t u = 0;
    int i = 0;
    enum scmp_compare op = SCMP_CMP_EQ;
    struct scmp_arg_cmp c;
    luaL_checkany(L, 2);
    lua_settop(L, 2);
    switch (kind) {
    case 0: msg = sc_parse_action(L, 2, &u); break;
    case 1: msg = sc_parse_arch(L, 2, &u); break;
    case 2: msg = sc_parse_syscall(L, 2, &i); break;
    case 3: msg = sc_parse_errno(L, 2, 0, &i); break;
    case 4: msg = sc_parse_op(L, 2, &op); break;
    default: msg = sc_parse_cond(L, 2, &c); break;
    }
    if (msg) {
        lua_pushnil(L);
        lua_pushstring(L, msg);
        return 2;
    }
    switch (kind) {
    case 0: case 1: lua_pushinteger(L, (lua_Integer)u); break;
    case 2: case 3: lua_pushinteger(L, i); break;
    case 4: lua_pushinteger(L, (lua_Integer)op); break;
    default: sc_push_cond(L, &c); break;
    }
    return 1;
}

/* t[PREFIX .. NAME] = value, NAME the upper-cased name ("ARCH_", "x86_64"
 * -> ARCH_X86_64), in the table at the top. */
static void sc_set_constant(lua_State *L, const char *prefix, const char *name, lua_Integer value)
{
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    luaL_addstring(&b, prefix);
    for (; *name; name++)
        luaL_addchar(&b, (char)toupper((unsigned char)*name));
    luaL_pushresult(&b);
    lua_pushinteger(L, value);
    lua_rawset(L, -3);
}

static void sc_set_constants(lua_State *L)
{
    static const struct {
        const char *name;
        uint32_t value;
        const char *feature;
    } acts[] = {
        {"ACT_ALLOW", BPF_SC_RET_ALLOW, NULL},
        {"ACT_KILL", BPF_SC_RET_KILL_THREAD, NULL},
        {"ACT_KILL_THREAD", BPF_SC_RET_KILL_THREAD, NULL},
        {"ACT_KILL_PROCESS", BPF_SC_RET_KILL_PROCESS, "kill_process"},
        {"ACT_TRAP", BPF_SC_RET_TRAP, NULL},
        {"ACT_LOG", BPF_SC_RET_LOG, "log"},
        {"ACT_NOTIFY", BPF_SC_RET_USER_NOTIF, "notify"},
    };
    size_t i;
    for (i = 0; i < sizeof acts / sizeof acts[0]; i++)
        if (acts[i].feature == NULL || sc_has(L, acts[i].feature)) {
            lua_pushinteger(L, (lua_Integer)acts[i].value);
            lua_setfield(L, -2, acts[i].name);
        }
    for (i = 0; i < SC_NARCHES; i++)
        if (sc_arch_known(&sc_arches[i]))
            sc_set_constant(L, "ARCH_", sc_arches[i].name, sc_arches[i].token);
    sc_set_constant(L, "ARCH_", "native", SCMP_ARCH_NATIVE);
    for (i = 0; i < SC_NOPS; i++)
        sc_set_constant(L, "CMP_", sc_ops[i].name, (lua_Integer)sc_ops[i].op);
}

/* seccomp.core._private: what lua/seccomp (policy.lua, oci.lua) takes from
 * the core, not part of the module's interface */
static const luaL_Reg sc_private_functions[] = {
    {"call", l_call},
    {"unknown_key", l_unknown_key},
    {"guess", l_guess},
    {"note", l_note},
    {"partition", l_partition},
    {"runc_stub", l_runc_stub},
    {NULL, NULL},
};

static const luaL_Reg sc_functions[] = {
    {"version", l_version},
    {"compiled_version", l_compiled_version},
    {"api", l_api},
    {"set_api", l_set_api},
    {"supports", l_supports},
    {"features", l_features},
    {"native_arch", l_native_arch},
    {"arch", l_arch},
    {"arch_name", l_arch_name},
    {"syscall", l_syscall},
    {"syscall_name", l_syscall_name},
    {"syscalls", l_syscalls},
    {"errno", l_errno},
    {"trace", l_trace},
    {"action_name", l_action_name},
    {"arg", l_arg},
    {"arg32", l_arg32},
    {"filter", l_filter_new},
    {"parse", l_parse},
    {NULL, NULL},
};

/* The per-arch syscall tables (ledger.c) are shared by every Lua state
 * that loaded the module, on whatever thread: each state holds them through
 * a sentinel in its registry, and the last state to close frees them, before
 * Lua unloads the library (the sentinel was created after the library was
 * loaded, so it is finalized first). */
static int l_module_gc(lua_State *L)
{
    (void)L;
    sc_arch_tables_release();
    return 0;
}

/* Arm the sentinel first thing, once per state: nothing after the hold can
 * raise before the state owns it. */
static void sc_hold_tables(lua_State *L)
{
    int top = lua_gettop(L);
    if (lua_getfield(L, LUA_REGISTRYINDEX, "seccomp.module") == LUA_TNIL) {
        lua_newuserdata(L, 1);
        lua_pushvalue(L, -1);
        lua_setfield(L, LUA_REGISTRYINDEX, "seccomp.module");
        lua_createtable(L, 0, 1);
        lua_pushcfunction(L, l_module_gc);
        lua_setfield(L, -2, "__gc");
        lua_setmetatable(L, -2);
        sc_arch_tables_hold();
    }
    lua_settop(L, top);
}

__attribute__((visibility("default"))) int luaopen_seccomp_core(lua_State *L);

int luaopen_seccomp_core(lua_State *L)
{
    static const luaL_Reg error_meta[] = {{"__tostring", sc_error_tostring}, {NULL, NULL}};
    sc_hold_tables(L);
    sc_new_type(L, SC_ERROR_MT, error_meta, NULL, NULL);
    sc_note_own_source(L);
    sc_open_util(L);
    sc_open_cond(L);
    sc_open_filter(L);
    sc_open_notes(L);
    luaL_newlib(L, sc_functions);
    sc_set_constants(L);
    sc_open_simulate(L);
    sc_open_program(L);
    sc_open_notify(L);
    sc_open_spawn(L);
    sc_open_inspect(L);
    sc_open_diff(L);
    luaL_newlib(L, sc_loader_functions); /* private to lua/seccomp/policy.lua */
    lua_setfield(L, -2, "_loader");
    luaL_newlib(L, sc_private_functions); /* private to lua/seccomp */
    lua_setfield(L, -2, "_private");
    sc_open_serve(L);
    lua_pushliteral(L, SC_BINDING_VERSION);
    lua_setfield(L, -2, "_VERSION");
    return 1;
}
