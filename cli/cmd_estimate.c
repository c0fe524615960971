/*
 * cmd_estimate.c -- `ridgeline estimate`: one configuration in, the
 * estimate out (readable text, or --format json|jsonl|csv|md), with the
 * command that launches it.  Accepts vLLM/SGLang flag spellings.
 */
#include "cli.h"
#include "estspec.h"
#include "launch.h"

#include <stdlib.h>
#include <string.h>

static const char usage_text[] =
"usage: ridgeline estimate (--model ID | --model-file config.json|x.gguf|m.cfg)\n"
"                          (--hardware ID | --hardware-file hw.cfg) [--devices N]\n"
"                          [--runtime ID] [--quant ID] [--kv-dtype ID] [--tp N] [--pp N]\n"
"                          [--prompt N] [--output N] [--concurrency N]\n"
"                          [--offload-layers N] [--context N] [--sliding-window N]\n"
"                          [--replicas N] [--gpu-memory-utilization F]\n"
"                          [--ep N | --enable-expert-parallel] [--dp-attention]\n"
"                          [--ambient C] [--power-mode NAME] [--rate R]\n"
"                          [--max-num-seqs N]\n"
"                          [--calibration FILE]\n"
"                          [--catalog DIR]\n"
"                          [--format text|json|jsonl|csv|md] [--json] [--strict] [--cold]\n"
"\n"
"  --prompt 0   decode-only run from an empty context (llama-bench tg)\n"
"  --output 0   prefill-only run (llama-bench pp)\n"
"  --context N  KV cache allocated for N tokens per sequence (default prompt+output);\n"
"               below prompt+output the context is clipped: the last N tokens are\n"
"               kept (prompt truncated, KV evicted past N while decoding)\n"
"  --power-mode NAME  one of the hardware's power_modes (Jetson 7W/15W/25W, MAXN):\n"
"               its power limit and clocks; every throughput follows it\n"
"  --replicas N data-parallel copies of the tp x pp group (default: every copy\n"
"               the devices hold); --gpu-memory-utilization F: the memory share\n"
"               the runtime may claim, in its own rule (vLLM: of all memory)\n"
"  --ep N       MoE models: expert parallelism, whole experts placed E/N per rank\n"
"               over N devices of the tp group (N divides tp, <= experts; alias\n"
"               --ep-size, --expert-parallel-size); --enable-expert-parallel:\n"
"               N = tp (vLLM's flag); default 1: experts sharded by TP\n"
"  --dp-attention  attention and dense layers data-parallel over the tp group\n"
"               (weights whole on every device, each keeping its own sequences'\n"
"               KV: MLA's latent KV is no longer copied to every rank), MoE\n"
"               layers shared (alias --enable-dp-attention; SGLang\n"
"               --enable-dp-attention --dp N, vLLM --data-parallel-size N).\n"
"               Runtimes: vllm, sglang, tensorrt-llm (runtimes.cfg expert_parallel,\n"
"               dp_attention); others refuse them\n"
"  --runtime    default llama.cpp (or the first runtime that loads the model\n"
"               file's own format); --quant default: the model file's own format\n"
"               (GGUF type, HF quantization_config), else fp16; --kv-dtype fp16\n"
"IDs may be spelled as people write them (Q4_K_M, RTX 4090, 4090, vLLM,\n"
"meta-llama/Llama-3.1-8B-Instruct); a short name that fits several entries\n"
"(H100) takes the documented default and says so on stderr.\n"
"  vLLM/SGLang spellings: --tensor-parallel-size / -tp (= --tp),\n"
"               --pipeline-parallel-size / -pp (= --pp), --max-model-len (= --context),\n"
"               --kv-cache-dtype auto|fp8|fp8_e4m3|fp8_e5m2 (= --kv-dtype fp16|fp8)\n"
"  --format     text (default), json (= --json, pretty), jsonl (one line),\n"
"               csv (header + one row), md (Markdown table)\n"
"  --strict     exit 1 when the configuration does not fit (insufficient_memory)\n"
"TTFT is a warm process's: the prompt's prefill, plus (at --concurrency > 1)\n"
"queueing behind other prompts and the rest of the decode step in flight.\n"
"  --cold       TTFT of a single cold run instead: the first prompt after the\n"
"               runtime starts (llama-cli / llama.cpp main), its one-time costs\n"
"               (kernel loading, first allocations: the backend's fitted cold_ms)\n"
"               included; without it, a warm server's (llama-bench, serving)\n"
"TTFT has p10/p50/p90 (held-out error percentiles) and p95.\n"
"  --rate R     also serve R requests/s (Poisson arrivals, all replicas;\n"
"               alias --request-rate): output tok/s served, sequences in flight\n"
"               (Little's law), TTFT/TPOT with the queueing, and the capacity in\n"
"               req/s -- SATURATED when R reaches it (\"serving\" in JSON).\n"
"               \"throughput\" alone is offline: every request queued at once.\n"
"  --max-num-seqs N  with --rate: most sequences a replica batches at once\n"
"               (vLLM --max-num-seqs; default the runtime's, 256 without); the\n"
"               capacity is the best batch up to it.  `solve` with a rate\n"
"               searches it as the concurrency.\n"
"A configuration that does not fit is marked NOT RUNNABLE (\"runnable\": false\n"
"in JSON); its speeds are what it would do if it fit.  The output ends with\n"
"the command that launches it on its runtime (\"launch\" in JSON).\n"
"Defaults: 1 device, prompt 512, output 128, concurrency 1.  Exit status 0 even\n"
"when the configuration does not fit (1 with --strict), 2 on bad input.\n";

