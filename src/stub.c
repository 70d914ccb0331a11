/*
 * stub.c - runc's ENOSYS stub: the filter attribute unknown = "runc".
 *
 * runc (libcontainer/seccomp/patchbpf, 1.1.5) puts a short program in
 * front of libseccomp's: for each arch the profile lists, a syscall number
 * above the highest one the profile names on that arch returns
 * errno(ENOSYS) before the filter runs, so that a program probing a call
 * newer than the profile falls back.  On x86_64 the x32 bit (0x40000000)
 * of the number chooses between the x86_64 and the x32 limits, a limit
 * that is not listed lets the number through to the filter (-1 included),
 * and on s390/s390x number 0 (the multiplexer of large numbers) returns
 * ENOSYS too.  The highest numbers are libseccomp's answers for the names
 * on each arch (seccomp_syscall_resolve_name_arch, negative answers
 * ignored), every name counted, the ones whose rules runc skipped as well.
 *
 * The stub is computed once, when seccomp.oci reads a profile
 * (core._private.runc_stub), and put before whichever program compiles the
 * rules (program.c): libseccomp's or the module's.  sc_stub_enosys answers
 * the same question for verify.c, from the same table.
 */
#include "core.h"

#define SC_STUB_X32_BIT 0x40000000u

/* The kernel's arch value for a libseccomp arch token (x32 calls report
 * AUDIT_ARCH_X86_64). */
static uint32_t sc_stub_audit(uint32_t token)
{
    return token == SCMP_ARCH_X32 ? SCMP_ARCH_X86_64 : token;
}

static int sc_stub_is_s390(uint32_t audit)
{
    return audit == SCMP_ARCH_S390 || audit == SCMP_ARCH_S390X;
}

/* The limits the stub has for one kernel arch: *max for the arch (on
 * x86_64: numbers without the x32 bit), *max32 for x32.  Returns which are
 * present (bit 0: max, bit 1: max32).  An arch removed from the filter
 * since has none: its calls get the bad-arch action. */
static int sc_stub_limits(const sc_filter *f, uint32_t audit, uint32_t *max, uint32_t *max32)
{
    size_t i;
    int have = 0;
    for (i = 0; i < f->nstub; i++) {
        if (sc_stub_audit(f->stub_arch[i]) != audit || seccomp_arch_exist(f->ctx, f->stub_arch[i]) != 0)
            continue;
        if (f->stub_arch[i] == SCMP_ARCH_X32) {
            *max32 = f->stub_max[i];
            have |= 2;
        } else {
            *max = f->stub_max[i];
            have |= 1;
        }
    }
    return have;
}

/* Does the stub answer errno(ENOSYS) to syscall nr from kernel arch
 * audit_arch, before the filter runs? */
static int sc_stub_enosys(const sc_filter *f, uint32_t audit_arch, uint32_t nr)
{
    uint32_t max = 0, max32 = 0;
    int have = sc_stub_limits(f, audit_arch, &max, &max32);
    if (have == 0)
        return 0;
    if (audit_arch == SCMP_ARCH_X86_64) {
        if (nr & SC_STUB_X32_BIT)
            return (have & 2) && nr > max32;
        return (have & 1) && nr > max;
    }
    if (sc_stub_is_s390(audit_arch) && nr == 0)
        return 1;
    return nr > max;
}

/* ---- the program ------------------------------------------------------------ */

/* Instructions are placed with symbolic targets and resolved at the end:
 * SC_STUB_ENOSYS (the `ret` before the filter), SC_STUB_FILTER (the
 * filter's first instruction), or an index in the stub. */
#define SC_STUB_NEXT (-1)
#define SC_STUB_ENOSYS (-2)
#define SC_STUB_FILTER (-3)
#define SC_STUB_LEN (2 + SC_STUB_MAX * 5 + 2)

typedef struct {
    struct sock_filter insn[SC_STUB_LEN];
    int jt[SC_STUB_LEN], jf[SC_STUB_LEN];
    size_t n;
} sc_stub_prog;

static void sc_stub_put(sc_stub_prog *s, uint16_t code, uint32_t k, int jt, int jf)
{
    s->insn[s->n].code = code;
    s->insn[s->n].k = k;
    s->jt[s->n] = jt;
    s->jf[s->n] = jf;
    s->n++;
}

