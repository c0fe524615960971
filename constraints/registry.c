/*
 * registry.c -- the ordered list of feasibility rules, and helpers the
 * rules share.
 *
 * Order matters twice: the solver evaluates rules in this order and
 * counts a rejected candidate under the FIRST rule it fails (so
 * `rejected` sums to candidates - feasible), and cheap static rules
 * placed first prune whole subtrees before any estimate is run.
 */
#include "constraint.h"

#include <stdio.h>
#include <string.h>

extern const struct rl_constraint_ops rl_cons_context, rl_cons_compat,
    rl_cons_offload, rl_cons_deterministic, rl_cons_device_memory,
    rl_cons_host_memory, rl_cons_sram_fit, rl_cons_thermal, rl_cons_power,
    rl_cons_ttft, rl_cons_tpot, rl_cons_min_decode, rl_cons_min_total, rl_cons_quality,
    rl_cons_saturation;

const struct rl_constraint_ops *const rl_constraints[] = {
    /* static: decided from the configuration, no estimate */
    &rl_cons_context,           /* required context vs model and cap */
    &rl_cons_compat,            /* TP/PP splits, runtime and hw support */
    &rl_cons_offload,           /* runtime can keep layers in host RAM */
    &rl_cons_deterministic,     /* fixed-shape deployments */
    &rl_cons_quality,           /* the format's published quality cost */
    /* on the estimate: capacities first (they explain most rejections,
     * and an over-capacity estimate makes its latencies meaningless) */
    &rl_cons_device_memory,
    &rl_cons_host_memory,
    &rl_cons_sram_fit,
    &rl_cons_thermal,
    &rl_cons_power,
    /* service levels; at a request rate the replicas must keep up first
     * (a saturated queue makes every latency a floor) */
    &rl_cons_saturation,
    &rl_cons_ttft,
    &rl_cons_tpot,
    &rl_cons_min_decode,
    &rl_cons_min_total,
    NULL
};

int rl_constraint_count(void)
{
    int n = 0;
    while (rl_constraints[n]) n++;
    return n;
}

const struct rl_constraint_ops *rl_constraint_find(const char *name)
{
    for (int i = 0; name && rl_constraints[i]; i++)
        if (strcmp(rl_constraints[i]->name, name) == 0) return rl_constraints[i];
    return NULL;
}

double rl_cons_weights_gib(const rl_config *c)
{
    const double gib = 1024.0 * 1024.0 * 1024.0;
    if (c->weight_bytes > 0) return c->weight_bytes / gib;
    if (!c->model || !c->quant) return 0;
    rl_params p;
    rl_arch_params(c->model, &p);
    const rl_quant *q = c->quant;
    double bpw = q->bits_per_weight;
    double eb = q->embed_bits > 0 ? q->embed_bits : bpw;
    double lb = q->lm_head_bits > 0 ? q->lm_head_bits : bpw;
    double nb = q->norm_bits > 0 ? q->norm_bits : 16.0;
    double bits = p.embed * eb + p.lm_head * lb + p.norms * nb +
                  (p.attn + p.ffn_dense + p.ffn_experts + p.router) * bpw;
    return bits / 8.0 / gib;
}

const char *rl_cons_devices_phrase(int n, char *buf, size_t len)
{
    static const char *const words[] = {"no", "one", "two", "three", "four",
                                        "five", "six", "seven", "eight"};
    if (n >= 0 && n <= 8)
        snprintf(buf, len, "%s device%s hold%s", words[n], n == 1 ? "" : "s",
                 n == 1 ? "s" : "");
    else
        snprintf(buf, len, "%d devices hold", n);
    return buf;
}

double rl_cons_max_temp(const rl_cons_ctx *ctx)
{
    if (ctx->lim->max_temp_c > 0) return ctx->lim->max_temp_c;
    return ctx->cfg->hw ? ctx->cfg->hw->max_c : 0;
}
