/*
 * harness_log.c -- runtime startup logs into one run record each: what
 * llama.cpp (llama-server, llama-cli) and vLLM print about memory while
 * loading a model, and llama.cpp's timing lines.  See harness.h.
 *
 * The lines matched, with the llama.cpp function prefixes that changed
 * across releases (any prefix is accepted; only the text after it is
 * matched):
 *   llama.cpp  "build: 4426 (4426e298) with ..." / "build = 4426 (4426e298)" /
 *              "common_params_print_info: build 11669 (Debian) with ..."
 *              "Device 0: NVIDIA GeForce RTX 4090, compute capability ..." /
 *              "device_info:" then "  - CPU     : AMD EPYC (24105 MiB, ...)"
 *              "... loaded meta data ... from PATH.gguf"      model file
 *              "file type   = Q4_K - Medium" / "model ftype = ..."
 *              "file size   = 4.58 GiB (4.89 BPW)" / "model size = ..."
 *              "CUDA0 model buffer size =  4403.49 MiB"      (per buffer)
 *              "KV self size  = 1024.00 MiB, K (f16): ..." or
 *              "llama_kv_cache...: size = 1024.00 MiB (8192 cells, ..."
 *              "CUDA0 compute buffer size =   560.00 MiB"
 *              "n_ctx      = 8192"
 *              "prompt eval time = 70.51 ms / 512 tokens (... tokens per second)"
 *              "eval time = 3917.96 ms / 511 runs (... tokens per second)"
 *              "memory breakdown [MiB] | total free self model context compute
 *               unaccounted |" then per device "| - NAME | T = F + (S = M + C + P) + U |"
 *               and per host buffer "| - Host | S = M + C + P |" (2025 on)
 *              Since late 2025 every line may begin with a timestamp and a
 *              level ("0.02.021.593 I ") and a module tag ("srv  ", "cmn  ",
 *              "slot "); tests/data/harness/captured holds such logs.
 *   vLLM       "vLLM API server version 0.8.5" / "... LLM engine (v0.8.5) with config:
 *               model='...', dtype=torch.bfloat16, max_seq_len=8192, ...,
 *               tensor_parallel_size=1, pipeline_parallel_size=1, ...,
 *               quantization=None, ..., kv_cache_dtype=auto, ..."
 *              "Loading model weights took 14.9888 GB" (V0, GiB in fact) /
 *              "Model loading took 14.9596 GiB and 5.12 seconds" (V1) /
 *              "model weights take 14.96GiB; ... reserved for KV Cache is 54.94GiB."
 *              "Available KV cache memory: 54.94 GiB" (V1)
 *              "GPU KV cache size: 450,048 tokens"
 *              "Maximum concurrency for 8,192 tokens per request: 54.94x"
 *              "distributed_init_method=tcp://10.0.0.5:12345"  (hashed)
 */
#include "harness_int.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The number after `key` on the first line containing it, skipping
 * spaces, '=' and ':'; commas inside the number are dropped ("450,048").
 * NAN when absent.  *after (may be NULL) points past the number. */
static double num_after(const char *text, const char *key, const char **after)
{
    const char *p = strstr(text, key);
    char b[48];
    size_t k = 0;

    if (!p) return NAN;
    p += strlen(key);
    while (*p == ' ' || *p == '=' || *p == ':' || *p == '\t') p++;
    for (; k + 1 < sizeof b && (isdigit((unsigned char)*p) || *p == '.' || *p == ','); p++)
        if (*p != ',') b[k++] = *p;
    b[k] = '\0';
    if (after) *after = p;
    return k ? atof(b) : NAN;
}

/* A size with its unit ("4403.49 MiB", "14.96GiB", "14.9888 GB") in
 * decimal GB; NAN when the unit is not one of these. */
static double size_gb(double v, const char *unit)
{
    while (*unit == ' ') unit++;
    if (strncmp(unit, "MiB", 3) == 0) return v * HX_MIB_GB;
    if (strncmp(unit, "GiB", 3) == 0) return v * HX_GIB_GB;
    /* vLLM V0 prints "%.4f GB" of bytes / 2**30: GiB under another name */
    if (strncmp(unit, "GB", 2) == 0) return v * HX_GIB_GB;
    return NAN;
}

