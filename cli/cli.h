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
int rl_cmd_serve(int argc, char **argv);

/* The `solve --json` document of one solved scenario (cmd_solve.c; batch
 * reuses it per line) and the exit status its result implies (0, or 1 when
 * nothing is feasible).  Owned cJSON, NULL on OOM. */
struct rl_scenario;
struct rl_solve_result;
cJSON *rl_solve_json(const struct rl_scenario *s, const struct rl_solve_result *r);
int rl_solve_exit(const struct rl_solve_result *r);

/* `catalog KIND --json`: array of one kind's entries (enum rl_cat_kind,
 * not RL_CAT_KV).  Owned cJSON, NULL on OOM (cmd_catalog.c; serve too). */
cJSON *rl_catalog_json(const rl_catalog *cat, int kind);

/* JSON object of one estimate, exactly the DESIGN.md `estimate --json`
 * contract.  Returns an owned cJSON (caller deletes), NULL on OOM. */
cJSON *rl_estimate_json(const rl_config *c, const rl_estimate *e);

/* Readable multi-line table of one estimate. */
void rl_estimate_print(FILE *out, const rl_config *c, const rl_estimate *e);

/* Print a cJSON document followed by a newline to `out`; returns 0 or
 * RL_EIO when the write fails. */
int rl_json_print(FILE *out, const cJSON *doc, int pretty);

/* Write `text` to `path` atomically (temp file in the same folder, fsync,
 * rename).  Returns RL_OK or RL_EIO with err filled.  "-" means stdout. */
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

/* Print an error line to stderr and return its code (for `return`). */
int rl_fail(const rl_err *e);

#endif
