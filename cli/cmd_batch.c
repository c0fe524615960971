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
 *   --out FILE   write the JSONL there atomically (temp file + rename,
 *                safeio.h: records stream into the temp file as they
 *                complete; a device, FIFO or directory is refused);
 *                default stdout ("-" too).
 *
 * Each line: {"index": k, "scenario": PATH, "exit": S, "result": {solve
 * JSON}} -- or, when the scenario cannot be loaded or solved,
 * {"index": k, "scenario": PATH, "exit": S, "error": {"file", "line",
 * "message", "exit"}}.  A failing scenario never aborts the batch.
 * --format json writes the same records as one JSON array; csv and md
 * one row per scenario (its best configuration, batch_columns), with a
 * header; text the `solve` table of each.
 * A progress line goes to stderr once a run takes longer than a second.
 *
 * Exit status: 0 when every scenario was solved (feasible or not), the
 * worst scenario error (2 input, 3 solver) otherwise -- all records are
 * written either way; 2 for bad flags or a refused --out, 4 when the output
 * cannot be written (then FILE is left as it was).
 */
#include "cli.h"
#include "catalog.h"
#include "safeio.h"
#include "scenario.h"
#include "solver.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char usage_text[] =
    "usage: ridgeline batch FILES... [--jobs N] [--shard I/N] [--out results.jsonl]\n"
    "                       [--objective O] [--top N] [--catalog DIR] [--format F]\n\n"
    "Solve every scenario file; print one JSON line per scenario, in order.\n"
    "  --jobs N     scenarios solved at a time (threads, default 1)\n"
    "  --shard I/N  only files at positions k with k % N == I (0 <= I < N),\n"
    "               for cluster job arrays\n"
    "  --out FILE   write the JSON lines to FILE atomically (default stdout,\n"
    "               also '-'); a device, FIFO or directory is refused\n"
    "  --objective  overrides every scenario's objective\n"
    "  --top N      configurations per scenario\n"
    "  --format F   jsonl (default: one record per line) | json (one array) |\n"
    "               csv | md (one row per scenario: its best configuration) |\n"
    "               text (the solve table of each)\n\n"
    "exit status: 0 all solved, 2 a scenario had bad input or --out is refused,\n"
    "3 solver failure, 4 cannot write the output\n";

typedef struct bopts {
    const char *out, *objective, *catalog;
    long jobs, top, shard_i, shard_n;
    int help, fmt;              /* fmt: enum rl_format, default jsonl */
} bopts;

/* --format csv|md: one row per scenario, its best configuration: the
 * record's own keys, then solve's columns.  Fills cols/head, returns n. */
#define NBCOLS 32
static int batch_columns(rl_column *cols, const char **head)
{
    static const rl_column pre[] = {
        {"index", "/index"}, {"scenario", "/scenario"}, {"exit", "/exit"},
        {"feasible", "/result.search.feasible"},
    };
    int n = 0;
    for (int i = 0; i < 4; i++) cols[n++] = pre[i];
    for (int i = 1; i < rl_solve_ncolumns && n < NBCOLS - 1; i++)   /* not "scenario" */
        cols[n++] = rl_solve_columns[i];
    cols[n++] = (rl_column){"error", "/error.message"};
    for (int i = 0; i < n; i++) head[i] = cols[i].name;
    return n;
}

typedef struct job {                /* shared by the workers */
    const bopts *o;
    const rl_catalog *cat;
    const char **files;
    int *index;                     /* original position of each file */
    int n;
    char **lines;                   /* finished lines not yet written, owned */
    unsigned char *ready;           /* file k's record is in lines[k] */
    int *status;
    int next, done;
    int emitted;                    /* records written, in file order */
    int write_failed;               /* stop: the output cannot be written */
    rl_out out;
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
                    !strcmp(a, "--objective") || !strcmp(a, "--top") || !strcmp(a, "--catalog") ||
                    !strcmp(a, "--format");
        if (!known) return rl_err_set(err, RL_EINPUT, NULL, 0, "unknown flag '%s'", a);
        if (i + 1 >= argc) return rl_err_set(err, RL_EINPUT, NULL, 0, "%s needs a value", a);
        const char *v = argv[++i];
        int rc = RL_OK;
        if (!strcmp(a, "--jobs")) rc = rl_parse_long(a, v, 1, 256, &o->jobs, err);
        else if (!strcmp(a, "--top")) rc = rl_parse_long(a, v, 1, 1000, &o->top, err);
        else if (!strcmp(a, "--shard")) rc = parse_shard(v, &o->shard_i, &o->shard_n, err);
        else if (!strcmp(a, "--out")) o->out = v;
        else if (!strcmp(a, "--objective")) o->objective = v;
        else if (!strcmp(a, "--format")) rc = rl_parse_format(v, &o->fmt, err);
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

/* The text of a memstream, without its last newline (write_out adds one). */
static char *stream_text(FILE *f, char **buf)
{
    if (fclose(f) != 0) {
        free(*buf);
        return NULL;
    }
    size_t l = strlen(*buf);
    if (l && (*buf)[l - 1] == '\n') (*buf)[l - 1] = 0;
    return *buf;
}

/* Record k in the chosen --format (the shard's first record carries the
 * csv/md header or json's '[', its last json's ']').  Owned; NULL on OOM. */
static char *format_record(const job *J, int k, const cJSON *rec, const rl_scenario *s,
                           const rl_solve_result *r)
{
    char *buf = NULL, *j;
    size_t len = 0;
    int fmt = J->o->fmt;
    if (fmt == RL_FMT_JSONL) return cJSON_PrintUnformatted(rec);
    FILE *f = open_memstream(&buf, &len);
    if (!f) return NULL;
    if (fmt == RL_FMT_JSON) {
        if (!(j = cJSON_Print(rec))) { fclose(f); free(buf); return NULL; }
        fprintf(f, "%s%s%s", k == 0 ? "[\n" : "", j, k == J->n - 1 ? "\n]" : ",");
        free(j);
    } else if (fmt == RL_FMT_TEXT) {
        fprintf(f, "%s== %s\n", k ? "\n" : "", J->files[k]);
        if (s && r) rl_solve_print(f, s, r);
        else {
            const char *msg = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
                cJSON_GetObjectItemCaseSensitive(rec, "error"), "message"));
            fprintf(f, "error: %s\n", msg ? msg : "unknown error");
        }
    } else {
        const char *head[NBCOLS];
        rl_column cols[NBCOLS];
        int n = batch_columns(cols, head);
        const cJSON *best = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(
            cJSON_GetObjectItemCaseSensitive(rec, "result"), "recommended_configs"), 0);
        rl_table t;
        rl_table_init(&t, head, n);
        if (rl_table_add_json(&t, cols, best, rec) == RL_OK) rl_table_print(f, &t, fmt, k == 0);
        rl_table_free(&t);
    }
    return stream_text(f, &buf);
}

