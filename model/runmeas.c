/*
 * runmeas.c -- run records as calibration rows, and drift alarms
 * (runmeas.h).  The mapping mirrors calibrate.c's map_row for the CSV
 * measurements so that a record and the equivalent CSV row fit and
 * predict the same way.
 */
#include "runmeas.h"
#include "harness.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GIB 1073741824.0

static int push(rl_meas_set *s, const rl_meas *m)
{
    if (s->n == s->cap) {
        rl_meas *g = realloc(s->m, sizeof *g * (size_t)(s->cap = s->cap ? s->cap * 2 : 64));
        if (!g) return -1;
        s->m = g;
    }
    s->m[s->n++] = *m;
    return 0;
}

/* The configuration every row of record r shares; 0 and *why counted
 * when a piece is not in the catalog. */
static int base_row(const rl_runrec *r, int idx, const rl_catalog *cat, rl_meas *m,
                    rl_run_skips *w)
{
    const char *hw = r->hardware_id[0] ? r->hardware_id : rl_harness_hw_id(cat, r->hardware_name);

    memset(m, 0, sizeof *m);
    rl_config_init(&m->cfg);
    m->line = idx + 1;
    snprintf(m->source, sizeof m->source, "runs");
    if (!(m->cfg.model = rl_catalog_model(cat, r->model_id))) { w->no_model++; return 0; }
    if (!(m->cfg.rt = rl_catalog_runtime(cat, r->runtime_id))) { w->no_runtime++; return 0; }
    if (!(m->cfg.quant = rl_catalog_quant(cat, r->quant))) { w->no_quant++; return 0; }
    if (!(m->cfg.kv = rl_catalog_kvtype(cat, r->kv_dtype[0] ? r->kv_dtype : "fp16"))) {
        w->no_kv++;
        return 0;
    }
    if (hw && (m->cfg.hw = rl_catalog_hw(cat, hw)))
        snprintf(m->hw_id, sizeof m->hw_id, "%s", hw);
    /* devices without a split: rl_config_normalise picks TP or a layer
     * split from the runtime, as for `estimate --devices N` */
    m->cfg.tp = r->tp > 0 ? r->tp : 1;
    m->cfg.pp = r->pp > 0 ? r->pp : 1;
    m->cfg.devices = r->n_devices > 0 ? r->n_devices : m->cfg.tp * m->cfg.pp;
    m->cfg.prompt = r->context_tokens > 0 ? r->context_tokens : 0;
    m->cfg.output = r->output_tokens > 0 ? r->output_tokens : 0;
    m->batch = 1;
    m->cfg.concurrency = 1;
    return 1;
}

/* The rows of one record (after base_row). */
static int record_rows(rl_meas_set *s, const rl_runrec *r, const rl_meas *b, int hw)
{
    const double *v = r->metric;
    int before = s->n, conc = r->concurrency < 0 ? 1 : r->concurrency;
    rl_meas m;

    if (hw && conc <= 1 && v[RL_RUN_DECODE] > 0 && r->output_tokens > 0) {
        m = *b;
        m.metric = RL_M_DECODE;
        m.value = v[RL_RUN_DECODE];
        if (push(s, &m)) return -1;
    }
    if (hw && v[RL_RUN_OUT_TPUT] > 0 && r->output_tokens > 0 && r->request_rate <= 0) {
        m = *b;
        m.metric = RL_M_THROUGHPUT;
        m.batch = conc;                 /* 0: as many as fit */
        m.value = v[RL_RUN_OUT_TPUT];
        if (push(s, &m)) return -1;
    }
    if (hw && v[RL_RUN_PREFILL] > 0 && r->context_tokens > 0) {
        m = *b;
        m.metric = RL_M_PREFILL;
        m.cfg.output = 0;
        m.value = v[RL_RUN_PREFILL];
        if (push(s, &m)) return -1;
    }
    if (hw && v[RL_RUN_TTFT_P50] > 0 && r->context_tokens > 0 &&
        (conc <= 1 || r->request_rate > 0)) {
        m = *b;
        m.metric = RL_M_TTFT;
        m.cfg.output = 0;
        m.cold = r->ttft_scope == RL_TTFT_COLD;
        m.served = r->ttft_scope == RL_TTFT_SERVER;
        if (r->request_rate > 0 && r->output_tokens > 0) {
            m.qps = r->request_rate;
            m.gen = r->output_tokens;
        }
        m.value = v[RL_RUN_TTFT_P50];
        if (push(s, &m)) return -1;
    }
    if (hw && v[RL_RUN_WEIGHTS] > 0) {
        m = *b;
        m.metric = RL_M_WEIGHTS;
        m.value = v[RL_RUN_WEIGHTS] * 1e9 / GIB;
        if (push(s, &m)) return -1;
    }
    if (v[RL_RUN_MODEL_SIZE] > 0) {
        m = *b;
        m.metric = RL_M_WEIGHTS;
        m.whole_file = 1;
        m.value = v[RL_RUN_MODEL_SIZE] * 1e9 / GIB;
        if (push(s, &m)) return -1;
    }
    if (hw && v[RL_RUN_KV] > 0 && r->n_ctx > 0) {
        m = *b;
        m.metric = RL_M_KV;
        m.cfg.prompt = m.cfg.context_cap = r->n_ctx;
        m.cfg.output = 0;
        m.value = v[RL_RUN_KV] * 1e9 / GIB;
        if (push(s, &m)) return -1;
    }
    return s->n - before;
}

