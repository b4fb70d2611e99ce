/* SPDX-License-Identifier: MIT */
/*
 * NPB MG (multigrid): four V-cycles of a multigrid solver for the 3-D
 * Poisson equation  del^2 u = v  on a periodic n^3 grid, v being +1 at
 * ten points, -1 at ten others and 0 elsewhere, the points chosen as the
 * largest and smallest of a field of NPB random numbers (NAS RNR-91-002,
 * "Kernel MG"; NPB 3.4.1 MG/mg.f).  The result is the L2 norm of
 * the final residual.  The operators are in mg_ops.c.
 *
 * Mop/s = 58 nit n^3 / time / 10^6 (mg.f).
 */
#include "mg.h"

#define MM   10		 /* mg.f: mm, the +1 and -1 points */
#define SEED 314159265.0 /* mg.f: x = 314159265 */
#define EPS  1.0e-8	 /* mg.f: epsilon */

/*
 * n and nit: NPB 3.4.1 sys/setparams.c (write_mg_info).  Class W is NPB
 * >= 3.3's 128^3 with 4 iterations (NPB 3.0 had 64^3 and 40).
 * rnm2: NPB 3.4.1 MG/mg.f, verify_value.
 */
static const struct mg_class {
	char cls;
	int n, nit;
	double rnm2;
} mg_classes[] = {
	{'S', 32, 4, 0.5307707005734e-04},
	{'W', 128, 4, 0.6467329375339e-05},
	{'A', 256, 4, 0.2433365309069e-05},
};

static const struct mg_class *
mg_class(char cls)
{
	for (size_t i = 0; i < sizeof(mg_classes) / sizeof(mg_classes[0]); i++)
		if (mg_classes[i].cls == cls)
			return &mg_classes[i];
	return NULL;
}

int
mg_verify(char cls, double rnm2)
{
	const struct mg_class *c = mg_class(cls);

	if (!c)
		return WL_NO;
	return wl_relerr(rnm2, c->rnm2) <= EPS ? WL_YES : WL_NO;
}

/* mg.f setup(): level sides and offsets; returns the doubles of u (= r) */
static size_t
setup(struct mg_state *s, int n)
{
	size_t total = 0;

	s->lt = 0;
	while ((1 << s->lt) < n)
		s->lt++;
	for (int k = s->lt; k >= 1; k--) {
		size_t m;

		s->m[k] = (n >> (s->lt - k)) + 2;
		m = (size_t)s->m[k];
		s->ir[k] = total;
		total += m * m * m;
	}
	return total;
}

static size_t
mg_mem(char cls)
{
	const struct mg_class *c = mg_class(cls);
	struct mg_state s;
	size_t all, top;

	if (!c)
		return 0;
	all = setup(&s, c->n);
	top = (size_t)s.m[s.lt];
	return 2 * wl_align(all * sizeof(double)) +
	       wl_align(top * top * top * sizeof(double)) +
	       3 * wl_align((top + 1) * sizeof(double));
}

/* mg.f bubble(): keep ten[0..MM) sorted, ascending if up, else descending */
static void
bubble(double *ten, int (*j)[3], bool up)
{
	for (int i = 0; i < MM - 1; i++) {
		double t;
		int p[3];

		if (up ? !(ten[i] > ten[i + 1]) : !(ten[i] < ten[i + 1]))
			return;
		t = ten[i + 1];
		ten[i + 1] = ten[i];
		ten[i] = t;
		for (int d = 0; d < 3; d++) {
			p[d] = j[i + 1][d];
			j[i + 1][d] = j[i][d];
			j[i][d] = p[d];
		}
	}
}

/* the MM largest (hi) and smallest (lo) interior values of z */
static void
extremes(const double *z, int m, int (*hi)[3], int (*lo)[3])
{
	double thi[MM], tlo[MM];

	for (int i = 0; i < MM; i++) {
		thi[i] = 0.0;
		tlo[i] = 1.0;
		for (int d = 0; d < 3; d++)
			hi[i][d] = lo[i][d] = 0;
	}
	for (int i3 = 1; i3 < m - 1; i3++)
		for (int i2 = 1; i2 < m - 1; i2++)
			for (int i1 = 1; i1 < m - 1; i1++) {
				double x = z[MGIX(m, i3, i2, i1)];

				if (x > thi[0]) {
					thi[0] = x;
					hi[0][0] = i3;
					hi[0][1] = i2;
					hi[0][2] = i1;
					bubble(thi, hi, true);
				}
				if (x < tlo[0]) {
					tlo[0] = x;
					lo[0][0] = i3;
					lo[0][1] = i2;
					lo[0][2] = i1;
					bubble(tlo, lo, false);
				}
			}
}

/*
 * mg.f zran3(): fill the interior with NPB random numbers (row i2 of
 * plane i3 starts at x * a^(nx (i2 - 1) + nx nx (i3 - 1))), then keep
 * only -1 at the ten smallest and +1 at the ten largest.
 */
