/* SPDX-License-Identifier: MIT */
/*
 * The NPB CG test matrix (NPB 3.4.1 CG/cg.f: makea, sprnvc, vecset,
 * sparse).  A = sum over i of  w_i x_i x_i^T  + (rcond - shift) I, where
 * x_i is a random sparse vector of `nonzer` entries plus 0.5 at
 * position i, and the weights w_i fall geometrically from 1 to rcond
 * (NAS RNR-91-002, "Kernel CG").  The outer products are accumulated in the
 * order cg.f uses, so the entries, and so zeta, match NPB's.
 */
#include "cg.h"

#include <math.h>

#define RCOND 0.1	  /* setparams.c: rcond = 1.0e-1 */
#define TRAN0 314159265.0 /* cg.f: tran */
#define MAXNZ 32	  /* > nonzer + 1 of every class */

static size_t
ints(size_t n)
{
	return wl_align(n * sizeof(int));
}

static size_t
dbls(size_t n)
{
	return wl_align(n * sizeof(double));
}

size_t
cg_mem(char cls)
{
	const struct cg_class *c = cg_class(cls);
	size_t n, nz1;

	if (!c)
		return 0;
	n = (size_t)c->na;
	nz1 = (size_t)c->nonzer + 1;
	return ints(n + 1) + ints(n * nz1 * nz1) + dbls(n * nz1 * nz1) +
	       2 * ints(n) + ints(n * nz1) + dbls(n * nz1) + 5 * dbls(n + 2);
}

int
cg_alloc(struct cg_state *s)
{
	size_t n = (size_t)s->c->na, nz1 = (size_t)s->c->nonzer + 1;

	s->n = s->c->na;
	s->nzmax = (int)(n * nz1 * nz1);
	s->rowstr = wl_alloc((n + 1) * sizeof(int));
	s->colidx = wl_alloc((size_t)s->nzmax * sizeof(int));
	s->a = wl_alloc((size_t)s->nzmax * sizeof(double));
	s->arow = wl_alloc(n * sizeof(int));
	s->nzloc = wl_alloc(n * sizeof(int));
	s->acol = wl_alloc(n * nz1 * sizeof(int));
	s->aelt = wl_alloc(n * nz1 * sizeof(double));
	s->x = wl_alloc((n + 2) * sizeof(double));
	s->z = wl_alloc((n + 2) * sizeof(double));
	s->p = wl_alloc((n + 2) * sizeof(double));
	s->q = wl_alloc((n + 2) * sizeof(double));
	s->r = wl_alloc((n + 2) * sizeof(double));
	if (!s->rowstr || !s->colidx || !s->a || !s->arow || !s->nzloc ||
	    !s->acol || !s->aelt || !s->x || !s->z || !s->p || !s->q || !s->r)
		return -1;
	return 0;
}

/*
 * cg.f sprnvc(): nz distinct random positions in 1..n with random
 * values; positions come from nn1 * u (nn1 a power of two >= n), and
 * draws beyond n or repeated are discarded.
 */
static void
sprnvc(struct cg_state *s, int nz, int nn1, double *v, int *iv)
{
	int nzv = 0;

	while (nzv < nz) {
		double vecelt = randlc(&s->tran, NPB_A);
		double vecloc = randlc(&s->tran, NPB_A);
		int i = (int)(nn1 * vecloc) + 1;
		bool seen = false;

		if (i > s->n)
			continue;
		for (int k = 0; k < nzv && !seen; k++)
			seen = iv[k] == i;
		if (seen)
			continue;
		v[nzv] = vecelt;
		iv[nzv] = i;
		nzv++;
	}
}

/* cg.f vecset(): element i of the sparse vector becomes val */
static void
vecset(double *v, int *iv, int *nzv, int i, double val)
{
	bool set = false;

	for (int k = 0; k < *nzv; k++)
		if (iv[k] == i) {
			v[k] = val;
			set = true;
		}
	if (!set) {
		v[*nzv] = val;
		iv[*nzv] = i;
		(*nzv)++;
	}
}