int rl_meas_add_runs(rl_meas_set *s, const rl_runrec *recs, int n, const rl_catalog *cat,
                     rl_run_skips *why, rl_err *err)
{
    rl_run_skips w = { 0 };

    for (int i = 0; i < n; i++) {
        rl_meas b;
        int k;
        if (!base_row(&recs[i], i, cat, &b, &w)) continue;
        /* a file size needs no device: give its row one, as rl_meas_load
         * does; every other row needs the record's */
        if (!b.cfg.hw) {
            const double *v = recs[i].metric;
            if (isnan(v[RL_RUN_MODEL_SIZE])) { w.no_hardware++; continue; }
            b.cfg.hw = rl_catalog_hw_at(cat, 0);
            k = record_rows(s, &recs[i], &b, 0);
            w.size_only += v[RL_RUN_DECODE] > 0 || v[RL_RUN_PREFILL] > 0 ||
                           v[RL_RUN_TTFT_P50] > 0 || v[RL_RUN_OUT_TPUT] > 0 ||
                           v[RL_RUN_WEIGHTS] > 0 || v[RL_RUN_KV] > 0;
        } else
            k = record_rows(s, &recs[i], &b, 1);
        if (k < 0) {
            if (why) *why = w;
            return rl_err_set(err, RL_EIO, NULL, 0, "out of memory");
        }
        if (k == 0) w.no_metric++;
        else w.used++;
    }
    if (why) *why = w;
    return RL_OK;
}

void rl_run_skips_text(const rl_run_skips *w, char *out, size_t n)
{
    int total = w->no_model + w->no_hardware + w->no_runtime + w->no_quant + w->no_kv +
                w->no_metric;
    size_t o;

    out[0] = '\0';
    o = 0;
    if (w->size_only)
        o = (size_t)snprintf(out, n, "%d record%s compared on file size only (no catalog "
                             "hardware for their speeds and device memory: harness import "
                             "--hardware ID)%s", w->size_only, w->size_only == 1 ? "" : "s",
                             total ? "; " : "");
    if (!total || o >= n) return;
    o += (size_t)snprintf(out + o, n - o, "%d record%s skipped:", total, total == 1 ? "" : "s");
#define R(field, text) if (w->field && o < n) \
        o += (size_t)snprintf(out + o, n - o, " %s %d;", text, w->field)
    R(no_model, "model_id not in the catalog");
    R(no_hardware, "no catalog hardware");
    R(no_runtime, "runtime_id not in the catalog");
    R(no_quant, "quant not in the catalog");
    R(no_kv, "kv_dtype not in the catalog");
    R(no_metric, "no metric the model predicts");
#undef R
    if (o > 0 && o < n && out[o - 1] == ';') out[o - 1] = '\0';
}

/* ------------------------------------------------------------- drift */