static void
zran3(double *z, int m, int nx)
{
	double a1 = npb_pow46(NPB_A, nx);
	double a2 = npb_pow46(NPB_A, (long)nx * nx);
	double x0 = SEED;
	int hi[MM][3], lo[MM][3];

	mg_zero3(z, m);
	/* mg.f first multiplies x0 by a^0 = 1 for the serial layout */
	for (int i3 = 1; i3 <= nx; i3++) {
		double x1 = x0;

		for (int i2 = 1; i2 <= nx; i2++) {
			double xx = x1;

			vranlc(nx, &xx, NPB_A, z + MGIX(m, i3, i2, 1));
			(void)randlc(&x1, a1);
		}
		(void)randlc(&x0, a2);
	}
	extremes(z, m, hi, lo);
	mg_zero3(z, m);
	for (int i = MM - 1; i >= 0; i--)
		z[MGIX(m, lo[i][0], lo[i][1], lo[i][2])] = -1.0;
	for (int i = MM - 1; i >= 0; i--)
		z[MGIX(m, hi[i][0], hi[i][1], hi[i][2])] = +1.0;
	mg_comm3(z, m);
}

/* mg.f mg3P(): one V-cycle */
static void
mg3p(struct mg_state *s)
{
	int lt = s->lt;

	for (int k = lt; k >= 2; k--)
		mg_rprj3(s, s->r + s->ir[k], s->m[k], s->r + s->ir[k - 1],
			 s->m[k - 1]);
	/* an approximate solution on the coarsest grid */
	mg_zero3(s->u + s->ir[1], s->m[1]);
	mg_psinv(s, s->r + s->ir[1], s->u + s->ir[1], s->m[1]);
	for (int k = 2; k <= lt - 1; k++) {
		double *u = s->u + s->ir[k], *r = s->r + s->ir[k];

		mg_zero3(u, s->m[k]);
		mg_interp(s, s->u + s->ir[k - 1], s->m[k - 1], u, s->m[k]);
		mg_resid(s, u, r, r, s->m[k]);
		mg_psinv(s, r, u, s->m[k]);
	}
	mg_interp(s, s->u + s->ir[lt - 1], s->m[lt - 1], s->u, s->m[lt]);
	mg_resid(s, s->u, s->v, s->r, s->m[lt]);
	mg_psinv(s, s->r, s->u, s->m[lt]);
}

static int
mg_alloc(struct mg_state *s, int n)
{
	size_t all = setup(s, n), top = (size_t)s->m[s->lt];

	s->u = wl_alloc(all * sizeof(double));
	s->r = wl_alloc(all * sizeof(double));
	s->v = wl_alloc(top * top * top * sizeof(double));
	s->l1 = wl_alloc((top + 1) * sizeof(double));
	s->l2 = wl_alloc((top + 1) * sizeof(double));
	s->l3 = wl_alloc((top + 1) * sizeof(double));
	if (!s->u || !s->r || !s->v || !s->l1 || !s->l2 || !s->l3)
		return -1;
	/* mg.f: A and the smoother S(a) of classes S, W, A */
	s->a[0] = -8.0 / 3.0;
	s->a[1] = 0.0;
	s->a[2] = 1.0 / 6.0;
	s->a[3] = 1.0 / 12.0;
	s->c[0] = -3.0 / 8.0;
	s->c[1] = +1.0 / 32.0;
	s->c[2] = -1.0 / 64.0;
	s->c[3] = 0.0;
	return 0;
}

static int
mg_run(char cls)
{
	const struct mg_class *c = mg_class(cls);
	struct mg_state s;
	double rnm2, rnmu, t, nx;
	uint64_t t0;
	int ok, top;

	if (!c)
		return WL_EUSAGE;
	if (mg_alloc(&s, c->n) < 0)
		return WL_ENOMEM;
	top = s.m[s.lt];
	nx = (double)c->n;
	/* one untimed iteration touches every page (mg.f), then restart */
	mg_zero3(s.u, top);
	zran3(s.v, top, c->n);
	mg_resid(&s, s.u, s.v, s.r, top);
	mg3p(&s);
	mg_resid(&s, s.u, s.v, s.r, top);
	mg_zero3(s.u, top);
	zran3(s.v, top, c->n);

	t0 = wl_now_ns();
	mg_resid(&s, s.u, s.v, s.r, top);
	mg_norm2u3(s.r, top, nx, &rnm2, &rnmu);
	for (int it = 1; it <= c->nit; it++) {
		mg3p(&s);
		mg_resid(&s, s.u, s.v, s.r, top);
	}
	mg_norm2u3(s.r, top, nx, &rnm2, &rnmu);
	t = wl_seconds(t0, wl_now_ns());

	ok = mg_verify(cls, rnm2);
	wl_result("mg", cls, "time", t, "s", ok);
	wl_result("mg", cls, "mops", wl_mops(58.0 * c->nit * nx * nx * nx, t),
		  "Mop/s", ok);
	return ok == WL_YES ? WL_OK : WL_EUNVERIFIED;
}

const struct wl_workload wl_mg = {
	.name = "mg",
	.classes = "SWA",
	.mem_bytes = mg_mem,
	.run = mg_run,
};
