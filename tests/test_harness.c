/*
 * test_harness.c -- harness.h and runmeas.h: every fixture format of
 * tests/data/harness imports to the records its content says (formats
 * told by content, not name); nothing private reaches a record (prompts,
 * generated text, directories, addresses); flags fill and override and
 * the report says which; records become calibration rows and drift
 * alarms fire on runs the model misses.
 */
#include <check.h>
#include "testutil.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "runmeas.h"

static rl_catalog *cat;
static const double mib = 1048576.0 / 1e9;      /* MiB in the records' decimal GB */

static void setup(void) { cat = rl_test_catalog(); }
static void teardown(void) { rl_catalog_free(cat); }

/* Import a fixture with the given flags; returns the record count. */
static int import(const char *name, const rl_harness_opts *o, rl_runrec **r,
                  rl_harness_report *rep)
{
    char path[512];
    rl_err e;
    int n = 0;
    rl_harness_opts none = { 0 };

    snprintf(path, sizeof path, "%s/harness/%s", RL_TEST_DATA, name);
    rl_err_clear(&e);
    none.cat = cat;
    *r = NULL;
    ck_assert_msg(rl_harness_import(path, RL_HF_UNKNOWN, o ? o : &none, r, &n, rep, &e) == RL_OK,
                  "%s: %s", name, e.msg);
    return n;
}

static int from_text(const char *text, const char *name, rl_runrec **r, rl_harness_report *rep,
                     rl_err *e)
{
    rl_harness_opts o = { 0 };
    int n = 0;
    o.cat = cat;
    *r = NULL;
    rl_err_clear(e);
    o.timestamp_utc = "2024-01-01T00:00:00Z";
    return rl_harness_import_text(text, strlen(text), name, RL_HF_UNKNOWN, &o, r, &n, rep, e)
           ? -1 : n;
}

START_TEST(llama_bench_json)
{
    rl_runrec *r;
    rl_harness_report rep;
    ck_assert_int_eq(import("llama-bench.json", NULL, &r, &rep), 2);
    ck_assert_int_eq(rep.fmt, RL_HF_LLAMA_BENCH_JSON);
    ck_assert_str_eq(r[0].runtime_id, "llama.cpp");
    ck_assert_str_eq(r[0].runtime_version, "b2824 (4426e298)");
    ck_assert_str_eq(r[0].hardware_id, "rtx-4090");             /* from the printed name */
    ck_assert_str_eq(r[0].quant, "q4_k_m");
    ck_assert_str_eq(r[0].kv_dtype, "fp16");
    ck_assert_str_eq(r[0].model_name, "Meta-Llama-3-8B-Instruct-Q4_K_M.gguf");  /* no /home/alice */
    ck_assert_str_eq(r[0].timestamp_utc, "2024-05-12T09:41:27Z");
    ck_assert_int_eq(r[0].context_tokens, 512);
    ck_assert_int_eq(r[0].output_tokens, 0);
    ck_assert_double_eq_tol(r[0].metric[RL_RUN_PREFILL], 7138.99, 1e-9);
    ck_assert_double_eq_tol(r[0].metric[RL_RUN_PREFILL_SD], 14.96, 1e-9);
    ck_assert_double_eq_tol(r[0].metric[RL_RUN_MODEL_SIZE], 4.920733696, 1e-9);
    ck_assert(isnan(r[0].metric[RL_RUN_DECODE]));
    ck_assert_int_eq(r[1].output_tokens, 512);
    ck_assert_double_eq_tol(r[1].metric[RL_RUN_DECODE], 130.58, 1e-9);
    ck_assert_str_ne(r[0].run_id, r[1].run_id);
    ck_assert_int_eq(rep.from[RL_HK_MODEL], RL_HS_ABSENT);      /* only a file name */
    ck_assert_int_eq(rep.from[RL_HK_HARDWARE], RL_HS_TOOL);
    free(r);
}
END_TEST

