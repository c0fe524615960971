/*
 * cmd_serve.c -- `ridgeline serve`: the estimator HTTP API and the
 * planning page, over libmicrohttpd.  Everything HTTP lives here (flags,
 * limits, auth, the connection watchdog, signals); the routes are
 * api_routes.c.
 *
 * Limits: a bounded worker pool (--threads, MHD's thread pool), at most
 * --max-conns connections, a body cap (--max-body, 413 beyond it), an
 * idle timeout per connection and a watchdog that drops a connection
 * that has not delivered a whole request within --conn-timeout seconds
 * of starting it (slowloris), a time cap on searches (--time-cap-ms,
 * 503 past it).  Binds to 127.0.0.1 unless --host says otherwise.  With
 * --token (or $RIDGELINE_TOKEN) every /v1/ route and /metrics need
 * "Authorization: Bearer TOKEN" (401 otherwise); /healthz and the page
 * do not.  SIGINT/SIGTERM: stop accepting, let requests in flight finish
 * (up to 5 s), exit 0.
 */
#include "api.h"
#include "cli.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static const char usage_text[] =
"usage: ridgeline serve [--host 127.0.0.1] [--port 8080] [--store DIR] [--token T]\n"
"                       [--threads N] [--max-conns N] [--max-body BYTES]\n"
"                       [--conn-timeout S] [--time-cap-ms MS] [--catalog DIR]\n"
"                       [--calibration FILE]\n"
"\n"
"HTTP API and planning page (open http://HOST:PORT/ in a browser).\n"
"  --port 0          any free port; the one chosen is printed on stderr\n"
"  --store DIR       run records of /v1/calibrate (default ./ridgeline-runs)\n"
"  --token T         require Authorization: Bearer T on /v1/ and /metrics\n"
"                    (or set RIDGELINE_TOKEN)\n"
"  --threads N       worker threads, 1..64 (default 4)\n"
"  --max-conns N     concurrent connections, 1..10000 (default 256)\n"
"  --max-body BYTES  request body cap (default 1048576; 413 beyond)\n"
"  --conn-timeout S  a request must arrive whole within S s (default 10)\n"
"  --time-cap-ms MS  time cap of one search (default 20000; 503 beyond)\n"
"Routes: POST /v1/estimate /v1/solve /v1/signoff /v1/procure /v1/calibrate,\n"
"GET /v1/calibrate /v1/catalog/{models,runtimes,quantizations,hardware-profiles}\n"
"GET /healthz /metrics /.  Exit status 0 after SIGINT/SIGTERM, 2 bad\n"
"flags, 4 when the port cannot be bound or the store opened.\n";

typedef struct sopts {
    const char *host, *store, *token, *catalog, *calibration;
    long port, threads, conns, body, conn_timeout, cap_ms;
} sopts;

/* One connection, for the watchdog: when its current request started and
 * whether it is still being read. */
typedef struct conn {
    struct conn *next, *prev;
    int fd;
    double t0;
    int reading, dropped;
} conn;

typedef struct server {
    rl_api_ctx ctx;
    const sopts *o;
    pthread_mutex_t mu;
    conn *conns;
    int stop, inflight;
} server;

/* Per-request state (MHD's con_cls); `answered` marks a request refused
 * from its headers alone (401, 413), whose body is then discarded. */
typedef struct req {
    char *body;
    size_t len, cap;
    double t0;
    int replied;
} req;

static req answered;

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

/* ---- flags ---------------------------------------------------------------- */

