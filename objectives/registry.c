/*
 * registry.c -- the ranking objectives, the shared tie-break order and
 * metric helpers.  The first entry is the default objective.
 */
#include "objective.h"

#include <stdio.h>
#include <string.h>

extern const struct rl_objective_ops rl_obj_throughput_ops, rl_obj_latency_ops,
    rl_obj_model_size_ops, rl_obj_perf_per_watt_ops, rl_obj_perf_per_dollar_ops;

const struct rl_objective_ops *const rl_objectives[] = {
    &rl_obj_throughput_ops,     /* default */
    &rl_obj_latency_ops,
    &rl_obj_model_size_ops,
    &rl_obj_perf_per_watt_ops,
    &rl_obj_perf_per_dollar_ops,
    NULL
};

const struct rl_objective_ops *rl_objective_find(const char *name)
{
    if (!name || !*name) return rl_objectives[0];
    for (int i = 0; rl_objectives[i]; i++)
        if (strcmp(rl_objectives[i]->name, name) == 0) return rl_objectives[i];
    return NULL;
}

const char *rl_objective_names(char *buf, size_t n)
{
    size_t off = 0;
    if (n) buf[0] = 0;
    for (int i = 0; rl_objectives[i] && off < n; i++)
        off += (size_t)snprintf(buf + off, n - off, "%s%s", i ? ", " : "",
                                rl_objectives[i]->name);
    return buf;
}

static int cmp_d(double a, double b, int minimize)
{
    if (rl_feq(a, b)) return 0;
    return (a > b) == !minimize ? -1 : 1;
}

int rl_objective_compare(const struct rl_objective_ops *o, const rl_obj_point *a,
                         const rl_obj_point *b)
{
    int r;
    if ((r = cmp_d(a->value, b->value, o->minimize))) return r;
    if (a->devices != b->devices) return a->devices < b->devices ? -1 : 1;
    if (a->offload_layers != b->offload_layers)
        return a->offload_layers < b->offload_layers ? -1 : 1;
    if ((r = cmp_d(a->throughput, b->throughput, 0))) return r;
    if ((r = cmp_d(a->latency_ms, b->latency_ms, 1))) return r;
    if (a->context_cap != b->context_cap) return a->context_cap > b->context_cap ? -1 : 1;
    return (a->order > b->order) - (a->order < b->order);
}

/* What users measure: prefill tok/s for prefill-only loads, else the
 * offline output rate with the prompts' prefill included (the estimator's
 * rl_offline_throughput path), over every replica.  Served at a request
 * rate (e->serving filled: solve with workload.request_rate), the output
 * tok/s served at it instead -- the same for every candidate that keeps up. */
double rl_obj_throughput(const rl_obj_ctx *ctx, const rl_estimate *e)
{
    double r = e->replicas > 0 ? e->replicas : 1;
    if (e->serving.rate > 0 && !ctx->prefill_only) return e->serving.tok_s;
    return r * (ctx->prefill_only ? e->prefill_tok_s.p50 : e->offline_tok_s);
}

double rl_obj_capacity_tok_s(const rl_obj_ctx *ctx, const rl_config *c, const rl_estimate *e)
{
    if (e->serving.rate <= 0 || ctx->prefill_only) return 0;
    return e->serving.capacity_rps * (double)c->output;
}

/* At a request rate the solver has put the latencies under that load
 * into e (queueing included), so this is the request latency at the rate. */
double rl_obj_latency_ms(const rl_obj_ctx *ctx, const rl_estimate *e)
{
    return ctx->prefill_only ? e->ttft_ms.p50 : e->e2e_latency_ms.p50;
}
