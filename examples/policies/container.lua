-- examples/policies/container.lua: a default profile for the processes of a
-- container, of the size container runtimes ship.
--
-- An allow-list: what an ordinary service, shell or build needs to run is
-- allowed; everything else fails with EPERM, so a program that probes for a
-- feature gets an error it can handle instead of being killed. What is left
-- out is what reaches past the container: the host's kernel state (modules,
-- clock, swap, reboot, keyrings), mounts and namespaces, tracing and other
-- processes' memory, the kernel's own program loaders (bpf, perf, io_uring),
-- and old interfaces nobody should need any more.
--
-- Three arches: x86_64, plus the two ABIs an x86_64 kernel also runs (32-bit
-- x86 programs and x32). A call from any other arch gets the bad-arch
-- action (the process is killed). Every rule below applies to the three;
-- a name an arch does not have is simply absent there (arch_prctl on x86,
-- the *64 and *32 compatibility calls on x86_64 and x32).
--
-- Conditional rules (at the end): clone may not create namespaces,
-- personality may only select the Linux personalities, socket only opens
-- the address families a service uses.

local allow = {
  -- reading and writing through descriptors
  "read", "write", "readv", "writev", "pread64", "pwrite64", "preadv", "pwritev",
  "preadv2", "pwritev2", "lseek", "_llseek", "sendfile", "sendfile64", "splice", "tee",
  "vmsplice", "copy_file_range", "readahead",

  -- opening, closing and duplicating descriptors
  "open", "openat", "openat2", "creat", "close", "close_range", "dup", "dup2", "dup3",
  "fcntl", "fcntl64", "flock", "ioctl", "pipe", "pipe2",

  -- flushing and sizing files
  "fsync", "fdatasync", "sync", "syncfs", "sync_file_range", "truncate", "ftruncate",
  "truncate64", "ftruncate64", "fallocate", "fadvise64", "fadvise64_64",

  -- looking at files and directories
  "stat", "fstat", "lstat", "newfstatat", "statx", "stat64", "fstat64", "lstat64",
  "fstatat64", "statfs", "fstatfs", "statfs64", "fstatfs64", "access", "faccessat",
  "faccessat2", "readlink", "readlinkat", "getdents", "getdents64", "getcwd", "chdir",
  "fchdir",

  -- changing the tree: names, modes, owners, times
  "mkdir", "mkdirat", "rmdir", "rename", "renameat", "renameat2", "link", "linkat",
  "symlink", "symlinkat", "unlink", "unlinkat", "mknod", "mknodat", "chmod", "fchmod",
  "fchmodat", "fchmodat2", "chown", "fchown", "lchown", "fchownat", "chown32",
  "fchown32", "lchown32", "umask", "utime", "utimes", "futimesat", "utimensat",
  "utimensat_time64",

  -- extended attributes
  "getxattr", "lgetxattr", "fgetxattr", "setxattr", "lsetxattr", "fsetxattr",
  "listxattr", "llistxattr", "flistxattr", "removexattr", "lremovexattr",
  "fremovexattr",

  -- change notification and waiting on many descriptors
  "inotify_init", "inotify_init1", "inotify_add_watch", "inotify_rm_watch",
  "poll", "ppoll", "ppoll_time64", "select", "_newselect", "pselect6",
  "pselect6_time64", "epoll_create", "epoll_create1", "epoll_ctl", "epoll_wait",
  "epoll_pwait", "epoll_pwait2", "eventfd", "eventfd2",

  -- memory of the process itself
  "brk", "mmap", "mmap2", "munmap", "mremap", "mprotect", "msync", "mincore",
  "madvise", "mlock", "mlock2", "munlock", "mlockall", "munlockall", "membarrier",
  "memfd_create", "remap_file_pages", "pkey_alloc", "pkey_free", "pkey_mprotect",
  "map_shadow_stack", "cachestat",

  -- starting, ending and waiting for processes (clone: see the rules)
  "fork", "vfork", "execve", "execveat", "exit", "exit_group", "wait4", "waitid",
  "waitpid", "set_tid_address", "set_robust_list", "get_robust_list", "rseq",
  "restart_syscall",

  -- thread-local storage and per-process switches
  "arch_prctl", "set_thread_area", "get_thread_area", "prctl",

  -- who we are, and becoming someone else within the container's user map
  "getpid", "getppid", "gettid", "getpgid", "setpgid", "getpgrp", "getsid", "setsid",
  "getuid", "geteuid", "getgid", "getegid", "getresuid", "getresgid", "getgroups",
  "setuid", "setgid", "setreuid", "setregid", "setresuid", "setresgid", "setgroups",
  "setfsuid", "setfsgid", "getuid32", "geteuid32", "getgid32", "getegid32",
  "getresuid32", "getresgid32", "getgroups32", "setuid32", "setgid32", "setreuid32",
  "setregid32", "setresuid32", "setresgid32", "setgroups32", "setfsuid32",
  "setfsgid32", "capget", "capset",

  -- signals
  "kill", "tkill", "tgkill", "rt_sigaction", "rt_sigprocmask", "rt_sigreturn",
  "rt_sigpending", "rt_sigtimedwait", "rt_sigtimedwait_time64", "rt_sigqueueinfo",
  "rt_tgsigqueueinfo", "rt_sigsuspend", "sigaltstack", "signalfd", "signalfd4",
  "sigaction", "sigprocmask", "sigreturn", "sigsuspend", "sigpending", "signal",
  "pause", "pidfd_open", "pidfd_send_signal",

  -- scheduling, priorities and limits
  "sched_yield", "sched_getaffinity", "sched_setaffinity", "sched_getparam",
  "sched_setparam", "sched_getscheduler", "sched_setscheduler", "sched_getattr",
  "sched_setattr", "sched_get_priority_max", "sched_get_priority_min",
  "sched_rr_get_interval", "sched_rr_get_interval_time64", "getpriority",
  "setpriority", "nice", "ioprio_get", "ioprio_set", "getrlimit", "setrlimit",
  "ugetrlimit", "prlimit64", "getrusage", "times", "getcpu",

  -- clocks and timers (reading the clock, never setting it)
  "clock_gettime", "clock_gettime64", "clock_getres", "clock_getres_time64",
  "clock_nanosleep", "clock_nanosleep_time64", "nanosleep", "gettimeofday", "time",
  "alarm", "getitimer", "setitimer", "timer_create", "timer_settime",
  "timer_settime64", "timer_gettime", "timer_gettime64", "timer_getoverrun",
  "timer_delete", "timerfd_create", "timerfd_settime", "timerfd_settime64",
  "timerfd_gettime", "timerfd_gettime64",

  -- futexes
  "futex", "futex_time64", "futex_waitv", "futex_wait", "futex_wake", "futex_requeue",

  -- sockets (socket itself: see the rules); on x86 these also pass through
  -- socketcall, which libseccomp routes to the same rules
  "socketpair", "bind", "connect", "listen", "accept", "accept4", "getsockname",
  "getpeername", "sendto", "recvfrom", "sendmsg", "recvmsg", "sendmmsg", "recvmmsg",
  "recvmmsg_time64", "shutdown", "setsockopt", "getsockopt",

  -- System V and POSIX IPC (namespaced with the container)
  "shmget", "shmat", "shmdt", "shmctl", "semget", "semop", "semtimedop",
  "semtimedop_time64", "semctl", "msgget", "msgsnd", "msgrcv", "msgctl", "mq_open",
  "mq_unlink", "mq_timedsend", "mq_timedsend_time64", "mq_timedreceive",
  "mq_timedreceive_time64", "mq_notify", "mq_getsetattr",

  -- asynchronous I/O (the old interface; io_uring is left out)
  "io_setup", "io_destroy", "io_submit", "io_cancel", "io_getevents",
  "io_pgetevents", "io_pgetevents_time64",

  -- the rest of what libraries call at start-up or now and then
  "uname", "sysinfo", "getrandom",

  -- a process may confine itself further
  "seccomp", "landlock_create_ruleset", "landlock_add_rule", "landlock_restrict_self",
}

