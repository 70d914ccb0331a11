/*
 * meaning.c - the one meaning of a filter's rules where they overlap
 * (docs/compiler.md, "Overlapping rules: the one meaning"): the order
 * libseccomp's rule database gives the rules of one syscall on one arch,
 * and the rule that decides a call.  Its one home: the module's compiler
 * (gen.c) emits the rules in this order, verify (verify.c) expects the
 * action of the rule it puts first among those that hold, and spawn's
 * explain (explain.c) names that rule.
 *
 * Per syscall number and arch, each rule that lands there is an instance
 * (sc_minst): its conditions as the order sees them on that arch
 * (normalized: the low 32 bits on 32-bit arches, the datum of a masked test
 * masked, a masked test with a zero mask dropped; sorted by argument).
 *   R1. The first instance without conditions decides every call; the rest
 *       are dead.
 *   R2. Otherwise the instances are sorted and the first that holds
 *       decides: compared condition by condition, a rule that runs out of
 *       conditions first comes first; at the first condition that differs,
 *       the higher argument first, then ==, != and &= before < and <=
 *       before > and >=, then the datum (ascending for < and <=, descending
 *       otherwise); on equal keys, the place of the first rule (in the
 *       ledger) that has the same earlier conditions and that condition.
 * R3 (libseccomp's refusals) is applied where rules are added (filter.c,
 * sc_mrefuses below for the rules libseccomp never sees).
 *
 * The multiplexed path (socketcall, ipc): a rule on a call an arch also
 * routes through a multiplexer has an instance there too, whose first
 * condition is arg0 == the call's number, compared on the bits the kernel
 * dispatches on (sc_mux_callmask); widened (libseccomp's way), the rule's
 * conditions on arguments 1..5 follow, tested on the multiplexer's own;
 * not widened, it has no other condition, and every rule of the call takes
 * the one action that is safe whatever the real arguments are (sc_mclamp).
 *
 * Plain C on top of ledger.c: no Lua, so fuzz/test_gen.c builds it.
 */
#include "plain.h"

#include <stdlib.h>
#include <string.h>

/* Lower is more restrictive: the kernel's order of actions. */
SC_LEDGER_API int32_t sc_action_rank(uint32_t a)
{
    return (int32_t)(a & 0xffff0000u);
}

/* Does this arch compare the low 32 bits only (32-bit arches, x32, mips
 * n32)?  From libseccomp's token: no __AUDIT_ARCH_64BIT (x32's token has
 * none), or mips n32's convention bit. */
SC_LEDGER_API int sc_tok_is32(uint32_t tok)
{
    return !(tok & 0x80000000u) || (tok & 0x20000000u);
}

/* The class of an operator in the order: higher comes first. */
static int sc_mclass(unsigned op)
{
    switch (op) {
    case SCMP_CMP_LT:
    case SCMP_CMP_LE: return 1;
    case SCMP_CMP_GT:
    case SCMP_CMP_GE: return 0;
    default: return 2; /* ==, !=, &= */
    }
}

/* Condition c as the order sees it on an arch of that width; 0 when it is
 * dropped (a masked test whose mask is 0 there). */
static int sc_mcond_of(const struct scmp_arg_cmp *c, int is32, sc_mcond *o)
{
    uint64_t width = is32 ? 0xffffffffu : ~(uint64_t)0;
    o->arg = (unsigned char)c->arg;
    o->op = (unsigned char)c->op;
    o->vmask = width;
    if (c->op == SCMP_CMP_MASKED_EQ) {
        o->mask = c->datum_a & width;
        o->datum = c->datum_b & o->mask;
        return o->mask != 0;
    }
    o->mask = width;
    o->datum = c->datum_a & width;
    return 1;
}

/* Append rule r's conditions on arguments from_arg..5 to x, then keep x's
 * conditions in ascending argument order (stable). */
static void sc_minst_conds(sc_minst *x, const sc_rule *r, int is32, unsigned from_arg)
{
    unsigned i, j;
    for (i = 0; i < r->nconds && i < 6 && x->n < 6; i++) {
        if (r->conds[i].arg < from_arg)
            continue;
        if (sc_mcond_of(&r->conds[i], is32, &x->c[x->n]))
            x->n++;
    }
    for (i = 1; i < x->n; i++) {
        sc_mcond t = x->c[i];
        for (j = i; j > 0 && x->c[j - 1].arg > t.arg; j--)
            x->c[j] = x->c[j - 1];
        x->c[j] = t;
    }
}

