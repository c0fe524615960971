/*
 * import_gguf.c -- GGUF (v2/v3, little-endian) header reader -> rl_arch and
 * exact tensor bytes (rl_gguf_info).  No library: the format is simple.
 *
 * Layout read here (everything before the tensor data):
 *     "GGUF"  u32 version  u64 n_tensors  u64 n_kv
 *     n_kv x { string key; u32 type; value }          -- metadata
 *     n_tensors x { string name; u32 n_dims; u64 ne[n_dims]; u32 ggml_type;
 *                   u64 offset }                      -- tensor table
 *   string = u64 length + bytes (no NUL); array = u32 elem type + u64 count
 *   + elements.
 *
 * Every read is bounds-checked against the bytes we hold.  Counts are
 * checked against the bytes that remain in the whole file *before* any
 * loop runs (a count of 2^62 fails at once), and nothing is allocated in
 * proportion to any count: the parser allocates nothing at all.  Metadata
 * arrays (a 150k-entry vocabulary) are skipped: fixed-size elements in one
 * step, strings one length at a time.
 *
 * From a file only the header is read: 1 MiB first, growing x4 while the
 * parser reports it ran past the bytes held, up to 64 MiB -- the weights
 * are never read.
 *
 * The architecture comes from the `A.*` metadata keys where A is
 * general.architecture (block_count, embedding_length, attention.*,
 * expert_*, ...); which layers are MoE and whether q/k/v carry biases
 * come from the tensor names themselves; tied embeddings = no
 * output.weight tensor.
 */
#include "import.h"
#include "safeio.h"

#include <errno.h>
#include <stdarg.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GGUF_FIRST_READ (1UL << 20)     /* first read from a file */
#define GGUF_MAX_HEADER (64UL << 20)    /* never read more than this */

/* ------------------------------------------------------------------ */
/* ggml tensor types: elements per block and bytes per block           */
/* (ggml.c type_traits; removed/unknown ids have blck == 0)           */
/* ------------------------------------------------------------------ */

typedef struct gtype { const char *name; unsigned blck, size; } gtype;

static const gtype ggml_types[] = {
    [0]  = { "f32", 1, 4 },        [1]  = { "f16", 1, 2 },
    [2]  = { "q4_0", 32, 18 },     [3]  = { "q4_1", 32, 20 },
    /* 4, 5: q4_2 / q4_3, removed */
    [6]  = { "q5_0", 32, 22 },     [7]  = { "q5_1", 32, 24 },
    [8]  = { "q8_0", 32, 34 },     [9]  = { "q8_1", 32, 36 },
    [10] = { "q2_k", 256, 84 },    [11] = { "q3_k", 256, 110 },
    [12] = { "q4_k", 256, 144 },   [13] = { "q5_k", 256, 176 },
    [14] = { "q6_k", 256, 210 },   [15] = { "q8_k", 256, 292 },
    [16] = { "iq2_xxs", 256, 66 }, [17] = { "iq2_xs", 256, 74 },
    [18] = { "iq3_xxs", 256, 98 }, [19] = { "iq1_s", 256, 50 },
    [20] = { "iq4_nl", 32, 18 },   [21] = { "iq3_s", 256, 110 },
    [22] = { "iq2_s", 256, 82 },   [23] = { "iq4_xs", 256, 136 },
    [24] = { "i8", 1, 1 },         [25] = { "i16", 1, 2 },
    [26] = { "i32", 1, 4 },        [27] = { "i64", 1, 8 },
    [28] = { "f64", 1, 8 },        [29] = { "iq1_m", 256, 56 },
    [30] = { "bf16", 1, 2 },
    /* 31-33: q4_0_4_4 / q4_0_4_8 / q4_0_8_8, removed */
    [34] = { "tq1_0", 256, 54 },   [35] = { "tq2_0", 256, 66 },
    /* 36-38: iq4_nl_4_4 / _4_8 / _8_8, removed */
    [39] = { "mxfp4", 32, 17 },
};
#define N_GGML_TYPES ((unsigned)(sizeof ggml_types / sizeof ggml_types[0]))

