/*
 * interpose.c - an LD_PRELOAD library that makes one chosen call fail, for
 * spec/fault_spec.lua (run by ci/fault.sh and, where it is built, by the
 * suite).  Never part of the module.
 *
 *   SCFAULT_POINT  the call: a function name (pipe2, seccomp_load, malloc,
 *                  ...), or syscall:NAME for the raw calls made through
 *                  syscall() (syscall:seccomp, syscall:pidfd_open,
 *                  syscall:pidfd_getfd, syscall:close_range), or
 *                  uname:RELEASE to report that kernel release instead
 *   SCFAULT_NTH    fail the Nth eligible call (1 = the first); the others
 *                  go through.  Counted over the whole process tree: the
 *                  counter lives in a shared page that fork keeps.
 *   SCFAULT_ERRNO  the errno to fail with (default: one the call can give)
 *   SCFAULT_LOG    a file to which "fired POINT N" is appended when the
 *                  failure is injected
 *
 * A call is eligible only when it comes from the module (seccomp/core.so)
 * or from libseccomp on its behalf: the interpreter, libc and the sanitizer
 * runtime are left alone.  malloc, calloc and realloc are eligible only from
 * the module itself (chosen by return address) at the point "malloc", and
 * only from inside libseccomp at the point "libseccomp_malloc" (libseccomp
 * then fails for real, half way through its own work: the failures that
 * leave its context changed).
 */
#define _GNU_SOURCE 1
#include <dlfcn.h>
#include <link.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#define EXPORT __attribute__((visibility("default")))

struct shared {
    long count; /* eligible calls of the point seen so far, in every process */
};

static const char *point;   /* SCFAULT_POINT, or NULL */
static long nth;
static int err_override;
static const char *logpath;
static struct shared *shared;
static struct shared local_shared;
static int ready;
static __thread int busy __attribute__((tls_model("initial-exec"))); /* inside the interposer: never recurse */
/* inside a libseccomp export: libseccomp 2.5.4's BPF generator dereferences
 * NULL after an allocation of its own fails (a crash the module cannot
 * prevent), so libseccomp_malloc leaves the exports alone */
static __thread int exporting __attribute__((tls_model("initial-exec")));

/* ---- bootstrap allocations (dlsym may allocate before malloc is known) ---- */

static char arena[16384] __attribute__((aligned(16)));
static size_t arena_used;

static void *arena_alloc(size_t n)
{
    void *p;
    n = (n + 15) & ~(size_t)15;
    if (arena_used + n > sizeof arena)
        return NULL;
    p = arena + arena_used;
    arena_used += n;
    return p;
}

static int in_arena(const void *p)
{
    return (const char *)p >= arena && (const char *)p < arena + sizeof arena;
}

static void *(*real_malloc)(size_t);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
static void (*real_free)(void *);
static int resolving;

static void resolve_alloc(void)
{
    if (real_malloc || resolving)
        return;
    resolving = 1;
    real_malloc = (void *(*)(size_t))dlsym(RTLD_NEXT, "malloc");
    real_calloc = (void *(*)(size_t, size_t))dlsym(RTLD_NEXT, "calloc");
    real_realloc = (void *(*)(void *, size_t))dlsym(RTLD_NEXT, "realloc");
    real_free = (void (*)(void *))dlsym(RTLD_NEXT, "free");
    resolving = 0;
}

/* ---- configuration ---------------------------------------------------------- */

