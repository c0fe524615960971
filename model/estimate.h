/*
 * estimate.h -- the analytical roofline model: what configuration X of
 * model M on hardware H needs (memory, decomposed) and delivers (prefill,
 * decode, TTFT, TPOT, power), with p10/p50/p90 from calibration residuals.
 *
 * Cheap and closed form: no allocation, no I/O; one call is a few
 * microseconds, so the solver may call it for every candidate.
 */
#ifndef RL_ESTIMATE_H
#define RL_ESTIMATE_H

#include "arch.h"
#include "hardware.h"
#include "catalog.h"

#include <stddef.h>

/* One deployment configuration.  Pointers are borrowed. */
typedef struct rl_config {
    const rl_arch *model;
    const rl_hw *hw;
    const rl_runtime *rt;
    const rl_quant *quant;
    const rl_kvtype *kv;
    int devices;                /* devices available; normalised to the
                                   devices used, tp x pp x replicas */
    int tp, pp;                 /* tensor / pipeline (layer split) degrees */
    int replicas;               /* data-parallel copies of the tp x pp
                                   group, each serving its own sequences;
                                   0 = every copy the devices hold */
    int ep;                     /* expert-parallel degree of the MoE layers
                                   in each tp group: 1 (or 0) = experts
                                   sharded by TP; > 1: whole experts, E/ep
                                   per EP rank (ep divides tp, <= experts);
                                   RL_EP_GROUP = the whole group (tp) */
    int dp_attention;           /* 1: attention and dense layers run data-
                                   parallel over the tp group (weights whole
                                   on every device, each holding its own
                                   sequences' KV); MoE layers stay shared */
    double mem_util;            /* share of device memory the runtime may
                                   claim (vLLM --gpu-memory-utilization);
                                   0 = the runtime's default, its own rule
                                   (runtimes.cfg kv_reserve_frac) */
    long prompt;                /* prompt tokens (0: decode from empty context) */
    long output;                /* generated tokens (0: prefill only) */
    int concurrency;            /* concurrent sequences (decode batch) */
    int offload_layers;         /* layers kept in host RAM (llama.cpp -ngl) */
    long context_cap;           /* KV allocated for this many tokens per
                                   sequence; 0 = prompt + output */
    long sliding_window;        /* force a window (0 = the model's own) */
    double weight_bytes;        /* exact weight bytes (GGUF), 0 = from quant */
    double ambient_c;           /* overrides hw ambient when > 0 */
    double power_cap_w;         /* power envelope of the used devices (W, > 0):
                                   clocks are lowered (DVFS / power limit) so
                                   sustained power stays within it */
    const char *power_mode;     /* the hardware's power mode by name (NULL:
                                   the profile's own figures); borrowed */
    int cold;                   /* 1: TTFT of the first prompt after the
                                   runtime starts (a single CLI run): adds
                                   the backend's cold_ms; 0: a warm server */
    int quiet;                  /* 1: numbers only, no bottleneck/explanation/
                                   assumption sentences (the solver's inner
                                   loop; formatting them is most of the cost) */
    int max_num_seqs;           /* serving (rl_serving_run): most sequences a
                                   replica batches at once (the launch's
                                   --max-num-seqs); 0 = the runtime's
                                   max_num_seqs, 256 without.  Read by the
                                   serving model only, not by the estimate */
} rl_config;

#define RL_EP_GROUP (-1)         /* ep = tp (vLLM --enable-expert-parallel) */

/* Fill defaults: devices 1, tp 1, pp 1, concurrency 1, prompt 512,
 * output 128, everything else 0/NULL (replicas 0: as many as fit). */
void rl_config_init(rl_config *c);

typedef struct rl_range { double p10, p50, p90; } rl_range;
/* Latencies: p50 and p95; TTFT also has p10/p90 (the band decode and
 * prefill get; 0 where a latency has none). */
typedef struct rl_lat { double p50, p95, p10, p90; } rl_lat;

