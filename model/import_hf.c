/*
 * import_hf.c -- Hugging Face config.json -> rl_arch.
 *
 * Usage:
 *     rl_arch a; rl_err e;
 *     if (rl_import_hf("config.json", &a, &e) != RL_OK) rl_err_print(&e, stderr);
 *
 * The file is parsed with cJSON and mapped family by family (the table
 * `families` below): each family names its layout (dense, Mixtral-style
 * MoE, Qwen3-MoE, DeepSeek-V3 MLA+MoE, gpt-oss, Llama 4, DSA sparse
 * attention, Qwen3.5 DeltaNet hybrids, Nemotron-H Mamba2 hybrids with
 * optional latent MoE, Gemma 4, MiMo-V2-Flash, Step-3.7, Nemotron-NAS)
 * and the defaults that differ between families (biases, tied
 * embeddings, how sliding windows are spread over the layers).
 * Multimodal wrappers keep the language model in `text_config`; that
 * object is used when present (the vision tower is not counted, and
 * `source` says so).  Anything not in
 * the table is refused with one message listing what is supported -- a
 * config is never guessed at.
 *
 * Every value is type- and range-checked; errors name the JSON key path:
 *     config.json: error: num_attention_heads: expected a positive integer, got "abc"
 * A JSON syntax error carries the line of the offending byte:
 *     config.json:3: error: malformed JSON near '"hidden_size" 4096,'
 * Files over 16 MiB are refused before they are read.  The result goes
 * through rl_arch_finish (arch.h), which fills defaults and validates the
 * dimensions together (heads % kv_heads, top-k <= experts, ...).
 */
#include "import.h"
#include "safeio.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define HF_MAX_BYTES (16L << 20)    /* larger config.json files are refused */
#define HF_MAX_LONG  1e15           /* cap for long fields (arch.c checks the real bounds) */
#define HF_MAX_LAYERS 4096          /* as arch.c; also bounds the per-layer loops here */

/* ------------------------------------------------------------------ */
/* Family table                                                        */
/* ------------------------------------------------------------------ */

enum layout {
    LAY_DENSE,      /* llama-style decoder, one FFN per layer */
    LAY_MIXTRAL,    /* every layer MoE, expert size = intermediate_size */
    LAY_QWEN3_MOE,  /* num_experts / decoder_sparse_step / mlp_only_layers */
    LAY_DEEPSEEK,   /* MLA attention + first_k_dense_replace + shared experts */
    LAY_GPT_OSS,    /* every layer MoE, alternate sliding layers */
    LAY_LLAMA4,     /* interleaved MoE + shared expert, chunked attention */
    LAY_DSA,        /* DeepSeek-V3 layout + DSA lightning indexer (V3.2, GLM-5) */
    LAY_QWEN35,     /* Gated DeltaNet + gated full attention, dense FFN */
    LAY_QWEN35_MOE, /* same, Qwen3-MoE FFN + one shared expert */
    LAY_NEMOTRON_H, /* Mamba2 / attention / MLP / MoE blocks, one per layer */
    LAY_GEMMA4,     /* sliding + global layers of another shape, optional MoE */
    LAY_MIMO_V2,    /* MiMo-V2-Flash: SWA + full layers, v_head_dim, MoE list */
    LAY_STEP3P7,    /* Step-3.7: layer_types SWA, first_k_dense + shared expert */
    LAY_NAS         /* Nemotron-NAS (DeciLM): per-layer block_configs */
};

enum swa_rule {
    SWA_NONE,       /* no sliding window in this family */
    SWA_ALL,        /* sliding_window applies to every layer (mistral, phi3) */
    SWA_QWEN,       /* only when use_sliding_window: layers >= max_window_layers */
    SWA_ALTERNATE,  /* every other layer, starting at layer 0 (gemma2, gpt-oss) */
    SWA_PATTERN6,   /* gemma3: (i+1) % sliding_window_pattern != 0 */
    SWA_CHUNKED     /* llama4 attention_chunk_size on the RoPE layers */
};

typedef struct family {
    const char *type;       /* model_type ("_text" suffix stripped) */
    int layout;             /* enum layout */
    int swa;                /* enum swa_rule */
    int bias_default;       /* attention_bias when the key is absent */
    int tied_default;       /* tie_word_embeddings when absent */
} family;

static const family families[] = {
    /* type            layout          swa            bias tied */
    { "llama",        LAY_DENSE,      SWA_NONE,      0,   0 },
    { "mistral",      LAY_DENSE,      SWA_ALL,       0,   0 },
    { "mixtral",      LAY_MIXTRAL,    SWA_ALL,       0,   0 },
    { "qwen2",        LAY_DENSE,      SWA_QWEN,      1,   0 },
    { "qwen3",        LAY_DENSE,      SWA_QWEN,      0,   0 },
    { "qwen3_moe",    LAY_QWEN3_MOE,  SWA_QWEN,      0,   0 },
    { "gemma2",       LAY_DENSE,      SWA_ALTERNATE, 0,   1 },
    { "gemma3",       LAY_DENSE,      SWA_PATTERN6,  0,   1 },
    { "phi3",         LAY_DENSE,      SWA_ALL,       0,   0 },
    { "deepseek_v3",  LAY_DEEPSEEK,   SWA_NONE,      0,   0 },
    { "gpt_oss",      LAY_GPT_OSS,    SWA_ALTERNATE, 1,   0 },
    { "llama4",       LAY_LLAMA4,     SWA_CHUNKED,   0,   0 },
    { "deepseek_v32", LAY_DSA,        SWA_NONE,      0,   0 },  /* V3 + DSA indexer */
    { "glm_moe_dsa",  LAY_DSA,        SWA_NONE,      0,   0 },  /* GLM-5: MLA + MoE + DSA */
    { "qwen3_5",      LAY_QWEN35,     SWA_NONE,      0,   0 },  /* Qwen3.5/3.6 hybrid */
    { "qwen3_5_moe",  LAY_QWEN35_MOE, SWA_NONE,      0,   0 },
    { "nemotron_h",   LAY_NEMOTRON_H, SWA_NONE,      0,   0 },  /* Mamba2 hybrid */
    { "gemma4",       LAY_GEMMA4,     SWA_PATTERN6,  0,   1 },  /* layer_types decides */
    { "mimo_v2_flash", LAY_MIMO_V2,   SWA_NONE,      0,   0 },  /* hybrid_layer_pattern */
    { "step3p7",      LAY_STEP3P7,    SWA_NONE,      0,   0 },  /* layer_types decides */
    { "nemotron-nas", LAY_NAS,        SWA_NONE,      0,   0 },  /* Llama-Nemotron Super */
    /* same layouts under other names */
    { "kimi_k2",      LAY_DEEPSEEK,   SWA_NONE,      0,   0 },  /* DeepSeek-V3 layout */
    { "mimo",         LAY_DENSE,      SWA_QWEN,      1,   0 },  /* Qwen2 layout (+MTP, not counted) */
    { "qwen3_vl",     LAY_DENSE,      SWA_NONE,      0,   0 },  /* text_config of Qwen3-VL */
    { "qwen3_vl_moe", LAY_QWEN3_MOE,  SWA_NONE,      0,   0 },
    { "minimax_m2",   LAY_MIXTRAL,    SWA_NONE,      0,   0 },  /* full-attention GQA MoE */
};
#define N_FAMILIES ((int)(sizeof families / sizeof families[0]))

static const family *find_family(const char *type)
{
    char t[64];
    size_t n = strlen(type);

    if (n >= sizeof t) return NULL;
    memcpy(t, type, n + 1);
    if (n > 5 && strcmp(t + n - 5, "_text") == 0) t[n - 5] = '\0';
    for (int i = 0; i < N_FAMILIES; i++)
        if (strcmp(families[i].type, t) == 0) return &families[i];
    return NULL;
}

/* "llama, mistral, ..." for the unsupported-family message. */
static void supported_list(char *buf, size_t n)
{
    size_t used = 0;

    buf[0] = '\0';
    for (int i = 0; i < N_FAMILIES && used < n; i++)
        used += (size_t)snprintf(buf + used, n - used, "%s%s", i ? ", " : "",
                                 families[i].type);
}

/* ------------------------------------------------------------------ */
/* Typed reads: every getter names the key path on error               */
/* ------------------------------------------------------------------ */

/* Where values are read from: the object, the path prefix for messages
 * ("" or "text_config."), a fallback object (the wrapper's top level, for
 * keys such as tie_word_embeddings that wrappers keep outside), the file
 * name for errors. */
typedef struct ctx {
    const cJSON *obj;
    const cJSON *outer;     /* NULL when not a wrapper */
    const char *prefix;
    const char *file;
    rl_err *err;
} ctx;

