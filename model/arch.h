/*
 * arch.h -- the architecture of a deployable model (LLM decoder or encoder)
 * and the closed-form quantities derived from it: parameter counts split by
 * tensor role, KV-cache elements per sequence, FLOPs per token.
 *
 * An rl_arch is plain data (no pointers): copy it freely.  It is filled by
 * the catalog (model/catalog/models.cfg), by a model spec file, or by the
 * importers (import.h).  All counts are in elements, not bytes: the quant
 * format (catalog.h) turns them into bytes.
 */
#ifndef RL_ARCH_H
#define RL_ARCH_H

#include <stddef.h>
#include "rl_err.h"

enum rl_arch_kind {
    RL_DECODER = 0,     /* autoregressive LLM: prefill + decode, KV cache grows */
    RL_ENCODER = 1      /* encoder / vision model: one forward pass per input, no KV */
};

typedef struct rl_arch {
    char id[64];                /* kebab id, e.g. "llama-3.1-8b" */
    char name[128];             /* human name */
    char family[32];            /* HF model_type or "resnet", "bert"... */
    char source[256];           /* where the figures come from */
    char hf_repo[96];           /* official Hugging Face repo id served by
                                   launch commands ("" unknown) */
    int kind;                   /* enum rl_arch_kind */

    /* transformer body (0 for non-transformer encoders such as resnet-50) */
    int layers;                 /* transformer blocks */
    int hidden;                 /* d_model */
    int heads;                  /* attention (query) heads */
    int kv_heads;               /* key/value heads (GQA/MQA); == heads for MHA */
    int head_dim;               /* per-head dim of q/k/v (hidden/heads by default) */
    int intermediate;           /* dense FFN inner size */
    int ffn_mats;               /* 3 = gated (SwiGLU/GeGLU), 2 = plain MLP */
    long vocab;                 /* vocabulary size (0 for encoders without LM head) */
    int tied_embeddings;        /* 1: lm_head shares the embedding matrix */
    long max_context;           /* max position embeddings (tokens) */
    int attn_bias;              /* 1: q/k/v projections carry biases (qwen2) */

    /* mixture of experts (experts == 0: dense model) */
    int experts;                /* routed experts per MoE layer */
    int experts_active;         /* routed experts used per token (top-k) */
    int shared_experts;         /* always-on shared experts per MoE layer */
    int moe_intermediate;       /* inner size of one routed expert */
    int shared_intermediate;    /* inner size of ALL shared experts together
                                   (0: shared_experts * moe_intermediate) */
    int moe_layers;             /* how many of the layers are MoE (rest dense) */
    int moe_latent;             /* latent MoE (Nemotron 3 Super/Ultra): routed experts
                                   work in this width behind a shared hidden->latent
                                   and latent->hidden projection per MoE layer
                                   (always read); 0: experts work in hidden */

    /* multi-head latent attention (DeepSeek V2/V3); kv_lora_rank == 0: none */
    int q_lora_rank;            /* 0: plain q projection */
    int kv_lora_rank;           /* compressed KV latent size (cached) */
    int qk_rope_dim;            /* decoupled rope key dim (cached) */
    int qk_nope_dim;            /* per-head non-rope q/k dim */
    int v_head_dim;             /* per-head value dim (MLA; for plain attention
                                   0 = head_dim, else V heads of this width) */

    /* sliding-window attention */
    long sliding_window;        /* window in tokens, 0 = none */
    int swa_layers;             /* how many layers use the window (rest full) */

    /* hybrid layer mix; all 0: every layer has attention and an FFN.
     * Attention layers = layers - linear_layers - mixerless_layers. */
    int linear_layers;          /* layers whose token mixer is recurrent (Gated
                                   DeltaNet, Mamba2): fixed state, no KV */
    int mixerless_layers;       /* layers with neither attention nor a recurrent
                                   mixer (Nemotron-H MLP / MoE blocks) */
    int ffnless_layers;         /* layers without an FFN (Nemotron-H mixer blocks);
                                   dense FFN layers = layers - ffnless - moe_layers */
    long linear_state;          /* recurrent state elements per sequence of ONE
                                   linear layer (conv state + SSM/delta state) */
    long linear_params;         /* matmul params of ONE linear mixer (projections, conv) */
    long linear_vec_params;     /* small vectors of ONE linear mixer (A_log, dt_bias,
                                   D, gated norm, conv bias) */
    int attn_gate;              /* 1: q projection also emits a per-head output
                                   gate (Qwen3.5 attn_output_gate) */

    /* attention layers with their own shape (the full-attention layers of
     * Gemma 4: wider heads, fewer KV heads, V from the K projection; of
     * MiMo-V2-Flash: fewer KV heads); 0: none.
     * A window set on the model (swa_layers) covers the other attention
     * layers first. */
    int global_layers;          /* how many attention layers use the global_* dims */
    int global_head_dim;        /* their q/k/v head dim (0: head_dim) */
    int global_kv_heads;        /* their KV heads (0: kv_heads) */
    int global_k_eq_v;          /* 1: they have no v_proj (V comes from the K
                                   projection); the cache still holds K and V */

    /* DSA sparse attention (DeepSeek-V3.2, GLM-5); index_heads == 0: none.
     * A lightning indexer scores every earlier token, each query attends
     * only the index_topk best. */
    int index_heads;            /* indexer heads */
    int index_head_dim;         /* indexer q/k dim (its key is cached) */
    long index_topk;            /* tokens each query attends */

    /* encoders, and an optional check for decoders */
    double params_b;            /* stated total params (billions); 0 = derive */
    double active_params_b;     /* stated active params; 0 = derive */
    double gflops_per_input;    /* encoders: forward GFLOPs per input; 0 = derive */
    int input_tokens;           /* encoders: tokens (or patches) per input */
} rl_arch;

