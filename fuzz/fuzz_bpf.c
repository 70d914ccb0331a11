/*
 * fuzz_bpf.c - libFuzzer target for src/bpf.c.  Build/run: fuzz/run.sh
 *
 * Input layout:  [flags:1][seccomp_data:64][program bytes...]
 *   flags bit 0: big-endian program and data.
 * Shorter inputs are zero-padded for the flag byte and the data.
 *
 * Besides "never crash" (ASan/UBSan), it checks invariants and traps on
 * violation:
 *   - a program accepted by bpf_check never faults in bpf_run, and its
 *     disassembly contains no ".word";
 *   - the jump-chain accelerator (bpf_run_accel) gives bpf_run's result and
 *     fault, for the input's data and for data whose every word equals the
 *     k of one of the program's jeq instructions (so chains do match);
 *   - bpf_run is byte-order agnostic: byte-swapping every program field and
 *     every data word and flipping the endianness flag gives the same result
 *     and the same fault;
 *   - error messages and disassembly are NUL-terminated within their buffers.
 */
#include "../src/bpf.c"

#include <stdlib.h>

#define FZ_ASSERT(c) do { if (!(c)) __builtin_trap(); } while (0)

static struct sock_filter fz_prog[BPF_SC_MAXINSNS];
static struct sock_filter fz_prog2[BPF_SC_MAXINSNS];
static unsigned char fz_swapped[BPF_SC_MAXINSNS * 8];
static union {
	void *align;
	unsigned char b[sizeof(struct bpf_accel) + BPF_SC_MAXINSNS * (sizeof(struct bpf_chain_ent) +
			sizeof(struct bpf_chain) + 2 * sizeof(uint16_t))];
} fz_accel_mem;

