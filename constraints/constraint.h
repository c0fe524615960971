/*
 * constraint.h -- feasibility rules as plugins.  One rule = one file
 * (constraints/cons_*.c) exporting one `const struct rl_constraint_ops`;
 * constraints/registry.c lists them in evaluation order.  Copy
 * constraints/cons_template.c to add one.
 *
 * How the solver uses a rule (solver/solver.c):
 *   - `axes` says which candidate axes check() reads.  A STATIC rule
 *     (stage RL_CONS_STATIC, no estimate needed) is evaluated as soon as
 *     those axes are bound in the enumeration loop nest, and a failure
 *     rejects the whole subtree below at once (its size is counted).
 *   - ESTIMATE rules run on the closed-form estimate of one candidate.
 *     `axes` names the axes the estimate fields they read depend on: a
 *     rule without RL_AX_CAP (latency, throughput, power, thermal: the
 *     KV allocation does not change speed) that fails at one context cap
 *     fails at all of them (with offload none/full; partial offload
 *     makes everything depend on the cap through the host layers).
 *     `monotone` names the axes along which a failure persists when the
 *     value grows (e.g. device memory: more concurrency or a larger
 *     context cap never needs less memory); the solver then skips the
 *     larger values and counts them as rejected for the same reason.
 *   - add_rows (optional) contributes capacity rows to the layer/KV
 *     placement MILP (solver/placement.c) through an rl_row_sink, so the
 *     rule that defines a capacity also defines its MILP row.  Variables
 *     are addressed by (layer class, tier), 0-based; GLPK is never seen
 *     here.
 *   - explain (optional) writes one sentence about a passing candidate's
 *     margin ("device memory 41.2 of 48.0 GiB (86%)").
 *
 * Pointers in the context are borrowed for the duration of the call.
 */
#ifndef RL_CONSTRAINT_H
#define RL_CONSTRAINT_H

#include <stddef.h>
#include "estimate.h"

/* Candidate axes (bit flags for `axes` and `monotone`). */
enum rl_axis {
    RL_AX_RUNTIME = 1 << 0,
    RL_AX_QUANT = 1 << 1,
    RL_AX_KV = 1 << 2,
    RL_AX_TP = 1 << 3,
    RL_AX_PP = 1 << 4,
    RL_AX_REPLICAS = 1 << 5,    /* bit = solver loop level: keep in order */
    RL_AX_WINDOW = 1 << 6,
    RL_AX_OFFLOAD = 1 << 7,
    RL_AX_CONC = 1 << 8,
    RL_AX_CAP = 1 << 9
};

enum rl_cons_stage {
    RL_CONS_STATIC = 0,         /* decided from the configuration alone */
    RL_CONS_ESTIMATE = 1        /* needs the candidate's estimate */
};

/* Requirements the rules check; 0 means "no limit" for every bound. */
typedef struct rl_limits {
    double ttft_ms_p95, tpot_ms_p95;
    double min_decode_tok_s, min_total_tok_s;
    double power_w_max;         /* all used devices together */
    double max_temp_c;          /* 0: the hardware's max_c */
    int deterministic;
    int sram_resident;          /* working set must not spill out of SRAM */
    long context_tokens;        /* tokens each sequence must hold (> 0) */
    double max_quality_loss;    /* quant quality cost bound, % (< 0: none) */
    int prefill_only;           /* workload has no decode (no TPOT) */
    double memory_margin_pct;   /* device memory must leave this share of
                                   the usable capacity free (0 = none) */
    double request_rate;        /* requests/s the replicas must sustain
                                   (0 = none; cons_saturation.c) */
} rl_limits;

/* One candidate as the rules see it. */
/* Offload modes, same values as scenario.h's enum rl_offload_mode (the
 * solver checks that at compile time; rules do not read scenarios). */
enum rl_cons_offload { RL_CO_NONE = 0, RL_CO_PARTIAL = 1, RL_CO_FULL = 2 };

typedef struct rl_cons_ctx {
    const rl_config *cfg;       /* the configuration (offload_layers chosen) */
    const rl_limits *lim;
    int offload_mode;           /* enum rl_cons_offload */
    int devices_avail;          /* devices in the system */
} rl_cons_ctx;

