/*
 * bpf.c - classic BPF interpreter, checker and disassembler for seccomp
 * filter programs, following the Linux kernel's semantics.
 *
 * This file is part of a unity build: it is #included by src/module.c (and by
 * the fuzz/test programs), never compiled on its own.  Everything in it is
 * static and prefixed bpf_; it includes only system headers.
 *
 * Kernel references (torvalds/linux):
 *   kernel/seccomp.c     seccomp_prepare_filter, seccomp_check_filter
 *   net/core/filter.c    bpf_prepare_filter -> bpf_check_classic (which ends in
 *                        check_load_and_stores), then the seccomp "trans"
 *                        callback seccomp_check_filter, then bpf_convert_filter
 *                        (classic -> eBPF) that defines the run-time semantics
 *   kernel/bpf/core.c    ___bpf_prog_run (ALU32 shift by register uses & 31)
 *
 * Run-time semantics, as implemented by the kernel's converted program:
 *   - A and X start at 0 (prologue "A ^= A; X ^= X").
 *   - All ALU ops are 32-bit unsigned (BPF_ALU class == eBPF ALU32).
 *   - DIV by register X == 0: bpf_convert_filter emits
 *         "if (X != 0) goto +2; A ^= A; exit"
 *     in front of the division ("Error with exception code on div/mod by 0.
 *     For cBPF programs, this was always return 0.").  So the whole filter
 *     returns 0, which for seccomp is SECCOMP_RET_KILL_THREAD.  DIV by the
 *     constant 0 is rejected at load time by bpf_check_classic.
 *   - LSH/RSH by X shift by (X & 31) (kernel/bpf/core.c ALU_LSH_X:
 *     "DST = (u32) DST OP ((u32) SRC & 31)"; the x86-64 and arm64 JITs mask
 *     the same way).  Shift by a constant >= 32 is rejected at load time.
 *   - Conditional jumps compare A unsigned 32-bit against K or X.
 *   - LD|W|ABS loads the 32-bit word at offset k of struct seccomp_data in the
 *     kernel's native byte order.  LD|W|LEN and LDX|W|LEN load 64
 *     (sizeof(struct seccomp_data)), as seccomp_check_filter rewrites them.
 *   - Scratch memory M[0..15] is not cleared by the kernel; the load-time
 *     check_load_and_stores proves that no cell is read before it is written.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include "kabi.h"

/* Opcodes, spelled out (values from <linux/bpf_common.h>/<linux/filter.h>). */
enum {
	BPF_OP_LD_W_ABS = BPF_LD | BPF_W | BPF_ABS,   /* 0x20 */
	BPF_OP_LD_W_LEN = BPF_LD | BPF_W | BPF_LEN,   /* 0x80 */
	BPF_OP_LDX_W_LEN = BPF_LDX | BPF_W | BPF_LEN, /* 0x81 */
	BPF_OP_LD_IMM = BPF_LD | BPF_IMM,             /* 0x00 */
	BPF_OP_LDX_IMM = BPF_LDX | BPF_IMM,           /* 0x01 */
	BPF_OP_LD_MEM = BPF_LD | BPF_MEM,             /* 0x60 */
	BPF_OP_LDX_MEM = BPF_LDX | BPF_MEM,           /* 0x61 */
	BPF_OP_ST = BPF_ST,                           /* 0x02 */
	BPF_OP_STX = BPF_STX,                         /* 0x03 */
	BPF_OP_TAX = BPF_MISC | BPF_TAX,              /* 0x07 */
	BPF_OP_TXA = BPF_MISC | BPF_TXA,              /* 0x87 */
	BPF_OP_RET_K = BPF_RET | BPF_K,               /* 0x06 */
	BPF_OP_RET_A = BPF_RET | BPF_A,               /* 0x16 */
	BPF_OP_JA = BPF_JMP | BPF_JA,                 /* 0x05 */
	BPF_OP_JEQ_K = BPF_JMP | BPF_JEQ | BPF_K,
	BPF_OP_JEQ_X = BPF_JMP | BPF_JEQ | BPF_X,
	BPF_OP_JGT_K = BPF_JMP | BPF_JGT | BPF_K,
	BPF_OP_JGT_X = BPF_JMP | BPF_JGT | BPF_X,
	BPF_OP_JGE_K = BPF_JMP | BPF_JGE | BPF_K,
	BPF_OP_JGE_X = BPF_JMP | BPF_JGE | BPF_X,
	BPF_OP_JSET_K = BPF_JMP | BPF_JSET | BPF_K,
	BPF_OP_JSET_X = BPF_JMP | BPF_JSET | BPF_X,
	/* NOLINTNEXTLINE(misc-redundant-expression): BPF_ADD and BPF_K are both 0, spelled out as the kernel does */
	BPF_OP_ADD_K = BPF_ALU | BPF_ADD | BPF_K,
	BPF_OP_ADD_X = BPF_ALU | BPF_ADD | BPF_X,
	BPF_OP_SUB_K = BPF_ALU | BPF_SUB | BPF_K,
	BPF_OP_SUB_X = BPF_ALU | BPF_SUB | BPF_X,
	BPF_OP_MUL_K = BPF_ALU | BPF_MUL | BPF_K,
	BPF_OP_MUL_X = BPF_ALU | BPF_MUL | BPF_X,
	BPF_OP_DIV_K = BPF_ALU | BPF_DIV | BPF_K,
	BPF_OP_DIV_X = BPF_ALU | BPF_DIV | BPF_X,
	BPF_OP_AND_K = BPF_ALU | BPF_AND | BPF_K,
	BPF_OP_AND_X = BPF_ALU | BPF_AND | BPF_X,
	BPF_OP_OR_K = BPF_ALU | BPF_OR | BPF_K,
	BPF_OP_OR_X = BPF_ALU | BPF_OR | BPF_X,
	BPF_OP_XOR_K = BPF_ALU | BPF_XOR | BPF_K,
	BPF_OP_XOR_X = BPF_ALU | BPF_XOR | BPF_X,
	BPF_OP_LSH_K = BPF_ALU | BPF_LSH | BPF_K,
	BPF_OP_LSH_X = BPF_ALU | BPF_LSH | BPF_X,
	BPF_OP_RSH_K = BPF_ALU | BPF_RSH | BPF_K,
	BPF_OP_RSH_X = BPF_ALU | BPF_RSH | BPF_X,
	BPF_OP_NEG = BPF_ALU | BPF_NEG,
	/* classic-only opcodes that seccomp rejects; named only for messages */
	BPF_OP_MOD_K = BPF_ALU | BPF_MOD | BPF_K,
	BPF_OP_MOD_X = BPF_ALU | BPF_MOD | BPF_X
};

