/*
 * test_api.c -- the HTTP-free half of `ridgeline serve` (cli/api.h):
 * request bodies -> rl_estspec / rl_scenario (and that they give what the
 * CLI's flags and the scenario file give), the error paths with their
 * field paths and suggestions, the JSON -> libconfig emitter, the run
 * record store (torn tails, corrupt lines, duplicates) and the router.
 */
#include <check.h>
#include "testutil.h"

#include <fcntl.h>
#include <libconfig.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api.h"
#include "cli.h"

static rl_catalog *cat;

static void setup(void) { cat = rl_test_catalog(); }
static void teardown(void) { rl_catalog_free(cat); }

/* Map a request; returns the HTTP status (0 ok) and keeps the error. */
static rl_api_error last;
static cJSON *req_doc;
static int map(const char *json, rl_api_est *out)
{
    cJSON_Delete(req_doc);
    req_doc = cJSON_Parse(json);
    ck_assert_msg(req_doc != NULL, "test JSON: %s", json);
    memset(&last, 0, sizeof last);
    return rl_api_estimate_spec(req_doc, cat, out, &last);
}

/* The CLI's estimate --json text for a spec. */
static char *cli_json(const rl_estspec *s)
{
    rl_arch arch;
    rl_hw hw;
    rl_config c, shown;
    rl_quant fq;
    rl_estimate e;
    rl_err err;
    char said[512];
    rl_err_clear(&err);
    ck_assert_int_eq(rl_estspec_resolve(s, cat, &arch, &hw, &fq, &c, said, sizeof said, &err),
                     RL_OK);
    ck_assert_int_eq(rl_estimate_run(&c, &e, &err), RL_OK);
    rl_estspec_note(&e, said);
    rl_config_normalise(&c, &shown, NULL, 0, NULL);
    cJSON *j = rl_estimate_json(&shown, &e);
    char *t = cJSON_PrintUnformatted(j);
    cJSON_Delete(j);
    return t;
}

START_TEST(estimate_maps_like_the_flags)
{
    rl_api_est in;
    rl_estspec flags;
    /* --model llama-3.1-8b --hardware rtx-4090 --devices 2 --runtime vllm
     * --quant awq-int4 --prompt 2048 --output 300 --concurrency 8 --tp 2 */
    rl_estspec_init(&flags);
    flags.model = "llama-3.1-8b"; flags.hw = "rtx-4090"; flags.devices = 2;
    flags.devices_set = 1; flags.runtime = "vllm"; flags.quant = "awq-int4";
    flags.prompt = 2048; flags.output = 300; flags.conc = 8; flags.tp = 2;
    ck_assert_int_eq(map("{\"model_id\":\"llama-3.1-8b\",\"runtime_id\":\"vllm\","
                         "\"hardware\":{\"hardware_id\":\"rtx-4090\",\"count\":2},"
                         "\"quant\":\"awq-int4\",\"tp\":2,\"workload\":{\"context_tokens\":2048,"
                         "\"output_tokens\":300,\"concurrency\":8}}", &in), 0);
    ck_assert_int_eq(in.spec.prompt, 2048);
    ck_assert_int_eq(in.spec.conc, 8);
    ck_assert_int_eq(in.spec.devices_set, 1);
    char *a = cli_json(&flags), *b = cli_json(&in.spec);
    ck_assert_str_eq(a, b);
    free(a);
    free(b);
}
END_TEST

START_TEST(estimate_defaults_are_the_clis)
{
    rl_api_est in;
    rl_estspec flags;
    rl_estspec_init(&flags);
    flags.model = "qwen2.5-7b";
    flags.hw = "rtx-4090";
    ck_assert_int_eq(map("{\"model_id\":\"qwen2.5-7b\",\"hardware\":{\"hardware_id\":\"rtx-4090\"}}",
                         &in), 0);
    ck_assert_int_eq(in.spec.prompt, 512);
    ck_assert_int_eq(in.spec.output, 128);
    ck_assert_int_eq(in.spec.devices_set, 0);
    ck_assert_ptr_null(in.spec.runtime);
    char *a = cli_json(&flags), *b = cli_json(&in.spec);
    ck_assert_str_eq(a, b);
    free(a);
    free(b);
}
END_TEST

