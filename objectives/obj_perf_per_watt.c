/*
 * obj_perf_per_watt.c -- maximise aggregate tok/s per watt of sustained
 * board power (all used devices).
 */
#include "objective.h"

#include <stdio.h>

static double value(const rl_obj_ctx *ctx, const rl_config *c, const rl_estimate *e)
{
    (void)c;
    return e->power_w > 0 ? rl_obj_throughput(ctx, e) / e->power_w : 0;
}

static void explain(const rl_obj_ctx *ctx, const rl_config *c, const rl_estimate *e,
                    char *buf, size_t n)
{
    snprintf(buf, n, "%.2f tok/s per W (%.0f tok/s at %.0f W)", value(ctx, c, e),
             rl_obj_throughput(ctx, e), e->power_w);
}

const struct rl_objective_ops rl_obj_perf_per_watt_ops = {
    .name = "perf_per_watt",
    .describe = "most tokens per second per watt",
    .unit = "tok/s/W",
    .minimize = 0,
    .value = value,
    .explain = explain,
};
