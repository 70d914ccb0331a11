# ci/lib.sh: counting for .ci/run and the ci/ scripts.  Source it (bash):
#
#   . "$(dirname "$0")/lib.sh"      # also cds to the checkout's root
#
# Counts come from structured output only: busted's JUnit report (`-o junit`;
# busted 2.1.1's `-o json` cannot encode a pending case and prints nothing),
# ctest's `--output-junit`, both read by ci/junit.lua, and the result file a
# script that sources this file leaves for its caller (ci_summary).  See
# ci/README.md for how to add a counted step.
#
# Counters: CI_PASSED, CI_FAILED, CI_PENDING (cases), and the pending cases'
# names, each with the labels of the runs where it was pending.

CI_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$CI_ROOT" || exit 1
CI_PASSED=0 CI_FAILED=0 CI_PENDING=0
declare -A CI__PENDING_WHERE=()
CI__PENDING_ORDER=()
# The result file this script reports to (its caller's ci_counted set it);
# taken out of the environment, so that what this script runs does not
# write it too.
CI__REPORT_TO=${CI_RESULT:-}
unset CI_RESULT

ci_section() { # TITLE: a heading line
  echo "== $*"
}

ci_pass() { # [N]: N (default 1) passed cases
  CI_PASSED=$((CI_PASSED + ${1:-1}))
}

ci_fail() { # [N [WHY]]: N (default 1) failed cases; WHY is printed
  CI_FAILED=$((CI_FAILED + ${1:-1}))
  [ -z "${2:-}" ] || echo "FAILED: $2"
}

ci_pending() { # LABEL TEXT: one pending case, TEXT naming what is missing
  local text=$2 where
  CI_PENDING=$((CI_PENDING + 1))
  if [ -z "${CI__PENDING_WHERE[$text]+x}" ]; then
    CI__PENDING_ORDER+=("$text")
    CI__PENDING_WHERE[$text]=$1
  else
    # the labels, one a line
    where=${CI__PENDING_WHERE[$text]}
    grep -qxF -- "$1" <<<"$where" || CI__PENDING_WHERE[$text]="$where"$'\n'"$1"
  fi
}

ci_need() { # PACKAGE...: fail (status 1) naming the Debian packages that are not installed
  local p missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "missing: ${missing[*]} (apt-get install ${missing[*]}; CI's packages: bash ci/deps-ci.sh)"
  return 1
}

ci__secs() { # START_EPOCHREALTIME: seconds since, one decimal
  local us=$(( ${EPOCHREALTIME/./} - ${1/./} ))
  printf '%d.%d' $((us / 1000000)) $((us % 1000000 / 100000))
}

# ci_ticking WHAT CMD...: run CMD (its output shown), and every 5 s while it
# runs a line "... WHAT: N s": for one long silent step, a compiler's run on
# the one translation unit.  Returns CMD's status.
ci_ticking() {
  local what=$1 t0=$SECONDS ticker rc
  shift
  (while sleep 5; do echo "    ... $what: $((SECONDS - t0)) s"; done) &
  ticker=$!
  "$@"
  rc=$?
  kill "$ticker" 2>/dev/null
  wait "$ticker" 2>/dev/null || true
  return $rc
}

# ci_build BUILD CMAKE_ARGS...: configure (quietly) and build the module in
# BUILD, saying so, with ci_ticking while it configures and compiles.
ci_build() {
  local b=$1
  shift
  echo "building $b (cmake $*)"
  ci_ticking "building $b" ci__cmake "$b" "$@"
}
ci__cmake() { # BUILD CMAKE_ARGS...
  local b=$1
  shift
  cmake -S "$CI_ROOT" -B "$b" "$@" >/dev/null && cmake --build "$b" -j2
}

