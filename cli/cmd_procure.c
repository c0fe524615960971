/*
 * cmd_procure.c -- `ridgeline procure PLAN.cfg [--json]`: what to buy for
 * a demand mix (solver/procure.h).  Text: the status, the purchase, the
 * assignments, binding limits and the cost without each candidate, or
 * for an infeasible plan one line per cause; --json: the same as one
 * document, plus every option considered.
 *
 * Exit status: 0 optimal, 1 infeasible, 2 usage or input error, 3 solver
 * failure (including a time limit reached before optimality: the best
 * plan found is still printed), 4 I/O error.
 */
#include "cli.h"
#include "catalog.h"
#include "procure.h"

#include <math.h>
#include <string.h>

static const char usage_text[] =
"usage: ridgeline procure PLAN.cfg [--json] [--jobs N] [--catalog DIR]\n"
"\n"
"What to buy for a demand mix.  The plan file lists candidates\n"
"({hardware, price_usd, max_count, devices_per_node}) and demands\n"
"({name, model, prompt_tokens, output_tokens, requests_per_s, ttft_ms_p95,\n"
"tpot_ms_p95, runtimes, quants}), with budget_usd, power_w_max,\n"
"objective (min_cost | min_power | max_headroom) and, for TCO,\n"
"energy_usd_per_kwh and years.  For each (demand, candidate) the search\n"
"finds the replica configurations meeting the SLOs (capacity in requests/s\n"
"per replica); a GLPK MILP picks integer replicas per option (a demand may\n"
"be split across hardware) and whole nodes per candidate under the limits.\n"
"README.md \"procure: what to buy for a demand mix\" states the model.\n"
"\n"
"  --json          {status, total_cost_usd, total_power_w, purchase,\n"
"                   assignments, options, binding, without, why}\n"
"  --jobs N        threads for the (demand, candidate) searches (default:\n"
"                  one per CPU; the answer is the same)\n"
"  --catalog DIR   catalog directory (default: built in)\n"
"\n"
"exit status: 0 optimal, 1 infeasible (the output says which limit blocks\n"
"and by how much, or which demand nothing serves), 2 usage or input error,\n"
"3 solver failure or time limit, 4 I/O error\n";

typedef struct opts { const char *file, *catalog; int json; long jobs; } opts;

static int parse(int argc, char **argv, opts *o, rl_err *err)
{
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        int r;
        if (strcmp(argv[i], "--json") == 0) { o->json = 1; continue; }
        if ((r = rl_arg_value(argc, argv, &i, "--catalog", &v, err)) < 0) return RL_EINPUT;
        if (r) { o->catalog = v; continue; }
        if ((r = rl_arg_value(argc, argv, &i, "--jobs", &v, err)) < 0) return RL_EINPUT;
        if (r) {
            if (rl_parse_long("--jobs", v, 1, 64, &o->jobs, err)) return RL_EINPUT;
            continue;
        }
        if (argv[i][0] == '-' && argv[i][1])
            return rl_err_set(err, RL_EINPUT, NULL, 0, "unknown option '%s' "
                              "(ridgeline procure --help)", argv[i]);
        if (o->file)
            return rl_err_set(err, RL_EINPUT, NULL, 0, "procure takes one plan file");
        o->file = argv[i];
    }
    if (!o->file)
        return rl_err_set(err, RL_EINPUT, NULL, 0, "procure needs a plan file "
                          "(ridgeline procure --help)");
    return RL_OK;
}

/* 4 significant digits for derived figures. */
static double r4(double v)
{
    if (!isfinite(v) || v == 0) return 0;
    double m = pow(10, 3 - (int)floor(log10(fabs(v))));
    return round(v * m) / m;
}

static cJSON *config_json(const rl_proc_option *o)
{
    cJSON *c = cJSON_CreateObject();
    cJSON_AddStringToObject(c, "runtime", o->runtime);
    cJSON_AddStringToObject(c, "quant", o->quant);
    cJSON_AddStringToObject(c, "kv", o->kv);
    cJSON_AddNumberToObject(c, "tp", o->tp);
    cJSON_AddNumberToObject(c, "pp", o->pp);
    cJSON_AddNumberToObject(c, "ep", o->ep);
    cJSON_AddBoolToObject(c, "dp_attention", o->dp_attention);
    cJSON_AddNumberToObject(c, "concurrency", o->concurrency);
    cJSON_AddNumberToObject(c, "context_cap", (double)o->context_cap);
    cJSON_AddNumberToObject(c, "offload_layers", o->offload_layers);
    return c;
}

static cJSON *option_json(const rl_plan *p, const rl_proc_option *o, int replicas)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "demand", p->demand[o->demand].name);
    cJSON_AddStringToObject(j, "hardware", p->cand[o->cand].hw_id);
    if (replicas >= 0) cJSON_AddNumberToObject(j, "replicas", replicas);
    cJSON_AddNumberToObject(j, "devices_per_replica", o->devices_per_replica);
    cJSON_AddItemToObject(j, "config", config_json(o));
    cJSON_AddNumberToObject(j, "capacity_rps_per_replica", r4(o->capacity_rps));
    cJSON_AddNumberToObject(j, "peak_rps_per_replica", r4(o->peak_rps));
    cJSON_AddNumberToObject(j, "power_w_per_replica", r4(o->power_w));
    return j;
}

