/*
 * test_gen.c - tests of src/gen.c, the module's own BPF code generator.
 *
 * Build and run with fuzz/test.sh.  Prints "N passed, N failed" and exits
 * non-zero on failure.
 *
 * Sections:
 *   1. hand-written cases (precedence, x32, multiplexed calls, 32-bit arches,
 *      unknown_enosys, the 4096 limit)
 *   2. random ledgers: the generated program, run by bpf.c's interpreter,
 *      against an evaluator of the documented semantics written here (not
 *      gen.c's code) over boundary and random vectors
 *   3. kernel agreement: generated programs loaded in forked children that
 *      call getppid with the vector's arguments (x86_64 syscall, i386 int 0x80)
 *   4. libseccomp's hang in rule_add: driven in children with a timeout,
 *      checked against sc_gen_hang_risk
 *   5. (--compare) instruction counts and instructions executed vs libseccomp
 *
 * Options: --sets N (random ledgers, default 1000), --kernel N (kernel sets,
 * default 250; 0 skips), --hang N (random hang experiments, default 300),
 * --compare N (libseccomp comparison sets, default 0), --seed S, -v.
 */
#include <seccomp.h>
/* ledger.c's helpers for the Lua side are not used here */
#if defined(__GNUC__) || defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#endif
#include "../src/ledger.c"
#include "../src/meaning.c"
#if defined(__GNUC__) || defined(__clang__)
#pragma GCC diagnostic pop
#endif
#include "../src/bpf.c"
#include "../src/gen.c"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

/* ------------------------------------------------------------------ */
/* Random numbers (xorshift64*), seeded                                 */

static uint64_t g_rng = 0x9e3779b97f4a7c15ull;
/* fuzz/fuzz_gen.c: the random choices come from the fuzzer's bytes first */
static const unsigned char *g_fz;
static size_t g_fzn;
static uint64_t rnd(void)
{
    if (g_fzn > 0) {
        uint64_t v = 0;
        size_t i;
        for (i = 0; i < 4 && g_fzn > 0; i++, g_fzn--)
            v = v << 8 | *g_fz++;
        if (i == 4 && g_fzn > 0 && (v & 1)) /* now and then a full 64-bit value */
            for (i = 0; i < 4 && g_fzn > 0; i++, g_fzn--)
                v = v << 8 | *g_fz++;
        return v;
    }
    g_rng ^= g_rng >> 12;
    g_rng ^= g_rng << 25;
    g_rng ^= g_rng >> 27;
    return g_rng * 0x2545f4914f6cdd1dull;
}
static unsigned rn(unsigned n)
{
    return (unsigned)(rnd() % n);
}

/* ------------------------------------------------------------------ */
/* The test's own arch facts (not gen.c's)                              */

static const struct {
    const char *name;
    uint32_t tok;
    uint32_t audit;  /* seccomp_data.arch */
    int bits;        /* argument width libseccomp compares */
    int be;
    int mux;         /* socketcall/ipc multiplexed by libseccomp */
    int base;        /* first syscall number */
} T_ARCH[] = {
    {"x86_64", SCMP_ARCH_X86_64, 0xc000003eu, 64, 0, 0, 0},
    {"x86", SCMP_ARCH_X86, 0x40000003u, 32, 0, 1, 0},
    {"x32", SCMP_ARCH_X32, 0xc000003eu, 32, 0, 0, 0x40000000},
    {"aarch64", SCMP_ARCH_AARCH64, 0xc00000b7u, 64, 0, 0, 0},
    {"arm", SCMP_ARCH_ARM, 0x40000028u, 32, 0, 0, 0},
    {"mipsel", SCMP_ARCH_MIPSEL, 0x40000008u, 32, 0, 1, 4000},
    {"ppc64le", SCMP_ARCH_PPC64LE, 0xc0000015u, 64, 0, 1, 0},
    {"s390x", SCMP_ARCH_S390X, 0x80000016u, 64, 1, 1, 0},
    {"s390", SCMP_ARCH_S390, 0x00000016u, 32, 1, 1, 0},
    {"ppc64", SCMP_ARCH_PPC64, 0x80000015u, 64, 1, 1, 0},
    {"ppc", SCMP_ARCH_PPC, 0x00000014u, 32, 1, 1, 0},
    {"mips", SCMP_ARCH_MIPS, 0x00000008u, 32, 1, 1, 4000},
    {"mips64", SCMP_ARCH_MIPS64, 0x80000008u, 64, 1, 0, 5000},
    {"mips64n32", SCMP_ARCH_MIPS64N32, 0xa0000008u, 32, 1, 0, 6000},
};
#define T_NARCH NELEM(T_ARCH)
#define T_X86_64 0
#define T_X86 1
#define T_X32 2
#define T_S390X 7
#define T_SCAN 1100 /* numbers scanned per arch from its base */

/* names of each arch's numbers [base, base + T_SCAN) */
static char *g_names[T_NARCH][T_SCAN];

static void scan_names(void)
{
    size_t a;
    int i;
    for (a = 0; a < T_NARCH; a++)
        for (i = 0; i < T_SCAN; i++)
            g_names[a][i] = seccomp_syscall_resolve_num_arch(T_ARCH[a].tok, T_ARCH[a].base + i);
}

static void free_names(void)
{
    size_t a;
    int i;
    for (a = 0; a < T_NARCH; a++)
        for (i = 0; i < T_SCAN; i++)
            free(g_names[a][i]);
}

static const char *name_of(size_t a, int32_t nr)
{
    int64_t i = (int64_t)nr - T_ARCH[a].base;
    return i >= 0 && i < T_SCAN ? g_names[a][i] : NULL;
}

/* The call a socketcall/ipc call number stands for, from libseccomp's
 * pseudo numbers (-101.. for socketcall, -201.. for ipc) on x86. */
static int mux_of(const char *name, int *sub)
{
    int n = seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86, name);
    if (n <= -101 && n >= -120) {
        *sub = -n - 100;
        return 0;
    }
    if (n <= -201 && n >= -299) {
        *sub = -n - 200;
        return 1;
    }
    return -1;
}

/* ------------------------------------------------------------------ */
/* A filter under test                                                   */

struct tfilter {
    sc_ledger l;
    size_t narch;
    size_t arch[4];      /* indices in T_ARCH */
    uint32_t def, bad;
    int widen, enosys;
    int64_t maxn[T_NARCH]; /* max_named cache; 0 = not computed, else value + 2 */
};

static int rule_on(const sc_rule *r, size_t a)
{
    return sc_rule_on_arch(r, a);
}

/* The native arch's index in T_ARCH: a rule on a number with no name
 * lands there alone. */
static size_t native_index(void)
{
    size_t a;
    for (a = 0; a < T_NARCH; a++)
        if (T_ARCH[a].tok == seccomp_arch_native())
            return a;
    return (size_t)-1;
}

/* The highest number the rules name on arch a (-1: none). */
static int64_t max_named(const struct tfilter *f, size_t a)
{
    int64_t max = -1;
    size_t i;
    int k;
    for (i = 0; i < f->l.n; i++) {
        const sc_rule *r = &f->l.v[i];
        int sub, mux;
        if (!rule_on(r, a))
            continue;
        if (r->name[0] == '\0') {
            /* a number with no name lands on the native arch alone */
            if (r->sys >= 0 && r->sys > max && a == native_index())
                max = r->sys;
            continue;
        }
        for (k = 0; k < T_SCAN; k++)
            if (g_names[a][k] && strcmp(g_names[a][k], r->name) == 0 && T_ARCH[a].base + k > max)
                max = T_ARCH[a].base + k;
        if (T_ARCH[a].mux && (mux = mux_of(r->name, &sub)) >= 0) {
            int n = seccomp_syscall_resolve_name_arch(T_ARCH[a].tok, mux ? "ipc" : "socketcall");
            if (n > max)
                max = n;
        }
    }
    return max;
}

/* The bits of a multiplexer's arg0 the kernel dispatches on: socketcall
 * takes an int; ipc an unsigned int whose high half is a version
 * (ipc/syscall.c), but s390's ipc refuses any version (EINVAL). */
static uint64_t call_bits(size_t a, int ipc)
{
    if (ipc && T_ARCH[a].tok != SCMP_ARCH_S390X && T_ARCH[a].tok != SCMP_ARCH_S390)
        return 0xffffu;
    return 0xffffffffu;
}

/* ---- the one meaning (docs/compiler.md, "Overlapping rules: the one
 * meaning"), written here from that text: per number and arch, the rules
 * that land there; the first without a condition decides (R1); else the
 * rules in libseccomp's order and the first that holds (R2).  The order is
 * found the way libseccomp's database holds it: a tree whose every level
 * keeps its tests sorted by their keys, equal keys in the order the tests
 * were made, walked depth first, a rule ending at a test before the rules
 * that go on past it.  (src/meaning.c sorts with a comparator instead.) */

/* A condition as the order sees it: normalized to the arch's width. */
struct mcond {
    unsigned arg, op;
    uint64_t datum, mask; /* &=: its mask; else the width */
    uint64_t bits;        /* the bits of the argument compared */
};

struct mrule {
    size_t index;  /* ledger */
    uint32_t action;
    unsigned n;
    struct mcond c[6];
};

/* The order's keys: 1 when c comes before d, -1 after, 0 equal keys. */
static int op_class(unsigned op)
{
    return op == SCMP_CMP_LT || op == SCMP_CMP_LE ? 1 : op == SCMP_CMP_GT || op == SCMP_CMP_GE ? 0 : 2;
}
static int key_before(const struct mcond *c, const struct mcond *d)
{
    int kc = op_class(c->op), kd = op_class(d->op);
    if (c->arg != d->arg)
        return c->arg > d->arg ? 1 : -1;
    if (kc != kd)
        return kc > kd ? 1 : -1;
    if (c->datum == d->datum)
        return 0;
    if (kc == 1)
        return c->datum < d->datum ? 1 : -1;
    return c->datum > d->datum ? 1 : -1;
}
static int same_test(const struct mcond *c, const struct mcond *d)
{
    return c->arg == d->arg && c->op == d->op && c->datum == d->datum && c->mask == d->mask;
}