START_TEST(llama_bench_jsonl_csv_md)
{
    rl_runrec *r;
    rl_harness_report rep;

    ck_assert_int_eq(import("llama-bench.jsonl", NULL, &r, &rep), 2);
    ck_assert_int_eq(rep.fmt, RL_HF_LLAMA_BENCH_JSONL);
    ck_assert_str_eq(r[0].quant, "fp16");
    ck_assert_str_eq(r[0].runtime_version, "b5220 (d3bd7193)");
    ck_assert_double_eq_tol(r[1].metric[RL_RUN_DECODE], 54.84, 1e-9);
    free(r);

    ck_assert_int_eq(import("llama-bench.csv", NULL, &r, &rep), 2);
    ck_assert_int_eq(rep.fmt, RL_HF_LLAMA_BENCH_CSV);
    ck_assert_int_eq(r[0].n_devices, 2);                        /* "A, B" in gpu_info */
    ck_assert_int_eq(r[0].pp, 2);                               /* split_mode layer */
    ck_assert_int_eq(r[0].tp, 1);
    ck_assert_double_eq_tol(r[0].metric[RL_RUN_PREFILL], 7003.51, 1e-9);
    ck_assert_double_eq_tol(r[1].metric[RL_RUN_DECODE], 124.65, 1e-9);
    free(r);

    ck_assert_int_eq(import("llama-bench.md", NULL, &r, &rep), 3);
    ck_assert_int_eq(rep.fmt, RL_HF_LLAMA_BENCH_MD);
    ck_assert_str_eq(r[0].runtime_version, "b2824 (4426e298)");  /* the line after the table */
    ck_assert_int_eq(r[1].context_tokens, 1024);
    ck_assert_double_eq_tol(r[1].metric[RL_RUN_PREFILL_SD], 10.29, 1e-9);
    ck_assert_double_eq_tol(r[2].metric[RL_RUN_DECODE], 130.58, 1e-9);
    /* "4.58 GiB", two decimals: within 0.2% of the file's bytes */
    ck_assert_double_eq_tol(r[0].metric[RL_RUN_MODEL_SIZE], 4.920733696, 0.01);
    ck_assert_str_eq(r[0].hardware_id, "");                     /* md has no device */
    ck_assert_int_eq(rep.from[RL_HK_HARDWARE], RL_HS_ABSENT);
    ck_assert_int_eq(rep.from[RL_HK_TIME], RL_HS_ABSENT);
    ck_assert_ptr_nonnull(strstr(rep.note, "modification time"));
    ck_assert(r[0].timestamp_utc[0] != '\0');                   /* filled from mtime */
    free(r);
}
END_TEST

START_TEST(content_not_extension_decides)
{
    char path[512], *text;
    FILE *f;
    long n;
    rl_runrec *r;
    rl_harness_report rep;
    rl_err e;

    snprintf(path, sizeof path, "%s/harness/llama-bench.csv", RL_TEST_DATA);
    f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    rewind(f);
    text = calloc(1, (size_t)n + 1);
    ck_assert_int_eq((long)fread(text, 1, (size_t)n, f), n);
    fclose(f);
    ck_assert_int_eq(from_text(text, "results.json", &r, &rep, &e), 2);
    ck_assert_int_eq(rep.fmt, RL_HF_LLAMA_BENCH_CSV);
    ck_assert_str_eq(r[0].source_file, "results.json");
    free(r);
    free(text);
    ck_assert_int_eq(from_text("hello world\n", "bench.json", &r, &rep, &e), -1);
    ck_assert_ptr_nonnull(strstr(e.msg, "cannot tell which tool wrote this"));
    /* a document that merely names llama.cpp's log prefixes is no log */
    ck_assert_int_eq(from_text("see load_tensors: and print_info: in the source\n", "x.txt",
                               &r, &rep, &e), -1);
    ck_assert_int_eq(rl_harness_detect("load_tensors: CUDA0 model buffer size = 1.00 MiB\n", 49),
                     RL_HF_LLAMACPP_LOG);
}
END_TEST

START_TEST(skipped_tests_and_bad_rows)
{
    static const char md[] =
        "| model | size | params | backend | ngl | test | t/s |\n"
        "| --- | ---: | ---: | --- | --: | ---: | ---: |\n"
        "| llama 8B Q8_0 | 7.95 GiB | 8.03 B | CUDA | 99 | pp512+tg128 | 512.00 \xc2\xb1 1.00 |\n"
        "| llama 8B Q8_0 | 7.95 GiB | 8.03 B | CUDA | 99 | pp512 @ d4096 | 4000.00 \xc2\xb1 9.00 |\n"
        "| llama 8B Q8_0 | 7.95 GiB | 8.03 B | CUDA | 99 | tg128 @ d4096 | 80.00 \xc2\xb1 0.10 |\n";
    rl_runrec *r;
    rl_harness_report rep;
    rl_err e;

    ck_assert_int_eq(from_text(md, "x.md", &r, &rep, &e), 1);
    ck_assert_int_eq(rep.skipped, 2);
    ck_assert_str_eq(r[0].quant, "q8_0");
    ck_assert_int_eq(r[0].context_tokens, 4096);                /* tg from a 4096-deep cache */
    ck_assert_int_eq(r[0].output_tokens, 128);
    free(r);
    ck_assert_int_eq(from_text("{\"avg_ts\": 1, \"n_prompt\": 512, \"n_gen\": 0}\n{\"avg_ts\": \n",
                               "b.jsonl", &r, &rep, &e), -1);
    ck_assert_int_eq(e.line, 2);
    ck_assert_str_eq(e.msg, "not valid JSON");
    /* behind ggml's load_backend line the error still names the file's line */
    ck_assert_int_eq(from_text("load_backend: loaded CPU backend from /x/libggml-cpu.so\n"
                               "{\"avg_ts\": 1, \"n_prompt\": 512, \"n_gen\": 0}\n{\"avg_ts\": \n",
                               "b.jsonl", &r, &rep, &e), -1);
    ck_assert_int_eq(e.line, 3);

    /* fuzz_harness: a token count past any long (UB when cast) is no run */
    ck_assert_int_eq(from_text("llama_perf_context_print: prompt eval time = 5.00 ms / 1e300 "
                               "tokens (0.01 ms per token, 100.00 tokens per second)\n"
                               "llama_perf_context_print:        eval time = 10.00 ms / 9 runs "
                               "(1.11 ms per token, 900.00 tokens per second)\n",
                               "x.log", &r, &rep, &e), 1);
    ck_assert(isnan(r[0].metric[RL_RUN_PREFILL]));
    ck_assert_int_eq(r[0].output_tokens, 9);
    free(r);
    ck_assert_int_eq(from_text("llama_perf_context_print: prompt eval time = 5.00 ms / 1e300 "
                               "tokens (0.01 ms per token, 100.00 tokens per second)\n",
                               "x.log", &r, &rep, &e), -1);
}
END_TEST

