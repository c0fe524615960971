/*
 * cmd_validate.c -- `ridgeline calibrate` and `ridgeline validate`.
 *
 * calibrate: fit every runtime backend that has measurements and write
 *            the catalog's calibration.cfg (or --out FILE).
 * validate:  for each device in the data, refit WITHOUT that device and
 *            predict its rows; print median and mean absolute % error per
 *            metric against the launch gates.  --in-sample shows the
 *            training fit instead (not a generalisation figure).
 */
#include "cli.h"
#include "calibrate.h"
#include "paths.h"
#include "safeio.h"
#include "runs_fit.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct vopts {
    const char *data, *catalog, *out, *runs, *calibration;
    int in_sample, priors, by_device, json, verbose;
    long jobs;                  /* fold workers; 0 = one per CPU */
    char data_dir[4096];        /* default --data: the shipped benchmarks */
} vopts;

static int parse(int argc, char **argv, vopts *o, const char *usage, rl_err *err)
{
    for (int i = 1; i < argc; i++) {
        const char *v;
        int r;
        if (strcmp(argv[i], "--help") == 0) { fputs(usage, stdout); return -1; }
        if (strcmp(argv[i], "--json") == 0) { o->json = 1; continue; }
        if (strcmp(argv[i], "--in-sample") == 0) { o->in_sample = 1; continue; }
        if (strcmp(argv[i], "--priors") == 0) { o->priors = 1; continue; }
        if (strcmp(argv[i], "--by-device") == 0) { o->by_device = 1; continue; }
        if (strcmp(argv[i], "--verbose") == 0) { o->verbose = 1; continue; }
        if ((r = rl_arg_value(argc, argv, &i, "--data", &v, err)) < 0) return RL_EINPUT;
        if (r) { o->data = v; continue; }
        if ((r = rl_arg_value(argc, argv, &i, "--catalog", &v, err)) < 0) return RL_EINPUT;
        if (r) { o->catalog = v; continue; }
        if ((r = rl_arg_value(argc, argv, &i, "--out", &v, err)) < 0) return RL_EINPUT;
        if (r) { o->out = v; continue; }
        if ((r = rl_arg_value(argc, argv, &i, "--jobs", &v, err)) < 0) return RL_EINPUT;
        if (r) {
            if (rl_parse_long("--jobs", v, 1, RL_MAX_JOBS, &o->jobs, err)) return RL_EINPUT;
            continue;
        }
        if ((r = rl_arg_value(argc, argv, &i, "--runs", &v, err)) < 0) return RL_EINPUT;
        if (r) { o->runs = v; continue; }
        if ((r = rl_arg_value(argc, argv, &i, "--calibration", &v, err)) < 0) return RL_EINPUT;
        if (r) { o->calibration = v; continue; }
        return rl_err_set(err, RL_EINPUT, NULL, 0, "unknown option '%s'", argv[i]);
    }
    return RL_OK;
}

/* Fold progress on stderr, only when it is a terminal: one line rewritten
 * in place, erased when the last fold is done. */
static void progress(int done, int total, const char *dev, void *ctx)
{
    const char *what = ctx;
    if (!isatty(STDERR_FILENO)) return;
    if (done < total)
        fprintf(stderr, "\r%s: %d/%d devices held out (last: %-20.20s)", what, done, total, dev);
    else
        fprintf(stderr, "\r%*s\r", 70, "");
    fflush(stderr);
}

static int open_all(vopts *o, rl_catalog **cat, rl_meas_set *s, rl_err *err)
{
    if (!o->data) {             /* data/benchmarks beside the binary or source */
        rl_share_dir(RL_SHARE_DATA, o->data_dir, sizeof o->data_dir);
        o->data = o->data_dir;
    }
    if (!(*cat = rl_catalog_open_priors(o->catalog, err))) return err->code;
    if (rl_meas_load(o->data, *cat, s, err)) {
        rl_catalog_free(*cat);
        *cat = NULL;
        return err->code;
    }
    return RL_OK;
}

