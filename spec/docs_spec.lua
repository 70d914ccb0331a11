-- The docs match the code: what a newcomer reads first (README, docs/) says
-- what the module does, and cites nothing the repository does not have.
local seccomp = require "seccomp"
local H = require "helper"

local read = H.read

describe("the project's text", function()
  it("cites no design file the repository does not have", function()
    local name = "DES" .. "IGN" -- not spelt out here, so that this file does not match itself
    local p = assert(io.popen("grep -rIl '" .. name .. "' README.md docs src lua spec types examples ci bench fuzz"
      .. " CMakeLists.txt rockspec 2>/dev/null"))
    local hits = p:read("a")
    p:close()
    assert.are.equal("", hits)
  end)

  it("shows every part of the C core in the README's layout, and each part in module.c", function()
    local readme = read("README.md")
    local layout = assert(readme:match("\n## Layout\n\n```\n(.-)```"), "the README's layout block")
    local module = read("src/module.c")
    local p = assert(io.popen("ls src"))
    local n = 0
    for file in p:lines() do
      n = n + 1
      assert.is_truthy(layout:find(file, 1, true), file .. " is not in the README's layout")
      if file:match("%.c$") and file ~= "module.c" then
        assert.is_truthy(module:find('#include "' .. file .. '"', 1, true), file .. " is not included by module.c")
      end
    end
    p:close()
    assert.is_true(n >= 20, "src/ has " .. n .. " files")
  end)

  it("has a Lua layer that never reads an error's text back (the core gives argument errors as tables)", function()
    for _, file in ipairs { "lua/seccomp/init.lua", "lua/seccomp/policy.lua", "lua/seccomp/oci.lua",
                            "lua/seccomp/located.lua" } do
      local src = read(file)
      assert.is_nil(src:find(":match%(\"bad argument"), file)
      assert.is_nil(src:find("find%(\"unknown attribute"), file)
      assert.is_nil(src:find("local function distance"), file) -- "did you mean" is the core's
    end
  end)

  it("annotates seccomp.disasm with both of its arguments", function()
    local init = read("lua/seccomp/init.lua")
    assert.matches("%-%-%-@field disasm fun%(bpf: string, arch_or_endian%?: [^)]*%): string", init)
    assert.matches("seccomp%.disasm%(bpf %[, arch_or_endian%]%)", read("docs/api.md"))
    -- and the second argument is real
    local bpf = seccomp.filter("allow"):export_bpf()
    assert.are.equal(seccomp.disasm(bpf), seccomp.disasm(bpf, "native"))
  end)

  it("shows the command that runs the specs it shows, with the tree's busted", function()
    local sim = read("docs/simulate.md")
    assert.matches("%-%- spec/sandbox_spec%.lua", sim)
    assert.matches("\n```sh\neval \"%$%(luarocks %-%-lua%-version=5%.4 %-%-tree=[^\n]*tree path%)\"\nbusted sandbox_spec%.lua\n```", sim)
    local readme = read("README.md")
    local section = readme:match("\n## Testing your policy with busted\n(.-)\n## ")
    assert.is_string(section)
    assert.matches("```lua\n.-describe%(.-```", section)
    assert.matches("\nbusted policy_spec%.lua\n", section)
  end)

  it("says where the policy examples run, with the set-up the README gives", function()
    assert.matches("luarocks %-%-lua%-version=5%.4 %-%-tree=[^)]*tree path", read("docs/policy.md"))
  end)

  it("says req.args counts from 1 while conditions count from arg0", function()
    assert.matches("`req%.args%[1%]` is `arg0`, `req%.args%[3%]` is `arg2`", read("docs/notify.md"))
  end)

  it("lists the calls that answer nil, message, as they do", function()
    local api = read("docs/api.md")
    assert.is_nil(api:find("Nothing is reported only by a return value", 1, true))
    for _, name in ipairs { "`seccomp.syscall`", "`child:kill`", "`seccomp.supports`" } do
      assert.is_truthy(api:find(name .. "[^\n]*", 1), name)
    end
    assert.are.same({ nil, "unknown syscall 'nosuchcall'" }, { seccomp.syscall("nosuchcall") })
  end)

  it("documents set_api's range check as the argument error it is", function()
    assert.matches("%(0 out of range 1%.%.255%)", select(2, pcall(seccomp.set_api, 0)))
    assert.matches("bad argument #1 to 'set_api' %(0 out of range 1%.%.255%)", read("docs/api.md"))
  end)

  it("quotes no performance figure in the README without its command, machine and date", function()
    local readme = read("README.md")
    local perf = readme:match("\n## Performance\n(.-)\n## ")
    assert.is_string(perf)
    if perf:find("%d×") or perf:find("%d+ M calls") then
      -- the machine and the date, once for the section
      assert.matches("nproc` %d+", perf)
      assert.matches("kernel%s+`%d+%.%d+[^`]*`", perf)
      assert.matches("%d%d%d%d%-%d%d%-%d%d", perf)
      -- and each figure on the row of its command
      for line in perf:gmatch("[^\n]+") do
        if line:find("%d×") or line:find("%d+ M calls") then
          assert.matches("`[^`]*bash bench/[%w_]+%.sh[^`]*`", line)
        end
      end
    end
  end)
end)
