/* SPDX-License-Identifier: MIT */
/*
 * Internals shared by the workloads (workloads/NAME.c) and exposed to their
 * unit tests (tests/unit/test-workloads.c): the NPB pseudo-random number
 * generator, the class parameters and the verification functions.  The
 * verification functions are separate from the runs so a test can feed
 * them wrong values and see them refuse.
 *
 * Freestanding rules (wl.h): only <stdint.h>/<stddef.h>/<stdbool.h> and
 * wl.h here.
 */
#ifndef CVM_WL_PRIV_H
#define CVM_WL_PRIV_H

#include "wl.h"

/*
 * sqrt and fabs as the compiler's own instructions (sqrtsd, andpd) on
 * every platform: under -ffreestanding (the unikernel) the plain names
 * would become library calls, and the two builds would differ.  The
 * other math functions (log, exp, pow, sin, cos) are the platform's.
 */
#define wl_sqrt(x) __builtin_sqrt(x)
#define wl_fabs(x) __builtin_fabs(x)

/* Every wl_alloc() is rounded up to this (wl.h: 64-byte aligned). */
#define WL_ALIGN 64

/* the arena bytes one wl_alloc(n) consumes */
static inline size_t
wl_align(size_t n)
{
	return (n + WL_ALIGN - 1) & ~(size_t)(WL_ALIGN - 1);
}

/* seconds between two wl_now_ns() readings */
static inline double
wl_seconds(uint64_t t0, uint64_t t1)
{
	return (double)(t1 - t0) * 1.0e-9;
}

/* NPB's Mop/s: millions of operations per second (0 for no time) */
static inline double
wl_mops(double ops, double t)
{
	return t > 0.0 ? ops / t * 1.0e-6 : 0.0;
}

/*
 * |x - ref| / |ref|.  A NaN result stays NaN, so callers compare with
 * `!(err <= eps)` to reject it.
 */
double wl_relerr(double x, double ref);

/* ---- the NPB pseudo-random number generator (randdp.c) ---- */

/* a = 5^13, the multiplier of every NPB kernel (NAS RNR-91-002) */
#define NPB_A 1220703125.0

/*
 * x_{k+1} = a * x_k mod 2^46, computed exactly in double arithmetic;
 * updates *x and returns x_{k+1} * 2^-46 (in (0, 1)).
 */
double randlc(double *x, double a);
/* n successive randlc() values into y[0..n-1]; *x is advanced n times */
void vranlc(long n, double *x, double a, double *y);
/* a^n mod 2^46 (NPB FT's ipow46, MG's power): 1 for n == 0 */
double npb_pow46(double a, long n);

/* ---- verification (each returns WL_YES or WL_NO) ---- */

/* EP: sums sx, sy of the Gaussian deviates, relative error <= 1e-8 */
int ep_verify(char cls, double sx, double sy);

/* IS: class parameters and the partial-verification keys */
struct is_params {
	int total_keys_log2;
	int max_key_log2;
	int buckets_log2;
	long test_index[5];
	long test_rank[5];
};
const struct is_params *is_params(char cls);
/*
 * The rank of test key i (0..4) found in iteration `it` (1..10), judged
 * against NPB's per-class shift rule.
 */
int is_rank_verify(char cls, int it, int i, long rank);

/* CG: the final zeta, relative error <= 1e-10 */
int cg_verify(char cls, double zeta);

/* MG: the L2 norm of the final residual, relative error <= 1e-8 */
int mg_verify(char cls, double rnm2);

/*
 * FT: the checksums of iterations 1..niter as (re, im) pairs in
 * sums[0..2*niter-1]; each within relative error 1e-12.
 */
int ft_verify(char cls, const double *sums, int niter);

/*
 * STREAM: McCalpin's checkSTREAMresults(): the arrays after `ntimes`
 * iterations against the scalar recurrence, average relative error
 * <= 1e-13 for each of a, b and c.
 */
int stream_verify(const double *a, const double *b, const double *c, size_t n,
		  int ntimes);

/* ---- the workloads (one file each) ---- */

extern const struct wl_workload wl_hello, wl_stream, wl_ep, wl_is, wl_cg, wl_mg,
	wl_ft;

/* STREAM's elements per array for a class (0 if unknown) */
size_t stream_elements(char cls);

#endif
