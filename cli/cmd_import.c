/*
 * cmd_import.c -- `ridgeline import FILE [--json]`: a config.json, GGUF
 * header or model spec in, the model spec (with derived figures) out.
 * The text form is itself a valid libconfig model spec for --model-file.
 */
#include "cli.h"
#include "import.h"

#include <math.h>
#include <string.h>

static void print_cfg(const rl_arch *a, const rl_params *p, const rl_gguf_info *g)
{
    printf("# model spec imported by ridgeline; usable as --model-file\n");
    printf("# params %.3fB total, %.3fB active per token; KV %.0f bytes/token at fp16\n",
           p->total / 1e9, p->active / 1e9, rl_arch_kv_elems_per_token(a) * 2);
    if (a->linear_layers > 0)
        printf("# plus %.0f bytes/sequence of fixed recurrent state at fp16 (%d linear layers)\n",
               rl_arch_state_elems(a) * 2, a->linear_layers);
    if (g && g->weight_bytes > 0)
        printf("# GGUF v%u: %ld tensors, %.3f GiB of weights (exact), type %s\n", g->version,
               g->n_tensors, g->weight_bytes / 1073741824.0, g->quant[0] ? g->quant : "?");
    printf("id = \"%s\";\nname = \"%s\";\nfamily = \"%s\";\nkind = \"%s\";\n", a->id, a->name,
           a->family, a->kind == RL_ENCODER ? "encoder" : "decoder");
    printf("source = \"%s\";\n", a->source);
#define I(f) if (a->f) printf("%s = %ld;\n", #f, (long)a->f)
    I(layers); I(hidden); I(heads); I(kv_heads); I(head_dim); I(intermediate); I(ffn_mats);
    I(vocab); I(max_context); I(experts); I(experts_active); I(shared_experts);
    I(moe_intermediate); I(shared_intermediate); I(moe_layers); I(moe_latent);
    I(q_lora_rank); I(kv_lora_rank); I(qk_rope_dim); I(qk_nope_dim); I(v_head_dim);
    I(sliding_window);
    I(swa_layers); I(input_tokens); I(linear_layers); I(mixerless_layers);
    I(ffnless_layers); I(linear_state); I(linear_params); I(linear_vec_params);
    I(index_heads); I(index_head_dim); I(index_topk); I(global_layers); I(global_head_dim);
    I(global_kv_heads);
#undef I
    if (a->tied_embeddings) printf("tied_embeddings = true;\n");
    if (a->attn_bias) printf("attn_bias = true;\n");
    if (a->attn_gate) printf("attn_gate = true;\n");
    if (a->global_k_eq_v) printf("global_k_eq_v = true;\n");
    printf("params_b = %.4f;\n", p->total / 1e9);
    if (a->experts) printf("active_params_b = %.4f;\n", p->active / 1e9);
}

static cJSON *spec_json(const rl_arch *a, const rl_params *p, const rl_gguf_info *g)
{
    cJSON *o = cJSON_CreateObject();

    cJSON_AddStringToObject(o, "id", a->id);
    cJSON_AddStringToObject(o, "name", a->name);
    cJSON_AddStringToObject(o, "family", a->family);
    cJSON_AddStringToObject(o, "kind", a->kind == RL_ENCODER ? "encoder" : "decoder");
    cJSON_AddNumberToObject(o, "params_b", round(p->total / 1e6) / 1e3);
    cJSON_AddNumberToObject(o, "active_params_b", round(p->active / 1e6) / 1e3);
#define I(f) cJSON_AddNumberToObject(o, #f, (double)a->f)
    I(layers); I(hidden); I(heads); I(kv_heads); I(head_dim); I(intermediate); I(vocab);
    I(max_context); I(experts); I(experts_active); I(shared_experts); I(moe_intermediate);
    I(moe_layers); I(kv_lora_rank); I(qk_rope_dim); I(sliding_window); I(swa_layers);
#undef I
    cJSON_AddBoolToObject(o, "tied_embeddings", a->tied_embeddings);
    cJSON_AddNumberToObject(o, "kv_bytes_per_token_fp16", rl_arch_kv_elems_per_token(a) * 2);
    if (a->linear_layers > 0) {         /* hybrids only: existing output unchanged */
        cJSON_AddNumberToObject(o, "linear_layers", a->linear_layers);
        cJSON_AddNumberToObject(o, "attn_layers", rl_arch_attn_layers(a));
        cJSON_AddNumberToObject(o, "state_bytes_per_seq_fp16", rl_arch_state_elems(a) * 2);
    }
    if (a->index_heads > 0) cJSON_AddNumberToObject(o, "index_topk", (double)a->index_topk);
    if (a->moe_latent > 0) cJSON_AddNumberToObject(o, "moe_latent", a->moe_latent);
    if (a->global_layers > 0) {         /* Gemma 4, MiMo-V2: full layers of their own shape */
        cJSON_AddNumberToObject(o, "global_layers", a->global_layers);
        cJSON_AddNumberToObject(o, "global_head_dim", a->global_head_dim);
        cJSON_AddNumberToObject(o, "global_kv_heads", a->global_kv_heads);
    }
    if (g && g->weight_bytes > 0) {
        cJSON_AddNumberToObject(o, "weight_bytes", g->weight_bytes);
        cJSON_AddNumberToObject(o, "n_tensors", (double)g->n_tensors);
        cJSON_AddStringToObject(o, "gguf_quant", g->quant);
    }
    cJSON_AddStringToObject(o, "source", a->source);
    return o;
}

int rl_cmd_import(int argc, char **argv)
{
    const char *path = NULL;
    int json = 0, rc;
    rl_err err;
    rl_arch a;
    rl_params p;
    rl_gguf_info g;

    rl_err_clear(&err);
    memset(&g, 0, sizeof g);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0) {
            printf("usage: ridgeline import FILE [--json]\n"
                   "  FILE: Hugging Face config.json, GGUF (header only is read) or a\n"
                   "  libconfig model spec.  Prints the model spec with params_b,\n"
                   "  active_params_b (what one token reads), layers, heads, KV bytes/token.\n");
            return RL_OK;
        }
        if (strcmp(argv[i], "--json") == 0) { json = 1; continue; }
        if (path || (argv[i][0] == '-' && argv[i][1])) {
            rl_err_set(&err, RL_EINPUT, NULL, 0, "unexpected argument '%s'", argv[i]);
            return rl_fail(&err);
        }
        path = argv[i];
    }
    if (!path) {
        rl_err_set(&err, RL_EINPUT, NULL, 0, "import needs a FILE (ridgeline import --help)");
        return rl_fail(&err);
    }
    if ((rc = rl_import_file(path, &a, &g, &err))) return rl_fail(&err);
    rl_arch_params(&a, &p);
    if (json) {
        cJSON *o = spec_json(&a, &p, &g);
        rc = rl_json_print(stdout, o, 1);
        cJSON_Delete(o);
        return rc;
    }
    print_cfg(&a, &p, &g);
    return RL_OK;
}