__attribute__((constructor)) static void init(void)
{
    const char *s;
    busy++;
    resolve_alloc();
    point = getenv("SCFAULT_POINT");
    s = getenv("SCFAULT_NTH");
    nth = s ? atol(s) : 0;
    s = getenv("SCFAULT_ERRNO");
    err_override = s ? atoi(s) : 0;
    logpath = getenv("SCFAULT_LOG");
    shared = mmap(NULL, sizeof *shared, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (shared == MAP_FAILED)
        shared = &local_shared;
    shared->count = 0;
    ready = 1;
    busy--;
}

/* Is the code at `ret` in the module (lib 0), the module or libseccomp
 * (lib 1), or libseccomp alone (lib 2)? */
static int from_module(const void *ret, int lib)
{
    Dl_info info;
    if (!ready || ret == NULL || dladdr(ret, &info) == 0 || info.dli_fname == NULL)
        return 0;
    if (lib != 2 && strstr(info.dli_fname, "seccomp/core.so") != NULL)
        return 1;
    return lib && strstr(info.dli_fname, "libseccomp.so") != NULL;
}

static void note(const char *name, long n)
{
    char line[160];
    int fd, len;
    if (logpath == NULL)
        return;
    len = snprintf(line, sizeof line, "fired %s %ld pid %ld\n", name, n, (long)getpid());
    fd = open(logpath, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd >= 0) {
        if (len > 0 && write(fd, line, (size_t)len) < 0) {
            /* nothing to do: the spec then sees no "fired" line */
        }
        close(fd);
    }
}

/* Should this call of `name`, made from `ret`, fail?  Counts it when it is
 * eligible. */
static int should_fail(const char *name, const void *ret, int lib)
{
    long n;
    if (busy || point == NULL || strcmp(point, name) != 0 || (lib == 2 && exporting) ||
        !from_module(ret, lib))
        return 0;
    busy++;
    n = __atomic_add_fetch(&shared->count, 1, __ATOMIC_SEQ_CST);
    if (n == nth)
        note(name, n);
    busy--;
    return n == nth;
}

static int fail_errno(int dflt)
{
    return err_override ? err_override : dflt;
}

#define NEXT(name) static __typeof__(name) *real_##name; \
    if (!real_##name) real_##name = (__typeof__(name) *)dlsym(RTLD_NEXT, #name)

/* libseccomp is loaded with the module, in its local scope, where
 * RTLD_NEXT does not look: take it by its soname, already loaded. */
static int find_libseccomp(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    if (info->dlpi_name != NULL && strstr(info->dlpi_name, "/libseccomp.so") != NULL) {
        *(const char **)data = info->dlpi_name;
        return 1;
    }
    return 0;
}

static void *libseccomp(void)
{
    static void *h;
    if (h == NULL) {
        /* by its full path, as loaded: a dlopen by another name would make
         * the loader note that name (an allocation LeakSanitizer reports) */
        const char *path = NULL;
        dl_iterate_phdr(find_libseccomp, &path);
        if (path != NULL)
            h = dlopen(path, RTLD_LAZY | RTLD_NOLOAD);
    }
    return h;
}

#define NEXT_SCMP(name) static __typeof__(name) *real_##name; \
    if (!real_##name && libseccomp()) real_##name = (__typeof__(name) *)dlsym(libseccomp(), #name); \
    if (!real_##name) abort() /* called by the module, so libseccomp is there */

#define RET __builtin_return_address(0)

/* The body of an interposed libseccomp call that reports failure as a
 * negative errno: at fault point `pt` it fails with -dflt (or the errno
 * SCFAULT_ERRNO names), else it is the real call with the arguments. */
#define SCMP_FAILS_AT(name, pt, dflt, ...) \
    NEXT_SCMP(name); \
    if (should_fail(pt, RET, 0)) \
        return -fail_errno(dflt); \
    return real_##name(__VA_ARGS__)

/* ---- memory (the module only) ------------------------------------------------- */

EXPORT void *malloc(size_t n)
{
    if (!real_malloc) {
        resolve_alloc();
        if (!real_malloc)
            return arena_alloc(n);
    }
    if (should_fail("malloc", RET, 0) || should_fail("libseccomp_malloc", RET, 2)) {
        errno = ENOMEM;
        return NULL;
    }
    return real_malloc(n);
}

EXPORT void *calloc(size_t n, size_t size)
{
    if (!real_calloc) {
        resolve_alloc();
        if (!real_calloc) {
            void *p = (size == 0 || n <= SIZE_MAX / size) ? arena_alloc(n * size) : NULL;
            if (p)
                memset(p, 0, n * size);
            return p;
        }
    }
    if (should_fail("malloc", RET, 0) || should_fail("libseccomp_malloc", RET, 2)) {
        errno = ENOMEM;
        return NULL;
    }
    return real_calloc(n, size);
}

EXPORT void *realloc(void *p, size_t n)
{
    if (in_arena(p)) {
        void *q = malloc(n);
        if (q && p)
            memcpy(q, p, n < sizeof arena ? n : sizeof arena); /* bootstrap blocks are small */
        return q;
    }
    if (!real_realloc) {
        resolve_alloc();
        if (!real_realloc)
            return NULL;
    }
    if (n > 0 && (should_fail("malloc", RET, 0) || should_fail("libseccomp_malloc", RET, 2))) {
        errno = ENOMEM;
        return NULL;
    }
    return real_realloc(p, n);
}

EXPORT void free(void *p)
{
    if (p == NULL || in_arena(p))
        return;
    if (!real_free)
        resolve_alloc();
    if (real_free)
        real_free(p);
}

/* ---- libseccomp ---------------------------------------------------------------- */

EXPORT scmp_filter_ctx seccomp_init(uint32_t def_action)
{
    NEXT_SCMP(seccomp_init);
    if (should_fail("seccomp_init", RET, 0)) {
        errno = fail_errno(ENOMEM);
        return NULL;
    }
    return real_seccomp_init(def_action);
}

EXPORT int seccomp_rule_add_array(scmp_filter_ctx ctx, uint32_t action, int syscall_nr,
                                  unsigned int arg_cnt, const struct scmp_arg_cmp *arg_array)
{
    SCMP_FAILS_AT(seccomp_rule_add_array, "seccomp_rule_add_array", ENOMEM,
                  ctx, action, syscall_nr, arg_cnt, arg_array);
}

EXPORT int seccomp_rule_add_exact_array(scmp_filter_ctx ctx, uint32_t action, int syscall_nr,
                                        unsigned int arg_cnt, const struct scmp_arg_cmp *arg_array)
{
    SCMP_FAILS_AT(seccomp_rule_add_exact_array, "seccomp_rule_add_array", ENOMEM,
                  ctx, action, syscall_nr, arg_cnt, arg_array);
}

/* The same for an export (see `exporting`). */
#define SCMP_EXPORT_FAILS_AT(name, pt, dflt, ...) \
    int rc_; \
    NEXT_SCMP(name); \
    if (should_fail(pt, RET, 0)) \
        return -fail_errno(dflt); \
    exporting++; \
    rc_ = real_##name(__VA_ARGS__); \
    exporting--; \
    return rc_

EXPORT int seccomp_export_bpf(const scmp_filter_ctx ctx, int fd)
{
    SCMP_EXPORT_FAILS_AT(seccomp_export_bpf, "seccomp_export_bpf", ENOMEM, ctx, fd);
}

EXPORT int seccomp_export_pfc(const scmp_filter_ctx ctx, int fd)
{
    SCMP_EXPORT_FAILS_AT(seccomp_export_pfc, "seccomp_export_pfc", ENOMEM, ctx, fd);
}

#if SCMP_VER_MAJOR > 2 || (SCMP_VER_MAJOR == 2 && SCMP_VER_MINOR >= 6)
EXPORT int seccomp_export_bpf_mem(const scmp_filter_ctx ctx, void *buf, size_t *len)
{
    SCMP_EXPORT_FAILS_AT(seccomp_export_bpf_mem, "seccomp_export_bpf_mem", ENOMEM, ctx, buf, len);
}

EXPORT int seccomp_precompute(const scmp_filter_ctx ctx)
{
    SCMP_EXPORT_FAILS_AT(seccomp_precompute, "seccomp_precompute", ENOMEM, ctx);
}
#endif

EXPORT int seccomp_load(const scmp_filter_ctx ctx)
{
    SCMP_FAILS_AT(seccomp_load, "seccomp_load", ECANCELED, ctx);
}

EXPORT int seccomp_attr_set(scmp_filter_ctx ctx, enum scmp_filter_attr attr, uint32_t value)
{
    SCMP_FAILS_AT(seccomp_attr_set, "seccomp_attr_set", ENOMEM, ctx, attr, value);
}

EXPORT int seccomp_merge(scmp_filter_ctx dst, scmp_filter_ctx src)
{
    SCMP_FAILS_AT(seccomp_merge, "seccomp_merge", ENOMEM, dst, src);
}

EXPORT int seccomp_attr_get(const scmp_filter_ctx ctx, enum scmp_filter_attr attr, uint32_t *value)
{
    SCMP_FAILS_AT(seccomp_attr_get, "seccomp_attr_get", EINVAL, ctx, attr, value);
}

EXPORT int seccomp_arch_add(scmp_filter_ctx ctx, uint32_t arch_token)
{
    SCMP_FAILS_AT(seccomp_arch_add, "seccomp_arch_add", ENOMEM, ctx, arch_token);
}

EXPORT int seccomp_arch_remove(scmp_filter_ctx ctx, uint32_t arch_token)
{
    SCMP_FAILS_AT(seccomp_arch_remove, "seccomp_arch_remove", EINVAL, ctx, arch_token);
}

EXPORT int seccomp_reset(scmp_filter_ctx ctx, uint32_t def_action)
{
    SCMP_FAILS_AT(seccomp_reset, "seccomp_reset", ENOMEM, ctx, def_action);
}

EXPORT int seccomp_syscall_priority(scmp_filter_ctx ctx, int syscall, uint8_t priority)
{
    SCMP_FAILS_AT(seccomp_syscall_priority, "seccomp_syscall_priority", ENOMEM, ctx, syscall, priority);
}

/* ---- libc ---------------------------------------------------------------------- */

EXPORT pid_t fork(void)
{
    NEXT(fork);
    if (should_fail("fork", RET, 0)) {
        errno = fail_errno(EAGAIN);
        return -1;
    }
    return real_fork();
}

EXPORT int clone(int (*fn)(void *), void *stack, int flags, void *arg, ...)
{
    va_list ap;
    pid_t *ptid;
    void *tls;
    pid_t *ctid;
    NEXT(clone);
    va_start(ap, arg);
    ptid = va_arg(ap, pid_t *);
    tls = va_arg(ap, void *);
    ctid = va_arg(ap, pid_t *);
    va_end(ap);
    if (should_fail("clone", RET, 0)) {
        errno = fail_errno(EAGAIN);
        return -1;
    }
    return real_clone(fn, stack, flags, arg, ptid, tls, ctid);
}

EXPORT int pipe2(int fds[2], int flags)
{
    NEXT(pipe2);
    if (should_fail("pipe2", RET, 0)) {
        errno = fail_errno(EMFILE);
        return -1;
    }
    return real_pipe2(fds, flags);
}

EXPORT int socketpair(int domain, int type, int protocol, int sv[2])
{
    NEXT(socketpair);
    if (should_fail("socketpair", RET, 0)) {
        errno = fail_errno(EMFILE);
        return -1;
    }
    return real_socketpair(domain, type, protocol, sv);
}

EXPORT int poll(struct pollfd *fds, nfds_t n, int timeout)
{
    NEXT(poll);
    if (should_fail("poll", RET, 0)) {
        errno = fail_errno(ENOMEM);
        return -1;
    }
    return real_poll(fds, n, timeout);
}

EXPORT int ioctl(int fd, unsigned long request, ...)
{
    va_list ap;
    void *arg;
    NEXT(ioctl);
    va_start(ap, request);
    arg = va_arg(ap, void *);
    va_end(ap);
    if (should_fail("ioctl", RET, 1)) {
        errno = fail_errno(EIO);
        return -1;
    }
    return real_ioctl(fd, request, arg);
}

EXPORT int prctl(int option, ...)
{
    va_list ap;
    unsigned long a2, a3, a4, a5;
    NEXT(prctl);
    va_start(ap, option);
    a2 = va_arg(ap, unsigned long);
    a3 = va_arg(ap, unsigned long);
    a4 = va_arg(ap, unsigned long);
    a5 = va_arg(ap, unsigned long);
    va_end(ap);
    if (should_fail("prctl", RET, 1)) {
        errno = fail_errno(EINVAL);
        return -1;
    }
    return real_prctl(option, a2, a3, a4, a5);
}

static const char *syscall_point(long nr)
{
    switch (nr) {
#ifdef SYS_seccomp
    case SYS_seccomp: return "syscall:seccomp";
#endif
    case 434: return "syscall:pidfd_open";
    case 438: return "syscall:pidfd_getfd";
    case 436: return "syscall:close_range";
    case 424: return "syscall:pidfd_send_signal";
    default: return "syscall:other";
    }
}

EXPORT long syscall(long nr, ...)
{
    va_list ap;
    long a[6];
    int i;
    NEXT(syscall);
    va_start(ap, nr);
    for (i = 0; i < 6; i++)
        a[i] = va_arg(ap, long);
    va_end(ap);
    if (should_fail(syscall_point(nr), RET, 1)) {
        /* seccomp: EINVAL as from a kernel that refuses a flag; the rest: what they give */
        errno = fail_errno(nr == 434 || nr == 438 ? ENOSYS : nr == 436 ? ENOSYS : EINVAL);
        return -1;
    }
    return real_syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}

/* uname:RELEASE reports that release (the machine's is kept otherwise). */
EXPORT int uname(struct utsname *u)
{
    NEXT(uname);
    int rc = real_uname(u);
    if (rc == 0 && point != NULL && strncmp(point, "uname:", 6) == 0 && from_module(RET, 0))
        snprintf(u->release, sizeof u->release, "%s", point + 6);
    return rc;
}
