#!/bin/sh
# Build the libFuzzer targets and run each for SECONDS: fuzz/fuzz_bpf.c
# (src/bpf.c) then fuzz/fuzz_gen.c (src/gen.c: random ledgers, the
# generated program must pass the checker and agree with the evaluator of
# fuzz/test_gen.c).
# Usage: fuzz/run.sh [SECONDS] [bpf|gen|all]   (default 180 all)
# Corpus: build/fuzz/corpus (seeded with libseccomp-exported programs by
# fuzz/seed_bpf.c).  Crash reproducers go to
# build/fuzz/artifacts/.  Exits non-zero if the fuzzer found a crash.
set -eu
SECS=${1:-180}
WHICH=${2:-all}
cd "$(dirname "$0")/.."
OUT=build/fuzz
mkdir -p "$OUT/corpus" "$OUT/artifacts"

clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-std=c99 -D_GNU_SOURCE -Wall -Wextra -Werror \
	fuzz/fuzz_bpf.c -o "$OUT/fuzz_bpf"

# --- seeds -----------------------------------------------------------------
# Seed format: [flags][64-byte seccomp_data][program]; flags bit0 = big-endian.
# Programs exported by libseccomp (fuzz/seed_bpf.c): x86_64, x86_64+x86, x32,
# aarch64+arm, riscv64, s390x+s390, ppc64, mips; linear and binary-tree
# layouts; with and without a 300-syscall allow-list (long jeq chains).
if cc -std=c99 -D_GNU_SOURCE -Wall -Wextra -Werror fuzz/seed_bpf.c -o "$OUT/seed_bpf" -lseccomp; then
	"./$OUT/seed_bpf" "$OUT/corpus"
else
	echo "run.sh: cannot build fuzz/seed_bpf.c (libseccomp-dev?); using a minimal built-in seed" >&2
fi
# Always: a tiny hand-made seed (ld [4]; jeq #x86_64; ret allow; ret kill), little-endian.
{
	printf '\000'
	head -c 64 /dev/zero
	printf '\040\000\000\000\004\000\000\000'
	printf '\025\000\000\001\076\000\000\300'
	printf '\006\000\000\000\000\000\377\177'
	printf '\006\000\000\000\000\000\000\000'
} > "$OUT/corpus/seed-handmade"

# --- run -------------------------------------------------------------------
rc=0
if [ "$WHICH" != gen ]; then
	"./$OUT/fuzz_bpf" -max_total_time="$SECS" -max_len=8192 -timeout=10 \
		-print_final_stats=1 -artifact_prefix="$OUT/artifacts/" \
		"$OUT/corpus" || rc=$?
fi
if [ "$WHICH" != bpf ]; then
	mkdir -p "$OUT/gen_corpus"
	clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-std=c99 -D_GNU_SOURCE -Wall -Wextra -Werror -Wno-unused-function \
		fuzz/fuzz_gen.c -o "$OUT/fuzz_gen" -lseccomp
	"./$OUT/fuzz_gen" -max_total_time="$SECS" -max_len=512 -timeout=20 \
		-print_final_stats=1 -artifact_prefix="$OUT/artifacts/" \
		"$OUT/gen_corpus" || rc=$?
fi
if ls "$OUT/artifacts/" 2>/dev/null | grep -q -E '^(crash|leak|timeout|oom)-'; then
	echo "run.sh: fuzzer artifacts found in $OUT/artifacts/" >&2
	[ "$rc" -ne 0 ] || rc=1
fi
exit "$rc"
