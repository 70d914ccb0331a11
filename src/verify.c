/*
 * verify.c - f:verify(): the filter's compiled program, checked against its
 * rule ledger in the in-process interpreter.
 *
 * Semantics (docs/verify.md): a call satisfying no rule gets the default
 * action; one satisfying rules of a single action gets that action; one
 * satisfying rules of several actions gets any of them (programs from
 * libseccomp, which defines no order), or the most restrictive one
 * (programs from the module's own compiler: kill_process, kill_thread, trap,
 * errno, notify, trace, log, allow; the earlier rule between two of one
 * kind).  Conditions compare 64-bit unsigned values on 64-bit arches and the
 * low 32 bits on 32-bit arches; {arg, "&=", mask, v} holds when
 * arg & mask == v & mask.
 *
 * The vectors: per arch of the filter and per syscall number the rules or
 * the arch's table name, every argument that a rule or the program (on the
 * path that number takes) tests gets the values w - 1, w, w + 1 of each
 * 32-bit word w of every datum and program constant, plus 0 and 0xffffffff,
 * both words combined, plus one witness per feasible combination of the
 * truth values of its masked tests; then the cross product over those
 * arguments, exhaustive while it stays under the budget, else every pair of
 * arguments over their values plus a seeded sample.  Unnamed numbers, -1
 * and a number past the table must get the default action; arches the
 * filter lacks (and x32 numbers on x86_64 without x32) the bad-arch action.
 *
 * Nothing here raises while it holds malloc'd memory: the work area is a
 * userdata whose __gc frees it.
 */
#include "core.h"

#define SC_VERIFY_MAXCEX 64     /* counterexamples kept in a report */
#define SC_VERIFY_MAXVALS 4096  /* values per argument */
#define SC_VERIFY_SAMPLE 65536  /* random vectors when the product is over the budget */

/* The work area: everything malloc'd during a verification. */
typedef struct {
    void *p[6];
} sc_varea;

static int l_varea_gc(lua_State *L)
{
    sc_varea *a = luaL_checkudata(L, 1, SC_VERIFY_MT);
    size_t i;
    for (i = 0; i < sizeof a->p / sizeof a->p[0]; i++) {
        free(a->p[i]);
        a->p[i] = NULL;
    }
    return 0;
}

/* One rule's presence on a syscall number of an arch. */
typedef struct {
    int nr;
    int rule;   /* ledger index */
    int mux;    /* 1: through socketcall/ipc, arg0 == sub */
    uint32_t sub;
} sc_ventry;

typedef struct {
    /* inputs */
    const sc_filter *f;
    const sc_sim_prog *p;
    uint32_t def, badarch;
    int most_restrictive; /* the module's semantics (compiler "binding") */
    int widen;            /* multiplexed paths take a conditional rule's action (its
                           * conditions on arguments 1..5 tested there) */
    int unknown;          /* numbers past the highest one named get ERRNO(ENOSYS) */
    int stub;             /* runc's stub (unknown = "runc") answers first (stub.c) */
    int have_max;         /* on the arch being verified: the highest number named */
    uint32_t max;
    uint64_t budget;
    uint64_t seed;
    /* outputs */
    uint64_t vectors;
    int exhaustive;
    size_t ncex_total;
    sc_cex *cex; /* SC_VERIFY_MAXCEX */
    size_t ncex;
    const char *oom;
    /* scratch */
    sc_ventry *ent;
    size_t nent, capent;
    uint64_t *vals; /* 6 * SC_VERIFY_MAXVALS */
    size_t nvals[6];
    uint32_t *visit; /* program walk marks: n * SC_VW_STATES */
    uint32_t stamp;
} sc_verifier;

