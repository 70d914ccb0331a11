/*
 * core.h - the core's internal header: what the parts of seccomp.core share.
 *
 * The core is one translation unit: src/module.c #includes the parts in
 * order, so every helper is static and luaopen_seccomp_core is the only
 * exported symbol.  Each part also #includes this header, so that it parses
 * on its own (an editor, ctags, clang-tidy: ci/parse-alone.sh, ci/tidy.sh):
 * here are the system headers, the types more than one part uses, and the
 * prototypes of the static functions a part calls in another.
 */
#ifndef SC_CORE_H
#define SC_CORE_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include "compat.h"
#include "kabi.h"
#include "plain.h"

/* A small helper on the notify loop's path (a request's checks and answer),
 * inlined at every call: gcc -O2 inlines them or not depending on the size
 * of the whole unit, and a call each costs the loop about 10% of its
 * instructions (bench/callgrind_notify.sh). */
#define SC_INLINE inline __attribute__((always_inline))

/* Lua raises with a longjmp: lua_error, luaL_error and luaL_argerror never
 * return, and neither do the core's helpers that end in them.  The headers do
 * not say so; the static analyser (ci/tidy.sh) must know, or it follows the
 * impossible path after every raise. */
#ifdef __clang_analyzer__
#define SC_RAISES __attribute__((noreturn))
int lua_error(lua_State *L) SC_RAISES;
int luaL_error(lua_State *L, const char *fmt, ...) SC_RAISES;
int luaL_argerror(lua_State *L, int arg, const char *extramsg) SC_RAISES;
int luaL_typeerror(lua_State *L, int arg, const char *tname) SC_RAISES;
#else
#define SC_RAISES
#endif

/* ---- types ---- */

/* userdata metatables and limits more than one part uses */
#define SC_FILTER_MT "seccomp.filter"
#define SC_NOTIFIER_MT "seccomp.notifier"
#define SC_REQUEST_MT "seccomp.request"
#define SC_CHILD_MT "seccomp.child"
#define SC_VERIFY_MT "seccomp.verify_area"
#define SC_MAX_ARGS 6
#define SC_MAX_ERRNO 4095
#define SC_VERIFY_BUDGET ((lua_Integer)1 << 20)

/* errors.c: an errno by name */
struct sc_errno_entry {
    const char *name;
    int value;
};
static const struct sc_errno_entry *sc_errnos_table(size_t *n);
/* names.c: an arch the module knows */
struct sc_arch {
    const char *name; /* libseccomp's name, also the ARCH_* suffix upper-cased */
    uint32_t token;
};

/* names.c: the arches the module knows, in one table (names.c, filter.c,
 * verify.c, program.c, notify.c, module.c read it).  An arch newer than
 * 2.3.1 is in it where the headers define its SCMP_ARCH_* macro (a gate,
 * forced off by -DSC_FORCE_OFF_ARCH_<NAME>: compat.h). */
