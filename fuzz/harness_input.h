/*
 * harness_input.h -- the contract of fuzz/fuzz_harness.c, shared with its
 * replay in tests/test_fuzz_replay.c (header-only: each includes it once).
 *
 * harness_input(data, size): the first byte picks the format -- 0 detects
 * it from the content (as `ridgeline harness import` does), 1..RL_HF_N-1
 * forces one (--format) -- and the rest is the file, read NUL-terminated
 * as the importer reads files.  rl_harness_import_text must return RL_OK
 * with at least one record, every one of which passes the run-record
 * schema, or RL_EINPUT with a message.  Then each line of the same bytes
 * goes through rl_runrec_parse (what `runs add` and the store read):
 * RL_OK or RL_EINPUT with a message.
 * Returns NULL when the contract holds, else what broke (static text).
 */
#ifndef RL_FUZZ_HARNESS_INPUT_H
#define RL_FUZZ_HARNESS_INPUT_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "runrec.h"

static const char *harness_input(const uint8_t *data, size_t size)
{
    rl_harness_opts o;
    rl_harness_report rep;
    rl_runrec *recs = NULL, one;
    rl_err e;
    const char *broken = NULL;
    char *text;
    int n = 0, rc;

    if (size < 1) return NULL;
    if (!(text = malloc(size))) return NULL;
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';

    memset(&o, 0, sizeof o);
    o.timestamp_utc = "2026-01-01T00:00:00Z";   /* no stat() of a file that is not there */
    memset(&e, 0, sizeof e);
    rc = rl_harness_import_text(text, size - 1, "fuzz.txt", data[0] % RL_HF_N, &o, &recs, &n,
                                &rep, &e);
    if (rc != RL_OK && (rc != RL_EINPUT || e.msg[0] == '\0'))
        broken = "rl_harness_import_text: a status other than RL_OK / RL_EINPUT with a message";
    else if (rc == RL_OK && n < 1)
        broken = "rl_harness_import_text: RL_OK without a record";
    for (int i = 0; !broken && rc == RL_OK && i < n; i++) {
        memset(&e, 0, sizeof e);
        if (rl_runrec_validate(&recs[i], &e) != RL_OK)
            broken = "rl_harness_import_text: a record that breaks the run-record schema";
    }
    free(recs);

    for (char *p = text, *nl; !broken && *p; p = nl + 1) {
        size_t len = (nl = strchr(p, '\n')) ? (size_t)(nl - p) : strlen(p);
        memset(&e, 0, sizeof e);
        rc = rl_runrec_parse(p, len, &one, "fuzz.jsonl", 1, &e);
        if (rc != RL_OK && (rc != RL_EINPUT || e.msg[0] == '\0'))
            broken = "rl_runrec_parse: a status other than RL_OK / RL_EINPUT with a message";
        if (!nl) break;
    }
    free(text);
    return broken;
}

#endif
