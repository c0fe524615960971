/*
 * fuzz_csv.c -- libFuzzer target: the benchmark-measurement CSV loader
 * (calibrate.h rl_meas_load) and the predictions made from what it loads
 * (rl_meas_predict_band, including the "~QPS" serving path and cold
 * "llama.cpp main" TTFT rows).
 *
 * Input format: hardware.csv, then a line that is exactly "--" (LF or
 * CRLF ending), then measurements.csv.  Without such a line the whole
 * input is measurements.csv and hardware.csv is a fixed copy of the real
 * one's rows (data/benchmarks), so mutations that lose the
 * separator still reach the device mapping.  rl_meas_load reads a folder,
 * so both parts are written into a private per-pid temp folder first.
 *
 * Contract checked: no crash, no sanitizer report (UBSan halts here too),
 * no slow input; status RL_OK, or RL_EINPUT / RL_EIO with a message; on
 * RL_OK every loaded row has a finite value > 0 and counts inside the
 * estimator's ranges (absurd rows must be skipped, not loaded), and its
 * prediction and band are finite with lo <= p <= hi when p > 0.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "calibrate.h"
#include "catalog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
const char *__ubsan_default_options(void);

/* UBSan reports would otherwise scroll by without failing the run. */
const char *__ubsan_default_options(void)
{
    return "halt_on_error=1:print_stacktrace=1";
}

#include "csv_input.h"

static char dir[64], hw_path[96], meas_path[96];
static rl_catalog *cat;     /* opened once, lives for the whole run */

static void cleanup(void)
{
    unlink(hw_path);
    unlink(meas_path);
    rmdir(dir);
}

static int write_file(const char *path, const uint8_t *b, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    if (n) fwrite(b, 1, n, f);
    return fclose(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const unsigned char *hw, *meas;
    size_t nhw, nmeas;
    rl_meas_set s;
    rl_err e;
    int rc;

    if (!dir[0]) {
        snprintf(dir, sizeof dir, "/tmp/rl-fuzz-csv-%ld", (long)getpid());
        snprintf(hw_path, sizeof hw_path, "%s/hardware.csv", dir);
        snprintf(meas_path, sizeof meas_path, "%s/measurements.csv", dir);
        if (mkdir(dir, 0700) != 0) {
            perror(dir);
            abort();
        }
        atexit(cleanup);
    }
    if (!cat && !(cat = rl_catalog_open(NULL, &e))) abort();

    csv_split(data, size, &hw, &nhw, &meas, &nmeas);
    if (write_file(hw_path, hw, nhw) || write_file(meas_path, meas, nmeas)) return 0;

    memset(&e, 0, sizeof e);
    rc = rl_meas_load(dir, cat, &s, &e);
    if (rc != RL_OK) {
        if ((rc != RL_EINPUT && rc != RL_EIO) || e.msg[0] == '\0') abort();
        return 0;
    }
    for (int i = 0; i < s.n; i++) {
        const rl_meas *m = &s.m[i];
        if (!(m->value > 0) || !isfinite(m->value) || m->cfg.devices < 1 ||
            m->cfg.devices > 65536 || m->cfg.prompt < 0 || m->cfg.prompt > 100000000L ||
            m->cfg.output < 0 || m->cfg.output > 100000000L || m->gen < 0 ||
            m->gen > 100000000L || m->batch < 0 || m->batch > 1000000 ||
            !(m->qps >= 0 && m->qps < 1e6))
            abort();
    }
    for (int i = 0; i < s.n; i++) {
        double lo = -1, hi = -1, p = rl_meas_predict_band(&s.m[i], &lo, &hi);
        if (!isfinite(p) || !isfinite(lo) || !isfinite(hi)) abort();
        if (p > 0 && !(lo <= p && p <= hi)) abort();
        if (rl_meas_predict(&s.m[i]) != p) abort();     /* deterministic */
    }
    rl_meas_free(&s);
    return 0;
}