static const struct sc_arch sc_arches[] = {
    {"x86", SCMP_ARCH_X86},
    {"x86_64", SCMP_ARCH_X86_64},
    {"x32", SCMP_ARCH_X32},
    {"arm", SCMP_ARCH_ARM},
    {"aarch64", SCMP_ARCH_AARCH64},
#if defined(SCMP_ARCH_LOONGARCH64) && !defined(SC_FORCE_OFF_ARCH_LOONGARCH64)
    {"loongarch64", SCMP_ARCH_LOONGARCH64},
#endif
#if defined(SCMP_ARCH_M68K) && !defined(SC_FORCE_OFF_ARCH_M68K)
    {"m68k", SCMP_ARCH_M68K},
#endif
    {"mips", SCMP_ARCH_MIPS},
    {"mips64", SCMP_ARCH_MIPS64},
    {"mips64n32", SCMP_ARCH_MIPS64N32},
    {"mipsel", SCMP_ARCH_MIPSEL},
    {"mipsel64", SCMP_ARCH_MIPSEL64},
    {"mipsel64n32", SCMP_ARCH_MIPSEL64N32},
#if defined(SCMP_ARCH_PPC) && !defined(SC_FORCE_OFF_ARCH_PPC)
    {"ppc", SCMP_ARCH_PPC},
#endif
#if defined(SCMP_ARCH_PPC64) && !defined(SC_FORCE_OFF_ARCH_PPC64)
    {"ppc64", SCMP_ARCH_PPC64},
#endif
#if defined(SCMP_ARCH_PPC64LE) && !defined(SC_FORCE_OFF_ARCH_PPC64LE)
    {"ppc64le", SCMP_ARCH_PPC64LE},
#endif
#if defined(SCMP_ARCH_S390) && !defined(SC_FORCE_OFF_ARCH_S390)
    {"s390", SCMP_ARCH_S390},
#endif
#if defined(SCMP_ARCH_S390X) && !defined(SC_FORCE_OFF_ARCH_S390X)
    {"s390x", SCMP_ARCH_S390X},
#endif
#if defined(SCMP_ARCH_PARISC) && !defined(SC_FORCE_OFF_ARCH_PARISC)
    {"parisc", SCMP_ARCH_PARISC},
#endif
#if defined(SCMP_ARCH_PARISC64) && !defined(SC_FORCE_OFF_ARCH_PARISC64)
    {"parisc64", SCMP_ARCH_PARISC64},
#endif
#if defined(SCMP_ARCH_RISCV64) && !defined(SC_FORCE_OFF_ARCH_RISCV64)
    {"riscv64", SCMP_ARCH_RISCV64},
#endif
#if defined(SCMP_ARCH_SH) && !defined(SC_FORCE_OFF_ARCH_SH)
    {"sh", SCMP_ARCH_SH},
#endif
#if defined(SCMP_ARCH_SHEB) && !defined(SC_FORCE_OFF_ARCH_SHEB)
    {"sheb", SCMP_ARCH_SHEB},
#endif
};

#define SC_NARCHES (sizeof(sc_arches) / sizeof(sc_arches[0]))

/* names.c: the compare operators */
static const struct {
    const char *sym, *name;
    enum scmp_compare op;
} sc_ops[] = {
    {"!=", "ne", SCMP_CMP_NE}, {"<", "lt", SCMP_CMP_LT},  {"<=", "le", SCMP_CMP_LE},
    {"==", "eq", SCMP_CMP_EQ}, {">=", "ge", SCMP_CMP_GE}, {">", "gt", SCMP_CMP_GT},
    {"&=", "masked_eq", SCMP_CMP_MASKED_EQ},
};

#define SC_NOPS (sizeof(sc_ops) / sizeof(sc_ops[0]))

/* features.c: an optional feature and what it needs */
struct sc_feature {
    const char *name;
    int compiled;       /* did the headers we were built against have it */
    int ver;            /* libseccomp version, SC_VER() */
    unsigned api;       /* minimum API level, 0 = none needed */
    int kernel;         /* minimum kernel, SC_VER(), 0 = none needed */
};

/* filter.c: the filter userdata */
enum { SC_COMPILER_LIBSECCOMP, SC_COMPILER_BINDING, SC_COMPILER_AUTO };
static const char *const sc_compiler_names[] = {"libseccomp", "binding", "auto", NULL};

/* the `verify` attribute: false, true, "sample" (a sampled check is accepted) */
enum { SC_VERIFY_OFF, SC_VERIFY_ON, SC_VERIFY_SAMPLE };

#define SC_TX_MAX 32 /* nested transactions */

/* The `unknown` attribute: what a syscall number no rule names gets */
enum { SC_UNKNOWN_DEFAULT, SC_UNKNOWN_ENOSYS, SC_UNKNOWN_RUNC };
#define SC_STUB_MAX 16 /* arches of runc's ENOSYS stub (stub.c) */
struct sc_tx; /* filter.c: what a transaction restores when it is rejected */

