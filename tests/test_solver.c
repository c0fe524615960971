/*
 * test_solver.c -- the search (solver/solver.h) end to end on the real
 * catalog and estimator:
 *   - known answers: Llama 3.1 70B on two RTX 4090s (fp16 and int8 do not
 *     fit, 4-bit does and uses both cards), on one card without offload
 *     (nothing feasible, device_memory says why), with llama.cpp partial
 *     offload (runs with host RAM);
 *   - bookkeeping: candidates == feasible + sum(rejected);
 *   - pruning is exact: the pruned search and --exhaustive agree;
 *   - properties over random scenarios: no recommended configuration
 *     exceeds a capacity or SLO in its own estimate; adding memory never
 *     makes a feasible configuration infeasible; a stricter SLO never
 *     adds survivors;
 *   - objectives, Pareto front, determinism, the placement MILP.
 */
#include <check.h>
#include "testutil.h"
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "solver.h"

#define EX RL_SOURCE_DIR "/scenarios/examples/"
#define TS RL_SOURCE_DIR "/tests/scenarios/"

static rl_catalog *cat;

static void setup(void)
{
    cat = rl_test_catalog();
}

static void teardown(void) { rl_catalog_free(cat); }

static rl_scenario *load(const char *path)
{
    rl_err e;
    rl_scenario *s = NULL;
    int rc = rl_scenario_load(path, cat, &s, &e);
    ck_assert_msg(rc == RL_OK, "%s:%d: %s", e.file, e.line, e.msg);
    return s;
}

static rl_scenario *load_text(const char *text)
{
    rl_err e;
    rl_scenario *s = NULL;
    int rc = rl_scenario_load_string(text, "rand.cfg", cat, &s, &e);
    ck_assert_msg(rc == RL_OK, "%d: %s\n%s", e.line, e.msg, text);
    return s;
}

/* Solve with every feasible configuration ranked (up to `top`). */
static void solve(const rl_scenario *s, rl_solve_result *r, int top, int exhaustive)
{
    rl_err e;
    rl_solve_opts o;
    rl_solve_opts_init(&o);
    o.top = top;
    o.exhaustive = exhaustive;
    int rc = rl_solve(s, cat, &o, r, &e);
    ck_assert_msg(rc == RL_OK, "solve: %s", e.msg);
}

/* solve with --pareto and the best `top` */
static void solve_pareto(const rl_scenario *s, rl_solve_result *r, int top)
{
    rl_err e;
    rl_solve_opts o;
    rl_solve_opts_init(&o);
    o.top = top;
    o.pareto = 1;
    int rc = rl_solve(s, cat, &o, r, &e);
    ck_assert_msg(rc == RL_OK, "solve: %s", e.msg);
}

static long sum_rejected(const rl_solve_result *r)
{
    long n = 0;
    for (int i = 0; i < r->n_reasons; i++) n += r->reasons[i].count;
    return n;
}

static void key(const rl_ranked *k, char *b, size_t n)
{
    snprintf(b, n, "%s|%s|%s|%d|%d|%ld|%d|%d|%ld", k->cfg.rt->id, k->cfg.quant->id,
             k->cfg.kv->id, k->cfg.tp, k->cfg.pp, k->cfg.sliding_window, k->offload_mode,
             k->cfg.concurrency, k->cfg.context_cap);
}

static int has_key(const rl_solve_result *r, const char *want)
{
    char b[200];
    for (int i = 0; i < r->n_ranked; i++) {
        key(&r->ranked[i], b, sizeof b);
        if (strcmp(b, want) == 0) return 1;
    }
    return 0;
}

/* ---- known answers ---------------------------------------------------- */

START_TEST(dual_4090_70b)
{
    rl_scenario *s = load(EX "llama70b-dual-4090.cfg");
    rl_solve_result r;
    solve(s, &r, 1000, 0);
    ck_assert_int_gt(r.feasible, 0);
    ck_assert_int_eq(r.n_ranked, r.feasible);
    int four_bit = 0;
    for (int i = 0; i < r.n_ranked; i++) {
        const rl_ranked *k = &r.ranked[i];
        ck_assert_str_ne(k->cfg.quant->id, "fp16");      /* 131 GiB */
        ck_assert_str_ne(k->cfg.quant->id, "int8");      /* ~66 GiB */
        ck_assert_str_ne(k->cfg.quant->id, "q8_0");
        ck_assert_int_eq(k->cfg.tp * k->cfg.pp, 2);     /* uses both cards */
        four_bit |= strstr(k->cfg.quant->id, "4") != NULL;
    }
    ck_assert(four_bit);
    ck_assert_int_gt(rl_solve_rejected(&r, "device_memory"), 0);
    ck_assert_int_eq(r.candidates, r.feasible + sum_rejected(&r));
    /* the sentence users read */
    int found = 0;
    for (int i = 0; i < r.n_reasons; i++)
        if (!strcmp(r.reasons[i].code, "device_memory"))
            found = strstr(r.reasons[i].example, "needs 131 GiB of weights; two devices hold") != NULL;
    ck_assert_msg(found, "device_memory example lacks the weights sentence");
    rl_solve_result_free(&r);
    rl_scenario_free(s);
}
END_TEST

