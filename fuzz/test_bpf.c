/*
 * test_bpf.c - standalone tests for src/bpf.c (seccomp classic-BPF
 * decoder / checker / interpreter / disassembler).
 *
 * Build and run with fuzz/test.sh.  Prints "N passed, N failed" and exits
 * non-zero on failure.  `-v` dumps disassembly of the libseccomp programs.
 *
 * Sections:
 *   1. decode / pack_data byte layout (both byte orders)
 *   2. every instruction class executed by hand-written programs
 *   3. every bpf_check error (and the kernel's check_load_and_stores quirks)
 *   4. disassembler output
 *   5. real programs exported by libseccomp (x86_64, aarch64, s390x, ppc64,
 *      multi-arch x86_64+x86) run against many seccomp_data
 *   6. if the running kernel allows installing seccomp filters: differential
 *      tests against the kernel itself, both for load-time validation
 *      (bpf_check vs. prctl(PR_SET_SECCOMP) accepting the program) and for
 *      run-time semantics (random ALU/jump programs whose result is
 *      exfiltrated byte by byte through SECCOMP_RET_ERRNO).
 */
#include "../src/bpf.c"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <seccomp.h>

#include "check.h"

#define S(c, k) BPF_STMT((c), (k))
#define J(c, k, t, f) BPF_JUMP((c), (k), (t), (f))

#define ARCH_X86_64 0xc000003eu
#define ARCH_I386 0x40000003u
#define ARCH_AARCH64 0xc00000b7u
#define ARCH_S390X 0x80000016u
#define ARCH_PPC64 0x80000015u
#define RET_ALLOW 0x7fff0000u

/* ------------------------------------------------------------------ */

/* memory for an accelerator of the largest program */
static union {
	void *align;
	unsigned char b[sizeof(struct bpf_accel) + BPF_SC_MAXINSNS * (sizeof(struct bpf_chain_ent) +
			sizeof(struct bpf_chain) + 2 * sizeof(uint16_t))];
} g_accel_mem;

/* bpf_run, and the same run with the jump-chain accelerator, which must
 * agree on the result and the fault every time. */
static uint32_t run_both(const struct sock_filter *p, size_t n,
			 const unsigned char d[BPF_SC_DATA_SIZE], int be, const char **fault)
{
	const char *f1 = NULL, *f2 = NULL;
	uint32_t r1 = bpf_run(p, n, d, be, &f1), r2;
	if (n <= BPF_SC_MAXINSNS) {
		struct bpf_accel *a = bpf_accel_build(&g_accel_mem, p, n);
		r2 = bpf_run_accel(p, n, a, d, be, &f2);
		CHECK(r1 == r2 && f1 == f2, "accelerated run: 0x%08x/%s, plain 0x%08x/%s",
		      (unsigned)r2, f2 ? f2 : "-", (unsigned)r1, f1 ? f1 : "-");
	}
	if (fault)
		*fault = f1;
	return r1;
}

static uint32_t run_ex(const struct sock_filter *p, size_t n, int be, int32_t nr,
		       uint32_t arch, uint64_t ip, const uint64_t args[6], const char **fault)
{
	unsigned char d[BPF_SC_DATA_SIZE];
	bpf_pack_data(d, be, nr, arch, ip, args);
	return run_both(p, n, d, be, fault);
}

/* check + run, expect result, expect no fault */
static void expect_run(const char *name, const struct sock_filter *p, size_t n, int be,
		       int32_t nr, uint32_t arch, uint64_t ip, const uint64_t args[6],
		       uint32_t want)
{
	char err[128];
	const char *fault = "unset";
	uint32_t got;
	int rc = bpf_check(p, n, err, sizeof err);
	CHECK(rc == 0, "%s: bpf_check rejected: %s", name, err);
	got = run_ex(p, n, be, nr, arch, ip, args, &fault);
	CHECK(fault == NULL, "%s: fault %s", name, fault ? fault : "?");
	CHECK(got == want, "%s: got 0x%08x want 0x%08x", name, (unsigned)got, (unsigned)want);
}

#define EXPECT_RUN(name, prog, want) \
	expect_run(name, prog, NELEM(prog), 0, 0, 0, 0, NULL, want)

/* expect bpf_check failure whose message starts with "instruction <idx>:"
 * and contains `sub` */
static void expect_bad(const char *name, const struct sock_filter *p, size_t n, long idx,
		       const char *sub)
{
	char err[160], pre[48];
	int rc;
	memset(err, 'x', sizeof err);
	rc = bpf_check(p, n, err, sizeof err);
	CHECK(rc == -1, "%s: bpf_check accepted", name);
	if (rc != -1)
		return;
	if (idx >= 0) {
		snprintf(pre, sizeof pre, "instruction %ld: ", idx);
		CHECK(strncmp(err, pre, strlen(pre)) == 0, "%s: message '%s' lacks '%s'", name, err, pre);
	}
	CHECK(strstr(err, sub) != NULL, "%s: message '%s' lacks '%s'", name, err, sub);
}

#define EXPECT_BAD(name, prog, idx, sub) expect_bad(name, prog, NELEM(prog), idx, sub)

/* ------------------------------------------------------------------ */
/* 1. decode / pack                                                    */

static void test_decode_pack(void)
{
	static const unsigned char le[16] = {0x20, 0x00, 0x01, 0x02, 0x04, 0x00, 0x00, 0x00,
					     0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0x7f};
	static const unsigned char be[16] = {0x00, 0x20, 0x01, 0x02, 0x00, 0x00, 0x00, 0x04,
					     0x00, 0x06, 0x00, 0x00, 0x7f, 0xff, 0x00, 0x00};
	struct sock_filter out[BPF_SC_MAXINSNS];
	static unsigned char big[(BPF_SC_MAXINSNS + 1) * 8];
	size_t n = 99;
	const char *e;
	unsigned char d[BPF_SC_DATA_SIZE];
	uint64_t args[6] = {0x0102030405060708ull, 1, 2, 3, 4, 0xfffffffffffffffeull};
	int i;

	e = bpf_decode(le, 16, 0, out, &n);
	CHECK(e == NULL && n == 2, "decode le");
	CHECK(out[0].code == 0x20 && out[0].jt == 1 && out[0].jf == 2 && out[0].k == 4 &&
	      out[1].code == 0x06 && out[1].k == 0x7fff0000u, "decode le fields");
	e = bpf_decode(be, 16, 1, out, &n);
	CHECK(e == NULL && n == 2, "decode be");
	CHECK(out[0].code == 0x20 && out[0].jt == 1 && out[0].jf == 2 && out[0].k == 4 &&
	      out[1].code == 0x06 && out[1].k == 0x7fff0000u, "decode be fields");

	e = bpf_decode(le, 7, 0, out, &n);
	CHECK(e && strcmp(e, "program length 7 is not a multiple of 8") == 0, "decode len7: %s", e ? e : "NULL");
	CHECK(n == 0, "decode len7 n");
	e = bpf_decode(le, 0, 0, out, &n);
	CHECK(e && strcmp(e, "empty program") == 0, "decode empty: %s", e ? e : "NULL");
	e = bpf_decode(big, sizeof big, 0, out, &n);
	CHECK(e && strcmp(e, "program has 4097 instructions; the limit is 4096") == 0,
	      "decode big: %s", e ? e : "NULL");
	e = bpf_decode(big, BPF_SC_MAXINSNS * 8, 0, out, &n);
	CHECK(e == NULL && n == BPF_SC_MAXINSNS, "decode 4096");

	bpf_pack_data(d, 0, -1, ARCH_X86_64, 0x1122334455667788ull, args);
	CHECK(memcmp(d, "\xff\xff\xff\xff\x3e\x00\x00\xc0\x88\x77\x66\x55\x44\x33\x22\x11", 16) == 0,
	      "pack le header");
	CHECK(memcmp(d + 16, "\x08\x07\x06\x05\x04\x03\x02\x01", 8) == 0, "pack le arg0");
	CHECK(memcmp(d + 56, "\xfe\xff\xff\xff\xff\xff\xff\xff", 8) == 0, "pack le arg5");
	bpf_pack_data(d, 1, 3, ARCH_S390X, 0x1122334455667788ull, args);
	CHECK(memcmp(d, "\x00\x00\x00\x03\x80\x00\x00\x16\x11\x22\x33\x44\x55\x66\x77\x88", 16) == 0,
	      "pack be header");
	CHECK(memcmp(d + 16, "\x01\x02\x03\x04\x05\x06\x07\x08", 8) == 0, "pack be arg0");
	for (i = 1; i < 5; i++)
		CHECK(d[16 + 8 * i + 7] == i && d[16 + 8 * i] == 0, "pack be arg%d", i);
}

/* ------------------------------------------------------------------ */
/* 2. instruction semantics                                            */