/* sparse(), step 1: row starts from the number of triples per row */
static int
count_rows(struct cg_state *s)
{
	int n = s->n, w = s->c->nonzer + 1;

	for (int j = 0; j < n + 1; j++)
		s->rowstr[j] = 0;
	for (int i = 0; i < n; i++)
		for (int nza = 0; nza < s->arow[i]; nza++)
			s->rowstr[s->acol[i * w + nza] + 1] += s->arow[i];
	s->rowstr[0] = 0;
	for (int j = 1; j < n + 1; j++)
		s->rowstr[j] += s->rowstr[j - 1];
	if (s->rowstr[n] - 1 > s->nzmax)
		return -1;
	for (int j = 0; j < n; j++) {
		for (int k = s->rowstr[j]; k < s->rowstr[j + 1]; k++) {
			s->a[k] = 0.0;
			s->colidx[k] = -1;
		}
		s->nzloc[j] = 0;
	}
	return 0;
}

/*
 * sparse(), step 2: add va at (row j, column jcol), keeping each row's
 * columns sorted; a repeated column is counted in nzloc.
 */
static int
add_entry(struct cg_state *s, int j, int jcol, double va)
{
	int k;

	for (k = s->rowstr[j]; k < s->rowstr[j + 1]; k++) {
		if (s->colidx[k] > jcol) {
			/* insert here: shift the used tail right by one */
			for (int kk = s->rowstr[j + 1] - 2; kk >= k; kk--)
				if (s->colidx[kk] > -1) {
					s->a[kk + 1] = s->a[kk];
					s->colidx[kk + 1] = s->colidx[kk];
				}
			s->colidx[k] = jcol;
			s->a[k] = 0.0;
			break;
		} else if (s->colidx[k] == -1) {
			s->colidx[k] = jcol;
			break;
		} else if (s->colidx[k] == jcol) {
			s->nzloc[j]++;
			break;
		}
	}
	if (k == s->rowstr[j + 1])
		return -1;
	s->a[k] += va;
	return 0;
}

/* sparse(), step 3: squeeze out the slots duplicates left empty */
static void
compact(struct cg_state *s)
{
	int n = s->n;

	for (int j = 1; j < n; j++)
		s->nzloc[j] += s->nzloc[j - 1];
	for (int j = 0; j < n; j++) {
		int j1 = j > 0 ? s->rowstr[j] - s->nzloc[j - 1] : 0;
		int j2 = s->rowstr[j + 1] - s->nzloc[j];
		int nza = s->rowstr[j];

		for (int k = j1; k < j2; k++) {
			s->a[k] = s->a[nza];
			s->colidx[k] = s->colidx[nza];
			nza++;
		}
	}
	for (int j = 1; j < n + 1; j++)
		s->rowstr[j] -= s->nzloc[j - 1];
}

/* cg.f sparse(): the outer products, weighted, summed into CSR */
static int
sparse(struct cg_state *s)
{
	int n = s->n, w = s->c->nonzer + 1;
	double size = 1.0, ratio = pow(RCOND, 1.0 / (double)n);

	if (count_rows(s) < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		const int *col = s->acol + (size_t)i * w;
		const double *elt = s->aelt + (size_t)i * w;

		for (int nza = 0; nza < s->arow[i]; nza++) {
			int j = col[nza];
			double scale = size * elt[nza];

			for (int nzrow = 0; nzrow < s->arow[i]; nzrow++) {
				int jcol = col[nzrow];
				double va = elt[nzrow] * scale;

				/* rcond on the diagonal bounds the spectrum */
				if (jcol == j && j == i)
					va = va + RCOND - s->c->shift;
				if (add_entry(s, j, jcol, va) < 0)
					return -1;
			}
		}
		size = size * ratio;
	}
	compact(s);
	return 0;
}

int
cg_makea(struct cg_state *s)
{
	int n = s->n, w = s->c->nonzer + 1, nn1 = 1;
	int ivc[MAXNZ];
	double vc[MAXNZ];

	if (w > MAXNZ)
		return -1;
	s->tran = TRAN0;
	/* cg.f draws one number before makea (zeta = randlc(tran, amult)) */
	(void)randlc(&s->tran, NPB_A);
	while (nn1 < n)
		nn1 *= 2;
	for (int i = 0; i < n; i++) {
		int nzv = s->c->nonzer;

		sprnvc(s, nzv, nn1, vc, ivc);
		vecset(vc, ivc, &nzv, i + 1, 0.5);
		s->arow[i] = nzv;
		for (int k = 0; k < nzv; k++) {
			s->acol[(size_t)i * w + k] = ivc[k] - 1;
			s->aelt[(size_t)i * w + k] = vc[k];
		}
	}
	return sparse(s);
}
