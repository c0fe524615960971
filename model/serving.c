/*
 * serving.c -- a configuration served at a request rate (estimate.h,
 * rl_serving_run): throughput served, sequences in flight, TTFT / TPOT /
 * end-to-end latency with the queueing the load brings, and whether the
 * rate exceeds what the replicas sustain.
 *
 * The model is the one calibration scores served measurements with
 * (calibrate.c, rows taken under a request rate): Little's law for the
 * sequences in flight, the estimate at that concurrency for the latencies,
 * plus the wait for a batch slot near the capacity (slot_wait below).
 * Offline throughput (the estimate's own figure) is what a replica does
 * with every request queued at once; this is what it does at the rate
 * users send.  rl_replica_rps_within_slo inverts it: the highest rate at
 * which p95 TTFT / TPOT meet SLOs (what procurement sizes replicas by).
 */
#include "estimate.h"

#include <math.h>
#include <string.h>

#define CONC_CAP 4096           /* in flight beyond this: the fixed point
                                   is left (the queue is unbounded anyway) */

/* Requests/s one replica sustains: the best offline rate over the
 * concurrencies the runtime batches (the configuration's max_num_seqs,
 * else the runtime's; 256 without). */
static double capacity(const rl_config *c, int *conc, rl_rate_points *pts)
{
    int limit = c->max_num_seqs >= 1 ? c->max_num_seqs
              : c->rt && c->rt->max_num_seqs >= 1 ? (int)c->rt->max_num_seqs : 256;
    return rl_replica_capacity_scan(c, NULL, limit, conc, pts);
}

/* Waiting for a batch slot.  A continuous-batching replica with n requests
 * in flight completes R(n) requests/s -- the offline rate at batch n
 * (rl_replica_rps_at: more in flight, longer steps, more done per second)
 * -- up to its batch cap c, where R(c) is the capacity; beyond c requests
 * wait for a slot.  Under Poisson arrivals at lambda that is a birth-death
 * chain with death rate R(min(n, c)): pi_n = pi_0 prod_{k<=n} lambda /
 * R(k), a geometric tail pi_c rho^j beyond c (rho = lambda / R(c)).  An
 * arrival waits with probability P = sum_{n>=c} pi_n (Poisson arrivals see
 * time averages), and then, first come first served behind n - c others
 * at R(c), P(W > t) = P exp(-(R(c) - lambda) t).  So the p50 / p95 waits
 * are 0 while P stays below 0.5 / 0.05 -- a replica absorbs load by
 * batching more -- and grow without bound as lambda nears the capacity.
 * (Textbook queueing, no parameter: Kleinrock, Queueing Systems vol. 1,
 * sec. 3.1 birth-death chains.)  R(n) is estimated at n = 1, 2, 4 ... and
 * c, linear in between, never below a smaller batch's. */
typedef struct rate_table {
    int c, nk;                  /* batch cap; points */
    int b[16];
    double r[16];               /* R(b), running max */
} rate_table;

/* The rate at b without SLOs: from pts when it holds b, else estimated. */
static double rate_of(const rl_config *cfg, const rl_rate_points *pts, int b)
{
    for (int i = 0; pts && i < pts->n; i++)
        if (pts->b[i] == b) return pts->r[i];
    return rl_replica_rps_at(cfg, NULL, b);
}

static void table_fill(const rl_config *cfg, int c, double cap, const rl_rate_points *pts,
                       rate_table *t)
{
    double best = 0;
    t->c = c;
    t->nk = 0;
    if (c < 1) return;
    for (int b = 1; b < c && t->nk < 15; b *= 2) {
        best = fmax(best, rate_of(cfg, pts, b));
        t->b[t->nk] = b;
        t->r[t->nk++] = best;
    }
    t->b[t->nk] = c;
    t->r[t->nk++] = fmax(best, cap);
}

static void slot_wait(const rate_table *t, double lambda, double cap, double *p50, double *p95)
{
    double gap = cap - lambda, logp = 0, lse = 0, tail, P;
    int c = t->c;

    *p50 = *p95 = 0;
    if (c < 1 || t->nk < 1 || !(lambda > 0) || !(gap > 0)) return;
    /* log pi_n, n = 0 .. c - 1 summed (log-sum-exp, pi_0 = 1), then the tail */
    for (int n = 1, k = 0; n <= c; n++) {
        double mu;
        while (k + 1 < t->nk && t->b[k + 1] < n) k++;
        mu = n <= t->b[0] ? t->r[0]
           : k + 1 < t->nk ? t->r[k] + (t->r[k + 1] - t->r[k]) * (n - t->b[k]) /
                                 (double)(t->b[k + 1] - t->b[k])
           : t->r[t->nk - 1];
        if (!(mu > 0)) return;          /* a batch that does not run: no model */
        logp += log(lambda / mu);
        if (n < c) lse = logp > lse ? logp + log1p(exp(lse - logp)) : lse + log1p(exp(logp - lse));
    }
    tail = logp - log1p(-lambda / cap);                     /* log sum_{n>=c} pi_n */
    lse = tail > lse ? tail + log1p(exp(lse - tail)) : lse + log1p(exp(tail - lse));
    P = exp(tail - lse);
    if (P > 0.5) *p50 = log(P / 0.5) / gap * 1e3;
    if (P > 0.05) *p95 = log(P / 0.05) / gap * 1e3;
}

