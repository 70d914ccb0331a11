#!/usr/bin/env bash
# Build-only check: the module compiles (-Werror) against headers claiming
# libseccomp 2.4.4 and 2.3.3, and then reports the newer features as
# unsupported, naming the compiled version as the reason.
set -euo pipefail
cd "$(dirname "$0")/.."
libdir=$(dirname "$(find /usr/lib /usr/lib64 -name 'libseccomp.so' 2>/dev/null | head -n 1)")
for minor in 4 3; do
  inc="$PWD/build-ci/headers-2.$minor"
  bash ci/old-headers.sh "$inc" "$minor" >/dev/null 2>&1
  b="build-ci/old-2.$minor"
  cmake -S . -B "$b" -DLIBSECCOMP_INCDIR="$inc/include" -DLIBSECCOMP_LIBDIR="$libdir" >/dev/null
  cmake --build "$b" >/dev/null
  top=$PWD
  (cd / && lua5.4 - "$top/$b" "$minor" <<'LUA'
local dir, minor = arg[1], tonumber(arg[2])
package.cpath = dir .. "/?.so"
local s = require "seccomp.core"
local _, cmin = s.compiled_version()
assert(cmin == minor, "compiled version is 2." .. cmin)
local need = { notify = 5, ssb = 5, optimize = 5, raw_rc = 5, tsync_notify = 5, notify_continue = 5,
  notify_addfd = 5, wait_kill = 6, precompute = 6, export_bpf_mem = 6,
  log = 4, kill_process = 4 }
-- the module's own, with any headers
assert(s.supports("transactions"), "transactions reported unsupported")
for name, m in pairs(need) do
  local ok, why = s.supports(name)
  if minor < m then
    assert(ok == false, name .. " reported supported against 2." .. minor .. " headers")
    assert(why:find("compiled against 2%." .. minor), why)
  end
end
assert((s.ACT_NOTIFY == nil) and (s.ARCH_RISCV64 == nil))
print(("headers 2.%d: module builds, %d newer features reported unsupported"):format(minor,
  (function() local n = 0 for k, m in pairs(need) do if minor < m then n = n + 1 end end return n end)()))
LUA
  )
done
