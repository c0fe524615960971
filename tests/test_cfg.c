/*
 * test_cfg.c -- cfg.h: typed, range-checked libconfig reads whose errors
 * carry file:line.  Each test writes a small cfg file to a temp folder.
 */
#include <check.h>
#include "testutil.h"
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg.h"

static char dir[64];
static char path[128];
static config_t cfg;

/* Line numbers below are those of this text (1-based). */
static const char text[] =
    "int_v = 3;\n"                          /* 1 */
    "float_v = 2.5;\n"                      /* 2 */
    "str_v = \"hello\";\n"                  /* 3 */
    "flag = true;\n"                        /* 4 */
    "str_num = \"7\";\n"                    /* 5 */
    "inf_v = 1e400;\n"                      /* 6 */
    "neg_inf = -1e400;\n"                   /* 7 */
    "whole_float = 2.0;\n"                  /* 8 */
    "big = 5000000000L;\n"                  /* 9 */
    "grp = {\n"                             /* 10 */
    "  arr = (\n"                           /* 11 */
    "    { v = -1; },\n"                    /* 12 */
    "    { v = 4; }\n"                      /* 13 */
    "  );\n"                                /* 14 */
    "  inner = 1;\n"                        /* 15 */
    "};\n";                                 /* 16 */

static void write_file(const char *p, const char *body)
{
    FILE *f = fopen(p, "w");
    ck_assert_ptr_nonnull(f);
    fputs(body, f);
    fclose(f);
}

static void setup(void)
{
    rl_err err;
    snprintf(dir, sizeof dir, "/tmp/rl_test_cfg_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/t.cfg", dir);
    write_file(path, text);
    config_init(&cfg);
    rl_err_clear(&err);
    ck_assert_int_eq(rl_cfg_read_file(&cfg, path, &err), RL_OK);
}

static void teardown(void)
{
    config_destroy(&cfg);
    unlink(path);
    rmdir(dir);
}

static const config_setting_t *root(void) { return config_root_setting(&cfg); }

START_TEST(num_reads_int_and_float)
{
    rl_err e;
    double v = -1;
    ck_assert_int_eq(rl_cfg_num(root(), "int_v", 0, 10, &v, path, &e), RL_OK);
    ck_assert_double_eq_tol(v, 3.0, 1e-12);
    ck_assert_int_eq(rl_cfg_num(root(), "float_v", 0, 10, &v, path, &e), RL_OK);
    ck_assert_double_eq_tol(v, 2.5, 1e-12);
    ck_assert_int_eq(rl_cfg_num(root(), "big", 0, 1e10, &v, path, &e), RL_OK);
    ck_assert_double_eq_tol(v, 5e9, 1e-3);
}
END_TEST

START_TEST(absent_keeps_default)
{
    rl_err e;
    double v = 42;
    long l = 17;
    int i = 5, b = 1;
    char s[8] = "dflt";
    rl_err_clear(&e);
    ck_assert_int_eq(rl_cfg_num(root(), "nope", 0, 1, &v, path, &e), RL_OK);
    ck_assert_int_eq(rl_cfg_long(root(), "nope", 0, 1, &l, path, &e), RL_OK);
    ck_assert_int_eq(rl_cfg_int(root(), "nope", 0, 1, &i, path, &e), RL_OK);
    ck_assert_int_eq(rl_cfg_bool(root(), "nope", &b, path, &e), RL_OK);
    ck_assert_int_eq(rl_cfg_str(root(), "nope", s, sizeof s, path, &e), RL_OK);
    ck_assert_int_eq(rl_cfg_num(NULL, "int_v", 0, 10, &v, path, &e), RL_OK);
    ck_assert_double_eq(v, 42);
    ck_assert_int_eq(l, 17);
    ck_assert_int_eq(i, 5);
    ck_assert_int_eq(b, 1);
    ck_assert_str_eq(s, "dflt");
    ck_assert_int_eq(e.code, RL_OK);
}
END_TEST

START_TEST(num_wrong_type)
{
    rl_err e;
    double v = 9;
    ck_assert_int_eq(rl_cfg_num(root(), "str_v", 0, 10, &v, path, &e), RL_EINPUT);
    ck_assert_str_eq(e.file, path);
    ck_assert_int_eq(e.line, 3);
    ck_assert_str_eq(e.msg, "str_v must be a number in [0, 10]");
    ck_assert_double_eq(v, 9);              /* untouched on failure */
    ck_assert_int_eq(rl_cfg_num(root(), "str_num", 0, 10, &v, path, &e), RL_EINPUT);
    ck_assert_int_eq(e.line, 5);
    ck_assert_int_eq(rl_cfg_num(root(), "flag", 0, 10, &v, path, &e), RL_EINPUT);
    ck_assert_int_eq(e.line, 4);
}
END_TEST

