#!/usr/bin/env bash
# CI: the user's busted path.  With Lua 5.3 installed (so that Debian's `lua`
# may point at 5.3), run the README's set-up, then, as a user would, a spec
# of one's own from a fresh directory outside the checkout with the `busted`
# that the README's `luarocks path` line puts first on PATH.  Checks that
# it is tree/bin/busted, that the spec runs on Lua 5.4 with `require
# "seccomp"` from the tree, and that a failing spec makes busted fail.
# Counts the cases of busted's JUnit reports (ci/lib.sh); ends with
# "user busted: N passed, N failed, 0 pending" (the failing spec's one
# failure, expected, counts as passed).
set -uo pipefail
. "$(dirname "$0")/lib.sh"
root=$PWD
die() { ci_fail 1 "user-busted.sh: $*"; ci_summary "user busted"; exit 1; }

ci_need lua5.3 || die "CI installs Lua 5.3 (ci/deps-ci.sh) before this check"
log=$(mktemp)
bash ci/setup.sh >"$log" 2>&1 || { cat "$log"; rm -f "$log"; die "ci/setup.sh failed"; }
rm -f "$log"

dir=$(mktemp -d "${TMPDIR:-/tmp}/user-busted.XXXXXX")
trap 'rm -rf "$dir"' EXIT
# The spec of the README's "Testing your policy with busted", verbatim.
awk '/^## Testing your policy with busted/ { s = 1 } s && /^```lua$/ { b = 1; next }
     b && /^```$/ { exit } b { print }' README.md >"$dir/policy_spec.lua"
grep -q 'describe(' "$dir/policy_spec.lua" || die "no spec found in the README's busted section"
cat >"$dir/where_spec.lua" <<'LUA'
describe("busted from the tree", function()
  it("runs on Lua 5.4 with the tree's module", function()
    assert.are.equal("Lua 5.4", _VERSION)
    local tree = os.getenv("EXPECT_TREE")
    assert.are.equal(tree .. "/share/lua/5.4/seccomp/init.lua", package.searchpath("seccomp", package.path))
    assert.are.equal(tree .. "/lib/lua/5.4/seccomp/core.so", package.searchpath("seccomp.core", package.cpath))
    assert.is_table(require "seccomp")
  end)
end)
LUA
cat >"$dir/failing_spec.lua" <<'LUA'
local seccomp = require "seccomp"
describe("a wrong expectation", function()
  it("fails", function()
    assert.are.equal("allow", seccomp.action_name(seccomp.filter("errno(EPERM)"):simulate("read")))
  end)
end)
LUA

# A login shell's environment: nothing of the CI's own LUA_PATH or PATH.
user() {
  env -i HOME="$HOME" PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    EXPECT_TREE="$root/tree" bash -c "cd '$dir' && eval \"\$(luarocks --lua-version=5.4 --tree='$root/tree' path)\" && $1"
}
echo "lua is: $(user 'lua -v' 2>&1)"
got=$(user 'command -v busted')
[ "$got" = "$root/tree/bin/busted" ] || die "busted found is '$got', not $root/tree/bin/busted"
# the user's command, with busted's JUnit report beside it for the count
out=$(user "busted -o junit -Xoutput '$dir/ok.xml' policy_spec.lua where_spec.lua" 2>&1) ||
  { echo "$out"; ci_junit "user busted" "$dir/ok.xml"; die "the user's spec failed"; }
ci_junit "user busted" "$dir/ok.xml" || die "the user's spec failed"
[ "$CI_LAST" = "2 0 0" ] || { echo "$out"; die "expected 2 passed cases, got (passed failed pending) $CI_LAST"; }
echo "the README's spec and a where-am-I spec: 2 cases passed"
if out=$(user "busted -o junit -Xoutput '$dir/fail.xml' failing_spec.lua" 2>&1); then
  echo "$out"; die "a failing spec passed"
fi
counts=$(lua5.4 ci/junit.lua "$dir/fail.xml" | head -n 1)
[ "$counts" = $'counts\t0\t1\t0' ] || { echo "$out"; die "the failing spec did not fail as one failed case: $counts"; }
ci_pass
echo "a failing spec fails busted: 1 failed case, as expected"
ci_summary "user busted"
