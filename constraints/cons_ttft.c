/*
 * cons_ttft.c -- time-to-first-token SLO: p95 TTFT within
 * requirements.ttft_ms_p95.  Code: "ttft_slo".  TTFT includes queueing
 * behind the other concurrent sequences, so it never improves as
 * concurrency grows (monotone) -- except at a request rate, where the
 * wait for a batch slot shrinks as a larger batch cap raises the capacity
 * (queued).
 */
#include "constraint.h"

#include <stdio.h>

static int check(const rl_cons_ctx *ctx, const rl_estimate *est, rl_reason *why)
{
    double b = ctx->lim->ttft_ms_p95;
    if (b <= 0 || rl_fle(est->ttft_ms.p95, b)) return 1;
    why->code = "ttft_slo";
    snprintf(why->detail, sizeof why->detail,
             "p95 time to first token %.0f ms exceeds the %.0f ms SLO",
             est->ttft_ms.p95, b);
    return 0;
}

static void explain(const rl_cons_ctx *ctx, const rl_estimate *est, char *buf,
                    size_t n)
{
    if (ctx->lim->ttft_ms_p95 > 0)
        snprintf(buf, n, "p95 TTFT %.0f ms within the %.0f ms SLO", est->ttft_ms.p95,
                 ctx->lim->ttft_ms_p95);
    else if (n) buf[0] = 0;
}

static int measure(const rl_cons_ctx *ctx, const rl_estimate *est, rl_measure *m)
{
    rl_reason why;
    if (ctx->lim->ttft_ms_p95 <= 0) return 0;
    m->value = est->ttft_ms.p95;
    m->limit = ctx->lim->ttft_ms_p95;
    m->unit = "ms";
    m->upper = 1;
    m->pass = check(ctx, est, &why);
    return 1;
}

const struct rl_constraint_ops rl_cons_ttft = {
    .name = "ttft_slo",
    .describe = "p95 time to first token within the SLO",
    .stage = RL_CONS_ESTIMATE,
    .axes = ~(unsigned)RL_AX_CAP,    /* performance does not depend on the KV allocation */
    .monotone = RL_AX_CONC,
    .queued = 1,
    .check = check,
    .explain = explain,
    .measure = measure,
};
