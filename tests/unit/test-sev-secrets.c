/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the secrets page and CC blob (guest/sev/sev-secrets.c).
 * Pages are built by the test from SNP ABI 56860 §8.17.2.5 (secrets
 * page), GHCB spec §2.7 (OS area) and edk2's
 * ConfidentialComputingSevSnpBlob.h (CC blob).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "sev-secrets.h"

static uint8_t page[4096];

static void
build_secrets(void)
{
	memset(page, 0, sizeof(page));
	sev_st32(page + 0x00, 3);	   /* version */
	sev_st32(page + 0x04, 1);	   /* IMI_EN */
	sev_st32(page + 0x08, 0x00A00F11); /* FMS */
	for (unsigned k = 0; k < 4; k++)
		memset(page + 0x20 + 32 * k, 0x10 * (k + 1), 32);
	sev_st32(page + 0xA0, 6);	/* msg_seqno_0 */
	sev_st32(page + 0xA4, 8);	/* msg_seqno_1 */
	sev_st64(page + 0xB0, 0x9F000); /* ap_jump_table_pa */
}

static void
test_secrets_page(void **state)
{
	struct sev_secrets s;
	uint8_t *k;

	(void)state;
	build_secrets();
	assert_int_equal(sev_secrets_parse(page, sizeof(page), &s), 0);
	assert_int_equal(s.version, 3);
	assert_true(s.imi_en);
	assert_int_equal(s.fms, 0x00A00F11);
	assert_int_equal(s.seqno[0], 6);
	assert_int_equal(s.seqno[1], 8);
	assert_int_equal(s.ap_jump_table_pa, 0x9F000);
	k = sev_secrets_vmpck(&s, 0);
	assert_ptr_equal(k, page + 0x20);
	assert_int_equal(k[31], 0x10);
	assert_ptr_equal(sev_secrets_vmpck(&s, 3), page + 0x80);
	assert_null(sev_secrets_vmpck(&s, 4));
	assert_ptr_equal(sev_secrets_seqno_ptr(&s, 1), page + 0xA4);
	assert_false(sev_secrets_vmpck_empty(&s, 0));
	/* wiping VMPCK0 clears exactly bytes 0x20..0x3F */
	sev_secrets_wipe_vmpck(&s, 0);
	assert_true(sev_secrets_vmpck_empty(&s, 0));
	assert_int_equal(page[0x1F], 0);
	assert_int_equal(page[0x40], 0x20);
	assert_false(sev_secrets_vmpck_empty(&s, 1));
	assert_true(sev_secrets_vmpck_empty(&s, 9));
	/* an all-zero page is not a secrets page; a short one is refused */
	memset(page, 0, sizeof(page));
	assert_int_equal(sev_secrets_parse(page, sizeof(page), &s),
			 SEV_E_INVAL);
	assert_int_equal(sev_secrets_parse(page, 4095, &s), SEV_E_SHORT);
}

static void
put_blob(uint8_t *b, uint64_t sp, uint32_t sl, uint64_t cp, uint32_t cl)
{
	memset(b, 0, 40);
	sev_st32(b, 0x45444d41); /* 'A' 'M' 'D' 'E' */
	sev_st16(b + 4, 2);
	sev_st64(b + 8, sp);
	sev_st32(b + 16, sl);
	sev_st64(b + 24, cp);
	sev_st32(b + 32, cl);
}

static void
test_cc_blob(void **state)
{
	uint8_t b[40];
	struct sev_cc_blob cc;

	(void)state;
	put_blob(b, 0x80D000, 4096, 0x80E000, 4096);
	assert_memory_equal(b, "AMDE", 4);
	assert_int_equal(sev_cc_blob_parse(b, sizeof(b), &cc), 0);
	assert_int_equal(cc.version, 2);
	assert_int_equal(cc.secrets_phys, 0x80D000);
	assert_int_equal(cc.cpuid_phys, 0x80E000);
	assert_int_equal(cc.cpuid_len, 4096);
	assert_int_equal(sev_cc_blob_parse(b, 39, &cc), SEV_E_SHORT);
	b[0] = 'X';
	assert_int_equal(sev_cc_blob_parse(b, sizeof(b), &cc), SEV_E_INVAL);
	put_blob(b, 0x80D800, 4096, 0x80E000, 4096);
	assert_int_equal(sev_cc_blob_parse(b, sizeof(b), &cc), SEV_E_INVAL);
	put_blob(b, 0x80D000, 8192, 0x80E000, 4096);
	assert_int_equal(sev_cc_blob_parse(b, sizeof(b), &cc), SEV_E_INVAL);
	put_blob(b, 0x80D000, 4096, 0x80E000, 2048);
	assert_int_equal(sev_cc_blob_parse(b, sizeof(b), &cc), SEV_E_INVAL);
	put_blob(b, 0x80D000, 4096, 0, 4096);
	assert_int_equal(sev_cc_blob_parse(b, sizeof(b), &cc), SEV_E_INVAL);
}

/* EFI_GUID text to bytes: Data1-3 little-endian, Data4 as written. */
static void
guid_bytes(const char *txt, uint8_t out[16])
{
	unsigned d1, d2, d3, d4[8];

	assert_int_equal(sscanf(txt, "%8x-%4x-%4x-%2x%2x-%2x%2x%2x%2x%2x%2x",
				&d1, &d2, &d3, &d4[0], &d4[1], &d4[2], &d4[3],
				&d4[4], &d4[5], &d4[6], &d4[7]),
			 11);
	sev_st32(out, d1);
	sev_st16(out + 4, (uint16_t)d2);
	sev_st16(out + 6, (uint16_t)d3);
	for (unsigned i = 0; i < 8; i++)
		out[8 + i] = (uint8_t)d4[i];
}

static void
test_efi_table(void **state)
{
	uint8_t guid[16], table[3 * 24];
	uint64_t addr;

	(void)state;
	guid_bytes("067b1f5f-cf26-44c5-8554-93d777912d42", guid);
	assert_memory_equal(guid, sev_cc_blob_guid, 16);
	/* ACPI 2.0 table GUID 8868e871-e4f1-11d3-bc22-0080c73c8881 first */
	memset(table, 0, sizeof(table));
	guid_bytes("8868e871-e4f1-11d3-bc22-0080c73c8881", table);
	sev_st64(table + 16, 0x7FB7E014);
	memcpy(table + 24, guid, 16);
	sev_st64(table + 40, 0x7EBB0018);
	assert_int_equal(sev_efi_find_cc_blob(table, 3, &addr), 0);
	assert_int_equal(addr, 0x7EBB0018);
	assert_int_equal(sev_efi_find_cc_blob(table, 1, &addr), SEV_E_NOTFOUND);
	sev_st64(table + 40, 0);
	assert_int_equal(sev_efi_find_cc_blob(table, 3, &addr), SEV_E_INVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_secrets_page),
		cmocka_unit_test(test_cc_blob),
		cmocka_unit_test(test_efi_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
