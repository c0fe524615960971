/*
 * placement.c -- layer/KV placement across memory tiers (placement.h).
 */
#include "placement.h"
#include "milp.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define GIB (1024.0 * 1024.0 * 1024.0)
#define CACHE_SLOTS 256
#define KEY_LEN (2 + RL_MAX_CLASSES * (1 + 1 + RL_TIER_N) + 2 * RL_TIER_N)

typedef struct slot {
    int used;
    long long key[KEY_LEN];
    int rc;                             /* RL_OK or RL_EINFEASIBLE */
    rl_place_out out;
} slot;

struct rl_place_cache {
    int next;                           /* FIFO replacement */
    slot s[CACHE_SLOTS];
};

rl_place_cache *rl_place_cache_new(void) { return calloc(1, sizeof(rl_place_cache)); }
void rl_place_cache_free(rl_place_cache *c) { free(c); }

/* ---- building the view ------------------------------------------------ */

/* KV elements of ONE layer for `tokens` tokens: full attention, and
 * windowed (min(tokens, w)). */
static double kv_layer(const rl_arch *a, double tokens, long window)
{
    rl_arch full = *a;
    full.sliding_window = 0;
    full.swa_layers = 0;
    double t = window > 0 && tokens > (double)window ? (double)window : tokens;
    return a->layers > 0 ? rl_arch_kv_elems(&full, t) / a->layers : 0;
}

typedef struct layer_params {
    double dense_store, dense_read;     /* params of one dense layer */
    double moe_store, moe_read;         /* params of one MoE layer */
    double nonlayer;                    /* embeddings, lm_head, norms */
} layer_params;

static void split_params(const rl_arch *a, layer_params *lp)
{
    rl_params p;
    rl_arch_params(a, &p);
    int L = a->layers > 0 ? a->layers : 1;
    int moe = a->experts > 0 ? (a->moe_layers > 0 ? a->moe_layers : L) : 0;
    int dense = L - moe;
    double attn = p.attn / L, router = moe ? p.router / moe : 0;
    double ffn_dense_layer = (double)a->ffn_mats * a->hidden * a->intermediate;
    double shared = moe ? (p.ffn_dense - dense * ffn_dense_layer) / moe : 0;
    if (shared < 0) shared = 0;
    if (!moe) ffn_dense_layer = p.ffn_dense / L;
    lp->dense_store = lp->dense_read = attn + ffn_dense_layer;
    lp->moe_store = moe ? attn + router + shared + p.ffn_experts / moe : 0;
    lp->moe_read = moe ? attn + router + shared + p.ffn_experts_active / moe : 0;
    lp->nonlayer = p.embed + p.lm_head + p.norms;
}

static void add_class(rl_place_in *in, const char *label, int n, double store_b,
                      double read_b, const double bw[RL_TIER_N])
{
    if (n <= 0 || in->v.n_classes >= RL_MAX_CLASSES) return;
    int k = in->v.n_classes++;
    in->count[k] = n;
    in->v.gib[k] = store_b / GIB;
    strncpy(in->label[k], label, sizeof in->label[k] - 1);
    for (int t = 0; t < RL_TIER_N; t++)
        in->read_ms[k][t] = bw[t] > 0 ? read_b / bw[t] * 1e3 : 1e9;
}

static void tiers(const rl_config *c, const rl_estimate *e0, int host_ok,
                  double nonlayer_gib, rl_place_in *in, double bw[RL_TIER_N])
{
    const rl_hw *h = c->hw;
    const rl_mem_tier *main = rl_hw_main_tier(h), *sram = rl_hw_sram_tier(h);
    int used = c->tp * c->pp;
    double fixed = e0->mem.device_peak - e0->mem.weights - e0->mem.kv_cache;
    in->v.tier_on[RL_TIER_DEVICE] = 1;
    in->v.free_gib[RL_TIER_DEVICE] = used * (e0->mem.device_capacity - fixed) - nonlayer_gib;
    bw[RL_TIER_DEVICE] = main ? main->bandwidth_gbps * 1e9 * c->tp : 0;
    if (sram && main && sram != main) {
        in->v.tier_on[RL_TIER_SRAM] = 1;
        in->v.free_gib[RL_TIER_SRAM] = sram->capacity_gib * used;
        bw[RL_TIER_SRAM] = sram->bandwidth_gbps * 1e9 * c->tp;
    }
    if (host_ok && h->host_ram_gib > 0) {
        in->v.tier_on[RL_TIER_HOST] = 1;
        in->v.free_gib[RL_TIER_HOST] = h->host_ram_gib;
        double hb = h->host_bandwidth_gbps > 0 ? h->host_bandwidth_gbps : h->pcie_gbps;
        bw[RL_TIER_HOST] = hb * 1e9;
    }
}

