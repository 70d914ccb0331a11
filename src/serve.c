/*
 * serve.c - the dispatch loop: notifier:serve(handlers [, opts]) and
 * seccomp.serve(handlers, list [, opts]).
 *
 * One poll(2) over every member that has not hung up; each member with a
 * request queued gets one receive, its handler is found by the call's name
 * (handlers[name], else handlers.default, else ENOSYS) and called in
 * protected mode, and what it returns is the answer:
 *
 *   "allow"                          CONTINUE
 *   an errno name or number          deny with it
 *   { value = n }                    reply n
 *   { fd = f [, newfd] [, cloexec] [, close] }
 *                                    addfd with SEND: the call returns the
 *                                    new fd number
 *   { fd = f, value = n, ... }       addfd without SEND, then reply n
 *   nil                              the handler answered the request itself
 *
 * A handler may also be such an answer instead of a function (a fixed
 * answer for that call).  A handler that raises (or yields: serve calls it
 * from C, so a yield is an error), or returns something else, has the call
 * denied with opts.error_errno and the error reported to opts.on_error
 * (default: a line on stderr); the loop goes on.  What the loop itself
 * cannot do (a failed poll, a kernel refusing an answer for a reason other
 * than a dead target) raises.
 *
 * Nothing here re-implements the request methods: the answers go through
 * the same helpers as req:allow/deny/reply/addfd.
 *
 * The loop runs once per request, so what it needs by name is looked up
 * once, when serve starts: the metatables its checks compare with, and the
 * keys of a table answer and "default", interned in stack slots (a key in
 * a slot is read with lua_gettable, as lua_getfield reads it, without
 * interning the name again).
 */
#include "core.h"

#define SC_SERVE_DEFAULT_ERRNO EPERM

/* Stack slots of a running serve. */
enum {
    SV_HANDLERS = 1, /* the handlers table */
    SV_LIST,         /* the members: notifiers and children (may grow) */
    SV_OPTS,         /* opts or nil */
    SV_ON_ERROR,     /* opts.on_error or nil */
    SV_NAMES,        /* (arch << 32 | nr) -> name, or false when unknown */
    SV_ANSWERS,      /* answer string -> errno (0: "allow") */
    SV_DONE,         /* notifier -> true once it hung up */
    SV_LAST_NAME,    /* the name of the last request's call (sc_serve.last_key) */
    SV_PFDS,         /* struct pollfd scratch (userdata, grown as needed) */
    SV_MSGH,         /* the message handler for handlers' errors */
    SV_REQUEST_MT,   /* the metatables of requests, notifiers and children */
    SV_NOTIFIER_MT,
    SV_CHILD_MT,
    SV_K_DEFAULT,    /* "default" */
    SV_ANSWER_KEYS,  /* a table answer's key -> its AK_* number */
    SV_K_VALUE,      /* a table answer's keys, in AK_* order */
    SV_TOP = SV_K_VALUE + 4 /* then this round's polled notifiers, in pollfd order */
};

/* The keys of a table answer (sc_serve_answer_keys, in this order). */
enum { AK_VALUE, AK_FD, AK_NEWFD, AK_CLOEXEC, AK_CLOSE };
static const char *const sc_serve_answer_keys[] = {"value", "fd", "newfd", "cloexec", "close", NULL};

typedef struct {
    int error_errno;
    double timeout; /* seconds, -1: none */
    size_t cap;     /* pollfds in SV_PFDS */
    int ndone;      /* entries in SV_DONE */
    int has_last;   /* SV_LAST_NAME is the name of (arch << 32 | nr) last_key */
    int private_list; /* SV_LIST is serve's own (notifier:serve): nobody else changes it */
    uint64_t last_key;
} sc_serve;

/* The message handler: a string error gets a traceback. */
static int sc_serve_msgh(lua_State *L)
{
    const char *msg = lua_tostring(L, 1);
    if (msg != NULL && lua_type(L, 1) == LUA_TSTRING)
        luaL_traceback(L, L, msg, 1);
    else
        lua_settop(L, 1);
    return 1;
}

/* The notifier of list entry at `idx` (notifier, or a child with one);
 * NULL when the entry is neither. */
