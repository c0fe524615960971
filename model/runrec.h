/*
 * runrec.h -- the benchmark run record: one measured run of one model on
 * one machine, as JSON Lines (one object per line).
 *
 * The record is what `ridgeline harness import` makes of a tool's output,
 * what `ridgeline runs add` keeps in the run store (runstore.h) and what
 * `calibrate --runs` / `validate --runs` read.  Schema (README, "Your own
 * runs"); only run_id, timestamp_utc, source.tool and one metric are
 * required, every other field may be absent (the tool did not say):
 *
 *   { "run_id": "llama-bench-0c1d...", "timestamp_utc": "2024-05-18T10:15:02Z",
 *     "model_id": "llama-3-8b", "model_name": "Meta-Llama-3-8B.Q4_K_M.gguf",
 *     "runtime_id": "llama.cpp", "runtime_version": "b2824 (4426e298)",
 *     "hardware_id": "rtx-4090", "hardware_name": "NVIDIA GeForce RTX 4090",
 *     "n_devices": 1, "quant": "q4_k_m", "kv_dtype": "fp16",
 *     "context_tokens": 512, "output_tokens": 0, "n_ctx": 8192,
 *     "concurrency": 1, "request_rate": 2.0, "ttft_scope": "engine",
 *     "parallelism": { "tp": 1, "pp": 1 },
 *     "metrics": { "prefill_toks_sec": 7138.99, ... },
 *     "env": { "host_hash": "fnv1a64:...", "gpu_uuid_hash": "fnv1a64:..." },
 *     "source": { "tool": "llama-bench", "file": "bench.json" } }
 *
 * Units follow the metric names: _ms milliseconds, _toks_sec / _tok_s
 * tokens per second, _gb DECIMAL gigabytes (1e9 bytes; the seed spec's
 * names -- importers convert MiB/GiB), _req_s requests per second.
 * Metrics not in the known list are kept (up to RL_RUN_MAX_EXTRA) so a
 * newer writer's fields survive a round trip; so are env strings.
 *
 * Ownership: a rl_runrec is a plain value (fixed-size strings, no
 * pointers); copy it freely.  Reader errors are one line,
 * "file:line: error: field 'x': expected ...".
 */
#ifndef RL_RUNREC_H
#define RL_RUNREC_H

#include <stdint.h>
#include <cjson/cJSON.h>
#include "rl_err.h"

enum rl_run_metric {
    RL_RUN_TTFT_P50,            /* ttft_ms_p50 */
    RL_RUN_TTFT_P95,            /* ttft_ms_p95 */
    RL_RUN_PREFILL,             /* prefill_toks_sec: prompt tok/s */
    RL_RUN_PREFILL_SD,          /* prefill_toks_sec_sd: sd over repetitions */
    RL_RUN_DECODE,              /* decode_toks_sec: tok/s per sequence */
    RL_RUN_DECODE_SD,           /* decode_toks_sec_sd */
    RL_RUN_TPOT_P50,            /* tpot_ms_p50: time per output token */
    RL_RUN_LAT_P50,             /* latency_ms_p50: whole request */
    RL_RUN_LAT_P95,             /* latency_ms_p95 */
    RL_RUN_OUT_TPUT,            /* output_throughput_tok_s: all sequences */
    RL_RUN_REQ_TPUT,            /* request_throughput_req_s */
    RL_RUN_VRAM_PEAK,           /* vram_peak_gb */
    RL_RUN_RAM_PEAK,            /* ram_peak_gb */
    RL_RUN_WEIGHTS,             /* weights_gb: weights on the most loaded device */
    RL_RUN_MODEL_SIZE,          /* model_size_gb: weights as stored (file) */
    RL_RUN_KV,                  /* kv_cache_gb: KV allocated for n_ctx tokens */
    RL_RUN_COMPUTE_BUF,         /* compute_buffer_gb: activations workspace
                                   (most loaded device) */
    RL_RUN_MAX_CONC,            /* max_concurrency: sequences of n_ctx that fit */
    RL_RUN_NM
};

#define RL_RUN_MAX_EXTRA 16
#define RL_RUN_MAX_ENV 8

/* Where a TTFT was timed. */
enum rl_ttft_scope {
    RL_TTFT_UNSET,              /* absent */
    RL_TTFT_ENGINE,             /* in-process, warm (llama-bench, trtllm-bench) */
    RL_TTFT_SERVER,             /* a client of a server: front end included */
    RL_TTFT_COLD                /* first prompt of a fresh process (llama-cli) */
};