static int mcond_holds(const struct mcond *c, uint64_t v)
{
    v &= c->bits;
    switch (c->op) {
    case SCMP_CMP_NE: return v != c->datum;
    case SCMP_CMP_LT: return v < c->datum;
    case SCMP_CMP_LE: return v <= c->datum;
    case SCMP_CMP_EQ: return v == c->datum;
    case SCMP_CMP_GE: return v >= c->datum;
    case SCMP_CMP_GT: return v > c->datum;
    default: return (v & c->mask) == c->datum;
    }
}

/* Rule r's conditions on arguments >= from on an arch of `bits`, appended
 * to m, in ascending argument order. */
static void mrule_conds(struct mrule *m, const sc_rule *r, int bits, unsigned from)
{
    uint64_t width = bits == 32 ? 0xffffffffu : ~(uint64_t)0;
    unsigned i, j;
    for (i = 0; i < r->nconds; i++) {
        const struct scmp_arg_cmp *c = &r->conds[i];
        struct mcond *o = &m->c[m->n];
        if (c->arg < from)
            continue;
        o->arg = c->arg;
        o->op = c->op;
        o->bits = width;
        if (c->op == SCMP_CMP_MASKED_EQ) {
            o->mask = c->datum_a & width;
            o->datum = c->datum_b & o->mask;
            if (o->mask == 0)
                continue; /* always holds: dropped */
        } else {
            o->mask = width;
            o->datum = c->datum_a & width;
        }
        m->n++;
    }
    for (i = 0; i < m->n; i++)
        for (j = i + 1; j < m->n; j++)
            if (m->c[j].arg < m->c[i].arg) {
                struct mcond t = m->c[i];
                m->c[i] = m->c[j];
                m->c[j] = t;
            }
}

/* The tree of the order: a node is a test; its children the next tests. */
#define MAXNODES 128 /* tests of one number's rules (at most 64 rules here) */
#define MAXRULES 64
struct mnode {
    struct mcond c;
    int child[MAXNODES]; /* in the order they were made */
    int nchild;
    int ends[MAXRULES];  /* rules (indices in the list) ending here, in ledger order */
    int nends;
};

static int tree_add(struct mnode *t, int *nt, int at, const struct mcond *c)
{
    int i;
    for (i = 0; i < t[at].nchild; i++)
        if (same_test(&t[t[at].child[i]].c, c))
            return t[at].child[i];
    if (*nt == MAXNODES || t[at].nchild == MAXNODES)
        abort();
    memset(&t[*nt], 0, sizeof t[*nt]);
    t[*nt].c = *c;
    t[at].child[t[at].nchild++] = *nt;
    return (*nt)++;
}

/* Depth first: the rules ending at a node, then its children by key (equal
 * keys in the order they were made). */
static void tree_walk(const struct mnode *t, int at, int *order, int *n)
{
    int kids[MAXNODES], nk = t[at].nchild, i, j;
    for (i = 0; i < t[at].nends; i++)
        order[(*n)++] = t[at].ends[i];
    memcpy(kids, t[at].child, sizeof kids);
    for (i = 1; i < nk; i++) /* insertion sort: stable */
        for (j = i; j > 0 && key_before(&t[kids[j]].c, &t[kids[j - 1]].c) > 0; j--) {
            int x = kids[j];
            kids[j] = kids[j - 1];
            kids[j - 1] = x;
        }
    for (i = 0; i < nk; i++)
        tree_walk(t, kids[i], order, n);
}

/* The action the documented semantics give a call. */
static uint32_t evaluate(const struct tfilter *f, uint32_t audit, int32_t nr, const uint64_t args[6])
{
    size_t a = (size_t)-1, i, nm = 0;
    const char *name;
    int has64 = 0, has32 = 0, ismux = -1, sub;
    static struct mrule m[MAXRULES];
    static struct mnode t[MAXNODES];
    int nt = 1, order[MAXRULES], no = 0, k;

    for (i = 0; i < f->narch; i++) {
        if (f->arch[i] == T_X86_64)
            has64 = 1;
        if (f->arch[i] == T_X32)
            has32 = 1;
    }
    if (audit == 0xc000003eu) {
        if (nr == -1)
            a = has64 ? T_X86_64 : has32 ? T_X32 : (size_t)-1;
        else if ((uint32_t)nr >= 0x40000000u)
            a = has32 ? T_X32 : (size_t)-1;
        else
            a = has64 ? T_X86_64 : (size_t)-1;
    } else {
        for (i = 0; i < f->narch; i++)
            if (T_ARCH[f->arch[i]].audit == audit)
                a = f->arch[i];
    }
    if (a == (size_t)-1)
        return f->bad;

    name = name_of(a, nr);
    if (T_ARCH[a].mux && name != NULL)
        ismux = strcmp(name, "socketcall") == 0 ? 0 : strcmp(name, "ipc") == 0 ? 1 : -1;
    /* the rules that land on nr, in ledger order */
    for (i = 0; i < f->l.n; i++) {
        const sc_rule *r = &f->l.v[i];
        struct mrule *x = &m[nm];
        if (!rule_on(r, a))
            continue;
        if (nm == MAXRULES)
            abort(); /* more rules on one number than the evaluator holds */
        memset(x, 0, sizeof *x);
        x->index = i;
        x->action = r->action;
        if (r->name[0] == '\0' ? (nr == -1 ? r->sys == -1 : r->sys == nr && a == native_index())
                               : name != NULL && strcmp(name, r->name) == 0) {
            mrule_conds(x, r, T_ARCH[a].bits, 0);
            nm++;
        } else if (ismux >= 0 && r->name[0] != '\0' && mux_of(r->name, &sub) == ismux) {
            /* the multiplexed path: arg0 is the call's number, on the bits
             * the kernel dispatches on */
            x->n = 1;
            x->c[0].arg = 0;
            x->c[0].op = SCMP_CMP_EQ;
            x->c[0].datum = (uint64_t)sub;
            x->c[0].mask = T_ARCH[a].bits == 32 ? 0xffffffffu : ~(uint64_t)0;
            x->c[0].bits = call_bits(a, ismux);
            if (f->widen) {
                mrule_conds(x, r, T_ARCH[a].bits, 1);
            } else {
                /* not widened: the first unconditional rule of the call's,
                 * or the most restrictive of its rules' actions and the
                 * default (a rule's before the default's, the first's
                 * between two of one kind) */
                size_t j;
                int found = 0;
                uint32_t act = f->def;
                int32_t best = (int32_t)(f->def & 0xffff0000u);
                for (j = 0; j < f->l.n && !found; j++) {
                    struct mrule probe;
                    memset(&probe, 0, sizeof probe);
                    if (!rule_on(&f->l.v[j], a) || strcmp(f->l.v[j].name, r->name) != 0)
                        continue;
                    mrule_conds(&probe, &f->l.v[j], T_ARCH[a].bits, 0);
                    if (probe.n == 0) {
                        act = f->l.v[j].action;
                        found = 1;
                    }
                }
                for (j = 0, k = 0; j < f->l.n && !found; j++) {
                    int32_t rk = (int32_t)(f->l.v[j].action & 0xffff0000u);
                    if (!rule_on(&f->l.v[j], a) || strcmp(f->l.v[j].name, r->name) != 0)
                        continue;
                    if (k ? rk < best : rk <= best) {
                        act = f->l.v[j].action;
                        best = rk;
                        k = 1;
                    }
                }
                x->action = act;
            }
            nm++;
        }
    }
    /* R1 */
    for (i = 0; i < nm; i++)
        if (m[i].n == 0)
            return m[i].action;
    /* R2: the tree, then the first rule of its order that holds */
    memset(&t[0], 0, sizeof t[0]);
    for (i = 0; i < nm; i++) {
        int at = 0;
        unsigned j;
        for (j = 0; j < m[i].n; j++)
            at = tree_add(t, &nt, at, &m[i].c[j]);
        if (t[at].nends == (int)NELEM(t[at].ends))
            abort();
        t[at].ends[t[at].nends++] = (int)i;
    }
    tree_walk(t, 0, order, &no);
    for (k = 0; k < no; k++) {
        const struct mrule *x = &m[order[k]];
        unsigned j;
        int ok = 1;
        for (j = 0; j < x->n && ok; j++)
            ok = mcond_holds(&x->c[j], args[x->c[j].arg]);
        if (ok)
            return x->action;
    }
    if (f->enosys) {
        int64_t max;
        if (f->maxn[a] == 0)
            ((struct tfilter *)f)->maxn[a] = max_named(f, a) + 2;
        max = f->maxn[a] - 2;
        if (max >= 0 && (uint64_t)(uint32_t)nr > (uint64_t)max)
            return SCMP_ACT_ERRNO(ENOSYS);
    }
    return f->def;
}

/* Generate f's program; NULL on success. */
static const char *gen(const struct tfilter *f, struct sock_filter *prog, size_t *n, char *err, size_t errlen)
{
    struct sc_gen_in in;
    uint32_t toks[4];
    size_t idx[4], i;
    for (i = 0; i < f->narch; i++) {
        toks[i] = T_ARCH[f->arch[i]].tok;
        idx[i] = f->arch[i];
    }
    memset(&in, 0, sizeof in);
    in.ledger = &f->l;
    in.narches = f->narch;
    in.arches = toks;
    in.arch_index = idx;
    in.def_action = f->def;
    in.badarch_action = f->bad;
    in.widen_multiplexed = f->widen;
    in.unknown_enosys = f->enosys;
    return sc_gen(&in, prog, n, err, errlen);
}

static uint32_t run(const struct sock_filter *p, size_t n, int be, uint32_t audit, int32_t nr,
                    const uint64_t args[6])
{
    unsigned char d[BPF_SC_DATA_SIZE];
    const char *fault = NULL;
    uint32_t r;
    bpf_pack_data(d, be, nr, audit, 0x1234, args);
    r = bpf_run(p, n, d, be, &fault);
    if (fault)
        printf("fault: %s\n", fault);
    return r;
}

