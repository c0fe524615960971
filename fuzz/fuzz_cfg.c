/*
 * fuzz_cfg.c -- libFuzzer target: arbitrary bytes as a libconfig file, read
 * as a model spec (catalog.h rl_arch_load_file), as a hardware profile
 * (hardware.h rl_hw_load_file) and as a scenario (scenario.h
 * rl_scenario_load, against the built-in catalog) and as a procurement
 * plan (procure.h rl_plan_load from the file, rl_plan_load_string from the
 * bytes up to the first NUL).  The file loaders take
 * paths: each input is written to input.cfg in a private folder
 * (sandbox.h), which also holds what `@include`, model_file and
 * hardware_file may name -- valid files, the input itself, a FIFO, a link
 * to /dev/zero, a folder -- so inputs with @include are fuzzed too (only
 * those reaching outside the folder are skipped).
 * Contract checked: no crash, no hang, no sanitizer report, status RL_OK
 * or RL_EINPUT (RL_EIO only for a file that cannot be opened), always
 * with a message on failure.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "hardware.h"
#include "procure.h"
#include "scenario.h"
#include "sandbox.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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

    if (!cat && !(cat = rl_catalog_open(NULL, &e))) abort();     /* before the chdir */
    if (!sb_dir[0]) {
        if (sb_enter() != 0) abort();
        atexit(sb_leave);
    }
    if (!sb_allowed(data, size) || sb_put("input.cfg", data, size) != 0) return 0;
    memset(&e, 0, sizeof e);
    check(rl_arch_load_file("input.cfg", &a, &e), &e);
    memset(&e, 0, sizeof e);
    check(rl_hw_load_file("input.cfg", &h, &e), &e);
    {
        rl_scenario *s = NULL;
        memset(&e, 0, sizeof e);
        check(rl_scenario_load("input.cfg", cat, &s, &e), &e);
        rl_scenario_free(s);
    }
    {
        rl_plan *p = NULL;
        char *text = malloc(size + 1);
        memset(&e, 0, sizeof e);
        check(rl_plan_load("input.cfg", cat, &p, &e), &e);
        rl_plan_free(p);
        if (!text) abort();
        memcpy(text, data, size);
        text[size] = '\0';
        memset(&e, 0, sizeof e);
        check(rl_plan_load_string(text, "input.cfg", cat, &p, &e), &e);
        rl_plan_free(p);
        free(text);
    }
    return 0;
}
