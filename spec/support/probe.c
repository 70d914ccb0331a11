/* probe NR [ARG...]: make system call NR with up to six arguments (decimal
 * or 0x hex, 64-bit) and print "result errno".  The specs run it under a
 * filter to see what the kernel answers for a call with given arguments.
 *
 * probe -32 NR [ARG...] (x86_64 only): the same through int $0x80, the
 * i386 entry, from this 64-bit process: NR is an i386 number and the six
 * arguments go whole into rbx, rcx, rdx, rsi, rdi and rbp, high words
 * included (what a 32-bit task cannot do, and 64-bit code can). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__x86_64__)
static long int80(long nr, const unsigned long long a[6])
{
    long ret;
    register unsigned long long r8 __asm__("r8") = a[5];
    /* rbp carries the sixth argument; the red zone below rsp is skipped
     * before anything is pushed */
    __asm__ volatile("sub $128, %%rsp\n\t"
                     "push %%rbp\n\t"
                     "mov %%r8, %%rbp\n\t"
                     "int $0x80\n\t"
                     "pop %%rbp\n\t"
                     "add $128, %%rsp"
                     : "=a"(ret)
                     : "a"(nr), "b"(a[0]), "c"(a[1]), "d"(a[2]), "S"(a[3]), "D"(a[4]), "r"(r8)
                     : "memory", "cc");
    return (long)(int)ret; /* the i386 entry returns a 32-bit value */
}
#endif

int main(int argc, char **argv)
{
    unsigned long long a[6] = {0, 0, 0, 0, 0, 0};
    long nr, r;
    int i, first = 1, i386 = 0;
    if (argc > 1 && strcmp(argv[1], "-32") == 0) {
        i386 = 1;
        first = 2;
    }
    if (argc < first + 1 || argc > first + 7) {
        fprintf(stderr, "usage: probe [-32] NR [ARG...]\n");
        return 2;
    }
    nr = strtol(argv[first], NULL, 0);
    for (i = first + 1; i < argc; i++)
        a[i - first - 1] = strtoull(argv[i], NULL, 0);
    errno = 0;
    if (i386) {
#if defined(__x86_64__)
        r = int80(nr, a);
        if (r < 0 && r >= -4095) {
            errno = (int)-r;
            r = -1;
        }
#else
        fprintf(stderr, "probe: -32 needs x86_64\n");
        return 2;
#endif
    } else {
        r = syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
    }
    printf("%ld %d\n", r, r < 0 ? errno : 0);
    return 0;
}
