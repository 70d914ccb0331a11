/*
 * gen.c - the module's own seccomp BPF code generator: compiles a filter's
 * rule ledger (ledger.c) into a classic-BPF program with the semantics
 * documented in docs/compiler.md, and tells when a rule would send
 * libseccomp's rule_add into its endless loop (sc_gen_hang_risk).
 *
 * Plain C on top of ledger.c, meaning.c and bpf.c (for BPF_SC_MAXINSNS and the return
 * values): no Lua, nothing from names.c, so fuzz/test_gen.c and the fuzz
 * target include it without an interpreter.  Syscall numbers come from
 * libseccomp's resolver.  Scratch memory is malloc'd and freed before
 * returning.
 *
 * Semantics (each point is checked by fuzz/test_gen.c against its own
 * evaluator and against the kernel):
 *   - seccomp_data.arch not among the filter's arches: badarch_action.  The
 *     x32 ABI reports AUDIT_ARCH_X86_64 with the 0x40000000 bit in the
 *     number: with x86_64 and no x32, such numbers (except -1) get
 *     badarch_action; with x32 and no x86_64, numbers below 0x40000000 do;
 *     with both, -1 belongs to x86_64.
 *   - a call satisfying no rule: def_action (or ERRNO(ENOSYS) above the
 *     highest number the rules name on that arch, with unknown_enosys);
 *     satisfying rules: the one meaning of overlapping rules (meaning.c,
 *     docs/compiler.md): per number and arch, the first unconditional rule
 *     decides; else the rules in libseccomp's order, the first that holds.
 *   - conditions: 64-bit unsigned comparisons on 64-bit arches, masked
 *     equality (arg & mask) == (datum & mask); on 32-bit arches (and x32,
 *     mips n32) the low words only, as libseccomp does: a datum's high word
 *     is ignored there.
 *   - socket/ipc calls on arches that multiplex them (x86, s390, s390x,
 *     ppc, ppc64, ppc64le, mips, mipsel): a rule gives the direct call (when
 *     the arch has one) with its conditions, and the multiplexer
 *     (socketcall/ipc) whose arg0 holds the call's number in the bits the
 *     kernel dispatches on (sc_mux_callmask: the low 32 bits of socketcall's,
 *     the low 16 of ipc's, all 32 on s390 and s390x).  There the real
 *     arguments are out of reach: with widen_multiplexed each rule keeps its
 *     conditions on arguments 1..5, tested on the multiplexer's own
 *     (libseccomp's widening), and takes its place in the multiplexer's
 *     order; without it, the call's rules give there the one action that is
 *     right whatever the real arguments are (meaning.c, sc_mclamp).
 */
#include "plain.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <seccomp.h>

#define SC_GEN_AUDIT_X86_64 0xc000003eu
#define SC_GEN_X32_BIT 0x40000000u
#define SC_GEN_TOK_X32 0x4000003eu
#define SC_GEN_TOK_X86_64 0xc000003eu
#define SC_GEN_LEAF 16       /* numbers a leaf of the dispatch tree tests with a jeq chain */
#define SC_GEN_REACH 254     /* longest conditional jump we emit (255, less one for a trampoline) */
#define SC_GEN_HARDCAP (1u << 20)

/* The calls socketcall(2) and ipc(2) multiplex, with their call numbers
 * (<linux/net.h> SYS_*, <linux/ipc.h>). */
static const struct { const char *name; unsigned char mux; unsigned char sub; } sc_gen_subcalls[] = {
    {"socket", 0, 1}, {"bind", 0, 2}, {"connect", 0, 3}, {"listen", 0, 4},
    {"accept", 0, 5}, {"getsockname", 0, 6}, {"getpeername", 0, 7}, {"socketpair", 0, 8},
    {"send", 0, 9}, {"recv", 0, 10}, {"sendto", 0, 11}, {"recvfrom", 0, 12},
    {"shutdown", 0, 13}, {"setsockopt", 0, 14}, {"getsockopt", 0, 15}, {"sendmsg", 0, 16},
    {"recvmsg", 0, 17}, {"accept4", 0, 18}, {"recvmmsg", 0, 19}, {"sendmmsg", 0, 20},
    {"semop", 1, 1}, {"semget", 1, 2}, {"semctl", 1, 3}, {"semtimedop", 1, 4},
    {"msgsnd", 1, 11}, {"msgrcv", 1, 12}, {"msgget", 1, 13}, {"msgctl", 1, 14},
    {"shmat", 1, 21}, {"shmdt", 1, 22}, {"shmget", 1, 23}, {"shmctl", 1, 24},
};
#define SC_GEN_NSUB (sizeof sc_gen_subcalls / sizeof sc_gen_subcalls[0])

/* The bits of a multiplexer's call number (arg0) that the kernel
 * dispatches on.  socketcall(int call, ...) takes the low 32 bits of the
 * register on every arch.  ipc(unsigned int call, ...) takes the low 32
 * bits and dispatches on the low 16 (ipc/syscall.c: the high half is a
 * "version"), except on s390 and s390x, whose s390_ipc refuses a non-zero
 * version (EINVAL) and so dispatches on all 32. */
