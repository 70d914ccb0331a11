/*
 * check.h - the tally the C tests (fuzz/test_bpf.c, fuzz/test_gen.c) keep:
 * CHECK counts a passed or a failed check (printing where and why it
 * failed), each test prints "N passed, N failed" at the end; -v sets
 * g_verbose.
 */
#ifndef FUZZ_CHECK_H
#define FUZZ_CHECK_H

#include <stdio.h>

static int g_passed, g_failed, g_verbose;

#define CHECK(cond, ...)                                                    \
    do {                                                                    \
        if (cond) {                                                         \
            g_passed++;                                                     \
        } else {                                                            \
            g_failed++;                                                     \
            printf("FAIL %s:%d: ", __FILE__, __LINE__);                     \
            printf(__VA_ARGS__);                                            \
            printf("\n");                                                   \
        }                                                                   \
    } while (0)

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

#endif