START_TEST(estimate_inline_profile)
{
    rl_api_est in;
    ck_assert_int_eq(map("{\"model_id\":\"llama-3.1-8b\",\"hardware\":{\"id\":\"my-card\","
                         "\"class\":\"gpu\",\"count\":2,\"memory\":[{\"tier\":\"gddr\","
                         "\"capacity_gib\":24.0,\"bandwidth_gbps\":1000}],"
                         "\"compute\":{\"fp16_tflops\":150}}}", &in), 0);
    ck_assert_ptr_eq(in.spec.hw_inline, &in.hw);
    ck_assert_str_eq(in.hw.id, "my-card");
    ck_assert_int_eq(in.hw.count, 2);
    ck_assert(rl_feq(in.hw.tiers[0].bandwidth_gbps, 1000));
    /* a bad value deep inside names its path */
    ck_assert_int_eq(map("{\"model_id\":\"llama-3.1-8b\",\"hardware\":{\"id\":\"x\","
                         "\"class\":\"gpu\",\"memory\":[{\"tier\":\"gddr\","
                         "\"capacity_gib\":-3,\"bandwidth_gbps\":1000}],"
                         "\"compute\":{\"fp16_tflops\":150}}}", &in), 400);
    ck_assert_str_eq(last.field, "hardware.memory[0].capacity_gib");
}
END_TEST

