/*
 * test_procure.c -- `procure` (solver/procure.h): the plan loader's
 * errors; the procurement MILP against brute force (every integer replica
 * vector of small random instances, for each objective); infeasible plans
 * that explain themselves; properties (a larger budget or one more
 * candidate never raises the cost); options sized by the estimator's own
 * rl_replica_capacity_rps; and the large-problem door of milp.c.
 */
#include <check.h>
#include "testutil.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "milp.h"
#include "procure.h"
#include "estimate.h"
#include "scenario.h"

static rl_catalog *cat;

static void setup(void) { cat = rl_test_catalog(); }
static void teardown(void) { rl_catalog_free(cat); }

/* Three candidates with the catalog's hardware; limits as given. */
static rl_plan *plan3(const char *obj, double budget, double power, int max_a)
{
    char text[2048];
    rl_err e;
    rl_plan *p = NULL;
    snprintf(text, sizeof text,
             "objective = \"%s\"; budget_usd = %g; power_w_max = %g;\n"
             "energy_usd_per_kwh = 0.1; years = 2.0;\n"
             "candidates = ( { hardware = \"h100-sxm\"; price_usd = 30000.0;"
             " devices_per_node = 4; max_count = %d; },\n"
             " { hardware = \"l40s\"; price_usd = 8000.0; devices_per_node = 2; max_count = 8; },\n"
             " { hardware = \"rtx-4090\"; price_usd = 1600.0; max_count = 6; } );\n"
             "demand = ( { name = \"a\"; model = \"llama-3.1-8b\"; requests_per_s = 7.0; },\n"
             " { name = \"b\"; model = \"llama-3.1-8b\"; requests_per_s = 3.0; } );\n",
             obj, budget, power, max_a);
    rl_err_clear(&e);
    ck_assert_msg(rl_plan_load_string(text, "t.cfg", cat, &p, &e) == RL_OK, "%s", e.msg);
    return p;
}

static rl_proc_option mkopt(int d, int c, int dpr, double cap, double w)
{
    rl_proc_option o;
    memset(&o, 0, sizeof o);
    o.demand = d;
    o.cand = c;
    o.devices_per_replica = dpr;
    o.tp = dpr;
    o.pp = 1;
    o.capacity_rps = cap;
    o.power_w = w;
    snprintf(o.runtime, sizeof o.runtime, "vllm");
    return o;
}

/* ---- brute force ---------------------------------------------------------- */

typedef struct bf { int found; double cost, power, headroom; } bf;

/* Evaluate one replica vector as the MILP's model does (whole nodes, the
 * fewest that hold the replicas). 0 when it breaks a limit. */
static int eval_vec(const rl_plan *p, const rl_proc_option *o, int n, const int *r, bf *v)
{
    int used[RL_PLAN_MAX_CAND] = {0};
    double served[RL_PLAN_MAX_DEMAND] = {0}, capex = 0, power = 0;
    double usd_w = p->energy_usd_per_kwh * p->years * 8760.0 / 1000.0;
    for (int i = 0; i < n; i++) {
        const rl_plan_cand *c = &p->cand[o[i].cand];
        used[o[i].cand] += r[i] * o[i].devices_per_replica;
        served[o[i].demand] += r[i] * o[i].capacity_rps;
        power += r[i] * (o[i].power_w - o[i].devices_per_replica * c->hw->idle_w);
    }
    for (int h = 0; h < p->n_cand; h++) {
        const rl_plan_cand *c = &p->cand[h];
        int nodes = (used[h] + c->devices_per_node - 1) / c->devices_per_node;
        if (c->max_count > 0 && nodes * c->devices_per_node > c->max_count) return 0;
        capex += nodes * c->devices_per_node * c->price_usd;
        power += nodes * c->devices_per_node * c->hw->idle_w;
    }
    v->headroom = HUGE_VAL;
    for (int d = 0; d < p->n_demand; d++)
        v->headroom = fmin(v->headroom, served[d] / p->demand[d].requests_per_s);
    v->cost = capex + power * usd_w;
    v->power = power;
    if (v->headroom < 1 - 1e-9) return 0;
    if (p->budget_usd > 0 && v->cost > p->budget_usd + 1e-6) return 0;
    if (p->power_w_max > 0 && power > p->power_w_max + 1e-6) return 0;
    return 1;
}

