/*
 * runrec.c -- the run record's JSON reader, writer and checks (runrec.h).
 *
 * The reader is strict at the top level (an unknown or misspelt field is
 * an error, so a typo never silently drops a value) and open inside
 * "metrics" and "env", where tools keep adding things.  cJSON does the
 * parsing; this file only maps and checks.
 */
#include "runrec.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const metric_names[RL_RUN_NM] = {
    "ttft_ms_p50", "ttft_ms_p95", "prefill_toks_sec", "prefill_toks_sec_sd",
    "decode_toks_sec", "decode_toks_sec_sd", "tpot_ms_p50", "latency_ms_p50",
    "latency_ms_p95", "output_throughput_tok_s", "request_throughput_req_s",
    "vram_peak_gb", "ram_peak_gb", "weights_gb", "model_size_gb", "kv_cache_gb",
    "compute_buffer_gb", "max_concurrency",
};

static const char *const scope_names[] = { "", "engine", "server", "cold-start" };

const char *rl_run_metric_name(int m)
{
    return m >= 0 && m < RL_RUN_NM ? metric_names[m] : "?";
}

int rl_run_metric_index(const char *name)
{
    for (int i = 0; i < RL_RUN_NM; i++)
        if (strcmp(name, metric_names[i]) == 0) return i;
    return -1;
}

const char *rl_ttft_scope_name(int s)
{
    return s > RL_TTFT_UNSET && s <= RL_TTFT_COLD ? scope_names[s] : "";
}

void rl_runrec_init(rl_runrec *r)
{
    memset(r, 0, sizeof *r);
    r->context_tokens = r->output_tokens = r->n_ctx = -1;
    r->concurrency = -1;
    for (int i = 0; i < RL_RUN_NM; i++) r->metric[i] = NAN;
}

/* ------------------------------------------------------------- hashing */

uint64_t rl_fnv1a64(const void *p, size_t n, uint64_t seed)
{
    const unsigned char *b = p;
    uint64_t h = seed ? seed : 0xcbf29ce484222325ULL;   /* FNV offset basis */

    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 0x100000001b3ULL;                          /* FNV 64-bit prime */
    }
    return h;
}

void rl_host_hash(const char *ident, char *out, size_t n)
{
    static const char salt[] = "ridgeline-host:";
    uint64_t h = rl_fnv1a64(salt, sizeof salt - 1, 0);

    h = rl_fnv1a64(ident, strlen(ident), h);
    snprintf(out, n, "fnv1a64:%016llx", (unsigned long long)h);
}

/* ------------------------------------------------------------- checking */

/* Context of one record being read: where errors point. */
typedef struct rctx { const char *file; int line; rl_err *err; } rctx;

static int bad(const rctx *c, const char *field, const char *what)
{
    return rl_err_set(c->err, RL_EINPUT, c->file, c->line, "field '%s': expected %s",
                      field, what);
}

static int id_ok(const char *s)
{
    if (!*s) return 0;
    for (; *s; s++)
        if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) ||
              strchr("._+-", *s)))
            return 0;
    return 1;
}

static int run_id_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 64) return 0;
    for (; *s; s++)
        if (!(isalnum((unsigned char)*s) || strchr("._:-", *s))) return 0;
    return 1;
}

static int text_ok(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f) return 0;
    return 1;
}

/* YYYY-MM-DDTHH:MM:SS, optional .fraction, then Z. */
static int timestamp_ok(const char *s)
{
    static const char pat[] = "dddd-dd-ddTdd:dd:dd";
    int mo, d, h, mi, se;

    for (int i = 0; pat[i]; i++)
        if (pat[i] == 'd' ? !isdigit((unsigned char)s[i]) : s[i] != pat[i]) return 0;
    mo = atoi(s + 5); d = atoi(s + 8); h = atoi(s + 11); mi = atoi(s + 14); se = atoi(s + 17);
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) return 0;
    s += 19;
    if (*s == '.') {
        if (!isdigit((unsigned char)*++s)) return 0;
        while (isdigit((unsigned char)*s)) s++;
    }
    return strcmp(s, "Z") == 0;
}