/* Serving at a request rate (serving.c): Poisson arrivals at `rate`
 * requests/s spread over the configuration's replicas, each request c's
 * prompt and output.  Little's law gives the sequences in flight per
 * replica, L = rate per replica x end-to-end latency at L (a fixed point,
 * two passes).  Below one in flight, the device is busy a share L of the
 * time and an arrival waits half a step on average; above, the estimate
 * at concurrency L carries the queueing (its TTFT waits behind the other
 * prompts' prefills and the step in flight).  At or above capacity (the
 * best offline rate over concurrencies up to the batch cap -- the
 * config's max_num_seqs, else the runtime's -- that fit, rl_replica_capacity_rps without SLOs) the queue grows without
 * bound: saturated, and the latencies given are only a floor. */
typedef struct rl_serving {
    double rate;                /* offered requests/s, all replicas; 0 = none asked */
    double capacity_rps;        /* requests/s the replicas sustain at most */
    int capacity_conc;          /* concurrency per replica at that capacity */
    double utilisation;         /* rate / capacity */
    int saturated;              /* 1: rate >= capacity (latencies: a floor) */
    double in_flight;           /* sequences in flight per replica (L) */
    double tok_s;               /* output tokens/s served, all replicas */
    rl_lat ttft_ms, tpot_ms, e2e_latency_ms;   /* p50 / p95 under that load */
    double wait_ms_p50, wait_ms_p95;   /* the wait before a request runs,
                                          included in ttft_ms: step + slot */
    double step_wait_ms_p50, step_wait_ms_p95;  /* L <= 1: half a decode step
                                          (joining at a step boundary) */
    double slot_wait_ms_p50, slot_wait_ms_p95;  /* the queue for one of the
                                          capacity_conc batch slots: a
                                          birth-death chain whose rate is
                                          the offline rate at each batch
                                          (model/serving.c; 0 well below
                                          capacity; rl_serving_set_capacity
                                          sets it) */
    rl_lat ttft_unqueued_ms, e2e_unqueued_ms;  /* ttft_ms, e2e_latency_ms
                                          without the slot queue */
} rl_serving;

enum rl_clock_limit { RL_CLOCK_NONE, RL_CLOCK_THERMAL, RL_CLOCK_POWER };

enum rl_feasibility { RL_IN_VRAM, RL_WITH_OFFLOAD, RL_INSUFFICIENT_MEMORY };
enum rl_regime {
    RL_REG_COMPUTE,             /* compute-bound */
    RL_REG_BANDWIDTH,           /* weight-bandwidth-bound */
    RL_REG_KV,                  /* KV reads dominate decode traffic */
    RL_REG_SRAM_SPILL,          /* working set spills out of on-chip SRAM */
    RL_REG_OFFLOAD,             /* host link (offloaded layers) dominates */
    RL_REG_OVERHEAD,            /* fixed per-step overheads dominate */
    RL_REG_COMM                 /* device-to-device communication dominates */
};

#define RL_MAX_NOTES 12
#define RL_NOTE_LEN 200

typedef struct rl_memory {      /* GiB, per device (the most loaded one) */
    double weights;
    double kv_cache;
    double activations;
    double runtime_overhead;
    double device_peak;         /* sum of the above */
    double device_capacity;     /* usable capacity of one device */
    double host_peak;           /* host RAM: offloaded layers + staging */
    double weights_total;       /* NOT per device: every weight of the model
                                   wherever it lives (all devices, host-
                                   resident embedding, offloaded layers) as
                                   stored -- a GGUF's tensor bytes */
    double kv_pool;             /* what the runtime's accounting leaves for
                                   KV: capacity - weights - activation peak
                                   - overheads (vLLM "Available KV cache
                                   memory"); may be < 0 */
} rl_memory;

