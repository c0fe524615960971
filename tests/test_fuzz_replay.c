/*
 * test_fuzz_replay.c -- replay the fuzz corpora and every saved crasher
 * through the parsers on each `make test`, so a bug the fuzzers once found
 * stays fixed even on machines without clang.
 *
 *   fuzz/corpus/hf/...   -> rl_import_hf_buf      (RL_OK or RL_EINPUT)
 *   fuzz/corpus/gguf/... -> rl_import_gguf_buf    (RL_OK or RL_EINPUT)
 *   fuzz/corpus/cfg/...  -> rl_arch_load_file, rl_hw_load_file
 *                                                 (RL_OK, RL_EINPUT or RL_EIO)
 *   tests/data/crashers/<target>-*  -> that target's parser; files without
 *                        a known prefix go through all of them.
 * Every file also goes through rl_import_file (the CLI's dispatch).  A
 * failure must always carry a message.  Corpus files are small (the fuzz
 * script caps them), so the whole replay takes well under a second.
 */
#include <check.h>
#include "testutil.h"
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "hardware.h"
#include "import.h"
#include "scenario.h"

/* libconfig 1.5 leaks scanner buffers on some syntax errors (reproduced
 * with its plain API; see fuzz/corpus/lsan.supp and valgrind.supp).  Tell
 * LeakSanitizer, when linked in, to ignore exactly those; valgrind needs
 * --suppressions=fuzz/corpus/valgrind.supp. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:strbuf_append\nleak:libconfig_yylex\n";
}

#define MAX_FILE (1 << 20)      /* corpus inputs are <= 64 KiB; be generous */

enum { T_HF = 1, T_GGUF = 2, T_CFG = 4 };

static int n_files;
static rl_catalog *replay_cat;  /* for scenario replays; NULL skips them */

static unsigned char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    unsigned char *b;

    ck_assert_msg(f != NULL, "cannot open %s", path);
    b = malloc(MAX_FILE);
    ck_assert_ptr_nonnull(b);
    *n = fread(b, 1, MAX_FILE, f);
    fclose(f);
    return b;
}

/* memmem is a GNU extension: a plain search. */
static int contains(const unsigned char *b, size_t n, const char *lit)
{
    size_t l = strlen(lit);
    for (size_t i = 0; i + l <= n; i++)
        if (memcmp(b + i, lit, l) == 0) return 1;
    return 0;
}

static void expect(int rc, const rl_err *e, int allow_eio, const char *what,
                   const char *path)
{
    ck_assert_msg(rc == RL_OK || rc == RL_EINPUT || (allow_eio && rc == RL_EIO),
                  "%s(%s): unexpected status %d", what, path, rc);
    ck_assert_msg(rc == RL_OK || e->msg[0] != '\0', "%s(%s): no message", what, path);
}

static void replay_file(const char *path, int targets)
{
    size_t n;
    unsigned char *b = slurp(path, &n);
    rl_arch a;
    rl_hw h;
    rl_gguf_info info;
    rl_err e;
    int rc;

    n_files++;
    if (targets & T_HF) {
        memset(&e, 0, sizeof e);
        rc = rl_import_hf_buf((const char *)b, n, path, &a, &e);
        expect(rc, &e, 0, "rl_import_hf_buf", path);
    }
    if (targets & T_GGUF) {
        memset(&e, 0, sizeof e);
        rc = rl_import_gguf_buf(b, n, path, &a, &info, &e);
        expect(rc, &e, 0, "rl_import_gguf_buf", path);
    }
    /* libconfig follows @include: never let a replayed input do that. */
    int includes = contains(b, n, "@include");
    if ((targets & T_CFG) && !includes) {
        memset(&e, 0, sizeof e);
        rc = rl_arch_load_file(path, &a, &e);
        expect(rc, &e, 1, "rl_arch_load_file", path);
        memset(&e, 0, sizeof e);
        rc = rl_hw_load_file(path, &h, &e);
        expect(rc, &e, 1, "rl_hw_load_file", path);
        if (replay_cat) {       /* the scenario loader, as fuzz_cfg.c drives it */
            rl_scenario *s = NULL;
            memset(&e, 0, sizeof e);
            rc = rl_scenario_load(path, replay_cat, &s, &e);
            expect(rc, &e, 1, "rl_scenario_load", path);
            rl_scenario_free(s);
        }
    }
    if (!includes) {
        memset(&e, 0, sizeof e);
        rc = rl_import_file(path, &a, &info, &e);
        expect(rc, &e, 1, "rl_import_file", path);
    }
    free(b);
}

/* Replay every regular file in dir; `targets` 0 means "by name prefix". */
static void replay_dir(const char *dir, int targets)
{
    DIR *d = opendir(dir);
    struct dirent *de;

    if (!d) return;
    while ((de = readdir(d))) {
        char path[1024];
        int t = targets;

        if (de->d_name[0] == '.') continue;
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        if (!t) {
            if (strncmp(de->d_name, "hf-", 3) == 0) t = T_HF;
            else if (strncmp(de->d_name, "gguf-", 5) == 0) t = T_GGUF;
            else if (strncmp(de->d_name, "cfg-", 4) == 0) t = T_CFG;
            else t = T_HF | T_GGUF | T_CFG;
        }
        replay_file(path, t);
    }
    closedir(d);
}

START_TEST(t_corpus_hf)
{
    replay_dir(RL_SOURCE_DIR "/fuzz/corpus/hf", T_HF | T_GGUF);
}
END_TEST

START_TEST(t_corpus_gguf)
{
    replay_dir(RL_SOURCE_DIR "/fuzz/corpus/gguf", T_GGUF | T_HF);
}
END_TEST

START_TEST(t_corpus_cfg)
{
    replay_dir(RL_SOURCE_DIR "/fuzz/corpus/cfg", T_CFG);
}
END_TEST

START_TEST(t_crashers)
{
    replay_dir(RL_TEST_DATA "/crashers", 0);
}
END_TEST

START_TEST(t_some_files_replayed)
{
    n_files = 0;
    replay_dir(RL_SOURCE_DIR "/fuzz/corpus/gguf", T_GGUF);
    ck_assert_int_gt(n_files, 10);          /* the seeds at least */
}
END_TEST

int main(void)
{
    rl_err ce;
    int failed;

    replay_cat = rl_catalog_open(NULL, &ce);
    Suite *s = suite_create("fuzz_replay");
    TCase *tc = tcase_create("replay");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, t_corpus_hf);
    tcase_add_test(tc, t_corpus_gguf);
    tcase_add_test(tc, t_corpus_cfg);
    tcase_add_test(tc, t_crashers);
    tcase_add_test(tc, t_some_files_replayed);
    suite_add_tcase(s, tc);
    failed = rl_test_run(s);
    rl_catalog_free(replay_cat);
    return failed;
}