# ci_junit LABEL FILE [PREFIX]: add the cases of a JUnit report (busted's or
# ctest's); prints each failed case with its message; a pending case is
# named PREFIX followed by its name.  Sets CI_LAST to "P F Q" (the report's
# counts).  Status 1 when a case failed or there is no report.
ci_junit() {
  local label=$1 prefix=${3:-} kind a b c p=0 f=0 q=0 out
  if ! out=$(lua5.4 "$CI_ROOT/ci/junit.lua" "$2" 2>&1); then
    CI_LAST="0 1 0"
    ci_fail 1 "$label: no JUnit report ($out)"
    return 1
  fi
  while IFS=$'\t' read -r kind a b c; do
    case $kind in
      counts) p=$a f=$b q=$c ;;
      pending) ci_pending "$label" "$prefix$a" ;;
      failed) echo "    failed: $a"; [ -z "$b" ] || echo "      $b" ;;
    esac
  done <<<"$out"
  CI_PASSED=$((CI_PASSED + p)) CI_FAILED=$((CI_FAILED + f))
  CI_LAST="$p $f $q"
  [ "$f" -eq 0 ]
}

# ci_busted LABEL LUA BUILD SPEC...: run each spec file with busted on LUA
# (lua5.4, lua5.3) against the module in BUILD, one line per file with its
# counts and time.  While a file runs, its progress lines (ci/busted_junit.lua
# and a spec's own H.progress, written to the file SPEC_PROGRESS) are shown
# as they come, and after 5 s without one the case running is named
# (ci__relay).  Environment for busted only (an LD_PRELOAD, say): the array
# CI_BUSTED_ENV.  Pending cases are named "file: case" under LABEL.  Status
# 1 when a case failed.

# ci__relay PROGRESS CURRENT NAME STOP: print the lines added to the file
# PROGRESS as they come; when none has come for 5 s and the file CURRENT
# names a case (ci/busted_junit.lua keeps it there), say which and for how
# long it has run.  Ends, after the last lines, once the file STOP exists.
ci__relay() {
  local fd line buf="" c name="" started=$SECONDS quiet=$SECONDS
  exec {fd}<"$1"
  while :; do
    while IFS= read -r -u "$fd" line; do
      echo "$buf$line"
      buf="" quiet=$SECONDS
    done
    buf+=$line # a line still being written
    [ -e "$4" ] && break
    c=""
    IFS= read -r c <"$2" 2>/dev/null
    if [ "$c" != "$name" ]; then name=$c started=$SECONDS; fi
    if [ -n "$name" ] && [ $((SECONDS - quiet)) -ge 5 ]; then
      echo "    ... $3: still in '${name:0:90}' ($((SECONDS - started)) s)"
      quiet=$SECONDS
    fi
    sleep 1
  done
  [ -z "$buf" ] || echo "$buf"
  exec {fd}<&-
}

ci_busted() {
  local label=$1 lua=$2 build=$3 spec name xml log cur prog relay t0 rc status=0 p f q
  shift 3
  xml=$(mktemp) log=$(mktemp) cur=$(mktemp) prog=$(mktemp)
  for spec in "$@"; do
    name=$(basename "$spec" .lua)
    rm -f "$xml" "$prog.stop"
    : >"$cur"
    : >"$prog"
    ci__relay "$prog" "$cur" "$name" "$prog.stop" &
    relay=$!
    t0=$EPOCHREALTIME
    env ${CI_BUSTED_ENV[@]+"${CI_BUSTED_ENV[@]}"} SPEC_PROGRESS="$prog" SPEC_CURRENT="$cur" \
      "$lua" /usr/bin/busted --lpath='lua/?.lua;lua/?/init.lua;spec/?.lua' --cpath="$build/?.so" \
      -o "$CI_ROOT/ci/busted_junit.lua" -Xoutput "$xml" "$spec" >"$log" 2>&1
    rc=$?
    : >"$prog.stop"
    wait "$relay" 2>/dev/null || true
    ci_junit "$label" "$xml" "$name: " >"$log.failed" || status=1
    read -r p f q <<<"$CI_LAST"
    printf '  %-26s %5d passed %3d failed %3d pending %7s s\n' "$name" "$p" "$f" "$q" "$(ci__secs "$t0")"
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
      # the cases passed but busted did not: a sanitizer's report at exit, a crash
      ci_fail 1 "$name: busted exited $rc although its cases passed"
      status=1
    fi
    if [ "$rc" -ne 0 ] || [ "$f" -ne 0 ]; then
      cat "$log.failed"
      echo "    --- the last lines busted and the spec printed:"
      tail -n 25 "$log" | sed 's/^/    | /'
    fi
  done
  rm -f "$xml" "$log" "$log.failed" "$cur" "$prog" "$prog.stop"
  return $status
}

