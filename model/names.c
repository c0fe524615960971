/*
 * names.c -- comparison keys for the names users type and ranked
 * suggestions.  See names.h for the contracts; catalog.c decides which
 * key a kind uses and what counts as a match.
 */
#include "names.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

void rl_name_key(const char *in, char *out, size_t n)
{
    size_t o = 0;

    if (n == 0) return;
    for (const char *p = in ? in : ""; *p && o + 1 < n; p++)
        if (isalnum((unsigned char)*p)) out[o++] = (char)tolower((unsigned char)*p);
    out[o] = '\0';
}

/* Split `s` at - _ space into tokens (pointers into buf, which holds a
 * copy with the separators replaced by NULs).  '.' stays inside tokens
 * ("3.1").  Returns the token count (at most max). */
static int tokens(const char *s, char *buf, size_t n, char **tok, int max)
{
    int k = 0;
    size_t i;

    snprintf(buf, n, "%s", s);
    for (i = 0; buf[i]; i++)
        if (buf[i] == '-' || buf[i] == '_' || buf[i] == ' ') buf[i] = '\0';
    for (size_t j = 0; j < i && k < max; j++)
        if (buf[j] && (j == 0 || !buf[j - 1])) tok[k++] = buf + j;
    return k;
}

/* Join the kept tokens and key the result. */
static void key_tokens(char **tok, const int *keep, int k, char *out, size_t n)
{
    char joined[256] = "";
    size_t used = 0;

    for (int i = 0; i < k; i++)
        if (keep[i])
            used += (size_t)snprintf(joined + used, used < sizeof joined ? sizeof joined - used : 0,
                                     "%s", tok[i]);
    rl_name_key(joined, out, n);
}

void rl_model_key(const char *in, int drop_version, char *out, size_t n)
{
    static const char *const fluff[] = { "instruct", "chat", "hf", "it", "base" };
    const char *slash = in ? strrchr(in, '/') : NULL;
    char buf[256], *tok[32];
    int keep[32], k;

    k = tokens(slash ? slash + 1 : in ? in : "", buf, sizeof buf, tok, 32);
    for (int i = 0; i < k; i++) {
        keep[i] = 1;
        if (i == 0 && k > 1 && strcasecmp(tok[i], "meta") == 0) keep[i] = 0;
        for (size_t f = 0; i > 0 && f < sizeof fluff / sizeof *fluff; f++)
            if (strcasecmp(tok[i], fluff[f]) == 0) keep[i] = 0;
    }
    if (drop_version && k > 1 && (tok[k - 1][0] == 'v' || tok[k - 1][0] == 'V') &&
        isdigit((unsigned char)tok[k - 1][1]))
        keep[k - 1] = 0;
    key_tokens(tok, keep, k, out, n);
}

void rl_hw_key(const char *in, char *out, size_t n)
{
    static const char *const brand[] = { "nvidia", "geforce", "amd", "radeon",
                                         "instinct", "apple" };
    char buf[256], *tok[32];
    int keep[32], k, lead = 1;

    k = tokens(in ? in : "", buf, sizeof buf, tok, 32);
    for (int i = 0; i < k; i++) {
        int b = 0;
        for (size_t j = 0; lead && i < k - 1 && j < sizeof brand / sizeof *brand; j++)
            b |= strcasecmp(tok[i], brand[j]) == 0;
        keep[i] = !b;
        lead = b;               /* only a run of brand words at the start */
    }
    key_tokens(tok, keep, k, out, n);
}

/* Edit distance (insert, delete, substitute, swap two neighbours: "4900"
 * is one slip from "4090") of w to all of c (full = 1) or to its best
 * prefix (full = 0).  Keys are short; longer inputs count as far. */
static int lev(const char *w, const char *c, int full)
{
    int lw = (int)strlen(w), lc = (int)strlen(c);
    int pp[65], prev[65], cur[65];

    if (lw > 64 || lc > 64) return 1000;
    /* column j holds D[i][j] for every i (w's prefix length): we need
     * D[lw][j] for every prefix j of c */
    for (int i = 0; i <= lw; i++) prev[i] = pp[i] = i;
    int best = prev[lw];
    for (int j = 1; j <= lc; j++) {
        cur[0] = j;
        for (int i = 1; i <= lw; i++) {
            int sub = prev[i - 1] + (w[i - 1] != c[j - 1]);
            int del = prev[i] + 1, ins = cur[i - 1] + 1;
            cur[i] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
            if (i > 1 && j > 1 && w[i - 1] == c[j - 2] && w[i - 2] == c[j - 1] &&
                pp[i - 2] + 1 < cur[i])
                cur[i] = pp[i - 2] + 1;
        }
        memcpy(pp, prev, sizeof(int) * (size_t)(lw + 1));
        memcpy(prev, cur, sizeof(int) * (size_t)(lw + 1));
        if (prev[lw] < best) best = prev[lw];
    }
    return full ? prev[lw] : best;
}

double rl_name_distance(const char *w, const char *c)
{
    double d, pre;

    if (strcmp(w, c) == 0) return 0;
    if (*w && strncmp(w, c, strlen(w)) == 0) return 0.5;
    d = lev(w, c, 1);
    pre = lev(w, c, 0) + 0.5;
    if (pre < d) d = pre;
    if (strlen(w) >= 3 && strstr(c, w) && d > 1) d = 1;
    return d;
}

int rl_suggest_ranked(const char *wk, const char *const *cands,
                      const int *owner, int n, int max, int *out)
{
    double limit = (double)(strlen(wk) / 3 + 1), best = 1e9;
    double score[256];
    int who[256], m = 0, k = 0;

    if (!wk || !*wk || max <= 0) return 0;
    /* best distance per owner (the first 256 owners seen) */
    for (int i = 0; i < n; i++) {
        double d = rl_name_distance(wk, cands[i]);
        int j = 0;
        while (j < m && who[j] != owner[i]) j++;
        if (j == m) {
            if (m == 256) continue;
            who[m] = owner[i];
            score[m++] = d;
        } else if (d < score[j]) score[j] = d;
    }
    for (int j = 0; j < m; j++)
        if (score[j] < best) best = score[j];
    if (best > limit) return 0;
    /* emit in order of distance; ties keep first-seen order */
    while (k < max) {
        int pick = -1;
        for (int j = 0; j < m; j++)
            if (score[j] <= limit && score[j] <= best + 0.5 &&
                (pick < 0 || score[j] < score[pick]))
                pick = j;
        if (pick < 0) break;
        out[k++] = who[pick];
        score[pick] = 1e9;
    }
    return k;
}
