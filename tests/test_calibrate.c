/*
 * test_calibrate.c -- calibrate.h: loading public measurements (CSV
 * quoting, units, SUSPECT rows, unknown entries), and the key known-answer
 * test of the fit: measurements generated FROM the model with a known
 * backend parameter must give that parameter back.
 */
#include <check.h>
#include "testutil.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "calibrate.h"

#define GIB 1073741824.0
#define CATDIR RL_SOURCE_DIR "/model/catalog"

static char tmp[64];

static void write_file(const char *name, const char *body)
{
    char p[256];
    FILE *f;
    snprintf(p, sizeof p, "%s/%s", tmp, name);
    f = fopen(p, "wb");
    ck_assert_ptr_nonnull(f);
    fputs(body, f);
    fclose(f);
}

static void make_tmp(void)
{
    snprintf(tmp, sizeof tmp, "/tmp/rl_test_cal_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmp));
}

static void remove_tmp(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    ck_assert_int_eq(system(cmd), 0);
}

START_TEST(shared_data_loads)
{
    rl_err e;
    rl_catalog *cat = rl_catalog_open(CATDIR, &e);
    rl_meas_set s;
    int per[RL_M_N] = { 0 };
    ck_assert_ptr_nonnull(cat);
    ck_assert_int_eq(rl_meas_load(RL_REPO_DATA "/benchmarks", cat, &s, &e), RL_OK);
    ck_assert_msg(s.n > 500, "only %d rows", s.n);
    ck_assert_msg(s.skipped <= 15, "%d rows skipped", s.skipped);
    ck_assert_int_ge(s.suspect, 1);
    for (int i = 0; i < s.n; i++) {
        const rl_meas *m = &s.m[i];
        per[m->metric]++;
        ck_assert(m->value > 0 && isfinite(m->value));
        ck_assert(m->cfg.model && m->cfg.hw && m->cfg.rt && m->cfg.quant && m->cfg.kv);
        ck_assert_int_gt(m->line, 1);
    }
    ck_assert_int_gt(per[RL_M_DECODE], 100);
    ck_assert_int_gt(per[RL_M_PREFILL], 100);
    ck_assert_int_gt(per[RL_M_THROUGHPUT], 10);
    ck_assert_int_gt(per[RL_M_WEIGHTS], 5);
    rl_meas_free(&s);
    ck_assert_int_eq(s.n, 0);
    rl_meas_free(NULL);
    rl_catalog_free(cat);
}
END_TEST

START_TEST(missing_folder_is_eio)
{
    rl_err e;
    rl_catalog *cat = rl_catalog_open(CATDIR, &e);
    rl_meas_set s;
    ck_assert_int_eq(rl_meas_load("/nonexistent/bench", cat, &s, &e), RL_EIO);
    ck_assert_ptr_nonnull(strstr(e.file, "hardware.csv"));
    make_tmp();
    write_file("hardware.csv", "hardware,id\n");
    ck_assert_int_eq(rl_meas_load(tmp, cat, &s, &e), RL_EIO);     /* no measurements.csv */
    ck_assert_ptr_nonnull(strstr(e.file, "measurements.csv"));
    remove_tmp();
    rl_catalog_free(cat);
}
END_TEST

/* Physical line numbers are given in the comments: a record's line is the
 * line it starts on. */
static const char synth_csv[] =
    "source_id,model,params_b,quant,runtime,hardware,n_devices,batch,prompt_tokens,gen_tokens,metric,value,unit,notes\n"
    /* 2-3: quoted note with a comma and a newline */
    "T,Llama-3-8B,8.03,Q4_K_M,llama.cpp (CUDA),NVIDIA GeForce RTX 4090 24GB,1,1,0,512,decode_tok_s,120.5,tok/s,\"tg512, mean\nsecond line\"\n"
    /* 4: weights in MiB */
    "T,Llama-3-8B,8.03,Q4_K_M,llama.cpp (CUDA),NVIDIA GeForce RTX 4090 24GB,1,1,0,0,weights_gb,4403.49,MiB,CUDA0 buffer\n"
    /* 5: file size in GB (1e9) */
    "T,Llama-3-8B,8.03,Q4_K_M,llama.cpp,,1,1,0,0,file_size_gb,4.92,GB,\n"
    /* 6: KV in GiB */
    "T,Llama-3-8B,8.03,F16,llama.cpp,\"NVIDIA GeForce RTX 4090 24GB\",1,1,8192,0,kv_cache_gb,1.0,GiB,n_ctx 8192\n"
    /* 7: SUSPECT */
    "T,Llama-3-8B,8.03,Q4_K_M,llama.cpp,NVIDIA GeForce RTX 4090 24GB,1,1,512,0,prefill_tok_s,12.0,tok/s,SUSPECT cold start\n"
    /* 8: unknown model */
    "T,Llama-9-1T,1000,Q4_K_M,llama.cpp,NVIDIA GeForce RTX 4090 24GB,1,1,0,512,decode_tok_s,1.0,tok/s,\n"
    /* 9: unknown device for a performance row */
    "T,Llama-3-8B,8.03,Q4_K_M,llama.cpp,Imaginary GPU 9000,1,1,0,512,decode_tok_s,50.0,tok/s,\n"
    /* 10: too few fields */
    "T,Llama-3-8B,8.03\n"
    /* 11: blank line (not a row) */
    "\n"
    /* 12: per-GPU unit on 2 devices, quoted runtime with a comma, "max" batch, CRLF */
    "T,Llama-3.1-8B,8.03,FP8,\"TensorRT-LLM, v0.17\",NVIDIA H100 80GB HBM3,2,max (offline),128,128,decode_tok_s,1000,tok/s/GPU,\"x\"\"y\"\r\n"
    /* 13: TTFT */
    "T,Llama-3-8B,8.03,Q4_K_M,llama.cpp,NVIDIA GeForce RTX 4090 24GB,1,1,258,1024,ttft_ms,25.0,ms,\n"
    /* 14: unknown runtime */
    "T,Llama-3-8B,8.03,Q4_K_M,DeepSpeed,NVIDIA GeForce RTX 4090 24GB,1,1,0,512,decode_tok_s,100,tok/s,\n"
    /* 15: TTFT of a single CLI run (a fresh process's first prompt) */
    "T,Llama-3-8B,8.03,Q4_K_M,llama.cpp main build 1 (CUDA),NVIDIA GeForce RTX 4090 24GB,1,1,258,1024,ttft_ms,60.0,ms,\n"
    /* 16: TTFT of a serving benchmark under Poisson arrivals */
    "T,Llama-3.1-8B,8.03,BF16,TensorRT-LLM v0.14.0 (online serving),NVIDIA H100 80GB HBM3,1,\"~QPS 4 (Poisson)\",467,2000,ttft_ms,23,ms,\n";

static const char synth_hw[] =
    "hardware,id,class\n"
    "NVIDIA GeForce RTX 4090 24GB,rtx-4090,gpu\n"
    "\"NVIDIA H100 80GB HBM3\",h100-sxm,gpu\n";

START_TEST(synthetic_csv)
{
    rl_err e;
    rl_catalog *cat = rl_catalog_open(CATDIR, &e);
    rl_meas_set s;
    const rl_meas *m;
    ck_assert_ptr_nonnull(cat);
    make_tmp();
    write_file("measurements.csv", synth_csv);
    write_file("hardware.csv", synth_hw);
    ck_assert_int_eq(rl_meas_load(tmp, cat, &s, &e), RL_OK);
    ck_assert_int_eq(s.n, 8);
    ck_assert_int_eq(s.suspect, 1);
    ck_assert_int_eq(s.skipped, 4);        /* unknown model, device, runtime; short row */

    m = &s.m[0];
    ck_assert_int_eq(m->metric, RL_M_DECODE);
    ck_assert_str_eq(m->cfg.model->id, "llama-3-8b");
    ck_assert_str_eq(m->cfg.quant->id, "q4_k_m");
    ck_assert_str_eq(m->cfg.rt->id, "llama.cpp");
    ck_assert_str_eq(m->hw_id, "rtx-4090");
    ck_assert_int_eq(m->cfg.prompt, 0);
    ck_assert_int_eq(m->cfg.output, 512);
    ck_assert(fabs(m->value - 120.5) < 1e-9);

    m = &s.m[1];
    ck_assert_int_eq(m->metric, RL_M_WEIGHTS);
    ck_assert_int_eq(m->whole_file, 0);
    ck_assert(fabs(m->value - 4403.49 / 1024) < 1e-9);          /* MiB -> GiB */

    m = &s.m[2];
    ck_assert_int_eq(m->metric, RL_M_WEIGHTS);
    ck_assert_int_eq(m->whole_file, 1);
    ck_assert(fabs(m->value - 4.92e9 / GIB) < 1e-9);            /* GB -> GiB */

    m = &s.m[3];
    ck_assert_int_eq(m->metric, RL_M_KV);
    ck_assert(fabs(m->value - 1.0) < 1e-12);
    ck_assert_int_eq(m->cfg.context_cap, 8192);
    ck_assert_str_eq(m->cfg.quant->id, "fp16");                 /* F16 */

    m = &s.m[4];
    ck_assert_int_eq(m->metric, RL_M_THROUGHPUT);
    ck_assert_int_eq(m->batch, 0);                             /* "max (offline)" */
    ck_assert_str_eq(m->cfg.rt->id, "tensorrt-llm");
    ck_assert_str_eq(m->hw_id, "h100-sxm");
    ck_assert_int_eq(m->cfg.devices, 2);
    ck_assert(fabs(m->value - 2000) < 1e-9);                    /* tok/s/GPU x 2 */
    ck_assert_str_eq(m->cfg.kv->id, "fp8");                     /* TRT-LLM FP8 = weights + KV */

    m = &s.m[5];
    ck_assert_int_eq(m->metric, RL_M_TTFT);
    ck_assert_int_eq(m->cfg.output, 0);
    ck_assert_int_eq(m->cfg.prompt, 258);
    ck_assert_int_eq(m->cold, 0);                               /* llama-bench style */
    ck_assert_int_eq(m->served, 0);                             /* engine-level */

    /* a cold run predicts the warm TTFT plus the backend's cold_ms */
    m = &s.m[6];
    ck_assert_int_eq(m->metric, RL_M_TTFT);
    ck_assert_int_eq(m->cold, 1);
    {
        const rl_backend *b = rl_runtime_backend_prefill(m->cfg.rt, m->cfg.hw);
        double lo, hi, cold = rl_meas_predict_band(m, &lo, &hi), warm;
        rl_meas w = *m;
        ck_assert_int_eq(m->cfg.cold, 1);                       /* estimate --cold */
        w.cold = w.cfg.cold = 0;
        warm = rl_meas_predict(&w);
        ck_assert(b->cold_ms > 0);
        ck_assert_msg(rl_feq(cold, warm + b->cold_ms), "cold %g warm %g + %g", cold, warm,
                      b->cold_ms);
        ck_assert(lo > b->cold_ms && lo < cold && cold < hi);
    }

    /* requests arriving while others decode wait for the step in flight:
     * the loaded TTFT exceeds the idle one by at least half a step */
    m = &s.m[7];
    ck_assert_int_eq(m->metric, RL_M_TTFT);
    ck_assert(fabs(m->qps - 4) < 1e-12);
    ck_assert_int_eq(m->gen, 2000);
    ck_assert_int_eq(m->cfg.output, 0);
    {
        rl_meas idle = *m;
        rl_config c = m->cfg;
        rl_estimate one;
        double loaded = rl_meas_predict(m), alone;
        idle.qps = 0;
        alone = rl_meas_predict(&idle);
        c.output = 2000;
        ck_assert_int_eq(rl_estimate_run(&c, &one, NULL), RL_OK);
        ck_assert_msg(loaded >= alone + 0.5 * one.tpot_ms.p50 * 0.9, "loaded %g idle %g step %g",
                      loaded, alone, one.tpot_ms.p50);
    }
    /* a client of the server sees its front end; an engine-level timing
     * (gptSessionBenchmark, a CLI) of the same prompt does not */
    ck_assert_int_eq(m->served, 1);
    {
        const rl_backend *b = rl_runtime_backend_prefill(m->cfg.rt, m->cfg.hw);
        rl_meas served = *m, engine = *m;
        double ps, pe;
        served.qps = engine.qps = 0;
        engine.served = 0;
        ps = rl_meas_predict(&served);
        pe = rl_meas_predict(&engine);
        ck_assert(b->frontend_ms > 0);
        ck_assert_msg(rl_feq(ps, pe + b->frontend_ms), "served %g engine %g + %g", ps, pe,
                      b->frontend_ms);
    }
    rl_meas_free(&s);
    remove_tmp();
    rl_catalog_free(cat);
}
END_TEST

/* rl_meas.line is "line in measurements.csv": the line the record starts on. */
START_TEST(synthetic_line_numbers)
{
    rl_err e;
    rl_catalog *cat = rl_catalog_open(CATDIR, &e);
    rl_meas_set s;
    static const int want[] = { 2, 4, 5, 6, 12, 13, 15, 16 };
    make_tmp();
    write_file("measurements.csv", synth_csv);
    write_file("hardware.csv", synth_hw);
    ck_assert_int_eq(rl_meas_load(tmp, cat, &s, &e), RL_OK);
    ck_assert_int_eq(s.n, 8);
    {
        char why[128] = "";
        for (int i = s.n - 1; i >= 0; i--)
            if (s.m[i].line != want[i])
                snprintf(why, sizeof why, "row %d: line %d, want %d", i, s.m[i].line, want[i]);
        rl_meas_free(&s);            /* free first: a failed check ends the test */
        remove_tmp();
        rl_catalog_free(cat);
        ck_assert_msg(why[0] == '\0', "%s", why);
    }
}
END_TEST

START_TEST(predictions_positive)
{
    rl_err e;
    rl_catalog *cat = rl_catalog_open(CATDIR, &e);
    rl_meas_set s;
    ck_assert_int_eq(rl_meas_load(RL_REPO_DATA "/benchmarks", cat, &s, &e), RL_OK);
    for (int i = 0; i < s.n; i++) {
        double lo, hi, p = rl_meas_predict_band(&s.m[i], &lo, &hi);
        ck_assert_msg(p > 0 && isfinite(p), "line %d: prediction %g", s.m[i].line, p);
        ck_assert_msg(lo <= p * (1 + 1e-9) && p <= hi * (1 + 1e-9), "line %d: band %g %g %g",
                      s.m[i].line, lo, p, hi);
        ck_assert(rl_feq(p, rl_meas_predict(&s.m[i])));
    }
    ck_assert_str_eq(rl_metric_name(RL_M_TTFT), "ttft_ms");
    ck_assert_str_eq(rl_metric_name(99), "?");
    rl_meas_free(&s);
    rl_catalog_free(cat);
}
END_TEST

/* ------------------------------------------------ known-answer fit */

/* Decode measurements of llama.cpp on NVIDIA GDDR cards generated by the
 * model itself with the "nvidia" backend at bw_eff = truth. */
static int synth_decode(rl_catalog *cat, rl_meas *out, int max)
{
    static const char *const models[] = { "llama-3-8b", "llama-2-7b", "llama-2-13b",
                                          "qwen2.5-14b", "llama-3.2-1b", "mistral-7b-v0.1" };
    static const char *const quants[] = { "q4_k_m", "q8_0", "fp16" };
    static const char *const hws[] = { "rtx-4090", "rtx-3090", "rtx-6000-ada", "rtx-a6000" };
    static const long outs[] = { 128, 1024, 4096 };
    int n = 0;
    for (size_t a = 0; a < sizeof models / sizeof *models; a++)
        for (size_t q = 0; q < sizeof quants / sizeof *quants; q++)
            for (size_t h = 0; h < sizeof hws / sizeof *hws; h++)
                for (size_t o = 0; o < sizeof outs / sizeof *outs && n < max; o++) {
                    rl_meas *m = &out[n];
                    rl_estimate e;
                    memset(m, 0, sizeof *m);
                    m->metric = RL_M_DECODE;
                    m->batch = 1;
                    snprintf(m->hw_id, sizeof m->hw_id, "%s", hws[h]);
                    rl_config_init(&m->cfg);
                    m->cfg.model = rl_catalog_model(cat, models[a]);
                    m->cfg.hw = rl_catalog_hw(cat, hws[h]);
                    m->cfg.rt = rl_catalog_runtime(cat, "llama.cpp");
                    m->cfg.quant = rl_catalog_quant(cat, quants[q]);
                    m->cfg.kv = rl_catalog_kvtype(cat, "fp16");
                    m->cfg.prompt = 0;
                    m->cfg.output = outs[o];
                    ck_assert(m->cfg.model && m->cfg.hw && m->cfg.quant);
                    if (rl_estimate_run(&m->cfg, &e, NULL) != RL_OK ||
                        e.feasibility != RL_IN_VRAM) continue;
                    m->value = rl_meas_predict(m);
                    ck_assert(m->value > 0);
                    n++;
                }
    return n;
}

START_TEST(fit_recovers_bw_eff)
{
    rl_err e;
    rl_catalog *cat = rl_catalog_open_priors(CATDIR, &e);
    rl_runtime *rt = rl_catalog_runtime_mut(cat, "llama.cpp");
    const rl_hw *g = rl_catalog_hw(cat, "rtx-4090");
    rl_backend *b = (rl_backend *)rl_runtime_backend(rt, g);
    rl_meas rows[256];
    rl_meas_set s;
    double prior;
    int groups;

    ck_assert_str_eq(b->match, "nvidia");
    prior = b->bw_eff;
    ck_assert(fabs(prior - 0.8) < 1e-12);
    b->bw_eff = 0.7;                                   /* the truth */
    memset(&s, 0, sizeof s);
    s.m = rows;
    s.n = synth_decode(cat, rows, 256);
    ck_assert_int_ge(s.n, 40);
    /* every row belongs to the same backend */
    for (int i = 0; i < s.n; i++)
        ck_assert_ptr_eq(rl_runtime_backend(rt, rows[i].cfg.hw), b);
    b->bw_eff = prior;                                 /* start from the prior again */
    ck_assert(fabs(rl_meas_predict(&rows[0]) / rows[0].value - 1) > 0.05);
    groups = rl_calibrate_fit(cat, &s, NULL);
    ck_assert_int_eq(groups, 1);
    ck_assert_msg(fabs(b->bw_eff - 0.7) <= 0.05 * 0.7, "fitted bw_eff %.4f, truth 0.7", b->bw_eff);
    ck_assert_int_eq(b->fitted_points, s.n);
    /* and the fitted backend reproduces the data */
    for (int i = 0; i < s.n; i++)
        ck_assert_msg(fabs(rl_meas_predict(&rows[i]) / rows[i].value - 1) < 0.05,
                      "row %d off by %g", i, rl_meas_predict(&rows[i]) / rows[i].value - 1);
    rl_catalog_free(cat);
}
END_TEST

START_TEST(fit_holdout_and_roundtrip)
{
    rl_err e;
    rl_catalog *cat = rl_catalog_open_priors(CATDIR, &e), *again;
    rl_runtime *rt = rl_catalog_runtime_mut(cat, "llama.cpp");
    rl_backend *b = (rl_backend *)rl_runtime_backend(rt, rl_catalog_hw(cat, "rtx-4090"));
    rl_meas rows[256];
    rl_meas_set s;
    rl_meas only4090[64];
    rl_meas_set one;
    char path[128];
    int n1 = 0;

    b->bw_eff = 0.7;
    memset(&s, 0, sizeof s);
    s.m = rows;
    s.n = synth_decode(cat, rows, 256);
    b->bw_eff = 0.8;
    /* holding out the only device fits nothing and leaves the prior */
    for (int i = 0; i < s.n && n1 < 64; i++)
        if (strcmp(rows[i].hw_id, "rtx-4090") == 0) only4090[n1++] = rows[i];
    memset(&one, 0, sizeof one);
    one.m = only4090;
    one.n = n1;
    ck_assert_int_eq(rl_calibrate_fit(cat, &one, "rtx-4090"), 0);
    ck_assert(fabs(b->bw_eff - 0.8) < 1e-12);
    ck_assert_int_eq(b->fitted_points, 0);
    /* fit, write, read back onto fresh priors */
    ck_assert_int_eq(rl_calibrate_fit(cat, &s, NULL), 1);
    ck_assert(b->q10_decode == 0 && b->q90_decode == 0);   /* a refit drops them */
    b->q10_decode = -0.125;
    b->q90_decode = 0.25;
    make_tmp();
    snprintf(path, sizeof path, "%s/calibration.cfg", tmp);
    ck_assert_int_eq(rl_calibration_write(cat, path, "test", &e), RL_OK);
    again = rl_catalog_open_priors(CATDIR, &e);
    ck_assert_int_eq(rl_catalog_apply_calibration(again, path, &e), RL_OK);
    {
        const rl_backend *r = rl_runtime_backend(rl_catalog_runtime(again, "llama.cpp"),
                                                 rl_catalog_hw(again, "rtx-4090"));
        ck_assert(fabs(r->bw_eff - b->bw_eff) < 1e-4);
        ck_assert(fabs(r->layer_us - b->layer_us) < 1e-3);
        ck_assert_int_eq(r->fitted_points, s.n);
        ck_assert(fabs(r->q10_decode + 0.125) < 1e-4 && fabs(r->q90_decode - 0.25) < 1e-4);
        /* runtimes that were not fitted keep their priors */
        ck_assert_int_eq(rl_runtime_backend(rl_catalog_runtime(again, "vllm"),
                                            rl_catalog_hw(again, "h100-sxm"))->fitted_points, 0);
    }
    ck_assert_int_eq(rl_calibration_write(cat, "/nonexistent/dir/c.cfg", "t", &e), RL_EIO);
    rl_catalog_free(again);
    remove_tmp();
    rl_catalog_free(cat);
}
END_TEST

/* Split-conformal bands: order statistics of the group's held-out
 * residuals, the held-out device's own rows left out, thin groups (few
 * rows or few devices) refused, p50 always inside. */
START_TEST(conformal_band_from_residuals)
{
    rl_err e;
    rl_catalog *cat = rl_catalog_open_priors(CATDIR, &e);
    rl_meas rows[256];
    rl_meas_set s;
    double res[256];
    rl_band b;
    int n, ndev4090 = 0;

    memset(&s, 0, sizeof s);
    s.m = rows;
    s.n = synth_decode(cat, rows, 256);
    ck_assert_int_ge(s.n, 40);
    ck_assert_int_eq(rl_band_class(RL_M_DECODE), 0);
    ck_assert_int_eq(rl_band_class(RL_M_THROUGHPUT), -1);
    /* 19 residuals -0.09 .. +0.09 on rows 0..18, the rest unknown */
    for (int i = 0; i < s.n; i++) res[i] = i < 19 ? (i - 9) * 0.01 : NAN;
    ck_assert_int_eq(rl_band_of(&s, res, 0, NULL, &b), 1);
    ck_assert_int_eq(b.n, 19);
    /* ranks floor(20 x 0.1) = 2 and ceil(20 x 0.9) = 18 of 19 */
    ck_assert(fabs(b.q10 + 0.08) < 1e-12 && fabs(b.q90 - 0.08) < 1e-12);
    /* scoring a device leaves its own residuals out */
    for (int i = 0; i < 19; i++) ndev4090 += strcmp(rows[i].hw_id, rows[0].hw_id) == 0;
    ck_assert_int_ge(ndev4090, 1);
    n = rl_band_of(&s, res, 0, rows[0].hw_id, &b);
    ck_assert_int_eq(b.n, 19 - ndev4090);
    ck_assert_int_eq(n, 19 - ndev4090 >= RL_BAND_MIN);
    /* rows of two devices are too few devices, however many rows */
    n = 0;
    for (int i = 0; i < s.n; i++) {
        int two = strcmp(rows[i].hw_id, "rtx-4090") == 0 || strcmp(rows[i].hw_id, "rtx-3090") == 0;
        res[i] = two ? (i % 7) * 0.01 - 0.03 : NAN;
        n += two;
    }
    ck_assert_int_ge(n, RL_BAND_MIN);
    ck_assert_int_eq(rl_band_of(&s, res, 0, NULL, &b), 0);
    ck_assert_int_eq(b.n, n);
    for (int i = 0; i < s.n; i++) res[i] = i < 19 ? (i - 9) * 0.01 : NAN;
    /* thin: 9 rows are not enough for the 90th percentile's rank */
    for (int i = 9; i < s.n; i++) res[i] = NAN;
    ck_assert_int_eq(rl_band_of(&s, res, 0, NULL, &b), 0);
    ck_assert_int_eq(b.n, 9);
    ck_assert(b.q10 == 0 && b.q90 == 0);
    /* a group the model always underpredicts: the band still holds p50 */
    for (int i = 0; i < s.n; i++) res[i] = i < 30 ? 0.1 + i * 0.01 : NAN;
    ck_assert_int_eq(rl_band_of(&s, res, 0, NULL, &b), 1);
    ck_assert(b.q10 == 0 && b.q90 > 0.3);
    rl_catalog_free(cat);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("calibrate");
    TCase *tc = tcase_create("core");

    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, shared_data_loads);
    tcase_add_test(tc, missing_folder_is_eio);
    tcase_add_test(tc, synthetic_csv);
    tcase_add_test(tc, synthetic_line_numbers);
    tcase_add_test(tc, predictions_positive);
    tcase_add_test(tc, fit_recovers_bw_eff);
    tcase_add_test(tc, fit_holdout_and_roundtrip);
    tcase_add_test(tc, conformal_band_from_residuals);
    suite_add_tcase(s, tc);
    return rl_test_run(s);
}