static uint64_t sc_vrand(uint64_t *s)
{
    /* splitmix64 */
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* 32-bit arches compare only the low word (as libseccomp generates). */
static int sc_arch_is32(uint32_t arch)
{
#ifdef SCMP_ARCH_MIPS64N32
    if (arch == SCMP_ARCH_MIPS64N32 || arch == SCMP_ARCH_MIPSEL64N32)
        return 1;
#endif
    return arch == SCMP_ARCH_X32 || (arch & 0x80000000u) == 0;
}

static int sc_cond_holds(const struct scmp_arg_cmp *c, uint64_t v, int is32)
{
    uint64_t a = c->datum_a, b = c->datum_b;
    if (is32) {
        v &= 0xffffffffu;
        a &= 0xffffffffu;
        b &= 0xffffffffu;
    }
    switch (c->op) {
    case SCMP_CMP_NE: return v != a;
    case SCMP_CMP_LT: return v < a;
    case SCMP_CMP_LE: return v <= a;
    case SCMP_CMP_EQ: return v == a;
    case SCMP_CMP_GE: return v >= a;
    case SCMP_CMP_GT: return v > a;
    case SCMP_CMP_MASKED_EQ: return (v & a) == (b & a);
    default: return 0;
    }
}

static uint32_t sc_more_restrictive(uint32_t a, uint32_t b)
{
    return sc_action_rank(b) < sc_action_rank(a) ? b : a;
}

/* The walker (what the program tests on the path a syscall number takes)
 * is in walk.c. */

/* ---- vectors -------------------------------------------------------------- */

static void sc_vals_add(sc_verifier *v, int arg, uint64_t x)
{
    size_t i, n = v->nvals[arg];
    uint64_t *a = v->vals + (size_t)arg * SC_VERIFY_MAXVALS;
    for (i = 0; i < n; i++)
        if (a[i] == x)
            return;
    if (n < SC_VERIFY_MAXVALS)
        a[v->nvals[arg]++] = x;
}

/* Combine word values: every high word with every low word. */
static void sc_vals_words(sc_verifier *v, int arg, const uint32_t *hi, size_t nhi,
                          const uint32_t *lo, size_t nlo)
{
    size_t i, j;
    for (i = 0; i < nhi; i++)
        for (j = 0; j < nlo; j++)
            sc_vals_add(v, arg, ((uint64_t)hi[i] << 32) | lo[j]);
}

static size_t sc_words_add(uint32_t *w, size_t n, size_t cap, uint32_t x)
{
    size_t i;
    uint32_t c[3];
    int k;
    c[0] = x - 1;
    c[1] = x;
    c[2] = x + 1;
    for (k = 0; k < 3; k++) {
        for (i = 0; i < n && w[i] != c[k]; i++)
            ;
        if (i == n && n < cap)
            w[n++] = c[k];
    }
    return n;
}

/* A value satisfying exactly the chosen truth values of the masked tests
 * on one argument, if a simple search finds one. */
static int sc_masked_witness(const struct scmp_arg_cmp **m, size_t nm, unsigned want, int is32,
                             uint64_t *seed, uint64_t *out)
{
    uint64_t fixed = 0, val = 0, x;
    size_t i;
    int tries;
    for (i = 0; i < nm; i++)
        if (want & (1u << i)) {
            uint64_t mask = m[i]->datum_a, bits = m[i]->datum_b & mask;
            if ((fixed & mask & (val ^ bits)) != 0)
                return 0; /* two true tests disagree on a bit */
            fixed |= mask;
            val = (val & ~mask) | bits;
        }
    for (tries = 0; tries < 64; tries++) {
        int ok = 1;
        uint64_t free_bits = tries == 0 ? 0 : tries == 1 ? ~(uint64_t)0 : sc_vrand(seed);
        x = (val & fixed) | (free_bits & ~fixed);
        if (is32)
            x &= 0xffffffffu;
        for (i = 0; i < nm && ok; i++)
            ok = (unsigned)sc_cond_holds(m[i], x, is32) == ((want >> i) & 1u);
        if (ok) {
            *out = x;
            return 1;
        }
    }
    return 0;
}

/* ---- checking one vector --------------------------------------------------- */

static void sc_vcheck(sc_verifier *v, const sc_ventry *e, size_t ne, int32_t nr, uint32_t arch,
                      const uint64_t args[6], int is32, uint32_t dflt)
{
    const sc_ledger *l = &v->f->ledger;
    uint32_t expected[8], got, best = 0;
    int nexp = 0, matched[8], nmatched = 0, best_rule = -1, ok = 0, i;
    size_t k;
    unsigned char data[BPF_SC_DATA_SIZE];
    const char *fault = NULL;
    /* runc's stub runs before the rules */
    if (v->stub && sc_stub_enosys(v->f, arch == SCMP_ARCH_X32 ? SCMP_ARCH_X86_64 : arch, (uint32_t)nr)) {
        ne = 0;
        dflt = SCMP_ACT_ERRNO(ENOSYS);
    }
    for (k = 0; k < ne; k++) {
        const sc_rule *r = &l->v[e[k].rule];
        uint32_t act = r->action;
        int holds = 1;
        unsigned c;
        if (e[k].mux) {
            holds = (is32 ? (args[0] & 0xffffffffu) : args[0]) == e[k].sub;
            /* Widened (libseccomp's way), the rule's conditions on the
             * other arguments are tested on the multiplexer's own. */
            for (c = 0; c < r->nconds && holds && v->widen; c++)
                if (r->conds[c].arg != 0)
                    holds = sc_cond_holds(&r->conds[c], args[r->conds[c].arg], is32);
            /* The real arguments are in memory, out of reach: a conditional
             * rule may or may not match.  Where an unconditional rule on the
             * call matches anyway, the rule's own action is one of the
             * possible answers; otherwise the default is too, so nothing
             * may be wider than the more restrictive of the two. */
            if (holds && r->nconds > 0 && !v->widen) {
                size_t u;
                int uncond = 0;
                for (u = 0; u < ne && !uncond; u++)
                    uncond = e[u].mux && e[u].sub == e[k].sub && l->v[e[u].rule].nconds == 0;
                if (!uncond)
                    act = sc_more_restrictive(act, v->def);
            }
        } else {
            for (c = 0; c < r->nconds && holds; c++)
                holds = sc_cond_holds(&r->conds[c], args[r->conds[c].arg], is32);
        }
        if (!holds)
            continue;
        if (nmatched < 8)
            matched[nmatched++] = e[k].rule;
        if (best_rule < 0 || sc_action_rank(act) < sc_action_rank(best)) {
            best = act;
            best_rule = e[k].rule;
        }
        for (i = 0; i < nexp && expected[i] != act; i++)
            ;
        if (i == nexp && nexp < 8)
            expected[nexp++] = act;
    }
    if (best_rule < 0) {
        expected[0] = dflt;
        nexp = 1;
    } else if (v->most_restrictive) {
        expected[0] = best;
        nexp = 1;
    }
    bpf_pack_data(data, v->p->big_endian, nr, arch == SCMP_ARCH_X32 ? SCMP_ARCH_X86_64 : arch, 0,
                  args);
    got = bpf_run_accel(v->p->prog, v->p->n, v->p->accel, data, v->p->big_endian, &fault);
    v->vectors++;
    for (i = 0; i < nexp && !ok; i++)
        ok = expected[i] == got;
    if (ok && fault == NULL)
        return;
    v->ncex_total++;
    if (v->ncex < SC_VERIFY_MAXCEX) {
        sc_cex *c = &v->cex[v->ncex++];
        c->nr = nr;
        c->arch = arch;
        memcpy(c->args, args, sizeof c->args);
        c->got = got;
        memcpy(c->expected, expected, sizeof expected);
        c->nexpected = nexp;
        memcpy(c->rules, matched, sizeof matched);
        c->nrules = nmatched;
    }
}

/* What a call no rule matches gets: the default action, or ENOSYS past
 * the highest number the rules name on the arch (unknown = "enosys"). */
static uint32_t sc_vmiss(const sc_verifier *v, int32_t nr)
{
    if (v->unknown && v->have_max && (uint32_t)nr > v->max)
        return SCMP_ACT_ERRNO(ENOSYS);
    return v->def;
}

/* All vectors for one syscall number of one arch: entries e[0..ne). */
static void sc_vgroup(sc_verifier *v, const sc_ventry *e, size_t ne, int32_t nr, uint32_t arch,
                      int is32)
{
    const sc_ledger *l = &v->f->ledger;
    sc_vwalk w;
    uint32_t hi[256], lo[256];
    uint64_t constbuf[12][64], args[6], product = 1;
    int tested[6], nt = 0, a, i, j;
    size_t k;
    memset(&w, 0, sizeof w);
    w.prog = v->p->prog;
    w.n = v->p->n;
    w.visit = v->visit;
    w.nst = 1; /* st[0]: UNKNOWN */
    w.nr = nr;
    w.arch_data = arch == SCMP_ARCH_X32 ? SCMP_ARCH_X86_64 : arch;
    w.be = v->p->big_endian;
    w.capconsts = 64;
    for (i = 0; i < 12; i++)
        w.consts[i] = constbuf[i];
    w.stamp = ++v->stamp;
    sc_vw_run(&w, 0, 0);
    for (a = 0; a < 6; a++) {
        const struct scmp_arg_cmp *masked[8];
        size_t nm = 0, nhi = 0, nlo = 0;
        int used = (w.argmask >> a) & 1u;
        v->nvals[a] = 0;
        for (k = 0; k < ne; k++) {
            const sc_rule *r = &l->v[e[k].rule];
            unsigned c;
            if (e[k].mux && a == 0)
                used = 1;
            for (c = 0; c < r->nconds && (!e[k].mux || v->widen); c++)
                if (r->conds[c].arg == (unsigned)a && (!e[k].mux || a != 0))
                    used = 1;
        }
        if (!used)
            continue;
        nhi = sc_words_add(hi, nhi, 256, 0);
        nhi = sc_words_add(hi, nhi, 256, 0xffffffffu);
        nlo = sc_words_add(lo, nlo, 256, 0);
        nlo = sc_words_add(lo, nlo, 256, 0xffffffffu);
        for (k = 0; k < ne; k++) {
            const sc_rule *r = &l->v[e[k].rule];
            unsigned c;
            if (e[k].mux) {
                if (a == 0)
                    nlo = sc_words_add(lo, nlo, 256, e[k].sub);
                if (a == 0 || !v->widen)
                    continue; /* widened: the conditions on the others below */
            }
            for (c = 0; c < r->nconds; c++) {
                const struct scmp_arg_cmp *x = &r->conds[c];
                uint64_t d = x->op == SCMP_CMP_MASKED_EQ ? (x->datum_b & x->datum_a) : x->datum_a;
                if (x->arg != (unsigned)a)
                    continue;
                nhi = sc_words_add(hi, nhi, 256, (uint32_t)(d >> 32));
                nlo = sc_words_add(lo, nlo, 256, (uint32_t)d);
                if (x->op == SCMP_CMP_MASKED_EQ && nm < 8)
                    masked[nm++] = x;
            }
        }
        for (k = 0; k < w.nconsts[(size_t)a * 2]; k++)
            nlo = sc_words_add(lo, nlo, 256, (uint32_t)w.consts[(size_t)a * 2][k]);
        for (k = 0; k < w.nconsts[(size_t)a * 2 + 1]; k++)
            nhi = sc_words_add(hi, nhi, 256, (uint32_t)w.consts[(size_t)a * 2 + 1][k]);
        if (is32) { /* the kernel zero-extends a 32-bit task's arguments */
            hi[0] = 0;
            nhi = 1;
        }
        sc_vals_words(v, a, hi, nhi, lo, nlo);
        if (nm > 0) {
            unsigned want;
            for (want = 0; want < (1u << nm); want++) {
                uint64_t x;
                if (sc_masked_witness(masked, nm, want, is32, &v->seed, &x))
                    sc_vals_add(v, a, x);
            }
        }
        tested[nt++] = a;
    }
    memset(args, 0, sizeof args);
    for (i = 0; i < nt; i++) {
        product *= v->nvals[tested[i]];
        if (product > v->budget)
            break;
    }
    if (product <= v->budget) {
        size_t idx[6] = {0, 0, 0, 0, 0, 0};
        for (;;) {
            for (i = 0; i < nt; i++)
                args[tested[i]] = v->vals[(size_t)tested[i] * SC_VERIFY_MAXVALS + idx[i]];
            sc_vcheck(v, e, ne, nr, arch, args, is32, sc_vmiss(v, nr));
            for (i = 0; i < nt; i++) {
                if (++idx[i] < v->nvals[tested[i]])
                    break;
                idx[i] = 0;
            }
            if (i == nt)
                break;
        }
        return;
    }
    v->exhaustive = 0;
    /* every value of each argument alone, the others 0 */
    for (i = 0; i < nt; i++) {
        size_t x;
        for (x = 0; x < v->nvals[tested[i]]; x++) {
            memset(args, 0, sizeof args);
            args[tested[i]] = v->vals[(size_t)tested[i] * SC_VERIFY_MAXVALS + x];
            sc_vcheck(v, e, ne, nr, arch, args, is32, sc_vmiss(v, nr));
        }
    }
    /* every pair of arguments over their values, the others 0 */
    for (i = 0; i < nt; i++)
        for (j = i + 1; j < nt; j++) {
            size_t x, y;
            for (x = 0; x < v->nvals[tested[i]]; x++)
                for (y = 0; y < v->nvals[tested[j]]; y++) {
                    memset(args, 0, sizeof args);
                    args[tested[i]] = v->vals[(size_t)tested[i] * SC_VERIFY_MAXVALS + x];
                    args[tested[j]] = v->vals[(size_t)tested[j] * SC_VERIFY_MAXVALS + y];
                    sc_vcheck(v, e, ne, nr, arch, args, is32, sc_vmiss(v, nr));
                }
        }
    /* and a seeded sample of the whole product */
    {
        uint64_t s, n = v->budget < SC_VERIFY_SAMPLE ? v->budget : SC_VERIFY_SAMPLE;
        for (s = 0; s < n; s++) {
            memset(args, 0, sizeof args);
            for (i = 0; i < nt; i++)
                args[tested[i]] = v->vals[(size_t)tested[i] * SC_VERIFY_MAXVALS +
                                          (size_t)(sc_vrand(&v->seed) % v->nvals[tested[i]])];
            sc_vcheck(v, e, ne, nr, arch, args, is32, sc_vmiss(v, nr));
        }
    }
}

static int sc_ventry_cmp(const void *a, const void *b)
{
    const sc_ventry *x = a, *y = b;
    if (x->nr != y->nr)
        return x->nr < y->nr ? -1 : 1;
    return x->rule < y->rule ? -1 : x->rule > y->rule;
}

static int sc_vent_push(sc_verifier *v, int nr, int rule, int mux, uint32_t sub)
{
    if (v->nent == v->capent) {
        size_t cap = v->capent ? v->capent * 2 : 256;
        sc_ventry *e = realloc(v->ent, cap * sizeof *e);
        if (e == NULL)
            return -1;
        v->ent = e;
        v->capent = cap;
    }
    v->ent[v->nent].nr = nr;
    v->ent[v->nent].rule = rule;
    v->ent[v->nent].mux = mux;
    v->ent[v->nent].sub = sub;
    v->nent++;
    return 0;
}

/* One arch of the filter (index ai in sc_arches). */
static void sc_verify_arch(sc_verifier *v, size_t ai, unsigned char *placed)
{
    uint32_t arch = sc_arches[ai].token;
    const sc_ledger *l = &v->f->ledger;
    const sc_nrtab *t = sc_arch_table(arch);
    int is32 = sc_arch_is32(arch);
    size_t i, k, ti = 0;
    int last;
    if (t == NULL) {
        v->oom = "the arch's syscall table";
        return;
    }
    v->nent = 0;
    for (i = 0; i < l->n; i++) {
        sc_target tg;
        if (!sc_rule_on_arch(&l->v[i], ai))
            continue;
        sc_rule_target(&l->v[i], arch, &tg);
        if (tg.has_direct && sc_vent_push(v, tg.direct, (int)i, 0, 0) != 0)
            v->oom = "entries";
        if (tg.has_mux && sc_vent_push(v, tg.mux, (int)i, 1, tg.sub) != 0)
            v->oom = "entries";
        if (tg.has_direct || tg.has_mux)
            placed[i] = 1;
    }
    if (v->oom)
        return;
    if (v->nent > 1)
        qsort(v->ent, v->nent, sizeof *v->ent, sc_ventry_cmp);
    v->have_max = 0;
    for (k = 0; k < v->nent; k++)
        if (v->ent[k].nr >= 0 && (!v->have_max || (uint32_t)v->ent[k].nr > v->max)) {
            v->max = (uint32_t)v->ent[k].nr;
            v->have_max = 1;
        }
    /* the numbers rules name, with the table's numbers in between */
    for (k = 0; k < v->nent;) {
        size_t end = k;
        while (end < v->nent && v->ent[end].nr == v->ent[k].nr)
            end++;
        while (ti < t->n && t->nr[ti] < v->ent[k].nr)
            sc_vgroup(v, NULL, 0, t->nr[ti++], arch, is32);
        if (ti < t->n && t->nr[ti] == v->ent[k].nr)
            ti++;
        /* v->ent stays in the verifier (no Lua call here can raise); the
         * caller hands it to the area that frees it */
        sc_vgroup(v, v->ent + k, end - k, v->ent[k].nr, arch, is32);
        /* NOLINTNEXTLINE(clang-analyzer-unix.Malloc) */
        k = end;
    }
    while (ti < t->n)
        sc_vgroup(v, NULL, 0, t->nr[ti++], arch, is32);
    /* -1 and a number past the table, unless a rule names them */
    last = t->n ? t->nr[t->n - 1] : 0;
    for (k = 0; k < v->nent && v->ent[k].nr != -1; k++)
        ;
    if (k == v->nent)
        sc_vgroup(v, NULL, 0, -1, arch, is32);
    for (k = 0; k < v->nent && v->ent[k].nr != last + 1; k++)
        ;
    if (k == v->nent)
        sc_vgroup(v, NULL, 0, last + 1, arch, is32);
    /* and s390's 0 where no rule and no table has it (the multiplexer of
     * large numbers, which runc's stub answers) */
    for (k = 0; k < v->nent && v->ent[k].nr != 0; k++)
        ;
    if (v->stub && (arch == SCMP_ARCH_S390 || arch == SCMP_ARCH_S390X) && k == v->nent &&
        (t->n == 0 || t->nr[0] != 0))
        sc_vgroup(v, NULL, 0, 0, arch, is32);
}

/* A call on an arch the filter lacks must get the bad-arch action. */
static void sc_verify_badarch(sc_verifier *v, uint32_t arch_data, int32_t nr)
{
    static const uint64_t zero[6] = {0, 0, 0, 0, 0, 0};
    unsigned char data[BPF_SC_DATA_SIZE];
    const char *fault = NULL;
    uint32_t got;
    bpf_pack_data(data, v->p->big_endian, nr, arch_data, 0, zero);
    got = bpf_run_accel(v->p->prog, v->p->n, v->p->accel, data, v->p->big_endian, &fault);
    v->vectors++;
    if (got == v->badarch && fault == NULL)
        return;
    v->ncex_total++;
    if (v->ncex < SC_VERIFY_MAXCEX) {
        sc_cex *c = &v->cex[v->ncex++];
        memset(c, 0, sizeof *c);
        c->nr = nr;
        c->arch = arch_data;
        c->got = got;
        c->expected[0] = v->badarch;
        c->nexpected = 1;
    }
}

/* Run the whole verification; v's inputs set.  0, or -1 (v->oom says what). */
static int sc_verify_core(sc_verifier *v, uint64_t fmask, unsigned char *placed)
{
    size_t ai;
    int has_x86_64 = 0, has_x32 = 0;
    v->exhaustive = 1;
    for (ai = 0; ai < SC_NARCHES && ai < 64 && v->oom == NULL; ai++) {
        uint32_t tok = sc_arches[ai].token;
        if (!sc_arch_known(&sc_arches[ai]))
            continue;
        if ((fmask >> ai) & 1u) {
            has_x86_64 |= tok == SCMP_ARCH_X86_64;
            has_x32 |= tok == SCMP_ARCH_X32;
            sc_verify_arch(v, ai, placed);
        } else if (tok != SCMP_ARCH_X32) {
            sc_verify_badarch(v, tok, 0);
        }
    }
    if (v->oom == NULL) {
        sc_verify_badarch(v, 0x12345678u, 0); /* no arch at all */
        if (has_x86_64 && !has_x32) {
            const sc_nrtab *t = sc_arch_table(SCMP_ARCH_X32);
            size_t i;
            sc_verify_badarch(v, SCMP_ARCH_X86_64, 0x40000000);
            for (i = 0; t != NULL && i < t->n; i++)
                sc_verify_badarch(v, SCMP_ARCH_X86_64, t->nr[i]);
        }
        if (has_x32 && !has_x86_64)
            sc_verify_badarch(v, SCMP_ARCH_X86_64, 0);
    }
    return v->oom ? -1 : 0;
}

/* ---- the report ------------------------------------------------------------ */

static void sc_push_cex(lua_State *L, const sc_cex *c)
{
    char name[SC_LEDGER_NAMELEN];
    const struct sc_arch *a = sc_arch_by_token(c->arch);
    int i;
    lua_createtable(L, 0, 7);
    if (sc_syscall_name(c->arch, c->nr, name, sizeof name))
        lua_pushstring(L, name);
    else
        lua_pushnil(L);
    lua_setfield(L, -2, "syscall");
    lua_pushinteger(L, c->nr);
    lua_setfield(L, -2, "nr");
    if (a != NULL)
        lua_pushstring(L, a->name);
    else
        lua_pushinteger(L, (lua_Integer)c->arch);
    lua_setfield(L, -2, "arch");
    lua_createtable(L, 6, 0);
    for (i = 0; i < 6; i++) {
        lua_pushinteger(L, (lua_Integer)c->args[i]);
        lua_rawseti(L, -2, i + 1);
    }
    lua_setfield(L, -2, "args");
    lua_pushinteger(L, (lua_Integer)c->got);
    lua_setfield(L, -2, "got");
    lua_createtable(L, c->nexpected, 0);
    for (i = 0; i < c->nexpected; i++) {
        lua_pushinteger(L, (lua_Integer)c->expected[i]);
        lua_rawseti(L, -2, i + 1);
    }
    lua_setfield(L, -2, "expected");
    lua_createtable(L, c->nrules, 0);
    for (i = 0; i < c->nrules; i++) {
        lua_pushinteger(L, c->rules[i] + 1);
        lua_rawseti(L, -2, i + 1);
    }
    lua_setfield(L, -2, "rules");
}

/* Verify program p of the filter at fidx; push the report (a list of
 * counterexamples with vectors, exhaustive, unplaced and total fields) and
 * return how many counterexamples there are. Raises on failure to run. */
static size_t sc_verify_push(lua_State *L, int fidx, sc_filter *f, sc_sim_prog *p,
                             uint64_t budget, uint64_t seed, sc_cex *first)
{
    sc_verifier v;
    sc_varea *area;
    unsigned char *placed;
    size_t i, k;
    int rc;
    lua_Integer nunplaced = 0;
    luaL_checkstack(L, 8, NULL);
    fidx = lua_absindex(L, fidx);
    memset(&v, 0, sizeof v);
    v.f = f;
    v.p = p;
    v.budget = budget;
    v.seed = seed ^ 0x5eccull;
    v.most_restrictive = p->compiler_used == SC_COMPILER_BINDING;
    v.widen = f->widen;
    v.unknown = f->unknown == SC_UNKNOWN_ENOSYS;
    v.stub = f->unknown == SC_UNKNOWN_RUNC;
    if ((rc = seccomp_attr_get(f->ctx, SCMP_FLTATR_ACT_DEFAULT, &v.def)) < 0 ||
        (rc = seccomp_attr_get(f->ctx, SCMP_FLTATR_ACT_BADARCH, &v.badarch)) < 0)
        sc_raise(L, "verify", rc, "reading the filter's actions failed");
    area = sc_newuserdata(L, sizeof *area);
    memset(area, 0, sizeof *area);
    luaL_setmetatable(L, SC_VERIFY_MT);
    area->p[0] = v.vals = malloc((size_t)6 * SC_VERIFY_MAXVALS * sizeof *v.vals);
    area->p[1] = v.cex = malloc(SC_VERIFY_MAXCEX * sizeof *v.cex);
    area->p[2] = v.visit = calloc(p->n * SC_VW_STATES, sizeof *v.visit);
    area->p[3] = placed = calloc(f->ledger.n + 1, 1);
    if (!v.vals || !v.cex || !v.visit || !placed)
        sc_raise(L, "verify", ENOMEM, NULL);
    rc = sc_verify_core(&v, sc_filter_arch_mask(f), placed);
    area->p[4] = v.ent; /* freed with the area */
    if (rc != 0)
        sc_raise(L, "verify", ENOMEM, lua_pushfstring(L, "out of memory (%s)", v.oom));
    lua_createtable(L, (int)v.ncex, 5);
    for (k = 0; k < v.ncex; k++) {
        sc_push_cex(L, &v.cex[k]);
        lua_rawseti(L, -2, (lua_Integer)k + 1);
    }
    lua_pushinteger(L, (lua_Integer)v.vectors);
    lua_setfield(L, -2, "vectors");
    lua_pushboolean(L, v.exhaustive);
    lua_setfield(L, -2, "exhaustive");
    lua_pushinteger(L, (lua_Integer)v.ncex_total);
    lua_setfield(L, -2, "total");
    lua_newtable(L);
    for (i = 0; i < f->ledger.n; i++)
        if (!placed[i]) {
            lua_pushinteger(L, (lua_Integer)i + 1);
            lua_rawseti(L, -2, ++nunplaced);
        }
    lua_setfield(L, -2, "unplaced");
    if (first != NULL && v.ncex > 0)
        *first = v.cex[0];
    lua_remove(L, -2); /* the area: freed by the collector */
    (void)fidx;
    return v.ncex_total;
}

/* Push "getppid(0x300000000, 0, 0, 0, 0, 0) on x86_64" for counterexample c. */
static const char *sc_push_call(lua_State *L, const sc_cex *c)
{
    char name[SC_LEDGER_NAMELEN], buf[256];
    const struct sc_arch *a = sc_arch_by_token(c->arch);
    size_t n;
    int i;
    if (!sc_syscall_name(c->arch, c->nr, name, sizeof name))
        snprintf(name, sizeof name, "syscall %d", c->nr);
    n = (size_t)snprintf(buf, sizeof buf, "%s(", name);
    for (i = 0; i < 6 && n < sizeof buf; i++)
        n += (size_t)snprintf(buf + n, sizeof buf - n, c->args[i] < 10 ? "%s%llu" : "%s0x%llx",
                              i ? ", " : "", (unsigned long long)c->args[i]);
    if (n < sizeof buf) {
        if (a != NULL)
            snprintf(buf + n, sizeof buf - n, ") on %s", a->name);
        else
            snprintf(buf + n, sizeof buf - n, ") on arch 0x%08x", (unsigned)c->arch);
    }
    return lua_pushstring(L, buf);
}

/* Raise the error object for the first counterexample of the report at
 * the top of the stack: names the call, what the program returns, the rule
 * that says otherwise, and the libseccomp in use. */
static int sc_verify_raise(lua_State *L, int fidx, sc_filter *f, const char *op, const sc_cex *c,
                           int binding)
{
    const struct scmp_version *ver = seccomp_version();
    int report = lua_gettop(L);
    luaL_Buffer b;
    size_t total;
    luaL_checkstack(L, 12, NULL);
    lua_getfield(L, report, "total");
    total = (size_t)lua_tointeger(L, -1);
    lua_pop(L, 1);
    luaL_buffinit(L, &b);
    if (binding)
        luaL_addstring(&b, "the module's own program contradicts the rules (a bug: please report it): ");
    else {
        lua_pushfstring(L, "the program libseccomp %d.%d.%d generated contradicts the rules: ",
                        ver ? (int)ver->major : 0, ver ? (int)ver->minor : 0,
                        ver ? (int)ver->micro : 0);
        luaL_addvalue(&b);
    }
    sc_push_call(L, c);
    luaL_addvalue(&b);
    luaL_addstring(&b, " returns ");
    sc_push_action_name(L, c->got);
    luaL_addvalue(&b);
    if (c->nrules == 0) {
        luaL_addstring(&b, ", but no rule matches it, so the answer must be ");
        sc_push_action_name(L, c->expected[0]);
        luaL_addvalue(&b);
        luaL_addstring(&b, c->nr == 0 && c->args[0] == 0 ? " (the default or bad-arch action)"
                                                         : " (the default action)");
    } else {
        int i;
        for (i = 0; i < c->nrules; i++) {
            const sc_rule *r = &f->ledger.v[c->rules[i]];
            luaL_addstring(&b, i ? "; " : ", but ");
            sc_push_origin(L, fidx, r);
            if (lua_isnil(L, -1)) {
                lua_pop(L, 1);
                lua_pushfstring(L, "rule #%d", c->rules[i] + 1);
            }
            luaL_addvalue(&b);
            luaL_addstring(&b, " (");
            sc_push_action_name(L, r->action);
            luaL_addvalue(&b);
            luaL_addstring(&b, ") matches it");
        }
        for (i = 0; i < c->nexpected; i++) {
            luaL_addstring(&b, i == 0 ? ", so the answer must be " : " or ");
            sc_push_action_name(L, c->expected[i]);
            luaL_addvalue(&b);
        }
        if (c->nexpected == 1 && c->expected[0] != f->ledger.v[c->rules[0]].action)
            luaL_addstring(&b, " (the most restrictive of the rules matching it, or of a rule "
                           "and the default where the call is multiplexed and its real arguments "
                           "are out of reach)");
    }
    lua_pushfstring(L, "; %d wrong answer%s found: f:verify() lists %s; set_attr(\"verify\", "
                    "false) loads such a program anyway", (int)total, total == 1 ? "" : "s",
                    total == 1 ? "it" : "them");
    luaL_addvalue(&b);
    luaL_pushresult(&b);
    sc_push_error(L, op, EDOM, lua_tostring(L, -1));
    lua_rawgeti(L, report, 1);
    lua_setfield(L, -2, "counterexample");
    return lua_error(L);
}
