/*
 * test_import.c -- Check suite for model/import_hf.c, import_gguf.c and
 * import.c.
 *
 * HF: every config.json in data/hf-configs (RL_REPO_DATA, shipped with
 * the repo: a missing file fails the test) must import or be refused with a
 * clean message; known models are pinned to exact figures and parameter
 * totals; tests/data/hf/ holds small hostile fixtures with pinned messages.
 *
 * GGUF: no real GGUF ships with the repo, so a tiny writer below builds
 * headers in memory (a llama-like model with tensors of known types) and
 * the tests pin exact tensor bytes, then mutate the header: every prefix,
 * absurd counts, oversized strings, bad n_dims, unknown types.
 */
#include <check.h>
#include "testutil.h"
#include <dirent.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "import.h"

#define HF_DIR RL_REPO_DATA "/hf-configs"
#define FIX RL_TEST_DATA "/hf/"

static rl_arch A;
static rl_err E;
static rl_params P;
static char PATHBUF[512];

static int near_rel(double got, double want, double tol)
{
    return fabs(got - want) <= tol * fabs(want);
}

/* Import a shipped config by file name; always returns 1 (a missing file
 * fails the test: data/hf-configs is part of the repo). */
static int shared(const char *file)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", HF_DIR, file);
    ck_assert_msg(access(path, R_OK) == 0, "%s: missing from data/hf-configs", file);
    memset(&E, 0, sizeof E);
    ck_assert_msg(rl_import_hf(path, &A, &E) == RL_OK, "%s: %s", file, E.msg);
    rl_arch_params(&A, &P);
    return 1;
}

/* Import a fixture expecting failure; returns the code. */
static int fixture_fail(const char *file)
{
    memset(&E, 0, sizeof E);
    int rc = rl_import_hf(file, &A, &E);
    ck_assert_int_ne(rc, RL_OK);
    return rc;
}

/* ------------------------------------------------------------------ */
/* HF: the shared folder                                               */
/* ------------------------------------------------------------------ */

START_TEST(t_hf_all_shared)
{
    DIR *d = opendir(HF_DIR);
    struct dirent *de;
    int ok = 0, unsupported = 0, total = 0;
    const char *need[] = { "llama", "mistral", "mixtral", "qwen3", "qwen3_moe",
                           "deepseek_v3", "gpt_oss", "llama4", "deepseek_v32",
                           "glm_moe_dsa", "qwen3_5", "qwen3_5_moe", "nemotron_h",
                           "gemma4", "mimo_v2_flash", "step3p7", "nemotron-nas" };
    enum { NEED = sizeof need / sizeof need[0] };
    int seen[NEED] = { 0 };

    ck_assert_msg(d != NULL, "%s: cannot open", HF_DIR);
    while ((de = readdir(d))) {
        char path[1024];
        if (de->d_name[0] == '.') continue;
        snprintf(path, sizeof path, "%s/%s", HF_DIR, de->d_name);
        memset(&E, 0, sizeof E);
        int rc = rl_import_file(path, &A, NULL, &E);
        total++;
        ck_assert_msg(rc == RL_OK || rc == RL_EINPUT, "%s: rc %d", de->d_name, rc);
        if (rc == RL_OK) {
            ok++;
            for (int i = 0; i < NEED; i++) seen[i] |= strcmp(A.family, need[i]) == 0;
            ck_assert(A.id[0] && A.layers > 0 && A.vocab > 0);
        } else {
            ck_assert_msg(E.msg[0] != '\0', "%s: empty message", de->d_name);
            ck_assert_msg(strstr(E.msg, "unsupported model_type '") == E.msg,
                          "%s: %s", de->d_name, E.msg);
            unsupported++;
        }
    }
    closedir(d);
    ck_assert_int_eq(ok + unsupported, total);
    for (int i = 0; i < NEED; i++) ck_assert_msg(seen[i], "no %s imported", need[i]);
    ck_assert_int_ge(ok, 81);       /* 46 + DSA 11, Qwen3.5/3.6 8, Nemotron-H 4,
                                       latent MoE 5, Gemma 4 3, MiMo-V2 1,
                                       Step-3.7 2, Nemotron-NAS 1 */
}
END_TEST

START_TEST(t_hf_llama31_8b)
{
    if (!shared("meta-llama--Meta-Llama-3.1-8B_config.json")) return;
    ck_assert_str_eq(A.id, "meta-llama-3.1-8b");
    ck_assert_str_eq(A.name, "Meta-Llama-3.1-8B");
    ck_assert_str_eq(A.family, "llama");
    ck_assert_str_eq(A.source, "HF config.json: meta-llama--Meta-Llama-3.1-8B_config.json");
    ck_assert_int_eq(A.layers, 32);
    ck_assert_int_eq(A.hidden, 4096);
    ck_assert_int_eq(A.heads, 32);
    ck_assert_int_eq(A.kv_heads, 8);
    ck_assert_int_eq(A.head_dim, 128);
    ck_assert_int_eq(A.intermediate, 14336);
    ck_assert_int_eq(A.ffn_mats, 3);
    ck_assert_int_eq(A.vocab, 128256);
    ck_assert_int_eq(A.max_context, 131072);
    ck_assert_int_eq(A.tied_embeddings, 0);
    ck_assert_int_eq(A.experts, 0);
    ck_assert_int_eq(A.sliding_window, 0);
    ck_assert_msg(near_rel(P.total, 8.03e9, 0.01), "total %g", P.total);
}
END_TEST

START_TEST(t_hf_deepseek_v3)
{
    if (!shared("deepseek-ai--DeepSeek-V3_config.json")) return;
    ck_assert_str_eq(A.id, "deepseek-v3");
    ck_assert_int_eq(A.layers, 61);
    ck_assert_int_eq(A.kv_lora_rank, 512);
    ck_assert_int_eq(A.q_lora_rank, 1536);
    ck_assert_int_eq(A.qk_rope_dim, 64);
    ck_assert_int_eq(A.qk_nope_dim, 128);
    ck_assert_int_eq(A.v_head_dim, 128);
    ck_assert_int_eq(A.head_dim, 192);
    ck_assert_int_eq(A.experts, 256);
    ck_assert_int_eq(A.experts_active, 8);
    ck_assert_int_eq(A.shared_experts, 1);
    ck_assert_int_eq(A.moe_intermediate, 2048);
    ck_assert_int_eq(A.moe_layers, 58);
    ck_assert_msg(near_rel(P.total, 671e9, 0.02), "total %g", P.total);
    ck_assert_msg(near_rel(P.active, 37e9, 0.05), "active %g", P.active);
}
END_TEST

/* DSA sparse attention: DeepSeek-V3.2 (671 B total, 37 B active) and
 * GLM-5 (744 B / 40 B published; the config implies 743.9 B). */
START_TEST(t_hf_dsa)
{
    if (!shared("deepseek-ai--DeepSeek-V3.2_config.json")) return;
    ck_assert_str_eq(A.family, "deepseek_v32");
    ck_assert_int_eq(A.index_heads, 64);
    ck_assert_int_eq(A.index_head_dim, 128);
    ck_assert_int_eq(A.index_topk, 2048);
    ck_assert_int_eq(A.moe_layers, 58);
    ck_assert_int_eq(A.linear_layers, 0);
    ck_assert_msg(near_rel(P.total, 671e9, 0.03), "total %g", P.total);
    ck_assert_msg(near_rel(P.active, 37e9, 0.03), "active %g", P.active);
    /* latent + rope key + indexer key per layer per token */
    ck_assert(rl_feq(rl_arch_kv_elems_per_token(&A), 61.0 * (512 + 64 + 128)));
    ck_assert(rl_feq(rl_arch_kv_elems(&A, 1000), 61.0 * (512 + 64 + 128) * 1000));
    /* past top-k only the indexer term grows: 2 x 64 x 128 per token per layer */
    double d = rl_arch_attn_flops_token(&A, 20000) - rl_arch_attn_flops_token(&A, 10000);
    ck_assert(rl_feq(d, 61.0 * 2 * 64 * 128 * 10000));

    if (!shared("zai-org--GLM-5_config.json")) return;
    ck_assert_str_eq(A.family, "glm_moe_dsa");
    ck_assert_int_eq(A.layers, 78);
    ck_assert_int_eq(A.head_dim, 256);          /* qk_head_dim, not the stated 64 */
    ck_assert_int_eq(A.qk_nope_dim, 192);
    ck_assert_int_eq(A.v_head_dim, 256);
    ck_assert_int_eq(A.moe_layers, 75);
    ck_assert_int_eq(A.index_heads, 32);
    ck_assert_msg(near_rel(P.total, 744e9, 0.03), "total %g", P.total);
    ck_assert_msg(near_rel(P.active, 40e9, 0.03), "active %g", P.active);
}
END_TEST

