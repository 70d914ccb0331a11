/*
 * filter.c - the filter userdata ("seccomp.filter"): a libseccomp context
 * and every method that builds, inspects, exports or loads it.
 *
 * Every method reaches the context through sc_checkfilter(), which raises on
 * a released filter; sc_filter_release() is the one idempotent release
 * behind release(), merge(), __gc and __close.  Arguments are all parsed
 * before libseccomp is called, so a bad argument leaves the filter as it was.
 */
#include "core.h"
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* A libseccomp context holds about 5 KB outside Lua's heap; the collector is
 * stepped by more per filter, so that a large Lua heap (whose collector paces
 * itself on its own size) still finishes its cycles while dropped filters
 * pile up: 20,000 dropped filters next to a 120 MB heap keep about 22 MB
 * (96 MB without). */
#define SC_FILTER_KB 32
#define SC_RULE_KB 1   /* and a rule */

/* Other spellings of filter attribute names (libseccomp's SCMP_FLTATR_*
 * suffixes, the kernel's term), answered with "did you mean". */
static const char *const sc_attr_hints[] = {
    "no_new_privs", "nnp",         "ctl_nnp",      "nnp",        "act_default", "default_action",
    "act_badarch", "badarch_action", "ctl_tsync",  "tsync",      "api_tskip",   "tskip",
    "ctl_log",      "log",         "ctl_ssb",      "ssb",        "ctl_optimize", "optimize",
    "api_sysrawrc", "raw_rc",      "ctl_waitkill", "wait_kill",  NULL,
};

/* ---- access -------------------------------------------------------------- */

static sc_filter *sc_tofilter(lua_State *L, int idx)
{
    return luaL_checkudata(L, idx, SC_FILTER_MT);
}

static sc_filter *sc_checkfilter(lua_State *L, int idx)
{
    sc_filter *f = sc_tofilter(L, idx);
    if (f->ctx == NULL)
        sc_argerror(L, idx, f->closed ? "filter has been released: its <close> variable went "
                                          "out of scope"
                                        : "filter has been released");
    return f;
}

static void sc_filter_drop_cache(sc_filter *f)
{
    if (f->cache != NULL && f->cache_free != NULL)
        f->cache_free(f->cache);
    f->cache = NULL;
    f->cache_free = NULL;
}

static void sc_filter_release(sc_filter *f)
{
    if (f->ctx != NULL) {
        seccomp_release(f->ctx);
        f->ctx = NULL;
    }
    sc_ledger_free(&f->ledger);
    sc_filter_drop_cache(f);
    f->gen++;
}

/* The filter's arches as a mask over sc_arches (bit i = sc_arches[i]). */
static uint64_t sc_filter_arch_mask(sc_filter *f)
{
    uint64_t mask = 0;
    size_t i;
    for (i = 0; i < SC_NARCHES && i < 64; i++)
        if (sc_arch_known(&sc_arches[i]) && seccomp_arch_exist(f->ctx, sc_arches[i].token) == 0)
            mask |= (uint64_t)1 << i;
    return mask;
}

/* Raise the error object for a failed libseccomp call on a filter. */
static int sc_fail(lua_State *L, const char *op, int rc, const char *message)
{
    return sc_raise(L, op, rc, message);
}

/* seccomp.filter(default_action) -> filter */
static int l_filter_new(lua_State *L)
{
    uint32_t def = sc_check_usable_action(L, 1);
    sc_filter *f;
    lua_settop(L, 1);
    f = sc_newuserdata(L, sizeof *f);
    memset(f, 0, sizeof *f);
    f->verify = 1;
    f->compiler = SC_COMPILER_AUTO;
    f->listener = -1;
    luaL_setmetatable(L, SC_FILTER_MT);
    /* libseccomp's context lives outside Lua's heap: tell the collector,
     * or thousands of dropped filters wait for a collection that Lua's own
     * small allocations do not bring (Lua 5.4 has no external-pressure call:
     * a step of about what the context costs does it). */
    lua_gc(L, LUA_GCSTEP, SC_FILTER_KB);
    f->ctx = seccomp_init(def);
    if (f->ctx == NULL)
        sc_raise(L, "filter", ENOMEM, "seccomp_init failed (out of memory, or an action the "
                 "library refuses as a default)");
    return 1;
}

/* ---- rules ----------------------------------------------------------------- */

static int sc_default_action(sc_filter *f, uint32_t *out)
{
    return seccomp_attr_get(f->ctx, SCMP_FLTATR_ACT_DEFAULT, out);
}

/* Plain words for add_rule's cryptic failures. */
static const char *sc_rule_message(lua_State *L, sc_filter *f, int rc, uint32_t action, int exact,
                                   int sys)
{
    uint32_t def;
    if ((rc == -EACCES || rc == -EPERM) && sc_default_action(f, &def) == 0 && def == action)
        return lua_pushfstring(L, "the rule's action %s is the filter's default action; "
                               "libseccomp refuses a rule that would change nothing",
                               sc_push_action_name(L, action));
    if ((rc == -EOPNOTSUPP || rc == -EDOM) && exact) {
        char name[64];
        if (!sc_syscall_name(seccomp_arch_native(), sys, name, sizeof name))
            snprintf(name, sizeof name, "%d", sys);
        return lua_pushfstring(L, "syscall '%s' cannot be added exactly: an exact rule needs the "
                               "same direct call number on every arch of the filter (add_rule "
                               "translates and rewrites it)", name);
    }
    if (rc == -EFAULT)
        return lua_pushfstring(L, "libseccomp does not accept syscall number %d", sys);
    if (rc == -EEXIST)
        return "libseccomp already has a rule with these conditions on this call (or on the "
               "multiplexer, socketcall or ipc, that an arch of the filter routes it through, "
               "where the conditions cannot be kept) with another action: it keeps one action per "
               "set of conditions";
    return NULL;
}

