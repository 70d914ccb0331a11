/*
 * filter.c - the filter userdata ("seccomp.filter"): its ledger and setup,
 * the libseccomp context derived from them, and every method that builds,
 * inspects, exports or loads it.
 *
 * The ledger is the filter.  Every rule (ledger.c's sc_ledger) and
 * everything else the filter is (its sc_setup: default action, arches,
 * libseccomp's attributes, priorities) are recorded by the module;
 * libseccomp's context is built from that record and never read back for
 * them (has_arch, get_attr and rules() answer from the record).  A method
 * first makes the change on the context, to have libseccomp's checks, and
 * records it only once libseccomp accepted it.
 *
 * libseccomp's context cannot be trusted after some calls on one that
 * holds rules.  Each rule add (2.5.4 and 2.6.1's db_col_rule_add) runs an
 * internal transaction: it reuses the "shadow" snapshot the last add left
 * (a full copy of the rules), and an add that fails restores it.
 * seccomp_arch_remove, seccomp_arch_add and seccomp_merge do not update
 * that shadow, so after them a failed add brings back the arches of the
 * last add (a removed arch comes back, open; an added or merged one goes),
 * and after a remove a successful add's commit releases the shadow's
 * filters past the end of its array (2.5.4: an off-by-one, fixed in 2.5.6
 * and 2.6.0) or, on 2.6.1, pairs the shadow's filters with the wrong arches.
 * So the module:
 *
 *  - never calls seccomp_arch_remove on a context holding rules: remove_arch
 *    builds a new context from the record (the only arch removal it makes is
 *    on a new, empty context);
 *  - after any libseccomp call on the context that fails, rebuilds the
 *    context from the record (which the failed call did not change);
 *  - makes transactions its own (copies of the record; a rejection restores
 *    the copy and rebuilds the context): it never calls
 *    seccomp_transaction_*, whose snapshots have the same faults.
 *
 * Adding an arch or merging stays incremental (a context for the new arches
 * alone, merged in): a stale shadow then matters only if an add fails,
 * which rebuilds.  Every method reaches the filter through
 * sc_checkfilter(), which raises on a released filter and rebuilds a
 * context a failure left stale; sc_filter_release() is the one idempotent
 * release behind release(), merge(), __gc and __close.  Arguments are all
 * parsed before libseccomp is called, so a bad argument leaves the filter
 * as it was.
 */
#include "core.h"
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* A libseccomp context holds about 5 KB outside Lua's heap; the collector is
 * stepped by more per filter, so that a large Lua heap (whose collector paces
 * itself on its own size) still finishes its cycles while dropped filters
 * pile up: 20,000 dropped filters next to a 120 MB heap keep about 14 MB
 * under Lua 5.4 and 30 MB under 5.3 (96 MB without; at 32 KB a filter, 5.3
 * kept 58 MB), for no measurable cost in building them (0.2-0.4 s for the
 * 20,000, either step). */
#define SC_FILTER_KB 64
#define SC_RULE_KB 1   /* and a rule */

/* Other spellings of filter attribute names (libseccomp's SCMP_FLTATR_*
 * suffixes, the kernel's term), answered with "did you mean". */
static const char *const sc_attr_hints[] = {
    "no_new_privs", "nnp",         "ctl_nnp",      "nnp",        "act_default", "default_action",
    "act_badarch", "badarch_action", "ctl_tsync",  "tsync",      "api_tskip",   "tskip",
    "ctl_log",      "log",         "ctl_ssb",      "ssb",        "ctl_optimize", "optimize",
    "api_sysrawrc", "raw_rc",      "ctl_waitkill", "wait_kill",  NULL,
};

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

/* ---- access -------------------------------------------------------------- */

static sc_filter *sc_tofilter(lua_State *L, int idx)
{
    return luaL_checkudata(L, idx, SC_FILTER_MT);
}

static int sc_filter_rebuild(sc_filter *f);
static size_t sc_arch_index(uint32_t token);

/* The name of the running C function, for the error object of a failure
 * found before its body runs. */
static const char *sc_current_op(lua_State *L)
{
    lua_Debug ar;
    if (lua_getstack(L, 0, &ar) && lua_getinfo(L, "n", &ar) && ar.name != NULL)
        return ar.name;
    return "filter";
}

static sc_filter *sc_checkfilter(lua_State *L, int idx)
{
    sc_filter *f = sc_tofilter(L, idx);
    int rc;
    if (f->ctx == NULL)
        sc_argerror(L, idx, f->closed ? "filter has been released: its <close> variable went "
                                          "out of scope"
                                        : "filter has been released");
    if (f->ctx_stale && (rc = sc_filter_rebuild(f)) < 0)
        sc_raise(L, sc_current_op(L), rc, "rebuilding the filter's libseccomp context from its "
                 "record failed (after an earlier failure); the filter is unchanged, and the next "
                 "call tries again");
    return f;
}

