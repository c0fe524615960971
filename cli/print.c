/*
 * print.c -- shared output helpers of the CLI: the estimate JSON object
 * (DESIGN.md contract), the readable estimate table, JSON printing,
 * atomic file writes and strict number parsing for flags.
 * Printers never compute: every figure comes from rl_estimate.
 */
#include "cli.h"
#include "safeio.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Round for output: 4 significant digits is more than the model knows. */
static double r4(double v)
{
    if (!isfinite(v) || v == 0) return 0;
    double m = pow(10, 3 - (int)floor(log10(fabs(v))));
    return round(v * m) / m;
}

static cJSON *range_json(rl_range r)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "p10", r4(r.p10));
    cJSON_AddNumberToObject(o, "p50", r4(r.p50));
    cJSON_AddNumberToObject(o, "p90", r4(r.p90));
    return o;
}

/* p50 and p95; p10/p90 as well where the latency has that band (TTFT) */
static cJSON *lat_json(rl_lat l)
{
    cJSON *o = cJSON_CreateObject();
    if (l.p90 > 0) cJSON_AddNumberToObject(o, "p10", r4(l.p10));
    cJSON_AddNumberToObject(o, "p50", r4(l.p50));
    if (l.p90 > 0) cJSON_AddNumberToObject(o, "p90", r4(l.p90));
    cJSON_AddNumberToObject(o, "p95", r4(l.p95));
    return o;
}

static cJSON *notes_json(char notes[][RL_NOTE_LEN], int n)
{
    cJSON *a = cJSON_CreateArray();
    for (int i = 0; i < n; i++) cJSON_AddItemToArray(a, cJSON_CreateString(notes[i]));
    return a;
}