/* general.file_type (llama.h LLAMA_FTYPE_*) -> quant id. */
static const char *const file_types[] = {
    [0] = "fp32", [1] = "fp16", [2] = "q4_0", [3] = "q4_1",
    [7] = "q8_0", [8] = "q5_0", [9] = "q5_1", [10] = "q2_k",
    [11] = "q3_k_s", [12] = "q3_k_m", [13] = "q3_k_l", [14] = "q4_k_s",
    [15] = "q4_k_m", [16] = "q5_k_s", [17] = "q5_k_m", [18] = "q6_k",
    [19] = "iq2_xxs", [20] = "iq2_xs", [21] = "q2_k_s", [22] = "iq3_xs",
    [23] = "iq3_xxs", [24] = "iq1_s", [25] = "iq4_nl", [26] = "iq3_s",
    [27] = "iq3_m", [28] = "iq2_s", [29] = "iq2_m", [30] = "iq4_xs",
    [31] = "iq1_m", [32] = "bf16", [36] = "tq1_0", [37] = "tq2_0",
    [38] = "mxfp4_moe",
};
#define N_FILE_TYPES ((int)(sizeof file_types / sizeof file_types[0]))

/* GGUF metadata value types. */
enum { GV_U8, GV_I8, GV_U16, GV_I16, GV_U32, GV_I32, GV_F32, GV_BOOL,
       GV_STR, GV_ARR, GV_U64, GV_I64, GV_F64, GV_N };
static const unsigned gv_size[GV_N] = { 1, 1, 2, 2, 4, 4, 4, 1, 0, 0, 8, 8, 8 };

/* ------------------------------------------------------------------ */
/* Bounds-checked reader                                               */
/* ------------------------------------------------------------------ */

enum { R_OK = 0, R_ERR = 1, R_MORE = 2 };   /* R_MORE: read more of the file */

typedef struct rd {
    const unsigned char *p;
    size_t len;             /* bytes held */
    uint64_t total;         /* bytes in the whole input (>= len) */
    size_t pos;
    const char *name;
    rl_err *err;
} rd;

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static int fail(rd *r, const char *fmt, ...)
{
    char msg[400];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    rl_err_set(r->err, RL_EINPUT, r->name, 0, "%s", msg);
    return R_ERR;
}
#define ULL(x) ((unsigned long long)(x))

/* Make sure n more bytes are held. */
static int need(rd *r, uint64_t n, const char *what)
{
    if (n <= r->len - r->pos) return R_OK;
    if (n <= r->total - r->pos) return R_MORE;
    return fail(r, "truncated GGUF header: %s at byte %llu needs %llu bytes",
                what, ULL(r->pos), ULL(n));
}

static uint64_t le(const unsigned char *p, int n)
{
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; i--) v = v << 8 | p[i];
    return v;
}

static int rd_u32(rd *r, uint32_t *v, const char *what)
{
    int rc = need(r, 4, what);
    if (rc) return rc;
    *v = (uint32_t)le(r->p + r->pos, 4);
    r->pos += 4;
    return R_OK;
}

static int rd_u64(rd *r, uint64_t *v, const char *what)
{
    int rc = need(r, 8, what);
    if (rc) return rc;
    *v = le(r->p + r->pos, 8);
    r->pos += 8;
    return R_OK;
}

/* A count of items of at least `min_each` bytes must fit in what is left
 * of the input -- checked before looping over them. */
static int fits(rd *r, uint64_t count, uint64_t min_each, const char *what)
{
    if (count > (r->total - r->pos) / min_each)
        return fail(r, "%s count %llu cannot fit in the %llu bytes left in the file",
                    what, ULL(count), ULL(r->total - r->pos));
    return R_OK;
}

static int rd_str(rd *r, const unsigned char **s, uint64_t *n, const char *what)
{
    int rc = rd_u64(r, n, what);
    if (rc) return rc;
    if (*n > r->total - r->pos)
        return fail(r, "%s: string length %llu exceeds the %llu bytes left in the file",
                    what, ULL(*n), ULL(r->total - r->pos));
    if ((rc = need(r, *n, what))) return rc;
    *s = r->p + r->pos;
    r->pos += (size_t)*n;
    return R_OK;
}

static int str_eq(const unsigned char *s, uint64_t n, const char *lit)
{
    return n == strlen(lit) && memcmp(s, lit, (size_t)n) == 0;
}

/* ------------------------------------------------------------------ */
/* Metadata values                                                     */
/* ------------------------------------------------------------------ */

typedef struct gval {
    uint32_t type;
    int is_int;             /* integer (or bool, or an integer array: its max) */
    int neg;                /* negative integer seen */
    uint64_t u;             /* integer value / array max */
    const unsigned char *s; /* string value */
    uint64_t slen;
    uint32_t arr_type;
    uint64_t arr_n;
} gval;