static void sc_filter_drop_cache(sc_filter *f)
{
    if (f->cache != NULL && f->cache_free != NULL)
        f->cache_free(f->cache);
    f->cache = NULL;
    f->cache_free = NULL;
}

static void sc_tx_free_all(sc_filter *f);

static void sc_filter_release(sc_filter *f)
{
    if (f->ctx != NULL) {
        seccomp_release(f->ctx);
        f->ctx = NULL;
    }
    f->ctx_stale = 0;
    sc_tx_free_all(f);
    sc_ledger_free(&f->ledger);
    sc_setup_free(&f->setup);
    sc_filter_drop_cache(f);
    f->gen++;
}

/* The filter's arches as a mask over sc_arches (bit i = sc_arches[i]). */
static uint64_t sc_filter_arch_mask(sc_filter *f)
{
    uint64_t mask = 0;
    size_t i, ai;
    for (i = 0; i < f->setup.narches; i++)
        if ((ai = sc_arch_index(f->setup.arches[i])) < 64)
            mask |= (uint64_t)1 << ai;
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
    f->verify = SC_VERIFY_ON;
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
    f->setup.def_action = def;
    f->setup.narches = 1;
    f->setup.arches[0] = seccomp_arch_native();
    sc_note_defaulted(L, 2, 1, NULL, 0);
    return 1;
}

/* ---- the context, built from the record -------------------------------------- */

/* Where `token` is in sc_arches (the bit a rule's arch_mask uses). */
static size_t sc_arch_index(uint32_t token)
{
    size_t i;
    for (i = 0; i < SC_NARCHES; i++)
        if (sc_arches[i].token == token)
            return i;
    return SC_NARCHES;
}

/* Set on a new context t every attribute the record has changed from a new
 * context's value (setting some flags, even to their default, is refused
 * where the kernel lacks them). */
static int sc_ctx_set_attrs(scmp_filter_ctx t, const sc_setup *s)
{
    unsigned a;
    for (a = 0; a < SC_SETUP_NATTR; a++)
        if (a != SCMP_FLTATR_ACT_DEFAULT && ((s->attr_known >> a) & 1u) && s->attr[a] != s->fresh[a]) {
            int rc = seccomp_attr_set(t, (enum scmp_filter_attr)a, s->attr[a]);
            if (rc < 0)
                return rc;
        }
    return 0;
}

/* A new context of the one arch `arch`, with the setup's attributes, every
 * rule of the ledger that applies on that arch, in ledger order, and the
 * priorities set while the filter had the arch (what that arch's part of
 * the filter got, one call at a time).  0, or a negative errno with nothing held; *bad is the index of
 * the rule libseccomp refused, or the ledger's length. */
static int sc_ctx_for_arch(const sc_filter *f, const sc_setup *s, uint32_t arch,
                           scmp_filter_ctx *out, size_t *bad)
{
    scmp_filter_ctx t = seccomp_init(s->def_action);
    size_t i, ai = sc_arch_index(arch);
    int rc;
    *bad = f->ledger.n;
    if (t == NULL)
        return -ENOMEM;
    rc = sc_ctx_set_attrs(t, s);
    /* arch changes on a context with no rules: nothing to corrupt */
    if (rc == 0 && arch != seccomp_arch_native()) {
        rc = seccomp_arch_remove(t, SCMP_ARCH_NATIVE);
        if (rc == 0)
            rc = seccomp_arch_add(t, arch);
    }
    for (i = 0; rc == 0 && i < f->ledger.n; i++) {
        const sc_rule *r = &f->ledger.v[i];
        if (r->held_back || !sc_rule_on_arch(r, ai))
            continue;
        rc = r->exact ? seccomp_rule_add_exact_array(t, r->action, r->sys, r->nconds, r->conds)
                      : seccomp_rule_add_array(t, r->action, r->sys, r->nconds, r->conds);
        if (rc < 0)
            *bad = i;
    }
    for (i = 0; rc == 0 && i < s->nprio; i++)
        if (ai < 64 && ((s->prio[i].arch_mask >> ai) & 1u))
            rc = seccomp_syscall_priority(t, s->prio[i].sys, s->prio[i].priority);
    if (rc < 0) {
        seccomp_release(t);
        return rc;
    }
    *out = t;
    return 0;
}

/* A new context for the ledger and the setup s: one per arch, merged (so
 * that the rules of a merged filter keep their own arches).  0, or a
 * negative errno with nothing held. */
static int sc_ctx_build(const sc_filter *f, const sc_setup *s, scmp_filter_ctx *out)
{
    scmp_filter_ctx acc = NULL, t;
    size_t i, bad;
    int rc = 0;
    if (s->narches == 0) {
        if ((acc = seccomp_init(s->def_action)) == NULL)
            return -ENOMEM;
        rc = sc_ctx_set_attrs(acc, s);
        if (rc == 0)
            rc = seccomp_arch_remove(acc, SCMP_ARCH_NATIVE);
    }
    for (i = 0; rc == 0 && i < s->narches; i++) {
        rc = sc_ctx_for_arch(f, s, s->arches[i], &t, &bad);
        if (rc == 0 && acc == NULL) {
            acc = t;
        } else if (rc == 0 && (rc = seccomp_merge(acc, t)) < 0) {
            seccomp_release(t);
        }
    }
    if (rc < 0) {
        if (acc != NULL)
            seccomp_release(acc);
        return rc;
    }
    *out = acc;
    return 0;
}