void rl_place_build(const rl_config *c, const rl_estimate *e0, int host_ok,
                    rl_place_in *in)
{
    const rl_arch *a = c->model;
    layer_params lp;
    double bw[RL_TIER_N] = {0, 0, 0};
    memset(in, 0, sizeof *in);
    split_params(a, &lp);
    double bpw = c->quant->bits_per_weight / 8.0;
    double kvb = c->kv ? c->kv->bytes_per_elem : 2.0;
    long cap = c->context_cap > 0 ? c->context_cap : c->prompt + c->output;
    double avg = (double)c->prompt + (double)c->output / 2.0;
    long win = c->sliding_window > 0 ? c->sliding_window : a->sliding_window;
    int L = a->layers > 0 ? a->layers : 1;
    int n_win = win > 0 ? (c->sliding_window > 0 ? L : a->swa_layers) : 0;
    int moe = a->experts > 0 ? (a->moe_layers > 0 ? a->moe_layers : L) : 0;
    tiers(c, e0, host_ok, lp.nonlayer * bpw / GIB, in, bw);
    /* classes: dense/moe x full/window, window layers spread evenly */
    int moe_win = L ? (int)lround((double)moe * n_win / L) : 0;
    int n[2][2] = {{L - moe - (n_win - moe_win), n_win - moe_win}, {moe - moe_win, moe_win}};
    static const char *const names[2][2] = {{"dense", "dense-window"}, {"moe", "moe-window"}};
    for (int m = 0; m < 2; m++)
        for (int w = 0; w < 2; w++) {
            double st = m ? lp.moe_store : lp.dense_store;
            double rd = m ? lp.moe_read : lp.dense_read;
            long ww = w ? win : 0;
            double kv_store = kv_layer(a, (double)cap, ww) * c->concurrency * kvb;
            double kv_read = kv_layer(a, avg, ww) * c->concurrency * kvb;
            add_class(in, names[m][w], n[m][w], st * bpw + kv_store, rd * bpw + kv_read, bw);
        }
}

/* ---- closed form ------------------------------------------------------ */

/* Greedy: classes by read time saved per GiB, fastest tier first. */
static int closed_form(const rl_place_in *in, rl_place_out *out)
{
    int order[RL_MAX_CLASSES], n = in->v.n_classes;
    double left[RL_TIER_N];
    memcpy(left, in->v.free_gib, sizeof left);
    for (int i = 0; i < n; i++) order[i] = i;
    for (int i = 1; i < n; i++)     /* insertion sort, descending value density */
        for (int j = i; j > 0; j--) {
            int a = order[j - 1], b = order[j];
            double da = in->read_ms[a][RL_TIER_HOST] / (in->v.gib[a] + 1e-12);
            double db = in->read_ms[b][RL_TIER_HOST] / (in->v.gib[b] + 1e-12);
            if (db <= da) break;
            order[j - 1] = b;
            order[j] = a;
        }
    static const int tier_order[RL_TIER_N] = {RL_TIER_SRAM, RL_TIER_DEVICE, RL_TIER_HOST};
    for (int i = 0; i < n; i++) {
        int c = order[i], rest = in->count[c];
        for (int k = 0; k < RL_TIER_N && rest > 0; k++) {
            int t = tier_order[k];
            if (!in->v.tier_on[t] || left[t] <= 0) continue;
            int fit = in->v.gib[c] > 0 ? (int)floor(left[t] / in->v.gib[c] + 1e-9) : rest;
            if (fit > rest) fit = rest;
            out->y[c][t] = fit;
            left[t] -= fit * in->v.gib[c];
            rest -= fit;
        }
        if (rest > 0) return RL_EINFEASIBLE;
    }
    return RL_OK;
}

/* ---- MILP ------------------------------------------------------------- */

typedef struct sink_self {
    rl_milp *m;
    rl_err *err;
} sink_self;

static int var_of(int cls, int tier) { return cls * RL_TIER_N + tier; }

static int sink_add_le(void *self, const char *name, int n, const int *cls,
                       const int *tier, const double *coef, double ub)
{
    sink_self *s = self;
    int idx[RL_MILP_MAX_VARS];
    if (n > RL_MILP_MAX_VARS) n = RL_MILP_MAX_VARS;
    for (int k = 0; k < n; k++) idx[k] = var_of(cls[k], tier[k]);
    return rl_milp_row(s->m, name, RL_ROW_LE, n, idx, coef, ub, s->err);
}