static void add_rule(struct tfilter *f, uint32_t action, const char *name, unsigned nconds,
                     const struct scmp_arg_cmp *c)
{
    sc_rule r;
    struct scmp_arg_cmp none[1];
    if (c == NULL) {
        memset(none, 0, sizeof none);
        c = none;
    }
    if (name == NULL || name[0] == '\0') {
        sc_rule_init(&r, action, -1, 1, 0, nconds, c);
        r.name[0] = '\0';
    } else if (name[0] == '#') {
        sc_rule_init(&r, action, atoi(name + 1), 1, 0, nconds, c);
    } else {
        /* as the module records a rule: the native number, the name */
        sc_rule_init(&r, action, seccomp_syscall_resolve_name(name), 0, 0, nconds, c);
        snprintf(r.name, sizeof r.name, "%s", name);
    }
    if (sc_ledger_push(&f->l, &r) != 0)
        abort();
}

static void tf_init(struct tfilter *f, uint32_t def, size_t a0, size_t a1, size_t a2)
{
    memset(f, 0, sizeof *f);
    f->def = def;
    f->bad = SCMP_ACT_KILL_PROCESS;
    f->arch[f->narch++] = a0;
    if (a1 != (size_t)-1)
        f->arch[f->narch++] = a1;
    if (a2 != (size_t)-1)
        f->arch[f->narch++] = a2;
}

static void disasm(const struct sock_filter *p, size_t n, int be)
{
    char line[200];
    size_t i;
    for (i = 0; i < n; i++) {
        bpf_disasm_insn(p, n, i, be, line, sizeof line);
        printf("  %s\n", line);
    }
}

/* ------------------------------------------------------------------ */
/* Vectors for one filter: every number any rule names on each arch, the
 * multiplexers, -1, numbers past the highest, x32 numbers, a foreign arch;
 * per argument the words datum-1, datum, datum+1, 0, 0xffffffff of every
 * condition, combined; plus random values. */

#define MAXCAND 96

struct cands {
    size_t n[6];
    uint64_t v[6][MAXCAND];
};

static void cand_add(struct cands *c, unsigned arg, uint64_t v)
{
    size_t i;
    for (i = 0; i < c->n[arg]; i++)
        if (c->v[arg][i] == v)
            return;
    if (c->n[arg] < MAXCAND)
        c->v[arg][c->n[arg]++] = v;
}

static void cands_of(const struct tfilter *f, struct cands *c)
{
    size_t i, j;
    unsigned a;
    memset(c, 0, sizeof *c);
    for (a = 0; a < 6; a++) {
        cand_add(c, a, 0);
        cand_add(c, a, 0xffffffffu);
        cand_add(c, a, ~(uint64_t)0);
    }
    for (i = 0; i < 25; i++) {
        cand_add(c, 0, i); /* the multiplexers' call numbers, */
        cand_add(c, 0, 0x10000 | i); /* with an ipc version, */
        cand_add(c, 0, 0x100000000ull | i); /* with a high word (ignored by the kernel) */
    }
    for (i = 0; i < f->l.n; i++)
        for (j = 0; j < f->l.v[i].nconds; j++) {
            const struct scmp_arg_cmp *k = &f->l.v[i].conds[j];
            uint64_t d = k->op == SCMP_CMP_MASKED_EQ ? (k->datum_b & k->datum_a) : k->datum_a;
            uint32_t dh = (uint32_t)(d >> 32), dl = (uint32_t)d;
            uint32_t hs[5] = {dh - 1, dh, dh + 1, 0, 0xffffffffu};
            uint32_t ls[5] = {dl - 1, dl, dl + 1, 0, 0xffffffffu};
            size_t x, y;
            for (x = 0; x < 5; x++)
                for (y = 0; y < 5; y++)
                    cand_add(c, k->arg, (uint64_t)hs[x] << 32 | ls[y]);
            if (k->op == SCMP_CMP_MASKED_EQ) {
                cand_add(c, k->arg, k->datum_b);
                cand_add(c, k->arg, d | ~k->datum_a);
            }
        }
}

static int64_t g_vectors, g_wrong;
static int g_silent; /* compare_one: count, print nothing (judging libseccomp's programs) */
static int g_quick; /* fuzzing: random vectors only, no per-candidate sweep */

/* Compare program and evaluator on one call; returns 1 when they agree. */
static int compare_one(const struct tfilter *f, const struct sock_filter *p, size_t n, int be,
                       uint32_t audit, int32_t nr, const uint64_t args[6])
{
    uint32_t got = run(p, n, be, audit, nr, args), want = evaluate(f, audit, nr, args);
    g_vectors++;
    if (got != want) {
        g_wrong++;
        if (g_wrong <= 5 && !g_silent) {
            size_t i;
            printf("MISMATCH arch 0x%08x nr %d args %llx %llx %llx %llx %llx %llx: program 0x%08x, semantics 0x%08x\n",
                   (unsigned)audit, (int)nr, (unsigned long long)args[0], (unsigned long long)args[1],
                   (unsigned long long)args[2], (unsigned long long)args[3], (unsigned long long)args[4],
                   (unsigned long long)args[5], (unsigned)got, (unsigned)want);
            printf("  def 0x%08x widen %d enosys %d arches:", (unsigned)f->def, f->widen, f->enosys);
            for (i = 0; i < f->narch; i++)
                printf(" %s (highest named %lld)", T_ARCH[f->arch[i]].name, (long long)max_named(f, f->arch[i]));
            printf("\n");
            for (i = 0; i < f->l.n; i++) {
                const sc_rule *r = &f->l.v[i];
                size_t j;
                printf("  rule %zu: 0x%08x %s(%d)%s mask %llx:", i, (unsigned)r->action, r->name, r->sys,
                       r->all_arches ? "" : " merged", (unsigned long long)r->arch_mask);
                for (j = 0; j < r->nconds; j++)
                    printf(" a%u op%d %llx %llx;", r->conds[j].arg, (int)r->conds[j].op,
                           (unsigned long long)r->conds[j].datum_a, (unsigned long long)r->conds[j].datum_b);
                printf("\n");
            }
            if (g_verbose)
                disasm(p, n, be);
        }
        return 0;
    }
    return 1;
}

static int64_t check_prog(const struct tfilter *f, const struct sock_filter *prog, size_t n, int nrand);

/* All the checks of one filter; returns the number of disagreements. */
static int64_t check_filter(const struct tfilter *f, int nrand)
{
    static struct sock_filter prog[BPF_SC_MAXINSNS];
    char err[160];
    size_t n;
    const char *msg = gen(f, prog, &n, err, sizeof err);

    if (msg != NULL) {
        CHECK(0, "sc_gen: %s", msg);
        return 1;
    }
    if (bpf_check(prog, n, err, sizeof err) != 0) {
        CHECK(0, "bpf_check rejects the generated program: %s", err);
        return 1;
    }
    return check_prog(f, prog, n, nrand);
}

/* Run prog over f's vectors against the evaluator; the disagreements. */
static int64_t check_prog(const struct tfilter *f, const struct sock_filter *prog, size_t n, int nrand)
{
    size_t i, k;
    int be = T_ARCH[f->arch[0]].be;
    struct cands c;
    int64_t before = g_wrong;
    uint32_t audits[6];
    size_t naud = 0;

    cands_of(f, &c);
    for (i = 0; i < f->narch; i++)
        audits[naud++] = T_ARCH[f->arch[i]].audit;
    audits[naud++] = be ? 0x80000002u : 0xc00000b7u + 1; /* foreign */
    audits[naud++] = be ? 0x00000016u : 0x40000003u;      /* maybe not in the filter */
    for (k = 0; k < naud; k++) {
        /* the numbers to try on this arch value */
        int32_t nrs[160];
        size_t nn = 0, a, j;
        nrs[nn++] = -1;
        nrs[nn++] = 0;
        nrs[nn++] = 0x40000000;
        nrs[nn++] = 0x3fffffff;
        nrs[nn++] = 0x7fffffff;
        for (a = 0; a < T_NARCH; a++) {
            if (T_ARCH[a].audit != audits[k])
                continue;
            for (i = 0; i < f->l.n && nn < NELEM(nrs) - 8; i++) {
                const sc_rule *r = &f->l.v[i];
                int sub, m;
                if (r->name[0] == '\0') {
                    nrs[nn++] = r->sys;
                    nrs[nn++] = r->sys + 1;
                    continue;
                }
                for (j = 0; j < T_SCAN && nn < NELEM(nrs) - 8; j++)
                    if (g_names[a][j] && strcmp(g_names[a][j], r->name) == 0) {
                        nrs[nn++] = T_ARCH[a].base + (int)j;
                        nrs[nn++] = T_ARCH[a].base + (int)j + 1;
                    }
                if ((m = mux_of(r->name, &sub)) >= 0) {
                    int x = seccomp_syscall_resolve_name_arch(T_ARCH[a].tok, m ? "ipc" : "socketcall");
                    if (x >= 0)
                        nrs[nn++] = x;
                }
            }
            {
                int64_t mx = max_named(f, a);
                if (mx >= 0) {
                    nrs[nn++] = (int32_t)mx;
                    nrs[nn++] = (int32_t)(mx + 1);
                }
            }
            nrs[nn++] = T_ARCH[a].base + (int)rn(T_SCAN);
        }
        for (i = 0; i < nn; i++) {
            uint64_t args[6];
            int v;
            unsigned arg;
            /* each candidate of each argument, the others random candidates */
            for (arg = 0; arg < 6 && !g_quick; arg++)
                for (j = 0; j < c.n[arg] && c.n[arg] > 3 + (arg == 0 ? 25 : 0); j++) {
                    unsigned o;
                    for (o = 0; o < 6; o++)
                        args[o] = c.v[o][rn((unsigned)c.n[o])];
                    args[arg] = c.v[arg][j];
                    compare_one(f, prog, n, be, audits[k], nrs[i], args);
                }
            for (v = 0; v < nrand; v++) {
                unsigned o;
                for (o = 0; o < 6; o++)
                    args[o] = rn(4) == 0 ? rnd() : c.v[o][rn((unsigned)c.n[o])];
                compare_one(f, prog, n, be, audits[k], nrs[i], args);
            }
        }
    }
    return g_wrong - before;
}

/* ------------------------------------------------------------------ */
/* Random ledgers                                                        */

static const char *const R_NAMES[] = {
    "read", "write", "getppid", "close", "openat", "getpid", "mmap", "socket", "connect",
    "accept4", "recvmmsg", "shmget", "semop", "msgrcv", "socketcall", "ipc",
};