/* Short printable rendering of a JSON value for messages. */
static void describe(const cJSON *v, char *buf, size_t n)
{
    if (cJSON_IsString(v)) {
        char s[40];
        size_t i = 0;
        for (const char *p = v->valuestring; *p && i < sizeof s - 4; p++)
            s[i++] = isprint((unsigned char)*p) ? *p : '?';
        if (strlen(v->valuestring) > i) s[i++] = '.', s[i++] = '.', s[i++] = '.';
        s[i] = '\0';
        snprintf(buf, n, "\"%s\"", s);
    } else if (cJSON_IsNumber(v)) snprintf(buf, n, "%.15g", v->valuedouble);
    else if (cJSON_IsTrue(v)) snprintf(buf, n, "true");
    else if (cJSON_IsFalse(v)) snprintf(buf, n, "false");
    else if (cJSON_IsNull(v)) snprintf(buf, n, "null");
    else if (cJSON_IsArray(v)) snprintf(buf, n, "an array");
    else if (cJSON_IsObject(v)) snprintf(buf, n, "an object");
    else snprintf(buf, n, "an invalid value");
}

static int type_error(const ctx *c, const char *key, const char *expected,
                      const cJSON *v)
{
    char got[64];

    if (!v)
        return rl_err_set(c->err, RL_EINPUT, c->file, 0, "%s%s: missing (expected %s)",
                          c->prefix, key, expected);
    describe(v, got, sizeof got);
    return rl_err_set(c->err, RL_EINPUT, c->file, 0, "%s%s: expected %s, got %s",
                      c->prefix, key, expected, got);
}

/* The value of key in the object, else (wrappers) at the top level. */
static const cJSON *lookup(const ctx *c, const char *key, int use_outer)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(c->obj, key);
    if (!v && use_outer && c->outer)
        v = cJSON_GetObjectItemCaseSensitive(c->outer, key);
    return v;
}

/* Integer in [min, max].  Absent (or null when null_ok) leaves *out alone
 * and returns RL_OK unless required.  Integral floats (32.0) pass. */
static int get_long(const ctx *c, const char *key, int required, int null_ok,
                    long min, double max, long *out)
{
    const cJSON *v = lookup(c, key, 0);
    char what[80];

    if (min > 0) snprintf(what, sizeof what, "a positive integer");
    else snprintf(what, sizeof what, "a non-negative integer");
    if (!v || (cJSON_IsNull(v) && null_ok)) {
        if (required)
            return rl_err_set(c->err, RL_EINPUT, c->file, 0,
                              "%s%s: missing (expected %s)", c->prefix, key, what);
        return RL_OK;
    }
    if (!cJSON_IsNumber(v)) return type_error(c, key, what, v);
    double d = v->valuedouble;
    if (!isfinite(d) || d != floor(d) || d < (double)min)
        return type_error(c, key, what, v);
    if (d > max) {
        snprintf(what + strlen(what), sizeof what - strlen(what), " <= %.0f", max);
        return type_error(c, key, what, v);
    }
    *out = (long)d;
    return RL_OK;
}

static int get_int(const ctx *c, const char *key, int required, int null_ok,
                   long min, int *out)
{
    long v = *out;
    int rc = get_long(c, key, required, null_ok, min, (double)INT_MAX, &v);
    if (rc == RL_OK) *out = (int)v;
    return rc;
}

static int get_bool(const ctx *c, const char *key, int use_outer, int *out)
{
    const cJSON *v = lookup(c, key, use_outer);
    if (!v || cJSON_IsNull(v)) return RL_OK;
    if (!cJSON_IsBool(v)) return type_error(c, key, "true or false", v);
    *out = cJSON_IsTrue(v) ? 1 : 0;
    return RL_OK;
}

/* Count the entries of a string array equal to `want` (layer_types).
 * *count = -1 when the key is absent or null; n must equal `layers`. */
static int count_strings(const ctx *c, const char *key, int layers,
                         const char *want, const char *want2, int *count)
{
    const cJSON *v = lookup(c, key, 0), *e;
    int n = 0, i = 0;

    *count = -1;
    if (!v || cJSON_IsNull(v)) return RL_OK;
    if (!cJSON_IsArray(v)) return type_error(c, key, "an array of strings", v);
    cJSON_ArrayForEach(e, v) {
        if (!cJSON_IsString(e))
            return rl_err_set(c->err, RL_EINPUT, c->file, 0,
                              "%s%s[%d]: expected a string", c->prefix, key, i);
        if (strcmp(e->valuestring, want) == 0 ||
            (want2 && strcmp(e->valuestring, want2) == 0))
            n++;
        i++;
    }
    if (i != layers)
        return rl_err_set(c->err, RL_EINPUT, c->file, 0,
                          "%s%s: expected %d entries (num_hidden_layers), got %d",
                          c->prefix, key, layers, i);
    *count = n;
    return RL_OK;
}

/* Integer array of layer indices (mlp_only_layers) or 0/1 flags
 * (no_rope_layers): returns how many entries satisfy the rule.  flags=1:
 * count non-zero entries and require `layers` of them; flags=0: count
 * distinct valid indices < layers. *count = -1 when absent. */
static int count_ints(const ctx *c, const char *key, int layers, int flags,
                      int *count)
{
    const cJSON *v = lookup(c, key, 0), *e;
    int n = 0, i = 0;

    *count = -1;
    if (!v || cJSON_IsNull(v)) return RL_OK;
    if (!cJSON_IsArray(v)) return type_error(c, key, "an array of integers", v);
    cJSON_ArrayForEach(e, v) {
        double d = cJSON_IsNumber(e) ? e->valuedouble : -1;
        if (!cJSON_IsNumber(e) || d != floor(d) || d < 0 || d >= (flags ? 2 : layers))
            return rl_err_set(c->err, RL_EINPUT, c->file, 0,
                              "%s%s[%d]: expected %s", c->prefix, key, i,
                              flags ? "0 or 1" : "a layer index below num_hidden_layers");
        if (flags) n += d != 0;
        else n++;               /* duplicates are rejected below */
        i++;
    }
    if (flags && i != layers)
        return rl_err_set(c->err, RL_EINPUT, c->file, 0,
                          "%s%s: expected %d entries (num_hidden_layers), got %d",
                          c->prefix, key, layers, i);
    if (!flags && n > layers)
        return rl_err_set(c->err, RL_EINPUT, c->file, 0,
                          "%s%s: more entries than layers", c->prefix, key);
    *count = n;
    return RL_OK;
}

/* ------------------------------------------------------------------ */
/* Mapping                                                             */
/* ------------------------------------------------------------------ */

/* Dimensions every family has. */
static int read_common(const ctx *c, const family *f, rl_arch *a)
{
    long layers = 0;
    int rc;

    /* Nemotron 3 Ultra states no num_hidden_layers: its layers_block_type
     * (read with the layout) gives the count. */
    if ((rc = get_long(c, "num_hidden_layers", f->layout != LAY_NEMOTRON_H, 0, 1,
                       HF_MAX_LAYERS, &layers)))
        return rc;
    a->layers = (int)layers;
    if ((rc = get_int(c, "hidden_size", 1, 0, 1, &a->hidden)) ||
        (rc = get_int(c, "num_attention_heads", 1, 0, 1, &a->heads)) ||
        (rc = get_int(c, "num_key_value_heads", 0, 1, 1, &a->kv_heads)) ||
        (rc = get_int(c, "head_dim", 0, 1, 1, &a->head_dim)) ||
        (rc = get_long(c, "vocab_size", 1, 0, 1, HF_MAX_LONG, &a->vocab)) ||
        (rc = get_long(c, "max_position_embeddings", 0, 1, 1, HF_MAX_LONG,
                       &a->max_context)))
        return rc;
    if (a->kv_heads == 0) a->kv_heads = a->heads;
    a->attn_bias = f->bias_default;
    a->tied_embeddings = f->tied_default;
    if ((rc = get_bool(c, "attention_bias", 0, &a->attn_bias)) ||
        (rc = get_bool(c, "tie_word_embeddings", 1, &a->tied_embeddings)))
        return rc;
    a->ffn_mats = 3;            /* every supported family has a gated FFN */
    return RL_OK;
}