SC_LEDGER_API uint32_t sc_mux_callmask(uint32_t arch, int ipc)
{
    if (!ipc)
        return 0xffffffffu;
#ifdef SCMP_ARCH_S390
    if (arch == SCMP_ARCH_S390)
        return 0xffffffffu;
#endif
#ifdef SCMP_ARCH_S390X
    if (arch == SCMP_ARCH_S390X)
        return 0xffffffffu;
#endif
    (void)arch;
    return 0xffffu;
}

static int sc_gen_subcall(const char *name)
{
    size_t i;
    for (i = 0; i < SC_GEN_NSUB; i++)
        if (strcmp(name, sc_gen_subcalls[i].name) == 0)
            return (int)i;
    return -1;
}

/* Facts about an arch token. */
static int sc_gen_is_be(uint32_t tok)
{
    return !(tok & 0x40000000u); /* __AUDIT_ARCH_LE */
}
static uint32_t sc_gen_kernel_arch(uint32_t tok)
{
    return tok == SC_GEN_TOK_X32 ? SC_GEN_AUDIT_X86_64 : tok;
}

/* ---------------------------------------------------------------------- */
/* What to emit for one syscall number: its instances in the one meaning's
 * order (meaning.c), each with the tests its code makes                    */

struct sc_gen_cond {
    unsigned char arg, op;
    uint64_t mask, datum; /* masked eq: the mask and the masked datum; else mask unused */
};

struct sc_gen_inst {
    uint32_t action;
    unsigned nconds;
    struct sc_gen_cond c[6];
};

struct sc_gen_mvec {
    sc_minst *v;
    size_t n, cap;
};

static int sc_gen_mpush(struct sc_gen_mvec *x, const sc_minst *in)
{
    if (x->n == x->cap) {
        size_t cap = x->cap ? 2 * x->cap : 64;
        sc_minst *v = realloc(x->v, cap * sizeof *v);
        if (v == NULL)
            return -1;
        x->v = v;
        x->cap = cap;
    }
    x->v[x->n++] = *in;
    return 0;
}

/* Number first, then ledger order (each rule lands once on a number). */
static int sc_gen_minst_cmp(const void *a, const void *b)
{
    const sc_minst *x = a, *y = b;
    if (x->nr != y->nr)
        return (uint32_t)x->nr < (uint32_t)y->nr ? -1 : 1;
    return (x->rule > y->rule) - (x->rule < y->rule);
}

/* The instances the ledger gives on one arch, by number, each number's in
 * ledger order. */
static int sc_gen_collect(const struct sc_gen_in *in, size_t ai, struct sc_gen_mvec *out)
{
    const sc_ledger *l = in->ledger;
    uint32_t tok = in->arches[ai];
    int is32 = sc_tok_is32(tok), ipc = seccomp_syscall_resolve_name_arch(tok, "ipc");
    size_t i;
    for (i = 0; l != NULL && i < l->n; i++) {
        const sc_rule *r = &l->v[i];
        sc_target t;
        sc_minst x;
        if (!sc_rule_on_arch(r, in->arch_index[ai]))
            continue;
        sc_rule_target(r, tok, &t);
        if (t.has_direct) {
            sc_minst_direct(&x, r, (int)i, t.direct, is32);
            if (sc_gen_mpush(out, &x) != 0)
                return -1;
        }
        if (t.has_mux) {
            sc_minst_mux(&x, r, (int)i, t.mux, is32, t.sub, sc_mux_callmask(tok, t.mux == ipc),
                         in->widen_multiplexed);
            if (sc_gen_mpush(out, &x) != 0)
                return -1;
        }
    }
    if (out->n > 1)
        qsort(out->v, out->n, sizeof out->v[0], sc_gen_minst_cmp);
    return 0;
}

/* The tests instance x makes in code: those that always hold left out;
 * -1 when one never holds (the instance is then left out). */
static int sc_gen_emit_conds(const sc_minst *x, int is32, struct sc_gen_inst *o)
{
    uint64_t top = is32 ? 0xffffffffu : ~(uint64_t)0;
    unsigned i;
    o->action = x->action;
    o->nconds = 0;
    for (i = 0; i < x->n; i++) {
        const sc_mcond *c = &x->c[i];
        struct sc_gen_cond *g = &o->c[o->nconds];
        g->arg = c->arg;
        g->op = c->op;
        g->mask = c->mask;
        g->datum = c->datum;
        if (c->op == SCMP_CMP_EQ && c->vmask != top) {
            /* a multiplexer's call number: the bits the kernel dispatches on */
            g->op = SCMP_CMP_MASKED_EQ;
            g->mask = c->vmask;
        }
        if ((c->op == SCMP_CMP_GE && c->datum == 0) || (c->op == SCMP_CMP_LE && c->datum == top))
            continue; /* always holds */
        if ((c->op == SCMP_CMP_LT && c->datum == 0) || (c->op == SCMP_CMP_GT && c->datum == top))
            return -1;
        o->nconds++;
    }
    return 0;
}

