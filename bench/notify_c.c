/*
 * bench/notify_c.c - the C side of bench/notify.lua.
 *
 *   notify_c target N      make N getppid() calls (raw syscalls), check that
 *                          each returned 4242 (the supervisor's reply), and
 *                          print the seconds the loop took.  The target
 *                          times itself, so every supervisor is measured the
 *                          same way.
 *   notify_c supervise N   the C baseline: a supervisor over libseccomp.  It
 *                          loads a filter that notifies getppid (it never
 *                          calls getppid itself), forks and execs
 *                          "notify_c target N", and answers each request
 *                          with seccomp_notify_receive/seccomp_notify_respond
 *                          (blocking receive, as plain C code would).
 *   notify_c supervise-sync N   the same, with the listener's synchronous
 *                          wake-ups on (SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP,
 *                          kernel >= 6.6; libseccomp has no call for it), as
 *                          lua-seccomp sets them: the like-for-like baseline.
 *                          Exits 3 where the kernel lacks them.
 *   notify_c supervise-poll N   blocking receive only after poll(2) reported a
 *                          request, as lua-seccomp's iterator does (so that it
 *                          never blocks in a receive that cannot complete):
 *                          the cost of that design, in C.
 *   notify_c supervise-poll-sync N   both: poll before each receive and
 *                          synchronous wake-ups, exactly what lua-seccomp's
 *                          iterator does by default - the like-for-like
 *                          baseline of requests() and serve.
 *   notify_c handover N CMD...   for bench/callgrind_notify.sh: a child loads
 *                          a filter that notifies getppid (with the
 *                          listener's synchronous wake-ups on), sends the
 *                          listener here and execs "notify_c target N";
 *                          this process then execs CMD with the listener's
 *                          number in NOTIFY_FD and the API level libseccomp
 *                          reports here in NOTIFY_API.  CMD can then run
 *                          under valgrind, which cannot load a filter.
 *   notify_c serve-fd N    the C+poll+sync loop over the listener NOTIFY_FD
 *                          (after handover): N requests.
 *
 * Build: cc -O2 -o notify_c bench/notify_c.c -lseccomp
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

#define REPLY 4242

static int target(long n)
{
    double t0 = now();
    long i;
    for (i = 0; i < n; i++)
        if (syscall(SYS_getppid) != REPLY) {
            fprintf(stderr, "notify_c target: call %ld was not answered with %d\n", i, REPLY);
            return 1;
        }
    printf("%.9f\n", now() - t0);
    return 0;
}

enum { SYNC = 1, POLL = 2 };

static int supervise(const char *self, long n, int how)
{
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    struct seccomp_notif *req;
    struct seccomp_notif_resp *resp;
    char arg[32];
    int fd, st, rc;
    long i;
    pid_t pid;
    if (ctx == NULL || seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(getppid), 0) != 0 ||
        seccomp_load(ctx) != 0 || (fd = seccomp_notify_fd(ctx)) < 0) {
        fprintf(stderr, "notify_c: cannot set up the filter\n");
        return 1;
    }
    if ((how & SYNC) && ioctl(fd, _IOW('!', 4, uint64_t), (uint64_t)1) != 0) {
        fprintf(stderr, "notify_c: no synchronous wake-ups here (kernel < 6.6?): %s\n", strerror(errno));
        return 3;
    }
    if (seccomp_notify_alloc(&req, &resp) != 0)
        return 1;
    snprintf(arg, sizeof arg, "%ld", n);
    pid = fork();
    if (pid == 0) {
        execl(self, self, "target", arg, (char *)NULL);
        _exit(127);
    }
    for (i = 0; i < n; i++) {
        if (how & POLL) {
            struct pollfd pf;
            pf.fd = fd;
            pf.events = POLLIN;
            pf.revents = 0;
            if (poll(&pf, 1, -1) != 1 || !(pf.revents & POLLIN)) {
                fprintf(stderr, "notify_c: poll: %s\n", strerror(errno));
                return 1;
            }
        }
        memset(req, 0, sizeof *req);
        if (seccomp_notify_receive(fd, req) != 0) {
            fprintf(stderr, "notify_c: receive: %s\n", strerror(errno));
            return 1;
        }
        memset(resp, 0, sizeof *resp);
        resp->id = req->id;
        resp->val = REPLY;
        rc = seccomp_notify_respond(fd, resp);
        if (rc != 0 && errno != ENOENT) {
            fprintf(stderr, "notify_c: respond: %s\n", strerror(errno));
            return 1;
        }
    }
    waitpid(pid, &st, 0);
    seccomp_notify_free(req, resp);
    seccomp_release(ctx);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}

/* The loop of supervise-poll-sync, over a listener made elsewhere. */
static int serve_fd(long n)
{
    const char *s = getenv("NOTIFY_FD");
    struct seccomp_notif *req;
    struct seccomp_notif_resp *resp;
    const char *api = getenv("NOTIFY_API");
    int fd = s ? atoi(s) : -1, st;
    long i;
    /* valgrind does not emulate seccomp(2): libseccomp would report API level 1 */
    if (api != NULL && seccomp_api_get() < (unsigned)atoi(api))
        seccomp_api_set((unsigned)atoi(api));
    /* seccomp_notify_alloc asks seccomp(2) for the sizes: ours are the kernel's here */
    req = calloc(1, sizeof *req);
    resp = calloc(1, sizeof *resp);
    if (fd < 0 || req == NULL || resp == NULL)
        return 1;
    for (i = 0; i < n; i++) {
        struct pollfd pf;
        pf.fd = fd;
        pf.events = POLLIN;
        pf.revents = 0;
        if (poll(&pf, 1, -1) != 1 || !(pf.revents & POLLIN))
            return 1;
        memset(req, 0, sizeof *req);
        if (seccomp_notify_receive(fd, req) != 0)
            return 1;
        memset(resp, 0, sizeof *resp);
        resp->id = req->id;
        resp->val = REPLY;
        if (seccomp_notify_respond(fd, resp) != 0 && errno != ENOENT)
            return 1;
    }
    free(req);
    free(resp);
    return wait(&st) > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : 1;
}

