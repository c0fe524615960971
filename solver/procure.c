/*
 * procure.c -- what to buy for a demand mix (procure.h).
 *
 * Options: one scenario per (demand, candidate), built as libconfig
 * settings in memory (as scenario_flags.c does) so the scenario loader
 * applies its own defaults and checks, searched by rl_solve at
 * concurrency 1 with one replica (latency only grows with the batch, so
 * a configuration that misses an SLO at one sequence misses it at every
 * batch); each surviving split is then sized by rl_replica_capacity_rps,
 * which picks the batch, and derated by rl_replica_rps_within_slo to the
 * Poisson rate at which the SLOs hold with queueing (a replica at its
 * peak never drains its queue).  The best RL_PROC_KEEP per
 * devices-per-replica count are kept.
 *
 * MILP (README.md "procure: what to buy for a demand mix"):
 *   r_o  integer replicas of option o      n_h  integer nodes of candidate h
 *   t    headroom (fixed 1 unless max_headroom)
 *   demand d:   sum_{o of d} cap_o r_o - rps_d t >= 0
 *   devices h:  sum_{o on h} dpr_o r_o - dpn_h n_h <= 0
 *   budget:     capex + energy <= budget_usd        (when given)
 *   power:      sum_o (P_o - dpr_o idle_h) r_o + sum_h idle_h dpn_h n_h <= power_w_max
 *   max count:  n_h <= floor(max_count_h / dpn_h)   (a bound)
 * min_cost minimises capex + energy; min_power the power, then cost;
 * max_headroom maximises t, then minimises cost (two solves each:
 * lexicographic, no weights to tune).
 */
#include "procure.h"
#include "milp.h"
#include "solver.h"
#include "scenario.h"

#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define TM_LIM_MS 10000             /* per MILP solve */
#define HOURS_PER_YEAR 8760.0
#define SOLVE_TOP 8                /* configurations taken from each search */
#define PAIR_KEEP 64                /* distinct splits sized per pair */
#define RL_PROC_MAX_JOBS 64

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* ---- options ------------------------------------------------------------ */

static config_setting_t *add(config_setting_t *p, const char *k, int type)
{
    return p ? config_setting_add(p, k, type) : NULL;
}

/* The settings of one (demand, candidate) scenario; 0 or -1 on OOM. */
static int pair_settings(config_t *cfg, const rl_plan_demand *d, const rl_plan_cand *c,
                         int tp)
{
    config_setting_t *r = config_root_setting(cfg), *w, *q, *s, *m;
    int ok = 1;
    ok &= config_setting_set_string(add(r, "model", CONFIG_TYPE_STRING), d->model_id);
    ok &= config_setting_set_string(add(r, "hardware", CONFIG_TYPE_STRING), c->hw_id);
    ok &= config_setting_set_int(add(r, "devices", CONFIG_TYPE_INT), c->devices_per_node);
    ok &= config_setting_set_int(add(r, "top", CONFIG_TYPE_INT), SOLVE_TOP);
    w = add(r, "workload", CONFIG_TYPE_GROUP);
    ok &= config_setting_set_int(add(w, "prompt_tokens", CONFIG_TYPE_INT), (int)d->prompt_tokens);
    ok &= config_setting_set_int(add(w, "output_tokens", CONFIG_TYPE_INT), (int)d->output_tokens);
    q = add(r, "requirements", CONFIG_TYPE_GROUP);
    if (d->ttft_ms_p95 > 0)
        ok &= config_setting_set_float(add(q, "ttft_ms_p95", CONFIG_TYPE_FLOAT), d->ttft_ms_p95);
    if (d->tpot_ms_p95 > 0)
        ok &= config_setting_set_float(add(q, "tpot_ms_p95", CONFIG_TYPE_FLOAT), d->tpot_ms_p95);
    s = add(r, "search", CONFIG_TYPE_GROUP);
    ok &= config_setting_set_int_elem(add(s, "replicas", CONFIG_TYPE_ARRAY), -1, 1) != NULL;
    /* one replica spans one node: tensor parallel inside it, no pipeline
     * (vLLM's and SGLang's advice within a node); one search per degree,
     * so the best of each devices-per-replica count are all ranked */
    ok &= config_setting_set_int_elem(add(s, "tp", CONFIG_TYPE_ARRAY), -1, tp) != NULL;
    ok &= config_setting_set_int_elem(add(s, "pp", CONFIG_TYPE_ARRAY), -1, 1) != NULL;
    /* serving from host RAM is never what one buys hardware for */
    ok &= config_setting_set_string_elem(add(s, "offload", CONFIG_TYPE_ARRAY), -1, "none")
          != NULL;
    if (d->n_quants) {
        m = add(s, "quant", CONFIG_TYPE_ARRAY);
        for (int i = 0; i < d->n_quants; i++)
            ok &= config_setting_set_string_elem(m, -1, d->quants[i]) != NULL;
    }
    if (d->n_runtimes) {
        m = add(r, "runtimes", CONFIG_TYPE_ARRAY);
        for (int i = 0; i < d->n_runtimes; i++)
            ok &= config_setting_set_string_elem(m, -1, d->runtimes[i]) != NULL;
    }
    return ok ? 0 : -1;
}