START_TEST(one_4090_no_offload)
{
    rl_scenario *s = load(TS "llama70b-one-4090-no-offload.cfg");
    rl_solve_result r;
    solve(s, &r, 5, 0);
    ck_assert_int_eq(r.feasible, 0);
    ck_assert_int_eq(r.n_ranked, 0);
    ck_assert_int_gt(r.candidates, 0);
    ck_assert_int_gt(r.n_reasons, 0);
    ck_assert_str_eq(r.reasons[0].code, "device_memory");
    ck_assert_int_eq(r.candidates, sum_rejected(&r));
    /* how close it came: the smallest format still misses by weights */
    ck_assert_int_ge(r.n_near, 1);
    ck_assert_str_eq(r.near[0].code[0], "device_memory");
    ck_assert_str_eq(r.near[0].cfg.quant->id, "q2_k");
    rl_solve_result_free(&r);
    rl_scenario_free(s);
}
END_TEST

START_TEST(one_4090_partial_offload)
{
    rl_scenario *s = load(TS "llama70b-one-4090-offload.cfg");
    rl_solve_result r;
    solve(s, &r, 5, 0);
    ck_assert_int_ge(r.feasible, 1);
    const rl_ranked *k = &r.ranked[0];
    ck_assert_int_eq(k->offload_mode, RL_OFFLOAD_PARTIAL);
    ck_assert_int_gt(k->cfg.offload_layers, 0);
    ck_assert_int_lt(k->cfg.offload_layers, s->model.layers);
    ck_assert_int_eq(k->est.feasibility, RL_WITH_OFFLOAD);
    ck_assert(k->est.mem.host_peak > 0);
    ck_assert(rl_fle(k->est.mem.device_peak, k->est.mem.device_capacity));
    /* the fewest host layers: one fewer does not fit */
    rl_config c = k->cfg;
    rl_estimate e;
    c.offload_layers--;
    ck_assert_int_eq(rl_estimate_run(&c, &e, NULL), RL_OK);
    ck_assert(e.feasibility == RL_INSUFFICIENT_MEMORY ||
              !rl_fle(e.mem.device_peak, e.mem.device_capacity));
    ck_assert_int_eq(rl_solve_rejected(&r, "device_memory"), 1);  /* the none candidate */
    ck_assert_int_eq(r.n_near, 0);                  /* only kept when nothing fits */
    rl_solve_result_free(&r);
    rl_scenario_free(s);
}
END_TEST

/* ---- pruning is exact ----------------------------------------------- */

static void same_answer(const rl_scenario *s)
{
    rl_solve_result a, b;
    char ka[200], kb[200];
    solve(s, &a, 20, 0);
    solve(s, &b, 20, 1);
    ck_assert_int_eq(a.candidates, b.candidates);
    ck_assert_int_eq(a.feasible, b.feasible);
    ck_assert_int_eq(a.candidates, a.feasible + sum_rejected(&a));
    ck_assert_int_eq(b.candidates, b.feasible + sum_rejected(&b));
    ck_assert_int_eq(a.n_ranked, b.n_ranked);
    for (int i = 0; i < a.n_ranked; i++) {
        key(&a.ranked[i], ka, sizeof ka);
        key(&b.ranked[i], kb, sizeof kb);
        ck_assert_msg(!strcmp(ka, kb), "%s: rank %d: %s vs %s", s->name, i + 1, ka, kb);
        ck_assert_int_eq(a.ranked[i].cfg.offload_layers, b.ranked[i].cfg.offload_layers);
    }
    ck_assert_int_le(a.estimates, b.estimates);
    rl_solve_result_free(&a);
    rl_solve_result_free(&b);
}

START_TEST(pruned_equals_exhaustive_examples)
{
    static const char *const files[] = {
        EX "llama70b-dual-4090.cfg", EX "chat-8b-l4-ttft.cfg", EX "long-context-128k.cfg",
        EX "moe-mixtral-h100.cfg", EX "llama70b-one-4090-offload.cfg",
        EX "gemma-window-offload-4090.cfg", EX "edge-deterministic.cfg",
        TS "prune-partial-regression.cfg",
    };
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        rl_scenario *s = load(files[i]);
        same_answer(s);
        rl_scenario_free(s);
    }
}
END_TEST

/* ---- random scenarios ------------------------------------------------- */

static const char *pick(const char *const *v, int n) { return v[rand() % n]; }