typedef struct {
    /* libseccomp's context: derived from the ledger and the setup (filter.c);
     * NULL once released.  ctx_stale: a failed call may have left it out of
     * step with them, and it is rebuilt before any further use. */
    scmp_filter_ctx ctx;
    int ctx_stale;
    sc_setup setup;   /* default action, arches, attributes, priorities (ledger.c) */
    unsigned long gen; /* bumped by every change, so caches can tell they are stale */
    /* Data derived from the filter (the simulator's decoded program), owned
     * by the filter and valid while cache_gen == gen. */
    void *cache;
    void (*cache_free)(void *);
    unsigned long cache_gen;
    sc_ledger ledger; /* every rule as given (ledger.c) */
    int verify;       /* the module's `verify` attribute: SC_VERIFY_* (default on) */
    int compiler;     /* the `compiler` attribute: SC_COMPILER_* */
    int widen;        /* `widen_multiplexed`: accept libseccomp's widening of socketcall/ipc */
    int unknown;      /* `unknown`: SC_UNKNOWN_DEFAULT, _ENOSYS (gen.c's) or _RUNC (stub.c's stub) */
    size_t nstub;     /* unknown = "runc": the stub's arches and the highest number named on each */
    uint32_t stub_arch[SC_STUB_MAX];
    uint32_t stub_max[SC_STUB_MAX];
    int listener;     /* the listener fd load got for this filter, -1 */
    size_t tx_depth;  /* open transactions; tx[i] is what rejecting the i-th restores */
    struct sc_tx *tx; /* SC_TX_MAX of them, allocated by the first one */
    unsigned long tx_serial;
    lua_Integer tx_notes[SC_TX_MAX]; /* and how many notes (notes.c) there were at each start */
    int closed;       /* released by __close (a <close> variable's scope ended) */
} sc_filter;

/* simulate.c: a decoded program and its memo */
#define SC_SIM_NAMES 64             /* name memo slots (a power of 2) */

#define SC_SIM_NAMELEN 48           /* longest name memoized, NUL included */

#define SC_SIM_ARCHLEN 32           /* longest arch string memoized */

/* One remembered name -> number resolution on an arch.  The slot is chosen
 * from the Lua string's address (strings used in a loop keep theirs); the
 * name itself is compared, so another string at that address is a miss. */
typedef struct {
    uint32_t arch;
    int nr;
    size_t len;
    char name[SC_SIM_NAMELEN];
} sc_sim_name;

typedef struct {
    /* the last arch argument and its token (kind: 0, LUA_TNUMBER or LUA_TSTRING) */
    int arch_kind;
    lua_Integer arch_num;
    size_t arch_len;
    char arch_str[SC_SIM_ARCHLEN];
    uint32_t arch_token;
    sc_sim_name names[SC_SIM_NAMES];
} sc_sim_memo;

/* A decoded, checked program.  For f:simulate it is malloc'd and owned by
 * the filter (its cache); for simulate_bpf it lives in a Lua userdata. */
typedef struct {
    int big_endian;
    int listener;      /* some return is SECCOMP_RET_USER_NOTIF */
    int verified;      /* verify found it right (program.c) */
    int compiler_used; /* SC_COMPILER_LIBSECCOMP or SC_COMPILER_BINDING */
    size_t n;
    struct bpf_accel *accel; /* in the same block, after prog */
    sc_sim_memo memo;
    struct sock_filter prog[]; /* n instructions */
} sc_sim_prog;

/* notify.c: the notifier and request userdata */
#define SC_RECENT 64 /* answered ids a notifier remembers */

typedef struct sc_explain sc_explain; /* explain.c */

typedef struct {
    int fd;             /* our close-on-exec dup; -1 once closed */
    unsigned recent_next;         /* ring of the ids this notifier answered last, */
    uint64_t recent[SC_RECENT];   /* so respond() refuses a second answer itself */
    unsigned char recent_used[SC_RECENT];
    unsigned long raw_answers; /* answers sent by respond(id, ...): until one is, a
                                  request's own flag is its whole answered state */
    int has_continue;   /* the "notify_continue" feature, checked once */
    int has_addfd;      /* "notify_addfd" */
    int has_send;       /* kernel >= 5.14: SECCOMP_ADDFD_FLAG_SEND */
    int sync_wakeup;    /* SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP is set (as far as we know) */
    size_t recv_size;   /* the kernel's sizeof(struct seccomp_notif) */
    size_t resp_size;   /* ... and sizeof(struct seccomp_notif_resp) */
    uint64_t *recv_buf; /* both point into this userdata, after the struct */
    uint64_t *resp_buf;
    int mem_fd;         /* /proc/PID/mem of request mem_id's target, checked; -1: none */
    uint64_t mem_id;
    sc_explain *explain; /* spawn's explain record (its user value), or NULL */
} sc_notifier;

