/*
 * procure.h -- what to buy for a demand mix (`ridgeline procure`).
 *
 * A plan file (libconfig, README.md "procure: what to buy for a demand
 * mix") lists candidate hardware with prices and limits, and demands
 * (model, prompt/output tokens, requests/s, latency SLOs).  The planner
 *
 *   1. solves one scenario per (demand, candidate) with up to
 *      devices_per_node devices and keeps, per devices-per-replica count,
 *      the best replica configurations that meet the SLOs; each carries
 *      its capacity in requests/s (rl_replica_capacity_rps, the same
 *      figure the estimator gives) and its power (rl_procure_options);
 *   2. chooses integer replicas per (demand, option) and whole nodes per
 *      candidate with a GLPK MILP (milp.h) under budget, power and max
 *      counts, for min_cost, min_power or max_headroom
 *      (rl_procure_optimise), then explains the answer: binding
 *      constraints, the best plan without each candidate, and for an
 *      infeasible plan which constraint blocks and by how much.
 *
 *     rl_plan *p;
 *     if (rl_plan_load("mix.cfg", cat, &p, &err)) ...      // file:line errors
 *     rl_proc_result r;
 *     if (rl_procure(p, cat, &r, &err)) ...                 // input / solver error
 *     if (r.status == RL_PROC_INFEASIBLE) ... r.why[] says why
 *     rl_proc_result_free(&r);
 *     rl_plan_free(p);
 *
 * Ownership: the plan borrows hardware entries from the catalog (which
 * must outlive it); options and results are plain data owned by the
 * result.
 */
#ifndef RL_PROCURE_H
#define RL_PROCURE_H

#include "rl_err.h"
#include "catalog.h"

#define RL_PLAN_MAX_CAND 32         /* candidates in a plan */
#define RL_PLAN_MAX_DEMAND 32       /* demands in a plan */
#define RL_PLAN_MAX_LIST 16         /* runtimes / quants allowed per demand */
#define RL_PROC_KEEP 2              /* options kept per devices-per-replica */
#define RL_PROC_MAX_WHY 8

enum rl_proc_objective { RL_PROC_MIN_COST, RL_PROC_MIN_POWER, RL_PROC_MAX_HEADROOM };
enum rl_proc_status { RL_PROC_OPTIMAL, RL_PROC_INFEASIBLE, RL_PROC_TIME_LIMIT };

typedef struct rl_plan_cand {
    char hw_id[64];             /* catalog id */
    const rl_hw *hw;            /* borrowed from the catalog */
    double price_usd;           /* per device (default: the catalog's) */
    int max_count;              /* devices at most, 0 = no limit */
    int devices_per_node;       /* devices are bought in nodes of this many
                                   (default 1); a replica spans one node */
    int line;
} rl_plan_cand;

typedef struct rl_plan_demand {
    char name[64];
    char model_id[64];
    long prompt_tokens, output_tokens;
    double requests_per_s;
    double ttft_ms_p95, tpot_ms_p95;    /* 0 = no bound */
    int n_runtimes, n_quants;           /* 0 = every one the catalog has */
    char runtimes[RL_PLAN_MAX_LIST][32];
    char quants[RL_PLAN_MAX_LIST][32];
    int line;
} rl_plan_demand;

typedef struct rl_plan {
    char path[512];
    char name[128];
    double budget_usd;          /* 0 = no budget */
    double power_w_max;         /* 0 = no power limit */
    int objective;              /* enum rl_proc_objective */
    double energy_usd_per_kwh;  /* TCO: 0 = capex only */
    double years;               /* TCO horizon (default 3 when priced) */
    int n_cand, n_demand;
    int jobs;                   /* threads for the option searches (not in
                                   the file: `procure --jobs`); <= 0 one per
                                   online CPU; the result is the same */
    rl_plan_cand cand[RL_PLAN_MAX_CAND];
    rl_plan_demand demand[RL_PLAN_MAX_DEMAND];
} rl_plan;

/* Load and validate a plan file (types, ranges, unknown keys with "did
 * you mean", catalog ids; errors name file and line).  RL_OK with an
 * owned *out, else *out NULL and RL_EIO / RL_EINPUT. */
int rl_plan_load(const char *path, const rl_catalog *cat, rl_plan **out, rl_err *err);
/* Same from a string; `name` stands in for the file in errors.  An
 * @include resolves against the working directory and must name a
 * regular file (refused like the file loader's, cfg.h). */