static const uint32_t R_ACTIONS[] = {
    SCMP_ACT_ALLOW, SCMP_ACT_ERRNO(1), SCMP_ACT_ERRNO(2), SCMP_ACT_ERRNO(3), SCMP_ACT_KILL_PROCESS,
    SCMP_ACT_KILL_THREAD, SCMP_ACT_TRAP, SCMP_ACT_LOG, SCMP_ACT_TRACE(5), 0x7fc00000u /* notify */,
};

static uint64_t rnd_datum(void)
{
    static const uint64_t pool[] = {0, 1, 2, 3, 7, 0xff, 0x7fffffff, 0x80000000u, 0xffffffffu,
                                    0x100000000ull, 0x100000001ull, 0x200000000ull, 0x300000000ull,
                                    0xffffffff00000000ull, ~0ull, 0x8000000000000000ull};
    switch (rn(4)) {
    case 0: return rnd();
    case 1: return rnd() & 0xffffffffu;
    default: return pool[rn(NELEM(pool))];
    }
}

/* kernel = 1: actions and calls a child can survive and report */
static void random_filter(struct tfilter *f, int kernel)
{
    static const size_t le[] = {0, 1, 2, 3, 4, 5, 6}, be_[] = {7, 8, 9, 10, 11, 12, 13};
    size_t i, nr;
    int be = kernel ? 0 : (int)rn(3) == 0;
    memset(f, 0, sizeof *f);
    if (kernel) {
        f->arch[f->narch++] = rn(2) ? T_X86_64 : T_X86;
        if (rn(2))
            f->arch[f->narch++] = f->arch[0] == T_X86_64 ? T_X86 : T_X86_64;
        if (rn(3) == 0)
            f->arch[f->narch++] = T_X32;
    } else {
        size_t want = 1 + rn(3);
        while (f->narch < want) {
            size_t a = be ? be_[rn(NELEM(be_))] : le[rn(NELEM(le))];
            for (i = 0; i < f->narch; i++)
                if (f->arch[i] == a)
                    break;
            if (i == f->narch)
                f->arch[f->narch++] = a;
            else if (rn(4) == 0)
                break;
        }
    }
    f->def = rn(2) ? SCMP_ACT_ALLOW : R_ACTIONS[1 + rn(kernel ? 7 : NELEM(R_ACTIONS) - 1)];
    f->bad = rn(2) ? SCMP_ACT_KILL_PROCESS : SCMP_ACT_ERRNO(9);
    f->widen = rn(3) == 0;
    f->enosys = rn(3) == 0;
    nr = 1 + rn(kernel ? 5 : 8);
    for (i = 0; i < nr; i++) {
        struct scmp_arg_cmp c[6];
        unsigned nc = rn(3) == 0 ? 0 : 1 + rn(rn(2) ? 3 : 6), j;
        const char *name;
        char buf[16];
        uint32_t act = R_ACTIONS[rn(kernel ? 8 : NELEM(R_ACTIONS))];
        if (kernel)
            name = rn(4) ? "getppid" : (rn(2) ? "getpid" : "socket");
        else if (rn(12) == 0)
            name = "";
        else if (rn(12) == 0) {
            snprintf(buf, sizeof buf, "#%u", 1000 + rn(3));
            name = buf;
        } else
            name = R_NAMES[rn(NELEM(R_NAMES))];
        for (j = 0; j < nc; j++) {
            /* distinct arguments: the module refuses two conditions on one */
            do {
                unsigned t;
                c[j].arg = rn(6);
                for (t = 0; t < j && c[t].arg != c[j].arg; t++)
                    ;
                if (t == j)
                    break;
            } while (1);
            c[j].op = (enum scmp_compare)(1 + rn(7));
            c[j].datum_a = rnd_datum();
            c[j].datum_b = c[j].op == SCMP_CMP_MASKED_EQ ? rnd_datum() : 0;
            if (c[j].op == SCMP_CMP_MASKED_EQ && rn(2))
                c[j].datum_b &= c[j].datum_a;
        }
        add_rule(f, act, name, nc, c);
        f->l.v[f->l.n - 1].exact = (unsigned char)rn(2);
        if (!kernel && rn(8) == 0) { /* came in through merge */
            f->l.v[f->l.n - 1].all_arches = 0;
            f->l.v[f->l.n - 1].arch_mask = rnd() & ((1u << T_NARCH) - 1);
        }
    }
}

static void test_random(int sets)
{
    int s;
    int64_t bad_sets = 0, v0 = g_vectors, w0 = g_wrong;
    size_t insns = 0, maxinsns = 0;
    for (s = 0; s < sets; s++) {
        struct tfilter f;
        static struct sock_filter prog[BPF_SC_MAXINSNS];
        size_t n;
        char err[160];
        random_filter(&f, 0);
        if (gen(&f, prog, &n, err, sizeof err) == NULL) {
            insns += n;
            if (n > maxinsns)
                maxinsns = n;
        }
        if (check_filter(&f, 6) != 0)
            bad_sets++;
        sc_ledger_free(&f.l);
    }
    CHECK(bad_sets == 0, "random ledgers: %lld of %d sets disagree", (long long)bad_sets, sets);
    printf("random ledgers: %d sets, %lld vectors, %lld disagreements (%lld sets); mean %.1f, max %zu instructions\n",
           sets, (long long)(g_vectors - v0), (long long)(g_wrong - w0), (long long)bad_sets,
           sets ? (double)insns / sets : 0.0, maxinsns);
}

/* ------------------------------------------------------------------ */
/* 1. hand-written cases                                                 */

static void expect(const struct tfilter *f, uint32_t audit, int32_t nr, uint64_t a0, uint64_t a1,
                   uint32_t want, const char *what)
{
    static struct sock_filter prog[BPF_SC_MAXINSNS];
    char err[160];
    size_t n;
    uint64_t args[6] = {a0, a1, 0, 0, 0, 0};
    int be = T_ARCH[f->arch[0]].be;
    const char *msg = gen(f, prog, &n, err, sizeof err);
    uint32_t got;
    CHECK(msg == NULL, "%s: sc_gen: %s", what, msg ? msg : "");
    if (msg)
        return;
    CHECK(bpf_check(prog, n, err, sizeof err) == 0, "%s: bpf_check: %s", what, err);
    got = run(prog, n, be, audit, nr, args);
    CHECK(got == want, "%s: got 0x%08x want 0x%08x", what, (unsigned)got, (unsigned)want);
    CHECK(evaluate(f, audit, nr, args) == want, "%s: the test's evaluator says 0x%08x", what,
          (unsigned)evaluate(f, audit, nr, args));
    if (got != want && g_verbose)
        disasm(prog, n, be);
}

#define A64 0xc000003eu
#define A86 0x40000003u
#define ERR(e) SCMP_ACT_ERRNO(e)
#define ALLOW SCMP_ACT_ALLOW
#define KILLP SCMP_ACT_KILL_PROCESS

