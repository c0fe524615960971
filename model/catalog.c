/*
 * catalog.c -- load the built-in catalog (models, hardware, runtimes,
 * quant formats, KV dtypes) from libconfig files and look entries up.
 *
 * The catalog folder holds models.cfg, hardware.cfg, runtimes.cfg,
 * quant.cfg and, optionally, calibration.cfg: the backend parameters
 * fitted by `ridgeline calibrate`, which replace the priors in
 * runtimes.cfg runtime by runtime.  See catalog.h for the contracts.
 */
#include "catalog.h"
#include "cfg.h"
#include "import.h"
#include "names.h"
#include "paths.h"

#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


/* An extra name of an entry (the `aliases` list of its .cfg group). */
typedef struct alias {
    int kind, idx;              /* enum rl_cat_kind, entry index */
    char name[48];
} alias;

#define RL_MAX_CAT_NOTES 16

/* Notes about names resolved by choice (ambiguous short names, prefixes):
 * kept (deduplicated) for the caller and printed when a stream is set.
 * Separate allocation so that const lookups can record them. */
typedef struct notes {
    pthread_mutex_t lock;       /* batch resolves names from several threads */
    FILE *out;
    int n;
    char text[RL_MAX_CAT_NOTES][200];
} notes;

struct rl_catalog {
    char dir[PATH_MAX];
    int n_models, n_hw, n_rt, n_quant, n_kv;
    rl_arch *models;
    rl_hw *hw;
    rl_runtime *rt;
    rl_quant *quant;
    rl_kvtype *kv;
    int n_alias;
    alias *aliases;
    notes *notes;
};

/* ---------------------------------------------------------------- models */

int rl_arch_from_setting(const config_setting_t *s, const char *file,
                         rl_arch *out, rl_err *err)
{
    rl_arch a;
    char kind[16] = "decoder";
    long v;
    int rc;
    /* integer fields: key, destination */
    struct { const char *key; int *dst; } ints[] = {
        { "layers", &a.layers }, { "hidden", &a.hidden }, { "heads", &a.heads },
        { "kv_heads", &a.kv_heads }, { "head_dim", &a.head_dim },
        { "intermediate", &a.intermediate }, { "ffn_mats", &a.ffn_mats },
        { "experts", &a.experts }, { "experts_active", &a.experts_active },
        { "shared_experts", &a.shared_experts },
        { "moe_intermediate", &a.moe_intermediate },
        { "shared_intermediate", &a.shared_intermediate },
        { "moe_layers", &a.moe_layers }, { "moe_latent", &a.moe_latent },
        { "q_lora_rank", &a.q_lora_rank },
        { "kv_lora_rank", &a.kv_lora_rank }, { "qk_rope_dim", &a.qk_rope_dim },
        { "qk_nope_dim", &a.qk_nope_dim }, { "v_head_dim", &a.v_head_dim },
        { "swa_layers", &a.swa_layers }, { "input_tokens", &a.input_tokens },
        { "linear_layers", &a.linear_layers }, { "mixerless_layers", &a.mixerless_layers },
        { "ffnless_layers", &a.ffnless_layers }, { "index_heads", &a.index_heads },
        { "index_head_dim", &a.index_head_dim }, { "global_layers", &a.global_layers },
        { "global_head_dim", &a.global_head_dim }, { "global_kv_heads", &a.global_kv_heads },
    };
    /* long fields (hybrid state and mixer sizes, DSA top-k) */
    struct { const char *key; long *dst; } longs[] = {
        { "linear_state", &a.linear_state }, { "linear_params", &a.linear_params },
        { "linear_vec_params", &a.linear_vec_params }, { "index_topk", &a.index_topk },
    };

    memset(&a, 0, sizeof a);
    if (!config_setting_is_group(s))
        return rl_err_set(err, RL_EINPUT, rl_cfg_file(s, file), rl_cfg_line(s),
                          "a model spec must be a group { id = ...; ... }");
    if ((rc = rl_cfg_str_req(s, "id", a.id, sizeof a.id, file, err)) ||
        (rc = rl_cfg_str(s, "name", a.name, sizeof a.name, file, err)) ||
        (rc = rl_cfg_str(s, "family", a.family, sizeof a.family, file, err)) ||
        (rc = rl_cfg_str(s, "source", a.source, sizeof a.source, file, err)) ||
        (rc = rl_cfg_str(s, "hf_repo", a.hf_repo, sizeof a.hf_repo, file, err)) ||
        (rc = rl_cfg_str(s, "kind", kind, sizeof kind, file, err)))
        return rc;
    if (strcmp(kind, "decoder") == 0) a.kind = RL_DECODER;
    else if (strcmp(kind, "encoder") == 0) a.kind = RL_ENCODER;
    else
        return rl_err_set(err, RL_EINPUT, rl_cfg_file(s, file), rl_cfg_line(s),
                          "model '%s': kind must be \"decoder\" or \"encoder\", got '%s'",
                          a.id, kind);
    for (size_t i = 0; i < sizeof ints / sizeof *ints; i++)
        if ((rc = rl_cfg_int(s, ints[i].key, 0, 1 << 24, ints[i].dst, file, err)))
            return rc;
    for (size_t i = 0; i < sizeof longs / sizeof *longs; i++)
        if ((rc = rl_cfg_long(s, longs[i].key, 0, 1L << 40, longs[i].dst, file, err)))
            return rc;
    v = 0;
    if ((rc = rl_cfg_long(s, "vocab", 0, 100000000L, &v, file, err))) return rc;
    a.vocab = v;
    v = 0;
    if ((rc = rl_cfg_long(s, "max_context", 0, 1000000000L, &v, file, err))) return rc;
    a.max_context = v;
    v = 0;
    if ((rc = rl_cfg_long(s, "sliding_window", 0, 1000000000L, &v, file, err))) return rc;
    a.sliding_window = v;
    if ((rc = rl_cfg_bool(s, "tied_embeddings", &a.tied_embeddings, file, err)) ||
        (rc = rl_cfg_bool(s, "attn_bias", &a.attn_bias, file, err)) ||
        (rc = rl_cfg_bool(s, "attn_gate", &a.attn_gate, file, err)) ||
        (rc = rl_cfg_bool(s, "global_k_eq_v", &a.global_k_eq_v, file, err)) ||
        (rc = rl_cfg_num(s, "params_b", 0, 1e5, &a.params_b, file, err)) ||
        (rc = rl_cfg_num(s, "active_params_b", 0, 1e5, &a.active_params_b, file, err)) ||
        (rc = rl_cfg_num(s, "gflops_per_input", 0, 1e9, &a.gflops_per_input, file, err)))
        return rc;
    if (!a.name[0]) snprintf(a.name, sizeof a.name, "%s", a.id);
    {
        const char *field = NULL;
        if ((rc = rl_arch_finish_at(&a, rl_cfg_file(s, file), err, &field)) != RL_OK) {
            const config_setting_t *k = field ? config_setting_get_member(s, field) : NULL;
            if (err && err->line == 0) err->line = rl_cfg_line(k ? k : s);
            return rc;
        }
    }
    *out = a;
    return RL_OK;
}

