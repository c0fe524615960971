/*
 * calibrate.c -- load public measurements, fit each runtime backend's
 * efficiency and overhead parameters to them, and measure the model's
 * error with whole devices held out.  See calibrate.h.
 *
 * The fit minimises, per (runtime, backend) group,
 *     sum over rows (ln(predicted / measured))^2
 *   + lambda * sum over parameters (ln(p / prior))^2
 * by pattern search in log-parameter space.  Relative (log) error weighs
 * a 3070 and an H100 alike; the prior term keeps parameters that the
 * data cannot see (e.g. attention efficiency without long prompts) at
 * their documented priors instead of letting them drift.
 */
#include "calibrate.h"
#include "estimate_int.h"
#include "safeio.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define GIB 1073741824.0
#define MAX_FIELDS 16
#define MAX_BATCH 2048          /* cap for "max (offline)" batches: the
                                   largest max_batch_size trtllm-bench's
                                   heuristics choose (TensorRT-LLM docs) */
#define MIN_ROWS 8              /* fewest rows a group needs to be fitted */
#define LAMBDA 0.1             /* prior weight (see file comment) */

static int cmp_dbl(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

const char *rl_metric_name(int m)
{
    static const char *const n[RL_M_N] = {
        "decode_tok_s", "prefill_tok_s", "ttft_ms", "throughput_tok_s", "weights_gib", "kv_gib"
    };
    return m >= 0 && m < RL_M_N ? n[m] : "?";
}

/* ------------------------------------------------------------------ CSV */

/* Split one CSV record starting at *p (RFC 4180 quoting, may span lines).
 * Fields are written NUL-terminated into buf.  Returns field count, or -1
 * at end of input.  *lines counts newlines consumed. */
static int csv_record(const char **p, char *buf, size_t bufn, char *fields[], int *lines)
{
    const char *s = *p;
    size_t o = 0;
    int nf = 0, q = 0;

    if (!*s) return -1;
    fields[nf++] = buf;
    for (; *s; s++) {
        char ch = *s;
        if (q) {
            if (ch == '"' && s[1] == '"') { ch = '"'; s++; }
            else if (ch == '"') { q = 0; continue; }
            else if (ch == '\n') (*lines)++;
        } else if (ch == '"') { q = 1; continue; }
        else if (ch == ',') {
            /* A record longer than buf is truncated: the cursor stays on
             * buf's last byte (the final NUL) so that later fields are
             * empty strings inside buf, never pointers past its end. */
            if (o + 1 < bufn) buf[o++] = '\0';
            if (nf < MAX_FIELDS) fields[nf++] = buf + o;
            continue;
        } else if (ch == '\n' || ch == '\r') {
            if (ch == '\r' && s[1] == '\n') s++;
            s++;
            (*lines)++;
            break;
        }
        if (o + 1 < bufn) buf[o++] = ch;
    }
    buf[o < bufn ? o : bufn - 1] = '\0';
    *p = s;
    return nf;
}

static char *slurp(const char *path, rl_err *err)
{
    long long n;
    FILE *f = rl_open_input(path, 64LL << 20, &n, err);
    char *b;

    if (!f) return NULL;
    b = malloc((size_t)n + 1);
    if (!b || fread(b, 1, (size_t)n, f) != (size_t)n) {
        free(b);
        fclose(f);
        rl_err_set(err, RL_EIO, path, 0, "cannot read");
        return NULL;
    }
    b[n] = '\0';
    fclose(f);
    return b;
}

/* ------------------------------------------------------------- mapping */

static void lower(char *d, const char *s, size_t n)
{
    size_t i = 0;
    for (; s[i] && i + 1 < n; i++) d[i] = (char)tolower((unsigned char)s[i]);
    d[i] = '\0';
}

static const char *model_id(const char *name, char *buf, size_t n)
{
    if (strcmp(name, "Mistral-7B") == 0) return "mistral-7b-v0.1";   /* models.csv: v0.1 dims */
    lower(buf, name, n);
    return buf;
}

/* Quant column: first token ("Q4_K_M", "FP8 (weights+KV...)", "GPTQ 4-bit"). */
static const char *quant_id(const char *col, char *buf, size_t n)
{
    size_t i = 0;
    while (col[i] && col[i] != ' ' && col[i] != '(' && i + 1 < n) {
        buf[i] = (char)tolower((unsigned char)col[i]);
        i++;
    }
    buf[i] = '\0';
    if (strcmp(buf, "f16") == 0) return "fp16";
    if (strcmp(buf, "gptq") == 0) return "gptq-int4";
    if (strcmp(buf, "awq") == 0) return "awq-int4";
    return buf;
}

static const char *runtime_id(const char *col)
{
    static const struct { const char *prefix, *id; } map[] = {
        { "llama.cpp", "llama.cpp" }, { "TensorRT-LLM", "tensorrt-llm" },
        { "MLC LLM", "mlc-llm" }, { "ExLlamaV2", "exllamav2" }, { "vLLM", "vllm" },
    };
    for (size_t i = 0; i < sizeof map / sizeof *map; i++)
        if (strncmp(col, map[i].prefix, strlen(map[i].prefix)) == 0) return map[i].id;
    return NULL;
}

/* hardware.csv ids that differ from the catalog's */
static const char *hw_alias(const char *csv_id)
{
    static const struct { const char *csv, *cat; } map[] = {
        { "a100-pcie-80g", "a100-80g-pcie" }, { "m1-max-32c-64g", "m1-max" },
        { "m2-ultra-76c-192g", "m2-ultra" },
    };
    for (size_t i = 0; i < sizeof map / sizeof *map; i++)
        if (strcmp(csv_id, map[i].csv) == 0) return map[i].cat;
    return csv_id;
}

typedef struct hwname { char name[128], id[64]; } hwname;

static int load_hw_names(const char *dir, hwname **out, int *n, rl_err *err)
{
    char path[4096], buf[4096], *f[MAX_FIELDS], *txt;
    const char *p;
    int lines = 0, nf, cap = 0;

    snprintf(path, sizeof path, "%s/hardware.csv", dir);
    if (!(txt = slurp(path, err))) return err->code;
    p = txt;
    *out = NULL;
    *n = 0;
    csv_record(&p, buf, sizeof buf, f, &lines);       /* header */
    while ((nf = csv_record(&p, buf, sizeof buf, f, &lines)) >= 0) {
        if (nf < 2) continue;
        /* Each row costs 192 bytes here and a comparison per measurement
         * row: a 64 MiB file of tiny rows would take GiBs and hours.  Real
         * tables list tens of devices. */
        if (*n == 4096) {
            free(txt);
            free(*out);
            *out = NULL;
            return rl_err_set(err, RL_EINPUT, path, lines, "more than 4096 devices");
        }
        if (*n == cap) {
            hwname *g = realloc(*out, sizeof **out * (size_t)(cap = cap ? cap * 2 : 16));
            if (!g) {
                free(txt);
                free(*out);     /* the caller frees nothing on failure */
                *out = NULL;
                return rl_err_set(err, RL_EIO, path, 0, "out of memory");
            }
            *out = g;
        }
        snprintf((*out)[*n].name, sizeof (*out)[*n].name, "%s", f[0]);
        snprintf((*out)[*n].id, sizeof (*out)[*n].id, "%s", hw_alias(f[1]));
        (*n)++;
    }
    free(txt);
    return RL_OK;
}

enum { C_SRC, C_MODEL, C_PARAMS, C_QUANT, C_RT, C_HW, C_NDEV, C_BATCH, C_PROMPT, C_GEN,
       C_METRIC, C_VALUE, C_UNIT, C_NOTES, C_N };

/* Map one CSV row; returns 1 if loaded, 0 if skipped. */
static int map_row(char **f, int line, const rl_catalog *cat, const hwname *hw, int nhw,
                   rl_meas *m)
{
    char mb[64], qb[32];
    const char *mid = model_id(f[C_MODEL], mb, sizeof mb);
    const char *qid = quant_id(f[C_QUANT], qb, sizeof qb);
    const char *rid = runtime_id(f[C_RT]);
    const char *metric = f[C_METRIC], *unit = f[C_UNIT];
    /* Counts are read as doubles and range-checked before any conversion:
     * atoi/atol overflow is undefined (in practice 2^62 devices wrapped to
     * 0, i.e. one device), and rows with absurd counts (1e18 tokens,
     * negative, NaN) are skipped here rather than reaching the estimator.
     * The limits are the estimator's own (rl_config_normalise). */
    double v = atof(f[C_VALUE]), ndev = atof(f[C_NDEV]), prompt = atof(f[C_PROMPT]),
           gen = atof(f[C_GEN]), batch = atof(f[C_BATCH]);

    memset(m, 0, sizeof *m);
    m->line = line;
    snprintf(m->source, sizeof m->source, "%s", f[C_SRC]);
    rl_config_init(&m->cfg);
    if (!(m->cfg.model = rl_catalog_model(cat, mid)) || !(m->cfg.quant = rl_catalog_quant(cat, qid)) ||
        !rid || !(m->cfg.rt = rl_catalog_runtime(cat, rid)) || !(v > 0) || !isfinite(v))
        return 0;
    if (!(ndev >= 0 && ndev <= 65536) || !(prompt >= 0 && prompt <= 1e8) ||
        !(gen >= 0 && gen <= 1e8) || !(batch >= 0 && batch <= 1e6))
        return 0;
    m->cfg.kv = rl_catalog_kvtype(cat, strstr(f[C_QUANT], "KV") ||
                                       (strcmp(qid, "fp8") == 0 && strcmp(rid, "tensorrt-llm") == 0)
                                       ? "fp8" : "fp16");
    if (!m->cfg.kv) return 0;
    for (int i = 0; i < nhw; i++)
        if (strcmp(f[C_HW], hw[i].name) == 0) {
            snprintf(m->hw_id, sizeof m->hw_id, "%s", hw[i].id);
            m->cfg.hw = rl_catalog_hw(cat, hw[i].id);
        }
    m->value = v;
    m->cfg.devices = ndev >= 1 ? (int)ndev : 1;
    if (strstr(f[C_RT], "split")) m->cfg.pp = m->cfg.devices;   /* gpu_split / layer split */
    m->cfg.prompt = (long)prompt;
    m->cfg.output = (long)gen;
    m->batch = strncmp(f[C_BATCH], "max", 3) == 0 ? 0 : batch >= 1 ? (int)batch : 1;
    if (strcmp(metric, "file_size_gb") == 0 || strcmp(metric, "weights_gb") == 0) {
        m->metric = RL_M_WEIGHTS;
        m->whole_file = strcmp(metric, "file_size_gb") == 0;
    } else if (strcmp(metric, "kv_cache_gb") == 0) {
        m->metric = RL_M_KV;
        m->cfg.context_cap = m->cfg.prompt;
        m->cfg.output = 0;
    } else if (strcmp(metric, "decode_tok_s") == 0) {
        m->metric = m->batch == 1 ? RL_M_DECODE : RL_M_THROUGHPUT;
    } else if (strcmp(metric, "prefill_tok_s") == 0) {
        m->metric = RL_M_PREFILL;
        m->cfg.output = 0;
    } else if (strcmp(metric, "ttft_ms") == 0) {
        m->metric = RL_M_TTFT;
        m->cfg.output = 0;
        /* llama.cpp's `main` times one run's first prompt eval; llama-bench
         * warms up first and averages repetitions */
        m->cold = m->cfg.cold = strstr(f[C_RT], " main ") != NULL;
        /* serving benchmarks: requests arrive at a rate ("~QPS 2") and each
         * generates gen tokens, so others are decoding when one arrives */
        {
            const char *q = strstr(f[C_BATCH], "QPS");
            double r = q ? atof(q + 3) : 0;
            if (r > 0 && r < 1e6) { m->qps = r; m->gen = (long)gen; }
        }
        m->served = m->qps > 0 || strstr(f[C_RT], "serving") != NULL;
        m->batch = 1;
    } else return 0;
    if (strcmp(unit, "MiB") == 0) m->value /= 1024;
    else if (strcmp(unit, "GB") == 0) m->value *= 1e9 / GIB;
    else if (strstr(unit, "/GPU")) m->value *= m->cfg.devices;
    if (!(m->value > 0) || !isfinite(m->value)) return 0;   /* over/underflowed */
    if (m->metric != RL_M_WEIGHTS && !m->cfg.hw) return 0;
    if (!m->cfg.hw) m->cfg.hw = rl_catalog_hw_at(cat, 0);   /* file size: device irrelevant */
    if (m->metric == RL_M_DECODE || m->metric == RL_M_THROUGHPUT)
        if (m->cfg.output <= 0) return 0;
    if ((m->metric == RL_M_PREFILL || m->metric == RL_M_TTFT) && m->cfg.prompt <= 0) return 0;
    if (m->metric == RL_M_DECODE) m->cfg.concurrency = 1;
    return 1;
}

int rl_meas_load(const char *dir, const rl_catalog *cat, rl_meas_set *s, rl_err *err)
{
    char path[4096], *buf = NULL, *f[MAX_FIELDS], *txt = NULL;
    const char *p;
    hwname *hw = NULL;
    int nhw = 0, lines = 0, rc, nf;

    memset(s, 0, sizeof *s);
    if ((rc = load_hw_names(dir, &hw, &nhw, err))) return rc;
    snprintf(path, sizeof path, "%s/measurements.csv", dir);
    if (!(txt = slurp(path, err))) { free(hw); return err->code; }
    buf = malloc(1 << 16);
    if (!buf) { rc = rl_err_set(err, RL_EIO, path, 0, "out of memory"); goto out; }
    p = txt;
    csv_record(&p, buf, 1 << 16, f, &lines);          /* header */
    for (;;) {
        int line = lines + 1;
        rl_meas m;
        if ((nf = csv_record(&p, buf, 1 << 16, f, &lines)) < 0) break;
        if (nf < C_N) { if (nf > 1) s->skipped++; continue; }
        if (strstr(f[C_NOTES], "SUSPECT")) { s->suspect++; continue; }
        if (!map_row(f, line, cat, hw, nhw, &m)) { s->skipped++; continue; }
        if (s->n == s->cap) {
            rl_meas *g = realloc(s->m, sizeof *g * (size_t)(s->cap = s->cap ? s->cap * 2 : 256));
            if (!g) { rc = rl_err_set(err, RL_EIO, path, 0, "out of memory"); goto out; }
            s->m = g;
        }
        s->m[s->n++] = m;
    }
    rc = RL_OK;
out:
    free(buf);
    free(txt);
    free(hw);
    if (rc) rl_meas_free(s);
    return rc;
}

void rl_meas_free(rl_meas_set *s)
{
    if (!s) return;
    free(s->m);
    memset(s, 0, sizeof *s);
}

/* ----------------------------------------------------------- prediction */

/* TTFT of a request arriving at m->qps requests/s, each generating
 * m->gen tokens: the served model of rl_serving_run (Little's law for the
 * requests in flight; below one, an idle server's TTFT plus the wait).
 * `e` holds the alone-and-idle estimate on entry and the loaded one on
 * return. */
static void loaded_ttft(const rl_meas *m, rl_estimate *e)
{
    rl_config c = m->cfg;
    rl_serving s;

    c.output = m->gen;
    if (rl_serving_run(&c, m->qps, &s) != RL_OK) return;
    if (s.in_flight <= 1) {
        e->ttft_ms.p50 += s.wait_ms_p50;
        e->ttft_ms.p95 += s.wait_ms_p95;
    } else {
        e->ttft_ms = s.ttft_ms;
    }
}

double rl_meas_predict_band(const rl_meas *m, double *lo, double *hi)
{
    rl_estimate e;
    rl_config c = m->cfg;
    double p50 = 0, l = 0, h = 0;

    switch (m->metric) {
    case RL_M_WEIGHTS:
        /* a file size is the estimate's weights as stored (every device
         * and the host), a device buffer its per-device figure */
        c.output = 1;
        p50 = rl_estimate_run(&c, &e, NULL) != RL_OK ? 0
            : m->whole_file ? e.mem.weights_total : e.mem.weights;
        l = h = p50;
        break;
    case RL_M_THROUGHPUT: {
        int b = m->batch > 0 ? m->batch : rl_max_concurrency(&c, MAX_BATCH);
        p50 = b > 0 ? rl_offline_throughput(&c, b, m->batch == 0) : 0;
        c.concurrency = b > 0 ? b : 1;
        if (p50 > 0 && rl_estimate_run(&c, &e, NULL) == RL_OK && e.decode_tok_s.p50 > 0) {
            l = p50 * e.decode_tok_s.p10 / e.decode_tok_s.p50;
            h = p50 * e.decode_tok_s.p90 / e.decode_tok_s.p50;
        } else l = h = p50;
        break;
    }
    default:
        if (rl_estimate_run(&c, &e, NULL) != RL_OK) break;
        switch (m->metric) {
        case RL_M_DECODE: p50 = e.decode_tok_s.p50; l = e.decode_tok_s.p10; h = e.decode_tok_s.p90; break;
        case RL_M_PREFILL: p50 = e.prefill_tok_s.p50; l = e.prefill_tok_s.p10; h = e.prefill_tok_s.p90; break;
        case RL_M_TTFT: {
            /* a fresh process's first prompt also pays the backend's
             * one-time costs: cfg.cold (estimate --cold) adds them.
             * The estimate's TTFT is a server client's: engine-level
             * timings (a CLI, gptSessionBenchmark) lack the front end. */
            const rl_backend *bp = rl_runtime_backend_prefill(c.rt, c.hw);
            double adj = -(m->served ? 0 : bp->frontend_ms);
            /* the band is relative (ln(measured / predicted) percentiles):
             * the same ratios around the adjusted p50 */
            double rl = e.ttft_ms.p50 > 0 ? e.ttft_ms.p10 / e.ttft_ms.p50 : 1;
            double rh = e.ttft_ms.p50 > 0 ? e.ttft_ms.p90 / e.ttft_ms.p50 : 1;
            if (m->qps > 0 && m->gen > 0) loaded_ttft(m, &e);
            p50 = e.ttft_ms.p50 + adj;
            l = p50 * rl;
            h = p50 * rh;
            break;
        }
        case RL_M_KV: p50 = l = h = e.mem.kv_cache; break;
        default: break;
        }
    }
    if (lo) *lo = l;
    if (hi) *hi = h;
    return p50;
}

double rl_meas_predict(const rl_meas *m)
{
    return rl_meas_predict_band(m, NULL, NULL);
}

/* ------------------------------------------------------------------ fit */

#define NP 17
static const struct { double lo, hi; } bounds[NP] = {
    { 0.05, 1.0 },      /* bw_eff */
    { 1, 60 },          /* layer_us: kernel launches + syncs, physical range */
    { 0.01, 5 },        /* step_ms: host round trip per step */
    { 0.02, 1.0 },      /* mfu */
    { 0.02, 5.0 },      /* attn_eff */
    { 0.001, 1000 },    /* prefill_ms */
    { 0.1, 1.5 },       /* kv_eff */
    { 0.1, 1.5 },       /* dequant_eff */
    { 0.1, 200 },       /* dequant_flops */
    { 0.05, 1.0 },      /* pre_bw_eff */
    { 0.02, 50 },       /* tflops_per_w */
    { 0.1, 50 },        /* seq_us */
    { 0.01, 1000 },     /* cold_ms: first prompt of a fresh process */
    { 0.05, 1.0 },      /* link_eff */
    { 0.01, 100 },      /* frontend_ms: server request path (serving rows) */
    { 0.1, 100 },       /* ar_us: per all-reduce launch + synchronisation */
    { 16, 8192 },       /* gemm_k0: a GEMM tile's fixed cost in elements of K */
};

static void get_params(const rl_backend *b, double *p)
{
    p[0] = b->bw_eff; p[1] = b->layer_us; p[2] = b->step_ms;
    p[3] = b->mfu; p[4] = b->attn_eff; p[5] = b->prefill_ms;
    p[6] = b->kv_eff; p[7] = b->dequant_eff; p[8] = b->dequant_flops;
    p[9] = b->pre_bw_eff; p[10] = b->tflops_per_w; p[11] = b->seq_us;
    p[12] = b->cold_ms;
    p[13] = b->link_eff;
    p[14] = b->frontend_ms;
    p[15] = b->ar_us;
    p[16] = b->gemm_k0;
    /* a zero prior says the runtime has no such stage (no front end, no
     * cold start): it stays zero, outside the search */
    for (int i = 0; i < NP; i++)
        if (p[i] != 0) p[i] = fmin(bounds[i].hi, fmax(bounds[i].lo, p[i]));
}

static void set_params(rl_backend *b, const double *p)
{
    b->bw_eff = p[0]; b->layer_us = p[1]; b->step_ms = p[2];
    b->mfu = p[3]; b->attn_eff = p[4]; b->prefill_ms = p[5];
    b->kv_eff = p[6]; b->dequant_eff = p[7]; b->dequant_flops = p[8];
    b->pre_bw_eff = p[9]; b->tflops_per_w = p[10]; b->seq_us = p[11];
    b->cold_ms = p[12];
    b->link_eff = p[13];
    b->frontend_ms = p[14];
    b->ar_us = p[15];
    b->gemm_k0 = p[16];
}

typedef struct group {
    rl_runtime *rt;
    int bi;                     /* backend index */
    int *rows, n;               /* measurement indices (performance rows) */
} group;

static double loss(const rl_meas_set *s, const group *g, const double *p,
                   const double *prior)
{
    double l = 0;
    set_params(&g->rt->backends[g->bi], p);
    for (int i = 0; i < g->n; i++) {
        const rl_meas *m = &s->m[g->rows[i]];
        double pred = rl_meas_predict(m);
        double r = pred > 0 ? log(pred / m->value) : 5;
        l += r * r;
    }
    for (int j = 0; j < NP; j++) {
        double d = prior[j] != 0 ? log(p[j] / prior[j]) : 0;
        l += LAMBDA * d * d;
    }
    return l;
}

/* Pattern search in log space from `p` (updated in place); returns the
 * final loss. */
static double pattern_search(const rl_meas_set *s, const group *g, double *p,
                             const double *prior)
{
    static const double steps[] = { 2.0, 1.0, 0.5, 0.25, 0.1, 0.04, 0.015 };
    double best = loss(s, g, p, prior);

    for (size_t k = 0; k < sizeof steps / sizeof *steps; k++) {
        int improved = 1;
        for (int pass = 0; improved && pass < 8; pass++) {
            improved = 0;
            for (int j = 0; j < NP; j++)
                for (int dir = -1; dir <= 1; dir += 2) {
                    double q[NP], l;
                    if (prior[j] == 0) continue;        /* absent stage */
                    memcpy(q, p, sizeof q);
                    q[j] = fmin(bounds[j].hi, fmax(bounds[j].lo, p[j] * exp(dir * steps[k])));
                    if (q[j] == p[j]) continue;
                    l = loss(s, g, q, prior);
                    if (l < best - 1e-12) { best = l; memcpy(p, q, NP * sizeof *p); improved = 1; }
                }
        }
    }
    return best;
}

/* Fit one group from three starts that differ in dequant_flops: the ALU
 * term is invisible until it exceeds the memory time, so a search that
 * starts below that threshold sees a flat loss and never crosses it. */
static void fit_group(const rl_meas_set *s, const group *g)
{
    static const double starts[] = { 1, 3, 6 };   /* x the prior dequant_flops */
    rl_backend *b = &g->rt->backends[g->bi];
    double prior[NP], best[NP] = { 0 }, bestl = INFINITY;

    get_params(b, prior);
    for (size_t k = 0; k < sizeof starts / sizeof *starts; k++) {
        double p[NP], l;
        memcpy(p, prior, sizeof p);
        p[8] = fmin(bounds[8].hi, prior[8] * starts[k]);
        l = pattern_search(s, g, p, prior);
        if (l < bestl) { bestl = l; memcpy(best, p, sizeof best); }
    }
    set_params(b, best);
    b->fitted_points = g->n;
}

/* Log-residual sd of the group's rows by metric class, at current params. */
static void set_sigmas(const rl_meas_set *s, const group *g)
{
    rl_backend *b = &g->rt->backends[g->bi];
    double ss[3] = { 0 }, n[3] = { 0 };

    for (int i = 0; i < g->n; i++) {
        const rl_meas *m = &s->m[g->rows[i]];
        double pred = rl_meas_predict(m);
        int k = m->metric == RL_M_PREFILL ? 1 : m->metric == RL_M_TTFT ? 2 : 0;
        if (pred <= 0) continue;
        ss[k] += log(pred / m->value) * log(pred / m->value);
        n[k] += 1;
    }
    /* In-sample spread understates error on unseen devices: floor it. */
    /* held-out percentiles belong to the parameters they were measured
     * with: a refit drops them (rl_calibrate sets them again) */
    b->q10_decode = b->q90_decode = b->q10_prefill = b->q90_prefill = 0;
    b->q10_ttft = b->q90_ttft = 0;
    if (n[0] > 0) b->sigma_decode = fmax(0.06, sqrt(ss[0] / n[0]) * 1.5);
    if (n[1] > 0) b->sigma_prefill = fmax(0.08, sqrt(ss[1] / n[1]) * 1.5);
    if (n[2] > 0) b->sigma_ttft = fmax(0.10, sqrt(ss[2] / n[2]) * 1.5);
    else if (n[1] > 0) b->sigma_ttft = fmax(b->sigma_ttft, b->sigma_prefill);
}

/* Fit every group of `s` whose rows' runtimes live in rts[0..nrt) (the
 * catalog's table, or a fold worker's private copy of it). */
static int fit_set(rl_runtime *rts, int nrt, const rl_meas_set *s, const char *holdout)
{
    int ngroups = 0, fitted = 0;
    group g[64];

    memset(g, 0, sizeof g);
    for (int i = 0; i < s->n; i++) {
        const rl_meas *m = &s->m[i];
        rl_runtime *rt;
        int bis[2], nb = 0;
        if (m->metric == RL_M_WEIGHTS || m->metric == RL_M_KV) continue;
        if (holdout && strcmp(m->hw_id, holdout) == 0) continue;
        if (m->cfg.rt < rts || m->cfg.rt >= rts + nrt) continue;
        rt = &rts[m->cfg.rt - rts];   /* the same runtime, writable */
        /* a row belongs to the group(s) whose parameters it depends on */
        if (m->metric == RL_M_DECODE || m->metric == RL_M_THROUGHPUT)
            bis[nb++] = (int)(rl_runtime_backend(rt, m->cfg.hw) - rt->backends);
        if (m->metric != RL_M_DECODE) {
            int bp = (int)(rl_runtime_backend_prefill(rt, m->cfg.hw) - rt->backends);
            if (nb == 0 || bis[0] != bp) bis[nb++] = bp;
        }
        for (int q = 0; q < nb; q++) {
            int k, bi = bis[q];
            for (k = 0; k < ngroups; k++)
                if (g[k].rt == rt && g[k].bi == bi) break;
            if (k == ngroups) {
                if (ngroups == 64) continue;
                g[k].rt = rt;
                g[k].bi = bi;
                g[k].rows = malloc(sizeof(int) * (size_t)s->n);
                if (!g[k].rows) continue;
                ngroups++;
            }
            g[k].rows[g[k].n++] = i;
        }
    }
    for (int k = 0; k < ngroups; k++) {
        /* A handful of rows cannot pin a dozen parameters: such groups
         * keep their priors and only get honest sigmas. */
        if (g[k].n >= MIN_ROWS) {
            fit_group(s, &g[k]);
            fitted++;
        }
        set_sigmas(s, &g[k]);
        free(g[k].rows);
    }
    return fitted;
}

int rl_calibrate_fit(rl_catalog *cat, const rl_meas_set *s, const char *holdout)
{
    int nrt = rl_catalog_count(cat, RL_CAT_RUNTIME);
    if (nrt == 0) return 0;
    return fit_set(rl_catalog_runtime_mut(cat, rl_catalog_runtime_at(cat, 0)->id), nrt, s,
                   holdout);
}

int rl_meas_devices(const rl_meas_set *s, char devs[][64], int max)
{
    int n = 0;
    for (int i = 0; i < s->n; i++) {
        int k;
        if (!s->m[i].hw_id[0]) continue;
        for (k = 0; k < n; k++) if (strcmp(devs[k], s->m[i].hw_id) == 0) break;
        if (k == n && n < max) snprintf(devs[n++], 64, "%s", s->m[i].hw_id);
    }
    return n;
}

/* ---------------------------------------------------------- hold-out folds */

/* What the fold workers share.  Each worker owns a copy of the runtime
 * table and of the measurement rows (their cfg.rt pointing into that copy),
 * so fits run side by side without touching the catalog. */
typedef struct folds {
    const rl_runtime *base;     /* the catalog's runtimes: the fits' start */
    int nrt;
    const rl_meas_set *s;
    char devs[64][64];
    int ndev, next, done;
    rl_fold_fn fn;
    rl_progress_fn progress;
    void *ctx, *pctx;
    pthread_mutex_t lock;
} folds;

static void *fold_worker(void *arg)
{
    folds *f = arg;
    rl_runtime *rts = malloc(sizeof *rts * (size_t)f->nrt);
    rl_meas_set ws = *f->s;

    ws.m = malloc(sizeof *ws.m * (size_t)(f->s->n + 1));
    if (!rts || !ws.m) { free(rts); free(ws.m); return (void *)1; }
    memcpy(ws.m, f->s->m, sizeof *ws.m * (size_t)f->s->n);
    for (int i = 0; i < ws.n; i++)
        if (ws.m[i].cfg.rt >= f->base && ws.m[i].cfg.rt < f->base + f->nrt)
            ws.m[i].cfg.rt = &rts[ws.m[i].cfg.rt - f->base];
    for (;;) {
        int d;
        pthread_mutex_lock(&f->lock);
        d = f->next < f->ndev ? f->next++ : -1;
        pthread_mutex_unlock(&f->lock);
        if (d < 0) break;
        memcpy(rts, f->base, sizeof *rts * (size_t)f->nrt);
        fit_set(rts, f->nrt, &ws, f->devs[d]);
        f->fn(&ws, f->devs[d], f->ctx);
        pthread_mutex_lock(&f->lock);
        f->done++;
        if (f->progress) f->progress(f->done, f->ndev, f->devs[d], f->pctx);
        pthread_mutex_unlock(&f->lock);
    }
    free(rts);
    free(ws.m);
    return NULL;
}

int rl_calibrate_folds(const rl_catalog *cat, const rl_meas_set *s, int jobs,
                       rl_fold_fn fn, void *ctx, rl_progress_fn progress, void *pctx)
{
    folds f = { .base = rl_catalog_runtime_at(cat, 0), .nrt = rl_catalog_count(cat, RL_CAT_RUNTIME),
                .s = s, .fn = fn, .progress = progress, .ctx = ctx, .pctx = pctx };
    pthread_t th[RL_MAX_JOBS];
    int started = 0, failed = 0;

    f.ndev = rl_meas_devices(s, f.devs, 64);
    if (f.nrt == 0 || f.ndev == 0) return f.ndev;
    if (jobs <= 0) jobs = (int)sysconf(_SC_NPROCESSORS_ONLN);
    if (jobs > f.ndev) jobs = f.ndev;
    if (jobs > RL_MAX_JOBS) jobs = RL_MAX_JOBS;
    if (jobs < 1) jobs = 1;
    pthread_mutex_init(&f.lock, NULL);
    /* the calling thread is worker 0; a thread that cannot start leaves
     * its share to the others */
    for (int j = 1; j < jobs; j++)
        if (pthread_create(&th[started], NULL, fold_worker, &f) == 0) started++;
    failed = fold_worker(&f) != NULL;
    for (int j = 0; j < started; j++) {
        void *r;
        pthread_join(th[j], &r);
        failed |= r != NULL;
    }
    pthread_mutex_destroy(&f.lock);
    /* a worker without memory stopped early: its folds were taken by the
     * others only if they were still running */
    return failed && f.done < f.ndev ? -1 : f.ndev;
}

/* metric class for sigma: 0 decode (and throughput), 1 prefill, 2 TTFT */
static int sigma_class(int metric)
{
    return metric == RL_M_PREFILL ? 1 : metric == RL_M_TTFT ? 2 : 0;
}

/* Held-out residuals of rl_calibrate's folds: ln(measured / predicted)
 * per row, and whether the fold had fitted the backend the row depends
 * on (0: its runtime ran on priors there, as an unmeasured one would). */
typedef struct heldout { double *res; unsigned char *fitted; } heldout;

static const rl_backend *own_backend(const rl_meas *m);

/* Fold callback of rl_calibrate: the held-out device's rows. */
static void residuals_of(const rl_meas_set *s, const char *dev, void *ctx)
{
    heldout *h = ctx;
    for (int j = 0; j < s->n; j++) {
        double p;
        if (strcmp(s->m[j].hw_id, dev) != 0 || s->m[j].metric == RL_M_WEIGHTS ||
            s->m[j].metric == RL_M_KV) continue;
        p = rl_meas_predict(&s->m[j]);
        if (p > 0) h->res[j] = log(s->m[j].value / p);
        h->fitted[j] = own_backend(&s->m[j])->fitted_points > 0;
    }
}

int rl_band_class(int metric)
{
    return metric == RL_M_DECODE ? 0 : metric == RL_M_PREFILL ? 1 : metric == RL_M_TTFT ? 2 : -1;
}

/* The backend whose parameters row m's metric depends on. */
static const rl_backend *own_backend(const rl_meas *m)
{
    return m->metric == RL_M_DECODE || m->metric == RL_M_THROUGHPUT
           ? rl_runtime_backend(m->cfg.rt, m->cfg.hw)
           : rl_runtime_backend_prefill(m->cfg.rt, m->cfg.hw);
}

/* The group's held-out residuals (runtime `rt`, `metric`, rows off device
 * `skip`), sorted, into x; returns how many, *ndev the distinct devices
 * they come from. */
static int group_residuals(const rl_meas_set *s, const double *res, const char *rt,
                           int metric, const char *skip, double *x, int *ndev)
{
    const char *devs[RL_BAND_MIN_DEVICES];
    int n = 0;

    *ndev = 0;
    for (int j = 0; j < s->n; j++) {
        const rl_meas *m = &s->m[j];
        int k;
        if (m->metric != metric || isnan(res[j]) || strcmp(m->cfg.rt->id, rt) != 0 ||
            (skip && strcmp(m->hw_id, skip) == 0))
            continue;
        x[n++] = res[j];
        for (k = 0; k < *ndev; k++) if (strcmp(devs[k], m->hw_id) == 0) break;
        if (k == *ndev && *ndev < RL_BAND_MIN_DEVICES) devs[(*ndev)++] = m->hw_id;
    }
    qsort(x, (size_t)n, sizeof *x, cmp_dbl);
    return n;
}

/* Split-conformal percentiles of n sorted residuals: the order statistics
 * of rank floor((n+1) 0.1) and ceil((n+1) 0.9), so that a new row from
 * the same distribution falls below q10 or above q90 with probability at
 * most 10% each, whatever n (Vovk et al. 2005; Lei et al. 2018).  The
 * residuals cluster by device (one device's rows share its offset), so
 * the rows must also come from several devices. */
static int conformal(const double *x, int n, int ndev, rl_band *b)
{
    int lo, hi;
    b->n = n;
    b->q10 = b->q90 = 0;
    if (n < RL_BAND_MIN || ndev < RL_BAND_MIN_DEVICES) return 0;
    lo = (int)floor((n + 1) * 0.1) - 1;
    hi = (int)ceil((n + 1) * 0.9) - 1;
    if (lo < 0) lo = 0;
    if (hi > n - 1) hi = n - 1;
    /* the band holds the p50 itself even where the group is biased (a
     * wider band: the guarantee stands) */
    b->q10 = fmin(0, x[lo]);
    b->q90 = fmax(0, x[hi]);
    if (!(b->q10 < b->q90)) { b->q10 = b->q90 = 0; return 0; }
    return 1;
}

int rl_band_of(const rl_meas_set *s, const double *res, int i, const char *skip, rl_band *b)
{
    const rl_meas *m = &s->m[i];
    double *x;
    int n, ok, ndev;

    memset(b, 0, sizeof *b);
    if (rl_band_class(m->metric) < 0 || !(x = malloc(sizeof *x * (size_t)(s->n + 1))))
        return 0;
    n = group_residuals(s, res, m->cfg.rt->id, m->metric, skip, x, &ndev);
    ok = conformal(x, n, ndev, b);
    free(x);
    return ok;
}

/* Set the q10_* / q90_* of every fitted backend of `cat` from held-out
 * residuals res[] of `s` (ln(measured / predicted); NAN where none or
 * where the fold ran the row's runtime on priors).  One band per runtime
 * and metric, pooled over its backends: a backend alone has too few
 * devices (two HBM GPUs, two Apple chips) for a device-level percentile.
 * Backends on priors keep their (wide) sigma band. */
static void set_bands(rl_catalog *cat, const rl_meas_set *s, const double *res)
{
    double *x = malloc(sizeof *x * (size_t)(s->n + 1));
    static const int met[3] = { RL_M_DECODE, RL_M_PREFILL, RL_M_TTFT };

    if (!x) return;
    for (int r = 0; r < rl_catalog_count(cat, RL_CAT_RUNTIME); r++) {
        rl_runtime *rt = rl_catalog_runtime_mut(cat, rl_catalog_runtime_at(cat, r)->id);
        for (int k = 0; k < 3; k++) {
            rl_band band;
            int ndev, n = group_residuals(s, res, rt->id, met[k], NULL, x, &ndev);
            conformal(x, n, ndev, &band);
            for (int bi = 0; bi < rt->n_backends; bi++) {
                rl_backend *b = &rt->backends[bi];
                double *q[3][2] = { { &b->q10_decode, &b->q90_decode },
                                    { &b->q10_prefill, &b->q90_prefill },
                                    { &b->q10_ttft, &b->q90_ttft } };
                int fit = b->fitted_points > 0;
                *q[k][0] = fit ? band.q10 : 0;
                *q[k][1] = fit ? band.q90 : 0;
            }
        }
    }
    free(x);
}

int rl_calibrate(rl_catalog *cat, const rl_meas_set *s, int jobs, rl_progress_fn progress,
                 void *pctx)
{
    int nrt = rl_catalog_count(cat, RL_CAT_RUNTIME), groups;
    rl_runtime *saved = malloc(sizeof *saved * (size_t)nrt);
    double *res = malloc(sizeof *res * (size_t)(s->n + 1));
    unsigned char *fitted = calloc((size_t)s->n + 1, 1);
    heldout h = { res, fitted };

    if (!saved || !res || !fitted) {
        free(saved);
        free(res);
        free(fitted);
        return rl_calibrate_fit(cat, s, NULL);
    }
    for (int i = 0; i < nrt; i++) saved[i] = *rl_catalog_runtime_at(cat, i);
    for (int i = 0; i < s->n; i++) res[i] = NAN;
    rl_calibrate_folds(cat, s, jobs, residuals_of, &h, progress, pctx);
    groups = rl_calibrate_fit(cat, s, NULL);
    /* held-out sigma per (backend, class) */
    for (int r = 0; r < nrt; r++) {
        rl_runtime *rt = rl_catalog_runtime_mut(cat, saved[r].id);
        for (int b = 0; b < rt->n_backends; b++) {
            double ss[3] = { 0 };
            int n[3] = { 0 };
            for (int j = 0; j < s->n; j++) {
                const rl_meas *m = &s->m[j];
                int k = sigma_class(m->metric);
                const rl_backend *own;
                if (isnan(res[j]) || strcmp(m->cfg.rt->id, rt->id) != 0) continue;
                own = k == 0 ? rl_runtime_backend(rt, m->cfg.hw)
                             : rl_runtime_backend_prefill(rt, m->cfg.hw);
                if (own != &rt->backends[b]) continue;
                ss[k] += res[j] * res[j];
                n[k]++;
            }
            if (n[0] >= 5) rt->backends[b].sigma_decode = fmax(0.05, sqrt(ss[0] / n[0]));
            if (n[1] >= 5) rt->backends[b].sigma_prefill = fmax(0.05, sqrt(ss[1] / n[1]));
            if (n[2] >= 5) rt->backends[b].sigma_ttft = fmax(0.05, sqrt(ss[2] / n[2]));
        }
    }
    for (int i = 0; i < s->n; i++)      /* bands: only fitted predictions */
        if (!fitted[i]) res[i] = NAN;
    set_bands(cat, s, res);
    free(fitted);
    free(saved);
    free(res);
    return groups;
}

int rl_calibration_write(const rl_catalog *cat, const char *path, const char *cmdline,
                         rl_err *err)
{
    rl_out o;
    FILE *f;
    int rc = rl_out_open(&o, path, err);

    if (rc != RL_OK) return rc;
    f = o.f;
    fprintf(f, "# calibration.cfg -- runtime backend parameters FITTED to public measurements.\n"
               "# Written by: %s\n"
               "# Do not edit by hand: rerun the command.  Each backend replaces the prior of\n"
               "# the same runtime in runtimes.cfg (see that file for what each key means).\n"
               "# source: the measurements named on the Written-by line (data/benchmarks:\n"
               "# its README lists every measurement's origin; --runs: the run records);\n"
               "# sigma_* are the RMS log error on held-out devices where a backend has 5+\n"
               "# such rows (else 1.5 x the in-sample sd); q10_* / q90_* the split-conformal\n"
               "# 10th / 90th percentiles of ln(measured / predicted) on held-out devices,\n"
               "# per runtime and metric over its fitted backends, where it has 10+ such\n"
               "# rows from 3+ devices (else both 0).  p10/p90 = p50 exp(q10 / q90);\n"
               "# without them, the sigma band widened 1.2x.\n\n"
               "calibration = (\n", cmdline);
    for (int i = 0, first = 1; i < rl_catalog_count(cat, RL_CAT_RUNTIME); i++) {
        const rl_runtime *r = rl_catalog_runtime_at(cat, i);
        int any = 0;
        for (int j = 0; j < r->n_backends; j++) any |= r->backends[j].fitted_points > 0;
        if (!any) continue;
        fprintf(f, "%s  { runtime = \"%s\";\n    backends = (\n", first ? "" : ",\n", r->id);
        first = 0;
        for (int j = 0; j < r->n_backends; j++) {
            const rl_backend *b = &r->backends[j];
            fprintf(f, "      { match = \"%s\"; bw_eff = %.4f; layer_us = %.3f; step_ms = %.4f;\n"
                       "        mfu = %.4f; attn_eff = %.4f; prefill_ms = %.4f;\n"
                       "        kv_eff = %.4f; dequant_eff = %.4f; dequant_flops = %.3f;\n"
                       "        pre_bw_eff = %.4f; tflops_per_w = %.4f; seq_us = %.3f;\n"
                       "        cold_ms = %.3f; link_eff = %.4f; frontend_ms = %.3f; ar_us = %.3f;\n"
                       "        gemm_k0 = %.1f;\n"
                       "        sigma_decode = %.4f; sigma_prefill = %.4f; sigma_ttft = %.4f;\n"
                       "        q10_decode = %.4f; q90_decode = %.4f; q10_prefill = %.4f;\n"
                       "        q90_prefill = %.4f; q10_ttft = %.4f; q90_ttft = %.4f;\n"
                       "        fitted_points = %d; }%s\n",
                    b->match, b->bw_eff, b->layer_us, b->step_ms, b->mfu, b->attn_eff,
                    b->prefill_ms, b->kv_eff, b->dequant_eff, b->dequant_flops, b->pre_bw_eff, b->tflops_per_w, b->seq_us, b->cold_ms, b->link_eff, b->frontend_ms, b->ar_us, b->gemm_k0, b->sigma_decode, b->sigma_prefill, b->sigma_ttft,
                    b->q10_decode, b->q90_decode, b->q10_prefill, b->q90_prefill,
                    b->q10_ttft, b->q90_ttft, b->fitted_points, j + 1 < r->n_backends ? "," : "");
        }
        fprintf(f, "    );\n  }");
    }
    fprintf(f, "\n);\n");
    return rl_out_commit(&o, err);        /* checks every write above */
}