/*
 * Exactly the opcode list of kernel/seccomp.c seccomp_check_filter (a subset
 * of net/core/filter.c chk_code_allowed).  Not allowed for seccomp although
 * valid classic BPF: BPF_MOD, LD|H/B|ABS, LD|IND, LDX|B|MSH, RET|X, and any
 * code with stray bits.
 */
static BPF_MAYBE_UNUSED int bpf_opcode_allowed(uint16_t code)
{
	switch (code) {
	case BPF_OP_LD_W_ABS: case BPF_OP_LD_W_LEN: case BPF_OP_LDX_W_LEN:
	case BPF_OP_RET_K: case BPF_OP_RET_A:
	case BPF_OP_ADD_K: case BPF_OP_ADD_X: case BPF_OP_SUB_K: case BPF_OP_SUB_X:
	case BPF_OP_MUL_K: case BPF_OP_MUL_X: case BPF_OP_DIV_K: case BPF_OP_DIV_X:
	case BPF_OP_AND_K: case BPF_OP_AND_X: case BPF_OP_OR_K: case BPF_OP_OR_X:
	case BPF_OP_XOR_K: case BPF_OP_XOR_X: case BPF_OP_LSH_K: case BPF_OP_LSH_X:
	case BPF_OP_RSH_K: case BPF_OP_RSH_X: case BPF_OP_NEG:
	case BPF_OP_LD_IMM: case BPF_OP_LDX_IMM: case BPF_OP_TAX: case BPF_OP_TXA:
	case BPF_OP_LD_MEM: case BPF_OP_LDX_MEM: case BPF_OP_ST: case BPF_OP_STX:
	case BPF_OP_JA: case BPF_OP_JEQ_K: case BPF_OP_JEQ_X: case BPF_OP_JGE_K:
	case BPF_OP_JGE_X: case BPF_OP_JGT_K: case BPF_OP_JGT_X: case BPF_OP_JSET_K:
	case BPF_OP_JSET_X:
		return 1;
	default:
		return 0;
	}
}

static BPF_MAYBE_UNUSED int bpf_is_cond_jump(uint16_t code)
{
	switch (code) {
	case BPF_OP_JEQ_K: case BPF_OP_JEQ_X: case BPF_OP_JGE_K: case BPF_OP_JGE_X:
	case BPF_OP_JGT_K: case BPF_OP_JGT_X: case BPF_OP_JSET_K: case BPF_OP_JSET_X:
		return 1;
	default:
		return 0;
	}
}

/* ---------------------------------------------------------------------- */
/* Byte order helpers                                                      */

static BPF_MAYBE_UNUSED uint16_t bpf_get16(const unsigned char *p, int big_endian)
{
	return big_endian ? (uint16_t)((unsigned)p[0] << 8 | p[1])
			  : (uint16_t)((unsigned)p[1] << 8 | p[0]);
}

static BPF_MAYBE_UNUSED uint32_t bpf_get32(const unsigned char *p, int big_endian)
{
	if (big_endian)
		return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		       (uint32_t)p[2] << 8 | (uint32_t)p[3];
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[1] << 8 | (uint32_t)p[0];
}

/* The byte order this machine stores words in: 1 for big-endian. */
static BPF_MAYBE_UNUSED int bpf_host_big_endian(void)
{
	const uint16_t one = 1;
	unsigned char c;
	memcpy(&c, &one, 1);
	return c == 0;
}

/* One memcpy of the word in the order asked for (compilers make it one
 * store; the byte loop this replaces stayed a loop at -O2, luarocks'
 * flags, and cost verify a third of its time, in bpf_pack_data). */
static BPF_MAYBE_UNUSED void bpf_put32(unsigned char *p, int big_endian, uint32_t v)
{
	if ((big_endian != 0) != bpf_host_big_endian())
		v = v >> 24 | (v >> 8 & 0xff00u) | (v << 8 & 0xff0000u) | v << 24;
	memcpy(p, &v, sizeof v);
}

static BPF_MAYBE_UNUSED void bpf_put64(unsigned char *p, int big_endian, uint64_t v)
{
	bpf_put32(p + (big_endian ? 4 : 0), big_endian, (uint32_t)v);
	bpf_put32(p + (big_endian ? 0 : 4), big_endian, (uint32_t)(v >> 32));
}

/* ---------------------------------------------------------------------- */
/* Decode                                                                  */

