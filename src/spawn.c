/*
 * spawn.c - filter:spawn(argv [, opts]): run a program as a child under a
 * filter, and the child object ("seccomp.child") it returns.
 *
 * Everything that can fail or allocate happens in the parent before fork:
 * the BPF program is exported into Lua memory, argv/envp and the PATH
 * candidates become NULL-terminated arrays in Lua memory, the filter's
 * attributes become seccomp(2) flags.  The forked child then does only
 * async-signal-safe system calls:
 *
 *   reset caught signals, restore the signal mask, dup2 stdio, mark fds >= 3
 *   close-on-exec, chdir, PR_SET_NO_NEW_PRIVS, seccomp(SET_MODE_FILTER),
 *   [hand over the listener], execve on each candidate.
 *
 * Once the filter is in, every system call the child makes is subject to it,
 * so the child makes as few as possible.  The listener fd (when the program
 * has a SECCOMP_RET_USER_NOTIF) is taken by the parent with pidfd_getfd(2)
 * while the child waits on a shared page without a system call; only where
 * that fails (kernel < 5.6, ptrace restrictions) or opts.fdpass == "socket"
 * does the child send it with SCM_RIGHTS over a socketpair - a sendmsg the
 * filter then sees.  A failure in the child is reported through the same
 * shared page (errno and which step), not a pipe write the filter could
 * block; a close-on-exec pipe tells the parent when the exec happened.
 *
 * Without a listener the parent has nothing to do until the exec, so the
 * child is made as posix_spawn makes it: clone(CLONE_VM | CLONE_VFORK) on a
 * stack of its own, which copies no page tables (fork's cost grows with the
 * Lua heap).  With a listener the parent must work while the child waits,
 * so that child is a fork.  The shared page and the pipe serve both (and an
 * emulator that turns vfork into fork).
 *
 * The parent waits for: the exec (pipe EOF), a failure, or - with a listener -
 * a request queued on the listener.  The last one is a notified call made
 * before the exec completed (a filter that notifies execve): spawn returns
 * at once with the request waiting in child.notifier, so nothing deadlocks.
 */
#include "core.h"
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <linux/filter.h>

#define SC_SHM_MT "seccomp.spawn_page"


/* ---- the child object ------------------------------------------------------- */

typedef struct {
    pid_t pid;  /* -1 until forked */
    int pidfd;  /* -1 where pidfd_open is missing */
    int reaped; /* status is valid */
    int status; /* wait status */
    int hidden; /* the notifier is explain's own (the filter has no notify rules): wait() serves it */
} sc_child;

static sc_child *sc_tochild(lua_State *L, int idx)
{
    return luaL_checkudata(L, idx, SC_CHILD_MT);
}

/* waitpid for our child, retrying EINTR (`hooks`: let Lua run its hooks
 * between tries; never in __gc).  0 or -1 with errno. */
static int sc_child_reap(lua_State *L, sc_child *c, int hooks)
{
    int st;
    while (!c->reaped) {
        pid_t r = waitpid(c->pid, &st, 0);
        if (r == c->pid) {
            c->reaped = 1;
            c->status = st;
        } else if (r < 0 && errno == EINTR) {
            if (hooks)
                sc_run_hooks(L);
        } else {
            return -1;
        }
    }
    return 0;
}

static int sc_child_signal(sc_child *c, int sig)
{
    if (c->pidfd >= 0)
        return (int)syscall(SYS_pidfd_send_signal, c->pidfd, sig, NULL, 0);
    return kill(c->pid, sig);
}

/* Never leaves a zombie: a child that was not waited for is killed and
 * reaped.  Idempotent, never raises. */
static void sc_child_release(sc_child *c)
{
    if (c->pid > 0 && !c->reaped) {
        sc_child_signal(c, SIGKILL);
        if (sc_child_reap(NULL, c, 0) != 0)
            c->reaped = 1; /* ECHILD: reaped elsewhere (SIGCHLD ignored) */
    }
    if (c->pidfd >= 0) {
        close(c->pidfd);
        c->pidfd = -1;
    }
}

static int l_child_gc(lua_State *L)
{
    sc_child_release(sc_tochild(L, 1));
    return 0;
}

static const char *sc_signal_name(int sig);

/* Push the child's explain record (explain.c), or nil: the user value of
 * its notifier. */
static void sc_child_explain(lua_State *L, int cidx)
{
    sc_notifier *n;
    lua_getiuservalue(L, cidx, 1);
    n = luaL_testudata(L, -1, SC_NOTIFIER_MT);
    if (n != NULL && n->explain != NULL)
        lua_getiuservalue(L, -1, 1);
    else
        lua_pushnil(L);
    lua_remove(L, -2);
}

/* wait() of a child whose notifier is explain's alone: answer its
 * notifications (every one a call the filter kills: explain.c takes it)
 * until the child has exited, then close the notifier.  0, or -1 with
 * errno. */
static int sc_child_serve(lua_State *L, sc_child *c, int cidx)
{
    sc_notifier *n;
    int nidx, rc = 0, err;
    lua_getiuservalue(L, cidx, 1);
    nidx = lua_gettop(L);
    n = luaL_testudata(L, nidx, SC_NOTIFIER_MT);
    while (n != NULL && n->fd >= 0 && !c->reaped) {
        struct pollfd pf[2];
        int np = 1, r;
        pid_t w;
        pf[0].fd = n->fd;
        pf[0].events = POLLIN;
        pf[0].revents = 0;
        if (c->pidfd >= 0) {
            pf[1].fd = c->pidfd;
            pf[1].events = POLLIN;
            pf[1].revents = 0;
            np = 2;
        }
        /* without a pidfd (kernel < 5.3), look at the child every 50 ms */
        r = poll(pf, (nfds_t)np, c->pidfd >= 0 ? -1 : 50);
        if (r < 0) {
            if (errno != EINTR) {
                rc = -1;
                break;
            }
            sc_run_hooks(L);
            continue;
        }
        if (pf[0].revents & POLLIN) {
            if (sc_recv_one(L, nidx, n, 0)) {
                /* not a call the filter kills (none should come): refuse it */
                sc_send(L, n, ((sc_request *)lua_touserdata(L, -1))->n.id, 0, ENOSYS, 0);
                lua_settop(L, nidx);
            }
        } else if (pf[0].revents & (POLLHUP | POLLERR | POLLNVAL)) {
            break; /* no task uses the filter any more */
        }
        w = waitpid(c->pid, &c->status, WNOHANG);
        if (w == c->pid)
            c->reaped = 1;
        else if (w < 0 && errno != EINTR) {
            rc = -1;
            break;
        }
    }
    err = errno;
    if (n != NULL)
        sc_notifier_close(n); /* a descendant's later kill: ENOSYS, never a wait for nobody */
    lua_settop(L, nidx - 1);
    errno = err;
    return rc;
}

