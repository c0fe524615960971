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

/* Weight roles a checkpoint leaves unquantized (bf16) although its format
 * says otherwise (quantization_config ignore / modules_to_not_convert). */
enum rl_keep_role {
    RL_KEEP_ATTN = 1,           /* attention (and linear-attention) projections */
    RL_KEEP_DENSE = 2,          /* dense FFN layers and shared experts */
    RL_KEEP_EMBED = 4,          /* token embedding */
    RL_KEEP_LM_HEAD = 8         /* output projection */
};

/* What a model file says about itself beyond the architecture: exact
 * tensor bytes (GGUF) and the checkpoint's own weight format. */
typedef struct rl_gguf_info {
    double weight_bytes;        /* sum of all tensor data sizes */
    double embed_bytes;         /* token_embd.weight */
    double lm_head_bytes;       /* output.weight (0 when tied) */
    long n_tensors;
    unsigned version;           /* GGUF version (2 or 3) */
    int file_type;              /* general.file_type, -1 if absent */
    char quant[24];             /* the file's own format: GGUF file_type ("q4_k_m"),
                                   HF quantization_config ("fp8", "mxfp4", ...)
                                   or, lacking one, a -FP8/-NVFP4/... name; ""
                                   unknown (an unquantized checkpoint) */
    int keep16;                 /* HF: enum rl_keep_role bits kept bf16 */
    char quant_src[200];        /* HF: where quant came from, one sentence for
                                   the estimate's assumptions ("" none) */
} rl_gguf_info;

/* config.json from a file / from memory (`name` is used in messages). */
int rl_import_hf(const char *path, rl_arch *out, rl_err *err);
int rl_import_hf_buf(const char *buf, size_t len, const char *name,
                     rl_arch *out, rl_err *err);

/* Same, also reading the checkpoint's weight format into info (may be
 * NULL): quantization_config (top level or text_config) -- quant_method
 * fp8, mxfp4, awq and gptq (4-bit), compressed-tensors and modelopt by
 * their config_groups weights (8-bit float fp8, 8-bit int int8, 4-bit int
 * gptq-int4, 4-bit float group 32 mxfp4 / group 16 nvfp4) or quant_algo
 * (FP8, NVFP4) -- and the roles its ignore / modules_to_not_convert /
 * exclude_modules lists keep in bf16 (attention, dense FFN and shared
 * experts, embeddings, lm_head).  Without quantization_config a -FP8,
 * -NVFP4, -MXFP4, -AWQ or -GPTQ token in the file name is used (ModelOpt
 * keeps its settings in a separate hf_quant_config.json).  A config the
 * reader does not recognise leaves quant "" and says so in quant_src;
 * it is never an error. */
int rl_import_hf_info(const char *path, rl_arch *out, rl_gguf_info *info, rl_err *err);
int rl_import_hf_buf_info(const char *buf, size_t len, const char *name,
                          rl_arch *out, rl_gguf_info *info, rl_err *err);

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
