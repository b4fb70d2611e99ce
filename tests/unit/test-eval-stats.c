/* SPDX-License-Identifier: MIT */
/*
 * lib/eval/stats.c against values computed independently.
 *
 * The medians and quartiles come from Python's statistics module
 * (statistics.median, statistics.quantiles(v, n=4, method="inclusive"),
 * which is the type-7 definition).  The bootstrap intervals come from a
 * separate Python implementation of the documented scheme (splitmix64,
 * index = (rand * n) >> 64, statistics.median of each resample, type-7
 * 2.5%/97.5% percentiles), run offline with /usr/bin/python3 3.11:
 *
 *   v = [12.5, 3.25, 8.0, 19.75, 4.5, 11.0, 7.125]
 *   median 8.0; quartiles inclusive [5.8125, 8.0, 11.75]
 *   boot median (2000, seed 0x63766d2d6576616c) [4.5, 12.5]
 *   w = [1, 2, 3, 4]: median 2.5, quartiles [1.75, 2.5, 3.25],
 *     boot median [1.0, 4.0]
 *   a = [3780, 3362.5, 4194.25, 3901, 3650.75],
 *   b = [134, 120.5, 148.25, 129, 131.5]:
 *     ratio 28.745247148288975 [24.625632377740303, 32.37344398340249]
 *     diff 3648.5 [3231.0, 4062.75]
 *
 * splitmix64's first outputs from state 0 are the published reference
 * values of Vigna's splitmix64.c (0xe220a8397b1dcdaf, ...).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cvm/eval.h"

#define EPS 1e-9

static const double v7[] = {12.5, 3.25, 8.0, 19.75, 4.5, 11.0, 7.125};
static const double a5[] = {3780.0, 3362.5, 4194.25, 3901.0, 3650.75};
static const double b5[] = {134.0, 120.5, 148.25, 129.0, 131.5};

static void
test_splitmix64_reference(void **state)
{
	uint64_t st = 0;

	(void)state;
	assert_true(cvm_stats_rand(&st) == 0xe220a8397b1dcdafull);
	assert_true(cvm_stats_rand(&st) == 0x6e789e6aa1b965f4ull);
	assert_true(cvm_stats_rand(&st) == 0x06c45d188009454full);
}

static void
test_rand_below_in_range(void **state)
{
	uint64_t st = 42;
	size_t seen[7] = {0};

	(void)state;
	for (int i = 0; i < 7000; i++) {
		size_t k = cvm_stats_rand_below(&st, 7);

		assert_true(k < 7);
		seen[k]++;
	}
	/* every index comes up, roughly evenly (1000 expected each) */
	for (int k = 0; k < 7; k++)
		assert_in_range(seen[k], 850, 1150);
}

static void
test_median_and_quantiles(void **state)
{
	const double one[] = {5.0};
	const double s4[] = {1, 2, 3, 4};

	(void)state;
	assert_float_equal(cvm_stats_median(v7, 7), 8.0, EPS);
	assert_float_equal(cvm_stats_median(s4, 4), 2.5, EPS);
	assert_float_equal(cvm_stats_median(one, 1), 5.0, EPS);
	assert_float_equal(cvm_stats_quantile_sorted(s4, 4, 0.25), 1.75, EPS);
	assert_float_equal(cvm_stats_quantile_sorted(s4, 4, 0.75), 3.25, EPS);
	assert_float_equal(cvm_stats_quantile_sorted(s4, 4, 0.0), 1.0, EPS);
	assert_float_equal(cvm_stats_quantile_sorted(s4, 4, 1.0), 4.0, EPS);
	/* h = 3 * 0.1 = 0.3: 1 + 0.3 * (2 - 1) */
	assert_float_equal(cvm_stats_quantile_sorted(s4, 4, 0.1), 1.3, EPS);
}

static void
test_summary_matches_python(void **state)
{
	struct cvm_stats s;

	(void)state;
	assert_int_equal(cvm_stats_summary(v7, 7, CVM_STATS_RESAMPLES,
					   CVM_STATS_SEED, &s),
			 0);
	assert_int_equal(s.n, 7);
	assert_float_equal(s.median, 8.0, EPS);
	assert_float_equal(s.q1, 5.8125, EPS);
	assert_float_equal(s.q3, 11.75, EPS);
	assert_float_equal(s.iqr, 11.75 - 5.8125, EPS);
	assert_float_equal(s.min, 3.25, EPS);
	assert_float_equal(s.max, 19.75, EPS);
	assert_float_equal(s.mean, 66.125 / 7, EPS);
	assert_float_equal(s.ci_low, 4.5, EPS);
	assert_float_equal(s.ci_high, 12.5, EPS);
}

