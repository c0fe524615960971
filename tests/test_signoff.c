/*
 * test_signoff.c -- edge physics properties of the estimator and the
 * sign-off built on it: hotter air never speeds a part up, more SRAM or
 * a larger power envelope never makes an estimate worse, the worst token
 * is never faster than the average, unified-memory parts never place
 * more than their DRAM, offload on them adds neither capacity nor speed,
 * a part without DRAM refuses decoders, CPUs run block formats at their
 * int8 rate, power modes bound the clock, and the sign-off rejects
 * multi-valued axes.
 */
#include "testutil.h"
#include "estimate.h"
#include "scenario.h"
#include "signoff.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static rl_catalog *cat;

static void setup(void) { cat = rl_test_catalog(); }
static void teardown(void) { rl_catalog_free(cat); }

/* A configuration of catalog ids (runtime llama.cpp unless given). */
static rl_config cfg(const char *model, const rl_hw *hw, const char *rt, const char *quant)
{
    rl_config c;
    rl_config_init(&c);
    c.model = rl_catalog_model(cat, model);
    c.hw = hw;
    c.rt = rl_catalog_runtime(cat, rt);
    c.quant = rl_catalog_quant(cat, quant);
    c.kv = rl_catalog_kvtype(cat, "fp16");
    ck_assert(c.model && c.hw && c.rt && c.quant && c.kv);
    return c;
}

static rl_estimate run(const rl_config *c)
{
    rl_estimate e;
    rl_err err;
    ck_assert_int_eq(rl_estimate_run(c, &e, &err), RL_OK);
    return e;
}

static const char *const edge_hw[] = {
    "jetson-orin-nano", "jetson-agx-orin", "rk3588", "h10hm2", "edge-soc-small-sram",
    "edge-soc-large-sram", "m1", "rtx-4090", "cpu-server-avx512"
};
#define N_EDGE (int)(sizeof edge_hw / sizeof *edge_hw)

static const rl_hw *hw(const char *id)
{
    const rl_hw *h = rl_catalog_hw(cat, id);
    ck_assert_msg(h != NULL, "no hardware %s", id);
    return h;
}

START_TEST(hotter_ambient_never_faster)
{
    for (int i = 0; i < N_EDGE; i++) {
        rl_config c = cfg("llama-3.2-1b", hw(edge_hw[i]), "llama.cpp", "q8_0");
        double prev_dec = INFINITY, prev_pre = INFINITY;
        for (double amb = 5; amb <= 90; amb += 5) {
            c.ambient_c = amb;
            rl_estimate e = run(&c);
            ck_assert_msg(e.decode_tok_s.p50 <= prev_dec * (1 + 1e-9) &&
                          e.prefill_tok_s.p50 <= prev_pre * (1 + 1e-9),
                          "%s faster at %.0f C", edge_hw[i], amb);
            ck_assert(e.temp_c <= e.temp_demand_c + 1e-9 || e.temp_demand_c == 0);
            prev_dec = e.decode_tok_s.p50;
            prev_pre = e.prefill_tok_s.p50;
        }
    }
}
END_TEST

/* A thermal clock cap on an SoC lowers its memory clock too (DVFS,
 * mem_clock_follows): an RK3588 throttled at 70 C decodes (bandwidth-
 * bound) slower than at 25 C, and the coupling is why -- the same part
 * with its memory clock kept (follows 0, as a discrete GPU) decodes
 * faster at 70 C than with it. */
START_TEST(throttled_soc_decodes_slower)
{
    rl_hw kept = *hw("rk3588");
    rl_config c = cfg("llama-3.2-1b", hw("rk3588"), "rknn-llm", "int8");
    ck_assert(c.hw->mem_clock_follows > 0);
    ck_assert(hw("rtx-4090")->mem_clock_follows == 0);
    c.ambient_c = 25;
    rl_estimate cool = run(&c);
    c.ambient_c = 70;
    rl_estimate hot = run(&c);
    ck_assert(hot.clock_limit == RL_CLOCK_THERMAL && cool.clock_frac > hot.clock_frac);
    ck_assert_msg(hot.decode_tok_s.p50 < 0.9 * cool.decode_tok_s.p50, "%g vs %g",
                  hot.decode_tok_s.p50, cool.decode_tok_s.p50);
    kept.mem_clock_follows = 0;
    c.hw = &kept;
    rl_estimate hot_kept = run(&c);
    ck_assert(hot_kept.decode_tok_s.p50 > hot.decode_tok_s.p50);
}
END_TEST

