/*
 * notify.c - user notification: the notifier ("seccomp.notifier") and the
 * requests it hands out ("seccomp.request").
 *
 * A notifier owns a close-on-exec dup of a listener fd.  Every wait is a
 * poll(2) on that fd, so nothing ever blocks inside SECCOMP_IOCTL_NOTIF_RECV
 * (which cannot be cancelled): POLLIN means a request is queued, POLLHUP
 * means no task uses the filter any more.  The kernel is spoken to with the
 * ioctls directly rather than through seccomp_notify_receive/_respond:
 * libseccomp's wrappers are the same ioctls but flatten every failure to
 * ECANCELED, and we want the buffers in Lua-owned memory sized by the
 * kernel (SECCOMP_GET_NOTIF_SIZES).  Only seccomp_notify_fd() (the
 * listener libseccomp keeps after seccomp_load) comes from libseccomp.
 *
 * Availability is the feature table's "notify" (libseccomp >= 2.5.0 in the
 * headers and at run time, API level >= 5): every way to obtain a notifier
 * checks it once, so a module built against older headers has all these
 * functions and they raise, naming what is missing.  The kernel ABI below
 * (structs, ioctl numbers) is declared here, so the code does not depend on
 * how new <linux/seccomp.h> is.
 *
 * A request is a small userdata (its fields are decoded on access, so
 * receiving one allocates a single object); its user value is the notifier,
 * which keeps the fd alive as long as a request can still be answered.
 *
 * The loop `for req in n:requests() do req:reply(v) end` costs three calls
 * into this file a request (the iterator, __index for the method, the
 * method), each of which checks the type of its object.  So that a check is
 * one comparison of pointers rather than a lookup of the type's name in
 * the registry, every function here is a closure whose upvalues 1 and 2 are
 * the request's and the notifier's metatables (SC_UV_*; sc_open_notify).
 * Functions of other parts fall back to the lookup by name.
 */
#include "core.h"
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <time.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>


/* ---- objects --------------------------------------------------------------- */

/* The upvalues every function of this file has (see the top). */
#define SC_UV_REQUEST_MT lua_upvalueindex(1)
#define SC_UV_NOTIFIER_MT lua_upvalueindex(2)

/* The kernel's structure sizes, asked once per process (whichever Lua state
 * or thread asks first); ours where the call fails (the kernel never has
 * smaller ones). */
static struct sc_notif_sizes sc_notif_sizes_v;
static pthread_once_t sc_notif_sizes_once = PTHREAD_ONCE_INIT;

static void sc_notif_sizes_init(void)
{
    struct sc_notif_sizes s = {0, 0, 0};
    if (syscall(SYS_seccomp, SC_GET_NOTIF_SIZES, 0, &s) != 0)
        memset(&s, 0, sizeof s);
    sc_notif_sizes_v.notif = s.notif > sizeof(struct sc_notif) ? s.notif : sizeof(struct sc_notif);
    sc_notif_sizes_v.resp = s.resp > sizeof(struct sc_notif_resp) ? s.resp : sizeof(struct sc_notif_resp);
    sc_notif_sizes_v.data = s.data;
}

static const struct sc_notif_sizes *sc_kernel_notif_sizes(void)
{
    pthread_once(&sc_notif_sizes_once, sc_notif_sizes_init);
    return &sc_notif_sizes_v;
}

#define SC_ALIGN8(n) (((n) + 7u) & ~(size_t)7u)

/* Push a new notifier that owns nothing yet (fd -1): the userdata exists
 * before the fd does, so a failure can never leak the fd.  Checks the
 * "notify" feature (raises where it is missing). */
static sc_notifier *sc_notifier_new(lua_State *L, const char *op)
{
    const struct sc_notif_sizes *s;
    sc_notifier *n;
    size_t rs, ss;
    sc_require(L, op, "notify");
    s = sc_kernel_notif_sizes();
    rs = SC_ALIGN8(s->notif);
    ss = SC_ALIGN8(s->resp);
    n = sc_newuserdata(L, SC_ALIGN8(sizeof *n) + rs + ss);
    memset(n, 0, sizeof *n);
    n->fd = -1;
    n->mem_fd = -1;
    n->recv_size = s->notif;
    n->resp_size = s->resp;
    n->recv_buf = (uint64_t *)((char *)n + SC_ALIGN8(sizeof *n));
    n->resp_buf = (uint64_t *)((char *)n->recv_buf + rs);
    luaL_setmetatable(L, SC_NOTIFIER_MT);
    n->has_continue = sc_has(L, "notify_continue");
    n->has_addfd = sc_has(L, "notify_addfd");
    n->has_send = sc_has(L, "notify_addfd_send");
    return n;
}

static void sc_mem_drop(sc_notifier *n)
{
    if (n->mem_fd >= 0) {
        close(n->mem_fd);
        n->mem_fd = -1;
    }
}

static void sc_notifier_close(sc_notifier *n)
{
    sc_mem_drop(n);
    if (n->fd >= 0) {
        close(n->fd);
        n->fd = -1;
    }
}

static sc_notifier *sc_checknotifier(lua_State *L, int idx)
{
    sc_notifier *n = sc_checkudata_at(L, idx, SC_UV_NOTIFIER_MT, SC_NOTIFIER_MT);
    if (n->fd < 0)
        sc_argerror(L, idx, "notifier has been closed");
    return n;
}

/* ---- waiting ---------------------------------------------------------------- */

/* A timeout argument in seconds: nil, none or math.huge wait forever (-1);
 * negative or NaN is an argument error. */
static double sc_check_timeout(lua_State *L, int arg)
{
    lua_Number t;
    if (lua_isnoneornil(L, arg))
        return -1;
    if (lua_type(L, arg) != LUA_TNUMBER)
        return sc_argerror_value(L, arg, "timeout in seconds expected, got"), -1;
    t = lua_tonumber(L, arg);
    if (t != t || t < 0)
        return sc_argerror_value(L, arg, "timeout must be a non-negative number of seconds, got"), -1;
    if (t > 1e9) /* math.huge, or longer than we could represent: forever */
        return -1;
    return (double)t;
}

static void sc_deadline(struct timespec *d, double timeout)
{
    d->tv_sec = 0; /* CLOCK_MONOTONIC cannot fail on Linux; zero if it did */
    d->tv_nsec = 0;
    clock_gettime(CLOCK_MONOTONIC, d);
    d->tv_sec += (time_t)timeout;
    d->tv_nsec += (long)((timeout - floor(timeout)) * 1e9);
    if (d->tv_nsec >= 1000000000L) {
        d->tv_sec++;
        d->tv_nsec -= 1000000000L;
    }
}

