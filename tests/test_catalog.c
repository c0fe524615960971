/*
 * test_catalog.c -- catalog.h: the built-in catalog loads, holds every id
 * the project promises, is internally consistent (derived parameter counts
 * match the published ones, runtimes name only known quant/KV formats,
 * every entry says where its figures come from), applies calibration.cfg,
 * suggests close ids, and rejects broken catalogs with file:line.
 * Names: the spellings users type resolve (names.h keys, aliases, HF repo
 * ids, unique prefixes), ambiguous short names say which entry they took,
 * suggestions rank near names; the FP4 formats and a checkpoint's bf16
 * layers (gpt-oss) give the published weight size.
 */
#include <check.h>
#include "testutil.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog.h"
#include "estimate.h"
#include "import.h"
#include "names.h"

#define CATDIR RL_SOURCE_DIR "/model/catalog"

static rl_catalog *cat;

static void setup(void)
{
    rl_err e;
    rl_err_clear(&e);
    cat = rl_catalog_open(CATDIR, &e);
    ck_assert_msg(cat != NULL, "catalog: %s:%d: %s", e.file, e.line, e.msg);
}

static void teardown(void) { rl_catalog_free(cat); }

START_TEST(default_location_loads)
{
    rl_err e;
    rl_catalog *c;
    unsetenv("RIDGELINE_CATALOG");
    c = rl_catalog_open(NULL, &e);
    ck_assert_msg(c != NULL, "rl_catalog_open(NULL): %s", e.msg);
    ck_assert_int_eq(rl_catalog_count(c, RL_CAT_MODEL), rl_catalog_count(cat, RL_CAT_MODEL));
    rl_catalog_free(c);
    rl_catalog_free(NULL);                          /* no-op */
}
END_TEST

START_TEST(promised_models)
{
    static const char *const ids[] = {
        "llama-2-7b", "llama-2-13b", "llama-2-70b", "llama-3-8b", "llama-3-70b",
        "llama-3.1-8b", "llama-3.1-70b", "llama-3.1-405b", "llama-3.2-1b", "llama-3.2-3b",
        "mistral-7b-v0.1", "mistral-7b-v0.3", "mixtral-8x7b", "mixtral-8x22b",
        "qwen2.5-0.5b", "qwen2.5-7b", "qwen2.5-14b", "qwen2.5-32b", "qwen2.5-72b",
        "qwen3-30b-a3b", "deepseek-v3", "phi-3-mini", "gemma-2-9b", "gemma-2-27b",
        "tinyllama-1.1b", "bert-base", "bert-large", "vit-b-16", "resnet-50",
    };
    for (size_t i = 0; i < sizeof ids / sizeof *ids; i++)
        ck_assert_msg(rl_catalog_model(cat, ids[i]) != NULL, "model %s missing", ids[i]);
    ck_assert_int_eq(rl_catalog_model(cat, "bert-base")->kind, RL_ENCODER);
    ck_assert_int_eq(rl_catalog_model(cat, "llama-2-7b")->kind, RL_DECODER);
}
END_TEST

START_TEST(promised_hardware)
{
    /* the ten devices of data/benchmarks/hardware.csv, and the edge
     * and reference parts the scenarios use */
    static const char *const ids[] = {
        "rtx-3070", "rtx-3090", "rtx-4090", "rtx-6000-ada", "rtx-a6000", "a100-80g-pcie",
        "h100-pcie", "h100-sxm", "m1-max", "m2-ultra",
        "l4", "a100-80g-sxm", "h200", "mi300x", "rx-7900-xtx", "m3-max", "m4-max",
        "jetson-orin-nano", "jetson-agx-orin", "rk3588", "h8m2", "h10hm2",
        "edge-soc-small-sram", "edge-soc-large-sram", "datacenter-hbm",
    };
    for (size_t i = 0; i < sizeof ids / sizeof *ids; i++)
        ck_assert_msg(rl_catalog_hw(cat, ids[i]) != NULL, "hardware %s missing", ids[i]);
    ck_assert_ptr_nonnull(rl_hw_sram_tier(rl_catalog_hw(cat, "edge-soc-large-sram")));
    ck_assert_ptr_null(rl_hw_sram_tier(rl_catalog_hw(cat, "rtx-4090")));  /* no L2 as SRAM */
    ck_assert(rl_catalog_hw(cat, "m2-ultra")->usable_fraction < 1.0);      /* Metal limit */
}
END_TEST

