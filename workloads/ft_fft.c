/* SPDX-License-Identifier: MIT */
/*
 * The 3-D FFT of NPB FT (NPB 3.4.1 FT/ft.f: fft, cffts1/2/3, cfftz,
 * fftz2, fft_init).  Each 1-D pass gathers FFTBLOCK lines into a block
 * (line element e of block line b at y[e * FFTBLOCKPAD + b]),
 * transforms them together with the Stockham autosort FFT of cfftz and
 * scatters them back.
 */
#include "ft.h"

#include <math.h>

static int
ilog2(int n)
{
	int lg = 0;

	while ((1 << lg) < n)
		lg++;
	return lg;
}

void
ft_fft_init(struct ft_state *s)
{
	int m = ilog2(s->maxdim), ku = 2, ln = 1;

	/* u[0] holds log2 of the largest size; level j at u[2^(j-1)..] */
	s->u[0].re = (double)m;
	s->u[0].im = 0.0;
	for (int j = 1; j <= m; j++) {
		double t = FT_PI / ln;

		for (int i = 0; i <= ln - 1; i++) {
			double ti = i * t;

			s->u[i + ku - 1].re = cos(ti);
			s->u[i + ku - 1].im = sin(ti);
		}
		ku = ku + ln;
		ln = 2 * ln;
	}
}

/* ft.f fftz2(): step l of the Stockham FFT of FFTBLOCK lines, x -> y */
static void
fftz2(const struct ft_state *s, int is, int l, int m, int n,
      const struct cplx *x, struct cplx *y)
{
	int n1 = n / 2, lk = 1 << (l - 1), li = 1 << (m - l), lj = 2 * lk;
	int ku = li;

	for (int i = 0; i <= li - 1; i++) {
		int i11 = i * lk, i12 = i11 + n1, i21 = i * lj, i22 = i21 + lk;
		struct cplx u1 = s->u[ku + i];

		if (is < 1)
			u1.im = -1.0 * u1.im;
		for (int k = 0; k <= lk - 1; k++)
			for (int j = 0; j < FFTBLOCK; j++) {
				struct cplx x11 =
					x[(i11 + k) * FFTBLOCKPAD + j];
				struct cplx x21 =
					x[(i12 + k) * FFTBLOCKPAD + j];
				struct cplx d = {x11.re - x21.re,
						 x11.im - x21.im};
				struct cplx *y1 =
					&y[(i21 + k) * FFTBLOCKPAD + j];
				struct cplx *y2 =
					&y[(i22 + k) * FFTBLOCKPAD + j];

				y1->re = x11.re + x21.re;
				y1->im = x11.im + x21.im;
				y2->re = u1.re * d.re - u1.im * d.im;
				y2->im = u1.re * d.im + u1.im * d.re;
			}
	}
}

/* ft.f cfftz(): FFTBLOCK transforms of n = 2^m points in x (y scratch) */
static void
cfftz(const struct ft_state *s, int is, int m, int n, struct cplx *x,
      struct cplx *y)
{
	for (int l = 1; l <= m; l += 2) {
		fftz2(s, is, l, m, n, x, y);
		if (l == m) {
			for (int j = 0; j < n; j++)
				for (int i = 0; i < FFTBLOCK; i++)
					x[j * FFTBLOCKPAD + i] =
						y[j * FFTBLOCKPAD + i];
			break;
		}
		fftz2(s, is, l + 1, m, n, y, x);
	}
}

/* ft.f cffts1(): transforms along i (x) */
static void
cffts1(struct ft_state *s, int is, const struct cplx *x, struct cplx *xout)
{
	int logd = ilog2(s->nx);
	struct cplx *y1 = s->y1;

	for (int k = 0; k < s->nz; k++)
		for (int jj = 0; jj <= s->ny - FFTBLOCK; jj += FFTBLOCK) {
			for (int j = 0; j < FFTBLOCK; j++)
				for (int i = 0; i < s->nx; i++)
					y1[i * FFTBLOCKPAD + j] =
						x[FTIX(s, k, j + jj, i)];
			cfftz(s, is, logd, s->nx, y1, s->y2);
			for (int j = 0; j < FFTBLOCK; j++)
				for (int i = 0; i < s->nx; i++)
					xout[FTIX(s, k, j + jj, i)] =
						y1[i * FFTBLOCKPAD + j];
		}
}

/* ft.f cffts2(): transforms along j (y) */
static void
cffts2(struct ft_state *s, int is, const struct cplx *x, struct cplx *xout)
{
	int logd = ilog2(s->ny);
	struct cplx *y1 = s->y1;

	for (int k = 0; k < s->nz; k++)
		for (int ii = 0; ii <= s->nx - FFTBLOCK; ii += FFTBLOCK) {
			for (int j = 0; j < s->ny; j++)
				for (int i = 0; i < FFTBLOCK; i++)
					y1[j * FFTBLOCKPAD + i] =
						x[FTIX(s, k, j, i + ii)];
			cfftz(s, is, logd, s->ny, y1, s->y2);
			for (int j = 0; j < s->ny; j++)
				for (int i = 0; i < FFTBLOCK; i++)
					xout[FTIX(s, k, j, i + ii)] =
						y1[j * FFTBLOCKPAD + i];
		}
}

/* ft.f cffts3(): transforms along k (z) */
static void
cffts3(struct ft_state *s, int is, const struct cplx *x, struct cplx *xout)
{
	int logd = ilog2(s->nz);
	struct cplx *y1 = s->y1;

	for (int j = 0; j < s->ny; j++)
		for (int ii = 0; ii <= s->nx - FFTBLOCK; ii += FFTBLOCK) {
			for (int k = 0; k < s->nz; k++)
				for (int i = 0; i < FFTBLOCK; i++)
					y1[k * FFTBLOCKPAD + i] =
						x[FTIX(s, k, j, i + ii)];
			cfftz(s, is, logd, s->nz, y1, s->y2);
			for (int k = 0; k < s->nz; k++)
				for (int i = 0; i < FFTBLOCK; i++)
					xout[FTIX(s, k, j, i + ii)] =
						y1[k * FFTBLOCKPAD + i];
		}
}

void
ft_fft(struct ft_state *s, int dir, struct cplx *x1, struct cplx *x2)
{
	if (dir == 1) {
		cffts1(s, 1, x1, x1);
		cffts2(s, 1, x1, x1);
		cffts3(s, 1, x1, x2);
	} else {
		cffts3(s, -1, x1, x1);
		cffts2(s, -1, x1, x1);
		cffts1(s, -1, x1, x2);
	}
}
