/* SPDX-License-Identifier: MIT */
/*
 * Host unit tests for the unikernel's own small libc and command-line
 * parser: the guest files are compiled here as they are (they include
 * only standard headers and their own), with glibc's printf as the
 * reference for the number formatting.
 */
#include <float.h>
#include <limits.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../guest/kernel/cmdline.c"
#include "../../guest/libc/fmt-double.c"
#include "../../guest/libc/fmt.c"

/* the console kprintf() writes to: captured here */
static char console[256];
static size_t console_len;

void
console_putc(char c)
{
	if (console_len + 1 < sizeof(console))
		console[console_len++] = c;
	console[console_len] = '\0';
}

static void
test_ksnprintf_integers(void **state)
{
	char b[64];

	(void)state;
	ksnprintf(b, sizeof(b), "%d %d %u %x", INT_MIN, -7, UINT_MAX, 0xbeefu);
	assert_string_equal(b, "-2147483648 -7 4294967295 beef");
	ksnprintf(b, sizeof(b), "%lld %llu", LLONG_MIN, ULLONG_MAX);
	assert_string_equal(b, "-9223372036854775808 18446744073709551615");
	ksnprintf(b, sizeof(b), "%016llx|%5d|%-5d|%05d", 0x1fULL, 42, 42, -42);
	assert_string_equal(b, "000000000000001f|   42|42   |-0042");
	ksnprintf(b, sizeof(b), "%zu %lx %p", (size_t)12, 255ul, (void *)0x10);
	assert_string_equal(b, "12 ff 0x10");
}

static void
test_ksnprintf_strings_and_oddities(void **state)
{
	char b[64];
	const char *volatile none = NULL; /* hidden from -Wformat */

	(void)state;
	ksnprintf(b, sizeof(b), "[%s][%5s][%-4s][%c][%%]", "ab", "ab", "ab",
		  'z');
	assert_string_equal(b, "[ab][   ab][ab  ][z][%]");
	ksnprintf(b, sizeof(b), "%s", none);
	assert_string_equal(b, "(null)");
}

static void
test_ksnprintf_truncates(void **state)
{
	char b[8];

	(void)state;
	memset(b, 'x', sizeof(b));
	assert_int_equal(ksnprintf(b, sizeof(b), "%s", "0123456789"), 10);
	assert_string_equal(b, "0123456");
	memset(b, 'x', sizeof(b));
	assert_int_equal(ksnprintf(b, 0, "%d", 12345), 5);
	assert_int_equal(b[0], 'x');
}

static void
test_kprintf_streams_to_console(void **state)
{
	(void)state;
	console_len = 0;
	assert_int_equal(kprintf("CVM1 exit %d\n", 3), 12);
	assert_string_equal(console, "CVM1 exit 3\n");
}

/* values whose %.Ng form is checked against glibc byte for byte */
static const double exact_vals[] = {
	0.0,
	-0.0,
	1.0,
	-1.0,
	1.5,
	0.1,
	0.5,
	1e-5,
	1e-4,
	1.234e-5,
	123456.0,
	1e15,
	1e16,
	1e21,
	9.99999999995,
	0.000123456789,
	3.14159265358979,
	2.0 / 3.0,
	-6.958407078382297e+3,
	5.546087004964e+02,
	17.130235054029,
	0.5307707005734e-04,
	1e-300,
	1e300,
	DBL_MAX,
	DBL_MIN,
	123456789012.0,
	65536.0,
	1.0 / 1024,
	1e22,
	1e23,
	1e-7,
	100.0,
	999999.5,
	0.95,
	0.0001,
	1e100,
	2.5e-310,
};

static void
test_fmt_double_matches_printf(void **state)
{
	char mine[48], ref[48];

	(void)state;
	for (size_t i = 0; i < sizeof(exact_vals) / sizeof(exact_vals[0]);
	     i++) {
		for (int prec = 1; prec <= 15; prec++) {
			fmt_double(mine, sizeof(mine), exact_vals[i], prec);
			snprintf(ref, sizeof(ref), "%.*g", prec, exact_vals[i]);
			if (strcmp(mine, ref))
				fail_msg(
					"%.17g at %d digits: '%s', printf '%s'",
					exact_vals[i], prec, mine, ref);
		}
	}
}

static void
test_fmt_double_specials(void **state)
{
	char b[48];

	(void)state;
	fmt_double(b, sizeof(b), NAN, 10);
	assert_string_equal(b, "nan");
	fmt_double(b, sizeof(b), INFINITY, 10);
	assert_string_equal(b, "inf");
	fmt_double(b, sizeof(b), -INFINITY, 10);
	assert_string_equal(b, "-inf");
	/* subnormals stay readable */
	fmt_double(b, sizeof(b), 4.9406564584124654e-324, 10);
	assert_true(strtod(b, NULL) > 0);
	/* a short buffer truncates and terminates */
	assert_int_equal(fmt_double(b, 4, 1234.5, 10), 6);
	assert_string_equal(b, "123");
}

