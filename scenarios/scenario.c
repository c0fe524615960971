/*
 * scenario.c -- load and validate a scenario file (scenario.h).
 *
 * The scalar keys of `workload` and `requirements` are described by typed
 * tables (name, type, offset, min, max, help) that both validate the input
 * and name the accepted keys in "did you mean" hints.  Search axes are
 * lists (a single scalar is accepted as a one-element list); numeric axes
 * are sorted ascending and de-duplicated, which the solver relies on for
 * its monotone pruning.
 *
 * Every error carries the file and the line of the setting at fault:
 *     s.cfg:7: error: workload.concurrency must be >= 1, got 0
 */
#include "scenario.h"
#include "safeio.h"
#include "cfg.h"
#include "import.h"

#include <libconfig.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* ---- typed key tables ------------------------------------------------ */

enum ktype { K_INT, K_LONG, K_DOUBLE, K_BOOL };

typedef struct keyspec {
    const char *name;
    int type;                   /* enum ktype */
    size_t off;                 /* offset in the target struct */
    double min, max;            /* accepted range (inclusive) */
    const char *help;
} keyspec;

#define REQ(f) offsetof(rl_scn_req, f)
static const keyspec req_keys[] = {
    {"ttft_ms_p95", K_DOUBLE, REQ(ttft_ms_p95), 0, 1e9, "p95 time to first token bound"},
    {"tpot_ms_p95", K_DOUBLE, REQ(tpot_ms_p95), 0, 1e9, "p95 time per output token bound"},
    {"min_decode_tok_s", K_DOUBLE, REQ(min_decode_tok_s), 0, 1e9, "per-sequence decode floor"},
    {"min_total_tok_s", K_DOUBLE, REQ(min_total_tok_s), 0, 1e12, "aggregate decode floor"},
    {"power_w_max", K_DOUBLE, REQ(power_w_max), 0, 1e7, "board power of used devices"},
    {"ambient_c", K_DOUBLE, REQ(ambient_c), -60, 150, "ambient temperature"},  /* as profiles and --ambient */
    {"max_temp_c", K_DOUBLE, REQ(max_temp_c), 0, 200, "die temperature limit"},
    {"deterministic", K_BOOL, REQ(deterministic), 0, 1, "fixed-shape deployment"},
    {"sram_resident", K_BOOL, REQ(sram_resident), 0, 1, "working set stays in SRAM"},
    {"allow_kv_eviction", K_BOOL, REQ(allow_kv_eviction), 0, 1,
     "signoff: a sliding KV window may stand in for the whole context"},
    {"context_tokens", K_LONG, REQ(context_tokens), 0, 1e8, "tokens per sequence"},
    {"max_quality_loss", K_DOUBLE, REQ(max_quality_loss), 0, 100,
     "bound on the quant's quality cost, %"},
    {"memory_margin_pct", K_DOUBLE, REQ(memory_margin_pct), 0, 90, "device memory kept free"},
    {"input_latency_ms_p95", K_DOUBLE, REQ(input_latency_ms_p95), 0, 1e9,
     "encoders: p95 latency per input"},
    {"min_inputs_per_s", K_DOUBLE, REQ(min_inputs_per_s), 0, 1e12, "encoders: inputs/s floor"},
};

#define WL(f) offsetof(rl_scenario, f)
static const keyspec wl_keys[] = {
    {"mode", -1, 0, 0, 0, "decode | prefill | encoder | streaming"},
    {"prompt_tokens", K_LONG, WL(prompt_tokens), 0, 1e8, "prompt length"},
    {"output_tokens", K_LONG, WL(output_tokens), 0, 1e8, "generated tokens"},
    {"concurrency", K_INT, WL(concurrency), 1, 65536, "concurrent sequences"},
    {"request_rate", K_DOUBLE, WL(request_rate), 0, RL_SCN_RATE_MAX,
     "requests/s over all replicas (concurrency: the batch cap)"},
};

static const char *const top_keys[] = {
    "name", "description", "model", "model_file", "hardware", "hardware_file",
    "devices", "runtime", "runtimes", "workload", "requirements", "search",
    "objective", "top", "gpu_memory_utilization", "power_mode", "encoder_stream",
};
static const char *const search_keys[] = {
    "quant", "kv_dtype", "tp", "pp", "context_cap", "offload",
    "sliding_window", "concurrency", "replicas", "ep", "dp_attention",
};
static const char *const mode_names[] = {"decode", "prefill", "encoder", "streaming"};
static const char *const offload_names[] = {"none", "partial", "full"};

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* Loader state: the file name for messages and the output. */
typedef struct ld {
    const char *file;
    const rl_catalog *cat;
    rl_scenario *s;
    rl_err *err;
} ld;

static int line_of(const config_setting_t *st)
{
    return st ? (int)config_setting_source_line(st) : 0;
}