/*
 * Decode `len` bytes of an exported seccomp program into `out` (capacity
 * len/8).  libseccomp exports a program for a big-endian arch (s390x, ppc64,
 * mips, ...) with every field (code u16, k u32) in big-endian byte order,
 * little-endian otherwise; jt/jf are single bytes.  Returns NULL on success
 * (*n_out = number of instructions), else an error message: a string
 * literal or a thread-local buffer valid until the next bpf_decode call in
 * the same thread.  Nothing is written to `out` on error.
 */
static BPF_THREAD_LOCAL char bpf_decode_errbuf[80];

static BPF_MAYBE_UNUSED const char *bpf_decode(const unsigned char *bytes, size_t len, int big_endian,
			      struct sock_filter *out, size_t *n_out)
{
	size_t n, i;

	if (n_out)
		*n_out = 0;
	if (len % 8 != 0) {
		snprintf(bpf_decode_errbuf, sizeof bpf_decode_errbuf,
			 "program length %zu is not a multiple of 8", len);
		return bpf_decode_errbuf;
	}
	n = len / 8;
	if (n == 0)
		return "empty program";
	if (n > BPF_SC_MAXINSNS) {
		snprintf(bpf_decode_errbuf, sizeof bpf_decode_errbuf,
			 "program has %zu instructions; the limit is %d", n,
			 BPF_SC_MAXINSNS);
		return bpf_decode_errbuf;
	}
	for (i = 0; i < n; i++) {
		const unsigned char *p = bytes + 8 * i;
		out[i].code = bpf_get16(p, big_endian);
		out[i].jt = p[2];
		out[i].jf = p[3];
		out[i].k = bpf_get32(p + 4, big_endian);
	}
	if (n_out)
		*n_out = n;
	return NULL;
}

/* ---------------------------------------------------------------------- */
/* Check (load time validation)                                            */

#if defined(__GNUC__) || defined(__clang__)
__attribute__((format(printf, 4, 5)))
#endif
static BPF_MAYBE_UNUSED int bpf_check_fail(char *err, size_t errlen, size_t pc, const char *fmt, ...)
{
	if (err && errlen) {
		va_list ap;
		int w = snprintf(err, errlen, "instruction %zu: ", pc);
		if (w >= 0 && (size_t)w < errlen) {
			va_start(ap, fmt);
			vsnprintf(err + w, errlen - (size_t)w, fmt, ap);
			va_end(ap);
		}
	}
	return -1;
}

/*
 * Load-time validation exactly as the kernel does for seccomp: the checks of
 * bpf_check_classic (net/core/filter.c) plus seccomp_check_filter
 * (kernel/seccomp.c).  The kernel answers only -EINVAL; here the first
 * problem is described in `err` as "instruction N: ..." (may be NULL).
 *   - 1..4096 instructions;
 *   - only seccomp's opcode whitelist (no MOD, no LD H/B/IND, no MSH, no RET X);
 *   - LD|W|ABS: k < 64 and k % 4 == 0;
 *   - DIV by constant 0 rejected; LSH/RSH by constant >= 32 rejected;
 *   - scratch memory index < 16;
 *   - jumps (all forward) land inside the program;
 *   - the last instruction is a RET (so every path ends in a RET);
 *   - no read of a scratch cell that is not written on every path to it
 *     (check_load_and_stores, same linear algorithm, same verdicts).
 * Returns 0 when valid, -1 otherwise.
 */