static int parse(int argc, char **argv, sopts *o, rl_err *err)
{
    static const struct { const char *flag; size_t off; } strs[] = {
        {"--host", offsetof(sopts, host)}, {"--store", offsetof(sopts, store)},
        {"--token", offsetof(sopts, token)}, {"--catalog", offsetof(sopts, catalog)},
        {"--calibration", offsetof(sopts, calibration)},
    };
    static const struct { const char *flag; size_t off; long min, max; } nums[] = {
        {"--port", offsetof(sopts, port), 0, 65535},
        {"--threads", offsetof(sopts, threads), 1, 64},
        {"--max-conns", offsetof(sopts, conns), 1, 10000},
        {"--max-body", offsetof(sopts, body), 1024, 1L << 30},
        {"--conn-timeout", offsetof(sopts, conn_timeout), 1, 3600},
        {"--time-cap-ms", offsetof(sopts, cap_ms), 10, 3600000},
    };
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        int hit = 0, r;
        for (size_t k = 0; !hit && k < sizeof strs / sizeof *strs; k++) {
            if ((r = rl_arg_value(argc, argv, &i, strs[k].flag, &v, err)) < 0) return RL_EINPUT;
            if (r) { *(const char **)((char *)o + strs[k].off) = v; hit = 1; }
        }
        for (size_t k = 0; !hit && k < sizeof nums / sizeof *nums; k++) {
            if ((r = rl_arg_value(argc, argv, &i, nums[k].flag, &v, err)) < 0) return RL_EINPUT;
            if (r && rl_parse_long(nums[k].flag, v, nums[k].min, nums[k].max,
                                   (long *)((char *)o + nums[k].off), err))
                return RL_EINPUT;
            hit = r;
        }
        if (!hit)
            return rl_err_set(err, RL_EINPUT, NULL, 0, "unknown option '%s' "
                              "(ridgeline serve --help)", argv[i]);
    }
    if (o->token && !*o->token)
        return rl_err_set(err, RL_EINPUT, NULL, 0, "--token must not be empty");
    return RL_OK;
}

/* ---- auth ------------------------------------------------------------------- */

/* Constant time in the presented value: every byte of both is looked at. */
static int token_ok(const char *want, const char *hdr)
{
    static const char pre[] = "Bearer ";
    size_t wl = strlen(want), gl;
    unsigned diff;
    if (!hdr || strncmp(hdr, pre, sizeof pre - 1) != 0) return 0;
    hdr += sizeof pre - 1;
    gl = strlen(hdr);
    diff = (unsigned)(wl ^ gl);
    for (size_t i = 0; i < gl; i++) diff |= (unsigned char)hdr[i] ^ (unsigned char)want[i % (wl ? wl : 1)];
    return diff == 0;
}

static int needs_token(const char *url)
{
    return strncmp(url, "/v1/", 4) == 0 || strcmp(url, "/metrics") == 0;
}

/* ---- answering ------------------------------------------------------------------ */

static enum MHD_Result send_resp(struct MHD_Connection *c, rl_api_resp *r, double t0)
{
    struct MHD_Response *m = MHD_create_response_from_buffer(
        r->len, r->body, r->body_static ? MHD_RESPMEM_PERSISTENT : MHD_RESPMEM_MUST_COPY);
    enum MHD_Result ok = MHD_NO;
    if (m) {
        MHD_add_response_header(m, "Content-Type", r->type ? r->type : "application/json");
        MHD_add_response_header(m, "Cache-Control", "no-store");
        MHD_add_response_header(m, "X-Content-Type-Options", "nosniff");
        if (r->status == 401) MHD_add_response_header(m, "WWW-Authenticate", "Bearer realm=\"ridgeline\"");
        /* after an error the connection is not reused: a client that sent
         * junk gets its answer and loses the slot (floods stay cheap) */
        if (r->status >= 400) MHD_add_response_header(m, "Connection", "close");
        ok = MHD_queue_response(c, (unsigned)r->status, m);
        MHD_destroy_response(m);
    }
    rl_metrics_observe(r->route, r->status, now_s() - t0);
    rl_api_resp_free(r);
    return ok;
}

static enum MHD_Result reply_error(struct MHD_Connection *c, int status, const char *route,
                                   const char *msg, double t0)
{
    rl_api_error e;
    rl_api_resp r = {0};
    rl_api_fail(&e, status, "", "%s", msg);
    r.status = status;
    r.type = "application/json";
    r.body = rl_api_error_body(&e);
    r.len = r.body ? strlen(r.body) : 0;
    r.route = route;
    return send_resp(c, &r, t0);
}

static conn *conn_of(struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return ci ? ci->socket_context : NULL;
}

