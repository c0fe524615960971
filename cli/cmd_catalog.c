/*
 * cmd_catalog.c -- `ridgeline catalog models|hardware|runtimes|quant [--json]`.
 */
#include "cli.h"

#include <math.h>
#include <string.h>

static cJSON *model_json(const rl_arch *a)
{
    rl_params p;
    cJSON *o = cJSON_CreateObject();

    rl_arch_params(a, &p);
    cJSON_AddStringToObject(o, "id", a->id);
    cJSON_AddStringToObject(o, "name", a->name);
    cJSON_AddStringToObject(o, "kind", a->kind == RL_ENCODER ? "encoder" : "decoder");
    cJSON_AddNumberToObject(o, "params_b", round(p.total / 1e7) / 100);
    cJSON_AddNumberToObject(o, "active_params_b", round(p.active / 1e7) / 100);
    cJSON_AddNumberToObject(o, "layers", a->layers);
    cJSON_AddNumberToObject(o, "kv_bytes_per_token_fp16", rl_arch_kv_elems_per_token(a) * 2);
    cJSON_AddNumberToObject(o, "max_context", (double)a->max_context);
    cJSON_AddStringToObject(o, "source", a->source);
    return o;
}

static cJSON *hw_json(const rl_hw *h)
{
    const rl_mem_tier *t = rl_hw_main_tier(h);
    cJSON *o = cJSON_CreateObject();

    cJSON_AddStringToObject(o, "id", h->id);
    cJSON_AddStringToObject(o, "name", h->name);
    cJSON_AddStringToObject(o, "class", h->klass);
    cJSON_AddNumberToObject(o, "memory_gib", t->capacity_gib);
    cJSON_AddNumberToObject(o, "bandwidth_gbps", t->bandwidth_gbps);
    cJSON_AddNumberToObject(o, "fp16_tflops", rl_hw_peak(h, RL_C_FP16));
    cJSON_AddNumberToObject(o, "int8_tops", rl_hw_peak(h, RL_C_INT8));
    cJSON_AddNumberToObject(o, "tdp_w", h->tdp_w);
    cJSON_AddNumberToObject(o, "price_usd", h->price_usd);
    cJSON_AddStringToObject(o, "source", h->source);
    return o;
}

static cJSON *rt_json(const rl_runtime *r)
{
    cJSON *o = cJSON_CreateObject(), *q = cJSON_AddArrayToObject(o, "quants");

    cJSON_AddStringToObject(o, "id", r->id);
    cJSON_AddStringToObject(o, "name", r->name);
    for (int i = 0; i < r->n_quants; i++) cJSON_AddItemToArray(q, cJSON_CreateString(r->quants[i]));
    cJSON_AddBoolToObject(o, "paged_kv", r->paged_kv);
    cJSON_AddBoolToObject(o, "tensor_parallel", r->tensor_parallel);
    cJSON_AddBoolToObject(o, "layer_split", r->layer_split);
    cJSON_AddBoolToObject(o, "offload", r->offload);
    cJSON_AddStringToObject(o, "source", r->source);
    return o;
}

static cJSON *quant_json(const rl_quant *q)
{
    cJSON *o = cJSON_CreateObject();

    cJSON_AddStringToObject(o, "id", q->id);
    cJSON_AddStringToObject(o, "name", q->name);
    cJSON_AddNumberToObject(o, "bits_per_weight", q->bits_per_weight);
    cJSON_AddNumberToObject(o, "embed_bits", q->embed_bits);
    cJSON_AddNumberToObject(o, "lm_head_bits", q->lm_head_bits);
    cJSON_AddStringToObject(o, "compute", rl_compute_kind_name(q->compute));
    cJSON_AddStringToObject(o, "source", q->source);
    return o;
}

cJSON *rl_catalog_json(const rl_catalog *cat, int kind)
{
    cJSON *arr = cJSON_CreateArray();

    for (int i = 0; arr && i < rl_catalog_count(cat, kind); i++) {
        cJSON *o = kind == RL_CAT_MODEL ? model_json(rl_catalog_model_at(cat, i))
                 : kind == RL_CAT_HW ? hw_json(rl_catalog_hw_at(cat, i))
                 : kind == RL_CAT_RUNTIME ? rt_json(rl_catalog_runtime_at(cat, i))
                 : quant_json(rl_catalog_quant_at(cat, i));
        cJSON_AddItemToArray(arr, o);
    }
    return arr;
}