static int build_milp(const rl_place_in *in, const rl_cons_ctx *ctx, rl_milp *m,
                      rl_err *err)
{
    int rc = RL_OK;
    for (int c = 0; c < in->v.n_classes && rc == RL_OK; c++) {
        int idx[RL_TIER_N];
        double one[RL_TIER_N] = {1, 1, 1};
        for (int t = 0; t < RL_TIER_N && rc == RL_OK; t++) {
            idx[t] = var_of(c, t);
            double ub = in->v.tier_on[t] ? in->count[c] : 0;
            rc = rl_milp_var(m, idx[t], 0, ub, 1, in->read_ms[c][t], err);
        }
        if (rc == RL_OK)
            rc = rl_milp_row(m, "placed", RL_ROW_EQ, RL_TIER_N, idx, one, in->count[c], err);
    }
    sink_self ss = {m, err};
    rl_row_sink sink = {&ss, sink_add_le};
    for (int i = 0; rc == RL_OK && rl_constraints[i]; i++)
        if (rl_constraints[i]->add_rows)
            rc = rl_constraints[i]->add_rows(ctx, &in->v, &sink);
    return rc;
}

static int milp_place(const rl_place_in *in, const rl_cons_ctx *ctx, int tm_lim_ms,
                      rl_place_out *out, rl_err *err)
{
    rl_milp_sol sol;
    rl_milp *m = rl_milp_new(in->v.n_classes * RL_TIER_N, err);
    if (!m) return err ? err->code : RL_ESOLVER;
    int rc = build_milp(in, ctx, m, err);
    if (rc == RL_OK) rc = rl_milp_solve(m, tm_lim_ms, &sol, err);
    rl_milp_free(m);
    if (rc != RL_OK) return rc == RL_EINPUT ? RL_ESOLVER : rc;
    if (sol.status == RL_MILP_INFEASIBLE) return RL_EINFEASIBLE;
    if (sol.status == RL_MILP_UNBOUNDED)
        return rl_err_set(err, RL_ESOLVER, NULL, 0, "placement MILP unbounded");
    for (int c = 0; c < in->v.n_classes; c++)
        for (int t = 0; t < RL_TIER_N; t++) out->y[c][t] = (int)lround(sol.x[var_of(c, t)]);
    out->used_milp = 1;
    return RL_OK;
}

static void make_key(const rl_place_in *in, long long *k)
{
    int p = 0;
    memset(k, 0, KEY_LEN * sizeof *k);
    k[p++] = in->v.n_classes;
    for (int c = 0; c < in->v.n_classes; c++) {
        k[p++] = in->count[c];
        k[p++] = llround(in->v.gib[c] * 1024.0);
        for (int t = 0; t < RL_TIER_N; t++) k[p++] = llround(in->read_ms[c][t] * 1e4);
    }
    for (int t = 0; t < RL_TIER_N; t++) {
        k[p++] = in->v.tier_on[t];
        k[p++] = llround(in->v.free_gib[t] * 1024.0);
    }
}

static void finish(const rl_place_in *in, rl_place_out *out)
{
    out->host_layers = out->sram_layers = 0;
    out->read_ms = 0;
    for (int c = 0; c < in->v.n_classes; c++) {
        out->host_layers += out->y[c][RL_TIER_HOST];
        out->sram_layers += out->y[c][RL_TIER_SRAM];
        for (int t = 0; t < RL_TIER_N; t++) out->read_ms += out->y[c][t] * in->read_ms[c][t];
    }
}

int rl_place_solve(const rl_place_in *in, const rl_cons_ctx *ctx,
                   rl_place_cache *cache, int use_milp, int tm_lim_ms,
                   rl_place_out *out, long *milp_solves, long *cache_hits, rl_err *err)
{
    memset(out, 0, sizeof *out);
    if (in->v.n_classes < 2 || !use_milp) {
        int rc = closed_form(in, out);
        if (rc == RL_OK) finish(in, out);
        return rc;
    }
    long long key[KEY_LEN];
    make_key(in, key);
    for (int i = 0; cache && i < CACHE_SLOTS; i++) {
        const slot *s = &cache->s[i];
        if (s->used && memcmp(s->key, key, sizeof key) == 0) {
            *out = s->out;
            out->cached = 1;
            if (cache_hits) (*cache_hits)++;
            return s->rc;
        }
    }
    if (milp_solves) (*milp_solves)++;
    int rc = milp_place(in, ctx, tm_lim_ms, out, err);
    if (rc == RL_OK) finish(in, out);
    if (cache && (rc == RL_OK || rc == RL_EINFEASIBLE)) {
        slot *s = &cache->s[cache->next];
        cache->next = (cache->next + 1) % CACHE_SLOTS;
        s->used = 1;
        memcpy(s->key, key, sizeof key);
        s->rc = rc;
        s->out = *out;
    }
    return rc;
}