/* child:wait() -> true | nil, "exit" | "signal", code [, "SIGSYS"]
 * (as os.execute, plus the signal's name where it has one) */
static int l_child_wait(lua_State *L)
{
    sc_child *c = sc_tochild(L, 1);
    int st;
    if (c->pid <= 0)
        return sc_argerror(L, 1, "child was never started");
    lua_settop(L, 1);
    if ((c->hidden && !c->reaped && sc_child_serve(L, c, 1) != 0) || sc_child_reap(L, c, 1) != 0)
        return sc_raise(L, "wait", errno, errno == ECHILD
                        ? "the child was reaped elsewhere (is SIGCHLD ignored?)" : NULL);
    st = c->status;
    sc_child_explain(L, 1);
    if (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL && sc_explain_stood_in(L, -1, c->pid))
        st = SIGSYS; /* explain's SIGKILL stood in for the filter's SIGSYS: report the filter's
                        (a wait status of "killed by signal N" is N) */
    lua_pop(L, 1);
    if (WIFEXITED(st)) {
        if (WEXITSTATUS(st) == 0)
            lua_pushboolean(L, 1);
        else
            lua_pushnil(L);
        lua_pushliteral(L, "exit");
        lua_pushinteger(L, WEXITSTATUS(st));
    } else {
        lua_pushnil(L);
        lua_pushliteral(L, "signal");
        lua_pushinteger(L, WIFSIGNALED(st) ? WTERMSIG(st) : 0);
        if (WIFSIGNALED(st) && sc_signal_name(WTERMSIG(st)) != NULL) {
            lua_pushfstring(L, "SIG%s", sc_signal_name(WTERMSIG(st)));
            return 4;
        }
    }
    return 3;
}

static const struct {
    const char *name;
    int sig;
} sc_signals[] = {
    {"HUP", SIGHUP},   {"INT", SIGINT},   {"QUIT", SIGQUIT}, {"ILL", SIGILL},   {"TRAP", SIGTRAP},
    {"ABRT", SIGABRT}, {"BUS", SIGBUS},   {"FPE", SIGFPE},   {"KILL", SIGKILL}, {"USR1", SIGUSR1},
    {"SEGV", SIGSEGV}, {"USR2", SIGUSR2}, {"PIPE", SIGPIPE}, {"ALRM", SIGALRM}, {"TERM", SIGTERM},
    {"CHLD", SIGCHLD}, {"CONT", SIGCONT}, {"STOP", SIGSTOP}, {"TSTP", SIGTSTP}, {"TTIN", SIGTTIN},
    {"TTOU", SIGTTOU}, {"URG", SIGURG},   {"XCPU", SIGXCPU}, {"XFSZ", SIGXFSZ}, {"VTALRM", SIGVTALRM},
    {"PROF", SIGPROF}, {"WINCH", SIGWINCH}, {"IO", SIGIO},   {"SYS", SIGSYS},
};

/* The name of a signal without "SIG" ("SYS"), or NULL. */
static const char *sc_signal_name(int sig)
{
    size_t i;
    for (i = 0; i < sizeof sc_signals / sizeof sc_signals[0]; i++)
        if (sc_signals[i].sig == sig)
            return sc_signals[i].name;
    return NULL;
}

/* A signal: a number 0..64, or a name with or without "SIG" ("TERM"). */
static int sc_check_signal(lua_State *L, int arg)
{
    size_t i;
    const char *s;
    if (lua_type(L, arg) != LUA_TSTRING)
        return (int)sc_checkrange(L, arg, 0, 64);
    s = lua_tostring(L, arg);
    if (strncmp(s, "SIG", 3) == 0)
        s += 3;
    for (i = 0; i < sizeof sc_signals / sizeof sc_signals[0]; i++)
        if (strcmp(s, sc_signals[i].name) == 0)
            return sc_signals[i].sig;
    return sc_argerror_value(L, arg, "unknown signal"), 0;
}

/* child:kill([sig]) -> true | nil, message, errno   (default SIGTERM) */
static int l_child_kill(lua_State *L)
{
    sc_child *c = sc_tochild(L, 1);
    int sig = lua_isnoneornil(L, 2) ? SIGTERM : sc_check_signal(L, 2);
    if (c->pid <= 0)
        return sc_argerror(L, 1, "child was never started");
    if (c->reaped)
        return sc_push_fail(L, ESRCH, "the child has already been waited for");
    if (sc_child_signal(c, sig) != 0)
        return sc_push_fail(L, errno, NULL);
    lua_pushboolean(L, 1);
    return 1;
}

/* Fields: pid, notifier (nil when the filter has no notify rules),
 * killed (explain: the first call the filter killed, or nil). */
static int l_child_index(lua_State *L)
{
    sc_child *c = sc_tochild(L, 1);
    const char *k;
    if (sc_index_method(L))
        return 1;
    k = lua_tostring(L, 2);
    if (lua_type(L, 2) == LUA_TSTRING && strcmp(k, "pid") == 0)
        lua_pushinteger(L, c->pid);
    else if (lua_type(L, 2) == LUA_TSTRING && strcmp(k, "notifier") == 0 && !c->hidden)
        lua_getiuservalue(L, 1, 1);
    else if (lua_type(L, 2) == LUA_TSTRING && strcmp(k, "killed") == 0) {
        sc_child_explain(L, 1);
        sc_explain_push(L, -1);
    } else
        lua_pushnil(L);
    return 1;
}

static int l_child_tostring(lua_State *L)
{
    sc_child *c = sc_tochild(L, 1);
    if (c->reaped)
        lua_pushfstring(L, "seccomp.child (pid %d, waited for)", (int)c->pid);
    else
        lua_pushfstring(L, "seccomp.child (pid %d)", (int)c->pid);
    return 1;
}

/* ---- the page shared with the forked child ---------------------------------- */

enum { SC_PAGE_START, SC_PAGE_INSTALLED, SC_PAGE_TAKEN, SC_PAGE_SEND };

enum {
    SC_STEP_NONE, SC_STEP_SIGNALS, SC_STEP_STDIO, SC_STEP_FDS, SC_STEP_CHDIR, SC_STEP_NNP,
    SC_STEP_SECCOMP, SC_STEP_LISTENER, SC_STEP_EXEC, SC_STEP_WAIT
};

