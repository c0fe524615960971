/*
 * test_scenario.c -- scenario files (scenarios/scenario.h): defaults,
 * every key kind, relative model/hardware files, and the exact error
 * texts with their line numbers.
 */
#include <check.h>
#include "testutil.h"
#include <string.h>

#include "scenario.h"

static rl_catalog *cat;

static void setup(void)
{
    cat = rl_test_catalog();
}

static void teardown(void) { rl_catalog_free(cat); }

/* Load text; return the error text ("" on success) as "line: msg". */
static const char *load_err(const char *text)
{
    static char out[700];
    rl_err e;
    rl_scenario *s = NULL;
    rl_err_clear(&e);
    int rc = rl_scenario_load_string(text, "s.cfg", cat, &s, &e);
    if (rc == RL_OK) {
        rl_scenario_free(s);
        return "";
    }
    ck_assert_ptr_null(s);
    ck_assert_int_eq(rc, e.code);
    snprintf(out, sizeof out, "%d: %s", e.line, e.msg);
    return out;
}

#define BASE "model = \"llama-3.1-8b\";\nhardware = \"rtx-4090\";\n"

START_TEST(defaults)
{
    rl_err e;
    rl_scenario *s = NULL;
    ck_assert_int_eq(rl_scenario_load_string(BASE, "s.cfg", cat, &s, &e), RL_OK);
    ck_assert_str_eq(s->model_id, "llama-3.1-8b");
    ck_assert_str_eq(s->hw_id, "rtx-4090");
    ck_assert_int_eq(s->devices, 1);
    ck_assert_int_eq(s->n_runtimes, rl_catalog_count(cat, RL_CAT_RUNTIME) < RL_SCN_MAX_RT
                                        ? rl_catalog_count(cat, RL_CAT_RUNTIME) : RL_SCN_MAX_RT);
    ck_assert_int_eq(s->mode, RL_MODE_DECODE);
    ck_assert_int_eq(s->prompt_tokens, 512);
    ck_assert_int_eq(s->output_tokens, 128);
    ck_assert_int_eq(s->concurrency, 1);
    ck_assert_int_eq(s->top, 5);
    ck_assert_int_eq(s->n_quant + s->n_kv + s->n_tp + s->n_pp + s->n_cap + s->n_offload +
                         s->n_window, 0);
    /* no concurrency named: the search tries 1, 2, 4 ... 256 */
    ck_assert_int_eq(s->concurrency_searched, 1);
    ck_assert_int_eq(s->n_conc, 9);
    for (int i = 0; i < s->n_conc; i++) ck_assert_int_eq(s->concurrency_axis[i], 1 << i);
    {   /* a named concurrency, or a prefill workload: no axis */
        rl_scenario *t = NULL;
        ck_assert_int_eq(rl_scenario_load_string(BASE "workload = { concurrency = 8; };\n",
                                                 "t.cfg", cat, &t, &e), RL_OK);
        ck_assert_int_eq(t->n_conc + t->concurrency_searched, 0);
        ck_assert_int_eq(t->concurrency, 8);
        rl_scenario_free(t);
        ck_assert_int_eq(rl_scenario_load_string(BASE "workload = { mode = \"prefill\"; };\n",
                                                 "t.cfg", cat, &t, &e), RL_OK);
        ck_assert_int_eq(t->n_conc + t->concurrency_searched, 0);
        rl_scenario_free(t);
    }
    ck_assert_int_eq(rl_scenario_context(s), 640);
    ck_assert_str_eq(s->objective, "");
    ck_assert_int_eq(s->n_rep, 0);                  /* every copy that fits */
    ck_assert(s->mem_util == 0);                    /* the runtime's own */
    ck_assert(s->req.max_quality_loss == RL_SCN_QUALITY_DEFAULT);
    rl_scenario_free(s);
    rl_scenario_free(NULL);
    ck_assert_int_eq(rl_scenario_load_string(BASE "gpu_memory_utilization = 0.8;\n"
                                             "search = { replicas = [4, 1, 4]; };\n"
                                             "requirements = { max_quality_loss = 60.0; };\n",
                                             "s.cfg", cat, &s, &e), RL_OK);
    ck_assert(s->mem_util == 0.8 && s->req.max_quality_loss == 60.0);
    ck_assert_int_eq(s->n_rep, 2);
    ck_assert_int_eq(s->replicas[0], 1);
    ck_assert_int_eq(s->replicas[1], 4);
    rl_scenario_free(s);
}
END_TEST

