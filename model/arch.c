/*
 * arch.c -- closed-form quantities of a model architecture: defaults and
 * validation, parameter counts by role, KV-cache elements, FLOPs per token.
 *
 * Conventions (README "What the numbers mean"):
 *   total params   = everything stored (embeddings, lm_head unless tied,
 *                    attention, FFN, every routed expert, routers, norms);
 *   active params  = what one decoded token reads: everything except the
 *                    embedding table (a token reads one row of it) and the
 *                    routed experts it is not sent to; a tied embedding
 *                    counts once, as the lm_head it also is.
 */
#include "arch.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Upper bounds that no real model reaches; anything above is hostile. */
#define MAX_LAYERS      4096
#define MAX_DIM         (1 << 20)
#define MAX_HEADS       16384
#define MAX_VOCAB       100000000L
#define MAX_EXPERTS     65536
#define MAX_CONTEXT     1000000000L
#define MAX_STATE       (1L << 40)  /* per-layer state / mixer params */

static int bad(rl_err *err, const char *file, const char *what)
{
    return rl_err_set(err, RL_EINPUT, file, 0, "%s", what);
}

/* Name the offending key for rl_arch_finish_at's caller (fo may be NULL). */
#define FIELD(f) (fo ? (void)(*fo = (f)) : (void)0)

/* Validate one integer field against [lo, hi]. */
static int check_int(rl_err *err, const char *file, const char *id,
                     const char *field, long v, long lo, long hi, const char **fo)
{
    if (v < lo || v > hi) {
        FIELD(field);
        return rl_err_set(err, RL_EINPUT, file, 0,
                          "model '%s': %s must be in [%ld, %ld], got %ld",
                          id, field, lo, hi, v);
    }
    return RL_OK;
}

