/* SPDX-License-Identifier: MIT */
/*
 * Multi-buffer SHA-384 of pages (lib/measure/sha384-mb.c) against
 * OpenSSL's SHA384(), page by page, for every lane count this CPU can
 * run (a lane count it cannot run is a skip, named in the TAP output):
 * page counts around every multiple of the lane count, pages that differ
 * in one bit, all-zero and all-one pages, and data at an odd address.
 * Nothing may be written past the pages a pass hashed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

#include "../../lib/measure/measure-priv.h"
#include "cvm/cleanup.h"

#define PAGES 41

struct fixture {
	uint8_t *base; /* PAGES pages + 1 byte */
	uint8_t *data; /* base + 1: no alignment at all */
	uint8_t want[PAGES][CVM_SNP_LD_SIZE];
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	uint64_t x = 0x9e3779b97f4a7c15ull;

	if (!f || !(f->base = malloc(PAGES * CVM_PAGE_SIZE + 1)))
		return -1;
	f->data = f->base + 1;
	for (size_t i = 0; i < PAGES * CVM_PAGE_SIZE; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17; /* xorshift64 */
		f->data[i] = (uint8_t)x;
	}
	memset(f->data + 3 * CVM_PAGE_SIZE, 0, CVM_PAGE_SIZE);
	memset(f->data + 4 * CVM_PAGE_SIZE, 0xff, CVM_PAGE_SIZE);
	/* page 6 is page 5 with one bit flipped, in its last word */
	memcpy(f->data + 6 * CVM_PAGE_SIZE, f->data + 5 * CVM_PAGE_SIZE,
	       CVM_PAGE_SIZE);
	f->data[7 * CVM_PAGE_SIZE - 1] ^= 0x01;
	for (size_t i = 0; i < PAGES; i++)
		SHA384(f->data + i * CVM_PAGE_SIZE, CVM_PAGE_SIZE, f->want[i]);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	free(f->base);
	free(f);
	return 0;
}

static void
check_lanes(struct fixture *f, unsigned lanes)
{
	uint8_t out[PAGES + 1][CVM_SNP_LD_SIZE], sentinel[CVM_SNP_LD_SIZE];

	if (lanes > cvm_sha384_mb_lanes()) {
		print_message("# %u lanes: this CPU has %u at most\n", lanes,
			      cvm_sha384_mb_lanes());
		skip();
	}
	memset(sentinel, 0xa5, sizeof(sentinel));
	for (size_t n = 0; n <= PAGES; n++) {
		size_t done;

		memset(out, 0xa5, sizeof(out));
		done = cvm_sha384_pages_mb(f->data, n, out[0], lanes);
		assert_int_equal(done, n - n % lanes);
		for (size_t i = 0; i < done; i++)
			assert_memory_equal(out[i], f->want[i],
					    CVM_SNP_LD_SIZE);
		for (size_t i = done; i <= PAGES; i++)
			assert_memory_equal(out[i], sentinel, CVM_SNP_LD_SIZE);
	}
	/* pages 5 and 6 differ in one bit; their digests must differ */
	assert_memory_not_equal(f->want[5], f->want[6], CVM_SNP_LD_SIZE);
}

static void
test_8_lanes(void **state)
{
	check_lanes(*state, 8);
}

static void
test_4_lanes(void **state)
{
	check_lanes(*state, 4);
}

static void
test_other_lane_counts(void **state)
{
	struct fixture *f = *state;
	static const unsigned bad[] = {0, 1, 2, 3, 5, 16};
	uint8_t out[16][CVM_SNP_LD_SIZE], sentinel[sizeof(out)];

	memset(sentinel, 0xa5, sizeof(sentinel));
	for (size_t i = 0; i < CVM_ARRAY_SIZE(bad); i++) {
		memset(out, 0xa5, sizeof(out));
		assert_int_equal(
			cvm_sha384_pages_mb(f->data, 16, out[0], bad[i]), 0);
		assert_memory_equal(out, sentinel, sizeof(out));
	}
	assert_true(cvm_sha384_mb_lanes() == 1 || cvm_sha384_mb_lanes() == 4 ||
		    cvm_sha384_mb_lanes() == 8);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_8_lanes),
		cmocka_unit_test(test_4_lanes),
		cmocka_unit_test(test_other_lane_counts),
	};

	print_message("# this CPU hashes %u pages side by side\n",
		      cvm_sha384_mb_lanes());
	return cmocka_run_group_tests(tests, setup, teardown);
}
