/*
 * api_request.c -- request bodies of `ridgeline serve` -> library inputs:
 * POST /v1/estimate -> rl_estspec (then estspec.c, as the CLI does),
 * POST /v1/solve -> rl_scenario (through the scenario loader), run
 * records of /v1/calibrate checked.  Every type or range error names the
 * JSON path at fault; unknown catalog ids come back as 422 with the
 * closest known id (the catalog's own "did you mean").
 */
#include "api.h"
#include "procure.h"
#include "runrec.h"

#include <libconfig.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- unknown ids --------------------------------------------------------- */

static const char *id_at(const rl_catalog *cat, int kind, int i)
{
    switch (kind) {
    case RL_CAT_MODEL: return rl_catalog_model_at(cat, i)->id;
    case RL_CAT_HW: return rl_catalog_hw_at(cat, i)->id;
    case RL_CAT_RUNTIME: return rl_catalog_runtime_at(cat, i)->id;
    case RL_CAT_QUANT: return rl_catalog_quant_at(cat, i)->id;
    default: return rl_catalog_kvtype_at(cat, i)->id;
    }
}

/* 422 with the catalog's message and the closest id as `suggestion`. */
static int unknown_id(const rl_catalog *cat, int kind, const char *id, const char *field,
                      rl_api_error *e)
{
    rl_err err;
    int n = rl_catalog_count(cat, kind);
    const char **ids = calloc((size_t)(n > 0 ? n : 1), sizeof *ids);

    rl_err_clear(&err);
    rl_catalog_unknown(cat, kind, id, &err);
    rl_api_fail(e, 422, field, "%s: %s", field, err.msg);
    for (int i = 0; ids && i < n; i++) ids[i] = id_at(cat, kind, i);
    const char *s = ids ? rl_suggest(id, ids, n) : NULL;
    if (s) snprintf(e->suggestion, sizeof e->suggestion, "%s", s);
    free(ids);
    return 422;
}

/* ---- typed field access -------------------------------------------------- */

typedef struct fld {
    const char *name;           /* key */
    int type;                   /* cJSON_String, cJSON_Number (integer), -1 number,
                                   cJSON_Object, cJSON_True (a boolean) */
    double min, max;
} fld;

static char *join(char *buf, size_t n, const char *prefix, const char *key)
{
    snprintf(buf, n, "%s%s%s", prefix, *prefix ? "." : "", key);
    return buf;
}

/* Reject keys not in tab (with a suggestion), check each present key's type
 * and range. */
static int check_fields(const cJSON *obj, const char *prefix, const fld *tab, int n,
                        rl_api_error *e)
{
    const char *names[24];
    char path[160];
    for (int i = 0; i < n; i++) names[i] = tab[i].name;
    for (const cJSON *m = obj->child; m; m = m->next) {
        const fld *f = NULL;
        for (const cJSON *x = obj->child; x != m; x = x->next)   /* as libconfig does */
            if (strcmp(x->string, m->string) == 0) {
                join(path, sizeof path, prefix, m->string);
                return rl_api_fail(e, 400, path, "duplicate key '%s'", path);
            }
        for (int i = 0; i < n && !f; i++)
            if (strcmp(m->string, tab[i].name) == 0) f = &tab[i];
        join(path, sizeof path, prefix, m->string);
        if (!f) {
            const char *s = rl_suggest(m->string, names, n);
            rl_api_fail(e, 400, path, "unknown key '%s'%s%s%s", path, s ? " (did you mean '" : "",
                        s ? s : "", s ? "'?)" : "");
            if (s) snprintf(e->suggestion, sizeof e->suggestion, "%s", s);
            return 400;
        }
        if (f->type == cJSON_String && !cJSON_IsString(m))
            return rl_api_fail(e, 400, path, "%s expects a string", path);
        if (f->type == cJSON_Object && !cJSON_IsObject(m))
            return rl_api_fail(e, 400, path, "%s expects an object", path);
        if (f->type == cJSON_True && !cJSON_IsBool(m))
            return rl_api_fail(e, 400, path, "%s expects true or false", path);
        if (f->type == cJSON_Number || f->type == -1) {
            double v = m->valuedouble;
            if (!cJSON_IsNumber(m) || (f->type == cJSON_Number && v != floor(v)))
                return rl_api_fail(e, 400, path, "%s expects %s", path,
                                   f->type == -1 ? "a number" : "an integer");
            if (!(v >= f->min && v <= f->max)) {
                char lo[32], hi[32], got[32];
                return rl_api_fail(e, 400, path, "%s must be between %s and %s, got %s", path,
                                   rl_fmt_num(lo, sizeof lo, f->min, 6),
                                   rl_fmt_num(hi, sizeof hi, f->max, 6),
                                   rl_fmt_num(got, sizeof got, v, 6));
            }
        }
    }
    return RL_OK;
}

