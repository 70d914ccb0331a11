/*
 * features.c - the one table of what each optional feature needs.
 *
 * A feature is present only when min(compiled headers, running library)
 * reaches its libseccomp version, the API level reaches its level, and the
 * running kernel reaches its version (for the notify ioctls libseccomp does
 * not probe). seccomp.supports() and every gated call read this table.
 */
#include "core.h"
#include <stdio.h>
#include <sys/utsname.h>

static const struct sc_feature sc_features[] = {
    {"log", SC_GATE_LOG, SC_VER(2, 4, 0), 3, 0},
    {"kill_process", SC_GATE_KILL_PROCESS, SC_VER(2, 4, 0), 3, 0},
    {"tskip", SC_GATE_TSKIP, SC_VER(2, 3, 2), 0, 0},
    {"ssb", SC_GATE_SSB, SC_VER(2, 5, 0), 4, 0},
    {"optimize", SC_GATE_OPTIMIZE, SC_VER(2, 5, 0), 0, 0},
    {"raw_rc", SC_GATE_RAW_RC, SC_VER(2, 5, 0), 0, 0},
    {"notify", SC_GATE_NOTIFY, SC_VER(2, 5, 0), 5, 0},
    {"tsync_notify", SC_GATE_NOTIFY, SC_VER(2, 5, 0), 6, 0},
    {"notify_continue", SC_GATE_NOTIFY, SC_VER(2, 5, 0), 5, SC_VER(5, 5, 0)},
    {"notify_addfd", SC_GATE_NOTIFY, SC_VER(2, 5, 0), 5, SC_VER(5, 9, 0)},
    {"notify_addfd_send", SC_GATE_NOTIFY, SC_VER(2, 5, 0), 5, SC_VER(5, 14, 0)},
    {"wait_kill", SC_GATE_WAIT_KILL, SC_VER(2, 6, 0), 7, 0},
    /* the module's own (filter.c): nothing from libseccomp */
    {"transactions", 1, SC_VER(2, 3, 1), 0, 0},
    {"precompute", SC_GATE_PRECOMPUTE, SC_VER(2, 6, 0), 0, 0},
    {"export_bpf_mem", SC_GATE_EXPORT_BPF_MEM, SC_VER(2, 6, 0), 0, 0},
};

#define SC_NFEATURES (sizeof(sc_features) / sizeof(sc_features[0]))

static int sc_runtime_version(void)
{
    const struct scmp_version *v = seccomp_version();
    return v ? SC_VER((int)v->major, (int)v->minor, (int)v->micro) : SC_COMPILED;
}

/* The API level libseccomp reports; 0 where the call does not exist. */
static unsigned sc_api_level(void)
{
#if SC_GATE_API_LEVEL
    if (seccomp_api_get != NULL && sc_runtime_version() >= SC_VER(2, 4, 0))
        return seccomp_api_get();
#endif
    return 0;
}

static int sc_kernel_version(void)
{
    struct utsname u;
    int a = 0, b = 0, c = 0;
    if (uname(&u) != 0 || sscanf(u.release, "%d.%d.%d", &a, &b, &c) < 2)
        return 0;
    /* SC_VER has two digits per level, and kernels count patches past 99
     * (5.4.100 must stay below 5.5): the features only ask for x.y.0 */
    if (b > 99)
        b = 99;
    if (c > 99)
        c = 99;
    return SC_VER(a, b, c);
}

/* noinline: gcc 12 -O3 misreads the inlined constant-string compares (-Wstring-compare) */
__attribute__((noinline)) static const struct sc_feature *sc_feature_find(const char *name)
{
    size_t i;
    for (i = 0; i < SC_NFEATURES; i++)
        if (strcmp(sc_features[i].name, name) == 0)
            return &sc_features[i];
    return NULL;
}

/* The weakly referenced functions a feature calls: NULL names the first
 * one the running library does not have (a library that reports a new
 * version without them must not be called through a NULL pointer). */
static const char *sc_feature_missing_symbol(const struct sc_feature *f)
{
#if SC_GATE_NOTIFY
    if (strcmp(f->name, "notify") == 0 && seccomp_notify_fd == NULL)
        return "seccomp_notify_fd";
#endif
#if SC_GATE_PRECOMPUTE
    if (strcmp(f->name, "precompute") == 0 && seccomp_precompute == NULL)
        return "seccomp_precompute";
#endif
#if SC_GATE_EXPORT_BPF_MEM
    if (strcmp(f->name, "export_bpf_mem") == 0 && seccomp_export_bpf_mem == NULL)
        return "seccomp_export_bpf_mem";
#endif
    (void)f;
    return NULL;
}

#define SC_VFMT "%d.%d.%d"
#define SC_VARGS(v) (v) / 10000, (v) / 100 % 100, (v) % 100

/* 1 when the feature is present; otherwise 0 with a message pushed that
 * names what it needs and what is there. */
static int sc_feature_check(lua_State *L, const struct sc_feature *f)
{
    int run = sc_runtime_version();
    unsigned api = sc_api_level();
    if (!f->compiled || run < f->ver || api < f->api) {
        char apineed[32] = "";
        if (f->api)
            snprintf(apineed, sizeof apineed, " and API level >= %u", f->api);
        lua_pushfstring(L, "feature '%s' needs libseccomp >= " SC_VFMT "%s; "
                        "compiled against " SC_VFMT ", running " SC_VFMT ", API level %d",
                        f->name, SC_VARGS(f->ver), apineed,
                        SC_VARGS(SC_COMPILED), SC_VARGS(run), (int)api);
        return 0;
    }
    if (sc_feature_missing_symbol(f) != NULL) {
        lua_pushfstring(L, "feature '%s' needs %s, which the running libseccomp lacks", f->name,
                        sc_feature_missing_symbol(f));
        return 0;
    }
    if (f->kernel && sc_kernel_version() < f->kernel) {
        int k = sc_kernel_version();
        lua_pushfstring(L, "feature '%s' needs kernel >= %d.%d; running %d.%d",
                        f->name, f->kernel / 10000, f->kernel / 100 % 100,
                        k / 10000, k / 100 % 100);
        return 0;
    }
    return 1;
}

/* Raise the error object for a missing feature, as operation `op`. */
static void sc_require(lua_State *L, const char *op, const char *feature)
{
    const struct sc_feature *f = sc_feature_find(feature);
    if (f && sc_feature_check(L, f))
        return;
    sc_raise(L, op, EOPNOTSUPP, f ? lua_tostring(L, -1) : "unknown feature");
}

/* Is the feature present? No message, no raise. */
static int sc_has(lua_State *L, const char *feature)
{
    const struct sc_feature *f = sc_feature_find(feature);
    int top = lua_gettop(L), ok = f && sc_feature_check(L, f);
    lua_settop(L, top);
    return ok;
}

/* seccomp.supports(feature) -> true | false, message */
static int l_supports(lua_State *L)
{
    const char *name = luaL_checkstring(L, 1);
    const struct sc_feature *f = sc_feature_find(name);
    if (f == NULL)
        return sc_argerror_value(L, 1, "unknown feature");
    if (sc_feature_check(L, f)) {
        lua_pushboolean(L, 1);
        return 1;
    }
    lua_pushboolean(L, 0);
    lua_insert(L, -2);
    return 2;
}

/* seccomp.features() -> list of every feature name supports() knows */
static int l_features(lua_State *L)
{
    size_t i;
    lua_createtable(L, (int)SC_NFEATURES, 0);
    for (i = 0; i < SC_NFEATURES; i++) {
        lua_pushstring(L, sc_features[i].name);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}
