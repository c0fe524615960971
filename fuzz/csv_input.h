/*
 * csv_input.h -- how fuzz_csv.c reads one input: hardware.csv, a line
 * "--", then measurements.csv; without a "--" line the whole input is
 * measurements.csv and default_hw stands in for hardware.csv.  Shared with
 * tests/test_fuzz_replay.c so that a saved input replays exactly as it
 * fuzzed.  default_hw rows as in data/benchmarks/hardware.csv.
 */
#ifndef RL_CSV_INPUT_H
#define RL_CSV_INPUT_H

#include <stddef.h>

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


/* Split b[0..n) at its first line that is exactly "--" (CRLF allowed). */
static void csv_split(const unsigned char *b, size_t n, const unsigned char **hw, size_t *nhw,
                      const unsigned char **meas, size_t *nmeas)
{
    *hw = (const unsigned char *)default_hw;
    *nhw = sizeof default_hw - 1;
    *meas = b;
    *nmeas = n;
    for (size_t i = 0; i + 2 <= n; i++) {
        if ((i == 0 || b[i - 1] == '\n') && b[i] == '-' && b[i + 1] == '-') {
            size_t j = i + 2;
            if (j < n && b[j] == '\r') j++;
            if (j < n && b[j] != '\n') continue;
            *hw = b;
            *nhw = i;
            *meas = b + (j < n ? j + 1 : j);
            *nmeas = n - (size_t)(*meas - b);
            return;
        }
    }
}

#endif
