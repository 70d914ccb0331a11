/*
 * names.c - every kind of name, parsed in exactly one place.
 *
 * Each sc_parse_* function reads the Lua value at `idx`; on success it stores
 * the result and returns NULL with the stack unchanged, on failure it pushes
 * a message (naming the offending value) and returns it.  sc_check_* raise
 * that message as an argument error; seccomp.parse() returns it as nil, msg.
 * So every entry point, and the Lua layer's located messages, say the same.
 */
#include "core.h"
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>

/* ---- arches ------------------------------------------------------------ */


static const struct {
    const char *alias, *name;
} sc_arch_aliases[] = {
    {"amd64", "x86_64"}, {"arm64", "aarch64"}, {"i386", "x86"},
    {"i686", "x86"},     {"loong64", "loongarch64"},
};

/* Does the running library know this arch? (It may be older than the
 * headers: then the arch is absent, as docs/api.md says.) */
static int sc_arch_known(const struct sc_arch *a)
{
    return seccomp_arch_resolve_name(a->name) == a->token;
}

static const struct sc_arch *sc_arch_by_token(uint32_t token)
{
    size_t i;
    for (i = 0; i < SC_NARCHES; i++)
        if (sc_arches[i].token == token)
            return sc_arch_known(&sc_arches[i]) ? &sc_arches[i] : NULL;
    return NULL;
}

/* Lower-case `s` into buf (size n), dropping a leading `prefix` given in
 * upper case (the OCI spellings "SCMP_ARCH_X86_64", "SCMP_ACT_ALLOW").
 * Returns 0 when the name does not fit. */
static int sc_fold(const char *s, size_t len, const char *prefix, char *buf, size_t n)
{
    size_t i, plen = strlen(prefix);
    if (len > plen && strncmp(s, prefix, plen) == 0) {
        s += plen;
        len -= plen;
    }
    if (len >= n || memchr(s, '\0', len))
        return 0;
    for (i = 0; i < len; i++)
        buf[i] = (char)tolower((unsigned char)s[i]);
    buf[len] = '\0';
    return 1;
}

/* ---- did you mean ---------------------------------------------------------- */

/* The name closest to a misspelt one, case-insensitively: every kind of
 * name's "unknown ..." message goes through sc_push_unknown, which offers
 * it, so a typo, a wrong case ('SOCKET', 'eperm') or '-' for '_' is answered
 * with the right spelling.  Candidates are offered one by one (sc_guess_add)
 * or as a table of structs whose first member is the name (sc_guess_table). */
typedef struct {
    char want[64];
    size_t wlen;
    size_t best_d;
    char best[64];
} sc_guess;

static void sc_guess_init(sc_guess *g, const char *s, size_t len)
{
    size_t i;
    g->wlen = len < sizeof g->want ? len : 0; /* too long: no guess */
    for (i = 0; i < g->wlen; i++)
        g->want[i] = (char)tolower((unsigned char)s[i]);
    g->want[g->wlen] = '\0';
    g->best_d = (size_t)-1;
    g->best[0] = '\0';
}

/* Case-insensitive optimal-string-alignment distance (a transposition
 * counts 1), both strings shorter than 64. */
static size_t sc_distance(const char *a, size_t la, const char *b, size_t lb)
{
    size_t d[64][64], i, j;
    for (i = 0; i <= la; i++)
        d[i][0] = i;
    for (j = 0; j <= lb; j++)
        d[0][j] = j;
    for (i = 1; i <= la; i++)
        for (j = 1; j <= lb; j++) {
            size_t cost = a[i - 1] != tolower((unsigned char)b[j - 1]), v = d[i - 1][j - 1] + cost;
            if (d[i - 1][j] + 1 < v)
                v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v)
                v = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == tolower((unsigned char)b[j - 2]) &&
                a[i - 2] == tolower((unsigned char)b[j - 1]) && d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
        }
    return d[la][lb];
}

static void sc_guess_add(sc_guess *g, const char *cand)
{
    size_t len = strlen(cand), d;
    if (g->wlen == 0 || len >= sizeof g->best)
        return;
    d = sc_distance(g->want, g->wlen, cand, len);
    /* close enough: 1 edit for short names, 2 up to 8 letters, 3 beyond */
    if (d <= (g->wlen <= 4 ? 1u : g->wlen <= 8 ? 2u : 3u) && d < g->best_d) {
        g->best_d = d;
        memcpy(g->best, cand, len + 1);
    }
}

