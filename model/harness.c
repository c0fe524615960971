/*
 * harness.c -- benchmark reports into run records (harness.h): llama-bench
 * (json, jsonl, csv, md), vLLM's serving benchmark JSON and trtllm-bench's
 * throughput report; format detection; name -> catalog id mapping; the
 * flags that fill what a tool does not print.
 *
 * Field names and layouts follow the tools' printers as documented in
 * their sources (tests/data/harness/README.md names them); anything a
 * tool version adds or drops is simply absent from the record.
 */
#include "harness_int.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static const char *const fmt_names[RL_HF_N] = {
    "unknown", "llama-bench-json", "llama-bench-jsonl", "llama-bench-csv", "llama-bench-md",
    "vllm-bench", "trtllm-bench", "llama.cpp-log", "vllm-log",
};

const char *rl_harness_format_name(int f)
{
    return f >= 0 && f < RL_HF_N ? fmt_names[f] : "unknown";
}

int rl_harness_format_parse(const char *name)
{
    for (int i = 1; i < RL_HF_N; i++)
        if (strcmp(name, fmt_names[i]) == 0) return i;
    return RL_HF_UNKNOWN;
}

const char *rl_harness_key_name(int k)
{
    static const char *const n[RL_HK_N] = {
        "model_id", "hardware_id", "runtime_id", "runtime_version", "quant", "n_devices",
        "context_tokens/output_tokens", "timestamp_utc",
    };
    return k >= 0 && k < RL_HK_N ? n[k] : "?";
}

const char *rl_harness_hw_id(const rl_catalog *cat, const char *s)
{
    const char *hit = NULL;
    size_t n = strlen(s);

    if (!cat || !n) return NULL;
    for (int i = 0; i < rl_catalog_count(cat, RL_CAT_HW); i++) {
        const rl_hw *h = rl_catalog_hw_at(cat, i);
        if (strcmp(h->name, s) == 0 || strcmp(h->id, s) == 0) return h->id;
    }
    for (int i = 0; i < rl_catalog_count(cat, RL_CAT_HW); i++) {
        const rl_hw *h = rl_catalog_hw_at(cat, i);
        if (strncmp(h->name, s, n) == 0 && h->name[n] == ' ') {
            if (hit) return NULL;               /* ambiguous */
            hit = h->id;
        }
    }
    return hit;
}

/* A number from a JSON value that may be a number or a numeric string
 * (llama-bench's CSV gives every field as a string); NAN otherwise. */
static double jnum(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    char *end;
    double d;

    if (cJSON_IsNumber(v)) return v->valuedouble;
    if (!cJSON_IsString(v) || !*v->valuestring) return NAN;
    d = strtod(v->valuestring, &end);
    return *end == '\0' && isfinite(d) ? d : NAN;
}

static const char *jstr(const cJSON *o, const char *key)
{
    const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, key));
    return s ? s : "";
}

/* ------------------------------------------------------------- llama-bench */

/* Count comma-separated device names ("A, B") and keep the first. */
static int device_list(const char *s, char *first, size_t n)
{
    int k = *s ? 1 : 0;
    const char *c = strchr(s, ',');

    hx_copy(first, n, s);
    if (c && (size_t)(c - s) < n) first[c - s] = '\0';
    for (; c; c = strchr(c + 1, ',')) k++;
    return k;
}