START_TEST(more_sram_never_worse)
{
    const char *ids[] = { "rk3588", "edge-soc-small-sram", "edge-soc-large-sram", "h10hm2" };
    for (int i = 0; i < 4; i++) {
        rl_hw big = *hw(ids[i]);
        rl_config c = cfg("llama-3.2-1b", hw(ids[i]), "llama.cpp", "q4_0");
        rl_estimate small_e = run(&c), big_e;
        for (int t = 0; t < big.n_tiers; t++)
            if (strcmp(big.tiers[t].tier, "sram") == 0) big.tiers[t].capacity_gib *= 64;
        c.hw = &big;
        big_e = run(&c);
        ck_assert_msg(big_e.tpot_ms.p50 <= small_e.tpot_ms.p50 * (1 + 1e-9) &&
                      big_e.ttft_ms.p50 <= small_e.ttft_ms.p50 * (1 + 1e-9),
                      "%s slower with more SRAM", ids[i]);
    }
}
END_TEST

START_TEST(larger_envelope_never_worse)
{
    for (int i = 0; i < N_EDGE; i++) {
        rl_config c = cfg("llama-3.2-3b", hw(edge_hw[i]), "llama.cpp", "q4_k_m");
        double prev_tpot = INFINITY, prev_ttft = INFINITY;
        for (double cap = 1; cap <= 600; cap *= 1.5) {
            c.power_cap_w = cap;
            rl_estimate e = run(&c);
            ck_assert_msg(e.tpot_ms.p50 <= prev_tpot * (1 + 1e-9) &&
                          e.ttft_ms.p50 <= prev_ttft * (1 + 1e-9),
                          "%s worse at a %.1f W envelope", edge_hw[i], cap);
            prev_tpot = e.tpot_ms.p50;
            prev_ttft = e.ttft_ms.p50;
        }
    }
}
END_TEST

/* The last token at the full context (what sign-off signs) is never
 * faster than the average token of the workload. */
START_TEST(worst_token_never_below_average)
{
    const char *models[] = { "llama-3.2-1b", "qwen2.5-7b", "llama-3.1-8b" };
    for (int i = 0; i < N_EDGE; i++)
        for (int m = 0; m < 3; m++)
            for (long ctx = 1024; ctx <= 32768; ctx *= 4) {
                rl_config c = cfg(models[m], hw(edge_hw[i]), "llama.cpp", "q4_k_m"), w;
                c.prompt = 256;
                c.output = 256;
                c.context_cap = ctx;
                w = c;
                w.prompt = ctx - 1;
                w.output = 1;
                rl_estimate avg = run(&c), last = run(&w);
                ck_assert_msg(last.tpot_ms.p50 >= avg.tpot_ms.p50 * (1 - 1e-9),
                              "%s %s: last token %.3g < average %.3g ms", models[m],
                              edge_hw[i], last.tpot_ms.p50, avg.tpot_ms.p50);
            }
}
END_TEST

START_TEST(unified_never_places_more_than_dram)
{
    const char *models[] = { "llama-3.2-1b", "llama-3.1-8b", "llama-3.1-70b" };
    const char *quants[] = { "fp16", "q8_0", "q4_k_m" };
    int n = rl_catalog_count(cat, RL_CAT_HW), seen = 0;
    for (int i = 0; i < n; i++) {
        const rl_hw *h = rl_catalog_hw_at(cat, i);
        if (!h->unified) continue;
        seen++;
        for (int m = 0; m < 3; m++)
            for (int q = 0; q < 3; q++) {
                rl_config c = cfg(models[m], h, "llama.cpp", quants[q]);
                double base = 0;
                for (int k = 0; k <= 2; k++) {
                    c.offload_layers = k * c.model->layers / 2;
                    rl_estimate e = run(&c);
                    if (e.feasibility != RL_INSUFFICIENT_MEMORY)
                        ck_assert_msg(e.mem.device_peak + e.mem.host_peak <=
                                      rl_hw_main_tier(h)->capacity_gib - h->os_reserved_gib + 1e-9,
                                      "%s places %.1f + %.1f GiB", h->id, e.mem.device_peak,
                                      e.mem.host_peak);
                    if (k == 0) base = e.decode_tok_s.p50;   /* offload never faster */
                    else ck_assert_msg(e.decode_tok_s.p50 <= base * (1 + 1e-9),
                                       "%s decodes faster with %d layers offloaded", h->id,
                                       c.offload_layers);
                }
            }
    }
    ck_assert_int_gt(seen, 5);
}
END_TEST

