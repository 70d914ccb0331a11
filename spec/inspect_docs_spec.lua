-- docs/inspect.md runs: every `lua` block is run in a child process and must
-- print what its `-->` comments say (the worked example dumps a child's
-- filter: it needs root and a test process without seccomp; the explain
-- and audit examples read a program captured from a container).
local seccomp = require "seccomp"
local H = require "helper"

local DOC = "docs/inspect.md"

local blocks = H.md_blocks(H.read(DOC), DOC)
local on_x86_64 = seccomp.native_arch() == seccomp.ARCH_X86_64

local DUMP = H.all(H.DUMP, H.gate(on_x86_64, "the page's output names x86_64"))

local function lua_blocks()
  local t = {}
  for _, b in ipairs(blocks) do
    if b.lang == "lua" then t[#t + 1] = b end
  end
  return t
end

local function run(b, opts)
  local expected = H.expected_output(b.text, H.squeeze)
  assert.is_true(#expected > 0, DOC .. ":" .. b.line .. " checks nothing")
  local out, ok, how, code = H.child(b.text, opts)
  local where = DOC .. ":" .. b.line
  assert.are.same({ true, "exit", 0 }, { ok, how, code }, where .. " failed:\n" .. out)
  assert.are.same(expected, H.lines_of(out, H.squeeze), where)
end

describe(DOC, function()
  it("has the lua blocks it is checked by", function()
    assert.are.equal(4, #lua_blocks())
    assert.matches("seccomp%.dump%(child%.pid%)", lua_blocks()[1].text)
    assert.matches("seccomp%.explain%(bpf%)", lua_blocks()[3].text)
    assert.matches("seccomp%.audit%(bpf%)", lua_blocks()[4].text)
  end)

  it("names the privilege each function needs", function()
    local text = H.read(DOC)
    for _, fn in ipairs { "status", "dump", "diff", "explain", "audit" } do
      assert.matches("\n| `seccomp%." .. fn .. "%([^\n]*|[^\n]*|[^\n]*|\n", text)
    end
    assert.matches("\n| `seccomp%.dump%(pid%)` |[^\n]*CAP_SYS_ADMIN", text)
  end)

  H.gated(it, pending, DUMP)("runs the worked example: dump a child's filter, diff it with its policy", function()
    run(lua_blocks()[1])
  end)

  H.gated(it, pending, DUMP)("runs the README's example", function()
    local section = H.read("README.md"):match("\n## Looking inside[^\n]*\n(.-)\n## ")
    local code = assert(section and section:match("```lua\n(.-)```"), "the README's example")
    run({ text = code, line = 0 })
  end)

  H.gated(it, pending, H.gate(on_x86_64, "the page's output names x86_64"))(
    "runs the comparison of two profiles, as user nobody", function()
    run(lua_blocks()[2], { nobody = true })
  end)

  H.gated(it, pending, H.gate(on_x86_64, "the program explained is an x86_64 one"))(
    "runs the explain and the audit of a container's filter, as user nobody", function()
    run(lua_blocks()[3], { nobody = true })
    run(lua_blocks()[4], { nobody = true })
  end)
end)
