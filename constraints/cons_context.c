/*
 * cons_context.c -- context requirement: the model must support the
 * tokens each sequence needs, and the configured context cap must hold
 * them.  Codes: "model_context" (beyond the model's max positions),
 * "context" (cap below the requirement).
 */
#include "constraint.h"

#include <stdio.h>

static int check(const rl_cons_ctx *ctx, const rl_estimate *est, rl_reason *why)
{
    const rl_config *c = ctx->cfg;
    long need = ctx->lim->context_tokens;
    (void)est;
    if (c->model && c->model->max_context > 0 && need > c->model->max_context) {
        why->code = "model_context";
        snprintf(why->detail, sizeof why->detail,
                 "%s supports %ld tokens of context, the workload needs %ld",
                 c->model->id, c->model->max_context, need);
        return 0;
    }
    if (c->context_cap > 0 && c->context_cap < need) {
        why->code = "context";
        snprintf(why->detail, sizeof why->detail,
                 "a context cap of %ld tokens cannot hold the required %ld",
                 c->context_cap, need);
        return 0;
    }
    return 1;
}

static void explain(const rl_cons_ctx *ctx, const rl_estimate *est, char *buf,
                    size_t n)
{
    (void)est;
    snprintf(buf, n, "KV is allocated for %ld tokens per sequence (%ld needed)",
             ctx->cfg->context_cap, ctx->lim->context_tokens);
}

static int measure(const rl_cons_ctx *ctx, const rl_estimate *est, rl_measure *m)
{
    rl_reason why;
    long held = ctx->cfg->context_cap > 0 ? ctx->cfg->context_cap
                                          : ctx->cfg->prompt + ctx->cfg->output;
    if (ctx->cfg->model && ctx->cfg->model->kind == RL_ENCODER) return 0;
    m->value = (double)held;
    m->limit = (double)ctx->lim->context_tokens;
    m->unit = "tokens";
    m->upper = 0;
    m->pass = check(ctx, est, &why);
    if (!m->pass) snprintf(m->note, sizeof m->note, "%s", why.detail);
    return 1;
}

const struct rl_constraint_ops rl_cons_context = {
    .name = "context",
    .describe = "the context cap holds the required tokens per sequence",
    .stage = RL_CONS_STATIC,
    .axes = RL_AX_CAP,
    .check = check,
    .explain = explain,
    .measure = measure,
};