static int fail(ld *L, const config_setting_t *st, const char *fmt, const char *a,
                const char *b)
{
    char msg[400];
    snprintf(msg, sizeof msg, fmt, a, b ? b : "");
    return rl_err_set(L->err, RL_EINPUT, L->file, line_of(st), "%s", msg);
}

/* Reject keys of `grp` not in `names`, suggesting the closest one. */
static int check_keys(ld *L, const config_setting_t *grp, const char *prefix,
                      const char *const *names, int n)
{
    int len = config_setting_length(grp);
    for (int i = 0; i < len; i++) {
        const config_setting_t *m = config_setting_get_elem(grp, (unsigned)i);
        const char *k = config_setting_name(m);
        int known = 0;
        for (int j = 0; j < n && !known; j++) known = k && strcmp(k, names[j]) == 0;
        if (known) continue;
        const char *sug = k ? rl_suggest(k, names, n) : NULL;
        if (sug)
            return rl_err_set(L->err, RL_EINPUT, L->file, line_of(m),
                              "unknown key '%s%s' (did you mean '%s%s'?)",
                              prefix, k ? k : "?", prefix, sug);
        return rl_err_set(L->err, RL_EINPUT, L->file, line_of(m),
                          "unknown key '%s%s'", prefix, k ? k : "?");
    }
    return RL_OK;
}

/* Read a number setting as double; integers and floats both accepted. */
static int get_number(const config_setting_t *m, double *v)
{
    switch (config_setting_type(m)) {
    case CONFIG_TYPE_INT: *v = config_setting_get_int(m); return 1;
    case CONFIG_TYPE_INT64: *v = (double)config_setting_get_int64(m); return 1;
    case CONFIG_TYPE_FLOAT: *v = config_setting_get_float(m); return 1;
    default: return 0;
    }
}

static int is_int_setting(const config_setting_t *m)
{
    int t = config_setting_type(m);
    return t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64;
}

/* Apply one typed key to `base` (struct of the table). */
static int apply_key(ld *L, const config_setting_t *m, const char *prefix,
                     const keyspec *k, void *base)
{
    char *p = (char *)base + k->off;
    if (k->type == K_BOOL) {
        if (config_setting_type(m) != CONFIG_TYPE_BOOL)
            return rl_err_set(L->err, RL_EINPUT, L->file, line_of(m),
                              "%s%s expects true or false", prefix, k->name);
        *(int *)p = config_setting_get_bool(m);
        return RL_OK;
    }
    double v;
    if (!get_number(m, &v) || (k->type != K_DOUBLE && !is_int_setting(m)))
        return rl_err_set(L->err, RL_EINPUT, L->file, line_of(m),
                          "%s%s expects %s", prefix, k->name,
                          k->type == K_DOUBLE ? "a number" : "an integer");
    if (!isfinite(v) || v < k->min || v > k->max) {
        char lo[32], hi[32], got[32];
        return rl_err_set(L->err, RL_EINPUT, L->file, line_of(m),
                          "%s%s must be between %s and %s, got %s", prefix, k->name,
                          rl_fmt_num(lo, sizeof lo, k->min, 6), rl_fmt_num(hi, sizeof hi, k->max, 6),
                          rl_fmt_num(got, sizeof got, v, 6));
    }
    if (k->type == K_INT) *(int *)p = (int)v;
    else if (k->type == K_LONG) *(long *)p = (long)v;
    else *(double *)p = v;
    return RL_OK;
}

/* Walk a group with a key table. `extra` handles keys with type -1. */
static int apply_table(ld *L, const config_setting_t *grp, const char *prefix,
                       const keyspec *tab, int n, void *base,
                       int (*extra)(ld *, const config_setting_t *))
{
    const char *names[24];
    for (int i = 0; i < n && i < 24; i++) names[i] = tab[i].name;
    if (!config_setting_is_group(grp))
        return rl_err_set(L->err, RL_EINPUT, L->file, line_of(grp),
                          "%.*s expects a group { ... }",
                          (int)strlen(prefix) - 1, prefix);
    int rc = check_keys(L, grp, prefix, names, n);
    for (int i = 0; rc == RL_OK && i < n; i++) {
        const config_setting_t *m = config_setting_get_member(grp, tab[i].name);
        if (!m) continue;
        rc = tab[i].type < 0 ? extra(L, m) : apply_key(L, m, prefix, &tab[i], base);
    }
    return rc;
}

static int get_string(ld *L, const config_setting_t *m, const char *key,
                      const char **out)
{
    *out = "";
    if (config_setting_type(m) != CONFIG_TYPE_STRING)
        return rl_err_set(L->err, RL_EINPUT, L->file, line_of(m),
                          "%s expects a string", key);
    *out = config_setting_get_string(m);
    if (!rl_utf8_valid(*out))       /* names are echoed into JSON */
        return rl_err_set(L->err, RL_EINPUT, L->file, line_of(m),
                          "%s is not valid UTF-8 text", key);
    return RL_OK;
}