static int scalar(rd *r, uint32_t t, gval *v, const char *what)
{
    int rc;

    if (t == GV_STR) return rd_str(r, &v->s, &v->slen, what);
    if (t >= GV_N || t == GV_ARR)
        return fail(r, "%s: unknown GGUF value type %u", what, (unsigned)t);
    if ((rc = need(r, gv_size[t], what))) return rc;
    uint64_t x = le(r->p + r->pos, (int)gv_size[t]);
    r->pos += gv_size[t];
    if (t == GV_F32 || t == GV_F64) return R_OK;
    int bits = (int)gv_size[t] * 8;
    int is_signed = t == GV_I8 || t == GV_I16 || t == GV_I32 || t == GV_I64;
    if (is_signed && (x >> (bits - 1)) & 1) {
        v->neg = 1;
        return R_OK;
    }
    v->is_int = 1;
    if (x > v->u) v->u = x;
    return R_OK;
}

/* Read one value of type t; arrays: integer max into v->u, strings
 * skipped one by one, fixed-size elements skipped in one step. */
static int value(rd *r, uint32_t t, gval *v, const char *what)
{
    uint32_t et;
    uint64_t n;
    int rc;

    memset(v, 0, sizeof *v);
    v->type = t;
    if (t != GV_ARR) return scalar(r, t, v, what);
    if ((rc = rd_u32(r, &et, what)) || (rc = rd_u64(r, &n, what))) return rc;
    if (et >= GV_N || et == GV_ARR)
        return fail(r, "%s: unsupported array element type %u", what, (unsigned)et);
    v->arr_type = et;
    v->arr_n = n;
    if ((rc = fits(r, n, et == GV_STR ? 8 : gv_size[et], what))) return rc;
    if (et == GV_F32 || et == GV_F64 || et == GV_STR) {
        if (et != GV_STR) {
            if ((rc = need(r, n * gv_size[et], what))) return rc;
            r->pos += (size_t)(n * gv_size[et]);
            return R_OK;
        }
        for (uint64_t i = 0; i < n; i++) {
            const unsigned char *s;
            uint64_t sl;
            if ((rc = rd_str(r, &s, &sl, what))) return rc;
        }
        return R_OK;
    }
    gval e;
    memset(&e, 0, sizeof e);
    for (uint64_t i = 0; i < n; i++)
        if ((rc = scalar(r, et, &e, what))) return rc;
    v->is_int = n > 0 && !e.neg;
    v->neg = e.neg;
    v->u = e.u;
    return R_OK;
}

/* ------------------------------------------------------------------ */
/* Header walk                                                         */
/* ------------------------------------------------------------------ */

/* What the metadata says (-1: absent). */
typedef struct meta {
    char arch[32];
    char gname[128];
    long layers, hidden, heads, kv_heads, ffn, ctx, key_len, val_len;
    long key_len_mla, val_len_mla;  /* deepseek2 since MLA-absorb converts */
    long experts, experts_used, expert_ffn, shared_count, shared_ffn;
    long dense_lead, window, kv_lora, q_lora, rope_dim, vocab, tokens_n;
    long moe_step, file_type;
    int kv_heads_array;     /* head_count_kv was a per-layer array */
    int recurrent;          /* ssm / rwkv / shortconv keys: not a transformer */
} meta;

/* What the tensor table says. */
typedef struct tens {
    double weight, embed, lm_head;
    int has_output, has_gate, has_qbias;
    long embd_rows;         /* token_embd.weight ne[1] */
    long moe_layers;        /* blocks with an ffn_gate_inp (router) tensor */
} tens;

/* Integer metadata into *dst (long), with the key in messages. */
static int set_long(rd *r, const gval *v, const char *key, long *dst)
{
    if (!v->is_int || v->neg)
        return fail(r, "%s: expected a non-negative integer", key);
    if (v->u > (uint64_t)INT_MAX)
        return fail(r, "%s: value %llu is too large (limit %d)", key, ULL(v->u), INT_MAX);
    *dst = (long)v->u;
    return R_OK;
}