typedef struct opts {
    const char *model, *model_file, *hw, *hw_file, *runtime, *quant, *kv;
    const char *calibration, *catalog, *format, *power_mode;
    long devices, tp, pp, prompt, output, conc, offload, context, window, replicas, ep;
    long max_seqs;              /* --max-num-seqs (serving's batch cap), 0 = runtime's */
    double ambient, mem_util, rate;
    int fmt, strict, devices_set, cold, dp_attention;
} opts;

/* The columns of --format csv and md: paths into the --json object. */
static const rl_column columns[] = {
    {"model", "config.model"}, {"hardware", "config.hardware"},
    {"runtime", "config.runtime"}, {"quant", "config.quant"},
    {"kv_dtype", "config.kv_dtype"}, {"devices", "config.devices"},
    {"tp", "config.tp"}, {"pp", "config.pp"}, {"ep", "config.ep"},
    {"dp_attention", "config.dp_attention"}, {"prompt", "config.prompt"},
    {"output", "config.output"}, {"concurrency", "config.concurrency"},
    {"feasibility", "feasibility"}, {"runnable", "runnable"},
    {"decode_tok_s_p50", "decode_tok_s.p50"},
    {"decode_tok_s_total_p50", "decode_tok_s_total.p50"},
    {"prefill_tok_s_p50", "prefill_tok_s.p50"},
    {"ttft_ms_p50", "ttft_ms.p50"}, {"ttft_ms_p95", "ttft_ms.p95"},
    {"tpot_ms_p50", "tpot_ms.p50"}, {"tpot_ms_p95", "tpot_ms.p95"},
    {"e2e_latency_ms_p50", "e2e_latency_ms.p50"},
    {"memory_gib_peak", "memory_gib.device_peak"},
    {"memory_gib_capacity", "memory_gib.device_capacity"},
    {"power_w", "power_w"}, {"tok_per_j", "tok_per_j"}, {"launch", "launch"},
};
#define NCOLS ((int)(sizeof columns / sizeof *columns))

