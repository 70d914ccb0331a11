/*
 * ledger.c - the rule ledger: every rule of a filter as it was given, in
 * order.  libseccomp cannot list a filter's rules back; the module keeps
 * them so that it can check the program libseccomp generates against what
 * the rules say (verify.c), compile the rules itself (gen.c), replay them on
 * an arch added later, and list them (f:rules()).
 *
 * Plain C, no Lua: the code generator and its C tests and fuzz target use
 * these types without an interpreter.  Next to the rules, the setup holds
 * the rest of the filter (default action, arches, attributes, priorities);
 * filter.c builds libseccomp's context from the two.  The memory is malloc'd and owned by
 * the filter userdata; filter.c never holds it across a call that can raise
 * without the filter owning it.
 */
#include "plain.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

/* Make room for `more` rules; 0, or -1 (out of memory, ledger unchanged). */
SC_LEDGER_API int sc_ledger_reserve(sc_ledger *l, size_t more)
{
    size_t cap = l->cap ? l->cap : 16;
    sc_rule *v;
    if (l->n + more <= l->cap)
        return 0;
    while (cap < l->n + more)
        cap *= 2;
    v = realloc(l->v, cap * sizeof *v);
    if (v == NULL)
        return -1;
    l->v = v;
    l->cap = cap;
    return 0;
}

/* Append a copy of r; 0, or -1 (out of memory, ledger unchanged). */
SC_LEDGER_API int sc_ledger_push(sc_ledger *l, const sc_rule *r)
{
    if (sc_ledger_reserve(l, 1) != 0)
        return -1;
    l->v[l->n++] = *r;
    return 0;
}

/* A rule for every arch of the filter, its name resolved on the native arch. */
SC_LEDGER_API void sc_rule_init(sc_rule *r, uint32_t action, int sys, int by_number, int exact,
                         unsigned nconds, const struct scmp_arg_cmp *conds)
{
    char *s;
    memset(r, 0, sizeof *r);
    r->action = action;
    r->sys = sys;
    r->by_number = (unsigned char)(by_number != 0);
    r->exact = (unsigned char)(exact != 0);
    r->nconds = (unsigned char)nconds;
    if (nconds > 0)
        memcpy(r->conds, conds, nconds * sizeof *conds);
    r->all_arches = 1;
    s = seccomp_syscall_resolve_num_arch(seccomp_arch_native(), sys);
    if (s != NULL) {
        if (strlen(s) < sizeof r->name)
            memcpy(r->name, s, strlen(s) + 1);
        free(s);
    }
}

SC_LEDGER_API void sc_ledger_free(sc_ledger *l)
{
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
}

/* dst = a copy of src (dst's old contents are not freed); 0, or -1 (out of
 * memory, dst untouched). */
SC_LEDGER_API int sc_ledger_copy(sc_ledger *dst, const sc_ledger *src)
{
    sc_rule *v = NULL;
    if (src->n > 0 && (v = malloc(src->n * sizeof *v)) == NULL)
        return -1;
    if (src->n > 0)
        memcpy(v, src->v, src->n * sizeof *v);
    dst->v = v;
    dst->n = dst->cap = src->n;
    return 0;
}

/* ---- the setup: arches, attributes, priorities ------------------------------- */

SC_LEDGER_API int sc_setup_has_arch(const sc_setup *s, uint32_t arch)
{
    size_t i;
    for (i = 0; i < s->narches; i++)
        if (s->arches[i] == arch)
            return 1;
    return 0;
}

/* 0, or -1 (already there, or no room: the caller checks the first) */
SC_LEDGER_API int sc_setup_add_arch(sc_setup *s, uint32_t arch)
{
    if (sc_setup_has_arch(s, arch) || s->narches == SC_SETUP_MAXARCH)
        return -1;
    s->arches[s->narches++] = arch;
    return 0;
}

/* 0, or -1 (not there); the others keep their order */
SC_LEDGER_API int sc_setup_remove_arch(sc_setup *s, uint32_t arch)
{
    size_t i;
    for (i = 0; i < s->narches; i++)
        if (s->arches[i] == arch) {
            memmove(&s->arches[i], &s->arches[i + 1], (s->narches - i - 1) * sizeof s->arches[0]);
            s->narches--;
            return 0;
        }
    return -1;
}

/* Make room for `more` priorities; 0, or -1 (out of memory, setup unchanged). */
SC_LEDGER_API int sc_setup_reserve_prio(sc_setup *s, size_t more)
{
    size_t cap = s->capprio ? s->capprio : 8;
    sc_prio *p;
    if (s->nprio + more <= s->capprio)
        return 0;
    while (cap < s->nprio + more)
        cap *= 2;
    p = realloc(s->prio, cap * sizeof *p);
    if (p == NULL)
        return -1;
    s->prio = p;
    s->capprio = cap;
    return 0;
}

