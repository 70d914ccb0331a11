#!/bin/sh
# Build and run the src/bpf.c unit/differential tests with ASan+UBSan.
# Usage: fuzz/test.sh [-v] [--no-kernel] [--kernel-iters N]
set -eu
cd "$(dirname "$0")/.."
mkdir -p build
CC=${CC:-cc}
for cc in gcc clang; do   # the file must compile clean with both
	if command -v "$cc" >/dev/null 2>&1; then
		"$cc" -Wall -Wextra -Werror -std=c99 -D_GNU_SOURCE -fsyntax-only fuzz/test_bpf.c
	fi
done
$CC -std=c99 -D_GNU_SOURCE -Wall -Wextra -Werror -g -O1 \
	-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
	fuzz/test_bpf.c -o build/test_bpf -lseccomp
exec ./build/test_bpf "$@"
