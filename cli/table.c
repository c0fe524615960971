/*
 * table.c -- the output formats users read: `--format text|json|jsonl|
 * csv|md` (llama-bench's convention), numbers without scientific
 * notation, and a small buffered table that prints as aligned text
 * (header row, numbers right-aligned), CSV (RFC 4180, one header row),
 * or a Markdown table.
 *
 * Rows are usually taken from the JSON a command already builds, through
 * a column list of dotted paths, so every format shows the same figures
 * as --json and printers still never compute.
 */
#include "cli.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const format_names[] = {"text", "json", "jsonl", "csv", "md"};

int rl_parse_format(const char *v, int *fmt, rl_err *err)
{
    for (int i = 0; i < (int)(sizeof format_names / sizeof *format_names); i++)
        if (v && strcmp(v, format_names[i]) == 0) {
            *fmt = i;
            return RL_OK;
        }
    return rl_err_set(err, RL_EINPUT, NULL, 0,
                      "--format expects text, json, jsonl, csv or md, got '%s'", v ? v : "");
}

const char *rl_format_name(int fmt)
{
    return fmt >= 0 && fmt <= RL_FMT_MD ? format_names[fmt] : "?";
}

/* ---- JSON columns ------------------------------------------------------ */

/* Follow a dotted path ("estimates.ttft_ms.p95"); a leading '/' starts
 * from ctx instead of obj.  NULL when absent. */
static const cJSON *json_path(const cJSON *obj, const cJSON *ctx, const char *path)
{
    char key[64];
    const cJSON *o = obj;
    if (path[0] == '/') { o = ctx; path++; }
    while (o && *path) {
        size_t k = strcspn(path, ".");
        if (k >= sizeof key) return NULL;
        memcpy(key, path, k);
        key[k] = 0;
        o = cJSON_GetObjectItemCaseSensitive(o, key);
        path += k + (path[k] == '.');
    }
    return o;
}

/* Text of one JSON leaf: strings as is, numbers fixed-point, string
 * arrays comma-joined, "" absent. */
static void cell_text(const cJSON *v, char *buf, size_t n)
{
    if (!v || cJSON_IsNull(v)) snprintf(buf, n, "%s", "");
    else if (cJSON_IsString(v)) snprintf(buf, n, "%s", v->valuestring);
    else if (cJSON_IsBool(v)) snprintf(buf, n, "%s", cJSON_IsTrue(v) ? "true" : "false");
    else if (cJSON_IsNumber(v)) rl_fmt_num(buf, n, v->valuedouble, 6);
    else if (cJSON_IsArray(v)) {        /* a list of ids: "a,b,c" */
        const cJSON *e;
        size_t l = 0;
        buf[0] = 0;
        cJSON_ArrayForEach(e, v)
            if (cJSON_IsString(e) && l < n)
                l += (size_t)snprintf(buf + l, n - l, "%s%s", l ? "," : "", e->valuestring);
    } else snprintf(buf, n, "%s", "");
}

cJSON *rl_json_row(const rl_column *cols, int ncol, const cJSON *obj, const cJSON *ctx)
{
    cJSON *row = cJSON_CreateObject();
    for (int i = 0; row && i < ncol; i++) {
        const cJSON *v = json_path(obj, ctx, cols[i].path);
        cJSON_AddItemToObject(row, cols[i].name,
                              v ? cJSON_Duplicate(v, 1) : cJSON_CreateNull());
    }
    return row;
}

/* ---- buffered table ---------------------------------------------------- */

void rl_table_init(rl_table *t, const char *const *head, int ncol)
{
    memset(t, 0, sizeof *t);
    t->head = head;
    t->ncol = ncol;
}

