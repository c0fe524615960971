/*
 * obj_template.c -- an objective to copy.  It compiles, it is tested
 * (tests/test_objectives.c), and it is NOT in the registry.
 *
 * To add one: copy to obj_<name>.c, rename rl_obj_template_ops, define
 * value() (say in `minimize` which direction is better and in `unit`
 * what it counts), add it to objectives/registry.c and README.md "Solving scenarios".
 *
 * This example minimises the devices used (fewest GPUs that meet every
 * requirement).
 */
#include "objective.h"

#include <stdio.h>

static double value(const rl_obj_ctx *ctx, const rl_config *c, const rl_estimate *e)
{
    (void)ctx;
    (void)e;
    return (double)(c->tp * c->pp);
}

static void explain(const rl_obj_ctx *ctx, const rl_config *c, const rl_estimate *e,
                    char *buf, size_t n)
{
    snprintf(buf, n, "uses %.0f device(s)", value(ctx, c, e));
}

const struct rl_objective_ops rl_obj_template_ops = {
    .name = "template",
    .describe = "example: fewest devices",
    .unit = "devices",
    .minimize = 1,
    .value = value,
    .explain = explain,
};
