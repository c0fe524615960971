/*
 * scenario_flags.c -- a scenario from command-line flags (scenario.h,
 * rl_scenario_from_flags), so that `solve` runs without a file, like
 * aiconfigurator's CLI:
 *
 *     ridgeline solve --model llama-3.1-70b --hardware h100-sxm --devices 8 \
 *                     --isl 4096 --osl 512 --ttft 1500 --tpot 60
 *
 * Each flag is one row of a table naming the scenario key it sets.  The
 * flags are turned into libconfig settings in memory -- exactly the tree
 * a scenario file with those keys parses into -- and handed to the same
 * loader (rl_scenario_load_config), so defaults and validation are the
 * file's and a flag run equals the equivalent file by construction.
 * Only the loader's key names in error messages are translated back to
 * the flag the user typed.
 */
#include "scenario.h"
#include "launch.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

enum ftype {
    F_STR,                      /* string */
    F_INT,                      /* integer */
    F_NUM,                      /* number */
    F_STRS,                     /* comma list of strings */
    F_INTS,                     /* comma list of integers */
    F_KVS,                      /* comma list of KV dtypes (vLLM names too) */
    F_CONC                      /* one integer: workload.concurrency;
                                   a list: search.concurrency */
};

static const struct sflag {
    const char *names;          /* spellings, space-separated */
    const char *key;            /* scenario key ("group.name") */
    int type;                   /* enum ftype */
    const char *help;
} sflags[] = {
    {"--model", "model", F_STR, "catalog model id"},
    {"--model-file", "model_file", F_STR, "config.json, GGUF or model spec"},
    {"--hardware", "hardware", F_STR, "catalog hardware id"},
    {"--hardware-file", "hardware_file", F_STR, "hardware profile"},
    {"--devices", "devices", F_INT, "devices available"},
    {"--runtime --runtimes", "runtimes", F_STRS, "runtime ids (default: all)"},
    {"--name", "name", F_STR, "label in the output"},
    {"--mode", "workload.mode", F_STR, "decode | prefill | encoder | streaming"},
    {"--isl --prompt", "workload.prompt_tokens", F_INT, "prompt tokens per request"},
    {"--osl --output", "workload.output_tokens", F_INT, "output tokens per request"},
    {"--concurrency", "workload.concurrency", F_CONC,
     "concurrent sequences (a list: batch sizes to try)"},
    {"--rate --request-rate", "workload.request_rate", F_NUM,
     "requests/s over all replicas; --concurrency is then the batch cap"},
    {"--ttft", "requirements.ttft_ms_p95", F_NUM, "p95 time to first token bound, ms"},
    {"--tpot", "requirements.tpot_ms_p95", F_NUM, "p95 time per output token bound, ms"},
    {"--min-decode-tok-s", "requirements.min_decode_tok_s", F_NUM, "per-sequence floor"},
    {"--min-total-tok-s", "requirements.min_total_tok_s", F_NUM, "aggregate floor"},
    {"--power", "requirements.power_w_max", F_NUM, "power envelope of used devices, W"},
    {"--context --max-model-len", "requirements.context_tokens", F_INT,
     "tokens each sequence must hold"},
    {"--quant", "search.quant", F_STRS, "weight formats to try"},
    {"--kv-dtype --kv-cache-dtype", "search.kv_dtype", F_KVS,
     "KV dtypes to try (auto, fp8, fp8_e4m3, fp8_e5m2 as in vLLM)"},
    {"--tp --tensor-parallel-size -tp", "search.tp", F_INTS, "tensor-parallel degrees"},
    {"--pp --pipeline-parallel-size -pp", "search.pp", F_INTS, "pipeline degrees"},
    {"--ep --ep-size --expert-parallel-size", "search.ep", F_INTS,
     "expert-parallel degrees (MoE; default 1 and tp where the runtime has EP)"},
    {"--context-cap", "search.context_cap", F_INTS, "KV tokens allocated per sequence"},
    {"--offload", "search.offload", F_STRS, "none, partial, full"},
};
#define NSFLAGS ((int)(sizeof sflags / sizeof *sflags))

