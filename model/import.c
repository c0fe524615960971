/*
 * import.c -- rl_import_file: one entry point for every model file the CLI
 * accepts (--model-file, scenario model_file):
 *
 *     GGUF            by its magic "GGUF"           -> rl_import_gguf
 *     config.json     first non-space byte is '{'   -> rl_import_hf
 *     model spec      anything else (libconfig)     -> rl_arch_load_file
 *
 * Also the id/name helper both importers share (declared in each of them;
 * it is not part of the public import.h).
 */
#include "import.h"
#include "catalog.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

void rl_import_id_from_path(const char *path, const char *suffix, char *id,
                            size_t idn, char *name, size_t namen);

/* Derive a kebab id and a display name from a file name:
 *   "dir/meta-llama--Meta-Llama-3.1-8B_config.json" -> "meta-llama-3.1-8b",
 *                                                     "Meta-Llama-3.1-8B"
 *   "meta-llama__Llama-2-7b-hf.json"               -> "llama-2-7b-hf"
 * The organisation prefix (before the last "--" or "__") and a trailing
 * "_config"/"-config" are dropped.  A bare "config.json" gives "" for both
 * (the caller then falls back to the family). */
void rl_import_id_from_path(const char *path, const char *suffix, char *id,
                            size_t idn, char *name, size_t namen)
{
    const char *b = strrchr(path, '/');
    char stem[256];
    size_t n, sl = suffix ? strlen(suffix) : 0;

    b = b ? b + 1 : path;
    snprintf(stem, sizeof stem, "%s", b);
    n = strlen(stem);
    if (sl && n >= sl && strcasecmp(stem + n - sl, suffix) == 0) stem[n -= sl] = '\0';
    if (n >= 7 && (strcmp(stem + n - 7, "_config") == 0 ||
                   strcmp(stem + n - 7, "-config") == 0))
        stem[n -= 7] = '\0';
    if (strcmp(stem, "config") == 0) stem[n = 0] = '\0';
    const char *s = stem;
    for (const char *p = stem; *p; p++)
        if ((p[0] == '-' && p[1] == '-') || (p[0] == '_' && p[1] == '_')) s = p + 2;
    snprintf(name, namen, "%s", s);

    size_t o = 0;
    for (const char *p = s; *p && o + 1 < idn; p++) {
        unsigned char ch = (unsigned char)*p;
        if (isalnum(ch) || ch == '.') id[o++] = (char)tolower(ch);
        else if (o > 0 && id[o - 1] != '-') id[o++] = '-';
    }
    while (o > 0 && id[o - 1] == '-') o--;
    id[o] = '\0';
}

int rl_import_file(const char *path, rl_arch *out, rl_gguf_info *info,
                   rl_err *err)
{
    unsigned char head[512];
    size_t n, i;
    FILE *f;

    f = fopen(path, "rb");
    if (!f) return rl_err_set(err, RL_EIO, path, 0, "cannot open: %s", strerror(errno));
    n = fread(head, 1, sizeof head, f);
    int bad = ferror(f);
    fclose(f);
    if (bad) return rl_err_set(err, RL_EIO, path, 0, "read error");
    if (n >= 4 && memcmp(head, "GGUF", 4) == 0)
        return rl_import_gguf(path, out, info, err);
    i = n >= 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF ? 3 : 0;
    while (i < n && isspace(head[i])) i++;          /* after a UTF-8 BOM */
    int rc = i < n && head[i] == '{' ? rl_import_hf(path, out, err)
                                     : rl_arch_load_file(path, out, err);
    if (rc == RL_OK && info) {      /* no tensor table: no exact bytes */
        memset(info, 0, sizeof *info);
        info->file_type = -1;
    }
    return rc;
}
