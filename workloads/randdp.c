/* SPDX-License-Identifier: MIT */
/*
 * The NPB pseudo-random number generator: the linear congruential
 * generator x_{k+1} = a x_k (mod 2^46) with a = 5^13, evaluated exactly
 * in IEEE double arithmetic by splitting every operand into two 23-bit
 * halves (NAS RNR-91-002, its pseudorandom number generator; the
 * routines RANDLC/VRANLC of NPB 3.4.1 common/randdp.f, D. H. Bailey 1990).
 * Every product of two halves is below 2^46 and every intermediate sum
 * below 2^53, so no rounding ever happens: the sequence is bit-exact on
 * any IEEE machine, which is what the verification values rely on.
 */
#include "wl-priv.h"

/* 2^23, 2^-23, 2^46, 2^-46: exact powers of two */
#define T23 8388608.0
#define R23 (1.0 / T23)
#define T46 (T23 * T23)
#define R46 (R23 * R23)

/* z = x * a mod 2^46, with a already split as a = 2^23 a1 + a2 */
static inline double
lcg_step(double x, double a1, double a2)
{
	double x1, x2, t1, t2, z, t3, t4;

	/* x = 2^23 x1 + x2 */
	x1 = (double)(int)(R23 * x);
	x2 = x - T23 * x1;
	/* z = a1 x2 + a2 x1 (mod 2^23) */
	t1 = a1 * x2 + a2 * x1;
	t2 = (double)(int)(R23 * t1);
	z = t1 - T23 * t2;
	/* x = 2^23 z + a2 x2 (mod 2^46) */
	t3 = T23 * z + a2 * x2;
	t4 = (double)(int)(R46 * t3);
	return t3 - T46 * t4;
}

double
randlc(double *x, double a)
{
	double a1 = (double)(int)(R23 * a);
	double a2 = a - T23 * a1;

	*x = lcg_step(*x, a1, a2);
	return R46 * *x;
}

void
vranlc(long n, double *x, double a, double *y)
{
	double a1 = (double)(int)(R23 * a);
	double a2 = a - T23 * a1;
	double v = *x;

	for (long i = 0; i < n; i++) {
		v = lcg_step(v, a1, a2);
		y[i] = R46 * v;
	}
	*x = v;
}

double
npb_pow46(double a, long n)
{
	double r = 1.0, q = a;

	/* square and multiply; every step is exact, so the order is free */
	while (n > 0) {
		if (n & 1)
			(void)randlc(&r, q);
		n >>= 1;
		if (n > 0)
			(void)randlc(&q, q);
	}
	return r;
}

double
wl_relerr(double x, double ref)
{
	double d = x - ref;

	if (d < 0)
		d = -d;
	return ref < 0 ? d / -ref : d / ref;
}
