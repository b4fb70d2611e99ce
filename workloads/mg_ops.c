/* SPDX-License-Identifier: MIT */
/*
 * The NPB MG grid operators (NPB 3.4.1 MG/mg.f: comm3, zero3, resid,
 * psinv, rprj3, interp, norm2u3) on cubic grids with periodic ghost
 * layers.  The 27-point stencils are evaluated the way mg.f does, with
 * partial sums of the 4 edge and 4 corner neighbours in line buffers,
 * so the rounding matches NPB's.  Coefficients a(1) and c(3) are zero
 * in every class and their terms are left out, as mg.f does.
 *
 * rprj3 and interp take mg.f's general branches (grid side > 3): for
 * cubic power-of-two grids the coarsest level (side 3) is never the
 * fine side of a transfer.
 */
#include "mg.h"

void
mg_comm3(double *u, int m)
{
	for (int i3 = 1; i3 < m - 1; i3++)
		for (int i2 = 1; i2 < m - 1; i2++) {
			u[MGIX(m, i3, i2, 0)] = u[MGIX(m, i3, i2, m - 2)];
			u[MGIX(m, i3, i2, m - 1)] = u[MGIX(m, i3, i2, 1)];
		}
	for (int i3 = 1; i3 < m - 1; i3++)
		for (int i1 = 0; i1 < m; i1++) {
			u[MGIX(m, i3, 0, i1)] = u[MGIX(m, i3, m - 2, i1)];
			u[MGIX(m, i3, m - 1, i1)] = u[MGIX(m, i3, 1, i1)];
		}
	for (int i2 = 0; i2 < m; i2++)
		for (int i1 = 0; i1 < m; i1++) {
			u[MGIX(m, 0, i2, i1)] = u[MGIX(m, m - 2, i2, i1)];
			u[MGIX(m, m - 1, i2, i1)] = u[MGIX(m, 1, i2, i1)];
		}
}

void
mg_zero3(double *z, int m)
{
	size_t n = (size_t)m * (size_t)m * (size_t)m;

	for (size_t i = 0; i < n; i++)
		z[i] = 0.0;
}

/*
 * For line (i3, i2) of x: e[i1] = sum of the 4 edge neighbours in the
 * (i2, i3) plane, c[i1] = sum of the 4 corner neighbours.
 */
static void
plane_sums(const double *x, int m, int i3, int i2, double *e, double *c)
{
	const double *ym = x + MGIX(m, i3, i2 - 1, 0);
	const double *yp = x + MGIX(m, i3, i2 + 1, 0);
	const double *zm = x + MGIX(m, i3 - 1, i2, 0);
	const double *zp = x + MGIX(m, i3 + 1, i2, 0);
	const double *mm = x + MGIX(m, i3 - 1, i2 - 1, 0);
	const double *mp = x + MGIX(m, i3 - 1, i2 + 1, 0);
	const double *pm = x + MGIX(m, i3 + 1, i2 - 1, 0);
	const double *pp = x + MGIX(m, i3 + 1, i2 + 1, 0);

	for (int i1 = 0; i1 < m; i1++) {
		e[i1] = ym[i1] + yp[i1] + zm[i1] + zp[i1];
		c[i1] = mm[i1] + mp[i1] + pm[i1] + pp[i1];
	}
}

void
mg_resid(const struct mg_state *s, const double *u, const double *v, double *r,
	 int m)
{
	const double *a = s->a;
	double *u1 = s->l1, *u2 = s->l2;

	for (int i3 = 1; i3 < m - 1; i3++)
		for (int i2 = 1; i2 < m - 1; i2++) {
			size_t o = MGIX(m, i3, i2, 0);

			plane_sums(u, m, i3, i2, u1, u2);
			for (int i1 = 1; i1 < m - 1; i1++)
				r[o + i1] = v[o + i1] - a[0] * u[o + i1] -
					    a[2] * (u2[i1] + u1[i1 - 1] +
						    u1[i1 + 1]) -
					    a[3] * (u2[i1 - 1] + u2[i1 + 1]);
		}
	mg_comm3(r, m);
}

void
mg_psinv(const struct mg_state *s, const double *r, double *u, int m)
{
	const double *c = s->c;
	double *r1 = s->l1, *r2 = s->l2;

	for (int i3 = 1; i3 < m - 1; i3++)
		for (int i2 = 1; i2 < m - 1; i2++) {
			size_t o = MGIX(m, i3, i2, 0);

			plane_sums(r, m, i3, i2, r1, r2);
			for (int i1 = 1; i1 < m - 1; i1++)
				u[o + i1] = u[o + i1] + c[0] * r[o + i1] +
					    c[1] * (r[o + i1 - 1] +
						    r[o + i1 + 1] + r1[i1]) +
					    c[2] * (r2[i1] + r1[i1 - 1] +
						    r1[i1 + 1]);
		}
	mg_comm3(u, m);
}

