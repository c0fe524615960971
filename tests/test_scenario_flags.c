/*
 * test_scenario_flags.c -- scenarios from command-line flags
 * (rl_scenario_from_flags): a flag run must be the same scenario as the
 * equivalent file, and solve to the same ranking; lists, aliases
 * (--isl, --tensor-parallel-size, --kv-cache-dtype fp8_e4m3), the
 * concurrency scalar/list split, and errors that name the flag typed.
 */
#include <check.h>
#include "testutil.h"
#include <string.h>

#include "scenario.h"
#include "solver.h"

static rl_catalog *cat;

static void setup(void) { cat = rl_test_catalog(); }
static void teardown(void) { rl_catalog_free(cat); }

static rl_scenario *from_flags(const char *const *argv, int argc)
{
    rl_err e;
    rl_scenario *s = NULL;
    rl_err_clear(&e);
    int rc = rl_scenario_from_flags(argc, argv, cat, &s, &e);
    ck_assert_msg(rc == RL_OK, "flags: %s", e.msg);
    return s;
}

static rl_scenario *from_text(const char *text)
{
    rl_err e;
    rl_scenario *s = NULL;
    rl_err_clear(&e);
    int rc = rl_scenario_load_string(text, "s.cfg", cat, &s, &e);
    ck_assert_msg(rc == RL_OK, "file: %d: %s", e.line, e.msg);
    return s;
}

/* The error text of a flag run that must fail. */
static const char *flag_err(const char *const *argv, int argc)
{
    static rl_err e;
    rl_scenario *s = NULL;
    rl_err_clear(&e);
    ck_assert_int_eq(rl_scenario_from_flags(argc, argv, cat, &s, &e), RL_EINPUT);
    ck_assert_ptr_null(s);
    ck_assert_str_eq(e.file, "");       /* printed as "ridgeline: error: ..." */
    return e.msg;
}

/* Equal scenarios apart from where they came from. */
static void same_scenario(const rl_scenario *a, const rl_scenario *b)
{
    rl_scenario x = *a, y = *b;
    memset(x.path, 0, sizeof x.path);  memset(y.path, 0, sizeof y.path);
    memset(x.name, 0, sizeof x.name);  memset(y.name, 0, sizeof y.name);
    x.objective_line = y.objective_line = 0;
    ck_assert_str_eq(x.dir, y.dir);
    ck_assert_msg(memcmp(&x, &y, sizeof x) == 0, "scenarios differ");
}

static void same_solution(const rl_scenario *a, const rl_scenario *b)
{
    rl_solve_opts o;
    rl_solve_result ra, rb;
    rl_err e;
    rl_solve_opts_init(&o);
    ck_assert_int_eq(rl_solve(a, cat, &o, &ra, &e), RL_OK);
    ck_assert_int_eq(rl_solve(b, cat, &o, &rb, &e), RL_OK);
    ck_assert_int_eq(ra.candidates, rb.candidates);
    ck_assert_int_eq(ra.feasible, rb.feasible);
    ck_assert_int_gt(ra.n_ranked, 0);
    ck_assert_int_eq(ra.n_ranked, rb.n_ranked);
    for (int i = 0; i < ra.n_ranked; i++) {
        ck_assert_ptr_eq(ra.ranked[i].cfg.rt, rb.ranked[i].cfg.rt);
        ck_assert_ptr_eq(ra.ranked[i].cfg.quant, rb.ranked[i].cfg.quant);
        ck_assert_ptr_eq(ra.ranked[i].cfg.kv, rb.ranked[i].cfg.kv);
        ck_assert_int_eq(ra.ranked[i].cfg.tp, rb.ranked[i].cfg.tp);
        ck_assert_int_eq(ra.ranked[i].cfg.pp, rb.ranked[i].cfg.pp);
        ck_assert_int_eq(ra.ranked[i].cfg.concurrency, rb.ranked[i].cfg.concurrency);
        ck_assert_double_eq(ra.ranked[i].score, rb.ranked[i].score);
    }
    rl_solve_result_free(&ra);
    rl_solve_result_free(&rb);
}

