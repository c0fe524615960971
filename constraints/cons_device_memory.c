/*
 * cons_device_memory.c -- device memory: the most loaded device's peak
 * (weights + KV + activations + runtime overhead) within its usable
 * capacity.  Code: "device_memory".  In the placement MILP it is the
 * device-tier capacity row.
 */
#include "constraint.h"

#include <stdio.h>

/* Usable capacity less the requirement's margin (memory_margin_pct). */
static double limit_gib(const rl_cons_ctx *ctx, const rl_memory *m)
{
    return m->device_capacity * (1.0 - ctx->lim->memory_margin_pct / 100.0);
}

static int check(const rl_cons_ctx *ctx, const rl_estimate *est, rl_reason *why)
{
    const rl_config *c = ctx->cfg;
    const rl_memory *m = &est->mem;
    int used = c->tp * c->pp;
    char held[40];
    double ram = c->hw->host_ram_gib;
    int host_short = ram > 0 && !rl_fle(m->host_peak, ram);   /* host_memory's case */
    if (rl_fle(m->device_peak, limit_gib(ctx, m)) &&
        (est->feasibility != RL_INSUFFICIENT_MEMORY || host_short))
        return 1;
    why->code = "device_memory";
    double w = rl_cons_weights_gib(c);
    double all = m->device_capacity * used;
    rl_cons_devices_phrase(used, held, sizeof held);
    if (c->offload_layers == 0 && w > all)
        snprintf(why->detail, sizeof why->detail,
                 "%s needs %.0f GiB of weights; %s %.0f GiB", c->quant->id, w,
                 held, all);
    else
        snprintf(why->detail, sizeof why->detail,
                 "needs %.1f GiB per device (weights %.1f, KV %.1f, activations "
                 "%.1f, overhead %.1f); a device holds %.1f GiB%s",
                 m->device_peak, m->weights, m->kv_cache, m->activations,
                 m->runtime_overhead, limit_gib(ctx, m),
                 ctx->lim->memory_margin_pct > 0 ? " after the margin" : "");
    return 0;
}

static int add_rows(const rl_cons_ctx *ctx, const rl_placement_view *v,
                    const rl_row_sink *sink)
{
    int cls[RL_MAX_CLASSES], tier[RL_MAX_CLASSES];
    (void)ctx;
    for (int i = 0; i < v->n_classes; i++) {
        cls[i] = i;
        tier[i] = RL_TIER_DEVICE;
    }
    return sink->add_le(sink->self, "device_memory", v->n_classes, cls, tier,
                        v->gib, v->free_gib[RL_TIER_DEVICE]);
}

static void explain(const rl_cons_ctx *ctx, const rl_estimate *est, char *buf,
                    size_t n)
{
    const rl_memory *m = &est->mem;
    (void)ctx;
    snprintf(buf, n, "device memory %.1f of %.1f GiB per device (%.0f%%)",
             m->device_peak, m->device_capacity,
             m->device_capacity > 0 ? 100.0 * m->device_peak / m->device_capacity : 0);
}

static int measure(const rl_cons_ctx *ctx, const rl_estimate *est, rl_measure *m)
{
    rl_reason why;
    m->value = est->mem.device_peak;
    m->limit = limit_gib(ctx, &est->mem);
    m->unit = "GiB";
    m->upper = 1;
    m->pass = check(ctx, est, &why);
    if (!m->pass && !rl_hw_has_dram(ctx->cfg->hw))
        snprintf(m->note, sizeof m->note, "%s has no DRAM: the weights (%.3g GiB) must fit "
                 "its %.0f MiB of on-chip memory", ctx->cfg->hw->id,
                 rl_cons_weights_gib(ctx->cfg), rl_hw_main_tier(ctx->cfg->hw)->capacity_gib * 1024);
    else if (!m->pass) snprintf(m->note, sizeof m->note, "%s", why.detail);
    else if (ctx->lim->memory_margin_pct > 0)
        snprintf(m->note, sizeof m->note, "%.3g GiB usable less the %.0f%% margin",
                 est->mem.device_capacity, ctx->lim->memory_margin_pct);
    return 1;
}

const struct rl_constraint_ops rl_cons_device_memory = {
    .name = "device_memory",
    .describe = "weights + KV + activations + overhead fit each device",
    .stage = RL_CONS_ESTIMATE,
    .axes = RL_AX_RUNTIME | RL_AX_QUANT | RL_AX_KV | RL_AX_TP | RL_AX_PP |
            RL_AX_WINDOW | RL_AX_OFFLOAD | RL_AX_CONC | RL_AX_CAP,
    .monotone = RL_AX_CONC | RL_AX_CAP,
    .check = check,
    .add_rows = add_rows,
    .explain = explain,
    .measure = measure,
};