static void test_hand(void)
{
    struct tfilter f;
    struct scmp_arg_cmp c[2];
    size_t none = (size_t)-1;

    /* issue 9's first example: in the overlap, < comes before > (R2) */
    tf_init(&f, ALLOW, T_X86_64, none, none);
    c[0] = (struct scmp_arg_cmp){0, SCMP_CMP_GT, 0x200000000ull, 0};
    add_rule(&f, ERR(1), "getppid", 1, c);
    c[0] = (struct scmp_arg_cmp){0, SCMP_CMP_LT, 0x300000000ull, 0};
    add_rule(&f, ERR(2), "getppid", 1, c);
    expect(&f, A64, 110, 0x300000000ull, 0, ERR(1), "gt only");
    expect(&f, A64, 110, 0x250000000ull, 0, ERR(2), "overlap: < before > in libseccomp's order");
    expect(&f, A64, 110, 5, 0, ERR(2), "lt only");
    expect(&f, A64, 39, 5, 0, ALLOW, "other call");
    expect(&f, A86, 64, 5, 0, KILLP, "arch not in the filter");
    expect(&f, A64, 0x40000000 + 110, 5, 0, KILLP, "x32 number, no x32 in the filter");
    expect(&f, A64, -1, 5, 0, ALLOW, "-1 passes the x32 check");
    sc_ledger_free(&f.l);

    /* an unconditional rule decides every call (R1), after a conditional one too */
    tf_init(&f, ALLOW, T_X86_64, T_X86, none);
    c[0] = (struct scmp_arg_cmp){1, SCMP_CMP_MASKED_EQ, 0xff, 0x1};
    add_rule(&f, ERR(3), "getppid", 1, c);
    add_rule(&f, SCMP_ACT_TRAP, "getppid", 0, NULL);
    expect(&f, A64, 110, 0, 0x101, SCMP_ACT_TRAP, "the unconditional trap erases the errno rule");
    expect(&f, A86, 64, 0, 0x101, SCMP_ACT_TRAP, "on x86 too");
    sc_ledger_free(&f.l);

    /* 32-bit arch: the low word only */
    tf_init(&f, ALLOW, T_X86, none, none);
    c[0] = (struct scmp_arg_cmp){0, SCMP_CMP_EQ, 0x100000005ull, 0};
    add_rule(&f, ERR(1), "getppid", 1, c);
    expect(&f, A86, 64, 5, 0, ERR(1), "x86 compares the low word");
    expect(&f, A86, 64, 0x100000005ull, 0, ERR(1), "x86 ignores the high word");
    expect(&f, A86, 64, 6, 0, ALLOW, "x86 low word differs");
    sc_ledger_free(&f.l);

    /* socket on x86: direct 359 with conditions; socketcall(1) is multiplexed */
    tf_init(&f, ALLOW, T_X86, none, none);
    c[0] = (struct scmp_arg_cmp){0, SCMP_CMP_EQ, 2, 0};
    add_rule(&f, ERR(1), "socket", 1, c);
    expect(&f, A86, 359, 2, 0, ERR(1), "direct socket(AF_INET)");
    expect(&f, A86, 359, 1, 0, ALLOW, "direct socket(AF_UNIX)");
    expect(&f, A86, 102, 1, 0, ERR(1), "socketcall(SYS_SOCKET): conditional deny, default allow: deny");
    expect(&f, A86, 102, 2, 0, ALLOW, "socketcall(SYS_BIND): default");
    sc_ledger_free(&f.l);
    /* ipc on x86: the kernel dispatches on call & 0xffff (the high half is a version) */
    tf_init(&f, ALLOW, T_X86, none, none);
    add_rule(&f, ERR(5), "shmget", 0, NULL);
    expect(&f, A86, 117, 23, 0, ERR(5), "x86 ipc(SHMGET)");
    expect(&f, A86, 117, 0x10017, 0, ERR(5), "x86 ipc(SHMGET) with version 1");
    expect(&f, A86, 117, 0xffff0017u, 0, ERR(5), "x86 ipc(SHMGET) with version 0xffff");
    expect(&f, A86, 117, 0x10018, 0, ALLOW, "x86 ipc(SHMCTL) with version 1");
    sc_ledger_free(&f.l);
    tf_init(&f, ERR(1), T_X86, none, none);
    c[0] = (struct scmp_arg_cmp){0, SCMP_CMP_EQ, 1, 0};
    add_rule(&f, ALLOW, "socket", 1, c);
    expect(&f, A86, 359, 1, 0, ALLOW, "direct socket(AF_UNIX) allowed");
    expect(&f, A86, 359, 2, 0, ERR(1), "direct socket(AF_INET) denied");
    expect(&f, A86, 102, 1, 0, ERR(1), "socketcall(SYS_SOCKET) does not widen");
    f.widen = 1;
    expect(&f, A86, 102, 1, 0, ALLOW, "widen_multiplexed: socketcall(SYS_SOCKET) allowed");
    expect(&f, A86, 102, 3, 0, ERR(1), "widen_multiplexed: socketcall(SYS_CONNECT) denied");
    f.widen = 0;
    sc_ledger_free(&f.l);
    /* widened, a condition on another argument stays, on socketcall's own */
    tf_init(&f, ERR(1), T_X86, none, none);
    c[0] = (struct scmp_arg_cmp){0, SCMP_CMP_EQ, 2, 0};
    c[1] = (struct scmp_arg_cmp){1, SCMP_CMP_NE, 9, 0};
    add_rule(&f, ALLOW, "socket", 2, c);
    f.widen = 1;
    expect(&f, A86, 102, 1, 0, ALLOW, "widened: socketcall(SYS_SOCKET): arg0's condition gives way");
    expect(&f, A86, 102, 1, 9, ERR(1), "widened: socketcall(SYS_SOCKET, 9): the rule's arg1 condition stays");
    expect(&f, A86, 359, 2, 0, ALLOW, "widened: direct socket(AF_INET)");
    expect(&f, A86, 359, 1, 0, ERR(1), "widened: direct socket(AF_UNIX): arg0's condition");
    f.widen = 0;
    expect(&f, A86, 102, 1, 0, ERR(1), "not widened: socketcall(SYS_SOCKET) denied");
    sc_ledger_free(&f.l);
    tf_init(&f, ERR(1), T_X86, none, none);
    c[0] = (struct scmp_arg_cmp){0, SCMP_CMP_EQ, 1, 0};
    add_rule(&f, ALLOW, "socket", 1, c);
    add_rule(&f, ALLOW, "socket", 0, NULL);
    expect(&f, A86, 102, 1, 0, ALLOW, "an unconditional rule opens the multiplexed path");
    sc_ledger_free(&f.l);
    /* not widened: the call's first unconditional rule decides its path,
     * even after a more restrictive conditional one (R1) */
    tf_init(&f, ALLOW, T_X86, none, none);
    c[0] = (struct scmp_arg_cmp){0, SCMP_CMP_EQ, 2, 0};
    add_rule(&f, KILLP, "socket", 1, c);
    add_rule(&f, ERR(3), "socket", 0, NULL);
    expect(&f, A86, 102, 1, 0, ERR(3), "R1 on the multiplexed path");
    expect(&f, A86, 359, 2, 0, ERR(3), "R1 on the direct call");
    sc_ledger_free(&f.l);
    /* not widened, no unconditional rule: the most restrictive of the
     * call's rules and the default, the first between two of one kind */
    tf_init(&f, ERR(9), T_X86, none, none);
    c[0] = (struct scmp_arg_cmp){0, SCMP_CMP_EQ, 1, 0};
    add_rule(&f, ALLOW, "socket", 1, c);
    c[0] = (struct scmp_arg_cmp){0, SCMP_CMP_EQ, 2, 0};
    add_rule(&f, ERR(4), "socket", 1, c);
    c[0] = (struct scmp_arg_cmp){0, SCMP_CMP_EQ, 3, 0};
    add_rule(&f, ERR(5), "socket", 1, c);
    expect(&f, A86, 102, 1, 0, ERR(4), "the multiplexed path: the first errno rule's (before the default's)");
    expect(&f, A86, 359, 3, 0, ERR(5), "the direct call: its own rule");
    sc_ledger_free(&f.l);
    /* widened: the call's rules take their places among the multiplexer's
     * own: arg1's test (a rule on socketcall) before the call's arg0 */
    tf_init(&f, ALLOW, T_X86, none, none);
    c[0] = (struct scmp_arg_cmp){0, SCMP_CMP_EQ, 2, 0};
    add_rule(&f, ERR(4), "socket", 1, c);
    c[0] = (struct scmp_arg_cmp){1, SCMP_CMP_EQ, 7, 0};
    add_rule(&f, ERR(6), "socketcall", 1, c);
    f.widen = 1;
    expect(&f, A86, 102, 1, 7, ERR(6), "widened: the rule on socketcall's arg1 first");
    expect(&f, A86, 102, 1, 8, ERR(4), "widened: then the socket rule, its condition on arg0 given way");
    expect(&f, A86, 102, 2, 8, ALLOW, "widened: socketcall(SYS_BIND)");
    sc_ledger_free(&f.l);
    /* R2: the higher argument first; bounds graded; ties to the first */
    tf_init(&f, ALLOW, T_X86_64, T_X86, none);
    c[0] = (struct scmp_arg_cmp){1, SCMP_CMP_GT, 5, 0};
    add_rule(&f, ERR(1), "getppid", 1, c);
    c[0] = (struct scmp_arg_cmp){0, SCMP_CMP_EQ, 3, 0};
    add_rule(&f, KILLP, "getppid", 1, c);
    expect(&f, A64, 110, 3, 9, ERR(1), "the higher argument first");
    expect(&f, A64, 110, 3, 1, KILLP, "arg0's rule where arg1's does not hold");
    expect(&f, A86, 64, 3, 9, ERR(1), "the higher argument first, on x86");
    sc_ledger_free(&f.l);
    tf_init(&f, ALLOW, T_X86_64, none, none);
    c[0] = (struct scmp_arg_cmp){1, SCMP_CMP_GT, 128, 0};
    add_rule(&f, ERR(5), "getpid", 1, c);
    c[0] = (struct scmp_arg_cmp){1, SCMP_CMP_GT, 256, 0};
    add_rule(&f, ERR(6), "getpid", 1, c);
    c[0] = (struct scmp_arg_cmp){0, SCMP_CMP_LT, 5, 0};
    add_rule(&f, ERR(1), "close", 1, c);
    c[0] = (struct scmp_arg_cmp){0, SCMP_CMP_LE, 5, 0};
    add_rule(&f, ERR(2), "close", 1, c);
    expect(&f, A64, 39, 0, 257, ERR(6), "the tighter bound first (43-sim-a2_order)");
    expect(&f, A64, 39, 0, 200, ERR(5), "the looser bound");
    expect(&f, A64, 3, 3, 0, ERR(1), "< and <= on one datum: the first added first");
    expect(&f, A64, 3, 5, 0, ERR(2), "<= alone");
    sc_ledger_free(&f.l);
    tf_init(&f, ALLOW, T_S390X, none, none);
    add_rule(&f, ERR(5), "shmget", 0, NULL);
    expect(&f, 0x80000016u, 117, 23, 0, ERR(5), "s390x ipc(SHMGET)");
    expect(&f, 0x80000016u, 117, 0x100000017ull, 0, ERR(5), "s390x ipc: the kernel takes the low 32 bits");
    expect(&f, 0x80000016u, 117, 0x10017, 0, ALLOW, "s390x ipc: a version is EINVAL, no shmget");
    expect(&f, 0x80000016u, 117, 24, 0, ALLOW, "s390x ipc(SHMCTL)");
    expect(&f, 0x80000016u, 395, 0, 0, ERR(5), "s390x direct shmget");
    sc_ledger_free(&f.l);
    /* socketcall on s390x: the call is an int, the high word ignored */
    tf_init(&f, ALLOW, T_S390X, none, none);
    add_rule(&f, ERR(5), "socket", 0, NULL);
    expect(&f, 0x80000016u, 102, 1, 0, ERR(5), "s390x socketcall(SYS_SOCKET)");
    expect(&f, 0x80000016u, 102, 0x100000001ull, 0, ERR(5), "s390x socketcall: the kernel takes an int");
    expect(&f, 0x80000016u, 102, 0x100000002ull, 0, ALLOW, "s390x socketcall(SYS_BIND)");
    sc_ledger_free(&f.l);

    /* x32 */
    tf_init(&f, ALLOW, T_X32, none, none);
    add_rule(&f, ERR(1), "getppid", 0, NULL);
    expect(&f, A64, 0x40000000 + 110, 0, 0, ERR(1), "x32 getppid");
    expect(&f, A64, 110, 0, 0, KILLP, "x86_64 number under x32 only");
    expect(&f, A64, -1, 0, 0, ALLOW, "-1 under x32 only");
    f.arch[f.narch++] = T_X86_64;
    expect(&f, A64, 110, 0, 0, ERR(1), "the rule applies to x86_64 added later");
    expect(&f, A64, 0x40000000 + 110, 0, 0, ERR(1), "x32 getppid with both");
    sc_ledger_free(&f.l);

    /* tskip and unknown_enosys */
    tf_init(&f, ERR(1), T_X86_64, T_X86, none);
    add_rule(&f, ALLOW, "read", 0, NULL);
    add_rule(&f, ALLOW, "openat", 0, NULL);
    add_rule(&f, ERR(7), "", 0, NULL);
    f.enosys = 1;
    expect(&f, A64, -1, 0, 0, ERR(7), "tskip rule on -1");
    expect(&f, A64, 257, 0, 0, ALLOW, "openat");
    expect(&f, A64, 258, 0, 0, ERR(ENOSYS), "above openat: ENOSYS");
    expect(&f, A64, 100, 0, 0, ERR(1), "below: default");
    expect(&f, A86, 296, 0, 0, ERR(ENOSYS), "x86: above openat (295): ENOSYS");
    expect(&f, A86, 294, 0, 0, ERR(1), "x86: below openat: default");
    sc_ledger_free(&f.l);

    /* the instruction limit */
    {
        static struct sock_filter prog[BPF_SC_MAXINSNS];
        char err[200];
        size_t n, i;
        const char *msg;
        tf_init(&f, ALLOW, T_X86_64, none, none);
        for (i = 0; i < 700; i++) {
            c[0] = (struct scmp_arg_cmp){0, SCMP_CMP_GT, 0x100000000ull + i, 0};
            c[1] = (struct scmp_arg_cmp){1, SCMP_CMP_NE, i, 0};
            add_rule(&f, ERR(1 + i % 50), "getppid", 2, c);
        }
        msg = gen(&f, prog, &n, err, sizeof err);
        CHECK(msg != NULL && strstr(msg, "4096") != NULL, "over 4096: %s", msg ? msg : "accepted");
        if (msg)
            printf("over the limit: %s\n", msg);
        sc_ledger_free(&f.l);
    }
}