typedef struct {
    struct sc_notif n;  /* as received */
    void *owner;        /* its notifier, the user value (compared with it by pointer) */
    int answered;       /* a response (or an addfd with SEND) went out */
} sc_request;

/* walk.c: what a program tests on the paths one call can take (the walker
 * under diff's partition; verify.c has its own, sc_vx_*: see walk.c) */
#define SC_VW_STATES 32 /* abstract accumulator states per walk */
enum { SC_VA_UNKNOWN, SC_VA_KNOWN, SC_VA_ARG };
/* The words of struct seccomp_data a test can read: 0..11 the arguments'
 * (arg * 2, + 1 for the high word), then the instruction pointer's, then
 * nr and arch (when the walk leaves them symbolic). */
enum { SC_VW_IP = 12, SC_VW_NR = 14, SC_VW_ARCH = 15, SC_VW_WORDS = 16 };
#define SC_VW_SYM_NR 1u   /* sc_vwalk.sym: loads of nr are symbolic */
#define SC_VW_SYM_ARCH 2u /* ... and of arch */
#define SC_VW_CAP_STATES 1u /* sc_vwalk.capped: a state fell back to UNKNOWN */
#define SC_VW_CAP_TESTS 2u  /* ... a test was not recorded (tests full) */

typedef struct {
    int kind;
    uint32_t v;    /* KNOWN: the value; ARG: the word (SC_VW_*, arg index * 2 + high) */
    uint32_t mask; /* ARG: the bits left by AND k */
} sc_vstate;

/* One test of a word: (word & mask) OP k, OP BPF_JEQ, BPF_JGT, BPF_JGE or
 * BPF_JSET ((word & mask & k) != 0). */
typedef struct {
    uint8_t word, op;
    uint32_t mask, k;
} sc_vtest;

typedef struct {
    /* the program and the walk's marks (n * SC_VW_STATES, one stamp a walk) */
    const struct sock_filter *prog;
    size_t n;
    int be;
    uint32_t *visit;
    uint32_t stamp;
    /* the call: nr and the arch as seccomp_data holds them */
    int32_t nr;
    uint32_t arch_data;
    sc_vstate st[SC_VW_STATES];
    int nst;
    /* the output: every test with its mask, nr and arch symbolic as `sym`
     * says, the instruction pointer's words tested */
    unsigned sym;
    sc_vtest *tests;
    size_t ntests, captests;
    int lost;        /* a branch or a return the tests do not describe */
    unsigned capped; /* SC_VW_CAP_*: something was dropped */
} sc_vwalk;

/* diff.c: the differ, its bounds and its work area (partition.c walks
 * programs with it too) */
#define SC_DIFF_MAXCELLS 64      /* cells kept in a report */
#define SC_DIFF_MAXTESTS 4096    /* tests recorded for one call (all programs) */
#define SC_DIFF_MAXREPS 2048     /* cells of one word */
#define SC_DIFF_HASH 4096        /* the cell table (a power of 2, > 2 * SC_DIFF_MAXREPS) */
#define SC_DIFF_MAXLEAVES 65536  /* values the bit search may visit for one word */
#define SC_DIFF_MAXNRS 8192      /* numbers checked on one arch */
#define SC_DIFF_MAXARCHES 64     /* arch cells */
#define SC_DIFF_SAMPLE 65536     /* random vectors for a call over the budget */
#define SC_DIFF_WORDS (SC_VW_IP + 2) /* the words that vary within a call */

/* One program of a side. */
typedef struct {
    const struct sock_filter *prog;
    size_t n;
    const struct bpf_accel *accel;
    int be;
    uint32_t *visit; /* n * SC_VW_STATES walk marks */
    uint32_t stamp;
} sc_dprog;

typedef struct {
    sc_dprog *p; /* oldest first */
    size_t n;
} sc_dside;

typedef struct {
    int32_t nr;
    uint32_t arch; /* the arch shown: x32 for x32 numbers */
    uint64_t args[6], ip;
    uint32_t a, b;
} sc_dcell;

/* What made a report less than exhaustive: per kind, how many calls and
 * the first one. */
enum { SC_DN_BUDGET, SC_DN_LOST, SC_DN_STATES, SC_DN_TESTS, SC_DN_CELLS, SC_DN_NRS, SC_DN_N };