typedef struct rl_runrec {
    char run_id[65];            /* [A-Za-z0-9._:-], 1..64 chars */
    char timestamp_utc[32];     /* YYYY-MM-DDTHH:MM:SS[.fff]Z */
    char model_id[96];          /* catalog id (or the user's), "" = absent */
    char model_name[128];       /* what the tool called the model */
    char runtime_id[32];
    char runtime_version[64];
    char hardware_id[64];       /* catalog id, "" = absent */
    char hardware_name[96];     /* device name as the tool printed it */
    int n_devices;              /* 0 = absent */
    char quant[32];             /* catalog quant id ("q4_k_m"), "" = absent */
    char kv_dtype[16];
    long context_tokens;        /* prompt tokens; -1 = absent */
    long output_tokens;         /* generated tokens per request; -1 = absent */
    long n_ctx;                 /* tokens the KV cache was allocated for; -1 */
    int concurrency;            /* sequences in flight; 0 = unbounded
                                   (offline: all queued at once); -1 absent */
    double request_rate;        /* Poisson arrivals, req/s; 0 = absent/all at once */
    int ttft_scope;             /* enum rl_ttft_scope */
    int tp, pp;                 /* 0 = absent */
    double metric[RL_RUN_NM];   /* NAN = absent */
    int n_extra;
    struct { char name[48]; double value; } extra[RL_RUN_MAX_EXTRA];
    char host_hash[40];         /* stable hash of the host name, "" = absent */
    int n_env;
    struct { char key[32]; char value[96]; } env[RL_RUN_MAX_ENV];
    char source_tool[32];       /* "llama-bench", "vllm-bench-serve", ... */
    char source_file[128];      /* base name only: no directories */
} rl_runrec;

/* An empty record: strings "", counts absent (-1/0), metrics NAN. */
void rl_runrec_init(rl_runrec *r);

/* JSON name of a known metric ("decode_toks_sec"); index by name, -1. */
const char *rl_run_metric_name(int m);
int rl_run_metric_index(const char *name);
const char *rl_ttft_scope_name(int s);      /* "engine" ... ; "" when unset */

/* Fill *out from a parsed JSON object, checking every field's type and
 * range.  file/line locate errors ("field 'x': expected ...").  RL_OK or
 * RL_EINPUT. */
int rl_runrec_from_json(const cJSON *obj, rl_runrec *out, const char *file, int line,
                        rl_err *err);

/* Parse one JSONL line (len bytes, no newline needed, need not be NUL
 * terminated).  RL_OK or RL_EINPUT (not JSON, or invalid as above). */
int rl_runrec_parse(const char *text, size_t len, rl_runrec *out, const char *file,
                    int line, rl_err *err);

/* Check what from_json checks, on a record built in code (importers). */
int rl_runrec_validate(const rl_runrec *r, rl_err *err);

/* The record as an owned cJSON object (fixed key order, absent fields
 * left out); NULL on OOM.  rl_runrec_line: one unformatted JSON line,
 * malloc'ed, no newline; NULL on OOM. */
cJSON *rl_runrec_to_json(const rl_runrec *r);
char *rl_runrec_line(const rl_runrec *r);

/* Read a JSONL file of records into *recs (malloc'ed array, *n entries).
 * Blank lines are skipped; the first bad line fails the whole read with
 * "file:line: error: ..." (a file given by hand is an input; the store,
 * which must survive torn lines, skips instead).  RL_OK, RL_EIO, RL_EINPUT. */
int rl_runrec_read_file(const char *path, rl_runrec **recs, int *n, rl_err *err);

/* Write records as JSONL to an open stream.  RL_OK or RL_EIO. */
int rl_runrec_write(FILE *f, const rl_runrec *recs, int n, rl_err *err);

/* Stable 64-bit FNV-1a of bytes, and the printable host-identifier hash
 * "fnv1a64:<16 hex>" of a string (salted, so that a hash of a host name
 * does not equal a hash of the same bytes elsewhere).  Deterministic
 * across machines and runs. */
uint64_t rl_fnv1a64(const void *p, size_t n, uint64_t seed);
void rl_host_hash(const char *ident, char *out, size_t n);

#endif