/* A rule must be able to do something: refuse a number no arch knows (the
 * rule would change nothing while the caller believes it denies), and -1
 * without tskip. */
static void sc_check_rule_lands(lua_State *L, sc_filter *f, const sc_rule *r, uint32_t def,
                                const char *op)
{
    size_t i;
    int known = 0;
    uint32_t tskip = 0;
    if (r->sys == -1) {
#if SC_GATE_TSKIP
        int rc;
        if (sc_has(L, "tskip") && (rc = seccomp_attr_get(f->ctx, SCMP_FLTATR_API_TSKIP, &tskip)) < 0)
            sc_fail(L, op, rc, "reading the filter's 'tskip' attribute failed");
#else
        (void)f;
        (void)op;
#endif
        if (!tskip)
            sc_argerror(L, 3, "syscall -1 is the tracer's skipped call: a rule on it needs "
                          "set_attr(\"tskip\", true) first");
        return;
    }
    if (r->sys >= 0 || r->name[0] != '\0')
        return;
    for (i = 0; i < SC_NARCHES && !known; i++) {
        char *s;
        if (!sc_arch_known(&sc_arches[i]))
            continue;
        s = seccomp_syscall_resolve_num_arch(sc_arches[i].token, r->sys);
        known = s != NULL;
        free(s);
    }
    if (!known && sc_action_rank(r->action) < sc_action_rank(def))
        sc_argerror(L, 3, lua_pushfstring(L, "syscall number %d exists on no arch libseccomp "
                      "knows: the rule would deny nothing", r->sys));
}

static int sc_gen_hang_risk(const sc_ledger *l, const sc_rule *r); /* gen.c */

/* Same call, same conditions (in any order)? */
static int sc_rule_same_conds(const sc_rule *a, const sc_rule *b)
{
    unsigned i, j;
    if (a->sys != b->sys || a->nconds != b->nconds || strcmp(a->name, b->name) != 0)
        return 0;
    for (i = 0; i < a->nconds; i++) {
        for (j = 0; j < b->nconds; j++)
            if (a->conds[i].arg == b->conds[j].arg && a->conds[i].op == b->conds[j].op &&
                a->conds[i].datum_a == b->conds[j].datum_a &&
                (a->conds[i].op != SCMP_CMP_MASKED_EQ || a->conds[i].datum_b == b->conds[j].datum_b))
                break;
        if (j == b->nconds)
            return 0;
    }
    return 1;
}

/* A rule libseccomp would never return from (gen.c's sc_gen_hang_risk):
 * kept in the ledger only, so that the module's compiler makes the program,
 * after the checks libseccomp itself would have made. */
static void sc_hold_back(lua_State *L, sc_filter *f, sc_rule *r, uint32_t def, const char *op)
{
    size_t i;
    if (f->compiler == SC_COMPILER_LIBSECCOMP)
        sc_fail(L, op, EDEADLK, "libseccomp would never return from adding this rule after the "
                "filter's earlier ones (a known loop in libseccomp, docs/compiler.md); with the "
                "compiler \"auto\" or \"binding\" the module compiles it itself");
    if (r->action == def)
        sc_fail(L, op, EACCES, sc_rule_message(L, f, -EACCES, r->action, r->exact, r->sys));
    for (i = 0; i < f->ledger.n; i++)
        if (sc_rule_same_conds(&f->ledger.v[i], r) && f->ledger.v[i].action != r->action)
            sc_fail(L, op, EEXIST, sc_rule_message(L, f, -EEXIST, r->action, r->exact, r->sys));
    r->held_back = 1;
    f->gen++;
    sc_ledger_push(&f->ledger, r); /* reserved by the caller */
}

static int sc_add_rule(lua_State *L, int exact)
{
    sc_filter *f = sc_checkfilter(L, 1);
    uint32_t action = sc_check_usable_action(L, 2);
    int sys = sc_check_syscall(L, 3), rc;
    struct scmp_arg_cmp conds[SC_MAX_ARGS];
    unsigned n = sc_check_conds(L, 4, lua_gettop(L), conds);
    const char *op = exact ? "add_rule_exact" : "add_rule";
    sc_rule r;
    uint32_t def;
    sc_rule_init(&r, action, sys, lua_type(L, 3) == LUA_TNUMBER, exact, n, conds);
    if ((rc = sc_default_action(f, &def)) < 0)
        sc_fail(L, op, rc, "reading the filter's default action failed");
    sc_check_rule_lands(L, f, &r, def, op);
    lua_gc(L, LUA_GCSTEP, SC_RULE_KB);
    /* room first: a rule libseccomp has must never be missing from the ledger */
    if (sc_ledger_reserve(&f->ledger, 1) != 0)
        sc_fail(L, op, -ENOMEM, "recording the rule failed");
    if (sc_gen_hang_risk(&f->ledger, &r)) {
        sc_hold_back(L, f, &r, def, op);
        lua_settop(L, 1);
        return 1;
    }
    f->gen++;
    if (exact)
        rc = seccomp_rule_add_exact_array(f->ctx, action, sys, n, conds);
    else
        rc = seccomp_rule_add_array(f->ctx, action, sys, n, conds);
    if (rc < 0)
        sc_fail(L, op, rc, sc_rule_message(L, f, rc, action, exact, sys));
    sc_ledger_push(&f->ledger, &r); /* cannot fail: reserved */
    lua_settop(L, 1);
    return 1;
}

/* f:add_rule(action, syscall, cond...) -> f */
static int l_add_rule(lua_State *L)
{
    return sc_add_rule(L, 0);
}

/* f:add_rule_exact(action, syscall, cond...) -> f */
static int l_add_rule_exact(lua_State *L)
{
    return sc_add_rule(L, 1);
}

