/* probe NR [ARG...]: make system call NR with up to six arguments (decimal
 * or 0x hex, 64-bit) and print "result errno".  The specs run it under a
 * filter to see what the kernel answers for a call with given arguments. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    unsigned long long a[6] = {0, 0, 0, 0, 0, 0};
    long nr, r;
    int i;
    if (argc < 2 || argc > 8) {
        fprintf(stderr, "usage: probe NR [ARG...]\n");
        return 2;
    }
    nr = strtol(argv[1], NULL, 0);
    for (i = 2; i < argc; i++)
        a[i - 2] = strtoull(argv[i], NULL, 0);
    errno = 0;
    r = syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
    printf("%ld %d\n", r, r < 0 ? errno : 0);
    return 0;
}