/* Lexicographic best over every vector with r[i] in 0..maxr. */
static bf brute(const rl_plan *p, const rl_proc_option *o, int n, int maxr)
{
    int r[16] = {0};
    bf best = {0, 0, 0, 0};
    for (;;) {
        bf v;
        if (eval_vec(p, o, n, r, &v)) {
            int take = !best.found;
            if (!take && p->objective == RL_PROC_MIN_COST) take = v.cost < best.cost - 1e-6;
            if (!take && p->objective == RL_PROC_MIN_POWER)
                take = v.power < best.power - 1e-6 ||
                       (fabs(v.power - best.power) <= 1e-6 && v.cost < best.cost - 1e-6);
            if (!take && p->objective == RL_PROC_MAX_HEADROOM)
                take = v.headroom > best.headroom + 1e-9 ||
                       (fabs(v.headroom - best.headroom) <= 1e-9 && v.cost < best.cost - 1e-6);
            if (take) { best = v; best.found = 1; }
        }
        int i = 0;
        while (i < n && r[i] == maxr) r[i++] = 0;
        if (i == n) break;
        r[i]++;
    }
    return best;
}

/* Random options: each demand gets 1..2 options per candidate. */
static int random_options(rl_proc_option *o, unsigned *seed)
{
    int n = 0;
    for (int d = 0; d < 2; d++)
        for (int c = 0; c < 3; c++) {
            if (rand_r(seed) % 3 == 0) continue;
            int dpr = c == 0 ? 1 + (int)(rand_r(seed) % 2) * 1 : c == 1 ? 1 + (int)(rand_r(seed) % 2) : 1;
            double cap = 0.5 + (rand_r(seed) % 60) / 10.0;
            double w = 150.0 * dpr + (rand_r(seed) % 400);
            o[n++] = mkopt(d, c, dpr, cap, w);
            if (n >= 5) return n;
        }
    return n;
}

START_TEST(milp_matches_brute_force)
{
    static const char *const objs[] = { "min_cost", "min_power", "max_headroom" };
    unsigned seed = 12345;
    int checked = 0, feasible = 0;
    for (int it = 0; it < 45; it++) {
        rl_proc_option o[8];
        int n = random_options(o, &seed);
        if (n == 0) continue;
        double budget = 20000 + (rand_r(&seed) % 10) * 15000.0;
        double power = 1500 + (rand_r(&seed) % 8) * 500.0;
        rl_plan *p = plan3(objs[it % 3], budget, power, 4 * (1 + (int)(rand_r(&seed) % 2)));
        rl_proc_result r;
        rl_err e;
        ck_assert_msg(rl_procure_optimise(p, o, n, &r, &e) == RL_OK, "%s", e.msg);
        /* max counts of 8/8/6 devices bound every option's replicas by 8 */
        bf b = brute(p, o, n, 8);
        ck_assert_msg(b.found == (r.status == RL_PROC_OPTIMAL), "instance %d: brute %d milp %s",
                      it, b.found, rl_proc_status_name(r.status));
        if (b.found) {
            feasible++;
            if (p->objective == RL_PROC_MIN_COST)
                ck_assert_msg(fabs(r.total_cost_usd - b.cost) < 1e-3, "instance %d: %g vs %g",
                              it, r.total_cost_usd, b.cost);
            else if (p->objective == RL_PROC_MIN_POWER)
                ck_assert_msg(fabs(r.total_power_w - b.power) < 1e-3, "instance %d", it);
            else
                ck_assert_msg(fabs(r.headroom - b.headroom) < 1e-6, "instance %d: %g vs %g",
                              it, r.headroom, b.headroom);
            ck_assert(fabs(r.total_cost_usd - b.cost) < 1e-3 ||
                      p->objective == RL_PROC_MIN_POWER);
        }
        checked++;
        rl_proc_result_free(&r);
        rl_plan_free(p);
    }
    ck_assert_int_ge(checked, 30);
    ck_assert_int_ge(feasible, 10);
}
END_TEST