/* f:set_priority(syscall, p) -> f   (p in 0..255) */
static int l_set_priority(lua_State *L)
{
    sc_filter *f = sc_checkfilter(L, 1);
    int sys = sc_check_syscall(L, 2), rc;
    uint8_t p = (uint8_t)sc_checkrange(L, 3, 0, 255);
    f->gen++;
    rc = seccomp_syscall_priority(f->ctx, sys, p);
    if (rc < 0)
        sc_fail(L, "set_priority", rc, rc == -EFAULT ? "libseccomp does not accept that syscall number" : NULL);
    lua_settop(L, 1);
    return 1;
}

/* ---- attributes ------------------------------------------------------------ */

enum { SC_ATTR_ACTION, SC_ATTR_BOOL, SC_ATTR_INT, SC_ATTR_MODULE };

/* The module's own attributes (kind SC_ATTR_MODULE): not libseccomp's. */
enum { SC_MATTR_VERIFY, SC_MATTR_COMPILER, SC_MATTR_COMPILER_USED, SC_MATTR_WIDEN, SC_MATTR_UNKNOWN };

static const struct sc_attr {
    const char *name;
    int attr;     /* enum scmp_filter_attr, -1 where the headers lack it (its gate is off) */
    int kind;
    int readonly;
    const char *feature;
} sc_attrs[] = {
    {"default_action", SCMP_FLTATR_ACT_DEFAULT, SC_ATTR_ACTION, 1, NULL},
    {"badarch_action", SCMP_FLTATR_ACT_BADARCH, SC_ATTR_ACTION, 0, NULL},
    {"nnp", SCMP_FLTATR_CTL_NNP, SC_ATTR_BOOL, 0, NULL},
    {"tsync", SCMP_FLTATR_CTL_TSYNC, SC_ATTR_BOOL, 0, NULL},
#if SC_GATE_TSKIP
    {"tskip", SCMP_FLTATR_API_TSKIP, SC_ATTR_BOOL, 0, "tskip"},
#else
    {"tskip", -1, SC_ATTR_BOOL, 0, "tskip"},
#endif
#if SC_GATE_LOG
    {"log", SCMP_FLTATR_CTL_LOG, SC_ATTR_BOOL, 0, "log"},
#else
    {"log", -1, SC_ATTR_BOOL, 0, "log"},
#endif
#if SC_GATE_SSB
    {"ssb", SCMP_FLTATR_CTL_SSB, SC_ATTR_BOOL, 0, "ssb"},
#else
    {"ssb", -1, SC_ATTR_BOOL, 0, "ssb"},
#endif
#if SC_GATE_OPTIMIZE
    {"optimize", SCMP_FLTATR_CTL_OPTIMIZE, SC_ATTR_INT, 0, "optimize"},
#else
    {"optimize", -1, SC_ATTR_INT, 0, "optimize"},
#endif
#if SC_GATE_RAW_RC
    {"raw_rc", SCMP_FLTATR_API_SYSRAWRC, SC_ATTR_BOOL, 0, "raw_rc"},
#else
    {"raw_rc", -1, SC_ATTR_BOOL, 0, "raw_rc"},
#endif
#if SC_GATE_WAIT_KILL
    {"wait_kill", SCMP_FLTATR_CTL_WAITKILL, SC_ATTR_BOOL, 0, "wait_kill"},
#else
    {"wait_kill", -1, SC_ATTR_BOOL, 0, "wait_kill"},
#endif
    {"verify", SC_MATTR_VERIFY, SC_ATTR_MODULE, 0, NULL},
    {"compiler", SC_MATTR_COMPILER, SC_ATTR_MODULE, 0, NULL},
    {"compiler_used", SC_MATTR_COMPILER_USED, SC_ATTR_MODULE, 1, NULL},
    {"widen_multiplexed", SC_MATTR_WIDEN, SC_ATTR_MODULE, 0, NULL},
    {"unknown", SC_MATTR_UNKNOWN, SC_ATTR_MODULE, 0, NULL},
};

static const char *sc_compiler_used(lua_State *L, int fidx, sc_filter *f);

#define SC_NATTRS (sizeof(sc_attrs) / sizeof(sc_attrs[0]))

/* ---- arches ---------------------------------------------------------------- */

/* Copy every libseccomp attribute of f that can be read onto t. */
static int sc_copy_attrs(lua_State *L, scmp_filter_ctx t, sc_filter *f)
{
    size_t i;
    for (i = 0; i < SC_NATTRS; i++) {
        uint32_t v;
        int rc;
        if (sc_attrs[i].kind == SC_ATTR_MODULE || sc_attrs[i].readonly || sc_attrs[i].attr < 0 ||
            (sc_attrs[i].feature && !sc_has(L, sc_attrs[i].feature)))
            continue;
        uint32_t tv;
        if (seccomp_attr_get(f->ctx, (enum scmp_filter_attr)sc_attrs[i].attr, &v) < 0)
            continue; /* the library or kernel lacks it: then f cannot have it set either */
        /* only what differs from a new context: setting some flags, even
         * to their default, is refused where the kernel lacks them */
        if (seccomp_attr_get(t, (enum scmp_filter_attr)sc_attrs[i].attr, &tv) == 0 && tv == v)
            continue;
        if ((rc = seccomp_attr_set(t, (enum scmp_filter_attr)sc_attrs[i].attr, v)) < 0)
            return rc;
    }
    return 0;
}

/* Add arch a to f.  libseccomp gives an arch added later none of the
 * existing rules, so the ledger's rules for every arch are replayed on a
 * filter of arch a alone, which is then merged in. */
