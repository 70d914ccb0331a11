#!/usr/bin/env bash
# What the test suite and CI need beyond a user's set-up (ci/deps.sh): Lua 5.3
# (the suite runs on it too; installing it points Debian's `lua` at 5.3),
# clang and its runtime (fuzz/), clang-tidy (ci/tidy.sh), valgrind (ci/valgrind.sh), python3 and
# python3-seccomp (a policy example's probe, bench/notify.lua), lua-socket (a cookbook recipe), podman, runc
# and busybox-static (spec/container_spec.lua runs containers: pending without them).  libseccomp
# 2.6.0 from Debian trixie is fetched separately by ci/libseccomp26.sh.
set -euo pipefail
exec bash "$(dirname "$0")/deps.sh" clang clang-tidy libclang-rt-14-dev lua5.3 liblua5.3-dev valgrind \
  python3 python3-seccomp lua-socket podman runc busybox-static