/* "<buffer> <what>buffer size = X MiB" lines (what is "model ",
 * "compute " or "" for the pre-2025 "llm_load_tensors: CUDA0 buffer size"
 * lines, then only on lines with `only`): *dev gets the LARGEST device
 * buffer (CUDA0, ROCm0, Metal, Vulkan0, ...: the most loaded device, as
 * the estimate reports memory), *host the sum of host ones (CPU,
 * CPU_Mapped, CUDA_Host, ...).  Returns the number of device buffers. */
static int buffers(const char *text, const char *what, const char *only, double *dev,
                   double *host)
{
    char key[48], line[512];
    const char *p = text;
    int ndev = 0;

    snprintf(key, sizeof key, " %sbuffer size", what);
    *dev = *host = 0;
    for (; *p; p += strcspn(p, "\n"), p += *p == '\n') {
        const char *k, *after, *b;
        double mib;
        char name[32];
        size_t n = strcspn(p, "\n");
        if (n >= sizeof line) continue;
        memcpy(line, p, n);
        line[n] = '\0';
        if (!(k = strstr(line, key)) || (only && !strstr(line, only))) continue;
        mib = num_after(k, key, &after);
        if (isnan(mib) || strncmp(after, " MiB", 4) != 0) continue;
        for (b = k; b > line && b[-1] != ' ' && b[-1] != ':'; b--) {}
        hx_copy(name, sizeof name, b);
        name[strcspn(name, " ")] = '\0';
        if (strncmp(name, "CPU", 3) == 0 || strstr(name, "_Host")) *host += mib;
        else { *dev = mib > *dev ? mib : *dev; ndev++; }
    }
    return ndev;
}

/* Past llama.cpp's optional line prefix: the timestamp and level of
 * common/log.cpp ("0.02.021.593 I ") and a module tag of the server and
 * common code ("srv  ", "cmn  ", "slot ", "spec "). */
static const char *llama_body(const char *l)
{
    static const char *const tag[] = { "srv ", "cmn ", "slot ", "spec " };
    const char *p = l;

    while (isdigit((unsigned char)*p) || *p == '.') p++;
    if (p > l && p[0] == ' ' && strchr("IWEDT", p[1]) && p[1] && p[2] == ' ') l = p + 3;
    for (size_t i = 0; i < sizeof tag / sizeof *tag; i++)
        if (strncmp(l, tag[i], strlen(tag[i])) == 0) {
            l += strlen(tag[i]);
            while (*l == ' ') l++;
            break;
        }
    return l;
}

/* The line at l (up to its newline, cut to n-1 bytes) into buf, so that
 * what is searched for stays inside it. */
static const char *line_copy(const char *l, char *buf, size_t n)
{
    size_t k = strcspn(l, "\n");
    if (k >= n) k = n - 1;
    memcpy(buf, l, k);
    buf[k] = '\0';
    return buf;
}

/* A line whose body (past any such prefix) begins with one of llama.cpp's
 * logging function prefixes (a document that merely names them does not
 * count). */
int hx_is_llamacpp_log(const char *t)
{
    static const char *const pre[] = {
        "llama_model_loader:", "load_tensors:", "print_info:", "llm_load_print_meta:",
        "llm_load_tensors:", "llama_context:", "llama_new_context_with_model:",
        "llama_perf_context_print:", "llama_print_timings:", "common_perf_print:",
        "common_memory_breakdown_print:", "llama_memory_breakdown_print:", "common_param:",
        "llama_server:", "load_model:", "print_timing:",
    };
    for (const char *l = t; *l; l += strcspn(l, "\n"), l += *l == '\n') {
        const char *b = llama_body(l);
        for (size_t i = 0; i < sizeof pre / sizeof *pre; i++)
            if (strncmp(b, pre[i], strlen(pre[i])) == 0) return 1;
    }
    return 0;
}

