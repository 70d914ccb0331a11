/*
 * errors.c - how the core reports failure.
 *
 * Two kinds, as docs/api.md ("Errors") describes them:
 *  - a bad argument from Lua is an ordinary Lua argument error
 *    ("bad argument #2 to 'add_rule' (unknown syscall 'opne')");
 *  - a libseccomp or kernel failure raises an error object
 *    { op, errno, ename, message, where } whose __tostring reads
 *    "policy.lua:12: seccomp.load: Permission denied (EACCES)".
 * The errno table is the C library's own list, used both ways (names in
 * actions and notify responses, names in error objects).
 */
#include "core.h"
#include <errno.h>
#include <string.h>

#define SC_ERROR_MT "seccomp.error"
/* registry key: the source prefix of the module's own Lua files */
#define SC_OWN_SOURCE "seccomp.own_source"

static const struct sc_errno_entry sc_errnos[] = {
#ifdef EPERM
    {"EPERM", EPERM},
#endif
#ifdef ENOENT
    {"ENOENT", ENOENT},
#endif
#ifdef ESRCH
    {"ESRCH", ESRCH},
#endif
#ifdef EINTR
    {"EINTR", EINTR},
#endif
#ifdef EIO
    {"EIO", EIO},
#endif
#ifdef ENXIO
    {"ENXIO", ENXIO},
#endif
#ifdef E2BIG
    {"E2BIG", E2BIG},
#endif
#ifdef ENOEXEC
    {"ENOEXEC", ENOEXEC},
#endif
#ifdef EBADF
    {"EBADF", EBADF},
#endif
#ifdef ECHILD
    {"ECHILD", ECHILD},
#endif
#ifdef EAGAIN
    {"EAGAIN", EAGAIN},
#endif
#ifdef ENOMEM
    {"ENOMEM", ENOMEM},
#endif
#ifdef EACCES
    {"EACCES", EACCES},
#endif
#ifdef EFAULT
    {"EFAULT", EFAULT},
#endif
#ifdef ENOTBLK
    {"ENOTBLK", ENOTBLK},
#endif
#ifdef EBUSY
    {"EBUSY", EBUSY},
#endif
#ifdef EEXIST
    {"EEXIST", EEXIST},
#endif
#ifdef EXDEV
    {"EXDEV", EXDEV},
#endif
#ifdef ENODEV
    {"ENODEV", ENODEV},
#endif
#ifdef ENOTDIR
    {"ENOTDIR", ENOTDIR},
#endif
#ifdef EISDIR
    {"EISDIR", EISDIR},
#endif
#ifdef EINVAL
    {"EINVAL", EINVAL},
#endif
#ifdef ENFILE
    {"ENFILE", ENFILE},
#endif
#ifdef EMFILE
    {"EMFILE", EMFILE},
#endif
#ifdef ENOTTY
    {"ENOTTY", ENOTTY},
#endif
#ifdef ETXTBSY
    {"ETXTBSY", ETXTBSY},
#endif
#ifdef EFBIG
    {"EFBIG", EFBIG},
#endif
#ifdef ENOSPC
    {"ENOSPC", ENOSPC},
#endif
#ifdef ESPIPE
    {"ESPIPE", ESPIPE},
#endif
#ifdef EROFS
    {"EROFS", EROFS},
#endif
#ifdef EMLINK
    {"EMLINK", EMLINK},
#endif
#ifdef EPIPE
    {"EPIPE", EPIPE},
#endif
#ifdef EDOM
    {"EDOM", EDOM},
#endif
#ifdef ERANGE
    {"ERANGE", ERANGE},
#endif
#ifdef EDEADLK
    {"EDEADLK", EDEADLK},
#endif
#ifdef ENAMETOOLONG
    {"ENAMETOOLONG", ENAMETOOLONG},
#endif
#ifdef ENOLCK
    {"ENOLCK", ENOLCK},
#endif
#ifdef ENOSYS
    {"ENOSYS", ENOSYS},
#endif
#ifdef ENOTEMPTY
    {"ENOTEMPTY", ENOTEMPTY},
#endif
#ifdef ELOOP
    {"ELOOP", ELOOP},
#endif
#ifdef EWOULDBLOCK
    {"EWOULDBLOCK", EWOULDBLOCK},
#endif
#ifdef ENOMSG
    {"ENOMSG", ENOMSG},
#endif
#ifdef EIDRM
    {"EIDRM", EIDRM},
#endif
#ifdef ECHRNG
    {"ECHRNG", ECHRNG},
#endif
#ifdef EL2NSYNC
    {"EL2NSYNC", EL2NSYNC},
#endif
#ifdef EL3HLT
    {"EL3HLT", EL3HLT},
#endif
#ifdef EL3RST
    {"EL3RST", EL3RST},
#endif
#ifdef ELNRNG
    {"ELNRNG", ELNRNG},
#endif
#ifdef EUNATCH
    {"EUNATCH", EUNATCH},
#endif
#ifdef ENOCSI
    {"ENOCSI", ENOCSI},
#endif
#ifdef EL2HLT
    {"EL2HLT", EL2HLT},
#endif
#ifdef EBADE
    {"EBADE", EBADE},
#endif
#ifdef EBADR
    {"EBADR", EBADR},
#endif
#ifdef EXFULL
    {"EXFULL", EXFULL},
#endif
#ifdef ENOANO
    {"ENOANO", ENOANO},
#endif
#ifdef EBADRQC
    {"EBADRQC", EBADRQC},
#endif
#ifdef EBADSLT
    {"EBADSLT", EBADSLT},
#endif
#ifdef EDEADLOCK
    {"EDEADLOCK", EDEADLOCK},
#endif
#ifdef EBFONT
    {"EBFONT", EBFONT},
#endif
#ifdef ENOSTR
    {"ENOSTR", ENOSTR},
#endif
#ifdef ENODATA
    {"ENODATA", ENODATA},
#endif
#ifdef ETIME
    {"ETIME", ETIME},
#endif
#ifdef ENOSR
    {"ENOSR", ENOSR},
#endif
#ifdef ENONET
    {"ENONET", ENONET},
#endif
#ifdef ENOPKG
    {"ENOPKG", ENOPKG},
#endif
#ifdef EREMOTE
    {"EREMOTE", EREMOTE},
#endif
#ifdef ENOLINK
    {"ENOLINK", ENOLINK},
#endif
#ifdef EADV
    {"EADV", EADV},
#endif
#ifdef ESRMNT
    {"ESRMNT", ESRMNT},
#endif
#ifdef ECOMM
    {"ECOMM", ECOMM},
#endif
#ifdef EPROTO
    {"EPROTO", EPROTO},
#endif
#ifdef EMULTIHOP
    {"EMULTIHOP", EMULTIHOP},
#endif
#ifdef EDOTDOT
    {"EDOTDOT", EDOTDOT},
#endif
#ifdef EBADMSG
    {"EBADMSG", EBADMSG},
#endif
#ifdef EOVERFLOW
    {"EOVERFLOW", EOVERFLOW},
#endif
#ifdef ENOTUNIQ
    {"ENOTUNIQ", ENOTUNIQ},
#endif
#ifdef EBADFD
    {"EBADFD", EBADFD},
#endif
#ifdef EREMCHG
    {"EREMCHG", EREMCHG},
#endif
#ifdef ELIBACC
    {"ELIBACC", ELIBACC},
#endif
#ifdef ELIBBAD
    {"ELIBBAD", ELIBBAD},
#endif
#ifdef ELIBSCN
    {"ELIBSCN", ELIBSCN},
#endif
#ifdef ELIBMAX
    {"ELIBMAX", ELIBMAX},
#endif
#ifdef ELIBEXEC
    {"ELIBEXEC", ELIBEXEC},
#endif
#ifdef EILSEQ
    {"EILSEQ", EILSEQ},
#endif
#ifdef ERESTART
    {"ERESTART", ERESTART},
#endif
#ifdef ESTRPIPE
    {"ESTRPIPE", ESTRPIPE},
#endif
#ifdef EUSERS
    {"EUSERS", EUSERS},
#endif
#ifdef ENOTSOCK
    {"ENOTSOCK", ENOTSOCK},
#endif
#ifdef EDESTADDRREQ
    {"EDESTADDRREQ", EDESTADDRREQ},
#endif
#ifdef EMSGSIZE
    {"EMSGSIZE", EMSGSIZE},
#endif
#ifdef EPROTOTYPE
    {"EPROTOTYPE", EPROTOTYPE},
#endif
#ifdef ENOPROTOOPT
    {"ENOPROTOOPT", ENOPROTOOPT},
#endif
#ifdef EPROTONOSUPPORT
    {"EPROTONOSUPPORT", EPROTONOSUPPORT},
#endif
#ifdef ESOCKTNOSUPPORT
    {"ESOCKTNOSUPPORT", ESOCKTNOSUPPORT},
#endif
#ifdef EOPNOTSUPP
    {"EOPNOTSUPP", EOPNOTSUPP},
#endif
#ifdef ENOTSUP
    {"ENOTSUP", ENOTSUP},
#endif
#ifdef EPFNOSUPPORT
    {"EPFNOSUPPORT", EPFNOSUPPORT},
#endif
#ifdef EAFNOSUPPORT
    {"EAFNOSUPPORT", EAFNOSUPPORT},
#endif
#ifdef EADDRINUSE
    {"EADDRINUSE", EADDRINUSE},
#endif
#ifdef EADDRNOTAVAIL
    {"EADDRNOTAVAIL", EADDRNOTAVAIL},
#endif
#ifdef ENETDOWN
    {"ENETDOWN", ENETDOWN},
#endif
#ifdef ENETUNREACH
    {"ENETUNREACH", ENETUNREACH},
#endif
#ifdef ENETRESET
    {"ENETRESET", ENETRESET},
#endif
#ifdef ECONNABORTED
    {"ECONNABORTED", ECONNABORTED},
#endif
#ifdef ECONNRESET
    {"ECONNRESET", ECONNRESET},
#endif
#ifdef ENOBUFS
    {"ENOBUFS", ENOBUFS},
#endif
#ifdef EISCONN
    {"EISCONN", EISCONN},
#endif
#ifdef ENOTCONN
    {"ENOTCONN", ENOTCONN},
#endif
#ifdef ESHUTDOWN
    {"ESHUTDOWN", ESHUTDOWN},
#endif
#ifdef ETOOMANYREFS
    {"ETOOMANYREFS", ETOOMANYREFS},
#endif
#ifdef ETIMEDOUT
    {"ETIMEDOUT", ETIMEDOUT},
#endif
#ifdef ECONNREFUSED
    {"ECONNREFUSED", ECONNREFUSED},
#endif
#ifdef EHOSTDOWN
    {"EHOSTDOWN", EHOSTDOWN},
#endif
#ifdef EHOSTUNREACH
    {"EHOSTUNREACH", EHOSTUNREACH},
#endif
#ifdef EALREADY
    {"EALREADY", EALREADY},
#endif
#ifdef EINPROGRESS
    {"EINPROGRESS", EINPROGRESS},
#endif
#ifdef ESTALE
    {"ESTALE", ESTALE},
#endif
#ifdef EUCLEAN
    {"EUCLEAN", EUCLEAN},
#endif
#ifdef ENOTNAM
    {"ENOTNAM", ENOTNAM},
#endif
#ifdef ENAVAIL
    {"ENAVAIL", ENAVAIL},
#endif
#ifdef EISNAM
    {"EISNAM", EISNAM},
#endif
#ifdef EREMOTEIO
    {"EREMOTEIO", EREMOTEIO},
#endif
#ifdef EDQUOT
    {"EDQUOT", EDQUOT},
#endif
#ifdef ENOMEDIUM
    {"ENOMEDIUM", ENOMEDIUM},
#endif
#ifdef EMEDIUMTYPE
    {"EMEDIUMTYPE", EMEDIUMTYPE},
#endif
#ifdef ECANCELED
    {"ECANCELED", ECANCELED},
#endif
#ifdef ENOKEY
    {"ENOKEY", ENOKEY},
#endif
#ifdef EKEYEXPIRED
    {"EKEYEXPIRED", EKEYEXPIRED},
#endif
#ifdef EKEYREVOKED
    {"EKEYREVOKED", EKEYREVOKED},
#endif
#ifdef EKEYREJECTED
    {"EKEYREJECTED", EKEYREJECTED},
#endif
#ifdef EOWNERDEAD
    {"EOWNERDEAD", EOWNERDEAD},
#endif
#ifdef ENOTRECOVERABLE
    {"ENOTRECOVERABLE", ENOTRECOVERABLE},
#endif
#ifdef ERFKILL
    {"ERFKILL", ERFKILL},
#endif
#ifdef EHWPOISON
    {"EHWPOISON", EHWPOISON},
#endif
};