/* Headers are in: check auth and the announced size before any body. */
static enum MHD_Result first_call(server *sv, struct MHD_Connection *c, const char *url,
                                  req **rq)
{
    const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
    double t0 = now_s();
    if (sv->o->token && needs_token(url) &&
        !token_ok(sv->o->token, MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization")))
        return reply_error(c, 401, "unauthorized", "missing or wrong bearer token", t0);
    if (cl && strtoull(cl, NULL, 10) > (unsigned long long)sv->o->body) {
        char m[96];
        snprintf(m, sizeof m, "body larger than the cap of %ld bytes", sv->o->body);
        return reply_error(c, 413, "too_large", m, t0);
    }
    if (!(*rq = calloc(1, sizeof **rq))) return MHD_NO;
    (*rq)->t0 = t0;
    pthread_mutex_lock(&sv->mu);
    sv->inflight++;
    pthread_mutex_unlock(&sv->mu);
    return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *data, size_t *data_size, void **con_cls)
{
    server *sv = cls;
    req *rq = *con_cls;
    (void)version;
    if (!rq) {
        enum MHD_Result r = first_call(sv, c, url, &rq);
        *con_cls = rq ? rq : &answered;
        return r;
    }
    if (rq == &answered) {
        *data_size = 0;
        return MHD_YES;
    }
    if (*data_size) {                   /* body bytes: keep, up to the cap */
        if (rq->len + *data_size > (size_t)sv->o->body) return MHD_NO;   /* chunked, too big: drop */
        if (rq->len + *data_size + 1 > rq->cap) {
            size_t n = rq->cap ? rq->cap : 4096;
            while (n < rq->len + *data_size + 1) n *= 2;
            char *p = realloc(rq->body, n);
            if (!p) return MHD_NO;
            rq->body = p;
            rq->cap = n;
        }
        memcpy(rq->body + rq->len, data, *data_size);
        rq->len += *data_size;
        *data_size = 0;
        return MHD_YES;
    }
    conn *k = conn_of(c);
    if (k) { pthread_mutex_lock(&sv->mu); k->reading = 0; pthread_mutex_unlock(&sv->mu); }
    rl_api_resp r;
    rl_api_handle(&sv->ctx, method, url, rq->body, rq->len, &r);
    rq->replied = 1;
    return send_resp(c, &r, rq->t0);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode code)
{
    server *sv = cls;
    req *rq = *con_cls;
    conn *k = conn_of(c);
    (void)code;
    if (rq == &answered) rq = NULL;
    pthread_mutex_lock(&sv->mu);
    if (rq) sv->inflight--;
    if (k) { k->reading = 1; k->t0 = now_s(); }    /* the next request's clock */
    pthread_mutex_unlock(&sv->mu);
    if (rq) free(rq->body);
    free(rq);
    *con_cls = NULL;
}

/* ---- the slow-client watchdog ------------------------------------------------------ */

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    server *sv = cls;
    conn *k = *socket_context;
    pthread_mutex_lock(&sv->mu);
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        if (ci && (k = calloc(1, sizeof *k))) {
            k->fd = ci->connect_fd;
            k->t0 = now_s();
            k->reading = 1;
            k->next = sv->conns;
            if (sv->conns) sv->conns->prev = k;
            sv->conns = k;
        }
        *socket_context = k;
    } else if (k) {                       /* closed: MHD closes the fd after this */
        if (k->prev) k->prev->next = k->next; else sv->conns = k->next;
        if (k->next) k->next->prev = k->prev;
        free(k);
        *socket_context = NULL;
    }
    pthread_mutex_unlock(&sv->mu);
}

static void *watchdog(void *arg)
{
    server *sv = arg;
    struct timespec tick = {0, 200 * 1000000L};
    for (;;) {
        nanosleep(&tick, NULL);
        pthread_mutex_lock(&sv->mu);
        int stop = sv->stop;
        double limit = now_s() - (double)sv->o->conn_timeout;
        for (conn *k = sv->conns; !stop && k; k = k->next)
            if (k->reading && !k->dropped && k->t0 < limit) {
                shutdown(k->fd, SHUT_RDWR);    /* MHD sees EOF and closes it */
                k->dropped = 1;
            }
        pthread_mutex_unlock(&sv->mu);
        if (stop) return NULL;
    }
}

/* ---- start, wait, stop ---------------------------------------------------------------- */

