/*
 * libuse.c -- a program outside the tree that uses the installed library:
 * tests/install.sh compiles it against include/ridgeline and librl.a
 * through pkg-config and runs it.  argv[1] = catalog folder.  Prints the
 * decode p50 of Llama-3.1-8B Q4_K_M on one RTX 4090; exit 0 when it is a
 * positive number, 1 otherwise.
 */
#include <stdio.h>
#include "catalog.h"
#include "estimate.h"

int main(int argc, char **argv)
{
    rl_err err = { 0 };
    rl_catalog *cat = rl_catalog_open(argc > 1 ? argv[1] : NULL, &err);
    rl_config c;
    rl_estimate e;
    int ok;

    if (!cat) { fprintf(stderr, "libuse: %s\n", err.msg); return 1; }
    rl_config_init(&c);
    c.model = rl_catalog_model(cat, "llama-3.1-8b");
    c.hw = rl_catalog_hw(cat, "rtx-4090");
    c.rt = rl_catalog_runtime(cat, "llama.cpp");
    c.quant = rl_catalog_quant(cat, "q4_k_m");
    c.kv = rl_catalog_kvtype(cat, "fp16");
    ok = c.model && c.hw && c.rt && c.quant && c.kv && rl_estimate_run(&c, &e, &err) == 0;
    if (ok) printf("decode_p50 %.1f\n", e.decode_tok_s.p50);
    else fprintf(stderr, "libuse: %s\n", err.msg[0] ? err.msg : "catalog entry missing");
    rl_catalog_free(cat);
    return ok && e.decode_tok_s.p50 > 0 ? 0 : 1;
}