static const char cal_usage[] =
"usage: ridgeline calibrate --out FILE [--data DIR] [--runs FILE.jsonl] [--catalog DIR]\n"
"                           [--jobs N]\n"
"  Fit each runtime backend's parameters (bw_eff, kv_eff, layer_us, step_ms,\n"
"  seq_us, mfu, attn_eff, dequant_eff, dequant_flops, pre_bw_eff,\n"
"  tflops_per_w, gemm_k0, prefill_ms, cold_ms, link_eff, frontend_ms, ar_us;\n"
"  runtimes.cfg documents each) to the measurements in DIR (default: the\n"
"  benchmark data shipped with ridgeline, data/benchmarks; $RIDGELINE_DATA\n"
"  overrides) and\n"
"  write them to FILE ('-' for stdout).  Use the result with --calibration\n"
"  FILE (estimate, solve) or RIDGELINE_CATALOG; the shipped catalog's\n"
"  calibration.cfg is only replaced when FILE names it.  FILE is written\n"
"  atomically; a device, FIFO or directory (or a link to one) is refused.\n"
"  --runs FILE.jsonl fits run records (ridgeline harness import, runs list\n"
"  --json) instead of the shipped data, or beside --data DIR when both are\n"
"  given; the file's header then names the record count, the runtime\n"
"  versions in them and the UTC date.\n"
"  The held-out folds run on --jobs N threads (default: one per CPU);\n"
"  progress shows on a terminal.\n"
"  exit status: 0 written, 1 nothing could be fitted (no file touched),\n"
"  2 bad input or --out refused, 4 cannot write\n";

int rl_cmd_calibrate(int argc, char **argv)
{
    vopts o = { 0 };
    rl_err err;
    rl_catalog *cat = NULL;
    rl_meas_set s;
    char cmd[2048], stamp[1024];
    int rc, groups;

    rl_err_clear(&err);
    if ((rc = parse(argc, argv, &o, cal_usage, &err))) return rc < 0 ? RL_OK : rl_fail(&err);
    if (o.calibration)
        return rl_fail(&(rl_err){ RL_EINPUT, 0, "", "calibrate starts from the priors: "
                                  "--calibration is an estimate/solve/validate --runs flag" });
    if (!o.out) {
        rl_err_set(&err, RL_EINPUT, NULL, 0, "calibrate needs --out FILE (the shipped "
                   "calibration is never replaced by default)");
        return rl_fail(&err);
    }
    if ((rc = rl_out_check(o.out, &err))) return rl_fail(&err);   /* before the work */
    if (o.runs && !o.data) {            /* the user's runs alone */
        memset(&s, 0, sizeof s);
        if (!(cat = rl_catalog_open_priors(o.catalog, &err))) return rl_fail(&err);
    } else if ((rc = open_all(&o, &cat, &s, &err))) return rl_fail(&err);
    if (o.runs && (rc = rl_runs_calibrate_rows(o.runs, cat, &s, stamp, sizeof stamp, &err))) {
        rl_meas_free(&s);
        rl_catalog_free(cat);
        return rl_fail(&err);
    }
    groups = rl_calibrate(cat, &s, (int)o.jobs, progress, (void *)"calibrate");
    if (groups == 0) {          /* writing priors as a "fit" would be a lie */
        rl_err_set(&err, RL_EINFEASIBLE, NULL, 0, "nothing to fit: no runtime backend has "
                   "enough usable rows in %s (%d mapped, %d skipped, %d suspect); %s not "
                   "written", o.runs ? o.runs : o.data, s.n, s.skipped, s.suspect, o.out);
        rl_meas_free(&s);
        rl_catalog_free(cat);
        return rl_fail(&err);
    }
    /* name the data folder the same on every machine: the default is the
     * shipped data/benchmarks wherever it was found */
    if (!o.runs)
        snprintf(cmd, sizeof cmd, "ridgeline calibrate --data %s (%d rows, %d skipped, "
                 "%d suspect)", o.data == o.data_dir ? "data/benchmarks" : o.data, s.n,
                 s.skipped, s.suspect);
    else                                /* stamp: what the fit learnt from */
        snprintf(cmd, sizeof cmd, "ridgeline calibrate%s%s --runs %s (%d rows)\n# Runs: %s",
                 o.data ? " --data " : "", o.data ? o.data : "", o.runs, s.n, stamp);
    rc = rl_calibration_write(cat, o.out, cmd, &err);
    if (rc == RL_OK)
        fprintf(stderr, "calibrate: %d rows, %d backend groups fitted -> %s\n", s.n, groups,
                o.out);
    else
        rl_fail(&err);
    rl_meas_free(&s);
    rl_catalog_free(cat);
    return rc;
}