static void sc_guess_table(sc_guess *g, const void *table, size_t n, size_t stride)
{
    size_t i;
    for (i = 0; i < n; i++)
        sc_guess_add(g, *(const char *const *)(const void *)((const char *)table + i * stride));
}

/* Push "unknown <what> 'x' (did you mean 'y'?)"; without a guess, list the
 * names when `list` is given: "unknown <what> 'x' (<intro> a, b)". A guess
 * equal to the value as given (a name unusable here) is not offered. */
static const char *sc_push_unknown_as(lua_State *L, int idx, const char *what, const sc_guess *g,
                                      const char *intro, const char *list)
{
    const char *r = sc_repr(L, idx);
    int same = lua_type(L, idx) == LUA_TSTRING && strcmp(lua_tostring(L, idx), g->best) == 0;
    if (g->best[0] && !same)
        return lua_pushfstring(L, "unknown %s %s (did you mean '%s'?)", what, r, g->best);
    if (list)
        return lua_pushfstring(L, "unknown %s %s (%s %s)", what, r, intro, list);
    return lua_pushfstring(L, "unknown %s %s", what, r);
}

/* The same, the names introduced by "one of:". */
static const char *sc_push_unknown(lua_State *L, int idx, const char *what, const sc_guess *g,
                                   const char *list)
{
    return sc_push_unknown_as(L, idx, what, g, "one of:", list);
}

/* The same for a table of structs whose first member is the name, listing
 * the names when none is close, with `hints` (pairs "other spelling",
 * "name", NULL-terminated) checked first. */
static const char *sc_push_unknown_in(lua_State *L, int idx, const char *what, const void *table,
                                      size_t n, size_t stride, const char *const *hints)
{
    sc_guess g;
    size_t len = 0, i;
    const char *s = lua_type(L, idx) == LUA_TSTRING ? lua_tolstring(L, idx, &len) : "";
    luaL_Buffer b;
    sc_guess_init(&g, s, len);
    for (; hints && hints[0]; hints += 2)
        if (strcmp(g.want, hints[0]) == 0 ||
            (strncmp(g.want, "scmp_fltatr_", 12) == 0 && strcmp(g.want + 12, hints[0]) == 0)) {
            memcpy(g.best, hints[1], strlen(hints[1]) + 1);
            return sc_push_unknown(L, idx, what, &g, NULL);
        }
    sc_guess_table(&g, table, n, stride);
    luaL_buffinit(L, &b);
    for (i = 0; i < n; i++) {
        if (i)
            luaL_addstring(&b, ", ");
        luaL_addstring(&b, *(const char *const *)(const void *)((const char *)table + i * stride));
    }
    luaL_pushresult(&b);
    return sc_push_unknown(L, idx, what, &g, lua_tostring(L, -1));
}

/* ---- option tables -------------------------------------------------------- */

/* Does the key at `a` come before the one at `b`?  Keys of different types
 * by type name, numbers and strings by value: the first unknown key is then
 * the same whatever order next() gives. */
static int sc_key_before(lua_State *L, int a, int b)
{
    int ta = lua_type(L, a), tb = lua_type(L, b);
    if (ta != tb)
        return strcmp(lua_typename(L, ta), lua_typename(L, tb)) < 0;
    if (ta == LUA_TSTRING)
        return strcmp(lua_tostring(L, a), lua_tostring(L, b)) < 0;
    return ta == LUA_TNUMBER && lua_compare(L, a, b, LUA_OPLT);
}

/* The first key (in sc_key_before's order) of the table at `idx` that is
 * not one of `keys` (NULL-terminated), pushed, with the message
 * "unknown <what> 'x' (did you mean 'y'?)" or "unknown <what> 'x' (<intro>
 * a, b, c)" pushed above it and returned.  NULL, and nothing pushed, when
 * every key is known.  The one check of every option table, in C and (as
 * seccomp.core._private.unknown_key) in lua/seccomp. */