/* One llama-bench test (the fields of llama-bench.cpp's test::get_fields()). */
static int llama_bench_test(hctx *h, const cJSON *t)
{
    double np = jnum(t, "n_prompt"), ng = jnum(t, "n_gen"), nd = jnum(t, "n_depth"),
           ts = jnum(t, "avg_ts"), sd = jnum(t, "stddev_ts"), bn = jnum(t, "build_number"),
           size = jnum(t, "model_size");
    const char *split = jstr(t, "split_mode"), *fa;
    const cJSON *fo;
    rl_runrec *r;

    if (isnan(nd)) nd = 0;
    if (!(ts > 0) || isnan(np) || isnan(ng) || np < 0 || ng < 0 || np > 1e8 || ng > 1e8 ||
        nd < 0 || nd > 1e8)
        return rl_err_set(h->err, RL_EINPUT, h->file, 0,
                          "llama-bench test without n_prompt, n_gen and avg_ts");
    /* pp+tg mixes both phases in one rate, and prompt processing after a
     * filled cache (n_depth) has no estimate to compare with */
    if ((np > 0 && ng > 0) || (np > 0 && nd > 0)) { h->rep->skipped++; return RL_OK; }
    if (!(r = hx_new(h))) return h->err->code;
    hx_copy(r->runtime_id, sizeof r->runtime_id, "llama.cpp");
    if (!isnan(bn))
        snprintf(r->runtime_version, sizeof r->runtime_version, "b%.0f (%.12s)", bn,
                 jstr(t, "build_commit"));
    hx_basename(r->model_name, sizeof r->model_name, jstr(t, "model_filename"));
    hx_copy(r->quant, sizeof r->quant, rl_harness_quant_id(jstr(t, "model_type")));
    hx_copy(r->kv_dtype, sizeof r->kv_dtype, rl_harness_kv_id(jstr(t, "type_k")));
    r->n_devices = device_list(jstr(t, "gpu_info"), r->hardware_name, sizeof r->hardware_name);
    if (r->n_devices == 0 && strcmp(jstr(t, "backends"), "CPU") == 0)    /* the CPU alone */
        hx_copy(r->hardware_name, sizeof r->hardware_name, jstr(t, "cpu_info"));
    if (r->n_devices > 1) {
        if (strcmp(split, "row") == 0) r->tp = r->n_devices, r->pp = 1;
        else if (strcmp(split, "none") != 0) r->pp = r->n_devices, r->tp = 1;
    }
    if (size > 0) r->metric[RL_RUN_MODEL_SIZE] = size / 1e9;
    r->concurrency = 1;
    if (np > 0) {
        r->context_tokens = (long)np;
        r->output_tokens = 0;
        r->metric[RL_RUN_PREFILL] = ts;
        if (sd >= 0) r->metric[RL_RUN_PREFILL_SD] = sd;
    } else {
        r->context_tokens = (long)nd;           /* tg from an empty (or d-deep) cache */
        r->output_tokens = (long)ng;
        r->metric[RL_RUN_DECODE] = ts;
        if (sd >= 0) r->metric[RL_RUN_DECODE_SD] = sd;
    }
    hx_copy(r->timestamp_utc, sizeof r->timestamp_utc, jstr(t, "test_time"));
    /* flash_attn: a bool until mid 2025, then -1 (auto) / 0 / 1; "auto"
     * stored as such: whether it ran is the backend's choice */
    fo = cJSON_GetObjectItemCaseSensitive(t, "flash_attn");
    fa = cJSON_IsBool(fo) ? (cJSON_IsTrue(fo) ? "1" : "0")
       : cJSON_IsNumber(fo) ? (fo->valuedouble < 0 ? "auto" : fo->valuedouble > 0 ? "1" : "0")
       : jstr(t, "flash_attn");
    if (*fa) hx_env(r, "flash_attn", strcmp(fa, "true") == 0 ? "1" : strcmp(fa, "false") == 0 ? "0"
                                     : strcmp(fa, "-1") == 0 ? "auto" : fa);
    if (!isnan(jnum(t, "n_ubatch"))) {
        char b[24];
        snprintf(b, sizeof b, "%.0f", jnum(t, "n_ubatch"));
        hx_env(r, "n_ubatch", b);
    }
    if (*jstr(t, "backends")) hx_env(r, "backends", jstr(t, "backends"));
    return RL_OK;
}

static int llama_bench_json(hctx *h, const char *text, int jsonl)
{
    const char *p = text;
    int line = 0;

    while (*p) {
        const char *e = jsonl ? strchr(p, '\n') : p + strlen(p);
        size_t n = e ? (size_t)(e - p) : strlen(p);
        cJSON *doc, *t;
        int rc = RL_OK;
        line++;
        while (n && isspace((unsigned char)p[n - 1])) n--;
        if (n == 0) { p += e && *e ? (size_t)(e - p) + 1 : strlen(p); continue; }
        if (!(doc = cJSON_ParseWithLength(p, n)))
            return rl_err_set(h->err, RL_EINPUT, h->file, jsonl ? line : 0, "not valid JSON");
        if (cJSON_IsObject(doc)) rc = llama_bench_test(h, doc);
        else if (cJSON_IsArray(doc)) {
            cJSON_ArrayForEach(t, doc) if (!rc) rc = cJSON_IsObject(t) ? llama_bench_test(h, t)
                : rl_err_set(h->err, RL_EINPUT, h->file, 0, "expected an array of test objects");
        }
        cJSON_Delete(doc);
        if (rc) { if (jsonl) h->err->line = line; return rc; }
        if (!jsonl) break;
        p += e && *e ? (size_t)(e - p) + 1 : strlen(p);
    }
    return RL_OK;
}

