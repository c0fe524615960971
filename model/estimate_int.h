/*
 * estimate_int.h -- the estimator's raw physical features, shared by
 * estimate.c (which turns them into times with a runtime's backend
 * parameters) and calibrate.c (which fits those parameters to
 * measurements).  Internal to model/: nothing outside includes it.
 *
 * Every feature is a time at 100% efficiency (bytes / peak bandwidth,
 * FLOPs / peak compute), in milliseconds, so that
 *
 *   decode step  = max(w_ms / bw_eff,
 *                      max(comp_ms / mfu x (1 + gemm_k0 x inv_k),
 *                          energy_ms / tflops_per_w)
 *                      + deq_ms * dequant_flops)
 *                  + kv_ms / (kv_eff * bw_eff)
 *                  + layers * layer_us / 1000 + step_ms + seqs * seq_us / 1000
 *                  + comm + off_ms / bw_eff
 *   prefill      = (max(max(lin_ms / mfu x (1 + gemm_k0 x pre_inv_k),
 *                            energy / tflops_per_w)
 *                        [/ dequant_eff^dequant_ops],
 *                        floor_ms / pre_bw_eff)
 *                   + attn_ms / (mfu * attn_eff) + attn_mem_ms / pre_bw_eff)
 *                  * pipeline + prefill_ms + comm,
 *                  at least one sequence's decode step
 *   comm         = n_ar x (ar_us / 1000 + min over the all-reduce
 *                  algorithms the runtime has on this hardware of
 *                  (lat_ms + wire_ms / link_eff))
 *                  + hop_lat_ms + hop_wire_ms / link_eff
 *                  + n_a2a x (ar_us / 1000 + a2a_lat_ms
 *                             + a2a_wire_ms / link_eff)       (rl_comm_ms)
 *
 * The power limit is a second ceiling on the compute rate, not a second
 * cost: a part runs at its peak-bound rate or at the rate its board power
 * allows, whichever is slower (adding the two times, as an earlier version
 * did, double-counted and pushed fitted mfu to implausible values such as
 * 0.94 for TensorRT-LLM).  Dequantising weight-only formats is extra work
 * under either ceiling (ALU time, and energy under the power cap), so
 * dequant_eff divides the slower of the two: applied to the peak side
 * alone, a power-bound part (H100, A100, RTX 6000 Ada) ran Q4_K_M prefill
 * as fast as fp16, where llama.cpp measures it 13-25% slower.  A cold first prompt adds cold_ms (calibrate.c
 * applies it to single-run measurements; the estimate's TTFT is warm).
 *
 * with the backend parameters named as in runtimes.cfg.  Keeping the
 * features separate from the parameters lets `ridgeline calibrate`
 * re-evaluate the model cheaply while it searches parameter space.
 */
#ifndef RL_ESTIMATE_INT_H
#define RL_ESTIMATE_INT_H

#include "estimate.h"

#define RL_DEC_POINTS 3     /* Simpson over the context range of the output */

/* All-reduce algorithms (estimate.c allreduce_feat has the physics). */
enum rl_ar_alg {
    RL_AR_RING,             /* NCCL ring: 2(p-1) steps, 2(p-1)/p of the data */
    RL_AR_ONESHOT,          /* custom AR, every GPU reads all peers: 2 steps,
                               (p-1) x the data through its own link */
    RL_AR_TWOSHOT,          /* custom AR, reduce-scatter + all-gather by P2P:
                               4 steps, 2(p-1)/p of the data */
    RL_AR_N
};

/* Device-to-device traffic of a decode step or a prefill, latency apart
 * from bytes: a link's latency is a time, not a rate, so the fitted
 * bandwidth efficiency link_eff divides only the wire time. */