struct sc_page {
    int state;    /* SC_PAGE_*: the listener handshake */
    int listener; /* the listener's fd number in the child */
    int err;      /* errno of the failed step (0: none) */
    int step;     /* SC_STEP_* */
};

typedef struct {
    struct sc_page *page;
} sc_shm;

static int l_shm_gc(lua_State *L)
{
    sc_shm *s = luaL_checkudata(L, 1, SC_SHM_MT);
    if (s->page != NULL) {
        munmap(s->page, sizeof *s->page);
        s->page = NULL;
    }
    return 0;
}

/* ---- the plan: everything the child needs, prepared in the parent ----------- */

struct sc_plan {
    struct sock_fprog prog;
    unsigned flags;       /* seccomp(2) filter flags */
    int listener;         /* the program returns USER_NOTIF */
    int nnp;
    int close_fds;
    int stdio[3];         /* source fds for 0, 1, 2; -1: inherit */
    const char *cwd;      /* NULL: inherit */
    char *const *argv;
    char *const *envp;
    char *const *paths;   /* exec candidates, NULL-terminated */
    int pipe_w;           /* close-on-exec: EOF in the parent = exec'd or died */
    int sock;             /* SCM_RIGHTS fallback, -1 when no listener */
    struct sc_page *page;
    sigset_t mask;        /* the parent's signal mask, for the exec'd program */
};

/* ---- the child after fork: async-signal-safe calls only ---------------------- */

/* The child's code may run in the parent's address space (CLONE_VM): no
 * sanitizer bookkeeping there, it would be the parent's. */
#define SC_CHILD_CODE __attribute__((no_sanitize_address))

static void sc_child_fail(struct sc_page *page, int step, int err) __attribute__((noreturn));
SC_CHILD_CODE static void sc_child_fail(struct sc_page *page, int step, int err)
{
    page->step = step;
    __atomic_store_n(&page->err, err ? err : EINVAL, __ATOMIC_RELEASE);
    _exit(127);
    __builtin_trap(); /* a filter that refuses exit_group: die without a system call */
}

/* A message of one byte with room for one fd (the listener handover: the
 * child sends, the parent receives).  Child code: memory writes only. */
SC_CHILD_CODE static void sc_msg_init(struct msghdr *m, struct iovec *iov, char *byte, char *cbuf,
                                      size_t clen)
{
    memset(m, 0, sizeof *m);
    iov->iov_base = byte;
    iov->iov_len = 1;
    m->msg_iov = iov;
    m->msg_iovlen = 1;
    m->msg_control = cbuf;
    m->msg_controllen = clen;
}

SC_CHILD_CODE static int sc_child_sendfd(int sock, int fd)
{
    char byte = 0, cbuf[CMSG_SPACE(sizeof(int))];
    struct iovec iov;
    struct msghdr m;
    struct cmsghdr *h;
    ssize_t r;
    memset(cbuf, 0, sizeof cbuf);
    sc_msg_init(&m, &iov, &byte, cbuf, sizeof cbuf);
    h = CMSG_FIRSTHDR(&m);
    h->cmsg_level = SOL_SOCKET;
    h->cmsg_type = SCM_RIGHTS;
    h->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(h), &fd, sizeof fd);
    do
        r = sendmsg(sock, &m, MSG_NOSIGNAL);
    while (r < 0 && errno == EINTR);
    return r == 1 ? 0 : -1;
}

/* How long the child spins for the parent to take the listener before it
 * gives up (the parent never raises while the child waits; this only bounds
 * the case of a parent killed at that moment). */
#define SC_SPIN_LIMIT (1UL << 31)

static void sc_child_main(const struct sc_plan *p) __attribute__((noreturn));
SC_CHILD_CODE static void sc_child_main(const struct sc_plan *p)
{
    struct sigaction sa;
    int i, tmp[3], rc, err = ENOENT, eacces = 0;
    char *const *path;

    /* Handlers installed in the parent must not run here; then the
     * parent's mask (all signals were blocked around fork). */
    for (i = 1; i < NSIG; i++)
        if (sigaction(i, NULL, &sa) == 0 && sa.sa_handler != SIG_DFL && sa.sa_handler != SIG_IGN) {
            sa.sa_handler = SIG_DFL;
            sa.sa_flags = 0;
            sigaction(i, &sa, NULL);
        }
    if (sigprocmask(SIG_SETMASK, &p->mask, NULL) != 0)
        sc_child_fail(p->page, SC_STEP_SIGNALS, errno);

    /* Copy the sources out of the way first, so that any permutation of
     * 0, 1, 2 among them works. */
    for (i = 0; i < 3; i++) {
        tmp[i] = -1;
        if (p->stdio[i] >= 0 && (tmp[i] = fcntl(p->stdio[i], F_DUPFD_CLOEXEC, 3)) < 0)
            sc_child_fail(p->page, SC_STEP_STDIO, errno);
    }
    for (i = 0; i < 3; i++)
        if (tmp[i] >= 0 && dup2(tmp[i], i) < 0)
            sc_child_fail(p->page, SC_STEP_STDIO, errno);

    if (p->close_fds && syscall(SYS_close_range, 3U, ~0U, SC_CLOSE_RANGE_CLOEXEC) != 0) {
        struct rlimit rl;
        int fd, max = 65536, fl;
        if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
            rl.rlim_cur < (rlim_t)max)
            max = (int)rl.rlim_cur;
        for (fd = 3; fd < max; fd++)
            if ((fl = fcntl(fd, F_GETFD)) >= 0 && !(fl & FD_CLOEXEC))
                fcntl(fd, F_SETFD, fl | FD_CLOEXEC);
    }

    if (p->cwd != NULL && chdir(p->cwd) != 0)
        sc_child_fail(p->page, SC_STEP_CHDIR, errno);
    if (p->nnp && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        sc_child_fail(p->page, SC_STEP_NNP, errno);

    if (p->listener) {
        /* The last call the filter does not see: the parent blocks on it,
         * and only spins for the seccomp() call itself. */
        char r = 'R';
        if (write(p->pipe_w, &r, 1) != 1)
            sc_child_fail(p->page, SC_STEP_LISTENER, errno);
    }
    rc = sc_install(&p->prog, p->flags);
    if (rc < 0)
        sc_child_fail(p->page, SC_STEP_SECCOMP, errno);

    /* From here on the filter sees every call: only the handover (shared
     * memory, or sendmsg as a fallback), the execs and the exit remain. */
    if (p->listener) {
        unsigned long spins = 0;
        int state;
        p->page->listener = rc;
        __atomic_store_n(&p->page->state, SC_PAGE_INSTALLED, __ATOMIC_RELEASE);
        while ((state = __atomic_load_n(&p->page->state, __ATOMIC_ACQUIRE)) == SC_PAGE_INSTALLED) {
            if (++spins > SC_SPIN_LIMIT)
                sc_child_fail(p->page, SC_STEP_LISTENER, ETIMEDOUT);
#if defined(__x86_64__) || defined(__i386__)
            __builtin_ia32_pause();
#endif
        }
        if (state == SC_PAGE_SEND && sc_child_sendfd(p->sock, rc) != 0)
            sc_child_fail(p->page, SC_STEP_LISTENER, errno);
        /* The listener is close-on-exec: the exec'd program never has it. */
    }

    /* execvp's rules: go on after ENOENT, ENOTDIR, ESTALE, ENODEV,
     * ETIMEDOUT; remember EACCES; stop at anything else. */
    for (path = p->paths; *path != NULL; path++) {
        execve(*path, p->argv, p->envp);
        err = errno;
        if (err == EACCES)
            eacces = 1;
        else if (err != ENOENT && err != ENOTDIR && err != ESTALE && err != ENODEV &&
                 err != ETIMEDOUT)
            break;
    }
    sc_child_fail(p->page, SC_STEP_EXEC, eacces && (err == ENOENT || err == ENOTDIR) ? EACCES : err);
}