START_TEST(vllm_bench_serve)
{
    rl_runrec *r;
    rl_harness_report rep;
    char *line;

    ck_assert_int_eq(import("vllm-bench-serve.json", NULL, &r, &rep), 1);
    ck_assert_int_eq(rep.fmt, RL_HF_VLLM_BENCH);
    ck_assert_str_eq(r[0].runtime_id, "vllm");
    ck_assert_str_eq(r[0].model_name, "Meta-Llama-3-8B-Instruct");
    ck_assert_int_eq(r[0].context_tokens, 512);
    ck_assert_int_eq(r[0].output_tokens, 512);
    ck_assert_int_eq(r[0].concurrency, 1);                      /* max_concurrency */
    ck_assert(r[0].request_rate == 0);                          /* "inf" */
    ck_assert_int_eq(r[0].ttft_scope, RL_TTFT_SERVER);
    ck_assert_double_eq_tol(r[0].metric[RL_RUN_TTFT_P50], 55.2, 1e-9);
    ck_assert_double_eq_tol(r[0].metric[RL_RUN_DECODE], 1000 / 18.9, 1e-3);
    ck_assert_double_eq_tol(r[0].metric[RL_RUN_OUT_TPUT], 51.6493, 1e-9);
    ck_assert_str_eq(r[0].timestamp_utc, "2025-05-16T14:15:03Z");
    ck_assert_ptr_nonnull(strstr(rep.note, "local time"));
    line = rl_runrec_line(&r[0]);
    ck_assert_ptr_null(strstr(line, "Once upon a time"));        /* no generated text */
    ck_assert_ptr_null(strstr(line, "ttfts"));
    free(line);
    free(r);
}
END_TEST

START_TEST(trtllm_bench_report)
{
    rl_runrec *r;
    rl_harness_report rep;
    ck_assert_int_eq(import("trtllm-bench.txt", NULL, &r, &rep), 1);
    ck_assert_int_eq(rep.fmt, RL_HF_TRTLLM_BENCH);
    ck_assert_str_eq(r[0].runtime_id, "tensorrt-llm");
    ck_assert_str_eq(r[0].runtime_version, "0.17.0");
    ck_assert_str_eq(r[0].quant, "fp8");
    ck_assert_str_eq(r[0].kv_dtype, "fp8");
    ck_assert_int_eq(r[0].tp, 1);
    ck_assert_int_eq(r[0].concurrency, 0);                      /* offline */
    ck_assert_int_eq(r[0].context_tokens, 128);
    ck_assert_double_eq_tol(r[0].metric[RL_RUN_OUT_TPUT], 28836.77, 1e-9);
    ck_assert_double_eq_tol(r[0].metric[RL_RUN_REQ_TPUT], 225.2873, 1e-9);
    free(r);
}
END_TEST

