/*
 * milp.c -- the GLPK wrapper (milp.h).  The problem is kept in our own
 * 0-based arrays while it is built and validated; GLPK objects exist only
 * inside rl_milp_solve, between the installation and the removal of the
 * error hook.
 */
#include "milp.h"

#include <glpk.h>
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

typedef struct row {
    int kind, n;
    int *idx;                   /* owned, n entries */
    double *coef;
    double rhs;
} row;

/* Every array is owned and sized at rl_milp_new / rl_milp_new_large:
 * n_vars columns, at most max_rows rows. */
struct rl_milp {
    int n_vars, n_rows, max_rows;
    int large;                  /* rl_milp_new_large: MIR cuts (the covering
                                   models of procure hit the time limit
                                   without them) */
    double *lb, *ub, *cost;
    int *integer;
    int *mark;                  /* scratch for the duplicate-index check */
    row *rows;
};

static pthread_mutex_t glpk_lock = PTHREAD_MUTEX_INITIALIZER;
static int inject_error;

void rl_milp_inject_error(int on) { inject_error = on; }

/* Allocate a problem of n_vars columns and room for max_rows rows. */
static rl_milp *alloc_milp(int n_vars, int max_rows, rl_err *err)
{
    rl_milp *m = calloc(1, sizeof *m);
    size_t n = (size_t)n_vars;
    if (m) {
        m->lb = calloc(n, sizeof *m->lb);
        m->ub = calloc(n, sizeof *m->ub);
        m->cost = calloc(n, sizeof *m->cost);
        m->integer = calloc(n, sizeof *m->integer);
        m->mark = calloc(n, sizeof *m->mark);
        m->rows = calloc((size_t)max_rows, sizeof *m->rows);
    }
    if (!m || !m->lb || !m->ub || !m->cost || !m->integer || !m->mark || !m->rows) {
        rl_milp_free(m);
        rl_err_set(err, RL_EIO, NULL, 0, "out of memory");
        return NULL;
    }
    m->n_vars = n_vars;
    m->max_rows = max_rows;
    for (int j = 0; j < n_vars; j++) m->ub[j] = HUGE_VAL;
    return m;
}

rl_milp *rl_milp_new(int n_vars, rl_err *err)
{
    if (n_vars < 1 || n_vars > RL_MILP_MAX_VARS) {
        rl_err_set(err, RL_EINPUT, NULL, 0, "milp: %d variables (1..%d allowed)",
                   n_vars, RL_MILP_MAX_VARS);
        return NULL;
    }
    return alloc_milp(n_vars, RL_MILP_MAX_ROWS, err);
}

rl_milp *rl_milp_new_large(int n_vars, int max_rows, rl_err *err)
{
    if (n_vars < 1 || n_vars > RL_MILP_LARGE_VARS || max_rows < 1 ||
        max_rows > RL_MILP_LARGE_ROWS) {
        rl_err_set(err, RL_EINPUT, NULL, 0, "milp: %d variables, %d rows (1..%d, 1..%d "
                   "allowed)", n_vars, max_rows, RL_MILP_LARGE_VARS, RL_MILP_LARGE_ROWS);
        return NULL;
    }
    rl_milp *m = alloc_milp(n_vars, max_rows, err);
    if (m) m->large = 1;
    return m;
}

void rl_milp_free(rl_milp *m)
{
    if (!m) return;
    for (int i = 0; i < m->n_rows; i++) {
        free(m->rows[i].idx);
        free(m->rows[i].coef);
    }
    free(m->rows);
    free(m->lb);
    free(m->ub);
    free(m->cost);
    free(m->integer);
    free(m->mark);
    free(m);
}
int rl_milp_nvars(const rl_milp *m) { return m->n_vars; }
int rl_milp_nrows(const rl_milp *m) { return m->n_rows; }

int rl_milp_var(rl_milp *m, int j, double lb, double ub, int integer, double cost,
                rl_err *err)
{
    if (j < 0 || j >= m->n_vars)
        return rl_err_set(err, RL_EINPUT, NULL, 0, "milp: variable %d out of range", j);
    if (isnan(lb) || isnan(ub) || !isfinite(cost) || lb > ub || lb == HUGE_VAL ||
        ub == -HUGE_VAL)
        return rl_err_set(err, RL_EINPUT, NULL, 0, "milp: bad bounds or cost for x%d", j);
    m->lb[j] = lb;
    m->ub[j] = ub;
    m->integer[j] = integer != 0;
    m->cost[j] = cost;
    return RL_OK;
}