/* Interpret one key (second pass, arch known). */
static int apply_key(rd *r, const unsigned char *k, uint64_t kn, const gval *v,
                     meta *m)
{
    static const struct { const char *suffix; size_t off; } keys[] = {
        { "block_count", offsetof(meta, layers) },
        { "embedding_length", offsetof(meta, hidden) },
        { "attention.head_count", offsetof(meta, heads) },
        { "attention.head_count_kv", offsetof(meta, kv_heads) },
        { "feed_forward_length", offsetof(meta, ffn) },
        { "context_length", offsetof(meta, ctx) },
        { "attention.key_length", offsetof(meta, key_len) },
        { "attention.value_length", offsetof(meta, val_len) },
        { "attention.key_length_mla", offsetof(meta, key_len_mla) },
        { "attention.value_length_mla", offsetof(meta, val_len_mla) },
        { "expert_count", offsetof(meta, experts) },
        { "expert_used_count", offsetof(meta, experts_used) },
        { "expert_feed_forward_length", offsetof(meta, expert_ffn) },
        { "expert_shared_count", offsetof(meta, shared_count) },
        { "expert_shared_feed_forward_length", offsetof(meta, shared_ffn) },
        { "leading_dense_block_count", offsetof(meta, dense_lead) },
        { "attention.sliding_window", offsetof(meta, window) },
        { "attention.kv_lora_rank", offsetof(meta, kv_lora) },
        { "attention.q_lora_rank", offsetof(meta, q_lora) },
        { "rope.dimension_count", offsetof(meta, rope_dim) },
        { "vocab_size", offsetof(meta, vocab) },
        { "interleave_moe_layer_step", offsetof(meta, moe_step) },
    };
    char key[96];
    size_t al = strlen(m->arch);

    if (kn >= sizeof key) return R_OK;      /* no key of ours is that long */
    memcpy(key, k, (size_t)kn);
    key[kn] = '\0';
    if (strcmp(key, "general.file_type") == 0) return set_long(r, v, key, &m->file_type);
    if (strcmp(key, "general.name") == 0 && v->type == GV_STR) {
        size_t n = v->slen < sizeof m->gname ? (size_t)v->slen : sizeof m->gname - 1;
        for (size_t i = 0; i < n; i++)
            m->gname[i] = v->s[i] >= 32 && v->s[i] < 127 ? (char)v->s[i] : '?';
        m->gname[n] = '\0';
        return R_OK;
    }
    if (strcmp(key, "tokenizer.ggml.tokens") == 0 && v->type == GV_ARR) {
        m->tokens_n = v->arr_n > (uint64_t)LONG_MAX ? LONG_MAX : (long)v->arr_n;
        return R_OK;
    }
    if (strncmp(key, m->arch, al) != 0 || key[al] != '.') return R_OK;
    const char *suf = key + al + 1;
    if (strncmp(suf, "ssm.", 4) == 0 || strncmp(suf, "wkv.", 4) == 0 ||
        strncmp(suf, "shortconv.", 10) == 0)
        m->recurrent = 1;
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        if (strcmp(suf, keys[i].suffix) != 0) continue;
        if (keys[i].off == offsetof(meta, kv_heads) && v->type == GV_ARR)
            m->kv_heads_array = 1;      /* per-layer list: its max is used */
        return set_long(r, v, key, (long *)((char *)m + keys[i].off));
    }
    return R_OK;
}

/* Walk the n_kv metadata entries; pass 1 looks for general.architecture
 * only, pass 2 (m->arch set) interprets the rest. */
static int walk_meta(rd *r, uint64_t n_kv, meta *m, int pass)
{
    char what[48];
    int rc;

    for (uint64_t i = 0; i < n_kv; i++) {
        const unsigned char *k;
        uint64_t kn;
        uint32_t t;
        gval v;

        snprintf(what, sizeof what, "metadata entry %llu", (unsigned long long)i);
        if ((rc = rd_str(r, &k, &kn, what)) || (rc = rd_u32(r, &t, what)) ||
            (rc = value(r, t, &v, what)))
            return rc;
        if (pass == 1) {
            if (str_eq(k, kn, "general.architecture")) {
                if (t != GV_STR || v.slen == 0 || v.slen >= sizeof m->arch)
                    return fail(r, "%s: general.architecture must be a short string", what);
                for (uint64_t j = 0; j < v.slen; j++) {
                    unsigned char ch = v.s[j];
                    if (ch <= 32 || ch >= 127 || ch == '.')
                        return fail(r, "%s: general.architecture has an invalid "
                                    "character", what);
                    m->arch[j] = (char)ch;
                }
                m->arch[v.slen] = '\0';
            }
        } else if ((rc = apply_key(r, k, kn, &v, m))) {
            return rc;
        }
    }
    return R_OK;
}