static void test_loads(void)
{
	uint64_t args[6] = {0x1111111122222222ull, 0x3333333344444444ull, 0x5555555566666666ull,
			    0x7777777788888888ull, 0x99999999aaaaaaaaull, 0xbbbbbbbbccccccccull};
	uint64_t ip = 0xdeadbeefcafef00dull;
	int be;
	uint32_t k;
	for (be = 0; be <= 1; be++) {
		for (k = 0; k < 64; k += 4) {
			struct sock_filter p[] = {S(BPF_LD | BPF_W | BPF_ABS, k), S(BPF_RET | BPF_A, 0)};
			uint32_t want;
			char name[64];
			if (k == 0) want = 0xfffffff6u; /* nr = -10 */
			else if (k == 4) want = ARCH_S390X;
			else {
				uint64_t v = k < 16 ? ip : args[(k - 16) / 8];
				int hi = ((k & 4) != 0) != be;
				want = hi ? (uint32_t)(v >> 32) : (uint32_t)v;
			}
			snprintf(name, sizeof name, "ld [%u] be=%d", (unsigned)k, be);
			expect_run(name, p, 2, be, -10, ARCH_S390X, ip, args, want);
		}
	}
	{
		struct sock_filter p[] = {S(BPF_LD | BPF_W | BPF_LEN, 0), S(BPF_RET | BPF_A, 0)};
		EXPECT_RUN("ld #len", p, 64);
	}
	{
		struct sock_filter p[] = {S(BPF_LDX | BPF_W | BPF_LEN, 0), S(BPF_MISC | BPF_TXA, 0),
					  S(BPF_RET | BPF_A, 0)};
		EXPECT_RUN("ldx #len; txa", p, 64);
	}
	{
		struct sock_filter p[] = {S(BPF_LD | BPF_IMM, 0x12345678), S(BPF_RET | BPF_A, 0)};
		EXPECT_RUN("ld #imm", p, 0x12345678);
	}
	{
		struct sock_filter p[] = {S(BPF_LDX | BPF_IMM, 77), S(BPF_MISC | BPF_TXA, 0),
					  S(BPF_RET | BPF_A, 0)};
		EXPECT_RUN("ldx #imm; txa", p, 77);
	}
	{
		struct sock_filter p[] = {S(BPF_LD | BPF_IMM, 5), S(BPF_MISC | BPF_TAX, 0),
					  S(BPF_LD | BPF_IMM, 9), S(BPF_MISC | BPF_TXA, 0),
					  S(BPF_RET | BPF_A, 0)};
		EXPECT_RUN("tax/txa", p, 5);
	}
	{
		struct sock_filter p[] = {S(BPF_RET | BPF_A, 0)};
		EXPECT_RUN("A starts at 0", p, 0);
	}
	{
		struct sock_filter p[] = {S(BPF_MISC | BPF_TXA, 0), S(BPF_RET | BPF_A, 0)};
		EXPECT_RUN("X starts at 0", p, 0);
	}
	{
		/* scratch memory: every cell written by ST (even) / STX (odd),
		 * read back by LDX (even) / LD (odd) and folded into A */
		struct sock_filter p[16 * 2 + 1 + 16 * 3 + 1];
		size_t n = 0, i;
		uint32_t m[16], A = 0;
		for (i = 0; i < 16; i++) {
			m[i] = (uint32_t)(0x01010101u * (i + 1) + i * 7);
			p[n++] = (struct sock_filter)S(i % 2 ? BPF_LDX | BPF_IMM : BPF_LD | BPF_IMM, m[i]);
			p[n++] = (struct sock_filter)S(i % 2 ? BPF_STX : BPF_ST, (uint32_t)i);
		}
		p[n++] = (struct sock_filter)S(BPF_LD | BPF_IMM, 0);
		for (i = 0; i < 16; i++) {
			if (i % 2 == 0) { /* A = A*31 + M[i] */
				p[n++] = (struct sock_filter)S(BPF_LDX | BPF_MEM, (uint32_t)i);
				p[n++] = (struct sock_filter)S(BPF_ALU | BPF_MUL | BPF_K, 31);
				p[n++] = (struct sock_filter)S(BPF_ALU | BPF_ADD | BPF_X, 0);
				A = A * 31 + m[i];
			} else { /* A = A + M[i] via X */
				p[n++] = (struct sock_filter)S(BPF_MISC | BPF_TAX, 0);
				p[n++] = (struct sock_filter)S(BPF_LD | BPF_MEM, (uint32_t)i);
				p[n++] = (struct sock_filter)S(BPF_ALU | BPF_ADD | BPF_X, 0);
				A = A + m[i];
			}
		}
		p[n++] = (struct sock_filter)S(BPF_RET | BPF_A, 0);
		expect_run("scratch memory", p, n, 0, 0, 0, 0, NULL, A);
	}
}

struct alu_case {
	uint16_t op;
	uint32_t a, k, want;
};

static void test_alu(void)
{
	static const struct alu_case cases[] = {
		{BPF_ADD, 0xfffffff0u, 0x20, 0x10},
		{BPF_ADD, 1, 2, 3},
		{BPF_SUB, 1, 2, 0xffffffffu},
		{BPF_SUB, 10, 3, 7},
		{BPF_MUL, 0x10000, 0x10000, 0},
		{BPF_MUL, 0xffffffffu, 0xffffffffu, 1},
		{BPF_MUL, 7, 6, 42},
		{BPF_DIV, 100, 7, 14},
		{BPF_DIV, 0xffffffffu, 2, 0x7fffffffu},     /* unsigned */
		{BPF_DIV, 5, 0xffffffffu, 0},
		{BPF_AND, 0xf0f0f0f0u, 0xff00ff00u, 0xf000f000u},
		{BPF_OR, 0xf0f0f0f0u, 0x0f000000u, 0xfff0f0f0u},
		{BPF_XOR, 0xffff0000u, 0x0ff00ff0u, 0xf00f0ff0u},
		{BPF_LSH, 0x80000001u, 1, 2},
		{BPF_LSH, 1, 31, 0x80000000u},
		{BPF_LSH, 0x12345678u, 0, 0x12345678u},
		{BPF_RSH, 0x80000000u, 31, 1},   /* logical, not arithmetic */
		{BPF_RSH, 0xf0000000u, 4, 0x0f000000u},
	};
	size_t i;
	for (i = 0; i < NELEM(cases); i++) {
		const struct alu_case *c = &cases[i];
		char name[64];
		struct sock_filter pk[] = {S(BPF_LD | BPF_IMM, c->a),
					   S(BPF_ALU | c->op | BPF_K, c->k), S(BPF_RET | BPF_A, 0)};
		struct sock_filter px[] = {S(BPF_LDX | BPF_IMM, c->k), S(BPF_LD | BPF_IMM, c->a),
					   S(BPF_ALU | c->op | BPF_X, 0), S(BPF_RET | BPF_A, 0)};
		snprintf(name, sizeof name, "alu op 0x%x K case %zu", (unsigned)c->op, i);
		EXPECT_RUN(name, pk, c->want);
		snprintf(name, sizeof name, "alu op 0x%x X case %zu", (unsigned)c->op, i);
		EXPECT_RUN(name, px, c->want);
	}
	{
		struct sock_filter p[] = {S(BPF_LD | BPF_IMM, 5), S(BPF_ALU | BPF_NEG, 0),
					  S(BPF_RET | BPF_A, 0)};
		EXPECT_RUN("neg 5", p, 0xfffffffbu);
	}
	{
		struct sock_filter p[] = {S(BPF_ALU | BPF_NEG, 0), S(BPF_RET | BPF_A, 0)};
		EXPECT_RUN("neg 0", p, 0);
	}
	{
		/* shift by register uses X & 31 (kernel/bpf/core.c ALU_LSH_X) */
		struct sock_filter p[] = {S(BPF_LDX | BPF_IMM, 33), S(BPF_LD | BPF_IMM, 3),
					  S(BPF_ALU | BPF_LSH | BPF_X, 0), S(BPF_RET | BPF_A, 0)};
		EXPECT_RUN("lsh x=33", p, 6);
	}
	{
		struct sock_filter p[] = {S(BPF_LDX | BPF_IMM, 32), S(BPF_LD | BPF_IMM, 0x80),
					  S(BPF_ALU | BPF_RSH | BPF_X, 0), S(BPF_RET | BPF_A, 0)};
		EXPECT_RUN("rsh x=32", p, 0x80);
	}
	{
		/* run-time division by X == 0: the converted kernel program exits
		 * with A = 0, i.e. the filter returns 0 (SECCOMP_RET_KILL_THREAD) */
		struct sock_filter p[] = {S(BPF_LDX | BPF_IMM, 0), S(BPF_LD | BPF_IMM, 9),
					  S(BPF_ALU | BPF_DIV | BPF_X, 0), S(BPF_RET | BPF_K, RET_ALLOW)};
		EXPECT_RUN("div x=0 returns 0", p, 0);
	}
	{
		struct sock_filter p[] = {S(BPF_LD | BPF_IMM, 9), S(BPF_MISC | BPF_TAX, 0),
					  S(BPF_ALU | BPF_DIV | BPF_X, 0), S(BPF_RET | BPF_A, 0)};
		EXPECT_RUN("div x=A", p, 1);
	}
}

