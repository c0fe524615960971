/*
 * harness_int.h -- what harness.c (benchmark reports) and harness_log.c
 * (runtime startup logs) share; the shared helpers live in harness_rec.c,
 * so neither file depends on the other (harness.c only dispatches a
 * detected log).  Not a public interface.
 */
#ifndef RL_HARNESS_INT_H
#define RL_HARNESS_INT_H

#include "harness.h"

#include <stdint.h>

#define HX_MIB_GB (1048576.0 / 1e9)     /* MiB -> decimal GB */
#define HX_GIB_GB (1073741824.0 / 1e9)  /* GiB -> decimal GB */

/* One file being imported: its records are collected here and handed to
 * the caller only when the whole file parsed. */
typedef struct hctx {
    const char *file;           /* as given (errors) */
    char base[128];             /* base name (source.file) */
    uint64_t hash;              /* of the file's bytes: stable run ids */
    const char *tool;           /* source.tool of new records */
    rl_runrec *r;
    int n, cap;
    rl_harness_report *rep;
    rl_err *err;
} hctx;

/* A new record (source, run_id filled) or NULL (err set, out of memory). */
rl_runrec *hx_new(hctx *h);

/* The base name of a path into dst. */
void hx_basename(char *dst, size_t n, const char *path);

/* Copy src into a fixed field, cutting at n-1 bytes and at control
 * characters. */
void hx_copy(char *dst, size_t n, const char *src);

/* Runtime startup logs (harness_log.c). */
int hx_llamacpp_log(hctx *h, const char *text);
int hx_vllm_log(hctx *h, const char *text);
int hx_is_llamacpp_log(const char *text);
int hx_is_vllm_log(const char *text);
int hx_line_starts(const char *text, const char *prefix);   /* a line begins so (harness_rec.c) */

/* Find "GPU-xxxxxxxx-..." UUIDs anywhere in text; hash the first into
 * the record's env (gpu_uuid_hash).  Never stores the UUID itself. */
void hx_gpu_uuid(rl_runrec *r, const char *text);

/* Set env key=value (replacing), silently dropping past RL_RUN_MAX_ENV. */
void hx_env(rl_runrec *r, const char *key, const char *value);

#endif
