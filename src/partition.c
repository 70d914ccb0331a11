/*
 * partition.c - seccomp.core._private.partition(p [, opts]): the partition diff
 * checks, handed to Lua as data, for seccomp.explain and seccomp.audit
 * (lua/seccomp/inspect.lua).
 *
 * p is what one side of seccomp.diff is: a filter, a BPF string, or a
 * stack of them.  The walk, the cells and the answers are diff's (diff.c,
 * on walk.c): the same tests, the same cells, the same interpreter.  What
 * diff only runs, this hands back: every cell as the leaves of the bit
 * search that found it (each leaf the values x with x & F == V), and the
 * answer of every vector, so that rules can be read off them.
 *
 *   P = { big_endian =, exhaustive =, capped = { message... }, vectors =,
 *         archword = W, arches = { A... }, low_words = { [arch name] =
 *         true where conditions compare low words only (verify.c) },
 *         big_arches = { [arch name] = true for the big-endian ones },
 *         order = { the names of the arches the module knows, in its order } }
 *   W = { rep = { value per cell }, F = {...}, V = {...}, C = {...} }:
 *       the cells of one 32-bit word, each stood for by a value, and the
 *       leaves (F[i], V[i]) of cell C[i]; the cells cover every value
 *   A = { data = the arch as seccomp_data holds it, name = the module's
 *         name of it (nil for a value no arch has), cell = its arch cell,
 *         foreign = true for a value of the cell no arch has,
 *         answer = the action of every call (where nothing but the arch is
 *         read), else
 *         names = { [nr] = name } (the arch's table; x32's too on x86_64),
 *         mux = { [name] = { nr =, sub =, mask =, direct = } } (calls the arch also
 *           routes through socketcall or ipc, arg0 & mask == sub, as a
 *           rule lands there),
 *         lost = true where the number is used in a way no test describes,
 *         nrword = W (the cells of the number),
 *         cellof = { [nr] = cell }, calls = { [nr] = action or K } for the
 *           numbers of the arch's table (x32's too on x86_64), -1, the
 *           number past the table and one number of every cell }
 *   K = { words = { w... }, cells = { [w + 1] = W }, answers = { ... },
 *         lost =, capped = }: the words the call's path tests (0..11 the
 *       arguments' words, arg * 2 + 1 the high one; 12, 13 the
 *       instruction pointer's) and the action of every vector of their
 *       cells, the first word's cell varying fastest; lost where a branch
 *       depends on data no test describes, capped where a bound dropped
 *       something (then answers is missing when the product is over the
 *       budget).
 *
 * Which arches: every arch the module knows (x32 stands in x86_64's
 * numbers), grouped by the program's arch cells; one whose cell reads
 * nothing more answers once.  With opts.arches, those only (and the
 * foreign values, which tell the bad-arch action).
 */
#include "core.h"

#define SC_PART_BUDGET ((uint64_t)1 << 16) /* vectors a call, by default */

/* Cell index of x among reps[0..n) (the hash table is D's, filled by
 * sc_part_index). */
static size_t sc_part_cell(sc_differ *D, const sc_vtest *t, size_t nt, const uint32_t *reps,
                           size_t tsize, uint32_t x)
{
    uint64_t h;
    size_t s;
    if (nt == 0)
        return 0;
    h = sc_cell_hash(t, nt, x);
    s = sc_cell_slot(D, t, nt, reps, tsize, h, x);
    return D->hval[s] != 0 ? D->hval[s] - 1 : 0; /* every value has a cell */
}

/* Index the cells reps[0..n) by their truth values; the table's size. */
static size_t sc_part_index(sc_differ *D, const sc_vtest *t, size_t nt, const uint32_t *reps,
                            size_t n)
{
    size_t tsize = 16, i;
    while (tsize < 2 * n && tsize < SC_DIFF_HASH)
        tsize *= 2;
    memset(D->hval, 0, tsize * sizeof *D->hval);
    for (i = 0; i < n && nt > 0; i++) {
        uint64_t h = sc_cell_hash(t, nt, reps[i]);
        size_t s = sc_cell_slot(D, t, nt, reps, tsize, h, reps[i]);
        D->hkey[s] = h;
        D->hval[s] = (uint32_t)i + 1;
    }
    return tsize;
}

