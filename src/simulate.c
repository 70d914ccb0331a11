/*
 * simulate.c - what a filter does, without loading it.
 *
 *   f:simulate(syscall [, args [, arch [, ip]]])   -> action number
 *   seccomp.simulate_bpf(bpf, data)                -> action number
 *   seccomp.disasm(bpf [, arch_or_endian])         -> text
 *
 * All three run on src/bpf.c: the decoder, the kernel's load-time checks
 * and the classic-BPF interpreter with the kernel's run-time semantics.
 *
 * f:simulate exports the filter with libseccomp (sc_export_string, the same
 * export as f:export_bpf() and spawn), decodes and checks it once, and keeps
 * the decoded program in the filter's derived-data cache (sc_filter.cache),
 * which every change to the filter invalidates (gen).  A loop of simulate
 * calls therefore costs one export; each call then only parses its
 * arguments, lays out a struct seccomp_data and runs the interpreter: no
 * allocation.  Syscall names and arch arguments are memoized per program,
 * because resolving a name for an arch can be slow (a multiplexed call such
 * as x86 socket is found by scanning the arch's table).
 *
 * What the kernel sees, and so what is simulated:
 *  - seccomp_data is laid out in the program's byte order: that of the
 *    filter's arches for f:simulate (libseccomp cannot mix byte orders in
 *    one filter), data.endian or data.arch's for simulate_bpf.  Big-endian
 *    arches are those whose AUDIT_ARCH value lacks __AUDIT_ARCH_LE.
 *  - x32: the kernel reports x32 calls as AUDIT_ARCH_X86_64 with numbers
 *    carrying 0x40000000; libseccomp's x32 token is not a seccomp_data.arch
 *    value.  So arch x32 puts AUDIT_ARCH_X86_64 in the data, and names
 *    resolve to numbers with the x32 bit (libseccomp's x32 table has it).
 *  - A name is resolved for the arch as a direct call (sc_syscall_on_arch:
 *    x86 socket is 359, not socketcall); a number is used as given.
 *  - An arch the filter lacks simply runs the program, which answers with
 *    the filter's bad-arch action, as the kernel would.
 */
#include "core.h"

#define SC_SIM_AUDIT_LE 0x40000000u /* __AUDIT_ARCH_LE, clear on big-endian arches */
/* Where the accelerator starts in a program block for n instructions. */
static size_t sc_sim_accel_offset(size_t n)
{
    size_t off = offsetof(sc_sim_prog, prog) + n * sizeof(struct sock_filter);
    return (off + 15) & ~(size_t)15;
}

/* The size of a program block: header, instructions, accelerator. */
static size_t sc_sim_prog_size(size_t n)
{
    return sc_sim_accel_offset(n) + bpf_accel_size(n);
}

/* The filter's cache_free; also how simulate recognises its own cache. */
static void sc_sim_prog_free(void *p)
{
    free(p);
}

static int sc_sim_arch_big_endian(uint32_t token)
{
    return (token & SC_SIM_AUDIT_LE) == 0;
}

/* ---- arguments ------------------------------------------------------------ */

/* args: nil (all 0) or a table of up to 6 integers; missing ones are 0. */
static const char *sc_sim_args(lua_State *L, int idx, const char *what, uint64_t args[6])
{
    int i;
    memset(args, 0, 6 * sizeof args[0]);
    if (lua_isnoneornil(L, idx))
        return NULL;
    if (lua_type(L, idx) != LUA_TTABLE)
        return lua_pushfstring(L, "%s must be a table of up to 6 integers, got %s", what,
                               sc_repr(L, idx));
    idx = lua_absindex(L, idx);
    for (i = 0; i < 6; i++) {
        int ok = 0;
        int t = lua_rawgeti(L, idx, i + 1);
        if (t == LUA_TNUMBER) {
            lua_Integer v = lua_tointegerx(L, -1, &ok);
            args[i] = (uint64_t)v;
        } else if (t == LUA_TNIL) {
            ok = 1;
        }
        if (!ok) {
            const char *msg = lua_pushfstring(L, "%s[%d] must be an integer, got %s", what, i + 1,
                                              sc_repr(L, -1));
            return msg;
        }
        lua_pop(L, 1);
    }
    if (lua_rawgeti(L, idx, 7) != LUA_TNIL || lua_rawlen(L, idx) > 6) {
        lua_pop(L, 1);
        return lua_pushfstring(L, "%s has more than 6 values (%d): a syscall has at most 6 "
                               "arguments", what, (int)lua_rawlen(L, idx));
    }
    lua_pop(L, 1);
    return NULL;
}

