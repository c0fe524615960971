/*
 * milp.h -- the only door to GLPK.  A small mixed-integer linear program
 * is described with 0-based variables and rows, validated as it is
 * built, and solved by rl_milp_solve, which is the one function in the
 * code base that talks to GLPK (solver/milp.c):
 *
 *   - glp_error_hook is installed for the duration of the solve; a GLPK
 *     internal error longjmps back, the GLPK environment is freed and
 *     RL_ESOLVER is returned (GLPK's default would abort the process);
 *   - terminal output is off (and a term hook swallows error texts);
 *     every solve has a time limit;
 *   - both glp_intopt's return code and glp_mip_status are mapped to
 *     enum rl_milp_status;
 *   - 1-based GLPK indices never leave milp.c;
 *   - solves are serialised by a mutex (batch runs scenarios in threads).
 *
 *     rl_milp *m = rl_milp_new(2, &err);
 *     rl_milp_var(m, 0, 0, 10, 1, -1.0);    // integer x0 in [0,10], cost -1
 *     int idx[] = {0, 1}; double a[] = {2, 1};
 *     rl_milp_row(m, "cap", RL_ROW_LE, 2, idx, a, 7.0);
 *     rl_milp_sol s;
 *     if (rl_milp_solve(m, 100, &s, &err) == RL_OK && s.status == RL_MILP_OPTIMAL) ...
 *     rl_milp_free(m);
 */
#ifndef RL_MILP_H
#define RL_MILP_H

#include "rl_err.h"

#define RL_MILP_MAX_VARS 64     /* rl_milp_new / rl_milp_sol */
#define RL_MILP_MAX_ROWS 64
#define RL_MILP_LARGE_VARS 200000   /* rl_milp_new_large (procurement) */
#define RL_MILP_LARGE_ROWS 20000

typedef struct rl_milp rl_milp;     /* opaque */

enum rl_row_kind { RL_ROW_LE, RL_ROW_GE, RL_ROW_EQ };

enum rl_milp_status {
    RL_MILP_OPTIMAL = 0,        /* proven optimal */
    RL_MILP_FEASIBLE = 1,       /* integer feasible, optimality not proven
                                   (time limit reached with an incumbent) */
    RL_MILP_INFEASIBLE = 2,     /* no integer solution exists */
    RL_MILP_UNBOUNDED = 3       /* objective unbounded */
};

typedef struct rl_milp_sol {
    int status;                 /* enum rl_milp_status */
    double objective;           /* valid for OPTIMAL / FEASIBLE */
    double x[RL_MILP_MAX_VARS]; /* 0-based values, valid likewise */
} rl_milp_sol;

/* New minimisation problem with n_vars variables, each continuous in
 * [0, +inf) with cost 0 until rl_milp_var says otherwise.  Returns an
 * owned handle, or NULL with err (RL_EINPUT if n_vars is out of
 * 1..RL_MILP_MAX_VARS, RL_EIO on OOM). */
rl_milp *rl_milp_new(int n_vars, rl_err *err);
void rl_milp_free(rl_milp *m);              /* NULL is a no-op */

/* The same for larger models (procure.c): up to RL_MILP_LARGE_VARS
 * variables and max_rows rows (<= RL_MILP_LARGE_ROWS), solved with
 * rl_milp_solve_x since rl_milp_sol holds only RL_MILP_MAX_VARS values. */
rl_milp *rl_milp_new_large(int n_vars, int max_rows, rl_err *err);

/* Variable j: bounds lb <= x <= ub (ub may be HUGE_VAL), integer flag,
 * objective cost.  RL_EINPUT for a bad index, NaN, or lb > ub. */
int rl_milp_var(rl_milp *m, int j, double lb, double ub, int integer,
                double cost, rl_err *err);

/* Row: sum coef[k] * x[idx[k]] (kind) rhs.  Indices 0-based, distinct;
 * coefficients finite.  RL_EINPUT when invalid (nothing is added). */
int rl_milp_row(rl_milp *m, const char *name, int kind, int n, const int *idx,
                const double *coef, double rhs, rl_err *err);

int rl_milp_nvars(const rl_milp *m);
int rl_milp_nrows(const rl_milp *m);

/* Solve within tm_lim_ms milliseconds (1..60000).  RL_OK with sol filled
 * (status says optimal / feasible / infeasible / unbounded), or
 * RL_ESOLVER with err when GLPK fails, hits an internal error, or runs out
 * of time without an integer solution. */
int rl_milp_solve(rl_milp *m, int tm_lim_ms, rl_milp_sol *sol, rl_err *err);

/* Same as rl_milp_solve for a problem of any size: *status (enum
 * rl_milp_status), *objective and x[0..n_vars-1] (caller's array) are
 * written; x and objective are valid for OPTIMAL / FEASIBLE.
 * rl_milp_solve refuses problems of more than RL_MILP_MAX_VARS. */
int rl_milp_solve_x(rl_milp *m, int tm_lim_ms, int *status, double *objective,
                    double *x, rl_err *err);

/* Test hook: make the next solve trigger a GLPK internal error (to test
 * the error-hook path).  Not for production use. */
void rl_milp_inject_error(int on);

#endif
