/*
 * cons_thermal.c -- thermal steady state: ambient + power x C/W within
 * the die limit (requirements.max_temp_c, else the hardware's max_c).
 * Code: "thermal".
 */
#include "constraint.h"

#include <stdio.h>

static int check(const rl_cons_ctx *ctx, const rl_estimate *est, rl_reason *why)
{
    double tmax = rl_cons_max_temp(ctx);
    if (tmax <= 0 || est->temp_c <= 0 || rl_fle(est->temp_c, tmax)) return 1;
    why->code = "thermal";
    snprintf(why->detail, sizeof why->detail,
             "steady-state die temperature %.0f C exceeds the %.0f C limit",
             est->temp_c, tmax);
    return 0;
}

static void explain(const rl_cons_ctx *ctx, const rl_estimate *est, char *buf,
                    size_t n)
{
    double tmax = rl_cons_max_temp(ctx);
    if (tmax > 0 && est->temp_c > 0)
        snprintf(buf, n, "steady-state %.0f C of %.0f C allowed", est->temp_c, tmax);
    else if (n) buf[0] = 0;
}

/* Sign-off is stricter than the search: a signed-off part must sustain
 * the workload at the stated ambient WITHOUT thermal throttling, so the
 * quantity is the steady temperature at the clock the power settings
 * allow (before the thermal cap); solve accepts a throttled candidate
 * and prices the slowdown into its latency. */
static int measure(const rl_cons_ctx *ctx, const rl_estimate *est, rl_measure *m)
{
    double tmax = rl_cons_max_temp(ctx);
    if (tmax <= 0 || est->temp_demand_c <= 0) return 0;
    m->value = est->temp_demand_c;
    m->limit = tmax;
    m->unit = "C";
    m->upper = 1;
    m->pass = rl_fle(est->temp_demand_c, tmax);
    if (!m->pass)
        snprintf(m->note, sizeof m->note, "the part throttles: compute clock capped at "
                 "%.0f%% to hold %.0f C", est->clock_frac * 100, tmax);
    return 1;
}

const struct rl_constraint_ops rl_cons_thermal = {
    .name = "thermal",
    .describe = "steady-state die temperature within the limit",
    .stage = RL_CONS_ESTIMATE,
    .axes = ~(unsigned)RL_AX_CAP,    /* performance does not depend on the KV allocation */
    .check = check,
    .explain = explain,
    .measure = measure,
};
