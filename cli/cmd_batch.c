/*
 * cmd_batch.c -- `ridgeline batch FILES... [--jobs N] [--shard I/N]
 * [--out results.jsonl] [--objective O] [--top N]`: solve many scenario
 * files, one JSON line per scenario, in the order the files were given.
 *
 *   --jobs N     solve N scenarios at a time (threads); output order and
 *                content do not depend on N.
 *   --shard I/N  keep only the files whose position k (0-based, among
 *                the files given) has k % N == I.  Every member of a
 *                cluster job array (Slurm SLURM_ARRAY_TASK_ID, Kubernetes
 *                JOB_COMPLETION_INDEX) runs the same command with its own
 *                I and gets a disjoint share; together the shards cover
 *                every file, with no coordination.
 *   --out FILE   write the JSONL there atomically (temp file + rename);
 *                default stdout.
 *
 * Each line: {"index": k, "scenario": PATH, "exit": S, "result": {solve
 * JSON}} -- or, when the scenario cannot be loaded or solved,
 * {"index": k, "scenario": PATH, "exit": S, "error": {"file", "line",
 * "message", "exit"}}.  A failing scenario never aborts the batch.
 * A progress line goes to stderr once a run takes longer than a second.
 *
 * Exit status: 0 when every scenario was solved (feasible or not), the
 * worst scenario error (2 input, 3 solver) otherwise -- all records are
 * written either way; 2 for bad flags, 4 when the output cannot be written.
 */
#include "cli.h"
#include "catalog.h"
#include "scenario.h"
#include "solver.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char usage_text[] =
    "usage: ridgeline batch FILES... [--jobs N] [--shard I/N] [--out results.jsonl]\n"
    "                       [--objective O] [--top N] [--catalog DIR]\n\n"
    "Solve every scenario file; print one JSON line per scenario, in order.\n"
    "  --jobs N     scenarios solved at a time (threads, default 1)\n"
    "  --shard I/N  only files at positions k with k % N == I (0 <= I < N),\n"
    "               for cluster job arrays\n"
    "  --out FILE   write the JSON lines to FILE atomically (default stdout)\n"
    "  --objective  overrides every scenario's objective\n"
    "  --top N      configurations per scenario\n\n"
    "exit status: 0 all solved, 2 a scenario had bad input, 3 solver failure,\n"
    "4 cannot write the output\n";

typedef struct bopts {
    const char *out, *objective, *catalog;
    long jobs, top, shard_i, shard_n;
    int help;
} bopts;

typedef struct job {                /* shared by the workers */
    const bopts *o;
    const rl_catalog *cat;
    const char **files;
    int *index;                     /* original position of each file */
    int n;
    char **lines;                   /* one JSON line per file, owned */
    int *status;
    int next, done;
    double t0, last_report;
    pthread_mutex_t lock;
} job;

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static int parse_shard(const char *v, long *i, long *n, rl_err *err)
{
    char *end;
    long a = strtol(v, &end, 10);
    if (end == v || *end != '/')
        return rl_err_set(err, RL_EINPUT, NULL, 0, "--shard expects I/N, got '%s'", v);
    const char *p = end + 1;
    long b = strtol(p, &end, 10);
    if (end == p || *end || b < 1 || b > 1000000 || a < 0 || a >= b)
        return rl_err_set(err, RL_EINPUT, NULL, 0,
                          "--shard expects I/N with 0 <= I < N, got '%s'", v);
    *i = a;
    *n = b;
    return RL_OK;
}

