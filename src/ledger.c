/*
 * ledger.c - the rule ledger: every rule of a filter as it was given, in
 * order.  libseccomp cannot list a filter's rules back; the module keeps
 * them so that it can check the program libseccomp generates against what
 * the rules say (verify.c), compile the rules itself (gen.c), replay them on
 * an arch added later, and list them (f:rules()).
 *
 * Plain C, no Lua: the code generator and its C tests and fuzz target use
 * these types without an interpreter.  The memory is malloc'd and owned by
 * the filter userdata; filter.c never holds it across a call that can raise
 * without the filter owning it.
 */
#include "plain.h"

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

/* Does rule r apply on the arch at index ai of sc_arches? */
SC_LEDGER_API int sc_rule_on_arch(const sc_rule *r, size_t ai)
{
    return r->all_arches || (ai < 64 && (r->arch_mask >> ai) & 1u);
}

/* ---- syscall numbers per arch ------------------------------------------------ */

/* The number ranges arches use for syscalls (libseccomp 2.5 cannot list an
 * arch's syscalls, so we scan these). */
static const struct {
    int lo, hi;
} sc_nr_ranges[] = {
    {0, 1023},                /* everyone */
    {4000, 4999},             /* mips o32 */
    {5000, 5999},             /* mips n64 */
    {6000, 6999},             /* mips n32 */
    {0x0f0000, 0x0f00ff},     /* arm private calls */
    {0x40000000, 0x400003ff}, /* x32 */
};

#define SC_NR_RANGES (sizeof sc_nr_ranges / sizeof sc_nr_ranges[0])

static sc_nrtab sc_nrtabs[48];
static size_t sc_nnrtabs;

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

/* The table of `arch`, or NULL (out of memory). */
SC_LEDGER_API const sc_nrtab *sc_arch_table(uint32_t arch)
{
    size_t i, r, n = 0, cap = 0;
    int nr, base;
    sc_nrtab *t;
    for (i = 0; i < sc_nnrtabs; i++)
        if (sc_nrtabs[i].arch == arch)
            return &sc_nrtabs[i];
    if (sc_nnrtabs == sizeof sc_nrtabs / sizeof sc_nrtabs[0])
        return NULL;
    t = &sc_nrtabs[sc_nnrtabs];
    memset(t, 0, sizeof *t);
    base = sc_arch_nr_base(arch);
    for (r = 0; r < SC_NR_RANGES; r++)
        for (nr = sc_nr_ranges[r].lo; nr <= sc_nr_ranges[r].hi; nr++) {
            char *s;
            if (nr < base)
                continue;
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
                    return NULL;
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
    sc_nnrtabs++;
    return t;
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

/* Free the syscall tables (when the module is unloaded: the state closes). */
SC_LEDGER_API void sc_arch_tables_free(void)
{
    size_t i;
    for (i = 0; i < sc_nnrtabs; i++) {
        free(sc_nrtabs[i].nr);
        free(sc_nrtabs[i].name);
    }
    sc_nnrtabs = 0;
}