int rl_arch_load_file(const char *path, rl_arch *out, rl_err *err)
{
    config_t cfg;
    int rc;

    config_init(&cfg);
    rc = rl_cfg_read_file(&cfg, path, err);
    if (rc == RL_OK)
        rc = rl_arch_from_setting(config_root_setting(&cfg), path, out, err);
    config_destroy(&cfg);
    return rc;
}

/* ------------------------------------------------------- quant / kv types */

static int quant_from_setting(const config_setting_t *s, const char *file,
                              rl_quant *q, rl_err *err)
{
    char compute[16] = "fp16", cpu_compute[16] = "";
    int rc;

    memset(q, 0, sizeof *q);
    q->bits_per_weight = -1;
    q->norm_bits = 16;
    q->quality_loss = -1;       /* optional: not documented */
    if ((rc = rl_cfg_str_req(s, "id", q->id, sizeof q->id, file, err)) ||
        (rc = rl_cfg_str(s, "name", q->name, sizeof q->name, file, err)) ||
        (rc = rl_cfg_str(s, "source", q->source, sizeof q->source, file, err)) ||
        (rc = rl_cfg_str(s, "family", q->family, sizeof q->family, file, err)) ||
        (rc = rl_cfg_str(s, "compute", compute, sizeof compute, file, err)) ||
        (rc = rl_cfg_str(s, "cpu_compute", cpu_compute, sizeof cpu_compute, file, err)) ||
        (rc = rl_cfg_num(s, "bits_per_weight", 1, 64, &q->bits_per_weight, file, err)) ||
        (rc = rl_cfg_num(s, "norm_bits", 1, 64, &q->norm_bits, file, err)) ||
        (rc = rl_cfg_bool(s, "weight_only", &q->weight_only, file, err)) ||
        (rc = rl_cfg_num(s, "dequant_ops", 0, 100, &q->dequant_ops, file, err)) ||
        (rc = rl_cfg_num(s, "quality_loss", 0, 100, &q->quality_loss, file, err)) ||
        (rc = rl_cfg_str(s, "quality_source", q->quality_source, sizeof q->quality_source,
                         file, err)))
        return rc;
    if (q->bits_per_weight < 0)
        return rl_err_set(err, RL_EINPUT, rl_cfg_file(s, file), rl_cfg_line(s),
                          "quant '%s': missing required key 'bits_per_weight'", q->id);
    q->embed_bits = q->lm_head_bits = q->bits_per_weight;
    q->attn_bits = q->dense_bits = q->bits_per_weight;
    if ((rc = rl_cfg_num(s, "embed_bits", 1, 64, &q->embed_bits, file, err)) ||
        (rc = rl_cfg_num(s, "lm_head_bits", 1, 64, &q->lm_head_bits, file, err)) ||
        (rc = rl_cfg_num(s, "attn_bits", 1, 64, &q->attn_bits, file, err)) ||
        (rc = rl_cfg_num(s, "dense_bits", 1, 64, &q->dense_bits, file, err)))
        return rc;
    q->compute = rl_compute_kind_from_name(compute);
    if (q->compute < 0)
        return rl_err_set(err, RL_EINPUT, rl_cfg_file(s, file), rl_cfg_line(s),
                          "quant '%s': compute must be fp32, fp16, bf16, fp8, int8, int4 or fp4",
                          q->id);
    q->cpu_compute = cpu_compute[0] ? rl_compute_kind_from_name(cpu_compute) + 1 : 0;
    if (cpu_compute[0] && q->cpu_compute < 1)
        return rl_err_set(err, RL_EINPUT, rl_cfg_file(s, file), rl_cfg_line(s),
                          "quant '%s': cpu_compute must be fp32, fp16, bf16, fp8, int8 or int4",
                          q->id);
    if (!q->name[0]) snprintf(q->name, sizeof q->name, "%s", q->id);
    return RL_OK;
}

static int kv_from_setting(const config_setting_t *s, const char *file,
                           rl_kvtype *k, rl_err *err)
{
    int rc;

    memset(k, 0, sizeof *k);
    k->bytes_per_elem = -1;
    if ((rc = rl_cfg_str_req(s, "id", k->id, sizeof k->id, file, err)) ||
        (rc = rl_cfg_str(s, "source", k->source, sizeof k->source, file, err)) ||
        (rc = rl_cfg_num(s, "bytes_per_elem", 0.05, 8, &k->bytes_per_elem, file, err)))
        return rc;
    if (k->bytes_per_elem < 0)
        return rl_err_set(err, RL_EINPUT, rl_cfg_file(s, file), rl_cfg_line(s),
                          "kv dtype '%s': missing required key 'bytes_per_elem'", k->id);
    return RL_OK;
}

/* -------------------------------------------------------------- runtimes */

/* Read a string array into fixed slots. */
static int str_array(const config_setting_t *s, const char *key, char *slots,
                     size_t width, int max, int *n, const char *file, rl_err *err)
{
    const config_setting_t *a = config_setting_get_member(s, key);

    *n = 0;
    if (!a) return RL_OK;
    if (!config_setting_is_array(a) && !config_setting_is_list(a))
        return rl_err_set(err, RL_EINPUT, rl_cfg_file(a, file), rl_cfg_line(a),
                          "%s must be an array of strings", key);
    if (config_setting_length(a) > max)
        return rl_err_set(err, RL_EINPUT, rl_cfg_file(a, file), rl_cfg_line(a),
                          "%s lists more than %d entries", key, max);
    for (int i = 0; i < config_setting_length(a); i++) {
        const char *v = config_setting_get_string_elem(a, i);
        if (!v || strlen(v) >= width)
            return rl_err_set(err, RL_EINPUT, rl_cfg_file(a, file), rl_cfg_line(a),
                              "%s[%d] must be a short string", key, i);
        memcpy(slots + (size_t)i * width, v, strlen(v) + 1);
        (*n)++;
    }
    return RL_OK;
}