/* clone()'s entry point. */
SC_CHILD_CODE static int sc_child_entry(void *plan)
{
    sc_child_main(plan);
}

#define SC_CHILD_STACK ((size_t)64 * 1024)

/* Start the child: vfork-like without a listener, fork with one.  The
 * caller has blocked every signal.  The pid, or -1 with errno. */
static pid_t sc_start_child(struct sc_plan *plan)
{
    pid_t pid;
    char *stack;
    int err;
    if (plan->listener) {
        pid = fork();
        if (pid == 0)
            sc_child_main(plan);
        return pid;
    }
    stack = mmap(NULL, SC_CHILD_STACK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK,
                 -1, 0);
    if (stack == MAP_FAILED)
        return -1;
    /* Returns once the child has exec'd or exited: the stack is free then. */
    pid = clone(sc_child_entry, stack + SC_CHILD_STACK, CLONE_VM | CLONE_VFORK | SIGCHLD, plan);
    err = errno;
    munmap(stack, SC_CHILD_STACK);
    errno = err;
    return pid;
}

/* ---- building the plan (parent, may raise) ---------------------------------- */

/* A NULL-terminated char* array in Lua memory, pointing at the strings of
 * the sequence at `tidx` (which must stay on the stack). */
static char **sc_string_array(lua_State *L, int tidx)
{
    lua_Integer i, n = (lua_Integer)lua_rawlen(L, tidx);
    char **a = sc_newuserdata(L, (size_t)(n + 1) * sizeof(char *));
    for (i = 1; i <= n; i++) {
        lua_rawgeti(L, tidx, i);
        a[i - 1] = (char *)lua_tostring(L, -1); /* anchored in the table */
        lua_pop(L, 1);
    }
    a[n] = NULL;
    return a;
}

static int sc_has_nul(lua_State *L, int idx)
{
    size_t len;
    const char *s = lua_tolstring(L, idx, &len);
    return strlen(s) != len;
}

/* Raise "bad argument #3 to 'spawn' (opts.<what>...)". */
static int sc_opt_error(lua_State *L, const char *fmt, const char *what, int vidx)
{
    const char *r = sc_repr(L, vidx);
    return sc_argerror(L, 3, lua_pushfstring(L, fmt, what, r));
}

/* argv: a non-empty sequence of strings. */
static void sc_check_argv(lua_State *L, int idx)
{
    lua_Integer i, n;
    if (lua_type(L, idx) != LUA_TTABLE)
        sc_argerror_value(L, idx, "argv must be a table of strings, got");
    n = (lua_Integer)lua_rawlen(L, idx);
    if (n == 0)
        sc_argerror(L, idx, "argv is empty (it needs at least the program)");
    for (i = 1; i <= n; i++) {
        if (lua_rawgeti(L, idx, i) != LUA_TSTRING)
            sc_argerror(L, idx, lua_pushfstring(L, "argv[%d] must be a string, got %s", (int)i,
                          sc_repr(L, -1)));
        if (sc_has_nul(L, -1))
            sc_argerror(L, idx, lua_pushfstring(L, "argv[%d] contains a NUL byte", (int)i));
        lua_pop(L, 1);
    }
    lua_rawgeti(L, idx, 1);
    if (lua_rawlen(L, -1) == 0)
        sc_argerror(L, idx, "argv[1] (the program) is empty");
    lua_pop(L, 1);
}

/* env: a table of name = value and/or "NAME=value" entries; pushes the
 * sequence of "NAME=value" strings. */
static void sc_build_env(lua_State *L, int eidx)
{
    lua_Integer n = 0;
    lua_newtable(L);
    lua_pushnil(L);
    while (lua_next(L, eidx) != 0) {
        if (lua_type(L, -2) == LUA_TSTRING) {
            const char *k = lua_tostring(L, -2);
            if (*k == '\0' || strchr(k, '=') != NULL || sc_has_nul(L, -2))
                sc_opt_error(L, "%s: bad variable name %s", "env", -2);
            if (lua_type(L, -1) != LUA_TSTRING || sc_has_nul(L, -1))
                sc_opt_error(L, "%s: the value of a variable must be a string, got %s", "env", -1);
            lua_pushfstring(L, "%s=%s", k, lua_tostring(L, -1));
        } else if (lua_type(L, -2) == LUA_TNUMBER) {
            if (lua_type(L, -1) != LUA_TSTRING || sc_has_nul(L, -1) ||
                strchr(lua_tostring(L, -1), '=') == NULL || lua_tostring(L, -1)[0] == '=')
                sc_opt_error(L, "%s: a list entry must be a \"NAME=value\" string, got %s", "env", -1);
            lua_pushvalue(L, -1);
        } else {
            sc_opt_error(L, "%s: bad key %s", "env", -2);
        }
        lua_rawseti(L, -4, ++n);
        lua_pop(L, 1);
    }
}

/* The value of PATH in a "NAME=value" sequence, or NULL: the first one, as
 * the child's getenv would see it. */