/* The two cases: 70B fp16 on a 96 GB M2 Max and 8B fp16 on an
 * 8 GB Orin Nano do not fit with offload (one DRAM). */
START_TEST(unified_offload_adds_no_capacity)
{
    rl_config c = cfg("llama-3.1-70b", hw("m2-max"), "llama.cpp", "fp16");
    c.offload_layers = 40;
    ck_assert_int_eq(run(&c).feasibility, RL_INSUFFICIENT_MEMORY);
    c = cfg("llama-3.1-8b", hw("jetson-orin-nano"), "llama.cpp", "fp16");
    c.offload_layers = 16;
    ck_assert_int_eq(run(&c).feasibility, RL_INSUFFICIENT_MEMORY);
    /* and the OS share: a 3B Q4 model fits the Nano's ~5 GiB */
    c = cfg("llama-3.2-3b", hw("jetson-orin-nano"), "llama.cpp", "q4_k_m");
    c.offload_layers = 0;
    ck_assert_int_eq(run(&c).feasibility, RL_IN_VRAM);
    ck_assert(run(&c).mem.device_capacity < 5.5);
}
END_TEST

START_TEST(no_dram_refuses_decoders)
{
    rl_config c = cfg("llama-3.2-1b", hw("h8m2"), "hailort", "int8");
    for (int k = 0; k <= c.model->layers; k += 4) {
        c.offload_layers = k;
        ck_assert_int_eq(run(&c).feasibility, RL_INSUFFICIENT_MEMORY);
    }
    c = cfg("resnet-50", hw("h8m2"), "hailort", "int8");
    ck_assert_int_eq(run(&c).feasibility, RL_IN_VRAM);
    c = cfg("llama-3.2-1b", hw("h10hm2"), "hailort", "int8");
    ck_assert_int_eq(run(&c).feasibility, RL_IN_VRAM);
}
END_TEST

/* On a CPU, GGUF block formats multiply at the int8 peak: Q4_0 prefill
 * beats F16 by more than the int8/fp32 ratio less the unpacking penalty
 * allows it to lose; on a GPU the same formats dequantise to fp16. */
START_TEST(cpu_quantized_prefill_at_int8_rate)
{
    const rl_hw *h = hw("cpu-server-avx512");
    rl_config q = cfg("llama-3.1-8b", h, "llama.cpp", "q4_0");
    rl_config f = cfg("llama-3.1-8b", h, "llama.cpp", "fp16");
    rl_hw g = *h;
    q.output = f.output = 0;
    double ratio = run(&q).prefill_tok_s.p50 / run(&f).prefill_tok_s.p50;
    ck_assert_msg(ratio > 2.0, "q4_0/f16 prefill on a VNNI CPU only %.2fx", ratio);
    snprintf(g.klass, sizeof g.klass, "gpu");          /* same peaks, GPU kernels */
    q.hw = f.hw = &g;
    ck_assert(run(&q).prefill_tok_s.p50 <= run(&f).prefill_tok_s.p50 * 1.01);
}
END_TEST

/* On a CPU the token embedding is part of the model buffer. */
START_TEST(cpu_counts_the_embedding)
{
    rl_config c = cfg("llama-3.1-8b", hw("cpu-server-avx512"), "llama.cpp", "q8_0");
    rl_estimate e = run(&c);
    ck_assert(c.rt->embed_on_host);
    ck_assert_double_eq_tol(e.mem.host_peak, 0, 1e-9);
    ck_assert(e.mem.weights * 1073741824.0 >= rl_weight_bytes(c.model, c.quant) * 0.999);
}
END_TEST

