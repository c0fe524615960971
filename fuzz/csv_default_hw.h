/*
 * csv_default_hw.h -- the hardware.csv that fuzz_csv.c uses for inputs
 * without a "--" line, shared with tests/test_fuzz_replay.c so that a
 * saved input replays exactly as it fuzzed.  Rows as in
 * shared/data/benchmarks/hardware.csv.
 */
#ifndef RL_CSV_DEFAULT_HW_H
#define RL_CSV_DEFAULT_HW_H

static const char default_hw[] =
    "hardware,id,class,tier,capacity_gib,bandwidth_gbps,fp16_tflops,int8_tops,tdp_w,note\n"
    "NVIDIA GeForce RTX 3070 8GB,rtx-3070,gpu,gddr,8,448,81.3,162.6,220,\n"
    "NVIDIA GeForce RTX 3090 24GB,rtx-3090,gpu,gddr,24,936,142,284,350,\n"
    "NVIDIA GeForce RTX 4090 24GB,rtx-4090,gpu,gddr,24,1008,330.3,660.6,450,\n"
    "NVIDIA RTX 6000 Ada 48GB,rtx-6000-ada,gpu,gddr,48,960,364.2,728.5,300,\n"
    "NVIDIA RTX A6000 48GB,rtx-a6000,gpu,gddr,48,768,154.8,309.7,300,\n"
    "NVIDIA A100 PCIe 80GB,a100-pcie-80g,gpu,hbm,80,1935,312,624,300,\n"
    "NVIDIA H100 PCIe 80GB,h100-pcie,gpu,hbm,80,2000,756,1513,350,\n"
    "NVIDIA H100 SXM 80GB,h100-sxm,gpu,hbm,80,3350,989.4,1979,700,\n"
    "Apple M1 Max (32-core GPU) 64GB,m1-max-32c-64g,apple,lpddr,64,400,10.4,,60,fp16 = GPU fp32 rate\n"
    "Apple M2 Ultra (76-core GPU) 192GB,m2-ultra-76c-192g,apple,lpddr,192,800,27.2,,150,fp16 = GPU fp32 rate\n";

#endif