START_TEST(llama_cpp_logs)
{
    rl_runrec *r;
    rl_harness_report rep;

    ck_assert_int_eq(import("llama-server.log", NULL, &r, &rep), 1);
    ck_assert_int_eq(rep.fmt, RL_HF_LLAMACPP_LOG);
    ck_assert_str_eq(r[0].runtime_version, "b5220 (d3bd7193)");
    ck_assert_str_eq(r[0].hardware_id, "rtx-4090");
    ck_assert_str_eq(r[0].quant, "q4_k_m");
    ck_assert_double_eq_tol(r[0].metric[RL_RUN_WEIGHTS], 4403.49 * mib, 1e-9);
    ck_assert_int_eq(r[0].n_extra, 1);                          /* the host-side embedding */
    ck_assert_str_eq(r[0].extra[0].name, "weights_host_gb");
    ck_assert_double_eq_tol(r[0].extra[0].value, 281.81 * mib, 1e-9);
    ck_assert_double_eq_tol(r[0].metric[RL_RUN_KV], 1024 * mib, 1e-9);
    ck_assert_double_eq_tol(r[0].metric[RL_RUN_COMPUTE_BUF], 560 * mib, 1e-9);
    ck_assert_double_eq_tol(r[0].metric[RL_RUN_MODEL_SIZE], 4.58 * 1.073741824, 1e-9);
    ck_assert_int_eq(r[0].n_ctx, 8192);                         /* not n_ctx_train */
    ck_assert_int_eq(r[0].context_tokens, 512);
    ck_assert_double_eq_tol(r[0].metric[RL_RUN_PREFILL], 7102.23, 1e-9);
    ck_assert_double_eq_tol(r[0].metric[RL_RUN_DECODE], 130.24, 1e-9);
    free(r);

    ck_assert_int_eq(import("llama-cli.log", NULL, &r, &rep), 1);
    ck_assert_str_eq(r[0].runtime_version, "b2824 (4426e298)");
    ck_assert_double_eq_tol(r[0].metric[RL_RUN_WEIGHTS], 4403.49 * mib, 1e-9);  /* "CUDA0 buffer size" */
    ck_assert_double_eq_tol(r[0].metric[RL_RUN_KV], 256 * mib, 1e-9);
    ck_assert_int_eq(r[0].n_ctx, 2048);
    ck_assert_int_eq(r[0].output_tokens, 255);
    ck_assert_double_eq_tol(r[0].metric[RL_RUN_DECODE], 129.52, 1e-9);
    ck_assert_int_eq(r[0].ttft_scope, RL_TTFT_COLD);
    free(r);
}
END_TEST

/* A record's env value for key, "" when absent. */
static const char *env_of(const rl_runrec *r, const char *key)
{
    for (int i = 0; i < r->n_env; i++)
        if (strcmp(r->env[i].key, key) == 0) return r->env[i].value;
    return "";
}

/* Real output captured from llama.cpp b11669 (Debian sid's 0.7.0+dfsg,
 * CPU backend; tests/data/harness/captured/README.md says how).  Each
 * pair of files comes from ONE llama-bench run (-o X -oe Y), so the two
 * formats must give the same measurements. */
START_TEST(captured_llama_bench)
{
    rl_runrec *a, *b;
    rl_harness_report rep;

    /* json (stdout) and md (stderr, after ggml's load_backend line) */
    ck_assert_int_eq(import("captured/llama-bench-cpu.json", NULL, &a, &rep), 4);
    ck_assert_int_eq(rep.fmt, RL_HF_LLAMA_BENCH_JSON);
    ck_assert_int_eq(import("captured/llama-bench-cpu.md", NULL, &b, &rep), 4);
    ck_assert_int_eq(rep.fmt, RL_HF_LLAMA_BENCH_MD);
    ck_assert_str_eq(a[0].runtime_version, "b11669 (Debian)");   /* a distribution build */
    ck_assert_str_eq(b[0].runtime_version, "b11669 (Debian)");
    ck_assert_str_eq(a[0].hardware_name, "AMD EPYC");            /* CPU backend: the CPU */
    ck_assert_str_eq(a[0].model_name, "tinyllama-random-Q4_K_M.gguf");
    ck_assert_str_eq(a[2].quant, "fp16");
    for (int i = 0; i < 4; i++) {
        int pre = a[i].context_tokens > 0;
        int m = pre ? RL_RUN_PREFILL : RL_RUN_DECODE;
        ck_assert_str_eq(a[i].quant, b[i].quant);
        ck_assert_int_eq(a[i].context_tokens, b[i].context_tokens);
        ck_assert_int_eq(a[i].output_tokens, b[i].output_tokens);
        ck_assert_double_eq_tol(a[i].metric[m], b[i].metric[m], 0.005);   /* md: 2 decimals */
        /* sizes: bytes in json, "636.18 MiB" / "2.05 GiB" in md */
        ck_assert_double_eq_tol(a[i].metric[RL_RUN_MODEL_SIZE] / b[i].metric[RL_RUN_MODEL_SIZE], 1,
                                0.003);
    }
    ck_assert_double_eq_tol(a[0].metric[RL_RUN_PREFILL], 141.178859, 1e-9);
    ck_assert_double_eq_tol(a[0].metric[RL_RUN_MODEL_SIZE], 0.667078656, 1e-12);
    ck_assert_double_eq_tol(a[3].metric[RL_RUN_DECODE], 13.79783, 1e-9);
    ck_assert_str_eq(env_of(&a[0], "flash_attn"), "auto");   /* -1 since mid 2025 */
    free(a);
    free(b);

    /* jsonl (stdout) and csv (stderr, load_backend line first) */
    ck_assert_int_eq(import("captured/llama-bench-cpu.jsonl", NULL, &a, &rep), 3);
    ck_assert_int_eq(rep.fmt, RL_HF_LLAMA_BENCH_JSONL);
    ck_assert_int_eq(import("captured/llama-bench-cpu.csv", NULL, &b, &rep), 3);
    ck_assert_int_eq(rep.fmt, RL_HF_LLAMA_BENCH_CSV);
    for (int i = 0; i < 3; i++) {
        ck_assert_str_eq(a[i].timestamp_utc, b[i].timestamp_utc);
        ck_assert_int_eq(a[i].context_tokens, b[i].context_tokens);
        if (a[i].context_tokens > 0)
            ck_assert_double_eq(a[i].metric[RL_RUN_PREFILL], b[i].metric[RL_RUN_PREFILL]);
        else
            ck_assert_double_eq(a[i].metric[RL_RUN_DECODE], b[i].metric[RL_RUN_DECODE]);
        ck_assert_str_eq(env_of(&b[i], "flash_attn"), "auto");
    }
    ck_assert_int_eq(a[1].context_tokens, 256);
    ck_assert_double_eq_tol(b[1].metric[RL_RUN_PREFILL], 175.260501, 1e-9);
    ck_assert_int_eq(b[2].output_tokens, 32);
    ck_assert_double_eq_tol(b[2].metric[RL_RUN_DECODE], 44.781033, 1e-9);
    free(a);
    free(b);

    /* -d 0,256: "pp64 @ d256" is skipped (no estimate of a prompt after a
     * filled cache), "tg16 @ d256" is decode from a 256-deep cache; the
     * json is -oe json, so ggml's load_backend line comes first */
    ck_assert_int_eq(import("captured/llama-bench-cpu-depth.md", NULL, &a, &rep), 3);
    ck_assert_int_eq(rep.skipped, 1);
    ck_assert_int_eq(import("captured/llama-bench-cpu-depth.json", NULL, &b, &rep), 3);
    ck_assert_int_eq(rep.fmt, RL_HF_LLAMA_BENCH_JSON);
    ck_assert_int_eq(rep.skipped, 1);
    ck_assert_int_eq(b[2].context_tokens, 256);
    ck_assert_int_eq(b[2].output_tokens, 16);
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(a[i].context_tokens, b[i].context_tokens);
        ck_assert_double_eq_tol(a[i].output_tokens > 0 ? a[i].metric[RL_RUN_DECODE]
                                                       : a[i].metric[RL_RUN_PREFILL],
                                b[i].output_tokens > 0 ? b[i].metric[RL_RUN_DECODE]
                                                       : b[i].metric[RL_RUN_PREFILL], 0.005);
    }
    free(a);
    free(b);
}
END_TEST