/* A vLLM logger line ("INFO 05-16 14:02:14 [file.py:N] ...", possibly
 * behind a "(VllmWorker ...)" process tag) carrying one of its markers. */
int hx_is_vllm_log(const char *t)
{
    static const char *const marks[] = {
        "vLLM API server version", "LLM engine (v", "GPU KV cache size:", "model weights take",
        "Loading model weights took", "Model loading took",
    };
    for (size_t i = 0; i < sizeof marks / sizeof *marks; i++) {
        const char *p = strstr(t, marks[i]), *b;
        if (!p) continue;
        for (b = p; b > t && b[-1] != '\n'; b--) {}
        while (*b == '(' && strchr(b, ')') && strchr(b, ')') < p) {
            b = strchr(b, ')') + 1;
            while (*b == ' ') b++;
        }
        if (!strncmp(b, "INFO ", 5) || !strncmp(b, "WARNING ", 8) || !strncmp(b, "DEBUG ", 6))
            return 1;
    }
    return 0;
}

/* Text after `key` up to the end of its line, or "". */
static void rest_of_line(const char *text, const char *key, char *out, size_t n)
{
    const char *p = strstr(text, key);
    out[0] = '\0';
    if (!p) return;
    p += strlen(key);
    while (*p == ' ' || *p == '=' || *p == ':') p++;
    hx_copy(out, n, p);
    out[strcspn(out, "\r\n")] = '\0';
}

static void llama_timings(rl_runrec *r, const char *t)
{
    const char *p = strstr(t, "prompt eval time"), *q;
    double tok, tps;

    /* "prompt eval time = 70.51 ms / 512 tokens ( ... , 7261.39 tokens per second)";
     * counts past 1e8 are not a run (and would not fit a long: fuzzing) */
    if (p && (q = strstr(p, " / ")) && (tok = atof(q + 3)) > 0 && tok <= 1e8 &&
        !isnan(tps = num_after(p, "ms per token,", NULL)) && tps > 0) {
        r->context_tokens = (long)tok;
        r->metric[RL_RUN_PREFILL] = tps;
        r->output_tokens = 0;
    }
    /* "       eval time = 3917.96 ms / 511 runs ( ... , 130.42 tokens per second)" */
    for (p = t; (p = strstr(p, "eval time")); p += 9) {
        if (p >= t + 7 && strncmp(p - 7, "prompt ", 7) == 0) continue;
        if ((q = strstr(p, " / ")) && (tok = atof(q + 3)) > 0 && tok <= 1e8 &&
            !isnan(tps = num_after(p, "ms per token,", NULL)) && tps > 0) {
            r->output_tokens = (long)tok;
            r->metric[RL_RUN_DECODE] = tps;
            if (r->context_tokens < 0) r->context_tokens = 0;
            break;
        }
    }
}

/* "build: 5220 (d3bd7193) with ...", "main: build = 2824 (4426e298)" or,
 * since late 2025, "common_params_print_info: build 11669 (Debian) with
 * ..." (a distribution build names itself instead of the commit). */
static void llama_build(rl_runrec *r, const char *t)
{
    for (const char *p = t; (p = strstr(p, "build")); p += 5) {
        const char *q = p + 5;
        unsigned long bn;
        char c[41], line[96];
        if (p > t && isalnum((unsigned char)p[-1])) continue;
        while (*q == ':' || *q == '=' || *q == ' ') q++;
        if (q == p + 5 || !isdigit((unsigned char)*q)) continue;
        if (sscanf(line_copy(q, line, sizeof line), "%lu (%40[0-9A-Za-z._+-])", &bn, c) == 2) {
            snprintf(r->runtime_version, sizeof r->runtime_version, "b%lu (%.12s)", bn, c);
            return;
        }
    }
}

/* The devices ggml lists: "Device 0: NVIDIA GeForce RTX 4090, compute
 * capability 8.9, ..." (CUDA/ROCm init) or, since late 2025, common's
 * "device_info:" block of "  - NAME : DESCRIPTION (TOTAL MiB, FREE MiB
 * free)" lines.  The first accelerator names the hardware; a run on the
 * CPU alone is named by the CPU. */
