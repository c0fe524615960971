/*
 * runstore.c -- the append-only, checksummed run log (runstore.h).
 *
 * Every line is "<crc32 hex> <json>\n" written by one write(2) while the
 * writer holds an exclusive flock; fsync before returning.  Readers walk
 * the log line by line; only a line whose CRC, JSON and record checks all
 * pass is a record.  The handle remembers how far it has scanned and the
 * run ids it has seen, so a duplicate check under the lock only reads
 * what other writers appended since.
 */
#define _DEFAULT_SOURCE         /* flock(2), beside -D_POSIX_C_SOURCE */
#include "runstore.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define LOG_NAME "runs.log"

struct rl_runstore {
    char dir[4096], path[4200];
    int fd;                     /* O_RDWR | O_APPEND; the flock lives here */
    off_t scanned;              /* bytes scanned; always just after a '\n' */
    int lines;                  /* lines in those bytes */
    int count, corrupt;         /* records / corrupt lines in them */
    int torn;                   /* 1: bytes after `scanned` lack a newline */
    char **ids;                 /* open-addressing set of run ids */
    size_t cap, used;
};

/* ------------------------------------------------------------- CRC-32 */

/* CRC-32 (IEEE 802.3, reflected 0xEDB88320), as zlib's crc32().  Bit by
 * bit: no lazily built table, so no shared state between threads. */
static unsigned long crc32_of(const char *p, size_t n)
{
    unsigned long c = 0xffffffffUL;

    for (size_t i = 0; i < n; i++) {
        c ^= (unsigned char)p[i];
        for (int k = 0; k < 8; k++) c = c & 1 ? 0xedb88320UL ^ (c >> 1) : c >> 1;
    }
    return c ^ 0xffffffffUL;
}

/* ------------------------------------------------------------- id set */

static int set_has(const rl_runstore *st, const char *id, size_t *slot)
{
    size_t i;

    if (!st->cap) return 0;
    i = (size_t)rl_fnv1a64(id, strlen(id), 0) & (st->cap - 1);
    for (; st->ids[i]; i = (i + 1) & (st->cap - 1))
        if (strcmp(st->ids[i], id) == 0) return 1;
    if (slot) *slot = i;
    return 0;
}

static int set_add(rl_runstore *st, const char *id)
{
    size_t slot;

    if (2 * (st->used + 1) > st->cap) {         /* keep the load under 1/2 */
        size_t ncap = st->cap ? st->cap * 2 : 256;
        char **old = st->ids, **nids = calloc(ncap, sizeof *nids);
        size_t ocap = st->cap;
        if (!nids) return -1;
        st->ids = nids;
        st->cap = ncap;
        for (size_t i = 0; i < ocap; i++)
            if (old[i]) { set_has(st, old[i], &slot); st->ids[slot] = old[i]; }
        free(old);
    }
    if (set_has(st, id, &slot)) return 0;
    if (!(st->ids[slot] = strdup(id))) return -1;
    st->used++;
    return 1;
}

/* ------------------------------------------------------------- lines */

/* Check one line (no newline).  Fills *r and returns NULL when it is a
 * record, else a reason. */
static const char *check_line(const char *s, size_t n, rl_runrec *r, const char *path,
                              int line, rl_err *err)
{
    unsigned long want = 0;

    if (n < 10 || s[8] != ' ') return "no checksum field";
    for (int i = 0; i < 8; i++) {
        int d = s[i] >= '0' && s[i] <= '9' ? s[i] - '0'
              : s[i] >= 'a' && s[i] <= 'f' ? s[i] - 'a' + 10 : -1;
        if (d < 0) return "no checksum field";
        want = want << 4 | (unsigned long)d;
    }
    if (crc32_of(s + 9, n - 9) != want) return "checksum mismatch (torn or altered line)";
    if (rl_runrec_parse(s + 9, n - 9, r, path, line, err)) return err->msg;
    return NULL;
}

typedef struct walk {
    rl_runstore_rec_fn on_rec;
    rl_runstore_bad_fn on_bad;
    void *ctx;
    int stop;                   /* on_rec's non-zero return */
} walk;

/* Read the log from st->scanned on, checking each complete line, adding
 * ids to the set and calling w's callbacks (w may be NULL).  Advances
 * st->scanned past the last newline; sets st->torn when bytes follow it. */