/* Split a CSV line (llama-bench quotes every value, "" inside) in place. */
static int csv_split(char *s, char **f, int max)
{
    int n = 0;
    char *o = s;

    while (n < max) {
        int q = *s == '"';
        f[n++] = o;
        if (q) s++;
        for (; *s; s++) {
            if (q && *s == '"' && s[1] == '"') { *o++ = '"'; s++; continue; }
            if (q && *s == '"') { q = 0; continue; }
            if (!q && *s == ',') break;
            *o++ = *s;
        }
        if (*s != ',') { *o = '\0'; break; }
        s++;
        *o++ = '\0';
    }
    return n;
}

static int llama_bench_csv(hctx *h, char *text)
{
    char *hdr[96], *val[96], *save = NULL, *line = strtok_r(text, "\n", &save);
    int nh, rc = RL_OK, lineno = 1;

    if (!line) return rl_err_set(h->err, RL_EINPUT, h->file, 0, "empty CSV");
    line[strcspn(line, "\r")] = '\0';
    nh = csv_split(line, hdr, 96);
    while (rc == RL_OK && (line = strtok_r(NULL, "\n", &save))) {
        cJSON *o;
        int nv;
        lineno++;
        line[strcspn(line, "\r")] = '\0';
        if (!*line) continue;
        if ((nv = csv_split(line, val, 96)) != nh)
            return rl_err_set(h->err, RL_EINPUT, h->file, lineno,
                              "%d fields where the header has %d", nv, nh);
        if (!(o = cJSON_CreateObject())) return rl_err_set(h->err, RL_EIO, h->file, 0, "out of memory");
        for (int i = 0; i < nh; i++) cJSON_AddStringToObject(o, hdr[i], val[i]);
        rc = llama_bench_test(h, o);
        cJSON_Delete(o);
        if (rc && !h->err->line) h->err->line = lineno;
    }
    return rc;
}

/* Trim a markdown cell in place. */
static char *cell(char *s)
{
    char *e;
    while (isspace((unsigned char)*s)) s++;
    e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1])) *--e = '\0';
    return s;
}

/* "| model | size | params | backend | ngl | test | t/s |" then rows;
 * markdown_printer in llama-bench.cpp; "build: COMMIT (NUMBER)" after. */
