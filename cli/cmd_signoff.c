/*
 * cmd_signoff.c -- `ridgeline signoff FILE.cfg [--json] [--report FILE.md]`:
 * sign off one fixed deployment against its requirements (solver/
 * signoff.h).  One line per check, then the verdict; --json prints the
 * verdict, the checks and the estimate object; --report writes the
 * Markdown sign-off document atomically.
 *
 * Exit status: 0 every check passes, 1 a check fails, 2 usage or input
 * error (including a scenario with more than one value on a search axis),
 * 4 I/O error.
 */
#include "cli.h"
#include "catalog.h"
#include "scenario.h"
#include "signoff.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* 4 significant digits: more than the model knows. */
static double r4(double v)
{
    if (!isfinite(v) || v == 0) return 0;
    double m = pow(10, 3 - (int)floor(log10(fabs(v))));
    return round(v * m) / m;
}

static const char usage_text[] =
"usage: ridgeline signoff SCENARIO.cfg [--json] [--report FILE.md] [--catalog DIR]\n"
"\n"
"Sign off ONE deployment: every search axis of the scenario single-valued\n"
"(runtime, quant, kv_dtype, tp, pp, context_cap, offload none|full, ...).\n"
"Checks, one line each (PASS/FAIL, value, limit, margin, reason):\n"
"  context            KV preallocated for the guaranteed context; with\n"
"                     requirements.allow_kv_eviction = true a sliding window\n"
"                     of what fits passes it degraded (tokens kept stated)\n"
"  deterministic      fixed shapes, no paging, no host link (if required)\n"
"  device_memory      peak within usable memory less memory_margin_pct\n"
"  host_memory        offloaded layers within host RAM (offload full)\n"
"  sram_fit           working set vs on-chip SRAM (fails with sram_resident)\n"
"  thermal            steady die temperature at the stated ambient WITHOUT\n"
"                     throttling (stricter than solve)\n"
"  power              sustained board power within power_w_max\n"
"  ttft_ms_p95 / input_latency_ms_p95 (encoders)\n"
"  tpot_worst_ms      p95 step of the last token at the full context\n"
"  min_decode_tok_s, min_total_tok_s / min_inputs_per_s (encoders)\n"
"  shared_time, stream_latency_ms_p95   with an encoder_stream sharing the\n"
"                     part (time slicing: the LLM gets what the stream leaves)\n"
"A check appears when its requirement is set (memory, context and SRAM\n"
"always).  A failing check lists what single change would pass it.\n"
"\n"
"  --json          {\"verdict\", \"checks\": [...], \"estimates\": {...}}\n"
"  --report FILE   Markdown sign-off document (written atomically)\n"
"  --catalog DIR   catalog directory (default: built in)\n"
"\n"
"exit status: 0 all checks pass, 1 a check fails, 2 usage or input error,\n"
"4 I/O error\n";

typedef struct opts { const char *file, *report, *catalog; int json; } opts;

static int parse(int argc, char **argv, opts *o, rl_err *err)
{
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        int r;
        if (strcmp(argv[i], "--json") == 0) { o->json = 1; continue; }
        if ((r = rl_arg_value(argc, argv, &i, "--report", &v, err)) < 0) return RL_EINPUT;
        if (r) { o->report = v; continue; }
        if ((r = rl_arg_value(argc, argv, &i, "--catalog", &v, err)) < 0) return RL_EINPUT;
        if (r) { o->catalog = v; continue; }
        if (argv[i][0] == '-' && argv[i][1])
            return rl_err_set(err, RL_EINPUT, NULL, 0, "unknown option '%s' "
                              "(ridgeline signoff --help)", argv[i]);
        if (o->file)
            return rl_err_set(err, RL_EINPUT, NULL, 0, "signoff takes one scenario file");
        o->file = argv[i];
    }
    if (!o->file)
        return rl_err_set(err, RL_EINPUT, NULL, 0, "signoff needs a scenario file "
                          "(ridgeline signoff --help)");
    return RL_OK;
}

