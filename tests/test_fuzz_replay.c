/*
 * test_fuzz_replay.c -- replay the fuzz corpora and every saved crasher
 * through the parsers on each `make test`, so a bug the fuzzers once found
 * stays fixed even on machines without clang.
 *
 *   fuzz/corpus/hf/...   -> rl_import_hf_buf      (RL_OK or RL_EINPUT)
 *   fuzz/corpus/gguf/... -> rl_import_gguf_buf    (RL_OK or RL_EINPUT)
 *   fuzz/corpus/cfg/...  -> rl_arch_load_file, rl_hw_load_file,
 *                           rl_scenario_load, rl_plan_load and
 *                           rl_plan_load_string (RL_OK, RL_EINPUT or RL_EIO),
 *                           as fuzz_cfg.c: copied to input.cfg in the
 *                           fuzz/sandbox.h folder, @include inputs too
 *   fuzz/corpus/solve/...-> fuzz/solve_input.h: load and solve in the
 *                           same folder; its contract must hold
 *   fuzz/corpus/csv/...  -> split at the first "--" line into hardware.csv
 *                           and measurements.csv (fuzz/fuzz_csv.c), then
 *                           rl_meas_load (RL_OK, RL_EINPUT or RL_EIO); on
 *                           RL_OK every row has a finite value > 0 and
 *                           counts in the estimator's ranges, and its
 *                           rl_meas_predict_band is finite, lo <= p <= hi
 *                           when p > 0
 *   fuzz/corpus/api/...  -> fuzz/api_input.h: the JSON request mappings of
 *                           `serve` and the router (POST /v1/estimate,
 *                           /v1/signoff); its contract must hold
 *   fuzz/corpus/harness/... -> fuzz/harness_input.h: `harness import` of
 *                           the bytes (first byte: format) and each line
 *                           as a run record; its contract must hold
 *   tests/data/crashers/<target>-*  -> that target's parser; files without
 *                        a known prefix go through all of them.
 * Every file also goes through rl_import_file (the CLI's dispatch).  A
 * failure must always carry a message.  Corpus files are small (the fuzz
 * script caps them), so the whole replay takes a second or two.
 */
#include <check.h>
#include "testutil.h"
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "calibrate.h"
#include "catalog.h"
#include "hardware.h"
#include "import.h"
#include "procure.h"
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

enum { T_HF = 1, T_GGUF = 2, T_CFG = 4, T_CSV = 8, T_SOLVE = 16, T_API = 32, T_HARNESS = 64 };

static int n_files;
static rl_catalog *replay_cat;  /* for scenario and CSV replays; NULL skips them */
static char csv_dir[64];        /* private folder for the CSV replays */

#include "../fuzz/csv_input.h"   /* fuzz_csv.c's input split and hardware.csv */
#include "../fuzz/solve_input.h" /* fuzz_solve.c's contract (and sandbox.h) */
#include "../fuzz/api_input.h"   /* fuzz_api.c's contract */
#include "../fuzz/harness_input.h" /* fuzz_harness.c's contract */

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

static void write_part(const char *name, const unsigned char *b, size_t n)
{
    char p[128];
    FILE *f;

    snprintf(p, sizeof p, "%s/%s", csv_dir, name);
    f = fopen(p, "wb");
    ck_assert_msg(f != NULL, "cannot write %s", p);
    if (n) ck_assert_uint_eq(fwrite(b, 1, n, f), n);
    ck_assert_int_eq(fclose(f), 0);
}