/* An arch argument, through the core's one arch parser, remembered in `m`
 * (the parser looks the name up in libseccomp on every call). */
static const char *sc_sim_arch(lua_State *L, int idx, sc_sim_memo *m, uint32_t *out)
{
    int t = lua_type(L, idx);
    const char *msg;
    if (t == LUA_TNUMBER && m->arch_kind == LUA_TNUMBER && lua_isinteger(L, idx) &&
        lua_tointeger(L, idx) == m->arch_num) {
        *out = m->arch_token;
        return NULL;
    }
    if (t == LUA_TSTRING && m->arch_kind == LUA_TSTRING) {
        size_t len;
        const char *s = lua_tolstring(L, idx, &len);
        if (len == m->arch_len && memcmp(s, m->arch_str, len) == 0) {
            *out = m->arch_token;
            return NULL;
        }
    }
    msg = sc_parse_arch(L, idx, out);
    if (msg)
        return msg;
    m->arch_kind = 0;
    if (t == LUA_TNUMBER && lua_isinteger(L, idx)) {
        m->arch_num = lua_tointeger(L, idx);
        m->arch_kind = LUA_TNUMBER;
    } else if (t == LUA_TSTRING) {
        size_t len;
        const char *s = lua_tolstring(L, idx, &len);
        if (len < sizeof m->arch_str) {
            memcpy(m->arch_str, s, len);
            m->arch_len = len;
            m->arch_kind = LUA_TSTRING;
        }
    }
    m->arch_token = *out;
    return NULL;
}

/* A syscall for `arch`: a number as the kernel reports it (used as given),
 * or a name resolved as a direct call on that arch (memoized in `m`). */
static const char *sc_sim_syscall(lua_State *L, int idx, uint32_t arch, sc_sim_memo *m, int *out)
{
    int t = lua_type(L, idx);
    if (t == LUA_TNUMBER) {
        int ok;
        lua_Integer v = lua_tointegerx(L, idx, &ok);
        if (!ok || v < INT32_MIN || v > INT32_MAX)
            return lua_pushfstring(L, "bad syscall number %s", sc_repr(L, idx));
        *out = (int)v;
        return NULL;
    }
    if (t == LUA_TSTRING) {
        size_t len;
        const char *s = lua_tolstring(L, idx, &len);
        uintptr_t h = (uintptr_t)s;
        sc_sim_name *e = &m->names[((h >> 4) ^ (h >> 12) ^ arch) & (SC_SIM_NAMES - 1)];
        int nr;
        if (e->len == len && e->arch == arch && len > 0 && memcmp(e->name, s, len) == 0) {
            *out = e->nr;
            return NULL;
        }
        if (len == 0 || strlen(s) != len)
            return sc_push_unknown_syscall(L, idx);
        nr = sc_syscall_on_arch(arch, s);
        if (nr < 0) {
            if (seccomp_syscall_resolve_name(s) == __NR_SCMP_ERROR)
                return sc_push_unknown_syscall(L, idx);
            return lua_pushfstring(L, "syscall %s does not exist on %s", sc_repr(L, idx),
                                   sc_arch_name(arch));
        }
        if (len < sizeof e->name) {
            memcpy(e->name, s, len);
            e->len = len;
            e->arch = arch;
            e->nr = nr;
        }
        *out = nr;
        return NULL;
    }
    return lua_pushfstring(L, "syscall name or number expected, got %s", sc_repr(L, idx));
}