static sc_notifier *sc_serve_member(lua_State *L, int idx)
{
    sc_notifier *n = sc_testudata_at(L, idx, SV_NOTIFIER_MT, NULL);
    if (n != NULL)
        return n;
    if (sc_testudata_at(L, idx, SV_CHILD_MT, NULL) != NULL) {
        lua_getiuservalue(L, idx, 1);
        n = sc_testudata_at(L, lua_gettop(L), SV_NOTIFIER_MT, NULL);
        if (n != NULL)
            lua_replace(L, idx);
        else
            lua_pop(L, 1);
    }
    return n;
}

/* The request's call name, from the cache (pushed: a string, or false). */
static void sc_serve_name(lua_State *L, sc_serve *sv, const sc_request *r)
{
    uint64_t k = (uint64_t)r->n.data.arch << 32 | (uint32_t)r->n.data.nr;
    lua_Integer key = (lua_Integer)k;
    if (sv->has_last && sv->last_key == k) {
        lua_pushvalue(L, SV_LAST_NAME);
        return;
    }
    if (lua_rawgeti(L, SV_NAMES, key) == LUA_TNIL) {
        char buf[64];
        lua_pop(L, 1);
        if (sc_request_name(r, buf, sizeof buf))
            lua_pushstring(L, buf);
        else
            lua_pushboolean(L, 0);
        lua_pushvalue(L, -1);
        lua_rawseti(L, SV_NAMES, key);
    }
    lua_pushvalue(L, -1);
    lua_replace(L, SV_LAST_NAME);
    sv->has_last = 1;
    sv->last_key = k;
}

/* An integer in an answer: a number with an integer value (3 or 3.0, as
 * from math.floor or LuaSocket's getfd); never a string. */
static int sc_answer_int(lua_State *L, int idx, lua_Integer *v)
{
    int ok = 0;
    if (lua_type(L, idx) != LUA_TNUMBER)
        return 0;
    *v = lua_tointegerx(L, idx, &ok);
    return ok;
}

/* An fd in an answer: an integer or an open Lua file; -1 with a message
 * pushed otherwise. */
static int sc_serve_fd(lua_State *L, int idx, luaL_Stream **file)
{
    lua_Integer v;
    luaL_Stream *s = luaL_testudata(L, idx, LUA_FILEHANDLE);
    *file = s;
    if (s != NULL) {
        if (sc_file_closed(s)) {
            lua_pushliteral(L, "answer.fd is a closed file");
            return -1;
        }
        return fileno(s->f);
    }
    if (sc_answer_int(L, idx, &v) && v >= 0 && v <= INT32_MAX)
        return (int)v;
    lua_pushfstring(L, "answer.fd must be an fd or an open file, got %s", sc_repr(L, idx));
    return -1;
}

/* Send a response for r and ignore ENOENT (the target died: nothing to
 * answer any more).  Other kernel failures raise. */
static void sc_serve_send(lua_State *L, sc_request *r, sc_notifier *n, int64_t val, int err,
                          uint32_t flags)
{
    int e = sc_send_ioctl(n, r->n.id, val, err, flags);
    if (e == 0)
        r->answered = 1;
    else if (e != ENOENT)
        sc_send_failed(L, r->n.id, e);
}

/* A table answer being read: where it is, and which keys it has. */
typedef struct {
    int idx;
    int raw;          /* no metatable: a key it does not have is nil, not looked up */
    unsigned present; /* the keys it has (1 << AK_*) */
} sc_answer;

/* Check the keys of the table answer at `a->idx`: NULL with a->present
 * set when every one is an answer key, or the message of sc_unknown_key
 * (the one check of option tables) pushed. */
static const char *sc_serve_answer_check(lua_State *L, sc_answer *a)
{
    a->raw = !lua_getmetatable(L, a->idx);
    if (!a->raw)
        lua_pop(L, 1);
    a->present = 0;
    lua_pushnil(L);
    while (lua_next(L, a->idx) != 0) {
        lua_pushvalue(L, -2);
        if (lua_rawget(L, SV_ANSWER_KEYS) != LUA_TNUMBER) {
            const char *msg;
            lua_pop(L, 3);
            msg = sc_unknown_key(L, a->idx, sc_serve_answer_keys, "key", "an answer has the keys");
            a->raw = 0; /* (msg is never NULL: the same keys) */
            return msg;
        }
        a->present |= 1u << lua_tointeger(L, -1);
        lua_pop(L, 2); /* the key stays for lua_next */
    }
    return NULL;
}

