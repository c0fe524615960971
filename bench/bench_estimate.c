/*
 * bench_estimate.c -- how fast is one estimate?  The solver calls
 * rl_estimate_run for every candidate, so the design target is "well under
 * 1 ms" (estimate.h: "a few microseconds").  This runs a fixed mix of 50
 * configurations -- dense, MoE, MLA, encoders; GPUs, Apple, edge parts;
 * TP, layer split, offload; short and long contexts, batch 1 to 64 --
 * round-robin on one thread for about a second and prints estimates per
 * second and microseconds per estimate, for full estimates (with their
 * sentences) and quiet ones (numbers only, as the solver asks).  Not a
 * test: `make bench`.
 *
 *   bench_estimate [SECONDS]       (default 1.0)
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "estimate.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static const struct {
    const char *model, *hw, *rt, *quant, *kv;
    int devices, tp, pp, conc, offload;
    long prompt, output;
} mix[] = {
    { "llama-3.1-8b", "rtx-4090", "llama.cpp", "q4_k_m", "fp16", 1, 1, 1, 1, 0, 512, 128 },
    { "llama-3.1-8b", "rtx-4090", "llama.cpp", "fp16", "fp16", 1, 1, 1, 1, 0, 0, 512 },
    { "llama-3.1-8b", "rtx-3070", "llama.cpp", "q4_k_m", "q8_0", 1, 1, 1, 1, 0, 4096, 256 },
    { "llama-3.1-8b", "h100-sxm", "vllm", "fp16", "fp16", 1, 1, 1, 64, 0, 1024, 256 },
    { "llama-3.1-8b", "h100-sxm", "tensorrt-llm", "fp8", "fp8", 1, 1, 1, 32, 0, 2048, 128 },
    { "llama-3.1-8b", "l4", "vllm", "awq-int4", "fp16", 1, 1, 1, 8, 0, 512, 512 },
    { "llama-3.1-8b", "m2-ultra", "llama.cpp", "q8_0", "fp16", 1, 1, 1, 1, 0, 512, 128 },
    { "llama-3.1-8b", "jetson-agx-orin", "llama.cpp", "q4_0", "fp16", 1, 1, 1, 1, 0, 256, 128 },
    { "llama-3.1-70b", "rtx-4090", "llama.cpp", "q4_k_m", "fp16", 2, 1, 2, 1, 0, 4096, 512 },
    { "llama-3.1-70b", "rtx-4090", "llama.cpp", "q4_k_m", "fp16", 1, 1, 1, 1, 40, 512, 128 },
    { "llama-3.1-70b", "rtx-4090", "llama.cpp", "fp16", "fp16", 1, 1, 1, 1, 0, 512, 128 },
    { "llama-3.1-70b", "h100-sxm", "vllm", "fp16", "fp16", 2, 2, 1, 16, 0, 8192, 512 },
    { "llama-3.1-70b", "h100-sxm", "tensorrt-llm", "fp8", "fp8", 4, 4, 1, 64, 0, 1024, 1024 },
    { "llama-3.1-70b", "a100-80g-sxm", "vllm", "awq-int4", "fp16", 1, 1, 1, 4, 0, 2048, 256 },
    { "llama-3.1-70b", "m2-ultra", "llama.cpp", "q4_k_m", "fp16", 1, 1, 1, 1, 0, 512, 128 },
    { "llama-3.1-405b", "h200", "vllm", "fp8", "fp8", 8, 8, 1, 16, 0, 2048, 256 },
    { "llama-3.1-405b", "h100-sxm", "vllm", "fp8", "fp8", 8, 4, 2, 8, 0, 1024, 256 },
    { "llama-3.2-1b", "rk3588", "llama.cpp", "q4_0", "fp16", 1, 1, 1, 1, 0, 128, 128 },
    { "llama-3.2-1b", "edge-soc-large-sram", "llama.cpp", "q8_0", "fp16", 1, 1, 1, 1, 0, 64, 64 },
    { "llama-3.2-3b", "jetson-orin-nano", "llama.cpp", "q4_k_m", "fp16", 1, 1, 1, 1, 0, 512, 128 },
    { "llama-3.2-3b", "m1", "llama.cpp", "q4_0", "fp16", 1, 1, 1, 1, 0, 512, 128 },
    { "llama-2-7b", "rtx-3090", "exllamav2", "gptq-int4", "fp16", 1, 1, 1, 1, 0, 512, 128 },
    { "llama-2-13b", "a100-80g-pcie", "mlc-llm", "q4f16_1", "fp16", 1, 1, 1, 1, 0, 512, 128 },
    { "llama-2-70b", "a100-80g-sxm", "tensorrt-llm", "fp16", "fp16", 4, 4, 1, 64, 0, 128, 128 },
    { "mistral-7b-v0.1", "l4", "vllm", "fp16", "fp16", 1, 1, 1, 16, 0, 16384, 256 },
    { "mistral-7b-v0.3", "rtx-4060-ti-16g", "llama.cpp", "q5_k_m", "fp16", 1, 1, 1, 1, 0, 2048, 256 },
    { "mixtral-8x7b", "h100-sxm", "vllm", "fp16", "fp16", 2, 2, 1, 32, 0, 1024, 256 },
    { "mixtral-8x7b", "rtx-4090", "llama.cpp", "q4_k_m", "fp16", 1, 1, 1, 1, 12, 512, 128 },
    { "mixtral-8x22b", "mi300x", "vllm", "fp16", "fp16", 2, 2, 1, 16, 0, 2048, 256 },
    { "qwen2.5-0.5b", "h8m2", "hailort", "int8", "fp16", 1, 1, 1, 1, 0, 128, 64 },
    { "qwen2.5-7b", "rtx-4070-ti", "llama.cpp", "q4_k_m", "fp16", 1, 1, 1, 1, 0, 1024, 256 },
    { "qwen2.5-14b", "rtx-3090", "exllamav2", "gptq-int4", "fp16", 1, 1, 1, 4, 0, 4096, 256 },
    { "qwen2.5-32b", "rtx-6000-ada", "vllm", "awq-int4", "fp16", 1, 1, 1, 8, 0, 2048, 512 },
    { "qwen2.5-72b", "h200", "sglang", "fp8", "fp8", 1, 1, 1, 32, 0, 4096, 512 },
    { "qwen3-30b-a3b", "rtx-4090", "llama.cpp", "q4_k_m", "fp16", 1, 1, 1, 1, 0, 512, 128 },
    { "qwen3-30b-a3b", "m4-max", "mlx", "q4_0", "fp16", 1, 1, 1, 1, 0, 512, 128 },
    { "deepseek-v3", "h200", "sglang", "fp8", "fp8", 8, 8, 1, 32, 0, 2048, 512 },
    { "deepseek-v3", "mi300x", "vllm", "fp8", "fp8", 8, 8, 1, 16, 0, 1024, 256 },
    { "phi-3-mini", "jetson-orin-nx", "llama.cpp", "q4_k_m", "fp16", 1, 1, 1, 1, 0, 512, 128 },
    { "gemma-2-9b", "rtx-3080", "llama.cpp", "q4_k_m", "fp16", 1, 1, 1, 1, 0, 8064, 128 },
    { "gemma-2-27b", "a10", "vllm", "awq-int4", "fp16", 1, 1, 1, 4, 0, 2048, 256 },
    { "tinyllama-1.1b", "rk3688-rk182x", "rknn-llm", "int8", "fp16", 1, 1, 1, 1, 0, 256, 128 },
    { "tinyllama-1.1b", "h10hm2", "hailort", "int8", "fp16", 1, 1, 1, 1, 0, 128, 128 },
    { "bert-base", "l4", "vllm", "fp16", "fp16", 1, 1, 1, 32, 0, 512, 0 },
    { "bert-large", "rtx-4090", "llama.cpp", "fp16", "fp16", 1, 1, 1, 1, 0, 512, 0 },
    { "vit-b-16", "jetson-orin-nano", "llama.cpp", "fp16", "fp16", 1, 1, 1, 1, 0, 197, 0 },
    { "resnet-50", "h8m2", "hailort", "int8", "fp16", 1, 1, 1, 1, 0, 1, 0 },
    { "llama-3.1-8b", "rtx-5090", "llama.cpp", "q8_0", "q8_0", 1, 1, 1, 4, 0, 32768, 1024 },
    { "llama-3-70b", "b200", "tensorrt-llm", "fp8", "fp8", 2, 2, 1, 128, 0, 1024, 1024 },
    { "llama-3-70b", "gh200", "vllm", "fp8", "fp8", 1, 1, 1, 16, 0, 2048, 256 },
};
#define N (int)(sizeof mix / sizeof *mix)

int main(int argc, char **argv)
{
    double secs = argc > 1 ? atof(argv[1]) : 1.0;
    rl_err err;
    rl_catalog *cat = rl_catalog_open(NULL, &err);
    rl_config cfg[N];
    int n = 0, infeasible = 0;
    long runs = 0;
    double t0, el, sink = 0;

    if (!cat) { rl_err_print(&err, stderr); return err.code; }
    if (!(secs > 0) || secs > 600) secs = 1.0;
    for (int i = 0; i < N; i++) {
        rl_config *c = &cfg[n];
        rl_estimate e;
        rl_config_init(c);
        c->model = rl_catalog_model(cat, mix[i].model);
        c->hw = rl_catalog_hw(cat, mix[i].hw);
        c->rt = rl_catalog_runtime(cat, mix[i].rt);
        c->quant = rl_catalog_quant(cat, mix[i].quant);
        c->kv = rl_catalog_kvtype(cat, mix[i].kv);
        c->devices = mix[i].devices; c->tp = mix[i].tp; c->pp = mix[i].pp;
        c->concurrency = mix[i].conc; c->offload_layers = mix[i].offload;
        c->prompt = mix[i].prompt; c->output = mix[i].output;
        if (!c->model || !c->hw || !c->rt || !c->quant || !c->kv ||
            rl_estimate_run(c, &e, &err) != RL_OK) {
            fprintf(stderr, "bench_estimate: skipping %s on %s (%s %s): %s\n", mix[i].model,
                    mix[i].hw, mix[i].rt, mix[i].quant,
                    !c->model || !c->hw || !c->rt || !c->quant || !c->kv ? "unknown id" : err.msg);
            continue;
        }
        infeasible += e.feasibility == RL_INSUFFICIENT_MEMORY;
        n++;
    }
    if (n == 0) { rl_catalog_free(cat); return 1; }
    printf("bench_estimate: %d configurations (%d infeasible), single thread\n", n, infeasible);
    /* full estimates (what `estimate` prints), then quiet ones (numbers only,
     * what the solver's inner loop asks for) */
    for (int quiet = 0; quiet <= 1; quiet++) {
        for (int i = 0; i < n; i++) cfg[i].quiet = quiet;
        for (int i = 0; i < 10 * n; i++) {          /* warm up */
            rl_estimate e;
            rl_estimate_run(&cfg[i % n], &e, NULL);
        }
        runs = 0;
        t0 = now();
        do {                                        /* round-robin, clock checked every n */
            for (int i = 0; i < n; i++) {
                rl_estimate e;
                rl_estimate_run(&cfg[i], &e, NULL);
                sink += e.decode_tok_s.p50 + e.prefill_tok_s.p50;
            }
            runs += n;
            el = now() - t0;
        } while (el < secs);
        printf("bench_estimate: %-9s %9.0f estimates/s, %6.2f us per estimate "
               "(%ld in %.2f s; target: well under 1000 us)\n",
               quiet ? "quiet" : "full", runs / el, el / runs * 1e6, runs, el);
    }
    if (!(sink > 0)) fprintf(stderr, "bench_estimate: no positive rate computed\n");
    rl_catalog_free(cat);
    return 0;
}