/* ---- running ---------------------------------------------------------------- */

static uint32_t sc_sim_run(lua_State *L, const sc_sim_prog *p, int nr, uint32_t arch,
                           uint64_t ip, const uint64_t args[6])
{
    unsigned char data[BPF_SC_DATA_SIZE];
    const char *fault = NULL;
    uint32_t r;
    /* x32 calls reach seccomp as x86_64 calls with the x32 bit in nr */
    bpf_pack_data(data, p->big_endian, (int32_t)nr,
                  arch == SCMP_ARCH_X32 ? SCMP_ARCH_X86_64 : arch, ip, args);
    r = bpf_run_accel(p->prog, p->n, p->accel, data, p->big_endian, &fault);
    if (fault != NULL) /* cannot happen: the program passed bpf_check */
        luaL_error(L, "simulate: interpreter fault on a checked program: %s", fault);
    return r;
}

/* Decode and check `len` bytes into p (a block of sc_sim_prog_size(cap)
 * bytes, cap = sc_sim_capacity(len)) and build its accelerator.  NULL, or
 * the problem (a literal, bpf.c's buffer or `err`). */
static const char *sc_sim_decode(sc_sim_prog *p, const char *bytes, size_t len, int big_endian,
                                 char *err, size_t errlen)
{
    const char *msg = bpf_decode((const unsigned char *)bytes, len, big_endian, p->prog, &p->n);
    if (msg != NULL)
        return msg;
    if (bpf_check(p->prog, p->n, err, errlen) != 0)
        return err;
    /* the block was sized for sc_sim_capacity(len) == n instructions */
    p->accel = bpf_accel_build((char *)p + sc_sim_accel_offset(p->n), p->prog, p->n);
    p->big_endian = big_endian;
    memset(&p->memo, 0, sizeof p->memo);
    return NULL;
}

/* Instruction count a valid program of `len` bytes has, clamped to what
 * may be allocated: an invalid length is reported by bpf_decode, which
 * writes nothing then. */
static size_t sc_sim_capacity(size_t len)
{
    size_t n = len / 8;
    if (n < 1)
        n = 1;
    if (n > BPF_SC_MAXINSNS)
        n = BPF_SC_MAXINSNS;
    return n;
}

/* The filter's one compiled program (program.c). */
static sc_sim_prog *sc_filter_program(lua_State *L, int fidx, sc_filter *f, const char *op);

/* f:simulate(syscall [, args [, arch [, ip]]]) -> action number
 * The action the filter returns for that call on `arch` (default native);
 * args: up to 6 integers (missing ones 0); ip: the instruction pointer. */
static int l_simulate(lua_State *L)
{
    sc_filter *f = sc_checkfilter(L, 1);
    sc_sim_prog *p = sc_filter_program(L, 1, f, "simulate");
    uint32_t arch;
    uint64_t args[6], ip = 0;
    int nr = 0; /* set by sc_sim_syscall when it returns NULL */
    const char *msg;
    if (lua_isnoneornil(L, 4))
        arch = seccomp_arch_native();
    else if ((msg = sc_sim_arch(L, 4, &p->memo, &arch)) != NULL)
        sc_argerror(L, 4, msg);
    if ((msg = sc_sim_syscall(L, 2, arch, &p->memo, &nr)) != NULL)
        sc_argerror(L, 2, msg);
    if ((msg = sc_sim_args(L, 3, "args", args)) != NULL)
        sc_argerror(L, 3, msg);
    if (!lua_isnoneornil(L, 5) && (msg = sc_parse_datum(L, 5, "ip", &ip)) != NULL)
        sc_argerror(L, 5, msg);
    lua_pushinteger(L, (lua_Integer)sc_sim_run(L, p, nr, arch, ip, args));
    return 1;
}

