/*
 * test_hardware.c -- hardware.h: profile loading with documented defaults,
 * errors that carry file:line, memory-tier queries and compute-peak
 * fallbacks.  Fixtures: tests/data/hw-minimal.cfg and tests/data/hw/.
 */
#include <check.h>
#include "testutil.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hardware.h"

#define HW(name) RL_TEST_DATA "/hw/" name

START_TEST(minimal_defaults)
{
    rl_hw h;
    rl_err e;
    rl_err_clear(&e);
    ck_assert_int_eq(rl_hw_load_file(RL_TEST_DATA "/hw-minimal.cfg", &h, &e), RL_OK);
    ck_assert_str_eq(h.id, "tiny-npu");
    ck_assert_str_eq(h.name, "tiny-npu");        /* name defaults to id */
    ck_assert_str_eq(h.klass, "npu");
    ck_assert_int_eq(h.count, 1);
    ck_assert(rl_feq(h.usable_fraction, 1.0));
    ck_assert_int_eq(h.n_tiers, 1);
    ck_assert_str_eq(h.tiers[0].tier, "lpddr");
    ck_assert(rl_feq(h.tiers[0].capacity_gib, 4.0));
    ck_assert(rl_feq(h.tiers[0].bandwidth_gbps, 25.6));
    ck_assert(rl_feq(h.peak[RL_C_INT8], 8.0));
    ck_assert(h.peak[RL_C_FP16] == 0);
    ck_assert_int_eq(h.fp8_native, 0);
    ck_assert(h.tdp_w == 0);                      /* unknown: power not estimated */
    ck_assert(h.c_per_w == 0);                    /* no thermal model */
    ck_assert(rl_feq(h.ambient_c, 25.0));
    ck_assert(h.link_gbps == 0);
    ck_assert_int_eq(h.link_all_to_all, 0);       /* no key: ring all-reduces */
    ck_assert(h.pcie_gbps > 0 && h.host_bandwidth_gbps > 0);
    ck_assert(h.price_usd == 0);
    ck_assert_ptr_null(rl_hw_sram_tier(&h));
    ck_assert_ptr_eq(rl_hw_main_tier(&h), &h.tiers[0]);
}
END_TEST

START_TEST(full_profile_and_tiers)
{
    rl_hw h;
    rl_err e;
    ck_assert_int_eq(rl_hw_load_file(HW("sram-npu.cfg"), &h, &e), RL_OK);
    ck_assert_int_eq(h.count, 2);
    ck_assert_str_eq(h.vendor, "generic");
    ck_assert(rl_feq(h.usable_fraction, 0.9));
    ck_assert_int_eq(h.n_tiers, 2);
    ck_assert_str_eq(rl_hw_sram_tier(&h)->tier, "sram");
    ck_assert_str_eq(rl_hw_main_tier(&h)->tier, "lpddr");   /* weights live past SRAM */
    ck_assert(rl_feq(h.tdp_w, 15.0) && rl_feq(h.idle_w, 2.0));
    ck_assert(rl_feq(h.link_gbps, 5.0) && rl_feq(h.link_latency_us, 20.0));
    ck_assert(rl_feq(h.host_ram_gib, 16.0) && rl_feq(h.pcie_gbps, 4.0));
    ck_assert(rl_feq(h.ambient_c, 30.0) && rl_feq(h.max_c, 85.0) && rl_feq(h.c_per_w, 2.0));
    ck_assert(rl_feq(h.price_usd, 99.0));
}
END_TEST