/* Copy a string field; kind 0 free text, 1 lower-case id. */
static int get_str(const rctx *c, const cJSON *v, const char *field, char *dst, size_t n,
                   int kind)
{
    const char *s = cJSON_GetStringValue(v);
    if (!s) return bad(c, field, "a string");
    if (strlen(s) >= n) {
        char what[64];
        snprintf(what, sizeof what, "a string of at most %zu bytes", n - 1);
        return bad(c, field, what);
    }
    if (!text_ok(s)) return bad(c, field, "text without control characters");
    if (kind == 1 && !id_ok(s)) return bad(c, field, "a lower-case id ([a-z0-9._+-])");
    memcpy(dst, s, strlen(s) + 1);
    return RL_OK;
}

static int get_long(const rctx *c, const cJSON *v, const char *field, long min, long max,
                    long *out)
{
    double d;
    char what[96];

    snprintf(what, sizeof what, "an integer in %ld..%ld", min, max);
    if (!cJSON_IsNumber(v)) return bad(c, field, what);
    d = v->valuedouble;
    if (!(d >= (double)min && d <= (double)max) || d != floor(d)) return bad(c, field, what);
    *out = (long)d;
    return RL_OK;
}

static int get_int(const rctx *c, const cJSON *v, const char *field, int min, int max,
                   int *out)
{
    long l;
    int rc = get_long(c, v, field, min, max, &l);
    if (rc == RL_OK) *out = (int)l;
    return rc;
}

static int get_metric(const rctx *c, const cJSON *v, const char *field, double *out)
{
    if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || v->valuedouble < 0)
        return bad(c, field, "a finite number >= 0");
    *out = v->valuedouble;
    return RL_OK;
}

/* ------------------------------------------------------------- reading */

static int read_metrics(const rctx *c, const cJSON *o, rl_runrec *r)
{
    const cJSON *v;
    char field[80];

    if (!cJSON_IsObject(o)) return bad(c, "metrics", "an object of numbers");
    cJSON_ArrayForEach(v, o) {
        int k = rl_run_metric_index(v->string), rc;
        snprintf(field, sizeof field, "metrics.%.60s", v->string);
        if (k >= 0) {
            if ((rc = get_metric(c, v, field, &r->metric[k]))) return rc;
            continue;
        }
        if (strlen(v->string) >= sizeof r->extra[0].name || !*v->string ||
            !text_ok(v->string))
            return bad(c, field, "a metric name of 1..47 printable bytes");
        if (r->n_extra == RL_RUN_MAX_EXTRA)
            return bad(c, field, "at most 16 metrics beyond the known ones");
        if ((rc = get_metric(c, v, field, &r->extra[r->n_extra].value))) return rc;
        snprintf(r->extra[r->n_extra++].name, sizeof r->extra[0].name, "%s", v->string);
    }
    return RL_OK;
}

static int read_env(const rctx *c, const cJSON *o, rl_runrec *r)
{
    const cJSON *v;
    char field[80];

    if (!cJSON_IsObject(o)) return bad(c, "env", "an object of strings");
    cJSON_ArrayForEach(v, o) {
        int rc;
        snprintf(field, sizeof field, "env.%.60s", v->string);
        if (strcmp(v->string, "host_hash") == 0) {
            if ((rc = get_str(c, v, field, r->host_hash, sizeof r->host_hash, 0))) return rc;
            continue;
        }
        if (strlen(v->string) >= sizeof r->env[0].key || !*v->string || !text_ok(v->string))
            return bad(c, field, "a key of 1..31 printable bytes");
        if (r->n_env == RL_RUN_MAX_ENV) return bad(c, field, "at most 8 env entries");
        if ((rc = get_str(c, v, field, r->env[r->n_env].value, sizeof r->env[0].value, 0)))
            return rc;
        snprintf(r->env[r->n_env++].key, sizeof r->env[0].key, "%s", v->string);
    }
    return RL_OK;
}

