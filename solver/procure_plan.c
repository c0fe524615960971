/*
 * procure_plan.c -- the plan file of `ridgeline procure` (procure.h):
 * libconfig, read through model/cfg.h (typed getters with file:line
 * errors) and the shared safe reader, validated against the catalog.
 */
#include "procure.h"
#include "cfg.h"

#include <stdlib.h>
#include <string.h>

#define NELEM(a) ((int)(sizeof (a) / sizeof *(a)))

static const char *const top_keys[] = {
    "name", "budget_usd", "power_w_max", "objective", "energy_usd_per_kwh", "years",
    "candidates", "demand",
};
static const char *const cand_keys[] = {
    "hardware", "price_usd", "max_count", "devices_per_node",
};
static const char *const demand_keys[] = {
    "name", "model", "prompt_tokens", "output_tokens", "requests_per_s", "ttft_ms_p95",
    "tpot_ms_p95", "runtimes", "quants",
};
static const char *const objective_names[] = { "min_cost", "min_power", "max_headroom" };
static const char *const status_names[] = { "optimal", "infeasible", "time_limit" };

const char *rl_proc_objective_name(int o)
{
    return o >= 0 && o < NELEM(objective_names) ? objective_names[o] : "?";
}

const char *rl_proc_status_name(int s)
{
    return s >= 0 && s < NELEM(status_names) ? status_names[s] : "?";
}

/* Reject members of grp not in names, suggesting the closest. */
static int check_keys(const config_setting_t *grp, const char *prefix,
                      const char *const *names, int n, const char *file, rl_err *err)
{
    int len = config_setting_length(grp);
    for (int i = 0; i < len; i++) {
        const config_setting_t *m = config_setting_get_elem(grp, (unsigned)i);
        const char *k = config_setting_name(m), *sug;
        int known = 0;
        for (int j = 0; j < n && !known; j++) known = k && strcmp(k, names[j]) == 0;
        if (known) continue;
        sug = k ? rl_suggest(k, names, n) : NULL;
        if (sug)
            return rl_err_set(err, RL_EINPUT, file, rl_cfg_line(m),
                              "unknown key '%s%s' (did you mean '%s%s'?)", prefix, k, prefix,
                              sug);
        return rl_err_set(err, RL_EINPUT, file, rl_cfg_line(m), "unknown key '%s%s'",
                          prefix, k ? k : "?");
    }
    return RL_OK;
}

/* "unknown hardware 'x' (did you mean ...)" at file:line. */
static int unknown(const rl_catalog *cat, int kind, const char *id, const char *file,
                   int line, rl_err *err)
{
    rl_err tmp;
    rl_err_clear(&tmp);
    rl_catalog_unknown(cat, kind, id, &tmp);
    return rl_err_set(err, RL_EINPUT, file, line, "%s", tmp.msg);
}

/* A list (or one scalar) of catalog ids of `kind` into out[][32]. */
static int id_list(const config_setting_t *g, const char *key, int kind,
                   const rl_catalog *cat, char (*out)[32], int *n, const char *file,
                   rl_err *err)
{
    const config_setting_t *m = config_setting_get_member(g, key);
    int one, len;
    *n = 0;
    if (!m) return RL_OK;
    one = config_setting_type(m) == CONFIG_TYPE_STRING;
    len = one ? 1 : config_setting_length(m);
    if ((!one && !config_setting_is_aggregate(m)) || len < 1 || len > RL_PLAN_MAX_LIST)
        return rl_err_set(err, RL_EINPUT, file, rl_cfg_line(m),
                          "%s must be a list of 1..%d ids", key, RL_PLAN_MAX_LIST);
    for (int i = 0; i < len; i++) {
        const char *v = one ? config_setting_get_string(m)
                            : config_setting_get_string_elem(m, (unsigned)i);
        int found = v && (kind == RL_CAT_RUNTIME ? rl_catalog_runtime(cat, v) != NULL
                                                 : rl_catalog_quant(cat, v) != NULL);
        if (!v)
            return rl_err_set(err, RL_EINPUT, file, rl_cfg_line(m),
                              "%s must be a list of strings", key);
        if (!found || strlen(v) >= 32) return unknown(cat, kind, v, file, rl_cfg_line(m), err);
        snprintf(out[(*n)++], 32, "%s", v);
    }
    return RL_OK;
}