/* ---------------------------------------------------------------------- */
/* Emission.  The program is built backwards, from its last instruction:
 * every jump then goes to an instruction already placed, whose distance is
 * known.  A conditional jump reaches 255 instructions; a target further
 * away is replaced by a fresh copy when it is a ret (or the dispatch's
 * miss test), else by a `ja` trampoline placed right after the jump. */

struct sc_gen_placed {
    size_t pos, n;
    uint32_t fall;
    int is64, be;
    struct sc_gen_inst *inst; /* a copy of the block's n instances */
};

struct sc_gen_em {
    struct sock_filter *rev; /* rev[0] is the program's last instruction */
    unsigned char *kind;     /* per rev index: 0 other, 1 ret, 2 miss test */
    size_t n, cap;
    int overflow;
    uint32_t *ret_act;       /* ret cache: action -> latest position */
    size_t *ret_pos;
    size_t nret, capret;
    /* blocks placed so far, shared by every number (of every arch) whose
     * block would be the same code, as libseccomp does */
    struct sc_gen_placed *placed;
    size_t nplaced, capplaced;
    /* the current section's miss test (unknown_enosys) */
    int miss_on;
    uint32_t miss_max, miss_def;
    size_t miss_pos;
    int miss_valid;
};

static size_t sc_gen_put(struct sc_gen_em *e, uint16_t code, uint32_t k, uint8_t jt, uint8_t jf,
                         unsigned char kind)
{
    if (e->n == e->cap) {
        size_t cap = e->cap * 2;
        struct sock_filter *r;
        unsigned char *kd;
        if (cap > SC_GEN_HARDCAP || e->overflow) {
            e->overflow = 1;
            return e->n ? e->n - 1 : 0;
        }
        r = realloc(e->rev, cap * sizeof *r);
        if (r == NULL) {
            e->overflow = 2;
            return e->n ? e->n - 1 : 0;
        }
        e->rev = r;
        kd = realloc(e->kind, cap);
        if (kd == NULL) {
            e->overflow = 2;
            return e->n ? e->n - 1 : 0;
        }
        e->kind = kd;
        e->cap = cap;
    }
    e->rev[e->n].code = code;
    e->rev[e->n].k = k;
    e->rev[e->n].jt = jt;
    e->rev[e->n].jf = jf;
    e->kind[e->n] = kind;
    return e->n++;
}

static size_t sc_gen_ret(struct sc_gen_em *e, uint32_t action);
static size_t sc_gen_miss(struct sc_gen_em *e);

/* A position holding (a copy of) target t that a jump placed next can reach. */
static size_t sc_gen_reach(struct sc_gen_em *e, size_t t)
{
    if (e->n - t - 1 <= SC_GEN_REACH)
        return t;
    if (e->kind[t] == 1)
        return sc_gen_ret(e, e->rev[t].k);
    if (e->kind[t] == 2)
        return sc_gen_miss(e);
    return sc_gen_put(e, BPF_JMP | BPF_JA, (uint32_t)(e->n - t - 1), 0, 0, 0);
}

/* A conditional jump: true to t, false to f (positions already placed). */
static size_t sc_gen_jmp(struct sc_gen_em *e, uint16_t code, uint32_t k, size_t t, size_t f)
{
    size_t tt, ff;
    /* placing f's copy (up to three instructions for a miss test) may
     * push t's out of reach again: retry until both reach */
    for (;;) {
        tt = sc_gen_reach(e, t);
        ff = sc_gen_reach(e, f);
        if (e->overflow || (e->n - tt - 1 <= 255 && e->n - ff - 1 <= 255))
            break;
        t = tt;
        f = ff;
    }
    return sc_gen_put(e, code, k, (uint8_t)(e->n - tt - 1), (uint8_t)(e->n - ff - 1), 0);
}

static size_t sc_gen_ld(struct sc_gen_em *e, uint32_t off)
{
    return sc_gen_put(e, BPF_LD | BPF_W | BPF_ABS, off, 0, 0, 0);
}

/* A reachable `ret action`. */
static size_t sc_gen_ret(struct sc_gen_em *e, uint32_t action)
{
    size_t i, p;
    for (i = 0; i < e->nret; i++)
        if (e->ret_act[i] == action) {
            if (e->n - e->ret_pos[i] - 1 <= SC_GEN_REACH)
                return e->ret_pos[i];
            break;
        }
    p = sc_gen_put(e, BPF_RET | BPF_K, action, 0, 0, 1);
    if (i == e->nret) {
        if (e->nret == e->capret) {
            size_t cap = e->capret ? 2 * e->capret : 16;
            uint32_t *a = realloc(e->ret_act, cap * sizeof *a);
            size_t *q;
            if (a == NULL) {
                e->overflow = 2;
                return p;
            }
            e->ret_act = a;
            q = realloc(e->ret_pos, cap * sizeof *q);
            if (q == NULL) {
                e->overflow = 2;
                return p;
            }
            e->ret_pos = q;
            e->capret = cap;
        }
        e->ret_act[e->nret++] = action;
    }
    e->ret_pos[i] = p;
    return p;
}

/* Where a number no rule names goes, with A = nr: the default action, or
 * under unknown_enosys `jgt max, ENOSYS, default`. */
