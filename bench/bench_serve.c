/*
 * bench_serve.c -- load and fault client for `ridgeline serve`, over
 * loopback only.  Raw sockets and HTTP/1.1 (keep-alive for load), so the
 * numbers are the server's, not a client library's.
 *
 *   bench_serve [--port P] [--clients N] [--seconds S]     load: POST /v1/estimate
 *               from N threads for S s; prints requests/s, p50/p99 latency
 *               and errors (exit 1 if any).  Without --port it starts
 *               `ridgeline serve --port 0` from beside itself (make bench).
 *   bench_serve --port P --malformed N      N malformed requests, each on a
 *               fresh connection (garbage, bad JSON, bad request lines,
 *               headers cut off); prints how many got a 4xx or a close.
 *   bench_serve --port P --slow N --seconds S   N slowloris connections
 *               (a header byte every 500 ms) while a normal request runs
 *               every 100 ms; prints slow_dropped, normal_ok, normal_fail.
 *   bench_serve --port P --post-runs N --acked FILE   POST N run records
 *               to /v1/calibrate, appending each acknowledged run_id to FILE.
 */
#define _GNU_SOURCE             /* strcasestr */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int port;
static const char *token;
static const char est_body[] =
    "{\"model_id\":\"llama-3.1-8b\",\"runtime_id\":\"llama.cpp\",\"quant\":\"q4_k_m\","
    "\"hardware\":{\"hardware_id\":\"rtx-4090\",\"count\":1},"
    "\"workload\":{\"context_tokens\":1024,\"output_tokens\":256,\"concurrency\":4}}";

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static int dial(void)
{
    struct sockaddr_in a = {0};
    int one = 1, fd = socket(AF_INET, SOCK_STREAM, 0);
    struct timeval tv = {10, 0};
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0) return -1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) { close(fd); return -1; }
    return fd;
}

static int send_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t k = send(fd, p, n, MSG_NOSIGNAL);
        if (k <= 0) return -1;
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

/* Read one response; returns the status (0 on close/error), body in buf. */
static int read_resp(int fd, char *buf, size_t cap, int *keep)
{
    size_t n = 0;
    char *hdr_end = NULL;
    long clen = -1;
    while (!hdr_end || (clen >= 0 && n < (size_t)(hdr_end - buf) + 4 + (size_t)clen)) {
        if (n + 1 >= cap) return 0;
        ssize_t k = recv(fd, buf + n, cap - n - 1, 0);
        if (k <= 0) return 0;
        n += (size_t)k;
        buf[n] = '\0';
        if (!hdr_end && (hdr_end = strstr(buf, "\r\n\r\n"))) {
            char *cl = strcasestr(buf, "\r\nContent-Length:");
            clen = cl && cl < hdr_end ? strtol(cl + 17, NULL, 10) : 0;
            *keep = !strcasestr(buf, "\r\nConnection: close");
        }
    }
    return atoi(buf + 9);
}

static int request(int *fd, const char *method, const char *path, const char *body,
                   char *buf, size_t cap)
{
    char head[512];
    int keep = 1, st;
    size_t bl = body ? strlen(body) : 0;
    int hl = snprintf(head, sizeof head, "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\n%s%s%s"
                      "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
                      method, path, token ? "Authorization: Bearer " : "", token ? token : "",
                      token ? "\r\n" : "", bl);
    if (*fd < 0 && (*fd = dial()) < 0) return 0;
    if (send_all(*fd, head, (size_t)hl) || (bl && send_all(*fd, body, bl)) ||
        !(st = read_resp(*fd, buf, cap, &keep))) {
        close(*fd);
        *fd = -1;
        return 0;
    }
    if (!keep) { close(*fd); *fd = -1; }
    return st;
}

/* ---- load --------------------------------------------------------------- */

typedef struct worker {
    double until;
    double *lat;
    long n, cap, errors;
} worker;

