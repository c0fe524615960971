/*
 * solver.c -- candidate enumeration, pruning, ranking (solver.h).
 *
 * The candidate space is walked as a loop nest, one level per axis, in
 * the order of enum rl_axis (runtime, quant, kv, tp, pp, replicas, window,
 * offload, concurrency, context cap).  A static rule is attached to the deepest
 * level among the axes it reads; when it fails there, every candidate
 * below is rejected at once and counted.  The two innermost levels
 * (concurrency, cap; both sorted ascending) are walked by leaf_block,
 * which runs the estimate and the estimate rules and
 *   - uses the rules' monotone flags and `axes` to skip what a failure
 *     already decides (prune_after, the dead[] marks for larger
 *     concurrency);
 *   - settles a feasible candidate's larger caps in bulk (extend_caps: a
 *     KV-scaling guess confirmed by two estimates, else bisection);
 *   - for offload = "partial" walks both axes downwards
 *     (leaf_block_partial), reusing what the offload = none block learnt
 *     (fit_none, mem_none) and finding the fewest host layers by a secant
 *     search (min_host_layers) seeded by the placement (placement.c).
 *
 * Feasible candidates are kept as compact records (axis indices and the
 * numbers ranking needs), only the best `top`, and for --pareto the
 * non-dominated ones (front_add, at most RL_PARETO_KEEP); those are
 * estimated again in full, with explanations, at the end.
 * tests/test_solver.c checks that all this agrees with the exhaustive
 * walk (opts.exhaustive), which estimates every candidate.
 */
#include "solver.h"
#include "constraint.h"
#include "objective.h"
#include "placement.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

_Static_assert((int)RL_CO_NONE == (int)RL_OFFLOAD_NONE &&
                   (int)RL_CO_PARTIAL == (int)RL_OFFLOAD_PARTIAL &&
                   (int)RL_CO_FULL == (int)RL_OFFLOAD_FULL,
               "constraint.h and scenario.h offload modes must agree");

enum { L_RT, L_Q, L_KV, L_TP, L_PP, L_REP, L_WIN, L_OFF, L_CONC, L_CAP, NLEV };
#define MAX_AX 64
#define MAX_RULES 32

typedef struct axes {               /* the axes of one runtime */
    int n[NLEV];
    const rl_quant *quant[MAX_AX];
    const rl_kvtype *kv[MAX_AX];
    int tp[MAX_AX], pp[MAX_AX], rep[MAX_AX], off[3], conc[MAX_AX];
    int ep[MAX_AX], dpa[MAX_AX];    /* beside tp: one tp level value is a
                                       (tp, ep, dp_attention) triple */
    long win[MAX_AX], cap[MAX_AX];
} axes;

typedef struct feas {               /* one feasible candidate, compact */
    int rt, idx[NLEV];
    int offload_layers;
    rl_obj_point pt;
} feas;

typedef struct cap_memo {           /* at a rate: one replica's requests/s per
                                       batch, for the bound candidate */
    long gen;                       /* outer_gen it belongs to (-1: none) */
    int off, layers;                /* offload mode, host layers */
    long cap;                       /* context cap */
    int have_pool, pool_ok;
    double maxconc;                 /* KV pool's sequences at one sequence */
    rl_rate_points pts;             /* rl_replica_rps_at without SLOs, by batch */
    int have_lat, lat_rc;           /* the serving result but its capacity */
    rl_serving lat;                 /* (the same for every batch cap) */
} cap_memo;

typedef struct search {
    const rl_scenario *s;
    const rl_catalog *cat;
    const rl_solve_opts *o;
    const struct rl_objective_ops *obj;
    rl_obj_ctx octx;
    rl_limits lim;
    axes ax;
    int rt_i;
    int idx[NLEV];
    rl_config cfg;
    rl_cons_ctx cctx;
    rl_estimate est;                /* scratch */
    rl_estimate est_hi;             /* min_host_layers: the fitting probe */
    rl_solve_result *res;
    feas *f;
    long nf, capf;                  /* kept feasible records */
    long keep;                      /* how many best records to keep */
    feas *front;                    /* --pareto: non-dominated records,
                                       throughput desc then latency asc */
    long nfront, capfront;
    rl_place_cache *cache;
    int n_static[NLEV], static_at[NLEV][MAX_RULES];
    int n_est, est_rules[MAX_RULES];
    int example_devices[RL_MAX_REASON_CODES]; /* devices of each example */
    unsigned char fit_none[MAX_AX][MAX_AX]; /* [conc][cap]: 1 fits with no
                                               offload, 2 does not, 0 unknown */
    unsigned char have_mem[MAX_AX][MAX_AX]; /* mem_none filled */
    rl_memory mem_none[MAX_AX][MAX_AX];     /* memory with no offload */
    int last_fit_L;                 /* host layers S->est was run with */
    long outer_gen, none_gen;       /* fit_none is valid while equal */
    int know_none;                  /* partial block after its none block */
    int fatal;                      /* rl_status that stops the search */
    rl_err *err;
    double rate;                    /* workload.request_rate (0: none): every
                                       candidate is served at it (serve) */
    cap_memo cm;                    /* serve's capacity terms */
} search;

/* ---- bookkeeping ------------------------------------------------------ */

static void count_reason(search *S, const char *code, const char *detail, long n)
{
    rl_solve_result *r = S->res;
    int i;
    if (n <= 0) return;
    for (i = 0; i < r->n_reasons; i++)
        if (strcmp(r->reasons[i].code, code) == 0) break;
    if (i == r->n_reasons) {
        if (r->n_reasons == RL_MAX_REASON_CODES) i = RL_MAX_REASON_CODES - 1;
        else r->n_reasons++;
        snprintf(r->reasons[i].code, sizeof r->reasons[i].code, "%s", code);
    }
    r->reasons[i].count += n;
    /* Keep the example from the candidate using the most devices: "two
     * devices hold 48 GiB" says more than "one device holds 24 GiB". */
    int used = S->cfg.tp * S->cfg.pp;
    if (detail && detail[0] && (!r->reasons[i].example[0] || used > S->example_devices[i])) {
        snprintf(r->reasons[i].example, sizeof r->reasons[i].example, "%s", detail);
        S->example_devices[i] = used;
    }
}

static long subtree(const search *S, int lev)
{
    long n = 1;
    for (int l = lev + 1; l < NLEV; l++) n *= S->ax.n[l];
    return n;
}

static int deepest(unsigned bits)
{
    int d = 0;
    for (int l = 0; l < NLEV; l++)
        if (bits & (1u << l)) d = l;
    return d;
}

static void plan_rules(search *S)
{
    for (int i = 0; rl_constraints[i] && i < MAX_RULES; i++) {
        const struct rl_constraint_ops *r = rl_constraints[i];
        if (r->stage == RL_CONS_STATIC) {
            int l = deepest(r->axes);
            S->static_at[l][S->n_static[l]++] = i;
        } else {
            S->est_rules[S->n_est++] = i;
        }
    }
}

/* ---- axes ------------------------------------------------------------- */

static int pow2_axis(int devices, int *v)
{
    int n = 0;
    for (int x = 1; x <= devices && n < MAX_AX - 1; x *= 2) v[n++] = x;
    if (v[n - 1] != devices && n < MAX_AX) v[n++] = devices;
    return n;
}

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