typedef struct rl_estimate {
    int feasibility;            /* enum rl_feasibility */
    int regime;                 /* enum rl_regime (decode if output > 0) */
    rl_range decode_tok_s;      /* per sequence, averaged over the output */
    rl_range decode_tok_s_total;/* all concurrent sequences */
    rl_range prefill_tok_s;
    rl_lat ttft_ms, tpot_ms, e2e_latency_ms;
    rl_memory mem;
    double kv_capacity_tokens;  /* per replica: tokens the KV pool holds,
                                   each counted once across TP shards (vLLM
                                   "GPU KV cache size: N tokens"); 0 for
                                   models without a KV cache */
    double max_concurrency;     /* sequences of the requested context the
                                   pool holds (vLLM "Maximum concurrency for
                                   C tokens per request: X") */
    int replicas;               /* data-parallel copies (config, normalised) */
    double offline_tok_s;       /* one replica's offline throughput at this
                                   concurrency: output tokens/s over a whole
                                   run, prefill included (rl_offline_throughput
                                   with the runtime's batching) */
    double power_w;             /* sustained board power, all devices */
    double temp_c;              /* steady-state die temperature estimate */
    double temp_demand_c;       /* the same before any thermal clock cap: what
                                   the die would reach at the clock the power
                                   settings allow (> max_c: it throttles) */
    double clock_frac;          /* compute clock sustained / nominal (power
                                   mode x thermal or envelope cap; 1 = full) */
    int clock_limit;            /* enum rl_clock_limit: what capped it */
    double tok_per_j;           /* output tokens (prefill-only and encoders:
                                   prompt tokens / inputs) per joule of board
                                   energy; 0 when power is unknown */
    long context_requested;     /* decoders with context_cap < prompt +
                                   output: the tokens asked for (prompt +
                                   output), and the last ones kept (the cap);
                                   0 and 0 when nothing is clipped */
    long context_kept;
    long prompt_kept;           /* prompt tokens prefilled after clipping */
    rl_serving serving;         /* rate 0 from rl_estimate_run; a caller asked
                                   for a request rate fills it (rl_serving_run) */
    /* decode step time shares, % (sum 100) */
    double share_weights, share_kv, share_compute, share_comm,
           share_overhead, share_offload;
    double share_unpack;        /* the part of share_compute spent unpacking
                                   quantized weights on the ALUs (dequant) */
    int n_bottlenecks, n_explanations, n_assumptions;
    char bottlenecks[RL_MAX_NOTES][RL_NOTE_LEN];
    char explanations[RL_MAX_NOTES][RL_NOTE_LEN];
    char assumptions[RL_MAX_NOTES][RL_NOTE_LEN];
} rl_estimate;

/* Run the model.  Returns RL_OK (an infeasible configuration is still an
 * answer: feasibility says so and memory is filled), or RL_EINPUT when the
 * configuration itself is malformed (NULL model, tp < 1, ...). */
int rl_estimate_run(const rl_config *c, rl_estimate *out, rl_err *err);

/* Normalise a configuration into *out: `--devices N` alone becomes tp = N
 * (runtimes with tensor parallelism) or pp = N (layer split); replicas 0
 * becomes devices / (tp x pp) (at least 1); devices becomes tp x pp x
 * replicas (raised when they need more); ranges are checked.  RL_OK or RL_EINPUT (err filled).
 * `note`, if non-NULL, receives a sentence when a choice was made.
 * rl_estimate_run calls this itself; callers use it to show the split. */
int rl_config_normalise(const rl_config *in, rl_config *out, char *note,
                        size_t note_len, rl_err *err);

/* Total weight bytes of a model stored in a quant format (all roles:
 * embeddings and lm_head at the format's own precision for them). */
double rl_weight_bytes(const rl_arch *a, const rl_quant *q);

/* Offline throughput: `batch` sequences of prompt+output fed at infinite
 * rate; output tokens per second over the whole run, prefill included.
 * static (inflight = 0): batch x output / (batch x prefill + output x step);
 * in-flight (1): every decode step also carries batch/output prompts'
 * worth of prefill compute, which hides under memory-bound decode.
 * Returns 0 when the configuration is malformed. */
double rl_offline_throughput(const rl_config *c, int batch, int inflight);

/* Capacity of one replica in requests/s under latency SLOs: the best
 * offline rate over concurrencies 1..limit (ascending powers of two and
 * the KV pool's own limit) that fit in memory and meet ttft_ms_p95 /
 * tpot_ms_p95 (0 = no bound), at c's prompt and output.  *best_conc
 * (may be NULL) gets the concurrency.  0 when nothing meets them.  For a
 * planner: aggregate capacity = replicas x this. */
typedef struct rl_slo { double ttft_ms_p95, tpot_ms_p95; } rl_slo;
double rl_replica_capacity_rps(const rl_config *c, const rl_slo *slo, int limit,
                               int *best_conc);

