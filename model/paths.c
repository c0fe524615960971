/*
 * paths.c -- run-time lookup of the catalog and data folders (paths.h).
 */
#include "paths.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef RL_SOURCE_CATALOG
#define RL_SOURCE_CATALOG "model/catalog"
#endif
#ifndef RL_INSTALL_CATALOG
#define RL_INSTALL_CATALOG "/usr/local/share/ridgeline/catalog"
#endif
#ifndef RL_SOURCE_DATA
#define RL_SOURCE_DATA "data/benchmarks"
#endif
#ifndef RL_INSTALL_DATA
#define RL_INSTALL_DATA "/usr/local/share/ridgeline/data/benchmarks"
#endif

static const struct share {
    const char *env, *sub, *source, *install, *probe;
} shares[] = {
    [RL_SHARE_CATALOG] = { "RIDGELINE_CATALOG", "catalog", RL_SOURCE_CATALOG,
                           RL_INSTALL_CATALOG, "models.cfg" },
    [RL_SHARE_DATA] = { "RIDGELINE_DATA", "data/benchmarks", RL_SOURCE_DATA,
                        RL_INSTALL_DATA, "measurements.csv" },
};

/* 1 when dir/probe is readable. */
static int probe(const char *dir, const char *file)
{
    char p[PATH_MAX + 64];
    if (snprintf(p, sizeof p, "%s/%s", dir, file) >= (int)sizeof p) return 0;
    return access(p, R_OK) == 0;
}

/* <dir of /proc/self/exe>/../share/ridgeline/<sub> into out; 0 if unknown. */
static int beside_exe(const char *sub, char *out, size_t n)
{
    char exe[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    char *slash;

    if (len <= 0) return 0;
    exe[len] = '\0';
    if (!(slash = strrchr(exe, '/'))) return 0;
    *slash = '\0';
    return snprintf(out, n, "%s/../share/ridgeline/%s", exe, sub) < (int)n;
}

int rl_share_dir(rl_share what, char *dir, size_t n)
{
    const struct share *s = &shares[what];
    const char *env = getenv(s->env);

    if (env && *env) { snprintf(dir, n, "%s", env); return probe(dir, s->probe); }
    if (beside_exe(s->sub, dir, n) && probe(dir, s->probe)) return 1;
    snprintf(dir, n, "%s", s->source);
    if (probe(dir, s->probe)) return 1;
    snprintf(dir, n, "%s", s->install);
    return probe(dir, s->probe);
}