/* Qwen3.5 / 3.6: Gated DeltaNet + gated full attention (3:1). */
START_TEST(t_hf_qwen35)
{
    if (!shared("Qwen--Qwen3.5-27B_config.json")) return;
    ck_assert_str_eq(A.family, "qwen3_5");
    ck_assert_int_eq(A.layers, 64);
    ck_assert_int_eq(A.linear_layers, 48);
    ck_assert_int_eq(rl_arch_attn_layers(&A), 16);
    ck_assert_int_eq(A.attn_gate, 1);
    ck_assert_int_eq(A.experts, 0);
    ck_assert_msg(near_rel(P.total, 27e9, 0.03), "total %g", P.total);
    /* state: conv (2 x 16 x 128 + 48 x 128) x 3 + recurrent 48 x 128 x 128 */
    double state = (2.0 * 16 * 128 + 48 * 128) * 3 + 48.0 * 128 * 128;
    ck_assert_int_eq(A.linear_state, (long)state);
    ck_assert(rl_feq(rl_arch_state_elems(&A), 48 * state));
    /* only the 16 attention layers grow: 2 x 4 kv heads x 256 per token */
    double grow = 16.0 * 2 * 4 * 256;
    ck_assert(rl_feq(rl_arch_kv_elems_per_token(&A), grow));
    ck_assert(rl_feq(rl_arch_kv_elems(&A, 8192) - rl_arch_kv_elems(&A, 4096), grow * 4096));
    ck_assert(rl_feq(rl_arch_kv_elems(&A, 1), grow + 48 * state));
    /* linear layers add no context-dependent attention work */
    ck_assert(rl_feq(rl_arch_attn_flops_token(&A, 1000), 16.0 * 4 * 24 * 256 * 1000));

    if (!shared("Qwen--Qwen3.5-35B-A3B_config.json")) return;
    ck_assert_str_eq(A.family, "qwen3_5_moe");
    ck_assert_int_eq(A.linear_layers, 30);
    ck_assert_int_eq(A.experts, 256);
    ck_assert_int_eq(A.moe_layers, 40);
    ck_assert_int_eq(A.shared_intermediate, 512);
    ck_assert_msg(near_rel(P.total, 35e9, 0.03), "total %g", P.total);
    ck_assert_msg(near_rel(P.active, 3e9, 0.03), "active %g", P.active);
}
END_TEST

/* Nemotron-H: Mamba2 / attention / MLP / MoE blocks. */
START_TEST(t_hf_nemotron_h)
{
    if (!shared("nvidia--NVIDIA-Nemotron-3-Nano-30B-A3B-BF16_config.json")) return;
    ck_assert_str_eq(A.family, "nemotron_h");
    ck_assert_int_eq(A.layers, 52);
    ck_assert_int_eq(A.linear_layers, 23);          /* M */
    ck_assert_int_eq(rl_arch_attn_layers(&A), 6);   /* * */
    ck_assert_int_eq(A.moe_layers, 23);             /* E */
    ck_assert_int_eq(A.ffnless_layers, 29);
    ck_assert_int_eq(A.ffn_mats, 2);                /* relu2 */
    /* model card: 31.6 B total, about 3.2 B active without embeddings */
    ck_assert_msg(near_rel(P.total, 31.6e9, 0.03), "total %g", P.total);
    ck_assert_msg(near_rel(P.active, 3.2e9, 0.03), "active %g", P.active);
    /* Mamba2 state: conv (4096 + 2 x 8 x 128) x 3 + 64 x 64 x 128 */
    ck_assert_int_eq(A.linear_state, (4096L + 2 * 8 * 128) * 3 + 64L * 64 * 128);
    double grow = 6.0 * 2 * 2 * 128;
    ck_assert(rl_feq(rl_arch_kv_elems(&A, 2000) - rl_arch_kv_elems(&A, 1000), grow * 1000));

    if (!shared("nvidia--Nemotron-H-56B-Base-8K_config.json")) return;
    ck_assert_int_eq(A.linear_layers, 54);
    ck_assert_int_eq(rl_arch_attn_layers(&A), 10);
    ck_assert_int_eq(A.head_dim, 128);              /* attention_head_dim */
    ck_assert_msg(near_rel(P.total, 56e9, 0.03), "total %g", P.total);

    /* latent MoE (Nemotron 3 Super): 512 experts of 1024 -> 2688 -> 1024 */
    if (!shared("nvidia--NVIDIA-Nemotron-3-Super-120B-A12B-FP8_config.json")) return;
    ck_assert_int_eq(A.moe_latent, 1024);
    ck_assert_int_eq(A.layers, 88);
    ck_assert_int_eq(A.linear_layers, 40);
    ck_assert_int_eq(A.moe_layers, 40);
    ck_assert_int_eq(rl_arch_attn_layers(&A), 8);
    ck_assert_msg(near_rel(P.total, 120e9, 0.03), "total %g", P.total);
    ck_assert_msg(near_rel(P.active, 12e9, 0.03), "active %g", P.active);
    ck_assert(rl_feq(rl_arch_kv_elems_per_token(&A), 8.0 * 2 * 2 * 128));
    ck_assert(rl_feq(rl_arch_state_elems(&A),
                     40.0 * ((8192 + 2 * 8 * 128) * 3 + 128.0 * 64 * 128)));

    /* Ultra: no num_hidden_layers, layers_block_type gives 108 */
    if (!shared("nvidia--NVIDIA-Nemotron-3-Ultra-550B-A55B-BF16_config.json")) return;
    ck_assert_int_eq(A.layers, 108);
    ck_assert_int_eq(A.moe_latent, 2048);
    ck_assert_int_eq(rl_arch_attn_layers(&A), 12);
    ck_assert_msg(near_rel(P.total, 550e9, 0.03), "total %g", P.total);
    ck_assert_msg(near_rel(P.active, 55e9, 0.03), "active %g", P.active);
}
END_TEST

/* Gemma 4: sliding layers plus full-attention layers of another shape. */
START_TEST(t_hf_gemma4)
{
    if (!shared("nvidia--Gemma-4-31B-IT-NVFP4_config.json")) return;
    ck_assert_str_eq(A.family, "gemma4");
    ck_assert_int_eq(A.layers, 60);
    ck_assert_int_eq(A.swa_layers, 50);
    ck_assert_int_eq(A.sliding_window, 1024);
    ck_assert_int_eq(A.global_layers, 10);
    ck_assert_int_eq(A.global_head_dim, 512);
    ck_assert_int_eq(A.global_kv_heads, 4);
    ck_assert_int_eq(A.global_k_eq_v, 1);
    ck_assert_int_eq(A.tied_embeddings, 1);
    /* model card: 30.7 B (name 31B), vision tower not counted */
    ck_assert_msg(near_rel(P.total, 31e9, 0.03), "total %g", P.total);
    /* KV per token: 50 x 2 x 16 x 256 + 10 x 2 x 4 x 512 */
    ck_assert(rl_feq(rl_arch_kv_elems_per_token(&A), 50.0 * 8192 + 10.0 * 4096));
    /* past the window only the 10 global layers grow */
    ck_assert(rl_feq(rl_arch_kv_elems(&A, 3000) - rl_arch_kv_elems(&A, 2000),
                     10.0 * 4096 * 1000));

    if (!shared("google--gemma-4-26B-A4B_config.json")) return;
    ck_assert_int_eq(A.experts, 128);
    ck_assert_int_eq(A.experts_active, 8);
    ck_assert_int_eq(A.moe_layers, 30);
    ck_assert_int_eq(A.shared_intermediate, 2112);  /* the dense MLP, always on */
    ck_assert_int_eq(A.global_layers, 5);
    /* model card: 25.2 B total (26B with the vision tower), 3.8 B active */
    ck_assert_msg(near_rel(P.total, 26e9, 0.03), "total %g", P.total);
    ck_assert_msg(near_rel(P.active, 3.8e9, 0.03), "active %g", P.active);
    ck_assert(rl_feq(rl_arch_kv_elems_per_token(&A), 25.0 * 4096 + 5.0 * 2048));
}
END_TEST

/* MiMo-V2-Flash, Step-3.7-Flash, Llama-3.3-Nemotron-Super-49B (NAS). */
START_TEST(t_hf_mimo_step_nas)
{
    if (!shared("XiaomiMiMo--MiMo-V2-Flash_config.json")) return;
    ck_assert_str_eq(A.family, "mimo_v2_flash");
    ck_assert_int_eq(A.swa_layers, 39);
    ck_assert_int_eq(A.sliding_window, 128);
    ck_assert_int_eq(A.global_layers, 9);
    ck_assert_int_eq(A.kv_heads, 8);                /* sliding layers */
    ck_assert_int_eq(A.global_kv_heads, 4);         /* full layers */
    ck_assert_int_eq(A.v_head_dim, 128);            /* under 192-wide q/k */
    ck_assert_int_eq(A.moe_layers, 47);
    /* published: 309 B total, 15 B active */
    ck_assert_msg(near_rel(P.total, 309e9, 0.03), "total %g", P.total);
    ck_assert_msg(near_rel(P.active, 15e9, 0.03), "active %g", P.active);
    ck_assert(rl_feq(rl_arch_kv_elems_per_token(&A), 39.0 * 8 * 320 + 9.0 * 4 * 320));

    if (!shared("stepfun-ai--Step-3.7-Flash_config.json")) return;
    ck_assert_str_eq(A.family, "step3p7");
    ck_assert_int_eq(A.moe_layers, 42);
    ck_assert_int_eq(A.swa_layers, 33);
    ck_assert_int_eq(A.shared_intermediate, 1280);
    /* 196 B total as Step-3.5-Flash; 11 B active counts the embedding */
    ck_assert_msg(near_rel(P.total, 196e9, 0.03), "total %g", P.total);
    ck_assert_msg(near_rel(P.active + P.embed, 11e9, 0.03), "active %g", P.active);

    if (!shared("nvidia--Llama-3_3-Nemotron-Super-49B-v1_config.json")) return;
    ck_assert_str_eq(A.family, "nemotron-nas");
    ck_assert_int_eq(A.mixerless_layers, 31);       /* no-op attention */
    ck_assert_int_eq(rl_arch_attn_layers(&A), 49);
    ck_assert_int_eq(A.kv_heads, 8);
    ck_assert_msg(near_rel(P.total, 49.9e9, 0.03), "total %g", P.total);
    ck_assert(rl_feq(rl_arch_kv_elems_per_token(&A), 49.0 * 2 * 8 * 128));
}
END_TEST