START_TEST(promised_runtimes_and_quants)
{
    static const char *const rts[] = {
        "llama.cpp", "vllm", "tensorrt-llm", "sglang", "mlc-llm", "exllamav2", "mlx",
        "hailort", "rknn-llm",
    };
    static const char *const qs[] = {
        "fp32", "fp16", "bf16", "fp8", "int8", "awq-int4", "gptq-int4", "q8_0", "q6_k",
        "q5_k_m", "q5_k_s", "q5_0", "q4_k_m", "q4_k_s", "q4_0", "q3_k_l", "q3_k_m",
        "q3_k_s", "q2_k", "iq4_xs", "q4f16_1",
    };
    static const char *const kvs[] = { "fp16", "bf16", "fp8", "q8_0", "q4_0" };
    for (size_t i = 0; i < sizeof rts / sizeof *rts; i++)
        ck_assert_msg(rl_catalog_runtime(cat, rts[i]) != NULL, "runtime %s missing", rts[i]);
    for (size_t i = 0; i < sizeof qs / sizeof *qs; i++)
        ck_assert_msg(rl_catalog_quant(cat, qs[i]) != NULL, "quant %s missing", qs[i]);
    for (size_t i = 0; i < sizeof kvs / sizeof *kvs; i++)
        ck_assert_msg(rl_catalog_kvtype(cat, kvs[i]) != NULL, "kv %s missing", kvs[i]);
    /* GGUF block arithmetic (quant.cfg header) */
    ck_assert(rl_feq(rl_catalog_quant(cat, "q8_0")->bits_per_weight, 8.5));
    ck_assert(rl_feq(rl_catalog_quant(cat, "q4_0")->bits_per_weight, 4.5));
    ck_assert(rl_feq(rl_catalog_kvtype(cat, "q8_0")->bytes_per_elem, 34.0 / 32));
    ck_assert_ptr_null(rl_catalog_quant(cat, "q4kx"));
    ck_assert_ptr_null(rl_catalog_model(cat, NULL));
}
END_TEST

/* Every model's parameter count from its dims is within 3% of the
 * published params_b (what tools/check_catalog_sizes.py checks too). */
START_TEST(derived_params_match_stated)
{
    int n = rl_catalog_count(cat, RL_CAT_MODEL);
    ck_assert_int_ge(n, 29);
    for (int i = 0; i < n; i++) {
        const rl_arch *a = rl_catalog_model_at(cat, i);
        rl_params p;
        rl_arch_params(a, &p);
        ck_assert_msg(a->params_b > 0, "%s has no params_b to check against", a->id);
        ck_assert_msg(fabs(p.total / 1e9 - a->params_b) <= 0.03 * a->params_b,
                      "%s: derived %.3f B vs stated %.3f B", a->id, p.total / 1e9, a->params_b);
        if (a->active_params_b > 0)     /* MoE active: looser (routing conventions differ) */
            ck_assert_msg(fabs(p.active / 1e9 - a->active_params_b) <= 0.10 * a->active_params_b,
                          "%s: active %.3f B vs stated %.3f B", a->id, p.active / 1e9,
                          a->active_params_b);
    }
    ck_assert_ptr_null(rl_catalog_model_at(cat, n));
    ck_assert_ptr_null(rl_catalog_model_at(cat, -1));
}
END_TEST

START_TEST(every_entry_has_source)
{
    for (int i = 0; i < rl_catalog_count(cat, RL_CAT_MODEL); i++)
        ck_assert_msg(rl_catalog_model_at(cat, i)->source[0], "model %d", i);
    for (int i = 0; i < rl_catalog_count(cat, RL_CAT_HW); i++)
        ck_assert_msg(rl_catalog_hw_at(cat, i)->source[0], "hw %s", rl_catalog_hw_at(cat, i)->id);
    for (int i = 0; i < rl_catalog_count(cat, RL_CAT_RUNTIME); i++)
        ck_assert_msg(rl_catalog_runtime_at(cat, i)->source[0], "rt %d", i);
    for (int i = 0; i < rl_catalog_count(cat, RL_CAT_QUANT); i++)
        ck_assert_msg(rl_catalog_quant_at(cat, i)->source[0], "quant %s",
                      rl_catalog_quant_at(cat, i)->id);
    for (int i = 0; i < rl_catalog_count(cat, RL_CAT_KV); i++)
        ck_assert_msg(rl_catalog_kvtype_at(cat, i)->source[0], "kv %d", i);
}
END_TEST