static void cap_axis(const rl_scenario *s, long need, axes *a)
{
    int n = 0;
    if (!s->n_cap) {
        a->cap[0] = need;
        a->n[L_CAP] = 1;
        return;
    }
    for (int i = 0; i < s->n_cap; i++) a->cap[n++] = s->context_cap[i] ? s->context_cap[i] : need;
    qsort(a->cap, (size_t)n, sizeof *a->cap, cmp_long);
    int w = 0;
    for (int i = 0; i < n; i++)
        if (!w || a->cap[w - 1] != a->cap[i]) a->cap[w++] = a->cap[i];
    a->n[L_CAP] = w;
}

static void quant_kv_axes(const rl_scenario *s, const rl_catalog *cat,
                          const rl_runtime *rt, axes *a)
{
    int n = 0;
    if (s->n_quant) {
        for (int i = 0; i < s->n_quant; i++) a->quant[n++] = s->quant[i];
    } else if (s->file_q.id[0]) {
        a->quant[n++] = &s->file_q;     /* an HF checkpoint's own format */
    } else if (s->file_quant[0] && rl_catalog_quant(cat, s->file_quant)) {
        a->quant[n++] = rl_catalog_quant(cat, s->file_quant);  /* a GGUF is one format */
    } else {
        for (int i = 0; i < rt->n_quants && n < MAX_AX; i++) {
            const rl_quant *q = rl_catalog_quant(cat, rt->quants[i]);
            if (q) a->quant[n++] = q;
        }
    }
    a->n[L_Q] = n;
    n = 0;
    if (s->n_kv) {
        for (int i = 0; i < s->n_kv; i++) a->kv[n++] = s->kv[i];
    } else {
        for (int i = 0; i < rt->n_kv && n < MAX_AX; i++) {
            const rl_kvtype *k = rl_catalog_kvtype(cat, rt->kv_dtypes[i]);
            if (k) a->kv[n++] = k;
        }
        if (!n && rl_catalog_kvtype(cat, "fp16")) a->kv[n++] = rl_catalog_kvtype(cat, "fp16");
        if (s->model.kind == RL_ENCODER && n > 1) n = 1;    /* no KV cache to vary */
    }
    a->n[L_KV] = n;
}

/* Expert parallelism and DP-attention ride on the tp level: each tp value
 * becomes (tp, ep, dp_attention) triples.  ep: the listed degrees that
 * divide tp (and the runtime's rule: vLLM's EP spans the whole group),
 * else {1, tp} for a MoE model on a runtime with EP; dp_attention: the
 * listed values, else {0, 1} for a MoE model on a runtime with it, and
 * only at tp >= 2.  A dense model, or a runtime without them, keeps one
 * triple per tp: (tp, 1, 0), so its candidate count does not grow. */
static void moe_axes(const rl_scenario *s, const rl_runtime *rt, axes *a)
{
    int tps[MAX_AX], n = a->n[L_TP], out = 0;
    int moe = s->model.experts > 0;
    memcpy(tps, a->tp, sizeof(int) * (size_t)n);
    for (int i = 0; i < n; i++) {
        int tp = tps[i], eps[RL_SCN_MAX_AXIS + 1], ne = 0, dps[2], nd = 0;
        if (s->n_ep) {
            for (int k = 0; k < s->n_ep; k++) {
                int e = s->ep[k];
                if (e == 1 || (rt->expert_parallel && moe && tp % e == 0 &&
                               e <= s->model.experts && (!rt->ep_whole_group || e == tp)))
                    eps[ne++] = e;
            }
        } else {
            eps[ne++] = 1;
            if (moe && rt->expert_parallel && tp > 1 && tp <= s->model.experts)
                eps[ne++] = tp;
        }
        if (s->n_dpa) {
            for (int k = 0; k < s->n_dpa; k++)
                if (!s->dp_attention[k] || (rt->dp_attention && tp >= 2))
                    dps[nd++] = s->dp_attention[k];
        } else {
            dps[nd++] = 0;
            if (moe && rt->dp_attention && tp >= 2) dps[nd++] = 1;
        }
        for (int e = 0; e < ne; e++)
            for (int d = 0; d < nd && out < MAX_AX; d++) {
                a->tp[out] = tp;
                a->ep[out] = eps[e];
                a->dpa[out] = dps[d];
                out++;
            }
    }
    a->n[L_TP] = out;
}

static void build_axes(search *S, const rl_runtime *rt)
{
    const rl_scenario *s = S->s;
    axes *a = &S->ax;
    memset(a, 0, sizeof *a);
    a->n[L_RT] = s->n_runtimes;
    quant_kv_axes(s, S->cat, rt, a);
    if (s->n_tp) { memcpy(a->tp, s->tp, sizeof(int) * (size_t)s->n_tp); a->n[L_TP] = s->n_tp; }
    else if (rt->tensor_parallel) a->n[L_TP] = pow2_axis(s->devices, a->tp);
    else { a->tp[0] = 1; a->n[L_TP] = 1; }
    moe_axes(s, rt, a);
    if (s->n_pp) { memcpy(a->pp, s->pp, sizeof(int) * (size_t)s->n_pp); a->n[L_PP] = s->n_pp; }
    else if (rt->layer_split) a->n[L_PP] = pow2_axis(s->devices, a->pp);
    else { a->pp[0] = 1; a->n[L_PP] = 1; }
    /* replicas: the listed counts, else every copy that fits (0) */
    if (s->n_rep) { memcpy(a->rep, s->replicas, sizeof(int) * (size_t)s->n_rep);
                    a->n[L_REP] = s->n_rep; }
    else { a->rep[0] = 0; a->n[L_REP] = 1; }
    if (s->n_window) { memcpy(a->win, s->sliding_window, sizeof(long) * (size_t)s->n_window);
                       a->n[L_WIN] = s->n_window; }
    else { a->win[0] = 0; a->n[L_WIN] = 1; }
    if (s->n_offload) {     /* none first: partial reuses what it learnt */
        for (int m = RL_OFFLOAD_NONE; m <= RL_OFFLOAD_FULL; m++)
            for (int k = 0; k < s->n_offload; k++)
                if (s->offload[k] == m) a->off[a->n[L_OFF]++] = m;
    }
    else {
        a->off[0] = RL_OFFLOAD_NONE;
        a->n[L_OFF] = 1;
        if (rt->offload && s->hw.host_ram_gib > 0 && !s->req.deterministic)
            a->off[a->n[L_OFF]++] = RL_OFFLOAD_PARTIAL;
    }
    if (s->n_conc) { memcpy(a->conc, s->concurrency_axis, sizeof(int) * (size_t)s->n_conc);
                     a->n[L_CONC] = s->n_conc; }
    else { a->conc[0] = s->concurrency; a->n[L_CONC] = 1; }
    cap_axis(s, S->lim.context_tokens, a);
}

/* Set axis `lev` of the current candidate to its i-th value. */
static void bind(search *S, int lev, int i)
{
    rl_config *c = &S->cfg;
    const axes *a = &S->ax;
    S->idx[lev] = i;
    if (lev < L_OFF) S->outer_gen++;
    switch (lev) {
    case L_RT: c->rt = S->s->runtimes[i]; break;
    case L_Q: c->quant = a->quant[i]; break;
    case L_KV: c->kv = a->kv[i]; break;
    case L_TP:
        c->tp = a->tp[i];
        c->ep = a->ep[i];
        c->dp_attention = a->dpa[i];
        c->devices = c->tp * c->pp * c->replicas;
        break;
    case L_PP: c->pp = a->pp[i]; c->devices = c->tp * c->pp * c->replicas; break;
    case L_REP: {
        int fit = S->s->devices / (c->tp * c->pp);
        c->replicas = a->rep[i] > 0 ? a->rep[i] : fit > 0 ? fit : 1;
        c->devices = c->tp * c->pp * c->replicas;
        break;
    }
    case L_WIN: c->sliding_window = a->win[i]; break;
    case L_OFF: S->cctx.offload_mode = a->off[i]; c->offload_layers = 0; break;
    case L_CONC:
        c->concurrency = a->conc[i];
        if (S->rate > 0) c->max_num_seqs = c->concurrency;   /* the batch cap */
        break;
    case L_CAP: c->context_cap = a->cap[i]; break;
    }
}