/* Is answer field `k` (AK_*) not nil?  Nothing pushed. */
static int sc_serve_has(lua_State *L, const sc_answer *a, int k)
{
    int t;
    if (a->raw)
        return (a->present & (1u << k)) != 0;
    lua_pushvalue(L, SV_K_VALUE + k);
    t = lua_gettable(L, a->idx);
    lua_pop(L, 1);
    return t != LUA_TNIL;
}

/* Push answer field `k` (AK_*) as lua_getfield would read it, and return
 * its type. */
static int sc_serve_field(lua_State *L, const sc_answer *a, int k)
{
    if (a->raw && !(a->present & (1u << k))) {
        lua_pushnil(L);
        return LUA_TNIL;
    }
    lua_pushvalue(L, SV_K_VALUE + k);
    return lua_gettable(L, a->idx);
}

/* A table answer at `aidx`.  NULL, or a message pushed. */
static const char *sc_serve_table_answer(lua_State *L, sc_request *r, sc_notifier *n, int aidx)
{
    struct sc_notif_addfd a;
    luaL_Stream *file = NULL;
    lua_Integer value = 0;
    int has_value, src, rc, e, closeit;
    sc_answer ans;
    const char *msg;
    ans.idx = aidx;
    if ((msg = sc_serve_answer_check(L, &ans)) != NULL)
        return msg;
    has_value = sc_serve_field(L, &ans, AK_VALUE) != LUA_TNIL;
    if (has_value) {
        if (!sc_answer_int(L, -1, &value))
            return lua_pushfstring(L, "answer.value must be an integer, got %s", sc_repr(L, -1));
        if (value < 0 && value >= -SC_MAX_ERRNO)
            return lua_pushfstring(L, "answer.value %I would read as errno %d in the target; "
                                   "answer with the errno instead", (LUAI_UACINT)value, (int)-value);
    }
    lua_pop(L, 1);
    if (sc_serve_field(L, &ans, AK_FD) == LUA_TNIL) {
        lua_pop(L, 1);
        if (!has_value)
            return lua_pushliteral(L, "a table answer needs value or fd");
        if (sc_serve_has(L, &ans, AK_NEWFD) || sc_serve_has(L, &ans, AK_CLOEXEC) ||
            sc_serve_has(L, &ans, AK_CLOSE))
            return lua_pushliteral(L, "newfd, cloexec and close go with fd");
        sc_serve_send(L, r, n, (int64_t)value, 0, 0);
        return NULL;
    }
    src = sc_serve_fd(L, lua_gettop(L), &file);
    if (src < 0)
        return lua_tostring(L, -1);
    memset(&a, 0, sizeof a);
    if (sc_serve_field(L, &ans, AK_NEWFD) != LUA_TNIL) {
        lua_Integer v;
        if (!sc_answer_int(L, -1, &v) || v < 0 || v > INT32_MAX)
            return lua_pushfstring(L, "answer.newfd must be a non-negative integer, got %s",
                                   sc_repr(L, -1));
        a.newfd = (uint32_t)v;
        a.flags |= SC_ADDFD_FLAG_SETFD;
    }
    sc_serve_field(L, &ans, AK_CLOEXEC);
    if (lua_toboolean(L, -1))
        a.newfd_flags = O_CLOEXEC;
    sc_serve_field(L, &ans, AK_CLOSE);
    closeit = lua_toboolean(L, -1);
    if (!n->has_addfd)
        return lua_pushfstring(L, "an fd answer needs the notify_addfd feature (kernel >= 5.9)");
    /* Without SEND (kernel < 5.14) the fd is installed, then the call answered with its number. */
    if (!has_value && n->has_send)
        a.flags |= SC_ADDFD_FLAG_SEND;
    rc = sc_addfd_ioctl(r, n, &a, src);
    e = errno;
    if (closeit) {
        if (file != NULL) {
            sc_serve_field(L, &ans, AK_FD);
            lua_getfield(L, -1, "close");
            lua_insert(L, -2);
            if (lua_pcall(L, 1, 0, 0) != LUA_OK)
                lua_pop(L, 1);
        } else {
            close(src);
        }
    }
    if (rc < 0) {
        if (e == ENOENT)
            return NULL; /* the target died: nothing to answer */
        return lua_pushfstring(L, "installing the fd failed: %s", strerror(e));
    }
    if (!sc_request_answered(r, n))
        sc_serve_send(L, r, n, has_value ? (int64_t)value : (int64_t)rc, 0, 0);
    return NULL;
}