static int pick_name(const char *w, const char *const *names, int n)
{
    for (int i = 0; i < n; i++)
        if (strcmp(w, names[i]) == 0) return i;
    return -1;
}

static int parse_mode(ld *L, const config_setting_t *m)
{
    const char *w = "";
    if (get_string(L, m, "workload.mode", &w)) return RL_EINPUT;
    int i = pick_name(w, mode_names, NELEM(mode_names));
    if (i < 0)
        return fail(L, m, "workload.mode must be decode, prefill, encoder or "
                    "streaming, got '%s'%s", w, NULL);
    L->s->mode = i;
    return RL_OK;
}

/* ---- catalog ids ------------------------------------------------------ */

/* Fill err with the catalog's "unknown X 'y' (did you mean ...)" and our
 * position. */
static int unknown_id(ld *L, const config_setting_t *m, int kind, const char *id)
{
    rl_catalog_unknown(L->cat, kind, id, L->err);
    if (L->err) {
        L->err->code = RL_EINPUT;
        snprintf(L->err->file, sizeof L->err->file, "%s", L->file);
        L->err->line = line_of(m);
    }
    return RL_EINPUT;
}

/* Join the scenario's folder and a relative path. */
static void resolve(const ld *L, const char *p, char *out, size_t n)
{
    if (p[0] == '/' || strcmp(L->s->dir, ".") == 0) snprintf(out, n, "%s", p);
    else snprintf(out, n, "%s/%s", L->s->dir, p);
}

static int load_model(ld *L, const config_setting_t *root)
{
    const config_setting_t *m = config_setting_get_member(root, "model");
    const config_setting_t *f = config_setting_get_member(root, "model_file");
    const char *v;
    if (m && f) return fail(L, f, "give model or model_file, not both%s%s", "", NULL);
    if (!m && !f) return fail(L, root, "missing model (or model_file)%s%s", "", NULL);
    if (m) {
        if (get_string(L, m, "model", &v)) return RL_EINPUT;
        const rl_arch *a = rl_catalog_model(L->cat, v);
        if (!a) return unknown_id(L, m, RL_CAT_MODEL, v);
        L->s->model = *a;
    } else {
        char path[1024];
        rl_gguf_info info;
        if (get_string(L, f, "model_file", &v)) return RL_EINPUT;
        resolve(L, v, path, sizeof path);
        memset(&info, 0, sizeof info);
        int rc = rl_import_file(path, &L->s->model, &info, L->err);
        if (rc != RL_OK) return rc;
        L->s->weight_bytes = info.weight_bytes;
        snprintf(L->s->file_quant, sizeof L->s->file_quant, "%s", info.quant);
        const rl_quant *fq = info.quant_src[0] ? rl_catalog_quant(L->cat, info.quant) : NULL;
        if (fq) rl_quant_keep16(fq, info.keep16, &L->s->file_q);   /* HF checkpoint */
    }
    snprintf(L->s->model_id, sizeof L->s->model_id, "%s", L->s->model.id);
    return RL_OK;
}

/* power_mode = "15W": one of the hardware's power_modes (checked here,
 * so a typo names the file and line). */
static int load_power_mode(ld *L, const config_setting_t *root)
{
    const config_setting_t *m = config_setting_get_member(root, "power_mode");
    const char *v;
    rl_hw probe;
    if (!m) return RL_OK;
    if (get_string(L, m, "power_mode", &v)) return RL_EINPUT;
    probe = L->s->hw;
    if (strlen(v) >= sizeof L->s->power_mode ||
        rl_hw_apply_power_mode(&probe, v, L->err) != RL_OK) {
        if (strlen(v) >= sizeof L->s->power_mode)
            rl_err_set(L->err, RL_EINPUT, NULL, 0, "power_mode '%.40s' is too long", v);
        if (L->err) {
            snprintf(L->err->file, sizeof L->err->file, "%s", L->file);
            L->err->line = line_of(m);
        }
        return RL_EINPUT;
    }
    snprintf(L->s->power_mode, sizeof L->s->power_mode, "%s", v);
    return RL_OK;
}

