/*
 * bench_procure.c -- `make bench`: `procure` on 10 demands x 20 hardware
 * types (GPUs from consumer to B200, nodes of 1..8, max counts, budget
 * and power limits, min_cost): 200 per-pair searches for the options,
 * then the MILP and its explanations (binding limits, the plan without
 * each of the 20 candidates).  The bar: under 1 s in all.
 *
 * Prints the median wall time of several runs and how it splits between
 * building the options and the MILP solves.  Exit status 1 over the bar.
 */
#include "catalog.h"
#include "procure.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const hw[20] = {
    "rtx-3090", "rtx-4060-ti-16g", "rtx-4080", "rtx-4090", "rtx-5090", "a10", "l4",
    "l40s", "a40", "rtx-6000-ada", "a100-40g-pcie", "a100-80g-pcie", "a100-80g-sxm",
    "h100-pcie", "h100-sxm", "h200", "gh200", "b200", "mi300x", "rx-7900-xtx",
};
static const int node[20] = { 1, 1, 1, 1, 1, 4, 8, 4, 4, 4, 4, 4, 8, 4, 8, 8, 1, 8, 8, 1 };

static const struct dem {
    const char *name, *model;
    int prompt, output;
    double rps, ttft, tpot;
} dem[10] = {
    {"chat-8b", "llama-3.1-8b", 1024, 256, 40, 1000, 50},
    {"chat-1b", "llama-3.2-1b", 512, 128, 80, 300, 30},
    {"assist-3b", "llama-3.2-3b", 512, 256, 30, 500, 40},
    {"rag-7b", "qwen2.5-7b", 4096, 256, 10, 2000, 60},
    {"code-14b", "qwen2.5-14b", 2048, 512, 8, 1500, 60},
    {"agent-32b", "qwen2.5-32b", 2048, 512, 4, 2000, 80},
    {"summ-70b", "llama-3.1-70b", 4096, 256, 2, 0, 150},
    {"chat-70b", "llama-3.1-70b", 1024, 256, 3, 2000, 80},
    {"tiny-0.5b", "qwen2.5-0.5b", 256, 64, 100, 200, 20},
    {"qwen-72b", "qwen2.5-72b", 2048, 256, 1, 3000, 100},
};

static double wall_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The plan as libconfig text. */
static void plan_text(char *buf, size_t n)
{
    size_t u = (size_t)snprintf(buf, n, "name = \"bench-10x20\"; objective = \"min_cost\";\n"
                                "budget_usd = 3000000.0; power_w_max = 80000.0;\n"
                                "energy_usd_per_kwh = 0.12; years = 3.0;\ncandidates = (\n");
    for (int i = 0; i < 20; i++)
        u += (size_t)snprintf(buf + u, n - u, " { hardware = \"%s\"; devices_per_node = %d; "
                              "max_count = %d; }%s\n", hw[i], node[i], node[i] * 8,
                              i < 19 ? "," : "");
    u += (size_t)snprintf(buf + u, n - u, ");\ndemand = (\n");
    for (int i = 0; i < 10; i++)
        u += (size_t)snprintf(buf + u, n - u, " { name = \"%s\"; model = \"%s\"; prompt_tokens = "
                              "%d; output_tokens = %d; requests_per_s = %g; ttft_ms_p95 = %g; "
                              "tpot_ms_p95 = %g; }%s\n", dem[i].name, dem[i].model,
                              dem[i].prompt, dem[i].output, dem[i].rps, dem[i].ttft,
                              dem[i].tpot, i < 9 ? "," : "");
    snprintf(buf + u, n - u, ");\n");
}

int main(void)
{
    enum { RUNS = 5 };
    static char text[16384];
    double total[RUNS], opt_ms[RUNS], milp_ms[RUNS];
    rl_err e;
    rl_plan *p = NULL;
    rl_proc_result r;
    rl_catalog *cat = rl_catalog_open(NULL, &e);
    if (!cat) { rl_err_print(&e, stderr); return 2; }
    plan_text(text, sizeof text);
    if (rl_plan_load_string(text, "bench", cat, &p, &e)) { rl_err_print(&e, stderr); return 2; }
    for (int k = 0; k < RUNS; k++) {
        double t0 = wall_ms();
        if (rl_procure(p, cat, &r, &e)) { rl_err_print(&e, stderr); return 3; }
        total[k] = wall_ms() - t0;
        opt_ms[k] = r.options_ms;
        milp_ms[k] = r.milp_ms;
        if (k == RUNS - 1)
            printf("bench_procure: 10 demands x 20 hardware: %s, %d options, %ld MILP "
                   "solves, cost %.0f USD\n", rl_proc_status_name(r.status), r.n_opt,
                   r.milp_solves, r.total_cost_usd);
        rl_proc_result_free(&r);
    }
    qsort(total, RUNS, sizeof *total, cmp_d);
    qsort(opt_ms, RUNS, sizeof *opt_ms, cmp_d);
    qsort(milp_ms, RUNS, sizeof *milp_ms, cmp_d);
    printf("  median %.0f ms (options %.0f ms, MILP + explanations %.0f ms); bar 1000 ms\n",
           total[RUNS / 2], opt_ms[RUNS / 2], milp_ms[RUNS / 2]);
    rl_plan_free(p);
    rl_catalog_free(cat);
    return total[RUNS / 2] < 1000 ? 0 : 1;
}