static const char *str_of(const cJSON *o, const char *k)
{
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(m) ? m->valuestring : NULL;
}

/* Integer member into *out when present; returns 1 when it was. */
static int long_of(const cJSON *o, const char *k, long *out)
{
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(o, k);
    if (!cJSON_IsNumber(m)) return 0;
    *out = (long)m->valuedouble;
    return 1;
}

/* ---- POST /v1/estimate --------------------------------------------------- */

/* Ranges are those of `ridgeline estimate`'s flags. */
static const fld est_top[] = {
    {"model_id", cJSON_String, 0, 0}, {"runtime_id", cJSON_String, 0, 0},
    {"hardware", cJSON_Object, 0, 0}, {"quant", cJSON_String, 0, 0},
    {"kv_dtype", cJSON_String, 0, 0}, {"workload", cJSON_Object, 0, 0},
    {"objective", cJSON_String, 0, 0},
    {"tp", cJSON_Number, 1, 4096}, {"pp", cJSON_Number, 1, 4096},
    {"offload_layers", cJSON_Number, 0, 100000},
    {"context_cap", cJSON_Number, 0, 1e9}, {"sliding_window", cJSON_Number, 0, 1e9},
    {"ambient_c", -1, -60, 150}, {"replicas", cJSON_Number, 1, 4096},
    {"gpu_memory_utilization", -1, 0.01, 1},
    {"ep", cJSON_Number, 1, 4096}, {"dp_attention", cJSON_True, 0, 0},
};
static const fld est_wl[] = {
    {"context_tokens", cJSON_Number, 0, 1e8}, {"prompt_tokens", cJSON_Number, 0, 1e8},
    {"output_tokens", cJSON_Number, 0, 1e8}, {"concurrency", cJSON_Number, 1, 1e6},
    {"request_rate", -1, 1e-6, 1e9},
};
static const fld est_hw[] = {
    {"hardware_id", cJSON_String, 0, 0}, {"count", cJSON_Number, 1, 4096},
    {"power_mode", cJSON_String, 0, 0},
};

/* An inline hardware profile: the profile file's keys, read by the same
 * rl_hw_from_setting as --hardware-file. */
static int inline_hw(const cJSON *h, rl_hw *out, rl_api_error *e)
{
    rl_cfgtext t;
    config_t cfg;
    rl_err err;
    int rc = rl_cfgtext_from_json(h, "hardware", &t, e);

    if (rc) { rl_cfgtext_free(&t); return rc; }
    rl_err_clear(&err);
    config_init(&cfg);
    if (config_read_string(&cfg, t.text) != CONFIG_TRUE) {
        const char *p = rl_cfgtext_path(&t, config_error_line(&cfg));
        rc = rl_api_fail(e, 400, p, "%s: %s", p, config_error_text(&cfg));
    } else if (rl_hw_from_setting(config_root_setting(&cfg), "hardware", out, &err)) {
        rc = rl_api_fail(e, 400, rl_cfgtext_path(&t, err.line), "hardware: %s", err.msg);
    }
    config_destroy(&cfg);
    rl_cfgtext_free(&t);
    return rc;
}

static int est_hardware(const cJSON *h, const rl_catalog *cat, rl_api_est *out,
                        rl_api_error *e)
{
    rl_estspec *s = &out->spec;
    int rc;
    if (!h) return rl_api_fail(e, 400, "hardware", "missing hardware "
                               "({\"hardware_id\": ID, \"count\": N} or a profile)");
    if (!cJSON_GetObjectItemCaseSensitive(h, "hardware_id")) {
        if ((rc = inline_hw(h, &out->hw, e))) return rc;
        s->hw_inline = &out->hw;
        return RL_OK;
    }
    if ((rc = check_fields(h, "hardware", est_hw, 3, e))) return rc;
    s->hw = str_of(h, "hardware_id");
    s->power_mode = str_of(h, "power_mode");
    if (!rl_catalog_hw(cat, s->hw))
        return unknown_id(cat, RL_CAT_HW, s->hw, "hardware.hardware_id", e);
    s->devices_set = long_of(h, "count", &s->devices);
    return RL_OK;
}

static int est_workload(const cJSON *w, rl_estspec *s, rl_api_error *e)
{
    int rc;
    if (!w) return RL_OK;
    if ((rc = check_fields(w, "workload", est_wl, 5, e))) return rc;
    if (cJSON_GetObjectItemCaseSensitive(w, "context_tokens") &&
        cJSON_GetObjectItemCaseSensitive(w, "prompt_tokens"))
        return rl_api_fail(e, 400, "workload.prompt_tokens", "give workload.context_tokens "
                           "or workload.prompt_tokens (the same thing), not both");
    long_of(w, "context_tokens", &s->prompt);
    long_of(w, "prompt_tokens", &s->prompt);
    long_of(w, "output_tokens", &s->output);
    long_of(w, "concurrency", &s->conc);
    const cJSON *rate = cJSON_GetObjectItemCaseSensitive(w, "request_rate");
    if (rate) s->rate = rate->valuedouble;
    return RL_OK;
}

