/*
 * obj_throughput.c -- maximise aggregate tokens per second: offline
 * output tok/s with the prompts' prefill included, over all concurrent
 * sequences of every replica (prefill tok/s for prefill-only loads).
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
    int r = c->replicas > 0 ? c->replicas : 1;
    snprintf(buf, n, "%.0f tok/s in total (%s) over %d concurrent sequence%s x %d "
             "replica%s", rl_obj_throughput(ctx, e),
             ctx->prefill_only ? "prefill" : "offline, prefill included", c->concurrency,
             c->concurrency == 1 ? "" : "s", r, r == 1 ? "" : "s");
}

const struct rl_objective_ops rl_obj_throughput_ops = {
    .name = "throughput",
    .describe = "most aggregate tokens per second",
    .unit = "tok/s",
    .minimize = 0,
    .value = value,
    .explain = explain,
};