static int load_hw(ld *L, const config_setting_t *root)
{
    int rc0;
    const config_setting_t *h = config_setting_get_member(root, "hardware");
    const config_setting_t *f = config_setting_get_member(root, "hardware_file");
    const char *v;
    if (h && f) return fail(L, f, "give hardware or hardware_file, not both%s%s", "", NULL);
    if (!h && !f) return fail(L, root, "missing hardware (or hardware_file)%s%s", "", NULL);
    if (h) {
        if (get_string(L, h, "hardware", &v)) return RL_EINPUT;
        const rl_hw *hw = rl_catalog_hw(L->cat, v);
        if (!hw) return unknown_id(L, h, RL_CAT_HW, v);
        L->s->hw = *hw;
    } else {
        char path[1024];
        if (get_string(L, f, "hardware_file", &v)) return RL_EINPUT;
        resolve(L, v, path, sizeof path);
        int rc = rl_hw_load_file(path, &L->s->hw, L->err);
        if (rc != RL_OK) return rc;
    }
    snprintf(L->s->hw_id, sizeof L->s->hw_id, "%s", L->s->hw.id);
    L->s->devices = L->s->hw.count > 0 ? L->s->hw.count : 1;
    if ((rc0 = load_power_mode(L, root))) return rc0;
    const config_setting_t *d = config_setting_get_member(root, "devices");
    if (d) {
        static const keyspec k = {"devices", K_INT, offsetof(rl_scenario, devices),
                                  1, 4096, "devices available"};
        return apply_key(L, d, "", &k, L->s);
    }
    return RL_OK;
}

/* Elements of a list/array setting, or the setting itself when scalar. */
static int elems(const config_setting_t *m, const config_setting_t **out, int max)
{
    if (!config_setting_is_aggregate(m)) {
        out[0] = m;
        return 1;
    }
    int n = config_setting_length(m);
    if (n > max) return -1;
    for (int i = 0; i < n; i++) out[i] = config_setting_get_elem(m, (unsigned)i);
    return n;
}

static int load_runtimes(ld *L, const config_setting_t *root)
{
    const config_setting_t *r1 = config_setting_get_member(root, "runtime");
    const config_setting_t *rn = config_setting_get_member(root, "runtimes");
    const config_setting_t *m = r1 ? r1 : rn;
    rl_scenario *s = L->s;
    if (r1 && rn) return fail(L, rn, "give runtime or runtimes, not both%s%s", "", NULL);
    if (!m) {       /* default: every runtime in the catalog */
        int n = rl_catalog_count(L->cat, RL_CAT_RUNTIME);
        for (int i = 0; i < n && s->n_runtimes < RL_SCN_MAX_RT; i++)
            s->runtimes[s->n_runtimes++] = rl_catalog_runtime_at(L->cat, i);
        if (s->n_runtimes == 0)
            return fail(L, root, "the catalog has no runtimes%s%s", "", NULL);
        return RL_OK;
    }
    const config_setting_t *el[RL_SCN_MAX_AXIS];
    int n = elems(m, el, RL_SCN_MAX_RT);
    if (n < 0) return fail(L, m, "at most 16 runtimes%s%s", "", NULL);
    if (n == 0) return fail(L, m, "runtimes must not be empty%s%s", "", NULL);
    for (int i = 0; i < n; i++) {
        const char *v;
        if (get_string(L, el[i], "runtime", &v)) return RL_EINPUT;
        const rl_runtime *rt = rl_catalog_runtime(L->cat, v);
        if (!rt) return unknown_id(L, el[i], RL_CAT_RUNTIME, v);
        int dup = 0;
        for (int j = 0; j < s->n_runtimes; j++) dup |= s->runtimes[j] == rt;
        if (!dup) s->runtimes[s->n_runtimes++] = rt;
    }
    return RL_OK;
}

/* ---- search axes ------------------------------------------------------ */

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

/* Numeric axis: integers in [min,max], sorted, de-duplicated. */
static int num_axis(ld *L, const config_setting_t *m, const char *key,
                    long min, long max, long *vals, int *n)
{
    const config_setting_t *el[RL_SCN_MAX_AXIS];
    int k = elems(m, el, RL_SCN_MAX_AXIS);
    if (k < 0)
        return rl_err_set(L->err, RL_EINPUT, L->file, line_of(m),
                          "search.%s has more than %d values", key, RL_SCN_MAX_AXIS);
    if (k == 0)
        return rl_err_set(L->err, RL_EINPUT, L->file, line_of(m),
                          "search.%s must not be empty (omit it for the default)", key);
    for (int i = 0; i < k; i++) {
        double v;
        if (!is_int_setting(el[i]) || !get_number(el[i], &v))
            return rl_err_set(L->err, RL_EINPUT, L->file, line_of(el[i]),
                              "search.%s expects integers", key);
        if (v < (double)min || v > (double)max)
            return rl_err_set(L->err, RL_EINPUT, L->file, line_of(el[i]),
                              "search.%s values must be between %ld and %ld, got %.0f",
                              key, min, max, v);
        vals[i] = (long)v;
    }
    qsort(vals, (size_t)k, sizeof *vals, cmp_long);
    int w = 0;
    for (int i = 0; i < k; i++)
        if (w == 0 || vals[w - 1] != vals[i]) vals[w++] = vals[i];
    *n = w;
    return RL_OK;
}

static int int_axis(ld *L, const config_setting_t *m, const char *key, long min,
                    long max, int *vals, int *n)
{
    long tmp[RL_SCN_MAX_AXIS];
    int rc = num_axis(L, m, key, min, max, tmp, n);
    for (int i = 0; rc == RL_OK && i < *n; i++) vals[i] = (int)tmp[i];
    return rc;
}