static void random_text(char *b, size_t n, int with_partial)
{
    static const char *const models[] = {"llama-3.1-8b", "llama-3.1-70b", "qwen2.5-14b",
                                         "mixtral-8x7b", "gemma-2-9b", "phi-3-mini"};
    static const char *const hws[] = {"rtx-4090", "l4", "a100-80g-sxm", "h100-sxm",
                                      "rtx-3060-12g", "m2-max"};
    static const char *const rts[] = {"[\"vllm\"]", "[\"llama.cpp\"]",
                                      "[\"vllm\", \"llama.cpp\"]", "[\"tensorrt-llm\", \"llama.cpp\"]"};
    static const char *const devs[] = {"1", "2", "4"};
    static const char *const prompts[] = {"512", "2048", "6144"};
    static const char *const tpots[] = {"0.0", "30.0", "80.0", "200.0"};
    static const char *const ttfts[] = {"0.0", "500.0", "3000.0"};
    static const char *const floors[] = {"0.0", "5.0", "20.0"};
    static const char *const powers[] = {"0.0", "300.0", "1500.0"};
    snprintf(b, n,
             "model = \"%s\";\nhardware = \"%s\";\ndevices = %s;\nruntimes = %s;\n"
             "workload = { prompt_tokens = %s; output_tokens = 256; concurrency = 4; };\n"
             "requirements = { tpot_ms_p95 = %s; ttft_ms_p95 = %s; min_decode_tok_s = %s;"
             " power_w_max = %s; };\n"
             "search = { quant = [\"fp16\", \"int8\", \"awq-int4\", \"q8_0\", \"q4_k_m\"];"
             " concurrency = [1, 4, 16]; context_cap = [0, 16384];"
             " offload = %s; };\ntop = 5;\n",
             pick(models, 6), pick(hws, 6), pick(devs, 3), pick(rts, 4), pick(prompts, 3),
             pick(tpots, 4), pick(ttfts, 3), pick(floors, 3), pick(powers, 3),
             with_partial ? "[\"none\", \"partial\"]" : "[\"none\", \"full\"]");
}

/* Every recommended configuration respects every bound in its own
 * estimate. */
static void check_within_bounds(const rl_scenario *s, const rl_solve_result *r)
{
    for (int i = 0; i < r->n_ranked; i++) {
        const rl_estimate *e = &r->ranked[i].est;
        ck_assert(e->feasibility != RL_INSUFFICIENT_MEMORY);
        ck_assert(rl_fle(e->mem.device_peak, e->mem.device_capacity));
        if (s->hw.host_ram_gib > 0) ck_assert(rl_fle(e->mem.host_peak, s->hw.host_ram_gib));
        if (s->req.tpot_ms_p95 > 0) ck_assert(rl_fle(e->tpot_ms.p95, s->req.tpot_ms_p95));
        if (s->req.ttft_ms_p95 > 0) ck_assert(rl_fle(e->ttft_ms.p95, s->req.ttft_ms_p95));
        if (s->req.power_w_max > 0) ck_assert(rl_fle(e->power_w, s->req.power_w_max));
        if (s->req.min_decode_tok_s > 0)
            ck_assert(rl_fle(s->req.min_decode_tok_s, e->decode_tok_s.p50));
        ck_assert(e->temp_c <= 0 || rl_fle(e->temp_c, s->hw.max_c));
        ck_assert(rl_fle(rl_scenario_context(s), r->ranked[i].cfg.context_cap));
    }
}

START_TEST(random_properties)
{
    char text[2048], kb[200];
    srand(20261123);
    for (int round = 0; round < 60; round++) {
        random_text(text, sizeof text, round % 2);
        rl_scenario *s = load_text(text);
        rl_solve_result base, more, strict;
        solve(s, &base, 1000, 0);
        ck_assert_int_eq(base.n_ranked, base.feasible);
        ck_assert_int_eq(base.candidates, base.feasible + sum_rejected(&base));
        check_within_bounds(s, &base);
        same_answer(s);

        /* a stricter SLO never adds survivors */
        rl_scenario tight = *s;
        tight.req.tpot_ms_p95 = s->req.tpot_ms_p95 > 0 ? s->req.tpot_ms_p95 * 0.7 : 60;
        tight.req.ttft_ms_p95 = s->req.ttft_ms_p95 > 0 ? s->req.ttft_ms_p95 * 0.7 : 2000;
        solve(&tight, &strict, 1000, 0);
        ck_assert_int_le(strict.feasible, base.feasible);
        for (int i = 0; i < strict.n_ranked; i++) {
            key(&strict.ranked[i], kb, sizeof kb);
            ck_assert_msg(has_key(&base, kb), "stricter SLO added %s\n%s", kb, text);
        }

        /* adding memory never makes a feasible configuration infeasible
         * (offload none/full rounds: a partial candidate that no longer
         * needs offload is covered by its offload = none twin) */
        if (round % 2 == 0) {
            rl_scenario big = *s;
            for (int t = 0; t < big.hw.n_tiers; t++) big.hw.tiers[t].capacity_gib *= 1.5;
            big.hw.host_ram_gib *= 1.5;
            solve(&big, &more, 1000, 0);
            ck_assert_int_ge(more.feasible, base.feasible);
            for (int i = 0; i < base.n_ranked; i++) {
                key(&base.ranked[i], kb, sizeof kb);
                ck_assert_msg(has_key(&more, kb), "more memory lost %s\n%s", kb, text);
            }
            rl_solve_result_free(&more);
        }
        rl_solve_result_free(&strict);
        rl_solve_result_free(&base);
        rl_scenario_free(s);
    }
}
END_TEST