/* Sliding-window attention: window size and how many layers use it. */
static int read_swa(const ctx *c, const family *f, rl_arch *a)
{
    long win = 0;
    int n = -1, rc;

    if (f->swa == SWA_NONE && !lookup(c, "layer_types", 0)) return RL_OK;
    if (f->swa == SWA_CHUNKED) {
        /* Llama 4 "chunked attention": a RoPE layer attends only within its
         * chunk of attention_chunk_size tokens, so it never keeps more than
         * chunk tokens of KV -- treated here as a sliding window of that
         * size (an upper bound: early in a chunk it holds fewer).  Every
         * no_rope_layers[i] == 0 (NoPE) layer attends globally. */
        int rope = -1;
        if ((rc = get_long(c, "attention_chunk_size", 0, 1, 1, HF_MAX_LONG, &win)) ||
            (rc = count_strings(c, "layer_types", a->layers, "chunked_attention",
                                "sliding_attention", &n)) ||
            (rc = count_ints(c, "no_rope_layers", a->layers, 1, &rope)))
            return rc;
        if (n < 0) n = rope >= 0 ? rope : a->layers - a->layers / 4;
    } else {
        if ((rc = get_long(c, "sliding_window", 0, 1, 0, HF_MAX_LONG, &win)) ||
            (rc = count_strings(c, "layer_types", a->layers, "sliding_attention",
                                NULL, &n)))
            return rc;
    }
    if (n < 0) {
        switch (f->swa) {
        case SWA_ALL: n = a->layers; break;
        case SWA_ALTERNATE: n = (a->layers + 1) / 2; break;     /* even layers */
        case SWA_PATTERN6: {
            int pat = 6;
            if ((rc = get_int(c, "sliding_window_pattern", 0, 1, 1, &pat))) return rc;
            n = a->layers - a->layers / pat;
            break;
        }
        case SWA_QWEN: {
            /* Qwen2/3: layers at index >= max_window_layers slide, and only
             * when use_sliding_window is true. */
            int use = 0, maxw = a->layers;
            if ((rc = get_bool(c, "use_sliding_window", 0, &use)) ||
                (rc = get_int(c, "max_window_layers", 0, 1, 0, &maxw)))
                return rc;
            n = use ? a->layers - (maxw < a->layers ? maxw : a->layers) : 0;
            break;
        }
        default: n = 0;
        }
    }
    /* rl_arch_finish reads "window but swa_layers 0" as "all layers":
     * keep the two consistent here. */
    if (win <= 0 || n <= 0) win = 0, n = 0;
    a->sliding_window = win;
    a->swa_layers = n;
    return RL_OK;
}

/* Mixtral / MiniMax-M2 / gpt-oss: every layer is MoE, intermediate_size is
 * the size of one expert. */
static int read_all_moe(const ctx *c, rl_arch *a, int gpt_oss)
{
    int rc;

    if ((rc = get_int(c, "intermediate_size", 1, 0, 1, &a->moe_intermediate)) ||
        (rc = get_int(c, "num_local_experts", 1, 0, 1, &a->experts)))
        return rc;
    if (gpt_oss && lookup(c, "experts_per_token", 0))
        rc = get_int(c, "experts_per_token", 1, 0, 1, &a->experts_active);
    else
        rc = get_int(c, "num_experts_per_tok", 1, 0, 1, &a->experts_active);
    if (rc) return rc;
    if (!gpt_oss && (rc = get_int(c, "shared_intermediate_size", 0, 1, 0,
                                  &a->shared_intermediate)))
        return rc;
    if (a->shared_intermediate > 0) a->shared_experts = 1;
    a->intermediate = a->moe_intermediate;
    a->moe_layers = a->layers;
    return RL_OK;
}

/* Qwen3-MoE: layer i is MoE when i is not in mlp_only_layers and
 * (i + 1) % decoder_sparse_step == 0. */
static int read_qwen3_moe(const ctx *c, rl_arch *a)
{
    const cJSON *mlp_only = lookup(c, "mlp_only_layers", 0), *e;
    int step = 1, rc, dummy;

    if ((rc = get_int(c, "intermediate_size", 0, 1, 1, &a->intermediate)) ||
        (rc = get_int(c, "moe_intermediate_size", 1, 0, 1, &a->moe_intermediate)) ||
        (rc = get_int(c, "num_experts", 1, 0, 1, &a->experts)) ||
        (rc = get_int(c, "num_experts_per_tok", 1, 0, 1, &a->experts_active)) ||
        (rc = get_int(c, "decoder_sparse_step", 0, 1, 1, &step)) ||
        (rc = count_ints(c, "mlp_only_layers", a->layers, 0, &dummy)))
        return rc;
    a->moe_layers = 0;
    for (int i = 0; i < a->layers; i++) {
        int dense = (i + 1) % step != 0;
        if (mlp_only && cJSON_IsArray(mlp_only))
            cJSON_ArrayForEach(e, mlp_only)
                if ((int)e->valuedouble == i) dense = 1;
        a->moe_layers += !dense;
    }
    return RL_OK;
}

/* DeepSeek-V3 (and Kimi K2): MLA attention; layer i is MoE when
 * i >= first_k_dense_replace and i % moe_layer_freq == 0. */
static int read_deepseek(const ctx *c, rl_arch *a)
{
    int k = 0, freq = 1, rope = 0, nope = 0, rc;

    if ((rc = get_int(c, "intermediate_size", 1, 0, 1, &a->intermediate)) ||
        (rc = get_int(c, "moe_intermediate_size", 1, 0, 1, &a->moe_intermediate)) ||
        (rc = get_int(c, "n_routed_experts", 1, 0, 1, &a->experts)) ||
        (rc = get_int(c, "num_experts_per_tok", 1, 0, 1, &a->experts_active)) ||
        (rc = get_int(c, "n_shared_experts", 0, 1, 0, &a->shared_experts)) ||
        (rc = get_int(c, "first_k_dense_replace", 0, 1, 0, &k)) ||
        (rc = get_int(c, "moe_layer_freq", 0, 1, 1, &freq)) ||
        (rc = get_int(c, "q_lora_rank", 0, 1, 0, &a->q_lora_rank)) ||
        (rc = get_int(c, "kv_lora_rank", 1, 0, 1, &a->kv_lora_rank)) ||
        (rc = get_int(c, "qk_rope_head_dim", 1, 0, 1, &rope)) ||
        (rc = get_int(c, "qk_nope_head_dim", 1, 0, 1, &nope)) ||
        (rc = get_int(c, "v_head_dim", 1, 0, 1, &a->v_head_dim)))
        return rc;
    a->qk_rope_dim = rope;
    a->qk_nope_dim = nope;
    /* q/k per-head dim; hidden/heads (56 for V3) means nothing under MLA. */
    if ((long)rope + nope > INT_MAX)
        return rl_err_set(c->err, RL_EINPUT, c->file, 0,
                          "%sqk_rope_head_dim + qk_nope_head_dim is too large", c->prefix);
    a->head_dim = rope + nope;
    a->moe_layers = 0;
    for (int i = k; i < a->layers; i++) a->moe_layers += i % freq == 0;
    return RL_OK;
}

/* Llama 4: MoE every interleave_moe_layer_step-th layer (indices step-1,
 * 2*step-1, ...), one shared expert of intermediate_size, dense layers of
 * intermediate_size_mlp. */
static int read_llama4(const ctx *c, rl_arch *a)
{
    int step = 1, rc, listed = -1;

    if ((rc = get_int(c, "intermediate_size", 1, 0, 1, &a->moe_intermediate)) ||
        (rc = get_int(c, "intermediate_size_mlp", 1, 0, 1, &a->intermediate)) ||
        (rc = get_int(c, "num_local_experts", 1, 0, 1, &a->experts)) ||
        (rc = get_int(c, "num_experts_per_tok", 1, 0, 1, &a->experts_active)) ||
        (rc = get_int(c, "interleave_moe_layer_step", 0, 1, 1, &step)) ||
        (rc = count_ints(c, "moe_layers", a->layers, 0, &listed)))
        return rc;
    a->moe_layers = listed >= 0 ? listed : a->layers / step;
    a->shared_experts = 1;
    a->shared_intermediate = a->moe_intermediate;
    return RL_OK;
}

/* DSA (DeepSeek-V3.2, GLM-5): the DeepSeek-V3 layout plus a lightning
 * indexer on every layer.  GLM-5 states qk_head_dim (must be nope + rope)
 * and a head_dim that is only the rope dim (ignored). */
static int read_dsa(const ctx *c, rl_arch *a)
{
    int qk = 0, rc;

    if ((rc = read_deepseek(c, a)) ||
        (rc = get_int(c, "index_n_heads", 1, 0, 1, &a->index_heads)) ||
        (rc = get_int(c, "index_head_dim", 1, 0, 1, &a->index_head_dim)) ||
        (rc = get_long(c, "index_topk", 1, 0, 1, HF_MAX_LONG, &a->index_topk)) ||
        (rc = get_int(c, "qk_head_dim", 0, 1, 1, &qk)))
        return rc;
    if (qk && qk != a->head_dim)
        return rl_err_set(c->err, RL_EINPUT, c->file, 0,
                          "%sqk_head_dim: expected qk_nope_head_dim + qk_rope_head_dim "
                          "= %d, got %d", c->prefix, a->head_dim, qk);
    return RL_OK;
}

/* Qwen3.5 / 3.6 (and Qwen3-Next): layer_types lists "linear_attention"
 * (Gated DeltaNet) and "full_attention" layers; without it every
 * full_attention_interval-th layer is full.  A DeltaNet layer (HF
 * Qwen3_5GatedDeltaNet) with key_dim = nk x dk, value_dim = nv x dv:
 *   in_proj_qkv + in_proj_z: hidden -> 2 key_dim + 2 value_dim
 *   in_proj_b + in_proj_a:   hidden -> 2 nv
 *   conv1d (depthwise, no bias): (2 key_dim + value_dim) x kernel
 *   out_proj: value_dim -> hidden;  A_log, dt_bias: nv;  gated norm: dv
 * and keeps a fixed state: conv (2 key_dim + value_dim) x (kernel - 1)
 * plus recurrent nv x dk x dv.  The mtp_* layers (multi-token prediction)
 * are not part of the served model and are not counted. */
