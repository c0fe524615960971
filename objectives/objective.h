/*
 * objective.h -- ranking objectives as plugins.  One objective = one file
 * (objectives/obj_*.c) exporting one `const struct rl_objective_ops`;
 * objectives/registry.c lists them.  Copy objectives/obj_template.c to
 * add one.
 *
 * An objective maps a feasible candidate's estimate to one number, its
 * `value` (reported as `score` in the JSON, in `unit`), and says whether
 * larger or smaller is better.  Ties (within rl_feq) are broken the same
 * way for every objective (rl_objective_compare), so rankings are
 * deterministic: fewer devices, fewer offloaded layers, higher
 * throughput, lower latency, larger context cap, then enumeration order.
 */
#ifndef RL_OBJECTIVE_H
#define RL_OBJECTIVE_H

#include <stddef.h>
#include "estimate.h"

typedef struct rl_obj_ctx {
    int prefill_only;           /* workload has no decode phase */
} rl_obj_ctx;

struct rl_objective_ops {
    const char *name;           /* "throughput" ... */
    const char *describe;       /* one line for docs / --help */
    const char *unit;           /* unit of value(), e.g. "tok/s" */
    int minimize;               /* 1: smaller value is better */
    double (*value)(const rl_obj_ctx *ctx, const rl_config *c, const rl_estimate *e);
    /* Optional: one sentence about the value ("12.3 tok/s per kW ..."). */
    void (*explain)(const rl_obj_ctx *ctx, const rl_config *c, const rl_estimate *e,
                    char *buf, size_t n);
};

/* NULL-ended registry (objectives/registry.c); the first is the default. */
extern const struct rl_objective_ops *const rl_objectives[];
const struct rl_objective_ops *rl_objective_find(const char *name);
/* Comma-separated names ("throughput, latency, ...") for messages, into
 * buf (always terminated); returns buf. */
const char *rl_objective_names(char *buf, size_t n);

/* What ranking compares for one candidate (filled by the solver). */
typedef struct rl_obj_point {
    double value;               /* the objective's value */
    double throughput;          /* tok/s, aggregate (tie-break) */
    double latency_ms;          /* e2e p50 (tie-break, Pareto) */
    int devices;                /* devices used */
    int offload_layers;
    long context_cap;
    long order;                 /* enumeration index: the last tie-break */
} rl_obj_point;

/* <0 when a ranks before b, >0 after, 0 only when order is equal too. */
int rl_objective_compare(const struct rl_objective_ops *o, const rl_obj_point *a,
                         const rl_obj_point *b);

/* Shared metric helpers (registry.c): aggregate tok/s and request
 * latency of the workload's phase. */
double rl_obj_throughput(const rl_obj_ctx *ctx, const rl_estimate *e);
double rl_obj_latency_ms(const rl_obj_ctx *ctx, const rl_estimate *e);
/* At a request rate (e->serving filled, a generating workload): the most
 * output tok/s the candidate could serve, capacity x output tokens; else 0. */
double rl_obj_capacity_tok_s(const rl_obj_ctx *ctx, const rl_config *c, const rl_estimate *e);

#endif
