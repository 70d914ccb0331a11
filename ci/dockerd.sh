#!/usr/bin/env bash
# A private dockerd for spec/runtime_matrix_spec.lua's Docker runs (CI only).
#
#   dir=$(ci/dockerd.sh start)     prints the state directory; the daemon's
#                                  socket is unix://$dir/docker.sock
#   ci/dockerd.sh stop "$dir"      stops it and removes everything it made
#
# start installs Debian's docker.io (with containerd and tini, no recommends)
# if it is missing, and runs dockerd with its own --data-root, --exec-root,
# --pidfile, socket and an empty config file, no iptables, no bridge: it
# touches no other daemon and no network set-up.  stop removes the
# containers, stops the daemon (TERM, then KILL after 20 s) and every process
# left in its cgroup-less tree (containerd, shims), unmounts what is mounted
# under the state directory, deletes it, removes what dockerd makes outside it
# (/etc/docker, /run/docker, /run/containerd, the cgroups named docker) when
# it did not exist before start, and purges the packages start installed (and
# the docker group docker.io's postinst adds) so the machine is left as it was
# found.  A start that fails part way runs stop itself.  Exits non-zero on
# failure; stop prints what, if anything, it could not remove.
set -Eeuo pipefail

# What dockerd, containerd and docker.io's postinst make outside the state
# directory (dockerd 20.10's trust key in /etc/docker, its plugin directory,
# containerd 1.6's shim sockets under /run/containerd/s, the parent cgroups).
OUTSIDE=(/etc/docker/key.json /etc/docker /run/docker /run/containerd /var/lib/docker /var/lib/containerd)
PACKAGES=(docker.io containerd tini)

apt_get() {
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -y -q "$@"
}

