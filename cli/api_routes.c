/*
 * api_routes.c -- the routes of `ridgeline serve`, free of HTTP plumbing
 * (cmd_serve.c feeds them): method + path + body in, status + body out.
 *
 *   POST /v1/estimate   the seed's request -> the seed's response, plus
 *                       the CLI's `estimate --json` object as "estimate"
 *   POST /v1/solve      a scenario as JSON -> `solve --json`
 *   GET  /v1/catalog/{models,runtimes,quantizations,hardware-profiles}
 *   POST /v1/calibrate  append a run record; GET lists them
 *   POST /v1/signoff   a scenario as JSON -> the signoff --json document
 *   POST /v1/procure   a plan as JSON -> the procure --json document
 *   GET  /healthz, /metrics, / (the planning page and its assets)
 *
 * Searches (solve, an estimate's objective) run in a forked child with a
 * deadline: past ctx->time_cap_ms the child is killed and the answer is
 * 503, and a crash in the search costs that request only.
 */
#include "api.h"
#include "cli.h"
#include "solver.h"
#include "signoff.h"
#include "procure.h"

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char JSON_T[] = "application/json";

static void set_body(rl_api_resp *r, int status, const char *type, char *body)
{
    r->status = status;
    r->type = type;
    r->body = body;
    r->len = body ? strlen(body) : 0;
    if (!body) { r->status = 500; r->body_static = 1; r->body = (char *)"{\"error\":\"out of memory\"}"; r->len = strlen(r->body); }
}

static void set_json(rl_api_resp *r, int status, cJSON *doc)
{
    set_body(r, status, JSON_T, doc ? cJSON_PrintUnformatted(doc) : NULL);
    cJSON_Delete(doc);
}

static void set_error(rl_api_resp *r, const rl_api_error *e)
{
    set_body(r, e->http ? e->http : 500, JSON_T, rl_api_error_body(e));
}

static void error_msg(rl_api_resp *r, int status, const char *field, const char *msg)
{
    rl_api_error e;
    rl_api_fail(&e, status, field, "%s", msg);
    set_error(r, &e);
}

/* ---- a search in a child process with a deadline ---------------------- */

typedef char *(*job_fn)(const void *arg, int *status);

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* Read the child's "STATUS\nBODY" until EOF or the deadline. */
static char *read_child(int fd, double deadline, int *timed_out)
{
    size_t n = 0, cap = 4096;
    char *b = malloc(cap);
    *timed_out = 0;
    while (b) {
        struct pollfd p = {fd, POLLIN, 0};
        int left = (int)(deadline - now_ms());
        if (left <= 0) { *timed_out = 1; break; }
        int r = poll(&p, 1, left);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) { *timed_out = r == 0; break; }
        if (n + 1 >= cap) {
            char *q = realloc(b, cap *= 2);
            if (!q) { free(b); return NULL; }
            b = q;
        }
        ssize_t k = read(fd, b + n, cap - n - 1);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) break;
        n += (size_t)k;
    }
    if (b) b[n] = '\0';
    return b;
}

static void run_capped(const rl_api_ctx *ctx, job_fn fn, const void *arg, rl_api_resp *r)
{
    int fd[2], st = 0, timed_out;
    pid_t pid;
    if (pipe(fd) != 0 || (pid = fork()) < 0) {
        error_msg(r, 503, "", "cannot start the search (out of processes)");
        return;
    }
    if (pid == 0) {                         /* child: compute, write, leave */
        int status = 500;
        close(fd[0]);
        char *body = fn(arg, &status);
        dprintf(fd[1], "%d\n%s", status, body ? body : "{\"error\":\"out of memory\"}");
        _exit(0);
    }
    close(fd[1]);
    char *out = read_child(fd[0], now_ms() + (double)ctx->time_cap_ms, &timed_out);
    close(fd[0]);
    if (timed_out) kill(pid, SIGKILL);
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
    char *nl = out ? strchr(out, '\n') : NULL;
    if (timed_out) {
        char m[128];
        snprintf(m, sizeof m, "the search ran past the time cap of %ld ms", ctx->time_cap_ms);
        error_msg(r, 503, "", m);
    } else if (!nl || !WIFEXITED(st)) {
        error_msg(r, 500, "", "the search failed (its process died); the server is fine");
    } else {
        char *body = strdup(nl + 1);
        set_body(r, atoi(out), JSON_T, body);
    }
    free(out);
}