static BPF_MAYBE_UNUSED int bpf_check(const struct sock_filter *prog, size_t n, char *err, size_t errlen)
{
	/* one bit per scratch cell, as in check_load_and_stores */
	uint16_t masks[BPF_SC_MAXINSNS];
	uint16_t memvalid = 0;
	size_t pc;

	if (err && errlen)
		err[0] = '\0';
	if (n == 0) {
		if (err && errlen)
			snprintf(err, errlen, "empty program");
		return -1;
	}
	if (n > BPF_SC_MAXINSNS) {
		if (err && errlen)
			snprintf(err, errlen, "program has %zu instructions; the limit is %d",
				 n, BPF_SC_MAXINSNS);
		return -1;
	}

	/* Per-instruction checks: bpf_check_classic + seccomp_check_filter. */
	for (pc = 0; pc < n; pc++) {
		const struct sock_filter *f = &prog[pc];
		uint32_t k = f->k;

		if (!bpf_opcode_allowed(f->code)) {
			if (f->code == BPF_OP_MOD_K || f->code == BPF_OP_MOD_X)
				return bpf_check_fail(err, errlen, pc,
					"opcode 0x%02x (mod) is not allowed in seccomp filters",
					(unsigned)f->code);
			return bpf_check_fail(err, errlen, pc,
				"opcode 0x%02x is not allowed in seccomp filters",
				(unsigned)f->code);
		}
		switch (f->code) {
		case BPF_OP_LD_W_ABS:
			if (k >= BPF_SC_DATA_SIZE)
				return bpf_check_fail(err, errlen, pc,
					"load offset %u is outside seccomp_data (64 bytes)",
					(unsigned)k);
			if (k & 3)
				return bpf_check_fail(err, errlen, pc,
					"load offset %u is not 4-byte aligned", (unsigned)k);
			break;
		case BPF_OP_DIV_K:
			if (k == 0)
				return bpf_check_fail(err, errlen, pc,
					"division by constant zero");
			break;
		case BPF_OP_LSH_K:
		case BPF_OP_RSH_K:
			if (k >= 32)
				return bpf_check_fail(err, errlen, pc,
					"shift by %u (must be < 32)", (unsigned)k);
			break;
		case BPF_OP_LD_MEM:
		case BPF_OP_LDX_MEM:
		case BPF_OP_ST:
		case BPF_OP_STX:
			if (k >= BPF_SC_MEMWORDS)
				return bpf_check_fail(err, errlen, pc,
					"scratch memory index %u out of range (0-15)", (unsigned)k);
			break;
		case BPF_OP_JA:
			if ((uint64_t)k >= (uint64_t)(n - pc - 1))
				return bpf_check_fail(err, errlen, pc,
					"jump out of range (ja +%u)", (unsigned)k);
			break;
		default:
			if (bpf_is_cond_jump(f->code)) {
				if (pc + f->jt + 1 >= n)
					return bpf_check_fail(err, errlen, pc,
						"jump out of range (true branch +%u)", (unsigned)f->jt);
				if (pc + f->jf + 1 >= n)
					return bpf_check_fail(err, errlen, pc,
						"jump out of range (false branch +%u)", (unsigned)f->jf);
			}
			break;
		}
	}

	/* Last instruction must be a RET code.  Since every jump is forward
	 * and in range, every path then ends in a RET. */
	if (prog[n - 1].code != BPF_OP_RET_K && prog[n - 1].code != BPF_OP_RET_A)
		return bpf_check_fail(err, errlen, n - 1,
			"program does not end with a ret");

	/* check_load_and_stores: a linear pass; masks[pc] is the set of cells
	 * written on every jump into pc, memvalid the set written on the
	 * fall-through path (reset to "all" after an unconditional or
	 * conditional jump, whose successors are reached only via masks). */
	memset(masks, 0xff, n * sizeof masks[0]);
	for (pc = 0; pc < n; pc++) {
		const struct sock_filter *f = &prog[pc];
		memvalid &= masks[pc];
		switch (f->code) {
		case BPF_OP_ST:
		case BPF_OP_STX:
			memvalid |= (uint16_t)(1u << f->k);
			break;
		case BPF_OP_LD_MEM:
		case BPF_OP_LDX_MEM:
			if (!(memvalid & (1u << f->k)))
				return bpf_check_fail(err, errlen, pc,
					"reads scratch memory M[%u] which may not have been written",
					(unsigned)f->k);
			break;
		case BPF_OP_JA:
			masks[pc + 1 + f->k] &= memvalid;
			memvalid = 0xffff;
			break;
		default:
			if (bpf_is_cond_jump(f->code)) {
				masks[pc + 1 + f->jt] &= memvalid;
				masks[pc + 1 + f->jf] &= memvalid;
				memvalid = 0xffff;
			}
			break;
		}
	}
	return 0;
}

/* ---------------------------------------------------------------------- */
/* seccomp_data layout                                                     */

/* Lay out struct seccomp_data { int nr; u32 arch; u64 instruction_pointer;
 * u64 args[6]; } into 64 bytes in the given byte order.  args may be NULL. */
static BPF_MAYBE_UNUSED void bpf_pack_data(unsigned char out[BPF_SC_DATA_SIZE], int big_endian, int32_t nr,
			  uint32_t arch, uint64_t ip, const uint64_t args[6])
{
	int i;
	bpf_put32(out + 0, big_endian, (uint32_t)nr);
	bpf_put32(out + 4, big_endian, arch);
	bpf_put64(out + 8, big_endian, ip);
	for (i = 0; i < 6; i++)
		bpf_put64(out + 16 + 8 * (size_t)i, big_endian, args ? args[i] : 0);
}

/* ---------------------------------------------------------------------- */
/* Jump-chain accelerator                                                  */

/*
 * libseccomp's default (linear) layout tests the syscall number with one
 * "jeq #nr" per syscall, each false branch leading to the next test, so a
 * filter of 300 syscalls can execute 300 jeq instructions per call.  The
 * accelerator finds such chains -- JEQ|K instructions linked by their false
 * branches (which change nothing, so A is the same all along) -- and lets
 * the interpreter answer the rest of a chain with one binary search.
 *
 * Exactness: entered at member j, the plain interpreter takes the true
 * branch of the first member i >= j whose k equals A, or leaves the chain
 * at the last member's false target.  A chain's entries are sorted by
 * (k, i), so a lower bound on (A, j) finds exactly that member, repeated k
 * values included.  A jump from elsewhere into the middle of a chain is
 * just an entry at a larger j.  The results are identical to bpf_run's for
 * every program, checked or not (the fuzz target compares them); a target
 * outside the program is caught by the same pc >= n test.
 *
 * The caller provides the memory: bpf_accel_size(n) bytes, aligned for a
 * pointer (malloc or a Lua userdata), that must stay put while in use.
 */
#define BPF_NO_CHAIN 0xffffu
#define BPF_CHAIN_MIN 4 /* members left before a search beats plain jeqs */

struct bpf_chain_ent {
	uint32_t k;
	uint16_t idx;    /* position in the chain */
	uint16_t target; /* the member's true target (pc + 1 + jt: < 4352) */
};

struct bpf_chain {
	uint32_t first; /* its entries: ents[first .. first + len) */
	uint16_t len;
	uint16_t tail;  /* the last member's false target */
};

struct bpf_accel {
	size_t n, nchains;
	struct bpf_chain_ent *ents; /* n: members of all chains, by chain */
	struct bpf_chain *chains;   /* at most n */
	uint16_t *chain;            /* per pc: its chain, or BPF_NO_CHAIN */
	uint16_t *pos;              /* per pc: its position in the chain */
};

static BPF_MAYBE_UNUSED size_t bpf_accel_size(size_t n)
{
	return sizeof(struct bpf_accel) + n * (sizeof(struct bpf_chain_ent) +
		sizeof(struct bpf_chain) + 2 * sizeof(uint16_t));
}