/* ---- infeasible plans explain themselves ---------------------------------- */

START_TEST(budget_shortfall_is_measured)
{
    /* a: 7 rps / 2.5 -> 3 replicas, b: 3 / 1.5 -> 2; 5 x 4090 = 8000 USD
     * capex plus energy, over a 5000 USD budget */
    rl_proc_option o[2] = { mkopt(0, 2, 1, 2.5, 300), mkopt(1, 2, 1, 1.5, 300) };
    rl_plan *p = plan3("min_cost", 5000, 0, 4);
    rl_proc_result r, free_r;
    rl_err e;
    ck_assert_int_eq(rl_procure_optimise(p, o, 2, &r, &e), RL_OK);
    ck_assert_int_eq(r.status, RL_PROC_INFEASIBLE);
    ck_assert_int_ge(r.n_why, 1);
    ck_assert_ptr_nonnull(strstr(r.why[0], "budget_usd"));
    /* the budget needed is the cheapest plan without a budget */
    p->budget_usd = 0;
    ck_assert_int_eq(rl_procure_optimise(p, o, 2, &free_r, &e), RL_OK);
    ck_assert_int_eq(free_r.status, RL_PROC_OPTIMAL);
    ck_assert_int_eq(free_r.devices[2], 5);
    ck_assert(fabs(free_r.total_cost_usd - r.budget_needed_usd) < 1e-6);
    ck_assert(r.budget_needed_usd > 8000 + 2000);
    rl_proc_result_free(&r);
    rl_proc_result_free(&free_r);
    rl_plan_free(p);
}
END_TEST

START_TEST(power_and_max_count_blocks_named)
{
    rl_proc_option o[2] = { mkopt(0, 1, 1, 1.0, 300), mkopt(1, 1, 1, 1.0, 300) };
    rl_plan *p = plan3("min_cost", 0, 1000, 4);  /* a 7 + b 3 = 10 l40s > max 8 */
    rl_proc_result r;
    rl_err e;
    ck_assert_int_eq(rl_procure_optimise(p, o, 2, &r, &e), RL_OK);
    ck_assert_int_eq(r.status, RL_PROC_INFEASIBLE);
    int saw_power = 0, saw_max = 0;
    for (int i = 0; i < r.n_why; i++) {
        saw_power |= strstr(r.why[i], "power_w_max") != NULL;
        saw_max |= strstr(r.why[i], "no single limit") != NULL ||
                   strstr(r.why[i], "max_count") != NULL;
    }
    ck_assert(saw_power || saw_max);
    rl_proc_result_free(&r);
    /* with power unlimited only max_count blocks, and it is named */
    p->power_w_max = 0;
    ck_assert_int_eq(rl_procure_optimise(p, o, 2, &r, &e), RL_OK);
    ck_assert_int_eq(r.status, RL_PROC_INFEASIBLE);
    ck_assert_ptr_nonnull(strstr(r.why[0], "max_count"));
    ck_assert_ptr_nonnull(strstr(r.why[0], "l40s 10 (max 8)"));
    rl_proc_result_free(&r);
    rl_plan_free(p);
}
END_TEST

START_TEST(unserved_demand_named)
{
    rl_proc_option o[1] = { mkopt(0, 2, 1, 5.0, 300) };
    rl_plan *p = plan3("min_cost", 0, 0, 4);
    rl_proc_result r;
    rl_err e;
    ck_assert_int_eq(rl_procure_optimise(p, o, 1, &r, &e), RL_OK);
    ck_assert_int_eq(r.status, RL_PROC_INFEASIBLE);
    ck_assert_int_eq(r.unserved[1], 1);
    ck_assert_int_eq(r.unserved[0], 0);
    ck_assert_ptr_nonnull(strstr(r.why[0], "demand b"));
    rl_proc_result_free(&r);
    rl_plan_free(p);
}
END_TEST

/* ---- properties ------------------------------------------------------------ */