static const char *sc_unknown_key(lua_State *L, int idx, const char *const *keys, const char *what,
                                  const char *intro)
{
    const char *const *k;
    int best;
    size_t len = 0;
    const char *s;
    sc_guess g;
    luaL_Buffer b;
    idx = lua_absindex(L, idx);
    lua_pushnil(L); /* the first unknown key so far */
    best = lua_gettop(L);
    lua_pushnil(L);
    while (lua_next(L, idx) != 0) {
        int known = 0;
        lua_pop(L, 1);
        if (lua_type(L, -1) == LUA_TSTRING)
            for (k = keys; *k && !known; k++)
                known = strcmp(lua_tostring(L, -1), *k) == 0;
        if (!known && (lua_isnil(L, best) || sc_key_before(L, -1, best))) {
            lua_pushvalue(L, -1);
            lua_replace(L, best);
        }
    }
    if (lua_isnil(L, best)) {
        lua_pop(L, 1);
        return NULL;
    }
    s = lua_type(L, best) == LUA_TSTRING ? lua_tolstring(L, best, &len) : "";
    sc_guess_init(&g, s, len);
    luaL_buffinit(L, &b);
    for (k = keys; *k; k++) {
        sc_guess_add(&g, *k);
        if (k != keys)
            luaL_addstring(&b, ", ");
        luaL_addstring(&b, *k);
    }
    luaL_pushresult(&b);
    return sc_push_unknown_as(L, best, what, &g, intro, lua_tostring(L, -1));
}

/* Raise an argument error at `arg` for the first unknown key of the option
 * table at `idx`. */
static void sc_check_options(lua_State *L, int idx, int arg, const char *const *keys)
{
    const char *msg = sc_unknown_key(L, idx, keys, "option", "the options are");
    if (msg != NULL)
        sc_argerror(L, arg, msg);
}

/* The strings of the Lua list at `arg` into names[] (NULL-terminated, at
 * most max - 1; they stay referenced by the list). */
static void sc_check_names(lua_State *L, int arg, const char **names, size_t max)
{
    size_t i, n;
    luaL_checktype(L, arg, LUA_TTABLE);
    n = lua_rawlen(L, arg);
    luaL_argcheck(L, n < max, arg, "too many names");
    for (i = 0; i < n; i++) {
        int t = lua_rawgeti(L, arg, (lua_Integer)i + 1);
        luaL_argcheck(L, t == LUA_TSTRING, arg, "a list of strings expected");
        names[i] = lua_tostring(L, -1);
        lua_pop(L, 1);
    }
    names[n] = NULL;
}

/* seccomp.core._private.unknown_key(t, keys, what, intro) -> nil | key, message
 * (keys: a list of strings) */
static int l_unknown_key(lua_State *L)
{
    const char *list[128];
    luaL_checktype(L, 1, LUA_TTABLE);
    sc_check_names(L, 2, list, sizeof list / sizeof list[0]);
    luaL_checkstring(L, 3);
    luaL_checkstring(L, 4);
    lua_settop(L, 4);
    if (sc_unknown_key(L, 1, list, lua_tostring(L, 3), lua_tostring(L, 4)) == NULL)
        return 0;
    lua_pushvalue(L, 5); /* the key sc_unknown_key pushed first */
    lua_insert(L, -2);
    return 2;
}

/* seccomp.core._private.guess(word, names) -> the name of the list closest
 * to a misspelt word, or nil: the "did you mean" of every message */
static int l_guess(lua_State *L)
{
    const char *list[512], *const *k;
    size_t len;
    const char *s = luaL_checklstring(L, 1, &len);
    sc_guess g;
    sc_check_names(L, 2, list, sizeof list / sizeof list[0]);
    sc_guess_init(&g, s, len);
    for (k = list; *k; k++)
        sc_guess_add(&g, *k);
    if (g.best[0] == '\0' || strcmp(g.best, s) == 0)
        return 0;
    lua_pushstring(L, g.best);
    return 1;
}

/* Is `s` the lower-case name `name`, in any case?  (Action, arch and
 * attribute names are case-insensitive; syscall and errno names are not.) */
static int sc_name_is(const char *name, const char *s)
{
    for (; *name && tolower((unsigned char)*s) == *name; name++, s++)
        ;
    return *name == '\0' && *s == '\0';
}


/* "unknown arch 'x86-64' (did you mean 'x86_64'?)", or the list: only the
 * arches the running libseccomp knows are offered. */
static const char *sc_push_unknown_arch(lua_State *L, int idx)
{
    size_t i, len = 0;
    const char *s = lua_type(L, idx) == LUA_TSTRING ? lua_tolstring(L, idx, &len) : "";
    int first = 1;
    sc_guess g;
    luaL_Buffer b;
    sc_guess_init(&g, s, len);
    luaL_buffinit(L, &b);
    for (i = 0; i < SC_NARCHES; i++) {
        if (!sc_arch_known(&sc_arches[i]))
            continue;
        sc_guess_add(&g, sc_arches[i].name);
        if (!first)
            luaL_addstring(&b, ", ");
        luaL_addstring(&b, sc_arches[i].name);
        first = 0;
    }
    luaL_pushresult(&b);
    return sc_push_unknown(L, idx, "arch", &g, lua_tostring(L, -1));
}

