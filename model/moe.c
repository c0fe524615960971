/*
 * moe.c -- expert parallelism (EP) and DP-attention for MoE models (moe.h).
 *
 * How the big MoE models are served on one node (DeepSeek-V3/R1: MLA,
 * 256 routed experts, top-8; Qwen3-235B-A22B; gpt-oss): vLLM
 * `--tensor-parallel-size 8 --enable-expert-parallel`, SGLang `--tp 8
 * --ep-size 8`, trtllm-serve `--tp_size 8 --ep_size 8` ("TP + EP"), and
 * with DP-attention (SGLang `--enable-dp-attention --dp 8`, vLLM
 * `--data-parallel-size 8 --enable-expert-parallel`).  The group is the tp
 * devices of one pipeline stage of one replica; under DP-attention they
 * run attention and the dense layers data-parallel and share the MoE
 * layers.
 *
 * Placement (per device):
 *   experts     ep = 1: every expert sharded over the tp devices (1/tp);
 *               ep > 1: ceil(E / ep) whole experts per EP rank, each EP
 *               rank's experts sharded over tp / ep devices (SGLang
 *               moe_tp_size = tp / ep; at ep = tp one device, one share)
 *   attention,  tp-sharded, or whole on every rank under DP-attention
 *   dense, lm   (the embedding and lm_head stay vocab-sharded over the group)
 *   KV          TP splits KV heads (MLA's single latent head is replicated
 *               on every rank, estimate.c kv_tp_div); DP-attention keeps
 *               only a rank's own sequences, whole: 1/tp of the group's KV
 *               for any attention, MLA included
 *
 * Routing.  ASSUMPTION: uniform routing -- each token picks k of the E
 * experts uniformly at random (trained routers are balanced by an auxiliary
 * loss or, DeepSeek-V3, a bias term, but never perfectly: the figures are a
 * floor on the imbalance).  A pass of T tokens makes A = T k
 * assignments; an EP rank gets Binomial(A, 1/ep) of them, mean
 * mu = A / ep, sd s = sqrt(A (1/ep)(1 - 1/ep)).  The busiest of ep ranks
 * sets the pass: its expected load is taken as mu + s z_ep, z_ep the
 * expected maximum of ep standard normals by Blom's (1958) approximation
 * Phi^-1((ep - 0.375) / (ep + 0.25)) (the normal approximation to the
 * binomial; capped at T min(k, experts on the rank)).  The distinct
 * experts X assignments touch among the m on a rank: m (1 - (1 - 1/m)^X).
 * So at one sequence (A = k = 8, ep = 8) the busiest rank reads ~2.2 whole
 * experts where TP reads 1/8 of 8; at large batches every expert is
 * touched either way and the reads agree.
 *
 * Communication per MoE layer (T group tokens, hidden h, activations of
 * a2a_bytes; runtimes.cfg):
 *   TP attention + TP MoE:       2 all-reduces (estimate.c, as before)
 *   TP attention + EP MoE:       the attention all-reduce (done as reduce-
 *                                scatter before and all-gather after the
 *                                MoE layer, the same bytes) + dispatch +
 *                                combine all-to-all of each device's T / tp
 *                                tokens: EP replaces the MoE all-reduce
 *   DP attention + TP MoE:       all-gather of the ranks' hidden states
 *                                before the MoE layer, reduce-scatter after:
 *                                one all-reduce's traffic
 *   DP attention + EP MoE:       dispatch + combine of each rank's own tokens
 *   dense layers:                2 all-reduces under TP attention, none
 *                                under DP-attention
 * An all-to-all sends a token once to each distinct EP rank among its k
 * experts other than its own (DeepEP and pplx dispatch per rank, not per
 * expert): (ep - 1)(1 - (1 - 1/ep)^k) ranks on average, times tp / ep
 * devices when an EP rank is itself sharded; the busiest receiver gets
 * `imbalance` times the mean, and sets the time.  On an all_to_all link
 * (NVSwitch) every device writes its peers directly: bytes / link rate;
 * on a ring the messages are relayed, ep / 4 links each on average (a
 * bidirectional ring).  Latency: a2a_latency_steps link latencies plus the
 * backend's ar_us (kernel launch, flag polling) per all-to-all.
 */
#include "moe.h"
#include "estimate_int.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

int rl_moe_active(const rl_config *c)
{
    return c->ep > 1 || c->dp_attention;
}

double rl_moe_body_div(const rl_config *c)
{
    return c->dp_attention ? 1.0 : (double)c->tp;
}

/* Experts on the fullest EP rank. */
static double rank_experts(const rl_config *c)
{
    int E = c->model->experts;
    return c->ep > 1 ? ceil((double)E / c->ep) : (double)E;
}

double rl_moe_expert_mem_frac(const rl_config *c)
{
    int E = c->model->experts;
    if (c->ep <= 1 || E <= 0) return 1.0 / c->tp;
    return rank_experts(c) / E / ((double)c->tp / c->ep);
}

double rl_moe_attn_seqs(const rl_config *c, double batch)
{
    return c->dp_attention ? ceil(batch / c->tp) : batch;
}

/* Inverse standard normal CDF (Acklam's rational approximation, relative
 * error < 1.2e-9), for Blom's expected maximum. */