/* ---- rules ------------------------------------------------------------ */

/* Static rules attached to level lev; on failure the subtree is counted. */
static int static_ok(search *S, int lev, long weight)
{
    for (int k = 0; k < S->n_static[lev]; k++) {
        const struct rl_constraint_ops *r = rl_constraints[S->static_at[lev][k]];
        rl_reason why = {r->name, ""};
        if (!r->check(&S->cctx, NULL, &why)) {
            count_reason(S, why.code ? why.code : r->name, why.detail, weight);
            S->res->pruned += weight;
            return 0;
        }
    }
    return 1;
}

/* The devices hold it (host RAM is the host_memory rule's business). */
static int fits_device(const rl_estimate *e)
{
    return rl_fle(e->mem.device_peak, e->mem.device_capacity);
}

static int run_estimate(search *S, rl_reason *why)
{
    rl_err e;
    rl_err_clear(&e);
    S->res->estimates++;
    if (rl_estimate_run(&S->cfg, &S->est, &e) == RL_OK) {
        if (S->cctx.offload_mode == RL_OFFLOAD_NONE) {   /* for partial mode */
            int i = S->idx[L_CONC], j = S->idx[L_CAP];
            S->fit_none[i][j] = fits_device(&S->est) ? 1 : 2;
            S->mem_none[i][j] = S->est.mem;
            S->have_mem[i][j] = 1;
        }
        return 1;
    }
    why->code = "estimate";
    snprintf(why->detail, sizeof why->detail, "%.190s", e.msg);
    return 0;
}

/* Estimate rules in registry order; a failure fills why and the failing
 * rule's flags: f->mono (monotone axes) and f->axes (axes it reads). */
typedef struct failinfo {
    unsigned mono, axes;
} failinfo;

static int check_estimate(search *S, rl_reason *why, failinfo *f)
{
    for (int k = 0; k < S->n_est; k++) {
        const struct rl_constraint_ops *r = rl_constraints[S->est_rules[k]];
        why->code = r->name;
        why->detail[0] = 0;
        if (!r->check(&S->cctx, &S->est, why)) {
            f->mono = r->monotone;
            f->axes = r->axes;
            if (S->rate > 0 && r->queued) {     /* the slot queue: see constraint.h */
                f->mono = 0;
                f->axes = ~0u;
            }
            return 0;
        }
    }
    return 1;
}

/* Does the candidate fit with L host layers?  (estimate into S->est) */
static int fits_with(search *S, int L, rl_reason *why, int *bad)
{
    S->cfg.offload_layers = L;
    if (!run_estimate(S, why)) {
        *bad = 1;
        return 0;
    }
    S->last_fit_L = L;
    return fits_device(&S->est);
}

/* Fewest host layers in [1, Lmax] that fit, given that none does not
 * (peak0: the device peak with no offload).  Device memory falls about
 * linearly with the host layers, so each step aims where the line
 * through the last two points crosses the capacity (secant), kept inside
 * the bracket (!fits(lo), fits(hi)); near the answer it probes L - 1
 * before L, so a right aim ends with S->est at the answer.  Returns -1
 * when even Lmax does not fit, -2 on an estimate error (why filled). */
static int min_host_layers(search *S, int g, int Lmax, double peak0, rl_reason *why)
{
    int bad = 0, lo = 0, hi = Lmax + 1;
    double xa = 0, pa = peak0, cap = S->est.mem.device_capacity;
    int x = g < 1 ? 1 : g > Lmax ? Lmax : g;
    for (int step = 0; step < 64 && hi - lo > 1; step++) {
        int fit = fits_with(S, x, why, &bad);
        if (bad) return -2;
        double px = S->est.mem.device_peak;
        if (S->est.mem.device_capacity > 0) cap = S->est.mem.device_capacity;
        if (fit) {
            hi = x;
            S->est_hi = S->est;             /* keep: evaluate needs it */
        } else {
            lo = x;
        }
        if (hi - lo <= 1) break;
        /* aim: where the secant through (xa, pa) and (x, px) meets cap */
        double slope = x != xa ? (pa - px) / (x - xa) : 0;
        int aim = slope > 0 ? (int)ceil(x + (px - cap) / slope - 1e-9) : (lo + hi) / 2;
        xa = x;
        pa = px;
        if (aim <= lo) aim = lo + 1;
        if (aim >= hi) aim = hi - 1;
        x = aim - 1 > lo ? aim - 1 : aim;       /* confirm aim - 1 fails first */
    }
    if (hi > Lmax) return -1;
    if (S->last_fit_L != hi) {                  /* last probe was lo: restore */
        S->est = S->est_hi;
        S->cfg.offload_layers = hi;
        S->last_fit_L = hi;
    }
    return hi;
}

/* Partial offload: choose offload_layers.  1: chosen (S->est is NOT
 * valid yet), 0: rejected (why, mono filled). */
static int choose_offload(search *S, rl_reason *why, failinfo *fi)
{
    rl_config *c = &S->cfg;
    rl_place_in in;
    rl_place_out out;
    rl_err e;
    int i = S->idx[L_CONC], j = S->idx[L_CAP];
    c->offload_layers = 0;
    S->last_fit_L = -1;
    if (S->know_none && S->fit_none[i][j] == 2 && S->have_mem[i][j]) {
        S->est.mem = S->mem_none[i][j];         /* what the none run learnt */
    } else {
        if (!run_estimate(S, why)) return 0;
        S->fit_none[i][j] = fits_device(&S->est) ? 1 : 2;     /* learn for dominance */
        S->mem_none[i][j] = S->est.mem;
        S->have_mem[i][j] = 1;
        if (fits_device(&S->est)) {
            why->code = "offload_not_needed";
            snprintf(why->detail, sizeof why->detail,
                     "fits without offload; the offload = none candidate covers it");
            return 0;
        }
    }
    double peak0 = S->est.mem.device_peak;
    rl_place_build(c, &S->est, 1, &in);
    rl_err_clear(&e);
    int rc = rl_place_solve(&in, &S->cctx, S->cache, S->o->use_milp, S->o->milp_tm_lim_ms,
                            &out, &S->res->milp_solves, &S->res->milp_cache_hits, &e);
    if (rc == RL_ESOLVER) {
        S->fatal = RL_ESOLVER;
        if (S->err) *S->err = e;
        return 0;
    }
    int Lmax = c->model->layers > 0 ? c->model->layers : 1;
    int L = min_host_layers(S, rc == RL_OK ? out.host_layers : Lmax, Lmax, peak0, why);
    if (L == -2) return 0;
    if (L < 0) {
        why->code = "device_memory";
        snprintf(why->detail, sizeof why->detail,
                 "even with all %d layers in host RAM a device needs %.1f GiB; it "
                 "holds %.1f GiB", Lmax, S->est.mem.device_peak, S->est.mem.device_capacity);
        fi->mono = RL_AX_CONC | RL_AX_CAP;
        return 0;
    }
    c->offload_layers = L;
    return 1;
}

