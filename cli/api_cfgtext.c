/*
 * api_cfgtext.c -- a JSON object written out as libconfig text, one
 * setting per line, with the JSON path of every line remembered.
 *
 * This is how the HTTP API reuses the libconfig loaders (scenarios,
 * hardware profiles) and their validation unchanged: the JSON body is
 * re-emitted as libconfig, read by libconfig, and an error at line N of
 * the emitted text is reported as the JSON field that produced line N.
 * Only emission is done here; parsing is cJSON's and libconfig's.
 */
#include "api.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int grow(rl_cfgtext *t, size_t more)
{
    if (t->len + more + 1 <= t->cap) return 0;
    size_t n = t->cap ? t->cap : 256;
    while (n < t->len + more + 1) n *= 2;
    char *p = realloc(t->text, n);
    if (!p) return -1;
    t->text = p;
    t->cap = n;
    return 0;
}

static int put(rl_cfgtext *t, const char *s, size_t n)
{
    if (grow(t, n)) return -1;
    memcpy(t->text + t->len, s, n);
    t->len += n;
    t->text[t->len] = '\0';
    return 0;
}

static int putf(rl_cfgtext *t, const char *fmt, ...)
{
    char buf[64];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return n < 0 || n >= (int)sizeof buf ? -1 : put(t, buf, (size_t)n);
}

/* End the current line; it belongs to `path`. */
static int newline(rl_cfgtext *t, const char *path)
{
    if (t->npaths == t->cappaths) {
        int n = t->cappaths ? 2 * t->cappaths : 32;
        char **p = realloc(t->paths, (size_t)n * sizeof *p);
        if (!p) return -1;
        t->paths = p;
        t->cappaths = n;
    }
    if (!(t->paths[t->npaths] = strdup(path))) return -1;
    t->npaths++;
    t->line++;
    return put(t, "\n", 1);
}

/* libconfig string literal: quote, backslash and control bytes escaped. */
static int put_string(rl_cfgtext *t, const char *s)
{
    if (put(t, "\"", 1)) return -1;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') { if (putf(t, "\\%c", c)) return -1; }
        else if (c < 0x20 || c == 0x7f) { if (putf(t, "\\x%02x", c)) return -1; }
        else if (put(t, (const char *)&c, 1)) return -1;
    }
    return put(t, "\"", 1);
}

/* A libconfig setting name: [A-Za-z*][-A-Za-z0-9_*]*. */
static int valid_name(const char *k)
{
    if (!k || !(isalpha((unsigned char)*k) || *k == '*')) return 0;
    for (const char *p = k + 1; *p; p++)
        if (!(isalnum((unsigned char)*p) || *p == '-' || *p == '_' || *p == '*')) return 0;
    return strlen(k) < 64;
}

/* as_float: the number is in an array with fractional members (libconfig
 * arrays hold one type, and 1 next to 2.5 means 1.0). */
static int put_number(rl_cfgtext *t, double v, int as_float)
{
    if (!as_float && v == floor(v) && fabs(v) < 2147483647.0) return putf(t, "%d", (int)v);
    if (!as_float && v == floor(v) && fabs(v) < 9e15) return putf(t, "%lldL", (long long)v);
    char buf[40];
    snprintf(buf, sizeof buf, "%.17g", v);
    if (!strpbrk(buf, ".e")) strcat(buf, ".0");
    return put(t, buf, strlen(buf));
}

static int emit_value(const cJSON *v, const char *path, rl_cfgtext *t, rl_api_error *e,
                      int as_float);

/* Members of an object, each on its own line(s). */
static int emit_members(const cJSON *obj, const char *prefix, rl_cfgtext *t,
                        rl_api_error *e)
{
    for (const cJSON *m = obj->child; m; m = m->next) {
        char path[160];
        snprintf(path, sizeof path, "%s%s%s", prefix, *prefix ? "." : "", m->string);
        if (!valid_name(m->string))
            return rl_api_fail(e, 400, path, "%s: not a valid key name", path);
        if (put(t, m->string, strlen(m->string)) || put(t, " = ", 3)) return 500;
        int rc = emit_value(m, path, t, e, 0);
        if (rc) return rc;
        if (put(t, ";", 1) || newline(t, path)) return 500;
    }
    return RL_OK;
}

/* An array: [ scalars of one type ] or ( groups / mixed ). */
static int emit_array(const cJSON *a, const char *path, rl_cfgtext *t, rl_api_error *e)
{
    int scalars = 1, frac = 0, i = 0, rc;
    for (const cJSON *x = a->child; x; x = x->next) {
        scalars &= cJSON_IsString(x) || cJSON_IsNumber(x) || cJSON_IsBool(x);
        frac |= cJSON_IsNumber(x) && x->valuedouble != floor(x->valuedouble);
    }
    if (put(t, scalars ? "[" : "(", 1) || newline(t, path)) return 500;
    for (const cJSON *x = a->child; x; x = x->next, i++) {
        char p[160];
        snprintf(p, sizeof p, "%s[%d]", path, i);
        if ((rc = emit_value(x, p, t, e, frac))) return rc;
        if ((x->next && put(t, ",", 1)) || newline(t, p)) return 500;
    }
    return put(t, scalars ? "]" : ")", 1) ? 500 : RL_OK;
}

static int emit_value(const cJSON *v, const char *path, rl_cfgtext *t, rl_api_error *e,
                      int as_float)
{
    int rc;
    if (cJSON_IsString(v)) return put_string(t, v->valuestring) ? 500 : RL_OK;
    if (cJSON_IsBool(v)) return put(t, cJSON_IsTrue(v) ? "true" : "false",
                                   cJSON_IsTrue(v) ? 4 : 5) ? 500 : RL_OK;
    if (cJSON_IsNumber(v)) {
        if (!isfinite(v->valuedouble))
            return rl_api_fail(e, 400, path, "%s: number out of range", path);
        return put_number(t, v->valuedouble, as_float) ? 500 : RL_OK;
    }
    if (cJSON_IsArray(v)) return emit_array(v, path, t, e);
    if (cJSON_IsObject(v)) {
        if (put(t, "{", 1) || newline(t, path)) return 500;
        if ((rc = emit_members(v, path, t, e))) return rc;
        return put(t, "}", 1) ? 500 : RL_OK;
    }
    return rl_api_fail(e, 400, path, "%s: null is not accepted (omit the key)", path);
}

int rl_cfgtext_from_json(const cJSON *obj, const char *prefix, rl_cfgtext *t,
                         rl_api_error *e)
{
    memset(t, 0, sizeof *t);
    if (!cJSON_IsObject(obj))
        return rl_api_fail(e, 400, prefix, "%s expects an object", *prefix ? prefix : "body");
    if (put(t, "", 0)) return rl_api_fail(e, 500, "", "out of memory");
    int rc = emit_members(obj, prefix, t, e);
    if (rc == 500) rl_api_fail(e, 500, "", "out of memory");
    return rc;
}

const char *rl_cfgtext_path(const rl_cfgtext *t, int line)
{
    return line >= 1 && line <= t->npaths ? t->paths[line - 1] : "";
}

void rl_cfgtext_free(rl_cfgtext *t)
{
    for (int i = 0; i < t->npaths; i++) free(t->paths[i]);
    free(t->paths);
    free(t->text);
    memset(t, 0, sizeof *t);
}
