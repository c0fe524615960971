/*
 * calibrate.h -- measurements in, fitted runtime parameters and honest
 * error figures out.
 *
 * rl_meas_load reads a benchmark folder in the format of
 * data/benchmarks (measurements.csv + hardware.csv) and maps each
 * row onto catalog entries and a configuration.  rl_calibrate_fit fits
 * each (runtime, backend) group's decode and prefill parameters by
 * regularised least squares on relative error (see estimate_int.h for
 * why the model is linear in them); rl_validate refits with every device
 * held out in turn and predicts that device's rows.
 *
 * Ownership: a rl_meas_set is owned by the caller (rl_meas_free); the
 * configurations inside point into the catalog, which must outlive it.
 */
#ifndef RL_CALIBRATE_H
#define RL_CALIBRATE_H

#include "catalog.h"
#include "estimate.h"

enum rl_metric {
    RL_M_DECODE,        /* tok/s per sequence at small batch */
    RL_M_PREFILL,       /* prompt tok/s */
    RL_M_TTFT,          /* ms */
    RL_M_THROUGHPUT,    /* aggregate output tok/s at large batch */
    RL_M_WEIGHTS,       /* GiB of weights */
    RL_M_KV,            /* GiB of KV cache */
    RL_M_N
};

typedef struct rl_meas {
    int line;                   /* line in measurements.csv */
    int metric;                 /* enum rl_metric */
    int batch;                  /* 0 = as large as fits ("max (offline)") */
    int whole_file;             /* weights: file size (1) or device buffer (0) */
    int cold;                   /* TTFT of a fresh process's first prompt
                                   (a single CLI run, e.g. llama.cpp main) */
    double qps;                 /* TTFT under Poisson arrivals at this many
                                   requests/s (serving benchmarks); 0 = alone */
    long gen;                   /* output tokens per request behind qps */
    int served;                 /* TTFT seen by a client of a server (its
                                   front end included); 0 = engine-level */
    double value;               /* canonical units: tok/s, ms, GiB */
    char source[16];
    char hw_id[64];             /* catalog id ("" for file sizes) */
    rl_config cfg;              /* model, hw, runtime, quant, kv, split, tokens */
} rl_meas;

typedef struct rl_meas_set {
    int n, cap;
    rl_meas *m;
    int skipped;                /* rows that could not be mapped */
    int suspect;                /* rows flagged SUSPECT (excluded) */
} rl_meas_set;

/* Load `dir`/measurements.csv and `dir`/hardware.csv.  Rows whose model,
 * device, quant or runtime the catalog lacks are counted in skipped, rows
 * marked SUSPECT in suspect; neither is loaded.  RL_OK, RL_EIO, RL_EINPUT. */
int rl_meas_load(const char *dir, const rl_catalog *cat, rl_meas_set *out, rl_err *err);
void rl_meas_free(rl_meas_set *s);

/* Predict one measurement with the configuration's runtime as given.
 * lo/hi (may be NULL) receive the p10/p90 band where the estimate has
 * one (decode, prefill, throughput; TTFT p50..p95), else the p50. */
double rl_meas_predict(const rl_meas *m);
double rl_meas_predict_band(const rl_meas *m, double *lo, double *hi);

const char *rl_metric_name(int metric);

/* Fit every (runtime, backend) group that has data, writing into the
 * runtimes of `cat`.  Rows on device `holdout` (catalog id, may be NULL)
 * are ignored.  Backends with no usable rows keep their priors.
 * Returns the number of groups fitted. */
int rl_calibrate_fit(rl_catalog *cat, const rl_meas_set *s, const char *holdout);

/* Distinct non-empty device ids of `s` in first-seen order, at most max
 * (each up to 63 chars); returns how many. */
int rl_meas_devices(const rl_meas_set *s, char devs[][64], int max);

/* Hold-out folds.  For each device of `s` (rl_meas_devices, at most 64):
 * start from the catalog's current runtime parameters, fit without that
 * device, then call fn(ws, dev, ctx).  `ws` is the worker's own copy of
 * `s` (same rows in the same order, runtimes private to the worker), so
 * fn reads predictions of rows i of `dev` with rl_meas_predict(&ws->m[i])
 * and may write per-row results for those rows only: calls for different
 * devices run concurrently.  progress (may be NULL) is called with pctx
 * after each fold under a lock, with folds done and total.  jobs: worker threads
 * (<= 0: one per online CPU; never more than devices or RL_MAX_JOBS).
 * The catalog is not modified.  Returns the number of folds, -1 when
 * memory ran out before every fold was done. */
#define RL_MAX_JOBS 64
typedef void (*rl_fold_fn)(const rl_meas_set *ws, const char *dev, void *ctx);
typedef void (*rl_progress_fn)(int done, int total, const char *dev, void *ctx);
int rl_calibrate_folds(const rl_catalog *cat, const rl_meas_set *s, int jobs,
                       rl_fold_fn fn, void *ctx, rl_progress_fn progress, void *pctx);

/* The full calibration: fit with each device held out in turn to collect
 * out-of-sample log residuals (rl_calibrate_folds with `jobs` workers and
 * `progress`), then fit on everything; each backend's
 * sigma_decode / sigma_prefill / sigma_ttft become the RMS of its held-out
 * residuals (at least 5 rows; else 1.5 x in-sample, floored), and the
 * q10_* / q90_* their split-conformal percentiles (rl_band_of, every
 * device's rows), so p10/p90 describe error on a device the fit has not
 * seen.  Returns groups fitted. */
int rl_calibrate(rl_catalog *cat, const rl_meas_set *s, int jobs, rl_progress_fn progress,
                 void *pctx);

/* Split-conformal bands.  A performance row's band comes from the
 * held-out log residuals ln(measured / predicted) of its group: the same
 * runtime and metric (decode, prefill, TTFT), pooled over the runtime's
 * backends, counting only rows whose backend the fold had fitted.  With at
 * least RL_BAND_MIN residuals from RL_BAND_MIN_DEVICES devices, q10/q90
 * are their order statistics of rank floor((n+1) 0.1) and ceil((n+1)
 * 0.9), widened to hold 0 (p50 inside its own band).  rl_band_class: 0
 * decode, 1 prefill, 2 TTFT, -1 a metric without its own band. */
#define RL_BAND_MIN 10
#define RL_BAND_MIN_DEVICES 3
typedef struct rl_band { double q10, q90; int n; } rl_band;
int rl_band_class(int metric);

/* The band of row i's group from res[] (indexed like s, NAN = none),
 * leaving out rows measured on device `skip` (NULL: none) -- validate
 * scores a held-out device with the other devices' residuals only.
 * Returns 1 with q10 < q90 filled, 0 when the group is too thin (b->n
 * says how many rows it had; fewer than 3 devices also count as thin) or
 * out of memory. */
int rl_band_of(const rl_meas_set *s, const double *res, int i, const char *skip, rl_band *b);

/* Write the fitted backends of every runtime that has any fitted backend,
 * in the calibration.cfg format rl_catalog_apply_calibration reads, to
 * `path` through rl_out (safeio.h): atomic, "-" is stdout, special files
 * and links to them refused (RL_EINPUT); RL_EIO when a write fails, the
 * target then untouched. */
int rl_calibration_write(const rl_catalog *cat, const char *path, const char *cmdline,
                         rl_err *err);

#endif
