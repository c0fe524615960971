/*
 * cmd_solve.c -- `ridgeline solve SCENARIO.cfg... [--objective O] [--top N]
 * [--pareto] [--format F]`, or `ridgeline solve --model ID --hardware ID
 * [scenario flags]`: search each scenario's deployment options and print
 * the ranked survivors, each with its launch command, and the reasons the
 * others were rejected.
 *
 * Exit status: 0 when every scenario has a feasible configuration, 1 when
 * one has none (the output still says why), 2 usage or input error, 3
 * solver failure, 4 I/O error; with several scenarios the worst wins.
 * With --format json one scenario prints one object (README "solve
 * --json"), several print an array of them; jsonl, csv and md print one
 * row per recommended configuration (rl_solve_columns).
 *
 * rl_solve_json() is also used by cmd_batch.c.  Printers never compute:
 * everything printed here comes from the rl_solve_result.
 */
#include "cli.h"
#include "catalog.h"
#include "scenario.h"
#include "solver.h"
#include "launch.h"

#include <stdlib.h>
#include <string.h>

/* Shared with cmd_batch.c (declared there; cli.h is the lead's). */

/* ---- flags: one typed table, which also prints --help --------------- */

enum ftype { F_BOOL, F_STR, F_LONG };

typedef struct sopts {
    const char *objective, *catalog, *format;
    long top;
    int json, pareto, exhaustive, no_milp, help, fmt;
} sopts;

static const struct flag {
    const char *name;
    const char *meta;           /* value placeholder in --help, "" for switches */
    int type;                   /* enum ftype */
    size_t off;
    long min, max;
    const char *help;
} flags[] = {
    {"--objective", "O", F_STR, offsetof(sopts, objective), 0, 0,
     "throughput | latency | model_size | perf_per_watt | perf_per_dollar\n"
     "                    (overrides the scenario's objective)"},
    {"--top", "N", F_LONG, offsetof(sopts, top), 1, 1000,
     "configurations to recommend, 1..1000 (default: the scenario's top, 5)"},
    {"--format", "F", F_STR, offsetof(sopts, format), 0, 0,
     "text (default) | json (pretty) | jsonl | csv | md: jsonl, csv\n"
     "                    and md print one row per recommended configuration"},
    {"--json", "", F_BOOL, offsetof(sopts, json), 0, 0, "= --format json"},
    {"--pareto", "", F_BOOL, offsetof(sopts, pareto), 0, 0,
     "also list the throughput-latency front (at a rate: capacity-latency)"},
    {"--exhaustive", "", F_BOOL, offsetof(sopts, exhaustive), 0, 0,
     "no monotone pruning (slower; same answer)"},
    {"--no-milp", "", F_BOOL, offsetof(sopts, no_milp), 0, 0,
     "closed-form layer placement only"},
    {"--catalog", "DIR", F_STR, offsetof(sopts, catalog), 0, 0,
     "catalog directory (default: built in)"},
    {"--help", "", F_BOOL, offsetof(sopts, help), 0, 0, "this text"},
};
#define NFLAGS (sizeof flags / sizeof *flags)

static void usage(FILE *out)
{
    fprintf(out, "usage: ridgeline solve SCENARIO.cfg... [flags]\n"
                 "       ridgeline solve --model ID --hardware ID [scenario flags] [flags]\n\n"
                 "Enumerate a scenario's deployment options, reject the infeasible ones\n"
                 "(with reasons) and rank the rest; each recommendation comes with the\n"
                 "command that launches it.  Scenario keys: README \"Scenario file\".\n\n");
    for (size_t i = 0; i < NFLAGS; i++) {
        char lhs[32];
        snprintf(lhs, sizeof lhs, "%s %s", flags[i].name, flags[i].meta);
        fprintf(out, "  %-16s  %s\n", lhs, flags[i].help);
    }
    fprintf(out, "\nscenario flags (instead of a file; lists as a,b,c; the scenario key set):\n");
    rl_scenario_flags_help(out);
    fprintf(out, "\nat a request rate (--rate R, workload.request_rate): every candidate is\n"
                 "served at R req/s (Poisson arrivals over its replicas, as estimate --rate);\n"
                 "concurrency is each replica's batch cap (--max-num-seqs); capacity <= R is\n"
                 "rejected as 'saturated'; TTFT/TPOT SLOs are checked at the rate; tok/s is\n"
                 "the served throughput (R x output, the same for all), so objective\n"
                 "throughput ranks by capacity (headroom = capacity / R).\n");
    fprintf(out, "\nexit status: 0 feasible, 1 nothing feasible, 2 usage or input error,\n"
                 "3 solver failure, 4 I/O error\n");
}