static int sc_arch_add_replay(lua_State *L, sc_filter *f, uint32_t a)
{
    scmp_filter_ctx t;
    uint32_t def;
    size_t i;
    int rc, any = 0;
    for (i = 0; i < f->ledger.n; i++)
        any |= f->ledger.v[i].all_arches && !f->ledger.v[i].held_back;
    if (!any)
        return seccomp_arch_add(f->ctx, a);
    if (seccomp_arch_exist(f->ctx, a) == 0)
        return -EEXIST;
    if ((rc = sc_default_action(f, &def)) < 0)
        return rc;
    if ((t = seccomp_init(def)) == NULL)
        return -ENOMEM;
    rc = sc_copy_attrs(L, t, f);
    if (rc == 0 && a != seccomp_arch_native()) {
        rc = seccomp_arch_add(t, a);
        if (rc == 0)
            rc = seccomp_arch_remove(t, seccomp_arch_native());
    }
    for (i = 0; rc == 0 && i < f->ledger.n; i++) {
        const sc_rule *r = &f->ledger.v[i];
        if (!r->all_arches || r->held_back)
            continue;
        rc = r->exact ? seccomp_rule_add_exact_array(t, r->action, r->sys, r->nconds, r->conds)
                      : seccomp_rule_add_array(t, r->action, r->sys, r->nconds, r->conds);
        if (rc < 0) {
            seccomp_release(t);
            sc_fail(L, "add_arch", rc, lua_pushfstring(L, "rule #%d cannot be applied to the new "
                    "arch '%s'; the filter is unchanged", (int)i + 1, sc_arch_name(a)));
        }
    }
    if (rc == 0)
        rc = seccomp_merge(f->ctx, t); /* consumes t on success */
    if (rc < 0)
        seccomp_release(t);
    return rc;
}

/* f:add_arch(arch) -> f */
static int l_add_arch(lua_State *L)
{
    sc_filter *f = sc_checkfilter(L, 1);
    uint32_t a = sc_check_arch(L, 2);
    int rc;
    f->gen++;
    rc = sc_arch_add_replay(L, f, a);
    if (rc == -EEXIST)
        sc_fail(L, "add_arch", rc, lua_pushfstring(L, "arch '%s' is already in the filter", sc_arch_name(a)));
    if (rc == -EDOM)
        sc_fail(L, "add_arch", rc, lua_pushfstring(L,
                "arch '%s' has the other byte order from the filter's arches; libseccomp cannot "
                "mix big- and little-endian arches in one filter (use a second filter)",
                sc_arch_name(a)));
    if (rc < 0)
        sc_fail(L, "add_arch", rc, NULL);
    lua_settop(L, 1);
    return 1;
}

/* f:remove_arch(arch) -> f */
static int l_remove_arch(lua_State *L)
{
    sc_filter *f = sc_checkfilter(L, 1);
    uint32_t a = sc_check_arch(L, 2);
    int rc;
    f->gen++;
    rc = seccomp_arch_remove(f->ctx, a);
    if (rc == -EEXIST)
        sc_fail(L, "remove_arch", rc, lua_pushfstring(L, "arch '%s' is not in the filter", sc_arch_name(a)));
    if (rc < 0)
        sc_fail(L, "remove_arch", rc, NULL);
    lua_settop(L, 1);
    return 1;
}

/* f:has_arch(arch) -> boolean */
static int l_has_arch(lua_State *L)
{
    sc_filter *f = sc_checkfilter(L, 1);
    int rc = seccomp_arch_exist(f->ctx, sc_check_arch(L, 2));
    if (rc < 0 && rc != -EEXIST)
        sc_fail(L, "has_arch", rc, NULL);
    lua_pushboolean(L, rc == 0);
    return 1;
}

static const struct sc_attr *sc_check_attr(lua_State *L, int arg, const char *op)
{
    const char *name = luaL_checkstring(L, arg);
    size_t i;
    for (i = 0; i < SC_NATTRS; i++)
        if (sc_name_is(sc_attrs[i].name, name)) {
            if (sc_attrs[i].feature)
                sc_require(L, op, sc_attrs[i].feature);
            return &sc_attrs[i];
        }
    sc_argerror(L, arg, sc_push_unknown_in(L, arg, "attribute", sc_attrs, SC_NATTRS,
                                             sizeof sc_attrs[0], sc_attr_hints));
    return NULL;
}

/* f:get_attr(name) -> action number | boolean | integer */
static int l_get_attr(lua_State *L)
{
    sc_filter *f = sc_checkfilter(L, 1);
    const struct sc_attr *a = sc_check_attr(L, 2, "get_attr");
    uint32_t v = 0;
    int rc;
    if (a->kind == SC_ATTR_MODULE) {
        switch (a->attr) {
        case SC_MATTR_VERIFY: lua_pushboolean(L, f->verify); break;
        case SC_MATTR_WIDEN: lua_pushboolean(L, f->widen); break;
        case SC_MATTR_COMPILER: lua_pushstring(L, sc_compiler_names[f->compiler]); break;
        case SC_MATTR_UNKNOWN: lua_pushstring(L, f->unknown ? "enosys" : "default"); break;
        default: lua_pushstring(L, sc_compiler_used(L, 1, f)); break;
        }
        return 1;
    }
    rc = seccomp_attr_get(f->ctx, (enum scmp_filter_attr)a->attr, &v);
    if (rc < 0)
        sc_fail(L, "get_attr", rc, NULL);
    if (a->kind == SC_ATTR_BOOL)
        lua_pushboolean(L, v != 0);
    else
        lua_pushinteger(L, (lua_Integer)v);
    return 1;
}

/* f:set_attr(name, value) -> f   (flags take booleans, optimize 1 or 2,
 * badarch_action an action) */