/* Catalog ids named by the request, checked up front so that the error
 * names the field. */
static int est_ids(const rl_catalog *cat, const rl_estspec *s, rl_api_error *e)
{
    if (!rl_catalog_model(cat, s->model))
        return unknown_id(cat, RL_CAT_MODEL, s->model, "model_id", e);
    if (s->runtime && !rl_catalog_runtime(cat, s->runtime))
        return unknown_id(cat, RL_CAT_RUNTIME, s->runtime, "runtime_id", e);
    if (s->quant && !rl_catalog_quant(cat, s->quant))
        return unknown_id(cat, RL_CAT_QUANT, s->quant, "quant", e);
    if (s->kv && !rl_catalog_kvtype(cat, s->kv))
        return unknown_id(cat, RL_CAT_KV, s->kv, "kv_dtype", e);
    return RL_OK;
}

int rl_api_estimate_spec(const cJSON *req, const rl_catalog *cat, rl_api_est *out,
                         rl_api_error *e)
{
    rl_estspec *s = &out->spec;
    double amb = 0;
    int rc;

    memset(out, 0, sizeof *out);
    rl_estspec_init(s);
    if (!cJSON_IsObject(req)) return rl_api_fail(e, 400, "", "the body must be a JSON object");
    if ((rc = check_fields(req, "", est_top, (int)(sizeof est_top / sizeof *est_top), e)))
        return rc;
    if (!(s->model = str_of(req, "model_id")))
        return rl_api_fail(e, 400, "model_id", "missing model_id");
    s->runtime = str_of(req, "runtime_id");
    s->quant = str_of(req, "quant");
    s->kv = str_of(req, "kv_dtype");
    out->objective = str_of(req, "objective");
    long_of(req, "tp", &s->tp);
    long_of(req, "pp", &s->pp);
    long_of(req, "offload_layers", &s->offload);
    long_of(req, "context_cap", &s->context);
    long_of(req, "sliding_window", &s->window);
    long_of(req, "replicas", &s->replicas);
    long_of(req, "ep", &s->ep);
    s->dp_attention = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(req, "dp_attention"));
    if (cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(req, "gpu_memory_utilization")))
        s->mem_util = cJSON_GetObjectItemCaseSensitive(req, "gpu_memory_utilization")->valuedouble;
    if (cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(req, "ambient_c")))
        amb = cJSON_GetObjectItemCaseSensitive(req, "ambient_c")->valuedouble;
    s->ambient = amb;
    if ((rc = est_ids(cat, s, e))) return rc;
    if ((rc = est_hardware(cJSON_GetObjectItemCaseSensitive(req, "hardware"), cat, out, e)))
        return rc;
    return est_workload(cJSON_GetObjectItemCaseSensitive(req, "workload"), s, e);
}

/* ---- POST /v1/solve ------------------------------------------------------- */

/* Scenario keys the loader would read from the server's disk. */
static int refuse_files(const cJSON *req, rl_api_error *e)
{
    static const char *const keys[] = {"model_file", "hardware_file"};
    for (int i = 0; i < 2; i++)
        if (cJSON_GetObjectItemCaseSensitive(req, keys[i]))
            return rl_api_fail(e, 400, keys[i], "%s is not accepted over HTTP (the "
                               "server would read its own disk); give %s", keys[i],
                               i ? "an inline hardware profile object" : "a catalog model id");
    return RL_OK;
}

/* A loader's error on the emitted text: its line becomes the field. */
static int cfg_error(const rl_cfgtext *t, const rl_err *err, rl_api_error *e)
{
    const char *p = rl_cfgtext_path(t, err->line);
    int unknown = strncmp(err->msg, "unknown ", 8) == 0 && !strstr(err->msg, "unknown key");
    int named = *p && strncmp(err->msg, p, strlen(p)) == 0;   /* message names it */
    rl_api_fail(e, unknown ? 422 : 400, p, "%s%s%s", named ? "" : p,
                *p && !named ? ": " : "", err->msg);
    const char *dym = strstr(err->msg, "did you mean '");
    if (dym) {
        dym += 14;
        snprintf(e->suggestion, sizeof e->suggestion, "%.*s",
                 (int)strcspn(dym, "'"), dym);
    }
    return e->http;
}

static int load_scenario(const rl_cfgtext *t, const rl_catalog *cat, rl_scenario **out,
                         rl_api_error *e)
{
    rl_err err;
    rl_err_clear(&err);
    if (rl_scenario_load_string(t->text, "scenario", cat, out, &err) == RL_OK) return RL_OK;
    return cfg_error(t, &err, e);
}

