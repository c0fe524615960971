/*
 * names.h -- the names users type for catalog entries: comparison keys
 * (case, separators and the spellings people use folded away) and ranked
 * "did you mean" suggestions.
 *
 *     rl_name_key("RTX 4090", k, sizeof k)                 -> "rtx4090"
 *     rl_name_key("Q4_K_M", ...)                           -> "q4km"
 *     rl_model_key("meta-llama/Llama-3.1-8B-Instruct", 0, ...) -> "llama318b"
 *
 * Two names that give the same key name the same thing; the catalog
 * (catalog.c) compares keys of what was typed with keys of its ids and
 * `aliases`.  Pure functions, no allocation.
 */
#ifndef RL_NAMES_H
#define RL_NAMES_H

#include <stddef.h>

/* Key of a name: ASCII letters lower-cased, digits kept, everything else
 * (- _ . space / ...) dropped.  Output truncated to n-1 bytes. */
void rl_name_key(const char *in, char *out, size_t n);

/* Key of a model name as people write it: a Hugging Face repo id's
 * organisation ("meta-llama/") and a leading "Meta-" are dropped, and so
 * are the tokens Instruct, Chat, hf, it and Base (between separators,
 * any case).  drop_version also drops a last token v<digit>... ("-v0.1").
 * Then as rl_name_key. */
void rl_model_key(const char *in, int drop_version, char *out, size_t n);

/* Hardware: a leading vendor or brand word (nvidia, geforce, amd, radeon,
 * instinct, apple) dropped, then as rl_name_key ("NVIDIA H100" -> "h100"). */
void rl_hw_key(const char *in, char *out, size_t n);

/* How far key `w` (what was typed) is from key `c` (a candidate): 0 equal,
 * 0.5 a prefix of it, otherwise the edit distance, or the edit distance
 * to a prefix of c plus 0.5 (a mistyped start of a longer name), 1 when
 * w (3+ characters) occurs inside c; whichever is smallest. */
double rl_name_distance(const char *w, const char *c);

/* Rank candidates for a "did you mean": cands[i] are keys, owner[i] the
 * entry each belongs to (an entry may have several keys: id and aliases).
 * Writes up to `max` distinct owners, best first (ties in candidate
 * order), into out and returns how many.  Kept: distance within a third
 * of the typed key's length plus one, and within 0.5 of the best. */
int rl_suggest_ranked(const char *word_key, const char *const *cands,
                      const int *owner, int n, int max, int *out);

#endif