static int check_dims(const rl_arch *a, const char *file, rl_err *err, const char **fo)
{
    const char *id = a->id[0] ? a->id : "?";
    int rc;

    if ((rc = check_int(err, file, id, "layers", a->layers, 1, MAX_LAYERS, fo)) ||
        (rc = check_int(err, file, id, "hidden", a->hidden, 1, MAX_DIM, fo)) ||
        (rc = check_int(err, file, id, "heads", a->heads, 1, MAX_HEADS, fo)) ||
        (rc = check_int(err, file, id, "kv_heads", a->kv_heads, 1, MAX_HEADS, fo)) ||
        (rc = check_int(err, file, id, "head_dim", a->head_dim, 1, MAX_DIM, fo)) ||
        (rc = check_int(err, file, id, "intermediate", a->intermediate, 0, MAX_DIM, fo)) ||
        (rc = check_int(err, file, id, "ffn_mats", a->ffn_mats, 2, 3, fo)) ||
        (rc = check_int(err, file, id, "vocab", a->vocab, 0, MAX_VOCAB, fo)) ||
        (rc = check_int(err, file, id, "max_context", a->max_context, 0, MAX_CONTEXT, fo)) ||
        (rc = check_int(err, file, id, "experts", a->experts, 0, MAX_EXPERTS, fo)) ||
        (rc = check_int(err, file, id, "moe_layers", a->moe_layers, 0, a->layers, fo)) ||
        (rc = check_int(err, file, id, "shared_experts", a->shared_experts, 0, MAX_EXPERTS, fo)) ||
        (rc = check_int(err, file, id, "moe_intermediate", a->moe_intermediate, 0, MAX_DIM, fo)) ||
        (rc = check_int(err, file, id, "shared_intermediate", a->shared_intermediate, 0, MAX_DIM, fo)) ||
        (rc = check_int(err, file, id, "moe_latent", a->moe_latent, 0, MAX_DIM, fo)) ||
        (rc = check_int(err, file, id, "kv_lora_rank", a->kv_lora_rank, 0, MAX_DIM, fo)) ||
        (rc = check_int(err, file, id, "q_lora_rank", a->q_lora_rank, 0, MAX_DIM, fo)) ||
        (rc = check_int(err, file, id, "qk_rope_dim", a->qk_rope_dim, 0, MAX_DIM, fo)) ||
        (rc = check_int(err, file, id, "qk_nope_dim", a->qk_nope_dim, 0, MAX_DIM, fo)) ||
        (rc = check_int(err, file, id, "v_head_dim", a->v_head_dim, 0, MAX_DIM, fo)) ||
        (rc = check_int(err, file, id, "sliding_window", a->sliding_window, 0, MAX_CONTEXT, fo)) ||
        (rc = check_int(err, file, id, "swa_layers", a->swa_layers, 0, a->layers, fo)) ||
        (rc = check_int(err, file, id, "input_tokens", a->input_tokens, 0, 10000000, fo)) ||
        (rc = check_int(err, file, id, "linear_layers", a->linear_layers, 0, a->layers, fo)) ||
        (rc = check_int(err, file, id, "mixerless_layers", a->mixerless_layers, 0,
                        a->layers - a->linear_layers, fo)) ||
        (rc = check_int(err, file, id, "ffnless_layers", a->ffnless_layers, 0, a->layers, fo)) ||
        (rc = check_int(err, file, id, "moe_layers", a->moe_layers, 0,
                        a->layers - a->ffnless_layers, fo)) ||
        (rc = check_int(err, file, id, "swa_layers", a->swa_layers, 0,
                        rl_arch_attn_layers(a), fo)) ||
        (rc = check_int(err, file, id, "linear_state", a->linear_state, 0, MAX_STATE, fo)) ||
        (rc = check_int(err, file, id, "linear_params", a->linear_params, 0, MAX_STATE, fo)) ||
        (rc = check_int(err, file, id, "linear_vec_params", a->linear_vec_params, 0,
                        MAX_DIM, fo)) ||
        (rc = check_int(err, file, id, "attn_gate", a->attn_gate, 0, 1, fo)) ||
        (rc = check_int(err, file, id, "global_layers", a->global_layers, 0,
                        rl_arch_attn_layers(a), fo)) ||
        (rc = check_int(err, file, id, "global_head_dim", a->global_head_dim, 0, MAX_DIM, fo)) ||
        (rc = check_int(err, file, id, "global_kv_heads", a->global_kv_heads, 0, MAX_HEADS, fo)) ||
        (rc = check_int(err, file, id, "global_k_eq_v", a->global_k_eq_v, 0, 1, fo)) ||
        (rc = check_int(err, file, id, "index_heads", a->index_heads, 0, MAX_HEADS, fo)) ||
        (rc = check_int(err, file, id, "index_head_dim", a->index_head_dim, 0, MAX_DIM, fo)) ||
        (rc = check_int(err, file, id, "index_topk", a->index_topk, 0, MAX_CONTEXT, fo)))
        return rc;
    if (a->linear_layers > 0 && (a->linear_state < 1 || a->linear_params < 1) &&
        (FIELD(a->linear_state < 1 ? "linear_state" : "linear_params"), 1))
        return rl_err_set(err, RL_EINPUT, file, 0,
                          "model '%s': linear_state and linear_params must be >= 1 "
                          "when linear_layers > 0", id);
    if (a->index_heads > 0 && (a->index_head_dim < 1 || a->index_topk < 1) &&
        (FIELD(a->index_head_dim < 1 ? "index_head_dim" : "index_topk"), 1))
        return rl_err_set(err, RL_EINPUT, file, 0,
                          "model '%s': index_head_dim and index_topk must be >= 1 "
                          "with a DSA indexer (index_heads > 0)", id);
    if (a->global_layers == 0 && (a->global_head_dim || a->global_kv_heads ||
                                  a->global_k_eq_v) &&
        (FIELD(a->global_head_dim ? "global_head_dim" : a->global_kv_heads
               ? "global_kv_heads" : "global_k_eq_v"), 1))
        return rl_err_set(err, RL_EINPUT, file, 0,
                          "model '%s': global_head_dim, global_kv_heads and global_k_eq_v "
                          "need global_layers > 0", id);
    if (a->global_layers > 0 && a->kv_lora_rank > 0 && (FIELD("global_layers"), 1))
        return rl_err_set(err, RL_EINPUT, file, 0,
                          "model '%s': global_layers needs plain attention "
                          "(kv_lora_rank 0)", id);
    if (a->global_layers > 0 && a->heads % a->global_kv_heads != 0 &&
        (FIELD("global_kv_heads"), 1))
        return rl_err_set(err, RL_EINPUT, file, 0,
                          "model '%s': heads (%d) must be a multiple of global_kv_heads (%d)",
                          id, a->heads, a->global_kv_heads);
    if (a->heads % a->kv_heads != 0 && (FIELD("kv_heads"), 1))
        return rl_err_set(err, RL_EINPUT, file, 0,
                          "model '%s': heads (%d) must be a multiple of kv_heads (%d)",
                          id, a->heads, a->kv_heads);
    if (a->experts > 0) {
        if ((a->experts_active < 1 || a->experts_active > a->experts) &&
            (FIELD("experts_active"), 1))
            return rl_err_set(err, RL_EINPUT, file, 0,
                              "model '%s': experts_active must be in [1, experts=%d], got %d",
                              id, a->experts, a->experts_active);
        if (a->moe_intermediate < 1 && (FIELD("moe_intermediate"), 1))
            return rl_err_set(err, RL_EINPUT, file, 0,
                              "model '%s': moe_intermediate must be >= 1 for a MoE model", id);
    } else if (a->moe_latent > 0 && (FIELD("moe_latent"), 1)) {
        return rl_err_set(err, RL_EINPUT, file, 0,
                          "model '%s': moe_latent needs routed experts (experts > 0)", id);
    }
    if (a->kind == RL_DECODER && a->vocab < 1 && (FIELD("vocab"), 1))
        return rl_err_set(err, RL_EINPUT, file, 0,
                          "model '%s': vocab must be >= 1 for a decoder", id);
    if (a->moe_layers < a->layers - a->ffnless_layers && a->intermediate < 1 &&
        (FIELD("intermediate"), 1))
        return rl_err_set(err, RL_EINPUT, file, 0,
                          "model '%s': intermediate must be >= 1 (dense FFN layers exist)", id);
    return RL_OK;
}