static void
test_summary_small_and_constant(void **state)
{
	const double w[] = {4, 3, 2, 1};
	const double c[] = {7, 7, 7};
	struct cvm_stats s;

	(void)state;
	assert_int_equal(cvm_stats_summary(w, 4, CVM_STATS_RESAMPLES,
					   CVM_STATS_SEED, &s),
			 0);
	assert_float_equal(s.median, 2.5, EPS);
	assert_float_equal(s.q1, 1.75, EPS);
	assert_float_equal(s.q3, 3.25, EPS);
	assert_float_equal(s.ci_low, 1.0, EPS);
	assert_float_equal(s.ci_high, 4.0, EPS);
	/* no spread: a zero-width interval at the value */
	assert_int_equal(cvm_stats_summary(c, 3, 100, 1, &s), 0);
	assert_float_equal(s.iqr, 0, EPS);
	assert_float_equal(s.ci_low, 7, EPS);
	assert_float_equal(s.ci_high, 7, EPS);
}

static void
test_summary_order_and_seed(void **state)
{
	const double r7[] = {7.125, 11.0, 4.5, 19.75, 8.0, 3.25, 12.5};
	struct cvm_stats a, b, c;

	(void)state;
	/* the interval depends on the values, not the order they came in */
	assert_int_equal(cvm_stats_summary(v7, 7, 500, 7, &a), 0);
	assert_int_equal(cvm_stats_summary(r7, 7, 500, 7, &b), 0);
	assert_float_equal(a.ci_low, b.ci_low, 0);
	assert_float_equal(a.ci_high, b.ci_high, 0);
	/* the same seed twice gives the same interval */
	assert_int_equal(cvm_stats_summary(v7, 7, 500, 7, &c), 0);
	assert_float_equal(a.ci_low, c.ci_low, 0);
	assert_true(a.ci_low <= a.median && a.median <= a.ci_high);
}

static void
test_summary_rejects(void **state)
{
	const double bad[] = {1.0, NAN, 3.0};
	const double inf[] = {INFINITY};
	struct cvm_stats s;

	(void)state;
	assert_int_equal(cvm_stats_summary(v7, 0, 10, 1, &s), -EINVAL);
	assert_int_equal(cvm_stats_summary(bad, 3, 10, 1, &s), -EINVAL);
	assert_int_equal(cvm_stats_summary(inf, 1, 10, 1, &s), -EINVAL);
}

static void
test_ratio_and_diff_match_python(void **state)
{
	struct cvm_stats_ratio r;

	(void)state;
	assert_int_equal(cvm_stats_ratio(a5, 5, b5, 5, CVM_STATS_RESAMPLES,
					 CVM_STATS_SEED, &r),
			 0);
	assert_float_equal(r.ratio, 28.745247148288975, 1e-12);
	assert_float_equal(r.ci_low, 24.625632377740303, 1e-12);
	assert_float_equal(r.ci_high, 32.37344398340249, 1e-12);
	assert_int_equal(cvm_stats_diff(a5, 5, b5, 5, CVM_STATS_RESAMPLES,
					CVM_STATS_SEED, &r),
			 0);
	assert_float_equal(r.ratio, 3648.5, EPS);
	assert_float_equal(r.ci_low, 3231.0, EPS);
	assert_float_equal(r.ci_high, 4062.75, EPS);
}

static void
test_ratio_rejects_zero_and_empty(void **state)
{
	const double z[] = {0, 0, 0};
	struct cvm_stats_ratio r;

	(void)state;
	assert_int_equal(cvm_stats_ratio(a5, 5, z, 3, 10, 1, &r), -EINVAL);
	assert_int_equal(cvm_stats_ratio(a5, 0, b5, 5, 10, 1, &r), -EINVAL);
	assert_int_equal(cvm_stats_diff(a5, 5, b5, 0, 10, 1, &r), -EINVAL);
	/* a difference may well be around zero */
	assert_int_equal(cvm_stats_diff(z, 3, z, 3, 10, 1, &r), 0);
	assert_float_equal(r.ratio, 0, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_splitmix64_reference),
		cmocka_unit_test(test_rand_below_in_range),
		cmocka_unit_test(test_median_and_quantiles),
		cmocka_unit_test(test_summary_matches_python),
		cmocka_unit_test(test_summary_small_and_constant),
		cmocka_unit_test(test_summary_order_and_seed),
		cmocka_unit_test(test_summary_rejects),
		cmocka_unit_test(test_ratio_and_diff_match_python),
		cmocka_unit_test(test_ratio_rejects_zero_and_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