static void sc_part_seti(lua_State *L, lua_Integer i, lua_Integer v)
{
    lua_pushinteger(L, v);
    lua_rawseti(L, -2, i);
}

/* The cells of a word under tests t[0..nt) into out (sc_word_cells), and
 * W pushed.  The count; *capped as sc_word_cells says. */
static size_t sc_part_word(lua_State *L, sc_differ *D, const sc_vtest *t, size_t nt,
                           const uint32_t *prefer, size_t np, uint32_t *out, int *capped)
{
    size_t n = sc_word_cells(D, t, nt, prefer, np, out, capped), i, tsize;
    size_t nleaves = nt == 0 ? 1 : D->nleaves;
    lua_createtable(L, 0, 4);
    lua_createtable(L, (int)n, 0);
    for (i = 0; i < n; i++)
        sc_part_seti(L, (lua_Integer)i + 1, out[i]);
    lua_setfield(L, -2, "rep");
    tsize = sc_part_index(D, t, nt, out, n);
    lua_createtable(L, (int)nleaves, 0); /* F */
    lua_createtable(L, (int)nleaves, 0); /* V */
    lua_createtable(L, (int)nleaves, 0); /* C */
    for (i = 0; i < nleaves; i++) {
        uint32_t F = nt == 0 ? 0 : D->leaf_fixed[i], V = nt == 0 ? 0 : D->leaf_value[i];
        sc_part_seti(L, (lua_Integer)i + 1, (lua_Integer)sc_part_cell(D, t, nt, out, tsize, V) + 1);
        lua_pushinteger(L, V);
        lua_rawseti(L, -3, (lua_Integer)i + 1);
        lua_pushinteger(L, F);
        lua_rawseti(L, -4, (lua_Integer)i + 1);
    }
    lua_setfield(L, -4, "C");
    lua_setfield(L, -3, "V");
    lua_setfield(L, -2, "F");
    return n;
}

/* The answer to one vector (nr on arch_data, the words' values v). */
static uint32_t sc_part_answer(sc_differ *D, uint32_t arch_data, int32_t nr, const uint32_t *v)
{
    unsigned char data[2][BPF_SC_DATA_SIZE];
    uint64_t args[6];
    int i;
    for (i = 0; i < 6; i++)
        args[i] = ((uint64_t)v[(size_t)2 * i + 1] << 32) | v[(size_t)2 * i];
    for (i = 0; i < 2; i++)
        if (D->need_be[i])
            bpf_pack_data(data[i], i, nr, arch_data, ((uint64_t)v[SC_VW_IP + 1] << 32) | v[SC_VW_IP],
                          args);
    D->vectors++;
    return sc_diff_answer(D, &D->side[0], data);
}