/* String axis resolved through `look` (catalog) or a fixed name list. */
static int str_axis(ld *L, const config_setting_t *m, const char *key, int kind,
                    const void **vals, int *n)
{
    const config_setting_t *el[RL_SCN_MAX_AXIS];
    int k = elems(m, el, RL_SCN_MAX_AXIS);
    if (k <= 0)
        return rl_err_set(L->err, RL_EINPUT, L->file, line_of(m),
                          k < 0 ? "search.%s has too many values"
                                : "search.%s must not be empty (omit it for the default)",
                          key);
    *n = 0;
    for (int i = 0; i < k; i++) {
        const char *v;
        char what[40];
        snprintf(what, sizeof what, "search.%s", key);
        if (get_string(L, el[i], what, &v)) return RL_EINPUT;
        const void *p = kind == RL_CAT_QUANT ? (const void *)rl_catalog_quant(L->cat, v)
                                             : (const void *)rl_catalog_kvtype(L->cat, v);
        if (!p) return unknown_id(L, el[i], kind, v);
        int dup = 0;
        for (int j = 0; j < *n; j++) dup |= vals[j] == p;
        if (!dup) vals[(*n)++] = p;
    }
    return RL_OK;
}

static int offload_axis(ld *L, const config_setting_t *m)
{
    const config_setting_t *el[RL_SCN_MAX_AXIS];
    int k = elems(m, el, RL_SCN_MAX_AXIS);
    rl_scenario *s = L->s;
    if (k <= 0) return fail(L, m, "search.offload must list none, partial or full%s%s", "", NULL);
    for (int i = 0; i < k; i++) {
        const char *v;
        if (get_string(L, el[i], "search.offload", &v)) return RL_EINPUT;
        int o = pick_name(v, offload_names, NELEM(offload_names));
        if (o < 0)
            return fail(L, el[i], "search.offload values are none, partial or "
                        "full, got '%s'%s", v, NULL);
        int dup = 0;
        for (int j = 0; j < s->n_offload; j++) dup |= s->offload[j] == o;
        if (!dup) s->offload[s->n_offload++] = o;
    }
    return RL_OK;
}

/* search.dp_attention: true, false, or a list of them ([false, true]). */
static int dpa_axis(ld *L, const config_setting_t *m)
{
    rl_scenario *s = L->s;
    const config_setting_t *el[RL_SCN_MAX_AXIS];
    int k = elems(m, el, RL_SCN_MAX_AXIS);
    if (k <= 0)                         /* empty, or more than any axis holds */
        return rl_err_set(L->err, RL_EINPUT, L->file, line_of(m),
                          "search.dp_attention must be true, false or [false, true]");
    s->n_dpa = 0;
    for (int i = 0; i < k; i++) {
        int v, dup = 0;
        if (config_setting_type(el[i]) != CONFIG_TYPE_BOOL)
            return rl_err_set(L->err, RL_EINPUT, L->file, line_of(el[i]),
                              "search.dp_attention values must be true or false");
        v = config_setting_get_bool(el[i]);
        for (int j = 0; j < s->n_dpa; j++) dup |= s->dp_attention[j] == v;
        if (!dup) s->dp_attention[s->n_dpa++] = v;
    }
    return RL_OK;
}

static int load_search(ld *L, const config_setting_t *g)
{
    rl_scenario *s = L->s;
    const config_setting_t *m;
    int rc;
    if (!config_setting_is_group(g)) return fail(L, g, "search expects a group { ... }%s%s", "", NULL);
    if ((rc = check_keys(L, g, "search.", search_keys, NELEM(search_keys)))) return rc;
    if ((m = config_setting_get_member(g, "quant")) &&
        (rc = str_axis(L, m, "quant", RL_CAT_QUANT, (const void **)s->quant, &s->n_quant)))
        return rc;
    if ((m = config_setting_get_member(g, "kv_dtype")) &&
        (rc = str_axis(L, m, "kv_dtype", RL_CAT_KV, (const void **)s->kv, &s->n_kv)))
        return rc;
    if ((m = config_setting_get_member(g, "tp")) &&
        (rc = int_axis(L, m, "tp", 1, 1024, s->tp, &s->n_tp)))
        return rc;
    if ((m = config_setting_get_member(g, "pp")) &&
        (rc = int_axis(L, m, "pp", 1, 1024, s->pp, &s->n_pp)))
        return rc;
    if ((m = config_setting_get_member(g, "context_cap")) &&
        (rc = num_axis(L, m, "context_cap", 0, 100000000L, s->context_cap, &s->n_cap)))
        return rc;
    if ((m = config_setting_get_member(g, "sliding_window")) &&
        (rc = num_axis(L, m, "sliding_window", 0, 100000000L, s->sliding_window,
                       &s->n_window)))
        return rc;
    if ((m = config_setting_get_member(g, "concurrency")) &&
        (rc = int_axis(L, m, "concurrency", 1, 65536, s->concurrency_axis, &s->n_conc)))
        return rc;
    if ((m = config_setting_get_member(g, "offload")) && (rc = offload_axis(L, m)))
        return rc;
    if ((m = config_setting_get_member(g, "replicas")) &&
        (rc = int_axis(L, m, "replicas", 1, 4096, s->replicas, &s->n_rep)))
        return rc;
    if ((m = config_setting_get_member(g, "ep")) &&
        (rc = int_axis(L, m, "ep", 1, 4096, s->ep, &s->n_ep)))
        return rc;
    if ((m = config_setting_get_member(g, "dp_attention")) && (rc = dpa_axis(L, m)))
        return rc;
    return RL_OK;
}

