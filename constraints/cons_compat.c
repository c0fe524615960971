/*
 * cons_compat.c -- compatibility of a split and a format with the model,
 * the runtime and the hardware.  Codes:
 *   devices        tp x pp x replicas exceeds the devices available
 *   tp_heads       TP does not divide the attention heads
 *   tp_kv_heads    TP neither divides nor is a multiple of the KV heads
 *   pp_layers      more pipeline stages than layers
 *   runtime_tp / runtime_pp   the runtime cannot split that way
 *   runtime_quant / runtime_kv   the runtime cannot load the format
 *   hw_fp8         fp8 weights or KV on hardware without fp8 units
 *   runtime_hw     the runtime has no backend for the device
 */
#include "constraint.h"

#include <stdio.h>
#include <string.h>

static int reject(rl_reason *why, const char *code, const char *detail)
{
    why->code = code;
    snprintf(why->detail, sizeof why->detail, "%s", detail);
    return 0;
}

static int check_split(const rl_cons_ctx *ctx, rl_reason *why)
{
    const rl_config *c = ctx->cfg;
    const rl_arch *a = c->model;
    char d[RL_NOTE_LEN];
    int reps = c->replicas > 0 ? c->replicas : 1;
    if (c->tp * c->pp * reps > ctx->devices_avail) {
        if (reps > 1)
            snprintf(d, sizeof d, "%d replicas of tp %d x pp %d need %d devices, %d available",
                     reps, c->tp, c->pp, c->tp * c->pp * reps, ctx->devices_avail);
        else
            snprintf(d, sizeof d, "tp %d x pp %d needs %d devices, %d available",
                     c->tp, c->pp, c->tp * c->pp, ctx->devices_avail);
        return reject(why, "devices", d);
    }
    /* DP-attention does not split the heads: every rank holds them whole */
    if (!c->dp_attention && a->heads > 0 && a->heads % c->tp != 0) {
        snprintf(d, sizeof d, "tp %d does not divide %s's %d attention heads",
                 c->tp, a->id, a->heads);
        return reject(why, "tp_heads", d);
    }
    if (!c->dp_attention && a->kv_heads > 0 && a->kv_heads % c->tp != 0 &&
        c->tp % a->kv_heads != 0) {
        snprintf(d, sizeof d, "tp %d does not split %s's %d KV heads evenly",
                 c->tp, a->id, a->kv_heads);
        return reject(why, "tp_kv_heads", d);
    }
    if (a->layers > 0 && c->pp > a->layers) {
        snprintf(d, sizeof d, "pp %d exceeds %s's %d layers", c->pp, a->id, a->layers);
        return reject(why, "pp_layers", d);
    }
    return 1;
}

/* The runtime has a backend for this device (vendor, class or "*"). */
static int runs_on(const rl_runtime *rt, const rl_hw *h)
{
    for (int i = 0; i < rt->n_backends; i++) {
        const char *m = rt->backends[i].match;      /* "x" or "x/tier" */
        size_t n = strcspn(m, "/");
        if ((n == 1 && m[0] == '*') ||
            (n == strlen(h->klass) && strncmp(m, h->klass, n) == 0) ||
            (h->vendor[0] && n == strlen(h->vendor) && strncmp(m, h->vendor, n) == 0))
            return 1;
    }
    return rt->n_backends == 0;
}

static int check_support(const rl_cons_ctx *ctx, rl_reason *why)
{
    const rl_config *c = ctx->cfg;
    char d[RL_NOTE_LEN];
    if (!runs_on(c->rt, c->hw)) {
        snprintf(d, sizeof d, "%s has no backend for %s (%s)", c->rt->id, c->hw->id,
                 c->hw->vendor[0] ? c->hw->vendor : c->hw->klass);
        return reject(why, "runtime_hw", d);
    }
    if (c->tp > 1 && !c->rt->tensor_parallel) {
        snprintf(d, sizeof d, "%s has no tensor parallelism (tp %d)", c->rt->id, c->tp);
        return reject(why, "runtime_tp", d);
    }
    if (c->pp > 1 && !c->rt->layer_split) {
        snprintf(d, sizeof d, "%s cannot split layers across devices (pp %d)",
                 c->rt->id, c->pp);
        return reject(why, "runtime_pp", d);
    }
    if (!rl_runtime_has_quant(c->rt, c->quant->id)) {
        snprintf(d, sizeof d, "%s does not load %s weights", c->rt->id, c->quant->id);
        return reject(why, "runtime_quant", d);
    }
    if (c->kv && c->rt->n_kv > 0 && !rl_runtime_has_kv(c->rt, c->kv->id)) {
        snprintf(d, sizeof d, "%s has no %s KV cache", c->rt->id, c->kv->id);
        return reject(why, "runtime_kv", d);
    }
    int fp8_w = c->quant->compute == RL_C_FP8 && !c->quant->weight_only;
    int fp8_kv = c->kv && strcmp(c->kv->id, "fp8") == 0;
    if ((fp8_w || fp8_kv) && !c->hw->fp8_native) {
        snprintf(d, sizeof d, "%s has no fp8 units (%s %s)", c->hw->id,
                 fp8_w ? "weights" : "KV cache", fp8_w ? c->quant->id : "fp8");
        return reject(why, "hw_fp8", d);
    }
    return 1;
}

static int check(const rl_cons_ctx *ctx, const rl_estimate *est, rl_reason *why)
{
    (void)est;
    return check_split(ctx, why) && check_support(ctx, why);
}

const struct rl_constraint_ops rl_cons_compat = {
    .name = "compat",
    .describe = "TP divides heads and KV heads, PP <= layers, runtime and "
                "hardware support the format",
    .stage = RL_CONS_STATIC,
    .axes = RL_AX_RUNTIME | RL_AX_QUANT | RL_AX_KV | RL_AX_TP | RL_AX_PP | RL_AX_REPLICAS,
    .check = check,
};
