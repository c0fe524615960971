/*
 * fuzz_solve.c -- libFuzzer target: arbitrary bytes as a scenario file,
 * loaded in the sandbox.h folder (@include, model_file and hardware_file
 * allowed inside it) and, when it loads, solved with --pareto against the
 * built-in catalog, the search capped so each input stays fast.  The
 * contract (solve_input.h, which tests/test_fuzz_replay.c replays):
 * no crash, no sanitizer report, documented statuses with a message, and
 * on success bookkeeping, ranking and front that add up.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "solve_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static rl_catalog *cat;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    rl_err e;
    const char *broken;

    if (!cat && !(cat = rl_catalog_open(NULL, &e))) abort();     /* before the chdir */
    if (!sb_dir[0]) {
        if (sb_enter() != 0) abort();
        atexit(sb_leave);
    }
    if (!sb_allowed(data, size)) return 0;
    if ((broken = solve_input(data, size, cat)) != NULL) {
        fprintf(stderr, "fuzz_solve: %s\n", broken);
        abort();
    }
    return 0;
}
