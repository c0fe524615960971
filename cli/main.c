/*
 * main.c -- `ridgeline`: parse the subcommand and dispatch.  Nothing else
 * happens here (jq's main.c habit): each cmd_*.c owns its flags.
 *
 * Exit status: 0 ok, 1 infeasible / failed sign-off, 2 usage or input
 * error, 3 solver failure, 4 I/O error (enum rl_status).
 */
#include "cli.h"
#include "paths.h"
#include "safeio.h"

#include <stdio.h>
#include <string.h>

#ifndef RL_VERSION
#define RL_VERSION "unknown"
#endif

static const struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} commands[] = {
    { "estimate", rl_cmd_estimate, "predict memory, speed and latency of one configuration" },
    { "solve", rl_cmd_solve, "search a scenario's deployment options, rank the feasible ones" },
    { "signoff", rl_cmd_signoff, "check one fixed deployment against its requirements, with margins" },
    { "procure", rl_cmd_procure, "what to buy for a demand mix: hardware, counts, replicas (MILP)" },
    { "batch", rl_cmd_batch, "solve many scenario files, one JSON line (or csv/md row) each" },
    { "catalog", rl_cmd_catalog, "list built-in models, hardware, runtimes or quant formats" },
    { "import", rl_cmd_import, "read a config.json or GGUF header into a model spec" },
    { "calibrate", rl_cmd_calibrate, "fit the runtime parameters to public measurements" },
    { "validate", rl_cmd_validate, "error of the model against measurements, devices held out" },
    { "harness", rl_cmd_harness, "turn benchmark output and runtime logs into run records" },
    { "runs", rl_cmd_runs, "keep run records in a local store: add, list" },
    { "serve", rl_cmd_serve, "HTTP API (estimate, solve, catalog, run records) and planning page" },
};

static void usage(FILE *out)
{
    fprintf(out,
            "usage: ridgeline COMMAND [ARGS]   (ridgeline COMMAND --help for its flags)\n\n"
            "Which configuration of an LLM on given hardware is feasible, and which is best.\n\n"
            "commands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\nexit status: 0 ok, 1 infeasible, 2 usage or input error, "
                 "3 solver failure, 4 I/O error\n");
}

/* `ridgeline --version`: the version, then where the catalog and the
 * benchmark data are taken from (model/paths.h), so a user can tell which
 * files an installed or moved binary reads. */
static int version(void)
{
    char dir[4096];
    int found;

    printf("ridgeline %s\n", RL_VERSION);
    found = rl_share_dir(RL_SHARE_CATALOG, dir, sizeof dir);
    printf("catalog: %s%s\n", dir, found ? "" : " (missing)");
    found = rl_share_dir(RL_SHARE_DATA, dir, sizeof dir);
    printf("data: %s%s\n", dir, found ? "" : " (missing)");
    return fclose(stdout) == 0 ? RL_OK : RL_EIO;
}

int main(int argc, char **argv)
{
    int rc;

    rl_out_install_signal_cleanup();    /* no temp file outlives a ^C */
    if (argc < 2) {
        usage(stderr);
        return RL_EINPUT;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return fclose(stdout) == 0 ? RL_OK : RL_EIO;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0)
        return version();
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++) {
        if (strcmp(argv[1], commands[i].name) != 0) continue;
        rc = commands[i].run(argc - 1, argv + 1);
        /* A result that could not be written is an I/O failure. */
        if (fclose(stdout) != 0 && rc == RL_OK) {
            fprintf(stderr, "ridgeline: error: cannot write output\n");
            rc = RL_EIO;
        }
        return rc;
    }
    fprintf(stderr, "ridgeline: error: unknown command '%s' (try ridgeline --help)\n", argv[1]);
    return RL_EINPUT;
}
