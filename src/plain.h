/*
 * plain.h - the types and prototypes of the core's plain-C parts (no Lua):
 * the rule ledger (ledger.c), the classic-BPF engine (bpf.c) and the code
 * generator (gen.c).  The C tests and fuzz targets in fuzz/ build these
 * parts without an interpreter; src/core.h includes this file for the rest.
 *
 * Every function is static (the core is one translation unit, src/module.c):
 * the prototypes here only let each part parse on its own.
 */
#ifndef SC_PLAIN_H
#define SC_PLAIN_H

#include <stddef.h>
#include <stdint.h>
#include <linux/filter.h>
#include <seccomp.h>
#include "kabi.h"

#if defined(__GNUC__) || defined(__clang__)
#define SC_LEDGER_API __attribute__((unused)) static /* not every includer uses all */
#else
#define SC_LEDGER_API static
#endif

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

/* The rest of what a filter is, next to its rules: the default action, the
 * arches in the order they were added, libseccomp's attributes and the
 * syscall priorities.  With the ledger it is the whole filter: libseccomp's
 * context is built from the two (filter.c), never read back. */
#define SC_SETUP_MAXARCH 64
#define SC_SETUP_NATTR 32 /* room for every enum scmp_filter_attr value */

typedef struct {
    int sys;
    uint8_t priority;
    uint64_t arch_mask; /* the arches it was set on (bit i = sc_arches[i]), as libseccomp keeps it */
} sc_prio;

typedef struct {
    uint32_t def_action;
    size_t narches;
    uint32_t arches[SC_SETUP_MAXARCH]; /* SCMP_ARCH_* tokens, in the order added */
    uint32_t attr[SC_SETUP_NATTR];     /* libseccomp's attributes, by enum scmp_filter_attr */
    uint32_t fresh[SC_SETUP_NATTR];    /* ... and their values in a new context */
    uint32_t attr_known;               /* bit a: attr[a] and fresh[a] hold values */
    sc_prio *prio;                     /* set_priority calls, in order */
    size_t nprio, capprio;
} sc_setup;

/* An arch's syscall table: every number the kernel sees for a direct call,
 * ascending, with its name.  Built once per arch by scanning (a few ms) and
 * kept for the life of the process. */
typedef struct {
    uint32_t arch;
    size_t n;
    int *nr;
    char (*name)[SC_LEDGER_NAMELEN];
} sc_nrtab;

/* Where a rule lands on one arch: the direct call, and the multiplexed
 * path (socketcall or ipc with its call number in arg0) where the arch
 * routes the call through one. */
typedef struct {
    int has_direct, direct;
    int has_mux, mux;
    uint32_t sub;
} sc_target;

/* One condition as the one meaning's order sees it on one arch (meaning.c):
 * normalized to the arch's width; a multiplexer's call number compared on
 * the bits the kernel dispatches on. */
typedef struct {
    unsigned char arg, op;  /* op: SCMP_CMP_* */
    uint64_t datum;         /* of a masked test: value & mask */
    uint64_t mask;          /* of a masked test: its mask; else the arch's width */
    uint64_t vmask;         /* the bits of the argument compared */
} sc_mcond;

/* One rule on one syscall number of one arch (meaning.c). */
typedef struct {
    int32_t nr;
    int rule;                  /* ledger index */
    uint32_t action;           /* what the call gets when this instance decides */
    uint32_t raction;          /* the rule's own action */
    int clamp_rule;            /* the rule whose action `action` is (-1: the default) */
    uint32_t sub;              /* mux: the call's number on the multiplexer */
    unsigned char mux;         /* reached through socketcall or ipc */
    unsigned char clamped;     /* mux, not widened: `action` stands for every rule of the call */
    unsigned char uncond_rule; /* the rule has no condition on this arch */
    unsigned char n;           /* conditions, in ascending argument order */
    sc_mcond c[6];
    int place[6];              /* the order's tie-break at each condition */
} sc_minst;

struct sc_gen_in {
    const sc_ledger *ledger;
    size_t narches;
    const uint32_t *arches;      /* the filter's arch tokens (SCMP_ARCH_*), in the order to test them */
    const size_t *arch_index;    /* for each, its index in sc_arches (for sc_rule_on_arch) */
    uint32_t def_action, badarch_action;
    int widen_multiplexed;       /* 1: accept libseccomp's widening on socketcall/ipc paths */
    int unknown_enosys;          /* 1: numbers above the highest one the rules name (per arch) get ERRNO(ENOSYS) */
};

/* ledger.c */
SC_LEDGER_API int sc_ledger_reserve(sc_ledger *l, size_t more);
SC_LEDGER_API int sc_ledger_push(sc_ledger *l, const sc_rule *r);
SC_LEDGER_API void sc_rule_init(sc_rule *r, uint32_t action, int sys, int by_number, int exact, unsigned int nconds, const struct scmp_arg_cmp *conds);
SC_LEDGER_API void sc_ledger_free(sc_ledger *l);
SC_LEDGER_API int sc_rule_on_arch(const sc_rule *r, size_t ai);
SC_LEDGER_API const sc_nrtab *sc_arch_table(uint32_t arch);
SC_LEDGER_API int sc_syscall_on_arch(uint32_t arch, const char *name);
SC_LEDGER_API void sc_rule_target(const sc_rule *r, uint32_t arch, sc_target *t);
SC_LEDGER_API int sc_ledger_copy(sc_ledger *dst, const sc_ledger *src);
SC_LEDGER_API int sc_setup_has_arch(const sc_setup *s, uint32_t arch);
SC_LEDGER_API int sc_setup_add_arch(sc_setup *s, uint32_t arch);
SC_LEDGER_API int sc_setup_remove_arch(sc_setup *s, uint32_t arch);
SC_LEDGER_API int sc_setup_reserve_prio(sc_setup *s, size_t more);
SC_LEDGER_API int sc_setup_push_prio(sc_setup *s, int sys, uint8_t priority, uint64_t arch_mask);
SC_LEDGER_API int sc_setup_copy(sc_setup *dst, const sc_setup *src);
SC_LEDGER_API void sc_setup_free(sc_setup *s);
SC_LEDGER_API void sc_arch_tables_hold(void);
SC_LEDGER_API void sc_arch_tables_release(void);

/* meaning.c */
SC_LEDGER_API int32_t sc_action_rank(uint32_t a);
SC_LEDGER_API int sc_tok_is32(uint32_t tok);
SC_LEDGER_API void sc_minst_direct(sc_minst *x, const sc_rule *r, int rule, int32_t nr, int is32);
SC_LEDGER_API void sc_minst_mux(sc_minst *x, const sc_rule *r, int rule, int32_t nr, int is32, uint32_t sub,
                                uint32_t submask, int widen);
SC_LEDGER_API size_t sc_mcollect(const sc_rule *rules, size_t n, size_t ai, uint32_t tok, int32_t nr, int widen,
                                 sc_minst *out);
SC_LEDGER_API size_t sc_morder(sc_minst *v, size_t n, uint32_t def, int widen);
SC_LEDGER_API int sc_mholds(const sc_minst *x, const uint64_t args[6]);
SC_LEDGER_API long sc_mdecide(const sc_minst *v, size_t nlive, const uint64_t args[6]);
SC_LEDGER_API int sc_mrefuses(const sc_minst *e, size_t n, const sc_minst *x);

/* gen.c */
SC_LEDGER_API uint32_t sc_mux_callmask(uint32_t arch, int ipc);

#endif /* SC_PLAIN_H */
