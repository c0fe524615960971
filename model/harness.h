/*
 * harness.h -- turn what benchmark tools and runtimes print into run
 * records (runrec.h): `ridgeline harness import`.
 *
 * Formats, told apart by content (the extension is never needed):
 *   llama-bench   -o json (array), -o jsonl, -o csv, -o md (the default
 *                 table) -- one record per test line (pp N, tg N);
 *   vllm-bench    `vllm bench serve` / benchmarks/benchmark_serving.py
 *                 --save-result JSON -- one record; the per-request
 *                 arrays (generated texts, lengths, ttfts) are dropped;
 *   trtllm-bench  `trtllm-bench throughput` report (text) -- one record;
 *   llama.cpp log startup log of llama-server / llama-cli: model, KV and
 *                 compute buffers, file type and size, timings -- one;
 *   vllm log      vLLM server startup log: weights, KV cache size and
 *                 tokens, max concurrency, engine config -- one.
 *
 * Privacy: no prompt or generated text is ever copied; model paths keep
 * their base name only; host identifiers (the --host name, an address in
 * vLLM's distributed_init_method, GPU UUIDs) are kept only as
 * rl_host_hash values.
 *
 * Record ids are stable: "<tool>-<16 hex>" from a hash of the file's
 * bytes and the record's index, so importing the same file twice gives
 * the same ids (and the store ignores the second copy).
 */
#ifndef RL_HARNESS_H
#define RL_HARNESS_H

#include <stddef.h>
#include "catalog.h"
#include "runrec.h"

enum rl_harness_fmt {
    RL_HF_UNKNOWN,
    RL_HF_LLAMA_BENCH_JSON, RL_HF_LLAMA_BENCH_JSONL, RL_HF_LLAMA_BENCH_CSV,
    RL_HF_LLAMA_BENCH_MD, RL_HF_VLLM_BENCH, RL_HF_TRTLLM_BENCH,
    RL_HF_LLAMACPP_LOG, RL_HF_VLLM_LOG,
    RL_HF_N
};

/* "llama-bench-json", ...; and back (RL_HF_UNKNOWN when unknown). */
const char *rl_harness_format_name(int fmt);
int rl_harness_format_parse(const char *name);

/* Which tool wrote `text` (n bytes, NUL-terminated), from its content. */
int rl_harness_detect(const char *text, size_t n);

/* What the user says about the run where the tool's output is silent
 * (any may be NULL / 0).  A flag overrides a value the tool printed. */
typedef struct rl_harness_opts {
    const char *model_id, *hardware_id, *runtime_id, *runtime_version;
    const char *quant, *kv_dtype, *timestamp_utc;
    const char *host;           /* host name: stored only as its hash */
    int n_devices;
    const rl_catalog *cat;      /* to map a printed device name to a
                                   hardware id; NULL: no mapping */
} rl_harness_opts;

/* Where each key field of the imported records came from, for the
 * report on stderr: the tool printed it, a flag gave it, or it is absent
 * (a flag that overrides a printed value counts as "flag"). */
enum { RL_HS_ABSENT, RL_HS_TOOL, RL_HS_FLAG, RL_HS_MIXED };
enum { RL_HK_MODEL, RL_HK_HARDWARE, RL_HK_RUNTIME, RL_HK_VERSION, RL_HK_QUANT,
       RL_HK_DEVICES, RL_HK_TOKENS, RL_HK_TIME, RL_HK_N };
typedef struct rl_harness_report {
    int fmt;                    /* enum rl_harness_fmt */
    int from[RL_HK_N];          /* RL_HS_* per key field over all records */
    int skipped;                /* test lines that make no record (pp+tg, depth) */
    char note[256];             /* one sentence, e.g. the mtime fallback */
} rl_harness_report;
const char *rl_harness_key_name(int k);     /* "model_id", ... */

/* Import one file.  fmt RL_HF_UNKNOWN detects it.  Appends the records to
 * *recs (realloc'ed; *n updated) and fills *rep.  Every record is
 * validated (rl_runrec_validate).  RL_OK; RL_EIO (cannot read); RL_EINPUT
 * ("file: error: ..." for an unrecognised or malformed file, with a line
 * where there is one).  On failure *recs and *n are unchanged in content. */
int rl_harness_import(const char *path, int fmt, const rl_harness_opts *o, rl_runrec **recs,
                      int *n, rl_harness_report *rep, rl_err *err);

/* The same on text already in memory (n bytes, NUL-terminated); `name`
 * is the file name used in errors and source.file (its base name). */
int rl_harness_import_text(const char *text, size_t n, const char *name, int fmt,
                           const rl_harness_opts *o, rl_runrec **recs, int *nrec,
                           rl_harness_report *rep, rl_err *err);

/* Catalog quant / KV ids of the names tools print: GGUF file types
 * ("Q4_K - Medium" -> "q4_k_m", also at the end of llama-bench's
 * model_type "llama 8B Q4_K - Medium"), dtypes ("torch.bfloat16",
 * "f16", "FP8", "awq_marlin").  "" when unknown. */
const char *rl_harness_quant_id(const char *printed);
const char *rl_harness_kv_id(const char *printed);

/* The catalog hardware id of a printed device name: an exact match of a
 * catalog entry's name or id, else the one entry whose name starts with
 * it followed by a space ("NVIDIA GeForce RTX 4090" -> rtx-4090); NULL
 * when none or several fit. */
const char *rl_harness_hw_id(const rl_catalog *cat, const char *printed);

#endif
