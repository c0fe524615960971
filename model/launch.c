/*
 * launch.c -- the launch command of a configuration, one table row per
 * runtime (launch.h).
 *
 * Each row names the program and, in emission order, the arguments it
 * takes: a template with "{}" for the value and, for formats, a map
 * "catalog-id=runtime-value ..." (an id not in the map emits nothing,
 * which is how defaults such as an fp16 KV cache stay implicit).  A
 * template starting with '#' becomes a trailing shell comment: the
 * runtime sets that value somewhere other than its command line.
 *
 * Flag sources (each runtime's own --help / docs):
 *   llama-server: -m, -ngl/--n-gpu-layers, -c/--ctx-size (shared by all
 *     -np/--parallel slots, so it is context x slots), -sm/--split-mode,
 *     -ctk/-ctv (--cache-type-k/v)
 *   vllm serve: --dtype, --quantization, --tensor-parallel-size,
 *     --pipeline-parallel-size, --max-model-len, --kv-cache-dtype
 *     (auto|fp8|fp8_e4m3|fp8_e5m2), --max-num-seqs, --gpu-memory-utilization,
 *     --data-parallel-size (replicas in one server), --enable-expert-parallel
 *     (EP over the whole TP x DP group); DP-attention for a MoE model is
 *     --data-parallel-size N with tp 1: the MoE layers span the DP x TP group
 *     (docs.vllm.ai "Data Parallel Deployment", "Expert Parallel Deployment")
 *   sglang.launch_server: --model-path, --dtype, --quantization, --tp-size,
 *     --pp-size, --context-length, --kv-cache-dtype (auto|fp8_e5m2|
 *     fp8_e4m3), --max-running-requests, --mem-fraction-static, --dp-size,
 *     --ep-size, --enable-dp-attention (with --dp-size = the tp group)
 *   trtllm-serve: --tp_size, --pp_size, --ep_size, --max_batch_size,
 *     --max_seq_len; the KV dtype is kv_cache_config and attention DP
 *     enable_attention_dp in the --extra_llm_api_options YAML
 *   mlc_llm serve: --mode, --overrides "tensor_parallel_shards=..;
 *     context_window_size=..;max_num_sequence=.."
 *   mlx_lm.server: --model
 */
#include "launch.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

enum what {
    W_END, W_TEXT, W_MODEL, W_TP, W_PP, W_CTX, W_CTX_TOTAL, W_CONC, W_SLOTS,
    W_NGL, W_SPLIT, W_KV, W_QUANT, W_MEMUTIL, W_DP,
    W_TP_NODPA,                 /* tp, left out under DP-attention (vLLM: the
                                   group is --data-parallel-size then) */
    W_EP,                       /* expert parallel degree, when > 1 */
    W_DPA,                      /* DP-attention on (template without {}) */
    W_REPS,                     /* replicas beside a DP-attention group */
    W_CONC_RANK                 /* concurrency per engine: per DP-attention
                                   rank (vLLM's --max-num-seqs is per DP rank) */
};

typedef struct arg {
    int what;                   /* enum what */
    const char *tmpl;           /* "{}" is the value; '#...': a comment */
    const char *map;            /* W_KV / W_QUANT: "id=value ..." */
} arg;

typedef struct spec {
    const char *runtime;        /* catalog id */
    const char *prog;           /* NULL: no standard launch command */
    const char *native;         /* quants the official repo serves as is */
    const char *qname;          /* placeholder names: "id=name ..." */
    const char *suffix;         /* placeholder suffix (".gguf", "-MLC") */
    const char *group;          /* args marked G join into one
                                   `group "a;b;c"` argument (MLC) */
    arg args[16];
} spec;

#define G "\001"                /* template prefix: goes into the group */