cJSON *rl_estimate_json(const rl_config *c, const rl_estimate *e)
{
    cJSON *o = cJSON_CreateObject(), *m, *cfg, *sh;

    if (!o) return NULL;
    cfg = cJSON_AddObjectToObject(o, "config");
    cJSON_AddStringToObject(cfg, "model", c->model->id);
    cJSON_AddStringToObject(cfg, "hardware", c->hw->id);
    cJSON_AddStringToObject(cfg, "runtime", c->rt->id);
    cJSON_AddStringToObject(cfg, "quant", c->quant->id);
    cJSON_AddStringToObject(cfg, "kv_dtype", c->kv->id);
    cJSON_AddNumberToObject(cfg, "devices", c->devices);
    cJSON_AddNumberToObject(cfg, "tp", c->tp);
    cJSON_AddNumberToObject(cfg, "pp", c->pp);
    cJSON_AddNumberToObject(cfg, "ep", c->ep > 1 ? c->ep : 1);
    cJSON_AddBoolToObject(cfg, "dp_attention", c->dp_attention);
    cJSON_AddNumberToObject(cfg, "prompt", (double)c->prompt);
    cJSON_AddNumberToObject(cfg, "output", (double)c->output);
    cJSON_AddNumberToObject(cfg, "concurrency", c->concurrency);
    cJSON_AddNumberToObject(cfg, "offload_layers", c->offload_layers);
    cJSON_AddNumberToObject(cfg, "replicas", c->replicas > 0 ? c->replicas : 1);
    if (c->power_mode) cJSON_AddStringToObject(cfg, "power_mode", c->power_mode);
    cJSON_AddNumberToObject(cfg, "gpu_memory_utilization",
                            c->mem_util > 0 ? c->mem_util : c->rt->kv_reserve_frac);
    cJSON_AddStringToObject(o, "feasibility", rl_feasibility_name(e->feasibility));
    /* false: it does not fit; the figures are what it would do if it did */
    cJSON_AddBoolToObject(o, "runnable", e->feasibility != RL_INSUFFICIENT_MEMORY);
    cJSON_AddStringToObject(o, "regime", rl_regime_name(e->regime));
    cJSON_AddItemToObject(o, "decode_tok_s", range_json(e->decode_tok_s));
    cJSON_AddItemToObject(o, "decode_tok_s_total", range_json(e->decode_tok_s_total));
    cJSON_AddItemToObject(o, "prefill_tok_s", range_json(e->prefill_tok_s));
    cJSON_AddItemToObject(o, "ttft_ms", lat_json(e->ttft_ms));
    cJSON_AddItemToObject(o, "tpot_ms", lat_json(e->tpot_ms));
    cJSON_AddItemToObject(o, "e2e_latency_ms", lat_json(e->e2e_latency_ms));
    m = cJSON_AddObjectToObject(o, "memory_gib");
    cJSON_AddNumberToObject(m, "weights", r4(e->mem.weights));
    cJSON_AddNumberToObject(m, "weights_total", r4(e->mem.weights_total));
    cJSON_AddNumberToObject(m, "kv_cache", r4(e->mem.kv_cache));
    cJSON_AddNumberToObject(m, "activations", r4(e->mem.activations));
    cJSON_AddNumberToObject(m, "runtime_overhead", r4(e->mem.runtime_overhead));
    cJSON_AddNumberToObject(m, "device_peak", r4(e->mem.device_peak));
    cJSON_AddNumberToObject(m, "device_capacity", r4(e->mem.device_capacity));
    cJSON_AddNumberToObject(m, "host_peak", r4(e->mem.host_peak));
    cJSON_AddNumberToObject(m, "kv_pool", r4(e->mem.kv_pool));
    cJSON_AddNumberToObject(o, "kv_capacity_tokens", e->kv_capacity_tokens);
    cJSON_AddNumberToObject(o, "max_concurrency", round(e->max_concurrency * 100) / 100);
    sh = cJSON_AddObjectToObject(o, "throughput");
    cJSON_AddStringToObject(sh, "kind", "offline, prefill included");
    cJSON_AddNumberToObject(sh, "per_replica_tok_s", r4(e->offline_tok_s));
    cJSON_AddNumberToObject(sh, "replicas", e->replicas);
    cJSON_AddNumberToObject(sh, "aggregate_tok_s", r4(e->offline_tok_s * e->replicas));
    if (e->serving.rate > 0) {          /* at a request rate: queueing included */
        const rl_serving *v = &e->serving;
        sh = cJSON_AddObjectToObject(o, "serving");
        cJSON_AddStringToObject(sh, "kind", "Poisson arrivals at request_rate, queueing included");
        cJSON_AddNumberToObject(sh, "request_rate", r4(v->rate));
        cJSON_AddNumberToObject(sh, "capacity_rps", r4(v->capacity_rps));
        cJSON_AddNumberToObject(sh, "capacity_concurrency", v->capacity_conc);
        cJSON_AddNumberToObject(sh, "utilisation", r4(v->utilisation));
        cJSON_AddBoolToObject(sh, "saturated", v->saturated);
        cJSON_AddNumberToObject(sh, "in_flight_per_replica", r4(v->in_flight));
        cJSON_AddNumberToObject(sh, "throughput_tok_s", r4(v->tok_s));
        cJSON_AddItemToObject(sh, "ttft_ms", lat_json(v->ttft_ms));
        cJSON_AddItemToObject(sh, "tpot_ms", lat_json(v->tpot_ms));
        cJSON_AddItemToObject(sh, "e2e_latency_ms", lat_json(v->e2e_latency_ms));
    }
    if (c->quant->quality_loss >= 0)
        cJSON_AddNumberToObject(o, "quality_loss_pct", c->quant->quality_loss);
    else
        cJSON_AddNullToObject(o, "quality_loss_pct");
    cJSON_AddNumberToObject(o, "power_w", r4(e->power_w));
    cJSON_AddNumberToObject(o, "temp_c", r4(e->temp_c));
    if (e->context_requested > 0) {     /* clipped: what is kept */
        sh = cJSON_AddObjectToObject(o, "context_clipped");
        cJSON_AddNumberToObject(sh, "requested_tokens", (double)e->context_requested);
        cJSON_AddNumberToObject(sh, "kept_tokens", (double)e->context_kept);
        cJSON_AddNumberToObject(sh, "prompt_kept_tokens", (double)e->prompt_kept);
    }
    cJSON_AddNumberToObject(o, "clock_frac", r4(e->clock_frac));
    cJSON_AddNumberToObject(o, "tok_per_j", r4(e->tok_per_j));
    sh = cJSON_AddObjectToObject(o, "bottleneck_shares_pct");
    cJSON_AddNumberToObject(sh, "weights", round(e->share_weights));
    cJSON_AddNumberToObject(sh, "kv_cache", round(e->share_kv));
    cJSON_AddNumberToObject(sh, "compute", round(e->share_compute));
    cJSON_AddNumberToObject(sh, "communication", round(e->share_comm));
    cJSON_AddNumberToObject(sh, "overhead", round(e->share_overhead));
    cJSON_AddNumberToObject(sh, "offload", round(e->share_offload));
    cJSON_AddItemToObject(o, "bottlenecks",
                          notes_json((char (*)[RL_NOTE_LEN])e->bottlenecks, e->n_bottlenecks));
    cJSON_AddItemToObject(o, "explanations",
                          notes_json((char (*)[RL_NOTE_LEN])e->explanations, e->n_explanations));
    cJSON_AddItemToObject(o, "assumptions",
                          notes_json((char (*)[RL_NOTE_LEN])e->assumptions, e->n_assumptions));
    return o;
}