/* Malformed hybrid / DSA configs: RL_EINPUT with a message naming the key. */
START_TEST(t_hf_hybrid_errors)
{
#define Q35 "{\"model_type\":\"qwen3_5\",\"num_hidden_layers\":4,\"hidden_size\":256," \
    "\"num_attention_heads\":4,\"num_key_value_heads\":2,\"head_dim\":64,\"vocab_size\":1000," \
    "\"intermediate_size\":512,\"linear_num_key_heads\":2,\"linear_key_head_dim\":32," \
    "\"linear_value_head_dim\":32,\"linear_conv_kernel_dim\":4,"
#define NH "{\"model_type\":\"nemotron_h\",\"num_hidden_layers\":4,\"hidden_size\":256," \
    "\"num_attention_heads\":4,\"num_key_value_heads\":2,\"head_dim\":64,\"vocab_size\":1000," \
    "\"intermediate_size\":512,\"mamba_num_heads\":8,\"mamba_head_dim\":64," \
    "\"ssm_state_size\":16,\"n_groups\":1,\"conv_kernel\":4,"
#define MV0 "{\"model_type\":\"mimo_v2_flash\",\"num_hidden_layers\":4,\"hidden_size\":256," \
    "\"num_attention_heads\":4,\"num_key_value_heads\":2,\"head_dim\":96,\"v_head_dim\":64," \
    "\"vocab_size\":1000,\"intermediate_size\":512,\"moe_intermediate_size\":64," \
    "\"n_routed_experts\":8,\"num_experts_per_tok\":2," \
    "\"sliding_window\":128,\"moe_layer_freq\":[0,1,1,1],"
#define MV MV0 "\"swa_num_key_value_heads\":4,"
#define NAS "{\"model_type\":\"nemotron-nas\",\"num_hidden_layers\":2,\"hidden_size\":768," \
    "\"num_attention_heads\":4,\"vocab_size\":1000,\"block_configs\":[{\"attention\":" \
    "{\"no_op\":true},\"ffn\":{\"ffn_mult\":1.0}},"
#define G4 "{\"model_type\":\"gemma4_text\",\"num_hidden_layers\":4,\"hidden_size\":256," \
    "\"num_attention_heads\":4,\"num_key_value_heads\":2,\"head_dim\":64,\"vocab_size\":1000," \
    "\"intermediate_size\":512,\"sliding_window\":128,"
#define G4T "\"layer_types\":[\"sliding_attention\",\"sliding_attention\"," \
    "\"sliding_attention\",\"full_attention\"]"
#define G4L "\"global_head_dim\":128," G4T
#define DSA "{\"model_type\":\"deepseek_v32\",\"num_hidden_layers\":4,\"hidden_size\":256," \
    "\"num_attention_heads\":4,\"vocab_size\":1000,\"intermediate_size\":512," \
    "\"moe_intermediate_size\":64,\"n_routed_experts\":8,\"num_experts_per_tok\":2," \
    "\"kv_lora_rank\":64,\"q_lora_rank\":96,\"qk_rope_head_dim\":16,\"qk_nope_head_dim\":32," \
    "\"v_head_dim\":32,\"index_n_heads\":4,\"index_head_dim\":32,"
    static const struct { const char *in; const char *msg; } cases[] = {
        { Q35 "\"linear_num_value_heads\":4,\"layer_types\":[\"linear_attention\","
          "\"full_attention\"]}",
          "text_config.layer_types: expected 4 entries (num_hidden_layers), got 2" },
        { Q35 "\"linear_num_value_heads\":4,\"layer_types\":[\"linear_attention\","
          "\"mamba\",\"linear_attention\",\"full_attention\"]}",
          "text_config.layer_types[1]: expected \"linear_attention\" or \"full_attention\"" },
        { Q35 "\"linear_num_value_heads\":-4}",
          "text_config.linear_num_value_heads: expected a positive integer, got -4" },
        { Q35 "\"linear_num_value_heads\":0}",
          "text_config.linear_num_value_heads: expected a positive integer, got 0" },
        { Q35 "\"linear_num_value_heads\":1000000000}",
          "text_config.linear_* dimensions are absurd (2.52e+13 params, 1.12e+12 state "
          "elements per layer)" },
        { NH "\"hybrid_override_pattern\":\"M*-X\"}",
          "hybrid_override_pattern[3]: unknown block 'X' (expected M, *, - or E)" },
        { NH "\"hybrid_override_pattern\":\"M*-\"}",
          "hybrid_override_pattern: expected 4 blocks (num_hidden_layers), got 3" },
        { NH "\"hybrid_override_pattern\":7}",
          "hybrid_override_pattern: expected a string of M, *, - and E, got 7" },
        { NH "\"hybrid_override_pattern\":\"M*-E\"}",
          "moe_intermediate_size: missing (expected a positive integer)" },
        { NH "\"hybrid_override_pattern\":\"M*EE\",\"moe_intermediate_size\":64,"
          "\"n_routed_experts\":8,\"num_experts_per_tok\":2,\"moe_latent_size\":0}",
          "moe_latent_size: expected a positive integer, got 0" },
        { NH "\"hybrid_override_pattern\":\"M*EE\",\"moe_intermediate_size\":64,"
          "\"n_routed_experts\":8,\"num_experts_per_tok\":2,\"moe_latent_size\":\"64\"}",
          "moe_latent_size: expected a positive integer, got \"64\"" },
        { "{\"model_type\":\"nemotron_h\",\"hidden_size\":256,\"num_attention_heads\":4,"
          "\"vocab_size\":1000,\"layers_block_type\":[]}",
          "layers_block_type: expected 1 to 4096 blocks, got 0" },
        { "{\"model_type\":\"llama\",\"hidden_size\":256,\"num_attention_heads\":4,"
          "\"vocab_size\":1000,\"intermediate_size\":512}",
          "num_hidden_layers: missing (expected a positive integer)" },
        { G4 "\"num_global_key_value_heads\":3," G4L "}",
          "model 'h': heads (4) must be a multiple of global_kv_heads (3)" },
        { G4 "\"num_global_key_value_heads\":0," G4L "}",
          "num_global_key_value_heads: expected a positive integer, got 0" },
        { G4 "\"global_head_dim\":-1," G4T "}",
          "global_head_dim: expected a positive integer, got -1" },
        { G4 "\"attention_k_eq_v\":1," G4L "}",
          "attention_k_eq_v: expected true or false, got 1" },
        { G4 "\"layer_types\":[\"sliding_attention\",\"full_attention\",\"chunked\","
          "\"full_attention\"]}",
          "layer_types: expected only \"sliding_attention\" and \"full_attention\" entries" },
        { G4 "\"vocab_size_per_layer_input\":1000}",
          "layer_types: missing (expected an array of \"sliding_attention\" and "
          "\"full_attention\")" },
        { G4 "\"hidden_size_per_layer_input\":256," G4L "}",
          "hidden_size_per_layer_input: per-layer input embeddings are not modelled "
          "(expected 0, got 256)" },
        { G4 "\"num_kv_shared_layers\":2," G4L "}",
          "num_kv_shared_layers: KV sharing across layers is not modelled (expected 0, got 2)" },
        { G4 "\"enable_moe_block\":true,\"num_experts\":8,\"top_k_experts\":2," G4L "}",
          "moe_intermediate_size: missing (expected a positive integer)" },
        { MV "\"hybrid_layer_pattern\":[0,1,1]}",
          "hybrid_layer_pattern: expected 4 entries (num_hidden_layers), got 3" },
        { MV "\"hybrid_layer_pattern\":[0,1,2,1]}", "hybrid_layer_pattern[2]: expected 0 or 1" },
        { MV0 "\"swa_num_key_value_heads\":0,\"hybrid_layer_pattern\":[0,1,1,1]}",
          "swa_num_key_value_heads: expected a positive integer, got 0" },
        { MV "\"hybrid_layer_pattern\":[0,1,1,1],\"swa_head_dim\":64}",
          "swa_num_attention_heads, swa_head_dim and swa_v_head_dim must equal the full "
          "layers' (only the KV heads may differ)" },
        { MV "\"sliding_window\":null}",
          "hybrid_layer_pattern: missing (expected an array of 0 (full) and 1 (sliding) "
          "per layer)" },
        { NAS "{\"attention\":{\"n_heads_in_group\":3},\"ffn\":{\"ffn_mult\":1.0}}]}",
          "block_configs[1].attention.n_heads_in_group: expected a divisor of "
          "num_attention_heads (4)" },
        { NAS "{\"attention\":{\"n_heads_in_group\":2},\"ffn\":{\"ffn_mult\":-1}}]}",
          "block_configs[1].ffn.ffn_mult: expected a number in (0, 1000]" },
        { NAS "{\"attention\":{\"n_heads_in_group\":2,\"window_length\":64},"
          "\"ffn\":{\"ffn_mult\":1.0}}]}",
          "block_configs[1].attention.window_length: not modelled (expected null or false)" },
        { NAS "{\"attention\":{\"n_heads_in_group\":2},\"ffn\":{\"replace_with_linear\":true}}]}",
          "block_configs[1].ffn.replace_with_linear: not modelled (expected null or false)" },
        { NAS "7]}", "block_configs[1]: expected an object with \"attention\" and \"ffn\" objects" },
        { NAS "{\"attention\":{\"no_op\":true},\"ffn\":{\"no_op\":true}},"
          "{\"attention\":{\"no_op\":true},\"ffn\":{\"no_op\":true}}]}",
          "block_configs: expected 2 entries (num_hidden_layers), got 3" },
        { "{\"model_type\":\"nemotron-nas\",\"num_hidden_layers\":2,\"hidden_size\":768,"
          "\"num_attention_heads\":4,\"vocab_size\":1000}",
          "block_configs: missing (expected an array of per-layer blocks)" },
        { "{\"model_type\":\"step3p7\",\"num_hidden_layers\":4,\"hidden_size\":256,"
          "\"num_attention_heads\":4,\"vocab_size\":1000,\"intermediate_size\":512,"
          "\"moe_intermediate_size\":64,\"num_experts\":8,\"num_experts_per_tok\":9}",
          "model 'h': experts_active must be in [1, experts=8], got 9" },
        { DSA "\"index_topk\":0}", "index_topk: expected a positive integer, got 0" },
        { DSA "\"index_topk\":64,\"qk_head_dim\":40}",
          "qk_head_dim: expected qk_nope_head_dim + qk_rope_head_dim = 48, got 40" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[2048];
        const char *in = cases[i].in;
        /* the Qwen3.5 cases are wrapped like the real configs */
        if (strncmp(in, "{\"model_type\":\"qwen3_5\"", 23) == 0) {
            snprintf(buf, sizeof buf, "{\"model_type\":\"qwen3_5\",\"text_config\":%s}", in);
            in = buf;
        }
        memset(&E, 0, sizeof E);
        ck_assert_msg(rl_import_hf_buf(in, strlen(in), "h.json", &A, &E) == RL_EINPUT,
                      "case %zu imported", i);
        ck_assert_str_eq(E.msg, cases[i].msg);
    }
    /* and the valid forms import */
    static const char *ok[] = {
        Q35 "\"linear_num_value_heads\":4}",
        NH "\"hybrid_override_pattern\":\"M*-M\"}",
        NH "\"hybrid_override_pattern\":\"M*EE\",\"moe_intermediate_size\":64,"
        "\"n_routed_experts\":8,\"num_experts_per_tok\":2,\"moe_latent_size\":32}",
        DSA "\"index_topk\":64}",
        MV "\"hybrid_layer_pattern\":[0,1,1,1]}",
        NAS "{\"attention\":{\"n_heads_in_group\":2},\"ffn\":{\"ffn_mult\":2.5}}]}",
        "{\"model_type\":\"step3p7\",\"num_hidden_layers\":4,\"hidden_size\":256,"
        "\"num_attention_heads\":4,\"vocab_size\":1000,\"intermediate_size\":512,"
        "\"moe_intermediate_size\":64,\"num_experts\":8,\"num_experts_per_tok\":2,"
        "\"first_k_dense_replace\":1,\"share_expert_dim\":64,\"sliding_window\":64,"
        "\"layer_types\":[\"full_attention\",\"sliding_attention\",\"sliding_attention\","
        "\"full_attention\"]}",
        G4 G4L "}",
        G4 "\"enable_moe_block\":true,\"num_experts\":8,\"top_k_experts\":2,"
        "\"moe_intermediate_size\":64," G4L "}",
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        memset(&E, 0, sizeof E);
        ck_assert_msg(rl_import_hf_buf(ok[i], strlen(ok[i]), "h.json", &A, &E) == RL_OK,
                      "%zu: %s", i, E.msg);
    }
#undef Q35
#undef NH
#undef DSA
#undef G4
#undef MV
#undef MV0
#undef NAS
#undef G4T
#undef G4L
}
END_TEST

START_TEST(t_hf_kimi_k25_wrapper)
{
    if (!shared("moonshotai--Kimi-K2.5_config.json")) return;
    ck_assert_str_eq(A.family, "kimi_k2");
    ck_assert_int_eq(A.experts, 384);
    ck_assert_int_eq(A.moe_layers, 60);
    ck_assert_ptr_nonnull(strstr(A.source, "text_config"));
    ck_assert_msg(near_rel(P.total, 1.03e12, 0.02), "total %g", P.total);
}
END_TEST

START_TEST(t_hf_gpt_oss_20b)
{
    if (!shared("openai--gpt-oss-20b_config.json")) return;
    ck_assert_int_eq(A.layers, 24);
    ck_assert_int_eq(A.sliding_window, 128);
    ck_assert_int_eq(A.swa_layers, 12);
    ck_assert_int_eq(A.experts, 32);
    ck_assert_int_eq(A.experts_active, 4);
    ck_assert_int_eq(A.moe_intermediate, 2880);
    ck_assert_int_eq(A.moe_layers, 24);
    ck_assert_int_eq(A.attn_bias, 1);
    ck_assert_int_eq(A.head_dim, 64);
    ck_assert_msg(near_rel(P.total, 20.9e9, 0.02), "total %g", P.total);
    /* KV: 12 full layers x 1000 tokens + 12 window layers x 128 tokens. */
    double kv = rl_arch_kv_elems(&A, 1000);
    ck_assert_msg(near_rel(kv, 2.0 * 8 * 64 * (12 * 1000 + 12 * 128), 1e-9), "kv %g", kv);
}
END_TEST

START_TEST(t_hf_mixtral)
{
    if (!shared("mistralai--Mixtral-8x7B-v0.1_config.json")) return;
    ck_assert_int_eq(A.experts, 8);
    ck_assert_int_eq(A.experts_active, 2);
    ck_assert_int_eq(A.moe_intermediate, 14336);
    ck_assert_int_eq(A.moe_layers, 32);
    ck_assert_int_eq(A.sliding_window, 0);        /* null */
    ck_assert_msg(near_rel(P.total, 46.7e9, 0.01), "total %g", P.total);
    ck_assert_msg(near_rel(P.active, 12.9e9, 0.03), "active %g", P.active);
}
END_TEST

START_TEST(t_hf_mistral_qwen3)
{
    if (shared("mistralai__Mistral-7B-v0.1.json")) {
        ck_assert_str_eq(A.id, "mistral-7b-v0.1");
        ck_assert_int_eq(A.sliding_window, 4096);
        ck_assert_int_eq(A.swa_layers, 32);
        ck_assert_msg(near_rel(P.total, 7.24e9, 0.01), "total %g", P.total);
    }
    if (shared("Qwen--Qwen3-30B-A3B_config.json")) {
        ck_assert_int_eq(A.experts, 128);
        ck_assert_int_eq(A.moe_intermediate, 768);
        ck_assert_int_eq(A.moe_layers, 48);
        ck_assert_int_eq(A.sliding_window, 0);    /* use_sliding_window false */
        ck_assert_msg(near_rel(P.total, 30.5e9, 0.01), "total %g", P.total);
    }
    if (shared("Qwen--Qwen3-0.6B_config.json")) {
        ck_assert_int_eq(A.tied_embeddings, 1);
        ck_assert_int_eq(A.head_dim, 128);
    }
}
END_TEST

START_TEST(t_hf_llama4)
{
    if (shared("meta-llama--Llama-4-Scout-17B-16E-Instruct_config.json")) {
        ck_assert_int_eq(A.moe_layers, 48);
        ck_assert_int_eq(A.experts, 16);
        ck_assert_int_eq(A.shared_experts, 1);
        ck_assert_int_eq(A.shared_intermediate, 8192);
        ck_assert_int_eq(A.intermediate, 16384);
        ck_assert_int_eq(A.sliding_window, 8192);  /* attention_chunk_size */
        ck_assert_int_eq(A.swa_layers, 36);        /* 3 of every 4 layers */
        ck_assert_msg(near_rel(P.total, 107.8e9, 0.01), "total %g", P.total);
    }
    if (shared("meta-llama--Llama-4-Maverick-17B-128E-Instruct_config.json")) {
        ck_assert_int_eq(A.moe_layers, 24);        /* interleave_moe_layer_step 2 */
        ck_assert_int_eq(A.experts, 128);
        ck_assert_msg(near_rel(P.total, 400e9, 0.01), "total %g", P.total);
    }
}
END_TEST

/* ------------------------------------------------------------------ */
/* HF: fixtures                                                        */
/* ------------------------------------------------------------------ */

START_TEST(t_hf_fixture_errors)
{
    static const struct { const char *file; int line; const char *msg; } cases[] = {
        { "wrong_type.json", 0,
          "num_attention_heads: expected a positive integer, got \"abc\"" },
        { "float_layers.json", 0,
          "num_hidden_layers: expected a positive integer, got 32.5" },
        { "huge_value.json", 0,
          "hidden_size: expected a positive integer <= 2147483647, got 1e+300" },
        { "negative.json", 0,
          "num_key_value_heads: expected a positive integer, got -8" },
        { "missing_key.json", 0, "hidden_size: missing (expected a positive integer)" },
        { "python_infinity.json", 0,
          "sliding_window: expected a non-negative integer, got inf" },
        { "bad_layer_types.json", 0, "layer_types[2]: expected a string" },
        { "truncated.json", 6, "malformed JSON near 'num_key_val'" },
        { "trailing.json", 1, "malformed JSON near 'trailing'" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[512];
        snprintf(path, sizeof path, FIX "%s", cases[i].file);
        ck_assert_int_eq(fixture_fail(path), RL_EINPUT);
        ck_assert_str_eq(E.msg, cases[i].msg);
        ck_assert_str_eq(E.file, path);
        ck_assert_int_eq(E.line, cases[i].line);
    }
}
END_TEST

START_TEST(t_hf_unknown_family)
{
    ck_assert_int_eq(fixture_fail(FIX "unknown_family.json"), RL_EINPUT);
    ck_assert_msg(strncmp(E.msg, "unsupported model_type 'rwkv' (supported: llama, "
                          "mistral, mixtral, qwen2, qwen3, qwen3_moe, gemma2,", 81) == 0,
                  "%s", E.msg);
    ck_assert_ptr_nonnull(strstr(E.msg, "gpt_oss, llama4"));
}
END_TEST

START_TEST(t_hf_heads_not_dividing)
{
    ck_assert_int_eq(fixture_fail(FIX "heads_not_dividing.json"), RL_EINPUT);
    ck_assert_msg(strstr(E.msg, "heads (8) must be a multiple of kv_heads (3)"), "%s", E.msg);
}
END_TEST

START_TEST(t_hf_nested_text_config)
{
    memset(&E, 0, sizeof E);
    ck_assert_int_eq(rl_import_hf(FIX "nested_text_config.json", &A, &E), RL_OK);
    ck_assert_str_eq(A.id, "nested-text");
    ck_assert_str_eq(A.family, "qwen3_vl");
    ck_assert_int_eq(A.layers, 28);
    ck_assert_int_eq(A.hidden, 2048);
    ck_assert_int_eq(A.kv_heads, 8);
    ck_assert_int_eq(A.tied_embeddings, 1);       /* from the wrapper's top level */
    ck_assert_ptr_nonnull(strstr(A.source, "vision tower not counted"));
    /* A type error inside text_config names the path. */
    const char *bad = "{\"model_type\":\"llava\",\"text_config\":{\"model_type\":\"llama\","
                      "\"num_hidden_layers\":true}}";
    ck_assert_int_eq(rl_import_hf_buf(bad, strlen(bad), "w.json", &A, &E), RL_EINPUT);
    ck_assert_str_eq(E.msg, "text_config.num_hidden_layers: expected a positive integer, "
                            "got true");
}
END_TEST

START_TEST(t_hf_small_families)
{
    memset(&E, 0, sizeof E);
    ck_assert_int_eq(rl_import_hf(FIX "gemma2.json", &A, &E), RL_OK);
    ck_assert_int_eq(A.tied_embeddings, 1);
    ck_assert_int_eq(A.head_dim, 256);
    ck_assert_int_eq(A.sliding_window, 4096);
    ck_assert_int_eq(A.swa_layers, 21);
    ck_assert_int_eq(rl_import_hf(FIX "qwen2_swa.json", &A, &E), RL_OK);
    ck_assert_int_eq(A.attn_bias, 1);
    ck_assert_int_eq(A.swa_layers, 7);            /* 28 - max_window_layers 21 */
    ck_assert_int_eq(rl_import_hf(FIX "phi3.json", &A, &E), RL_OK);
    ck_assert_int_eq(A.swa_layers, 32);
    ck_assert_int_eq(A.sliding_window, 2047);
}
END_TEST

START_TEST(t_hf_buffers)
{
    static const struct { const char *in; int line; const char *msg; } cases[] = {
        { "", 1, "malformed JSON (unexpected end of input)" },
        { "   \n  ", 2, "malformed JSON (unexpected end of input)" },
        { "[1,2]", 0, "expected a JSON object at the top level" },
        { "{}", 0, "model_type: missing (expected a string)" },
        { "{\"model_type\": \"a\\nb\"}", 0, "unsupported model_type 'a?b' (supported: "
          "llama, mistral, mixtral, qwen2, qwen3, qwen3_moe, gemma2, gemma3, phi3, "
          "deepseek_v3, gpt_oss, llama4, deepseek_v32, glm_moe_dsa, qwen3_5, qwen3_5_moe, "
          "nemotron_h, gemma4, mimo_v2_flash, step3p7, nemotron-nas, kimi_k2, mimo, "
          "qwen3_vl, qwen3_vl_moe, minimax_m2)" },
        { "{\"model_type\": 7}", 0, "model_type: expected a string, got 7" },
        { "{\"model_type\": \"llama\", \"text_config\": 3}", 0,
          "text_config: expected an object, got 3" },
        { "{\n\"a\": [1,\n 2,, 3]}", 3, "malformed JSON near ', 3]}'" },
        /* fuzz regression (tests/data/crashers/hf-timeout-*): a huge layer
         * count used to drive the per-layer MoE loop for seconds. */
        { "{\"model_type\":\"qwen3_moe\",\"num_hidden_layers\":321000000.0}", 0,
          "num_hidden_layers: expected a positive integer <= 4096, got 321000000" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        memset(&E, 0, sizeof E);
        ck_assert_int_eq(rl_import_hf_buf(cases[i].in, strlen(cases[i].in), "b.json",
                                          &A, &E), RL_EINPUT);
        ck_assert_str_eq(E.msg, cases[i].msg);
        ck_assert_int_eq(E.line, cases[i].line);
    }
    /* Embedded NUL. */
    ck_assert_int_eq(rl_import_hf_buf("{\n\0}", 4, "n.json", &A, &E), RL_EINPUT);
    ck_assert_str_eq(E.msg, "malformed JSON: NUL byte in the input");
    ck_assert_int_eq(E.line, 2);
    /* Deep nesting is an error, not a stack overflow. */
    size_t n = 200000;
    char *deep = malloc(n);
    memset(deep, '[', n);
    ck_assert_int_eq(rl_import_hf_buf(deep, n, "d.json", &A, &E), RL_EINPUT);
    free(deep);
    /* Missing file. */
    ck_assert_int_eq(rl_import_hf("/nonexistent/config.json", &A, &E), RL_EIO);
    ck_assert_int_eq(rl_import_file("/nonexistent/x.gguf", &A, NULL, &E), RL_EIO);
}
END_TEST

/* ------------------------------------------------------------------ */
/* GGUF writer                                                         */
/* ------------------------------------------------------------------ */

typedef struct gw { unsigned char *b; size_t n, cap; } gw;

static void put(gw *w, const void *p, size_t n)
{
    if (w->n + n > w->cap) {
        w->cap = (w->n + n) * 2 + 64;
        w->b = realloc(w->b, w->cap);
        ck_assert_ptr_nonnull(w->b);
    }
    memcpy(w->b + w->n, p, n);
    w->n += n;
}
static void u32(gw *w, uint32_t v)
{
    unsigned char b[4] = { v, v >> 8, v >> 16, v >> 24 };
    put(w, b, 4);
}
static void u64(gw *w, uint64_t v)
{
    u32(w, (uint32_t)v);
    u32(w, (uint32_t)(v >> 32));
}
static void str(gw *w, const char *s) { u64(w, strlen(s)); put(w, s, strlen(s)); }
static void kv_u32(gw *w, const char *k, uint32_t v) { str(w, k); u32(w, 4); u32(w, v); }
static void kv_str(gw *w, const char *k, const char *v) { str(w, k); u32(w, 8); str(w, v); }
static void tensor(gw *w, const char *name, uint64_t ne0, uint64_t ne1, uint32_t type)
{
    str(w, name);
    u32(w, ne1 ? 2 : 1);
    u64(w, ne0);
    if (ne1) u64(w, ne1);
    u32(w, type);
    u64(w, 0);
}

enum { T_F32 = 0, T_Q4_K = 12, T_Q6_K = 14, T_Q8_0 = 8 };

typedef struct gopts {
    int tied;           /* omit output.weight */
    int kv_array;       /* head_count_kv as a per-layer array */
    int moe;            /* 4 experts, routers in every block */
    int vocab_n;        /* tokenizer.ggml.tokens entries */
} gopts;

/* A 2-block llama-like model: hidden 256, 8 heads (2 kv), ffn 512. */
static size_t make_gguf(gw *w, const gopts *o)
{
    int nt = 2 + (o->tied ? 0 : 1) + 2 * (9 + (o->moe ? 1 : 0));
    w->n = 0;
    put(w, "GGUF", 4);
    u32(w, 3);
    u64(w, (uint64_t)nt);
    u64(w, 9 + (o->moe ? 2 : 0));
    kv_str(w, "general.architecture", "llama");
    kv_str(w, "general.name", "Tiny Llama");
    kv_u32(w, "llama.block_count", 2);
    kv_u32(w, "llama.embedding_length", 256);
    kv_u32(w, "llama.attention.head_count", 8);
    if (o->kv_array) {
        str(w, "llama.attention.head_count_kv");
        u32(w, 9);
        u32(w, 4);
        u64(w, 2);
        u32(w, 1);
        u32(w, 2);
    } else {
        kv_u32(w, "llama.attention.head_count_kv", 2);
    }
    kv_u32(w, "llama.feed_forward_length", 512);
    kv_u32(w, "general.file_type", 15);
    str(w, "tokenizer.ggml.tokens");
    u32(w, 9);
    u32(w, 8);
    u64(w, (uint64_t)o->vocab_n);
    for (int i = 0; i < o->vocab_n; i++) {
        char t[16];
        snprintf(t, sizeof t, "tok%05d", i);
        str(w, t);
    }
    if (o->moe) {
        kv_u32(w, "llama.expert_count", 4);
        kv_u32(w, "llama.expert_used_count", 2);
    }
    tensor(w, "token_embd.weight", 256, (uint64_t)o->vocab_n, T_Q4_K);
    tensor(w, "output_norm.weight", 256, 0, T_F32);
    if (!o->tied) tensor(w, "output.weight", 256, (uint64_t)o->vocab_n, T_Q6_K);
    for (int b = 0; b < 2; b++) {
        char nm[64];
#define T(suffix, a, c, ty) (snprintf(nm, sizeof nm, "blk.%d." suffix, b), tensor(w, nm, a, c, ty))
        T("attn_norm.weight", 256, 0, T_F32);
        T("attn_q.weight", 256, 256, T_Q4_K);
        T("attn_k.weight", 256, 64, T_Q4_K);
        T("attn_v.weight", 256, 64, T_Q6_K);
        T("attn_output.weight", 256, 256, T_Q4_K);
        T("ffn_norm.weight", 256, 0, T_F32);
        T("ffn_gate.weight", 256, 512, T_Q4_K);
        T("ffn_up.weight", 256, 512, T_Q8_0);
        T("ffn_down.weight", 512, 256, T_Q6_K);
        if (o->moe) T("ffn_gate_inp.weight", 256, 4, T_F32);
#undef T
    }
    return w->n;
}

/* Expected bytes, by hand: Q4_K 144 B / 256, Q6_K 210 B / 256, Q8_0 34 B / 32. */
static double q4k(double n) { return n / 256 * 144; }
static double q6k(double n) { return n / 256 * 210; }
static double q80(double n) { return n / 32 * 34; }

static double expected_bytes(const gopts *o)
{
    double v = o->vocab_n;
    double blk = 4.0 * 256 * 2 + q4k(256.0 * 256) * 2 + q4k(256.0 * 64) + q6k(256.0 * 64) +
                 q4k(256.0 * 512) + q80(256.0 * 512) + q6k(512.0 * 256) +
                 (o->moe ? 4.0 * 256 * 4 : 0);
    return q4k(256 * v) + 4.0 * 256 + (o->tied ? 0 : q6k(256 * v)) + 2 * blk;
}

static rl_gguf_info I;

START_TEST(t_gguf_basic)
{
    gw w = { 0 };
    gopts o = { 0, 0, 0, 1000 };
    size_t n = make_gguf(&w, &o);

    memset(&E, 0, sizeof E);
    ck_assert_msg(rl_import_gguf_buf(w.b, n, "dir/Tiny-Llama-Q4_K_M.gguf", &A, &I, &E)
                  == RL_OK, "%s", E.msg);
    ck_assert_str_eq(A.id, "tiny-llama-q4-k-m");
    ck_assert_str_eq(A.name, "Tiny Llama");
    ck_assert_str_eq(A.family, "llama");
    ck_assert_str_eq(A.source, "GGUF: Tiny-Llama-Q4_K_M.gguf");
    ck_assert_int_eq(A.layers, 2);
    ck_assert_int_eq(A.hidden, 256);
    ck_assert_int_eq(A.heads, 8);
    ck_assert_int_eq(A.kv_heads, 2);
    ck_assert_int_eq(A.head_dim, 32);
    ck_assert_int_eq(A.intermediate, 512);
    ck_assert_int_eq(A.ffn_mats, 3);
    ck_assert_int_eq(A.vocab, 1000);
    ck_assert_int_eq(A.tied_embeddings, 0);
    ck_assert_int_eq(A.experts, 0);
    ck_assert_int_eq(I.version, 3);
    ck_assert_int_eq(I.n_tensors, 21);
    ck_assert_int_eq(I.file_type, 15);
    ck_assert_str_eq(I.quant, "q4_k_m");
    ck_assert(rl_feq(I.weight_bytes, expected_bytes(&o)));
    ck_assert(rl_feq(I.embed_bytes, q4k(256.0 * 1000)));
    ck_assert(rl_feq(I.lm_head_bytes, q6k(256.0 * 1000)));
    ck_assert(rl_feq(I.weight_bytes, 1192912.0));  /* worked by hand */
    free(w.b);
}
END_TEST

START_TEST(t_gguf_variants)
{
    gw w = { 0 };
    gopts o = { 1, 1, 1, 512 };
    size_t n = make_gguf(&w, &o);

    memset(&E, 0, sizeof E);
    ck_assert_msg(rl_import_gguf_buf(w.b, n, "moe.gguf", &A, &I, &E) == RL_OK, "%s", E.msg);
    ck_assert_int_eq(A.tied_embeddings, 1);
    ck_assert(rl_feq(I.lm_head_bytes, 0));
    ck_assert_int_eq(A.kv_heads, 2);              /* max of [1, 2] */
    ck_assert_ptr_nonnull(strstr(A.source, "head_count_kv"));
    ck_assert_int_eq(A.experts, 4);
    ck_assert_int_eq(A.experts_active, 2);
    ck_assert_int_eq(A.moe_layers, 2);            /* from the router tensors */
    ck_assert_int_eq(A.moe_intermediate, 512);
    ck_assert_int_eq(A.vocab, 512);
    ck_assert(rl_feq(I.weight_bytes, expected_bytes(&o)));
    free(w.b);
}
END_TEST

START_TEST(t_gguf_every_prefix)
{
    gw w = { 0 };
    gopts o = { 0, 1, 1, 20 };
    size_t n = make_gguf(&w, &o);

    for (size_t k = 0; k < n; k++) {
        memset(&E, 0, sizeof E);
        int rc = rl_import_gguf_buf(w.b, k, "p.gguf", &A, &I, &E);
        ck_assert_msg(rc == RL_EINPUT, "prefix %zu: rc %d", k, rc);
        ck_assert_msg(E.msg[0], "prefix %zu: empty message", k);
    }
    ck_assert_int_eq(rl_import_gguf_buf(w.b, n, "p.gguf", &A, &I, &E), RL_OK);
    ck_assert_int_eq(rl_import_gguf_buf(NULL, 0, NULL, &A, &I, &E), RL_EINPUT);
    free(w.b);
}
END_TEST

/* Patch a u32/u64 at offset in a fresh header and expect a message. */
static void expect_msg(const unsigned char *b, size_t n, const char *msg)
{
    memset(&E, 0, sizeof E);
    ck_assert_int_eq(rl_import_gguf_buf(b, n, "h.gguf", &A, &I, &E), RL_EINPUT);
    ck_assert_str_eq(E.msg, msg);
    ck_assert_str_eq(E.file, "h.gguf");
}

static void poke64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++) p[i] = (unsigned char)(v >> (8 * i));
}

START_TEST(t_gguf_hostile)
{
    gw w = { 0 };
    gopts o = { 0, 0, 0, 10 };
    size_t n = make_gguf(&w, &o);
    unsigned char *b = malloc(n);
    char want[256];

    /* n_kv = 2^62 */
    memcpy(b, w.b, n);
    poke64(b + 16, 1ULL << 62);
    snprintf(want, sizeof want, "metadata count 4611686018427387904 cannot fit in the "
             "%zu bytes left in the file", n - 24);
    expect_msg(b, n, want);
    /* n_tensors = 2^62 */
    memcpy(b, w.b, n);
    poke64(b + 8, 1ULL << 62);
    snprintf(want, sizeof want, "tensor count 4611686018427387904 cannot fit in the "
             "%zu bytes left in the file", n - 24);
    expect_msg(b, n, want);
    /* first key's length = 2^63 */
    memcpy(b, w.b, n);
    poke64(b + 24, 1ULL << 63);
    snprintf(want, sizeof want, "metadata entry 0: string length 9223372036854775808 "
             "exceeds the %zu bytes left in the file", n - 32);
    expect_msg(b, n, want);
    /* bad magic, version 1, big-endian version */
    memcpy(b, w.b, n);
    b[0] = 'X';
    expect_msg(b, n, "not a GGUF file (bad magic)");
    memcpy(b, w.b, n);
    b[4] = 1;
    expect_msg(b, n, "unsupported GGUF version 1 (2 and 3 are read; a big-endian file "
                     "shows as a huge number)");
    free(b);

    /* Tensor-table faults: a header with one tensor we can patch. */
    gw t = { 0 };
    put(&t, "GGUF", 4);
    u32(&t, 3);
    u64(&t, 1);
    u64(&t, 4);
    kv_str(&t, "general.architecture", "llama");
    kv_u32(&t, "llama.block_count", 1);
    kv_u32(&t, "llama.embedding_length", 64);
    kv_u32(&t, "llama.attention.head_count", 4);
    size_t at = t.n;
    tensor(&t, "token_embd.weight", 64, 100, T_F32);
    size_t nd_at = at + 8 + strlen("token_embd.weight");
    size_t type_at = nd_at + 4 + 16;
    expect_msg(t.b, t.n, "model 'h': intermediate must be >= 1 (dense FFN layers exist)");
    b = malloc(t.n + 64);
    memcpy(b, t.b, t.n);
    b[nd_at] = 9;
    expect_msg(b, t.n, "tensor 0: n_dims 9 is not in [1, 4]");
    memcpy(b, t.b, t.n);
    b[type_at] = 0xE7;                            /* 999 */
    b[type_at + 1] = 0x03;
    expect_msg(b, t.n, "tensor 0: unknown ggml type 999");
    memcpy(b, t.b, t.n);
    b[type_at] = 4;                               /* removed q4_2 */
    expect_msg(b, t.n, "tensor 0: unknown ggml type 4");
    memcpy(b, t.b, t.n);
    poke64(b + nd_at + 4, 1ULL << 40);
    poke64(b + nd_at + 12, 1ULL << 40);
    expect_msg(b, t.n, "tensor 0: dimensions overflow (dim 1 = 1099511627776)");
    memcpy(b, t.b, t.n);
    b[type_at] = T_Q4_K;                          /* 64 is not a multiple of 256 */
    expect_msg(b, t.n, "tensor 0: row of 64 elements is not a multiple of the block "
                       "size 256");
    free(b);
    free(t.b);
    free(w.b);
}
END_TEST

START_TEST(t_gguf_meta_faults)
{
    gw w = { 0 };

    /* No architecture. */
    put(&w, "GGUF", 4);
    u32(&w, 2);
    u64(&w, 0);
    u64(&w, 1);
    kv_u32(&w, "llama.block_count", 1);
    expect_msg(w.b, w.n, "general.architecture: missing");
    /* Architecture without block_count. */
    w.n = 0;
    put(&w, "GGUF", 4);
    u32(&w, 2);
    u64(&w, 0);
    u64(&w, 1);
    kv_str(&w, "general.architecture", "qwen2");
    expect_msg(w.b, w.n, "qwen2.block_count: missing");
    /* Recurrent architecture. */
    w.n = 0;
    put(&w, "GGUF", 4);
    u32(&w, 3);
    u64(&w, 0);
    u64(&w, 2);
    kv_str(&w, "general.architecture", "mamba");
    kv_u32(&w, "mamba.ssm.state_size", 16);
    expect_msg(w.b, w.n, "unsupported GGUF architecture 'mamba' (recurrent / "
                         "state-space layers)");
    /* Unknown value type; nested array; string value for a count. */
    w.n = 0;
    put(&w, "GGUF", 4);
    u32(&w, 3);
    u64(&w, 0);
    u64(&w, 1);
    str(&w, "x");
    u32(&w, 77);
    u32(&w, 0);
    expect_msg(w.b, w.n, "metadata entry 0: unknown GGUF value type 77");
    w.n = 0;
    put(&w, "GGUF", 4);
    u32(&w, 3);
    u64(&w, 0);
    u64(&w, 1);
    str(&w, "x");
    u32(&w, 9);
    u32(&w, 9);
    u64(&w, 1);
    expect_msg(w.b, w.n, "metadata entry 0: unsupported array element type 9");
    w.n = 0;
    put(&w, "GGUF", 4);
    u32(&w, 3);
    u64(&w, 0);
    u64(&w, 2);
    kv_str(&w, "general.architecture", "llama");
    kv_str(&w, "llama.block_count", "many");
    expect_msg(w.b, w.n, "llama.block_count: expected a non-negative integer");
    /* Array count of 2^62 u32s. */
    w.n = 0;
    put(&w, "GGUF", 4);
    u32(&w, 3);
    u64(&w, 0);
    u64(&w, 1);
    str(&w, "a");
    u32(&w, 9);
    u32(&w, 4);
    u64(&w, 1ULL << 62);
    u32(&w, 0);
    expect_msg(w.b, w.n, "metadata entry 0 count 4611686018427387904 cannot fit in the "
                         "4 bytes left in the file");
    free(w.b);
}
END_TEST

/* DeepSeek-style MLA metadata, newest convert layout (absorbed sizes in
 * key_length/value_length, per-head sizes in *_mla), written in the order
 * that would let key_length overwrite key_length_mla. */
START_TEST(t_gguf_mla)
{
    gw w = { 0 };

    put(&w, "GGUF", 4);
    u32(&w, 3);
    u64(&w, 0);
    u64(&w, 13);
    kv_str(&w, "general.architecture", "deepseek2");
    kv_u32(&w, "deepseek2.block_count", 2);
    kv_u32(&w, "deepseek2.embedding_length", 256);
    kv_u32(&w, "deepseek2.attention.head_count", 4);
    kv_u32(&w, "deepseek2.attention.head_count_kv", 1);
    kv_u32(&w, "deepseek2.feed_forward_length", 512);
    kv_u32(&w, "deepseek2.vocab_size", 1000);
    kv_u32(&w, "deepseek2.attention.kv_lora_rank", 64);
    kv_u32(&w, "deepseek2.attention.q_lora_rank", 96);
    kv_u32(&w, "deepseek2.rope.dimension_count", 16);
    kv_u32(&w, "deepseek2.attention.key_length_mla", 48);
    kv_u32(&w, "deepseek2.attention.value_length_mla", 32);
    kv_u32(&w, "deepseek2.attention.key_length", 80);
    memset(&E, 0, sizeof E);
    ck_assert_msg(rl_import_gguf_buf(w.b, w.n, "ds.gguf", &A, &I, &E) == RL_OK, "%s", E.msg);
    ck_assert_int_eq(A.kv_lora_rank, 64);
    ck_assert_int_eq(A.q_lora_rank, 96);
    ck_assert_int_eq(A.qk_rope_dim, 16);
    ck_assert_int_eq(A.head_dim, 48);
    ck_assert_int_eq(A.qk_nope_dim, 32);
    ck_assert_int_eq(A.v_head_dim, 32);
    ck_assert_int_eq(A.tied_embeddings, 1);
    ck_assert_int_eq(I.file_type, -1);
    ck_assert_str_eq(I.quant, "");
    free(w.b);
}
END_TEST

/* File I/O: a header bigger than the first 1 MiB read, a truncated file,
 * the rl_import_file dispatch. */
START_TEST(t_gguf_files)
{
    char path[] = "/tmp/rl-test-import-XXXXXX";
    int fd = mkstemp(path);
    gw w = { 0 };
    gopts o = { 0, 0, 0, 150000 };          /* ~2.4 MB tokenizer array */
    size_t n = make_gguf(&w, &o);
    FILE *f;

    ck_assert_int_ge(fd, 0);
    f = fdopen(fd, "wb");
    fwrite(w.b, 1, n, f);
    for (int i = 0; i < 4096; i++) fputc(0x5a, f);   /* "weights" */
    fclose(f);
    memset(&E, 0, sizeof E);
    ck_assert_msg(rl_import_gguf(path, &A, &I, &E) == RL_OK, "%s", E.msg);
    ck_assert_int_eq(A.vocab, 150000);
    ck_assert(rl_feq(I.weight_bytes, expected_bytes(&o)));
    ck_assert_msg(rl_import_file(path, &A, &I, &E) == RL_OK, "%s", E.msg);
    ck_assert_str_eq(I.quant, "q4_k_m");
    /* Truncated on disk, in the middle of the tokenizer array. */
    ck_assert_int_eq(truncate(path, 1500000), 0);
    ck_assert_int_eq(rl_import_gguf(path, &A, &I, &E), RL_EINPUT);
    ck_assert_msg(strstr(E.msg, "metadata entry 8"), "%s", E.msg);  /* the tokens */
    /* JSON through rl_import_file, with a BOM and leading space. */
    f = fopen(path, "wb");
    fputs("\xEF\xBB\xBF  \n{\"model_type\":\"llama\",\"num_hidden_layers\":2,"
          "\"hidden_size\":64,\"num_attention_heads\":4,\"intermediate_size\":128,"
          "\"vocab_size\":100}", f);
    fclose(f);
    ck_assert_msg(rl_import_file(path, &A, &I, &E) == RL_OK, "%s", E.msg);
    ck_assert_int_eq(A.hidden, 64);
    ck_assert(rl_feq(I.weight_bytes, 0));
    /* Anything else goes to the libconfig model spec reader. */
    f = fopen(path, "wb");
    fputs("id = \"spec-model\";\nlayers = 2;\nhidden = 64;\nheads = 4;\n"
          "intermediate = 128;\nvocab = 100;\n", f);
    fclose(f);
    ck_assert_msg(rl_import_file(path, &A, &I, &E) == RL_OK, "%s", E.msg);
    ck_assert_str_eq(A.id, "spec-model");
    f = fopen(path, "wb");
    fputs("layers = = 2;\n", f);
    fclose(f);
    ck_assert_int_eq(rl_import_file(path, &A, &I, &E), RL_EINPUT);
    unlink(path);
    free(w.b);
}
END_TEST

/* ---------------------------------------------- the checkpoint's format */

/* quantization_config of every kind, from small fixtures: format, the
 * roles kept bf16, and the sentence for the assumptions. */
START_TEST(hf_quant_kinds)
{
    static const struct { const char *file, *quant; int keep; const char *says; } t[] = {
        { "quant_fp8.json", "fp8", 0, "quant_method fp8" },
        { "quant_ct_int8.json", "int8", RL_KEEP_LM_HEAD, "compressed-tensors" },
        { "quant_ct_w4a16.json", "gptq-int4", RL_KEEP_LM_HEAD, "config_groups" },
        { "quant_ct_fp8.json", "fp8", RL_KEEP_LM_HEAD, "compressed-tensors" },
        { "quant_ct_mxfp4.json", "mxfp4", RL_KEEP_ATTN | RL_KEEP_DENSE, "kept bf16: attention, dense" },
        { "quant_awq.json", "awq-int4", 0, "quant_method awq" },
        { "quant_gptq.json", "gptq-int4", 0, "quant_method gptq" },
        { "quant_mxfp4.json", "mxfp4", RL_KEEP_ATTN | RL_KEEP_EMBED | RL_KEEP_LM_HEAD,
          "kept bf16: attention, embeddings, lm_head" },
        /* norms inside attention are not the attention module */
        { "quant_nvfp4.json", "nvfp4", RL_KEEP_ATTN | RL_KEEP_LM_HEAD, "quant_method modelopt" },
        { "quant_modelopt_fp8.json", "fp8", RL_KEEP_LM_HEAD, "modelopt" },
        /* not in the catalog: unquantized, and said */
        { "quant_gptq8.json", "", 0, "gptq, bits 8) not recognised" },
        { "quant_bnb.json", "", 0, "bitsandbytes) not recognised" },
        /* no quantization_config: the -FP8 of the name */
        { "NVIDIA--tiny-llama-FP8_config.json", "fp8", 0, "from the file name" },
        { "phi3.json", "", 0, "" },
    };
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
        rl_gguf_info in;
        snprintf(PATHBUF, sizeof PATHBUF, "%s%s", FIX, t[i].file);
        ck_assert_msg(rl_import_file(PATHBUF, &A, &in, &E) == RL_OK, "%s: %s", t[i].file, E.msg);
        ck_assert_msg(strcmp(in.quant, t[i].quant) == 0, "%s: quant '%s'", t[i].file, in.quant);
        ck_assert_msg(in.keep16 == t[i].keep, "%s: keep %d", t[i].file, in.keep16);
        ck_assert_msg(t[i].says[0] ? strstr(in.quant_src, t[i].says) != NULL : !in.quant_src[0],
                      "%s: '%s'", t[i].file, in.quant_src);
        ck_assert_int_eq(in.weight_bytes, 0);               /* no tensor table */
    }
}
END_TEST