/* ---- objectives, Pareto, determinism, MILP ---------------------------- */

START_TEST(objective_override_and_errors)
{
    rl_scenario *s = load(EX "chat-8b-l4-ttft.cfg");
    rl_solve_opts o;
    rl_solve_result r;
    rl_err e;
    rl_solve_opts_init(&o);
    o.objective = "latency";
    o.top = 10;
    ck_assert_int_eq(rl_solve(s, cat, &o, &r, &e), RL_OK);
    ck_assert_str_eq(r.objective, "latency");
    ck_assert_int_eq(r.minimize, 1);
    for (int i = 1; i < r.n_ranked; i++) ck_assert(rl_fle(r.ranked[i - 1].score, r.ranked[i].score));
    rl_solve_result_free(&r);

    o.objective = "thruput";
    ck_assert_int_eq(rl_solve(s, cat, &o, &r, &e), RL_EINPUT);
    ck_assert_str_eq(e.msg, "unknown objective 'thruput' (did you mean 'throughput'?); "
                            "choose throughput, latency, model_size, perf_per_watt, "
                            "perf_per_dollar");
    ck_assert_int_eq(r.n_ranked, 0);

    snprintf(s->objective, sizeof s->objective, "latncy");    /* as if from the file */
    s->objective_line = 14;
    o.objective = NULL;
    ck_assert_int_eq(rl_solve(s, cat, &o, &r, &e), RL_EINPUT);
    ck_assert_int_eq(e.line, 14);
    ck_assert(strstr(e.file, "chat-8b-l4-ttft.cfg") != NULL);
    rl_scenario_free(s);
}
END_TEST

/* The front kept while searching (solver.c front_add) against brute
 * force over every feasible configuration (top = all of them): no front
 * point is dominated by a feasible one, and every non-dominated feasible
 * one is matched or beaten by a front point. */
static int dominates(double t1, double l1, double t2, double l2)
{
    return t1 >= t2 && l1 <= l2 && !(rl_feq(t1, t2) && rl_feq(l1, l2));
}

START_TEST(pareto_front_matches_brute_force)
{
    rl_scenario *s = load(EX "chat-8b-l4-ttft.cfg");
    rl_solve_result r;
    solve_pareto(s, &r, 100000);
    ck_assert_int_eq(r.n_ranked, r.feasible);
    ck_assert_int_gt(r.n_pareto, 1);
    ck_assert_int_lt(r.n_pareto, RL_PARETO_SHOW);   /* so the front is complete */
    for (int i = 0; i < r.n_pareto; i++)
        for (int j = 0; j < r.n_ranked; j++)
            ck_assert(!dominates(r.ranked[j].throughput, r.ranked[j].latency_ms,
                                 r.pareto[i].throughput, r.pareto[i].latency_ms));
    for (int j = 0; j < r.n_ranked; j++) {
        int dominated = 0, covered = 0;
        for (int k = 0; k < r.n_ranked && !dominated; k++)
            dominated = dominates(r.ranked[k].throughput, r.ranked[k].latency_ms,
                                  r.ranked[j].throughput, r.ranked[j].latency_ms);
        for (int i = 0; i < r.n_pareto && !covered; i++)
            covered = rl_fle(r.ranked[j].throughput, r.pareto[i].throughput) &&
                      rl_fle(r.pareto[i].latency_ms, r.ranked[j].latency_ms);
        ck_assert_msg(dominated || covered, "non-dominated configuration %d not on the front", j);
    }
    rl_solve_result_free(&r);
    rl_scenario_free(s);
}
END_TEST

/* Best throughput of `model` on n x `hw` (the default search, concurrency
 * searched), and the winner's tp x pp x replicas. */
static double best_on(const char *model, const char *hw, int n, int *tp, int *pp, int *rep)
{
    char text[600];
    rl_solve_result r;
    snprintf(text, sizeof text,
             "model = \"%s\"; hardware = \"%s\"; devices = %d; runtimes = [\"vllm\"];\n"
             "workload = { prompt_tokens = 1024; output_tokens = 1024; };\n"
             "search = { quant = [\"bf16\"]; kv_dtype = [\"bf16\"];\n"
             "           concurrency = [1, 16, 64, 256]; };\n", model, hw, n);
    rl_scenario *s = load_text(text);
    solve(s, &r, 1, 0);
    double t = r.n_ranked ? r.ranked[0].throughput : 0;     /* 0: nothing fits */
    if (tp) *tp = r.n_ranked ? r.ranked[0].cfg.tp : 0;
    if (pp) *pp = r.n_ranked ? r.ranked[0].cfg.pp : 0;
    if (rep) *rep = r.n_ranked ? r.ranked[0].cfg.replicas : 0;
    rl_solve_result_free(&r);
    rl_scenario_free(s);
    return t;
}

