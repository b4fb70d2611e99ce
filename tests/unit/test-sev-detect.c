/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for SEV detection and the SEV_STATUS policy
 * (guest/sev/sev-detect.c).  Vectors are written from APM vol. 3
 * (CPUID Fn8000_001F) and APM vol. 2 §15.34.10 (SEV_STATUS).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "sev-detect.h"

static void
test_caps_absent_leaf(void **state)
{
	/* TCG / Intel: max extended leaf 0x8000_0008, nothing to trust */
	const uint32_t r[4] = {0xffffffff, 0xffffffff, 0, 0};
	struct sev_caps c;

	(void)state;
	sev_caps_decode(0x80000008, r, &c);
	assert_false(c.leaf);
	assert_false(c.sev);
	assert_int_equal(c.cbit, 0);
}

static void
test_caps_milan_like(void **state)
{
	/*
	 * EAX bits 0-5 set: SME SEV PageFlush ES SNP VMPL;
	 * EBX: cbit 51 (0x33), reduction 1 << 6, 4 VMPLs << 12.
	 */
	const uint32_t r[4] = {0x0000003f, 0x4000 | (1 << 6) | 51, 509, 100};
	/* SEV only, C-bit 47 (Rome/Naples examples) */
	const uint32_t r2[4] = {0x2, 47 | (5 << 6), 15, 1};
	struct sev_caps c;

	(void)state;
	sev_caps_decode(0x80000023, r, &c);
	assert_true(c.leaf && c.sme && c.sev && c.sev_es && c.snp && c.vmpl);
	assert_int_equal(c.cbit, 51);
	assert_int_equal(c.reduction, 1);
	assert_int_equal(c.nr_vmpls, 4);
	assert_int_equal(c.nr_guests, 509);
	assert_int_equal(c.min_asid, 100);
	sev_caps_decode(0x8000001f, r2, &c);
	assert_true(c.sev);
	assert_false(c.sev_es || c.snp || c.sme);
	assert_int_equal(c.cbit, 47);
	assert_int_equal(c.reduction, 5);
}

static void
test_status_modes(void **state)
{
	(void)state;
	assert_int_equal(sev_status_mode(0), SEV_MODE_NONE);
	assert_int_equal(sev_status_mode(0x1), SEV_MODE_SEV);
	assert_int_equal(sev_status_mode(0x3), SEV_MODE_ES);
	assert_int_equal(sev_status_mode(0x7), SEV_MODE_SNP);
	assert_string_equal(sev_mode_name(SEV_MODE_SNP), "sev-snp");
	assert_string_equal(sev_mode_name(SEV_MODE_NONE), "none");
}

static void
test_status_policy(void **state)
{
	static const struct {
		uint64_t status;
		int reason;
		uint64_t bad;
	} v[] = {
		{0x0, 0, 0},			     /* plain guest */
		{0x1, 0, 0},			     /* SEV */
		{0x3, 0, 0},			     /* SEV-ES */
		{0x7, 0, 0},			     /* SNP */
		{0x7 | 1ull << 7, 0, 0},	     /* + DebugSwap */
		{0x7 | 1ull << 17, 0, 0},	     /* + SMT protection */
		{0x7 | 1ull << 9 | 1ull << 8, 0, 0}, /* BTB iso, no host IBS */
		{0x7 | 1ull << 3, SEV_TERM_FEATURES, 1ull << 3}, /* vTOM */
		{0x7 | 1ull << 4, SEV_TERM_FEATURES, 1ull << 4}, /* ReflectVC */
		{0x7 | 1ull << 5, SEV_TERM_FEATURES, 1ull << 5}, /* RestrInj */
		{0x7 | 1ull << 11, SEV_TERM_FEATURES, 1ull << 11}, /* SecTSC */
		{0x7 | 1ull << 16, SEV_TERM_FEATURES,
		 1ull << 16}, /* VMSA prot */
		{0x7 | 1ull << 13, SEV_TERM_FEATURES,
		 1ull << 13}, /* reserved */
		{0x7 | 1ull << 63, SEV_TERM_FEATURES,
		 1ull << 63},			 /* reserved */
		{0x2, SEV_TERM_STATUS, 0},	 /* ES without SEV */
		{0x5, SEV_TERM_STATUS, 0},	 /* SNP without ES */
		{1ull << 7, SEV_TERM_STATUS, 0}, /* a feature, no SEV */
	};
	uint64_t bad;

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		assert_int_equal(sev_status_check(v[i].status, &bad),
				 v[i].reason);
		if (v[i].reason == SEV_TERM_FEATURES)
			assert_int_equal(bad, v[i].bad);
	}
	assert_int_equal(sev_status_check(0x7, NULL), 0);
}

static void
test_cbit_mask(void **state)
{
	uint64_t mask, limit;

	(void)state;
	/* Milan: 48 physical bits, reduction 1, C-bit 51 */
	assert_int_equal(sev_cbit_mask(51, 48, 1, &mask, &limit), 0);
	assert_int_equal(mask, 1ull << 51);
	assert_int_equal(limit, 1ull << 47);
	assert_int_equal(sev_pa_clear_cbit(0x7000000001000ull | mask, mask),
			 0x7000000001000ull);
	/* Rome: C-bit 47, reduction 5 */
	assert_int_equal(sev_cbit_mask(47, 48, 5, &mask, &limit), 0);
	assert_int_equal(limit, 1ull << 43);
	/* a C-bit inside the address space, or a silly one, is refused */
	assert_int_equal(sev_cbit_mask(40, 48, 1, &mask, &limit), SEV_E_INVAL);
	assert_int_equal(sev_cbit_mask(0, 48, 1, &mask, &limit), SEV_E_INVAL);
	assert_int_equal(sev_cbit_mask(51, 48, 48, &mask, &limit), SEV_E_INVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_caps_absent_leaf),
		cmocka_unit_test(test_caps_milan_like),
		cmocka_unit_test(test_status_modes),
		cmocka_unit_test(test_status_policy),
		cmocka_unit_test(test_cbit_mask),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