/* ------------------------------------------------------------- validate */

typedef struct result { int row; double err_pct; } result;

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    if (n == 0) return NAN;
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Per device: n, median |%| and median signed % of each performance
 * metric (text table or a "devices" object in the JSON). */
static void by_device(const rl_meas_set *s, const double *errs, char devs[][64], int ndev,
                      cJSON *doc)
{
    static const int met[] = { RL_M_DECODE, RL_M_PREFILL, RL_M_TTFT, RL_M_THROUGHPUT };
    enum { NMET = sizeof met / sizeof *met };
    double *a = malloc(sizeof *a * (size_t)(s->n + 1)), *g = malloc(sizeof *g * (size_t)(s->n + 1));
    cJSON *all = doc ? cJSON_AddObjectToObject(doc, "devices") : NULL;

    if (!a || !g) { free(a); free(g); return; }
    if (!doc) {
        printf("\nper device%-8s", "");
        for (int k = 0; k < NMET; k++) printf(" %24s", rl_metric_name(met[k]));
        printf("\n%-18s", "");
        for (int k = 0; k < NMET; k++) printf(" %5s %9s %8s", "n", "median|%|", "bias %");
        printf("\n");
    }
    for (int d = 0; d < ndev; d++) {
        cJSON *dv = doc ? cJSON_AddObjectToObject(all, devs[d]) : NULL;
        if (!doc) printf("%-18s", devs[d]);
        for (int k = 0; k < NMET; k++) {
            int n = 0;
            for (int i = 0; i < s->n; i++)
                if (s->m[i].metric == met[k] && !isnan(errs[i]) &&
                    strcmp(s->m[i].hw_id, devs[d]) == 0) {
                    g[n] = errs[i];
                    a[n++] = fabs(errs[i]);
                }
            if (n == 0) {
                if (!doc) printf(" %5s %9s %8s", "-", "-", "-");
                continue;
            }
            {
                double med = median(a, n), bias = median(g, n);
                if (doc) {
                    cJSON *x = cJSON_AddObjectToObject(dv, rl_metric_name(met[k]));
                    cJSON_AddNumberToObject(x, "n", n);
                    cJSON_AddNumberToObject(x, "median_abs_pct", round(med * 100) / 100);
                    cJSON_AddNumberToObject(x, "median_signed_pct", round(bias * 100) / 100);
                } else
                    printf(" %5d %9.1f %+8.1f", n, med, bias);
            }
        }
        if (!doc) printf("\n");
    }
    free(a);
    free(g);
}

/* Per-row results of validate, indexed like the measurement set. */
typedef struct vrows {
    double *errs;               /* signed % error, NAN until predicted */
    double *pred;               /* the prediction */
    unsigned char *inband;      /* measured value inside p10..p90 */
    unsigned char *prior;       /* its runtime ran on priors in that fold */
} vrows;

/* Score the rows of device `dev` (NULL: every row not yet scored) at the
 * parameters of `s`'s runtimes; a rl_fold_fn. */
static void score_rows(const rl_meas_set *s, const char *dev, void *ctx)
{
    vrows *v = ctx;
    for (int i = 0; i < s->n; i++) {
        const rl_meas *m = &s->m[i];
        double p, lo, hi;
        if (dev ? strcmp(m->hw_id, dev) != 0 : !isnan(v->errs[i])) continue;
        p = rl_meas_predict_band(m, &lo, &hi);
        v->inband[i] = m->value >= lo * 0.9999 && m->value <= hi * 1.0001;
        /* did this fold fit the parameters the row depends on, or did
         * holding the device out leave its runtime at the priors? */
        v->prior[i] = (m->metric == RL_M_DECODE ? rl_runtime_backend(m->cfg.rt, m->cfg.hw)
                       : rl_runtime_backend_prefill(m->cfg.rt, m->cfg.hw))->fitted_points == 0;
        v->pred[i] = p;
        v->errs[i] = 100.0 * (p - m->value) / m->value;
    }
}