static void row(FILE *out, const char *name, rl_range r, const char *unit)
{
    char a[32], b[32], c[32];
    if (r.p50 > 0)
        fprintf(out, "  %-22s %10s %s   (p10 %s, p90 %s)\n", name,
                rl_fmt_num(a, sizeof a, r.p50, 4), unit, rl_fmt_num(b, sizeof b, r.p10, 4),
                rl_fmt_num(c, sizeof c, r.p90, 4));
    else
        fprintf(out, "  %-22s %10s\n", name, "-");
}

static void lrow(FILE *out, const char *name, rl_lat l)
{
    char a[32], b[32], c[32], d[32];
    if (l.p50 > 0 && l.p90 > 0)
        fprintf(out, "  %-22s %10s ms  (p10 %s, p90 %s, p95 %s)\n", name,
                rl_fmt_num(a, sizeof a, l.p50, 4), rl_fmt_num(c, sizeof c, l.p10, 4),
                rl_fmt_num(d, sizeof d, l.p90, 4), rl_fmt_num(b, sizeof b, l.p95, 4));
    else if (l.p50 > 0)
        fprintf(out, "  %-22s %10s ms  (p95 %s)\n", name, rl_fmt_num(a, sizeof a, l.p50, 4),
                rl_fmt_num(b, sizeof b, l.p95, 4));
    else
        fprintf(out, "  %-22s %10s\n", name, "-");
}

/* The served lines: what the rate gets, and whether the replicas keep up. */
static void serving_print(FILE *out, const rl_estimate *e)
{
    const rl_serving *v = &e->serving;
    char a[32], b[32], c[32];
    fprintf(out, "  serving at %s req/s   capacity %s req/s (%.0f%% used; %d replica%s, "
            "best batch %d)\n", rl_fmt_num(a, sizeof a, v->rate, 4),
            rl_fmt_num(b, sizeof b, v->capacity_rps, 4), v->utilisation * 100, e->replicas,
            e->replicas == 1 ? "" : "s", v->capacity_conc);
    if (v->saturated) {
        fprintf(out, "    SATURATED: %s req/s offered, %s served -- the queue grows without "
                "bound; TTFT at least %s ms and rising\n", a, b,
                rl_fmt_num(c, sizeof c, v->ttft_ms.p50, 4));
        return;
    }
    fprintf(out, "    %-20s %10s tok/s  (output, Poisson arrivals, queueing included; "
            "%s in flight per replica)\n", "throughput", rl_fmt_num(a, sizeof a, v->tok_s, 4),
            rl_fmt_num(b, sizeof b, v->in_flight, 3));
    fprintf(out, "    %-20s %10s ms  (p95 %s)\n", "TTFT", rl_fmt_num(a, sizeof a, v->ttft_ms.p50, 4),
            rl_fmt_num(b, sizeof b, v->ttft_ms.p95, 4));
    fprintf(out, "    %-20s %10s ms  (p95 %s)\n", "TPOT", rl_fmt_num(a, sizeof a, v->tpot_ms.p50, 4),
            rl_fmt_num(b, sizeof b, v->tpot_ms.p95, 4));
    fprintf(out, "    %-20s %10s ms  (p95 %s)\n", "end-to-end",
            rl_fmt_num(a, sizeof a, v->e2e_latency_ms.p50, 4),
            rl_fmt_num(b, sizeof b, v->e2e_latency_ms.p95, 4));
}