START_TEST(power_modes_bound_the_clock)
{
    rl_config c = cfg("llama-3.2-3b", hw("jetson-orin-nano"), "llama.cpp", "q4_k_m");
    rl_estimate lo, mid, hi;
    rl_err err;
    c.power_mode = "7W"; lo = run(&c);
    c.power_mode = "15W"; mid = run(&c);
    c.power_mode = "25W"; hi = run(&c);
    ck_assert(lo.power_w <= 7 + 1e-9 && mid.power_w <= 15 + 1e-9);
    ck_assert(lo.prefill_tok_s.p50 < mid.prefill_tok_s.p50);
    ck_assert(mid.decode_tok_s.p50 < hi.decode_tok_s.p50);   /* 25W raises memory clock */
    ck_assert(lo.tok_per_j > 0 && hi.tok_per_j > 0);
    c.power_mode = "99W";
    ck_assert_int_eq(rl_estimate_run(&c, &lo, &err), RL_EINPUT);
    ck_assert(strstr(err.msg, "7W, 15W, 25W") != NULL);
}
END_TEST

static int signoff_text(const char *text, rl_signoff *so, rl_err *err)
{
    rl_scenario *s = NULL;
    int rc = rl_scenario_load_string(text, "t.cfg", cat, &s, err);
    if (rc == RL_OK) rc = rl_signoff_run(s, cat, so, err);
    rl_scenario_free(s);
    return rc;
}

START_TEST(signoff_one_deployment_only)
{
    static rl_signoff so;
    rl_err err;
    ck_assert_int_eq(signoff_text("model=\"llama-3.2-1b\"; hardware=\"rk3588\"; "
                                  "runtime=\"rknn-llm\"; search={quant=[\"int8\",\"q4_0\"];};",
                                  &so, &err), RL_EINPUT);
    ck_assert(strstr(err.msg, "search.quant has 2 values") != NULL);
    ck_assert_int_eq(signoff_text("model=\"llama-3.2-1b\"; hardware=\"rk3588\"; "
                                  "search={quant=\"int8\";};", &so, &err), RL_EINPUT);
    ck_assert(strstr(err.msg, "runtime") != NULL);
    ck_assert_int_eq(signoff_text("model=\"llama-3.2-1b\"; hardware=\"rk3588\"; "
                                  "runtime=\"rknn-llm\"; search={quant=\"int8\"; "
                                  "offload=\"partial\";};", &so, &err), RL_EINPUT);
}
END_TEST

/* A MoE deployment signs the expert-parallel layout it names: the
 * estimate is that of ep/dp_attention (DP-attention keeps the attention
 * weights whole on every rank, so a device holds more than under plain
 * TP), one value per axis, and a layout the runtime cannot run is refused. */
START_TEST(signoff_moe_layout)
{
    static rl_signoff so, plain;
    rl_err err;
    const char *base = "model=\"qwen3-30b-a3b\"; hardware=\"h200\"; devices=4; "
                       "runtime=\"sglang\"; workload={prompt_tokens=1000; output_tokens=200; "
                       "concurrency=64;}; ";
    char text[512];
    snprintf(text, sizeof text, "%ssearch={quant=\"fp8\"; tp=4; ep=4; dp_attention=true;};",
             base);
    ck_assert_msg(signoff_text(text, &so, &err) == RL_OK, "%s", err.msg);
    ck_assert_int_eq(so.cfg.ep, 4);
    ck_assert_int_eq(so.cfg.dp_attention, 1);
    snprintf(text, sizeof text, "%ssearch={quant=\"fp8\"; tp=4;};", base);
    ck_assert_msg(signoff_text(text, &plain, &err) == RL_OK, "%s", err.msg);
    ck_assert_int_eq(plain.cfg.ep, 1);
    ck_assert(so.est.mem.weights > plain.est.mem.weights);
    snprintf(text, sizeof text, "%ssearch={quant=\"fp8\"; tp=4; ep=[1,4];};", base);
    ck_assert_int_eq(signoff_text(text, &so, &err), RL_EINPUT);
    ck_assert(strstr(err.msg, "search.ep has 2 values") != NULL);
    ck_assert_int_eq(signoff_text("model=\"qwen3-30b-a3b\"; hardware=\"h200\"; devices=4; "
                                  "runtime=\"llama.cpp\"; search={quant=\"q4_k_m\"; tp=1; "
                                  "pp=4; ep=4;};", &so, &err), RL_EINPUT);
}
END_TEST

static const rl_signoff_check *check_named(const rl_signoff *so, const char *name)
{
    for (int i = 0; i < so->n; i++)
        if (strcmp(so->checks[i].name, name) == 0) return &so->checks[i];
    return NULL;
}