/* Time left until `d`, clamped at zero. */
static void sc_remaining(const struct timespec *d, struct timespec *left)
{
    struct timespec now = {0, 0}; /* CLOCK_MONOTONIC cannot fail on Linux; zero if it did */
    clock_gettime(CLOCK_MONOTONIC, &now);
    left->tv_sec = d->tv_sec - now.tv_sec;
    left->tv_nsec = d->tv_nsec - now.tv_nsec;
    if (left->tv_nsec < 0) {
        left->tv_sec--;
        left->tv_nsec += 1000000000L;
    }
    if (left->tv_sec < 0)
        left->tv_sec = left->tv_nsec = 0;
}

enum { SC_WAIT_READY, SC_WAIT_TIMEOUT, SC_WAIT_HUP, SC_WAIT_ERROR };

/* Wait until the listener has a request queued, no task is left (POLLHUP),
 * or the deadline (NULL: none) passes.  EINTR is retried with the time
 * that is left.  SC_WAIT_ERROR leaves errno set. */
static int sc_wait_listener(lua_State *L, int fd, const struct timespec *deadline)
{
    struct pollfd p;
    struct timespec left;
    int rc;
    for (;;) {
        p.fd = fd;
        p.events = POLLIN;
        p.revents = 0;
        if (deadline) {
            sc_remaining(deadline, &left);
            rc = ppoll(&p, 1, &left, NULL);
        } else {
            rc = poll(&p, 1, -1);
        }
        if (rc > 0) {
            if (p.revents & POLLIN)
                return SC_WAIT_READY;
            if (p.revents & POLLNVAL) {
                errno = EBADF;
                return SC_WAIT_ERROR;
            }
            return SC_WAIT_HUP; /* POLLHUP or POLLERR, nothing queued */
        }
        if (rc == 0)
            return SC_WAIT_TIMEOUT;
        if (errno != EINTR)
            return SC_WAIT_ERROR;
        sc_run_hooks(L);
    }
}

/* ---- receiving --------------------------------------------------------------- */

/* Push a request for `msg` from notifier `n` at `nidx`.  `mtidx` is an
 * upvalue or absolute index holding the request metatable, or 0 for the
 * lookup by name. */
static SC_INLINE void sc_push_request(lua_State *L, int nidx, sc_notifier *n, const struct sc_notif *msg, int mtidx)
{
    sc_request *r = sc_newuserdata(L, sizeof *r);
    r->n = *msg;
    r->owner = n;
    r->answered = 0;
    if (mtidx != 0 && lua_type(L, mtidx) == LUA_TTABLE) {
        lua_pushvalue(L, mtidx);
        lua_setmetatable(L, -2);
    } else {
        luaL_setmetatable(L, SC_REQUEST_MT);
    }
    lua_pushvalue(L, nidx);
    lua_setiuservalue(L, -2, 1);
}

/* Receive the request poll reported into n->recv_buf: returns 1, or 0
 * when there is none after all (its target died before we took it:
 * ENOENT; or EINTR; or it was a call spawn's explain option takes:
 * explain.c).  Raises on anything else. */
static int sc_recv_raw(lua_State *L, sc_notifier *n)
{
    int e;
    memset(n->recv_buf, 0, n->recv_size); /* the kernel insists on a zeroed buffer */
    if (ioctl(n->fd, SC_IOCTL_RECV, n->recv_buf) == 0)
        return n->explain == NULL || !sc_explain_take(n, (const struct sc_notif *)n->recv_buf);
    e = errno;
    if (e == ENOENT || e == EINTR)
        return 0;
    return sc_raise(L, "receive", e, NULL);
}

/* sc_recv_raw, then the request pushed (returns 1).  `mtidx` as for
 * sc_push_request. */
static int sc_recv_one(lua_State *L, int nidx, sc_notifier *n, int mtidx)
{
    if (!sc_recv_raw(L, n))
        return 0;
    sc_push_request(L, nidx, n, (const struct sc_notif *)n->recv_buf, mtidx);
    return 1;
}

/* Receive one request from the notifier at `nidx`: pushes the request and
 * returns 1, or pushes nil and "timeout" / "closed" and returns 2.  A
 * request whose target died before we could receive it (ENOENT) is
 * skipped; the wait goes on with the time that is left. */
static int sc_receive(lua_State *L, int nidx, sc_notifier *n, double timeout)
{
    struct timespec deadline = {0, 0};
    if (timeout >= 0)
        sc_deadline(&deadline, timeout);
    for (;;) {
        int w = sc_wait_listener(L, n->fd, timeout >= 0 ? &deadline : NULL), e;
        if (w == SC_WAIT_TIMEOUT || w == SC_WAIT_HUP) {
            lua_pushnil(L);
            if (w == SC_WAIT_TIMEOUT)
                lua_pushliteral(L, "timeout");
            else
                lua_pushliteral(L, "closed");
            return 2;
        }
        if (w == SC_WAIT_ERROR)
            return sc_raise(L, "receive", errno, NULL);
        if ((e = sc_recv_one(L, nidx, n, SC_UV_REQUEST_MT)) != 0)
            return e;
    }
}

/* notifier:receive([timeout]) -> request | nil, "timeout" | nil, "closed"
 * "closed": no task uses the filter any more (POLLHUP). */
static int l_notifier_receive(lua_State *L)
{
    sc_notifier *n = sc_checknotifier(L, 1);
    double timeout = sc_check_timeout(L, 2);
    return sc_receive(L, 1, n, timeout);
}

/* The iterator function of requests(): upvalue 3 is the timeout (nil:
 * none), 4 the notifier (the loop's state, when nobody calls the iterator
 * by hand).  A notifier closed inside the loop ends it. */
static int l_notifier_next(lua_State *L)
{
    sc_notifier *n = lua_touserdata(L, 1); /* at the block of upvalue 4: that notifier */
    double timeout = lua_type(L, lua_upvalueindex(3)) == LUA_TNIL ? -1
                     : lua_tonumber(L, lua_upvalueindex(3));
    if (n == NULL || n != lua_touserdata(L, lua_upvalueindex(4)))
        n = sc_checkudata_at(L, 1, SC_UV_NOTIFIER_MT, SC_NOTIFIER_MT);
    if (n->fd < 0) {
        lua_pushnil(L);
        return 1;
    }
    if (sc_receive(L, 1, n, timeout) == 2)
        lua_pushnil(L); /* ends the loop */
    return 1;
}