/* The capacity-dependent fields, the slot wait from table t (its batch
 * cap must be cap_conc). */
static void set_capacity(rl_serving *out, const rl_config *c, double cap, int cap_conc,
                         const rate_table *t)
{
    int reps = c->replicas > 0 ? c->replicas : 1;
    double r = out->rate / reps;                            /* per replica */
    out->capacity_conc = cap_conc;
    out->capacity_rps = cap * reps;
    out->utilisation = cap > 0 ? r / cap : INFINITY;
    out->saturated = !(r < cap);
    out->tok_s = fmin(r, cap) * reps * (double)c->output;
    /* the latencies: those without the slot queue, plus its wait at this
     * capacity (none when saturated: the figures are a floor anyway) */
    out->slot_wait_ms_p50 = out->slot_wait_ms_p95 = 0;
    if (!out->saturated) slot_wait(t, r, cap, &out->slot_wait_ms_p50, &out->slot_wait_ms_p95);
    out->ttft_ms = out->ttft_unqueued_ms;
    out->e2e_latency_ms = out->e2e_unqueued_ms;
    out->ttft_ms.p50 += out->slot_wait_ms_p50;
    out->ttft_ms.p95 += out->slot_wait_ms_p95;
    out->e2e_latency_ms.p50 += out->slot_wait_ms_p50;
    out->e2e_latency_ms.p95 += out->slot_wait_ms_p95;
    out->wait_ms_p50 = out->step_wait_ms_p50 + out->slot_wait_ms_p50;
    out->wait_ms_p95 = out->step_wait_ms_p95 + out->slot_wait_ms_p95;
}

/* Whether `rate` (all replicas) saturates one replica of capacity cap. */
static int saturates(const rl_config *c, double rate, double cap)
{
    return !(rate / (c->replicas > 0 ? c->replicas : 1) < cap);
}

void rl_serving_set_capacity(rl_serving *out, const rl_config *c, double cap, int cap_conc,
                             const rl_rate_points *pts)
{
    rate_table t = { 0 };
    if (!saturates(c, out->rate, cap)) table_fill(c, cap_conc, cap, pts, &t);   /* else unused */
    set_capacity(out, c, cap, cap_conc, &t);
}

/* One replica made ready to serve rates: the normalised configuration,
 * its one-sequence estimate, its capacity and the rate table. */
typedef struct prepared {
    rl_config n;
    rl_estimate one;
    double cap;
    int conc;
    rate_table t;
} prepared;

/* cap_rps < 0: find the capacity here (its scan's rates then fill the
 * table).  rate > 0: the one rate to be served (no table when it
 * saturates); 0: rates below the capacity (a bisection).  RL_OK or
 * RL_EINPUT. */
static int prepare(const rl_config *c, double cap_rps, int cap_conc, const rl_rate_points *pts,
                   double rate, prepared *p)
{
    rl_rate_points own;
    if (!c || rl_config_normalise(c, &p->n, NULL, 0, NULL) != RL_OK) return RL_EINPUT;
    p->n.quiet = 1;
    p->n.concurrency = 1;
    if (rl_estimate_run(&p->n, &p->one, NULL) != RL_OK) return RL_EINPUT;
    if (cap_rps < 0) {
        cap_rps = capacity(&p->n, &cap_conc, &own);
        pts = &own;
    }
    p->cap = cap_rps;
    p->conc = cap_conc;
    memset(&p->t, 0, sizeof p->t);
    if (!(rate > 0) || !saturates(&p->n, rate, cap_rps))
        table_fill(&p->n, cap_conc, cap_rps, pts, &p->t);
    return RL_OK;
}