static void test_jumps(void)
{
	/* For each conditional op with K and X: A=a, K/X=k, ret 1 on true, 2 on false.
	 * The jump lands past a "ret 3" to make sure offsets are relative. */
	static const struct {
		uint16_t op;
		uint32_t a, k;
		int taken;
	} c[] = {
		{BPF_JEQ, 5, 5, 1}, {BPF_JEQ, 5, 6, 0},
		{BPF_JGT, 6, 5, 1}, {BPF_JGT, 5, 5, 0}, {BPF_JGT, 5, 0xffffffffu, 0},
		{BPF_JGT, 0xffffffffu, 5, 1}, /* unsigned compare, k "negative" */
		{BPF_JGT, 0x80000000u, 0x7fffffffu, 1},
		{BPF_JGE, 5, 5, 1}, {BPF_JGE, 4, 5, 0}, {BPF_JGE, 0xffffffffu, 0xffffffffu, 1},
		{BPF_JGE, 0x7fffffffu, 0x80000000u, 0},
		{BPF_JSET, 6, 2, 1}, {BPF_JSET, 6, 1, 0}, {BPF_JSET, 0x80000000u, 0x80000000u, 1},
		{BPF_JEQ, 0xffffffffu, 0xffffffffu, 1},
	};
	size_t i;
	for (i = 0; i < NELEM(c); i++) {
		char name[64];
		uint32_t want = c[i].taken ? 1 : 2;
		struct sock_filter pk[] = {
			S(BPF_LD | BPF_IMM, c[i].a),
			J(BPF_JMP | c[i].op | BPF_K, c[i].k, 2, 0),
			S(BPF_RET | BPF_K, 2),
			S(BPF_RET | BPF_K, 3),
			S(BPF_RET | BPF_K, 1),
		};
		struct sock_filter px[] = {
			S(BPF_LDX | BPF_IMM, c[i].k),
			S(BPF_LD | BPF_IMM, c[i].a),
			J(BPF_JMP | c[i].op | BPF_X, 0, 1, 2),
			S(BPF_RET | BPF_K, 3),
			S(BPF_RET | BPF_K, 1),
			S(BPF_RET | BPF_K, 2),
		};
		snprintf(name, sizeof name, "jump op 0x%x K case %zu", (unsigned)c[i].op, i);
		EXPECT_RUN(name, pk, want);
		snprintf(name, sizeof name, "jump op 0x%x X case %zu", (unsigned)c[i].op, i);
		EXPECT_RUN(name, px, want);
	}
	{
		struct sock_filter p[] = {S(BPF_JMP | BPF_JA, 2), S(BPF_RET | BPF_K, 1),
					  S(BPF_RET | BPF_K, 2), S(BPF_RET | BPF_K, 3)};
		EXPECT_RUN("ja +2", p, 3);
	}
	{
		struct sock_filter p[] = {S(BPF_JMP | BPF_JA, 0), S(BPF_RET | BPF_K, 1)};
		EXPECT_RUN("ja +0", p, 1);
	}
	{
		/* maximal forward conditional jumps (255) */
		static struct sock_filter p[300];
		size_t i2;
		for (i2 = 0; i2 < NELEM(p); i2++)
			p[i2] = (struct sock_filter)S(BPF_RET | BPF_K, (uint32_t)i2);
		p[0] = (struct sock_filter)J(BPF_JMP | BPF_JEQ | BPF_K, 0, 255, 254);
		expect_run("jt=255", p, NELEM(p), 0, 0, 0, 0, NULL, 256);
		p[0] = (struct sock_filter)J(BPF_JMP | BPF_JEQ | BPF_K, 1, 255, 254);
		expect_run("jf=254", p, NELEM(p), 0, 0, 0, 0, NULL, 255);
	}
	{
		struct sock_filter p[] = {S(BPF_RET | BPF_K, 0x00050007u), S(BPF_RET | BPF_K, 1)};
		EXPECT_RUN("ret k", p, 0x00050007u);
	}
}

/* ------------------------------------------------------------------ */
/* 3. check errors                                                     */

static void test_check(void)
{
	static const uint16_t disallowed[] = {
		BPF_ALU | BPF_MOD | BPF_K, BPF_ALU | BPF_MOD | BPF_X,
		BPF_LD | BPF_H | BPF_ABS, BPF_LD | BPF_B | BPF_ABS,
		BPF_LD | BPF_W | BPF_IND, BPF_LD | BPF_H | BPF_IND, BPF_LD | BPF_B | BPF_IND,
		BPF_LDX | BPF_B | BPF_MSH, BPF_RET | BPF_X, BPF_LDX | BPF_W | BPF_ABS,
		BPF_ALU | BPF_NEG | BPF_X, BPF_LD | BPF_H | BPF_IMM, BPF_JMP | BPF_JA | BPF_X,
		0x00f4 /* ALU 0xf0 */, 0x0100, 0xffff, 0x8020,
	};
	size_t i;
	char err[128];

	for (i = 0; i < NELEM(disallowed); i++) {
		struct sock_filter p[] = {S(BPF_LD | BPF_IMM, 1), S(BPF_LDX | BPF_IMM, 1),
					  S(disallowed[i], 1), S(BPF_RET | BPF_A, 0)};
		char name[48];
		snprintf(name, sizeof name, "opcode 0x%x disallowed", (unsigned)disallowed[i]);
		EXPECT_BAD(name, p, 2, "not allowed");
		if (disallowed[i] == (BPF_ALU | BPF_MOD | BPF_K))
			EXPECT_BAD("mod named", p, 2, "(mod)");
	}
	{
		struct sock_filter p[] = {S(BPF_LD | BPF_W | BPF_ABS, 64), S(BPF_RET | BPF_A, 0)};
		EXPECT_BAD("ld [64]", p, 0, "outside seccomp_data");
	}
	{
		struct sock_filter p[] = {S(BPF_LD | BPF_W | BPF_ABS, 0xfffff000u), S(BPF_RET | BPF_A, 0)};
		EXPECT_BAD("ld [SKF_AD_OFF]", p, 0, "outside seccomp_data");
	}
	{
		struct sock_filter p[] = {S(BPF_LD | BPF_W | BPF_ABS, 60), S(BPF_LD | BPF_W | BPF_ABS, 2),
					  S(BPF_RET | BPF_A, 0)};
		EXPECT_BAD("ld [2]", p, 1, "aligned");
	}
	{
		struct sock_filter p[] = {S(BPF_ALU | BPF_DIV | BPF_K, 0), S(BPF_RET | BPF_A, 0)};
		EXPECT_BAD("div #0", p, 0, "division by constant zero");
	}
	{
		struct sock_filter p[] = {S(BPF_ALU | BPF_LSH | BPF_K, 32), S(BPF_RET | BPF_A, 0)};
		EXPECT_BAD("lsh #32", p, 0, "shift by 32");
	}
	{
		struct sock_filter p[] = {S(BPF_ALU | BPF_RSH | BPF_K, 0xffffffffu), S(BPF_RET | BPF_A, 0)};
		EXPECT_BAD("rsh #-1", p, 0, "shift by");
	}
	{
		static const uint16_t memops[] = {BPF_ST, BPF_STX, BPF_LD | BPF_MEM, BPF_LDX | BPF_MEM};
		for (i = 0; i < NELEM(memops); i++) {
			struct sock_filter p[] = {S(BPF_ST, 15), S(memops[i], 16), S(BPF_RET | BPF_A, 0)};
			EXPECT_BAD("M[16]", p, 1, "scratch memory index 16");
		}
	}
	{
		struct sock_filter p[] = {S(BPF_JMP | BPF_JA, 1), S(BPF_RET | BPF_A, 0)};
		EXPECT_BAD("ja past end", p, 0, "jump out of range");
	}
	{
		struct sock_filter p[] = {S(BPF_RET | BPF_A, 0), S(BPF_JMP | BPF_JA, 0xffffffffu),
					  S(BPF_RET | BPF_A, 0)};
		EXPECT_BAD("ja huge", p, 1, "jump out of range");
	}
	{
		struct sock_filter p[] = {J(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0), S(BPF_RET | BPF_A, 0)};
		EXPECT_BAD("jt out of range", p, 0, "true branch");
	}
	{
		struct sock_filter p[] = {J(BPF_JMP | BPF_JSET | BPF_X, 0, 0, 2), S(BPF_RET | BPF_A, 0),
					  S(BPF_RET | BPF_A, 0)};
		EXPECT_BAD("jf out of range", p, 0, "false branch");
	}
	{
		struct sock_filter p[] = {S(BPF_RET | BPF_A, 0), S(BPF_LD | BPF_IMM, 0)};
		EXPECT_BAD("no final ret", p, 1, "does not end with a ret");
	}
	{
		struct sock_filter p[] = {S(BPF_LD | BPF_MEM, 3), S(BPF_RET | BPF_A, 0)};
		EXPECT_BAD("read unwritten", p, 0, "M[3]");
	}
	{
		/* written on only one path into the read */
		struct sock_filter p[] = {J(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 1), S(BPF_ST, 0),
					  S(BPF_LDX | BPF_MEM, 0), S(BPF_RET | BPF_A, 0)};
		EXPECT_BAD("read written on one path", p, 2, "M[0]");
	}
	{
		/* written on both paths: ok */
		struct sock_filter p[] = {J(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 2), S(BPF_ST, 0),
					  S(BPF_JMP | BPF_JA, 1), S(BPF_STX, 0),
					  S(BPF_LD | BPF_MEM, 0), S(BPF_RET | BPF_A, 0)};
		CHECK(bpf_check(p, NELEM(p), err, sizeof err) == 0, "both paths: %s", err);
	}
	{
		/* kernel quirk: after an unconditional jump, the (unreachable)
		 * next instruction starts with all cells valid */
		struct sock_filter p[] = {S(BPF_JMP | BPF_JA, 2), S(BPF_LD | BPF_MEM, 5),
					  S(BPF_RET | BPF_A, 0), S(BPF_RET | BPF_K, 0)};
		CHECK(bpf_check(p, NELEM(p), err, sizeof err) == 0, "unreachable read after ja: %s", err);
	}
	{
		/* ...but after a RET the fall-through state is kept (linear scan) */
		struct sock_filter p[] = {S(BPF_RET | BPF_K, 0), S(BPF_LD | BPF_MEM, 5),
					  S(BPF_RET | BPF_A, 0)};
		EXPECT_BAD("unreachable read after ret", p, 1, "M[5]");
	}
	{
		struct sock_filter p[] = {S(BPF_RET | BPF_K, 0)};
		CHECK(bpf_check(p, 0, err, sizeof err) == -1 && strstr(err, "empty"), "n=0: %s", err);
		CHECK(bpf_check(p, 4097, err, sizeof err) == -1 && strstr(err, "limit"), "n=4097: %s", err);
		CHECK(bpf_check(p, 1, NULL, 0) == 0, "NULL err buffer");
		CHECK(bpf_check(p, 1, err, 1) == 0, "tiny err buffer");
	}
	{
		struct sock_filter p[] = {S(BPF_ALU | BPF_DIV | BPF_K, 0), S(BPF_RET | BPF_A, 0)};
		err[0] = 'x';
		CHECK(bpf_check(p, 2, err, 8) == -1 && strlen(err) == 7, "truncated message");
	}
	{
		/* the longest legal program */
		static struct sock_filter p[BPF_SC_MAXINSNS];
		for (i = 0; i < BPF_SC_MAXINSNS; i++)
			p[i] = (struct sock_filter)S(BPF_ALU | BPF_ADD | BPF_K, 1);
		p[0] = (struct sock_filter)S(BPF_JMP | BPF_JA, BPF_SC_MAXINSNS - 2);
		p[BPF_SC_MAXINSNS - 1] = (struct sock_filter)S(BPF_RET | BPF_A, 0);
		CHECK(bpf_check(p, BPF_SC_MAXINSNS, err, sizeof err) == 0, "4096 insns: %s", err);
		CHECK(run_ex(p, BPF_SC_MAXINSNS, 0, 0, 0, 0, NULL, NULL) == 0, "ja over 4094");
		p[0] = (struct sock_filter)S(BPF_LD | BPF_IMM, 0);
		CHECK(run_ex(p, BPF_SC_MAXINSNS, 0, 0, 0, 0, NULL, NULL) == BPF_SC_MAXINSNS - 2,
		      "4094 adds");
	}
}

