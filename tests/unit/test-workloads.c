/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the workloads (workloads/): the NPB generator against
 * integer arithmetic, every verification function against right and
 * wrong inputs, and every workload at class S on a test platform whose
 * wl_alloc() gives each block its own heap allocation (so ASan sees
 * overruns) and counts the bytes against the workload's mem_bytes().
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "../../workloads/wl-priv.h"

/* ---- the test platform ---- */

#define MAXBLOCKS 64
#define MAXRES	  64

static void *blocks[MAXBLOCKS];
static size_t nblocks, mem_used, mem_peak, mem_limit = SIZE_MAX;

struct res {
	char workload[16], metric[16], unit[16];
	char cls;
	double value;
	int verified;
};
static struct res res[MAXRES];
static size_t nres, nstart, nend;

uint64_t
wl_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void *
wl_alloc(size_t size)
{
	size_t n = wl_align(size);
	void *p;

	if (nblocks == MAXBLOCKS || n > mem_limit - mem_used)
		return NULL;
	p = aligned_alloc(WL_ALIGN, n ? n : WL_ALIGN);
	assert_non_null(p);
	memset(p, 0, n);
	blocks[nblocks++] = p;
	mem_used += n;
	if (mem_used > mem_peak)
		mem_peak = mem_used;
	return p;
}

void
wl_free_all(void)
{
	for (size_t i = 0; i < nblocks; i++)
		free(blocks[i]);
	nblocks = 0;
	mem_used = 0;
}

void
wl_print(const char *s)
{
	(void)s;
}

void
wl_result(const char *workload, char cls, const char *metric, double value,
	  const char *unit, int verified)
{
	struct res *r = &res[nres];

	assert_true(nres < MAXRES);
	snprintf(r->workload, sizeof(r->workload), "%s", workload);
	snprintf(r->metric, sizeof(r->metric), "%s", metric);
	snprintf(r->unit, sizeof(r->unit), "%s", unit);
	r->cls = cls;
	r->value = value;
	r->verified = verified;
	nres++;
}

void
wl_phase(const char *phase)
{
	if (strcmp(phase, "workload_start") == 0)
		nstart++;
	else if (strcmp(phase, "workload_end") == 0)
		nend++;
	else
		fail_msg("unexpected phase '%s'", phase);
}

static int
reset(void **state)
{
	(void)state;
	wl_free_all();
	nres = nstart = nend = 0;
	mem_peak = 0;
	mem_limit = SIZE_MAX;
	return 0;
}

static const struct res *
find_res(const char *metric)
{
	for (size_t i = 0; i < nres; i++)
		if (strcmp(res[i].metric, metric) == 0)
			return &res[i];
	return NULL;
}

/* ---- the generator ---- */

#define M46 ((UINT64_C(1) << 46) - 1)

static uint64_t
mulmod46(uint64_t x, uint64_t a)
{
	return (uint64_t)(((unsigned __int128)x * a) & M46);
}

static void
test_randlc_is_the_exact_lcg(void **state)
{
	double x = 314159265.0, y[1000], xv = 314159265.0;
	uint64_t ix = 314159265;
	const uint64_t a = 1220703125;

	(void)state;
	assert_true(NPB_A == (double)a); /* 5^13 */
	for (int i = 0; i < 200000; i++) {
		double r = randlc(&x, NPB_A);

		ix = mulmod46(ix, a);
		assert_true(x == (double)ix);
		assert_true(r == ldexp((double)ix, -46));
	}
	/* a multiplier other than a: randlc(x, x) squares */
	x = 271828183.0;
	ix = 271828183;
	for (int i = 0; i < 60; i++) {
		(void)randlc(&x, x);
		ix = mulmod46(ix, ix);
		assert_true(x == (double)ix);
	}
	/* vranlc equals n calls of randlc */
	x = 314159265.0;
	vranlc(1000, &xv, NPB_A, y);
	for (int i = 0; i < 1000; i++)
		assert_true(y[i] == randlc(&x, NPB_A));
	assert_true(xv == x);
}

