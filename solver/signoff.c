/*
 * signoff.c -- sign-off of one fixed deployment (signoff.h).
 *
 * The deployment comes from the scenario's single-valued axes; the checks
 * are the constraint registry walked in order, each rule's measure op
 * giving the line's value and limit (rules without one appear only when
 * they fail).  For a failing check, single changes are tried by
 * re-estimating -- a shorter guaranteed context, a cooler ambient, another
 * weight format, another power mode, fewer concurrent sequences -- and the
 * ones that make that check pass are reported.  Nothing here computes
 * physics: every figure is the estimator's or a rule's.
 */
#include "signoff.h"
#include "constraint.h"
#include "solver.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Everything one evaluation needs. */
typedef struct sctx {
    const rl_scenario *s;
    rl_config cfg;
    rl_limits lim;
    int offload_mode;
    long context;
} sctx;

/* ---- the deployment --------------------------------------------------- */

static int one_axis(const rl_scenario *s, const char *axis, int n, rl_err *err)
{
    if (n <= 1) return RL_OK;
    return rl_err_set(err, RL_EINPUT, s->path, 0, "search.%s has %d values; a sign-off "
                      "checks one deployment (give one value per axis)", axis, n);
}

static int pick_formats(const rl_scenario *s, const rl_catalog *cat, rl_config *c,
                        rl_err *err)
{
    const rl_runtime *rt = c->rt;
    const char *kv;
    if (s->n_quant == 1) c->quant = s->quant[0];
    else if (s->file_quant[0] && rl_catalog_quant(cat, s->file_quant))
        c->quant = rl_catalog_quant(cat, s->file_quant);
    else if (rt->n_quants == 1) c->quant = rl_catalog_quant(cat, rt->quants[0]);
    if (!c->quant)
        return rl_err_set(err, RL_EINPUT, s->path, 0, "search.quant: name the one weight "
                          "format to sign off (%s loads %d)", rt->id, rt->n_quants);
    if (!rl_runtime_has_quant(rt, c->quant->id))
        return rl_err_set(err, RL_EINPUT, s->path, 0, "runtime '%s' does not load quant '%s'",
                          rt->id, c->quant->id);
    if (s->n_kv == 1) { c->kv = s->kv[0]; return RL_OK; }
    kv = rl_runtime_has_kv(rt, "fp16") || rt->n_kv == 0 ? "fp16" : rt->kv_dtypes[0];
    c->kv = rl_catalog_kvtype(cat, kv);
    return c->kv ? RL_OK : rl_catalog_unknown(cat, RL_CAT_KV, kv, err);
}

/* Single values of every axis into S->cfg; RL_EINPUT naming the axis. */
static int deployment(const rl_scenario *s, const rl_catalog *cat, sctx *S, rl_err *err)
{
    rl_config *c = &S->cfg;
    int rc;
    if (s->n_runtimes != 1)
        return rl_err_set(err, RL_EINPUT, s->path, 0, "runtime: a sign-off checks one "
                          "runtime, the scenario allows %d", s->n_runtimes);
    if ((rc = one_axis(s, "quant", s->n_quant, err)) ||
        (rc = one_axis(s, "kv_dtype", s->n_kv, err)) ||
        (rc = one_axis(s, "tp", s->n_tp, err)) || (rc = one_axis(s, "pp", s->n_pp, err)) ||
        (rc = one_axis(s, "ep", s->n_ep, err)) ||
        (rc = one_axis(s, "dp_attention", s->n_dpa, err)) ||
        (rc = one_axis(s, "context_cap", s->n_cap, err)) ||
        (rc = one_axis(s, "offload", s->n_offload, err)) ||
        (rc = one_axis(s, "sliding_window", s->n_window, err)) ||
        (rc = one_axis(s, "concurrency", s->concurrency_searched ? 0 : s->n_conc, err)))
        return rc;
    S->s = s;
    rl_config_init(c);
    c->model = &s->model;
    c->hw = &s->hw;
    c->rt = s->runtimes[0];
    if ((rc = pick_formats(s, cat, c, err))) return rc;
    c->devices = s->devices;
    c->tp = s->n_tp ? s->tp[0] : 1;
    c->pp = s->n_pp ? s->pp[0] : 1;
    c->ep = s->n_ep ? s->ep[0] : 1;     /* rl_estimate_run checks the layout */
    c->dp_attention = s->n_dpa ? s->dp_attention[0] : 0;
    c->prompt = s->prompt_tokens;
    c->output = s->output_tokens;
    /* a workload that names no concurrency is signed off at one sequence
     * (the search would try several: scenario.h concurrency_searched) */
    c->concurrency = s->n_conc && !s->concurrency_searched ? s->concurrency_axis[0]
                                                           : s->concurrency;
    if (s->request_rate > 0) c->max_num_seqs = c->concurrency;  /* the batch cap */
    c->sliding_window = s->n_window ? s->sliding_window[0] : 0;
    c->weight_bytes = s->weight_bytes;
    c->ambient_c = s->req.ambient_c;
    c->power_cap_w = s->req.power_w_max;
    c->power_mode = s->power_mode[0] ? s->power_mode : NULL;
    S->offload_mode = s->n_offload ? s->offload[0] : RL_OFFLOAD_NONE;
    if (S->offload_mode == RL_OFFLOAD_PARTIAL)
        return rl_err_set(err, RL_EINPUT, s->path, 0, "search.offload: a sign-off needs "
                          "none or full (partial is a search; solve finds its layer count)");
    c->offload_layers = S->offload_mode == RL_OFFLOAD_FULL ? s->model.layers : 0;
    S->context = rl_scenario_context(s);
    c->context_cap = s->n_cap && s->context_cap[0] > 0 ? s->context_cap[0] : S->context;
    if (s->model.kind == RL_ENCODER) c->context_cap = 0;
    return RL_OK;
}

