file(REMOVE_RECURSE
  "CMakeFiles/seccomp_core.dir/src/module.c.o"
  "CMakeFiles/seccomp_core.dir/src/module.c.o.d"
  "seccomp/core.pdb"
  "seccomp/core.so"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/seccomp_core.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