START_TEST(num_out_of_range)
{
    rl_err e;
    double v = 9;
    ck_assert_int_eq(rl_cfg_num(root(), "float_v", 3, 10, &v, path, &e), RL_EINPUT);
    ck_assert_int_eq(e.line, 2);
    ck_assert_str_eq(e.msg, "float_v must be a number in [3, 10], got 2.5");
    ck_assert_int_eq(rl_cfg_num(root(), "int_v", 0, 2.9, &v, path, &e), RL_EINPUT);
    ck_assert_int_eq(e.line, 1);
    ck_assert_double_eq(v, 9);
}
END_TEST

START_TEST(num_never_infinite)
{
    rl_err e;
    double v = 9;
    /* 1e400 parses as +inf: even the widest range must refuse it */
    ck_assert_int_eq(rl_cfg_num(root(), "inf_v", -1e308, 1e308, &v, path, &e), RL_EINPUT);
    ck_assert_int_eq(e.line, 6);
    ck_assert_ptr_nonnull(strstr(e.msg, "inf_v must be a number"));
    ck_assert_int_eq(rl_cfg_num(root(), "neg_inf", -1e308, 1e308, &v, path, &e), RL_EINPUT);
    ck_assert_int_eq(e.line, 7);
    ck_assert_double_eq(v, 9);
}
END_TEST

START_TEST(long_and_int)
{
    rl_err e;
    long l = 0;
    int i = 0;
    ck_assert_int_eq(rl_cfg_long(root(), "big", 0, 10000000000L, &l, path, &e), RL_OK);
    ck_assert_int_eq(l, 5000000000L);
    ck_assert_int_eq(rl_cfg_int(root(), "int_v", 0, 10, &i, path, &e), RL_OK);
    ck_assert_int_eq(i, 3);
    i = 11;
    ck_assert_int_eq(rl_cfg_int(root(), "big", 0, INT_MAX, &i, path, &e), RL_EINPUT);
    ck_assert_int_eq(e.line, 9);
    ck_assert_str_eq(e.msg, "big must be an integer in [0, 2147483647], got 5000000000");
    ck_assert_int_eq(i, 11);
    ck_assert_int_eq(rl_cfg_int(root(), "int_v", 4, 10, &i, path, &e), RL_EINPUT);
    ck_assert_str_eq(e.msg, "int_v must be an integer in [4, 10], got 3");
    ck_assert_int_eq(i, 11);
}
END_TEST

START_TEST(long_rejects_fraction_and_string)
{
    rl_err e;
    long l = 1;
    ck_assert_int_eq(rl_cfg_long(root(), "float_v", 0, 10, &l, path, &e), RL_EINPUT);
    ck_assert_int_eq(e.line, 2);
    ck_assert_str_eq(e.msg, "float_v must be an integer in [0, 10]");
    ck_assert_int_eq(rl_cfg_long(root(), "str_num", 0, 10, &l, path, &e), RL_EINPUT);
    ck_assert_int_eq(e.line, 5);
    ck_assert_int_eq(l, 1);
}
END_TEST

/* cfg.h: "a float with a fractional part is an error" -- so a whole float
 * such as `count = 2.0;` is an integer. */
START_TEST(long_accepts_whole_float)
{
    rl_err e;
    long l = 1;
    rl_err_clear(&e);
    ck_assert_msg(rl_cfg_long(root(), "whole_float", 0, 10, &l, path, &e) == RL_OK,
                  "rl_cfg_long rejects 2.0: %s", e.msg);
    ck_assert_int_eq(l, 2);
}
END_TEST

START_TEST(bool_reads)
{
    rl_err e;
    int b = 0;
    ck_assert_int_eq(rl_cfg_bool(root(), "flag", &b, path, &e), RL_OK);
    ck_assert_int_eq(b, 1);
    b = 0;
    ck_assert_int_eq(rl_cfg_bool(root(), "int_v", &b, path, &e), RL_EINPUT);
    ck_assert_int_eq(e.line, 1);
    ck_assert_str_eq(e.msg, "int_v must be true or false");
    ck_assert_int_eq(b, 0);
}
END_TEST

START_TEST(str_reads_and_limits)
{
    rl_err e;
    char s6[6] = "", s5[5] = "x";
    ck_assert_int_eq(rl_cfg_str(root(), "str_v", s6, sizeof s6, path, &e), RL_OK);
    ck_assert_str_eq(s6, "hello");
    /* "hello" needs 6 bytes: a 5-byte buffer is too short */
    ck_assert_int_eq(rl_cfg_str(root(), "str_v", s5, sizeof s5, path, &e), RL_EINPUT);
    ck_assert_int_eq(e.line, 3);
    ck_assert_str_eq(e.msg, "str_v must be a string of at most 4 characters");
    ck_assert_str_eq(s5, "x");
    ck_assert_int_eq(rl_cfg_str(root(), "int_v", s6, sizeof s6, path, &e), RL_EINPUT);
    ck_assert_str_eq(e.msg, "int_v must be a string");
}
END_TEST