/* " ep N" when experts are placed whole (an internal buffer). */
static const char *ep_words(const rl_config *c)
{
    static _Thread_local char buf[24];
    if (c->ep <= 1) return "";
    snprintf(buf, sizeof buf, " ep %d", c->ep);
    return buf;
}

void rl_estimate_print(FILE *out, const rl_config *c, const rl_estimate *e,
                       const char *launch)
{
    const rl_memory *m = &e->mem;
    char na[32], nb[32];

    if (c->model->kind == RL_ENCODER)   /* one forward pass per input, no KV */
        fprintf(out, "%s (encoder, %d tokens per input) on %d x %s, %s %s, tp %d pp %d\n",
                c->model->id, c->model->input_tokens, c->devices, c->hw->id, c->rt->id,
                c->quant->id, c->tp, c->pp);
    else
        fprintf(out, "%s on %d x %s, %s %s (KV %s), tp %d pp %d%s%s, prompt %ld, output %ld, "
                "concurrency %d%s\n",
                c->model->id, c->devices, c->hw->id, c->rt->id, c->quant->id, c->kv->id,
                c->tp, c->pp, ep_words(c), c->dp_attention ? " dp-attention" : "",
                (long)c->prompt, (long)c->output, c->concurrency,
                c->offload_layers ? ", offloaded layers" : "");
    fprintf(out, "  %-22s %s\n", "feasibility", rl_feasibility_name(e->feasibility));
    if (e->feasibility == RL_INSUFFICIENT_MEMORY)
        fprintf(out, "  NOT RUNNABLE: needs %.2f GiB per device, %.2f GiB usable -- the speeds "
                "and latencies below are what it would do if it fit\n",
                m->device_peak, m->device_capacity);
    fprintf(out, "  %-22s %s\n", "regime", rl_regime_name(e->regime));
    if (e->context_requested > 0)
        fprintf(out, "  context clipped: keeps the last %ld tokens of %ld+%ld (prompt cut to "
                "%ld, oldest KV evicted while decoding)\n", e->context_kept, (long)c->prompt,
                (long)c->output, e->prompt_kept);
    row(out, "decode per sequence", e->decode_tok_s, "tok/s");
    row(out, "decode total", e->decode_tok_s_total, "tok/s");
    row(out, c->model->kind == RL_ENCODER && c->model->layers == 0 ? "inputs" : "prefill",
        e->prefill_tok_s, c->model->kind == RL_ENCODER && c->model->layers == 0 ? "/s" : "tok/s");
    lrow(out, "TTFT", e->ttft_ms);
    lrow(out, "TPOT", e->tpot_ms);
    lrow(out, "end-to-end", e->e2e_latency_ms);
    fprintf(out, "  memory per device (GiB): weights %.2f + KV %.2f + activations %.2f + "
            "runtime %.2f = %.2f of %.2f usable; host %.2f\n",
            m->weights, m->kv_cache, m->activations, m->runtime_overhead, m->device_peak,
            m->device_capacity, m->host_peak);
    fprintf(out, "  %-22s %.2f GiB (every device and the host together)\n", "weights as stored",
            m->weights_total);
    if (e->kv_capacity_tokens > 0)
        fprintf(out, "  KV pool %.2f GiB per device: %.0f tokens per replica, %.2f sequences "
                "of %ld tokens\n", m->kv_pool, e->kv_capacity_tokens, e->max_concurrency,
                (long)(c->context_cap > 0 ? c->context_cap : c->prompt + c->output));
    if (e->offline_tok_s > 0)
        fprintf(out, "  %-22s %10s tok/s  (offline, prefill included; %d replica%s x %s)\n",
                "throughput", rl_fmt_num(na, sizeof na, e->offline_tok_s * e->replicas, 4),
                e->replicas, e->replicas == 1 ? "" : "s",
                rl_fmt_num(nb, sizeof nb, e->offline_tok_s, 4));
    if (e->serving.rate > 0) serving_print(out, e);
    if (c->quant->quality_loss >= 0)
        fprintf(out, "  %-22s %10s %%      (%s)\n", "quality loss",
                rl_fmt_num(na, sizeof na, c->quant->quality_loss, 3), c->quant->id);
    if (e->power_w > 0)
        fprintf(out, "  power %s W%s%s, steady temperature %.0f C, clock %.0f%% of nominal, "
                "%s %s per joule\n", rl_fmt_num(na, sizeof na, e->power_w, 3), c->power_mode ? " in power mode " : "",
                c->power_mode ? c->power_mode : "", e->temp_c, e->clock_frac * 100,
                rl_fmt_num(nb, sizeof nb, e->tok_per_j, 3), c->model->kind == RL_ENCODER ? "inputs"
                : e->decode_tok_s_total.p50 > 0 ? "output tokens" : "prompt tokens");
    if (launch)
        fprintf(out, "  launch: %s\n", launch[0] ? launch
                : "none (this runtime has no standard server command line)");
    for (int i = 0; i < e->n_bottlenecks; i++)
        fprintf(out, "  bottleneck: %s\n", e->bottlenecks[i]);
    for (int i = 0; i < e->n_explanations; i++)
        fprintf(out, "  - %s\n", e->explanations[i]);
    for (int i = 0; i < e->n_assumptions; i++)
        fprintf(out, "  assumption: %s\n", e->assumptions[i]);
}