static size_t sc_gen_miss(struct sc_gen_em *e)
{
    size_t t, f, at;
    if (!e->miss_on)
        return sc_gen_ret(e, e->miss_def);
    if (e->miss_valid && e->n - e->miss_pos - 1 <= SC_GEN_REACH)
        return e->miss_pos;
    t = sc_gen_ret(e, SCMP_ACT_ERRNO(ENOSYS));
    f = sc_gen_ret(e, e->miss_def);
    at = e->n;
    e->miss_pos = sc_gen_put(e, BPF_JMP | BPF_JGT | BPF_K, e->miss_max, (uint8_t)(at - t - 1),
                             (uint8_t)(at - f - 1), 2);
    e->miss_valid = 1;
    return e->miss_pos;
}

/* Offsets of an argument's words in seccomp_data. */
static uint32_t sc_gen_off_lo(unsigned arg, int be)
{
    return 16u + 8u * arg + (be ? 4u : 0u);
}
static uint32_t sc_gen_off_hi(unsigned arg, int be)
{
    return 16u + 8u * arg + (be ? 0u : 4u);
}

/* One 32-bit word test of a condition: true to t, false to f. */
static size_t sc_gen_word(struct sc_gen_em *e, unsigned op, uint32_t mask, uint32_t d,
                          size_t t, size_t f)
{
    switch (op) {
    case SCMP_CMP_NE: return sc_gen_jmp(e, BPF_JMP | BPF_JEQ | BPF_K, d, f, t);
    case SCMP_CMP_LT: return sc_gen_jmp(e, BPF_JMP | BPF_JGE | BPF_K, d, f, t);
    case SCMP_CMP_LE: return sc_gen_jmp(e, BPF_JMP | BPF_JGT | BPF_K, d, f, t);
    case SCMP_CMP_GT: return sc_gen_jmp(e, BPF_JMP | BPF_JGT | BPF_K, d, t, f);
    case SCMP_CMP_GE: return sc_gen_jmp(e, BPF_JMP | BPF_JGE | BPF_K, d, t, f);
    case SCMP_CMP_MASKED_EQ: {
        size_t p = sc_gen_jmp(e, BPF_JMP | BPF_JEQ | BPF_K, d & mask, t, f);
        if (mask != 0xffffffffu)
            p = sc_gen_put(e, BPF_ALU | BPF_AND | BPF_K, mask, 0, 0, 0);
        return p;
    }
    default: /* SCMP_CMP_EQ */
        return sc_gen_jmp(e, BPF_JMP | BPF_JEQ | BPF_K, d, t, f);
    }
}

/* Code testing condition c: to t when it holds, else to f.  Returns its
 * first instruction (t itself when the condition always holds). */
static size_t sc_gen_cond(struct sc_gen_em *e, const struct sc_gen_cond *c, int is64, int be,
                          size_t t, size_t f)
{
    uint32_t dl = (uint32_t)c->datum, dh = (uint32_t)(c->datum >> 32);
    uint32_t ml = (uint32_t)c->mask, mh = (uint32_t)(c->mask >> 32);
    uint32_t lo = sc_gen_off_lo(c->arg, be), hi = sc_gen_off_hi(c->arg, be);
    size_t p;

    if (!is64) {
        if (c->op == SCMP_CMP_MASKED_EQ && ml == 0)
            return t;
        sc_gen_word(e, c->op, ml, dl, t, f);
        return sc_gen_ld(e, lo);
    }
    switch (c->op) {
    case SCMP_CMP_MASKED_EQ:
        p = t;
        if (ml != 0) {
            sc_gen_word(e, c->op, ml, dl, t, f);
            p = sc_gen_ld(e, lo);
        }
        if (mh != 0) {
            sc_gen_word(e, c->op, mh, dh, p, f);
            p = sc_gen_ld(e, hi);
        }
        return p;
    case SCMP_CMP_EQ:
        sc_gen_jmp(e, BPF_JMP | BPF_JEQ | BPF_K, dl, t, f);
        p = sc_gen_ld(e, lo);
        sc_gen_jmp(e, BPF_JMP | BPF_JEQ | BPF_K, dh, p, f);
        return sc_gen_ld(e, hi);
    case SCMP_CMP_NE:
        sc_gen_jmp(e, BPF_JMP | BPF_JEQ | BPF_K, dl, f, t);
        p = sc_gen_ld(e, lo);
        sc_gen_jmp(e, BPF_JMP | BPF_JEQ | BPF_K, dh, p, t);
        return sc_gen_ld(e, hi);
    case SCMP_CMP_GT:
    case SCMP_CMP_GE:
    case SCMP_CMP_LT:
    case SCMP_CMP_LE: {
        /* "above": the outcome when arg > datum in the high word */
        int gt_side = c->op == SCMP_CMP_GT || c->op == SCMP_CMP_GE;
        size_t above = gt_side ? t : f, below = gt_side ? f : t;
        if (dl == 0 && (c->op == SCMP_CMP_GE || c->op == SCMP_CMP_LT)) {
            /* arg >= dh:0 exactly when hi >= dh */
            sc_gen_jmp(e, BPF_JMP | BPF_JGE | BPF_K, dh, above, below);
            return sc_gen_ld(e, hi);
        }
        sc_gen_word(e, c->op, 0xffffffffu, dl, t, f);
        p = sc_gen_ld(e, lo);
        if (dh != 0)
            p = sc_gen_jmp(e, BPF_JMP | BPF_JEQ | BPF_K, dh, p, below);
        sc_gen_jmp(e, BPF_JMP | BPF_JGT | BPF_K, dh, above, p);
        return sc_gen_ld(e, hi);
    }
    default:
        return f; /* unknown operator: never holds (the ledger holds none) */
    }
}