START_TEST(runtime_formats_exist)
{
    for (int i = 0; i < rl_catalog_count(cat, RL_CAT_RUNTIME); i++) {
        const rl_runtime *r = rl_catalog_runtime_at(cat, i);
        ck_assert_msg(r->n_quants > 0, "%s loads nothing", r->id);
        ck_assert_msg(r->n_backends > 0, "%s has no backend", r->id);
        ck_assert_str_eq(r->backends[r->n_backends - 1].match, "*");
        for (int q = 0; q < r->n_quants; q++)
            ck_assert_msg(rl_catalog_quant(cat, r->quants[q]) != NULL,
                          "%s names unknown quant '%s'", r->id, r->quants[q]);
        for (int k = 0; k < r->n_kv; k++)
            ck_assert_msg(rl_catalog_kvtype(cat, r->kv_dtypes[k]) != NULL,
                          "%s names unknown kv dtype '%s'", r->id, r->kv_dtypes[k]);
        for (int b = 0; b < r->n_backends; b++) {
            const rl_backend *k = &r->backends[b];
            ck_assert(k->bw_eff > 0 && k->bw_eff <= 1 && k->mfu > 0 && k->mfu <= 1);
        }
    }
    ck_assert(rl_runtime_has_quant(rl_catalog_runtime(cat, "llama.cpp"), "q4_k_m"));
    ck_assert(!rl_runtime_has_quant(rl_catalog_runtime(cat, "vllm"), "q4_k_m"));
    ck_assert(!rl_runtime_has_quant(rl_catalog_runtime(cat, "vllm"), NULL));
}
END_TEST

START_TEST(calibration_applies)
{
    rl_err e;
    const rl_runtime *r = rl_catalog_runtime(cat, "llama.cpp");
    const rl_hw *g = rl_catalog_hw(cat, "rtx-4090"), *m = rl_catalog_hw(cat, "m2-ultra");
    const rl_hw *h = rl_catalog_hw(cat, "h100-sxm");
    rl_catalog *pri;
    const rl_backend *b = rl_runtime_backend(r, g);

    ck_assert_str_eq(b->match, "nvidia");
    ck_assert_int_gt(b->fitted_points, 0);
    ck_assert_str_eq(rl_runtime_backend(r, h)->match, "nvidia/hbm");   /* tier first */
    ck_assert_str_eq(rl_runtime_backend_prefill(r, h)->match, "nvidia"); /* no tier */
    ck_assert_str_eq(rl_runtime_backend(r, m)->match, "apple");
    /* priors: the same catalog without calibration.cfg */
    pri = rl_catalog_open_priors(CATDIR, &e);
    ck_assert_ptr_nonnull(pri);
    for (int i = 0; i < rl_catalog_count(pri, RL_CAT_RUNTIME); i++) {
        const rl_runtime *pr = rl_catalog_runtime_at(pri, i);
        for (int k = 0; k < pr->n_backends; k++) {
            const rl_backend *x = &pr->backends[k];
            ck_assert_int_eq(x->fitted_points, 0);
            /* a prior's band is at least what `validate --priors` measured
             * the priors to be worth (runtimes.cfg, sigma) */
            ck_assert_msg(x->sigma_decode >= 0.27 && x->sigma_prefill >= 0.32 &&
                          x->sigma_ttft >= 0.32, "%s/%s claims a prior's band of %g/%g/%g",
                          pr->id, x->match, x->sigma_decode, x->sigma_prefill, x->sigma_ttft);
        }
    }
    /* applying the calibration file onto the priors gives the calibrated values */
    ck_assert_int_eq(rl_catalog_apply_calibration(pri, CATDIR "/calibration.cfg", &e), RL_OK);
    ck_assert(rl_feq(rl_runtime_backend(rl_catalog_runtime(pri, "llama.cpp"), g)->bw_eff,
                     b->bw_eff));
    ck_assert(rl_feq(rl_runtime_backend(rl_catalog_runtime(pri, "tensorrt-llm"), h)->frontend_ms,
                     rl_runtime_backend(rl_catalog_runtime(cat, "tensorrt-llm"), h)->frontend_ms));
    ck_assert_int_eq(rl_catalog_apply_calibration(pri, "/nonexistent/cal.cfg", &e), RL_EIO);
    rl_catalog_free(pri);
}
END_TEST

START_TEST(unknown_suggests)
{
    rl_err e;
    ck_assert_int_eq(rl_catalog_unknown(cat, RL_CAT_HW, "rtx-4900", &e), RL_EINPUT);
    /* a swapped pair of digits is one slip: rtx-4090 alone, not rtx-4080 */
    ck_assert_str_eq(e.msg, "unknown hardware 'rtx-4900' (did you mean 'rtx-4090'?)");
    ck_assert_str_eq(e.file, "");
    /* the H100s, not h200 or a10 (both are 2 edits away) */
    rl_catalog_unknown(cat, RL_CAT_HW, "h1000", &e);
    ck_assert_str_eq(e.msg, "unknown hardware 'h1000' (did you mean 'h100-sxm', 'h100-pcie'?)");
    rl_catalog_unknown(cat, RL_CAT_MODEL, "llama-3.1-9b", &e);
    ck_assert_str_eq(e.msg, "unknown model 'llama-3.1-9b' (did you mean 'llama-3.1-8b'?)");
    /* several entries start with it: up to three, catalog order */
    rl_catalog_unknown(cat, RL_CAT_MODEL, "Qwen2.5", &e);
    ck_assert_str_eq(e.msg, "unknown model 'Qwen2.5' (did you mean 'qwen2.5-0.5b', "
                     "'qwen2.5-7b', 'qwen2.5-14b'?)");
    rl_catalog_unknown(cat, RL_CAT_RUNTIME, "vlm", &e);
    ck_assert_str_eq(e.msg, "unknown runtime 'vlm' (did you mean 'vllm'?)");
    rl_catalog_unknown(cat, RL_CAT_MODEL, "zzzzzzzz", &e);
    ck_assert_str_eq(e.msg, "unknown model 'zzzzzzzz' (see `ridgeline catalog models`)");
    rl_catalog_unknown(cat, RL_CAT_QUANT, "q4kx", &e);
    ck_assert_str_eq(e.msg, "unknown quant 'q4kx' (did you mean 'q4_k_m', 'q4_k_s'?)");
}
END_TEST

