/*
 * compat.h - what differs between the libseccomp and Lua versions we build
 * against.  Everything version-dependent is decided here, once:
 *
 *  - compile-time gates on the headers' SCMP_VER_* (we need >= 2.3.1), one
 *    SC_GATE_* per optional part, each with a switch to force it off;
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

/* Gates: each optional part of libseccomp the module uses is compiled in
 * under one gate, SC_GATE_<NAME> (1: in, 0: out), decided here by a version
 * test on the headers (the attributes are enum constants, which #ifdef
 * cannot see).  -DSC_FORCE_OFF_<NAME> compiles a gate out on purpose:
 * ci/gates.sh builds once with each gate off and checks that the gate's
 * spec (spec/gates_spec.lua, "gate <NAME>") then fails.  docs/api.md lists
 * them.  The arch gates are in core.h (SCMP_ARCH_* are macros). */
#if SC_HAVE(2, 3, 2) && !defined(SC_FORCE_OFF_TSKIP)
#define SC_GATE_TSKIP 1 /* SCMP_FLTATR_API_TSKIP: rules on syscall -1 */
#else
#define SC_GATE_TSKIP 0
#endif
#if SC_HAVE(2, 4, 0) && !defined(SC_FORCE_OFF_API_LEVEL)
#define SC_GATE_API_LEVEL 1 /* seccomp_api_get/_set */
#else
#define SC_GATE_API_LEVEL 0
#endif
#if SC_HAVE(2, 4, 0) && !defined(SC_FORCE_OFF_LOG)
#define SC_GATE_LOG 1 /* SCMP_FLTATR_CTL_LOG, SCMP_ACT_LOG */
#else
#define SC_GATE_LOG 0
#endif
#if SC_HAVE(2, 4, 0) && !defined(SC_FORCE_OFF_KILL_PROCESS)
#define SC_GATE_KILL_PROCESS 1 /* SCMP_ACT_KILL_PROCESS */
#else
#define SC_GATE_KILL_PROCESS 0
#endif
#if SC_HAVE(2, 5, 0) && !defined(SC_FORCE_OFF_SSB)
#define SC_GATE_SSB 1 /* SCMP_FLTATR_CTL_SSB */
#else
#define SC_GATE_SSB 0
#endif
#if SC_HAVE(2, 5, 0) && !defined(SC_FORCE_OFF_OPTIMIZE)
#define SC_GATE_OPTIMIZE 1 /* SCMP_FLTATR_CTL_OPTIMIZE */
#else
#define SC_GATE_OPTIMIZE 0
#endif
#if SC_HAVE(2, 5, 0) && !defined(SC_FORCE_OFF_RAW_RC)
#define SC_GATE_RAW_RC 1 /* SCMP_FLTATR_API_SYSRAWRC */
#else
#define SC_GATE_RAW_RC 0
#endif
#if SC_HAVE(2, 5, 0) && !defined(SC_FORCE_OFF_NOTIFY)
#define SC_GATE_NOTIFY 1 /* SCMP_ACT_NOTIFY, seccomp_notify_fd */
#else
#define SC_GATE_NOTIFY 0
#endif
#if SC_HAVE(2, 6, 0) && !defined(SC_FORCE_OFF_WAIT_KILL)
#define SC_GATE_WAIT_KILL 1 /* SCMP_FLTATR_CTL_WAITKILL */
#else
#define SC_GATE_WAIT_KILL 0
#endif
#if SC_HAVE(2, 6, 0) && !defined(SC_FORCE_OFF_PRECOMPUTE)
#define SC_GATE_PRECOMPUTE 1 /* seccomp_precompute */
#else
#define SC_GATE_PRECOMPUTE 0
#endif
#if SC_HAVE(2, 6, 0) && !defined(SC_FORCE_OFF_EXPORT_BPF_MEM)
#define SC_GATE_EXPORT_BPF_MEM 1 /* seccomp_export_bpf_mem */
#else
#define SC_GATE_EXPORT_BPF_MEM 0
#endif

/* Functions added after 2.3.1: referenced weakly, so an older runtime
 * library leaves them NULL instead of failing the module's load; callers
 * test the pointer before using it (features.c). */
#if SC_GATE_API_LEVEL
#pragma weak seccomp_api_get
#pragma weak seccomp_api_set
#endif
#if SC_GATE_NOTIFY
#pragma weak seccomp_notify_fd
#endif
#if SC_GATE_PRECOMPUTE
#pragma weak seccomp_precompute
#endif
#if SC_GATE_EXPORT_BPF_MEM
#pragma weak seccomp_export_bpf_mem
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