/* Replace f's context by a new one built from its record.  0, or a
 * negative errno: then the context is left marked stale. */
static int sc_filter_rebuild(sc_filter *f)
{
    scmp_filter_ctx t;
    int rc = sc_ctx_build(f, &f->setup, &t);
    if (rc < 0) {
        f->ctx_stale = 1;
        return rc;
    }
    seccomp_release(f->ctx);
    f->ctx = t;
    f->ctx_stale = 0;
    return 0;
}

/* A libseccomp call on f's context failed: whatever it left, the record is
 * unchanged, and the context is rebuilt from it (now, or by the next
 * sc_checkfilter if this rebuild fails too). */
static void sc_ctx_failed(sc_filter *f)
{
    f->ctx_stale = 1;
    f->gen++;
    (void)sc_filter_rebuild(f);
}

/* The value of libseccomp attribute `a` (enum scmp_filter_attr): from the
 * record, or read once from the context, which holds a new context's value
 * for every attribute the record does not have.  0, or a negative errno. */
static int sc_attr_value(sc_filter *f, int a, uint32_t *out)
{
    uint32_t v;
    int rc;
    if (a < 0 || a >= SC_SETUP_NATTR)
        return -EINVAL;
    if (a == SCMP_FLTATR_ACT_DEFAULT) {
        *out = f->setup.def_action;
        return 0;
    }
    if (!((f->setup.attr_known >> a) & 1u)) {
        if ((rc = seccomp_attr_get(f->ctx, (enum scmp_filter_attr)a, &v)) < 0)
            return rc;
        f->setup.attr[a] = f->setup.fresh[a] = v;
        f->setup.attr_known |= 1u << a;
    }
    *out = f->setup.attr[a];
    return 0;
}

/* ---- rules ----------------------------------------------------------------- */