int rl_plan_load_string(const char *text, const char *name, const rl_catalog *cat,
                        rl_plan **out, rl_err *err);
void rl_plan_free(rl_plan *p);                  /* NULL is a no-op */

const char *rl_proc_objective_name(int o);      /* "min_cost" ... */
const char *rl_proc_status_name(int s);         /* "optimal" ... */

/* One replica configuration of a demand on a candidate. */
typedef struct rl_proc_option {
    int demand, cand;           /* indices into the plan */
    char runtime[32], quant[32], kv[32];
    int tp, pp, offload_layers;
    int ep, dp_attention;       /* expert parallel degree (1: none) and
                                   DP-attention (0/1), MoE models only */
    long context_cap;
    int devices_per_replica;    /* tp x pp */
    int concurrency;            /* sequences per replica at capacity */
    double capacity_rps;        /* requests/s one replica serves under
                                   Poisson arrivals with the SLOs met at
                                   p95, queueing included
                                   (rl_replica_rps_within_slo); peak_rps
                                   when the demand has no SLO */
    double peak_rps;            /* its capacity with every request queued
                                   at once (rl_replica_capacity_rps): the
                                   rate at which the queue never drains */
    double power_w;             /* board power of the replica's devices
                                   at that concurrency */
} rl_proc_option;

/* The options of every (demand, candidate) pair, searched by p->jobs
 * threads, listed in pair order whatever the threads.  RL_OK with *opt
 * owned (free()) and *n set (possibly 0); RL_EINPUT when a pair's scenario
 * is rejected (the demand's line; the first such pair in order),
 * RL_ESOLVER / RL_EIO from the search. */
int rl_procure_options(const rl_plan *p, const rl_catalog *cat, rl_proc_option **opt,
                       int *n, rl_err *err);

/* The best plan without one candidate. */
typedef struct rl_proc_without {
    int status;                 /* enum rl_proc_status */
    double total_cost_usd, total_power_w, headroom;
} rl_proc_without;

typedef struct rl_proc_result {
    int status;                 /* enum rl_proc_status */
    int objective;              /* the plan's */
    double total_cost_usd;      /* capex + energy (energy 0 without a price) */
    double capex_usd, energy_usd;
    double total_power_w;       /* replicas' power + idle bought devices */
    double headroom;            /* min over demands of capacity / demand */
    int n_opt;
    rl_proc_option *opt;        /* owned: every option considered */
    int *replicas;              /* owned, n_opt: replicas chosen per option */
    int nodes[RL_PLAN_MAX_CAND];        /* bought per candidate */
    int devices[RL_PLAN_MAX_CAND];      /* nodes x devices_per_node */
    int used[RL_PLAN_MAX_CAND];         /* devices the replicas use */
    int bind_budget, bind_power, bind_max_count;  /* 1: relaxing it alone
                                   gives a strictly better objective */
    int at_max[RL_PLAN_MAX_CAND];       /* 1: no whole node more fits max_count */
    rl_proc_without without[RL_PLAN_MAX_CAND];
    int unserved[RL_PLAN_MAX_DEMAND];   /* 1: no option on any candidate */
    int n_why;                  /* infeasible: one sentence per cause */
    char why[RL_PROC_MAX_WHY][320];
    double budget_needed_usd;   /* infeasible: cheapest plan ignoring the
                                   budget (0 when that is not the cause) */
    double power_needed_w;      /* likewise for the power limit */
    long milp_solves;
    double options_ms, milp_ms; /* wall time of the two phases */
} rl_proc_result;

/* Solve the MILP over given options (any source: tests pass their own)
 * and explain it.  res gets a copy of the options.  RL_OK with res filled
 * (res->status says optimal / infeasible / time_limit); RL_ESOLVER when
 * GLPK fails; RL_EIO on OOM.  On error res is empty (safe to free). */
int rl_procure_optimise(const rl_plan *p, const rl_proc_option *opt, int n,
                        rl_proc_result *res, rl_err *err);

/* Options, then the MILP. */
int rl_procure(const rl_plan *p, const rl_catalog *cat, rl_proc_result *res, rl_err *err);

void rl_proc_result_free(rl_proc_result *r);    /* NULL is a no-op */

#endif
