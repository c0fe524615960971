/*
 * fuzz_hf.c -- libFuzzer target: arbitrary bytes as a config.json.
 * Build: CC=clang cmake -S . -B build-fuzz -DRL_FUZZ=ON; run: scripts/fuzz.sh.
 * Contract checked: no crash, no sanitizer report, and the status is
 * RL_OK or RL_EINPUT with a message (never anything else).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    rl_arch a;
    rl_err e;

    memset(&e, 0, sizeof e);
    int rc = rl_import_hf_buf((const char *)data, size, "fuzz.json", &a, &e);
    if (rc != RL_OK && (rc != RL_EINPUT || e.msg[0] == '\0')) abort();
    if (rc == RL_OK) {
        rl_params p;
        rl_arch_params(&a, &p);
        (void)rl_arch_kv_elems(&a, 4096);
        (void)rl_arch_flops_token(&a, 4096);
    }
    return 0;
}