/* Rule r (ledger index `rule`) on number nr of an arch of that width. */
SC_LEDGER_API void sc_minst_direct(sc_minst *x, const sc_rule *r, int rule, int32_t nr, int is32)
{
    memset(x, 0, sizeof *x);
    x->nr = nr;
    x->rule = rule;
    x->action = x->raction = r->action;
    x->clamp_rule = rule;
    sc_minst_conds(x, r, is32, 0);
    x->uncond_rule = x->n == 0;
}

/* Rule r on the multiplexer nr of an arch of that width, as call `sub`
 * (the kernel dispatching on arg0 & submask); widened: with the rule's
 * conditions on arguments 1..5. */
SC_LEDGER_API void sc_minst_mux(sc_minst *x, const sc_rule *r, int rule, int32_t nr, int is32,
                                uint32_t sub, uint32_t submask, int widen)
{
    sc_minst probe;
    sc_minst_direct(&probe, r, rule, nr, is32);
    memset(x, 0, sizeof *x);
    x->nr = nr;
    x->rule = rule;
    x->action = x->raction = r->action;
    x->clamp_rule = rule;
    x->mux = 1;
    x->sub = sub;
    x->uncond_rule = probe.uncond_rule;
    x->c[0].arg = 0;
    x->c[0].op = SCMP_CMP_EQ;
    x->c[0].datum = sub;
    x->c[0].mask = is32 ? 0xffffffffu : ~(uint64_t)0;
    x->c[0].vmask = submask & x->c[0].mask;
    x->n = 1;
    if (widen)
        sc_minst_conds(x, r, is32, 1);
}

/* The instances of rules[0..n) on number nr of the arch with token tok
 * (index ai among the arches sc_rule_on_arch knows), in ledger order, into
 * out (room for n). */
SC_LEDGER_API size_t sc_mcollect(const sc_rule *rules, size_t n, size_t ai, uint32_t tok, int32_t nr,
                                 int widen, sc_minst *out)
{
    int is32 = sc_tok_is32(tok);
    int ipc = seccomp_syscall_resolve_name_arch(tok, "ipc");
    size_t i, k = 0;
    for (i = 0; i < n; i++) {
        sc_target t;
        if (!sc_rule_on_arch(&rules[i], ai))
            continue;
        sc_rule_target(&rules[i], tok, &t);
        if (t.has_direct && t.direct == nr)
            sc_minst_direct(&out[k++], &rules[i], (int)i, nr, is32);
        else if (t.has_mux && t.mux == nr)
            sc_minst_mux(&out[k++], &rules[i], (int)i, nr, is32, t.sub,
                         sc_mux_callmask(tok, t.mux == ipc), widen);
    }
    return k;
}

static int sc_mcond_same(const sc_mcond *a, const sc_mcond *b)
{
    return a->arg == b->arg && a->op == b->op && a->datum == b->datum && a->mask == b->mask;
}

/* -1 when c comes before d by the keys of the order, 1 after, 0 equal keys. */
static int sc_mcond_key(const sc_mcond *c, const sc_mcond *d)
{
    int kc = sc_mclass(c->op), kd = sc_mclass(d->op);
    if (c->arg != d->arg)
        return c->arg > d->arg ? -1 : 1;
    if (kc != kd)
        return kc > kd ? -1 : 1;
    if (c->datum == d->datum)
        return 0;
    if (kc == 1)
        return c->datum < d->datum ? -1 : 1;
    return c->datum > d->datum ? -1 : 1;
}

static int sc_minst_cmp(const void *a, const void *b)
{
    const sc_minst *x = a, *y = b;
    unsigned i;
    for (i = 0;; i++) {
        int k;
        if (i == x->n || i == y->n) {
            if (x->n == y->n)
                return (x->rule > y->rule) - (x->rule < y->rule);
            return i == x->n ? -1 : 1; /* a rule whose conditions begin the other's first */
        }
        if (sc_mcond_same(&x->c[i], &y->c[i]))
            continue;
        k = sc_mcond_key(&x->c[i], &y->c[i]);
        if (k != 0)
            return k;
        return x->place[i] < y->place[i] ? -1 : 1;
    }
}

/* Not widened: every instance of one call on the multiplexer takes the
 * action that is right whatever the call's real arguments (out of reach):
 * the first unconditional rule's, where the call has one (R1 decides every
 * call then), else the most restrictive of the call's rules' actions and
 * the default (the first rule's among actions of one kind, a rule's before
 * the default's). */