installed() { # package: is it installed?
  [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}

cgroups() { # the cgroup directories named docker
  find /sys/fs/cgroup -maxdepth 2 -type d -name docker 2>/dev/null || true
}

start() {
  [ "$(id -u)" = 0 ] || { echo "dockerd.sh: needs root" >&2; exit 1; }
  local dir
  dir=$(mktemp -d /tmp/lsd.XXXXXX) # short: containerd's socket paths live under it
  chmod 700 "$dir"
  # from here on, a failure removes what was made
  trap 'echo "dockerd.sh: start failed; cleaning up" >&2; trap - ERR; stop "$dir" >&2 || true; exit 1' ERR INT TERM
  # what was there before, so that stop removes only what this run made
  for p in "${OUTSIDE[@]}"; do [ -e "$p" ] && echo "$p"; done >"$dir/before.paths" || true
  cgroups >"$dir/before.cgroups"
  if getent group docker >/dev/null; then echo yes; else echo no; fi >"$dir/before.group"
  : >"$dir/installed"
  local missing=()
  for p in "${PACKAGES[@]}"; do installed "$p" || missing+=("$p"); done
  if [ ${#missing[@]} -gt 0 ]; then
    printf '%s\n' "${missing[@]}" >"$dir/installed"
    apt_get install --no-install-recommends "${PACKAGES[@]}" >"$dir/apt.log" 2>&1 \
      || { apt_get update >>"$dir/apt.log" 2>&1 && apt_get install --no-install-recommends "${PACKAGES[@]}" >>"$dir/apt.log" 2>&1; }
  fi
  mkdir -p "$dir/data" "$dir/exec"
  echo '{}' >"$dir/daemon.json"
  # its own session, so stop can find every process it started
  setsid "${DOCKERD:-/usr/sbin/dockerd}" --config-file "$dir/daemon.json" --data-root "$dir/data" --exec-root "$dir/exec" \
    --pidfile "$dir/dockerd.pid" -H "unix://$dir/docker.sock" --iptables=false --ip-masq=false --bridge=none \
    --userland-proxy=false </dev/null >"$dir/dockerd.log" 2>&1 &
  echo $! >"$dir/session"
  local i
  for i in $(seq 1 120); do
    if docker_cli "$dir" version >/dev/null 2>&1; then break; fi
    if ! kill -0 "$(cat "$dir/session")" 2>/dev/null; then
      echo "dockerd.sh: dockerd exited:" >&2; tail -n 20 "$dir/dockerd.log" >&2; false
    fi
    sleep 0.5
  done
  docker_cli "$dir" version >/dev/null
  trap - ERR INT TERM
  echo "$dir"
}

docker_cli() { # dir, then docker's arguments: Debian's client for that daemon
  local dir=$1
  shift
  /usr/bin/docker -H "unix://$dir/docker.sock" "$@"
}

our_pids() { # dir: dockerd's session, and every process whose command line names dir (containerd, shims)
  local dir=$1 sid=""
  [ -f "$dir/session" ] && sid=$(cat "$dir/session")
  {
    [ -z "$sid" ] || ps -e -o pid=,sid= | awk -v s="$sid" '$2 == s { print $1 }' || true
    { grep -alsF "$dir/" /proc/[0-9]*/cmdline || true; } | sed -E 's|^/proc/([0-9]+)/cmdline$|\1|'
  } | sort -un | while read -r p; do if [ -d "/proc/$p" ]; then echo "$p"; fi; done
}

stop() {
  local dir=${1:?usage: dockerd.sh stop DIR}
  case $dir in /tmp/lsd.*) ;; *) echo "dockerd.sh: $dir is not a directory start made" >&2; exit 1 ;; esac
  [ -d "$dir" ] || { echo "dockerd.sh: no $dir"; return 0; }
  local sid="" left=0 i
  [ -f "$dir/session" ] && sid=$(cat "$dir/session")
  if [ -S "$dir/docker.sock" ]; then
    local ids
    ids=$(docker_cli "$dir" ps -aq 2>/dev/null || true)
    [ -z "$ids" ] || docker_cli "$dir" rm -f $ids >/dev/null 2>&1 || true
  fi
  if [ -n "$sid" ] && kill -0 "$sid" 2>/dev/null; then
    kill -TERM "$sid" 2>/dev/null || true
    for i in $(seq 1 40); do kill -0 "$sid" 2>/dev/null || break; sleep 0.5; done
  fi
  # what is left: containerd, shims
  local pids
  pids=$(our_pids "$dir")
  if [ -n "$pids" ]; then
    kill -TERM $pids 2>/dev/null || true
    for i in $(seq 1 20); do [ -n "$(our_pids "$dir")" ] || break; sleep 0.5; done
    pids=$(our_pids "$dir")
    [ -z "$pids" ] || kill -KILL $pids 2>/dev/null || true
    sleep 0.5
  fi
  # mounts under the state directory, deepest first
  local m
  while read -r m; do umount -l "$m" 2>/dev/null || true; done < <(awk -v d="$dir/" 'index($2, d) == 1 { print $2 }' /proc/self/mounts | sort -r)
  if [ -s "$dir/installed" ]; then
    # shellcheck disable=SC2046
    apt_get purge $(cat "$dir/installed") >"$dir/purge.log" 2>&1 || { echo "dockerd.sh: purge failed:" >&2; tail -n 20 "$dir/purge.log" >&2; left=1; }
  fi
  # what was made outside it
  if [ -f "$dir/before.paths" ]; then
    for p in "${OUTSIDE[@]}"; do
      grep -qxF "$p" "$dir/before.paths" || rm -rf "$p"
    done
  fi
  if [ -f "$dir/before.cgroups" ]; then
    while read -r m; do
      grep -qxF "$m" "$dir/before.cgroups" || find "$m" -depth -type d -exec rmdir {} + 2>/dev/null || true
    done < <(cgroups)
  fi
  if [ "$(cat "$dir/before.group" 2>/dev/null)" = no ] && getent group docker >/dev/null; then
    groupdel docker || { echo "dockerd.sh: could not remove the group docker" >&2; left=1; }
  fi
  # check
  pids=$(our_pids "$dir")
  if [ -n "$pids" ]; then echo "dockerd.sh: processes left: $pids" >&2; left=1; fi
  if awk -v d="$dir/" 'index($2, d) == 1 { f = 1 } END { exit !f }' /proc/self/mounts; then
    echo "dockerd.sh: mounts left under $dir" >&2; left=1
  fi
  rm -rf "$dir" || { echo "dockerd.sh: could not remove $dir" >&2; left=1; }
  return $left
}

case ${1:-} in
  start) start ;;
  stop) stop "${2:-}" ;;
  *) echo "usage: dockerd.sh start | stop DIR" >&2; exit 2 ;;
esac