/* ---- top level -------------------------------------------------------- */

static int load_misc(ld *L, const config_setting_t *root)
{
    rl_scenario *s = L->s;
    const config_setting_t *m;
    const char *v;
    if ((m = config_setting_get_member(root, "name"))) {
        if (get_string(L, m, "name", &v)) return RL_EINPUT;
        rl_utf8_sanitize(v, s->name, sizeof s->name);   /* cut at a character */
    }
    if ((m = config_setting_get_member(root, "description")) &&
        get_string(L, m, "description", &v))
        return RL_EINPUT;
    if ((m = config_setting_get_member(root, "objective"))) {
        if (get_string(L, m, "objective", &v)) return RL_EINPUT;
        snprintf(s->objective, sizeof s->objective, "%s", v);
        s->objective_line = line_of(m);
    }
    if ((m = config_setting_get_member(root, "gpu_memory_utilization"))) {
        static const keyspec k = {"gpu_memory_utilization", K_DOUBLE,
                                  offsetof(rl_scenario, mem_util), 0.01, 1, ""};
        if (apply_key(L, m, "", &k, s)) return RL_EINPUT;
    }
    if ((m = config_setting_get_member(root, "top"))) {
        static const keyspec k = {"top", K_INT, offsetof(rl_scenario, top), 1, 1000, ""};
        if (apply_key(L, m, "", &k, s)) return RL_EINPUT;
    }
    return RL_OK;
}

/* Encoder requirements in their own units become the TTFT (one forward
 * pass of the batch) and aggregate-rate bounds the rules check. */
static void fold_encoder_reqs(rl_scenario *s)
{
    rl_scn_req *r = &s->req;
    double toks = s->model.input_tokens > 0 ? s->model.input_tokens : 1;
    if (r->input_latency_ms_p95 > 0 &&
        (r->ttft_ms_p95 <= 0 || r->input_latency_ms_p95 < r->ttft_ms_p95))
        r->ttft_ms_p95 = r->input_latency_ms_p95;
    if (r->min_inputs_per_s > 0 && r->min_inputs_per_s * toks > r->min_total_tok_s)
        r->min_total_tok_s = r->min_inputs_per_s * toks;
}

/* workload.request_rate: > 0 (the table allows 0 so that this says why),
 * and only for a workload that generates: the serving model counts
 * requests by their output (README "Solving scenarios", at a rate). */
static int check_rate(ld *L, const config_setting_t *root)
{
    const config_setting_t *w = config_setting_get_member(root, "workload");
    const config_setting_t *m = w ? config_setting_get_member(w, "request_rate") : NULL;
    rl_scenario *s = L->s;
    if (!m) return RL_OK;
    if (!(s->request_rate > 0))
        return rl_err_set(L->err, RL_EINPUT, L->file, line_of(m),
                          "workload.request_rate must be > 0 requests/s, got %g",
                          s->request_rate);
    if (s->mode == RL_MODE_PREFILL || s->mode == RL_MODE_ENCODER || s->output_tokens <= 0)
        return fail(L, m, "workload.request_rate needs a workload that generates "
                    "(mode decode or streaming, output_tokens >= 1)%s%s", "", NULL);
    return RL_OK;
}

/* A generation workload that names no concurrency (neither
 * workload.concurrency nor search.concurrency) asks what the hardware can
 * serve: search 1, 2, 4, ... RL_SCN_CONC_MAX concurrent sequences, so the
 * SLOs and the memory pick the batch instead of a silent batch of 1.
 * Prefill and encoder workloads keep their single batch. */
static void default_concurrency_axis(rl_scenario *s, const config_setting_t *root)
{
    const config_setting_t *w = config_setting_get_member(root, "workload");
    if (s->n_conc || (w && config_setting_get_member(w, "concurrency")) ||
        s->mode == RL_MODE_PREFILL || s->mode == RL_MODE_ENCODER)
        return;
    for (int c = 1; c <= RL_SCN_CONC_MAX && s->n_conc < RL_SCN_MAX_AXIS; c *= 2)
        s->concurrency_axis[s->n_conc++] = c;
    s->concurrency_searched = 1;
}