/* 8 devices >= 8 copies of one (8B on 8 x H100 must not pick tp2 x pp4
 * below 8 x tp1), and more devices never lower the best throughput. */
START_TEST(replicas_scale)
{
    int tp, pp, rep;
    double one = best_on("llama-3.1-8b", "h100-sxm", 1, NULL, NULL, NULL);
    double eight = best_on("llama-3.1-8b", "h100-sxm", 8, &tp, &pp, &rep);
    ck_assert_msg(eight >= 8 * one * (1 - 1e-9), "8 devices %.0f < 8 x %.0f", eight, one);
    ck_assert_int_eq(tp * pp * rep, 8);
    ck_assert_msg(pp == 1, "picked tp %d x pp %d x %d replicas", tp, pp, rep);
    double prev = 0;
    for (int n = 1; n <= 8; n++) {
        double t = best_on("llama-3.1-70b", "h100-sxm", n, NULL, NULL, NULL);
        ck_assert_msg(t >= prev * (1 - 1e-9), "%d devices: %.0f < %.0f", n, t, prev);
        prev = t;
    }
}
END_TEST

/* ep and dp_attention ride on the tp level: a MoE model on SGLang gets
 * {1, tp} x {false, true} at each tp >= 2 (one triple at tp 1); a dense
 * model, or a runtime without them (llama.cpp), keeps one per tp, so its
 * candidate count is what it was.  Listed values are filtered per tp
 * (ep must divide it; vLLM's EP is the whole group).  The exhaustive walk
 * agrees with the pruned one. */
START_TEST(moe_parallel_axes)
{
    rl_solve_result r, x;
    rl_scenario *s = load_text(
        "model = \"deepseek-v3\"; hardware = \"h200\"; devices = 8; runtimes = [\"sglang\"];\n"
        "workload = { concurrency = 64; };\n"
        "search = { quant = [\"fp8\"]; kv_dtype = [\"fp16\"]; tp = [1, 4, 8]; pp = [1]; };\n");
    solve(s, &r, 100, 0);
    ck_assert_int_eq(r.candidates, 1 + 4 + 4);
    ck_assert_int_eq(r.candidates, r.feasible + sum_rejected(&r));
    solve(s, &x, 100, 1);
    ck_assert_int_eq(x.feasible, r.feasible);
    for (int i = 0; i < r.n_ranked; i++) {
        const rl_config *c = &r.ranked[i].cfg;
        ck_assert(c->ep == 1 || c->ep == c->tp);
        ck_assert(!c->dp_attention || c->tp >= 2);
    }
    rl_solve_result_free(&r);
    rl_solve_result_free(&x);
    rl_scenario_free(s);
    s = load_text(                          /* dense: one triple per tp */
        "model = \"llama-3.1-70b\"; hardware = \"h200\"; devices = 8; runtimes = [\"sglang\"];\n"
        "workload = { concurrency = 64; };\n"
        "search = { quant = [\"fp8\"]; kv_dtype = [\"fp16\"]; tp = [1, 4, 8]; pp = [1]; };\n");
    solve(s, &r, 100, 0);
    ck_assert_int_eq(r.candidates, 3);
    rl_solve_result_free(&r);
    rl_scenario_free(s);
    s = load_text(                          /* listed: 2 divides 4 and 8, 8 only 8 */
        "model = \"deepseek-v3\"; hardware = \"h200\"; devices = 8; runtimes = [\"sglang\", \"vllm\"];\n"
        "workload = { concurrency = 64; };\n"
        "search = { quant = [\"fp8\"]; kv_dtype = [\"fp16\"]; tp = [4, 8]; pp = [1];\n"
        "           ep = [2, 8]; dp_attention = false; };\n");
    solve(s, &r, 100, 0);
    /* sglang: tp 4 {2}, tp 8 {2, 8}; vllm (whole group): tp 4 none, tp 8 {8} */
    ck_assert_int_eq(r.candidates, 3 + 1);
    for (int i = 0; i < r.n_ranked; i++) ck_assert(!r.ranked[i].cfg.dp_attention);
    rl_solve_result_free(&r);
    rl_scenario_free(s);
}
END_TEST

/* An explicit replicas axis is searched and checked against the devices. */
START_TEST(replicas_axis)
{
    rl_solve_result r;
    rl_scenario *s = load_text(
        "model = \"llama-3.1-8b\"; hardware = \"h100-sxm\"; devices = 4; runtimes = [\"vllm\"];\n"
        "workload = { concurrency = 1; };\n"
        "search = { quant = [\"bf16\"]; kv_dtype = [\"bf16\"]; tp = [1, 2]; pp = [1];\n"
        "           replicas = [1, 2, 4]; };\n");
    solve(s, &r, 10, 0);
    ck_assert_int_eq(r.candidates, 6);
    ck_assert_int_eq(rl_solve_rejected(&r, "devices"), 1);      /* tp 2 x 4 replicas */
    ck_assert_int_eq(r.feasible, 5);
    ck_assert_int_eq(r.ranked[0].cfg.tp * r.ranked[0].cfg.replicas, 4);
    ck_assert_str_eq(r.throughput_kind, "offline, prefill included");
    rl_solve_result_free(&r);
    rl_scenario_free(s);
}
END_TEST