static const char *sc_env_path(lua_State *L, int tidx)
{
    lua_Integer i, n = (lua_Integer)lua_rawlen(L, tidx);
    const char *path = NULL;
    for (i = 1; i <= n && path == NULL; i++) {
        const char *s;
        lua_rawgeti(L, tidx, i);
        s = lua_tostring(L, -1);
        if (strncmp(s, "PATH=", 5) == 0)
            path = s + 5; /* anchored in the table */
        lua_pop(L, 1);
    }
    return path;
}

/* Does `path` exist, seen from `cwd` (the child's directory) when
 * relative?  0, or the errno of stat. */
static int sc_exists(lua_State *L, const char *cwd, const char *path)
{
    struct stat st;
    int err = 0;
    if (cwd != NULL && path[0] != '/')
        path = lua_pushfstring(L, "%s/%s", cwd, path);
    else
        lua_pushnil(L);
    if (stat(path, &st) != 0)
        err = errno;
    lua_pop(L, 1);
    return err;
}

/* Push the sequence of exec candidates for `prog`: the program itself when
 * it has a slash, else each PATH entry that has it (PATH from opts.env
 * when that sets it, else the caller's).  A program that is nowhere
 * raises ENOENT here, before any fork. */
static void sc_build_candidates(lua_State *L, const char *prog, const char *path, const char *cwd)
{
    lua_Integer n = 0;
    lua_newtable(L);
    /* prog is argv[1], which sc_check_argv has required to be a non-empty
     * string before the plan is built */
    /* NOLINTNEXTLINE(clang-analyzer-core.NonNullParamChecker) */
    if (strchr(prog, '/') != NULL) {
        int err = sc_exists(L, cwd, prog);
        if (err != 0)
            sc_raise(L, "spawn", err, lua_pushfstring(L, "cannot run '%s': %s", prog, strerror(err)));
        lua_pushstring(L, prog);
        lua_rawseti(L, -2, ++n);
        return;
    }
    if (path == NULL)
        path = "/bin:/usr/bin"; /* glibc's default, as execvp */
    for (;;) {
        const char *end = strchr(path, ':');
        size_t len = end ? (size_t)(end - path) : strlen(path);
        const char *cand;
        if (len == 0)
            cand = lua_pushfstring(L, "%s", prog); /* an empty entry is the current directory */
        else
            cand = lua_pushfstring(L, "%s/%s", lua_pushlstring(L, path, len), prog);
        if (len != 0)
            lua_remove(L, -2);
        if (sc_exists(L, cwd, len == 0 ? lua_pushfstring(L, "./%s", prog) : cand) == 0) {
            if (len == 0)
                lua_pop(L, 1);
            lua_rawseti(L, -2, ++n);
        } else {
            lua_pop(L, len == 0 ? 2 : 1);
        }
        if (end == NULL)
            break;
        path = end + 1;
    }
    if (n == 0)
        sc_raise(L, "spawn", ENOENT, lua_pushfstring(L, "cannot run '%s': not found in PATH", prog));
}

/* opts.stdin/stdout/stderr: an open Lua file handle; flushed now, so that
 * what Lua wrote before comes before what the child writes. */
static int sc_opt_stdio(lua_State *L, int oidx, const char *name)
{
    luaL_Stream *s;
    int fd;
    if (lua_getfield(L, oidx, name) == LUA_TNIL) {
        lua_pop(L, 1);
        return -1;
    }
    s = luaL_testudata(L, -1, LUA_FILEHANDLE);
    if (s == NULL || sc_file_closed(s))
        sc_opt_error(L, "opts.%s must be an open Lua file handle, got %s", name, -1);
    fflush(s->f);
    fd = fileno(s->f);
    lua_pop(L, 1); /* the handle stays referenced by opts */
    return fd;
}

static int sc_opt_bool(lua_State *L, int oidx, const char *name, int dflt)
{
    int v = dflt;
    int t = lua_getfield(L, oidx, name);
    if (t == LUA_TBOOLEAN)
        v = lua_toboolean(L, -1);
    else if (t != LUA_TNIL)
        sc_opt_error(L, "opts.%s must be a boolean, got %s", name, -1);
    lua_pop(L, 1);
    return v;
}

/* Fill the plan's program, listener and flags from the filter's (at index
 * 1) one compiled program (program.c), verified unless `verify` is off.
 * The record is owned by the filter, which stays on the stack. */
static sc_sim_prog *sc_plan_program(lua_State *L, sc_filter *f, struct sc_plan *p)
{
    sc_sim_prog *pr = sc_filter_checked_program(L, 1, f, "spawn");
    p->prog.len = (unsigned short)pr->n;
    p->prog.filter = pr->prog;
    p->listener = pr->listener;
    p->flags = sc_filter_flags(L, f, pr->listener, 0, "spawn");
    lua_pushnil(L); /* keeps the stack layout: slot 10 */
    return pr;
}

/* opts.explain: install the program with its kills turned into
 * notifications (explain.c), the record pushed (slot 11; nil when the
 * program kills nothing).  Returns the record, or NULL. */
static sc_explain *sc_plan_explain(lua_State *L, sc_filter *f, struct sc_plan *p, const sc_sim_prog *pr)
{
    sc_explain *e = sc_explain_new(L, 1, f, pr);
    if (e == NULL) {
        lua_pushnil(L);
        return NULL;
    }
    p->flags = sc_filter_flags(L, f, 1, 0, "spawn");
    if (!p->listener) /* the filter's own waits are the only ones wait_kill is for */
        p->flags &= ~SC_FLAG_WAIT_KILLABLE_RECV;
    p->listener = 1;
    p->prog.filter = sc_explain_program(e, (p->flags & SC_FLAG_WAIT_KILLABLE_RECV) != 0);
    return e;
}

/* The filter's answer to the child's first execve, computed by the module's
 * interpreter before anything starts: the same program, the same pointers
 * (CLONE_VM, or fork's copy of this address space) and no instruction pointer
 * test (neither libseccomp nor the module's generator makes one).  A filter
 * that kills or traps the exec would leave a child dead of SIGSYS before its
 * program runs, which spawn would otherwise report as started. */
