/*
 * cons_offload.c -- offload support: keeping layers in host RAM needs a
 * runtime that can (llama.cpp -ngl) and hardware with host RAM.
 * Code: "runtime_offload".
 */
#include "constraint.h"

#include <stdio.h>

static int check(const rl_cons_ctx *ctx, const rl_estimate *est, rl_reason *why)
{
    const rl_config *c = ctx->cfg;
    (void)est;
    if (ctx->offload_mode == RL_CO_NONE) return 1;
    if (!c->rt->offload) {
        why->code = "runtime_offload";
        snprintf(why->detail, sizeof why->detail,
                 "%s cannot keep layers in host RAM", c->rt->id);
        return 0;
    }
    if (c->hw->host_ram_gib <= 0) {
        why->code = "runtime_offload";
        snprintf(why->detail, sizeof why->detail,
                 "%s has no host RAM to offload to", c->hw->id);
        return 0;
    }
    return 1;
}

const struct rl_constraint_ops rl_cons_offload = {
    .name = "offload",
    .describe = "the runtime and system can keep layers in host RAM",
    .stage = RL_CONS_STATIC,
    .axes = RL_AX_RUNTIME | RL_AX_OFFLOAD,
    .check = check,
};