/* Record a set_priority call; 0, or -1 (out of memory, setup unchanged). */
SC_LEDGER_API int sc_setup_push_prio(sc_setup *s, int sys, uint8_t priority, uint64_t arch_mask)
{
    if (sc_setup_reserve_prio(s, 1) != 0)
        return -1;
    s->prio[s->nprio].sys = sys;
    s->prio[s->nprio].priority = priority;
    s->prio[s->nprio].arch_mask = arch_mask;
    s->nprio++;
    return 0;
}

/* dst = a copy of src (dst's old contents are not freed); 0, or -1 (out of
 * memory, dst untouched). */
SC_LEDGER_API int sc_setup_copy(sc_setup *dst, const sc_setup *src)
{
    sc_prio *p = NULL;
    if (src->nprio > 0 && (p = malloc(src->nprio * sizeof *p)) == NULL)
        return -1;
    *dst = *src;
    if (src->nprio > 0)
        memcpy(p, src->prio, src->nprio * sizeof *p);
    dst->prio = p;
    dst->capprio = src->nprio;
    return 0;
}

SC_LEDGER_API void sc_setup_free(sc_setup *s)
{
    free(s->prio);
    s->prio = NULL;
    s->nprio = s->capprio = 0;
}

/* Does rule r apply on the arch at index ai of sc_arches? */
SC_LEDGER_API int sc_rule_on_arch(const sc_rule *r, size_t ai)
{
    return r->all_arches || (ai < 64 && (r->arch_mask >> ai) & 1u);
}

/* ---- syscall numbers per arch ------------------------------------------------ */

/* The number ranges arches use for syscalls (libseccomp 2.5 cannot list an
 * arch's syscalls, so we scan these), each with the base (sc_arch_nr_base)
 * of the arches whose numbers lie in it: an arch's table is the scan of its
 * base's ranges alone.  libseccomp resolves a number by a linear search of
 * its whole table, so the ranges an arch cannot use were most of the cost
 * of a process's first verify (spec/module_spec.lua checks every arch's
 * list against a scan of every range). */
static const struct {
    int lo, hi, base;
} sc_nr_ranges[] = {
    {0, 1023, 0},                           /* everyone else */
    {4000, 4999, 4000},                     /* mips o32 */
    {5000, 5999, 5000},                     /* mips n64 */
    {6000, 6999, 6000},                     /* mips n32 */
    {0x0f0000, 0x0f00ff, 0},                /* arm private calls */
    {0x40000000, 0x400003ff, 0x40000000},   /* x32 */
};

#define SC_NR_RANGES (sizeof sc_nr_ranges / sizeof sc_nr_ranges[0])

/* The tables are shared by every Lua state in the process, which may run on
 * several threads: they are built under sc_nrtab_lock, and published by
 * sc_nnrtabs (stored with release order once an entry is complete, so a
 * reader that loads it with acquire order sees whole entries without the
 * lock).  An entry never moves or changes once published; all are freed
 * when the last Lua state that holds them closes (sc_arch_tables_release),
 * when no reader can be left. */
static pthread_mutex_t sc_nrtab_lock = PTHREAD_MUTEX_INITIALIZER;
static sc_nrtab sc_nrtabs[48];
static size_t sc_nnrtabs;
static unsigned long sc_nrtab_users; /* under sc_nrtab_lock */

/* The lowest number of an arch's own range: mips o32/n64/n32 and x32 also
 * resolve the bare numbers 0..1023 to names, which the kernel never sees. */
SC_LEDGER_API int sc_arch_nr_base(uint32_t arch)
{
    int r = seccomp_syscall_resolve_name_arch(arch, "read");
    if (r >= 0x40000000)
        return 0x40000000;
    if (r >= 4000)
        return r / 1000 * 1000;
    return 0;
}

/* The published table of `arch`, or NULL. */
static const sc_nrtab *sc_arch_table_find(uint32_t arch)
{
    size_t i, n = __atomic_load_n(&sc_nnrtabs, __ATOMIC_ACQUIRE);
    for (i = 0; i < n; i++)
        if (sc_nrtabs[i].arch == arch)
            return &sc_nrtabs[i];
    return NULL;
}