static int read_pair(const rctx *c, const cJSON *o, rl_runrec *r, int parallelism)
{
    const cJSON *v;
    int rc;

    if (!cJSON_IsObject(o)) return bad(c, parallelism ? "parallelism" : "source", "an object");
    cJSON_ArrayForEach(v, o) {
        if (parallelism && strcmp(v->string, "tp") == 0)
            rc = get_int(c, v, "parallelism.tp", 1, 65536, &r->tp);
        else if (parallelism && strcmp(v->string, "pp") == 0)
            rc = get_int(c, v, "parallelism.pp", 1, 65536, &r->pp);
        else if (!parallelism && strcmp(v->string, "tool") == 0)
            rc = get_str(c, v, "source.tool", r->source_tool, sizeof r->source_tool, 1);
        else if (!parallelism && strcmp(v->string, "file") == 0) {
            rc = get_str(c, v, "source.file", r->source_file, sizeof r->source_file, 0);
            if (!rc && strchr(r->source_file, '/'))
                rc = bad(c, "source.file", "a base name (no '/')");
        } else {
            char field[80];
            snprintf(field, sizeof field, "%s.%.40s", parallelism ? "parallelism" : "source",
                     v->string);
            return rl_err_set(c->err, RL_EINPUT, c->file, c->line, "unknown field '%s'",
                              field);
        }
        if (rc) return rc;
    }
    return RL_OK;
}

static int read_scope(const rctx *c, const cJSON *v, rl_runrec *r)
{
    const char *s = cJSON_GetStringValue(v);
    for (int i = RL_TTFT_ENGINE; s && i <= RL_TTFT_COLD; i++)
        if (strcmp(s, scope_names[i]) == 0) { r->ttft_scope = i; return RL_OK; }
    return bad(c, "ttft_scope", "\"engine\", \"server\" or \"cold-start\"");
}

static int read_field(const rctx *c, const cJSON *v, rl_runrec *r)
{
    const char *k = v->string;
#define S(name, kind) if (strcmp(k, #name) == 0) return get_str(c, v, k, r->name, sizeof r->name, kind)
    S(run_id, 0); S(timestamp_utc, 0); S(model_id, 1); S(model_name, 0); S(runtime_id, 1);
    S(runtime_version, 0); S(hardware_id, 1); S(hardware_name, 0); S(quant, 1); S(kv_dtype, 1);
#undef S
    if (strcmp(k, "n_devices") == 0) return get_int(c, v, k, 1, 65536, &r->n_devices);
    if (strcmp(k, "context_tokens") == 0) return get_long(c, v, k, 0, 100000000, &r->context_tokens);
    if (strcmp(k, "output_tokens") == 0) return get_long(c, v, k, 0, 100000000, &r->output_tokens);
    if (strcmp(k, "n_ctx") == 0) return get_long(c, v, k, 1, 100000000, &r->n_ctx);
    if (strcmp(k, "concurrency") == 0) return get_int(c, v, k, 0, 1000000, &r->concurrency);
    if (strcmp(k, "request_rate") == 0) {
        if (!cJSON_IsNumber(v) || !(v->valuedouble > 0) || !isfinite(v->valuedouble))
            return bad(c, k, "a finite number > 0 (requests/s; leave it out for all at once)");
        r->request_rate = v->valuedouble;
        return RL_OK;
    }
    if (strcmp(k, "ttft_scope") == 0) return read_scope(c, v, r);
    if (strcmp(k, "parallelism") == 0) return read_pair(c, v, r, 1);
    if (strcmp(k, "source") == 0) return read_pair(c, v, r, 0);
    if (strcmp(k, "metrics") == 0) return read_metrics(c, v, r);
    if (strcmp(k, "env") == 0) return read_env(c, v, r);
    return rl_err_set(c->err, RL_EINPUT, c->file, c->line, "unknown field '%.60s'", k);
}

