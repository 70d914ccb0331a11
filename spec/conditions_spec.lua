-- Argument conditions: the three forms, 64-bit data, and their errors.
local seccomp = require "seccomp"
local H = require "helper"

local function bpf(...)
  local f = seccomp.filter("allow")
  f:add_rule("errno(EPERM)", "openat", ...)
  local out = f:export_bpf()
  f:release()
  return out
end

describe("conditions", function()
  it("give byte-identical BPF in all three forms, for every operator", function()
    local cases = {
      { { 2, "==", 1 }, "arg2 == 1", seccomp.arg(2):eq(1) },
      { { 2, "!=", 1 }, "arg2 != 1", seccomp.arg(2):ne(1) },
      { { 1, "<", 7 }, "arg1 < 7", seccomp.arg(1):lt(7) },
      { { 1, "<=", 7 }, "arg1 <= 7", seccomp.arg(1):le(7) },
      { { 0, ">", 0x10 }, "arg0 > 0x10", seccomp.arg(0):gt(16) },
      { { 0, ">=", 2 }, "arg0 >= 2", seccomp.arg(0):ge(2) },
      { { 2, "&=", 3, 1 }, "arg2 & 3 == 1", seccomp.arg(2):masked_eq(3, 1) },
      { { 5, "==", -1 }, "arg5 == -1", seccomp.arg(5):eq(0xffffffffffffffff) },
    }
    for _, c in ipairs(cases) do
      local a, b, d = bpf(c[1]), bpf(c[2]), bpf(c[3])
      assert.are.equal(a, b, c[2])
      assert.are.equal(a, d, c[2])
    end
  end)

  it("accept operator names and CMP_ numbers in the table form", function()
    local want = bpf { 1, "==", 3 }
    assert.are.equal(want, bpf { 1, "eq", 3 })
    assert.are.equal(want, bpf { 1, seccomp.CMP_EQ, 3 })
    assert.are.equal(want, bpf { 1, "SCMP_CMP_EQ", 3 })
    assert.are.equal(bpf { 1, "&=", 3, 1 }, bpf { 1, "masked_eq", 3, 1 })
  end)

  it("take 64-bit data as two's complement", function()
    assert.are.equal(bpf { 0, "==", -1 }, bpf { 0, "==", 0xffffffffffffffff })
    assert.are.equal(bpf { 0, "==", math.mininteger }, bpf { 0, "==", 0x8000000000000000 })
    assert.are.equal(bpf { 0, "==", 2.0 }, bpf { 0, "==", 2 })
    assert.are.equal(bpf "arg0 == -1", bpf "arg0 == 0xffffffffffffffff")
    local pfc = seccomp.filter("allow"):add_rule("errno(EPERM)", "read", { 0, "==", -1 }):export_pfc()
    assert.matches("%$a0.hi32 == 4294967295", pfc)
    assert.matches("%$a0.lo32 == 4294967295", pfc)
  end)

  it("arg32 truncates data to 32 bits", function()
    assert.are.equal(bpf(seccomp.arg(0):eq(0xffffffff)), bpf(seccomp.arg32(0):eq(-1)))
    assert.are.equal(bpf(seccomp.arg(0):masked_eq(0xff, 0x12)), bpf(seccomp.arg32(0):masked_eq(0x1000000ff, 0x100000012)))
    assert.are_not.equal(bpf(seccomp.arg(0):eq(-1)), bpf(seccomp.arg32(0):eq(-1)))
  end)

  it("builders print and expose their parts", function()
    local c = seccomp.arg(2):masked_eq(3, 1)
    assert.are.equal("arg2 & 0x3 == 0x1", tostring(c))
    assert.are.equal(2, c.arg)
    assert.are.equal("&=", c.op)
    assert.are.equal(3, c.a)
    assert.are.equal(1, c.b)
    assert.is_nil(c.nothing)
    assert.is_nil(c[1])
    assert.are.equal("arg1 >= 0xffffffffffffffff", tostring(seccomp.arg(1):ge(-1)))
    assert.are.equal("seccomp.arg32(4)", tostring(seccomp.arg32(4)))
  end)

  it("accept whitespace variations in strings", function()
    local want = bpf "arg2 & 3 == 1"
    assert.are.equal(want, bpf "  arg2&3==1 ")
    assert.are.equal(want, bpf "arg2 & 0x3 == 0x1")
  end)

  it("combine up to six in one rule", function()
    assert.has_no.errors(function()
      bpf("arg0 == 1", "arg1 == 1", "arg2 == 1", "arg3 == 1", "arg4 == 1", "arg5 == 1")
    end)
  end)

  describe("errors", function()
    local cases = {
      { "arg2 =< 3", "unknown operator '=<' %(did you mean '<='%?%) in condition 'arg2 =< 3'" },
      { "arg7 == 1", "must start with arg0..arg5" },
      { "argx == 1", "must start with arg0..arg5" },
      { "arg1 == ", "bad number '' in condition" },
      { "arg1 == 1.5", "value must be an integer, got 1.5 in condition" },
      { "arg1 == 1 2", "unexpected '2' at the end of condition" },
      { "arg1 & 3 != 1", "a mask must be followed by '=='" },
      { "arg1 == zz", "bad number 'zz'" },
      { { 1, "==" }, "value must be an integer, got nil" },
      { { 1, "==", 1, 2 }, "operator '==' takes one value, got a second one 2" },
      { { 1, "&=", 3 }, "masked comparison needs {arg, '&=', mask, value}" },
      { { "1", "==", 1 }, "argument index must be 0..5, got '1'" },
      { { 1.5, "==", 1 }, "argument index must be 0..5, got 1.5" },
      { { -1, "==", 1 }, "argument index must be 0..5, got %-1" },
      { { 1, "==", 1, op = "x" }, "unexpected key 'op' in condition table" },
      { { 1, "===", 1 }, "unknown operator '==='" },
      { { 1, {}, 1 }, "operator expected, got table" },
      { { 1, "==", 0x1p70 }, "value must be an integer" },
      { 42, "condition expected %(table, string or seccomp.arg%), got 42" },
    }
    for _, c in ipairs(cases) do
      it("reject " .. (type(c[1]) == "string" and c[1] or c[2]), function()
        local f = seccomp.filter("allow")
        local msg = H.method_message(f, "add_rule", "errno(EPERM)", "read", c[1])
        assert.matches("bad argument #3 to 'add_rule'", msg)
        assert.matches(c[2], msg)
        assert.are.equal(seccomp.filter("allow"):export_bpf(), f:export_bpf())
      end)
    end

    it("builders check their arguments", function()
      assert.matches("argument index must be 0..5, got 6", H.message(seccomp.arg, 6))
      assert.matches("value must be an integer, got '1'", H.method_message(seccomp.arg(1), "eq", "1"))
      assert.matches("value must be an integer, got no value", H.method_message(seccomp.arg(1), "masked_eq", 1))
      assert.matches("value must be an integer, got nil", H.method_message(seccomp.arg(1), "masked_eq", 1, nil))
      assert.matches("one value expected", H.method_message(seccomp.arg(1), "eq", 1, 2))
    end)
  end)
end)