/* Same configuration up to the batch (which capacity picks itself). */
static int same_split(const rl_proc_option *a, const rl_proc_option *b)
{
    return a->tp == b->tp && a->pp == b->pp && a->offload_layers == b->offload_layers &&
           a->ep == b->ep && a->dp_attention == b->dp_attention &&
           a->context_cap == b->context_cap && !strcmp(a->runtime, b->runtime) &&
           !strcmp(a->quant, b->quant) && !strcmp(a->kv, b->kv);
}

/* Insert o into the pair's kept list (n entries, best capacity first per
 * devices-per-replica, at most RL_PROC_KEEP each). */
static void keep_option(rl_proc_option *kept, int *n, int cap, const rl_proc_option *o)
{
    int same_dpr = 0, worst = -1;
    for (int i = 0; i < *n; i++) {
        if (same_split(&kept[i], o)) {
            if (o->capacity_rps > kept[i].capacity_rps) kept[i] = *o;
            return;
        }
        if (kept[i].devices_per_replica != o->devices_per_replica) continue;
        same_dpr++;
        if (worst < 0 || kept[i].capacity_rps < kept[worst].capacity_rps) worst = i;
    }
    if (same_dpr < RL_PROC_KEEP && *n < cap) kept[(*n)++] = *o;
    else if (worst >= 0 && o->capacity_rps > kept[worst].capacity_rps) kept[worst] = *o;
}

/* 1 when k replicas of a can stand in for one of b: together no more
 * devices, at least its capacity, no more power (any node that holds b
 * holds them, so no plan needs b). */
static int dominates(const rl_proc_option *a, const rl_proc_option *b)
{
    for (int k = 1; k * a->devices_per_replica <= b->devices_per_replica; k++)
        if (k * a->capacity_rps >= b->capacity_rps && k * a->power_w <= b->power_w)
            return 1;
    return 0;
}

/* Drop the pair's options that another of its options dominates (ties:
 * the earlier one stays). */
static int prune_dominated(rl_proc_option *o, int n)
{
    int m = 0;
    for (int i = 0; i < n; i++) {
        int drop = 0;
        for (int j = 0; j < n && !drop; j++)
            if (j != i && dominates(&o[j], &o[i]))
                drop = !dominates(&o[i], &o[j]) || j < i;
        if (!drop) o[m++] = o[i];
    }
    return m;
}

/* Size one ranked configuration as an option (capacity 0: none). */
static void size_option(const rl_ranked *k, const rl_plan_demand *d, rl_proc_option *o)
{
    rl_config c = k->cfg;
    rl_slo slo = { d->ttft_ms_p95, d->tpot_ms_p95 };
    rl_estimate e;
    int conc = 0;
    memset(o, 0, sizeof *o);
    c.replicas = 1;
    c.devices = c.tp * c.pp;
    c.quiet = 1;
    rl_rate_points pts;
    o->peak_rps = rl_replica_capacity_scan(&c, &slo, RL_SCN_CONC_MAX, &conc, &pts);
    if (o->peak_rps <= 0 || conc < 1) return;
    /* a replica loaded to its peak has a queue that never drains: size by
     * the rate at which the SLOs still hold under Poisson arrivals */
    o->capacity_rps = rl_replica_rps_within_slo_pts(&c, &slo, o->peak_rps, conc, &pts);
    if (o->capacity_rps <= 0) return;
    c.concurrency = conc;
    if (rl_estimate_run(&c, &e, NULL) != RL_OK) {
        o->capacity_rps = 0;
        return;
    }
    snprintf(o->runtime, sizeof o->runtime, "%s", c.rt->id);
    snprintf(o->quant, sizeof o->quant, "%s", c.quant->id);
    snprintf(o->kv, sizeof o->kv, "%s", c.kv->id);
    o->tp = c.tp;
    o->pp = c.pp;
    o->ep = c.ep > 1 ? c.ep : 1;
    o->dp_attention = c.dp_attention;
    o->offload_layers = c.offload_layers;
    o->context_cap = c.context_cap;
    o->devices_per_replica = c.tp * c.pp;
    o->concurrency = conc;
    o->power_w = e.power_w;
}

