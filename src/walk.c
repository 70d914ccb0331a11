/*
 * walk.c - what a program tests on the paths one call can take: the
 * walker under diff's partition (diff.c, and explain's through it).
 * verify has its own (verify.c, sc_vx_*): it tracks values derived from
 * the data, X and scratch memory for its reasons in report.capped, where
 * this one records each test with its mask.
 *
 * The walk goes depth-first over (pc, abstract state of the accumulator),
 * each pair once (jumps go forward only).  The accumulator is a known
 * value (loaded from nr or arch, or an immediate), a 32-bit word of the
 * call's data, or anything else; a jump on a known value takes its one
 * branch, any other jump both.  What the walk records: every test as
 * (word & mask) OP k, the mask from the AND instructions on the way, over
 * the arguments' words, the instruction pointer's, and nr and arch where
 * `sym` leaves them symbolic; a known value goes through the ALU; `lost`
 * is set where a branch or a return depends on data in a way no test
 * describes (a value computed from an argument, X, scratch memory),
 * `capped` where a state or a test had to be dropped.
 */
#include "core.h"

static int sc_vw_intern(sc_vwalk *w, int kind, uint32_t val, uint32_t mask)
{
    int i;
    for (i = 0; i < w->nst; i++)
        if (w->st[i].kind == kind && w->st[i].v == val && w->st[i].mask == mask)
            return i;
    if (w->nst == SC_VW_STATES) {
        w->capped |= SC_VW_CAP_STATES;
        return 0; /* state 0 is UNKNOWN: a sound over-approximation */
    }
    w->st[w->nst].kind = kind;
    w->st[w->nst].v = val;
    w->st[w->nst].mask = mask;
    return w->nst++;
}

/* Record (word & mask) op k, once. */
static void sc_vw_test(sc_vwalk *w, const sc_vstate *st, uint8_t op, uint32_t k)
{
    size_t i;
    for (i = 0; i < w->ntests; i++) {
        const sc_vtest *t = &w->tests[i];
        if (t->word == st->v && t->op == op && t->mask == st->mask && t->k == k)
            return;
    }
    if (w->ntests == w->captests) {
        w->capped |= SC_VW_CAP_TESTS;
        return;
    }
    w->tests[w->ntests].word = (uint8_t)st->v;
    w->tests[w->ntests].op = op;
    w->tests[w->ntests].mask = st->mask;
    w->tests[w->ntests].k = k;
    w->ntests++;
}

/* The word an absolute load at offset k reads: 0..11 for args, -1 nr,
 * -2 arch, -3 other. */
static int sc_vw_field(uint32_t k, int be)
{
    if (k == 0)
        return -1;
    if (k == 4)
        return -2;
    if (k >= 16 && k < 64 && k % 4 == 0) {
        int arg = (int)(k - 16) / 8, high = ((k - 16) % 8 == 4) != (be != 0);
        return arg * 2 + high;
    }
    return -3;
}

/* A op k on a known A (the checker refused a division by 0 and a
 * shift by 32 or more); 0 where the instruction is no such operation. */
static int sc_vw_alu(uint16_t code, uint32_t a, uint32_t k, uint32_t *out)
{
    switch (BPF_OP(code)) {
    case BPF_ADD: *out = a + k; return 1;
    case BPF_SUB: *out = a - k; return 1;
    case BPF_MUL: *out = a * k; return 1;
    case BPF_DIV:
        if (k == 0)
            return 0;
        *out = a / k;
        return 1;
    case BPF_OR: *out = a | k; return 1;
    case BPF_AND: *out = a & k; return 1;
    case BPF_XOR: *out = a ^ k; return 1;
    case BPF_LSH:
    case BPF_RSH:
        if (k >= 32)
            return 0;
        *out = BPF_OP(code) == BPF_LSH ? a << k : a >> k;
        return 1;
    case BPF_NEG: *out = 0u - a; return 1;
    default: return 0;
    }
}

/* The state after a load of the word at offset k (nr and arch may be
 * symbolic). */
