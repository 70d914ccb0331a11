/*
 * kabi.h - the kernel ABI the core speaks, in one place: the limits of a
 * classic-BPF seccomp program, the SECCOMP_RET_* return values, and (for the
 * plain-C parts) the few compiler attributes they share.  Values are spelled
 * out rather than taken from <linux/seccomp.h>: old kernel headers lack
 * KILL_PROCESS, LOG, USER_NOTIF and ACTION_FULL.  Plain C, no Lua: bpf.c
 * and the fuzz targets include it without an interpreter.
 */
#ifndef SC_KABI_H
#define SC_KABI_H

#include <stdint.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#define BPF_SC_MAXINSNS 4096
#define BPF_SC_DATA_SIZE 64 /* sizeof(struct seccomp_data) */
#define BPF_SC_MEMWORDS 16

/* seccomp return values, spelled out here rather than taken from
 * <linux/seccomp.h>: old kernel headers lack KILL_PROCESS, LOG, USER_NOTIF
 * and ACTION_FULL. */
#define BPF_SC_RET_KILL_PROCESS 0x80000000u
#define BPF_SC_RET_KILL_THREAD 0x00000000u
#define BPF_SC_RET_TRAP 0x00030000u
#define BPF_SC_RET_ERRNO 0x00050000u
#define BPF_SC_RET_USER_NOTIF 0x7fc00000u
#define BPF_SC_RET_TRACE 0x7ff00000u
#define BPF_SC_RET_LOG 0x7ffc0000u
#define BPF_SC_RET_ALLOW 0x7fff0000u
#define BPF_SC_RET_ACTION_FULL 0xffff0000u
#define BPF_SC_RET_DATA 0x0000ffffu

/* compile-time check of the seccomp_data layout we emulate */
typedef char bpf_sc_data_size_check[sizeof(struct seccomp_data) == BPF_SC_DATA_SIZE ? 1 : -1];

/* ---- seccomp(2) and prctl(2): operations, modes and filter flags ---- */
#ifndef SECCOMP_SET_MODE_FILTER
#define SECCOMP_SET_MODE_FILTER 1
#endif
#define SC_FLAG_TSYNC (1u << 0)
#define SC_FLAG_LOG (1u << 1)
#define SC_FLAG_SPEC_ALLOW (1u << 2)
#define SC_FLAG_NEW_LISTENER (1u << 3)
#define SC_FLAG_TSYNC_ESRCH (1u << 4)
#define SC_FLAG_WAIT_KILLABLE_RECV (1u << 5)
#ifndef PR_SET_NO_NEW_PRIVS
#define PR_SET_NO_NEW_PRIVS 38
#endif
#ifndef PR_SET_SECCOMP
#define PR_SET_SECCOMP 22
#endif
#define SC_MODE_FILTER 2

/* ---- user notification (linux/seccomp.h, fixed since 5.0 / 5.9 / 5.14) ---- */

struct sc_notif_data {
    int32_t nr;
    uint32_t arch;
    uint64_t ip;
    uint64_t args[6];
};

struct sc_notif {
    uint64_t id;
    uint32_t pid;
    uint32_t flags;
    struct sc_notif_data data;
};

struct sc_notif_resp {
    uint64_t id;
    int64_t val;
    int32_t error;
    uint32_t flags;
};

struct sc_notif_addfd {
    uint64_t id;
    uint32_t flags;
    uint32_t srcfd;
    uint32_t newfd;
    uint32_t newfd_flags;
};

struct sc_notif_sizes {
    uint16_t notif, resp, data;
};

/* C99 static assertions: the layouts are the kernel's. */
typedef char sc_assert_notif[sizeof(struct sc_notif) == 80 ? 1 : -1];
typedef char sc_assert_resp[sizeof(struct sc_notif_resp) == 24 ? 1 : -1];
typedef char sc_assert_addfd[sizeof(struct sc_notif_addfd) == 24 ? 1 : -1];

#define SC_IOCTL_RECV _IOWR('!', 0, struct sc_notif)
#define SC_IOCTL_SEND _IOWR('!', 1, struct sc_notif_resp)
/* ID_VALID was first defined with the wrong direction (_IOR); every kernel
 * since 5.0 still accepts that number, only >= 5.8 the corrected one. */
#define SC_IOCTL_ID_VALID _IOR('!', 2, uint64_t)
#define SC_IOCTL_ADDFD _IOW('!', 3, struct sc_notif_addfd)
#define SC_IOCTL_SET_FLAGS _IOW('!', 4, uint64_t) /* kernel >= 6.6 */
#define SC_FD_SYNC_WAKE_UP 1u

#define SC_GET_NOTIF_SIZES 3u
#define SC_NOTIF_FLAG_CONTINUE 1u
#define SC_ADDFD_FLAG_SETFD 1u
#define SC_ADDFD_FLAG_SEND 2u
#define SC_X32_SYSCALL_BIT 0x40000000

/* system calls newer than some C libraries' headers (the numbers every arch
 * of the unified table shares since Linux 5.1), and close_range's flag */
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_close_range
#define SYS_close_range 436
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif
#define SC_CLOSE_RANGE_CLOEXEC (1u << 2)

/* ---- ptrace(2): reading another process's filters (seccomp.dump) ---- */
/* Raw request numbers (used through syscall(SYS_ptrace, ...)): the C
 * library's names are enum constants, which no #ifdef can test. */
#define SC_PTRACE_DETACH 17
#define SC_PTRACE_SEIZE 0x4206
#define SC_PTRACE_INTERRUPT 0x4207
#define SC_PTRACE_SECCOMP_GET_FILTER 0x420c /* Linux 4.4, CONFIG_CHECKPOINT_RESTORE */
#define SC_PTRACE_EVENT_STOP 128
/* The kernel's bound on the instructions of all a task's filters together
 * (MAX_INSNS_PER_PATH, counting 4 more for each filter but the newest). */
#define SC_MAX_INSNS_PER_PATH 32768
#define SC_MAX_FILTERS_PER_TASK (1 + (SC_MAX_INSNS_PER_PATH - 1) / 5)

#if defined(__GNUC__) || defined(__clang__)
#define BPF_THREAD_LOCAL __thread
#define BPF_MAYBE_UNUSED __attribute__((unused))
#define BPF_LIKELY(x) __builtin_expect(!!(x), 1)
#define BPF_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define BPF_THREAD_LOCAL
#define BPF_MAYBE_UNUSED
#define BPF_LIKELY(x) (x)
#define BPF_UNLIKELY(x) (x)
#endif

#endif /* SC_KABI_H */
