/*
 * estimate.c -- the analytical roofline model (DESIGN.md "The analytical
 * model").  Given a configuration it computes:
 *   memory   per device: weights, KV cache, activations, runtime overhead;
 *            host RAM for offloaded layers;
 *   decode   per-step time = max(weight bytes / (BW x bw_eff), FLOPs /
 *            (peak x mfu)) + KV bytes / (BW x bw_eff x kv_eff) + per-layer
 *            and per-step overheads + TP/PP communication + offloaded
 *            layers read over the host path, averaged over the output as
 *            the context grows (Simpson's rule, three points);
 *   prefill  FLOPs / (peak x mfu) with attention at its own efficiency,
 *            floored by the weight reads, with the PP pipeline bubble;
 *   latency  TTFT = prefill + queueing + a server's front end, TPOT = the
 *            step time, end-to-end;
 *   power    idle + (TDP - idle) x busy share; thermal steady state caps
 *            the compute clock;
 * and p10/p50/p90 from the calibration residual sigma of the backend.
 * No allocation and no I/O: cheap enough to call for every candidate.
 */
#include "estimate_int.h"
#include "moe.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define GIB 1073741824.0
#define Z90 1.2815515655        /* standard normal quantiles */
#define Z95 1.6448536270

void rl_config_init(rl_config *c)
{
    memset(c, 0, sizeof *c);
    c->devices = 1;
    c->tp = 1;
    c->pp = 1;
    c->ep = 1;
    c->concurrency = 1;
    c->prompt = 512;
    c->output = 128;
}

const char *rl_feasibility_name(int f)
{
    static const char *const n[] = { "in_vram", "with_offload", "insufficient_memory" };
    return f >= 0 && f <= RL_INSUFFICIENT_MEMORY ? n[f] : "?";
}

const char *rl_regime_name(int r)
{
    static const char *const n[] = {
        "compute-bound", "bandwidth-bound", "KV-bound", "SRAM-spill",
        "offload-bound", "overhead-bound", "communication-bound"
    };
    return r >= 0 && r <= RL_REG_COMM ? n[r] : "?";
}

static void note(char arr[][RL_NOTE_LEN], int *n, const char *fmt, ...)
{
    va_list ap;
    if (*n >= RL_MAX_NOTES) return;
    va_start(ap, fmt);
    vsnprintf(arr[*n], RL_NOTE_LEN, fmt, ap);
    va_end(ap);
    (*n)++;
}

/* ------------------------------------------------------------ normalise */

int rl_config_normalise(const rl_config *in, rl_config *o, char *msg,
                        size_t msg_len, rl_err *err)
{
    *o = *in;
    if (msg && msg_len) msg[0] = '\0';
    if (!o->model || !o->hw || !o->rt || !o->quant || !o->kv)
        return rl_err_set(err, RL_EINPUT, NULL, 0,
                          "configuration needs a model, hardware, runtime, quant and kv dtype");
    if (o->devices < 1 || o->tp < 1 || o->pp < 1 || o->concurrency < 1 ||
        o->prompt < 0 || o->output < 0 || o->offload_layers < 0 ||
        o->context_cap < 0 || o->sliding_window < 0)
        return rl_err_set(err, RL_EINPUT, NULL, 0,
                          "devices, tp, pp and concurrency must be >= 1; token counts >= 0");
    if (o->devices > 65536 || o->concurrency > 1000000 || o->prompt > 100000000L ||
        o->output > 100000000L || o->context_cap > 1000000000L)
        return rl_err_set(err, RL_EINPUT, NULL, 0, "configuration values are out of range");
    if (o->replicas < 0 || o->replicas > 65536 || !(o->mem_util >= 0 && o->mem_util <= 1))
        return rl_err_set(err, RL_EINPUT, NULL, 0,
                          "replicas must be >= 0 and memory utilisation in (0, 1]");
    /* --devices N alone: each replica (one, unless replicas says more)
     * splits its share the way this runtime splits by default. */
    if (o->devices > 1 && o->tp == 1 && o->pp == 1) {
        int group = o->replicas > 0 ? o->devices / o->replicas : o->devices;
        if (group > 1) {
            if (o->rt->tensor_parallel) o->tp = group;
            else o->pp = group;
            if (msg)
                snprintf(msg, msg_len, "%d devices used as %s %d (the runtime's default "
                         "split)", group, o->tp > 1 ? "tensor parallel" : "layer split", group);
        }
    }
    /* the devices the split leaves over serve as data-parallel replicas */
    if (o->replicas == 0) o->replicas = o->devices / (o->tp * o->pp) > 0
                                      ? o->devices / (o->tp * o->pp) : 1;
    if ((long)o->tp * o->pp * o->replicas > 65536L)
        return rl_err_set(err, RL_EINPUT, NULL, 0, "tp x pp x replicas exceeds 65536 devices");
    o->devices = o->tp * o->pp * o->replicas;
    if (o->ep == 0) o->ep = 1;
    if (o->ep == RL_EP_GROUP) o->ep = o->tp;
    if (o->ep < 1 || o->ep > 65536 || (o->dp_attention != 0 && o->dp_attention != 1))
        return rl_err_set(err, RL_EINPUT, NULL, 0,
                          "ep must be >= 1 and dp_attention 0 or 1");
    if (o->ep > 1 && !o->rt->expert_parallel)
        return rl_err_set(err, RL_EINPUT, NULL, 0, "runtime '%s' has no expert parallelism "
                          "(ep %d; runtimes.cfg expert_parallel)", o->rt->id, o->ep);
    if (o->dp_attention && !o->rt->dp_attention)
        return rl_err_set(err, RL_EINPUT, NULL, 0, "runtime '%s' has no data-parallel "
                          "attention (dp-attention; runtimes.cfg dp_attention)",
                          o->rt->id);
    if (o->dp_attention && o->tp < 2)
        return rl_err_set(err, RL_EINPUT, NULL, 0, "dp-attention runs attention data-parallel "
                          "over the tp group: it needs tp >= 2 (tp %d)", o->tp);
    if (o->ep > 1 && o->tp % o->ep != 0)
        return rl_err_set(err, RL_EINPUT, NULL, 0, "ep %d does not divide the group of tp %d "
                          "devices", o->ep, o->tp);
    if (o->ep > 1 && o->model->experts > 0 && o->ep > o->model->experts)
        return rl_err_set(err, RL_EINPUT, NULL, 0, "ep %d exceeds %s's %d experts", o->ep,
                          o->model->id, o->model->experts);
    if (o->ep > 1 && o->ep != o->tp && o->rt->ep_whole_group)
        return rl_err_set(err, RL_EINPUT, NULL, 0, "runtime '%s' places experts over the whole "
                          "group: ep is 1 or tp (%d), not %d", o->rt->id, o->tp, o->ep);
    if (o->tp > 1 && o->model->heads > 0 && !o->dp_attention &&
        (o->model->heads % o->tp != 0 ||
         (o->model->kv_heads % o->tp != 0 && o->tp % o->model->kv_heads != 0)))
        return rl_err_set(err, RL_EINPUT, NULL, 0, "tp %d does not divide %s's %d attention "
                          "heads and %d KV heads", o->tp, o->model->id, o->model->heads,
                          o->model->kv_heads);
    if (o->tp > 1 && !o->rt->tensor_parallel)
        return rl_err_set(err, RL_EINPUT, NULL, 0, "runtime '%s' has no tensor parallelism "
                          "(tp %d); use --pp for a layer split", o->rt->id, o->tp);
    if (o->pp > 1 && !o->rt->layer_split)
        return rl_err_set(err, RL_EINPUT, NULL, 0, "runtime '%s' cannot split layers across "
                          "devices (pp %d)", o->rt->id, o->pp);
    if (o->offload_layers > 0 && !o->rt->offload)
        return rl_err_set(err, RL_EINPUT, NULL, 0, "runtime '%s' cannot keep layers in host "
                          "RAM (offload %d)", o->rt->id, o->offload_layers);
    if (o->model->kind == RL_DECODER && o->model->max_context > 0 &&
        o->prompt + o->output > o->model->max_context)
        return rl_err_set(err, RL_EINPUT, NULL, 0, "prompt + output (%ld tokens) exceeds "
                          "%s's %ld-token context", o->prompt + o->output, o->model->id,
                          o->model->max_context);
    /* context_cap < prompt + output: the context is clipped (rl_estimate_run,
     * clip_context), not an error */
    if (o->model->layers > 0 && o->pp > o->model->layers)
        return rl_err_set(err, RL_EINPUT, NULL, 0, "pp (%d) exceeds the model's %d layers",
                          o->pp, o->model->layers);
    if (o->model->layers > 0 && o->offload_layers > o->model->layers)
        return rl_err_set(err, RL_EINPUT, NULL, 0,
                          "offload_layers (%d) exceeds the model's %d layers",
                          o->offload_layers, o->model->layers);
    if (o->weight_bytes < 0 || !isfinite(o->weight_bytes))
        return rl_err_set(err, RL_EINPUT, NULL, 0, "weight bytes must be finite and >= 0");
    return RL_OK;
}

/* ----------------------------------------------------------------- memory */

/* Weight bytes by role for the whole model. */
typedef struct wbytes { double embed, lm_head, body, experts, experts_active, total; } wbytes;

double rl_weight_bytes(const rl_arch *a, const rl_quant *q)
{
    rl_params p;
    rl_arch_params(a, &p);
    return p.embed * q->embed_bits / 8 + p.lm_head * q->lm_head_bits / 8 +
           p.attn * q->attn_bits / 8 + (p.ffn_dense + p.router) * q->dense_bits / 8 +
           p.ffn_experts * q->bits_per_weight / 8 + p.norms * q->norm_bits / 8;
}

static void weight_bytes(const rl_config *c, const rl_params *pp, wbytes *w)
{
    const rl_params p = *pp;
    const rl_quant *q = c->quant;

    w->embed = p.embed * q->embed_bits / 8;
    w->lm_head = p.lm_head * q->lm_head_bits / 8;
    w->experts = p.ffn_experts * q->bits_per_weight / 8;
    w->experts_active = p.ffn_experts_active * q->bits_per_weight / 8;
    w->body = p.attn * q->attn_bits / 8 + (p.ffn_dense + p.router) * q->dense_bits / 8 +
              p.norms * q->norm_bits / 8;
    w->total = w->embed + w->lm_head + w->body + w->experts;
    if (c->weight_bytes > 0) {          /* exact (GGUF): scale roles to match */
        double s = c->weight_bytes / w->total;
        w->embed *= s; w->lm_head *= s; w->body *= s;
        w->experts *= s; w->experts_active *= s;
        w->total = c->weight_bytes;
    }
}