/* notifier:requests([timeout]) -> iterator for a generic for: each step
 * waits up to `timeout` seconds for the next request; the loop ends when
 * none comes in that time, or when no task uses the filter any more. */
static int l_notifier_requests(lua_State *L)
{
    double timeout;
    sc_checknotifier(L, 1);
    timeout = sc_check_timeout(L, 2);
    lua_pushvalue(L, SC_UV_REQUEST_MT);
    lua_pushvalue(L, SC_UV_NOTIFIER_MT);
    if (timeout < 0)
        lua_pushnil(L);
    else
        lua_pushnumber(L, timeout);
    lua_pushvalue(L, 1);
    lua_pushcclosure(L, l_notifier_next, 4);
    lua_pushvalue(L, 1);
    return 2;
}

/* ---- responding ----------------------------------------------------------------- */

static const char *sc_gone_message(lua_State *L, uint64_t id)
{
    return lua_pushfstring(L, "request %I is gone (its target died, or it was already answered)",
                           (LUAI_UACINT)(lua_Integer)id);
}

static void sc_remember(sc_notifier *n, uint64_t id)
{
    n->recent[n->recent_next] = id;
    n->recent_used[n->recent_next] = 1;
    n->recent_next = (n->recent_next + 1) % SC_RECENT;
}

static int sc_answered(const sc_notifier *n, uint64_t id)
{
    unsigned i;
    for (i = 0; i < SC_RECENT; i++)
        if (n->recent_used[i] && n->recent[i] == id)
            return 1;
    return 0;
}

/* Send a response: 0, or the errno of the failure (EINTR is retried).
 * The id is remembered as answered. */
static SC_INLINE int sc_send_ioctl(sc_notifier *n, uint64_t id, int64_t val, int err, uint32_t flags)
{
    struct sc_notif_resp *resp = (struct sc_notif_resp *)n->resp_buf;
    memset(n->resp_buf, 0, n->resp_size);
    resp->id = id;
    resp->val = val;
    resp->error = err ? -err : 0; /* always negative: a positive one reads as success */
    resp->flags = flags;
    for (;;) {
        if (ioctl(n->fd, SC_IOCTL_SEND, resp) == 0) {
            sc_remember(n, id);
            return 0;
        }
        if (errno != EINTR)
            return errno;
    }
}

/* A response to `id` that failed with `e`: returns 3 with nil, message,
 * ENOENT pushed when the request is gone; raises on anything else. */
static int sc_send_failed(lua_State *L, uint64_t id, int e)
{
    if (e == ENOENT)
        return sc_push_fail(L, ENOENT, sc_gone_message(L, id));
    return sc_raise(L, "respond", e, e == EINPROGRESS
                    ? lua_pushfstring(L, "request %I is not waiting for an answer (not "
                                      "received yet, or answered already)",
                                      (LUAI_UACINT)(lua_Integer)id)
                    : NULL);
}

/* Send a response.  Returns 1 with true pushed, or 3 with nil, message,
 * ENOENT pushed when the request is gone; raises on anything else. */
static SC_INLINE int sc_send(lua_State *L, sc_notifier *n, uint64_t id, int64_t val, int err, uint32_t flags)
{
    int e = sc_send_ioctl(n, id, val, err, flags);
    if (e != 0)
        return sc_send_failed(L, id, e);
    lua_pushboolean(L, 1);
    return 1;
}

/* A value the target would read as an error return: refused, so that a
 * reply can never pass for an errno (use deny for that). */
static SC_INLINE void sc_check_reply_value(lua_State *L, int arg, lua_Integer v)
{
    if (v < 0 && v >= -SC_MAX_ERRNO)
        sc_argerror(L, arg, lua_pushfstring(L, "reply value %I would read as errno %d in the "
                      "target; use deny() to fail the call", (LUAI_UACINT)v, (int)-v));
}

static void sc_need_continue(lua_State *L, sc_notifier *n, const char *op)
{
    if (!n->has_continue)
        sc_require(L, op, "notify_continue");
}

/* Response flags: nil, an integer, or "continue". */
static uint32_t sc_check_resp_flags(lua_State *L, int arg)
{
    if (lua_isnoneornil(L, arg))
        return 0;
    if (lua_type(L, arg) == LUA_TSTRING) {
        if (strcmp(lua_tostring(L, arg), "continue") == 0)
            return SC_NOTIF_FLAG_CONTINUE;
        return sc_argerror_value(L, arg, "unknown response flag"), 0;
    }
    return (uint32_t)sc_checkrange(L, arg, 0, SC_NOTIF_FLAG_CONTINUE);
}

/* notifier:respond(id [, value [, errno [, flags]]]) -> true | nil, message, errno
 * errno: name or number of either sign (the kernel gets -abs(e)); flags: 1
 * or "continue" (let the call run: value and errno must then be 0).  An id
 * this notifier answered recently is refused (EALREADY) before the ioctl. */
static int l_notifier_respond(lua_State *L)
{
    sc_notifier *n = sc_checknotifier(L, 1);
    uint64_t id = (uint64_t)sc_checkinteger(L, 2);
    lua_Integer val = lua_isnoneornil(L, 3) ? 0 : sc_checkinteger(L, 3);
    int err = lua_isnoneornil(L, 4) ? 0 : sc_check_errno(L, 4, 1);
    uint32_t flags = sc_check_resp_flags(L, 5);
    if (flags & SC_NOTIF_FLAG_CONTINUE) {
        if (val != 0 || err != 0)
            sc_argerror(L, 5, "a 'continue' response cannot carry a value or an errno");
        sc_need_continue(L, n, "respond");
    } else if (err == 0) {
        sc_check_reply_value(L, 3, val);
    }
    if (sc_answered(n, id))
        return sc_raise(L, "respond", EALREADY, lua_pushfstring(L, "request %I has already been "
                        "answered", (LUAI_UACINT)(lua_Integer)id));
    n->raw_answers++; /* (also when the send fails: erring on the side of looking) */
    return sc_send(L, n, id, (int64_t)val, err, flags);
}

/* Is request `id` still waiting?  0 when it is, ENOENT when not, another
 * errno when the ioctl failed otherwise.  Never raises. */
static int sc_id_check(const sc_notifier *n, uint64_t id)
{
    for (;;) {
        if (ioctl(n->fd, SC_IOCTL_ID_VALID, &id) == 0)
            return 0;
        if (errno != EINTR)
            return errno;
    }
}