int rl_arch_finish(rl_arch *a, const char *file, rl_err *err)
{
    return rl_arch_finish_at(a, file, err, NULL);
}

int rl_arch_finish_at(rl_arch *a, const char *file, rl_err *err, const char **fo)
{
    int has_dims = a->layers || a->hidden || a->heads;

    if (fo) *fo = NULL;

    if (!isfinite(a->params_b) || a->params_b < 0 || a->params_b > 1e5 ||
        !isfinite(a->active_params_b) || a->active_params_b < 0 ||
        a->active_params_b > 1e5 || !isfinite(a->gflops_per_input) ||
        a->gflops_per_input < 0 || a->gflops_per_input > 1e9)
        return bad(err, file, "params_b, active_params_b and gflops_per_input "
                              "must be finite, >= 0 and below 1e5 (1e9 GFLOPs)");
    if (a->kind != RL_DECODER && a->kind != RL_ENCODER)
        return bad(err, file, "kind must be \"decoder\" or \"encoder\"");
    if (!has_dims) {
        /* A non-transformer encoder (CNN): stated figures are all we have. */
        if (a->kind != RL_ENCODER || a->params_b <= 0 || a->gflops_per_input <= 0)
            return rl_err_set(err, RL_EINPUT, file, 0,
                              "model '%s': needs transformer dims (layers, hidden, "
                              "heads, ...) or, for an encoder, params_b and "
                              "gflops_per_input", a->id[0] ? a->id : "?");
        if (a->input_tokens <= 0) a->input_tokens = 1;
        return RL_OK;
    }
    if (a->heads > 0 && a->kv_heads == 0) a->kv_heads = a->heads;
    if (a->heads > 0 && a->head_dim == 0 && a->hidden % a->heads == 0)
        a->head_dim = a->hidden / a->heads;
    if (a->ffn_mats == 0) a->ffn_mats = a->kind == RL_ENCODER ? 2 : 3;
    if (a->experts > 0 && a->moe_layers == 0) a->moe_layers = a->layers - a->ffnless_layers;
    if (a->sliding_window > 0 && a->swa_layers == 0) a->swa_layers = rl_arch_attn_layers(a);
    if (a->sliding_window == 0) a->swa_layers = 0;
    if (a->kv_lora_rank > 0) {
        if (a->v_head_dim == 0) a->v_head_dim = a->head_dim;
        if (a->qk_nope_dim == 0) a->qk_nope_dim = a->head_dim;
    }
    if (a->global_layers > 0) {
        if (a->global_head_dim == 0) a->global_head_dim = a->head_dim;
        if (a->global_kv_heads == 0) a->global_kv_heads = a->kv_heads;
    }
    if (a->kind == RL_ENCODER && a->input_tokens <= 0) a->input_tokens = 512;
    return check_dims(a, file, err, fo);
}

