/*
 * test_runrec.c -- runrec.h: the run record's reader (types, ranges,
 * required fields, the "field 'x': expected" messages with file:line),
 * its writer (a round trip keeps every field, unknown metrics and env
 * included; absent fields stay absent), JSONL files, and the stable
 * host hash.
 */
#include <check.h>
#include "testutil.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runrec.h"

#define MIN "\"run_id\":\"r1\",\"timestamp_utc\":\"2024-05-12T09:41:27Z\"," \
            "\"source\":{\"tool\":\"llama-bench\"},\"metrics\":{\"decode_toks_sec\":130.58}"

static int parse(const char *s, rl_runrec *r, rl_err *e)
{
    rl_err_clear(e);
    return rl_runrec_parse(s, strlen(s), r, "runs.jsonl", 7, e);
}

START_TEST(minimal_record_reads)
{
    rl_runrec r;
    rl_err e;
    ck_assert_int_eq(parse("{" MIN "}", &r, &e), RL_OK);
    ck_assert_str_eq(r.run_id, "r1");
    ck_assert_double_eq_tol(r.metric[RL_RUN_DECODE], 130.58, 1e-12);
    ck_assert(isnan(r.metric[RL_RUN_PREFILL]));
    ck_assert_int_eq(r.context_tokens, -1);          /* absent, not zero */
    ck_assert_int_eq(r.concurrency, -1);
    ck_assert_str_eq(r.model_id, "");
}
END_TEST

/* Each bad input and the exact message it must give. */
START_TEST(errors_name_field_and_line)
{
    static const struct { const char *json, *msg; } cases[] = {
        { "{\"timestamp_utc\":\"2024-05-12T09:41:27Z\",\"source\":{\"tool\":\"x\"},"
          "\"metrics\":{\"decode_toks_sec\":1}}", "field 'run_id': expected a string (required)" },
        { "{" MIN ",\"concurrency\":-2}", "field 'concurrency': expected an integer in 0..1000000" },
        { "{" MIN ",\"concurrency\":1.5}", "field 'concurrency': expected an integer in 0..1000000" },
        { "{" MIN ",\"context_tokens\":\"512\"}",
          "field 'context_tokens': expected an integer in 0..100000000" },
        { "{\"run_id\":\"r1\",\"timestamp_utc\":\"2024-13-12T09:41:27Z\",\"source\":{\"tool\":\"x\"},"
          "\"metrics\":{\"decode_toks_sec\":1}}",
          "field 'timestamp_utc': expected UTC time as YYYY-MM-DDTHH:MM:SSZ" },
        { "{\"run_id\":\"r1\",\"timestamp_utc\":\"2024-05-12 09:41:27\",\"source\":{\"tool\":\"x\"},"
          "\"metrics\":{\"decode_toks_sec\":1}}",
          "field 'timestamp_utc': expected UTC time as YYYY-MM-DDTHH:MM:SSZ" },
        { "{" MIN ",\"hardware_id\":\"RTX 4090\"}",
          "field 'hardware_id': expected a lower-case id ([a-z0-9._+-])" },
        { "{\"run_id\":\"r1\",\"timestamp_utc\":\"2024-05-12T09:41:27Z\",\"source\":{\"tool\":\"x\"},"
          "\"metrics\":{\"decode_toks_sec\":-1}}", "field 'metrics.decode_toks_sec': expected a finite number >= 0" },
        { "{\"run_id\":\"r1\",\"timestamp_utc\":\"2024-05-12T09:41:27Z\",\"source\":{\"tool\":\"x\"},"
          "\"metrics\":{}}", "field 'metrics': expected at least one metric" },
        { "{" MIN ",\"hardwre_id\":\"rtx-4090\"}", "unknown field 'hardwre_id'" },
        { "{" MIN ",\"parallelism\":{\"tp\":0}}", "field 'parallelism.tp': expected an integer in 1..65536" },
        { "{" MIN ",\"ttft_scope\":\"warm\"}",
          "field 'ttft_scope': expected \"engine\", \"server\" or \"cold-start\"" },
        { "{\"run_id\":\"a b\",\"timestamp_utc\":\"2024-05-12T09:41:27Z\",\"source\":{\"tool\":\"x\"},"
          "\"metrics\":{\"x\":1}}", "field 'run_id': expected 1..64 of [A-Za-z0-9._:-]" },
        { "[1,2]", "expected a JSON object (one run record)" },
        { "{\"run_id\":", "not valid JSON" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        rl_runrec r;
        rl_err e;
        ck_assert_msg(parse(cases[i].json, &r, &e) == RL_EINPUT, "case %zu accepted", i);
        ck_assert_str_eq(e.msg, cases[i].msg);
        ck_assert_str_eq(e.file, "runs.jsonl");
        ck_assert_int_eq(e.line, 7);
    }
}
END_TEST

START_TEST(round_trip_keeps_everything)
{
    static const char full[] =
        "{\"run_id\":\"llama-bench-0001\",\"timestamp_utc\":\"2024-05-12T09:41:27.250Z\","
        "\"model_id\":\"llama-3-8b\",\"model_name\":\"x.gguf\",\"runtime_id\":\"llama.cpp\","
        "\"runtime_version\":\"b2824 (4426e298)\",\"hardware_id\":\"rtx-4090\","
        "\"hardware_name\":\"NVIDIA GeForce RTX 4090\",\"n_devices\":2,\"quant\":\"q4_k_m\","
        "\"kv_dtype\":\"fp16\",\"context_tokens\":512,\"output_tokens\":0,\"n_ctx\":8192,"
        "\"concurrency\":0,\"request_rate\":2.5,\"ttft_scope\":\"cold-start\","
        "\"parallelism\":{\"tp\":1,\"pp\":2},"
        "\"metrics\":{\"prefill_toks_sec\":7003.51,\"kv_cache_gb\":1.073741824,\"my_new_metric\":3},"
        "\"env\":{\"host_hash\":\"fnv1a64:0123456789abcdef\",\"driver\":\"550.54\"},"
        "\"source\":{\"tool\":\"llama-bench\",\"file\":\"b.csv\"}}";
    rl_runrec a, b;
    rl_err e;
    char *line;

    ck_assert_int_eq(parse(full, &a, &e), RL_OK);
    ck_assert_int_eq(a.n_extra, 1);
    ck_assert_str_eq(a.extra[0].name, "my_new_metric");
    ck_assert_int_eq(a.concurrency, 0);
    ck_assert_int_eq(a.ttft_scope, RL_TTFT_COLD);
    line = rl_runrec_line(&a);
    ck_assert_ptr_nonnull(line);
    /* the writer's key order is the schema's: the line equals the input */
    ck_assert_str_eq(line, full);
    ck_assert_int_eq(parse(line, &b, &e), RL_OK);
    ck_assert_mem_eq(&a, &b, sizeof a);
    free(line);
}
END_TEST

START_TEST(validate_catches_code_built_records)
{
    rl_runrec r;
    rl_err e;
    rl_runrec_init(&r);
    snprintf(r.run_id, sizeof r.run_id, "x1");
    snprintf(r.timestamp_utc, sizeof r.timestamp_utc, "2024-05-12T09:41:27Z");
    snprintf(r.source_tool, sizeof r.source_tool, "t");
    rl_err_clear(&e);
    ck_assert_int_eq(rl_runrec_validate(&r, &e), RL_EINPUT);        /* no metric */
    r.metric[RL_RUN_TTFT_P50] = 50;
    ck_assert_int_eq(rl_runrec_validate(&r, &e), RL_OK);
    snprintf(r.quant, sizeof r.quant, "Q4_K_M");
    ck_assert_int_eq(rl_runrec_validate(&r, &e), RL_EINPUT);
    ck_assert_str_eq(e.msg, "field 'quant': expected a lower-case id ([a-z0-9._+-])");
}
END_TEST

START_TEST(file_reader_reports_the_line)
{
    char path[] = "/tmp/rl_runrec_XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w");
    rl_runrec *recs;
    int n;
    rl_err e;

    ck_assert_ptr_nonnull(f);
    fprintf(f, "{" MIN "}\n\n   \n{\"run_id\":\"r2\"}\n");
    fclose(f);
    rl_err_clear(&e);
    ck_assert_int_eq(rl_runrec_read_file(path, &recs, &n, &e), RL_EINPUT);
    ck_assert_int_eq(e.line, 4);                    /* blank lines counted */
    ck_assert_ptr_null(recs);
    ck_assert_int_eq(n, 0);
    f = fopen(path, "w");
    fprintf(f, "{" MIN "}\r\n\n{" MIN ",\"run_id\":\"r2\"}");  /* CRLF, no final newline */
    fclose(f);
    ck_assert_int_eq(rl_runrec_read_file(path, &recs, &n, &e), RL_OK);
    ck_assert_int_eq(n, 2);
    ck_assert_str_eq(recs[1].run_id, "r2");         /* duplicate key: the last wins */
    free(recs);
    unlink(path);
}
END_TEST