static void near_miss(search *S);

/* One term of the capacity search (rl_replica_rps_at), memoised. */
static double memo_rps(search *S, int b)
{
    cap_memo *m = &S->cm;
    rl_rate_points *p = &m->pts;
    for (int k = 0; k < p->n; k++)
        if (p->b[k] == b) return p->r[k];
    double r = rl_replica_rps_at(&S->cfg, NULL, b);
    if (p->n < RL_RATE_POINTS) {
        p->b[p->n] = b;
        p->r[p->n++] = r;
    }
    return r;
}

/* Capacity of one replica of the bound candidate with batch cap `limit`,
 * found exactly as rl_replica_capacity_rps (no SLO) finds it -- the same
 * terms in the same order -- but each term is computed once for all the
 * batch caps of one (split, format, window, offload, context cap): it
 * does not depend on the cap.  *at gets the best batch. */
static double memo_capacity(search *S, int limit, int *at)
{
    cap_memo *m = &S->cm;
    const rl_config *c = &S->cfg;
    if (m->gen != S->outer_gen || m->off != S->cctx.offload_mode ||
        m->layers != c->offload_layers || m->cap != c->context_cap) {
        m->gen = S->outer_gen;
        m->off = S->cctx.offload_mode;
        m->layers = c->offload_layers;
        m->cap = c->context_cap;
        m->pts.n = m->have_pool = m->have_lat = 0;
    }
    if (!m->have_pool) {
        rl_config one = *c;
        rl_estimate e;
        one.concurrency = 1;
        one.replicas = 1;
        one.devices = c->tp * c->pp;
        one.quiet = 1;
        m->pool_ok = rl_estimate_run(&one, &e, NULL) == RL_OK;
        m->maxconc = m->pool_ok ? e.max_concurrency : 0;
        m->have_pool = 1;
    }
    int pool = m->pool_ok ? (int)fmin((double)limit, floor(m->maxconc)) : 0;
    double best = 0;
    *at = 0;
    for (int b = 1; b <= limit; b = b > limit / 2 ? limit + 1 : b * 2) {
        double r = memo_rps(S, b);
        if (r > best) { best = r; *at = b; }
    }
    if (pool > 1) {
        double r = memo_rps(S, pool);
        if (r > best) { best = r; *at = pool; }
    }
    return best;
}

/* With a rate: serve the estimated candidate at it (S->est gets the
 * serving figures).  Only where it fits the devices: what does not is
 * the memory rules' to reject, and its capacity would mean nothing.
 * 1 done (or not needed), 0 the serving model refused it (why filled). */
static int serve(search *S, rl_reason *why)
{
    rl_serving v;
    if (S->rate <= 0 || !fits_device(&S->est)) return 1;
    S->res->serving_runs++;
    int rc;
    if (S->o->exhaustive) {                 /* no shortcut: the reference path */
        rc = rl_serving_run(&S->cfg, S->rate, &v);
    } else {                                /* served once per batch-cap axis */
        int at;
        double cap = memo_capacity(S, S->cfg.max_num_seqs, &at);
        cap_memo *m = &S->cm;
        if (!m->have_lat) {
            m->lat_rc = rl_serving_run_cap(&S->cfg, S->rate, cap, at, &m->pts, &m->lat);
            m->have_lat = 1;
        }
        rc = m->lat_rc;
        v = m->lat;
        if (rc == RL_OK) rl_serving_set_capacity(&v, &S->cfg, cap, at, &m->pts);
    }
    if (rc != RL_OK) {
        why->code = "estimate";
        snprintf(why->detail, sizeof why->detail,
                 "does not run a single sequence, so it serves no rate");
        return 0;
    }
    rl_serving_apply(&S->est, &v);
    return 1;
}

/* Evaluate the bound candidate: 1 feasible (S->est valid), 0 rejected
 * (why, fi filled; fi->axes = every axis unless the rule says less). */
static int evaluate(search *S, rl_reason *why, failinfo *fi)
{
    rl_config *c = &S->cfg;
    fi->mono = 0;
    fi->axes = ~0u;
    switch (S->cctx.offload_mode) {
    case RL_OFFLOAD_PARTIAL:
        if (!choose_offload(S, why, fi)) return 0;
        break;
    case RL_OFFLOAD_FULL: c->offload_layers = c->model->layers; break;
    default: c->offload_layers = 0; break;
    }
    int have = S->cctx.offload_mode == RL_OFFLOAD_PARTIAL && S->last_fit_L == c->offload_layers;
    if (!have && !run_estimate(S, why)) return 0;
    if (!serve(S, why)) return 0;
    int ok = check_estimate(S, why, fi);
    if (!ok) near_miss(S);
    if (S->cctx.offload_mode == RL_OFFLOAD_PARTIAL) {
        /* the host layers change with concurrency and cap, and speed with
         * them: no rule's monotonicity survives that */
        fi->axes = ~0u;
        fi->mono = 0;
    }
    return ok;
}

/* While nothing is feasible, remember the rejected candidates that fail
 * the fewest rules (all of them listed), to say how close the search
 * came.  Only called with S->est valid for the current candidate. */
static void near_miss(search *S)
{
    rl_solve_result *r = S->res;
    rl_near_miss m;
    if (r->feasible > 0) return;
    memset(&m, 0, sizeof m);
    int saturated = 0;
    for (int k = 0; k < S->n_est && m.n_reasons < RL_NEAR_REASONS; k++) {
        const struct rl_constraint_ops *rule = rl_constraints[S->est_rules[k]];
        rl_reason why = {rule->name, ""};
        /* saturated: the latencies at the rate are only a floor (the queue
         * grows without bound); their SLOs add nothing to say */
        if (saturated && (!strcmp(rule->name, "ttft_slo") || !strcmp(rule->name, "tpot_slo")))
            continue;
        if (rule->check(&S->cctx, &S->est, &why)) continue;
        saturated |= !strcmp(rule->name, "saturated");
        snprintf(m.code[m.n_reasons], sizeof m.code[0], "%s", why.code ? why.code : rule->name);
        snprintf(m.detail[m.n_reasons++], RL_NOTE_LEN, "%s", why.detail);
    }
    if (!m.n_reasons) return;
    m.cfg = S->cfg;
    m.offload_mode = S->cctx.offload_mode;
    m.score = S->obj->value(&S->octx, &S->cfg, &S->est);
    if (S->rate > 0 && S->est.serving.rate <= 0)    /* not served (does not fit): */
        m.score = S->obj->minimize ? 1e300 : -1e300; /* after those that were */
    /* insertion into the short sorted list: fewer failures, then score */
    int pos = r->n_near < RL_MAX_NEAR ? r->n_near++ : RL_MAX_NEAR;
    while (pos > 0) {
        const rl_near_miss *p = &r->near[pos - 1];
        int better = m.n_reasons < p->n_reasons ||
                     (m.n_reasons == p->n_reasons && !rl_feq(m.score, p->score) &&
                      (S->obj->minimize ? m.score < p->score : m.score > p->score));
        if (!better) break;
        if (pos < RL_MAX_NEAR) r->near[pos] = r->near[pos - 1];
        pos--;
    }
    if (pos < RL_MAX_NEAR) r->near[pos] = m;
}

/* ---- the walk --------------------------------------------------------- */