/* search.ep: integers, sorted and de-duplicated like the other axes;
 * search.dp_attention: one boolean or a list of them, nothing else. */
START_TEST(moe_parallel_keys)
{
    rl_err e;
    rl_scenario *s = NULL;
    ck_assert_int_eq(rl_scenario_load_string(BASE "search = { ep = [8, 1, 8]; "
                                             "dp_attention = [true, false, true]; };\n",
                                             "s.cfg", cat, &s, &e), RL_OK);
    ck_assert_int_eq(s->n_ep, 2);
    ck_assert_int_eq(s->ep[0], 1);
    ck_assert_int_eq(s->ep[1], 8);
    ck_assert_int_eq(s->n_dpa, 2);
    rl_scenario_free(s);
    ck_assert_int_eq(rl_scenario_load_string(BASE "search = { dp_attention = true; };\n",
                                             "s.cfg", cat, &s, &e), RL_OK);
    ck_assert_int_eq(s->n_dpa, 1);
    ck_assert_int_eq(s->dp_attention[0], 1);
    ck_assert_int_eq(s->n_ep, 0);
    rl_scenario_free(s);
    ck_assert_str_eq(load_err(BASE "search = { dp_attention = 1; };\n"),
                     "3: search.dp_attention values must be true or false");
    ck_assert_str_eq(load_err(BASE "search = { ep = [0]; };\n"),
                     "3: search.ep values must be between 1 and 4096, got 0");
}
END_TEST

START_TEST(full_file)
{
    rl_err e;
    rl_scenario *s = NULL;
    const char *t = "name = \"x\";\n" BASE "devices = 2;\n"
                    "runtimes = [\"vllm\", \"llama.cpp\", \"vllm\"];\n"
                    "workload = { mode = \"prefill\"; prompt_tokens = 8192; output_tokens = 512;"
                    " concurrency = 8; };\n"
                    "requirements = { ttft_ms_p95 = 1500; tpot_ms_p95 = 100.0;"
                    " min_decode_tok_s = 10.0; power_w_max = 900.0; ambient_c = 35.0;"
                    " deterministic = false; context_tokens = 8704; };\n"
                    "search = { quant = [\"fp16\", \"awq-int4\"]; kv_dtype = \"fp8\";"
                    " tp = [2, 1, 2]; pp = 1; context_cap = [16384, 8192];"
                    " offload = [\"partial\", \"none\"]; sliding_window = [0, 4096];"
                    " concurrency = [16, 1, 4, 8]; };\n"
                    "objective = \"latency\";\ntop = 3;\n";
    ck_assert_int_eq(rl_scenario_load_string(t, "s.cfg", cat, &s, &e), RL_OK);
    ck_assert_str_eq(s->name, "x");
    ck_assert_int_eq(s->devices, 2);
    ck_assert_int_eq(s->n_runtimes, 2);                 /* duplicate dropped */
    ck_assert_int_eq(s->mode, RL_MODE_PREFILL);
    ck_assert_int_eq(s->output_tokens, 0);              /* prefill: no decode */
    ck_assert(rl_feq(s->req.ttft_ms_p95, 1500));        /* integer accepted as number */
    ck_assert_int_eq(s->req.context_tokens, 8704);
    ck_assert_int_eq(s->n_quant, 2);
    ck_assert_int_eq(s->n_kv, 1);                       /* scalar = one-element list */
    ck_assert_int_eq(s->n_tp, 2);                       /* sorted, de-duplicated */
    ck_assert_int_eq(s->tp[0], 1);
    ck_assert_int_eq(s->tp[1], 2);
    ck_assert_int_eq(s->context_cap[0], 8192);
    ck_assert_int_eq(s->n_conc, 4);
    ck_assert_int_eq(s->concurrency_axis[3], 16);
    ck_assert_int_eq(s->n_offload, 2);
    ck_assert_str_eq(s->objective, "latency");
    ck_assert_int_eq(s->objective_line, 9);
    ck_assert_int_eq(s->top, 3);
    rl_scenario_free(s);
}
END_TEST

START_TEST(relative_files)
{
    rl_err e;
    rl_scenario *s = NULL;
    int rc = rl_scenario_load(RL_SOURCE_DIR "/tests/scenarios/tiny-files.cfg", cat, &s, &e);
    ck_assert_msg(rc == RL_OK, "%s:%d: %s", e.file, e.line, e.msg);
    ck_assert_str_eq(s->model_id, "tiny-test-model");
    ck_assert_str_eq(s->hw_id, "tiny-test-gpu");
    ck_assert_str_eq(s->name, "tiny-files");
    rl_scenario_free(s);
    rc = rl_scenario_load(RL_SOURCE_DIR "/tests/scenarios/tinyllama-hf.cfg", cat, &s, &e);
    ck_assert_msg(rc == RL_OK, "%s:%d: %s", e.file, e.line, e.msg);
    ck_assert_int_eq(s->model.layers, 22);              /* from config.json */
    ck_assert(s->weight_bytes == 0);                     /* not a GGUF */
    rl_scenario_free(s);
}
END_TEST