static void sc_check_exec_allowed(lua_State *L, const struct sc_plan *p)
{
    unsigned char data[BPF_SC_DATA_SIZE];
    uint64_t args[6] = {0, 0, 0, 0, 0, 0};
    uint32_t arch = seccomp_arch_native(), r, act;
    const char *fault = NULL, *what;
    if (arch == SCMP_ARCH_X32)
        return; /* x32 calls reach seccomp as x86_64 ones: nothing to decide here */
    args[0] = (uint64_t)(uintptr_t)p->paths[0];
    args[1] = (uint64_t)(uintptr_t)p->argv;
    args[2] = (uint64_t)(uintptr_t)p->envp;
    bpf_pack_data(data, sc_sim_arch_big_endian(arch), (int32_t)SYS_execve, arch, 0, args);
    r = bpf_run(p->prog.filter, p->prog.len, data, sc_sim_arch_big_endian(arch), &fault);
    if (fault != NULL)
        return; /* the kernel checks the program itself and reports its refusal */
    act = r & BPF_SC_RET_ACTION_FULL;
    if (act == 0x80000000U) /* SECCOMP_RET_KILL_PROCESS */
        what = "kill_process";
    else if (act == 0) /* SECCOMP_RET_KILL_THREAD */
        what = "kill_thread";
    else if (act == 0x00030000U) /* SECCOMP_RET_TRAP: the child's handlers are reset */
        what = "trap";
    else
        return;
    sc_raise(L, "spawn", EPERM,
             lua_pushfstring(L, "cannot run '%s': the filter does not allow execve/execveat (its "
                             "action for execve is %s): the child would die of SIGSYS before the "
                             "program runs", p->argv[0], what));
}

/* Move an fd of the module's own to 3 or above (close-on-exec), so that it
 * can never be one of the child's 0, 1, 2: a caller with those closed would
 * otherwise get the pipe or socket there, and the child's dup2 would
 * overwrite it.  0, or -1 with errno and *fd unchanged (still owned by the
 * caller). */
static int sc_fd_high(int *fd)
{
    int nfd;
    if (*fd < 0 || *fd > 2)
        return 0;
    nfd = fcntl(*fd, F_DUPFD_CLOEXEC, 3);
    if (nfd < 0)
        return -1;
    close(*fd);
    *fd = nfd;
    return 0;
}

/* ---- the parent after fork: no Lua calls until the child is settled --------- */

/* poll(2) two fds for input (b < 0: only a), retrying EINTR; the revents
 * go to rev[0], rev[1].  Returns poll's result. */
static int sc_poll_in(int a, int b, int timeout_ms, short rev[2])
{
    struct pollfd pf[2];
    int rc;
    pf[0].fd = a;
    pf[1].fd = b;
    pf[0].events = pf[1].events = POLLIN;
    do {
        pf[0].revents = pf[1].revents = 0;
        rc = poll(pf, b >= 0 ? 2 : 1, timeout_ms);
    } while (rc < 0 && errno == EINTR);
    rev[0] = pf[0].revents;
    rev[1] = pf[1].revents;
    return rc;
}

/* The listener taken from the child, moved to 3 or above; -1 with errno
 * (and the fd closed) when that fails. */