static int read_qwen35(const ctx *c, rl_arch *a, int moe)
{
    const cJSON *lt = lookup(c, "layer_types", 0), *e;
    int nk = 0, nv = 0, dk = 0, dv = 0, kernel = 0, interval = 4, rc, i = 0, lin = 0;

    if ((rc = get_int(c, "linear_num_key_heads", 1, 0, 1, &nk)) ||
        (rc = get_int(c, "linear_num_value_heads", 1, 0, 1, &nv)) ||
        (rc = get_int(c, "linear_key_head_dim", 1, 0, 1, &dk)) ||
        (rc = get_int(c, "linear_value_head_dim", 1, 0, 1, &dv)) ||
        (rc = get_int(c, "linear_conv_kernel_dim", 1, 0, 2, &kernel)) ||
        (rc = get_int(c, "full_attention_interval", 0, 1, 1, &interval)) ||
        (rc = get_bool(c, "attn_output_gate", 0, &a->attn_gate)))
        return rc;
    if (lt && !cJSON_IsNull(lt)) {
        if (!cJSON_IsArray(lt)) return type_error(c, "layer_types", "an array of strings", lt);
        cJSON_ArrayForEach(e, lt) {
            if (!cJSON_IsString(e) || (strcmp(e->valuestring, "linear_attention") != 0 &&
                                       strcmp(e->valuestring, "full_attention") != 0))
                return rl_err_set(c->err, RL_EINPUT, c->file, 0,
                                  "%slayer_types[%d]: expected \"linear_attention\" or "
                                  "\"full_attention\"", c->prefix, i);
            lin += e->valuestring[0] == 'l';
            i++;
        }
        if (i != a->layers)
            return rl_err_set(c->err, RL_EINPUT, c->file, 0,
                              "%slayer_types: expected %d entries (num_hidden_layers), got %d",
                              c->prefix, a->layers, i);
    } else {
        for (i = 0; i < a->layers; i++) lin += (i + 1) % interval != 0;
    }
    double kd = (double)nk * dk, vd = (double)nv * dv, h = a->hidden;
    double conv = 2 * kd + vd;
    double params = h * (2 * kd + 2 * vd) + h * 2.0 * nv + conv * kernel + vd * h;
    double state = conv * (kernel - 1) + (double)nv * dk * dv;
    if (params > 1e12 || state > 1e12)
        return rl_err_set(c->err, RL_EINPUT, c->file, 0,
                          "%slinear_* dimensions are absurd (%.3g params, %.3g state "
                          "elements per layer)", c->prefix, params, state);
    a->linear_layers = lin;
    a->linear_params = (long)params;
    a->linear_state = (long)state;
    a->linear_vec_params = 2L * nv + dv;
    if (!moe) return get_int(c, "intermediate_size", 1, 0, 1, &a->intermediate);
    if ((rc = read_qwen3_moe(c, a)) ||
        (rc = get_int(c, "shared_expert_intermediate_size", 0, 1, 0,
                      &a->shared_intermediate)))
        return rc;
    if (a->shared_intermediate > 0) a->shared_experts = 1;
    return RL_OK;
}

/* Nemotron-H / Nemotron 3: hybrid_override_pattern (or layers_block_type)
 * gives each block ONE of: M = Mamba2 mixer, * = attention, - = MLP,
 * E = MoE.  A Mamba2 block (HF NemotronHMamba2Mixer), d_inner =
 * mamba_num_heads x mamba_head_dim, conv_dim = d_inner + 2 n_groups
 * ssm_state_size:
 *   in_proj: hidden -> d_inner + conv_dim + heads;  out_proj: d_inner -> hidden
 *   conv1d: conv_dim x conv_kernel (+ conv_dim bias)
 *   A_log, D, dt_bias: heads;  gated norm: d_inner
 * and keeps conv_dim x (conv_kernel - 1) + heads x head_dim x state of
 * fixed state.  MLP and experts are non-gated (relu2): up + down.
 * Nemotron 3 Super/Ultra "latent MoE" (moe_latent_size): the router and the
 * shared expert see the hidden state, but the routed experts work in the
 * latent width (fc1_latent_proj hidden -> latent before them,
 * fc2_latent_proj latent -> hidden after; experts latent -> moe
 * intermediate -> latent).  The mtp_* (multi-token prediction) blocks
 * are not part of the served model and are not counted.  Without
 * num_hidden_layers (Nemotron 3 Ultra) the block list gives the count. */
static int read_nemotron_h(const ctx *c, rl_arch *a)
{
    const cJSON *pat = lookup(c, "hybrid_override_pattern", 0);
    const cJSON *blk = lookup(c, "layers_block_type", 0), *e;
    int nm = 0, na = 0, nd = 0, ne = 0, n = 0, rc;
    int heads = 0, hd = 0, state = 0, groups = 1, kernel = 4, conv_bias = 1;
    int mamba_bias = 0;

    if (pat && !cJSON_IsNull(pat)) {
        if (!cJSON_IsString(pat))
            return type_error(c, "hybrid_override_pattern", "a string of M, *, - and E", pat);
        for (const char *p = pat->valuestring; *p; p++, n++) {
            switch (*p) {
            case 'M': nm++; break;
            case '*': na++; break;
            case '-': nd++; break;
            case 'E': ne++; break;
            default:
                return rl_err_set(c->err, RL_EINPUT, c->file, 0,
                                  "%shybrid_override_pattern[%d]: unknown block '%c' "
                                  "(expected M, *, - or E)", c->prefix, n,
                                  isprint((unsigned char)*p) ? *p : '?');
            }
        }
    } else if (blk && !cJSON_IsNull(blk)) {
        if (!cJSON_IsArray(blk))
            return type_error(c, "layers_block_type", "an array of strings", blk);
        cJSON_ArrayForEach(e, blk) {
            const char *t = cJSON_IsString(e) ? e->valuestring : "";
            if (strcmp(t, "mamba") == 0) nm++;
            else if (strcmp(t, "attention") == 0) na++;
            else if (strcmp(t, "mlp") == 0) nd++;
            else if (strcmp(t, "moe") == 0) ne++;
            else
                return rl_err_set(c->err, RL_EINPUT, c->file, 0,
                                  "%slayers_block_type[%d]: expected \"mamba\", "
                                  "\"attention\", \"mlp\" or \"moe\"", c->prefix, n);
            n++;
        }
    } else {
        return rl_err_set(c->err, RL_EINPUT, c->file, 0,
                          "%shybrid_override_pattern: missing (expected a string of "
                          "M, *, - and E)", c->prefix);
    }
    if (a->layers == 0 && (n < 1 || n > HF_MAX_LAYERS))   /* no num_hidden_layers */
        return rl_err_set(c->err, RL_EINPUT, c->file, 0,
                          "%s%s: expected 1 to %d blocks, got %d", c->prefix,
                          pat && !cJSON_IsNull(pat) ? "hybrid_override_pattern"
                                                    : "layers_block_type", HF_MAX_LAYERS, n);
    if (a->layers == 0) a->layers = n;
    if (n != a->layers)
        return rl_err_set(c->err, RL_EINPUT, c->file, 0,
                          "%s%s: expected %d blocks (num_hidden_layers), got %d", c->prefix,
                          pat && !cJSON_IsNull(pat) ? "hybrid_override_pattern"
                                                    : "layers_block_type", a->layers, n);
    if (a->head_dim == 0 &&
        (rc = get_int(c, "attention_head_dim", 0, 1, 1, &a->head_dim)))
        return rc;
    if ((rc = get_int(c, "mamba_num_heads", nm > 0, 1, 1, &heads)) ||
        (rc = get_int(c, "mamba_head_dim", nm > 0, 1, 1, &hd)) ||
        (rc = get_int(c, "ssm_state_size", nm > 0, 1, 1, &state)) ||
        (rc = get_int(c, "n_groups", 0, 1, 1, &groups)) ||
        (rc = get_int(c, "conv_kernel", 0, 1, 2, &kernel)) ||
        (rc = get_bool(c, "use_conv_bias", 0, &conv_bias)) ||
        (rc = get_bool(c, "use_bias", 0, &mamba_bias)) ||
        (rc = get_int(c, "intermediate_size", nd > 0, 1, 1, &a->intermediate)))
        return rc;
    if (ne > 0) {
        int shared = 0, nshared = 1;
        if ((rc = get_int(c, "moe_intermediate_size", 1, 0, 1, &a->moe_intermediate)) ||
            (rc = get_int(c, "n_routed_experts", 1, 0, 1, &a->experts)) ||
            (rc = get_int(c, "num_experts_per_tok", 1, 0, 1, &a->experts_active)) ||
            (rc = get_int(c, "n_shared_experts", 0, 1, 0, &nshared)) ||
            (rc = get_int(c, "moe_shared_expert_intermediate_size", 0, 1, 0, &shared)) ||
            (rc = get_int(c, "moe_latent_size", 0, 1, 1, &a->moe_latent)))
            return rc;
        if (nshared > 0 && shared > 0) {
            a->shared_experts = nshared;
            if ((long)shared * nshared > INT_MAX)
                return rl_err_set(c->err, RL_EINPUT, c->file, 0,
                                  "%smoe_shared_expert_intermediate_size is too large",
                                  c->prefix);
            a->shared_intermediate = shared * nshared;
        }
        a->moe_layers = ne;
    }
    if (nm > 0) {
        double di = (double)heads * hd, conv = di + 2.0 * groups * state, h = a->hidden;
        double params = h * (di + conv + heads) + conv * kernel + di * h;
        double state_el = conv * (kernel - 1) + di * state;
        if (mamba_bias) params += di + conv + heads + h;
        if (params > 1e12 || state_el > 1e12)
            return rl_err_set(c->err, RL_EINPUT, c->file, 0,
                              "%smamba_* dimensions are absurd (%.3g params, %.3g state "
                              "elements per layer)", c->prefix, params, state_el);
        a->linear_params = (long)params;
        a->linear_state = (long)state_el;
        a->linear_vec_params = 3L * heads + (long)di + (conv_bias ? (long)conv : 0);
    }
    a->linear_layers = nm;
    a->mixerless_layers = nd + ne;
    a->ffnless_layers = nm + na;
    a->ffn_mats = 2;            /* relu2 MLP / experts: up and down only */
    return RL_OK;
}