/* Tokens of KV held per sequence, and the window in force. */
static double kv_tokens(const rl_config *c)
{
    return c->context_cap > 0 ? (double)c->context_cap : (double)(c->prompt + c->output);
}

static rl_arch windowed(const rl_config *c)
{
    rl_arch a = *c->model;
    if (c->sliding_window > 0 && a.layers > 0) {
        a.sliding_window = c->sliding_window;
        a.swa_layers = rl_arch_attn_layers(&a);   /* every layer that attends */
    }
    return a;
}

/* KV split across devices: TP splits heads (replicated past kv_heads). */
static double kv_tp_div(const rl_config *c)
{
    const rl_arch *a = c->model;
    if (c->dp_attention && a->kv_heads >= 1) return c->tp;  /* own sequences only */
    if (a->kv_lora_rank > 0 || a->kv_heads < 1) return 1;  /* MLA latent is replicated;
                                                             no attention, no KV */
    return c->tp < a->kv_heads ? c->tp : a->kv_heads;
}

/* The same at `tokens` when global layers (Gemma 4, MiMo-V2) have their
 * own KV heads: each part is split by its own head count. */
static double kv_div_at(const rl_config *c, const rl_arch *aw, double tokens)
{
    double d = kv_tp_div(c), all, g, dg;
    if (aw->global_layers <= 0 || aw->kv_lora_rank > 0 || c->tp <= 1 || c->dp_attention)
        return d;
    all = rl_arch_kv_elems(aw, tokens);
    g = rl_arch_global_kv_elems(aw, tokens);
    dg = c->tp < aw->global_kv_heads ? c->tp : aw->global_kv_heads;
    if (all <= 0 || dg < 1) return d;
    return all / ((all - g) / d + g / dg);
}

/* Tokens of KV a sequence holds: whole allocation blocks (a paged
 * runtime's last block is partly empty). */
static double kv_alloc_tokens(const rl_config *c)
{
    double t = kv_tokens(c), b = c->rt->kv_block_tokens;
    return b > 1 ? ceil(t / b) * b : t;
}

/* Activation peak per device, bytes.  Runtimes that size a KV pool
 * (kv_reserve_frac > 0) measure it with a profiling forward pass of
 * act_tokens tokens (vLLM max_num_batched_tokens) and a sampler pass over
 * max_num_seqs sequences, whatever the workload; the others allocate for
 * the micro-batch at hand and fp32 logits of the sequences sampled. */
static double activation_bytes(const rl_config *c)
{
    const rl_arch *a = c->model;
    double inner = a->experts > 0 ? (double)a->moe_intermediate * a->experts_active
                                  : (double)a->intermediate;
    double per_tok = (4.0 * a->hidden + 2.0 * inner / c->tp) * 2;
    double tok, seqs;
    if (c->rt->kv_reserve_frac > 0) {
        tok = c->rt->act_tokens;
        seqs = c->rt->max_num_seqs > 0 ? fmin(c->rt->max_num_seqs, tok) : c->concurrency;
    } else {
        tok = fmin(c->rt->act_tokens,
                   fmax(1.0, (double)(c->prompt > 0 ? c->prompt : 1) * c->concurrency));
        seqs = c->concurrency;
    }
    return tok * per_tok + (double)a->vocab * c->rt->sampler_bytes * seqs;
}

/* Fixed runtime memory per device besides weights and activations: the
 * non-torch context (CUDA context, cuBLAS workspaces), communication
 * buffers when devices talk, CUDA graphs. */
static double fixed_overhead_gib(const rl_config *c)
{
    return c->rt->ctx_overhead_gib + c->rt->cuda_graph_gib +
           (c->tp * c->pp > 1 ? c->rt->comm_buffer_gib : 0);
}

/* What the runtime lets this configuration use per device, and so the
 * KV pool (see runtimes.cfg "KV pool accounting"):
 *   of total (vLLM, MLC):  F x total - weights - activations - overheads
 *                          (CUDA graphs outside it unless graphs_in_pool)
 *   of free (TensorRT-LLM): F x (total - weights - activations - overheads)
 *   static (SGLang):       F x total - weights - non-torch - comm; the
 *                          activations and graphs live in the (1 - F) rest
 * F = --gpu-memory-utilization when given, else kv_reserve_frac; 0: the
 * runtime allocates what it needs (capacity = all usable memory). */
static double usable_capacity(const rl_config *c, const rl_memory *m, double total)
{
    const rl_runtime *r = c->rt;
    double F = c->mem_util > 0 ? c->mem_util : r->kv_reserve_frac;
    double graphs_out = r->graphs_in_pool ? 0 : r->cuda_graph_gib;
    if (F <= 0) return total;
    if (r->kv_reserve_of_free) {
        double rest = m->weights + m->activations + m->runtime_overhead;
        return total > rest ? rest + (total - rest) * F : total;
    }
    if (r->kv_reserve_static)
        return F * total + m->activations + r->cuda_graph_gib;
    return F * total + graphs_out;
}

static void memory(const rl_config *c, rl_memory *m, wbytes *w)
{
    const rl_arch *a = c->model;
    rl_arch aw = windowed(c);
    double L = a->layers > 0 ? a->layers : 1;
    double on_frac = 1.0 - c->offload_layers / L;       /* layers on devices */
    double host_embed = c->rt->embed_on_host ? 0 : 1;   /* 1: embed on device */
    double ends, kv, fixed;
    rl_params p;

    rl_arch_params(a, &p);
    weight_bytes(c, &p, w);
    /* The most loaded device.  A layer split balances memory across the
     * stages (the embedding and lm_head count towards theirs), but layers
     * are whole: the fullest stage holds about half a layer more than the
     * average. */
    ends = w->embed * host_embed + w->lm_head;
    if (rl_moe_active(c)) {     /* EP / DP-attention: model/moe.c */
        double layer_dev = w->body / rl_moe_body_div(c) + w->experts * rl_moe_expert_mem_frac(c);
        m->weights = (layer_dev * on_frac + ends / c->tp) / c->pp / GIB;
        if (c->pp > 1) m->weights += layer_dev / L / 2 / GIB;
    } else {
        m->weights = ((w->body + w->experts) * on_frac + ends) / (c->tp * c->pp) / GIB;
        if (c->pp > 1)
            m->weights += (w->body + w->experts) / L / 2 / c->tp / GIB;
    }
    m->weights_total = w->total / GIB;
    /* DP-attention: the busiest rank holds ceil(B / tp) sequences, whole */
    kv = rl_arch_kv_elems(&aw, kv_alloc_tokens(c)) * c->kv->bytes_per_elem *
         (c->dp_attention ? rl_moe_attn_seqs(c, c->concurrency) * c->tp : c->concurrency);
    m->kv_cache = kv * on_frac / (kv_div_at(c, &aw, kv_tokens(c)) * c->pp) / GIB;
    m->activations = activation_bytes(c) / GIB;
    fixed = fixed_overhead_gib(c);
    m->runtime_overhead = fixed + m->kv_cache * c->rt->kv_frag;
    m->device_peak = m->weights + m->kv_cache + m->activations + m->runtime_overhead;
    {
        rl_memory fx = *m;                      /* the pool rule sees the fixed parts */
        fx.runtime_overhead = fixed;
        m->device_capacity = usable_capacity(c, &fx, rl_hw_usable_gib(c->hw));
    }
    m->kv_pool = m->device_capacity - m->weights - m->activations - fixed;
    m->host_peak = ((w->body + w->experts) * (1 - on_frac) + kv * (1 - on_frac) +
                    w->embed * (1 - host_embed)) / GIB;
}

/* The pool in tokens and in sequences of the requested context, per
 * replica.  A token's KV is split across the TP shards (each holds its
 * heads' share) and the PP stages (each its layers), so per device it
 * costs its share and the pool of one device counts each token once. */
static void kv_capacity(const rl_config *c, const rl_memory *m, rl_estimate *e)
{
    rl_arch aw = windowed(c);
    double ctx = kv_tokens(c), alloc = kv_alloc_tokens(c);
    double div = kv_div_at(c, &aw, ctx) * c->pp;
    double grow = rl_arch_kv_elems(&aw, ctx) - rl_arch_kv_elems(&aw, 0);
    double per_tok = ctx > 0 ? grow / ctx * c->kv->bytes_per_elem / div : 0;
    double per_seq = rl_arch_kv_elems(&aw, alloc) * c->kv->bytes_per_elem / div *
                     (1 + c->rt->kv_frag);
    double pool = m->kv_pool > 0 ? m->kv_pool * GIB : 0;
    e->kv_capacity_tokens = per_tok > 0 ? floor(pool / per_tok) : 0;
    e->max_concurrency = per_seq > 0 ? pool / per_seq : 0;
}

/* ---------------------------------------------------------------- features */

/* Time (ms) to stream `bytes` per device, with SRAM residency: what fits in
 * on-chip SRAM is read at SRAM bandwidth, the rest spills to main memory. */
static double stream_ms(const rl_hw *h, double bytes, double ws, double *spill)
{
    const rl_mem_tier *t = rl_hw_main_tier(h), *s = rl_hw_sram_tier(h);
    if (s && s != t) {
        double cap = s->capacity_gib * GIB;
        double frac = ws > 0 ? fmin(1.0, cap / ws) : 1.0;
        if (ws > cap) *spill = 1;
        return (bytes * frac / (s->bandwidth_gbps * 1e9) +
                bytes * (1 - frac) / (t->bandwidth_gbps * 1e9)) * 1e3;
    }
    return bytes / (t->bandwidth_gbps * 1e9) * 1e3;
}

static double link_gbps(const rl_hw *h)
{
    return h->link_gbps > 0 ? h->link_gbps : h->pcie_gbps;
}