static int llama_bench_md(hctx *h, char *text)
{
    char *save = NULL, *line, build[64] = "";
    int ncol = 0, lineno = 0, c_model = -1, c_size = -1, c_test = -1, c_ts = -1,
        rc = RL_OK, first = h->n;

    for (line = strtok_r(text, "\n", &save); line && rc == RL_OK; line = strtok_r(NULL, "\n", &save)) {
        char *p, *f[32];
        int n = 0;
        lineno++;
        line[strcspn(line, "\r")] = '\0';
        if (strncmp(line, "build: ", 7) == 0) {
            unsigned long num = 0;
            char commit[24] = "";
            if (sscanf(line + 7, "%23s (%lu)", commit, &num) == 2)
                snprintf(build, sizeof build, "b%lu (%s)", num, commit);
            continue;
        }
        if (line[0] != '|') continue;
        /* split on '|' by hand: strtok would merge empty cells */
        p = line + 1;
        while (n < 32 && *p) {
            char *bar = strchr(p, '|');
            if (!bar) break;
            *bar = '\0';
            f[n++] = cell(p);
            p = bar + 1;
        }
        if (ncol == 0) {                        /* the header */
            ncol = n;
            for (int i = 0; i < n; i++) {
                if (strcmp(f[i], "model") == 0) c_model = i;
                else if (strcmp(f[i], "size") == 0) c_size = i;
                else if (strcmp(f[i], "test") == 0) c_test = i;
                else if (strcmp(f[i], "t/s") == 0) c_ts = i;
            }
            if (c_model < 0 || c_test < 0 || c_ts < 0)
                return rl_err_set(h->err, RL_EINPUT, h->file, lineno,
                                  "llama-bench table without model, test and t/s columns");
            continue;
        }
        if (n != ncol) return rl_err_set(h->err, RL_EINPUT, h->file, lineno,
                                         "%d cells where the header has %d", n, ncol);
        if (strspn(f[c_test], "-: ") == strlen(f[c_test])) continue;    /* rule line */
        {
            cJSON *o = cJSON_CreateObject();
            long np = 0, ng = 0, d = 0;
            double ts = 0, sd = -1, gib = 0;
            char unit[4] = "";
            const char *t = f[c_test];
            if (!o) return rl_err_set(h->err, RL_EIO, h->file, 0, "out of memory");
            /* "pp512", "tg128", "pp512+tg128", "pp512 @ d4096" */
            if (sscanf(t, "pp%ld+tg%ld", &np, &ng) == 2 || sscanf(t, "pp%ld", &np) == 1 ||
                sscanf(t, "tg%ld", &ng) == 1) {}
            if ((p = strstr(t, "@ d"))) d = atol(p + 3);
            if (sscanf(f[c_ts], "%lf", &ts) != 1 || !(np > 0 || ng > 0)) {
                cJSON_Delete(o);
                return rl_err_set(h->err, RL_EINPUT, h->file, lineno,
                                  "cannot read test '%s' / t/s '%s'", t, f[c_ts]);
            }
            if ((p = strstr(f[c_ts], "\xc2\xb1"))) sd = atof(p + 2);     /* UTF-8 '±' */
            cJSON_AddStringToObject(o, "model_type", f[c_model]);
            cJSON_AddNumberToObject(o, "n_prompt", (double)np);
            cJSON_AddNumberToObject(o, "n_gen", (double)ng);
            cJSON_AddNumberToObject(o, "n_depth", (double)d);
            cJSON_AddNumberToObject(o, "avg_ts", ts);
            if (sd >= 0) cJSON_AddNumberToObject(o, "stddev_ts", sd);
            /* "4.58 GiB" or, under 1 GiB, "636.18 MiB": printed with 2
             * decimals, so good to ~0.2% */
            if (c_size >= 0 && sscanf(f[c_size], "%lf %3s", &gib, unit) == 2 && gib > 0 &&
                (strcmp(unit, "GiB") == 0 || strcmp(unit, "MiB") == 0))
                cJSON_AddNumberToObject(o, "model_size",
                                        gib * (unit[0] == 'G' ? 1073741824.0 : 1048576.0));
            rc = llama_bench_test(h, o);
            cJSON_Delete(o);
            if (rc && !h->err->line) h->err->line = lineno;
        }
    }
    if (ncol == 0 && rc == RL_OK) rc = rl_err_set(h->err, RL_EINPUT, h->file, 0, "no table");
    for (int i = first; rc == RL_OK && i < h->n; i++)
        hx_copy(h->r[i].runtime_version, sizeof h->r[i].runtime_version, build);
    return rc;
}

/* ------------------------------------------------------------- vLLM bench */

/* The result dict of benchmarks/benchmark_serving.py (`vllm bench serve`
 * --save-result).  Per-request arrays (input_lens, output_lens, ttfts,
 * itls, generated_texts, errors) are never read. */