static int parse(int argc, char **argv, opts *o, rl_err *err)
{
    static const struct { const char *flag; size_t off; } strs[] = {
        { "--model-file", offsetof(opts, model_file) }, { "--model", offsetof(opts, model) },
        { "--hardware-file", offsetof(opts, hw_file) }, { "--hardware", offsetof(opts, hw) },
        { "--runtime", offsetof(opts, runtime) }, { "--quant", offsetof(opts, quant) },
        { "--kv-dtype", offsetof(opts, kv) }, { "--kv-cache-dtype", offsetof(opts, kv) },
        { "--calibration", offsetof(opts, calibration) },
        { "--catalog", offsetof(opts, catalog) }, { "--format", offsetof(opts, format) },
        { "--power-mode", offsetof(opts, power_mode) },
    };
    static const struct { const char *flag; size_t off; long min, max; } nums[] = {
        { "--devices", offsetof(opts, devices), 1, 4096 },
        { "--tp", offsetof(opts, tp), 1, 4096 }, { "--pp", offsetof(opts, pp), 1, 4096 },
        { "--tensor-parallel-size", offsetof(opts, tp), 1, 4096 },
        { "-tp", offsetof(opts, tp), 1, 4096 },
        { "--pipeline-parallel-size", offsetof(opts, pp), 1, 4096 },
        { "-pp", offsetof(opts, pp), 1, 4096 },
        { "--max-model-len", offsetof(opts, context), 0, 1000000000 },
        { "--prompt", offsetof(opts, prompt), 0, 100000000 },
        { "--output", offsetof(opts, output), 0, 100000000 },
        { "--concurrency", offsetof(opts, conc), 1, 1000000 },
        { "--offload-layers", offsetof(opts, offload), 0, 100000 },
        { "--context", offsetof(opts, context), 0, 1000000000 },
        { "--sliding-window", offsetof(opts, window), 0, 1000000000 },
        { "--replicas", offsetof(opts, replicas), 1, 4096 },
        { "--max-num-seqs", offsetof(opts, max_seqs), 1, 65536 },
        { "--ep", offsetof(opts, ep), 1, 4096 }, { "--ep-size", offsetof(opts, ep), 1, 4096 },
        { "--expert-parallel-size", offsetof(opts, ep), 1, 4096 },
    };

    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        int hit = 0, r;
        if (strcmp(argv[i], "--json") == 0) { o->format = "json"; continue; }
        if (strcmp(argv[i], "--strict") == 0) { o->strict = 1; continue; }
        if (strcmp(argv[i], "--cold") == 0) { o->cold = 1; continue; }
        if (strcmp(argv[i], "--enable-expert-parallel") == 0) { o->ep = RL_EP_GROUP; continue; }
        if (strcmp(argv[i], "--dp-attention") == 0 ||
            strcmp(argv[i], "--enable-dp-attention") == 0) { o->dp_attention = 1; continue; }
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
        for (int k = 0; k < 2 && !hit; k++) {
            const char *flag = k ? "--request-rate" : "--rate";
            if ((r = rl_arg_value(argc, argv, &i, flag, &v, err)) == 0) continue;
            if (r < 0 || rl_parse_double(flag, v, 1e-6, 1e9, &o->rate, err)) return RL_EINPUT;
            hit = 1;
        }
        if (!hit && (r = rl_arg_value(argc, argv, &i, "--gpu-memory-utilization", &v, err))) {
            if (r < 0 || rl_parse_double("--gpu-memory-utilization", v, 0.01, 1, &o->mem_util,
                                         err))
                return RL_EINPUT;
            hit = 1;
        }
        if (!hit)
            return rl_err_set(err, RL_EINPUT, NULL, 0, "unknown option '%s' "
                              "(ridgeline estimate --help)", argv[i]);
    }
    if (o->format && rl_parse_format(o->format, &o->fmt, err)) return RL_EINPUT;
    if (!o->model == !o->model_file)
        return rl_err_set(err, RL_EINPUT, NULL, 0, "give exactly one of --model or --model-file");
    if (!o->hw == !o->hw_file)
        return rl_err_set(err, RL_EINPUT, NULL, 0,
                          "give exactly one of --hardware or --hardware-file");
    return RL_OK;
}

/* Resolve ids and files into a configuration (estspec.c, shared with
 * `serve`).  Storage for a file-loaded model or profile, and for a
 * checkpoint's own variant of its quant format, is the caller's (arch, hw,
 * fq); said gets the sentences about the choices made. */
static int resolve(const opts *o, rl_catalog *cat, rl_arch *arch, rl_hw *hw,
                   rl_quant *fq, rl_config *c, char *said, size_t n, rl_err *err)
{
    rl_estspec s = {
        .model = o->model, .model_file = o->model_file, .hw = o->hw,
        .hw_file = o->hw_file, .runtime = o->runtime, .quant = o->quant, .kv = o->kv,
        .devices = o->devices, .tp = o->tp, .pp = o->pp, .prompt = o->prompt,
        .output = o->output, .conc = o->conc, .offload = o->offload,
        .context = o->context, .window = o->window, .devices_set = o->devices_set,
        .ambient = o->ambient, .replicas = o->replicas, .mem_util = o->mem_util,
        .power_mode = o->power_mode, .ep = o->ep, .dp_attention = o->dp_attention,
    };
    return rl_estspec_resolve(&s, cat, arch, hw, fq, c, said, n, err);
}

