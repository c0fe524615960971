/*
 * cmd_runs.c -- `ridgeline runs add FILE...` and `ridgeline runs list`:
 * the local run store (runstore.h) from the command line.
 *
 * add prints one line per record on stdout once it is durable ("added
 * ID" or "duplicate ID"), so a caller knows exactly what was stored even
 * if the command is killed; the summary goes to stderr.
 */
#include "cli.h"
#include "runstore.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
"usage: ridgeline runs add FILE... [--store DIR]\n"
"       ridgeline runs list [--json] [--store DIR]\n"
"  add: append the run records of each JSON Lines FILE ('-' = stdin) to\n"
"  the store, each durable (fsync'ed) before its line 'added ID' is\n"
"  printed; records whose run_id is stored already print 'duplicate ID'\n"
"  and are not written again.  A bad line is reported as FILE:LINE and\n"
"  skipped; the other records are still added, and the exit status is 2.\n"
"  list: the stored records, a table or (--json) JSON Lines; corrupt store\n"
"  lines (a writer killed mid-line) are reported with their line number and\n"
"  skipped.  The store is DIR, else $RIDGELINE_STORE, else\n"
"  $XDG_DATA_HOME/ridgeline/runs, else ~/.local/share/ridgeline/runs;\n"
"  it holds one file, runs.log (a checksum and a record per line).\n";

typedef struct ropts {
    const char *store, *files[256];
    int nfiles, json;
    char dir[4096];
} ropts;

static int parse(int argc, char **argv, ropts *o, int add, rl_err *err)
{
    for (int i = 2; i < argc; i++) {
        const char *v;
        int r;
        if (strcmp(argv[i], "--help") == 0) { fputs(usage, stdout); return -1; }
        if (!add && strcmp(argv[i], "--json") == 0) { o->json = 1; continue; }
        if ((r = rl_arg_value(argc, argv, &i, "--store", &v, err)) < 0) return RL_EINPUT;
        if (r) { o->store = v; continue; }
        if (argv[i][0] == '-' && argv[i][1])
            return rl_err_set(err, RL_EINPUT, NULL, 0, "unknown option '%s'", argv[i]);
        if (!add) return rl_err_set(err, RL_EINPUT, NULL, 0, "runs list takes no FILE ('%s')", argv[i]);
        if (o->nfiles == 256) return rl_err_set(err, RL_EINPUT, NULL, 0, "more than 256 files");
        o->files[o->nfiles++] = argv[i];
    }
    if (add && o->nfiles == 0)
        return rl_err_set(err, RL_EINPUT, NULL, 0, "runs add needs at least one FILE");
    if (!o->store) {
        if (!rl_runstore_default_dir(o->dir, sizeof o->dir))
            return rl_err_set(err, RL_EINPUT, NULL, 0, "no store folder: give --store DIR or "
                              "set RIDGELINE_STORE (HOME is not set)");
        o->store = o->dir;
    }
    return RL_OK;
}

typedef struct tally { int added, dup, bad; } tally;

/* Add the records of one JSONL stream; bad lines reported and counted. */
static int add_stream(rl_runstore *st, FILE *f, const char *name, tally *t, rl_err *err)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    int lineno = 0, rc = RL_OK;

    while ((len = getline(&line, &cap, f)) >= 0) {
        rl_runrec r;
        rl_err lerr;
        size_t k = (size_t)len, i = 0;
        int added;
        lineno++;
        while (k > 0 && (line[k - 1] == '\n' || line[k - 1] == '\r')) k--;
        while (i < k && isspace((unsigned char)line[i])) i++;
        if (i == k) continue;
        rl_err_clear(&lerr);
        if (rl_runrec_parse(line + i, k - i, &r, name, lineno, &lerr)) {
            rl_err_print(&lerr, stderr);        /* reported, skipped */
            t->bad++;
            continue;
        }
        if ((rc = rl_runstore_append(st, &r, &added, err))) break;
        printf("%s %s\n", added ? "added" : "duplicate", r.run_id);
        fflush(stdout);                         /* the acknowledgement */
        if (added) t->added++;
        else t->dup++;
    }
    if (rc == RL_OK && ferror(f)) rc = rl_err_set(err, RL_EIO, name, 0, "cannot read");
    free(line);
    return rc;
}