const char *rl_drift_class_name(int k)
{
    static const char *const n[RL_DRIFT_N] = { "decode", "prefill", "ttft", "throughput",
                                               "memory" };
    return k >= 0 && k < RL_DRIFT_N ? n[k] : "?";
}

double rl_drift_threshold(int k)
{
    static const double t[RL_DRIFT_N] = { 12, 0, 18, 0, 7 };
    return k >= 0 && k < RL_DRIFT_N ? t[k] : 0;
}

static int drift_class(int metric)
{
    switch (metric) {
    case RL_M_DECODE: return RL_DRIFT_DECODE;
    case RL_M_PREFILL: return RL_DRIFT_PREFILL;
    case RL_M_TTFT: return RL_DRIFT_TTFT;
    case RL_M_THROUGHPUT: return RL_DRIFT_THROUGHPUT;
    default: return RL_DRIFT_MEMORY;
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int cmp_row(const void *a, const void *b)
{
    const rl_drift_row *x = a, *y = b;
    int c = strcmp(x->runtime_id, y->runtime_id);
    if (!c) c = strcmp(x->runtime_version, y->runtime_version);
    return c ? c : x->cls - y->cls;
}

/* Fill one group's statistics from the errors of rows in it. */
static void group_stats(rl_drift_row *g, const rl_meas_set *s, const rl_runrec *recs,
                        const double *err, double *a, double *sg)
{
    int n = 0;
    for (int i = 0; i < s->n; i++) {
        const rl_runrec *r = &recs[s->m[i].line - 1];
        if (isnan(err[i]) || drift_class(s->m[i].metric) != g->cls ||
            strcmp(r->runtime_id, g->runtime_id) != 0 ||
            strcmp(r->runtime_version, g->runtime_version) != 0)
            continue;
        sg[n] = err[i];
        a[n++] = fabs(err[i]);
    }
    g->n = n;
    g->median_abs_pct = n ? median(a, n) : NAN;
    g->median_signed_pct = n ? median(sg, n) : NAN;
    g->alarm = n && rl_drift_threshold(g->cls) > 0 && g->median_abs_pct > rl_drift_threshold(g->cls);
}

int rl_drift(const rl_meas_set *s, const rl_runrec *recs, rl_drift_row **rows, int *nrows)
{
    double *err = malloc(sizeof *err * (size_t)(s->n + 1)),
           *a = malloc(sizeof *a * (size_t)(s->n + 1)), *sg = malloc(sizeof *sg * (size_t)(s->n + 1));
    rl_drift_row *g = NULL;
    int ng = 0, alarms = 0;

    *rows = NULL;
    *nrows = 0;
    if (!err || !a || !sg) goto oom;
    for (int i = 0; i < s->n; i++) {
        double p = rl_meas_predict(&s->m[i]);
        const rl_runrec *r = &recs[s->m[i].line - 1];
        int k, cls = drift_class(s->m[i].metric);
        err[i] = p > 0 ? 100.0 * (p - s->m[i].value) / s->m[i].value : NAN;
        for (k = 0; k < ng; k++)
            if (g[k].cls == cls && strcmp(g[k].runtime_id, r->runtime_id) == 0 &&
                strcmp(g[k].runtime_version, r->runtime_version) == 0) break;
        if (k < ng) continue;
        {
            rl_drift_row *x = realloc(g, sizeof *x * (size_t)(ng + 1));
            if (!x) goto oom;
            g = x;
        }
        memset(&g[ng], 0, sizeof g[ng]);
        snprintf(g[ng].runtime_id, sizeof g[ng].runtime_id, "%s", r->runtime_id);
        snprintf(g[ng].runtime_version, sizeof g[ng].runtime_version, "%s", r->runtime_version);
        g[ng++].cls = cls;
    }
    for (int k = 0; k < ng; k++) {
        group_stats(&g[k], s, recs, err, a, sg);
        alarms += g[k].alarm;
    }
    if (ng) qsort(g, (size_t)ng, sizeof *g, cmp_row);
    free(err); free(a); free(sg);
    *rows = g;
    *nrows = ng;
    return alarms;
oom:
    free(err); free(a); free(sg); free(g);
    return -1;
}