/* The fuzz_csv.c contract: split, load, predict every loaded row. */
static void replay_csv(const unsigned char *b, size_t n, const char *path)
{
    const unsigned char *hw, *meas;
    size_t nhw, nmeas;
    rl_meas_set s;
    rl_err e;
    int rc;

    csv_split(b, n, &hw, &nhw, &meas, &nmeas);
    write_part("hardware.csv", hw, nhw);
    write_part("measurements.csv", meas, nmeas);
    memset(&e, 0, sizeof e);
    rc = rl_meas_load(csv_dir, replay_cat, &s, &e);
    expect(rc, &e, 1, "rl_meas_load", path);
    if (rc != RL_OK) return;
    for (int i = 0; i < s.n; i++) {
        const rl_meas *m = &s.m[i];
        ck_assert_msg(m->value > 0 && isfinite(m->value), "%s: line %d: value %g", path,
                      m->line, m->value);
        ck_assert_msg(m->cfg.devices >= 1 && m->cfg.devices <= 65536 && m->cfg.prompt >= 0 &&
                      m->cfg.prompt <= 100000000L && m->cfg.output >= 0 &&
                      m->cfg.output <= 100000000L && m->gen >= 0 && m->gen <= 100000000L &&
                      m->batch >= 0 && m->batch <= 1000000 && m->qps >= 0 && m->qps < 1e6,
                      "%s: line %d: counts out of range", path, m->line);
    }
    for (int i = 0; i < s.n; i++) {
        double lo = -1, hi = -1, p = rl_meas_predict_band(&s.m[i], &lo, &hi);
        ck_assert_msg(isfinite(p) && isfinite(lo) && isfinite(hi),
                      "%s: row at line %d: p %g [%g, %g]", path, s.m[i].line, p, lo, hi);
        ck_assert_msg(p <= 0 || (lo <= p && p <= hi),
                      "%s: row at line %d: p %g outside [%g, %g]", path, s.m[i].line, p, lo, hi);
    }
    rl_meas_free(&s);
}

/* The plan loader, as fuzz_cfg.c drives it: from input.cfg, then from
 * the bytes up to the first NUL. */