/* One call: pushes its action, or K. */
static void sc_part_call(lua_State *L, sc_differ *D, uint32_t arch_data, int32_t nr, int is32)
{
    int lost, capped_cells, w, words[SC_DIFF_WORDS], any_capped = 0;
    unsigned capped;
    size_t nt = sc_diff_walk(D, arch_data, nr, 0, &lost, &capped), nw = 0, i;
    size_t idx[SC_DIFF_WORDS];
    uint32_t v[SC_DIFF_WORDS];
    uint64_t product = 1;
    uint32_t shown = arch_data == SCMP_ARCH_X86_64 && nr >= SC_X32_SYSCALL_BIT ? SCMP_ARCH_X32
                                                                                : arch_data;
    memset(v, 0, sizeof v);
    sc_diff_note_walk(D, lost, capped, shown, nr, -1);
    for (w = 0; w < SC_DIFF_WORDS; w++)
        if (!(is32 && (w & 1)) && sc_diff_word_tests(D, nt, w) > 0)
            break;
    if (w == SC_DIFF_WORDS && !lost) { /* no word tested: one answer */
        lua_pushinteger(L, (lua_Integer)sc_part_answer(D, arch_data, nr, v));
        return;
    }
    lua_createtable(L, 0, 5);
    lua_newtable(L); /* cells */
    for (w = 0; w < SC_DIFF_WORDS; w++) {
        size_t wt;
        if (is32 && (w & 1))
            continue; /* the kernel zero-extends a 32-bit task's arguments */
        wt = sc_diff_word_tests(D, nt, w);
        if (wt == 0)
            continue;
        D->nreps[w] = sc_part_word(L, D, D->wtests, wt, NULL, 0,
                                   D->reps + (size_t)w * SC_DIFF_MAXREPS, &capped_cells);
        if (D->nreps[w] == 0) { /* cannot be: every word has a cell */
            D->reps[(size_t)w * SC_DIFF_MAXREPS] = 0;
            D->nreps[w] = 1;
        }
        lua_rawseti(L, -2, w + 1);
        if (capped_cells) {
            sc_diff_note(D, SC_DN_CELLS, shown, nr, w, 0);
            any_capped = 1;
        }
        words[nw++] = w;
        if (product > D->budget / D->nreps[w])
            product = D->budget + 1;
        else
            product *= D->nreps[w];
    }
    lua_setfield(L, -2, "cells");
    lua_createtable(L, (int)nw, 0);
    for (i = 0; i < nw; i++)
        sc_part_seti(L, (lua_Integer)i + 1, words[i]);
    lua_setfield(L, -2, "words");
    if (lost) {
        lua_pushboolean(L, 1);
        lua_setfield(L, -2, "lost");
    }
    if (capped || any_capped || product > D->budget) {
        lua_pushboolean(L, 1);
        lua_setfield(L, -2, "capped");
    }
    if (product > D->budget) {
        sc_diff_note(D, SC_DN_BUDGET, shown, nr, -1, product);
        return;
    }
    lua_createtable(L, (int)product, 0);
    memset(idx, 0, sizeof idx);
    for (i = 1;; i++) {
        size_t k;
        for (k = 0; k < nw; k++)
            v[words[k]] = D->reps[(size_t)words[k] * SC_DIFF_MAXREPS + idx[k]];
        sc_part_seti(L, (lua_Integer)i, sc_part_answer(D, arch_data, nr, v));
        for (k = 0; k < nw; k++) {
            if (++idx[k] < D->nreps[words[k]])
                break;
            idx[k] = 0;
        }
        if (k == nw)
            break;
    }
    lua_setfield(L, -2, "answers");
}

/* names = { [nr] = name } from the arch's table into the table at the top. */
static void sc_part_names(lua_State *L, uint32_t arch)
{
    const sc_nrtab *t = sc_arch_table(arch);
    size_t i;
    for (i = 0; t != NULL && i < t->n; i++) {
        lua_pushstring(L, t->name[i]);
        lua_rawseti(L, -2, t->nr[i]);
    }
}

/* mux = { [name] = { nr =, sub =, mask =, direct = } }: the calls the arch
 * also routes through socketcall or ipc (arg0 & mask == sub, mask the bits
 * the kernel dispatches on: sc_mux_callmask), where a rule on the name lands
 * too, as ledger.c places it (sc_rule_target); nothing where the arch
 * multiplexes nothing. */
static void sc_part_mux(lua_State *L, uint32_t arch)
{
    int n, ipc = seccomp_syscall_resolve_name_arch(arch, "ipc");
    if (seccomp_syscall_resolve_name_arch(arch, "socketcall") < 0 &&
        seccomp_syscall_resolve_name_arch(arch, "ipc") < 0)
        return;
    lua_newtable(L);
    /* libseccomp's pseudo numbers of the multiplexed calls */
    for (n = -101; n >= -299; n--) {
        sc_rule r;
        sc_target tg;
        char *s = seccomp_syscall_resolve_num_arch(arch, n);
        int ok;
        if (s == NULL)
            continue;
        memset(&r, 0, sizeof r);
        ok = strlen(s) < sizeof r.name && seccomp_syscall_resolve_name_arch(arch, s) == n;
        if (ok)
            memcpy(r.name, s, strlen(s) + 1);
        free(s); /* before anything can raise */
        if (!ok)
            continue;
        r.all_arches = 1;
        sc_rule_target(&r, arch, &tg);
        if (!tg.has_mux)
            continue;
        lua_createtable(L, 0, 4);
        lua_pushinteger(L, tg.mux);
        lua_setfield(L, -2, "nr");
        lua_pushinteger(L, (lua_Integer)tg.sub);
        lua_setfield(L, -2, "sub");
        lua_pushinteger(L, (lua_Integer)sc_mux_callmask(arch, tg.mux == ipc));
        lua_setfield(L, -2, "mask");
        if (tg.has_direct) {
            lua_pushinteger(L, tg.direct);
            lua_setfield(L, -2, "direct");
        }
        lua_setfield(L, -2, r.name);
    }
    lua_setfield(L, -2, "mux");
}

