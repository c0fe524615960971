/*
 * cons_power.c -- power envelope: sustained board power of all used
 * devices within requirements.power_w_max.  Code: "power".
 */
#include "constraint.h"

#include <stdio.h>

static int check(const rl_cons_ctx *ctx, const rl_estimate *est, rl_reason *why)
{
    double cap = ctx->lim->power_w_max;
    if (cap <= 0 || rl_fle(est->power_w, cap)) return 1;
    why->code = "power";
    snprintf(why->detail, sizeof why->detail,
             "draws %.0f W on %d device(s); the envelope is %.0f W", est->power_w,
             ctx->cfg->tp * ctx->cfg->pp, cap);
    return 0;
}

static void explain(const rl_cons_ctx *ctx, const rl_estimate *est, char *buf,
                    size_t n)
{
    if (ctx->lim->power_w_max > 0)
        snprintf(buf, n, "power %.0f of %.0f W", est->power_w, ctx->lim->power_w_max);
    else
        snprintf(buf, n, "power %.0f W", est->power_w);
}

/* Sign-off: the sustained draw with the clock the envelope leaves (the
 * estimate lowers clocks to stay inside it; the latency lines pay). */
static int measure(const rl_cons_ctx *ctx, const rl_estimate *est, rl_measure *m)
{
    rl_reason why;
    if (ctx->lim->power_w_max <= 0) return 0;
    m->value = est->power_w;
    m->limit = ctx->lim->power_w_max;
    m->unit = "W";
    m->upper = 1;
    m->pass = check(ctx, est, &why);
    if (est->clock_limit == RL_CLOCK_POWER && est->clock_frac < 1)
        snprintf(m->note, sizeof m->note, "held by lowering the compute clock to %.0f%%",
                 est->clock_frac * 100);
    return 1;
}

const struct rl_constraint_ops rl_cons_power = {
    .name = "power",
    .describe = "board power within the envelope",
    .stage = RL_CONS_ESTIMATE,
    .axes = ~(unsigned)RL_AX_CAP,    /* performance does not depend on the KV allocation */
    .check = check,
    .explain = explain,
    .measure = measure,
};