START_TEST(name_keys)
{
    static const struct { const char *in, *key; } plain[] = {
        { "Q4_K_M", "q4km" }, { "RTX 4090", "rtx4090" }, { "h200_sxm", "h200sxm" },
        { "TensorRT-LLM", "tensorrtllm" }, { "llama.cpp", "llamacpp" }, { "", "" },
    }, model[] = {
        { "meta-llama/Llama-3.1-8B-Instruct", "llama318b" },
        { "meta-llama/Meta-Llama-3-70B", "llama370b" },
        { "google/gemma-2-9b-it", "gemma29b" }, { "Qwen/Qwen2.5-7B-Chat", "qwen257b" },
        { "llama-2-7b-hf", "llama27b" }, { "Mistral-7B-v0.1", "mistral7bv01" },
        { "Meta", "meta" },                     /* a lone word is kept */
    }, hw[] = {
        { "NVIDIA GeForce RTX 4090", "rtx4090" }, { "nvidia h100", "h100" },
        { "AMD Instinct MI300X", "mi300x" }, { "nvidia", "nvidia" },
    };
    char k[64];
    for (size_t i = 0; i < sizeof plain / sizeof *plain; i++) {
        rl_name_key(plain[i].in, k, sizeof k);
        ck_assert_str_eq(k, plain[i].key);
    }
    for (size_t i = 0; i < sizeof model / sizeof *model; i++) {
        rl_model_key(model[i].in, 0, k, sizeof k);
        ck_assert_str_eq(k, model[i].key);
    }
    rl_model_key("mistralai/Mixtral-8x7B-Instruct-v0.1", 1, k, sizeof k);
    ck_assert_str_eq(k, "mixtral8x7b");
    for (size_t i = 0; i < sizeof hw / sizeof *hw; i++) {
        rl_hw_key(hw[i].in, k, sizeof k);
        ck_assert_str_eq(k, hw[i].key);
    }
    rl_name_key("abcdefgh", k, 4);              /* truncated, terminated */
    ck_assert_str_eq(k, "abc");
    ck_assert(rl_name_distance("h100", "h100sxm") < rl_name_distance("h100", "h200"));
    ck_assert(rl_name_distance("4900", "4090") <= 1);
}
END_TEST