/* ---- POST /v1/solve ------------------------------------------------------ */

typedef struct solve_job {
    const rl_catalog *cat;
    const rl_scenario *s;
} solve_job;

static char *solve_child(const void *arg, int *status)
{
    const solve_job *j = arg;
    rl_solve_opts o;
    rl_solve_result res;
    rl_err err;
    rl_api_error e;

    rl_err_clear(&err);
    rl_solve_opts_init(&o);
    if (rl_solve(j->s, j->cat, &o, &res, &err) != RL_OK) {
        int input = err.code == RL_EINPUT;
        rl_api_fail(&e, input ? 400 : 500, input && err.line == j->s->objective_line &&
                    err.line ? "objective" : "", "%s", err.msg);
        *status = e.http;
        return rl_api_error_body(&e);
    }
    cJSON *doc = rl_solve_json(j->s, &res);
    rl_solve_result_free(&res);
    char *s = doc ? cJSON_PrintUnformatted(doc) : NULL;
    cJSON_Delete(doc);
    *status = 200;
    return s;
}

static void route_solve(const rl_api_ctx *ctx, const cJSON *req, rl_api_resp *r)
{
    rl_scenario *s = NULL;
    rl_api_error e;
    if (rl_api_scenario(req, ctx->cat, &s, &e)) { set_error(r, &e); return; }
    solve_job j = {ctx->cat, s};
    run_capped(ctx, solve_child, &j, r);
    rl_scenario_free(s);
}

/* ---- POST /v1/procure ------------------------------------------------------ */

/* A plan as JSON (the plan file's keys): the `procure --json` document,
 * 200 for an optimal or an infeasible plan (status and why say which),
 * 503 when the MILP or the server's cap runs out of time. */
typedef struct procure_job { const rl_catalog *cat; const rl_plan *p; } procure_job;

static char *procure_child(const void *arg, int *status)
{
    const procure_job *j = arg;
    rl_proc_result res;
    rl_err err;
    rl_api_error e;

    rl_err_clear(&err);
    if (rl_procure(j->p, j->cat, &res, &err) != RL_OK) {
        int input = err.code == RL_EINPUT;
        rl_api_fail(&e, input ? 400 : 500, "", "%s", err.msg);
        *status = e.http;
        return rl_api_error_body(&e);
    }
    cJSON *doc = rl_procure_json(j->p, &res);
    *status = res.status == RL_PROC_TIME_LIMIT ? 503 : 200;
    rl_proc_result_free(&res);
    char *s = doc ? cJSON_PrintUnformatted(doc) : NULL;
    cJSON_Delete(doc);
    return s;
}

static void route_procure(const rl_api_ctx *ctx, const cJSON *req, rl_api_resp *r)
{
    rl_plan *p = NULL;
    rl_api_error e;
    if (rl_api_plan(req, ctx->cat, &p, &e)) { set_error(r, &e); return; }
    procure_job j = {ctx->cat, p};
    run_capped(ctx, procure_child, &j, r);
    rl_plan_free(p);
}

/* ---- POST /v1/signoff ------------------------------------------------------ */

/* A scenario as JSON (the keys of /v1/solve), every search axis single-
 * valued: the `signoff --json` document; 200 whether it passes or not
 * (the verdict says), 400 for a scenario signoff refuses. */