static const spec specs[] = {
    {"llama.cpp", "llama-server", "", "fp16=F16 bf16=BF16 fp32=F32", ".gguf", NULL, {
        {W_MODEL, "-m {}", NULL}, {W_NGL, "-ngl {}", NULL}, {W_CTX_TOTAL, "-c {}", NULL},
        {W_SLOTS, "-np {}", NULL}, {W_SPLIT, "-sm {}", NULL},
        {W_KV, "-ctk {} -ctv {}", "q8_0=q8_0 q4_0=q4_0"}, {W_END, NULL, NULL}}},
    {"vllm", "vllm serve", "fp16 bf16 fp32 fp8", NULL, "", NULL, {
        {W_MODEL, "{}", NULL},
        {W_QUANT, "--dtype {}", "fp16=float16 bf16=bfloat16 fp32=float32"},
        {W_QUANT, "--quantization {}", "fp8=fp8 awq-int4=awq gptq-int4=gptq"},
        {W_TP_NODPA, "--tensor-parallel-size {}", NULL},
        {W_PP, "--pipeline-parallel-size {}", NULL},
        {W_CTX, "--max-model-len {}", NULL}, {W_KV, "--kv-cache-dtype {}", "fp8=fp8"},
        {W_CONC_RANK, "--max-num-seqs {}", NULL},
        {W_MEMUTIL, "--gpu-memory-utilization {}", NULL},
        {W_DP, "--data-parallel-size {}", NULL}, {W_EP, "--enable-expert-parallel", NULL},
        {W_REPS, "# one such server per replica ({} replicas)", NULL}, {W_END, NULL, NULL}}},
    {"sglang", "python -m sglang.launch_server", "fp16 bf16 fp32 fp8", NULL, "", NULL, {
        {W_MODEL, "--model-path {}", NULL},
        {W_QUANT, "--dtype {}", "fp16=float16 bf16=bfloat16 fp32=float32"},
        {W_QUANT, "--quantization {}", "fp8=fp8 awq-int4=awq gptq-int4=gptq"},
        {W_TP, "--tp-size {}", NULL}, {W_PP, "--pp-size {}", NULL},
        {W_CTX, "--context-length {}", NULL}, {W_KV, "--kv-cache-dtype {}", "fp8=fp8_e4m3"},
        {W_CONC, "--max-running-requests {}", NULL}, {W_MEMUTIL, "--mem-fraction-static {}", NULL},
        {W_DP, "--dp-size {}", NULL}, {W_DPA, "--enable-dp-attention", NULL},
        {W_EP, "--ep-size {}", NULL},
        {W_REPS, "# one such server per replica ({} replicas)", NULL}, {W_END, NULL, NULL}}},
    {"tensorrt-llm", "trtllm-serve", "fp16 bf16 fp32", NULL, "", NULL, {
        {W_MODEL, "{}", NULL}, {W_TP, "--tp_size {}", NULL}, {W_PP, "--pp_size {}", NULL},
        {W_EP, "--ep_size {}", NULL},
        {W_CONC, "--max_batch_size {}", NULL}, {W_CTX, "--max_seq_len {}", NULL},
        {W_KV, "# KV cache {}: kv_cache_config.dtype in the --extra_llm_api_options YAML",
         "fp8=fp8"},
        {W_DPA, "# attention DP: enable_attention_dp: true in the --extra_llm_api_options YAML",
         NULL}, {W_END, NULL, NULL}}},
    {"mlc-llm", "mlc_llm serve", "", "fp16=q0f16", "-MLC", "--overrides", {
        {W_MODEL, "{}", NULL}, {W_TEXT, "--mode server", NULL},
        {W_TP, G "tensor_parallel_shards={}", NULL}, {W_CTX, G "context_window_size={}", NULL},
        {W_CONC, G "max_num_sequence={}", NULL}, {W_END, NULL, NULL}}},
    {"mlx", "mlx_lm.server", "fp16 bf16 fp32", "q4_0=4bit q8_0=8bit", "", NULL, {
        {W_MODEL, "--model {}", NULL},
        {W_KV, "# KV cache {}: not a mlx_lm.server flag", "q8_0=q8_0 q4_0=q4_0"},
        {W_END, NULL, NULL}}},
    /* No server CLI of their own: exllamav2 is served by TabbyAPI (a YAML
     * config), HailoRT, RKNN-LLM and RKNN by vendor SDK programs. */
    {"exllamav2", NULL, "", NULL, "", NULL, {{W_END, NULL, NULL}}},
    {"hailort", NULL, "", NULL, "", NULL, {{W_END, NULL, NULL}}},
    {"rknn-llm", NULL, "", NULL, "", NULL, {{W_END, NULL, NULL}}},
    {"rknn", NULL, "", NULL, "", NULL, {{W_END, NULL, NULL}}},
};