/* What users type -> the entry it resolves to, for every kind. */
START_TEST(spellings_resolve)
{
    static const struct { int kind; const char *typed, *id; } t[] = {
        { RL_CAT_QUANT, "Q4_K_M", "q4_k_m" }, { RL_CAT_QUANT, "FP8", "fp8" },
        { RL_CAT_QUANT, "f16", "fp16" }, { RL_CAT_QUANT, "AWQ", "awq-int4" },
        { RL_CAT_QUANT, "MXFP4", "mxfp4" },
        { RL_CAT_HW, "4090", "rtx-4090" }, { RL_CAT_HW, "RTX-4090", "rtx-4090" },
        { RL_CAT_HW, "rtx4090", "rtx-4090" }, { RL_CAT_HW, "RTX 4090", "rtx-4090" },
        { RL_CAT_HW, "NVIDIA GeForce RTX 4090", "rtx-4090" },
        { RL_CAT_HW, "h200_sxm", "h200" }, { RL_CAT_HW, "H100", "h100-sxm" },
        { RL_CAT_HW, "H100 SXM", "h100-sxm" }, { RL_CAT_HW, "MI300", "mi300x" },
        { RL_CAT_HW, "L4", "l4" }, { RL_CAT_HW, "M2 Ultra", "m2-ultra" },
        { RL_CAT_RUNTIME, "vLLM", "vllm" }, { RL_CAT_RUNTIME, "TensorRT-LLM", "tensorrt-llm" },
        { RL_CAT_RUNTIME, "trtllm", "tensorrt-llm" }, { RL_CAT_RUNTIME, "llama-cpp", "llama.cpp" },
        { RL_CAT_RUNTIME, "SGLang", "sglang" },
        { RL_CAT_MODEL, "meta-llama/Llama-3.1-8B-Instruct", "llama-3.1-8b" },
        { RL_CAT_MODEL, "meta-llama/Meta-Llama-3-70B", "llama-3-70b" },
        { RL_CAT_MODEL, "Llama 3.1 405B", "llama-3.1-405b" },
        { RL_CAT_MODEL, "mistralai/Mixtral-8x7B-Instruct-v0.1", "mixtral-8x7b" },
        { RL_CAT_MODEL, "mistralai/Mistral-7B-Instruct-v0.3", "mistral-7b-v0.3" },
        { RL_CAT_MODEL, "google-bert/bert-base-uncased", "bert-base" },
        { RL_CAT_MODEL, "deepseek-ai/DeepSeek-V3", "deepseek-v3" },
        { RL_CAT_KV, "F16", "fp16" }, { RL_CAT_KV, "fp8_e5m2", "fp8" }, { RL_CAT_KV, "Q8_0", "q8_0" },
    };
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
        int k = rl_catalog_find(cat, t[i].kind, t[i].typed, NULL, 0);
        ck_assert_msg(k >= 0, "'%s' did not resolve", t[i].typed);
        const char *got = t[i].kind == RL_CAT_MODEL ? rl_catalog_model_at(cat, k)->id
                        : t[i].kind == RL_CAT_HW ? rl_catalog_hw_at(cat, k)->id
                        : t[i].kind == RL_CAT_RUNTIME ? rl_catalog_runtime_at(cat, k)->id
                        : t[i].kind == RL_CAT_QUANT ? rl_catalog_quant_at(cat, k)->id
                        : rl_catalog_kvtype_at(cat, k)->id;
        ck_assert_msg(strcmp(got, t[i].id) == 0, "'%s' -> %s, want %s", t[i].typed, got, t[i].id);
    }
    /* names that must not resolve: ambiguous starts, near misses */
    ck_assert_int_lt(rl_catalog_find(cat, RL_CAT_MODEL, "qwen2.5", NULL, 0), 0);
    ck_assert_int_lt(rl_catalog_find(cat, RL_CAT_HW, "h10", NULL, 0), 0);
    ck_assert_int_lt(rl_catalog_find(cat, RL_CAT_HW, "h1000", NULL, 0), 0);
    ck_assert_int_lt(rl_catalog_find(cat, RL_CAT_QUANT, NULL, NULL, 0), 0);
}
END_TEST

/* An ambiguous short name takes the documented default and says so; the
 * exact id or a full spelling says nothing. */
START_TEST(ambiguity_note)
{
    char note[200];
    const rl_hw *h;
    rl_catalog_find(cat, RL_CAT_HW, "H100", note, sizeof note);
    ck_assert_str_eq(note, "hardware 'H100' taken as 'h100-sxm' (also 'h100-pcie'; "
                     "give the full id to choose)");
    rl_catalog_find(cat, RL_CAT_HW, "a100", note, sizeof note);
    ck_assert_str_eq(note, "hardware 'a100' taken as 'a100-80g-sxm' (also "
                     "'a100-40g-pcie', 'a100-80g-pcie'; give the full id to choose)");
    rl_catalog_find(cat, RL_CAT_HW, "H100-SXM", note, sizeof note);
    ck_assert_str_eq(note, "");
    rl_catalog_find(cat, RL_CAT_HW, "L4", note, sizeof note);     /* l40s starts so too */
    ck_assert_str_eq(note, "");
    rl_catalog_find(cat, RL_CAT_HW, "mi300", note, sizeof note);  /* a unique start */
    ck_assert_str_eq(note, "hardware 'mi300' taken as 'mi300x'");
    /* lookups record each note once */
    ck_assert_int_eq(rl_catalog_note_count(cat), 0);
    h = rl_catalog_hw(cat, "H100");
    ck_assert_str_eq(h->id, "h100-sxm");
    rl_catalog_hw(cat, "h100");
    rl_catalog_hw(cat, "h100-sxm");
    ck_assert_int_eq(rl_catalog_note_count(cat), 2);       /* 'H100' and 'h100' */
    ck_assert_ptr_nonnull(strstr(rl_catalog_note(cat, 0), "'H100' taken as 'h100-sxm'"));
    ck_assert_ptr_null(rl_catalog_note(cat, 2));
}
END_TEST

START_TEST(aliases_listed)
{
    const char *al[8];
    int k = rl_catalog_find(cat, RL_CAT_HW, "h100-sxm", NULL, 0);
    int n = rl_catalog_aliases(cat, RL_CAT_HW, k, al, 8);
    ck_assert_int_ge(n, 1);
    ck_assert_str_eq(al[0], "h100");
    k = rl_catalog_find(cat, RL_CAT_QUANT, "fp16", NULL, 0);
    ck_assert_int_ge(rl_catalog_aliases(cat, RL_CAT_QUANT, k, al, 8), 1);   /* quant_aliases */
    ck_assert_str_eq(al[0], "f16");
}
END_TEST

