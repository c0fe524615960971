/*
 * hardware.c -- device profiles: parsing (DESIGN.md "Hardware profile
 * file"), defaults for everything optional, and the small queries the
 * estimator needs (main tier, SRAM tier, compute peak with fallbacks).
 */
#include "hardware.h"
#include "cfg.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static const char *const compute_names[RL_C_N] = {
    "fp32", "fp16", "bf16", "fp8", "int8", "int4", "fp4"
};

int rl_compute_kind_from_name(const char *name)
{
    for (int i = 0; name && i < RL_C_N; i++)
        if (strcmp(name, compute_names[i]) == 0) return i;
    return -1;
}

const char *rl_compute_kind_name(int kind)
{
    return kind >= 0 && kind < RL_C_N ? compute_names[kind] : "?";
}

static int parse_tiers(const config_setting_t *s, const char *file,
                       rl_hw *h, rl_err *err)
{
    const config_setting_t *mem = config_setting_get_member(s, "memory");
    static const char *const kinds[] = { "sram", "hbm", "gddr", "lpddr", "ddr" };
    int n, rc;

    if (!mem)
        return rl_err_set(err, RL_EINPUT, rl_cfg_file(s, file), rl_cfg_line(s),
                          "hardware '%s': missing required key 'memory'", h->id);
    if (!config_setting_is_list(mem) && !config_setting_is_array(mem))
        return rl_err_set(err, RL_EINPUT, rl_cfg_file(mem, file), rl_cfg_line(mem),
                          "memory must be a list of tiers ( { tier = ...; }, ... )");
    n = config_setting_length(mem);
    if (n < 1 || n > RL_MAX_TIERS)
        return rl_err_set(err, RL_EINPUT, rl_cfg_file(mem, file), rl_cfg_line(mem),
                          "memory must list 1 to %d tiers, got %d", RL_MAX_TIERS, n);
    for (int i = 0; i < n; i++) {
        const config_setting_t *t = config_setting_get_elem(mem, (unsigned)i);
        rl_mem_tier *mt = &h->tiers[i];
        int known = 0;
        if (!config_setting_is_group(t))
            return rl_err_set(err, RL_EINPUT, rl_cfg_file(mem, file), rl_cfg_line(t),
                              "memory[%d] must be a group { tier = ...; }", i);
        mt->capacity_gib = -1;
        mt->bandwidth_gbps = -1;
        if ((rc = rl_cfg_str_req(t, "tier", mt->tier, sizeof mt->tier, file, err)) ||
            (rc = rl_cfg_num(t, "capacity_gib", 1e-6, 1e6, &mt->capacity_gib, file, err)) ||
            (rc = rl_cfg_num(t, "bandwidth_gbps", 1e-3, 1e7, &mt->bandwidth_gbps, file, err)))
            return rc;
        for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++)
            known |= strcmp(mt->tier, kinds[k]) == 0;
        if (!known)
            return rl_err_set(err, RL_EINPUT, rl_cfg_file(t, file), rl_cfg_line(t),
                              "memory[%d].tier must be sram, hbm, gddr, lpddr or ddr, got '%s'",
                              i, mt->tier);
        if (mt->capacity_gib < 0 || mt->bandwidth_gbps < 0)
            return rl_err_set(err, RL_EINPUT, rl_cfg_file(t, file), rl_cfg_line(t),
                              "memory[%d] needs capacity_gib and bandwidth_gbps", i);
    }
    h->n_tiers = n;
    return RL_OK;
}

static int parse_compute(const config_setting_t *s, const char *file,
                         rl_hw *h, rl_err *err)
{
    const config_setting_t *c = config_setting_get_member(s, "compute");
    static const char *const keys[RL_C_N] = {
        "fp32_tflops", "fp16_tflops", "bf16_tflops", "fp8_tflops", "int8_tops", "int4_tops",
        "fp4_tflops"
    };
    int any = 0, rc;

    if (!c || !config_setting_is_group(c))
        return rl_err_set(err, RL_EINPUT, rl_cfg_file(c ? c : s, file),
                          rl_cfg_line(c ? c : s),
                          "hardware '%s': needs a compute group with at least one peak "
                          "(fp16_tflops, int8_tops, ...)", h->id);
    for (int i = 0; i < RL_C_N; i++) {
        if ((rc = rl_cfg_num(c, keys[i], 0, 1e6, &h->peak[i], file, err))) return rc;
        any |= h->peak[i] > 0;
    }
    if (!any)
        return rl_err_set(err, RL_EINPUT, rl_cfg_file(c, file), rl_cfg_line(c),
                          "hardware '%s': compute needs at least one peak > 0", h->id);
    h->fp8_native = h->peak[RL_C_FP8] > 0;
    return RL_OK;
}