/* One search of a pair at tensor-parallel degree tp; its distinct splits
 * sized into kept[] (nk of PAIR_KEEP). */
static int pair_tp(const rl_plan *p, int di, int ci, int tp, const rl_catalog *cat,
                   rl_proc_option *kept, int *nk, rl_err *err)
{
    config_t cfg;
    rl_scenario *s = NULL;
    rl_solve_opts so;
    rl_solve_result res;
    int rc;
    memset(&res, 0, sizeof res);
    config_init(&cfg);
    if (pair_settings(&cfg, &p->demand[di], &p->cand[ci], tp) < 0) {
        config_destroy(&cfg);
        return rl_err_set(err, RL_EIO, NULL, 0, "out of memory");
    }
    rc = rl_scenario_load_config(&cfg, p->path, cat, &s, err);
    config_destroy(&cfg);
    if (rc != RL_OK) {                  /* name the demand, not a key we wrote */
        char msg[sizeof err->msg];
        snprintf(msg, sizeof msg, "%s", err ? err->msg : "");
        return rl_err_set(err, rc, p->path, p->demand[di].line, "demand %s on %s: %s",
                          p->demand[di].name, p->cand[ci].hw_id, msg);
    }
    rl_solve_opts_init(&so);
    rc = rl_solve(s, cat, &so, &res, err);
    for (int i = 0; rc == RL_OK && i < res.n_ranked; i++) {
        const rl_config *c = &res.ranked[i].cfg;
        rl_proc_option o;
        int seen = 0;
        for (int k = 0; k < *nk && !seen; k++)   /* sized already (another batch) */
            seen = kept[k].tp == c->tp && kept[k].pp == c->pp &&
                   kept[k].ep == (c->ep > 1 ? c->ep : 1) &&
                   kept[k].dp_attention == c->dp_attention &&
                   kept[k].offload_layers == c->offload_layers &&
                   kept[k].context_cap == c->context_cap &&
                   !strcmp(kept[k].runtime, c->rt->id) && !strcmp(kept[k].quant, c->quant->id) &&
                   !strcmp(kept[k].kv, c->kv->id);
        if (seen) continue;
        size_option(&res.ranked[i], &p->demand[di], &o);
        o.demand = di;
        o.cand = ci;
        if (o.capacity_rps > 0) keep_option(kept, nk, PAIR_KEEP, &o);
    }
    rl_solve_result_free(&res);
    rl_scenario_free(s);
    return rc;
}

/* The options of one pair (owned *out, *n of them): a search per
 * tensor-parallel degree 1, 2, 4 ... devices_per_node. */
static int pair_options(const rl_plan *p, int di, int ci, const rl_catalog *cat,
                        rl_proc_option **out, int *n, rl_err *err)
{
    rl_proc_option kept[PAIR_KEEP];
    int nk = 0, rc = RL_OK;
    *out = NULL;
    *n = 0;
    for (int tp = 1; rc == RL_OK && tp <= p->cand[ci].devices_per_node; tp *= 2)
        rc = pair_tp(p, di, ci, tp, cat, kept, &nk, err);
    if (rc != RL_OK) return rc;
    nk = prune_dominated(kept, nk);
    if (nk == 0) return RL_OK;          /* no option: *out stays NULL */
    if (!(*out = malloc((size_t)nk * sizeof *kept)))
        return rl_err_set(err, RL_EIO, NULL, 0, "out of memory");
    memcpy(*out, kept, (size_t)nk * sizeof *kept);
    *n = nk;
    return RL_OK;
}

/* Pairs shared by the workers: each takes the next index and files its
 * options (or its error) under that index. */
typedef struct pair_work {
    const rl_plan *p;
    const rl_catalog *cat;
    int n_pairs, next;
    rl_proc_option **opt;       /* n_pairs */
    int *n, *rc;                /* n_pairs */
    rl_err *err;                /* n_pairs */
} pair_work;

static void *pair_worker(void *arg)
{
    pair_work *w = arg;
    int i;
    while ((i = __atomic_fetch_add(&w->next, 1, __ATOMIC_RELAXED)) < w->n_pairs) {
        rl_err_clear(&w->err[i]);
        w->rc[i] = pair_options(w->p, i / w->p->n_cand, i % w->p->n_cand, w->cat,
                                &w->opt[i], &w->n[i], &w->err[i]);
    }
    return NULL;
}

