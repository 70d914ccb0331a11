-- Turns libseccomp's bpf-sim regression vectors (its tests/*.tests files,
-- given as input; none of them is kept in this repository) into
-- spec/upstream/vectors.lua, the data spec/upstream_spec.lua runs.
--
--   lua5.4 spec/upstream/generate.lua /path/to/libseccomp/tests > spec/upstream/vectors.lua
--
-- libseccomp's tests/regression runs each "bpf-sim" line on the arches its
-- arch column names for the machine it runs on: `all` is the native arch,
-- `all_le` / `all_be` / `all_32` / `all_64` the native arch when it is of
-- that kind, `+all_le` ... every arch of that kind, `+A` arch A, `-A`
-- removes A, a bare `A` is A when A is the native arch.  A range `lo-hi` in
-- the syscall or an argument column runs every value in it; `N` leaves the
-- argument out (the simulator then passes 0).  A syscall name is resolved
-- for each arch with libseccomp's seccomp_syscall_resolve_name_rewrite (as
-- its scmp_sys_resolver -t does); this script does that with a small C
-- program built against the libseccomp installed here.  The native arch is
-- x86_64, as on the machines the vectors are counted for.
local dir = assert(arg[1], "usage: generate.lua LIBSECCOMP_TESTS_DIR")
local NATIVE = arg[2] or "x86_64"

local LE = { "x86", "x86_64", "x32", "arm", "aarch64", "mipsel", "mipsel64", "mipsel64n32", "ppc64le", "riscv64" }
local BE = { "mips", "mips64", "mips64n32", "parisc", "parisc64", "ppc", "ppc64", "s390", "s390x" }
local B32 = { "x86", "x32", "arm", "mips", "mipsel", "mips64n32", "mipsel64n32", "parisc", "ppc", "s390" }
local B64 = { "x86_64", "aarch64", "mips64", "parisc64", "ppc64", "riscv64", "s390x" }
local function has(list, a) for _, x in ipairs(list) do if x == a then return true end end return false end

