/*
 * test_arch.c -- arch.h: parameter counts by role, KV-cache elements (GQA,
 * sliding window, MLA), MoE active vs total, FLOPs per token, and the
 * validation rl_arch_finish does (with its messages).
 *
 * Real architectures come from the catalog (model/catalog/models.cfg);
 * the expected figures are the published ones quoted in each test.
 */
#include <check.h>
#include "testutil.h"
#include <math.h>
#include <string.h>

#include "arch.h"
#include "catalog.h"

static rl_catalog *cat;

static void setup(void)
{
    cat = rl_test_catalog();
}

static void teardown(void) { rl_catalog_free(cat); }

static const rl_arch *model(const char *id)
{
    const rl_arch *a = rl_catalog_model(cat, id);
    ck_assert_msg(a != NULL, "model %s missing", id);
    return a;
}

static int within(double v, double want, double rel)
{
    return fabs(v - want) <= rel * fabs(want);
}

/* A small valid dense decoder to mutate in validation tests. */
static rl_arch small(void)
{
    rl_arch a;
    memset(&a, 0, sizeof a);
    strcpy(a.id, "t");
    a.kind = RL_DECODER;
    a.layers = 4; a.hidden = 256; a.heads = 8; a.kv_heads = 2;
    a.intermediate = 1024; a.vocab = 1000;
    return a;
}

START_TEST(llama31_8b_params)
{
    const rl_arch *a = model("llama-3.1-8b");
    rl_params p;
    rl_arch_params(a, &p);
    /* 8.03 B published (HF safetensors 8,030,261,248) */
    ck_assert_msg(within(p.total, 8.03e9, 0.01), "total %g", p.total);
    ck_assert(rl_feq(p.embed, 128256.0 * 4096));
    ck_assert(rl_feq(p.lm_head, 128256.0 * 4096));        /* untied */
    /* a token reads everything but the embedding table */
    ck_assert(rl_feq(p.active, p.total - p.embed));
    ck_assert(p.ffn_experts == 0 && p.router == 0);
    /* GQA: q,o = h*h each; k,v = h*(8*128) each, 32 layers */
    ck_assert(rl_feq(p.attn, 32.0 * (2.0 * 4096 * 4096 + 2.0 * 4096 * 1024)));
    ck_assert(rl_feq(p.ffn_dense, 32.0 * 3 * 4096 * 14336));
}
END_TEST

START_TEST(tied_embeddings_counted_once)
{
    const rl_arch *a = model("llama-3.2-1b");
    rl_arch untied = *a;
    rl_params t, u;
    rl_arch_params(a, &t);
    untied.tied_embeddings = 0;
    rl_arch_params(&untied, &u);
    ck_assert(t.lm_head == 0);
    /* 1,235,814,400 per HF safetensors */
    ck_assert_msg(within(t.total, 1.2358e9, 0.01), "total %g", t.total);
    ck_assert(rl_feq(u.total - t.total, 128256.0 * 2048));
    /* tied: the lm_head read is the embedding matrix -- counted once, as active */
    ck_assert(rl_feq(t.active, t.total));
    ck_assert(rl_feq(u.active, u.total - u.embed));
}
END_TEST

START_TEST(gqa_kv_elems)
{
    const rl_arch *a = model("llama-3.1-8b");
    double per = 2.0 * 32 * 8 * 128;           /* 2 x layers x kv_heads x head_dim */
    ck_assert(rl_feq(rl_arch_kv_elems_per_token(a), per));
    ck_assert(rl_feq(rl_arch_kv_elems(a, 1000), per * 1000));
    ck_assert(rl_feq(rl_arch_kv_elems(a, 0), 0));
    ck_assert(rl_feq(rl_arch_kv_elems(a, -5), 0));
    /* MHA: llama-2-7b caches all 32 heads */
    ck_assert(rl_feq(rl_arch_kv_elems_per_token(model("llama-2-7b")), 2.0 * 32 * 32 * 128));
}
END_TEST