/* Value of `key` in a "k=v k=v" map into out; 0 when absent. */
static int map_get(const char *map, const char *key, char *out, size_t n)
{
    size_t kl = strlen(key);
    for (const char *p = map; p && *p;) {
        size_t len = strcspn(p, " ");
        if (len > kl && strncmp(p, key, kl) == 0 && p[kl] == '=') {
            snprintf(out, n, "%.*s", (int)(len - kl - 1), p + kl + 1);
            return 1;
        }
        p += len;
        while (*p == ' ') p++;
    }
    return 0;
}

/* Is `word` one of the space-separated words of `list`? */
static int in_list(const char *list, const char *word)
{
    size_t wl = strlen(word);
    for (const char *p = list; p && *p;) {
        size_t len = strcspn(p, " ");
        if (len == wl && strncmp(p, word, wl) == 0) return 1;
        p += len;
        while (*p == ' ') p++;
    }
    return 0;
}

static void append(char *buf, size_t n, const char *s)
{
    size_t l = strlen(buf);
    if (l < n) snprintf(buf + l, n - l, "%s", s);
}

/* Append tmpl with every "{}" replaced by val. */
static void append_tmpl(char *buf, size_t n, const char *tmpl, const char *val)
{
    for (const char *p = tmpl; *p; p++) {
        if (p[0] == '{' && p[1] == '}') {
            append(buf, n, val);
            p++;
        } else {
            char c[2] = {*p, 0};
            append(buf, n, c);
        }
    }
}

/* Single-quote s for a POSIX shell when it holds anything unusual. */
static void shell_word(char *out, size_t n, const char *s)
{
    if (*s && !s[strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                           "0123456789_-./:=+@%,")]) {
        snprintf(out, n, "%s", s);
        return;
    }
    out[0] = 0;
    append(out, n, "'");
    for (; *s; s++) append(out, n, *s == '\'' ? "'\\''" : (char[2]){*s, 0});
    append(out, n, "'");
}

static int ends_with(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && strcmp(s + a - b, suf) == 0;
}

/* The model argument: the user's file, the official repo, or a
 * placeholder "<Base-quant><suffix>". */
static void model_arg(const spec *sp, const rl_config *c, const char *path, char *out,
                      size_t n)
{
    const char *repo = c->model->hf_repo, *base = strrchr(repo, '/');
    char q[32];
    int gguf = strcmp(sp->suffix, ".gguf") == 0;
    if (path && gguf && ends_with(path, ".gguf")) {
        shell_word(out, n, path);
        return;
    }
    if (path && !gguf && ends_with(path, "config.json")) {
        char dir[512];
        const char *sl = strrchr(path, '/');
        snprintf(dir, sizeof dir, "%.*s", sl ? (int)(sl - path) : 1, sl ? path : ".");
        shell_word(out, n, dir[0] ? dir : "/");
        return;
    }
    if (repo[0] && in_list(sp->native, c->quant->id)) {
        snprintf(out, n, "%s", repo);
        return;
    }
    if (!map_get(sp->qname, c->quant->id, q, sizeof q)) {
        snprintf(q, sizeof q, "%s", c->quant->id);
        for (char *p = q; gguf && *p; p++) *p = (char)toupper((unsigned char)*p);
    }
    if (repo[0]) snprintf(out, n, "<%s-%s%s>", base ? base + 1 : repo, q, sp->suffix);
    else if (gguf) snprintf(out, n, "<path-to-model.gguf>");
    else if (in_list(sp->native, c->quant->id)) snprintf(out, n, "<path-to-model>");
    else snprintf(out, n, "<path-to-model-%s%s>", q, sp->suffix);
}

