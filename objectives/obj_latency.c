/*
 * obj_latency.c -- minimise the p50 latency of one request: prefill plus
 * all its decode steps at the configured concurrency (TTFT alone for
 * prefill-only loads).
 */
#include "objective.h"

#include <stdio.h>

static double value(const rl_obj_ctx *ctx, const rl_config *c, const rl_estimate *e)
{
    (void)c;
    return rl_obj_latency_ms(ctx, e);
}

static void explain(const rl_obj_ctx *ctx, const rl_config *c, const rl_estimate *e,
                    char *buf, size_t n)
{
    (void)c;
    snprintf(buf, n, "a request completes in %.0f ms (p50; TTFT %.0f ms)",
             rl_obj_latency_ms(ctx, e), e->ttft_ms.p50);
}

const struct rl_objective_ops rl_obj_latency_ops = {
    .name = "latency",
    .describe = "lowest p50 end-to-end request latency",
    .unit = "ms",
    .minimize = 1,
    .value = value,
    .explain = explain,
};