int rl_milp_row(rl_milp *m, const char *name, int kind, int n, const int *idx,
                const double *coef, double rhs, rl_err *err)
{
    const char *nm = name ? name : "row";
    if (m->n_rows >= m->max_rows)
        return rl_err_set(err, RL_EINPUT, NULL, 0, "milp: too many rows (%s)", nm);
    if (kind < RL_ROW_LE || kind > RL_ROW_EQ || n < 0 || n > m->n_vars || !isfinite(rhs))
        return rl_err_set(err, RL_EINPUT, NULL, 0, "milp: malformed row %s", nm);
    int bad = -1, twice = -1;
    for (int k = 0; k < n && bad < 0 && twice < 0; k++) {
        if (idx[k] < 0 || idx[k] >= m->n_vars || !isfinite(coef[k])) bad = k;
        else if (m->mark[idx[k]]) twice = idx[k];
        else m->mark[idx[k]] = 1;
    }
    for (int k = 0; k < n; k++)             /* clear what was marked */
        if (idx[k] >= 0 && idx[k] < m->n_vars) m->mark[idx[k]] = 0;
    if (bad >= 0)
        return rl_err_set(err, RL_EINPUT, NULL, 0, "milp: row %s: bad index or coefficient",
                          nm);
    if (twice >= 0)
        return rl_err_set(err, RL_EINPUT, NULL, 0, "milp: row %s: variable %d twice", nm,
                          twice);
    row *r = &m->rows[m->n_rows];
    r->idx = malloc((size_t)(n ? n : 1) * sizeof *idx);
    r->coef = malloc((size_t)(n ? n : 1) * sizeof *coef);
    if (!r->idx || !r->coef) {
        free(r->idx);
        free(r->coef);
        r->idx = NULL;
        r->coef = NULL;
        return rl_err_set(err, RL_EIO, NULL, 0, "out of memory");
    }
    m->n_rows++;
    r->kind = kind;
    r->n = n;
    r->rhs = rhs;
    memcpy(r->idx, idx, (size_t)n * sizeof *idx);
    memcpy(r->coef, coef, (size_t)n * sizeof *coef);
    return RL_OK;
}

/* ---- GLPK from here on ------------------------------------------------ */

static void on_glpk_error(void *info)
{
    longjmp(*(jmp_buf *)info, 1);
}

/* Swallow everything GLPK would print (its error texts bypass
 * glp_term_out); a non-zero return tells GLPK the text was handled. */
static int on_glpk_text(void *info, const char *s)
{
    (void)info;
    (void)s;
    return 1;
}

static int col_type(double lb, double ub)
{
    int lo = isfinite(lb), hi = isfinite(ub);
    if (lo && hi) return lb == ub ? GLP_FX : GLP_DB;
    if (lo) return GLP_LO;
    if (hi) return GLP_UP;
    return GLP_FR;
}

/* ind/val: scratch of n_vars + 1 entries (GLPK's 1-based arrays). */
static void build(glp_prob *P, const rl_milp *m, int *ind, double *val)
{
    glp_set_obj_dir(P, GLP_MIN);
    glp_add_cols(P, m->n_vars);
    for (int j = 0; j < m->n_vars; j++) {
        glp_set_col_bnds(P, j + 1, col_type(m->lb[j], m->ub[j]),
                         isfinite(m->lb[j]) ? m->lb[j] : 0,
                         isfinite(m->ub[j]) ? m->ub[j] : 0);
        glp_set_col_kind(P, j + 1, m->integer[j] ? GLP_IV : GLP_CV);
        glp_set_obj_coef(P, j + 1, m->cost[j]);
    }
    if (m->n_rows) glp_add_rows(P, m->n_rows);
    for (int i = 0; i < m->n_rows; i++) {
        const row *r = &m->rows[i];
        int t = r->kind == RL_ROW_LE ? GLP_UP : r->kind == RL_ROW_GE ? GLP_LO : GLP_FX;
        glp_set_row_bnds(P, i + 1, t, r->rhs, r->rhs);
        for (int k = 0; k < r->n; k++) {
            ind[k + 1] = r->idx[k] + 1;
            val[k + 1] = r->coef[k];
        }
        glp_set_mat_row(P, i + 1, r->n, ind, val);
    }
}