/*
 * Random finite doubles: the text reads back within half a unit of the
 * last of 10 significant digits (plus the scaling error, well below).
 */
static void
test_fmt_double_round_trips(void **state)
{
	char b[48];
	uint64_t x = 0x9e3779b97f4a7c15ull;

	(void)state;
	for (int i = 0; i < 200000; i++) {
		double v, back, tol;
		uint64_t bits;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		bits = x & ~(0x7ffull << 52);
		bits |= (uint64_t)(1023 - 300 + (int)(x % 600)) << 52;
		memcpy(&v, &bits, sizeof(v));
		fmt_double(b, sizeof(b), v, 10);
		back = strtod(b, NULL);
		tol = fabs(v) * 5.01e-10;
		if (!(fabs(back - v) <= tol))
			fail_msg("%.17g printed as '%s'", v, b);
	}
}

/*
 * Where one exact power of ten scales the value (decimal exponents
 * -12..12 at 10 digits), the digits are correctly rounded: the same
 * text as glibc's %.10g.
 */
static void
test_fmt_double_exact_in_range(void **state)
{
	char mine[48], ref[48];
	uint64_t x = 0x243f6a8885a308d3ull;

	(void)state;
	for (int i = 0; i < 200000; i++) {
		double v;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		v = (double)(x >> 11) * 0x1p-53; /* [0, 1) */
		v = (v + 0.1) * pow(10.0, (double)((int)(x % 25) - 12));
		fmt_double(mine, sizeof(mine), v, 10);
		snprintf(ref, sizeof(ref), "%.10g", v);
		if (strcmp(mine, ref))
			fail_msg("%.17g: '%s', printf '%s'", v, mine, ref);
	}
}

static void
test_cmdline_defaults(void **state)
{
	struct kcmdline c;

	(void)state;
	assert_int_equal(cmdline_parse("", &c), 0);
	assert_int_equal(c.nworkloads, 1);
	assert_string_equal(c.workload[0], "hello");
	assert_int_equal(c.cls, 0);
	assert_int_equal(c.reps, 1);
	assert_string_equal(c.unknown, "");
	assert_int_equal(cmdline_parse(NULL, &c), 0);
	assert_string_equal(c.workload[0], "hello");
}

static void
test_cmdline_keys(void **state)
{
	struct kcmdline c;

	(void)state;
	assert_int_equal(
		cmdline_parse("  workload=ep\tclass=w reps=12 class=A ", &c),
		0);
	assert_string_equal(c.workload[0], "ep");
	assert_int_equal(c.cls, 'A');
	assert_int_equal(c.reps, 12);
	assert_int_equal(cmdline_parse("initrd=initrd quiet workload=is", &c),
			 0);
	assert_string_equal(c.unknown, "initrd=initrd");
	assert_string_equal(c.workload[0], "is");
	assert_int_equal(
		cmdline_parse("workload=hello,stream,ep reps=1000000", &c), 0);
	assert_int_equal(c.nworkloads, 3);
	assert_string_equal(c.workload[2], "ep");
	assert_int_equal(c.reps, 1000000);
}

static void
test_cmdline_rejects(void **state)
{
	static const struct {
		const char *in, *msg;
	} bad[] = {
		{"class=Q", "bad class (S, W, A or -) 'Q'"},
		{"class=", "bad class (S, W, A or -) ''"},
		{"reps=0", "bad reps (1 to 1000000) '0'"},
		{"reps=1000001", "bad reps (1 to 1000000) '1000001'"},
		{"reps=99999999999999999999", "bad reps"},
		{"reps=1x", "bad reps (1 to 1000000) '1x'"},
		{"workload=EP", "bad workload name 'EP'"},
		{"workload=", "bad workload name ''"},
		{"workload=a,", "bad workload name ''"},
		{"workload=a,b,c,d,e,f,g,h,i", "more than 8 workloads"},
		{"workload=abcdefghijabcdefghijabcdefghij12", "bad workload"},
	};
	struct kcmdline c;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(cmdline_parse(bad[i].in, &c), -1);
		if (strncmp(c.error, bad[i].msg, strlen(bad[i].msg)))
			fail_msg("'%s': error '%s'", bad[i].in, c.error);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ksnprintf_integers),
		cmocka_unit_test(test_ksnprintf_strings_and_oddities),
		cmocka_unit_test(test_ksnprintf_truncates),
		cmocka_unit_test(test_kprintf_streams_to_console),
		cmocka_unit_test(test_fmt_double_matches_printf),
		cmocka_unit_test(test_fmt_double_specials),
		cmocka_unit_test(test_fmt_double_round_trips),
		cmocka_unit_test(test_fmt_double_exact_in_range),
		cmocka_unit_test(test_cmdline_defaults),
		cmocka_unit_test(test_cmdline_keys),
		cmocka_unit_test(test_cmdline_rejects),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