START_TEST(estimate_errors_name_the_field)
{
    rl_api_est in;
    static const struct { const char *json; int http; const char *field, *sug; } cases[] = {
        {"[1,2]", 400, "", ""},
        {"{\"hardware\":{\"hardware_id\":\"rtx-4090\"}}", 400, "model_id", ""},
        {"{\"model_id\":7}", 400, "model_id", ""},
        {"{\"model_id\":\"llama-3.1-8b\"}", 400, "hardware", ""},
        {"{\"model_id\":\"llama-3.1-8b\",\"hardware\":{\"hardware_id\":\"rtx-4090\"},"
         "\"workload\":{\"concurrency\":\"8\"}}", 400, "workload.concurrency", ""},
        {"{\"model_id\":\"llama-3.1-8b\",\"hardware\":{\"hardware_id\":\"rtx-4090\"},"
         "\"workload\":{\"concurrency\":0}}", 400, "workload.concurrency", ""},
        {"{\"model_id\":\"llama-3.1-8b\",\"hardware\":{\"hardware_id\":\"rtx-4090\"},"
         "\"tp\":1.5}", 400, "tp", ""},
        {"{\"model_id\":\"llama-3.1-8b\",\"hardware\":{\"hardware_id\":\"rtx-4090\"},"
         "\"workloda\":{}}", 400, "workloda", "workload"},
        {"{\"model_id\":\"llama-3.1-8b\",\"hardware\":{\"hardware_id\":\"rtx-4090\","
         "\"count\":\"2\"}}", 400, "hardware.count", ""},
        {"{\"model_id\":\"llama-3.1-8bb\",\"hardware\":{\"hardware_id\":\"rtx-4090\"}}",
         422, "model_id", "llama-3.1-8b"},
        {"{\"model_id\":\"llama-3.1-8b\",\"hardware\":{\"hardware_id\":\"rtx-4909\"}}",
         422, "hardware.hardware_id", "rtx-4090"},
        {"{\"model_id\":\"llama-3.1-8b\",\"runtime_id\":\"vlm\",\"hardware\":"
         "{\"hardware_id\":\"rtx-4090\"}}", 422, "runtime_id", "vllm"},
        {"{\"model_id\":\"llama-3.1-8b\",\"quant\":\"q4_k_n\",\"hardware\":"
         "{\"hardware_id\":\"rtx-4090\"}}", 422, "quant", "q4_k_m"},
        {"{\"model_id\":\"llama-3.1-8b\",\"hardware\":{\"hardware_id\":\"rtx-4090\"},"
         "\"workload\":{\"context_tokens\":1,\"prompt_tokens\":1}}", 400,
         "workload.prompt_tokens", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        ck_assert_int_eq(map(cases[i].json, &in), cases[i].http);
        ck_assert_int_eq(last.http, cases[i].http);
        ck_assert_msg(strcmp(last.field, cases[i].field) == 0, "case %zu: field '%s' (%s)",
                      i, last.field, last.msg);
        ck_assert_msg(strcmp(last.suggestion, cases[i].sug) == 0, "case %zu: suggestion '%s'",
                      i, last.suggestion);
        ck_assert(last.msg[0] != '\0');
    }
}
END_TEST

/* ---- scenarios ------------------------------------------------------------- */

static rl_scenario *scn_json(const char *json, rl_api_error *e)
{
    rl_scenario *s = NULL;
    cJSON *j = cJSON_Parse(json);
    ck_assert_ptr_nonnull(j);
    memset(e, 0, sizeof *e);
    rl_api_scenario(j, cat, &s, e);
    cJSON_Delete(j);
    return s;
}

START_TEST(scenario_json_equals_the_file)
{
    rl_err err;
    rl_api_error e;
    rl_scenario *a = NULL, *b;
    rl_err_clear(&err);
    ck_assert_int_eq(rl_scenario_load_string(
        "name = \"x\"; model = \"llama-3.1-8b\"; hardware = \"rtx-4090\"; devices = 2;\n"
        "runtimes = [\"vllm\", \"llama.cpp\"];\n"
        "workload = { mode = \"decode\"; prompt_tokens = 4096; output_tokens = 256; concurrency = 4; };\n"
        "requirements = { ttft_ms_p95 = 1500.0; deterministic = true; };\n"
        "search = { quant = [\"q4_k_m\", \"fp16\"]; tp = [2, 1]; offload = [\"none\"]; };\n"
        "objective = \"latency\"; top = 3;\n", "x.cfg", cat, &a, &err), RL_OK);
    b = scn_json("{\"name\":\"x\",\"model\":\"llama-3.1-8b\",\"hardware\":\"rtx-4090\","
                 "\"devices\":2,\"runtimes\":[\"vllm\",\"llama.cpp\"],\"workload\":{\"mode\":"
                 "\"decode\",\"prompt_tokens\":4096,\"output_tokens\":256,\"concurrency\":4},"
                 "\"requirements\":{\"ttft_ms_p95\":1500,\"deterministic\":true},"
                 "\"search\":{\"quant\":[\"q4_k_m\",\"fp16\"],\"tp\":[2,1],\"offload\":[\"none\"]},"
                 "\"objective\":\"latency\",\"top\":3}", &e);
    ck_assert_msg(b != NULL, "%s", e.msg);
    ck_assert_str_eq(a->model_id, b->model_id);
    ck_assert_str_eq(a->hw_id, b->hw_id);
    ck_assert_int_eq(a->devices, b->devices);
    ck_assert_int_eq(a->n_runtimes, b->n_runtimes);
    ck_assert_ptr_eq(a->runtimes[1], b->runtimes[1]);
    ck_assert_int_eq(a->prompt_tokens, b->prompt_tokens);
    ck_assert_int_eq(a->concurrency, b->concurrency);
    ck_assert(rl_feq(a->req.ttft_ms_p95, b->req.ttft_ms_p95));
    ck_assert_int_eq(a->req.deterministic, b->req.deterministic);
    ck_assert_int_eq(a->n_quant, b->n_quant);
    ck_assert_ptr_eq(a->quant[0], b->quant[0]);
    ck_assert_int_eq(b->n_tp, 2);
    ck_assert_int_eq(b->tp[0], 1);      /* sorted, as the loader does */
    ck_assert_str_eq(a->objective, b->objective);
    ck_assert_int_eq(a->top, b->top);
    rl_scenario_free(a);
    rl_scenario_free(b);
}
END_TEST

START_TEST(scenario_errors_name_the_field)
{
    rl_api_error e;
    static const struct { const char *json; int http; const char *field; } cases[] = {
        {"{\"model\":\"llama-3.1-8b\",\"hardware\":\"rtx-4090\",\"workload\":{"
         "\"prompt_tokens\":10,\n\"concurrency\":0}}", 400, "workload.concurrency"},
        {"{\"model\":\"llama-3.1-8b\",\"hardware\":\"rtx-4090\",\"requirements\":{"
         "\"deterministic\":1}}", 400, "requirements.deterministic"},
        {"{\"model\":\"llama-3.1-8b\",\"hardware\":\"rtx-4090\",\"serch\":{}}", 400, "serch"},
        {"{\"model\":\"llama-3.1-8c\",\"hardware\":\"rtx-4090\"}", 422, "model"},
        {"{\"model_file\":\"/etc/passwd\",\"hardware\":\"rtx-4090\"}", 400, "model_file"},
        {"{\"model\":\"llama-3.1-8b\",\"hardware\":\"rtx-4090\",\"name\":null}", 400, "name"},
        {"{\"model\":\"llama-3.1-8b\",\"hardware\":\"rtx-4090\",\"search\":{\"tp\":[1,\"2\"]}}",
         400, "search.tp"},
        {"{\"model\":\"llama-3.1-8b\",\"hardware\":\"rtx-4090\",\"bad key\":1}", 400, "bad key"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        rl_scenario *s = scn_json(cases[i].json, &e);
        ck_assert_ptr_null(s);
        ck_assert_msg(e.http == cases[i].http, "case %zu: %d %s", i, e.http, e.msg);
        ck_assert_msg(strncmp(e.field, cases[i].field, strlen(cases[i].field)) == 0,
                      "case %zu: field '%s' (%s)", i, e.field, e.msg);
    }
    rl_scenario *s = scn_json("{\"model\":\"llama-3.1-8c\",\"hardware\":\"rtx-4090\"}", &e);
    ck_assert_ptr_null(s);
    ck_assert_str_eq(e.suggestion, "llama-3.1-8b");
}
END_TEST

START_TEST(scenario_inline_hardware)
{
    rl_api_error e;
    rl_scenario *s = scn_json("{\"model\":\"llama-3.1-8b\",\"hardware\":{\"id\":\"box\","
                              "\"class\":\"gpu\",\"count\":4,\"memory\":[{\"tier\":\"hbm\","
                              "\"capacity_gib\":80,\"bandwidth_gbps\":2000}],\"compute\":"
                              "{\"fp16_tflops\":300}}}", &e);
    ck_assert_msg(s != NULL, "%s", e.msg);
    ck_assert_str_eq(s->hw_id, "box");
    ck_assert_int_eq(s->devices, 4);
    ck_assert(rl_feq(s->hw.tiers[0].capacity_gib, 80));
    rl_scenario_free(s);
}
END_TEST

/* ---- the emitter ------------------------------------------------------------ */

START_TEST(cfgtext_strings_survive)
{
    rl_cfgtext t;
    rl_api_error e;
    config_t cfg;
    const char *v;
    cJSON *j = cJSON_Parse("{\"a\":\"q\\\"b\\\\c\\nd\\u0001\",\"n\":{\"x\":[1,2.5],"
                           "\"y\":[{\"z\":true}]},\"big\":12345678901}");
    ck_assert_int_eq(rl_cfgtext_from_json(j, "", &t, &e), RL_OK);
    config_init(&cfg);
    ck_assert_msg(config_read_string(&cfg, t.text) == CONFIG_TRUE, "%s", t.text);
    ck_assert(config_lookup_string(&cfg, "a", &v));
    ck_assert_str_eq(v, "q\"b\\c\nd\001");
    long long big;
    ck_assert(config_lookup_int64(&cfg, "big", &big));
    ck_assert(big == 12345678901LL);
    /* the line of n.y[0].z maps back to its path */
    int found = 0;
    for (int i = 1; i <= t.npaths; i++) found |= strcmp(rl_cfgtext_path(&t, i), "n.y[0].z") == 0;
    ck_assert(found);
    config_destroy(&cfg);
    rl_cfgtext_free(&t);
    cJSON_Delete(j);
}
END_TEST

/* ---- the store --------------------------------------------------------------- */

static char dir[64];

static void store_setup(void)
{
    strcpy(dir, "/tmp/rl_test_api_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void store_teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    ck_assert_int_eq(system(cmd), 0);
}

static void append_raw(const char *text)
{
    char p[128];
    snprintf(p, sizeof p, "%s/runs.log", dir);
    FILE *f = fopen(p, "a");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

/* A minimal valid run record (model/runrec.h) with id `id`. */
#define REC(id) "{\"run_id\":\"" id "\",\"timestamp_utc\":\"2026-01-01T00:00:00Z\"," \
                "\"source\":{\"tool\":\"test\"},\"metrics\":{\"decode_toks_sec\":1}}"

START_TEST(store_survives_reopen_and_torn_tail)
{
    rl_err err;
    rl_store *s = rl_store_open(dir, &err);
    ck_assert_ptr_nonnull(s);
    ck_assert_int_eq(rl_store_append(s, "r1", REC("r1"), &err), RL_OK);
    ck_assert_int_eq(rl_store_append(s, "r2", REC("r2"), &err), RL_OK);
    ck_assert_int_eq(rl_store_append(s, "r1", REC("r1"), &err), 1);      /* duplicate */
    ck_assert_int_eq(rl_store_append(s, "x", "{\"run_id\":\"x\"}", &err), RL_EINPUT);
    rl_store_close(s);
    append_raw("1234abcd {\"run_id\":\"r3\",\"v\"");        /* a write cut short */
    s = rl_store_open(dir, &err);
    ck_assert_int_eq(rl_store_count(s), 2);
    ck_assert_int_eq(rl_store_append(s, "r4", REC("r4"), &err), RL_OK);
    cJSON *l = rl_store_list(s);
    ck_assert_int_eq(cJSON_GetArraySize(l), 3);
    ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(l, 2), "run_id")->valuestring, "r4");
    cJSON_Delete(l);
    rl_store_close(s);
}
END_TEST

START_TEST(store_skips_a_corrupt_middle_line)
{
    rl_err err;
    rl_store *s = rl_store_open(dir, &err);
    char p[128];
    ck_assert_int_eq(rl_store_append(s, "a", REC("a"), &err), RL_OK);
    ck_assert_int_eq(rl_store_append(s, "c", REC("c"), &err), RL_OK);
    rl_store_close(s);
    snprintf(p, sizeof p, "%s/runs.log", dir);          /* flip a byte of record a */
    int fd = open(p, O_WRONLY);
    ck_assert_int_eq(pwrite(fd, "X", 1, 25), 1);
    close(fd);
    s = rl_store_open(dir, &err);
    ck_assert_int_eq(rl_store_count(s), 1);
    ck_assert_int_eq(rl_store_skipped(s), 1);
    cJSON *l = rl_store_list(s);
    ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(l, 0), "run_id")->valuestring, "c");
    cJSON_Delete(l);
    rl_store_close(s);
}
END_TEST