/* ------------------------------------------------------------------ */
/* 3. kernel agreement                                                   */

/* What a child saw, shared with the parent (the filter may forbid every
 * other way of telling). */
struct kshared {
    volatile int state;   /* 1: calling, 2: returned */
    volatile int trapped; /* SIGSYS handler ran */
    volatile long ret;
};
static struct kshared *g_ks;

static void on_sigsys(int sig)
{
    (void)sig;
    if (g_ks->state == 1)
        g_ks->trapped = 1;
    /* returning needs rt_sigreturn, which the filter may refuse */
    __builtin_trap();
}

/* getppid with six arguments: through the 64-bit syscall instruction, or
 * (i386) through int 0x80, the i386 ABI with 32-bit arguments */
static long call_getppid(int i386, const uint64_t a[6])
{
#if defined(__x86_64__)
    if (i386) {
        int ret;
        register uint64_t r8 __asm__("r8") = (uint32_t)a[5];
        __asm__ volatile("push %%rbp\n\t"
                         "mov %%r8d, %%ebp\n\t"
                         "int $0x80\n\t"
                         "pop %%rbp"
                         : "=a"(ret)
                         : "a"(64L /* i386 getppid */), "b"((uint64_t)(uint32_t)a[0]),
                           "c"((uint64_t)(uint32_t)a[1]), "d"((uint64_t)(uint32_t)a[2]),
                           "S"((uint64_t)(uint32_t)a[3]), "D"((uint64_t)(uint32_t)a[4]), "r"(r8)
                         : "memory");
        return ret;
    } else {
        long ret;
        register uint64_t r10 __asm__("r10") = a[3];
        register uint64_t r8 __asm__("r8") = a[4];
        register uint64_t r9 __asm__("r9") = a[5];
        __asm__ volatile("syscall"
                         : "=a"(ret)
                         : "a"((long)SYS_getppid), "D"(a[0]), "S"(a[1]), "d"(a[2]), "r"(r10), "r"(r8),
                           "r"(r9)
                         : "rcx", "r11", "memory");
        return ret;
    }
#else
    (void)i386;
    (void)a;
    return -ENOSYS;
#endif
}

/* Outcomes, comparable between the kernel and the interpreter. */
#define K_SUCCESS 0x10000
#define K_TRAP 0x20000
#define K_KILLED 0x30000
#define K_BROKEN 0x40000

static int outcome_of(uint32_t action)
{
    switch (action & 0xffff0000u) {
    case 0x7fff0000u: case 0x7ffc0000u: return K_SUCCESS; /* allow, log */
    case 0x00050000u: return (action & 0xffff) ? (int)(action & 0xffff) : K_SUCCESS;
    case 0x00030000u: return K_TRAP;
    default: return K_KILLED; /* kill_thread, kill_process */
    }
}

/* Load prog in a child and make the call; the outcome. */
static int kernel_outcome(const struct sock_filter *prog, size_t n, int i386, const uint64_t a[6])
{
    struct sock_fprog fp;
    pid_t pid;
    int status;
    fp.len = (unsigned short)n;
    fp.filter = (struct sock_filter *)prog;
    memset((void *)g_ks, 0, sizeof *g_ks);
    pid = fork();
    if (pid < 0)
        return K_BROKEN;
    if (pid == 0) {
        long r;
        signal(SIGSYS, on_sigsys);
        if (i386) /* a kernel without IA-32 emulation faults here: die of it, without ASan's report */
            signal(SIGSEGV, SIG_DFL);
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
            syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fp) != 0)
            _exit(99);
        g_ks->state = 1;
        r = call_getppid(i386, a);
        g_ks->ret = r;
        g_ks->state = 2;
        syscall(SYS_exit_group, 0);
        __builtin_trap(); /* exit_group refused: die without a syscall */
    }
    if (waitpid(pid, &status, 0) != pid)
        return K_BROKEN;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 99)
        return K_BROKEN;
    if (g_ks->trapped)
        return K_TRAP;
    if (g_ks->state == 2)
        return g_ks->ret < 0 && g_ks->ret >= -4095 ? (int)-g_ks->ret : K_SUCCESS;
    if (g_ks->state == 1 && WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS)
        return K_KILLED;
    return K_BROKEN;
}