/* The ranking numbers of the candidate just estimated. */
static rl_obj_point point_of(search *S)
{
    rl_obj_point p;
    p.value = S->obj->value(&S->octx, &S->cfg, &S->est);
    /* at a rate every candidate that keeps up serves the same tok/s: what
     * sets them apart (the front's axis, the tie-break) is what they could
     * serve, capacity x output tokens */
    double cap = rl_obj_capacity_tok_s(&S->octx, &S->cfg, &S->est);
    p.throughput = cap > 0 ? cap : rl_obj_throughput(&S->octx, &S->est);
    p.latency_ms = rl_obj_latency_ms(&S->octx, &S->est);
    p.devices = S->cfg.tp * S->cfg.pp * S->cfg.replicas;
    p.offload_layers = S->cfg.offload_layers;
    p.context_cap = S->cfg.context_cap;
    p.order = 0;
    return p;
}

/* x before y in the front's order: throughput desc, then latency asc. */
static int front_before(const rl_obj_point *x, const rl_obj_point *y)
{
    return x->throughput > y->throughput ||
           (x->throughput == y->throughput && x->latency_ms < y->latency_ms);
}

/* Add x to the front unless a kept record strictly dominates it (no more
 * throughput with no less latency, better in one); drop what x dominates.
 * Along the front latency never rises, so one binary search decides and
 * what x dominates is the run right after it.  Identical points all stay
 * (pareto_front picks among them as before).  Over RL_PARETO_KEEP the
 * lowest-throughput record goes. */
static void front_add(search *S, const feas *x)
{
    long lo = 0, hi = S->nfront, end;
    while (lo < hi) {                       /* first record x goes before */
        long mid = (lo + hi) / 2;
        if (front_before(&x->pt, &S->front[mid].pt)) hi = mid;
        else lo = mid + 1;
    }
    if (lo > 0) {
        const rl_obj_point *p = &S->front[lo - 1].pt;
        if (p->latency_ms <= x->pt.latency_ms &&
            (p->throughput > x->pt.throughput || p->latency_ms < x->pt.latency_ms))
            return;                         /* dominated */
    }
    for (end = lo; end < S->nfront && S->front[end].pt.latency_ms >= x->pt.latency_ms &&
                   !(S->front[end].pt.throughput == x->pt.throughput &&
                     S->front[end].pt.latency_ms == x->pt.latency_ms); end++) {}
    if (end == lo && S->nfront == S->capfront) {
        if (S->capfront == RL_PARETO_KEEP) {
            if (lo == S->nfront) return;    /* lowest throughput of a full front */
            S->nfront--;
        } else {
            long n = S->capfront ? S->capfront * 2 : 64;
            feas *q = realloc(S->front, (size_t)(n < RL_PARETO_KEEP ? n : RL_PARETO_KEEP) *
                                            sizeof *q);
            if (!q) {
                S->fatal = rl_err_set(S->err, RL_EIO, NULL, 0, "out of memory");
                return;
            }
            S->front = q;
            S->capfront = n < RL_PARETO_KEEP ? n : RL_PARETO_KEEP;
        }
    }
    /* replace front[lo, end) by x */
    memmove(&S->front[lo + 1], &S->front[end], (size_t)(S->nfront - end) * sizeof *S->front);
    S->front[lo] = *x;
    S->nfront += 1 - (end - lo);
}

/* At a request rate the concurrency axis is the batch cap (max_num_seqs),
 * a setting of one deployment rather than another workload: x and y are
 * the same deployment when every other axis agrees. */
static int same_deployment(const feas *x, const feas *y)
{
    if (x->rt != y->rt || x->offload_layers != y->offload_layers) return 0;
    for (int l = 0; l < NLEV; l++)
        if (l != L_CONC && x->idx[l] != y->idx[l]) return 0;
    return 1;
}

/* At a rate: 1 when the kept list already holds x's deployment at a batch
 * cap that ranks at least as well (x is dropped); else that entry, if
 * any, is removed to make room for x, and 0. */
static int kept_better_cap(search *S, const feas *x)
{
    for (long i = 0; i < S->nf; i++) {
        if (!same_deployment(x, &S->f[i])) continue;
        if (rl_objective_compare(S->obj, &S->f[i].pt, &x->pt) <= 0) return 1;
        memmove(&S->f[i], &S->f[i + 1], (size_t)(S->nf - i - 1) * sizeof *S->f);
        S->nf--;
        return 0;
    }
    return 0;
}

/* Keep feasible candidate (current axes, context cap index j): the best
 * `keep`, sorted (insertion into a short array beats sorting every
 * feasible candidate at the end), and for --pareto the front.  At a
 * request rate one deployment is kept once, at its best batch cap. */
static void record(search *S, rl_obj_point p, int j)
{
    feas x;
    x.rt = S->rt_i;
    memcpy(x.idx, S->idx, sizeof x.idx);
    x.idx[L_CAP] = j;
    x.offload_layers = p.offload_layers;
    x.pt = p;
    x.pt.context_cap = S->ax.cap[j];
    x.pt.order = S->res->feasible++;
    if (S->cctx.offload_mode == RL_OFFLOAD_NONE) S->fit_none[S->idx[L_CONC]][j] = 1;
    if (S->o->pareto) front_add(S, &x);
    if (S->rate > 0 && kept_better_cap(S, &x)) return;
    if (S->nf == S->keep &&
        (S->keep == 0 || rl_objective_compare(S->obj, &x.pt, &S->f[S->nf - 1].pt) >= 0))
        return;                                 /* not among the best */
    if (S->nf == S->capf) {
        long n = S->capf ? S->capf * 2 : 256;
        feas *q = realloc(S->f, (size_t)n * sizeof *q);
        if (!q) {
            S->fatal = rl_err_set(S->err, RL_EIO, NULL, 0, "out of memory");
            return;
        }
        S->f = q;
        S->capf = n;
    }
    long pos = S->nf < S->keep ? S->nf++ : S->nf - 1;
    while (pos > 0 && rl_objective_compare(S->obj, &x.pt, &S->f[pos - 1].pt) < 0) {
        S->f[pos] = S->f[pos - 1];
        pos--;
    }
    S->f[pos] = x;
}

static void reject(search *S, const char *code, const char *detail, long n, int pruned)
{
    count_reason(S, code, detail, n);
    if (pruned) S->res->pruned += n;
}

/* KV elements per sequence at `cap` tokens, as the estimate sizes them
 * (a forced window applies to every layer). */
static double kv_elems_at(const rl_config *c, long cap)
{
    rl_arch a = *c->model;
    if (c->sliding_window > 0 && a.layers > 0) {
        a.sliding_window = c->sliding_window;
        a.swa_layers = a.layers;
    }
    return rl_arch_kv_elems(&a, (double)cap);
}

/* Last cap in (j, end) predicted to fit, from the estimate at cap j:
 * only the KV term grows with the cap.  A guess: it is verified. */
static int predict_last_fit(const search *S, int j, int end)
{
    const rl_memory *m = &S->est.mem;
    double e0 = kv_elems_at(&S->cfg, S->ax.cap[j]);
    int k = j;
    while (k + 1 < end) {
        double ratio = e0 > 0 ? kv_elems_at(&S->cfg, S->ax.cap[k + 1]) / e0 : 1;
        if (m->device_peak + m->kv_cache * (ratio - 1) > m->device_capacity) break;
        k++;
    }
    return k;
}

/* Probe cap k: 1 pass, 0 fail (why/fi filled), -1 cannot tell. */
static int probe_cap(search *S, int k, rl_reason *why, failinfo *fi)
{
    bind(S, L_CAP, k);
    if (!run_estimate(S, why)) return -1;
    if (check_estimate(S, why, fi)) return 1;
    return (fi->mono & RL_AX_CAP) ? 0 : -1;
}