/* One arch value: pushes A's fields into the table at the top. */
static void sc_part_arch(lua_State *L, sc_differ *D, uint32_t arch_data)
{
    int is32 = (arch_data & 0x80000000u) == 0 && sc_arch_by_token(arch_data) != NULL;
    int lost, capped_cells;
    unsigned capped;
    size_t nt = sc_diff_walk(D, arch_data, 0, SC_VW_SYM_NR, &lost, &capped), np = 0, n, i;
    size_t wt = sc_diff_word_tests(D, nt, SC_VW_NR), tsize;
    sc_vtest *t = D->wtests;
    sc_diff_note_walk(D, lost, capped, arch_data, -1, SC_VW_NR);
    if (nt == 0 && !lost) { /* nothing but the arch is read: one answer */
        uint32_t v[SC_DIFF_WORDS];
        memset(v, 0, sizeof v);
        lua_pushinteger(L, (lua_Integer)sc_part_answer(D, arch_data, 0, v));
        lua_setfield(L, -2, "answer");
        return;
    }
    if (lost) {
        lua_pushboolean(L, 1);
        lua_setfield(L, -2, "lost");
    }
    if (sc_arch_by_token(arch_data) != NULL) {
        lua_newtable(L);
        sc_part_names(L, arch_data);
        if (arch_data == SCMP_ARCH_X86_64)
            sc_part_names(L, SCMP_ARCH_X32);
        lua_setfield(L, -2, "names");
        sc_part_mux(L, arch_data);
        np = sc_diff_add_table(D, np, arch_data);
        if (arch_data == SCMP_ARCH_X86_64)
            np = sc_diff_add_table(D, np, SCMP_ARCH_X32);
    }
    if (np < SC_DIFF_MAXNRS)
        D->nrs[np++] = 0xffffffffu; /* -1 */
    /* the cells of the number (its tests stay in D->wtests until the calls
     * below walk) */
    n = sc_part_word(L, D, t, wt, D->nrs, np, D->reps, &capped_cells);
    lua_setfield(L, -2, "nrword");
    if (capped_cells || np == SC_DIFF_MAXNRS)
        sc_diff_note(D, SC_DN_NRS, arch_data, -1, SC_VW_NR, 0);
    tsize = sc_part_index(D, t, wt, D->reps, n);
    /* the numbers: those above, and one of every cell holding none */
    {
        size_t before = np;
        memset(D->leaves, 0, n * sizeof *D->leaves);
        for (i = 0; i < before; i++)
            D->leaves[sc_part_cell(D, t, wt, D->reps, tsize, D->nrs[i])] = 1;
        for (i = 0; i < n && np < SC_DIFF_MAXNRS; i++)
            if (!D->leaves[i])
                D->nrs[np++] = D->reps[i];
    }
    qsort(D->nrs, np, sizeof *D->nrs, sc_u32_cmp);
    lua_createtable(L, 0, (int)np); /* cellof */
    for (i = 0; i < np; i++)
        if (i == 0 || D->nrs[i] != D->nrs[i - 1])
            sc_part_seti(L, (int32_t)D->nrs[i],
                         (lua_Integer)sc_part_cell(D, t, wt, D->reps, tsize, D->nrs[i]) + 1);
    lua_setfield(L, -2, "cellof");
    lua_createtable(L, 0, (int)np); /* calls */
    for (i = 0; i < np; i++) {
        if (i > 0 && D->nrs[i] == D->nrs[i - 1])
            continue;
        sc_part_call(L, D, arch_data, (int32_t)D->nrs[i], is32);
        lua_rawseti(L, -2, (int32_t)D->nrs[i]);
    }
    lua_setfield(L, -2, "calls");
}