#define SC_NERRNOS (sizeof(sc_errnos) / sizeof(sc_errnos[0]))

/* The errno table and its length (names.c's "did you mean" reads it). */
static const struct sc_errno_entry *sc_errnos_table(size_t *n)
{
    *n = SC_NERRNOS;
    return sc_errnos;
}

/* The canonical name of a positive errno, or NULL. Aliases come after the
 * name they alias, so the first match is the canonical one. */
static const char *sc_errno_name(int e)
{
    size_t i;
    for (i = 0; i < SC_NERRNOS; i++)
        if (sc_errnos[i].value == e)
            return sc_errnos[i].name;
    return NULL;
}

/* The value of an errno name ("EPERM"), or -1. */
static int sc_errno_value(const char *name)
{
    size_t i;
    for (i = 0; i < SC_NERRNOS; i++)
        if (strcmp(sc_errnos[i].name, name) == 0)
            return sc_errnos[i].value;
    return -1;
}

/* Called by luaopen_seccomp_core: when the module is loaded by its own
 * seccomp/init.lua (the usual `require "seccomp"`), remember that file's
 * directory ("@/usr/share/lua/5.4/seccomp/"), so that error objects can name
 * the first caller outside the module's Lua files (init.lua, policy.lua...). */
static void sc_note_own_source(lua_State *L)
{
    static const char tail[] = "seccomp/init.lua";
    lua_Debug ar;
    int level;
    for (level = 1; lua_getstack(L, level, &ar); level++) {
        size_t len;
        if (!lua_getinfo(L, "S", &ar) || ar.source == NULL || ar.source[0] != '@' ||
            strcmp(ar.what, "C") == 0)
            continue;
        len = strlen(ar.source);
        if (len >= sizeof tail && strcmp(ar.source + len - (sizeof tail - 1), tail) == 0) {
            lua_pushlstring(L, ar.source, len - (sizeof "init.lua" - 1));
            lua_setfield(L, LUA_REGISTRYINDEX, SC_OWN_SOURCE);
        }
        return; /* only the first Lua caller: require's */
    }
}