/* purchase, binding and without: the per-candidate parts. */
static void add_candidates(cJSON *doc, const rl_plan *p, const rl_proc_result *r)
{
    cJSON *buy = cJSON_AddArrayToObject(doc, "purchase");
    cJSON *w = cJSON_AddArrayToObject(doc, "without");
    cJSON *b = cJSON_AddObjectToObject(doc, "binding");
    cJSON *atmax = cJSON_CreateArray();
    for (int h = 0; h < p->n_cand; h++) {
        cJSON *j;
        if (r->devices[h]) {
            j = cJSON_CreateObject();
            cJSON_AddStringToObject(j, "hardware", p->cand[h].hw_id);
            cJSON_AddNumberToObject(j, "count", r->devices[h]);
            cJSON_AddNumberToObject(j, "nodes", r->nodes[h]);
            cJSON_AddNumberToObject(j, "devices_used", r->used[h]);
            cJSON_AddNumberToObject(j, "capex_usd", r->devices[h] * p->cand[h].price_usd);
            cJSON_AddItemToArray(buy, j);
        }
        if (r->at_max[h]) cJSON_AddItemToArray(atmax, cJSON_CreateString(p->cand[h].hw_id));
        if (r->status == RL_PROC_INFEASIBLE) continue;
        j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "hardware", p->cand[h].hw_id);
        cJSON_AddStringToObject(j, "status", rl_proc_status_name(r->without[h].status));
        if (r->without[h].status != RL_PROC_INFEASIBLE) {
            cJSON_AddNumberToObject(j, "total_cost_usd", r4(r->without[h].total_cost_usd));
            cJSON_AddNumberToObject(j, "total_power_w", r4(r->without[h].total_power_w));
            cJSON_AddNumberToObject(j, "headroom", r4(r->without[h].headroom));
        }
        cJSON_AddItemToArray(w, j);
    }
    cJSON_AddBoolToObject(b, "budget", r->bind_budget);
    cJSON_AddBoolToObject(b, "power", r->bind_power);
    cJSON_AddBoolToObject(b, "max_count", r->bind_max_count);
    cJSON_AddItemToObject(b, "at_max_count", atmax);
}

cJSON *rl_procure_json(const rl_plan *p, const rl_proc_result *r)
{
    cJSON *doc = cJSON_CreateObject(), *a, *o, *why;
    cJSON_AddStringToObject(doc, "plan", p->name);
    cJSON_AddStringToObject(doc, "status", rl_proc_status_name(r->status));
    cJSON_AddStringToObject(doc, "objective", rl_proc_objective_name(p->objective));
    cJSON_AddNumberToObject(doc, "total_cost_usd", r4(r->total_cost_usd));
    cJSON_AddNumberToObject(doc, "capex_usd", r4(r->capex_usd));
    cJSON_AddNumberToObject(doc, "energy_usd", r4(r->energy_usd));
    cJSON_AddNumberToObject(doc, "total_power_w", r4(r->total_power_w));
    cJSON_AddNumberToObject(doc, "headroom", r->status == RL_PROC_INFEASIBLE ? 0
                                                                          : r4(r->headroom));
    add_candidates(doc, p, r);
    a = cJSON_AddArrayToObject(doc, "assignments");
    o = cJSON_AddArrayToObject(doc, "options");
    for (int i = 0; i < r->n_opt; i++) {
        if (r->replicas[i] > 0) cJSON_AddItemToArray(a, option_json(p, &r->opt[i],
                                                                      r->replicas[i]));
        cJSON_AddItemToArray(o, option_json(p, &r->opt[i], -1));
    }
    why = cJSON_AddArrayToObject(doc, "why");
    for (int i = 0; i < r->n_why; i++) cJSON_AddItemToArray(why, cJSON_CreateString(r->why[i]));
    if (r->budget_needed_usd > 0)
        cJSON_AddNumberToObject(doc, "budget_needed_usd", r4(r->budget_needed_usd));
    if (r->power_needed_w > 0)
        cJSON_AddNumberToObject(doc, "power_needed_w", r4(r->power_needed_w));
    cJSON_AddNumberToObject(doc, "milp_solves", (double)r->milp_solves);
    cJSON_AddNumberToObject(doc, "elapsed_ms", r4(r->options_ms + r->milp_ms));
    return doc;
}