static const char *sc_parse_arch(lua_State *L, int idx, uint32_t *out)
{
    size_t i, len;
    char buf[32];
    const char *s;
    if (lua_type(L, idx) == LUA_TNUMBER) {
        int ok;
        lua_Integer v = lua_tointegerx(L, idx, &ok);
        if (ok && v == 0) {
            *out = seccomp_arch_native();
            return NULL;
        }
        if (ok && v > 0 && v <= 0xffffffffLL && sc_arch_by_token((uint32_t)v)) {
            *out = (uint32_t)v;
            return NULL;
        }
        return lua_pushfstring(L, "unknown arch %s", sc_repr(L, idx));
    }
    if (lua_type(L, idx) != LUA_TSTRING)
        return lua_pushfstring(L, "arch name or number expected, got %s", luaL_typename(L, idx));
    s = lua_tolstring(L, idx, &len);
    if (sc_fold(s, len, "SCMP_ARCH_", buf, sizeof buf)) {
        if (strcmp(buf, "native") == 0) {
            *out = seccomp_arch_native();
            return NULL;
        }
        for (i = 0; i < sizeof sc_arch_aliases / sizeof sc_arch_aliases[0]; i++)
            if (strcmp(buf, sc_arch_aliases[i].alias) == 0) {
                memcpy(buf, sc_arch_aliases[i].name, strlen(sc_arch_aliases[i].name) + 1);
                break;
            }
        for (i = 0; i < SC_NARCHES; i++)
            if (strcmp(buf, sc_arches[i].name) == 0 && sc_arch_known(&sc_arches[i])) {
                *out = sc_arches[i].token;
                return NULL;
            }
    }
    return sc_push_unknown_arch(L, idx);
}

static const char *sc_arch_name(uint32_t token)
{
    const struct sc_arch *a = sc_arch_by_token(token);
    return a ? a->name : NULL;
}

/* ---- errnos -------------------------------------------------------------- */

/* An errno as a name ("EPERM") or a number 0..4095; `allow_negative` also
 * takes -4095..-1 (notify responses take either sign). */
static const char *sc_parse_errno(lua_State *L, int idx, int allow_negative, int *out)
{
    if (lua_type(L, idx) == LUA_TNUMBER) {
        int ok;
        lua_Integer v = lua_tointegerx(L, idx, &ok);
        if (!ok)
            return lua_pushfstring(L, "errno %s is not an integer", sc_repr(L, idx));
        /* range first: negating math.mininteger would overflow */
        if (v < (allow_negative ? -SC_MAX_ERRNO : 0) || v > SC_MAX_ERRNO)
            return allow_negative ? lua_pushfstring(L, "errno %s out of range -%d..%d", sc_repr(L, idx),
                                                    SC_MAX_ERRNO, SC_MAX_ERRNO)
                                  : lua_pushfstring(L, "errno %s out of range 0..%d", sc_repr(L, idx),
                                                    SC_MAX_ERRNO);
        if (v < 0)
            v = -v;
        *out = (int)v;
        return NULL;
    }
    if (lua_type(L, idx) == LUA_TSTRING) {
        int v = sc_errno_value(lua_tostring(L, idx));
        if (v < 0) {
            size_t len;
            const char *s = lua_tolstring(L, idx, &len);
            size_t ne;
            const struct sc_errno_entry *et = sc_errnos_table(&ne);
            sc_guess g;
            sc_guess_init(&g, s, len);
            sc_guess_table(&g, et, ne, sizeof et[0]);
            return sc_push_unknown(L, idx, "errno", &g, NULL);
        }
        *out = v;
        return NULL;
    }
    return lua_pushfstring(L, "errno name or number expected, got %s", luaL_typename(L, idx));
}

/* ---- actions ------------------------------------------------------------- */

/* Is `a` an action value the kernel defines, with data only where it may
 * carry data (errno, trace)? */