/* Push "file:line" of the first Lua caller outside the module's own Lua
 * files, or nil (no such caller, or no line information). */
static void sc_push_where(lua_State *L)
{
    lua_Debug ar;
    int level;
    size_t olen = 0;
    const char *own;
    lua_getfield(L, LUA_REGISTRYINDEX, SC_OWN_SOURCE);
    own = lua_tolstring(L, -1, &olen); /* NULL when not loaded by init.lua */
    for (level = 1; lua_getstack(L, level, &ar); level++) {
        if (!lua_getinfo(L, "Sl", &ar) || ar.currentline <= 0) /* C, or stripped */
            continue;
        if (own && ar.source && strncmp(ar.source, own, olen) == 0)
            continue;
        lua_pushfstring(L, "%s:%d", ar.short_src, ar.currentline);
        lua_remove(L, -2);
        return;
    }
    lua_pop(L, 1);
    lua_pushnil(L);
}

/* Push an error object; `e` is a positive errno, `message` may be NULL
 * (then strerror's text is used). */
static void sc_push_error(lua_State *L, const char *op, int e, const char *message)
{
    const char *ename = sc_errno_name(e);
    lua_createtable(L, 0, 5);
    lua_pushstring(L, op);
    lua_setfield(L, -2, "op");
    lua_pushinteger(L, e);
    lua_setfield(L, -2, "errno");
    if (ename)
        lua_pushstring(L, ename);
    else
        lua_pushfstring(L, "errno %d", e);
    lua_setfield(L, -2, "ename");
    lua_pushstring(L, message ? message : strerror(e));
    lua_setfield(L, -2, "message");
    sc_push_where(L);
    lua_setfield(L, -2, "where");
    luaL_setmetatable(L, SC_ERROR_MT);
}