int rl_table_add(rl_table *t, const char *const *cells)
{
    if (t->nrow == t->cap) {
        int cap = t->cap ? 2 * t->cap : 16;
        char **c = realloc(t->cell, (size_t)cap * (size_t)t->ncol * sizeof *c);
        if (!c) return RL_EIO;
        t->cell = c;
        t->cap = cap;
    }
    for (int j = 0; j < t->ncol; j++) {
        char *s = strdup(cells[j] ? cells[j] : "");
        if (!s) {
            while (j-- > 0) free(t->cell[t->nrow * t->ncol + j]);
            return RL_EIO;
        }
        t->cell[t->nrow * t->ncol + j] = s;
    }
    t->nrow++;
    return RL_OK;
}

int rl_table_add_json(rl_table *t, const rl_column *cols, const cJSON *obj, const cJSON *ctx)
{
    char buf[RL_TABLE_CELL_MAX];
    const char *cells[RL_TABLE_MAX_COLS];
    char *owned[RL_TABLE_MAX_COLS];
    int rc;
    if (t->ncol > RL_TABLE_MAX_COLS) return RL_EINPUT;
    for (int j = 0; j < t->ncol; j++) {
        cell_text(json_path(obj, ctx, cols[j].path), buf, sizeof buf);
        cells[j] = owned[j] = strdup(buf);
    }
    rc = rl_table_add(t, cells);
    for (int j = 0; j < t->ncol; j++) free(owned[j]);
    return rc;
}

void rl_table_free(rl_table *t)
{
    for (int i = 0; i < t->nrow * t->ncol; i++) free(t->cell[i]);
    free(t->cell);
    memset(t, 0, sizeof *t);
}

static int is_number(const char *s)
{
    char *end;
    if (!*s) return 0;
    (void)strtod(s, &end);
    return *end == 0;
}

static void csv_cell(FILE *out, const char *s)
{
    if (!s[strcspn(s, ",\"\r\n")] && s[0] != ' ' && (!*s || s[strlen(s) - 1] != ' ')) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"') fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

static void md_cell(FILE *out, const char *s)
{
    for (; *s; s++) {
        if (*s == '|') fputc('\\', out);
        fputc(*s == '\n' ? ' ' : *s, out);
    }
}

static void print_line(FILE *out, const rl_table *t, const char *const *row, int fmt,
                       const int *w, const int *right)
{
    for (int j = 0; j < t->ncol; j++) {
        const char *s = row[j];
        if (fmt == RL_FMT_CSV) {
            if (j) fputc(',', out);
            csv_cell(out, s);
        } else if (fmt == RL_FMT_MD) {
            fputs(j ? " " : "| ", out);
            md_cell(out, s);
            fputs(" |", out);
        } else {
            int last = j == t->ncol - 1;
            if (j) fputs("  ", out);
            if (right[j]) fprintf(out, "%*s", w[j], s);
            else if (last) fputs(s, out);
            else fprintf(out, "%-*s", w[j], s);
        }
    }
    fputc('\n', out);
}

void rl_table_print(FILE *out, const rl_table *t, int fmt, int header)
{
    int w[RL_TABLE_MAX_COLS], right[RL_TABLE_MAX_COLS];
    int ncol = t->ncol < RL_TABLE_MAX_COLS ? t->ncol : RL_TABLE_MAX_COLS;
    for (int j = 0; j < ncol; j++) {
        int numbers = 0, others = 0;     /* right-align all-number columns */
        w[j] = (int)strlen(t->head[j]);
        for (int i = 0; i < t->nrow; i++) {
            const char *s = t->cell[i * t->ncol + j];
            if ((int)strlen(s) > w[j]) w[j] = (int)strlen(s);
            if (*s) is_number(s) ? numbers++ : others++;
        }
        right[j] = numbers > 0 && others == 0;
    }
    if (header) {
        print_line(out, t, t->head, fmt, w, right);
        if (fmt == RL_FMT_MD) {
            fputc('|', out);
            for (int j = 0; j < ncol; j++) fputs(right[j] ? " ---: |" : " --- |", out);
            fputc('\n', out);
        }
    }
    for (int i = 0; i < t->nrow; i++)
        print_line(out, t, (const char *const *)&t->cell[i * t->ncol], fmt, w, right);
}
