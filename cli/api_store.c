/*
 * api_store.c -- the run-record store behind POST/GET /v1/calibrate: an
 * append-only JSON Lines file DIR/runs.jsonl, one record per line:
 *
 *     LEN CRC32 JSON\n         LEN = bytes of JSON (decimal),
 *                              CRC32 = IEEE CRC-32 of JSON (8 hex digits)
 *
 * A record is written with one write() on an O_APPEND descriptor and
 * fsync'ed before rl_store_append returns, so an acknowledged record is on
 * disk.  A crash mid-write leaves a short or corrupt last line: opening
 * the store checks every line and truncates a bad tail, so the next append
 * starts on a clean line; a bad line in the middle (the disk's doing) is
 * skipped and counted.  Stand-in for the shared run store (model/runstore.c,
 * issue 12) that the lead swaps in at merge; the interface is api.h's.
 */
#include "api.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct rl_store {
    pthread_mutex_t mu;
    int fd;
    char path[1024];
    long count, skipped;
    char **ids;                 /* run_ids stored (duplicates are refused) */
    long nids, capids;
};

static uint32_t crc32_ieee(const char *p, size_t n)
{
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        c ^= (unsigned char)p[i];
        for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
    }
    return ~c;
}

/* Check one line (without its newline); on success *json points at the
 * record and *jlen is its length. */
static int line_ok(const char *l, size_t n, const char **json, size_t *jlen)
{
    char *end;
    unsigned long len, crc;
    errno = 0;
    len = strtoul(l, &end, 10);
    if (errno || end == l || *end != ' ' || (size_t)(end - l) >= n) return 0;
    const char *c = end + 1;
    crc = strtoul(c, &end, 16);
    if (end != c + 8 || *end != ' ') return 0;
    *json = end + 1;
    *jlen = n - (size_t)(*json - l);
    return *jlen == len && crc32_ieee(*json, *jlen) == crc;
}

static int remember(rl_store *s, const char *id)
{
    if (s->nids == s->capids) {
        long n = s->capids ? 2 * s->capids : 64;
        char **p = realloc(s->ids, (size_t)n * sizeof *p);
        if (!p) return -1;
        s->ids = p;
        s->capids = n;
    }
    return (s->ids[s->nids] = strdup(id)) ? (s->nids++, 0) : -1;
}

static int known(const rl_store *s, const char *id)
{
    for (long i = 0; i < s->nids; i++)
        if (strcmp(s->ids[i], id) == 0) return 1;
    return 0;
}

/* Walk the file's lines; cb(ctx, json, len) for each good one.  Returns
 * the offset just past the last complete good line (the clean end). */
static off_t scan(const char *buf, size_t n, long *skipped,
                  void (*cb)(void *, const char *, size_t), void *ctx)
{
    size_t at = 0;
    off_t clean = 0;
    while (at < n) {
        const char *nl = memchr(buf + at, '\n', n - at), *j;
        size_t jl;
        if (!nl) break;                         /* torn tail: no newline */
        if (line_ok(buf + at, (size_t)(nl - buf - at), &j, &jl)) {
            if (cb) cb(ctx, j, jl);
            clean = (off_t)(nl - buf + 1);
        } else if (skipped) {
            (*skipped)++;
        }
        at = (size_t)(nl - buf) + 1;
    }
    /* a corrupt last line is a torn write too: cut it with the tail */
    return clean;
}

static char *slurp_fd(int fd, size_t *n)
{
    struct stat st;
    if (fstat(fd, &st) != 0) return NULL;
    char *b = malloc((size_t)st.st_size + 1);
    size_t got = 0;
    while (b && got < (size_t)st.st_size) {
        ssize_t r = pread(fd, b + got, (size_t)st.st_size - got, (off_t)got);
        if (r <= 0) { free(b); return NULL; }
        got += (size_t)r;
    }
    if (b) b[got] = '\0';
    *n = got;
    return b;
}