/* bpf_run on unchecked programs: faults, never out of bounds */
static void test_run_faults(void)
{
	static const struct sock_filter bad[][2] = {
		{S(BPF_LD | BPF_IMM, 0), S(BPF_LD | BPF_IMM, 0)},               /* falls off */
		{S(BPF_JMP | BPF_JA, 5), S(BPF_RET | BPF_A, 0)},                /* ja oob */
		{S(BPF_JMP | BPF_JA, 0xffffffffu), S(BPF_RET | BPF_A, 0)},
		{J(BPF_JMP | BPF_JEQ | BPF_K, 0, 200, 200), S(BPF_RET | BPF_A, 0)},
		{S(BPF_LD | BPF_W | BPF_ABS, 64), S(BPF_RET | BPF_A, 0)},
		{S(BPF_LD | BPF_W | BPF_ABS, 0xfffffffcu), S(BPF_RET | BPF_A, 0)},
		{S(BPF_LD | BPF_W | BPF_ABS, 1), S(BPF_RET | BPF_A, 0)},
		{S(BPF_ST, 16), S(BPF_RET | BPF_A, 0)},
		{S(BPF_LD | BPF_MEM, 0xffffffffu), S(BPF_RET | BPF_A, 0)},
		{S(BPF_ALU | BPF_DIV | BPF_K, 0), S(BPF_RET | BPF_A, 0)},
		{S(BPF_ALU | BPF_LSH | BPF_K, 32), S(BPF_RET | BPF_A, 0)},
		{S(BPF_ALU | BPF_MOD | BPF_K, 3), S(BPF_RET | BPF_K, 1)},
		{S(BPF_RET | BPF_X, 0), S(BPF_RET | BPF_K, 1)},
	};
	size_t i;
	for (i = 0; i < NELEM(bad); i++) {
		const char *fault = NULL;
		uint32_t r = run_ex(bad[i], 2, 0, 0, 0, 0, NULL, &fault);
		CHECK(r == 0 && fault != NULL, "unchecked program %zu: r=%u fault=%s", i, (unsigned)r,
		      fault ? fault : "NULL");
	}
	{
		/* unchecked read of an unwritten cell reads 0, no fault */
		struct sock_filter p[] = {S(BPF_LD | BPF_IMM, 7), S(BPF_LD | BPF_MEM, 9), S(BPF_RET | BPF_A, 0)};
		const char *fault = "x";
		CHECK(run_ex(p, 3, 0, 0, 0, 0, NULL, &fault) == 0 && fault == NULL, "unwritten cell");
	}
	{
		struct sock_filter p[] = {S(BPF_RET | BPF_K, 5)};
		CHECK(run_ex(p, 0, 0, 0, 0, 0, NULL, NULL) == 0, "n=0 with NULL fault ptr");
	}
}

/* ------------------------------------------------------------------ */
/* 4. disassembler                                                     */

static void expect_dis(const struct sock_filter *p, size_t n, size_t pc, int be, const char *want)
{
	char buf[128];
	bpf_disasm_insn(p, n, pc, be, buf, sizeof buf);
	CHECK(strcmp(buf, want) == 0, "disasm %zu: got '%s' want '%s'", pc, buf, want);
}

static void test_disasm(void)
{
	static const struct sock_filter p[] = {
		/* 0 */ S(BPF_LD | BPF_W | BPF_ABS, 4),
		/* 1 */ J(BPF_JMP | BPF_JEQ | BPF_K, 0xc000003eu, 0, 16),
		/* 2 */ S(BPF_LD | BPF_W | BPF_ABS, 0),
		/* 3 */ S(BPF_LD | BPF_W | BPF_ABS, 8),
		/* 4 */ S(BPF_LD | BPF_W | BPF_ABS, 12),
		/* 5 */ S(BPF_LD | BPF_W | BPF_ABS, 16),
		/* 6 */ S(BPF_LD | BPF_W | BPF_ABS, 60),
		/* 7 */ J(BPF_JMP | BPF_JGT | BPF_X, 0, 1, 2),
		/* 8 */ S(BPF_JMP | BPF_JA, 9),
		/* 9 */ S(BPF_ALU | BPF_ADD | BPF_K, 16),
		/* 10 */ S(BPF_ALU | BPF_XOR | BPF_X, 0),
		/* 11 */ S(BPF_ST, 3),
		/* 12 */ S(BPF_LDX | BPF_MEM, 3),
		/* 13 */ S(BPF_LD | BPF_H | BPF_ABS, 12),
		/* 14 */ S(BPF_RET | BPF_K, 0x00050001u),
		/* 15 */ S(BPF_RET | BPF_K, 0x80000000u),
		/* 16 */ S(BPF_RET | BPF_K, 0x7ff00007u),
		/* 17 */ S(BPF_RET | BPF_A, 0),
		/* 18 */ S(BPF_RET | BPF_K, 0x7fff0000u),
		/* 19 */ S(BPF_LD | BPF_W | BPF_LEN, 0),
		/* 20 */ S(BPF_ALU | BPF_NEG, 0),
		/* 21 */ S(BPF_RET | BPF_K, 0x12340000u),
		/* 22 */ J(BPF_JMP | BPF_JSET | BPF_K, 0x40, 0, 0),
	};
	size_t n = NELEM(p);
	char buf[8];
	expect_dis(p, n, 0, 0, "0000: ld  [4]            ; arch");
	expect_dis(p, n, 1, 0, "0001: jeq #0xc000003e, 2, 18 ; x86_64");
	expect_dis(p, n, 2, 0, "0002: ld  [0]            ; nr");
	expect_dis(p, n, 3, 0, "0003: ld  [8]            ; ip lo");
	expect_dis(p, n, 4, 0, "0004: ld  [12]           ; ip hi");
	expect_dis(p, n, 3, 1, "0003: ld  [8]            ; ip hi");
	expect_dis(p, n, 5, 0, "0005: ld  [16]           ; arg0 lo");
	expect_dis(p, n, 5, 1, "0005: ld  [16]           ; arg0 hi");
	expect_dis(p, n, 6, 0, "0006: ld  [60]           ; arg5 hi");
	expect_dis(p, n, 7, 0, "0007: jgt x, 9, 10");
	expect_dis(p, n, 8, 0, "0008: ja  18");
	expect_dis(p, n, 9, 0, "0009: add #0x10");
	expect_dis(p, n, 10, 0, "0010: xor x");
	expect_dis(p, n, 11, 0, "0011: st  M[3]");
	expect_dis(p, n, 12, 0, "0012: ldx M[3]");
	expect_dis(p, n, 13, 0, "0013: .word 0x0028, 0, 0, 0x0000000c");
	expect_dis(p, n, 14, 0, "0014: ret #0x00050001    ; errno(1)");
	expect_dis(p, n, 15, 0, "0015: ret #0x80000000    ; kill_process");
	expect_dis(p, n, 16, 0, "0016: ret #0x7ff00007    ; trace(7)");
	expect_dis(p, n, 17, 0, "0017: ret a");
	expect_dis(p, n, 18, 0, "0018: ret #0x7fff0000    ; allow");
	expect_dis(p, n, 19, 0, "0019: ld  #len           ; 64");
	expect_dis(p, n, 20, 0, "0020: neg");
	expect_dis(p, n, 21, 0, "0021: ret #0x12340000    ; unknown action, kills process");
	expect_dis(p, n, 22, 0, "0022: jset #0x40, 23, 23");
	expect_dis(p, n, 23, 0, "0023: <no instruction>");
	bpf_disasm_insn(p, n, 0, 0, buf, sizeof buf);
	CHECK(strcmp(buf, "0000: l") == 0, "disasm truncation '%s'", buf);
	{
		static const struct { uint32_t k; const char *s; } r[] = {
			{0x00000000u, "kill_thread"}, {0x00030000u, "trap"}, {0x00030005u, "trap(5)"},
			{0x7fc00000u, "notify"}, {0x7ffc0000u, "log"}, {0x0005ffffu, "errno(65535)"},
		};
		size_t i;
		for (i = 0; i < NELEM(r); i++) {
			struct sock_filter q[] = {S(BPF_RET | BPF_K, r[i].k)};
			char b[80];
			bpf_disasm_insn(q, 1, 0, 0, b, sizeof b);
			CHECK(strstr(b, r[i].s) != NULL, "ret annotation '%s' lacks %s", b, r[i].s);
		}
	}
	{
		/* every 16-bit opcode disassembles without overflow */
		unsigned c;
		int ok = 1;
		for (c = 0; c < 0x10000; c++) {
			struct sock_filter q[] = {{(uint16_t)c, 255, 255, 0xffffffffu}};
			char b[128];
			bpf_disasm_insn(q, 1, 0, c & 1, b, sizeof b);
			if (strlen(b) >= sizeof b - 1 || strncmp(b, "0000: ", 6) != 0)
				ok = 0;
			if (bpf_opcode_allowed((uint16_t)c) == (strstr(b, ".word") != NULL))
				ok = 0;
		}
		CHECK(ok, "all opcodes disassemble, .word iff not allowed");
	}
}

