# CMake generated Testfile for 
# Source directory: /work/wt/failclosed
# Build directory: /work/wt/failclosed/build53
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
add_test(compat_spec "/usr/bin/lua5.3" "/usr/bin/busted" "--lpath=lua/?.lua;lua/?/init.lua;spec/?.lua" "--cpath=/work/wt/failclosed/build53/?.so" "spec/compat_spec.lua")
set_tests_properties(compat_spec PROPERTIES  WORKING_DIRECTORY "/work/wt/failclosed" _BACKTRACE_TRIPLES "/work/wt/failclosed/CMakeLists.txt;73;add_test;/work/wt/failclosed/CMakeLists.txt;0;")
add_test(conditions_spec "/usr/bin/lua5.3" "/usr/bin/busted" "--lpath=lua/?.lua;lua/?/init.lua;spec/?.lua" "--cpath=/work/wt/failclosed/build53/?.so" "spec/conditions_spec.lua")
set_tests_properties(conditions_spec PROPERTIES  WORKING_DIRECTORY "/work/wt/failclosed" _BACKTRACE_TRIPLES "/work/wt/failclosed/CMakeLists.txt;73;add_test;/work/wt/failclosed/CMakeLists.txt;0;")
add_test(enforce_spec "/usr/bin/lua5.3" "/usr/bin/busted" "--lpath=lua/?.lua;lua/?/init.lua;spec/?.lua" "--cpath=/work/wt/failclosed/build53/?.so" "spec/enforce_spec.lua")
set_tests_properties(enforce_spec PROPERTIES  WORKING_DIRECTORY "/work/wt/failclosed" _BACKTRACE_TRIPLES "/work/wt/failclosed/CMakeLists.txt;73;add_test;/work/wt/failclosed/CMakeLists.txt;0;")
add_test(filter_spec "/usr/bin/lua5.3" "/usr/bin/busted" "--lpath=lua/?.lua;lua/?/init.lua;spec/?.lua" "--cpath=/work/wt/failclosed/build53/?.so" "spec/filter_spec.lua")
set_tests_properties(filter_spec PROPERTIES  WORKING_DIRECTORY "/work/wt/failclosed" _BACKTRACE_TRIPLES "/work/wt/failclosed/CMakeLists.txt;73;add_test;/work/wt/failclosed/CMakeLists.txt;0;")
add_test(module_spec "/usr/bin/lua5.3" "/usr/bin/busted" "--lpath=lua/?.lua;lua/?/init.lua;spec/?.lua" "--cpath=/work/wt/failclosed/build53/?.so" "spec/module_spec.lua")
set_tests_properties(module_spec PROPERTIES  WORKING_DIRECTORY "/work/wt/failclosed" _BACKTRACE_TRIPLES "/work/wt/failclosed/CMakeLists.txt;73;add_test;/work/wt/failclosed/CMakeLists.txt;0;")
add_test(notify_spec "/usr/bin/lua5.3" "/usr/bin/busted" "--lpath=lua/?.lua;lua/?/init.lua;spec/?.lua" "--cpath=/work/wt/failclosed/build53/?.so" "spec/notify_spec.lua")
set_tests_properties(notify_spec PROPERTIES  WORKING_DIRECTORY "/work/wt/failclosed" _BACKTRACE_TRIPLES "/work/wt/failclosed/CMakeLists.txt;73;add_test;/work/wt/failclosed/CMakeLists.txt;0;")
add_test(policy_docs_spec "/usr/bin/lua5.3" "/usr/bin/busted" "--lpath=lua/?.lua;lua/?/init.lua;spec/?.lua" "--cpath=/work/wt/failclosed/build53/?.so" "spec/policy_docs_spec.lua")
set_tests_properties(policy_docs_spec PROPERTIES  WORKING_DIRECTORY "/work/wt/failclosed" _BACKTRACE_TRIPLES "/work/wt/failclosed/CMakeLists.txt;73;add_test;/work/wt/failclosed/CMakeLists.txt;0;")
add_test(policy_spec "/usr/bin/lua5.3" "/usr/bin/busted" "--lpath=lua/?.lua;lua/?/init.lua;spec/?.lua" "--cpath=/work/wt/failclosed/build53/?.so" "spec/policy_spec.lua")
set_tests_properties(policy_spec PROPERTIES  WORKING_DIRECTORY "/work/wt/failclosed" _BACKTRACE_TRIPLES "/work/wt/failclosed/CMakeLists.txt;73;add_test;/work/wt/failclosed/CMakeLists.txt;0;")
add_test(simulate_spec "/usr/bin/lua5.3" "/usr/bin/busted" "--lpath=lua/?.lua;lua/?/init.lua;spec/?.lua" "--cpath=/work/wt/failclosed/build53/?.so" "spec/simulate_spec.lua")
set_tests_properties(simulate_spec PROPERTIES  WORKING_DIRECTORY "/work/wt/failclosed" _BACKTRACE_TRIPLES "/work/wt/failclosed/CMakeLists.txt;73;add_test;/work/wt/failclosed/CMakeLists.txt;0;")
add_test(spawn_spec "/usr/bin/lua5.3" "/usr/bin/busted" "--lpath=lua/?.lua;lua/?/init.lua;spec/?.lua" "--cpath=/work/wt/failclosed/build53/?.so" "spec/spawn_spec.lua")
set_tests_properties(spawn_spec PROPERTIES  WORKING_DIRECTORY "/work/wt/failclosed" _BACKTRACE_TRIPLES "/work/wt/failclosed/CMakeLists.txt;73;add_test;/work/wt/failclosed/CMakeLists.txt;0;")