/* ---- estimates -------------------------------------------------------- */

/* The workload's estimate and, for decoders, the last token's: one decode
 * step at the full KV allocation (context_cap), the worst step there is.
 * With a request rate (> 0) the workload's latencies are those at the
 * rate, queueing included (rl_serving_run, as solve serves a candidate:
 * the concurrency is the batch cap), and e->serving says whether the
 * deployment keeps up; the last token stays at the full batch cap, the
 * most the runtime will run. */
static int estimate_pair(const rl_config *c, double rate, rl_estimate *e, rl_estimate *w,
                         rl_err *err)
{
    rl_config x = *c;
    long full = c->context_cap > 0 ? c->context_cap : c->prompt + c->output;
    int rc = rl_estimate_run(c, e, err);
    if (rc) return rc;
    *w = *e;
    if (c->model->kind != RL_DECODER || c->output <= 0 || full < 2) return RL_OK;
    if (rate > 0) {
        rl_serving v;
        if ((rc = rl_serving_run(c, rate, &v)) != RL_OK)
            return rl_err_set(err, rc, NULL, 0, "serving model failed at %g req/s", rate);
        rl_serving_apply(e, &v);
    }
    x.quiet = 1;
    x.prompt = full - 1;
    x.output = 1;
    if (rl_estimate_run(&x, w, NULL) != RL_OK) *w = *e;
    if (w->tpot_ms.p95 < e->tpot_ms.p95) w->tpot_ms = e->tpot_ms;   /* never below */
    return RL_OK;
}

/* The request rate the deployment is signed off at (0: a fixed batch). */
static double rate_of(const sctx *S)
{
    return S->lim.prefill_only ? 0 : S->lim.request_rate;
}

/* Line name of a rule for this workload. */
static const char *line_name(const rl_scenario *s, const char *rule)
{
    int enc = s->mode == RL_MODE_ENCODER;
    if (strcmp(rule, "tpot_slo") == 0) return "tpot_worst_ms";
    if (strcmp(rule, "saturated") == 0) return "request_rate";
    if (strcmp(rule, "ttft_slo") == 0) return enc ? "input_latency_ms_p95" : "ttft_ms_p95";
    if (strcmp(rule, "min_total_tok_s") == 0) return enc ? "min_inputs_per_s" : "min_total_tok_s";
    return rule;
}

/* Evaluate one rule: -1 does not apply, else 1 pass / 0 fail, m filled. */
static int eval_rule(const sctx *S, const struct rl_constraint_ops *r,
                     const rl_estimate *e, const rl_estimate *w, rl_measure *m,
                     rl_reason *why)
{
    rl_cons_ctx cc = { &S->cfg, &S->lim, S->offload_mode, S->s->devices };
    const rl_estimate *use = strcmp(r->name, "tpot_slo") == 0 ? w : e;
    int ok;
    memset(m, 0, sizeof *m);
    why->code = r->name;
    why->detail[0] = 0;
    ok = r->check(&cc, r->stage == RL_CONS_STATIC ? NULL : use, why);
    if (r->measure) {
        if (!r->measure(&cc, use, m)) return ok ? -1 : 0;
        /* at a rate the deployment cannot keep up with, the queue grows
         * without bound: its TTFT (a lower bound here) holds no limit */
        if (strcmp(r->name, "ttft_slo") == 0 && e->serving.rate > 0 && e->serving.saturated) {
            m->pass = 0;
            m->unit = NULL;             /* no margin: the value is only a floor */
            snprintf(m->note, sizeof m->note, "saturated at %.4g req/s (capacity %.4g): the "
                     "queue grows without bound, p95 TTFT at least %.4g ms and rising",
                     e->serving.rate, e->serving.capacity_rps, m->value);
        }
        return m->pass;
    }
    m->unit = NULL;                     /* yes/no rule: a line only when it fails */
    return ok ? -1 : 0;
}

static int stream_estimate(const sctx *S, rl_estimate *ee, rl_err *err);
static void share_part(const sctx *S, const rl_estimate *ee, rl_estimate *e,
                       rl_estimate *w);