START_TEST(str_required)
{
    rl_err e;
    char s[16];
    const config_setting_t *g = config_lookup(&cfg, "grp");
    ck_assert_int_eq(rl_cfg_str_req(root(), "str_v", s, sizeof s, path, &e), RL_OK);
    ck_assert_str_eq(s, "hello");
    ck_assert_int_eq(rl_cfg_str_req(root(), "id", s, sizeof s, path, &e), RL_EINPUT);
    ck_assert_str_eq(e.msg, "missing required key 'id'");
    ck_assert_str_eq(e.file, path);
    /* inside a group the group's line is known */
    ck_assert_int_eq(rl_cfg_str_req(g, "id", s, sizeof s, path, &e), RL_EINPUT);
    ck_assert_int_eq(e.line, 10);
    ck_assert_int_eq(rl_cfg_str_req(NULL, "id", s, sizeof s, path, &e), RL_EINPUT);
}
END_TEST

START_TEST(nested_path_and_line)
{
    rl_err e;
    double v = 0;
    const config_setting_t *arr = config_lookup(&cfg, "grp.arr");
    const config_setting_t *el0 = config_setting_get_elem(arr, 0);
    const config_setting_t *el1 = config_setting_get_elem(arr, 1);
    ck_assert_int_eq(rl_cfg_num(el1, "v", 0, 10, &v, path, &e), RL_OK);
    ck_assert_double_eq(v, 4);
    ck_assert_int_eq(rl_cfg_num(el0, "v", 0, 10, &v, path, &e), RL_EINPUT);
    ck_assert_int_eq(e.line, 12);
    ck_assert_str_eq(e.msg, "grp.arr[0].v must be a number in [0, 10], got -1");
    ck_assert_int_eq(rl_cfg_line(config_lookup(&cfg, "grp.inner")), 15);
    ck_assert_int_eq(rl_cfg_line(NULL), 0);
    ck_assert_str_eq(rl_cfg_file(NULL, "fallback"), "fallback");
}
END_TEST

START_TEST(error_prints_gnu_style)
{
    rl_err e;
    double v;
    char *buf = NULL, want[256];
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    rl_cfg_num(root(), "float_v", 3, 10, &v, path, &e);
    rl_err_print(&e, f);
    fclose(f);
    snprintf(want, sizeof want, "%s:2: error: float_v must be a number in [3, 10], got 2.5\n", path);
    ck_assert_str_eq(buf, want);
    free(buf);
}
END_TEST

START_TEST(read_file_errors)
{
    rl_err e;
    config_t c2;
    char p2[160];
    config_init(&c2);
    ck_assert_int_eq(rl_cfg_read_file(&c2, "/nonexistent/rl/x.cfg", &e), RL_EIO);
    ck_assert_str_eq(e.file, "/nonexistent/rl/x.cfg");
    ck_assert_str_eq(e.msg, "cannot open: No such file or directory");
    config_destroy(&c2);

    snprintf(p2, sizeof p2, "%s/bad.cfg", dir);
    write_file(p2, "a = 1;\nb = 2;\nc = ( 1, \n");      /* truncated list */
    config_init(&c2);
    ck_assert_int_eq(rl_cfg_read_file(&c2, p2, &e), RL_EINPUT);
    ck_assert_str_eq(e.file, p2);
    ck_assert_int_ge(e.line, 3);
    ck_assert_int_gt((int)strlen(e.msg), 0);
    config_destroy(&c2);

    write_file(p2, "a = 1;\nb == 2;\n");
    config_init(&c2);
    ck_assert_int_eq(rl_cfg_read_file(&c2, p2, &e), RL_EINPUT);
    ck_assert_int_eq(e.line, 2);
    config_destroy(&c2);
    unlink(p2);
}
END_TEST

/* A directory is not a config file.  libconfig's scanner calls exit() on a
 * read error, so the loader must refuse it before parsing (this test is
 * registered last: when the bug is present the process exits here). */
START_TEST(read_directory_is_einput)
{
    rl_err e;
    config_t c2;
    rl_err_clear(&e);
    config_init(&c2);
    ck_assert_int_eq(rl_cfg_read_file(&c2, dir, &e), RL_EINPUT);
    ck_assert_str_eq(e.file, dir);
    ck_assert_str_eq(e.msg, "is a directory, not a regular file");
    config_destroy(&c2);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cfg");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, num_reads_int_and_float);
    tcase_add_test(tc, absent_keeps_default);
    tcase_add_test(tc, num_wrong_type);
    tcase_add_test(tc, num_out_of_range);
    tcase_add_test(tc, num_never_infinite);
    tcase_add_test(tc, long_and_int);
    tcase_add_test(tc, long_rejects_fraction_and_string);
    tcase_add_test(tc, long_accepts_whole_float);
    tcase_add_test(tc, bool_reads);
    tcase_add_test(tc, str_reads_and_limits);
    tcase_add_test(tc, str_required);
    tcase_add_test(tc, nested_path_and_line);
    tcase_add_test(tc, error_prints_gnu_style);
    tcase_add_test(tc, read_file_errors);
    tcase_add_test(tc, read_directory_is_einput);      /* keep last (see the test) */
    suite_add_tcase(s, tc);
    return rl_test_run(s);
}