/* The row whose spellings include `a` up to '=' (or its end); -1 none. */
static int find_flag(const char *a)
{
    size_t n = strcspn(a, "=");
    for (int i = 0; i < NSFLAGS; i++)
        for (const char *p = sflags[i].names; *p;) {
            size_t len = strcspn(p, " ");
            if (len == n && strncmp(p, a, n) == 0) return i;
            p += len + (p[len] == ' ');
        }
    return -1;
}

int rl_scenario_is_flag(const char *arg)
{
    return arg && arg[0] == '-' && find_flag(arg) >= 0;
}

void rl_scenario_flags_help(FILE *out)
{
    for (int i = 0; i < NSFLAGS; i++) {
        char lhs[48];
        snprintf(lhs, sizeof lhs, "%s", sflags[i].names);
        for (char *p = lhs; *p; p++) if (*p == ' ') *p = ',';
        fprintf(out, "  %-34s %s (%s)\n", lhs, sflags[i].help, sflags[i].key);
    }
}

/* The group a key lives in (created on demand) and its last part. */
static config_setting_t *parent_of(config_t *cfg, const char *key, const char **leaf)
{
    config_setting_t *root = config_root_setting(cfg), *g;
    const char *dot = strchr(key, '.');
    char grp[32];
    if (!dot) {
        *leaf = key;
        return root;
    }
    snprintf(grp, sizeof grp, "%.*s", (int)(dot - key), key);
    *leaf = dot + 1;
    g = config_setting_get_member(root, grp);
    return g ? g : config_setting_add(root, grp, CONFIG_TYPE_GROUP);
}

static int parse_int(const char *flag, const char *s, int *v, rl_err *err)
{
    char *end;
    long x;
    errno = 0;
    x = strtol(s, &end, 10);
    if (!*s || *end || errno || x < INT_MIN || x > INT_MAX)
        return rl_err_set(err, RL_EINPUT, NULL, 0, "%s expects an integer, got '%s'", flag, s);
    *v = (int)x;
    return RL_OK;
}

/* Add the setting for one flag's value. */
static int add_value(config_t *cfg, const struct sflag *f, const char *flag, const char *v,
                     rl_err *err)
{
    const char *key = f->key, *leaf;
    int type = f->type, multi = strchr(v, ',') != NULL;
    if (type == F_CONC) {
        type = multi ? F_INTS : F_INT;
        if (multi) key = "search.concurrency";
    }
    config_setting_t *p = parent_of(cfg, key, &leaf), *m;
    if (!p || config_setting_get_member(p, leaf))
        return rl_err_set(err, RL_EINPUT, NULL, 0, "%s: '%s' is already set by an earlier "
                          "flag (give lists as a,b,c)", flag, key);
    if (type == F_STR) {
        m = config_setting_add(p, leaf, CONFIG_TYPE_STRING);
        return m && config_setting_set_string(m, v) ? RL_OK : RL_EIO;
    }
    if (type == F_INT) {
        int x;
        if (parse_int(flag, v, &x, err)) return RL_EINPUT;
        m = config_setting_add(p, leaf, CONFIG_TYPE_INT);
        return m && config_setting_set_int(m, x) ? RL_OK : RL_EIO;
    }
    if (type == F_NUM) {
        char *end;
        double x = strtod(v, &end);
        if (!*v || *end)
            return rl_err_set(err, RL_EINPUT, NULL, 0, "%s expects a number, got '%s'", flag, v);
        m = config_setting_add(p, leaf, CONFIG_TYPE_FLOAT);
        return m && config_setting_set_float(m, x) ? RL_OK : RL_EIO;
    }
    if (!(m = config_setting_add(p, leaf, CONFIG_TYPE_ARRAY))) return RL_EIO;
    for (const char *q = v;;) {         /* comma list */
        char item[128];
        size_t len = strcspn(q, ",");
        int x;
        snprintf(item, sizeof item, "%.*s", (int)len, q);
        if (!item[0])
            return rl_err_set(err, RL_EINPUT, NULL, 0, "%s: empty item in '%s'", flag, v);
        if (type == F_INTS) {
            if (parse_int(flag, item, &x, err)) return RL_EINPUT;
            if (!config_setting_set_int_elem(m, -1, x)) return RL_EIO;
        } else if (!config_setting_set_string_elem(m, -1, type == F_KVS
                                                          ? rl_launch_kv_alias(item) : item)) {
            return RL_EIO;
        }
        if (!q[len]) break;
        q += len + 1;
    }
    return RL_OK;
}