START_TEST(peak_fallbacks)
{
    rl_hw h;
    rl_err e;
    ck_assert_int_eq(rl_hw_load_file(HW("sram-npu.cfg"), &h, &e), RL_OK);
    /* fp16 10, int8 40, nothing else */
    ck_assert(rl_feq(rl_hw_peak(&h, RL_C_FP16), 10.0));
    ck_assert(rl_feq(rl_hw_peak(&h, RL_C_FP8), 10.0));    /* no fp8 unit: the fp16 figure */
    ck_assert(rl_feq(rl_hw_peak(&h, RL_C_BF16), 10.0));
    ck_assert(rl_feq(rl_hw_peak(&h, RL_C_FP32), 10.0));
    ck_assert(rl_feq(rl_hw_peak(&h, RL_C_INT8), 40.0));
    ck_assert(rl_feq(rl_hw_peak(&h, RL_C_INT4), 40.0));   /* int4 runs as int8 */
    ck_assert(rl_feq(rl_hw_peak(&h, 99), 10.0));          /* bad kind: fp16 */
    ck_assert_int_eq(h.fp8_native, 0);
    /* int8-only part: every float kind falls back to what exists */
    ck_assert_int_eq(rl_hw_load_file(RL_TEST_DATA "/hw-minimal.cfg", &h, &e), RL_OK);
    ck_assert(rl_feq(rl_hw_peak(&h, RL_C_FP16), 8.0));
    ck_assert(rl_feq(rl_hw_peak(&h, RL_C_FP8), 8.0));
    /* a part with fp8 uses it */
    h.peak[RL_C_FP8] = 100;
    ck_assert(rl_feq(rl_hw_peak(&h, RL_C_FP8), 100.0));
}
END_TEST

/* A profile without `vendor` gets the one its id or name names, where
 * exactly one vendor fits and makes that class of part. */
static const char *vendor_of(const char *id, const char *name, const char *klass)
{
    static rl_hw h;
    char txt[512];
    config_t cfg;
    rl_err e;
    int rc;
    snprintf(txt, sizeof txt, "id = \"%s\"; name = \"%s\"; class = \"%s\";\n"
             "memory = ( { tier = \"gddr\"; capacity_gib = 8.0; bandwidth_gbps = 400.0; } );\n"
             "compute = { fp16_tflops = 20.0; };", id, name, klass);
    config_init(&cfg);
    ck_assert_int_eq(config_read_string(&cfg, txt), CONFIG_TRUE);
    rc = rl_hw_from_setting(config_root_setting(&cfg), "t.cfg", &h, &e);
    config_destroy(&cfg);
    ck_assert_int_eq(rc, RL_OK);
    ck_assert_int_eq(h.vendor_inferred, h.vendor[0] != 0);
    return h.vendor;
}

START_TEST(vendor_read_off_the_name)
{
    rl_hw h;
    rl_err e;
    ck_assert_str_eq(vendor_of("my-rtx-box", "", "gpu"), "nvidia");
    ck_assert_str_eq(vendor_of("x", "GeForce RTX 4090", "gpu"), "nvidia");
    ck_assert_str_eq(vendor_of("node-a100-80g", "", "gpu"), "nvidia");
    ck_assert_str_eq(vendor_of("lab-l40s", "", "gpu"), "nvidia");
    ck_assert_str_eq(vendor_of("jetson-orin-custom", "", "soc"), "nvidia");
    ck_assert_str_eq(vendor_of("mi300x-node", "", "gpu"), "amd");
    ck_assert_str_eq(vendor_of("x", "AMD Radeon PRO W7900", "gpu"), "amd");
    ck_assert_str_eq(vendor_of("studio-m2-ultra", "", "apple"), "apple");
    ck_assert_str_eq(vendor_of("rk3588-board", "", "soc"), "rockchip");
    /* two vendors named: ambiguous, none */
    ck_assert_str_eq(vendor_of("h100-vs-mi300x", "", "gpu"), "");
    /* words inside other words do not count ("mac" in "macro", "a10" in "ka10") */
    ck_assert_str_eq(vendor_of("macro-ka10", "", "gpu"), "");
    /* a vendor that does not make that class: none (no NVIDIA CPU backend) */
    ck_assert_str_eq(vendor_of("rtx-host", "", "cpu"), "");
    ck_assert_str_eq(vendor_of("acme-x1", "", "gpu"), "");
    /* a vendor the profile names stays, not marked inferred */
    ck_assert_int_eq(rl_hw_load_file(HW("sram-npu.cfg"), &h, &e), RL_OK);
    ck_assert_int_eq(h.vendor_inferred, 0);
    ck_assert_int_eq(rl_hw_load_file(RL_TEST_DATA "/hw-minimal-rtx.cfg", &h, &e), RL_OK);
    ck_assert_str_eq(h.vendor, "nvidia");
    ck_assert_int_eq(h.vendor_inferred, 1);
}
END_TEST

