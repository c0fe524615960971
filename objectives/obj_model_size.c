/*
 * obj_model_size.c -- the largest model/precision that fits: maximise the
 * bytes of weights deployed (parameters x bits per weight).  With one
 * model this prefers the highest-precision format that survives; ties
 * go to throughput through the common tie-break.
 */
#include "objective.h"

#include <stdio.h>

static double value(const rl_obj_ctx *ctx, const rl_config *c, const rl_estimate *e)
{
    (void)ctx;
    (void)e;
    if (c->weight_bytes > 0) return c->weight_bytes / (1024.0 * 1024.0 * 1024.0);
    rl_params p;
    rl_arch_params(c->model, &p);
    return p.total * c->quant->bits_per_weight / 8.0 / (1024.0 * 1024.0 * 1024.0);
}

static void explain(const rl_obj_ctx *ctx, const rl_config *c, const rl_estimate *e,
                    char *buf, size_t n)
{
    snprintf(buf, n, "deploys %.1f GiB of %s weights (%.2f bits per weight)",
             value(ctx, c, e), c->quant->id, c->quant->bits_per_weight);
}

const struct rl_objective_ops rl_obj_model_size_ops = {
    .name = "model_size",
    .describe = "largest model / highest precision that fits",
    .unit = "GiB",
    .minimize = 0,
    .value = value,
    .explain = explain,
};