/* Map (glp_intopt return, glp_mip_status) to our status; -1 = failure. */
static int map_status(int ret, int mip)
{
    if (ret == 0 || ret == GLP_EMIPGAP || ret == GLP_ETMLIM || ret == GLP_ESTOP) {
        if (mip == GLP_OPT) return ret == 0 ? RL_MILP_OPTIMAL : RL_MILP_FEASIBLE;
        if (mip == GLP_FEAS) return RL_MILP_FEASIBLE;
        if (mip == GLP_NOFEAS) return RL_MILP_INFEASIBLE;
        return -1;                          /* GLP_UNDEF: no answer in time */
    }
    if (ret == GLP_ENOPFS) return RL_MILP_INFEASIBLE;
    if (ret == GLP_ENODFS) return RL_MILP_UNBOUNDED;
    return -1;                              /* EBOUND, EROOT, EFAIL ... */
}

static int solve_locked(const rl_milp *m, int tm_lim_ms, int *status, double *obj,
                        double *x, int *ind, double *val, rl_err *err)
{
    jmp_buf jb;
    glp_prob *volatile P = NULL;
    glp_iocp parm;
    if (setjmp(jb)) {
        glp_error_hook(NULL, NULL);
        glp_free_env();                     /* frees P and the hooks */
        return rl_err_set(err, RL_ESOLVER, NULL, 0, "GLPK internal error");
    }
    glp_error_hook(on_glpk_error, &jb);
    glp_term_hook(on_glpk_text, NULL);
    glp_term_out(GLP_OFF);
    P = glp_create_prob();
    build(P, m, ind, val);
    if (inject_error) {
        inject_error = 0;
        glp_set_col_bnds(P, m->n_vars + 5, GLP_LO, 0, 0);   /* invalid index */
    }
    glp_init_iocp(&parm);
    parm.presolve = GLP_ON;
    parm.msg_lev = GLP_MSG_OFF;
    parm.tm_lim = tm_lim_ms;
    if (m->large) {
        parm.mir_cuts = GLP_ON;     /* cover cuts raise GLPK internal errors on some of these models */
    }
    int ret = glp_intopt(P, &parm);
    int st = map_status(ret, glp_mip_status(P));
    if (st == RL_MILP_OPTIMAL || st == RL_MILP_FEASIBLE) {
        *obj = glp_mip_obj_val(P);
        for (int j = 0; j < m->n_vars; j++) x[j] = glp_mip_col_val(P, j + 1);
    }
    glp_delete_prob(P);
    glp_error_hook(NULL, NULL);
    glp_term_hook(NULL, NULL);
    if (st < 0)
        return rl_err_set(err, RL_ESOLVER, NULL, 0,
                          ret == GLP_ETMLIM ? "MILP time limit (%d ms) reached "
                                              "without a solution"
                                            : "MILP solve failed (GLPK code %d)",
                          ret == GLP_ETMLIM ? tm_lim_ms : ret);
    *status = st;
    return RL_OK;
}

int rl_milp_solve_x(rl_milp *m, int tm_lim_ms, int *status, double *objective,
                    double *x, rl_err *err)
{
    if (!m || !status || !objective || !x)
        return rl_err_set(err, RL_EINPUT, NULL, 0, "milp: no problem");
    if (tm_lim_ms < 1 || tm_lim_ms > 60000)
        return rl_err_set(err, RL_EINPUT, NULL, 0, "milp: time limit %d ms out of range",
                          tm_lim_ms);
    *status = RL_MILP_INFEASIBLE;
    *objective = 0;
    memset(x, 0, (size_t)m->n_vars * sizeof *x);
    int *ind = malloc((size_t)(m->n_vars + 1) * sizeof *ind);
    double *val = malloc((size_t)(m->n_vars + 1) * sizeof *val);
    int rc = RL_EIO;
    if (ind && val) {
        pthread_mutex_lock(&glpk_lock);
        rc = solve_locked(m, tm_lim_ms, status, objective, x, ind, val, err);
        pthread_mutex_unlock(&glpk_lock);
    } else {
        rl_err_set(err, RL_EIO, NULL, 0, "out of memory");
    }
    free(ind);
    free(val);
    return rc;
}

int rl_milp_solve(rl_milp *m, int tm_lim_ms, rl_milp_sol *sol, rl_err *err)
{
    if (!m || !sol) return rl_err_set(err, RL_EINPUT, NULL, 0, "milp: no problem");
    memset(sol, 0, sizeof *sol);
    if (m->n_vars > RL_MILP_MAX_VARS)
        return rl_err_set(err, RL_EINPUT, NULL, 0, "milp: %d variables: use "
                          "rl_milp_solve_x for large problems", m->n_vars);
    return rl_milp_solve_x(m, tm_lim_ms, &sol->status, &sol->objective, sol->x, err);
}