/* Run the workers (the calling thread is one of them). */
static void run_pairs(pair_work *w, int jobs)
{
    pthread_t th[RL_PROC_MAX_JOBS];
    int started = 0;
    if (jobs <= 0) jobs = (int)sysconf(_SC_NPROCESSORS_ONLN);
    if (jobs > w->n_pairs) jobs = w->n_pairs;
    if (jobs > RL_PROC_MAX_JOBS) jobs = RL_PROC_MAX_JOBS;
    for (int j = 1; j < jobs; j++)
        if (pthread_create(&th[started], NULL, pair_worker, w) == 0) started++;
    pair_worker(w);
    for (int j = 0; j < started; j++) pthread_join(th[j], NULL);
}

int rl_procure_options(const rl_plan *p, const rl_catalog *cat, rl_proc_option **opt,
                       int *n, rl_err *err)
{
    int np = p->n_demand * p->n_cand, rc = RL_OK, total = 0;
    pair_work w = { p, cat, np, 0, calloc((size_t)np + 1, sizeof *w.opt),
                    calloc((size_t)np + 1, sizeof *w.n), calloc((size_t)np + 1, sizeof *w.rc),
                    calloc((size_t)np + 1, sizeof *w.err) };
    *opt = NULL;
    *n = 0;
    if (!w.opt || !w.n || !w.rc || !w.err)
        rc = rl_err_set(err, RL_EIO, NULL, 0, "out of memory");
    else
        run_pairs(&w, p->jobs);
    for (int i = 0; rc == RL_OK && i < np; i++) {
        if (w.rc[i] != RL_OK) {
            rc = w.rc[i];
            if (err) *err = w.err[i];
        }
        total += w.n[i];
    }
    if (rc == RL_OK && total && !(*opt = malloc((size_t)total * sizeof **opt)))
        rc = rl_err_set(err, RL_EIO, NULL, 0, "out of memory");
    for (int i = 0; rc == RL_OK && i < np; i++) {
        if (w.n[i] == 0) continue;      /* w.opt[i] NULL: nothing to copy */
        memcpy(*opt + *n, w.opt[i], (size_t)w.n[i] * sizeof **opt);
        *n += w.n[i];
    }
    for (int i = 0; w.opt && i < np; i++) free(w.opt[i]);
    free(w.opt);
    free(w.n);
    free(w.rc);
    free(w.err);
    if (rc != RL_OK) {
        free(*opt);
        *opt = NULL;
        *n = 0;
    }
    return rc;
}

/* ---- the MILP ------------------------------------------------------------ */

/* What one solve may use and must meet. */
typedef struct model_spec {
    int objective;              /* enum rl_proc_objective: what is minimised */
    int use_budget, use_power, use_max;
    int without;                /* candidate excluded, -1 none */
    double cost_cap;            /* > 0: cost <= this (lexicographic stage) */
    double power_cap;           /* > 0: power <= this */
    double headroom_min;        /* > 0: t >= this */
} model_spec;

typedef struct msol {
    int status;                 /* enum rl_proc_status */
    double cost, capex, energy, power, headroom, objective;
    int nodes[RL_PLAN_MAX_CAND];
    int *r;                     /* n_opt, owned by the caller */
} msol;

typedef struct ctx {
    const rl_plan *p;
    const rl_proc_option *o;
    int n;
    double *x;                  /* scratch, n + n_cand + 1 */
    int *idx;
    double *coef;
    long solves;
} ctx;

/* USD of energy per watt drawn over the plan's years. */
static double usd_per_w(const rl_plan *p)
{
    return p->energy_usd_per_kwh * p->years * HOURS_PER_YEAR / 1000.0;
}

/* Power coefficient of option o: its draw above the idle its devices
 * already count for as bought devices. */
static double opt_power(const ctx *C, int o)
{
    const rl_plan_cand *c = &C->p->cand[C->o[o].cand];
    return C->o[o].power_w - C->o[o].devices_per_replica * c->hw->idle_w;
}

static double node_power(const rl_plan_cand *c)
{
    return c->hw->idle_w * c->devices_per_node;
}

static double node_capex(const rl_plan_cand *c) { return c->price_usd * c->devices_per_node; }

/* Fill idx/coef with the cost (what = 0), power (1) or capex (2)
 * expression; returns the number of terms. */
