/*
 * cmd_harness.c -- `ridgeline harness import FILE...`: benchmark tool
 * output and runtime logs in, run records (JSON Lines) out.  What each
 * file gave and what is missing goes to stderr, one line per file.
 */
#include "cli.h"
#include "harness.h"

#include <stdlib.h>
#include <string.h>

static const char usage[] =
"usage: ridgeline harness import FILE... [--out FILE] [--format NAME]\n"
"           [--model ID] [--hardware ID] [--runtime ID] [--runtime-version V]\n"
"           [--quant ID] [--kv-dtype ID] [--devices N] [--timestamp UTC]\n"
"           [--host NAME] [--catalog DIR]\n"
"  Turn benchmark output into run records, one JSON object per line, on\n"
"  stdout or FILE (written atomically).  Formats, recognised by content:\n"
"  llama-bench -o json|jsonl|csv|md, vllm bench serve / benchmark_serving.py\n"
"  --save-result JSON, trtllm-bench throughput report, llama.cpp logs\n"
"  (llama-server, llama-cli, llama-completion; recent builds print memory\n"
"  lines only at -lv 4) and vLLM startup logs.  --format forces one of\n"
"  llama-bench-json, llama-bench-jsonl, llama-bench-csv, llama-bench-md,\n"
"  vllm-bench, trtllm-bench, llama.cpp-log, vllm-log.\n"
"  The flags give what the output does not say (a flag overrides a value\n"
"  the tool printed); stderr says, per file, which key fields came from the\n"
"  tool, which from flags and which are absent.  A printed device name\n"
"  becomes a hardware id when it names one catalog device.  No prompt or\n"
"  generated text is stored; paths keep their base name; --host and host\n"
"  identifiers found in logs are stored only as a stable hash.\n"
"  Exit 0, or 2 when a file cannot be read as any format (nothing written).\n";

typedef struct hopts {
    rl_harness_opts h;
    const char *out, *format, *catalog;
    const char *files[256];
    int nfiles;
} hopts;

static int parse(int argc, char **argv, hopts *o, rl_err *err)
{
    static const struct { const char *flag; size_t off; } str[] = {
        { "--model", offsetof(hopts, h.model_id) }, { "--hardware", offsetof(hopts, h.hardware_id) },
        { "--runtime", offsetof(hopts, h.runtime_id) },
        { "--runtime-version", offsetof(hopts, h.runtime_version) },
        { "--quant", offsetof(hopts, h.quant) }, { "--kv-dtype", offsetof(hopts, h.kv_dtype) },
        { "--timestamp", offsetof(hopts, h.timestamp_utc) }, { "--host", offsetof(hopts, h.host) },
        { "--out", offsetof(hopts, out) }, { "--format", offsetof(hopts, format) },
        { "--catalog", offsetof(hopts, catalog) },
    };
    for (int i = 2; i < argc; i++) {
        const char *v;
        int r = 0;
        if (strcmp(argv[i], "--help") == 0) { fputs(usage, stdout); return -1; }
        for (size_t k = 0; k < sizeof str / sizeof *str && r == 0; k++)
            if ((r = rl_arg_value(argc, argv, &i, str[k].flag, &v, err)) > 0)
                *(const char **)((char *)o + str[k].off) = v;
        if (r < 0) return RL_EINPUT;
        if (r) continue;
        if ((r = rl_arg_value(argc, argv, &i, "--devices", &v, err)) < 0) return RL_EINPUT;
        if (r) {
            long n;
            if (rl_parse_long("--devices", v, 1, 65536, &n, err)) return RL_EINPUT;
            o->h.n_devices = (int)n;
            continue;
        }
        if (argv[i][0] == '-' && argv[i][1])
            return rl_err_set(err, RL_EINPUT, NULL, 0, "unknown option '%s'", argv[i]);
        if (o->nfiles == 256) return rl_err_set(err, RL_EINPUT, NULL, 0, "more than 256 files");
        o->files[o->nfiles++] = argv[i];
    }
    if (o->nfiles == 0)
        return rl_err_set(err, RL_EINPUT, NULL, 0, "harness import needs at least one FILE");
    if (o->format && rl_harness_format_parse(o->format) == RL_HF_UNKNOWN)
        return rl_err_set(err, RL_EINPUT, NULL, 0, "--format: unknown format '%s' (see "
                          "ridgeline harness import --help)", o->format);
    return RL_OK;
}