static int sc_vw_load(sc_vwalk *w, uint32_t k)
{
    int fld = sc_vw_field(k, w->be);
    if (fld == -1)
        return (w->sym & SC_VW_SYM_NR) ? sc_vw_intern(w, SC_VA_ARG, SC_VW_NR, 0xffffffffu)
                                       : sc_vw_intern(w, SC_VA_KNOWN, (uint32_t)w->nr, 0);
    if (fld == -2)
        return (w->sym & SC_VW_SYM_ARCH) ? sc_vw_intern(w, SC_VA_ARG, SC_VW_ARCH, 0xffffffffu)
                                         : sc_vw_intern(w, SC_VA_KNOWN, w->arch_data, 0);
    if (fld >= 0)
        return sc_vw_intern(w, SC_VA_ARG, (uint32_t)fld, 0xffffffffu);
    if (k == 8 || k == 12)
        return sc_vw_intern(w, SC_VA_ARG, SC_VW_IP + ((k == 12) != (w->be != 0)), 0xffffffffu);
    return 0;
}

/* Depth-first over (pc, state), each pair once; jumps go forward only. */
static void sc_vw_run(sc_vwalk *w, size_t pc, int s)
{
    while (pc < w->n) {
        const struct sock_filter *ins = &w->prog[pc];
        uint32_t *mark = &w->visit[pc * SC_VW_STATES + (size_t)s];
        uint16_t code = ins->code;
        if (*mark == w->stamp)
            return;
        *mark = w->stamp;
        if (code == (BPF_LD | BPF_W | BPF_ABS)) {
            s = sc_vw_load(w, ins->k);
            pc++;
        } else if (BPF_CLASS(code) == BPF_JMP) {
            uint32_t jt, jf;
            if (BPF_OP(code) == BPF_JA) {
                pc += 1 + ins->k;
                continue;
            }
            jt = (uint32_t)pc + 1 + ins->jt;
            jf = (uint32_t)pc + 1 + ins->jf;
            if (BPF_SRC(code) == BPF_K && w->st[s].kind == SC_VA_KNOWN) {
                uint32_t A = w->st[s].v, k = ins->k;
                int taken = BPF_OP(code) == BPF_JEQ ? A == k : BPF_OP(code) == BPF_JGT ? A > k
                          : BPF_OP(code) == BPF_JGE ? A >= k : (A & k) != 0;
                pc = taken ? jt : jf;
                continue;
            }
            if (BPF_SRC(code) == BPF_K && w->st[s].kind == SC_VA_ARG) {
                sc_vw_test(w, &w->st[s], (uint8_t)BPF_OP(code), ins->k);
            } else {
                w->lost = 1; /* against X, or on a value no test describes */
            }
            sc_vw_run(w, jt, s);
            pc = jf;
        } else if (BPF_CLASS(code) == BPF_RET) {
            if (BPF_RVAL(code) == BPF_A && w->st[s].kind != SC_VA_KNOWN)
                w->lost = 1; /* the answer is computed from the data */
            return;
        } else if (BPF_CLASS(code) == BPF_ALU && w->st[s].kind == SC_VA_ARG &&
                   BPF_OP(code) == BPF_AND && BPF_SRC(code) == BPF_K) {
            /* a masked test: the mask goes with the word */
            s = sc_vw_intern(w, SC_VA_ARG, w->st[s].v, w->st[s].mask & ins->k);
            pc++;
        } else if (code == (BPF_LD | BPF_IMM)) {
            s = sc_vw_intern(w, SC_VA_KNOWN, ins->k, 0);
            pc++;
        } else if (code == (BPF_LD | BPF_W | BPF_LEN)) {
            s = sc_vw_intern(w, SC_VA_KNOWN, BPF_SC_DATA_SIZE, 0);
            pc++;
        } else {
            uint32_t v;
            if (BPF_CLASS(code) == BPF_ALU && BPF_SRC(code) == BPF_K &&
                w->st[s].kind == SC_VA_KNOWN && sc_vw_alu(code, w->st[s].v, ins->k, &v))
                s = sc_vw_intern(w, SC_VA_KNOWN, v, 0);
            else if (BPF_CLASS(code) == BPF_ALU || code == (BPF_LD | BPF_MEM) ||
                     code == (BPF_MISC | BPF_TXA) || BPF_CLASS(code) == BPF_LD)
                s = 0;
            pc++;
        }
    }
}
