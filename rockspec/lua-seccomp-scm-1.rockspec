rockspec_format = "3.0"
package = "lua-seccomp"
version = "scm-1"
source = {
  -- This rockspec builds a checkout with `luarocks make`.  ci/source-rock.sh
  -- points url at the checkout and runs `luarocks pack` for the source rock.
  url = "git+file:///dev/null",
}
description = {
  summary = "libseccomp for Lua: build, inspect, simulate, load and supervise seccomp filters",
  detailed = [[
    require "seccomp" gives Lua 5.4 (and 5.3) the whole of libseccomp: build a
    seccomp filter, read it back as PFC or BPF, test it without loading it,
    load it, run a child under it and supervise the child through user
    notification; policies can be written as plain Lua tables.
  ]],
  license = "MIT",
  labels = { "security", "seccomp", "sandbox", "linux" },
}
supported_platforms = { "linux" }
dependencies = {
  "lua >= 5.3, < 5.5",
}
external_dependencies = {
  LIBSECCOMP = { header = "seccomp.h", library = "seccomp" },
}
build = {
  type = "cmake",
  variables = {
    CMAKE_C_FLAGS = "$(CFLAGS)",
    LUA_INCDIR = "$(LUA_INCDIR)",
    LIBDIR = "$(LIBDIR)",
    LUADIR = "$(LUADIR)",
    LIBSECCOMP_INCDIR = "$(LIBSECCOMP_INCDIR)",
    LIBSECCOMP_LIBDIR = "$(LIBSECCOMP_LIBDIR)",
    INSTALL_CLI = "OFF", -- installed below, with LuaRocks' wrapper
    INSTALL_EXAMPLES = "OFF", -- copied below, into the rock's directory
  },
  install = {
    bin = { ["lua-seccomp"] = "bin/lua-seccomp" },
  },
  -- `luarocks --lua-version=5.4 show --rock-dir lua-seccomp` names the
  -- directory: the examples are in its examples/
  copy_directories = { "examples" },
}
test = {
  type = "command",
  command = "ci/test.sh",
}