/* handover N CMD...: see the top of the file. */
static int handover(const char *self, long n, char **cmd)
{
    int sv[2], fd;
    char arg[32], buf[1], cbuf[CMSG_SPACE(sizeof(int))];
    struct iovec iov = { buf, 1 };
    struct msghdr mh;
    struct cmsghdr *c;
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
        return 1;
    memset(&mh, 0, sizeof mh);
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    mh.msg_control = cbuf;
    mh.msg_controllen = sizeof cbuf;
    snprintf(arg, sizeof arg, "%ld", n);
    if (fork() == 0) {
        scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
        if (ctx == NULL || seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(getppid), 0) != 0 ||
            seccomp_load(ctx) != 0 || (fd = seccomp_notify_fd(ctx)) < 0)
            _exit(1);
        ioctl(fd, _IOW('!', 4, uint64_t), (uint64_t)1); /* sync wake-ups where there are */
        buf[0] = 0;
        c = CMSG_FIRSTHDR(&mh);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(c), &fd, sizeof(int));
        if (sendmsg(sv[1], &mh, 0) != 1)
            _exit(1);
        close(fd);
        execl(self, self, "target", arg, (char *)NULL);
        _exit(127);
    }
    close(sv[1]);
    if (recvmsg(sv[0], &mh, 0) != 1 || (c = CMSG_FIRSTHDR(&mh)) == NULL || c->cmsg_type != SCM_RIGHTS) {
        fprintf(stderr, "notify_c: no listener from the child\n");
        return 1;
    }
    memcpy(&fd, CMSG_DATA(c), sizeof(int));
    snprintf(arg, sizeof arg, "%d", fd);
    setenv("NOTIFY_FD", arg, 1);
    snprintf(arg, sizeof arg, "%u", seccomp_api_get());
    setenv("NOTIFY_API", arg, 1);
    execvp(cmd[0], cmd);
    fprintf(stderr, "notify_c: cannot run %s: %s\n", cmd[0], strerror(errno));
    return 127;
}

int main(int argc, char **argv)
{
    long n = argc > 2 ? strtol(argv[2], NULL, 10) : 0;
    if (argc == 3 && strcmp(argv[1], "target") == 0)
        return target(n);
    if (argc == 3 && strcmp(argv[1], "supervise") == 0)
        return supervise(argv[0], n, 0);
    if (argc == 3 && strcmp(argv[1], "supervise-sync") == 0)
        return supervise(argv[0], n, SYNC);
    if (argc == 3 && strcmp(argv[1], "supervise-poll") == 0)
        return supervise(argv[0], n, POLL);
    if (argc == 3 && strcmp(argv[1], "supervise-poll-sync") == 0)
        return supervise(argv[0], n, POLL | SYNC);
    if (argc > 3 && strcmp(argv[1], "handover") == 0)
        return handover(argv[0], n, argv + 3);
    if (argc == 3 && strcmp(argv[1], "serve-fd") == 0)
        return serve_fd(n);
    fprintf(stderr, "usage: %s target|supervise|supervise-sync|supervise-poll|supervise-poll-sync|serve-fd N\n"
                    "       %s handover N CMD...\n", argv[0], argv[0]);
    return 2;
}