/* Gemma 4: layer_types mixes sliding_attention layers (head_dim,
 * num_key_value_heads) and full_attention layers of their own shape
 * (global_head_dim, num_global_key_value_heads; with attention_k_eq_v they
 * have no v_proj: V is the K projection, normed apart, and is still
 * cached).  With enable_moe_block every layer adds num_experts routed
 * experts (moe_intermediate_size, top_k_experts) next to its dense MLP
 * (intermediate_size), which thus acts as an always-on shared expert.
 * Per-layer input embeddings (hidden_size_per_layer_input) and cross-layer
 * KV sharing (num_kv_shared_layers), Gemma 3n style, are refused. */
static int read_gemma4(const ctx *c, rl_arch *a)
{
    int nf = -1, ns = -1, moe = 0, per_layer = 0, kv_shared = 0, rc;

    if ((rc = get_int(c, "intermediate_size", 1, 0, 1, &a->intermediate)) ||
        (rc = count_strings(c, "layer_types", a->layers, "full_attention", NULL, &nf)) ||
        (rc = count_strings(c, "layer_types", a->layers, "sliding_attention", NULL, &ns)) ||
        (rc = get_int(c, "global_head_dim", 0, 1, 1, &a->global_head_dim)) ||
        (rc = get_int(c, "num_global_key_value_heads", 0, 1, 1, &a->global_kv_heads)) ||
        (rc = get_bool(c, "attention_k_eq_v", 0, &a->global_k_eq_v)) ||
        (rc = get_bool(c, "enable_moe_block", 0, &moe)) ||
        (rc = get_int(c, "hidden_size_per_layer_input", 0, 1, 0, &per_layer)) ||
        (rc = get_int(c, "num_kv_shared_layers", 0, 1, 0, &kv_shared)))
        return rc;
    if (nf < 0)
        return rl_err_set(c->err, RL_EINPUT, c->file, 0,
                          "%slayer_types: missing (expected an array of "
                          "\"sliding_attention\" and \"full_attention\")", c->prefix);
    if (nf + ns != a->layers)
        return rl_err_set(c->err, RL_EINPUT, c->file, 0,
                          "%slayer_types: expected only \"sliding_attention\" and "
                          "\"full_attention\" entries", c->prefix);
    if (per_layer > 0)
        return rl_err_set(c->err, RL_EINPUT, c->file, 0,
                          "%shidden_size_per_layer_input: per-layer input embeddings are "
                          "not modelled (expected 0, got %d)", c->prefix, per_layer);
    if (kv_shared > 0)
        return rl_err_set(c->err, RL_EINPUT, c->file, 0,
                          "%snum_kv_shared_layers: KV sharing across layers is not "
                          "modelled (expected 0, got %d)", c->prefix, kv_shared);
    a->global_layers = nf;
    if (nf == 0) a->global_head_dim = a->global_kv_heads = a->global_k_eq_v = 0;
    if (moe) {
        const cJSON *alt = lookup(c, "expert_intermediate_size", 0);
        const char *mi = !lookup(c, "moe_intermediate_size", 0) && alt && !cJSON_IsNull(alt)
                       ? "expert_intermediate_size" : "moe_intermediate_size";
        if ((rc = get_int(c, mi, 1, 0, 1, &a->moe_intermediate)) ||
            (rc = get_int(c, "num_experts", 1, 0, 1, &a->experts)) ||
            (rc = get_int(c, "top_k_experts", 1, 0, 1, &a->experts_active)))
            return rc;
        a->moe_layers = a->layers;
        a->shared_experts = 1;
        a->shared_intermediate = a->intermediate;
    }
    return RL_OK;
}

/* MiMo-V2-Flash: hybrid_layer_pattern[i] = 1 marks a sliding-window layer
 * (swa_num_key_value_heads, window sliding_window), 0 a full-attention
 * one (num_key_value_heads: the global layers); q/k heads are head_dim
 * wide, V heads v_head_dim.  moe_layer_freq lists which layers are MoE
 * (the rest use intermediate_size).  The per-head attention sink biases
 * are not counted. */
static int read_mimo_v2(const ctx *c, rl_arch *a)
{
    int swa = -1, moe = -1, sh = 0, skv = 0, shd = 0, svd = 0, rc;
    long win = 0;

    if ((rc = get_int(c, "intermediate_size", 1, 0, 1, &a->intermediate)) ||
        (rc = get_int(c, "moe_intermediate_size", 1, 0, 1, &a->moe_intermediate)) ||
        (rc = get_int(c, "n_routed_experts", 1, 0, 1, &a->experts)) ||
        (rc = get_int(c, "num_experts_per_tok", 1, 0, 1, &a->experts_active)) ||
        (rc = get_int(c, "n_shared_experts", 0, 1, 0, &a->shared_experts)) ||
        (rc = get_int(c, "v_head_dim", 0, 1, 1, &a->v_head_dim)) ||
        (rc = get_int(c, "swa_num_attention_heads", 0, 1, 1, &sh)) ||
        (rc = get_int(c, "swa_num_key_value_heads", 1, 0, 1, &skv)) ||
        (rc = get_int(c, "swa_head_dim", 0, 1, 1, &shd)) ||
        (rc = get_int(c, "swa_v_head_dim", 0, 1, 1, &svd)) ||
        (rc = get_long(c, "sliding_window", 1, 0, 1, HF_MAX_LONG, &win)) ||
        (rc = count_ints(c, "hybrid_layer_pattern", a->layers, 1, &swa)) ||
        (rc = count_ints(c, "moe_layer_freq", a->layers, 1, &moe)))
        return rc;
    if (swa < 0)
        return rl_err_set(c->err, RL_EINPUT, c->file, 0,
                          "%shybrid_layer_pattern: missing (expected an array of 0 "
                          "(full) and 1 (sliding) per layer)", c->prefix);
    if (moe < 0)
        return rl_err_set(c->err, RL_EINPUT, c->file, 0,
                          "%smoe_layer_freq: missing (expected an array of 0 (dense) and "
                          "1 (MoE) per layer)", c->prefix);
    if (a->head_dim == 0) a->head_dim = a->hidden / a->heads;
    if ((sh && sh != a->heads) || (shd && shd != a->head_dim) ||
        (svd && svd != (a->v_head_dim ? a->v_head_dim : a->head_dim)))
        return rl_err_set(c->err, RL_EINPUT, c->file, 0,
                          "%sswa_num_attention_heads, swa_head_dim and swa_v_head_dim must "
                          "equal the full layers' (only the KV heads may differ)", c->prefix);
    if (a->v_head_dim == a->head_dim) a->v_head_dim = 0;
    a->global_layers = a->layers - swa;
    a->global_kv_heads = a->global_layers > 0 ? a->kv_heads : 0;
    a->global_head_dim = a->global_layers > 0 ? a->head_dim : 0;
    a->kv_heads = skv;
    a->sliding_window = swa > 0 ? win : 0;
    a->swa_layers = swa > 0 ? swa : 0;
    a->moe_layers = moe;
    return RL_OK;
}

/* Step-3.7-Flash: the first first_k_dense_replace layers are dense
 * (intermediate_size), the rest MoE with num_experts routed experts and
 * n_shared_experts shared ones of share_expert_dim; layer_types (read
 * with the window) marks the sliding layers.  The num_nextn_predict_layers
 * MTP layers are not counted. */
