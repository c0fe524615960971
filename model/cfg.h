/*
 * cfg.h -- typed, range-checked reads from libconfig settings, with errors
 * that carry file:line.  Every loader (catalog, hardware profiles, model
 * specs, scenarios) reads through these so that a wrong type or an absurd
 * value always produces the same one-line message:
 *
 *     hw.cfg:7: error: memory[0].capacity_gib must be a number in
 *                      [1e-06, 1e+06], got -3
 *
 * Each getter returns RL_OK when the key is absent (leaving *out at the
 * default the caller put there) or present and valid; RL_EINPUT otherwise.
 * `required` getters fail on absence too.
 */
#ifndef RL_CFG_H
#define RL_CFG_H

#include <libconfig.h>
#include "rl_err.h"

/* Line of a setting (or of its nearest ancestor that has one). */
int rl_cfg_line(const config_setting_t *s);

/* Source file of a setting; falls back to `file`. */
const char *rl_cfg_file(const config_setting_t *s, const char *file);

/* Number (int or float) within [min, max]; NaN/inf never pass. */
int rl_cfg_num(const config_setting_t *grp, const char *key, double min,
               double max, double *out, const char *file, rl_err *err);
/* Integer within [min, max] (a float with a fractional part is an error). */
int rl_cfg_long(const config_setting_t *grp, const char *key, long min,
                long max, long *out, const char *file, rl_err *err);
int rl_cfg_int(const config_setting_t *grp, const char *key, int min,
               int max, int *out, const char *file, rl_err *err);
/* Boolean (true/false). */
int rl_cfg_bool(const config_setting_t *grp, const char *key, int *out,
                const char *file, rl_err *err);
/* String copied into buf (size n); longer than n-1 is an error. */
int rl_cfg_str(const config_setting_t *grp, const char *key, char *buf,
               size_t n, const char *file, rl_err *err);
/* Same, but absence is an error too. */
int rl_cfg_str_req(const config_setting_t *grp, const char *key, char *buf,
                   size_t n, const char *file, rl_err *err);

/* Read a libconfig file into cfg (already config_init'ed).  Maps a missing
 * or unreadable file to RL_EIO and a syntax error to RL_EINPUT with line. */
int rl_cfg_read_file(config_t *cfg, const char *path, rl_err *err);
/* Same from text (`name` stands in for the file in errors): each
 * `@include` must name a regular file of sane size, as for a file --
 * libconfig follows them from a string too, relative to the working
 * directory, and would block on a FIFO or exit() the process on a folder.
 * RL_OK, or RL_EINPUT with line (RL_EIO when out of memory). */
int rl_cfg_read_string(config_t *cfg, const char *text, const char *name, rl_err *err);

#endif
