/*
 * api.h -- the pieces of `ridgeline serve` (cmd_serve.c) that do not
 * touch HTTP: JSON request bodies -> library inputs, the route handlers,
 * the run-record store and the metrics.  Kept apart from libmicrohttpd so
 * that tests/test_api.c drives them directly.
 *
 * Errors of a request are an rl_api_error: the HTTP status (400 malformed
 * or wrong type, 413 too large, 422 unknown id or impossible value, ...),
 * the JSON field path at fault ("workload.concurrency", "search.quant[1]",
 * "" when none), the message and, for unknown ids, the closest known id.
 * Responses carry it as {"error": msg, "field": path, "suggestion": id}.
 */
#ifndef RL_API_H
#define RL_API_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include "estspec.h"
#include "scenario.h"

typedef struct rl_api_error {
    int http;                   /* HTTP status, 0 when no error */
    char field[160];            /* JSON path of the offending field, "" none */
    char msg[512];
    char suggestion[64];        /* closest catalog id, "" none */
} rl_api_error;

/* Fill e and return e->http (so `return api_fail(...)` reads well). */
int rl_api_fail(rl_api_error *e, int http, const char *field, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* {"error":..., "field":..., "suggestion":...} as an owned string. */
char *rl_api_error_body(const rl_api_error *e);

/* ---- JSON -> libconfig text, remembering which JSON path each line is */

typedef struct rl_cfgtext {
    char *text;                 /* NUL-terminated libconfig text (owned) */
    size_t len, cap;
    int line;                   /* lines written so far */
    char **paths;               /* paths[i]: JSON path of line i+1 (owned) */
    int npaths, cappaths;
} rl_cfgtext;

/* Write the members of JSON object `obj` as libconfig settings, one
 * setting (or group/list opener) per line.  RL_OK, or 400 in e for what
 * libconfig cannot say (null, non-finite numbers, keys that are not
 * libconfig names, mixed-type arrays).  t is freed by rl_cfgtext_free in
 * every case. */
int rl_cfgtext_from_json(const cJSON *obj, const char *prefix, rl_cfgtext *t,
                         rl_api_error *e);
/* JSON path of a 1-based line of t->text ("" when unknown). */
const char *rl_cfgtext_path(const rl_cfgtext *t, int line);
void rl_cfgtext_free(rl_cfgtext *t);

/* ---- POST /v1/estimate ------------------------------------------------ */

typedef struct rl_api_est {
    rl_estspec spec;            /* strings borrow the request cJSON */
    rl_hw hw;                   /* an inline hardware profile, when given */
    const char *objective;      /* NULL: no recommended_configs search */
} rl_api_est;

/* Map a request body (parsed) onto an rl_estspec, checking every field's
 * type and range and every id against the catalog.  RL_OK, or the HTTP
 * status with e filled.  The request must outlive out. */
int rl_api_estimate_spec(const cJSON *req, const rl_catalog *cat, rl_api_est *out,
                         rl_api_error *e);

/* ---- POST /v1/solve --------------------------------------------------- */

/* A scenario as JSON (the scenario file's keys, DESIGN.md) -> the same
 * rl_scenario the libconfig loader produces, through that loader and its
 * validation.  model_file / hardware_file are refused over HTTP (400);
 * "hardware" may be an inline profile object.  RL_OK with *out owned, or
 * the HTTP status with e filled (field = the JSON path at fault). */
int rl_api_scenario(const cJSON *req, const rl_catalog *cat, rl_scenario **out,
                    rl_api_error *e);

struct rl_plan;

/* ---- POST /v1/procure ------------------------------------------------- */

/* A procurement plan as JSON (the plan file's keys, README "procure") ->
 * the rl_plan rl_plan_load produces, through the same loader and checks.
 * RL_OK with *out owned (rl_plan_free), or the HTTP status with e filled
 * (field = the JSON path at fault, e.g. "demand[1].requests_per_s"). */
int rl_api_plan(const cJSON *req, const rl_catalog *cat, struct rl_plan **out,
                rl_api_error *e);

/* ---- run-record store (POST/GET /v1/calibrate) ------------------------ */

/* The shared run store (model/runstore.h: DIR/runs.log, one checksummed
 * record a line, fsync'ed before an append returns; corrupt lines skipped
 * and counted) behind one mutex: thread-safe. */
typedef struct rl_store rl_store;

/* Open (creating DIR and DIR/runs.log when missing).  NULL and err on
 * failure. */
rl_store *rl_store_open(const char *dir, rl_err *err);
void rl_store_close(rl_store *s);
/* Append one record (compact JSON, no newline, a valid run record).
 * RL_OK once it is on disk, RL_EINPUT for a bad record, RL_EIO otherwise
 * (err filled); 1 when run_id is already stored. */
int rl_store_append(rl_store *s, const char *run_id, const char *json, rl_err *err);
/* Every stored record, oldest first, as an owned cJSON array. */
cJSON *rl_store_list(rl_store *s);
/* Records stored; lines skipped as corrupt when the store was opened. */
long rl_store_count(rl_store *s);
long rl_store_skipped(rl_store *s);

/* Validate a run record (the seed's benchmark run record: run_id,
 * model_id, runtime_id, hardware_id, quant, metrics {...}, ...).  A missing
 * run_id is generated.  RL_OK or 400/422 in e. */
int rl_api_run_record(cJSON *rec, rl_api_error *e);

/* ---- metrics (GET /metrics) ------------------------------------------- */

void rl_metrics_observe(const char *route, int status, double seconds);
/* Prometheus text exposition, owned string. */
char *rl_metrics_text(void);

/* ---- the router ------------------------------------------------------- */

typedef struct rl_api_ctx {
    const rl_catalog *cat;
    rl_store *store;
    long time_cap_ms;           /* POST /v1/solve and objective searches */
} rl_api_ctx;

typedef struct rl_api_resp {
    int status;                 /* HTTP status */
    const char *type;           /* content type (static) */
    char *body;                 /* owned (malloc), may be binary */
    size_t len;
    int body_static;            /* 1: body points at static data, not owned */
    const char *route;          /* metrics label (static) */
} rl_api_resp;

/* Answer one request.  method/url as received, body may be NULL (len 0).
 * Always fills resp; never fails otherwise. */
void rl_api_handle(const rl_api_ctx *ctx, const char *method, const char *url,
                   const char *body, size_t len, rl_api_resp *resp);
void rl_api_resp_free(rl_api_resp *r);

/* The embedded page (web/): file name -> bytes; NULL when absent. */
const unsigned char *rl_web_asset(const char *name, size_t *len, const char **type);

#endif