static int l_set_attr(lua_State *L)
{
    sc_filter *f = sc_checkfilter(L, 1);
    const struct sc_attr *a = sc_check_attr(L, 2, "set_attr");
    uint32_t v = 0;
    int rc;
    if (a->readonly)
        sc_argerror(L, 2, lua_pushfstring(L, a->kind == SC_ATTR_MODULE ? "attribute '%s' is "
                      "read-only (it says which compiler made the current program)" :
                      "attribute '%s' is read-only (it is set by seccomp.filter() and reset())",
                      a->name));
    if (a->kind == SC_ATTR_MODULE) {
        if (a->attr == SC_MATTR_COMPILER) {
            int c = -1, i;
            if (lua_type(L, 3) == LUA_TSTRING)
                for (i = 0; sc_compiler_names[i]; i++)
                    if (strcmp(lua_tostring(L, 3), sc_compiler_names[i]) == 0)
                        c = i;
            if (c < 0)
                sc_argerror_value(L, 3, "compiler must be \"auto\", \"binding\" or "
                                  "\"libseccomp\", got");
            for (i = 0; c == SC_COMPILER_LIBSECCOMP && i < (int)f->ledger.n; i++)
                if (f->ledger.v[i].held_back)
                    sc_argerror(L, 3, "the filter has a rule libseccomp would never return "
                                  "from (held back from it): only \"auto\" and \"binding\" can "
                                  "compile it");
            if (c == SC_COMPILER_LIBSECCOMP && f->unknown)
                sc_argerror(L, 3, "the filter has unknown = \"enosys\", which libseccomp cannot "
                              "compile: only \"auto\" and \"binding\" can");
            f->compiler = c;
        } else if (a->attr == SC_MATTR_UNKNOWN) {
            const char *u = lua_type(L, 3) == LUA_TSTRING ? lua_tostring(L, 3) : "";
            if (strcmp(u, "enosys") != 0 && strcmp(u, "default") != 0)
                sc_argerror_value(L, 3, "unknown must be \"enosys\" or \"default\", got");
            if (u[0] == 'e' && f->compiler == SC_COMPILER_LIBSECCOMP)
                sc_argerror(L, 3, "unknown = \"enosys\" needs the module's compiler (\"auto\" or "
                              "\"binding\"); the filter's compiler is \"libseccomp\"");
            f->unknown = u[0] == 'e';
        } else {
            if (!lua_isboolean(L, 3))
                sc_argerror_value(L, 3, lua_pushfstring(L, "attribute '%s' takes a boolean, got",
                                  a->name));
            if (a->attr == SC_MATTR_VERIFY)
                f->verify = lua_toboolean(L, 3);
            else
                f->widen = lua_toboolean(L, 3);
        }
        f->gen++;
        lua_settop(L, 1);
        return 1;
    }
    switch (a->kind) {
    case SC_ATTR_ACTION:
        v = sc_check_usable_action(L, 3);
        break;
    case SC_ATTR_BOOL:
        if (!lua_isboolean(L, 3))
            sc_argerror_value(L, 3, lua_pushfstring(L, "attribute '%s' takes a boolean, got", a->name));
        v = (uint32_t)lua_toboolean(L, 3);
        break;
    default:
        v = (uint32_t)sc_checkrange(L, 3, 1, 2);
        break;
    }
    f->gen++;
    rc = seccomp_attr_set(f->ctx, (enum scmp_filter_attr)a->attr, v);
    if (rc < 0)
        sc_fail(L, "set_attr", rc, lua_pushfstring(L, "libseccomp refused attribute '%s' = %s%s",
                a->name, sc_repr(L, 3), rc == -EOPNOTSUPP ? ": the library or kernel in use "
                "does not support it" : ""));
    lua_settop(L, 1);
    return 1;
}

/* ---- whole-filter operations ---------------------------------------------- */

/* f:reset([action]) -> f   (no action: keep the current default action) */
static int l_reset(lua_State *L)
{
    sc_filter *f = sc_checkfilter(L, 1);
    uint32_t def;
    int rc;
    if (lua_isnoneornil(L, 2)) {
        rc = sc_default_action(f, &def);
        if (rc < 0)
            sc_fail(L, "reset", rc, NULL);
    } else {
        def = sc_check_usable_action(L, 2);
    }
    f->gen++;
    rc = seccomp_reset(f->ctx, def);
    if (rc < 0)
        sc_fail(L, "reset", rc, NULL);
    f->ledger.n = 0;
    f->tx_depth = 0;
    lua_settop(L, 1);
    return 1;
}

static uint32_t sc_module_attr(const sc_filter *f, int attr)
{
    switch (attr) {
    case SC_MATTR_VERIFY: return (uint32_t)f->verify;
    case SC_MATTR_WIDEN: return (uint32_t)f->widen;
    case SC_MATTR_COMPILER: return (uint32_t)f->compiler;
    case SC_MATTR_UNKNOWN: return (uint32_t)f->unknown;
    default: return 0;
    }
}

/* libseccomp 2.5 compares only the default action, nnp and tsync before a
 * merge, and the result has the destination's values: a source asking for
 * more (a killing bad-arch action, log, ssb, optimize) would lose it.  So
 * every attribute must be equal, the module's own included. */
static void sc_merge_check_attrs(lua_State *L, sc_filter *f, sc_filter *o)
{
    size_t i;
    for (i = 0; i < SC_NATTRS; i++) {
        const struct sc_attr *a = &sc_attrs[i];
        uint32_t x = 0, y = 0;
        int rx, ry;
        if (a->kind == SC_ATTR_MODULE) {
            rx = ry = 0;
            x = sc_module_attr(f, a->attr);
            y = sc_module_attr(o, a->attr);
        } else {
            if (a->attr < 0 || (a->feature && !sc_has(L, a->feature)))
                continue;
            rx = seccomp_attr_get(f->ctx, (enum scmp_filter_attr)a->attr, &x);
            ry = seccomp_attr_get(o->ctx, (enum scmp_filter_attr)a->attr, &y);
        }
        if (rx < 0 || ry < 0)
            sc_fail(L, "merge", rx < 0 ? rx : ry, lua_pushfstring(L, "reading attribute '%s' "
                    "failed", a->name));
        if (x != y)
            sc_fail(L, "merge", EINVAL, lua_pushfstring(L, "the two filters' '%s' attributes "
                    "differ; a merge would silently keep this filter's: set them equal first "
                    "(both filters are unchanged)", a->name));
    }
}