typedef struct {
    uint64_t count;
    uint32_t arch;
    int32_t nr;
    int word;        /* SC_DN_CELLS: the word; -1 none */
    uint64_t detail; /* SC_DN_BUDGET: the vectors the call's product has */
} sc_dnote;

typedef struct {
    sc_dside side[2];
    int need_be[2];        /* a program reads data in this byte order */
    uint64_t budget, seed;
    /* the arches to check (opts.arches), else found from the programs */
    uint32_t want[SC_DIFF_MAXARCHES];
    size_t nwant;
    /* scratch */
    sc_vtest *tests;       /* SC_DIFF_MAXTESTS: one call's tests */
    sc_vtest *wtests;      /* SC_DIFF_MAXTESTS: one word's */
    uint32_t *dfsidx;      /* 34 * SC_DIFF_MAXTESTS: the bit search's undecided tests */
    uint32_t *leaves;      /* SC_DIFF_MAXLEAVES */
    uint64_t *hkey;        /* SC_DIFF_HASH: the cell table */
    uint32_t *hval;
    uint32_t *reps;        /* SC_DIFF_WORDS * SC_DIFF_MAXREPS: each word's cells */
    size_t nreps[SC_DIFF_WORDS];
    uint32_t *nrs;         /* SC_DIFF_MAXNRS */
    size_t nleaves;
    int leaves_capped;
    /* where not NULL (partition.c), each leaf of the bit search as the bits
     * it fixes and their values: the leaves are the cells' building blocks */
    uint32_t *leaf_fixed;  /* SC_DIFF_MAXLEAVES */
    uint32_t *leaf_value;  /* SC_DIFF_MAXLEAVES */
    /* outputs */
    uint32_t arches[SC_DIFF_MAXARCHES];
    size_t narches;
    uint64_t vectors, total;
    int exhaustive;
    unsigned dir;          /* 1: a stricter somewhere, 2: b stricter, 4: incomparable */
    sc_dcell *cells;       /* SC_DIFF_MAXCELLS */
    size_t ncells;
    sc_dnote notes[SC_DN_N];
    const char *fault;
} sc_differ;

/* verify.c: a counterexample */
#define SC_CEX_FIRST 8 /* actions and rules a counterexample holds itself (the report has all) */
typedef struct {
    int nr;
    uint32_t arch;
    uint64_t args[6];
    uint32_t got;
    uint32_t expected[SC_CEX_FIRST]; /* the first of the actions the rules allow */
    int nexpected;                   /* how many there are */
    int rules[SC_CEX_FIRST];         /* the first ledger indices (0-based) of the rules that matched */
    int nrules;                      /* how many there are */
    int clamped;                     /* the expected action is a multiplexed path's, not widened */
    size_t pool;                     /* where the verifier keeps both whole lists */
} sc_cex;

/* verify.c: what a verification found */
typedef struct {
    size_t total;   /* wrong answers */
    int exhaustive; /* every cell was checked */
    sc_cex first;   /* the first wrong answer (when total > 0) */
} sc_vresult;

/* ---- prototypes: the static functions one part calls in another ---- */

/* errors.c */
static const char *sc_errno_name(int e);
static int sc_errno_value(const char *name);
static void sc_note_own_source(lua_State *L);
static void sc_push_error(lua_State *L, const char *op, int e, const char *message);
static int sc_raise(lua_State *L, const char *op, int e, const char *message) SC_RAISES;
static int sc_error_tostring(lua_State *L);
static const char *sc_repr(lua_State *L, int idx);
static int sc_argerror(lua_State *L, int arg, const char *msg) SC_RAISES;
static int sc_argerror_value(lua_State *L, int arg, const char *what) SC_RAISES;
static int sc_push_fail(lua_State *L, int e, const char *msg);
static int l_call(lua_State *L);
static lua_Integer sc_checkinteger(lua_State *L, int arg);
static lua_Integer sc_checkrange(lua_State *L, int arg, lua_Integer lo, lua_Integer hi);

