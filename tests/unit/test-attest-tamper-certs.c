/* SPDX-License-Identifier: MIT */
/*
 * Tamper tests for the certificates: flip every bit of the
 * TBSCertificate (its whole DER TLV) of every certificate in the test
 * data, the VCEKs/VLEK and AMD's ARK, ASK and ASVK of each generation,
 * and require that the chain is rejected each time.  The rest of the
 * chain is parsed and verified once and cached; each flip re-parses and
 * re-verifies only the changed certificate.  No bit is skipped.
 */
#include "test-attest.h"
#include "cvm/cleanup.h"

#include "../../lib/attest/attest-priv.h"

/* The TBSCertificate of a DER certificate: offset and length of its TLV. */
static void
tbs_range(const uint8_t *der, size_t len, size_t *off, size_t *n)
{
	size_t p = 1, l;

	assert_true(len > 8 && der[0] == 0x30);
	/* outer SEQUENCE: skip its length octets */
	p += (der[p] & 0x80) ? 1 + (der[p] & 0x7f) : 1;
	assert_int_equal(der[p], 0x30);
	l = der[p + 1];
	if (l & 0x80) {
		size_t k = l & 0x7f;

		l = 0;
		for (size_t i = 0; i < k; i++)
			l = l << 8 | der[p + 2 + i];
		l += 2 + k;
	} else {
		l += 2;
	}
	assert_true(p + l < len);
	*off = p;
	*n = l;
}

/* One DER certificate out of a PEM test file (0 = first). */
static uint8_t *
pem_cert(const char *rel, size_t idx, size_t *len)
{
	size_t plen = 0;
	cleanup_free uint8_t *pem = snp_read(rel, &plen);
	struct attest_cert **list = NULL;
	size_t n = 0;
	uint8_t *der;

	assert_int_equal(attest_certs_parse(pem, plen, rel, &list, &n, NULL),
			 0);
	assert_true(idx < n);
	der = cvm_xmalloc(list[idx]->der_len);
	memcpy(der, list[idx]->der, list[idx]->der_len);
	*len = list[idx]->der_len;
	for (size_t i = 0; i < n; i++)
		attest_cert_free(list[i]);
	free(list);
	return der;
}

enum slot { SLOT_VEK, SLOT_ASK, SLOT_ARK };

/*
 * Flip each TBS bit of `der` placed in `slot` of a context that holds
 * `vek` (for ASK/ARK flips); every flipped chain must be rejected.
 */