/* Parse flags; positional arguments are moved to files[], scenario flags
 * (and their values) to sargv[]. */
static int parse(int argc, char **argv, sopts *o, const char **files, int *nfiles,
                 char **sargv, int *nsargs, rl_err *err)
{
    *nfiles = *nsargs = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] != '-' || strcmp(a, "-") == 0) {
            files[(*nfiles)++] = a;
            continue;
        }
        size_t k;
        for (k = 0; k < NFLAGS && strcmp(a, flags[k].name) != 0; k++) {}
        if (k == NFLAGS && rl_scenario_is_flag(a)) {
            sargv[(*nsargs)++] = argv[i];
            if (!strchr(a, '=') && i + 1 < argc) sargv[(*nsargs)++] = argv[++i];
            continue;
        }
        if (k == NFLAGS) {
            const char *names[NFLAGS];
            for (size_t j = 0; j < NFLAGS; j++) names[j] = flags[j].name;
            const char *s = rl_suggest(a, names, (int)NFLAGS);
            return rl_err_set(err, RL_EINPUT, NULL, 0, "unknown flag '%s'%s%s%s", a,
                              s ? " (did you mean '" : "", s ? s : "", s ? "'?)" : "");
        }
        char *p = (char *)o + flags[k].off;
        if (flags[k].type == F_BOOL) {
            *(int *)p = 1;
            continue;
        }
        if (i + 1 >= argc)
            return rl_err_set(err, RL_EINPUT, NULL, 0, "%s needs a value", a);
        const char *v = argv[++i];
        if (flags[k].type == F_STR) *(const char **)p = v;
        else if (rl_parse_long(a, v, flags[k].min, flags[k].max, (long *)p, err)) return RL_EINPUT;
    }
    if (o->json) o->fmt = RL_FMT_JSON;
    if (o->format && rl_parse_format(o->format, &o->fmt, err)) return RL_EINPUT;
    return RL_OK;
}

/* ---- JSON ------------------------------------------------------------- */

