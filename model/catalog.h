/*
 * catalog.h -- the built-in catalog: models, hardware, runtimes, quant
 * formats and KV-cache dtypes, read from libconfig files in a catalog
 * directory (model/catalog/ in the source tree, share/ridgeline/catalog
 * once installed).
 *
 * Files and their top-level lists (every entry carries `source`):
 *   models.cfg    models   = ( { id=...; layers=...; ... }, ... );  keys as rl_arch
 *   hardware.cfg  hardware = ( { profile as in DESIGN.md }, ... );
 *   runtimes.cfg  runtimes = ( { id=...; quants=[...]; backends=(...); }, ... );
 *   quant.cfg     quant    = ( { id=...; bits_per_weight=...; ... }, ... );
 *                 kv_dtypes = ( { id="fp16"; bytes_per_elem=2.0; }, ... );
 *
 * Ownership: rl_catalog_open returns an owned handle; every pointer the
 * lookups return is borrowed from it and lives until rl_catalog_free.
 */
#ifndef RL_CATALOG_H
#define RL_CATALOG_H

#include <libconfig.h>
#include <stdio.h>
#include "rl_err.h"
#include "arch.h"
#include "hardware.h"

/* A weight format. Roles not quantized keep `embed_bits` / `lm_head_bits`. */
typedef struct rl_quant {
    char id[24];                /* "q4_k_m", "awq-int4", "fp16" ... */
    char name[64];
    char source[256];
    double bits_per_weight;     /* body linear weights incl. scales/zeros */
    double attn_bits;           /* attention projections (default bits_per_weight) */
    double dense_bits;          /* dense FFN layers, shared experts and MoE
                                   routers (default bits_per_weight); routed
                                   experts always bits_per_weight */
    double embed_bits;          /* token embedding storage */
    double lm_head_bits;        /* output projection storage */
    double norm_bits;           /* norms/biases (32 in GGUF, 16 elsewhere) */
    int compute;                /* enum rl_compute_kind prefill matmuls use */
    int cpu_compute;            /* on a CPU (class cpu): 1 + the enum
                                   rl_compute_kind its matmul kernels run at
                                   (llama.cpp: quantized blocks x int8
                                   activations = int8); 0 = as compute */
    int weight_only;            /* 1: dequantised to fp16 for the math */
    double dequant_ops;         /* ALU operations per weight to unpack it
                                   (block structure; 0 = none) */
    char family[12];            /* "gguf", "float", "awq", "gptq", "mlc" ... */
    double quality_loss;        /* published quality cost, % (relative
                                   perplexity increase over fp16, or 100 -
                                   accuracy recovery); -1 = not documented */
    char quality_source[256];   /* where quality_loss comes from */
} rl_quant;

/* A KV-cache element type. */
typedef struct rl_kvtype {
    char id[16];                /* fp16 bf16 fp8 q8_0 q4_0 */
    double bytes_per_elem;      /* incl. block scales (q8_0 = 34/32) */
    char source[256];
} rl_kvtype;

/* Fitted/measured parameters of one runtime on one backend (hardware class
 * or vendor).  Every field is a named model parameter; its value and where
 * it comes from are in runtimes.cfg (fitted by `ridgeline calibrate`). */