/* Why a candidate was rejected. */
typedef struct rl_reason {
    const char *code;           /* static reason code, e.g. "device_memory" */
    char detail[RL_NOTE_LEN];   /* one sentence with the numbers */
} rl_reason;

/* A rule's quantity for a sign-off line (measure op): the figure the
 * rule compares and the bound it compares it against. */
typedef struct rl_measure {
    double value, limit;        /* in `unit` */
    const char *unit;           /* static: "ms", "GiB", "W", "C", "tok/s" ... */
    int upper;                  /* 1: value must be <= limit; 0: >= limit */
    int pass;                   /* the sign-off verdict on this quantity */
    char note[RL_NOTE_LEN];     /* why, in one sentence (may be empty) */
} rl_measure;

/* Placement MILP view (built by the solver, read by add_rows). */
enum rl_tier { RL_TIER_SRAM = 0, RL_TIER_DEVICE = 1, RL_TIER_HOST = 2, RL_TIER_N = 3 };
#define RL_MAX_CLASSES 4

typedef struct rl_placement_view {
    int n_classes;                      /* layer classes (dense/MoE x full/window) */
    double gib[RL_MAX_CLASSES];         /* resident GiB of one layer (weights + KV), all its devices */
    double free_gib[RL_TIER_N];         /* GiB left per tier after fixed use, all devices */
    int tier_on[RL_TIER_N];             /* tier exists for this candidate */
} rl_placement_view;

/* Where add_rows puts a row: sum coef[i] * x(cls[i], tier[i]) <= ub. */
typedef struct rl_row_sink {
    void *self;
    int (*add_le)(void *self, const char *name, int n, const int *cls,
                  const int *tier, const double *coef, double ub);
} rl_row_sink;

struct rl_constraint_ops {
    const char *name;           /* rule name, also its main reason code */
    const char *describe;       /* one line for docs / --help */
    int stage;                  /* enum rl_cons_stage */
    unsigned axes;              /* enum rl_axis bits check() depends on */
    unsigned monotone;          /* axes along which a failure persists upward */
    int queued;                 /* 1: at a request rate its value includes
                                   the wait for a batch slot, which shrinks
                                   as the capacity grows with the batch cap
                                   and the KV pool (model/serving.c): there
                                   it reads every axis and no failure
                                   persists along one */
    /* Return 1 when the candidate passes, 0 when it is rejected (fill
     * why->code and why->detail).  est is NULL for RL_CONS_STATIC. */
    int (*check)(const rl_cons_ctx *ctx, const rl_estimate *est, rl_reason *why);
    /* Optional: add this rule's rows to the placement MILP; RL_OK or an
     * rl_status from the sink. */
    int (*add_rows)(const rl_cons_ctx *ctx, const rl_placement_view *v,
                    const rl_row_sink *sink);
    /* Optional: one sentence on a passing candidate's margin. */
    void (*explain)(const rl_cons_ctx *ctx, const rl_estimate *est, char *buf,
                    size_t n);
    /* Optional (`ridgeline signoff`): fill *m with the quantity the rule
     * bounds and return 1, or return 0 when the rule does not apply
     * (no limit set, or nothing to measure on this part).  m->pass is
     * check()'s verdict except where the header of the rule says that
     * sign-off is stricter (thermal: no throttling). */
    int (*measure)(const rl_cons_ctx *ctx, const rl_estimate *est, rl_measure *m);
};

/* The registry (constraints/registry.c), in evaluation order, NULL-ended. */
extern const struct rl_constraint_ops *const rl_constraints[];
int rl_constraint_count(void);
const struct rl_constraint_ops *rl_constraint_find(const char *name);

/* Helpers shared by the rules (constraints/registry.c). */
/* Total weight bytes of the model in this configuration's format, GiB. */
double rl_cons_weights_gib(const rl_config *c);
/* "one device holds", "two devices hold", "12 devices hold" */
const char *rl_cons_devices_phrase(int n, char *buf, size_t len);
/* Die temperature limit: lim->max_temp_c or the hardware's max_c. */
double rl_cons_max_temp(const rl_cons_ctx *ctx);

#endif
