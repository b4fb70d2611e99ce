/* SPDX-License-Identifier: MIT */
/*
 * NPB EP ("embarrassingly parallel"): 2^(M+1) uniform random numbers from
 * the NPB generator, taken in pairs (x1, x2) in (-1, 1)^2; the pairs
 * inside the unit circle become Gaussian deviates by the Marsaglia polar
 * method, X = x1 wl_sqrt(-2 ln t / t), Y = x2 wl_sqrt(-2 ln t / t) with
 * t = x1^2 + x2^2 (NAS RNR-91-002, "Kernel EP").  The result is
 * the sums of X and Y, and the counts in the square annuli
 * l <= max(|X|, |Y|) < l + 1.
 *
 * The numbers are generated in batches of 2^(MK+1) starting at the
 * seed S * a^(2^(MK+1) k) for batch k, so each batch is independent
 * (NPB 3.4.1 EP/ep.f).  Mop/s = 2^(M+1) / time / 10^6 (ep.f).
 */
#include "wl-priv.h"

#include <math.h>

#define MK   16		 /* log2 of the batch size (ep.f: mk = 16) */
#define NK   (1L << MK)	 /* pairs per batch */
#define NQ   10		 /* annuli counted */
#define SEED 271828183.0 /* ep.f: s = 271828183.0 */
#define EPS  1.0e-8	 /* ep.f: epsilon */

/*
 * Class parameters and verification sums.  M: NPB 3.4.1 sys/setparams.c
 * (write_ep_info).  sx, sy: NPB 3.4.1 EP/ep.f, verification section
 * (also NAS-95-020 Table 2's problem sizes).
 */
static const struct ep_class {
	char cls;
	int m;
	double sx, sy;
} ep_classes[] = {
	{'S', 24, -3.247834652034740e+3, -6.958407078382297e+3},
	{'W', 25, -2.863319731645753e+3, -6.320053679109499e+3},
	{'A', 28, -4.295875165629892e+3, -1.580732573678431e+4},
};

static const struct ep_class *
ep_class(char cls)
{
	for (size_t i = 0; i < sizeof(ep_classes) / sizeof(ep_classes[0]); i++)
		if (ep_classes[i].cls == cls)
			return &ep_classes[i];
	return NULL;
}

int
ep_verify(char cls, double sx, double sy)
{
	const struct ep_class *c = ep_class(cls);

	if (!c)
		return WL_NO;
	if (wl_relerr(sx, c->sx) <= EPS && wl_relerr(sy, c->sy) <= EPS)
		return WL_YES;
	return WL_NO;
}

static size_t
ep_mem(char cls)
{
	return ep_class(cls) ? wl_align(2 * NK * sizeof(double)) : 0;
}

/* the seed of batch kk: SEED * an^kk mod 2^46 (ep.f's binary loop) */
static double
batch_seed(long kk, double an)
{
	double t1 = SEED, t2 = an;

	for (int i = 0; i < 100; i++) {
		long ik = kk / 2;

		if (2 * ik != kk)
			(void)randlc(&t1, t2);
		if (ik == 0)
			break;
		(void)randlc(&t2, t2);
		kk = ik;
	}
	return t1;
}

/* one batch: NK pairs from x[], tallied into sums and annuli */
static void
batch(const double *x, double *sx, double *sy, double q[NQ])
{
	for (long i = 0; i < NK; i++) {
		double x1 = 2.0 * x[2 * i] - 1.0;
		double x2 = 2.0 * x[2 * i + 1] - 1.0;
		double t1 = x1 * x1 + x2 * x2;

		if (t1 <= 1.0) {
			double t2 = wl_sqrt(-2.0 * log(t1) / t1);
			double t3 = x1 * t2, t4 = x2 * t2;
			double mx = wl_fabs(t3) > wl_fabs(t4) ? wl_fabs(t3)
							      : wl_fabs(t4);
			int l = (int)mx;

			if (l < NQ)
				q[l] += 1.0;
			*sx += t3;
			*sy += t4;
		}
	}
}

static int
ep_run(char cls)
{
	const struct ep_class *c = ep_class(cls);
	double *x;
	double q[NQ] = {0}, sx = 0.0, sy = 0.0, an, t;
	uint64_t t0;
	long nn;
	int ok;

	if (!c)
		return WL_EUSAGE;
	x = wl_alloc(2 * NK * sizeof(double));
	if (!x)
		return WL_ENOMEM;
	t0 = wl_now_ns();
	/* an = a^(2 NK) mod 2^46: the stride between batch seeds */
	an = npb_pow46(NPB_A, 2 * NK);
	nn = 1L << (c->m - MK);
	for (long k = 0; k < nn; k++) {
		double seed = batch_seed(k, an);

		vranlc(2 * NK, &seed, NPB_A, x);
		batch(x, &sx, &sy, q);
	}
	t = wl_seconds(t0, wl_now_ns());

	ok = ep_verify(cls, sx, sy);
	wl_result("ep", cls, "time", t, "s", ok);
	wl_result("ep", cls, "mops", wl_mops((double)(1L << (c->m + 1)), t),
		  "Mop/s", ok);
	return ok == WL_YES ? WL_OK : WL_EUNVERIFIED;
}

const struct wl_workload wl_ep = {
	.name = "ep",
	.classes = "SWA",
	.mem_bytes = ep_mem,
	.run = ep_run,
};