/* Is x the arch value of an arch the module knows? */
static int sc_part_known_value(uint32_t x)
{
    size_t i;
    for (i = 0; i < SC_NARCHES; i++)
        if (sc_arches[i].token == x && sc_arches[i].token != SCMP_ARCH_X32)
            return 1;
    return 0;
}

/* A value of arch cell c no known arch holds, from its leaves: 1 and *out,
 * or 0 where every value of the cell is a known arch's. */
static int sc_part_foreign(const sc_differ *D, size_t nleaves, const uint32_t *cellof, size_t c,
                           uint32_t *out)
{
    size_t k;
    for (k = 0; k < nleaves; k++) {
        uint32_t F = D->leaf_fixed[k], V = D->leaf_value[k], i;
        if (cellof[k] != c)
            continue;
        /* the first 64 values of the leaf: the free bits filled from i */
        for (i = 0; i < 64; i++) {
            uint32_t x = V, bits = i, free_bits = ~F;
            while (free_bits != 0 && bits != 0) {
                uint32_t low = free_bits & (0u - free_bits);
                if (bits & 1u)
                    x |= low;
                bits >>= 1;
                free_bits &= free_bits - 1;
            }
            if (bits != 0)
                break; /* past the leaf's values */
            if (!sc_part_known_value(x)) {
                *out = x;
                return 1;
            }
        }
    }
    return 0;
}

static void sc_part_push_arch(lua_State *L, sc_differ *D, uint32_t data, size_t cell,
                              int foreign, lua_Integer *na)
{
    const struct sc_arch *a = foreign ? NULL : sc_arch_by_token(data);
    lua_createtable(L, 0, 8);
    lua_pushinteger(L, data);
    lua_setfield(L, -2, "data");
    if (a != NULL) {
        lua_pushstring(L, a->name);
        lua_setfield(L, -2, "name");
    }
    if (foreign) {
        lua_pushboolean(L, 1);
        lua_setfield(L, -2, "foreign");
    }
    lua_pushinteger(L, (lua_Integer)cell + 1);
    lua_setfield(L, -2, "cell");
    sc_part_arch(L, D, data);
    lua_rawseti(L, -2, ++*na);
}

/* The arch cells and every arch value explain needs; pushes archword and
 * arches into the table at the top. */
static void sc_part_core(lua_State *L, sc_differ *D)
{
    uint32_t prefer[SC_DIFF_MAXARCHES], foreign[SC_DIFF_MAXARCHES];
    uint32_t *cellof = D->nrs; /* the arch leaves' cells (free until the arches) */
    size_t known_cell[SC_DIFF_MAXARCHES], np = 0, n, i, c, nt, wt, tsize, nleaves, ncells;
    int lost, capped_cells, has[SC_DIFF_MAXARCHES];
    unsigned capped;
    lua_Integer na = 0;
    sc_vtest *t = D->wtests;
    for (i = 0; i < SC_NARCHES && np < SC_DIFF_MAXARCHES; i++)
        if (sc_arch_known(&sc_arches[i]) && sc_arches[i].token != SCMP_ARCH_X32)
            prefer[np++] = sc_arches[i].token;
    nt = sc_diff_walk(D, 0, 0, SC_VW_SYM_NR | SC_VW_SYM_ARCH, &lost, &capped);
    wt = sc_diff_word_tests(D, nt, SC_VW_ARCH);
    sc_diff_note_walk(D, lost, capped, 0, -1, SC_VW_ARCH);
    n = sc_part_word(L, D, t, wt, prefer, np, D->reps, &capped_cells);
    lua_setfield(L, -2, "archword");
    if (capped_cells)
        sc_diff_note(D, SC_DN_CELLS, 0, -1, SC_VW_ARCH, 0);
    nleaves = wt == 0 ? 1 : D->nleaves;
    if (nleaves > SC_DIFF_MAXNRS) { /* cannot be: a word has at most 2 * 32 * tests leaves */
        nleaves = SC_DIFF_MAXNRS;
        sc_diff_note(D, SC_DN_CELLS, 0, -1, SC_VW_ARCH, 0);
    }
    if (wt == 0) {
        D->leaf_fixed[0] = 0;
        D->leaf_value[0] = 0;
    }
    tsize = sc_part_index(D, t, wt, D->reps, n);
    for (i = 0; i < nleaves; i++)
        cellof[i] = (uint32_t)sc_part_cell(D, t, wt, D->reps, tsize, D->leaf_value[i]);
    ncells = n < SC_DIFF_MAXARCHES ? n : SC_DIFF_MAXARCHES;
    if (n > SC_DIFF_MAXARCHES)
        sc_diff_note(D, SC_DN_CELLS, 0, -1, SC_VW_ARCH, 0);
    /* everything about the arch word is found before the arches' walks
     * reuse the work area */
    for (c = 0; c < ncells; c++)
        has[c] = sc_part_foreign(D, nleaves, cellof, c, &foreign[c]);
    for (i = 0; i < np; i++)
        known_cell[i] = sc_part_cell(D, t, wt, D->reps, tsize, prefer[i]);
    lua_createtable(L, (int)(np + ncells), 0);
    for (c = 0; c < ncells; c++) {
        for (i = 0; i < np; i++) {
            size_t j;
            if (known_cell[i] != c)
                continue;
            for (j = 0; j < D->nwant && D->want[j] != prefer[i]; j++)
                ;
            if (D->nwant == 0 || j < D->nwant)
                sc_part_push_arch(L, D, prefer[i], c, 0, &na);
        }
        if (has[c])
            sc_part_push_arch(L, D, foreign[c], c, 1, &na);
    }
    lua_setfield(L, -2, "arches");
}