typedef struct rl_comm {
    double n_ar;                /* TP all-reduces (0 without TP) */
    double lat_ms[RL_AR_N];     /* one all-reduce: latency steps x link latency */
    double wire_ms[RL_AR_N];    /* one all-reduce: bytes at the datasheet link
                                   rate; < 0 = algorithm not available here */
    double hop_lat_ms;          /* PP hops: latency, all of them */
    double hop_wire_ms;         /* PP hops: activations at the datasheet rate */
    double n_a2a;               /* EP all-to-alls (dispatch + combine per MoE
                                   layer; 0 without EP, model/moe.c) */
    double a2a_lat_ms;          /* one all-to-all: latency steps x link latency */
    double a2a_wire_ms;         /* one all-to-all: the busiest device's bytes
                                   at the datasheet link rate */
} rl_comm;

typedef struct rl_step_feat {
    double mem_w_ms;        /* weight bytes read per step / bandwidth */
    double mem_kv_ms;       /* KV bytes read per step / bandwidth */
    double comp_ms;         /* FLOPs per step / peak (thermal cap applied) */
    double deq_ms;          /* dequant ops per step / fp32 peak (x dequant_flops) */
    double inv_k;           /* the GEMMs' FLOP-weighted mean of 1 / K (their
                               reduction length per device): comp_ms / mfu
                               grows by 1 + gemm_k0 x inv_k */
    double energy_ms;       /* FLOPs per step / (TDP x 1 TFLOP/s per W) */
    rl_comm comm;           /* TP all-reduces + PP hops per step */
    double off_ms;          /* offloaded layers read from host per step */
    double layers;          /* layers executed in sequence per step */
    double seqs;            /* sequences served per step (for seq_us) */
    double pipe_div;        /* PP micro-batching divisor (1 = none) */
} rl_step_feat;

typedef struct rl_features {
    int has_decode, has_prefill;
    rl_step_feat dec[RL_DEC_POINTS];
    double dec_w[RL_DEC_POINTS];    /* quadrature weights, sum 1 */
    double pre_lin_ms;      /* linear-layer FLOPs of the prompt / peak */
    double pre_inv_k;       /* as rl_step_feat.inv_k, for pre_lin_ms */
    double pre_attn_ms;     /* attention FLOPs of the prompt / peak */
    double pre_floor_ms;    /* weight reads during prefill / bandwidth */
    double pre_attn_mem_ms; /* unfused attention score traffic / bandwidth */
    double pre_pipe;        /* PP bubble factor (>= 1) */
    rl_comm pre_comm;       /* TP all-reduces + PP hops during prefill */
    double pre_energy_ms;   /* prefill FLOPs / (TDP x 1 TFLOP/s per W) */
    double pre_spread;      /* a server's per-device prefill compute per
                               prompt over one prompt's (pre_lin + pre_attn):
                               1, or < 1 under DP-attention, where one
                               prompt's attention runs on one rank but the
                               prompts spread over the group (model/moe.c) */
    double dequant_ops;     /* weight-only formats: the format's unpacking
                               ops per weight (prefill runs at
                               dequant_eff^dequant_ops of fp16); 0 = none */
    double thermal_scale;   /* compute clock scale from thermal/power cap */
    int tp, pp, concurrency;
    double sram_spill;      /* 1 when the working set overflows SRAM */
} rl_features;

/* Fill the features of a validated configuration (rl_estimate_run calls
 * this after normalising tp/pp).  Memory must already be computed:
 * `mem` gives the per-device weights and KV in GiB. */
void rl_features_compute(const rl_config *c, const rl_memory *mem,
                         rl_features *f);

/* Decode step time (ms) and prefill time (ms) from features + backend. */
double rl_decode_step_ms(const rl_step_feat *s, const rl_backend *b);
double rl_prefill_ms(const rl_features *f, const rl_backend *b);

/* Communication time (ms) of `m` under backend b (link_eff > 0): each
 * all-reduce takes the fastest available algorithm, as runtimes choose
 * by message size, plus the runtime's fixed ar_us; latency is not
 * divided by link_eff. */
double rl_comm_ms(const rl_comm *m, const rl_backend *b);

#endif