static void
test_pow46(void **state)
{
	static const long ns[] = {0, 1, 2, 3, 17, 1L << 17, 4096, 12345678};
	const uint64_t a = 1220703125;

	(void)state;
	for (size_t k = 0; k < sizeof(ns) / sizeof(ns[0]); k++) {
		uint64_t r = 1, b = a;

		for (long n = ns[k]; n > 0; n >>= 1) {
			if (n & 1)
				r = mulmod46(r, b);
			b = mulmod46(b, b);
		}
		assert_true(npb_pow46(NPB_A, ns[k]) == (double)r);
	}
}

/* ---- verification functions ---- */

static void
test_ep_verify(void **state)
{
	double sx = -3.247834652034740e+3, sy = -6.958407078382297e+3;

	(void)state;
	assert_int_equal(ep_verify('S', sx, sy), WL_YES);
	assert_int_equal(ep_verify('S', sx * (1 + 5e-9), sy), WL_YES);
	assert_int_equal(ep_verify('S', sx * (1 + 2e-8), sy), WL_NO);
	assert_int_equal(ep_verify('S', sx, sy * (1 - 2e-8)), WL_NO);
	assert_int_equal(ep_verify('S', NAN, sy), WL_NO);
	assert_int_equal(ep_verify('W', sx, sy), WL_NO); /* S's sums */
	assert_int_equal(ep_verify('B', sx, sy), WL_NO);
	assert_int_equal(
		ep_verify('A', -4.295875165629892e+3, -1.580732573678431e+4),
		WL_YES);
}

static void
test_is_rank_verify(void **state)
{
	const struct is_params *p = is_params('S');

	(void)state;
	assert_non_null(p);
	assert_int_equal(p->total_keys_log2, 16);
	assert_null(is_params('B'));
	/* class S: the first three ranks rise with the iteration, the last
	 * two fall */
	assert_int_equal(is_rank_verify('S', 1, 0, 0 + 1), WL_YES);
	assert_int_equal(is_rank_verify('S', 4, 2, 346 + 4), WL_YES);
	assert_int_equal(is_rank_verify('S', 4, 3, 64917 - 4), WL_YES);
	assert_int_equal(is_rank_verify('S', 4, 3, 64917 + 4), WL_NO);
	assert_int_equal(is_rank_verify('S', 4, 2, 346 + 5), WL_NO);
	/* class W: it - 2 for the first two */
	assert_int_equal(is_rank_verify('W', 1, 0, 1249 - 1), WL_YES);
	assert_int_equal(is_rank_verify('W', 1, 2, 1039987 - 1), WL_YES);
	assert_int_equal(is_rank_verify('W', 1, 0, 1249 + 1), WL_NO);
	/* class A: it - 1 both ways */
	assert_int_equal(is_rank_verify('A', 10, 0, 104 + 9), WL_YES);
	assert_int_equal(is_rank_verify('A', 10, 4, 8388264 - 9), WL_YES);
	assert_int_equal(is_rank_verify('A', 10, 4, 8388264 - 10), WL_NO);
	/* out of range */
	assert_int_equal(is_rank_verify('S', 0, 0, 0), WL_NO);
	assert_int_equal(is_rank_verify('S', 11, 0, 11), WL_NO);
	assert_int_equal(is_rank_verify('S', 1, 5, 0), WL_NO);
	assert_int_equal(is_rank_verify('B', 1, 0, 0), WL_NO);
}