/* n all-reduces of `bytes` each over the tp devices, into m (alpha-beta
 * model: a message step costs the link latency alpha, a byte 1/bandwidth
 * per link; link_eff later divides the bytes only).  The algorithms:
 *
 *   ring      NCCL's ring (NCCL docs, "Collective Operations"; the
 *             reduce-scatter + all-gather ring): 2(p-1) steps, each GPU
 *             sends 2(p-1)/p of the data.  Always available.  NCCL's tree
 *             and LL/LL128 protocols lower the per-step cost of small
 *             messages; that is what the per-step latency prior stands for,
 *             not a step count we model separately.
 *   one-shot  every GPU reads the whole buffer of each of its p-1 peers
 *             by P2P and sums locally: one barrier in, one out (~2 steps),
 *             (p-1) x the data through its own link.
 *   two-shot  reduce-scatter then all-gather, both by direct P2P reads
 *             (~4 steps), 2(p-1)/p of the data, like the ring's volume.
 *
 * One- and two-shot are the custom all-reduces of vLLM
 * (vllm/distributed/device_communicators/custom_all_reduce.py and
 * csrc/custom_all_reduce.cuh: one-shot for small messages, two-shot for
 * larger ones, NCCL above its buffer size; refused unless every GPU pair has
 * P2P, and for more than two PCIe-only GPUs), reused by SGLang, and of
 * TensorRT-LLM (AllReduceStrategy AUTO picks ONESHOT, TWOSHOT or NCCL by
 * message size).  They need the hardware's all_to_all link (NVSwitch, a
 * full mesh) and the runtime's custom_allreduce; elsewhere only the ring.
 * Runtimes choose by size thresholds tuned on the hardware; rl_comm_ms
 * stands for that by taking the fastest, and adds the backend's fitted
 * ar_us per all-reduce: the collective kernel's launch and flag polling,
 * a software cost the link latency prior does not hold. */
static void allreduce_feat(const rl_config *c, double n, double bytes, rl_comm *m)
{
    double p = c->tp, alpha = c->hw->link_latency_us * 1e-3;
    double byte_ms = 1e3 / (link_gbps(c->hw) * 1e9);
    int custom = c->hw->link_all_to_all && c->rt->custom_allreduce;

    m->n_ar = p > 1 ? n : 0;
    m->lat_ms[RL_AR_RING] = 2.0 * (p - 1) * alpha;
    m->wire_ms[RL_AR_RING] = 2.0 * (p - 1) / p * bytes * byte_ms;
    m->lat_ms[RL_AR_ONESHOT] = 2.0 * alpha;
    m->wire_ms[RL_AR_ONESHOT] = custom ? (p - 1) * bytes * byte_ms : -1;
    m->lat_ms[RL_AR_TWOSHOT] = 4.0 * alpha;
    m->wire_ms[RL_AR_TWOSHOT] = custom ? 2.0 * (p - 1) / p * bytes * byte_ms : -1;
}

/* hops point-to-point sends of `bytes` each (PP stage boundaries): one
 * latency and the bytes over the link per send. */
static void hops_feat(const rl_config *c, double hops, double bytes, rl_comm *m)
{
    m->hop_lat_ms = hops * c->hw->link_latency_us * 1e-3;
    m->hop_wire_ms = hops * bytes * 1e3 / (link_gbps(c->hw) * 1e9);
}

double rl_comm_ms(const rl_comm *m, const rl_backend *b)
{
    double best = 0, eff = b->link_eff;
    if (m->n_ar > 0) {
        best = m->lat_ms[RL_AR_RING] + m->wire_ms[RL_AR_RING] / eff;
        for (int a = RL_AR_RING + 1; a < RL_AR_N; a++)
            if (m->wire_ms[a] >= 0)
                best = fmin(best, m->lat_ms[a] + m->wire_ms[a] / eff);
        best += b->ar_us * 1e-3;
    }
    return m->n_ar * best + m->hop_lat_ms + m->hop_wire_ms / eff +
           (m->n_a2a > 0 ? m->n_a2a * (b->ar_us * 1e-3 + m->a2a_lat_ms +
                                        m->a2a_wire_ms / eff) : 0);
}

/* The precision the matmuls run at: the format's own, except on a CPU,
 * where llama.cpp's kernels multiply quantized weight blocks against
 * activations quantized to 8 bits with integer dot products (AVX-512
 * VNNI, AVX-VNNI, ARM dotprod/i8mm): the format's cpu_compute
 * (quant.cfg), at the part's int8 peak. */
static int compute_kind(const rl_config *c)
{
    if (c->quant->cpu_compute > 0 && strcmp(c->hw->klass, "cpu") == 0)
        return c->quant->cpu_compute - 1;
    return c->quant->compute;
}

/* Energy of one matmul operation relative to fp16: it scales with the
 * operand width (multiplier area and data moved), so the power limit on
 * compute is twice as loose for fp8/int8 as for fp16. */
static double op_energy(const rl_config *c)
{
    switch (compute_kind(c)) {
    case RL_C_FP32: return 2.0;
    case RL_C_FP8: return c->hw->fp8_native ? 0.5 : 1.0;
    case RL_C_INT8: return 0.5;
    case RL_C_INT4: return 0.25;
    case RL_C_FP4: return c->hw->peak[RL_C_FP4] > 0 ? 0.25 : 1.0;
    default: return 1.0;
    }
}

/* Peak (TFLOP/s) that the matmuls of this quant run at on this device. */
static double matmul_peak(const rl_config *c)
{
    int kind = compute_kind(c);
    if (kind == RL_C_FP8 && !c->hw->fp8_native) kind = RL_C_FP16;
    return rl_hw_peak(c->hw, kind);
}

/* The FLOP-weighted mean of 1 / K over a forward pass's GEMMs, K being
 * each GEMM's reduction length on one device: the hidden size for the
 * projections into attention, the FFN and the experts; the attention
 * width and the FFN's inner size, split by tensor parallelism, for the
 * output and down projections (experts under expert parallelism keep
 * theirs).  A tile's fixed cost amortises over K, so small-K GEMMs -- a
 * small model's, or a large one's at high TP -- reach less of the peak. */
static double gemm_inv_k(const rl_config *c, const rl_params *p)
{
    const rl_arch *a = c->model;
    double h = a->hidden, fm = a->ffn_mats > 1 ? a->ffn_mats : 2, tp = c->tp > 0 ? c->tp : 1;
    double vd, o, in, w = 0, wk = 0;
    if (a->layers <= 0 || h <= 0 || a->heads <= 0) return 0;
    vd = a->v_head_dim > 0 ? a->v_head_dim : a->head_dim;
    o = rl_arch_attn_layers(a) * (double)a->heads * vd * h;     /* output projections */
    o = fmin(o, p->attn);
    in = p->attn - o;                                            /* q/k/v, mixers */
    w += in + o;
    wk += in / h + o / fmax(1.0, a->heads * vd / tp);
    if (p->ffn_dense > 0 && a->intermediate > 0) {
        w += p->ffn_dense;
        wk += p->ffn_dense * ((fm - 1) / fm / h + 1 / fm / fmax(1.0, a->intermediate / tp));
    }
    if (p->ffn_experts_active > 0 && a->moe_intermediate > 0) {
        double kd = a->moe_intermediate / (c->ep > 1 ? 1.0 : tp);
        w += p->ffn_experts_active;
        wk += p->ffn_experts_active * ((fm - 1) / fm / h + 1 / fm / fmax(1.0, kd));
    }
    return w > 0 ? wk / w : 0;
}

static void step_features(const rl_config *c, const wbytes *w, double ctx,
                          double batch, double thermal, rl_step_feat *s,
                          double *spill)
{
    const rl_arch *a = c->model;
    rl_arch aw = windowed(c);
    double L = a->layers > 0 ? a->layers : 1;
    /* unified memory: "offloaded" layers stream from the same DRAM at the
     * same efficiency, so no share of the step moves to a host path */
    double on_frac = c->hw->unified ? 1.0 : 1.0 - c->offload_layers / L;
    double peak = matmul_peak(c) * thermal;
    double experts_read = 0, wread, kvread, ws;

    if (a->experts > 0) {       /* distinct experts a batch touches */
        double k = a->experts_active, e = a->experts;
        double touched = e * (1.0 - pow(1.0 - k / e, batch));
        experts_read = w->experts * touched / e;
    }
    /* Weights one step reads, per device (TP) summed over PP stages. */
    wread = (w->body + experts_read) / c->tp + (w->lm_head > 0 ? w->lm_head : w->embed) / c->tp;
    kvread = rl_arch_kv_elems(&aw, ctx) * c->kv->bytes_per_elem * batch /
             kv_div_at(c, &aw, ctx);
    ws = (w->body + w->experts) / (c->tp * c->pp) +
         kvread / c->pp;                                    /* per-device working set */
    if (rl_moe_active(c)) {     /* EP / DP-attention (model/moe.c): the busiest device */
        rl_moe_pass mp;
        rl_moe_pass_of(c, batch, &mp);
        wread = w->body / rl_moe_body_div(c) + w->experts * mp.read_frac +
                (w->lm_head > 0 ? w->lm_head : w->embed) / c->tp;
        if (c->dp_attention)
            kvread = rl_arch_kv_elems(&aw, ctx) * c->kv->bytes_per_elem *
                     rl_moe_attn_seqs(c, batch);
        ws = (w->body / rl_moe_body_div(c) + w->experts * rl_moe_expert_mem_frac(c) +
              kvread) / c->pp;
    }
    s->mem_w_ms = stream_ms(c->hw, wread * on_frac, ws, spill);
    s->mem_kv_ms = stream_ms(c->hw, kvread * on_frac, ws, spill);
    s->off_ms = (wread + kvread) * (1 - on_frac) / (c->hw->host_bandwidth_gbps * 1e9) * 1e3;
    s->comp_ms = batch * rl_arch_flops_token(&aw, ctx) / c->tp / (peak * 1e12) * 1e3;
    s->energy_ms = c->hw->tdp_w > 0
                 ? op_energy(c) * batch * rl_arch_flops_token(&aw, ctx) / c->tp / (c->hw->tdp_w * 1e12) * 1e3 : 0;
    s->deq_ms = c->quant->dequant_ops > 0
              ? wread * 8 / c->quant->bits_per_weight * c->quant->dequant_ops /
                (rl_hw_peak(c->hw, RL_C_FP32) * thermal * 1e12) * 1e3 : 0;
    s->layers = a->layers;
    s->seqs = batch;
    /* two all-reduces per layer (after attention, after the MLP) of the
     * step's fp16 activations; one hop per stage boundary */
    allreduce_feat(c, a->layers * 2, batch * a->hidden * 2.0, &s->comm);
    hops_feat(c, c->pp - 1, batch * a->hidden * 2.0, &s->comm);
    s->pipe_div = 1;
    if (rl_moe_active(c)) {
        /* the busiest device's FLOPs: attention and dense layers on its
         * share of the tokens (1/tp of each under TP; its own sequences
         * whole under DP-attention), routed experts on its share of the
         * assignments; then the MoE layers' traffic (model/moe.c) */
        rl_moe_pass mp;
        rl_params p;
        double n_ar, fe, fl, own = rl_moe_attn_seqs(c, batch);
        rl_moe_pass_of(c, batch, &mp);
        rl_arch_params(a, &p);
        fe = 2.0 * p.ffn_experts_active;
        fl = (rl_arch_flops_token(&aw, ctx) - fe) * (c->dp_attention ? own : batch / c->tp) +
             fe * batch * mp.flop_frac;
        s->comp_ms = fl / (peak * 1e12) * 1e3;
        s->energy_ms = c->hw->tdp_w > 0 ? op_energy(c) * fl / (c->hw->tdp_w * 1e12) * 1e3 : 0;
        s->seqs = own;          /* DP-attention: each rank schedules its own */
        rl_moe_comm(c, batch, ceil(batch / c->tp), &n_ar, &s->comm);
        allreduce_feat(c, n_ar, batch * a->hidden * 2.0, &s->comm);
    }
}

