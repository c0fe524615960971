/*
 * test_constraints.c -- the feasibility rules (constraints/): registry
 * shape, each rule's verdict and reason code on synthetic estimates,
 * the rejection sentences users read, the MILP rows the capacity rules
 * add, and the template rule.
 */
#include <check.h>
#include "testutil.h"
#include <string.h>

#include "catalog.h"
#include "constraint.h"

extern const struct rl_constraint_ops rl_cons_template;
void rl_cons_template_set_limit(int n);

static rl_catalog *cat;
static rl_config cfg;
static rl_limits lim;
static rl_cons_ctx ctx;
static rl_estimate est;

static void setup(void)
{
    cat = rl_test_catalog();
    rl_config_init(&cfg);
    cfg.model = rl_catalog_model(cat, "llama-3.1-70b");
    cfg.hw = rl_catalog_hw(cat, "rtx-4090");
    cfg.rt = rl_catalog_runtime(cat, "vllm");
    cfg.quant = rl_catalog_quant(cat, "fp16");
    cfg.kv = rl_catalog_kvtype(cat, "fp16");
    cfg.tp = 2;
    cfg.devices = 2;
    memset(&lim, 0, sizeof lim);
    lim.context_tokens = 4096;
    memset(&ctx, 0, sizeof ctx);
    ctx.cfg = &cfg;
    ctx.lim = &lim;
    ctx.devices_avail = 2;
    memset(&est, 0, sizeof est);
    est.mem.device_capacity = 24;
    est.mem.device_peak = 20;
    est.temp_c = 60;
    est.power_w = 500;
}

static void teardown(void) { rl_catalog_free(cat); }

static const struct rl_constraint_ops *rule(const char *name)
{
    const struct rl_constraint_ops *r = rl_constraint_find(name);
    ck_assert_msg(r != NULL, "rule %s missing", name);
    return r;
}

static const char *verdict(const char *name, const rl_estimate *e, rl_reason *why)
{
    memset(why, 0, sizeof *why);
    const struct rl_constraint_ops *r = rule(name);
    return r->check(&ctx, r->stage == RL_CONS_STATIC ? NULL : e, why) ? "pass" : why->code;
}

START_TEST(registry_shape)
{
    int n = rl_constraint_count();
    ck_assert_int_ge(n, 12);
    for (int i = 0; i < n; i++) {
        const struct rl_constraint_ops *r = rl_constraints[i];
        ck_assert_ptr_nonnull(r->name);
        ck_assert_ptr_nonnull(r->describe);
        ck_assert_ptr_nonnull(r->check);
        for (int j = 0; j < i; j++) ck_assert_str_ne(r->name, rl_constraints[j]->name);
        /* static rules come first: cheap bounds before estimates */
        if (i && r->stage == RL_CONS_STATIC)
            ck_assert_int_eq(rl_constraints[i - 1]->stage, RL_CONS_STATIC);
    }
    ck_assert_ptr_null(rl_constraints[n]);
    ck_assert_ptr_null(rl_constraint_find("template"));
}
END_TEST

START_TEST(device_memory_sentence)
{
    rl_reason why;
    ck_assert_str_eq(verdict("device_memory", &est, &why), "pass");
    est.mem.device_peak = 70;
    est.feasibility = RL_INSUFFICIENT_MEMORY;
    ck_assert_str_eq(verdict("device_memory", &est, &why), "device_memory");
    /* DESIGN/issue wording: "fp16 needs 131 GiB of weights; two devices hold 48 GiB" */
    ck_assert_str_eq(why.detail, "fp16 needs 131 GiB of weights; two devices hold 48 GiB");
    cfg.quant = rl_catalog_quant(cat, "awq-int4");
    est.mem.weights = 19;
    est.mem.kv_cache = 10;
    est.mem.device_peak = 30;
    ck_assert_str_eq(verdict("device_memory", &est, &why), "device_memory");
    ck_assert(strstr(why.detail, "needs 30.0 GiB per device") != NULL);
}
END_TEST

START_TEST(compat_codes)
{
    rl_reason why;
    ck_assert_str_eq(verdict("compat", NULL, &why), "pass");
    cfg.tp = 2;
    cfg.pp = 2;
    ck_assert_str_eq(verdict("compat", NULL, &why), "devices");
    ctx.devices_avail = 8;
    cfg.pp = 1;
    cfg.tp = 3;
    ck_assert_str_eq(verdict("compat", NULL, &why), "tp_heads");       /* 64 heads */
    cfg.tp = 1;
    cfg.pp = 81;
    ctx.devices_avail = 100;
    ck_assert_str_eq(verdict("compat", NULL, &why), "pp_layers");      /* 80 layers */
    cfg.pp = 1;
    cfg.quant = rl_catalog_quant(cat, "q4_k_m");
    ck_assert_str_eq(verdict("compat", NULL, &why), "runtime_quant");
    ck_assert_str_eq(why.detail, "vllm does not load q4_k_m weights");
    cfg.rt = rl_catalog_runtime(cat, "llama.cpp");
    cfg.tp = 2;
    ck_assert_str_eq(verdict("compat", NULL, &why), "runtime_tp");
    cfg.tp = 1;
    cfg.kv = rl_catalog_kvtype(cat, "fp8");
    ck_assert_str_eq(verdict("compat", NULL, &why), "runtime_kv");
    cfg.rt = rl_catalog_runtime(cat, "vllm");
    cfg.quant = rl_catalog_quant(cat, "fp8");
    cfg.kv = rl_catalog_kvtype(cat, "fp16");
    cfg.hw = rl_catalog_hw(cat, "a100-80g-sxm");                        /* no fp8 units */
    ck_assert_str_eq(verdict("compat", NULL, &why), "hw_fp8");
}
END_TEST

