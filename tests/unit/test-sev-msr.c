/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the GHCB MSR protocol (guest/sev/sev-msr.c).  Every
 * vector is written by hand from GHCB spec 56421 §2.3.1 (function code
 * in bits 11:0, data in 63:12 with per-request fields).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "sev-msr.h"

static void
test_encodings(void **state)
{
	(void)state;
	assert_int_equal(sev_msr_sev_info_req(), 0x002);
	/* leaf 0x8000_001F, EBX: [63:32] leaf, [31:30] = 1, 0x004 */
	assert_int_equal(sev_msr_cpuid_req(0x8000001F, SEV_MSR_CPUID_EBX),
			 0x8000001F40000004ull);
	assert_int_equal(sev_msr_cpuid_req(0x1, SEV_MSR_CPUID_EDX),
			 0x00000001C0000004ull);
	assert_int_equal(sev_msr_ap_reset_hold_req(), 0x006);
	assert_int_equal(sev_msr_pref_gpa_req(), 0x010);
	/* GHCB at GPA 0x1234_5000: GFN 0x12345 in [63:12] */
	assert_int_equal(sev_msr_reg_gpa_req(0x12345), 0x12345012ull);
	/* PSC GFN 0x12345 to shared: [55:52] = 2 */
	assert_int_equal(sev_msr_psc_req(0x12345, SEV_PSC_OP_SHARED),
			 0x0020000012345014ull);
	assert_int_equal(sev_msr_psc_req(0xFFFFFFFFFFull, SEV_PSC_OP_PRIVATE),
			 0x001FFFFFFFFFF014ull);
	assert_int_equal(sev_msr_hv_features_req(), 0x080);
	/* terminate, set 1, code 0x10: [23:16] code, [15:12] set */
	assert_int_equal(sev_msr_term_req(1, 0x10), 0x00101100ull);
	assert_int_equal(sev_msr_term_req(0, 0), 0x100);
}

static void
test_decodings(void **state)
{
	struct sev_msr_info info;
	uint64_t gfn, feat;
	uint32_t v, err;
	unsigned ver, set, code;
	bool woken;

	(void)state;
	/* max 2, min 1, C-bit 51 */
	assert_int_equal(sev_msr_sev_info_decode(0x0002000133000001ull, &info),
			 0);
	assert_int_equal(info.max, 2);
	assert_int_equal(info.min, 1);
	assert_int_equal(info.cbit, 51);
	assert_int_equal(sev_msr_negotiate(&info, &ver), 0);
	assert_int_equal(ver, 2);
	/* a hypervisor offering only 3..5 cannot talk to us */
	info.min = 3;
	info.max = 5;
	assert_int_equal(sev_msr_negotiate(&info, &ver), SEV_E_UNSUPPORTED);
	info.min = 1;
	info.max = 1;
	assert_int_equal(sev_msr_negotiate(&info, &ver), 0);
	assert_int_equal(ver, 1);
	/* wrong response codes are protocol errors */
	assert_int_equal(sev_msr_sev_info_decode(0x0002000133000005ull, &info),
			 SEV_E_PROTOCOL);
	assert_int_equal(sev_msr_cpuid_decode(0x0000BEEF00000005ull, &v), 0);
	assert_int_equal(v, 0xBEEF);
	assert_int_equal(sev_msr_cpuid_decode(0x0000BEEF00000001ull, &v),
			 SEV_E_PROTOCOL);
	assert_int_equal(sev_msr_ap_reset_hold_decode(0x1007, &woken), 0);
	assert_true(woken);
	assert_int_equal(sev_msr_ap_reset_hold_decode(0x007, &woken), 0);
	assert_false(woken);
	assert_int_equal(sev_msr_pref_gpa_decode(0xFFFFFFFFFFFFF011ull, &gfn),
			 0);
	assert_int_equal(gfn, SEV_MSR_PREF_GPA_NONE);
	assert_int_equal(sev_msr_reg_gpa_decode(0x12345013ull, 0x12345), 0);
	assert_int_equal(sev_msr_reg_gpa_decode(0x12346013ull, 0x12345),
			 SEV_E_VMM);
	assert_int_equal(sev_msr_psc_decode(0x015, &err), 0);
	assert_int_equal(sev_msr_psc_decode(0x0000000100000015ull, &err),
			 SEV_E_VMM);
	assert_int_equal(err, 1);
	assert_int_equal(sev_msr_hv_features_decode(0x3081, &feat), 0);
	assert_int_equal(feat, SEV_HV_FT_SNP | SEV_HV_FT_SNP_AP_CREATION);
	sev_msr_term_decode(0x00101100ull, &set, &code);
	assert_int_equal(set, 1);
	assert_int_equal(code, 0x10);
}