static int load_cand(const config_setting_t *g, const rl_catalog *cat, rl_plan_cand *c,
                     const char *file, rl_err *err)
{
    char id[64];
    int rc;
    c->line = rl_cfg_line(g);
    c->devices_per_node = 1;
    if (!config_setting_is_group(g))
        return rl_err_set(err, RL_EINPUT, file, c->line, "candidates must be a list of groups");
    if ((rc = check_keys(g, "candidates.", cand_keys, NELEM(cand_keys), file, err)) ||
        (rc = rl_cfg_str_req(g, "hardware", id, sizeof id, file, err)))
        return rc;
    if (!(c->hw = rl_catalog_hw(cat, id))) return unknown(cat, RL_CAT_HW, id, file, c->line, err);
    snprintf(c->hw_id, sizeof c->hw_id, "%s", c->hw->id);
    c->price_usd = c->hw->price_usd;
    if ((rc = rl_cfg_num(g, "price_usd", 0.01, 1e9, &c->price_usd, file, err)) ||
        (rc = rl_cfg_int(g, "max_count", 0, 1000000, &c->max_count, file, err)) ||
        (rc = rl_cfg_int(g, "devices_per_node", 1, 64, &c->devices_per_node, file, err)))
        return rc;
    if (c->price_usd <= 0)
        return rl_err_set(err, RL_EINPUT, file, c->line, "candidate %s: the catalog has no "
                          "price for it; give price_usd", c->hw_id);
    if (c->max_count > 0 && c->max_count < c->devices_per_node)
        return rl_err_set(err, RL_EINPUT, file, c->line, "candidate %s: max_count %d is "
                          "less than one node of %d", c->hw_id, c->max_count,
                          c->devices_per_node);
    return RL_OK;
}

static int load_demand(const config_setting_t *g, const rl_catalog *cat, rl_plan_demand *d,
                       const char *file, rl_err *err)
{
    int rc;
    d->line = rl_cfg_line(g);
    d->prompt_tokens = 512;
    d->output_tokens = 128;
    if (!config_setting_is_group(g))
        return rl_err_set(err, RL_EINPUT, file, d->line, "demand must be a list of groups");
    if ((rc = check_keys(g, "demand.", demand_keys, NELEM(demand_keys), file, err)) ||
        (rc = rl_cfg_str_req(g, "name", d->name, sizeof d->name, file, err)) ||
        (rc = rl_cfg_str_req(g, "model", d->model_id, sizeof d->model_id, file, err)))
        return rc;
    const rl_arch *a = rl_catalog_model(cat, d->model_id);
    if (!a) return unknown(cat, RL_CAT_MODEL, d->model_id, file, d->line, err);
    snprintf(d->model_id, sizeof d->model_id, "%s", a->id);
    if ((rc = rl_cfg_long(g, "prompt_tokens", 1, 10000000, &d->prompt_tokens, file, err)) ||
        (rc = rl_cfg_long(g, "output_tokens", 1, 10000000, &d->output_tokens, file, err)) ||
        (rc = rl_cfg_num(g, "ttft_ms_p95", 0, 1e9, &d->ttft_ms_p95, file, err)) ||
        (rc = rl_cfg_num(g, "tpot_ms_p95", 0, 1e9, &d->tpot_ms_p95, file, err)) ||
        (rc = id_list(g, "runtimes", RL_CAT_RUNTIME, cat, d->runtimes, &d->n_runtimes,
                      file, err)) ||
        (rc = id_list(g, "quants", RL_CAT_QUANT, cat, d->quants, &d->n_quants, file, err)))
        return rc;
    if (!config_setting_get_member(g, "requests_per_s"))
        return rl_err_set(err, RL_EINPUT, file, d->line, "demand %s: missing requests_per_s",
                          d->name);
    return rl_cfg_num(g, "requests_per_s", 1e-6, 1e9, &d->requests_per_s, file, err);
}

/* A required non-empty list of groups, each read by `each`. */
static int load_list(const config_setting_t *root, const char *key, int max, int *n,
                     const char *file, rl_err *err)
{
    const config_setting_t *l = config_setting_get_member(root, key);
    if (!l) return rl_err_set(err, RL_EINPUT, file, 0, "missing %s", key);
    *n = config_setting_length(l);
    if (!config_setting_is_list(l) || *n < 1 || *n > max)
        return rl_err_set(err, RL_EINPUT, file, rl_cfg_line(l),
                          "%s must be a list of 1..%d groups ( {...}, ... )", key, max);
    return RL_OK;
}

static int load_objective(const config_setting_t *root, rl_plan *p, const char *file,
                          rl_err *err)
{
    char o[32] = "min_cost";
    int rc = rl_cfg_str(root, "objective", o, sizeof o, file, err);
    if (rc) return rc;
    for (int i = 0; i < NELEM(objective_names); i++)
        if (strcmp(o, objective_names[i]) == 0) {
            p->objective = i;
            return RL_OK;
        }
    return rl_err_set(err, RL_EINPUT, file, rl_cfg_line(config_setting_get_member(root,
                      "objective")), "objective must be min_cost, min_power or "
                      "max_headroom, got '%s'", o);
}