static int sc_action_valid(uint32_t a)
{
    switch (a & BPF_SC_RET_ACTION_FULL) {
    case BPF_SC_RET_ERRNO:
        return (a & 0xffffU) <= SC_MAX_ERRNO;
    case BPF_SC_RET_TRACE:
        return 1;
    case BPF_SC_RET_KILL_PROCESS:
    case BPF_SC_RET_KILL_THREAD:
    case BPF_SC_RET_TRAP:
    case BPF_SC_RET_USER_NOTIF:
    case BPF_SC_RET_LOG:
    case BPF_SC_RET_ALLOW:
        return (a & 0xffffU) == 0;
    default:
        return 0;
    }
}

/* The feature an action needs, or NULL. */
static const char *sc_action_feature(uint32_t a)
{
    switch (a & BPF_SC_RET_ACTION_FULL) {
    case BPF_SC_RET_KILL_PROCESS:
        return "kill_process";
    case BPF_SC_RET_LOG:
        return "log";
    case BPF_SC_RET_USER_NOTIF:
        return "notify";
    default:
        return NULL;
    }
}

/* Parse the argument of "errno(...)" / "trace(...)" in s[0..len). */
static const char *sc_parse_action_arg(lua_State *L, const char *s, size_t len, int is_errno,
                                       uint32_t *data)
{
    int top = lua_gettop(L), e = 0; /* set by sc_parse_errno when it returns NULL */
    const char *msg = NULL;
    lua_pushlstring(L, s, len); /* top + 1: the text */
    if (!is_errno || isdigit((unsigned char)s[0]) || s[0] == '-') {
        if (lua_stringtonumber(L, lua_tostring(L, top + 1)) == 0 || !lua_isinteger(L, -1))
            msg = lua_pushfstring(L, "bad %s value '%s'", is_errno ? "errno" : "trace",
                                  lua_tostring(L, top + 1));
        else
            lua_replace(L, top + 1); /* the number */
    }
    if (msg == NULL && is_errno) {
        msg = sc_parse_errno(L, top + 1, 0, &e);
        if (msg == NULL)
            *data = (uint32_t)e;
    } else if (msg == NULL) {
        lua_Integer v = lua_tointeger(L, top + 1);
        if (v < 0 || v > 0xffff)
            msg = lua_pushfstring(L, "trace value %I out of range 0..65535", (LUAI_UACINT)v);
        else
            *data = (uint32_t)v;
    }
    if (msg == NULL) {
        lua_settop(L, top);
        return NULL;
    }
    lua_replace(L, top + 1); /* keep only the message */
    lua_settop(L, top + 1);
    return msg;
}

#define SC_ACTION_LIST                                                                   \
    "allow, errno(ENAME|N), kill_process, kill_thread, kill, trap, log, notify, trace(N)"