START_TEST(error_texts)
{
    ck_assert_str_eq(load_err(BASE "gpu_memory_utilization = 1.5;\n"),
                     "3: gpu_memory_utilization must be between 0.01 and 1, got 1.5");
    ck_assert_str_eq(load_err(BASE "requirements = { max_quality_loss = -1.0; };\n"),
                     "3: requirements.max_quality_loss must be between 0 and 100, got -1");
    ck_assert_str_eq(load_err(BASE "search = { replicas = [0]; };\n"),
                     "3: search.replicas values must be between 1 and 4096, got 0");
    ck_assert_str_eq(load_err(BASE "workload = { concurrency = 0; };\n"),
                     "3: workload.concurrency must be between 1 and 65536, got 0");
    ck_assert_str_eq(load_err(BASE "requirements = { tpot_ms_p59 = 1.0; };\n"),
                     "3: unknown key 'requirements.tpot_ms_p59' (did you mean "
                     "'requirements.tpot_ms_p95'?)");
    ck_assert_str_eq(load_err(BASE "serch = { tp = [1]; };\n"),
                     "3: unknown key 'serch' (did you mean 'search'?)");
    ck_assert_str_eq(load_err(BASE "search = { quant = [\"fp17\"]; };\n"),
                     "3: unknown quant 'fp17' (did you mean 'fp16'?)");
    ck_assert_str_eq(load_err("model = \"llama-3.1-9b\";\nhardware = \"rtx-4090\";\n"),
                     "1: unknown model 'llama-3.1-9b' (did you mean 'llama-3.1-8b'?)");
    ck_assert_str_eq(load_err(BASE "search = { tp = [0]; };\n"),
                     "3: search.tp values must be between 1 and 1024, got 0");
    ck_assert_str_eq(load_err(BASE "search = { tp = [1.5]; };\n"),
                     "3: search.tp expects integers");
    ck_assert_str_eq(load_err(BASE "search = { offload = [\"some\"]; };\n"),
                     "3: search.offload values are none, partial or full, got 'some'");
    ck_assert_str_eq(load_err(BASE "search = { tp = []; };\n"),
                     "3: search.tp must not be empty (omit it for the default)");
    ck_assert_str_eq(load_err(BASE "workload = { mode = \"chat\"; };\n"),
                     "3: workload.mode must be decode, prefill, encoder or streaming, "
                     "got 'chat'");
    ck_assert_str_eq(load_err(BASE "workload = { prompt_tokens = \"many\"; };\n"),
                     "3: workload.prompt_tokens expects an integer");
    ck_assert_str_eq(load_err(BASE "requirements = { power_w_max = -5.0; };\n"),
                     "3: requirements.power_w_max must be between 0 and 10000000, got -5");
    ck_assert_str_eq(load_err(BASE "requirements = { deterministic = 1; };\n"),
                     "3: requirements.deterministic expects true or false");
    ck_assert_str_eq(load_err(BASE "devices = 0;\n"),
                     "3: devices must be between 1 and 4096, got 0");
    ck_assert_str_eq(load_err(BASE "top = 5000;\n"), "3: top must be between 1 and 1000, got 5000");
    ck_assert_str_eq(load_err("hardware = \"rtx-4090\";\n"), "0: missing model (or model_file)");
    ck_assert_str_eq(load_err(BASE "model_file = \"x.json\";\n"),
                     "3: give model or model_file, not both");
    ck_assert_str_eq(load_err(BASE "runtime = \"vlm\";\n"),
                     "3: unknown runtime 'vlm' (did you mean 'vllm'?)");
    ck_assert_str_eq(load_err(BASE "workload = 5;\n"), "3: workload expects a group { ... }");
    ck_assert_str_eq(load_err(BASE "workload = { prompt_tokens = 0; output_tokens = 0; };\n"),
                     "3: workload needs prompt_tokens + output_tokens >= 1");
}
END_TEST