/* The default quality floor keeps 2-3 bit formats out (70B on two 4090s
 * used to pick q2_k); raising it lets them back in. */
START_TEST(quality_floor)
{
    rl_solve_result r;
    rl_scenario *s = load_text("model = \"llama-3.1-70b\"; hardware = \"rtx-4090\";\n"
                               "devices = 2;\n");
    solve(s, &r, 50, 0);
    ck_assert_int_gt(r.n_ranked, 0);
    ck_assert_int_gt(rl_solve_rejected(&r, "max_quality_loss"), 0);
    for (int i = 0; i < r.n_ranked; i++)
        ck_assert_msg(r.ranked[i].cfg.quant->quality_loss <= RL_SCN_QUALITY_DEFAULT,
                      "%s recommended", r.ranked[i].cfg.quant->id);
    rl_solve_result_free(&r);
    rl_scenario_free(s);
    s = load_text("model = \"llama-3.2-1b\"; hardware = \"jetson-orin-nano\";\n");
    solve(s, &r, 50, 0);
    ck_assert_int_gt(r.n_ranked, 0);
    for (int i = 0; i < r.n_ranked; i++)
        ck_assert(strncmp(r.ranked[i].cfg.quant->id, "q2", 2) &&
                  strncmp(r.ranked[i].cfg.quant->id, "q3", 2));
    rl_solve_result_free(&r);
    rl_scenario_free(s);
    s = load_text("model = \"llama-3.1-70b\"; hardware = \"rtx-4090\"; devices = 2;\n"
                  "runtimes = [\"llama.cpp\"]; search = { quant = [\"q2_k\"]; };\n"
                  "requirements = { max_quality_loss = 100.0; };\n");
    solve(s, &r, 5, 0);
    ck_assert_int_eq(rl_solve_rejected(&r, "max_quality_loss"), 0);
    ck_assert_int_gt(r.feasible, 0);
    rl_solve_result_free(&r);
    rl_scenario_free(s);
}
END_TEST

START_TEST(pareto_and_determinism)
{
    rl_scenario *s = load(EX "chat-8b-l4-ttft.cfg");
    rl_solve_opts o;
    rl_solve_result a, b;
    rl_err e;
    char ka[200], kb[200];
    rl_solve_opts_init(&o);
    o.pareto = 1;
    ck_assert_int_eq(rl_solve(s, cat, &o, &a, &e), RL_OK);
    ck_assert_int_eq(rl_solve(s, cat, &o, &b, &e), RL_OK);
    ck_assert_int_gt(a.n_pareto, 1);
    for (int i = 1; i < a.n_pareto; i++) {
        ck_assert(a.pareto[i - 1].throughput >= a.pareto[i].throughput);
        ck_assert(a.pareto[i - 1].est.e2e_latency_ms.p50 > a.pareto[i].est.e2e_latency_ms.p50);
    }
    ck_assert_int_eq(a.n_ranked, b.n_ranked);
    for (int i = 0; i < a.n_ranked; i++) {
        key(&a.ranked[i], ka, sizeof ka);
        key(&b.ranked[i], kb, sizeof kb);
        ck_assert_str_eq(ka, kb);
        ck_assert(rl_feq(a.ranked[i].score, b.ranked[i].score));
    }
    rl_solve_result_free(&a);
    rl_solve_result_free(&b);
    rl_scenario_free(s);
}
END_TEST

START_TEST(placement_milp_used)
{
    rl_scenario *s = load(EX "gemma-window-offload-4090.cfg");
    rl_solve_opts o;
    rl_solve_result a, b;
    rl_err e;
    rl_solve_opts_init(&o);
    ck_assert_int_eq(rl_solve(s, cat, &o, &a, &e), RL_OK);
    ck_assert_int_gt(a.milp_solves, 0);               /* mixed layers: a real decision */
    o.use_milp = 0;
    ck_assert_int_eq(rl_solve(s, cat, &o, &b, &e), RL_OK);
    ck_assert_int_eq(b.milp_solves, 0);
    ck_assert_int_eq(a.feasible, b.feasible);         /* the estimate has the last word */
    int said = 0;
    for (int i = 0; i < a.n_ranked; i++)
        for (int k = 0; k < a.ranked[i].n_expl; k++)
            said |= strstr(a.ranked[i].expl[k], "placement MILP") != NULL;
    ck_assert(said);
    rl_solve_result_free(&a);
    rl_solve_result_free(&b);
    rl_scenario_free(s);

    s = load(EX "llama70b-one-4090-offload.cfg");      /* uniform layers: closed form */
    ck_assert_int_eq(rl_solve(s, cat, &o, &a, &e), RL_OK);
    ck_assert_int_eq(a.milp_solves, 0);
    rl_solve_result_free(&a);
    rl_scenario_free(s);
}
END_TEST

