/*
 * cfg.c -- typed libconfig getters with file:line errors (see cfg.h).
 */
#include "cfg.h"
#include "safeio.h"

#define RL_CFG_MAX_BYTES (16 << 20)   /* no catalog, profile or scenario is near this */

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

int rl_cfg_line(const config_setting_t *s)
{
    for (; s; s = config_setting_parent(s)) {
        int l = (int)config_setting_source_line(s);
        if (l > 0) return l;
    }
    return 0;
}

const char *rl_cfg_file(const config_setting_t *s, const char *file)
{
    const char *f = s ? config_setting_source_file(s) : NULL;
    return f ? f : file;
}

/* Dotted path of a setting for messages: "memory.[0].capacity_gib". */
static void setting_path(const config_setting_t *s, char *buf, size_t n)
{
    const config_setting_t *chain[16];
    int depth = 0;
    size_t used = 0;

    buf[0] = '\0';
    for (; s && config_setting_parent(s) && depth < 16; s = config_setting_parent(s))
        chain[depth++] = s;
    for (int i = depth - 1; i >= 0 && used < n; i--) {
        const char *name = config_setting_name(chain[i]);
        int w = name ? snprintf(buf + used, n - used, "%s%s", used ? "." : "", name)
                     : snprintf(buf + used, n - used, "[%d]", config_setting_index(chain[i]));
        if (w < 0) break;
        used += (size_t)w;
    }
}

static int type_error(const config_setting_t *s, const char *file, rl_err *err,
                      const char *expect)
{
    char path[160];
    setting_path(s, path, sizeof path);
    return rl_err_set(err, RL_EINPUT, rl_cfg_file(s, file), rl_cfg_line(s),
                      "%s must be %s", path, expect);
}

int rl_cfg_num(const config_setting_t *grp, const char *key, double min,
               double max, double *out, const char *file, rl_err *err)
{
    config_setting_t *s = grp ? config_setting_get_member(grp, key) : NULL;
    double v;
    char expect[96], lo[32], hi[32], got[32];

    if (!s) return RL_OK;
    rl_fmt_num(lo, sizeof lo, min, 6);
    rl_fmt_num(hi, sizeof hi, max, 6);
    switch (config_setting_type(s)) {
    case CONFIG_TYPE_INT:   v = config_setting_get_int(s); break;
    case CONFIG_TYPE_INT64: v = (double)config_setting_get_int64(s); break;
    case CONFIG_TYPE_FLOAT: v = config_setting_get_float(s); break;
    default:
        snprintf(expect, sizeof expect, "a number in [%s, %s]", lo, hi);
        return type_error(s, file, err, expect);
    }
    if (!isfinite(v) || v < min || v > max) {
        char path[160];
        setting_path(s, path, sizeof path);
        return rl_err_set(err, RL_EINPUT, rl_cfg_file(s, file), rl_cfg_line(s),
                          "%s must be a number in [%s, %s], got %s", path, lo, hi,
                          rl_fmt_num(got, sizeof got, v, 6));
    }
    *out = v;
    return RL_OK;
}

int rl_cfg_long(const config_setting_t *grp, const char *key, long min,
                long max, long *out, const char *file, rl_err *err)
{
    config_setting_t *s = grp ? config_setting_get_member(grp, key) : NULL;
    long long v;

    if (!s) return RL_OK;
    switch (config_setting_type(s)) {
    case CONFIG_TYPE_INT:   v = config_setting_get_int(s); break;
    case CONFIG_TYPE_INT64: v = config_setting_get_int64(s); break;
    case CONFIG_TYPE_FLOAT: {
        double d = config_setting_get_float(s);
        if (isfinite(d) && d == floor(d) && fabs(d) < 9e15) { v = (long long)d; break; }
    }   /* fall through: a fractional or huge float is not an integer */
    /* FALLTHROUGH */
    default: {
        char expect[96];
        snprintf(expect, sizeof expect, "an integer in [%ld, %ld]", min, max);
        return type_error(s, file, err, expect);
    }
    }
    if (v < min || v > max) {
        char path[160];
        setting_path(s, path, sizeof path);
        return rl_err_set(err, RL_EINPUT, rl_cfg_file(s, file), rl_cfg_line(s),
                          "%s must be an integer in [%ld, %ld], got %lld",
                          path, min, max, v);
    }
    *out = (long)v;
    return RL_OK;
}

int rl_cfg_int(const config_setting_t *grp, const char *key, int min,
               int max, int *out, const char *file, rl_err *err)
{
    long v = *out;
    int rc = rl_cfg_long(grp, key, min, max, &v, file, err);
    if (rc == RL_OK) *out = (int)v;
    return rc;
}