static void features_at(const rl_config *c, double thermal, rl_features *f);

/* Features at a sustained compute clock `thermal` (1 = the mode's full
 * clock).  On parts whose DVFS lowers the memory controller with the core
 * (hw mem_clock_follows > 0: SoCs, NPUs), a thermal or power-envelope cap
 * also slows DRAM: bandwidth x (1 - follows x (1 - thermal)), so a hot
 * ambient slows bandwidth-bound decode too.  Discrete GPUs (follows 0)
 * keep their memory clock. */
static void features_scaled(const rl_config *c, double thermal, rl_features *f)
{
    rl_config cc;
    rl_hw hh;
    double bw = 1 - c->hw->mem_clock_follows * (1 - thermal);
    if (thermal >= 1 || c->hw->mem_clock_follows <= 0) {
        features_at(c, thermal, f);
        return;
    }
    cc = *c;
    hh = *c->hw;
    for (int t = 0; t < hh.n_tiers; t++)
        if (strcmp(hh.tiers[t].tier, "sram") != 0) hh.tiers[t].bandwidth_gbps *= bw;
    cc.hw = &hh;
    features_at(&cc, thermal, f);
}

/* Attention work of a prompt of P tokens: the sum over its queries of
 * attn(keys the query is multiplied with); aw NULL counts the keys.
 * Fused (flash) kernels skip the masked future, so query i pays for its i
 * keys: Simpson over [0, P] is exact for attention's linear growth.
 * Unfused attention (u > 0: llama.cpp without -fa) multiplies each
 * micro-batch's u queries by every cached key up to the micro-batch's
 * end and masks afterwards: micro-batch k pays u x attn(k u), which
 * doubles the work of a one-micro-batch prompt. */
static double key_count(const rl_arch *aw, double keys)
{
    return aw ? rl_arch_attn_flops_token(aw, keys) : keys;
}

static double prompt_sum(const rl_arch *aw, double P, double u)
{
    double m, r, full;
    if (u <= 0)
        return P * (key_count(aw, 0) + 4 * key_count(aw, P / 2) + key_count(aw, P)) / 6;
    m = floor(P / u);
    r = P - m * u;
    /* micro-batch ends u, 2u, ... m u: evenly spaced, so their mean is
     * the midpoint and Simpson is exact where attn is linear */
    full = m > 0 ? u * m * (key_count(aw, u) + 4 * key_count(aw, (m + 1) * u / 2) +
                            key_count(aw, m * u)) / 6 : 0;
    return full + r * key_count(aw, P);
}

static void features_at(const rl_config *c, double thermal, rl_features *f)
{
    const rl_arch *a = c->model;
    rl_arch aw = windowed(c);
    wbytes w;
    rl_params ap;
    double P = (double)c->prompt, N = (double)c->output, B = c->concurrency;
    double peak, micro, ubatches, inv_k;

    memset(f, 0, sizeof *f);
    rl_arch_params(a, &ap);
    weight_bytes(c, &ap, &w);
    inv_k = gemm_inv_k(c, &ap);
    micro = c->rt->act_tokens > 0 ? c->rt->act_tokens : 512;
    f->tp = c->tp; f->pp = c->pp; f->concurrency = c->concurrency;
    f->thermal_scale = thermal;
    f->has_decode = N > 0 && a->kind == RL_DECODER;
    f->has_prefill = P > 0 || a->kind == RL_ENCODER;
    f->pre_spread = 1;

    /* Decode: Simpson over ctx in [P, P+N]. */
    {
        double ctxs[RL_DEC_POINTS] = { P, P + N / 2, P + N };
        double wts[RL_DEC_POINTS] = { 1.0 / 6, 4.0 / 6, 1.0 / 6 };
        /* PP with continuous batching pipelines micro-batches of B/pp. */
        double pipe = (c->pp > 1 && c->rt->continuous_batching && B >= c->pp) ? c->pp : 1;
        for (int i = 0; i < RL_DEC_POINTS; i++) {
            step_features(c, &w, ctxs[i], B / pipe, f->thermal_scale, &f->dec[i],
                          &f->sram_spill);
            f->dec[i].pipe_div = pipe;
            f->dec[i].inv_k = inv_k;
            f->dec_w[i] = wts[i];
        }
    }

    /* Prefill of one prompt (encoders: one input). */
    peak = matmul_peak(c) * f->thermal_scale * 1e12;
    if (a->kind == RL_ENCODER) {
        /* concurrency = inputs batched into one forward pass: FLOPs scale
         * with it, the weights are read once per micro-batch */
        double n = a->input_tokens > 0 ? a->input_tokens : 1;
        double flops = B * (a->gflops_per_input > 0 ? a->gflops_per_input * 1e9
                                                    : n * rl_arch_flops_token(&aw, n));
        double attn = a->gflops_per_input > 0 ? 0 : B * n * rl_arch_attn_flops_token(&aw, n);
        f->pre_lin_ms = (flops - attn) / c->tp / peak * 1e3;
        f->pre_attn_ms = attn / c->tp / peak * 1e3;
        f->pre_energy_ms = c->hw->tdp_w > 0 ? op_energy(c) * flops / c->tp / (c->hw->tdp_w * 1e12) * 1e3 : 0;
        P = n * B;
    } else if (P > 0) {
        double attn = prompt_sum(&aw, P, c->rt->flash_attention ? 0 : micro);
        /* the output projection runs for the last position only: servers
         * and llama.cpp compute logits just where a token is sampled */
        double head = 2.0 * (a->tied_embeddings ? ap.embed : ap.lm_head);
        double lin = P * (rl_arch_flops_token(&aw, 0) - head) + head;
        f->pre_lin_ms = lin / c->tp / peak * 1e3;
        f->pre_attn_ms = attn / c->tp / peak * 1e3;
        f->pre_energy_ms = c->hw->tdp_w > 0
                         ? op_energy(c) * (lin + attn) / c->tp / (c->hw->tdp_w * 1e12) * 1e3 : 0;
        if (rl_moe_active(c)) {
            /* one prompt on the busiest device: its routed-expert share;
             * under DP-attention its attention and dense layers run whole
             * on one rank (the TTFT a request sees), while a server's
             * prompts spread over the ranks (pre_spread, for throughput) */
            rl_moe_pass mp;
            rl_params p;
            double fe, nd = c->dp_attention ? 1.0 : c->tp, lin_d, spread_d;
            rl_moe_pass_of(c, P, &mp);
            rl_arch_params(a, &p);
            fe = P * 2.0 * p.ffn_experts_active;
            lin_d = (lin - fe) / nd + fe * mp.flop_frac;
            spread_d = (lin - fe + attn) / c->tp + fe * mp.flop_frac;
            f->pre_lin_ms = lin_d / peak * 1e3;
            f->pre_attn_ms = attn / nd / peak * 1e3;
            f->pre_energy_ms = c->hw->tdp_w > 0
                             ? op_energy(c) * (lin_d + attn / nd) / (c->hw->tdp_w * 1e12) * 1e3 : 0;
            f->pre_spread = lin_d + attn / nd > 0 ? spread_d / (lin_d + attn / nd) : 1;
        }
    }
    f->pre_inv_k = inv_k;
    f->dequant_ops = (c->quant->weight_only ||     /* fp4 without fp4 units */
                      (c->quant->compute == RL_C_FP4 && !(c->hw->peak[RL_C_FP4] > 0))) &&
                     c->quant->bits_per_weight < 16 ? c->quant->dequant_ops : 0;
    ubatches = ceil(fmax(P, 1) / micro);
    {
        double spill = 0;
        double wall = rl_moe_active(c)
                    ? w.body / rl_moe_body_div(c) + w.experts * rl_moe_expert_mem_frac(c) +
                      w.lm_head / c->tp
                    : (w.body + w.experts + w.lm_head) / c->tp;
        double L = a->layers > 0 ? a->layers : 1;
        /* every micro-batch streams the body; the output projection is
         * read once, for the last position's logits */
        double head_w = a->kind == RL_DECODER ? w.lm_head / c->tp : 0;
        f->pre_floor_ms = stream_ms(c->hw, ubatches * (wall - head_w) + head_w, wall / c->pp,
                                    &spill);
        /* offloaded layers: their weights cross the host link once per
         * micro-batch (llama.cpp runs big batches on the GPU) */
        if (c->offload_layers > 0)
            f->pre_floor_ms += ubatches * (w.body + w.experts) * c->offload_layers / L /
                               (c->hw->pcie_gbps * 1e9) * 1e3;
        if (!c->rt->flash_attention && a->layers > 0 && a->kind == RL_DECODER) {
            /* unfused attention writes the fp32 score matrix, and softmax
             * and the V product read it back: ~3 passes of 4 bytes per
             * (query, key, head), over every key up to the end of the
             * query's micro-batch (window-capped) */
            double keys = prompt_sum(NULL, P, micro) / P;
            if (aw.swa_layers > 0) keys = fmin(keys, (double)aw.sliding_window);
            if (a->index_heads > 0) keys = fmin(keys, (double)a->index_topk); /* DSA top-k */
            double bytes = 3.0 * 4 * P * keys * a->heads / c->tp * rl_arch_attn_layers(a);
            f->pre_attn_mem_ms = stream_ms(c->hw, bytes, wall / c->pp, &spill);
        }
    }
    /* GPipe bubble: pp stages, m micro-batches in flight: total = serial x
     * (m + pp - 1) / (m x pp); one micro-batch gains nothing.  Micro-batches
     * overlap only within one submitted batch (n_batch tokens). */
    if (c->pp > 1) {
        double m = fmin(ubatches, ceil(fmax(c->rt->batch_tokens, micro) / micro));
        f->pre_pipe = (m + c->pp - 1) / (m * c->pp);
    } else {
        f->pre_pipe = 1;
    }
    /* prefill: the whole prompt's activations per all-reduce; each
     * micro-batch crosses every stage boundary once */
    allreduce_feat(c, a->layers * 2, P * a->hidden * 2.0, &f->pre_comm);
    hops_feat(c, (c->pp - 1) * ubatches, P / ubatches * a->hidden * 2.0, &f->pre_comm);
    if (rl_moe_active(c) && a->kind == RL_DECODER) {
        /* the prompt's tokens: a 1/tp slice per device under TP
         * attention, all on one rank under DP-attention */
        double n_ar;
        rl_moe_comm(c, P, c->dp_attention ? P : ceil(P / c->tp), &n_ar, &f->pre_comm);
        allreduce_feat(c, n_ar, P * a->hidden * 2.0, &f->pre_comm);
    }
}