START_TEST(compute_kind_names)
{
    ck_assert_int_eq(rl_compute_kind_from_name("fp8"), RL_C_FP8);
    ck_assert_int_eq(rl_compute_kind_from_name("int4"), RL_C_INT4);
    ck_assert_int_eq(rl_compute_kind_from_name("FP8"), -1);
    ck_assert_int_eq(rl_compute_kind_from_name("bogus"), -1);
    ck_assert_int_eq(rl_compute_kind_from_name(NULL), -1);
    ck_assert_str_eq(rl_compute_kind_name(RL_C_BF16), "bf16");
    ck_assert_str_eq(rl_compute_kind_name(-1), "?");
    ck_assert_str_eq(rl_compute_kind_name(RL_C_N), "?");
}
END_TEST

static void load_err(const char *path, int code, int line, const char *msg)
{
    rl_hw h;
    rl_err e;
    rl_err_clear(&e);
    ck_assert_int_eq(rl_hw_load_file(path, &h, &e), code);
    ck_assert_str_eq(e.file, path);
    ck_assert_msg(e.line == line, "%s: line %d, want %d (%s)", path, e.line, line, e.msg);
    ck_assert_str_eq(e.msg, msg);
}

START_TEST(err_negative_capacity)
{
    load_err(HW("neg-capacity.cfg"), RL_EINPUT, 6,
             "memory[0].capacity_gib must be a number in [0.000001, 1000000], got -3");
}
END_TEST

START_TEST(err_bad_tier)
{
    load_err(HW("bad-tier.cfg"), RL_EINPUT, 6,
             "memory[0].tier must be sram, hbm, gddr, lpddr or ddr, got 'vram'");
}
END_TEST

START_TEST(err_no_memory)
{
    /* a top-level file has no line to point at for a key that is absent */
    load_err(HW("no-memory.cfg"), RL_EINPUT, 0, "hardware 'bad-nomem': missing required key 'memory'");
}
END_TEST

START_TEST(err_no_compute_peak)
{
    load_err(HW("no-compute-peak.cfg"), RL_EINPUT, 6,
             "hardware 'bad-nopeak': compute needs at least one peak > 0");
}
END_TEST

START_TEST(err_idle_over_tdp)
{
    load_err(HW("idle-over-tdp.cfg"), RL_EINPUT, 7,
             "hardware 'bad-power': power.idle_w (200) exceeds tdp_w (100)");
}
END_TEST

START_TEST(err_syntax_and_missing)
{
    rl_hw h;
    rl_err e;
    ck_assert_int_eq(rl_hw_load_file(HW("malformed.cfg"), &h, &e), RL_EINPUT);
    ck_assert_int_eq(e.line, 7);
    ck_assert_int_eq(rl_hw_load_file(HW("does-not-exist.cfg"), &h, &e), RL_EIO);
    ck_assert_int_eq(e.line, 0);
}
END_TEST

/* Profiles as list entries (the catalog's form): the group's line is known
 * even for keys that are missing. */