static void route_signoff(const rl_api_ctx *ctx, const cJSON *req, rl_api_resp *r)
{
    rl_scenario *s = NULL;
    rl_signoff *so = NULL;
    rl_api_error e;
    rl_err err;

    if (rl_api_scenario(req, ctx->cat, &s, &e)) { set_error(r, &e); return; }
    rl_err_clear(&err);
    if (!(so = malloc(sizeof *so))) error_msg(r, 500, "", "out of memory");
    else if (rl_signoff_run(s, ctx->cat, so, &err) != RL_OK)
        error_msg(r, err.code == RL_EIO ? 500 : 400, "", err.msg);
    else {
        cJSON *doc = rl_signoff_json(so);
        if (doc) set_json(r, 200, doc);
        else error_msg(r, 500, "", "out of memory");
    }
    free(so);
    rl_scenario_free(s);
}

/* ---- POST /v1/estimate ----------------------------------------------------- */

static cJSON *dup_item(const cJSON *o, const char *k)
{
    return cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(o, k), 1);
}

static double num_at(const cJSON *o, const char *a, const char *b)
{
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, a);
    if (b) x = cJSON_GetObjectItemCaseSensitive(x, b);
    return cJSON_IsNumber(x) ? x->valuedouble : 0;
}

/* The roofline view of the decode step, per device: 2 x active params
 * FLOPs per token; bytes = the weights on the device + the KV it reads at
 * the average context (prompt + output/2).  Attention FLOPs and
 * activations are left out: a picture of the regime, not a second model. */
static cJSON *roofline(const rl_config *c, const rl_estimate *e)
{
    cJSON *o = cJSON_CreateObject();
    rl_params p;
    const rl_mem_tier *t = rl_hw_main_tier(c->hw);
    double peak = rl_hw_peak(c->hw, c->quant->compute), bw = t->bandwidth_gbps;
    int dev = c->tp * c->pp > 0 ? c->tp * c->pp : 1;

    rl_arch_params(c->model, &p);
    cJSON_AddNumberToObject(o, "peak_tflops", peak);
    cJSON_AddNumberToObject(o, "bandwidth_gbps", bw);
    cJSON_AddNumberToObject(o, "ridge_flop_per_byte", bw > 0 ? peak * 1e3 / bw : 0);
    if (c->output > 0 && e->decode_tok_s.p50 > 0 && c->model->kind != RL_ENCODER) {
        double ctx = (double)c->prompt + (double)c->output / 2;
        double kv = rl_arch_kv_elems(c->model, ctx) * c->kv->bytes_per_elem * c->concurrency;
        double bytes = e->mem.weights * 1073741824.0 + kv / dev;
        double flops = 2 * p.active * c->concurrency / dev;
        cJSON_AddNumberToObject(o, "intensity_flop_per_byte", bytes > 0 ? flops / bytes : 0);
        cJSON_AddNumberToObject(o, "achieved_tflops", flops * e->decode_tok_s.p50 / 1e12);
    }
    cJSON_AddStringToObject(o, "note", "decode step per device: 2 x active params FLOPs per "
                            "token over the weights and KV read; attention FLOPs left out");
    return o;
}

