/*
 * signoff.h -- `ridgeline signoff`: one fixed deployment from a scenario
 * file, every requirement checked with its value, limit and margin, and
 * for each failing check what would make it pass.
 *
 *     rl_signoff so;
 *     if (rl_signoff_run(scn, cat, &so, &err) != RL_OK) ...  // RL_EINPUT
 *     so.pass ? ... : ...;           // verdict; so.checks[] one per line
 *     char *md = rl_signoff_report(scn, &so);   // Markdown, caller frees
 *
 * The checks are the feasibility rules of constraints/ (their measure op
 * gives value and limit), evaluated on the closed-form estimate; the
 * per-token check runs on the last token at the full guaranteed context
 * (the worst token of a deterministic deployment, whose fixed-shape
 * attention spans the whole preallocated window).  Sign-off is stricter
 * than solve in one place: a part that must throttle at the stated
 * ambient fails the thermal check (cons_thermal.c).
 *
 * Ownership: the result is plain data; its configuration borrows the
 * scenario (model, hardware, power mode) and the catalog.
 */
#ifndef RL_SIGNOFF_H
#define RL_SIGNOFF_H

#include "rl_err.h"
#include "estimate.h"
#include "scenario.h"

#define RL_SIGNOFF_MAX 16

typedef struct rl_signoff_check {
    char name[32];              /* "tpot_worst_ms", "device_memory" ... */
    char rule[32];              /* the constraint behind it */
    int pass;
    int has_value;              /* 0: a yes/no rule (value/limit unused) */
    double value, limit;
    double margin;              /* limit - value (upper bounds) or value -
                                   limit (floors): negative when failing */
    double margin_pct;          /* margin / limit x 100 */
    int upper;                  /* 1: value must stay <= limit */
    char unit[12];
    char reason[RL_NOTE_LEN];   /* one sentence */
    char fix[2 * RL_NOTE_LEN];  /* failing checks: what would pass ("" if
                                   no single change found passes) */
    long tokens_kept;           /* > 0: passed only by KV eviction, keeping
                                   this many of `limit` tokens (degraded) */
} rl_signoff_check;

typedef struct rl_signoff {
    int pass;                   /* every check passed */
    rl_config cfg;              /* the deployment signed */
    rl_estimate est;            /* the workload as specified */
    rl_estimate worst;          /* the last token at the guaranteed context */
    long context;               /* tokens guaranteed per sequence */
    long evict_window;          /* > 0: allow_kv_eviction in force, KV held
                                   for this many tokens (< context) */
    rl_estimate stream_est;     /* encoder_stream set: its own estimate */
    double stream_util;         /* its share of the part's time */
    double stream_need;         /* the share the LLM's decode floor needs */
    double stream_latency_ms;   /* its p95 per input behind a decode step */
    double ambient_c;           /* ambient signed at */
    int offload_mode;           /* enum rl_offload_mode */
    int n;
    rl_signoff_check checks[RL_SIGNOFF_MAX];
} rl_signoff;

/* Sign off scenario `s`.  Every search axis must be single-valued (an
 * omitted quant is allowed when the runtime loads one format or the model
 * is a GGUF file; kv_dtype defaults as `estimate` does; offload must be
 * none or full).  RL_OK with *out filled (out->pass is the verdict), or
 * RL_EINPUT naming the axis or the estimate's complaint. */
int rl_signoff_run(const rl_scenario *s, const rl_catalog *cat, rl_signoff *out,
                   rl_err *err);

/* The Markdown sign-off document (inputs, assumptions, checks, margins,
 * what would make it pass).  Owned string (free()), NULL on OOM. */
char *rl_signoff_report(const rl_scenario *s, const rl_signoff *so);

/* One line per check as the CLI prints it, into buf. */
void rl_signoff_line(const rl_signoff_check *c, char *buf, size_t n);

#endif