/* Raise an error object. Never returns. */
static int sc_raise(lua_State *L, const char *op, int e, const char *message)
{
    sc_push_error(L, op, e < 0 ? -e : e, message);
    return lua_error(L);
}

/* __tostring of an error object: "[<where>: ]seccomp.<op>: <message> (<ENAME>)". */
static int sc_error_tostring(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_getfield(L, 1, "op");
    lua_getfield(L, 1, "message");
    lua_getfield(L, 1, "ename");
    lua_getfield(L, 1, "where");
    lua_pushfstring(L, "%s%sseccomp.%s: %s (%s)", luaL_optstring(L, -1, ""),
                    lua_isstring(L, -1) ? ": " : "", luaL_optstring(L, -4, "?"),
                    luaL_optstring(L, -3, "?"), luaL_optstring(L, -2, "?"));
    return 1;
}

/* A short, printable rendering of the Lua value at `idx`, for messages that
 * must name the offending value. Pushes the string and returns it. */
static const char *sc_repr(lua_State *L, int idx)
{
    idx = lua_absindex(L, idx);
    switch (lua_type(L, idx)) {
    case LUA_TSTRING: {
        /* quoted, at most 40 bytes, embedded zeros shown as \0 */
        size_t len, i;
        const char *s = lua_tolstring(L, idx, &len);
        luaL_Buffer b;
        luaL_buffinit(L, &b);
        luaL_addchar(&b, '\'');
        for (i = 0; i < len && i < 40; i++) {
            if (s[i] == '\0')
                luaL_addstring(&b, "\\0");
            else
                luaL_addchar(&b, s[i]);
        }
        luaL_addstring(&b, len > 40 ? "...'" : "'");
        luaL_pushresult(&b);
        return lua_tostring(L, -1);
    }
    case LUA_TNUMBER:
        if (lua_isinteger(L, idx))
            return lua_pushfstring(L, "%I", (LUAI_UACINT)lua_tointeger(L, idx));
        return lua_pushfstring(L, "%f", (LUAI_UACNUMBER)lua_tonumber(L, idx));
    case LUA_TBOOLEAN:
        return lua_pushstring(L, lua_toboolean(L, idx) ? "true" : "false");
    case LUA_TNIL:
        return lua_pushliteral(L, "nil");
    case LUA_TNONE:
        return lua_pushliteral(L, "no value");
    default:
        return lua_pushfstring(L, "a %s", luaL_typename(L, idx));
    }
}