/* The same search, also handing back the rate WITHOUT the SLOs at every
 * batch it tried (pts: b = 1, 2, 4 ... <= limit, then the pool's; 0 where
 * a batch does not fit), which rl_replica_rps_within_slo_pts needs: one
 * scan serves both. */
#define RL_RATE_POINTS 48
typedef struct rl_rate_points { int n; int b[RL_RATE_POINTS]; double r[RL_RATE_POINTS]; } rl_rate_points;
double rl_replica_capacity_scan(const rl_config *c, const rl_slo *slo, int limit,
                                int *best_conc, rl_rate_points *pts);

/* One term of that search: requests/s of one replica at concurrency b (0
 * when b sequences do not fit or miss an SLO).  The capacity is the best
 * of these over b = 1, 2, 4 ... <= limit, then b = min(limit, the KV
 * pool's max_concurrency at one sequence) when > 1, the first best kept;
 * a caller that sweeps limits (the solver's batch-cap axis) memoises
 * them and gets the same number. */
double rl_replica_rps_at(const rl_config *c, const rl_slo *slo, int b);

/* Serving at a request rate: see rl_serving above.  Fill *out for c
 * under `rate` requests/s (> 0).  RL_OK, or RL_EINPUT when
 * c is malformed or does not run at one sequence. */
int rl_serving_run(const rl_config *c, double rate, rl_serving *out);

/* Put serving result v into e: e->serving, and the latencies (TTFT, TPOT,
 * end-to-end) become those at the rate, queueing included -- what SLO
 * rules and objectives then read; the rest of e (memory, power,
 * per-sequence speed) stays at the batch cap, the most the runtime will
 * run at once. */
void rl_serving_apply(rl_estimate *e, const rl_serving *v);

/* The same with the capacity already known: cap_rps requests/s per
 * replica, reached at concurrency cap_conc (what rl_replica_capacity_rps
 * gives for c's batch cap; the solver computes it once per batch-cap
 * axis).  pts (may be NULL): rates without SLOs already known for c
 * (rl_replica_capacity_scan, the solver's memo), so the slot queue's rate
 * table does not estimate them again.  Equal to rl_serving_run when they
 * are. */
int rl_serving_run_cap(const rl_config *c, double rate, double cap_rps, int cap_conc,
                       const rl_rate_points *pts, rl_serving *out);

/* The highest request rate one replica of c serves under Poisson
 * arrivals (the serving model above) with the SLOs met at p95: TTFT
 * queueing included, TPOT, and below saturation.  cap_rps / cap_conc are
 * its capacity and batch (rl_replica_capacity_rps); the answer is below
 * cap_rps, found by bisection to 1e-3 of it; 0 when even a light load
 * misses an SLO; cap_rps itself when slo is NULL or empty.  What
 * procurement sizes replicas with: at the capacity itself the queue
 * never drains. */
double rl_replica_rps_within_slo(const rl_config *c, const rl_slo *slo, double cap_rps,
                                 int cap_conc);
/* The same from the rates of rl_replica_capacity_scan (no estimate of
 * them again; equal results). */
double rl_replica_rps_within_slo_pts(const rl_config *c, const rl_slo *slo, double cap_rps,
                                     int cap_conc, const rl_rate_points *pts);

/* The fields of *out (rate set) that depend on the capacity -- capacity_rps,
 * capacity_conc, utilisation, saturated, tok_s, and the slot queue's wait
 * with the latencies that include it (from the unqueued ones) -- for `cap`
 * requests/s per replica of c (normalised: replicas >= 1) reached at
 * cap_conc.  The rest of a serving result (in flight, unqueued latencies)
 * does not depend on it, nor on the batch cap: the solver serves one
 * candidate once and sets the capacity of each batch cap with this.  pts
 * as for rl_serving_run_cap. */
void rl_serving_set_capacity(rl_serving *out, const rl_config *c, double cap, int cap_conc,
                             const rl_rate_points *pts);

/* Largest concurrency (<= limit) whose KV for prompt+output fits device
 * memory under this configuration; 0 when not even one sequence fits. */
int rl_max_concurrency(const rl_config *c, int limit);

const char *rl_feasibility_name(int f);   /* "in_vram" ... */
const char *rl_regime_name(int r);        /* "compute-bound" ... */

#endif
