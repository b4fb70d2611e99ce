/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the SNP CPUID page (guest/sev/sev-cpuid.c).  The test
 * builds a synthetic page itself, byte by byte, from the SNP ABI 56860
 * layout (§8.17.2.6: header {u32 count, u32, u64}, 48-byte entries
 * {u32 eax_in, ecx_in; u64 xcr0_in, xss_in; u32 eax, ebx, ecx, edx;
 * u64}); the values are plausible EPYC ones, chosen by hand.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sev-cpuid.h"

static uint8_t page[4096];
static unsigned nent;

static void
put(uint32_t fn, uint32_t sub, uint64_t xcr0, uint32_t a, uint32_t b,
    uint32_t c, uint32_t d)
{
	uint8_t *p = page + 16 + 48 * nent++;

	sev_st32(p + 0, fn);
	sev_st32(p + 4, sub);
	sev_st64(p + 8, xcr0);
	sev_st64(p + 16, 0);
	sev_st32(p + 24, a);
	sev_st32(p + 28, b);
	sev_st32(p + 32, c);
	sev_st32(p + 36, d);
	sev_st32(page, nent);
}

static void
build_page(void)
{
	memset(page, 0, sizeof(page));
	nent = 0;
	put(0x0, 0, 0, 0x10, 0x68747541, 0x444D4163, 0x69746E65);
	put(0x1, 0, 0, 0x00A00F11, 0x00020800, 0x7ED8320B, 0x178BFBFF);
	put(0x7, 0, 0, 0, 0x219C97A9, 0x0040069C | 1u << 4, 0x10);
	put(0xB, 0, 0, 1, 2, 0x100, 0);
	put(0xB, 1, 0, 4, 8, 0x201, 0);
	/* 0xD.0 twice: the base entry (XCR0 = 1) and one for XCR0 = 7 */
	put(0xD, 0, 1, 0x207, 0x240, 0x988, 0);
	put(0xD, 0, 7, 0x207, 0x340, 0x988, 0);
	put(0xD, 1, 1, 0xF, 0x240, 0, 0);
	put(0xD, 2, 0, 0x100, 0x240, 0, 0); /* AVX: 256 bytes at 576 */
	put(0x40000000u, 0, 0, 0x40000001u, 0x4B4D564B, 0x564B4D56, 0x4D);
	put(0x80000000u, 0, 0, 0x80000021u, 0x68747541, 0x444D4163, 0x69746E65);
	put(0x8000001Eu, 0, 0, 0, 0x00000100, 0x00000000, 0);
	put(0x8000001Fu, 0, 0, 0x0101FD3F, 0x00004173, 0x1FD, 0x65);
}

struct hv {
	unsigned calls;
	uint32_t last_fn, last_sub;
};

static int
hv_cpuid(void *ctx, struct sev_cpuid_leaf *l)
{
	struct hv *h = ctx;

	h->calls++;
	h->last_fn = l->fn;
	h->last_sub = l->subfn;
	l->eax = 0xAAAAAAAA;
	l->ebx = 0x05BBBBBB; /* APIC ID 5 */
	l->ecx = 0xCCCCCCC9;
	l->edx = 0x00000200; /* APIC enabled */
	return 0;
}

static void
test_parse(void **state)
{
	static struct sev_cpuid_table t;

	(void)state;
	build_page();
	assert_int_equal(sev_cpuid_table_parse(page, sizeof(page), &t), 0);
	assert_int_equal(t.count, nent);
	assert_int_equal(t.std_max, 0x10);
	assert_int_equal(t.hyp_max, 0x40000001u);
	assert_int_equal(t.ext_max, 0x80000021u);
	assert_int_equal(t.e[5].xcr0_in, 1);
	/* truncated page, empty page, over-full page */
	assert_int_equal(sev_cpuid_table_parse(page, 16 + 48 * nent - 1, &t),
			 SEV_E_SHORT);
	assert_int_equal(sev_cpuid_table_parse(page, 8, &t), SEV_E_SHORT);
	sev_st32(page, 0);
	assert_int_equal(sev_cpuid_table_parse(page, sizeof(page), &t),
			 SEV_E_INVAL);
	sev_st32(page, 65);
	assert_int_equal(sev_cpuid_table_parse(page, sizeof(page), &t),
			 SEV_E_INVAL);
	/* 64 entries fill 3088 bytes and are fine */
	sev_st32(page, 64);
	assert_int_equal(sev_cpuid_table_parse(page, SEV_CPUID_TABLE_SIZE, &t),
			 0);
}

