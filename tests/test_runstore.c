/*
 * test_runstore.c -- runstore.h: records survive reopening; duplicates
 * by run_id are refused, also across two handles; a torn tail (a writer
 * killed mid-line) and an altered line are reported with their line
 * numbers and never read as records; the next append seals the torn
 * tail; bad records and non-regular logs are refused.  (The kill -9 loop
 * against the real binary is tests/runs.sh.)
 */
#include <check.h>
#include "testutil.h"
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runstore.h"

static char dir[64];

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/rl_store_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}

static rl_runrec rec(const char *id, double decode)
{
    rl_runrec r;
    rl_runrec_init(&r);
    snprintf(r.run_id, sizeof r.run_id, "%s", id);
    snprintf(r.timestamp_utc, sizeof r.timestamp_utc, "2024-05-12T09:41:27Z");
    snprintf(r.source_tool, sizeof r.source_tool, "test");
    r.metric[RL_RUN_DECODE] = decode;
    return r;
}

typedef struct seen {
    int n, nbad, bad_line[8];
    char ids[16][65];
    double decode[16];
    char why[8][128];
} seen;

static int on_rec(void *ctx, const rl_runrec *r, int line)
{
    seen *s = ctx;
    (void)line;
    if (s->n < 16) {
        snprintf(s->ids[s->n], sizeof s->ids[0], "%s", r->run_id);
        s->decode[s->n] = r->metric[RL_RUN_DECODE];
    }
    s->n++;
    return 0;
}

static void on_bad(void *ctx, int line, const char *why)
{
    seen *s = ctx;
    if (s->nbad < 8) {
        s->bad_line[s->nbad] = line;
        snprintf(s->why[s->nbad], sizeof s->why[0], "%s", why);
    }
    s->nbad++;
}

static seen walk(rl_runstore *st)
{
    seen s;
    rl_err e;
    memset(&s, 0, sizeof s);
    rl_err_clear(&e);
    ck_assert_int_eq(rl_runstore_iterate(st, on_rec, on_bad, &s, &e), RL_OK);
    return s;
}

static void append_raw(const char *bytes)
{
    char p[128];
    FILE *f;
    snprintf(p, sizeof p, "%s/runs.log", dir);
    f = fopen(p, "ab");
    ck_assert_ptr_nonnull(f);
    fputs(bytes, f);
    fclose(f);
}

START_TEST(append_reopen_duplicates)
{
    rl_err e;
    rl_runstore *st;
    rl_runrec a = rec("run-a", 130.58), b = rec("run-b", 54.84);
    int added;
    seen s;
    char sub[128];

    rl_err_clear(&e);
    snprintf(sub, sizeof sub, "%s/deeper/store", dir);     /* parents created */
    st = rl_runstore_open(sub, &e);
    ck_assert_msg(st != NULL, "%s", e.msg);
    ck_assert_int_eq(rl_runstore_append(st, &a, &added, &e), RL_OK);
    ck_assert_int_eq(added, 1);
    ck_assert_int_eq(rl_runstore_append(st, &a, &added, &e), RL_OK);
    ck_assert_int_eq(added, 0);
    ck_assert_int_eq(rl_runstore_append(st, &b, &added, &e), RL_OK);
    ck_assert_int_eq(added, 1);
    rl_runstore_close(st);
    st = rl_runstore_open(sub, &e);
    ck_assert_int_eq(rl_runstore_count(st), 2);
    s = walk(st);
    ck_assert_int_eq(s.n, 2);
    ck_assert_int_eq(s.nbad, 0);
    ck_assert_str_eq(s.ids[0], "run-a");
    ck_assert_double_eq_tol(s.decode[1], 54.84, 1e-12);
    ck_assert_int_eq(rl_runstore_append(st, &b, &added, &e), RL_OK);
    ck_assert_int_eq(added, 0);                 /* known from the scan at open */
    rl_runstore_close(st);
}
END_TEST

START_TEST(two_handles_see_each_other)
{
    rl_err e;
    rl_runstore *x, *y;
    rl_runrec a = rec("shared-1", 1);
    int added;

    rl_err_clear(&e);
    x = rl_runstore_open(dir, &e);
    y = rl_runstore_open(dir, &e);
    ck_assert_ptr_nonnull(x);
    ck_assert_ptr_nonnull(y);
    ck_assert_int_eq(rl_runstore_append(x, &a, &added, &e), RL_OK);
    ck_assert_int_eq(added, 1);
    /* y opened before x wrote: the check under the lock still sees it */
    ck_assert_int_eq(rl_runstore_append(y, &a, &added, &e), RL_OK);
    ck_assert_int_eq(added, 0);
    ck_assert_int_eq(walk(y).n, 1);
    rl_runstore_close(x);
    rl_runstore_close(y);
}
END_TEST

