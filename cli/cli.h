/*
 * cli.h -- the `ridgeline` subcommands and the shared printers.
 *
 * main.c only parses the subcommand name and dispatches; each cmd_*.c
 * parses its own flags, calls the library and prints.  Printers never
 * compute.  Every command returns an exit status (enum rl_status):
 * 0 ok, 1 infeasible / failed sign-off, 2 usage or input error,
 * 3 solver failure, 4 I/O error.  Diagnostics go to stderr as one line
 * (rl_err_print); stdout carries only results (and --help).
 */
#ifndef RL_CLI_H
#define RL_CLI_H

#include <stdio.h>
#include <cjson/cJSON.h>
#include "estimate.h"

int rl_cmd_estimate(int argc, char **argv);
int rl_cmd_catalog(int argc, char **argv);
int rl_cmd_import(int argc, char **argv);
int rl_cmd_validate(int argc, char **argv);
int rl_cmd_calibrate(int argc, char **argv);
int rl_cmd_solve(int argc, char **argv);
int rl_cmd_batch(int argc, char **argv);
int rl_cmd_signoff(int argc, char **argv);
int rl_cmd_harness(int argc, char **argv);     /* cmd_harness.c */
int rl_cmd_runs(int argc, char **argv);        /* cmd_runs.c */
int rl_cmd_serve(int argc, char **argv);
int rl_cmd_procure(int argc, char **argv);     /* cmd_procure.c */

/* The `solve --json` document of one solved scenario (cmd_solve.c; batch
 * reuses it per line) and the exit status its result implies (0, or 1 when
 * nothing is feasible).  Owned cJSON, NULL on OOM. */
struct rl_scenario;
struct rl_solve_result;
cJSON *rl_solve_json(const struct rl_scenario *s, const struct rl_solve_result *r);
int rl_solve_exit(const struct rl_solve_result *r);
/* One stderr line when a scenario holds what solve does not search
 * (encoder_stream: signoff checks it; solve ranks the LLM alone). */
struct rl_scenario;
void rl_solve_scope_note(const struct rl_scenario *s);
/* The readable table of one solved scenario (`solve`'s text output). */
void rl_solve_print(FILE *out, const struct rl_scenario *s,
                    const struct rl_solve_result *r);

/* `catalog KIND --json`: array of one kind's entries (enum rl_cat_kind,
 * not RL_CAT_KV).  Owned cJSON, NULL on OOM (cmd_catalog.c; serve too). */
cJSON *rl_catalog_json(const rl_catalog *cat, int kind);

/* The `signoff --json` document of a sign-off (cmd_signoff.c; serve's
 * POST /v1/signoff answers the same).  Owned cJSON, NULL on OOM. */
struct rl_signoff;
cJSON *rl_signoff_json(const struct rl_signoff *so);
/* The `procure --json` document of a solved plan (cmd_procure.c; serve's
 * POST /v1/procure answers the same).  Owned cJSON, NULL on OOM. */
struct rl_plan;
struct rl_proc_result;
cJSON *rl_procure_json(const struct rl_plan *p, const struct rl_proc_result *r);

/* JSON object of one estimate, exactly the DESIGN.md `estimate --json`
 * contract.  Returns an owned cJSON (caller deletes), NULL on OOM. */
cJSON *rl_estimate_json(const rl_config *c, const rl_estimate *e);

/* Readable multi-line table of one estimate; a configuration that does
 * not fit is marked NOT RUNNABLE above its figures.  `launch` (NULL: no
 * line) is its launch command, "" when the runtime has none. */
void rl_estimate_print(FILE *out, const rl_config *c, const rl_estimate *e,
                       const char *launch);

/* Replace invalid UTF-8 in every key and string of doc with '?' (in
 * place), so that what cJSON prints is always valid JSON. */
void rl_json_utf8(cJSON *doc);

/* Print a cJSON document (rl_json_utf8 first) followed by a newline to
 * `out`; returns 0 or RL_EIO when the write fails. */
