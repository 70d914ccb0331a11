#!/usr/bin/env bash
# Installs what a user needs to build, install and test lua-seccomp with
# busted on Debian bookworm: Lua 5.4, libseccomp, LuaRocks, busted, a C
# toolchain (gcc's libasan and libubsan, for the test command's ASan/UBSan
# pass, come with build-essential).  ci/setup.sh and ci/test.sh both call
# it, so the test command installs nothing the set-up did not.  What only
# CI needs is installed by ci/deps-ci.sh, which .ci/run calls.
#
#   ci/deps.sh [PACKAGE...]     these packages too (ci/deps-ci.sh's way in)
#
# Idempotent: when every package is present apt is not run.  Otherwise apt's
# own output is shown (its download and set-up lines).
set -euo pipefail
pkgs=(build-essential cmake pkg-config lua5.4 liblua5.4-dev libseccomp-dev lua-busted luarocks
      git util-linux)
pkgs+=("$@")
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "deps: all ${#pkgs[@]} packages installed (${pkgs[*]})"
  exit 0
fi
echo "deps: installing ${#missing[@]} of ${#pkgs[@]} packages: ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -o Dpkg::Progress-Fancy=0 "${missing[@]}"