/* The batch sweep example: 20+ files that load and solve. */
START_TEST(sweep_examples)
{
    DIR *d = opendir(EX "sweep");
    struct dirent *de;
    int n = 0;
    ck_assert_ptr_nonnull(d);
    while ((de = readdir(d))) {
        size_t l = strlen(de->d_name);
        if (l < 5 || strcmp(de->d_name + l - 4, ".cfg")) continue;
        char path[1024];
        snprintf(path, sizeof path, EX "sweep/%s", de->d_name);
        rl_scenario *s = load(path);
        rl_solve_result r;
        solve(s, &r, 3, 0);
        ck_assert_int_eq(r.candidates, r.feasible + sum_rejected(&r));
        check_within_bounds(s, &r);
        rl_solve_result_free(&r);
        rl_scenario_free(s);
        n++;
    }
    closedir(d);
    ck_assert_int_ge(n, 20);
}
END_TEST

/* ---- at a request rate ------------------------------------------------ */

/* The rate scenario with workload.request_rate replaced by `rate`. */
static rl_scenario *rate_scenario(double rate)
{
    rl_scenario *s = load(TS "rate-70b-8xh100.cfg");
    s->request_rate = rate;
    return s;
}

/* Every feasible candidate at a rate is served at it: its serving figures
 * are rl_serving_run's on the same configuration (the path `estimate
 * --rate` takes), its latencies the SLO checks read are those at the
 * rate, it keeps up, and the score of the throughput objective is its
 * capacity in tok/s (ranked descending). */
START_TEST(rate_recommendations_are_served)
{
    rl_scenario *s = rate_scenario(20);
    rl_solve_result r;
    solve(s, &r, 50, 0);
    ck_assert_int_gt(r.n_ranked, 1);
    ck_assert(r.request_rate == 20);
    ck_assert_str_eq(r.throughput_kind, "served at 20 req/s");
    for (int i = 0; i < r.n_ranked; i++) {
        const rl_ranked *k = &r.ranked[i];
        rl_serving v;
        ck_assert_int_eq(k->cfg.max_num_seqs, k->cfg.concurrency);
        ck_assert_int_eq(rl_serving_run(&k->cfg, 20, &v), RL_OK);
        ck_assert(v.capacity_rps == k->est.serving.capacity_rps);
        ck_assert(v.in_flight == k->est.serving.in_flight);
        ck_assert(v.ttft_ms.p95 == k->est.serving.ttft_ms.p95);
        ck_assert(v.tpot_ms.p95 == k->est.serving.tpot_ms.p95);
        ck_assert(!v.saturated && v.capacity_rps > 20);
        ck_assert(k->est.ttft_ms.p95 == v.ttft_ms.p95);     /* what the SLO rule read */
        ck_assert(rl_fle(k->est.ttft_ms.p95, s->req.ttft_ms_p95));
        ck_assert(rl_fle(k->est.tpot_ms.p95, s->req.tpot_ms_p95));
        /* served throughput: the rate's output, the same for all */
        ck_assert(rl_feq(k->throughput, 20 * (double)s->output_tokens));
        ck_assert(rl_feq(k->score, v.capacity_rps * (double)s->output_tokens));
        if (i) ck_assert(rl_fle(k->score, r.ranked[i - 1].score));
    }
    ck_assert_int_eq(r.candidates, r.feasible + sum_rejected(&r));
    rl_solve_result_free(&r);
    rl_scenario_free(s);
}
END_TEST

/* --pareto at a rate: every point serves the same tok/s, so the front is
 * capacity against latency at the rate -- capacity falling as latency
 * falls, no point dominated by a ranked candidate -- and its rows show the
 * served throughput, not the capacity. */
START_TEST(rate_pareto_trades_capacity_for_latency)
{
    rl_scenario *s = rate_scenario(20);
    rl_solve_result r;
    solve_pareto(s, &r, 200);
    ck_assert_int_ge(r.n_pareto, 2);
    for (int i = 0; i < r.n_pareto; i++) {
        const rl_ranked *p = &r.pareto[i];
        ck_assert(rl_feq(p->throughput, 20 * (double)s->output_tokens));
        if (i) {
            ck_assert(p->est.serving.capacity_rps < r.pareto[i - 1].est.serving.capacity_rps);
            ck_assert(p->latency_ms < r.pareto[i - 1].latency_ms);
        }
        for (int j = 0; j < r.n_ranked; j++) {
            const rl_ranked *k = &r.ranked[j];
            ck_assert(!(k->est.serving.capacity_rps > p->est.serving.capacity_rps * (1 + 1e-9) &&
                        k->latency_ms < p->latency_ms * (1 - 1e-9)));
        }
    }
    rl_solve_result_free(&r);
    rl_scenario_free(s);
}
END_TEST

/* A deployment at a rate: the key less the batch cap (the solver lists
 * each deployment once there, at its best cap). */
static void deploy_key(const rl_ranked *k, char *b, size_t n)
{
    rl_ranked d = *k;
    d.cfg.concurrency = 0;
    key(&d, b, n);
    size_t m = strlen(b);
    snprintf(b + m, n - m, "|%d|%d|%d", k->cfg.replicas, k->cfg.ep, k->cfg.dp_attention);
}