static cJSON *ranked_json(const rl_ranked *k, const rl_solve_result *r)
{
    cJSON *o = cJSON_CreateObject(), *ex;
    if (!o) return NULL;
    cJSON_AddNumberToObject(o, "rank", k->rank);
    cJSON_AddStringToObject(o, "runtime", k->cfg.rt->id);
    cJSON_AddStringToObject(o, "quant", k->cfg.quant->id);
    cJSON_AddStringToObject(o, "kv_dtype", k->cfg.kv ? k->cfg.kv->id : "fp16");
    cJSON_AddNumberToObject(o, "tp", k->cfg.tp);
    cJSON_AddNumberToObject(o, "pp", k->cfg.pp);
    cJSON_AddNumberToObject(o, "ep", k->cfg.ep > 1 ? k->cfg.ep : 1);
    cJSON_AddBoolToObject(o, "dp_attention", k->cfg.dp_attention);
    cJSON_AddNumberToObject(o, "devices", k->cfg.tp * k->cfg.pp * k->cfg.replicas);
    cJSON_AddNumberToObject(o, "replicas", k->cfg.replicas);
    cJSON_AddNumberToObject(o, "context_cap", (double)k->cfg.context_cap);
    cJSON_AddStringToObject(o, "offload", rl_offload_mode_name(k->offload_mode));
    cJSON_AddNumberToObject(o, "offload_layers", k->cfg.offload_layers);
    cJSON_AddNumberToObject(o, "sliding_window", (double)k->cfg.sliding_window);
    cJSON_AddNumberToObject(o, "concurrency", k->cfg.concurrency);
    cJSON_AddStringToObject(o, "feasibility", rl_feasibility_name(k->est.feasibility));
    cJSON_AddStringToObject(o, "regime", rl_regime_name(k->est.regime));
    cJSON_AddNumberToObject(o, "score", k->score);
    cJSON_AddStringToObject(o, "score_unit", r->unit);
    cJSON_AddNumberToObject(o, "throughput_tok_s", k->throughput);
    cJSON_AddStringToObject(o, "throughput_kind", r->throughput_kind);
    if (k->cfg.quant->quality_loss >= 0)
        cJSON_AddNumberToObject(o, "quality_loss_pct", k->cfg.quant->quality_loss);
    else
        cJSON_AddNullToObject(o, "quality_loss_pct");
    cJSON_AddNumberToObject(o, "latency_ms", k->latency_ms);
    if (r->request_rate > 0) {          /* at the scenario's request rate */
        const rl_serving *v = &k->est.serving;
        cJSON *sv = cJSON_AddObjectToObject(o, "serving");
        cJSON_AddNumberToObject(sv, "request_rate", v->rate);
        cJSON_AddNumberToObject(sv, "capacity_rps", v->capacity_rps);
        cJSON_AddNumberToObject(sv, "headroom", v->rate > 0 ? v->capacity_rps / v->rate : 0);
        cJSON_AddNumberToObject(sv, "utilisation", v->utilisation);
        cJSON_AddNumberToObject(sv, "max_num_seqs", k->cfg.max_num_seqs);
        cJSON_AddNumberToObject(sv, "capacity_concurrency", v->capacity_conc);
        cJSON_AddNumberToObject(sv, "in_flight_per_replica", v->in_flight);
        cJSON_AddNumberToObject(sv, "throughput_tok_s", v->tok_s);
        cJSON_AddNumberToObject(sv, "ttft_ms_p95", v->ttft_ms.p95);
        cJSON_AddNumberToObject(sv, "tpot_ms_p95", v->tpot_ms.p95);
        cJSON_AddNumberToObject(sv, "e2e_latency_ms_p50", v->e2e_latency_ms.p50);
    }
    cJSON_AddItemToObject(o, "estimates", rl_estimate_json(&k->cfg, &k->est));
    {
        char launch[RL_LAUNCH_MAX];
        cJSON_AddItemToObject(o, "launch",
                              rl_launch_command(&k->cfg, NULL, launch, sizeof launch)
                                  ? cJSON_CreateString(launch) : cJSON_CreateNull());
    }
    ex = cJSON_AddArrayToObject(o, "explanations");
    for (int i = 0; ex && i < k->n_expl; i++)
        cJSON_AddItemToArray(ex, cJSON_CreateString(k->expl[i]));
    return o;
}

static cJSON *near_json(const rl_near_miss *m)
{
    cJSON *o = cJSON_CreateObject(), *why;
    if (!o) return NULL;
    cJSON_AddStringToObject(o, "runtime", m->cfg.rt->id);
    cJSON_AddStringToObject(o, "quant", m->cfg.quant->id);
    cJSON_AddStringToObject(o, "kv_dtype", m->cfg.kv ? m->cfg.kv->id : "fp16");
    cJSON_AddNumberToObject(o, "tp", m->cfg.tp);
    cJSON_AddNumberToObject(o, "pp", m->cfg.pp);
    cJSON_AddNumberToObject(o, "ep", m->cfg.ep > 1 ? m->cfg.ep : 1);
    cJSON_AddBoolToObject(o, "dp_attention", m->cfg.dp_attention);
    cJSON_AddNumberToObject(o, "replicas", m->cfg.replicas);
    cJSON_AddNumberToObject(o, "context_cap", (double)m->cfg.context_cap);
    cJSON_AddStringToObject(o, "offload", rl_offload_mode_name(m->offload_mode));
    cJSON_AddNumberToObject(o, "offload_layers", m->cfg.offload_layers);
    cJSON_AddNumberToObject(o, "sliding_window", (double)m->cfg.sliding_window);
    cJSON_AddNumberToObject(o, "concurrency", m->cfg.concurrency);
    why = cJSON_AddArrayToObject(o, "reasons");
    for (int i = 0; why && i < m->n_reasons; i++) {
        cJSON *x = cJSON_CreateObject();
        cJSON_AddStringToObject(x, "code", m->code[i]);
        cJSON_AddStringToObject(x, "detail", m->detail[i]);
        cJSON_AddItemToArray(why, x);
    }
    return o;
}

