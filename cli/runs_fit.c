/*
 * runs_fit.c -- the run-record side of `calibrate --runs` (rows to fit,
 * the header stamp) and of `validate --runs` (drift alarms per runtime
 * version against the calibration in use, no refit).  See runs_fit.h.
 */
#include "cli.h"
#include "runmeas.h"
#include "runs_fit.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* "llama.cpp b2824 (4426e298), vllm 0.8.5" of the records that made rows. */
static void versions_seen(const rl_runrec *recs, const rl_meas_set *s, int from, char *out,
                          size_t n)
{
    size_t o = 0;
    out[0] = '\0';
    for (int i = from; i < s->n; i++) {
        const rl_runrec *r = &recs[s->m[i].line - 1];
        char v[128];
        int seen = 0;
        snprintf(v, sizeof v, "%s %s", r->runtime_id,
                 r->runtime_version[0] ? r->runtime_version : "(version not recorded)");
        for (int j = from; j < i && !seen; j++) {
            const rl_runrec *q = &recs[s->m[j].line - 1];
            seen = strcmp(q->runtime_id, r->runtime_id) == 0 &&
                   strcmp(q->runtime_version, r->runtime_version) == 0;
        }
        if (!seen && o + strlen(v) + 3 < n)
            o += (size_t)snprintf(out + o, n - o, "%s%s", o ? ", " : "", v);
    }
}

int rl_runs_calibrate_rows(const char *path, const rl_catalog *cat, rl_meas_set *s,
                           char *stamp, size_t n, rl_err *err)
{
    rl_runrec *recs = NULL;
    rl_run_skips why;
    int nrec = 0, from = s->n, rc;
    char vers[512], skip[512], date[32];
    time_t now = time(NULL);
    struct tm tm;

    if ((rc = rl_runrec_read_file(path, &recs, &nrec, err))) return rc;
    if ((rc = rl_meas_add_runs(s, recs, nrec, cat, &why, err))) { free(recs); return rc; }
    /* rows point back into recs by index (their `line`): the stamp needs
     * the versions before recs goes */
    versions_seen(recs, s, from, vers, sizeof vers);
    rl_run_skips_text(&why, skip, sizeof skip);
    gmtime_r(&now, &tm);
    strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", &tm);
    snprintf(stamp, n, "%d run records from %s (%d used, %d rows), fitted %s\n"
             "# runtime versions in those records: %s", nrec, path, why.used, s->n - from, date,
             vers[0] ? vers : "none");
    fprintf(stderr, "calibrate: %s: %d run records -> %d rows%s%s\n", path, nrec, s->n - from,
            skip[0] ? "; " : "", skip);
    free(recs);
    return RL_OK;
}

/* ------------------------------------------------------------- drift */

static void print_text(const rl_drift_row *g, int ng, int nrec, int nrows, const char *skip)
{
    printf("drift against the current calibration (no refit): %d records, %d rows%s%s\n",
           nrec, nrows, skip[0] ? "; " : "", skip);
    printf("%-14s %-26s %-11s %5s %10s %8s  %s\n", "runtime", "version", "metric", "n",
           "median|%|", "bias %", "alarm");
    for (int k = 0; k < ng; k++) {
        double t = rl_drift_threshold(g[k].cls);
        char a[24] = "-";
        if (t > 0) snprintf(a, sizeof a, "%s%.0f%%", g[k].alarm ? "ALARM >" : "ok <=", t);
        printf("%-14.14s %-26.26s %-11s %5d %10.2f %+8.2f  %s\n", g[k].runtime_id,
               g[k].runtime_version[0] ? g[k].runtime_version : "(not recorded)",
               rl_drift_class_name(g[k].cls), g[k].n, g[k].median_abs_pct,
               g[k].median_signed_pct, a);
    }
}

static cJSON *drift_json(const rl_drift_row *g, int ng, int nrec, int nrows, int alarms)
{
    cJSON *doc = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(doc, "groups");

    cJSON_AddNumberToObject(doc, "records", nrec);
    cJSON_AddNumberToObject(doc, "rows", nrows);
    cJSON_AddNumberToObject(doc, "alarms", alarms);
    for (int k = 0; k < ng; k++) {
        cJSON *x = cJSON_CreateObject();
        double t = rl_drift_threshold(g[k].cls);
        cJSON_AddStringToObject(x, "runtime_id", g[k].runtime_id);
        cJSON_AddStringToObject(x, "runtime_version", g[k].runtime_version);
        cJSON_AddStringToObject(x, "metric", rl_drift_class_name(g[k].cls));
        cJSON_AddNumberToObject(x, "n", g[k].n);
        cJSON_AddNumberToObject(x, "median_abs_pct", round(g[k].median_abs_pct * 100) / 100);
        cJSON_AddNumberToObject(x, "median_signed_pct", round(g[k].median_signed_pct * 100) / 100);
        if (t > 0) cJSON_AddNumberToObject(x, "threshold_pct", t);
        cJSON_AddBoolToObject(x, "alarm", g[k].alarm);
        cJSON_AddItemToArray(arr, x);
    }
    return doc;
}

int rl_runs_validate(const char *path, const char *catalog, const char *calibration, int json)
{
    rl_err err;
    rl_catalog *cat;
    rl_runrec *recs = NULL;
    rl_meas_set s;
    rl_run_skips why;
    rl_drift_row *g = NULL;
    int nrec = 0, ng = 0, alarms, rc;
    char skip[512];

    rl_err_clear(&err);
    memset(&s, 0, sizeof s);
    if (!(cat = rl_catalog_open(catalog, &err))) return rl_fail(&err);
    if ((calibration && (rc = rl_catalog_apply_calibration(cat, calibration, &err))) ||
        (rc = rl_runrec_read_file(path, &recs, &nrec, &err)) ||
        (rc = rl_meas_add_runs(&s, recs, nrec, cat, &why, &err))) {
        rl_fail(&err);
        goto out;
    }
    rl_run_skips_text(&why, skip, sizeof skip);
    if ((alarms = rl_drift(&s, recs, &g, &ng)) < 0) {
        rl_err_set(&err, RL_EIO, NULL, 0, "out of memory");
        rc = rl_fail(&err);
        goto out;
    }
    if (json) {
        cJSON *doc = drift_json(g, ng, nrec, s.n, alarms);
        if (skip[0]) cJSON_AddStringToObject(doc, "skipped", skip);
        rc = rl_json_print(stdout, doc, 1);
        cJSON_Delete(doc);
        if (rc) goto out;
    } else
        print_text(g, ng, nrec, s.n, skip);
    if (s.n == 0) fprintf(stderr, "validate: %s: no record maps to a predicted metric\n", path);
    rc = alarms ? RL_EINFEASIBLE : RL_OK;
out:
    free(g);
    free(recs);
    rl_meas_free(&s);
    rl_catalog_free(cat);
    return rc;
}