static int read_step3p7(const ctx *c, rl_arch *a)
{
    int k = 0, dim = 0, n = 1, rc;

    if ((rc = get_int(c, "intermediate_size", 1, 0, 1, &a->intermediate)) ||
        (rc = get_int(c, "moe_intermediate_size", 1, 0, 1, &a->moe_intermediate)) ||
        (rc = get_int(c, "num_experts", 1, 0, 1, &a->experts)) ||
        (rc = get_int(c, "num_experts_per_tok", 1, 0, 1, &a->experts_active)) ||
        (rc = get_int(c, "first_k_dense_replace", 0, 1, 0, &k)) ||
        (rc = get_int(c, "n_shared_experts", 0, 1, 0, &n)) ||
        (rc = get_int(c, "share_expert_dim", 0, 1, 0, &dim)))
        return rc;
    if (n > 0 && dim > 0) {
        if ((long)n * dim > INT_MAX)
            return rl_err_set(c->err, RL_EINPUT, c->file, 0,
                              "%sshare_expert_dim is too large", c->prefix);
        a->shared_experts = n;
        a->shared_intermediate = n * dim;
    }
    a->moe_layers = k < a->layers ? a->layers - k : 0;
    return RL_OK;
}

/* Nemotron-NAS (DeciLM, Llama-3.3-Nemotron-Super-49B): block_configs[i]
 * gives each layer an attention (no_op, or n_heads_in_group query heads per
 * KV head) and an FFN (no_op, or ffn_mult: inner size 2/3 ffn_mult x hidden
 * rounded up to a multiple of 256).  No-op attention layers are
 * mixerless, no-op FFNs ffnless; the FFN sizes differ per layer, so
 * `intermediate` is their mean (parameters right to a few per layer).
 * Linear replacements, windows, sinks and sparsity are refused. */
static int read_nas(const ctx *c, rl_arch *a)
{
    const cJSON *bc = lookup(c, "block_configs", 0), *e;
    int i = 0, group = 0, noattn = 0, noffn = 0;
    double inner = 0;

    if (!bc || !cJSON_IsArray(bc))
        return type_error(c, "block_configs", "an array of per-layer blocks", bc);
    cJSON_ArrayForEach(e, bc) {
        const cJSON *at = cJSON_GetObjectItemCaseSensitive(e, "attention");
        const cJSON *ff = cJSON_GetObjectItemCaseSensitive(e, "ffn");
        static const char *const refused[] = { "replace_with_linear", "sparsify",
                                               "window_length", "num_sink_tokens" };
        if (!cJSON_IsObject(at) || !cJSON_IsObject(ff))
            return rl_err_set(c->err, RL_EINPUT, c->file, 0,
                              "%sblock_configs[%d]: expected an object with \"attention\" "
                              "and \"ffn\" objects", c->prefix, i);
        for (int part = 0; part < 2; part++) {
            const cJSON *o = part ? ff : at;
            for (size_t r = 0; r < sizeof refused / sizeof *refused; r++) {
                const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, refused[r]);
                if (v && !cJSON_IsNull(v) && !cJSON_IsFalse(v))
                    return rl_err_set(c->err, RL_EINPUT, c->file, 0,
                                      "%sblock_configs[%d].%s.%s: not modelled (expected "
                                      "null or false)", c->prefix, i,
                                      part ? "ffn" : "attention", refused[r]);
            }
        }
        const cJSON *nop = cJSON_GetObjectItemCaseSensitive(at, "no_op");
        if (cJSON_IsTrue(nop)) {
            noattn++;
        } else {
            const cJSON *g = cJSON_GetObjectItemCaseSensitive(at, "n_heads_in_group");
            double d = cJSON_IsNumber(g) ? g->valuedouble : 0;
            if (d < 1 || d != floor(d) || d > a->heads || a->heads % (int)d != 0)
                return rl_err_set(c->err, RL_EINPUT, c->file, 0,
                                  "%sblock_configs[%d].attention.n_heads_in_group: expected "
                                  "a divisor of num_attention_heads (%d)", c->prefix, i,
                                  a->heads);
            if (group && (int)d != group)
                return rl_err_set(c->err, RL_EINPUT, c->file, 0,
                                  "%sblock_configs[%d].attention.n_heads_in_group: %d differs "
                                  "from earlier layers' %d (not modelled)", c->prefix, i,
                                  (int)d, group);
            group = (int)d;
        }
        nop = cJSON_GetObjectItemCaseSensitive(ff, "no_op");
        if (cJSON_IsTrue(nop)) {
            noffn++;
        } else {
            const cJSON *m = cJSON_GetObjectItemCaseSensitive(ff, "ffn_mult");
            double d = cJSON_IsNumber(m) ? m->valuedouble : -1;
            if (!isfinite(d) || d <= 0 || d > 1000)
                return rl_err_set(c->err, RL_EINPUT, c->file, 0,
                                  "%sblock_configs[%d].ffn.ffn_mult: expected a number in "
                                  "(0, 1000]", c->prefix, i);
            double n = floor(2.0 * d * a->hidden / 3.0);     /* DeciLM rounding */
            inner += ceil(n / 256.0) * 256.0;
        }
        if (++i > HF_MAX_LAYERS) break;
    }
    if (i != a->layers)
        return rl_err_set(c->err, RL_EINPUT, c->file, 0,
                          "%sblock_configs: expected %d entries (num_hidden_layers), got %d",
                          c->prefix, a->layers, i);
    if (group > 0) a->kv_heads = a->heads / group;
    a->mixerless_layers = noattn;
    a->ffnless_layers = noffn;
    if (noffn < a->layers) {
        double mean = floor(inner / (a->layers - noffn) + 0.5);
        if (mean > INT_MAX)
            return rl_err_set(c->err, RL_EINPUT, c->file, 0,
                              "%sblock_configs: FFN sizes are absurd", c->prefix);
        a->intermediate = (int)mean;
    }
    return RL_OK;
}

static int read_layout(const ctx *c, const family *f, rl_arch *a)
{
    switch (f->layout) {
    case LAY_MIXTRAL:   return read_all_moe(c, a, 0);
    case LAY_GPT_OSS:   return read_all_moe(c, a, 1);
    case LAY_QWEN3_MOE: return read_qwen3_moe(c, a);
    case LAY_DEEPSEEK:  return read_deepseek(c, a);
    case LAY_LLAMA4:    return read_llama4(c, a);
    case LAY_DSA:       return read_dsa(c, a);
    case LAY_QWEN35:    return read_qwen35(c, a, 0);
    case LAY_QWEN35_MOE: return read_qwen35(c, a, 1);
    case LAY_NEMOTRON_H: return read_nemotron_h(c, a);
    case LAY_GEMMA4:    return read_gemma4(c, a);
    case LAY_MIMO_V2:   return read_mimo_v2(c, a);
    case LAY_STEP3P7:   return read_step3p7(c, a);
    case LAY_NAS:       return read_nas(c, a);
    default:            return get_int(c, "intermediate_size", 1, 0, 1, &a->intermediate);
    }
}

/* A MoE family whose experts ended up on no layer is a dense model;
 * rl_arch_finish would otherwise read moe_layers 0 as "all layers". */
static void fix_moe(rl_arch *a)
{
    if (a->experts > 0 && a->moe_layers == 0) {
        a->experts = a->experts_active = a->shared_experts = 0;
        a->moe_intermediate = a->shared_intermediate = a->moe_latent = 0;
    }
}

/* ------------------------------------------------------------------ */
/* Parsing                                                             */
/* ------------------------------------------------------------------ */

/* 1-based line of byte `off` in buf. */
static int line_of(const char *buf, size_t off)
{
    int line = 1;
    for (size_t i = 0; i < off; i++) line += buf[i] == '\n';
    return line;
}

static int syntax_error(const char *buf, size_t len, size_t off,
                        const char *name, rl_err *err)
{
    char near[32];
    size_t i = 0;

    if (off > len) off = len;
    while (off < len && isspace((unsigned char)buf[off]) && buf[off] != '\n') off++;
    for (size_t p = off; p < len && i < 24 && buf[p] != '\n' && buf[p] != '\r'; p++)
        near[i++] = isprint((unsigned char)buf[p]) ? buf[p] : '?';
    near[i] = '\0';
    if (i == 0)
        return rl_err_set(err, RL_EINPUT, name, line_of(buf, off),
                          "malformed JSON (unexpected end of input)");
    return rl_err_set(err, RL_EINPUT, name, line_of(buf, off),
                      "malformed JSON near '%s'", near);
}

/* Python's json module writes Infinity, -Infinity and NaN (HF configs
 * carry them, e.g. Nemotron-H's time_step_limit).  Return a copy with each
 * such bare token (outside strings) replaced by +/-1e999999, which cJSON
 * reads as a non-finite number that every getter then rejects by name.
 * Newlines are untouched, so error lines stay right.  NULL: out of memory. */