static int sc_default_action(sc_filter *f, uint32_t *out)
{
    *out = f->setup.def_action;
    return 0;
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
        return "the filter already has a rule with these conditions on this call, or with "
               "conditions that begin with these (or such a rule on the multiplexer, socketcall or "
               "ipc, that an arch of the filter routes it through, where the conditions on arg0 "
               "cannot be kept), with another action: libseccomp keeps one action per set of "
               "conditions and refuses a shorter rule after a longer one (docs/compiler.md, R3)";
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
    if (r->sys == -1) {
        uint32_t tskip = 0;
#if SC_GATE_TSKIP
        int rc;
        if (sc_has(L, "tskip") && (rc = sc_attr_value(f, SCMP_FLTATR_API_TSKIP, &tskip)) < 0)
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

/* R3 where libseccomp cannot apply it: would libseccomp refuse rule r
 * (EEXIST) after the ledger's rules, counting among them only those it was
 * never handed (held_back) unless all_rules?  Per arch of the filter and
 * number r lands on, in libseccomp's own (widened) form on a multiplexer
 * (meaning.c, sc_mrefuses).  1: refused; 0; -1: out of memory. */
static int sc_rule_refused(sc_filter *f, const sc_rule *r, int all_rules)
{
    uint64_t fmask = sc_filter_arch_mask(f);
    size_t a, i, n, k;
    int refused = 0;
    sc_minst *e;
    if (r->nconds == 0 || f->ledger.n == 0)
        return 0;
    e = malloc(f->ledger.n * sizeof *e);
    if (e == NULL)
        return -1;
    for (a = 0; a < SC_NARCHES && a < 64 && !refused; a++) {
        uint32_t tok = sc_arches[a].token;
        int is32 = sc_tok_is32(tok), pass, ipc;
        sc_target t;
        if (!((fmask >> a) & 1u) || !sc_rule_on_arch(r, a))
            continue;
        sc_rule_target(r, tok, &t);
        ipc = seccomp_syscall_resolve_name_arch(tok, "ipc");
        for (pass = 0; pass < 2 && !refused; pass++) {
            sc_minst x;
            int uncond = 0;
            if (pass == 0 && t.has_direct)
                sc_minst_direct(&x, r, (int)f->ledger.n, t.direct, is32);
            else if (pass == 1 && t.has_mux)
                sc_minst_mux(&x, r, (int)f->ledger.n, t.mux, is32, t.sub, sc_mux_callmask(tok, t.mux == ipc), 1);
            else
                continue;
            n = sc_mcollect(f->ledger.v, f->ledger.n, a, tok, x.nr, 1, e);
            /* R1: a number with an unconditional rule refuses nothing */
            for (i = 0; i < n; i++)
                uncond |= e[i].n == 0;
            for (i = k = 0; i < n && !uncond; i++)
                if (all_rules || f->ledger.v[e[i].rule].held_back)
                    e[k++] = e[i];
            refused = !uncond && sc_mrefuses(e, k, &x);
        }
    }
    free(e);
    return refused;
}

/* A rule libseccomp would never return from (gen.c's sc_gen_hang_risk):
 * kept in the ledger only, so that the module's compiler makes the program,
 * after the checks libseccomp itself would have made. */
static void sc_check_refused(lua_State *L, sc_filter *f, const sc_rule *r, int all_rules, const char *op)
{
    int rc = sc_rule_refused(f, r, all_rules);
    if (rc < 0)
        sc_fail(L, op, -ENOMEM, "checking the rule against the filter's rules failed");
    if (rc > 0)
        sc_fail(L, op, EEXIST, sc_rule_message(L, f, -EEXIST, r->action, r->exact, r->sys));
}

static void sc_hold_back(lua_State *L, sc_filter *f, sc_rule *r, uint32_t def, const char *op)
{
    if (f->compiler == SC_COMPILER_LIBSECCOMP)
        sc_fail(L, op, EDEADLK, "libseccomp would never return from adding this rule after the "
                "filter's earlier ones (a known loop in libseccomp, docs/compiler.md); with the "
                "compiler \"auto\" or \"binding\" the module compiles it itself");
    if (r->action == def)
        sc_fail(L, op, EACCES, sc_rule_message(L, f, -EACCES, r->action, r->exact, r->sys));
    sc_check_refused(L, f, r, 1, op);
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
    sc_default_action(f, &def);
    sc_check_rule_lands(L, f, &r, def, op);
    lua_gc(L, LUA_GCSTEP, SC_RULE_KB);
    /* room first: a rule libseccomp has must never be missing from the ledger */
    if (sc_ledger_reserve(&f->ledger, 1) != 0)
        sc_fail(L, op, -ENOMEM, "recording the rule failed");
    if (sc_gen_hang_risk(&f->ledger, &r)) {
        sc_hold_back(L, f, &r, def, op);
        sc_note_defaulted(L, 1, 2, &r, f->ledger.n - 1);
        lua_settop(L, 1);
        return 1;
    }
    /* libseccomp refuses what its own rules forbid (R3); the module, what
     * the rules it holds back forbid */
    if (sc_ledger_held_back(f))
        sc_check_refused(L, f, &r, 0, op);
    f->gen++;
    if (exact)
        rc = seccomp_rule_add_exact_array(f->ctx, action, sys, n, conds);
    else
        rc = seccomp_rule_add_array(f->ctx, action, sys, n, conds);
    if (rc < 0) {
        sc_ctx_failed(f);
        sc_fail(L, op, rc, sc_rule_message(L, f, rc, action, exact, sys));
    }
    sc_ledger_push(&f->ledger, &r); /* cannot fail: reserved */
    sc_note_defaulted(L, 1, 2, &r, f->ledger.n - 1);
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
    /* room first, as for a rule */
    if (sc_setup_reserve_prio(&f->setup, 1) != 0)
        sc_fail(L, "set_priority", -ENOMEM, "recording the priority failed");
    f->gen++;
    rc = seccomp_syscall_priority(f->ctx, sys, p);
    if (rc < 0) {
        sc_ctx_failed(f);
        sc_fail(L, "set_priority", rc, rc == -EFAULT ? "libseccomp does not accept that syscall number" : NULL);
    }
    sc_setup_push_prio(&f->setup, sys, p, sc_filter_arch_mask(f)); /* cannot fail: reserved */
    lua_settop(L, 1);
    return 1;
}

/* ---- arches ---------------------------------------------------------------- */

/* f:add_arch(arch) -> f
 * libseccomp gives an arch added later none of the existing rules, so the
 * new arch's part is built from the ledger (its rules for every arch) on a
 * context of its own, which is then merged in. */
static int l_add_arch(lua_State *L)
{
    sc_filter *f = sc_checkfilter(L, 1);
    uint32_t a = sc_check_arch(L, 2);
    scmp_filter_ctx t;
    size_t bad;
    int rc;
    if (sc_setup_has_arch(&f->setup, a))
        sc_fail(L, "add_arch", EEXIST, lua_pushfstring(L, "arch '%s' is already in the filter", sc_arch_name(a)));
    f->gen++;
    rc = sc_ctx_for_arch(f, &f->setup, a, &t, &bad);
    if (rc < 0 && bad < f->ledger.n)
        sc_fail(L, "add_arch", rc, lua_pushfstring(L, "rule #%d cannot be applied to the new "
                "arch '%s'; the filter is unchanged", (int)bad + 1, sc_arch_name(a)));
    if (rc == 0 && f->setup.narches == 0) {
        /* nothing to merge into (libseccomp refuses a merge into a context
         * with no arch): the new context is the filter's */
        seccomp_release(f->ctx);
        f->ctx = t;
    } else if (rc == 0 && (rc = seccomp_merge(f->ctx, t)) < 0) {
        seccomp_release(t);
        sc_ctx_failed(f);
    }
    if (rc == -EDOM)
        sc_fail(L, "add_arch", rc, lua_pushfstring(L,
                "arch '%s' has the other byte order from the filter's arches; libseccomp cannot "
                "mix big- and little-endian arches in one filter (use a second filter)",
                sc_arch_name(a)));
    if (rc < 0)
        sc_fail(L, "add_arch", rc, NULL);
    sc_setup_add_arch(&f->setup, a); /* cannot fail: checked, and there are fewer than 64 arches */
    lua_settop(L, 1);
    return 1;
}

/* f:remove_arch(arch) -> f
 * Never seccomp_arch_remove on a context holding rules (see the top of this
 * file): the filter gets a new context built without the arch. */
static int l_remove_arch(lua_State *L)
{
    sc_filter *f = sc_checkfilter(L, 1);
    uint32_t a = sc_check_arch(L, 2);
    sc_setup s;
    scmp_filter_ctx t;
    size_t i, ai = sc_arch_index(a);
    int rc;
    if (!sc_setup_has_arch(&f->setup, a))
        sc_fail(L, "remove_arch", EEXIST, lua_pushfstring(L, "arch '%s' is not in the filter", sc_arch_name(a)));
    s = f->setup; /* shares the priorities: only read */
    sc_setup_remove_arch(&s, a);
    f->gen++;
    if ((rc = sc_ctx_build(f, &s, &t)) < 0)
        sc_fail(L, "remove_arch", rc, "building the filter's context without the arch failed; "
                "the filter is unchanged");
    seccomp_release(f->ctx);
    f->ctx = t;
    f->setup.narches = s.narches;
    memcpy(f->setup.arches, s.arches, sizeof s.arches);
    /* a merged rule or a priority no longer applies there: an arch added
     * again later is new */
    for (i = 0; ai < 64 && i < f->ledger.n; i++)
        f->ledger.v[i].arch_mask &= ~((uint64_t)1 << ai);
    for (i = 0; ai < 64 && i < f->setup.nprio; i++)
        f->setup.prio[i].arch_mask &= ~((uint64_t)1 << ai);
    lua_settop(L, 1);
    return 1;
}

/* f:has_arch(arch) -> boolean */
static int l_has_arch(lua_State *L)
{
    sc_filter *f = sc_checkfilter(L, 1);
    lua_pushboolean(L, sc_setup_has_arch(&f->setup, sc_check_arch(L, 2)));
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
        case SC_MATTR_VERIFY:
            if (f->verify == SC_VERIFY_SAMPLE)
                lua_pushliteral(L, "sample");
            else
                lua_pushboolean(L, f->verify);
            break;
        case SC_MATTR_WIDEN: lua_pushboolean(L, f->widen); break;
        case SC_MATTR_COMPILER: lua_pushstring(L, sc_compiler_names[f->compiler]); break;
        case SC_MATTR_UNKNOWN:
            lua_pushstring(L, f->unknown == SC_UNKNOWN_ENOSYS ? "enosys"
                           : f->unknown == SC_UNKNOWN_RUNC ? "runc" : "default");
            break;
        default: lua_pushstring(L, sc_compiler_used(L, 1, f)); break;
        }
        return 1;
    }
    rc = sc_attr_value(f, a->attr, &v);
    if (rc < 0)
        sc_fail(L, "get_attr", rc, NULL);
    if (a->kind == SC_ATTR_BOOL)
        lua_pushboolean(L, v != 0);
    else
        lua_pushinteger(L, (lua_Integer)v);
    return 1;
}

