/*
 * moe.h -- expert parallelism (EP) and DP-attention for MoE models: how
 * the weights, the KV cache, the work and the traffic of one tp group
 * divide when the routed experts are placed whole on devices (rl_config
 * ep > 1) and/or attention runs data-parallel over the group
 * (rl_config dp_attention).  Internal to model/ (estimate.c uses it);
 * moe.c has the physics and its sources.
 *
 * Nothing here is used at ep = 1 and dp_attention = 0: estimate.c keeps
 * its own tensor-parallel formulas for those (rl_moe_active), so the
 * calibrated model is untouched by this file.
 */
#ifndef RL_MOE_H
#define RL_MOE_H

#include "estimate.h"

struct rl_comm;                         /* estimate_int.h */

/* 1 when c (normalised) uses EP or DP-attention. */
int rl_moe_active(const rl_config *c);

/* Divisor of the attention + dense weights (body) per device: tp, or 1
 * under DP-attention (every rank holds them whole). */
double rl_moe_body_div(const rl_config *c);

/* Share of all routed-expert bytes the fullest device holds: 1/tp under
 * TP; ceil(E/ep)/E of them, sharded over tp/ep devices, under EP. */
double rl_moe_expert_mem_frac(const rl_config *c);

/* Sequences whose attention (and KV) the busiest device holds out of
 * `batch`: ceil(batch / tp) under DP-attention, else batch (TP splits
 * heads instead). */
double rl_moe_attn_seqs(const rl_config *c, double batch);

/* One forward pass of `tokens` tokens (group-wide) through the MoE layers,
 * under uniform routing. */
typedef struct rl_moe_pass {
    double read_frac;   /* share of all routed-expert bytes the busiest
                           device reads (distinct experts it touches) */
    double flop_frac;   /* share of the pass's routed-expert FLOPs
                           (tokens x k assignments) on the busiest device */
    double imbalance;   /* busiest EP rank's assignments over the mean (>= 1) */
    double busiest;     /* expected assignments on the busiest EP rank */
} rl_moe_pass;
void rl_moe_pass_of(const rl_config *c, double tokens, rl_moe_pass *p);

/* Communication of one pass: how many all-reduces of the group's
 * tokens x hidden x 2 bytes it needs (*n_ar), and the all-to-all
 * dispatch + combine into m (n_a2a, a2a_lat_ms, a2a_wire_ms).
 * sender_tokens: tokens the busiest sending device dispatches. */
void rl_moe_comm(const rl_config *c, double tokens, double sender_tokens,
                 double *n_ar, struct rl_comm *m);

/* The sentence for the estimate's assumptions (len > 0), "" when c does
 * not use EP or DP-attention. */
void rl_moe_note(const rl_config *c, char *buf, size_t len);

#endif
