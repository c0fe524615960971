/*
 * test_milp.c -- the GLPK wrapper (solver/milp.h): known optima, the
 * status mapping (optimal / infeasible / unbounded), validation before
 * GLPK sees anything, and the error hook (a GLPK internal error returns
 * RL_ESOLVER instead of aborting, and later solves still work).
 */
#include <check.h>
#include "testutil.h"
#include <math.h>
#include <stdlib.h>

#include "milp.h"

/* max 5a + 4b  s.t. 6a + 4b <= 24, a + 2b <= 6, a,b integer >= 0
 * (as min of the negation): optimum a=4, b=0 -> 20 (LP optimum 21 at 3,1.5) */
START_TEST(knapsack_optimum)
{
    rl_err e;
    rl_milp_sol s;
    rl_milp *m = rl_milp_new(2, &e);
    ck_assert_ptr_nonnull(m);
    ck_assert_int_eq(rl_milp_var(m, 0, 0, HUGE_VAL, 1, -5, &e), RL_OK);
    ck_assert_int_eq(rl_milp_var(m, 1, 0, HUGE_VAL, 1, -4, &e), RL_OK);
    int idx[] = {0, 1};
    double r1[] = {6, 4}, r2[] = {1, 2};
    ck_assert_int_eq(rl_milp_row(m, "r1", RL_ROW_LE, 2, idx, r1, 24, &e), RL_OK);
    ck_assert_int_eq(rl_milp_row(m, "r2", RL_ROW_LE, 2, idx, r2, 6, &e), RL_OK);
    ck_assert_int_eq(rl_milp_solve(m, 1000, &s, &e), RL_OK);
    ck_assert_int_eq(s.status, RL_MILP_OPTIMAL);
    ck_assert(rl_feq(s.objective, -20));
    ck_assert(rl_feq(s.x[0], 4) && rl_feq(s.x[1], 0));
    rl_milp_free(m);
}
END_TEST

START_TEST(equality_and_ge_rows)
{
    rl_err e;
    rl_milp_sol s;
    rl_milp *m = rl_milp_new(3, &e);
    int idx[] = {0, 1, 2};
    double one[] = {1, 1, 1}, w[] = {3, 2, 1};
    for (int j = 0; j < 3; j++) rl_milp_var(m, j, 0, 10, 1, (double)(j + 1), &e);
    ck_assert_int_eq(rl_milp_row(m, "n", RL_ROW_EQ, 3, idx, one, 5, &e), RL_OK);
    ck_assert_int_eq(rl_milp_row(m, "w", RL_ROW_GE, 3, idx, w, 12, &e), RL_OK);
    ck_assert_int_eq(rl_milp_solve(m, 1000, &s, &e), RL_OK);
    ck_assert_int_eq(s.status, RL_MILP_OPTIMAL);
    /* 5 items, weight >= 12, cost 1/2/3: x0 = 5 gives weight 15, cost 5 */
    ck_assert(rl_feq(s.objective, 5));
    rl_milp_free(m);
}
END_TEST

START_TEST(infeasible_and_unbounded)
{
    rl_err e;
    rl_milp_sol s;
    rl_milp *m = rl_milp_new(1, &e);
    int idx[] = {0};
    double a[] = {1};
    rl_milp_var(m, 0, 0, 3, 1, 1, &e);
    rl_milp_row(m, "ge", RL_ROW_GE, 1, idx, a, 5, &e);
    ck_assert_int_eq(rl_milp_solve(m, 1000, &s, &e), RL_OK);
    ck_assert_int_eq(s.status, RL_MILP_INFEASIBLE);
    rl_milp_free(m);

    m = rl_milp_new(1, &e);
    rl_milp_var(m, 0, 0, HUGE_VAL, 1, -1, &e);
    rl_milp_row(m, "ge", RL_ROW_GE, 1, idx, a, 1, &e);
    ck_assert_int_eq(rl_milp_solve(m, 1000, &s, &e), RL_OK);
    ck_assert_int_eq(s.status, RL_MILP_UNBOUNDED);
    rl_milp_free(m);
}
END_TEST

START_TEST(validation_before_glpk)
{
    rl_err e;
    ck_assert_ptr_null(rl_milp_new(0, &e));
    ck_assert_int_eq(e.code, RL_EINPUT);
    ck_assert_ptr_null(rl_milp_new(RL_MILP_MAX_VARS + 1, &e));
    rl_milp *m = rl_milp_new(2, &e);
    ck_assert_int_eq(rl_milp_var(m, 2, 0, 1, 0, 0, &e), RL_EINPUT);
    ck_assert_int_eq(rl_milp_var(m, -1, 0, 1, 0, 0, &e), RL_EINPUT);
    ck_assert_int_eq(rl_milp_var(m, 0, 2, 1, 0, 0, &e), RL_EINPUT);       /* lb > ub */
    ck_assert_int_eq(rl_milp_var(m, 0, NAN, 1, 0, 0, &e), RL_EINPUT);
    int bad[] = {0, 5}, dup[] = {1, 1};
    double c[] = {1, 1}, cn[] = {1, NAN};
    ck_assert_int_eq(rl_milp_row(m, "x", RL_ROW_LE, 2, bad, c, 1, &e), RL_EINPUT);
    ck_assert_int_eq(rl_milp_row(m, "x", RL_ROW_LE, 2, dup, c, 1, &e), RL_EINPUT);
    int ok[] = {0, 1};
    ck_assert_int_eq(rl_milp_row(m, "x", RL_ROW_LE, 2, ok, cn, 1, &e), RL_EINPUT);
    ck_assert_int_eq(rl_milp_row(m, "x", RL_ROW_LE, 2, ok, c, INFINITY, &e), RL_EINPUT);
    ck_assert_int_eq(rl_milp_row(m, "x", 7, 2, ok, c, 1, &e), RL_EINPUT);
    ck_assert_int_eq(rl_milp_nrows(m), 0);                  /* nothing was added */
    rl_milp_sol s;
    ck_assert_int_eq(rl_milp_solve(m, 0, &s, &e), RL_EINPUT);      /* tm_lim */
    ck_assert_int_eq(rl_milp_solve(m, 100000, &s, &e), RL_EINPUT);
    rl_milp_free(m);
    rl_milp_free(NULL);
}
END_TEST

START_TEST(error_hook_returns)
{
    rl_err e;
    rl_milp_sol s;
    rl_milp *m = rl_milp_new(1, &e);
    rl_milp_var(m, 0, 0, 4, 1, -1, &e);
    rl_milp_inject_error(1);
    ck_assert_int_eq(rl_milp_solve(m, 1000, &s, &e), RL_ESOLVER);
    ck_assert_str_eq(e.msg, "GLPK internal error");
    /* the environment was freed and rebuilt: solving works again */
    ck_assert_int_eq(rl_milp_solve(m, 1000, &s, &e), RL_OK);
    ck_assert_int_eq(s.status, RL_MILP_OPTIMAL);
    ck_assert(rl_feq(s.x[0], 4));
    rl_milp_free(m);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("milp");
    TCase *t = tcase_create("core");
    tcase_add_test(t, knapsack_optimum);
    tcase_add_test(t, equality_and_ge_rows);
    tcase_add_test(t, infeasible_and_unbounded);
    tcase_add_test(t, validation_before_glpk);
    tcase_add_test(t, error_hook_returns);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return rl_test_run(suite());
}