/* Feasible at cap j (offload none/full): the larger caps differ only in
 * memory, which is monotone in the cap, so find the last cap that still
 * passes -- first where the KV scaling predicts it, then by bisection --
 * and record everything up to it.  Returns the first cap index not
 * decided (ncap when all are). */
static int extend_caps(search *S, int j, const char **dead)
{
    int ncap = S->ax.n[L_CAP], lo = j, hi = j + 1;
    rl_obj_point p = point_of(S);
    rl_reason why = {NULL, ""}, bwhy = {NULL, ""};
    failinfo fi, bfi = {0, 0};
    record(S, p, j);
    while (hi < ncap && !dead[hi]) hi++;        /* search (j, first dead) */
    int end = hi;                               /* pass(lo); hi: first fail or end */
    if (hi - lo > 1) {
        int g = predict_last_fit(S, j, end), r;
        int probes[2] = {g, g + 1};
        for (int t = 0; t < 2 && hi - lo > 1; t++) {
            int k = probes[t];
            if (k <= lo || k >= hi) continue;
            if ((r = probe_cap(S, k, &why, &fi)) < 0) return j + 1;   /* go linear */
            if (r) lo = k;
            else { hi = k; bwhy = why; bfi = fi; break; }
        }
    }
    while (hi - lo > 1) {
        int mid = lo + (hi - lo) / 2, r = probe_cap(S, mid, &why, &fi);
        if (r < 0) return j + 1;
        if (r) lo = mid;
        else { hi = mid; bwhy = why; bfi = fi; }
    }
    for (int k = j + 1; k <= lo; k++) record(S, p, k);
    if (hi < end) {
        /* hi failed: everything from hi up fails for the same reason */
        for (int k = hi; k < ncap; k++) {
            reject(S, dead[k] ? dead[k] : bwhy.code, k == hi ? bwhy.detail : NULL, 1, k > hi);
            if (!dead[k] && (bfi.mono & RL_AX_CONC)) dead[k] = bwhy.code;
        }
        return ncap;
    }
    return end;
}

/* After a failure at cap j: prune what the rule's flags decide.  Returns
 * 1 when the rest of this concurrency's caps were skipped. */
static int prune_after(search *S, int j, const rl_reason *why, const failinfo *fi,
                       const char **dead)
{
    int ncap = S->ax.n[L_CAP];
    int all_caps = !(fi->axes & RL_AX_CAP);     /* speed rule: same at every cap */
    if (fi->mono & RL_AX_CONC) {
        int from = j, to = (all_caps || (fi->mono & RL_AX_CAP)) ? ncap : j + 1;
        for (int k = from; k < to; k++)
            if (!dead[k]) dead[k] = why->code;
    }
    if (all_caps || (fi->mono & RL_AX_CAP)) {
        for (int k = j + 1; k < ncap; k++) reject(S, dead[k] ? dead[k] : why->code, NULL, 1, 1);
        return 1;
    }
    return 0;
}

/* Known to fit with no offload: memory is monotone in concurrency and
 * cap, so a fit at any (i2 >= i, j2 >= j) implies one at (i, j). */
static int fits_without_offload(const search *S, int i, int j)
{
    for (int a = i; a < S->ax.n[L_CONC]; a++)
        for (int b = j; b < S->ax.n[L_CAP]; b++)
            if (S->fit_none[a][b] == 1) return 1;
    return 0;
}

/* Partial offload: concurrency and cap both descending, so one fit
 * without offload at a large (conc, cap) settles every smaller one as
 * offload_not_needed; the host layers differ per cell, so no other
 * pruning applies. */
static void leaf_block_partial(search *S)
{
    int ncap = S->ax.n[L_CAP];
    S->know_none = S->none_gen == S->outer_gen;
    if (!S->know_none) {                     /* no none block ran: learn here */
        memset(S->fit_none, 0, sizeof S->fit_none);
        memset(S->have_mem, 0, sizeof S->have_mem);
        S->know_none = 1;
    }
    for (int i = S->ax.n[L_CONC] - 1; i >= 0 && !S->fatal; i--) {
        bind(S, L_CONC, i);
        if (!static_ok(S, L_CONC, ncap)) continue;
        for (int j = ncap - 1; j >= 0 && !S->fatal; j--) {
            bind(S, L_CAP, j);
            if (!static_ok(S, L_CAP, 1)) continue;
            if (fits_without_offload(S, i, j)) {
                reject(S, "offload_not_needed",
                       "fits without offload; the offload = none candidate covers it", 1, 1);
                continue;
            }
            rl_reason why = {NULL, ""};
            failinfo fi;
            if (evaluate(S, &why, &fi)) record(S, point_of(S), j);
            else if (!S->fatal) reject(S, why.code, why.detail, 1, 0);
        }
    }
}

static void leaf_block(search *S)
{
    const char *dead[MAX_AX] = {0};     /* cap j rejected for all larger conc */
    int ncap = S->ax.n[L_CAP], mode = S->cctx.offload_mode;
    if (mode == RL_OFFLOAD_PARTIAL) {
        leaf_block_partial(S);
        return;
    }
    if (mode == RL_OFFLOAD_NONE) {
        memset(S->fit_none, 0, sizeof S->fit_none);
        memset(S->have_mem, 0, sizeof S->have_mem);
        S->none_gen = S->outer_gen;
    }
    for (int i = 0; i < S->ax.n[L_CONC] && !S->fatal; i++) {
        bind(S, L_CONC, i);
        if (!static_ok(S, L_CONC, ncap)) continue;
        for (int j = 0; j < ncap && !S->fatal; j++) {
            if (dead[j]) {
                reject(S, dead[j], NULL, 1, 1);
                continue;
            }
            bind(S, L_CAP, j);
            if (!static_ok(S, L_CAP, 1)) continue;
            rl_reason why = {NULL, ""};
            failinfo fi;
            if (evaluate(S, &why, &fi)) {
                /* at a rate the capacity (and the score) changes with the
                 * cap: each cap is its own point, no bulk settling */
                if (S->o->exhaustive || S->rate > 0) {
                    record(S, point_of(S), j);
                    continue;
                }
                j = extend_caps(S, j, dead) - 1;
                continue;
            }
            if (S->fatal) return;
            reject(S, why.code, why.detail, 1, 0);
            if (!S->o->exhaustive && prune_after(S, j, &why, &fi, dead)) break;
        }
    }
}

static void walk(search *S, int lev)
{
    if (lev == L_CONC) {
        leaf_block(S);
        return;
    }
    for (int i = 0; i < S->ax.n[lev] && !S->fatal; i++) {
        bind(S, lev, i);
        if (!static_ok(S, lev, subtree(S, lev))) continue;
        walk(S, lev + 1);
    }
}

/* ---- ranking ---------------------------------------------------------- */

/* Merge sort with the objective as context (qsort has none; batch runs
 * solves in threads, so no globals). */
static void sort_feas(feas *f, long n, const struct rl_objective_ops *o, feas *tmp)
{
    if (n < 2) return;
    long h = n / 2;
    sort_feas(f, h, o, tmp);
    sort_feas(f + h, n - h, o, tmp);
    long i = 0, j = h, k = 0;
    while (i < h && j < n)
        tmp[k++] = rl_objective_compare(o, &f[j].pt, &f[i].pt) < 0 ? f[j++] : f[i++];
    while (i < h) tmp[k++] = f[i++];
    while (j < n) tmp[k++] = f[j++];
    memcpy(f, tmp, (size_t)n * sizeof *f);
}

