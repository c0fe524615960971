/*
 * serving.c -- a configuration served at a request rate (estimate.h,
 * rl_serving_run): throughput served, sequences in flight, TTFT / TPOT /
 * end-to-end latency with the queueing the load brings, and whether the
 * rate exceeds what the replicas sustain.
 *
 * The model is the one calibration scores served measurements with
 * (calibrate.c, rows taken under a request rate): Little's law for the
 * sequences in flight, the estimate at that concurrency for the latencies.
 * Offline throughput (the estimate's own figure) is what a replica does
 * with every request queued at once; this is what it does at the rate
 * users send.
 */
#include "estimate.h"

#include <math.h>
#include <string.h>

#define CONC_CAP 4096           /* in flight beyond this: the fixed point
                                   is left (the queue is unbounded anyway) */

/* Requests/s one replica sustains: the best offline rate over the
 * concurrencies the runtime batches (the configuration's max_num_seqs,
 * else the runtime's; 256 without). */
static double capacity(const rl_config *c, int *conc)
{
    int limit = c->max_num_seqs >= 1 ? c->max_num_seqs
              : c->rt && c->rt->max_num_seqs >= 1 ? (int)c->rt->max_num_seqs : 256;
    return rl_replica_capacity_rps(c, NULL, limit, conc);
}

void rl_serving_set_capacity(rl_serving *out, const rl_config *c, double cap, int cap_conc)
{
    int reps = c->replicas > 0 ? c->replicas : 1;
    double r = out->rate / reps;                            /* per replica */
    out->capacity_conc = cap_conc;
    out->capacity_rps = cap * reps;
    out->utilisation = cap > 0 ? r / cap : INFINITY;
    out->saturated = !(r < cap);
    out->tok_s = fmin(r, cap) * reps * (double)c->output;
}

/* cap_rps < 0: find the capacity here */
static int serve(const rl_config *c, double rate, double cap_rps, int cap_conc,
                 rl_serving *out)
{
    rl_config n, x;
    rl_estimate one, e;

    memset(out, 0, sizeof *out);
    if (!c || !(rate > 0) || rl_config_normalise(c, &n, NULL, 0, NULL) != RL_OK)
        return RL_EINPUT;
    n.quiet = 1;
    n.concurrency = 1;
    if (rl_estimate_run(&n, &one, NULL) != RL_OK) return RL_EINPUT;
    out->rate = rate;
    double r = rate / n.replicas;                           /* per replica */
    if (cap_rps < 0) cap_rps = capacity(&n, &cap_conc);
    rl_serving_set_capacity(out, &n, cap_rps, cap_conc);

    double L = r * one.e2e_latency_ms.p50 / 1000;
    if (L <= 1) {                       /* mostly idle: a half step's wait */
        out->wait_ms_p50 = L * 0.5 * one.tpot_ms.p50;
        out->wait_ms_p95 = L * 0.95 * one.tpot_ms.p95;
        e = one;
        e.ttft_ms.p50 += out->wait_ms_p50;
        e.ttft_ms.p95 += out->wait_ms_p95;
        e.e2e_latency_ms.p50 += out->wait_ms_p50;
        e.e2e_latency_ms.p95 += out->wait_ms_p95;
    } else {
        x = n;
        for (int pass = 0; pass < 2; pass++) {
            x.concurrency = (int)fmin(CONC_CAP, lround(L));
            if (rl_estimate_run(&x, &e, NULL) != RL_OK) return RL_EINPUT;
            L = r * e.e2e_latency_ms.p50 / 1000;
        }
    }
    out->in_flight = L;
    /* saturated: these are the latencies at the fixed point's concurrency,
     * a floor -- the queue keeps growing; printers say so */
    out->ttft_ms = e.ttft_ms;
    out->tpot_ms = e.tpot_ms;
    out->e2e_latency_ms = e.e2e_latency_ms;
    return RL_OK;
}

int rl_serving_run(const rl_config *c, double rate, rl_serving *out)
{
    return serve(c, rate, -1, 0, out);
}

void rl_serving_apply(rl_estimate *e, const rl_serving *v)
{
    e->serving = *v;
    e->ttft_ms = v->ttft_ms;
    e->tpot_ms = v->tpot_ms;
    e->e2e_latency_ms = v->e2e_latency_ms;
}

int rl_serving_run_cap(const rl_config *c, double rate, double cap_rps, int cap_conc,
                       rl_serving *out)
{
    if (!(cap_rps >= 0)) {
        if (out) memset(out, 0, sizeof *out);
        return RL_EINPUT;
    }
    return serve(c, rate, cap_rps, cap_conc, out);
}
