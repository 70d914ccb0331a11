/*
 * loader.c - the two things the policy loader (lua/seccomp/policy.lua)
 * cannot do in Lua: read a policy file that is certainly a regular file of
 * bounded size, and run code under a memory cap.
 *
 * The cap wraps the state's allocator for the duration of one protected
 * call: every allocation that would take the memory allocated during the
 * call (net of what it freed) past the cap fails, as a real allocator
 * failure does, and Lua raises its memory error.  This covers what a count
 * hook cannot see: one C call (a string method, a table resize) can ask for
 * gigabytes between two hooks.
 */
#include "core.h"
#include <sys/stat.h>

/* seccomp.core._loader.read_policy_file(path, max_bytes) -> text | nil, message
 * Refuses what is not a regular file (a FIFO would block, /dev/zero never
 * ends) and a file larger than max_bytes.  Opened non-blocking, so even a
 * FIFO swapped in at `path` cannot block the open. */
static int l_read_policy_file(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    lua_Integer max = luaL_checkinteger(L, 2);
    int *fd = sc_push_fdguard(L);
    struct stat st;
    luaL_Buffer b;
    size_t got = 0;
    char *p;
    *fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (*fd < 0) {
        int e = errno;
        lua_pushnil(L);
        lua_pushfstring(L, "cannot open policy file %s: %s", path, strerror(e));
        return 2;
    }
    if (fstat(*fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        lua_pushnil(L);
        lua_pushfstring(L, "%s: not a regular file (a policy file must be one: a FIFO or a device "
                        "could block or never end)", path);
        return 2;
    }
    if (st.st_size < 0 || (lua_Integer)st.st_size > max) {
        lua_pushnil(L);
        lua_pushfstring(L, "%s: the policy file is larger than max_memory (%I bytes)", path, max);
        return 2;
    }
    /* one byte more than the size: a file that grows is read to its new
     * size at most up to the cap */
    p = luaL_buffinitsize(L, &b, (size_t)st.st_size + 1);
    for (;;) {
        ssize_t n = read(*fd, p + got, (size_t)st.st_size + 1 - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int e = errno;
            lua_pushnil(L);
            lua_pushfstring(L, "cannot read policy file %s: %s", path, strerror(e));
            return 2;
        }
        if (n == 0)
            break;
        got += (size_t)n;
        if (got > (size_t)st.st_size) {
            lua_pushnil(L);
            lua_pushfstring(L, "%s: the policy file changed while it was read", path);
            return 2;
        }
    }
    luaL_pushresultsize(&b, got);
    sc_fdguard_close(fd);
    return 1;
}

typedef struct {
    lua_Alloc f;
    void *ud;
    size_t used; /* net bytes allocated since the call began (never below 0) */
    size_t max;
    int hit;     /* an allocation was refused */
} sc_memcap;

static void *sc_memcap_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    sc_memcap *m = ud;
    size_t old = ptr != NULL ? osize : 0;
    void *r;
    if (nsize > old && nsize - old > m->max - m->used) {
        m->hit = 1;
        return NULL; /* Lua collects and retries once, then raises */
    }
    r = m->f(m->ud, ptr, osize, nsize);
    if (r != NULL || nsize == 0) {
        if (nsize >= old)
            m->used += nsize - old;
        else
            m->used = old - nsize > m->used ? 0 : m->used - (old - nsize);
    }
    return r;
}

/* seccomp.core._loader.memory_capped(max_bytes, fn, ...) -> hit, ok, results... | hit, false, err
 * pcall(fn, ...) with every allocation made meanwhile counted against
 * max_bytes; `hit` is true when an allocation was refused.  The allocator
 * is restored before it returns, whatever happened. */
static int l_memory_capped(lua_State *L)
{
    lua_Integer max = luaL_checkinteger(L, 1);
    sc_memcap m;
    int status, n;
    luaL_argcheck(L, max > 0, 1, "positive number of bytes expected");
    luaL_checktype(L, 2, LUA_TFUNCTION);
    lua_pushboolean(L, 0); /* slot for `hit`, below fn */
    lua_insert(L, 2);
    m.f = lua_getallocf(L, &m.ud);
    m.used = 0;
    m.max = (size_t)max;
    m.hit = 0;
    lua_setallocf(L, sc_memcap_alloc, &m);
    status = lua_pcall(L, lua_gettop(L) - 3, LUA_MULTRET, 0);
    lua_setallocf(L, m.f, m.ud);
    lua_pushboolean(L, m.hit);
    lua_replace(L, 2);
    lua_pushboolean(L, status == LUA_OK);
    lua_insert(L, 3);
    n = lua_gettop(L) - 1;
    return n;
}

static const luaL_Reg sc_loader_functions[] = {
    {"read_policy_file", l_read_policy_file},
    {"memory_capped", l_memory_capped},
    {NULL, NULL},
};