void
mg_rprj3(const struct mg_state *st, const double *r, int mk, double *s, int mj)
{
	double *x1 = st->l1, *y1 = st->l2;

	for (int j3 = 1; j3 < mj - 1; j3++) {
		int i3 = 2 * j3 - 1;

		for (int j2 = 1; j2 < mj - 1; j2++) {
			int i2 = 2 * j2 - 1;
			const double *r00 = r + MGIX(mk, i3, i2, 0);
			const double *r01 = r + MGIX(mk, i3, i2 + 1, 0);
			const double *r02 = r + MGIX(mk, i3, i2 + 2, 0);
			const double *r10 = r + MGIX(mk, i3 + 1, i2, 0);
			const double *r11 = r + MGIX(mk, i3 + 1, i2 + 1, 0);
			const double *r12 = r + MGIX(mk, i3 + 1, i2 + 2, 0);
			const double *r20 = r + MGIX(mk, i3 + 2, i2, 0);
			const double *r21 = r + MGIX(mk, i3 + 2, i2 + 1, 0);
			const double *r22 = r + MGIX(mk, i3 + 2, i2 + 2, 0);

			for (int j1 = 1; j1 < mj; j1++) {
				int i1 = 2 * j1 - 1;

				x1[i1] = r10[i1] + r12[i1] + r01[i1] + r21[i1];
				y1[i1] = r00[i1] + r20[i1] + r02[i1] + r22[i1];
			}
			for (int j1 = 1; j1 < mj - 1; j1++) {
				int i1 = 2 * j1 - 1;
				double y2 = r00[i1 + 1] + r20[i1 + 1] +
					    r02[i1 + 1] + r22[i1 + 1];
				double x2 = r10[i1 + 1] + r12[i1 + 1] +
					    r01[i1 + 1] + r21[i1 + 1];

				s[MGIX(mj, j3, j2, j1)] =
					0.5 * r11[i1 + 1] +
					0.25 * (r11[i1] + r11[i1 + 2] + x2) +
					0.125 * (x1[i1] + x1[i1 + 2] + y2) +
					0.0625 * (y1[i1] + y1[i1 + 2]);
			}
		}
	}
	mg_comm3(s, mj);
}

/* u's two lines (2 i3 + d3, 2 i2 + d2) += weighted z-line sums */
static void
interp_line(double *u, int n, int i3, int i2, const double *zl, double w,
	    int mm)
{
	for (int i1 = 0; i1 < mm - 1; i1++) {
		u[MGIX(n, i3, i2, 2 * i1)] += w * zl[i1];
		u[MGIX(n, i3, i2, 2 * i1 + 1)] +=
			(0.5 * w) * (zl[i1] + zl[i1 + 1]);
	}
}

void
mg_interp(const struct mg_state *s, const double *z, int mm, double *u, int n)
{
	double *z1 = s->l1, *z2 = s->l2, *z3 = s->l3;

	for (int i3 = 0; i3 < mm - 1; i3++)
		for (int i2 = 0; i2 < mm - 1; i2++) {
			const double *z00 = z + MGIX(mm, i3, i2, 0);
			const double *z01 = z + MGIX(mm, i3, i2 + 1, 0);
			const double *z10 = z + MGIX(mm, i3 + 1, i2, 0);
			const double *z11 = z + MGIX(mm, i3 + 1, i2 + 1, 0);

			for (int i1 = 0; i1 < mm; i1++) {
				z1[i1] = z01[i1] + z00[i1];
				z2[i1] = z10[i1] + z00[i1];
				z3[i1] = z11[i1] + z10[i1] + z1[i1];
			}
			interp_line(u, n, 2 * i3, 2 * i2, z00, 1.0, mm);
			interp_line(u, n, 2 * i3, 2 * i2 + 1, z1, 0.5, mm);
			interp_line(u, n, 2 * i3 + 1, 2 * i2, z2, 0.5, mm);
			interp_line(u, n, 2 * i3 + 1, 2 * i2 + 1, z3, 0.25, mm);
		}
}

void
mg_norm2u3(const double *r, int m, double nx, double *rnm2, double *rnmu)
{
	double s = 0.0, mx = 0.0;

	for (int i3 = 1; i3 < m - 1; i3++)
		for (int i2 = 1; i2 < m - 1; i2++)
			for (int i1 = 1; i1 < m - 1; i1++) {
				double x = r[MGIX(m, i3, i2, i1)];

				s = s + x * x;
				if (wl_fabs(x) > mx)
					mx = wl_fabs(x);
			}
	*rnm2 = wl_sqrt(s / (nx * nx * nx));
	*rnmu = mx;
}