/* The seed's response shape, every number copied from the CLI's object. */
static cJSON *estimate_doc(const rl_config *c, const rl_estimate *est, cJSON *cli)
{
    cJSON *o = cJSON_CreateObject(), *es, *v, *cost;
    cJSON_AddItemToObject(o, "feasibility", dup_item(cli, "feasibility"));
    es = cJSON_AddObjectToObject(o, "estimates");
    cJSON_AddItemToObject(es, "decode_toks_sec", dup_item(cli, "decode_tok_s"));
    cJSON_AddItemToObject(es, "decode_toks_sec_total", dup_item(cli, "decode_tok_s_total"));
    cJSON_AddItemToObject(es, "prefill_toks_sec", dup_item(cli, "prefill_tok_s"));
    cJSON_AddItemToObject(es, "ttft_ms", dup_item(cli, "ttft_ms"));
    cJSON_AddItemToObject(es, "tpot_ms", dup_item(cli, "tpot_ms"));
    v = cJSON_AddObjectToObject(es, "vram_peak_gb");
    cJSON_AddNumberToObject(v, "p50", num_at(cli, "memory_gib", "device_peak"));
    v = cJSON_AddObjectToObject(es, "ram_peak_gb");
    cJSON_AddNumberToObject(v, "p50", num_at(cli, "memory_gib", "host_peak"));
    cJSON_AddNumberToObject(es, "power_w", num_at(cli, "power_w", NULL));
    if (cJSON_GetObjectItemCaseSensitive(cli, "serving"))    /* workload.request_rate */
        cJSON_AddItemToObject(es, "serving", dup_item(cli, "serving"));
    cJSON_AddItemToObject(o, "bottlenecks", dup_item(cli, "bottlenecks"));
    cJSON_AddItemToObject(o, "bottleneck_shares_pct", dup_item(cli, "bottleneck_shares_pct"));
    cJSON_AddItemToObject(o, "explanations", dup_item(cli, "explanations"));
    cost = cJSON_AddObjectToObject(o, "cost");
    cJSON_AddNumberToObject(cost, "hardware_usd", c->hw->price_usd * c->devices);
    cJSON_AddNumberToObject(cost, "price_per_device_usd", c->hw->price_usd);
    cJSON_AddItemToObject(o, "roofline", roofline(c, est));
    cJSON_AddItemToObject(o, "estimate", cli);
    return o;
}

/* recommended_configs: the scenario "this model on this hardware, this
 * workload", solved for the request's objective -- at the request's rate
 * when it names one (the batch cap then searched, as solve does when the
 * workload gives no concurrency). */
static void recommend(const rl_api_ctx *ctx, const cJSON *req, const rl_config *c,
                      double rate, cJSON *doc, rl_api_resp *r)
{
    cJSON *sc = cJSON_CreateObject(), *wl, *res;
    const cJSON *hw = cJSON_GetObjectItemCaseSensitive(req, "hardware");
    rl_scenario *s = NULL;
    rl_api_error e;
    rl_api_resp sub = {0};

    cJSON_AddStringToObject(sc, "model", c->model->id);
    if (cJSON_GetObjectItemCaseSensitive(hw, "hardware_id")) cJSON_AddStringToObject(sc, "hardware", c->hw->id);
    else { cJSON *h = cJSON_Duplicate(hw, 1); cJSON_DeleteItemFromObject(h, "count"); cJSON_AddItemToObject(sc, "hardware", h); }
    cJSON_AddNumberToObject(sc, "devices", c->devices);
    cJSON_AddStringToObject(sc, "runtime", c->rt->id);
    wl = cJSON_AddObjectToObject(sc, "workload");
    cJSON_AddNumberToObject(wl, "prompt_tokens", (double)c->prompt);
    cJSON_AddNumberToObject(wl, "output_tokens", (double)c->output);
    if (rate > 0) cJSON_AddNumberToObject(wl, "request_rate", rate);
    else cJSON_AddNumberToObject(wl, "concurrency", c->concurrency);
    cJSON_AddItemToObject(sc, "objective", dup_item(req, "objective"));
    cJSON_AddNumberToObject(sc, "top", 3);
    if (rl_api_scenario(sc, ctx->cat, &s, &e)) {
        cJSON_Delete(sc);
        cJSON_Delete(doc);
        set_error(r, &e);
        return;
    }
    cJSON_Delete(sc);
    solve_job j = {ctx->cat, s};
    run_capped(ctx, solve_child, &j, &sub);
    rl_scenario_free(s);
    if (sub.status != 200) { cJSON_Delete(doc); sub.route = r->route; *r = sub; return; }
    res = cJSON_Parse(sub.body);
    rl_api_resp_free(&sub);
    cJSON_AddItemToObject(doc, "recommended_configs", dup_item(res, "recommended_configs"));
    cJSON_Delete(res);
    set_json(r, 200, doc);
}