static int parse(int argc, char **argv, bopts *o, const char **files, int *nf, rl_err *err)
{
    *nf = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] != '-') { files[(*nf)++] = a; continue; }
        if (strcmp(a, "--help") == 0) { o->help = 1; continue; }
        int known = !strcmp(a, "--jobs") || !strcmp(a, "--shard") || !strcmp(a, "--out") ||
                    !strcmp(a, "--objective") || !strcmp(a, "--top") || !strcmp(a, "--catalog");
        if (!known) return rl_err_set(err, RL_EINPUT, NULL, 0, "unknown flag '%s'", a);
        if (i + 1 >= argc) return rl_err_set(err, RL_EINPUT, NULL, 0, "%s needs a value", a);
        const char *v = argv[++i];
        int rc = RL_OK;
        if (!strcmp(a, "--jobs")) rc = rl_parse_long(a, v, 1, 256, &o->jobs, err);
        else if (!strcmp(a, "--top")) rc = rl_parse_long(a, v, 1, 1000, &o->top, err);
        else if (!strcmp(a, "--shard")) rc = parse_shard(v, &o->shard_i, &o->shard_n, err);
        else if (!strcmp(a, "--out")) o->out = v;
        else if (!strcmp(a, "--objective")) o->objective = v;
        else o->catalog = v;
        if (rc) return RL_EINPUT;
    }
    return RL_OK;
}

static cJSON *error_json(const rl_err *e)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "file", e->file);
    cJSON_AddNumberToObject(o, "line", e->line);
    cJSON_AddStringToObject(o, "message", e->msg);
    cJSON_AddNumberToObject(o, "exit", e->code);
    return o;
}

/* Solve file k; returns its record as an owned JSON line. */
static char *solve_record(job *J, int k, int *status)
{
    rl_err err;
    rl_scenario *s = NULL;
    rl_solve_result r;
    rl_solve_opts so;
    cJSON *rec = cJSON_CreateObject();
    char *line = NULL;
    rl_err_clear(&err);
    memset(&r, 0, sizeof r);
    cJSON_AddNumberToObject(rec, "index", J->index[k]);
    cJSON_AddStringToObject(rec, "scenario", J->files[k]);
    int rc = rl_scenario_load(J->files[k], J->cat, &s, &err);
    if (rc == RL_OK) {
        rl_solve_opts_init(&so);
        so.objective = J->o->objective;
        so.top = (int)J->o->top;
        rc = rl_solve(s, J->cat, &so, &r, &err);
    }
    if (rc == RL_OK) {
        cJSON_AddNumberToObject(rec, "exit", rl_solve_exit(&r));
        cJSON_AddItemToObject(rec, "result", rl_solve_json(s, &r));
    } else {
        if (!err.code) err.code = rc;
        cJSON_AddNumberToObject(rec, "exit", rc);
        cJSON_AddItemToObject(rec, "error", error_json(&err));
    }
    *status = rc;
    line = cJSON_PrintUnformatted(rec);
    cJSON_Delete(rec);
    rl_solve_result_free(&r);
    rl_scenario_free(s);
    return line;
}

static void progress(job *J)
{
    double t = now_s();
    if (t - J->t0 < 1.0 || t - J->last_report < 1.0) return;
    J->last_report = t;
    fprintf(stderr, "batch: %d/%d scenarios, %.1f s\n", J->done, J->n, t - J->t0);
}

static void *worker(void *arg)
{
    job *J = arg;
    for (;;) {
        pthread_mutex_lock(&J->lock);
        int k = J->next < J->n ? J->next++ : -1;
        pthread_mutex_unlock(&J->lock);
        if (k < 0) return NULL;
        int st = RL_OK;
        char *line = solve_record(J, k, &st);
        pthread_mutex_lock(&J->lock);
        J->lines[k] = line;
        J->status[k] = line ? st : RL_EIO;
        J->done++;
        progress(J);
        pthread_mutex_unlock(&J->lock);
    }
}

/* Run the workers; returns the worst scenario status. */
static int run_jobs(job *J, int jobs)
{
    pthread_t th[256];
    int started = 0, worst = RL_OK;
    if (jobs > J->n) jobs = J->n;
    for (int i = 1; i < jobs; i++)          /* this thread is worker 0 */
        if (pthread_create(&th[started], NULL, worker, J) == 0) started++;
    worker(J);
    for (int i = 0; i < started; i++) pthread_join(th[i], NULL);
    for (int k = 0; k < J->n; k++)
        if (J->status[k] > worst) worst = J->status[k];
    if (J->last_report > 0)
        fprintf(stderr, "batch: %d/%d scenarios, %.1f s\n", J->done, J->n, now_s() - J->t0);
    return worst;
}

