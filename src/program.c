/*
 * program.c - the filter's one compiled program, and everything that hands
 * it out: f:load(), f:export_bpf(), f:verify(), the `verify` and `compiler`
 * attributes.  spawn (spawn.c) and simulate (simulate.c) use the same record.
 *
 * The record (sc_sim_prog, owned by the filter as its derived-data cache,
 * valid while its gen equals the filter's) holds the decoded instructions,
 * the byte order, the accelerator, which compiler made it, whether it has
 * been verified, and whether it needs a listener.  What is verified is byte
 * for byte what load installs, spawn installs, export_bpf returns and
 * simulate runs: load installs it itself with seccomp(2) (prctl where the
 * system call is missing), as spawn does in the child.
 */
#include "core.h"
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>



/* ---- the record ------------------------------------------------------------ */

static int sc_filter_big_endian(lua_State *L, sc_filter *f, const char *op)
{
    size_t i;
    for (i = 0; i < SC_NARCHES; i++)
        if (sc_arch_known(&sc_arches[i]) && seccomp_arch_exist(f->ctx, sc_arches[i].token) == 0)
            return sc_sim_arch_big_endian(sc_arches[i].token);
    return sc_raise(L, op, EINVAL, "the filter has no arches: there is nothing to compile");
}

/* Decode and check `len` bytes into a new record (malloc'd, not yet owned
 * by anyone).  Raises on failure, holding nothing. */
static sc_sim_prog *sc_record_new(lua_State *L, const char *bytes, size_t len, int be,
                                  const char *op, const char *who)
{
    char err[128], why[128];
    const char *msg;
    sc_sim_prog *p = malloc(sc_sim_prog_size(sc_sim_capacity(len)));
    size_t i;
    if (p == NULL)
        sc_raise(L, op, ENOMEM, NULL);
    msg = sc_sim_decode(p, bytes, len, be, err, sizeof err);
    if (msg != NULL) {
        snprintf(why, sizeof why, "%s", msg); /* msg may live in bpf.c's buffer */
        free(p);
        sc_raise(L, op, EINVAL, lua_pushfstring(L, "the program %s generated does not pass the "
                 "kernel's checks: %s", who, why));
    }
    p->listener = 0;
    for (i = 0; i < p->n; i++)
        if (p->prog[i].code == (BPF_RET | BPF_K) &&
            (p->prog[i].k & BPF_SC_RET_ACTION_FULL) == BPF_SC_RET_USER_NOTIF)
            p->listener = 1;
    p->verified = 0;
    p->compiler_used = SC_COMPILER_LIBSECCOMP;
    return p;
}

/* Give the record to the filter as its current program. */
static void sc_record_adopt(sc_filter *f, sc_sim_prog *p)
{
    sc_filter_drop_cache(f);
    f->cache = p;
    f->cache_free = sc_sim_prog_free;
    f->cache_gen = f->gen;
}

/* libseccomp's program for the filter, as a new record owned by the filter. */
static sc_sim_prog *sc_program_libseccomp(lua_State *L, sc_filter *f, const char *op)
{
    int top = lua_gettop(L), be = sc_filter_big_endian(L, f, op);
    size_t len;
    const char *bytes;
    sc_sim_prog *p;
    sc_export_libseccomp_bpf(L, f, op);
    bytes = lua_tolstring(L, -1, &len);
    if (f->unknown == SC_UNKNOWN_RUNC) {
        sc_push_stubbed(L, f, bytes, len, be);
        bytes = lua_tolstring(L, -1, &len);
    }
    p = sc_record_new(L, bytes, len, be, op, "libseccomp");
    sc_record_adopt(f, p);
    lua_settop(L, top);
    return p;
}


/* The module's own program for the filter (gen.c), as a new record owned
 * by the filter. */