START_TEST(context_offload_deterministic)
{
    rl_reason why;
    cfg.context_cap = 2048;
    ck_assert_str_eq(verdict("context", NULL, &why), "context");
    cfg.context_cap = 8192;
    ck_assert_str_eq(verdict("context", NULL, &why), "pass");
    lim.context_tokens = 1L << 30;
    ck_assert_str_eq(verdict("context", NULL, &why), "model_context");
    ctx.offload_mode = RL_CO_PARTIAL;
    ck_assert_str_eq(verdict("offload", NULL, &why), "runtime_offload");   /* vllm */
    cfg.rt = rl_catalog_runtime(cat, "llama.cpp");
    ck_assert_str_eq(verdict("offload", NULL, &why), "pass");
    lim.deterministic = 1;
    ck_assert_str_eq(verdict("deterministic", NULL, &why), "deterministic");
    ctx.offload_mode = RL_CO_NONE;
    ck_assert_str_eq(verdict("deterministic", NULL, &why), "pass");
    cfg.rt = rl_catalog_runtime(cat, "vllm");                  /* paged, not fixed-shape */
    ck_assert_str_eq(verdict("deterministic", NULL, &why), "deterministic");
}
END_TEST

START_TEST(slo_power_thermal)
{
    rl_reason why;
    est.ttft_ms.p95 = 900;
    est.tpot_ms.p95 = 40;
    est.decode_tok_s.p50 = 25;
    est.decode_tok_s_total.p50 = 200;
    const char *names[] = {"ttft_slo", "tpot_slo", "min_decode_tok_s", "min_total_tok_s",
                           "power", "thermal", "host_memory", "sram_fit"};
    for (int i = 0; i < 8; i++) ck_assert_str_eq(verdict(names[i], &est, &why), "pass");
    lim.ttft_ms_p95 = 800;
    lim.tpot_ms_p95 = 40;                       /* equal is within the SLO */
    lim.min_decode_tok_s = 30;
    lim.min_total_tok_s = 150;
    lim.power_w_max = 450;
    est.temp_c = 95;                             /* rtx-4090 max_c is 90 */
    ck_assert_str_eq(verdict("ttft_slo", &est, &why), "ttft_slo");
    ck_assert_str_eq(why.detail, "p95 time to first token 900 ms exceeds the 800 ms SLO");
    ck_assert_str_eq(verdict("tpot_slo", &est, &why), "pass");
    ck_assert_str_eq(verdict("min_decode_tok_s", &est, &why), "min_decode_tok_s");
    ck_assert_str_eq(verdict("min_total_tok_s", &est, &why), "pass");
    ck_assert_str_eq(verdict("power", &est, &why), "power");
    ck_assert_str_eq(verdict("thermal", &est, &why), "thermal");
    lim.max_temp_c = 100;
    ck_assert_str_eq(verdict("thermal", &est, &why), "pass");
    lim.prefill_only = 1;                        /* no TPOT for prefill-only loads */
    lim.tpot_ms_p95 = 1;
    ck_assert_str_eq(verdict("tpot_slo", &est, &why), "pass");
    est.mem.host_peak = 200;                     /* rtx-4090 system: 128 GiB */
    ck_assert_str_eq(verdict("host_memory", &est, &why), "host_memory");
}
END_TEST

/* saturated: only with a rate and a served estimate; rejects at or above
 * capacity (a queue at exactly capacity still grows), names both rates;
 * its monotone axis is the context cap alone, and it runs before the SLO
 * rules (a saturated queue's latencies are only a floor). */