/* notifier:id_valid(id) -> boolean: is the request still waiting? */
static int sc_id_valid(lua_State *L, sc_notifier *n, uint64_t id)
{
    int e = sc_id_check(n, id);
    if (e != 0 && e != ENOENT)
        return sc_raise(L, "id_valid", e, NULL);
    return e == 0;
}

static int l_notifier_id_valid(lua_State *L)
{
    sc_notifier *n = sc_checknotifier(L, 1);
    lua_pushboolean(L, sc_id_valid(L, n, (uint64_t)sc_checkinteger(L, 2)));
    return 1;
}

/* notifier:fd() -> the notifier's own fd (closed with the notifier) */
static int l_notifier_fd(lua_State *L)
{
    lua_pushinteger(L, sc_checknotifier(L, 1)->fd);
    return 1;
}

/* notifier:close()   idempotent, never raises; also __gc and __close */
static int l_notifier_close(lua_State *L)
{
    sc_notifier_close(sc_checkudata_at(L, 1, SC_UV_NOTIFIER_MT, SC_NOTIFIER_MT));
    return 0;
}

static int l_notifier_tostring(lua_State *L)
{
    sc_notifier *n = sc_checkudata_at(L, 1, SC_UV_NOTIFIER_MT, SC_NOTIFIER_MT);
    if (n->fd < 0)
        lua_pushliteral(L, "seccomp.notifier (closed)");
    else
        lua_pushfstring(L, "seccomp.notifier (fd %d)", n->fd);
    return 1;
}

/* Ask for synchronous wake-ups (0 or an errno).  The flag belongs to the
 * filter's notification state, shared by every fd of that listener. */
static int sc_set_sync_wakeup(sc_notifier *n, int on)
{
    uint64_t flags = on ? SC_FD_SYNC_WAKE_UP : 0;
    if (ioctl(n->fd, SC_IOCTL_SET_FLAGS, flags) != 0)
        return errno;
    n->sync_wakeup = on;
    return 0;
}

/* Take ownership of `fd` (already ours: close-on-exec) in notifier `n`.
 * `own`: the listener is one this process created (spawn, filter:notifier),
 * so it gets synchronous wake-ups where the kernel has them: a Lua
 * supervisor answers one request at a time, which is the case the kernel
 * flag is for (the target hands its CPU to the supervisor and back). */
static void sc_notifier_adopt(sc_notifier *n, int fd, int own)
{
    n->fd = fd;
    if (own)
        sc_set_sync_wakeup(n, 1); /* kernel < 6.6: not there, nothing lost */
}

/* Make the notifier at the top of the stack own a close-on-exec dup of
 * `fd`; raises when the dup fails. */
static void sc_notifier_dup(lua_State *L, sc_notifier *n, int fd, int own, const char *op)
{
    int d = fcntl(fd, F_DUPFD_CLOEXEC, 3); /* never one of a future child's 0, 1, 2 */
    if (d < 0)
        sc_raise(L, op, errno, "duplicating the notification fd failed");
    sc_notifier_adopt(n, d, own);
}

/* notifier:sync_wakeup([on]) -> boolean
 * No argument: whether synchronous wake-ups are on (SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP,
 * kernel >= 6.6).  A boolean sets them; raises where the kernel lacks them. */
static int l_notifier_sync_wakeup(lua_State *L)
{
    sc_notifier *n = sc_checknotifier(L, 1);
    if (!lua_isnoneornil(L, 2)) {
        int e;
        luaL_checktype(L, 2, LUA_TBOOLEAN);
        e = sc_set_sync_wakeup(n, lua_toboolean(L, 2));
        if (e != 0)
            sc_raise(L, "sync_wakeup", e, e == EINVAL || e == ENOTTY
                     ? "synchronous wake-ups need kernel >= 6.6" : NULL);
    }
    lua_pushboolean(L, n->sync_wakeup);
    return 1;
}

/* seccomp.notifier(fd) -> notifier over a dup of a listener fd received
 * from elsewhere (the caller keeps its fd) */
static int l_notifier_new(lua_State *L)
{
    lua_Integer fd = sc_checkrange(L, 1, 0, INT32_MAX);
    uint64_t id = 0;
    sc_notifier *n;
    lua_settop(L, 1);
    n = sc_notifier_new(L, "notifier");
    if (fcntl((int)fd, F_GETFD) < 0)
        return sc_argerror(L, 1, lua_pushfstring(L, "fd %d is not open", (int)fd));
    /* A listener answers ID_VALID with 0 or ENOENT; anything else is not one. */
    if (ioctl((int)fd, SC_IOCTL_ID_VALID, &id) != 0 && errno != ENOENT)
        return sc_argerror(L, 1, lua_pushfstring(L, "fd %d is not a seccomp notification fd",
                             (int)fd));
    sc_notifier_dup(L, n, (int)fd, 0, "notifier"); /* someone else's listener: flags untouched */
    return 1;
}

/* ---- the filter's listener (libseccomp keeps one per process) --------------- */

/* The listener f:load() got from the kernel for this filter. */
static int sc_filter_listener(lua_State *L, sc_filter *f, const char *op)
{
    sc_require(L, op, "notify");
    if (f->listener < 0)
        sc_raise(L, op, ENOENT, "the filter has no notification fd: load it (with notify rules) "
                 "first; the listener is the one that load installed");
    return f->listener;
}

/* f:notify_fd() -> libseccomp's listener fd (libseccomp owns it) */
static int l_filter_notify_fd(lua_State *L)
{
    lua_pushinteger(L, sc_filter_listener(L, sc_checkfilter(L, 1), "notify_fd"));
    return 1;
}

/* f:notifier() -> notifier over a dup of libseccomp's listener fd */
static int l_filter_notifier(lua_State *L)
{
    sc_filter *f = sc_checkfilter(L, 1);
    int fd = sc_filter_listener(L, f, "notifier");
    sc_notifier *n = sc_notifier_new(L, "notifier");
    sc_notifier_dup(L, n, fd, 1, "notifier");
    return 1;
}

/* ---- requests ----------------------------------------------------------------- */

static SC_INLINE sc_request *sc_checkrequest(lua_State *L, int idx)
{
    return sc_checkudata_at(L, idx, SC_UV_REQUEST_MT, SC_REQUEST_MT);
}

/* The notifier in the user value of the request at `idx`, pushed, or NULL
 * (something pushed all the same).  It is the one the request was made
 * with (r->owner, no type check needed) unless the debug library changed
 * the user value. */