static void scenario_json(cJSON *o, const rl_scenario *s, const rl_solve_result *r)
{
    cJSON *rt;
    cJSON_AddStringToObject(o, "scenario", s->name);
    cJSON_AddStringToObject(o, "file", s->path);
    cJSON_AddStringToObject(o, "model", s->model_id);
    cJSON_AddStringToObject(o, "hardware", s->hw_id);
    cJSON_AddNumberToObject(o, "devices", s->devices);
    rt = cJSON_AddArrayToObject(o, "runtimes");
    for (int i = 0; rt && i < s->n_runtimes; i++)
        cJSON_AddItemToArray(rt, cJSON_CreateString(s->runtimes[i]->id));
    cJSON_AddStringToObject(o, "objective", r->objective);
    if (r->request_rate > 0) cJSON_AddNumberToObject(o, "request_rate", r->request_rate);
}

cJSON *rl_solve_json(const rl_scenario *s, const rl_solve_result *r)
{
    cJSON *o = cJSON_CreateObject(), *se, *rej, *why, *arr;
    if (!o) return NULL;
    scenario_json(o, s, r);
    se = cJSON_AddObjectToObject(o, "search");
    cJSON_AddNumberToObject(se, "candidates", (double)r->candidates);
    cJSON_AddNumberToObject(se, "feasible", (double)r->feasible);
    cJSON_AddNumberToObject(se, "elapsed_ms", r->elapsed_ms);
    cJSON_AddNumberToObject(se, "estimates", (double)r->estimates);
    cJSON_AddNumberToObject(se, "pruned", (double)r->pruned);
    cJSON_AddNumberToObject(se, "milp_solves", (double)r->milp_solves);
    cJSON_AddNumberToObject(se, "milp_cache_hits", (double)r->milp_cache_hits);
    if (r->request_rate > 0)
        cJSON_AddNumberToObject(se, "serving_runs", (double)r->serving_runs);
    rej = cJSON_AddObjectToObject(o, "rejected");
    why = cJSON_AddObjectToObject(o, "rejected_examples");
    for (int i = 0; i < r->n_reasons; i++) {
        cJSON_AddNumberToObject(rej, r->reasons[i].code, (double)r->reasons[i].count);
        if (r->reasons[i].example[0])
            cJSON_AddStringToObject(why, r->reasons[i].code, r->reasons[i].example);
    }
    arr = cJSON_AddArrayToObject(o, "recommended_configs");
    for (int i = 0; arr && i < r->n_ranked; i++)
        cJSON_AddItemToArray(arr, ranked_json(&r->ranked[i], r));
    if (r->n_near) {
        arr = cJSON_AddArrayToObject(o, "near_misses");
        for (int i = 0; arr && i < r->n_near; i++) cJSON_AddItemToArray(arr, near_json(&r->near[i]));
    }
    if (r->n_pareto) {
        arr = cJSON_AddArrayToObject(o, "pareto");
        for (int i = 0; arr && i < r->n_pareto; i++)
            cJSON_AddItemToArray(arr, ranked_json(&r->pareto[i], r));
    }
    return o;
}

int rl_solve_exit(const rl_solve_result *r)
{
    return r->feasible > 0 ? RL_OK : RL_EINFEASIBLE;
}

/* ---- table ------------------------------------------------------------ */

static void row(FILE *out, const rl_ranked *k)
{
    char ctx[16], moe[40] = "";
    snprintf(ctx, sizeof ctx, "%ld", k->cfg.context_cap);
    if (k->cfg.ep > 1 || k->cfg.dp_attention)      /* MoE parallelism, when used */
        snprintf(moe, sizeof moe, "(%s%.0d%s%s)", k->cfg.ep > 1 ? "ep " : "",
                 k->cfg.ep > 1 ? k->cfg.ep : 0, k->cfg.ep > 1 && k->cfg.dp_attention ? ", " : "",
                 k->cfg.dp_attention ? "dp-attention" : "");
    fprintf(out, "%3d  %-12s %-9s %-5s %2d %2d %3d %7s %4d %5d %9.1f %9.0f %9.1f %6.1f/%-5.1f %s%s%s\n",
            k->rank, k->cfg.rt->id, k->cfg.quant->id, k->cfg.kv ? k->cfg.kv->id : "-",
            k->cfg.tp, k->cfg.pp, k->cfg.replicas, ctx, k->cfg.offload_layers, k->cfg.concurrency,
            k->throughput, k->est.ttft_ms.p95, k->est.tpot_ms.p95,
            k->est.mem.device_peak, k->est.mem.device_capacity,
            rl_feasibility_name(k->est.feasibility), moe[0] ? "  " : "", moe);
}

