/* SPDX-License-Identifier: MIT */
/*
 * NPB CG internals shared by cg.c (the solver) and cg_matrix.c (the
 * matrix generator).
 */
#ifndef CVM_WL_CG_H
#define CVM_WL_CG_H

#include "wl-priv.h"

struct cg_class {
	char cls;
	int na;	      /* rows and columns */
	int nonzer;   /* nonzeros per generated sparse vector */
	int niter;    /* inverse power steps */
	double shift; /* eigenvalue shift */
	double zeta;  /* verification value */
};

struct cg_state {
	const struct cg_class *c;
	int n;	     /* na */
	int nzmax;   /* na (nonzer + 1)^2: room for the matrix */
	double tran; /* the generator's state (cg.f: tran) */
	/* the matrix, compressed sparse rows */
	int *rowstr, *colidx;
	double *a;
	/* generator workspace */
	int *arow, *acol, *nzloc;
	double *aelt;
	/* vectors of n + 2 */
	double *x, *z, *p, *q, *r;
};

const struct cg_class *cg_class(char cls);
/* the arena bytes of one run (0 for an unknown class) */
size_t cg_mem(char cls);
/* allocate every array of s (s->c set); -1 when wl_alloc() fails */
int cg_alloc(struct cg_state *s);
/* cg.f makea(): build the matrix; -1 on an internal inconsistency */
int cg_makea(struct cg_state *s);

#endif
