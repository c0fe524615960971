/*
 * safeio.c -- non-blocking checked input opens, atomic outputs that
 * refuse special files, and UTF-8 checks for text echoed into JSON.
 * See safeio.h for the contract.
 */
#define _XOPEN_SOURCE 700     /* realpath */
#include "safeio.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---------------------------------------------------------------- inputs */

/* What a non-regular file is, for messages. */
static const char *kind_of(mode_t m)
{
    if (S_ISDIR(m)) return "a directory";
    if (S_ISFIFO(m)) return "a FIFO (named pipe)";
    if (S_ISCHR(m)) return "a character device";
    if (S_ISBLK(m)) return "a block device";
    if (S_ISSOCK(m)) return "a socket";
    return "a special file";
}

/* RL_OK when st is a regular file within max_bytes. */
static int check_stat(const struct stat *st, const char *path, long long max_bytes,
                      rl_err *err)
{
    if (!S_ISREG(st->st_mode))
        return rl_err_set(err, RL_EINPUT, path, 0, "is %s, not a regular file",
                          kind_of(st->st_mode));
    if (max_bytes > 0 && (long long)st->st_size > max_bytes)
        return rl_err_set(err, RL_EINPUT, path, 0, "larger than %lld MiB (%lld bytes)",
                          max_bytes >> 20, (long long)st->st_size);
    return RL_OK;
}

int rl_check_input(const char *path, long long max_bytes, rl_err *err)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return rl_err_set(err, RL_EIO, path, 0, "cannot open: %s", strerror(errno));
    return check_stat(&st, path, max_bytes, err);
}

FILE *rl_open_input(const char *path, long long max_bytes, long long *size, rl_err *err)
{
    struct stat st;
    FILE *f;
    int fd, fl;

    if (rl_check_input(path, max_bytes, err) != RL_OK) return NULL;
    /* O_NONBLOCK: should the path have become a FIFO since the stat, the
     * open returns at once instead of waiting for a writer. */
    fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        rl_err_set(err, RL_EIO, path, 0, "cannot open: %s", strerror(errno));
        return NULL;
    }
    if (fstat(fd, &st) != 0) st.st_mode = 0;
    if (check_stat(&st, path, max_bytes, err) != RL_OK) {
        close(fd);
        return NULL;
    }
    if ((fl = fcntl(fd, F_GETFL)) < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0 ||
        !(f = fdopen(fd, "rb"))) {
        rl_err_set(err, RL_EIO, path, 0, "cannot open: %s", strerror(errno));
        close(fd);
        return NULL;
    }
    if (size) *size = (long long)st.st_size;
    return f;
}

/* ------------------------------------------------------------------ UTF-8 */

/* Length of the valid UTF-8 sequence at p, 0 when it is not one. */
static int utf8_len(const unsigned char *p)
{
    unsigned c = p[0];
    int n, i;
    unsigned cp, min;

    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) { n = 2; cp = c & 0x1F; min = 0x80; }
    else if (c >= 0xE0 && c <= 0xEF) { n = 3; cp = c & 0x0F; min = 0x800; }
    else if (c >= 0xF0 && c <= 0xF4) { n = 4; cp = c & 0x07; min = 0x10000; }
    else return 0;
    for (i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80) return 0;       /* also stops at NUL */
        cp = cp << 6 | (p[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return n;
}

int rl_utf8_valid(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        int n = utf8_len(p);
        if (!n) return 0;
        p += n;
    }
    return 1;
}

void rl_utf8_fix(char *s)
{
    unsigned char *p = (unsigned char *)s;
    while (*p) {
        int n = utf8_len(p);
        if (n == 0) *p++ = '?';
        else p += n;
    }
}

char *rl_utf8_sanitize(const char *s, char *buf, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t o = 0;

    while (*p) {
        int k = utf8_len(p);
        if (k == 0) { p++; k = 1; if (o + 1 >= n) break; buf[o++] = '?'; continue; }
        if (o + (size_t)k >= n) break;
        memcpy(buf + o, p, (size_t)k);
        o += (size_t)k;
        p += k;
    }
    buf[o] = '\0';
    return buf;
}