static void llama_devices(rl_runrec *r, const char *t)
{
    char cpu[sizeof r->hardware_name] = "";
    const char *p;
    int ndev = 0;

    for (p = t; (p = strstr(p, "Device ")); p += 7) {
        const char *c = strchr(p, ':');
        if (!c || c - p > 10 || !isdigit((unsigned char)p[7])) continue;
        if (ndev++ == 0) {
            hx_copy(r->hardware_name, sizeof r->hardware_name, c + 2);
            r->hardware_name[strcspn(r->hardware_name, ",\r\n")] = '\0';
        }
    }
    for (const char *l = t; !ndev && *l; l += strcspn(l, "\n"), l += *l == '\n') {
        char line[512], name[32], desc[sizeof r->hardware_name];
        const char *b = llama_body(line_copy(l, line, sizeof line)), *c;
        size_t n;
        if (strncmp(b, "common_param:", 13) != 0) continue;
        for (b += 13; *b == ' '; b++) {}
        if (strncmp(b, "- ", 2) != 0 || !(c = strchr(b, ':')) || c - b > 34) continue;
        n = strcspn(b + 2, " :");
        hx_copy(name, n + 1 < sizeof name ? n + 1 : sizeof name, b + 2);
        for (c++; *c == ' '; c++) {}
        hx_copy(desc, sizeof desc, c);
        desc[strcspn(desc, "(\r\n")] = '\0';
        for (n = strlen(desc); n && desc[n - 1] == ' '; ) desc[--n] = '\0';
        if (strncmp(name, "CPU", 3) == 0) { if (!cpu[0]) hx_copy(cpu, sizeof cpu, desc); continue; }
        if (r->hardware_name[0] == '\0') hx_copy(r->hardware_name, sizeof r->hardware_name, desc);
        r->n_devices = r->n_devices > 0 ? r->n_devices + 1 : 1;
    }
    if (ndev) r->n_devices = ndev;
    else if (r->n_devices <= 0 && cpu[0]) hx_copy(r->hardware_name, sizeof r->hardware_name, cpu);
}

/* The last "memory breakdown [MiB]" table (printed when fitting the
 * parameters and again at exit): per device "T = F + (S = M + C + P) + U",
 * per host buffer "S = M + C + P".  *dev_model / *dev_compute get the
 * largest device figures, *host_model / *host_compute the host sums (MiB).
 * Returns the number of device rows, -1 when there is no table. */
static int llama_breakdown(const char *t, double *dev_model, double *dev_compute,
                           double *host_model, double *host_compute)
{
    int ndev = -1;

    for (const char *l = t; *l; l += strcspn(l, "\n"), l += *l == '\n') {
        char line[512], name[48];
        const char *b = llama_body(line_copy(l, line, sizeof line)), *bar, *eq;
        double s, m, c, p;
        if (strncmp(b, "common_memory_breakdown_print:", 30) != 0 &&
            strncmp(b, "llama_memory_breakdown_print:", 29) != 0) continue;
        if (!(bar = strchr(b, '|'))) continue;
        for (bar++; *bar == ' '; bar++) {}
        if (strncmp(bar, "memory breakdown", 16) == 0) {       /* a new table */
            ndev = 0;
            *dev_model = *dev_compute = *host_model = *host_compute = 0;
            continue;
        }
        if (ndev < 0 || strncmp(bar, "- ", 2) != 0) continue;
        hx_copy(name, sizeof name, bar + 2);
        name[strcspn(name, " |")] = '\0';
        if (!(bar = strchr(bar, '|'))) continue;
        eq = strchr(bar, '(') ? strchr(bar, '(') + 1 : bar + 1;
        if (sscanf(eq, " %lf = %lf + %lf + %lf", &s, &m, &c, &p) != 4 || m < 0 || c < 0 || p < 0)
            continue;
        if (strncmp(name, "Host", 4) == 0 || strncmp(name, "CPU", 3) == 0 || strstr(name, "_Host")) {
            *host_model += m;
            *host_compute += p;
        } else {
            *dev_model = m > *dev_model ? m : *dev_model;
            *dev_compute = p > *dev_compute ? p : *dev_compute;
            ndev++;
        }
    }
    return ndev;
}