int rl_arch_attn_layers(const rl_arch *a)
{
    return a->layers - a->linear_layers - a->mixerless_layers;
}

/* DSA lightning indexer projections of one attention layer: wq_b
 * (q_lora_rank, or hidden without a q latent, -> index_heads x
 * index_head_dim), wk (hidden -> index_head_dim), weights_proj (hidden ->
 * index_heads).  Its k_norm (LayerNorm: weight and bias) is in norms. */
static double indexer_params(const rl_arch *a)
{
    if (a->index_heads <= 0) return 0;
    double qin = a->q_lora_rank > 0 ? a->q_lora_rank : a->hidden;
    return qin * a->index_heads * a->index_head_dim +
           (double)a->hidden * a->index_head_dim + (double)a->hidden * a->index_heads;
}

/* Shape of one attention layer: the common one, or (global = 1) that of
 * the global_layers. */
static double lay_hd(const rl_arch *a, int global)
{
    return global && a->global_head_dim > 0 ? a->global_head_dim : a->head_dim;
}

static double lay_kvh(const rl_arch *a, int global)
{
    return global && a->global_kv_heads > 0 ? a->global_kv_heads : a->kv_heads;
}

/* Value head dim of plain attention: v_head_dim when set (MiMo-V2: 128
 * under 192-wide q/k heads), else the layer's head dim (k_eq_v: K's). */
static double lay_vd(const rl_arch *a, int global)
{
    if (global && a->global_k_eq_v) return lay_hd(a, 1);
    return a->v_head_dim > 0 ? a->v_head_dim : lay_hd(a, global);
}

/* Attention projection parameters of one layer (global: a global layer). */
static double attn_layer_params(const rl_arch *a, int global)
{
    double h = a->hidden;

    if (a->kv_lora_rank > 0) {          /* MLA (DeepSeek V2/V3) */
        double qk = (double)a->qk_nope_dim + a->qk_rope_dim;
        double q = a->q_lora_rank > 0
                 ? h * a->q_lora_rank + (double)a->q_lora_rank * a->heads * qk
                 : h * a->heads * qk;
        double kv_a = h * ((double)a->kv_lora_rank + a->qk_rope_dim);
        double kv_b = (double)a->kv_lora_rank * a->heads *
                      ((double)a->qk_nope_dim + a->v_head_dim);
        double o = (double)a->heads * a->v_head_dim * h;
        return q + kv_a + kv_b + o + indexer_params(a);
    }
    double hd = lay_hd(a, global), vd = lay_vd(a, global);
    double qd = (double)a->heads * hd, kd = lay_kvh(a, global) * hd;
    double vdim = global && a->global_k_eq_v ? 0 : lay_kvh(a, global) * vd; /* no v_proj */
    double p = h * qd + h * kd + h * vdim + (double)a->heads * vd * h;
    if (a->attn_gate) p += h * qd;      /* q_proj also emits the output gate */
    if (a->attn_bias) p += qd + kd + vdim;
    return p + indexer_params(a);
}