START_TEST(larger_budget_never_raises_cost)
{
    unsigned seed = 777;
    for (int it = 0; it < 20; it++) {
        rl_proc_option o[8];
        int n = random_options(o, &seed);
        double prev = HUGE_VAL;
        if (!n) continue;
        for (double b = 10000; b <= 200000; b += 38000) {
            rl_plan *p = plan3(it % 2 ? "min_cost" : "min_power", b, 0, 8);
            rl_proc_result r;
            rl_err e;
            ck_assert_int_eq(rl_procure_optimise(p, o, n, &r, &e), RL_OK);
            if (r.status == RL_PROC_OPTIMAL && it % 2) {
                ck_assert_msg(r.total_cost_usd <= prev + 1e-6, "budget %g", b);
                prev = r.total_cost_usd;
            }
            ck_assert(r.status == RL_PROC_OPTIMAL || !isfinite(prev) || !(it % 2));
            rl_proc_result_free(&r);
            rl_plan_free(p);
        }
    }
}
END_TEST

START_TEST(more_candidates_never_raise_cost)
{
    unsigned seed = 4242;
    for (int it = 0; it < 20; it++) {
        rl_proc_option o[8];
        int n = random_options(o, &seed);
        if (!n) continue;
        rl_plan *p = plan3("min_cost", 0, 0, 8);
        rl_proc_result all, fewer;
        rl_err e;
        ck_assert_int_eq(rl_procure_optimise(p, o, n, &all, &e), RL_OK);
        for (int h = 0; h < p->n_cand; h++) {
            /* drop candidate h's options: the cost can only rise, and it
             * equals what `without` reported */
            rl_proc_option sub[8];
            int m = 0;
            for (int i = 0; i < n; i++) if (o[i].cand != h) sub[m++] = o[i];
            ck_assert_int_eq(rl_procure_optimise(p, sub, m, &fewer, &e), RL_OK);
            ck_assert_int_eq(fewer.status == RL_PROC_OPTIMAL,
                             all.status == RL_PROC_OPTIMAL &&
                             all.without[h].status == RL_PROC_OPTIMAL);
            if (fewer.status == RL_PROC_OPTIMAL) {
                ck_assert(fewer.total_cost_usd >= all.total_cost_usd - 1e-6);
                ck_assert(fabs(fewer.total_cost_usd - all.without[h].total_cost_usd) < 1e-6);
            }
            rl_proc_result_free(&fewer);
        }
        rl_proc_result_free(&all);
        rl_plan_free(p);
    }
}
END_TEST

START_TEST(whole_nodes_and_device_link)
{
    /* 5 replicas of 1 device on nodes of 4 buy 2 nodes (8 devices) */
    rl_proc_option o[1] = { mkopt(0, 0, 1, 1.5, 700) };
    rl_plan *p = plan3("min_cost", 0, 0, 8);
    p->demand[1].requests_per_s = 1e-6;
    p->n_demand = 1;
    rl_proc_result r;
    rl_err e;
    ck_assert_int_eq(rl_procure_optimise(p, o, 1, &r, &e), RL_OK);
    ck_assert_int_eq(r.status, RL_PROC_OPTIMAL);
    ck_assert_int_eq(r.replicas[0], 5);                 /* 7 / 1.5 -> 5 */
    ck_assert_int_eq(r.nodes[0], 2);
    ck_assert_int_eq(r.devices[0], 8);
    ck_assert_int_eq(r.used[0], 5);
    ck_assert(r.at_max[0]);
    rl_proc_result_free(&r);
    rl_plan_free(p);
}
END_TEST

/* Threads change the speed, never the options or their order (and the
 * error of a bad pair is the first in pair order). */
