/*
 * estspec.c -- ids and numbers of one estimate -> rl_config (estspec.h).
 * Moved out of cmd_estimate.c so that the HTTP API builds its
 * configurations through exactly the code the CLI uses.
 */
#include "estspec.h"
#include "import.h"
#include "launch.h"
#include "cli.h"

#include <stdio.h>

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

/* The runtime: s->runtime, else llama.cpp, else (a checkpoint llama.cpp
 * does not load, e.g. nvfp4) the first catalog runtime that loads it. */
static const rl_runtime *pick_runtime(const rl_estspec *s, const rl_catalog *cat,
                                      const char *fq, char *said, size_t n)
{
    const rl_runtime *r;

    if (s->runtime) return rl_catalog_runtime(cat, s->runtime);
    r = rl_catalog_runtime(cat, "llama.cpp");
    if (!fq[0] || s->quant || (r && rl_runtime_has_quant(r, fq))) return r;
    for (int i = 0; i < rl_catalog_count(cat, RL_CAT_RUNTIME); i++)
        if (rl_runtime_has_quant(rl_catalog_runtime_at(cat, i), fq)) {
            r = rl_catalog_runtime_at(cat, i);
            snprintf(said, n, "runtime %s: the first that loads the checkpoint's %s "
                     "(llama.cpp does not; --runtime to choose)", r->id, fq);
            return r;
        }
    return r;
}

/* Weights and KV formats: the flags, else the checkpoint's own, else the
 * runtime's defaults; said gets the checkpoint sentence. */
static int resolve_formats(const rl_estspec *s, const rl_catalog *cat,
                           const rl_gguf_info *info, rl_quant *fq, rl_config *c,
                           char *said, size_t n, rl_err *err)
{
    const char *qid = s->quant, *kvid = rl_launch_kv_alias(s->kv);

    if (!qid) qid = info->quant[0] ? info->quant
                  : rl_runtime_has_quant(c->rt, "fp16") ? "fp16" : c->rt->quants[0];
    if (!(c->quant = rl_catalog_quant(cat, qid)))
        return rl_catalog_unknown(cat, RL_CAT_QUANT, qid, err);
    if (!rl_runtime_has_quant(c->rt, c->quant->id))
        return rl_err_set(err, RL_EINPUT, NULL, 0, "runtime '%s' does not load quant '%s'",
                          c->rt->id, c->quant->id);
    if (info->quant_src[0] && !s->quant) {      /* the checkpoint's own format */
        rl_quant_keep16(c->quant, info->keep16, fq);
        c->quant = fq;
        snprintf(said, n, "%s\n", info->quant_src);
    } else if (info->quant_src[0] && info->quant[0]) {
        snprintf(said, n, "weights %s as --quant says (the checkpoint's own format is "
                 "%s)\n", c->quant->id, info->quant);
    }
    if (!kvid) kvid = rl_runtime_has_kv(c->rt, "fp16") || c->rt->n_kv == 0 ? "fp16"
                    : c->rt->kv_dtypes[0];
    if (!(c->kv = rl_catalog_kvtype(cat, kvid)))
        return rl_catalog_unknown(cat, RL_CAT_KV, kvid, err);
    if (c->rt->n_kv > 0 && !rl_runtime_has_kv(c->rt, c->kv->id))
        return rl_err_set(err, RL_EINPUT, NULL, 0, "runtime '%s' does not support KV dtype '%s'",
                          c->rt->id, c->kv->id);
    return RL_OK;
}

int rl_estspec_resolve(const rl_estspec *s, const rl_catalog *cat, rl_arch *arch,
                       rl_hw *hw, rl_quant *fq, rl_config *c, char *said, size_t n,
                       rl_err *err)
{
    rl_gguf_info info;
    char rt_said[160] = "";
    int rc;

    memset(&info, 0, sizeof info);
    rl_config_init(c);
    if (n) said[0] = '\0';
    if ((rc = resolve_model_hw(s, cat, arch, hw, c, &info, err))) return rc;
    if (!(c->rt = pick_runtime(s, cat, info.quant, rt_said, sizeof rt_said)))
        return rl_catalog_unknown(cat, RL_CAT_RUNTIME, s->runtime, err);
    if ((rc = resolve_formats(s, cat, &info, fq, c, said, n, err))) return rc;
    if (rt_said[0] && n > strlen(said))
        snprintf(said + strlen(said), n - strlen(said), "%s\n", rt_said);
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
    c->replicas = (int)s->replicas;
    c->ep = s->ep == 0 ? 1 : (int)s->ep;
    c->dp_attention = s->dp_attention;
    c->mem_util = s->mem_util;
    if (s->power_mode) {                /* unknown: the modes it has, exit 2 */
        rl_hw probe = *c->hw;
        if ((rc = rl_hw_apply_power_mode(&probe, s->power_mode, err))) return rc;
        c->power_mode = s->power_mode;
    }
    return RL_OK;
}

void rl_estspec_note(rl_estimate *e, char *said)
{
    char *save = NULL;
    for (char *t = strtok_r(said, "\n", &save); t && e->n_assumptions < RL_MAX_NOTES;
         t = strtok_r(NULL, "\n", &save))
        snprintf(e->assumptions[e->n_assumptions++], RL_NOTE_LEN, "%s", t);
}

cJSON *rl_estspec_json(const rl_config *shown, const rl_estimate *e, const char *model_file)
{
    char launch[RL_LAUNCH_MAX];
    cJSON *j = rl_estimate_json(shown, e);

    if (!j) return NULL;
    rl_launch_command(shown, model_file, launch, sizeof launch);
    cJSON_AddItemToObject(j, "launch", launch[0] ? cJSON_CreateString(launch)
                                                 : cJSON_CreateNull());
    return j;
}