static int vllm_bench(hctx *h, const cJSON *o)
{
    double done = jnum(o, "completed"), in = jnum(o, "total_input_tokens"),
           out = jnum(o, "total_output_tokens"), mc = jnum(o, "max_concurrency"),
           rate = jnum(o, "request_rate"), v;
    const char *be = jstr(o, "backend"), *date = jstr(o, "date");
    rl_runrec *r;
    int y, mo, d, hh, mi, ss;

    if (!(done > 0)) return rl_err_set(h->err, RL_EINPUT, h->file, 0,
                                       "vLLM benchmark result without completed requests");
    if (!(r = hx_new(h))) return h->err->code;
    if (strcmp(be, "vllm") == 0 || strcmp(be, "sglang") == 0 || strcmp(be, "tensorrt-llm") == 0)
        hx_copy(r->runtime_id, sizeof r->runtime_id, be);
    hx_basename(r->model_name, sizeof r->model_name, jstr(o, "model_id"));
    if (in >= 0) r->context_tokens = lround(in / done);
    if (out >= 0) r->output_tokens = lround(out / done);
    /* request_rate "inf" (or absent) sends every prompt at once */
    if (rate > 0 && isfinite(rate)) r->request_rate = rate;
    r->concurrency = mc >= 1 && mc <= 1e6 ? (int)mc : 0;
    r->ttft_scope = RL_TTFT_SERVER;
#define M(key, k) if (!isnan(v = jnum(o, key)) && v >= 0) r->metric[k] = v
    M("median_ttft_ms", RL_RUN_TTFT_P50);
    M("p50_ttft_ms", RL_RUN_TTFT_P50);
    M("p95_ttft_ms", RL_RUN_TTFT_P95);
    M("median_tpot_ms", RL_RUN_TPOT_P50);
    M("median_e2el_ms", RL_RUN_LAT_P50);
    M("p95_e2el_ms", RL_RUN_LAT_P95);
    M("output_throughput", RL_RUN_OUT_TPUT);
    M("request_throughput", RL_RUN_REQ_TPUT);
#undef M
    /* one sequence at a time: time per output token is the decode speed */
    if (r->concurrency == 1 && r->metric[RL_RUN_TPOT_P50] > 0)
        r->metric[RL_RUN_DECODE] = round(1e7 / r->metric[RL_RUN_TPOT_P50]) / 1e4;
    if (!isnan(v = jnum(o, "p99_ttft_ms")) && v >= 0 && r->n_extra < RL_RUN_MAX_EXTRA) {
        snprintf(r->extra[r->n_extra].name, sizeof r->extra[0].name, "ttft_ms_p99");
        r->extra[r->n_extra++].value = v;
    }
    /* "20240518-101502" (datetime.now(), the benchmark host's local time) */
    if (sscanf(date, "%4d%2d%2d-%2d%2d%2d", &y, &mo, &d, &hh, &mi, &ss) == 6) {
        snprintf(r->timestamp_utc, sizeof r->timestamp_utc, "%04d-%02d-%02dT%02d:%02d:%02dZ",
                 y, mo, d, hh, mi, ss);
        snprintf(h->rep->note, sizeof h->rep->note, "its date is the benchmark host's local "
                 "time, taken as UTC (--timestamp corrects it)");
    }
    return RL_OK;
}

/* ------------------------------------------------------------- trtllm-bench */

/* "Label:   value" lines of report_statistics() (tensorrt_llm/bench/
 * dataclasses/reporting.py); the value as text, or NULL. */
static const char *kv_line(const char *text, const char *label, char *buf, size_t n)
{
    const char *p = text;
    size_t k = strlen(label);

    while ((p = strstr(p, label))) {
        if ((p == text || p[-1] == '\n' || p[-1] == ' ') && p[k] == ':') {
            const char *s = p + k + 1, *e;
            while (*s == ' ' || *s == '\t') s++;
            e = s + strcspn(s, "\r\n");
            hx_copy(buf, n, s);
            if ((size_t)(e - s) < n) buf[e - s] = '\0';
            cell(buf);
            return buf;
        }
        p += k;
    }
    return NULL;
}

static double kv_num(const char *text, const char *label)
{
    char b[64], *end;
    double d;
    if (!kv_line(text, label, b, sizeof b)) return NAN;
    d = strtod(b, &end);
    return end != b && isfinite(d) ? d : NAN;
}

static int trtllm_bench(hctx *h, const char *text)
{
    char b[128];
    double v;
    rl_runrec *r;

    if (!(r = hx_new(h))) return h->err->code;
    hx_copy(r->runtime_id, sizeof r->runtime_id, "tensorrt-llm");
    if (kv_line(text, "TensorRT-LLM Version", b, sizeof b))
        hx_copy(r->runtime_version, sizeof r->runtime_version, b);
    if (kv_line(text, "Model", b, sizeof b)) hx_basename(r->model_name, sizeof r->model_name, b);
    if (kv_line(text, "Quantization", b, sizeof b))
        hx_copy(r->quant, sizeof r->quant, rl_harness_quant_id(b));
    if (!r->quant[0] && kv_line(text, "Dtype", b, sizeof b))
        hx_copy(r->quant, sizeof r->quant, rl_harness_quant_id(b));
    if (kv_line(text, "KV Cache Dtype", b, sizeof b))
        hx_copy(r->kv_dtype, sizeof r->kv_dtype, rl_harness_kv_id(b));
    if ((v = kv_num(text, "TP Size")) >= 1 && v <= 65536) r->tp = (int)v;
    if ((v = kv_num(text, "PP Size")) >= 1 && v <= 65536) r->pp = (int)v;
    if (r->tp > 0 && r->pp > 0) r->n_devices = r->tp * r->pp;
    if ((v = kv_num(text, "Average Input Length (tokens)")) >= 0) r->context_tokens = lround(v);
    if ((v = kv_num(text, "Average Output Length (tokens)")) >= 0) r->output_tokens = lround(v);
    r->concurrency = 0;                 /* offline: every request queued at once */
    r->ttft_scope = RL_TTFT_ENGINE;
    /* the overview's name for output tok/s changed across releases */
    if ((v = kv_num(text, "Total Output Throughput (tokens/sec)")) > 0 ||
        (v = kv_num(text, "Token Throughput (tokens/sec)")) > 0)
        r->metric[RL_RUN_OUT_TPUT] = v;
    if ((v = kv_num(text, "Request Throughput (req/sec)")) > 0) r->metric[RL_RUN_REQ_TPUT] = v;
    if ((v = kv_num(text, "[Latency] P50")) > 0) r->metric[RL_RUN_LAT_P50] = v;
    if ((v = kv_num(text, "[Latency] P95")) > 0) r->metric[RL_RUN_LAT_P95] = v;
    if ((v = kv_num(text, "[TTFT] P50")) > 0) r->metric[RL_RUN_TTFT_P50] = v;
    if ((v = kv_num(text, "[TTFT] P95")) > 0) r->metric[RL_RUN_TTFT_P95] = v;
    if ((v = kv_num(text, "[TPOT] P50")) > 0) r->metric[RL_RUN_TPOT_P50] = v;
    return RL_OK;
}

