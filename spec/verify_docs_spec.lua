-- docs/verify.md runs: every `lua` block is run in a child process and must
-- print what its `-->` comments say.  The blocks include the two examples of
-- libseccomp compiling rules into a program that contradicts them, so this
-- spec also fails the day libseccomp compiles them right (then the page must
-- say which versions are affected).
local seccomp = require "seccomp"
local H = require "helper"

local DOC = "docs/verify.md"

local read = H.read

local normalize = H.squeeze

local blocks = H.md_blocks(read(DOC), DOC)
-- The page's examples name x86_64 and x86 (and the arch of their output).
local on_x86_64 = seccomp.native_arch() == seccomp.ARCH_X86_64 and it or pending

describe(DOC, function()
  it("has the lua blocks it is checked by", function()
    local n = 0
    for _, b in ipairs(blocks) do
      if b.lang == "lua" then n = n + 1 end
    end
    assert.are.equal(7, n)
  end)

  on_x86_64("runs every lua block, which prints what its --> comments say", function()
    local n = 0
    for _, b in ipairs(blocks) do
      if b.lang == "lua" then
        local expected = H.expected_output(b.text, normalize)
        assert.is_true(#expected > 0, DOC .. ":" .. b.line .. " checks nothing")
        local out, ok, how, code = H.child(b.text)
        local where = DOC .. ":" .. b.line
        assert.are.same({ true, "exit", 0 }, { ok, how, code }, where .. " failed:\n" .. out)
        assert.are.same(expected, H.lines_of(out, normalize), where)
        n = n + 1
      end
    end
    assert.are.equal(7, n)
  end)

  it("quotes the message the first example raises, as this libseccomp words it", function()
    local f = H.example1("libseccomp")
    local err = H.raises(f.export_bpf, f)
    local shown = read(DOC):match("The whole message of the first call reads `(.-)`%.")
    assert.is_string(shown)
    local version = table.concat({ seccomp.version() }, ".")
    local msg = err.message:gsub(version:gsub("%p", "%%%0"), "2.5.4", 1)
      :gsub(seccomp.arch_name(seccomp.native_arch()), "x86_64")
    assert.are.equal(normalize(shown), normalize(msg))
  end)
end)