static double inv_norm(double p)
{
    static const double a[] = { -3.969683028665376e+01, 2.209460984245205e+02,
                                -2.759285104469687e+02, 1.383577518672690e+02,
                                -3.066479806614716e+01, 2.506628277459239e+00 };
    static const double b[] = { -5.447609879822406e+01, 1.615858368580409e+02,
                                -1.556989798598866e+02, 6.680131188771972e+01,
                                -1.328068155288572e+01 };
    static const double cc[] = { -7.784894002430293e-03, -3.223964580411365e-01,
                                 -2.400758277161838e+00, -2.549732539343734e+00,
                                 4.374664141464968e+00, 2.938163982698783e+00 };
    static const double d[] = { 7.784695709041462e-03, 3.224671290700398e-01,
                                2.445134137142996e+00, 3.754408661907416e+00 };
    double q, r;
    if (p <= 0) return -INFINITY;
    if (p >= 1) return INFINITY;
    if (p < 0.02425) {
        q = sqrt(-2 * log(p));
        return (((((cc[0] * q + cc[1]) * q + cc[2]) * q + cc[3]) * q + cc[4]) * q + cc[5]) /
               ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    }
    if (p > 1 - 0.02425) return -inv_norm(1 - p);
    q = p - 0.5;
    r = q * q;
    return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
           (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

void rl_moe_pass_of(const rl_config *c, double tokens, rl_moe_pass *p)
{
    const rl_arch *a = c->model;
    double E = a->experts, k = a->experts_active, T = tokens > 0 ? tokens : 0;
    memset(p, 0, sizeof *p);
    p->imbalance = 1;
    if (E <= 0 || k <= 0 || T <= 0) {
        p->read_frac = rl_moe_expert_mem_frac(c);
        p->flop_frac = 1.0 / c->tp;
        return;
    }
    if (c->ep <= 1) {           /* TP: 1/tp of every expert the pass touches */
        p->read_frac = (1.0 - pow(1.0 - k / E, T)) / c->tp;
        p->flop_frac = 1.0 / c->tp;
        p->busiest = T * k;
        return;
    }
    {
        double ep = c->ep, m = rank_experts(c), A = T * k;
        double mu = A / ep, sd = sqrt(A * (1 / ep) * (1 - 1 / ep));
        double z = inv_norm((ep - 0.375) / (ep + 0.25));
        double X = fmin(mu + sd * z, T * fmin(k, m));
        double moe_tp = (double)c->tp / c->ep;
        p->busiest = X;
        p->imbalance = X / mu;
        p->read_frac = m * (1.0 - pow(1.0 - 1.0 / m, X)) / E / moe_tp;
        p->flop_frac = X / A / moe_tp;
    }
}

void rl_moe_comm(const rl_config *c, double tokens, double sender_tokens,
                 double *n_ar, rl_comm *m)
{
    const rl_arch *a = c->model;
    double L = a->layers, Lm = a->experts > 0 ? a->moe_layers : 0, Ld = L - Lm;
    double ar_moe = c->ep > 1 ? 0 : 1;  /* the MoE layer's own all-reduce */
    int tp_attn = !c->dp_attention;

    *n_ar = c->tp > 1 ? (tp_attn ? 2 * Ld + Lm * (1 + ar_moe) : Lm * ar_moe) : 0;
    m->n_a2a = 0;
    m->a2a_lat_ms = m->a2a_wire_ms = 0;
    if (c->ep > 1 && Lm > 0 && tokens > 0) {
        rl_moe_pass p;
        double ep = c->ep, k = a->experts_active;
        double remote = (ep - 1) * (1 - pow(1 - 1 / ep, k));
        double moe_tp = (double)c->tp / c->ep;
        double relay = c->hw->link_all_to_all ? 1.0 : fmax(1.0, ep / 4);
        double gbps = c->hw->link_gbps > 0 ? c->hw->link_gbps : c->hw->pcie_gbps;
        double bytes = sender_tokens * a->hidden * c->rt->a2a_bytes * remote * moe_tp;
        rl_moe_pass_of(c, tokens, &p);
        m->n_a2a = 2 * Lm;              /* dispatch + combine */
        m->a2a_lat_ms = c->rt->a2a_latency_steps * c->hw->link_latency_us * 1e-3;
        m->a2a_wire_ms = bytes * p.imbalance * relay * 1e3 / (gbps * 1e9);
    }
}

void rl_moe_note(const rl_config *c, char *buf, size_t len)
{
    const rl_arch *a = c->model;
    if (len) buf[0] = '\0';
    if (!rl_moe_active(c) || !len) return;
    if (a->experts <= 0) {
        snprintf(buf, len, "%s%s: a dense model, so %s", c->ep > 1 ? "ep" : "",
                 c->dp_attention ? (c->ep > 1 ? " and dp-attention" : "dp-attention") : "",
                 c->dp_attention ? "attention runs data-parallel over the group, weights "
                                   "whole on every device" : "there are no experts to place");
        return;
    }
    snprintf(buf, len, "%s%s over %d devices: uniform routing assumed (the busiest "
             "rank's expert load by a normal approximation); %s",
             c->ep > 1 ? "expert parallel" : "experts tensor-parallel",
             c->dp_attention ? ", attention data-parallel" : "", c->tp,
             c->ep > 1 ? "dispatch + combine all-to-all per MoE layer"
                       : "an all-gather + reduce-scatter around each MoE layer");
}
