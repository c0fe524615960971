/*
 * sandbox.h -- a private folder for libconfig fuzz inputs, so that inputs
 * with `@include`, model_file and hardware_file can be fuzzed (and
 * replayed by tests/test_fuzz_replay.c) without touching anything else.
 *
 * sb_enter() makes /tmp/rl-fuzz-sb-XXXXXX and chdirs into it (libconfig
 * resolves @include against the working directory, the scenario loader
 * resolves model_file against the scenario's folder: both land here).
 * It holds what an include can usefully name:
 *     model.cfg  a valid model spec      hw.cfg   a valid hardware profile
 *     part.cfg   one plain setting       input.cfg  the input itself
 *     fifo       a FIFO (must be refused, never opened for a block)
 *     zero       a symbolic link to /dev/zero (must be refused)
 *     dir/       a folder (must be refused)
 * sb_allowed() rejects inputs that reach out of the folder (an absolute
 * path or ".." anywhere in them) -- only those: everything else, FIFOs
 * and links included, is exactly what the loaders must survive.
 * Header-only (static functions): each fuzzer and the replay test include
 * it once.
 */
#ifndef RL_FUZZ_SANDBOX_H
#define RL_FUZZ_SANDBOX_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char sb_dir[64];

static int sb_put(const char *name, const void *d, size_t n)
{
    FILE *f = fopen(name, "wb");
    if (!f) return -1;
    if (n && fwrite(d, 1, n, f) != n) {
        fclose(f);
        return -1;
    }
    return fclose(f) == 0 ? 0 : -1;
}

/* Create the folder with its fixtures and chdir into it: 0, or -1. */
static int sb_enter(void)
{
    static const char model[] =
        "id = \"sb-tiny\"; family = \"llama\"; kind = \"decoder\"; layers = 4;\n"
        "hidden = 512; heads = 8; kv_heads = 2; intermediate = 1408; vocab = 32000;\n"
        "max_context = 4096;\n";
    static const char hw[] =
        "id = \"sb-npu\"; class = \"npu\";\n"
        "memory = ( { tier = \"lpddr\"; capacity_gib = 4.0; bandwidth_gbps = 25.6; } );\n"
        "compute = { int8_tops = 8.0; };\n";
    static const char part[] = "top = 3;\n";

    snprintf(sb_dir, sizeof sb_dir, "/tmp/rl-fuzz-sb-XXXXXX");
    if (!mkdtemp(sb_dir) || chdir(sb_dir) != 0) return -1;
    if (sb_put("model.cfg", model, sizeof model - 1) || sb_put("hw.cfg", hw, sizeof hw - 1) ||
        sb_put("part.cfg", part, sizeof part - 1) || sb_put("input.cfg", "", 0))
        return -1;
    if (mkfifo("fifo", 0600) != 0 || symlink("/dev/zero", "zero") != 0 ||
        mkdir("dir", 0700) != 0)
        return -1;
    return 0;
}

/* 1 when the input names nothing outside the folder in the plain way:
 * no ".." and no string starting with '/'; with an '@' in it, no backslash
 * either (an escape could spell a path).  The loaders only ever read, and
 * refuse anything but regular files, so this keeps the fuzzer tidy rather
 * than being a security boundary. */
static int sb_allowed(const uint8_t *d, size_t n)
{
    int at = memchr(d, '@', n) != NULL;
    for (size_t i = 0; i < n; i++) {
        if (at && d[i] == '\\') return 0;
        if (i + 1 < n && d[i] == '.' && d[i + 1] == '.') return 0;
        if (i + 1 < n && d[i] == '"' && d[i + 1] == '/') return 0;
    }
    return 1;
}

/* Remove the fixtures and the folder (the replay test calls this). */
static inline void sb_leave(void)
{
    static const char *const names[] = { "model.cfg", "hw.cfg", "part.cfg", "input.cfg",
                                         "fifo", "zero" };
    if (!sb_dir[0] || chdir(sb_dir) != 0) return;
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) unlink(names[i]);
    rmdir("dir");
    if (chdir("/") == 0) rmdir(sb_dir);
}

#endif