/* encoder_stream = { model = "resnet-50"; inputs_per_s = 30.0;
 * runtime = "rknn"; quant = "int8"; latency_ms_p95 = 50.0; }: an encoder
 * sharing the part with the scenario's LLM (README "Edge sign-off"). */
#define ES(f) offsetof(rl_scn_stream, f)
static const keyspec stream_keys[] = {
    {"model", -1, 0, 0, 0, "encoder model id"},
    {"runtime", -1, 0, 0, 0, "its runtime (default: the scenario's)"},
    {"quant", -1, 0, 0, 0, "its weight format (default int8)"},
    {"inputs_per_s", K_DOUBLE, ES(inputs_per_s), 1e-6, 1e9, "arrival rate"},
    {"latency_ms_p95", K_DOUBLE, ES(latency_ms_p95), 0, 1e9, "per-input p95 bound"},
};

static int stream_string(ld *L, const config_setting_t *m)
{
    rl_scn_stream *st = &L->s->enc_stream;
    const char *k = config_setting_name(m), *v;
    if (get_string(L, m, k, &v)) return RL_EINPUT;
    if (strcmp(k, "model") == 0) {
        const rl_arch *a = rl_catalog_model(L->cat, v);
        if (!a) return unknown_id(L, m, RL_CAT_MODEL, v);
        if (a->kind != RL_ENCODER)
            return fail(L, m, "encoder_stream.model '%s' is not an encoder%s", v, NULL);
        st->model = *a;
        st->set = 1;
    } else if (strcmp(k, "runtime") == 0) {
        if (!(st->rt = rl_catalog_runtime(L->cat, v))) return unknown_id(L, m, RL_CAT_RUNTIME, v);
    } else if (!(st->quant = rl_catalog_quant(L->cat, v))) {
        return unknown_id(L, m, RL_CAT_QUANT, v);
    }
    return RL_OK;
}

static int load_encoder_stream(ld *L, const config_setting_t *root)
{
    const config_setting_t *g = config_setting_get_member(root, "encoder_stream");
    rl_scn_stream *st = &L->s->enc_stream;
    int rc;
    if (!g) return RL_OK;
    if ((rc = apply_table(L, g, "encoder_stream.", stream_keys, NELEM(stream_keys), st,
                          stream_string)))
        return rc;
    if (!st->set || st->inputs_per_s <= 0)
        return fail(L, g, "encoder_stream needs model and inputs_per_s%s%s", "", NULL);
    if (L->s->model.kind != RL_DECODER)
        return fail(L, g, "encoder_stream shares the part with an LLM; model '%s' is not a "
                    "decoder%s", L->s->model.id, NULL);
    if (!st->rt) st->rt = L->s->runtimes[0];
    if (!st->quant)
        st->quant = rl_catalog_quant(L->cat, rl_runtime_has_quant(st->rt, "int8") ? "int8"
                                            : st->rt->quants[0]);
    if (!st->quant || !rl_runtime_has_quant(st->rt, st->quant->id))
        return fail(L, g, "encoder_stream: runtime '%s' does not load that quant%s",
                    st->rt->id, NULL);
    return RL_OK;
}

static int load_root(ld *L, const config_setting_t *root)
{
    rl_scenario *s = L->s;
    const config_setting_t *m;
    int rc;
    if ((rc = check_keys(L, root, "", top_keys, NELEM(top_keys)))) return rc;
    if ((rc = load_misc(L, root))) return rc;
    if ((rc = load_model(L, root))) return rc;
    if ((rc = load_hw(L, root))) return rc;
    if ((rc = load_runtimes(L, root))) return rc;
    if ((m = config_setting_get_member(root, "workload")) &&
        (rc = apply_table(L, m, "workload.", wl_keys, NELEM(wl_keys), s, parse_mode)))
        return rc;
    if ((m = config_setting_get_member(root, "requirements")) &&
        (rc = apply_table(L, m, "requirements.", req_keys, NELEM(req_keys), &s->req,
                          NULL)))
        return rc;
    if ((m = config_setting_get_member(root, "search")) && (rc = load_search(L, m)))
        return rc;
    if ((rc = load_encoder_stream(L, root))) return rc;
    if (s->mode == RL_MODE_PREFILL || s->mode == RL_MODE_ENCODER) s->output_tokens = 0;
    if (s->mode == RL_MODE_ENCODER && s->model.kind != RL_ENCODER)
        return fail(L, config_setting_get_member(root, "workload"),
                    "workload.mode encoder needs an encoder model, '%s' is a decoder%s",
                    s->model.id, NULL);
    fold_encoder_reqs(s);
    if ((rc = check_rate(L, root))) return rc;
    default_concurrency_axis(s, root);
    if (s->prompt_tokens + s->output_tokens <= 0 && s->mode != RL_MODE_ENCODER)
        return fail(L, config_setting_get_member(root, "workload"),
                    "workload needs prompt_tokens + output_tokens >= 1%s%s", "", NULL);
    return RL_OK;
}