START_TEST(sliding_window_caps_kv)
{
    const rl_arch *m = model("mistral-7b-v0.1");    /* window 4096 on all 32 layers */
    const rl_arch *g = model("gemma-2-9b");         /* window 4096 on 21 of 42 layers */
    double per_layer_g = 2.0 * 8 * 256;
    ck_assert(rl_feq(rl_arch_kv_elems(m, 8192), rl_arch_kv_elems(m, 4096)));
    ck_assert(rl_feq(rl_arch_kv_elems(m, 100000), rl_arch_kv_elems(m, 4096)));
    ck_assert(rl_feq(rl_arch_kv_elems(m, 2048), 2048 * rl_arch_kv_elems_per_token(m)));
    ck_assert(rl_arch_kv_elems(m, 4096) > rl_arch_kv_elems(m, 4000));
    ck_assert(rl_feq(rl_arch_kv_elems(g, 8192), per_layer_g * (21.0 * 8192 + 21.0 * 4096)));
    /* no window on v0.3 */
    ck_assert(rl_feq(rl_arch_kv_elems(model("mistral-7b-v0.3"), 8192),
                     2.0 * rl_arch_kv_elems(model("mistral-7b-v0.3"), 4096)));
}
END_TEST

START_TEST(mla_kv_latent)
{
    const rl_arch *a = model("deepseek-v3");
    ck_assert(rl_feq(rl_arch_kv_elems_per_token(a), (512.0 + 64) * 61));
    ck_assert(rl_feq(rl_arch_kv_elems(a, 1000), (512.0 + 64) * 61 * 1000));
}
END_TEST

START_TEST(moe_active_below_total)
{
    rl_params p;
    rl_arch_params(model("mixtral-8x7b"), &p);
    ck_assert(p.active < p.total);
    ck_assert_msg(within(p.total, 46.7e9, 0.03), "mixtral total %g", p.total);
    ck_assert_msg(within(p.active, 12.9e9, 0.03), "mixtral active %g", p.active);
    ck_assert(rl_feq(p.ffn_experts_active * 4, p.ffn_experts));  /* top-2 of 8 */
    ck_assert(rl_feq(p.router, 32.0 * 4096 * 8));
    rl_arch_params(model("deepseek-v3"), &p);
    ck_assert_msg(within(p.total, 671e9, 0.03), "deepseek total %g", p.total);
    ck_assert_msg(within(p.active, 37e9, 0.03), "deepseek active %g", p.active);
    rl_arch_params(model("mixtral-8x22b"), &p);
    ck_assert_msg(within(p.active, 39e9, 0.03), "8x22b active %g", p.active);
}
END_TEST

START_TEST(flops_per_token)
{
    const rl_arch *a = model("llama-3.1-8b");
    rl_params p;
    double attn1k = 4.0 * 32 * 128 * 1000 * 32;   /* 4 x heads x head_dim x ctx x layers */
    rl_arch_params(a, &p);
    ck_assert(rl_feq(rl_arch_flops_token(a, 0), 2.0 * (p.active - p.norms)));
    ck_assert(rl_feq(rl_arch_attn_flops_token(a, 1000), attn1k));
    ck_assert(rl_feq(rl_arch_flops_token(a, 1000) - rl_arch_flops_token(a, 0), attn1k));
    /* the window caps attention work too */
    {
        const rl_arch *m = model("mistral-7b-v0.1");
        ck_assert(rl_feq(rl_arch_attn_flops_token(m, 20000), rl_arch_attn_flops_token(m, 4096)));
    }
}
END_TEST

