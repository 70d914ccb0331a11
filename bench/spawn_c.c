/*
 * bench/spawn_c.c - the C side of bench/spawn.lua.
 *
 *   spawn_c fork M        M times: fork, execve("/bin/true"), waitpid - the
 *                         bare baseline; prints the seconds it took.
 *   spawn_c vfork M       the same with vfork (for reference: spawn uses a
 *                         vfork-like clone when the filter has no notify rules).
 *   spawn_c time CMD...   run CMD (fork + execvp + waitpid) and print the
 *                         wall-clock seconds it took (Lua has no
 *                         sub-second clock, so the Lua side is timed from
 *                         here).
 *
 * Build: cc -O2 -o spawn_c bench/spawn_c.c
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
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
    if (argc >= 3 && strcmp(argv[1], "time") == 0) {
        t0 = now();
        pid = fork();
        if (pid == 0) {
            execvp(argv[2], argv + 2);
            _exit(127);
        }
        if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
            return 1;
        printf("%.9f\n", now() - t0);
        return 0;
    }
    fprintf(stderr, "usage: %s fork M | vfork M | time CMD...\n", argv[0]);
    return 2;
}