static void *load_thread(void *arg)
{
    worker *w = arg;
    char *buf = malloc(1 << 16);
    int fd = -1;
    while (buf && now() < w->until) {
        double t0 = now();
        int st = request(&fd, "POST", "/v1/estimate", est_body, buf, 1 << 16);
        if (st != 200) { w->errors++; continue; }
        if (w->n == w->cap) {
            w->cap = w->cap ? 2 * w->cap : 4096;
            w->lat = realloc(w->lat, (size_t)w->cap * sizeof *w->lat);
        }
        w->lat[w->n++] = now() - t0;
    }
    if (fd >= 0) close(fd);
    free(buf);
    return NULL;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int load(int clients, double seconds)
{
    worker w[64] = {{0}};
    pthread_t t[64];
    long n = 0, errs = 0, k = 0;
    double t0 = now();
    for (int i = 0; i < clients; i++) {
        w[i].until = t0 + seconds;
        pthread_create(&t[i], NULL, load_thread, &w[i]);
    }
    for (int i = 0; i < clients; i++) { pthread_join(t[i], NULL); n += w[i].n; errs += w[i].errors; }
    double el = now() - t0, *all = malloc((size_t)(n ? n : 1) * sizeof *all);
    for (int i = 0; i < clients; i++) {
        memcpy(all + k, w[i].lat, (size_t)w[i].n * sizeof *all);
        k += w[i].n;
        free(w[i].lat);
    }
    qsort(all, (size_t)n, sizeof *all, cmp_d);
    printf("serve load: %d clients, %.1f s, POST /v1/estimate: %.0f requests/s, "
           "p50 %.3f ms, p99 %.3f ms, errors %ld\n", clients, el, n / el,
           n ? all[n / 2] * 1e3 : 0, n ? all[(long)(n * 0.99)] * 1e3 : 0, errs);
    free(all);
    return errs || !n;
}

/* ---- faults --------------------------------------------------------------- */

static int malformed(long count)
{
    static const char *const kinds[] = {
        "POST /v1/estimate HTTP/1.1\r\nHost: x\r\nContent-Length: 9\r\n\r\n{\"model_i",
        "POST /v1/estimate HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n[1,2]",
        "POST /v1/solve HTTP/1.1\r\nHost: x\r\nContent-Length: 12\r\n\r\n{\"model\":[]}",
        "GARBAGE\x01\x02\x03\r\n\r\n",
        "GET /v1/catalog/../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n",
        "POST /v1/estimate HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
        "POST /v1/estimate HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\n\r\n",
        "POST /v1/calibrate HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        "POST /v1/estimate HTTP/1.1\r\nHost: x\r\nContent-Len",
        "POST /v1/estimate HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\n\xff\xfe\x00\x01",
    };
    long answered = 0, closed = 0;
    char buf[4096];
    for (long i = 0; i < count; i++) {
        const char *k = kinds[i % (long)(sizeof kinds / sizeof *kinds)];
        int fd = dial(), keep;
        if (fd < 0) { fprintf(stderr, "connect failed at %ld: %s\n", i, strerror(errno)); return 1; }
        size_t len = strlen(k) + (i % 10 == 9 ? 2 : 0);  /* its body is \xff\xfe\0\1 */
        send_all(fd, k, len);
        if (i % 10 == 8) {                      /* headers cut off: hang up */
            close(fd);
            closed++;
            continue;
        }
        shutdown(fd, SHUT_WR);
        int st = read_resp(fd, buf, sizeof buf, &keep);
        if (st >= 400 && st < 500) answered++; else if (st == 0) closed++;
        close(fd);
    }
    printf("malformed: %ld sent, %ld answered 4xx, %ld closed, %ld other\n", count, answered,
           closed, count - answered - closed);
    return count - answered - closed != 0;
}

static int slow(int n, double seconds)
{
    int fds[512], dropped = 0, ok = 0, fail = 0, fd = -1;
    char buf[1 << 16];
    double t0 = now(), next_byte = t0, next_req = t0;
    if (n > 512) n = 512;
    for (int i = 0; i < n; i++) {
        fds[i] = dial();
        if (fds[i] < 0 || send_all(fds[i], "POST /v1/estimate HTTP/1.1\r\nHost: x\r\n", 37)) { fds[i] = -1; dropped++; }
    }
    while (now() - t0 < seconds) {
        if (now() >= next_byte) {               /* one more header byte each */
            for (int i = 0; i < n; i++)
                if (fds[i] >= 0 && send(fds[i], "X", 1, MSG_NOSIGNAL) != 1) {
                    close(fds[i]);
                    fds[i] = -1;
                    dropped++;
                }
            next_byte += 0.5;
        }
        if (now() >= next_req) {
            if (request(&fd, "POST", "/v1/estimate", est_body, buf, sizeof buf) == 200) ok++; else fail++;
            next_req += 0.1;
        }
        nanosleep(&(struct timespec){0, 20000000L}, NULL);
    }
    for (int i = 0; i < n; i++) {               /* dropped but not noticed yet? */
        if (fds[i] < 0) continue;
        char c;
        struct timeval tv = {0, 1000};
        setsockopt(fds[i], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        if (recv(fds[i], &c, 1, 0) == 0) dropped++;
        close(fds[i]);
    }
    if (fd >= 0) close(fd);
    printf("slow: %d slow clients, slow_dropped=%d normal_ok=%d normal_fail=%d\n", n, dropped, ok, fail);
    return 0;
}

static int post_runs(long n, const char *acked)
{
    FILE *f = fopen(acked, "a");
    char buf[4096], body[512];
    int fd = -1;
    if (!f) return 1;
    for (long i = 0; i < n; i++) {
        snprintf(body, sizeof body, "{\"run_id\":\"bench-%d-%ld\",\"model_id\":\"llama-3.1-8b\","
                 "\"runtime_id\":\"llama.cpp\",\"hardware_id\":\"rtx-4090\",\"quant\":\"q4_k_m\","
                 "\"metrics\":{\"decode_toks_sec\":%ld.5}}", (int)getpid(), i, 100 + i);
        if (request(&fd, "POST", "/v1/calibrate", body, buf, sizeof buf) == 201) {
            fprintf(f, "bench-%d-%ld\n", (int)getpid(), i);
            fflush(f);
        }
    }
    fclose(f);
    return 0;
}

/* make bench: start the server beside us on a free port. */
static pid_t spawn(const char *self)
{
    char bin[1024], line[256];
    int p[2];
    const char *slash = strrchr(self, '/');
    snprintf(bin, sizeof bin, "%.*sridgeline", slash ? (int)(slash - self + 1) : 0, self);
    if (pipe(p) != 0) return -1;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(p[1], 2);
        close(p[0]);
        execl(bin, bin, "serve", "--port", "0", "--store", "/tmp/bench_serve_store", (char *)NULL);
        _exit(127);
    }
    close(p[1]);
    FILE *f = fdopen(p[0], "r");
    while (f && fgets(line, sizeof line, f)) {
        char *c = strstr(line, "127.0.0.1:");
        if (c) { port = atoi(c + 10); break; }
    }
    return port ? pid : -1;
}

int main(int argc, char **argv)
{
    int clients = 8, slow_n = 0;
    double seconds = 2;
    long mal = 0, runs = 0;
    const char *acked = NULL;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--port")) port = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--clients")) clients = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--seconds")) seconds = atof(argv[i + 1]);
        else if (!strcmp(argv[i], "--malformed")) mal = atol(argv[i + 1]);
        else if (!strcmp(argv[i], "--slow")) slow_n = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--post-runs")) runs = atol(argv[i + 1]);
        else if (!strcmp(argv[i], "--acked")) acked = argv[i + 1];
        else if (!strcmp(argv[i], "--token")) token = argv[i + 1];
        else { fprintf(stderr, "bench_serve: unknown flag %s\n", argv[i]); return 2; }
    }
    if (clients < 1 || clients > 64) clients = 8;
    signal(SIGPIPE, SIG_IGN);
    if (!port) {
        pid_t pid = spawn(argv[0]);
        if (pid < 0) { fprintf(stderr, "bench_serve: cannot start ridgeline serve\n"); return 1; }
        int rc = load(clients, seconds);
        kill(pid, SIGTERM);
        waitpid(pid, NULL, 0);
        return rc;
    }
    if (mal) return malformed(mal);
    if (slow_n) return slow(slow_n, seconds);
    if (runs) return acked ? post_runs(runs, acked) : 2;
    return load(clients, seconds);
}
