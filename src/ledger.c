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
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define SC_LEDGER_NAMELEN 48 /* longer than any syscall name libseccomp knows */

/* One rule, as given to add_rule/add_rule_exact. */
typedef struct {
    uint32_t action;
    /* The number handed to libseccomp: a native number, a pseudo number
     * (<= -10000: a call the native arch lacks or multiplexes), or -1 (tskip). */
    int sys;
    /* The syscall's name (resolved on the native arch when the rule gave a
     * number); "" when the number has no name anywhere. Per-arch numbers come
     * from resolving this name on each arch. */
    char name[SC_LEDGER_NAMELEN];
    unsigned char by_number;  /* the rule named its syscall by number */
    unsigned char exact;      /* add_rule_exact */
    unsigned char held_back;  /* never handed to libseccomp (it would hang on it) */
    unsigned char nconds;     /* 0..6 */
    struct scmp_arg_cmp conds[6];
    /* Which arches the rule applies to.  all_arches: every arch the filter
     * has, whenever added (rules added to this filter); otherwise exactly
     * the arches in arch_mask (bit i = sc_arches[i]), for rules that came in
     * through merge and keep their source filter's arches. */
    unsigned char all_arches;
    uint64_t arch_mask;
    int origin;               /* > 0: index in the filter's origin table (policy location) */
} sc_rule;

typedef struct {
    sc_rule *v;
    size_t n, cap;
} sc_ledger;

/* Make room for `more` rules; 0, or -1 (out of memory, ledger unchanged). */
static int sc_ledger_reserve(sc_ledger *l, size_t more)
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
static int sc_ledger_push(sc_ledger *l, const sc_rule *r)
{
    if (sc_ledger_reserve(l, 1) != 0)
        return -1;
    l->v[l->n++] = *r;
    return 0;
}

/* A rule for every arch of the filter, its name resolved on the native arch. */
static void sc_rule_init(sc_rule *r, uint32_t action, int sys, int by_number, int exact,
                         unsigned nconds, const struct scmp_arg_cmp *conds)
{
    char *s;
    memset(r, 0, sizeof *r);
    r->action = action;
    r->sys = sys;
    r->by_number = (unsigned char)(by_number != 0);
    r->exact = (unsigned char)(exact != 0);
    r->nconds = (unsigned char)nconds;
    memcpy(r->conds, conds, nconds * sizeof *conds);
    r->all_arches = 1;
    s = seccomp_syscall_resolve_num_arch(seccomp_arch_native(), sys);
    if (s != NULL) {
        if (strlen(s) < sizeof r->name)
            memcpy(r->name, s, strlen(s) + 1);
        free(s);
    }
}

static void sc_ledger_free(sc_ledger *l)
{
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
}

/* Does rule r apply on the arch at index ai of sc_arches? */
static int sc_rule_on_arch(const sc_rule *r, size_t ai)
{
    return r->all_arches || (ai < 64 && (r->arch_mask >> ai) & 1u);
}
