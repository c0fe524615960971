/*
 * test_objectives.c -- the ranking objectives (objectives/): registry,
 * direction of each objective on synthetic estimates, the shared
 * deterministic tie-breaks, and the template.
 */
#include <check.h>
#include "testutil.h"
#include <string.h>

#include "catalog.h"
#include "objective.h"

extern const struct rl_objective_ops rl_obj_template_ops;

static rl_catalog *cat;
static rl_config cfg;

static void setup(void)
{
    cat = rl_test_catalog();
    rl_config_init(&cfg);
    cfg.model = rl_catalog_model(cat, "llama-3.1-8b");
    cfg.hw = rl_catalog_hw(cat, "rtx-4090");
    cfg.rt = rl_catalog_runtime(cat, "vllm");
    cfg.quant = rl_catalog_quant(cat, "fp16");
    cfg.kv = rl_catalog_kvtype(cat, "fp16");
}

static void teardown(void) { rl_catalog_free(cat); }

static rl_estimate est(double tok_s, double e2e_ms, double power)
{
    rl_estimate e;
    memset(&e, 0, sizeof e);
    e.decode_tok_s_total.p50 = tok_s;
    e.offline_tok_s = tok_s;            /* what throughput ranks */
    e.replicas = 1;
    e.prefill_tok_s.p50 = tok_s * 10;
    e.e2e_latency_ms.p50 = e2e_ms;
    e.ttft_ms.p50 = e2e_ms / 4;
    e.power_w = power;
    return e;
}

START_TEST(registry)
{
    ck_assert_str_eq(rl_objective_find(NULL)->name, "throughput");   /* default */
    ck_assert_str_eq(rl_objective_find("")->name, "throughput");
    const char *names[] = {"throughput", "latency", "model_size", "perf_per_watt",
                           "perf_per_dollar"};
    for (int i = 0; i < 5; i++) {
        const struct rl_objective_ops *o = rl_objective_find(names[i]);
        ck_assert_ptr_nonnull(o);
        ck_assert_ptr_nonnull(o->value);
        ck_assert_ptr_nonnull(o->unit);
    }
    ck_assert_ptr_null(rl_objective_find("thruput"));
    char names_buf[160];
    ck_assert_str_eq(rl_objective_names(names_buf, sizeof names_buf),
                     "throughput, latency, model_size, perf_per_watt, perf_per_dollar");
}
END_TEST

START_TEST(values)
{
    rl_obj_ctx ctx = {0};
    rl_estimate a = est(100, 2000, 400), b = est(50, 1000, 100);
    const struct rl_objective_ops *t = rl_objective_find("throughput"),
                                  *l = rl_objective_find("latency"),
                                  *w = rl_objective_find("perf_per_watt"),
                                  *d = rl_objective_find("perf_per_dollar"),
                                  *m = rl_objective_find("model_size");
    ck_assert(t->value(&ctx, &cfg, &a) > t->value(&ctx, &cfg, &b));
    ck_assert(rl_feq(l->value(&ctx, &cfg, &b), 1000) && l->minimize);
    ck_assert(rl_feq(w->value(&ctx, &cfg, &a), 0.25));
    ck_assert(rl_feq(w->value(&ctx, &cfg, &b), 0.5));
    /* price is per device used: two devices halve tok/s per dollar */
    double one = d->value(&ctx, &cfg, &a);
    cfg.tp = 2;
    ck_assert(rl_feq(d->value(&ctx, &cfg, &a), one / 2));
    /* model_size: fp16 stores more than a 4-bit format */
    double fp16 = m->value(&ctx, &cfg, &a);
    cfg.quant = rl_catalog_quant(cat, "awq-int4");
    ck_assert(fp16 > 2.5 * m->value(&ctx, &cfg, &a));
    ck_assert(fp16 > 14 && fp16 < 16);                  /* ~8B x 2 bytes, GiB */
    /* prefill-only workloads use prefill speed */
    ctx.prefill_only = 1;
    ck_assert(rl_feq(t->value(&ctx, &cfg, &a), 1000));
    char buf[RL_NOTE_LEN];
    t->explain(&ctx, &cfg, &a, buf, sizeof buf);
    ck_assert(strstr(buf, "tok/s") != NULL);
}
END_TEST

START_TEST(tie_breaks)
{
    const struct rl_objective_ops *t = rl_objective_find("throughput");
    rl_obj_point a = {100, 100, 50, 2, 0, 8192, 0}, b = a;
    ck_assert_int_eq(rl_objective_compare(t, &a, &a), 0);
    b.value = 100 * (1 + 1e-12);                        /* equal within tolerance */
    b.order = 1;
    ck_assert_int_lt(rl_objective_compare(t, &a, &b), 0);   /* order decides */
    b.devices = 1;                                      /* fewer devices first */
    ck_assert_int_gt(rl_objective_compare(t, &a, &b), 0);
    b.devices = 2;
    b.offload_layers = 3;                               /* fewer host layers first */
    ck_assert_int_lt(rl_objective_compare(t, &a, &b), 0);
    b.offload_layers = 0;
    b.context_cap = 16384;                              /* larger context first */
    ck_assert_int_gt(rl_objective_compare(t, &a, &b), 0);
    b.value = 200;                                      /* value first of all */
    ck_assert_int_gt(rl_objective_compare(t, &a, &b), 0);
    const struct rl_objective_ops *l = rl_objective_find("latency");
    ck_assert_int_lt(rl_objective_compare(l, &a, &b), 0);   /* lower is better */
}
END_TEST

START_TEST(template_objective)
{
    rl_obj_ctx ctx = {0};
    rl_estimate a = est(1, 1, 1);
    cfg.tp = 2;
    cfg.pp = 2;
    ck_assert(rl_feq(rl_obj_template_ops.value(&ctx, &cfg, &a), 4));
    ck_assert_int_eq(rl_obj_template_ops.minimize, 1);
    ck_assert_ptr_null(rl_objective_find("template"));       /* not registered */
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("objectives");
    TCase *t = tcase_create("core");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, registry);
    tcase_add_test(t, values);
    tcase_add_test(t, tie_breaks);
    tcase_add_test(t, template_objective);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return rl_test_run(suite());
}
