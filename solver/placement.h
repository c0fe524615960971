/*
 * placement.h -- where the layers (with their KV) of one candidate live:
 * on-chip SRAM, device memory or host RAM.  Used by the solver for
 * `offload = "partial"`: the fewest / cheapest host-RAM layers that make
 * the candidate fit.
 *
 * Layers are grouped into classes that differ in what they cost to keep
 * resident versus what they cost to read per token (dense vs MoE layers:
 * an MoE layer stores every expert but reads only the active ones; full
 * vs sliding-window attention: different KV).  With one class the answer
 * is closed form (fill the fastest tier first).  With several, choosing
 * WHICH layers go to the slow tier is a small knapsack, solved as a MILP
 * (solver/milp.h):
 *
 *   variables  y[c][t] integer in [0, count_c]   layers of class c in tier t
 *   rows       sum_t y[c][t] = count_c           every layer placed
 *              capacity rows from the rules' add_rows (device_memory,
 *              host_memory, sram_fit): sum_c gib_c * y[c][t] <= free_t
 *   objective  min sum read_ms(c, t) * y[c][t]   per-token read time
 *
 * Results are cached by structure (classes, sizes and capacities rounded
 * to MiB), so a search solves each distinct placement once.
 */
#ifndef RL_PLACEMENT_H
#define RL_PLACEMENT_H

#include "constraint.h"
#include "estimate.h"

typedef struct rl_place_in {
    rl_placement_view v;                /* what the rules' add_rows see */
    int count[RL_MAX_CLASSES];          /* layers per class */
    double read_ms[RL_MAX_CLASSES][RL_TIER_N]; /* ms per token to read one
                                                  layer of class c from tier t */
    char label[RL_MAX_CLASSES][24];     /* "dense", "moe", "dense-window" ... */
} rl_place_in;

typedef struct rl_place_out {
    int host_layers;                    /* layers in host RAM */
    int sram_layers;                    /* layers resident in SRAM */
    int y[RL_MAX_CLASSES][RL_TIER_N];
    int used_milp;                      /* 1: decided by the MILP */
    int cached;                         /* 1: MILP answer from the cache */
    double read_ms;                     /* objective value */
} rl_place_out;

typedef struct rl_place_cache rl_place_cache;   /* opaque, per search */
rl_place_cache *rl_place_cache_new(void);
void rl_place_cache_free(rl_place_cache *c);    /* NULL is a no-op */

/* Describe candidate c (estimated with no offload as est0): classes,
 * per-layer resident GiB, free capacity per tier, read times.  host_ok:
 * the host tier may be used. */
void rl_place_build(const rl_config *c, const rl_estimate *est0, int host_ok,
                    rl_place_in *in);

/* Decide the placement.  RL_OK with out filled; RL_EINFEASIBLE when no
 * placement respects the capacities; RL_ESOLVER (err) when GLPK fails.
 * The MILP is used only when in has >= 2 classes and use_milp is set;
 * stats (may be NULL) count MILP solves and cache hits. */
int rl_place_solve(const rl_place_in *in, const rl_cons_ctx *ctx,
                   rl_place_cache *cache, int use_milp, int tm_lim_ms,
                   rl_place_out *out, long *milp_solves, long *cache_hits,
                   rl_err *err);

#endif