static void print_row(int kind, const void *e)
{
    if (kind == RL_CAT_MODEL) {
        const rl_arch *a = e;
        rl_params p;
        rl_arch_params(a, &p);
        printf("%-18s %8.2fB %8.2fB active  %s\n", a->id, p.total / 1e9, p.active / 1e9, a->name);
    } else if (kind == RL_CAT_HW) {
        const rl_hw *h = e;
        const rl_mem_tier *t = rl_hw_main_tier(h);
        printf("%-22s %-5s %7.1f GiB %7.0f GB/s %8.1f TFLOP/s  %s\n", h->id, h->klass,
               t->capacity_gib, t->bandwidth_gbps, rl_hw_peak(h, RL_C_FP16), h->name);
    } else if (kind == RL_CAT_RUNTIME) {
        const rl_runtime *r = e;
        printf("%-14s %2d quants%s%s%s  %s\n", r->id, r->n_quants, r->tensor_parallel ? ", TP" : "",
               r->layer_split ? ", layer split" : "", r->offload ? ", offload" : "", r->name);
    } else {
        const rl_quant *q = e;
        printf("%-10s %6.3f bits/weight  compute %-5s %s\n", q->id, q->bits_per_weight,
               rl_compute_kind_name(q->compute), q->name);
    }
}

int rl_cmd_catalog(int argc, char **argv)
{
    static const struct { const char *name; int kind; } kinds[] = {
        { "models", RL_CAT_MODEL }, { "hardware", RL_CAT_HW },
        { "runtimes", RL_CAT_RUNTIME }, { "quant", RL_CAT_QUANT },
    };
    const char *what = NULL, *dir = NULL;
    int json = 0, kind = -1, rc = RL_OK;
    rl_err err;
    rl_catalog *cat;

    rl_err_clear(&err);
    for (int i = 1; i < argc; i++) {
        const char *v;
        int r;
        if (strcmp(argv[i], "--help") == 0) {
            printf("usage: ridgeline catalog models|hardware|runtimes|quant [--json] [--catalog DIR]\n");
            return RL_OK;
        }
        if (strcmp(argv[i], "--json") == 0) { json = 1; continue; }
        if ((r = rl_arg_value(argc, argv, &i, "--catalog", &v, &err)) < 0) return rl_fail(&err);
        if (r) { dir = v; continue; }
        if (argv[i][0] == '-' || what) {
            rl_err_set(&err, RL_EINPUT, NULL, 0, "unexpected argument '%s' "
                       "(ridgeline catalog --help)", argv[i]);
            return rl_fail(&err);
        }
        what = argv[i];
    }
    for (size_t k = 0; what && k < sizeof kinds / sizeof *kinds; k++)
        if (strcmp(what, kinds[k].name) == 0) kind = kinds[k].kind;
    if (kind < 0) {
        rl_err_set(&err, RL_EINPUT, NULL, 0,
                   "catalog needs one of models, hardware, runtimes, quant%s%s%s",
                   what ? " (got '" : "", what ? what : "", what ? "')" : "");
        return rl_fail(&err);
    }
    if (!(cat = rl_catalog_open(dir, &err))) return rl_fail(&err);
    if (json) {
        cJSON *arr = rl_catalog_json(cat, kind);
        rc = arr ? rl_json_print(stdout, arr, 1) : RL_EIO;
        cJSON_Delete(arr);
    } else {
        for (int i = 0; i < rl_catalog_count(cat, kind); i++)
            print_row(kind, kind == RL_CAT_MODEL ? (const void *)rl_catalog_model_at(cat, i)
                          : kind == RL_CAT_HW ? (const void *)rl_catalog_hw_at(cat, i)
                          : kind == RL_CAT_RUNTIME ? (const void *)rl_catalog_runtime_at(cat, i)
                          : (const void *)rl_catalog_quant_at(cat, i));
    }
    rl_catalog_free(cat);
    return rc;
}