/* Code for one syscall number's instances x[0..n) (sorted by precedence):
 * the first whose conditions all hold gives its action, else `fall`.
 * Returns the block's first instruction. */
static size_t sc_gen_block(struct sc_gen_em *e, const struct sc_gen_inst *x, size_t n,
                           uint32_t fall, int is64, int be)
{
    size_t next = sc_gen_ret(e, fall), i;
    for (i = n; i-- > 0;) {
        size_t p = sc_gen_ret(e, x[i].action);
        unsigned j;
        for (j = x[i].nconds; j-- > 0;)
            p = sc_gen_cond(e, &x[i].c[j], is64, be, p, next);
        next = p;
    }
    return next;
}

/* One number of a section: its instances, simplified. */
struct sc_gen_group {
    int32_t nr;
    size_t first, n;  /* instances inst[first .. first+n) to test */
    uint32_t fall;    /* the action when none holds */
};

/* Do two instance lists compile to the same block? */
static int sc_gen_same_insts(const struct sc_gen_inst *x, const struct sc_gen_inst *y, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        unsigned j;
        if (x[i].action != y[i].action || x[i].nconds != y[i].nconds)
            return 0;
        for (j = 0; j < x[i].nconds; j++)
            if (x[i].c[j].arg != y[i].c[j].arg || x[i].c[j].op != y[i].c[j].op ||
                x[i].c[j].mask != y[i].c[j].mask || x[i].c[j].datum != y[i].c[j].datum)
                return 0;
    }
    return 1;
}

/* The block for group g: one already placed with the same code, or a new one. */
static size_t sc_gen_group_block(struct sc_gen_em *e, const struct sc_gen_group *g,
                                 const struct sc_gen_inst *inst, int is64, int be)
{
    const struct sc_gen_inst *x = inst + g->first;
    struct sc_gen_placed *p;
    size_t i, pos;
    for (i = 0; i < e->nplaced; i++) {
        p = &e->placed[i];
        if (p->n == g->n && p->fall == g->fall && p->is64 == is64 && p->be == be &&
            sc_gen_same_insts(p->inst, x, g->n))
            return p->pos;
    }
    pos = sc_gen_block(e, x, g->n, g->fall, is64, be);
    if (e->nplaced == e->capplaced) {
        size_t cap = e->capplaced ? 2 * e->capplaced : 32;
        p = realloc(e->placed, cap * sizeof *p);
        if (p == NULL)
            return pos; /* not shared: correct all the same */
        e->placed = p;
        e->capplaced = cap;
    }
    p = &e->placed[e->nplaced];
    p->inst = malloc(g->n * sizeof *p->inst);
    if (p->inst == NULL)
        return pos;
    memcpy(p->inst, x, g->n * sizeof *p->inst);
    p->pos = pos;
    p->n = g->n;
    p->fall = g->fall;
    p->is64 = is64;
    p->be = be;
    e->nplaced++;
    return pos;
}

/* The dispatch over groups g[lo..hi) with A = nr; returns its first instruction. */
static size_t sc_gen_tree(struct sc_gen_em *e, const struct sc_gen_group *g, size_t lo, size_t hi,
                          const struct sc_gen_inst *inst, int is64, int be)
{
    if (hi - lo <= SC_GEN_LEAF) {
        size_t tgt[SC_GEN_LEAF], i, next;
        for (i = hi; i-- > lo;)
            tgt[i - lo] = g[i].n == 0 ? (size_t)-1 : sc_gen_group_block(e, &g[i], inst, is64, be);
        next = sc_gen_miss(e);
        for (i = hi; i-- > lo;) {
            size_t t = tgt[i - lo] == (size_t)-1 ? sc_gen_ret(e, g[i].fall) : tgt[i - lo];
            next = sc_gen_jmp(e, BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)g[i].nr, t, next);
        }
        return next;
    } else {
        /* full leaves on the left: ceil(n / LEAF) leaves, LEAF - 1 fewer nodes than halving */
        size_t leaves = (hi - lo + SC_GEN_LEAF - 1) / SC_GEN_LEAF;
        size_t mid = lo + (leaves / 2) * SC_GEN_LEAF, right, left;
        right = sc_gen_tree(e, g, mid, hi, inst, is64, be);
        left = sc_gen_tree(e, g, lo, mid, inst, is64, be);
        return sc_gen_jmp(e, BPF_JMP | BPF_JGE | BPF_K, (uint32_t)g[mid].nr, right, left);
    }
}

