/*
 * test_launch.c -- the launch-command table (model/launch.h): each
 * runtime's program and flags for a configuration, the values they carry
 * (tp, pp, context, slots, KV dtype, weight format), what is left out
 * when it is the runtime's default, the model argument (catalog repo,
 * placeholder, the user's file, shell quoting), and the vLLM KV-dtype
 * spellings.
 */
#include <check.h>
#include "testutil.h"
#include <string.h>

#include "launch.h"

static rl_catalog *cat;
static char cmd[RL_LAUNCH_MAX];

static void setup(void) { cat = rl_test_catalog(); }
static void teardown(void) { rl_catalog_free(cat); }

/* A configuration from catalog ids; kv may be NULL. */
static rl_config cfg(const char *model, const char *rt, const char *quant, const char *kv,
                     int tp, int pp, int conc, long ctx)
{
    rl_config c;
    rl_config_init(&c);
    c.model = rl_catalog_model(cat, model);
    c.hw = rl_catalog_hw(cat, "h100-sxm");
    c.rt = rl_catalog_runtime(cat, rt);
    c.quant = rl_catalog_quant(cat, quant);
    c.kv = kv ? rl_catalog_kvtype(cat, kv) : NULL;
    ck_assert(c.model && c.rt && c.quant && (!kv || c.kv));
    c.tp = tp;
    c.pp = pp;
    c.devices = tp * pp;
    c.concurrency = conc;
    c.context_cap = ctx;
    return c;
}

static const char *launch(rl_config c, const char *path)
{
    ck_assert_int_eq(rl_launch_command(&c, path, cmd, sizeof cmd), 1);
    return cmd;
}

START_TEST(vllm_flags)
{
    ck_assert_str_eq(launch(cfg("llama-3.1-70b", "vllm", "fp8", "fp8", 4, 2, 32, 8192), NULL),
                     "vllm serve meta-llama/Llama-3.1-70B-Instruct --quantization fp8 "
                     "--tensor-parallel-size 4 --pipeline-parallel-size 2 --max-model-len 8192 "
                     "--kv-cache-dtype fp8 --max-num-seqs 32");
    /* tp/pp 1 and an fp16 KV cache are vLLM's defaults: not spelled out;
     * no context cap: prompt + output (512 + 128) */
    ck_assert_str_eq(launch(cfg("llama-3.1-8b", "vllm", "bf16", "fp16", 1, 1, 1, 0), NULL),
                     "vllm serve meta-llama/Llama-3.1-8B-Instruct --dtype bfloat16 "
                     "--max-model-len 640 --max-num-seqs 1");
    /* a pre-quantized checkpoint is not the official repo: a placeholder */
    launch(cfg("llama-3.1-70b", "vllm", "awq-int4", "fp16", 2, 1, 8, 4096), NULL);
    ck_assert_ptr_nonnull(strstr(cmd, "vllm serve <Llama-3.1-70B-Instruct-awq-int4> "
                                      "--quantization awq --tensor-parallel-size 2"));
    /* a memory share the user set, and replicas served by one process */
    {
        rl_config c = cfg("llama-3.1-8b", "vllm", "bf16", "fp16", 1, 1, 1, 0);
        c.mem_util = 0.85;
        c.replicas = 8;
        ck_assert_str_eq(launch(c, NULL),
                         "vllm serve meta-llama/Llama-3.1-8B-Instruct --dtype bfloat16 "
                         "--max-model-len 640 --max-num-seqs 1 --gpu-memory-utilization 0.85 "
                         "--data-parallel-size 8");
        c.rt = rl_catalog_runtime(cat, "sglang");
        ck_assert_ptr_nonnull(strstr(launch(c, NULL), " --mem-fraction-static 0.85 --dp-size 8"));
    }
}
END_TEST

START_TEST(llama_server_flags)
{
    rl_config c = cfg("llama-3.1-70b", "llama.cpp", "q4_k_m", "q8_0", 1, 2, 4, 4096);
    /* -c is shared by the -np slots: 4096 x 4 */
    ck_assert_str_eq(launch(c, NULL), "llama-server -m <Llama-3.1-70B-Instruct-Q4_K_M.gguf> "
                                      "-ngl 999 -c 16384 -np 4 -sm layer -ctk q8_0 -ctv q8_0");
    c = cfg("llama-3.1-8b", "llama.cpp", "q4_0", "fp16", 1, 1, 1, 2048);
    c.offload_layers = 12;              /* 32 layers, 12 on the host */
    ck_assert_str_eq(launch(c, "/m/my model.gguf"),
                     "llama-server -m '/m/my model.gguf' -ngl 20 -c 2048");
    ck_assert_str_eq(launch(c, "x.gguf"), "llama-server -m x.gguf -ngl 20 -c 2048");
}
END_TEST

