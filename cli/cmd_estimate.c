/*
 * cmd_estimate.c -- `ridgeline estimate`: one configuration in, the
 * estimate out (table, or --json per the DESIGN.md contract).
 */
#include "cli.h"
#include "estspec.h"

#include <stdlib.h>
#include <string.h>

static const char usage_text[] =
"usage: ridgeline estimate (--model ID | --model-file config.json|x.gguf|m.cfg)\n"
"                          (--hardware ID | --hardware-file hw.cfg) [--devices N]\n"
"                          [--runtime ID] [--quant ID] [--kv-dtype ID] [--tp N] [--pp N]\n"
"                          [--prompt N] [--output N] [--concurrency N]\n"
"                          [--offload-layers N] [--context N] [--sliding-window N]\n"
"                          [--ambient C] [--calibration FILE] [--catalog DIR] [--json]\n"
"\n"
"  --prompt 0   decode-only run from an empty context (llama-bench tg)\n"
"  --output 0   prefill-only run (llama-bench pp)\n"
"  --context N  KV cache allocated for N tokens per sequence (default prompt+output)\n"
"  --runtime    default llama.cpp; --quant default fp16 where the runtime has it\n"
"               (a GGUF file's own type otherwise); --kv-dtype default fp16\n"
"TTFT is a warm process's: the prompt's prefill, plus (at --concurrency > 1)\n"
"queueing behind other prompts and the rest of the decode step in flight.\n"
"Defaults: 1 device, prompt 512, output 128, concurrency 1.  Exit status 0 even\n"
"when the configuration does not fit (feasibility says so), 2 on bad input.\n";

typedef struct opts {
    const char *model, *model_file, *hw, *hw_file, *runtime, *quant, *kv;
    const char *calibration, *catalog;
    long devices, tp, pp, prompt, output, conc, offload, context, window;
    double ambient;
    int json, devices_set;
} opts;

static int parse(int argc, char **argv, opts *o, rl_err *err)
{
    static const struct { const char *flag; size_t off; } strs[] = {
        { "--model-file", offsetof(opts, model_file) }, { "--model", offsetof(opts, model) },
        { "--hardware-file", offsetof(opts, hw_file) }, { "--hardware", offsetof(opts, hw) },
        { "--runtime", offsetof(opts, runtime) }, { "--quant", offsetof(opts, quant) },
        { "--kv-dtype", offsetof(opts, kv) }, { "--calibration", offsetof(opts, calibration) },
        { "--catalog", offsetof(opts, catalog) },
    };
    static const struct { const char *flag; size_t off; long min, max; } nums[] = {
        { "--devices", offsetof(opts, devices), 1, 4096 },
        { "--tp", offsetof(opts, tp), 1, 4096 }, { "--pp", offsetof(opts, pp), 1, 4096 },
        { "--prompt", offsetof(opts, prompt), 0, 100000000 },
        { "--output", offsetof(opts, output), 0, 100000000 },
        { "--concurrency", offsetof(opts, conc), 1, 1000000 },
        { "--offload-layers", offsetof(opts, offload), 0, 100000 },
        { "--context", offsetof(opts, context), 0, 1000000000 },
        { "--sliding-window", offsetof(opts, window), 0, 1000000000 },
    };

    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        int hit = 0, r;
        if (strcmp(argv[i], "--json") == 0) { o->json = 1; continue; }
        for (size_t k = 0; !hit && k < sizeof strs / sizeof *strs; k++) {
            if ((r = rl_arg_value(argc, argv, &i, strs[k].flag, &v, err)) < 0) return RL_EINPUT;
            if (r) { *(const char **)((char *)o + strs[k].off) = v; hit = 1; }
        }
        for (size_t k = 0; !hit && k < sizeof nums / sizeof *nums; k++) {
            if ((r = rl_arg_value(argc, argv, &i, nums[k].flag, &v, err)) < 0) return RL_EINPUT;
            if (r) {
                if (rl_parse_long(nums[k].flag, v, nums[k].min, nums[k].max,
                                  (long *)((char *)o + nums[k].off), err))
                    return RL_EINPUT;
                if (strcmp(nums[k].flag, "--devices") == 0) o->devices_set = 1;
                hit = 1;
            }
        }
        if (!hit && (r = rl_arg_value(argc, argv, &i, "--ambient", &v, err)) != 0) {
            if (r < 0 || rl_parse_double("--ambient", v, -60, 150, &o->ambient, err))
                return RL_EINPUT;
            hit = 1;
        }
        if (!hit)
            return rl_err_set(err, RL_EINPUT, NULL, 0, "unknown option '%s' "
                              "(ridgeline estimate --help)", argv[i]);
    }
    if (!o->model == !o->model_file)
        return rl_err_set(err, RL_EINPUT, NULL, 0, "give exactly one of --model or --model-file");
    if (!o->hw == !o->hw_file)
        return rl_err_set(err, RL_EINPUT, NULL, 0,
                          "give exactly one of --hardware or --hardware-file");
    return RL_OK;
}

/* Resolve ids and files into a configuration (estspec.c, shared with
 * `serve`).  Storage for a file-loaded model or profile is the caller's. */
static int resolve(const opts *o, rl_catalog *cat, rl_arch *arch, rl_hw *hw,
                   rl_config *c, rl_err *err)
{
    rl_estspec s = {
        .model = o->model, .model_file = o->model_file, .hw = o->hw,
        .hw_file = o->hw_file, .runtime = o->runtime, .quant = o->quant, .kv = o->kv,
        .devices = o->devices, .tp = o->tp, .pp = o->pp, .prompt = o->prompt,
        .output = o->output, .conc = o->conc, .offload = o->offload,
        .context = o->context, .window = o->window, .devices_set = o->devices_set,
        .ambient = o->ambient,
    };
    return rl_estspec_resolve(&s, cat, arch, hw, c, err);
}

int rl_cmd_estimate(int argc, char **argv)
{
    opts o = { .devices = 1, .tp = 1, .pp = 1, .prompt = 512, .output = 128, .conc = 1 };
    rl_err err;
    rl_catalog *cat = NULL;
    rl_arch arch;
    rl_hw hw;
    rl_config c;
    rl_estimate e;
    int rc;

    rl_err_clear(&err);
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(usage_text, stdout);
            return RL_OK;
        }
    if ((rc = parse(argc, argv, &o, &err))) return rl_fail(&err);
    if (!(cat = rl_catalog_open(o.catalog, &err))) return rl_fail(&err);
    if (o.calibration && (rc = rl_catalog_apply_calibration(cat, o.calibration, &err)))
        goto out;
    if ((rc = resolve(&o, cat, &arch, &hw, &c, &err))) goto out;
    if ((rc = rl_estimate_run(&c, &e, &err))) goto out;
    {
        rl_config shown;                  /* print the split actually used */
        rl_config_normalise(&c, &shown, NULL, 0, NULL);
        if (o.json) {
            cJSON *j = rl_estimate_json(&shown, &e);
            rc = j ? rl_json_print(stdout, j, 1) : RL_EIO;
            cJSON_Delete(j);
        } else {
            rl_estimate_print(stdout, &shown, &e);
        }
    }
out:
    if (rc) rl_fail(&err);
    rl_catalog_free(cat);
    return rc;
}
