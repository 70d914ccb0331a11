/*
 * bench/common.h - what the C sides of the benchmarks share: the clock they
 * time with, and running a command to its end.
 */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Seconds on the monotonic clock. */
static inline double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* fork + execvp(argv) + waitpid: 1 when the command exited 0, else 0. */
static inline int run(char *const argv[])
{
    int st;
    pid_t pid = fork();
    if (pid == 0) {
        execvp(argv[0], argv);
        _exit(127);
    }
    return pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

#endif
