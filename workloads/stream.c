/* SPDX-License-Identifier: MIT */
/*
 * STREAM: sustainable memory bandwidth of four vector kernels, after
 * John D. McCalpin's stream.c (version 5.10): copy c = a, scale b = s c,
 * add c = a + b, triad a = b + s c on `double` arrays.  Each kernel runs
 * NTIMES times; the best time of iterations 2..NTIMES gives its rate in
 * MB/s (10^6 bytes/s, counting 2 or 3 arrays of 8-byte words moved).
 * The run validates itself as stream.c's checkSTREAMresults() does.
 *
 * Array sizes (elements per array; three arrays):
 *   S 2^19 (4 MiB each, 12 MiB: fits the unikernel's 32 MiB guest)
 *   W 2^22 (32 MiB each, 96 MiB)
 *   A 2^24 (128 MiB each, 384 MiB: above 4x the last-level cache of
 *           common servers, stream.c's sizing rule)
 * S and W are smaller than stream.c's rule asks, so they partly measure
 * the caches; only A is a memory-bandwidth figure.
 */
#include "wl-priv.h"

#define NTIMES 10    /* stream.c's default */
#define SCALAR 3.0   /* stream.c's scalar */
#define EPS    1e-13 /* stream.c: average relative error for 8-byte words */

size_t
stream_elements(char cls)
{
	switch (cls) {
	case 'S':
		return (size_t)1 << 19;
	case 'W':
		return (size_t)1 << 22;
	case 'A':
		return (size_t)1 << 24;
	default:
		return 0;
	}
}

static size_t
stream_mem(char cls)
{
	return 3 * wl_align(stream_elements(cls) * sizeof(double));
}

/* stream.c, checkSTREAMresults(): one array against its expected value */
static bool
array_ok(const double *x, size_t n, double expect)
{
	double sum = 0.0;

	for (size_t j = 0; j < n; j++)
		sum += wl_fabs(x[j] - expect);
	return sum / (double)n / wl_fabs(expect) <= EPS;
}

int
stream_verify(const double *a, const double *b, const double *c, size_t n,
	      int ntimes)
{
	double aj = 1.0, bj = 2.0, cj = 0.0;

	if (n == 0 || ntimes < 1)
		return WL_NO;
	/* the initial values and the timer-granularity pass a = 2a */
	aj = 2.0 * aj;
	for (int k = 0; k < ntimes; k++) {
		cj = aj;
		bj = SCALAR * cj;
		cj = aj + bj;
		aj = bj + SCALAR * cj;
	}
	if (array_ok(a, n, aj) && array_ok(b, n, bj) && array_ok(c, n, cj))
		return WL_YES;
	return WL_NO;
}

static void
kernels(double *a, double *b, double *c, size_t n, double t[4])
{
	uint64_t t0, t1, t2, t3, t4;

	t0 = wl_now_ns();
	for (size_t j = 0; j < n; j++)
		c[j] = a[j];
	t1 = wl_now_ns();
	for (size_t j = 0; j < n; j++)
		b[j] = SCALAR * c[j];
	t2 = wl_now_ns();
	for (size_t j = 0; j < n; j++)
		c[j] = a[j] + b[j];
	t3 = wl_now_ns();
	for (size_t j = 0; j < n; j++)
		a[j] = b[j] + SCALAR * c[j];
	t4 = wl_now_ns();
	t[0] = wl_seconds(t0, t1);
	t[1] = wl_seconds(t1, t2);
	t[2] = wl_seconds(t2, t3);
	t[3] = wl_seconds(t3, t4);
}

static int
stream_run(char cls)
{
	static const char *const names[4] = {"copy", "scale", "add", "triad"};
	static const double words[4] = {2, 2, 3, 3};
	size_t n = stream_elements(cls);
	double *a, *b, *c, best[4] = {0}, t[4];
	uint64_t start;
	double total;
	int ok;

	if (n == 0)
		return WL_EUSAGE;
	a = wl_alloc(n * sizeof(double));
	b = wl_alloc(n * sizeof(double));
	c = wl_alloc(n * sizeof(double));
	if (!a || !b || !c)
		return WL_ENOMEM;
	for (size_t j = 0; j < n; j++) {
		a[j] = 1.0;
		b[j] = 2.0;
		c[j] = 0.0;
	}
	for (size_t j = 0; j < n; j++)
		a[j] = 2.0 * a[j];

	start = wl_now_ns();
	for (int k = 0; k < NTIMES; k++) {
		kernels(a, b, c, n, t);
		for (int i = 0; i < 4; i++)
			if (k == 1 || (k > 1 && t[i] < best[i]))
				best[i] = t[i];
	}
	total = wl_seconds(start, wl_now_ns());

	ok = stream_verify(a, b, c, n, NTIMES);
	for (int i = 0; i < 4; i++) {
		double bytes = words[i] * (double)sizeof(double) * (double)n;

		if (best[i] < 1e-9)
			best[i] = 1e-9;
		wl_result("stream", cls, names[i], 1.0e-6 * bytes / best[i],
			  "MB/s", ok);
	}
	wl_result("stream", cls, "time", total, "s", ok);
	return ok == WL_YES ? WL_OK : WL_EUNVERIFIED;
}

const struct wl_workload wl_stream = {
	.name = "stream",
	.classes = "SWA",
	.mem_bytes = stream_mem,
	.run = stream_run,
};