static void sc_mclamp(sc_minst *v, size_t n, uint32_t def)
{
    size_t i, j;
    for (i = 0; i < n; i++) {
        uint32_t best = def;
        int best_rule = -1, done = 0;
        if (!v[i].mux)
            continue;
        for (j = 0; j < n && !done; j++)
            if (v[j].mux && v[j].sub == v[i].sub && v[j].uncond_rule) {
                best = v[j].raction;
                best_rule = v[j].rule;
                done = 1;
            }
        for (j = 0; j < n && !done; j++) {
            if (!v[j].mux || v[j].sub != v[i].sub)
                continue;
            if (best_rule < 0 ? sc_action_rank(v[j].raction) <= sc_action_rank(best)
                              : sc_action_rank(v[j].raction) < sc_action_rank(best)) {
                best = v[j].raction;
                best_rule = v[j].rule;
            }
        }
        v[i].action = best;
        v[i].clamp_rule = best_rule;
        v[i].clamped = 1;
    }
}

/* Put the instances v[0..n) of one number (given in ledger order) in the
 * one meaning's order; returns how many of them take part (the first ones):
 * 1 when an unconditional rule decides (R1: it is moved first, the dead
 * ones follow in ledger order), else n. */
SC_LEDGER_API size_t sc_morder(sc_minst *v, size_t n, uint32_t def, int widen)
{
    size_t i, j;
    unsigned d;
    if (!widen)
        sc_mclamp(v, n, def);
    for (i = 0; i < n; i++)
        if (v[i].n == 0) {
            sc_minst u = v[i];
            memmove(v + 1, v, i * sizeof *v);
            v[0] = u;
            return 1;
        }
    /* each condition's place: the first rule in the ledger with the same
     * conditions up to it */
    for (i = 0; i < n; i++)
        for (d = 0, j = 0; d < v[i].n; d++) {
            for (; j < i; j++) {
                unsigned k;
                if (v[j].n <= d)
                    continue;
                for (k = 0; k <= d && sc_mcond_same(&v[j].c[k], &v[i].c[k]); k++)
                    ;
                if (k > d)
                    break;
            }
            v[i].place[d] = v[j].rule; /* j == i: its own */
        }
    if (n > 1)
        qsort(v, n, sizeof *v, sc_minst_cmp);
    return n;
}

/* Does instance x hold for these arguments? */
SC_LEDGER_API int sc_mholds(const sc_minst *x, const uint64_t args[6])
{
    unsigned i;
    for (i = 0; i < x->n; i++) {
        const sc_mcond *c = &x->c[i];
        uint64_t a = args[c->arg] & c->vmask;
        int ok;
        switch (c->op) {
        case SCMP_CMP_NE: ok = a != c->datum; break;
        case SCMP_CMP_LT: ok = a < c->datum; break;
        case SCMP_CMP_LE: ok = a <= c->datum; break;
        case SCMP_CMP_GE: ok = a >= c->datum; break;
        case SCMP_CMP_GT: ok = a > c->datum; break;
        case SCMP_CMP_MASKED_EQ: ok = (a & c->mask) == c->datum; break;
        case SCMP_CMP_EQ: ok = a == c->datum; break;
        default: ok = 0; break;
        }
        if (!ok)
            return 0;
    }
    return 1;
}

/* The instance that decides a call with these arguments among the first
 * nlive of v (in the order sc_morder gave): its index, or -1 (none holds:
 * the default action, or ENOSYS where that applies). */
SC_LEDGER_API long sc_mdecide(const sc_minst *v, size_t nlive, const uint64_t args[6])
{
    size_t i;
    for (i = 0; i < nlive; i++)
        if (sc_mholds(&v[i], args))
            return (long)i;
    return -1;
}

/* R3 for a rule libseccomp does not see (or that meets rules it does not
 * see): would libseccomp refuse instance x after the instances e[0..n)
 * (ledger order) of the same number and arch, in its widened form on a
 * multiplexer?  Only its own rules' refusals are made here: the same
 * conditions with another action, or x's conditions beginning an earlier
 * rule's (a shorter rule after a longer one) with another action; none
 * once the number has an unconditional rule, nor for one. */
SC_LEDGER_API int sc_mrefuses(const sc_minst *e, size_t n, const sc_minst *x)
{
    size_t i;
    unsigned k;
    if (x->n == 0)
        return 0;
    for (i = 0; i < n; i++)
        if (e[i].n == 0)
            return 0;
    for (i = 0; i < n; i++) {
        if (e[i].raction == x->raction || e[i].n < x->n)
            continue;
        for (k = 0; k < x->n && sc_mcond_same(&e[i].c[k], &x->c[k]); k++)
            ;
        if (k == x->n)
            return 1;
    }
    return 0;
}