START_TEST(options_same_for_any_jobs)
{
    rl_plan *p = NULL;
    rl_err e;
    const char *text =
        "candidates = ( { hardware = \"rtx-4090\"; devices_per_node = 2; },\n"
        "  { hardware = \"l40s\"; devices_per_node = 4; }, { hardware = \"a10\"; } );\n"
        "demand = ( { name = \"a\"; model = \"llama-3.2-1b\"; prompt_tokens = 512;\n"
        "  output_tokens = 128; requests_per_s = 30.0; tpot_ms_p95 = 40.0; },\n"
        "  { name = \"b\"; model = \"llama-3.1-8b\"; prompt_tokens = 1024;\n"
        "  output_tokens = 256; requests_per_s = 5.0; ttft_ms_p95 = 2000.0; } );\n";
    ck_assert_msg(rl_plan_load_string(text, "jobs", cat, &p, &e) == RL_OK, "%s", e.msg);
    rl_proc_option *o1 = NULL, *o3 = NULL;
    int n1 = 0, n3 = 0;
    p->jobs = 1;
    ck_assert_msg(rl_procure_options(p, cat, &o1, &n1, &e) == RL_OK, "%s", e.msg);
    p->jobs = 3;
    ck_assert_msg(rl_procure_options(p, cat, &o3, &n3, &e) == RL_OK, "%s", e.msg);
    ck_assert_int_gt(n1, 4);
    ck_assert_int_eq(n1, n3);
    for (int i = 0; i < n1; i++) {
        ck_assert_int_eq(o1[i].demand, o3[i].demand);
        ck_assert_int_eq(o1[i].cand, o3[i].cand);
        ck_assert_str_eq(o1[i].quant, o3[i].quant);
        ck_assert_int_eq(o1[i].tp, o3[i].tp);
        ck_assert(o1[i].capacity_rps == o3[i].capacity_rps);
    }
    for (int i = 1; i < n1; i++)            /* pair order: demand, then candidate */
        ck_assert(o1[i - 1].demand * 3 + o1[i - 1].cand <= o1[i].demand * 3 + o1[i].cand);
    free(o1);
    free(o3);
    rl_plan_free(p);
}
END_TEST

/* ---- end to end: options from the search ----------------------------------- */

/* The one-replica configuration an option stands for. */
static rl_config option_config(const rl_proc_option *o, const char *model, const char *hw,
                               long prompt, long output)
{
    rl_config c;
    memset(&c, 0, sizeof c);
    c.model = rl_catalog_model(cat, model);
    c.hw = rl_catalog_hw(cat, hw);
    c.rt = rl_catalog_runtime(cat, o->runtime);
    c.quant = rl_catalog_quant(cat, o->quant);
    c.kv = rl_catalog_kvtype(cat, o->kv);
    c.tp = o->tp;
    c.pp = o->pp;
    c.ep = o->ep;
    c.dp_attention = o->dp_attention;
    c.devices = o->tp * o->pp;
    c.replicas = 1;
    c.prompt = prompt;
    c.output = output;
    c.concurrency = 1;
    c.context_cap = o->context_cap;
    c.offload_layers = o->offload_layers;
    c.quiet = 1;
    return c;
}

/* An option's two rates: its peak is the estimator's replica capacity
 * (every request queued at once), and what it is sized by is the highest
 * Poisson rate at which the SLOs still hold with the slot queue -- they
 * hold there and, unless that is the peak, not 1% above. */
static void check_option_rates(const rl_proc_option *o, rl_config *c, const rl_slo *slo,
                               int limit)
{
    int conc;
    rl_serving v;
    double peak = rl_replica_capacity_rps(c, slo, limit, &conc);
    ck_assert_msg(rl_feq(peak, o->peak_rps), "peak %g vs %g", peak, o->peak_rps);
    ck_assert_int_eq(conc, o->concurrency);
    ck_assert_msg(rl_feq(rl_replica_rps_within_slo(c, slo, peak, conc), o->capacity_rps),
                  "capacity %g", o->capacity_rps);
    ck_assert(o->capacity_rps > 0 && o->capacity_rps <= peak);
    ck_assert_int_eq(rl_serving_run_cap(c, o->capacity_rps, peak, conc, NULL, &v), RL_OK);
    ck_assert(!v.saturated);
    ck_assert(slo->ttft_ms_p95 <= 0 || v.ttft_ms.p95 <= slo->ttft_ms_p95);
    ck_assert(slo->tpot_ms_p95 <= 0 || v.tpot_ms.p95 <= slo->tpot_ms_p95);
    if (o->capacity_rps < 0.98 * peak) {
        ck_assert_int_eq(rl_serving_run_cap(c, 1.01 * o->capacity_rps, peak, conc, NULL, &v),
                         RL_OK);
        ck_assert(v.saturated || (slo->ttft_ms_p95 > 0 && v.ttft_ms.p95 > slo->ttft_ms_p95) ||
                  (slo->tpot_ms_p95 > 0 && v.tpot_ms.p95 > slo->tpot_ms_p95));
    }
}

