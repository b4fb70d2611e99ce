/* SPDX-License-Identifier: MIT */
/*
 * NPB CG (conjugate gradient): estimate the largest eigenvalue of a
 * random sparse symmetric positive definite matrix by inverse power
 * iteration, each step solving A z = x with 25 unpreconditioned CG
 * iterations; zeta = shift + 1 / (x . z) (NAS RNR-91-002, "Kernel
 * CG"; NPB 3.4.1 CG/cg.f).  The matrix generator (makea, sprnvc, vecset,
 * sparse: cg_matrix.c) follows cg.f exactly: its entries depend on the
 * order of the random numbers and of the sums.
 *
 * Mop/s = 2 niter na (3 + nz(nz+1) + 25 (5 + nz(nz+1)) + 3) / time / 10^6
 * with nz = nonzer (cg.f).
 */
#include "cg.h"

#define CGITMAX 25	/* cg.f: cgitmax */
#define EPS	1.0e-10 /* cg.f: epsilon */

/*
 * na, nonzer, niter, shift: NPB 3.4.1 sys/setparams.c (write_cg_info).
 * zeta: NPB 3.4.1 CG/cg.f, zeta_verify_value.
 */
static const struct cg_class cg_classes[] = {
	{'S', 1400, 7, 15, 10.0, 8.5971775078648},
	{'W', 7000, 8, 15, 12.0, 10.362595087124},
	{'A', 14000, 11, 15, 20.0, 17.130235054029},
};

const struct cg_class *
cg_class(char cls)
{
	for (size_t i = 0; i < sizeof(cg_classes) / sizeof(cg_classes[0]); i++)
		if (cg_classes[i].cls == cls)
			return &cg_classes[i];
	return NULL;
}

int
cg_verify(char cls, double zeta)
{
	const struct cg_class *c = cg_class(cls);

	if (!c)
		return WL_NO;
	return wl_relerr(zeta, c->zeta) <= EPS ? WL_YES : WL_NO;
}

/* y = A v over the CSR matrix */
static void
spmv(const struct cg_state *s, const double *v, double *y)
{
	for (int j = 0; j < s->n; j++) {
		double sum = 0.0;

		for (int k = s->rowstr[j]; k < s->rowstr[j + 1]; k++)
			sum = sum + s->a[k] * v[s->colidx[k]];
		y[j] = sum;
	}
}

static double
dot(const double *x, const double *y, int n)
{
	double d = 0.0;

	for (int j = 0; j < n; j++)
		d = d + x[j] * y[j];
	return d;
}

/* cg.f conj_grad(): z ~ A^-1 x by 25 CG steps; returns ||x - A z|| */
static double
conj_grad(struct cg_state *s)
{
	double *x = s->x, *z = s->z, *p = s->p, *q = s->q, *r = s->r;
	double rho, rho0, alpha, beta, sum;
	int n = s->n;

	for (int j = 0; j < n + 1; j++) {
		q[j] = 0.0;
		z[j] = 0.0;
		r[j] = x[j];
		p[j] = r[j];
	}
	rho = dot(r, r, n);
	for (int it = 1; it <= CGITMAX; it++) {
		spmv(s, p, q);
		alpha = rho / dot(p, q, n);
		rho0 = rho;
		for (int j = 0; j < n; j++) {
			z[j] = z[j] + alpha * p[j];
			r[j] = r[j] - alpha * q[j];
		}
		rho = dot(r, r, n);
		beta = rho / rho0;
		for (int j = 0; j < n; j++)
			p[j] = r[j] + beta * p[j];
	}
	/* the residual norm, explicitly: ||x - A z|| */
	spmv(s, z, r);
	sum = 0.0;
	for (int j = 0; j < n; j++) {
		double d = x[j] - r[j];

		sum = sum + d * d;
	}
	return wl_sqrt(sum);
}

/* one inverse power step: x = z / ||z||; returns zeta */
static double
power_step(struct cg_state *s)
{
	double t1, t2;

	(void)conj_grad(s);
	t1 = dot(s->x, s->z, s->n);
	t2 = 1.0 / wl_sqrt(dot(s->z, s->z, s->n));
	for (int j = 0; j < s->n; j++)
		s->x[j] = t2 * s->z[j];
	return s->c->shift + 1.0 / t1;
}

static void
x_ones(struct cg_state *s)
{
	for (int i = 0; i < s->n + 1; i++)
		s->x[i] = 1.0;
}

static int
cg_run(char cls)
{
	struct cg_state s = {.c = cg_class(cls)};
	double zeta = 0.0, t, nz1;
	uint64_t t0;
	int ok;

	if (!s.c)
		return WL_EUSAGE;
	if (cg_alloc(&s) < 0)
		return WL_ENOMEM;
	if (cg_makea(&s) < 0)
		return WL_EUNVERIFIED;
	/* one untimed step touches every page (cg.f), then start over */
	x_ones(&s);
	(void)power_step(&s);
	x_ones(&s);

	t0 = wl_now_ns();
	for (int it = 1; it <= s.c->niter; it++)
		zeta = power_step(&s);
	t = wl_seconds(t0, wl_now_ns());

	ok = cg_verify(cls, zeta);
	nz1 = (double)s.c->nonzer * (s.c->nonzer + 1);
	wl_result("cg", cls, "time", t, "s", ok);
	wl_result("cg", cls, "mops",
		  wl_mops(2.0 * s.c->niter * s.n *
				  (3.0 + nz1 + 25.0 * (5.0 + nz1) + 3.0),
			  t),
		  "Mop/s", ok);
	return ok == WL_YES ? WL_OK : WL_EUNVERIFIED;
}

const struct wl_workload wl_cg = {
	.name = "cg",
	.classes = "SWA",
	.mem_bytes = cg_mem,
	.run = cg_run,
};
