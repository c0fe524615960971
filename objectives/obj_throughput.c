/*
 * obj_throughput.c -- maximise aggregate tokens per second: decode tok/s
 * over all concurrent sequences (prefill tok/s for prefill-only loads).
 */
#include "objective.h"

#include <stdio.h>

static double value(const rl_obj_ctx *ctx, const rl_config *c, const rl_estimate *e)
{
    (void)c;
    return rl_obj_throughput(ctx, e);
}

static void explain(const rl_obj_ctx *ctx, const rl_config *c, const rl_estimate *e,
                    char *buf, size_t n)
{
    snprintf(buf, n, "%.0f tok/s in total over %d concurrent sequence%s",
             rl_obj_throughput(ctx, e), c->concurrency, c->concurrency == 1 ? "" : "s");
}

const struct rl_objective_ops rl_obj_throughput_ops = {
    .name = "throughput",
    .describe = "most aggregate tokens per second",
    .unit = "tok/s",
    .minimize = 0,
    .value = value,
    .explain = explain,
};