static int backend_from_setting(const config_setting_t *s, const char *file,
                                rl_backend *b, rl_err *err)
{
    struct { const char *key; double min, max; double *dst; } f[] = {
        { "bw_eff", 0.01, 1.0, &b->bw_eff }, { "layer_us", 0, 1e5, &b->layer_us },
        { "step_ms", 0, 1e4, &b->step_ms }, { "seq_us", 0, 1e4, &b->seq_us }, { "mfu", 0.001, 1.0, &b->mfu },
        { "attn_eff", 0.001, 10.0, &b->attn_eff }, { "prefill_ms", 0, 1e5, &b->prefill_ms },
        { "cold_ms", 0, 1e5, &b->cold_ms }, { "frontend_ms", 0, 1e4, &b->frontend_ms },
        { "link_eff", 0.01, 1.0, &b->link_eff }, { "ar_us", 0, 1e4, &b->ar_us },
        { "gemm_k0", 0, 1e5, &b->gemm_k0 },
        { "kv_eff", 0.05, 2.0, &b->kv_eff }, { "pre_bw_eff", 0.01, 1.0, &b->pre_bw_eff },
        { "tflops_per_w", 0, 100, &b->tflops_per_w }, { "dequant_flops", 0, 1000, &b->dequant_flops }, { "dequant_eff", 0.05, 2.0, &b->dequant_eff },
        { "sigma_decode", 0, 3, &b->sigma_decode },
        { "sigma_prefill", 0, 3, &b->sigma_prefill },
        { "sigma_ttft", 0, 3, &b->sigma_ttft },
        { "q10_decode", -3, 3, &b->q10_decode }, { "q90_decode", -3, 3, &b->q90_decode },
        { "q10_prefill", -3, 3, &b->q10_prefill }, { "q90_prefill", -3, 3, &b->q90_prefill },
        { "q10_ttft", -3, 3, &b->q10_ttft }, { "q90_ttft", -3, 3, &b->q90_ttft },
    };
    int rc;

    memset(b, 0, sizeof *b);
    b->bw_eff = 0.7; b->mfu = 0.4; b->attn_eff = 0.5; b->kv_eff = 1.0; b->dequant_eff = 1.0;
    b->dequant_flops = 1.5;
    b->pre_bw_eff = 0.7;
    b->link_eff = 0.5;
    b->ar_us = 2.0;
    b->gemm_k0 = 512.0;
    b->tflops_per_w = 1.0;
    b->seq_us = 2.0;
    b->sigma_decode = b->sigma_prefill = b->sigma_ttft = 0.2;
    if (!config_setting_is_group(s))
        return rl_err_set(err, RL_EINPUT, rl_cfg_file(s, file), rl_cfg_line(s),
                          "a backend must be a group { match = ...; ... }");
    if ((rc = rl_cfg_str_req(s, "match", b->match, sizeof b->match, file, err)))
        return rc;
    for (size_t i = 0; i < sizeof f / sizeof *f; i++)
        if ((rc = rl_cfg_num(s, f[i].key, f[i].min, f[i].max, f[i].dst, file, err)))
            return rc;
    if (b->q10_decode > b->q90_decode || b->q10_prefill > b->q90_prefill ||
        b->q10_ttft > b->q90_ttft)
        return rl_err_set(err, RL_EINPUT, rl_cfg_file(s, file), rl_cfg_line(s),
                          "backend '%s': a q10_* above its q90_*", b->match);
    return rl_cfg_int(s, "fitted_points", 0, 1 << 30, &b->fitted_points, file, err);
}

static int backends_from_setting(const config_setting_t *s, const char *file,
                                 rl_runtime *r, rl_err *err)
{
    const config_setting_t *bl = config_setting_get_member(s, "backends");
    int n, rc;

    if (!bl || !config_setting_is_list(bl))
        return rl_err_set(err, RL_EINPUT, rl_cfg_file(bl ? bl : s, file),
                          rl_cfg_line(bl ? bl : s),
                          "runtime '%s': backends must be a list ( { match = ...; }, ... )",
                          r->id);
    n = config_setting_length(bl);
    if (n < 1 || n > RL_MAX_BACKENDS)
        return rl_err_set(err, RL_EINPUT, rl_cfg_file(bl, file), rl_cfg_line(bl),
                          "runtime '%s': 1 to %d backends expected", r->id, RL_MAX_BACKENDS);
    for (int i = 0; i < n; i++)
        if ((rc = backend_from_setting(config_setting_get_elem(bl, (unsigned)i), file,
                                       &r->backends[i], err)))
            return rc;
    r->n_backends = n;
    return RL_OK;
}