static void route_estimate(const rl_api_ctx *ctx, const cJSON *req, rl_api_resp *r)
{
    rl_api_est in;
    rl_api_error e;
    rl_err err;
    rl_arch arch;
    rl_hw hw;
    rl_config c, shown;
    rl_quant fq;
    rl_estimate est;
    char said[512];

    rl_err_clear(&err);
    if (rl_api_estimate_spec(req, ctx->cat, &in, &e)) { set_error(r, &e); return; }
    if (rl_estspec_resolve(&in.spec, ctx->cat, &arch, &hw, &fq, &c, said, sizeof said, &err) ||
        rl_estimate_run(&c, &est, &err)) {
        const char *f = strstr(err.msg, "power mode") ? "hardware.power_mode"
                      : strstr(err.msg, "quant") ? "quant" : strstr(err.msg, "KV") ? "kv_dtype" : "";
        rl_api_fail(&e, 422, f, "%s", err.msg);
        set_error(r, &e);
        return;
    }
    if (in.spec.rate > 0 && rl_serving_run(&c, in.spec.rate, &est.serving)) {
        rl_api_fail(&e, 422, "workload.request_rate", "workload.request_rate: this "
                    "configuration does not run a single sequence, so it serves no rate");
        set_error(r, &e);
        return;
    }
    rl_estspec_note(&est, said);        /* the CLI's assumptions, less its name notes */
    rl_config_normalise(&c, &shown, NULL, 0, NULL);
    cJSON *doc = estimate_doc(&shown, &est, rl_estspec_json(&shown, &est, NULL));
    if (in.objective) recommend(ctx, req, &shown, in.spec.rate, doc, r);
    else {
        cJSON_AddArrayToObject(doc, "recommended_configs");
        set_json(r, 200, doc);
    }
}

/* ---- run records ------------------------------------------------------------ */

static void route_calibrate(const rl_api_ctx *ctx, int post, cJSON *req, rl_api_resp *r)
{
    rl_api_error e;
    rl_err err;
    if (!post) {
        cJSON *o = cJSON_CreateObject(), *runs = rl_store_list(ctx->store);
        cJSON_AddNumberToObject(o, "count", cJSON_GetArraySize(runs));
        cJSON_AddItemToObject(o, "runs", runs);
        set_json(r, 200, o);
        return;
    }
    if (rl_api_run_record(req, &e)) { set_error(r, &e); return; }
    const char *id = cJSON_GetObjectItemCaseSensitive(req, "run_id")->valuestring;
    char *line = cJSON_PrintUnformatted(req);
    rl_err_clear(&err);
    int rc = line ? rl_store_append(ctx->store, id, line, &err) : RL_EIO;
    free(line);
    if (rc == RL_EIO) { error_msg(r, 500, "", err.msg[0] ? err.msg : "out of memory"); return; }
    if (rc == RL_EINPUT) { error_msg(r, 400, "", err.msg); return; }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "run_id", id);
    cJSON_AddBoolToObject(o, "stored", rc == RL_OK);
    cJSON_AddBoolToObject(o, "duplicate", rc == 1);
    set_json(r, rc == RL_OK ? 201 : 200, o);
}

/* ---- the table ---------------------------------------------------------------- */

static void route_catalog(const rl_api_ctx *ctx, const char *what, rl_api_resp *r)
{
    static const struct { const char *name; int kind; } kinds[] = {
        {"models", RL_CAT_MODEL}, {"runtimes", RL_CAT_RUNTIME},
        {"quantizations", RL_CAT_QUANT}, {"hardware-profiles", RL_CAT_HW},
    };
    for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
        if (strcmp(what, kinds[i].name) == 0) {
            set_json(r, 200, rl_catalog_json(ctx->cat, kinds[i].kind));
            return;
        }
    error_msg(r, 404, "", "no such catalog: use models, runtimes, quantizations or "
              "hardware-profiles");
}

