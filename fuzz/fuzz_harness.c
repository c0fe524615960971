/*
 * fuzz_harness.c -- libFuzzer target: arbitrary bytes as a benchmark
 * report or runtime log for `ridgeline harness import`, and each of their
 * lines as a run record (`runs add`).  The contract is in harness_input.h
 * (shared with tests/test_fuzz_replay.c).
 * Build: CC=clang cmake -S . -B build-fuzz -DRL_FUZZ=ON; run: scripts/fuzz.sh.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "harness_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *broken = harness_input(data, size);
    if (broken) {
        fprintf(stderr, "%s\n", broken);
        abort();
    }
    return 0;
}