/* Layer index of "blk.N.<suffix>", or -1. */
static long block_of(const unsigned char *s, uint64_t n, const char *suffix)
{
    size_t sl = strlen(suffix);
    uint64_t i = 4;
    long b = 0;

    if (n < 4 + 2 + sl || memcmp(s, "blk.", 4) != 0) return -1;
    if (memcmp(s + n - sl, suffix, sl) != 0) return -1;
    for (; i < n - sl && s[i] >= '0' && s[i] <= '9' && b < 1000000; i++)
        b = b * 10 + (s[i] - '0');
    if (i == 4 || i != n - sl - 1 || s[i] != '.') return -1;
    return b;
}

/* One tensor info: bounds, type, size. */
static int tensor(rd *r, uint64_t idx, tens *t)
{
    const unsigned char *name;
    uint64_t nl, ne[4] = { 1, 1, 1, 1 }, off, nelem = 1;
    uint32_t nd, type;
    char what[48];
    int rc;

    snprintf(what, sizeof what, "tensor %llu", (unsigned long long)idx);
    if ((rc = rd_str(r, &name, &nl, what)) || (rc = rd_u32(r, &nd, what)))
        return rc;
    if (nd < 1 || nd > 4)
        return fail(r, "%s: n_dims %u is not in [1, 4]", what, (unsigned)nd);
    for (uint32_t d = 0; d < nd; d++) {
        if ((rc = rd_u64(r, &ne[d], what))) return rc;
        if (ne[d] > (uint64_t)INT64_MAX || (ne[d] && nelem > (uint64_t)INT64_MAX / ne[d]))
            return fail(r, "%s: dimensions overflow (dim %u = %llu)", what,
                        (unsigned)d, ULL(ne[d]));
        nelem *= ne[d];
    }
    if ((rc = rd_u32(r, &type, what)) || (rc = rd_u64(r, &off, what))) return rc;
    if (type >= N_GGML_TYPES || ggml_types[type].blck == 0)
        return fail(r, "%s: unknown ggml type %u", what, (unsigned)type);
    const gtype *g = &ggml_types[type];
    if (ne[0] % g->blck != 0)
        return fail(r, "%s: row of %llu elements is not a multiple of the block "
                    "size %u", what, ULL(ne[0]), g->blck);
    double bytes = (double)(nelem / g->blck) * g->size;

    t->weight += bytes;
    if (str_eq(name, nl, "token_embd.weight")) {
        t->embed = bytes;
        t->embd_rows = nd >= 2 && ne[1] <= (uint64_t)LONG_MAX ? (long)ne[1] : 0;
    } else if (str_eq(name, nl, "output.weight")) {
        t->lm_head = bytes;
        t->has_output = 1;
    }
    if (block_of(name, nl, "ffn_gate_inp.weight") >= 0) t->moe_layers++;
    if (block_of(name, nl, "ffn_gate.weight") >= 0 ||
        block_of(name, nl, "ffn_gate_exps.weight") >= 0)
        t->has_gate = 1;
    if (block_of(name, nl, "attn_q.bias") >= 0 || block_of(name, nl, "attn_qkv.bias") >= 0)
        t->has_qbias = 1;
    return R_OK;
}

/* Cast a metadata figure to int, or a default when absent. */
static int ival(long v, int dflt) { return v < 0 ? dflt : (int)v; }