/* The `verify` attribute's value at idx: true, false or "sample". */
static int sc_check_verify_attr(lua_State *L, int idx)
{
    if (lua_isboolean(L, idx))
        return lua_toboolean(L, idx) ? SC_VERIFY_ON : SC_VERIFY_OFF;
    if (lua_type(L, idx) == LUA_TSTRING && strcmp(lua_tostring(L, idx), "sample") == 0)
        return SC_VERIFY_SAMPLE;
    return sc_argerror_value(L, idx, "attribute 'verify' takes true, false or \"sample\", got");
}

/* f:set_attr(name, value) -> f   (flags take booleans, optimize 1 or 2,
 * badarch_action an action) */
static int l_set_attr(lua_State *L)
{
    sc_filter *f = sc_checkfilter(L, 1);
    const struct sc_attr *a = sc_check_attr(L, 2, "set_attr");
    uint32_t v = 0, old;
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
            if (c == SC_COMPILER_LIBSECCOMP && f->unknown == SC_UNKNOWN_ENOSYS)
                sc_argerror(L, 3, "the filter has unknown = \"enosys\", which libseccomp cannot "
                              "compile: only \"auto\" and \"binding\" can");
            f->compiler = c;
        } else if (a->attr == SC_MATTR_UNKNOWN) {
            const char *u = lua_type(L, 3) == LUA_TSTRING ? lua_tostring(L, 3) : "";
            if (strcmp(u, "runc") == 0)
                sc_argerror(L, 3, "unknown = \"runc\" is set by seccomp.oci.filter, from a "
                              "profile's arches and names; set \"enosys\" or \"default\"");
            if (strcmp(u, "enosys") != 0 && strcmp(u, "default") != 0)
                sc_argerror_value(L, 3, "unknown must be \"enosys\" or \"default\", got");
            if (u[0] == 'e' && f->compiler == SC_COMPILER_LIBSECCOMP)
                sc_argerror(L, 3, "unknown = \"enosys\" needs the module's compiler (\"auto\" or "
                              "\"binding\"); the filter's compiler is \"libseccomp\"");
            f->unknown = u[0] == 'e' ? SC_UNKNOWN_ENOSYS : SC_UNKNOWN_DEFAULT;
            f->nstub = 0;
        } else if (a->attr == SC_MATTR_VERIFY) {
            f->verify = sc_check_verify_attr(L, 3);
        } else {
            if (!lua_isboolean(L, 3))
                sc_argerror_value(L, 3, lua_pushfstring(L, "attribute '%s' takes a boolean, got",
                                  a->name));
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
    /* the record needs the new context's value before the first change */
    if ((rc = sc_attr_value(f, a->attr, &old)) < 0)
        sc_fail(L, "set_attr", rc, lua_pushfstring(L, "reading attribute '%s' failed", a->name));
    f->gen++;
    rc = seccomp_attr_set(f->ctx, (enum scmp_filter_attr)a->attr, v);
    if (rc < 0) {
        sc_ctx_failed(f);
        sc_fail(L, "set_attr", rc, lua_pushfstring(L, "libseccomp refused attribute '%s' = %s%s",
                a->name, sc_repr(L, 3), rc == -EOPNOTSUPP ? ": the library or kernel in use "
                "does not support it" : ""));
    }
    f->setup.attr[a->attr] = v;
    lua_settop(L, 1);
    return 1;
}