/* At a request rate a sign-off reads the latencies at the rate (those
 * rl_serving_run gives for the deployment, the concurrency its batch
 * cap), checks the capacity against the rate, and a saturated deployment
 * fails both that line and TTFT (which then has no value: it only grows). */
START_TEST(signoff_at_a_rate)
{
    static rl_signoff so;
    rl_err err;
    char text[512];
    const char *fmt = "model=\"llama-3.1-8b\"; hardware=\"h100-sxm\"; runtime=\"vllm\"; "
                      "workload={prompt_tokens=1000; output_tokens=200; request_rate=%g; "
                      "concurrency=64;}; requirements={ttft_ms_p95=300.0;}; "
                      "search={quant=\"fp8\";};";
    snprintf(text, sizeof text, fmt, 10.0);
    rl_scenario *s = NULL;      /* kept while so.cfg points into it */
    ck_assert_msg(rl_scenario_load_string(text, "t.cfg", cat, &s, &err) == RL_OK, "%s", err.msg);
    ck_assert_msg(rl_signoff_run(s, cat, &so, &err) == RL_OK, "%s", err.msg);
    rl_serving v;
    ck_assert_int_eq(so.cfg.max_num_seqs, 64);
    ck_assert_int_eq(rl_serving_run(&so.cfg, 10.0, &v), RL_OK);
    rl_scenario_free(s);
    ck_assert(!v.saturated);
    ck_assert(so.est.serving.capacity_rps == v.capacity_rps);
    const rl_signoff_check *t = check_named(&so, "ttft_ms_p95");
    const rl_signoff_check *q = check_named(&so, "request_rate");
    ck_assert(t && q && t->pass && q->pass && so.pass);
    ck_assert(t->has_value && rl_feq(t->value, v.ttft_ms.p95));
    ck_assert(rl_feq(q->value, 10.0) && rl_feq(q->limit, v.capacity_rps));
    double cap = v.capacity_rps;
    snprintf(text, sizeof text, fmt, 1.5 * cap);
    ck_assert_msg(signoff_text(text, &so, &err) == RL_OK, "%s", err.msg);
    t = check_named(&so, "ttft_ms_p95");
    q = check_named(&so, "request_rate");
    ck_assert(t && q && !t->pass && !q->pass && !so.pass);
    ck_assert(!t->has_value);
    ck_assert(strstr(t->reason, "saturated") != NULL);
    ck_assert(strstr(q->fix, "offered rate below") != NULL);
}
END_TEST

/* A failing check's suggested ambient really passes, and the verdict is
 * the AND of the checks. */
START_TEST(signoff_fix_is_real)
{
    static rl_signoff so, again;
    rl_err err;
    const char *fmt = "model=\"llama-3.2-1b\"; hardware=\"rk3588\"; runtime=\"rknn-llm\"; "
                      "requirements={ambient_c=%.1f; context_tokens=2048;}; "
                      "search={quant=\"int8\";};";
    char text[400];
    double amb = -1;
    snprintf(text, sizeof text, fmt, 70.0);
    ck_assert_int_eq(signoff_text(text, &so, &err), RL_OK);
    ck_assert(!so.pass);
    for (int i = 0; i < so.n; i++) {
        const char *p;
        if (strcmp(so.checks[i].name, "thermal") != 0) continue;
        ck_assert(!so.checks[i].pass && so.checks[i].margin < 0);
        ck_assert((p = strstr(so.checks[i].fix, "ambient at most ")) != NULL);
        amb = atof(p + strlen("ambient at most "));
    }
    ck_assert(amb > 0 && amb < 70);
    snprintf(text, sizeof text, fmt, amb);
    ck_assert_int_eq(signoff_text(text, &again, &err), RL_OK);
    ck_assert(again.pass);
    for (int i = 0; i < again.n; i++) ck_assert(again.checks[i].pass);
}
END_TEST

/* A context whose KV does not fit: without allow_kv_eviction it fails
 * device_memory and offers the window; with it the sign-off passes
 * degraded, the context line keeping exactly the window offered, and
 * the last token (at the window) is faster than at the whole context. */