static void route_health(const rl_api_ctx *ctx, rl_api_resp *r)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "status", "ok");
    cJSON_AddNumberToObject(o, "models", rl_catalog_count(ctx->cat, RL_CAT_MODEL));
    cJSON_AddNumberToObject(o, "hardware", rl_catalog_count(ctx->cat, RL_CAT_HW));
    cJSON_AddNumberToObject(o, "runs", (double)rl_store_count(ctx->store));
    set_json(r, 200, o);
}

/* POST routes that take a JSON body: parse it once here. */
static void post_json(const rl_api_ctx *ctx, const char *route, const char *body,
                      size_t len, rl_api_resp *r)
{
    const char *end = NULL;
    cJSON *req = body && len ? cJSON_ParseWithLengthOpts(body, len, &end, 0) : NULL;
    if (!req) {
        char m[160];
        size_t at = end && body ? (size_t)(end - body) : 0;
        snprintf(m, sizeof m, len ? "malformed JSON near byte %zu" : "empty body: send a JSON object", at);
        error_msg(r, 400, "", m);
        return;
    }
    if (strcmp(route, "estimate") == 0) route_estimate(ctx, req, r);
    else if (strcmp(route, "solve") == 0) route_solve(ctx, req, r);
    else if (strcmp(route, "signoff") == 0) route_signoff(ctx, req, r);
    else if (strcmp(route, "procure") == 0) route_procure(ctx, req, r);
    else route_calibrate(ctx, 1, req, r);
    cJSON_Delete(req);
}

static void page(const char *url, rl_api_resp *r)
{
    const char *type;
    size_t n;
    const unsigned char *b = rl_web_asset(strcmp(url, "/") == 0 ? "index.html" : url + 1, &n, &type);
    if (!b) { error_msg(r, 404, "", "no such page"); r->route = "not_found"; return; }
    r->status = 200;
    r->type = type;
    r->body = (char *)b;
    r->len = n;
    r->body_static = 1;
}

void rl_api_handle(const rl_api_ctx *ctx, const char *method, const char *url,
                   const char *body, size_t len, rl_api_resp *r)
{
    static const char *const posts[] = {"estimate", "solve", "calibrate", "procure", "signoff"};
    int get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
    int post = strcmp(method, "POST") == 0;

    memset(r, 0, sizeof *r);
    r->route = "not_found";
    for (size_t i = 0; i < sizeof posts / sizeof *posts; i++) {
        if (strncmp(url, "/v1/", 4) != 0 || strcmp(url + 4, posts[i]) != 0) continue;
        r->route = posts[i];
        if (post) post_json(ctx, posts[i], body, len, r);
        else if (get && i == 2) route_calibrate(ctx, 0, NULL, r);
        else error_msg(r, 405, "", i == 2 ? "use GET or POST" : "use POST");
        return;
    }
    if (!get) {
        error_msg(r, strncmp(url, "/v1/", 4) == 0 || strcmp(url, "/healthz") == 0 ? 405 : 404,
                  "", "no such route for this method");
        return;
    }
    if (strncmp(url, "/v1/catalog/", 12) == 0) { r->route = "catalog"; route_catalog(ctx, url + 12, r); }
    else if (strcmp(url, "/healthz") == 0) { r->route = "healthz"; route_health(ctx, r); }
    else if (strcmp(url, "/metrics") == 0) {
        r->route = "metrics";
        set_body(r, 200, "text/plain; version=0.0.4; charset=utf-8", rl_metrics_text());
    } else if (strncmp(url, "/v1/", 4) != 0) { r->route = "page"; page(url, r); }
    else error_msg(r, 404, "", "no such route (see README: serve)");
}

void rl_api_resp_free(rl_api_resp *r)
{
    if (!r->body_static) free(r->body);
    r->body = NULL;
}