/* ---- whole-filter operations ---------------------------------------------- */

/* f:reset([action]) -> f   (no action: keep the current default action).
 * Inside a transaction the transaction stays open: rejecting it undoes the
 * reset as any other change. */
static int l_reset(lua_State *L)
{
    sc_filter *f = sc_checkfilter(L, 1);
    uint32_t def;
    int rc;
    if (lua_isnoneornil(L, 2))
        sc_default_action(f, &def);
    else
        def = sc_check_usable_action(L, 2);
    f->gen++;
    rc = seccomp_reset(f->ctx, def);
    if (rc < 0) {
        sc_ctx_failed(f);
        sc_fail(L, "reset", rc, NULL);
    }
    f->ledger.n = 0;
    /* what seccomp_reset makes: the native arch, every attribute a new
     * context's, no priorities */
    f->setup.def_action = def;
    f->setup.narches = 1;
    f->setup.arches[0] = seccomp_arch_native();
    f->setup.attr_known = 0;
    f->setup.nprio = 0;
    sc_notes_clear(L, 1, lua_isnoneornil(L, 2));
    sc_note_defaulted(L, 1, 2, NULL, 0);
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
            rx = sc_attr_value(f, a->attr, &x);
            ry = sc_attr_value(o, a->attr, &y);
        }
        if (rx < 0 || ry < 0)
            sc_fail(L, "merge", rx < 0 ? rx : ry, lua_pushfstring(L, "reading attribute '%s' "
                    "failed", a->name));
        if (x == y && a->kind == SC_ATTR_MODULE && a->attr == SC_MATTR_UNKNOWN &&
            x == SC_UNKNOWN_RUNC && (f->nstub != o->nstub ||
            memcmp(f->stub_arch, o->stub_arch, f->nstub * sizeof f->stub_arch[0]) != 0 ||
            memcmp(f->stub_max, o->stub_max, f->nstub * sizeof f->stub_max[0]) != 0))
            x = !y; /* two stubs with other limits */
        if (x != y)
            sc_fail(L, "merge", EINVAL, lua_pushfstring(L, "the two filters' '%s' attributes "
                    "differ; a merge would silently keep this filter's: set them equal first "
                    "(both filters are unchanged)", a->name));
    }
}

/* merge: append the source's policy origins (the strings its rules' origin
 * fields index) to the destination's; returns the offset to add to them. */