static void fz_check_str(const char *s, size_t cap)
{
	FZ_ASSERT(memchr(s, '\0', cap) != NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char sd[BPF_SC_DATA_SIZE], sd_swapped[BPF_SC_DATA_SIZE];
	const unsigned char *prog_bytes;
	size_t prog_len, n = 0, n2 = 0, pc, i;
	int be = 0, checked;
	const char *derr, *fault = NULL, *fault2 = NULL;
	char err[128], line[128];
	uint32_t r1, r2;

	memset(sd, 0, sizeof sd);
	if (size > 0)
		be = data[0] & 1;
	if (size > 1)
		memcpy(sd, data + 1, size - 1 < sizeof sd ? size - 1 : sizeof sd);
	prog_bytes = size > 1 + sizeof sd ? data + 1 + sizeof sd : data;
	prog_len = size > 1 + sizeof sd ? size - 1 - sizeof sd : 0;

	derr = bpf_decode(prog_bytes, prog_len, be, fz_prog, &n);
	if (derr) {
		fz_check_str(derr, 100);
		FZ_ASSERT(n == 0);
		/* keep going with the longest decodable prefix */
		prog_len -= prog_len % 8;
		if (prog_len / 8 > BPF_SC_MAXINSNS)
			prog_len = BPF_SC_MAXINSNS * 8;
		derr = bpf_decode(prog_bytes, prog_len, be, fz_prog, &n);
		if (derr)
			return 0; /* empty */
	}
	FZ_ASSERT(n >= 1 && n <= BPF_SC_MAXINSNS);

	memset(err, 'x', sizeof err);
	checked = bpf_check(fz_prog, n, err, sizeof err) == 0;
	fz_check_str(err, sizeof err);
	if (!checked)
		FZ_ASSERT(strlen(err) > 0);
	/* tiny buffers must be respected */
	{
		char small[5];
		memset(small, 'x', sizeof small);
		FZ_ASSERT((bpf_check(fz_prog, n, small, sizeof small) == 0) == checked);
		fz_check_str(small, sizeof small);
	}

	r1 = bpf_run(fz_prog, n, sd, be, &fault);
	if (checked)
		FZ_ASSERT(fault == NULL);
	if (fault)
		FZ_ASSERT(r1 == 0);
	/* the accelerator agrees, on this data and on data matching a jeq */
	{
		struct bpf_accel *a;
		const char *fa = NULL, *fb = NULL;
		size_t tries = 0;
		FZ_ASSERT(bpf_accel_size(n) <= sizeof fz_accel_mem);
		a = bpf_accel_build(&fz_accel_mem, fz_prog, n);
		FZ_ASSERT(bpf_run_accel(fz_prog, n, a, sd, be, &fa) == r1 && fa == fault);
		for (pc = (size > 0 ? data[size - 1] : 0) % n, i = 0; i < n && tries < 16; i++) {
			const struct sock_filter *f = &fz_prog[(pc + i) % n];
			unsigned char d2[BPF_SC_DATA_SIZE];
			size_t w;
			if (f->code != BPF_OP_JEQ_K)
				continue;
			for (w = 0; w < sizeof d2; w += 4)
				bpf_put32(d2 + w, be, f->k);
			FZ_ASSERT(bpf_run(fz_prog, n, d2, be, &fa) ==
				  bpf_run_accel(fz_prog, n, a, d2, be, &fb) && fa == fb);
			tries++;
		}
	}

	/* same program run on a prefix must stay in bounds too */
	(void)bpf_run(fz_prog, n / 2, sd, be, NULL);

	/* byte-order metamorphic check */
	for (i = 0; i < n * 8; i += 8) {
		const unsigned char *p = prog_bytes + i;
		unsigned char *q = fz_swapped + i;
		q[0] = p[1]; q[1] = p[0]; q[2] = p[2]; q[3] = p[3];
		q[4] = p[7]; q[5] = p[6]; q[6] = p[5]; q[7] = p[4];
	}
	for (i = 0; i < sizeof sd; i += 4) {
		sd_swapped[i] = sd[i + 3]; sd_swapped[i + 1] = sd[i + 2];
		sd_swapped[i + 2] = sd[i + 1]; sd_swapped[i + 3] = sd[i];
	}
	FZ_ASSERT(bpf_decode(fz_swapped, n * 8, !be, fz_prog2, &n2) == NULL && n2 == n);
	FZ_ASSERT(memcmp(fz_prog, fz_prog2, n * sizeof fz_prog[0]) == 0);
	r2 = bpf_run(fz_prog2, n2, sd_swapped, !be, &fault2);
	FZ_ASSERT(r1 == r2 && fault == fault2);

	/* disassemble everything, including one past the end */
	for (pc = 0; pc <= n; pc++) {
		memset(line, 'x', sizeof line);
		bpf_disasm_insn(fz_prog, n, pc, be, line, sizeof line);
		fz_check_str(line, sizeof line);
		if (checked && pc < n)
			FZ_ASSERT(strstr(line, ".word") == NULL);
	}
	if (n > 0) {
		char small[1 + 16];
		size_t cap = 1 + (size_t)(data[size - 1] % 16);
		memset(small, 'x', sizeof small);
		bpf_disasm_insn(fz_prog, n, (size_t)data[size - 1] % n, be, small, cap);
		fz_check_str(small, cap);
		FZ_ASSERT(small[cap] == 'x');
	}

	/* pack_data round trip through the interpreter: every field readable */
	{
		uint64_t args[6];
		unsigned char pk[BPF_SC_DATA_SIZE];
		struct sock_filter ld[2] = {BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0),
					    BPF_STMT(BPF_RET | BPF_A, 0)};
		int32_t nr = (int32_t)bpf_get32(sd, be);
		uint32_t arch = bpf_get32(sd + 4, be);
		uint64_t ip = (uint64_t)bpf_get32(sd + 8, be) << (be ? 32 : 0) |
			      (uint64_t)bpf_get32(sd + 12, be) << (be ? 0 : 32);
		for (i = 0; i < 6; i++)
			args[i] = (uint64_t)bpf_get32(sd + 16 + 8 * i, be) << (be ? 32 : 0) |
				  (uint64_t)bpf_get32(sd + 20 + 8 * i, be) << (be ? 0 : 32);
		bpf_pack_data(pk, be, nr, arch, ip, args);
		FZ_ASSERT(memcmp(pk, sd, sizeof sd) == 0);
		ld[0].k = (uint32_t)(data[0] >> 2) & 0x3c;
		FZ_ASSERT(bpf_run(ld, 2, pk, be, NULL) == bpf_get32(sd + ld[0].k, be));
	}
	return 0;
}