/* Does rule r pass for configuration c (limits lim)? */
static int passes(const sctx *S0, const rl_config *c, const rl_limits *lim,
                  const struct rl_constraint_ops *r)
{
    sctx S = *S0;
    rl_estimate e, w;
    rl_measure m;
    rl_reason why;
    S.cfg = *c;
    S.lim = *lim;
    S.cfg.quiet = 1;
    if (estimate_pair(&S.cfg, rate_of(&S), &e, &w, NULL) != RL_OK) return 0;
    if (S.s->enc_stream.set) {          /* the encoder stream shares the part */
        rl_estimate ee;
        if (stream_estimate(&S, &ee, NULL) != RL_OK) return 0;
        share_part(&S, &ee, &e, &w);
    }
    return eval_rule(&S, r, &e, &w, &m, &why) != 0;
}

/* ---- graceful degradation: a fixed KV window ------------------------- */

static const struct rl_constraint_ops *rule_named(const char *name)
{
    for (int i = 0; rl_constraints[i]; i++)
        if (strcmp(rl_constraints[i]->name, name) == 0) return rl_constraints[i];
    return NULL;
}

/* The largest context in lo .. hi tokens per sequence at which rule r
 * passes (passing is monotone: more context, more KV), by bisection; 0
 * when not even lo passes.  Decoders only. */
static long largest_context(const sctx *S, long lo, long hi,
                            const struct rl_constraint_ops *r)
{
    rl_config c = S->cfg;
    rl_limits l = S->lim;
    if (!r || S->s->model.kind != RL_DECODER || lo < 1 || lo > hi) return 0;
    c.context_cap = l.context_tokens = lo;
    if (!passes(S, &c, &l, r)) return 0;
    while (lo < hi) {
        long mid = lo + (hi - lo + 1) / 2;
        c.context_cap = l.context_tokens = mid;
        if (passes(S, &c, &l, r)) lo = mid;
        else hi = mid - 1;
    }
    return lo;
}

/* The largest context, 1 .. hi tokens per sequence, whose KV fits device
 * memory (with the margin); 0 when not even one token's does.  Below
 * prompt + output the estimate clips (estimate.h context_kept), so every
 * size has a figure. */
static long fit_context(const sctx *S, long hi)
{
    return largest_context(S, 1, hi, rule_named("device_memory"));
}

/* requirements.allow_kv_eviction: when the guaranteed context's KV does
 * not fit (or the scenario caps it below the guarantee), hold a sliding
 * window of the largest context that fits -- StreamingLLM's attention
 * sinks plus the most recent tokens -- so a longer conversation evicts its
 * oldest tokens instead of failing.  Memory and the worst decode step are
 * then those of the window; what the evicted tokens cost in answers is not
 * estimated.  Sets S->cfg.context_cap and returns the window (0: none). */
static long kv_eviction(sctx *S)
{
    const struct rl_constraint_ops *mem = rule_named("device_memory");
    long hi = S->cfg.context_cap > 0 ? S->cfg.context_cap : S->context, w;
    if (!S->s->req.allow_kv_eviction || S->s->model.kind != RL_DECODER || !mem) return 0;
    if (hi >= S->context && passes(S, &S->cfg, &S->lim, mem)) return 0;  /* all fits */
    w = fit_context(S, hi < S->context ? hi : S->context);
    if (w <= 0 || w >= S->context) return 0;
    S->cfg.context_cap = w;
    return w;
}