static int bpf_chain_ent_cmp(const void *a, const void *b)
{
	const struct bpf_chain_ent *x = a, *y = b;
	if (x->k != y->k)
		return x->k < y->k ? -1 : 1;
	return (x->idx > y->idx) - (x->idx < y->idx);
}

/*
 * Build the accelerator for prog[0..n) (n <= BPF_SC_MAXINSNS) in `mem`
 * (bpf_accel_size(n) bytes); returns it.  Chains are claimed in pc order,
 * so an instruction reached by the false branches of two tests belongs to
 * the first one's chain; the second chain ends there (its tail).
 */
static BPF_MAYBE_UNUSED struct bpf_accel *bpf_accel_build(void *mem, const struct sock_filter *prog,
							   size_t n)
{
	struct bpf_accel *a = mem;
	size_t pc, ne = 0;

	a->n = n;
	a->nchains = 0;
	a->ents = (struct bpf_chain_ent *)(a + 1);
	a->chains = (struct bpf_chain *)(a->ents + n);
	a->chain = (uint16_t *)(a->chains + n);
	a->pos = a->chain + n;
	for (pc = 0; pc < n; pc++)
		a->chain[pc] = BPF_NO_CHAIN;
	for (pc = 0; pc < n; pc++) {
		struct bpf_chain *c;
		size_t p = pc, len = 0;
		if (prog[pc].code != BPF_OP_JEQ_K || a->chain[pc] != BPF_NO_CHAIN)
			continue;
		c = &a->chains[a->nchains];
		c->first = (uint32_t)ne;
		/* forward-only: p strictly increases, so this ends */
		while (p < n && prog[p].code == BPF_OP_JEQ_K && a->chain[p] == BPF_NO_CHAIN) {
			a->chain[p] = (uint16_t)a->nchains;
			a->pos[p] = (uint16_t)len;
			a->ents[ne].k = prog[p].k;
			a->ents[ne].idx = (uint16_t)len;
			a->ents[ne].target = (uint16_t)(p + 1 + prog[p].jt);
			ne++;
			len++;
			p = p + 1 + prog[p].jf;
		}
		c->len = (uint16_t)len;
		c->tail = (uint16_t)p;
		qsort(a->ents + c->first, len, sizeof a->ents[0], bpf_chain_ent_cmp);
		a->nchains++;
	}
	/* near a chain's end plain jeqs are as quick: search only from
	 * members with enough of the chain left */
	for (pc = 0; pc < n; pc++)
		if (a->chain[pc] != BPF_NO_CHAIN &&
		    (size_t)a->chains[a->chain[pc]].len - a->pos[pc] < BPF_CHAIN_MIN)
			a->chain[pc] = BPF_NO_CHAIN;
	return a;
}

/* Where a chain member at pc sends A: the true target of the first member
 * from pc on whose k equals A, else the chain's tail. */
static size_t bpf_chain_next(const struct bpf_accel *a, size_t pc, uint32_t A)
{
	const struct bpf_chain *c = &a->chains[a->chain[pc]];
	const struct bpf_chain_ent *e = a->ents + c->first;
	uint16_t j = a->pos[pc];
	size_t lo = 0, hi = c->len;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (e[mid].k < A || (e[mid].k == A && e[mid].idx < j))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < c->len && e[lo].k == A)
		return e[lo].target;
	return c->tail;
}

/* Where the JEQ|K at pc sends a known A: the next pc, as bpf_run_accel
 * goes, over its whole chain at once when pc is in one (accel may be NULL).
 * For the program walkers, which follow a known accumulator as the
 * interpreter does. */
static BPF_MAYBE_UNUSED size_t bpf_jeq_next(const struct sock_filter *prog,
			    const struct bpf_accel *accel, size_t pc, uint32_t A)
{
	if (accel != NULL && accel->chain[pc] != BPF_NO_CHAIN)
		return bpf_chain_next(accel, pc, A);
	return pc + 1 + (A == prog[pc].k ? prog[pc].jt : prog[pc].jf);
}

/* ---------------------------------------------------------------------- */
/* Interpreter                                                             */

/*
 * bpf_run: run a program that passed bpf_check against seccomp_data `data`
 * whose words are in the given byte order (the kernel of a big-endian arch
 * sees seccomp_data in big-endian).  Returns the 32-bit filter result (the
 * seccomp action).  *fault (if fault != NULL) is set to NULL, or to a message
 * when an unchecked program would go out of bounds / use a disallowed
 * opcode, in which case 0 is returned.
 *
 * Division by X == 0 at run time is NOT a fault: as in the kernel, the whole
 * filter returns 0 (SECCOMP_RET_KILL_THREAD).  Source: net/core/filter.c
 * bpf_convert_filter, which emits before every BPF_ALU|BPF_DIV|BPF_X
 *     BPF_MOV32_REG(X, X); BPF_JMP_IMM(BPF_JNE, X, 0, 2);
 *     BPF_ALU32_REG(BPF_XOR, A, A); BPF_EXIT_INSN();
 * with the comment "Error with exception code on div/mod by 0. For cBPF
 * programs, this was always return 0."  Verified against the running kernel
 * by fuzz/test_bpf.c (the child dies of SIGSYS).
 */
/*
 * Forward-only jumps guarantee termination: pc strictly increases, so at most
 * n instructions execute.  Every index is bounds-checked so an unchecked
 * program can never read or jump out of bounds; on such a fault the result is
 * 0 and *fault names the problem.  For checked programs the checks never fire.
 */
