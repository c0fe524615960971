/*
 * api_metrics.c -- counters of `ridgeline serve` for GET /metrics, in the
 * Prometheus text exposition format (version 0.0.4):
 *
 *     ridgeline_http_requests_total{route,code}     counter
 *     ridgeline_http_request_duration_seconds       histogram per route
 *     ridgeline_http_errors_total{code}             counter of 4xx/5xx
 *
 * Routes are a fixed set of labels (never the raw URL, so a scan of
 * random paths cannot grow the table); one mutex guards the counts.
 */
#include "api.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const routes[] = {
    "estimate", "solve", "catalog", "calibrate", "healthz", "metrics", "page",
    "procure", "signoff", "not_found", "unauthorized", "too_large",
};
#define NR (int)(sizeof routes / sizeof *routes)
static const int codes[] = {200, 201, 400, 401, 404, 405, 413, 422, 500, 501, 503};
#define NC (int)(sizeof codes / sizeof *codes)
static const double bounds[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                0.1, 0.25, 0.5, 1, 2.5, 5, 10};
#define NB (int)(sizeof bounds / sizeof *bounds)

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static unsigned long count[NR][NC + 1];      /* last column: any other code */
static unsigned long bucket[NR][NB + 1];     /* last: +Inf (not cumulative here) */
static double sum[NR];

static int route_index(const char *r)
{
    for (int i = 0; r && i < NR; i++)
        if (strcmp(r, routes[i]) == 0) return i;
    return -1;
}

void rl_metrics_observe(const char *route, int status, double seconds)
{
    int r = route_index(route), c = NC, b = 0;
    if (r < 0) r = route_index("not_found");
    for (int i = 0; i < NC; i++) if (codes[i] == status) c = i;
    while (b < NB && seconds > bounds[b]) b++;
    pthread_mutex_lock(&mu);
    count[r][c]++;
    bucket[r][b]++;
    sum[r] += seconds;
    pthread_mutex_unlock(&mu);
}

typedef struct buf { char *p; size_t n, cap; int oom; } buf;

static void add(buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

#include <stdarg.h>
static void add(buf *b, const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        va_start(ap, fmt);
        int k = vsnprintf(b->p ? b->p + b->n : NULL, b->p ? b->cap - b->n : 0, fmt, ap);
        va_end(ap);
        if (k < 0) { b->oom = 1; return; }
        if (b->p && b->n + (size_t)k < b->cap) { b->n += (size_t)k; return; }
        size_t cap = b->cap ? b->cap * 2 : 4096;
        while (cap < b->n + (size_t)k + 1) cap *= 2;
        char *q = realloc(b->p, cap);
        if (!q) { b->oom = 1; return; }
        b->p = q;
        b->cap = cap;
    }
}

static void requests(buf *b, unsigned long (*cnt)[NC + 1], unsigned long *errs)
{
    add(b, "# HELP ridgeline_http_requests_total Requests answered, by route and status.\n"
           "# TYPE ridgeline_http_requests_total counter\n");
    for (int r = 0; r < NR; r++)
        for (int c = 0; c <= NC; c++) {
            if (!cnt[r][c]) continue;
            if (c < NC) add(b, "ridgeline_http_requests_total{route=\"%s\",code=\"%d\"} %lu\n",
                            routes[r], codes[c], cnt[r][c]);
            else add(b, "ridgeline_http_requests_total{route=\"%s\",code=\"other\"} %lu\n",
                     routes[r], cnt[r][c]);
            if (c == NC || codes[c] >= 400) errs[c] += cnt[r][c];
        }
}

static void histogram(buf *b, unsigned long (*bk)[NB + 1], const double *sm,
                      unsigned long (*cnt)[NC + 1])
{
    add(b, "# HELP ridgeline_http_request_duration_seconds Time to answer, by route.\n"
           "# TYPE ridgeline_http_request_duration_seconds histogram\n");
    for (int r = 0; r < NR; r++) {
        unsigned long cum = 0, total = 0;
        for (int c = 0; c <= NC; c++) total += cnt[r][c];
        if (!total) continue;
        for (int i = 0; i < NB; i++) {
            cum += bk[r][i];
            add(b, "ridgeline_http_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"} %lu\n",
                routes[r], bounds[i], cum);
        }
        add(b, "ridgeline_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %lu\n"
               "ridgeline_http_request_duration_seconds_sum{route=\"%s\"} %.6f\n"
               "ridgeline_http_request_duration_seconds_count{route=\"%s\"} %lu\n",
            routes[r], total, routes[r], sm[r], routes[r], total);
    }
}

char *rl_metrics_text(void)
{
    static unsigned long cnt[NR][NC + 1], bk[NR][NB + 1];
    static double sm[NR];
    static pthread_mutex_t snap = PTHREAD_MUTEX_INITIALIZER;
    unsigned long errs[NC + 1] = {0};
    buf b = {0};

    pthread_mutex_lock(&snap);                  /* one snapshot at a time */
    pthread_mutex_lock(&mu);
    memcpy(cnt, count, sizeof cnt);
    memcpy(bk, bucket, sizeof bk);
    memcpy(sm, sum, sizeof sm);
    pthread_mutex_unlock(&mu);
    requests(&b, cnt, errs);
    histogram(&b, bk, sm, cnt);
    pthread_mutex_unlock(&snap);
    add(&b, "# HELP ridgeline_http_errors_total Answers with a 4xx or 5xx status, by code.\n"
            "# TYPE ridgeline_http_errors_total counter\n");
    for (int c = 0; c <= NC; c++)
        if (errs[c]) {
            if (c < NC) add(&b, "ridgeline_http_errors_total{code=\"%d\"} %lu\n", codes[c], errs[c]);
            else add(&b, "ridgeline_http_errors_total{code=\"other\"} %lu\n", errs[c]);
        }
    if (b.oom) { free(b.p); return NULL; }
    return b.p;
}