void rl_arch_params(const rl_arch *a, rl_params *o)
{
    memset(o, 0, sizeof *o);
    if (a->layers == 0) {               /* stated-only encoder */
        o->attn = a->params_b * 1e9;
        o->total = o->active = o->attn;
        return;
    }
    double h = a->hidden, L = a->layers;
    double attn_layers = rl_arch_attn_layers(a);
    double dense_layers = L - a->ffnless_layers - a->moe_layers;
    double ffn_one = (double)a->ffn_mats * h;   /* params per unit of inner size */

    o->embed = (double)a->vocab * h;
    o->lm_head = (a->tied_embeddings || a->kind == RL_ENCODER) ? 0 : (double)a->vocab * h;
    o->attn = (attn_layers - a->global_layers) * attn_layer_params(a, 0) +
              (double)a->global_layers * attn_layer_params(a, 1) +
              (double)a->linear_layers * (double)a->linear_params;
    o->ffn_dense = dense_layers * ffn_one * a->intermediate;
    if (a->experts > 0) {
        double shared = a->shared_intermediate > 0 ? a->shared_intermediate
                      : (double)a->shared_experts * a->moe_intermediate;
        /* latent MoE: experts work in moe_latent, behind a hidden->latent
         * and a latent->hidden projection that every token reads */
        double ew = a->moe_latent > 0 ? (double)a->ffn_mats * a->moe_latent : ffn_one;
        o->ffn_dense += a->moe_layers * ffn_one * shared;
        if (a->moe_latent > 0) o->ffn_dense += a->moe_layers * 2.0 * h * a->moe_latent;
        o->ffn_experts = a->moe_layers * a->experts * ew * a->moe_intermediate;
        o->ffn_experts_active = a->moe_layers * a->experts_active * ew *
                                a->moe_intermediate;
        o->router = a->moe_layers * h * a->experts;
    }
    o->norms = L * 2 * h + h;
    if (a->kv_lora_rank > 0) o->norms += attn_layers * ((double)a->kv_lora_rank + a->q_lora_rank);
    if (a->index_heads > 0) o->norms += attn_layers * 2.0 * a->index_head_dim;
    o->norms += (double)a->linear_layers * (double)a->linear_vec_params;
    if (a->ffn_mats == 2) o->norms += (L - a->ffnless_layers) *
                                      ((double)a->intermediate + h); /* MLP biases */
    o->total = o->embed + o->lm_head + o->attn + o->ffn_dense + o->ffn_experts +
               o->router + o->norms;
    o->active = o->attn + o->ffn_dense + o->ffn_experts_active + o->router +
                o->norms + (a->tied_embeddings ? o->embed : o->lm_head);
}

/* KV elements one attention layer caches per token (global: a global
 * layer; k_eq_v still caches V, which differs from K after norm and rope). */
static double kv_layer_elems(const rl_arch *a, int global)
{
    double idx = a->index_heads > 0 ? a->index_head_dim : 0;  /* indexer key */
    if (a->kv_lora_rank > 0)
        return (double)a->kv_lora_rank + a->qk_rope_dim + idx;
    return lay_kvh(a, global) * (lay_hd(a, global) + lay_vd(a, global)) + idx;
}

/* Sliding-window layers among the attention layers (a forced window sets
 * swa_layers = layers: clip it). */
static double swa_count(const rl_arch *a)
{
    int n = rl_arch_attn_layers(a);
    return a->swa_layers < n ? a->swa_layers : n;
}

/* Split the attention layers into (global?, windowed?) groups: the window
 * covers the common layers first.  n[g][w] = layer count. */
static void layer_groups(const rl_arch *a, double n[2][2])
{
    double att = rl_arch_attn_layers(a), g = a->global_layers, swa = swa_count(a);
    double wl = fmin(swa, att - g);

    n[0][1] = wl;
    n[0][0] = att - g - wl;
    n[1][1] = swa - wl;
    n[1][0] = g - (swa - wl);
}

/* KV elements of the attention layers of one kind (global 0/1). */
static double kv_group(const rl_arch *a, int global, double tokens)
{
    double n[2][2];
    layer_groups(a, n);
    double win = n[global][1] > 0 ? n[global][1] * fmin(tokens, (double)a->sliding_window) : 0;
    return kv_layer_elems(a, global) * (n[global][0] * tokens + win);
}

double rl_arch_global_kv_elems(const rl_arch *a, double tokens)
{
    if (a->kind == RL_ENCODER || a->layers == 0 || tokens <= 0 || a->global_layers <= 0)
        return 0;
    return kv_group(a, 1, tokens);
}

double rl_arch_state_elems(const rl_arch *a)
{
    if (a->kind == RL_ENCODER || a->layers == 0) return 0;
    return (double)a->linear_layers * (double)a->linear_state;
}

double rl_arch_kv_elems(const rl_arch *a, double tokens)
{
    if (a->kind == RL_ENCODER || a->layers == 0 || tokens <= 0) return 0;
    double g = a->global_layers > 0 ? kv_group(a, 1, tokens) : 0;
    return kv_group(a, 0, tokens) + g + rl_arch_state_elems(a);
}

