/*
 * paths.h -- where ridgeline finds its data files at run time.
 *
 * The catalog (model/catalog in the source tree) and the benchmark data
 * (data/benchmarks) are looked up the same way, first match wins:
 *   1. the environment variable (RIDGELINE_CATALOG, RIDGELINE_DATA);
 *   2. <directory of the running binary>/../share/ridgeline/<sub>, which is
 *      where `make install PREFIX=P` puts them beside P/bin/ridgeline, so
 *      an installed binary works from any directory after the source tree
 *      is gone;
 *   3. the source tree's own folder, compiled in (a build-tree binary);
 *   4. the install prefix compiled in (the same as 2 unless moved).
 * A candidate counts when `probe` (a file name inside it) is readable.
 */
#ifndef RL_PATHS_H
#define RL_PATHS_H

#include <stddef.h>

typedef enum rl_share {
    RL_SHARE_CATALOG,   /* models.cfg, hardware.cfg, ... */
    RL_SHARE_DATA       /* benchmarks/measurements.csv + hardware.csv */
} rl_share;

/* Write the folder for `what` into dir (n bytes).  Always writes
 * something (the last candidate when none probes readable) and returns 1
 * when a candidate probed readable, 0 otherwise. */
int rl_share_dir(rl_share what, char *dir, size_t n);

#endif