static int runtime_from_setting(const config_setting_t *s, const char *file,
                                rl_runtime *r, rl_err *err)
{
    int rc;

    memset(r, 0, sizeof *r);
    r->ctx_overhead_gib = 0.5;
    r->act_tokens = 512;
    r->sampler_bytes = 4;       /* fp32 logits */
    r->a2a_bytes = 2;           /* bf16 activations (runtimes.cfg) */
    r->a2a_latency_steps = 2;
    if (!config_setting_is_group(s))
        return rl_err_set(err, RL_EINPUT, rl_cfg_file(s, file), rl_cfg_line(s),
                          "a runtime must be a group { id = ...; ... }");
    if ((rc = rl_cfg_str_req(s, "id", r->id, sizeof r->id, file, err)) ||
        (rc = rl_cfg_str(s, "name", r->name, sizeof r->name, file, err)) ||
        (rc = rl_cfg_str(s, "source", r->source, sizeof r->source, file, err)) ||
        (rc = str_array(s, "quants", &r->quants[0][0], sizeof r->quants[0],
                        RL_MAX_RT_QUANTS, &r->n_quants, file, err)) ||
        (rc = str_array(s, "kv_dtypes", &r->kv_dtypes[0][0], sizeof r->kv_dtypes[0],
                        8, &r->n_kv, file, err)) ||
        (rc = rl_cfg_bool(s, "paged_kv", &r->paged_kv, file, err)) ||
        (rc = rl_cfg_bool(s, "continuous_batching", &r->continuous_batching, file, err)) ||
        (rc = rl_cfg_bool(s, "tensor_parallel", &r->tensor_parallel, file, err)) ||
        (rc = rl_cfg_bool(s, "layer_split", &r->layer_split, file, err)) ||
        (rc = rl_cfg_bool(s, "offload", &r->offload, file, err)) ||
        (rc = rl_cfg_bool(s, "deterministic_ok", &r->deterministic_ok, file, err)) ||
        (rc = rl_cfg_bool(s, "embed_on_host", &r->embed_on_host, file, err)) ||
        (rc = rl_cfg_bool(s, "flash_attention", &r->flash_attention, file, err)) ||
        (rc = rl_cfg_num(s, "ctx_overhead_gib", 0, 64, &r->ctx_overhead_gib, file, err)) ||
        (rc = rl_cfg_num(s, "kv_reserve_frac", 0, 1, &r->kv_reserve_frac, file, err)) ||
        (rc = rl_cfg_num(s, "kv_frag", 0, 1, &r->kv_frag, file, err)) ||
        (rc = rl_cfg_num(s, "act_tokens", 1, 1e7, &r->act_tokens, file, err)) ||
        (rc = rl_cfg_num(s, "batch_tokens", 1, 1e7, &r->batch_tokens, file, err)) ||
        (rc = rl_cfg_bool(s, "kv_reserve_of_free", &r->kv_reserve_of_free, file, err)) ||
        (rc = rl_cfg_bool(s, "kv_reserve_static", &r->kv_reserve_static, file, err)) ||
        (rc = rl_cfg_num(s, "kv_block_tokens", 0, 65536, &r->kv_block_tokens, file, err)) ||
        (rc = rl_cfg_num(s, "cuda_graph_gib", 0, 64, &r->cuda_graph_gib, file, err)) ||
        (rc = rl_cfg_bool(s, "graphs_in_pool", &r->graphs_in_pool, file, err)) ||
        (rc = rl_cfg_num(s, "comm_buffer_gib", 0, 64, &r->comm_buffer_gib, file, err)) ||
        (rc = rl_cfg_bool(s, "custom_allreduce", &r->custom_allreduce, file, err)) ||
        (rc = rl_cfg_bool(s, "expert_parallel", &r->expert_parallel, file, err)) ||
        (rc = rl_cfg_bool(s, "ep_whole_group", &r->ep_whole_group, file, err)) ||
        (rc = rl_cfg_bool(s, "dp_attention", &r->dp_attention, file, err)) ||
        (rc = rl_cfg_num(s, "a2a_bytes", 0.5, 8, &r->a2a_bytes, file, err)) ||
        (rc = rl_cfg_num(s, "a2a_latency_steps", 0, 64, &r->a2a_latency_steps, file, err)) ||
        (rc = rl_cfg_num(s, "max_num_seqs", 0, 1e6, &r->max_num_seqs, file, err)) ||
        (rc = rl_cfg_num(s, "sampler_bytes", 0, 1024, &r->sampler_bytes, file, err)) ||
        (rc = backends_from_setting(s, file, r, err)))
        return rc;
    if (!r->name[0]) snprintf(r->name, sizeof r->name, "%s", r->id);
    if (r->batch_tokens < r->act_tokens) r->batch_tokens = r->act_tokens;
    return RL_OK;
}

/* ----------------------------------------------------------------- loading */

typedef int (*parse_fn)(const config_setting_t *, const char *, void *, rl_err *);

static int parse_hw(const config_setting_t *s, const char *f, void *o, rl_err *e)
{ return rl_hw_from_setting(s, f, o, e); }
static int parse_model(const config_setting_t *s, const char *f, void *o, rl_err *e)
{ return rl_arch_from_setting(s, f, o, e); }
static int parse_rt(const config_setting_t *s, const char *f, void *o, rl_err *e)
{ return runtime_from_setting(s, f, o, e); }
static int parse_quant(const config_setting_t *s, const char *f, void *o, rl_err *e)
{ return quant_from_setting(s, f, o, e); }
static int parse_kv(const config_setting_t *s, const char *f, void *o, rl_err *e)
{ return kv_from_setting(s, f, o, e); }

/* Record entry idx's `aliases = [ "...", ... ]` (optional). */
static int read_aliases(rl_catalog *c, const config_setting_t *e, int kind, int idx,
                        const char *path, rl_err *err)
{
    const config_setting_t *a = config_setting_get_member(e, "aliases");
    int n;
    alias *grown;

    if (!a) return RL_OK;
    if (!config_setting_is_array(a) && !config_setting_is_list(a))
        return rl_err_set(err, RL_EINPUT, path, rl_cfg_line(a),
                          "aliases must be an array of strings");
    n = config_setting_length(a);
    grown = realloc(c->aliases, (size_t)(c->n_alias + n + 1) * sizeof *grown);
    if (!grown) return rl_err_set(err, RL_EIO, path, 0, "out of memory");
    c->aliases = grown;
    for (int i = 0; i < n; i++) {
        const char *v = config_setting_get_string_elem(a, i);
        alias *al = &c->aliases[c->n_alias];
        if (!v || !*v || strlen(v) >= sizeof al->name)
            return rl_err_set(err, RL_EINPUT, path, rl_cfg_line(a),
                              "aliases[%d] must be a non-empty string under %zu characters",
                              i, sizeof al->name);
        al->kind = kind;
        al->idx = idx;
        memcpy(al->name, v, strlen(v) + 1);
        c->n_alias++;
    }
    return RL_OK;
}

static int name_clashes(const rl_catalog *c, int kind, const char *path, rl_err *err);
static const char *id_at(const rl_catalog *c, int kind, int i);

/* Parse list `key` of cfg into a fresh array of `size`-byte entries whose
 * first member is the id (char[]); duplicate ids are errors, and so are
 * two names (ids, aliases) of different entries that read the same once
 * case and separators are ignored (names.h). */