/* The body of one arch (A = nr on entry); returns its first instruction. */
static int sc_gen_body(struct sc_gen_em *e, const struct sc_gen_in *in, size_t ai, size_t *start)
{
    struct sc_gen_mvec v = {NULL, 0, 0};
    struct sc_gen_inst *x = NULL;
    struct sc_gen_group *g = NULL;
    size_t ng = 0, nx = 0, i, j;
    uint32_t tok = in->arches[ai];
    int is32 = sc_tok_is32(tok), be = sc_gen_is_be(tok), have_max = 0;
    uint32_t max = 0;

    /* miss tests of another section are not this one's */
    for (i = 0; i < e->n; i++)
        if (e->kind[i] == 2)
            e->kind[i] = 0;
    if (sc_gen_collect(in, ai, &v) != 0)
        goto oom;
    if (v.n > 0 && ((g = malloc(v.n * sizeof *g)) == NULL || (x = malloc(v.n * sizeof *x)) == NULL))
        goto oom;
    /* every rule on a number names it (for unknown_enosys), whatever its
     * conditions and its place in the order */
    for (i = 0; i < v.n; i++)
        if (v.v[i].nr >= 0 && (!have_max || (uint32_t)v.v[i].nr > max)) {
            max = (uint32_t)v.v[i].nr;
            have_max = 1;
        }
    for (i = 0; i < v.n; i = j) {
        size_t k, n, live, first = nx;
        /* what a number gets when no rule holds: ENOSYS only for -1 here,
         * every other named number is at most max */
        uint32_t miss = in->unknown_enosys && have_max && (uint32_t)v.v[i].nr > max
                        ? SCMP_ACT_ERRNO(ENOSYS) : in->def_action;
        uint32_t fall = miss;
        for (j = i; j < v.n && v.v[j].nr == v.v[i].nr; j++)
            ;
        live = sc_morder(v.v + i, j - i, in->def_action, in->widen_multiplexed);
        /* the code: the instances that take part, in order, but those
         * whose conditions never hold; the first without a test ends it,
         * and trailing ones giving what falls through anyway are dropped */
        for (k = 0; k < live; k++) {
            if (sc_gen_emit_conds(&v.v[i + k], is32, &x[nx]) != 0)
                continue;
            if (x[nx].nconds == 0) {
                fall = x[nx].action;
                break;
            }
            nx++;
        }
        n = nx - first;
        while (n > 0 && x[first + n - 1].action == fall)
            n--;
        nx = first + n;
        if (n == 0 && fall == miss)
            continue; /* the miss test gives the same */
        g[ng].nr = v.v[i].nr;
        g[ng].first = first;
        g[ng].n = n;
        g[ng].fall = fall;
        ng++;
    }
    e->miss_on = in->unknown_enosys && have_max;
    e->miss_max = max;
    e->miss_def = in->def_action;
    e->miss_valid = 0;
    if (ng == 0)
        *start = sc_gen_miss(e);
    else
        *start = sc_gen_tree(e, g, 0, ng, x, !is32, be);
    free(g);
    free(x);
    free(v.v);
    return 0;
oom:
    free(g);
    free(x);
    free(v.v);
    return -1;
}

/* Generate the program.  out: room for BPF_SC_MAXINSNS instructions; *n its length.
 * NULL on success, else a message (in err, or a literal): e.g. more than 4096 instructions. */