static sc_sim_prog *sc_program_binding(lua_State *L, sc_filter *f, const char *op)
{
    int top = lua_gettop(L), be = sc_filter_big_endian(L, f, op);
    struct sc_gen_in in;
    uint32_t arches[64];
    size_t index[64], i, n = 0;
    struct sock_filter *out;
    char err[160];
    const char *msg;
    int rc;
    sc_sim_prog *p;
    memset(&in, 0, sizeof in);
    for (i = 0; i < SC_NARCHES && i < 64; i++)
        if (sc_arch_known(&sc_arches[i]) && seccomp_arch_exist(f->ctx, sc_arches[i].token) == 0) {
            arches[n] = sc_arches[i].token;
            index[n++] = i;
        }
    in.ledger = &f->ledger;
    in.narches = n;
    in.arches = arches;
    in.arch_index = index;
    in.widen_multiplexed = f->widen;
    in.unknown_enosys = f->unknown == SC_UNKNOWN_ENOSYS;
    if ((rc = seccomp_attr_get(f->ctx, SCMP_FLTATR_ACT_DEFAULT, &in.def_action)) < 0 ||
        (rc = seccomp_attr_get(f->ctx, SCMP_FLTATR_ACT_BADARCH, &in.badarch_action)) < 0)
        sc_raise(L, op, rc, "reading the filter's actions failed");
    out = sc_newuserdata(L, BPF_SC_MAXINSNS * sizeof *out);
    msg = sc_gen(&in, out, &n, err, sizeof err);
    if (msg != NULL)
        sc_raise(L, op, msg == err && strstr(err, "instructions") ? E2BIG : ENOMEM, msg);
    /* host-order instructions: decoded as little-endian bytes on this host,
     * the data laid out in the arches' byte order; runc's stub in front */
    sc_push_stubbed(L, f, (const char *)out, n * sizeof *out, 0);
    {
        size_t len;
        const char *bytes = lua_tolstring(L, -1, &len);
        p = sc_record_new(L, bytes, len, 0, op, "the module's compiler");
    }
    p->big_endian = be;
    p->compiler_used = SC_COMPILER_BINDING;
    sc_record_adopt(f, p);
    lua_settop(L, top);
    return p;
}

/* Does the ledger hold a rule libseccomp never saw (held back: it would
 * have hung)? Then only the module's program has every rule. */
static int sc_ledger_held_back(const sc_filter *f)
{
    size_t i;
    for (i = 0; i < f->ledger.n; i++)
        if (f->ledger.v[i].held_back)
            return 1;
    return 0;
}

/* The filter's (at fidx) current program, compiled if nothing is cached.
 * Under "auto" libseccomp's program is verified to choose: it is used only
 * when the check covered every cell and found no wrong answer; otherwise
 * the module's program is, verified in turn (a sampled check is accepted
 * for it: it is correct by construction and differentially tested).  Both
 * checks are kept with the record. */
static sc_sim_prog *sc_filter_program(lua_State *L, int fidx, sc_filter *f, const char *op)
{
    sc_sim_prog *p;
    sc_vresult r;
    int top = lua_gettop(L);
    if (f->cache != NULL && f->cache_free == sc_sim_prog_free && f->cache_gen == f->gen)
        return f->cache;
    if (f->compiler == SC_COMPILER_BINDING || f->unknown == SC_UNKNOWN_ENOSYS || sc_ledger_held_back(f))
        return sc_program_binding(L, f, op);
    p = sc_program_libseccomp(L, f, op);
    if (f->compiler == SC_COMPILER_LIBSECCOMP)
        return p;
    /* not the filter's program until verify chose it: should the check
     * raise (a failed call), the next one decides again */
    f->cache_gen = f->gen - 1;
    sc_verify_push(L, fidx, f, p, SC_VERIFY_BUDGET, 0, &r);
    lua_settop(L, top);
    if (r.total == 0 && r.exhaustive) {
        p->verified = 1;
        f->cache_gen = f->gen;
        return p;
    }
    p = sc_program_binding(L, f, op);
    sc_verify_push(L, fidx, f, p, SC_VERIFY_BUDGET, 0, &r);
    if (r.total > 0)
        sc_verify_raise(L, fidx, f, op, &r.first, 1);
    p->verified = 1;
    lua_settop(L, top);
    return p;
}

/* The program that load, spawn and export_bpf hand out: verified first
 * unless the filter's `verify` attribute is off.  A contradiction raises
 * the error object with a counterexample; so does a check of libseccomp's
 * program that could not cover every cell (a cap or the budget), unless
 * `verify` is "sample". */
static sc_sim_prog *sc_filter_checked_program(lua_State *L, int fidx, sc_filter *f, const char *op)
{
    sc_sim_prog *p = sc_filter_program(L, fidx, f, op);
    if (f->verify != SC_VERIFY_OFF && !p->verified) {
        int top = lua_gettop(L);
        sc_vresult r;
        sc_verify_push(L, fidx, f, p, SC_VERIFY_BUDGET, 0, &r);
        if (r.total > 0)
            sc_verify_raise(L, fidx, f, op, &r.first, p->compiler_used == SC_COMPILER_BINDING);
        if (!r.exhaustive && p->compiler_used == SC_COMPILER_LIBSECCOMP &&
            f->verify != SC_VERIFY_SAMPLE)
            sc_verify_raise_capped(L, op);
        p->verified = 1;
        lua_settop(L, top);
    }
    return p;
}