/* The FP4 formats: block arithmetic, Blackwell peaks, bf16 fallback. */
START_TEST(fp4_formats)
{
    const rl_quant *mx = rl_catalog_quant(cat, "mxfp4"), *nv = rl_catalog_quant(cat, "nvfp4");
    const rl_hw *b200 = rl_catalog_hw(cat, "b200"), *h100 = rl_catalog_hw(cat, "h100-sxm");
    ck_assert(rl_feq(mx->bits_per_weight, 4 + 8.0 / 32));  /* e2m1 + e8m0 per 32 */
    ck_assert(rl_feq(nv->bits_per_weight, 4 + 8.0 / 16));  /* e2m1 + e4m3 per 16 */
    ck_assert_int_eq(mx->compute, RL_C_FP4);
    ck_assert(rl_feq(rl_hw_peak(b200, RL_C_FP4), 2 * rl_hw_peak(b200, RL_C_FP8)));
    ck_assert(rl_feq(rl_hw_peak(h100, RL_C_FP4), rl_hw_peak(h100, RL_C_BF16)));
    ck_assert(rl_catalog_hw(cat, "gb200")->peak[RL_C_FP4] > 0);
    ck_assert(rl_catalog_hw(cat, "rtx-5090")->peak[RL_C_FP4] > 0);
    ck_assert(rl_runtime_has_quant(rl_catalog_runtime(cat, "vllm"), "nvfp4"));
    ck_assert(rl_runtime_has_quant(rl_catalog_runtime(cat, "llama.cpp"), "mxfp4"));
}
END_TEST

/* gpt-oss-120b as published: mxfp4 experts, attention/router/embeddings/
 * lm_head bf16 -- about 65 GB (the checkpoint's safetensors), not the
 * 218 GiB of an fp16 reading, and fits one 80 GB H100. */
START_TEST(gpt_oss_checkpoint_size)
{
    rl_arch a;
    rl_gguf_info info;
    rl_err e;
    rl_quant q;
    ck_assert_int_eq(rl_import_file(RL_REPO_DATA "/hf-configs/openai--gpt-oss-120b_config.json",
                                    &a, &info, &e), RL_OK);
    ck_assert_str_eq(info.quant, "mxfp4");
    ck_assert_int_eq(info.keep16, RL_KEEP_ATTN | RL_KEEP_EMBED | RL_KEEP_LM_HEAD);
    rl_quant_keep16(rl_catalog_quant(cat, info.quant), info.keep16, &q);
    ck_assert(rl_feq(q.attn_bits, 16) && rl_feq(q.bits_per_weight, 4.25));
    double gb = rl_weight_bytes(&a, &q) / 1e9;
    ck_assert_msg(gb > 62 && gb < 67, "gpt-oss-120b weights %.1f GB", gb);
    /* all-mxfp4 would be smaller: the bf16 attention is counted */
    ck_assert(rl_weight_bytes(&a, rl_catalog_quant(cat, "mxfp4")) < gb * 1e9 - 1e9);
    ck_assert(gb * 1e9 / 1073741824.0 < rl_catalog_hw(cat, "h100-sxm")->tiers[0].capacity_gib);
}
END_TEST


/* ------------------------------------------------ broken catalog copies */

static char tmpcat[64];

/* Copy the catalog to a fresh temp folder. */
static void copy_catalog(void)
{
    static const char *const files[] = {
        "models.cfg", "hardware.cfg", "runtimes.cfg", "quant.cfg", "calibration.cfg"
    };
    snprintf(tmpcat, sizeof tmpcat, "/tmp/rl_test_cat_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpcat));
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        char src[512], dst[512], buf[8192];
        size_t n;
        FILE *in, *out;
        snprintf(src, sizeof src, "%s/%s", CATDIR, files[i]);
        snprintf(dst, sizeof dst, "%s/%s", tmpcat, files[i]);
        in = fopen(src, "rb");
        out = fopen(dst, "wb");
        ck_assert(in && out);
        while ((n = fread(buf, 1, sizeof buf, in)) > 0) fwrite(buf, 1, n, out);
        fclose(in);
        fclose(out);
    }
}

static void remove_catalog(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpcat);
    ck_assert_int_eq(system(cmd), 0);
}

/* Replace the first occurrence of `from` in tmpcat/name by `to`; returns
 * the 1-based line where it was. */
