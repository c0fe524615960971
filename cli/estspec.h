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
    long replicas;                      /* 0: every copy that fits */
    long ep;                            /* expert parallel: 0/1 none, > 1 degree,
                                           RL_EP_GROUP the whole tp group */
    int dp_attention;                   /* 1: attention data-parallel over tp */
    int devices_set;                    /* 0: the profile's own count */
    double ambient;
    double mem_util;                    /* 0: the runtime's own setting */
    const char *power_mode;             /* NULL: the profile's own (default) mode */
    double rate;                        /* requests/s served (Poisson arrivals):
                                           the caller fills the estimate's serving
                                           with rl_serving_run; 0 none */
} rl_estspec;

/* Defaults of `ridgeline estimate`: 1 device, tp 1, pp 1, prompt 512,
 * output 128, concurrency 1, everything else 0/NULL. */
void rl_estspec_init(rl_estspec *s);

/* Resolve ids and files into *c.  Storage for a file-loaded model or
 * profile, and for a checkpoint's own variant of its quant format, is the
 * caller's (arch, hw, fq); c borrows from cat, arch, hw, fq and
 * s->hw_inline.  The runtime defaults to llama.cpp, or to the first that
 * loads the model file's own format; the quant to that format (GGUF type,
 * HF quantization_config), else fp16.  said (n bytes) gets the sentences
 * about the choices made here, '\n'-separated.  RL_OK, or RL_EINPUT /
 * RL_EIO with err filled ("unknown model 'x' (did you mean 'y'?)"). */
int rl_estspec_resolve(const rl_estspec *s, const rl_catalog *cat, rl_arch *arch,
                       rl_hw *hw, rl_quant *fq, rl_config *c, char *said, size_t n,
                       rl_err *err);

/* Append the '\n'-separated sentences of `said` to e's assumptions (as many
 * as fit).  said is modified (split in place). */
void rl_estspec_note(rl_estimate *e, char *said);

/* The `estimate --json` object of a resolved configuration (as printed:
 * rl_config_normalise'd) with its "launch" command (null when the runtime
 * has none; model_file, may be NULL, names the user's file in it).  Both
 * the CLI and the API print this.  Owned cJSON, NULL on OOM. */
#include <cjson/cJSON.h>
cJSON *rl_estspec_json(const rl_config *shown, const rl_estimate *e, const char *model_file);

#endif