# ci_counted TITLE CMD...: run CMD (its output shown as it comes) and add its
# cases: from the result file when CMD is a script that sources this file
# (ci_summary writes it), else from CMD's last line, which must be
# "[WORD: ]N passed, N failed[, N pending]" (fuzz/test.sh's kind).  No count
# is one failed case; a non-zero status with no failed case is one too.
ci_counted() {
  local title=$1 res log t0 rc kind a b c last p=0 f=0 q=0 counted=0 pending0=$CI_PENDING failed0=$CI_FAILED
  shift
  res=$(mktemp) log=$(mktemp)
  echo
  ci_section "$title"
  t0=$EPOCHREALTIME
  export CI_RESULT=$res
  { "$@"; } > >(tee "$log") 2>&1
  rc=$?
  wait $! 2>/dev/null
  unset CI_RESULT
  if [ -s "$res" ]; then
    while IFS=$'\t' read -r kind a b c; do
      case $kind in
        counts) p=$a f=$b q=$c counted=1 ;;
        pending) ci_pending "$a" "$b" ;;
      esac
    done <"$res"
    CI_PENDING=$((pending0 + q)) # the count, where one name was pending twice
  else
    last=$(tail -n 1 "$log")
    if [[ $last =~ ^([A-Za-z0-9\ ._()/+-]+:\ )?([0-9]+)\ passed,\ ([0-9]+)\ failed(,\ ([0-9]+)\ pending)?$ ]]; then
      p=${BASH_REMATCH[2]} f=${BASH_REMATCH[3]} q=${BASH_REMATCH[5]:-0} counted=1
      CI_PENDING=$((CI_PENDING + q))
    fi
  fi
  CI_PASSED=$((CI_PASSED + p)) CI_FAILED=$((CI_FAILED + f))
  if [ "$counted" = 0 ]; then
    ci_fail 1 "$title: no count (no result file, and the last line is not \"N passed, N failed\")"
  elif [ "$rc" -ne 0 ] && [ "$CI_FAILED" -eq "$failed0" ]; then
    ci_fail 1 "$title: exited $rc with no failed case"
  fi
  f=$((CI_FAILED - failed0)) # the step's, and its wrappers' (ci_unchanged, ci_timestamped)
  rm -f "$res" "$log"
  if [ "$rc" -eq 0 ] && [ "$f" -eq 0 ]; then
    echo "--- $title: green ($p passed, $q pending, $(ci__secs "$t0") s)"
  else
    echo "--- $title: RED ($p passed, $f failed, $q pending, exit $rc, $(ci__secs "$t0") s)"
    return 1
  fi
}

# ci_check TITLE CMD...: run CMD (output shown); one case, passed when it exits 0.
ci_check() {
  local title=$1 t0 rc
  shift
  echo
  ci_section "$title"
  t0=$EPOCHREALTIME
  "$@"
  rc=$?
  if [ "$rc" -eq 0 ]; then
    ci_pass
    echo "--- $title: green ($(ci__secs "$t0") s)"
  else
    ci_fail
    echo "--- $title: RED (exit $rc, $(ci__secs "$t0") s)"
    return 1
  fi
}