static cJSON *checks_json(const rl_signoff *so)
{
    cJSON *a = cJSON_CreateArray();
    for (int i = 0; a && i < so->n; i++) {
        const rl_signoff_check *k = &so->checks[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", k->name);
        cJSON_AddStringToObject(o, "status", k->pass ? "PASS" : "FAIL");
        if (k->has_value) {
            cJSON_AddNumberToObject(o, "value", r4(k->value));
            cJSON_AddNumberToObject(o, "limit", r4(k->limit));
            cJSON_AddNumberToObject(o, "margin", r4(k->margin));
            cJSON_AddNumberToObject(o, "margin_pct", r4(k->margin_pct));
        } else {
            cJSON_AddNullToObject(o, "value");
            cJSON_AddNullToObject(o, "limit");
            cJSON_AddNullToObject(o, "margin");
            cJSON_AddNullToObject(o, "margin_pct");
        }
        cJSON_AddStringToObject(o, "unit", k->unit);
        cJSON_AddStringToObject(o, "reason", k->reason);
        if (!k->pass) cJSON_AddStringToObject(o, "to_pass", k->fix);
        if (k->tokens_kept > 0) {       /* passed by KV eviction: degraded */
            cJSON_AddBoolToObject(o, "degraded", 1);
            cJSON_AddNumberToObject(o, "tokens_kept", (double)k->tokens_kept);
        }
        cJSON_AddItemToArray(a, o);
    }
    return a;
}

cJSON *rl_signoff_json(const rl_signoff *so)
{
    cJSON *j = cJSON_CreateObject();
    if (!j) return NULL;
    cJSON_AddStringToObject(j, "verdict", so->pass ? "PASS" : "FAIL");
    cJSON_AddItemToObject(j, "checks", checks_json(so));
    cJSON_AddItemToObject(j, "estimates", rl_estimate_json(&so->cfg, &so->est));
    return j;
}

static int print_result(const opts *o, const rl_signoff *so)
{
    if (o->json) {
        cJSON *j = rl_signoff_json(so);
        int rc;
        if (!j) return RL_EIO;
        rc = rl_json_print(stdout, j, 1);
        cJSON_Delete(j);
        return rc;
    }
    for (int i = 0; i < so->n; i++) {
        char line[4 * RL_NOTE_LEN];
        rl_signoff_line(&so->checks[i], line, sizeof line);
        printf("%s\n", line);
        if (!so->checks[i].pass && so->checks[i].fix[0])
            printf("      to pass: %s\n", so->checks[i].fix);
    }
    printf("verdict: %s (%d checks)\n", so->pass ? "PASS" : "FAIL", so->n);
    return RL_OK;
}

int rl_cmd_signoff(int argc, char **argv)
{
    opts o = { 0 };
    rl_err err;
    rl_catalog *cat = NULL;
    rl_scenario *s = NULL;
    rl_signoff *so = NULL;
    int rc;

    rl_err_clear(&err);
    if (rl_help_asked(argc, argv, usage_text)) return RL_OK;
    if ((rc = parse(argc, argv, &o, &err))) return rl_fail(&err);
    if (!(cat = rl_catalog_open(o.catalog, &err))) return rl_fail(&err);
    rl_catalog_set_notes(cat, stderr);          /* "H100 taken as h100-sxm" */
    if (!(so = malloc(sizeof *so))) {
        rc = rl_err_set(&err, RL_EIO, NULL, 0, "out of memory");
        goto out;
    }
    if ((rc = rl_scenario_load(o.file, cat, &s, &err)) ||
        (rc = rl_signoff_run(s, cat, so, &err)))
        goto out;
    if (o.report) {             /* the document first: no verdict without it */
        char *md = rl_signoff_report(s, so);
        rc = md ? rl_write_atomic(o.report, md, &err)
                : rl_err_set(&err, RL_EIO, NULL, 0, "out of memory");
        free(md);
        if (rc) goto out;
    }
    if ((rc = print_result(&o, so))) {
        rl_err_set(&err, rc, NULL, 0, "cannot write output");
        goto out;
    }
    rc = so->pass ? RL_OK : RL_EINFEASIBLE;
    free(so);
    rl_scenario_free(s);
    rl_catalog_free(cat);
    return rc;
out:
    rl_fail(&err);
    free(so);
    rl_scenario_free(s);
    rl_catalog_free(cat);
    return rc;
}