/* get_attr("compiler_used"): which compiler made the current program. */
static const char *sc_compiler_used(lua_State *L, int fidx, sc_filter *f)
{
    return sc_compiler_names[sc_filter_program(L, fidx, f, "get_attr")->compiler_used];
}

/* ---- installing it ------------------------------------------------------------ */

#if SC_GATE_LOG || SC_GATE_SSB || SC_GATE_WAIT_KILL
/* A boolean attribute of the filter, where the library has it (a failure to
 * read it raises: the kernel must get exactly the filter asked for). */
static int sc_attr_on(lua_State *L, sc_filter *f, const char *feature, int attr, const char *op)
{
    uint32_t v = 0;
    int rc;
    if (!sc_has(L, feature))
        return 0;
    rc = seccomp_attr_get(f->ctx, (enum scmp_filter_attr)attr, &v);
    if (rc < 0)
        sc_raise(L, op, rc, lua_pushfstring(L, "reading the filter's '%s' attribute failed",
                 feature));
    return v != 0;
}
#endif

/* The filter's attributes as seccomp(2) flags; tsync only for load (a
 * spawned child has one thread). */
static unsigned sc_filter_flags(lua_State *L, sc_filter *f, int listener, int tsync, const char *op)
{
    unsigned flags = listener ? SC_FLAG_NEW_LISTENER : 0;
    uint32_t v = 0;
    if (tsync) {
        int rc = seccomp_attr_get(f->ctx, SCMP_FLTATR_CTL_TSYNC, &v);
        if (rc < 0)
            sc_raise(L, op, rc, "reading the filter's 'tsync' attribute failed");
        if (v) /* with a listener the kernel can only say which thread failed by ESRCH */
            flags |= SC_FLAG_TSYNC | (listener ? SC_FLAG_TSYNC_ESRCH : 0);
    }
#if SC_GATE_LOG
    if (sc_attr_on(L, f, "log", SCMP_FLTATR_CTL_LOG, op))
        flags |= SC_FLAG_LOG;
#endif
#if SC_GATE_SSB
    if (sc_attr_on(L, f, "ssb", SCMP_FLTATR_CTL_SSB, op))
        flags |= SC_FLAG_SPEC_ALLOW;
#endif
#if SC_GATE_WAIT_KILL
    if (listener && sc_attr_on(L, f, "wait_kill", SCMP_FLTATR_CTL_WAITKILL, op))
        flags |= SC_FLAG_WAIT_KILLABLE_RECV;
#endif
    return flags;
}

/* seccomp(2), or prctl where the system call is missing and no flag is
 * needed.  Async-signal-safe: the spawned child calls it too.  The system
 * call's result (a listener fd, 0), or -1 with errno. */
__attribute__((no_sanitize_address)) static int sc_install(const struct sock_fprog *prog,
                                                           unsigned flags)
{
    int rc = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, prog);
    if (rc < 0 && errno == ENOSYS && flags == 0) /* kernel < 3.17, valgrind */
        rc = prctl(PR_SET_SECCOMP, SC_MODE_FILTER, prog, 0, 0);
    return rc;
}

