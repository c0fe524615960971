/*
 * obj_throughput.c -- maximise aggregate tokens per second: offline
 * output tok/s with the prompts' prefill included, over all concurrent
 * sequences of every replica (prefill tok/s for prefill-only loads).
 *
 * At a request rate (e->serving filled) every candidate that keeps up
 * serves the same tok/s, so the value is the most it could serve: its
 * capacity (req/s, all replicas) x output tokens -- ranking by headroom,
 * capacity / rate, the burst and growth a deployment absorbs before its
 * queue runs away (README "Solving scenarios", at a request rate).
 */
#include "objective.h"

#include <stdio.h>

static double value(const rl_obj_ctx *ctx, const rl_config *c, const rl_estimate *e)
{
    double cap = rl_obj_capacity_tok_s(ctx, c, e);
    return cap > 0 ? cap : rl_obj_throughput(ctx, e);
}

static void explain(const rl_obj_ctx *ctx, const rl_config *c, const rl_estimate *e,
                    char *buf, size_t n)
{
    int r = c->replicas > 0 ? c->replicas : 1;
    if (e->serving.rate > 0 && !ctx->prefill_only) {
        const rl_serving *v = &e->serving;
        snprintf(buf, n, "serves %.4g req/s (%.0f tok/s output) and sustains up to %.4g "
                 "req/s (%.0f tok/s): headroom %.2fx over %d replica%s, batch cap %d",
                 v->rate, v->tok_s, v->capacity_rps, value(ctx, c, e),
                 v->capacity_rps / v->rate, r, r == 1 ? "" : "s", c->concurrency);
        return;
    }
    snprintf(buf, n, "%.0f tok/s in total (%s) over %d concurrent sequence%s x %d "
             "replica%s", rl_obj_throughput(ctx, e),
             ctx->prefill_only ? "prefill" : "offline, prefill included", c->concurrency,
             c->concurrency == 1 ? "" : "s", r, r == 1 ? "" : "s");
}

const struct rl_objective_ops rl_obj_throughput_ops = {
    .name = "throughput",
    .describe = "most aggregate tokens per second (at a request rate: most capacity, i.e. headroom)",
    .unit = "tok/s",
    .minimize = 0,
    .value = value,
    .explain = explain,
};
