/*
 * safeio.h -- the only ways ridgeline opens files: inputs that cannot
 * block, outputs that cannot damage what their path names.
 *
 * Inputs.  rl_open_input stats the path first and opens it only when it
 * is a regular file (and then with O_NONBLOCK, checking again with fstat
 * on the open descriptor): a FIFO, device, socket or directory is refused
 * with RL_EINPUT and one message, never read and never waited on.
 *
 *     FILE *f = rl_open_input(path, 16 << 20, &size, &err);
 *     if (!f) return err.code;       // "x: error: is a FIFO, not a ..."
 *
 * Outputs.  An rl_out is a file written atomically: a unique temp file
 * (mkstemp) beside the target, checked writes, fsync, rename over the
 * target.  "-" means stdout (no temp file).  The target must be a new
 * path or a regular file; a symbolic link to a regular file writes the
 * file it points to (the link stays); anything else -- device node,
 * FIFO, socket, directory, a link to one of those -- is refused with
 * RL_EINPUT before anything is created.  Temp files are named
 * TARGET.ridgeline-tmp.XXXXXX; the open ones are unlinked by
 * rl_out_cleanup_signal (async-signal-safe), which the CLI calls on
 * SIGINT/SIGTERM/SIGHUP/SIGPIPE.  Only SIGKILL (or a crash) can leave one
 * behind, under that recognisable name.
 *
 *     rl_out o;
 *     if (rl_out_open(&o, path, &err)) return err.code;
 *     fprintf(o.f, ...);                          // any stdio writes
 *     if (rl_out_commit(&o, &err)) return err.code; // or rl_out_abort(&o)
 */
#ifndef RL_SAFEIO_H
#define RL_SAFEIO_H

#include <stdio.h>
#include "rl_err.h"

#define RL_OUT_TMP_TAG ".ridgeline-tmp."    /* in every temp file name */

/* Open `path` read-only ("rb") if it is a regular file of at most
 * max_bytes bytes (max_bytes <= 0: no limit).  *size (may be NULL)
 * receives its size.  Returns an owned FILE (fclose it), or NULL with err
 * filled: RL_EIO when it cannot be opened (missing, permission), RL_EINPUT
 * when it is not a regular file or is too large. */
FILE *rl_open_input(const char *path, long long max_bytes, long long *size, rl_err *err);

/* The same checks without opening: RL_OK when `path` names a regular file
 * of at most max_bytes bytes (for paths another library will open). */
int rl_check_input(const char *path, long long max_bytes, rl_err *err);

/* 1 when s is valid UTF-8 (no overlongs, no surrogates, <= U+10FFFF). */
int rl_utf8_valid(const char *s);

/* Replace, in place, each byte of an invalid UTF-8 sequence with '?'. */
void rl_utf8_fix(char *s);

/* Copy s into buf (size n >= 4), each byte of an invalid UTF-8 sequence
 * replaced by '?', truncated at a character boundary.  Returns buf. */
char *rl_utf8_sanitize(const char *s, char *buf, size_t n);

typedef struct rl_out {
    FILE *f;                /* write here (stdout for "-") */
    int slot;               /* temp-file registry slot, -1 for stdout */
    char path[4096];        /* the file that rename replaces */
    char tmp[4096];         /* the temp file, "" for stdout */
} rl_out;

/* Check that `path` may be written (new, regular, or a link to a regular
 * file; "-" always).  RL_OK or RL_EINPUT / RL_EIO with err filled.
 * Creates nothing: commands call it before long work. */
int rl_out_check(const char *path, rl_err *err);

/* Check, then create the temp file (mode: the replaced file's, else 0666
 * less the umask).  On failure nothing is left on disk. */
int rl_out_open(rl_out *o, const char *path, rl_err *err);

/* Flush and check every write, fsync, close, rename onto the target.
 * On failure the temp file is removed and the target is untouched.
 * For stdout: flush and check only. */
int rl_out_commit(rl_out *o, rl_err *err);

/* Close and remove the temp file; the target is untouched. */
void rl_out_abort(rl_out *o);

/* Write `len` bytes of `text` to `path` through an rl_out. */
int rl_write_file_atomic(const char *path, const char *text, size_t len, rl_err *err);

/* Unlink every temp file still open.  Async-signal-safe. */
void rl_out_cleanup_signal(void);

/* Install a handler for SIGINT, SIGTERM, SIGHUP and SIGPIPE that calls
 * rl_out_cleanup_signal and then dies of the same signal (for main()). */
void rl_out_install_signal_cleanup(void);

#endif
