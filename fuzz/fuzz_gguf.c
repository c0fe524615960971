/*
 * fuzz_gguf.c -- libFuzzer target: arbitrary bytes as a GGUF header.
 * Contract checked: no crash, no sanitizer report, no allocation that
 * follows a hostile count (libFuzzer -rss_limit_mb catches those), and the
 * status is RL_OK or RL_EINPUT with a message.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    rl_arch a;
    rl_gguf_info info;
    rl_err e;

    memset(&e, 0, sizeof e);
    int rc = rl_import_gguf_buf(data, size, "fuzz.gguf", &a, &info, &e);
    if (rc != RL_OK && (rc != RL_EINPUT || e.msg[0] == '\0')) abort();
    if (rc == RL_OK) {
        rl_params p;
        rl_arch_params(&a, &p);
        (void)rl_arch_kv_elems(&a, 4096);
        if (!(info.weight_bytes >= 0)) abort();
    }
    return 0;
}
