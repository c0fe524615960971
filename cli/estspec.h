/*
 * estspec.h -- one estimate's inputs as ids and numbers, and the single
 * function that turns them into an rl_config.  `ridgeline estimate` (from
 * its flags) and `ridgeline serve` (from a POST /v1/estimate body) both
 * go through rl_estspec_resolve, so the same inputs give the same numbers.
 */
#ifndef RL_ESTSPEC_H
#define RL_ESTSPEC_H

#include "estimate.h"

typedef struct rl_estspec {
    const char *model, *model_file;     /* exactly one of the two */
    const char *hw, *hw_file;           /* at most one; or hw_inline */
    const rl_hw *hw_inline;             /* an already parsed profile */
    const char *runtime;                /* NULL: llama.cpp */
    const char *quant;                  /* NULL: fp16 where the runtime has it */
    const char *kv;                     /* NULL: fp16 where supported */
    long devices, tp, pp, prompt, output, conc, offload, context, window;
    int devices_set;                    /* 0: the profile's own count */
    double ambient;
} rl_estspec;

/* Defaults of `ridgeline estimate`: 1 device, tp 1, pp 1, prompt 512,
 * output 128, concurrency 1, everything else 0/NULL. */
void rl_estspec_init(rl_estspec *s);

/* Resolve ids and files into *c.  Storage for a file-loaded model or
 * profile is the caller's (arch, hw); c borrows from cat, arch, hw and
 * s->hw_inline.  RL_OK, or RL_EINPUT / RL_EIO with err filled ("unknown
 * model 'x' (did you mean 'y'?)" for ids the catalog lacks). */
int rl_estspec_resolve(const rl_estspec *s, const rl_catalog *cat, rl_arch *arch,
                       rl_hw *hw, rl_config *c, rl_err *err);

#endif