int rl_api_scenario(const cJSON *req, const rl_catalog *cat, rl_scenario **out,
                    rl_api_error *e)
{
    rl_cfgtext t;
    cJSON *copy = NULL;
    const cJSON *hw = cJSON_GetObjectItemCaseSensitive(req, "hardware");
    rl_hw inl;
    int rc;

    *out = NULL;
    if (!cJSON_IsObject(req)) return rl_api_fail(e, 400, "", "the body must be a JSON object");
    if ((rc = refuse_files(req, e))) return rc;
    if (cJSON_IsObject(hw)) {           /* inline profile: load it, put a placeholder id */
        if ((rc = inline_hw(hw, &inl, e))) return rc;
        if (!(copy = cJSON_Duplicate(req, 1))) return rl_api_fail(e, 500, "", "out of memory");
        cJSON_ReplaceItemInObjectCaseSensitive(copy, "hardware", cJSON_CreateString(
            rl_catalog_hw_at(cat, 0)->id));
        req = copy;
    }
    rc = rl_cfgtext_from_json(req, "", &t, e);
    if (rc == RL_OK) rc = load_scenario(&t, cat, out, e);
    rl_cfgtext_free(&t);
    if (rc == RL_OK && copy) {
        const cJSON *d = cJSON_GetObjectItemCaseSensitive(req, "devices");
        (*out)->hw = inl;
        snprintf((*out)->hw_id, sizeof (*out)->hw_id, "%s", inl.id);
        if (!d) (*out)->devices = inl.count > 0 ? inl.count : 1;
    }
    cJSON_Delete(copy);
    return rc;
}

/* ---- POST /v1/procure ----------------------------------------------------- */

int rl_api_plan(const cJSON *req, const rl_catalog *cat, rl_plan **out, rl_api_error *e)
{
    rl_cfgtext t;
    rl_err err;
    int rc;

    *out = NULL;
    if (!cJSON_IsObject(req)) return rl_api_fail(e, 400, "", "the body must be a JSON object");
    rc = rl_cfgtext_from_json(req, "", &t, e);
    if (rc == RL_OK) {
        rl_err_clear(&err);
        if (rl_plan_load_string(t.text, "plan", cat, out, &err) != RL_OK)
            rc = cfg_error(&t, &err, e);
    }
    rl_cfgtext_free(&t);
    return rc;
}

/* ---- run records ----------------------------------------------------------- */

/* Add "key": now (UTC, ISO 8601) when absent. */
static void default_timestamp(cJSON *rec)
{
    char ts[32];
    time_t now = time(NULL);
    struct tm tm;
    if (cJSON_GetObjectItemCaseSensitive(rec, "timestamp_utc")) return;
    gmtime_r(&now, &tm);
    strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
    cJSON_AddStringToObject(rec, "timestamp_utc", ts);
}

int rl_api_run_record(cJSON *rec, rl_api_error *e)
{
    rl_runrec r;
    rl_err err;

    if (!cJSON_IsObject(rec)) return rl_api_fail(e, 400, "", "a run record is a JSON object");
    if (!str_of(rec, "model_id"))
        return rl_api_fail(e, 400, "model_id", "a run record needs model_id");
    if (!str_of(rec, "runtime_id"))
        return rl_api_fail(e, 400, "runtime_id", "a run record needs runtime_id");
    if (!str_of(rec, "hardware_id"))
        return rl_api_fail(e, 400, "hardware_id", "a run record needs hardware_id");
    if (!str_of(rec, "run_id")) {       /* generate one: time + counter */
        static unsigned long seq;
        char id[64];
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        snprintf(id, sizeof id, "srv-%lld-%09ld-%lu", (long long)ts.tv_sec, ts.tv_nsec,
                 __atomic_add_fetch(&seq, 1, __ATOMIC_RELAXED));
        cJSON_AddStringToObject(rec, "run_id", id);
    }
    default_timestamp(rec);
    if (!cJSON_GetObjectItemCaseSensitive(rec, "source")) {
        cJSON *src = cJSON_AddObjectToObject(rec, "source");
        if (src) cJSON_AddStringToObject(src, "tool", "ridgeline-serve");
    }
    /* the one record schema (model/runrec.h) that `runs add` checks too */
    rl_err_clear(&err);
    if (rl_runrec_from_json(rec, &r, NULL, 0, &err)) {
        /* runrec names the field as "field 'metrics.x': ..." */
        char f[128] = "";
        const char *q = strstr(err.msg, "field '");
        if (q) sscanf(q + 7, "%127[^']", f);
        return rl_api_fail(e, 400, f, "%s", err.msg);
    }
    return RL_OK;
}