/* ---- programs from anywhere -------------------------------------------------- */

/* Byte order from "big"/"little" or an arch; NULL or a message. */
static const char *sc_sim_endian(lua_State *L, int idx, int *big_endian)
{
    uint32_t arch;
    if (lua_type(L, idx) == LUA_TSTRING) {
        const char *s = lua_tostring(L, idx);
        if (strcmp(s, "big") == 0 || strcmp(s, "little") == 0) {
            *big_endian = s[0] == 'b';
            return NULL;
        }
    }
    if (sc_parse_arch(L, idx, &arch) != NULL)
        return lua_pushfstring(L, "byte order 'big' or 'little', or an arch, expected, got %s",
                               sc_repr(L, idx));
    *big_endian = sc_sim_arch_big_endian(arch);
    return NULL;
}

/* The BPF string at arg 1 (raises when it is not a string); len may be NULL. */
static const char *sc_sim_bpf_arg(lua_State *L, size_t *len)
{
    if (lua_type(L, 1) != LUA_TSTRING)
        sc_argerror_value(L, 1, "BPF program (a string) expected, got");
    return lua_tolstring(L, 1, len);
}

/* The decoded program for the BPF string at arg 1: simulate_bpf keeps the
 * last one (string, byte order, program) in its upvalue table, so a loop
 * over one program decodes it once. */
static sc_sim_prog *sc_sim_bpf_prog(lua_State *L, int big_endian)
{
    size_t len;
    const char *bytes = sc_sim_bpf_arg(L, &len), *msg;
    char err[128];
    sc_sim_prog *p;
    int cache = lua_upvalueindex(1);
    lua_rawgeti(L, cache, 1); /* the last program's string */
    lua_rawgeti(L, cache, 2); /* its decoded form */
    p = lua_touserdata(L, -1);
    if (p != NULL && p->big_endian == big_endian && lua_rawequal(L, 1, -2)) {
        lua_pop(L, 2);
        return p;
    }
    lua_pop(L, 2);
    p = sc_newuserdata(L, sc_sim_prog_size(sc_sim_capacity(len)));
    msg = sc_sim_decode(p, bytes, len, big_endian, err, sizeof err);
    if (msg != NULL)
        sc_argerror(L, 1, lua_pushfstring(L, "bad BPF program: %s", msg));
    lua_rawseti(L, cache, 2);
    lua_pushvalue(L, 1);
    lua_rawseti(L, cache, 1);
    return p;
}

/* seccomp.simulate_bpf(bpf, data) -> action number
 * bpf: a program as export_bpf gives it.  data: { syscall = name|number,
 * args = {...}, arch = arch (default native), ip = integer,
 * endian = "big"|"little" (default: arch's byte order) }. */
