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

const struct rl_constraint_ops rl_cons_thermal = {
    .name = "thermal",
    .describe = "steady-state die temperature within the limit",
    .stage = RL_CONS_ESTIMATE,
    .axes = ~(unsigned)RL_AX_CAP,    /* performance does not depend on the KV allocation */
    .check = check,
    .explain = explain,
};
