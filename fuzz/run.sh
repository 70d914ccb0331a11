#!/bin/sh
# Build the libFuzzer target for src/bpf.c and run it.
# Usage: fuzz/run.sh [SECONDS]   (default 180)
# Corpus: build/fuzz/corpus (seeded with libseccomp-exported programs when a
# python3 with the `seccomp` module is available).  Crash reproducers go to
# build/fuzz/artifacts/.  Exits non-zero if the fuzzer found a crash.
set -eu
SECS=${1:-180}
cd "$(dirname "$0")/.."
OUT=build/fuzz
mkdir -p "$OUT/corpus" "$OUT/artifacts"

clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-std=c99 -D_GNU_SOURCE -Wall -Wextra -Werror \
	fuzz/fuzz_bpf.c -o "$OUT/fuzz_bpf"

# --- seeds -----------------------------------------------------------------
# Seed format: [flags][64-byte seccomp_data][program]; flags bit0 = big-endian.
PY=
for p in /usr/bin/python3 python3; do
	if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import seccomp' 2>/dev/null; then
		PY=$p; break
	fi
done
if [ -n "$PY" ]; then
	"$PY" - "$OUT/corpus" <<'PYEOF'
import os, struct, sys, tempfile
import seccomp
out = sys.argv[1]
A = seccomp.Arch
# (name, arch, big-endian, AUDIT_ARCH value, second arch for a 2-arch variant)
arches = [("x86_64", A.X86_64, 0, 0xc000003e, A.X86), ("aarch64", A.AARCH64, 0, 0xc00000b7, A.ARM),
          ("s390x", A.S390X, 1, 0x80000016, A.S390), ("ppc64", A.PPC64, 1, 0x80000015, A.PPC)]
for name, arch, be, audit, arch2 in arches:
    for variant in (0, 1):
        f = seccomp.SyscallFilter(seccomp.ERRNO(1))
        f.remove_arch(A.NATIVE)
        f.add_arch(arch)
        if variant:
            f.add_arch(arch2)
        f.add_rule(seccomp.ALLOW, "read")
        f.add_rule(seccomp.ALLOW, "write", seccomp.Arg(0, seccomp.EQ, 1))
        f.add_rule(seccomp.ERRNO(13), "openat", seccomp.Arg(2, seccomp.MASKED_EQ, 0o100, 0o100))
        f.add_rule(seccomp.KILL_PROCESS, "ptrace")
        f.add_rule(seccomp.TRAP, "mount")
        f.add_rule(seccomp.LOG, "getpid")
        f.add_rule(seccomp.ALLOW, "dup3", seccomp.Arg(0, seccomp.GE, 0x100000005),
                   seccomp.Arg(1, seccomp.GT, 7))
        f.add_rule(seccomp.ALLOW, "close", seccomp.Arg(0, seccomp.LT, 3))
        with tempfile.TemporaryFile() as t:
            f.export_bpf(t)
            t.seek(0)
            prog = t.read()
        for sysname, args in (("write", (1, 0, 0, 0, 0, 0)), ("dup3", (0x100000005, 8, 0, 0, 0, 0))):
            nr = seccomp.resolve_syscall(arch, sysname)
            data = struct.pack((">" if be else "<") + "iIQ6Q", nr, audit, 0x7f0012345678, *args)
            fn = os.path.join(out, "seed-%s-%d-%s" % (name, variant, sysname))
            with open(fn, "wb") as fh:
                fh.write(bytes([be]) + data + prog)
PYEOF
else
	echo "run.sh: no python3 with the seccomp module; using a minimal built-in seed" >&2
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
"./$OUT/fuzz_bpf" -max_total_time="$SECS" -max_len=4200 -timeout=10 \
	-print_final_stats=1 -artifact_prefix="$OUT/artifacts/" \
	"$OUT/corpus" || rc=$?
if ls "$OUT/artifacts/" 2>/dev/null | grep -q -E '^(crash|leak|timeout|oom)-'; then
	echo "run.sh: fuzzer artifacts found in $OUT/artifacts/" >&2
	[ "$rc" -ne 0 ] || rc=1
fi
exit "$rc"