static void
test_cg_mg_verify(void **state)
{
	(void)state;
	assert_int_equal(cg_verify('S', 8.5971775078648), WL_YES);
	assert_int_equal(cg_verify('S', 8.5971775078648 * (1 + 2e-10)), WL_NO);
	assert_int_equal(cg_verify('W', 10.362595087124), WL_YES);
	assert_int_equal(cg_verify('A', 17.130235054029), WL_YES);
	assert_int_equal(cg_verify('A', 10.362595087124), WL_NO);
	assert_int_equal(cg_verify('S', NAN), WL_NO);
	assert_int_equal(cg_verify('C', 28.973605592845), WL_NO);

	assert_int_equal(mg_verify('S', 0.5307707005734e-04), WL_YES);
	assert_int_equal(mg_verify('S', 0.5307707005734e-04 * (1 + 2e-8)),
			 WL_NO);
	assert_int_equal(mg_verify('W', 0.6467329375339e-05), WL_YES);
	/* NPB 3.0's class W value (64^3, 40 iterations) is not ours */
	assert_int_equal(mg_verify('W', 0.250391406439e-17), WL_NO);
	assert_int_equal(mg_verify('A', 0.2433365309069e-05), WL_YES);
	assert_int_equal(mg_verify('A', INFINITY), WL_NO);
}

static void
test_ft_verify(void **state)
{
	double s[12] = {
		5.546087004964e+02, 4.845363331978e+02, 5.546385409189e+02,
		4.865304269511e+02, 5.546148406171e+02, 4.883910722336e+02,
		5.545423607415e+02, 4.901273169046e+02, 5.544255039624e+02,
		4.917475857993e+02, 5.542683411902e+02, 4.932597244941e+02};

	(void)state;
	assert_int_equal(ft_verify('S', s, 6), WL_YES);
	assert_int_equal(ft_verify('S', s, 5), WL_NO);
	assert_int_equal(ft_verify('W', s, 6), WL_NO);
	s[9] *= 1 + 1e-11; /* iteration 5, imaginary part */
	assert_int_equal(ft_verify('S', s, 6), WL_NO);
	s[9] = 4.917475857993e+02 * (1 + 1e-13);
	assert_int_equal(ft_verify('S', s, 6), WL_YES);
	s[0] = NAN;
	assert_int_equal(ft_verify('S', s, 6), WL_NO);
}

static void
test_stream_verify(void **state)
{
	enum { N = 1000, T = 10 };
	static double a[N], b[N], c[N];

	(void)state;
	for (int j = 0; j < N; j++) {
		a[j] = 2.0;
		b[j] = 2.0;
		c[j] = 0.0;
	}
	for (int k = 0; k < T; k++)
		for (int j = 0; j < N; j++) {
			c[j] = a[j];
			b[j] = 3.0 * c[j];
			c[j] = a[j] + b[j];
			a[j] = b[j] + 3.0 * c[j];
		}
	assert_int_equal(stream_verify(a, b, c, N, T), WL_YES);
	assert_int_equal(stream_verify(a, b, c, N, T - 1), WL_NO);
	assert_int_equal(stream_verify(a, b, c, 0, T), WL_NO);
	c[17] *= 1 + 1e-9; /* average error 1e-12 > 1e-13 */
	assert_int_equal(stream_verify(a, b, c, N, T), WL_NO);
	c[17] /= 1 + 1e-9;
	b[3] = NAN;
	assert_int_equal(stream_verify(a, b, c, N, T), WL_NO);
}

/* ---- the workloads ---- */

static void
check_run(const struct wl_workload *w, char cls)
{
	size_t need = w->mem_bytes(cls);
	bool npb = w->name[0] != 'h' && strcmp(w->name, "stream") != 0;

	reset(NULL);
	assert_int_equal(wl_run(w->name, cls, 1), WL_OK);
	assert_int_equal(nstart, 1);
	assert_int_equal(nend, 1);
	assert_true(nres > 0);
	for (size_t i = 0; i < nres; i++) {
		assert_string_equal(res[i].workload, w->name);
		assert_int_equal(res[i].cls, cls);
		assert_int_equal(res[i].verified, cls == '-' ? WL_NA : WL_YES);
		assert_true(res[i].value > 0 && isfinite(res[i].value));
	}
	if (npb) {
		assert_non_null(find_res("time"));
		assert_string_equal(find_res("mops")->unit, "Mop/s");
	}
	/* the declared memory is what the run used, to the page */
	assert_true(mem_peak <= need);
	assert_true(need - mem_peak < 4096);
	assert_int_equal(mem_used, 0);
}