/* What every record must have, whoever built it. */
static int check_required(const rctx *c, const rl_runrec *r)
{
    int any = r->n_extra > 0;

    if (!r->run_id[0]) return bad(c, "run_id", "a string (required)");
    if (!run_id_ok(r->run_id)) return bad(c, "run_id", "1..64 of [A-Za-z0-9._:-]");
    if (!r->timestamp_utc[0]) return bad(c, "timestamp_utc", "a string (required)");
    if (!timestamp_ok(r->timestamp_utc))
        return bad(c, "timestamp_utc", "UTC time as YYYY-MM-DDTHH:MM:SSZ");
    if (!r->source_tool[0]) return bad(c, "source.tool", "a string (required)");
    for (int i = 0; i < RL_RUN_NM; i++) any |= !isnan(r->metric[i]);
    if (!any) return bad(c, "metrics", "at least one metric");
    return RL_OK;
}

int rl_runrec_from_json(const cJSON *obj, rl_runrec *out, const char *file, int line,
                        rl_err *err)
{
    rctx c = { file, line, err };
    const cJSON *v;
    int rc;

    rl_runrec_init(out);
    if (!cJSON_IsObject(obj))
        return rl_err_set(err, RL_EINPUT, file, line, "expected a JSON object (one run record)");
    cJSON_ArrayForEach(v, obj)
        if ((rc = read_field(&c, v, out))) return rc;
    return check_required(&c, out);
}

int rl_runrec_parse(const char *text, size_t len, rl_runrec *out, const char *file,
                    int line, rl_err *err)
{
    cJSON *j = cJSON_ParseWithLength(text, len);
    int rc;

    if (!j) {
        rl_runrec_init(out);
        return rl_err_set(err, RL_EINPUT, file, line, "not valid JSON");
    }
    rc = rl_runrec_from_json(j, out, file, line, err);
    cJSON_Delete(j);
    return rc;
}

int rl_runrec_validate(const rl_runrec *r, rl_err *err)
{
    /* the writer's output read back is the reader's verdict */
    char *s = rl_runrec_line(r);
    rl_runrec tmp;
    int rc;

    if (!s) return rl_err_set(err, RL_EIO, NULL, 0, "out of memory");
    rc = rl_runrec_parse(s, strlen(s), &tmp, NULL, 0, err);
    free(s);
    return rc;
}

/* ------------------------------------------------------------- writing */

static void add_str(cJSON *o, const char *k, const char *v)
{
    if (v[0]) cJSON_AddStringToObject(o, k, v);
}

