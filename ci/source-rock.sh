#!/usr/bin/env bash
# The source rock, as a user gets it: `luarocks pack` of the rockspec with its
# source pointed at this checkout's committed HEAD, then, with no network
# (a fresh network namespace where unshare allows it), `luarocks
# --lua-version=5.4 install` of that .src.rock into a temporary tree, and a
# user's spec (the README's) run with busted on Lua 5.4 against that tree from
# a directory outside the checkout.
#
#   ci/source-rock.sh            check, then delete everything
#   OUT=dir ci/source-rock.sh    also keep lua-seccomp-scm-1.src.rock in dir
#
# Ends with "source rock: N passed, N failed, 0 pending" (the user's spec's
# cases, from busted's JUnit report through ci/lib.sh).
set -uo pipefail
. "$(dirname "$0")/lib.sh"
root=$PWD
die() { ci_fail 1 "source-rock.sh: $*"; ci_summary "source rock"; exit 1; }
bash ci/deps.sh >/dev/null || die "ci/deps.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/source-rock.XXXXXX")
trap 'rm -rf "$work"' EXIT
rock=lua-seccomp-scm-1

# The rockspec in the repository is the one `luarocks make` uses in a
# checkout; a source rock needs a source LuaRocks can fetch: this checkout.
sed "s|^  url = \"git+file:///dev/null\".*|  url = \"git+file://$root\",|" rockspec/$rock.rockspec >"$work/$rock.rockspec"
grep -q "git+file://$root\"" "$work/$rock.rockspec" || die "could not point the rockspec's source.url at the checkout"
(cd "$work" && luarocks --lua-version=5.4 pack "$rock.rockspec") >"$work/pack.log" 2>&1 ||
  { cat "$work/pack.log"; die "luarocks pack failed"; }
[ -f "$work/$rock.src.rock" ] || { cat "$work/pack.log"; die "no $rock.src.rock"; }
echo "packed $rock.src.rock ($(stat -c %s "$work/$rock.src.rock") bytes)"
mkdir "$work/dist"
mv "$work/$rock.src.rock" "$work/dist/"
rm -f "$work/$rock.rockspec"

# Install with no network: nothing may be fetched, not even the checkout.
offline=()
if unshare --net true 2>/dev/null; then offline=(unshare --net); fi
tree="$work/tree"
(cd "$work/dist" && "${offline[@]}" \
  luarocks --lua-version=5.4 --tree="$tree" install "$rock.src.rock") >"$work/install.log" 2>&1 ||
  { cat "$work/install.log"; die "luarocks install of the source rock failed${offline[*]:+ (offline: ${offline[*]})}"; }
grep -qi "warning" "$work/install.log" && { cat "$work/install.log"; die "luarocks warned while building"; }
[ -f "$tree/lib/lua/5.4/seccomp/core.so" ] || die "no core.so in the tree"
echo "installed into a temporary tree${offline[*]:+ with no network (${offline[*]})}"

# A user's spec, run with busted on Lua 5.4 against that tree only.
mkdir "$work/user"
awk '/^## Testing your policy with busted/ { s = 1 } s && /^```lua$/ { b = 1; next }
     b && /^```$/ { exit } b { print }' README.md >"$work/user/policy_spec.lua"
cat >"$work/user/tree_spec.lua" <<'LUA'
describe("the source rock's module", function()
  it("is the one in the tree", function()
    local tree = os.getenv("EXPECT_TREE")
    assert.are.equal(tree .. "/share/lua/5.4/seccomp/init.lua", package.searchpath("seccomp", package.path))
    assert.are.equal(tree .. "/lib/lua/5.4/seccomp/core.so", package.searchpath("seccomp.core", package.cpath))
    assert.are.equal("Lua 5.4", _VERSION)
  end)
end)
LUA
out=$(cd "$work/user" && env -i HOME="$HOME" PATH=/usr/local/bin:/usr/bin:/bin EXPECT_TREE="$tree" bash -c \
  "eval \"\$(luarocks --lua-version=5.4 --tree='$tree' path)\" &&
   lua5.4 /usr/bin/busted -o junit -Xoutput '$work/user.xml' policy_spec.lua tree_spec.lua" 2>&1) ||
  { echo "$out"; ci_junit "source rock" "$work/user.xml"; die "the spec failed against the source rock's module"; }
ci_junit "source rock" "$work/user.xml" || die "the spec failed against the source rock's module"
[ "$CI_LAST" = "2 0 0" ] || { echo "$out"; die "expected 2 passed cases, got (passed failed pending) $CI_LAST"; }
echo "the README's spec and a which-module spec against the rock's tree: 2 cases passed"
if [ -n "${OUT:-}" ]; then
  mkdir -p "$OUT" && cp "$work/dist/$rock.src.rock" "$OUT/" && echo "kept $OUT/$rock.src.rock"
fi
ci_summary "source rock"