/* One kernel arch's section, A = anything: load the number and test it. */
static void sc_stub_section(sc_stub_prog *s, const sc_filter *f, uint32_t audit)
{
    uint32_t max = 0, max32 = 0;
    int have = sc_stub_limits(f, audit, &max, &max32);
    sc_stub_put(s, BPF_LD | BPF_W | BPF_ABS, 0, 0, 0); /* seccomp_data.nr */
    if (audit == SCMP_ARCH_X86_64) {
        if (have == 3) {
            sc_stub_put(s, BPF_JMP | BPF_JSET | BPF_K, SC_STUB_X32_BIT, (int)s->n + 2, SC_STUB_NEXT);
            sc_stub_put(s, BPF_JMP | BPF_JGT | BPF_K, max, SC_STUB_ENOSYS, SC_STUB_FILTER);
            sc_stub_put(s, BPF_JMP | BPF_JGT | BPF_K, max32, SC_STUB_ENOSYS, SC_STUB_FILTER);
        } else if (have == 1) {
            sc_stub_put(s, BPF_JMP | BPF_JSET | BPF_K, SC_STUB_X32_BIT, SC_STUB_FILTER, SC_STUB_NEXT);
            sc_stub_put(s, BPF_JMP | BPF_JGT | BPF_K, max, SC_STUB_ENOSYS, SC_STUB_FILTER);
        } else {
            sc_stub_put(s, BPF_JMP | BPF_JSET | BPF_K, SC_STUB_X32_BIT, SC_STUB_NEXT, SC_STUB_FILTER);
            sc_stub_put(s, BPF_JMP | BPF_JGT | BPF_K, max32, SC_STUB_ENOSYS, SC_STUB_FILTER);
        }
        return;
    }
    if (sc_stub_is_s390(audit))
        sc_stub_put(s, BPF_JMP | BPF_JEQ | BPF_K, 0, SC_STUB_ENOSYS, SC_STUB_NEXT);
    sc_stub_put(s, BPF_JMP | BPF_JGT | BPF_K, max, SC_STUB_ENOSYS, SC_STUB_FILTER);
}

/* The stub as host-order instructions; 0 when the filter has none. */
static size_t sc_stub_build(const sc_filter *f, sc_stub_prog *s)
{
    uint32_t audit[SC_STUB_MAX];
    size_t na = 0, i, j, jeq;
    s->n = 0;
    if (f->unknown != SC_UNKNOWN_RUNC)
        return 0;
    for (i = 0; i < f->nstub; i++) {
        uint32_t a = sc_stub_audit(f->stub_arch[i]);
        uint32_t m = 0, m32 = 0;
        if (sc_stub_limits(f, a, &m, &m32) == 0)
            continue; /* the filter no longer has it */
        for (j = 0; j < na && audit[j] != a; j++)
            ;
        if (j == na)
            audit[na++] = a;
    }
    if (na == 0)
        return 0;
    sc_stub_put(s, BPF_LD | BPF_W | BPF_ABS, 4, 0, 0); /* seccomp_data.arch */
    jeq = s->n;
    for (i = 0; i < na; i++)
        sc_stub_put(s, BPF_JMP | BPF_JEQ | BPF_K, audit[i], 0 /* set below */, SC_STUB_NEXT);
    sc_stub_put(s, BPF_JMP | BPF_JA, 0, SC_STUB_FILTER, 0);
    for (i = 0; i < na; i++) {
        s->jt[jeq + i] = (int)s->n;
        sc_stub_section(s, f, audit[i]);
    }
    sc_stub_put(s, BPF_RET | BPF_K, SCMP_ACT_ERRNO(ENOSYS), 0, 0);
    /* resolve the targets: every jump is forward and short (the stub has
     * fewer than 256 instructions) */
    for (i = 0; i < s->n; i++) {
        int t[2];
        size_t w;
        if (BPF_CLASS(s->insn[i].code) != BPF_JMP)
            continue;
        t[0] = s->jt[i];
        t[1] = s->jf[i];
        for (w = 0; w < 2; w++) {
            size_t to = t[w] == SC_STUB_NEXT ? i + 1 : t[w] == SC_STUB_ENOSYS ? s->n - 1
                        : t[w] == SC_STUB_FILTER ? s->n : (size_t)t[w];
            uint32_t off = (uint32_t)(to - i - 1);
            if (s->insn[i].code == (BPF_JMP | BPF_JA)) {
                if (w == 0)
                    s->insn[i].k = off;
            } else if (w == 0) {
                s->insn[i].jt = (uint8_t)off;
            } else {
                s->insn[i].jf = (uint8_t)off;
            }
        }
    }
    return s->n;
}

/* Push the program `bytes` (byte order big_endian) with the filter's stub
 * in front, in the same byte order. */