/* Raising the rate never admits a configuration: capacity does not depend
 * on the rate and the queueing latencies grow with it, so each rate's
 * feasible set lies inside the one of every lower rate -- and so do the
 * deployments ranked (each once, at its best batch cap: every deployment
 * with a feasible cap is listed, and no deployment twice). */
START_TEST(rate_feasible_set_shrinks)
{
    static const double rates[] = {0.5, 1, 2, 5, 10, 15, 20};
    enum { NR = sizeof rates / sizeof *rates, MAXK = 4000 };
    static char prev[MAXK][200], cur[MAXK][200];
    int nprev = -1;
    long fprev = -1;
    for (int i = 0; i < NR; i++) {
        rl_scenario *s = rate_scenario(rates[i]);
        rl_solve_result r;
        solve(s, &r, MAXK, 0);
        ck_assert_int_lt(r.feasible, MAXK);         /* every deployment is ranked */
        ck_assert_int_le(r.n_ranked, r.feasible);
        ck_assert_int_gt(r.n_ranked, 0);
        if (fprev >= 0) ck_assert_int_le(r.feasible, fprev);
        for (int k = 0; k < r.n_ranked; k++) {
            deploy_key(&r.ranked[k], cur[k], sizeof cur[k]);
            for (int j = 0; j < k; j++)
                ck_assert_msg(strcmp(cur[k], cur[j]), "%s listed twice", cur[k]);
            int found = nprev < 0;
            for (int j = 0; j < nprev && !found; j++) found = !strcmp(cur[k], prev[j]);
            ck_assert_msg(found, "%s feasible at %g req/s, not at %g", cur[k], rates[i],
                          rates[i - 1]);
        }
        nprev = r.n_ranked;
        fprev = r.feasible;
        memcpy(prev, cur, sizeof prev);
        rl_solve_result_free(&r);
        rl_scenario_free(s);
    }
    ck_assert_int_gt(nprev, 0);                     /* still something at the top rate */
}
END_TEST

/* A rate beyond every candidate's capacity: nothing feasible, saturation
 * the reason, and the near misses say it with the numbers. */
START_TEST(rate_beyond_capacity)
{
    rl_scenario *s = rate_scenario(1e5);
    rl_solve_result r;
    solve(s, &r, 5, 0);
    ck_assert_int_eq(r.feasible, 0);
    ck_assert_int_eq(r.n_ranked, 0);
    ck_assert_int_gt(rl_solve_rejected(&r, "saturated"), 0);
    ck_assert_int_eq(rl_solve_rejected(&r, "ttft_slo") + rl_solve_rejected(&r, "tpot_slo"), 0);
    ck_assert_int_gt(r.n_near, 0);
    ck_assert_str_eq(r.near[0].code[0], "saturated");
    ck_assert_ptr_nonnull(strstr(r.near[0].detail[0], "capacity "));
    ck_assert_ptr_nonnull(strstr(r.near[0].detail[0], " < 100000 req/s"));
    rl_solve_result_free(&r);
    rl_scenario_free(s);
}
END_TEST

/* Pruning at a rate (no bulk cap settling, the saturation rule's cap
 * monotonicity) finds what the exhaustive walk finds; with partial
 * offload and a listed concurrency too. */
START_TEST(rate_pruned_equals_exhaustive)
{
    rl_scenario *s = rate_scenario(20);
    same_answer(s);
    rl_scenario_free(s);
    s = load(EX "chat-8b-l4-ttft.cfg");
    s->request_rate = 1;
    same_answer(s);
    rl_scenario_free(s);
    s = load(EX "moe-mixtral-h100.cfg");
    s->request_rate = 1;
    same_answer(s);
    rl_scenario_free(s);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("solver");
    TCase *t = tcase_create("known");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_set_timeout(t, 120);
    tcase_add_test(t, dual_4090_70b);
    tcase_add_test(t, one_4090_no_offload);
    tcase_add_test(t, one_4090_partial_offload);
    tcase_add_test(t, pruned_equals_exhaustive_examples);
    tcase_add_test(t, random_properties);
    tcase_add_test(t, objective_override_and_errors);
    tcase_add_test(t, pareto_and_determinism);
    tcase_add_test(t, pareto_front_matches_brute_force);
    tcase_add_test(t, placement_milp_used);
    tcase_add_test(t, sweep_examples);
    tcase_add_test(t, replicas_scale);
    tcase_add_test(t, replicas_axis);
    tcase_add_test(t, moe_parallel_axes);
    tcase_add_test(t, quality_floor);
    tcase_add_test(t, rate_recommendations_are_served);
    tcase_add_test(t, rate_pareto_trades_capacity_for_latency);
    tcase_add_test(t, rate_feasible_set_shrinks);
    tcase_add_test(t, rate_beyond_capacity);
    tcase_add_test(t, rate_pruned_equals_exhaustive);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return rl_test_run(suite());
}