int hx_llamacpp_log(hctx *h, const char *t)
{
    rl_runrec *r = hx_new(h);
    char b[160];
    const char *p, *after;
    double v, dev = 0, host = 0, comp = NAN, hcomp = 0;
    int ndev;

    if (!r) return h->err->code;
    hx_copy(r->runtime_id, sizeof r->runtime_id, "llama.cpp");
    llama_build(r, t);
    llama_devices(r, t);
    if ((p = strstr(t, "loaded meta data")) && (p = strstr(p, " from ")) ) {
        hx_copy(b, sizeof b, p + 6);
        b[strcspn(b, " \r\n")] = '\0';
        hx_basename(r->model_name, sizeof r->model_name, b);
    } else if ((p = strstr(t, "load_model: loading model '"))) {       /* llama-server */
        hx_copy(b, sizeof b, p + 27);
        b[strcspn(b, "'\r\n")] = '\0';
        hx_basename(r->model_name, sizeof r->model_name, b);
    }
    rest_of_line(t, "file type", b, sizeof b);
    if (!b[0]) rest_of_line(t, "model ftype", b, sizeof b);
    hx_copy(r->quant, sizeof r->quant, rl_harness_quant_id(b));
    if (!isnan(v = num_after(t, "file size", &after)) ||
        !isnan(v = num_after(t, "model size", &after)))
        if (!isnan(v = size_gb(v, after))) r->metric[RL_RUN_MODEL_SIZE] = v;
    /* llama.cpp's own accounting where it prints it, else the buffer
     * lines: model buffers ("model buffer size"; before 2025 "CUDA0
     * buffer size") and compute buffers */
    ndev = llama_breakdown(t, &dev, &comp, &host, &hcomp);
    if (ndev < 0 || (dev <= 0 && host <= 0)) {
        ndev = buffers(t, "model ", NULL, &dev, &host);
        if (ndev == 0 && host <= 0) ndev = buffers(t, "", "llm_load_tensors:", &dev, &host);
        comp = buffers(t, "compute ", NULL, &v, &hcomp) > 0 ? v : NAN;
    }
    if (ndev == 0 && r->n_devices <= 0) {       /* the CPU alone: the host is the device */
        dev = host, host = 0;
        comp = hcomp;
    }
    if (dev > 0) r->metric[RL_RUN_WEIGHTS] = dev * HX_MIB_GB;
    if (host > 0 && r->n_extra < RL_RUN_MAX_EXTRA) {
        snprintf(r->extra[r->n_extra].name, sizeof r->extra[0].name, "weights_host_gb");
        r->extra[r->n_extra++].value = host * HX_MIB_GB;
    }
    if (comp > 0) r->metric[RL_RUN_COMPUTE_BUF] = comp * HX_MIB_GB;
    /* total KV: "KV self size = X MiB" or the KV cache's "size = X MiB" */
    if (!isnan(v = num_after(t, "KV self size", &after)) ||
        ((p = strstr(t, "llama_kv_cache")) && !isnan(v = num_after(p, ": size", &after))))
        if (strncmp(after, " MiB", 4) == 0) r->metric[RL_RUN_KV] = v * HX_MIB_GB;
    if ((p = strstr(t, ", K ("))) {
        hx_copy(b, sizeof b, p + 5);
        b[strcspn(b, ")")] = '\0';
        hx_copy(r->kv_dtype, sizeof r->kv_dtype, rl_harness_kv_id(b));
    }
    /* "n_ctx  = 8192" (the trailing space keeps n_ctx_train out) */
    if ((v = num_after(t, "n_ctx ", NULL)) >= 1 && v <= 1e8) r->n_ctx = (long)v;
    llama_timings(r, t);
    r->concurrency = 1;
    /* llama-cli times one run's first prompt in a fresh process */
    if (strstr(t, "llama_perf_context_print") || strstr(t, "llama_print_timings") ||
        strstr(t, "common_perf_print"))
        r->ttft_scope = RL_TTFT_COLD;
    else if (strstr(t, "srv ") || strstr(t, "slot "))
        r->ttft_scope = RL_TTFT_SERVER;
    return RL_OK;
}