START_TEST(err_in_list_carry_lines)
{
    static const char text[] =
        "hardware = (\n"                                                            /* 1 */
        "  { id = \"ok\"; class = \"gpu\";\n"                                      /* 2 */
        "    memory = ( { tier = \"hbm\"; capacity_gib = 80.0; bandwidth_gbps = 3000.0; } );\n"
        "    compute = { fp16_tflops = 500.0; }; },\n"                              /* 4 */
        "  { id = \"nomem\"; class = \"gpu\";\n"                                   /* 5 */
        "    compute = { fp16_tflops = 1.0; }; },\n"                                /* 6 */
        "  { id = \"badclass\"; class = \"tpu\";\n"                                /* 7 */
        "    memory = ( { tier = \"hbm\"; capacity_gib = 8.0; bandwidth_gbps = 30.0; } );\n"
        "    compute = { fp16_tflops = 1.0; }; },\n"                                /* 9 */
        "  { id = \"count0\"; class = \"gpu\"; count = 0;\n"                       /* 10 */
        "    memory = ( { tier = \"hbm\"; capacity_gib = 8.0; bandwidth_gbps = 30.0; } );\n"
        "    compute = { fp16_tflops = 1.0; }; },\n"                                /* 12 */
        "  { id = \"nobw\"; class = \"gpu\";\n"                                    /* 13 */
        "    memory = ( { tier = \"hbm\"; capacity_gib = 8.0; } );\n"              /* 14 */
        "    compute = { fp16_tflops = 1.0; }; },\n"                                /* 15 */
        "  { id = \"uf\"; class = \"apple\"; usable_fraction = 1.5;\n"             /* 16 */
        "    memory = ( { tier = \"lpddr\"; capacity_gib = 8.0; bandwidth_gbps = 30.0; } );\n"
        "    compute = { fp16_tflops = 1.0; }; }\n"                                 /* 18 */
        ");\n";
    char dir[] = "/tmp/rl_test_hw_XXXXXX", path[64];
    config_t cfg;
    rl_err e;
    rl_hw h;
    const config_setting_t *l;
    FILE *f;
    struct { int line; const char *msg; } want[] = {
        { 0, NULL },
        { 5, "hardware 'nomem': missing required key 'memory'" },
        { 7, "hardware 'badclass': class must be gpu, apple, cpu, npu or soc, got 'tpu'" },
        { 10, "hardware[3].count must be an integer in [1, 65536], got 0" },
        { 14, "memory[0] needs capacity_gib and bandwidth_gbps" },
        { 16, "hardware[5].usable_fraction must be a number in [0.05, 1], got 1.5" },
    };

    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/hw.cfg", dir);
    f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
    config_init(&cfg);
    ck_assert_int_eq(config_read_file(&cfg, path), CONFIG_TRUE);
    l = config_lookup(&cfg, "hardware");
    for (int i = 0; i < (int)(sizeof want / sizeof *want); i++) {
        int rc = rl_hw_from_setting(config_setting_get_elem(l, (unsigned)i), path, &h, &e);
        if (!want[i].msg) { ck_assert_int_eq(rc, RL_OK); continue; }
        ck_assert_int_eq(rc, RL_EINPUT);
        ck_assert_msg(e.line == want[i].line, "entry %d: line %d want %d", i, e.line, want[i].line);
        ck_assert_str_eq(e.msg, want[i].msg);
    }
    config_destroy(&cfg);
    unlink(path);
    rmdir(dir);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("hardware");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, minimal_defaults);
    tcase_add_test(tc, vendor_read_off_the_name);
    tcase_add_test(tc, full_profile_and_tiers);
    tcase_add_test(tc, peak_fallbacks);
    tcase_add_test(tc, compute_kind_names);
    tcase_add_test(tc, err_negative_capacity);
    tcase_add_test(tc, err_bad_tier);
    tcase_add_test(tc, err_no_memory);
    tcase_add_test(tc, err_no_compute_peak);
    tcase_add_test(tc, err_idle_over_tdp);
    tcase_add_test(tc, err_syntax_and_missing);
    tcase_add_test(tc, err_in_list_carry_lines);
    suite_add_tcase(s, tc);
    return rl_test_run(s);
}