START_TEST(finish_fills_defaults)
{
    rl_arch a = small();
    rl_err e;
    a.kv_heads = 0;
    ck_assert_int_eq(rl_arch_finish(&a, "m.cfg", &e), RL_OK);
    ck_assert_int_eq(a.kv_heads, 8);          /* MHA by default */
    ck_assert_int_eq(a.head_dim, 32);         /* hidden / heads */
    ck_assert_int_eq(a.ffn_mats, 3);          /* decoders are gated by default */
    a = small();
    a.experts = 4; a.experts_active = 2; a.moe_intermediate = 512;
    a.sliding_window = 128;
    ck_assert_int_eq(rl_arch_finish(&a, "m.cfg", &e), RL_OK);
    ck_assert_int_eq(a.moe_layers, 4);
    ck_assert_int_eq(a.swa_layers, 4);
}
END_TEST

START_TEST(reject_heads_not_multiple)
{
    rl_arch a = small();
    rl_err e;
    a.kv_heads = 3;
    ck_assert_int_eq(rl_arch_finish(&a, "m.cfg", &e), RL_EINPUT);
    ck_assert_str_eq(e.msg, "model 't': heads (8) must be a multiple of kv_heads (3)");
    ck_assert_str_eq(e.file, "m.cfg");
}
END_TEST

START_TEST(reject_topk_above_experts)
{
    rl_arch a = small();
    rl_err e;
    a.experts = 8; a.experts_active = 9; a.moe_intermediate = 512;
    ck_assert_int_eq(rl_arch_finish(&a, "m.cfg", &e), RL_EINPUT);
    ck_assert_str_eq(e.msg, "model 't': experts_active must be in [1, experts=8], got 9");
    a = small();
    a.experts = 8; a.experts_active = 2;                /* no expert size */
    ck_assert_int_eq(rl_arch_finish(&a, "m.cfg", &e), RL_EINPUT);
    ck_assert_ptr_nonnull(strstr(e.msg, "moe_intermediate"));
}
END_TEST

START_TEST(reject_negative_and_huge)
{
    rl_arch a = small();
    rl_err e;
    a.hidden = -5;
    ck_assert_int_eq(rl_arch_finish(&a, "m.cfg", &e), RL_EINPUT);
    ck_assert_str_eq(e.msg, "model 't': hidden must be in [1, 1048576], got -5");
    a = small();
    a.layers = 5000;
    ck_assert_int_eq(rl_arch_finish(&a, "m.cfg", &e), RL_EINPUT);
    ck_assert_str_eq(e.msg, "model 't': layers must be in [1, 4096], got 5000");
    a = small();
    a.vocab = 200000000L;
    ck_assert_int_eq(rl_arch_finish(&a, "m.cfg", &e), RL_EINPUT);
    ck_assert_ptr_nonnull(strstr(e.msg, "vocab must be in"));
    a = small();
    a.sliding_window = -1;
    ck_assert_int_eq(rl_arch_finish(&a, "m.cfg", &e), RL_EINPUT);
    a = small();
    a.params_b = NAN;
    ck_assert_int_eq(rl_arch_finish(&a, "m.cfg", &e), RL_EINPUT);
    ck_assert_ptr_nonnull(strstr(e.msg, "params_b"));
    a = small();
    a.params_b = INFINITY;
    ck_assert_int_eq(rl_arch_finish(&a, "m.cfg", &e), RL_EINPUT);
    a = small();
    a.vocab = 0;                                        /* a decoder needs a vocabulary */
    ck_assert_int_eq(rl_arch_finish(&a, "m.cfg", &e), RL_EINPUT);
    ck_assert_str_eq(e.msg, "model 't': vocab must be >= 1 for a decoder");
    a = small();
    a.kind = 7;
    ck_assert_int_eq(rl_arch_finish(&a, "m.cfg", &e), RL_EINPUT);
}
END_TEST

/* A hybrid: 8 layers, 6 of them linear (fixed state), 2 attention. */
static rl_arch hybrid(void)
{
    rl_arch a = small();
    a.layers = 8;
    a.linear_layers = 6;
    a.linear_state = 10000;
    a.linear_params = 300000;
    a.linear_vec_params = 100;
    return a;
}