static int load_list(rl_catalog *c, int kind, config_t *cfg, const char *path,
                     const char *key, size_t size, parse_fn parse, void **arr,
                     int *n, rl_err *err)
{
    const config_setting_t *l = config_lookup(cfg, key);
    int len, rc;
    char *a;

    if (!l || !config_setting_is_list(l))
        return rl_err_set(err, RL_EINPUT, path, l ? rl_cfg_line(l) : 0,
                          "expected a list '%s = ( {...}, ... );'", key);
    len = config_setting_length(l);
    a = calloc(len > 0 ? (size_t)len : 1, size);
    if (!a) return rl_err_set(err, RL_EIO, path, 0, "out of memory");
    for (int i = 0; i < len; i++) {
        const config_setting_t *e = config_setting_get_elem(l, (unsigned)i);
        if ((rc = parse(e, path, a + (size_t)i * size, err)) ||
            (rc = read_aliases(c, e, kind, i, path, err))) { free(a); return rc; }
        for (int j = 0; j < i; j++)
            if (strcmp(a + (size_t)j * size, a + (size_t)i * size) == 0) {
                rc = rl_err_set(err, RL_EINPUT, path, rl_cfg_line(e),
                                "duplicate id '%s' in %s", a + (size_t)i * size, key);
                free(a);
                return rc;
            }
    }
    *arr = a;
    *n = len;
    return name_clashes(c, kind, path, err);
}

static int load_file(rl_catalog *c, const char *name,
                     int (*fn)(rl_catalog *, config_t *, const char *, rl_err *),
                     int optional, rl_err *err)
{
    char path[PATH_MAX + 32];
    config_t cfg;
    int rc;

    snprintf(path, sizeof path, "%s/%s", c->dir, name);
    if (optional && access(path, R_OK) != 0) return RL_OK;
    config_init(&cfg);
    rc = rl_cfg_read_file(&cfg, path, err);
    if (rc == RL_OK) rc = fn(c, &cfg, path, err);
    config_destroy(&cfg);
    return rc;
}

static int fill_models(rl_catalog *c, config_t *cfg, const char *p, rl_err *e)
{ return load_list(c, RL_CAT_MODEL, cfg, p, "models", sizeof(rl_arch), parse_model, (void **)&c->models, &c->n_models, e); }
static int fill_hw(rl_catalog *c, config_t *cfg, const char *p, rl_err *e)
{ return load_list(c, RL_CAT_HW, cfg, p, "hardware", sizeof(rl_hw), parse_hw, (void **)&c->hw, &c->n_hw, e); }
static int fill_rt(rl_catalog *c, config_t *cfg, const char *p, rl_err *e)
{ return load_list(c, RL_CAT_RUNTIME, cfg, p, "runtimes", sizeof(rl_runtime), parse_rt, (void **)&c->rt, &c->n_rt, e); }
/* Optional `key = ( { id = "..."; aliases = [ ... ]; }, ... );`: aliases of
 * entries listed elsewhere in the file (quant.cfg keeps them apart from its
 * format table). */
static int alias_list(rl_catalog *c, config_t *cfg, const char *p, const char *key,
                      int kind, rl_err *e)
{
    const config_setting_t *l = config_lookup(cfg, key);
    int rc;

    if (!l) return RL_OK;
    if (!config_setting_is_list(l))
        return rl_err_set(e, RL_EINPUT, p, rl_cfg_line(l),
                          "expected a list '%s = ( { id = ...; aliases = [...]; }, ... );'", key);
    for (int i = 0; i < config_setting_length(l); i++) {
        const config_setting_t *s = config_setting_get_elem(l, (unsigned)i);
        char id[64] = "";
        int idx = -1;
        if ((rc = rl_cfg_str_req(s, "id", id, sizeof id, p, e))) return rc;
        for (int j = 0; j < rl_catalog_count(c, kind); j++)
            if (strcmp(id_at(c, kind, j), id) == 0) idx = j;
        if (idx < 0)
            return rl_err_set(e, RL_EINPUT, p, rl_cfg_line(s), "%s: unknown id '%s'", key, id);
        if ((rc = read_aliases(c, s, kind, idx, p, e))) return rc;
    }
    return name_clashes(c, kind, p, e);
}

static int fill_quant(rl_catalog *c, config_t *cfg, const char *p, rl_err *e)
{
    int rc = load_list(c, RL_CAT_QUANT, cfg, p, "quant", sizeof(rl_quant), parse_quant,
                       (void **)&c->quant, &c->n_quant, e);
    if (!rc) rc = load_list(c, RL_CAT_KV, cfg, p, "kv_dtypes", sizeof(rl_kvtype), parse_kv,
                            (void **)&c->kv, &c->n_kv, e);
    if (!rc) rc = alias_list(c, cfg, p, "quant_aliases", RL_CAT_QUANT, e);
    return rc ? rc : alias_list(c, cfg, p, "kv_aliases", RL_CAT_KV, e);
}

/* calibration.cfg: calibration = ( { runtime = "llama.cpp"; backends = (...); } ); */
static int fill_calibration(rl_catalog *c, config_t *cfg, const char *p, rl_err *e)
{
    const config_setting_t *l = config_lookup(cfg, "calibration");
    int rc;

    if (!l || !config_setting_is_list(l))
        return rl_err_set(e, RL_EINPUT, p, 0, "expected a list 'calibration = ( ... );'");
    for (int i = 0; i < config_setting_length(l); i++) {
        const config_setting_t *s = config_setting_get_elem(l, (unsigned)i);
        char id[24] = "";
        rl_runtime *r = NULL;
        if ((rc = rl_cfg_str_req(s, "runtime", id, sizeof id, p, e))) return rc;
        for (int j = 0; j < c->n_rt; j++)
            if (strcmp(c->rt[j].id, id) == 0) r = &c->rt[j];
        if (!r)
            return rl_err_set(e, RL_EINPUT, p, rl_cfg_line(s),
                              "calibration for unknown runtime '%s'", id);
        if ((rc = backends_from_setting(s, p, r, e))) return rc;
    }
    return RL_OK;
}