static int expr(const ctx *C, int what, const model_spec *m)
{
    int k = 0, nc = C->p->n_cand;
    double e = what == 0 ? usd_per_w(C->p) : 0;
    for (int o = 0; o < C->n && what != 2; o++) {
        double v = what == 1 ? opt_power(C, o) : e * opt_power(C, o);
        if (v != 0 && C->o[o].cand != m->without) {
            C->idx[k] = o;
            C->coef[k++] = v;
        }
    }
    for (int h = 0; h < nc; h++) {
        const rl_plan_cand *c = &C->p->cand[h];
        double v = what == 1 ? node_power(c) : node_capex(c) + e * node_power(c);
        if (what == 2) v = node_capex(c);
        C->idx[k] = C->n + h;
        C->coef[k++] = v;
    }
    return k;
}

/* Upper bound of variable j (a replica count or a node count): 0 for the
 * excluded candidate, max_count in whole replicas / nodes when used. */
static double var_ub(const ctx *C, const model_spec *m, int j)
{
    int h = j < C->n ? C->o[j].cand : j - C->n;
    const rl_plan_cand *c = &C->p->cand[h];
    int per = j < C->n ? C->o[j].devices_per_replica : c->devices_per_node;
    if (h == m->without) return 0;
    if (m->use_max && c->max_count > 0) return floor((double)c->max_count / per);
    return HUGE_VAL;
}

static int add_vars(rl_milp *M, ctx *C, const model_spec *m, rl_err *err)
{
    int rc = RL_OK, nv = C->n + C->p->n_cand, t = nv;
    double *cost = C->x;                    /* scratch until the solve */
    memset(cost, 0, (size_t)nv * sizeof *cost);
    if (m->objective != RL_PROC_MAX_HEADROOM) {
        int k = expr(C, m->objective == RL_PROC_MIN_POWER, m);
        for (int i = 0; i < k; i++) cost[C->idx[i]] = C->coef[i];
    }
    for (int j = 0; rc == RL_OK && j < nv; j++)
        rc = rl_milp_var(M, j, 0, var_ub(C, m, j), 1, cost[j], err);
    if (rc == RL_OK) {                      /* t: free only for max_headroom */
        double lo = m->headroom_min > 1 ? m->headroom_min : 1;
        int free_t = m->objective == RL_PROC_MAX_HEADROOM;
        rc = rl_milp_var(M, t, lo, free_t ? 1e6 : lo, 0, free_t ? -1.0 : 0, err);
    }
    return rc;
}

static int add_rows(rl_milp *M, ctx *C, const model_spec *m, rl_err *err)
{
    const rl_plan *p = C->p;
    int rc = RL_OK, nc = p->n_cand, t = C->n + nc;
    for (int d = 0; rc == RL_OK && d < p->n_demand; d++) {
        int k = 0;
        for (int o = 0; o < C->n; o++)
            if (C->o[o].demand == d && C->o[o].cand != m->without) {
                C->idx[k] = o;
                C->coef[k++] = C->o[o].capacity_rps;
            }
        C->idx[k] = t;
        C->coef[k++] = -p->demand[d].requests_per_s;
        rc = rl_milp_row(M, "demand", RL_ROW_GE, k, C->idx, C->coef, 0, err);
    }
    for (int h = 0; rc == RL_OK && h < nc; h++) {
        int k = 0;
        for (int o = 0; o < C->n; o++)
            if (C->o[o].cand == h) {
                C->idx[k] = o;
                C->coef[k++] = C->o[o].devices_per_replica;
            }
        C->idx[k] = C->n + h;
        C->coef[k++] = -p->cand[h].devices_per_node;
        rc = rl_milp_row(M, "devices", RL_ROW_LE, k, C->idx, C->coef, 0, err);
    }
    double cost_cap = m->use_budget && p->budget_usd > 0 ? p->budget_usd : HUGE_VAL;
    double power_cap = m->use_power && p->power_w_max > 0 ? p->power_w_max : HUGE_VAL;
    if (m->cost_cap > 0) cost_cap = fmin(cost_cap, m->cost_cap);
    if (m->power_cap > 0) power_cap = fmin(power_cap, m->power_cap);
    if (rc == RL_OK && isfinite(cost_cap))
        rc = rl_milp_row(M, "budget", RL_ROW_LE, expr(C, 0, m), C->idx, C->coef, cost_cap, err);
    if (rc == RL_OK && isfinite(power_cap))
        rc = rl_milp_row(M, "power", RL_ROW_LE, expr(C, 1, m), C->idx, C->coef, power_cap, err);
    return rc;
}