START_TEST(torn_tail_is_skipped_then_sealed)
{
    rl_err e;
    rl_runstore *st;
    rl_runrec a = rec("before", 1), b = rec("after", 2);
    char *line;
    int added;
    seen s;

    rl_err_clear(&e);
    st = rl_runstore_open(dir, &e);
    ck_assert_int_eq(rl_runstore_append(st, &a, &added, &e), RL_OK);
    rl_runstore_close(st);
    /* what a writer killed after half its line leaves: no newline */
    line = rl_runrec_line(&b);
    line[strlen(line) / 2] = '\0';
    append_raw("deadbeef ");
    append_raw(line);
    free(line);
    st = rl_runstore_open(dir, &e);
    ck_assert_ptr_nonnull(st);
    s = walk(st);
    ck_assert_int_eq(s.n, 1);
    ck_assert_int_eq(s.nbad, 1);
    ck_assert_int_eq(s.bad_line[0], 2);
    ck_assert_ptr_nonnull(strstr(s.why[0], "incomplete last line"));
    /* the next append ends the fragment first: it stays its own line */
    ck_assert_int_eq(rl_runstore_append(st, &b, &added, &e), RL_OK);
    ck_assert_int_eq(added, 1);
    s = walk(st);
    ck_assert_int_eq(s.n, 2);
    ck_assert_str_eq(s.ids[1], "after");
    ck_assert_int_eq(s.nbad, 1);
    ck_assert_int_eq(s.bad_line[0], 2);
    ck_assert_ptr_nonnull(strstr(s.why[0], "checksum"));
    ck_assert_int_eq(rl_runstore_corrupt(st), 1);
    rl_runstore_close(st);
}
END_TEST

START_TEST(altered_line_never_becomes_a_record)
{
    rl_err e;
    rl_runstore *st;
    rl_runrec a = rec("good-1", 100), b = rec("good-2", 100);
    char *json;
    int added;
    seen s;

    rl_err_clear(&e);
    st = rl_runstore_open(dir, &e);
    ck_assert_int_eq(rl_runstore_append(st, &a, &added, &e), RL_OK);
    rl_runstore_close(st);
    /* a record line that parses but whose checksum is wrong */
    json = rl_runrec_line(&b);
    json[strlen(json) - 5] ^= 1;
    append_raw("00000000 ");
    append_raw(json);
    append_raw("\nno checksum here\n");
    free(json);
    st = rl_runstore_open(dir, &e);
    ck_assert_int_eq(rl_runstore_corrupt(st), 2);
    s = walk(st);
    ck_assert_int_eq(s.n, 1);
    ck_assert_int_eq(s.nbad, 2);
    ck_assert_int_eq(s.bad_line[0], 2);
    ck_assert_int_eq(s.bad_line[1], 3);
    /* the corrupt line's id is not taken: the real record can be added */
    ck_assert_int_eq(rl_runstore_append(st, &b, &added, &e), RL_OK);
    ck_assert_int_eq(added, 1);
    rl_runstore_close(st);
}
END_TEST

START_TEST(refuses_bad_records_and_special_files)
{
    rl_err e;
    rl_runstore *st;
    rl_runrec bad = rec("ok-id", NAN);                  /* no metric */
    char p[128];
    int added = 7;
    struct stat sb;

    rl_err_clear(&e);
    st = rl_runstore_open(dir, &e);
    ck_assert_int_eq(rl_runstore_append(st, &bad, &added, &e), RL_EINPUT);
    ck_assert_int_eq(added, 0);
    rl_runstore_close(st);
    snprintf(p, sizeof p, "%s/runs.log", dir);
    ck_assert_int_eq(stat(p, &sb), 0);
    ck_assert_int_eq((int)sb.st_size, 0);               /* nothing written */
    unlink(p);
    ck_assert_int_eq(mkfifo(p, 0644), 0);
    ck_assert_ptr_null(rl_runstore_open(dir, &e));
    ck_assert_int_eq(e.code, RL_EIO);
    ck_assert_str_eq(e.msg, "not a regular file");
    unlink(p);
}
END_TEST

START_TEST(default_dir_order)
{
    char d[256];
    setenv("RIDGELINE_STORE", "/x/store", 1);
    ck_assert_int_eq(rl_runstore_default_dir(d, sizeof d), 1);
    ck_assert_str_eq(d, "/x/store");
    unsetenv("RIDGELINE_STORE");
    setenv("XDG_DATA_HOME", "/xdg", 1);
    rl_runstore_default_dir(d, sizeof d);
    ck_assert_str_eq(d, "/xdg/ridgeline/runs");
    unsetenv("XDG_DATA_HOME");
    setenv("HOME", "/home/u", 1);
    rl_runstore_default_dir(d, sizeof d);
    ck_assert_str_eq(d, "/home/u/.local/share/ridgeline/runs");
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("runstore");
    TCase *t = tcase_create("core");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, append_reopen_duplicates);
    tcase_add_test(t, two_handles_see_each_other);
    tcase_add_test(t, torn_tail_is_skipped_then_sealed);
    tcase_add_test(t, altered_line_never_becomes_a_record);
    tcase_add_test(t, refuses_bad_records_and_special_files);
    tcase_add_test(t, default_dir_order);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return rl_test_run(suite());
}