START_TEST(syntax_and_io)
{
    rl_err e;
    rl_scenario *s = (rl_scenario *)1;
    ck_assert_int_eq(rl_scenario_load("/nonexistent/x.cfg", cat, &s, &e), RL_EIO);
    ck_assert_ptr_null(s);
    ck_assert_str_eq(e.file, "/nonexistent/x.cfg");
    const char *m = load_err(BASE "devices = ;\nruntime = \"vllm\";\n");
    ck_assert_msg(strncmp(m, "3: syntax error", 15) == 0, "%s", m);
    ck_assert_str_eq(load_err(BASE "search = { quant = [1]; };\n"),
                     "3: search.quant expects a string");
    /* hostile sizes: never a crash, always a message */
    ck_assert_str_ne(load_err(BASE "workload = { prompt_tokens = 99999999999999; };\n"), "");
    ck_assert_str_ne(load_err(BASE "requirements = { ttft_ms_p95 = nan; };\n"), "");
}
END_TEST

START_TEST(names)
{
    ck_assert_str_eq(rl_workload_mode_name(RL_MODE_STREAMING), "streaming");
    ck_assert_str_eq(rl_offload_mode_name(RL_OFFLOAD_PARTIAL), "partial");
    ck_assert_str_eq(rl_offload_mode_name(7), "?");
}
END_TEST

/* workload.request_rate: the value, its bounds and type, the workloads it
 * needs; with it an unnamed concurrency is still the searched axis (the
 * batch cap), a named one stays the single cap. */
START_TEST(request_rate)
{
    rl_err e;
    rl_scenario *s = NULL;
    ck_assert_int_eq(rl_scenario_load_string(BASE "workload = { request_rate = 20.5; };\n",
                                             "s.cfg", cat, &s, &e), RL_OK);
    ck_assert(s->request_rate == 20.5);
    ck_assert_int_eq(s->concurrency_searched, 1);
    ck_assert_int_eq(s->concurrency_axis[s->n_conc - 1], RL_SCN_CONC_MAX);
    rl_scenario_free(s);
    ck_assert_int_eq(rl_scenario_load_string(BASE "workload = { request_rate = 3; "
                                             "concurrency = 16; };\n", "s.cfg", cat, &s, &e),
                     RL_OK);
    ck_assert(s->request_rate == 3);                /* an integer is a number too */
    ck_assert_int_eq(s->concurrency, 16);
    ck_assert_int_eq(s->concurrency_searched, 0);
    rl_scenario_free(s);
    ck_assert_int_eq(rl_scenario_load_string(BASE, "s.cfg", cat, &s, &e), RL_OK);
    ck_assert(s->request_rate == 0);                /* none unless asked */
    rl_scenario_free(s);

    ck_assert_str_eq(load_err(BASE "workload = { request_rate = 0.0; };\n"),
                     "3: workload.request_rate must be > 0 requests/s, got 0");
    ck_assert_str_eq(load_err(BASE "workload = { request_rate = -2.0; };\n"),
                     "3: workload.request_rate must be between 0 and 1000000, got -2");
    ck_assert_str_eq(load_err(BASE "workload = { request_rate = 2e6; };\n"),
                     "3: workload.request_rate must be between 0 and 1000000, got 2000000");
    ck_assert_str_eq(load_err(BASE "workload = { request_rate = \"fast\"; };\n"),
                     "3: workload.request_rate expects a number");
    ck_assert_str_eq(load_err(BASE "workload = { request_rate = [1.0]; };\n"),
                     "3: workload.request_rate expects a number");
    ck_assert_str_eq(load_err(BASE "workload = { mode = \"prefill\";\n request_rate = 1.0; };\n"),
                     "4: workload.request_rate needs a workload that generates (mode decode "
                     "or streaming, output_tokens >= 1)");
    ck_assert_str_eq(load_err(BASE "workload = { output_tokens = 0; request_rate = 1.0; };\n"),
                     "3: workload.request_rate needs a workload that generates (mode decode "
                     "or streaming, output_tokens >= 1)");
    ck_assert_str_eq(load_err(BASE "workload = { request_rates = 1.0; };\n"),
                     "3: unknown key 'workload.request_rates' (did you mean "
                     "'workload.request_rate'?)");
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("scenario");
    TCase *t = tcase_create("load");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, defaults);
    tcase_add_test(t, full_file);
    tcase_add_test(t, relative_files);
    tcase_add_test(t, error_texts);
    tcase_add_test(t, syntax_and_io);
    tcase_add_test(t, names);
    tcase_add_test(t, request_rate);
    tcase_add_test(t, moe_parallel_keys);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return rl_test_run(suite());
}
