/*
 * cons_min_total.c -- minimum aggregate throughput: p50 decode tok/s
 * over all concurrent sequences of every replica (prefill tok/s for
 * prefill-only workloads) at least requirements.min_total_tok_s.
 * Code: "min_total_tok_s".  Not monotone: more concurrency helps.
 */
#include "constraint.h"

#include <stdio.h>

static int check(const rl_cons_ctx *ctx, const rl_estimate *est, rl_reason *why)
{
    double b = ctx->lim->min_total_tok_s;
    double got = ctx->lim->prefill_only ? est->prefill_tok_s.p50
                                        : est->decode_tok_s_total.p50;
    got *= est->replicas > 0 ? est->replicas : 1;
    if (b <= 0 || rl_fle(b, got)) return 1;
    why->code = "min_total_tok_s";
    snprintf(why->detail, sizeof why->detail,
             "delivers %.0f tok/s in total; at least %.0f required", got, b);
    return 0;
}

static int measure(const rl_cons_ctx *ctx, const rl_estimate *est, rl_measure *m)
{
    rl_reason why;
    if (ctx->lim->min_total_tok_s <= 0) return 0;
    m->value = ctx->lim->prefill_only ? est->prefill_tok_s.p50 : est->decode_tok_s_total.p50;
    m->limit = ctx->lim->min_total_tok_s;
    m->unit = "tok/s";
    m->upper = 0;
    m->pass = check(ctx, est, &why);
    return 1;
}

const struct rl_constraint_ops rl_cons_min_total = {
    .name = "min_total_tok_s",
    .describe = "aggregate throughput at least the floor",
    .stage = RL_CONS_ESTIMATE,
    .axes = ~(unsigned)RL_AX_CAP,    /* performance does not depend on the KV allocation */
    .check = check,
    .measure = measure,
};
