#!/bin/sh
# Build and run the C tests with ASan+UBSan: fuzz/test_bpf.c (src/bpf.c's
# interpreter, checker, disassembler) and fuzz/test_gen.c (src/gen.c's code
# generator).  Each prints "N passed, N failed"; the last line is their sum.
# Usage: fuzz/test.sh [-v] [--no-kernel] [--kernel-iters N]   (options for test_bpf)
# TEST_GEN_ARGS: options for test_gen (e.g. "--sets 500 --seed 7").
set -eu
cd "$(dirname "$0")/.."
mkdir -p build
CC=${CC:-cc}
for src in fuzz/test_bpf.c fuzz/test_gen.c; do
	for cc in gcc clang; do   # the files must compile clean with both
		if command -v "$cc" >/dev/null 2>&1; then
			"$cc" -Wall -Wextra -Werror -std=c99 -D_GNU_SOURCE -fsyntax-only "$src"
		fi
	done
done
for t in test_bpf test_gen; do
	$CC -std=c99 -D_GNU_SOURCE -Wall -Wextra -Werror -g -O1 \
		-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
		"fuzz/$t.c" -o "build/$t" -lseccomp
done
rc=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT
./build/test_bpf "$@" | tee "$out" || rc=1
l1=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$out" | tail -n 1)
# shellcheck disable=SC2086
./build/test_gen ${TEST_GEN_ARGS:-} | tee "$out" || rc=1
l2=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$out" | tail -n 1)
p=0 f=0
for l in "$l1" "$l2"; do
	if [ -n "$l" ]; then
		p=$((p + $(echo "$l" | cut -d' ' -f1))) f=$((f + $(echo "$l" | cut -d' ' -f3)))
	else
		f=$((f + 1))
	fi
done
echo "$p passed, $f failed"
exit "$rc"
