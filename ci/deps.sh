#!/usr/bin/env bash
# Installs what a user needs to build, install and test lua-seccomp with
# busted on Debian bookworm: Lua 5.4, libseccomp, LuaRocks, busted, a C
# toolchain.  What only CI needs (Lua 5.3, clang, valgrind, python3-seccomp)
# is installed by ci/deps-ci.sh.
# Idempotent: packages already present are skipped without touching apt.
set -euo pipefail
pkgs=(build-essential cmake pkg-config lua5.4 liblua5.4-dev libseccomp-dev lua-busted luarocks
      git util-linux)
pkgs+=("$@")
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