static int runs_add(int argc, char **argv)
{
    ropts o = { 0 };
    rl_err err;
    rl_runstore *st;
    tally t = { 0, 0, 0 };
    int rc;

    rl_err_clear(&err);
    if ((rc = parse(argc, argv, &o, 1, &err))) return rc < 0 ? RL_OK : rl_fail(&err);
    if (!(st = rl_runstore_open(o.store, &err))) return rl_fail(&err);
    for (int i = 0; rc == RL_OK && i < o.nfiles; i++) {
        int stdin_ = strcmp(o.files[i], "-") == 0;
        FILE *f = stdin_ ? stdin : fopen(o.files[i], "rb");
        if (!f) {
            rc = rl_err_set(&err, RL_EIO, o.files[i], 0, "cannot open: %s", strerror(errno));
            break;
        }
        rc = add_stream(st, f, stdin_ ? "<stdin>" : o.files[i], &t, &err);
        if (!stdin_) fclose(f);
    }
    fprintf(stderr, "runs: %d added, %d duplicate%s ignored, %d bad line%s skipped -> %s\n",
            t.added, t.dup, t.dup == 1 ? "" : "s", t.bad, t.bad == 1 ? "" : "s",
            rl_runstore_path(st));
    rl_runstore_close(st);
    if (rc) return rl_fail(&err);
    return t.bad ? RL_EINPUT : RL_OK;
}

/* ------------------------------------------------------------- list */

typedef struct lctx { int json, n; const char *path; } lctx;

static void on_bad(void *ctx, int line, const char *why)
{
    const lctx *c = ctx;
    fprintf(stderr, "%s:%d: warning: corrupt line skipped: %s\n", c->path, line, why);
}

/* A number in the column width `fmt` gives it, "-" when absent. */
static void num(double v, const char *fmt)
{
    int w = atoi(fmt + 2);
    if (isnan(v)) printf(" %*s", w, "-");
    else printf(fmt, v);
}

static const char *id_or_name(char *buf, size_t n, const char *id, const char *name)
{
    if (id[0]) return id;
    if (!name[0]) return "-";
    snprintf(buf, n, "[%s]", name);
    return buf;
}

static int on_rec(void *ctx, const rl_runrec *r, int line)
{
    lctx *c = ctx;
    char model[160], hw[160];
    (void)line;
    c->n++;
    if (c->json) {
        char *s = rl_runrec_line(r);
        if (!s) return RL_EIO;
        puts(s);
        free(s);
        return RL_OK;
    }
    /* without a catalog id, the name the tool printed, in brackets */
    printf("%-28.28s %-20.20s %-16.16s %-12.12s %-14.14s %-8.8s", r->run_id,
           r->timestamp_utc, id_or_name(model, sizeof model, r->model_id, r->model_name),
           id_or_name(hw, sizeof hw, r->hardware_id, r->hardware_name),
           r->runtime_id[0] ? r->runtime_id : "-", r->quant[0] ? r->quant : "-");
    num(r->context_tokens < 0 ? NAN : (double)r->context_tokens, " %6.0f");
    num(r->output_tokens < 0 ? NAN : (double)r->output_tokens, " %6.0f");
    num(r->metric[RL_RUN_PREFILL], " %9.1f");
    num(r->metric[RL_RUN_DECODE], " %9.2f");
    num(r->metric[RL_RUN_TTFT_P50], " %9.1f");
    num(r->metric[RL_RUN_WEIGHTS], " %9.3f");
    putchar('\n');
    return RL_OK;
}

static int runs_list(int argc, char **argv)
{
    ropts o = { 0 };
    rl_err err;
    rl_runstore *st;
    lctx c = { 0, 0, NULL };
    int rc;

    rl_err_clear(&err);
    if ((rc = parse(argc, argv, &o, 0, &err))) return rc < 0 ? RL_OK : rl_fail(&err);
    if (!(st = rl_runstore_open(o.store, &err))) return rl_fail(&err);
    c.json = o.json;
    c.path = rl_runstore_path(st);
    if (!c.json)
        printf("%-28s %-20s %-16s %-12s %-14s %-8s %6s %6s %9s %9s %9s %9s\n", "run_id",
               "timestamp_utc", "model", "hardware", "runtime", "quant", "ctx", "out",
               "prefill/s", "decode/s", "ttft ms", "wts GB");
    rc = rl_runstore_iterate(st, on_rec, on_bad, &c, &err);
    if (rc == RL_OK && !c.json) fprintf(stderr, "runs: %d records in %s\n", c.n, c.path);
    rl_runstore_close(st);
    if (rc == RL_EIO && !err.msg[0]) rl_err_set(&err, RL_EIO, NULL, 0, "cannot write output");
    return rc ? rl_fail(&err) : RL_OK;
}

int rl_cmd_runs(int argc, char **argv)
{
    rl_err err;

    rl_err_clear(&err);
    if (argc >= 2 && strcmp(argv[1], "add") == 0) return runs_add(argc, argv);
    if (argc >= 2 && strcmp(argv[1], "list") == 0) return runs_list(argc, argv);
    if (argc >= 2 && strcmp(argv[1], "--help") == 0) { fputs(usage, stdout); return RL_OK; }
    if (argc < 2) rl_err_set(&err, RL_EINPUT, NULL, 0, "runs needs a subcommand: add or list");
    else rl_err_set(&err, RL_EINPUT, NULL, 0, "runs: unknown subcommand '%s' (try: add, list)",
                    argv[1]);
    return rl_fail(&err);
}
