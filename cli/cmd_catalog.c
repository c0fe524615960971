/*
 * cmd_catalog.c -- `ridgeline catalog models|hardware|runtimes|quant
 * [--format text|json|jsonl|csv|md]`: tables with a header row, or JSON.
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
    cJSON_AddStringToObject(o, "hf_repo", a->hf_repo);
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
    cJSON_AddBoolToObject(o, "expert_parallel", r->expert_parallel);
    cJSON_AddBoolToObject(o, "dp_attention", r->dp_attention);
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

/* The text/csv/md columns of each kind: paths into its JSON object. */
static const rl_column model_cols[] = {
    {"id", "id"}, {"kind", "kind"}, {"params_b", "params_b"},
    {"active_b", "active_params_b"}, {"layers", "layers"},
    {"max_context", "max_context"}, {"hf_repo", "hf_repo"}, {"name", "name"},
};
static const rl_column hw_cols[] = {
    {"id", "id"}, {"class", "class"}, {"memory_gib", "memory_gib"},
    {"bandwidth_gbps", "bandwidth_gbps"}, {"fp16_tflops", "fp16_tflops"},
    {"int8_tops", "int8_tops"}, {"tdp_w", "tdp_w"}, {"name", "name"},
};
static const rl_column rt_cols[] = {
    {"id", "id"}, {"tensor_parallel", "tensor_parallel"}, {"layer_split", "layer_split"},
    {"offload", "offload"}, {"paged_kv", "paged_kv"}, {"name", "name"}, {"quants", "quants"},
};
static const rl_column quant_cols[] = {
    {"id", "id"}, {"bits_per_weight", "bits_per_weight"}, {"compute", "compute"},
    {"name", "name"},
};

/* Print the array of entry objects as a table in fmt. */
static int print_table(const cJSON *arr, int kind, int fmt)
{
    const rl_column *cols = kind == RL_CAT_MODEL ? model_cols : kind == RL_CAT_HW ? hw_cols
                          : kind == RL_CAT_RUNTIME ? rt_cols : quant_cols;
    int n = kind == RL_CAT_MODEL ? (int)(sizeof model_cols / sizeof *model_cols)
          : kind == RL_CAT_HW ? (int)(sizeof hw_cols / sizeof *hw_cols)
          : kind == RL_CAT_RUNTIME ? (int)(sizeof rt_cols / sizeof *rt_cols)
          : (int)(sizeof quant_cols / sizeof *quant_cols);
    const char *head[RL_TABLE_MAX_COLS];
    const cJSON *o;
    rl_table t;
    int rc = RL_OK;

    for (int i = 0; i < n; i++) head[i] = cols[i].name;
    rl_table_init(&t, head, n);
    cJSON_ArrayForEach(o, arr)
        if (rc == RL_OK) rc = rl_table_add_json(&t, cols, o, o);
    if (rc == RL_OK) rl_table_print(stdout, &t, fmt, 1);
    rl_table_free(&t);
    return rc;
}

int rl_cmd_catalog(int argc, char **argv)
{
    static const struct { const char *name; int kind; } kinds[] = {
        { "models", RL_CAT_MODEL }, { "hardware", RL_CAT_HW },
        { "runtimes", RL_CAT_RUNTIME }, { "quant", RL_CAT_QUANT },
    };
    const char *what = NULL, *dir = NULL;
    int fmt = RL_FMT_TEXT, kind = -1, rc = RL_OK;
    rl_err err;
    rl_catalog *cat;
    cJSON *arr;

    rl_err_clear(&err);
    for (int i = 1; i < argc; i++) {
        const char *v;
        int r;
        if (strcmp(argv[i], "--help") == 0) {
            printf("usage: ridgeline catalog models|hardware|runtimes|quant [--json]\n"
                   "                         [--format text|json|jsonl|csv|md] [--catalog DIR]\n"
                   "text, csv and md print a table with a header row; json an array of\n"
                   "objects (every field), jsonl one object per line.\n");
            return RL_OK;
        }
        if (strcmp(argv[i], "--json") == 0) { fmt = RL_FMT_JSON; continue; }
        if ((r = rl_arg_value(argc, argv, &i, "--catalog", &v, &err)) < 0) return rl_fail(&err);
        if (r) { dir = v; continue; }
        if ((r = rl_arg_value(argc, argv, &i, "--format", &v, &err)) < 0 ||
            (r && rl_parse_format(v, &fmt, &err)))
            return rl_fail(&err);
        if (r) continue;
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
    arr = rl_catalog_json(cat, kind);
    if (!arr) rc = RL_EIO;
    else if (fmt == RL_FMT_JSON) rc = rl_json_print(stdout, arr, 1);
    else if (fmt == RL_FMT_JSONL) {
        cJSON *o;
        cJSON_ArrayForEach(o, arr)
            if (rc == RL_OK) rc = rl_json_print(stdout, o, 0);
    } else rc = print_table(arr, kind, fmt);
    cJSON_Delete(arr);
    rl_catalog_free(cat);
    return rc;
}