/* llama.cpp logs since late 2025: every line behind a timestamp and a
 * level ("0.02.021.593 I "), the server's behind a module tag; the model,
 * buffer and KV lines only at -lv 4; llama.cpp's own memory breakdown. */
START_TEST(captured_llama_logs)
{
    rl_runrec *r;
    rl_harness_report rep;

    /* llama-completion at the default verbosity: the timing lines alone */
    ck_assert_int_eq(import("captured/llama-completion.log", NULL, &r, &rep), 1);
    ck_assert_int_eq(rep.fmt, RL_HF_LLAMACPP_LOG);
    ck_assert_int_eq(r[0].context_tokens, 73);
    ck_assert_double_eq_tol(r[0].metric[RL_RUN_PREFILL], 151.15, 1e-9);
    ck_assert_int_eq(r[0].output_tokens, 23);
    ck_assert_double_eq_tol(r[0].metric[RL_RUN_DECODE], 44.14, 1e-9);
    ck_assert_int_eq(r[0].ttft_scope, RL_TTFT_COLD);
    ck_assert(isnan(r[0].metric[RL_RUN_WEIGHTS]));
    free(r);

    /* -lv 4: the CPU is the device; weights from the memory breakdown
     * (Host 181 + CPU_REPACK 455 MiB), which is the file to 0.1% (the
     * per-buffer lines undercount: the mmapped part shows 86 MiB) */
    ck_assert_int_eq(import("captured/llama-completion-lv4.log", NULL, &r, &rep), 1);
    ck_assert_str_eq(r[0].model_name, "tinyllama-random-Q4_K_M.gguf");
    ck_assert_str_eq(r[0].quant, "q4_k_m");
    ck_assert_double_eq_tol(r[0].metric[RL_RUN_WEIGHTS], 636 * mib, 1e-12);
    ck_assert_double_eq_tol(r[0].metric[RL_RUN_WEIGHTS] / r[0].metric[RL_RUN_MODEL_SIZE], 1, 0.001);
    ck_assert_int_eq(r[0].n_extra, 0);                          /* nothing "on the host" besides */
    ck_assert_double_eq_tol(r[0].metric[RL_RUN_KV], 44 * mib, 1e-12);
    ck_assert_double_eq_tol(r[0].metric[RL_RUN_COMPUTE_BUF], 84 * mib, 1e-12);
    ck_assert_int_eq(r[0].n_ctx, 2048);
    ck_assert_str_eq(r[0].kv_dtype, "fp16");
    ck_assert_double_eq_tol(r[0].metric[RL_RUN_PREFILL], 150.79, 1e-9);
    free(r);

    /* a host row has no "(": what a later line holds in parentheses is
     * not its figures */
    {
        rl_err e;
        ck_assert_int_eq(from_text("common_memory_breakdown_print: | memory breakdown [MiB] | "
                                   "total free self model context compute unaccounted |\n"
                                   "common_memory_breakdown_print: |   - Host | 309 = 181 + 44 + "
                                   "84 |\n"
                                   "load_tensors: done (7 = 5000 + 1 + 1)\n", "x.log", &r, &rep, &e),
                         1);
        ck_assert_double_eq_tol(r[0].metric[RL_RUN_WEIGHTS], 181 * mib, 1e-12);
        ck_assert_double_eq_tol(r[0].metric[RL_RUN_COMPUTE_BUF], 84 * mib, 1e-12);
        free(r);
    }

    /* llama-server, default verbosity: model from load_model, slot timings */
    ck_assert_int_eq(import("captured/llama-server.log", NULL, &r, &rep), 1);
    ck_assert_int_eq(rep.fmt, RL_HF_LLAMACPP_LOG);
    ck_assert_str_eq(r[0].model_name, "tinyllama-random-Q4_K_M.gguf");
    ck_assert_int_eq(r[0].ttft_scope, RL_TTFT_SERVER);
    ck_assert_double_eq_tol(r[0].metric[RL_RUN_PREFILL], 121.08, 1e-9);
    ck_assert_int_eq(r[0].output_tokens, 24);
    free(r);

    /* llama-server -lv 4: build and device_info lines, 4 slots' KV */
    ck_assert_int_eq(import("captured/llama-server-lv4.log", NULL, &r, &rep), 1);
    ck_assert_str_eq(r[0].runtime_version, "b11669 (Debian)");
    ck_assert_str_eq(r[0].hardware_name, "AMD EPYC");
    ck_assert_int_eq(r[0].n_ctx, 4096);
    ck_assert_double_eq_tol(r[0].metric[RL_RUN_KV], 88 * mib, 1e-12);
    ck_assert_double_eq_tol(r[0].metric[RL_RUN_COMPUTE_BUF], 57 * mib, 1e-12);
    ck_assert_double_eq_tol(r[0].metric[RL_RUN_DECODE], 47.97, 1e-9);
    ck_assert_int_eq(r[0].ttft_scope, RL_TTFT_SERVER);
    free(r);
}
END_TEST

