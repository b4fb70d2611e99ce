/* SPDX-License-Identifier: MIT */
/*
 * NPB MG internals shared by mg.c (driver, problem set-up) and mg_ops.c
 * (the grid operators).  Grids are cubic: a level of n x n x n interior
 * points is stored as m^3 doubles with m = n + 2 (one ghost layer on
 * each side, periodic), indexed [i3][i2][i1] with i1 fastest.
 */
#ifndef CVM_WL_MG_H
#define CVM_WL_MG_H

#include "wl-priv.h"

#define MG_MAXLEV 12 /* up to 2048^3 */

/* element (i3, i2, i1) of a grid of side m */
#define MGIX(m, i3, i2, i1)                                            \
	((((size_t)(i3) * (size_t)(m)) + (size_t)(i2)) * (size_t)(m) + \
	 (size_t)(i1))

struct mg_state {
	int lt;			  /* finest level: 2^lt points a side */
	int m[MG_MAXLEV + 1];	  /* side of level k, ghosts included */
	size_t ir[MG_MAXLEV + 1]; /* offset of level k in u and r */
	double *u, *v, *r;	  /* all levels of u, r; finest of v */
	double *l1, *l2, *l3;	  /* line buffers of m[lt] + 1 */
	double a[4];		  /* the residual operator A */
	double c[4];		  /* the smoother S */
};

/* mg.f comm3(): periodic ghost layers of a grid of side m */
void mg_comm3(double *u, int m);
/* mg.f zero3() */
void mg_zero3(double *z, int m);
/* mg.f resid(): r = v - A u (r may be v) */
void mg_resid(const struct mg_state *s, const double *u, const double *v,
	      double *r, int m);
/* mg.f psinv(): u = u + S r */
void mg_psinv(const struct mg_state *s, const double *r, double *u, int m);
/* mg.f rprj3(): restrict r (side mk) to s (side mj = mk / 2 + 1) */
void mg_rprj3(const struct mg_state *st, const double *r, int mk, double *s,
	      int mj);
/* mg.f interp(): u (side n) += trilinear prolongation of z (side mm) */
void mg_interp(const struct mg_state *s, const double *z, int mm, double *u,
	       int n);
/* mg.f norm2u3(): L2 norm over nx^3 points and the max norm */
void mg_norm2u3(const double *r, int m, double nx, double *rnm2, double *rnmu);

#endif
