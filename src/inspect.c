/*
 * inspect.c - what filter is a process running?
 *
 *   seccomp.status(pid) -> { mode =, filters =, no_new_privs = }
 *   seccomp.dump(pid)   -> { bpf, ... }   the programs installed, oldest first
 *
 * status reads /proc/PID/status and needs no privilege.  dump reads the
 * programs back with ptrace(2): PTRACE_SEIZE (which stops nothing), then
 * PTRACE_INTERRUPT and a wait for that stop, PTRACE_SECCOMP_GET_FILTER for
 * index 0, 1, ... until ENOENT (index 0 is the oldest filter: the kernel
 * counts back from the newest, get_nth_filter), then PTRACE_DETACH.  The
 * kernel gives filters only to a caller with CAP_SYS_ADMIN that is not
 * itself under seccomp.
 *
 * The target is left as it was: every path after a successful seize
 * detaches; a signal that arrived meanwhile (a signal-delivery stop) is
 * handed back at the detach; a process that was stopped (SIGSTOP) stays
 * stopped.  While the target is attached nothing here calls Lua (which
 * could raise and skip the detach): the buffer for every program is
 * allocated before the seize, as large as the kernel lets a task's filters
 * be (SC_MAX_INSNS_PER_PATH instructions).
 */
#include "core.h"

static const char *const sc_mode_names[] = {"disabled", "strict", "filter"};

/* What /proc/PID/status says; -1 where a field is missing. */
typedef struct {
    long mode, filters, nnp, tracer, ppid;
} sc_pstatus;

/* Read /proc/PID/status (pid 0: this process).  0, or an errno (ESRCH:
 * no such process). */
static int sc_proc_status(pid_t pid, sc_pstatus *ps)
{
    static const struct {
        const char *key;
        size_t off;
    } fields[] = {
        {"Seccomp:", offsetof(sc_pstatus, mode)},
        {"Seccomp_filters:", offsetof(sc_pstatus, filters)},
        {"NoNewPrivs:", offsetof(sc_pstatus, nnp)},
        {"TracerPid:", offsetof(sc_pstatus, tracer)},
        {"PPid:", offsetof(sc_pstatus, ppid)},
    };
    char path[64], line[256];
    FILE *fp;
    int whole = 1; /* the previous fgets ended a line */
    size_t i;
    if (pid == 0)
        snprintf(path, sizeof path, "/proc/self/status");
    else
        snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    for (i = 0; i < sizeof fields / sizeof fields[0]; i++)
        *(long *)(void *)((char *)ps + fields[i].off) = -1;
    fp = fopen(path, "re");
    if (fp == NULL)
        return errno == ENOENT ? ESRCH : errno;
    while (fgets(line, sizeof line, fp) != NULL) {
        int starts = whole;
        whole = strchr(line, '\n') != NULL;
        if (!starts)
            continue; /* the rest of a long line (Groups:) */
        for (i = 0; i < sizeof fields / sizeof fields[0]; i++) {
            size_t n = strlen(fields[i].key);
            if (strncmp(line, fields[i].key, n) == 0) {
                char *end;
                long v = strtol(line + n, &end, 10);
                if (end != line + n)
                    *(long *)(void *)((char *)ps + fields[i].off) = v;
            }
        }
    }
    fclose(fp);
    return 0;
}

/* The pid argument at idx: an integer 1..INT32_MAX. */
static pid_t sc_check_pid(lua_State *L, int idx)
{
    return (pid_t)sc_checkrange(L, idx, 1, INT32_MAX);
}

/* Raise for a /proc/PID/status that could not be read. */
static int sc_status_raise(lua_State *L, const char *op, pid_t pid, int e)
{
    return sc_raise(L, op, e, e == ESRCH ? lua_pushfstring(L, "no process %d", (int)pid)
                    : lua_pushfstring(L, "reading /proc/%d/status failed: %s", (int)pid,
                                      strerror(e)));
}

/* seccomp.status(pid) -> { mode = "disabled"|"strict"|"filter", filters =
 * n (nil where the kernel does not say: before 5.9), no_new_privs = bool }
 * Raises the error object (ESRCH) when there is no such process. */
static int l_status(lua_State *L)
{
    pid_t pid = sc_check_pid(L, 1);
    sc_pstatus ps;
    int e = sc_proc_status(pid, &ps);
    if (e != 0)
        sc_status_raise(L, "status", pid, e);
    if (ps.mode < 0)
        sc_raise(L, "status", ENOSYS, lua_pushfstring(L, "/proc/%d/status has no Seccomp "
                 "field: this kernel was built without seccomp", (int)pid));
    lua_createtable(L, 0, 3);
    if (ps.mode < (long)(sizeof sc_mode_names / sizeof sc_mode_names[0]))
        lua_pushstring(L, sc_mode_names[ps.mode]);
    else
        lua_pushinteger(L, (lua_Integer)ps.mode); /* a mode newer than this module */
    lua_setfield(L, -2, "mode");
    if (ps.filters >= 0) {
        lua_pushinteger(L, (lua_Integer)ps.filters);
        lua_setfield(L, -2, "filters");
    }
    lua_pushboolean(L, ps.nnp > 0);
    lua_setfield(L, -2, "no_new_privs");
    return 1;
}