/*
 * bpf_run_accel: bpf_run with an accelerator built by bpf_accel_build for
 * the same program (or NULL); same results, same faults.
 */
static BPF_MAYBE_UNUSED uint32_t bpf_run_accel(const struct sock_filter *prog, size_t n,
			      const struct bpf_accel *accel,
			      const unsigned char data[BPF_SC_DATA_SIZE], int big_endian,
			      const char **fault)
{
	uint32_t A = 0, X = 0;
	uint32_t mem[BPF_SC_MEMWORDS];
	size_t pc = 0;
	const char *msg;

	/* Not needed for checked programs (check_load_and_stores); makes
	 * unchecked ones deterministic. */
	memset(mem, 0, sizeof mem);
	if (fault)
		*fault = NULL;

	for (;;) {
		const struct sock_filter *f;
		uint32_t k;

		if (BPF_UNLIKELY(pc >= n)) {
			msg = "execution ran past the end of the program";
			goto bad;
		}
		f = &prog[pc];
		k = f->k;
		switch (f->code) {
		case BPF_OP_LD_W_ABS:
			if (BPF_UNLIKELY(k >= BPF_SC_DATA_SIZE || (k & 3))) {
				msg = "load outside seccomp_data or misaligned";
				goto bad;
			}
			A = bpf_get32(data + k, big_endian);
			break;
		case BPF_OP_LD_W_LEN: A = BPF_SC_DATA_SIZE; break;
		case BPF_OP_LDX_W_LEN: X = BPF_SC_DATA_SIZE; break;
		case BPF_OP_LD_IMM: A = k; break;
		case BPF_OP_LDX_IMM: X = k; break;
		case BPF_OP_LD_MEM:
			if (BPF_UNLIKELY(k >= BPF_SC_MEMWORDS)) goto badmem;
			A = mem[k];
			break;
		case BPF_OP_LDX_MEM:
			if (BPF_UNLIKELY(k >= BPF_SC_MEMWORDS)) goto badmem;
			X = mem[k];
			break;
		case BPF_OP_ST:
			if (BPF_UNLIKELY(k >= BPF_SC_MEMWORDS)) goto badmem;
			mem[k] = A;
			break;
		case BPF_OP_STX:
			if (BPF_UNLIKELY(k >= BPF_SC_MEMWORDS)) goto badmem;
			mem[k] = X;
			break;
		case BPF_OP_TAX: X = A; break;
		case BPF_OP_TXA: A = X; break;
		case BPF_OP_RET_K: return k;
		case BPF_OP_RET_A: return A;

		case BPF_OP_ADD_K: A += k; break;
		case BPF_OP_ADD_X: A += X; break;
		case BPF_OP_SUB_K: A -= k; break;
		case BPF_OP_SUB_X: A -= X; break;
		case BPF_OP_MUL_K: A *= k; break;
		case BPF_OP_MUL_X: A *= X; break;
		case BPF_OP_DIV_K:
			if (BPF_UNLIKELY(k == 0)) {
				msg = "division by constant zero";
				goto bad;
			}
			A /= k;
			break;
		case BPF_OP_DIV_X:
			/* Kernel: the converted program exits with A = 0, i.e.
			 * the filter returns 0 (SECCOMP_RET_KILL_THREAD).  Not a
			 * fault: this is defined behaviour of a valid filter. */
			if (X == 0)
				return 0;
			A /= X;
			break;
		case BPF_OP_AND_K: A &= k; break;
		case BPF_OP_AND_X: A &= X; break;
		case BPF_OP_OR_K: A |= k; break;
		case BPF_OP_OR_X: A |= X; break;
		case BPF_OP_XOR_K: A ^= k; break;
		case BPF_OP_XOR_X: A ^= X; break;
		case BPF_OP_LSH_K:
			if (BPF_UNLIKELY(k >= 32)) goto badshift;
			A <<= k;
			break;
		case BPF_OP_LSH_X: A <<= (X & 31); break;
		case BPF_OP_RSH_K:
			if (BPF_UNLIKELY(k >= 32)) goto badshift;
			A >>= k;
			break;
		case BPF_OP_RSH_X: A >>= (X & 31); break;
		case BPF_OP_NEG: A = 0u - A; break;

		case BPF_OP_JA:
			if (BPF_UNLIKELY((uint64_t)k >= (uint64_t)(n - pc - 1))) {
				msg = "jump out of range";
				goto bad;
			}
			pc += (size_t)k;
			break;
		/* Conditional jumps: jt/jf are u8, so pc + 1 + jt cannot
		 * overflow; the pc >= n test at the loop head catches range. */
		case BPF_OP_JEQ_K:
			if (accel != NULL && accel->chain[pc] != BPF_NO_CHAIN) {
				pc = bpf_chain_next(accel, pc, A);
				continue; /* pc is absolute: no pc++ */
			}
			pc += (A == k) ? f->jt : f->jf;
			break;
		case BPF_OP_JEQ_X: pc += (A == X) ? f->jt : f->jf; break;
		case BPF_OP_JGT_K: pc += (A > k) ? f->jt : f->jf; break;
		case BPF_OP_JGT_X: pc += (A > X) ? f->jt : f->jf; break;
		case BPF_OP_JGE_K: pc += (A >= k) ? f->jt : f->jf; break;
		case BPF_OP_JGE_X: pc += (A >= X) ? f->jt : f->jf; break;
		case BPF_OP_JSET_K: pc += (A & k) ? f->jt : f->jf; break;
		case BPF_OP_JSET_X: pc += (A & X) ? f->jt : f->jf; break;

		default:
			msg = "opcode not allowed in seccomp filters";
			goto bad;
		}
		pc++;
	}

badmem:
	msg = "scratch memory index out of range";
	goto bad;
badshift:
	msg = "shift by constant >= 32";
bad:
	if (fault)
		*fault = msg;
	return 0;
}