void rl_json_utf8(cJSON *doc)
{
    for (cJSON *c = doc; c; c = c->next) {
        if (c->string) rl_utf8_fix(c->string);
        if (cJSON_IsString(c) && c->valuestring) rl_utf8_fix(c->valuestring);
        if (c->child) rl_json_utf8(c->child);
    }
}

int rl_json_print(FILE *out, cJSON *doc, int pretty)
{
    char *s;

    rl_json_utf8(doc);
    s = pretty ? cJSON_Print(doc) : cJSON_PrintUnformatted(doc);
    int rc = RL_OK;

    if (!s) return RL_EIO;
    if (fputs(s, out) == EOF || fputc('\n', out) == EOF) rc = RL_EIO;
    free(s);
    return rc;
}

int rl_write_atomic(const char *path, const char *text, rl_err *err)
{
    return rl_write_file_atomic(path, text, strlen(text), err);
}

int rl_parse_long(const char *flag, const char *s, long min, long max, long *out,
                  rl_err *err)
{
    char *end;
    long v;

    if (!s || !*s)
        return rl_err_set(err, RL_EINPUT, NULL, 0, "%s expects an integer", flag);
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno || *end || v < min || v > max)
        return rl_err_set(err, RL_EINPUT, NULL, 0,
                          "%s expects an integer in [%ld, %ld], got '%s'", flag, min, max, s);
    *out = v;
    return RL_OK;
}

int rl_parse_double(const char *flag, const char *s, double min, double max,
                    double *out, rl_err *err)
{
    char *end;
    double v;

    if (!s || !*s)
        return rl_err_set(err, RL_EINPUT, NULL, 0, "%s expects a number", flag);
    errno = 0;
    v = strtod(s, &end);
    if (errno || *end || !isfinite(v) || v < min || v > max) {
        char lo[32], hi[32];
        return rl_err_set(err, RL_EINPUT, NULL, 0, "%s expects a number in [%s, %s], got '%s'",
                          flag, rl_fmt_num(lo, sizeof lo, min, 6), rl_fmt_num(hi, sizeof hi, max, 6),
                          s);
    }
    *out = v;
    return RL_OK;
}
