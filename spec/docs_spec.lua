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

-- The README's OCI snippet opens examples/policies/container.json: run from
-- another directory against the module and the examples as CMake installs
-- them, with EXAMPLES set as the README says; and without it, it fails
-- naming the file.
describe("the README's OCI snippet", function()
  local core_so = assert(package.searchpath("seccomp.core", package.cpath))
  local build = core_so:gsub("/seccomp/core%.so$", "")
  local cmake_build = io.open(build .. "/cmake_install.cmake") ~= nil
  local it_cmake = H.gated(it, pending, H.gate(cmake_build, "needs the module's CMake build directory (" .. build .. ")"))

  it_cmake("runs outside the checkout with the installed examples", function()
    local section = assert(read("README.md"):match("\n## OCI and Docker profiles\n(.-)\n## "))
    local code = assert(section:match("```lua\n(.-)```"))
    assert.matches('os.getenv("EXAMPLES")', code, 1, true)
    local prefix, elsewhere = os.tmpname(), os.tmpname()
    os.remove(prefix)
    os.remove(elsewhere)
    assert.is_true(os.execute(("mkdir -p %s && env -u LD_PRELOAD cmake --install %s --prefix %s >/dev/null")
      :format(H.shellquote(elsewhere), H.shellquote(build), H.shellquote(prefix))))
    local v = _VERSION:match("%d+%.%d+")
    local snippet = H.file_with(code, ".lua")
    local function run(env)
      local out = os.tmpname()
      local ok, how, status = os.execute(("cd %s && env %s LUA_PATH=%s LUA_CPATH=%s "
        .. "ASAN_OPTIONS=\"${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0\" %s %s >%s 2>&1")
        :format(H.shellquote(elsewhere), env,
          H.shellquote(("%s/share/lua/%s/?.lua;%s/share/lua/%s/?/init.lua"):format(prefix, v, prefix, v)),
          H.shellquote(("%s/lib/lua/%s/?.so"):format(prefix, v)), H.lua, H.shellquote(snippet),
          H.shellquote(out)))
      local text = read(out)
      os.remove(out)
      return text, ok, how, status
    end
    local out, ok, how, status = run("EXAMPLES=" .. H.shellquote(prefix .. "/share/lua-seccomp/examples"))
    local out2, ok2, how2, status2 = run("-u EXAMPLES")
    os.execute("rm -rf " .. H.shellquote(prefix) .. " " .. H.shellquote(elsewhere))
    assert.are.same({ true, "exit", 0 }, { ok, how, status }, out)
    assert.matches("^allow\nunder the container profile\n{", out)
    -- the path relative to the checkout does not exist elsewhere, and says so
    assert.are.same({ nil, "exit", 1 }, { ok2, how2, status2 }, out2)
    assert.matches("examples/policies/container%.json: No such file or directory", out2)
  end)
end)
