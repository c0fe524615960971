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
#include "safeio.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>


int rl_import_file(const char *path, rl_arch *out, rl_gguf_info *info,
                   rl_err *err)
{
    unsigned char head[512];
    size_t n, i;
    FILE *f;

    if (!(f = rl_open_input(path, 0, NULL, err))) return err ? err->code : RL_EIO;
    n = fread(head, 1, sizeof head, f);
    int bad = ferror(f);
    fclose(f);
    if (bad) return rl_err_set(err, RL_EIO, path, 0, "read error");
    if (n >= 4 && memcmp(head, "GGUF", 4) == 0)
        return rl_import_gguf(path, out, info, err);
    i = n >= 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF ? 3 : 0;
    while (i < n && isspace(head[i])) i++;          /* after a UTF-8 BOM */
    if (i < n && head[i] == '{') return rl_import_hf_info(path, out, info, err);
    int rc = rl_arch_load_file(path, out, err);
    if (rc == RL_OK && info) {      /* no tensor table: no exact bytes */
        memset(info, 0, sizeof *info);
        info->file_type = -1;
    }
    return rc;
}
