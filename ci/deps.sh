#!/usr/bin/env bash
# Installs what building and testing lua-seccomp needs on Debian bookworm.
# Idempotent: packages already present are skipped without touching apt.
set -euo pipefail
pkgs=(build-essential cmake pkg-config clang libclang-rt-14-dev lua5.4 liblua5.4-dev lua5.3 liblua5.3-dev
      libseccomp-dev lua-busted luarocks valgrind python3 python3-seccomp util-linux
      lua-socket)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