/* A decode step's kernels: the weight GEMV/GEMMs (a roofline of their
 * weight reads and their FLOPs plus unpacking) and, after them, the
 * attention kernels streaming the KV cache.  They run one after the other,
 * so their times add: a step whose GEMMs are compute- or ALU-bound still
 * pays for its KV reads (what llama.cpp's Metal decode shows as the
 * context grows). */
static double step_w_ms(const rl_step_feat *s, const rl_backend *b)
{
    return s->mem_w_ms / b->bw_eff;
}

static double step_kv_ms(const rl_step_feat *s, const rl_backend *b)
{
    return s->mem_kv_ms / (b->kv_eff * b->bw_eff);
}

static double step_comp_ms(const rl_step_feat *s, const rl_backend *b)
{
    return fmax(s->comp_ms / b->mfu * (1 + b->gemm_k0 * s->inv_k),
                b->tflops_per_w > 0 ? s->energy_ms / b->tflops_per_w : 0) +
           s->deq_ms * b->dequant_flops;
}

double rl_decode_step_ms(const rl_step_feat *s, const rl_backend *b)
{
    double t = fmax(step_w_ms(s, b), step_comp_ms(s, b)) + step_kv_ms(s, b) +
               s->layers * b->layer_us * 1e-3 + b->step_ms +
               s->seqs * b->seq_us * 1e-3 +
               rl_comm_ms(&s->comm, b) + s->off_ms / b->bw_eff;
    return t;           /* one step serves every sequence once; pipe_div
                           only records how the batch was split */
}

/* Prefill's compute sides: the GEMMs (peak- and power-bound) and the
 * attention kernels. */
static double prefill_gemm_ms(const rl_features *f, const rl_backend *b)
{
    return fmax(f->pre_lin_ms / b->mfu * (1 + b->gemm_k0 * f->pre_inv_k),
                b->tflops_per_w > 0 ? f->pre_energy_ms / b->tflops_per_w : 0) /
           pow(b->dequant_eff, f->dequant_ops);
}

static double prefill_attn_ms(const rl_features *f, const rl_backend *b)
{
    return f->pre_attn_ms / (b->mfu * b->attn_eff);
}

double rl_prefill_ms(const rl_features *f, const rl_backend *b)
{
    /* GEMMs overlap their weight reads (roofline max); the attention
     * kernels and the score traffic of unfused attention run apart from
     * them, so their times add */
    double t = fmax(prefill_gemm_ms(f, b), f->pre_floor_ms / b->pre_bw_eff) +
               prefill_attn_ms(f, b) +
               f->pre_attn_mem_ms / b->pre_bw_eff;
    return t * f->pre_pipe + b->prefill_ms + rl_comm_ms(&f->pre_comm, b);
}

void rl_features_compute(const rl_config *c, const rl_memory *mem, rl_features *f)
{
    (void)mem;
    features_scaled(c, 1.0, f);
}

/* ------------------------------------------------------------- the answer */

typedef struct times {
    double step[RL_DEC_POINTS];     /* decode step ms at each point */
    double step_avg;                /* quadrature average */
    double prefill;                 /* one prompt, ms */
    double busy;                    /* share of a step the device is busy */
} times;

static void run_times(const rl_features *f, const rl_backend *b, const rl_backend *bp,
                      times *t)
{
    t->step_avg = 0;
    for (int i = 0; i < RL_DEC_POINTS; i++) {
        t->step[i] = rl_decode_step_ms(&f->dec[i], b);
        t->step_avg += f->dec_w[i] * t->step[i];
    }
    t->prefill = f->has_prefill ? rl_prefill_ms(f, bp) : 0;
    if (t->prefill > 0 && f->dec[0].layers > 0) {
        /* no forward pass is cheaper than one token's: weights streamed
         * at decode efficiency plus the per-layer and per-step costs */
        rl_step_feat d = f->dec[0];          /* that step, for one sequence */
        double s = 1.0 / (d.seqs > 0 ? d.seqs : 1), one;
        d.comp_ms *= s;
        d.energy_ms *= s;
        d.mem_kv_ms *= s;
        d.seqs = 1;
        one = rl_decode_step_ms(&d, b);
        if (t->prefill < one) t->prefill = one;
    }
    {
        const rl_step_feat *m = &f->dec[1];
        double core = fmax(step_w_ms(m, b), step_comp_ms(m, b)) + step_kv_ms(m, b);
        t->busy = f->has_decode ? fmin(1.0, core / t->step[1]) : 1.0;
    }
}

/* Power per device (W) at a busy share. */
static double device_power(const rl_hw *h, double busy)
{
    if (h->tdp_w <= 0) return 0;
    return h->idle_w + (h->tdp_w - h->idle_w) * busy;
}

static void shares(const rl_features *f, const rl_backend *b, const rl_backend *bp,
                   const times *t, rl_estimate *e)
{
    const rl_step_feat *m = &f->dec[1];
    double mem = step_w_ms(m, b), comp = step_comp_ms(m, b);
    double tot = t->step[1] > 0 ? t->step[1] : 1;

    if (!f->has_decode) {               /* prefill / encoder only */
        double c = prefill_gemm_ms(f, bp) + prefill_attn_ms(f, bp);
        double fl = f->pre_floor_ms / bp->pre_bw_eff;
        e->share_compute = c >= fl ? 100 : 0;
        e->share_weights = c >= fl ? 0 : 100;
        e->regime = c >= fl ? RL_REG_COMPUTE : RL_REG_BANDWIDTH;
        return;
    }
    if (comp > mem) {
        e->share_compute = 100 * comp / tot;
        e->share_unpack = 100 * m->deq_ms * b->dequant_flops / tot;
    }
    else e->share_weights = 100 * mem / tot;
    e->share_kv = 100 * step_kv_ms(m, b) / tot;
    e->share_comm = 100 * rl_comm_ms(&m->comm, b) / tot;
    e->share_offload = 100 * m->off_ms / b->bw_eff / tot;
    e->share_overhead = 100 - e->share_compute - e->share_weights - e->share_kv -
                        e->share_comm - e->share_offload;
    if (e->share_overhead < 0) e->share_overhead = 0;
    {
        double v[] = { e->share_compute, e->share_weights, e->share_kv, e->share_comm,
                       e->share_overhead, e->share_offload };
        int r[] = { RL_REG_COMPUTE, RL_REG_BANDWIDTH, RL_REG_KV, RL_REG_COMM,
                    RL_REG_OVERHEAD, RL_REG_OFFLOAD };
        int best = 0;
        for (int i = 1; i < 6; i++) if (v[i] > v[best]) best = i;
        e->regime = r[best];
        if (e->regime == RL_REG_BANDWIDTH && f->sram_spill) e->regime = RL_REG_SRAM_SPILL;
    }
}

/* Where a backend has too few held-out rows for split-conformal
 * quantiles (calibrate.c, RL_BAND_MIN), the band is the log-normal sigma
 * band widened by this finite-sample factor: Student's t at 0.90 with 4
 * degrees of freedom (1.533, the fewest rows behind a held-out sigma) over
 * the normal's 1.2816. */
#define THIN_WIDEN 1.196

/* p10/p50/p90 around p50: ln(measured / predicted) has held-out 10th and
 * 90th percentiles q10 and q90 (both 0: not known, so the widened sigma
 * band instead). */
static rl_range spread(double p50, double q10, double q90, double sigma)
{
    rl_range r;
    r.p50 = p50;
    if (q10 < q90) {
        r.p10 = p50 * exp(q10);
        r.p90 = p50 * exp(q90);
    } else {
        r.p10 = p50 * exp(-Z90 * THIN_WIDEN * sigma);
        r.p90 = p50 * exp(Z90 * THIN_WIDEN * sigma);
    }
    return r;
}

