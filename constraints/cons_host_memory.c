/*
 * cons_host_memory.c -- host memory: offloaded layers, their KV and the
 * staging buffers within the system's RAM.  Code: "host_memory".  In the
 * placement MILP it is the host-tier capacity row.
 */
#include "constraint.h"

#include <stdio.h>

static int check(const rl_cons_ctx *ctx, const rl_estimate *est, rl_reason *why)
{
    double ram = ctx->cfg->hw->host_ram_gib;
    if (est->mem.host_peak <= 0 || ram <= 0 || rl_fle(est->mem.host_peak, ram))
        return 1;
    why->code = "host_memory";
    snprintf(why->detail, sizeof why->detail,
             "%d offloaded layers need %.1f GiB of host RAM; the system has %.0f GiB",
             ctx->cfg->offload_layers, est->mem.host_peak, ram);
    return 0;
}

static int add_rows(const rl_cons_ctx *ctx, const rl_placement_view *v,
                    const rl_row_sink *sink)
{
    int cls[RL_MAX_CLASSES], tier[RL_MAX_CLASSES];
    (void)ctx;
    if (!v->tier_on[RL_TIER_HOST]) return 0;
    for (int i = 0; i < v->n_classes; i++) {
        cls[i] = i;
        tier[i] = RL_TIER_HOST;
    }
    return sink->add_le(sink->self, "host_memory", v->n_classes, cls, tier,
                        v->gib, v->free_gib[RL_TIER_HOST]);
}

static void explain(const rl_cons_ctx *ctx, const rl_estimate *est, char *buf,
                    size_t n)
{
    if (est->mem.host_peak > 0)
        snprintf(buf, n, "host RAM %.1f of %.0f GiB (%d offloaded layers)",
                 est->mem.host_peak, ctx->cfg->hw->host_ram_gib,
                 ctx->cfg->offload_layers);
    else if (n) buf[0] = 0;
}

static int measure(const rl_cons_ctx *ctx, const rl_estimate *est, rl_measure *m)
{
    rl_reason why;
    if (ctx->cfg->offload_layers <= 0 || ctx->cfg->hw->host_ram_gib <= 0) return 0;
    m->value = est->mem.host_peak;
    m->limit = ctx->cfg->hw->host_ram_gib;
    m->unit = "GiB";
    m->upper = 1;
    m->pass = check(ctx, est, &why);
    return 1;
}

const struct rl_constraint_ops rl_cons_host_memory = {
    .name = "host_memory",
    .describe = "offloaded layers and staging buffers fit host RAM",
    .stage = RL_CONS_ESTIMATE,
    .axes = ~0u,
    .monotone = RL_AX_CONC | RL_AX_CAP,
    .check = check,
    .add_rows = add_rows,
    .explain = explain,
    .measure = measure,
};