typedef struct rl_backend {
    char match[16];             /* hardware class ("gpu","apple") or vendor, "*" any */
    double bw_eff;              /* decode: achieved / peak memory bandwidth */
    double layer_us;            /* decode: fixed time per layer per step (launches, sync) */
    double step_ms;             /* decode: fixed time per step (sampling, host) */
    double seq_us;              /* decode: time per sequence per step (sampling
                                   over the vocabulary, scheduler bookkeeping) */
    double mfu;                 /* prefill: achieved / peak matmul throughput */
    double attn_eff;            /* prefill: attention efficiency relative to mfu */
    double prefill_ms;          /* prefill: fixed time per prompt */
    double cold_ms;             /* first prompt of a fresh process: lazy
                                   kernel loading, library handles, first
                                   graph allocation; not in a warm TTFT */
    double frontend_ms;         /* a server's request path to the first
                                   streamed token outside the engine (HTTP,
                                   tokenisation, detokenisation, streaming);
                                   0 for in-process APIs */
    double kv_eff;              /* decode: KV-read bandwidth relative to bw_eff
                                   (attention kernels stream less well than GEMV) */
    double dequant_flops;       /* decode: cost of one dequant operation (the
                                   format's dequant_ops per weight) in FLOPs
                                   at the fp32 peak: the kernel's ALU efficiency */
    double tflops_per_w;        /* sustained matmul TFLOP/s per watt of TDP:
                                   the power limit on compute; the slower of
                                   it and the peak-bound rate wins (0 = no
                                   limit) */
    double link_eff;            /* TP all-reduces and PP hops: achieved /
                                   datasheet link rate (NCCL bus bandwidth
                                   at the message sizes a step sends) */
    double gemm_k0;             /* matmuls: a GEMM tile's fixed cost (pipeline
                                   fill, epilogue) as this many elements of its
                                   reduction length K, so a GEMM runs at
                                   K / (K + gemm_k0) of mfu (prior 512) */
    double ar_us;               /* fixed time per TP all-reduce on top of its
                                   link latency steps: the collective's own
                                   kernel launch and flag synchronisation
                                   (fitted; prior 2 ESTIMATE) */
    double pre_bw_eff;          /* prefill: achieved / peak bandwidth of its
                                   memory traffic (weight re-reads per
                                   micro-batch, unfused attention scores) */
    double dequant_eff;         /* prefill: matmul efficiency of weight-only
                                   formats relative to fp16 per dequant op
                                   (a format with d ops: dequant_eff^d) */
    double sigma_decode;        /* log-space residual sd for p10/p90 */
    double sigma_prefill;
    double sigma_ttft;
    /* split-conformal band: the 10th / 90th percentile of ln(measured /
     * predicted) over held-out devices' rows (calibrate), per metric;
     * p10 = p50 exp(q10), p90 = p50 exp(q90).  Both 0: too few held-out
     * rows, and the band is the sigma band widened (estimate.c). */
    double q10_decode, q90_decode;
    double q10_prefill, q90_prefill;
    double q10_ttft, q90_ttft;
    int fitted_points;          /* how many measurements produced these */
} rl_backend;

#define RL_MAX_RT_QUANTS 32
#define RL_MAX_BACKENDS 10

