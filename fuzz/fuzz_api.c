/*
 * fuzz_api.c -- libFuzzer target: arbitrary bytes as an HTTP request body
 * of `ridgeline serve` (cli/api.h).  The bytes are parsed by cJSON and, when
 * they parse, mapped by rl_api_estimate_spec, rl_api_scenario, rl_api_plan
 * and rl_api_run_record against the built-in catalog (JSON -> libconfig
 * text -> the same loaders as the CLI, cli/api_cfgtext.c); the raw bytes
 * also go through the router as POST /v1/estimate and /v1/signoff.
 * Contract checked (fuzz/api_input.h, replayed by tests/test_fuzz_replay.c):
 * no crash, leak or sanitizer report; each mapping returns 0 or an HTTP
 * status in 400..599 with a message; the router answers 200 with a body or
 * 400..599 with {"error": non-empty}.
 */
#include <stdint.h>
#include <stdlib.h>

#include "api_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static rl_catalog *cat;     /* opened once, lives for the whole run */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    rl_err e;
    const char *broken;

    if (!cat && !(cat = rl_catalog_open(NULL, &e))) abort();
    if ((broken = api_input(data, size, cat))) {
        fprintf(stderr, "fuzz_api: %s\n", broken);
        abort();
    }
    return 0;
}