/* Held-out coverage of the shipped kind of band.  rl_calibrate gives each
 * (runtime, metric) group the split-conformal percentiles of
 * every device's held-out residuals; scoring device D with those would
 * use D's own errors.  So D's rows are scored with percentiles of the
 * OTHER devices' held-out residuals of the same group (each predicted by
 * the fold that left that device out), and only rows whose group is too
 * thin (under 10 rows or 3 devices, calibrate.h) keep the fold's own band
 * (its sigma, widened as the estimate does). */
static void conformal_cover(const rl_meas_set *s, const vrows *v)
{
    double *res = malloc(sizeof *res * (size_t)(s->n + 1));

    if (!res) return;
    /* ln(measured / predicted) of rows whose backend the fold fitted (the
     * others keep the fold's prior band, as rl_calibrate gives them) */
    for (int i = 0; i < s->n; i++)
        res[i] = s->m[i].hw_id[0] && !v->prior[i] && !isnan(v->errs[i]) && v->errs[i] > -100
                 ? -log1p(v->errs[i] / 100) : NAN;
    for (int i = 0; i < s->n; i++) {
        rl_band b;
        if (isnan(res[i]) || !rl_band_of(s, res, i, s->m[i].hw_id, &b)) continue;
        v->inband[i] = res[i] >= b.q10 - 1e-9 && res[i] <= b.q90 + 1e-9;
    }
    free(res);
}

static const char val_usage[] =
"usage: ridgeline validate [--data DIR] [--catalog DIR] [--in-sample | --priors]\n"
"                         [--by-device] [--verbose] [--json] [--jobs N]\n"
"       ridgeline validate --runs FILE.jsonl [--calibration FILE] [--catalog DIR] [--json]\n"
"  Hold out each device in turn: fit on the others, predict its rows, and\n"
"  print median / mean absolute % error per metric against the accuracy\n"
"  gates (decode <= 7%, prefill <= 12%, TTFT <= 15%, weights as stored <= 1%)\n"
"  and the share of rows inside the p10-p90 band (decode and prefill with\n"
"  50+ rows: 75-85%, marked 'out' beyond; too narrow is as wrong as too wide).\n"
"  Where some of a metric's rows come from a runtime that no other device\n"
"  measured (so the fold left it at its priors), two more lines split the\n"
"  median: runtime fitted / runtime on priors.  The gate is on all rows.\n"
"  --in-sample fits on every device and predicts the same rows; --priors\n"
"  fits nothing: the documented priors alone, as a runtime nobody measured\n"
"  gets them.  rms ln is the root-mean-square log error (what sigma means).\n"
"  --by-device adds each device's median |%| and signed median per metric\n"
"  (with devices held out: how far off an unseen part of that kind is).\n"
"  Folds run on --jobs N threads (default: one per CPU); progress shows on\n"
"  a terminal.  Exit 0 when every gate passes, 1 when one fails.\n"
"  --runs: drift alarms instead: predict each run record with the current\n"
"  calibration (no refit) and give, per runtime and version, the median\n"
"  |error| of decode (alarm > 12%), TTFT (> 18%) and memory (weights, KV;\n"
"  > 7%), prefill and throughput without an alarm.  Exit 1 when one fires.\n";