/* f:load() -> f   (raises on any failure: fail closed) */
static int l_load(lua_State *L)
{
    sc_filter *f = sc_checkfilter(L, 1);
    sc_sim_prog *p = sc_filter_checked_program(L, 1, f, "load");
    unsigned flags = sc_filter_flags(L, f, p->listener, 1, "load");
    uint32_t nnp = 1;
    struct sock_fprog prog;
    int rc;
    if (p->listener)
        sc_require(L, "load", "notify");
    rc = seccomp_attr_get(f->ctx, SCMP_FLTATR_CTL_NNP, &nnp);
    if (rc < 0)
        sc_raise(L, "load", rc, "reading the filter's 'nnp' attribute failed");
    if (nnp && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        sc_raise(L, "load", errno, "PR_SET_NO_NEW_PRIVS failed");
    prog.len = (unsigned short)p->n;
    prog.filter = p->prog;
    rc = sc_install(&prog, flags);
    if (rc < 0) {
        int e = errno;
        sc_raise(L, "load", e, e == EACCES ? "the kernel refused the filter: NO_NEW_PRIVS is "
                 "off (nnp = false) and the process lacks CAP_SYS_ADMIN"
                 : e == ESRCH ? "another thread of the process could not be synchronised to "
                 "the filter (tsync)" : e == EINVAL ? "the kernel refused the filter or one of "
                 "its flags (log, ssb, wait_kill, tsync, a listener)" : NULL);
    }
    if ((flags & SC_FLAG_TSYNC) && !(flags & SC_FLAG_TSYNC_ESRCH) && rc > 0)
        sc_raise(L, "load", ESRCH, lua_pushfstring(L, "thread %d of the process could not be "
                 "synchronised to the filter (tsync); the calling thread has it", rc));
    if (p->listener)
        f->listener = rc;
    lua_settop(L, 1);
    return 1;
}

/* ---- export --------------------------------------------------------------------- */

/* The record's program as bytes in its byte order (what libseccomp exports). */
static void sc_push_program_bytes(lua_State *L, const sc_sim_prog *p)
{
    luaL_Buffer b;
    size_t i;
    unsigned char *out = (unsigned char *)luaL_buffinitsize(L, &b, p->n * 8);
    for (i = 0; i < p->n; i++) {
        const struct sock_filter *x = &p->prog[i];
        unsigned char *o = out + 8 * i;
        if (p->big_endian) {
            o[0] = (unsigned char)(x->code >> 8);
            o[1] = (unsigned char)x->code;
        } else {
            o[0] = (unsigned char)x->code;
            o[1] = (unsigned char)(x->code >> 8);
        }
        o[2] = x->jt;
        o[3] = x->jf;
        bpf_put32(o + 4, p->big_endian, x->k);
    }
    luaL_pushresultsize(&b, p->n * 8);
}

/* f:export_bpf([file]) -> string | f   (verified first, as load) */
static int l_export_bpf(lua_State *L)
{
    sc_filter *f = sc_checkfilter(L, 1);
    luaL_Stream *s = NULL;
    sc_sim_prog *p;
    if (!lua_isnoneornil(L, 2))
        s = sc_checkfile(L, 2);
    p = sc_filter_checked_program(L, 1, f, "export_bpf");
    lua_settop(L, 2);
    sc_push_program_bytes(L, p);
    if (s == NULL)
        return 1;
    {
        size_t len;
        const char *bytes = lua_tolstring(L, 3, &len);
        if (fwrite(bytes, 1, len, s->f) != len || fflush(s->f) != 0)
            sc_raise(L, "export_bpf", errno ? errno : EIO, "writing the program to the file failed");
    }
    lua_settop(L, 1);
    return 1;
}

/* f:verify([opts]) -> true | false, report
 * opts = { budget = vectors per syscall and arch (default 2^20), seed = integer } */
static int l_verify(lua_State *L)
{
    sc_filter *f = sc_checkfilter(L, 1);
    lua_Integer budget = SC_VERIFY_BUDGET, seed = 0;
    sc_sim_prog *p;
    sc_vresult r;
    if (!lua_isnoneornil(L, 2)) {
        static const char *const keys[] = {"budget", "seed", NULL};
        luaL_checktype(L, 2, LUA_TTABLE);
        sc_check_options(L, 2, 2, keys);
        lua_pushnil(L);
        while (lua_next(L, 2) != 0) {
            const char *k = lua_tostring(L, -2);
            int ok;
            lua_Integer v = lua_tointegerx(L, -1, &ok);
            if (strcmp(k, "budget") == 0 && ok && lua_type(L, -1) == LUA_TNUMBER && v >= 1)
                budget = v;
            else if (strcmp(k, "seed") == 0 && ok && lua_type(L, -1) == LUA_TNUMBER)
                seed = v;
            else
                sc_argerror(L, 2, lua_pushfstring(L, "opts.%s must be %s, got %s", k,
                              k[0] == 'b' ? "a positive integer" : "an integer", sc_repr(L, -1)));
            lua_pop(L, 1);
        }
    }
    lua_settop(L, 1);
    p = sc_filter_program(L, 1, f, "verify");
    sc_verify_push(L, 1, f, p, (uint64_t)budget, (uint64_t)seed, &r);
    /* kept for load, spawn and export_bpf when it is what they would accept */
    if (r.total == 0 && budget >= SC_VERIFY_BUDGET &&
        (r.exhaustive || p->compiler_used == SC_COMPILER_BINDING || f->verify == SC_VERIFY_SAMPLE))
        p->verified = 1;
    lua_pushboolean(L, r.total == 0);
    lua_insert(L, -2);
    return 2;
}

static const luaL_Reg sc_program_filter_methods[] = {
    {"load", l_load},
    {"export_bpf", l_export_bpf},
    {"verify", l_verify},
    {NULL, NULL},
};

static void sc_open_program(lua_State *L)
{
    static const luaL_Reg varea_meta[] = {{"__gc", l_varea_gc}, {NULL, NULL}};
    sc_new_type(L, SC_VERIFY_MT, varea_meta, NULL, NULL);
    sc_add_methods(L, SC_FILTER_MT, sc_program_filter_methods);
}