/* f:merge(other) -> f   (other is consumed: released on success, left valid
 * and unchanged on failure) */
static int l_merge(lua_State *L)
{
    sc_filter *f = sc_checkfilter(L, 1);
    sc_filter *o = sc_checkfilter(L, 2);
    int rc;
    uint64_t omask, fmask;
    const char *msg = NULL;
    if (f == o)
        sc_argerror(L, 2, "cannot merge a filter into itself");
    sc_merge_check_attrs(L, f, o);
    /* the source's rules keep the source's arches */
    if (sc_ledger_reserve(&f->ledger, o->ledger.n) != 0)
        sc_fail(L, "merge", -ENOMEM, "recording the merged rules failed");
    omask = sc_filter_arch_mask(o);
    fmask = sc_filter_arch_mask(f);
    f->gen++;
    rc = seccomp_merge(f->ctx, o->ctx);
    if (rc == 0) {
        size_t i;
        /* the rules so far keep the arches they had: the merged arches
         * come with their own rules */
        for (i = 0; i < f->ledger.n; i++)
            if (f->ledger.v[i].all_arches) {
                f->ledger.v[i].all_arches = 0;
                f->ledger.v[i].arch_mask = fmask;
            }
        for (i = 0; i < o->ledger.n; i++) {
            sc_rule r = o->ledger.v[i];
            if (r.all_arches) {
                r.all_arches = 0;
                r.arch_mask = omask;
            }
            sc_ledger_push(&f->ledger, &r); /* reserved */
        }
        o->ctx = NULL; /* libseccomp freed it */
        sc_filter_release(o);
        lua_settop(L, 1);
        return 1;
    }
    if (rc == -EEXIST)
        msg = "the two filters share an arch; libseccomp merges only filters with disjoint arches";
    else if (rc == -EINVAL)
        msg = "the two filters' attributes differ (default action, bad-arch action or a flag); "
              "libseccomp merges only filters whose attributes are equal";
    else if (rc == -EDOM)
        msg = "the two filters have different byte orders";
    return sc_fail(L, "merge", rc, msg);
}

/* f:precompute() -> f   (libseccomp >= 2.6) */
static int l_precompute(lua_State *L)
{
    sc_filter *f = sc_checkfilter(L, 1);
    sc_require(L, "precompute", "precompute");
#if SC_GATE_PRECOMPUTE
    {
        int rc = seccomp_precompute(f->ctx);
        if (rc < 0)
            sc_fail(L, "precompute", rc, NULL);
    }
#endif
    (void)f;
    lua_settop(L, 1);
    return 1;
}

/* ---- transactions (libseccomp >= 2.6) -------------------------------------- */

enum { SC_TX_START, SC_TX_COMMIT, SC_TX_REJECT };

static int sc_transaction(lua_State *L, sc_filter *f, int what)
{
    static const char *const ops[] = {"transaction_start", "transaction_commit",
                                      "transaction_reject"};
    int rc = 0;
    sc_require(L, ops[what], "transactions");
    if (what == SC_TX_START && f->tx_depth == SC_TX_MAX)
        sc_fail(L, ops[what], EOVERFLOW, lua_pushfstring(L, "more than %d nested transactions",
                SC_TX_MAX));
    if (what != SC_TX_START && f->tx_depth == 0)
        sc_fail(L, ops[what], ENOENT, "no transaction is open");
    f->gen++;
#if SC_HAVE(2, 6, 0)
    if (what == SC_TX_START)
        rc = seccomp_transaction_start(f->ctx);
    else if (what == SC_TX_COMMIT)
        rc = seccomp_transaction_commit(f->ctx);
    else
        seccomp_transaction_reject(f->ctx);
#endif
    if (rc < 0)
        sc_fail(L, ops[what], rc, NULL);
    /* the ledger follows: a rejected transaction's rules are gone from it */
    if (what == SC_TX_START)
        f->tx_mark[f->tx_depth++] = f->ledger.n;
    else if (what == SC_TX_REJECT)
        f->ledger.n = f->tx_mark[--f->tx_depth];
    else
        f->tx_depth--;
    return rc;
}

/* f:transaction_start() / f:transaction_commit() / f:transaction_reject() -> f */
static int l_transaction_start(lua_State *L)
{
    sc_transaction(L, sc_checkfilter(L, 1), SC_TX_START);
    lua_settop(L, 1);
    return 1;
}

static int l_transaction_commit(lua_State *L)
{
    sc_transaction(L, sc_checkfilter(L, 1), SC_TX_COMMIT);
    lua_settop(L, 1);
    return 1;
}

static int l_transaction_reject(lua_State *L)
{
    sc_transaction(L, sc_checkfilter(L, 1), SC_TX_REJECT);
    lua_settop(L, 1);
    return 1;
}

/* f:transaction(fn) -> whatever fn returns.  fn(f) runs inside a transaction:
 * it is committed when fn returns, rejected (and the error re-raised) when
 * fn raises. */
static int l_transaction(lua_State *L)
{
    sc_filter *f = sc_checkfilter(L, 1);
    luaL_checktype(L, 2, LUA_TFUNCTION);
    lua_settop(L, 2);
    sc_transaction(L, f, SC_TX_START);
    lua_pushvalue(L, 2);
    lua_pushvalue(L, 1);
    if (lua_pcall(L, 1, LUA_MULTRET, 0) != LUA_OK) {
        if (f->ctx != NULL)
            sc_transaction(L, f, SC_TX_REJECT);
        return lua_error(L);
    }
    if (f->ctx == NULL) /* fn released the filter: nothing left to commit */
        luaL_error(L, "transaction: the filter was released inside the transaction");
    sc_transaction(L, f, SC_TX_COMMIT);
    return lua_gettop(L) - 2;
}