static void add_expl(rl_ranked *r, const char *text)
{
    if (text[0] && r->n_expl < RL_MAX_NOTES)
        snprintf(r->expl[r->n_expl++], RL_NOTE_LEN, "%s", text);
}

static void offload_expl(search *S, rl_ranked *r)
{
    char b[RL_NOTE_LEN];
    int L = r->cfg.offload_layers, n = r->cfg.model->layers;
    if (L <= 0) return;
    snprintf(b, sizeof b, "%d of %d layers in host RAM (llama.cpp -ngl %d); host "
             "traffic is %.0f%% of a decode step", L, n, n - L, r->est.share_offload);
    add_expl(r, b);
    if (r->offload_mode != RL_OFFLOAD_PARTIAL) return;
    rl_place_in in;
    rl_place_out out;
    rl_estimate e0;
    rl_config c0 = r->cfg;
    c0.offload_layers = 0;
    if (rl_estimate_run(&c0, &e0, NULL) != RL_OK) return;
    rl_place_build(&c0, &e0, 1, &in);
    if (in.v.n_classes < 2) return;
    if (rl_place_solve(&in, &S->cctx, S->cache, S->o->use_milp, S->o->milp_tm_lim_ms,
                       &out, NULL, NULL, NULL) != RL_OK)
        return;
    /* which kinds of layer to offload; the count is the estimate's */
    int off = snprintf(b, sizeof b, "placement %s: offload", out.used_milp ? "MILP" : "rule");
    for (int k = 0, first = 1; k < in.v.n_classes && off < (int)sizeof b; k++)
        if (out.y[k][RL_TIER_HOST] > 0) {
            off += snprintf(b + off, sizeof b - (size_t)off, "%s %s layers (%d of %d)",
                            first ? "" : ",", in.label[k], out.y[k][RL_TIER_HOST], in.count[k]);
            first = 0;
        }
    for (int k = 0, first = 1; k < in.v.n_classes && off < (int)sizeof b; k++)
        if (out.y[k][RL_TIER_HOST] == 0) {
            off += snprintf(b + off, sizeof b - (size_t)off, "%s %s layers",
                            first ? "; keep" : ",", in.label[k]);
            first = 0;
        }
    if (off < (int)sizeof b) snprintf(b + off, sizeof b - (size_t)off, " on the device");
    add_expl(r, b);
}

/* Rebuild feasible candidate f in full: config, estimate, explanations. */
static int materialise(search *S, const feas *f, rl_ranked *r)
{
    char b[RL_NOTE_LEN];
    memset(r, 0, sizeof *r);
    S->rt_i = f->rt;
    build_axes(S, S->s->runtimes[f->rt]);
    bind(S, L_RT, f->rt);
    for (int l = L_Q; l < NLEV; l++) bind(S, l, f->idx[l]);
    S->cfg.offload_layers = f->offload_layers;
    r->cfg = S->cfg;
    r->offload_mode = S->cctx.offload_mode;
    r->score = f->pt.value;
    r->throughput = f->pt.throughput;
    r->latency_ms = f->pt.latency_ms;
    r->cfg.quiet = 0;
    int rc = rl_estimate_run(&r->cfg, &r->est, S->err);
    if (rc != RL_OK) return rc;
    if (S->rate > 0) {                      /* as the search saw it */
        rl_serving v;
        if ((rc = rl_serving_run(&r->cfg, S->rate, &v)) != RL_OK)
            return rl_err_set(S->err, rc, NULL, 0, "serving model failed on a feasible "
                              "candidate");
        rl_serving_apply(&r->est, &v);
        r->throughput = rl_obj_throughput(&S->octx, &r->est);  /* served, not capacity */
    }
    S->obj->explain(&S->octx, &r->cfg, &r->est, b, sizeof b);
    add_expl(r, b);
    offload_expl(S, r);
    rl_cons_ctx cc = S->cctx;
    cc.cfg = &r->cfg;
    for (int i = 0; rl_constraints[i]; i++) {
        if (!rl_constraints[i]->explain) continue;
        b[0] = 0;
        rl_constraints[i]->explain(&cc, &r->est, b, sizeof b);
        add_expl(r, b);
    }
    return RL_OK;
}

/* Non-dominated set: higher throughput and lower latency.  f is sorted by
 * throughput (desc) then latency (asc) in place; indices go to out. */
static long pareto_front(feas *f, long n, long *out, long max)
{
    for (long i = 1; i < n; i++) {          /* insertion sort; n is modest */
        feas x = f[i];
        long j = i;
        while (j > 0 && (f[j - 1].pt.throughput < x.pt.throughput ||
                         (rl_feq(f[j - 1].pt.throughput, x.pt.throughput) &&
                          f[j - 1].pt.latency_ms > x.pt.latency_ms))) {
            f[j] = f[j - 1];
            j--;
        }
        f[j] = x;
    }
    long k = 0;
    double best = 0;
    for (long i = 0; i < n && k < max; i++)
        if (k == 0 || (f[i].pt.latency_ms < best && !rl_feq(f[i].pt.latency_ms, best))) {
            out[k++] = i;
            best = f[i].pt.latency_ms;
        }
    return k;
}

static int rank_results(search *S, int top)
{
    rl_solve_result *r = S->res;
    long nt = S->nfront;                    /* the front, and sort scratch */
    feas *tmp = nt ? malloc((size_t)nt * 2 * sizeof *tmp) : NULL;
    if (nt && !tmp) return rl_err_set(S->err, RL_EIO, NULL, 0, "out of memory");
    long n = S->nf < top ? S->nf : top;     /* S->f is kept sorted */
    r->ranked = n ? calloc((size_t)n, sizeof *r->ranked) : NULL;
    int rc = (n && !r->ranked) ? rl_err_set(S->err, RL_EIO, NULL, 0, "out of memory") : RL_OK;
    for (long i = 0; rc == RL_OK && i < n; i++) {
        rc = materialise(S, &S->f[i], &r->ranked[i]);
        r->ranked[i].rank = (int)i + 1;
        r->n_ranked = (int)i + 1;
    }
    if (rc == RL_OK && S->o->pareto && nt) {
        long idx[RL_PARETO_SHOW];
        /* in objective order, as if every feasible record had been kept */
        memcpy(tmp, S->front, (size_t)nt * sizeof *tmp);
        sort_feas(tmp, nt, S->obj, tmp + nt);
        long k = pareto_front(tmp, nt, idx, RL_PARETO_SHOW);
        r->pareto = calloc((size_t)k, sizeof *r->pareto);
        if (!r->pareto) rc = rl_err_set(S->err, RL_EIO, NULL, 0, "out of memory");
        for (long i = 0; rc == RL_OK && i < k; i++) {
            rc = materialise(S, &tmp[idx[i]], &r->pareto[i]);
            r->pareto[i].rank = (int)i + 1;
            r->n_pareto = (int)i + 1;
        }
    }
    free(tmp);
    return rc;
}

/* ---- entry points ----------------------------------------------------- */

void rl_solve_opts_init(rl_solve_opts *o)
{
    memset(o, 0, sizeof *o);
    o->use_milp = 1;
    o->milp_tm_lim_ms = 200;
}

