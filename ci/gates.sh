#!/usr/bin/env bash
# Every gate is real.  The core compiles each optional part of libseccomp
# under one gate (src/compat.h SC_GATE_*, the arch table in src/core.h), and
# every gate can be forced off at build time with -DSC_FORCE_OFF_<NAME>.
# For each gate (every SC_FORCE_OFF_<NAME> in src/), this script
#
#   1. runs the gate's spec (spec/gates_spec.lua, "gate <NAME>: ...") against
#      the normal build: it must pass there, or be pending (the gate is off in
#      this configuration: the headers or the library lack it);
#   2. where it passed, builds the module with the gate forced off and runs the
#      spec again: it must FAIL (a gate compiled out by mistake is caught).
#
# Two configurations: the system's libseccomp, and libseccomp 2.6 from Debian
# (ci/libseccomp26.sh, in build-ci/libseccomp-2.6), where the 2.6 gates are
# on (a gate checked in the first is not checked again in the second).  A
# gate passes when it was checked in a configuration and nothing went wrong;
# a gate that no configuration has on fails.
#
#   ci/gates.sh                 both configurations
#   GATES_26=0 ci/gates.sh      the system's libseccomp only
#
# Builds go to build-gates/ (Debug, -Werror, no fault interposer).  Ends with
# a line "gates: N passed, N failed" (one case per gate).
set -uo pipefail
cd "$(dirname "$0")/.."
B=build-gates
mkdir -p "$B"

mapfile -t GATES < <(grep -ohE 'defined\(SC_FORCE_OFF_[A-Z0-9_]+\)' src/*.h src/*.c |
  sed -E 's/^defined\(SC_FORCE_OFF_(.*)\)$/\1/' | sort -u)
declare -A checked=() broken=()

# build DIR CFLAGS CMAKE_ARGS...: the module into DIR; non-zero on failure
build() {
  local dir=$1 flags=$2
  shift 2
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Debug -DSECCOMP_WERROR=ON -DSECCOMP_FAULT=OFF \
    -DCMAKE_C_FLAGS="$flags" "$@" >"$dir.log" 2>&1 &&
    nice cmake --build "$dir" -j2 >>"$dir.log" 2>&1
}

# spec DIR GATE LDPATH: prints "successes failures errors pending" of the
# gate's spec against the module in DIR
spec() {
  local out line
  out=$(env ${3:+LD_LIBRARY_PATH=$3} lua5.4 /usr/bin/busted --lpath='lua/?.lua;lua/?/init.lua;spec/?.lua' \
    --cpath="$1/?.so" --filter="gate $2:" spec/gates_spec.lua 2>&1)
  line=$(grep -E '[0-9]+ success(es)? / [0-9]+ failures? / [0-9]+ errors? / [0-9]+ pending' <<<"$out" | tail -n 1)
  if [ -z "$line" ]; then echo "0 0 1 0"; return; fi
  read -r s _ _ f _ _ e _ _ p _ <<<"$line"
  echo "$s $f $e $p"
}

# configuration LABEL LDPATH CMAKE_ARGS...
configuration() {
  local label=$1 ldpath=$2 g s f e p
  shift 2
  echo "=== $label"
  if ! build "$B/$label-on" "" "$@"; then
    echo "--- the normal build failed:"; tail -n 20 "$B/$label-on.log"
    for g in "${GATES[@]}"; do broken[$g]="${broken[$g]:-}$label: normal build failed; "; done
    return
  fi
  for g in "${GATES[@]}"; do
    if [ -n "${checked[$g]:-}" ]; then
      echo "    $g: checked already"
      continue
    fi
    read -r s f e p < <(spec "$B/$label-on" "$g" "$ldpath")
    if [ "$s" = 0 ] && [ "$f" = 0 ] && [ "$e" = 0 ] && [ "$p" -gt 0 ]; then
      echo "    $g: off in this configuration (its spec is pending)"
      continue
    fi
    if [ "$s" = 0 ] || [ "$f" != 0 ] || [ "$e" != 0 ] || [ "$p" != 0 ]; then
      echo "    $g: its spec does not pass in the normal build ($s passed, $f failed, $e errors, $p pending)"
      broken[$g]="${broken[$g]:-}$label: spec not green in the normal build; "
      continue
    fi
    if ! build "$B/$label-off" "-DSC_FORCE_OFF_$g" "$@"; then
      echo "    $g: the build with it forced off failed:"; tail -n 20 "$B/$label-off.log"
      broken[$g]="${broken[$g]:-}$label: forced-off build failed; "
      continue
    fi
    read -r s f e p < <(spec "$B/$label-off" "$g" "$ldpath")
    if [ "$f" != 0 ] || [ "$e" != 0 ]; then
      echo "    $g: on, and its spec fails with it forced off ($f failed, $e errors): real"
      checked[$g]=1
    else
      echo "    $g: its spec still passes with the gate forced off ($s passed, $p pending): NOT REAL"
      broken[$g]="${broken[$g]:-}$label: spec passes with the gate forced off; "
    fi
  done
}

configuration system ""
if [ "${GATES_26:-1}" != 0 ]; then
  P26="$PWD/build-ci/libseccomp-2.6"
  if out=$(bash ci/libseccomp26.sh "$P26" 2>/dev/null); then
    inc=$(sed -n 's/^LIBSECCOMP_INCDIR=//p' <<<"$out")
    lib=$(sed -n 's/^LIBSECCOMP_LIBDIR=//p' <<<"$out")
    configuration libseccomp-2.6 "$lib" -DLIBSECCOMP_INCDIR="$inc" -DLIBSECCOMP_LIBDIR="$lib"
  else
    echo "=== libseccomp 2.6 could not be fetched (ci/libseccomp26.sh): its gates are not checked"
  fi
fi

passed=0 failed=0
echo "=== gates"
for g in "${GATES[@]}"; do
  if [ -n "${broken[$g]:-}" ]; then
    echo "  $g: FAILED (${broken[$g]})"; failed=$((failed + 1))
  elif [ -n "${checked[$g]:-}" ]; then
    echo "  $g: passed"; passed=$((passed + 1))
  else
    echo "  $g: FAILED (on in no configuration: never checked)"; failed=$((failed + 1))
  fi
done
echo "gates: $passed passed, $failed failed"
[ "$failed" = 0 ]