cJSON *rl_runrec_to_json(const rl_runrec *r)
{
    cJSON *o = cJSON_CreateObject(), *m, *e, *s;

    if (!o) return NULL;
    add_str(o, "run_id", r->run_id);
    add_str(o, "timestamp_utc", r->timestamp_utc);
    add_str(o, "model_id", r->model_id);
    add_str(o, "model_name", r->model_name);
    add_str(o, "runtime_id", r->runtime_id);
    add_str(o, "runtime_version", r->runtime_version);
    add_str(o, "hardware_id", r->hardware_id);
    add_str(o, "hardware_name", r->hardware_name);
    if (r->n_devices > 0) cJSON_AddNumberToObject(o, "n_devices", r->n_devices);
    add_str(o, "quant", r->quant);
    add_str(o, "kv_dtype", r->kv_dtype);
    if (r->context_tokens >= 0) cJSON_AddNumberToObject(o, "context_tokens", (double)r->context_tokens);
    if (r->output_tokens >= 0) cJSON_AddNumberToObject(o, "output_tokens", (double)r->output_tokens);
    if (r->n_ctx > 0) cJSON_AddNumberToObject(o, "n_ctx", (double)r->n_ctx);
    if (r->concurrency >= 0) cJSON_AddNumberToObject(o, "concurrency", r->concurrency);
    if (r->request_rate > 0) cJSON_AddNumberToObject(o, "request_rate", r->request_rate);
    add_str(o, "ttft_scope", rl_ttft_scope_name(r->ttft_scope));
    if (r->tp > 0 || r->pp > 0) {
        cJSON *p = cJSON_AddObjectToObject(o, "parallelism");
        if (p && r->tp > 0) cJSON_AddNumberToObject(p, "tp", r->tp);
        if (p && r->pp > 0) cJSON_AddNumberToObject(p, "pp", r->pp);
    }
    if ((m = cJSON_AddObjectToObject(o, "metrics"))) {
        for (int i = 0; i < RL_RUN_NM; i++)
            if (!isnan(r->metric[i])) cJSON_AddNumberToObject(m, metric_names[i], r->metric[i]);
        for (int i = 0; i < r->n_extra; i++)
            cJSON_AddNumberToObject(m, r->extra[i].name, r->extra[i].value);
    }
    if ((r->host_hash[0] || r->n_env) && (e = cJSON_AddObjectToObject(o, "env"))) {
        add_str(e, "host_hash", r->host_hash);
        for (int i = 0; i < r->n_env; i++) cJSON_AddStringToObject(e, r->env[i].key, r->env[i].value);
    }
    if ((s = cJSON_AddObjectToObject(o, "source"))) {
        add_str(s, "tool", r->source_tool);
        add_str(s, "file", r->source_file);
    }
    return o;
}

char *rl_runrec_line(const rl_runrec *r)
{
    cJSON *o = rl_runrec_to_json(r);
    char *s = o ? cJSON_PrintUnformatted(o) : NULL;
    cJSON_Delete(o);
    return s;
}

int rl_runrec_write(FILE *f, const rl_runrec *recs, int n, rl_err *err)
{
    for (int i = 0; i < n; i++) {
        char *s = rl_runrec_line(&recs[i]);
        int ok = s && fputs(s, f) >= 0 && fputc('\n', f) != EOF;
        free(s);
        if (!ok) return rl_err_set(err, RL_EIO, NULL, 0, "cannot write run records");
    }
    return RL_OK;
}

/* ------------------------------------------------------------- files */

int rl_runrec_read_file(const char *path, rl_runrec **recs, int *n, rl_err *err)
{
    FILE *f = fopen(path, "rb");
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    int lineno = 0, rc = RL_OK, ncap = 0;

    *recs = NULL;
    *n = 0;
    if (!f) return rl_err_set(err, RL_EIO, path, 0, "cannot open: %s", strerror(errno));
    while ((len = getline(&line, &cap, f)) >= 0) {
        size_t k = (size_t)len, i = 0;
        lineno++;
        while (k > 0 && (line[k - 1] == '\n' || line[k - 1] == '\r')) k--;
        while (i < k && isspace((unsigned char)line[i])) i++;
        if (i == k) continue;                          /* blank line */
        if (*n == ncap) {
            rl_runrec *g = realloc(*recs, sizeof *g * (size_t)(ncap = ncap ? ncap * 2 : 64));
            if (!g) { rc = rl_err_set(err, RL_EIO, path, 0, "out of memory"); break; }
            *recs = g;
        }
        if ((rc = rl_runrec_parse(line + i, k - i, &(*recs)[*n], path, lineno, err))) break;
        (*n)++;
    }
    if (rc == RL_OK && ferror(f)) rc = rl_err_set(err, RL_EIO, path, 0, "cannot read");
    free(line);
    fclose(f);
    if (rc) { free(*recs); *recs = NULL; *n = 0; }
    return rc;
}