static void test_kernel(int sets)
{
    int s, calls = 0, bad = 0, broken = 0, i386_calls = 0, seen[4] = {0, 0, 0, 0}, i386_ok;
    struct sock_filter probe[1] = {BPF_STMT(BPF_RET | BPF_K, SCMP_ACT_ALLOW)};
    uint64_t zero[6] = {0, 0, 0, 0, 0, 0};
    g_ks = mmap(NULL, sizeof *g_ks, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (g_ks == MAP_FAILED) {
        CHECK(0, "mmap: %s", strerror(errno));
        return;
    }
#if !defined(__x86_64__)
    printf("kernel agreement skipped: not an x86_64 machine\n");
    return;
#endif
    if (kernel_outcome(probe, 1, 0, zero) != K_SUCCESS) {
        printf("kernel agreement skipped: cannot install seccomp filters here\n");
        return;
    }
    /* int 0x80 needs the kernel's IA-32 emulation, which some kernels and
     * hypervisors do not give (the instruction faults): then the i386 calls
     * are pending, named, and the x86_64 ones still run */
    i386_ok = kernel_outcome(probe, 1, 1, zero) == K_SUCCESS;
    if (!i386_ok)
        printf("pending: kernel agreement through int 0x80: this kernel has no IA-32 emulation "
               "(int 0x80 under an allow-all filter does not return)\n");
    for (s = 0; s < sets; s++) {
        struct tfilter f;
        static struct sock_filter prog[BPF_SC_MAXINSNS];
        struct cands c;
        size_t n, v;
        char err[160];
        random_filter(&f, 1);
        if (gen(&f, prog, &n, err, sizeof err) != NULL) {
            CHECK(0, "kernel set %d: sc_gen: %s", s, err);
            sc_ledger_free(&f.l);
            continue;
        }
        cands_of(&f, &c);
        for (v = 0; v < 6; v++) {
            int i386 = (int)(v & 1), want, got;
            uint64_t a[6];
            unsigned o;
            if (i386 && !i386_ok)
                continue;
            uint32_t audit = i386 ? 0x40000003u : 0xc000003eu;
            int32_t nr = i386 ? 64 : SYS_getppid;
            for (o = 0; o < 6; o++) {
                a[o] = c.v[o][rn((unsigned)c.n[o])];
                if (i386)
                    a[o] &= 0xffffffffu;
            }
            want = outcome_of(run(prog, n, 0, audit, nr, a));
            got = kernel_outcome(prog, n, i386, a);
            seen[got == K_SUCCESS ? 0 : got == K_TRAP ? 1 : got == K_KILLED ? 2 : 3]++;
            calls++;
            i386_calls += i386;
            if (got == K_BROKEN) {
                broken++;
                continue;
            }
            if (got != want) {
                bad++;
                if (bad <= 5) {
                    printf("KERNEL MISMATCH set %d %s args %llx %llx %llx %llx %llx %llx: kernel 0x%x, interpreter 0x%x\n",
                           s, i386 ? "int80" : "syscall", (unsigned long long)a[0], (unsigned long long)a[1],
                           (unsigned long long)a[2], (unsigned long long)a[3], (unsigned long long)a[4],
                           (unsigned long long)a[5], got, want);
                    if (g_verbose)
                        disasm(prog, n, 0);
                }
            }
        }
        check_filter(&f, 2);
        sc_ledger_free(&f.l);
    }
    CHECK(bad == 0, "kernel agreement: %d of %d calls differ", bad, calls);
    CHECK(broken <= calls / 50, "kernel agreement: %d experiments failed", broken);
    printf("kernel agreement: %d sets, %d calls (%d through int 0x80), %d disagreements, %d failed experiments\n"
           "  outcomes: %d success, %d trap, %d killed, %d errno or broken\n",
           sets, calls, i386_calls, bad, broken, seen[0], seen[1], seen[2], seen[3]);
    CHECK(seen[0] > 0 && seen[1] > 0 && seen[2] > 0 && seen[3] > 0, "kernel agreement saw every kind of outcome");
    munmap(g_ks, sizeof *g_ks);
}

/* ------------------------------------------------------------------ */
/* 4. libseccomp's endless loop in rule_add                              */

struct hshared {
    volatile int at; /* the rule being added */
};

/* Add rules r[0..n) to a libseccomp filter in a child that dies after
 * `ms` milliseconds; returns the index of the add that never returned, -1
 * when all returned, -2 when the experiment failed. */
static int libseccomp_hangs_at(const sc_rule *r, size_t n, uint32_t arch, int ms)
{
    struct hshared *h = mmap(NULL, sizeof *h, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    pid_t pid;
    int status, res = -2;
    if (h == MAP_FAILED)
        return -2;
    h->at = -1;
    pid = fork();
    if (pid == 0) {
        struct itimerval it;
        scmp_filter_ctx c;
        size_t i;
        memset(&it, 0, sizeof it);
        it.it_value.tv_sec = ms / 1000;
        it.it_value.tv_usec = (ms % 1000) * 1000;
        signal(SIGALRM, SIG_DFL);
        setitimer(ITIMER_REAL, &it, NULL);
        c = seccomp_init(SCMP_ACT_ALLOW);
        if (c == NULL)
            _exit(3);
        if (arch != SCMP_ARCH_NATIVE) {
            seccomp_arch_add(c, arch);
            seccomp_arch_remove(c, SCMP_ARCH_NATIVE);
        }
        for (i = 0; i < n; i++) {
            h->at = (int)i;
            seccomp_rule_add_array(c, r[i].action, seccomp_syscall_resolve_name(r[i].name), r[i].nconds, r[i].conds);
        }
        h->at = 1000;
        _exit(0);
    }
    if (pid > 0 && waitpid(pid, &status, 0) == pid) {
        if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
            res = h->at;
        else if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && h->at == 1000)
            res = -1;
    }
    munmap(h, sizeof *h);
    return res;
}

static void hang_rule(sc_rule *r, uint32_t action, unsigned nconds, const struct scmp_arg_cmp *c)
{
    memset(r, 0, sizeof *r);
    r->action = action;
    snprintf(r->name, sizeof r->name, "write");
    r->sys = seccomp_syscall_resolve_name("write");
    r->nconds = (unsigned char)nconds;
    memcpy(r->conds, c, nconds * sizeof *c);
    r->all_arches = 1;
}

static void random_hang_rules(sc_rule *r, size_t n)
{
    static const uint64_t pool[] = {0, 1, 2, 3, 256, 0x100000002ull};
    size_t i, pre = rn(3) ? 1 + rn(2) : 0;
    for (i = 0; i < n; i++) {
        struct scmp_arg_cmp c[4];
        unsigned nc = 1 + rn(3), j, used = 0;
        if (pre && nc < pre + 1)
            nc = (unsigned)pre + 1;
        for (j = 0; j < nc; j++) {
            unsigned a;
            do
                a = rn(4);
            while (used & (1u << a));
            used |= 1u << a;
            c[j].arg = a;
            c[j].op = (enum scmp_compare)(1 + rn(7));
            c[j].datum_a = pool[rn(NELEM(pool))];
            c[j].datum_b = c[j].op == SCMP_CMP_MASKED_EQ ? pool[rn(NELEM(pool))] : 0;
        }
        if (i > 0 && pre) { /* share the first rule's first conditions */
            for (j = 0; j < pre && j < r[0].nconds; j++)
                c[j] = r[0].conds[j];
            /* no argument twice */
            for (j = (unsigned)pre; j < nc; j++) {
                unsigned t;
                for (t = 0; t < j; t++)
                    if (c[t].arg == c[j].arg)
                        break;
                if (t < j) {
                    nc = j;
                    break;
                }
            }
        }
        hang_rule(&r[i], SCMP_ACT_ERRNO(1 + rn(3)), nc, c);
    }
}

static void test_hang(int experiments)
{
    sc_ledger l = {NULL, 0, 0};
    sc_rule r[3];
    struct scmp_arg_cmp c[2];
    int e, hangs = 0, misses = 0, steps = 0, fps = 0, failed = 0, at;

    /* the README's pair */
    c[0] = (struct scmp_arg_cmp){0, SCMP_CMP_GT, 2, 0};
    c[1] = (struct scmp_arg_cmp){2, SCMP_CMP_LE, 256, 0};
    hang_rule(&r[0], SCMP_ACT_ERRNO(13), 2, c);
    c[1] = (struct scmp_arg_cmp){2, SCMP_CMP_MASKED_EQ, 3, 0};
    hang_rule(&r[1], SCMP_ACT_ERRNO(1), 2, c);
    at = libseccomp_hangs_at(r, 2, SCMP_ARCH_NATIVE, 1000);
    CHECK(at == 1, "libseccomp hangs on the README's pair (add %d)", at);
    l.v = r;
    l.n = 1;
    CHECK(sc_gen_hang_risk(&l, &r[1]) == 1, "sc_gen_hang_risk sees the README's pair");
    CHECK(sc_gen_hang_risk(&l, &r[0]) == 0, "the same rule twice returns");
    r[0].held_back = 1;
    CHECK(sc_gen_hang_risk(&l, &r[1]) == 0, "a held-back rule is not in libseccomp's tree");
    l.v = NULL;
    l.n = 0;

    for (e = 0; e < experiments; e++) {
        size_t n = 2 + (rn(4) == 0), i;
        uint32_t arch = rn(4) == 0 ? SCMP_ARCH_X86 : SCMP_ARCH_NATIVE;
        random_hang_rules(r, n);
        at = libseccomp_hangs_at(r, n, arch, 500);
        if (at == -2 || at >= (int)n) {
            failed++;
            continue;
        }
        for (i = 1; i < n && (at < 0 || i <= (size_t)at); i++) {
            int pred;
            l.v = r;
            l.n = i;
            pred = sc_gen_hang_risk(&l, &r[i]);
            if ((int)i == at) {
                hangs++;
                if (!pred) {
                    misses++;
                    if (misses <= 5) {
                        size_t q, j;
                        printf("MISSED HANG (%s):", arch == SCMP_ARCH_X86 ? "x86" : "native");
                        for (q = 0; q <= i; q++) {
                            printf(" |");
                            for (j = 0; j < r[q].nconds; j++)
                                printf(" a%u op%d %llx %llx;", r[q].conds[j].arg, (int)r[q].conds[j].op,
                                       (unsigned long long)r[q].conds[j].datum_a,
                                       (unsigned long long)r[q].conds[j].datum_b);
                        }
                        printf("\n");
                    }
                }
            } else {
                steps++;
                fps += pred;
            }
        }
    }
    l.v = NULL;
    CHECK(misses == 0, "sc_gen_hang_risk missed %d of %d hanging adds", misses, hangs);
    CHECK(hangs > 0 || experiments < 50, "the experiments found hangs (%d)", hangs);
    CHECK(failed <= experiments / 20, "hang experiments: %d failed", failed);
    CHECK(fps * 5 <= steps, "sc_gen_hang_risk flags most adds that return (%d of %d)", fps, steps);
    printf("hang: %d experiments, %d hanging adds (all flagged: %s), %d adds that returned, %d flagged "
           "(false-positive rate %.1f%%), %d failed experiments\n",
           experiments, hangs, misses ? "no" : "yes", steps, fps, steps ? 100.0 * fps / steps : 0.0, failed);
}

/* ------------------------------------------------------------------ */
/* 5. comparison with libseccomp's programs                              */

/* bpf_run's semantics for the instructions both generators emit, counting
 * the instructions executed (checked against bpf_run on every call). */
static uint32_t run_count(const struct sock_filter *p, size_t n, const unsigned char d[BPF_SC_DATA_SIZE],
                          int be, unsigned *steps)
{
    uint32_t A = 0;
    size_t pc = 0;
    *steps = 0;
    while (pc < n) {
        const struct sock_filter *f = &p[pc];
        (*steps)++;
        switch (f->code) {
        case BPF_LD | BPF_W | BPF_ABS: A = bpf_get32(d + f->k, be); break;
        case BPF_ALU | BPF_AND | BPF_K: A &= f->k; break;
        case BPF_RET | BPF_K: return f->k;
        case BPF_JMP | BPF_JA: pc += f->k; break;
        case BPF_JMP | BPF_JEQ | BPF_K: pc += A == f->k ? f->jt : f->jf; break;
        case BPF_JMP | BPF_JGT | BPF_K: pc += A > f->k ? f->jt : f->jf; break;
        case BPF_JMP | BPF_JGE | BPF_K: pc += A >= f->k ? f->jt : f->jf; break;
        case BPF_JMP | BPF_JSET | BPF_K: pc += (A & f->k) ? f->jt : f->jf; break;
        default: *steps = 0; return bpf_run(p, n, d, be, NULL);
        }
        pc++;
    }
    return 0;
}

/* libseccomp's program for f; 0 and *n, or -1 (a rule refused, or one that
 * would hang). */
static int libseccomp_prog(const struct tfilter *f, struct sock_filter *prog, size_t *n)
{
    scmp_filter_ctx c = seccomp_init(f->def);
    size_t i;
    int rc = -1;
    FILE *tmp = NULL;
    long len;
    static unsigned char buf[BPF_SC_MAXINSNS * 8 + 8];
    if (c == NULL)
        return -1;
    if (seccomp_attr_set(c, SCMP_FLTATR_ACT_BADARCH, f->bad) != 0)
        goto out;
    if (seccomp_arch_add(c, T_ARCH[f->arch[0]].tok) != 0 && T_ARCH[f->arch[0]].tok != seccomp_arch_native())
        goto out;
    if (T_ARCH[f->arch[0]].tok != seccomp_arch_native() && seccomp_arch_remove(c, SCMP_ARCH_NATIVE) != 0)
        goto out;
    for (i = 1; i < f->narch; i++)
        if (seccomp_arch_add(c, T_ARCH[f->arch[i]].tok) != 0)
            goto out;
    for (i = 0; i < f->l.n; i++) {
        sc_ledger prev;
        prev.v = f->l.v;
        prev.n = i;
        prev.cap = i;
        if (sc_gen_hang_risk(&prev, &f->l.v[i]))
            goto out;
        if (seccomp_rule_add_array(c, f->l.v[i].action, f->l.v[i].sys, f->l.v[i].nconds, f->l.v[i].conds) != 0)
            goto out;
    }
    tmp = tmpfile();
    if (tmp == NULL || seccomp_export_bpf(c, fileno(tmp)) != 0)
        goto out;
    len = ftell(tmp);
    if (len <= 0)
        len = (long)lseek(fileno(tmp), 0, SEEK_END);
    if (len <= 0 || len > (long)sizeof buf)
        goto out;
    if (pread(fileno(tmp), buf, (size_t)len, 0) != len)
        goto out;
    if (bpf_decode(buf, (size_t)len, T_ARCH[f->arch[0]].be, prog, n) != NULL)
        goto out;
    rc = 0;
out:
    if (tmp)
        fclose(tmp);
    seccomp_release(c);
    return rc;
}

struct cmpstat {
    int sets, refused, lib_wrong;
    double ratio_sum, ratio_max;
    double steps_ours, steps_lib;
    long calls;
};

/* Compare on one filter over every named number (and a few others) with
 * candidate arguments; accumulates into st. */
static void compare_filter(const struct tfilter *f, struct cmpstat *st, int nargs)
{
    static struct sock_filter ours[BPF_SC_MAXINSNS], lib[BPF_SC_MAXINSNS];
    size_t no, nl, k, i;
    char err[160];
    struct cands c;
    int wrong = 0, be = T_ARCH[f->arch[0]].be;
    double so = 0, sl = 0;
    long calls = 0;
    if (gen(f, ours, &no, err, sizeof err) != NULL) {
        CHECK(0, "compare: sc_gen: %s", err);
        return;
    }
    if (libseccomp_prog(f, lib, &nl) != 0) {
        st->refused++;
        return;
    }
    {
        /* libseccomp's program judged on the boundary vectors first */
        int64_t w0 = g_wrong, v0 = g_vectors, bad;
        g_silent = 1;
        bad = check_prog(f, lib, nl, 4);
        g_silent = 0;
        g_wrong = w0;
        g_vectors = v0;
        if (bad) {
            st->lib_wrong++;
            return;
        }
    }
    cands_of(f, &c);
    for (k = 0; k < f->narch; k++) {
        size_t a = f->arch[k];
        for (i = 0; i < T_SCAN; i++) {
            int32_t nr = T_ARCH[a].base + (int32_t)i;
            int v, named = 0;
            size_t q;
            if (g_names[a][i] == NULL)
                continue;
            for (q = 0; q < f->l.n; q++)
                if (strcmp(f->l.v[q].name, g_names[a][i]) == 0 || strcmp(g_names[a][i], "socketcall") == 0 ||
                    strcmp(g_names[a][i], "ipc") == 0)
                    named = 1;
            for (v = 0; v < (named ? nargs : 1); v++) {
                uint64_t args[6];
                unsigned o, s1, s2;
                unsigned char d[BPF_SC_DATA_SIZE];
                uint32_t r1, r2, want;
                for (o = 0; o < 6; o++)
                    args[o] = c.v[o][rn((unsigned)c.n[o])];
                bpf_pack_data(d, be, nr, T_ARCH[a].audit, 0, args);
                r1 = run_count(ours, no, d, be, &s1);
                r2 = run_count(lib, nl, d, be, &s2);
                want = evaluate(f, T_ARCH[a].audit, nr, args);
                CHECK(r1 == bpf_run(ours, no, d, be, NULL) && r2 == bpf_run(lib, nl, d, be, NULL),
                      "compare: the counting interpreter agrees with bpf_run");
                if (r2 != want)
                    wrong = 1;
                so += s1;
                sl += s2;
                calls++;
            }
        }
    }
    if (wrong) {
        st->lib_wrong++;
        return;
    }
    if (g_verbose && (double)no / (double)nl > 1.3) {
        size_t q, j;
        printf("ratio %.2f (%zu/%zu):\n", (double)no / (double)nl, no, nl);
        for (q = 0; q < f->l.n; q++) {
            const sc_rule *r = &f->l.v[q];
            printf("  rule %zu: 0x%08x %s(%d):", q, (unsigned)r->action, r->name, r->sys);
            for (j = 0; j < r->nconds; j++)
                printf(" a%u op%d %llx %llx;", r->conds[j].arg, (int)r->conds[j].op,
                       (unsigned long long)r->conds[j].datum_a, (unsigned long long)r->conds[j].datum_b);
            printf("\n");
        }
        disasm(ours, no, be);
        printf(" libseccomp:\n");
        disasm(lib, nl, be);
    }
    st->sets++;
    st->ratio_sum += (double)no / (double)nl;
    if ((double)no / (double)nl > st->ratio_max)
        st->ratio_max = (double)no / (double)nl;
    st->steps_ours += so;
    st->steps_lib += sl;
    st->calls += calls;
}

static void print_cmp(const char *what, const struct cmpstat *st, size_t no, size_t nl)
{
    printf("compare %s: %d sets libseccomp compiles right (%d refused, %d wrong); instructions ours/libseccomp "
           "mean %.3f max %.3f%s; executed per call %.2f vs %.2f (ratio %.3f) over %ld calls\n",
           what, st->sets, st->refused, st->lib_wrong, st->sets ? st->ratio_sum / st->sets : 0.0, st->ratio_max,
           "", st->calls ? st->steps_ours / st->calls : 0.0, st->calls ? st->steps_lib / st->calls : 0.0,
           st->steps_lib > 0 ? st->steps_ours / st->steps_lib : 0.0, st->calls);
    if (no)
        printf("  program sizes: ours %zu, libseccomp %zu\n", no, nl);
}

/* An allow-list of `nsys` calls of the arch's table with `ncond` of them
 * conditional, default errno. */
static void big_filter(struct tfilter *f, size_t a1, size_t a2, int nsys, int ncond)
{
    int i, added = 0;
    memset(f, 0, sizeof *f);
    f->def = SCMP_ACT_ERRNO(1);
    f->bad = SCMP_ACT_KILL_PROCESS;
    f->arch[f->narch++] = a1;
    if (a2 != (size_t)-1)
        f->arch[f->narch++] = a2;
    for (i = 0; i < T_SCAN && added < nsys; i++) {
        const char *nm = g_names[a1][i];
        if (nm == NULL)
            continue;
        if (added < ncond) {
            struct scmp_arg_cmp c[2];
            c[0] = (struct scmp_arg_cmp){0, SCMP_CMP_LE, 0x7fffffff, 0};
            c[1] = (struct scmp_arg_cmp){1, SCMP_CMP_MASKED_EQ, 0xff, 0x1};
            add_rule(f, SCMP_ACT_ALLOW, nm, 1 + (unsigned)(added % 2), c);
        } else {
            add_rule(f, SCMP_ACT_ALLOW, nm, 0, NULL);
        }
        added++;
    }
}

static int dbl_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void test_compare(int sets)
{
    struct cmpstat st;
    int s;
    memset(&st, 0, sizeof st);
    for (s = 0; s < sets; s++) {
        struct tfilter f;
        random_filter(&f, 1); /* x86_64, x86, x32: what libseccomp builds on this machine too */
        compare_filter(&f, &st, 8);
        sc_ledger_free(&f.l);
    }
    print_cmp("random ledgers", &st, 0, 0);
    {
        static const int shapes[][3] = {{300, 50, 0}, {300, 0, 0}, {300, 50, 1}, {40, 10, 0}};
        size_t i;
        for (i = 0; i < NELEM(shapes); i++) {
            struct tfilter f;
            static struct sock_filter a[BPF_SC_MAXINSNS], b[BPF_SC_MAXINSNS];
            size_t no = 0, nl = 0;
            char what[80], err[160];
            big_filter(&f, T_X86_64, shapes[i][2] ? T_X86 : (size_t)-1, shapes[i][0], shapes[i][1]);
            memset(&st, 0, sizeof st);
            compare_filter(&f, &st, 2);
            if (gen(&f, a, &no, err, sizeof err) != NULL || libseccomp_prog(&f, b, &nl) != 0)
                no = nl = 0;
            snprintf(what, sizeof what, "%d calls, %d conditional, %s", shapes[i][0], shapes[i][1],
                     shapes[i][2] ? "x86_64+x86" : "x86_64");
            print_cmp(what, &st, no, nl);
            {
                /* compile time, paired and alternated: sc_gen vs libseccomp's
                 * rule adds and export (informative; ASan builds slow sc_gen only) */
                double r[15];
                int k;
                for (k = 0; k < 15; k++) {
                    struct timespec t0, t1, t2;
                    clock_gettime(CLOCK_MONOTONIC, &t0);
                    gen(&f, a, &no, err, sizeof err);
                    clock_gettime(CLOCK_MONOTONIC, &t1);
                    libseccomp_prog(&f, b, &nl);
                    clock_gettime(CLOCK_MONOTONIC, &t2);
                    r[k] = ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) /
                           ((t2.tv_sec - t1.tv_sec) * 1e9 + (t2.tv_nsec - t1.tv_nsec));
                }
                qsort(r, 15, sizeof r[0], dbl_cmp);
                printf("  compile time sc_gen / libseccomp (rules + export): median of 15 paired ratios %.3f\n", r[7]);
            }
            sc_ledger_free(&f.l);
        }
    }
}