static BPF_MAYBE_UNUSED uint32_t bpf_run(const struct sock_filter *prog, size_t n,
			const unsigned char data[BPF_SC_DATA_SIZE], int big_endian,
			const char **fault)
{
	return bpf_run_accel(prog, n, NULL, data, big_endian, fault);
}

/* ---------------------------------------------------------------------- */
/* Disassembler                                                            */

static BPF_MAYBE_UNUSED const char *bpf_arch_name(uint32_t arch)
{
	switch (arch) {
	case 0xc000003eu: return "x86_64";
	case 0x40000003u: return "i386";
	case 0xc00000b7u: return "aarch64";
	case 0x40000028u: return "arm";
	case 0x80000016u: return "s390x";
	case 0x00000016u: return "s390";
	case 0x80000015u: return "ppc64";
	case 0xc0000015u: return "ppc64le";
	case 0x00000014u: return "ppc";
	case 0x00000008u: return "mips";
	case 0x40000008u: return "mipsel";
	case 0x80000008u: return "mips64";
	case 0xc0000008u: return "mipsel64";
	case 0xa0000008u: return "mips64n32";
	case 0xe0000008u: return "mipsel64n32";
	case 0xc00000f3u: return "riscv64";
	case 0x400000f3u: return "riscv32";
	case 0x0000000fu: return "parisc";
	case 0x8000000fu: return "parisc64";
	case 0xc0000102u: return "loongarch64";
	case 0x00000004u: return "m68k";
	case 0x0000002au: return "sh";
	case 0x4000002au: return "shel";
	default: return NULL;
	}
}

static BPF_MAYBE_UNUSED void bpf_ret_name(uint32_t k, char *buf, size_t len)
{
	uint32_t data = k & BPF_SC_RET_DATA;
	switch (k & BPF_SC_RET_ACTION_FULL) {
	case BPF_SC_RET_KILL_PROCESS: snprintf(buf, len, "kill_process"); break;
	case BPF_SC_RET_KILL_THREAD: snprintf(buf, len, "kill_thread"); break;
	case BPF_SC_RET_TRAP:
		if (data)
			snprintf(buf, len, "trap(%u)", (unsigned)data);
		else
			snprintf(buf, len, "trap");
		break;
	case BPF_SC_RET_ERRNO: snprintf(buf, len, "errno(%u)", (unsigned)data); break;
	case BPF_SC_RET_USER_NOTIF: snprintf(buf, len, "notify"); break;
	case BPF_SC_RET_TRACE: snprintf(buf, len, "trace(%u)", (unsigned)data); break;
	case BPF_SC_RET_LOG: snprintf(buf, len, "log"); break;
	case BPF_SC_RET_ALLOW: snprintf(buf, len, "allow"); break;
	default:
		/* kernel __seccomp_filter: unknown actions kill the process */
		snprintf(buf, len, "unknown action, kills process");
		break;
	}
}

static BPF_MAYBE_UNUSED void bpf_field_name(uint32_t k, int big_endian, char *buf, size_t len)
{
	buf[0] = '\0';
	if (k >= BPF_SC_DATA_SIZE || (k & 3))
		return;
	if (k == 0)
		snprintf(buf, len, "nr");
	else if (k == 4)
		snprintf(buf, len, "arch");
	else {
		/* within a u64 field the word at the lower address is the low
		 * half on little-endian, the high half on big-endian */
		int upper = (k & 4) != 0;
		const char *half = (upper != !!big_endian) ? "hi" : "lo";
		if (k < 16)
			snprintf(buf, len, "ip %s", half);
		else
			snprintf(buf, len, "arg%u %s", (unsigned)((k - 16) / 8), half);
	}
}

/* The notes' names: the module's own (module.c defines these to the names
 * seccomp.arch_name and seccomp.action_name give), else the ones above. */
#ifndef BPF_DISASM_ARCH_NAME
#define BPF_DISASM_ARCH_NAME(arch) bpf_arch_name(arch)
#endif
#ifndef BPF_DISASM_RET_NAME
#define BPF_DISASM_RET_NAME(k, buf, len) bpf_ret_name((k), (buf), (len))
#endif

/*
 * One line of disassembly for instruction `pc` (no newline), bpf_asm-like:
 *   "0004: ld  [4]            ; arch"   "0005: jeq #0xc000003e, 6, 20"
 *   "0012: ret #0x7fff0000    ; allow"  "0013: .word 0x0028, 0, 0, 0x0000000c"
 * Absolute loads name the seccomp_data field (nr, arch, ip lo/hi, argN lo/hi;
 * hi/lo depends on byte order), jumps show absolute targets, RET constants
 * are annotated with the seccomp action, "ld [4]; jeq #K" with the arch
 * name.  Opcodes seccomp does not allow print as .word.  Always
 * NUL-terminates buf (truncating) when buflen > 0.
 */