/* The value of `key=` inside vLLM's engine config line ("model='x', "). */
static void config_value(const char *t, const char *key, char *out, size_t n)
{
    char k[48];
    const char *p = t;

    out[0] = '\0';
    snprintf(k, sizeof k, "%s=", key);
    while ((p = strstr(p, k))) {
        if (p == t || p[-1] == ' ' || p[-1] == ',' || p[-1] == '(') break;
        p += strlen(k);
    }
    if (!p) return;
    p += strlen(k);
    if (*p == '\'') p++;
    hx_copy(out, n, p);
    out[strcspn(out, "',\r\n")] = '\0';
}

int hx_vllm_log(hctx *h, const char *t)
{
    rl_runrec *r = hx_new(h);
    char b[160];
    const char *p, *after;
    double v;

    if (!r) return h->err->code;
    hx_copy(r->runtime_id, sizeof r->runtime_id, "vllm");
    if ((p = strstr(t, "vLLM API server version ")))
        rest_of_line(p, "vLLM API server version", r->runtime_version, sizeof r->runtime_version);
    else if ((p = strstr(t, "LLM engine (v")) && sscanf(p + 13, "%40[0-9a-z.+]", b) == 1)
        hx_copy(r->runtime_version, sizeof r->runtime_version, b);
    config_value(t, "model", b, sizeof b);
    hx_basename(r->model_name, sizeof r->model_name, b);
    config_value(t, "quantization", b, sizeof b);
    if (!b[0] || strcmp(b, "None") == 0) config_value(t, "dtype", b, sizeof b);
    hx_copy(r->quant, sizeof r->quant, rl_harness_quant_id(b));
    config_value(t, "kv_cache_dtype", b, sizeof b);
    if (strcmp(b, "auto") == 0) config_value(t, "dtype", b, sizeof b);
    hx_copy(r->kv_dtype, sizeof r->kv_dtype, rl_harness_kv_id(b));
    if ((v = num_after(t, "tensor_parallel_size=", NULL)) >= 1 && v <= 65536) r->tp = (int)v;
    if ((v = num_after(t, "pipeline_parallel_size=", NULL)) >= 1 && v <= 65536) r->pp = (int)v;
    if (r->tp > 0) r->n_devices = r->tp * (r->pp > 0 ? r->pp : 1);
    /* weights resident on one GPU */
    if (!isnan(v = num_after(t, "model weights take", &after)) ||
        !isnan(v = num_after(t, "Model loading took", &after)) ||
        !isnan(v = num_after(t, "Loading model weights took", &after)))
        if (!isnan(v = size_gb(v, after))) r->metric[RL_RUN_WEIGHTS] = v;
    /* V0: "... reserved for KV Cache is X GiB"; V1: "Available KV cache memory: X GiB" */
    if ((!isnan(v = num_after(t, "reserved for KV Cache is", &after)) ||
         !isnan(v = num_after(t, "Available KV cache memory", &after))) &&
        !isnan(v = size_gb(v, after)))
        r->metric[RL_RUN_KV] = v;
    /* the KV cache holds this many tokens: the n_ctx its size is for */
    if ((v = num_after(t, "GPU KV cache size:", NULL)) >= 1 && v <= 1e9) r->n_ctx = (long)v;
    if ((p = strstr(t, "Maximum concurrency for ")) &&
        !isnan(v = num_after(p, "tokens per request", NULL)))
        r->metric[RL_RUN_MAX_CONC] = v;
    /* the host's address, hashed: never the address itself */
    config_value(t, "distributed_init_method", b, sizeof b);
    if (strncmp(b, "tcp://", 6) == 0) {
        b[6 + strcspn(b + 6, ":")] = '\0';
        rl_host_hash(b + 6, r->host_hash, sizeof r->host_hash);
    }
    r->ttft_scope = RL_TTFT_SERVER;
    return RL_OK;
}
