/*
 * obj_perf_per_dollar.c -- maximise aggregate tok/s per 1000 USD of the
 * devices used (tp x pp x price_usd).  When the hardware has no price,
 * every device counts as 1000 USD, so the objective degrades to tok/s
 * per device and says so.
 */
#include "objective.h"

#include <stdio.h>

static double cost_k(const rl_config *c)
{
    double p = c->hw->price_usd > 0 ? c->hw->price_usd : 1000.0;
    return c->tp * c->pp * (c->replicas > 0 ? c->replicas : 1) * p / 1000.0;
}

static double value(const rl_obj_ctx *ctx, const rl_config *c, const rl_estimate *e)
{
    return rl_obj_throughput(ctx, e) / cost_k(c);
}

static void explain(const rl_obj_ctx *ctx, const rl_config *c, const rl_estimate *e,
                    char *buf, size_t n)
{
    if (c->hw->price_usd > 0)
        snprintf(buf, n, "%.1f tok/s per 1000 USD (%d x %.0f USD)", value(ctx, c, e),
                 c->tp * c->pp * (c->replicas > 0 ? c->replicas : 1), c->hw->price_usd);
    else
        snprintf(buf, n, "%.1f tok/s per device (%s has no price in the catalog)",
                 value(ctx, c, e), c->hw->id);
}

const struct rl_objective_ops rl_obj_perf_per_dollar_ops = {
    .name = "perf_per_dollar",
    .describe = "most tokens per second per 1000 USD of devices",
    .unit = "tok/s/kUSD",
    .minimize = 0,
    .value = value,
    .explain = explain,
};