static int patch(const char *name, const char *from, const char *to)
{
    char p[512], *buf, *hit, *out;
    long n;
    int line = 1;
    FILE *f;
    snprintf(p, sizeof p, "%s/%s", tmpcat, name);
    f = fopen(p, "rb");
    ck_assert_ptr_nonnull(f);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = calloc(1, (size_t)n + 1);
    ck_assert_int_eq((long)fread(buf, 1, (size_t)n, f), n);
    fclose(f);
    hit = strstr(buf, from);
    ck_assert_msg(hit != NULL, "'%s' not in %s", from, name);
    for (char *c = buf; c < hit; c++) line += *c == '\n';
    out = malloc((size_t)n + strlen(to) + 1);
    memcpy(out, buf, (size_t)(hit - buf));
    strcpy(out + (hit - buf), to);
    strcat(out, hit + strlen(from));
    f = fopen(p, "wb");
    fputs(out, f);
    fclose(f);
    free(buf);
    free(out);
    return line;
}

START_TEST(alias_clash_rejected)
{
    rl_err e;
    copy_catalog();
    patch("hardware.cfg", "aliases = [ \"h100-80g-pcie\" ];", "aliases = [ \"H100_SXM\" ];");
    ck_assert_ptr_null(rl_catalog_open(tmpcat, &e));
    ck_assert_int_eq(e.code, RL_EINPUT);
    ck_assert_msg(strstr(e.msg, "are the same name") && strstr(e.msg, "h100-pcie"), "%s", e.msg);
    remove_catalog();
}
END_TEST

START_TEST(broken_value_has_file_line)
{
    rl_err e;
    char want[256];
    int line;
    copy_catalog();
    line = patch("hardware.cfg", "capacity_gib = 24.0; bandwidth_gbps = 1008.0;",
                 "capacity_gib = -24.0; bandwidth_gbps = 1008.0;");
    ck_assert_ptr_null(rl_catalog_open(tmpcat, &e));
    ck_assert_int_eq(e.code, RL_EINPUT);
    snprintf(want, sizeof want, "%s/hardware.cfg", tmpcat);
    ck_assert_str_eq(e.file, want);
    ck_assert_int_eq(e.line, line);
    ck_assert_ptr_nonnull(strstr(e.msg, "capacity_gib must be a number"));
    remove_catalog();
}
END_TEST

/* The all-reduce topology keys: NVSwitch parts and MI300X's mesh are
 * all_to_all, PCIe cards are not; vLLM, SGLang and TensorRT-LLM have a
 * custom all-reduce, llama.cpp does not.  A key of the wrong type is an
 * error at its line, in either file. */
START_TEST(allreduce_topology_keys)
{
    rl_err e;
    rl_catalog *c = rl_catalog_open(NULL, &e);
    static const char *const mesh[] = { "h100-sxm", "a100-80g-sxm", "h200", "b200", "mi300x" };
    static const char *const pcie[] = { "rtx-4090", "l40s", "h100-pcie", "mi250x" };
    int line;
    ck_assert_ptr_nonnull(c);
    for (size_t i = 0; i < sizeof mesh / sizeof *mesh; i++)
        ck_assert_msg(rl_catalog_hw(c, mesh[i])->link_all_to_all, "%s", mesh[i]);
    for (size_t i = 0; i < sizeof pcie / sizeof *pcie; i++)
        ck_assert_msg(!rl_catalog_hw(c, pcie[i])->link_all_to_all, "%s", pcie[i]);
    ck_assert(rl_catalog_runtime(c, "vllm")->custom_allreduce);
    ck_assert(rl_catalog_runtime(c, "sglang")->custom_allreduce);
    ck_assert(rl_catalog_runtime(c, "tensorrt-llm")->custom_allreduce);
    ck_assert(!rl_catalog_runtime(c, "llama.cpp")->custom_allreduce);
    rl_catalog_free(c);

    copy_catalog();
    line = patch("hardware.cfg", "latency_us = 3.0; all_to_all = true;",
                 "latency_us = 3.0; all_to_all = 1;");
    ck_assert_ptr_null(rl_catalog_open(tmpcat, &e));
    ck_assert_int_eq(e.code, RL_EINPUT);
    ck_assert_int_eq(e.line, line);
    ck_assert_msg(strstr(e.msg, "all_to_all must be true or false"), "%s", e.msg);
    remove_catalog();

    copy_catalog();
    line = patch("runtimes.cfg", "custom_allreduce = true;", "custom_allreduce = \"yes\";");
    ck_assert_ptr_null(rl_catalog_open(tmpcat, &e));
    ck_assert_int_eq(e.code, RL_EINPUT);
    ck_assert_int_eq(e.line, line);
    ck_assert_msg(strstr(e.msg, "custom_allreduce must be true or false"), "%s", e.msg);
    remove_catalog();
}
END_TEST