int rl_json_print(FILE *out, cJSON *doc, int pretty);

/* Write `text` to `path` atomically (rl_write_file_atomic, safeio.h:
 * unique temp file beside it, fsync, rename; special files refused).
 * Returns RL_OK, RL_EINPUT (target refused) or RL_EIO with err filled.
 * "-" means stdout. */
int rl_write_atomic(const char *path, const char *text, rl_err *err);

/* Parse an integer / double flag value strictly (whole string, range).
 * Return RL_OK or RL_EINPUT with "--flag expects ..." in err. */
int rl_parse_long(const char *flag, const char *s, long min, long max,
                  long *out, rl_err *err);
int rl_parse_double(const char *flag, const char *s, double min, double max,
                    double *out, rl_err *err);

/* Flag matching for "--name VALUE" and "--name=VALUE".  Returns 1 and sets
 * *val (advancing *i past a separate value) when argv[*i] is that flag,
 * 0 when it is not, -1 (err filled) when the value is missing. */
int rl_arg_value(int argc, char **argv, int *i, const char *name,
                 const char **val, rl_err *err);

/* 1 (after printing `usage` to stdout) when any argument is --help or -h,
 * else 0: --help wins over every other flag, valid or not. */
int rl_help_asked(int argc, char **argv, const char *usage);

/* Print an error line to stderr and return its code (for `return`). */
int rl_fail(const rl_err *e);

/* ---- output formats (table.c) ---------------------------------------- */

/* `--format text|json|jsonl|csv|md`; --json is --format json. */
enum rl_format { RL_FMT_TEXT, RL_FMT_JSON, RL_FMT_JSONL, RL_FMT_CSV, RL_FMT_MD };

/* Parse a --format value into *fmt.  RL_OK, or RL_EINPUT with err filled. */
int rl_parse_format(const char *v, int *fmt, rl_err *err);
const char *rl_format_name(int fmt);

/* A column of a flat table: its header and the dotted JSON path of its
 * value in a row object ("estimates.ttft_ms.p95"); a path starting with
 * '/' is looked up in the row's context object instead. */
typedef struct rl_column { const char *name, *path; } rl_column;

#define RL_TABLE_MAX_COLS 40
#define RL_TABLE_CELL_MAX 1024

/* Buffered table printed as aligned text (header row, numeric columns
 * right-aligned), CSV (header row, RFC 4180 quoting) or Markdown. */
typedef struct rl_table {
    const char *const *head;    /* borrowed column names */
    int ncol, nrow, cap;
    char **cell;                /* owned, nrow x ncol */
} rl_table;

void rl_table_init(rl_table *t, const char *const *head, int ncol);
/* Append a row (cells copied; NULL cells print empty).  RL_OK or RL_EIO. */
int rl_table_add(rl_table *t, const char *const *cells);
/* Append the row `cols` pick out of obj (and ctx for '/' paths); absent
 * values print empty, numbers as rl_fmt_num with 6 digits. */
int rl_table_add_json(rl_table *t, const rl_column *cols, const cJSON *obj,
                      const cJSON *ctx);
/* Print in fmt (RL_FMT_TEXT, RL_FMT_CSV or RL_FMT_MD); header: 1 prints
 * the header row (and Markdown's separator) first. */
void rl_table_print(FILE *out, const rl_table *t, int fmt, int header);
void rl_table_free(rl_table *t);
/* The same columns as one flat JSON object (absent values null), for
 * jsonl.  Owned; NULL on OOM. */
cJSON *rl_json_row(const rl_column *cols, int ncol, const cJSON *obj, const cJSON *ctx);

/* The columns of `solve --format jsonl|csv|md` (cmd_solve.c; batch uses
 * them too): paths into one element of the solve JSON's
 * recommended_configs, '/' paths into the scenario's document. */
extern const rl_column rl_solve_columns[];
extern const int rl_solve_ncolumns;

#endif