START_TEST(vllm_log_and_host_privacy)
{
    rl_runrec *r;
    rl_harness_report rep;
    char *line, want[40];

    ck_assert_int_eq(import("vllm-server.log", NULL, &r, &rep), 1);
    ck_assert_int_eq(rep.fmt, RL_HF_VLLM_LOG);
    ck_assert_str_eq(r[0].runtime_version, "0.8.5");
    ck_assert_str_eq(r[0].model_name, "Llama-3.1-8B-Instruct");
    ck_assert_str_eq(r[0].quant, "bf16");
    ck_assert_str_eq(r[0].kv_dtype, "bf16");                    /* auto = the dtype */
    ck_assert_double_eq_tol(r[0].metric[RL_RUN_WEIGHTS], 14.9889 * 1.073741824, 1e-9);
    ck_assert_double_eq_tol(r[0].metric[RL_RUN_KV], 54.94 * 1.073741824, 1e-9);
    ck_assert_int_eq(r[0].n_ctx, 450048);                       /* "450,048 tokens" */
    ck_assert_double_eq_tol(r[0].metric[RL_RUN_MAX_CONC], 54.94, 1e-9);
    rl_host_hash("10.20.30.40", want, sizeof want);
    ck_assert_str_eq(r[0].host_hash, want);
    line = rl_runrec_line(&r[0]);
    ck_assert_ptr_null(strstr(line, "10.20.30.40"));
    ck_assert_ptr_null(strstr(line, "/root/"));
    free(line);
    free(r);
}
END_TEST

START_TEST(gpu_uuid_is_hashed)
{
    static const char log[] =
        "load_tensors:        CUDA0 model buffer size =  4403.49 MiB\n"
        "GPU 0: NVIDIA GeForce RTX 4090 (UUID: GPU-5b2f0c3e-1a2b-3c4d-5e6f-0123456789ab)\n";
    rl_runrec *r;
    rl_harness_report rep;
    rl_err e;
    char want[40], *line;

    ck_assert_int_eq(from_text(log, "x.log", &r, &rep, &e), 1);
    rl_host_hash("GPU-5b2f0c3e-1a2b-3c4d-5e6f-0123456789ab", want, sizeof want);
    ck_assert_int_eq(r[0].n_env, 1);
    ck_assert_str_eq(r[0].env[0].key, "gpu_uuid_hash");
    ck_assert_str_eq(r[0].env[0].value, want);
    line = rl_runrec_line(&r[0]);
    ck_assert_ptr_null(strstr(line, "5b2f0c3e"));
    free(line);
    free(r);
}
END_TEST