/* At a request rate: what the rate gets from this configuration. */
static void serving_line(FILE *out, const rl_ranked *k)
{
    const rl_serving *v = &k->est.serving;
    char a[32], b[32], c[32];
    fprintf(out, "     serving: %s req/s of capacity %s req/s (headroom %.2fx, %.0f%% used), "
            "%s in flight per replica (max_num_seqs %d); at the rate TTFT p95 %.0f ms, "
            "TPOT p95 %.1f ms\n", rl_fmt_num(a, sizeof a, v->rate, 4),
            rl_fmt_num(b, sizeof b, v->capacity_rps, 4),
            v->rate > 0 ? v->capacity_rps / v->rate : 0, v->utilisation * 100,
            rl_fmt_num(c, sizeof c, v->in_flight, 3), k->cfg.max_num_seqs, v->ttft_ms.p95,
            v->tpot_ms.p95);
}

static void header(FILE *out)
{
    fprintf(out, "%3s  %-12s %-9s %-5s %2s %2s %3s %7s %4s %5s %9s %9s %9s %12s %s\n", "#",
            "runtime", "quant", "kv", "tp", "pp", "rep", "context", "host", "conc", "tok/s",
            "ttft95ms", "tpot95ms", "GiB/device", "feasibility");
}

void rl_solve_print(FILE *out, const rl_scenario *s, const rl_solve_result *r)
{
    fprintf(out, "%s: %s on %d x %s, objective %s (%s, %s is better)\n", s->name,
            s->model_id, s->devices, s->hw_id, r->objective, r->unit,
            r->minimize ? "lower" : "higher");
    fprintf(out, "throughput: %s, all replicas\n", r->throughput_kind);
    if (r->request_rate > 0) {
        char a[32];
        fprintf(out, "at %s req/s (Poisson arrivals): tok/s is the served output rate, "
                "TTFT/TPOT are at that load (queueing included), conc is the batch cap "
                "(max_num_seqs)\n", rl_fmt_num(a, sizeof a, r->request_rate, 4));
    }
    fprintf(out, "searched %ld candidates in %.1f ms (%ld estimates, %ld MILP solves): "
                 "%ld feasible\n\n",
            r->candidates, r->elapsed_ms, r->estimates, r->milp_solves, r->feasible);
    if (r->n_ranked) {
        header(out);
        for (int i = 0; i < r->n_ranked; i++) {
            char launch[RL_LAUNCH_MAX];
            row(out, &r->ranked[i]);
            if (r->request_rate > 0) serving_line(out, &r->ranked[i]);
            if (rl_launch_command(&r->ranked[i].cfg, NULL, launch, sizeof launch))
                fprintf(out, "     launch: %s\n", launch);
        }
        fprintf(out, "\nwhy #1:\n");
        for (int i = 0; i < r->ranked[0].n_expl; i++)
            fprintf(out, "  - %s\n", r->ranked[0].expl[i]);
        for (int i = 0; i < r->ranked[0].est.n_explanations; i++)
            fprintf(out, "  - %s\n", r->ranked[0].est.explanations[i]);
    } else {
        fprintf(out, "no feasible configuration.\n");
        for (int i = 0; i < r->n_near; i++) {
            const rl_near_miss *m = &r->near[i];
            fprintf(out, "%s %s %s/%s tp %d pp %d conc %d context %ld fails:\n",
                    i ? "next:   " : "closest:", m->cfg.rt->id, m->cfg.quant->id,
                    m->cfg.kv ? m->cfg.kv->id : "-", m->cfg.tp, m->cfg.pp, m->cfg.concurrency,
                    m->cfg.context_cap);
            for (int k = 0; k < m->n_reasons; k++)
                fprintf(out, "  - %s: %s\n", m->code[k], m->detail[k]);
        }
    }
    if (r->n_pareto) {
        fprintf(out, "\n%s front (%d points):\n", r->request_rate > 0
                ? "capacity-latency (the capacity each could serve vs end-to-end p50 at the rate)"
                : "throughput-latency", r->n_pareto);
        header(out);
        for (int i = 0; i < r->n_pareto; i++) {
            row(out, &r->pareto[i]);
            if (r->request_rate > 0) serving_line(out, &r->pareto[i]);
        }
    }
    long dup = rl_solve_rejected(r, "offload_not_needed");
    if (r->candidates - r->feasible - dup > 0) {
        fprintf(out, "\nrejected %ld:\n", r->candidates - r->feasible - dup);
        for (int i = 0, shown = 0; i < r->n_reasons && shown < 6; i++) {
            if (!strcmp(r->reasons[i].code, "offload_not_needed")) continue;
            fprintf(out, "  %-20s %8ld  %s\n", r->reasons[i].code, r->reasons[i].count,
                    r->reasons[i].example);
            shown++;
        }
    }
    if (dup)
        fprintf(out, "(%ld partial-offload candidates fit without offload: counted as "
                     "offload_not_needed)\n", dup);
}