/* Optional sub-groups: each key, its range and where it lands. */
static int parse_optional(const config_setting_t *s, const char *file,
                          rl_hw *h, rl_err *err)
{
    struct { const char *grp, *key; double min, max; double *dst; } f[] = {
        { "power", "tdp_w", 0.01, 1e6, &h->tdp_w },
        { "power", "idle_w", 0, 1e6, &h->idle_w },
        { "link", "bandwidth_gbps", 1e-3, 1e6, &h->link_gbps },
        { "link", "latency_us", 0, 1e6, &h->link_latency_us },
        { "host", "ram_gib", 0, 1e7, &h->host_ram_gib },
        { "host", "bandwidth_gbps", 1e-3, 1e6, &h->host_bandwidth_gbps },
        { "host", "pcie_gbps", 1e-3, 1e6, &h->pcie_gbps },
        { "thermal", "ambient_c", -60, 150, &h->ambient_c },
        { "thermal", "max_c", -60, 250, &h->max_c },
        { "thermal", "c_per_w", 0, 100, &h->c_per_w },
    };
    int rc;

    for (size_t i = 0; i < sizeof f / sizeof *f; i++) {
        const config_setting_t *g = config_setting_get_member(s, f[i].grp);
        if (!g) continue;
        if (!config_setting_is_group(g))
            return rl_err_set(err, RL_EINPUT, rl_cfg_file(g, file), rl_cfg_line(g),
                              "%s must be a group { ... }", f[i].grp);
        if ((rc = rl_cfg_num(g, f[i].key, f[i].min, f[i].max, f[i].dst, file, err)))
            return rc;
    }
    if ((rc = rl_cfg_bool(config_setting_get_member(s, "link"), "all_to_all",
                          &h->link_all_to_all, file, err)))
        return rc;
    if ((rc = rl_cfg_num(s, "price_usd", 0, 1e9, &h->price_usd, file, err)) ||
        (rc = rl_cfg_num(s, "usable_fraction", 0.05, 1.0, &h->usable_fraction, file, err)) ||
        (rc = rl_cfg_int(s, "count", 1, 65536, &h->count, file, err)))
        return rc;
    if (h->tdp_w > 0 && h->idle_w > h->tdp_w) {
        const config_setting_t *p = config_setting_get_member(s, "power");
        return rl_err_set(err, RL_EINPUT, rl_cfg_file(s, file), rl_cfg_line(p ? p : s),
                          "hardware '%s': power.idle_w (%g) exceeds tdp_w (%g)",
                          h->id, h->idle_w, h->tdp_w);
    }
    return RL_OK;
}

/* power_modes = ( { name = "15W"; power_w = 15.0; clock_frac = 1.0;
 * bandwidth_frac = 1.0; }, ... ): optional. */