static int scan(rl_runstore *st, walk *w, rl_err *err)
{
    FILE *f;
    char *buf = NULL;
    size_t cap = 0;
    ssize_t len;
    int rc = RL_OK, rfd = open(st->path, O_RDONLY | O_CLOEXEC);

    if (rfd < 0 || !(f = fdopen(rfd, "rb"))) {
        if (rfd >= 0) close(rfd);
        return rl_err_set(err, RL_EIO, st->path, 0, "cannot read: %s", strerror(errno));
    }
    if (fseeko(f, st->scanned, SEEK_SET) != 0) {
        fclose(f);
        return rl_err_set(err, RL_EIO, st->path, 0, "cannot seek: %s", strerror(errno));
    }
    st->torn = 0;
    while ((len = getline(&buf, &cap, f)) > 0) {
        rl_runrec r;
        rl_err lerr;
        const char *why;
        if (buf[len - 1] != '\n') {             /* a torn tail */
            st->torn = 1;
            if (w && w->on_bad)
                w->on_bad(w->ctx, st->lines + 1,
                          "incomplete last line (a writer stopped mid-append)");
            break;
        }
        st->scanned += len;
        st->lines++;
        rl_err_clear(&lerr);
        why = check_line(buf, (size_t)len - 1, &r, st->path, st->lines, &lerr);
        if (why) {
            st->corrupt++;
            if (w && w->on_bad) w->on_bad(w->ctx, st->lines, why);
            continue;
        }
        if (set_add(st, r.run_id) < 0) { rc = rl_err_set(err, RL_EIO, st->path, 0, "out of memory"); break; }
        st->count++;
        if (w && w->on_rec && !w->stop) w->stop = w->on_rec(w->ctx, &r, st->lines);
    }
    if (rc == RL_OK && ferror(f))
        rc = rl_err_set(err, RL_EIO, st->path, 0, "cannot read: %s", strerror(errno));
    free(buf);
    fclose(f);
    return rc;
}

/* ------------------------------------------------------------- open */

int rl_runstore_default_dir(char *dir, size_t n)
{
    const char *e = getenv("RIDGELINE_STORE"), *x = getenv("XDG_DATA_HOME"),
               *h = getenv("HOME");

    if (e && *e) snprintf(dir, n, "%s", e);
    else if (x && *x == '/') snprintf(dir, n, "%s/ridgeline/runs", x);
    else if (h && *h) snprintf(dir, n, "%s/.local/share/ridgeline/runs", h);
    else { if (n) dir[0] = '\0'; return 0; }
    return 1;
}

/* mkdir -p */
static int make_dirs(const char *dir)
{
    char p[4096];
    size_t n = strlen(dir);

    if (n == 0 || n >= sizeof p) { errno = ENAMETOOLONG; return -1; }
    memcpy(p, dir, n + 1);
    for (char *s = p + 1; *s; s++) {
        if (*s != '/') continue;
        *s = '\0';
        if (mkdir(p, 0755) != 0 && errno != EEXIST) return -1;
        *s = '/';
    }
    if (mkdir(p, 0755) != 0 && errno != EEXIST) return -1;
    return 0;
}

static int sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc;
    if (fd < 0) return -1;
    rc = fsync(fd);
    close(fd);
    return rc;
}

rl_runstore *rl_runstore_open(const char *dir, rl_err *err)
{
    rl_runstore *st = calloc(1, sizeof *st);
    struct stat sb;
    int created = 0, rc;

    if (!st) { rl_err_set(err, RL_EIO, dir, 0, "out of memory"); return NULL; }
    st->fd = -1;
    if (snprintf(st->dir, sizeof st->dir, "%s", dir) >= (int)sizeof st->dir) {
        rl_err_set(err, RL_EIO, NULL, 0, "store path too long");
        goto fail;
    }
    snprintf(st->path, sizeof st->path, "%s/" LOG_NAME, dir);
    if (make_dirs(dir) != 0) {
        rl_err_set(err, RL_EIO, dir, 0, "cannot create the store folder: %s", strerror(errno));
        goto fail;
    }
    st->fd = open(st->path, O_RDWR | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (st->fd >= 0) created = 1;
    else if (errno == EEXIST) st->fd = open(st->path, O_RDWR | O_APPEND | O_CLOEXEC);
    if (st->fd < 0 || fstat(st->fd, &sb) != 0) {
        rl_err_set(err, RL_EIO, st->path, 0, "cannot open: %s", strerror(errno));
        goto fail;
    }
    if (!S_ISREG(sb.st_mode)) {
        rl_err_set(err, RL_EIO, st->path, 0, "not a regular file");
        goto fail;
    }
    if (created && (fsync(st->fd) != 0 || sync_dir(dir) != 0)) {
        rl_err_set(err, RL_EIO, st->path, 0, "cannot sync: %s", strerror(errno));
        goto fail;
    }
    if (flock(st->fd, LOCK_SH) != 0) {
        rl_err_set(err, RL_EIO, st->path, 0, "cannot lock: %s", strerror(errno));
        goto fail;
    }
    rc = scan(st, NULL, err);
    flock(st->fd, LOCK_UN);
    if (rc == RL_OK) return st;
fail:
    rl_runstore_close(st);
    return NULL;
}

void rl_runstore_close(rl_runstore *st)
{
    if (!st) return;
    if (st->fd >= 0) close(st->fd);
    for (size_t i = 0; i < st->cap; i++) free(st->ids[i]);
    free(st->ids);
    free(st);
}

/* ------------------------------------------------------------- append */

/* Write all of buf at the end of the log and fsync; on failure cut the
 * log back to `size` so no part of the line stays. */
static int write_durably(rl_runstore *st, const char *buf, size_t n, off_t size, rl_err *err)
{
    size_t done = 0;

    while (done < n) {
        ssize_t w = write(st->fd, buf + done, n - done);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) break;
        done += (size_t)w;
    }
    if (done == n && fsync(st->fd) == 0) return RL_OK;
    {
        int e = errno;
        if (ftruncate(st->fd, size) == 0) fsync(st->fd);
        return rl_err_set(err, RL_EIO, st->path, 0, "cannot append: %s",
                          strerror(e ? e : EIO));
    }
}

