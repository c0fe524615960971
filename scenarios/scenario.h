/*
 * scenario.h -- a scenario file (libconfig): what to deploy, on what, for
 * which workload, under which requirements, searched over which axes.
 * The format is DESIGN.md "Scenario file"; every key is listed in
 * README.md "Solving scenarios".
 *
 *     rl_scenario *s = NULL;
 *     if (rl_scenario_load("x.cfg", cat, &s, &err) != RL_OK) {
 *         rl_err_print(&err, stderr);          // x.cfg:12: error: ...
 *     }
 *     ... rl_solve(s, cat, &opts, &res, &err) ...
 *     rl_scenario_free(s);
 *
 * The loader validates everything it can without solving: types, ranges,
 * unknown keys (with "did you mean"), unknown catalog ids, relative
 * model_file / hardware_file paths (resolved against the scenario file's
 * folder).  Errors name the file and the line of the offending setting.
 *
 * rl_scenario is plain data that callers read; only the loader writes it.
 * Runtime/quant/kv pointers are borrowed from the catalog passed to
 * rl_scenario_load, so the catalog must outlive the scenario.
 */
#ifndef RL_SCENARIO_H
#define RL_SCENARIO_H

#include "rl_err.h"
#include "arch.h"
#include "hardware.h"
#include "catalog.h"

#define RL_SCN_MAX_RT 16        /* runtimes listed */
#define RL_SCN_MAX_AXIS 32      /* values per search axis */

enum rl_workload_mode {
    RL_MODE_DECODE = 0,         /* interactive generation: prompt + output */
    RL_MODE_PREFILL = 1,        /* prompt processing only (output ignored) */
    RL_MODE_ENCODER = 2,        /* encoder model: one forward pass per input */
    RL_MODE_STREAMING = 3       /* long-running generation, throughput first */
};

enum rl_offload_mode {
    RL_OFFLOAD_NONE = 0,        /* every layer on the devices */
    RL_OFFLOAD_PARTIAL = 1,     /* fewest host-RAM layers that make it fit */
    RL_OFFLOAD_FULL = 2         /* every layer in host RAM */
};

/* Requirements; 0 (or a negative value where noted) means "no limit". */
typedef struct rl_scn_req {
    double ttft_ms_p95;         /* time to first token, p95 bound */
    double tpot_ms_p95;         /* time per output token, p95 bound */
    double min_decode_tok_s;    /* per-sequence decode speed, p50 floor */
    double min_total_tok_s;     /* aggregate decode speed, p50 floor */
    double power_w_max;         /* board power of all used devices */
    double ambient_c;           /* ambient temperature (0 = hardware's) */
    double max_temp_c;          /* die limit (0 = hardware's max_c) */
    int deterministic;          /* 1: fixed shapes, no paging, no offload */
    int allow_kv_eviction;      /* 1: signoff may hold a sliding window of
                                   the context that fits (attention sinks +
                                   recent tokens) instead of all of it */
    int sram_resident;          /* 1: weights + KV working set must stay in
                                   on-chip SRAM (no spill to DRAM) */
    long context_tokens;        /* tokens each sequence must hold
                                   (0 = prompt_tokens + output_tokens) */
    double max_quality_loss;    /* bound on the quant's published quality
                                   cost, % (default RL_SCN_QUALITY_DEFAULT) */
    double memory_margin_pct;   /* device memory left free, % of usable */
    double input_latency_ms_p95;/* encoders: p95 latency of one input (a
                                   batch of `concurrency` inputs); the
                                   loader folds it into ttft_ms_p95 */
    double min_inputs_per_s;    /* encoders: inputs per second floor; folded
                                   into min_total_tok_s (x input_tokens) */
} rl_scn_req;

/* Default requirements.max_quality_loss, %: above every 4-bit-or-wider
 * format's published cost (q4_0 7.5) and below every 2-3 bit one's
 * (q3_k_l 8.9), so low-bit formats are recommended only when allowed. */
#define RL_SCN_QUALITY_DEFAULT 8.0

/* Largest concurrency of the default concurrency axis (a workload that
 * names none): vLLM's default max_num_seqs is 256. */
#define RL_SCN_CONC_MAX 256

/* Largest workload.request_rate, requests/s: a million requests a second
 * is beyond any fleet one scenario describes (its devices share one
 * model); above it is a unit slip (per minute, per day). */
#define RL_SCN_RATE_MAX 1e6

/* A second, encoder stream sharing the part with the LLM (top-level key
 * encoder_stream; signoff only -- solve does not search it). */
typedef struct rl_scn_stream {
    int set;                    /* 1: the scenario has one */
    rl_arch model;              /* encoder model (catalog copy) */
    const rl_runtime *rt;       /* default: the scenario's first runtime */
    const rl_quant *quant;      /* default: int8 where the runtime has it */
    double inputs_per_s;        /* arrival rate, > 0 */
    double latency_ms_p95;      /* per-input bound (0: none) */
} rl_scn_stream;

