/*
 * cons_min_decode.c -- minimum per-sequence decode speed: p50 decode
 * tok/s of one sequence at least requirements.min_decode_tok_s.
 * Code: "min_decode_tok_s".  Per-sequence speed only falls as the batch
 * grows (monotone in concurrency).
 */
#include "constraint.h"

#include <stdio.h>

static int check(const rl_cons_ctx *ctx, const rl_estimate *est, rl_reason *why)
{
    double b = ctx->lim->min_decode_tok_s;
    if (b <= 0 || ctx->lim->prefill_only || rl_fle(b, est->decode_tok_s.p50)) return 1;
    why->code = "min_decode_tok_s";
    snprintf(why->detail, sizeof why->detail,
             "decodes %.1f tok/s per sequence; at least %.1f required",
             est->decode_tok_s.p50, b);
    return 0;
}

static int measure(const rl_cons_ctx *ctx, const rl_estimate *est, rl_measure *m)
{
    rl_reason why;
    if (ctx->lim->min_decode_tok_s <= 0 || ctx->lim->prefill_only) return 0;
    m->value = est->decode_tok_s.p50;
    m->limit = ctx->lim->min_decode_tok_s;
    m->unit = "tok/s";
    m->upper = 0;
    m->pass = check(ctx, est, &why);
    return 1;
}

const struct rl_constraint_ops rl_cons_min_decode = {
    .name = "min_decode_tok_s",
    .describe = "per-sequence decode speed at least the floor",
    .stage = RL_CONS_ESTIMATE,
    .axes = ~(unsigned)RL_AX_CAP,    /* performance does not depend on the KV allocation */
    .monotone = RL_AX_CONC,
    .check = check,
    .measure = measure,
};