/* Value of one argument, or 0 when it is not emitted. */
static int arg_value(const arg *a, const spec *sp, const rl_config *c, const char *path,
                     char *v, size_t n)
{
    long ctx = c->context_cap > 0 ? c->context_cap : c->prompt + c->output;
    switch (a->what) {
    case W_TEXT: v[0] = 0; return 1;
    case W_MODEL: model_arg(sp, c, path, v, n); return 1;
    case W_TP: snprintf(v, n, "%d", c->tp); return c->tp > 1;
    case W_PP: snprintf(v, n, "%d", c->pp); return c->pp > 1;
    case W_CTX: snprintf(v, n, "%ld", ctx); return ctx > 0;
    case W_CTX_TOTAL: snprintf(v, n, "%ld", ctx * (c->concurrency > 0 ? c->concurrency : 1));
        return ctx > 0;
    case W_CONC: snprintf(v, n, "%d", c->concurrency); return c->concurrency > 0;
    case W_SLOTS: snprintf(v, n, "%d", c->concurrency); return c->concurrency > 1;
    case W_NGL:
        if (c->model->layers <= 0) return 0;
        snprintf(v, n, "%d", c->offload_layers > 0 ? c->model->layers - c->offload_layers : 999);
        return 1;
    case W_SPLIT: snprintf(v, n, "%s", c->tp > 1 ? "row" : "layer"); return c->tp * c->pp > 1;
    case W_KV: return c->kv && map_get(a->map, c->kv->id, v, n);
    case W_QUANT: return map_get(a->map, c->quant->id, v, n);
    case W_MEMUTIL: snprintf(v, n, "%.2f", c->mem_util); return c->mem_util > 0;
    case W_DP:          /* DP-attention: the group's ranks; else replicas */
        if (c->dp_attention) { snprintf(v, n, "%d", c->tp); return 1; }
        snprintf(v, n, "%d", c->replicas); return c->replicas > 1;
    case W_CONC_RANK:
        snprintf(v, n, "%d", c->dp_attention && c->tp > 1
                 ? (c->concurrency + c->tp - 1) / c->tp : c->concurrency);
        return c->concurrency > 0;
    case W_TP_NODPA: snprintf(v, n, "%d", c->tp); return c->tp > 1 && !c->dp_attention;
    case W_EP: snprintf(v, n, "%d", c->ep); return c->ep > 1;
    case W_DPA: v[0] = 0; return c->dp_attention;
    case W_REPS: snprintf(v, n, "%d", c->replicas); return c->dp_attention && c->replicas > 1;
    default: return 0;
    }
}

int rl_launch_command(const rl_config *c, const char *model_path, char *buf, size_t n)
{
    const spec *sp = NULL;
    char val[512], group[256] = "", note[256] = "";
    if (n) buf[0] = 0;
    if (!c || !c->rt || !c->model || !c->quant || n == 0) return 0;
    for (size_t i = 0; i < sizeof specs / sizeof *specs; i++)
        if (strcmp(specs[i].runtime, c->rt->id) == 0) sp = &specs[i];
    if (!sp || !sp->prog) return 0;
    append(buf, n, sp->prog);
    for (const arg *a = sp->args; a->what != W_END; a++) {
        if (!arg_value(a, sp, c, model_path, val, sizeof val)) continue;
        if (a->tmpl[0] == G[0]) {
            if (group[0]) append(group, sizeof group, ";");
            append_tmpl(group, sizeof group, a->tmpl + 1, val);
        } else if (a->tmpl[0] == '#') {
            append(note, sizeof note, "  ");
            append_tmpl(note, sizeof note, a->tmpl, val);
        } else {
            append(buf, n, " ");
            append_tmpl(buf, n, a->tmpl, val);
        }
    }
    if (group[0]) {
        append(buf, n, " ");
        append(buf, n, sp->group);
        append(buf, n, " \"");
        append(buf, n, group);
        append(buf, n, "\"");
    }
    append(buf, n, note);
    return 1;
}

const char *rl_launch_kv_alias(const char *v)
{
    if (!v) return v;
    if (strcmp(v, "auto") == 0) return "fp16";
    if (strcmp(v, "fp8_e4m3") == 0 || strcmp(v, "fp8_e5m2") == 0) return "fp8";
    return v;
}