/* Unknown objective: the message with a suggestion and the choices. */
static int unknown_objective(const char *name, const char *file, int line, rl_err *err)
{
    const char *names[16];
    char hint[96] = "", all[160];
    int n = 0;
    for (; rl_objectives[n] && n < 16; n++) names[n] = rl_objectives[n]->name;
    const char *sug = rl_suggest(name, names, n);
    if (sug) snprintf(hint, sizeof hint, " (did you mean '%s'?)", sug);
    return rl_err_set(err, RL_EINPUT, file, line, "unknown objective '%s'%s; choose %s",
                      name, hint, rl_objective_names(all, sizeof all));
}

int rl_solve_check_objective(const char *name, rl_err *err)
{
    if (!name || rl_objective_find(name)) return RL_OK;
    return unknown_objective(name, NULL, 0, err);
}

static int pick_objective(search *S, const rl_solve_opts *o, rl_err *err)
{
    const char *name = o->objective ? o->objective : S->s->objective;
    S->obj = rl_objective_find(name);
    if (S->obj) return RL_OK;
    if (o->objective) return unknown_objective(name, NULL, 0, err);
    return unknown_objective(name, S->s->path, S->s->objective_line, err);
}

void rl_solve_limits(const rl_scenario *s, rl_limits *l)
{
    memset(l, 0, sizeof *l);
    l->ttft_ms_p95 = s->req.ttft_ms_p95;
    l->tpot_ms_p95 = s->req.tpot_ms_p95;
    l->min_decode_tok_s = s->req.min_decode_tok_s;
    l->min_total_tok_s = s->req.min_total_tok_s;
    l->power_w_max = s->req.power_w_max;
    l->max_temp_c = s->req.max_temp_c;
    l->deterministic = s->req.deterministic;
    l->sram_resident = s->req.sram_resident;
    l->context_tokens = rl_scenario_context(s);
    l->max_quality_loss = s->req.max_quality_loss;
    l->memory_margin_pct = s->req.memory_margin_pct;
    l->prefill_only = s->mode == RL_MODE_PREFILL || s->mode == RL_MODE_ENCODER;
    l->request_rate = s->request_rate;
}

static void set_limits(search *S)
{
    const rl_scenario *s = S->s;
    rl_solve_limits(s, &S->lim);
    S->octx.prefill_only = S->lim.prefill_only;
    S->rate = s->request_rate > 0 && !S->lim.prefill_only ? s->request_rate : 0;
    rl_config_init(&S->cfg);
    S->cfg.model = &s->model;
    S->cfg.hw = &s->hw;
    S->cfg.prompt = s->prompt_tokens;
    S->cfg.output = s->output_tokens;
    S->cfg.weight_bytes = s->weight_bytes;
    S->cfg.mem_util = s->mem_util;
    S->cfg.replicas = 1;
    S->cfg.ambient_c = s->req.ambient_c;
    S->cfg.power_cap_w = s->req.power_w_max;   /* clocks drop to meet it */
    S->cfg.power_mode = s->power_mode[0] ? s->power_mode : NULL;
    S->cfg.quiet = 1;       /* the search needs numbers; only the top N need text */
    S->cctx.cfg = &S->cfg;
    S->cctx.lim = &S->lim;
    S->cctx.devices_avail = s->devices;
}

static int cmp_reason(const void *a, const void *b)
{
    const rl_reason_count *x = a, *y = b;
    if (x->count != y->count) return x->count > y->count ? -1 : 1;
    return strcmp(x->code, y->code);
}

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* Candidates in the whole space (every runtime's axes multiplied). */
static long space_size(search *S)
{
    long total = 0;
    for (int i = 0; i < S->s->n_runtimes; i++) {
        build_axes(S, S->s->runtimes[i]);
        total += subtree(S, L_RT);
    }
    return total;
}

static void search_all(search *S)
{
    for (int i = 0; i < S->s->n_runtimes && !S->fatal; i++) {
        S->rt_i = i;
        build_axes(S, S->s->runtimes[i]);
        long size = subtree(S, L_RT);
        S->res->candidates += size;
        bind(S, L_RT, i);
        for (int l = L_Q; l < NLEV; l++) {      /* first values, for static rules */
            if (!S->ax.n[l]) break;
            bind(S, l, 0);
        }
        if (size == 0 || !static_ok(S, L_RT, size)) continue;
        walk(S, L_Q);
    }
}

int rl_solve(const rl_scenario *s, const rl_catalog *cat, const rl_solve_opts *o,
             rl_solve_result *res, rl_err *err)
{
    rl_solve_opts dflt;
    search *S;
    double t0 = now_ms();
    if (!res) return rl_err_set(err, RL_EINPUT, NULL, 0, "no result");
    memset(res, 0, sizeof *res);
    if (!s || !cat) return rl_err_set(err, RL_EINPUT, NULL, 0, "no scenario or catalog");
    if (!o) {
        rl_solve_opts_init(&dflt);
        o = &dflt;
    }
    S = calloc(1, sizeof *S);
    if (!S) return rl_err_set(err, RL_EIO, NULL, 0, "out of memory");
    S->s = s;
    S->cat = cat;
    S->o = o;
    S->res = res;
    S->err = err;
    S->cm.gen = -1;
    int rc = pick_objective(S, o, err);
    if (rc == RL_OK) {
        snprintf(res->objective, sizeof res->objective, "%s", S->obj->name);
        snprintf(res->unit, sizeof res->unit, "%s", S->obj->unit);
        res->minimize = S->obj->minimize;
        snprintf(res->throughput_kind, sizeof res->throughput_kind, "%s",
                 s->mode == RL_MODE_PREFILL || s->mode == RL_MODE_ENCODER
                 ? "prefill" : "offline, prefill included");
        if (s->request_rate > 0 && s->output_tokens > 0) {
            res->request_rate = s->request_rate;
            snprintf(res->throughput_kind, sizeof res->throughput_kind,
                     "served at %.4g req/s", s->request_rate);
        }
        set_limits(S);
        plan_rules(S);
        S->cache = rl_place_cache_new();
        if (!S->cache) rc = rl_err_set(err, RL_EIO, NULL, 0, "out of memory");
    }
    S->keep = o->top > 0 ? o->top : s->top;
    long max = o->max_candidates > 0 && o->max_candidates < RL_MAX_CANDIDATES
                   ? o->max_candidates : RL_MAX_CANDIDATES;
    if (rc == RL_OK && space_size(S) > max)
        rc = rl_err_set(err, RL_EINPUT, s->path, 0,
                        "the search has %ld candidates, more than the %ld allowed; "
                        "list fewer values in search", space_size(S), max);
    if (rc == RL_OK) {
        search_all(S);
        rc = S->fatal;
    }
    if (rc == RL_OK) rc = rank_results(S, (int)S->keep);
    if (res->feasible > 0) res->n_near = 0;
    qsort(res->reasons, (size_t)res->n_reasons, sizeof *res->reasons, cmp_reason);
    res->elapsed_ms = now_ms() - t0;
    rl_place_cache_free(S->cache);
    free(S->f);
    free(S->front);
    free(S);
    if (rc != RL_OK) {
        rl_solve_result_free(res);
        memset(res, 0, sizeof *res);
    }
    return rc;
}

void rl_solve_result_free(rl_solve_result *r)
{
    if (!r) return;
    free(r->ranked);
    free(r->pareto);
    r->ranked = r->pareto = NULL;
    r->n_ranked = r->n_pareto = 0;
}

long rl_solve_rejected(const rl_solve_result *r, const char *code)
{
    for (int i = 0; r && i < r->n_reasons; i++)
        if (strcmp(r->reasons[i].code, code) == 0) return r->reasons[i].count;
    return 0;
}
