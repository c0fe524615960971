/*
 * test_catalog.c -- catalog.h: the built-in catalog loads, holds every id
 * the project promises, is internally consistent (derived parameter counts
 * match the published ones, runtimes name only known quant/KV formats,
 * every entry says where its figures come from), applies calibration.cfg,
 * suggests close ids, and rejects broken catalogs with file:line.
 */
#include <check.h>
#include "testutil.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog.h"

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
            ck_assert_msg(x->sigma_decode >= 0.29 && x->sigma_prefill >= 0.34 &&
                          x->sigma_ttft >= 0.34, "%s/%s claims a prior's band of %g/%g/%g",
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
    ck_assert_int_eq(rl_catalog_unknown(cat, RL_CAT_HW, "rtx4090", &e), RL_EINPUT);
    ck_assert_str_eq(e.msg, "unknown hardware 'rtx4090' (did you mean 'rtx-4090'?)");
    ck_assert_str_eq(e.file, "");
    rl_catalog_unknown(cat, RL_CAT_MODEL, "llama3.1-8b", &e);
    ck_assert_str_eq(e.msg, "unknown model 'llama3.1-8b' (did you mean 'llama-3.1-8b'?)");
    rl_catalog_unknown(cat, RL_CAT_RUNTIME, "vlm", &e);
    ck_assert_str_eq(e.msg, "unknown runtime 'vlm' (did you mean 'vllm'?)");
    rl_catalog_unknown(cat, RL_CAT_MODEL, "zzzzzzzz", &e);
    ck_assert_str_eq(e.msg, "unknown model 'zzzzzzzz' (see `ridgeline catalog models`)");
    rl_catalog_unknown(cat, RL_CAT_QUANT, "q4km", &e);
    ck_assert_str_eq(e.msg, "unknown quant 'q4km' (did you mean 'q4_k_m'?)");
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
    tcase_add_test(tc, broken_value_has_file_line);
    tcase_add_test(tc, broken_syntax_has_file_line);
    tcase_add_test(tc, broken_model_has_line);
    tcase_add_test(tc, duplicate_ids_rejected);
    tcase_add_test(tc, missing_file_is_eio);
    tcase_add_test(tc, calibration_unknown_runtime);
    suite_add_tcase(s, tc);
    return rl_test_run(s);
}
