"""bench/notify.py - the python3-seccomp side of bench/notify.lua.

usage: python3 bench/notify.py NOTIFY_C N

python3-seccomp's receive_notify() reads libseccomp's per-process listener,
so the supervisor loads the filter itself (it never calls getppid), then
starts "NOTIFY_C target N" (which inherits the filter) and answers N
requests.  Prints the target's own timing of its loop.  Exits 3 when this
python3-seccomp has no notification API.
"""
import subprocess
import sys

import seccomp


def main():
    target, n = sys.argv[1], int(sys.argv[2])
    if not hasattr(seccomp.SyscallFilter, "receive_notify"):
        print("python3-seccomp has no receive_notify", file=sys.stderr)
        return 3
    f = seccomp.SyscallFilter(seccomp.ALLOW)
    f.add_rule(seccomp.NOTIFY, "getppid")
    f.load()
    p = subprocess.Popen([target, "target", str(n)], stdout=subprocess.PIPE)
    for _ in range(n):
        req = f.receive_notify()
        f.respond_notify(seccomp.NotificationResponse(req, val=4242, error=0, flags=0))
    out, _ = p.communicate()
    sys.stdout.write(out.decode())
    return p.returncode


if __name__ == "__main__":
    sys.exit(main())