static BPF_MAYBE_UNUSED const char *sc_gen(const struct sc_gen_in *in, struct sock_filter *out, size_t *n, char *err,
                          size_t errlen)
{
    struct sc_gen_em e;
    size_t *sec = NULL, i, j, nsec = 0;
    uint32_t *karch = NULL;
    const char *msg = NULL;

    *n = 0;
    memset(&e, 0, sizeof e);
    e.cap = 1024;
    e.rev = malloc(e.cap * sizeof *e.rev);
    e.kind = malloc(e.cap);
    sec = malloc((in->narches + 1) * sizeof *sec);
    karch = malloc((in->narches + 1) * sizeof *karch);
    if (e.rev == NULL || e.kind == NULL || sec == NULL || karch == NULL)
        goto oom;
    for (i = 0; i < in->narches; i++) {
        int be0 = sc_gen_is_be(in->arches[0]);
        if (sc_gen_is_be(in->arches[i]) != be0) {
            msg = "the filter mixes big- and little-endian arches";
            goto fail;
        }
    }

    /* Sections, one per kernel arch value, generated last first. */
    for (i = 0; i < in->narches; i++) {
        uint32_t ka = sc_gen_kernel_arch(in->arches[i]);
        for (j = 0; j < nsec; j++)
            if (karch[j] == ka)
                break;
        if (j == nsec)
            karch[nsec++] = ka;
    }
    for (j = nsec; j-- > 0;) {
        if (karch[j] == SC_GEN_AUDIT_X86_64) {
            size_t a64 = (size_t)-1, a32 = (size_t)-1, b64 = 0, b32 = 0, p, bad;
            for (i = 0; i < in->narches; i++) {
                if (in->arches[i] == SC_GEN_TOK_X86_64 && a64 == (size_t)-1)
                    a64 = i;
                if (in->arches[i] == SC_GEN_TOK_X32 && a32 == (size_t)-1)
                    a32 = i;
            }
            if (a64 != (size_t)-1 && sc_gen_body(&e, in, a64, &b64) != 0)
                goto oom;
            if (a32 != (size_t)-1 && sc_gen_body(&e, in, a32, &b32) != 0)
                goto oom;
            if (a64 != (size_t)-1 && a32 != (size_t)-1) {
                /* x32 numbers carry 0x40000000; -1 belongs to x86_64 */
                p = sc_gen_jmp(&e, BPF_JMP | BPF_JEQ | BPF_K, 0xffffffffu, b64, b32);
                (void)sc_gen_jmp(&e, BPF_JMP | BPF_JGE | BPF_K, SC_GEN_X32_BIT, p, b64);
            } else if (a64 != (size_t)-1) {
                bad = sc_gen_ret(&e, in->badarch_action);
                p = sc_gen_jmp(&e, BPF_JMP | BPF_JEQ | BPF_K, 0xffffffffu, b64, bad);
                (void)sc_gen_jmp(&e, BPF_JMP | BPF_JGE | BPF_K, SC_GEN_X32_BIT, p, b64);
            } else {
                bad = sc_gen_ret(&e, in->badarch_action);
                (void)sc_gen_jmp(&e, BPF_JMP | BPF_JGE | BPF_K, SC_GEN_X32_BIT, b32, bad);
            }
            sec[j] = sc_gen_ld(&e, 0);
        } else {
            size_t b;
            for (i = 0; i < in->narches; i++)
                if (sc_gen_kernel_arch(in->arches[i]) == karch[j])
                    break;
            if (sc_gen_body(&e, in, i, &b) != 0)
                goto oom;
            /* the body must start right after the load */
            if (e.n - b - 1 != 0)
                sc_gen_put(&e, BPF_JMP | BPF_JA, (uint32_t)(e.n - b - 1), 0, 0, 0);
            sec[j] = sc_gen_ld(&e, 0);
        }
        if (e.overflow)
            break;
    }

    /* The arch checks: ld arch; jeq K1 -> S1; jeq K2 -> S2; ...; ret badarch
     * (not after an overflow: the sections past it were never placed). */
    if (!e.overflow) {
        size_t f = sc_gen_ret(&e, in->badarch_action);
        for (j = nsec; j-- > 0;)
            f = sc_gen_jmp(&e, BPF_JMP | BPF_JEQ | BPF_K, karch[j], sec[j], f);
        if (nsec > 0)
            sc_gen_ld(&e, 4);
    }

    if (e.overflow == 2)
        goto oom;
    if (e.overflow || e.n > BPF_SC_MAXINSNS) {
        if (err != NULL && errlen > 0) {
            if (e.overflow)
                snprintf(err, errlen, "the filter needs more than %u BPF instructions; the kernel's limit is %d",
                         SC_GEN_HARDCAP, BPF_SC_MAXINSNS);
            else
                snprintf(err, errlen, "the filter needs %zu BPF instructions; the kernel's limit is %d",
                         e.n, BPF_SC_MAXINSNS);
            msg = err;
        } else {
            msg = "the filter needs more BPF instructions than the kernel's limit of 4096";
        }
        goto fail;
    }
    for (i = 0; i < e.n; i++)
        out[i] = e.rev[e.n - 1 - i];
    *n = e.n;
    goto done;
oom:
    msg = "out of memory";
fail:
    *n = 0;
done:
    for (i = 0; i < e.nplaced; i++)
        free(e.placed[i].inst);
    free(e.placed);
    free(e.rev);
    free(e.kind);
    free(e.ret_act);
    free(e.ret_pos);
    free(sec);
    free(karch);
    return msg;
}

/* ---------------------------------------------------------------------- */
/* libseccomp's endless loop in rule_add                                   */

/*
 * libseccomp 2.5.4 to 2.6.x never returns from seccomp_rule_add for some
 * pairs of rules on one syscall.  Characterised by experiment (thousands of
 * random pairs and triples in children with a timeout, fuzz/test_gen.c
 * keeps a sample of them as a test): take each rule's conditions as
 * libseccomp's tree holds them -- sorted by argument, a masked test whose
 * mask is 0 left out -- and let k be the length of the longest common
 * prefix of the existing rule E and the new rule N (conditions equal in
 * argument, operator and data).  The add hangs when
 *   - k >= 1 and the k-th condition's operator is !=, <, <=, > or >=, and
 *   - both rules go on (each has a condition k+1), and
 *   - E's next condition tests a lower argument than N's, or the same
 *     argument with E's operator <, <=, > or >= and N's ==, != or masked ==.
 * That separated every hanging pair from every one that returned in the
 * experiments with small data.  No hang was seen on 32-bit arches (x86
 * alone): the loop is in the trees of 64-bit arches, whose conditions
 * libseccomp splits into two 32-bit tests.  The predicate below
 * over-approximates the rule:
 *   - at the point where the rules part, on the same argument, it also
 *     answers 1 whenever one of the two conditions has a datum or mask
 *     with a non-zero high word (with such data, pairs of every kind of
 *     operator were seen hanging there);
 *   - on arches that multiplex socketcall/ipc (s390x and ppc64 among the
 *     64-bit ones), rules on two calls of one multiplexer meet in one tree
 *     with arg0 replaced by `== call`: those pairs are tested that way too;
 *   - a rule applying to all the filter's arches meets every other one,
 *     whatever the filter's arches (32-bit ones included).
 */
