/*
 * runs_fit.h -- run records in `calibrate --runs` and `validate --runs`
 * (runs_fit.c); cmd_validate.c calls these so that its own edits stay a
 * few lines.
 */
#ifndef RL_RUNS_FIT_H
#define RL_RUNS_FIT_H

#include "calibrate.h"

/* Read the records of `path` (JSON Lines), append their measurement rows
 * to *s and write the calibration header stamp into `stamp`: record and
 * row counts, the runtime versions seen, the UTC date.  A summary line
 * goes to stderr.  RL_OK, RL_EIO, RL_EINPUT (err filled). */
int rl_runs_calibrate_rows(const char *path, const rl_catalog *cat, rl_meas_set *s,
                           char *stamp, size_t n, rl_err *err);

/* `validate --runs FILE`: drift of the current calibration (catalog dir
 * or default, plus an optional --calibration file) against the records,
 * per runtime version.  Returns the exit status: 0, 1 when an alarm
 * fires, 2/4 on bad input / I/O (printed). */
int rl_runs_validate(const char *path, const char *catalog, const char *calibration, int json);

#endif