static rl_catalog *open_catalog(const char *dir, int with_calibration, rl_err *err)
{
    rl_catalog *c = calloc(1, sizeof *c);
    int rc;

    if (c) c->notes = calloc(1, sizeof *c->notes);
    if (!c || !c->notes) {
        if (c) free(c);
        rl_err_set(err, RL_EIO, NULL, 0, "out of memory");
        return NULL;
    }
    pthread_mutex_init(&c->notes->lock, NULL);
    if (dir) snprintf(c->dir, sizeof c->dir, "%s", dir);
    else rl_share_dir(RL_SHARE_CATALOG, c->dir, sizeof c->dir);
    if ((rc = load_file(c, "models.cfg", fill_models, 0, err)) ||
        (rc = load_file(c, "hardware.cfg", fill_hw, 0, err)) ||
        (rc = load_file(c, "quant.cfg", fill_quant, 0, err)) ||
        (rc = load_file(c, "runtimes.cfg", fill_rt, 0, err)) ||
        (with_calibration &&
         (rc = load_file(c, "calibration.cfg", fill_calibration, 1, err)))) {
        rl_catalog_free(c);
        return NULL;
    }
    return c;
}

rl_catalog *rl_catalog_open(const char *dir, rl_err *err)
{
    return open_catalog(dir, 1, err);
}

rl_catalog *rl_catalog_open_priors(const char *dir, rl_err *err)
{
    return open_catalog(dir, 0, err);
}

void rl_catalog_free(rl_catalog *c)
{
    if (!c) return;
    free(c->models);
    free(c->hw);
    free(c->rt);
    free(c->quant);
    free(c->kv);
    free(c->aliases);
    if (c->notes) pthread_mutex_destroy(&c->notes->lock);
    free(c->notes);
    free(c);
}

const char *rl_catalog_dir(const rl_catalog *c) { return c->dir; }

int rl_catalog_apply_calibration(rl_catalog *c, const char *path, rl_err *err)
{
    config_t cfg;
    int rc;

    config_init(&cfg);
    rc = rl_cfg_read_file(&cfg, path, err);
    if (rc == RL_OK) rc = fill_calibration(c, &cfg, path, err);
    config_destroy(&cfg);
    return rc;
}

rl_runtime *rl_catalog_runtime_mut(rl_catalog *c, const char *id)
{
    for (int i = 0; id && i < c->n_rt; i++)
        if (strcmp(c->rt[i].id, id) == 0) return &c->rt[i];
    return NULL;
}

/* ----------------------------------------------------------------- lookups */

/* id of the i-th entry of a kind (all entry structs start with their id). */
static const char *id_at(const rl_catalog *c, int kind, int i)
{
    switch (kind) {
    case RL_CAT_MODEL: return c->models[i].id;
    case RL_CAT_HW: return c->hw[i].id;
    case RL_CAT_RUNTIME: return c->rt[i].id;
    case RL_CAT_QUANT: return c->quant[i].id;
    default: return c->kv[i].id;
    }
}

/* The comparison key a kind uses (names.h): model names lose their HF
 * organisation and Instruct/Chat/... tokens, hardware its brand words. */
static void kind_key(int kind, const char *name, int drop_version, char *out, size_t n)
{
    if (kind == RL_CAT_MODEL) rl_model_key(name, drop_version, out, n);
    else if (kind == RL_CAT_HW) rl_hw_key(name, out, n);
    else rl_name_key(name, out, n);
}

/* Hardware ids named after a brand and a number ("rtx-4090", "rx-7900-xtx")
 * are also known by the number alone: the key without that first token;
 * "" otherwise. */
static void short_key(int kind, const char *id, char *out, size_t n)
{
    const char *dash = strchr(id, '-');
    int letters = dash != NULL && dash > id;

    for (const char *p = id; letters && p < dash; p++)
        letters = (*p >= 'a' && *p <= 'z');
    out[0] = '\0';
    if (kind == RL_CAT_HW && letters && dash[1] >= '0' && dash[1] <= '9')
        rl_name_key(dash + 1, out, n);
}

/* Every key of every entry of a kind: (key, entry) pairs in catalog
 * order, ids first.  Returns the count (at most max). */
static int all_keys(const rl_catalog *c, int kind, char (*keys)[64], int *owner, int max)
{
    int n = 0, count = rl_catalog_count(c, kind);

    for (int i = 0; i < count && n < max; i++) {
        kind_key(kind, id_at(c, kind, i), 0, keys[n], sizeof keys[n]);
        owner[n++] = i;
        if (n < max) {
            short_key(kind, id_at(c, kind, i), keys[n], sizeof keys[n]);
            if (keys[n][0]) owner[n++] = i;
        }
    }
    for (int a = 0; a < c->n_alias && n < max; a++)
        if (c->aliases[a].kind == kind) {
            kind_key(kind, c->aliases[a].name, 0, keys[n], sizeof keys[n]);
            owner[n++] = c->aliases[a].idx;
        }
    return n;
}

#define MAX_KEYS 512

static int name_clashes(const rl_catalog *c, int kind, const char *path, rl_err *err)
{
    char keys[MAX_KEYS][64];
    int owner[MAX_KEYS];
    int n = all_keys(c, kind, keys, owner, MAX_KEYS);

    for (int i = 0; i < n; i++)
        for (int j = 0; j < i; j++)
            if (owner[i] != owner[j] && keys[i][0] && strcmp(keys[i], keys[j]) == 0)
                return rl_err_set(err, RL_EINPUT, path, 0,
                                  "'%s' and '%s' are the same name once case and "
                                  "separators are ignored ('%s'): give one of them "
                                  "another id or alias", id_at(c, kind, owner[j]),
                                  id_at(c, kind, owner[i]), keys[i]);
    return RL_OK;
}

static const char *const kind_word[] = { "model", "hardware", "runtime", "quant", "kv dtype" };

/* Entries whose names match `k` exactly (prefix = 0) or start with it
 * (prefix = 1); distinct entries into hit[], returns how many (<= 8). */
static int match_keys(char (*keys)[64], const int *owner, int n, const char *k,
                      int prefix, int *hit)
{
    int m = 0;
    size_t kl = strlen(k);

    for (int i = 0; i < n && kl; i++) {
        int dup = 0;
        if (prefix ? strncmp(keys[i], k, kl) != 0 : strcmp(keys[i], k) != 0) continue;
        for (int j = 0; j < m; j++) dup |= hit[j] == owner[i];
        if (!dup && m < 8) hit[m++] = owner[i];
    }
    return m;
}

