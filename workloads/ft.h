/* SPDX-License-Identifier: MIT */
/*
 * NPB FT internals shared by ft.c (driver) and ft_fft.c (the 3-D FFT).
 * Arrays are [k][j][i] = [nz][ny][nx] with i fastest.
 */
#ifndef CVM_WL_FT_H
#define CVM_WL_FT_H

#include "wl-priv.h"

#define FT_PI	    3.141592653589793238 /* ft.f: pi */
#define FT_MAXITER  6			 /* iterations of classes S, W, A */
#define FFTBLOCK    16			 /* ft.f: fftblock_default */
#define FFTBLOCKPAD 18			 /* ft.f: fftblockpad_default */

struct cplx {
	double re, im;
};

struct ft_class {
	char cls;
	int nx, ny, nz, niter;
	double sums[FT_MAXITER][2]; /* verification checksums (re, im) */
};

struct ft_state {
	const struct ft_class *c;
	int nx, ny, nz, maxdim;
	size_t ntotal;
	struct cplx *u0, *u1; /* the field, transformed and working */
	double *twiddle;      /* the time-evolution factors */
	struct cplx *u;	      /* roots of unity (ft.f: u) */
	struct cplx *y1, *y2; /* FFT blocks of maxdim x FFTBLOCKPAD */
	double *starts;	      /* the generator seed of each z plane */
	double sums[2 * FT_MAXITER];
};

#define FTIX(s, k, j, i)                                                     \
	((((size_t)(k) * (size_t)(s)->ny) + (size_t)(j)) * (size_t)(s)->nx + \
	 (size_t)(i))

/* ft.f fft_init(): the roots of unity for transforms up to maxdim */
void ft_fft_init(struct ft_state *s);
/*
 * ft.f fft(): the 3-D transform of x1 into x2 (dir 1: forward, x, y then
 * z; dir -1: inverse, z, y then x, unnormalised).  x1 is overwritten.
 */
void ft_fft(struct ft_state *s, int dir, struct cplx *x1, struct cplx *x2);

#endif