static const char *sc_parse_action(lua_State *L, int idx, uint32_t *out)
{
    static const struct {
        const char *name;
        uint32_t value;
    } plain[] = {
        {"allow", BPF_SC_RET_ALLOW},         {"kill_process", BPF_SC_RET_KILL_PROCESS},
        {"kill_thread", BPF_SC_RET_KILL_THREAD}, {"kill", BPF_SC_RET_KILL_THREAD},
        {"trap", BPF_SC_RET_TRAP},           {"log", BPF_SC_RET_LOG},
        {"notify", BPF_SC_RET_USER_NOTIF},
    };
    uint32_t a = 0;
    if (lua_type(L, idx) == LUA_TNUMBER) {
        int ok;
        lua_Integer v = lua_tointegerx(L, idx, &ok);
        if (!ok || v < 0 || v > 0xffffffffLL || !sc_action_valid((uint32_t)v))
            return lua_pushfstring(L, "unknown action %s", sc_repr(L, idx));
        a = (uint32_t)v;
    } else if (lua_type(L, idx) == LUA_TSTRING) {
        size_t len, i, n;
        char buf[64];
        const char *s = lua_tolstring(L, idx, &len);
        int found = 0;
        if (!sc_fold(s, len, "SCMP_ACT_", buf, sizeof buf))
            return lua_pushfstring(L, "unknown action %s (one of: %s)", sc_repr(L, idx), SC_ACTION_LIST);
        for (i = 0; i < sizeof plain / sizeof plain[0]; i++)
            if (strcmp(buf, plain[i].name) == 0) {
                a = plain[i].value;
                found = 1;
                break;
            }
        n = strlen(buf);
        if (!found && (strcmp(buf, "errno") == 0 || strcmp(buf, "trace") == 0)) {
            /* OCI's bare SCMP_ACT_ERRNO / SCMP_ACT_TRACE: errnoRet defaults to EPERM */
            a = (buf[0] == 'e' ? BPF_SC_RET_ERRNO : BPF_SC_RET_TRACE) | EPERM;
            found = 1;
        }
        if (!found && n > 7 && buf[n - 1] == ')' &&
            (strncmp(buf, "errno(", 6) == 0 || strncmp(buf, "trace(", 6) == 0)) {
            int is_errno = buf[0] == 'e';
            uint32_t data = 0;
            /* the argument keeps its case: errno names are upper case */
            const char *arg = s + (len - n) + 6;
            size_t alen = n - 7;
            const char *msg;
            while (alen && isspace((unsigned char)*arg))
                arg++, alen--;
            while (alen && isspace((unsigned char)arg[alen - 1]))
                alen--;
            if (alen == 0)
                return lua_pushfstring(L, "unknown action %s", sc_repr(L, idx));
            msg = sc_parse_action_arg(L, arg, alen, is_errno, &data);
            if (msg)
                return lua_pushfstring(L, "%s in action %s", msg, sc_repr(L, idx));
            a = (is_errno ? BPF_SC_RET_ERRNO : BPF_SC_RET_TRACE) | data;
            found = 1;
        }
        if (!found) {
            sc_guess g;
            char ename[32];
            sc_guess_init(&g, buf, n);
            /* an errno name where the action goes ("EPERM"): the errno action */
            for (i = 0; i < n && i + 1 < sizeof ename; i++)
                ename[i] = (char)toupper((unsigned char)buf[i]);
            ename[i] = '\0';
            if (i == n && n > 1 && ename[0] == 'E' && sc_errno_value(ename) > 0) {
                snprintf(g.best, sizeof g.best, "errno(%s)", ename);
                return sc_push_unknown(L, idx, "action", &g, NULL);
            }
            sc_guess_table(&g, plain, sizeof plain / sizeof plain[0], sizeof plain[0]);
            sc_guess_add(&g, "errno(EPERM)");
            sc_guess_add(&g, "trace(0)");
            return sc_push_unknown(L, idx, "action", &g, SC_ACTION_LIST);
        }
    } else {
        return lua_pushfstring(L, "action name or number expected, got %s", luaL_typename(L, idx));
    }
    *out = a;
    return NULL;
}

/* Is the action at idx a bare "errno" or "trace" (any case, OCI's
 * SCMP_ACT_ prefix too), which sc_parse_action takes as errno(EPERM) /
 * trace(1)?  The filter that gets one keeps a note (notes.c). */
static int sc_action_defaulted(lua_State *L, int idx)
{
    char buf[16];
    size_t len;
    const char *s;
    if (lua_type(L, idx) != LUA_TSTRING)
        return 0;
    s = lua_tolstring(L, idx, &len);
    return sc_fold(s, len, "SCMP_ACT_", buf, sizeof buf) &&
           (strcmp(buf, "errno") == 0 || strcmp(buf, "trace") == 0);
}

/* An action that goes into a filter: parsed, and usable with the library
 * and kernel in use (naming an action needs no support; using one does). */
static uint32_t sc_check_usable_action(lua_State *L, int arg)
{
    uint32_t a = 0;
    const char *msg = sc_parse_action(L, arg, &a), *feature;
    if (msg)
        sc_argerror(L, arg, msg);
    feature = sc_action_feature(a);
    if (feature && !sc_has(L, feature)) {
        int why = lua_gettop(L) + 1;
        sc_feature_check(L, sc_feature_find(feature));
        sc_repr(L, arg);
        sc_argerror(L, arg, lua_pushfstring(L, "action %s unavailable: %s",
                      lua_tostring(L, why + 1), lua_tostring(L, why)));
    }
    return a;
}

/* The canonical text of a valid action: "allow", "errno(EPERM)", "trace(3)",
 * into buf.  The one naming of actions: action_name, tostring(f), messages
 * and seccomp.disasm all use it. */