/* Metadata + tensor facts -> rl_arch. */
static int build_arch(rd *r, const meta *m, const tens *t, rl_arch *a)
{
    static const char *const need_keys[] = { "block_count", "embedding_length",
                                             "attention.head_count" };
    const long need_v[] = { m->layers, m->hidden, m->heads };

    if (m->recurrent)
        return fail(r, "unsupported GGUF architecture '%s' (recurrent / state-space "
                    "layers)", m->arch);
    for (int i = 0; i < 3; i++)
        if (need_v[i] < 0) {
            char key[96];
            snprintf(key, sizeof key, "%s.%s", m->arch, need_keys[i]);
            return fail(r, "%s: missing", key);
        }
    memset(a, 0, sizeof *a);
    a->kind = RL_DECODER;
    rl_arch_id_from_path(r->name, ".gguf", a->id, sizeof a->id, a->name, sizeof a->name);
    if (!a->id[0]) snprintf(a->id, sizeof a->id, "%s", m->arch);
    if (m->gname[0]) snprintf(a->name, sizeof a->name, "%s", m->gname);
    if (!a->name[0]) snprintf(a->name, sizeof a->name, "%s", m->arch);
    snprintf(a->family, sizeof a->family, "%s", m->arch);
    const char *b = strrchr(r->name, '/');
    snprintf(a->source, sizeof a->source, "GGUF: %s%s", b ? b + 1 : r->name,
             m->kv_heads_array ? " (per-layer head_count_kv: the max is used)" : "");

    a->layers = (int)m->layers;
    a->hidden = (int)m->hidden;
    a->heads = (int)m->heads;
    a->kv_heads = ival(m->kv_heads, a->heads);
    a->intermediate = ival(m->ffn, 0);
    a->ffn_mats = t->has_gate || t->weight == 0 ? 3 : 2;
    a->vocab = m->vocab >= 0 ? m->vocab : m->tokens_n >= 0 ? m->tokens_n : t->embd_rows;
    a->tied_embeddings = !t->has_output;
    a->max_context = m->ctx < 0 ? 0 : m->ctx;
    a->attn_bias = t->has_qbias;
    a->head_dim = ival(m->key_len, 0);

    if (m->experts > 0) {
        a->experts = (int)m->experts;
        a->experts_active = ival(m->experts_used, 0);
        /* Mixtral-style files give the expert size as feed_forward_length. */
        a->moe_intermediate = ival(m->expert_ffn, a->intermediate);
        a->shared_experts = ival(m->shared_count, 0);
        a->shared_intermediate = ival(m->shared_ffn, 0);
        if (a->shared_intermediate > 0 && a->shared_experts == 0) a->shared_experts = 1;
        if (t->moe_layers > 0) a->moe_layers = (int)(t->moe_layers < a->layers
                                                      ? t->moe_layers : a->layers);
        else if (m->dense_lead > 0) a->moe_layers = a->layers - (int)(m->dense_lead <
                                                     a->layers ? m->dense_lead : a->layers);
        else if (m->moe_step > 0) a->moe_layers = a->layers / (int)m->moe_step;
        else a->moe_layers = a->layers;
        if (a->moe_layers == 0) a->experts = 0;
    }
    if (m->kv_lora > 0) {
        /* MLA (deepseek2): the per-head q/k dim is qk_nope + rope.  Newer
         * converts store the absorbed sizes (kv_lora_rank + rope, and
         * kv_lora_rank) in key_length / value_length and the per-head ones
         * in key_length_mla / value_length_mla. */
        if (m->key_len_mla > 0) a->head_dim = (int)m->key_len_mla;
        a->kv_lora_rank = (int)m->kv_lora;
        a->q_lora_rank = ival(m->q_lora, 0);
        a->qk_rope_dim = ival(m->rope_dim, 0);
        a->qk_nope_dim = a->head_dim > a->qk_rope_dim ? a->head_dim - a->qk_rope_dim : 0;
        a->v_head_dim = ival(m->val_len_mla > 0 ? m->val_len_mla : m->val_len, 0);
    }
    if (m->window > 0) {
        /* GGUF does not say which layers slide; llama.cpp hard-codes it per
         * architecture, and so do we. */
        a->sliding_window = m->window;
        if (!strcmp(m->arch, "gemma2") || !strcmp(m->arch, "gpt-oss"))
            a->swa_layers = (a->layers + 1) / 2;
        else if (!strcmp(m->arch, "gemma3"))
            a->swa_layers = a->layers - a->layers / 6;
        else
            a->swa_layers = a->layers;
    }
    return R_OK;
}

/* The whole header.  R_MORE when the bytes held end early but the input
 * has more. */