/* Answer request r with the value at `aidx`.  NULL, or a
 * message pushed that says what is wrong with the answer. */
static const char *sc_serve_answer(lua_State *L, sc_request *r, sc_notifier *n, int aidx)
{
    lua_Integer e;
    switch (lua_type(L, aidx)) {
    case LUA_TSTRING:
        lua_pushvalue(L, aidx);
        if (lua_rawget(L, SV_ANSWERS) == LUA_TNIL) {
            const char *s = lua_tostring(L, aidx);
            int v = strcmp(s, "allow") == 0 ? 0 : sc_errno_value(s);
            if (v < 0 || (v == 0 && strcmp(s, "allow") != 0))
                return lua_pushfstring(L, "unknown answer %s (\"allow\", an errno, or a table)",
                                       sc_repr(L, aidx));
            lua_pop(L, 1);
            lua_pushinteger(L, v);
            lua_pushvalue(L, aidx);
            lua_pushvalue(L, -2);
            lua_rawset(L, SV_ANSWERS);
        }
        e = lua_tointeger(L, -1);
        lua_pop(L, 1);
        if (e == 0) {
            if (!n->has_continue)
                return lua_pushliteral(L, "\"allow\" needs the notify_continue feature (kernel >= 5.5)");
            sc_serve_send(L, r, n, 0, 0, SC_NOTIF_FLAG_CONTINUE);
        } else {
            sc_serve_send(L, r, n, 0, (int)e, 0);
        }
        return NULL;
    case LUA_TNUMBER:
        if (!lua_isinteger(L, aidx))
            return lua_pushfstring(L, "answer %s is not an errno", sc_repr(L, aidx));
        e = lua_tointeger(L, aidx);
        /* range first: negating math.mininteger would overflow */
        if (e == 0 || e < -SC_MAX_ERRNO || e > SC_MAX_ERRNO)
            return lua_pushfstring(L, "answer %s is not an errno (1..%d or -%d..-1; { value = 0 } "
                                   "fakes success)", sc_repr(L, aidx), SC_MAX_ERRNO, SC_MAX_ERRNO);
        sc_serve_send(L, r, n, 0, (int)(e < 0 ? -e : e), 0);
        return NULL;
    case LUA_TTABLE:
        return sc_serve_table_answer(L, r, n, aidx);
    case LUA_TNIL:
        if (sc_request_answered(r, n) || sc_id_check(n, r->n.id) != 0)
            return NULL; /* answered by the handler, or gone */
        return lua_pushliteral(L, "the handler neither answered the request nor returned an answer");
    default:
        return lua_pushfstring(L, "unknown answer %s", sc_repr(L, aidx));
    }
}

/* Report an error (at the top) for request `ridx`: opts.on_error(err, req),
 * or a line on stderr.  An error raised by on_error ends the loop. */
static void sc_serve_report(lua_State *L, int ridx)
{
    if (!lua_isnil(L, SV_ON_ERROR)) {
        lua_pushvalue(L, SV_ON_ERROR);
        lua_insert(L, -2);
        lua_pushvalue(L, ridx);
        lua_call(L, 2, 0);
        return;
    }
    {
        const char *msg = luaL_tolstring(L, -1, NULL), *name;
        int pid = (int)((sc_request *)lua_touserdata(L, ridx))->n.pid;
        lua_getfield(L, ridx, "name");
        name = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "an unknown call";
        fprintf(stderr, "seccomp.serve: handler for %s (pid %d) failed: %s\n", name, pid, msg);
        fflush(stderr);
        lua_pop(L, 3);
    }
}

/* The request being served: until a handler function (or an error report)
 * needs it as a Lua object, it lives here, in C; then `r` is the object's
 * own state, at `ridx`. */