static void print_limits(FILE *out, const rl_plan *p, const rl_proc_result *r)
{
    char buf[32];
    fprintf(out, "binding:");
    if (r->bind_budget) fprintf(out, " budget_usd");
    if (r->bind_power) fprintf(out, " power_w_max");
    if (r->bind_max_count) fprintf(out, " max_count");
    if (!r->bind_budget && !r->bind_power && !r->bind_max_count) fprintf(out, " none");
    fprintf(out, "   (budget %s, power limit %s W)\n",
            p->budget_usd > 0 ? rl_fmt_num(buf, sizeof buf, p->budget_usd, 6) : "none",
            p->power_w_max > 0 ? rl_fmt_num(buf + 16, 16, p->power_w_max, 6) : "none");
    fprintf(out, "without each candidate:\n");
    for (int h = 0; h < p->n_cand; h++) {
        const rl_proc_without *w = &r->without[h];
        if (w->status == RL_PROC_INFEASIBLE)
            fprintf(out, "  %-16s infeasible\n", p->cand[h].hw_id);
        else
            fprintf(out, "  %-16s %12.0f USD %9.0f W  headroom %.2f\n", p->cand[h].hw_id,
                    w->total_cost_usd, w->total_power_w, w->headroom);
    }
}

static void print_text(FILE *out, const rl_plan *p, const rl_proc_result *r)
{
    fprintf(out, "%s: %s, objective %s, %d options from %d demands x %d candidates "
            "(%.0f ms, %ld MILP solves)\n", p->name, rl_proc_status_name(r->status),
            rl_proc_objective_name(p->objective), r->n_opt, p->n_demand, p->n_cand,
            r->options_ms + r->milp_ms, r->milp_solves);
    if (r->status == RL_PROC_INFEASIBLE) {
        for (int i = 0; i < r->n_why; i++) fprintf(out, "  infeasible: %s\n", r->why[i]);
        return;
    }
    fprintf(out, "total cost %.0f USD (capex %.0f + energy %.0f), power %.0f W, "
            "headroom %.2f\npurchase:\n", r->total_cost_usd, r->capex_usd, r->energy_usd,
            r->total_power_w, r->headroom);
    for (int h = 0; h < p->n_cand; h++)
        if (r->devices[h])
            fprintf(out, "  %-16s %4d devices (%d nodes of %d, %d used)%s\n",
                    p->cand[h].hw_id, r->devices[h], r->nodes[h], p->cand[h].devices_per_node,
                    r->used[h], r->at_max[h] ? "  at max_count" : "");
    int dpa = 0;
    fprintf(out, "assignments:\n  %-14s %-16s %4s %-12s %-9s %-8s %3s %3s %5s %5s %9s %5s %8s\n",
            "demand", "hardware", "rep", "runtime", "quant", "kv", "tp", "pp", "ep", "conc",
            "req/s/rep", "%peak", "W/rep");
    for (int i = 0; i < r->n_opt; i++) {
        const rl_proc_option *o = &r->opt[i];
        if (!r->replicas[i]) continue;
        char ep[16];
        snprintf(ep, sizeof ep, "%d%s", o->ep, o->dp_attention ? "+dp" : "");
        dpa |= o->dp_attention;
        fprintf(out, "  %-14s %-16s %4d %-12s %-9s %-8s %3d %3d %5s %5d %9.3f %4.0f%% %8.0f\n",
                p->demand[o->demand].name, p->cand[o->cand].hw_id, r->replicas[i],
                o->runtime, o->quant, o->kv, o->tp, o->pp, ep, o->concurrency, o->capacity_rps,
                o->peak_rps > 0 ? 100 * o->capacity_rps / o->peak_rps : 0, o->power_w);
    }
    if (dpa) fprintf(out, "  (ep N+dp: N-way expert parallel, attention data-parallel)\n");
    print_limits(out, p, r);
}

int rl_cmd_procure(int argc, char **argv)
{
    opts o = {0};
    rl_err err;
    rl_catalog *cat = NULL;
    rl_plan *p = NULL;
    rl_proc_result r;
    int rc;

    rl_err_clear(&err);
    if (rl_help_asked(argc, argv, usage_text)) return RL_OK;
    if ((rc = parse(argc, argv, &o, &err))) return rl_fail(&err);
    if (!(cat = rl_catalog_open(o.catalog, &err))) return rl_fail(&err);
    if ((rc = rl_plan_load(o.file, cat, &p, &err)) == RL_OK) p->jobs = (int)o.jobs;
    if (rc || (rc = rl_procure(p, cat, &r, &err))) {
        rl_plan_free(p);
        rl_catalog_free(cat);
        return rl_fail(&err);
    }
    if (o.json) {
        cJSON *doc = rl_procure_json(p, &r);
        rc = doc ? rl_json_print(stdout, doc, 1) : RL_EIO;
        cJSON_Delete(doc);
    } else {
        print_text(stdout, p, &r);
    }
    if (rc == RL_OK)
        rc = r.status == RL_PROC_OPTIMAL ? RL_OK
           : r.status == RL_PROC_INFEASIBLE ? RL_EINFEASIBLE : RL_ESOLVER;
    rl_proc_result_free(&r);
    rl_plan_free(p);
    rl_catalog_free(cat);
    return rc;
}