/* ---- dump --------------------------------------------------------------------- */

/* One dump's work area and outcome (no Lua while the target is attached). */
typedef struct {
    pid_t pid;
    int own_child;       /* the target is this process's child: never reap it */
    unsigned char *buf;  /* SC_MAX_INSNS_PER_PATH instructions */
    uint32_t *len;       /* instructions of each filter read */
    size_t n;            /* filters read */
    int err;             /* the first failure, 0 */
    const char *what;    /* its step */
    long index;          /* the filter index it happened at (GET_FILTER) */
    int exited;          /* the target exited while attached */
} sc_dump;

/* ptrace(2) itself: data is an address or, for a detach, a signal. */
static long sc_ptrace(long req, pid_t pid, unsigned long addr, unsigned long data)
{
    return syscall(SYS_ptrace, req, (long)pid, addr, data);
}

/* Wait for the stop the interrupt asked for (the first stop of any kind).
 * 0 and *sig, the signal to hand back at the detach (0: none), or an errno
 * (ESRCH: the target exited; then its exit is left for its parent). */
static int sc_dump_wait(sc_dump *d, int *sig)
{
    siginfo_t si;
    *sig = 0;
    for (;;) {
        memset(&si, 0, sizeof si);
        if (waitid(P_PID, (id_t)d->pid, &si, WEXITED | WSTOPPED | WNOWAIT | __WALL) != 0) {
            if (errno == EINTR)
                continue;
            return errno;
        }
        if (si.si_code != CLD_TRAPPED && si.si_code != CLD_STOPPED) {
            d->exited = 1;
            return ESRCH;
        }
        /* take the stop (without WEXITED nothing else can be taken) */
        memset(&si, 0, sizeof si);
        if (waitid(P_PID, (id_t)d->pid, &si, WSTOPPED | WNOHANG | __WALL) != 0) {
            if (errno == EINTR)
                continue;
            return errno;
        }
        if (si.si_pid == 0)
            continue; /* it went on (killed meanwhile): look again */
        /* si_status: the signal, with the ptrace event in bits 8..15; a
         * signal-delivery stop (no event) holds a signal to hand back */
        if ((si.si_status >> 8) != SC_PTRACE_EVENT_STOP)
            *sig = si.si_status & 0x7f;
        return 0;
    }
}

/* Read every filter of d->pid into d->buf; d->err says what failed. */
static void sc_dump_run(sc_dump *d)
{
    size_t used = 0;
    int sig = 0, e;
    if (sc_ptrace(SC_PTRACE_SEIZE, d->pid, 0, 0) != 0) {
        d->err = errno;
        d->what = "seize";
        return;
    }
    if (sc_ptrace(SC_PTRACE_INTERRUPT, d->pid, 0, 0) != 0) {
        d->err = errno;
        d->what = "interrupt";
    } else if ((e = sc_dump_wait(d, &sig)) != 0) {
        d->err = e;
        d->what = "wait";
    } else {
        for (d->index = 0; d->n < SC_MAX_FILTERS_PER_TASK; d->index++) {
            long n = sc_ptrace(SC_PTRACE_SECCOMP_GET_FILTER, d->pid, (unsigned long)d->index, 0);
            if (n < 0 && errno == ENOENT && d->index > 0)
                break; /* past the newest */
            if (n <= 0 || (size_t)n > SC_MAX_INSNS_PER_PATH - used) {
                d->err = n < 0 ? errno : EOVERFLOW;
                d->what = "read";
                break;
            }
            /* the kernel copies the whole program: the room was checked */
            if (sc_ptrace(SC_PTRACE_SECCOMP_GET_FILTER, d->pid, (unsigned long)d->index,
                          (unsigned long)(uintptr_t)(d->buf + used * 8)) != n) {
                d->err = errno ? errno : EIO;
                d->what = "read";
                break;
            }
            d->len[d->n++] = (uint32_t)n;
            used += (size_t)n;
        }
    }
    if (d->exited) {
        /* a tracer that is not the parent takes the exit report, which
         * passes the zombie on to the parent; the parent's is its own */
        if (!d->own_child) {
            siginfo_t si;
            memset(&si, 0, sizeof si);
            (void)waitid(P_PID, (id_t)d->pid, &si, WEXITED | WNOHANG | __WALL);
        }
        return;
    }
    if (sc_ptrace(SC_PTRACE_DETACH, d->pid, 0, (unsigned long)sig) != 0 && d->err == 0) {
        d->err = errno;
        d->what = "detach";
    }
}