static void
test_every_workload_at_class_s(void **state)
{
	(void)state;
	for (size_t i = 0; wl_workloads[i]; i++) {
		const struct wl_workload *w = wl_workloads[i];

		check_run(w, w->classes[0] == '-' ? '-' : 'S');
	}
	/* STREAM reports all four kernels */
	check_run(wl_find("stream"), 'S');
	assert_string_equal(find_res("copy")->unit, "MB/s");
	assert_non_null(find_res("scale"));
	assert_non_null(find_res("add"));
	assert_non_null(find_res("triad"));
}

static void
test_memory_needs(void **state)
{
	(void)state;
	assert_int_equal(wl_find("hello")->mem_bytes('-'), 0);
	for (size_t i = 0; wl_workloads[i]; i++) {
		const struct wl_workload *w = wl_workloads[i];

		if (w->classes[0] == '-')
			continue;
		/* class S fits the unikernel's 32 MiB guest */
		assert_true(w->mem_bytes('S') <= 24u << 20);
		assert_true(w->mem_bytes('S') <= w->mem_bytes('W'));
		assert_true(w->mem_bytes('W') <= w->mem_bytes('A'));
		assert_int_equal(w->mem_bytes('B'), 0);
	}
}

static void
test_run_refuses_bad_input(void **state)
{
	(void)state;
	assert_int_equal(wl_run("nosuch", 'S', 1), WL_EUSAGE);
	assert_int_equal(wl_run(NULL, 'S', 1), WL_EUSAGE);
	assert_int_equal(wl_run("ep", 'B', 1), WL_EUSAGE);
	assert_int_equal(wl_run("ep", 'S', 0), WL_EUSAGE);
	assert_null(wl_find("EP"));
	/* a run called directly with a class it lacks refuses too */
	for (size_t i = 0; wl_workloads[i]; i++)
		if (wl_workloads[i]->classes[0] != '-')
			assert_int_equal(wl_workloads[i]->run('B'), WL_EUSAGE);
	assert_int_equal(nstart + nend + nres, 0);
	assert_int_equal(mem_used, 0);
}

static void
test_run_classes_and_reps(void **state)
{
	(void)state;
	assert_int_equal(wl_run("is", 's', 1), WL_OK);
	assert_int_equal(res[0].cls, 'S');
	reset(NULL);
	/* hello has no class: whatever is asked, it reports '-' */
	assert_int_equal(wl_run("hello", 'S', 3), WL_OK);
	assert_int_equal(nres, 3);
	assert_int_equal(res[2].cls, '-');
	assert_int_equal(nstart, 1);
	assert_int_equal(nend, 1);
}

static void
test_run_out_of_memory(void **state)
{
	(void)state;
	for (size_t i = 0; wl_workloads[i]; i++) {
		const struct wl_workload *w = wl_workloads[i];

		if (w->classes[0] == '-')
			continue;
		reset(NULL);
		mem_limit = w->mem_bytes('S') - 1;
		assert_int_equal(wl_run(w->name, 'S', 2), WL_ENOMEM);
		assert_int_equal(nres, 0);
		assert_int_equal(mem_used, 0);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_randlc_is_the_exact_lcg),
		cmocka_unit_test(test_pow46),
		cmocka_unit_test(test_ep_verify),
		cmocka_unit_test(test_is_rank_verify),
		cmocka_unit_test(test_cg_mg_verify),
		cmocka_unit_test(test_ft_verify),
		cmocka_unit_test(test_stream_verify),
		cmocka_unit_test_setup(test_every_workload_at_class_s, reset),
		cmocka_unit_test(test_memory_needs),
		cmocka_unit_test_setup(test_run_refuses_bad_input, reset),
		cmocka_unit_test_setup(test_run_classes_and_reps, reset),
		cmocka_unit_test_setup(test_run_out_of_memory, reset),
	};

	return cmocka_run_group_tests(tests, NULL, reset);
}
