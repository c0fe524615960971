/*
 * import.h -- model importers: Hugging Face config.json and GGUF headers
 * into an rl_arch (arch.h).
 *
 * config.json: the llama, mistral, mixtral, qwen2, qwen3, qwen3_moe,
 * gemma2, phi3, deepseek_v3, gpt_oss and llama4 families (and the
 * variants README lists), nested text_config included.  Other families
 * get RL_EINPUT "unsupported model_type 'x'".
 *
 * GGUF: reads the header, metadata and tensor table only -- never the
 * weights -- and reports the exact bytes of every tensor, so weight memory
 * is exact for any quant mix.  Hostile headers (counts of 2^62, strings
 * longer than the file, truncation) are errors, never big allocations.
 *
 * All functions return RL_OK or fill err (RL_EIO: cannot read;
 * RL_EINPUT: malformed or unsupported, with file and, for JSON, the key
 * path in the message).  `out` is fully overwritten on success and
 * untouched on failure.
 */
#ifndef RL_IMPORT_H
#define RL_IMPORT_H

#include <stddef.h>
#include "arch.h"

typedef struct rl_gguf_info {
    double weight_bytes;        /* sum of all tensor data sizes */
    double embed_bytes;         /* token_embd.weight */
    double lm_head_bytes;       /* output.weight (0 when tied) */
    long n_tensors;
    unsigned version;           /* GGUF version (2 or 3) */
    int file_type;              /* general.file_type, -1 if absent */
    char quant[24];             /* quant id guessed from file_type ("q4_k_m"), "" unknown */
} rl_gguf_info;

/* config.json from a file / from memory (`name` is used in messages). */
int rl_import_hf(const char *path, rl_arch *out, rl_err *err);
int rl_import_hf_buf(const char *buf, size_t len, const char *name,
                     rl_arch *out, rl_err *err);

/* GGUF header from a file / from memory.  info may be NULL. */
int rl_import_gguf(const char *path, rl_arch *out, rl_gguf_info *info,
                   rl_err *err);
int rl_import_gguf_buf(const unsigned char *buf, size_t len, const char *name,
                       rl_arch *out, rl_gguf_info *info, rl_err *err);

/* Any model file: GGUF by its magic, JSON by a leading '{', otherwise a
 * libconfig model spec (catalog.h rl_arch_load_file).  info, if non-NULL,
 * gets weight_bytes > 0 only for GGUF. */
int rl_import_file(const char *path, rl_arch *out, rl_gguf_info *info,
                   rl_err *err);

#endif