/* ---- rows (--format jsonl|csv|md) -------------------------------------- */

/* Paths into one recommended_configs element; '/' into the scenario. */
const rl_column rl_solve_columns[] = {
    {"scenario", "/scenario"}, {"rank", "rank"}, {"runtime", "runtime"},
    {"quant", "quant"}, {"kv_dtype", "kv_dtype"}, {"tp", "tp"}, {"pp", "pp"},
    {"concurrency", "concurrency"},
    {"decode_tok_s_p50", "estimates.decode_tok_s.p50"},
    {"total_tok_s", "estimates.decode_tok_s_total.p50"},
    {"ttft_ms_p95", "estimates.ttft_ms.p95"}, {"tpot_ms_p95", "estimates.tpot_ms.p95"},
    {"memory_gib_peak", "estimates.memory_gib.device_peak"},
    /* at a request rate (empty without one); ttft/tpot above are then at it */
    {"request_rate", "serving.request_rate"}, {"capacity_rps", "serving.capacity_rps"},
    {"headroom", "serving.headroom"}, {"in_flight", "serving.in_flight_per_replica"},
    {"served_tok_s", "serving.throughput_tok_s"},
    {"feasibility", "feasibility"}, {"score", "score"}, {"launch", "launch"},
};
const int rl_solve_ncolumns = (int)(sizeof rl_solve_columns / sizeof *rl_solve_columns);

/* One row per recommended configuration of doc: into t (csv, md) or
 * printed as a JSON line (jsonl). */
static int rows_out(const cJSON *doc, int fmt, rl_table *t)
{
    const cJSON *k;
    int rc = RL_OK;
    cJSON_ArrayForEach(k, cJSON_GetObjectItemCaseSensitive(doc, "recommended_configs")) {
        if (fmt != RL_FMT_JSONL) {
            rc = rl_table_add_json(t, rl_solve_columns, k, doc);
        } else {
            cJSON *line = rl_json_row(rl_solve_columns, rl_solve_ncolumns, k, doc);
            rc = line ? rl_json_print(stdout, line, 0) : RL_EIO;
            cJSON_Delete(line);
        }
        if (rc) return RL_EIO;
    }
    return RL_OK;
}

/* ---- command ---------------------------------------------------------- */

/* Where the output of several scenarios goes until the end. */
typedef struct sink {
    cJSON *all;                 /* --format json with several scenarios */
    rl_table table;             /* csv, md */
} sink;

static int print_result(const rl_scenario *s, const rl_solve_result *r, const sopts *so,
                        sink *out, int many, int idx, rl_err *err)
{
    int rc = RL_OK;
    if (so->fmt == RL_FMT_TEXT) {
        if (many) printf("%s== %s\n", idx ? "\n" : "", s->path);
        rl_solve_print(stdout, s, r);
        return RL_OK;
    }
    cJSON *j = rl_solve_json(s, r);
    if (!j) return rl_err_set(err, RL_EIO, NULL, 0, "out of memory");
    if (so->fmt == RL_FMT_JSON && many) {
        cJSON_AddItemToArray(out->all, j);
        return RL_OK;
    }
    rc = so->fmt == RL_FMT_JSON ? rl_json_print(stdout, j, 1) : rows_out(j, so->fmt, &out->table);
    cJSON_Delete(j);
    if (rc) rl_err_set(err, RL_EIO, NULL, 0, "cannot write output");
    return rc;
}

/* Solve s (owned, freed here) and print it. */
static int solve_one(rl_scenario *s, const rl_catalog *cat, const sopts *so, sink *out,
                     int many, int idx, rl_err *err)
{
    rl_solve_result r;
    rl_solve_opts o;
    rl_solve_opts_init(&o);
    o.objective = so->objective;
    o.top = (int)so->top;
    o.pareto = so->pareto;
    o.exhaustive = so->exhaustive;
    o.use_milp = !so->no_milp;
    rl_solve_scope_note(s);
    int rc = rl_solve(s, cat, &o, &r, err);
    if (rc == RL_OK) rc = print_result(s, &r, so, out, many, idx, err);
    if (rc == RL_OK) rc = rl_solve_exit(&r);
    rl_solve_result_free(&r);
    rl_scenario_free(s);
    return rc;
}