START_TEST(saturation)
{
    rl_reason why;
    rl_measure m;
    const struct rl_constraint_ops *r = rule("saturated");
    est.replicas = 4;
    est.serving.rate = 20;
    est.serving.capacity_rps = 20;
    est.serving.capacity_conc = 64;
    est.serving.saturated = 1;
    cfg.concurrency = 128;
    ck_assert_str_eq(verdict("saturated", &est, &why), "pass");     /* no rate asked */
    ck_assert_int_eq(r->measure(&ctx, &est, &m), 0);
    lim.request_rate = 20;
    ck_assert_str_eq(verdict("saturated", &est, &why), "saturated");
    ck_assert_str_eq(why.detail, "capacity 20 req/s < 20 req/s (4 replicas, best batch 64 "
                                 "of max_num_seqs 128)");
    ck_assert_int_eq(r->measure(&ctx, &est, &m), 1);
    ck_assert(m.value == 20 && m.limit == 20 && !m.pass);
    est.serving.capacity_rps = 24.19;
    est.serving.saturated = 0;
    ck_assert_str_eq(verdict("saturated", &est, &why), "pass");
    est.serving.rate = 0;                       /* not served (signoff): no verdict */
    est.serving.saturated = 1;
    ck_assert_str_eq(verdict("saturated", &est, &why), "pass");
    ck_assert_int_eq(r->monotone, RL_AX_CAP);
    int at_sat = -1, at_ttft = -1;
    for (int i = 0; rl_constraints[i]; i++) {
        if (rl_constraints[i] == r) at_sat = i;
        if (!strcmp(rl_constraints[i]->name, "ttft_slo")) at_ttft = i;
    }
    ck_assert_int_ge(at_sat, 0);
    ck_assert_int_lt(at_sat, at_ttft);
}
END_TEST

/* A sink that records rows, to check what add_rows contributes. */
typedef struct rows {
    int n;
    char name[4][32];
    int tier[4];
    double ub[4];
} rows;

static int add_le(void *self, const char *name, int n, const int *cls, const int *tier,
                  const double *coef, double ub)
{
    rows *r = self;
    (void)cls;
    (void)coef;
    ck_assert_int_gt(n, 0);
    snprintf(r->name[r->n], sizeof r->name[0], "%s", name);
    r->tier[r->n] = tier[0];
    r->ub[r->n++] = ub;
    return RL_OK;
}

START_TEST(milp_rows)
{
    rl_placement_view v;
    rows got = {0};
    rl_row_sink sink = {&got, add_le};
    memset(&v, 0, sizeof v);
    v.n_classes = 2;
    v.gib[0] = 0.5;
    v.gib[1] = 0.8;
    v.tier_on[RL_TIER_DEVICE] = v.tier_on[RL_TIER_HOST] = 1;
    v.free_gib[RL_TIER_DEVICE] = 20;
    v.free_gib[RL_TIER_HOST] = 100;
    for (int i = 0; rl_constraints[i]; i++)
        if (rl_constraints[i]->add_rows)
            ck_assert_int_eq(rl_constraints[i]->add_rows(&ctx, &v, &sink), RL_OK);
    ck_assert_int_eq(got.n, 2);                  /* no SRAM tier: no SRAM row */
    ck_assert_str_eq(got.name[0], "device_memory");
    ck_assert_int_eq(got.tier[0], RL_TIER_DEVICE);
    ck_assert(rl_feq(got.ub[0], 20));
    ck_assert_str_eq(got.name[1], "host_memory");
    ck_assert(rl_feq(got.ub[1], 100));
}
END_TEST

START_TEST(explanations)
{
    char buf[RL_NOTE_LEN];
    rule("device_memory")->explain(&ctx, &est, buf, sizeof buf);
    ck_assert_str_eq(buf, "device memory 20.0 of 24.0 GiB per device (83%)");
    lim.power_w_max = 900;
    rule("power")->explain(&ctx, &est, buf, sizeof buf);
    ck_assert_str_eq(buf, "power 500 of 900 W");
}
END_TEST

START_TEST(template_rule)
{
    rl_reason why = {0};
    ck_assert_int_eq(rl_cons_template.check(&ctx, NULL, &why), 1);    /* disabled */
    rl_cons_template_set_limit(1);
    ck_assert_int_eq(rl_cons_template.check(&ctx, NULL, &why), 0);
    ck_assert_str_eq(why.code, "template");
    ck_assert_str_eq(why.detail, "uses 2 devices, the template allows 1");
    rl_cons_template_set_limit(0);
}
END_TEST

START_TEST(helpers)
{
    char b[40];
    ck_assert_str_eq(rl_cons_devices_phrase(1, b, sizeof b), "one device holds");
    ck_assert_str_eq(rl_cons_devices_phrase(2, b, sizeof b), "two devices hold");
    ck_assert_str_eq(rl_cons_devices_phrase(16, b, sizeof b), "16 devices hold");
    double w = rl_cons_weights_gib(&cfg);               /* 70.6B x 2 bytes */
    ck_assert(w > 128 && w < 134);
    cfg.weight_bytes = 10.0 * 1024 * 1024 * 1024;       /* GGUF: exact bytes win */
    ck_assert(rl_feq(rl_cons_weights_gib(&cfg), 10));
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("constraints");
    TCase *t = tcase_create("rules");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, registry_shape);
    tcase_add_test(t, device_memory_sentence);
    tcase_add_test(t, compat_codes);
    tcase_add_test(t, context_offload_deterministic);
    tcase_add_test(t, slo_power_thermal);
    tcase_add_test(t, milp_rows);
    tcase_add_test(t, explanations);
    tcase_add_test(t, template_rule);
    tcase_add_test(t, helpers);
    tcase_add_test(t, saturation);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return rl_test_run(suite());
}