int rl_cmd_validate(int argc, char **argv)
{
    vopts o = { 0 };
    /* issue 12's gates for held-out hardware (decode, prefill, TTFT, -,
     * weights, -); p10-p90 coverage 75-85% on decode and prefill */
    static const double gate[RL_M_N] = { 7, 12, 15, 0, 1, 0 };
    rl_err err;
    rl_catalog *cat = NULL;
    rl_meas_set s;
    double *errs = NULL, *pred = NULL;
    unsigned char *inband = NULL, *prior = NULL;
    char devs[64][64];
    int ndev = 0, rc, failed = 0;

    rl_err_clear(&err);
    if ((rc = parse(argc, argv, &o, val_usage, &err))) return rc < 0 ? RL_OK : rl_fail(&err);
    if (o.runs && (o.data || o.in_sample || o.priors || o.by_device || o.verbose || o.out))
        return rl_fail(&(rl_err){ RL_EINPUT, 0, "", "validate --runs takes only --calibration, "
                                  "--catalog and --json" });
    if (o.runs) return rl_runs_validate(o.runs, o.catalog, o.calibration, o.json);
    if (o.calibration || o.out)
        return rl_fail(&(rl_err){ RL_EINPUT, 0, "", "--calibration and --out are not validate "
                                  "flags (--calibration goes with --runs)" });
    if (o.in_sample && o.priors) {
        rl_err_set(&err, RL_EINPUT, NULL, 0, "--in-sample and --priors exclude each other");
        return rl_fail(&err);
    }
    if ((rc = open_all(&o, &cat, &s, &err))) return rl_fail(&err);
    errs = malloc(sizeof *errs * (size_t)(s.n > 0 ? s.n : 1));
    pred = malloc(sizeof *pred * (size_t)(s.n > 0 ? s.n : 1));
    inband = calloc((size_t)(s.n > 0 ? s.n : 1), 1);
    prior = calloc((size_t)(s.n > 0 ? s.n : 1), 1);
    if (!errs || !pred || !inband || !prior) { rc = RL_EIO; goto out; }
    for (int i = 0; i < s.n; i++) errs[i] = NAN;
    ndev = rl_meas_devices(&s, devs, 64);
    {
        vrows vr = { errs, pred, inband, prior };
        if (o.in_sample) rl_calibrate_fit(cat, &s, NULL);
        if (o.in_sample || o.priors || ndev == 0)
            score_rows(&s, NULL, &vr);
        else if (rl_calibrate_folds(cat, &s, (int)o.jobs, score_rows, &vr, progress,
                                    (void *)"validate") < 0) {
            rc = RL_EIO;
            goto out;
        }
        /* rows no fold predicted (no device id): at the priors */
        score_rows(&s, NULL, &vr);
        if (!o.in_sample && !o.priors) conformal_cover(&s, &vr);
    }
    if (o.verbose)
        for (int d = 0; d <= ndev; d++)
            for (int i = 0; i < s.n; i++) {
                const rl_meas *m = &s.m[i];
                char mv[32], pv[32];
                if (isnan(errs[i]) || (d < ndev ? strcmp(m->hw_id, devs[d]) != 0 : m->hw_id[0] != 0))
                    continue;
                fprintf(stdout, "  line %4d %-7s %-16s %-14s %-9s %-18s dev %d b %4d p %5ld n %5ld: "
                        "measured %10s predicted %10s (%+.1f%%)\n",
                        m->line, m->source, m->hw_id[0] ? m->hw_id : "-", m->cfg.model->id,
                        m->cfg.quant->id, m->cfg.rt->id, m->cfg.devices, m->batch,
                        (long)m->cfg.prompt, (long)m->cfg.output,
                        rl_fmt_num(mv, sizeof mv, m->value, 4), rl_fmt_num(pv, sizeof pv, pred[i], 4),
                        errs[i]);
            }
    {
        cJSON *doc = cJSON_CreateObject(), *mets = cJSON_AddObjectToObject(doc, "metrics");
        if (!o.json)
            printf("%s: %d measurements (%d skipped: model/device/format not in the catalog; "
                   "%d marked SUSPECT)\n%-18s %5s %10s %10s %10s %8s %10s %8s\n",
                   o.in_sample ? "in-sample fit" : o.priors ? "documented priors, nothing fitted"
                   : "devices held out one at a time",
                   s.n, s.skipped, s.suspect, "metric", "n", "median|%|", "mean|%|",
                   "bias %", "rms ln", "in band", "gate");
        for (int k = 0; k < RL_M_N; k++) {
            double *a = malloc(sizeof *a * (size_t)(s.n + 1)), *sg = malloc(sizeof *sg * (size_t)(s.n + 1));
            double sum = 0, ss = 0, med, bias;
            int n = 0, cover = 0;
            if (!a || !sg) { free(a); free(sg); continue; }
            for (int i = 0; i < s.n; i++)
                if (s.m[i].metric == k && !isnan(errs[i])) {
                    sg[n] = errs[i];
                    a[n] = fabs(errs[i]);
                    ss += log1p(errs[i] / 100) * log1p(errs[i] / 100);
                    cover += inband[i];
                    sum += a[n++];
                }
            if (n) {
                med = median(a, n);
                bias = median(sg, n);
                int pass = gate[k] <= 0 || med <= gate[k];
                /* coverage is gated where it means something: 50+ rows
                 * (at 80%, the share of n rows wanders by 0.4/sqrt(n)) */
                int banded = (k == RL_M_DECODE || k == RL_M_PREFILL) && n >= 50;
                int band_ok = !banded || (cover >= 0.75 * n && cover <= 0.85 * n);
                if (!pass || !band_ok) failed = 1;
                if (o.json) {
                    cJSON *x = cJSON_AddObjectToObject(mets, rl_metric_name(k));
                    cJSON_AddNumberToObject(x, "n", n);
                    cJSON_AddNumberToObject(x, "median_abs_pct", round(med * 100) / 100);
                    cJSON_AddNumberToObject(x, "mean_abs_pct", round(sum / n * 100) / 100);
                    cJSON_AddNumberToObject(x, "median_signed_pct", round(bias * 100) / 100);
                    cJSON_AddNumberToObject(x, "rms_log", round(sqrt(ss / n) * 1e4) / 1e4);
                    cJSON_AddNumberToObject(x, "in_band_pct", round(1000.0 * cover / n) / 10);
                    if (gate[k] > 0) cJSON_AddNumberToObject(x, "gate_pct", gate[k]);
                    if (banded) cJSON_AddBoolToObject(x, "in_band_ok", band_ok);
                } else {
                    char g[16] = "-";
                    if (gate[k] > 0) snprintf(g, sizeof g, "%s%.0f%%", pass ? "ok <=" : "FAIL >", gate[k]);
                    char band[16] = "-";
                    if (k != RL_M_WEIGHTS && k != RL_M_KV)   /* no band on exact sizes */
                        snprintf(band, sizeof band, "%.0f%%%s", 100.0 * cover / n,
                                 band_ok ? "" : " out");
                    printf("%-18s %5d %10.2f %10.2f %+10.2f %8.3f %10s %8s\n", rl_metric_name(k), n,
                           med, sum / n, bias, sqrt(ss / n), band, g);
                }
            }
            /* the same rows split by whether their runtime was fitted on
             * other devices or ran on its priors alone */
            for (int pr = 0; n && pr <= 1; pr++) {
                int m = 0, all = n;
                for (int i = 0; i < s.n; i++)
                    if (s.m[i].metric == k && !isnan(errs[i]) && prior[i] == pr)
                        a[m++] = fabs(errs[i]);
                if (m == 0 || m == all) continue;
                med = median(a, m);
                if (o.json) {
                    cJSON *x = cJSON_GetObjectItem(mets, rl_metric_name(k));
                    cJSON *y = cJSON_AddObjectToObject(x, pr ? "runtime_on_priors" : "runtime_fitted");
                    cJSON_AddNumberToObject(y, "n", m);
                    cJSON_AddNumberToObject(y, "median_abs_pct", round(med * 100) / 100);
                } else
                    printf("  %-16s %5d %10.2f   (%s)\n", pr ? "runtime on priors" : "runtime fitted",
                           m, med,
                           o.in_sample ? (pr ? "too few rows to fit: priors only" : "fitted")
                           : pr ? "no other device measured this runtime: priors only"
                                : "runtime fitted on other devices");
            }
            free(a);
            free(sg);
        }
        if (o.by_device) by_device(&s, errs, devs, ndev, o.json ? doc : NULL);
        if (o.json) {
            cJSON_AddBoolToObject(doc, "held_out", !o.in_sample && !o.priors);
            cJSON_AddBoolToObject(doc, "priors_only", o.priors);
            cJSON_AddNumberToObject(doc, "measurements", s.n);
            rl_json_print(stdout, doc, 1);
        }
        cJSON_Delete(doc);
    }
    rc = failed ? RL_EINFEASIBLE : RL_OK;
out:
    free(errs);
    free(pred);
    free(inband);
    free(prior);
    rl_meas_free(&s);
    rl_catalog_free(cat);
    return rc;
}
