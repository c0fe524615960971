/*
 * test_err.c -- rl_err.h: error records, the three GNU-style print forms,
 * the one-line guarantee, "did you mean" hints and the tolerance helpers.
 */
#include <check.h>
#include "testutil.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rl_err.h"

/* Print e into a string (caller frees). */
static char *printed(const rl_err *e)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    ck_assert_ptr_nonnull(f);
    rl_err_print(e, f);
    fclose(f);
    return buf;
}

START_TEST(set_returns_code_and_fills)
{
    rl_err e;
    rl_err_clear(&e);
    ck_assert_int_eq(rl_err_set(&e, RL_EINPUT, "hw.cfg", 42, "bad %s = %d", "x", 7), RL_EINPUT);
    ck_assert_int_eq(e.code, RL_EINPUT);
    ck_assert_int_eq(e.line, 42);
    ck_assert_str_eq(e.file, "hw.cfg");
    ck_assert_str_eq(e.msg, "bad x = 7");
    rl_err_clear(&e);
    ck_assert_int_eq(e.code, RL_OK);
    ck_assert_int_eq(e.line, 0);
    ck_assert_str_eq(e.file, "");
    ck_assert_str_eq(e.msg, "");
}
END_TEST

START_TEST(set_null_err_still_returns_code)
{
    ck_assert_int_eq(rl_err_set(NULL, RL_EIO, "f", 1, "m"), RL_EIO);
    rl_err_clear(NULL);                         /* must not crash */
}
END_TEST

START_TEST(negative_line_becomes_zero)
{
    rl_err e;
    rl_err_set(&e, RL_EINPUT, "f", -5, "m");
    ck_assert_int_eq(e.line, 0);
}
END_TEST

START_TEST(print_file_line)
{
    rl_err e;
    char *s;
    rl_err_set(&e, RL_EINPUT, "f", 3, "m");
    s = printed(&e);
    ck_assert_str_eq(s, "f:3: error: m\n");
    free(s);
}
END_TEST

START_TEST(print_file_only)
{
    rl_err e;
    char *s;
    rl_err_set(&e, RL_EIO, "f", 0, "m");
    s = printed(&e);
    ck_assert_str_eq(s, "f: error: m\n");
    free(s);
}
END_TEST

START_TEST(print_no_file)
{
    rl_err e;
    char *s;
    rl_err_set(&e, RL_EINPUT, NULL, 9, "m");    /* a line without a file is not shown */
    s = printed(&e);
    ck_assert_str_eq(s, "ridgeline: error: m\n");
    free(s);
    rl_err_set(&e, RL_EINPUT, "", 0, "m");
    s = printed(&e);
    ck_assert_str_eq(s, "ridgeline: error: m\n");
    free(s);
}
END_TEST

START_TEST(print_empty_and_null)
{
    rl_err e;
    char *s;
    rl_err_clear(&e);
    s = printed(&e);
    ck_assert_str_eq(s, "ridgeline: error: unknown error\n");
    free(s);
    s = printed(NULL);
    ck_assert_str_eq(s, "ridgeline: error: unknown error\n");
    free(s);
}
END_TEST

START_TEST(newlines_stripped)
{
    rl_err e;
    char *s;
    rl_err_set(&e, RL_EINPUT, "f", 2, "one\ntwo\r\nthree%s", "\n");
    ck_assert_ptr_null(strchr(e.msg, '\n'));
    ck_assert_ptr_null(strchr(e.msg, '\r'));
    ck_assert_str_eq(e.msg, "one two  three ");
    s = printed(&e);
    /* exactly one line: the only newline is the terminating one */
    ck_assert_ptr_eq(strchr(s, '\n'), s + strlen(s) - 1);
    free(s);
}
END_TEST

START_TEST(long_message_truncated)
{
    rl_err e;
    char big[2000];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    rl_err_set(&e, RL_EINPUT, big, 1, "%s", big);
    ck_assert_uint_eq(strlen(e.msg), sizeof e.msg - 1);
    ck_assert_uint_eq(strlen(e.file), sizeof e.file - 1);
}
END_TEST

static const char *const hw_ids[] = { "rtx-3090", "rtx-4090", "h100-sxm", "m2-ultra", "l4" };

START_TEST(suggest_close)
{
    ck_assert_str_eq(rl_suggest("rtx4090", hw_ids, 5), "rtx-4090");
    ck_assert_str_eq(rl_suggest("rtx-4900", hw_ids, 5), "rtx-4090");
    ck_assert_str_eq(rl_suggest("h100sxm", hw_ids, 5), "h100-sxm");
    /* a substring of an id is a strong hint */
    ck_assert_str_eq(rl_suggest("4090", hw_ids, 5), "rtx-4090");
}
END_TEST

START_TEST(suggest_nothing)
{
    ck_assert_ptr_null(rl_suggest("zzz", hw_ids, 5));
    ck_assert_ptr_null(rl_suggest("completely-unrelated-name", hw_ids, 5));
    ck_assert_ptr_null(rl_suggest(NULL, hw_ids, 5));
    ck_assert_ptr_null(rl_suggest("rtx-4090", hw_ids, 0));
}
END_TEST

START_TEST(suggest_exact_and_long)
{
    char longw[200];
    ck_assert_str_eq(rl_suggest("l4", hw_ids, 5), "l4");
    memset(longw, 'x', sizeof longw - 1);
    longw[sizeof longw - 1] = '\0';
    ck_assert_ptr_null(rl_suggest(longw, hw_ids, 5));    /* no overflow, no hint */
}
END_TEST

START_TEST(tolerances)
{
    ck_assert(rl_feq(1.0, 1.0 + 1e-12));
    ck_assert(!rl_feq(1.0, 1.0 + 1e-6));
    ck_assert(rl_feq(1e12, 1e12 + 1.0));            /* relative for large values */
    ck_assert(!rl_feq(1e12, 1e12 + 1e4));
    ck_assert(rl_feq(0.0, 1e-10));                  /* absolute near zero */
    ck_assert(!rl_feq(0.0, 1e-8));
    ck_assert(!rl_feq(NAN, NAN));
    ck_assert(!rl_feq(1.0, NAN));
    ck_assert(rl_fle(1.0 + 1e-12, 1.0));
    ck_assert(rl_fle(0.5, 1.0));
    ck_assert(!rl_fle(1.0 + 1e-6, 1.0));
    ck_assert(!rl_fle(NAN, 1.0));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("err");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, set_returns_code_and_fills);
    tcase_add_test(tc, set_null_err_still_returns_code);
    tcase_add_test(tc, negative_line_becomes_zero);
    tcase_add_test(tc, print_file_line);
    tcase_add_test(tc, print_file_only);
    tcase_add_test(tc, print_no_file);
    tcase_add_test(tc, print_empty_and_null);
    tcase_add_test(tc, newlines_stripped);
    tcase_add_test(tc, long_message_truncated);
    tcase_add_test(tc, suggest_close);
    tcase_add_test(tc, suggest_nothing);
    tcase_add_test(tc, suggest_exact_and_long);
    tcase_add_test(tc, tolerances);
    suite_add_tcase(s, tc);
    return rl_test_run(s);
}