static int parse_power_modes(const config_setting_t *s, const char *file,
                             rl_hw *h, rl_err *err)
{
    const config_setting_t *l = config_setting_get_member(s, "power_modes");
    int n, rc;

    if (!l) return RL_OK;
    n = config_setting_is_list(l) ? config_setting_length(l) : -1;
    if (n < 1 || n > RL_MAX_POWER_MODES)
        return rl_err_set(err, RL_EINPUT, rl_cfg_file(l, file), rl_cfg_line(l),
                          "power_modes must be a list of 1 to %d groups "
                          "( { name = ...; power_w = ...; clock_frac = ...; } )",
                          RL_MAX_POWER_MODES);
    for (int i = 0; i < n; i++) {
        const config_setting_t *g = config_setting_get_elem(l, (unsigned)i);
        rl_power_mode *m = &h->power_modes[i];
        m->power_w = -1;
        m->clock_frac = -1;
        m->bandwidth_frac = 1.0;
        if (!config_setting_is_group(g))
            return rl_err_set(err, RL_EINPUT, rl_cfg_file(l, file), rl_cfg_line(g),
                              "power_modes[%d] must be a group { name = ...; }", i);
        if ((rc = rl_cfg_str_req(g, "name", m->name, sizeof m->name, file, err)) ||
            (rc = rl_cfg_num(g, "power_w", 0.01, 1e6, &m->power_w, file, err)) ||
            (rc = rl_cfg_num(g, "clock_frac", 0.01, 10, &m->clock_frac, file, err)) ||
            (rc = rl_cfg_num(g, "bandwidth_frac", 0.01, 10, &m->bandwidth_frac, file, err)))
            return rc;
        if (m->power_w < 0 || m->clock_frac < 0)
            return rl_err_set(err, RL_EINPUT, rl_cfg_file(g, file), rl_cfg_line(g),
                              "power_modes[%d] needs power_w and clock_frac", i);
    }
    h->n_power_modes = n;
    return RL_OK;
}

/* Unified memory: by class unless the profile says (unified_memory), and
 * what the OS keeps of it (os_reserved_gib). */
static int parse_unified(const config_setting_t *s, const char *file, rl_hw *h,
                         rl_err *err)
{
    int rc;
    h->unified = strcmp(h->klass, "apple") == 0 || strcmp(h->klass, "soc") == 0 ||
                 strcmp(h->klass, "cpu") == 0;
    /* SoC and NPU DVFS lowers the memory controller clock with the core
     * (Jetson EMC per nvpmodel mode, RK3588 DDR devfreq); discrete GPUs keep
     * their GDDR/HBM clock when the SM clock is capped */
    h->mem_clock_follows = strcmp(h->klass, "soc") == 0 || strcmp(h->klass, "npu") == 0
                         ? 0.5 : 0;
    if ((rc = rl_cfg_bool(s, "unified_memory", &h->unified, file, err)) ||
        (rc = rl_cfg_num(s, "os_reserved_gib", 0, 1e6, &h->os_reserved_gib, file, err)) ||
        (rc = rl_cfg_num(s, "mem_clock_follows", 0, 1, &h->mem_clock_follows, file, err)))
        return rc;
    if (h->os_reserved_gib >= rl_hw_main_tier(h)->capacity_gib)
        return rl_err_set(err, RL_EINPUT, rl_cfg_file(s, file), rl_cfg_line(s),
                          "hardware '%s': os_reserved_gib (%g) leaves no memory", h->id,
                          h->os_reserved_gib);
    return RL_OK;
}

/* Which vendor's runtime backend a profile without `vendor` gets: the one
 * its id or name names, by whole words (split at anything not a letter or
 * digit) or their well-known prefixes, only where exactly one vendor fits
 * and the class is one that vendor makes ("" otherwise).  CPUs are never
 * given one: every runtime's CPU backend is chosen by class. */