static SC_INLINE sc_notifier *sc_request_owner(lua_State *L, int idx)
{
    sc_request *r = lua_touserdata(L, idx);
    lua_getiuservalue(L, idx, 1);
    if (lua_touserdata(L, -1) == r->owner && lua_type(L, -1) == LUA_TUSERDATA)
        return r->owner;
    return sc_testudata_at(L, lua_gettop(L), SC_UV_NOTIFIER_MT, SC_NOTIFIER_MT);
}

/* The request's notifier, pushed; raises when it has been closed. */
static SC_INLINE sc_notifier *sc_request_notifier(lua_State *L, int idx)
{
    sc_notifier *n = sc_request_owner(L, idx);
    if (n == NULL || n->fd < 0)
        sc_argerror(L, idx, "the request's notifier has been closed");
    return n;
}

/* The one answered state of a request: its own flag, or the notifier's
 * record of the ids it answered (n:respond(req.id, ...) answers it too). */
static SC_INLINE int sc_request_answered(sc_request *r, const sc_notifier *n)
{
    if (!r->answered && n != NULL && n->raw_answers != 0 && sc_answered(n, r->n.id))
        r->answered = 1;
    return r->answered;
}

static SC_INLINE void sc_check_unanswered(lua_State *L, sc_request *r, const sc_notifier *n, const char *op)
{
    if (sc_request_answered(r, n))
        sc_raise(L, op, EALREADY, lua_pushfstring(L, "request %I has already been answered",
                 (LUAI_UACINT)(lua_Integer)r->n.id));
}

/* Respond to request `r` (at stack index 1); marks it answered when the
 * response went out. */
static SC_INLINE int sc_request_send(lua_State *L, sc_request *r, sc_notifier *n, int64_t val, int err,
                           uint32_t flags)
{
    int nret = sc_send(L, n, r->n.id, val, err, flags);
    if (nret == 1)
        r->answered = 1;
    return nret;
}

/* req:allow() -> true | nil, message, errno   (the call runs: CONTINUE) */
static int l_request_allow(lua_State *L)
{
    sc_request *r = sc_checkrequest(L, 1);
    sc_notifier *n = sc_request_notifier(L, 1);
    sc_check_unanswered(L, r, n, "allow");
    sc_need_continue(L, n, "allow");
    return sc_request_send(L, r, n, 0, 0, SC_NOTIF_FLAG_CONTINUE);
}

/* req:deny([errno]) -> true | nil, message, errno   (default EPERM; name or
 * number of either sign, never 0) */
static int l_request_deny(lua_State *L)
{
    sc_request *r = sc_checkrequest(L, 1);
    int err = lua_isnoneornil(L, 2) ? EPERM : sc_check_errno(L, 2, 1);
    sc_notifier *n;
    if (err == 0)
        sc_argerror(L, 2, "deny needs a non-zero errno (reply(0) fakes success)");
    n = sc_request_notifier(L, 1);
    sc_check_unanswered(L, r, n, "deny");
    return sc_request_send(L, r, n, 0, err, 0);
}

/* req:reply(value) -> true | nil, message, errno   (the call does not run
 * and returns value; -4095..-1 is refused, they read as errnos) */
static int l_request_reply(lua_State *L)
{
    sc_request *r = sc_checkrequest(L, 1);
    lua_Integer v = lua_isnoneornil(L, 2) ? 0 : sc_checkinteger(L, 2);
    sc_notifier *n;
    sc_check_reply_value(L, 2, v);
    n = sc_request_notifier(L, 1);
    sc_check_unanswered(L, r, n, "reply");
    return sc_request_send(L, r, n, (int64_t)v, 0, 0);
}

/* req:valid() -> boolean: is the target still waiting for an answer? */
static int l_request_valid(lua_State *L)
{
    sc_request *r = sc_checkrequest(L, 1);
    sc_notifier *n = sc_request_notifier(L, 1);
    lua_pushboolean(L, !sc_request_answered(r, n) && sc_id_valid(L, n, r->n.id));
    return 1;
}

/* An fd argument: an integer, or an open Lua file handle. */
static int sc_check_fd_arg(lua_State *L, int arg)
{
    luaL_Stream *s = sc_testfile(L, arg);
    if (s != NULL)
        return fileno(s->f);
    if (lua_type(L, arg) != LUA_TNUMBER)
        return sc_argerror_value(L, arg, "fd or file handle expected, got"), -1;
    return (int)sc_checkrange(L, arg, 0, INT32_MAX);
}

/* SECCOMP_IOCTL_NOTIF_ADDFD of `src` for request r, as `a` asks (flags,
 * newfd, newfd_flags); with SEND it also answers r.  The fd number in the
 * target, or -1 with errno. */
static int sc_addfd_ioctl(sc_request *r, sc_notifier *n, struct sc_notif_addfd *a, int src)
{
    int rc;
    a->id = r->n.id;
    a->srcfd = (uint32_t)src;
    do
        rc = ioctl(n->fd, SC_IOCTL_ADDFD, a);
    while (rc < 0 && errno == EINTR);
    if (rc >= 0 && (a->flags & SC_ADDFD_FLAG_SEND)) {
        r->answered = 1;
        sc_remember(n, r->n.id);
    }
    return rc;
}

/* req:addfd(fd [, opts]) -> fd number in the target | nil, message, errno
 * fd: an integer or a Lua file handle; opts: newfd (install at that number),
 * cloexec (boolean), send (also answer the request with the new fd as the
 * call's return value, atomically: kernel >= 5.14). */