/* util.c */
static int *sc_push_fdguard(lua_State *L);
static void sc_fdguard_close(int *p);
static void sc_run_hooks(lua_State *L);
static int sc_file_closed(const luaL_Stream *s);
static luaL_Stream *sc_testfile(lua_State *L, int arg);
static luaL_Stream *sc_checkfile(lua_State *L, int arg);
static void sc_new_type(lua_State *L, const char *tname, const luaL_Reg *meta, const luaL_Reg *methods, lua_CFunction index);
static int sc_index_method(lua_State *L);
static void *sc_testudata_at(lua_State *L, int idx, int mtidx, const char *tname);
static void *sc_checkudata_at(lua_State *L, int idx, int mtidx, const char *tname);
static void sc_add_methods(lua_State *L, const char *tname, const luaL_Reg *l);
static void sc_open_util(lua_State *L);

/* features.c */
static int sc_runtime_version(void);
static unsigned int sc_api_level(void);
static const struct sc_feature *sc_feature_find(const char *name);
static int sc_feature_check(lua_State *L, const struct sc_feature *f);
static void sc_require(lua_State *L, const char *op, const char *feature);
static int sc_has(lua_State *L, const char *feature);
static int l_supports(lua_State *L);
static int l_features(lua_State *L);

/* names.c */
static int sc_arch_known(const struct sc_arch *a);
static const struct sc_arch *sc_arch_by_token(uint32_t token);
static const char *sc_push_unknown_in(lua_State *L, int idx, const char *what, const void *table, size_t n, size_t stride, const char *const *hints);
static int sc_name_is(const char *name, const char *s);
static const char *sc_unknown_key(lua_State *L, int idx, const char *const *keys, const char *what, const char *intro);
static void sc_check_options(lua_State *L, int idx, int arg, const char *const *keys);
static int l_unknown_key(lua_State *L);
static int l_guess(lua_State *L);
static const char *sc_parse_arch(lua_State *L, int idx, uint32_t *out);
static const char *sc_arch_name(uint32_t token);
static const char *sc_parse_errno(lua_State *L, int idx, int allow_negative, int *out);
static int32_t sc_action_rank(uint32_t a);
static const char *sc_parse_action(lua_State *L, int idx, uint32_t *out);
static uint32_t sc_check_usable_action(lua_State *L, int arg);
static int sc_action_defaulted(lua_State *L, int idx);
static const char *sc_push_action_name(lua_State *L, uint32_t a);
static const char *sc_disasm_arch_name(uint32_t audit_arch);
static int sc_disasm_action_name(uint32_t k, char *buf, size_t n);
static const char *sc_parse_syscall(lua_State *L, int idx, int *out);
static int sc_syscall_name(uint32_t arch, int nr, char *buf, size_t n);
static const char *sc_push_unknown_syscall(lua_State *L, int idx);
static const char *sc_op_symbol(enum scmp_compare op);
static const char *sc_push_unknown_op(lua_State *L, int idx);
static const char *sc_op_name_guess(const char *s, char *buf, size_t n);
static const char *sc_parse_op(lua_State *L, int idx, enum scmp_compare *out);
static uint32_t sc_check_arch(lua_State *L, int arg);
static uint32_t sc_check_action(lua_State *L, int arg);
static int sc_check_syscall(lua_State *L, int arg);
static int sc_check_errno(lua_State *L, int arg, int allow_negative);

/* cond.c */
static const char *sc_parse_datum(lua_State *L, int idx, const char *what, scmp_datum_t *out);
static const char *sc_parse_cond(lua_State *L, int idx, struct scmp_arg_cmp *out);
static unsigned int sc_check_conds(lua_State *L, int first, int last, struct scmp_arg_cmp *conds);
static struct scmp_arg_cmp *sc_push_cond(lua_State *L, const struct scmp_arg_cmp *c);
static int l_arg(lua_State *L);
static int l_arg32(lua_State *L);
static void sc_open_cond(lua_State *L);

/* filter.c */
static sc_filter *sc_checkfilter(lua_State *L, int idx);
static void sc_filter_drop_cache(sc_filter *f);
static uint64_t sc_filter_arch_mask(sc_filter *f);
static int l_filter_new(lua_State *L);
static void sc_export_libseccomp_bpf(lua_State *L, sc_filter *f, const char *op);
static void sc_push_origin(lua_State *L, int fidx, const sc_rule *r);
static void sc_open_filter(lua_State *L);