typedef struct rl_scenario {
    char path[512];             /* file as given */
    char dir[512];              /* its folder ("." when none) */
    char name[128];             /* `name`, or the file's base name */

    char model_id[64];          /* catalog id or the model file's id */
    rl_arch model;              /* copy: catalog entry or imported file */
    double weight_bytes;        /* exact weight bytes (GGUF file), else 0 */
    char file_quant[24];        /* the file's own format: GGUF file_type or HF
                                   quantization_config ("" unknown) */
    rl_quant file_q;            /* HF: that format with the layers the
                                   checkpoint keeps bf16 (id "" when none) */
    char hw_id[64];
    rl_hw hw;                   /* copy: catalog entry or hardware file */
    int devices;                /* devices available (default hw.count) */
    char power_mode[16];        /* the hardware's power mode ("" = the
                                   profile's own figures) */
    rl_scn_stream enc_stream;   /* hybrid streaming: encoder + LLM */

    int n_runtimes;             /* >= 1 */
    const rl_runtime *runtimes[RL_SCN_MAX_RT];

    int mode;                   /* enum rl_workload_mode */
    long prompt_tokens;         /* default 512 */
    long output_tokens;         /* default 128 (0 in prefill/encoder mode) */
    int concurrency;            /* default 1; with request_rate: the batch
                                   cap (max_num_seqs) of each replica */
    double request_rate;        /* workload.request_rate: requests/s over all
                                   replicas (Poisson), 0 = none: candidates
                                   are served at it (rl_serving_run) */

    rl_scn_req req;

    /* Search axes.  n_* == 0: the axis was omitted, the solver uses
     * everything the runtime and hardware support (README.md "Solving scenarios"). */
    int n_quant;   const rl_quant *quant[RL_SCN_MAX_AXIS];
    int n_kv;      const rl_kvtype *kv[RL_SCN_MAX_AXIS];
    int n_tp;      int tp[RL_SCN_MAX_AXIS];
    int n_pp;      int pp[RL_SCN_MAX_AXIS];
    int n_cap;     long context_cap[RL_SCN_MAX_AXIS];
    int n_offload; int offload[3];           /* enum rl_offload_mode */
    int n_window;  long sliding_window[RL_SCN_MAX_AXIS];
    int n_conc;    int concurrency_axis[RL_SCN_MAX_AXIS];
    int concurrency_searched;   /* 1: the workload named no concurrency, so
                                   the axis is 1, 2, 4 ... RL_SCN_CONC_MAX */
    int n_ep;      int ep[RL_SCN_MAX_AXIS];      /* expert-parallel degrees
                                   (MoE); each tp keeps those that divide it */
    int n_dpa;     int dp_attention[2];          /* 0 / 1 (MoE DP-attention) */
    int n_rep;     int replicas[RL_SCN_MAX_AXIS]; /* 0 values: every copy
                                   that fits beside the split (default) */
    double mem_util;            /* gpu_memory_utilization (0 = runtime's) */

    char objective[32];         /* as written ("" = throughput); checked by
                                   the solver against objectives/registry */
    int objective_line;         /* its line, for the solver's error */
    int top;                    /* configurations to recommend, default 5 */
} rl_scenario;

/* Load and validate `path`.  On success *out is an owned scenario (free
 * with rl_scenario_free) and RL_OK is returned.  On failure *out is NULL
 * and err holds RL_EIO (unreadable) or RL_EINPUT (syntax, type, range,
 * unknown key or id) with the file and line.  `cat` is borrowed and must
 * outlive the scenario. */
int rl_scenario_load(const char *path, const rl_catalog *cat,
                     rl_scenario **out, rl_err *err);

/* Same, from a string; `name` stands in for the file name in errors and
 * relative paths resolve against the current directory (@include too:
 * each must name a regular file, as for a file, cfg.h). */
int rl_scenario_load_string(const char *text, const char *name,
                            const rl_catalog *cat, rl_scenario **out,
                            rl_err *err);

/* Same, from settings built in memory (rl_scenario_from_flags); `name`
 * ("" or NULL: none) stands in for the file name in errors, relative
 * paths resolve against the current directory. */
int rl_scenario_load_config(config_t *cfg, const char *name, const rl_catalog *cat,
                            rl_scenario **out, rl_err *err);

/* A scenario from command-line flags, as `ridgeline solve --model ...
 * --hardware ... --isl N --osl N --ttft MS --tpot MS` takes them
 * (scenario_flags.c).  argv holds only scenario flags ("--flag VALUE" or
 * "--flag=VALUE"); each sets the scenario key it stands for and the
 * loader above applies the same defaults and validation as for a file.
 * Returns RL_OK with an owned *out, or RL_EINPUT naming the flag. */
int rl_scenario_from_flags(int argc, const char *const *argv, const rl_catalog *cat,
                           rl_scenario **out, rl_err *err);

/* 1 when `arg` ("--isl", "--isl=4096") is a scenario flag of
 * rl_scenario_from_flags, else 0. */
int rl_scenario_is_flag(const char *arg);

/* Print the scenario flags and the keys they set, for --help. */
void rl_scenario_flags_help(FILE *out);

void rl_scenario_free(rl_scenario *s);      /* NULL is a no-op */

/* Tokens one sequence must hold: req.context_tokens, else prompt+output. */
long rl_scenario_context(const rl_scenario *s);

const char *rl_workload_mode_name(int mode);  /* "decode" ... */
const char *rl_offload_mode_name(int mode);   /* "none" | "partial" | "full" */

#endif