static int l_request_addfd(lua_State *L)
{
    sc_request *r = sc_checkrequest(L, 1);
    int src = sc_check_fd_arg(L, 2), send = 0, rc;
    struct sc_notif_addfd a;
    sc_notifier *n;
    memset(&a, 0, sizeof a);
    if (!lua_isnoneornil(L, 3)) {
        static const char *const keys[] = {"newfd", "cloexec", "send", NULL};
        luaL_checktype(L, 3, LUA_TTABLE);
        sc_check_options(L, 3, 3, keys);
        lua_pushnil(L);
        while (lua_next(L, 3) != 0) {
            const char *k = lua_tostring(L, -2);
            if (strcmp(k, "newfd") != 0 && !lua_isboolean(L, -1))
                sc_argerror(L, 3, lua_pushfstring(L, "opts.%s must be a boolean, got %s", k,
                              sc_repr(L, -1)));
            lua_pop(L, 1);
        }
        if (lua_getfield(L, 3, "newfd") != LUA_TNIL) {
            if (lua_type(L, -1) != LUA_TNUMBER || !lua_isinteger(L, -1) || lua_tointeger(L, -1) < 0 ||
                lua_tointeger(L, -1) > INT32_MAX)
                sc_argerror(L, 3, lua_pushfstring(L, "opts.newfd must be a non-negative integer, "
                              "got %s", sc_repr(L, -1)));
            a.newfd = (uint32_t)lua_tointeger(L, -1);
            a.flags |= SC_ADDFD_FLAG_SETFD;
        }
        lua_pop(L, 1);
        lua_getfield(L, 3, "cloexec");
        if (lua_toboolean(L, -1))
            a.newfd_flags = O_CLOEXEC;
        lua_pop(L, 1);
        lua_getfield(L, 3, "send");
        send = lua_toboolean(L, -1);
        lua_pop(L, 1);
    }
    n = sc_request_notifier(L, 1);
    if (!n->has_addfd)
        sc_require(L, "addfd", "notify_addfd");
    if (send && !n->has_send)
        sc_raise(L, "addfd", EOPNOTSUPP, "addfd with send needs kernel >= 5.14");
    sc_check_unanswered(L, r, n, "addfd");
    if (send)
        a.flags |= SC_ADDFD_FLAG_SEND;
    rc = sc_addfd_ioctl(r, n, &a, src);
    if (rc >= 0) {
        lua_pushinteger(L, rc);
        return 1;
    }
    if (errno == ENOENT)
        return sc_push_fail(L, ENOENT, sc_gone_message(L, r->n.id));
    return sc_raise(L, "addfd", errno, NULL);
}

/* ---- the target's memory ------------------------------------------------------ */

/* The most bytes one read, read_string or write moves (an argument error
 * beyond): a supervisor reads paths, argv strings and small structs. */
#define SC_MEM_MAX (1 << 20)
#define SC_PATH_MAX 4096 /* read_string's default max, NUL included */

/* Push nil, message, errno; returns 3. */
static int sc_mem_fail(lua_State *L, const sc_request *r, int err, const char *what)
{
    return sc_push_fail(L, err, err == ENOENT ? sc_gone_message(L, r->n.id)
                                : lua_pushfstring(L, "request %I (pid %d): %s",
                                                  (LUAI_UACINT)(lua_Integer)r->n.id, (int)r->n.pid, what));
}

/* Make n->mem_fd the memory of request r's target, in the order the
 * kernel's documentation gives: open /proc/PID/mem first, then check that
 * the request is still waiting.  While it waits its target cannot have
 * exited, so the pid was not reused and the fd is that target's memory.
 * The fd is kept for further reads of the same request.  0 or an errno
 * (ENOENT: the request is gone). */
static int sc_mem_open(sc_notifier *n, const sc_request *r)
{
    char path[32];
    int fd, e;
    if (n->mem_fd >= 0 && n->mem_id == r->n.id)
        return 0;
    sc_mem_drop(n);
    if (r->n.pid == 0)
        return ESRCH; /* not visible in our pid namespace */
    snprintf(path, sizeof path, "/proc/%u/mem", (unsigned)r->n.pid);
    do
        fd = open(path, O_RDWR | O_CLOEXEC);
    while (fd < 0 && errno == EINTR);
    if (fd < 0)
        return errno == ESRCH ? ENOENT : errno;
    e = sc_id_check(n, r->n.id);
    if (e != 0) {
        close(fd);
        return e;
    }
    n->mem_fd = fd;
    n->mem_id = r->n.id;
    return 0;
}

static const char *sc_mem_open_message(lua_State *L, int err, const sc_request *r)
{
    return lua_pushfstring(L, "cannot open /proc/%d/mem: %s", (int)r->n.pid, strerror(err));
}

/* pread/pwrite until `len` bytes or a failure; the count moved.  A short
 * count means the range runs into memory that is not mapped (or, for a
 * write, not writable through /proc/PID/mem). */
static size_t sc_mem_rw(int fd, char *buf, size_t len, uint64_t addr, int write)
{
    size_t done = 0;
    while (done < len) {
        ssize_t k;
        if (addr + done < addr)
            break; /* wraps around the address space */
        k = write ? pwrite(fd, buf + done, len - done, (off_t)(addr + done))
                  : pread(fd, buf + done, len - done, (off_t)(addr + done));
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break;
        done += (size_t)k;
    }
    return done;
}

static const char *sc_fault_message(lua_State *L, const char *verb, size_t len, uint64_t addr)
{
    char a[24];
    snprintf(a, sizeof a, "0x%llx", (unsigned long long)addr);
    return lua_pushfstring(L, "cannot %s %d byte%s at %s: not mapped%s in the target", verb,
                           (int)len, len == 1 ? "" : "s", a, verb[0] == 'w' ? " writable" : "");
}

/* After a short read or write: the request gone (ENOENT) or a bad address
 * (EFAULT). */
static int sc_mem_short(lua_State *L, sc_notifier *n, const sc_request *r, const char *verb,
                        size_t len, uint64_t addr)
{
    int e = sc_id_check(n, r->n.id);
    if (e == 0)
        return sc_mem_fail(L, r, EFAULT, sc_fault_message(L, verb, len, addr));
    return sc_mem_fail(L, r, e == ENOENT ? ENOENT : e, strerror(e));
}

/* After a complete read: the data counts only if the request is still
 * waiting (the target did not die, or get replaced, meanwhile). */
static int sc_mem_recheck(lua_State *L, sc_notifier *n, const sc_request *r)
{
    int e = sc_id_check(n, r->n.id);
    if (e != 0)
        return sc_mem_fail(L, r, e, strerror(e));
    return 0;
}

/* req:read(addr, len) -> string | nil, message, errno
 * len 0..SC_MEM_MAX.  ENOENT: the request is gone; EFAULT: some of the
 * range is not mapped in the target. */
static int l_request_read(lua_State *L)
{
    sc_request *r = sc_checkrequest(L, 1);
    uint64_t addr = (uint64_t)sc_checkinteger(L, 2);
    size_t len = (size_t)sc_checkrange(L, 3, 0, SC_MEM_MAX), got;
    sc_notifier *n = sc_request_notifier(L, 1);
    luaL_Buffer b;
    char *p;
    int e = sc_mem_open(n, r);
    if (e != 0)
        return sc_mem_fail(L, r, e, sc_mem_open_message(L, e, r));
    p = luaL_buffinitsize(L, &b, len);
    got = sc_mem_rw(n->mem_fd, p, len, addr, 0);
    if (got < len)
        return sc_mem_short(L, n, r, "read", len, addr);
    if (sc_mem_recheck(L, n, r))
        return 3;
    luaL_pushresultsize(&b, len);
    return 1;
}