/* The key fields whose origin is `state`, as "; LABEL: a, b". */
static void fields_from(const rl_harness_report *rep, int state, const char *label)
{
    int first = 1;
    for (int k = 0; k < RL_HK_N; k++) {
        if (rep->from[k] != state) continue;
        fprintf(stderr, "%s%s", first ? label : ", ", rl_harness_key_name(k));
        first = 0;
    }
}

/* One stderr line: what the file gave, what flags gave, what is absent. */
static void report(const char *file, int nrec, const rl_harness_report *rep)
{
    fprintf(stderr, "harness: %s: %s, %d record%s", file, rl_harness_format_name(rep->fmt), nrec,
            nrec == 1 ? "" : "s");
    if (rep->skipped)
        fprintf(stderr, " (%d test%s skipped: pp+tg or prompt after depth)", rep->skipped,
                rep->skipped == 1 ? "" : "s");
    fields_from(rep, RL_HS_TOOL, "; from the tool: ");
    fields_from(rep, RL_HS_FLAG, "; from flags: ");
    fields_from(rep, RL_HS_MIXED, "; from the tool and flags: ");
    fields_from(rep, RL_HS_ABSENT, "; absent: ");
    if (rep->note[0]) fprintf(stderr, "; %s", rep->note);
    fputc('\n', stderr);
}

static int import_all(hopts *o, rl_runrec **recs, int *n, rl_err *err)
{
    int fmt = o->format ? rl_harness_format_parse(o->format) : RL_HF_UNKNOWN;

    for (int i = 0; i < o->nfiles; i++) {
        rl_harness_report rep;
        int before = *n, rc = rl_harness_import(o->files[i], fmt, &o->h, recs, n, &rep, err);
        if (rc) return rc;
        report(o->files[i], *n - before, &rep);
    }
    return RL_OK;
}

static int harness_import(int argc, char **argv)
{
    hopts o;
    rl_err err;
    rl_catalog *cat;
    rl_runrec *recs = NULL;
    int n = 0, rc;

    memset(&o, 0, sizeof o);
    rl_err_clear(&err);
    if ((rc = parse(argc, argv, &o, &err))) return rc < 0 ? RL_OK : rl_fail(&err);
    if (!(cat = rl_catalog_open(o.catalog, &err))) return rl_fail(&err);
    o.h.cat = cat;
    rc = import_all(&o, &recs, &n, &err);
    if (rc == RL_OK) {
        /* build the whole output first: nothing is written on failure */
        size_t len = 0, cap = 4096;
        char *text = malloc(cap);
        for (int i = 0; text && i < n; i++) {
            char *line = rl_runrec_line(&recs[i]);
            size_t k = line ? strlen(line) : 0;
            if (line && len + k + 2 > cap) {
                char *g = realloc(text, cap = (len + k + 2) * 2);
                if (!g) { free(text); text = NULL; }
                else text = g;
            }
            if (!line || !text) { free(line); free(text); text = NULL; break; }
            memcpy(text + len, line, k);
            len += k;
            text[len++] = '\n';
            free(line);
        }
        if (!text) rc = rl_err_set(&err, RL_EIO, NULL, 0, "out of memory");
        else {
            text[len] = '\0';
            rc = rl_write_atomic(o.out ? o.out : "-", text, &err);
        }
        free(text);
    }
    free(recs);
    rl_catalog_free(cat);
    return rc ? rl_fail(&err) : RL_OK;
}

int rl_cmd_harness(int argc, char **argv)
{
    rl_err err;

    rl_err_clear(&err);
    if (argc >= 2 && strcmp(argv[1], "import") == 0) return harness_import(argc, argv);
    if (argc >= 2 && strcmp(argv[1], "--help") == 0) { fputs(usage, stdout); return RL_OK; }
    if (argc < 2) rl_err_set(&err, RL_EINPUT, NULL, 0, "harness needs a subcommand: import");
    else rl_err_set(&err, RL_EINPUT, NULL, 0, "harness: unknown subcommand '%s' (try: import)",
                    argv[1]);
    return rl_fail(&err);
}
