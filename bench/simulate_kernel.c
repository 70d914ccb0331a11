/*
 * simulate_kernel.c - the kernel side of bench/simulate.sh: time one
 * syscall in a loop, first without a filter, then under a seccomp filter
 * read from a file (raw BPF as f:export_bpf() writes it).
 *
 *   simulate_kernel BPF_FILE ITERATIONS NR [ARG0 [ARG1 ...]]
 *
 * Prints "base_ns filtered_ns": nanoseconds per call without and with the
 * filter, each the best of 5 runs of ITERATIONS calls (the machine is
 * noisy; the best run is the least disturbed one).  The filter is installed
 * with prctl(PR_SET_SECCOMP) after PR_SET_NO_NEW_PRIVS, so no privilege is
 * needed; it must allow what this program does afterwards (the timed call,
 * clock_gettime, write, exit_group).
 */
#define _GNU_SOURCE 1
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static double best_ns(long iters, long nr, const long a[6])
{
	double best = 0;
	int run;
	for (run = 0; run < 5; run++) {
		double t0 = now_ns(), dt;
		long i;
		for (i = 0; i < iters; i++)
			syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
		dt = (now_ns() - t0) / (double)iters;
		if (run == 0 || dt < best)
			best = dt;
	}
	return best;
}

int main(int argc, char **argv)
{
	static struct sock_filter insns[4096];
	struct sock_fprog prog;
	long iters, nr, a[6] = {0, 0, 0, 0, 0, 0};
	size_t len;
	double base, filtered;
	FILE *fh;
	int i;

	if (argc < 4) {
		fprintf(stderr, "usage: %s BPF_FILE ITERATIONS NR [ARGS...]\n", argv[0]);
		return 2;
	}
	fh = fopen(argv[1], "rb");
	if (fh == NULL) {
		perror(argv[1]);
		return 1;
	}
	len = fread(insns, 1, sizeof insns, fh);
	fclose(fh);
	if (len == 0 || len % 8 != 0) {
		fprintf(stderr, "%s: not a BPF program\n", argv[1]);
		return 1;
	}
	iters = strtol(argv[2], NULL, 0);
	nr = strtol(argv[3], NULL, 0);
	for (i = 4; i < argc && i < 10; i++)
		a[i - 4] = (long)strtoull(argv[i], NULL, 0);

	base = best_ns(iters, nr, a);
	prog.len = (unsigned short)(len / 8);
	prog.filter = insns;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0) {
		perror("loading the filter");
		return 1;
	}
	filtered = best_ns(iters, nr, a);
	printf("%.2f %.2f\n", base, filtered);
	return 0;
}