START_TEST(hybrid_kv_and_flops)
{
    rl_arch a = hybrid(), d = small();
    rl_err e;
    rl_params p, pd;
    d.layers = 8;
    ck_assert_int_eq(rl_arch_finish(&a, "m.cfg", &e), RL_OK);
    ck_assert_int_eq(rl_arch_finish(&d, "m.cfg", &e), RL_OK);
    ck_assert_int_eq(rl_arch_attn_layers(&a), 2);
    /* KV grows only with the 2 attention layers (2 x kv_heads x head_dim) */
    double grow = 2.0 * 2 * 2 * 32;
    ck_assert(rl_feq(rl_arch_kv_elems_per_token(&a), grow));
    ck_assert(rl_feq(rl_arch_kv_elems(&a, 2000) - rl_arch_kv_elems(&a, 1000), grow * 1000));
    ck_assert(rl_feq(rl_arch_state_elems(&a), 6.0 * 10000));
    ck_assert(rl_feq(rl_arch_kv_elems(&a, 1000), grow * 1000 + 60000));
    ck_assert(rl_feq(rl_arch_kv_elems(&a, 0), 0));
    /* a forced window caps only the attention layers */
    a.sliding_window = 100; a.swa_layers = a.layers;
    ck_assert(rl_feq(rl_arch_kv_elems(&a, 1000), grow * 100 + 60000));
    a.sliding_window = 0; a.swa_layers = 0;
    /* attention FLOPs: 2 layers; the recurrence is a constant 6 x state */
    ck_assert(rl_feq(rl_arch_attn_flops_token(&a, 1000), 2.0 * 4 * 8 * 32 * 1000));
    rl_arch_params(&a, &p);
    rl_arch_params(&d, &pd);
    ck_assert(rl_feq(rl_arch_flops_token(&a, 0), 2.0 * (p.active - p.norms) + 6.0 * 60000));
    /* linear mixers replace 6 layers' attention projections */
    ck_assert(rl_feq(p.attn - pd.attn, 6.0 * (300000 - (2.0 * 256 * 256 + 2.0 * 256 * 64))));
    ck_assert(rl_feq(p.norms - pd.norms, 600));
    /* layers without FFN (Nemotron-H mixer blocks) */
    a = hybrid();
    a.ffnless_layers = 4;
    ck_assert_int_eq(rl_arch_finish(&a, "m.cfg", &e), RL_OK);
    rl_arch_params(&a, &p);
    ck_assert(rl_feq(p.ffn_dense, 4.0 * 3 * 256 * 1024));
}
END_TEST

START_TEST(dsa_flops_and_kv)
{
    rl_arch a = small(), m;
    rl_err e;
    rl_params p, pm;
    a.kv_lora_rank = 64; a.q_lora_rank = 96; a.qk_rope_dim = 16; a.qk_nope_dim = 32;
    a.v_head_dim = 32;
    m = a;
    a.index_heads = 4; a.index_head_dim = 16; a.index_topk = 512;
    ck_assert_int_eq(rl_arch_finish(&a, "m.cfg", &e), RL_OK);
    ck_assert_int_eq(rl_arch_finish(&m, "m.cfg", &e), RL_OK);
    double per = 2.0 * 8 * (32 + 16 + 32), idx = 2.0 * 4 * 16;
    /* below top-k: dense MLA plus the indexer */
    ck_assert(rl_feq(rl_arch_attn_flops_token(&a, 256), 4 * (per + idx) * 256));
    /* past top-k only the indexer term keeps growing */
    ck_assert(rl_feq(rl_arch_attn_flops_token(&a, 4096) - rl_arch_attn_flops_token(&a, 2048),
                     4 * idx * 2048));
    ck_assert(rl_feq(rl_arch_attn_flops_token(&a, 4096), 4 * (per * 512 + idx * 4096)));
    /* the indexer key is cached next to the latent */
    ck_assert(rl_feq(rl_arch_kv_elems_per_token(&a), 4.0 * (64 + 16 + 16)));
    /* indexer params: wq_b, wk, weights_proj (attn) and k_norm (norms) */
    rl_arch_params(&a, &p);
    rl_arch_params(&m, &pm);
    ck_assert(rl_feq(p.attn - pm.attn, 4.0 * (96 * 4 * 16 + 256 * 16 + 256 * 4)));
    ck_assert(rl_feq(p.norms - pm.norms, 4.0 * 2 * 16));
}
END_TEST