# What a user's `lua`, `luac`, `busted` and `luarocks` are: Debian's
# alternatives, where each command resolves, the interpreter a script names,
# the Lua version LuaRocks defaults to, and the Lua packages installed.
ci_lua_state() {
  local a c p
  for a in lua-interpreter lua-compiler; do
    echo "alternative $a:"
    update-alternatives --query "$a" 2>&1 | grep -E '^(Status|Value|Alternative|Priority):'
  done
  for c in lua luac busted luarocks; do
    p=$(command -v "$c" || echo none)
    echo "$c: $p -> $(readlink -f "$p" 2>/dev/null) ($(head -c 200 "$p" 2>/dev/null | head -n 1 | tr -d '\0'))"
  done
  echo "lua -v: $(lua -v 2>&1)"
  echo "luarocks' default Lua: $(luarocks config lua_version 2>&1)"
  dpkg-query -W -f='package ${Package} ${Version} ${db:Status-Abbrev}\n' 'lua*' 'liblua*' 2>/dev/null | grep ' ii'
}

# ci_unchanged CMD...: run CMD; one more case, failed when CMD changed what
# ci_lua_state shows (the diff is printed).  Returns CMD's status, or 1.
ci_unchanged() {
  local before after rc
  before=$(ci_lua_state)
  "$@"
  rc=$?
  after=$(ci_lua_state)
  if [ "$before" == "$after" ]; then
    ci_pass
    echo "lua, luac, busted and luarocks unchanged by '$*' (lua -v: $(lua -v 2>&1 | cut -d' ' -f1-2); luarocks' default Lua: $(luarocks config lua_version 2>&1))"
  else
    ci_fail 1 "'$*' changed what lua, luac, busted or luarocks mean:"
    diff <(echo "$before") <(echo "$after") | sed 's/^/    /'
    return 1
  fi
  return $rc
}

# ci_timestamped LIMIT CMD...: run CMD with each line of its output (stdout
# and stderr) timestamped by ci/timestamps.sh; one more case, failed when
# two lines (or the start and the first line, or the last line and the end)
# are more than LIMIT seconds apart.  Returns CMD's status, or 1.
ci_timestamped() {
  local limit=$1 rcs
  shift
  "$@" 2>&1 | bash "$CI_ROOT/ci/timestamps.sh" "$limit"
  rcs=("${PIPESTATUS[@]}")
  if [ "${rcs[1]}" -eq 0 ]; then ci_pass; else ci_fail 1 "a gap of more than $limit s in the output of '$*'"; fi
  [ "${rcs[0]}" -eq 0 ] && [ "${rcs[1]}" -eq 0 ] && return 0
  [ "${rcs[0]}" -ne 0 ] && return "${rcs[0]}"
  return 1
}

# ci_summary [WORD]: the pending cases under a heading, then the last line,
# "WORD: N passed, N failed, N pending"; without WORD (.ci/run) the pending
# count goes on a line of its own and the last line is "N passed, N failed".
# Writes the result file for the caller's ci_counted.  Status 1 when a case failed.
ci_summary() {
  local text where
  if [ "${#CI__PENDING_ORDER[@]}" -gt 0 ]; then
    echo
    echo "pending ($CI_PENDING; each names what this machine or library lacks; [where]):"
    for text in "${CI__PENDING_ORDER[@]}"; do
      echo "  $text  [$(paste -sd, <<<"${CI__PENDING_WHERE[$text]}" | sed 's/,/, /g')]"
    done
  fi
  if [ -n "$CI__REPORT_TO" ]; then
    {
      printf 'counts\t%d\t%d\t%d\n' "$CI_PASSED" "$CI_FAILED" "$CI_PENDING"
      for text in "${CI__PENDING_ORDER[@]}"; do
        while IFS= read -r where; do printf 'pending\t%s\t%s\n' "$where" "$text"; done <<<"${CI__PENDING_WHERE[$text]}"
      done
    } >"$CI__REPORT_TO"
  fi
  if [ -n "${1:-}" ]; then
    echo "$1: $CI_PASSED passed, $CI_FAILED failed, $CI_PENDING pending"
  else
    echo "($CI_PENDING cases pending, listed above)"
    echo "$CI_PASSED passed, $CI_FAILED failed"
  fi
  [ "$CI_FAILED" -eq 0 ]
}
