/*
 * cons_sram_fit.c -- SRAM fit, for parts with on-chip SRAM in front of
 * DRAM (edge NPUs and SoCs).  A working set that spills out of SRAM is
 * slower (the estimate's sram-spill regime) but still runs; it is
 * rejected only when requirements.sram_resident asks for the working set
 * to stay on chip (deployments whose per-token latency must not depend on
 * DRAM traffic).  Parts whose only memory is SRAM are covered by the
 * device memory rule.  Code: "sram_fit".
 * In the placement MILP it is the SRAM-tier capacity row.
 */
#include "constraint.h"

#include <stdio.h>

static int check(const rl_cons_ctx *ctx, const rl_estimate *est, rl_reason *why)
{
    const rl_mem_tier *s = rl_hw_sram_tier(ctx->cfg->hw);
    if (!s || !ctx->lim->sram_resident || est->regime != RL_REG_SRAM_SPILL) return 1;
    why->code = "sram_fit";
    snprintf(why->detail, sizeof why->detail,
             "the working set (%.2f GiB per device) spills out of %.0f MiB of SRAM; "
             "requirements.sram_resident needs it on chip",
             est->mem.weights + est->mem.kv_cache, s->capacity_gib * 1024.0);
    return 0;
}

static int add_rows(const rl_cons_ctx *ctx, const rl_placement_view *v,
                    const rl_row_sink *sink)
{
    int cls[RL_MAX_CLASSES], tier[RL_MAX_CLASSES];
    (void)ctx;
    if (!v->tier_on[RL_TIER_SRAM]) return 0;
    for (int i = 0; i < v->n_classes; i++) {
        cls[i] = i;
        tier[i] = RL_TIER_SRAM;
    }
    return sink->add_le(sink->self, "sram_fit", v->n_classes, cls, tier, v->gib,
                        v->free_gib[RL_TIER_SRAM]);
}

static void explain(const rl_cons_ctx *ctx, const rl_estimate *est, char *buf,
                    size_t n)
{
    const rl_mem_tier *s = rl_hw_sram_tier(ctx->cfg->hw);
    if (s)
        snprintf(buf, n, "working set %.2f GiB per device vs %.0f MiB of SRAM%s",
                 est->mem.weights + est->mem.kv_cache, s->capacity_gib * 1024.0,
                 est->regime == RL_REG_SRAM_SPILL ? " (spills)" : "");
    else if (n) buf[0] = 0;
}

/* Sign-off: on any part with SRAM, the per-device working set against it
 * (MiB).  A spill fails only with requirements.sram_resident; allowed, it
 * is no limit, so the line is a yes/no one (no value, limit or margin: a
 * PASS with a negative margin would read as a failure) that names both
 * sizes. */
static int measure(const rl_cons_ctx *ctx, const rl_estimate *est, rl_measure *m)
{
    rl_reason why;
    const rl_mem_tier *s = rl_hw_sram_tier(ctx->cfg->hw);
    if (!s || !rl_hw_has_dram(ctx->cfg->hw)) return 0;   /* device memory's case */
    m->value = (est->mem.weights + est->mem.kv_cache) * 1024.0;
    m->limit = s->capacity_gib * 1024.0;
    m->unit = "MiB";
    m->upper = 1;
    m->pass = check(ctx, est, &why);
    if (m->pass && m->value > m->limit) {
        snprintf(m->note, sizeof m->note, "working set %.0f MiB spills beyond %.0f MiB of "
                 "SRAM to DRAM, allowed (sram_resident not required); the latency lines "
                 "include the DRAM traffic", m->value, m->limit);
        m->unit = NULL;
    }
    return 1;
}

const struct rl_constraint_ops rl_cons_sram_fit = {
    .name = "sram_fit",
    .describe = "with requirements.sram_resident, the working set stays in SRAM",
    .stage = RL_CONS_ESTIMATE,
    .axes = ~0u,
    .monotone = 0,
    .check = check,
    .add_rows = add_rows,
    .explain = explain,
    .measure = measure,
};