static int sc_merge_origins(lua_State *L, int fidx, int oidx, const sc_filter *o)
{
    int off, i, n;
    size_t k;
    for (k = 0; k < o->ledger.n && o->ledger.v[k].origin <= 0; k++)
        ;
    if (k == o->ledger.n || lua_getiuservalue(L, oidx, 1) != LUA_TTABLE) {
        lua_settop(L, 2);
        return 0;
    }
    if (lua_getiuservalue(L, fidx, 1) != LUA_TTABLE) {
        lua_pop(L, 1);
        lua_newtable(L);
        lua_pushvalue(L, -1);
        lua_setiuservalue(L, fidx, 1);
    }
    off = (int)lua_rawlen(L, -1);
    n = (int)lua_rawlen(L, -2);
    for (i = 1; i <= n; i++) {
        lua_rawgeti(L, -2, i);
        lua_rawseti(L, -2, off + i);
    }
    lua_settop(L, 2);
    return off;
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
    int oorig;
    lua_Integer nnotes;
    size_t i;
    if (f == o)
        sc_argerror(L, 2, "cannot merge a filter into itself");
    sc_merge_check_attrs(L, f, o);
    /* room first: the source's rules keep the source's arches */
    if (sc_ledger_reserve(&f->ledger, o->ledger.n) != 0)
        sc_fail(L, "merge", -ENOMEM, "recording the merged rules failed");
    if (sc_setup_reserve_prio(&f->setup, o->setup.nprio) != 0)
        sc_fail(L, "merge", -ENOMEM, "recording the merged priorities failed");
    omask = sc_filter_arch_mask(o);
    fmask = sc_filter_arch_mask(f);
    /* the source's policy origins and notes, carried into the destination's
     * user-value table first (this may raise: nothing is merged yet) */
    lua_settop(L, 2);
    oorig = sc_merge_origins(L, 1, 2, o);
    nnotes = sc_notes_count(L, 1);
    sc_notes_merge(L, 1, 2);
    f->gen++;
    rc = seccomp_merge(f->ctx, o->ctx);
    if (rc == 0) {
        /* the rules so far keep the arches they had: the merged arches
         * come with their own rules */
        for (i = 0; i < f->ledger.n; i++)
            if (f->ledger.v[i].all_arches) {
                f->ledger.v[i].all_arches = 0;
                f->ledger.v[i].arch_mask = fmask;
            }
        for (i = 0; i < o->ledger.n; i++) {
            sc_rule r = o->ledger.v[i];
            if (r.origin > 0)
                r.origin += oorig;
            if (r.all_arches) {
                r.all_arches = 0;
                r.arch_mask = omask;
            }
            sc_ledger_push(&f->ledger, &r); /* reserved */
        }
        for (i = 0; i < o->setup.narches; i++)
            sc_setup_add_arch(&f->setup, o->setup.arches[i]); /* disjoint: libseccomp checked */
        for (i = 0; i < o->setup.nprio; i++) /* reserved; the source's keep its arches */
            sc_setup_push_prio(&f->setup, o->setup.prio[i].sys, o->setup.prio[i].priority,
                               o->setup.prio[i].arch_mask);
        o->ctx = NULL; /* libseccomp freed it */
        sc_filter_release(o);
        lua_settop(L, 1);
        return 1;
    }
    sc_notes_truncate(L, 1, nnotes);
    /* libseccomp 2.5.4 and 2.6.1 check before they change either context;
     * both are rebuilt all the same, as after any failure */
    sc_ctx_failed(f);
    sc_ctx_failed(o);
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
        if (rc < 0) {
            sc_ctx_failed(f);
            sc_fail(L, "precompute", rc, NULL);
        }
    }
#endif
    (void)f;
    lua_settop(L, 1);
    return 1;
}

/* ---- transactions ------------------------------------------------------------ */

/* What rejecting a transaction restores: the whole record as it was when
 * the transaction started, and the module's own attributes.  No libseccomp
 * transaction is used (see the top of this file): a rejection rebuilds the
 * context from the restored record. */
struct sc_tx {
    sc_ledger ledger;
    sc_setup setup;
    int verify, compiler, widen, unknown;
    unsigned long serial; /* which start made it (f:transaction tells its own) */
};

static void sc_tx_free(struct sc_tx *t)
{
    sc_ledger_free(&t->ledger);
    sc_setup_free(&t->setup);
}

static void sc_tx_free_all(sc_filter *f)
{
    while (f->tx_depth > 0)
        sc_tx_free(&f->tx[--f->tx_depth]);
    free(f->tx);
    f->tx = NULL;
}

enum { SC_TX_START, SC_TX_COMMIT, SC_TX_REJECT };