/* seccomp.core._private.partition(p [, opts]) -> P (above)
 * p: a filter, a BPF string or a list of them (a stack, oldest first);
 * opts = { arches =, endian =, budget = (vectors a call, default 2^16),
 * seed = } as for diff. */
static int l_partition(lua_State *L)
{
    sc_differ *D;
    int be;
    lua_settop(L, 2);
    luaL_checkstack(L, 32, NULL);
    D = sc_newuserdata(L, sizeof *D); /* slot 3 */
    memset(D, 0, sizeof *D);
    D->budget = SC_PART_BUDGET;
    be = sc_diff_options(L, 2, D);
    sc_diff_setup(L, D, 1, be, 1); /* slots 4 to 6 */
    D->exhaustive = 1;
    lua_createtable(L, 0, 6);
    lua_pushboolean(L, D->side[0].p[0].be);
    lua_setfield(L, -2, "big_endian");
    {
        /* the arches whose conditions compare low words only (verify.c) */
        size_t i;
        lua_newtable(L);
        for (i = 0; i < SC_NARCHES; i++)
            if (sc_arch_known(&sc_arches[i])) {
                lua_pushboolean(L, sc_tok_is32(sc_arches[i].token));
                lua_setfield(L, -2, sc_arches[i].name);
            }
        lua_setfield(L, -2, "low_words");
        lua_newtable(L);
        for (i = 0; i < SC_NARCHES; i++)
            if (sc_arch_known(&sc_arches[i]) && sc_sim_arch_big_endian(sc_arches[i].token)) {
                lua_pushboolean(L, 1);
                lua_setfield(L, -2, sc_arches[i].name);
            }
        lua_setfield(L, -2, "big_arches");
        lua_newtable(L);
        for (i = 0; i < SC_NARCHES; i++)
            if (sc_arch_known(&sc_arches[i])) {
                lua_pushstring(L, sc_arches[i].name);
                lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
            }
        lua_setfield(L, -2, "order");
    }
    sc_part_core(L, D);
    if (D->fault != NULL) /* cannot happen: every program passed bpf_check */
        return luaL_error(L, "partition: interpreter fault on a checked program: %s", D->fault);
    lua_pushboolean(L, D->exhaustive);
    lua_setfield(L, -2, "exhaustive");
    lua_pushinteger(L, (lua_Integer)D->vectors);
    lua_setfield(L, -2, "vectors");
    sc_diff_push_notes(L, D);
    lua_setfield(L, -2, "capped");
    return 1;
}