/* Raise the error object for a failed dump, in words a user can act on. */
static int sc_dump_raise(lua_State *L, const sc_dump *d, const sc_pstatus *ps)
{
    int pid = (int)d->pid, e = d->err;
    const char *msg;
    if (d->exited || e == ESRCH)
        msg = lua_pushfstring(L, "process %d exited during the dump", pid);
    else if (strcmp(d->what, "seize") == 0 && e == EPERM && ps->tracer > 0)
        msg = lua_pushfstring(L, "process %d is already traced by process %d (a debugger, "
                              "strace): a process has one tracer at a time; detach that one "
                              "first", pid, (int)ps->tracer);
    else if (strcmp(d->what, "seize") == 0 && e == EPERM)
        msg = lua_pushfstring(L, "process %d may not be traced by this one (it belongs to "
                              "another user, or lacks CAP_SYS_PTRACE, or Yama's ptrace_scope "
                              "forbids it, or it is exiting)", pid);
    else if (e == EACCES)
        msg = lua_pushfstring(L, "reading process %d's filters needs CAP_SYS_ADMIN (in the "
                              "initial user namespace), which this process lacks: run it as "
                              "root", pid);
    else if (e == EIO)
        msg = "this kernel cannot hand filters out (PTRACE_SECCOMP_GET_FILTER needs Linux "
              ">= 4.4 built with CONFIG_CHECKPOINT_RESTORE)";
    else if (e == EINVAL)
        msg = lua_pushfstring(L, "process %d is not in seccomp filter mode", pid);
    else if (e == ENOENT)
        msg = lua_pushfstring(L, "process %d has no seccomp filter", pid);
#ifdef EMEDIUMTYPE
    else if (e == EMEDIUMTYPE)
        msg = lua_pushfstring(L, "filter %d of process %d is not a classic BPF program",
                              (int)d->index, pid);
#endif
    else if (e == EOVERFLOW)
        msg = lua_pushfstring(L, "process %d's filters are larger than the kernel allows "
                              "(%d instructions in all)", pid, SC_MAX_INSNS_PER_PATH);
    else
        msg = lua_pushfstring(L, "ptrace (%s) of process %d failed: %s", d->what, pid,
                              strerror(e));
    return sc_raise(L, "dump", e, msg);
}

/* seccomp.dump(pid) -> { bpf, ... }: the programs of the process's (the
 * thread's) filters, oldest first, each as export_bpf gives a program (the
 * native byte order).  Needs CAP_SYS_ADMIN and a caller without seccomp;
 * raises the error object saying what is missing. */
static int l_dump(lua_State *L)
{
    pid_t pid = sc_check_pid(L, 1);
    sc_pstatus ps, self;
    sc_dump d;
    size_t i, off = 0;
    int e;
    if (pid == getpid())
        sc_raise(L, "dump", EINVAL, "a process cannot read its own filters (ptrace cannot "
                 "attach to its caller): dump it from another process");
    if ((e = sc_proc_status(pid, &ps)) != 0)
        sc_status_raise(L, "dump", pid, e);
    if (ps.mode == 0)
        sc_raise(L, "dump", ENOENT, lua_pushfstring(L, "process %d has no seccomp filter "
                 "(seccomp.status: mode \"disabled\")", (int)pid));
    if (ps.mode == 1)
        sc_raise(L, "dump", EINVAL, lua_pushfstring(L, "process %d is in strict mode: it has "
                 "no filter program, only the kernel's fixed list (read, write, _exit, "
                 "sigreturn)", (int)pid));
    if (sc_proc_status(0, &self) == 0 && self.mode > 0)
        sc_raise(L, "dump", EACCES, lua_pushfstring(L, "this process is itself under seccomp "
                 "(mode %d): the kernel hands filters only to a caller without one; dump from "
                 "a process that has no filter", (int)self.mode));
    memset(&d, 0, sizeof d);
    d.pid = pid;
    d.own_child = ps.ppid == (long)getpid();
    d.buf = sc_newuserdata(L, (size_t)SC_MAX_INSNS_PER_PATH * 8 +
                              SC_MAX_FILTERS_PER_TASK * sizeof *d.len);
    d.len = (uint32_t *)(void *)(d.buf + (size_t)SC_MAX_INSNS_PER_PATH * 8);
    /* cleared, though the kernel writes what is read: valgrind does not
     * know that PTRACE_SECCOMP_GET_FILTER writes its buffer */
    memset(d.buf, 0, (size_t)SC_MAX_INSNS_PER_PATH * 8);
    sc_dump_run(&d);
    if (d.err != 0)
        sc_dump_raise(L, &d, &ps);
    lua_createtable(L, (int)d.n, 0);
    for (i = 0; i < d.n; i++) {
        lua_pushlstring(L, (const char *)d.buf + off * 8, (size_t)d.len[i] * 8);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
        off += d.len[i];
    }
    return 1;
}

/* Adds status and dump to the module table at the top of the stack. */
static void sc_open_inspect(lua_State *L)
{
    static const luaL_Reg fns[] = {{"status", l_status}, {"dump", l_dump}, {NULL, NULL}};
    luaL_setfuncs(L, fns, 0);
}