static const char *vendor_from_name(const rl_hw *h)
{
    static const struct { const char *vendor, *classes, *words; } v[] = {
        { "nvidia", "gpu soc", " nvidia geforce rtx* gtx* quadro tesla titan jetson orin xavier "
          "dgx hgx t4 l4 l40* a2 a10* a16 a30 a40 a100* a800 a4000 a5000 a6000 h100* h800 "
          "h200* h20 gh200 b100 b200 gb200 v100 p100 " },
        { "amd", "gpu", " amd radeon instinct rocm rx* w7900 w7800 mi50 mi60 mi100 mi2* mi3* " },
        { "apple", "gpu apple soc", " apple m1 m2 m3 m4 macbook mac macstudio " },
        { "rockchip", "soc npu", " rockchip rk3588* rk3576 " },
        { "hailo", "npu", " hailo* " },
    };
    char txt[256];
    const char *found = "";
    size_t len = (size_t)snprintf(txt, sizeof txt, "%s %s", h->id, h->name);

    if (len >= sizeof txt) len = sizeof txt - 1;
    for (size_t p = 0; p < len; p++)            /* words, NUL-separated */
        txt[p] = isalnum((unsigned char)txt[p]) ? (char)tolower((unsigned char)txt[p]) : '\0';
    for (size_t p = 0; p < len; p += strlen(txt + p) + 1) {
        const char *tok = txt + p;
        size_t n = strlen(tok);
        if (n == 0 || n > 30) continue;
        for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
            char w[40];
            int hit;
            if (!strstr(v[i].classes, h->klass)) continue;
            snprintf(w, sizeof w, " %s ", tok);
            hit = strstr(v[i].words, w) != NULL;
            /* "rtx*": any word starting so ("rtx4090"), at least 2 chars */
            for (size_t k = n; !hit && k >= 2; k--) {
                snprintf(w, sizeof w, " %.*s* ", (int)k, tok);
                hit = strstr(v[i].words, w) != NULL;
            }
            if (!hit || strcmp(found, v[i].vendor) == 0) continue;
            if (found[0]) return "";            /* two vendors: ambiguous */
            found = v[i].vendor;
        }
    }
    return found;
}

/* Defaults documented in README ("Hardware profiles"); each is stated in
 * the estimate's assumptions when it was used. */
static void set_defaults(rl_hw *h)
{
    memset(h, 0, sizeof *h);
    h->count = 1;
    h->usable_fraction = 1.0;
    h->tdp_w = 0;               /* 0 = unknown: power derived from bandwidth */
    h->link_gbps = 0;           /* 0 = no device link: PCIe host bandwidth used */
    h->link_latency_us = 10.0;
    h->host_ram_gib = 0;
    h->host_bandwidth_gbps = 50.0;
    h->pcie_gbps = 16.0;
    h->ambient_c = 25.0;
    h->max_c = 95.0;
    h->c_per_w = 0;             /* 0 = no thermal model */
}

int rl_hw_from_setting(const config_setting_t *s, const char *file,
                       rl_hw *out, rl_err *err)
{
    rl_hw h;
    int rc;
    static const char *const classes[] = { "gpu", "apple", "cpu", "npu", "soc" };
    int known = 0;

    set_defaults(&h);
    if (!config_setting_is_group(s))
        return rl_err_set(err, RL_EINPUT, rl_cfg_file(s, file), rl_cfg_line(s),
                          "a hardware profile must be a group { id = ...; ... }");
    if ((rc = rl_cfg_str_req(s, "id", h.id, sizeof h.id, file, err)) ||
        (rc = rl_cfg_str_req(s, "class", h.klass, sizeof h.klass, file, err)) ||
        (rc = rl_cfg_str(s, "name", h.name, sizeof h.name, file, err)) ||
        (rc = rl_cfg_str(s, "vendor", h.vendor, sizeof h.vendor, file, err)) ||
        (rc = rl_cfg_str(s, "source", h.source, sizeof h.source, file, err)))
        return rc;
    for (size_t k = 0; k < sizeof classes / sizeof *classes; k++)
        known |= strcmp(h.klass, classes[k]) == 0;
    if (!known)
        return rl_err_set(err, RL_EINPUT, rl_cfg_file(s, file), rl_cfg_line(s),
                          "hardware '%s': class must be gpu, apple, cpu, npu or soc, got '%s'",
                          h.id, h.klass);
    if (!h.name[0]) snprintf(h.name, sizeof h.name, "%s", h.id);
    if (!h.vendor[0] && strcmp(h.klass, "cpu") != 0) {
        snprintf(h.vendor, sizeof h.vendor, "%s", vendor_from_name(&h));
        h.vendor_inferred = h.vendor[0] != 0;
    }
    if ((rc = parse_tiers(s, file, &h, err)) ||
        (rc = parse_compute(s, file, &h, err)) ||
        (rc = parse_optional(s, file, &h, err)) ||
        (rc = parse_unified(s, file, &h, err)) ||
        (rc = parse_power_modes(s, file, &h, err)))
        return rc;
    *out = h;
    return RL_OK;
}