static size_t
flip_cert(const uint8_t *orig, size_t len, enum slot slot, const char *vek)
{
	static const enum cvm_cert_role roles[] = {
		CVM_CERT_ROLE_VEK, CVM_CERT_ROLE_ASK, CVM_CERT_ROLE_ARK};
	struct cvm_attest_ctx *ctx = snp_ctx(vek, NULL);
	struct cvm_attest_result *res = cvm_xcalloc(1, sizeof(*res));
	cleanup_free uint8_t *der = cvm_xmalloc(len);
	struct cvm_err err = CVM_ERR_INIT;
	size_t off, n, flips = 0;

	memcpy(der, orig, len);
	tbs_range(der, len, &off, &n);
	/* unmodified, the chain verifies */
	assert_int_equal(cvm_attest_ctx_add_mem(ctx, der, len, roles[slot],
						"orig", &err),
			 0);
	assert_int_equal(cvm_attest_verify_chain(ctx, SNP_TEST_AT, res, &err),
			 0);
	if (res->verdict != CVM_ATTEST_VALID)
		fail_msg("untampered chain is not valid: %s",
			 cvm_attest_first_problem(res)->detail);
	for (size_t bit = 8 * off; bit < 8 * (off + n); bit++) {
		der[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		flips++;
		if (cvm_attest_ctx_add_mem(ctx, der, len, roles[slot], "flip",
					   &err) == 0) {
			assert_int_equal(cvm_attest_verify_chain(
						 ctx, SNP_TEST_AT, res, &err),
					 0);
			if (res->verdict == CVM_ATTEST_VALID)
				fail_msg("TBS bit %zu flipped: chain still "
					 "valid",
					 bit - 8 * off);
		} /* else: no longer a certificate, refused at parsing */
		der[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	}
	free(res);
	cvm_attest_ctx_free(ctx);
	return flips;
}

static void
test_flip_vek_tbs(void **state)
{
	static const char *const veks[] = {
		"milan-v2-gsg/vcek.der",
		"milan-v2-virtee/vcek.der",
		"milan-v3-oak/vcek.der",
		"genoa-v5-oak/vcek.der",
		"turin-v5-oak/vcek.der",
		"turin-vcek-only/vcek.der",
		"milan-v3-vlek-vmpl1-trustee/vlek.der",
	};
	size_t total = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(veks) / sizeof(veks[0]); i++) {
		size_t len = 0;
		cleanup_free uint8_t *der = snp_read(veks[i], &len);
		size_t f = flip_cert(der, len, SLOT_VEK, NULL);

		print_message("# %s: %zu TBS bits flipped, all rejected\n",
			      veks[i], f);
		total += f;
	}
	assert_true(total > 7 * 8 * 600);
}

static void
test_flip_amd_tbs(void **state)
{
	static const struct {
		const char *pem, *vek;
	} chains[] = {
		{"amd-certs/ask_ark_milan.pem", "milan-v3-oak/vcek.der"},
		{"amd-certs/ask_ark_genoa.pem", "genoa-v5-oak/vcek.der"},
		{"amd-certs/ask_ark_turin_vcek.pem", "turin-v5-oak/vcek.der"},
		{"amd-certs/ask_ark_milan_vlek.pem",
		 "milan-v3-vlek-vmpl1-trustee/vlek.der"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(chains) / sizeof(chains[0]); i++) {
		size_t al = 0, rl = 0, fa, fr;
		cleanup_free uint8_t *ask = pem_cert(chains[i].pem, 0, &al);
		cleanup_free uint8_t *ark = pem_cert(chains[i].pem, 1, &rl);

		fa = flip_cert(ask, al, SLOT_ASK, chains[i].vek);
		fr = i < 3 ? flip_cert(ark, rl, SLOT_ARK, chains[i].vek) : 0;
		print_message("# %s: %zu ASK and %zu ARK TBS bits flipped, "
			      "all rejected\n",
			      chains[i].pem, fa, fr);
	}
}

/*
 * The Genoa and Turin ASVKs sign no VLEK in the test data: flip their
 * TBS bits against the ARK link alone (what a VLEK chain would check).
 */
static void
test_flip_asvk_tbs(void **state)
{
	static const char *const pems[] = {"amd-certs/ask_ark_genoa_vlek.pem",
					   "amd-certs/ask_ark_turin_vlek.pem"};

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		size_t al = 0, rl = 0, off, n, flips = 0;
		cleanup_free uint8_t *asvk = pem_cert(pems[i], 0, &al);
		cleanup_free uint8_t *arkd = pem_cert(pems[i], 1, &rl);
		struct attest_cert *ark =
			attest_cert_from_der(arkd, rl, "ark", NULL);
		struct attest_cert *c =
			attest_cert_from_der(asvk, al, "asvk", NULL);

		assert_int_equal(c->role, CVM_CERT_ROLE_ASVK);
		assert_int_equal(attest_link_check(c, ark)->status,
				 CVM_ATTEST_CHECK_PASS);
		attest_cert_free(c);
		tbs_range(asvk, al, &off, &n);
		for (size_t bit = 8 * off; bit < 8 * (off + n); bit++) {
			asvk[bit / 8] ^= (uint8_t)(1u << (bit % 8));
			c = attest_cert_from_der(asvk, al, "flip", NULL);
			if (c && c->role == CVM_CERT_ROLE_ASVK &&
			    attest_link_check(c, ark)->status ==
				    CVM_ATTEST_CHECK_PASS)
				fail_msg("%s: ASVK TBS bit %zu flipped: still "
					 "signed by the ARK",
					 pems[i], bit);
			attest_cert_free(c);
			asvk[bit / 8] ^= (uint8_t)(1u << (bit % 8));
			flips++;
		}
		print_message("# %s: %zu ASVK TBS bits flipped, all "
			      "rejected\n",
			      pems[i], flips);
		attest_cert_free(ark);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flip_vek_tbs),
		cmocka_unit_test(test_flip_amd_tbs),
		cmocka_unit_test(test_flip_asvk_tbs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