static void replay_plan(const unsigned char *b, size_t n, const char *path)
{
    rl_plan *p = NULL;
    char *text = malloc(n + 1);
    rl_err e;
    int rc;

    ck_assert_ptr_nonnull(text);
    memset(&e, 0, sizeof e);
    rc = rl_plan_load("input.cfg", replay_cat, &p, &e);
    expect(rc, &e, 1, "rl_plan_load", path);
    ck_assert_msg((rc == RL_OK) == (p != NULL), "rl_plan_load(%s): *out vs status", path);
    rl_plan_free(p);
    memcpy(text, b, n);
    text[n] = '\0';
    memset(&e, 0, sizeof e);
    rc = rl_plan_load_string(text, "input.cfg", replay_cat, &p, &e);
    expect(rc, &e, 0, "rl_plan_load_string", path);
    ck_assert_msg((rc == RL_OK) == (p != NULL), "rl_plan_load_string(%s): *out vs status",
                  path);
    rl_plan_free(p);
    free(text);
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
    if ((targets & T_CSV) && replay_cat) replay_csv(b, n, path);
    /* libconfig follows @include: only inside the sandbox, as the fuzzers */
    int includes = contains(b, n, "@include");
    if ((targets & T_CFG) && sb_allowed(b, n)) {
        ck_assert_int_eq(sb_put("input.cfg", b, n), 0);
        memset(&e, 0, sizeof e);
        rc = rl_arch_load_file("input.cfg", &a, &e);
        expect(rc, &e, 1, "rl_arch_load_file", path);
        memset(&e, 0, sizeof e);
        rc = rl_hw_load_file("input.cfg", &h, &e);
        expect(rc, &e, 1, "rl_hw_load_file", path);
        if (replay_cat) {       /* the scenario loader, as fuzz_cfg.c drives it */
            rl_scenario *s = NULL;
            memset(&e, 0, sizeof e);
            rc = rl_scenario_load("input.cfg", replay_cat, &s, &e);
            expect(rc, &e, 1, "rl_scenario_load", path);
            rl_scenario_free(s);
            replay_plan(b, n, path);
        }
    }
    if ((targets & T_API) && replay_cat) {
        const char *broken = api_input(b, n, replay_cat);
        ck_assert_msg(broken == NULL, "%s: %s", path, broken);
    }
    if (targets & T_HARNESS) {
        const char *broken = harness_input(b, n);
        ck_assert_msg(broken == NULL, "%s: %s", path, broken);
    }
    if ((targets & T_SOLVE) && replay_cat && sb_allowed(b, n)) {
        const char *broken = solve_input(b, n, replay_cat);
        ck_assert_msg(broken == NULL, "%s: %s", path, broken);
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
            else if (strncmp(de->d_name, "csv-", 4) == 0) t = T_CSV;
            else if (strncmp(de->d_name, "solve-", 6) == 0) t = T_SOLVE;
            else if (strncmp(de->d_name, "api-", 4) == 0) t = T_API;
            else if (strncmp(de->d_name, "harness-", 8) == 0) t = T_HARNESS;
            else t = T_HF | T_GGUF | T_CFG | T_CSV | T_SOLVE | T_API | T_HARNESS;
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

START_TEST(t_corpus_solve)
{
    n_files = 0;
    replay_dir(RL_SOURCE_DIR "/fuzz/corpus/solve", T_SOLVE);
    ck_assert_int_gt(n_files, 5);           /* the seeds at least */
}
END_TEST

START_TEST(t_corpus_api)
{
    n_files = 0;
    replay_dir(RL_SOURCE_DIR "/fuzz/corpus/api", T_API);
    ck_assert_int_gt(n_files, 5);           /* the seeds at least */
}
END_TEST

START_TEST(t_corpus_harness)
{
    n_files = 0;
    replay_dir(RL_SOURCE_DIR "/fuzz/corpus/harness", T_HARNESS);
    ck_assert_int_gt(n_files, 5);           /* the seeds at least */
}
END_TEST

START_TEST(t_corpus_csv)
{
    replay_dir(RL_SOURCE_DIR "/fuzz/corpus/csv", T_CSV);
}
END_TEST

/* What the replay contract cannot see: a count that used to wrap (atoi of
 * 2^62 gave 0 devices, loaded as 1) must skip the row, not load a wrong
 * one.  The first row is a control. */
START_TEST(t_csv_wrapped_count)
{
    static const char hw[] = "hardware,id\nNVIDIA H100 SXM 80GB,h100-sxm\n";
    static const char meas[] =
        "source_id,model,params_b,quant,runtime,hardware,n_devices,batch,prompt_tokens,"
        "gen_tokens,metric,value,unit,notes\n"
        "T,Llama-3.1-8B,8.03,BF16,TensorRT-LLM,NVIDIA H100 SXM 80GB,4,1,0,128,decode_tok_s,"
        "100,tok/s/GPU,\n"
        "T,Llama-3.1-8B,8.03,BF16,TensorRT-LLM,NVIDIA H100 SXM 80GB,4611686018427387904,1,"
        "0,128,decode_tok_s,100,tok/s/GPU,\n"
        "T,Llama-3.1-8B,8.03,BF16,TensorRT-LLM,NVIDIA H100 SXM 80GB,1,4294967297,0,128,"
        "decode_tok_s,100,tok/s,\n";
    rl_meas_set s;
    rl_err e;

    ck_assert_ptr_nonnull(replay_cat);
    write_part("hardware.csv", (const unsigned char *)hw, sizeof hw - 1);
    write_part("measurements.csv", (const unsigned char *)meas, sizeof meas - 1);
    memset(&e, 0, sizeof e);
    ck_assert_int_eq(rl_meas_load(csv_dir, replay_cat, &s, &e), RL_OK);
    ck_assert_int_eq(s.n, 1);
    ck_assert_int_eq(s.skipped, 2);
    ck_assert_int_eq(s.m[0].cfg.devices, 4);
    ck_assert(s.m[0].value == 400);
    rl_meas_free(&s);
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
    if (sb_enter() != 0) {      /* the fuzzers' folder; every path here is absolute */
        perror("sandbox");
        return 1;
    }
    snprintf(csv_dir, sizeof csv_dir, "/tmp/rl-replay-csv-XXXXXX");
    if (!mkdtemp(csv_dir)) {
        perror(csv_dir);
        return 1;
    }
    Suite *s = suite_create("fuzz_replay");
    TCase *tc = tcase_create("replay");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, t_corpus_hf);
    tcase_add_test(tc, t_corpus_gguf);
    tcase_add_test(tc, t_corpus_cfg);
    tcase_add_test(tc, t_corpus_csv);
    tcase_add_test(tc, t_corpus_solve);
    tcase_add_test(tc, t_corpus_api);
    tcase_add_test(tc, t_corpus_harness);
    tcase_add_test(tc, t_csv_wrapped_count);
    tcase_add_test(tc, t_crashers);
    tcase_add_test(tc, t_some_files_replayed);
    suite_add_tcase(s, tc);
    failed = rl_test_run(s);
    rl_catalog_free(replay_cat);
    {
        char p[128];
        snprintf(p, sizeof p, "%s/hardware.csv", csv_dir);
        unlink(p);
        snprintf(p, sizeof p, "%s/measurements.csv", csv_dir);
        unlink(p);
        rmdir(csv_dir);
    }
    sb_leave();
    return failed;
}
