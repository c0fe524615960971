/*
 * testutil.h -- what the Check suites share: opening the built-in catalog
 * inside a fixture, and running a suite to an exit status.  Header-only
 * (static functions), included by tests/test_*.c alone.
 */
#ifndef RL_TESTUTIL_H
#define RL_TESTUTIL_H

#include <check.h>
#include "catalog.h"

/* The built-in catalog (as the CLI finds it); fails the test if absent. */
static inline rl_catalog *rl_test_catalog(void)
{
    rl_err e;
    rl_catalog *c;

    rl_err_clear(&e);
    c = rl_catalog_open(NULL, &e);
    ck_assert_msg(c != NULL, "catalog: %s:%d: %s", e.file, e.line, e.msg);
    return c;
}

/* Run every test of `s`; 0 when all passed (the process exit status). */
static inline int rl_test_run(Suite *s)
{
    SRunner *r = srunner_create(s);
    int failed;

    srunner_run_all(r, CK_NORMAL);
    failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed != 0;
}

#endif
