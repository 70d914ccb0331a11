/*
 * fuzz_gen.c - libFuzzer target for src/gen.c: the fuzzer's bytes choose a
 * random ledger (arches, default and bad-arch actions, rules with 0-6
 * conditions of every operator, merged rules, tskip, numbers without
 * names, widen_multiplexed, unknown_enosys); the generated program must
 * pass bpf_check and agree with fuzz/test_gen.c's evaluator of the
 * documented semantics.  Built and run by fuzz/run.sh.
 */
#define TEST_GEN_NO_MAIN
#include "test_gen.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    struct tfilter f;
    uint64_t seed = 0x243f6a8885a308d3ull;
    size_t i;
    if (!ready) {
        scan_names();
        g_quick = 1;
        ready = 1;
    }
    /* once the bytes run out, a generator seeded by all of them goes on */
    for (i = 0; i < size; i++)
        seed = (seed ^ data[i]) * 0x100000001b3ull;
    g_rng = seed ? seed : 1;
    g_fz = data;
    g_fzn = size;
    random_filter(&f, 0);
    g_fzn = 0;
    if (check_filter(&f, 4) != 0 || g_failed != 0) {
        sc_ledger_free(&f.l);
        abort();
    }
    sc_ledger_free(&f.l);
    return 0;
}