/* ---- argument errors ------------------------------------------------------ */

/* Every argument error of the core is raised here.  Called plainly, it is
 * Lua's "bad argument #arg to 'fn' (msg)".  When the function raising it was
 * called by seccomp.core._private.call (the policy-table layer building a
 * filter) it is a table { argument = arg, message = msg }: the layer reports
 * msg at the place of the policy table that gave argument `arg`, without
 * reading Lua's text back.  `arg` counts as the C function sees its
 * arguments (self is 1). */
static int sc_argerror(lua_State *L, int arg, const char *msg)
{
    lua_Debug ar;
    int structured = 0;
    /* level 0 is the function raising; level 1 its caller */
    if (lua_getstack(L, 1, &ar) && lua_getinfo(L, "f", &ar)) {
        structured = lua_tocfunction(L, -1) == l_call;
        lua_pop(L, 1);
    }
    if (!structured)
        return luaL_argerror(L, arg, msg);
    lua_createtable(L, 0, 2);
    lua_pushinteger(L, arg);
    lua_setfield(L, -2, "argument");
    lua_pushstring(L, msg);
    lua_setfield(L, -2, "message");
    return lua_error(L);
}

/* seccomp.core._private.call(fn, ...) -> true, results... | false, err
 * pcall(fn, ...), where fn's own argument errors are the tables of
 * sc_argerror (private to lua/seccomp: policy.lua, oci.lua). */
static int l_call(lua_State *L)
{
    int rc;
    luaL_checktype(L, 1, LUA_TFUNCTION);
    rc = lua_pcall(L, lua_gettop(L) - 1, LUA_MULTRET, 0);
    lua_pushboolean(L, rc == LUA_OK);
    lua_insert(L, 1);
    return lua_gettop(L);
}

/* Raise "bad argument #arg to 'fn' (<what> <repr of value>)". */
static int sc_argerror_value(lua_State *L, int arg, const char *what)
{
    const char *r = sc_repr(L, arg);
    return sc_argerror(L, arg, lua_pushfstring(L, "%s %s", what, r));
}

/* Push nil, `msg` (strerror's text when NULL) and the errno `e`: the
 * result of a call that failed in a way the caller is expected to handle
 * (a request gone, a child already waited for).  Returns 3. */
static int sc_push_fail(lua_State *L, int e, const char *msg)
{
    lua_pushnil(L);
    lua_pushstring(L, msg != NULL ? msg : strerror(e));
    lua_pushinteger(L, e);
    return 3;
}

/* Lua numbers only: a numeric string where a number is wanted is an error,
 * and so is a float without an exact integer value. */
static lua_Integer sc_checkinteger(lua_State *L, int arg)
{
    int ok = 0;
    lua_Integer v;
    if (lua_type(L, arg) != LUA_TNUMBER)
        return sc_argerror_value(L, arg, "integer expected, got"), 0;
    v = lua_tointegerx(L, arg, &ok);
    if (!ok)
        return sc_argerror_value(L, arg, "number has no integer representation:"), 0;
    return v;
}

/* sc_checkinteger within [lo, hi]. */
static lua_Integer sc_checkrange(lua_State *L, int arg, lua_Integer lo, lua_Integer hi)
{
    lua_Integer v = sc_checkinteger(L, arg);
    if (v < lo || v > hi)
        return sc_argerror(L, arg, lua_pushfstring(L, "%I out of range %I..%I",
                             (LUAI_UACINT)v, (LUAI_UACINT)lo, (LUAI_UACINT)hi)), 0;
    return v;
}