/* Parameter counts (elements) by role.  Quant formats keep some roles at
 * higher precision, so weight bytes are computed per role. */
typedef struct rl_params {
    double embed;               /* token embedding (vocab x hidden) */
    double lm_head;             /* output projection; 0 when tied */
    double attn;                /* attention projections, all layers */
    double ffn_dense;           /* dense FFN in non-MoE layers + shared experts */
    double ffn_experts;         /* all routed experts, all MoE layers */
    double ffn_experts_active;  /* routed experts one token reads */
    double router;              /* MoE gates */
    double norms;               /* norms, biases and other small vectors */
    double total;               /* everything that must be stored */
    double active;              /* what one token reads (see README) */
} rl_params;

/* Fill defaults (head_dim, kv_heads, ffn_mats, moe_layers, swa_layers...)
 * and validate: positive dims, heads % kv_heads == 0, top-k <= experts,
 * window >= 0, layer counts that add up (linear + mixerless <= layers,
 * moe <= layers - ffnless, swa <= attention layers), state / mixer sizes
 * set when linear layers exist, indexer dims and top-k set when index_heads
 * is, moe_latent only with experts, global_* only with global_layers
 * (and plain attention), no absurd sizes.  On failure returns
 * RL_EINPUT with a message naming the offending field; `file` is used for
 * the error. */
int rl_arch_finish(rl_arch *a, const char *file, rl_err *err);

/* Same; on failure *field (if non-NULL) names the offending key so that a
 * loader can point at its line. */
int rl_arch_finish_at(rl_arch *a, const char *file, rl_err *err, const char **field);

/* Parameter breakdown.  For encoders without transformer dims the stated
 * params_b lands in `attn` so totals stay right. */
void rl_arch_params(const rl_arch *a, rl_params *out);

/* Attention layers: layers - linear_layers - mixerless_layers. */
int rl_arch_attn_layers(const rl_arch *a);

/* The part of rl_arch_kv_elems held by the global_layers (0 without them):
 * TP splits it by global_kv_heads rather than kv_heads. */
double rl_arch_global_kv_elems(const rl_arch *a, double tokens);

/* KV-cache elements (K and V together, all layers) held for ONE sequence of
 * `tokens` tokens.  Sliding-window layers keep min(tokens, window); MLA
 * caches kv_lora_rank + qk_rope_dim per layer per token (+ index_head_dim
 * for a DSA indexer key); plain attention caches kv_heads x (head_dim +
 * V head dim) per layer per token, global layers with their own shape;
 * only attention layers grow; linear (recurrent)
 * layers add their fixed state (rl_arch_state_elems) once tokens > 0;
 * encoders hold 0. */
double rl_arch_kv_elems(const rl_arch *a, double tokens);

/* KV elements per token at full context (no window), for display: only
 * what grows per token (attention layers), not the fixed state. */
double rl_arch_kv_elems_per_token(const rl_arch *a);

/* Fixed recurrent state elements per sequence (linear_layers x
 * linear_state); 0 for models without linear layers. */
double rl_arch_state_elems(const rl_arch *a);

/* Forward FLOPs for one token whose attention sees `ctx` earlier tokens:
 * 2 x active matmul params (lm_head included, embedding lookup excluded)
 * plus 2 x heads x (head_dim + V head dim) x attended tokens per
 * attention layer (QK^T and AV, global layers at their own head dim; DSA
 * attends min(ctx, index_topk) and its indexer scores all ctx
 * at 2 x index_heads x index_head_dim each) plus, per linear layer, a
 * context-independent 6 x linear_state for the recurrence.
 * For encoders without dims, ctx is ignored and gflops_per_input is
 * spread over input_tokens. */
double rl_arch_flops_token(const rl_arch *a, double ctx);

/* Attention part of the above alone (the quadratic term). */
double rl_arch_attn_flops_token(const rl_arch *a, double ctx);

/* Derive a kebab id and a display name from a model file's name (the
 * importers use it): "dir/meta-llama--Meta-Llama-3.1-8B_config.json" ->
 * "meta-llama-3.1-8b" / "Meta-Llama-3.1-8B".  The organisation prefix
 * (before the last "--" or "__"), `suffix` and "_config" are dropped; a
 * bare "config.json" gives "" for both. */
void rl_arch_id_from_path(const char *path, const char *suffix, char *id,
                          size_t idn, char *name, size_t namen);

#endif