static int l_simulate_bpf(lua_State *L)
{
    static const char *const fields[] = {"syscall", "args", "arch", "ip", "endian", NULL};
    enum { F_SYSCALL = 3, F_ARGS, F_ARCH, F_IP, F_ENDIAN }; /* their stack slots */
    uint32_t arch;
    uint64_t args[6], ip = 0;
    int nr, be, i;
    const char *msg;
    sc_sim_prog *p;
    sc_sim_bpf_arg(L, NULL);
    if (lua_type(L, 2) != LUA_TTABLE)
        sc_argerror_value(L, 2, "data table { syscall = ..., args = ..., arch = ... } expected, "
                          "got");
    lua_settop(L, 2);
    /* unknown fields are mistakes (a misspelt field would silently be 0) */
    lua_pushnil(L);
    while (lua_next(L, 2) != 0) {
        int known = 0;
        lua_pop(L, 1);
        if (lua_type(L, -1) == LUA_TSTRING)
            for (i = 0; fields[i] && !known; i++)
                known = strcmp(lua_tostring(L, -1), fields[i]) == 0;
        if (!known) {
            const char *k = sc_repr(L, -1);
            sc_argerror(L, 2, lua_pushfstring(L, "data has an unknown field %s (fields: "
                          "syscall, args, arch, ip, endian)", k));
        }
    }
    for (i = 0; fields[i]; i++)
        lua_getfield(L, 2, fields[i]); /* slots F_SYSCALL .. F_ENDIAN */
    if (lua_isnil(L, F_ARCH))
        arch = seccomp_arch_native();
    else if ((msg = sc_parse_arch(L, F_ARCH, &arch)) != NULL)
        sc_argerror(L, 2, lua_pushfstring(L, "data.arch: %s", msg));
    if (lua_isnil(L, F_ENDIAN))
        be = sc_sim_arch_big_endian(arch);
    else if ((msg = sc_sim_endian(L, F_ENDIAN, &be)) != NULL)
        sc_argerror(L, 2, lua_pushfstring(L, "data.endian: %s", msg));
    p = sc_sim_bpf_prog(L, be);
    if ((msg = sc_sim_syscall(L, F_SYSCALL, arch, &p->memo, &nr)) != NULL)
        sc_argerror(L, 2, lua_pushfstring(L, "data.syscall: %s", msg));
    if ((msg = sc_sim_args(L, F_ARGS, "data.args", args)) != NULL)
        sc_argerror(L, 2, msg);
    if (!lua_isnil(L, F_IP) && (msg = sc_parse_datum(L, F_IP, "data.ip", &ip)) != NULL)
        sc_argerror(L, 2, msg);
    lua_pushinteger(L, (lua_Integer)sc_sim_run(L, p, nr, arch, ip, args));
    return 1;
}

/* seccomp.disasm(bpf [, arch_or_endian]) -> text, one line per instruction
 * The byte order is "big", "little" or an arch's (default native).  Only
 * the length is checked: an instruction seccomp would refuse is shown
 * (".word", "invalid offset"), not raised, so broken programs can be read. */
static int l_disasm(lua_State *L)
{
    size_t len, n = 0, pc;
    const char *bytes = sc_sim_bpf_arg(L, &len), *msg;
    int be = sc_sim_arch_big_endian(seccomp_arch_native());
    struct sock_filter *prog;
    luaL_Buffer b;
    char line[128];
    if (!lua_isnoneornil(L, 2) && (msg = sc_sim_endian(L, 2, &be)) != NULL)
        sc_argerror(L, 2, msg);
    lua_settop(L, 2);
    prog = sc_newuserdata(L, sc_sim_capacity(len) * sizeof *prog);
    msg = bpf_decode((const unsigned char *)bytes, len, be, prog, &n);
    if (msg != NULL)
        sc_argerror(L, 1, lua_pushfstring(L, "bad BPF program: %s", msg));
    luaL_buffinit(L, &b);
    for (pc = 0; pc < n; pc++) {
        bpf_disasm_insn(prog, n, pc, be, line, sizeof line);
        luaL_addstring(&b, line);
        luaL_addchar(&b, '\n');
    }
    luaL_pushresult(&b);
    return 1;
}

/* Adds simulate_bpf and disasm to the module table at the top of the stack,
 * and simulate to the filter methods. */
static void sc_open_simulate(lua_State *L)
{
    lua_createtable(L, 2, 0); /* simulate_bpf's last program */
    lua_pushcclosure(L, l_simulate_bpf, 1);
    lua_setfield(L, -2, "simulate_bpf");
    lua_pushcfunction(L, l_disasm);
    lua_setfield(L, -2, "disasm");
    static const luaL_Reg filter_methods[] = {{"simulate", l_simulate}, {NULL, NULL}};
    sc_add_methods(L, SC_FILTER_MT, filter_methods);
}
