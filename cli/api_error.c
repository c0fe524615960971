/*
 * api_error.c -- the HTTP API's one error shape (api.h rl_api_error):
 * filled by rl_api_fail wherever a request is refused (the request
 * mappings, the JSON -> libconfig emitter, the routes) and written as
 * {"error", "field", "suggestion"} by rl_api_error_body.  Its own file so
 * that every part reporting errors depends on it and on nothing else.
 */
#include "api.h"

#include <stdarg.h>
#include <stdio.h>

int rl_api_fail(rl_api_error *e, int http, const char *field, const char *fmt, ...)
{
    va_list ap;
    e->http = http;
    snprintf(e->field, sizeof e->field, "%s", field ? field : "");
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    e->suggestion[0] = '\0';
    return http;
}

char *rl_api_error_body(const rl_api_error *e)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "error", e->msg);
    cJSON_AddStringToObject(o, "field", e->field);
    if (e->suggestion[0]) cJSON_AddStringToObject(o, "suggestion", e->suggestion);
    char *s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return s;
}