static void
test_lookup_and_fixups(void **state)
{
	static struct sev_cpuid_table t;
	struct hv h = {0};
	struct sev_cpuid_env env = {&h, hv_cpuid, 0, 1, 0};
	struct sev_cpuid_leaf l;
	unsigned cbit;

	(void)state;
	build_page();
	assert_int_equal(sev_cpuid_table_parse(page, sizeof(page), &t), 0);

	/* plain leaf, subleaf ignored for non-indexed leaves */
	l = (struct sev_cpuid_leaf){.fn = 0x80000000u, .subfn = 9};
	assert_int_equal(sev_cpuid_snp(&t, &env, &l), 0);
	assert_int_equal(l.eax, 0x80000021u);
	assert_int_equal(h.calls, 0);

	/* leaf 1: live APIC ID and APIC-enable, OSXSAVE mirrors CR4 */
	l = (struct sev_cpuid_leaf){.fn = 1};
	assert_int_equal(sev_cpuid_snp(&t, &env, &l), 0);
	assert_int_equal(h.calls, 1);
	assert_int_equal(l.ebx, 0x05020800);
	assert_int_equal(l.edx, 0x178BFBFF);
	assert_int_equal(l.ecx & (1u << 27), 0);
	env.cr4 = SEV_CR4_OSXSAVE;
	env.xcr0 = 1;
	l = (struct sev_cpuid_leaf){.fn = 1};
	assert_int_equal(sev_cpuid_snp(&t, &env, &l), 0);
	assert_int_equal(l.ecx & (1u << 27), 1u << 27);

	/* leaf 7: OSPKE follows CR4.PKE, not the table */
	l = (struct sev_cpuid_leaf){.fn = 7};
	assert_int_equal(sev_cpuid_snp(&t, &env, &l), 0);
	assert_int_equal(l.ecx & (1u << 4), 0);
	/* indexed leaf 7, subleaf 1: absent but in range -> zeros */
	l = (struct sev_cpuid_leaf){.fn = 7, .subfn = 1};
	assert_int_equal(sev_cpuid_snp(&t, &env, &l), 0);
	assert_int_equal(l.eax | l.ebx | l.ecx | l.edx, 0);

	/* leaf 0xB subleaf 1: x2APIC ID from the host's subleaf 0 */
	h.calls = 0;
	l = (struct sev_cpuid_leaf){.fn = 0xB, .subfn = 1};
	assert_int_equal(sev_cpuid_snp(&t, &env, &l), 0);
	assert_int_equal(l.eax, 4);
	assert_int_equal(l.edx, 0x200);
	assert_int_equal(h.last_sub, 0);

	/* out-of-range leaf: zeros, no fix-up, no host call */
	h.calls = 0;
	l = (struct sev_cpuid_leaf){.fn = 0x20};
	assert_int_equal(sev_cpuid_snp(&t, &env, &l), 0);
	assert_int_equal(l.eax | l.ebx | l.ecx | l.edx, 0);
	assert_int_equal(h.calls, 0);

	/* 0x8000_001E: extended APIC ID and low ID bytes from the host */
	l = (struct sev_cpuid_leaf){.fn = 0x8000001Eu};
	assert_int_equal(sev_cpuid_snp(&t, &env, &l), 0);
	assert_int_equal(l.eax, 0xAAAAAAAA);
	assert_int_equal(l.ebx, 0x000001BB);
	assert_int_equal(l.ecx, 0x000000C9);

	assert_int_equal(sev_cpuid_table_cbit(&t, &cbit), 0);
	assert_int_equal(cbit, 51);
	assert_int_equal(sev_cpuid_snp(NULL, &env, &l), SEV_E_NOTFOUND);
}

static void
test_xsave_size(void **state)
{
	static struct sev_cpuid_table t;
	struct hv h = {0};
	struct sev_cpuid_env env = {&h, hv_cpuid, SEV_CR4_OSXSAVE, 3, 0};
	struct sev_cpuid_leaf l;

	(void)state;
	build_page();
	assert_int_equal(sev_cpuid_table_parse(page, sizeof(page), &t), 0);
	/* XCR0 = x87|SSE: the legacy area, 0x240 */
	l = (struct sev_cpuid_leaf){.fn = 0xD};
	assert_int_equal(sev_cpuid_snp(&t, &env, &l), 0);
	assert_int_equal(l.ebx, 0x240);
	/* + AVX: offset 0x240 + size 0x100 = 0x340, from subleaf 2, and
	 * never from the XCR0 = 7 entry the hypervisor also supplied */
	env.xcr0 = 7;
	l = (struct sev_cpuid_leaf){.fn = 0xD};
	assert_int_equal(sev_cpuid_snp(&t, &env, &l), 0);
	assert_int_equal(l.ebx, 0x340);
	assert_int_equal(l.eax, 0x207);
	/* compacted (subleaf 1): 0x240 + 0x100 */
	l = (struct sev_cpuid_leaf){.fn = 0xD, .subfn = 1};
	assert_int_equal(sev_cpuid_snp(&t, &env, &l), 0);
	assert_int_equal(l.ebx, 0x340);
	/* PKRU (bit 9) enabled but not in the table: refuse */
	env.xcr0 = 7 | 1u << 9;
	l = (struct sev_cpuid_leaf){.fn = 0xD};
	assert_int_equal(sev_cpuid_snp(&t, &env, &l), SEV_E_INVAL);
	/* without OSXSAVE the size is for XCR0 = 1 whatever xcr0 says */
	env.cr4 = 0;
	l = (struct sev_cpuid_leaf){.fn = 0xD};
	assert_int_equal(sev_cpuid_snp(&t, &env, &l), 0);
	assert_int_equal(l.ebx, 0x240);
	assert_true(sev_cpuid_indexed(0xD));
	assert_false(sev_cpuid_indexed(0x80000000u));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_lookup_and_fixups),
		cmocka_unit_test(test_xsave_size),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