static int serve_prepared(const prepared *p, double rate, rl_serving *out)
{
    rl_config x;
    rl_estimate e;

    memset(out, 0, sizeof *out);
    if (!(rate > 0)) return RL_EINPUT;
    out->rate = rate;
    double r = rate / p->n.replicas;                        /* per replica */
    double L = r * p->one.e2e_latency_ms.p50 / 1000;
    if (L <= 1) {                       /* mostly idle: a half step's wait */
        out->step_wait_ms_p50 = L * 0.5 * p->one.tpot_ms.p50;
        out->step_wait_ms_p95 = L * 0.95 * p->one.tpot_ms.p95;
        e = p->one;
        e.ttft_ms.p50 += out->step_wait_ms_p50;
        e.ttft_ms.p95 += out->step_wait_ms_p95;
        e.e2e_latency_ms.p50 += out->step_wait_ms_p50;
        e.e2e_latency_ms.p95 += out->step_wait_ms_p95;
    } else {
        x = p->n;
        for (int pass = 0; pass < 2; pass++) {
            x.concurrency = (int)fmin(CONC_CAP, lround(L));
            if (rl_estimate_run(&x, &e, NULL) != RL_OK) return RL_EINPUT;
            L = r * e.e2e_latency_ms.p50 / 1000;
        }
    }
    out->in_flight = L;
    /* saturated: these are the latencies at the fixed point's concurrency,
     * a floor -- the queue keeps growing; printers say so */
    out->ttft_unqueued_ms = e.ttft_ms;
    out->tpot_ms = e.tpot_ms;
    out->e2e_unqueued_ms = e.e2e_latency_ms;
    set_capacity(out, &p->n, p->cap, p->conc, &p->t);
    return RL_OK;
}

static int serve(const rl_config *c, double rate, double cap_rps, int cap_conc,
                 const rl_rate_points *pts, rl_serving *out)
{
    prepared p;
    memset(out, 0, sizeof *out);
    if (!c || !(rate > 0) || prepare(c, cap_rps, cap_conc, pts, rate, &p) != RL_OK)
        return RL_EINPUT;
    return serve_prepared(&p, rate, out);
}

int rl_serving_run(const rl_config *c, double rate, rl_serving *out)
{
    return serve(c, rate, -1, 0, NULL, out);
}

void rl_serving_apply(rl_estimate *e, const rl_serving *v)
{
    e->serving = *v;
    e->ttft_ms = v->ttft_ms;
    e->tpot_ms = v->tpot_ms;
    e->e2e_latency_ms = v->e2e_latency_ms;
}

/* Does one replica meet the SLOs at `rate` under Poisson arrivals? */
static int meets_at(const prepared *p, const rl_slo *slo, double rate)
{
    rl_serving v;
    if (serve_prepared(p, rate, &v) != RL_OK || v.saturated) return 0;
    if (slo->ttft_ms_p95 > 0 && !(v.ttft_ms.p95 <= slo->ttft_ms_p95)) return 0;
    if (slo->tpot_ms_p95 > 0 && p->n.output > 0 && !(v.tpot_ms.p95 <= slo->tpot_ms_p95))
        return 0;
    return 1;
}

double rl_replica_rps_within_slo(const rl_config *c, const rl_slo *slo, double cap_rps,
                                 int cap_conc)
{
    return rl_replica_rps_within_slo_pts(c, slo, cap_rps, cap_conc, NULL);
}

double rl_replica_rps_within_slo_pts(const rl_config *c, const rl_slo *slo, double cap_rps,
                                     int cap_conc, const rl_rate_points *pts)
{
    rl_config one;
    prepared p;
    double lo = 0, hi = cap_rps, tol = cap_rps * 1e-3;

    if (!c || !(cap_rps > 0)) return 0;
    if (!slo || (slo->ttft_ms_p95 <= 0 && slo->tpot_ms_p95 <= 0)) return cap_rps;
    one = *c;
    one.replicas = 1;
    one.devices = c->tp * c->pp;
    if (prepare(&one, cap_rps, cap_conc, pts, 0, &p) != RL_OK) return 0;
    /* the latencies rise with the load (more in flight, longer queue):
     * bisect on the rate; the capacity itself is saturated by definition */
    if (!meets_at(&p, slo, tol)) return 0;
    if (meets_at(&p, slo, hi - tol)) return hi - tol;      /* the queue never binds */
    while (hi - lo > tol) {
        double mid = 0.5 * (lo + hi);
        if (meets_at(&p, slo, mid)) lo = mid;
        else hi = mid;
    }
    return lo > 0 ? lo : tol;
}

int rl_serving_run_cap(const rl_config *c, double rate, double cap_rps, int cap_conc,
                       const rl_rate_points *pts, rl_serving *out)
{
    if (!(cap_rps >= 0)) {
        if (out) memset(out, 0, sizeof *out);
        return RL_EINPUT;
    }
    return serve(c, rate, cap_rps, cap_conc, pts, out);
}