/* Under the exclusive lock: catch up with other writers, then write. */
static int append_locked(rl_runstore *st, const rl_runrec *r, const char *json, int *added,
                         rl_err *err)
{
    struct stat sb;
    size_t jn = strlen(json), n;
    char *buf;
    int rc;

    if ((rc = scan(st, NULL, err))) return rc;
    if (set_has(st, r->run_id, NULL)) return RL_OK;
    if (fstat(st->fd, &sb) != 0)
        return rl_err_set(err, RL_EIO, st->path, 0, "cannot stat: %s", strerror(errno));
    if (!(buf = malloc(jn + 12))) return rl_err_set(err, RL_EIO, st->path, 0, "out of memory");
    /* a torn tail first gets its newline: it stays one (corrupt) line */
    n = (size_t)snprintf(buf, jn + 12, "%s%08lx %s\n", st->torn ? "\n" : "",
                         crc32_of(json, jn), json);
    rc = write_durably(st, buf, n, sb.st_size, err);
    free(buf);
    if (rc) return rc;
    if (st->torn) { st->lines++; st->corrupt++; st->torn = 0; }
    st->scanned = sb.st_size + (off_t)n;
    st->lines++;
    st->count++;
    *added = 1;                         /* durable now, whatever follows */
    if (set_add(st, r->run_id) < 0) return rl_err_set(err, RL_EIO, st->path, 0, "out of memory");
    return RL_OK;
}

int rl_runstore_append(rl_runstore *st, const rl_runrec *r, int *added, rl_err *err)
{
    char *json;
    rl_runrec back;
    int rc, dummy = 0;

    if (!added) added = &dummy;
    *added = 0;
    if (!(json = rl_runrec_line(r))) return rl_err_set(err, RL_EIO, NULL, 0, "out of memory");
    /* store only what reads back as the same kind of record */
    if ((rc = rl_runrec_parse(json, strlen(json), &back, NULL, 0, err))) { free(json); return rc; }
    if (flock(st->fd, LOCK_EX) != 0) {
        free(json);
        return rl_err_set(err, RL_EIO, st->path, 0, "cannot lock: %s", strerror(errno));
    }
    rc = append_locked(st, r, json, added, err);
    flock(st->fd, LOCK_UN);
    free(json);
    return rc;
}

/* ------------------------------------------------------------- reading */

int rl_runstore_iterate(rl_runstore *st, rl_runstore_rec_fn on_rec, rl_runstore_bad_fn on_bad,
                        void *ctx, rl_err *err)
{
    walk w = { on_rec, on_bad, ctx, 0 };
    rl_runstore tmp;
    int rc;

    if (flock(st->fd, LOCK_SH) != 0)
        return rl_err_set(err, RL_EIO, st->path, 0, "cannot lock: %s", strerror(errno));
    /* walk from the start with fresh counters; the id set of a copy
     * would alias ours, so give the walk an empty one and keep the
     * handle's own counts in step afterwards */
    tmp = *st;
    tmp.scanned = 0;
    tmp.lines = tmp.count = tmp.corrupt = 0;
    tmp.ids = NULL;
    tmp.cap = tmp.used = 0;
    rc = scan(&tmp, &w, err);
    flock(st->fd, LOCK_UN);
    for (size_t i = 0; i < tmp.cap; i++) free(tmp.ids[i]);
    free(tmp.ids);
    if (rc) return rc;
    return w.stop;
}

int rl_runstore_count(const rl_runstore *st) { return st->count; }
int rl_runstore_corrupt(const rl_runstore *st) { return st->corrupt; }
const char *rl_runstore_path(const rl_runstore *st) { return st->path; }