/* The shipped configs that carry quantization_config (or a -FP8/-NVFP4
 * name) import with the format the checkpoint is published in. */
START_TEST(hf_quant_shipped)
{
    static const struct { const char *file, *quant; int keep; } t[] = {
        { "openai--gpt-oss-120b_config.json", "mxfp4",
          RL_KEEP_ATTN | RL_KEEP_EMBED | RL_KEEP_LM_HEAD },
        { "openai--gpt-oss-20b_config.json", "mxfp4",
          RL_KEEP_ATTN | RL_KEEP_EMBED | RL_KEEP_LM_HEAD },
        { "deepseek-ai--DeepSeek-V3_config.json", "fp8", 0 },
        { "deepseek-ai--DeepSeek-R1_config.json", "fp8", 0 },
        { "Qwen--Qwen3-235B-A22B-FP8_config.json", "fp8", RL_KEEP_LM_HEAD },
        { "Qwen--Qwen3-32B-FP8-Static-PerTensor_config.json", "fp8", RL_KEEP_LM_HEAD },
        { "zai-org--GLM-5-FP8_config.json", "fp8", RL_KEEP_EMBED | RL_KEEP_LM_HEAD },
        { "MiniMaxAI--MiniMax-M2.5_config.json", "fp8", RL_KEEP_LM_HEAD },
        { "moonshotai--Kimi-K2.5_config.json", "gptq-int4",
          RL_KEEP_ATTN | RL_KEEP_DENSE | RL_KEEP_LM_HEAD },
        { "nvidia--GLM-5.1-NVFP4_config.json", "nvfp4",
          RL_KEEP_ATTN | RL_KEEP_DENSE | RL_KEEP_LM_HEAD },
        { "nvidia--Qwen3.5-122B-A10B-NVFP4_config.json", "nvfp4",
          RL_KEEP_ATTN | RL_KEEP_DENSE | RL_KEEP_LM_HEAD },
        { "nvidia--Gemma-4-31B-IT-NVFP4_config.json", "nvfp4", RL_KEEP_ATTN | RL_KEEP_LM_HEAD },
        { "nvidia--Qwen3.6-35B-A3B-NVFP4_config.json", "nvfp4", 0 },
        { "nvidia--NVIDIA-Nemotron-3-Super-120B-A12B-FP8_config.json", "fp8", 0 },
        { "nvidia--NVIDIA-Nemotron-3-Super-120B-A12B-NVFP4_config.json", "nvfp4", 0 },
        { "meta-llama--Meta-Llama-3.1-8B_config.json", "", 0 },
    };
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
        rl_gguf_info in;
        snprintf(PATHBUF, sizeof PATHBUF, "%s/%s", HF_DIR, t[i].file);
        ck_assert_msg(rl_import_file(PATHBUF, &A, &in, &E) == RL_OK, "%s: %s", t[i].file, E.msg);
        ck_assert_msg(strcmp(in.quant, t[i].quant) == 0, "%s: quant '%s'", t[i].file, in.quant);
        ck_assert_msg(in.keep16 == t[i].keep, "%s: keep %d", t[i].file, in.keep16);
    }
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("import");
    TCase *hf = tcase_create("hf"), *gg = tcase_create("gguf");

    tcase_set_timeout(hf, 60);
    tcase_set_timeout(gg, 60);
    tcase_add_test(hf, t_hf_all_shared);
    tcase_add_test(hf, t_hf_llama31_8b);
    tcase_add_test(hf, t_hf_deepseek_v3);
    tcase_add_test(hf, t_hf_dsa);
    tcase_add_test(hf, t_hf_qwen35);
    tcase_add_test(hf, t_hf_nemotron_h);
    tcase_add_test(hf, t_hf_gemma4);
    tcase_add_test(hf, t_hf_mimo_step_nas);
    tcase_add_test(hf, t_hf_hybrid_errors);
    tcase_add_test(hf, t_hf_kimi_k25_wrapper);
    tcase_add_test(hf, t_hf_gpt_oss_20b);
    tcase_add_test(hf, t_hf_mixtral);
    tcase_add_test(hf, t_hf_mistral_qwen3);
    tcase_add_test(hf, t_hf_llama4);
    tcase_add_test(hf, t_hf_fixture_errors);
    tcase_add_test(hf, t_hf_unknown_family);
    tcase_add_test(hf, t_hf_heads_not_dividing);
    tcase_add_test(hf, t_hf_nested_text_config);
    tcase_add_test(hf, t_hf_small_families);
    tcase_add_test(hf, t_hf_buffers);
    tcase_add_test(hf, hf_quant_kinds);
    tcase_add_test(hf, hf_quant_shipped);
    tcase_add_test(gg, t_gguf_basic);
    tcase_add_test(gg, t_gguf_variants);
    tcase_add_test(gg, t_gguf_every_prefix);
    tcase_add_test(gg, t_gguf_hostile);
    tcase_add_test(gg, t_gguf_meta_faults);
    tcase_add_test(gg, t_gguf_mla);
    tcase_add_test(gg, t_gguf_files);
    suite_add_tcase(s, hf);
    suite_add_tcase(s, gg);
    return s;
}

int main(void)
{
    return rl_test_run(suite());
}
