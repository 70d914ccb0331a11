/*
 * verify.c - f:verify(): the filter's compiled program, checked against its
 * rule ledger in the in-process interpreter.
 *
 * Semantics (docs/verify.md): the one meaning of the rules (meaning.c,
 * docs/compiler.md), whichever compiler made the program: per syscall
 * number and arch, the rules in libseccomp's order, and a call gets the
 * action of the first that holds, or the default action.  Conditions compare
 * 64-bit unsigned values on 64-bit arches and the low 32 bits on 32-bit
 * arches; {arg, "&=", mask, v} holds when arg & mask == v & mask.  A rule on
 * a multiplexed call (socket through socketcall, shmget through ipc) holds
 * on the multiplexer when arg0 has the call's number in the bits the kernel
 * dispatches on (sc_mux_callmask), with its conditions on arguments 1..5
 * where the filter accepts libseccomp's widening, else with the action that
 * is right whatever the real arguments are.
 *
 * Dead rules: the check also records which rules decide some cell, and
 * which hold in a cell another rule decides with another action; a rule
 * that decides none and is overruled somewhere is shadowed (report.shadowed,
 * and f:notes() through sc_shadow_list, which runs the same check on the
 * rules alone).  Where a number's cells were not all checked, only the
 * rules R1 makes dead there are known.
 *
 * The vectors.  Every 32-bit word the rules or the program test is
 * partitioned by the values it is compared with and by its masked tests:
 * each word takes w - 1, w, w + 1 for every datum word and program constant
 * w, 0 and 0xffffffff, and in every gap between two of those one value per
 * combination of truth values its masked tests take there (an exact search).
 * An argument's values are its high words times its low words, and the
 * vectors the cross product over the tested arguments: exhaustive while it
 * stays under the budget, else every value of each argument, every pair of
 * arguments and a seeded sample.  The syscall numbers are partitioned the
 * same way (the arch's table, the rules' numbers, and around every number the
 * program compares with); numbers no rule names must get the default action,
 * arches the filter lacks (and x32 numbers on x86_64 without x32) the bad-arch
 * action.  What the program tests is found by walking it (sc_vx_run); a test
 * the walk cannot follow, a budget and the few remaining caps make the
 * report not exhaustive and are listed in report.capped.
 *
 * Nothing here raises while it holds malloc'd memory: the verifier lives in
 * a userdata whose __gc frees what it allocated.
 */
#include "core.h"

#define SC_VERIFY_MAXCEX 64     /* counterexamples kept in a report */
#define SC_VERIFY_MAXCAPPED 64  /* capped entries kept in a report */
#define SC_VERIFY_NSAMPLE 65536 /* random vectors when the product is over the budget */
#define SC_VX_MASKED 30         /* masked tests per word whose combinations are covered */
#define SC_VX_GAPSTATES 16384   /* states per bit of the search for them */
#define SC_VX_WORDS 13          /* the walk's words: 12 argument words, then the syscall number */
#define SC_VX_NR 12
#define SC_VX_STATES 64         /* accumulator states per walk */

/* A growable array of words, and one of masked word tests. */
typedef struct {
    uint32_t *v;
    size_t n, cap;
} sc_u32s;

typedef struct {
    uint32_t mask, val; /* holds when word & mask == val (val within mask) */
} sc_wtest;

typedef struct {
    sc_wtest *v;
    size_t n, cap;
} sc_wtests;

/* One rule's presence on a syscall number of an arch. */
typedef struct {
    int nr;
    int rule;   /* ledger index */
    int mux;    /* 1: through socketcall/ipc, arg0 & submask == sub */
    uint32_t sub, submask;
} sc_ventry;

/* A state of sc_vgap's search: its bits, and the state one bit up it came
 * from (index) with the bit it chose (bit 31). */
typedef struct {
    uint32_t state, from;
} sc_dpnode;

/* Something that kept a check from covering every cell (report.capped). */
typedef struct {
    const char *cap;    /* "budget", "masked_tests", "program", "walk_states" */
    int nr, has_nr;
    uint32_t arch;
    int arg;            /* -1: none */
    uint64_t limit, count;
    const char *detail; /* static text */
} sc_vcapped;

typedef struct {
    /* inputs */
    const sc_filter *f;
    const sc_sim_prog *p;
    uint32_t def, badarch;
    int meaning_only;     /* no program: the rules' cells alone (sc_shadow_list) */
    int widen;            /* multiplexed paths take a conditional rule's action (its
                           * conditions on arguments 1..5 tested there) */
    int unknown;          /* numbers past the highest one named get ERRNO(ENOSYS) */
    int stub;             /* runc's stub (unknown = "runc") answers first (stub.c) */
    int have_max;         /* on the arch being verified: the highest number named */
    uint32_t max;
    uint64_t budget;
    uint64_t seed;
    int xmem;             /* the program writes X or scratch memory */
    /* outputs */
    uint64_t vectors;
    int exhaustive;
    size_t ncex_total;
    sc_cex cex[SC_VERIFY_MAXCEX];
    size_t ncex;
    sc_vcapped capped[SC_VERIFY_MAXCAPPED];
    size_t ncapped, ncapped_total;
    uint32_t *pool; /* every counterexample's whole lists: its actions, then its rules */
    size_t npool, cappool;
    const char *oom;
    unsigned char *placed; /* per rule: lands on some arch */
    /* per rule, for the dead ones: decides some cell; holds where another
     * rule decides with another action (shadower: the first such rule, 1 +
     * its index; -1: several); lands where not every cell was checked and
     * R1 does not decide; every overruling was R1's */
    unsigned char *decided, *overruled, *unsure, *by_r1;
    int *shadower;
    int group_capped;      /* a cap met on the number being checked */
    sc_minst *mi;          /* sc_vgroup: the number's rules in the one meaning's order */
    size_t capmi;
    /* scratch */
    sc_ventry *ent;
    size_t nent, capent;
    int *mbuf;          /* sc_vcheck: the rules that match (ledger size) */
    uint32_t *ebuf;     /* ... and the actions they allow (ledger size + 1) */
    uint32_t *visit;    /* program walk marks: n * SC_VX_STATES */
    uint32_t stamp;
    sc_u32s wconst[SC_VX_WORDS]; /* the walk: constants each word is compared with */
    sc_wtests wmask[SC_VX_WORDS]; /* ... and its masked tests */
    uint32_t wtested;            /* ... and which words it tests (bits) */
    sc_u32s words[12];   /* per argument word: its values (sorted boundaries, then witnesses) */
    sc_u32s bounds, nrs;
    sc_wtests tests;
    sc_dpnode *dp;       /* sc_vgap's search */
    size_t ndp, capdp;
    uint32_t *sortbuf;   /* sc_u32s_sort */
    size_t sortcap;
} sc_verifier;

static void sc_verifier_free(sc_verifier *v)
{
    size_t i;
    free(v->pool);
    free(v->placed);
    free(v->decided);
    free(v->overruled);
    free(v->unsure);
    free(v->by_r1);
    free(v->shadower);
    free(v->mi);
    free(v->ent);
    free(v->mbuf);
    free(v->ebuf);
    free(v->visit);
    for (i = 0; i < SC_VX_WORDS; i++) {
        free(v->wconst[i].v);
        free(v->wmask[i].v);
    }
    for (i = 0; i < 12; i++)
        free(v->words[i].v);
    free(v->bounds.v);
    free(v->nrs.v);
    free(v->tests.v);
    free(v->dp);
    free(v->sortbuf);
    memset(v, 0, sizeof *v);
}

static int l_varea_gc(lua_State *L)
{
    sc_verifier_free(luaL_checkudata(L, 1, SC_VERIFY_MT));
    return 0;
}

/* Grow *p (elements of size sz, *cap of them) to hold n + 1; 0, or -1 with
 * v->oom set. */