/* notes.c */
static void sc_note_add(lua_State *L, int fidx, const char *kind, int msgidx, int originidx);
static void sc_note_defaulted(lua_State *L, int fidx, int aidx, const sc_rule *r, size_t i);
static void sc_notes_stamp(lua_State *L, int fidx, int originidx);
static void sc_notes_clear(lua_State *L, int fidx, int keep_default);
static void sc_notes_merge(lua_State *L, int fidx, int oidx);
static lua_Integer sc_notes_count(lua_State *L, int fidx);
static void sc_notes_truncate(lua_State *L, int fidx, lua_Integer n);
static int l_note(lua_State *L);
static void sc_open_notes(lua_State *L);

/* bpf.c */
struct bpf_accel;
static BPF_MAYBE_UNUSED void bpf_put32(unsigned char *p, int big_endian, uint32_t v);
static BPF_MAYBE_UNUSED const char *bpf_decode(const unsigned char *bytes, size_t len, int big_endian, struct sock_filter *out, size_t *n_out);
static BPF_MAYBE_UNUSED int bpf_check(const struct sock_filter *prog, size_t n, char *err, size_t errlen);
static BPF_MAYBE_UNUSED void bpf_pack_data(unsigned char out[BPF_SC_DATA_SIZE], int big_endian, int32_t nr, uint32_t arch, uint64_t ip, const uint64_t args[6]);
static BPF_MAYBE_UNUSED size_t bpf_accel_size(size_t n);
static BPF_MAYBE_UNUSED struct bpf_accel *bpf_accel_build(void *mem, const struct sock_filter *prog, size_t n);
static BPF_MAYBE_UNUSED uint32_t bpf_run_accel(const struct sock_filter *prog, size_t n, const struct bpf_accel *accel, const unsigned char data[BPF_SC_DATA_SIZE], int big_endian, const char **fault);
static BPF_MAYBE_UNUSED size_t bpf_jeq_next(const struct sock_filter *prog, const struct bpf_accel *accel, size_t pc, uint32_t A);
static BPF_MAYBE_UNUSED uint32_t bpf_run(const struct sock_filter *prog, size_t n, const unsigned char data[BPF_SC_DATA_SIZE], int big_endian, const char **fault);
static BPF_MAYBE_UNUSED void bpf_ret_name(uint32_t k, char *buf, size_t len);
static BPF_MAYBE_UNUSED void bpf_disasm_insn(const struct sock_filter *prog, size_t n, size_t pc, int big_endian, char *buf, size_t buflen);

/* gen.c */
static BPF_MAYBE_UNUSED const char *sc_gen(const struct sc_gen_in *in, struct sock_filter *out, size_t *n, char *err, size_t errlen);
static BPF_MAYBE_UNUSED int sc_gen_hang_risk(const sc_ledger *l, const sc_rule *r);

/* simulate.c */
static size_t sc_sim_prog_size(size_t n);
static void sc_sim_prog_free(void *p);
static int sc_sim_arch_big_endian(uint32_t token);
static const char *sc_sim_endian(lua_State *L, int idx, int *big_endian);
static const char *sc_sim_decode(sc_sim_prog *p, const char *bytes, size_t len, int big_endian, char *err, size_t errlen);
static size_t sc_sim_capacity(size_t len);
static void sc_open_simulate(lua_State *L);

/* walk.c */
static void sc_vw_run(sc_vwalk *w, size_t pc, int s);

/* verify.c */
static uint64_t sc_vrand(uint64_t *s);
static int l_varea_gc(lua_State *L);
static void sc_verify_push(lua_State *L, int fidx, sc_filter *f, sc_sim_prog *p, uint64_t budget, uint64_t seed, sc_vresult *res);
static void sc_shadow_list(lua_State *L, sc_filter *f);
static int sc_verify_raise(lua_State *L, int fidx, sc_filter *f, const char *op, const sc_cex *c, int binding);
static int sc_verify_raise_capped(lua_State *L, const char *op);
static const char *sc_push_call(lua_State *L, const sc_cex *c);