static char *python_literals(const char *in, size_t len, size_t *outlen)
{
    static const struct { const char *tok; const char *rep; } lits[] = {
        { "-Infinity", "-1e999999" }, { "Infinity", "1e999999" }, { "NaN", "-1e999999" },
    };
    char *out = malloc(len + len / 3 * 7 + 1), *o = out; /* NaN -> 9 bytes worst */
    int in_str = 0;

    if (!out) return NULL;
    for (size_t i = 0; i < len;) {
        char ch = in[i];
        if (in_str) {
            if (ch == '\\' && i + 1 < len) *o++ = in[i++];
            else if (ch == '"') in_str = 0;
            *o++ = in[i++];
            continue;
        }
        if (ch == '"') in_str = 1;
        int hit = 0;
        for (size_t k = 0; k < sizeof lits / sizeof lits[0] && !hit; k++) {
            size_t tl = strlen(lits[k].tok);
            if (i + tl <= len && memcmp(in + i, lits[k].tok, tl) == 0 &&
                (i + tl == len || !isalnum((unsigned char)in[i + tl]))) {
                memcpy(o, lits[k].rep, strlen(lits[k].rep));
                o += strlen(lits[k].rep);
                i += tl;
                hit = 1;
            }
        }
        if (!hit) *o++ = in[i++];
    }
    *o = '\0';
    *outlen = (size_t)(o - out);
    return out;
}

/* ------------------------------------------------------------------ */
/* The checkpoint's own weight format (quantization_config)            */
/* ------------------------------------------------------------------ */

/* Case-insensitive substring. */
static int has_ci(const char *s, const char *sub)
{
    size_t n = strlen(sub);
    for (; *s; s++)
        if (strncasecmp(s, sub, n) == 0) return 1;
    return 0;
}

/* Format of one config_groups weights object: "fp8", "int8", "gptq-int4"
 * (int4 weight-only), "mxfp4" (fp4, group 32), "nvfp4" (fp4, group 16),
 * NULL when not one of those.  *bits gets num_bits. */
static const char *group_format(const cJSON *w, int *bits)
{
    const cJSON *nb = cJSON_GetObjectItemCaseSensitive(w, "num_bits");
    const cJSON *ty = cJSON_GetObjectItemCaseSensitive(w, "type");
    const cJSON *gs = cJSON_GetObjectItemCaseSensitive(w, "group_size");
    int is_float = cJSON_IsString(ty) && strcmp(ty->valuestring, "float") == 0;

    *bits = cJSON_IsNumber(nb) ? (int)nb->valuedouble : 0;
    if (*bits == 8) return is_float ? "fp8" : "int8";
    if (*bits == 4 && !is_float) return "gptq-int4";
    if (*bits == 4) return cJSON_IsNumber(gs) && gs->valuedouble == 32 ? "mxfp4" : "nvfp4";
    return NULL;
}

/* The lowest-bit format among config_groups (mixed checkpoints quantize
 * the experts lowest; that is the bulk of the weights). */
static const char *groups_format(const cJSON *qc)
{
    const cJSON *g, *groups = cJSON_GetObjectItemCaseSensitive(qc, "config_groups");
    const char *best = NULL;
    int best_bits = 99, bits;

    if (!cJSON_IsObject(groups)) return NULL;
    cJSON_ArrayForEach(g, groups) {
        const char *f = group_format(cJSON_GetObjectItemCaseSensitive(g, "weights"), &bits);
        if (f && bits < best_bits) best = f, best_bits = bits;
    }
    return best;
}

/* MiniMax-M3 style: quantized_layers { name: { quant_algo } } only. */
static const char *layers_format(const cJSON *qc)
{
    const cJSON *l, *ql = cJSON_GetObjectItemCaseSensitive(qc, "quantized_layers");
    int fp4 = 0, fp8 = 0;

    if (!cJSON_IsObject(ql)) return NULL;
    cJSON_ArrayForEach(l, ql) {
        const cJSON *a = cJSON_GetObjectItemCaseSensitive(l, "quant_algo");
        if (cJSON_IsString(a)) {
            fp4 |= strcasecmp(a->valuestring, "NVFP4") == 0;
            fp8 |= strcasecmp(a->valuestring, "FP8") == 0;
        }
    }
    return fp4 ? "nvfp4" : fp8 ? "fp8" : NULL;
}

static const char *str_of(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : "";
}

/* Catalog id of the format quantization_config describes, NULL unknown. */
static const char *qc_format(const cJSON *qc, char *how, size_t n)
{
    const char *m = str_of(qc, "quant_method"), *algo = str_of(qc, "quant_algo");
    const char *g = groups_format(qc);
    const cJSON *bits = cJSON_GetObjectItemCaseSensitive(qc, "bits");

    snprintf(how, n, "quant_method %s", *m ? m : *algo ? algo : "(none)");
    if (strcmp(m, "mxfp4") == 0) return "mxfp4";
    if (strcmp(m, "awq") == 0 || strcmp(m, "gptq") == 0) {
        if (cJSON_IsNumber(bits) && bits->valuedouble != 4) {
            snprintf(how + strlen(how), n - strlen(how), ", bits %g", bits->valuedouble);
            return NULL;        /* only the 4-bit formats are in the catalog */
        }
        return m[0] == 'a' ? "awq-int4" : "gptq-int4";
    }
    if (g) {                    /* compressed-tensors, modelopt, mixed fp8 */
        snprintf(how + strlen(how), n - strlen(how), ", config_groups weights");
        return g;
    }
    if (strcasecmp(algo, "NVFP4") == 0) return "nvfp4";
    if (strcasecmp(algo, "FP8") == 0 || strcmp(m, "fp8") == 0) return "fp8";
    return layers_format(qc);
}

/* Does pattern p name a whole module `word` (the word followed only by
 * wildcards, dots or a plural s: "self_attn", "attn.*", "shared_experts*")
 * rather than something inside it ("self_attn.indexers_proj",
 * "post_attention_layernorm")? */
static int names_module(const char *p, const char *word)
{
    size_t n = strlen(word);

    for (const char *q = p; (q = strstr(q, word)) != NULL; q += n) {
        const char *r = q + n;
        if (*r == 's') r++;
        while (*r == '*' || *r == '.' || *r == '\\') r++;
        if (*r == '\0') return 1;
    }
    return 0;
}

/* Roles an exclusion pattern keeps unquantized (enum rl_keep_role).
 * Norms, biases, gates and the multi-token-prediction layers are small
 * or not served, and count for nothing. */
static int keep_role(const char *p)
{
    int r = 0;
    const char *l = strstr(p, "layers.");

    if (has_ci(p, "norm") || has_ci(p, "bias") || strncmp(p, "mtp", 3) == 0) return 0;
    if (names_module(p, "attn") || names_module(p, "attention")) r |= RL_KEEP_ATTN;
    if (names_module(p, "shared_expert") || has_ci(p, "mlp\\.(gate"))
        r |= RL_KEEP_DENSE;
    if (names_module(p, "embed_tokens") || strcmp(p, "embed") == 0) r |= RL_KEEP_EMBED;
    if (names_module(p, "lm_head") || strcmp(p, "head") == 0) r |= RL_KEEP_LM_HEAD;
    /* a whole layer ("model.layers.0*", "model.layers.1.*"): the first-k
     * dense layers of DeepSeek-style MoE */
    if (l && isdigit((unsigned char)l[7])) {
        l += 7;
        while (isdigit((unsigned char)*l)) l++;
        if (strcmp(l, "*") == 0 || strcmp(l, ".*") == 0) r |= RL_KEEP_DENSE;
    }
    return r;
}

static int exclusions(const cJSON *qc)
{
    static const char *const keys[] = { "ignore", "modules_to_not_convert",
                                        "exclude_modules" };
    int keep = 0;

    for (size_t k = 0; k < sizeof keys / sizeof *keys; k++) {
        const cJSON *e, *l = cJSON_GetObjectItemCaseSensitive(qc, keys[k]);
        if (!cJSON_IsArray(l)) continue;
        cJSON_ArrayForEach(e, l)
            if (cJSON_IsString(e)) keep |= keep_role(e->valuestring);
    }
    return keep;
}

/* "-FP8" / "-NVFP4" / ... as a token of the file name. */
static const char *name_format(const char *path)
{
    static const struct { const char *tok, *id; } t[] = {
        { "nvfp4", "nvfp4" }, { "mxfp4", "mxfp4" }, { "fp8", "fp8" },
        { "awq", "awq-int4" }, { "gptq", "gptq-int4" },
    };
    const char *b = strrchr(path, '/');

    b = b ? b + 1 : path;
    for (const char *p = b; *p; p++) {
        if (p != b && p[-1] != '-' && p[-1] != '_') continue;
        for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
            size_t n = strlen(t[i].tok);
            if (strncasecmp(p, t[i].tok, n) == 0 &&
                (p[n] == '\0' || p[n] == '-' || p[n] == '_' || p[n] == '.'))
                return t[i].id;
        }
    }
    return NULL;
}