static int sc_vgrow(sc_verifier *v, void **p, size_t *cap, size_t n, size_t sz, const char *what)
{
    void *q;
    size_t c;
    if (n < *cap)
        return 0;
    c = *cap ? *cap : 64;
    while (c <= n) { /* index n must fit: double as often as that takes */
        if (c > SIZE_MAX / 2 / sz) {
            v->oom = what;
            return -1;
        }
        c *= 2;
    }
    q = realloc(*p, c * sz);
    if (q == NULL) {
        v->oom = what;
        return -1;
    }
    *p = q;
    *cap = c;
    return 0;
}

static void sc_u32s_push(sc_verifier *v, sc_u32s *s, uint32_t x)
{
    if (sc_vgrow(v, (void **)&s->v, &s->cap, s->n, sizeof *s->v, "values") == 0)
        s->v[s->n++] = x;
}

/* Add the masked test (mask, val) to t unless it is there or tests nothing. */
static void sc_wtests_add(sc_verifier *v, sc_wtests *t, uint32_t mask, uint32_t val)
{
    size_t i;
    val &= mask;
    if (mask == 0)
        return;
    for (i = 0; i < t->n; i++)
        if (t->v[i].mask == mask && t->v[i].val == val)
            return;
    if (sc_vgrow(v, (void **)&t->v, &t->cap, t->n, sizeof *t->v, "masked tests") == 0) {
        t->v[t->n].mask = mask;
        t->v[t->n++].val = val;
    }
}

