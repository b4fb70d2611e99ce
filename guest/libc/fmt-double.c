/* SPDX-License-Identifier: MIT */
/*
 * Decimal formatting of doubles for the result lines, like printf's %.Ng:
 * N significant digits, trailing zeros dropped, exponent form for
 * exponents below -4 or at least N.  The output reads back with strtod.
 * Built with SSE (the rest of the kernel core is general-registers
 * only), so only workload-side code calls it.
 *
 * Method: find the decimal exponent e with 10^e <= |v| < 10^(e+1), scale
 * |v| by 10^(N-1-e) into an integer of N digits and round it, ties to
 * even.  Powers up to 10^22 are exact doubles, so where one power does
 * the scaling, the rounding error of that one operation is recovered
 * exactly (Dekker's product) and the digits are correctly rounded, as
 * printf's; larger scalings are applied in steps and may be one unit
 * off in the N-th digit.  tests/unit/test-guest-libc.c compares with
 * glibc.
 */
#include <stdint.h>

#include "../include/fmt.h"

static const double pow10_tab[] = {
	1e0,  1e1,  1e2,  1e3,	1e4,  1e5,  1e6,  1e7,	1e8,  1e9,  1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

/* v * 10^k, applied in exact steps of at most 10^22 */
static double
scale10(double v, int k)
{
	while (k > 22) {
		v *= 1e22;
		k -= 22;
	}
	while (k < -22) {
		v /= 1e22;
		k += 22;
	}
	return k >= 0 ? v * pow10_tab[k] : v / pow10_tab[-k];
}

/* a * b exactly as hi + lo (Dekker's product with Veltkamp's split) */
static double
two_prod_lo(double a, double b, double hi)
{
	double ca = 134217729.0 * a, cb = 134217729.0 * b; /* 2^27 + 1 */
	double ah = ca - (ca - a), al = a - ah;
	double bh = cb - (cb - b), bl = b - bh;

	return ((ah * bh - hi) + ah * bl + al * bh) + al * bl;
}

/*
 * The sign of (exact v * 10^k) - s for s = scale10(v, k), when k needs a
 * single exact power of ten; 0 when unknown or exact.
 */
static int
scale10_err(double v, int k, double s)
{
	double r, hi;

	if (k > 22 || k < -22)
		return 0;
	if (k >= 0) {
		r = two_prod_lo(v, pow10_tab[k], s);
	} else {
		/* s ~ v / d: v/d - s has the sign of v - s*d = (v - hi) - lo,
		 * and v - hi is exact (Sterbenz: hi is within 2x of v) */
		hi = s * pow10_tab[-k];
		r = (v - hi) - two_prod_lo(s, pow10_tab[-k], hi);
	}
	return (r > 0) - (r < 0);
}

/* e such that 10^e <= a < 10^(e+1), for finite a > 0 */
static int
dec_exponent(double a)
{
	int e = 0;

	while (e < 308 && scale10(a, -(e + 1)) >= 1.0)
		e++;
	while (e > -330 && scale10(a, -e) < 1.0)
		e--;
	return e;
}

/*
 * s = v * 10^k to the nearest integer, ties to even (printf's default
 * rounding); a tie in s that is not one in the exact product goes the
 * way the product's rounding error says
 */
static uint64_t
round_scaled(double v, int k)
{
	double s = scale10(v, k);
	uint64_t m = (uint64_t)s;
	double frac = s - (double)m;
	int err;

	if (frac > 0.5)
		return m + 1;
	if (frac < 0.5)
		return m;
	err = scale10_err(v, k, s);
	return err > 0 || (err == 0 && (m & 1)) ? m + 1 : m;
}

static size_t
put_str(char *buf, size_t n, size_t at, const char *s)
{
	for (; *s; s++, at++)
		if (at + 1 < n)
			buf[at] = *s;
	return at;
}

/* the N digits of m, most significant first, into d[] (N <= 17) */
static void
digits_of(uint64_t m, int ndig, char *d)
{
	for (int i = ndig - 1; i >= 0; i--) {
		d[i] = (char)('0' + m % 10);
		m /= 10;
	}
}

static size_t
render(char *buf, size_t n, size_t at, const char *d, int nd, int e, int prec)
{
	char tmp[48];
	int len = 0;

	while (nd > 1 && d[nd - 1] == '0')
		nd--;
	if (e < -4 || e >= prec) {
		tmp[len++] = d[0];
		if (nd > 1)
			tmp[len++] = '.';
		for (int i = 1; i < nd; i++)
			tmp[len++] = d[i];
		len += ksnprintf(tmp + len, sizeof(tmp) - (size_t)len,
				 "e%c%02d", e < 0 ? '-' : '+', e < 0 ? -e : e);
	} else if (e < 0) {
		tmp[len++] = '0';
		tmp[len++] = '.';
		for (int i = -1; i > e; i--)
			tmp[len++] = '0';
		for (int i = 0; i < nd; i++)
			tmp[len++] = d[i];
	} else {
		for (int i = 0; i <= e; i++)
			tmp[len++] = i < nd ? d[i] : '0';
		if (nd > e + 1)
			tmp[len++] = '.';
		for (int i = e + 1; i < nd; i++)
			tmp[len++] = d[i];
	}
	tmp[len] = '\0';
	return put_str(buf, n, at, tmp);
}

int
fmt_double(char *buf, size_t n, double v, int prec)
{
	char d[20];
	size_t at = 0;
	uint64_t m, lim;
	int e;

	if (prec < 1)
		prec = 1;
	if (prec > 15)
		prec = 15;
	if (v != v) {
		at = put_str(buf, n, 0, "nan");
	} else {
		if (__builtin_signbit(v)) {
			at = put_str(buf, n, 0, "-");
			v = -v;
		}
		if (v == 0.0) {
			at = put_str(buf, n, at, "0");
		} else if (v > 1.7976931348623157e308) {
			at = put_str(buf, n, at, "inf");
		} else {
			e = dec_exponent(v);
			lim = (uint64_t)pow10_tab[prec];
			m = round_scaled(v, prec - 1 - e);
			if (m < lim / 10) { /* e was one too high */
				e--;
				m = round_scaled(v, prec - 1 - e);
			}
			if (m >= lim) { /* rounding carried into a new digit */
				m /= 10;
				e++;
			}
			digits_of(m, prec, d);
			at = render(buf, n, at, d, prec, e, prec);
		}
	}
	if (n)
		buf[at < n ? at : n - 1] = '\0';
	return (int)at;
}