int rl_cfg_bool(const config_setting_t *grp, const char *key, int *out,
                const char *file, rl_err *err)
{
    config_setting_t *s = grp ? config_setting_get_member(grp, key) : NULL;

    if (!s) return RL_OK;
    if (config_setting_type(s) != CONFIG_TYPE_BOOL)
        return type_error(s, file, err, "true or false");
    *out = config_setting_get_bool(s);
    return RL_OK;
}

int rl_cfg_str(const config_setting_t *grp, const char *key, char *buf,
               size_t n, const char *file, rl_err *err)
{
    config_setting_t *s = grp ? config_setting_get_member(grp, key) : NULL;
    const char *v;

    if (!s) return RL_OK;
    if (config_setting_type(s) != CONFIG_TYPE_STRING)
        return type_error(s, file, err, "a string");
    v = config_setting_get_string(s);
    if (!rl_utf8_valid(v))          /* it may be echoed into JSON */
        return type_error(s, file, err, "valid UTF-8 text");
    if (strlen(v) >= n) {
        char expect[64];
        snprintf(expect, sizeof expect, "a string of at most %zu characters", n - 1);
        return type_error(s, file, err, expect);
    }
    memcpy(buf, v, strlen(v) + 1);
    return RL_OK;
}

int rl_cfg_str_req(const config_setting_t *grp, const char *key, char *buf,
                   size_t n, const char *file, rl_err *err)
{
    if (!grp || !config_setting_get_member(grp, key))
        return rl_err_set(err, RL_EINPUT, rl_cfg_file(grp, file), rl_cfg_line(grp),
                          "missing required key '%s'", key);
    return rl_cfg_str(grp, key, buf, n, file, err);
}

/* libconfig follows `@include "x"` wherever it points -- a FIFO would
 * block, /dev/zero would never end.  Check each include, and the includes
 * of each included file down to libconfig's own depth limit (10), names a
 * regular file of sane size (the path as libconfig resolves it: relative
 * to the working directory).  Only checks: libconfig opens them. */
#define RL_CFG_MAX_INCLUDES 64   /* a file including itself twice per level
                                    would otherwise cost 2^10 reads */

static int check_includes(FILE *f, const char *path, int depth, int *count, rl_err *err)
{
    char line[4096];
    int no = 0, rc;

    while (fgets(line, sizeof line, f)) {
        char *p = line, *q, *end;
        FILE *inc;
        rl_err ie;
        no++;
        while (*p == ' ' || *p == '\t') p++;
        if (strncmp(p, "@include", 8) != 0) continue;
        if (!(q = strchr(p + 8, '"')) || !(end = strchr(q + 1, '"')))
            return rl_err_set(err, RL_EINPUT, path, no, "malformed @include");
        *end = '\0';
        if (++*count > RL_CFG_MAX_INCLUDES)
            return rl_err_set(err, RL_EINPUT, path, no, "more than %d @include in all",
                              RL_CFG_MAX_INCLUDES);
        rl_err_clear(&ie);
        if (!(inc = rl_open_input(q + 1, RL_CFG_MAX_BYTES, NULL, &ie)))
            return rl_err_set(err, RL_EINPUT, path, no, "@include \"%s\": not a readable "
                              "regular file of at most %d MiB", q + 1, RL_CFG_MAX_BYTES >> 20);
        rc = depth < 10 ? check_includes(inc, q + 1, depth + 1, count, err) : RL_OK;
        fclose(inc);
        if (rc != RL_OK) return rc;
    }
    return RL_OK;
}

int rl_cfg_read_file(config_t *cfg, const char *path, rl_err *err)
{
    FILE *f = rl_open_input(path, RL_CFG_MAX_BYTES, NULL, err);
    int rc, count = 0;

    if (!f) return err ? err->code : RL_EIO;
    if ((rc = check_includes(f, path, 0, &count, err)) != RL_OK) {
        fclose(f);
        return rc;
    }
    rewind(f);
    if (!config_read(cfg, f)) {
        int line = config_error_line(cfg);
        const char *txt = config_error_text(cfg);
        fclose(f);
        return rl_err_set(err, RL_EINPUT, path, line, "%s",
                          txt ? txt : "syntax error");
    }
    fclose(f);
    return RL_OK;
}

int rl_cfg_read_string(config_t *cfg, const char *text, const char *name, rl_err *err)
{
    int rc = RL_OK, count = 0;

    if (strstr(text, "@include")) {     /* vet them as rl_cfg_read_file does */
        FILE *f = fmemopen((void *)(uintptr_t)text, strlen(text), "r");
        if (!f) return rl_err_set(err, RL_EIO, name, 0, "out of memory");
        rc = check_includes(f, name, 0, &count, err);
        fclose(f);
        if (rc != RL_OK) return rc;
    }
    if (!config_read_string(cfg, text)) {
        const char *txt = config_error_text(cfg), *in = config_error_file(cfg);
        return rl_err_set(err, RL_EINPUT, in ? in : name, config_error_line(cfg), "%s",
                          txt ? txt : "syntax error");
    }
    return RL_OK;
}