typedef struct {
    sc_request local;
    sc_request *r;
    int ridx; /* 0: not pushed yet */
    int nidx; /* its notifier */
} sc_served;

/* Push the request as a Lua object (once), with the state it has so far. */
static void sc_serve_push_request(lua_State *L, sc_served *q)
{
    sc_request *r;
    sc_push_request(L, q->nidx, q->local.owner, &q->local.n, SV_REQUEST_MT);
    r = lua_touserdata(L, -1);
    r->answered = q->local.answered;
    q->r = r;
    q->ridx = lua_gettop(L);
}

/* Report the error at the top (see sc_serve_report) for the request being
 * served, then deny it with opts.error_errno unless it has been answered. */
static void sc_serve_fail(lua_State *L, sc_serve *sv, sc_served *q, sc_notifier *n)
{
    if (q->ridx == 0) { /* the request, below the error */
        sc_serve_push_request(L, q);
        lua_insert(L, -2);
        q->ridx = lua_gettop(L) - 1;
    }
    sc_serve_report(L, q->ridx);
    if (n->fd >= 0 && !sc_request_answered(q->r, n))
        sc_serve_send(L, q->r, n, 0, sv->error_errno, 0);
}

/* Serve the request in n->recv_buf (from notifier `n` at `nidx`).  A
 * handler that is an answer, not a function, never needs the request as a
 * Lua object: none is made unless an error is reported. */
static void sc_serve_one(lua_State *L, sc_serve *sv, sc_notifier *n, int nidx)
{
    int base = lua_gettop(L), aidx;
    const char *bad = NULL;
    sc_served q;
    q.local.n = *(const struct sc_notif *)n->recv_buf;
    q.local.owner = n;
    q.local.answered = 0;
    q.r = &q.local;
    q.ridx = 0;
    q.nidx = nidx;
    sc_serve_name(L, sv, q.r);
    if (lua_type(L, -1) != LUA_TSTRING || lua_rawget(L, SV_HANDLERS) == LUA_TNIL) {
        lua_pop(L, 1);
        lua_pushvalue(L, SV_K_DEFAULT);
        lua_gettable(L, SV_HANDLERS); /* (not raw, as lua_getfield) */
    }
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        sc_serve_send(L, q.r, n, 0, ENOSYS, 0);
        return;
    }
    if (lua_type(L, -1) == LUA_TFUNCTION) {
        sc_serve_push_request(L, &q);
        lua_pushvalue(L, base + 1);
        lua_pushvalue(L, q.ridx);
        if (lua_pcall(L, 1, 1, SV_MSGH) != LUA_OK) {
            sc_serve_fail(L, sv, &q, n);
            lua_settop(L, base);
            return;
        }
    }
    aidx = lua_gettop(L);
    if (n->fd < 0) { /* the handler closed the notifier: nothing can be answered, the loop ends */
        lua_settop(L, base);
        return;
    }
    if (sc_request_answered(q.r, n) && !lua_isnil(L, aidx))
        bad = lua_pushfstring(L, "the handler answered the request and also returned %s",
                              sc_repr(L, aidx));
    else
        bad = sc_serve_answer(L, q.r, n, aidx);
    if (bad != NULL) {
        lua_pushstring(L, bad);
        sc_serve_fail(L, sv, &q, n);
    }
    lua_settop(L, base);
}

/* Make room for `k` pollfds in SV_PFDS. */
static struct pollfd *sc_serve_pfds(lua_State *L, sc_serve *sv, size_t k)
{
    if (k > sv->cap) {
        size_t cap = sv->cap * 2 > k ? sv->cap * 2 : k;
        struct pollfd *old = lua_touserdata(L, SV_PFDS), *pf;
        pf = sc_newuserdata(L, cap * sizeof(struct pollfd));
        if (sv->cap > 0)
            memcpy(pf, old, sv->cap * sizeof(struct pollfd)); /* this round's so far */
        lua_replace(L, SV_PFDS);
        sv->cap = cap;
    }
    return lua_touserdata(L, SV_PFDS);
}

/* This round's members, left on the stack above SV_TOP, their pollfds in
 * SV_PFDS: returns how many (0: none is left), or raises for a list entry
 * that is not a member. */