-- The namespace flags of clone(2): a new mount, cgroup, UTS, IPC, user, PID
-- or network namespace. CLONE_NEWTIME (0x80) is not among them: clone()
-- reads those bits as the exit signal, and only clone3 and unshare take it.
local CLONE_NEWNS     = 0x00020000
local CLONE_NEWCGROUP = 0x02000000
local CLONE_NEWUTS    = 0x04000000
local CLONE_NEWIPC    = 0x08000000
local CLONE_NEWUSER   = 0x10000000
local CLONE_NEWPID    = 0x20000000
local CLONE_NEWNET    = 0x40000000
local NEW_NAMESPACES = CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC
  | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET

-- personality(2) takes an unsigned int: the kernel ignores the upper half
-- of the register, so the tests look at the lower 32 bits only.
local PER_LINUX   = 0x0000
local PER_LINUX32 = 0x0008
local PER_QUERY   = 0xffffffff -- returns the current personality, changes nothing

-- Address families socket(2) may open.
local AF_UNIX, AF_INET, AF_INET6, AF_NETLINK = 1, 2, 10, 16

return {
  default = "errno(EPERM)",
  arches = { "x86_64", "x86", "x32" },
  allow = allow,
  rules = {
    -- threads and processes, but no new namespaces: all seven flags clear
    { action = "allow", syscall = "clone", args = { { 0, "&=", NEW_NAMESPACES, 0 } } },
    -- clone3 passes its flags in memory, where a filter cannot look: ENOSYS
    -- makes the C library fall back to clone, which the rule above checks
    { action = "errno(ENOSYS)", syscall = "clone3" },

    -- the native personality, the 32-bit one (setarch i686, linux32), and
    -- the query; not the flags that turn off address space randomisation
    { action = "allow", syscall = "personality", args = { { 0, "&=", 0xffffffff, PER_LINUX } } },
    { action = "allow", syscall = "personality", args = { { 0, "&=", 0xffffffff, PER_LINUX32 } } },
    { action = "allow", syscall = "personality", args = { { 0, "&=", 0xffffffff, PER_QUERY } } },

    -- local sockets, IPv4, IPv6 and netlink (how programs ask for their
    -- addresses and routes); every other family, AF_PACKET (raw frames),
    -- AF_VSOCK (a way out to the host of a virtual machine), AF_BLUETOOTH...,
    -- fails with EPERM.
    --
    -- On x86 a 32-bit program may also reach socket through socketcall,
    -- whose arguments lie in memory where no filter can read them:
    -- libseccomp then lets socketcall(SYS_SOCKET) through for every family,
    -- which is more than these rules allow, so f:verify() rejects its
    -- program. Set attrs.widen_multiplexed = true to accept that widening
    -- (as the profiles of container runtimes do, allowing socketcall
    -- whole), or leave x86 out of `arches`.
    { action = "allow", syscall = "socket", args = { { 0, "==", AF_UNIX } } },
    { action = "allow", syscall = "socket", args = { { 0, "==", AF_INET } } },
    { action = "allow", syscall = "socket", args = { { 0, "==", AF_INET6 } } },
    { action = "allow", syscall = "socket", args = { { 0, "==", AF_NETLINK } } },
  },
}
