/*
 * compat.h - what differs between the libseccomp and Lua versions we build
 * against.  Everything version-dependent is decided here, once:
 *
 *  - compile-time gates on the headers' SCMP_VER_* (we need >= 2.3.1);
 *  - weak references to every libseccomp function newer than 2.3.1, so a
 *    module built against newer headers still loads (RTLD_NOW) with an older
 *    shared library; callers test the pointer before using it;
 *  - the few Lua 5.3 / 5.4 differences.
 */
#ifndef SC_COMPAT_H
#define SC_COMPAT_H

#include <seccomp.h>
#include <lua.h>
#include <lauxlib.h>

#if !defined(SCMP_VER_MAJOR) || (SCMP_VER_MAJOR < 2) || \
    (SCMP_VER_MAJOR == 2 && SCMP_VER_MINOR < 3) || \
    (SCMP_VER_MAJOR == 2 && SCMP_VER_MINOR == 3 && SCMP_VER_MICRO < 1)
#error "lua-seccomp needs the headers of libseccomp 2.3.1 or newer"
#endif

#if LUA_VERSION_NUM < 503
#error "lua-seccomp needs Lua 5.3 or 5.4"
#endif

/* A version as one comparable integer. */
#define SC_VER(a, b, c) ((a) * 10000 + (b) * 100 + (c))
#define SC_COMPILED SC_VER(SCMP_VER_MAJOR, SCMP_VER_MINOR, SCMP_VER_MICRO)
#define SC_HAVE(a, b, c) (SC_COMPILED >= SC_VER(a, b, c))

/* Functions added after 2.3.1: referenced weakly, so an older runtime
 * library leaves them NULL instead of failing the module's load. */
#if SC_HAVE(2, 4, 0)
#pragma weak seccomp_api_get
#pragma weak seccomp_api_set
#endif
#if SC_HAVE(2, 5, 0)
#pragma weak seccomp_notify_alloc
#pragma weak seccomp_notify_free
#pragma weak seccomp_notify_receive
#pragma weak seccomp_notify_respond
#pragma weak seccomp_notify_id_valid
#pragma weak seccomp_notify_fd
#endif
#if SC_HAVE(2, 6, 0)
#pragma weak seccomp_export_bpf_mem
#pragma weak seccomp_precompute
#pragma weak seccomp_transaction_start
#pragma weak seccomp_transaction_commit
#pragma weak seccomp_transaction_reject
#endif

/* Lua 5.3 has no to-be-closed variables and one user value per userdata. */
#if LUA_VERSION_NUM >= 504
#define sc_newuserdata(L, size) lua_newuserdatauv((L), (size), 1)
#define SC_HAVE_CLOSE 1
#else
#define sc_newuserdata(L, size) lua_newuserdata((L), (size))
#define SC_HAVE_CLOSE 0
#define lua_getiuservalue(L, idx, n) lua_getuservalue((L), (idx))
#define lua_setiuservalue(L, idx, n) lua_setuservalue((L), (idx))
#endif

#endif
