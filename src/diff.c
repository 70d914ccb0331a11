/*
 * diff.c - seccomp.diff(a, b [, opts]): where two filters, programs or
 * stacks of programs answer a call differently.
 *
 * a and b are each a filter (the program it would load, as f:simulate
 * runs it), a BPF string (as export_bpf and dump give it), or a list of
 * BPF strings or filters: a process's stack, oldest first, whose answer is
 * the kernel's (seccomp_run_filters: every filter runs, the newest first,
 * and the lowest (s32)(ret & SECCOMP_RET_ACTION_FULL) wins; between equal
 * actions the newest filter's return value stands).
 *
 * The comparison is exhaustive over the joint partition of the programs'
 * tests.  walk.c lists every test (word & mask) OP k the programs make on
 * the path a call takes; for one 32-bit word of seccomp_data its tests cut
 * the 2^32 values into cells in which every test, so every program, gives
 * one answer, and sc_word_cells finds one value per cell (a search over
 * the bits, fixing the highest bit any undecided test still depends on,
 * then one value per distinct vector of truth values).  So:
 *
 *  - arches: the cells of the arch word over every program's arch tests,
 *    each cell stood for by an arch the module knows where one falls in it
 *    (the native arch first), or opts.arches;
 *  - per arch: the cells of the nr word, plus every number of the arch's
 *    syscall table (x32's too on x86_64), -1 and the number past the table;
 *  - per (arch, nr): the cells of each argument word and of the instruction
 *    pointer's words the programs test on that path (high words stay 0 on
 *    32-bit arches, whose arguments the kernel zero-extends), and their
 *    cross product while it stays within opts.budget (default 2^20 vectors
 *    a call); over it, every value of each word alone, every pair of words
 *    and a seeded sample, with `exhaustive` false.
 *
 * Answers are compared as the kernel acts on them: the data counts for
 * errno (capped at 4095, as the kernel does), trace and trap, not for
 * allow, log, notify and the kills.  The verdict orders actions as the
 * kernel does, by (s32)(ret & SECCOMP_RET_ACTION_FULL), lower being
 * stricter: kill_process, kill_thread, trap, errno, notify, trace, log,
 * allow (so log counts as stricter than allow, notify than trace); two
 * answers of one action with different data (two errnos, two traces) are
 * incomparable.
 *
 * Nothing here raises while the core runs, and nothing is malloc'd: the
 * work area is Lua userdata.
 */
#include "core.h"

/* The differ's bounds and types are in core.h (partition.c shares them). */

static void sc_diff_note(sc_differ *D, int kind, uint32_t arch, int32_t nr, int word,
                         uint64_t detail)
{
    sc_dnote *n = &D->notes[kind];
    D->exhaustive = 0;
    if (n->count++ == 0) {
        n->arch = arch;
        n->nr = nr;
        n->word = word;
        n->detail = detail;
    }
}

/* ---- the cells of one word ------------------------------------------------------ */

/* Test t over the values x with x & F == V (V within F): 1 or 0 where all
 * of them agree, else -1 and *rel the free bits it depends on. */
static int sc_test_on(const sc_vtest *t, uint32_t F, uint32_t V, uint32_t *rel)
{
    uint32_t m = t->mask, fixed = m & F, open = m & ~F;
    switch (t->op) {
    case BPF_JEQ:
        if ((t->k & ~m) != 0 || ((V ^ t->k) & fixed) != 0)
            return 0;
        if (open == 0)
            return 1;
        *rel = open;
        return -1;
    case BPF_JSET:
        if ((V & m & t->k) != 0)
            return 1;
        if ((open & t->k) == 0)
            return 0;
        *rel = open & t->k;
        return -1;
    default: { /* BPF_JGT, BPF_JGE: the least and the greatest x & m */
        uint32_t lo = V & fixed, hi = lo | open;
        int gt = t->op == BPF_JGT;
        if (gt ? lo > t->k : lo >= t->k)
            return 1;
        if (gt ? hi <= t->k : hi < t->k)
            return 0;
        *rel = open;
        return -1;
    }
    }
}

static int sc_test_holds(const sc_vtest *t, uint32_t x)
{
    uint32_t y = x & t->mask;
    switch (t->op) {
    case BPF_JEQ: return y == t->k;
    case BPF_JGT: return y > t->k;
    case BPF_JGE: return y >= t->k;
    default: return (y & t->k) != 0;
    }
}

/* The search over the bits: below the bits F fixed to V, every test in
 * U[0..nu) not yet decided splits on the highest free bit one of them
 * depends on; where all are decided, V stands for the cell. */
static void sc_cells_search(sc_differ *D, const sc_vtest *t, size_t nt, int depth, uint32_t F,
                            uint32_t V, const uint32_t *U, size_t nu)
{
    uint32_t *next = D->dfsidx + (size_t)depth * nt, rel = 0, bit = 0x80000000u;
    size_t i, nn = 0;
    if (D->nleaves == SC_DIFF_MAXLEAVES) {
        D->leaves_capped = 1;
        return;
    }
    for (i = 0; i < nu; i++) {
        uint32_t r = 0;
        if (sc_test_on(&t[U[i]], F, V, &r) < 0) {
            next[nn++] = U[i];
            rel |= r;
        }
    }
    if (nn == 0) {
        if (D->leaf_fixed != NULL) {
            D->leaf_fixed[D->nleaves] = F;
            D->leaf_value[D->nleaves] = V;
        }
        D->leaves[D->nleaves++] = V;
        return;
    }
    while ((rel & bit) == 0)
        bit >>= 1;
    sc_cells_search(D, t, nt, depth + 1, F | bit, V, next, nn);
    sc_cells_search(D, t, nt, depth + 1, F | bit, V | bit, next, nn);
}