static BPF_MAYBE_UNUSED void bpf_disasm_insn(const struct sock_filter *prog, size_t n, size_t pc,
			    int big_endian, char *buf, size_t buflen)
{
	const struct sock_filter *f;
	char body[64], note[48];
	const char *mn = NULL;
	uint32_t k;
	char line[20 + 2 + sizeof body + 19 + 2 + sizeof note + 1]; /* pc, ": ", body, pad, "; ", note */
	size_t len;

	if (!buf || buflen == 0)
		return;
	if (!prog || pc >= n) {
		snprintf(buf, buflen, "%04zu: <no instruction>", pc);
		return;
	}
	f = &prog[pc];
	k = f->k;
	note[0] = '\0';
	body[0] = '\0';

	switch (f->code) {
	case BPF_OP_LD_W_ABS:
		snprintf(body, sizeof body, "ld  [%u]", (unsigned)k);
		bpf_field_name(k, big_endian, note, sizeof note);
		if (!note[0])
			snprintf(note, sizeof note, "invalid offset");
		break;
	case BPF_OP_LD_W_LEN: snprintf(body, sizeof body, "ld  #len"); snprintf(note, sizeof note, "64"); break;
	case BPF_OP_LDX_W_LEN: snprintf(body, sizeof body, "ldx #len"); snprintf(note, sizeof note, "64"); break;
	case BPF_OP_LD_IMM: snprintf(body, sizeof body, "ld  #0x%x", (unsigned)k); break;
	case BPF_OP_LDX_IMM: snprintf(body, sizeof body, "ldx #0x%x", (unsigned)k); break;
	case BPF_OP_LD_MEM: snprintf(body, sizeof body, "ld  M[%u]", (unsigned)k); break;
	case BPF_OP_LDX_MEM: snprintf(body, sizeof body, "ldx M[%u]", (unsigned)k); break;
	case BPF_OP_ST: snprintf(body, sizeof body, "st  M[%u]", (unsigned)k); break;
	case BPF_OP_STX: snprintf(body, sizeof body, "stx M[%u]", (unsigned)k); break;
	case BPF_OP_TAX: snprintf(body, sizeof body, "tax"); break;
	case BPF_OP_TXA: snprintf(body, sizeof body, "txa"); break;
	case BPF_OP_RET_A: snprintf(body, sizeof body, "ret a"); break;
	case BPF_OP_RET_K:
		snprintf(body, sizeof body, "ret #0x%08x", (unsigned)k);
		BPF_DISASM_RET_NAME(k, note, sizeof note);
		break;
	case BPF_OP_NEG: snprintf(body, sizeof body, "neg"); break;
	case BPF_OP_JA:
		snprintf(body, sizeof body, "ja  %llu",
			 (unsigned long long)pc + 1 + (unsigned long long)k);
		break;
	case BPF_OP_ADD_K: case BPF_OP_ADD_X: mn = "add"; break;
	case BPF_OP_SUB_K: case BPF_OP_SUB_X: mn = "sub"; break;
	case BPF_OP_MUL_K: case BPF_OP_MUL_X: mn = "mul"; break;
	case BPF_OP_DIV_K: case BPF_OP_DIV_X: mn = "div"; break;
	case BPF_OP_AND_K: case BPF_OP_AND_X: mn = "and"; break;
	case BPF_OP_OR_K: case BPF_OP_OR_X: mn = "or"; break;
	case BPF_OP_XOR_K: case BPF_OP_XOR_X: mn = "xor"; break;
	case BPF_OP_LSH_K: case BPF_OP_LSH_X: mn = "lsh"; break;
	case BPF_OP_RSH_K: case BPF_OP_RSH_X: mn = "rsh"; break;
	case BPF_OP_JEQ_K: case BPF_OP_JEQ_X: mn = "jeq"; break;
	case BPF_OP_JGT_K: case BPF_OP_JGT_X: mn = "jgt"; break;
	case BPF_OP_JGE_K: case BPF_OP_JGE_X: mn = "jge"; break;
	case BPF_OP_JSET_K: case BPF_OP_JSET_X: mn = "jset"; break;
	default:
		snprintf(buf, buflen, "%04zu: .word 0x%04x, %u, %u, 0x%08x", pc,
			 (unsigned)f->code, (unsigned)f->jt, (unsigned)f->jf, (unsigned)k);
		return;
	}

	if (mn) {
		char src[16];
		if (BPF_SRC(f->code) == BPF_X)
			snprintf(src, sizeof src, "x");
		else
			snprintf(src, sizeof src, "#0x%x", (unsigned)k);
		if (BPF_CLASS(f->code) == BPF_JMP) {
			snprintf(body, sizeof body, "%-3s %s, %zu, %zu", mn, src,
				 pc + 1 + f->jt, pc + 1 + f->jf);
			/* "ld [4]; jeq #ARCH" is how filters test the arch */
			if (BPF_SRC(f->code) == BPF_K && f->code == BPF_OP_JEQ_K && pc > 0 &&
			    prog[pc - 1].code == BPF_OP_LD_W_ABS && prog[pc - 1].k == 4) {
				const char *an = BPF_DISASM_ARCH_NAME(k);
				if (an)
					snprintf(note, sizeof note, "%s", an);
			}
		} else {
			snprintf(body, sizeof body, "%-3s %s", mn, src);
		}
	}

	/* The whole line goes into a buffer it always fits (so that gcc sees
	 * no possible truncation, -Wformat-truncation at -O1/-Os), and is then
	 * cut to the caller's buflen. */
	if (note[0]) {
		/* comment column: body padded to 19 chars, at least one space */
		int w = (int)strlen(body);
		snprintf(line, sizeof line, "%04zu: %s%*s; %s", pc, body, w < 19 ? 19 - w : 1, "", note);
	}
	else
		snprintf(line, sizeof line, "%04zu: %s", pc, body);
	len = strlen(line);
	if (len >= buflen)
		len = buflen - 1;
	memcpy(buf, line, len);
	buf[len] = '\0';
}