/* Latent MoE (Nemotron 3 Super/Ultra): experts in moe_latent, plus a
 * hidden->latent and latent->hidden projection per MoE layer. */
START_TEST(latent_moe_params)
{
    rl_arch a = small(), m;
    rl_err e;
    rl_params p, pm;
    a.experts = 16; a.experts_active = 2; a.moe_intermediate = 128;
    m = a;
    a.moe_latent = 64;
    ck_assert_int_eq(rl_arch_finish(&a, "m.cfg", &e), RL_OK);
    ck_assert_int_eq(rl_arch_finish(&m, "m.cfg", &e), RL_OK);
    rl_arch_params(&a, &p);
    rl_arch_params(&m, &pm);
    ck_assert(rl_feq(p.ffn_experts, 4.0 * 16 * 3 * 64 * 128));
    ck_assert(rl_feq(p.ffn_experts_active, 4.0 * 2 * 3 * 64 * 128));
    ck_assert(rl_feq(p.ffn_dense - pm.ffn_dense, 4.0 * 2 * 256 * 64));
    ck_assert(rl_feq(p.router, pm.router));             /* the router sees hidden */
    ck_assert(rl_feq(p.active - pm.active,
                     4.0 * 2 * 256 * 64 + 4.0 * 2 * 3 * (64 - 256) * 128));
    /* KV and attention are untouched */
    ck_assert(rl_feq(rl_arch_kv_elems_per_token(&a), rl_arch_kv_elems_per_token(&m)));
}
END_TEST

/* Global layers of another shape (Gemma 4): 4 layers, 1 global with
 * head_dim 64, 1 KV head and V from the K projection; 3 windowed. */
START_TEST(global_layers_kv_and_params)
{
    rl_arch a = small(), m;
    rl_err e;
    rl_params p, pm;
    a.sliding_window = 100; a.swa_layers = 3;
    m = a;
    a.global_layers = 1; a.global_head_dim = 64; a.global_kv_heads = 1; a.global_k_eq_v = 1;
    ck_assert_int_eq(rl_arch_finish(&a, "m.cfg", &e), RL_OK);
    ck_assert_int_eq(rl_arch_finish(&m, "m.cfg", &e), RL_OK);
    ck_assert_int_eq(a.head_dim, 32);
    /* per token: 3 x 2 x 2 x 32 + 1 x 2 x 1 x 64 */
    ck_assert(rl_feq(rl_arch_kv_elems_per_token(&a), 3.0 * 128 + 128));
    ck_assert(rl_feq(rl_arch_kv_elems(&a, 1000), 3.0 * 128 * 100 + 128.0 * 1000));
    ck_assert(rl_feq(rl_arch_global_kv_elems(&a, 1000), 128.0 * 1000));
    ck_assert(rl_feq(rl_arch_global_kv_elems(&m, 1000), 0));
    /* a window forced on every layer caps the global one too */
    a.swa_layers = 4;
    ck_assert(rl_feq(rl_arch_kv_elems(&a, 1000), 4.0 * 128 * 100));
    a.swa_layers = 3;
    /* attention FLOPs: 4 x heads x head dim x keys per layer */
    ck_assert(rl_feq(rl_arch_attn_flops_token(&a, 1000),
                     3.0 * 4 * 8 * 32 * 100 + 4.0 * 8 * 64 * 1000));
    /* the global layer: q and o of 8 x 64, k of 1 x 64, no v */
    rl_arch_params(&a, &p);
    rl_arch_params(&m, &pm);
    ck_assert(rl_feq(p.attn - pm.attn, 256.0 * 512 * 2 + 256.0 * 64 -
                                       (256.0 * 256 * 2 + 256.0 * 64 * 2)));
    /* narrower V heads on plain attention (MiMo-V2): v_head_dim 16 */
    m = small();
    m.v_head_dim = 16;
    ck_assert_int_eq(rl_arch_finish(&m, "m.cfg", &e), RL_OK);
    ck_assert(rl_feq(rl_arch_kv_elems_per_token(&m), 4.0 * 2 * (32 + 16)));
    ck_assert(rl_feq(rl_arch_attn_flops_token(&m, 1000), 4.0 * 2 * 8 * (32 + 16) * 1000));
    rl_arch_params(&m, &pm);
    ck_assert(rl_feq(pm.attn, 4.0 * (256.0 * 256 + 256.0 * 64 + 256.0 * 32 + 8.0 * 16 * 256)));
    m = small();
    m.sliding_window = 100; m.swa_layers = 3;
    ck_assert_int_eq(rl_arch_finish(&m, "m.cfg", &e), RL_OK);
    /* defaults: the common shape */
    m.global_layers = 2;
    ck_assert_int_eq(rl_arch_finish(&m, "m.cfg", &e), RL_OK);
    ck_assert_int_eq(m.global_head_dim, 32);
    ck_assert_int_eq(m.global_kv_heads, 2);
}
END_TEST

