/*
 * args.c -- the little flag matcher every subcommand uses, and the one
 * place errors are printed.
 */
#include "cli.h"

#include <string.h>

int rl_arg_value(int argc, char **argv, int *i, const char *name,
                 const char **val, rl_err *err)
{
    const char *a = argv[*i];
    size_t n = strlen(name);

    if (strncmp(a, name, n) != 0) return 0;
    if (a[n] == '=') { *val = a + n + 1; return 1; }
    if (a[n] != '\0') return 0;
    if (*i + 1 >= argc) {
        rl_err_set(err, RL_EINPUT, NULL, 0, "%s needs a value", name);
        return -1;
    }
    *val = argv[++*i];
    return 1;
}

int rl_fail(const rl_err *e)
{
    rl_err_print(e, stderr);
    return e->code ? e->code : RL_EINPUT;
}

int rl_help_asked(int argc, char **argv, const char *usage)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(usage, stdout);
            return 1;
        }
    return 0;
}