/* ---- export ---------------------------------------------------------------- */

static int sc_export_fd(sc_filter *f, int bpf, int fd)
{
    return bpf ? seccomp_export_bpf(f->ctx, fd) : seccomp_export_pfc(f->ctx, fd);
}

/* Export into a memfd and return its contents as a Lua string. */
static void sc_export_string(lua_State *L, sc_filter *f, int bpf, const char *op)
{
    int *fd = sc_push_fdguard(L);
    int rc;
    struct stat st;
    luaL_Buffer b;
    char *p;
    off_t off = 0;
    *fd = memfd_create(bpf ? "seccomp-bpf" : "seccomp-pfc", MFD_CLOEXEC);
    if (*fd < 0)
        sc_fail(L, op, errno, "memfd_create failed");
    rc = sc_export_fd(f, bpf, *fd);
    if (rc < 0)
        sc_fail(L, op, rc, NULL);
    if (fstat(*fd, &st) != 0)
        sc_fail(L, op, errno, NULL);
    p = luaL_buffinitsize(L, &b, (size_t)st.st_size);
    while (off < st.st_size) {
        ssize_t n = pread(*fd, p + off, (size_t)(st.st_size - off), off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            sc_fail(L, op, n < 0 ? errno : EIO, "reading the exported filter back failed");
        off += n;
    }
    luaL_pushresultsize(&b, (size_t)st.st_size);
    sc_fdguard_close(fd);
}

#if SC_GATE_EXPORT_BPF_MEM
/* libseccomp >= 2.6: straight into memory, in two passes so the buffer is
 * exactly the program's size (2.6.0 over-reads a larger buffer). */
static void sc_export_bpf_mem(lua_State *L, sc_filter *f, const char *op)
{
    size_t len = 0;
    void *buf;
    int rc = seccomp_export_bpf_mem(f->ctx, NULL, &len);
    if (rc < 0)
        sc_fail(L, op, rc, NULL);
    buf = sc_newuserdata(L, len ? len : 1);
    rc = seccomp_export_bpf_mem(f->ctx, buf, &len);
    if (rc < 0)
        sc_fail(L, op, rc, NULL);
    lua_pushlstring(L, buf, len);
    lua_remove(L, -2);
}
#endif

/* Push the BPF libseccomp generates for the filter, as a string. */
static void sc_export_libseccomp_bpf(lua_State *L, sc_filter *f, const char *op)
{
#if SC_GATE_EXPORT_BPF_MEM
    if (sc_has(L, "export_bpf_mem")) {
        sc_export_bpf_mem(L, f, op);
        return;
    }
#endif
    sc_export_string(L, f, 1, op);
}

/* f:export_pfc([file]) -> string | f   (libseccomp's text) */
static int l_export_pfc(lua_State *L)
{
    sc_filter *f = sc_checkfilter(L, 1);
    if (strcmp(sc_compiler_used(L, 1, f), "binding") == 0)
        sc_fail(L, "export_pfc", ENOTSUP, "the filter's program is the module's own (compiler "
                "\"binding\", or \"auto\" where libseccomp's program was wrong): libseccomp's PFC "
                "would describe another program; seccomp.disasm(f:export_bpf()) lists the one in use");
    lua_settop(L, 2);
    if (lua_isnoneornil(L, 2)) {
        sc_export_string(L, f, 0, "export_pfc");
        return 1;
    } else {
        luaL_Stream *s = sc_checkfile(L, 2);
        int rc;
        if (fflush(s->f) != 0)
            sc_fail(L, "export_pfc", errno, "flushing the file before the export failed");
        rc = sc_export_fd(f, 0, fileno(s->f));
        if (rc < 0)
            sc_fail(L, "export_pfc", rc, NULL);
        lua_settop(L, 1);
        return 1;
    }
}

/* ---- the rule ledger ------------------------------------------------------------ */

/* Push the origin string of rule r (a policy location), or nil. */
static void sc_push_origin(lua_State *L, int fidx, const sc_rule *r)
{
    if (r->origin <= 0 || lua_getiuservalue(L, fidx, 1) != LUA_TTABLE) {
        if (r->origin > 0)
            lua_pop(L, 1);
        lua_pushnil(L);
        return;
    }
    lua_rawgeti(L, -1, r->origin);
    lua_remove(L, -2);
}

/* Push rule i of the ledger as a table (see f:rules()). */
static void sc_push_rule(lua_State *L, int fidx, sc_filter *f, size_t i, uint64_t fmask)
{
    const sc_rule *r = &f->ledger.v[i];
    size_t a, k = 0;
    unsigned c;
    lua_createtable(L, 0, 6);
    lua_pushinteger(L, (lua_Integer)r->action);
    lua_setfield(L, -2, "action");
    if (r->by_number || r->name[0] == '\0')
        lua_pushinteger(L, r->sys);
    else
        lua_pushstring(L, r->name);
    lua_setfield(L, -2, "syscall");
    lua_createtable(L, r->nconds, 0);
    for (c = 0; c < r->nconds; c++) {
        const struct scmp_arg_cmp *x = &r->conds[c];
        int masked = x->op == SCMP_CMP_MASKED_EQ;
        lua_createtable(L, masked ? 4 : 3, 0);
        lua_pushinteger(L, (lua_Integer)x->arg);
        lua_rawseti(L, -2, 1);
        lua_pushstring(L, sc_op_symbol(x->op));
        lua_rawseti(L, -2, 2);
        lua_pushinteger(L, (lua_Integer)x->datum_a);
        lua_rawseti(L, -2, 3);
        if (masked) {
            lua_pushinteger(L, (lua_Integer)x->datum_b);
            lua_rawseti(L, -2, 4);
        }
        lua_rawseti(L, -2, (lua_Integer)c + 1);
    }
    lua_setfield(L, -2, "args");
    lua_pushboolean(L, r->exact);
    lua_setfield(L, -2, "exact");
    lua_newtable(L);
    for (a = 0; a < SC_NARCHES && a < 64; a++)
        if (((fmask >> a) & 1u) && sc_rule_on_arch(r, a)) {
            lua_pushstring(L, sc_arches[a].name);
            lua_rawseti(L, -2, (lua_Integer)++k);
        }
    lua_setfield(L, -2, "arches");
    sc_push_origin(L, fidx, r);
    lua_setfield(L, -2, "origin");
}

/* f:rules() -> list of {action =, syscall =, args = {{arg, op, a [, b]}...},
 * exact =, arches = {names}, origin =}: every rule as given, in order. */
static int l_rules(lua_State *L)
{
    sc_filter *f = sc_checkfilter(L, 1);
    uint64_t fmask = sc_filter_arch_mask(f);
    size_t i;
    lua_settop(L, 1);
    luaL_checkstack(L, 10, NULL);
    lua_createtable(L, (int)f->ledger.n, 0);
    for (i = 0; i < f->ledger.n; i++) {
        sc_push_rule(L, 1, f, i, fmask);
        lua_rawseti(L, 2, (lua_Integer)i + 1);
    }
    return 1;
}

/* f:_set_origin(origin) -> f   (the policy layer: the rules added since the
 * last call came from `origin`, e.g. "rules[3]") */
static int l_set_origin(lua_State *L)
{
    sc_filter *f = sc_checkfilter(L, 1);
    size_t i;
    int ref;
    luaL_checktype(L, 2, LUA_TSTRING);
    lua_settop(L, 2);
    if (lua_getiuservalue(L, 1, 1) != LUA_TTABLE) {
        lua_pop(L, 1);
        lua_newtable(L);
        lua_pushvalue(L, -1);
        lua_setiuservalue(L, 1, 1);
    }
    ref = (int)lua_rawlen(L, 3) + 1;
    lua_pushvalue(L, 2);
    lua_rawseti(L, 3, ref);
    for (i = f->ledger.n; i > 0 && f->ledger.v[i - 1].origin == 0; i--)
        f->ledger.v[i - 1].origin = ref;
    lua_settop(L, 1);
    return 1;
}

/* ---- lifetime ---------------------------------------------------------------- */

/* f:release()   idempotent, never raises; also __gc and __close */
static int l_release(lua_State *L)
{
    sc_filter_release(sc_tofilter(L, 1));
    return 0;
}

#if SC_HAVE_CLOSE
/* __close: release, and remember why for the message of a later call */
static int l_filter_close(lua_State *L)
{
    sc_filter *f = sc_tofilter(L, 1);
    f->closed = f->ctx != NULL;
    sc_filter_release(f);
    return 0;
}
#endif

/* f:is_valid() -> boolean (false after release or after being merged) */
static int l_is_valid(lua_State *L)
{
    lua_pushboolean(L, sc_tofilter(L, 1)->ctx != NULL);
    return 1;
}

/* tostring(f) -> "seccomp.filter (default errno(EPERM); x86_64, x86)" */
static int l_filter_tostring(lua_State *L)
{
    sc_filter *f = sc_tofilter(L, 1);
    uint32_t def;
    size_t i;
    int first = 1;
    luaL_Buffer b;
    if (f->ctx == NULL) {
        lua_pushliteral(L, "seccomp.filter (released)");
        return 1;
    }
    lua_settop(L, 1);
    if (sc_default_action(f, &def) == 0)
        sc_push_action_name(L, def);
    else
        lua_pushliteral(L, "?");
    luaL_buffinit(L, &b);
    luaL_addstring(&b, "seccomp.filter (default ");
    lua_pushvalue(L, 2);
    luaL_addvalue(&b);
    luaL_addstring(&b, "; arches ");
    for (i = 0; i < SC_NARCHES; i++)
        if (sc_arch_known(&sc_arches[i]) && seccomp_arch_exist(f->ctx, sc_arches[i].token) == 0) {
            if (!first)
                luaL_addstring(&b, ", ");
            luaL_addstring(&b, sc_arches[i].name);
            first = 0;
        }
    luaL_addstring(&b, ")");
    luaL_pushresult(&b);
    return 1;
}

static const luaL_Reg sc_filter_methods[] = {
    {"add_rule", l_add_rule},
    {"add_rule_exact", l_add_rule_exact},
    {"set_priority", l_set_priority},
    {"add_arch", l_add_arch},
    {"remove_arch", l_remove_arch},
    {"has_arch", l_has_arch},
    {"get_attr", l_get_attr},
    {"set_attr", l_set_attr},
    {"reset", l_reset},
    {"merge", l_merge},
    {"export_pfc", l_export_pfc},
    {"precompute", l_precompute},
    {"transaction", l_transaction},
    {"transaction_start", l_transaction_start},
    {"transaction_commit", l_transaction_commit},
    {"transaction_reject", l_transaction_reject},
    {"release", l_release},
    {"is_valid", l_is_valid},
    {"rules", l_rules},
    {"_set_origin", l_set_origin},
    {NULL, NULL},
};

static const luaL_Reg sc_filter_meta[] = {
    {"__gc", l_release},
#if SC_HAVE_CLOSE
    {"__close", l_filter_close},
#endif
    {"__tostring", l_filter_tostring},
    {NULL, NULL},
};

static void sc_open_filter(lua_State *L)
{
    sc_new_type(L, SC_FILTER_MT, sc_filter_meta, sc_filter_methods, NULL);
}