typedef struct rl_runtime {
    char id[24];                /* "llama.cpp", "vllm" ... */
    char name[64];
    char source[256];
    int n_quants;
    char quants[RL_MAX_RT_QUANTS][24];   /* weight formats it loads */
    int n_kv;
    char kv_dtypes[8][16];               /* KV dtypes it supports */
    int paged_kv;               /* 1: paged KV (vLLM-style block tables) */
    int continuous_batching;    /* 1: in-flight batching */
    int tensor_parallel;        /* 1: TP across devices */
    int layer_split;            /* 1: layers split across devices (PP) */
    int offload;                /* 1: can keep layers in host RAM */
    int deterministic_ok;       /* 1: can run fixed-shape, no paging */
    int flash_attention;        /* 1: fused attention (no score matrix in
                                   memory); 0: scores written and re-read */
    int embed_on_host;          /* 1: token embedding table stays in host RAM
                                   (llama.cpp keeps token_embd on the CPU) */
    double ctx_overhead_gib;    /* per device: runtime/driver context */
    double kv_reserve_frac;     /* share of free memory preallocated for KV
                                   (vLLM gpu_memory_utilization); 0 = exact */
    double kv_frag;             /* paging fragmentation overhead (fraction) */
    double act_tokens;          /* activation workspace sized for this many
                                   tokens (micro-batch / n_ubatch) */
    double batch_tokens;        /* tokens submitted together (n_batch); PP can
                                   overlap micro-batches only within one */
    int kv_reserve_of_free;     /* 1: kv_reserve_frac is a share of the memory
                                   left after weights (TensorRT-LLM), 0: of all */
    int kv_reserve_static;      /* 1: kv_reserve_frac bounds weights + KV pool
                                   only; activations and CUDA graphs live in
                                   the rest (SGLang mem_fraction_static) */
    double kv_block_tokens;     /* KV allocation granule in tokens (paged
                                   block / page); a sequence holds whole
                                   blocks.  0 or 1 = token granular */
    double cuda_graph_gib;      /* per device: captured CUDA graphs */
    int graphs_in_pool;         /* 1: graph memory is taken out of the KV
                                   pool; 0: out of the headroom above it */
    double comm_buffer_gib;     /* per device when tp x pp > 1: NCCL and
                                   custom all-reduce buffers */
    int custom_allreduce;       /* 1: own P2P one-shot / two-shot all-reduce
                                   kernels beside NCCL, used where the
                                   hardware's link is all_to_all (vLLM,
                                   SGLang, TensorRT-LLM); 0: ring only */
    int expert_parallel;        /* 1: places whole experts of MoE layers on
                                   devices (expert parallelism, ep > 1) */
    int ep_whole_group;         /* 1: its EP spans the whole group (vLLM
                                   --enable-expert-parallel: ep = tp x dp),
                                   so ep is 1 or tp; 0: any divisor of tp */
    int dp_attention;           /* 1: runs attention data-parallel over the
                                   group, MoE layers shared (DP-attention) */
    double a2a_bytes;           /* EP: bytes per hidden element a token
                                   carries in dispatch / combine (2: bf16) */
    double a2a_latency_steps;   /* EP: link latencies one all-to-all costs
                                   (2: a barrier in and one out) */
    double max_num_seqs;        /* sequences the memory profile samples for
                                   (vLLM max_num_seqs); 0 = the concurrency */
    double sampler_bytes;       /* bytes per vocabulary entry per sampled
                                   sequence at the sampler's peak */
    int n_backends;
    rl_backend backends[RL_MAX_BACKENDS]; /* most specific first */
} rl_runtime;

typedef struct rl_catalog rl_catalog;   /* opaque */

/* Open the catalog in `dir`, or when dir is NULL the first of:
 * $RIDGELINE_CATALOG, <exe dir>/../share/ridgeline/catalog, the source
 * tree's model/catalog (compiled in) -- paths.h.  Returns NULL and fills err on
 * failure (missing file RL_EIO, bad content RL_EINPUT with file:line). */
rl_catalog *rl_catalog_open(const char *dir, rl_err *err);

/* Same, but without calibration.cfg: every backend at its documented
 * prior (what `ridgeline calibrate` and `validate` start from). */
rl_catalog *rl_catalog_open_priors(const char *dir, rl_err *err);
void rl_catalog_free(rl_catalog *c);          /* NULL is a no-op */

/* Replace runtimes' backend parameters with those of a calibration file
 * (the format `ridgeline calibrate` writes).  RL_OK, or RL_EIO/RL_EINPUT
 * with err filled; on failure some runtimes may already be updated. */
int rl_catalog_apply_calibration(rl_catalog *c, const char *path, rl_err *err);

/* Mutable access for calibration (fitting writes the backend table). */
rl_runtime *rl_catalog_runtime_mut(rl_catalog *c, const char *id);
const char *rl_catalog_dir(const rl_catalog *c);

/* Lookups by name; NULL when unknown.  A name is the id, or any spelling
 * of it or of one of the entry's `aliases` that gives the same key once
 * case and separators are ignored (names.h: "Q4_K_M", "RTX 4090",
 * "vLLM"; models also as HF repo ids, "meta-llama/Llama-3.1-8B-Instruct"
 * -> llama-3.1-8b; hardware also by its number, "4090"), or the start of
 * exactly one entry's name (3+ characters).  When a short name could mean
 * several entries (an alias such as "h100" that other ids also start
 * with) or only a start was given, the entry is chosen and a note says so
 * (rl_catalog_note; printed when rl_catalog_set_notes gave a stream).
 * rl_catalog_unknown fills err with "unknown KIND 'x' (did you mean 'y',
 * 'z'?)" -- up to three near names, best first -- for the CLI. */