/* ------------------------------------------------------------------ */

#ifndef TEST_GEN_NO_MAIN
int main(int argc, char **argv)
{
    int i, sets = 1000, ksets = 250, hsets = 300, csets = 0;
    uint64_t seed = (uint64_t)time(NULL);
    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-v") == 0)
            g_verbose = 1;
        else if (strcmp(argv[i], "--sets") == 0 && i + 1 < argc)
            sets = atoi(argv[++i]);
        else if (strcmp(argv[i], "--compare") == 0 && i + 1 < argc)
            csets = atoi(argv[++i]);
        else if (strcmp(argv[i], "--hang") == 0 && i + 1 < argc)
            hsets = atoi(argv[++i]);
        else if (strcmp(argv[i], "--kernel") == 0 && i + 1 < argc)
            ksets = atoi(argv[++i]);
        else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc)
            seed = strtoull(argv[++i], NULL, 0);
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    g_rng ^= seed * 0x9e3779b97f4a7c15ull;
    if (g_rng == 0)
        g_rng = 1;
    printf("test_gen: seed %llu\n", (unsigned long long)seed);
    scan_names();

    test_hand();
    test_random(sets);
    if (ksets > 0)
        test_kernel(ksets);
    if (hsets > 0)
        test_hang(hsets);
    if (csets > 0)
        test_compare(csets);

    free_names();
    printf("%d passed, %d failed\n", g_passed, g_failed);
    return g_failed ? 1 : 0;
}
#endif
