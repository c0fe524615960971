/*
 * api_store.c -- the run-record store behind POST/GET /v1/calibrate: the
 * shared local run store (model/runstore.h, the one `ridgeline runs add`
 * writes) under a mutex, so the server's worker threads share one handle.
 *
 * Durability is runstore.c's: a record is one line written with one
 * write(2) under an flock and fsync'ed before rl_store_append returns;
 * a torn or corrupt line is skipped and counted, never taken as a record.
 * A `serve --store DIR` and a `runs add --store DIR` may run side by side.
 */
#include "api.h"
#include "runstore.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct rl_store {
    pthread_mutex_t mu;         /* one handle: calls are serialised */
    rl_runstore *st;
};

rl_store *rl_store_open(const char *dir, rl_err *err)
{
    rl_store *s = calloc(1, sizeof *s);
    if (!s) {
        rl_err_set(err, RL_EIO, dir, 0, "out of memory");
        return NULL;
    }
    if (!(s->st = rl_runstore_open(dir, err))) {
        free(s);
        return NULL;
    }
    pthread_mutex_init(&s->mu, NULL);
    return s;
}

void rl_store_close(rl_store *s)
{
    if (!s) return;
    rl_runstore_close(s->st);
    pthread_mutex_destroy(&s->mu);
    free(s);
}

int rl_store_append(rl_store *s, const char *run_id, const char *json, rl_err *err)
{
    rl_runrec r;
    int added = 0, rc;

    (void)run_id;               /* the record carries it */
    if ((rc = rl_runrec_parse(json, strlen(json), &r, NULL, 0, err))) return rc;
    pthread_mutex_lock(&s->mu);
    rc = rl_runstore_append(s->st, &r, &added, err);
    pthread_mutex_unlock(&s->mu);
    if (rc) return rc;
    return added ? RL_OK : 1;
}

static int add_json(void *ctx, const rl_runrec *r, int line)
{
    cJSON *o = rl_runrec_to_json(r);
    (void)line;
    if (o) cJSON_AddItemToArray(ctx, o);
    return 0;
}

cJSON *rl_store_list(rl_store *s)
{
    cJSON *arr = cJSON_CreateArray();
    rl_err err;

    if (!arr) return NULL;
    rl_err_clear(&err);
    pthread_mutex_lock(&s->mu);
    rl_runstore_iterate(s->st, add_json, NULL, arr, &err);
    pthread_mutex_unlock(&s->mu);
    return arr;
}

long rl_store_count(rl_store *s)
{
    long n;
    pthread_mutex_lock(&s->mu);
    n = rl_runstore_count(s->st);
    pthread_mutex_unlock(&s->mu);
    return n;
}

long rl_store_skipped(rl_store *s)
{
    long n;
    pthread_mutex_lock(&s->mu);
    n = rl_runstore_corrupt(s->st);
    pthread_mutex_unlock(&s->mu);
    return n;
}
