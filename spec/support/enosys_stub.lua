-- runc's ENOSYS stub, built here as a test input: the program runc 1.1.5
-- installs is libseccomp's program with a stub in front that answers
-- ERRNO(ENOSYS) for every number above the highest one the profile names,
-- per arch (x86_64 and x32 told apart by the x32 bit; on s390 and s390x also
-- number 0, the multiplexer of large numbers), and jumps into libseccomp's
-- program for the rest and for every other arch.  This file writes that
-- shape from its description (runc's libcontainer/seccomp/patchbpf), with
-- its own layout: a section per arch, each ending in its own "ret ENOSYS"
-- and "ja <filter>".
local seccomp = require "seccomp"

local M = {}

local LD_W_ABS, JMP_JA, JMP_JEQ, JMP_JGT, JMP_JSET, RET_K = 0x20, 0x05, 0x15, 0x25, 0x45, 0x06
local ENOSYS = seccomp.errno("ENOSYS")

-- The audit arch value seccomp_data holds for an arch (x32's is x86_64's).
local AUDIT = {
  x86 = 0x40000003, x86_64 = 0xc000003e, x32 = 0xc000003e, arm = 0x40000028, aarch64 = 0xc00000b7,
  mips = 0x00000008, mipsel = 0x40000008, mips64 = 0x80000008, mipsel64 = 0xc0000008,
  mips64n32 = 0xa0000008, mipsel64n32 = 0xe0000008, ppc = 0x00000014, ppc64 = 0x80000015,
  ppc64le = 0xc0000015, s390 = 0x00000016, s390x = 0x80000016, riscv64 = 0xc00000f3,
}
M.AUDIT = AUDIT

--- The highest number `names` have on each arch of `arches` (as runc finds
--- it: the names' numbers on that arch, arches where none resolves left out).
function M.thresholds(names, arches)
  local t = {}
  for _, arch in ipairs(arches) do
    local max = 0
    for _, name in ipairs(names) do
      local nr = seccomp.syscall(name, arch)
      if nr and nr > max then max = nr end
    end
    if max > 0 then t[arch] = max end
  end
  return t
end

--- The stub for thresholds t ({ [arch] = highest number }) in front of the
--- program `bpf` (a string, as export_bpf gives it), in byte order `big`.
function M.prepend(t, bpf, big)
  local fmt = big and ">I2BBI4" or "<I2BBI4"
  -- sections, one per audit arch value
  local by_audit, order = {}, {}
  for arch, max in pairs(t) do
    local a = AUDIT[arch]
    if not by_audit[a] then
      by_audit[a] = {}
      order[#order + 1] = a
    end
    by_audit[a][arch] = max
  end
  table.sort(order)
  local sections = {}
  for _, a in ipairs(order) do
    local s, m = {}, by_audit[a]
    -- instructions as { code, jt, jf, k } with symbolic targets "eno" / "fil"
    s[#s + 1] = { LD_W_ABS, 0, 0, 0 }
    if m.s390 or m.s390x then
      s[#s + 1] = { JMP_JEQ, "eno", 0, 0 }
    end
    if a == AUDIT.x86_64 then
      if m.x86_64 and m.x32 then
        s[#s + 1] = { JMP_JSET, 0, 1, 0x40000000 }
        s[#s + 1] = { JMP_JGT, "eno", "fil", m.x32 }
        s[#s + 1] = { JMP_JGT, "eno", "fil", m.x86_64 }
      elseif m.x86_64 then
        s[#s + 1] = { JMP_JSET, "fil", 0, 0x40000000 }
        s[#s + 1] = { JMP_JGT, "eno", "fil", m.x86_64 }
      else
        s[#s + 1] = { JMP_JSET, 0, "fil", 0x40000000 }
        s[#s + 1] = { JMP_JGT, "eno", "fil", m.x32 }
      end
    else
      local _, max = next(m)
      s[#s + 1] = { JMP_JGT, "eno", "fil", max }
    end
    s[#s + 1] = { RET_K, 0, 0, ENOSYS, label = "eno" }
    s[#s + 1] = { JMP_JA, 0, 0, "filter", label = "fil" }
    sections[#sections + 1] = { audit = a, insns = s }
  end
  -- layout: ld [4]; jeq per arch (to its section); ja filter; sections
  local head = 1 + #sections + 1
  local starts, at = {}, head
  for i, sec in ipairs(sections) do
    starts[i] = at
    at = at + #sec.insns
  end
  local total = at -- instructions before libseccomp's program
  local out = { fmt:pack(LD_W_ABS, 0, 0, 4) }
  for i, sec in ipairs(sections) do
    local pc = 1 + (i - 1)
    local off = starts[i] - (pc + 1)
    assert(off <= 255, "stub: jump too long")
    out[#out + 1] = fmt:pack(JMP_JEQ, off, 0, sec.audit)
  end
  out[#out + 1] = fmt:pack(JMP_JA, 0, 0, total - (head - 1 + 1)) -- unknown arch: into the filter
  for i, sec in ipairs(sections) do
    local labels = {}
    for j, ins in ipairs(sec.insns) do
      if ins.label then labels[ins.label] = starts[i] + j - 1 end
    end
    for j, ins in ipairs(sec.insns) do
      local pc = starts[i] + j - 1
      local function target(x)
        if type(x) == "string" then return labels[x] - (pc + 1) end
        return x
      end
      local k = ins[4] == "filter" and total - (pc + 1) or ins[4]
      out[#out + 1] = fmt:pack(ins[1], target(ins[2]), target(ins[3]), k)
    end
  end
  return table.concat(out) .. bpf
end

--- The names of a filter's rules (the profile's, as runc counts them).
function M.names(f)
  local seen, names = {}, {}
  for _, r in ipairs(f:rules()) do
    local n = type(r.syscall) == "string" and r.syscall or seccomp.syscall_name(r.syscall)
    if n and not seen[n] then
      seen[n] = true
      names[#names + 1] = n
    end
  end
  return names
end

return M