/* Say how p10/p90 were made, in one assumption. */
static void band_note(const rl_backend *b, const rl_backend *bp, const rl_features *f,
                      rl_estimate *e)
{
    int dq = b->q10_decode < b->q90_decode, pq = bp->q10_prefill < bp->q90_prefill;
    int tq = bp->q10_ttft < bp->q90_ttft;
    int all = (!f->has_decode || dq) && (!f->has_prefill || (pq && tq));
    int none = (!f->has_decode || !dq) && (!f->has_prefill || (!pq && !tq));

    note(e->assumptions, &e->n_assumptions, "p10/p90: %s",
         all ? "10th/90th percentiles of this runtime's error on held-out devices "
               "(split conformal: devices the fit did not see)"
         : none ? (b->fitted_points > 0 || bp->fitted_points > 0
                   ? "too few held-out rows for percentiles (10 from 3 devices): "
                     "the sigma band, widened 1.2x for the thin data"
                   : "no measurements behind this backend: its prior sigma band, widened 1.2x")
         : "held-out percentiles where the runtime has 10+ held-out rows of a metric "
           "from 3+ devices, else the sigma band widened 1.2x");
}

static void explain(const rl_config *c, const rl_backend *b, const rl_backend *bp,
                    const rl_features *f, const times *t, rl_estimate *e,
                    const char *split_note)
{
    const rl_memory *m = &e->mem;
    const rl_mem_tier *tier = rl_hw_main_tier(c->hw);

    note(e->explanations, &e->n_explanations,
         "%s weights need %.1f GiB per device, KV cache %.2f GiB for %ld tokens x %d "
         "sequences; each device holds %.1f GiB usable",
         c->quant->id, m->weights, m->kv_cache,
         (long)(c->context_cap > 0 ? c->context_cap : c->prompt + c->output),
         c->concurrency, m->device_capacity);
    if (e->feasibility == RL_INSUFFICIENT_MEMORY)
        note(e->explanations, &e->n_explanations,
             "does not fit: %.1f GiB needed per device > %.1f GiB usable%s",
             m->device_peak, m->device_capacity,
             c->offload_layers > 0 ? " (or host RAM too small for the offloaded layers)" : "");
    else if (e->feasibility == RL_WITH_OFFLOAD)
        note(e->explanations, &e->n_explanations,
             "%d of %d layers run from host RAM (%.1f GiB)", c->offload_layers,
             c->model->layers, m->host_peak);
    if (f->has_decode)
        note(e->explanations, &e->n_explanations,
             "decode step %.2f ms at mid-output context: %s (%.0f%% weights, %.0f%% KV, "
             "%.0f%% compute, %.0f%% overhead)", t->step[1], rl_regime_name(e->regime),
             e->share_weights, e->share_kv, e->share_compute, e->share_overhead);
    if (f->has_prefill && t->prefill > 0)
        note(e->explanations, &e->n_explanations,
             "prefill of %ld tokens %.1f ms, achieving %.0f%% of the %.0f TFLOP/s %s peak",
             (long)(c->model->kind == RL_ENCODER ? c->model->input_tokens : c->prompt),
             t->prefill, 100 * (f->pre_lin_ms + f->pre_attn_ms) / t->prefill, matmul_peak(c),
             c->quant->compute == RL_C_FP4 && !(c->hw->peak[RL_C_FP4] > 0)
             ? "bf16 (fp4 weights dequantised)" : rl_compute_kind_name(compute_kind(c)));
    if (split_note && split_note[0])
        note(e->assumptions, &e->n_assumptions, "%s", split_note);
    {
        char moe[RL_NOTE_LEN];
        rl_moe_note(c, moe, sizeof moe);
        if (moe[0]) note(e->assumptions, &e->n_assumptions, "%s", moe);
    }
    note(e->assumptions, &e->n_assumptions,
         "%s on %s: bandwidth efficiency %.2f, MFU %.2f, %.1f us/layer (%s, %d points)",
         c->rt->id, b->match, b->bw_eff, b->mfu, b->layer_us,
         b->fitted_points > 0 ? "fitted by ridgeline calibrate" : "prior, not fitted",
         b->fitted_points);
    if (c->hw->vendor_inferred)
        note(e->assumptions, &e->n_assumptions,
             "vendor '%s' read off the profile's id/name (it names none): %s's %s parameters",
             c->hw->vendor, c->rt->id, b->match);
    else if (!c->hw->vendor[0] && strcmp(c->hw->klass, "cpu") != 0)
        note(e->assumptions, &e->n_assumptions,
             "the profile names no vendor and its name none we know: %s%s's '%s' parameters",
             b->fitted_points > 0 && strcmp(c->hw->klass, "gpu") == 0
             ? "the GPU backend fitted on the most devices, " : "", c->rt->id, b->match);
    if (bp != b)
        note(e->assumptions, &e->n_assumptions,
             "prefill parameters from %s on %s: MFU %.2f (%s, %d points)", c->rt->id,
             bp->match, bp->mfu, bp->fitted_points > 0 ? "fitted" : "prior, not fitted",
             bp->fitted_points);
    note(e->assumptions, &e->n_assumptions, "memory: %s %.0f GiB at %.0f GB/s per device%s",
         tier->tier, tier->capacity_gib, tier->bandwidth_gbps,
         c->hw->usable_fraction < 1 ? " (only part usable by the GPU)" : "");
    if (c->rt->kv_reserve_frac > 0)
        note(e->assumptions, &e->n_assumptions,
             "%s may use %.0f%% of device memory (its memory-utilisation setting)",
             c->rt->id, c->rt->kv_reserve_frac * 100);
    if (c->hw->tdp_w <= 0)
        note(e->assumptions, &e->n_assumptions, "no TDP in the profile: power not estimated");
    if (c->hw->host_ram_gib <= 0 && c->offload_layers > 0)
        note(e->assumptions, &e->n_assumptions, "host RAM size unknown: assumed sufficient");
    if (c->concurrency > 1)
        note(e->assumptions, &e->n_assumptions,
             "TTFT includes queueing behind other prompts and the decode step in flight "
             "at this concurrency");
    if (bp->frontend_ms > 0.05)
        note(e->assumptions, &e->n_assumptions,
             "TTFT as a client of the %s server sees it: includes %.1f ms of its front end "
             "(request parsing, tokenisation, streaming the first token; %s)",
             c->rt->id, bp->frontend_ms, bp->fitted_points > 0 ? "fitted" : "prior");
    band_note(b, bp, f, e);
    if (bp->cold_ms > 0.5 && f->has_prefill && c->cold)
        note(e->assumptions, &e->n_assumptions,
             "TTFT of a cold start (--cold): the first prompt after %s starts, %.0f ms of "
             "kernel loading and first allocations included", c->rt->id, bp->cold_ms);
    else if (bp->cold_ms > 0.5 && f->has_prefill)
        note(e->assumptions, &e->n_assumptions,
             "TTFT is a warm process's: the first prompt after %s starts takes about "
             "%.0f ms more (kernel loading, first allocations; --cold)", c->rt->id, bp->cold_ms);
}

static double inflight_tok_s(const rl_features *f, const rl_backend *b,
                             const rl_backend *bp, int batch, double N);
static double static_tok_s(const rl_config *n, const rl_features *f, const rl_backend *bp,
                           int batch, double step_ms);

/* ------------------------------------------------------- edge physics */

/* Unified memory (Apple, Jetson and other SoCs, CPUs): what memory() put
 * in "host RAM" lives in the same DRAM as the device's working set.  On a
 * CPU there is no device apart from the host at all, so the token
 * embedding a runtime keeps "on the host" (llama.cpp's token_embd) is in
 * the model buffer like every other tensor. */
static void unified_memory(const rl_config *c, const wbytes *w, rl_memory *m)
{
    double embed;
    if (!c->hw->unified || !c->rt->embed_on_host || strcmp(c->hw->klass, "cpu") != 0)
        return;
    embed = w->embed / (c->tp * c->pp) / GIB;
    m->weights += embed;
    m->device_peak += embed;
    m->host_peak = fmax(0, m->host_peak - w->embed / GIB);
}

/* Where the configuration fits.  A discrete device holds device_peak and
 * the host holds host_peak, separately.  A unified part holds both in one
 * DRAM: the device side within its own limit (Apple's GPU working set)
 * and the two together within what the OS leaves, so offloading layers
 * "to the host" can move them but never adds capacity.  A part without
 * DRAM (Hailo-8) cannot stream a decoder's weights per token: it runs an
 * LLM only if every weight fits on chip. */
static int placement(const rl_config *c, const rl_memory *m)
{
    const rl_hw *h = c->hw;
    if (!rl_fle(m->device_peak, m->device_capacity)) return RL_INSUFFICIENT_MEMORY;
    if (c->model->kind == RL_DECODER && !rl_hw_has_dram(h) && c->offload_layers > 0)
        return RL_INSUFFICIENT_MEMORY;
    if (h->unified) {
        double pool = rl_hw_main_tier(h)->capacity_gib - h->os_reserved_gib;
        if (!rl_fle(m->device_peak + m->host_peak, pool)) return RL_INSUFFICIENT_MEMORY;
    } else if (c->offload_layers > 0 && h->host_ram_gib > 0 &&
               !rl_fle(m->host_peak, h->host_ram_gib)) {
        return RL_INSUFFICIENT_MEMORY;
    }
    return c->offload_layers > 0 ? RL_WITH_OFFLOAD : RL_IN_VRAM;
}

/* Point c->hw at its power mode (c->power_mode, if any): *moded gets the
 * mode's envelope and clocks (rl_hw_apply_power_mode) and *clock the
 * mode's compute clock fraction.  Every throughput the estimate reports
 * goes through here, so they all follow the mode.  RL_EINPUT naming the
 * part's modes when it has no such mode. */
static int power_mode_hw(rl_config *c, rl_hw *moded, double *clock, rl_err *err)
{
    int rc;
    *clock = 1.0;
    if (!c->power_mode || !c->power_mode[0]) return RL_OK;
    *moded = *c->hw;
    if ((rc = rl_hw_apply_power_mode(moded, c->power_mode, err))) return rc;
    for (int i = 0; i < c->hw->n_power_modes; i++)
        if (strcmp(c->hw->power_modes[i].name, c->power_mode) == 0)
            *clock = c->hw->power_modes[i].clock_frac;
    c->hw = moded;
    return RL_OK;
}

/* Graceful degradation under a fixed window (README "Edge sign-off"):
 * a decoder whose context_cap N is below prompt + output keeps the last N
 * tokens.  A prompt longer than N is cut to its last N tokens before
 * prefill (llama.cpp truncates so); while decoding, the KV holds at most N
 * tokens and the oldest are evicted (llama.cpp's context shift, or
 * StreamingLLM's attention sinks + recent window: the same N tokens of
 * KV), modelled as a sliding window of N on every attention layer.  So
 * memory and every step's attention are bounded at N tokens.  What the
 * dropped tokens cost in answer quality is not estimated. */