/* "'a', 'b'" of the entries in hit[] other than `chosen`. */
static void others(const rl_catalog *c, int kind, const int *hit, int m, int chosen,
                   char *buf, size_t n)
{
    size_t used = 0;

    buf[0] = '\0';
    for (int i = 0; i < m && used < n; i++)
        if (hit[i] != chosen)
            used += (size_t)snprintf(buf + used, n - used, "%s'%s'", used ? ", " : "",
                                     id_at(c, kind, hit[i]));
}

int rl_catalog_find(const rl_catalog *c, int kind, const char *name, char *note, size_t nn)
{
    char keys[MAX_KEYS][64];
    int owner[MAX_KEYS];
    char k[64], idk[64], also[160];
    int n, hit[8], m, count;

    if (note && nn) note[0] = '\0';
    if (!c || !name || kind < 0 || kind > RL_CAT_KV) return -1;
    count = rl_catalog_count(c, kind);
    for (int i = 0; i < count; i++)             /* the id itself */
        if (strcmp(id_at(c, kind, i), name) == 0) return i;
    n = all_keys(c, kind, keys, owner, MAX_KEYS);
    for (int pass = 0; pass < 2; pass++) {      /* models: then without "-v0.1" */
        kind_key(kind, name, pass, k, sizeof k);
        if ((m = match_keys(keys, owner, n, k, 0, hit)) == 1) {
            /* a short name (alias) that other ids also start with: say so */
            int pm, phit[8];
            pm = match_keys(keys, owner, n, k, 1, phit);
            kind_key(kind, id_at(c, kind, hit[0]), 0, idk, sizeof idk);
            if (pm > 1 && note && strcmp(idk, k) != 0) {
                others(c, kind, phit, pm, hit[0], also, sizeof also);
                snprintf(note, nn, "%s '%s' taken as '%s' (also %s; give the full id "
                         "to choose)", kind_word[kind], name, id_at(c, kind, hit[0]), also);
            }
            return hit[0];
        }
        if (m > 1 || kind != RL_CAT_MODEL) break;
    }
    kind_key(kind, name, 0, k, sizeof k);
    if (m == 0 && strlen(k) >= 3 && match_keys(keys, owner, n, k, 1, hit) == 1) {
        if (note)                               /* the only id it starts */
            snprintf(note, nn, "%s '%s' taken as '%s'", kind_word[kind], name,
                     id_at(c, kind, hit[0]));
        return hit[0];
    }
    return -1;
}

/* Resolve for a lookup: record (and print, once) any note. */
static int find_noted(const rl_catalog *c, int kind, const char *name)
{
    char note[200];
    int i = rl_catalog_find(c, kind, name, note, sizeof note);
    notes *ns = c ? c->notes : NULL;
    int seen = 0;

    if (i < 0 || !note[0] || !ns) return i;
    pthread_mutex_lock(&ns->lock);
    for (int j = 0; j < ns->n; j++) seen |= strcmp(ns->text[j], note) == 0;
    if (!seen && ns->n < RL_MAX_CAT_NOTES)
        snprintf(ns->text[ns->n++], sizeof ns->text[0], "%s", note);
    if (!seen && ns->out) fprintf(ns->out, "ridgeline: note: %s\n", note);
    pthread_mutex_unlock(&ns->lock);
    return i;
}

void rl_catalog_set_notes(rl_catalog *c, FILE *out)
{
    if (c) c->notes->out = out;
}

int rl_catalog_note_count(const rl_catalog *c)
{
    int n;
    if (!c) return 0;
    pthread_mutex_lock(&c->notes->lock);
    n = c->notes->n;
    pthread_mutex_unlock(&c->notes->lock);
    return n;
}

const char *rl_catalog_note(const rl_catalog *c, int i)
{
    return c && i >= 0 && i < c->notes->n ? c->notes->text[i] : NULL;
}

#define FIND(arr, kind, id) \
    do { int i_ = find_noted(c, kind, id); return i_ >= 0 ? &(arr)[i_] : NULL; } while (0)

const rl_arch *rl_catalog_model(const rl_catalog *c, const char *id) { FIND(c->models, RL_CAT_MODEL, id); }
const rl_hw *rl_catalog_hw(const rl_catalog *c, const char *id) { FIND(c->hw, RL_CAT_HW, id); }
const rl_runtime *rl_catalog_runtime(const rl_catalog *c, const char *id) { FIND(c->rt, RL_CAT_RUNTIME, id); }
const rl_quant *rl_catalog_quant(const rl_catalog *c, const char *id) { FIND(c->quant, RL_CAT_QUANT, id); }
const rl_kvtype *rl_catalog_kvtype(const rl_catalog *c, const char *id) { FIND(c->kv, RL_CAT_KV, id); }

int rl_catalog_count(const rl_catalog *c, int kind)
{
    switch (kind) {
    case RL_CAT_MODEL: return c->n_models;
    case RL_CAT_HW: return c->n_hw;
    case RL_CAT_RUNTIME: return c->n_rt;
    case RL_CAT_QUANT: return c->n_quant;
    case RL_CAT_KV: return c->n_kv;
    default: return 0;
    }
}

#define AT(arr, n, i) return (i) >= 0 && (i) < (n) ? &(arr)[i] : NULL
const rl_arch *rl_catalog_model_at(const rl_catalog *c, int i) { AT(c->models, c->n_models, i); }
const rl_hw *rl_catalog_hw_at(const rl_catalog *c, int i) { AT(c->hw, c->n_hw, i); }
const rl_runtime *rl_catalog_runtime_at(const rl_catalog *c, int i) { AT(c->rt, c->n_rt, i); }
const rl_quant *rl_catalog_quant_at(const rl_catalog *c, int i) { AT(c->quant, c->n_quant, i); }
const rl_kvtype *rl_catalog_kvtype_at(const rl_catalog *c, int i) { AT(c->kv, c->n_kv, i); }

