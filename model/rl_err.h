/*
 * rl_err.h -- error reporting shared by every ridgeline module.
 *
 * Fallible functions return an int status (RL_OK on success) and fill a
 * caller-owned rl_err.  The error carries the input's position when it
 * has one, so that the CLI prints GNU style:
 *
 *     scenario.cfg:42: error: workload.concurrency must be >= 1, got 0
 *
 * and falls back to "ridgeline: error: ..." when no file is known.
 * The status codes double as the process exit codes (DESIGN.md).
 */
#ifndef RL_ERR_H
#define RL_ERR_H

#include <stdio.h>

enum rl_status {
    RL_OK = 0,          /* success */
    RL_EINFEASIBLE = 1, /* nothing feasible / sign-off failed */
    RL_EINPUT = 2,      /* usage or input error (bad file, bad value, unknown id) */
    RL_ESOLVER = 3,     /* solver failure (GLPK internal error, time limit) */
    RL_EIO = 4          /* I/O error (cannot read or write a file) */
};

typedef struct rl_err {
    int code;           /* one of enum rl_status; RL_OK when nothing failed */
    int line;           /* 1-based line in file, 0 when unknown */
    char file[256];     /* input file the error is about, "" when none */
    char msg[512];      /* message without the "error:" prefix, no newline */
} rl_err;

/* Reset to "no error". */
void rl_err_clear(rl_err *e);

/* Record an error and return code, so callers can write
 *     return rl_err_set(e, RL_EINPUT, path, line, "bad %s", what);
 * file may be NULL, line may be 0.  e may be NULL (error is dropped). */
int rl_err_set(rl_err *e, int code, const char *file, int line,
               const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

/* Print the one-line diagnostic: "file:line: error: msg", "file: error: msg"
 * or "ridgeline: error: msg", followed by a newline. */
void rl_err_print(const rl_err *e, FILE *out);

/* Closest match to `word` among `n` candidate ids (edit distance), or NULL
 * when nothing is reasonably close.  Used for "did you mean" hints. */
const char *rl_suggest(const char *word, const char *const *cands, int n);

/* `v` in fixed point with `sig` significant digits, trailing zeros
 * dropped, never in scientific notation: text output and the numbers in
 * messages (21630, 6.054, 0.000001 -- not 2.163e+04 or 1e-06); only an
 * absurd |v| >= 1e15 (a hostile input echoed back) prints as %g.
 * Returns buf. */
char *rl_fmt_num(char *buf, size_t n, double v, int sig);

/* Tolerance helpers (STYLE.md habit 10): never compare doubles raw. */
int rl_feq(double a, double b);        /* |a-b| <= 1e-9 * max(1,|a|,|b|) */
int rl_fle(double a, double b);        /* a <= b within that tolerance */

#endif