double rl_arch_kv_elems_per_token(const rl_arch *a)
{
    if (a->kind == RL_ENCODER || a->layers == 0) return 0;
    double g = a->global_layers > 0 ? kv_layer_elems(a, 1) * a->global_layers : 0;
    return kv_layer_elems(a, 0) * (rl_arch_attn_layers(a) - a->global_layers) + g;
}

double rl_arch_attn_flops_token(const rl_arch *a, double ctx)
{
    if (a->layers == 0 || ctx <= 0) return 0;
    double per = a->kv_lora_rank > 0
               ? 2.0 * a->heads * ((double)a->qk_nope_dim + a->qk_rope_dim + a->v_head_dim)
               : 2.0 * a->heads * (lay_hd(a, 0) + lay_vd(a, 0));    /* QK^T + AV */
    double gper = 2.0 * a->heads * (lay_hd(a, 1) + lay_vd(a, 1)); /* global layers */
    double n = rl_arch_attn_layers(a), g[2][2];
    layer_groups(a, g);
    /* DSA: the query attends only the index_topk tokens the indexer picks */
    double att = a->index_heads > 0 ? fmin(ctx, (double)a->index_topk) : ctx;
    double watt = fmin(att, (double)a->sliding_window);
    double loc = g[0][0] * att + (g[0][1] > 0 ? g[0][1] * watt : 0);
    double glo = g[1][0] * att + (g[1][1] > 0 ? g[1][1] * watt : 0);
    /* ...but the indexer scores every earlier token */
    double idx = a->index_heads > 0
               ? n * 2.0 * a->index_heads * a->index_head_dim * ctx : 0;
    return per * loc + (a->global_layers > 0 ? gper * glo : 0) + idx;
}

double rl_arch_flops_token(const rl_arch *a, double ctx)
{
    if (a->layers == 0) {
        double n = a->input_tokens > 0 ? a->input_tokens : 1;
        return a->gflops_per_input * 1e9 / n;
    }
    rl_params p;
    rl_arch_params(a, &p);
    double matmul = p.active - p.norms;
    /* recurrence of the linear layers: about 6 FLOPs per state element
     * (decay, update, readout), independent of the context */
    double rec = 6.0 * rl_arch_state_elems(a);
    return 2.0 * matmul + rl_arch_attn_flops_token(a, ctx) + rec;
}

/* Derive a kebab id and a display name from a file name:
 *   "dir/meta-llama--Meta-Llama-3.1-8B_config.json" -> "meta-llama-3.1-8b",
 *                                                     "Meta-Llama-3.1-8B"
 *   "meta-llama__Llama-2-7b-hf.json"               -> "llama-2-7b-hf"
 * The organisation prefix (before the last "--" or "__") and a trailing
 * "_config"/"-config" are dropped.  A bare "config.json" gives "" for both
 * (the caller then falls back to the family). */
void rl_arch_id_from_path(const char *path, const char *suffix, char *id,
                            size_t idn, char *name, size_t namen)
{
    const char *b = strrchr(path, '/');
    char stem[256];
    size_t n, sl = suffix ? strlen(suffix) : 0;

    b = b ? b + 1 : path;
    snprintf(stem, sizeof stem, "%s", b);
    n = strlen(stem);
    if (sl && n >= sl && strcasecmp(stem + n - sl, suffix) == 0) stem[n -= sl] = '\0';
    if (n >= 7 && (strcmp(stem + n - 7, "_config") == 0 ||
                   strcmp(stem + n - 7, "-config") == 0))
        stem[n -= 7] = '\0';
    if (strcmp(stem, "config") == 0) stem[n = 0] = '\0';
    const char *s = stem;
    for (const char *p = stem; *p; p++)
        if ((p[0] == '-' && p[1] == '-') || (p[0] == '_' && p[1] == '_')) s = p + 2;
    snprintf(name, namen, "%s", s);

    size_t o = 0;
    for (const char *p = s; *p && o + 1 < idn; p++) {
        unsigned char ch = (unsigned char)*p;
        if (isalnum(ch) || ch == '.') id[o++] = (char)tolower(ch);
        else if (o > 0 && id[o - 1] != '-') id[o++] = '-';
    }
    while (o > 0 && id[o - 1] == '-') o--;
    id[o] = '\0';
}