static uint64_t sc_vrand(uint64_t *s)
{
    /* splitmix64 */
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t sc_vmul(uint64_t a, uint64_t b)
{
    return a != 0 && b > UINT64_MAX / a ? UINT64_MAX : a * b;
}

/* Note a cap or budget that kept the check from covering every cell:
 * the report is then not exhaustive. */
static void sc_vcap(sc_verifier *v, const char *cap, int has_nr, int nr, uint32_t arch, int arg,
                    uint64_t limit, uint64_t count, const char *detail)
{
    size_t i;
    v->exhaustive = 0;
    v->group_capped = 1;
    for (i = 0; i < v->ncapped; i++) {
        const sc_vcapped *c = &v->capped[i];
        if (c->cap == cap && c->has_nr == has_nr && c->nr == nr && c->arch == arch && c->arg == arg)
            return;
    }
    v->ncapped_total++;
    if (v->ncapped < SC_VERIFY_MAXCAPPED) {
        sc_vcapped *c = &v->capped[v->ncapped++];
        c->cap = cap;
        c->has_nr = has_nr;
        c->nr = nr;
        c->arch = arch;
        c->arg = arg;
        c->limit = limit;
        c->count = count;
        c->detail = detail;
    }
}

/* ---- what the program tests, on the path a syscall number takes ---------- */

/* The accumulator's abstract state while walking: unknown (a value no
 * argument reaches), derived (computed from an argument in a way the walk
 * does not follow), a known value (loaded from nr or arch), a word (an
 * argument's, or the syscall number while walking every number), or a word
 * under a mask.  States 0, 1 and 2 + word are fixed; the rest are interned. */
enum { SC_VXA_UNKNOWN, SC_VXA_DERIVED, SC_VXA_KNOWN, SC_VXA_WORD, SC_VXA_MASKED };
#define SC_VX_FIXED (2 + SC_VX_WORDS)

typedef struct {
    int kind;
    uint32_t v;    /* KNOWN: the value; WORD, MASKED: the word (arg * 2 + high, or SC_VX_NR) */
    uint32_t mask; /* MASKED */
} sc_vxstate;

typedef struct {
    sc_verifier *v;
    sc_vxstate st[SC_VX_STATES];
    int nst;
    int32_t nr;
    int all_nrs;          /* every number: nr is a word, arguments unknown */
    uint32_t arch_data;
    int be;
    const char *unmodeled; /* a test the walk cannot follow */
    int states_full;
} sc_vxwalk;

static void sc_vx_start(sc_vxwalk *w, sc_verifier *v, int32_t nr, uint32_t arch, int all_nrs)
{
    static const sc_vxstate fixed[SC_VX_FIXED] = {
        {SC_VXA_UNKNOWN, 0, 0}, {SC_VXA_DERIVED, 0, 0}, {SC_VXA_WORD, 0, 0}, {SC_VXA_WORD, 1, 0},
        {SC_VXA_WORD, 2, 0}, {SC_VXA_WORD, 3, 0}, {SC_VXA_WORD, 4, 0}, {SC_VXA_WORD, 5, 0},
        {SC_VXA_WORD, 6, 0}, {SC_VXA_WORD, 7, 0}, {SC_VXA_WORD, 8, 0}, {SC_VXA_WORD, 9, 0},
        {SC_VXA_WORD, 10, 0}, {SC_VXA_WORD, 11, 0}, {SC_VXA_WORD, SC_VX_NR, 0}};
    int i;
    w->v = v;
    memcpy(w->st, fixed, sizeof fixed);
    w->nst = SC_VX_FIXED;
    w->unmodeled = NULL;
    w->states_full = 0;
    w->nr = nr;
    w->all_nrs = all_nrs;
    w->arch_data = arch == SCMP_ARCH_X32 ? SCMP_ARCH_X86_64 : arch;
    w->be = v->p->big_endian;
    for (i = 0; i < SC_VX_WORDS; i++) {
        v->wconst[i].n = 0;
        v->wmask[i].n = 0;
    }
    v->wtested = 0;
    v->stamp++;
}

static int sc_vx_intern(sc_vxwalk *w, int kind, uint32_t val, uint32_t mask)
{
    int i;
    for (i = SC_VX_FIXED; i < w->nst; i++)
        if (w->st[i].kind == kind && w->st[i].v == val && w->st[i].mask == mask)
            return i;
    if (w->nst == SC_VX_STATES) {
        if (kind == SC_VXA_KNOWN)
            return 0; /* unknown: both ways of every jump, a sound over-approximation */
        w->states_full = 1;
        return 1; /* derived: a test of it is reported */
    }
    w->st[w->nst].kind = kind;
    w->st[w->nst].v = val;
    w->st[w->nst].mask = mask;
    return w->nst++;
}

/* The state an absolute load at offset k gives. */
static int sc_vx_load(sc_vxwalk *w, uint32_t k)
{
    if (k == 0)
        return w->all_nrs ? 2 + SC_VX_NR : sc_vx_intern(w, SC_VXA_KNOWN, (uint32_t)w->nr, 0);
    if (k == 4)
        return sc_vx_intern(w, SC_VXA_KNOWN, w->arch_data, 0);
    if (k >= 16 && k < 64 && k % 4 == 0) {
        int arg = (int)(k - 16) / 8, high = ((k - 16) % 8 == 4) != (w->be != 0);
        return w->all_nrs ? 0 : 2 + arg * 2 + high;
    }
    return 1; /* the instruction pointer: verify runs every call at ip 0 */
}

/* A conditional jump of kind op (BPF_JEQ, JGT, JGE, JSET) against k tests
 * the word of state st. */
static void sc_vx_test(sc_vxwalk *w, const sc_vxstate *st, unsigned op, uint32_t k)
{
    sc_verifier *v = w->v;
    uint32_t word = st->v, mask = st->kind == SC_VXA_MASKED ? st->mask : 0xffffffffu;
    v->wtested |= 1u << word;
    if (op == BPF_JSET) {
        if (mask == 0xffffffffu && k == 0xffffffffu)
            sc_u32s_push(v, &v->wconst[word], 0); /* any bit set: != 0 */
        else
            sc_wtests_add(v, &v->wmask[word], mask & k, 0);
    } else if (mask == 0xffffffffu) {
        sc_u32s_push(v, &v->wconst[word], k);
    } else if (op == BPF_JEQ) {
        if ((k & ~mask) == 0) /* else it never holds: nothing to tell apart */
            sc_wtests_add(v, &v->wmask[word], mask, k);
    } else {
        w->unmodeled = "it compares a masked word by order";
    }
}

/* The state after ALU instruction ins on state s. */
static int sc_vx_alu(sc_vxwalk *w, int s, const struct sock_filter *ins)
{
    const sc_vxstate *st = &w->st[s];
    if ((st->kind == SC_VXA_WORD || st->kind == SC_VXA_MASKED) && BPF_OP(ins->code) == BPF_AND &&
        BPF_SRC(ins->code) == BPF_K) {
        uint32_t m = (st->kind == SC_VXA_MASKED ? st->mask : 0xffffffffu) & ins->k;
        return m == 0xffffffffu ? 2 + (int)st->v : sc_vx_intern(w, SC_VXA_MASKED, st->v, m);
    }
    if (st->kind == SC_VXA_WORD || st->kind == SC_VXA_MASKED || st->kind == SC_VXA_DERIVED ||
        (BPF_SRC(ins->code) == BPF_X && w->v->xmem))
        return 1;
    return 0;
}

/* Depth-first over (pc, state), each pair once; jumps go forward only. */
static void sc_vx_run(sc_vxwalk *w, size_t pc, int s)
{
    const sc_sim_prog *p = w->v->p;
    while (pc < p->n) {
        const struct sock_filter *ins = &p->prog[pc];
        uint32_t *mark = &w->v->visit[pc * SC_VX_STATES + (size_t)s];
        uint16_t code = ins->code;
        int kind = w->st[s].kind;
        size_t jt, jf;
        if (*mark == w->v->stamp)
            return;
        *mark = w->v->stamp;
        switch (BPF_CLASS(code)) {
        case BPF_LD:
            if (code == (BPF_LD | BPF_W | BPF_ABS))
                s = sc_vx_load(w, ins->k);
            else if (code == (BPF_LD | BPF_IMM))
                s = sc_vx_intern(w, SC_VXA_KNOWN, ins->k, 0);
            else /* scratch memory (derived when the program stores there), the length */
                s = BPF_MODE(code) == BPF_MEM && w->v->xmem ? 1 : 0;
            pc++;
            break;
        case BPF_ALU:
            s = sc_vx_alu(w, s, ins);
            pc++;
            break;
        case BPF_MISC:
            if ((code & 0xf8) == 0x80) /* TXA */
                s = w->v->xmem ? 1 : 0;
            pc++;
            break;
        case BPF_RET:
            if ((code & 0x18) == BPF_A && kind != SC_VXA_UNKNOWN && kind != SC_VXA_KNOWN)
                w->unmodeled = "it returns a value computed from an argument";
            return;
        case BPF_JMP:
            if (BPF_OP(code) == BPF_JA) {
                pc += 1 + ins->k;
                break;
            }
            jt = pc + 1 + ins->jt;
            jf = pc + 1 + ins->jf;
            if (BPF_SRC(code) == BPF_X) {
                if ((kind != SC_VXA_UNKNOWN && kind != SC_VXA_KNOWN) || w->v->xmem)
                    w->unmodeled = "it compares with the X register";
            } else if (kind == SC_VXA_KNOWN && BPF_OP(code) == BPF_JEQ) {
                pc = bpf_jeq_next(p->prog, p->accel, pc, w->st[s].v); /* a whole chain at once */
                break;
            } else if (kind == SC_VXA_KNOWN) {
                uint32_t A = w->st[s].v, k = ins->k;
                int taken = BPF_OP(code) == BPF_JEQ ? A == k : BPF_OP(code) == BPF_JGT ? A > k
                          : BPF_OP(code) == BPF_JGE ? A >= k : (A & k) != 0;
                pc = taken ? jt : jf;
                break;
            } else if (kind == SC_VXA_WORD || kind == SC_VXA_MASKED) {
                sc_vx_test(w, &w->st[s], BPF_OP(code), ins->k);
            } else if (kind == SC_VXA_DERIVED) {
                w->unmodeled = "it tests a value computed from an argument (or the instruction pointer)";
            }
            sc_vx_run(w, jt, s);
            pc = jf;
            break;
        default: /* LDX, ST, STX: the accumulator is unchanged */
            pc++;
            break;
        }
    }
}

/* ---- the values of a word ------------------------------------------------- */

/* Sort s ascending: by insertion when short, else a radix sort by bytes
 * (the lists run to thousands of program constants, and qsort's calls
 * cost more than the sorting). */
static void sc_u32s_sort(sc_verifier *v, sc_u32s *s)
{
    size_t count[256], i, shift;
    uint32_t *a = s->v, *b;
    if (s->n <= 48) { /* short: by insertion */
        for (i = 1; i < s->n; i++) {
            uint32_t x = a[i];
            size_t j = i;
            for (; j > 0 && a[j - 1] > x; j--)
                a[j] = a[j - 1];
            a[j] = x;
        }
        return;
    }
    if (s->n > v->sortcap) {
        uint32_t *q = realloc(v->sortbuf, s->n * sizeof *q);
        if (q == NULL) {
            v->oom = "values";
            return;
        }
        v->sortbuf = q;
        v->sortcap = s->n;
    }
    b = v->sortbuf;
    for (shift = 0; shift < 32; shift += 8) {
        size_t sum = 0;
        uint32_t *tmp;
        memset(count, 0, sizeof count);
        for (i = 0; i < s->n; i++)
            count[(a[i] >> shift) & 0xffu]++;
        for (i = 0; i < 256; i++) {
            size_t c = count[i];
            count[i] = sum;
            sum += c;
        }
        for (i = 0; i < s->n; i++)
            b[count[(a[i] >> shift) & 0xffu]++] = a[i];
        tmp = a;
        a = b;
        b = tmp;
    }
    /* four passes: the sorted values are back in s->v */
}

static int sc_dpnode_cmp(const void *a, const void *b)
{
    uint32_t x = ((const sc_dpnode *)a)->state, y = ((const sc_dpnode *)b)->state;
    return (x > y) - (x < y);
}

/* One value of [lo, hi] for every combination of truth values the masked
 * tests t[0..nt) (nt <= SC_VX_MASKED) take there, appended to out.  An exact
 * search from the top bit down over the states (the prefix still equals
 * lo's, still equals hi's, which tests still hold), each kept once per bit:
 * tests on one mask (ipc's call numbers) reach few states.  More than
 * SC_VX_GAPSTATES states on one bit is reported as a cap. */
static void sc_vgap(sc_verifier *v, uint32_t lo, uint32_t hi, const sc_wtest *t, size_t nt,
                    sc_u32s *out, int has_nr, int32_t nr, uint32_t arch, int arg)
{
    uint32_t all = nt >= 32 ? 0xffffffffu : (1u << nt) - 1;
    size_t start[34], lvl, i, n;
    v->ndp = 0;
    if (sc_vgrow(v, (void **)&v->dp, &v->capdp, 0, sizeof *v->dp, "the masked tests' search") != 0)
        return;
    v->dp[0].state = 3u << nt | all; /* equal to lo's and hi's (empty) prefixes, every test holding */
    v->dp[0].from = 0;
    v->ndp = 1;
    start[0] = 0;
    start[1] = 1;
    for (lvl = 0; lvl < 32; lvl++) {
        unsigned bit = 31 - (unsigned)lvl, lb = (lo >> bit) & 1u, hb = (hi >> bit) & 1u, b;
        uint32_t mset = 0, bval = 0;
        for (i = 0; i < nt; i++)
            if ((t[i].mask >> bit) & 1u) {
                mset |= 1u << i;
                bval |= ((t[i].val >> bit) & 1u) << i;
            }
        for (i = start[lvl]; i < start[lvl + 1]; i++) {
            uint32_t s = v->dp[i].state, tl = (s >> (nt + 1)) & 1u, th = (s >> nt) & 1u;
            for (b = 0; b < 2; b++) {
                uint32_t eq;
                if ((tl && b < lb) || (th && b > hb))
                    continue;
                eq = (s & all) & ~(mset & (b ? ~bval : bval));
                if (sc_vgrow(v, (void **)&v->dp, &v->capdp, v->ndp, sizeof *v->dp,
                             "the masked tests' search") != 0)
                    return;
                /* past the last bit only the truth values matter */
                v->dp[v->ndp].state = lvl == 31 ? eq : (uint32_t)(tl && b == lb) << (nt + 1) |
                                                       (uint32_t)(th && b == hb) << nt | eq;
                v->dp[v->ndp++].from = (uint32_t)i | (uint32_t)b << 31;
            }
        }
        /* each state once */
        qsort(v->dp + start[lvl + 1], v->ndp - start[lvl + 1], sizeof *v->dp, sc_dpnode_cmp);
        for (i = n = start[lvl + 1]; i < v->ndp; i++)
            if (n == start[lvl + 1] || v->dp[i].state != v->dp[n - 1].state)
                v->dp[n++] = v->dp[i];
        v->ndp = n;
        start[lvl + 2] = n;
        if (n - start[lvl + 1] > SC_VX_GAPSTATES) {
            sc_vcap(v, "masked_tests", has_nr, nr, arch, arg, SC_VX_GAPSTATES, n - start[lvl + 1],
                    "states");
            return;
        }
    }
    for (i = start[32]; i < start[33]; i++) {
        size_t cur = i;
        uint32_t x = 0;
        for (lvl = 32; lvl > 0; lvl--) {
            x |= (v->dp[cur].from >> 31) << (32 - lvl);
            cur = v->dp[cur].from & 0x7fffffffu;
        }
        sc_u32s_push(v, out, x);
    }
}

/* The values one word takes (out, replaced): w - 1, w, w + 1 of every
 * boundary in v->bounds and of 0 and 0xffffffff, sorted; then one value for
 * each combination of truth values the masked tests v->tests take in each
 * gap between two of them. */
static void sc_word_values(sc_verifier *v, sc_u32s *out, int has_nr, int32_t nr, uint32_t arch,
                           int arg)
{
    size_t i, n;
    static const uint32_t ends[4] = {0xffffffffu, 0, 1, 0xfffffffeu};
    out->n = 0;
    for (i = 0; i < 4; i++)
        sc_u32s_push(v, out, ends[i]);
    for (i = 0; i < v->bounds.n; i++) {
        sc_u32s_push(v, out, v->bounds.v[i] - 1);
        sc_u32s_push(v, out, v->bounds.v[i]);
        sc_u32s_push(v, out, v->bounds.v[i] + 1);
    }
    sc_u32s_sort(v, out);
    if (v->oom)
        return;
    for (i = n = 1; i < out->n; i++)
        if (out->v[i] != out->v[n - 1])
            out->v[n++] = out->v[i];
    out->n = n;
    for (i = 0; i + 1 < n && v->tests.n > 0 && v->oom == NULL; i++)
        if (out->v[i + 1] - out->v[i] > 1)
            sc_vgap(v, out->v[i] + 1, out->v[i + 1] - 1, v->tests.v, v->tests.n, out, has_nr, nr,
                    arch, arg);
}

/* Cap the masked tests of a word at SC_VX_MASKED (reported). */
static void sc_vtests_cap(sc_verifier *v, int has_nr, int32_t nr, uint32_t arch, int arg)
{
    if (v->tests.n > SC_VX_MASKED) {
        sc_vcap(v, "masked_tests", has_nr, nr, arch, arg, SC_VX_MASKED, v->tests.n, NULL);
        v->tests.n = SC_VX_MASKED;
    }
}

/* The values of word `hi` of argument a on the number whose rules (in
 * the one meaning's order, those that take part) are mi[0..n), from their
 * conditions and from what the walk found: v->words[2a + hi]. */
static void sc_varg_words(sc_verifier *v, const sc_minst *mi, size_t n, int a, int hi, int is32,
                          int32_t nr, uint32_t arch)
{
    int word = 2 * a + hi;
    size_t k;
    unsigned c;
    v->bounds.n = 0;
    v->tests.n = 0;
    if (is32 && hi && !((v->wtested >> word) & 1u)) {
        /* a 32-bit arch's rules see the low word only, and the program
         * does not look at this one: its value changes nothing */
        v->words[word].n = 0;
        sc_u32s_push(v, &v->words[word], 0);
        return;
    }
    for (k = 0; k < n && !(is32 && hi); k++)
        for (c = 0; c < mi[k].n; c++) {
            const sc_mcond *x = &mi[k].c[c];
            uint64_t m = x->op == SCMP_CMP_MASKED_EQ ? x->mask : x->vmask;
            uint32_t dw = (uint32_t)(hi ? x->datum >> 32 : x->datum), mw = (uint32_t)(hi ? m >> 32 : m);
            if (x->arg != (unsigned)a)
                continue;
            sc_u32s_push(v, &v->bounds, dw);
            if (mw != 0xffffffffu)
                sc_wtests_add(v, &v->tests, mw, dw);
        }
    for (k = 0; k < v->wconst[word].n; k++)
        sc_u32s_push(v, &v->bounds, v->wconst[word].v[k]);
    for (k = 0; k < v->wmask[word].n; k++)
        sc_wtests_add(v, &v->tests, v->wmask[word].v[k].mask, v->wmask[word].v[k].val);
    sc_vtests_cap(v, 1, nr, arch, a);
    sc_word_values(v, &v->words[word], 1, nr, arch, a);
}

/* Value i of argument a: its high words times its low words. */
static uint64_t sc_vval(const sc_verifier *v, int a, uint64_t i)
{
    const sc_u32s *lo = &v->words[(size_t)a * 2], *hi = &v->words[(size_t)a * 2 + 1];
    return (uint64_t)hi->v[i / lo->n] << 32 | lo->v[i % lo->n];
}

/* ---- checking one vector --------------------------------------------------- */

/* Keep counterexample c's whole lists in the pool. */
static void sc_vpool_keep(sc_verifier *v, sc_cex *c, const uint32_t *expected, const int *matched)
{
    size_t need = (size_t)c->nexpected + (size_t)c->nrules, i;
    c->pool = v->npool;
    while (v->npool + need > v->cappool)
        if (sc_vgrow(v, (void **)&v->pool, &v->cappool, v->cappool, sizeof *v->pool,
                     "counterexamples") != 0)
            return;
    for (i = 0; i < (size_t)c->nexpected; i++)
        v->pool[v->npool++] = expected[i];
    for (i = 0; i < (size_t)c->nrules; i++)
        v->pool[v->npool++] = (uint32_t)matched[i];
}

/* One vector: the rules of its number in the one meaning's order, mi[0..n)
 * (the first nlive take part; R1's dead ones follow); a call no rule
 * decides must get dflt. */
static void sc_vcheck(sc_verifier *v, const sc_minst *mi, size_t nlive, size_t n, int32_t nr,
                      uint32_t arch, const uint64_t args[6], uint32_t dflt)
{
    uint32_t *expected = v->ebuf, got;
    int nexp = 1, *matched = v->mbuf, nmatched = 0, i;
    long d = sc_mdecide(mi, nlive, args);
    size_t k;
    unsigned char data[BPF_SC_DATA_SIZE];
    const char *fault = NULL;
    expected[0] = d >= 0 ? mi[d].action : dflt;
    if (d >= 0)
        matched[nmatched++] = mi[d].rule;
    for (k = 0; k < n; k++) {
        if ((long)k == d || !sc_mholds(&mi[k], args))
            continue;
        matched[nmatched++] = mi[k].rule;
        /* dead rules: the multiplexed path that is not widened stands for
         * every rule of its call, and says nothing of any one of them */
        if (k < nlive && !mi[k].clamped && mi[k].raction != expected[0]) {
            int by = d >= 0 ? mi[d].rule + 1 : 0, *sh = &v->shadower[mi[k].rule];
            if (!v->overruled[mi[k].rule])
                *sh = by;
            else if (*sh != by)
                *sh = -1;
            v->overruled[mi[k].rule] = 1;
            v->by_r1[mi[k].rule] = 2;
        }
    }
    if (d >= 0 && !mi[d].clamped)
        v->decided[mi[d].rule] = 1;
    if (v->meaning_only)
        return;
    bpf_pack_data(data, v->p->big_endian, nr, arch == SCMP_ARCH_X32 ? SCMP_ARCH_X86_64 : arch, 0,
                  args);
    got = bpf_run_accel(v->p->prog, v->p->n, v->p->accel, data, v->p->big_endian, &fault);
    v->vectors++;
    if (got == expected[0] && fault == NULL)
        return;
    v->ncex_total++;
    if (v->ncex < SC_VERIFY_MAXCEX) {
        sc_cex *c = &v->cex[v->ncex++];
        c->nr = nr;
        c->arch = arch;
        memcpy(c->args, args, sizeof c->args);
        c->got = got;
        c->nexpected = nexp;
        c->nrules = nmatched;
        c->expected[0] = expected[0];
        c->clamped = d >= 0 && mi[d].clamped;
        for (i = 0; i < nmatched && i < SC_CEX_FIRST; i++)
            c->rules[i] = matched[i];
        sc_vpool_keep(v, c, expected, matched);
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

/* All vectors for one syscall number of one arch: entries e[0..ne); a call
 * no rule matches must get `miss`. */
static void sc_vgroup(sc_verifier *v, const sc_ventry *e, size_t ne, int32_t nr, uint32_t arch,
                      int is32, uint32_t miss)
{
    const sc_ledger *l = &v->f->ledger;
    sc_vxwalk w;
    uint64_t args[6], product = 1, count[6], limit, s, n;
    int tested[6], nt = 0, a, i, j;
    size_t k, nlive = 0;
    sc_minst *mi;
    /* runc's stub answers before the rules */
    if (v->stub &&
        sc_stub_enosys(v->f, arch == SCMP_ARCH_X32 ? SCMP_ARCH_X86_64 : arch, (uint32_t)nr)) {
        ne = 0;
        miss = SCMP_ACT_ERRNO(ENOSYS);
    }
    if (ne > v->capmi &&
        sc_vgrow(v, (void **)&v->mi, &v->capmi, ne - 1, sizeof *v->mi, "the rules' order") != 0)
        return;
    mi = v->mi;
    for (k = 0; k < ne; k++) {
        const sc_rule *r = &l->v[e[k].rule];
        if (e[k].mux)
            sc_minst_mux(&mi[k], r, e[k].rule, nr, is32, e[k].sub, e[k].submask, v->widen);
        else
            sc_minst_direct(&mi[k], r, e[k].rule, nr, is32);
    }
    if (ne > 0)
        nlive = sc_morder(mi, ne, v->def, v->widen);
    /* R1's dead rules, whatever the cells */
    for (k = nlive; k < ne; k++)
        if (!mi[k].clamped && mi[k].raction != mi[0].action) {
            if (!v->overruled[mi[k].rule])
                v->shadower[mi[k].rule] = mi[0].rule + 1;
            else if (v->shadower[mi[k].rule] != mi[0].rule + 1)
                v->shadower[mi[k].rule] = -1;
            v->overruled[mi[k].rule] = 1;
            if (v->by_r1[mi[k].rule] == 0)
                v->by_r1[mi[k].rule] = 1;
        }
    v->group_capped = 0;
    if (v->meaning_only) {
        v->wtested = 0;
        for (a = 0; a < SC_VX_WORDS; a++) {
            v->wconst[a].n = 0;
            v->wmask[a].n = 0;
        }
    } else {
        sc_vx_start(&w, v, nr, arch, 0);
        sc_vx_run(&w, 0, 0);
        if (w.unmodeled)
            sc_vcap(v, "program", 1, nr, arch, -1, 0, 0, w.unmodeled);
        if (w.states_full)
            sc_vcap(v, "walk_states", 1, nr, arch, -1, SC_VX_STATES, 0, NULL);
    }
    for (a = 0; a < 6 && v->oom == NULL; a++) {
        int used = ((v->wtested >> (2 * a)) & 3u) != 0;
        unsigned c;
        for (k = 0; k < nlive && !used; k++)
            for (c = 0; c < mi[k].n; c++)
                if (mi[k].c[c].arg == (unsigned)a)
                    used = 1;
        if (!used)
            continue;
        sc_varg_words(v, mi, nlive, a, 0, is32, nr, arch);
        sc_varg_words(v, mi, nlive, a, 1, is32, nr, arch);
        count[a] = (uint64_t)v->words[(size_t)a * 2].n * v->words[(size_t)a * 2 + 1].n;
        product = sc_vmul(product, count[a]);
        tested[nt++] = a;
    }
    if (v->oom)
        return;
    memset(args, 0, sizeof args);
    if (product <= v->budget) {
        uint64_t idx[6] = {0, 0, 0, 0, 0, 0};
        for (;;) {
            for (i = 0; i < nt; i++)
                args[tested[i]] = sc_vval(v, tested[i], idx[i]);
            sc_vcheck(v, mi, nlive, ne, nr, arch, args, miss);
            for (i = 0; i < nt; i++) {
                if (++idx[i] < count[tested[i]])
                    break;
                idx[i] = 0;
            }
            if (i == nt)
                break;
        }
        goto done;
    }
    sc_vcap(v, "budget", 1, nr, arch, -1, v->budget, product, NULL);
    if (v->meaning_only)
        goto done; /* a sample proves no rule dead */
    /* the budget (at least SC_VERIFY_NSAMPLE) is shared by the arguments
     * alone, then by the pairs: a list or a pair over its share is sampled */
    limit = (v->budget > SC_VERIFY_NSAMPLE ? v->budget : SC_VERIFY_NSAMPLE) / (uint64_t)nt;
    /* every value of each argument alone, the others 0 */
    for (i = 0; i < nt; i++) {
        uint64_t c = count[tested[i]];
        for (s = 0, n = c <= limit ? c : limit; s < n; s++) {
            memset(args, 0, sizeof args);
            args[tested[i]] = sc_vval(v, tested[i], c <= limit ? s : sc_vrand(&v->seed) % c);
            sc_vcheck(v, mi, nlive, ne, nr, arch, args, miss);
        }
    }
    /* every pair of arguments over their values, the others 0 */
    limit = (v->budget > SC_VERIFY_NSAMPLE ? v->budget : SC_VERIFY_NSAMPLE) /
            (uint64_t)(nt > 1 ? nt * (nt - 1) / 2 : 1);
    for (i = 0; i < nt; i++)
        for (j = i + 1; j < nt; j++) {
            uint64_t ci = count[tested[i]], cj = count[tested[j]], c = sc_vmul(ci, cj);
            for (s = 0, n = c <= limit ? c : limit; s < n; s++) {
                uint64_t x = c <= limit ? s % ci : sc_vrand(&v->seed) % ci;
                uint64_t y = c <= limit ? s / ci : sc_vrand(&v->seed) % cj;
                memset(args, 0, sizeof args);
                args[tested[i]] = sc_vval(v, tested[i], x);
                args[tested[j]] = sc_vval(v, tested[j], y);
                sc_vcheck(v, mi, nlive, ne, nr, arch, args, miss);
            }
        }
    /* and a seeded sample of the whole product */
    for (s = 0, n = v->budget < SC_VERIFY_NSAMPLE ? v->budget : SC_VERIFY_NSAMPLE; s < n; s++) {
        for (i = 0; i < nt; i++)
            args[tested[i]] = sc_vval(v, tested[i], sc_vrand(&v->seed) % count[tested[i]]);
        sc_vcheck(v, mi, nlive, ne, nr, arch, args, miss);
    }
done:
    /* where not every cell was checked, only R1 says which rules are dead */
    if (v->group_capped)
        for (k = 0; k < nlive; k++)
            if (!mi[k].clamped)
                v->unsure[mi[k].rule] = 1;
}

/* Entries in unsigned order of their numbers (-1 last), then ledger order. */
static int sc_ventry_cmp(const void *a, const void *b)
{
    const sc_ventry *x = a, *y = b;
    if (x->nr != y->nr)
        return (uint32_t)x->nr < (uint32_t)y->nr ? -1 : 1;
    return x->rule < y->rule ? -1 : x->rule > y->rule;
}

static void sc_vent_push(sc_verifier *v, int nr, int rule, int mux, uint32_t sub, uint32_t submask)
{
    if (sc_vgrow(v, (void **)&v->ent, &v->capent, v->nent, sizeof *v->ent, "entries") != 0)
        return;
    v->ent[v->nent].nr = nr;
    v->ent[v->nent].rule = rule;
    v->ent[v->nent].mux = mux;
    v->ent[v->nent].sub = sub;
    v->ent[v->nent].submask = submask;
    v->nent++;
}

/* The syscall numbers the program tells apart on arch data `arch`, from a
 * walk over every number: v->nrs (sorted as words, 0 and -1 included). */
static void sc_vnumbers(sc_verifier *v, uint32_t arch)
{
    sc_vxwalk w;
    size_t k;
    sc_vx_start(&w, v, 0, arch, 1);
    sc_vx_run(&w, 0, 0);
    if (w.unmodeled)
        sc_vcap(v, "program", 0, 0, arch, -1, 0, 0, w.unmodeled);
    if (w.states_full)
        sc_vcap(v, "walk_states", 0, 0, arch, -1, SC_VX_STATES, 0, NULL);
    v->bounds.n = 0;
    v->tests.n = 0;
    for (k = 0; k < v->wconst[SC_VX_NR].n; k++)
        sc_u32s_push(v, &v->bounds, v->wconst[SC_VX_NR].v[k]);
    for (k = 0; k < v->wmask[SC_VX_NR].n; k++)
        sc_wtests_add(v, &v->tests, v->wmask[SC_VX_NR].v[k].mask, v->wmask[SC_VX_NR].v[k].val);
    sc_vtests_cap(v, 0, 0, arch, -1);
    sc_word_values(v, &v->nrs, 0, 0, arch, -1);
}

/* Does number nr, reported with AUDIT_ARCH_X86_64, belong to the x32 ABI? */
static int sc_nr_x32(int32_t nr, int has_x86_64, int has_x32)
{
    if (nr == -1)
        return !has_x86_64;
    if (has_x86_64 && has_x32)
        return ((uint32_t)nr & 0x40000000u) != 0; /* by its bit */
    return (uint32_t)nr >= 0x40000000u;             /* as the one ABI's check sees it */
}

/* One arch of the filter (index ai in sc_arches). */
static void sc_verify_arch(sc_verifier *v, size_t ai, int has_x86_64, int has_x32)
{
    uint32_t arch = sc_arches[ai].token;
    const sc_ledger *l = &v->f->ledger;
    const sc_nrtab *t = sc_arch_table(arch);
    int is32 = sc_tok_is32(arch), ipc = seccomp_syscall_resolve_name_arch(arch, "ipc");
    int abi = arch == SCMP_ARCH_X86_64 ? 1 : arch == SCMP_ARCH_X32 ? 2 : 0;
    size_t i, k, x, xi, nnum;
    uint32_t extra[3];
    size_t nextra;
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
        if (tg.has_direct)
            sc_vent_push(v, tg.direct, (int)i, 0, 0, 0);
        if (tg.has_mux)
            sc_vent_push(v, tg.mux, (int)i, 1, tg.sub, sc_mux_callmask(arch, tg.mux == ipc));
        if (tg.has_direct || tg.has_mux)
            v->placed[i] = 1;
    }
    if (v->oom)
        return;
    if (v->nent > 1)
        qsort(v->ent, v->nent, sizeof *v->ent, sc_ventry_cmp);
    if (v->meaning_only) {
        /* the rules' numbers alone: what no rule names has no rule to judge */
        for (k = 0; k < v->nent && v->oom == NULL; k = i) {
            for (i = k; i < v->nent && v->ent[i].nr == v->ent[k].nr; i++)
                ;
            sc_vgroup(v, v->ent + k, i - k, v->ent[k].nr, arch, is32, v->def);
        }
        return;
    }
    v->have_max = 0;
    for (k = 0; k < v->nent; k++)
        if (v->ent[k].nr >= 0 && (!v->have_max || (uint32_t)v->ent[k].nr > v->max)) {
            v->max = (uint32_t)v->ent[k].nr;
            v->have_max = 1;
        }
    /* the numbers, in unsigned order: around every one the program compares
     * with (the arch's own; on x86_64 and x32 the other ABI's get the
     * bad-arch action when the filter lacks that ABI, and are checked with
     * it otherwise), the table's, the rules', one past the table and -1 */
    sc_vnumbers(v, arch);
    for (x = nnum = 0; x < v->nrs.n; x++) {
        int32_t nr = (int32_t)v->nrs.v[x];
        if (abi == 0 || sc_nr_x32(nr, has_x86_64, has_x32) == (abi == 2))
            v->nrs.v[nnum++] = v->nrs.v[x];
        else if (!(abi == 1 ? has_x32 : has_x86_64))
            sc_vgroup(v, NULL, 0, nr, arch, is32, v->badarch);
    }
    v->nrs.n = nnum;
    /* s390's 0 under runc's stub (the multiplexer of large numbers, which
     * the stub answers, where no table has it), one past the table, -1 */
    nextra = 0;
    if (v->stub && (arch == SCMP_ARCH_S390 || arch == SCMP_ARCH_S390X))
        extra[nextra++] = 0;
    extra[nextra++] = (uint32_t)((t->n ? t->nr[t->n - 1] : 0) + 1);
    extra[nextra++] = 0xffffffffu;
    for (x = i = k = xi = 0; v->oom == NULL;) {
        uint64_t nr = UINT64_MAX; /* the smallest number left in the four lists */
        size_t end;
        if (x < v->nrs.n)
            nr = v->nrs.v[x];
        if (i < t->n && (uint32_t)t->nr[i] < nr)
            nr = (uint32_t)t->nr[i];
        if (k < v->nent && (uint32_t)v->ent[k].nr < nr)
            nr = (uint32_t)v->ent[k].nr;
        if (xi < nextra && extra[xi] < nr)
            nr = extra[xi];
        if (nr == UINT64_MAX)
            break;
        for (end = k; end < v->nent && (uint32_t)v->ent[end].nr == nr; end++)
            ;
        /* v->ent stays in the verifier (no Lua call here can raise); it is
         * freed with it */
        sc_vgroup(v, v->ent + k, end - k, (int32_t)nr, arch, is32, sc_vmiss(v, (int32_t)nr));
        k = end;
        while (x < v->nrs.n && v->nrs.v[x] == nr)
            x++;
        while (i < t->n && (uint32_t)t->nr[i] == nr)
            i++;
        while (xi < nextra && extra[xi] <= nr)
            xi++;
    }
}

/* Calls on an arch the filter lacks (arch data `arch`) must get the
 * bad-arch action, whatever their number. */
static void sc_verify_foreign(sc_verifier *v, uint32_t arch)
{
    size_t x;
    sc_vnumbers(v, arch);
    for (x = 0; x < v->nrs.n && v->oom == NULL; x++)
        sc_vgroup(v, NULL, 0, (int32_t)v->nrs.v[x], arch, sc_tok_is32(arch), v->badarch);
}

/* Run the whole verification; v's inputs set.  0, or -1 (v->oom says what). */
static int sc_verify_core(sc_verifier *v, uint64_t fmask)
{
    size_t ai;
    int has_x86_64 = 0, has_x32 = 0;
    v->exhaustive = 1;
    for (ai = 0; ai < SC_NARCHES && ai < 64; ai++)
        if (sc_arch_known(&sc_arches[ai]) && ((fmask >> ai) & 1u)) {
            has_x86_64 |= sc_arches[ai].token == SCMP_ARCH_X86_64;
            has_x32 |= sc_arches[ai].token == SCMP_ARCH_X32;
        }
    for (ai = 0; ai < SC_NARCHES && ai < 64 && v->oom == NULL; ai++) {
        uint32_t tok = sc_arches[ai].token;
        if (!sc_arch_known(&sc_arches[ai]))
            continue;
        if ((fmask >> ai) & 1u)
            sc_verify_arch(v, ai, has_x86_64, has_x32);
        else if (tok != SCMP_ARCH_X32 && !(tok == SCMP_ARCH_X86_64 && has_x32) && !v->meaning_only)
            sc_verify_foreign(v, tok); /* (x32's pass checks x86_64's numbers) */
    }
    if (v->oom == NULL && !v->meaning_only)
        sc_verify_foreign(v, 0x12345678u); /* no arch at all */
    return v->oom ? -1 : 0;
}

/* ---- the report ------------------------------------------------------------ */

static void sc_push_cex(lua_State *L, const sc_cex *c, const uint32_t *pool)
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
    /* the whole lists, from the pool */
    lua_createtable(L, c->nexpected, 0);
    for (i = 0; i < c->nexpected; i++) {
        lua_pushinteger(L, (lua_Integer)pool[c->pool + (size_t)i]);
        lua_rawseti(L, -2, i + 1);
    }
    lua_setfield(L, -2, "expected");
    lua_createtable(L, c->nrules, 0);
    for (i = 0; i < c->nrules; i++) {
        lua_pushinteger(L, (lua_Integer)pool[c->pool + (size_t)c->nexpected + (size_t)i] + 1);
        lua_rawseti(L, -2, i + 1);
    }
    lua_setfield(L, -2, "rules");
}

/* Push "getppid on x86_64" (or "syscall 999 on arch 0x12345678"; without a
 * number, the arch alone) for a number of an arch. */
static const char *sc_push_vplace(lua_State *L, int has_nr, int nr, uint32_t arch)
{
    char name[SC_LEDGER_NAMELEN], archbuf[32];
    const struct sc_arch *a = sc_arch_by_token(arch);
    if (has_nr && !sc_syscall_name(arch, nr, name, sizeof name))
        snprintf(name, sizeof name, "syscall %d", nr);
    if (a != NULL)
        snprintf(archbuf, sizeof archbuf, "%s", a->name);
    else
        snprintf(archbuf, sizeof archbuf, "arch 0x%08x", (unsigned)arch);
    if (!has_nr)
        return lua_pushstring(L, archbuf);
    return lua_pushfstring(L, "%s on %s", name, archbuf);
}

/* Push a count that may not fit a Lua integer. */
static void sc_push_count(lua_State *L, uint64_t n)
{
    if (n > (uint64_t)LUA_MAXINTEGER)
        lua_pushnumber(L, (lua_Number)n);
    else
        lua_pushinteger(L, (lua_Integer)n);
}

/* Push the report.capped entry for c: { cap =, syscall =, nr =, arch =,
 * arg =, limit =, count =, message = }. */
static void sc_push_capped(lua_State *L, const sc_vcapped *c)
{
    char name[SC_LEDGER_NAMELEN];
    const struct sc_arch *a = sc_arch_by_token(c->arch);
    const char *where;
    int entry;
    luaL_checkstack(L, 8, NULL);
    lua_createtable(L, 0, 8);
    entry = lua_gettop(L);
    lua_pushstring(L, c->cap);
    lua_setfield(L, entry, "cap");
    if (c->has_nr) {
        if (sc_syscall_name(c->arch, c->nr, name, sizeof name)) {
            lua_pushstring(L, name);
            lua_setfield(L, entry, "syscall");
        }
        lua_pushinteger(L, c->nr);
        lua_setfield(L, entry, "nr");
    }
    if (a != NULL)
        lua_pushstring(L, a->name);
    else
        lua_pushinteger(L, (lua_Integer)c->arch);
    lua_setfield(L, entry, "arch");
    if (c->arg >= 0) {
        lua_pushinteger(L, c->arg);
        lua_setfield(L, entry, "arg");
    }
    if (c->limit) {
        sc_push_count(L, c->limit);
        lua_setfield(L, entry, "limit");
    }
    if (c->count) {
        sc_push_count(L, c->count);
        lua_setfield(L, entry, "count");
    }
    where = sc_push_vplace(L, c->has_nr, c->nr, c->arch);
    if (strcmp(c->cap, "budget") == 0) {
        char n[32];
        snprintf(n, sizeof n, c->count == UINT64_MAX ? "more than %llu" : "%llu",
                 (unsigned long long)c->count);
        lua_pushfstring(L, "%s: the arguments' values make %s combinations, over the budget of "
                        "%I: every value of each argument, every pair of arguments and a seeded "
                        "sample were checked", where, n, (LUAI_UACINT)c->limit);
    } else if (strcmp(c->cap, "masked_tests") == 0) {
        if (c->arg >= 0)
            where = lua_pushfstring(L, "%s, arg%d", where, c->arg);
        else
            where = lua_pushfstring(L, "%s, the syscall number", where);
        if (c->detail != NULL) /* the search's states */
            lua_pushfstring(L, "%s: the masked tests on one 32-bit word take more than %d "
                            "combinations between two of its boundaries; those past them were "
                            "not checked", where, (int)c->limit);
        else
            lua_pushfstring(L, "%s: %d masked tests on one 32-bit word; every combination of the "
                            "first %d was checked, not those of the rest", where, (int)c->count,
                            (int)c->limit);
    } else if (strcmp(c->cap, "walk_states") == 0) {
        lua_pushfstring(L, "%s: following the program's tests takes more than %d accumulator "
                        "states; the tests past them were not followed", where, (int)c->limit);
    } else {
        lua_pushfstring(L, "%s: the program tests %s in a way verify does not follow (%s)",
                        where, c->has_nr ? "the call" : "the syscall number", c->detail);
    }
    lua_setfield(L, entry, "message");
    lua_settop(L, entry);
}

/* The verifier's per-rule memory (the filter's ledger size); 0, or -1. */
static int sc_verifier_rules(sc_verifier *v)
{
    size_t n = v->f->ledger.n + 1;
    v->placed = calloc(n, 1);
    v->decided = calloc(n, 1);
    v->overruled = calloc(n, 1);
    v->unsure = calloc(n, 1);
    v->by_r1 = calloc(n, 1);
    v->shadower = calloc(n, sizeof *v->shadower);
    v->mbuf = malloc(n * sizeof *v->mbuf);
    v->ebuf = malloc(n * sizeof *v->ebuf);
    return v->placed && v->decided && v->overruled && v->unsure && v->by_r1 && v->shadower && v->mbuf &&
                   v->ebuf ? 0 : -1;
}

/* Is rule i (ledger index) dead, by what the check found: it lands on some
 * arch, decides no cell, is overruled in some cell (held where another
 * rule decides with another action), and every cell was checked where it
 * took part? */
static int sc_vshadowed(const sc_verifier *v, size_t i)
{
    return v->placed[i] && !v->decided[i] && v->overruled[i] && !v->unsure[i];
}

/* Push the list of the filter's dead rules, from its rules alone (the
 * cells their conditions make, every arch of the filter): each
 * {rule = index (1-based), by = the rule that overrules it where one
 * does (1-based), r1 = true when an unconditional rule makes it dead}. */
static void sc_shadow_list(lua_State *L, sc_filter *f)
{
    sc_verifier *v;
    size_t i;
    lua_Integer k = 0;
    luaL_checkstack(L, 6, NULL);
    v = sc_newuserdata(L, sizeof *v);
    memset(v, 0, sizeof *v);
    luaL_setmetatable(L, SC_VERIFY_MT);
    v->f = f;
    v->meaning_only = 1;
    v->def = f->setup.def_action;
    v->budget = SC_VERIFY_BUDGET;
    v->widen = f->widen;
    v->unknown = f->unknown == SC_UNKNOWN_ENOSYS;
    v->stub = f->unknown == SC_UNKNOWN_RUNC;
    if (sc_verifier_rules(v) != 0 || sc_verify_core(v, sc_filter_arch_mask(f)) != 0)
        sc_raise(L, "notes", ENOMEM, v->oom ? lua_pushfstring(L, "out of memory (%s)", v->oom) : NULL);
    lua_newtable(L);
    for (i = 0; i < f->ledger.n; i++)
        if (sc_vshadowed(v, i)) {
            lua_createtable(L, 0, 3);
            lua_pushinteger(L, (lua_Integer)i + 1);
            lua_setfield(L, -2, "rule");
            if (v->shadower[i] > 0) {
                lua_pushinteger(L, v->shadower[i]);
                lua_setfield(L, -2, "by");
            }
            lua_pushboolean(L, v->by_r1[i] == 1);
            lua_setfield(L, -2, "r1");
            lua_rawseti(L, -2, ++k);
        }
    lua_remove(L, -2); /* the verifier: freed by the collector */
}

/* Verify program p of the filter at fidx; push the report (a list of
 * counterexamples with vectors, exhaustive, capped, unplaced and total
 * fields) and fill *res (total, exhaustive, the first counterexample).
 * Raises on failure to run. */
static void sc_verify_push(lua_State *L, int fidx, sc_filter *f, sc_sim_prog *p, uint64_t budget,
                           uint64_t seed, sc_vresult *res)
{
    sc_verifier *v;
    size_t i, k;
    int rc;
    lua_Integer nunplaced = 0;
    uint32_t def = 0, badarch = 0;
    luaL_checkstack(L, 8, NULL);
    (void)fidx;
    if ((rc = seccomp_attr_get(f->ctx, SCMP_FLTATR_ACT_DEFAULT, &def)) < 0 ||
        (rc = seccomp_attr_get(f->ctx, SCMP_FLTATR_ACT_BADARCH, &badarch)) < 0)
        sc_raise(L, "verify", rc, "reading the filter's actions failed");
    /* the verifier, with everything it allocates, lives in a userdata
     * whose __gc frees it */
    v = sc_newuserdata(L, sizeof *v);
    memset(v, 0, sizeof *v);
    luaL_setmetatable(L, SC_VERIFY_MT);
    v->f = f;
    v->p = p;
    v->def = def;
    v->badarch = badarch;
    v->budget = budget;
    v->seed = seed ^ 0x5eccull;
    v->widen = f->widen;
    v->unknown = f->unknown == SC_UNKNOWN_ENOSYS;
    v->stub = f->unknown == SC_UNKNOWN_RUNC;
    for (i = 0; i < p->n; i++) {
        uint16_t code = p->prog[i].code;
        if (BPF_CLASS(code) == BPF_ST || BPF_CLASS(code) == BPF_STX ||
            code == (BPF_MISC | BPF_TAX) || code == (BPF_LDX | BPF_W | BPF_MEM))
            v->xmem = 1;
    }
    v->visit = calloc(p->n * SC_VX_STATES + 1, sizeof *v->visit);
    if (!v->visit || sc_verifier_rules(v) != 0)
        sc_raise(L, "verify", ENOMEM, NULL);
    if (sc_verify_core(v, sc_filter_arch_mask(f)) != 0)
        sc_raise(L, "verify", ENOMEM, lua_pushfstring(L, "out of memory (%s)", v->oom));
    lua_createtable(L, (int)v->ncex, 6);
    for (k = 0; k < v->ncex; k++) {
        sc_push_cex(L, &v->cex[k], v->pool);
        lua_rawseti(L, -2, (lua_Integer)k + 1);
    }
    lua_pushinteger(L, (lua_Integer)v->vectors);
    lua_setfield(L, -2, "vectors");
    lua_pushboolean(L, v->exhaustive);
    lua_setfield(L, -2, "exhaustive");
    lua_pushinteger(L, (lua_Integer)v->ncex_total);
    lua_setfield(L, -2, "total");
    lua_createtable(L, (int)v->ncapped, 1);
    for (k = 0; k < v->ncapped; k++) {
        sc_push_capped(L, &v->capped[k]);
        lua_rawseti(L, -2, (lua_Integer)k + 1);
    }
    lua_pushinteger(L, (lua_Integer)v->ncapped_total);
    lua_setfield(L, -2, "total");
    lua_setfield(L, -2, "capped");
    lua_newtable(L);
    for (i = 0; i < f->ledger.n; i++)
        if (!v->placed[i]) {
            lua_pushinteger(L, (lua_Integer)i + 1);
            lua_rawseti(L, -2, ++nunplaced);
        }
    lua_setfield(L, -2, "unplaced");
    lua_newtable(L);
    for (i = 0, k = 0; i < f->ledger.n; i++)
        if (sc_vshadowed(v, i)) {
            lua_pushinteger(L, (lua_Integer)i + 1);
            lua_rawseti(L, -2, (lua_Integer)++k);
        }
    lua_setfield(L, -2, "shadowed");
    if (res != NULL) {
        res->total = v->ncex_total;
        res->exhaustive = v->exhaustive;
        if (v->ncex > 0)
            res->first = v->cex[0];
    }
    lua_remove(L, -2); /* the verifier: freed by the collector */
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
        for (i = 0; i < c->nrules && i < SC_CEX_FIRST; i++) {
            const sc_rule *r = &f->ledger.v[c->rules[i]];
            luaL_addstring(&b, i == 0 ? ", but " : i == 1 ? ", and comes first in the rules' order among "
                                                             "those that do (docs/compiler.md; also " : ", ");
            sc_push_origin(L, fidx, r);
            if (lua_isnil(L, -1)) {
                lua_pop(L, 1);
                lua_pushfstring(L, "rule #%d", c->rules[i] + 1);
            }
            luaL_addvalue(&b);
            luaL_addstring(&b, " (");
            sc_push_action_name(L, r->action);
            luaL_addvalue(&b);
            luaL_addstring(&b, i == 0 ? ") matches it" : ")");
        }
        if (c->nrules > SC_CEX_FIRST) {
            lua_pushfstring(L, " and %d more", c->nrules - SC_CEX_FIRST);
            luaL_addvalue(&b);
        }
        if (c->nrules > 1)
            luaL_addstring(&b, ")");
        luaL_addstring(&b, ", so the answer must be ");
        sc_push_action_name(L, c->expected[0]);
        luaL_addvalue(&b);
        if (c->clamped)
            luaL_addstring(&b, " (where the call is multiplexed and its real arguments are out of "
                           "reach: the first unconditional rule's action, or the most restrictive "
                           "of its rules' and the default action)");
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

/* Raise the error object for a program of libseccomp's that could not be
 * checked completely (the report at the top of the stack is not
 * exhaustive): the message names the first cap or budget; field `capped`. */
static int sc_verify_raise_capped(lua_State *L, const char *op)
{
    const struct scmp_version *ver = seccomp_version();
    int report = lua_gettop(L), capped;
    lua_Integer total;
    const char *first, *more = "";
    luaL_checkstack(L, 8, NULL);
    lua_getfield(L, report, "capped");
    capped = lua_gettop(L);
    lua_getfield(L, capped, "total");
    total = lua_tointeger(L, -1);
    lua_rawgeti(L, capped, 1);
    lua_getfield(L, -1, "message");
    first = lua_tostring(L, -1);
    if (total > 1)
        more = lua_pushfstring(L, " (and %I more: f:verify() lists them)", (LUAI_UACINT)(total - 1));
    lua_pushfstring(L, "the program libseccomp %d.%d.%d generated could not be checked "
                    "completely, so nothing says it matches the rules: %s%s; verify = "
                    "\"sample\" accepts a sampled check, compiler = \"auto\" or \"binding\" "
                    "use the module's own program", ver ? (int)ver->major : 0,
                    ver ? (int)ver->minor : 0, ver ? (int)ver->micro : 0,
                    first ? first : "a cap was reached", more);
    sc_push_error(L, op, E2BIG, lua_tostring(L, -1));
    lua_pushvalue(L, capped);
    lua_setfield(L, -2, "capped");
    return lua_error(L);
}