/* Print the estimate in o->fmt; RL_OK or RL_EIO. */
static int show(const opts *o, const rl_config *c, const rl_estimate *e)
{
    rl_config shown;                    /* print the split actually used */
    char launch[RL_LAUNCH_MAX];
    cJSON *j;
    int rc = RL_OK;

    rl_config_normalise(c, &shown, NULL, 0, NULL);
    rl_launch_command(&shown, o->model_file, launch, sizeof launch);
    if (o->fmt == RL_FMT_TEXT) {
        rl_estimate_print(stdout, &shown, e, launch);
        return RL_OK;
    }
    if (!(j = rl_estspec_json(&shown, e, o->model_file))) return RL_EIO;
    if (o->fmt == RL_FMT_JSON || o->fmt == RL_FMT_JSONL) {
        rc = rl_json_print(stdout, j, o->fmt == RL_FMT_JSON);
    } else {
        const char *head[NCOLS];
        rl_table t;
        for (int i = 0; i < NCOLS; i++) head[i] = columns[i].name;
        rl_table_init(&t, head, NCOLS);
        rc = rl_table_add_json(&t, columns, j, j);
        if (rc == RL_OK) rl_table_print(stdout, &t, o->fmt, 1);
        rl_table_free(&t);
    }
    cJSON_Delete(j);
    return rc;
}

/* Append the choices made resolving names and the checkpoint's format
 * to the estimate's assumptions (as many as fit). */
static void add_assumptions(rl_estimate *e, const rl_catalog *cat, char *said)
{
    for (int i = 0; i < rl_catalog_note_count(cat) && e->n_assumptions < RL_MAX_NOTES; i++)
        snprintf(e->assumptions[e->n_assumptions++], RL_NOTE_LEN, "%s", rl_catalog_note(cat, i));
    rl_estspec_note(e, said);
}

int rl_cmd_estimate(int argc, char **argv)
{
    opts o = { .devices = 1, .tp = 1, .pp = 1, .prompt = 512, .output = 128, .conc = 1 };
    rl_err err;
    rl_catalog *cat = NULL;
    rl_arch arch;
    rl_hw hw;
    rl_config c;
    rl_quant fq;
    rl_estimate e;
    char said[512] = "";
    int rc;

    rl_err_clear(&err);
    if (rl_help_asked(argc, argv, usage_text)) return RL_OK;
    if ((rc = parse(argc, argv, &o, &err))) return rl_fail(&err);
    if (!(cat = rl_catalog_open(o.catalog, &err))) return rl_fail(&err);
    rl_catalog_set_notes(cat, stderr);          /* "H100 taken as h100-sxm" */
    if (o.calibration && (rc = rl_catalog_apply_calibration(cat, o.calibration, &err)))
        goto out;
    if ((rc = resolve(&o, cat, &arch, &hw, &fq, &c, said, sizeof said, &err))) goto out;
    c.cold = o.cold;
    c.max_num_seqs = (int)o.max_seqs;
    if ((rc = rl_estimate_run(&c, &e, &err))) goto out;
    if (o.rate > 0 && (rc = rl_serving_run(&c, o.rate, &e.serving))) {
        rl_err_set(&err, rc, NULL, 0, "--rate: this configuration does not run a single "
                   "sequence, so it serves no rate");
        goto out;
    }
    add_assumptions(&e, cat, said);
    if ((rc = show(&o, &c, &e)))
        rl_err_set(&err, RL_EIO, NULL, 0, "cannot write output");
    else if (o.strict && e.feasibility == RL_INSUFFICIENT_MEMORY)
        rc = RL_EINFEASIBLE;
out:
    if (rc > RL_EINFEASIBLE) rl_fail(&err);
    rl_catalog_free(cat);
    return rc;
}