/* Cross-field rules once everything is read. */
static int check_plan(const rl_plan *p, const char *file, rl_err *err)
{
    for (int i = 0; i < p->n_demand; i++)
        for (int j = 0; j < i; j++)
            if (strcmp(p->demand[i].name, p->demand[j].name) == 0)
                return rl_err_set(err, RL_EINPUT, file, p->demand[i].line,
                                  "demand '%s' is named twice", p->demand[i].name);
    for (int i = 0; i < p->n_cand; i++)
        for (int j = 0; j < i; j++)
            if (strcmp(p->cand[i].hw_id, p->cand[j].hw_id) == 0)
                return rl_err_set(err, RL_EINPUT, file, p->cand[i].line,
                                  "candidate '%s' is listed twice", p->cand[i].hw_id);
    if (p->objective == RL_PROC_MAX_HEADROOM && p->budget_usd <= 0 && p->power_w_max <= 0)
        for (int i = 0; i < p->n_cand; i++)
            if (p->cand[i].max_count == 0)
                return rl_err_set(err, RL_EINPUT, file, p->cand[i].line,
                                  "objective max_headroom needs budget_usd, power_w_max "
                                  "or max_count on every candidate (%s has none): "
                                  "otherwise headroom is unbounded", p->cand[i].hw_id);
    return RL_OK;
}

static int load_root(const config_t *cfg, const char *file, const rl_catalog *cat,
                     rl_plan *p, rl_err *err)
{
    const config_setting_t *root = config_root_setting(cfg);
    int rc;
    if ((rc = check_keys(root, "", top_keys, NELEM(top_keys), file, err)) ||
        (rc = rl_cfg_str(root, "name", p->name, sizeof p->name, file, err)) ||
        (rc = rl_cfg_num(root, "budget_usd", 0, 1e12, &p->budget_usd, file, err)) ||
        (rc = rl_cfg_num(root, "power_w_max", 0, 1e9, &p->power_w_max, file, err)) ||
        (rc = rl_cfg_num(root, "energy_usd_per_kwh", 0, 100, &p->energy_usd_per_kwh, file,
                         err)) ||
        (rc = rl_cfg_num(root, "years", 0.01, 50, &p->years, file, err)) ||
        (rc = load_objective(root, p, file, err)) ||
        (rc = load_list(root, "candidates", RL_PLAN_MAX_CAND, &p->n_cand, file, err)))
        return rc;
    const config_setting_t *cl = config_setting_get_member(root, "candidates");
    const config_setting_t *dl = config_setting_get_member(root, "demand");
    for (int i = 0; rc == RL_OK && i < p->n_cand; i++)
        rc = load_cand(config_setting_get_elem(cl, (unsigned)i), cat, &p->cand[i], file, err);
    if (rc == RL_OK) rc = load_list(root, "demand", RL_PLAN_MAX_DEMAND, &p->n_demand, file, err);
    for (int i = 0; rc == RL_OK && i < p->n_demand; i++)
        rc = load_demand(config_setting_get_elem(dl, (unsigned)i), cat, &p->demand[i], file,
                         err);
    return rc ? rc : check_plan(p, file, err);
}

/* Shared tail of the loaders: `ok` is libconfig's parse result. */
static int load_common(config_t *cfg, int ok, const char *file, const rl_catalog *cat,
                       rl_plan **out, rl_err *err)
{
    rl_plan *p;
    if (!ok)
        return rl_err_set(err, RL_EINPUT, file, config_error_line(cfg), "%s",
                          config_error_text(cfg) ? config_error_text(cfg) : "syntax error");
    if (!(p = calloc(1, sizeof *p))) return rl_err_set(err, RL_EIO, NULL, 0, "out of memory");
    snprintf(p->path, sizeof p->path, "%s", file);
    p->years = 3;
    int rc = load_root(cfg, file, cat, p, err);
    if (rc == RL_OK && !p->name[0]) {          /* base name without .cfg */
        const char *b = strrchr(file, '/');
        snprintf(p->name, sizeof p->name, "%s", b ? b + 1 : file);
        char *dot = strrchr(p->name, '.');
        if (dot && strcmp(dot, ".cfg") == 0) *dot = '\0';
    }
    if (rc != RL_OK) {
        free(p);
        return rc;
    }
    *out = p;
    return RL_OK;
}

int rl_plan_load(const char *path, const rl_catalog *cat, rl_plan **out, rl_err *err)
{
    config_t cfg;
    *out = NULL;
    if (!path || !cat) return rl_err_set(err, RL_EINPUT, NULL, 0, "no plan file or catalog");
    config_init(&cfg);
    int rc = rl_cfg_read_file(&cfg, path, err);       /* safe open, file:line syntax */
    if (rc == RL_OK) rc = load_common(&cfg, CONFIG_TRUE, path, cat, out, err);
    config_destroy(&cfg);
    return rc;
}

int rl_plan_load_string(const char *text, const char *name, const rl_catalog *cat,
                        rl_plan **out, rl_err *err)
{
    config_t cfg;
    *out = NULL;
    if (!text || !cat) return rl_err_set(err, RL_EINPUT, name, 0, "no plan text or catalog");
    config_init(&cfg);
    name = name ? name : "<string>";
    int rc = rl_cfg_read_string(&cfg, text, name, err);     /* @include vetted */
    if (rc == RL_OK) rc = load_common(&cfg, CONFIG_TRUE, name, cat, out, err);
    config_destroy(&cfg);
    return rc;
}

void rl_plan_free(rl_plan *p) { free(p); }