/* ------------------------------------------------------------------ */
/* 4b. the jump-chain accelerator                                      */

static uint64_t g_arng = 0x2545f4914f6cdd1dull;
static uint32_t arnd(uint32_t m)
{
	g_arng ^= g_arng << 13;
	g_arng ^= g_arng >> 7;
	g_arng ^= g_arng << 17;
	return (uint32_t)(g_arng >> 11) % m;
}

/*
 * Random programs shaped like libseccomp's and worse: "ld [0]", then long
 * runs of jeq #k with repeated k values, false branches that mostly fall
 * through but sometimes skip ahead (chains that share a tail, members
 * claimed by an earlier chain), a few ja and jgt into the middle of a
 * chain, and a block of distinct rets.  Every accelerated run must match
 * the plain one (run_both), for A equal to every k and to values between.
 */
static void test_accel(void)
{
	static struct sock_filter p[BPF_SC_MAXINSNS];
	int round, bad_before = g_failed;
	size_t runs = 0;
	for (round = 0; round < 300; round++) {
		size_t nret = 1 + arnd(40), body = 2 + arnd(round < 200 ? 300 : 3000), n, i;
		uint32_t ks[16];
		char err[160];
		for (i = 0; i < NELEM(ks); i++)
			ks[i] = arnd(4) == 0 ? 0xffffffffu - arnd(3) : arnd(50);
		n = 1 + body + nret;
		p[0] = (struct sock_filter)S(BPF_LD | BPF_W | BPF_ABS, 0);
		for (i = 1; i <= body; i++) {
			size_t left = n - i - 1;                   /* instructions after i */
			size_t to_ret = (1 + body) - i - 1;         /* distance to the first ret - 1 */
			uint32_t jt = (uint32_t)(to_ret + arnd((uint32_t)nret));
			uint32_t jf = arnd(6) == 0 ? arnd(4) : 0;
			if (jt > 255)
				jt = (uint32_t)(left < 255 ? left : 255) - arnd(3);
			if (jf > left - 1)
				jf = 0;
			uint32_t r = arnd(5);
			switch (arnd(20)) {
			case 0:
				p[i] = (struct sock_filter)S(BPF_JMP | BPF_JA, r < left ? r : 0);
				break;
			case 1:
				p[i] = (struct sock_filter)J(BPF_JMP | BPF_JGT | BPF_K, ks[arnd(16)],
							     (uint8_t)(jf + r < left ? jf + r : 0),
							     (uint8_t)jf);
				break;
			default:
				p[i] = (struct sock_filter)J(BPF_JMP | BPF_JEQ | BPF_K, ks[arnd(16)],
							     (uint8_t)(jt < left ? jt : 0), (uint8_t)jf);
				break;
			}
		}
		for (i = 1 + body; i < n; i++)
			p[i] = (struct sock_filter)S(BPF_RET | BPF_K, 0x7fff0000u + (uint32_t)i);
		if (bpf_check(p, n, err, sizeof err) != 0) {
			CHECK(0, "accel round %d: generated program rejected: %s", round, err);
			continue;
		}
		for (i = 0; i < NELEM(ks) + 8; i++) {
			uint32_t a = i < NELEM(ks) ? ks[i] : arnd(60) + (i & 1 ? 0xfffffff0u : 0);
			run_ex(p, n, (int)(i & 1), (int32_t)a, 0, 0, NULL, NULL);
			runs++;
		}
	}
	CHECK(g_failed == bad_before, "accelerator agrees on %zu runs of random chain programs", runs);
}

/* ------------------------------------------------------------------ */
/* 5. libseccomp-exported programs                                     */

static int export_prog(scmp_filter_ctx ctx, int be, struct sock_filter *out, size_t *n)
{
	unsigned char buf[BPF_SC_MAXINSNS * 8 + 8];
	ssize_t len = 0, r;
	int fd = memfd_create("bpf", 0);
	const char *e;
	if (fd < 0)
		return -1;
	if (seccomp_export_bpf(ctx, fd) != 0) {
		close(fd);
		return -1;
	}
	lseek(fd, 0, SEEK_SET);
	while ((r = read(fd, buf + len, sizeof buf - (size_t)len)) > 0)
		len += r;
	close(fd);
	e = bpf_decode(buf, (size_t)len, be, out, n);
	if (e) {
		printf("decode: %s\n", e);
		return -1;
	}
	return 0;
}

struct sc_case {
	const char *sys;
	uint64_t a[6];
	uint32_t want;
};

#define A0(x) {(x), 0, 0, 0, 0, 0}
#define A01(x, y) {(x), (y), 0, 0, 0, 0}
#define A2(x) {0, 0, (x), 0, 0, 0}

static const struct sc_case sc_cases[] = {
	{"read", {1, 2, 3, 4, 5, 6}, SCMP_ACT_ALLOW},
	{"write", A0(1), SCMP_ACT_ALLOW},
	{"write", A0(2), SCMP_ACT_ERRNO(1)},
	{"write", A0(0x100000001ull), SCMP_ACT_ERRNO(1)},
	{"openat", A2(O_CREAT | O_RDWR), SCMP_ACT_ERRNO(13)},
	{"openat", A2(O_RDONLY), SCMP_ACT_ERRNO(1)},
	{"ptrace", A0(0), SCMP_ACT_KILL_PROCESS},
	{"mount", A0(0), SCMP_ACT_TRAP},
	{"getpid", A0(0), SCMP_ACT_LOG},
	{"getuid", A0(0), SCMP_ACT_TRACE(7)},
	{"close", A0(2), SCMP_ACT_ALLOW},
	{"close", A0(3), SCMP_ACT_ERRNO(1)},
	{"close", A0(0x100000000ull), SCMP_ACT_ERRNO(1)},
	{"dup", A0(5), SCMP_ACT_ERRNO(1)},
	{"dup", A0(6), SCMP_ACT_ALLOW},
	{"dup", A0(0x100000005ull), SCMP_ACT_ALLOW},
	{"dup3", A01(0x100000005ull, 8), SCMP_ACT_ALLOW},
	{"dup3", A01(0x100000005ull, 7), SCMP_ACT_ERRNO(1)},
	{"dup3", A01(0x100000004ull, 8), SCMP_ACT_ERRNO(1)},
	{"dup3", A01(0x200000000ull, 0x100000000ull), SCMP_ACT_ALLOW},
	{"lseek", A0(10), SCMP_ACT_ERRNO(22)},
	{"lseek", A0(0), SCMP_ACT_ERRNO(22)},
	{"lseek", A0(11), SCMP_ACT_ERRNO(1)},
	{"lseek", A0(0xffffffff00000000ull), SCMP_ACT_ERRNO(1)},
	{"getppid", A0(0), SCMP_ACT_ERRNO(1)},
};

static scmp_filter_ctx build_filter(uint32_t arch, int optimize)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(1));
	int rc = 0;
	if (!ctx)
		return NULL;
	if (arch != SCMP_ARCH_NATIVE) {
		rc |= seccomp_arch_remove(ctx, SCMP_ARCH_NATIVE);
		rc |= seccomp_arch_add(ctx, arch);
	}
	if (optimize)
		rc |= seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
#define R(act, name, ...) \
	rc |= seccomp_rule_add(ctx, act, seccomp_syscall_resolve_name(name), __VA_ARGS__)
	R(SCMP_ACT_ALLOW, "read", 0);
	R(SCMP_ACT_ALLOW, "write", 1, SCMP_A0(SCMP_CMP_EQ, 1, 0));
	R(SCMP_ACT_ERRNO(13), "openat", 1, SCMP_A2(SCMP_CMP_MASKED_EQ, O_CREAT, O_CREAT));
	R(SCMP_ACT_KILL_PROCESS, "ptrace", 0);
	R(SCMP_ACT_TRAP, "mount", 0);
	R(SCMP_ACT_LOG, "getpid", 0);
	R(SCMP_ACT_TRACE(7), "getuid", 0);
	R(SCMP_ACT_ALLOW, "close", 1, SCMP_A0(SCMP_CMP_LT, 3, 0));
	R(SCMP_ACT_ALLOW, "dup", 1, SCMP_A0(SCMP_CMP_NE, 5, 0));
	R(SCMP_ACT_ALLOW, "dup3", 2, SCMP_A0(SCMP_CMP_GE, 0x100000005ull, 0), SCMP_A1(SCMP_CMP_GT, 7, 0));
	R(SCMP_ACT_ERRNO(22), "lseek", 1, SCMP_A0(SCMP_CMP_LE, 10, 0));