static void note_id(void *ctx, const char *j, size_t n)
{
    rl_store *s = ctx;
    cJSON *o = cJSON_ParseWithLength(j, n);
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(o, "run_id");
    if (cJSON_IsString(id)) remember(s, id->valuestring);
    s->count++;
    cJSON_Delete(o);
}

rl_store *rl_store_open(const char *dir, rl_err *err)
{
    rl_store *s = calloc(1, sizeof *s);
    size_t n = 0;
    char *buf;

    if (!s) { rl_err_set(err, RL_EIO, dir, 0, "out of memory"); return NULL; }
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        rl_err_set(err, RL_EIO, dir, 0, "cannot create the store folder: %s", strerror(errno));
        free(s);
        return NULL;
    }
    snprintf(s->path, sizeof s->path, "%s/runs.jsonl", dir);
    s->fd = open(s->path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (s->fd < 0 || !(buf = slurp_fd(s->fd, &n))) {
        rl_err_set(err, RL_EIO, s->path, 0, "cannot open the run store: %s", strerror(errno));
        if (s->fd >= 0) close(s->fd);
        free(s);
        return NULL;
    }
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);   /* the file's name too */
    if (dfd >= 0) { (void)fsync(dfd); close(dfd); }
    off_t clean = scan(buf, n, &s->skipped, note_id, s);
    free(buf);
    if ((size_t)clean < n && (ftruncate(s->fd, clean) != 0 || fsync(s->fd) != 0)) {
        rl_err_set(err, RL_EIO, s->path, 0, "cannot cut a torn tail: %s", strerror(errno));
        rl_store_close(s);
        return NULL;
    }
    pthread_mutex_init(&s->mu, NULL);
    return s;
}

void rl_store_close(rl_store *s)
{
    if (!s) return;
    close(s->fd);
    for (long i = 0; i < s->nids; i++) free(s->ids[i]);
    free(s->ids);
    free(s);
}

int rl_store_append(rl_store *s, const char *run_id, const char *json, rl_err *err)
{
    size_t jl = strlen(json);
    size_t cap = jl + 32;
    char *line = malloc(cap);
    int rc = RL_OK;

    if (!line) return rl_err_set(err, RL_EIO, s->path, 0, "out of memory");
    int n = snprintf(line, cap, "%zu %08lx %s\n", jl, (unsigned long)crc32_ieee(json, jl), json);
    pthread_mutex_lock(&s->mu);
    if (known(s, run_id)) {
        rc = 1;
    } else {
        off_t end = lseek(s->fd, 0, SEEK_END);
        if (write(s->fd, line, (size_t)n) != n || fdatasync(s->fd) != 0) {
            /* never leave a partial line for the next record to join */
            rc = rl_err_set(err, RL_EIO, s->path, 0, "cannot append: %s", strerror(errno));
            if (end >= 0 && ftruncate(s->fd, end) == 0) (void)fdatasync(s->fd);
        }
    }
    if (rc == RL_OK) {
        remember(s, run_id);
        s->count++;
    }
    pthread_mutex_unlock(&s->mu);
    free(line);
    return rc;
}

static void add_item(void *ctx, const char *j, size_t n)
{
    cJSON *o = cJSON_ParseWithLength(j, n);
    if (o) cJSON_AddItemToArray((cJSON *)ctx, o);
}

cJSON *rl_store_list(rl_store *s)
{
    cJSON *arr = cJSON_CreateArray();
    size_t n = 0;
    pthread_mutex_lock(&s->mu);
    char *buf = slurp_fd(s->fd, &n);
    pthread_mutex_unlock(&s->mu);
    if (buf && arr) scan(buf, n, NULL, add_item, arr);
    free(buf);
    return arr;
}

long rl_store_count(rl_store *s) { return s->count; }
long rl_store_skipped(rl_store *s) { return s->skipped; }
