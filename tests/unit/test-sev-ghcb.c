/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the GHCB page (guest/sev/sev-ghcb.c): offsets and
 * valid bits from GHCB spec 56421 Table 1, results from §2.5 and the
 * event-injection format of APM vol. 2 §15.20.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "test-sev-fake.h"

static void
test_valid_bits(void **state)
{
	struct sev_ghcb g = fake_ghcb();
	uint64_t v;

	(void)state;
	/* RAX at 0x1F8: bit 63 = byte 7 bit 7 of the bitmap at 0x3F0 */
	assert_int_equal(sev_ghcb_set(&g, SEV_GHCB_RAX, 0x1122), 0);
	assert_int_equal(g.page[0x3F0 + 7], 0x80);
	assert_int_equal(sev_ld64(g.page + 0x1F8), 0x1122);
	/* RCX at 0x308: bit 97 = byte 12 bit 1 */
	sev_ghcb_set(&g, SEV_GHCB_RCX, 7);
	assert_int_equal(g.page[0x3F0 + 12], 0x02);
	/* sw_exit_code 0x390: bit 114 = byte 14 bit 2; XCR0 0x3E8: bit 125 */
	sev_ghcb_set(&g, SEV_GHCB_SW_EXIT_CODE, 0x72);
	sev_ghcb_set(&g, SEV_GHCB_XCR0, 1);
	assert_int_equal(g.page[0x3F0 + 14], 0x04);
	assert_int_equal(g.page[0x3F0 + 15], 0x20);
	/* CPL byte at 0xCB: bit 25 = byte 3 bit 1 */
	sev_ghcb_set_cpl(&g, 0);
	assert_int_equal(g.page[0x3F0 + 3], 0x02);
	assert_true(sev_ghcb_is_valid(&g, SEV_GHCB_RAX));
	assert_false(sev_ghcb_is_valid(&g, SEV_GHCB_RBX));
	assert_int_equal(sev_ghcb_get(&g, SEV_GHCB_RBX, &v), SEV_E_VMM);
	assert_int_equal(sev_ghcb_get(&g, SEV_GHCB_RAX, &v), 0);
	assert_int_equal(v, 0x1122);
	/* not a 64-bit save-area field */
	assert_int_equal(sev_ghcb_set(&g, 0x3F0, 1), SEV_E_INVAL);
	assert_int_equal(sev_ghcb_set(&g, 0x1F9, 1), SEV_E_INVAL);
	assert_int_equal(sev_ghcb_get(&g, SEV_GHCB_SHARED_BUF, &v),
			 SEV_E_INVAL);
	sev_ghcb_invalidate(&g);
	for (unsigned i = 0; i < 16; i++)
		assert_int_equal(g.page[0x3F0 + i], 0);
	assert_int_equal(sev_ld64(g.page + 0x390), 0);
	assert_int_equal(sev_ghcb_shared_gpa(&g), FAKE_GHCB_GPA + 0x800);
}

static void
test_result_decode(void **state)
{
	struct sev_ghcb_result res;

	(void)state;
	assert_int_equal(sev_ghcb_result_decode(0, 0, &res), 0);
	/* #GP(0x10): valid | error valid | type 3 | vector 13 */
	assert_int_equal(sev_ghcb_result_decode(1, 0x0000001080000B0Dull, &res),
			 SEV_E_EXCEPTION);
	assert_int_equal(res.vector, 13);
	assert_true(res.has_error_code);
	assert_int_equal(res.error_code, 0x10);
	/* #UD, no error code */
	assert_int_equal(sev_ghcb_result_decode(1, 0x80000306, &res),
			 SEV_E_EXCEPTION);
	assert_int_equal(res.vector, 6);
	assert_false(res.has_error_code);
	/* #PF, an NMI-type event, or an invalid event: not believable */
	assert_int_equal(sev_ghcb_result_decode(1, 0x80000B0E, &res),
			 SEV_E_VMM);
	assert_int_equal(sev_ghcb_result_decode(1, 0x8000020D, &res),
			 SEV_E_VMM);
	assert_int_equal(sev_ghcb_result_decode(1, 0x00000B0D, &res),
			 SEV_E_VMM);
	/* GHCB error 4 "missing input" */
	assert_int_equal(sev_ghcb_result_decode(2, 4, &res), SEV_E_VMM);
	assert_int_equal(res.ghcb_error, SEV_GHCB_ERR_MISSING_INPUT);
	assert_int_equal(sev_ghcb_result_decode(3, 0, &res), SEV_E_VMM);
	/* only bits 31:0 of sw_exit_info_1 carry the result */
	assert_int_equal(sev_ghcb_result_decode(0xFFFF00000000ull, 0, &res), 0);
}

static void
handle_echo(struct fake_hv *hv, struct sev_ghcb *g)
{
	(void)g;
	hv->result1 = (uint64_t)(uintptr_t)hv->user;
	hv->result2 = 0x80000B0D;
}

static void
test_hv_call(void **state)
{
	struct sev_ghcb g = fake_ghcb();
	struct fake_hv hv = {.handle = handle_echo};
	struct sev_ghcb_result res;

	(void)state;
	sev_ghcb_invalidate(&g);
	assert_int_equal(sev_ghcb_hv_call(&g, fake_ghcb_call, &hv, 0x7B,
					  0x3F80210, 0x0, &res),
			 0);
	assert_int_equal(hv.exit_code, 0x7B);
	assert_int_equal(hv.info1, 0x3F80210);
	assert_true(fake_in_valid(&hv, SEV_GHCB_SW_EXIT_CODE));
	assert_true(fake_in_valid(&hv, SEV_GHCB_SW_EXIT_INFO_1));
	assert_true(fake_in_valid(&hv, SEV_GHCB_SW_EXIT_INFO_2));
	/* protocol version 2, usage 0 */
	assert_int_equal(sev_ld16(hv.in + 0xFFA), 2);
	assert_int_equal(sev_ld32(hv.in + 0xFFC), 0);
	/* exception request */
	hv.user = (void *)1;
	assert_int_equal(
		sev_ghcb_hv_call(&g, fake_ghcb_call, &hv, 0x72, 0, 0, &res),
		SEV_E_EXCEPTION);
	assert_int_equal(res.vector, 13);
	/* no valid sw_exit_info_1 means no answer */
	hv.user = NULL;
	hv.omit_info1 = true;
	assert_int_equal(
		sev_ghcb_hv_call(&g, fake_ghcb_call, &hv, 0x72, 0, 0, NULL),
		SEV_E_VMM);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_bits),
		cmocka_unit_test(test_result_decode),
		cmocka_unit_test(test_hv_call),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