START_TEST(reject_bad_hybrid_fields)
{
    rl_arch a;
    rl_err e;
#define BAD(stmt, want) do { a = hybrid(); stmt; \
        ck_assert_int_eq(rl_arch_finish(&a, "m.cfg", &e), RL_EINPUT); \
        ck_assert_str_eq(e.msg, want); } while (0)
    BAD(a.linear_layers = -1, "model 't': linear_layers must be in [0, 8], got -1");
    BAD(a.linear_layers = 9, "model 't': linear_layers must be in [0, 8], got 9");
    BAD(a.mixerless_layers = 3, "model 't': mixerless_layers must be in [0, 2], got 3");
    BAD(a.ffnless_layers = -2, "model 't': ffnless_layers must be in [0, 8], got -2");
    BAD((a.ffnless_layers = 6, a.experts = 4, a.experts_active = 1, a.moe_intermediate = 64,
         a.moe_layers = 4), "model 't': moe_layers must be in [0, 2], got 4");
    BAD((a.sliding_window = 64, a.swa_layers = 3),
        "model 't': swa_layers must be in [0, 2], got 3");
    BAD(a.linear_state = -1, "model 't': linear_state must be in [0, 1099511627776], got -1");
    BAD(a.linear_state = 1L << 41,
        "model 't': linear_state must be in [0, 1099511627776], got 2199023255552");
    BAD(a.linear_state = 0,
        "model 't': linear_state and linear_params must be >= 1 when linear_layers > 0");
    BAD(a.linear_params = 0,
        "model 't': linear_state and linear_params must be >= 1 when linear_layers > 0");
    BAD(a.linear_vec_params = -5,
        "model 't': linear_vec_params must be in [0, 1048576], got -5");
    BAD(a.attn_gate = 2, "model 't': attn_gate must be in [0, 1], got 2");
    BAD(a.index_heads = -1, "model 't': index_heads must be in [0, 16384], got -1");
    BAD((a.index_heads = 4, a.index_head_dim = 16, a.index_topk = 0),
        "model 't': index_head_dim and index_topk must be >= 1 with a DSA indexer "
        "(index_heads > 0)");
    BAD((a.index_heads = 4, a.index_topk = 16),
        "model 't': index_head_dim and index_topk must be >= 1 with a DSA indexer "
        "(index_heads > 0)");
    BAD(a.index_topk = -3, "model 't': index_topk must be in [0, 1000000000], got -3");
    BAD(a.moe_latent = -1, "model 't': moe_latent must be in [0, 1048576], got -1");
    BAD(a.moe_latent = 64, "model 't': moe_latent needs routed experts (experts > 0)");
    BAD(a.global_layers = 3, "model 't': global_layers must be in [0, 2], got 3");
    BAD((a.global_layers = 1, a.global_kv_heads = 3),
        "model 't': heads (8) must be a multiple of global_kv_heads (3)");
    BAD((a.global_layers = 1, a.global_head_dim = -4),
        "model 't': global_head_dim must be in [0, 1048576], got -4");
    BAD((a.global_layers = 1, a.global_k_eq_v = 2),
        "model 't': global_k_eq_v must be in [0, 1], got 2");
    BAD(a.global_head_dim = 64,
        "model 't': global_head_dim, global_kv_heads and global_k_eq_v need "
        "global_layers > 0");
    BAD((a.global_layers = 1, a.kv_lora_rank = 64, a.qk_rope_dim = 16),
        "model 't': global_layers needs plain attention (kv_lora_rank 0)");
