#!/usr/bin/env bash
# What only CI needs, beyond a user's set-up (ci/deps.sh): .ci/run calls it
# after it has run the README's two commands; the test command (ci/test.sh)
# never does.
#
#   lua5.3 liblua5.3-dev        the Lua 5.3 configuration.  Installing lua5.3
#                               makes it Debian's `lua` (its alternative's
#                               priority is 120, 5.4's is 20): CI's business,
#                               not a user's test run's
#   clang clang-tidy libclang-rt-14-dev
#                               fuzz/ and ci/werror.sh (clang), ci/tidy.sh
#   valgrind                    ci/valgrind.sh
#   python3 python3-seccomp     specs that run python3 as a probe (pending
#                               without it, naming it); bench/notify.lua
#   lua-socket                  the cookbook's connect_to spec (pending
#                               without it, naming it)
#   podman runc busybox-static  specs that run containers (container_spec,
#                               runtime_matrix_spec: pending without them)
#   lua-luv                     ci/tsan.sh's lua-luv threads
#
# libseccomp 2.6.0 and 2.6.1 are fetched by ci/libseccomp26.sh into a private
# prefix.  A new CI-only package goes in the list below, with its reason here.
set -euo pipefail
exec bash "$(dirname "$0")/deps.sh" lua5.3 liblua5.3-dev clang clang-tidy libclang-rt-14-dev valgrind \
  python3 python3-seccomp lua-socket podman runc busybox-static lua-luv
