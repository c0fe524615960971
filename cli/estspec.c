/*
 * estspec.c -- ids and numbers of one estimate -> rl_config (estspec.h).
 * Moved out of cmd_estimate.c so that the HTTP API builds its
 * configurations through exactly the code the CLI uses.
 */
#include "estspec.h"
#include "import.h"

#include <string.h>

void rl_estspec_init(rl_estspec *s)
{
    memset(s, 0, sizeof *s);
    s->devices = s->tp = s->pp = s->conc = 1;
    s->prompt = 512;
    s->output = 128;
}

/* Model and hardware: catalog ids, files, or an inline profile. */
static int resolve_model_hw(const rl_estspec *s, const rl_catalog *cat, rl_arch *arch,
                            rl_hw *hw, rl_config *c, rl_gguf_info *info, rl_err *err)
{
    int rc;

    if (s->model) {
        if (!(c->model = rl_catalog_model(cat, s->model)))
            return rl_catalog_unknown(cat, RL_CAT_MODEL, s->model, err);
    } else {
        if ((rc = rl_import_file(s->model_file, arch, info, err))) return rc;
        c->model = arch;
        c->weight_bytes = info->weight_bytes;
    }
    if (s->hw_inline) {
        c->hw = s->hw_inline;
    } else if (s->hw) {
        if (!(c->hw = rl_catalog_hw(cat, s->hw)))
            return rl_catalog_unknown(cat, RL_CAT_HW, s->hw, err);
    } else {
        if ((rc = rl_hw_load_file(s->hw_file, hw, err))) return rc;
        c->hw = hw;
    }
    return RL_OK;
}

int rl_estspec_resolve(const rl_estspec *s, const rl_catalog *cat, rl_arch *arch,
                       rl_hw *hw, rl_config *c, rl_err *err)
{
    rl_gguf_info info;
    const char *qid = s->quant, *kvid = s->kv;
    int rc;

    memset(&info, 0, sizeof info);
    rl_config_init(c);
    if ((rc = resolve_model_hw(s, cat, arch, hw, c, &info, err))) return rc;
    if (!(c->rt = rl_catalog_runtime(cat, s->runtime ? s->runtime : "llama.cpp")))
        return rl_catalog_unknown(cat, RL_CAT_RUNTIME, s->runtime, err);
    if (!qid) qid = info.quant[0] ? info.quant
                  : rl_runtime_has_quant(c->rt, "fp16") ? "fp16" : c->rt->quants[0];
    if (!(c->quant = rl_catalog_quant(cat, qid)))
        return rl_catalog_unknown(cat, RL_CAT_QUANT, qid, err);
    if (!rl_runtime_has_quant(c->rt, qid))
        return rl_err_set(err, RL_EINPUT, NULL, 0, "runtime '%s' does not load quant '%s'",
                          c->rt->id, qid);
    if (!kvid) kvid = rl_runtime_has_kv(c->rt, "fp16") || c->rt->n_kv == 0 ? "fp16"
                    : c->rt->kv_dtypes[0];
    if (!(c->kv = rl_catalog_kvtype(cat, kvid)))
        return rl_catalog_unknown(cat, RL_CAT_KV, kvid, err);
    if (c->rt->n_kv > 0 && !rl_runtime_has_kv(c->rt, kvid))
        return rl_err_set(err, RL_EINPUT, NULL, 0, "runtime '%s' does not support KV dtype '%s'",
                          c->rt->id, kvid);
    c->devices = s->devices_set ? (int)s->devices : c->hw->count;
    c->tp = (int)s->tp;
    c->pp = (int)s->pp;
    c->prompt = s->prompt;
    c->output = s->output;
    c->concurrency = (int)s->conc;
    c->offload_layers = (int)s->offload;
    c->context_cap = s->context;
    c->sliding_window = s->window;
    c->ambient_c = s->ambient;
    return RL_OK;
}