/* diff.c */
static void sc_diff_note(sc_differ *D, int kind, uint32_t arch, int32_t nr, int word, uint64_t detail);
static uint64_t sc_cell_hash(const sc_vtest *t, size_t nt, uint32_t x);
static size_t sc_cell_slot(const sc_differ *D, const sc_vtest *t, size_t nt, const uint32_t *out, size_t tsize, uint64_t h, uint32_t x);
static int sc_u32_cmp(const void *a, const void *b);
static size_t sc_word_cells(sc_differ *D, const sc_vtest *t, size_t nt, const uint32_t *prefer, size_t np, uint32_t *out, int *capped);
static uint32_t sc_diff_answer(sc_differ *D, const sc_dside *s, unsigned char data[2][BPF_SC_DATA_SIZE]);
static size_t sc_diff_walk(sc_differ *D, uint32_t arch_data, int32_t nr, unsigned sym, int *lost, unsigned *capped);
static size_t sc_diff_word_tests(sc_differ *D, size_t nt, int word);
static void sc_diff_note_walk(sc_differ *D, int lost, unsigned capped, uint32_t shown, int32_t nr, int word);
static size_t sc_diff_add_table(sc_differ *D, size_t n, uint32_t arch);
static void sc_diff_push_notes(lua_State *L, const sc_differ *D);
static int sc_diff_options(lua_State *L, int idx, sc_differ *D);
static void sc_diff_setup(lua_State *L, sc_differ *D, int nsides, int be, int leaves);
static void sc_open_diff(lua_State *L);

/* partition.c */
static int l_partition(lua_State *L);
/* stub.c */
static int sc_stub_enosys(const sc_filter *f, uint32_t audit_arch, uint32_t nr);
static void sc_push_stubbed(lua_State *L, const sc_filter *f, const char *bytes, size_t len, int big_endian);
static void sc_push_stub_comment(lua_State *L, const sc_filter *f);
static int l_runc_stub(lua_State *L);

/* program.c */
static sc_sim_prog *sc_filter_program(lua_State *L, int fidx, sc_filter *f, const char *op);
static sc_sim_prog *sc_filter_checked_program(lua_State *L, int fidx, sc_filter *f, const char *op);
static const char *sc_compiler_used(lua_State *L, int fidx, sc_filter *f);
static unsigned int sc_filter_flags(lua_State *L, sc_filter *f, int listener, int tsync, const char *op);
static int sc_install(const struct sock_fprog *prog, unsigned int flags);
static void sc_open_program(lua_State *L);
static int sc_ledger_held_back(const sc_filter *f);

/* notify.c */
static sc_notifier *sc_notifier_new(lua_State *L, const char *op);
static void sc_notifier_close(sc_notifier *n);
static sc_notifier *sc_checknotifier(lua_State *L, int idx);
static int sc_recv_raw(lua_State *L, sc_notifier *n);
static int sc_recv_one(lua_State *L, int nidx, sc_notifier *n, int mtidx);
static void sc_push_request(lua_State *L, int nidx, sc_notifier *n, const struct sc_notif *msg, int mtidx);
static int sc_send(lua_State *L, sc_notifier *n, uint64_t id, int64_t val, int err, uint32_t flags);
static int sc_send_ioctl(sc_notifier *n, uint64_t id, int64_t val, int err, uint32_t flags);
static int sc_send_failed(lua_State *L, uint64_t id, int e);
static int sc_id_check(const sc_notifier *n, uint64_t id);
static void sc_notifier_adopt(sc_notifier *n, int fd, int own);
static int sc_request_answered(sc_request *r, const sc_notifier *n);
static int sc_request_send(lua_State *L, sc_request *r, sc_notifier *n, int64_t val, int err, uint32_t flags);
static int sc_addfd_ioctl(sc_request *r, sc_notifier *n, struct sc_notif_addfd *a, int src);
static int sc_request_name(const sc_request *r, char *buf, size_t len);
static void sc_open_notify(lua_State *L);

/* explain.c */
static sc_explain *sc_explain_new(lua_State *L, int fidx, sc_filter *f, const sc_sim_prog *p);
static struct sock_filter *sc_explain_program(sc_explain *e, int killable_wait);
static void sc_explain_started(sc_explain *e, pid_t child);
static int sc_explain_take(sc_notifier *n, const struct sc_notif *m);
static void sc_explain_push(lua_State *L, int eidx);
static int sc_explain_stood_in(lua_State *L, int eidx, pid_t pid);

/* spawn.c */
static void sc_open_spawn(lua_State *L);

/* inspect.c */
static void sc_open_inspect(lua_State *L);

/* serve.c */
static void sc_open_serve(lua_State *L);

#endif /* SC_CORE_H */