static int sc_listener_high(int fd)
{
    if (sc_fd_high(&fd) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

/* Take the listener from the child: pidfd_getfd, else (or when asked) have
 * the child send it.  -1 with errno on failure. */
static int sc_take_listener(struct sc_page *page, sc_child *c, int sock, int pipe_r, int socket_only)
{
    int fd = -1;
    if (!socket_only && c->pidfd >= 0)
        fd = (int)syscall(SYS_pidfd_getfd, c->pidfd, page->listener, 0);
    if (fd >= 0) {
        __atomic_store_n(&page->state, SC_PAGE_TAKEN, __ATOMIC_RELEASE);
        return sc_listener_high(fd); /* pidfd_getfd's fd is close-on-exec */
    }
    __atomic_store_n(&page->state, SC_PAGE_SEND, __ATOMIC_RELEASE);
    for (;;) {
        /* The child's sendmsg goes through the filter: if the filter notifies
         * it nobody can answer, so give up after a while. */
        short rev[2];
        int rc = sc_poll_in(sock, pipe_r, 10000, rev);
        if (rc == 0) {
            errno = ETIMEDOUT;
            return -1;
        }
        if (rc < 0)
            return -1;
        if (rev[0] & POLLIN) {
            char byte, cbuf[CMSG_SPACE(sizeof(int))];
            struct iovec iov;
            struct msghdr m;
            struct cmsghdr *h;
            ssize_t r;
            sc_msg_init(&m, &iov, &byte, cbuf, sizeof cbuf);
            do
                r = recvmsg(sock, &m, MSG_CMSG_CLOEXEC);
            while (r < 0 && errno == EINTR);
            h = r > 0 ? CMSG_FIRSTHDR(&m) : NULL;
            if (h && h->cmsg_level == SOL_SOCKET && h->cmsg_type == SCM_RIGHTS &&
                h->cmsg_len == CMSG_LEN(sizeof(int))) {
                memcpy(&fd, CMSG_DATA(h), sizeof fd);
                return sc_listener_high(fd);
            }
            errno = EPROTO;
            return -1;
        }
        /* the child went away (failed or died) without sending */
        errno = ECHILD;
        return -1;
    }
}

/* Block until the pipe reports EOF (exec'd, or died) or - with a listener -
 * a request is queued.  Returns 1 if a byte was read, 0 otherwise, -1 with
 * errno when the wait itself failed (the child's state is then unknown). */
static int sc_wait_pipe(int pipe_r, int lfd)
{
    for (;;) {
        short rev[2];
        if (sc_poll_in(pipe_r, lfd, -1, rev) < 0)
            return -1;
        if (rev[0]) {
            char b;
            ssize_t r;
            do
                r = read(pipe_r, &b, 1);
            while (r < 0 && errno == EINTR);
            if (r == 1)
                return 1;
            return 0; /* EOF */
        }
        if (rev[1])
            return 0;
    }
}

/* After fork, in the parent.  Returns the listener fd (-1 when there is
 * none); on failure, page->err/step say why (the caller kills and reaps). */
static int sc_parent_settle(const struct sc_plan *p, sc_child *c, int pipe_r, int sock,
                            int socket_only)
{
    struct sc_page *page = p->page;
    int lfd = -1;
    if (p->listener) {
        /* The child writes one byte just before seccomp(): block until then. */
        int w = sc_wait_pipe(pipe_r, -1);
        if (w < 0 && __atomic_load_n(&page->err, __ATOMIC_ACQUIRE) == 0) {
            page->step = SC_STEP_WAIT;
            __atomic_store_n(&page->err, errno ? errno : EIO, __ATOMIC_RELEASE);
        }
        if (w == 1) {
            unsigned long spins = 0;
            /* Now only the seccomp() call itself: spin. */
            while (__atomic_load_n(&page->state, __ATOMIC_ACQUIRE) != SC_PAGE_INSTALLED &&
                   __atomic_load_n(&page->err, __ATOMIC_ACQUIRE) == 0) {
                if (++spins % 64 == 0) {
                    struct pollfd pf;
                    pf.fd = pipe_r;
                    pf.events = POLLIN;
                    pf.revents = 0;
                    if (poll(&pf, 1, spins > 100000 ? 1 : 0) > 0)
                        break; /* EOF: the child is gone */
                }
                sched_yield();
            }
            if (__atomic_load_n(&page->state, __ATOMIC_ACQUIRE) == SC_PAGE_INSTALLED) {
                lfd = sc_take_listener(page, c, sock, pipe_r, socket_only);
                if (lfd < 0 && __atomic_load_n(&page->err, __ATOMIC_ACQUIRE) == 0) {
                    page->step = SC_STEP_LISTENER;
                    __atomic_store_n(&page->err, errno ? errno : EPROTO, __ATOMIC_RELEASE);
                }
            }
        }
        if (lfd < 0) {
            if (__atomic_load_n(&page->err, __ATOMIC_ACQUIRE) == 0) {
                /* died before the filter was in, without saying why */
                page->step = SC_STEP_LISTENER;
                __atomic_store_n(&page->err, ECHILD, __ATOMIC_RELEASE);
            }
            return -1;
        }
    }
    if (sc_wait_pipe(pipe_r, lfd) < 0 && __atomic_load_n(&page->err, __ATOMIC_ACQUIRE) == 0) {
        /* whether it exec'd is unknown: the caller kills it and raises */
        page->step = SC_STEP_WAIT;
        __atomic_store_n(&page->err, errno ? errno : EIO, __ATOMIC_RELEASE);
    }
    return lfd;
}

static const char *sc_step_message(lua_State *L, int step, int err, const struct sc_plan *p)
{
    switch (step) {
    case SC_STEP_SIGNALS:
        return "resetting signal handling in the child failed";
    case SC_STEP_STDIO:
        return lua_pushfstring(L, "redirecting stdio in the child failed: %s", strerror(err));
    case SC_STEP_CHDIR:
        return lua_pushfstring(L, "cannot change to directory '%s': %s", p->cwd, strerror(err));
    case SC_STEP_NNP:
        return lua_pushfstring(L, "PR_SET_NO_NEW_PRIVS failed: %s", strerror(err));
    case SC_STEP_WAIT:
        return lua_pushfstring(L, "waiting for the child's exec failed: %s (the child was killed)",
                               strerror(err));
    case SC_STEP_SECCOMP:
        if (err == EACCES)
            return "the kernel refused the filter: NO_NEW_PRIVS is off (nnp = false) and the "
                   "process lacks CAP_SYS_ADMIN";
        if (err == EINVAL)
            return "the kernel refused the filter or one of its flags (log, ssb, wait_kill, "
                   "new listener)";
        if (err == ENOSYS)
            return "the seccomp(2) system call is missing (kernel < 3.17, or an emulator such as "
                   "valgrind): only a filter without notify rules, log, ssb or wait_kill can be "
                   "installed without it";
        return lua_pushfstring(L, "installing the filter failed: %s", strerror(err));
    case SC_STEP_LISTENER:
        if (err == ECHILD)
            return "the child died before its filter was installed";
        return lua_pushfstring(L, "taking the child's notification fd failed: %s (pidfd_getfd "
                               "unavailable and the filter refuses or notifies sendmsg?)",
                               strerror(err));
    default:
        return lua_pushfstring(L, "cannot run '%s': %s", p->argv[0], strerror(err));
    }
}

/* f:spawn(argv [, opts]) -> child
 * opts: env (table), cwd (string), stdin/stdout/stderr (Lua file handles),
 * nnp (boolean; default: the filter's nnp attribute), close_fds (boolean,
 * default true: fds >= 3 are not inherited), fdpass ("auto" | "socket"),
 * explain (boolean: name the first call a kill action kills, explain.c). */
static int l_filter_spawn(lua_State *L)
{
    sc_filter *f = sc_checkfilter(L, 1);
    struct sc_plan plan;
    sc_child *c;
    sc_notifier *n = NULL;
    sc_explain *ex = NULL;
    sc_sim_prog *pr;
    sc_shm *shm;
    int *pipe_r, *pipe_w, *sock_p = NULL, *sock_c = NULL;
    int fds[2], socket_only = 0, explain = 0, had_listener, lfd, cidx, err;
    uint32_t nnp_attr = 1;
    const char *path = NULL;
    sigset_t all;
    pid_t pid;

    memset(&plan, 0, sizeof plan);
    plan.sock = -1;
    lua_settop(L, 3);
    /* about twenty slots are held below (arrays, program, child, guards) and
     * the helpers push a few more: more than the 20 Lua guarantees */
    luaL_checkstack(L, 40, "spawn");
    sc_check_argv(L, 2);
    if (!lua_isnil(L, 3)) {
        static const char *const keys[] = {"env", "cwd", "stdin", "stdout", "stderr",
                                           "nnp", "close_fds", "fdpass", "explain", NULL};
        luaL_checktype(L, 3, LUA_TTABLE);
        sc_check_options(L, 3, 3, keys);
    }

    /* options (stack: 4 = env sequence or nil, 5 = cwd) */
    plan.stdio[0] = plan.stdio[1] = plan.stdio[2] = -1;
    plan.close_fds = 1;
    if (seccomp_attr_get(f->ctx, SCMP_FLTATR_CTL_NNP, &nnp_attr) != 0)
        nnp_attr = 1;
    plan.nnp = nnp_attr != 0;
    if (lua_istable(L, 3)) {
        if (lua_getfield(L, 3, "env") != LUA_TNIL) {
            if (!lua_istable(L, -1))
                sc_opt_error(L, "opts.%s must be a table, got %s", "env", -1);
            sc_build_env(L, lua_gettop(L));
            lua_remove(L, -2);
            path = sc_env_path(L, 4);
        }
        if (lua_getfield(L, 3, "cwd") != LUA_TNIL) {
            if (lua_type(L, -1) != LUA_TSTRING || sc_has_nul(L, -1))
                sc_opt_error(L, "opts.%s must be a string, got %s", "cwd", -1);
            plan.cwd = lua_tostring(L, -1);
        }
        plan.stdio[0] = sc_opt_stdio(L, 3, "stdin");
        plan.stdio[1] = sc_opt_stdio(L, 3, "stdout");
        plan.stdio[2] = sc_opt_stdio(L, 3, "stderr");
        plan.nnp = sc_opt_bool(L, 3, "nnp", plan.nnp);
        plan.close_fds = sc_opt_bool(L, 3, "close_fds", 1);
        explain = sc_opt_bool(L, 3, "explain", 0);
        if (lua_getfield(L, 3, "fdpass") != LUA_TNIL) {
            const char *s = lua_tostring(L, -1);
            if (lua_type(L, -1) != LUA_TSTRING || (strcmp(s, "auto") != 0 && strcmp(s, "socket") != 0))
                sc_opt_error(L, "opts.%s must be \"auto\" or \"socket\", got %s", "fdpass", -1);
            socket_only = strcmp(s, "socket") == 0;
        }
        lua_pop(L, 1);
    } else {
        lua_pushnil(L);
        lua_pushnil(L);
    }
    lua_settop(L, 5);
    if (path == NULL && lua_isnil(L, 4))
        path = getenv("PATH");

    /* arrays (6 = argv, 7 = envp, 8 = candidates, 9 = their array) */
    plan.argv = sc_string_array(L, 2);
    if (lua_isnil(L, 4)) {
        lua_pushnil(L);
        plan.envp = environ;
    } else {
        plan.envp = sc_string_array(L, 4);
    }
    sc_build_candidates(L, plan.argv[0], path, plan.cwd);
    plan.paths = sc_string_array(L, 8);

    /* program (10); checked against the filter's own answer to the exec
     * before explain rewrites it (11) */
    pr = sc_plan_program(L, f, &plan);
    sc_check_exec_allowed(L, &plan);
    had_listener = plan.listener;
    if (explain)
        ex = sc_plan_explain(L, f, &plan, pr);
    else
        lua_pushnil(L);

    /* the objects that will own what fork creates: child (11), notifier (12) */
    c = sc_newuserdata(L, sizeof *c);
    c->pid = -1;
    c->pidfd = -1;
    c->reaped = 0;
    c->status = 0;
    c->hidden = ex != NULL && !had_listener;
    luaL_setmetatable(L, SC_CHILD_MT);
    cidx = lua_gettop(L);
    if (plan.listener) {
        n = sc_notifier_new(L, "spawn");
        if (ex != NULL) {
            lua_pushvalue(L, 11);
            lua_setiuservalue(L, -2, 1);
            n->explain = ex;
        }
        lua_setiuservalue(L, cidx, 1);
    }

    /* shared page, pipe, socketpair: each owned by a guard on the stack */
    shm = sc_newuserdata(L, sizeof *shm);
    shm->page = NULL;
    luaL_setmetatable(L, SC_SHM_MT);
    shm->page = mmap(NULL, sizeof *shm->page, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (shm->page == MAP_FAILED) {
        shm->page = NULL;
        sc_raise(L, "spawn", errno, "mmap failed");
    }
    memset(shm->page, 0, sizeof *shm->page);
    plan.page = shm->page;
    pipe_r = sc_push_fdguard(L);
    pipe_w = sc_push_fdguard(L);
    if (pipe2(fds, O_CLOEXEC) != 0)
        sc_raise(L, "spawn", errno, "pipe failed");
    *pipe_r = fds[0];
    *pipe_w = fds[1];
    if (sc_fd_high(pipe_r) != 0 || sc_fd_high(pipe_w) != 0)
        sc_raise(L, "spawn", errno, "pipe failed");
    plan.pipe_w = *pipe_w;
    if (plan.listener) {
        sock_p = sc_push_fdguard(L);
        sock_c = sc_push_fdguard(L);
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
            sc_raise(L, "spawn", errno, "socketpair failed");
        *sock_p = fds[0];
        *sock_c = fds[1];
        if (sc_fd_high(sock_p) != 0 || sc_fd_high(sock_c) != 0)
            sc_raise(L, "spawn", errno, "socketpair failed");
        plan.sock = *sock_c;
    }

    /* start it with every signal blocked: no handler of ours runs in the child */
    sigfillset(&all);
    sigprocmask(SIG_SETMASK, &all, &plan.mask);
    pid = sc_start_child(&plan);
    err = errno;
    sigprocmask(SIG_SETMASK, &plan.mask, NULL);
    if (pid < 0)
        return sc_raise(L, "spawn", err, "fork failed");
    c->pid = pid;
    if (ex != NULL)
        sc_explain_started(ex, pid);
    c->pidfd = (int)syscall(SYS_pidfd_open, pid, 0); /* close-on-exec; -1 before 5.3 */
    if (sc_fd_high(&c->pidfd) != 0) {
        close(c->pidfd); /* optional: kill() and waitpid() do without it */
        c->pidfd = -1;
    }
    sc_fdguard_close(pipe_w);
    if (sock_c)
        sc_fdguard_close(sock_c);

    lfd = sc_parent_settle(&plan, c, *pipe_r, sock_p ? *sock_p : -1, socket_only);
    if (n != NULL && lfd >= 0)
        sc_notifier_adopt(n, lfd, 1);
    err = __atomic_load_n(&plan.page->err, __ATOMIC_ACQUIRE);
    if (err != 0) {
        int step = plan.page->step;
        if (n != NULL)
            sc_notifier_close(n);
        sc_child_signal(c, SIGKILL); /* it may be stuck in a notified exit */
        sc_child_reap(L, c, 0);
        return sc_raise(L, "spawn", err, sc_step_message(L, step, err, &plan));
    }
    lua_pushvalue(L, cidx);
    return 1;
}

/* ---- registration ------------------------------------------------------------ */

static const luaL_Reg sc_child_methods[] = {
    {"wait", l_child_wait},
    {"kill", l_child_kill},
    {NULL, NULL},
};

static const luaL_Reg sc_child_meta[] = {
    {"__gc", l_child_gc},
#if SC_HAVE_CLOSE
    {"__close", l_child_gc},
#endif
    {"__tostring", l_child_tostring},
    {NULL, NULL},
};

static const luaL_Reg sc_spawn_filter_methods[] = {
    {"spawn", l_filter_spawn},
    {NULL, NULL},
};

/* Called with the module table at the top of the stack. */
static void sc_open_spawn(lua_State *L)
{
    static const luaL_Reg shm_meta[] = {{"__gc", l_shm_gc}, {NULL, NULL}};
    sc_new_type(L, SC_CHILD_MT, sc_child_meta, sc_child_methods, l_child_index);
    sc_new_type(L, SC_SHM_MT, shm_meta, NULL, NULL);
    sc_add_methods(L, SC_FILTER_MT, sc_spawn_filter_methods);
}
