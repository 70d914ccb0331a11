/*
 * bench/spawn_c.c - the C side of bench/spawn.lua.
 *
 *   spawn_c fork M        M times: fork, execve("/bin/true"), waitpid - the
 *                         bare baseline; prints the seconds it took.
 *   spawn_c vfork M       the same with vfork (for reference: spawn uses a
 *                         vfork-like clone when the filter has no notify rules).
 *   spawn_c seccomp M PROG   the fair baseline of spawn without a listener: M
 *                         times fork, PR_SET_NO_NEW_PRIVS, seccomp(2) of the
 *                         BPF program in file PROG (as f:export_bpf() writes
 *                         it), execve("/bin/true"), waitpid.
 *   spawn_c notify M PROG    the fair baseline of spawn with a listener: the
 *                         same with SECCOMP_FILTER_FLAG_NEW_LISTENER, and the
 *                         listener handed to the parent before the exec (the
 *                         child publishes its number in a shared page, the
 *                         parent takes it with pidfd_getfd and lets the child
 *                         go on: the filter may refuse sendmsg and write).
 *   spawn_c time CMD...   run CMD (fork + execvp + waitpid) and print the
 *                         wall-clock seconds it took (Lua has no
 *                         sub-second clock, so the Lua side is timed from
 *                         here).
 *
 * Build: cc -O2 -o spawn_c bench/spawn_c.c
 */
#define _GNU_SOURCE
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "../src/kabi.h" /* the syscall numbers older C libraries lack */

extern char **environ;

static struct sock_fprog load_prog(const char *path)
{
    static struct sock_filter insns[4096];
    struct sock_fprog p = {0, insns};
    FILE *f = fopen(path, "rb");
    size_t n;
    if (f == NULL) {
        perror(path);
        exit(1);
    }
    n = fread(insns, sizeof insns[0], 4096, f);
    fclose(f);
    p.len = (unsigned short)n;
    return p;
}

/* fork + NNP + seccomp(prog) [+ listener handover] + exec, M times */
static int filtered(long m, const char *path, int listener)
{
    struct sock_fprog prog = load_prog(path);
    volatile int *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    char *args[] = {"/bin/true", NULL};
    double t0 = now();
    long i;
    if (page == MAP_FAILED)
        return 1;
    for (i = 0; i < m; i++) {
        int st;
        pid_t pid;
        page[0] = 0; /* 1: listener installed (number in page[1]); 2: taken */
        pid = fork();
        if (pid == 0) {
            long rc;
            if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
                _exit(126);
            rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
                         listener ? SECCOMP_FILTER_FLAG_NEW_LISTENER : 0, &prog);
            if (rc < 0)
                _exit(125);
            if (listener) {
                page[1] = (int)rc;
                __atomic_store_n(&page[0], 1, __ATOMIC_RELEASE);
                while (__atomic_load_n(&page[0], __ATOMIC_ACQUIRE) != 2) {
#if defined(__x86_64__) || defined(__i386__)
                    __builtin_ia32_pause();
#endif
                }
            }
            execve(args[0], args, environ);
            _exit(127);
        }
        if (pid < 0)
            return 1;
        if (listener) {
            int pidfd = (int)syscall(SYS_pidfd_open, pid, 0), lfd;
            while (__atomic_load_n(&page[0], __ATOMIC_ACQUIRE) != 1)
                sched_yield();
            lfd = (int)syscall(SYS_pidfd_getfd, pidfd, page[1], 0);
            __atomic_store_n(&page[0], 2, __ATOMIC_RELEASE);
            if (lfd < 0 || pidfd < 0)
                return 1;
            close(lfd);
            close(pidfd);
        }
        if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
            return 1;
    }
    printf("%.9f\n", now() - t0);
    return 0;
}

int main(int argc, char **argv)
{
    double t0;
    int st;
    pid_t pid;
    if (argc == 3 && (strcmp(argv[1], "fork") == 0 || strcmp(argv[1], "vfork") == 0)) {
        long i, m = strtol(argv[2], NULL, 10);
        int use_vfork = argv[1][0] == 'v';
        char *args[] = {"/bin/true", NULL};
        t0 = now();
        for (i = 0; i < m; i++) {
            pid = use_vfork ? vfork() : fork();
            if (pid == 0) {
                execve(args[0], args, environ);
                _exit(127);
            }
            if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
                return 1;
        }
        printf("%.9f\n", now() - t0);
        return 0;
    }
    if (argc == 4 && (strcmp(argv[1], "seccomp") == 0 || strcmp(argv[1], "notify") == 0))
        return filtered(strtol(argv[2], NULL, 10), argv[3], argv[1][0] == 'n');
    if (argc >= 3 && strcmp(argv[1], "time") == 0) {
        t0 = now();
        if (!run(argv + 2))
            return 1;
        printf("%.9f\n", now() - t0);
        return 0;
    }
    fprintf(stderr, "usage: %s fork M | vfork M | seccomp M PROG | notify M PROG | time CMD...\n", argv[0]);
    return 2;
}
