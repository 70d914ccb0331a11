# Empty dependencies file for seccomp_core.
# This may be replaced when dependencies are built.