void rl_solve_scope_note(const rl_scenario *s)
{
    if (s->enc_stream.set)
        fprintf(stderr, "%s: note: encoder_stream (%s at %g inputs/s) is checked by "
                "`ridgeline signoff`; solve ranks the LLM as if it had the part to itself\n",
                s->path[0] ? s->path : "scenario", s->enc_stream.model.id,
                s->enc_stream.inputs_per_s);
}

/* Solve every file (or the flags' scenario); the worst status. */
static int run_all(const sopts *so, const char **files, int nfiles, char **sargv,
                   int nsargs, const rl_catalog *cat, sink *out)
{
    int worst = RL_OK, n = nsargs ? 1 : nfiles;
    rl_err err;
    for (int i = 0; i < n; i++) {
        rl_scenario *s = NULL;
        int rc;
        rl_err_clear(&err);
        rc = nsargs ? rl_scenario_from_flags(nsargs, (const char *const *)sargv, cat, &s, &err)
                    : rl_scenario_load(files[i], cat, &s, &err);
        if (rc == RL_OK) rc = solve_one(s, cat, so, out, n > 1, i, &err);
        if (rc > RL_EINFEASIBLE) rl_err_print(&err, stderr);
        if (rc > worst) worst = rc;
    }
    return worst;
}

static int check_args(const sopts *so, int nfiles, int nsargs, rl_err *err)
{
    if (nfiles == 0 && nsargs == 0)
        return rl_err_set(err, RL_EINPUT, NULL, 0,
                          "solve needs a scenario file or --model and --hardware "
                          "(ridgeline solve --help)");
    if (nfiles > 0 && nsargs > 0)
        return rl_err_set(err, RL_EINPUT, NULL, 0, "give scenario files or scenario flags "
                          "(%s), not both", "--model, --hardware, ...");
    return rl_solve_check_objective(so->objective, err);
}

int rl_cmd_solve(int argc, char **argv)
{
    sopts so = {0};
    sink out;
    rl_err err;
    int nfiles, nsargs, worst;
    const char **files = calloc((size_t)(argc > 0 ? argc : 1), sizeof *files);
    char **sargv = calloc((size_t)(argc > 0 ? argc : 1), sizeof *sargv);
    const char *head[RL_TABLE_MAX_COLS];
    rl_catalog *cat = NULL;
    rl_err_clear(&err);
    memset(&out, 0, sizeof out);
    if (!files || !sargv) {
        free(files);
        free(sargv);
        return RL_EIO;
    }
    int rc = parse(argc, argv, &so, files, &nfiles, sargv, &nsargs, &err);
    if (rc == RL_OK && so.help) {
        usage(stdout);
        goto done;
    }
    if (rc == RL_OK) rc = check_args(&so, nfiles, nsargs, &err);
    if (rc == RL_OK && !(cat = rl_catalog_open(so.catalog, &err)))
        rc = err.code ? err.code : RL_EIO;
    if (rc != RL_OK) {
        rl_err_print(&err, stderr);
        goto done;
    }
    rl_catalog_set_notes(cat, stderr);      /* "H100 taken as h100-sxm" */
    for (int i = 0; i < rl_solve_ncolumns; i++) head[i] = rl_solve_columns[i].name;
    rl_table_init(&out.table, head, rl_solve_ncolumns);
    out.all = (so.fmt == RL_FMT_JSON && nfiles > 1) ? cJSON_CreateArray() : NULL;
    worst = run_all(&so, files, nfiles, sargv, nsargs, cat, &out);
    if (out.all && rl_json_print(stdout, out.all, 1) && worst < RL_EIO) worst = RL_EIO;
    if (so.fmt == RL_FMT_CSV || so.fmt == RL_FMT_MD)
        rl_table_print(stdout, &out.table, so.fmt, 1);
    rc = worst;
done:
    cJSON_Delete(out.all);
    rl_table_free(&out.table);
    rl_catalog_free(cat);
    free(files);
    free(sargv);
    return rc;
}
