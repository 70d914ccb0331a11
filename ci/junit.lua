-- ci/junit.lua FILE.xml: the counts of a JUnit XML report, as busted's
-- `-o junit -Xoutput FILE` and ctest's `--output-junit FILE` write it, for
-- ci/lib.sh.  Prints tab-separated lines:
--
--   counts  PASSED  FAILED  PENDING
--   pending NAME [WHY]                (one per skipped or not-run case; WHY
--                                      is the reason a case gave, if any)
--   failed  NAME  MESSAGE             (one per failed or erroring case, and
--                                      per error outside any case)
--
-- A case is passed unless it holds a <failure>, <error> or <skipped> element
-- (ctest: status "fail" / "notrun" / "disabled").  An <error> directly under a
-- <testsuite> (busted: an error in a describe block or while loading the
-- file) counts as a failed case.  Exits 1 when the file cannot be read or
-- parsed.
local xml = require "pl.xml"

local path = assert(arg[1], "usage: lua5.4 ci/junit.lua FILE.xml")
local fh = io.open(path, "rb")
local text = fh and fh:read("a")
if fh then fh:close() end
local doc = text and text:find("<testsuite", 1, true) and xml.parse(text, false)
if not doc then
  io.stderr:write("ci/junit.lua: no JUnit report in ", path, "\n")
  os.exit(1)
end

local function oneline(s)
  s = (s or ""):gsub("^%s+", "")
  return (s:match("^[^\n]*"):gsub("\t", " "))
end

local passed, failed, pending, out = 0, 0, 0, {}
local function case(node)
  local name = oneline(node.attr.name or "?")
  local verdict, message = "passed", nil
  for _, child in ipairs(node) do
    if type(child) == "table" then
      if child.tag == "failure" or child.tag == "error" then
        verdict, message = "failed", child.attr.message or child:get_text()
      elseif child.tag == "skipped" and verdict == "passed" then
        -- busted: the text of a pending() called inside a case says why
        verdict, message = "pending", child.attr.message or child:get_text()
      end
    end
  end
  local status = node.attr.status -- ctest's
  if status == "fail" then verdict = "failed"
  elseif (status == "notrun" or status == "disabled") and verdict == "passed" then verdict = "pending" end
  if verdict == "passed" then
    passed = passed + 1
  elseif verdict == "pending" then
    pending = pending + 1
    local why = oneline(message):gsub("^[^:\n]+:%d+: ", "")
    if why ~= "" and not name:find(why, 1, true) then name = name .. " [" .. why .. "]" end
    out[#out + 1] = "pending\t" .. name
  else
    failed = failed + 1
    out[#out + 1] = "failed\t" .. name .. "\t" .. oneline(message)
  end
end

local function suite(node)
  for _, child in ipairs(node) do
    if type(child) == "table" then
      if child.tag == "testsuite" then
        suite(child)
      elseif child.tag == "testcase" then
        case(child)
      elseif child.tag == "error" then
        failed = failed + 1
        out[#out + 1] = "failed\t(outside any case)\t" .. oneline(child.attr.message or child:get_text())
      end
    end
  end
end
suite(doc)

print(("counts\t%d\t%d\t%d"):format(passed, failed, pending))
for _, line in ipairs(out) do print(line) end