#undef R
	if (rc != 0) {
		printf("libseccomp filter setup failed (%d)\n", rc);
		seccomp_release(ctx);
		return NULL;
	}
	return ctx;
}

static void dump(const char *title, const struct sock_filter *p, size_t n, int be)
{
	size_t i;
	char b[128];
	if (!g_verbose)
		return;
	printf("--- %s (%zu insns)\n", title, n);
	for (i = 0; i < n; i++) {
		bpf_disasm_insn(p, n, i, be, b, sizeof b);
		printf("%s\n", b);
	}
}

static void test_libseccomp_arch(const char *aname, uint32_t arch, int be, int optimize)
{
	static struct sock_filter p[BPF_SC_MAXINSNS];
	size_t n = 0, i;
	char err[128], title[64];
	uint32_t badarch = 0;
	scmp_filter_ctx ctx = build_filter(arch, optimize);
	CHECK(ctx != NULL, "%s: build filter", aname);
	if (!ctx)
		return;
	CHECK(export_prog(ctx, be, p, &n) == 0, "%s: export", aname);
	CHECK(seccomp_attr_get(ctx, SCMP_FLTATR_ACT_BADARCH, &badarch) == 0, "badarch attr");
	snprintf(title, sizeof title, "%s%s", aname, optimize ? " (binary tree)" : "");
	dump(title, p, n, be);
	CHECK(bpf_check(p, n, err, sizeof err) == 0, "%s: check: %s", title, err);
	for (i = 0; i < n; i++) {
		char b[128];
		bpf_disasm_insn(p, n, i, be, b, sizeof b);
		CHECK(strstr(b, ".word") == NULL, "%s: disasm %s", title, b);
	}
	{
		char b[128];
		bpf_disasm_insn(p, n, 0, be, b, sizeof b);
		CHECK(strstr(b, "; arch") != NULL, "%s: first insn '%s'", title, b);
		bpf_disasm_insn(p, n, 1, be, b, sizeof b);
		CHECK(strstr(b, aname) != NULL, "%s: arch jeq '%s'", title, b);
	}
	for (i = 0; i < NELEM(sc_cases); i++) {
		const struct sc_case *c = &sc_cases[i];
		int nr = seccomp_syscall_resolve_name_arch(arch, c->sys);
		const char *fault = "x";
		uint32_t got;
		CHECK(nr >= 0, "%s: resolve %s", title, c->sys);
		got = run_ex(p, n, be, nr, arch, 0x7f0012345678ull, c->a, &fault);
		CHECK(fault == NULL && got == c->want,
		      "%s: %s(0x%llx, 0x%llx, 0x%llx) -> 0x%08x want 0x%08x", title, c->sys,
		      (unsigned long long)c->a[0], (unsigned long long)c->a[1],
		      (unsigned long long)c->a[2], (unsigned)got, (unsigned)c->want);
	}
	{
		/* wrong architecture -> SCMP_FLTATR_ACT_BADARCH */
		uint32_t other = arch == ARCH_AARCH64 ? ARCH_X86_64 : ARCH_AARCH64;
		uint32_t got = run_ex(p, n, be, 0, other, 0, NULL, NULL);
		CHECK(got == badarch, "%s: bad arch -> 0x%08x want 0x%08x", title, (unsigned)got,
		      (unsigned)badarch);
	}
	{
		/* the same bytes read with the wrong byte order: the arch check
		 * must fail (the data is also packed in the wrong order) */
		int nr = seccomp_syscall_resolve_name_arch(arch, "read");
		unsigned char d[BPF_SC_DATA_SIZE];
		uint32_t got;
		bpf_pack_data(d, !be, nr, arch, 0, NULL);
		got = bpf_run(p, n, d, be, NULL);
		CHECK(got == badarch, "%s: data in wrong byte order -> 0x%08x", title, (unsigned)got);
	}
	if (arch == ARCH_X86_64) {
		/* x32 syscall numbers on an x86_64-only filter */
		int nr = seccomp_syscall_resolve_name_arch(arch, "read");
		uint32_t got = run_ex(p, n, be, nr | 0x40000000, arch, 0, NULL, NULL);
		CHECK(got == badarch, "%s: x32 nr -> 0x%08x want badarch", title, (unsigned)got);
	}
	seccomp_release(ctx);
}

static void test_libseccomp_multiarch(void)
{
	static struct sock_filter p[BPF_SC_MAXINSNS];
	size_t n = 0;
	char err[128];
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	int rc = 0;
	CHECK(ctx != NULL, "multiarch init");
	if (!ctx)
		return;
	rc |= seccomp_arch_remove(ctx, SCMP_ARCH_NATIVE);
	rc |= seccomp_arch_add(ctx, SCMP_ARCH_X86_64);
	rc |= seccomp_arch_add(ctx, SCMP_ARCH_X86);
	rc |= seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_TRAP);
	rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, seccomp_syscall_resolve_name("read"), 0);
	rc |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(9), seccomp_syscall_resolve_name("write"), 1,
			       SCMP_A0(SCMP_CMP_EQ, 2, 0));
	CHECK(rc == 0, "multiarch rules");
	CHECK(export_prog(ctx, 0, p, &n) == 0, "multiarch export");
	dump("x86_64+x86", p, n, 0);
	CHECK(bpf_check(p, n, err, sizeof err) == 0, "multiarch check: %s", err);
	{
		static const struct {
			uint32_t arch;
			const char *sys;
			uint64_t a0;
			uint32_t want;
		} c[] = {
			{ARCH_X86_64, "read", 0, SCMP_ACT_ALLOW},
			{ARCH_I386, "read", 0, SCMP_ACT_ALLOW},
			{ARCH_X86_64, "write", 2, SCMP_ACT_ERRNO(9)},
			{ARCH_I386, "write", 2, SCMP_ACT_ERRNO(9)},
			{ARCH_I386, "write", 3, SCMP_ACT_KILL_PROCESS},
			{ARCH_I386, "close", 0, SCMP_ACT_KILL_PROCESS},
			{ARCH_AARCH64, "read", 0, SCMP_ACT_TRAP},
		};
		size_t i;
		for (i = 0; i < NELEM(c); i++) {
			uint64_t a[6] = {c[i].a0, 0, 0, 0, 0, 0};
			uint32_t sarch = c[i].arch == ARCH_AARCH64 ? ARCH_X86_64 : c[i].arch;
			int nr = seccomp_syscall_resolve_name_arch(sarch, c[i].sys);
			uint32_t got = run_ex(p, n, 0, nr, c[i].arch, 0, a, NULL);
			CHECK(got == c[i].want, "multiarch case %zu: %s nr %d -> 0x%08x want 0x%08x", i,
			      c[i].sys, nr, (unsigned)got, (unsigned)c[i].want);
		}
		{
			/* the i386 "write" number (4) under x86_64 is "stat" */
			uint32_t got = run_ex(p, n, 0, 4, ARCH_X86_64, 0, NULL, NULL);
			CHECK(got == SCMP_ACT_KILL_PROCESS, "x86_64 nr 4 -> 0x%08x", (unsigned)got);
		}
	}
	seccomp_release(ctx);
}

/* ------------------------------------------------------------------ */
/* 6. differential tests against the running kernel                    */

static uint64_t g_rng = 0x9e3779b97f4a7c15ull;
static uint32_t rnd(void)
{
	g_rng ^= g_rng << 13;
	g_rng ^= g_rng >> 7;
	g_rng ^= g_rng << 17;
	return (uint32_t)(g_rng >> 16);
}
static uint32_t rnd_k(void)
{
	static const uint32_t interesting[] = {0, 1, 2, 3, 7, 8, 31, 32, 33, 63, 64, 0xff,
					       0x7fffffffu, 0x80000000u, 0x80000001u,
					       0xfffffffeu, 0xffffffffu, 0x10000, 0xffff};
	switch (rnd() % 3) {
	case 0: return interesting[rnd() % NELEM(interesting)];
	case 1: return rnd() % 100;
	default: return rnd();
	}
}

/*
 * In a child about to install an arbitrary filter: make the fatal signals
 * used to die without syscalls (SIGILL from __builtin_trap) take their default
 * action.  Done with the raw syscall, bypassing sanitizer interceptors: a
 * sanitizer's own deadly-signal handler would otherwise spin forever when the
 * filter denies every syscall, exit_group included.
 */
static void child_default_signals(void)
{
	static const int sigs[] = {SIGILL, SIGSEGV, SIGBUS, SIGTRAP, SIGFPE, SIGSYS, SIGABRT};
	struct { void *handler; unsigned long flags; void *restorer; uint64_t mask; } ksa;
	size_t i;
	memset(&ksa, 0, sizeof ksa); /* SIG_DFL */
	for (i = 0; i < NELEM(sigs); i++)
		syscall(SYS_rt_sigaction, sigs[i], &ksa, NULL, sizeof ksa.mask);
}

/* waitpid with a deadline; SIGKILLs the child when it passes.  Returns 0 and
 * the status, or 1 if the child had to be killed. */
static int wait_deadline(pid_t pid, int *st, int seconds)
{
	int i;
	for (i = 0; i < seconds * 1000; i++) {
		pid_t r = waitpid(pid, st, WNOHANG);
		if (r == pid)
			return 0;
		if (r < 0)
			break;
		usleep(1000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, st, 0);
	return 1;
}

/* 1: kernel accepted, 0: rejected with EINVAL, -1: unusable result */
static int kernel_accepts(const struct sock_filter *p, size_t n)
{
	struct sock_fprog fp;
	pid_t pid;
	int st;
	fp.len = (unsigned short)n;
	fp.filter = (struct sock_filter *)(uintptr_t)p;
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		child_default_signals();
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
			_exit(12);
		if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fp) != 0)
			_exit(errno == EINVAL ? 10 : 11);
		/* filter installed: exit however the filter lets us */
		syscall(SYS_exit_group, 0);
		for (;;)
			__builtin_trap();
	}
	if (wait_deadline(pid, &st, 10))
		return 1; /* only code after a successful install can hang */
	if (WIFEXITED(st) && WEXITSTATUS(st) == 10)
		return 0;
	if (WIFEXITED(st) && (WEXITSTATUS(st) == 11 || WEXITSTATUS(st) == 12))
		return -1;
	return 1;
}