static void sc_transaction(lua_State *L, sc_filter *f, int what)
{
    static const char *const ops[] = {"transaction_start", "transaction_commit",
                                      "transaction_reject"};
    struct sc_tx *t;
    if (what == SC_TX_START && f->tx_depth == SC_TX_MAX)
        sc_fail(L, ops[what], EOVERFLOW, lua_pushfstring(L, "more than %d nested transactions",
                SC_TX_MAX));
    if (what != SC_TX_START && f->tx_depth == 0)
        sc_fail(L, ops[what], ENOENT, "no transaction is open");
    if (what == SC_TX_START) {
        /* counted before anything is copied: it may raise */
        f->tx_notes[f->tx_depth] = sc_notes_count(L, 1);
        if (f->tx == NULL && (f->tx = calloc(SC_TX_MAX, sizeof *f->tx)) == NULL)
            sc_fail(L, ops[what], ENOMEM, "recording the transaction failed");
        t = &f->tx[f->tx_depth];
        if (sc_ledger_copy(&t->ledger, &f->ledger) != 0)
            sc_fail(L, ops[what], ENOMEM, "recording the transaction failed");
        if (sc_setup_copy(&t->setup, &f->setup) != 0) {
            sc_ledger_free(&t->ledger);
            sc_fail(L, ops[what], ENOMEM, "recording the transaction failed");
        }
        t->verify = f->verify;
        t->compiler = f->compiler;
        t->widen = f->widen;
        t->unknown = f->unknown;
        t->serial = ++f->tx_serial;
        f->tx_depth++;
        return;
    }
    t = &f->tx[--f->tx_depth];
    if (what == SC_TX_COMMIT) {
        sc_tx_free(t);
        return;
    }
    sc_ledger_free(&f->ledger);
    sc_setup_free(&f->setup);
    f->ledger = t->ledger;
    f->setup = t->setup;
    f->verify = t->verify;
    f->compiler = t->compiler;
    f->widen = t->widen;
    f->unknown = t->unknown;
    memset(t, 0, sizeof *t); /* f owns what it held now */
    f->gen++;
    /* the notes taken inside go with it (the filter is argument 1 of every
     * caller) */
    sc_notes_truncate(L, 1, f->tx_notes[f->tx_depth]);
    /* the context follows the record; should the rebuild fail, the next
     * use of the filter rebuilds it (the rejection itself is done) */
    f->ctx_stale = 1;
    (void)sc_filter_rebuild(f);
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

/* Is the transaction f:transaction started (depth d, serial s) still open? */
static int sc_tx_open(const sc_filter *f, size_t d, unsigned long s)
{
    return f->ctx != NULL && f->tx_depth >= d && f->tx[d - 1].serial == s;
}

/* f:transaction(fn) -> whatever fn returns.  fn(f) runs inside a transaction:
 * it is committed when fn returns, rejected (and fn's error re-raised, as
 * it was) when fn raises.  Whatever fn did is undone by the rejection:
 * rules, arches, attributes, a reset, transactions it opened inside. */
static int l_transaction(lua_State *L)
{
    sc_filter *f = sc_checkfilter(L, 1);
    size_t d;
    unsigned long serial;
    luaL_checktype(L, 2, LUA_TFUNCTION);
    lua_settop(L, 2);
    sc_transaction(L, f, SC_TX_START);
    d = f->tx_depth;
    serial = f->tx[d - 1].serial;
    lua_pushvalue(L, 2);
    lua_pushvalue(L, 1);
    if (lua_pcall(L, 1, LUA_MULTRET, 0) != LUA_OK) {
        /* fn's error, whatever fn did to the transactions: reject what is
         * left of ours, inner ones first */
        while (sc_tx_open(f, d, serial))
            sc_transaction(L, f, SC_TX_REJECT);
        return lua_error(L);
    }
    if (f->ctx == NULL) /* fn released the filter: nothing left to commit */
        luaL_error(L, "transaction: the filter was released inside the transaction");
    if (!sc_tx_open(f, d, serial))
        sc_fail(L, "transaction", EINVAL, "the function ended the transaction itself (with "
                "transaction_commit or transaction_reject): the filter is as it left it");
    if (f->tx_depth > d) {
        int left = (int)(f->tx_depth - d);
        while (sc_tx_open(f, d, serial))
            sc_transaction(L, f, SC_TX_REJECT);
        sc_fail(L, "transaction", EINVAL, lua_pushfstring(L, "the function returned with %d "
                "transaction%s it started still open: the whole transaction was rejected", left,
                left == 1 ? "" : "s"));
    }
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
#ifdef SC_MEASURE_REBUILD_ALWAYS /* bench: the cost of a new context for every program */
    int rc = sc_filter_rebuild(f);
    if (rc < 0)
        sc_fail(L, op, rc, "rebuilding the filter's context failed");
#endif
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
        sc_push_stub_comment(L, f);
        sc_export_string(L, f, 0, "export_pfc");
        lua_remove(L, -2); /* the fd guard */
        lua_concat(L, 2);
        return 1;
    } else {
        luaL_Stream *s = sc_checkfile(L, 2);
        size_t clen;
        const char *comment;
        int rc;
        sc_push_stub_comment(L, f);
        comment = lua_tolstring(L, -1, &clen);
        if (clen > 0 && fwrite(comment, 1, clen, s->f) != clen)
            sc_fail(L, "export_pfc", errno, "writing runc's stub to the file failed");
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
    sc_notes_stamp(L, 1, 2);
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
    for (i = 0; i < f->setup.narches; i++) {
        if (!first)
            luaL_addstring(&b, ", ");
        luaL_addstring(&b, sc_arch_name(f->setup.arches[i]));
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