/* Replace the first whole-word `key` in msg with `flag`. */
static void key_to_flag(char *msg, size_t n, const char *key, const char *flag)
{
    char *p = strstr(msg, key), tmp[512];
    size_t kl = strlen(key);
    if (!p) return;
    char c = p[kl];
    if ((c >= 'a' && c <= 'z') || c == '_' || c == '.') return;
    snprintf(tmp, sizeof tmp, "%.*s%s%s", (int)(p - msg), msg, flag, p + kl);
    snprintf(msg, n, "%s", tmp);
}

/* The two things a scenario cannot do without, asked for as flags. */
static int require(config_t *cfg, rl_err *err)
{
    const config_setting_t *r = config_root_setting(cfg);
    if (!config_setting_get_member(r, "model") && !config_setting_get_member(r, "model_file"))
        return rl_err_set(err, RL_EINPUT, NULL, 0, "solve needs --model ID (or --model-file "
                          "FILE) with its flags, or a scenario file");
    if (!config_setting_get_member(r, "hardware") &&
        !config_setting_get_member(r, "hardware_file"))
        return rl_err_set(err, RL_EINPUT, NULL, 0, "solve needs --hardware ID (or "
                          "--hardware-file FILE) with its flags, or a scenario file");
    return RL_OK;
}

int rl_scenario_from_flags(int argc, const char *const *argv, const rl_catalog *cat,
                           rl_scenario **out, rl_err *err)
{
    config_t cfg;
    int rc = RL_OK;
    *out = NULL;
    config_init(&cfg);
    for (int i = 0; rc == RL_OK && i < argc; i++) {
        int k = find_flag(argv[i]);
        char flag[48];
        const char *eq = strchr(argv[i], '='), *v;
        snprintf(flag, sizeof flag, "%.*s", (int)strcspn(argv[i], "="), argv[i]);
        if (k < 0) {
            rc = rl_err_set(err, RL_EINPUT, NULL, 0, "unknown scenario flag '%s'", flag);
            break;
        }
        if (eq) v = eq + 1;
        else if (i + 1 < argc) v = argv[++i];
        else {
            rc = rl_err_set(err, RL_EINPUT, NULL, 0, "%s needs a value", flag);
            break;
        }
        rc = add_value(&cfg, &sflags[k], flag, v, err);
        if (rc == RL_EIO) rl_err_set(err, RL_EIO, NULL, 0, "out of memory");
    }
    if (rc == RL_OK) rc = require(&cfg, err);
    if (rc == RL_OK) rc = rl_scenario_load_config(&cfg, "", cat, out, err);
    if (rc != RL_OK && err) {       /* name the flag, not the file key */
        for (int i = 0; i < argc; i++) {
            int k = find_flag(argv[i]);
            char flag[48];
            if (k < 0 || (!strchr(sflags[k].key, '.') && strcmp(sflags[k].key, "devices")))
                continue;           /* "unknown model 'x'" stays as it is */
            snprintf(flag, sizeof flag, "%.*s", (int)strcspn(argv[i], "="), argv[i]);
            key_to_flag(err->msg, sizeof err->msg, sflags[k].key, flag);
            if (sflags[k].type == F_CONC)
                key_to_flag(err->msg, sizeof err->msg, "search.concurrency", flag);
        }
    } else if (rc == RL_OK && !(*out)->name[0]) {
        snprintf((*out)->name, sizeof (*out)->name, "command-line");
    }
    config_destroy(&cfg);
    return rc;
}