START_TEST(same_as_the_file)
{
    /* aiconfigurator's three-argument shape, with vLLM spellings */
    const char *argv[] = {"--model", "llama-3.1-70b", "--hardware", "h100-sxm", "--devices", "8",
                    "--isl", "4096", "--osl=512", "--ttft", "1500", "--tpot", "60",
                    "--runtimes", "vllm,sglang", "--tensor-parallel-size", "2,4,8",
                    "--kv-cache-dtype", "auto,fp8_e4m3", "--concurrency", "1,8"};
    const char *text =
        "model = \"llama-3.1-70b\"; hardware = \"h100-sxm\"; devices = 8;\n"
        "runtimes = [\"vllm\", \"sglang\"];\n"
        "workload = { prompt_tokens = 4096; output_tokens = 512; };\n"
        "requirements = { ttft_ms_p95 = 1500.0; tpot_ms_p95 = 60.0; };\n"
        "search = { tp = [8, 2, 4]; kv_dtype = [\"fp16\", \"fp8\"]; concurrency = [1, 8]; };\n";
    rl_scenario *a = from_flags(argv, (int)(sizeof argv / sizeof *argv));
    rl_scenario *b = from_text(text);
    ck_assert_str_eq(a->name, "command-line");
    ck_assert_int_eq(a->n_tp, 3);
    ck_assert_int_eq(a->tp[0], 2);          /* sorted like a file's axis */
    ck_assert_str_eq(a->kv[1]->id, "fp8");
    ck_assert_int_eq(a->concurrency, 1);    /* a list is the search axis */
    same_scenario(a, b);
    same_solution(a, b);
    rl_scenario_free(a);
    rl_scenario_free(b);
}
END_TEST

START_TEST(defaults_are_the_loaders)
{
    const char *argv[] = {"--model", "llama-3.1-8b", "--hardware", "rtx-4090", "--concurrency", "4",
                    "--prompt", "1024", "--max-model-len", "8192"};
    rl_scenario *a = from_flags(argv, 10);
    rl_scenario *b = from_text("model = \"llama-3.1-8b\"; hardware = \"rtx-4090\";\n"
                               "workload = { concurrency = 4; prompt_tokens = 1024; };\n"
                               "requirements = { context_tokens = 8192; };\n");
    ck_assert_int_eq(a->output_tokens, 128);
    ck_assert_int_eq(a->top, 5);
    ck_assert_int_eq(a->concurrency, 4);
    ck_assert_int_eq(a->n_conc, 0);
    ck_assert_int_eq(rl_scenario_context(a), 8192);
    same_scenario(a, b);
    same_solution(a, b);
    rl_scenario_free(a);
    rl_scenario_free(b);
}
END_TEST

START_TEST(errors_name_the_flag)
{
    const char *tp0[] = {"--model", "llama-3.1-8b", "--hardware", "rtx-4090", "-tp", "1,0"};
    ck_assert_str_eq(flag_err(tp0, 6), "-tp values must be between 1 and 1024, got 0");
    const char *conc[] = {"--model", "llama-3.1-8b", "--hardware", "rtx-4090", "--concurrency", "0"};
    ck_assert_str_eq(flag_err(conc, 6), "--concurrency must be between 1 and 65536, got 0");
    const char *ttft[] = {"--model", "llama-3.1-8b", "--hardware", "rtx-4090", "--ttft", "abc"};
    ck_assert_str_eq(flag_err(ttft, 6), "--ttft expects a number, got 'abc'");
    const char *twice[] = {"--model", "llama-3.1-8b", "--hardware", "rtx-4090", "--tp", "2",
                     "--tensor-parallel-size", "4"};
    ck_assert_str_eq(flag_err(twice, 8), "--tensor-parallel-size: '--tp' is already set "
                                         "by an earlier flag (give lists as a,b,c)");
    const char *nohw[] = {"--model", "llama-3.1-8b"};
    ck_assert_str_eq(flag_err(nohw, 2), "solve needs --hardware ID (or --hardware-file FILE) "
                                        "with its flags, or a scenario file");
    const char *noval[] = {"--model", "llama-3.1-8b", "--hardware"};
    ck_assert_str_eq(flag_err(noval, 3), "--hardware needs a value");
    const char *empty[] = {"--model", "llama-3.1-8b", "--hardware", "rtx-4090", "--quant", "q4_0,"};
    ck_assert_str_eq(flag_err(empty, 6), "--quant: empty item in 'q4_0,'");
    ck_assert_int_eq(rl_scenario_is_flag("--isl=4096"), 1);
    ck_assert_int_eq(rl_scenario_is_flag("-pp"), 1);
    ck_assert_int_eq(rl_scenario_is_flag("--top"), 0);     /* solve's own */
    ck_assert_int_eq(rl_scenario_is_flag("--model-files"), 0);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("scenario_flags");
    TCase *t = tcase_create("core");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_set_timeout(t, 60);
    tcase_add_test(t, same_as_the_file);
    tcase_add_test(t, defaults_are_the_loaders);
    tcase_add_test(t, errors_name_the_flag);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return rl_test_run(suite());
}