#undef BAD
}
END_TEST

START_TEST(encoder_without_dims)
{
    rl_arch a;
    rl_err e;
    rl_params p;
    memset(&a, 0, sizeof a);
    strcpy(a.id, "cnn");
    a.kind = RL_ENCODER;
    a.params_b = 0.0256;
    a.gflops_per_input = 8.2;
    ck_assert_int_eq(rl_arch_finish(&a, "m.cfg", &e), RL_OK);
    ck_assert_int_eq(a.input_tokens, 1);
    rl_arch_params(&a, &p);
    ck_assert(rl_feq(p.total, 0.0256e9));
    ck_assert(rl_feq(rl_arch_flops_token(&a, 123), 8.2e9));
    ck_assert(rl_arch_kv_elems(&a, 1000) == 0);
    a.gflops_per_input = 0;
    ck_assert_int_eq(rl_arch_finish(&a, "m.cfg", &e), RL_EINPUT);
    ck_assert_str_eq(e.msg, "model 'cnn': needs transformer dims (layers, hidden, heads, ...) "
                            "or, for an encoder, params_b and gflops_per_input");
    a.gflops_per_input = 8.2;
    a.kind = RL_DECODER;                       /* a decoder always needs dims */
    ck_assert_int_eq(rl_arch_finish(&a, "m.cfg", &e), RL_EINPUT);
}
END_TEST

START_TEST(encoders_hold_no_kv)
{
    const rl_arch *b = model("bert-base");
    rl_params p;
    ck_assert(rl_arch_kv_elems(b, 512) == 0);
    ck_assert(rl_arch_kv_elems_per_token(b) == 0);
    rl_arch_params(b, &p);
    ck_assert(p.lm_head == 0);
    ck_assert_msg(within(p.total, 0.110e9, 0.03), "bert-base %g", p.total);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("arch");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, llama31_8b_params);
    tcase_add_test(tc, tied_embeddings_counted_once);
    tcase_add_test(tc, gqa_kv_elems);
    tcase_add_test(tc, sliding_window_caps_kv);
    tcase_add_test(tc, mla_kv_latent);
    tcase_add_test(tc, moe_active_below_total);
    tcase_add_test(tc, flops_per_token);
    tcase_add_test(tc, finish_fills_defaults);
    tcase_add_test(tc, reject_heads_not_multiple);
    tcase_add_test(tc, reject_topk_above_experts);
    tcase_add_test(tc, reject_negative_and_huge);
    tcase_add_test(tc, hybrid_kv_and_flops);
    tcase_add_test(tc, dsa_flops_and_kv);
    tcase_add_test(tc, latent_moe_params);
    tcase_add_test(tc, global_layers_kv_and_params);
    tcase_add_test(tc, reject_bad_hybrid_fields);
    tcase_add_test(tc, encoder_without_dims);
    tcase_add_test(tc, encoders_hold_no_kv);
    suite_add_tcase(s, tc);
    return rl_test_run(s);
}