static int parse(rd *r, rl_arch *out, rl_gguf_info *info)
{
    uint32_t ver;
    uint64_t n_tensors, n_kv;
    size_t kv_start;
    meta m;
    tens t;
    rl_arch a;
    int rc;

    if ((rc = need(r, 4, "magic"))) return rc;
    if (memcmp(r->p, "GGUF", 4) != 0)
        return fail(r, "not a GGUF file (bad magic)");
    r->pos = 4;
    if ((rc = rd_u32(r, &ver, "version"))) return rc;
    if (ver != 2 && ver != 3)
        return fail(r, "unsupported GGUF version %u (2 and 3 are read; a big-endian "
                    "file shows as a huge number)", (unsigned)ver);
    if ((rc = rd_u64(r, &n_tensors, "tensor count")) ||
        (rc = rd_u64(r, &n_kv, "metadata count")))
        return rc;
    /* Smallest entries: key (8 + 0) + type 4 + u8 value 1 = 13 bytes;
     * tensor: name 8 + n_dims 4 + one dim 8 + type 4 + offset 8 = 32. */
    if ((rc = fits(r, n_kv, 13, "metadata")) || (rc = fits(r, n_tensors, 32, "tensor")))
        return rc;
    memset(&m, 0xff, sizeof m);     /* every long field -1: absent */
    m.arch[0] = m.gname[0] = '\0';
    m.kv_heads_array = m.recurrent = 0;
    kv_start = r->pos;
    if ((rc = walk_meta(r, n_kv, &m, 1))) return rc;
    if (!m.arch[0])
        return fail(r, "general.architecture: missing");
    r->pos = kv_start;
    if ((rc = walk_meta(r, n_kv, &m, 2))) return rc;
    if ((rc = fits(r, n_tensors, 32, "tensor"))) return rc;
    memset(&t, 0, sizeof t);
    for (uint64_t i = 0; i < n_tensors; i++)
        if ((rc = tensor(r, i, &t))) return rc;
    if ((rc = build_arch(r, &m, &t, &a))) return rc;
    if (rl_arch_finish(&a, r->name, r->err) != RL_OK) return R_ERR;
    *out = a;
    if (info) {
        memset(info, 0, sizeof *info);
        info->weight_bytes = t.weight;
        info->embed_bytes = t.embed;
        info->lm_head_bytes = t.lm_head;
        info->n_tensors = (long)n_tensors;
        info->version = ver;
        info->file_type = m.file_type < 0 ? -1 : (int)m.file_type;
        if (m.file_type >= 0 && m.file_type < N_FILE_TYPES && file_types[m.file_type])
            snprintf(info->quant, sizeof info->quant, "%s", file_types[m.file_type]);
    }
    return R_OK;
}

int rl_import_gguf_buf(const unsigned char *buf, size_t len, const char *name,
                       rl_arch *out, rl_gguf_info *info, rl_err *err)
{
    rd r = { buf, buf ? len : 0, buf ? len : 0, 0, name ? name : "model.gguf", err };
    int rc = parse(&r, out, info);

    if (rc == R_OK) return RL_OK;
    if (rc == R_MORE)       /* cannot happen when total == len; be safe */
        return rl_err_set(err, RL_EINPUT, r.name, 0, "truncated GGUF header");
    return err ? err->code : RL_EINPUT;
}

int rl_import_gguf(const char *path, rl_arch *out, rl_gguf_info *info,
                   rl_err *err)
{
    long long size;
    unsigned char *buf = NULL;
    size_t held = 0, want;
    int rc = R_MORE;
    FILE *f = rl_open_input(path, 0, &size, err);

    if (!f) return err ? err->code : RL_EIO;
    want = (uint64_t)size < GGUF_FIRST_READ ? (size_t)size : GGUF_FIRST_READ;
    for (;;) {
        unsigned char *nb = realloc(buf, want ? want : 1);
        if (!nb) {
            rc = rl_err_set(err, RL_EIO, path, 0, "out of memory");
            break;
        }
        buf = nb;
        size_t got = fread(buf + held, 1, want - held, f);
        if (got != want - held) {
            rc = rl_err_set(err, RL_EIO, path, 0, "read error (file shrank?)");
            break;
        }
        held = want;
        rd r = { buf, held, (uint64_t)size, 0, path, err };
        rc = parse(&r, out, info);
        if (rc != R_MORE) {
            rc = rc == R_OK ? RL_OK : err ? err->code : RL_EINPUT;
            break;
        }
        if (held >= GGUF_MAX_HEADER) {
            rc = rl_err_set(err, RL_EINPUT, path, 0,
                            "GGUF header is larger than 64 MiB; refusing to read on");
            break;
        }
        want = held * 4 > GGUF_MAX_HEADER ? GGUF_MAX_HEADER : held * 4;
        if ((uint64_t)want > (uint64_t)size) want = (size_t)size;
    }
    free(buf);
    fclose(f);
    return rc;
}