int rl_hw_load_file(const char *path, rl_hw *out, rl_err *err)
{
    config_t cfg;
    int rc;

    config_init(&cfg);
    rc = rl_cfg_read_file(&cfg, path, err);
    if (rc == RL_OK)
        rc = rl_hw_from_setting(config_root_setting(&cfg), path, out, err);
    config_destroy(&cfg);
    return rc;
}

const rl_mem_tier *rl_hw_main_tier(const rl_hw *h)
{
    for (int i = 0; i < h->n_tiers; i++)
        if (strcmp(h->tiers[i].tier, "sram") != 0) return &h->tiers[i];
    return &h->tiers[0];
}

const rl_mem_tier *rl_hw_sram_tier(const rl_hw *h)
{
    for (int i = 0; i < h->n_tiers; i++)
        if (strcmp(h->tiers[i].tier, "sram") == 0) return &h->tiers[i];
    return NULL;
}

double rl_hw_usable_gib(const rl_hw *h)
{
    double v = rl_hw_main_tier(h)->capacity_gib * h->usable_fraction - h->os_reserved_gib;
    return v > 0 ? v : 0;
}

int rl_hw_has_dram(const rl_hw *h)
{
    for (int i = 0; i < h->n_tiers; i++)
        if (strcmp(h->tiers[i].tier, "sram") != 0) return 1;
    return 0;
}

int rl_hw_apply_power_mode(rl_hw *h, const char *name, rl_err *err)
{
    char have[128] = "";
    for (int i = 0; i < h->n_power_modes; i++) {
        const rl_power_mode *m = &h->power_modes[i];
        if (strcmp(m->name, name) != 0) continue;
        h->tdp_w = m->power_w;
        if (h->idle_w > h->tdp_w) h->idle_w = h->tdp_w;
        for (int k = 0; k < RL_C_N; k++) h->peak[k] *= m->clock_frac;
        for (int t = 0; t < h->n_tiers; t++)
            if (strcmp(h->tiers[t].tier, "sram") != 0)
                h->tiers[t].bandwidth_gbps *= m->bandwidth_frac;
        return RL_OK;
    }
    for (int i = 0; i < h->n_power_modes; i++)
        snprintf(have + strlen(have), sizeof have - strlen(have), "%s%s", i ? ", " : "",
                 h->power_modes[i].name);
    return rl_err_set(err, RL_EINPUT, NULL, 0, "hardware '%s' has no power mode '%s'%s%s%s",
                      h->id, name, have[0] ? " (modes: " : " (it lists none)", have,
                      have[0] ? ")" : "");
}

double rl_hw_peak(const rl_hw *h, int kind)
{
    /* Fallback order: what a runtime would actually use when the unit is
     * missing (bf16 runs as fp16, fp8 as int8 or fp16, int4 as int8). */
    static const int chain[RL_C_N][4] = {
        [RL_C_FP32] = { RL_C_FP32, RL_C_FP16, RL_C_BF16, RL_C_INT8 },
        [RL_C_FP16] = { RL_C_FP16, RL_C_BF16, RL_C_FP32, RL_C_INT8 },
        [RL_C_BF16] = { RL_C_BF16, RL_C_FP16, RL_C_FP32, RL_C_INT8 },
        [RL_C_FP8]  = { RL_C_FP8, RL_C_FP16, RL_C_BF16, RL_C_INT8 },
        [RL_C_INT8] = { RL_C_INT8, RL_C_FP16, RL_C_BF16, RL_C_FP32 },
        [RL_C_INT4] = { RL_C_INT4, RL_C_INT8, RL_C_FP16, RL_C_BF16 },
        /* no fp4 tensor cores (Hopper and older): the weights are
         * dequantised and the math runs at bf16 (vLLM Marlin / Triton) */
        [RL_C_FP4]  = { RL_C_FP4, RL_C_BF16, RL_C_FP16, RL_C_FP32 },
    };
    if (kind < 0 || kind >= RL_C_N) kind = RL_C_FP16;
    for (int i = 0; i < 4; i++)
        if (h->peak[chain[kind][i]] > 0) return h->peak[chain[kind][i]];
    for (int i = 0; i < RL_C_N; i++)
        if (h->peak[i] > 0) return h->peak[i];
    return 0;
}
