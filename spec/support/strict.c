/* strict: print this process's pid, enter seccomp strict mode, say so, then
 * wait for a byte on stdin and exit.  The target of inspect_spec's cases on
 * a process in strict mode (where only read, write, _exit and sigreturn are
 * left, so the exit is the raw system call). */
#include <linux/seccomp.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
    char c;
    printf("%d\n", (int)getpid());
    fflush(stdout);
    if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT) != 0)
        return 1;
    if (write(1, "strict\n", 7) != 7 || read(0, &c, 1) < 0)
        syscall(SYS_exit, 2);
    syscall(SYS_exit, 0);
    return 0;
}
