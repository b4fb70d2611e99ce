/* SPDX-License-Identifier: MIT */
/*
 * Tamper tests for the report: flip every single bit of every positive
 * report in ../shared/testdata/snp in turn (the signed area 0x000-0x29F
 * and the whole 512-byte signature field) and require that verification
 * rejects each one, with the report signature check failing whenever it
 * runs.  Certificates are parsed and their chain verified once per
 * report (the context caches it), so each flip costs one ECDSA
 * verification; no bit is skipped.
 */
#include "test-attest.h"
#include "cvm/cleanup.h"

struct tamper_case {
	const char *report, *vek, *pool;
	bool allow_debug;
};

static const struct tamper_case positives[] = {
	{"milan-v2-gsg/report.bin", "milan-v2-gsg/vcek.der", NULL, true},
	{"milan-v2-virtee/report.bin", "milan-v2-virtee/vcek.der", NULL},
	{"milan-v3-oak/report.bin", "milan-v3-oak/vcek.der", NULL},
	{"genoa-v5-oak/report.bin", "genoa-v5-oak/vcek.der", NULL},
	{"turin-v5-oak/report.bin", "turin-v5-oak/vcek.der", NULL},
	{"milan-v2-azure-hcl/report.bin", NULL,
	 "milan-v2-azure-hcl/vcek-chain.pem"},
	{"milan-v3-vlek-vmpl1-trustee/report.bin",
	 "milan-v3-vlek-vmpl1-trustee/vlek.der", NULL},
};

struct tally {
	size_t flips, by_sig, by_other, parse;
};

static void
one_flip(struct cvm_attest_ctx *ctx, uint8_t *data, size_t len, size_t bit,
	 const struct cvm_attest_expect *e, struct cvm_attest_result *res,
	 struct tally *t)
{
	const struct cvm_attest_check *sig;
	struct cvm_err err = CVM_ERR_INIT;
	int r;

	data[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	r = cvm_attest_verify(ctx, data, len, "tampered", e, res, &err);
	data[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	t->flips++;
	if (r < 0) {
		t->parse++; /* e.g. VERSION below 2: refused outright */
		return;
	}
	if (res->verdict == CVM_ATTEST_VALID)
		fail_msg("bit %zu (byte 0x%zx) flipped: still VALID", bit,
			 bit / 8);
	sig = find_check(res, "report_sig");
	if (sig && sig->status != CVM_ATTEST_CHECK_FAIL)
		fail_msg("bit %zu (byte 0x%zx) flipped: report_sig is %s", bit,
			 bit / 8, cvm_attest_check_status_name(sig->status));
	if (sig)
		t->by_sig++;
	else
		t->by_other++;
}

static void
test_flip_every_report_bit(void **state)
{
	struct cvm_attest_result *res = cvm_xcalloc(1, sizeof(*res));
	struct tally total = {0};

	(void)state;
	for (size_t i = 0; i < sizeof(positives) / sizeof(positives[0]); i++) {
		const struct tamper_case *c = &positives[i];
		struct cvm_attest_ctx *ctx = snp_ctx(c->vek, c->pool);
		struct cvm_attest_expect e = {.at = SNP_TEST_AT,
					      .allow_debug = c->allow_debug};
		size_t len = 0;
		cleanup_free uint8_t *data = snp_read(c->report, &len);
		struct cvm_err err = CVM_ERR_INIT;
		struct tally t = {0};

		assert_int_equal(len, CVM_SNP_REPORT_SIZE);
		assert_int_equal(cvm_attest_verify(ctx, data, len, c->report,
						   &e, res, &err),
				 0);
		if (res->verdict != CVM_ATTEST_VALID)
			fail_msg("%s is not valid before tampering", c->report);
		/* signed area and signature field: every bit of the report */
		for (size_t bit = 0; bit < 8 * CVM_SNP_REPORT_SIZE; bit++)
			one_flip(ctx, data, len, bit, &e, res, &t);
		assert_int_equal(t.flips, 8 * CVM_SNP_REPORT_SIZE);
		/* and it still verifies once restored */
		assert_int_equal(cvm_attest_verify(ctx, data, len, c->report,
						   &e, res, &err),
				 0);
		assert_int_equal(res->verdict, CVM_ATTEST_VALID);
		print_message("# %s: %zu flips rejected (%zu by report_sig, "
			      "%zu by another check, %zu unparsable)\n",
			      c->report, t.flips, t.by_sig, t.by_other,
			      t.parse);
		total.flips += t.flips;
		total.by_sig += t.by_sig;
		cvm_attest_ctx_free(ctx);
	}
	assert_int_equal(total.flips, 7 * 8 * CVM_SNP_REPORT_SIZE);
	/* the signature check ran for nearly every flip */
	assert_true(total.by_sig > total.flips * 9 / 10);
	free(res);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flip_every_report_bit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