const rl_arch    *rl_catalog_model(const rl_catalog *c, const char *id);
const rl_hw      *rl_catalog_hw(const rl_catalog *c, const char *id);
const rl_runtime *rl_catalog_runtime(const rl_catalog *c, const char *id);
const rl_quant   *rl_catalog_quant(const rl_catalog *c, const char *id);
const rl_kvtype  *rl_catalog_kvtype(const rl_catalog *c, const char *id);

enum rl_cat_kind { RL_CAT_MODEL, RL_CAT_HW, RL_CAT_RUNTIME, RL_CAT_QUANT, RL_CAT_KV };
int rl_catalog_unknown(const rl_catalog *c, int kind, const char *id, rl_err *err);

/* The resolution itself: index of the entry `name` names (as above), or
 * -1.  note (may be NULL) gets the sentence about a choice made, "" when
 * none was.  Records nothing, prints nothing. */
int rl_catalog_find(const rl_catalog *c, int kind, const char *name, char *note,
                    size_t note_len);

/* Notes of the lookups so far (deduplicated, at most 16): count and i-th
 * sentence (borrowed; NULL out of range).  With a stream set (the CLI
 * passes stderr) each new note is also printed there as one line
 * "ridgeline: note: ...". */
void rl_catalog_set_notes(rl_catalog *c, FILE *out);
int rl_catalog_note_count(const rl_catalog *c);
const char *rl_catalog_note(const rl_catalog *c, int i);

/* The aliases of entry idx of a kind, as written in the catalog: up to max
 * borrowed strings into out; returns how many. */
int rl_catalog_aliases(const rl_catalog *c, int kind, int idx, const char **out, int max);

/* Iteration: count and i-th entry (0-based, catalog file order). */
int rl_catalog_count(const rl_catalog *c, int kind);
const rl_arch    *rl_catalog_model_at(const rl_catalog *c, int i);
const rl_hw      *rl_catalog_hw_at(const rl_catalog *c, int i);
const rl_runtime *rl_catalog_runtime_at(const rl_catalog *c, int i);
const rl_quant   *rl_catalog_quant_at(const rl_catalog *c, int i);
const rl_kvtype  *rl_catalog_kvtype_at(const rl_catalog *c, int i);

/* A checkpoint's variant of a catalog format: copy of q with the roles
 * in `keep16` (import.h enum rl_keep_role bits) at 16 bits -- the layers
 * its quantization_config leaves in bf16.  Same id (runtimes load it as
 * the format); name says "(…, attention bf16)". */
void rl_quant_keep16(const rl_quant *q, int keep16, rl_quant *out);

/* Runtime helpers. */
int rl_runtime_has_quant(const rl_runtime *r, const char *quant_id);
int rl_runtime_has_kv(const rl_runtime *r, const char *kv_id);
/* Backend parameters for a device: the first backend whose match is
 * "vendor/tier" (e.g. "nvidia/hbm", tier of the main memory), then
 * "class/tier", the vendor, the class, then "*".  A GPU profile with no
 * vendor (none given nor read off its name, hardware.h) gets, before "*",
 * the runtime's GPU backend fitted on the most measurements.  Never NULL
 * for a loaded runtime. */
const rl_backend *rl_runtime_backend(const rl_runtime *r, const rl_hw *h);

/* Backend for prefill: the same lookup without the "/tier" matches --
 * prefill is compute-bound, so the memory tier does not set its speed
 * and its parameters are shared (and fitted) across the whole class. */
const rl_backend *rl_runtime_backend_prefill(const rl_runtime *r, const rl_hw *h);

/* Parse one model spec group (keys as the rl_arch fields) -- shared by
 * models.cfg and `--model-file m.cfg`.  Calls rl_arch_finish. */
int rl_arch_from_setting(const config_setting_t *s, const char *file,
                         rl_arch *out, rl_err *err);
/* Load a standalone model spec file (libconfig, keys at top level). */
int rl_arch_load_file(const char *path, rl_arch *out, rl_err *err);

#endif
