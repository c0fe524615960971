/*
 * cons_quality.c -- the weight format's published quality cost
 * (quant.cfg quality_loss, %) within requirements.max_quality_loss.
 * Code: "max_quality_loss".  Static: decided by the quant alone.  The
 * default bound (8, scenario.c) keeps every 2-3 bit GGUF type out unless
 * the scenario raises it; formats without a documented cost pass.
 */
#include "constraint.h"

#include <stdio.h>

static int check(const rl_cons_ctx *ctx, const rl_estimate *est, rl_reason *why)
{
    const rl_quant *q = ctx->cfg->quant;
    double b = ctx->lim->max_quality_loss;
    (void)est;
    if (b < 0 || !q || q->quality_loss < 0 || rl_fle(q->quality_loss, b)) return 1;
    why->code = "max_quality_loss";
    snprintf(why->detail, sizeof why->detail,
             "%s costs %.3g%% quality (published perplexity/accuracy loss); "
             "requirements.max_quality_loss is %g", q->id, q->quality_loss, b);
    return 0;
}

static void explain(const rl_cons_ctx *ctx, const rl_estimate *est, char *buf, size_t n)
{
    const rl_quant *q = ctx->cfg->quant;
    (void)est;
    if (q->quality_loss > 0)
        snprintf(buf, n, "%s costs about %.3g%% quality against fp16 (%.120s)", q->id,
                 q->quality_loss, q->quality_source);
}

const struct rl_constraint_ops rl_cons_quality = {
    .name = "max_quality_loss",
    .describe = "the weight format's published quality cost within the bound",
    .stage = RL_CONS_STATIC,
    .axes = RL_AX_QUANT,
    .check = check,
    .explain = explain,
};