/* ------------------------------------------------------------- detection */

int rl_harness_detect(const char *text, size_t n)
{
    cJSON *doc = cJSON_ParseWithLength(text, n);
    const char *nl;

    /* cJSON accepts a leading value and ignores what follows it, so a
     * log line "0.00.003.766 I ..." parses as the number 0: only an
     * object or an array is JSON here */
    if (doc && !cJSON_IsObject(doc) && !cJSON_IsArray(doc)) {
        cJSON_Delete(doc);
        doc = NULL;
    }
    if (doc) {
        const cJSON *first = cJSON_IsArray(doc) ? cJSON_GetArrayItem(doc, 0) : doc;
        int f = RL_HF_UNKNOWN;
        if (cJSON_GetObjectItemCaseSensitive(first, "avg_ts"))
            f = cJSON_IsArray(doc) ? RL_HF_LLAMA_BENCH_JSON : RL_HF_LLAMA_BENCH_JSONL;
        else if (cJSON_IsObject(doc) && (cJSON_GetObjectItemCaseSensitive(doc, "completed") ||
                                         cJSON_GetObjectItemCaseSensitive(doc, "median_ttft_ms")))
            f = RL_HF_VLLM_BENCH;
        cJSON_Delete(doc);
        return f;
    }
    /* jsonl: the first line alone is a test object */
    nl = strchr(text, '\n');
    if (nl && (doc = cJSON_ParseWithLength(text, (size_t)(nl - text)))) {
        int obj = cJSON_IsObject(doc),
            f = cJSON_GetObjectItemCaseSensitive(doc, "avg_ts") ? RL_HF_LLAMA_BENCH_JSONL
                                                                : RL_HF_UNKNOWN;
        cJSON_Delete(doc);
        if (obj) return f;
    }
    if (strncmp(text, "build_commit,", 13) == 0 ||
        (nl && memchr(text, ',', (size_t)(nl - text)) && strstr(text, "avg_ts") &&
         strstr(text, "avg_ts") < nl))
        return RL_HF_LLAMA_BENCH_CSV;
    if (hx_line_starts(text, "| model ") && strstr(text, " t/s |"))
        return RL_HF_LLAMA_BENCH_MD;
    if (hx_line_starts(text, "TensorRT-LLM Version:") || hx_line_starts(text, "= PERFORMANCE OVERVIEW"))
        return RL_HF_TRTLLM_BENCH;
    if (hx_is_vllm_log(text)) return RL_HF_VLLM_LOG;
    if (hx_is_llamacpp_log(text)) return RL_HF_LLAMACPP_LOG;
    return RL_HF_UNKNOWN;
}

/* ------------------------------------------------------------- flags */

/* Fill flags into a record; track where each key field came from. */
static void apply_flags(rl_runrec *r, const rl_harness_opts *o, int from[RL_HK_N])
{
    int st[RL_HK_N];
#define FLAG(k, field, val) do { st[k] = r->field[0] ? RL_HS_TOOL : RL_HS_ABSENT; \
        if (val && *val) { hx_copy(r->field, sizeof r->field, val); st[k] = RL_HS_FLAG; } } while (0)
    FLAG(RL_HK_MODEL, model_id, o->model_id);
    /* a printed device name the catalog knows counts as the tool's */
    if (!r->hardware_id[0] && r->hardware_name[0]) {
        const char *id = rl_harness_hw_id(o->cat, r->hardware_name);
        if (id) hx_copy(r->hardware_id, sizeof r->hardware_id, id);
    }
    FLAG(RL_HK_HARDWARE, hardware_id, o->hardware_id);
    FLAG(RL_HK_RUNTIME, runtime_id, o->runtime_id);
    FLAG(RL_HK_VERSION, runtime_version, o->runtime_version);
    FLAG(RL_HK_QUANT, quant, o->quant);
    FLAG(RL_HK_TIME, timestamp_utc, o->timestamp_utc);
