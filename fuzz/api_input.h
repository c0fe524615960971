/*
 * api_input.h -- the contract of fuzz/fuzz_api.c, shared with its replay
 * in tests/test_fuzz_replay.c (header-only: each includes it once).
 *
 * api_input(data, size, cat) parses the bytes with cJSON_ParseWithLength
 * and, when they parse, maps them through every request mapping of
 * `ridgeline serve` (cli/api.h) against the catalog:
 *
 *   rl_api_estimate_spec  POST /v1/estimate's body -> rl_estspec
 *   rl_api_scenario       POST /v1/solve and /v1/signoff -> rl_scenario
 *   rl_api_plan           POST /v1/procure -> rl_plan
 *   rl_api_run_record     POST /v1/calibrate (on a duplicate: it adds
 *                         run_id, timestamp_utc and source); accepted,
 *                         its run_id must be a string (the store key)
 *
 * each of which must return 0 or an HTTP status in 400..599 with a
 * message.  The raw bytes then go through the router, rl_api_handle, as
 * POST /v1/estimate and POST /v1/signoff: the answer must be 200 with a
 * body, or 400..599 with a JSON {"error": non-empty}.  Left out: /v1/solve
 * and /v1/procure (each request forks a child with a time cap: far too
 * slow per input; their mapping is covered above), an estimate with an
 * "objective" (that also forks a search), and /v1/calibrate (it appends to
 * a store on disk; its mapping is rl_api_run_record).
 * Returns NULL when the contract holds, else what broke (static text).
 */
#ifndef RL_FUZZ_API_INPUT_H
#define RL_FUZZ_API_INPUT_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "procure.h"

/* An rl_api_* status: 0, or 400..599 with a message. */
static const char *api_status_ok(int rc, const rl_api_error *e, const char *what)
{
    static char why[160];
    if (rc == 0) return NULL;
    if (rc < 400 || rc > 599 || e->http != rc || !e->msg[0]) {
        snprintf(why, sizeof why, "%s: status %d (e.http %d, msg '%.40s')", what, rc,
                 e->http, e->msg);
        return why;
    }
    return NULL;
}

/* The router's answer for one POST. */
static const char *api_route_ok(const rl_api_ctx *ctx, const char *url, const uint8_t *data,
                                size_t size)
{
    static char why[160];
    rl_api_resp r;
    const char *broken = NULL;

    rl_api_handle(ctx, "POST", url, (const char *)data, size, &r);
    if (r.status == 200) {
        if (!r.body || !r.len) broken = "200 without a body";
    } else if (r.status < 400 || r.status > 599 || !r.body) {
        broken = "status outside 200, 400..599, or no body";
    } else {
        cJSON *doc = cJSON_ParseWithLength(r.body, r.len);
        const cJSON *m = cJSON_GetObjectItemCaseSensitive(doc, "error");
        if (!cJSON_IsString(m) || !m->valuestring[0]) broken = "error without a message";
        cJSON_Delete(doc);
    }
    if (broken) {
        snprintf(why, sizeof why, "%s: %d: %s", url, r.status, broken);
        broken = why;
    }
    rl_api_resp_free(&r);
    return broken;
}

static const char *api_input(const uint8_t *data, size_t size, const rl_catalog *cat)
{
    rl_api_ctx ctx = {cat, NULL, 1000};
    rl_api_error e;
    const char *broken = NULL;
    cJSON *req = cJSON_ParseWithLength((const char *)data, size);

    if (req) {
        rl_api_est est;
        rl_scenario *s = NULL;
        rl_plan *p = NULL;
        cJSON *dup = cJSON_Duplicate(req, 1);
        int rc;

        memset(&e, 0, sizeof e);
        rc = rl_api_estimate_spec(req, cat, &est, &e);
        broken = api_status_ok(rc, &e, "rl_api_estimate_spec");
        memset(&e, 0, sizeof e);
        rc = rl_api_scenario(req, cat, &s, &e);
        if (!broken) broken = api_status_ok(rc, &e, "rl_api_scenario");
        if (!broken && (rc == 0) != (s != NULL)) broken = "rl_api_scenario: *out vs status";
        rl_scenario_free(s);
        memset(&e, 0, sizeof e);
        rc = rl_api_plan(req, cat, &p, &e);
        if (!broken) broken = api_status_ok(rc, &e, "rl_api_plan");
        if (!broken && (rc == 0) != (p != NULL)) broken = "rl_api_plan: *out vs status";
        rl_plan_free(p);
        if (dup) {
            memset(&e, 0, sizeof e);
            rc = rl_api_run_record(dup, &e);
            if (!broken) broken = api_status_ok(rc, &e, "rl_api_run_record");
            /* POST /v1/calibrate then stores it under its (first) run_id */
            if (!broken && rc == 0 &&
                !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(dup, "run_id")))
                broken = "rl_api_run_record: accepted without a string run_id";
            cJSON_Delete(dup);
        }
    }
    /* the router, with the raw bytes (it parses them itself) */
    if (!broken && !(req && cJSON_GetObjectItemCaseSensitive(req, "objective")))
        broken = api_route_ok(&ctx, "/v1/estimate", data, size);
    if (!broken) broken = api_route_ok(&ctx, "/v1/signoff", data, size);
    cJSON_Delete(req);
    return broken;
}

#endif