/* Evaluate cost, power and headroom of the solution in C->x. */
static void evaluate(const ctx *C, msol *s)
{
    const rl_plan *p = C->p;
    double served[RL_PLAN_MAX_DEMAND] = {0};
    s->capex = s->power = 0;
    for (int o = 0; o < C->n; o++) {
        s->r[o] = (int)lround(C->x[o]);
        s->power += s->r[o] * opt_power(C, o);
        served[C->o[o].demand] += s->r[o] * C->o[o].capacity_rps;
    }
    for (int h = 0; h < p->n_cand; h++) {
        s->nodes[h] = (int)lround(C->x[C->n + h]);
        s->capex += s->nodes[h] * node_capex(&p->cand[h]);
        s->power += s->nodes[h] * node_power(&p->cand[h]);
    }
    s->energy = s->power * usd_per_w(p);
    s->cost = s->capex + s->energy;
    s->headroom = HUGE_VAL;
    for (int d = 0; d < p->n_demand; d++)
        s->headroom = fmin(s->headroom, served[d] / p->demand[d].requests_per_s);
}

/* One MILP solve of spec m into s. */
static int solve_once(ctx *C, const model_spec *m, msol *s, rl_err *err)
{
    int nv = C->n + C->p->n_cand + 1, st;
    double obj;
    rl_milp *M = rl_milp_new_large(nv, C->p->n_demand + C->p->n_cand + 2, err);
    int rc = M ? add_vars(M, C, m, err) : RL_EIO;
    if (rc == RL_OK) rc = add_rows(M, C, m, err);
    if (rc == RL_OK) rc = rl_milp_solve_x(M, TM_LIM_MS, &st, &obj, C->x, err);
    rl_milp_free(M);
    C->solves++;
    if (rc != RL_OK) return rc;
    if (st == RL_MILP_UNBOUNDED)
        return rl_err_set(err, RL_ESOLVER, NULL, 0, "procurement MILP unbounded");
    s->status = st == RL_MILP_OPTIMAL ? RL_PROC_OPTIMAL
              : st == RL_MILP_FEASIBLE ? RL_PROC_TIME_LIMIT : RL_PROC_INFEASIBLE;
    if (s->status != RL_PROC_INFEASIBLE) {
        evaluate(C, s);
        s->objective = obj;
    }
    return RL_OK;
}

/* The plan's objective, lexicographically: the primary, then the cheapest
 * plan that keeps it (min_power and max_headroom). */
static int solve_plan(ctx *C, model_spec m, msol *s, rl_err *err)
{
    int rc = solve_once(C, &m, s, err);
    if (rc != RL_OK || s->status == RL_PROC_INFEASIBLE || m.objective == RL_PROC_MIN_COST)
        return rc;
    double primary = s->objective;
    int st = s->status;
    if (m.objective == RL_PROC_MIN_POWER) m.power_cap = s->power * (1 + 1e-9) + 1e-9;
    else m.headroom_min = s->headroom * (1 - 1e-9);
    m.objective = RL_PROC_MIN_COST;
    rc = solve_once(C, &m, s, err);
    if (rc == RL_OK) {
        s->objective = primary;
        if (st == RL_PROC_TIME_LIMIT) s->status = st;
    }
    return rc;
}

/* ---- explaining the answer ------------------------------------------------ */

static void spec_init(model_spec *m, int objective)
{
    memset(m, 0, sizeof *m);
    m->objective = objective;
    m->use_budget = m->use_power = m->use_max = 1;
    m->without = -1;
}

static int has_max(const rl_plan *p)
{
    for (int h = 0; h < p->n_cand; h++)
        if (p->cand[h].max_count > 0) return 1;
    return 0;
}

/* "h100-sxm 16 (max 8), l40s 4" into buf. */
static void purchase_text(const rl_plan *p, const msol *s, char *buf, size_t n)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int h = 0; h < p->n_cand && used < n; h++) {
        const rl_plan_cand *c = &p->cand[h];
        int w;
        if (!s->nodes[h]) continue;
        w = snprintf(buf + used, n - used, "%s%s %d", used ? ", " : "", c->hw_id,
                     s->nodes[h] * c->devices_per_node);
        if (w > 0) used += (size_t)w;
        if (c->max_count > 0 && used < n) {
            w = snprintf(buf + used, n - used, " (max %d)", c->max_count);
            if (w > 0) used += (size_t)w;
        }
    }
}