/* Solve file k; returns its record as an owned line (--format). */
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
        rl_solve_scope_note(s);
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
    rl_json_utf8(rec);              /* a path or message need not be UTF-8 */
    line = format_record(J, k, rec, rc == RL_OK ? s : NULL, rc == RL_OK ? &r : NULL);
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

/* Write every finished record that is next in file order, freeing it:
 * memory holds only the records that finished ahead of a slower one.
 * Called with the lock held. */
static void emit(job *J)
{
    for (; J->emitted < J->n && J->ready[J->emitted]; J->emitted++) {
        char *l = J->lines[J->emitted];
        if (!J->write_failed && (fputs(l ? l : "", J->out.f) == EOF ||
                                 fputc('\n', J->out.f) == EOF))
            J->write_failed = 1;
        free(l);
        J->lines[J->emitted] = NULL;
    }
}

static void *worker(void *arg)
{
    job *J = arg;
    for (;;) {
        pthread_mutex_lock(&J->lock);
        int k = J->next < J->n && !J->write_failed ? J->next++ : -1;
        pthread_mutex_unlock(&J->lock);
        if (k < 0) return NULL;
        int st = RL_OK;
        char *line = solve_record(J, k, &st);
        pthread_mutex_lock(&J->lock);
        J->lines[k] = line;
        J->ready[k] = 1;
        J->status[k] = line ? st : RL_EIO;
        J->done++;
        emit(J);
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
    J.ready = calloc((size_t)(J.n ? J.n : 1), sizeof *J.ready);
    J.status = calloc((size_t)(J.n ? J.n : 1), sizeof *J.status);
    int rc = (!J.files || !J.index || !J.lines || !J.ready || !J.status)
                 ? rl_err_set(err, RL_EIO, NULL, 0, "out of memory") : RL_OK;
    rl_catalog *cat = rc == RL_OK ? rl_catalog_open(o->catalog, err) : NULL;
    if (rc == RL_OK && !cat) rc = err->code ? err->code : RL_EIO;
    /* rl_cmd_batch checked --out; failing now is failing to create it */
    if (rc == RL_OK && rl_out_open(&J.out, o->out ? o->out : "-", err) != RL_OK) rc = RL_EIO;
    if (rc == RL_OK) {
        rl_catalog_set_notes(cat, stderr);  /* "H100 taken as h100-sxm" */
        J.cat = cat;
        pthread_mutex_init(&J.lock, NULL);
        J.t0 = now_s();
        int worst = run_jobs(&J, (int)o->jobs);
        pthread_mutex_destroy(&J.lock);
        if (J.write_failed) {
            rl_out_abort(&J.out);
            rc = rl_err_set(err, RL_EIO, o->out, 0, "cannot write the results");
        } else {
            rc = rl_out_commit(&J.out, err) == RL_OK ? worst : RL_EIO;
        }
    }
    for (int k = 0; J.lines && k < J.n; k++) free(J.lines[k]);
    free(J.lines);
    free(J.ready);
    free(J.status);
    free(J.files);
    free(J.index);
    rl_catalog_free(cat);
    return rc;
}

int rl_cmd_batch(int argc, char **argv)
{
    bopts o = {NULL, NULL, NULL, 1, 0, 0, 1, 0, RL_FMT_JSONL};
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
    if (rc == RL_OK && o.out) rc = rl_out_check(o.out, &err);  /* before any work */
    if (rc == RL_OK) {
        rc = batch(&o, files, nf, &err);
        if (rc >= RL_EIO && err.code) rl_err_print(&err, stderr);
    } else {
        rl_err_print(&err, stderr);
    }
    free(files);
    return rc;
}