static int kernel_available(void)
{
	struct sock_filter ok[] = {S(BPF_RET | BPF_K, RET_ALLOW)};
	struct sock_filter bad[] = {S(BPF_ALU | BPF_MOD | BPF_K, 3), S(BPF_RET | BPF_K, RET_ALLOW)};
	return kernel_accepts(ok, 1) == 1 && kernel_accepts(bad, 2) == 0;
}

#define MARKER_NR SYS_getppid
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define HOST_BE 1
#else
#define HOST_BE 0
#endif

/*
 * Run full program p (which returns BPF_SC_RET_ERRNO | 0x100 | byte for the
 * marker syscall, byte selected by arg5 = 0/8/16/24) in a child: returns the
 * 4 bytes as a word, or sets *killed if the child died of SIGSYS.
 * Returns -1 if the experiment itself failed.
 */
static int kernel_eval(const struct sock_filter *p, size_t n, const uint64_t args[5],
		       uint32_t *value, int *killed)
{
	int pfd[2], st;
	pid_t pid;
	struct sock_fprog fp;
	uint32_t buf[4];
	ssize_t r;
	int i;
	fp.len = (unsigned short)n;
	fp.filter = (struct sock_filter *)(uintptr_t)p;
	if (pipe(pfd) != 0)
		return -1;
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		close(pfd[0]);
		child_default_signals();
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
			_exit(12);
		if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fp) != 0)
			_exit(13);
		for (i = 0; i < 4; i++) {
			long rr = syscall(MARKER_NR, args[0], args[1], args[2], args[3], args[4],
					  (uint64_t)(8 * i));
			buf[i] = rr == -1 ? (uint32_t)errno : 0xdead0000u;
		}
		if (write(pfd[1], buf, sizeof buf) != (ssize_t)sizeof buf)
			_exit(14);
		_exit(0);
	}
	close(pfd[1]);
	r = read(pfd[0], buf, sizeof buf);
	close(pfd[0]);
	if (wait_deadline(pid, &st, 10))
		return -1;
	*killed = 0;
	if (WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS) {
		*killed = 1;
		return 0;
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0 || r != (ssize_t)sizeof buf)
		return -1;
	*value = 0;
	for (i = 0; i < 4; i++) {
		if ((buf[i] & 0xffffff00u) != 0x100)
			return -1;
		*value |= (buf[i] & 0xff) << (8 * i);
	}
	return 0;
}

/* random straight-line/forward-jumping body that leaves a value in A */
/* b must hold body_len + 6 instructions */
static size_t gen_body(struct sock_filter *b, size_t body_len)
{
	size_t n = 0, len, i;
	uint16_t written = 0;
	static const uint16_t aluops[] = {BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_AND,
					  BPF_OR, BPF_XOR, BPF_LSH, BPF_RSH};
	static const uint16_t jops[] = {BPF_JEQ, BPF_JGT, BPF_JGE, BPF_JSET};
	static const uint32_t offs[] = {0, 4, 16, 20, 24, 28, 32, 36, 40, 44, 48, 52};
	/* prologue: a few initialised scratch cells */
	for (i = rnd() % 4; i > 0; i--) {
		uint32_t c = rnd() % 15;
		b[n++] = (struct sock_filter)S(BPF_LD | BPF_IMM, rnd_k());
		b[n++] = (struct sock_filter)S(BPF_ST, c);
		written |= (uint16_t)(1u << c);
	}
	len = n + body_len;
	while (n < len) {
		uint32_t r = rnd() % 100, k = rnd_k();
		size_t left = len - n - 1; /* insns after this one within the body */
		if (r < 35) {
			uint16_t op = aluops[rnd() % NELEM(aluops)];
			int x = rnd() % 3 == 0;
			if (!x && op == BPF_DIV && k == 0) k = 1;
			if (!x && (op == BPF_LSH || op == BPF_RSH)) k &= 31;
			if (x && op == BPF_DIV && rnd() % 4) { /* mostly avoid X == 0 */
				b[n++] = (struct sock_filter)S(BPF_LDX | BPF_IMM, k | 1);
				continue;
			}
			b[n++] = (struct sock_filter)S(BPF_ALU | op | (x ? BPF_X : BPF_K), k);
		} else if (r < 45) {
			b[n++] = (struct sock_filter)S(BPF_LD | BPF_W | BPF_ABS, offs[rnd() % NELEM(offs)]);
		} else if (r < 50) {
			static const uint16_t misc[] = {BPF_MISC | BPF_TAX, BPF_MISC | BPF_TXA,
							BPF_ALU | BPF_NEG, BPF_LD | BPF_W | BPF_LEN,
							BPF_LDX | BPF_W | BPF_LEN};
			b[n++] = (struct sock_filter)S(misc[rnd() % NELEM(misc)], 0);
		} else if (r < 60) {
			b[n++] = (struct sock_filter)S(rnd() % 2 ? BPF_LD | BPF_IMM : BPF_LDX | BPF_IMM, k);
		} else if (r < 68) {
			b[n++] = (struct sock_filter)S(rnd() % 2 ? BPF_ST : BPF_STX, rnd() % 15);
		} else if (r < 76 && written) {
			uint32_t c;
			do c = rnd() % 15; while (!(written & (1u << c)));
			b[n++] = (struct sock_filter)S(rnd() % 2 ? BPF_LD | BPF_MEM : BPF_LDX | BPF_MEM, c);
		} else if (r < 94) {
			/* conditional jump to anywhere up to the end of the body */
			uint8_t jt = (uint8_t)(rnd() % (left + 1)), jf = (uint8_t)(rnd() % (left + 1));
			b[n++] = (struct sock_filter)J(BPF_JMP | jops[rnd() % NELEM(jops)] |
						       (rnd() % 3 == 0 ? BPF_X : BPF_K), k, jt, jf);
		} else {
			b[n++] = (struct sock_filter)S(BPF_JMP | BPF_JA, rnd() % (left + 1));
		}
	}
	return n;
}

static size_t wrap_body(struct sock_filter *p, const struct sock_filter *b, size_t bn)
{
	size_t n = 0;
	p[n++] = (struct sock_filter)S(BPF_LD | BPF_W | BPF_ABS, 0);
	p[n++] = (struct sock_filter)J(BPF_JMP | BPF_JEQ | BPF_K, MARKER_NR, 1, 0);
	p[n++] = (struct sock_filter)S(BPF_RET | BPF_K, RET_ALLOW);
	memcpy(p + n, b, bn * sizeof *b);
	n += bn;
	p[n++] = (struct sock_filter)S(BPF_ST, 15);
	p[n++] = (struct sock_filter)S(BPF_LD | BPF_W | BPF_ABS, HOST_BE ? 60 : 56); /* arg5 lo */
	p[n++] = (struct sock_filter)S(BPF_MISC | BPF_TAX, 0);
	p[n++] = (struct sock_filter)S(BPF_LD | BPF_MEM, 15);
	p[n++] = (struct sock_filter)S(BPF_ALU | BPF_RSH | BPF_X, 0);
	p[n++] = (struct sock_filter)S(BPF_ALU | BPF_AND | BPF_K, 0xff);
	p[n++] = (struct sock_filter)S(BPF_ALU | BPF_OR | BPF_K, BPF_SC_RET_ERRNO | 0x100);
	p[n++] = (struct sock_filter)S(BPF_RET | BPF_A, 0);
	return n;
}