local function arches(spec)
  local add, avoid = {}, {}
  for item in spec:gmatch("[^,]+") do
    local kinds = { all = { NATIVE }, all_le = LE, all_be = BE, all_32 = B32, all_64 = B64 }
    local plus, name = item:match("^(%+?)(.*)$")
    if item:sub(1, 1) == "-" then
      avoid[item:sub(2)] = true
    elseif kinds[name] then
      if name == "all" then add[#add + 1] = NATIVE
      elseif plus == "+" then for _, a in ipairs(kinds[name]) do add[#add + 1] = a end
      elseif has(kinds[name], NATIVE) then add[#add + 1] = NATIVE end
    elseif plus == "+" then
      add[#add + 1] = name
    elseif name == NATIVE then
      add[#add + 1] = name
    end
  end
  local out = {}
  for _, a in ipairs(add) do if not avoid[a] then out[#out + 1] = a end end
  return out
end

-- the resolver: one C program, fed "arch name" lines
local csrc = os.tmpname() .. ".c"
local cbin = os.tmpname()
local fh = assert(io.open(csrc, "w"))
fh:write([[
#include <seccomp.h>
#include <stdio.h>
int main(void)
{
    char arch[64], name[128];
    while (scanf("%63s %127s", arch, name) == 2)
        printf("%d\n", seccomp_syscall_resolve_name_rewrite(seccomp_arch_resolve_name(arch), name));
    return 0;
}
]])
fh:close()
assert(os.execute(("cc -o %s %s -lseccomp"):format(cbin, csrc)), "cc")
os.remove(csrc)

local function number(s)
  -- strtoull(s, NULL, 0): decimal, 0x hex, a leading minus wraps
  local neg, body = s:match("^(%-?)(.*)$")
  local v
  if body:match("^0[xX]") then v = tonumber(body:sub(3), 16) else v = math.tointeger(tonumber(body)) end
  assert(v, "not a number: " .. s)
  return neg == "-" and -v or v
end
local function range(s)
  local lo, hi = s:match("^([0-9a-fA-Fx]+)%-([0-9a-fA-Fx]+)$")
  if lo then return number(lo), number(hi) end
  return number(s), number(s)
end

local files = {}
for name in io.popen(("ls %s"):format(dir)):lines() do
  if name:match("%.tests$") then files[#files + 1] = name end
end
table.sort(files)

local entries, queries = {}, {}
for _, file in ipairs(files) do
  local kind
  for line in io.lines(dir .. "/" .. file) do
    local t = line:match("^test type:%s*(%S+)")
    if t then kind = t
    elseif kind == "bpf-sim" and not line:match("^%s*#") and line:match("%S") then
      local f = {}
      for w in line:gmatch("%S+") do f[#f + 1] = w end
      assert(#f == 10, file .. ": " .. line)
      for _, a in ipairs(arches(f[2])) do
        local e = { test = f[1], arch = a, result = f[10], args = {} }
        if f[3]:match("^%-?%d+$") or f[3]:match("^[0-9a-fA-Fx]+%-[0-9a-fA-Fx]+$") then
          -- the simulator keeps the number in seccomp_data's int: 4294957190 is -10106
          local lo, hi = range(f[3])
          local function int32(v) return ((v + 0x80000000) & 0xffffffff) - 0x80000000 end
          e.lo, e.hi = int32(lo), int32(hi)
          assert(e.hi - e.lo == hi - lo, "a range across the int32 wrap")
        else
          e.name = f[3]
          queries[#queries + 1] = e
        end
        for i = 1, 6 do
          if f[3 + i] == "N" then e.args[i] = false else e.args[i] = { range(f[3 + i]) } end
        end
        entries[#entries + 1] = e
      end
    end
  end
end

-- resolve the names, all at once
local qin = os.tmpname()
fh = assert(io.open(qin, "w"))
for _, e in ipairs(queries) do fh:write(e.arch, " ", e.name, "\n") end
fh:close()
local p = assert(io.popen(("%s < %s"):format(cbin, qin)))
for _, e in ipairs(queries) do
  local n = math.tointeger(tonumber(p:read("l")))
  e.lo, e.hi = n, n
end
p:close()
os.remove(qin)
os.remove(cbin)

local function hex(v) return v < 0 and ("%d"):format(v) or ("0x%x"):format(v) end
local out, count = {}, 0
local function fmt_args(args)
  local t = {}
  for i = 1, 6 do
    local a = args[i]
    if not a then t[i] = "N" elseif a[1] == a[2] then t[i] = hex(a[1]) else t[i] = ("{%s,%s}"):format(hex(a[1]), hex(a[2])) end
  end
  return "{" .. table.concat(t, ",") .. "}"
end
for _, e in ipairs(entries) do
  local n = e.hi - e.lo + 1
  for i = 1, 6 do if e.args[i] then n = n * (e.args[i][2] - e.args[i][1] + 1) end end
  count = count + n
  out[#out + 1] = ("  {%q, %q, %s, %s, %s, %q%s},"):format(e.test, e.arch, hex(e.lo), hex(e.hi), fmt_args(e.args),
    e.result, e.name and (", %q"):format(e.name) or "")
end
io.write(([[
-- libseccomp 2.5.4's bpf-sim regression vectors (tests/*.tests), as run on
-- an x86_64 machine: generated by spec/upstream/generate.lua from those
-- files; do not edit.  Each entry: test, arch, syscall number range (lo,
-- hi: libseccomp's number for that arch, the name resolved with
-- seccomp_syscall_resolve_name_rewrite when the file gives a name),
-- arguments (N: not given, so 0; a value; or {lo, hi}, every value in
-- it), expected result, and the syscall name when one was given.
-- %d lines, %d vectors.
local N = false
return {
]]):format(#out, count))
io.write(table.concat(out, "\n"), "\n}\n")
io.stderr:write(("%d lines, %d vectors\n"):format(#out, count))
