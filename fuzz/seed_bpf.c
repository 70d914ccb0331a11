/*
 * seed_bpf.c - writes a seed corpus for fuzz_bpf.c: programs exported by
 * libseccomp for several arches and layouts, each with seccomp_data for a
 * few calls.  Built and run by fuzz/run.sh:  seed_bpf OUTDIR
 *
 * Seed format (fuzz_bpf.c): [flags][64-byte seccomp_data][program], flags
 * bit 0 = big-endian.  The programs are what the simulator meets in
 * practice: long "jeq #nr" chains (linear layout), binary trees
 * (optimize 2), multi-arch filters, 64-bit argument checks.
 */
#include "../src/bpf.c"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
#include <seccomp.h>

#ifndef SCMP_ACT_KILL_PROCESS
#define SCMP_ACT_KILL_PROCESS 0x80000000U
#endif

static int g_count;

static size_t export_prog(scmp_filter_ctx ctx, unsigned char *buf, size_t cap)
{
	ssize_t r;
	size_t len = 0;
	int fd = memfd_create("seed", 0);
	if (fd < 0 || seccomp_export_bpf(ctx, fd) != 0) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	lseek(fd, 0, SEEK_SET);
	while (len < cap && (r = read(fd, buf + len, cap - len)) > 0)
		len += (size_t)r;
	close(fd);
	return len;
}

static void write_seed(const char *dir, const char *name, int be, const unsigned char *data,
		       const unsigned char *prog, size_t len)
{
	char path[512];
	FILE *fh;
	unsigned char flags = (unsigned char)be;
	snprintf(path, sizeof path, "%s/seed-%s", dir, name);
	fh = fopen(path, "wb");
	if (fh == NULL)
		return;
	fwrite(&flags, 1, 1, fh);
	fwrite(data, 1, BPF_SC_DATA_SIZE, fh);
	fwrite(prog, 1, len, fh);
	fclose(fh);
	g_count++;
}

/* The filter of fuzz seeds: a mix of actions and argument conditions;
 * `wide` adds an allow-list of every syscall the arch has up to 300. */
static scmp_filter_ctx build(uint32_t arch, uint32_t arch2, int optimize, int wide)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(1));
	int nr, allowed = 0;
	if (ctx == NULL)
		return NULL;
	if (seccomp_arch_remove(ctx, SCMP_ARCH_NATIVE) != 0 || seccomp_arch_add(ctx, arch) != 0 ||
	    (arch2 && seccomp_arch_add(ctx, arch2) != 0))
		goto fail;
#if SCMP_VER_MAJOR > 2 || (SCMP_VER_MAJOR == 2 && SCMP_VER_MINOR >= 5)
	if (optimize)
		seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
#else
	(void)optimize;
#endif
#define R(act, name, ...) seccomp_rule_add(ctx, act, seccomp_syscall_resolve_name(name), __VA_ARGS__)
	R(SCMP_ACT_ALLOW, "read", 0);
	R(SCMP_ACT_ALLOW, "write", 1, SCMP_A0(SCMP_CMP_EQ, 1, 0));
	R(SCMP_ACT_ERRNO(13), "openat", 1, SCMP_A2(SCMP_CMP_MASKED_EQ, 0100, 0100));
	R(SCMP_ACT_KILL_PROCESS, "ptrace", 0);
	R(SCMP_ACT_TRAP, "mount", 0);
	R(SCMP_ACT_ALLOW, "dup3", 2, SCMP_A0(SCMP_CMP_GE, 0x100000005ull, 0), SCMP_A1(SCMP_CMP_GT, 7, 0));
	R(SCMP_ACT_ALLOW, "close", 1, SCMP_A0(SCMP_CMP_LT, 3, 0));
	R(SCMP_ACT_ERRNO(22), "lseek", 1, SCMP_A1(SCMP_CMP_NE, 0xffffffff00000000ull, 0));
#undef R
	for (nr = 0; wide && nr < 1024 && allowed < 300; nr++) {
		char *name = seccomp_syscall_resolve_num_arch(arch, nr);
		if (name != NULL) {
			int sys = seccomp_syscall_resolve_name(name);
			if (sys != __NR_SCMP_ERROR && seccomp_rule_add(ctx, SCMP_ACT_ALLOW, sys, 0) == 0)
				allowed++;
			free(name);
		}
	}
	return ctx;
fail:
	seccomp_release(ctx);
	return NULL;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		uint32_t arch, arch2;
	} arches[] = {
		{"x86_64", SCMP_ARCH_X86_64, 0},     {"x86_64+x86", SCMP_ARCH_X86_64, SCMP_ARCH_X86},
		{"x32", SCMP_ARCH_X32, 0},           {"aarch64", SCMP_ARCH_AARCH64, SCMP_ARCH_ARM},
		{"riscv64", SCMP_ARCH_RISCV64, 0},   {"s390x", SCMP_ARCH_S390X, SCMP_ARCH_S390},
		{"ppc64", SCMP_ARCH_PPC64, 0},       {"mips", SCMP_ARCH_MIPS, 0},
	};
	static const char *const calls[] = {"read", "write", "dup3", "lseek", "openat", "getpid"};
	static unsigned char prog[(BPF_SC_MAXINSNS + 1) * 8];
	size_t a, c;
	int optimize, wide;
	if (argc != 2) {
		fprintf(stderr, "usage: %s OUTDIR\n", argv[0]);
		return 2;
	}
	for (a = 0; a < sizeof arches / sizeof arches[0]; a++)
		for (optimize = 0; optimize <= 1; optimize++)
			for (wide = 0; wide <= 1; wide++) {
				uint32_t arch = arches[a].arch;
				int be = (arch & 0x40000000u) == 0;
				scmp_filter_ctx ctx = build(arch, arches[a].arch2, optimize, wide);
				size_t len = ctx ? export_prog(ctx, prog, sizeof prog) : 0;
				if (ctx)
					seccomp_release(ctx);
				if (len == 0 || len > BPF_SC_MAXINSNS * 8)
					continue;
				for (c = 0; c < sizeof calls / sizeof calls[0]; c++) {
					unsigned char data[BPF_SC_DATA_SIZE];
					uint64_t args[6] = {0x100000005ull, 8, 0100, 0, 0, 0};
					char name[96];
					int nr = seccomp_syscall_resolve_name_arch(arch, calls[c]);
					if (nr < 0)
						continue;
					bpf_pack_data(data, be, nr,
						      arch == SCMP_ARCH_X32 ? SCMP_ARCH_X86_64 : arch,
						      0x7f0012345678ull, args);
					snprintf(name, sizeof name, "%s-%s%s-%s", arches[a].name,
						 optimize ? "tree" : "linear", wide ? "-wide" : "",
						 calls[c]);
					write_seed(argv[1], name, be, data, prog, len);
				}
			}
	printf("seed_bpf: %d seeds in %s\n", g_count, argv[1]);
	return 0;
}
