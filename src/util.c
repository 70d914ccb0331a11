/*
 * util.c - general helpers of the core that no one area owns: an fd owned by
 * the Lua stack, the hook runner for waits interrupted by a signal, the
 * check of a Lua file handle argument, and adding methods to a userdata
 * type registered by another part.
 *
 * Nothing here runs in a spawned child between fork and exec (spawn.c's
 * SC_CHILD_CODE functions call only async-signal-safe functions and none of
 * these); sc_fdguard_close alone would be safe there (it calls close(2)).
 */
#include "core.h"

#define SC_FD_MT "seccomp.fd"

/* ---- an fd owned by the Lua stack ---------------------------------------- */

/* A small userdata whose __gc closes the fd: an fd held across calls that
 * may raise can never leak. */
static int *sc_push_fdguard(lua_State *L)
{
    int *p = sc_newuserdata(L, sizeof *p);
    *p = -1;
    luaL_setmetatable(L, SC_FD_MT);
    return p;
}

/* Close the guarded fd now (the guard then owns nothing). */
static void sc_fdguard_close(int *p)
{
    if (*p >= 0) {
        close(*p);
        *p = -1;
    }
}

static int l_fdguard_gc(lua_State *L)
{
    sc_fdguard_close(luaL_checkudata(L, 1, SC_FD_MT));
    return 0;
}

/* ---- waits interrupted by a signal --------------------------------------- */

/* A wait interrupted by a signal is retried, but first Lua gets a chance to
 * run its hooks: the standalone interpreter turns Ctrl-C into a hook that
 * raises "interrupted!", and it only fires when something is called. */
static int sc_noop(lua_State *L)
{
    (void)L;
    return 0;
}

static void sc_run_hooks(lua_State *L)
{
    if (lua_gethook(L) != NULL) {
        lua_pushcfunction(L, sc_noop);
        lua_call(L, 0, 0);
    }
}

/* ---- Lua file handles ---------------------------------------------------- */

/* Is this io library file closed?  (liolib's own test: a closed handle has
 * no close function.) */
static int sc_file_closed(const luaL_Stream *s)
{
    return s->closef == NULL;
}

/* The Lua file handle at `arg`, or NULL when the value is not one; an
 * argument error when it is a closed one. */
static luaL_Stream *sc_testfile(lua_State *L, int arg)
{
    luaL_Stream *s = luaL_testudata(L, arg, LUA_FILEHANDLE);
    if (s != NULL && sc_file_closed(s))
        sc_argerror(L, arg, "attempt to use a closed file");
    return s;
}

/* The open Lua file handle at `arg`; an argument error otherwise. */
static luaL_Stream *sc_checkfile(lua_State *L, int arg)
{
    luaL_Stream *s = sc_testfile(L, arg);
    if (s == NULL)
        sc_argerror_value(L, arg, "file handle expected, got");
    return s;
}

/* ---- userdata types ------------------------------------------------------- */

/* Register the userdata type `tname`: its metamethods `meta` (or NULL), and
 * its methods (or NULL) as __index, or as the upvalue of the __index
 * function `index` that serves the fields the methods do not (or, without
 * methods, `index` alone). */
static void sc_new_type(lua_State *L, const char *tname, const luaL_Reg *meta, const luaL_Reg *methods,
                        lua_CFunction index)
{
    luaL_newmetatable(L, tname);
    if (meta != NULL)
        luaL_setfuncs(L, meta, 0);
    if (methods != NULL) {
        lua_newtable(L);
        luaL_setfuncs(L, methods, 0);
        if (index != NULL)
            lua_pushcclosure(L, index, 1);
        lua_setfield(L, -2, "__index");
    } else if (index != NULL) {
        lua_pushcfunction(L, index);
        lua_setfield(L, -2, "__index");
    }
    lua_pop(L, 1);
}

/* The start of an __index function made by sc_new_type with methods:
 * leaves (object, key) at 1, 2 and returns 1 with the method pushed when
 * the key names one; 0 (nothing pushed) for the function to look further. */
static int sc_index_method(lua_State *L)
{
    lua_settop(L, 2);
    lua_pushvalue(L, 2);
    if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL)
        return 1;
    lua_pop(L, 1);
    return 0;
}

/* The userdata at `idx` when its metatable is the table at `mtidx` (an
 * upvalue or an absolute stack index holding the type's metatable: one
 * comparison of pointers), else when it is the registry's `tname` (for a
 * caller whose `mtidx` holds something else, or nothing: any index is
 * safe; NULL when `mtidx` is sure to hold it); NULL when it is neither. */
static SC_INLINE void *sc_testudata_at(lua_State *L, int idx, int mtidx, const char *tname)
{
    void *p = lua_touserdata(L, idx);
    const void *mt;
    if (p == NULL || !lua_getmetatable(L, idx))
        return NULL;
    mt = lua_topointer(L, -1); /* (cheaper than lua_rawequal) */
    lua_pop(L, 1);
    if (mt == lua_topointer(L, mtidx))
        return p;
    return tname != NULL ? luaL_testudata(L, idx, tname) : NULL;
}

/* sc_testudata_at, or the argument error luaL_checkudata raises. */
static SC_INLINE void *sc_checkudata_at(lua_State *L, int idx, int mtidx, const char *tname)
{
    void *p = sc_testudata_at(L, idx, mtidx, tname);
    return p != NULL ? p : luaL_checkudata(L, idx, tname);
}

/* ---- types spread over several parts ------------------------------------- */

/* Add methods to the __index table of the userdata type `tname` (registered
 * by another part: filter.c's filters get load from program.c, spawn from
 * spawn.c, ...). */
static void sc_add_methods(lua_State *L, const char *tname, const luaL_Reg *l)
{
    luaL_getmetatable(L, tname);
    lua_getfield(L, -1, "__index");
    luaL_setfuncs(L, l, 0);
    lua_pop(L, 2);
}

static void sc_open_util(lua_State *L)
{
    static const luaL_Reg meta[] = {{"__gc", l_fdguard_gc}, {NULL, NULL}};
    sc_new_type(L, SC_FD_MT, meta, NULL, NULL);
}