static int write_out(const job *J, const char *path, rl_err *err)
{
    size_t len = 1;
    for (int k = 0; k < J->n; k++) len += (J->lines[k] ? strlen(J->lines[k]) : 0) + 1;
    char *text = malloc(len), *p = text;
    if (!text) return rl_err_set(err, RL_EIO, NULL, 0, "out of memory");
    for (int k = 0; k < J->n; k++) {
        size_t l = J->lines[k] ? strlen(J->lines[k]) : 0;
        memcpy(p, J->lines[k] ? J->lines[k] : "", l);
        p += l;
        *p++ = '\n';
    }
    *p = 0;
    int rc = rl_write_atomic(path ? path : "-", text, err);
    free(text);
    return rc;
}

static int batch(bopts *o, const char **files, int nf, rl_err *err)
{
    job J;
    memset(&J, 0, sizeof J);
    J.o = o;
    J.files = calloc((size_t)nf, sizeof *J.files);
    J.index = calloc((size_t)nf, sizeof *J.index);
    for (int k = 0; J.files && J.index && k < nf; k++)
        if (o->shard_n <= 1 || k % o->shard_n == o->shard_i) {
            J.files[J.n] = files[k];
            J.index[J.n++] = k;
        }
    J.lines = calloc((size_t)(J.n ? J.n : 1), sizeof *J.lines);
    J.status = calloc((size_t)(J.n ? J.n : 1), sizeof *J.status);
    int rc = (!J.files || !J.index || !J.lines || !J.status)
                 ? rl_err_set(err, RL_EIO, NULL, 0, "out of memory") : RL_OK;
    rl_catalog *cat = rc == RL_OK ? rl_catalog_open(o->catalog, err) : NULL;
    if (rc == RL_OK && !cat) rc = err->code ? err->code : RL_EIO;
    if (rc == RL_OK) {
        rl_catalog_set_notes(cat, stderr);  /* "H100 taken as h100-sxm" */
        J.cat = cat;
        pthread_mutex_init(&J.lock, NULL);
        J.t0 = now_s();
        int worst = run_jobs(&J, (int)o->jobs);
        pthread_mutex_destroy(&J.lock);
        rc = write_out(&J, o->out, err);
        if (rc == RL_OK) rc = worst;
        else rc = RL_EIO;
    }
    for (int k = 0; J.lines && k < J.n; k++) free(J.lines[k]);
    free(J.lines);
    free(J.status);
    free(J.files);
    free(J.index);
    rl_catalog_free(cat);
    return rc;
}

int rl_cmd_batch(int argc, char **argv)
{
    bopts o = {NULL, NULL, NULL, 1, 0, 0, 1, 0};
    rl_err err;
    int nf = 0;
    const char **files = calloc((size_t)(argc > 0 ? argc : 1), sizeof *files);
    rl_err_clear(&err);
    if (!files) return RL_EIO;
    int rc = parse(argc, argv, &o, files, &nf, &err);
    if (rc == RL_OK && o.help) {
        fputs(usage_text, stdout);
        free(files);
        return RL_OK;
    }
    if (rc == RL_OK && nf == 0)
        rc = rl_err_set(&err, RL_EINPUT, NULL, 0,
                        "batch needs scenario files (ridgeline batch --help)");
    if (rc == RL_OK) rc = rl_solve_check_objective(o.objective, &err);
    if (rc == RL_OK) {
        rc = batch(&o, files, nf, &err);
        if (rc >= RL_EIO && err.code) rl_err_print(&err, stderr);
    } else {
        rl_err_print(&err, stderr);
    }
    free(files);
    return rc;
}
