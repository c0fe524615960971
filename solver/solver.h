/*
 * solver.h -- the search: a scenario in, a ranked and explained list of
 * configurations out.
 *
 *     rl_solve_opts o;
 *     rl_solve_opts_init(&o);
 *     o.objective = "latency";                  // optional overrides
 *     rl_solve_result r;
 *     if (rl_solve(scn, cat, &o, &r, &err) != RL_OK) ...   // input/solver error
 *     if (r.feasible == 0) ...                  // nothing fits: r.reasons says why
 *     rl_solve_result_free(&r);
 *
 * The candidate space is the product of the scenario's axes per runtime
 * (runtime x quant x kv_dtype x tp x pp x sliding_window x offload x
 * concurrency x context_cap); omitted axes default as README.md "Solving scenarios" says.
 * Pruning, in order (README.md "How the search prunes"):
 *   1. static rules (compat, context, offload, deterministic) run as soon
 *      as the axes they read are bound and reject whole subtrees;
 *   2. one closed-form estimate per surviving candidate, checked by the
 *      estimate rules in registry order;
 *   3. monotone rules (memory in concurrency and context cap; TTFT, TPOT
 *      and per-sequence speed in concurrency; speed rules at every cap)
 *      skip what a failure decides;
 *   4. a feasible candidate's larger context caps are settled in bulk;
 *   5. partial offload only where offload = none does not fit; the
 *      fewest host-RAM layers by a secant search seeded by the placement
 *      (closed form for uniform layers, the MILP, cached by structure,
 *      when layers differ: MoE / sliding window).
 * Every rejected candidate is counted once, under the rule that rejected
 * or pruned it, so candidates == feasible + sum(reasons[].count).
 *
 * With workload.request_rate every candidate that fits its devices is
 * served at the rate (rl_serving_run; concurrency = its batch cap,
 * max_num_seqs): the rule "saturated" rejects capacity <= rate, the
 * latencies in its estimate become those at the rate before the rules
 * run, and the objectives read served throughput (README "At a request
 * rate").  Each (split, format, window, offload, context cap) is served
 * once for its whole batch-cap axis (exhaustive: per candidate).
 *
 * Ownership: the result owns its arrays; configs inside it borrow the
 * scenario (model, hardware) and the catalog (runtime, quant, kv), which
 * must outlive the result.
 */
#ifndef RL_SOLVER_H
#define RL_SOLVER_H

#include "rl_err.h"
#include "estimate.h"
#include "scenario.h"
#include "constraint.h"

typedef struct rl_solve_opts {
    const char *objective;      /* overrides the scenario's; NULL: keep it */
    int top;                    /* > 0 overrides the scenario's top */
    int pareto;                 /* 1: also compute the throughput-latency front
                                   (memory: at most RL_PARETO_KEEP records) */
    int exhaustive;             /* 1: no monotone pruning, and at a rate one
                                   rl_serving_run per candidate (tests compare) */
    int use_milp;               /* 1 (default): placement MILP for mixed
                                   layers; 0: greedy closed form only */
    int milp_tm_lim_ms;         /* per MILP solve, default 200 */
    long max_candidates;        /* > 0: refuse larger spaces (RL_EINPUT)
                                   below RL_MAX_CANDIDATES (fuzzing) */
} rl_solve_opts;

void rl_solve_opts_init(rl_solve_opts *o);

#define RL_MAX_REASON_CODES 32
/* --pareto keeps only non-dominated candidates while it searches, and at
 * most this many of them (the highest-throughput ones); exact whenever
 * the front is smaller, which it is by far in every catalog scenario.
 * Memory for the search stays O(top + RL_PARETO_KEEP) records (~100
 * bytes each) whatever the number of feasible candidates. */
#define RL_PARETO_KEEP 4096
#define RL_PARETO_SHOW 64               /* front points returned */
#define RL_MAX_CANDIDATES 50000000L     /* larger spaces are refused (RL_EINPUT) */