static void why(rl_proc_result *r, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
static void why(rl_proc_result *r, const char *fmt, ...)
{
    va_list ap;
    if (r->n_why >= RL_PROC_MAX_WHY) return;
    va_start(ap, fmt);
    vsnprintf(r->why[r->n_why++], sizeof r->why[0], fmt, ap);
    va_end(ap);
}

/* Re-solve with one limit relaxed (which: 0 budget, 1 power, 2 max
 * counts, 3 all); *fixed = 1 when that makes the plan feasible. */
static int relax(ctx *C, int which, int objective, msol *s, int *fixed, rl_err *err)
{
    model_spec m;
    spec_init(&m, objective);
    if (which == 0 || which == 3) m.use_budget = 0;
    if (which == 1 || which == 3) m.use_power = 0;
    if (which == 2 || which == 3) m.use_max = 0;
    int rc = solve_plan(C, m, s, err);
    *fixed = rc == RL_OK && s->status != RL_PROC_INFEASIBLE;
    return rc;
}

/* An infeasible plan: which demand or limit blocks, and by how much. */
static int explain_infeasible(ctx *C, rl_proc_result *r, msol *s, rl_err *err)
{
    const rl_plan *p = C->p;
    char buy[400];
    int rc = RL_OK, fixed, any = 0;
    for (int d = 0; d < p->n_demand; d++)
        if (r->unserved[d])
            why(r, "demand %s: no configuration of %s on any candidate meets its SLOs "
                "(ttft_ms_p95 %g, tpot_ms_p95 %g)", p->demand[d].name, p->demand[d].model_id,
                p->demand[d].ttft_ms_p95, p->demand[d].tpot_ms_p95);
    if (r->n_why) return RL_OK;
    if (p->budget_usd > 0 && !(rc = relax(C, 0, RL_PROC_MIN_COST, s, &fixed, err)) && fixed) {
        r->budget_needed_usd = s->cost;
        why(r, "budget_usd: the cheapest plan within the other limits costs %.0f USD, "
            "%.0f over the budget of %.0f", s->cost, s->cost - p->budget_usd, p->budget_usd);
        any = 1;
    }
    if (!rc && p->power_w_max > 0 && !(rc = relax(C, 1, RL_PROC_MIN_POWER, s, &fixed, err)) &&
        fixed) {
        r->power_needed_w = s->power;
        why(r, "power_w_max: the lowest-power plan within the other limits draws %.0f W, "
            "%.0f over the limit of %.0f", s->power, s->power - p->power_w_max, p->power_w_max);
        any = 1;
    }
    if (!rc && has_max(p) && !(rc = relax(C, 2, RL_PROC_MIN_COST, s, &fixed, err)) && fixed) {
        purchase_text(p, s, buy, sizeof buy);
        why(r, "max_count: the cheapest plan within the other limits buys %s", buy);
        any = 1;
    }
    if (!rc && !any && !(rc = relax(C, 3, RL_PROC_MIN_COST, s, &fixed, err))) {
        if (fixed) {
            purchase_text(p, s, buy, sizeof buy);
            r->budget_needed_usd = s->cost;
            why(r, "no single limit is to blame; without budget, power and max counts the "
                "cheapest plan costs %.0f USD, draws %.0f W and buys %s", s->cost, s->power,
                buy);
        } else {
            why(r, "no combination of the options meets every demand");
        }
    }
    return rc;
}

/* 1 when objective a is strictly better (lower) than b. */
static int better(double a, double b)
{
    return a < b - 1e-7 * fmax(1.0, fabs(b));
}

/* Binding limits and the best plan without each candidate. */
static int explain_optimal(ctx *C, rl_proc_result *r, const msol *best, msol *s, rl_err *err)
{
    const rl_plan *p = C->p;
    int rc = RL_OK, fixed;
    /* A limit on the very quantity minimised never binds: a better plan
     * without it would be within it too (no solve) -- the budget under
     * min_cost, the power limit under min_power. */
    if (p->budget_usd > 0 && p->objective != RL_PROC_MIN_COST &&
        !(rc = relax(C, 0, p->objective, s, &fixed, err)))
        r->bind_budget = fixed && better(s->objective, best->objective);
    if (!rc && p->power_w_max > 0 && p->objective != RL_PROC_MIN_POWER &&
        !(rc = relax(C, 1, p->objective, s, &fixed, err)))
        r->bind_power = fixed && better(s->objective, best->objective);
    if (!rc && has_max(p) && !(rc = relax(C, 2, p->objective, s, &fixed, err)))
        r->bind_max_count = fixed && better(s->objective, best->objective);
    for (int h = 0; rc == RL_OK && h < p->n_cand; h++) {
        model_spec m;
        const msol *w = s;
        spec_init(&m, p->objective);
        m.without = h;
        /* a candidate the plan does not buy: the same plan stays feasible
         * and optimal without it, no solve needed */
        if (best->nodes[h] == 0) w = best;
        else rc = solve_plan(C, m, s, err);
        r->without[h].status = w->status;
        if (rc == RL_OK && w->status != RL_PROC_INFEASIBLE) {
            r->without[h].total_cost_usd = w->cost;
            r->without[h].total_power_w = w->power;
            r->without[h].headroom = w->headroom;
        }
    }
    return rc;
}

static void fill(const ctx *C, rl_proc_result *r, const msol *s)
{
    const rl_plan *p = C->p;
    r->status = s->status;
    r->total_cost_usd = s->cost;
    r->capex_usd = s->capex;
    r->energy_usd = s->energy;
    r->total_power_w = s->power;
    r->headroom = s->headroom;
    for (int h = 0; h < p->n_cand; h++) {
        const rl_plan_cand *c = &p->cand[h];
        r->nodes[h] = s->nodes[h];
        r->devices[h] = s->nodes[h] * c->devices_per_node;
        r->at_max[h] = c->max_count > 0 && r->devices[h] + c->devices_per_node > c->max_count;
    }
    for (int o = 0; o < C->n; o++) r->used[C->o[o].cand] += s->r[o] * C->o[o].devices_per_replica;
}

int rl_procure_optimise(const rl_plan *p, const rl_proc_option *opt, int n,
                        rl_proc_result *res, rl_err *err)
{
    int nv = n + p->n_cand + 1, rc = RL_OK;
    double t0 = now_ms();
    ctx C = { p, NULL, n, NULL, NULL, NULL, 0 };
    msol best, tmp;
    memset(res, 0, sizeof *res);
    memset(&best, 0, sizeof best);
    memset(&tmp, 0, sizeof tmp);
    res->objective = p->objective;
    res->opt = malloc((size_t)(n ? n : 1) * sizeof *opt);
    res->replicas = calloc((size_t)(n ? n : 1), sizeof *res->replicas);
    tmp.r = malloc((size_t)(n ? n : 1) * sizeof *tmp.r);
    C.x = malloc((size_t)nv * sizeof *C.x);
    C.idx = malloc((size_t)nv * sizeof *C.idx);
    C.coef = malloc((size_t)nv * sizeof *C.coef);
    if (!res->opt || !res->replicas || !tmp.r || !C.x || !C.idx || !C.coef)
        rc = rl_err_set(err, RL_EIO, NULL, 0, "out of memory");
    if (rc == RL_OK) {
        memcpy(res->opt, opt, (size_t)n * sizeof *opt);
        res->n_opt = n;
        C.o = res->opt;
        best.r = res->replicas;
        for (int d = 0; d < p->n_demand; d++) res->unserved[d] = 1;
        for (int o = 0; o < n; o++) res->unserved[opt[o].demand] = 0;
        model_spec m;
        spec_init(&m, p->objective);
        rc = solve_plan(&C, m, &best, err);
    }
    if (rc == RL_OK && best.status != RL_PROC_INFEASIBLE) {
        fill(&C, res, &best);
        rc = explain_optimal(&C, res, &best, &tmp, err);
    } else if (rc == RL_OK) {
        res->status = RL_PROC_INFEASIBLE;
        memset(res->replicas, 0, (size_t)(n ? n : 1) * sizeof *res->replicas);
        rc = explain_infeasible(&C, res, &tmp, err);
    }
    res->milp_solves = C.solves;
    res->milp_ms = now_ms() - t0;
    free(tmp.r);
    free(C.x);
    free(C.idx);
    free(C.coef);
    if (rc != RL_OK) rl_proc_result_free(res);
    return rc;
}

int rl_procure(const rl_plan *p, const rl_catalog *cat, rl_proc_result *res, rl_err *err)
{
    rl_proc_option *opt;
    int n, rc;
    double t0 = now_ms();
    memset(res, 0, sizeof *res);
    rc = rl_procure_options(p, cat, &opt, &n, err);
    if (rc != RL_OK) return rc;
    double t1 = now_ms();
    rc = rl_procure_optimise(p, opt, n, res, err);
    free(opt);
    if (rc == RL_OK) res->options_ms = t1 - t0;
    return rc;
}

void rl_proc_result_free(rl_proc_result *r)
{
    if (!r) return;
    free(r->opt);
    free(r->replicas);
    memset(r, 0, sizeof *r);
}
