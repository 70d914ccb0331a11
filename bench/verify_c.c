/*
 * bench/verify_c.c - the clock of bench/verify.lua (Lua has no sub-second
 * clock), and its C reference.
 *
 *   verify_c time CMD...   run CMD (fork + execvp + waitpid); print the
 *                          wall-clock seconds it took and the CPU seconds
 *                          (user + system) it and the children it waited
 *                          for used.
 *   verify_c fork M        M times fork, execve("/bin/true"), waitpid: the
 *                          bare C way to run a program; prints the same two
 *                          figures for the M runs.
 *
 * Build: cc -O2 -o verify_c bench/verify_c.c
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

static double tv(struct timeval t)
{
    return (double)t.tv_sec + (double)t.tv_usec * 1e-6;
}

/* CPU seconds of this process and its waited-for children so far. */
static double cpu(void)
{
    struct rusage self, kids;
    getrusage(RUSAGE_SELF, &self);
    getrusage(RUSAGE_CHILDREN, &kids);
    return tv(self.ru_utime) + tv(self.ru_stime) + tv(kids.ru_utime) + tv(kids.ru_stime);
}

int main(int argc, char **argv)
{
    double t0 = now(), c0 = cpu();
    if (argc == 3 && strcmp(argv[1], "fork") == 0) {
        long i, m = strtol(argv[2], NULL, 10);
        char *args[] = {"/bin/true", NULL};
        for (i = 0; i < m; i++)
            if (!run(args))
                return 1;
    } else if (argc >= 3 && strcmp(argv[1], "time") == 0) {
        if (!run(argv + 2))
            return 1;
    } else {
        fprintf(stderr, "usage: %s time CMD... | fork M\n", argv[0]);
        return 2;
    }
    printf("%.9f %.9f\n", now() - t0, cpu() - c0);
    return 0;
}
