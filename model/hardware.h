/*
 * hardware.h -- one device (GPU, Apple SoC, CPU, NPU, edge SoC) and the
 * system around it: memory tiers, dense compute peaks, device link, host,
 * power and thermal figures.  The libconfig profile format is in DESIGN.md
 * ("Hardware profile file"); the catalog's hardware.cfg is a list of them.
 *
 * rl_hw is plain data: copy it freely.
 */
#ifndef RL_HARDWARE_H
#define RL_HARDWARE_H

#include <libconfig.h>
#include "rl_err.h"

#define RL_MAX_TIERS 4

typedef struct rl_mem_tier {
    char tier[8];               /* sram | hbm | gddr | lpddr | ddr */
    double capacity_gib;        /* per device */
    double bandwidth_gbps;      /* per device, GB/s (1e9) */
} rl_mem_tier;

enum rl_compute_kind {          /* which tensor peak a matmul runs at */
    RL_C_FP32, RL_C_FP16, RL_C_BF16, RL_C_FP8, RL_C_INT8, RL_C_INT4,
    RL_C_FP4,                   /* e2m1 block-scaled (MXFP4/NVFP4), Blackwell */
    RL_C_N
};

#define RL_MAX_POWER_MODES 6

/* A power mode (Jetson nvpmodel modes, NPU power states): the module's
 * power limit and the clocks it allows, relative to the profile's own
 * figures (which describe its default mode). */
typedef struct rl_power_mode {
    char name[16];              /* "15W", "MAXN" ... as the vendor names it */
    double power_w;             /* module power limit in this mode (W) */
    double clock_frac;          /* compute clock / the profile's (peaks scale) */
    double bandwidth_frac;      /* memory clock / the profile's (default 1) */
} rl_power_mode;

typedef struct rl_hw {
    char id[64];                /* kebab id, e.g. "rtx-4090" */
    char name[128];
    char klass[8];              /* gpu | apple | cpu | npu | soc */
    char vendor[16];            /* nvidia | amd | apple | ... ("" unknown) */
    int vendor_inferred;        /* 1: the profile named no vendor and
                                   `vendor` was read off its id or name */
    char source[256];
    int count;                  /* identical devices in the system */
    int n_tiers;
    rl_mem_tier tiers[RL_MAX_TIERS]; /* fastest first */
    double peak[RL_C_N];        /* dense peaks, TFLOP/s or TOP/s; 0 = absent */
    double usable_fraction;     /* share of the main tier a model may use
                                   (Apple working-set limit); default 1 */
    double tdp_w, idle_w;       /* board power */
    double link_gbps;           /* device-to-device, GB/s per direction */
    double link_latency_us;     /* one message step over the link (prior) */
    int link_all_to_all;        /* 1: every device reaches every other by
                                   its own P2P path at link_gbps (NVSwitch,
                                   MI300X Infinity Fabric mesh): custom
                                   one-/two-shot all-reduces apply; 0
                                   (default): ring only */
    double host_ram_gib, host_bandwidth_gbps, pcie_gbps;
    double ambient_c, max_c, c_per_w; /* thermal: steady T = ambient + P*c_per_w */
    double price_usd;           /* per device, 0 = unknown */
    int fp8_native;             /* 1: tensor cores run fp8 (derived from peak) */
    int unified;                /* 1: device memory and host RAM are one DRAM
                                   (apple, soc and cpu classes by default;
                                   key unified_memory overrides) */
    double os_reserved_gib;     /* unified parts: DRAM the OS and drivers
                                   keep (not usable by the model) */
    int n_power_modes;
    rl_power_mode power_modes[RL_MAX_POWER_MODES];
    double mem_clock_follows;   /* DVFS coupling: the share of a thermal or
                                   power-envelope compute-clock cut that the
                                   DRAM bandwidth follows (0: memory clock
                                   kept, discrete GPUs; default 0.5 ESTIMATE
                                   for soc and npu, 0 otherwise) */
} rl_hw;

/* Parse one device from a libconfig group.  `file` names the file for error
 * messages; unknown keys are ignored, wrong types and absurd values are
 * errors (RL_EINPUT).  Defaults are filled for everything optional. */
int rl_hw_from_setting(const config_setting_t *s, const char *file,
                       rl_hw *out, rl_err *err);

/* Load a standalone profile file (DESIGN.md).  RL_EIO if unreadable,
 * RL_EINPUT on syntax or value errors (with line). */
int rl_hw_load_file(const char *path, rl_hw *out, rl_err *err);

/* Main memory tier: the first non-SRAM tier (the one weights live in),
 * or tier 0 when every tier is SRAM. */
const rl_mem_tier *rl_hw_main_tier(const rl_hw *h);

/* On-chip SRAM tier, or NULL. */
const rl_mem_tier *rl_hw_sram_tier(const rl_hw *h);

/* Memory a model may use on one device (GiB): the main tier times
 * usable_fraction, less os_reserved_gib (never below 0). */
double rl_hw_usable_gib(const rl_hw *h);

/* 1 when the part has a DRAM tier (anything but SRAM); Hailo-8-class
 * accelerators have none. */
int rl_hw_has_dram(const rl_hw *h);

/* Switch *h to its power mode `name`: tdp_w becomes the mode's power_w,
 * compute peaks scale by clock_frac and memory bandwidth by
 * bandwidth_frac.  RL_OK, or RL_EINPUT naming the modes the part has. */
int rl_hw_apply_power_mode(rl_hw *h, const char *name, rl_err *err);

/* Peak for a compute kind, falling back sensibly (bf16 -> fp16, fp8 ->
 * int8 -> fp16, fp4 -> bf16: weight-only dequantisation ...) when the
 * device lacks that unit.  TFLOP/s. */
double rl_hw_peak(const rl_hw *h, int kind);

/* Parse "fp16" etc. into enum rl_compute_kind; -1 when unknown. */
int rl_compute_kind_from_name(const char *name);
const char *rl_compute_kind_name(int kind);

#endif
