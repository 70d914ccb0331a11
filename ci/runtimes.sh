#!/usr/bin/env bash
# CI: the module's filters against the ones real runtimes install
# (spec/runtime_matrix_spec.lua in full, spec/container_spec.lua): Podman
# 4.3.1 with runc, runc alone on config.json bundles, and dockerd 20.10.24.
#
# Installs podman, runc and busybox-static if missing (they stay: the test
# suite uses them too), and, for the length of this script only, Debian's
# docker.io with containerd and tini (ci/dockerd.sh: a private dockerd,
# stopped and everything it made removed on every path, the packages purged
# when they were not installed before).  Then checks that nothing is left:
# no container under podman or runc, no dockerd, containerd or shim, no mount
# or directory of the private daemon, and that podman still runs a
# container after docker.io came and went.
#
# Prints the spec's closing lines ("runtimes: podman N runs, N vectors, 0
# differences, ...") and ends with "runtimes: N passed, N failed": the spec
# cases plus the checks; a pending case counts as failed here, since this
# script installs everything the specs need.  Needs root.
set -uo pipefail
cd "$(dirname "$0")/.."

passed=0 failed=0
check() { # title, then a command that must succeed
  local title=$1
  shift
  if "$@"; then
    echo "ok: $title"
    passed=$((passed + 1))
  else
    echo "FAILED: $title"
    failed=$((failed + 1))
  fi
}
finish() {
  echo "runtimes: $passed passed, $failed failed"
  [ "$failed" = 0 ]
  exit $?
}

if [ "$(id -u)" != 0 ]; then
  echo "runtimes.sh: needs root (podman, runc and dockerd run containers as root here)"
  failed=1
  finish
fi
bash ci/deps.sh podman runc busybox-static >/dev/null || { echo "runtimes.sh: installing podman, runc, busybox-static failed"; failed=1; finish; }

B=build-runtimes
if ! { cmake -S . -B "$B" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSECCOMP_WERROR=ON >/dev/null && cmake --build "$B" -j2 >/dev/null; }; then
  echo "runtimes.sh: the build failed"
  failed=1
  finish
fi

# what was there before, to tell what this run leaves behind
containers() { podman ps -a --format '{{.Names}}' 2>/dev/null | grep '^lua-seccomp-' | sort; }
runc_ids() { /usr/sbin/runc list -q 2>/dev/null | grep '^lua-seccomp-' | sort; }
before_podman=$(containers)
before_runc=$(runc_ids)

dir=""
stop_dockerd() {
  if [ -n "$dir" ]; then
    bash ci/dockerd.sh stop "$dir"
    local rc=$?
    dir=""
    return $rc
  fi
}
trap 'stop_dockerd >/dev/null 2>&1' EXIT
trap 'stop_dockerd >/dev/null 2>&1; exit 130' INT TERM

if dir=$(bash ci/dockerd.sh start); then
  check "a private dockerd started ($dir)" true
  export LUA_SECCOMP_DOCKER_HOST="unix://$dir/docker.sock"
else
  dir=""
  check "a private dockerd started (ci/dockerd.sh start failed)" false
fi

log=$(mktemp)
LUA_SECCOMP_RUNTIMES=full lua5.4 /usr/bin/busted --lpath='lua/?.lua;lua/?/init.lua;spec/?.lua' --cpath="$B/?.so" \
  spec/runtime_matrix_spec.lua spec/container_spec.lua >"$log" 2>&1
rc=$?
read -r s f e p < <(awk '/successes? \/ [0-9]+ failures? \/ [0-9]+ errors? \/ [0-9]+ pending/ { s += $1; f += $4; e += $7; p += $10 }
  END { printf "%d %d %d %d\n", s, f, e, p }' "$log")
grep -E '^runtimes: ' "$log"
if [ "$rc" != 0 ] || [ "$((f + e + p))" != 0 ]; then
  grep -E -A12 '^(Failure|Error|Pending) -> ' "$log" | head -n 150
fi
[ "$rc" = 0 ] || [ "$((f + e))" != 0 ] || e=1 # busted failed without a failing case
passed=$((passed + s)) failed=$((failed + f + e + p))
rm -f "$log"

had_dir=$dir
check "the private dockerd stopped, everything it made removed, docker.io purged if this run installed it" stop_dockerd
trap - EXIT INT TERM
leftover_procs() { [ -z "$had_dir" ] || ! grep -alsF "$had_dir/" /proc/[0-9]*/cmdline >/dev/null; }
check "no process of the private dockerd left" leftover_procs
check "no mount of it left" bash -c "! grep -qF '${had_dir:-/nonexistent}/' /proc/self/mounts"
check "no directory of it left" bash -c "[ -z '$had_dir' ] || [ ! -e '$had_dir' ]"
check "no container of the specs left under podman" test "$(containers)" = "$before_podman"
check "no container of the specs left under runc" test "$(runc_ids)" = "$before_runc"
podman_runs() {
  local root
  root=$(mktemp -d)
  mkdir -p "$root/bin" "$root/proc" "$root/dev" "$root/sys" "$root/tmp" && cp /bin/busybox "$root/bin/busybox"
  podman --runtime /usr/sbin/runc run --rm --net=none --ulimit nofile=20000:20000 --ulimit nproc=1000:1000 \
    --rootfs "$root" /bin/busybox true
  local rc=$?
  rm -rf "$root"
  return $rc
}
check "podman still runs a container after docker.io came and went" podman_runs
finish
