/*
 * fuzz_cfg.c -- libFuzzer target: arbitrary bytes as a libconfig file, read
 * as a model spec (catalog.h rl_arch_load_file), as a hardware profile
 * (hardware.h rl_hw_load_file) and as a scenario (scenario.h
 * rl_scenario_load, against the built-in catalog).  The loaders take paths, so each
 * input is written to one private temp file first.
 * Contract checked: no crash, no sanitizer report, status RL_OK or
 * RL_EINPUT (RL_EIO only for @include of something unreadable), always
 * with a message on failure.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog.h"
#include "hardware.h"
#include "scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[64];
static rl_catalog *cat;     /* opened once, lives for the whole run */

static void check(int rc, const rl_err *e)
{
    if (rc == RL_OK) return;
    if ((rc != RL_EINPUT && rc != RL_EIO) || e->msg[0] == '\0') abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    rl_arch a;
    rl_hw h;
    rl_err e;
    FILE *f;

    if (!path[0]) {
        snprintf(path, sizeof path, "/tmp/rl-fuzz-cfg-%ld.cfg", (long)getpid());
    }
    /* libconfig @include could name any file (even /dev/zero); that is a
     * property of the library, not of our loaders: skip such inputs. */
    if (memchr(data, '@', size)) return 0;
    f = fopen(path, "wb");
    if (!f) return 0;
    if (size) fwrite(data, 1, size, f);
    fclose(f);
    memset(&e, 0, sizeof e);
    check(rl_arch_load_file(path, &a, &e), &e);
    memset(&e, 0, sizeof e);
    check(rl_hw_load_file(path, &h, &e), &e);
    if (!cat && !(cat = rl_catalog_open(NULL, &e))) abort();
    {
        rl_scenario *s = NULL;
        memset(&e, 0, sizeof e);
        check(rl_scenario_load(path, cat, &s, &e), &e);
        rl_scenario_free(s);
    }
    return 0;
}
