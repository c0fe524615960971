/*
 * solve_input.h -- what fuzz_solve.c does with one input, shared with
 * tests/test_fuzz_replay.c so that the replay checks the same contract.
 *
 * The input is written to input.cfg in the current folder (the sandbox.h
 * folder), loaded as a scenario and, when it loads, solved with --pareto,
 * the search capped at FUZZ_MAX_CANDIDATES and each MILP at 20 ms.
 * Returns NULL when the contract holds, else what broke:
 *   loading gives RL_OK, or RL_EINPUT / RL_EIO with a message;
 *   solving gives RL_OK, or RL_EINPUT / RL_ESOLVER with a message;
 *   on RL_OK candidates = feasible + every rejection, at most `top`
 *   configurations ranked 1.. with finite numbers, each within its device
 *   memory unless it offloads, and the front has throughput not rising
 *   and latency strictly falling.
 */
#ifndef RL_FUZZ_SOLVE_INPUT_H
#define RL_FUZZ_SOLVE_INPUT_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "catalog.h"
#include "scenario.h"
#include "solver.h"
#include "sandbox.h"

#define FUZZ_MAX_CANDIDATES 20000

static const char *solve_result_broken(const rl_scenario *s, const rl_solve_result *r)
{
    long rejected = 0;
    for (int i = 0; i < r->n_reasons; i++) rejected += r->reasons[i].count;
    if (r->candidates != r->feasible + rejected) return "candidates != feasible + rejected";
    if (r->n_ranked > s->top || r->n_ranked > r->feasible) return "too many ranked";
    for (int i = 0; i < r->n_ranked; i++) {
        const rl_ranked *k = &r->ranked[i];
        if (k->rank != i + 1) return "rank out of order";
        if (!isfinite(k->score) || !isfinite(k->throughput) || !isfinite(k->latency_ms))
            return "non-finite score";
        if (k->offload_mode == RL_OFFLOAD_NONE &&
            !rl_fle(k->est.mem.device_peak, k->est.mem.device_capacity))
            return "a ranked configuration exceeds device memory";
    }
    for (int i = 1; i < r->n_pareto; i++) {
        if (!rl_fle(r->pareto[i].throughput, r->pareto[i - 1].throughput))
            return "front throughput rises";
        if (!(r->pareto[i].latency_ms < r->pareto[i - 1].latency_ms))
            return "front latency does not fall";
    }
    return NULL;
}

static const char *solve_input(const uint8_t *data, size_t size, const rl_catalog *cat)
{
    rl_err e;
    rl_scenario *s = NULL;
    rl_solve_opts o;
    rl_solve_result r;
    const char *broken = NULL;
    int rc;

    if (sb_put("input.cfg", data, size) != 0) return NULL;
    memset(&e, 0, sizeof e);
    rc = rl_scenario_load("input.cfg", cat, &s, &e);
    if (rc != RL_OK)
        return (rc == RL_EINPUT || rc == RL_EIO) && e.msg[0] ? NULL : "bad load status";
    rl_solve_opts_init(&o);
    o.pareto = 1;
    o.max_candidates = FUZZ_MAX_CANDIDATES;
    o.milp_tm_lim_ms = 20;
    memset(&e, 0, sizeof e);
    rc = rl_solve(s, cat, &o, &r, &e);
    if (rc == RL_OK) {
        broken = solve_result_broken(s, &r);
        rl_solve_result_free(&r);
    } else if (!((rc == RL_EINPUT || rc == RL_ESOLVER) && e.msg[0])) {
        broken = "bad solve status";
    }
    rl_scenario_free(s);
    return broken;
}

#endif