typedef struct rl_reason_count {
    char code[32];              /* "device_memory" ... */
    long count;                 /* rejected candidates */
    char example[RL_NOTE_LEN];  /* the first rejection's sentence */
} rl_reason_count;

typedef struct rl_ranked {
    int rank;                   /* 1-based */
    rl_config cfg;              /* offload_layers as chosen */
    int offload_mode;           /* enum rl_offload_mode */
    rl_estimate est;            /* full estimate */
    double score;               /* objective value (unit in the result) */
    double throughput;          /* tok/s of the workload's phase, aggregate
                                   (prefill tok/s for prefill/encoder loads) */
    double latency_ms;          /* p50 request latency (TTFT for those) */
    int n_expl;
    char expl[RL_MAX_NOTES][RL_NOTE_LEN];   /* why it fits and how it ranks */
} rl_ranked;

#define RL_MAX_NEAR 3            /* near misses kept when nothing is feasible */
#define RL_NEAR_REASONS 6

/* A rejected configuration close to feasible: every rule it fails. */
typedef struct rl_near_miss {
    rl_config cfg;
    int offload_mode;           /* enum rl_offload_mode */
    double score;               /* objective value it would have had */
    int n_reasons;
    char code[RL_NEAR_REASONS][32];
    char detail[RL_NEAR_REASONS][RL_NOTE_LEN];
} rl_near_miss;

typedef struct rl_solve_result {
    char objective[32];         /* objective used */
    char unit[16];              /* unit of score */
    char throughput_kind[48];   /* which throughput `throughput` is:
                                   "offline, prefill included" | "prefill" */
    int minimize;               /* 1: lower score is better */
    long candidates;            /* size of the candidate space */
    long feasible;              /* candidates passing every rule */
    double elapsed_ms;          /* wall time of the search */
    long estimates;             /* closed-form estimates run */
    long pruned;                /* rejected without an estimate */
    long milp_solves, milp_cache_hits;
    int n_reasons;              /* sorted by count, descending */
    rl_reason_count reasons[RL_MAX_REASON_CODES];
    int n_ranked;               /* <= top */
    rl_ranked *ranked;          /* best first */
    int n_pareto;               /* throughput-latency front (opts.pareto) */
    rl_ranked *pareto;          /* by throughput, descending */
    int n_near;                 /* only when feasible == 0: the estimated */
    rl_near_miss near[RL_MAX_NEAR]; /* candidates failing the fewest rules,
                                   then best by the objective */
    double request_rate;        /* the scenario's workload.request_rate (0:
                                   none): every ranked est.serving is filled,
                                   its latencies are those at the rate, and
                                   throughput is the served rate x output */
    long serving_runs;          /* rl_serving_run calls of the search */
} rl_solve_result;

/* Run the search.  RL_OK with res filled (res->feasible may be 0: that
 * is an answer, not an error); RL_EINPUT for an unknown objective (with
 * the scenario's file:line when it came from the file) or a space of more
 * than RL_MAX_CANDIDATES candidates; RL_ESOLVER when
 * a MILP fails; RL_EIO on OOM.  On error res is empty (safe to free). */
int rl_solve(const rl_scenario *s, const rl_catalog *cat, const rl_solve_opts *o,
             rl_solve_result *res, rl_err *err);

void rl_solve_result_free(rl_solve_result *r);     /* NULL is a no-op */

/* The feasibility limits a search checks candidates against, from the
 * scenario's requirements (every field of l is written; context_tokens is
 * rl_scenario_context).  signoff checks one deployment against the same. */
void rl_solve_limits(const rl_scenario *s, rl_limits *l);

/* RL_OK when `name` is a known objective (or NULL), else RL_EINPUT with
 * "unknown objective 'x' (did you mean 'y'?); choose ..." -- for flags,
 * checked before any scenario is read. */
int rl_solve_check_objective(const char *name, rl_err *err);

/* Count of `code` in res->reasons, 0 when absent. */
long rl_solve_rejected(const rl_solve_result *r, const char *code);

#endif
