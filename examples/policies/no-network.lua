-- examples/policies/no-network.lua: a tool that must not touch the network.
-- A deny-list: everything is allowed but the calls that reach a network, and
-- those fail with an errno, so the tool reports "Permission denied" instead
-- of dying.
return {
  default = "allow",
  rules = {
    -- no new sockets but local ones: AF_UNIX (1) is how programs talk to
    -- local daemons, and it stays
    { action = "errno(EACCES)", syscall = "socket", args = { "arg0 != 1" } },
    -- io_uring can create sockets and connect without a socket() call
    { action = "errno(ENOSYS)", syscalls = { "io_uring_setup", "io_uring_enter", "io_uring_register" } },
  },
}
