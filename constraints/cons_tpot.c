/*
 * cons_tpot.c -- time-per-output-token SLO: p95 TPOT within
 * requirements.tpot_ms_p95 (for deterministic deployments this is the
 * worst-case per-token bound).  Code: "tpot_slo".  A bigger decode batch
 * never makes a step faster (monotone in concurrency).
 */
#include "constraint.h"

#include <stdio.h>

static int check(const rl_cons_ctx *ctx, const rl_estimate *est, rl_reason *why)
{
    double b = ctx->lim->tpot_ms_p95;
    if (b <= 0 || ctx->lim->prefill_only || rl_fle(est->tpot_ms.p95, b)) return 1;
    why->code = "tpot_slo";
    snprintf(why->detail, sizeof why->detail,
             "p95 time per output token %.1f ms exceeds the %.1f ms SLO",
             est->tpot_ms.p95, b);
    return 0;
}

static void explain(const rl_cons_ctx *ctx, const rl_estimate *est, char *buf,
                    size_t n)
{
    if (ctx->lim->tpot_ms_p95 > 0 && !ctx->lim->prefill_only)
        snprintf(buf, n, "p95 TPOT %.1f ms within the %.1f ms SLO", est->tpot_ms.p95,
                 ctx->lim->tpot_ms_p95);
    else if (n) buf[0] = 0;
}

/* Sign-off: the p95 step of the estimate it is given (signoff passes the
 * estimate of the last token at the full guaranteed context). */
static int measure(const rl_cons_ctx *ctx, const rl_estimate *est, rl_measure *m)
{
    rl_reason why;
    if (ctx->lim->tpot_ms_p95 <= 0 || ctx->lim->prefill_only) return 0;
    m->value = est->tpot_ms.p95;
    m->limit = ctx->lim->tpot_ms_p95;
    m->unit = "ms";
    m->upper = 1;
    m->pass = check(ctx, est, &why);
    return 1;
}

const struct rl_constraint_ops rl_cons_tpot = {
    .name = "tpot_slo",
    .describe = "p95 time per output token within the SLO",
    .stage = RL_CONS_ESTIMATE,
    .axes = ~(unsigned)RL_AX_CAP,    /* performance does not depend on the KV allocation */
    .monotone = RL_AX_CONC,
    .check = check,
    .explain = explain,
    .measure = measure,
};