static void sc_action_text(uint32_t a, char *buf, size_t n)
{
    uint32_t data = a & 0xffffU;
    const char *en;
    switch (a & BPF_SC_RET_ACTION_FULL) {
    case BPF_SC_RET_ALLOW: snprintf(buf, n, "allow"); break;
    case BPF_SC_RET_KILL_PROCESS: snprintf(buf, n, "kill_process"); break;
    case BPF_SC_RET_KILL_THREAD: snprintf(buf, n, "kill_thread"); break;
    case BPF_SC_RET_TRAP: snprintf(buf, n, "trap"); break;
    case BPF_SC_RET_LOG: snprintf(buf, n, "log"); break;
    case BPF_SC_RET_USER_NOTIF: snprintf(buf, n, "notify"); break;
    case BPF_SC_RET_TRACE: snprintf(buf, n, "trace(%u)", (unsigned)data); break;
    case BPF_SC_RET_ERRNO:
        en = sc_errno_name((int)data);
        if (en && data)
            snprintf(buf, n, "errno(%s)", en);
        else
            snprintf(buf, n, "errno(%u)", (unsigned)data);
        break;
    default: snprintf(buf, n, "action(0x%08x)", (unsigned)a); break;
    }
}

static const char *sc_push_action_name(lua_State *L, uint32_t a)
{
    char buf[48];
    sc_action_text(a, buf, sizeof buf);
    return lua_pushstring(L, buf);
}

/* seccomp.disasm's notes (bpf.c's BPF_DISASM_* hooks, set in module.c): the
 * names arch_name and action_name give; an action the kernel would not
 * accept as written keeps the interpreter's own description. */
static const char *sc_disasm_arch_name(uint32_t audit_arch)
{
    return sc_arch_name(audit_arch);
}

static int sc_disasm_action_name(uint32_t k, char *buf, size_t n)
{
    if (!sc_action_valid(k))
        return 0;
    sc_action_text(k, buf, n);
    return 1;
}

/* ---- syscalls ------------------------------------------------------------ */

static const char *sc_push_unknown_syscall(lua_State *L, int idx);

/* A syscall for add_rule and friends: a name resolved by libseccomp's native
 * resolver (negative pseudo numbers included), or a number passed unchanged. */
static const char *sc_parse_syscall(lua_State *L, int idx, int *out)
{
    if (lua_type(L, idx) == LUA_TNUMBER) {
        int ok;
        lua_Integer v = lua_tointegerx(L, idx, &ok);
        if (!ok || v < INT32_MIN || v > INT32_MAX)
            return lua_pushfstring(L, "bad syscall number %s", sc_repr(L, idx));
        *out = (int)v;
        return NULL;
    }
    if (lua_type(L, idx) == LUA_TSTRING) {
        size_t len;
        const char *s = lua_tolstring(L, idx, &len);
        int nr = len && strlen(s) == len ? seccomp_syscall_resolve_name(s) : __NR_SCMP_ERROR;
        if (nr == __NR_SCMP_ERROR)
            return sc_push_unknown_syscall(L, idx);
        *out = nr;
        return NULL;
    }
    return lua_pushfstring(L, "syscall name or number expected, got %s", luaL_typename(L, idx));
}

/* Copy libseccomp's malloc'd name into buf and free it at once, so nothing
 * malloc'd is held across a Lua call. Returns 0 when there is no name. */
static int sc_syscall_name(uint32_t arch, int nr, char *buf, size_t n)
{
    char *s = seccomp_syscall_resolve_num_arch(arch, nr);
    if (s == NULL)
        return 0;
    snprintf(buf, n, "%s", s);
    free(s);
    return 1;
}

/* "unknown syscall 'scoket' (did you mean 'socket'?)": the native arch's
 * names are the candidates (the arch's table, built once: ledger.c). */
static const char *sc_push_unknown_syscall(lua_State *L, int idx)
{
    size_t len = 0, i;
    const char *s = lua_type(L, idx) == LUA_TSTRING ? lua_tolstring(L, idx, &len) : "";
    const sc_nrtab *t = sc_arch_table(seccomp_arch_native());
    sc_guess g;
    sc_guess_init(&g, s, len);
    for (i = 0; g.wlen && t != NULL && i < t->n; i++)
        sc_guess_add(&g, t->name[i]);
    return sc_push_unknown(L, idx, "syscall", &g, NULL);
}

/* ---- compare operators --------------------------------------------------- */


static const char *sc_op_symbol(enum scmp_compare op)
{
    size_t i;
    for (i = 0; i < SC_NOPS; i++)
        if (sc_ops[i].op == op)
            return sc_ops[i].sym;
    return "?";
}

/* Other spellings of the operators, answered with "did you mean": '=' (an
 * assignment elsewhere), '=>' and '=<' (the two characters the other way
 * round), Lua's '~=', SQL's '<>', and names a builder method might have
 * (lte, equal, masked). */