START_TEST(run_records_are_checked)
{
    rl_api_error e;
    cJSON *r = cJSON_Parse("{\"model_id\":\"m\",\"runtime_id\":\"vllm\",\"hardware_id\":\"h\","
                           "\"metrics\":{\"decode_toks_sec\":\"fast\"}}");
    ck_assert_int_eq(rl_api_run_record(r, &e), 400);
    ck_assert_str_eq(e.field, "metrics.decode_toks_sec");
    cJSON_ReplaceItemInObject(cJSON_GetObjectItem(r, "metrics"), "decode_toks_sec",
                              cJSON_CreateNumber(42));
    ck_assert_int_eq(rl_api_run_record(r, &e), RL_OK);
    ck_assert(cJSON_IsString(cJSON_GetObjectItem(r, "run_id")));
    cJSON_DeleteItemFromObject(r, "runtime_id");
    ck_assert_int_eq(rl_api_run_record(r, &e), 400);
    ck_assert_str_eq(e.field, "runtime_id");
    cJSON_Delete(r);
}
END_TEST

/* ---- the router ---------------------------------------------------------------- */

START_TEST(router_routes)
{
    rl_err err;
    rl_api_ctx ctx = {cat, rl_store_open(dir, &err), 5000};
    rl_api_resp r;
    static const struct { const char *m, *url, *body; int status; } cases[] = {
        {"GET", "/healthz", NULL, 200}, {"GET", "/nope", NULL, 404},
        {"GET", "/v1/nope", NULL, 404}, {"GET", "/v1/estimate", NULL, 405},
        {"DELETE", "/v1/calibrate", NULL, 405}, {"POST", "/v1/procure", "{}", 400},
        {"POST", "/v1/signoff", "{}", 400}, {"POST", "/v1/estimate", "{\"model_id\":", 400},
        {"POST", "/v1/estimate", "", 400}, {"GET", "/v1/catalog/quants", NULL, 404},
        {"GET", "/", NULL, 200}, {"GET", "/v1/calibrate", NULL, 200},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        rl_api_handle(&ctx, cases[i].m, cases[i].url, cases[i].body,
                      cases[i].body ? strlen(cases[i].body) : 0, &r);
        ck_assert_msg(r.status == cases[i].status, "%s %s: %d", cases[i].m, cases[i].url, r.status);
        rl_api_resp_free(&r);
    }
    static const struct { const char *what; int kind; } cats[] = {
        {"models", RL_CAT_MODEL}, {"runtimes", RL_CAT_RUNTIME},
        {"quantizations", RL_CAT_QUANT}, {"hardware-profiles", RL_CAT_HW},
    };
    for (size_t i = 0; i < 4; i++) {
        char url[64];
        snprintf(url, sizeof url, "/v1/catalog/%s", cats[i].what);
        rl_api_handle(&ctx, "GET", url, NULL, 0, &r);
        cJSON *a = cJSON_Parse(r.body);
        ck_assert_int_eq(cJSON_GetArraySize(a), rl_catalog_count(cat, cats[i].kind));
        cJSON_Delete(a);
        rl_api_resp_free(&r);
    }
    rl_store_close(ctx.store);
}
END_TEST