static void clip_context(rl_config *c, rl_estimate *e)
{
    long want = c->prompt + c->output, n = c->context_cap;
    if (c->model->kind != RL_DECODER || n <= 0 || n >= want) return;
    e->context_requested = want;
    e->context_kept = n;
    if (c->prompt > n) c->prompt = n;
    e->prompt_kept = c->prompt;
    if (c->sliding_window <= 0 || c->sliding_window > n) c->sliding_window = n;
}

/* What clipping cost, for the explanations: tokens kept, and TTFT and
 * TPOT against the same workload with the whole context held (when that
 * estimate can be made at all). */
static void clip_note(const rl_config *cin, rl_estimate *e)
{
    rl_config full = *cin;
    rl_estimate u;
    char vs[80] = "; whole context beyond the model";
    if (!e->context_requested || cin->quiet) return;
    full.context_cap = 0;
    full.quiet = 1;
    if (rl_estimate_run(&full, &u, NULL) == RL_OK)
        snprintf(vs, sizeof vs, " vs %.3g ms, %.3g ms, %.3g GiB whole", u.ttft_ms.p50,
                 u.tpot_ms.p50, u.mem.kv_cache);
    note(e->explanations, &e->n_explanations,
         "context clipped to the last %ld of %ld tokens (prompt %ld): TTFT %.3g ms, TPOT "
         "%.3g ms, KV %.3g GiB%s; quality cost not estimated", e->context_kept,
         e->context_requested, e->prompt_kept, e->ttft_ms.p50, e->tpot_ms.p50,
         e->mem.kv_cache, vs);
}

/* Throughput per joule of board energy: output tokens for generation,
 * prompt tokens for prefill-only runs, inputs for encoders. */
static double per_joule(const rl_config *c, const rl_estimate *e)
{
    double rate;
    if (e->power_w <= 0) return 0;
    if (e->decode_tok_s_total.p50 > 0) rate = e->decode_tok_s_total.p50;
    else if (c->model->kind == RL_ENCODER)
        rate = e->prefill_tok_s.p50 / (c->model->input_tokens > 0 ? c->model->input_tokens : 1);
    else rate = e->prefill_tok_s.p50;
    return rate / e->power_w;
}

/* A memory note for the explanations when the part is unified or has no
 * DRAM (why offload did not help). */
static void placement_note(const rl_config *c, rl_estimate *e)
{
    const rl_hw *h = c->hw;
    if (e->feasibility != RL_INSUFFICIENT_MEMORY || c->quiet) return;
    if (c->model->kind == RL_DECODER && !rl_hw_has_dram(h))
        note(e->explanations, &e->n_explanations,
             "%s has no DRAM: a decoder's weights (%.2f GiB) must fit its %.0f MiB of "
             "on-chip memory, and they do not", h->id, (c->weight_bytes > 0 ? c->weight_bytes : rl_weight_bytes(c->model, c->quant)) / GIB,
             rl_hw_main_tier(h)->capacity_gib * 1024);
    else if (h->unified && c->offload_layers > 0)
        note(e->explanations, &e->n_explanations,
             "unified memory: offloaded layers stay in the same %.0f GiB of DRAM "
             "(%.1f GiB left by the OS), so offload adds no capacity",
             rl_hw_main_tier(h)->capacity_gib,
             rl_hw_main_tier(h)->capacity_gib - h->os_reserved_gib);
}

int rl_estimate_run(const rl_config *cin, rl_estimate *e, rl_err *err)
{
    rl_config c;
    rl_features f;
    const rl_backend *b, *bp;
    times t;
    wbytes w;
    char split_note[RL_NOTE_LEN];
    double pw, temp, dev_count, mode_clock = 1.0;
    rl_hw moded;
    int rc;

    if ((rc = rl_config_normalise(cin, &c, split_note, sizeof split_note, err)))
        return rc;
    if ((rc = power_mode_hw(&c, &moded, &mode_clock, err))) return rc;
    memset(e, 0, sizeof *e);
    clip_context(&c, e);
    memory(&c, &e->mem, &w);
    kv_capacity(&c, &e->mem, e);
    e->replicas = c.replicas;
    unified_memory(&c, &w, &e->mem);
    e->feasibility = placement(&c, &e->mem);

    b = rl_runtime_backend(c.rt, c.hw);
    bp = rl_runtime_backend_prefill(c.rt, c.hw);
    features_scaled(&c, 1.0, &f);
    run_times(&f, b, bp, &t);

    /* Power and the thermal steady state; throttle compute if hot. */
    dev_count = c.devices;                  /* every replica's devices */
    /* An unpipelined layer split keeps one stage busy at a time. */
    if (c.pp > 1 && f.dec[1].pipe_div <= 1) t.busy /= c.pp;
    pw = device_power(c.hw, t.busy);
    temp = c.ambient_c > 0 ? c.ambient_c : c.hw->ambient_c;
    {
        /* Clock selection (DVFS): the highest clock whose steady power
         * keeps the die under max_c and the devices inside the power
         * envelope.  With identical devices this is one number, found in
         * closed form; dynamic power is taken as proportional to clock. */
        double amb = temp, allowed = INFINITY;
        const char *why = NULL;
        e->clock_frac = mode_clock;
        if (c.hw->c_per_w > 0 && pw > 0) {
            temp = amb + pw * c.hw->c_per_w;
            if (temp > c.hw->max_c) {
                allowed = (c.hw->max_c - amb) / c.hw->c_per_w;
                why = "thermal";
            }
        }
        if (c.power_cap_w > 0 && pw > 0 && pw * dev_count > c.power_cap_w &&
            c.power_cap_w / dev_count < allowed) {
            allowed = c.power_cap_w / dev_count;
            why = "power envelope";
        }
        if (c.hw->c_per_w > 0 && pw > 0)    /* before any thermal cap */
            e->temp_demand_c = amb + (c.power_cap_w > 0 ? fmin(pw, c.power_cap_w / dev_count)
                                                         : pw) * c.hw->c_per_w;
        if (why) {
            double scale = pw > c.hw->idle_w ? (allowed - c.hw->idle_w) / (pw - c.hw->idle_w) : 1;
            scale = fmax(0.05, fmin(1.0, scale));
            features_scaled(&c, scale, &f);
            run_times(&f, b, bp, &t);
            note(e->explanations, &e->n_explanations,
                 "%s: %.0f W per device would exceed %.0f W (ambient %.0f C, max %.0f C); "
                 "compute clock capped at %.0f%%", why, pw, allowed, amb, c.hw->max_c,
                 scale * 100);
            pw = fmax(allowed, c.hw->idle_w);
            temp = c.hw->c_per_w > 0 ? amb + pw * c.hw->c_per_w : amb;
            e->clock_frac = mode_clock * scale;
            e->clock_limit = why[0] == 't' ? RL_CLOCK_THERMAL : RL_CLOCK_POWER;
        }
    }
    e->power_w = pw * dev_count;
    e->temp_c = temp;

    if (f.has_decode) {
        double tok = 1000.0 / t.step_avg;
        /* the offline path calibrate fits: in-flight batching for runtimes
         * that batch continuously, static batches otherwise */
        e->offline_tok_s = c.rt->continuous_batching
            ? inflight_tok_s(&f, b, bp, c.concurrency, (double)c.output)
            : static_tok_s(&c, &f, bp, c.concurrency, t.step_avg);
        e->decode_tok_s = spread(tok, b->q10_decode, b->q90_decode, b->sigma_decode);
        e->decode_tok_s_total = spread(tok * c.concurrency, b->q10_decode, b->q90_decode,
                                       b->sigma_decode);
        e->tpot_ms.p50 = t.step_avg;
        e->tpot_ms.p95 = t.step_avg * exp(Z95 * b->sigma_decode);
    }
    if (f.has_prefill && t.prefill > 0) {
        double P = c.model->kind == RL_ENCODER      /* a batch of inputs */
                 ? (c.model->input_tokens > 0 ? c.model->input_tokens : 1) * (double)c.concurrency
                 : (double)c.prompt;
        e->prefill_tok_s = spread(P / t.prefill * 1000.0, bp->q10_prefill, bp->q90_prefill,
                                  bp->sigma_prefill);
    }
    {
        /* TTFT: the prompt's prefill (or the first step when there is no
         * prompt) plus queueing behind the other sequences' prefills,
         * weighted by the share of time the device spends prefilling. */
        double first = f.has_prefill ? t.prefill : t.step[0];
        double B = c.concurrency, N = (double)c.output;
        /* an encoder batch is one forward pass: nothing queues behind it */
        double rho = c.model->kind == RL_ENCODER ? 0
                   : first / (first + N * (f.has_decode ? t.step_avg : 0) + 1e-12);
        double q50 = (B - 1) / 2 * first * rho, q95 = 0.95 * (B - 1) * first * rho;
        /* ...and, when other sequences are decoding, the rest of the
         * iteration in flight when the request arrives: half a step on
         * average, a whole one at worst (for the 1 - rho of the time the
         * device spends decoding) */
        if (B > 1 && f.has_decode) {
            q50 += 0.5 * t.step_avg * (1 - rho);
            q95 += 0.95 * t.step_avg * (1 - rho);
        }
        /* ...and, behind a server, its front end: request parsing,
         * tokenisation, detokenising and streaming the first token */
        /* ...and, for the first prompt of a fresh process, its one-time
         * costs (kernel loading, first allocations: cold_ms) */
        double cold = c.cold ? (f.has_prefill ? bp : b)->cold_ms : 0;
        e->ttft_ms.p50 = first + q50 + bp->frontend_ms + cold;
        e->ttft_ms.p95 = (first + q95 + bp->frontend_ms + cold) *
                         exp(Z95 * (f.has_prefill ? bp : b)->sigma_ttft);
        {
            /* p10/p90: the band around p50 (the held-out TTFT
             * percentiles of the prefill backend); p95 never below p90 */
            const rl_backend *tb = f.has_prefill ? bp : b;
            rl_range r = spread(e->ttft_ms.p50, tb->q10_ttft, tb->q90_ttft, tb->sigma_ttft);
            e->ttft_ms.p10 = r.p10;
            e->ttft_ms.p90 = r.p90;
            e->ttft_ms.p95 = fmax(e->ttft_ms.p95, r.p90);
        }
        e->e2e_latency_ms.p50 = e->ttft_ms.p50 + N * e->tpot_ms.p50;
        e->e2e_latency_ms.p95 = e->ttft_ms.p95 + N * e->tpot_ms.p95;
    }
    shares(&f, b, bp, &t, e);
    e->tok_per_j = per_joule(&c, e);
    placement_note(&c, e);
    clip_note(cin, e);
    if (c.quiet) return RL_OK;
    if (e->share_kv >= 10 && e->share_kv > e->share_weights)
        note(e->bottlenecks, &e->n_bottlenecks, "KV cache reads (%.0f%% of each step)", e->share_kv);
    if (e->share_weights >= 30)
        note(e->bottlenecks, &e->n_bottlenecks, "weight reads from %s (%.0f%% of each step)",
             f.sram_spill ? "memory beyond SRAM" : rl_hw_main_tier(c.hw)->tier, e->share_weights);
    if (e->share_compute >= 30 && e->share_unpack > e->share_compute / 2)
        note(e->bottlenecks, &e->n_bottlenecks, "unpacking %s weights on the ALUs (%.0f%% of "
             "each step, of %.0f%% compute): the step reads less than the memory could deliver",
             c.quant->id, e->share_unpack, e->share_compute);
    else if (e->share_compute >= 30)
        note(e->bottlenecks, &e->n_bottlenecks, "tensor compute (%.0f%% of each step)", e->share_compute);
    if (e->share_overhead >= 30)
        note(e->bottlenecks, &e->n_bottlenecks, "per-step overheads (%.0f%%)", e->share_overhead);
    if (e->share_comm >= 15)
        note(e->bottlenecks, &e->n_bottlenecks, "device-to-device communication (%.0f%%)", e->share_comm);
    if (e->share_offload >= 15)
        note(e->bottlenecks, &e->n_bottlenecks, "host-memory reads for offloaded layers (%.0f%%)",
             e->share_offload);
    if (e->feasibility == RL_INSUFFICIENT_MEMORY)
        note(e->bottlenecks, &e->n_bottlenecks, "device memory capacity");
    explain(&c, b, bp, &f, &t, e, split_note);
    return RL_OK;
}