START_TEST(fnv_and_host_hash_are_stable)
{
    /* FNV-1a 64 reference vectors (Fowler/Noll/Vo test suite) */
    ck_assert_uint_eq(rl_fnv1a64("", 0, 0), 0xcbf29ce484222325ULL);
    ck_assert_uint_eq(rl_fnv1a64("a", 1, 0), 0xaf63dc4c8601ec8cULL);
    ck_assert_uint_eq(rl_fnv1a64("foobar", 6, 0), 0x85944171f73967e8ULL);
    {
        char a[40], b[40], c[40];
        rl_host_hash("gpu-box-01", a, sizeof a);
        rl_host_hash("gpu-box-01", b, sizeof b);
        rl_host_hash("gpu-box-02", c, sizeof c);
        ck_assert_str_eq(a, b);
        ck_assert_str_ne(a, c);
        ck_assert_int_eq((int)strlen(a), 24);
        ck_assert(strncmp(a, "fnv1a64:", 8) == 0);
        ck_assert_ptr_null(strstr(a, "gpu-box"));
    }
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("runrec");
    TCase *t = tcase_create("core");
    tcase_add_test(t, minimal_record_reads);
    tcase_add_test(t, errors_name_field_and_line);
    tcase_add_test(t, round_trip_keeps_everything);
    tcase_add_test(t, validate_catches_code_built_records);
    tcase_add_test(t, file_reader_reports_the_line);
    tcase_add_test(t, fnv_and_host_hash_are_stable);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return rl_test_run(suite());
}