static size_t sc_serve_members(lua_State *L, sc_serve *sv)
{
    lua_Integer i, len = (lua_Integer)lua_rawlen(L, SV_LIST);
    size_t k = 0;
    lua_settop(L, SV_TOP);
    for (i = 1; i <= len; i++) {
        sc_notifier *n;
        struct pollfd *pf;
        luaL_checkstack(L, 30, "seccomp.serve: too many members");
        lua_rawgeti(L, SV_LIST, i);
        n = sc_serve_member(L, lua_gettop(L));
        if (n == NULL) {
            const char *what = luaL_testudata(L, -1, SC_CHILD_MT)
                               ? "a child without a notifier (its filter has no notify rules)"
                               : sc_repr(L, -1);
            return (size_t)luaL_error(L, "seccomp.serve: list[%d] is %s; notifiers or children "
                                      "with one expected", (int)i, what);
        }
        if (n->fd < 0) {
            lua_pop(L, 1);
            continue;
        }
        if (sv->ndone > 0) {
            lua_pushvalue(L, -1);
            if (lua_rawget(L, SV_DONE) != LUA_TNIL) {
                lua_pop(L, 2);
                continue;
            }
            lua_pop(L, 1);
        }
        pf = sc_serve_pfds(L, sv, k + 1);
        pf[k].fd = n->fd;
        pf[k].events = POLLIN;
        k++;
    }
    return k;
}

/* The loop.  Returns 1 with "closed" or "timeout" pushed.  A list only
 * serve can see (notifier:serve's) changes only when a member closes or
 * hangs up: the round after one where neither happened polls the same
 * members again without reading the list. */
static int sc_serve_loop(lua_State *L, sc_serve *sv)
{
    size_t k = 0, j;
    int same = 0; /* this round's members are the last round's */
    for (;;) {
        struct pollfd *pf;
        int rc, ms;
        if (!same && (k = sc_serve_members(L, sv)) == 0) {
            lua_pushliteral(L, "closed");
            return 1;
        }
        pf = lua_touserdata(L, SV_PFDS); /* (poll sets every entry's revents) */
        ms = sv->timeout < 0 ? -1 : sv->timeout > 2e6 ? 2000000000 : (int)ceil(sv->timeout * 1000);
        rc = poll(pf, (nfds_t)k, ms);
        if (rc == 0) {
            lua_pushliteral(L, "timeout");
            return 1;
        }
        if (rc < 0) {
            if (errno != EINTR)
                return sc_raise(L, "serve", errno, NULL);
            sc_run_hooks(L);
            same = 0;
            continue;
        }
        same = sv->private_list;
        for (j = 0; j < k; j++) {
            short rev = ((struct pollfd *)lua_touserdata(L, SV_PFDS))[j].revents;
            sc_notifier *n;
            if (rev == 0)
                continue;
            n = lua_touserdata(L, SV_TOP + 1 + (int)j);
            if (n->fd < 0) /* closed by a handler meanwhile */
                continue;
            if (rev & POLLIN) {
                if (sc_recv_raw(L, n))
                    sc_serve_one(L, sv, n, SV_TOP + 1 + (int)j);
            } else { /* POLLHUP, POLLERR, POLLNVAL: nothing left to serve there */
                lua_pushvalue(L, SV_TOP + 1 + (int)j);
                lua_pushboolean(L, 1);
                lua_rawset(L, SV_DONE);
                sv->ndone++;
                same = 0;
            }
        }
        for (j = 0; same && j < k; j++) /* a member closed by a handler: read the list again */
            if (((sc_notifier *)lua_touserdata(L, SV_TOP + 1 + (int)j))->fd < 0)
                same = 0;
    }
}

static const char *const sc_serve_opt_keys[] = {"timeout", "error_errno", "on_error", NULL};

/* Check the arguments (handlers at 1, opts at `oidx`), and set up the
 * stack slots; the list must be at SV_LIST already. */