static const char *const sc_op_hints[] = {
    "=",  "==", "===", "==", "=>",  ">=", "=<",  "<=", "=!",  "!=", "!==", "!=", "~=", "!=",
    "<>", "!=", "&",   "&=", "=&",  "&=", "&==", "&=", "lte", "le", "gte", "ge", "equal", "eq",
    "equals", "eq", "masked", "masked_eq", NULL,
};

/* The guess for a misspelt operator s[0..len): another spelling of one
 * (sc_op_hints), or the closest name ("eq"); symbols are too short for a
 * distance to mean anything, so only names are guessed. */
static void sc_guess_op(sc_guess *g, const char *s, size_t len)
{
    const char *const *h;
    size_t i;
    sc_guess_init(g, s, len);
    for (h = sc_op_hints; h[0]; h += 2)
        if (strcmp(g->want, h[0]) == 0) {
            snprintf(g->best, sizeof g->best, "%s", h[1]);
            return;
        }
    if (isalpha((unsigned char)g->want[0]))
        for (i = 0; i < SC_NOPS; i++)
            sc_guess_add(g, sc_ops[i].name);
}

/* The operator name closest to s (a builder's misspelt method), into buf;
 * NULL when none is close or the guess is not a name. */
static const char *sc_op_name_guess(const char *s, char *buf, size_t n)
{
    sc_guess g;
    size_t len;
    sc_guess_op(&g, s, strlen(s));
    len = strlen(g.best);
    if (!isalpha((unsigned char)g.best[0]) || strcmp(g.best, s) == 0 || len >= n)
        return NULL;
    memcpy(buf, g.best, len + 1);
    return buf;
}

/* Push "unknown operator 'x'", with "(did you mean 'y'?)" when sc_guess_op
 * has one: the message of every condition form (cond.c's strings too). */
static const char *sc_push_unknown_op(lua_State *L, int idx)
{
    size_t len = 0;
    const char *s = lua_type(L, idx) == LUA_TSTRING ? lua_tolstring(L, idx, &len) : "";
    sc_guess g;
    sc_guess_op(&g, s, len);
    return sc_push_unknown_as(L, idx, "operator", &g, NULL, NULL);
}

/* "==" and friends, "eq" and friends, "SCMP_CMP_EQ", or a CMP_* number. */
static const char *sc_parse_op(lua_State *L, int idx, enum scmp_compare *out)
{
    size_t i;
    if (lua_type(L, idx) == LUA_TNUMBER) {
        int ok;
        lua_Integer v = lua_tointegerx(L, idx, &ok);
        for (i = 0; ok && i < SC_NOPS; i++)
            if ((lua_Integer)sc_ops[i].op == v) {
                *out = sc_ops[i].op;
                return NULL;
            }
    } else if (lua_type(L, idx) == LUA_TSTRING) {
        size_t len;
        char buf[24];
        const char *s = lua_tolstring(L, idx, &len);
        for (i = 0; i < SC_NOPS; i++)
            if (strcmp(s, sc_ops[i].sym) == 0) {
                *out = sc_ops[i].op;
                return NULL;
            }
        if (sc_fold(s, len, "SCMP_CMP_", buf, sizeof buf))
            for (i = 0; i < SC_NOPS; i++)
                if (strcmp(buf, sc_ops[i].name) == 0) {
                    *out = sc_ops[i].op;
                    return NULL;
                }
    } else {
        return lua_pushfstring(L, "operator expected, got %s", luaL_typename(L, idx));
    }
    return sc_push_unknown_op(L, idx);
}

/* ---- the raising forms --------------------------------------------------- */

#define SC_CHECKER(name, type, parse)                                          \
    static type name(lua_State *L, int arg)                                    \
    {                                                                          \
        type v = 0;                                                            \
        const char *msg = parse(L, arg, &v);                                   \
        if (msg)                                                               \
            sc_argerror(L, arg, msg);                                        \
        return v;                                                              \
    }

SC_CHECKER(sc_check_arch, uint32_t, sc_parse_arch)
SC_CHECKER(sc_check_action, uint32_t, sc_parse_action)
SC_CHECKER(sc_check_syscall, int, sc_parse_syscall)

static int sc_check_errno(lua_State *L, int arg, int allow_negative)
{
    int v = 0;
    const char *msg = sc_parse_errno(L, arg, allow_negative, &v);
    if (msg)
        sc_argerror(L, arg, msg);
    return v;
}