START_TEST(flags_fill_and_override)
{
    rl_harness_opts o = { 0 };
    rl_runrec *r;
    rl_harness_report rep;

    o.cat = cat;
    o.model_id = "llama-3-8b";
    o.hardware_id = "rtx-3090";                     /* overrides the printed 4090 */
    o.runtime_version = "b9999";
    o.host = "bench-host-7";
    o.n_devices = 1;
    ck_assert_int_eq(import("llama-bench.json", &o, &r, &rep), 2);
    ck_assert_str_eq(r[0].model_id, "llama-3-8b");
    ck_assert_str_eq(r[0].hardware_id, "rtx-3090");
    ck_assert_str_eq(r[0].hardware_name, "NVIDIA GeForce RTX 4090");   /* what was printed */
    ck_assert_str_eq(r[1].runtime_version, "b9999");
    ck_assert_int_eq(rep.from[RL_HK_MODEL], RL_HS_FLAG);
    ck_assert_int_eq(rep.from[RL_HK_HARDWARE], RL_HS_FLAG);
    ck_assert_int_eq(rep.from[RL_HK_QUANT], RL_HS_TOOL);
    ck_assert(strncmp(r[0].host_hash, "fnv1a64:", 8) == 0);
    /* the same bytes give the same ids: a second import is a duplicate */
    {
        rl_runrec *r2;
        ck_assert_int_eq(import("llama-bench.json", NULL, &r2, &rep), 2);
        ck_assert_str_eq(r[0].run_id, r2[0].run_id);
        ck_assert_str_eq(r[1].run_id, r2[1].run_id);
        free(r2);
    }
    free(r);
}
END_TEST

START_TEST(name_mapping)
{
    ck_assert_str_eq(rl_harness_quant_id("llama 8B Q4_K - Medium"), "q4_k_m");
    ck_assert_str_eq(rl_harness_quant_id("Q5_K - Small"), "q5_k_s");
    ck_assert_str_eq(rl_harness_quant_id("llama 70B IQ4_XS - 4.25 bpw"), "iq4_xs");
    ck_assert_str_eq(rl_harness_quant_id("awq_marlin"), "awq-int4");
    ck_assert_str_eq(rl_harness_quant_id("llama 8B Q9_Z"), "");
    ck_assert_str_eq(rl_harness_kv_id("f16"), "fp16");
    ck_assert_str_eq(rl_harness_kv_id("fp8_e4m3"), "fp8");
    ck_assert_str_eq(rl_harness_hw_id(cat, "NVIDIA GeForce RTX 4090"), "rtx-4090");
    ck_assert_str_eq(rl_harness_hw_id(cat, "NVIDIA GeForce RTX 4090 24GB"), "rtx-4090");
    ck_assert_str_eq(rl_harness_hw_id(cat, "h100-sxm"), "h100-sxm");
    ck_assert_ptr_null(rl_harness_hw_id(cat, "NVIDIA A100"));   /* three A100s: ambiguous */
    ck_assert_ptr_null(rl_harness_hw_id(cat, "NVIDIA GeForce RTX 409"));  /* no word prefix */
}
END_TEST

/* ------------------------------------------------------------- runmeas */

START_TEST(records_become_rows)
{
    rl_harness_opts o = { 0 };
    rl_runrec *r;
    rl_harness_report rep;
    rl_meas_set s;
    rl_run_skips w;
    rl_err e;
    int n;

    o.cat = cat;
    o.model_id = "llama-3-8b";
    n = import("llama-server.log", &o, &r, &rep);
    memset(&s, 0, sizeof s);
    rl_err_clear(&e);
    ck_assert_int_eq(rl_meas_add_runs(&s, r, n, cat, &w, &e), RL_OK);
    /* decode, prefill, device weights, file size, KV */
    ck_assert_int_eq(s.n, 5);
    ck_assert_int_eq(w.used, 1);
    for (int i = 0; i < s.n; i++) {
        const rl_meas *m = &s.m[i];
        ck_assert_int_eq(m->line, 1);
        ck_assert_str_eq(m->hw_id, "rtx-4090");
        if (m->metric == RL_M_KV) {
            ck_assert_int_eq(m->cfg.context_cap, 8192);
            ck_assert_double_eq_tol(m->value, 1.0, 1e-12);      /* 1024 MiB in GiB */
        }
        if (m->metric == RL_M_DECODE) {
            ck_assert_int_eq(m->cfg.prompt, 512);
            ck_assert_int_eq(m->cfg.output, 512);
        }
    }
    rl_meas_free(&s);
    /* unknown model: skipped and counted; file size without a device: kept */
    snprintf(r[0].model_id, sizeof r[0].model_id, "no-such-model");
    ck_assert_int_eq(rl_meas_add_runs(&s, r, n, cat, &w, &e), RL_OK);
    ck_assert_int_eq(s.n, 0);
    ck_assert_int_eq(w.no_model, 1);
    snprintf(r[0].model_id, sizeof r[0].model_id, "llama-3-8b");
    r[0].hardware_id[0] = r[0].hardware_name[0] = '\0';
    ck_assert_int_eq(rl_meas_add_runs(&s, r, n, cat, &w, &e), RL_OK);
    ck_assert_int_eq(s.n, 1);
    ck_assert_int_eq(s.m[0].whole_file, 1);
    ck_assert_int_eq(w.size_only, 1);           /* its speeds went unchecked: say so */
    {
        char text[512];
        rl_run_skips_text(&w, text, sizeof text);
        ck_assert_msg(strstr(text, "1 record compared on file size only") == text, "%s", text);
        ck_assert_ptr_nonnull(strstr(text, "--hardware"));
    }
    rl_meas_free(&s);
    free(r);
}
END_TEST