/* Fill t with the table of `arch`; 0, or -1 (out of memory, t empty). */
static int sc_arch_table_build(uint32_t arch, sc_nrtab *t)
{
    size_t r, n = 0, cap = 0;
    int nr, base;
    memset(t, 0, sizeof *t);
    base = sc_arch_nr_base(arch);
    for (r = 0; r < SC_NR_RANGES; r++)
        for (nr = sc_nr_ranges[r].lo; nr <= sc_nr_ranges[r].hi; nr++) {
            char *s;
            if (sc_nr_ranges[r].base != base)
                break;
            s = seccomp_syscall_resolve_num_arch(arch, nr);
            if (s == NULL)
                continue;
            if (n == cap) {
                size_t c = cap ? cap * 2 : 512;
                int *a = realloc(t->nr, c * sizeof *a);
                char(*b)[SC_LEDGER_NAMELEN];
                if (a != NULL)
                    t->nr = a;
                b = a ? realloc(t->name, c * sizeof *b) : NULL;
                if (b == NULL) {
                    free(s);
                    free(t->nr);
                    free(t->name);
                    memset(t, 0, sizeof *t);
                    return -1;
                }
                t->name = b;
                cap = c;
            }
            t->nr[n] = nr;
            snprintf(t->name[n], SC_LEDGER_NAMELEN, "%s", s);
            free(s);
            n++;
        }
    t->arch = arch;
    t->n = n;
    return 0;
}

/* The table of `arch`, or NULL (out of memory).  Safe from any thread. */
SC_LEDGER_API const sc_nrtab *sc_arch_table(uint32_t arch)
{
    const sc_nrtab *found = sc_arch_table_find(arch);
    size_t n;
    if (found != NULL)
        return found;
    pthread_mutex_lock(&sc_nrtab_lock);
    found = sc_arch_table_find(arch); /* another thread may have built it meanwhile */
    n = __atomic_load_n(&sc_nnrtabs, __ATOMIC_RELAXED);
    if (found == NULL && n < sizeof sc_nrtabs / sizeof sc_nrtabs[0] &&
        sc_arch_table_build(arch, &sc_nrtabs[n]) == 0) {
        found = &sc_nrtabs[n];
        __atomic_store_n(&sc_nnrtabs, n + 1, __ATOMIC_RELEASE);
    }
    pthread_mutex_unlock(&sc_nrtab_lock);
    return found;
}

/* The number `name` has on `arch` as the kernel sees a direct call.  Where
 * the arch also multiplexes the call (x86 socket through socketcall),
 * libseccomp answers with a pseudo number; then the direct call's number is
 * found in the arch's table.  Negative when the arch lacks the call
 * (__NR_SCMP_ERROR when libseccomp does not know the name at all). */
SC_LEDGER_API int sc_syscall_on_arch(uint32_t arch, const char *name)
{
    int nr = seccomp_syscall_resolve_name_arch(arch, name);
    const sc_nrtab *t;
    size_t i;
    if (nr >= 0 || nr == __NR_SCMP_ERROR || (t = sc_arch_table(arch)) == NULL)
        return nr;
    for (i = 0; i < t->n; i++)
        if (strcmp(t->name[i], name) == 0)
            return t->nr[i];
    return nr;
}

SC_LEDGER_API void sc_rule_target(const sc_rule *r, uint32_t arch, sc_target *t)
{
    int nr;
    memset(t, 0, sizeof *t);
    if (r->name[0] == '\0') {
        /* a number with no name: libseccomp uses it as is on the native
         * arch and cannot translate it to another */
        if (r->sys == -1 || (r->sys >= 0 && arch == seccomp_arch_native())) {
            t->has_direct = 1;
            t->direct = r->sys;
        }
        return;
    }
    nr = seccomp_syscall_resolve_name_arch(arch, r->name);
    if (nr >= 0) {
        t->has_direct = 1;
        t->direct = nr;
        return;
    }
    if (nr <= -101 && nr >= -299) {
        int mux = seccomp_syscall_resolve_name_arch(arch, nr > -200 ? "socketcall" : "ipc");
        if (mux >= 0) {
            t->has_mux = 1;
            t->mux = mux;
            t->sub = (uint32_t)(nr > -200 ? -nr - 100 : -nr - 200);
        }
        nr = sc_syscall_on_arch(arch, r->name);
        if (nr >= 0) {
            t->has_direct = 1;
            t->direct = nr;
        }
    }
}

/* A Lua state starts using the tables (its module loads). */
SC_LEDGER_API void sc_arch_tables_hold(void)
{
    pthread_mutex_lock(&sc_nrtab_lock);
    sc_nrtab_users++;
    pthread_mutex_unlock(&sc_nrtab_lock);
}

/* A Lua state is done with them (it closes); the last one frees them. */
SC_LEDGER_API void sc_arch_tables_release(void)
{
    pthread_mutex_lock(&sc_nrtab_lock);
    if (sc_nrtab_users > 0 && --sc_nrtab_users == 0) {
        size_t i, n = __atomic_load_n(&sc_nnrtabs, __ATOMIC_RELAXED);
        __atomic_store_n(&sc_nnrtabs, 0, __ATOMIC_RELEASE);
        for (i = 0; i < n; i++) {
            free(sc_nrtabs[i].nr);
            free(sc_nrtabs[i].name);
            memset(&sc_nrtabs[i], 0, sizeof sc_nrtabs[i]);
        }
    }
    pthread_mutex_unlock(&sc_nrtab_lock);
}