/* req:read_string(addr [, max]) -> string | nil, message, errno
 * The bytes up to the first NUL, looking at most `max` bytes (NUL
 * included; default 4096, PATH_MAX).  ENAMETOOLONG: no NUL within max. */
static int l_request_read_string(lua_State *L)
{
    sc_request *r = sc_checkrequest(L, 1);
    uint64_t addr = (uint64_t)sc_checkinteger(L, 2);
    size_t max = lua_isnoneornil(L, 3) ? SC_PATH_MAX : (size_t)sc_checkrange(L, 3, 1, SC_MEM_MAX);
    size_t total = 0;
    sc_notifier *n = sc_request_notifier(L, 1);
    luaL_Buffer b;
    int e = sc_mem_open(n, r);
    if (e != 0)
        return sc_mem_fail(L, r, e, sc_mem_open_message(L, e, r));
    luaL_buffinit(L, &b);
    while (total < max) {
        /* a page at a time: never past the page the string ends in */
        uint64_t at = addr + total;
        size_t chunk = 4096 - (size_t)(at % 4096), got;
        char *p, *nul;
        if (chunk > max - total)
            chunk = max - total;
        p = luaL_prepbuffsize(&b, chunk);
        got = sc_mem_rw(n->mem_fd, p, chunk, at, 0);
        nul = memchr(p, 0, got);
        if (nul != NULL) {
            luaL_addsize(&b, (size_t)(nul - p));
            if (sc_mem_recheck(L, n, r))
                return 3;
            luaL_pushresult(&b);
            return 1;
        }
        if (got < chunk)
            return sc_mem_short(L, n, r, "read", chunk, at);
        luaL_addsize(&b, got);
        total += got;
    }
    if (sc_mem_recheck(L, n, r))
        return 3;
    return sc_mem_fail(L, r, ENAMETOOLONG, lua_pushfstring(L, "no NUL within %d bytes", (int)max));
}

/* A hex number at *p (advanced past it). */
static uint64_t sc_hex(const char **p, const char *end)
{
    uint64_t v = 0;
    for (; *p < end; (*p)++) {
        char c = **p;
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (d < 0)
            break;
        v = v << 4 | (uint64_t)d;
    }
    return v;
}

/* Is [addr, addr + len) covered by writable mappings in the text of
 * /proc/PID/maps (`lo-hi perms ...` a line, in address order)? */
static int sc_maps_writable(const char *m, size_t mlen, uint64_t addr, size_t len)
{
    const char *p = m, *end = m + mlen;
    uint64_t want = addr, stop = addr + len;
    while (p < end && want < stop) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        uint64_t lo = sc_hex(&p, end), hi = 0;
        if (p < end && *p == '-') {
            p++;
            hi = sc_hex(&p, end);
            if (lo <= want && want < hi) {
                if (end - p < 3 || p[0] != ' ' || p[2] != 'w')
                    return 0;
                want = hi; /* the next mapping must go on from here */
            }
        }
        p = nl ? nl + 1 : end;
    }
    return want >= stop;
}

/* req:write(addr, data) -> true | nil, message, errno
 * Writes into the target's memory (an emulated call's output buffer).
 * /proc/PID/mem writes through the pages' protection, so the range is
 * first checked against /proc/PID/maps: EFAULT unless it is all mapped
 * writable.  #data is at most SC_MEM_MAX. */
static int l_request_write(lua_State *L)
{
    sc_request *r = sc_checkrequest(L, 1);
    uint64_t addr = (uint64_t)sc_checkinteger(L, 2);
    size_t len, mlen = 0;
    const char *data = luaL_checklstring(L, 3, &len);
    sc_notifier *n;
    luaL_Buffer b;
    char path[32];
    int e, fd;
    if (len > SC_MEM_MAX)
        return sc_argerror(L, 3, lua_pushfstring(L, "%d bytes is over the limit of %d",
                             (int)len, SC_MEM_MAX));
    n = sc_request_notifier(L, 1);
    if ((e = sc_mem_open(n, r)) != 0)
        return sc_mem_fail(L, r, e, sc_mem_open_message(L, e, r));
    if (len == 0) {
        lua_pushboolean(L, 1);
        return 1;
    }
    if (addr + len < addr)
        return sc_mem_fail(L, r, EFAULT, sc_fault_message(L, "write", len, addr));
    /* the maps, opened before the request is checked again: then they are
     * its target's too */
    snprintf(path, sizeof path, "/proc/%u/maps", (unsigned)r->n.pid);
    do
        fd = open(path, O_RDONLY | O_CLOEXEC);
    while (fd < 0 && errno == EINTR);
    if (fd < 0)
        return sc_mem_fail(L, r, errno == ESRCH ? ENOENT : errno, strerror(errno));
    if ((e = sc_id_check(n, r->n.id)) != 0) {
        close(fd);
        return sc_mem_fail(L, r, e, strerror(e));
    }
    luaL_buffinit(L, &b);
    for (;;) {
        char *p = luaL_prepbuffsize(&b, 16384);
        ssize_t k = read(fd, p, 16384);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break;
        luaL_addsize(&b, (size_t)k);
        mlen += (size_t)k;
    }
    close(fd);
    luaL_pushresult(&b);
    if (!sc_maps_writable(lua_tostring(L, -1), mlen, addr, len))
        return sc_mem_short(L, n, r, "write", len, addr);
    if (sc_mem_rw(n->mem_fd, (char *)data, len, addr, 1) < len)
        return sc_mem_short(L, n, r, "write", len, addr);
    lua_pushboolean(L, 1);
    return 1;
}

/* The name of the request's syscall on its arch, into buf; 0 if unknown.
 * x32 calls arrive as x86_64 with the x32 bit set. */
static int sc_request_name(const sc_request *r, char *buf, size_t len)
{
    uint32_t arch = r->n.data.arch;
    if (arch == SCMP_ARCH_X86_64 && (r->n.data.nr & SC_X32_SYSCALL_BIT))
        arch = SCMP_ARCH_X32;
    if (sc_arch_by_token(arch) == NULL)
        return 0;
    return sc_syscall_name(arch, r->n.data.nr, buf, len);
}

