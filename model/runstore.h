/*
 * runstore.h -- the local run store: an append-only log of run records
 * (runrec.h) that loses no acknowledged record, whatever kills the writer.
 *
 * Layout: DIR/runs.log, one record per line:
 *
 *     <8 hex digits: CRC-32 of the JSON> <space> <the record as one JSON line> \n
 *
 * Durability: rl_runstore_append writes the whole line with one write(2)
 * under an exclusive flock(2) on the log, then fsync(2)s it (and the
 * folder, the first time the log is created); when it returns RL_OK the
 * record survives a crash or power loss.  A writer killed mid-line leaves
 * a torn tail without its newline: the next append first ends that
 * fragment with a newline (so it stays a line of its own, which fails its
 * checksum) and readers report it and skip it.  A line whose checksum,
 * JSON or record fields are wrong is reported with its line number and
 * skipped; it never becomes a record.
 *
 * Duplicates: a record whose run_id is already in the log is not written
 * (append reports it as a duplicate).  The check runs under the lock
 * against everything in the log, including lines other processes
 * appended since this handle was opened.
 *
 * Threads and processes: appends through DIFFERENT handles (in one
 * process or many) exclude each other through the flock; readers take a
 * shared flock.  One handle is not safe for concurrent calls: give each
 * thread its own handle (each open scans the log once) or serialise the
 * calls on a shared one with a mutex.
 */
#ifndef RL_RUNSTORE_H
#define RL_RUNSTORE_H

#include <stddef.h>
#include "runrec.h"

typedef struct rl_runstore rl_runstore;     /* opaque */

/* The default store folder, first that applies: $RIDGELINE_STORE,
 * $XDG_DATA_HOME/ridgeline/runs, $HOME/.local/share/ridgeline/runs.
 * Returns 0 and writes "" when none can be formed (no HOME). */
int rl_runstore_default_dir(char *dir, size_t n);

/* Open (creating the folder, its parents and the log when missing) and
 * scan the log for run ids.  Corrupt lines found by the scan are counted
 * (rl_runstore_corrupt), not fatal.  NULL with err filled (RL_EIO) when the
 * folder or log cannot be created or read. */
rl_runstore *rl_runstore_open(const char *dir, rl_err *err);

/* Append one record durably.  The record is validated first (RL_EINPUT
 * on a bad one, nothing written).  *added (may be NULL) is 1 when it was
 * written, 0 when its run_id was already stored.  RL_OK, RL_EINPUT or
 * RL_EIO (nothing of the record is left in the log on a failed write). */
int rl_runstore_append(rl_runstore *st, const rl_runrec *r, int *added, rl_err *err);

/* Visit every record in log order.  on_rec gets each valid record and its
 * line number; a non-zero return stops the walk and is returned.  on_bad
 * (may be NULL) gets each corrupt line's number and why ("checksum
 * mismatch", "incomplete last line", a record error).  Returns RL_OK, the
 * callback's value, or RL_EIO. */
typedef int (*rl_runstore_rec_fn)(void *ctx, const rl_runrec *r, int line);
typedef void (*rl_runstore_bad_fn)(void *ctx, int line, const char *why);
int rl_runstore_iterate(rl_runstore *st, rl_runstore_rec_fn on_rec, rl_runstore_bad_fn on_bad,
                        void *ctx, rl_err *err);

/* Records and corrupt lines the handle has seen in the log so far. */
int rl_runstore_count(const rl_runstore *st);
int rl_runstore_corrupt(const rl_runstore *st);
const char *rl_runstore_path(const rl_runstore *st);   /* DIR/runs.log */

void rl_runstore_close(rl_runstore *st);               /* NULL is a no-op */

#endif