START_TEST(signoff_kv_eviction_keeps_the_window)
{
    static rl_signoff no, yes;
    rl_err err;
    const char *fmt = "model=\"llama-3.1-8b\"; hardware=\"rk3588\"; runtime=\"rknn-llm\"; "
                      "requirements={context_tokens=131072; memory_margin_pct=10.0; %s}; "
                      "search={quant=\"int8\";};";
    char text[400];
    long kept = 0, offered = 0;
    const char *p;
    snprintf(text, sizeof text, fmt, "");
    ck_assert_int_eq(signoff_text(text, &no, &err), RL_OK);
    ck_assert(!no.pass && no.evict_window == 0);
    for (int i = 0; i < no.n; i++)
        if (strcmp(no.checks[i].name, "device_memory") == 0) {
            ck_assert(!no.checks[i].pass);
            ck_assert((p = strstr(no.checks[i].fix, "a sliding window of ")) != NULL);
            offered = atol(p + strlen("a sliding window of "));
        }
    snprintf(text, sizeof text, fmt, "allow_kv_eviction = true;");
    ck_assert_int_eq(signoff_text(text, &yes, &err), RL_OK);
    ck_assert(yes.pass);
    for (int i = 0; i < yes.n; i++)
        if (strcmp(yes.checks[i].name, "context") == 0) kept = yes.checks[i].tokens_kept;
    ck_assert(kept > 512 + 128 && kept < 131072);
    ck_assert_int_eq(kept, offered);
    ck_assert_int_eq(yes.evict_window, kept);
    ck_assert(yes.worst.tpot_ms.p95 < no.worst.tpot_ms.p95);
}
END_TEST

/* Hybrid streaming: an encoder stream sharing the part never speeds the
 * LLM up -- a faster stream leaves it a smaller share (decode rate down,
 * last token no faster, the part's shared time up), the two models' memory
 * adds, and the stream's share is its rate x its pass time. */
START_TEST(signoff_stream_shares_the_part)
{
    static rl_signoff so[4];
    const double rates[] = {0, 5, 20, 40};
    rl_err err;
    char text[600];
    for (int i = 0; i < 4; i++) {
        char stream[160] = "";
        if (rates[i] > 0)
            snprintf(stream, sizeof stream, "encoder_stream={model=\"resnet-50\"; "
                     "runtime=\"rknn\"; inputs_per_s=%g;};", rates[i]);
        snprintf(text, sizeof text, "model=\"llama-3.2-1b\"; hardware=\"rk3588\"; "
                 "runtime=\"rknn-llm\"; requirements={context_tokens=2048; "
                 "min_decode_tok_s=1.0;}; search={quant=\"int8\";}; %s", stream);
        ck_assert_int_eq(signoff_text(text, &so[i], &err), RL_OK);
        if (i == 0) continue;
        ck_assert(so[i].est.decode_tok_s.p50 < so[i - 1].est.decode_tok_s.p50);
        ck_assert(so[i].worst.tpot_ms.p95 >= so[i - 1].worst.tpot_ms.p95);
        ck_assert(so[i].est.mem.device_peak > so[0].est.mem.device_peak);
        ck_assert(fabs(so[i].stream_util - rates[i] * so[i].stream_est.ttft_ms.p50 / 1000) <
                  1e-9);
        ck_assert(so[i].stream_util > so[i - 1].stream_util);
        ck_assert_str_eq(so[i].checks[so[i].n - 1].name, "shared_time");
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("signoff");
    TCase *t = tcase_create("edge");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_set_timeout(t, 60);
    tcase_add_test(t, hotter_ambient_never_faster);
    tcase_add_test(t, throttled_soc_decodes_slower);
    tcase_add_test(t, more_sram_never_worse);
    tcase_add_test(t, larger_envelope_never_worse);
    tcase_add_test(t, worst_token_never_below_average);
    tcase_add_test(t, unified_never_places_more_than_dram);
    tcase_add_test(t, unified_offload_adds_no_capacity);
    tcase_add_test(t, no_dram_refuses_decoders);
    tcase_add_test(t, cpu_quantized_prefill_at_int8_rate);
    tcase_add_test(t, cpu_counts_the_embedding);
    tcase_add_test(t, power_modes_bound_the_clock);
    tcase_add_test(t, signoff_one_deployment_only);
    tcase_add_test(t, signoff_fix_is_real);
    tcase_add_test(t, signoff_moe_layout);
    tcase_add_test(t, signoff_at_a_rate);
    tcase_add_test(t, signoff_kv_eviction_keeps_the_window);
    tcase_add_test(t, signoff_stream_shares_the_part);
    suite_add_tcase(s, t);
    return rl_test_run(s);
}