/* Fields, decoded on access: id pid flags syscall name arch ip args answered
 * notifier.  Upvalue 3 is the methods table. */
static int l_request_index(lua_State *L)
{
    sc_request *r;
    const char *k;
    char buf[64];
    int i;
    /* A method first: finding it reads nothing of argument 1 (the method
     * checks its own argument when called), so the check below is for the
     * fields only.  The VM calls this with two arguments, a caller by hand
     * may not: the key is read at 2 all the same (none reads as nil). */
    lua_pushvalue(L, 2);
    if (lua_rawget(L, lua_upvalueindex(3)) != LUA_TNIL)
        return 1;
    lua_settop(L, 2);
    r = sc_checkrequest(L, 1); /* (nothing left pushed: the result is returned from the top) */
    if (lua_type(L, 2) != LUA_TSTRING)
        return 0;
    k = lua_tostring(L, 2);
    if (strcmp(k, "id") == 0)
        lua_pushinteger(L, (lua_Integer)r->n.id);
    else if (strcmp(k, "pid") == 0)
        lua_pushinteger(L, (lua_Integer)r->n.pid);
    else if (strcmp(k, "syscall") == 0)
        lua_pushinteger(L, (lua_Integer)r->n.data.nr);
    else if (strcmp(k, "name") == 0) {
        if (sc_request_name(r, buf, sizeof buf))
            lua_pushstring(L, buf);
        else
            lua_pushnil(L);
    } else if (strcmp(k, "args") == 0) {
        lua_createtable(L, 6, 0);
        for (i = 0; i < 6; i++) {
            lua_pushinteger(L, (lua_Integer)r->n.data.args[i]);
            lua_rawseti(L, -2, i + 1);
        }
    } else if (strcmp(k, "arch") == 0)
        lua_pushinteger(L, (lua_Integer)r->n.data.arch);
    else if (strcmp(k, "ip") == 0)
        lua_pushinteger(L, (lua_Integer)r->n.data.ip);
    else if (strcmp(k, "flags") == 0)
        lua_pushinteger(L, (lua_Integer)r->n.flags);
    else if (strcmp(k, "answered") == 0) {
        sc_notifier *n = sc_request_owner(L, 1);
        lua_pushboolean(L, sc_request_answered(r, n != NULL && n->fd >= 0 ? n : NULL));
    }
    else if (strcmp(k, "notifier") == 0)
        lua_getiuservalue(L, 1, 1);
    else
        lua_pushnil(L);
    return 1;
}

/* tostring(req) -> "seccomp.request 17 (pid 42: openat on x86_64)" */
static int l_request_tostring(lua_State *L)
{
    sc_request *r = sc_checkrequest(L, 1);
    char buf[64];
    const char *arch = sc_arch_name(r->n.data.arch);
    if (!sc_request_name(r, buf, sizeof buf))
        snprintf(buf, sizeof buf, "syscall %d", (int)r->n.data.nr);
    if (arch)
        lua_pushfstring(L, "seccomp.request %I (pid %d: %s on %s)", (LUAI_UACINT)(lua_Integer)r->n.id,
                        (int)r->n.pid, buf, arch);
    else
        lua_pushfstring(L, "seccomp.request %I (pid %d: %s on arch 0x%s)",
                        (LUAI_UACINT)(lua_Integer)r->n.id, (int)r->n.pid, buf,
                        lua_pushfstring(L, "%I", (LUAI_UACINT)r->n.data.arch));
    return 1;
}

/* ---- registration ----------------------------------------------------------------- */

static const luaL_Reg sc_notifier_methods[] = {
    {"receive", l_notifier_receive},
    {"requests", l_notifier_requests},
    {"respond", l_notifier_respond},
    {"id_valid", l_notifier_id_valid},
    {"fd", l_notifier_fd},
    {"sync_wakeup", l_notifier_sync_wakeup},
    {"close", l_notifier_close},
    {NULL, NULL},
};

static const luaL_Reg sc_notifier_meta[] = {
    {"__gc", l_notifier_close},
#if SC_HAVE_CLOSE
    {"__close", l_notifier_close},
#endif
    {"__tostring", l_notifier_tostring},
    {NULL, NULL},
};

static const luaL_Reg sc_request_methods[] = {
    {"allow", l_request_allow},
    {"deny", l_request_deny},
    {"reply", l_request_reply},
    {"valid", l_request_valid},
    {"addfd", l_request_addfd},
    {"read", l_request_read},
    {"read_string", l_request_read_string},
    {"write", l_request_write},
    {NULL, NULL},
};

static const luaL_Reg sc_notify_filter_methods[] = {
    {"notify_fd", l_filter_notify_fd},
    {"notifier", l_filter_notifier},
    {NULL, NULL},
};

/* Set the functions of `l` into the table at the top, each a closure over
 * the two metatables at `rmt` and `nmt` (absolute indices): the upvalues
 * of the top comment. */
static void sc_notify_setfuncs(lua_State *L, const luaL_Reg *l, int rmt, int nmt)
{
    lua_pushvalue(L, rmt);
    lua_pushvalue(L, nmt);
    luaL_setfuncs(L, l, 2);
}

/* Called with the module table at the top of the stack. */
static void sc_open_notify(lua_State *L)
{
    static const luaL_Reg request_meta[] = {{"__tostring", l_request_tostring}, {NULL, NULL}};
    int rmt, nmt;
    luaL_newmetatable(L, SC_REQUEST_MT);
    rmt = lua_gettop(L);
    luaL_newmetatable(L, SC_NOTIFIER_MT);
    nmt = lua_gettop(L);
    sc_notify_setfuncs(L, sc_notifier_meta, rmt, nmt); /* into nmt, at the top */
    lua_newtable(L);
    sc_notify_setfuncs(L, sc_notifier_methods, rmt, nmt);
    lua_setfield(L, nmt, "__index");
    lua_pushvalue(L, rmt);
    sc_notify_setfuncs(L, request_meta, rmt, nmt);
    lua_pushvalue(L, rmt);
    lua_pushvalue(L, nmt);
    lua_newtable(L);
    sc_notify_setfuncs(L, sc_request_methods, rmt, nmt);
    lua_pushcclosure(L, l_request_index, 3);
    lua_setfield(L, rmt, "__index");
    lua_settop(L, rmt - 1);

    lua_pushcfunction(L, l_notifier_new);
    lua_setfield(L, -2, "notifier");
    sc_add_methods(L, SC_FILTER_MT, sc_notify_filter_methods);
}
