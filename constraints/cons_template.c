/*
 * cons_template.c -- a feasibility rule to copy.  It compiles, it is
 * tested (tests/test_constraints.c), and it is NOT in the registry.
 *
 * To add a rule:
 *   1. copy this file to cons_<name>.c and rename rl_cons_template;
 *   2. say in `axes` which candidate axes check() reads, pick the stage
 *      (STATIC if no estimate is needed: it then prunes whole subtrees),
 *      and set `monotone` only for axes along which a failure provably
 *      persists as the value grows (tests/test_solver.c compares pruned
 *      and exhaustive searches);
 *   3. add it to constraints/registry.c where its cost belongs;
 *   4. give it a reason code (documented in README.md "Solving scenarios") and a test.
 *
 * This example rejects candidates that use more devices than a limit
 * kept in the file (private data stays private); the limit of 0 means
 * "no limit", so the rule passes everything as shipped.
 */
#include "constraint.h"

#include <stdio.h>

static int max_devices = 0;     /* private tunable of this rule */

static int check(const rl_cons_ctx *ctx, const rl_estimate *est, rl_reason *why)
{
    (void)est;
    int used = ctx->cfg->tp * ctx->cfg->pp;
    if (max_devices <= 0 || used <= max_devices) return 1;
    why->code = "template";
    snprintf(why->detail, sizeof why->detail,
             "uses %d devices, the template allows %d", used, max_devices);
    return 0;
}

static void explain(const rl_cons_ctx *ctx, const rl_estimate *est, char *buf,
                    size_t n)
{
    (void)est;
    snprintf(buf, n, "uses %d device(s)", ctx->cfg->tp * ctx->cfg->pp);
}

/* Test hook: set the private limit (tests only). */
void rl_cons_template_set_limit(int n);
void rl_cons_template_set_limit(int n) { max_devices = n; }

const struct rl_constraint_ops rl_cons_template = {
    .name = "template",
    .describe = "example rule: at most N devices (disabled)",
    .stage = RL_CONS_STATIC,
    .axes = RL_AX_TP | RL_AX_PP,
    .monotone = 0,
    .check = check,
    .add_rows = NULL,
    .explain = explain,
};
