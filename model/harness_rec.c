/*
 * harness_rec.c -- what both importers build records with (harness_int.h):
 * bounded copies, base names, new records with stable run ids, env
 * entries, hashed GPU UUIDs, the printed-name -> catalog id maps of
 * formats and KV types, and a line-prefix test.  harness.c (benchmark
 * reports) and harness_log.c (startup logs) use these; neither uses the
 * other's parsers, except harness.c dispatching a detected log.
 */
#include "harness_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


void hx_copy(char *dst, size_t n, const char *src)
{
    size_t i = 0;
    for (; src && src[i] && i + 1 < n && (unsigned char)src[i] >= 0x20; i++) dst[i] = src[i];
    dst[i] = '\0';
}

void hx_basename(char *dst, size_t n, const char *path)
{
    const char *s = strrchr(path, '/'), *b = strrchr(path, '\\');
    if (b && (!s || b > s)) s = b;
    hx_copy(dst, n, s ? s + 1 : path);
}

void hx_env(rl_runrec *r, const char *key, const char *value)
{
    int i;
    for (i = 0; i < r->n_env; i++) if (strcmp(r->env[i].key, key) == 0) break;
    if (i == RL_RUN_MAX_ENV) return;
    if (i == r->n_env) hx_copy(r->env[r->n_env++].key, sizeof r->env[0].key, key);
    hx_copy(r->env[i].value, sizeof r->env[0].value, value);
}

void hx_gpu_uuid(rl_runrec *r, const char *text)
{
    const char *p = strstr(text, "GPU-");
    char id[48];
    size_t k = 0;

    for (; p; p = strstr(p + 4, "GPU-")) {
        /* GPU-8hex-4hex-4hex-4hex-12hex, as nvidia-smi -L prints it */
        for (k = 4; k < 40 && (isxdigit((unsigned char)p[k]) || p[k] == '-'); k++) {}
        if (k == 40) break;
    }
    if (!p) return;
    memcpy(id, p, 40);
    id[40] = '\0';
    {
        char h[40];
        rl_host_hash(id, h, sizeof h);
        hx_env(r, "gpu_uuid_hash", h);
    }
}

rl_runrec *hx_new(hctx *h)
{
    rl_runrec *r;
    uint64_t id;

    if (h->n == h->cap) {
        rl_runrec *g = realloc(h->r, sizeof *g * (size_t)(h->cap = h->cap ? h->cap * 2 : 8));
        if (!g) { rl_err_set(h->err, RL_EIO, h->file, 0, "out of memory"); return NULL; }
        h->r = g;
    }
    r = &h->r[h->n];
    rl_runrec_init(r);
    hx_copy(r->source_tool, sizeof r->source_tool, h->tool);
    hx_copy(r->source_file, sizeof r->source_file, h->base);
    id = rl_fnv1a64(&h->n, sizeof h->n, h->hash);
    snprintf(r->run_id, sizeof r->run_id, "%s-%016llx", h->tool, (unsigned long long)id);
    h->n++;
    return r;
}

static const struct { const char *printed, *id; } quant_map[] = {
    /* GGUF file types as llama_model_ftype_name() prints them */
    { "all F32", "fp32" }, { "F32", "fp32" }, { "F16", "fp16" }, { "BF16", "bf16" },
    { "Q8_0", "q8_0" }, { "Q6_K", "q6_k" }, { "Q5_K - Medium", "q5_k_m" },
    { "Q5_K - Small", "q5_k_s" }, { "Q5_0", "q5_0" }, { "Q4_K - Medium", "q4_k_m" },
    { "Q4_K - Small", "q4_k_s" }, { "Q4_0", "q4_0" }, { "Q3_K - Large", "q3_k_l" },
    { "Q3_K - Medium", "q3_k_m" }, { "Q3_K - Small", "q3_k_s" }, { "Q2_K - Medium", "q2_k" },
    { "Q2_K - Small", "q2_k" }, { "IQ4_XS - 4.25 bpw", "iq4_xs" },
    /* dtypes and quantization methods (vLLM, TensorRT-LLM) */
    { "torch.float16", "fp16" }, { "float16", "fp16" }, { "half", "fp16" },
    { "torch.bfloat16", "bf16" }, { "bfloat16", "bf16" }, { "fp8", "fp8" }, { "FP8", "fp8" },
    { "awq", "awq-int4" }, { "awq_marlin", "awq-int4" }, { "W4A16_AWQ", "awq-int4" },
    { "gptq", "gptq-int4" }, { "gptq_marlin", "gptq-int4" }, { "W4A16_GPTQ", "gptq-int4" },
    { "INT8", "int8" }, { "W8A8_SQ_PER_CHANNEL", "int8" },
};

const char *rl_harness_quant_id(const char *s)
{
    size_t n = strlen(s);
    /* exact first, then as the end of "llama 8B Q4_K - Medium" */
    for (size_t i = 0; i < sizeof quant_map / sizeof *quant_map; i++)
        if (strcmp(s, quant_map[i].printed) == 0) return quant_map[i].id;
    for (size_t i = 0; i < sizeof quant_map / sizeof *quant_map; i++) {
        size_t k = strlen(quant_map[i].printed);
        if (k < n && s[n - k - 1] == ' ' && strcmp(s + n - k, quant_map[i].printed) == 0)
            return quant_map[i].id;
    }
    return "";
}

const char *rl_harness_kv_id(const char *s)
{
    static const struct { const char *printed, *id; } m[] = {
        { "f16", "fp16" }, { "F16", "fp16" }, { "float16", "fp16" }, { "torch.float16", "fp16" },
        { "bf16", "bf16" }, { "BF16", "bf16" }, { "bfloat16", "bf16" }, { "torch.bfloat16", "bf16" },
        { "fp8", "fp8" }, { "FP8", "fp8" }, { "fp8_e4m3", "fp8" }, { "fp8_e5m2", "fp8" },
        { "q8_0", "q8_0" }, { "q4_0", "q4_0" },
    };
    for (size_t i = 0; i < sizeof m / sizeof *m; i++)
        if (strcmp(s, m[i].printed) == 0) return m[i].id;
    return "";
}

/* 1 when a line of text begins with prefix. */
int hx_line_starts(const char *t, const char *prefix)
{
    size_t k = strlen(prefix);
    const char *p = t;

    if (strncmp(t, prefix, k) == 0) return 1;
    while ((p = strstr(p, prefix)))
        if (p++[-1] == '\n') return 1;
    return 0;
}