/* The roles list of a keep mask, for the sentence. */
static void roles_text(int keep, char *buf, size_t n)
{
    static const struct { int bit; const char *what; } r[] = {
        { RL_KEEP_ATTN, "attention" }, { RL_KEEP_DENSE, "dense FFN/shared experts" },
        { RL_KEEP_EMBED, "embeddings" }, { RL_KEEP_LM_HEAD, "lm_head" },
    };
    size_t used = 0;

    buf[0] = '\0';
    for (size_t i = 0; i < sizeof r / sizeof *r && used < n; i++)
        if (keep & r[i].bit)
            used += (size_t)snprintf(buf + used, n - used, "%s%s", used ? ", " : "", r[i].what);
}

static void read_quant(const cJSON *root, const cJSON *tc, const char *name,
                       rl_gguf_info *info)
{
    const cJSON *qc = cJSON_GetObjectItemCaseSensitive(root, "quantization_config");
    const char *f;
    char how[96], roles[96];

    if (!cJSON_IsObject(qc) && cJSON_IsObject(tc))
        qc = cJSON_GetObjectItemCaseSensitive(tc, "quantization_config");
    if (!cJSON_IsObject(qc)) {
        if ((f = name_format(name))) {
            snprintf(info->quant, sizeof info->quant, "%s", f);
            snprintf(info->quant_src, sizeof info->quant_src, "weights %s, from the "
                     "file name (no quantization_config; which layers stay bf16 unknown)", f);
        }
        return;
    }
    f = qc_format(qc, how, sizeof how);
    if (!f) {
        snprintf(info->quant_src, sizeof info->quant_src, "quantization_config (%s) not "
                 "recognised: weights taken as unquantized", how);
        return;
    }
    snprintf(info->quant, sizeof info->quant, "%s", f);
    info->keep16 = exclusions(qc);
    roles_text(info->keep16, roles, sizeof roles);
    /* bounded parts: the sentence fits quant_src (and an assumption line) */
    snprintf(info->quant_src, sizeof info->quant_src, "weights %.24s, the checkpoint's own "
             "format (quantization_config: %.48s)%s%.48s", f, how,
             roles[0] ? "; kept bf16: " : "", roles);
}

/* Base name of a path, for `source`. */
static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static int import_tree(const cJSON *root, const char *name, rl_arch *out,
                       rl_gguf_info *info, rl_err *err)
{
    const cJSON *mt = cJSON_GetObjectItemCaseSensitive(root, "model_type");
    const cJSON *tc = cJSON_GetObjectItemCaseSensitive(root, "text_config");
    const cJSON *tmt = NULL;
    ctx c = { root, NULL, "", name, err };
    rl_arch a;
    int rc;

    if (!cJSON_IsObject(root))
        return rl_err_set(err, RL_EINPUT, name, 0,
                          "expected a JSON object at the top level");
    if (!cJSON_IsString(mt)) return type_error(&c, "model_type", "a string", mt);
    if (tc && !cJSON_IsNull(tc)) {
        if (!cJSON_IsObject(tc)) return type_error(&c, "text_config", "an object", tc);
        tmt = cJSON_GetObjectItemCaseSensitive(tc, "model_type");
        if (tmt && !cJSON_IsNull(tmt) && !cJSON_IsString(tmt)) {
            c.prefix = "text_config.";
            return type_error(&c, "model_type", "a string", tmt);
        }
        c.obj = tc;
        c.outer = root;
        c.prefix = "text_config.";
    }
    /* The language model's layout decides: text_config.model_type when
     * the wrapper has one, else the top-level model_type. */
    const char *type = cJSON_IsString(tmt) ? tmt->valuestring : mt->valuestring;
    const family *f = find_family(type);
    if (!f) {
        char list[400], outer[64], inner[64];
        supported_list(list, sizeof list);
        describe(mt, outer, sizeof outer);      /* quoted, printable, short */
        describe(tmt, inner, sizeof inner);
        outer[strlen(outer) - 1] = '\0';        /* drop the quotes: '...' below */
        inner[strlen(inner) - 1] = '\0';
        if (type != mt->valuestring && strcmp(type, mt->valuestring) != 0)
            return rl_err_set(err, RL_EINPUT, name, 0,
                              "unsupported model_type '%s' (text_config.model_type "
                              "'%s'; supported: %s)", outer + 1, inner + 1, list);
        return rl_err_set(err, RL_EINPUT, name, 0,
                          "unsupported model_type '%s' (supported: %s)", outer + 1, list);
    }

    memset(&a, 0, sizeof a);
    a.kind = RL_DECODER;
    rl_arch_id_from_path(name, ".json", a.id, sizeof a.id, a.name, sizeof a.name);
    snprintf(a.family, sizeof a.family, "%s", f->type);
    if (!a.id[0]) snprintf(a.id, sizeof a.id, "%s", f->type);
    if (!a.name[0]) snprintf(a.name, sizeof a.name, "%s", f->type);
    snprintf(a.source, sizeof a.source, "HF config.json: %s%s", base_name(name),
             c.outer ? " (text_config; vision tower not counted)" : "");
    if ((rc = read_common(&c, f, &a)) || (rc = read_layout(&c, f, &a)) ||
        (rc = read_swa(&c, f, &a)))
        return rc;
    fix_moe(&a);
    if ((rc = rl_arch_finish(&a, name, err)) != RL_OK) return rc;
    if (info) {
        memset(info, 0, sizeof *info);
        info->file_type = -1;
        read_quant(root, c.outer ? tc : NULL, name, info);
    }
    *out = a;
    return RL_OK;
}

int rl_import_hf_buf(const char *buf, size_t len, const char *name,
                     rl_arch *out, rl_err *err)
{
    return rl_import_hf_buf_info(buf, len, name, out, NULL, err);
}

int rl_import_hf_buf_info(const char *buf, size_t len, const char *name,
                          rl_arch *out, rl_gguf_info *info, rl_err *err)
{
    const char *end = NULL;
    cJSON *root;
    char *copy;
    int rc;

    if (!name) name = "config.json";
    if (!buf && len) return rl_err_set(err, RL_EINPUT, name, 0, "no data");
    if (len > (size_t)HF_MAX_BYTES)
        return rl_err_set(err, RL_EINPUT, name, 0,
                          "file too large for a config.json (%zu bytes, limit 16 MiB)", len);
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) buf += 3, len -= 3; /* UTF-8 BOM */
    /* cJSON wants a terminated string; an embedded NUL is an error. */
    const char *nul = len ? memchr(buf, '\0', len) : NULL;
    if (nul)
        return rl_err_set(err, RL_EINPUT, name, line_of(buf, (size_t)(nul - buf)),
                          "malformed JSON: NUL byte in the input");
    copy = python_literals(buf ? buf : "", len, &len);
    if (!copy) return rl_err_set(err, RL_EIO, name, 0, "out of memory");
    root = cJSON_ParseWithLengthOpts(copy, len + 1, &end, 0);
    if (!root) {
        const char *ep = end ? end : cJSON_GetErrorPtr();
        size_t off = ep && ep >= copy && ep <= copy + len ? (size_t)(ep - copy) : len;
        rc = syntax_error(copy, len, off, name, err);
        free(copy);
        return rc;
    }
    /* Trailing garbage after the object is malformed too. */
    if (end && end >= copy && end < copy + len) {
        const char *p = end;
        while (p < copy + len && isspace((unsigned char)*p)) p++;
        if (p < copy + len) {
            rc = syntax_error(copy, len, (size_t)(p - copy), name, err);
            cJSON_Delete(root);
            free(copy);
            return rc;
        }
    }
    rc = import_tree(root, name, out, info, err);
    cJSON_Delete(root);
    free(copy);
    return rc;
}

int rl_import_hf(const char *path, rl_arch *out, rl_err *err)
{
    return rl_import_hf_info(path, out, NULL, err);
}

int rl_import_hf_info(const char *path, rl_arch *out, rl_gguf_info *info, rl_err *err)
{
    long long size;
    FILE *f;
    char *buf;
    size_t n;
    int rc;

    if (!(f = rl_open_input(path, 0, &size, err))) return err ? err->code : RL_EIO;
    if (size > HF_MAX_BYTES) {
        fclose(f);
        return rl_err_set(err, RL_EINPUT, path, 0,
                          "file too large for a config.json (%lld bytes, limit 16 MiB)", size);
    }
    buf = malloc((size_t)size + 1);
    if (!buf) {
        fclose(f);
        return rl_err_set(err, RL_EIO, path, 0, "out of memory");
    }
    n = fread(buf, 1, (size_t)size + 1, f);
    if (ferror(f)) {
        free(buf);
        fclose(f);
        return rl_err_set(err, RL_EIO, path, 0, "read error: %s", strerror(errno));
    }
    fclose(f);
    if (n > (size_t)size) n = (size_t)size;    /* grew meanwhile */
    rc = rl_import_hf_buf_info(buf, n, path, out, info, err);
    free(buf);
    return rc;
}