static int sc_gen_cond_eq(const struct scmp_arg_cmp *a, const struct scmp_arg_cmp *b)
{
    if (a->arg != b->arg || a->op != b->op || a->datum_a != b->datum_a)
        return 0;
    return a->op != SCMP_CMP_MASKED_EQ || a->datum_b == b->datum_b;
}

static int sc_gen_cond_cmp(const void *x, const void *y)
{
    const struct scmp_arg_cmp *a = x, *b = y;
    return (a->arg > b->arg) - (a->arg < b->arg);
}

/* r's conditions as libseccomp's tree holds them.
 * sub > 0: the multiplexed form, arg0 replaced by `== sub`. */
static unsigned sc_gen_chain(const sc_rule *r, int sub, struct scmp_arg_cmp *out)
{
    unsigned i, n = 0;
    if (sub > 0) {
        memset(&out[n], 0, sizeof out[n]);
        out[n].arg = 0;
        out[n].op = SCMP_CMP_EQ;
        out[n].datum_a = (uint64_t)sub;
        n++;
    }
    for (i = 0; i < r->nconds && i < 6; i++) {
        const struct scmp_arg_cmp *c = &r->conds[i];
        if (sub > 0 && c->arg == 0)
            continue;
        if (c->op == SCMP_CMP_MASKED_EQ && c->datum_a == 0)
            continue; /* always true: libseccomp leaves it out */
        out[n++] = *c;
    }
    /* stable enough: rules with two tests of one argument never reach the
     * tree (libseccomp refuses them), their order does not matter here */
    qsort(out, n, sizeof out[0], sc_gen_cond_cmp);
    return n;
}

static int sc_gen_is_range(int op)
{
    return op == SCMP_CMP_LT || op == SCMP_CMP_LE || op == SCMP_CMP_GT || op == SCMP_CMP_GE;
}

/* A datum or mask with a non-zero high word: two 32-bit tests that part. */
static int sc_gen_has_hi(const struct scmp_arg_cmp *c)
{
    return (c->datum_a >> 32) != 0 || (c->op == SCMP_CMP_MASKED_EQ && (c->datum_b >> 32) != 0);
}

static int sc_gen_hang_pair(const struct scmp_arg_cmp *e, unsigned ne, const struct scmp_arg_cmp *n,
                            unsigned nn)
{
    unsigned k = 0;
    while (k < ne && k < nn && sc_gen_cond_eq(&e[k], &n[k]))
        k++;
    if (k == 0 || k == ne || k == nn)
        return 0;
    if (e[k - 1].op == SCMP_CMP_EQ || e[k - 1].op == SCMP_CMP_MASKED_EQ)
        return 0;
    if (e[k].arg < n[k].arg)
        return 1;
    if (e[k].arg != n[k].arg)
        return 0;
    if (sc_gen_is_range(e[k].op) && !sc_gen_is_range(n[k].op))
        return 1;
    return sc_gen_has_hi(&e[k]) || sc_gen_has_hi(&n[k]);
}

/* Do e and r meet in one of libseccomp's per-arch trees? */
static int sc_gen_arches_meet(const sc_rule *e, const sc_rule *r)
{
    return e->all_arches || r->all_arches || (e->arch_mask & r->arch_mask) != 0;
}

/* 1 when handing rule r to libseccomp after the rules already in l (those not held back) may never return. */
static BPF_MAYBE_UNUSED int sc_gen_hang_risk(const sc_ledger *l, const sc_rule *r)
{
    struct scmp_arg_cmp ce[7], cn[7];
    int kr = r->name[0] ? sc_gen_subcall(r->name) : -1;
    size_t i;

    if (r->nconds == 0 || l == NULL)
        return 0;
    for (i = 0; i < l->n; i++) {
        const sc_rule *e = &l->v[i];
        int ke, same, mux;
        unsigned ne, nn;
        if (e->held_back || e->nconds == 0 || !sc_gen_arches_meet(e, r))
            continue;
        same = r->name[0] ? strcmp(e->name, r->name) == 0 : (e->name[0] == '\0' && e->sys == r->sys);
        ke = e->name[0] ? sc_gen_subcall(e->name) : -1;
        mux = kr >= 0 && ke >= 0 && sc_gen_subcalls[kr].mux == sc_gen_subcalls[ke].mux;
        if (same) {
            ne = sc_gen_chain(e, 0, ce);
            nn = sc_gen_chain(r, 0, cn);
            if (sc_gen_hang_pair(ce, ne, cn, nn))
                return 1;
        }
        if (mux) {
            ne = sc_gen_chain(e, sc_gen_subcalls[ke].sub, ce);
            nn = sc_gen_chain(r, sc_gen_subcalls[kr].sub, cn);
            if (sc_gen_hang_pair(ce, ne, cn, nn))
                return 1;
        }
    }
    return 0;
}