START_TEST(options_use_replica_capacity)
{
    rl_plan *p = NULL;
    rl_err e;
    const char *text =
        "candidates = ( { hardware = \"rtx-4090\"; devices_per_node = 2; } );\n"
        "demand = ( { name = \"chat\"; model = \"llama-3.2-1b\"; prompt_tokens = 512;\n"
        "  output_tokens = 128; requests_per_s = 30.0; tpot_ms_p95 = 40.0;\n"
        "  runtimes = [ \"vllm\" ]; quants = [ \"fp16\" ]; } );\n";
    ck_assert_msg(rl_plan_load_string(text, "e2e", cat, &p, &e) == RL_OK, "%s", e.msg);
    rl_proc_result r;
    ck_assert_msg(rl_procure(p, cat, &r, &e) == RL_OK, "%s", e.msg);
    ck_assert_int_ge(r.n_opt, 1);
    ck_assert_int_eq(r.status, RL_PROC_OPTIMAL);
    double served = 0;
    for (int i = 0; i < r.n_opt; i++) {
        const rl_proc_option *o = &r.opt[i];
        rl_config c = option_config(o, "llama-3.2-1b", "rtx-4090", 512, 128);
        rl_slo slo = { 0, 40.0 };
        check_option_rates(o, &c, &slo, 256);
        ck_assert(o->power_w > 0);
        served += r.replicas[i] * o->capacity_rps;
    }
    ck_assert(served >= 30.0 - 1e-9);
    rl_proc_result_free(&r);
    rl_plan_free(p);
}
END_TEST

/* A MoE demand on a runtime with expert parallelism: the search's (tp,
 * ep, dp_attention) triples reach the options, each option's capacity is
 * that of its own layout (so ep and dp_attention are not dropped on the
 * way), and an EP layout is among them. */
START_TEST(moe_options_carry_ep)
{
    rl_plan *p = NULL;
    rl_err e;
    const char *text =
        "candidates = ( { hardware = \"h200\"; devices_per_node = 8; } );\n"
        "demand = ( { name = \"moe\"; model = \"qwen3-30b-a3b\"; prompt_tokens = 1000;\n"
        "  output_tokens = 200; requests_per_s = 20.0; tpot_ms_p95 = 50.0;\n"
        "  runtimes = [ \"sglang\" ]; quants = [ \"fp8\" ]; } );\n";
    ck_assert_msg(rl_plan_load_string(text, "moe", cat, &p, &e) == RL_OK, "%s", e.msg);
    rl_proc_option *o = NULL;
    int n = 0, with_ep = 0;
    ck_assert_msg(rl_procure_options(p, cat, &o, &n, &e) == RL_OK, "%s", e.msg);
    ck_assert_int_ge(n, 1);
    for (int i = 0; i < n; i++) {
        rl_config c = option_config(&o[i], "qwen3-30b-a3b", "h200", 1000, 200);
        ck_assert_int_ge(o[i].ep, 1);
        ck_assert_int_eq(o[i].tp % o[i].ep, 0);
        rl_slo slo = { 0, 50.0 };
        check_option_rates(&o[i], &c, &slo, RL_SCN_CONC_MAX);
        with_ep += o[i].ep > 1;
    }
    ck_assert_msg(with_ep > 0, "no expert-parallel option among %d", n);
    free(o);
    rl_plan_free(p);
}
END_TEST

/* ---- the loader --------------------------------------------------------- */