static void sc_serve_setup(lua_State *L, sc_serve *sv, int oidx)
{
    int k;
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_checkstack(L, SV_TOP + 30, "seccomp.serve");
    sv->error_errno = SC_SERVE_DEFAULT_ERRNO;
    sv->timeout = -1;
    sv->cap = 0;
    sv->ndone = 0;
    sv->has_last = 0;
    sv->last_key = 0;
    sv->private_list = 0;
    lua_settop(L, SV_OPTS);
    if (!lua_isnil(L, oidx)) {
        luaL_checktype(L, oidx, LUA_TTABLE);
        sc_check_options(L, oidx, oidx, sc_serve_opt_keys);
        if (lua_getfield(L, oidx, "timeout") != LUA_TNIL) {
            lua_Number t = lua_tonumber(L, -1);
            if (lua_type(L, -1) != LUA_TNUMBER || t != t || t < 0)
                sc_argerror(L, oidx, lua_pushfstring(L, "opts.timeout must be a non-negative "
                              "number of seconds, got %s", sc_repr(L, -1)));
            sv->timeout = t > 1e9 ? -1 : (double)t;
        }
        lua_pop(L, 1);
        if (lua_getfield(L, oidx, "error_errno") != LUA_TNIL) {
            const char *msg = sc_parse_errno(L, lua_gettop(L), 1, &sv->error_errno);
            if (msg == NULL && sv->error_errno == 0)
                msg = "0 is not an errno";
            if (msg != NULL)
                sc_argerror(L, oidx, lua_pushfstring(L, "opts.error_errno: %s", msg));
        }
        lua_pop(L, 1);
        if (lua_getfield(L, oidx, "on_error") != LUA_TNIL && lua_type(L, -1) != LUA_TFUNCTION)
            sc_argerror(L, oidx, lua_pushfstring(L, "opts.on_error must be a function, got %s",
                          sc_repr(L, -1)));
    } else {
        lua_pushnil(L);
    }
    /* SV_ON_ERROR is at the top now */
    lua_newtable(L); /* SV_NAMES */
    lua_newtable(L); /* SV_ANSWERS */
    lua_newtable(L); /* SV_DONE */
    lua_pushnil(L);  /* SV_LAST_NAME */
    sc_newuserdata(L, 0); /* SV_PFDS */
    lua_pushcfunction(L, sc_serve_msgh);
    luaL_getmetatable(L, SC_REQUEST_MT);
    luaL_getmetatable(L, SC_NOTIFIER_MT);
    luaL_getmetatable(L, SC_CHILD_MT);
    lua_pushliteral(L, "default");
    lua_createtable(L, 0, 5); /* SV_ANSWER_KEYS, then the keys */
    for (k = 0; sc_serve_answer_keys[k] != NULL; k++) {
        lua_pushstring(L, sc_serve_answer_keys[k]);
        lua_pushvalue(L, -1);
        lua_pushinteger(L, k);
        lua_rawset(L, SV_ANSWER_KEYS);
    }
}

/* notifier:serve(handlers [, opts]) -> "closed" | "timeout"
 * opts: timeout (seconds without a request), error_errno (default EPERM),
 * on_error(err, req). */
static int l_notifier_serve(lua_State *L)
{
    sc_serve sv;
    sc_checknotifier(L, 1);
    luaL_checktype(L, 2, LUA_TTABLE);
    lua_settop(L, 3);
    /* to: handlers 1, list { notifier } 2, opts 3 */
    lua_pushvalue(L, 2);
    lua_createtable(L, 1, 0);
    lua_pushvalue(L, 1);
    lua_rawseti(L, -2, 1);
    lua_pushvalue(L, 3);
    lua_rotate(L, 1, -3);
    lua_settop(L, 3);
    sc_serve_setup(L, &sv, SV_OPTS);
    sv.private_list = 1;
    return sc_serve_loop(L, &sv);
}

/* seccomp.serve(handlers, list [, opts]) -> "closed" | "timeout"
 * list: notifiers and children; it may grow while the loop runs. */
static int l_serve(lua_State *L)
{
    sc_serve sv;
    lua_settop(L, 3);
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_checktype(L, 2, LUA_TTABLE);
    sc_serve_setup(L, &sv, SV_OPTS);
    return sc_serve_loop(L, &sv);
}

static void sc_open_serve(lua_State *L)
{
    static const luaL_Reg notifier_methods[] = {{"serve", l_notifier_serve}, {NULL, NULL}};
    sc_add_methods(L, SC_NOTIFIER_MT, notifier_methods);
    lua_pushcfunction(L, l_serve);
    lua_setfield(L, -2, "serve");
}