/* The estimate against what a real llama.cpp allocated (captured log of
 * llama-completion -lv 4, build 11669, 2048 cells): the file size and the
 * KV cache of the record's own rows, predicted by the model.  (The
 * server log's 4096 cells exceed TinyLlama's 2048-token context, which
 * the estimate refuses: that row gets no prediction and drift skips it.) */
START_TEST(captured_memory_is_predicted)
{
    rl_harness_opts o = { 0 };
    rl_runrec *r;
    rl_harness_report rep;
    rl_meas_set s;
    rl_run_skips w;
    rl_err e;
    int n, seen = 0;

    o.cat = cat;
    o.model_id = "tinyllama-1.1b";
    o.hardware_id = "cpu-server-avx512";        /* the log names "AMD EPYC" */
    n = import("captured/llama-completion-lv4.log", &o, &r, &rep);
    memset(&s, 0, sizeof s);
    rl_err_clear(&e);
    ck_assert_int_eq(rl_meas_add_runs(&s, r, n, cat, &w, &e), RL_OK);
    for (int i = 0; i < s.n; i++) {
        const rl_meas *m = &s.m[i];
        double p = rl_meas_predict(m);
        if (m->metric != RL_M_KV && !m->whole_file) continue;
        ck_assert_msg(fabs(p / m->value - 1) <= 0.01, "metric %d: predicted %g, measured %g",
                      m->metric, p, m->value);
        seen++;
    }
    ck_assert_int_eq(seen, 2);                  /* KV (44 MiB) and the file (636.18 MiB) */
    rl_meas_free(&s);
    free(r);
}
END_TEST

START_TEST(drift_alarm_fires_on_a_miss)
{
    rl_harness_opts o = { 0 };
    rl_runrec *r;
    rl_harness_report rep;
    rl_meas_set s;
    rl_drift_row *g;
    rl_err e;
    int n, ng, alarms, k;

    o.cat = cat;
    o.model_id = "llama-3-8b";
    n = import("llama-bench.json", &o, &r, &rep);
    memset(&s, 0, sizeof s);
    rl_err_clear(&e);
    ck_assert_int_eq(rl_meas_add_runs(&s, r, n, cat, NULL, &e), RL_OK);
    /* the shipped calibration fits these public numbers well */
    alarms = rl_drift(&s, r, &g, &ng);
    ck_assert_int_eq(alarms, 0);
    free(g);
    /* a build 40% faster at decode than the model expects */
    for (int i = 0; i < s.n; i++)
        if (s.m[i].metric == RL_M_DECODE) s.m[i].value *= 1.4;
    alarms = rl_drift(&s, r, &g, &ng);
    ck_assert_int_eq(alarms, 1);
    for (k = 0; k < ng && g[k].cls != RL_DRIFT_DECODE; k++) {}
    ck_assert_int_lt(k, ng);
    ck_assert(g[k].alarm);
    ck_assert_str_eq(g[k].runtime_version, "b2824 (4426e298)");
    ck_assert(g[k].median_signed_pct < -12);        /* the model is too slow */
    free(g);
    rl_meas_free(&s);
    free(r);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("harness");
    TCase *t = tcase_create("core");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, llama_bench_json);
    tcase_add_test(t, llama_bench_jsonl_csv_md);
    tcase_add_test(t, content_not_extension_decides);
    tcase_add_test(t, skipped_tests_and_bad_rows);
    tcase_add_test(t, vllm_bench_serve);
    tcase_add_test(t, trtllm_bench_report);
    tcase_add_test(t, llama_cpp_logs);
    tcase_add_test(t, captured_llama_bench);
    tcase_add_test(t, captured_llama_logs);
    tcase_add_test(t, captured_memory_is_predicted);
    tcase_add_test(t, vllm_log_and_host_privacy);
    tcase_add_test(t, gpu_uuid_is_hashed);
    tcase_add_test(t, flags_fill_and_override);
    tcase_add_test(t, name_mapping);
    tcase_add_test(t, records_become_rows);
    tcase_add_test(t, drift_alarm_fires_on_a_miss);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return rl_test_run(suite());
}
