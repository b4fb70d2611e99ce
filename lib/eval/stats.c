/* SPDX-License-Identifier: MIT */
/*
 * Statistics for the evaluation: type-7 quantiles, the median and its
 * interquartile range, and percentile-bootstrap confidence intervals of
 * a median, a ratio of medians and a difference of medians
 * (Efron & Tibshirani, "An Introduction to the Bootstrap", 1993, ch. 13:
 * the percentile interval).  Every resample comes from splitmix64 with a
 * fixed seed, so the same samples always give the same intervals.
 * See cvm/eval.h.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cvm/buf.h"
#include "cvm/cleanup.h"
#include "cvm/eval.h"

uint64_t
cvm_stats_rand(uint64_t *state)
{
	/* splitmix64: Steele, Lea & Flood, "Fast splittable pseudorandom
	 * number generators", OOPSLA 2014 (the constants of its Java and C
	 * reference versions) */
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

size_t
cvm_stats_rand_below(uint64_t *state, size_t n)
{
	/* Lemire, "Fast random integer generation in an interval" (2019),
	 * without the rejection step: the bias is below n / 2^64 */
	unsigned __int128 m = (unsigned __int128)cvm_stats_rand(state) * n;

	return (size_t)(m >> 64);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double
cvm_stats_quantile_sorted(const double *s, size_t n, double q)
{
	double h, lo;
	size_t i;

	if (n == 1 || q <= 0)
		return s[0];
	if (q >= 1)
		return s[n - 1];
	/* Hyndman & Fan (1996) definition 7: h = (n - 1) q */
	h = (double)(n - 1) * q;
	lo = floor(h);
	i = (size_t)lo;
	if (i + 1 >= n)
		return s[n - 1];
	return s[i] + (h - lo) * (s[i + 1] - s[i]);
}

double
cvm_stats_median(const double *v, size_t n)
{
	cleanup_free double *s = cvm_xmalloc(n * sizeof(*s));

	memcpy(s, v, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_double);
	return cvm_stats_quantile_sorted(s, n, 0.5);
}

static bool
all_finite(const double *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isfinite(v[i]))
			return false;
	return n > 0;
}

/* The median of n values drawn with replacement from v; `tmp` holds n. */
static double
resample_median(const double *v, size_t n, uint64_t *st, double *tmp)
{
	for (size_t i = 0; i < n; i++)
		tmp[i] = v[cvm_stats_rand_below(st, n)];
	qsort(tmp, n, sizeof(*tmp), cmp_double);
	return cvm_stats_quantile_sorted(tmp, n, 0.5);
}

/* The 2.5% and 97.5% quantiles of `b` (sorted in place). */
static void
percentile_ci(double *b, size_t n, double *lo, double *hi)
{
	qsort(b, n, sizeof(*b), cmp_double);
	*lo = cvm_stats_quantile_sorted(b, n, 0.025);
	*hi = cvm_stats_quantile_sorted(b, n, 0.975);
}

int
cvm_stats_summary(const double *v, size_t n, unsigned resamples, uint64_t seed,
		  struct cvm_stats *out)
{
	cleanup_free double *s = NULL, *tmp = NULL, *boot = NULL;
	uint64_t st = seed;
	double sum = 0;

	if (!all_finite(v, n))
		return -EINVAL;
	if (!resamples)
		resamples = 1;
	s = cvm_xmalloc(n * sizeof(*s));
	tmp = cvm_xmalloc(n * sizeof(*tmp));
	boot = cvm_xmalloc(resamples * sizeof(*boot));
	memcpy(s, v, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_double);
	for (size_t i = 0; i < n; i++)
		sum += s[i];
	memset(out, 0, sizeof(*out));
	out->n = n;
	out->min = s[0];
	out->max = s[n - 1];
	out->mean = sum / (double)n;
	out->median = cvm_stats_quantile_sorted(s, n, 0.5);
	out->q1 = cvm_stats_quantile_sorted(s, n, 0.25);
	out->q3 = cvm_stats_quantile_sorted(s, n, 0.75);
	out->iqr = out->q3 - out->q1;
	/* resample from the sorted copy: the draws index positions, so the
	 * interval does not depend on the order the runs finished in */
	for (unsigned r = 0; r < resamples; r++)
		boot[r] = resample_median(s, n, &st, tmp);
	percentile_ci(boot, resamples, &out->ci_low, &out->ci_high);
	return 0;
}

/*
 * The bootstrap of a two-sample statistic of the medians: `ratio` true
 * for ma / mb, false for ma - mb.  Each resample draws na values from a,
 * then nb from b, from one stream.
 */
static int
two_sample(const double *a, size_t na, const double *b, size_t nb,
	   unsigned resamples, uint64_t seed, bool ratio,
	   struct cvm_stats_ratio *out)
{
	cleanup_free double *sa = NULL, *sb = NULL, *tmp = NULL, *boot = NULL;
	uint64_t st = seed;
	double ma, mb;

	if (!all_finite(a, na) || !all_finite(b, nb))
		return -EINVAL;
	if (!resamples)
		resamples = 1;
	sa = cvm_xmalloc(na * sizeof(*sa));
	sb = cvm_xmalloc(nb * sizeof(*sb));
	tmp = cvm_xmalloc((na > nb ? na : nb) * sizeof(*tmp));
	boot = cvm_xmalloc(resamples * sizeof(*boot));
	memcpy(sa, a, na * sizeof(*sa));
	memcpy(sb, b, nb * sizeof(*sb));
	qsort(sa, na, sizeof(*sa), cmp_double);
	qsort(sb, nb, sizeof(*sb), cmp_double);
	ma = cvm_stats_quantile_sorted(sa, na, 0.5);
	mb = cvm_stats_quantile_sorted(sb, nb, 0.5);
	if (ratio && mb == 0)
		return -EINVAL;
	out->ratio = ratio ? ma / mb : ma - mb;
	for (unsigned r = 0; r < resamples; r++) {
		double x = resample_median(sa, na, &st, tmp);
		double y = resample_median(sb, nb, &st, tmp);

		if (ratio && y == 0)
			return -EINVAL;
		boot[r] = ratio ? x / y : x - y;
	}
	percentile_ci(boot, resamples, &out->ci_low, &out->ci_high);
	return 0;
}

int
cvm_stats_ratio(const double *a, size_t na, const double *b, size_t nb,
		unsigned resamples, uint64_t seed, struct cvm_stats_ratio *out)
{
	return two_sample(a, na, b, nb, resamples, seed, true, out);
}

int
cvm_stats_diff(const double *a, size_t na, const double *b, size_t nb,
	       unsigned resamples, uint64_t seed, struct cvm_stats_ratio *out)
{
	return two_sample(a, na, b, nb, resamples, seed, false, out);
}