/* --------------------------------------------------------------- outputs */

/* Open temp files, for the signal handler.  A slot is published (used = 1)
 * only after its name is complete, and retired before the name changes. */
#define MAX_TMP 8
static char tmp_names[MAX_TMP][4096];
static volatile sig_atomic_t tmp_used[MAX_TMP];

void rl_out_cleanup_signal(void)
{
    for (int i = 0; i < MAX_TMP; i++)
        if (tmp_used[i]) {
            tmp_used[i] = 0;
            unlink(tmp_names[i]);
        }
}

static void on_signal(int sig)
{
    rl_out_cleanup_signal();
    signal(sig, SIG_DFL);
    raise(sig);
}

void rl_out_install_signal_cleanup(void)
{
    static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE };
    struct sigaction sa;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++) {
        struct sigaction old;
        /* leave an ignored signal ignored (nohup, a parent's SIG_IGN) */
        if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN) continue;
        sigaction(sigs[i], &sa, NULL);
    }
}

/* Which standard stream (0, 1, 2) st is, or -1.  `--out /dev/stdout`
 * with stdout redirected to a file resolves to that file: replacing it
 * would leave the shell writing to an unlinked inode. */
static int std_stream(const struct stat *st)
{
    for (int fd = 0; fd <= 2; fd++) {
        struct stat s;
        if (fstat(fd, &s) == 0 && s.st_dev == st->st_dev && s.st_ino == st->st_ino)
            return fd;
    }
    return -1;
}

/* Resolve `path` to the regular file rename must replace (into real),
 * or refuse it.  *mode receives the existing file's mode, else 0. */
static int resolve_target(const char *path, char *real, size_t n, mode_t *mode,
                          rl_err *err)
{
    struct stat st;

    *mode = 0;
    if (!path[0]) return rl_err_set(err, RL_EINPUT, NULL, 0, "empty output path");
    if (lstat(path, &st) != 0) {
        if (errno != ENOENT)
            return rl_err_set(err, RL_EIO, path, 0, "cannot write: %s", strerror(errno));
        if (strlen(path) >= n) return rl_err_set(err, RL_EINPUT, path, 0, "path too long");
        memcpy(real, path, strlen(path) + 1);       /* a new file */
        return RL_OK;
    }
    if (S_ISLNK(st.st_mode)) {
        char *r;
        if (stat(path, &st) != 0)
            return rl_err_set(err, RL_EINPUT, path, 0, "is a symbolic link to a missing "
                              "file; refusing to write through it");
        if (!S_ISREG(st.st_mode))
            return rl_err_set(err, RL_EINPUT, path, 0, "is a symbolic link to %s; refusing "
                              "to write through it (use '-' for stdout)", kind_of(st.st_mode));
        if (!(r = realpath(path, NULL)) || strlen(r) >= n) {
            free(r);
            return rl_err_set(err, RL_EIO, path, 0, "cannot resolve the link");
        }
        memcpy(real, r, strlen(r) + 1);
        free(r);
    } else if (!S_ISREG(st.st_mode)) {
        return rl_err_set(err, RL_EINPUT, path, 0, "is %s, not a regular file; refusing "
                          "to replace it (use '-' for stdout)", kind_of(st.st_mode));
    } else {
        if (strlen(path) >= n) return rl_err_set(err, RL_EINPUT, path, 0, "path too long");
        memcpy(real, path, strlen(path) + 1);
    }
    if (std_stream(&st) >= 0)
        return rl_err_set(err, RL_EINPUT, path, 0, "is this process's standard %s; "
                          "refusing to replace it (use '-' for stdout)",
                          std_stream(&st) == 0 ? "input" : std_stream(&st) == 1 ? "output"
                                                                               : "error");
    *mode = st.st_mode & 07777;
    return RL_OK;
}

int rl_out_check(const char *path, rl_err *err)
{
    char real[4096];
    mode_t mode;
    if (strcmp(path, "-") == 0) return RL_OK;
    return resolve_target(path, real, sizeof real, &mode, err);
}