#define RL_ATTN_SINKS 4         /* StreamingLLM keeps 4 initial tokens
                                   (Xiao et al. 2023, "Efficient Streaming
                                   Language Models with Attention Sinks") */

/* ---- what would make it pass ----------------------------------------- */

static void addf(char *buf, size_t n, const char *fmt, ...)
{
    size_t len = strlen(buf);
    va_list ap;
    if (len + 3 >= n) return;
    if (len) { buf[len++] = ';'; buf[len++] = ' '; buf[len] = 0; }
    va_start(ap, fmt);
    vsnprintf(buf + len, n - len, fmt, ap);
    va_end(ap);
}

/* The largest guaranteed context (>= the workload's prompt + output)
 * at which the rule passes; 0 when none. */
static long fix_context(const sctx *S, const struct rl_constraint_ops *r)
{
    return largest_context(S, S->cfg.prompt + S->cfg.output, S->context - 1, r);
}

/* The hottest ambient (>= -20 C, to 0.5 C) at which the rule passes. */
static int fix_ambient(const sctx *S, const struct rl_constraint_ops *r, double *out)
{
    double amb = S->cfg.ambient_c > 0 ? S->cfg.ambient_c : S->cfg.hw->ambient_c;
    double lo = -20, hi = amb;
    rl_config c = S->cfg;
    if (S->cfg.hw->c_per_w <= 0) return 0;
    c.ambient_c = lo;
    if (lo >= hi || !passes(S, &c, &S->lim, r)) return 0;
    while (hi - lo > 0.5) {
        double mid = (lo + hi) / 2;
        c.ambient_c = mid;
        if (passes(S, &c, &S->lim, r)) lo = mid;
        else hi = mid;
    }
    *out = lo;
    return 1;
}

/* The runtime's weight format with the most bits that passes (the least
 * quality given up), other than the one signed. */
static const rl_quant *fix_quant(const sctx *S, const rl_catalog *cat,
                                 const struct rl_constraint_ops *r)
{
    const rl_quant *best = NULL;
    rl_config c = S->cfg;
    if (S->cfg.weight_bytes > 0) return NULL;           /* a GGUF file is one format */
    for (int i = 0; i < S->cfg.rt->n_quants; i++) {
        const rl_quant *q = rl_catalog_quant(cat, S->cfg.rt->quants[i]);
        if (!q || q == S->cfg.quant) continue;
        if (best && q->bits_per_weight <= best->bits_per_weight) continue;
        c.quant = q;
        if (passes(S, &c, &S->lim, r)) best = q;
    }
    return best;
}

/* A failing context or device_memory check: the largest context whose KV
 * fits, clipping below the workload's prompt + output when even that does
 * not fit, and the KV-eviction alternative. */
static void context_fixes(const sctx *S, const struct rl_constraint_ops *r,
                          rl_signoff_check *k)
{
    long need = S->cfg.prompt + S->cfg.output;
    long fit = fit_context(S, strcmp(r->name, "context") == 0 ? S->context : S->context - 1);
    if (fit <= 0) return;
    if (fit >= S->context)
        addf(k->fix, sizeof k->fix, "a context cap of %ld tokens (it fits)", S->context);
    else if (fit >= need)
        addf(k->fix, sizeof k->fix, "guarantee at most %ld tokens of context (the largest "
             "whose KV fits)", fit);
    else
        addf(k->fix, sizeof k->fix, "clip the context to %ld tokens (keeps the last %ld of "
             "%ld+%ld)", fit, fit, S->cfg.prompt, S->cfg.output);
    if (fit < S->context && !S->s->req.allow_kv_eviction)
        addf(k->fix, sizeof k->fix, "requirements.allow_kv_eviction = true (a sliding window "
             "of %ld tokens: keeps %ld of %ld)", fit, fit, S->context);
}

static void fixes(const sctx *S, const rl_catalog *cat, const struct rl_constraint_ops *r,
                  const rl_estimate *est, rl_signoff_check *k)
{
    rl_config c = S->cfg;
    const rl_quant *q;
    int ctx_rule = strcmp(r->name, "context") == 0 || strcmp(r->name, "device_memory") == 0;
    long ctx = ctx_rule ? 0 : fix_context(S, r);
    double amb;
    if (ctx_rule) context_fixes(S, r, k);
    if (ctx > 0) addf(k->fix, sizeof k->fix, "guarantee at most %ld tokens of context", ctx);
    if (fix_ambient(S, r, &amb)) addf(k->fix, sizeof k->fix, "ambient at most %.1f C", amb);
    if ((q = fix_quant(S, cat, r)))
        addf(k->fix, sizeof k->fix, "weights in %s (%.2f bits)", q->id, q->bits_per_weight);
    for (int i = 0; i < S->cfg.hw->n_power_modes; i++) {
        const char *name = S->cfg.hw->power_modes[i].name;
        if (c.power_mode && strcmp(c.power_mode, name) == 0) continue;
        c.power_mode = name;
        if (passes(S, &c, &S->lim, r)) addf(k->fix, sizeof k->fix, "power mode %s", name);
    }
    c = S->cfg;
    if (est->serving.rate > 0 && est->serving.saturated) {     /* a queue that runs away */
        addf(k->fix, sizeof k->fix, "offered rate below %.4g req/s (the capacity)",
             est->serving.capacity_rps);
        for (int n = c.concurrency * 2; n <= RL_SCN_CONC_MAX; n *= 2) {
            c.concurrency = c.max_num_seqs = n;
            if (passes(S, &c, &S->lim, r)) {
                addf(k->fix, sizeof k->fix, "batch cap (max_num_seqs) %d", n);
                break;
            }
        }
        return;         /* fewer sequences only lower the capacity */
    }
    for (int n = S->cfg.concurrency - 1; n >= 1; n--) {
        c.concurrency = n;
        if (passes(S, &c, &S->lim, r)) {
            addf(k->fix, sizeof k->fix, "at most %d concurrent %s", n,
                 S->s->model.kind == RL_ENCODER ? "inputs per batch" : "sequences");
            break;
        }
    }
}

/* ---- the checks ------------------------------------------------------- */

static void fill_check(const rl_scenario *s, const struct rl_constraint_ops *r,
                       const rl_measure *m, const rl_reason *why, int ok,
                       rl_signoff_check *k)
{
    int enc = s->mode == RL_MODE_ENCODER;
    double toks = s->model.input_tokens > 0 ? s->model.input_tokens : 1;
    memset(k, 0, sizeof *k);
    snprintf(k->name, sizeof k->name, "%s", line_name(s, r->name));
    snprintf(k->rule, sizeof k->rule, "%s", r->name);
    k->pass = ok;
    k->has_value = m->unit != NULL && m->unit[0];
    if (k->has_value) {
        int per_input = enc && strcmp(r->name, "min_total_tok_s") == 0;
        double scale = per_input ? 1 / toks : 1;
        k->value = m->value * scale;
        k->limit = m->limit * scale;
        k->upper = m->upper;
        snprintf(k->unit, sizeof k->unit, "%s", per_input ? "inputs/s" : m->unit);
        k->margin = m->upper ? k->limit - k->value : k->value - k->limit;
        k->margin_pct = k->limit != 0 ? 100 * k->margin / fabs(k->limit) : 0;
    }
    snprintf(k->reason, sizeof k->reason, "%s",
             m->note[0] ? m->note : why->detail[0] ? why->detail : r->describe);
}

/* A plain-language reason for the lines whose rule gave no sentence. */
static void reason_for(const rl_signoff *so, rl_signoff_check *k)
{
    if (strcmp(k->rule, "tpot_slo") == 0)
        snprintf(k->reason, sizeof k->reason, "p95 decode step of the last token at %ld "
                 "tokens of context%s (average token: p95 %.3g ms)",
                 so->evict_window > 0 ? so->evict_window : so->context,
                 so->evict_window > 0 ? ", the KV window" : "", so->est.tpot_ms.p95);
    else if (strcmp(k->rule, "ttft_slo") == 0 && so->est.serving.rate > 0)
        snprintf(k->reason, sizeof k->reason, "p95 time to first token at %.4g req/s, "
                 "queueing behind the %.3g sequences in flight included",
                 so->est.serving.rate, so->est.serving.in_flight);
    else if (strcmp(k->rule, "ttft_slo") == 0)
        snprintf(k->reason, sizeof k->reason, "%s", so->cfg.model->kind == RL_ENCODER
                 ? "p95 latency of one forward pass over the batch"
                 : "p95 time to first token of the workload's prompt");
    else if (strcmp(k->rule, "saturated") == 0)
        snprintf(k->reason, sizeof k->reason, "offered rate vs capacity: best batch %d of "
                 "max_num_seqs %d, %d replica%s, headroom %.2fx", so->est.serving.capacity_conc,
                 so->cfg.max_num_seqs, so->est.replicas, so->est.replicas == 1 ? "" : "s",
                 so->est.serving.rate > 0 ? so->est.serving.capacity_rps / so->est.serving.rate
                                          : 0);
    else if (strcmp(k->rule, "min_total_tok_s") == 0 || strcmp(k->rule, "min_decode_tok_s") == 0)
        snprintf(k->reason, sizeof k->reason, "p50 sustained rate at %.0f%% of the nominal "
                 "clock", so->est.clock_frac * 100);
    else if (strcmp(k->rule, "thermal") == 0)
        snprintf(k->reason, sizeof k->reason, "steady state at %.0f C ambient, no throttling",
                 so->ambient_c);
}

/* The context line under KV eviction: it passes, degraded -- the window
 * holds tokens_kept of the guaranteed tokens.  Not when the guarantee is
 * beyond the model's own positions (eviction does not extend those here). */
static int evicted(const rl_signoff *so, rl_signoff_check *k)
{
    long w = so->evict_window;
    const rl_arch *a = so->cfg.model;
    if (w <= 0 || (a->max_context > 0 && so->context > a->max_context)) return 0;
    k->pass = 1;
    k->tokens_kept = w;
    snprintf(k->reason, sizeof k->reason, "degraded by KV eviction: a %ld-token window "
             "(%d sinks + %ld recent) keeps %ld of %ld tokens; quality cost not estimated",
             w, RL_ATTN_SINKS, w - RL_ATTN_SINKS, w, so->context);
    return 1;
}

/* ---- hybrid streaming: an encoder stream sharing the part --------------- */

/* The encoder stream's own estimate on the deployment's part: one input
 * per forward pass, the same hardware, power mode, ambient and envelope. */
static int stream_estimate(const sctx *S, rl_estimate *ee, rl_err *err)
{
    const rl_scn_stream *st = &S->s->enc_stream;
    rl_config c;
    rl_config_init(&c);
    c.model = &st->model;
    c.hw = S->cfg.hw;
    c.rt = st->rt;
    c.quant = st->quant;
    c.kv = S->cfg.kv;
    c.prompt = 0;
    c.output = 0;
    c.ambient_c = S->cfg.ambient_c;
    c.power_cap_w = S->cfg.power_cap_w;
    c.power_mode = S->cfg.power_mode;
    c.quiet = 1;
    return rl_estimate_run(&c, ee, err);
}

/* Time-slicing model (README "Edge sign-off"): the part runs one job at a
 * time, each to completion -- an encoder pass or an LLM decode step.  The
 * encoder takes u = rate x its pass time of the part; the LLM gets the
 * rest, so its rates scale by (1 - u) and its mean step by 1 / (1 - u);
 * its worst step waits for the passes that arrive during it (ceil(rate x
 * step), at least one) and its first token for one pass in flight.  The
 * two models' memory adds; power is the time-weighted mix of the two
 * estimates and the steady temperature follows it. */
static void share_part(const sctx *S, const rl_estimate *ee, rl_estimate *e,
                       rl_estimate *w)
{
    const rl_scn_stream *st = &S->s->enc_stream;
    double u = fmin(0.999, st->inputs_per_s * ee->ttft_ms.p50 / 1000), keep = 1 - u;
    double k = fmax(1, ceil(st->inputs_per_s * w->tpot_ms.p95 / 1000));
    double amb = S->cfg.ambient_c > 0 ? S->cfg.ambient_c : S->cfg.hw->ambient_c;
    double dev = S->cfg.tp * S->cfg.pp;
    e->decode_tok_s.p10 *= keep; e->decode_tok_s.p50 *= keep; e->decode_tok_s.p90 *= keep;
    e->decode_tok_s_total.p10 *= keep; e->decode_tok_s_total.p50 *= keep;
    e->decode_tok_s_total.p90 *= keep;
    e->offline_tok_s *= keep;
    e->tpot_ms.p50 /= keep;
    e->tpot_ms.p95 /= keep;
    w->tpot_ms.p95 += k * ee->ttft_ms.p95;
    if (w->tpot_ms.p95 < e->tpot_ms.p95) w->tpot_ms.p95 = e->tpot_ms.p95; /* never below */
    e->ttft_ms.p95 += ee->ttft_ms.p95;
    e->mem.device_peak += ee->mem.device_peak;
    e->power_w = keep * e->power_w + u * ee->power_w * dev;
    if (S->cfg.hw->c_per_w > 0 && e->power_w > 0) {
        e->temp_demand_c = fmax(e->temp_demand_c,
                                amb + e->power_w / dev * S->cfg.hw->c_per_w);
        e->temp_c = fmax(e->temp_c, fmin(e->temp_demand_c, S->cfg.hw->max_c));
    }
}

/* The signed deployment's stream figures, before share_part changes the
 * LLM's estimates. */
static void stream_figures(const sctx *S, const rl_estimate *ee, rl_signoff *out)
{
    const rl_scn_stream *st = &S->s->enc_stream;
    out->stream_util = st->inputs_per_s * ee->ttft_ms.p50 / 1000;
    out->stream_need = S->s->req.min_decode_tok_s * out->est.tpot_ms.p50 / 1000;
    out->stream_latency_ms = ee->ttft_ms.p95 + out->worst.tpot_ms.p95;
    out->stream_est = *ee;
}

/* The two lines only a hybrid deployment has: the part's time shared
 * (encoder share + what the LLM's decode floor needs <= 1) and the
 * encoder's per-input latency behind a decode step in flight. */
static void stream_checks(const sctx *S, rl_signoff *out)
{
    const rl_scn_stream *st = &S->s->enc_stream;
    double need = out->stream_need;
    rl_signoff_check *k;
    if (out->n >= RL_SIGNOFF_MAX) return;
    k = &out->checks[out->n++];
    memset(k, 0, sizeof *k);
    snprintf(k->name, sizeof k->name, "shared_time");
    snprintf(k->rule, sizeof k->rule, "hybrid");
    snprintf(k->unit, sizeof k->unit, "share");
    k->has_value = k->upper = 1;
    k->value = out->stream_util + need;
    k->limit = 1;
    k->margin = k->limit - k->value;
    k->margin_pct = 100 * k->margin;
    k->pass = k->value <= 1;
    snprintf(k->reason, sizeof k->reason, "%s at %g inputs/s takes %.0f%% of the part; the "
             "LLM's decode floor needs %.0f%% (time-sliced, one job at a time)",
             st->model.id, st->inputs_per_s, 100 * out->stream_util, 100 * need);
    if (!k->pass) snprintf(k->fix, sizeof k->fix, "fewer than %.3g inputs/s",
                           st->inputs_per_s * (1 - need) / fmax(out->stream_util, 1e-9));
    out->pass &= k->pass;
    if (st->latency_ms_p95 <= 0 || out->n >= RL_SIGNOFF_MAX) return;
    k = &out->checks[out->n++];
    memset(k, 0, sizeof *k);
    snprintf(k->name, sizeof k->name, "stream_latency_ms_p95");
    snprintf(k->rule, sizeof k->rule, "hybrid");
    snprintf(k->unit, sizeof k->unit, "ms");
    k->has_value = k->upper = 1;
    k->value = out->stream_latency_ms;
    k->limit = st->latency_ms_p95;
    k->margin = k->limit - k->value;
    k->margin_pct = 100 * k->margin / k->limit;
    k->pass = k->margin >= 0;
    snprintf(k->reason, sizeof k->reason, "p95 of one %s pass (%.3g ms) behind the LLM "
             "decode step in flight (p95 %.3g ms)", st->model.id, out->stream_est.ttft_ms.p95,
             out->stream_latency_ms - out->stream_est.ttft_ms.p95);
    out->pass &= k->pass;
}

int rl_signoff_run(const rl_scenario *s, const rl_catalog *cat, rl_signoff *out,
                   rl_err *err)
{
    sctx S;
    int rc;
    memset(out, 0, sizeof *out);
    memset(&S, 0, sizeof S);
    if ((rc = deployment(s, cat, &S, err))) return rc;
    rl_solve_limits(s, &S.lim);         /* the search's own limits */
    S.lim.context_tokens = S.context;
    out->evict_window = kv_eviction(&S);
    if ((rc = estimate_pair(&S.cfg, rate_of(&S), &out->est, &out->worst, err))) return rc;
    out->cfg = S.cfg;
    out->context = S.context;
    out->offload_mode = S.offload_mode;
    out->ambient_c = S.cfg.ambient_c > 0 ? S.cfg.ambient_c : S.cfg.hw->ambient_c;
    out->pass = 1;
    if (s->enc_stream.set) {            /* hybrid: the LLM shares the part */
        rl_estimate ee;
        if ((rc = stream_estimate(&S, &ee, err))) return rc;
        stream_figures(&S, &ee, out);
        share_part(&S, &ee, &out->est, &out->worst);
    }
    for (int i = 0; rl_constraints[i] && out->n < RL_SIGNOFF_MAX; i++) {
        const struct rl_constraint_ops *r = rl_constraints[i];
        rl_measure m;
        rl_reason why;
        int ok = eval_rule(&S, r, &out->est, &out->worst, &m, &why);
        rl_signoff_check *k = &out->checks[out->n];
        if (ok < 0) continue;
        fill_check(s, r, &m, &why, ok, k);
        if (!m.note[0]) reason_for(out, k);
        if (!ok && strcmp(r->name, "context") == 0) ok = evicted(out, k);
        if (!ok) fixes(&S, cat, r, &out->est, k);
        out->pass &= ok;
        out->n++;
    }
    if (s->enc_stream.set) stream_checks(&S, out);
    return RL_OK;
}

/* ---- output ----------------------------------------------------------- */

static void num(char *buf, size_t n, double v)
{
    if (fabs(v) >= 1e4) snprintf(buf, n, "%.0f", v);      /* never 1.2e+05 */
    else snprintf(buf, n, "%.4g", v);
}

void rl_signoff_line(const rl_signoff_check *c, char *buf, size_t n)
{
    char v[24], l[24], m[24];
    if (!c->has_value) {
        snprintf(buf, n, "%s  %-22s %s", c->pass ? "PASS" : "FAIL", c->name, c->reason);
        return;
    }
    if (c->tokens_kept > 0) {           /* passed degraded: say what is kept */
        snprintf(buf, n, "PASS  %-22s %ld of %.0f tokens kept (KV eviction)  %s", c->name,
                 c->tokens_kept, c->limit, c->reason);
        return;
    }
    num(v, sizeof v, c->value);
    num(l, sizeof l, c->limit);
    num(m, sizeof m, c->margin);
    snprintf(buf, n, "%s  %-22s %s %s %s %s %s, margin %s %s (%.1f%%)  %s",
             c->pass ? "PASS" : "FAIL", c->name, v, c->unit, c->upper ? "<=" : ">=", l,
             c->unit, m, c->unit, c->margin_pct, c->reason);
}

/* A growable string. */
typedef struct sbuf { char *p; size_t len, cap; int oom; } sbuf;

static void sb(sbuf *b, const char *fmt, ...)
{
    va_list ap;
    int need;
    if (b->oom) return;
    va_start(ap, fmt);
    need = vsnprintf(b->p ? b->p + b->len : NULL, b->p ? b->cap - b->len : 0, fmt, ap);
    va_end(ap);
    if (need < 0) { b->oom = 1; return; }
    if (!b->p || b->len + (size_t)need + 1 > b->cap) {
        size_t cap = (b->cap + (size_t)need + 1) * 2;
        char *q = realloc(b->p, cap);
        if (!q) { b->oom = 1; return; }
        b->p = q;
        b->cap = cap;
        va_start(ap, fmt);
        vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
        va_end(ap);
    }
    b->len += (size_t)need;
}

static void report_inputs(sbuf *b, const rl_scenario *s, const rl_signoff *so)
{
    const rl_config *c = &so->cfg;
    sb(b, "## Inputs\n\n| | |\n|---|---|\n");
    sb(b, "| scenario | `%s` (%s) |\n| model | %s |\n", s->path, s->name, s->model_id);
    sb(b, "| hardware | %s (%s)%s%s |\n", c->hw->id, c->hw->name,
       c->power_mode ? ", power mode " : "", c->power_mode ? c->power_mode : "");
    sb(b, "| runtime | %s |\n| weights / KV | %s / %s |\n", c->rt->id, c->quant->id,
       c->kv->id);
    sb(b, "| devices | %d (tp %d, pp %d%s%s) |\n", c->tp * c->pp, c->tp, c->pp,
       c->ep > 1 ? ", expert parallel" : "", c->dp_attention ? ", DP-attention" : "");
    if (c->model->kind == RL_ENCODER)
        sb(b, "| workload | encoder, %d inputs per batch |\n", c->concurrency);
    else if (so->est.serving.rate > 0)
        sb(b, "| workload | %s, prompt %ld, output %ld, %.4g requests/s (Poisson arrivals), "
           "batch cap %d (max_num_seqs) |\n", rl_workload_mode_name(s->mode), c->prompt,
           c->output, so->est.serving.rate, c->concurrency);
    else
        sb(b, "| workload | %s, prompt %ld, output %ld, %d concurrent |\n",
           rl_workload_mode_name(s->mode), c->prompt, c->output, c->concurrency);
    if (c->model->kind != RL_ENCODER)
        sb(b, "| guaranteed context | %ld tokens (KV preallocated for %ld) |\n", so->context,
           c->context_cap);
    if (so->evict_window > 0)
        sb(b, "| KV eviction | a sliding window of %ld tokens (%d attention sinks + the last "
           "%ld) holds %ld of the %ld guaranteed; older tokens are evicted; the quality cost "
           "is not estimated |\n", so->evict_window, RL_ATTN_SINKS,
           so->evict_window - RL_ATTN_SINKS, so->evict_window, so->context);
    sb(b, "| offload | %s |\n| ambient | %.1f C |\n", rl_offload_mode_name(so->offload_mode),
       so->ambient_c);
    if (s->enc_stream.set)
        sb(b, "| encoder stream | %s at %g inputs/s (%s %s), sharing the part by time "
           "slicing: %.0f%% of its time |\n", s->enc_stream.model.id,
           s->enc_stream.inputs_per_s, s->enc_stream.rt->id, s->enc_stream.quant->id,
           100 * so->stream_util);
    sb(b, "| deterministic | %s |\n\n", s->req.deterministic ? "yes" : "no");
}

static void report_estimate(sbuf *b, const rl_signoff *so)
{
    const rl_estimate *e = &so->est;
    sb(b, "## Estimate\n\n");
    sb(b, "- feasibility: %s; regime: %s\n", rl_feasibility_name(e->feasibility),
       rl_regime_name(e->regime));
    sb(b, "- device memory: %.3g of %.3g GiB (weights %.3g, KV %.3g, activations %.3g, "
       "overhead %.3g); host %.3g GiB\n", e->mem.device_peak, e->mem.device_capacity,
       e->mem.weights, e->mem.kv_cache, e->mem.activations, e->mem.runtime_overhead,
       e->mem.host_peak);
    if (e->tpot_ms.p50 > 0)
        sb(b, "- decode: %.3g tok/s per sequence (p50), TPOT p50 %.3g / p95 %.3g ms; last "
           "token p95 %.3g ms\n", e->decode_tok_s.p50, e->tpot_ms.p50, e->tpot_ms.p95,
           so->worst.tpot_ms.p95);
    if (e->ttft_ms.p50 > 0)
        sb(b, "- %s: p50 %.3g / p95 %.3g ms\n", so->cfg.model->kind == RL_ENCODER
           ? "latency per batch" : "TTFT", e->ttft_ms.p50, e->ttft_ms.p95);
    sb(b, "- power %.3g W, die %.3g C (%.3g C before any thermal cap), clock %.0f%% of "
       "nominal, %.3g %s per joule\n\n", e->power_w, e->temp_c, e->temp_demand_c,
       e->clock_frac * 100, e->tok_per_j,
       so->cfg.model->kind == RL_ENCODER ? "inputs" : "tokens");
    sb(b, "## Assumptions\n\n");
    for (int i = 0; i < e->n_assumptions; i++) sb(b, "- %s\n", e->assumptions[i]);
    for (int i = 0; i < e->n_explanations; i++) sb(b, "- %s\n", e->explanations[i]);
    sb(b, "- per-token latency is signed for the last token at the full guaranteed "
       "context, p95 of the calibration spread\n\n");
}

char *rl_signoff_report(const rl_scenario *s, const rl_signoff *so)
{
    sbuf b = { NULL, 0, 0, 0 };
    int fails = 0;
    sb(&b, "# Sign-off: %s\n\n**Verdict: %s**\n\n", s->name, so->pass ? "PASS" : "FAIL");
    report_inputs(&b, s, so);
    sb(&b, "## Checks\n\n| check | status | value | limit | margin | reason |\n"
           "|---|---|---|---|---|---|\n");
    for (int i = 0; i < so->n; i++) {
        const rl_signoff_check *k = &so->checks[i];
        fails += !k->pass;
        if (k->has_value)
            sb(&b, "| %s | %s | %.4g %s | %s %.4g %s | %.4g %s (%.1f%%) | %s |\n", k->name,
               k->pass ? "PASS" : "FAIL", k->value, k->unit, k->upper ? "<=" : ">=",
               k->limit, k->unit, k->margin, k->unit, k->margin_pct, k->reason);
        else
            sb(&b, "| %s | %s | | | | %s |\n", k->name, k->pass ? "PASS" : "FAIL", k->reason);
    }
    sb(&b, "\n");
    if (fails) {
        sb(&b, "## What would make it pass\n\n");
        for (int i = 0; i < so->n; i++) {
            const rl_signoff_check *k = &so->checks[i];
            if (k->pass) continue;
            sb(&b, "- **%s**: %s\n", k->name, k->fix[0] ? k->fix
               : "no single change tried (context, ambient, weight format, power mode, "
                 "concurrency) passes");
        }
        sb(&b, "\n");
    }
    report_estimate(&b, so);
    if (b.oom) { free(b.p); return NULL; }
    return b.p;
}