START_TEST(broken_syntax_has_file_line)
{
    rl_err e;
    int line;
    copy_catalog();
    line = patch("quant.cfg", "bits_per_weight = 8.5;", "bits_per_weight = = 8.5;");
    ck_assert_ptr_null(rl_catalog_open(tmpcat, &e));
    ck_assert_int_eq(e.code, RL_EINPUT);
    ck_assert_ptr_nonnull(strstr(e.file, "quant.cfg"));
    ck_assert_int_eq(e.line, line);
    remove_catalog();
}
END_TEST

START_TEST(broken_model_has_line)
{
    rl_err e;
    int line;
    copy_catalog();
    /* tinyllama: 32 heads, 4 kv heads -> make kv_heads 5 */
    line = patch("models.cfg", "heads = 32; kv_heads = 4; intermediate = 5632;",
                 "heads = 32; kv_heads = 5; intermediate = 5632;");
    ck_assert_ptr_null(rl_catalog_open(tmpcat, &e));
    ck_assert_int_eq(e.code, RL_EINPUT);
    ck_assert_ptr_nonnull(strstr(e.file, "models.cfg"));
    /* the error points at the offending key (kv_heads), not just the group */
    ck_assert_int_eq(e.line, line);
    ck_assert_str_eq(e.msg, "model 'tinyllama-1.1b': heads (32) must be a multiple of kv_heads (5)");
    remove_catalog();
}
END_TEST

START_TEST(duplicate_ids_rejected)
{
    rl_err e;
    int line;
    copy_catalog();
    line = patch("models.cfg", "{ id = \"llama-2-13b\";", "{ id = \"llama-2-7b\";");
    ck_assert_ptr_null(rl_catalog_open(tmpcat, &e));
    ck_assert_int_eq(e.code, RL_EINPUT);
    ck_assert_int_eq(e.line, line);
    ck_assert_str_eq(e.msg, "duplicate id 'llama-2-7b' in models");
    remove_catalog();
}
END_TEST

START_TEST(missing_file_is_eio)
{
    rl_err e;
    char p[128];
    copy_catalog();
    snprintf(p, sizeof p, "%s/runtimes.cfg", tmpcat);
    unlink(p);
    ck_assert_ptr_null(rl_catalog_open(tmpcat, &e));
    ck_assert_int_eq(e.code, RL_EIO);
    ck_assert_str_eq(e.file, p);
    /* calibration.cfg is optional */
    remove_catalog();
    copy_catalog();
    snprintf(p, sizeof p, "%s/calibration.cfg", tmpcat);
    unlink(p);
    {
        rl_catalog *c = rl_catalog_open(tmpcat, &e);
        ck_assert_ptr_nonnull(c);
        ck_assert_int_eq(rl_runtime_backend(rl_catalog_runtime(c, "llama.cpp"),
                                            rl_catalog_hw(c, "rtx-4090"))->fitted_points, 0);
        rl_catalog_free(c);
    }
    remove_catalog();
}
END_TEST

START_TEST(calibration_unknown_runtime)
{
    rl_err e;
    int line;
    copy_catalog();
    line = patch("calibration.cfg", "runtime = \"llama.cpp\";", "runtime = \"llama.cppx\";");
    ck_assert_ptr_null(rl_catalog_open(tmpcat, &e));
    ck_assert_int_eq(e.code, RL_EINPUT);
    ck_assert_int_eq(e.line, line);
    ck_assert_str_eq(e.msg, "calibration for unknown runtime 'llama.cppx'");
    remove_catalog();
}
END_TEST

int main(void)
{
    Suite *s = suite_create("catalog");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, default_location_loads);
    tcase_add_test(tc, promised_models);
    tcase_add_test(tc, promised_hardware);
    tcase_add_test(tc, promised_runtimes_and_quants);
    tcase_add_test(tc, derived_params_match_stated);
    tcase_add_test(tc, every_entry_has_source);
    tcase_add_test(tc, runtime_formats_exist);
    tcase_add_test(tc, calibration_applies);
    tcase_add_test(tc, unknown_suggests);
    tcase_add_test(tc, name_keys);
    tcase_add_test(tc, spellings_resolve);
    tcase_add_test(tc, ambiguity_note);
    tcase_add_test(tc, aliases_listed);
    tcase_add_test(tc, fp4_formats);
    tcase_add_test(tc, gpt_oss_checkpoint_size);
    tcase_add_test(tc, alias_clash_rejected);
    tcase_add_test(tc, broken_value_has_file_line);
    tcase_add_test(tc, broken_syntax_has_file_line);
    tcase_add_test(tc, allreduce_topology_keys);
    tcase_add_test(tc, broken_model_has_line);
    tcase_add_test(tc, duplicate_ids_rejected);
    tcase_add_test(tc, missing_file_is_eio);
    tcase_add_test(tc, calibration_unknown_runtime);
    suite_add_tcase(s, tc);
    return rl_test_run(s);
}