/* Static batching's context phase: the batch's prompts go through
 * together, at most act_tokens tokens per forward pass.  GEMM and
 * attention work scale with the batch; weight reads, fixed costs and the
 * all-reduce latencies scale with the passes.  n is normalised and f its
 * features (at one prompt). */
static double static_context_ms(const rl_config *n, const rl_features *f,
                                const rl_backend *bp, int batch)
{
    double P, T, per, passes, micro, one_read;
    rl_comm comm;

    memset(&comm, 0, sizeof comm);
    P = (double)n->prompt;
    T = batch * P;
    per = n->rt->act_tokens > 0 ? fmax(P, fmin(T, n->rt->act_tokens)) : T;
    passes = ceil(T / per);
    micro = n->rt->act_tokens > 0 ? n->rt->act_tokens : 512;
    one_read = f->pre_floor_ms / ceil(fmax(P, 1) / micro);   /* weights, once */
    allreduce_feat(n, n->model->layers * 2, per * n->model->hidden * 2.0, &comm);
    hops_feat(n, n->pp - 1, per * n->model->hidden * 2.0, &comm);
    if (rl_moe_active(n)) {
        double n_ar;
        rl_moe_comm(n, per, ceil(per / n->tp), &n_ar, &comm);
        allreduce_feat(n, n_ar, per * n->model->hidden * 2.0, &comm);
    }
    return (fmax(batch * prefill_gemm_ms(f, bp), passes * one_read / bp->pre_bw_eff) +
            batch * (prefill_attn_ms(f, bp) + f->pre_attn_mem_ms / bp->pre_bw_eff)) * f->pre_pipe +
           passes * (bp->prefill_ms + rl_comm_ms(&comm, bp));
}

/* In-flight batching: every decode step of `batch` sequences also carries
 * batch/output prompts' worth of prefill compute (at decode's mfu), which
 * hides under memory-bound decode.  f holds the features at this batch. */
static double inflight_tok_s(const rl_features *f, const rl_backend *b,
                             const rl_backend *bp, int batch, double N)
{
    double step = 0, pre = prefill_gemm_ms(f, bp) + prefill_attn_ms(f, bp);
    for (int i = 0; i < RL_DEC_POINTS; i++) {
        rl_step_feat s = f->dec[i];
        s.comp_ms += pre * f->pre_spread * b->mfu * batch / N;
        step += f->dec_w[i] * rl_decode_step_ms(&s, b);
    }
    return step > 0 ? batch / step * 1000.0 : 0;
}

/* Static batching: the batch's prompts, then output x step. */
static double static_tok_s(const rl_config *n, const rl_features *f, const rl_backend *bp,
                           int batch, double step_ms)
{
    double pre = n->prompt > 0 ? static_context_ms(n, f, bp, batch) : 0;
    double total = pre + (double)n->output * step_ms;
    return total > 0 ? batch * (double)n->output / total * 1000.0 : 0;
}

/* The same clocks as rl_estimate_run: the power mode's hardware, and the
 * thermal / power-envelope cap the estimate settled on (its clock_frac
 * over the mode's own), so this figure and the estimate's offline_tok_s
 * agree whatever the mode and ambient. */
double rl_offline_throughput(const rl_config *c, int batch, int inflight)
{
    rl_config x = *c, n;
    rl_estimate e;
    rl_features f;
    rl_hw moded;
    double mode_clock;

    if (batch < 1 || c->output <= 0) return 0;
    x.concurrency = batch;
    x.quiet = 1;
    if (rl_estimate_run(&x, &e, NULL) != RL_OK) return 0;
    if (rl_config_normalise(&x, &n, NULL, 0, NULL) != RL_OK ||
        power_mode_hw(&n, &moded, &mode_clock, NULL) != RL_OK) return 0;
    features_scaled(&n, e.clock_frac > 0 ? e.clock_frac / mode_clock : 1.0, &f);
    if (inflight)
        return inflight_tok_s(&f, rl_runtime_backend(n.rt, n.hw),
                              rl_runtime_backend_prefill(n.rt, n.hw), batch, (double)c->output);
    if (e.tpot_ms.p50 <= 0) return 0;
    return static_tok_s(&n, &f, rl_runtime_backend_prefill(n.rt, n.hw), batch, e.tpot_ms.p50);
}

int rl_max_concurrency(const rl_config *c, int limit)
{
    rl_config x = *c;
    rl_estimate e;
    int lo = 0, hi = limit;

    /* feasibility is monotone in concurrency: bisect */
    while (lo < hi) {
        int mid = lo + (hi - lo + 1) / 2;
        x.concurrency = mid;
        if (rl_estimate_run(&x, &e, NULL) == RL_OK && e.feasibility == RL_IN_VRAM) lo = mid;
        else hi = mid - 1;
    }
    return lo;
}

/* Requests/s of one replica at concurrency b (0 when it does not fit,
 * with the host layers the configuration offloads, if any), and in *meets
 * whether the SLOs hold there. */
static double rps_at(const rl_config *c, const rl_slo *slo, int b, int *meets)
{
    rl_config x = *c;
    rl_estimate e;
    *meets = 0;
    x.concurrency = b;
    x.replicas = 1;
    x.devices = c->tp * c->pp;
    x.quiet = 1;
    if (rl_estimate_run(&x, &e, NULL) != RL_OK || e.feasibility == RL_INSUFFICIENT_MEMORY)
        return 0;
    *meets = !(slo && slo->ttft_ms_p95 > 0 && e.ttft_ms.p95 > slo->ttft_ms_p95) &&
             !(slo && slo->tpot_ms_p95 > 0 && c->output > 0 && e.tpot_ms.p95 > slo->tpot_ms_p95);
    if (c->output > 0) return e.offline_tok_s / (double)c->output;
    return c->prompt > 0 ? e.prefill_tok_s.p50 / (double)c->prompt : 0;
}

double rl_replica_rps_at(const rl_config *c, const rl_slo *slo, int b)
{
    int meets;
    double r = rps_at(c, slo, b, &meets);
    return meets ? r : 0;
}

/* One batch of the capacity scan: its rate into pts, and into *best /
 * *at when the SLOs hold there and it is the best so far. */
static void scan_batch(const rl_config *c, const rl_slo *slo, int b, rl_rate_points *pts,
                       double *best, int *at)
{
    int meets;
    double r = rps_at(c, slo, b, &meets);
    if (pts && pts->n < RL_RATE_POINTS) {
        pts->b[pts->n] = b;
        pts->r[pts->n++] = r;
    }
    if (meets && r > *best) {
        *best = r;
        *at = b;
    }
}

double rl_replica_capacity_rps(const rl_config *c, const rl_slo *slo, int limit,
                               int *best_conc)
{
    return rl_replica_capacity_scan(c, slo, limit, best_conc, NULL);
}

double rl_replica_capacity_scan(const rl_config *c, const rl_slo *slo, int limit,
                                int *best_conc, rl_rate_points *pts)
{
    double best = 0;
    int at = 0, pool = 0;
    rl_config one = *c;
    rl_estimate e;

    if (best_conc) *best_conc = 0;
    if (pts) pts->n = 0;
    if (!c || limit < 1) return 0;
    one.concurrency = 1;
    one.replicas = 1;
    one.devices = c->tp * c->pp;
    one.quiet = 1;
    if (rl_estimate_run(&one, &e, NULL) == RL_OK)
        pool = (int)fmin((double)limit, floor(e.max_concurrency));
    /* powers of two, then the pool's own limit: throughput grows with the
     * batch until memory or an SLO stops it */
    for (int b = 1; b <= limit; b = b > limit / 2 ? limit + 1 : b * 2)
        scan_batch(c, slo, b, pts, &best, &at);
    if (pool > 1) scan_batch(c, slo, pool, pts, &best, &at);
    if (best_conc) *best_conc = at;
    return best;
}
