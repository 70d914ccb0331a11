/* calls [-catch] [-block] CALL...: make each CALL, "NR[,ARG...]" (up to six
 * arguments, decimal or 0x hex, 64-bit), in turn and print "result errno"
 * for each.  -catch installs a SIGSYS handler first (it prints "caught"),
 * -block blocks SIGSYS.  The specs run it under a filter to see what the
 * kernel answers, and which call a filter kills, with known arguments. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static void caught(int sig)
{
    (void)sig;
    (void)!write(1, "caught\n", 7);
}

int main(int argc, char **argv)
{
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "-catch") == 0) {
            signal(SIGSYS, caught);
        } else if (strcmp(argv[i], "-block") == 0) {
            sigset_t m;
            sigemptyset(&m);
            sigaddset(&m, SIGSYS);
            sigprocmask(SIG_BLOCK, &m, NULL);
        } else {
            fprintf(stderr, "usage: calls [-catch] [-block] NR[,ARG...]...\n");
            return 2;
        }
    }
    for (; i < argc; i++) {
        unsigned long long a[6] = {0, 0, 0, 0, 0, 0};
        char *p = argv[i];
        long nr = strtol(p, &p, 0), r;
        int k = 0;
        while (*p == ',' && k < 6)
            a[k++] = strtoull(p + 1, &p, 0);
        errno = 0;
        r = syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
        printf("%ld %d\n", r, r < 0 ? errno : 0);
        fflush(stdout);
    }
    return 0;
}
