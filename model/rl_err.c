/*
 * rl_err.c -- error records, GNU-style printing, "did you mean" hints and
 * tolerance comparisons.  See rl_err.h for the contracts.
 */
#include "rl_err.h"

#include <math.h>
#include <stdio.h>
#include <stdarg.h>
#include <string.h>

void rl_err_clear(rl_err *e)
{
    if (!e) return;
    e->code = RL_OK;
    e->line = 0;
    e->file[0] = '\0';
    e->msg[0] = '\0';
}

int rl_err_set(rl_err *e, int code, const char *file, int line,
               const char *fmt, ...)
{
    va_list ap;

    if (!e) return code;
    e->code = code;
    e->line = line > 0 ? line : 0;
    snprintf(e->file, sizeof e->file, "%s", file ? file : "");
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    /* One line only: a message must never break the line contract. */
    for (char *p = e->msg; *p; p++)
        if (*p == '\n' || *p == '\r') *p = ' ';
    return code;
}

void rl_err_print(const rl_err *e, FILE *out)
{
    const char *msg = (e && e->msg[0]) ? e->msg : "unknown error";

    if (e && e->file[0] && e->line > 0)
        fprintf(out, "%s:%d: error: %s\n", e->file, e->line, msg);
    else if (e && e->file[0])
        fprintf(out, "%s: error: %s\n", e->file, msg);
    else
        fprintf(out, "ridgeline: error: %s\n", msg);
}

/* Levenshtein distance, capped inputs (ids are short). */
static int edit_distance(const char *a, const char *b)
{
    int la = (int)strlen(a), lb = (int)strlen(b);
    int prev[65], cur[65];

    if (la > 64 || lb > 64) return 1000;
    for (int j = 0; j <= lb; j++) prev[j] = j;
    for (int i = 1; i <= la; i++) {
        cur[0] = i;
        for (int j = 1; j <= lb; j++) {
            int sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
            int del = prev[j] + 1, ins = cur[j - 1] + 1;
            cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
        }
        memcpy(prev, cur, sizeof(int) * (size_t)(lb + 1));
    }
    return prev[lb];
}

const char *rl_suggest(const char *word, const char *const *cands, int n)
{
    const char *best = NULL;
    int bestd = 1000;
    size_t wl;

    if (!word) return NULL;
    wl = strlen(word);
    for (int i = 0; i < n; i++) {
        int d = edit_distance(word, cands[i]);
        /* a prefix/substring match is a strong hint ("4090" -> "rtx-4090") */
        if (wl >= 3 && strstr(cands[i], word)) d = d < 2 ? d : 2;
        if (d < bestd) { bestd = d; best = cands[i]; }
    }
    /* accept up to a third of the word's length in edits */
    if (best && bestd <= (int)(wl / 3 + 1)) return best;
    return NULL;
}

int rl_feq(double a, double b)
{
    double m = fmax(1.0, fmax(fabs(a), fabs(b)));
    return fabs(a - b) <= 1e-9 * m;
}

int rl_fle(double a, double b)
{
    return a < b || rl_feq(a, b);
}

/* Fixed-point with `sig` significant digits, trailing zeros dropped:
 * 21630, 6.054, 0.0001234 -- never 2.163e+04. */
char *rl_fmt_num(char *buf, size_t n, double v, int sig)
{
    int dec;
    if (!isfinite(v)) {
        snprintf(buf, n, "%s", isnan(v) ? "nan" : v > 0 ? "inf" : "-inf");
        return buf;
    }
    if (v == 0 || fabs(v) < 1e-9) {
        snprintf(buf, n, "0");
        return buf;
    }
    if (fabs(v) >= 1e15) {          /* absurd input echoed back: digits would lie */
        snprintf(buf, n, "%.*g", sig, v);
        return buf;
    }
    dec = sig - 1 - (int)floor(log10(fabs(v)));
    if (dec < 0) {                  /* round to `sig` digits left of the point */
        double m = pow(10, -dec);
        v = round(v / m) * m;
        dec = 0;
    }
    if (dec > 9) dec = 9;
    snprintf(buf, n, "%.*f", dec, v);
    if (dec > 0 && strchr(buf, '.')) {
        char *e = buf + strlen(buf) - 1;
        while (*e == '0') *e-- = 0;
        if (*e == '.') *e = 0;
    }
    if (strcmp(buf, "-0") == 0) snprintf(buf, n, "0");
    return buf;
}