static void set_paths(rl_scenario *s, const char *path)
{
    snprintf(s->path, sizeof s->path, "%s", path);
    const char *slash = strrchr(path, '/');
    if (slash) {
        int n = (int)(slash - path);
        snprintf(s->dir, sizeof s->dir, "%.*s", n ? n : 1, path);
    } else {
        snprintf(s->dir, sizeof s->dir, ".");
    }
    const char *base = slash ? slash + 1 : path;
    size_t bl = strlen(base);
    if (bl > 4 && strcmp(base + bl - 4, ".cfg") == 0) bl -= 4;
    char nm[sizeof s->name];
    snprintf(nm, sizeof nm, "%.*s", (int)(bl < 127 ? bl : 127), base);
    rl_utf8_sanitize(nm, s->name, sizeof s->name);  /* file names need not be UTF-8 */
}

static int load_common(config_t *cfg, int read_rc, const char *path,
                       const rl_catalog *cat, rl_scenario **out, rl_err *err)
{
    ld L = {path, cat, NULL, err};
    int rc = RL_OK;
    *out = NULL;
    if (read_rc != CONFIG_TRUE) {
        if (config_error_type(cfg) == CONFIG_ERR_FILE_IO)
            return rl_err_set(err, RL_EIO, path, 0, "cannot read the scenario file");
        return rl_err_set(err, RL_EINPUT,
                          config_error_file(cfg) ? config_error_file(cfg) : path,
                          config_error_line(cfg), "%s", config_error_text(cfg));
    }
    L.s = calloc(1, sizeof *L.s);
    if (!L.s) return rl_err_set(err, RL_EIO, path, 0, "out of memory");
    set_paths(L.s, path);
    L.s->prompt_tokens = 512;
    L.s->output_tokens = 128;
    L.s->concurrency = 1;
    L.s->top = 5;
    L.s->req.max_quality_loss = RL_SCN_QUALITY_DEFAULT;
    rc = load_root(&L, config_root_setting(cfg));
    if (rc != RL_OK) {
        rl_scenario_free(L.s);
        return rc ? rc : RL_EINPUT;
    }
    *out = L.s;
    return RL_OK;
}

int rl_scenario_load(const char *path, const rl_catalog *cat, rl_scenario **out,
                     rl_err *err)
{
    config_t cfg;
    rl_scenario *dummy;
    if (!out) out = &dummy;
    *out = NULL;
    if (!path || !cat)
        return rl_err_set(err, RL_EINPUT, NULL, 0, "no scenario file or catalog");
    config_init(&cfg);
    /* the shared reader refuses directories, huge files and @include of
     * anything but a regular file before libconfig sees them */
    int rc = rl_cfg_read_file(&cfg, path, err);
    if (rc == RL_OK) rc = load_common(&cfg, CONFIG_TRUE, path, cat, out, err);
    config_destroy(&cfg);
    return rc;
}

int rl_scenario_load_string(const char *text, const char *name,
                            const rl_catalog *cat, rl_scenario **out, rl_err *err)
{
    config_t cfg;
    *out = NULL;
    if (!text || !cat)
        return rl_err_set(err, RL_EINPUT, name, 0, "no scenario text or catalog");
    config_init(&cfg);
    name = name ? name : "<string>";
    int rc = rl_cfg_read_string(&cfg, text, name, err);     /* @include vetted */
    if (rc == RL_OK) rc = load_common(&cfg, CONFIG_TRUE, name, cat, out, err);
    if (rc == RL_OK) snprintf((*out)->dir, sizeof (*out)->dir, ".");
    config_destroy(&cfg);
    return rc;
}

int rl_scenario_load_config(config_t *cfg, const char *name, const rl_catalog *cat,
                            rl_scenario **out, rl_err *err)
{
    *out = NULL;
    if (!cfg || !cat)
        return rl_err_set(err, RL_EINPUT, NULL, 0, "no scenario settings or catalog");
    int rc = load_common(cfg, CONFIG_TRUE, name ? name : "", cat, out, err);
    if (rc == RL_OK) snprintf((*out)->dir, sizeof (*out)->dir, ".");
    return rc;
}

void rl_scenario_free(rl_scenario *s)
{
    free(s);
}

long rl_scenario_context(const rl_scenario *s)
{
    if (s->req.context_tokens > 0) return s->req.context_tokens;
    return s->prompt_tokens + s->output_tokens;
}

const char *rl_workload_mode_name(int mode)
{
    return mode >= 0 && mode < NELEM(mode_names) ? mode_names[mode] : "?";
}

const char *rl_offload_mode_name(int mode)
{
    return mode >= 0 && mode < NELEM(offload_names) ? offload_names[mode] : "?";
}