/* A fake hypervisor: answers MSR-protocol requests and logs them. */
struct fake_hv {
	uint64_t log[16];
	unsigned n;
	uint32_t cpuid[4]; /* what CPUID returns, per register */
	bool bad_gfn;
	uint32_t psc_error;
};

static uint64_t
fake_exchange(void *ctx, uint64_t req)
{
	struct fake_hv *hv = ctx;

	hv->log[hv->n++ % 16] = req;
	switch (req & 0xfff) {
	case SEV_MSR_SEV_INFO_REQ:
		return 0x0002000133000001ull;
	case SEV_MSR_CPUID_REQ:
		return (uint64_t)hv->cpuid[(req >> 30) & 3] << 32 |
		       SEV_MSR_CPUID_RESP;
	case SEV_MSR_REG_GPA_REQ:
		return ((req >> 12) + hv->bad_gfn) << 12 | SEV_MSR_REG_GPA_RESP;
	case SEV_MSR_PSC_REQ:
		return (uint64_t)hv->psc_error << 32 | SEV_MSR_PSC_RESP;
	case SEV_MSR_HV_FEATURES_REQ:
		return 0x1ull << 12 | SEV_MSR_HV_FEATURES_RESP;
	default:
		return 0; /* not a response at all */
	}
}

static void
test_round_trips(void **state)
{
	struct fake_hv hv = {.cpuid = {0x1b, 0x4073, 0x1fd, 0x64}};
	struct sev_msr_ops ops = {&hv, fake_exchange};
	uint32_t out[4];
	uint64_t feat;
	unsigned ver, cbit;

	(void)state;
	assert_int_equal(sev_msr_do_negotiate(&ops, &ver, &cbit), 0);
	assert_int_equal(ver, 2);
	assert_int_equal(cbit, 51);
	/* four round trips, one per register, leaf in [63:32] */
	hv.n = 0;
	assert_int_equal(sev_msr_do_cpuid(&ops, 0x8000001F, out), 0);
	assert_int_equal(hv.n, 4);
	for (unsigned i = 0; i < 4; i++) {
		assert_int_equal(hv.log[i] >> 32, 0x8000001F);
		assert_int_equal((hv.log[i] >> 30) & 3, i);
		assert_int_equal(out[i], hv.cpuid[i]);
	}
	assert_int_equal(sev_msr_do_register_ghcb(&ops, 0x7000), 0);
	assert_int_equal(hv.log[4], 0x7012);
	hv.bad_gfn = true;
	assert_int_equal(sev_msr_do_register_ghcb(&ops, 0x7000), SEV_E_VMM);
	assert_int_equal(sev_msr_do_register_ghcb(&ops, 0x7001), SEV_E_INVAL);
	assert_int_equal(sev_msr_do_psc(&ops, 0x200000, SEV_PSC_OP_SHARED), 0);
	hv.psc_error = 5;
	assert_int_equal(sev_msr_do_psc(&ops, 0x200000, SEV_PSC_OP_SHARED),
			 SEV_E_VMM);
	assert_int_equal(sev_msr_do_psc(&ops, 0x200000, 3), SEV_E_INVAL);
	assert_int_equal(sev_msr_do_hv_features(&ops, 2, &feat), 0);
	assert_int_equal(feat, SEV_HV_FT_SNP);
	/* version 1 has no feature request: nothing is sent */
	hv.n = 0;
	assert_int_equal(sev_msr_do_hv_features(&ops, 1, &feat), 0);
	assert_int_equal(feat, 0);
	assert_int_equal(hv.n, 0);
	sev_msr_do_terminate(&ops, SEV_TERM_SET_CVM, SEV_TERM_FEATURES);
	assert_int_equal(hv.log[0], 0x00101100ull);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encodings),
		cmocka_unit_test(test_decodings),
		cmocka_unit_test(test_round_trips),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