/* A free registry slot, or -1 (then a signal cannot clean that file). */
static int take_slot(void)
{
    for (int i = 0; i < MAX_TMP; i++)
        if (!tmp_used[i]) return i;
    return -1;
}

int rl_out_open(rl_out *o, const char *path, rl_err *err)
{
    mode_t mode, mask;
    int fd, rc;

    memset(o, 0, sizeof *o);
    o->slot = -1;
    if (strcmp(path, "-") == 0) {
        o->f = stdout;
        return RL_OK;
    }
    if ((rc = resolve_target(path, o->path, sizeof o->path, &mode, err)) != RL_OK) return rc;
    if (snprintf(o->tmp, sizeof o->tmp, "%s%sXXXXXX", o->path, RL_OUT_TMP_TAG) >=
        (int)sizeof o->tmp)
        return rl_err_set(err, RL_EINPUT, path, 0, "path too long");
    int slot = take_slot();
    if (slot >= 0) memcpy(tmp_names[slot], o->tmp, sizeof o->tmp);  /* the pattern */
    fd = mkstemp(slot >= 0 ? tmp_names[slot] : o->tmp);
    if (fd < 0) {
        o->tmp[0] = '\0';
        return rl_err_set(err, RL_EIO, path, 0, "cannot create a file beside it: %s",
                          strerror(errno));
    }
    if (slot >= 0) {
        memcpy(o->tmp, tmp_names[slot], sizeof o->tmp);
        tmp_used[slot] = 1;
        o->slot = slot;
    }
    if (!mode) {                    /* new file: what open(2) would give it */
        mask = umask(022);
        umask(mask);
        mode = 0666 & ~mask;
    }
    if (fchmod(fd, mode) != 0 || !(o->f = fdopen(fd, "wb"))) {
        int e = errno;
        close(fd);
        rl_out_abort(o);
        return rl_err_set(err, RL_EIO, path, 0, "cannot write: %s", strerror(e));
    }
    return RL_OK;
}

static void retire(rl_out *o)
{
    if (o->slot >= 0) tmp_used[o->slot] = 0;
    o->slot = -1;
}

void rl_out_abort(rl_out *o)
{
    if (o->f && o->f != stdout) fclose(o->f);
    o->f = NULL;
    if (o->tmp[0]) {
        retire(o);
        unlink(o->tmp);
        o->tmp[0] = '\0';
    }
}

int rl_out_commit(rl_out *o, rl_err *err)
{
    int e;
    if (o->f == stdout) {
        o->f = NULL;
        if (fflush(stdout) != 0 || ferror(stdout))
            return rl_err_set(err, RL_EIO, NULL, 0, "cannot write to stdout");
        return RL_OK;
    }
    if (fflush(o->f) != 0 || ferror(o->f) || fsync(fileno(o->f)) != 0) {
        e = errno ? errno : EIO;
        rl_out_abort(o);
        return rl_err_set(err, RL_EIO, o->path, 0, "cannot write: %s", strerror(e));
    }
    e = fclose(o->f);
    o->f = NULL;
    if (e != 0 || rename(o->tmp, o->path) != 0) {
        e = errno;
        rl_out_abort(o);
        return rl_err_set(err, RL_EIO, o->path, 0, "cannot write: %s", strerror(e));
    }
    retire(o);
    o->tmp[0] = '\0';
    return RL_OK;
}

int rl_write_file_atomic(const char *path, const char *text, size_t len, rl_err *err)
{
    rl_out o;
    int rc = rl_out_open(&o, path, err);
    if (rc != RL_OK) return rc;
    if (fwrite(text, 1, len, o.f) != len) {
        int e = errno;
        if (o.f == stdout) return rl_err_set(err, RL_EIO, NULL, 0, "cannot write to stdout");
        rl_out_abort(&o);
        return rl_err_set(err, RL_EIO, path, 0, "cannot write: %s", strerror(e));
    }
    return rl_out_commit(&o, err);
}