int rl_catalog_aliases(const rl_catalog *c, int kind, int idx, const char **out, int max)
{
    int n = 0;
    for (int a = 0; c && a < c->n_alias && n < max; a++)
        if (c->aliases[a].kind == kind && c->aliases[a].idx == idx)
            out[n++] = c->aliases[a].name;
    return n;
}

int rl_catalog_unknown(const rl_catalog *c, int kind, const char *id, rl_err *err)
{
    char keys[MAX_KEYS][64];
    int owner[MAX_KEYS];
    const char *cands[MAX_KEYS];
    char k[64], list[200] = "";
    int n, best[3], m;
    size_t used = 0;

    if (kind < 0 || kind > RL_CAT_KV) kind = RL_CAT_MODEL;
    n = all_keys(c, kind, keys, owner, MAX_KEYS);
    for (int i = 0; i < n; i++) cands[i] = keys[i];
    kind_key(kind, id ? id : "", 0, k, sizeof k);
    m = rl_suggest_ranked(k, cands, owner, n, 3, best);
    for (int i = 0; i < m; i++)
        used += (size_t)snprintf(list + used, sizeof list - used, "%s'%s'", i ? ", " : "",
                                 id_at(c, kind, best[i]));
    if (m > 0)
        return rl_err_set(err, RL_EINPUT, NULL, 0, "unknown %s '%s' (did you mean %s?)",
                          kind_word[kind], id, list);
    if (kind == RL_CAT_KV) {
        char known[160] = "";
        for (int i = 0; i < rl_catalog_count(c, kind); i++)
            snprintf(known + strlen(known), sizeof known - strlen(known), "%s%s",
                     i ? ", " : "", id_at(c, kind, i));
        return rl_err_set(err, RL_EINPUT, NULL, 0, "unknown kv dtype '%s' (known: %s)", id, known);
    }
    return rl_err_set(err, RL_EINPUT, NULL, 0, "unknown %s '%s' (see `ridgeline catalog %s`)",
                      kind_word[kind], id,
                      kind == RL_CAT_MODEL ? "models" : kind == RL_CAT_HW ? "hardware"
                      : kind == RL_CAT_RUNTIME ? "runtimes" : "quant");
}

void rl_quant_keep16(const rl_quant *q, int keep16, rl_quant *out)
{
    char kept[64] = "";

    *out = *q;
    if (keep16 & RL_KEEP_ATTN) out->attn_bits = 16, strcat(kept, ", attention");
    if (keep16 & RL_KEEP_DENSE) out->dense_bits = 16, strcat(kept, ", dense FFN");
    if (keep16 & RL_KEEP_EMBED) out->embed_bits = 16;
    if (keep16 & RL_KEEP_LM_HEAD) out->lm_head_bits = 16;
    if (kept[0]) snprintf(out->name, sizeof out->name, "%.30s (%.24s bf16)", q->name, kept + 2);
}

int rl_runtime_has_quant(const rl_runtime *r, const char *q)
{
    for (int i = 0; q && i < r->n_quants; i++)
        if (strcmp(r->quants[i], q) == 0) return 1;
    return 0;
}

int rl_runtime_has_kv(const rl_runtime *r, const char *k)
{
    for (int i = 0; k && i < r->n_kv; i++)
        if (strcmp(r->kv_dtypes[i], k) == 0) return 1;
    return 0;
}

/* A GPU whose vendor is unknown: the runtime's GPU backend (a GPU
 * vendor's, tier-qualified only when by_tier and the part has that memory)
 * fitted on the most measurements, i.e. the parameters the most GPUs of
 * that runtime agree on; NULL when none is fitted (priors: "*"). */
static const rl_backend *gpu_backend(const rl_runtime *r, const rl_hw *h, int by_tier)
{
    static const char *const gpu_vendors[] = { "nvidia", "amd", "intel" };
    const char *tier = rl_hw_main_tier(h)->tier;
    const rl_backend *best = NULL;

    for (int i = 0; i < r->n_backends; i++) {
        const rl_backend *b = &r->backends[i];
        const char *slash = strchr(b->match, '/');
        size_t vl = slash ? (size_t)(slash - b->match) : strlen(b->match);
        int gpu = 0;
        for (size_t k = 0; k < sizeof gpu_vendors / sizeof *gpu_vendors; k++)
            gpu |= strlen(gpu_vendors[k]) == vl && strncmp(b->match, gpu_vendors[k], vl) == 0;
        /* a tier-qualified backend only for a part with that memory */
        if (!gpu || (slash && (!by_tier || strcmp(slash + 1, tier) != 0)) ||
            b->fitted_points == 0)
            continue;
        if (!best || b->fitted_points > best->fitted_points) best = b;
    }
    return best;
}

/* m == "a/b" (estimates look a backend up several times each: no
 * formatting on that path). */
static int is_pair(const char *m, const char *a, const char *b)
{
    size_t n = strlen(a);
    return strncmp(m, a, n) == 0 && m[n] == '/' && strcmp(m + n + 1, b) == 0;
}

static const rl_backend *find_backend(const rl_runtime *r, const rl_hw *h, int by_tier)
{
    const char *tier = rl_hw_main_tier(h)->tier;

    for (int i = 0; by_tier && i < r->n_backends; i++)
        if (is_pair(r->backends[i].match, h->vendor, tier) ||
            is_pair(r->backends[i].match, h->klass, tier))
            return &r->backends[i];
    for (int i = 0; i < r->n_backends; i++)
        if (h->vendor[0] && strcmp(r->backends[i].match, h->vendor) == 0)
            return &r->backends[i];
    for (int i = 0; i < r->n_backends; i++)
        if (strcmp(r->backends[i].match, h->klass) == 0) return &r->backends[i];
    if (!h->vendor[0] && strcmp(h->klass, "gpu") == 0) {
        const rl_backend *g = gpu_backend(r, h, by_tier);
        if (g) return g;
    }
    for (int i = 0; i < r->n_backends; i++)
        if (strcmp(r->backends[i].match, "*") == 0) return &r->backends[i];
    return &r->backends[r->n_backends - 1];
}

const rl_backend *rl_runtime_backend(const rl_runtime *r, const rl_hw *h)
{
    return find_backend(r, h, 1);
}

const rl_backend *rl_runtime_backend_prefill(const rl_runtime *r, const rl_hw *h)
{
    return find_backend(r, h, 0);
}
