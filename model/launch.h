/*
 * launch.h -- the command line that starts a configuration on its
 * runtime, and the runtime-flag spellings users bring from those CLIs.
 *
 *     char cmd[RL_LAUNCH_MAX];
 *     if (rl_launch_command(&cfg, NULL, cmd, sizeof cmd))
 *         printf("launch: %s\n", cmd);
 *         // vllm serve meta-llama/Llama-3.1-70B-Instruct --tensor-parallel-size 4 ...
 *
 * One table (launch.c) says, per catalog runtime, which program to run
 * and which of its flags carry tp, pp, context, concurrency, KV dtype and
 * weight format.  Only flags that exist in that runtime's own CLI are
 * emitted; what a runtime sets elsewhere (a config file) is said in a
 * trailing "# ..." shell comment.  The model is the catalog entry's
 * hf_repo when the runtime loads the official checkpoint in that format,
 * otherwise a placeholder in angle brackets ("<Llama-3.1-70B-Instruct-
 * awq-int4>", "<path-to-model>") the user replaces.
 */
#ifndef RL_LAUNCH_H
#define RL_LAUNCH_H

#include "estimate.h"

#include <stddef.h>

#define RL_LAUNCH_MAX 640

/* Write the launch command of `c` (tp, pp, concurrency, context_cap or
 * prompt + output, offload_layers, quant, KV dtype as given) into buf.
 * `model_path`, when non-NULL, is the model file the user gave (a GGUF
 * path for llama.cpp) and replaces the catalog repo / placeholder; it is
 * shell-quoted when needed.  Returns 1 when written, 0 when the runtime
 * has no standard launch command (buf is then ""; hailort, rknn-llm). */
int rl_launch_command(const rl_config *c, const char *model_path, char *buf, size_t n);

/* Catalog KV dtype id for a --kv-cache-dtype value as vLLM/SGLang users
 * write it: "auto" -> "fp16" (the model's 16-bit dtype), "fp8",
 * "fp8_e4m3", "fp8_e5m2" -> "fp8"; anything else is returned unchanged
 * (catalog ids pass through).  Never NULL for a non-NULL v. */
const char *rl_launch_kv_alias(const char *v);

#endif