/* The truth values of every test on x, hashed (FNV-1a). */
static uint64_t sc_cell_hash(const sc_vtest *t, size_t nt, uint32_t x)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    size_t i;
    for (i = 0; i < nt; i++)
        h = (h ^ (uint64_t)sc_test_holds(&t[i], x)) * 0x100000001b3ULL;
    return h;
}

static int sc_same_cell(const sc_vtest *t, size_t nt, uint32_t x, uint32_t y)
{
    size_t i;
    for (i = 0; i < nt; i++)
        if (sc_test_holds(&t[i], x) != sc_test_holds(&t[i], y))
            return 0;
    return 1;
}

/* The slot of x's cell in the table of size tsize (a power of 2): the one
 * holding a value of its cell, or the empty one where it would go. */
static size_t sc_cell_slot(const sc_differ *D, const sc_vtest *t, size_t nt, const uint32_t *out,
                           size_t tsize, uint64_t h, uint32_t x)
{
    size_t s = (size_t)(h ^ (h >> 29)) & (tsize - 1);
    while (D->hval[s] != 0 && !(D->hkey[s] == h && sc_same_cell(t, nt, x, out[D->hval[s] - 1])))
        s = (s + 1) & (tsize - 1);
    return s;
}

static int sc_u32_cmp(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* One value per cell of a word under its tests t[0..nt) into out (at most
 * SC_DIFF_MAXREPS), ascending; a cell that holds a value of prefer[0..np)
 * is stood for by the first such value.  The count; *capped set where
 * cells were lost. */
static size_t sc_word_cells(sc_differ *D, const sc_vtest *t, size_t nt, const uint32_t *prefer,
                            size_t np, uint32_t *out, int *capped)
{
    uint32_t *all = D->dfsidx + (size_t)33 * nt;
    size_t i, n = 0, tsize = 16;
    *capped = 0;
    if (nt == 0) {
        out[0] = np > 0 ? prefer[0] : 0;
        return 1;
    }
    for (i = 0; i < nt; i++)
        all[i] = (uint32_t)i;
    D->nleaves = 0;
    D->leaves_capped = 0;
    sc_cells_search(D, t, nt, 0, 0, 0, all, nt);
    *capped = D->leaves_capped;
    while (tsize < 2 * (D->nleaves < SC_DIFF_MAXREPS ? D->nleaves : SC_DIFF_MAXREPS) && tsize < SC_DIFF_HASH)
        tsize *= 2;
    memset(D->hval, 0, tsize * sizeof *D->hval);
    for (i = 0; i < D->nleaves; i++) {
        uint32_t x = D->leaves[i];
        uint64_t h = sc_cell_hash(t, nt, x);
        size_t s = sc_cell_slot(D, t, nt, out, tsize, h, x);
        if (D->hval[s] != 0)
            continue;
        if (n == SC_DIFF_MAXREPS) {
            *capped = 1;
            break;
        }
        out[n++] = x;
        D->hkey[s] = h;
        D->hval[s] = (uint32_t)n;
    }
    /* D->leaves, done with, marks the cells a preferred value took */
    memset(D->leaves, 0, n * sizeof *D->leaves);
    for (i = 0; i < np; i++) {
        uint64_t h = sc_cell_hash(t, nt, prefer[i]);
        size_t s = sc_cell_slot(D, t, nt, out, tsize, h, prefer[i]);
        if (D->hval[s] != 0 && !D->leaves[D->hval[s] - 1]) {
            out[D->hval[s] - 1] = prefer[i]; /* of the same cell: the table stays right */
            D->leaves[D->hval[s] - 1] = 1;
        }
    }
    qsort(out, n, sizeof *out, sc_u32_cmp);
    return n;
}

/* ---- running a vector --------------------------------------------------------------- */

/* The kernel's answer of a side: every program, the newest first; the
 * lowest action wins, the newest between equal ones. */
static uint32_t sc_diff_answer(sc_differ *D, const sc_dside *s,
                               unsigned char data[2][BPF_SC_DATA_SIZE])
{
    uint32_t ret = BPF_SC_RET_ALLOW;
    size_t i = s->n;
    while (i-- > 0) {
        const sc_dprog *p = &s->p[i];
        const char *fault = NULL;
        uint32_t cur = bpf_run_accel(p->prog, p->n, p->accel, data[p->be != 0], p->be, &fault);
        if (fault != NULL && D->fault == NULL)
            D->fault = fault;
        if (sc_action_rank(cur) < sc_action_rank(ret))
            ret = cur;
    }
    return ret;
}

/* An answer as the kernel acts on it: the data only where it is used. */
static uint32_t sc_diff_norm(uint32_t r)
{
    uint32_t act = r & BPF_SC_RET_ACTION_FULL, data = r & BPF_SC_RET_DATA;
    switch (act) {
    case BPF_SC_RET_ERRNO:
        return act | (data > SC_MAX_ERRNO ? SC_MAX_ERRNO : data);
    case BPF_SC_RET_KILL_PROCESS:
    case BPF_SC_RET_KILL_THREAD:
    case BPF_SC_RET_USER_NOTIF:
    case BPF_SC_RET_LOG:
    case BPF_SC_RET_ALLOW:
        return act;
    default:
        return r; /* trap, trace, and actions this module does not know */
    }
}

static void sc_diff_check(sc_differ *D, uint32_t arch_data, uint32_t shown, int32_t nr,
                          const uint64_t args[6], uint64_t ip)
{
    unsigned char data[2][BPF_SC_DATA_SIZE];
    uint32_t a, b;
    int32_t ra, rb;
    int i;
    for (i = 0; i < 2; i++)
        if (D->need_be[i])
            bpf_pack_data(data[i], i, nr, arch_data, ip, args);
    a = sc_diff_answer(D, &D->side[0], data);
    b = sc_diff_answer(D, &D->side[1], data);
    D->vectors++;
    if (sc_diff_norm(a) == sc_diff_norm(b))
        return;
    D->total++;
    ra = sc_action_rank(sc_diff_norm(a));
    rb = sc_action_rank(sc_diff_norm(b));
    D->dir |= ra < rb ? 1u : ra > rb ? 2u : 4u;
    if (D->ncells < SC_DIFF_MAXCELLS) {
        sc_dcell *c = &D->cells[D->ncells++];
        c->nr = nr;
        c->arch = shown;
        memcpy(c->args, args, sizeof c->args);
        c->ip = ip;
        c->a = a;
        c->b = b;
    }
}

/* ---- one call: every vector of its cells ------------------------------------------------- */

/* Walk every program for (arch_data, nr) with `sym` symbolic; the tests in
 * D->tests.  The count; *lost and *capped as the walks say. */
static size_t sc_diff_walk(sc_differ *D, uint32_t arch_data, int32_t nr, unsigned sym, int *lost,
                           unsigned *capped)
{
    size_t nt = 0, i;
    int s;
    *lost = 0;
    *capped = 0;
    for (s = 0; s < 2; s++)
        for (i = 0; i < D->side[s].n; i++) {
            sc_dprog *p = &D->side[s].p[i];
            sc_vwalk w;
            memset(&w, 0, sizeof w);
            w.prog = p->prog;
            w.n = p->n;
            w.be = p->be;
            w.visit = p->visit;
            w.stamp = ++p->stamp;
            w.nr = nr;
            w.arch_data = arch_data;
            w.nst = 1; /* st[0]: UNKNOWN */
            w.sym = sym;
            w.tests = D->tests;
            w.ntests = nt;
            w.captests = SC_DIFF_MAXTESTS;
            sc_vw_run(&w, 0, 0);
            nt = w.ntests;
            *lost |= w.lost;
            *capped |= w.capped;
        }
    return nt;
}

/* The tests of word `word` among D->tests[0..nt), into D->wtests. */
static size_t sc_diff_word_tests(sc_differ *D, size_t nt, int word)
{
    size_t i, n = 0;
    for (i = 0; i < nt; i++)
        if (D->tests[i].word == word)
            D->wtests[n++] = D->tests[i];
    return n;
}

/* word: -1 for a call's walk, SC_VW_NR for an arch's, SC_VW_ARCH for the
 * arch tests' */
static void sc_diff_note_walk(sc_differ *D, int lost, unsigned capped, uint32_t shown, int32_t nr,
                              int word)
{
    if (lost)
        sc_diff_note(D, SC_DN_LOST, shown, nr, word, 0);
    if (capped & SC_VW_CAP_STATES)
        sc_diff_note(D, SC_DN_STATES, shown, nr, word, 0);
    if (capped & SC_VW_CAP_TESTS)
        sc_diff_note(D, SC_DN_TESTS, shown, nr, word, 0);
}

/* Check the vector whose word values are the idx'th cells of words[0..nw). */
static void sc_diff_vector(sc_differ *D, const int *words, size_t nw, const size_t *idx,
                           uint32_t arch_data, uint32_t shown, int32_t nr)
{
    uint32_t v[SC_DIFF_WORDS];
    uint64_t args[6];
    size_t i;
    memset(v, 0, sizeof v);
    for (i = 0; i < nw; i++)
        v[words[i]] = D->reps[(size_t)words[i] * SC_DIFF_MAXREPS + idx[i]];
    for (i = 0; i < 6; i++)
        args[i] = ((uint64_t)v[2 * i + 1] << 32) | v[2 * i];
    sc_diff_check(D, arch_data, shown, nr, args, ((uint64_t)v[SC_VW_IP + 1] << 32) | v[SC_VW_IP]);
}

/* Every cell of one call: syscall nr on arch_data (shown as `shown`). */
static void sc_diff_call(sc_differ *D, uint32_t arch_data, uint32_t shown, int32_t nr, int is32)
{
    int lost, words[SC_DIFF_WORDS], capped_cells, w;
    unsigned capped;
    size_t nt = sc_diff_walk(D, arch_data, nr, 0, &lost, &capped), nw = 0, i, j;
    size_t idx[SC_DIFF_WORDS];
    uint64_t product = 1, before = D->vectors;
    sc_diff_note_walk(D, lost, capped, shown, nr, -1);
    for (w = 0; w < SC_DIFF_WORDS; w++) {
        size_t wt;
        if (is32 && (w & 1))
            continue; /* the kernel zero-extends a 32-bit task's arguments */
        wt = sc_diff_word_tests(D, nt, w);
        if (wt == 0)
            continue;
        D->nreps[w] = sc_word_cells(D, D->wtests, wt, NULL, 0, D->reps + (size_t)w * SC_DIFF_MAXREPS,
                                    &capped_cells);
        if (capped_cells)
            sc_diff_note(D, SC_DN_CELLS, shown, nr, w, 0);
        if (D->nreps[w] == 0)
            continue; /* cannot be: every word has a cell */
        words[nw++] = w;
        if (product > D->budget / D->nreps[w])
            product = D->budget + 1; /* over it: how far does not matter */
        else
            product *= D->nreps[w];
    }
    memset(idx, 0, sizeof idx);
    if (product <= D->budget) {
        for (;;) {
            sc_diff_vector(D, words, nw, idx, arch_data, shown, nr);
            for (i = 0; i < nw; i++) {
                if (++idx[i] < D->nreps[words[i]])
                    break;
                idx[i] = 0;
            }
            if (i == nw)
                return;
        }
    }
    sc_diff_note(D, SC_DN_BUDGET, shown, nr, -1, product);
    /* each word's cells alone, then every pair, the others at their first
     * cell, within the budget; then a seeded sample */
    for (i = 0; i < nw; i++)
        for (idx[i] = 0; idx[i] < D->nreps[words[i]]; idx[i]++)
            sc_diff_vector(D, words, nw, idx, arch_data, shown, nr);
    memset(idx, 0, sizeof idx);
    for (i = 0; i < nw; i++)
        for (j = i + 1; j < nw; j++) {
            for (idx[i] = 0; idx[i] < D->nreps[words[i]] && D->vectors - before < D->budget; idx[i]++)
                for (idx[j] = 0; idx[j] < D->nreps[words[j]]; idx[j]++)
                    sc_diff_vector(D, words, nw, idx, arch_data, shown, nr);
            idx[i] = idx[j] = 0;
        }
    {
        uint64_t s, n = D->budget < SC_DIFF_SAMPLE ? D->budget : SC_DIFF_SAMPLE;
        for (s = 0; s < n; s++) {
            for (i = 0; i < nw; i++)
                idx[i] = (size_t)(sc_vrand(&D->seed) % D->nreps[words[i]]);
            sc_diff_vector(D, words, nw, idx, arch_data, shown, nr);
        }
    }
}

/* ---- arches and numbers --------------------------------------------------------------------- */

static size_t sc_diff_add_table(sc_differ *D, size_t n, uint32_t arch)
{
    const sc_nrtab *t = sc_arch_table(arch);
    size_t i;
    if (t == NULL)
        return n;
    for (i = 0; i < t->n && n < SC_DIFF_MAXNRS; i++)
        D->nrs[n++] = (uint32_t)t->nr[i];
    if (t->n > 0 && n < SC_DIFF_MAXNRS)
        D->nrs[n++] = (uint32_t)t->nr[t->n - 1] + 1; /* past the table */
    return n;
}

/* Every call on one arch (arch_data as seccomp_data holds it). */
static void sc_diff_arch(sc_differ *D, uint32_t arch_data)
{
    /* the kernel zero-extends the arguments of a 32-bit arch (one it
     * knows: a value no arch has is checked with all 64 bits) */
    int is32 = (arch_data & 0x80000000u) == 0 && sc_arch_by_token(arch_data) != NULL;
    int lost, capped_cells;
    unsigned capped;
    size_t nt = sc_diff_walk(D, arch_data, 0, SC_VW_SYM_NR, &lost, &capped), np = 0, n, i;
    size_t wt = sc_diff_word_tests(D, nt, SC_VW_NR);
    sc_diff_note_walk(D, lost, capped, arch_data, -1, SC_VW_NR);
    if (nt == 0 && !lost) { /* nothing but the arch is read: one answer */
        sc_diff_call(D, arch_data, arch_data, 0, is32);
        return;
    }
    if (D->narches < SC_DIFF_MAXARCHES)
        D->arches[D->narches++] = arch_data; /* checked call by call */
    if (sc_arch_by_token(arch_data) != NULL) {
        np = sc_diff_add_table(D, np, arch_data);
        if (arch_data == SCMP_ARCH_X86_64)
            np = sc_diff_add_table(D, np, SCMP_ARCH_X32);
    }
    if (np < SC_DIFF_MAXNRS)
        D->nrs[np++] = 0xffffffffu; /* -1 */
    /* the cells of the nr word; those holding no number above are added */
    n = sc_word_cells(D, D->wtests, wt, D->nrs, np, D->reps, &capped_cells);
    if (capped_cells || np == SC_DIFF_MAXNRS)
        sc_diff_note(D, SC_DN_NRS, arch_data, -1, SC_VW_NR, 0);
    for (i = 0; i < n && np < SC_DIFF_MAXNRS; i++)
        D->nrs[np++] = D->reps[i];
    qsort(D->nrs, np, sizeof *D->nrs, sc_u32_cmp);
    for (i = 0; i < np; i++) {
        int32_t nr;
        if (i > 0 && D->nrs[i] == D->nrs[i - 1])
            continue;
        nr = (int32_t)D->nrs[i];
        sc_diff_call(D, arch_data, arch_data == SCMP_ARCH_X86_64 && nr >= SC_X32_SYSCALL_BIT
                     ? SCMP_ARCH_X32 : arch_data, nr, is32);
    }
}

/* Every arch cell: opts.arches, or the cells of the programs' arch tests. */
static void sc_diff_core(sc_differ *D)
{
    uint32_t prefer[SC_DIFF_MAXARCHES], native = seccomp_arch_native();
    size_t np = 0, n, i, k;
    int lost, capped_cells;
    unsigned capped;
    D->exhaustive = 1;
    if (D->nwant > 0) {
        for (i = 0; i < D->nwant; i++)
            sc_diff_arch(D, D->want[i]);
        return;
    }
    /* the arches the module knows stand for their cells: native first, then
     * the 64-bit ones (whose arguments' high words vary: a cell holding a
     * 64-bit arch and a 32-bit one is checked as the 64-bit one, which
     * covers the other's calls) */
    prefer[np++] = native == SCMP_ARCH_X32 ? SCMP_ARCH_X86_64 : native;
    for (k = 0; k < 2; k++)
        for (i = 0; i < SC_NARCHES && np < SC_DIFF_MAXARCHES; i++) {
            uint32_t tok = sc_arches[i].token;
            if (sc_arch_known(&sc_arches[i]) && tok != SCMP_ARCH_X32 && tok != prefer[0] &&
                ((tok & 0x80000000u) != 0) == (k == 0))
                prefer[np++] = tok;
        }
    {
        size_t nt = sc_diff_walk(D, 0, 0, SC_VW_SYM_NR | SC_VW_SYM_ARCH, &lost, &capped);
        size_t wt = sc_diff_word_tests(D, nt, SC_VW_ARCH);
        sc_diff_note_walk(D, lost, capped, 0, -1, SC_VW_ARCH);
        n = sc_word_cells(D, D->wtests, wt, prefer, np, D->reps, &capped_cells);
    }
    if (capped_cells)
        sc_diff_note(D, SC_DN_CELLS, 0, -1, SC_VW_ARCH, 0);
    /* sc_diff_arch reuses D->reps: keep the arches apart */
    memcpy(prefer, D->reps, (n < SC_DIFF_MAXARCHES ? n : SC_DIFF_MAXARCHES) * sizeof *prefer);
    if (n > SC_DIFF_MAXARCHES) {
        sc_diff_note(D, SC_DN_CELLS, 0, -1, SC_VW_ARCH, 0);
        n = SC_DIFF_MAXARCHES;
    }
    /* the native arch's cell first */
    for (i = 0; i < n; i++)
        if (prefer[i] == native || (native == SCMP_ARCH_X32 && prefer[i] == SCMP_ARCH_X86_64)) {
            uint32_t t = prefer[0];
            prefer[0] = prefer[i];
            prefer[i] = t;
        }
    for (i = 0; i < n; i++)
        sc_diff_arch(D, prefer[i]);
}

/* ---- Lua ------------------------------------------------------------------------------------ */

/* How many programs argument idx holds (raises on a wrong one). */
static size_t sc_diff_count(lua_State *L, int idx)
{
    size_t n, i;
    if (lua_type(L, idx) == LUA_TSTRING || luaL_testudata(L, idx, SC_FILTER_MT) != NULL)
        return 1;
    if (lua_type(L, idx) != LUA_TTABLE)
        return (size_t)sc_argerror_value(L, idx, "filter, BPF program (a string) or list of "
                                         "them (a stack, oldest first) expected, got");
    n = lua_rawlen(L, idx);
    if (n == 0)
        sc_argerror(L, idx, "an empty list: a stack has at least one program");
    for (i = 1; i <= n; i++) {
        int t = lua_rawgeti(L, idx, (lua_Integer)i);
        if (t != LUA_TSTRING && luaL_testudata(L, -1, SC_FILTER_MT) == NULL) {
            const char *r = sc_repr(L, -1);
            sc_argerror(L, idx, lua_pushfstring(L, "[%d]: filter or BPF program (a string) "
                                                "expected, got %s", (int)i, r));
        }
        lua_pop(L, 1);
    }
    return n;
}

/* The program of the value at the top of the stack (a filter or a BPF
 * string) into *p; a decoded string is anchored in the table at keep.
 * Pops the value. */
static void sc_diff_program(lua_State *L, int arg, int item, int keep, int be, sc_dprog *p)
{
    sc_sim_prog *sp;
    if (lua_type(L, -1) == LUA_TSTRING) {
        size_t len;
        const char *bytes = lua_tolstring(L, -1, &len), *msg;
        char err[128];
        sp = sc_newuserdata(L, sc_sim_prog_size(sc_sim_capacity(len)));
        msg = sc_sim_decode(sp, bytes, len, be, err, sizeof err);
        if (msg != NULL)
            sc_argerror(L, arg, item > 0 ? lua_pushfstring(L, "[%d]: bad BPF program: %s", item, msg)
                                         : lua_pushfstring(L, "bad BPF program: %s", msg));
        lua_rawseti(L, keep, (lua_Integer)lua_rawlen(L, keep) + 1);
    } else {
        sc_filter *f = sc_checkfilter(L, -1);
        sp = sc_filter_program(L, lua_gettop(L), f, "diff");
    }
    lua_pop(L, 1);
    p->prog = sp->prog;
    p->n = sp->n;
    p->accel = sp->accel;
    p->be = sp->big_endian;
}

static void sc_push_arch_value(lua_State *L, uint32_t token)
{
    const struct sc_arch *a = sc_arch_by_token(token);
    if (a != NULL)
        lua_pushstring(L, a->name);
    else
        lua_pushinteger(L, (lua_Integer)token);
}

static void sc_diff_push_cell(lua_State *L, const sc_dcell *c)
{
    char name[SC_LEDGER_NAMELEN];
    int i;
    lua_createtable(L, 0, 7);
    sc_push_arch_value(L, c->arch);
    lua_setfield(L, -2, "arch");
    lua_pushinteger(L, c->nr);
    lua_setfield(L, -2, "nr");
    if (sc_arch_by_token(c->arch) != NULL && sc_syscall_name(c->arch, c->nr, name, sizeof name)) {
        lua_pushstring(L, name);
        lua_setfield(L, -2, "syscall");
    }
    lua_createtable(L, 6, 0);
    for (i = 0; i < 6; i++) {
        lua_pushinteger(L, (lua_Integer)c->args[i]);
        lua_rawseti(L, -2, i + 1);
    }
    lua_setfield(L, -2, "args");
    if (c->ip != 0) {
        lua_pushinteger(L, (lua_Integer)c->ip);
        lua_setfield(L, -2, "ip");
    }
    lua_pushinteger(L, (lua_Integer)c->a);
    lua_setfield(L, -2, "a");
    lua_pushinteger(L, (lua_Integer)c->b);
    lua_setfield(L, -2, "b");
}

/* "getppid on x86_64" for a note's call. */
static const char *sc_diff_push_where(lua_State *L, const sc_dnote *n)
{
    char name[SC_LEDGER_NAMELEN], hex[32];
    const struct sc_arch *a = sc_arch_by_token(n->arch);
    const char *arch = hex;
    if (a != NULL)
        arch = a->name;
    else
        snprintf(hex, sizeof hex, "arch 0x%08x", (unsigned)n->arch);
    if (n->word == SC_VW_ARCH)
        return lua_pushliteral(L, "in the arch tests");
    if (n->nr == -1 && n->word >= 0)
        return lua_pushfstring(L, "on %s", arch);
    if (a != NULL && sc_syscall_name(n->arch, n->nr, name, sizeof name))
        return lua_pushfstring(L, "%s on %s", name, arch);
    return lua_pushfstring(L, "syscall %d on %s", (int)n->nr, arch);
}

static void sc_diff_push_notes(lua_State *L, const sc_differ *D)
{
    static const char *const words[] = {"arg0", "arg0 (high word)", "arg1", "arg1 (high word)",
        "arg2", "arg2 (high word)", "arg3", "arg3 (high word)", "arg4", "arg4 (high word)",
        "arg5", "arg5 (high word)", "ip", "ip (high word)", "nr", "arch"};
    int k, n = 0;
    lua_newtable(L);
    for (k = 0; k < SC_DN_N; k++) {
        const sc_dnote *t = &D->notes[k];
        const char *where;
        if (t->count == 0)
            continue;
        where = sc_diff_push_where(L, t);
        switch (k) {
        case SC_DN_BUDGET:
            lua_pushfstring(L, "budget: %I call(s) have more vectors than the budget of %I (the "
                            "first, %s, at least %I): each value of each word alone, every pair "
                            "of words and %d random vectors were checked instead",
                            (LUAI_UACINT)t->count, (LUAI_UACINT)D->budget, where,
                            (LUAI_UACINT)t->detail, SC_DIFF_SAMPLE);
            break;
        case SC_DN_LOST:
            lua_pushfstring(L, "a program branches on a value no test describes (computed from "
                            "the data, X or scratch memory) on %I call(s), the first %s: "
                            "its cells are not all known", (LUAI_UACINT)t->count, where);
            break;
        case SC_DN_STATES:
            lua_pushfstring(L, "a program's walk ran out of states on %I call(s), the first %s",
                            (LUAI_UACINT)t->count, where);
            break;
        case SC_DN_TESTS:
            lua_pushfstring(L, "more than %d tests on %I call(s), the first %s", SC_DIFF_MAXTESTS,
                            (LUAI_UACINT)t->count, where);
            break;
        case SC_DN_CELLS:
            lua_pushfstring(L, "more than %d cells of %s on %I call(s), the first %s",
                            SC_DIFF_MAXREPS, t->word >= 0 ? words[t->word] : "a word",
                            (LUAI_UACINT)t->count, where);
            break;
        default:
            lua_pushfstring(L, "more than %d syscall numbers %s", SC_DIFF_MAXNRS, where);
            break;
        }
        lua_remove(L, -2);
        lua_rawseti(L, -2, ++n);
    }
}

/* The options diff, explain and audit share, from the table at idx (nil:
 * none) into D: budget (vectors a call), seed, arches; returns the byte
 * order to read BPF strings in. */
static int sc_diff_options(lua_State *L, int idx, sc_differ *D)
{
    static const char *const keys[] = {"arches", "endian", "budget", "seed", NULL};
    int be = sc_sim_arch_big_endian(seccomp_arch_native()), have_be = 0, top = lua_gettop(L);
    size_t i;
    if (lua_isnil(L, idx))
        return be;
    luaL_checktype(L, idx, LUA_TTABLE);
    sc_check_options(L, idx, idx, keys);
    if (lua_getfield(L, idx, "budget") != LUA_TNIL) {
        lua_Integer v = lua_isinteger(L, -1) ? lua_tointeger(L, -1) : 0;
        if (v < 1)
            sc_argerror(L, idx, lua_pushfstring(L, "opts.budget must be a positive integer, "
                                                "got %s", sc_repr(L, -1)));
        D->budget = (uint64_t)v;
    }
    if (lua_getfield(L, idx, "seed") != LUA_TNIL) {
        if (!lua_isinteger(L, -1))
            sc_argerror(L, idx, lua_pushfstring(L, "opts.seed must be an integer, got %s",
                                                sc_repr(L, -1)));
        D->seed = (uint64_t)lua_tointeger(L, -1);
    }
    if (lua_getfield(L, idx, "arches") != LUA_TNIL) {
        size_t n = 0;
        if (lua_type(L, -1) != LUA_TTABLE || (n = lua_rawlen(L, -1)) == 0)
            sc_argerror(L, idx, lua_pushfstring(L, "opts.arches must be a list of arches, "
                                                "got %s", sc_repr(L, -1)));
        for (i = 1; i <= n; i++) {
            uint32_t tok;
            const char *msg;
            size_t j;
            lua_rawgeti(L, -1, (lua_Integer)i);
            if ((msg = sc_parse_arch(L, lua_gettop(L), &tok)) != NULL)
                sc_argerror(L, idx, lua_pushfstring(L, "opts.arches[%d]: %s", (int)i, msg));
            lua_pop(L, 1);
            if (tok == SCMP_ARCH_X32) /* x32 calls are x86_64 calls with the x32 bit */
                tok = SCMP_ARCH_X86_64;
            for (j = 0; j < D->nwant && D->want[j] != tok; j++)
                ;
            if (j == D->nwant && D->nwant < SC_DIFF_MAXARCHES)
                D->want[D->nwant++] = tok;
            if (!have_be) {
                be = sc_sim_arch_big_endian(tok);
                have_be = 1;
            }
        }
    }
    if (lua_getfield(L, idx, "endian") != LUA_TNIL) {
        const char *msg = sc_sim_endian(L, lua_gettop(L), &be);
        if (msg != NULL)
            sc_argerror(L, idx, lua_pushfstring(L, "opts.endian: %s", msg));
    }
    lua_settop(L, top);
    return be;
}

/* The programs of arguments 1 .. nsides into D's sides, and D's work area
 * (with the leaf arrays where `leaves`); pushes three values that must stay
 * on the stack while D is in use. */
static void sc_diff_setup(lua_State *L, sc_differ *D, int nsides, int be, int leaves)
{
    size_t n[2] = {0, 0}, i, visits = 0;
    unsigned char *area;
    uint32_t *visit;
    int keep, s;
    for (s = 0; s < nsides; s++)
        n[s] = sc_diff_count(L, s + 1);
    D->side[0].p = sc_newuserdata(L, (n[0] + n[1]) * sizeof(sc_dprog));
    memset(D->side[0].p, 0, (n[0] + n[1]) * sizeof(sc_dprog));
    D->side[0].n = n[0];
    D->side[1].p = D->side[0].p + n[0];
    D->side[1].n = n[1];
    lua_newtable(L); /* the decoded strings */
    keep = lua_gettop(L);
    for (s = 0; s < nsides; s++) {
        int arg = s + 1;
        if (lua_type(L, arg) == LUA_TTABLE) {
            for (i = 0; i < D->side[s].n; i++) {
                lua_rawgeti(L, arg, (lua_Integer)i + 1);
                sc_diff_program(L, arg, (int)i + 1, keep, be, &D->side[s].p[i]);
            }
        } else {
            lua_pushvalue(L, arg);
            sc_diff_program(L, arg, 0, keep, be, &D->side[s].p[0]);
        }
    }
    for (s = 0; s < 2; s++)
        for (i = 0; i < D->side[s].n; i++) {
            D->need_be[D->side[s].p[i].be != 0] = 1;
            visits += D->side[s].p[i].n * SC_VW_STATES;
        }
    /* the work area */
    {
        size_t sz_tests = SC_DIFF_MAXTESTS * sizeof(sc_vtest);
        size_t sz_leaves = leaves ? (size_t)2 * SC_DIFF_MAXLEAVES * sizeof(uint32_t) : 0;
        size_t sz = 2 * sz_tests + (size_t)34 * SC_DIFF_MAXTESTS * sizeof(uint32_t) +
                    SC_DIFF_MAXLEAVES * sizeof(uint32_t) + SC_DIFF_HASH * sizeof(uint64_t) +
                    SC_DIFF_HASH * sizeof(uint32_t) +
                    (size_t)SC_DIFF_WORDS * SC_DIFF_MAXREPS * sizeof(uint32_t) +
                    SC_DIFF_MAXNRS * sizeof(uint32_t) + SC_DIFF_MAXCELLS * sizeof(sc_dcell) +
                    sz_leaves + visits * sizeof(uint32_t);
        area = sc_newuserdata(L, sz);
        memset(area, 0, sz);
        D->hkey = (uint64_t *)(void *)area; /* the 8-byte aligned parts first */
        area += SC_DIFF_HASH * sizeof(uint64_t);
        D->cells = (sc_dcell *)(void *)area;
        area += SC_DIFF_MAXCELLS * sizeof(sc_dcell);
        D->tests = (sc_vtest *)(void *)area;
        area += sz_tests;
        D->wtests = (sc_vtest *)(void *)area;
        area += sz_tests;
        D->dfsidx = (uint32_t *)(void *)area;
        area += (size_t)34 * SC_DIFF_MAXTESTS * sizeof(uint32_t);
        D->leaves = (uint32_t *)(void *)area;
        area += SC_DIFF_MAXLEAVES * sizeof(uint32_t);
        D->hval = (uint32_t *)(void *)area;
        area += SC_DIFF_HASH * sizeof(uint32_t);
        D->reps = (uint32_t *)(void *)area;
        area += (size_t)SC_DIFF_WORDS * SC_DIFF_MAXREPS * sizeof(uint32_t);
        D->nrs = (uint32_t *)(void *)area;
        area += SC_DIFF_MAXNRS * sizeof(uint32_t);
        if (leaves) {
            D->leaf_fixed = (uint32_t *)(void *)area;
            area += SC_DIFF_MAXLEAVES * sizeof(uint32_t);
            D->leaf_value = (uint32_t *)(void *)area;
            area += SC_DIFF_MAXLEAVES * sizeof(uint32_t);
        }
        visit = (uint32_t *)(void *)area;
    }
    for (s = 0; s < 2; s++)
        for (i = 0; i < D->side[s].n; i++) {
            D->side[s].p[i].visit = visit;
            visit += D->side[s].p[i].n * SC_VW_STATES;
        }
}

/* seccomp.diff(a, b [, opts]) -> report
 * a, b: a filter, a BPF string or a list of them (a stack, oldest first).
 * opts = { arches = {...}, endian = "big"|"little"|arch (BPF strings'
 * byte order; default the arches', else native), budget = vectors a call
 * (default 2^20), seed = integer }.  The report: a list of the first 64
 * cells { arch, nr, syscall, args, [ip,] a, b } where the answers differ,
 * and vectors, exhaustive, verdict, total, capped (a list of what made it
 * less than exhaustive), arches. */
static int l_diff(lua_State *L)
{
    sc_differ *D;
    size_t i;
    int be;
    lua_settop(L, 3);
    luaL_checkstack(L, 16, NULL);
    D = sc_newuserdata(L, sizeof *D); /* slot 4 */
    memset(D, 0, sizeof *D);
    D->budget = (uint64_t)SC_VERIFY_BUDGET;
    be = sc_diff_options(L, 3, D);
    D->seed ^= 0xd1ffull;
    sc_diff_setup(L, D, 2, be, 0); /* slots 5 to 7 */
    sc_diff_core(D);
    if (D->fault != NULL) /* cannot happen: every program passed bpf_check */
        return luaL_error(L, "diff: interpreter fault on a checked program: %s", D->fault);
    /* the report */
    lua_createtable(L, (int)D->ncells, 7);
    for (i = 0; i < D->ncells; i++) {
        sc_diff_push_cell(L, &D->cells[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_pushinteger(L, (lua_Integer)D->vectors);
    lua_setfield(L, -2, "vectors");
    lua_pushboolean(L, D->exhaustive);
    lua_setfield(L, -2, "exhaustive");
    lua_pushinteger(L, (lua_Integer)D->total);
    lua_setfield(L, -2, "total");
    lua_pushstring(L, D->total == 0 ? "equal" : D->dir == 1u ? "a stricter"
                   : D->dir == 2u ? "b stricter" : "incomparable");
    lua_setfield(L, -2, "verdict");
    sc_diff_push_notes(L, D);
    lua_setfield(L, -2, "capped");
    lua_createtable(L, (int)D->narches, 0);
    for (i = 0; i < D->narches; i++) {
        sc_push_arch_value(L, D->arches[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, "arches");
    return 1;
}

/* Adds diff to the module table at the top of the stack. */
static void sc_open_diff(lua_State *L)
{
    lua_pushcfunction(L, l_diff);
    lua_setfield(L, -2, "diff");
}