static void test_kernel(int nrun, int nmut)
{
	uint32_t arch = seccomp_arch_native();
	int i, mismatches = 0, kills = 0, agree_rej = 0, agree_acc = 0, skipped = 0;

	if (!kernel_available()) {
		printf("kernel differential tests skipped: cannot install seccomp filters here\n");
		return;
	}
	/* hand-written: run-time division by zero kills (returns 0) */
	{
		struct sock_filter b[] = {S(BPF_LDX | BPF_IMM, 0), S(BPF_LD | BPF_IMM, 5),
					  S(BPF_ALU | BPF_DIV | BPF_X, 0)};
		struct sock_filter p[64];
		size_t n = wrap_body(p, b, NELEM(b));
		uint64_t args[5] = {0};
		uint32_t v = 0;
		int killed = 0;
		CHECK(kernel_eval(p, n, args, &v, &killed) == 0 && killed,
		      "kernel: div by X==0 should kill (filter returns 0)");
		CHECK(run_ex(p, n, HOST_BE, MARKER_NR, arch, 0, NULL, NULL) == 0,
		      "interp: div by X==0 returns 0");
	}
	/* random run-time programs */
	for (i = 0; i < nrun; i++) {
		struct sock_filter b[64], p[80];
		size_t bn = gen_body(b, 1 + rnd() % 40), n = wrap_body(p, b, bn);
		uint64_t args[6];
		uint32_t want = 0, v = 0;
		int killed = 0, j, want_kill = 0, rc;
		char err[128];
		for (j = 0; j < 5; j++)
			args[j] = (uint64_t)rnd_k() << 32 | rnd_k();
		if (bpf_check(p, n, err, sizeof err) != 0) {
			CHECK(0, "generator produced invalid program: %s", err);
			continue;
		}
		for (j = 0; j < 4; j++) {
			uint32_t r;
			args[5] = (uint64_t)(8 * j);
			r = run_ex(p, n, HOST_BE, MARKER_NR, arch, 0, args, NULL);
			if (r == 0)
				want_kill = 1;
			else
				want |= (r & 0xff) << (8 * j);
		}
		rc = kernel_eval(p, n, args, &v, &killed);
		if (rc != 0) {
			skipped++;
			continue;
		}
		kills += killed;
		if (killed != want_kill || (!killed && v != want)) {
			mismatches++;
			if (mismatches <= 5) {
				size_t q;
				char d[128];
				printf("kernel mismatch: kernel %s 0x%08x, interp %s 0x%08x\n",
				       killed ? "killed" : "value", (unsigned)v,
				       want_kill ? "killed" : "value", (unsigned)want);
				for (q = 0; q < n; q++) {
					bpf_disasm_insn(p, n, q, HOST_BE, d, sizeof d);
					printf("  %s\n", d);
				}
			}
		}
	}
	CHECK(mismatches == 0, "kernel run differential: %d mismatches", mismatches);
	CHECK(skipped <= nrun / 20, "kernel run differential: %d experiments failed", skipped);
	printf("kernel run differential: %d programs, %d killed by div0, %d mismatches\n", nrun,
	       kills, mismatches);

	/* random mutations: load-time validation must agree with the kernel */
	mismatches = 0;
	skipped = 0;
	for (i = 0; i < nmut; i++) {
		struct sock_filter b[64], p[80];
		size_t bn = gen_body(b, 1 + rnd() % 14), n = wrap_body(p, b, bn);
		int m, kacc, macc;
		char err[128];
		for (m = 1 + rnd() % 2; m > 0; m--) {
			struct sock_filter *f = &p[rnd() % n];
			switch (rnd() % 6) {
			case 0: f->code = (uint16_t)(rnd() & 0xff); break;
			case 1: f->code = (uint16_t)rnd(); break;
			case 2: f->k = rnd_k(); break;
			case 3: f->k = rnd() % 70; break;
			case 4: f->jt = (uint8_t)(rnd() % 20); break;
			default: f->jf = (uint8_t)(rnd() % 20); break;
			}
		}
		if (rnd() % 8 == 0)
			n -= rnd() % 3; /* maybe drop the final ret */
		macc = bpf_check(p, n, err, sizeof err) == 0;
		kacc = kernel_accepts(p, n);
		if (kacc < 0) {
			skipped++;
			continue;
		}
		if (kacc) agree_acc += macc; else agree_rej += !macc;
		if (kacc != macc) {
			mismatches++;
			if (mismatches <= 5) {
				size_t q;
				char d[128];
				printf("check mismatch: kernel %s, bpf_check %s (%s)\n",
				       kacc ? "accepts" : "rejects", macc ? "accepts" : "rejects", err);
				for (q = 0; q < n; q++) {
					bpf_disasm_insn(p, n, q, HOST_BE, d, sizeof d);
					printf("  %s\n", d);
				}
			}
		}
	}
	CHECK(mismatches == 0, "kernel check differential: %d mismatches", mismatches);
	CHECK(skipped == 0, "kernel check differential: %d experiments failed", skipped);
	printf("kernel check differential: %d mutated programs (%d accepted, %d rejected by both), "
	       "%d mismatches\n", nmut, agree_acc, agree_rej, mismatches);
}

/* hand-written check cases must agree with the kernel too */
static void test_kernel_handwritten(void)
{
	static const struct sock_filter progs[][4] = {
		{S(BPF_LD | BPF_W | BPF_ABS, 60), S(BPF_RET | BPF_A, 0)},
		{S(BPF_LD | BPF_W | BPF_ABS, 64), S(BPF_RET | BPF_A, 0)},
		{S(BPF_LD | BPF_W | BPF_ABS, 2), S(BPF_RET | BPF_A, 0)},
		{S(BPF_ALU | BPF_NEG, 0), S(BPF_RET | BPF_A, 0)},
		{S(BPF_ALU | BPF_XOR | BPF_K, 3), S(BPF_RET | BPF_A, 0)},
		{S(BPF_ALU | BPF_MOD | BPF_K, 3), S(BPF_RET | BPF_A, 0)},
		{S(BPF_ALU | BPF_MOD | BPF_X, 0), S(BPF_RET | BPF_A, 0)},
		{S(BPF_ALU | BPF_DIV | BPF_K, 0), S(BPF_RET | BPF_A, 0)},
		{S(BPF_ALU | BPF_LSH | BPF_K, 31), S(BPF_RET | BPF_A, 0)},
		{S(BPF_ALU | BPF_LSH | BPF_K, 32), S(BPF_RET | BPF_A, 0)},
		{S(BPF_LD | BPF_H | BPF_ABS, 0), S(BPF_RET | BPF_A, 0)},
		{S(BPF_RET | BPF_X, 0)},
		{S(BPF_LD | BPF_W | BPF_LEN, 0), S(BPF_LDX | BPF_W | BPF_LEN, 0), S(BPF_RET | BPF_A, 0)},
		{S(BPF_JMP | BPF_JA, 2), S(BPF_LD | BPF_MEM, 5), S(BPF_RET | BPF_A, 0), S(BPF_RET | BPF_K, 0)},
		{S(BPF_RET | BPF_K, 0), S(BPF_LD | BPF_MEM, 5), S(BPF_RET | BPF_A, 0)},
		{J(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 1), S(BPF_ST, 0), S(BPF_LDX | BPF_MEM, 0), S(BPF_RET | BPF_A, 0)},
		{S(BPF_ST, 16), S(BPF_RET | BPF_A, 0)},
		{S(BPF_RET | BPF_A, 0), S(BPF_LD | BPF_IMM, 0)},
		{S(BPF_JMP | BPF_JA, 1), S(BPF_RET | BPF_A, 0)},
	};
	static const size_t lens[] = {2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 3, 4, 3, 4, 2, 2, 2};
	size_t i;
	for (i = 0; i < NELEM(progs); i++) {
		char err[128];
		int macc = bpf_check(progs[i], lens[i], err, sizeof err) == 0;
		int kacc = kernel_accepts(progs[i], lens[i]);
		CHECK(kacc == macc, "hand-written check %zu: kernel %d, bpf_check %d (%s)", i, kacc, macc,
		      macc ? "" : err);
	}
	{
		/* every 8-bit opcode (plus some with high bits) with k = 0 and 4 */
		unsigned code, kk, bad = 0, total = 0;
		for (code = 0; code < 0x100 + 8; code++) {
			for (kk = 0; kk <= 4; kk += 4) {
				uint16_t c = (uint16_t)(code < 0x100 ? code : 0x100u << (code - 0x100) | 0x20);
				struct sock_filter p[] = {{c, 0, 0, kk}, S(BPF_RET | BPF_A, 0)};
				char err[128];
				int macc = bpf_check(p, 2, err, sizeof err) == 0;
				int kacc = kernel_accepts(p, 2);
				total++;
				if (kacc != macc) {
					bad++;
					printf("opcode 0x%04x k=%u: kernel %d, bpf_check %d\n", (unsigned)c, kk,
					       kacc, macc);
				}
			}
		}
		CHECK(bad == 0, "opcode sweep vs kernel: %u of %u differ", bad, total);
	}
	{
		/* limits: 4096 accepted, 4097 rejected by the kernel */
		static struct sock_filter p[BPF_SC_MAXINSNS + 1];
		char err[128];
		for (i = 0; i < NELEM(p); i++)
			p[i] = (struct sock_filter)S(BPF_RET | BPF_K, RET_ALLOW);
		CHECK(kernel_accepts(p, BPF_SC_MAXINSNS) == 1 &&
		      bpf_check(p, BPF_SC_MAXINSNS, err, sizeof err) == 0, "4096 accepted");
		CHECK(kernel_accepts(p, BPF_SC_MAXINSNS + 1) == 0 &&
		      bpf_check(p, BPF_SC_MAXINSNS + 1, err, sizeof err) == -1, "4097 rejected");
	}
}

int main(int argc, char **argv)
{
	int i, kernel = 1, nrun = 400, nmut = 1500;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-v") == 0)
			g_verbose = 1;
		else if (strcmp(argv[i], "--no-kernel") == 0)
			kernel = 0;
		else if (strcmp(argv[i], "--kernel-iters") == 0 && i + 1 < argc) {
			nrun = atoi(argv[++i]);
			nmut = nrun * 4;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);

	test_decode_pack();
	test_loads();
	test_alu();
	test_jumps();
	test_check();
	test_run_faults();
	test_disasm();
	test_accel();

	test_libseccomp_arch("x86_64", SCMP_ARCH_X86_64, 0, 0);
	test_libseccomp_arch("x86_64", SCMP_ARCH_X86_64, 0, 1);
	test_libseccomp_arch("aarch64", SCMP_ARCH_AARCH64, 0, 0);
	test_libseccomp_arch("s390x", SCMP_ARCH_S390X, 1, 0);
	test_libseccomp_arch("s390x", SCMP_ARCH_S390X, 1, 1);
	test_libseccomp_arch("ppc64", SCMP_ARCH_PPC64, 1, 0);
	test_libseccomp_multiarch();

	if (kernel) {
		if (kernel_available()) {
			test_kernel_handwritten();
			test_kernel(nrun, nmut);
		} else {
			printf("kernel differential tests skipped: cannot install seccomp filters here\n");
		}
	}

	printf("%d passed, %d failed\n", g_passed, g_failed);
	return g_failed ? 1 : 0;
}
