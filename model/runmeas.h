/*
 * runmeas.h -- run records (runrec.h) as calibration measurements
 * (calibrate.h), and drift of the current calibration against them.
 *
 * rl_meas_add_runs appends to a rl_meas_set the rows that
 * rl_meas_load would produce for the same runs, so that `calibrate
 * --runs` fits them with the existing code and `validate --runs` predicts
 * them.  One record gives one row per metric the model predicts:
 *
 *   decode_toks_sec        decode (concurrency 1; prompt = context_tokens)
 *   output_throughput_tok_s  throughput at batch = concurrency (0: as
 *                          many as fit); not under a request_rate
 *   prefill_toks_sec       prefill of context_tokens
 *   ttft_ms_p50            TTFT (ttft_scope: cold-start adds the cold
 *                          cost, server the front end; request_rate as
 *                          Poisson load); alone or under a request_rate
 *   weights_gb             weights on one device
 *   model_size_gb          weights as stored (the file)
 *   kv_cache_gb            KV cache for n_ctx tokens
 *
 * Other metrics are kept in the record but not compared.  A record
 * without a catalog model, runtime, quant and (except for model_size_gb)
 * hardware makes no row; rl_run_skips says why.
 */
#ifndef RL_RUNMEAS_H
#define RL_RUNMEAS_H

#include "calibrate.h"
#include "runrec.h"

/* Why records made no rows (counts of records). */
typedef struct rl_run_skips {
    int used;                   /* records that made at least one row */
    int no_model, no_hardware, no_runtime, no_quant, no_kv;
    int no_metric;              /* had ids but nothing comparable */
    int size_only;              /* used, but only their file size: speeds or
                                   device memory without catalog hardware */
} rl_run_skips;

/* Append the rows of `n` records.  Each row's `line` is its record's
 * 1-based index in recs and `source` is "runs".  Hardware is the
 * record's hardware_id, else its hardware_name when that names one
 * catalog device.  RL_OK or RL_EIO (out of memory; rows added so far stay). */
int rl_meas_add_runs(rl_meas_set *s, const rl_runrec *recs, int n, const rl_catalog *cat,
                     rl_run_skips *why, rl_err *err);

/* One-line summary of why records were skipped ("2 records skipped:
 * model not in the catalog 1, no hardware 1"), "" when none. */
void rl_run_skips_text(const rl_run_skips *w, char *out, size_t n);

/* Drift classes and their alarm thresholds (median |error| %, the seed
 * spec): decode 12, TTFT 18, memory (weights, KV) 7; prefill and
 * throughput are reported without an alarm. */
enum { RL_DRIFT_DECODE, RL_DRIFT_PREFILL, RL_DRIFT_TTFT, RL_DRIFT_THROUGHPUT,
       RL_DRIFT_MEMORY, RL_DRIFT_N };
const char *rl_drift_class_name(int k);     /* "decode" ... */
double rl_drift_threshold(int k);           /* % or 0 = no alarm */

typedef struct rl_drift_row {
    char runtime_id[32], runtime_version[64];   /* "" version: not recorded */
    int cls;                    /* RL_DRIFT_* */
    int n;                      /* rows */
    double median_abs_pct;      /* median |predicted - measured| / measured */
    double median_signed_pct;   /* + = the model predicts too much */
    int alarm;                  /* 1: median_abs_pct above the threshold */
} rl_drift_row;

/* Predict every row of `s` (made by rl_meas_add_runs from `recs`) with
 * the catalog as it stands (no refit) and group the errors per (runtime,
 * version, class).  *rows is malloc'ed (caller frees), sorted by runtime,
 * version, class.  Returns the number of alarms, or -1 on OOM. */
int rl_drift(const rl_meas_set *s, const rl_runrec *recs, rl_drift_row **rows, int *nrows);

#endif
