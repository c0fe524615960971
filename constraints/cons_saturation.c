/*
 * cons_saturation.c -- a scenario with workload.request_rate: the
 * replicas must sustain the rate.  Code: "saturated".  The solver serves
 * each candidate at the rate (rl_serving_run, est->serving); capacity is
 * the best offline request rate over batches up to the candidate's batch
 * cap (its concurrency, launched as --max-num-seqs), all replicas.  At or
 * above it the queue grows without bound and no latency holds.
 *
 * Monotone in the context cap: a larger KV allocation per sequence fits
 * fewer sequences, so the best batch and the capacity never grow.  Not in
 * the batch cap (a larger cap only adds batches to choose from).
 * Without a rate, or where the caller did not serve the candidate
 * (est->serving.rate 0: signoff), the rule does not apply.
 */
#include "constraint.h"

#include <stdio.h>

static int applies(const rl_cons_ctx *ctx, const rl_estimate *est)
{
    return ctx->lim->request_rate > 0 && est && est->serving.rate > 0;
}

static int check(const rl_cons_ctx *ctx, const rl_estimate *est, rl_reason *why)
{
    const rl_serving *v;
    char cap[32], rate[32];
    if (!applies(ctx, est)) return 1;
    v = &est->serving;
    if (!v->saturated) return 1;
    why->code = "saturated";
    snprintf(why->detail, sizeof why->detail,
             "capacity %s req/s < %s req/s (%d replica%s, best batch %d "
             "of max_num_seqs %d)", rl_fmt_num(cap, sizeof cap, v->capacity_rps, 3),
             rl_fmt_num(rate, sizeof rate, v->rate, 3), est->replicas,
             est->replicas == 1 ? "" : "s", v->capacity_conc, ctx->cfg->max_num_seqs > 0
             ? ctx->cfg->max_num_seqs : ctx->cfg->concurrency);
    return 0;
}

static void explain(const rl_cons_ctx *ctx, const rl_estimate *est, char *buf, size_t n)
{
    const rl_serving *v = &est->serving;
    if (!applies(ctx, est)) {
        if (n) buf[0] = 0;
        return;
    }
    snprintf(buf, n, "serves %.3g req/s with capacity %.3g req/s (headroom %.2fx, %.0f%% "
             "used); %.3g sequences in flight per replica", v->rate, v->capacity_rps,
             v->rate > 0 ? v->capacity_rps / v->rate : 0, v->utilisation * 100, v->in_flight);
}

static int measure(const rl_cons_ctx *ctx, const rl_estimate *est, rl_measure *m)
{
    rl_reason why;
    if (!applies(ctx, est)) return 0;
    m->value = est->serving.rate;
    m->limit = est->serving.capacity_rps;
    m->unit = "req/s";
    m->upper = 1;
    m->pass = check(ctx, est, &why);
    return 1;
}

const struct rl_constraint_ops rl_cons_saturation = {
    .name = "saturated",
    .describe = "with workload.request_rate: the replicas' capacity exceeds the rate",
    .stage = RL_CONS_ESTIMATE,
    .axes = ~0u,
    .monotone = RL_AX_CAP,
    .check = check,
    .explain = explain,
    .measure = measure,
};