#undef FLAG
    if (o->kv_dtype && *o->kv_dtype) hx_copy(r->kv_dtype, sizeof r->kv_dtype, o->kv_dtype);
    st[RL_HK_DEVICES] = r->n_devices > 0 ? RL_HS_TOOL : RL_HS_ABSENT;
    if (o->n_devices > 0) { r->n_devices = o->n_devices; st[RL_HK_DEVICES] = RL_HS_FLAG; }
    st[RL_HK_TOKENS] = r->context_tokens >= 0 ? RL_HS_TOOL : RL_HS_ABSENT;
    if (o->host && *o->host) rl_host_hash(o->host, r->host_hash, sizeof r->host_hash);
    for (int k = 0; k < RL_HK_N; k++)
        from[k] = from[k] < 0 ? st[k] : from[k] == st[k] ? st[k] : RL_HS_MIXED;
}

/* timestamp_utc when neither the tool nor a flag gave one: the file's
 * modification time (a run is usually written when it ends). */
static void mtime_stamp(const char *path, char *out, size_t n)
{
    struct stat sb;
    struct tm tm;
    time_t t = stat(path, &sb) == 0 ? sb.st_mtime : time(NULL);
    gmtime_r(&t, &tm);
    strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int rl_harness_import_text(const char *text, size_t n, const char *name, int fmt,
                           const rl_harness_opts *o, rl_runrec **recs, int *nrec,
                           rl_harness_report *rep, rl_err *err)
{
    hctx h = { 0 };
    const char *body = text;
    char *copy = NULL, stamp[32] = "";
    int rc, from[RL_HK_N], pre = 0;

    memset(rep, 0, sizeof *rep);
    /* llama-bench -oe FORMAT writes the second format to stderr after
     * ggml's "load_backend: loaded CPU backend from ..." lines: the report
     * starts after them (the run ids still hash the whole file) */
    while (strncmp(body, "load_backend:", 13) == 0 || strncmp(body, "ggml_", 5) == 0) {
        const char *nl = strchr(body, '\n');
        if (!nl) break;
        body = nl + 1;
        pre++;
    }
    if (fmt == RL_HF_UNKNOWN) fmt = rl_harness_detect(body, n - (size_t)(body - text));
    rep->fmt = fmt;
    if (fmt == RL_HF_UNKNOWN)
        return rl_err_set(err, RL_EINPUT, name, 0, "cannot tell which tool wrote this (expected "
                          "llama-bench json/jsonl/csv/md, a vllm bench serve result, a "
                          "trtllm-bench report, or a llama.cpp or vLLM log; --format forces one)");
    h.file = name;
    hx_basename(h.base, sizeof h.base, name);
    h.hash = rl_fnv1a64(text, n, 0);
    h.rep = rep;
    h.err = err;
    h.tool = fmt <= RL_HF_LLAMA_BENCH_MD ? "llama-bench" : fmt == RL_HF_VLLM_BENCH ? "vllm-bench-serve"
           : fmt == RL_HF_TRTLLM_BENCH ? "trtllm-bench" : fmt == RL_HF_LLAMACPP_LOG ? "llama.cpp-log"
           : "vllm-log";
    if ((fmt == RL_HF_LLAMA_BENCH_CSV || fmt == RL_HF_LLAMA_BENCH_MD) && !(copy = strdup(body)))
        return rl_err_set(err, RL_EIO, name, 0, "out of memory");
    switch (fmt) {
    case RL_HF_LLAMA_BENCH_JSON: rc = llama_bench_json(&h, body, 0); break;
    case RL_HF_LLAMA_BENCH_JSONL: rc = llama_bench_json(&h, body, 1); break;
    case RL_HF_LLAMA_BENCH_CSV: rc = llama_bench_csv(&h, copy); break;
    case RL_HF_LLAMA_BENCH_MD: rc = llama_bench_md(&h, copy); break;
    case RL_HF_VLLM_BENCH: {
        cJSON *doc = cJSON_ParseWithLength(body, n - (size_t)(body - text));
        rc = doc ? vllm_bench(&h, doc) : rl_err_set(err, RL_EINPUT, name, 0, "not valid JSON");
        cJSON_Delete(doc);
        break;
    }
    case RL_HF_TRTLLM_BENCH: rc = trtllm_bench(&h, body); break;
    case RL_HF_LLAMACPP_LOG: rc = hx_llamacpp_log(&h, text); break;
    default: rc = hx_vllm_log(&h, text); break;
    }
    free(copy);
    if (rc && err->line > 0) err->line += pre;      /* lines of the file, not of the report */
    if (rc == RL_OK && h.n == 0)
        rc = rl_err_set(err, RL_EINPUT, name, 0, "no run in this %s output",
                        rl_harness_format_name(fmt));
    for (int k = 0; k < RL_HK_N; k++) from[k] = -1;
    if (o->timestamp_utc && *o->timestamp_utc) rep->note[0] = '\0';   /* the flag settles it */
    for (int i = 0; rc == RL_OK && i < h.n; i++) {
        rl_runrec *r = &h.r[i];
        hx_gpu_uuid(r, text);
        apply_flags(r, o, from);
        if (!r->timestamp_utc[0]) {
            if (!stamp[0]) mtime_stamp(name, stamp, sizeof stamp);
            hx_copy(r->timestamp_utc, sizeof r->timestamp_utc, stamp);
            snprintf(rep->note, sizeof rep->note,
                     "no time in the output: timestamp_utc is the file's modification time");
        }
        {
            int any = r->n_extra > 0;
            for (int k = 0; k < RL_RUN_NM; k++) any |= !isnan(r->metric[k]);
            if (!any) {
                rc = rl_err_set(err, RL_EINPUT, name, 0, "no measurement found in this %s "
                                "output (no timing, throughput or memory line)",
                                rl_harness_format_name(fmt));
                break;
            }
        }
        if ((rc = rl_runrec_validate(r, err))) {
            /* the record as built breaks the schema: point at the file */
            char m[sizeof err->msg];
            snprintf(m, sizeof m, "%s", err->msg);
            rl_err_set(err, RL_EINPUT, name, 0, "record %d: %s", i + 1, m);
        }
    }
    for (int k = 0; k < RL_HK_N; k++) rep->from[k] = from[k] < 0 ? RL_HS_ABSENT : from[k];
    if (rc == RL_OK) {
        rl_runrec *g = realloc(*recs, sizeof *g * (size_t)(*nrec + h.n));
        if (!g) rc = rl_err_set(err, RL_EIO, name, 0, "out of memory");
        else {
            memcpy(g + *nrec, h.r, sizeof *g * (size_t)h.n);
            *recs = g;
            *nrec += h.n;
        }
    }
    free(h.r);
    return rc;
}

int rl_harness_import(const char *path, int fmt, const rl_harness_opts *o, rl_runrec **recs,
                      int *n, rl_harness_report *rep, rl_err *err)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t len = 0, cap = 0;
    int rc;

    memset(rep, 0, sizeof *rep);
    if (!f) return rl_err_set(err, RL_EIO, path, 0, "cannot open: %s", strerror(errno));
    for (;;) {                          /* read it all: pipes have no size */
        size_t got;
        if (cap - len < 65536) {
            char *g;
            if (cap >= (256u << 20)) { fclose(f); free(buf);
                return rl_err_set(err, RL_EINPUT, path, 0, "larger than 256 MiB"); }
            if (!(g = realloc(buf, cap = cap ? cap * 2 : 262144))) { fclose(f); free(buf);
                return rl_err_set(err, RL_EIO, path, 0, "out of memory"); }
            buf = g;
        }
        got = fread(buf + len, 1, cap - len - 1, f);
        len += got;
        if (got == 0) break;
    }
    if (ferror(f)) { fclose(f); free(buf); return rl_err_set(err, RL_EIO, path, 0, "cannot read"); }
    fclose(f);
    buf[len] = '\0';
    if (memchr(buf, '\0', len)) {
        free(buf);
        return rl_err_set(err, RL_EINPUT, path, 0, "binary file (NUL bytes): not a tool's output");
    }
    rc = rl_harness_import_text(buf, len, path, fmt, o, recs, n, rep, err);
    free(buf);
    return rc;
}
