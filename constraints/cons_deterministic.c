/*
 * cons_deterministic.c -- deterministic (edge sign-off) mode: fixed
 * shapes, no KV paging, KV preallocated for the fixed window, nothing on
 * the host link.  Only active when requirements.deterministic is set; the
 * worst-case per-token bound is the TPOT rule's p95 check.
 * Code: "deterministic".
 */
#include "constraint.h"

#include <stdio.h>

static int check(const rl_cons_ctx *ctx, const rl_estimate *est, rl_reason *why)
{
    const rl_config *c = ctx->cfg;
    (void)est;
    if (!ctx->lim->deterministic) return 1;
    why->code = "deterministic";
    if (!c->rt->deterministic_ok) {
        snprintf(why->detail, sizeof why->detail,
                 "%s cannot run fixed-shape without KV paging", c->rt->id);
        return 0;
    }
    if (ctx->offload_mode != RL_CO_NONE) {
        snprintf(why->detail, sizeof why->detail,
                 "offloaded layers make per-token latency depend on the host link");
        return 0;
    }
    return 1;
}

static void explain(const rl_cons_ctx *ctx, const rl_estimate *est, char *buf,
                    size_t n)
{
    (void)est;
    if (ctx->lim->deterministic)
        snprintf(buf, n, "deterministic: KV preallocated for %ld tokens, no paging",
                 ctx->cfg->context_cap);
    else if (n) buf[0] = 0;
}

/* Sign-off: 1 when the deployment runs fixed-shape, against 1 required. */
static int measure(const rl_cons_ctx *ctx, const rl_estimate *est, rl_measure *m)
{
    rl_reason why;
    if (!ctx->lim->deterministic) return 0;
    m->pass = check(ctx, est, &why);
    m->value = m->pass;
    m->limit = 1;
    m->unit = "";
    m->upper = 0;
    snprintf(m->note, sizeof m->note, "%s", m->pass ? "fixed shapes, KV preallocated, "
             "no paging, no host link" : why.detail);
    return 1;
}

const struct rl_constraint_ops rl_cons_deterministic = {
    .name = "deterministic",
    .describe = "fixed shapes, no paging, KV preallocated, no offload",
    .stage = RL_CONS_STATIC,
    .axes = RL_AX_RUNTIME | RL_AX_OFFLOAD,
    .check = check,
    .explain = explain,
    .measure = measure,
};