START_TEST(metrics_count_by_route_and_code)
{
    rl_metrics_observe("estimate", 200, 0.0002);
    rl_metrics_observe("estimate", 422, 0.003);
    char *t = rl_metrics_text();
    ck_assert_ptr_nonnull(strstr(t, "ridgeline_http_requests_total{route=\"estimate\",code=\"422\"} 1"));
    ck_assert_ptr_nonnull(strstr(t, "ridgeline_http_request_duration_seconds_bucket{route=\"estimate\",le=\"0.0005\"} 1"));
    ck_assert_ptr_nonnull(strstr(t, "ridgeline_http_request_duration_seconds_count{route=\"estimate\"} 2"));
    ck_assert_ptr_nonnull(strstr(t, "ridgeline_http_errors_total{code=\"422\"} 1"));
    free(t);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("api");
    TCase *t = tcase_create("requests");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, estimate_maps_like_the_flags);
    tcase_add_test(t, estimate_defaults_are_the_clis);
    tcase_add_test(t, estimate_inline_profile);
    tcase_add_test(t, estimate_errors_name_the_field);
    tcase_add_test(t, scenario_json_equals_the_file);
    tcase_add_test(t, scenario_errors_name_the_field);
    tcase_add_test(t, scenario_inline_hardware);
    tcase_add_test(t, cfgtext_strings_survive);
    tcase_add_test(t, metrics_count_by_route_and_code);
    suite_add_tcase(s, t);
    TCase *st = tcase_create("store");
    tcase_add_checked_fixture(st, setup, teardown);
    tcase_add_checked_fixture(st, store_setup, store_teardown);
    tcase_add_test(st, store_survives_reopen_and_torn_tail);
    tcase_add_test(st, store_skips_a_corrupt_middle_line);
    tcase_add_test(st, run_records_are_checked);
    tcase_add_test(st, router_routes);
    suite_add_tcase(s, st);
    return rl_test_run(s);
}