START_TEST(other_runtimes)
{
    ck_assert_str_eq(launch(cfg("llama-3.1-70b", "tensorrt-llm", "fp16", "fp8", 8, 1, 64, 4096),
                            NULL),
                     "trtllm-serve meta-llama/Llama-3.1-70B-Instruct --tp_size 8 "
                     "--max_batch_size 64 --max_seq_len 4096  # KV cache fp8: "
                     "kv_cache_config.dtype in the --extra_llm_api_options YAML");
    ck_assert_str_eq(launch(cfg("qwen2.5-7b", "sglang", "fp16", "fp8", 2, 1, 16, 8192), NULL),
                     "python -m sglang.launch_server --model-path Qwen/Qwen2.5-7B-Instruct "
                     "--dtype float16 --tp-size 2 --context-length 8192 "
                     "--kv-cache-dtype fp8_e4m3 --max-running-requests 16");
    ck_assert_str_eq(launch(cfg("llama-3.1-8b", "mlc-llm", "q4f16_1", "fp16", 2, 1, 4, 2048),
                            NULL),
                     "mlc_llm serve <Llama-3.1-8B-Instruct-q4f16_1-MLC> --mode server "
                     "--overrides \"tensor_parallel_shards=2;context_window_size=2048;"
                     "max_num_sequence=4\"");
    ck_assert_str_eq(launch(cfg("llama-3.1-8b", "mlx", "q4_0", "fp16", 1, 1, 1, 0), NULL),
                     "mlx_lm.server --model <Llama-3.1-8B-Instruct-4bit>");
    /* no standard server command line of their own */
    rl_config c = cfg("llama-3.1-8b", "exllamav2", "gptq-int4", "fp16", 1, 1, 1, 0);
    ck_assert_int_eq(rl_launch_command(&c, NULL, cmd, sizeof cmd), 0);
    ck_assert_str_eq(cmd, "");
}
END_TEST

START_TEST(every_catalog_runtime_has_a_row)
{
    /* a runtime added to runtimes.cfg must get a launch row (or an
     * explicit "none" row): the fallback would silently print nothing */
    for (int i = 0; i < rl_catalog_count(cat, RL_CAT_RUNTIME); i++) {
        const rl_runtime *rt = rl_catalog_runtime_at(cat, i);
        rl_config c = cfg("llama-3.1-8b", "vllm", "fp16", NULL, 1, 1, 1, 0);
        c.rt = rt;
        c.quant = rl_catalog_quant(cat, rt->quants[0]);
        int r = rl_launch_command(&c, NULL, cmd, sizeof cmd);
        int none = !strcmp(rt->id, "exllamav2") || !strcmp(rt->id, "hailort") ||
                   !strcmp(rt->id, "rknn-llm") || !strcmp(rt->id, "rknn");
        ck_assert_msg(r == !none, "runtime %s: launch %d", rt->id, r);
    }
}
END_TEST

START_TEST(model_placeholders)
{
    rl_arch a = *rl_catalog_model(cat, "llama-3.1-8b");
    rl_config c = cfg("llama-3.1-8b", "vllm", "fp16", NULL, 1, 1, 1, 1024);
    a.hf_repo[0] = 0;                   /* a model file without a repo */
    c.model = &a;
    ck_assert_ptr_nonnull(strstr(launch(c, NULL), "vllm serve <path-to-model> --dtype"));
    c.quant = rl_catalog_quant(cat, "gptq-int4");
    ck_assert_ptr_nonnull(strstr(launch(c, NULL), "vllm serve <path-to-model-gptq-int4> "));
    /* a config.json the user gave: its folder is the model */
    ck_assert_ptr_nonnull(strstr(launch(c, "/srv/m/config.json"), "vllm serve /srv/m "));
    c = cfg("llama-3.1-8b", "llama.cpp", "q8_0", NULL, 1, 1, 1, 1024);
    a.hf_repo[0] = 0;
    c.model = &a;
    ck_assert_ptr_nonnull(strstr(launch(c, NULL), "-m <path-to-model.gguf> "));
}
END_TEST

START_TEST(kv_aliases)
{
    ck_assert_str_eq(rl_launch_kv_alias("auto"), "fp16");
    ck_assert_str_eq(rl_launch_kv_alias("fp8"), "fp8");
    ck_assert_str_eq(rl_launch_kv_alias("fp8_e4m3"), "fp8");
    ck_assert_str_eq(rl_launch_kv_alias("fp8_e5m2"), "fp8");
    ck_assert_str_eq(rl_launch_kv_alias("q8_0"), "q8_0");
    ck_assert_ptr_null(rl_launch_kv_alias(NULL));
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("launch");
    TCase *t = tcase_create("core");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, vllm_flags);
    tcase_add_test(t, llama_server_flags);
    tcase_add_test(t, other_runtimes);
    tcase_add_test(t, every_catalog_runtime_has_a_row);
    tcase_add_test(t, model_placeholders);
    tcase_add_test(t, kv_aliases);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return rl_test_run(suite());
}