static void load_fails(const char *text, int line, const char *needle)
{
    rl_plan *p = NULL;
    rl_err e;
    rl_err_clear(&e);
    ck_assert_int_eq(rl_plan_load_string(text, "bad.cfg", cat, &p, &e), RL_EINPUT);
    ck_assert_ptr_null(p);
    ck_assert_msg(strstr(e.msg, needle) != NULL, "'%s' lacks '%s'", e.msg, needle);
    ck_assert_int_eq(e.line, line);
    ck_assert_str_eq(e.file, "bad.cfg");
}

START_TEST(loader_errors)
{
    const char *tail = "demand = ( { name = \"a\"; model = \"llama-3.1-8b\"; requests_per_s = 1.0; } );\n";
    char t[1024];
    snprintf(t, sizeof t, "budgt_usd = 1.0;\ncandidates = ( { hardware = \"l40s\"; } );\n%s", tail);
    load_fails(t, 1, "did you mean 'budget_usd'");
    snprintf(t, sizeof t, "candidates = (\n { hardware = \"l40z\"; } );\n%s", tail);
    load_fails(t, 2, "unknown hardware 'l40z'");
    snprintf(t, sizeof t, "objective = \"max_headroom\";\ncandidates = (\n { hardware = \"l40s\"; } );\n%s", tail);
    load_fails(t, 3, "headroom is unbounded");
    load_fails("candidates = ( { hardware = \"l40s\"; } );\ndemand = (\n { name = \"a\"; model = \"llama-3.1-8b\"; } );\n",
               3, "missing requests_per_s");
    snprintf(t, sizeof t, "candidates = ( { hardware = \"l40s\"; devices_per_node = 4; max_count = 2; } );\n%s", tail);
    load_fails(t, 1, "less than one node");
    snprintf(t, sizeof t, "candidates = ( { hardware = \"l40s\"; } );\ndemand = ( { name = \"a\"; model = \"llama-3.1-8b\";\n"
             " requests_per_s = 1.0; quants = [ \"q9\" ]; } );\n");
    load_fails(t, 3, "unknown");
    load_fails("candidates = ( { hardware = ; } );\n", 1, "");   /* syntax */
}
END_TEST

START_TEST(large_milp_door)
{
    /* 300 integer variables: beyond rl_milp_new, fine for the large door;
     * min sum x s.t. x_i >= i/100 -> sum ceil */
    rl_err e;
    int n = 300, st;
    double obj, *x = calloc((size_t)n, sizeof *x);
    ck_assert_ptr_null(rl_milp_new(n, &e));
    rl_milp *m = rl_milp_new_large(n, n, &e);
    ck_assert_ptr_nonnull(m);
    double want = 0;
    for (int i = 0; i < n; i++) {
        int idx = i;
        double one = 1;
        ck_assert_int_eq(rl_milp_var(m, i, 0, HUGE_VAL, 1, 1, &e), RL_OK);
        ck_assert_int_eq(rl_milp_row(m, "lo", RL_ROW_GE, 1, &idx, &one, i / 100.0, &e), RL_OK);
        want += ceil(i / 100.0);
    }
    rl_milp_sol small;
    ck_assert_int_eq(rl_milp_solve(m, 1000, &small, &e), RL_EINPUT);
    ck_assert_int_eq(rl_milp_solve_x(m, 5000, &st, &obj, x, &e), RL_OK);
    ck_assert_int_eq(st, RL_MILP_OPTIMAL);
    ck_assert(rl_feq(obj, want));
    rl_milp_free(m);
    free(x);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("procure");
    TCase *tc = tcase_create("core");
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, milp_matches_brute_force);
    tcase_add_test(tc, budget_shortfall_is_measured);
    tcase_add_test(tc, power_and_max_count_blocks_named);
    tcase_add_test(tc, unserved_demand_named);
    tcase_add_test(tc, larger_budget_never_raises_cost);
    tcase_add_test(tc, more_candidates_never_raise_cost);
    tcase_add_test(tc, whole_nodes_and_device_link);
    tcase_add_test(tc, options_use_replica_capacity);
    tcase_add_test(tc, moe_options_carry_ep);
    tcase_add_test(tc, options_same_for_any_jobs);
    tcase_add_test(tc, loader_errors);
    tcase_add_test(tc, large_milp_door);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return rl_test_run(suite()); }
