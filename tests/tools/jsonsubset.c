/*
 * jsonsubset.c -- is one JSON document a subset of another?  The golden
 * CLI tests (tests/golden.sh) compare a command's JSON output with a
 * hand-written expectation that names only what the test is about:
 *
 *     jsonsubset [--rtol R] [--skip KEY]... EXPECTED.json ACTUAL.json
 *     jsonsubset --get KEY DEFAULT EXPECTED.json
 *
 * Rules, applied recursively from the roots:
 *   object   every key of EXPECTED exists in ACTUAL and matches;
 *            ACTUAL may have more keys.  --skip KEY ignores a top-level
 *            key of EXPECTED (e.g. "exit", which golden.sh reads itself).
 *   array    positional: element i of EXPECTED matches element i of
 *            ACTUAL; ACTUAL may be longer.  [] only checks "is an array".
 *   number   |e - a| <= R * max(|e|, |a|) (R defaults to 0.25), so
 *            calibration changes pass and physics regressions do not;
 *            an expected 0 needs |a| <= 1e-12.
 *   string, true, false, null   exactly equal.
 * `--get KEY DEFAULT` prints the top-level number KEY of a file (or
 * DEFAULT when absent) and exits 0.
 *
 * Exit status: 0 subset, 1 mismatch (each difference on stderr as
 * "$.path: ..."), 2 usage, unreadable file or invalid JSON.
 */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SKIP 8

static double rtol = 0.25;
static const char *skip[MAX_SKIP];
static int nskip, mismatches;

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *b = NULL;
    size_t n = 0, cap = 0, r;

    if (!f) return NULL;
    do {
        if (n + 4096 + 1 > cap) {
            char *g = realloc(b, cap = cap * 2 + 8192);
            if (!g) { free(b); fclose(f); return NULL; }
            b = g;
        }
        r = fread(b + n, 1, 4096, f);
        n += r;
    } while (r > 0);
    fclose(f);
    b[n] = '\0';
    return b;
}

static cJSON *load(const char *path)
{
    char *t = slurp(path);
    cJSON *j;

    if (!t) { fprintf(stderr, "jsonsubset: cannot read %s\n", path); return NULL; }
    j = cJSON_Parse(t);
    if (!j) fprintf(stderr, "jsonsubset: %s is not valid JSON (near: %.40s)\n", path,
                    cJSON_GetErrorPtr() ? cJSON_GetErrorPtr() : "?");
    free(t);
    return j;
}

static const char *type_name(const cJSON *j)
{
    if (cJSON_IsObject(j)) return "object";
    if (cJSON_IsArray(j)) return "array";
    if (cJSON_IsNumber(j)) return "number";
    if (cJSON_IsString(j)) return "string";
    if (cJSON_IsBool(j)) return "boolean";
    if (cJSON_IsNull(j)) return "null";
    return "?";
}

static void differ(const char *path, const char *fmt, const char *a, const char *b)
{
    fprintf(stderr, "%s: ", path);
    fprintf(stderr, fmt, a, b);
    fputc('\n', stderr);
    mismatches++;
}

static int skipped(const char *key, int depth)
{
    for (int i = 0; depth == 0 && i < nskip; i++)
        if (strcmp(skip[i], key) == 0) return 1;
    return 0;
}

static void compare(const cJSON *e, const cJSON *a, const char *path, int depth)
{
    char sub[1024], ev[64], av[64];

    if (cJSON_IsBool(e) ? !cJSON_IsBool(a) : (e->type & 0xFF) != (a->type & 0xFF)) {
        differ(path, "expected %s, got %s", type_name(e), type_name(a));
        return;
    }
    if (cJSON_IsObject(e)) {
        for (const cJSON *k = e->child; k; k = k->next) {
            const cJSON *v = cJSON_GetObjectItemCaseSensitive(a, k->string);
            if (skipped(k->string, depth)) continue;
            snprintf(sub, sizeof sub, "%s.%s", path, k->string);
            if (!v) differ(sub, "missing%s%s", "", "");
            else compare(k, v, sub, depth + 1);
        }
    } else if (cJSON_IsArray(e)) {
        int ne = cJSON_GetArraySize(e), na = cJSON_GetArraySize(a);
        if (ne > na) {
            snprintf(ev, sizeof ev, "%d", ne);
            snprintf(av, sizeof av, "%d", na);
            differ(path, "expected at least %s elements, got %s", ev, av);
            return;
        }
        for (int i = 0; i < ne; i++) {
            snprintf(sub, sizeof sub, "%s[%d]", path, i);
            compare(cJSON_GetArrayItem(e, i), cJSON_GetArrayItem(a, i), sub, depth + 1);
        }
    } else if (cJSON_IsNumber(e)) {
        double x = e->valuedouble, y = a->valuedouble;
        double tol = x == 0 ? 1e-12 : rtol * fmax(fabs(x), fabs(y));
        if (!(fabs(x - y) <= tol)) {
            snprintf(ev, sizeof ev, "%.6g", x);
            snprintf(av, sizeof av, "%.6g", y);
            differ(path, "expected %s, got %s", ev, av);
        }
    } else if (cJSON_IsString(e)) {
        if (strcmp(e->valuestring, a->valuestring) != 0)
            differ(path, "expected \"%s\", got \"%s\"", e->valuestring, a->valuestring);
    } else if (cJSON_IsBool(e)) {
        if (cJSON_IsTrue(e) != cJSON_IsTrue(a))
            differ(path, "expected %s, got %s", cJSON_IsTrue(e) ? "true" : "false",
                   cJSON_IsTrue(a) ? "true" : "false");
    }
}

static int usage(void)
{
    fprintf(stderr, "usage: jsonsubset [--rtol R] [--skip KEY]... EXPECTED.json ACTUAL.json\n"
                    "       jsonsubset --get KEY DEFAULT FILE.json\n");
    return 2;
}

int main(int argc, char **argv)
{
    const char *files[2];
    int nf = 0;
    cJSON *e, *a;

    if (argc == 5 && strcmp(argv[1], "--get") == 0) {
        cJSON *j = load(argv[4]);
        const cJSON *v;
        if (!j) return 2;
        v = cJSON_GetObjectItemCaseSensitive(j, argv[2]);
        if (cJSON_IsNumber(v)) printf("%d\n", v->valueint);
        else printf("%s\n", argv[3]);
        cJSON_Delete(j);
        return 0;
    }
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--rtol") == 0 && i + 1 < argc) {
            char *end;
            rtol = strtod(argv[++i], &end);
            if (*end || !(rtol >= 0) || rtol > 10) return usage();
        } else if (strcmp(argv[i], "--skip") == 0 && i + 1 < argc && nskip < MAX_SKIP) {
            skip[nskip++] = argv[++i];
        } else if (nf < 2 && argv[i][0] != '-') {
            files[nf++] = argv[i];
        } else {
            return usage();
        }
    }
    if (nf != 2) return usage();
    if (!(e = load(files[0]))) return 2;
    if (!(a = load(files[1]))) { cJSON_Delete(e); return 2; }
    compare(e, a, "$", 0);
    cJSON_Delete(e);
    cJSON_Delete(a);
    return mismatches ? 1 : 0;
}