static struct MHD_Daemon *start(server *sv, const sopts *o, rl_err *err)
{
    struct sockaddr_storage ss;
    unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ITC;
    memset(&ss, 0, sizeof ss);
    if (strchr(o->host, ':')) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
        a->sin6_family = AF_INET6;
        a->sin6_port = htons((unsigned short)o->port);
        if (inet_pton(AF_INET6, o->host, &a->sin6_addr) != 1) goto bad;
        flags |= MHD_USE_IPv6;
    } else {
        struct sockaddr_in *a = (struct sockaddr_in *)&ss;
        a->sin_family = AF_INET;
        a->sin_port = htons((unsigned short)o->port);
        if (inet_pton(AF_INET, o->host, &a->sin_addr) != 1) goto bad;
    }
    struct MHD_Daemon *d = MHD_start_daemon(
        flags, (uint16_t)o->port, NULL, NULL, on_request, sv,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)o->threads,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)o->conns,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)o->conn_timeout,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, sv,
        MHD_OPTION_NOTIFY_CONNECTION, on_connection, sv,
        MHD_OPTION_END);
    if (!d) rl_err_set(err, RL_EIO, NULL, 0, "cannot listen on %s port %ld "
                       "(in use, or not an address of this machine)", o->host, o->port);
    return d;
bad:
    rl_err_set(err, RL_EINPUT, NULL, 0, "--host expects a numeric IPv4 or IPv6 address, got '%s'",
               o->host);
    return NULL;
}

/* Block the stop signals in every thread; the main thread waits for one. */
static void wait_for_signal(void)
{
    sigset_t set;
    int sig;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    while (sigwait(&set, &sig) != 0) {}
}

static void drain(server *sv, struct MHD_Daemon *d)
{
    MHD_socket ls = MHD_quiesce_daemon(d);     /* no new connections */
    for (int i = 0; i < 50; i++) {             /* 5 s for requests in flight */
        pthread_mutex_lock(&sv->mu);
        int n = sv->inflight;
        pthread_mutex_unlock(&sv->mu);
        if (n == 0) break;
        struct timespec t = {0, 100 * 1000000L};
        nanosleep(&t, NULL);
    }
    MHD_stop_daemon(d);
    if (ls != MHD_INVALID_SOCKET) close(ls);
}

static int serve(server *sv, const sopts *o, rl_err *err)
{
    sigset_t set;
    pthread_t wd;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);     /* before any thread starts */
    signal(SIGPIPE, SIG_IGN);
    struct MHD_Daemon *d = start(sv, o, err);
    if (!d) return err->code;
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    fprintf(stderr, "ridgeline serve: listening on http://%s%s%s:%u/ (%ld threads)\n",
            strchr(o->host, ':') ? "[" : "", o->host, strchr(o->host, ':') ? "]" : "",
            di ? di->port : (unsigned)o->port, o->threads);
    fflush(stderr);
    pthread_create(&wd, NULL, watchdog, sv);
    wait_for_signal();
    fprintf(stderr, "ridgeline serve: stopping\n");
    drain(sv, d);
    pthread_mutex_lock(&sv->mu);
    sv->stop = 1;
    pthread_mutex_unlock(&sv->mu);
    pthread_join(wd, NULL);
    return RL_OK;
}

int rl_cmd_serve(int argc, char **argv)
{
    sopts o = {.host = "127.0.0.1", .store = "ridgeline-runs", .port = 8080, .threads = 4,
               .conns = 256, .body = 1048576, .conn_timeout = 10, .cap_ms = 20000};
    server sv;
    rl_err err;
    int rc;

    rl_err_clear(&err);
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(usage_text, stdout);
            return RL_OK;
        }
    o.token = getenv("RIDGELINE_TOKEN");
    if (o.token && !*o.token) o.token = NULL;
    if (parse(argc, argv, &o, &err)) return rl_fail(&err);
    memset(&sv, 0, sizeof sv);
    sv.o = &o;
    sv.ctx.time_cap_ms = o.cap_ms;
    pthread_mutex_init(&sv.mu, NULL);
    rl_catalog *cat = rl_catalog_open(o.catalog, &err);
    if (!cat) return rl_fail(&err);
    sv.ctx.cat = cat;
    if (o.calibration && (rc = rl_catalog_apply_calibration(cat, o.calibration, &err))) {
        rl_catalog_free(cat);
        return rl_fail(&err);
    }
    if (!(sv.ctx.store = rl_store_open(o.store, &err))) {
        rl_catalog_free(cat);
        return rl_fail(&err);
    }
    if (rl_store_skipped(sv.ctx.store))
        fprintf(stderr, "ridgeline serve: %s: skipped %ld corrupt run records\n", o.store,
                rl_store_skipped(sv.ctx.store));
    rc = serve(&sv, &o, &err);
    if (rc) rl_fail(&err);
    rl_store_close(sv.ctx.store);
    rl_catalog_free(cat);
    return rc;
}