static void sc_push_stubbed(lua_State *L, const sc_filter *f, const char *bytes, size_t len, int big_endian)
{
    sc_stub_prog s;
    luaL_Buffer b;
    size_t i, n = sc_stub_build(f, &s);
    luaL_buffinit(L, &b);
    for (i = 0; i < n; i++) {
        unsigned char w[8];
        if (big_endian) {
            w[0] = (unsigned char)(s.insn[i].code >> 8);
            w[1] = (unsigned char)s.insn[i].code;
        } else {
            w[0] = (unsigned char)s.insn[i].code;
            w[1] = (unsigned char)(s.insn[i].code >> 8);
        }
        w[2] = s.insn[i].jt;
        w[3] = s.insn[i].jf;
        bpf_put32(w + 4, big_endian, s.insn[i].k);
        luaL_addlstring(&b, (const char *)w, sizeof w);
    }
    luaL_addlstring(&b, bytes, len);
    luaL_pushresult(&b);
}

/* Push the stub described as PFC comment lines (export_pfc puts them
 * before libseccomp's text, which describes the rest); "" without one. */
static void sc_push_stub_comment(lua_State *L, const sc_filter *f)
{
    luaL_Buffer b;
    size_t i;
    luaL_buffinit(L, &b);
    if (f->unknown != SC_UNKNOWN_RUNC) {
        luaL_pushresult(&b);
        return;
    }
    if (f->nstub > 0)
        luaL_addstring(&b, "#\n# runc's ENOSYS stub (unknown = \"runc\") runs before the filter below:\n");
    for (i = 0; i < f->nstub; i++) {
        uint32_t a = f->stub_arch[i];
        const char *name = sc_arch_name(a);
        if (seccomp_arch_exist(f->ctx, a) != 0)
            continue;
        lua_pushfstring(L, "#   %s: syscall numbers above %d%s return errno(ENOSYS)%s\n",
                        name ? name : "?", (int)(f->stub_max[i] & ~(a == SCMP_ARCH_X32 ? SC_STUB_X32_BIT : 0u)),
                        a == SCMP_ARCH_X32 ? " (x32, with 0x40000000)" : a == SCMP_ARCH_X86_64
                        ? " (without the x32 bit)" : "",
                        sc_stub_is_s390(a) ? ", and number 0" : "");
        luaL_addvalue(&b);
    }
    if (f->nstub > 0)
        luaL_addstring(&b, "#\n");
    luaL_pushresult(&b);
}

/* seccomp.core._private.runc_stub(f, arches, names) -> f: give the filter
 * runc's stub (unknown = "runc") for the arches a profile lists (names or
 * tokens; each must be an arch of the filter) and the syscall names it
 * gives.  An arch on which no name has a number gets no limit. */
static int l_runc_stub(lua_State *L)
{
    sc_filter *f = sc_checkfilter(L, 1);
    uint32_t arch[SC_STUB_MAX], max[SC_STUB_MAX];
    size_t n = 0, i, j, na, nn;
    luaL_checktype(L, 2, LUA_TTABLE);
    luaL_checktype(L, 3, LUA_TTABLE);
    na = (size_t)lua_rawlen(L, 2);
    nn = (size_t)lua_rawlen(L, 3);
    for (i = 1; i <= na; i++) {
        uint32_t tok;
        const char *msg;
        lua_rawgeti(L, 2, (lua_Integer)i);
        msg = sc_parse_arch(L, -1, &tok);
        if (msg != NULL)
            luaL_argerror(L, 2, msg);
        lua_pop(L, 1);
        if (tok == SCMP_ARCH_NATIVE)
            tok = seccomp_arch_native();
        if (seccomp_arch_exist(f->ctx, tok) != 0)
            luaL_argerror(L, 2, lua_pushfstring(L, "arch '%s' is not one of the filter's", sc_arch_name(tok)));
        for (j = 0; j < n && arch[j] != tok; j++)
            ;
        if (j < n)
            continue; /* listed twice */
        if (n == SC_STUB_MAX)
            luaL_argerror(L, 2, "too many arches");
        arch[n] = tok;
        max[n] = 0;
        for (j = 1; j <= nn; j++) {
            int nr;
            if (lua_rawgeti(L, 3, (lua_Integer)j) != LUA_TSTRING)
                luaL_argerror(L, 3, "list of syscall names expected");
            nr = seccomp_syscall_resolve_name_arch(tok, lua_tostring(L, -1));
            lua_pop(L, 1);
            if (nr > 0 && (uint32_t)nr > max[n])
                max[n] = (uint32_t)nr;
        }
        if (max[n] > 0)
            n++; /* runc: "could not find any syscalls for arch" leaves it out */
    }
    f->gen++;
    f->unknown = SC_UNKNOWN_RUNC;
    f->nstub = n;
    memcpy(f->stub_arch, arch, n * sizeof arch[0]);
    memcpy(f->stub_max, max, n * sizeof max[0]);
    lua_settop(L, 1);
    return 1;
}
